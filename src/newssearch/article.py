"""The Article record: what newssearch indexes, and its validation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from newssearch.errors import InputError

__all__ = ["TEXT_FIELDS", "Article"]

#: The text fields of an article, in the order of their weight.
TEXT_FIELDS = ("title", "lead", "body")


@dataclass(frozen=True, slots=True)
class Article:
    """One news article.

    ``id`` is required and unique within an index; at least one of ``title``,
    ``lead`` and ``body`` must hold text.  ``published`` must be timezone-aware
    (the loaders read naive timestamps as UTC).

    >>> Article(id="a1", title="Kremlchef Putin", body="...").title
    'Kremlchef Putin'
    """

    id: str
    title: str = ""
    lead: str = ""
    body: str = ""
    published: datetime | None = None
    section: str = ""
    source: str = ""
    author: str = ""
    url: str = ""
    tags: tuple[str, ...] = ()

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
        for name in ("title", "lead", "body", "section", "source", "author", "url"):
            if not isinstance(getattr(self, name), str):
                return f"field {name!r} of article {self.id!r} must be a string"
        if not (self.title.strip() or self.lead.strip() or self.body.strip()):
            return f"article {self.id!r} has no text (title, lead and body are empty)"
        if self.published is not None:
            if not isinstance(self.published, datetime):
                return f"published of article {self.id!r} must be a datetime"
            if self.published.utcoffset() is None:
                return f"published of article {self.id!r} has no timezone"
        if not isinstance(self.tags, tuple) or not all(isinstance(t, str) for t in self.tags):
            return f"tags of article {self.id!r} must be a tuple of strings"
        return None

    @property
    def display_title(self) -> str:
        """The title, or the start of the lead or body when there is no title."""
        for text in (self.title, self.lead, self.body):
            if text.strip():
                return text.strip()
        return self.id
