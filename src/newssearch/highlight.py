"""Snippets as data, and their renderers.

A :class:`Fragment` is a slice of a stored text with the character ranges of
the words the query matched.  Matching re-analyses the text with the index's
analyzer and marks every token whose term the query looks for; a compound
part carries its compound's character range, so ``Garantien`` marks
``Sicherheitsgarantien`` as it stands.  Rendering is a separate step: HTML
escapes the text and wraps matches in ``<mark>``.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

from newssearch.analysis.chain import GermanAnalyzer
from newssearch.sentences import SentenceSplitter

__all__ = [
    "Fragment",
    "Highlighter",
    "render_ansi",
    "render_html",
    "render_plain",
]

Span = tuple[int, int]


@dataclass(frozen=True)
class Fragment:
    """A piece of a text and the matches in it.

    ``start``/``end`` are offsets into the source text; ``matches`` are
    offsets into ``text``, ordered and not overlapping.  ``truncated_start``
    and ``truncated_end`` say whether the piece was cut inside a sentence.
    """

    text: str
    start: int
    end: int
    matches: tuple[Span, ...]
    truncated_start: bool = False
    truncated_end: bool = False


class Highlighter:
    """Finds and cuts highlighted fragments with one analyzer and sentence splitter."""

    def __init__(
        self,
        *,
        analyzer: GermanAnalyzer,
        splitter: SentenceSplitter | None = None,
        exact_analyzer: GermanAnalyzer | None = None,
    ) -> None:
        self._analyzer = analyzer
        self._splitter = splitter or SentenceSplitter()
        self._exact = exact_analyzer

    def warm(self) -> None:
        """Load the sentence splitter's parameters now rather than on the first snippet."""
        self._splitter.spans("Ein Satz. Noch einer.")

    def matches(
        self, text: str, terms: frozenset[str], *, exact: frozenset[str] = frozenset()
    ) -> tuple[Span, ...]:
        """Character ranges in ``text`` of the words whose analysed form is in ``terms``
        or whose exact form (the exact analyzer's: no stemming, no compound parts) is
        in ``exact`` (what prefix queries match)."""
        return tuple(span for span, _ in self._term_matches(text, terms, exact))

    def whole(
        self, text: str, terms: frozenset[str], *, exact: frozenset[str] = frozenset()
    ) -> Fragment | None:
        """``text`` as one fragment with its matches; ``None`` when nothing matches."""
        spans = self.matches(text, terms, exact=exact) if terms or exact else ()
        if not spans:
            return None
        return Fragment(text=text, start=0, end=len(text), matches=spans)

    def leading(self, text: str, *, fragment_chars: int = 200) -> Fragment:
        """The opening sentences of ``text`` (about ``fragment_chars``), unmarked."""
        first = len(text) - len(text.lstrip())  # where the first sentence can start
        sentences = (
            self._splitter.spans_around(text, [(first, first + fragment_chars + 1)])
            or self._splitter.spans(text)
            or [(0, len(text))]
        )
        start, end = sentences[0]
        for _, s_end in sentences[1:]:
            if s_end - start > fragment_chars:
                break
            end = s_end
        if end - start > fragment_chars:
            return _cut(text, start, end, start, fragment_chars, [])
        return Fragment(text=text[start:end], start=start, end=end, matches=())

    def fragments(
        self,
        text: str,
        terms: frozenset[str],
        *,
        exact: frozenset[str] = frozenset(),
        max_fragments: int = 3,
        fragment_chars: int = 200,
    ) -> tuple[Fragment, ...]:
        """Up to ``max_fragments`` fragments of whole sentences with the most matches.

        Fragments are ranked by distinct matched terms, then by matches, then
        by position, and returned in document order; about ``fragment_chars``
        long (a longer sentence is cut at word boundaries around its first
        match).  No match: ``()``.
        """
        if not (terms or exact) or max_fragments <= 0:
            return ()
        found = self._term_matches(text, terms, exact)
        if not found:
            return ()
        # Only the sentences a fragment can take in: those of the matches and
        # the ones that follow them within ``fragment_chars``.
        reach = [(a, b + fragment_chars) for (a, b), _ in found]
        sentences = self._splitter.spans_around(text, reach) or [(0, len(text))]
        # Which matches fall into each sentence (one pass, both lists ordered).
        per_sentence: list[list[tuple[Span, str]]] = [[] for _ in sentences]
        i = 0
        for span, term in found:
            while i < len(sentences) - 1 and span[0] >= sentences[i][1]:
                i += 1
            per_sentence[i].append((span, term))
        candidates = []
        for first, (s_start, _) in enumerate(sentences):
            if not per_sentence[first]:
                continue
            last = first
            while last + 1 < len(sentences) and sentences[last + 1][1] - s_start <= fragment_chars:
                last += 1
            hits = [m for k in range(first, last + 1) for m in per_sentence[k]]
            score = (len({term for _, term in hits}), len(hits), -first)
            candidates.append((score, first, last))
        chosen: list[tuple[int, int]] = []
        for _, first, last in sorted(candidates, reverse=True):
            if any(first <= b and a <= last for a, b in chosen):
                continue
            chosen.append((first, last))
            if len(chosen) == max_fragments:
                break
        out = []
        for first, last in sorted(chosen):
            start, end = sentences[first][0], sentences[last][1]
            spans = [span for k in range(first, last + 1) for span, _ in per_sentence[k]]
            if end - start > fragment_chars:
                out.append(_cut(text, start, end, spans[0][0], fragment_chars, spans))
            else:
                out.append(
                    Fragment(
                        text=text[start:end],
                        start=start,
                        end=end,
                        matches=tuple((a - start, b - start) for a, b in spans),
                    )
                )
        return tuple(out)

    def _term_matches(
        self, text: str, terms: frozenset[str], exact: frozenset[str] = frozenset()
    ) -> list[tuple[Span, str]]:
        """Ordered, merged ranges of matching tokens, each with a matched term."""
        found = list(self._analyzer.find(text, terms)) if terms else []
        if exact:
            if self._exact is None:
                raise ValueError("exact terms need a highlighter with an exact_analyzer")
            found.extend(self._exact.find(text, exact))
        raw = sorted(((start, end), term) for start, end, term in found)
        merged: list[tuple[Span, str]] = []
        for (start, end), term in raw:
            if merged and start < merged[-1][0][1]:
                (m_start, m_end), m_term = merged[-1]
                merged[-1] = ((m_start, max(m_end, end)), m_term)
            else:
                merged.append(((start, end), term))
        return merged


def _cut(text: str, start: int, end: int, anchor: int, size: int, spans: list[Span]) -> Fragment:
    """A window of about ``size`` characters of ``text[start:end]`` around ``anchor``,
    cut at word boundaries."""
    lo = max(start, min(anchor - size // 4, end - size))
    hi = min(end, lo + size)
    if lo > start:
        space = text.find(" ", lo, anchor if anchor > lo else hi)
        lo = space + 1 if space != -1 else lo
    if hi < end:
        space = text.rfind(" ", max(lo, anchor), hi)
        hi = space if space > lo else hi
    inside = tuple((max(a, lo) - lo, min(b, hi) - lo) for a, b in spans if a < hi and b > lo)
    return Fragment(
        text=text[lo:hi],
        start=lo,
        end=hi,
        matches=inside,
        truncated_start=lo > start,
        truncated_end=hi < end,
    )


def _render(fragment: Fragment, escape: Callable[[str], str], before: str, after: str) -> str:
    parts = ["…" if fragment.truncated_start else ""]
    pos = 0
    for a, b in fragment.matches:
        parts.append(escape(fragment.text[pos:a]))
        parts.append(before + escape(fragment.text[a:b]) + after)
        pos = b
    parts.append(escape(fragment.text[pos:]))
    parts.append("…" if fragment.truncated_end else "")
    return "".join(parts)


def render_html(fragment: Fragment) -> str:
    """HTML: the text escaped, matches in ``<mark>``, ``…`` where cut.

    >>> render_html(Fragment("a <b> c", 0, 7, ((0, 1),)))
    '<mark>a</mark> &lt;b&gt; c'
    """
    return _render(fragment, html.escape, "<mark>", "</mark>")


def render_ansi(fragment: Fragment) -> str:
    """For a terminal: matches in bold yellow."""
    return _render(fragment, _identity, "\x1b[1;33m", "\x1b[0m")


def render_plain(fragment: Fragment, *, marker: str = "**") -> str:
    """Plain text with matches between ``marker`` (``**Kreml**``)."""
    return _render(fragment, _identity, marker, marker)


def _identity(text: str) -> str:
    return text
