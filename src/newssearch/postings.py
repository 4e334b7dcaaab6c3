"""Whoosh posting formats that take the German analyzer's terms without tokens.

Whoosh builds a document's postings by pulling one token object at a time
through the analyzer and counting into dictionaries; with the analyzer's
chunk cache warm, that token traffic was the largest part of analysing an
article (cProfile of ``build_index``).  These formats ask
:meth:`~newssearch.analysis.chain.GermanAnalyzer.term_positions` for each
term's positions directly.  What they write is byte for byte what Whoosh's
``Positions`` and ``Frequency`` write (tests compare them), so an index reads
the same; any other analyzer or value goes the usual way.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from whoosh import formats
from whoosh.system import pack_uint

__all__ = ["NewsFrequency", "NewsPositions"]

#: (term, frequency, weight, encoded value); Whoosh annotates the term as bytes,
#: but formats yield the text and ``Field.index`` encodes it.
Posting = tuple[Any, int, float, bytes]


def _fast_path(value: Any, analyzer: Any, kwargs: dict[str, Any]) -> Any:
    """The analyzer's ``term_positions`` if it can stand in for the token stream."""
    if not isinstance(value, str) or kwargs.get("mode", "index") != "index":
        return None
    if set(kwargs) - {"mode"}:  # start_pos, start_char, …: let Whoosh handle them
        return None
    return getattr(analyzer, "term_positions", None)


class _TermPositionsFormat(formats.Format):
    """``word_values`` from the analyzer's term positions; ``_encoded`` is the value."""

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any) -> Iterable[Posting]:
        term_positions = _fast_path(value, analyzer, kwargs)
        if term_positions is None:
            return super().word_values(value, analyzer, **kwargs)
        fb = self.field_boost
        encoded = self._encoded
        # Every token weighs 1.0, so a term's weight is its frequency.
        return [
            (term, len(poslist), len(poslist) * fb, encoded(poslist))
            for term, poslist in term_positions(value).items()
        ]

    def _encoded(self, poslist: list[int]) -> bytes:
        raise NotImplementedError


class NewsPositions(_TermPositionsFormat, formats.Positions):
    """Whoosh's ``Positions`` (frequency, weight, positions per posting)."""

    def _encoded(self, poslist: list[int]) -> bytes:
        return bytes(self.encode(poslist))


class NewsFrequency(_TermPositionsFormat, formats.Frequency):
    """Whoosh's ``Frequency`` (frequency and weight per posting)."""

    def _encoded(self, poslist: list[int]) -> bytes:
        return pack_uint(len(poslist))
