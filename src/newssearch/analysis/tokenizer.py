"""A tokenizer for German news text, with exact character offsets.

Words, numbers (``1,5``, ``21.30``, ``1.000.000``, ``11:30``), abbreviations
(``z.B.``, ``Dr.``), URLs, domains and e-mail addresses each give one token.
A hyphenated word (``US-Präsident``) gives the whole word and then its parts
(``US``, ``Präsident``): the whole shares the first part's position and each
further part takes the next position, so that both ``US-Präsident`` and the
phrase ``Präsident Trump`` match.  Quotes („“ ‚‘ »«), dashes and other
punctuation are not words.

No token is longer than :data:`~newssearch.config.MAX_TOKEN_CHARS`: a run of
text without whitespace longer than that is cut into pieces of that length,
each tokenized on its own (as Lucene's ``StandardTokenizer`` does), which also
keeps the tokenizer's time linear in the text's length.

Every token carries ``kind`` (a :class:`TokenKind`: ``word``, ``whole`` or
``hpart``; decompounding adds ``cpart``) and ``original``, the text exactly as
it stands (``value[startchar:endchar]``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from whoosh.analysis import Token, Tokenizer

from newssearch.config import MAX_TOKEN_CHARS

__all__ = [
    "PHRASE_KINDS",
    "GermanToken",
    "GermanTokenizer",
    "Piece",
    "RawToken",
    "TokenKind",
    "match_tokens",
    "tokenize",
]


class TokenKind(StrEnum):
    """What a token stands for; a ``str``, so stored and JSON output is the plain value.

    >>> TokenKind.HPART == "hpart", f"{TokenKind.CPART}"
    (True, 'cpart')
    """

    #: A word, number, abbreviation, URL, domain or e-mail address.
    WORD = "word"
    #: A hyphenated word as a whole (``US-Präsident``).
    WHOLE = "whole"
    #: A part of a hyphenated word (``US``, ``Präsident``).
    HPART = "hpart"
    #: A part of a closed compound (``sicherheit`` of ``Sicherheitsgarantien``).
    CPART = "cpart"
    #: A stopword, kept as written where the exact twins keep them (``der``, ``sein``).
    STOP = "stop"


#: The kinds a phrase is matched on: one token per word position, in order
#: (a hyphenated word by its parts, never as a whole; no compound parts).
PHRASE_KINDS: frozenset[TokenKind] = frozenset({TokenKind.WORD, TokenKind.HPART})

# Module-level aliases for the per-token code: reading a global is several
# times cheaper than ``TokenKind.WORD``, which on 3.11 is an unspecialised
# attribute lookup on a class with a metaclass (EnumType).
_KIND_WORD = TokenKind.WORD
_KIND_WHOLE = TokenKind.WHOLE
_KIND_HPART = TokenKind.HPART

# Abbreviations that end in a dot; the dot belongs to the word, not to a sentence end.
_ABBREVIATIONS = (
    "Abb|Abs|Abt|Art|Aufl|Bd|Bhf|Bsp|bspw|bzgl|bzw|ca|Chr|Dipl|Dr|ebd|ehem|etc|evtl|"
    "Fa|ff|Fr|geb|gem|gest|ggf|ggfs|Hbf|Hr|Hrsg|inkl|insb|Ing|Jh|Jhd|jun|Kap|lt|Mag|max|"
    "Mio|Mrd|Mrz|Nr|Prof|rd|Red|sen|sog|St|Str|Tel|usw|vgl|Vors|zB|zzgl|zit|Jan|Feb|Apr|"
    "Aug|Sep|Sept|Okt|Nov|Dez"
)
_WORD = r"[^\W_]+(?:['’][^\W_]+)*"
_NUMBER = r"\d+(?:[.,:/]\d+)+"
_UNIT = rf"(?:{_NUMBER}(?![^\W_])|{_WORD})"
_PATTERN = re.compile(
    rf"""
    (?P<url>(?:https?://|www\.)[^\s<>"'„“”»«()\[\]{{}}]*[^\s<>"'„“”»«()\[\]{{}}.,;:!?])
  | (?P<email>[^\W_][\w.+-]*@[^\W_][\w-]*(?:\.[\w-]+)+)
  | (?P<domain>(?<![\w.])[^\W_][\w-]*(?:\.[\w-]+)*\.(?:at|de|ch|com|org|net|eu|info|io)(?![\w.]*\w))
  | (?P<abbr>(?<![^\W_])(?:[^\W\d_]{{1,2}}\.){{2,}}|(?<![^\W_])(?:{_ABBREVIATIONS})\.(?!\w))
  | (?P<hyphen>{_UNIT}(?:-{_UNIT})+)
  | (?P<unit>{_UNIT})
    """,
    re.VERBOSE,
)
_HYPHEN_PART = re.compile(_UNIT)
#: A run of text without whitespace too long to be one token.
_LONG_RUN = re.compile(rf"\S{{{MAX_TOKEN_CHARS + 1},}}")


def _stretches(value: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of the stretches of ``value`` the pattern runs on alone:
    the text between over-long runs, and each run cut into pieces of
    :data:`MAX_TOKEN_CHARS` characters."""
    if len(value) <= MAX_TOKEN_CHARS:
        yield 0, len(value)
        return
    at = 0
    for run in _LONG_RUN.finditer(value):
        if run.start() > at:
            yield at, run.start()
        for piece in range(run.start(), run.end(), MAX_TOKEN_CHARS):
            yield piece, min(piece + MAX_TOKEN_CHARS, run.end())
        at = run.end()
    if at < len(value):
        yield at, len(value)


class GermanToken(Token):
    """Whoosh's token plus what newssearch's filters read: its kind and original text.

    ``kind`` is :attr:`TokenKind.WORD` unless a tokenizer or filter sets it.
    """

    kind: TokenKind = TokenKind.WORD
    original: str


@dataclass(frozen=True, slots=True)
class RawToken:
    """A token before any filter: its text, where it stands, its position and kind.

    ``kind`` holds a :class:`TokenKind` (typed ``str``, which it is).
    """

    text: str
    start: int
    end: int
    position: int
    kind: str


def tokenize(text: str) -> Iterator[RawToken]:
    """Tokenize ``text`` without Whoosh (for tests and tools).

    >>> [t.text for t in tokenize("US-Präsident Trump zahlt 1,5 Mrd.")]
    ['US-Präsident', 'US', 'Präsident', 'Trump', 'zahlt', '1,5', 'Mrd']
    """
    for t in GermanTokenizer()(text, positions=True, chars=True):
        yield RawToken(t.text, t.startchar, t.endchar, t.pos, t.kind)


class GermanTokenizer(Tokenizer):
    """The Whoosh tokenizer for German news text (see the module doc)."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

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
        t = GermanToken(positions, chars, removestops=removestops, mode=mode, **kwargs)
        t.boost = 1.0
        t.stopped = False
        if not tokenize:
            t.original = t.text = value
            t.kind = _KIND_WORD
            t.pos = start_pos
            t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        pos = start_pos
        for begin, end in _stretches(value):
            for match in _PATTERN.finditer(value, begin, end):
                pieces, advance = match_tokens(match.lastgroup or "unit", match.group())
                offset = start_char + match.start()
                for text, kind, rel_pos, start, stop, original in pieces:
                    t.text = text
                    t.original = original
                    t.kind = kind
                    t.pos = pos + rel_pos
                    t.startchar, t.endchar = offset + start, offset + stop
                    yield t
                pos += advance


#: One token of a match: text, kind, position and character range relative to
#: the match, and the original text it stands for.
Piece = tuple[str, TokenKind, int, int, int, str]


def match_tokens(kind: str, text: str) -> tuple[tuple[Piece, ...], int]:
    """The tokens one match of kind ``kind`` makes, and how many positions it takes.

    ``kind`` is the pattern's group that matched (``hyphen``, ``abbr``,
    ``unit``, ``url`` …), not a :class:`TokenKind`.

    A hyphenated word is the whole word followed by its parts, the first part
    at the whole word's position; an abbreviation loses its dots.
    """
    if kind == "hyphen":
        parts = [
            p for p in _HYPHEN_PART.finditer(text) if len(p.group()) > 1 or p.group().isdigit()
        ]
        pieces: list[Piece] = [(text, _KIND_WHOLE, 0, 0, len(text), text)]
        pieces.extend(
            (p.group(), _KIND_HPART, i, p.start(), p.end(), p.group()) for i, p in enumerate(parts)
        )
        return tuple(pieces), max(len(parts), 1)
    word = text.replace(".", "") if kind == "abbr" else text
    return ((word, _KIND_WORD, 0, 0, len(text), text),), 1
