"""Sentence boundaries for snippets: NLTK's Punkt, trained offline on German news.

The parameters (abbreviations, collocations, sentence starters, case
context) are learned by ``tools/train_punkt.py`` from the bundled 10kGNAD
articles and shipped as ``data/punkt_de.json.gz``; nothing is downloaded.
"""

from __future__ import annotations

import gzip
import json
from functools import cache
from importlib import resources
from typing import Any

from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

from newssearch.errors import AnalyzerError

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
        raw = resources.files("newssearch").joinpath("data/punkt_de.json.gz").read_bytes()
        data = json.loads(gzip.decompress(raw))
    except (OSError, ValueError) as exc:
        raise AnalyzerError(f"the sentence splitter's parameters are missing: {exc}") from exc
    params = PunktParameters()
    params.abbrev_types = set(data["abbrev_types"])
    params.collocations = {tuple(pair) for pair in data["collocations"]}
    params.abbrev_types.update(_EXTRA_ABBREVIATIONS)
    params.collocations.update(("##number##", month) for month in _MONTHS)
    params.sent_starters = set(data["sent_starters"])
    for word, flags in data["ortho_context"].items():
        params.ortho_context[word] = flags
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
        if self._tokenizer is None:
            self._tokenizer = PunktSentenceTokenizer(_parameters())
        out: list[tuple[int, int]] = []
        offset = 0
        for line in text.split("\n"):
            if line.strip():
                for start, end in self._tokenizer.span_tokenize(line):
                    while start < end and line[start].isspace():
                        start += 1
                    out.append((offset + start, offset + end))
            offset += len(line) + 1
        return out
