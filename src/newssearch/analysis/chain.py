"""The German chain as one Whoosh analyzer that analyses each surface form once.

:class:`GermanAnalyzer` is the composition ``GermanTokenizer → lowercase →
stopwords → decompounding → normalisation → stemming`` (or, for the exact
twin fields, the same without decompounding and stemming; for the stopword
twins, the stopwords alone).  For indexing and
highlighting it does not push every token through six generators: the
text is cut at whitespace and each chunk (a word, with any punctuation that
sticks to it) is looked up in a cache of the tokens the chain made of it
before, so the tokenizer and the filters run once per distinct surface form.
Queries and other modes run the steps composed as a plain chain.  Both give
the same tokens (the test suite checks this on the bundled corpus and on
random text).

The steps are the analyzer's own list (tokenizer, then filters), built from
its :class:`~newssearch.config.AnalyzerConfig`; it composes them itself, the
way Whoosh's ``CompositeAnalyzer`` does (``no_morph=True`` skips stemming),
and offers that composition as :attr:`GermanAnalyzer.chain` for callers who
want Whoosh's own object.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Container, Iterable, Iterator
from typing import Any

from whoosh.analysis import Composable, Filter, LowercaseFilter
from whoosh.analysis.analyzers import CompositeAnalyzer

from newssearch.analysis.compounds import GermanDecompoundFilter
from newssearch.analysis.filters import (
    GermanNormalizeFilter,
    GermanStemFilter,
    GermanStopFilter,
    GermanUniquePartsFilter,
    StopMode,
)
from newssearch.analysis.tokenizer import GermanToken, GermanTokenizer, Piece, TokenKind
from newssearch.cache import BoundedCache
from newssearch.config import AnalyzerConfig

__all__ = ["GermanAnalyzer", "TwinEntry"]

#: Bound of the per-analyzer chunk cache; cleared when full.
_CACHE_LIMIT = 300_000
#: What the text is cut into for caching: runs of non-whitespace.
_CHUNK = re.compile(r"\S+")

#: What the chain makes of one chunk: its tokens, relative to the chunk, and
#: how many positions the chunk takes.
_Entry = tuple[tuple[Piece, ...], int]
#: What one pass makes of a chunk for a field and its twins (:meth:`index_terms`):
#: the chain's terms with their positions relative to the chunk, the positions
#: the chunk takes, its exact forms and its stopwords.
TwinEntry = tuple[tuple[tuple[str, int], ...], int, tuple[str, ...], tuple[str, ...]]


def _filters(config: AnalyzerConfig, *, exact: bool, stops: StopMode) -> tuple[Filter, ...]:
    """The filters that follow the tokenizer for ``config``, in the order they run."""
    steps: list[Filter] = [LowercaseFilter()]
    if config.stopwords:
        steps.append(GermanStopFilter(mode=stops))
    if config.decompound and not exact:
        steps.append(GermanDecompoundFilter(min_part_length=config.min_part_length))
    if config.normalize:
        steps.append(GermanNormalizeFilter())
    if config.stemming and not exact:
        steps.append(GermanStemFilter())
    if config.decompound and not exact:
        steps.append(GermanUniquePartsFilter())
    return tuple(steps)


class GermanAnalyzer(Composable):
    """The German chain for ``config``; ``exact=True`` leaves out stemming and compound parts.

    ``stops`` says what becomes of stopwords (see
    :class:`~newssearch.analysis.filters.GermanStopFilter`): dropped, marked
    as :attr:`TokenKind.STOP` and kept, or the only tokens kept.

    Picklable: it holds only its configuration and rebuilds its steps and
    cache when unpickled.
    """

    def __init__(
        self, config: AnalyzerConfig | None = None, *, exact: bool = False, stops: StopMode = "drop"
    ) -> None:
        self.config = config or AnalyzerConfig()
        self.exact = exact
        self.stops: StopMode = stops
        self._reset()

    def _reset(self) -> None:
        self._tokenizer = GermanTokenizer()
        self._filters = _filters(self.config, exact=self.exact, stops=self.stops)
        # What Whoosh's composition runs for ``no_morph=True``: no stemming.
        self._filters_no_morph = tuple(f for f in self._filters if not f.is_morph)
        self._chain: CompositeAnalyzer | None = None
        self._cache: BoundedCache[str, _Entry] = BoundedCache(_CACHE_LIMIT)
        self._twin_cache: BoundedCache[str, TwinEntry] = BoundedCache(_CACHE_LIMIT)
        self._marker: GermanAnalyzer | None = None
        self._analysed: list[tuple[str, TwinEntry]] | None = None  # see record_analysed()

    def __getstate__(self) -> dict[str, Any]:
        return {"config": self.config, "exact": self.exact, "stops": self.stops}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.config = state["config"]
        self.exact = state["exact"]
        self.stops = state.get("stops", "drop")
        self._reset()

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, GermanAnalyzer)
            and other.config == self.config
            and other.exact == self.exact
            and other.stops == self.stops
        )

    def __hash__(self) -> int:
        return hash((type(self), self.config, self.exact, self.stops))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.config!r}, exact={self.exact}, stops={self.stops!r})"

    @property
    def steps(self) -> tuple[Composable, ...]:
        """The tokenizer, then the filters, in the order they run."""
        return (self._tokenizer, *self._filters)

    @property
    def chain(self) -> CompositeAnalyzer:
        """The steps as one Whoosh ``CompositeAnalyzer`` (sharing their caches).

        This analyzer does not use it: it is for callers that want Whoosh's
        own composition, and gives the same tokens as ``mode="query"``.
        """
        if self._chain is None:
            self._chain = CompositeAnalyzer(*self.steps)
        return self._chain

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[GermanToken]:
        if mode != "index" or not tokenize or not removestops or keeporiginal:
            return self._composed(
                value,
                positions=positions,
                chars=chars,
                keeporiginal=keeporiginal,
                removestops=removestops,
                start_pos=start_pos,
                start_char=start_char,
                tokenize=tokenize,
                mode=mode,
                **kwargs,
            )
        return self._cached(value, positions, chars, start_pos, start_char, kwargs)

    def _composed(self, value: str, no_morph: bool = False, **kwargs: Any) -> Iterator[GermanToken]:
        """The tokenizer's tokens through each filter in turn, as Whoosh's
        ``CompositeAnalyzer`` runs them (``no_morph=True`` leaves out stemming)."""
        # Whoosh types a filter Token -> Token; every filter here changes and
        # yields the tokenizer's own token, a GermanToken.
        tokens: Iterator[Any] = self._tokenizer(value, **kwargs)
        for step in self._filters_no_morph if no_morph else self._filters:
            tokens = step(tokens)
        return tokens

    def _cached(
        self,
        value: str,
        positions: bool,
        chars: bool,
        start_pos: int,
        start_char: int,
        options: dict[str, Any],
    ) -> Iterator[GermanToken]:
        t = GermanToken(positions, chars, removestops=True, mode="index", **options)
        t.boost = 1.0
        t.stopped = False
        for text, kind, pos, start, end, original in self._pieces(value, start_pos, start_char):
            t.text = text
            t.kind = kind
            t.original = original
            t.pos = pos
            t.startchar, t.endchar = start, end
            yield t

    def _pieces(self, value: str, start_pos: int = 0, start_char: int = 0) -> Iterator[Piece]:
        """The tokens of ``value`` as tuples, analysing each distinct chunk once."""
        get = self._cache.get  # bound once: as fast as a plain dict's get (see newssearch.cache)
        renumber = self.config.stopwords
        pos = start_pos
        out_pos = -1
        prev_in: int | None = None
        for chunk in _CHUNK.finditer(value):
            word = chunk.group()
            entry = get(word) or self._miss(word)
            pieces, advance = entry
            offset = start_char + chunk.start()
            for text, kind, rel_pos, start, end, original in pieces:
                p = pos + rel_pos
                if renumber:  # close the gaps stopwords leave, as GermanStopFilter does
                    if p != prev_in:
                        out_pos = p if prev_in is None else out_pos + 1
                        prev_in = p
                    p = out_pos
                yield text, kind, p, offset + start, offset + end, original
            pos += advance

    def term_positions(self, value: str) -> dict[str, list[int]]:
        """Each indexed term of ``value`` with its positions, in order: what a
        posting format needs, without token objects (see ``postings.py``)."""
        out: dict[str, list[int]] = {}
        for text, _, pos, _, _, _ in self._pieces(value):
            found = out.get(text)
            if found is None:
                out[text] = [pos]
            else:
                found.append(pos)
        return out

    def index_terms(
        self, value: str
    ) -> tuple[dict[str, list[int]], dict[str, int], dict[str, int]]:
        """One pass over ``value`` for a text field and both its twins: what
        :meth:`term_positions` gives, and the frequency of each term the exact
        chain (``exact=True``) and the stopword chain (``stops="only"``) of this
        configuration make of it.

        The chunk cache keeps all three per surface form, so each distinct
        chunk is analysed once for the three fields (twice on a miss: by this
        chain and by the exact chain marking stopwords, which gives both
        twins).  Only for the full chain (not ``exact``, stopwords dropped).

        >>> positions, exact, stops = GermanAnalyzer().index_terms("Die Häuser der Stadt")
        >>> positions, dict(exact), dict(stops)
        ({'haus': [1], 'stadt': [2]}, {'hauser': 1, 'stadt': 1}, {'die': 1, 'der': 1})
        """
        if self.exact or self.stops != "drop":
            raise ValueError("index_terms is the full chain's (exact=False, stops='drop')")
        get = self._twin_cache.get
        renumber = self.config.stopwords
        positions: dict[str, list[int]] = {}
        exact: list[str] = []
        stops: list[str] = []
        pos = 0
        out_pos = -1
        prev_in: int | None = None
        for word in _CHUNK.findall(value):
            terms, advance, exact_terms, stop_terms = get(word) or self._twin_miss(word)
            for text, rel_pos in terms:
                p = pos + rel_pos
                if renumber:  # close the gaps stopwords leave, as in _pieces()
                    if p != prev_in:
                        out_pos = p if prev_in is None else out_pos + 1
                        prev_in = p
                    p = out_pos
                found = positions.get(text)
                if found is None:
                    positions[text] = [p]
                else:
                    found.append(p)
            exact += exact_terms
            stops += stop_terms
            pos += advance
        return positions, Counter(exact), Counter(stops)

    def _twin_miss(self, chunk: str) -> TwinEntry:
        """Analyse a chunk for :meth:`index_terms` and keep it in the twin cache."""
        pieces, advance = self._cache.get(chunk) or self.analyze_chunk(chunk)
        if self._marker is None:
            self._marker = GermanAnalyzer(self.config, exact=True, stops="mark")
        exact_terms: list[str] = []
        stop_terms: list[str] = []
        for text, kind, *_ in self._marker.analyze_chunk(chunk)[0]:
            (stop_terms if kind == TokenKind.STOP else exact_terms).append(text)
        entry = (
            tuple((text, rel_pos) for text, _, rel_pos, _, _, _ in pieces),
            advance,
            tuple(exact_terms),
            tuple(stop_terms),
        )
        if self._analysed is not None:
            self._analysed.append((chunk, entry))
        return self._twin_cache.put(chunk, entry)

    def record_analysed(self) -> None:
        """From now on, note each chunk :meth:`index_terms` analyses (for
        :meth:`take_analysed`): processes writing one import share their work."""
        if self._analysed is None:
            self._analysed = []

    def take_analysed(self) -> list[tuple[str, TwinEntry]]:
        """What :meth:`index_terms` made of each chunk it analysed since the last
        call (and since :meth:`record_analysed`), to be given to another
        process's analyzer of the same configuration (:meth:`add_analysed`)."""
        taken = self._analysed
        if not taken:
            return []
        self._analysed = []
        return taken

    def add_analysed(self, entries: Iterable[tuple[str, TwinEntry]]) -> int:
        """Keep what another analyzer of this configuration made of some chunks
        (its :meth:`take_analysed`), so that :meth:`index_terms` does not analyse
        them again; the number of chunks that were new here."""
        cache = self._twin_cache
        new = 0
        for chunk, entry in entries:
            if chunk not in cache:
                cache.put(chunk, entry)
                new += 1
        return new

    def find(self, value: str, terms: Container[str]) -> Iterator[tuple[int, int, str]]:
        """``(startchar, endchar, term)`` of each token of ``value`` (as indexed)
        whose term is in ``terms``: what a highlighter needs, without tokens."""
        # Not through _pieces(): this runs over every hit's stored text, and
        # only the chunks with a wanted term need their offset.
        get = self._cache.get
        pos = 0
        for chunk in value.split():
            entry = get(chunk) or self._miss(chunk)
            at = -1
            for text, _, _, start, end, _ in entry[0]:
                if text in terms:
                    if at < 0:
                        at = _locate(value, chunk, pos)
                        pos = at + len(chunk)
                    yield at + start, at + end, text

    def _miss(self, chunk: str) -> _Entry:
        """Analyse a chunk that is not in the cache yet, and keep it there."""
        return self._cache.put(chunk, self.analyze_chunk(chunk))

    def analyze_chunk(self, chunk: str) -> _Entry:
        """The chain's tokens for one whitespace-free chunk, relative to it, and
        the positions it takes (not cached).

        No token spans whitespace and no tokenizer rule looks past it, so a
        chunk is tokenized alone exactly as in its text; the filters work
        token by token, except that stopwords close position gaps, which
        :meth:`_cached` redoes across chunks.
        """
        last_pos = -1

        def raw() -> Iterator[GermanToken]:
            nonlocal last_pos
            for token in self._tokenizer(chunk, positions=True, chars=True, mode="index"):
                last_pos = token.pos
                yield token

        tokens: Iterator[Any] = raw()  # NewsTokens throughout, as in _composed()
        for step in self._filters:
            tokens = step(tokens)
        pieces = tuple((t.text, t.kind, t.pos, t.startchar, t.endchar, t.original) for t in tokens)
        # Every filter reads its input to the end, so the tokenizer is done
        # here; a chunk takes the positions up to its last raw token's.
        return pieces, last_pos + 1


def _locate(text: str, chunk: str, pos: int) -> int:
    """Where ``chunk`` next stands in ``text`` from ``pos`` on, as a whole chunk."""
    end = len(chunk)
    at = text.find(chunk, pos)
    while at >= 0:
        before_ok = at == 0 or text[at - 1].isspace()
        after_ok = at + end == len(text) or text[at + end].isspace()
        if before_ok and after_ok:
            return at
        at = text.find(chunk, at + 1)
    raise ValueError(f"{chunk!r} is not a chunk of the text after {pos}")  # cannot happen
