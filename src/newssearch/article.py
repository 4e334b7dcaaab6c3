"""The Article record: what newssearch indexes, and its validation."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any, Literal

from newssearch.errors import InputError

__all__ = [
    "ARTICLE_FIELDS",
    "FACET_FIELDS",
    "STRING_FIELDS",
    "TEXT_FIELDS",
    "Article",
    "present_fields",
    "role_of",
    "trusted_article",
]

#: What a field of :class:`Article` is for: the id, searchable text, the
#: publication time, an exact value to filter and facet on (``tags`` has
#: several), or a value only shown (``url``).  Every list of article fields in
#: newssearch is derived from these roles.
Role = Literal["id", "text", "date", "keyword", "keywords", "display"]


@dataclass(frozen=True, slots=True)
class Article:
    """One news article.

    ``id`` is required and unique within an index; at least one of ``title``,
    ``lead`` and ``body`` must hold text.  ``published`` must be timezone-aware
    (the loaders read naive timestamps as UTC).

    >>> Article(id="a1", title="Kremlchef Putin", body="...").title
    'Kremlchef Putin'
    """

    id: str = field(metadata={"role": "id"})
    title: str = field(default="", metadata={"role": "text"})
    lead: str = field(default="", metadata={"role": "text"})
    body: str = field(default="", metadata={"role": "text"})
    published: datetime | None = field(default=None, metadata={"role": "date"})
    section: str = field(default="", metadata={"role": "keyword"})
    source: str = field(default="", metadata={"role": "keyword"})
    author: str = field(default="", metadata={"role": "keyword"})
    url: str = field(default="", metadata={"role": "display"})
    tags: tuple[str, ...] = field(default=(), metadata={"role": "keywords"})

    def __post_init__(self) -> None:
        problem = self.problem()
        if problem is not None:
            raise InputError(problem)

    def problem(self) -> str | None:
        """What is wrong with this record, or ``None`` when it is valid."""
        if not isinstance(self.id, str) or not self.id.strip():
            return "missing id"
        if self.id != self.id.strip():
            return f"id {self.id!r} has leading or trailing spaces"
        for name in STRING_FIELDS:
            value = getattr(self, name)
            if not isinstance(value, str):
                return f"field {name!r} of article {self.id!r} must be a string"
            text_problem = _text_problem(value)
            if text_problem is not None:
                return f"field {name!r} of article {self.id!r} {text_problem}"
        id_problem = _text_problem(self.id)
        if id_problem is not None:
            return f"the id {self.id!r} {id_problem}"
        if not (self.title.strip() or self.lead.strip() or self.body.strip()):
            return f"article {self.id!r} has no text (title, lead and body are empty)"
        if self.published is not None:
            if not isinstance(self.published, datetime):
                return f"published of article {self.id!r} must be a datetime"
            if self.published.utcoffset() is None:
                return f"published of article {self.id!r} has no timezone"
            try:
                self.published.astimezone(UTC)
            except OverflowError:
                return f"published of article {self.id!r} is out of range in UTC"
        if not isinstance(self.tags, tuple) or not all(isinstance(t, str) for t in self.tags):
            return f"tags of article {self.id!r} must be a tuple of strings"
        for tag in self.tags:
            tag_problem = _text_problem(tag)
            if tag_problem is not None:
                return f"a tag of article {self.id!r} {tag_problem}"
        return None

    @property
    def display_title(self) -> str:
        """The title, or the start of the lead or body when there is no title."""
        for text in (self.title, self.lead, self.body):
            if text.strip():
                return text.strip()
        return self.id


def _text_problem(text: str) -> str | None:
    """What makes ``text`` unfit to index and show: a NUL or a lone surrogate."""
    if "\x00" in text:
        return "holds a NUL character"
    at = lone_surrogate(text)
    if at is not None:
        return f"holds a lone surrogate ({text[at]!r}): not valid Unicode"
    return None


def lone_surrogate(text: str) -> int | None:
    """Where ``text`` holds a lone surrogate (no index can hold one), or ``None``.

    >>> lone_surrogate("Wien"), lone_surrogate("Wi\\udcfcn")
    (None, 2)
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return int(exc.start)
    return None


def trusted_article(values: Mapping[str, Any]) -> Article:
    """An :class:`Article` of values that were checked when it was made (read back
    from an index), without checking them again: fields not in ``values`` take
    their defaults.  Building hits calls this for every hit of every page."""
    article = object.__new__(Article)
    for name, default in _DEFAULTS.items():
        object.__setattr__(article, name, values.get(name, default))
    return article


def role_of(name: str) -> Role:
    """The role of article field ``name`` (``KeyError`` for a name that is not one)."""
    return _ROLES[name]


def present_fields(article: Article) -> Iterator[tuple[str, Role, Any]]:
    """``(name, role, value)`` of each field of ``article`` that is not empty, in
    declaration order: what every format an article is written in walks.

    >>> [(n, r) for n, r, _ in present_fields(Article(id="a", body="Text"))]
    [('id', 'id'), ('body', 'text')]
    """
    for name, role in _ROLES.items():
        value = getattr(article, name)
        if value:
            yield name, role, value


_ROLES: dict[str, Role] = {f.name: f.metadata["role"] for f in fields(Article)}
_DEFAULTS: dict[str, Any] = {f.name: f.default for f in fields(Article)}

#: Every field of an article, in declaration order.
ARTICLE_FIELDS: tuple[str, ...] = tuple(_ROLES)
#: The text fields, in the order of their weight (title, lead, body).
TEXT_FIELDS: tuple[str, ...] = tuple(n for n, r in _ROLES.items() if r == "text")
#: Fields with exact values that can filter and facet (section, source, author, tags).
FACET_FIELDS: tuple[str, ...] = tuple(n for n, r in _ROLES.items() if r in ("keyword", "keywords"))
#: The fields whose value is one string (all but id, published and tags).
STRING_FIELDS: tuple[str, ...] = tuple(
    n for n, r in _ROLES.items() if r in ("text", "keyword", "display")
)
