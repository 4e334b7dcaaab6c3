"""Sentence boundaries for snippets: Punkt, trained offline on German news.

The parameters (abbreviations, collocations, sentence starters, case
context) are learned with NLTK's Punkt trainer by ``tools/train_punkt.py``
from the bundled 10kGNAD articles and shipped as ``data/punkt_de.json.gz``;
nothing is downloaded.  Splitting runs :mod:`newssearch.punkt`, a port of
NLTK's Punkt inference that gives NLTK's spans without importing NLTK.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable
from functools import cache
from typing import Any

from newssearch.errors import AnalyzerError
from newssearch.packaged import read_packaged
from newssearch.punkt import PunktParameters, PunktSentenceTokenizer

__all__ = ["SentenceSplitter"]

#: Abbreviations the training articles do not teach Punkt: the letters of
#: spaced abbreviations (``z. B.``, ``u. a.``, ``d. h.``, ``v. a.``) and ``med.``.
_EXTRA_ABBREVIATIONS = ("a", "b", "d", "h", "u", "v", "z", "med")
#: Month names: ``am 15. Januar`` is a date, not a sentence end after ``15.``.
_MONTHS = (
    "januar jänner februar feber märz april mai juni juli august september oktober "
    "november dezember"
).split()


@cache
def _parameters() -> PunktParameters:
    try:
        raw = read_packaged("newssearch", "data/punkt_de.json.gz")
        data = json.loads(gzip.decompress(raw))
    except (OSError, ValueError) as exc:
        raise AnalyzerError(f"the sentence splitter's parameters are missing: {exc}") from exc
    params = PunktParameters()
    params.abbrev_types = set(data["abbrev_types"])
    params.collocations = {tuple(pair) for pair in data["collocations"]}
    params.abbrev_types.update(_EXTRA_ABBREVIATIONS)
    params.collocations.update(("##number##", month) for month in _MONTHS)
    params.sent_starters = set(data["sent_starters"])
    # Stored as [flags, "word word …"] groups: a JSON object of 50,000 words
    # took 20 ms to parse (a third of a command-line search's highlighting).
    ortho_context = params.ortho_context
    for flags, words in data["ortho_context"]:
        ortho_context.update(dict.fromkeys(words.split(" "), flags))
    return params


class SentenceSplitter:
    """Finds sentence spans in German text, with exact character offsets.

    >>> SentenceSplitter().spans("Das ist z.B. so. Am 15. August kam er.")
    [(0, 16), (17, 38)]
    """

    def __init__(self) -> None:
        self._tokenizer: PunktSentenceTokenizer | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._tokenizer = None

    def spans(self, text: str) -> list[tuple[int, int]]:
        """``(start, end)`` of each sentence; ``text[start:end]`` has no outer whitespace.

        Line breaks also end sentences (sub-headings, paragraphs).
        """
        out: list[tuple[int, int]] = []
        offset = 0
        for line in text.split("\n"):
            if line.strip():
                out.extend(self._split(line, offset))
            offset += len(line) + 1
        return out

    def spans_around(
        self, text: str, ranges: Iterable[tuple[int, int]], *, margin: int = 100
    ) -> list[tuple[int, int]]:
        """The sentences of :meth:`spans` that overlap ``ranges`` (and any between
        ranges less than ``margin`` apart), splitting only near them.

        Punkt decides each boundary from the words on either side of it, so a
        stretch of text that starts and ends at a space splits as the whole
        text does, except for its cut first and last sentence: those are
        dropped, and a stretch is widened until they miss the range.  A
        snippet needs the sentences around a few matches, not all of them.
        """
        found: set[tuple[int, int]] = set()
        line_start = 0
        lines = []
        for line in text.split("\n"):
            lines.append((line_start, line_start + len(line)))
            line_start += len(line) + 1
        merged: list[list[int]] = []
        for start, end in sorted(ranges):  # one stretch for ranges close together
            if merged and start <= merged[-1][1] + margin:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        for start, end in merged:
            for ls, le in lines:
                a, b = max(start, ls), min(end, le)
                if a < b:
                    found.update(self._around(text[ls:le], ls, a - ls, b - ls, margin))
        return sorted(found)

    def _around(
        self, line: str, offset: int, start: int, end: int, margin: int
    ) -> list[tuple[int, int]]:
        """Sentences of ``line`` overlapping ``line[start:end]``, offsets shifted by ``offset``."""
        while True:
            lo = max(0, start - margin)
            if lo > 0:
                space = line.rfind(" ", 0, lo + 1)
                lo = max(space, 0)
            hi = min(len(line), end + margin)
            if hi < len(line):
                space = line.find(" ", hi)
                hi = len(line) if space == -1 else space
            if lo == 0 and hi == len(line):
                sentences = self._split(line, 0)
                break
            sentences = self._split(line[lo:hi], lo)
            if lo > 0 and sentences:  # the first one may be cut: keep it only if clear
                if sentences[0][1] > start:
                    margin *= 2
                    continue
                sentences = sentences[1:]
            if hi < len(line) and sentences:
                if sentences[-1][0] < end:
                    margin *= 2
                    continue
                sentences = sentences[:-1]
            break
        return [(offset + a, offset + b) for a, b in sentences if a < end and b > start]

    def _split(self, line: str, offset: int) -> list[tuple[int, int]]:
        if self._tokenizer is None:
            self._tokenizer = PunktSentenceTokenizer(_parameters())
        out = []
        for start, end in self._tokenizer.span_tokenize(line):
            while start < end and line[start].isspace():
                start += 1
            out.append((offset + start, offset + end))
        return out
