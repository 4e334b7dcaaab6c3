"""Story labels for articles being indexed: wire copies of one story share one.

:mod:`newssearch.duplicates` computes the signatures and the labelling rule;
this module applies it to a batch of articles against the index as committed:
an article's candidates are the indexed articles sharing one of its LSH band
keys, checked with their stored signatures.  The keys are read from the
segments' vocabulary files (:mod:`newssearch.engine.vocabulary`); when a
segment has none (a write that failed, an index of format 3, whose keys
were Whoosh terms), they are computed from its stored signatures.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import partial
from typing import Any

from newssearch.article import Article
from newssearch.duplicates import MAX_COMPARED, StoryMember, assign_stories, band_keys, signature
from newssearch.engine.documents import StoryFields, live_docnums, stored_signature
from newssearch.engine.vocabulary import open_vocabulary

__all__ = ["ReaderStories", "article_signature", "copies_of", "story_fields"]


class ReaderStories:
    """The indexed articles :func:`~newssearch.duplicates.assign_stories` asks
    about, read through a Whoosh reader of the committed index."""

    def __init__(self, reader: Any) -> None:
        self._reader = reader
        self._find: Callable[[tuple[int, ...]], set[int]] | None = None

    def candidates(self, keys: tuple[int, ...]) -> Iterable[StoryMember]:
        reader = self._reader
        if self._find is None:
            self._find = _band_finder(reader)
        for docnum in sorted(self._find(keys)):
            if reader.is_deleted(docnum):
                continue
            stored = reader.stored_fields(docnum)
            sig = stored_signature(stored)  # none: similar to nothing
            yield StoryMember(str(stored["id"]), sig, str(stored.get("story", "")))

    def story_members(self, story: str) -> Iterable[str]:
        reader = self._reader
        return [str(reader.stored_fields(d)["id"]) for d in live_docnums(reader, "story", story)]


def _band_finder(reader: Any) -> Callable[[tuple[int, ...]], set[int]]:
    """What finds the documents with any of some band keys: the vocabulary files,
    or (when a segment has none) a table of every live article's keys read from the
    stored signatures, which is slow but rare (``NewsIndex.update`` writes missing
    files before it labels)."""
    vocabulary = open_vocabulary(reader)
    if vocabulary is not None:
        return partial(vocabulary.band_documents, limit=MAX_COMPARED)
    table: dict[int, list[int]] = {}
    for docnum in reader.all_doc_ids():
        for key in band_keys(stored_signature(reader.stored_fields(docnum))):
            table.setdefault(key, []).append(docnum)
    return lambda keys: {d for key in keys for d in table.get(key, [])[-MAX_COMPARED:]}


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

    def candidates(self, keys: tuple[int, ...]) -> Iterable[StoryMember]:
        return ()

    def story_members(self, story: str) -> Iterable[str]:
        return ()


def article_signature(article: Article) -> bytes:
    """The near-duplicate signature of ``article`` (:func:`~newssearch.duplicates.signature`)."""
    return signature(article.title, article.lead, article.body)


def story_fields(signatures: Mapping[str, bytes], reader: Any | None) -> dict[str, StoryFields]:
    """The story fields of the articles whose ``signatures`` (by id) are given,
    labelled against the index ``reader`` reads (``None``: an empty index)."""
    lookup = _NoStories() if reader is None else ReaderStories(reader)
    labels = assign_stories(list(signatures.items()), lookup)
    return {
        article_id: StoryFields(labels[article_id], sig) for article_id, sig in signatures.items()
    }
