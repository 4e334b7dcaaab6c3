"""The one codec between an :class:`~newssearch.article.Article` and a stored document.

What Whoosh is given for an article (indexed values, stored values) and how a
stored document becomes an article again live here and nowhere else.  Two
Whoosh conventions are kept inside: ``DATETIME`` fields hold naive datetimes
(newssearch stores UTC and hands back aware UTC datetimes), and a field's
stored value can differ from the indexed one (``_stored_tags`` keeps the tags
as a list while the index gets them comma-separated).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from newssearch.article import ARTICLE_FIELDS, Article, present_fields, role_of, trusted_article
from newssearch.engine.postings import iter_docnums
from newssearch.engine.schema import exact_field, stopword_field

__all__ = [
    "StoryFields",
    "from_stored",
    "from_stored_time",
    "live_docnums",
    "stored_signature",
    "to_document",
    "to_stored_time",
]


def to_stored_time(moment: datetime) -> datetime:
    """``moment`` as Whoosh stores and compares it: naive UTC (a naive input is UTC)."""
    if moment.utcoffset() is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def from_stored_time(stored: datetime) -> datetime:
    """A stored (naive UTC) time as the aware UTC datetime it stands for."""
    return stored.replace(tzinfo=UTC)


@dataclass(frozen=True)
class StoryFields:
    """What an article holds about its story: the label and the signature
    (:mod:`newssearch.duplicates`; the band keys go to the vocabulary file)."""

    story: str
    signature: bytes


def to_document(
    article: Article, *, stopword_twins: bool = True, story: StoryFields | None = None
) -> dict[str, Any]:
    """The Whoosh document for ``article``: indexed values and what is stored.

    Text fields also feed their ``_exact`` twins and, with ``stopword_twins``
    (see :func:`~newssearch.engine.schema.has_stopword_twins`), their ``_stop``
    twins; empty fields are left out.  ``story`` fills the story fields.
    """
    doc: dict[str, Any] = {}
    for name, role, value in present_fields(article):
        if role == "date":
            doc[name] = to_stored_time(value)
        elif role == "keywords":
            doc[name] = ",".join(value)
            doc[f"_stored_{name}"] = list(value)
        else:
            doc[name] = value
            if role == "text":
                doc[exact_field(name)] = value
                if stopword_twins:
                    doc[stopword_field(name)] = value
    if story is not None:
        doc["story"] = story.story
        doc["story_sig"] = story.signature.hex()
    return doc


def from_stored(stored: Mapping[str, Any]) -> Article:
    """The article a stored document holds (the inverse of :func:`to_document`).

    Stored values are trusted: they were checked when the article was indexed,
    so they are not checked again (:func:`~newssearch.article.trusted_article`).
    """
    values: dict[str, Any] = {}
    for name in ARTICLE_FIELDS:
        if name not in stored:
            continue
        value = stored[name]
        role = role_of(name)
        if role == "date":
            value = from_stored_time(value) if isinstance(value, datetime) else None
        elif role == "keywords":
            value = (
                tuple(value) if isinstance(value, list | tuple) else tuple(str(value).split(","))
            )
        values[name] = value
    return trusted_article(values)


def stored_signature(stored: Mapping[str, Any]) -> bytes:
    """The near-duplicate signature a stored document holds (:func:`to_document`
    writes it in hex); ``b""`` for none, or for a value that is not one."""
    value = stored.get("story_sig")
    if not isinstance(value, str):
        return b""
    try:
        return bytes.fromhex(value)
    except ValueError:
        return b""


def live_docnums(reader: Any, fieldname: str, text: str) -> list[int]:
    """The numbers of the live (not deleted) documents holding ``text`` in ``fieldname``."""
    return list(iter_docnums(reader, fieldname, text))
