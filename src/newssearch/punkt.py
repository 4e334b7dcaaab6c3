"""Punkt sentence boundary detection: the inference half of NLTK's Punkt, without NLTK.

A port of ``nltk/tokenize/punkt.py`` from NLTK 3.x (3.10.4): the parameters,
the default language variables, the tokens, the two annotation passes and
``PunktSentenceTokenizer.span_tokenize`` with boundary realignment, exactly
as NLTK runs them, quirks included.  Training stays with NLTK
(``tools/train_punkt.py``).  It exists because ``import nltk.tokenize.punkt``
imports all of NLTK (numpy included), about 0.25 s of every ``newssearch``
command that prints a snippet, to split sentences.

Original file header::

    Natural Language Toolkit: Punkt sentence tokenizer

    Copyright (C) 2001-2026 NLTK Project
    Algorithm: Kiss & Strunk (2006)
    Author: Willy <willy@csse.unimelb.edu.au> (original Python port)
            Steven Bird <stevenbird1@gmail.com> (additions)
            Edward Loper <edloper@gmail.com> (rewrite)
            Joel Nothman <jnothman@student.usyd.edu.au> (almost rewrite)
            Arthur Darcet <arthur@darcet.fr> (fixes)
            Tom Aarsen <> (tackle ReDoS & performance issues)
    URL: <https://www.nltk.org/>

Licensed under the Apache License, Version 2.0
(https://www.apache.org/licenses/LICENSE-2.0), as NLTK is; this file is
distributed under that licence, not the MIT licence of the rest of newssearch.
Changes from the original (newssearch developers): only inference is kept
(no training, pickling, debugging or ``tokenize`` helpers), type annotations
are added, the token keeps only the annotations inference reads, and the
orthographic-context table is read with ``.get`` instead of indexing (NLTK's
``defaultdict`` grows a zero entry per unseen word; the decisions are the same).

The regular expressions are NLTK's, character for character, compiled with the
standard library's :mod:`re`, as NLTK up to 3.10.3 compiles them: the spans are
those of NLTK 3.10.2 and 3.10.3 (3.10.2 made curly quotes and guillemets closing
punctuation; older releases split ``„…“`` differently).  NLTK 3.10.4 compiles
them with the third-party ``regex`` engine, whose Unicode classes differ from
:mod:`re`'s on characters news text hardly holds: :mod:`re`'s ``\\s`` also
matches the separators U+001C..U+001F; a one-character "initial" such as ``².``
or ``½.`` is a letter to :mod:`re` (``\\w``), one made of a combining mark or
U+200D is a letter to ``regex``; and ``regex`` knows characters newer than
Python's Unicode database.  ``tests/test_punkt.py`` checks the spans against
the installed NLTK's.

Reference: Kiss, Tibor and Strunk, Jan (2006): Unsupervised Multilingual
Sentence Boundary Detection.  Computational Linguistics 32: 485-525.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from functools import cache
from itertools import pairwise
from typing import Final, Literal

__all__ = [
    "ORTHO_BEG_LC",
    "ORTHO_BEG_UC",
    "ORTHO_LC",
    "ORTHO_MID_LC",
    "ORTHO_MID_UC",
    "ORTHO_UC",
    "ORTHO_UNK_LC",
    "ORTHO_UNK_UC",
    "PunktLanguageVars",
    "PunktParameters",
    "PunktSentenceTokenizer",
    "PunktToken",
]

# -- orthographic context constants ------------------------------------------------------
# The contexts a word type is seen in: BEG=beginning, MID=middle, UNK=unknown
# position in a sentence; UC=upper case, LC=lower case first letter.

ORTHO_BEG_UC: Final = 1 << 1
ORTHO_MID_UC: Final = 1 << 2
ORTHO_UNK_UC: Final = 1 << 3
ORTHO_BEG_LC: Final = 1 << 4
ORTHO_MID_LC: Final = 1 << 5
ORTHO_UNK_LC: Final = 1 << 6
ORTHO_UC: Final = ORTHO_BEG_UC + ORTHO_MID_UC + ORTHO_UNK_UC
"""Occurs with upper case."""
ORTHO_LC: Final = ORTHO_BEG_LC + ORTHO_MID_LC + ORTHO_UNK_LC
"""Occurs with lower case."""


class PunktParameters:
    """The data Punkt decides sentence boundaries with (what training learns)."""

    def __init__(self) -> None:
        self.abbrev_types: set[str] = set()
        """Word types of known abbreviations (lower case, without the final period)."""
        self.collocations: set[tuple[str, str]] = set()
        """Word type pairs ``(first, second)`` whose first word ends in a period that
        does not end a sentence, e.g. ``("##number##", "august")``."""
        self.sent_starters: set[str] = set()
        """Word types that often start a sentence."""
        self.ortho_context: defaultdict[str, int] = defaultdict(int)
        """Word type -> the sum of the ``ORTHO_*`` flags of the contexts it was seen in."""

    def add_ortho_context(self, typ: str, flag: int) -> None:
        self.ortho_context[typ] |= flag


# -- language-dependent variables: NLTK's defaults ---------------------------------------

_SENT_END_CHARS: Final = (".", "?", "!")
"""Characters which are candidates for sentence boundaries."""

_RE_SENT_END_CHARS: Final = "[%s]" % re.escape("".join(_SENT_END_CHARS))

_INTERNAL_PUNCTUATION: Final = ",:;"
"""Sentence-internal punctuation (used by training only; kept for reference)."""

_RE_BOUNDARY_REALIGNMENT: Final = re.compile(
    r'["\')\]}\u2018\u2019\u201c\u201d\xab\xbb]+?(?:\s+|(?=--)|$)', re.MULTILINE
)
"""Closing punctuation that belongs to the sentence before it although it
follows the period (or ``?``, ``!``)."""

_RE_WORD_START: Final = r"[^\(\"\`{\[:;&\#\*@\)}\]\-,]"
"""Excludes some characters from starting word tokens."""

# NLTK builds this from ``set(sent_end_chars) - {"."}``, a set whose order
# varies; in a character class the order does not matter.
_RE_NON_WORD_CHARS: Final = r"(?:[)\";}\]\*:@\'\({\[\u2018\u2019\u201c\u201d\xab\xbb%s])" % (
    re.escape("".join(sorted(set(_SENT_END_CHARS) - {"."})))
)
"""Characters that cannot appear within words."""

_RE_MULTI_CHAR_PUNCT: Final = r"(?:\-{2,}|\.{2,}|(?:\.\s){2,}\.)"
"""Hyphen and ellipsis are multi-character punctuation."""

_WORD_TOKENIZE_FMT: Final = r"""(
        %(MultiChar)s
        |
        (?=%(WordStart)s)\S+?  # Accept word characters until end is found
        (?= # Sequences marking a word's end
            \s|                                 # White-space
            $|                                  # End-of-string
            %(NonWord)s|%(MultiChar)s|          # Punctuation
            ,(?=$|\s|%(NonWord)s|%(MultiChar)s) # Comma if at end of word
        )
        |
        \S
    )"""
"""Splits punctuation other than periods from words."""

_PERIOD_CONTEXT_FMT: Final = r"""
        %(SentEndChars)s             # a potential sentence ending
        (?=(?P<after_tok>
            %(NonWord)s              # either other punctuation
            |
            \s+(?P<next_tok>\S+)     # or whitespace and some other token
        ))"""
"""Finds possible sentence boundaries; the following token is matched in a lookahead."""


@cache
def _word_tokenizer_re() -> re.Pattern[str]:
    """Compiled on first use, as NLTK does (importing this module stays cheap)."""
    return re.compile(
        _WORD_TOKENIZE_FMT
        % {
            "NonWord": _RE_NON_WORD_CHARS,
            "MultiChar": _RE_MULTI_CHAR_PUNCT,
            "WordStart": _RE_WORD_START,
        },
        re.UNICODE | re.VERBOSE,
    )


@cache
def _period_context_re() -> re.Pattern[str]:
    return re.compile(
        _PERIOD_CONTEXT_FMT % {"NonWord": _RE_NON_WORD_CHARS, "SentEndChars": _RE_SENT_END_CHARS},
        re.UNICODE | re.VERBOSE,
    )


class PunktLanguageVars:
    """NLTK's default language variables (used here for German): the
    regular expressions Punkt tokenizes words and finds candidate periods with."""

    __slots__ = ()

    sent_end_chars: Final = _SENT_END_CHARS
    internal_punctuation: Final = _INTERNAL_PUNCTUATION
    re_boundary_realignment: Final = _RE_BOUNDARY_REALIGNMENT

    def word_tokenize(self, s: str) -> list[str]:
        """Tokenize a string to split off punctuation other than periods."""
        return _word_tokenizer_re().findall(s)

    def period_context_re(self) -> re.Pattern[str]:
        """The regular expression that finds contexts of possible sentence boundaries."""
        return _period_context_re()


# -- tokens ------------------------------------------------------------------------------

_RE_ELLIPSIS: Final = re.compile(r"\.\.+$")
_RE_NUMERIC: Final = re.compile(r"^-?[\.,]?\d[\d,\.-]*\.?$")
_RE_INITIAL: Final = re.compile(r"[^\W\d]\.$", re.UNICODE)


class PunktToken:
    """A word token with the annotations sentence boundary detection makes.

    ``sentbreak``, ``abbr`` and ``ellipsis`` are ``None`` until annotated (as in
    NLTK, where ``None`` and ``False`` mean the same).  NLTK's ``parastart`` and
    ``linestart`` are left out: only training reads them.
    """

    __slots__ = ("abbr", "ellipsis", "period_final", "sentbreak", "tok", "type")

    def __init__(self, tok: str) -> None:
        self.tok = tok
        self.type = _RE_NUMERIC.sub("##number##", tok.lower())
        """The case-normalized token, ``##number##`` for a number."""
        self.period_final = tok.endswith(".")
        self.sentbreak: bool | None = None
        self.abbr: bool | None = None
        self.ellipsis: bool | None = None

    @property
    def type_no_period(self) -> str:
        """The type with its final period removed if it has one."""
        if len(self.type) > 1 and self.type[-1] == ".":
            return self.type[:-1]
        return self.type

    @property
    def type_no_sentperiod(self) -> str:
        """The type with its final period removed if it is marked as a sentence break."""
        if self.sentbreak:
            return self.type_no_period
        return self.type

    @property
    def first_upper(self) -> bool:
        """True if the token's first character is uppercase."""
        return self.tok[0].isupper()

    @property
    def first_lower(self) -> bool:
        """True if the token's first character is lowercase."""
        return self.tok[0].islower()

    @property
    def is_ellipsis(self) -> bool:
        """True if the token text is that of an ellipsis."""
        return _RE_ELLIPSIS.match(self.tok) is not None

    @property
    def is_number(self) -> bool:
        """True if the token text is that of a number."""
        return self.type.startswith("##number##")

    @property
    def is_initial(self) -> bool:
        """True if the token text is that of an initial."""
        return _RE_INITIAL.match(self.tok) is not None

    def __repr__(self) -> str:
        flags = "".join(
            f", {name}=True" for name in ("sentbreak", "abbr", "ellipsis") if getattr(self, name)
        )
        return f"PunktToken({self.tok!r}{flags})"


def _pair_iter(items: Iterable[slice]) -> Iterator[tuple[slice, slice | None]]:
    """Each item with the one after it; the last with ``None``."""
    iterator = iter(items)
    try:
        prev = next(iterator)
    except StopIteration:
        return
    for item in iterator:
        yield (prev, item)
        prev = item
    yield (prev, None)


# -- the tokenizer -----------------------------------------------------------------------

_PUNCTUATION: Final = (";", ":", ",", ".", "!", "?")
"""Tokens that never start a sentence."""

_ASCII_WHITESPACE: Final = " \t\n\r\x0b\x0c"  # string.whitespace


class PunktSentenceTokenizer:
    """Splits text into sentences with given :class:`PunktParameters`.

    >>> params = PunktParameters()
    >>> params.abbrev_types.add("dr")
    >>> text = "Dr. Meier kam. Er ging."
    >>> [text[a:b] for a, b in PunktSentenceTokenizer(params).span_tokenize(text)]
    ['Dr. Meier kam.', 'Er ging.']
    """

    def __init__(
        self, params: PunktParameters | None = None, lang_vars: PunktLanguageVars | None = None
    ) -> None:
        self._params = params if params is not None else PunktParameters()
        self._lang_vars = lang_vars if lang_vars is not None else PunktLanguageVars()

    def span_tokenize(
        self, text: str, realign_boundaries: bool = True
    ) -> Iterator[tuple[int, int]]:
        """``(start, end)`` of each sentence in ``text``.

        With ``realign_boundaries``, closing quotes and brackets after a
        sentence end belong to that sentence.  A sentence may start with
        whitespace (the first one does if ``text`` does).
        """
        slices = self._slices_from_text(text)
        if realign_boundaries:
            slices = self._realign_boundaries(text, slices)
        for sentence in slices:
            yield (sentence.start, sentence.stop)

    # -- candidate boundaries -----------------------------------------------------------

    def _match_potential_end_contexts(self, text: str) -> Iterator[tuple[re.Match[str], str]]:
        """Each candidate sentence end with the text it is decided on: the word
        before it, the end, and the following punctuation or whitespace and token.
        Candidates whose preceding word overlaps the next candidate's (``!!!``)
        give way to the last of them."""
        previous_slice = slice(0, 0)
        previous_match: re.Match[str] | None = None
        for match in self._lang_vars.period_context_re().finditer(text):
            # The slice of the previous word: from after the last (ASCII)
            # whitespace; none, or one at index 0, means the previous slice's start.
            before_text = text[previous_slice.stop : match.start()]
            index_after_last_space = max(before_text.rfind(c) for c in _ASCII_WHITESPACE)
            if index_after_last_space > 0:
                index_after_last_space += previous_slice.stop + 1  # exclude the space
            else:
                index_after_last_space = previous_slice.start
            prev_word_slice = slice(index_after_last_space, match.start())

            # Yield the previous match only if its slice does not overlap this one.
            if previous_match and previous_slice.stop <= prev_word_slice.start:
                yield (
                    previous_match,
                    text[previous_slice]
                    + previous_match.group()
                    + previous_match.group("after_tok"),
                )
            previous_match = match
            previous_slice = prev_word_slice

        if previous_match:
            yield (
                previous_match,
                text[previous_slice] + previous_match.group() + previous_match.group("after_tok"),
            )

    def _slices_from_text(self, text: str) -> Iterator[slice]:
        last_break = 0
        for match, context in self._match_potential_end_contexts(text):
            if self.text_contains_sentbreak(context):
                yield slice(last_break, match.end())
                # The next sentence starts after the whitespace, or at the punctuation.
                last_break = match.start("next_tok") if match.group("next_tok") else match.end()
        # The last sentence does not contain trailing whitespace.
        yield slice(last_break, len(text.rstrip()))

    def _realign_boundaries(self, text: str, slices: Iterable[slice]) -> Iterator[slice]:
        """Moves punctuation after a sentence end into that sentence:
        ``(Sent1.) Sent2.`` is ``(Sent1.)`` and ``Sent2.``, not ``(Sent1.`` and ``) Sent2.``."""
        realign = 0
        for first, second in _pair_iter(slices):
            sentence1 = slice(first.start + realign, first.stop)
            if not second:
                if text[sentence1]:
                    yield sentence1
                continue

            m = self._lang_vars.re_boundary_realignment.match(text[second])
            if m:
                yield slice(sentence1.start, second.start + len(m.group(0).rstrip()))
                realign = m.end()
            else:
                realign = 0
                if text[sentence1]:
                    yield sentence1

    def text_contains_sentbreak(self, text: str) -> bool:
        """True if a token of ``text`` other than its last is a sentence break."""
        tokens = self._tokenize_words(text)
        for token in tokens:
            self._first_pass_annotation(token)
        # Second pass over each token and the one after it, in order; a break
        # on any token but the last is the answer (the last has no follower).
        for token1, token2 in pairwise(tokens):
            self._second_pass_annotation(token1, token2)
            if token1.sentbreak:
                return True
        return False

    # -- annotation ---------------------------------------------------------------------

    def _tokenize_words(self, plaintext: str) -> list[PunktToken]:
        """The word tokens of each non-blank line of ``plaintext``."""
        word_tokenize = self._lang_vars.word_tokenize
        return [
            PunktToken(tok)
            for line in plaintext.split("\n")
            if line.strip()
            for tok in word_tokenize(line)
        ]

    def _first_pass_annotation(self, aug_tok: PunktToken) -> None:
        """Type-based annotation: ``.?!`` and words ending in a period that are not
        known abbreviations are sentence breaks, ``..`` and longer are ellipses."""
        tok = aug_tok.tok
        if tok in self._lang_vars.sent_end_chars:
            aug_tok.sentbreak = True
        elif aug_tok.is_ellipsis:
            aug_tok.ellipsis = True
        elif aug_tok.period_final and not tok.endswith(".."):
            abbrev_types = self._params.abbrev_types
            if tok[:-1].lower() in abbrev_types or tok[:-1].lower().split("-")[-1] in abbrev_types:
                aug_tok.abbr = True
            else:
                aug_tok.sentbreak = True

    def _second_pass_annotation(self, aug_tok1: PunktToken, aug_tok2: PunktToken | None) -> None:
        """Token-based reclassification of ``aug_tok1`` from the token after it:
        the collocation (4.1.2), orthographic (4.1.1) and frequent sentence
        starter (4.1.3) heuristics, and initials and ordinals (4.3)."""
        if not aug_tok2:  # the last token: nothing to decide on
            return
        if not aug_tok1.period_final:  # only words ending in periods
            return
        typ = aug_tok1.type_no_period
        next_typ = aug_tok2.type_no_sentperiod
        tok_is_initial = aug_tok1.is_initial

        # [4.1.2. Collocation Heuristic] A known collocation across the period:
        # an abbreviation, not a sentence break.
        if (typ, next_typ) in self._params.collocations:
            aug_tok1.sentbreak = False
            aug_tok1.abbr = True
            return

        # [4.2. Token-Based Reclassification of Abbreviations] Is an abbreviation
        # or ellipsis *also* a sentence break?
        if (aug_tok1.abbr or aug_tok1.ellipsis) and not tok_is_initial:
            # [4.1.1. Orthographic Heuristic]
            if self._ortho_heuristic(aug_tok2) is True:
                aug_tok1.sentbreak = True
                return
            # [4.1.3. Frequent Sentence Starter Heuristic]
            if aug_tok2.first_upper and next_typ in self._params.sent_starters:
                aug_tok1.sentbreak = True
                return

        # [4.3. Token-Based Detection of Initials and Ordinals] Initials and
        # ordinals marked as sentence breaks may be abbreviations.
        if tok_is_initial or typ == "##number##":
            is_sent_starter = self._ortho_heuristic(aug_tok2)
            if is_sent_starter is False:
                aug_tok1.sentbreak = False
                aug_tok1.abbr = True
                return
            # An initial followed by a word of unknown orthography that is
            # always capitalized is an abbreviation (J. Bach).
            if (
                is_sent_starter == "unknown"
                and tok_is_initial
                and aug_tok2.first_upper
                and not (self._params.ortho_context.get(next_typ, 0) & ORTHO_LC)
            ):
                aug_tok1.sentbreak = False
                aug_tok1.abbr = True

    def _ortho_heuristic(self, aug_tok: PunktToken) -> bool | Literal["unknown"]:
        """Whether ``aug_tok`` starts a sentence, from the cases its type was seen in."""
        if aug_tok.tok in _PUNCTUATION:  # sentences don't start with punctuation
            return False
        ortho_context = self._params.ortho_context.get(aug_tok.type_no_sentperiod, 0)
        # Capitalized, seen with a lower-case first letter, never capitalized
        # sentence-internally: a sentence starter.
        if (
            aug_tok.first_upper
            and (ortho_context & ORTHO_LC)
            and not (ortho_context & ORTHO_MID_UC)
        ):
            return True
        # Lower case, and either seen capitalized or never seen lower-case at a
        # sentence start: not a sentence starter.
        if aug_tok.first_lower and (
            (ortho_context & ORTHO_UC) or not (ortho_context & ORTHO_BEG_LC)
        ):
            return False
        return "unknown"
