"""Story labels for articles being indexed: wire copies of one story share one.

:mod:`newssearch.duplicates` computes the signatures and the labelling rule;
this module applies it to a batch of articles against the index as committed:
an article's candidates are the indexed articles sharing one of its LSH band
keys (a term of ``story_bands``), checked with their stored signatures.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from newssearch.article import Article
from newssearch.duplicates import StoryMember, assign_stories, band_keys, signature
from newssearch.engine.documents import StoryFields, live_docnums

__all__ = ["ReaderStories", "copies_of", "story_fields"]


class ReaderStories:
    """The indexed articles :func:`~newssearch.duplicates.assign_stories` asks
    about, read through a Whoosh reader of the committed index."""

    def __init__(self, reader: Any) -> None:
        self._reader = reader

    def candidates(self, keys: tuple[str, ...]) -> Iterable[StoryMember]:
        reader = self._reader
        docnums = {d for key in keys for d in live_docnums(reader, "story_bands", key)}
        for docnum in sorted(docnums):
            stored = self._reader.stored_fields(docnum)
            try:
                sig = bytes.fromhex(stored.get("story_sig", ""))
            except ValueError:  # not ours: no signature to compare with
                continue
            yield StoryMember(str(stored["id"]), sig, str(stored.get("story", "")))

    def story_members(self, story: str) -> Iterable[str]:
        reader = self._reader
        return [str(reader.stored_fields(d)["id"]) for d in live_docnums(reader, "story", story)]


def copies_of(reader: Any, article_id: str) -> list[str]:
    """The ids of the other articles of ``article_id``'s story (none in an
    index without stories, or for an unknown id)."""
    if "story" not in reader.schema:
        return []
    stories = ReaderStories(reader)
    for docnum in live_docnums(reader, "id", article_id):
        label = reader.stored_fields(docnum).get("story")
        if label:
            return [i for i in stories.story_members(str(label)) if i != article_id]
    return []


class _NoStories:
    """An empty index: no candidates."""

    def candidates(self, keys: tuple[str, ...]) -> Iterable[StoryMember]:
        return ()

    def story_members(self, story: str) -> Iterable[str]:
        return ()


def story_fields(batch: Iterable[Article], reader: Any | None) -> dict[str, StoryFields]:
    """Each article's story fields (by id), labelled against the index ``reader``
    reads (``None``: an empty index)."""
    signatures = {a.id: signature(a.title, a.lead, a.body) for a in batch}
    lookup = _NoStories() if reader is None else ReaderStories(reader)
    labels = assign_stories(list(signatures.items()), lookup)
    return {
        article_id: StoryFields(labels[article_id], band_keys(sig), sig)
        for article_id, sig in signatures.items()
    }
