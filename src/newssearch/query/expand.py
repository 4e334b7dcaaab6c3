"""Bound what a prefix query costs: expand it to the most frequent words it stands for.

Whoosh matches ``Bundes*`` by walking every indexed word that starts with
``bundes`` and scoring them all the same (every score 1.0).  Here a prefix
becomes an OR of at most :attr:`~newssearch.config.QueryLimits.max_expansions`
words, those found in most articles among the first
``max_scanned_terms`` that start with it, each scored by BM25 like any word
(Lucene's ``top_terms`` rewrite), so prefix matches are ranked and their cost
is bounded whatever the index holds.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from itertools import islice
from typing import Any, Protocol

from whoosh import query as wq

from newssearch.config import QueryLimits
from newssearch.errors import QueryError

__all__ = ["Lexicon", "expand_prefixes"]


class Lexicon(Protocol):
    """The words of an index that start with a prefix (a Whoosh reader has them)."""

    def iter_prefix(self, fieldname: str, prefix: str) -> Iterator[tuple[bytes, Any]]: ...


def expand_prefixes(q: wq.Query, lexicon: Lexicon | None, limits: QueryLimits) -> wq.Query:
    """``q`` with every prefix query replaced by an OR of its most frequent words.

    A prefix shorter than ``limits.min_prefix_chars`` raises
    :class:`~newssearch.errors.QueryError`; without a ``lexicon`` (planning
    without an index) prefixes are only checked.
    """

    leaves = [leaf for leaf in q.leaves() if type(leaf) is wq.Prefix]
    # Several prefixes share the query's budgets (one keeps them whole): at most
    # max_clauses words in all (a prefix is one leaf per field), and
    # max_scanned_terms words looked at per field.
    keep = max(min(limits.max_expansions, limits.max_clauses // max(len(leaves), 1)), 1)
    texts = {leaf.text for leaf in leaves}
    scan = max(limits.max_scanned_terms // max(len(texts), 1), keep)

    def visit(node: wq.Query) -> wq.Query:
        if type(node) is not wq.Prefix:
            return node
        if len(node.text) < limits.min_prefix_chars:
            raise QueryError(
                f"the prefix {node.text + '*'!r} is too short: give at least "
                f"{limits.min_prefix_chars} letters before the *"
            )
        if lexicon is None:
            return node
        words = _most_frequent(lexicon, node.fieldname, node.text, keep=keep, scan=scan)
        if not words:
            return wq.NullQuery
        return wq.Or([wq.Term(node.fieldname, w) for w in words], boost=node.boost)

    if not any(type(leaf) is wq.Prefix for leaf in q.leaves()):
        return q  # most queries: no second walk and normalisation of a big tree
    expanded: wq.Query = q.accept(visit).normalize()
    return expanded


def _most_frequent(
    lexicon: Lexicon, fieldname: str, prefix: str, *, keep: int, scan: int
) -> list[str]:
    """Of the first ``scan`` words starting with ``prefix``, the ``keep`` in most articles."""
    scanned = islice(lexicon.iter_prefix(fieldname, prefix), scan)
    best = heapq.nlargest(keep, ((info.doc_frequency(), term) for term, info in scanned))
    return sorted(term.decode("utf-8") for _, term in best)
