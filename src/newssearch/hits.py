"""Build hits from stored articles: the displayed title and the highlighted snippets.

The highlighter re-analyses a hit's stored text with the German chain and
marks the tokens whose terms the query matched; :func:`highlight_terms` says
which terms those are, per text field.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from whoosh import query as wq

from newssearch.article import TEXT_FIELDS, Article
from newssearch.config import MAX_ANALYZED_CHARS
from newssearch.engine.schema import exact_field, stopword_field
from newssearch.highlight import Fragment, Highlighter
from newssearch.results import Highlights, Hit

__all__ = ["HitBuilder", "SnippetOptions", "highlight_terms"]

#: Per text field, the terms (as the German analyzer writes them) to mark; per
#: exact or stopword twin (``body_exact``, ``body_stop``), the words as written.
Terms = Mapping[str, frozenset[str]]


@dataclass(frozen=True)
class SnippetOptions:
    """How hits are highlighted: at most ``max_fragments`` of ``fragment_chars`` each,
    found in the first ``max_analyzed_chars`` of the text."""

    highlight: bool = True
    max_fragments: int = 3
    fragment_chars: int = 200
    max_analyzed_chars: int = MAX_ANALYZED_CHARS


class HitBuilder:
    """Makes :class:`Hit` objects; one per searcher (the highlighter keeps caches)."""

    def __init__(self, highlighter: Highlighter) -> None:
        self._highlighter = highlighter

    def warm(self) -> None:
        """Load the highlighter's sentence splitter (see ``Searcher.warm``)."""
        self._highlighter.warm()

    def build(
        self,
        rank: int,
        score: float | None,
        article: Article,
        terms: Terms,
        options: SnippetOptions,
    ) -> Hit:
        """The hit for ``article``: its title (the first text field that has text) and,
        if asked, the title and the other text fields highlighted."""
        title_field = next((f for f in TEXT_FIELDS if getattr(article, f)), "title")
        title = getattr(article, title_field) or article.id
        highlights = None
        if options.highlight:
            shown_title = title[: options.max_analyzed_chars]
            highlights = Highlights(
                title=self._highlighter.whole(
                    shown_title,
                    terms.get(title_field, frozenset()),
                    exact=_exact_terms(terms, [title_field]),
                ),
                body=self._snippets(article, title_field, terms, options),
            )
        return Hit(
            id=article.id,
            rank=rank,
            score=score,
            title=title,
            article=article,
            highlights=highlights,
        )

    def _snippets(
        self, article: Article, title_field: str, terms: Terms, options: SnippetOptions
    ) -> tuple[Fragment, ...]:
        snippet_fields = [f for f in TEXT_FIELDS if f != title_field and getattr(article, f)]
        text = "\n\n".join(getattr(article, f) for f in snippet_fields)
        if not text:
            return ()
        text = text[: options.max_analyzed_chars]  # a prefix: offsets stay right
        wanted = frozenset().union(*(terms.get(f, frozenset()) for f in snippet_fields))
        exact = _exact_terms(terms, snippet_fields)
        body = self._highlighter.fragments(
            text,
            wanted,
            exact=exact,
            max_fragments=options.max_fragments,
            fragment_chars=options.fragment_chars,
        )
        if not body and options.max_fragments:
            body = (self._highlighter.leading(text, fragment_chars=options.fragment_chars),)
        return tuple(body)


def _exact_terms(terms: Terms, fields: Sequence[str]) -> frozenset[str]:
    """The words as written to mark in ``fields``: their exact and stopword twins' terms."""
    return frozenset().union(
        *(terms.get(twin(f), frozenset()) for f in fields for twin in (exact_field, stopword_field))
    )


def highlight_terms(q: wq.Query, reader: Any) -> dict[str, frozenset[str]]:
    """Per text field and per twin, the terms to mark.

    Terms of a text field are as the German chain writes them; terms of an
    exact twin (what a prefix such as ``Bundes*`` expands to) are exact forms,
    marked where the exact chain finds them, so that only words starting with
    the prefix are marked (not ``Bund`` or the ``Wahl`` of ``Bundes-Wahl``);
    so are the stopwords of a stopword twin.
    """
    wanted = (
        set(TEXT_FIELDS)
        | {exact_field(name) for name in TEXT_FIELDS}
        | {stopword_field(name) for name in TEXT_FIELDS}
    )
    found: dict[str, set[str]] = {}
    for fieldname, text in _positive_terms(q, reader):
        if fieldname in wanted:
            found.setdefault(fieldname, set()).add(text)
    return {name: frozenset(texts) for name, texts in found.items()}


def _positive_terms(q: wq.Query, reader: Any) -> Iterator[tuple[str, str]]:
    """The (field, term) pairs ``q`` matches on, outside its negated parts."""
    if isinstance(q, wq.Not):
        return
    if isinstance(q, wq.AndNot):
        yield from _positive_terms(q.a, reader)
        return
    if isinstance(q, wq.MultiTerm):  # prefix and wildcard: the terms they expand to
        for fieldname, expanded in q.existing_terms(reader, expand=True):
            yield fieldname, _text(expanded)
        return
    if q.is_leaf():
        for fieldname, term in q.iter_all_terms(phrases=True):
            yield fieldname, _text(term)
        return
    for child in q.children():
        yield from _positive_terms(child, reader)


def _text(term: str | bytes) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else term
