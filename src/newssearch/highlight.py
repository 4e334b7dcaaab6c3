"""Snippets as data, and their renderers.

A :class:`Fragment` is a slice of a stored text with the character ranges of
the words the query matched.  Matching analyses the text with the index's
analyzer and marks every token whose term the query looks for; a compound
part carries its compound's character range, so ``Garantien`` marks
``Sicherheitsgarantien`` as it stands.  Rendering is a separate step: HTML
escapes the text and wraps matches in ``<mark>``.

Finding the matches costs set operations in C rather than a Python step per
word (a :class:`_Matcher` per analyzer): the text is cut at whitespace into
chunks (what the analyzer analyses one by one), the chunks the highlighter
has not seen before are analysed, and the chunks holding a wanted term are
looked up in a map from each term to the chunks that make it; only those are
then located in the text.  Walking every word of every hit with the
analyzer's own :meth:`~newssearch.analysis.chain.GermanAnalyzer.find` was
half of a highlighted query's time.
"""

from __future__ import annotations

import html
from bisect import bisect_left
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from newssearch.analysis.chain import GermanAnalyzer
from newssearch.config import MAX_TOKEN_CHARS
from newssearch.sentences import SentenceSplitter

__all__ = [
    "Fragment",
    "Highlighter",
    "render_ansi",
    "render_html",
    "render_plain",
]

Span = tuple[int, int]
#: A token of a chunk: its character range in the chunk and its term.
_Piece = tuple[int, int, str]

#: How many distinct chunks a :class:`_Matcher` remembers (emptied when full).
_CHUNK_LIMIT = 200_000


class _Everything:
    """A container holding every term: what asks the analyzer for all tokens."""

    def __contains__(self, item: object) -> bool:
        return True


_EVERYTHING = _Everything()


class _Matcher:
    """Finds the tokens of a text whose term is wanted, for one analyzer.

    Remembers the tokens of every chunk it has seen (``pieces``) and, for each
    term, the chunks that make it (``chunks_with``), so that finding the
    matches of a text is: split it, analyse the chunks not seen yet, intersect
    the wanted terms' chunks with the text's, and locate those.  Gives what
    ``analyzer.find`` gives (the same tokens and offsets), in another order.
    """

    def __init__(self, analyzer: GermanAnalyzer) -> None:
        self._analyzer = analyzer
        self.pieces: dict[str, tuple[_Piece, ...]] = {}
        self.chunks_with: dict[str, set[str]] = {}
        self._seen: set[str] = set()  # pieces' keys: a set's difference with a set is quicker

    def find(
        self, text: str, terms: frozenset[str], distinct: set[str] | None = None
    ) -> Iterator[tuple[int, int, str]]:
        """``(startchar, endchar, term)`` of each token of ``text`` whose term is in
        ``terms``; ``distinct`` is ``set(text.split())`` if the caller has it."""
        if distinct is None:
            distinct = set(text.split())
        unseen = distinct.difference(self._seen)
        if unseen:
            if len(self._seen) + len(unseen) > _CHUNK_LIMIT:  # start afresh, with this text
                self.pieces.clear()
                self.chunks_with.clear()
                self._seen.clear()
                unseen = distinct
            self._learn(unseen)
        chunks_with = self.chunks_with
        found: set[str] = set()
        for term in terms:
            holding = chunks_with.get(term)
            if holding:
                found.update(holding.intersection(distinct))
        for chunk in found:
            wanted = [piece for piece in self.pieces[chunk] if piece[2] in terms]
            for at in _occurrences(text, chunk):
                for start, end, term in wanted:
                    yield at + start, at + end, term

    def _learn(self, chunks: set[str]) -> None:
        """Analyse ``chunks`` (whitespace-free) in one call of the analyzer."""
        ordered = list(chunks)
        joined = " ".join(ordered)
        tokens: dict[str, list[_Piece]] = {chunk: [] for chunk in ordered}
        starts = []
        at = 0
        for chunk in ordered:
            starts.append(at)
            at += len(chunk) + 1
        k = 0
        for start, end, term in self._analyzer.find(joined, _EVERYTHING):
            while k + 1 < len(starts) and starts[k + 1] <= start:
                k += 1
            chunk = ordered[k]
            tokens[chunk].append((start - starts[k], end - starts[k], term))
            self.chunks_with.setdefault(term, set()).add(chunk)
        for chunk, pieces in tokens.items():
            self.pieces[chunk] = tuple(pieces)
        self._seen.update(ordered)


def _occurrences(text: str, chunk: str) -> Iterator[int]:
    """Where ``chunk`` stands in ``text`` as a whole chunk (between whitespace)."""
    size = len(chunk)
    end = len(text)
    at = text.find(chunk)
    while at >= 0:
        if (at == 0 or text[at - 1].isspace()) and (at + size == end or text[at + size].isspace()):
            yield at
            at = text.find(chunk, at + size)
        else:
            at = text.find(chunk, at + 1)


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
        self._matcher = _Matcher(analyzer)
        self._exact_matcher = None if exact_analyzer is None else _Matcher(exact_analyzer)

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
        every = self._term_matches(text, terms, exact)
        if not every:
            return ()
        found = every
        if len(text) > _LONG_TEXT and len(every) > _MANY_MATCHES:
            found = _densest(every, fragment_chars, max_fragments)
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
        if found is not every:  # mark every match in the fragments, not just those chosen by
            return tuple(_marked(fragment, every) for fragment in out)
        return tuple(out)

    def _term_matches(
        self, text: str, terms: frozenset[str], exact: frozenset[str] = frozenset()
    ) -> list[tuple[Span, str]]:
        """Ordered, merged ranges of matching tokens, each with a matched term."""
        if exact and self._exact_matcher is None:
            raise ValueError("exact terms need a highlighter with an exact_analyzer")
        chunks = set(text.split())  # both matchers' chunks
        found = list(self._matcher.find(text, terms, chunks)) if terms else []
        if exact and self._exact_matcher is not None:
            found.extend(self._exact_matcher.find(text, exact, chunks))
        raw = sorted(((start, end), term) for start, end, term in found)
        merged: list[tuple[Span, str]] = []
        for (start, end), term in raw:
            if merged and start < merged[-1][0][1]:
                (m_start, m_end), m_term = merged[-1]
                merged[-1] = ((m_start, max(m_end, end)), m_term)
            else:
                merged.append(((start, end), term))
        return merged


#: A text longer than this with more matches than :data:`_MANY_MATCHES` has its
#: fragments chosen among the densest stretches of matches only (see
#: :func:`_densest`), so that the sentences split are a bounded few whatever
#: its length.  A news article is far shorter: its snippets are chosen among
#: all its matches.
_LONG_TEXT = 20_000
_MANY_MATCHES = 100


def _densest(
    found: list[tuple[Span, str]], fragment_chars: int, max_fragments: int
) -> list[tuple[Span, str]]:
    """The matches in and around the ``4 * max_fragments`` best stretches of
    ``fragment_chars`` characters (most distinct terms, then most matches,
    then earliest), in order."""
    starts = [span[0] for span, _ in found]
    windows = []
    for i, start in enumerate(starts):
        j = bisect_left(starts, start + fragment_chars, i)
        terms = {term for _, term in found[i:j]}
        windows.append(((len(terms), j - i, -i), i, j))
    windows.sort(reverse=True)
    keep: set[int] = set()
    taken: list[tuple[int, int]] = []
    for _, i, j in windows:
        if any(i < b and a < j for a, b in taken):
            continue
        taken.append((i, j))
        # and the matches a sentence around the stretch may take in
        lo = bisect_left(starts, starts[i] - fragment_chars)
        hi = bisect_left(starts, starts[j - 1] + 2 * fragment_chars)
        keep.update(range(lo, hi))
        if len(taken) == 4 * max_fragments:
            break
    return [found[k] for k in sorted(keep)]


def _marked(fragment: Fragment, found: list[tuple[Span, str]]) -> Fragment:
    """``fragment`` with every match of ``found`` that falls in it marked."""
    lo, hi = fragment.start, fragment.end
    first = bisect_left(found, ((lo - _MAX_SPAN, 0), ""))
    inside = []
    for (a, b), _ in found[first:]:
        if a >= hi:
            break
        if b > lo:
            inside.append((max(a, lo) - lo, min(b, hi) - lo))
    return replace(fragment, matches=tuple(inside))


#: Longer than any token's range (tokens are cut at ``MAX_TOKEN_CHARS``; a
#: compound part carries its compound's range).
_MAX_SPAN = 4 * MAX_TOKEN_CHARS


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
