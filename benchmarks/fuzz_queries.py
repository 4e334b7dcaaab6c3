"""Fuzzed query texts for the reliability suite: odd, malformed and hostile input for the
query language, and a runner that counts how a searcher copes with them.

    python benchmarks/fuzz_queries.py --articles 1000 --queries 2000 --seed 1
    python benchmarks/fuzz_queries.py --articles 10000 --queries 10000 --index /tmp/fuzz-10k

Every query text must either be searched (possibly ``partial``, when the time limit cut
it short) or be refused with a :class:`~newssearch.errors.QueryError`.  Any other
exception is a bug; :func:`run_fuzz` counts them and keeps examples.

:func:`fuzz_queries` mixes, in roughly equal shares, query kinds that stress every part
of the language (see :mod:`newssearch.engine.parser` and :mod:`newssearch.query`): real
words and typos, the operators, ``+``/``-``, quotes, brackets (unbalanced, ~200 deep),
``field:term`` with real, aliased, ``_exact`` and bogus fields, prefixes and wildcards,
fuzzy terms, ranges, boosts, very long queries and tokens, odd Unicode (NUL, lone
surrogates, RTL override, emoji), blank input, backslashes and colons.
"""

from __future__ import annotations

import argparse
import re
import signal
import string
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from random import Random
from types import FrameType
from typing import NamedTuple, Protocol

from newssearch.article import Article
from newssearch.errors import NewsSearchError, QueryError
from newssearch.results import SearchResult

__all__ = [
    "DEFAULT_TIMEOUT",
    "KINDS",
    "MAX_EXAMPLES",
    "Failure",
    "FuzzReport",
    "OnQuery",
    "Slow",
    "SupportsSearch",
    "corpus_vocabulary",
    "format_report",
    "fuzz_queries",
    "main",
    "run_fuzz",
]

# --------------------------------------------------------------------------- the alphabet

#: The fields of the query language, including the ones that are not text fields.
REAL_FIELDS = ("title", "lead", "body", "section", "source", "author", "tags", "published", "id")
#: The German and other aliases of :data:`newssearch.engine.parser.FIELD_ALIASES`.
ALIAS_FIELDS = (
    "titel",
    "headline",
    "teaser",
    "vorspann",
    "text",
    "inhalt",
    "ressort",
    "rubrik",
    "kategorie",
    "quelle",
    "autor",
    "autorin",
    "tag",
    "schlagwort",
)
#: The stored twins of the text fields: typed, they mean the text field.
EXACT_FIELDS = ("title_exact", "lead_exact", "body_exact")
#: Names that are not fields (searched as words, with a warning) or barely look like one.
BOGUS_FIELDS = (
    "foo",
    "Title",
    "TITLE",
    "Titel",
    "url",
    "date",
    "datum",
    "score",
    "_id",
    "x",
    "title_exactt",
    "exact",
    "published_exact",
    "section_exact",
    "id_exact",
    "über",
    "Straße",
    "a1",
    "http",
    "mailto",
    "C",
)
#: The sections of the bundled 10kGNAD sample.
SECTIONS = (
    "Sport",
    "Wirtschaft",
    "Inland",
    "International",
    "Web",
    "Panorama",
    "Etat",
    "Wissenschaft",
    "Kultur",
)
OPERATORS = ("AND", "OR", "NOT", "UND", "ODER", "NICHT", "ANDNOT", "ANDMAYBE")
#: Operator look-alikes that are (or should be) plain words.
NOT_OPERATORS = ("and", "or", "not", "und", "oder", "nicht", "&&", "||", "!", "Und", "Not", "TO")
STOPWORDS = ("der", "die", "das", "und", "oder", "ein", "eine", "ist", "im", "zu", "wie", "wer")
#: Odd single characters: controls, NUL, lone surrogates, direction marks, joiners,
#: non-characters, private use, combining marks, odd spaces.
ODD_CHARS = (
    "\x00",
    "\x01",
    "\x07",
    "\x08",
    "\x1b",
    "\x7f",
    "\x85",
    "\x9f",
    "\ud800",
    "\udbff",
    "\udc00",
    "\udfff",
    "\u202e",
    "\u202d",
    "\u200f",
    "\u200e",
    "\u2066",
    "\u200b",
    "\u200c",
    "\u200d",
    "\u2060",
    "\ufeff",
    "\ufffd",
    "\ufffe",
    "\uffff",
    "\ue000",
    "\U0010ffff",
    "\u0301",
    "\u0308",
    "\u20dd",
    "\u00a0",
    "\u2028",
    "\u2029",
    "\u3000",
    "\u00ad",
)
EMOJI = ("😀", "🇩🇪", "👩‍👩‍👧", "🤷🏽‍♀️", "❤️", "🏳️‍🌈", "🔥", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "🙈🙉🙊")
SCRIPTS = (
    "Ελλάδα",
    "Москва",
    "北京",
    "東京都",
    "مرحبا",
    "שלום",
    "हिन्दी",
    "ＡＢＣ１２３",
    "ﬁnanzen",
    "Ǆ",
    "İstanbul",
    "ǅemal",
    "ß",
    "ẞ",
    "Ⅻ",
    "①②③",
)
#: Syntax pieces for the grammar-free soup.
SYNTAX = (
    "(",
    ")",
    '"',
    "*",
    "?",
    "~",
    "^",
    ":",
    "+",
    "-",
    "[",
    "]",
    "{",
    "}",
    "\\",
    "TO",
    "/",
    "'",
    ",",
    ".",
    ";",
    "!",
    "&",
    "|",
    "<",
    ">",
    "=",
    "@",
    "#",
    "%",
    "„",
    "“",
    "”",
    "«",
    "»",
    "–",
    "—",
)
#: Stand-ins when no vocabulary is given.
_FALLBACK_WORDS = (
    "Bundesregierung",
    "Wien",
    "Flüchtlinge",
    "Sicherheitsgarantien",
    "Arbeitslosigkeit",
    "Präsident",
    "Straße",
    "Europäische",
)

Gen = Callable[[Random, Sequence[str]], str]


# --------------------------------------------------------------------------- pieces


def _word(rng: Random, vocab: Sequence[str]) -> str:
    return rng.choice(vocab)


def _words(rng: Random, vocab: Sequence[str], low: int, high: int) -> list[str]:
    return [rng.choice(vocab) for _ in range(rng.randint(low, high))]


def _typo(rng: Random, word: str) -> str:
    """``word`` with one or two typing errors, case slips or spelling variants."""
    for _ in range(rng.randint(1, 2)):
        if not word:
            return rng.choice(string.ascii_lowercase)
        i = rng.randrange(len(word))
        op = rng.randrange(10)
        if op == 0:
            word = word[:i] + word[i + 1 :]
        elif op == 1:
            word = word[:i] + rng.choice("abcdefghijklmnopqrstuvwxyzäöüß") + word[i:]
        elif op == 2 and len(word) > 1:
            i = min(i, len(word) - 2)
            word = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        elif op == 3:
            word = word[:i] + rng.choice("aeiouäöüsnrt") + word[i + 1 :]
        elif op == 4:
            word = word[:i] + word[i] * 2 + word[i:]
        elif op == 5:
            word = rng.choice([word.upper(), word.lower(), word.swapcase(), word.title()])
        elif op == 6:
            pairs = [("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"), ("ss", "ß"), ("ae", "ä")]
            a, b = rng.choice(pairs)
            word = word.replace(a, b) if a in word else word + b
        elif op == 7:
            word = word + rng.choice(["s", "n", "en", "es", "1", "2015", "'", "."])
        elif op == 8:
            word = word[:-1] or word
        else:
            word = word[:i] + rng.choice(["-", "_", ".", "/", "'"]) + word[i:]
    return word


def _field_term(rng: Random, vocab: Sequence[str], field: str) -> str:
    """A term that makes sense (mostly) for ``field``."""
    if field == "published":
        return rng.choice(
            [
                "2015",
                "2016-05-01",
                "2016-05",
                "2016-05-01T10:00:00",
                "2016-05-01T10:00:00+02:00",
                "20160501",
                "gestern",
                "2016-13-45",
                "0",
                "-1",
                "9999-12-31",
                "0001-01-01",
                "99999",
                _word(rng, vocab),
            ]
        )
    if field == "id":
        return rng.choice(
            [
                f"articles-{rng.randint(0, 2000)}",
                f"synthetic-{rng.randint(0, 20000)}",
                "articles-1",
                "articles",
                "articles-*",
                _word(rng, vocab),
            ]
        )
    if field in ("section", "ressort", "rubrik", "kategorie"):
        section = rng.choice(SECTIONS)
        return rng.choice([section, section.lower(), section.upper(), section[:3] + "*"])
    return rng.choice(
        [
            _word(rng, vocab),
            _word(rng, vocab).lower(),
            _typo(rng, _word(rng, vocab)),
            f'"{" ".join(_words(rng, vocab, 1, 4))}"',
            f"({_word(rng, vocab)} OR {_word(rng, vocab)})",
            _word(rng, vocab)[:3] + "*",
            "*",
            "",
        ]
    )


def _expression(rng: Random, vocab: Sequence[str], depth: int) -> str:
    """A random, well-formed expression of the language with brackets ``depth`` deep."""
    if depth <= 0 or rng.random() < 0.25:
        kind = rng.randrange(6)
        if kind == 0:
            field = rng.choice(REAL_FIELDS + ALIAS_FIELDS)
            return f"{field}:{_field_term(rng, vocab, field)}"
        if kind == 1:
            return f'"{" ".join(_words(rng, vocab, 1, 3))}"'
        if kind == 2:
            return rng.choice("+-") + _word(rng, vocab)
        if kind == 3:
            return _word(rng, vocab)[:4] + "*"
        return _word(rng, vocab)
    parts = [_expression(rng, vocab, depth - 1) for _ in range(rng.randint(1, 3))]
    joined = parts[0]
    for part in parts[1:]:
        joined += f" {rng.choice((*OPERATORS, ''))} {part}"
    prefix = rng.choice(["", "", "NOT ", "NICHT ", "-", "+"])
    return f"{prefix}({joined})"


# --------------------------------------------------------------------------- query kinds


def _plain(rng: Random, vocab: Sequence[str]) -> str:
    return " ".join(_words(rng, vocab, 1, 6))


def _typos(rng: Random, vocab: Sequence[str]) -> str:
    words = _words(rng, vocab, 1, 5)
    return " ".join(_typo(rng, w) if rng.random() < 0.7 else w for w in words)


def _operators(rng: Random, vocab: Sequence[str]) -> str:
    style = rng.randrange(4)
    if style == 0:  # operators only, or in odd places
        return " ".join(rng.choice(OPERATORS) for _ in range(rng.randint(1, 4)))
    tokens: list[str] = []
    if style == 1 or rng.random() < 0.2:
        tokens.append(rng.choice(OPERATORS))
    for _ in range(rng.randint(1, 6)):
        tokens.append(_word(rng, vocab))
        if rng.random() < 0.8:
            tokens.append(rng.choice(OPERATORS + NOT_OPERATORS))
        if rng.random() < 0.1:
            tokens.append(rng.choice(OPERATORS))  # doubled: AND OR, NOT NOT
    if style == 2:
        tokens.pop()  # no operator at the end, mostly
    sep = rng.choice([" ", " ", "  ", "\t", "\n"])
    return sep.join(tokens)


def _plus_minus(rng: Random, vocab: Sequence[str]) -> str:
    signs = ["+", "-", "", "++", "--", "+-", "-+", "- ", "+ "]
    tokens = [rng.choice(signs) + _word(rng, vocab) for _ in range(rng.randint(1, 5))]
    if rng.random() < 0.3:
        tokens.insert(rng.randrange(len(tokens) + 1), rng.choice(["+", "-", "--", "+-"]))
    if rng.random() < 0.2:
        tokens = ["-" + t.lstrip("+-") for t in tokens]  # nothing but exclusions
    if rng.random() < 0.2:
        tokens.append(rng.choice(["-(", "+(", '-"', '+"', "-title:", "+*"]) + _word(rng, vocab))
    return " ".join(tokens)


def _quotes_balanced(rng: Random, vocab: Sequence[str]) -> str:
    phrase = " ".join(_words(rng, vocab, 1, 6))
    return rng.choice(
        [
            f'"{phrase}"',
            f'"{phrase}"~{rng.randint(0, 10)}',
            f'"{phrase}"^{rng.randint(1, 5)}',
            f'{_word(rng, vocab)} "{phrase}" {_word(rng, vocab)}',
            f'"{phrase}" AND "{_word(rng, vocab)} {_word(rng, vocab)}"',
            '""',
            '" "',
            '"" ""',
            f'"{_word(rng, vocab)}"',
            f'"{" ".join(rng.choice(STOPWORDS) for _ in range(3))}"',
            f'"{phrase} *"',
            f'"{_word(rng, vocab)[:4]}* {_word(rng, vocab)}"',
            f'"{phrase} ({_word(rng, vocab)} OR {_word(rng, vocab)})"',
            f'"{phrase}" NOT "{_word(rng, vocab)}"',
            f"„{phrase}“",
            f"'{phrase}'",
        ]
    )


def _quotes_unbalanced(rng: Random, vocab: Sequence[str]) -> str:
    words = _words(rng, vocab, 1, 6)
    for _ in range(rng.choice([1, 1, 3, 5])):
        words.insert(rng.randrange(len(words) + 1), '"')
    glue = rng.choice([" ", ""])
    text = glue.join(words) if glue else " ".join(words).replace(' " ', '"')
    return rng.choice([text, text, '"', '"""', f'"{_word(rng, vocab)}', f'{_word(rng, vocab)}"'])


def _parens_balanced(rng: Random, vocab: Sequence[str]) -> str:
    return _expression(rng, vocab, rng.randint(1, 6))


def _parens_unbalanced(rng: Random, vocab: Sequence[str]) -> str:
    text = list(_expression(rng, vocab, rng.randint(1, 4)))
    for _ in range(rng.randint(1, 4)):
        if rng.random() < 0.5 and "(" in text:
            text.remove(rng.choice(["(", ")"]) if ")" in text else "(")
        else:
            text.insert(rng.randrange(len(text) + 1), rng.choice("()"))
    return rng.choice(
        ["".join(text), "".join(text), "(", ")", ")(", "())(", "( )", "()", "(((", ")))"]
    )


def _deep_nesting(rng: Random, vocab: Sequence[str]) -> str:
    depth = rng.choice([rng.randint(1, 200), rng.randint(150, 200), 199, 200])
    word = _word(rng, vocab)
    style = rng.randrange(8)
    if style == 0:
        return "(" * depth + word + ")" * depth
    if style == 1:
        return "(" * depth + word
    if style == 2:
        return word + ")" * depth
    if style == 3:  # a chain: (a AND (b OR (c ...)))
        text = word
        for _ in range(depth):
            text = f"({_word(rng, vocab)} {rng.choice(OPERATORS)} {text})"
        return text
    if style == 4:
        return "NOT (" * depth + word + ")" * depth
    if style == 5:
        field = rng.choice(REAL_FIELDS[:7])
        return f"{field}:(" * depth + word + ")" * depth
    if style == 6:
        return "(" * depth + ")" * depth
    return "-(" * depth + word + ")" * depth


def _fields_real(rng: Random, vocab: Sequence[str]) -> str:
    parts = []
    for _ in range(rng.randint(1, 3)):
        field = rng.choice(REAL_FIELDS + REAL_FIELDS + ALIAS_FIELDS)
        sep = rng.choice([":", ":", ":", ": ", " :", "::"])
        parts.append(f"{field}{sep}{_field_term(rng, vocab, field)}")
    if rng.random() < 0.4:
        parts.append(_word(rng, vocab))
    return f" {rng.choice(['', 'AND', 'OR', 'NOT'])} ".join(parts).replace("  ", " ")


def _fields_bogus(rng: Random, vocab: Sequence[str]) -> str:
    field = rng.choice(BOGUS_FIELDS)
    return rng.choice(
        [
            f"{field}:{_word(rng, vocab)}",
            f"{field}:{_word(rng, vocab)} {_word(rng, vocab)}",
            f'{field}:"{_word(rng, vocab)} {_word(rng, vocab)}"',
            f"{field}:{_word(rng, vocab)[:3]}*",
            f"{field}:",
            f"{field}:({_word(rng, vocab)} OR {_word(rng, vocab)})",
            f"{field}:[a TO z]",
            f"{field}:{rng.choice(REAL_FIELDS)}:{_word(rng, vocab)}",
            f"{rng.choice(REAL_FIELDS)}:{field}:{_word(rng, vocab)}",
        ]
    )


def _exact_twins(rng: Random, vocab: Sequence[str]) -> str:
    field = rng.choice(EXACT_FIELDS)
    word = _word(rng, vocab)
    return rng.choice(
        [
            f"{field}:{word}",
            f"{field}:{word.lower()}",
            f"{field}:{word[:3]}*",
            f'{field}:"{word} {_word(rng, vocab)}"',
            f"{field}:{word}~2",
            f"{field}:[a TO b]",
            f"{field}:{word}^2 {word}",
            f"-{field}:{word} {_word(rng, vocab)}",
        ]
    )


def _prefixes(rng: Random, vocab: Sequence[str]) -> str:
    word = _word(rng, vocab)
    return rng.choice(
        [
            "Bun*",
            "Bundes*",
            "a*",
            "s*",
            "*",
            "**",
            "?",
            "~",
            "*:*",
            word[: rng.randint(1, 5)] + "*",
            word[: rng.randint(2, 5)].lower() + "*",
            "*" + word,
            word[:2] + "*" + word[-2:],
            word + "?",
            word[:3] + "?" + word[4:],
            word + "**",
            f"{rng.choice(REAL_FIELDS + ALIAS_FIELDS)}:*",
            f"{rng.choice(REAL_FIELDS)}:{word[:2]}*",
            " ".join(w[:3] + "*" for w in _words(rng, vocab, 2, 6)),
            "\\*",
            word + "\\*",
            ".*",
            "%",
            "ä*",
            "ß*",
            "1*",
            "2015*",
            "Ab*Cd*",
        ]
    )


def _fuzzy(rng: Random, vocab: Sequence[str]) -> str:
    word = _word(rng, vocab)
    return rng.choice(
        [
            f"{word}~2",
            f"{word}~",
            f"{word}~1",
            f"{word}~0",
            f"{word}~0.5",
            f"{word}~-1",
            f"{word}~99",
            f"{word}~~",
            f"{word}~2~2",
            f"{word}~2^3",
            f"{word[:3]}*~2",
            f'"{word} {_word(rng, vocab)}"~2',
            "~2",
            f"{_typo(rng, word)}~2 {_typo(rng, _word(rng, vocab))}~1",
            f"title:{word}~2",
            f"{word}~abc",
        ]
    )


def _ranges(rng: Random, vocab: Sequence[str]) -> str:
    a, b = sorted((_word(rng, vocab).lower(), _word(rng, vocab).lower()))
    y = rng.randint(1990, 2030)
    return rng.choice(
        [
            "[a TO z]",
            f"[{a} TO {b}]",
            "{x TO y}",
            f"title:[{a} TO {b}]",
            "section:[a TO z]",
            "id:[articles-1 TO articles-9]",
            "published:[2015 TO 2016]",
            f"published:[{y} TO {y + rng.randint(-2, 3)}]",
            "published:{2015 TO 2016}",
            "published:[2015 TO 2016}",
            "published:[bad TO 2020]",
            "published:[2020 TO bad]",
            "published:[2016 TO]",
            "published:[TO 2016]",
            "published:[TO]",
            "published:[]",
            "published:[2016-01-01 TO 2016-12-31]",
            "published:[2016-01-01T00:00:00+02:00 TO 2016-06-30T23:59:59Z]",
            "published:[2020 TO 2015]",
            "published:[0 TO 99999]",
            "published:[0001 TO 9999]",
            "published:[-5 TO 5]",
            "published:>2015",
            "published:>=2015-01-01",
            "published:2016",
            "published:2016-02-30",
            f"published:[{y} TO {y + 1}] {_word(rng, vocab)}",
            f"{_word(rng, vocab)} AND published:[{y} TO {y + 1}]",
            "[2015 TO 2016]",
            "[ TO ]",
            "[TO",
            "TO]",
            "published:[2015 2016]",
            "published:[2015 TO 2016 TO 2017]",
        ]
    )


def _boosts(rng: Random, vocab: Sequence[str]) -> str:
    word = _word(rng, vocab)
    return rng.choice(
        [
            f"{word}^3",
            f"{word}^",
            "^",
            "^3",
            "^^^",
            f"{word}^0",
            f"{word}^-1",
            f"{word}^0.0001",
            f"{word}^1e309",
            f"{word}^nan",
            f"{word}^inf",
            f"{word}^99999999999999999999999",
            f"{word}^3^4",
            f'"{word} {_word(rng, vocab)}"^2',
            f"({word} OR {_word(rng, vocab)})^2",
            f"title:{word}^2",
            f"{word}^2 {_word(rng, vocab)}^0.5",
            f"{word[:3]}*^2",
            f"{word}^abc",
            f"{word} ^ {_word(rng, vocab)}",
        ]
    )


def _very_long(rng: Random, vocab: Sequence[str]) -> str:
    style = rng.randrange(6)
    if style == 0:  # 200-400 words of free text
        return " ".join(_words(rng, vocab, 200, 400))
    if style == 1:  # 10,000 characters of free text
        words: list[str] = []
        size = 0
        while size < 10_000:
            words.append(_word(rng, vocab))
            size += len(words[-1]) + 1
        return " ".join(words)[:10_000]
    if style == 2:  # a long OR chain
        return " OR ".join(_words(rng, vocab, 200, 300))
    if style == 3:  # many prefixes: each stands for up to 128 words per field
        return " ".join(w[:3] + "*" for w in _words(rng, vocab, 50, 250))
    if style == 4:  # many fields and phrases
        return " ".join(
            f'{rng.choice(REAL_FIELDS[:3])}:"{_word(rng, vocab)} {_word(rng, vocab)}"'
            for _ in range(rng.randint(100, 200))
        )
    return " ".join(rng.choice(["+", "-", "", ""]) + w for w in _words(rng, vocab, 200, 300))


def _long_token(rng: Random, vocab: Sequence[str]) -> str:
    n = rng.choice([5_000, 5_000, rng.randint(1_000, 10_000)])
    style = rng.randrange(10)
    if style == 0:
        return rng.choice(string.ascii_lowercase) * n
    if style == 1:
        return "".join(rng.choice(string.ascii_letters + "äöüß") for _ in range(n))
    if style == 2:  # one huge compound of real words
        text = ""
        while len(text) < n:
            text += _word(rng, vocab).lower()
        return text[:n].capitalize()
    if style == 3:
        return "-".join(_word(rng, vocab) for _ in range(n // 8))[:n]
    if style == 4:
        return "".join(rng.choice(string.digits) for _ in range(n))
    if style == 5:
        return "".join(rng.choice(string.ascii_lowercase) for _ in range(n)) + "*"
    if style == 6:
        return _word(rng, vocab)[:3] + "".join(rng.choice("aeiou") for _ in range(n)) + "~2"
    if style == 7:
        return "ä" * n
    if style == 8:
        return f"title:{'x' * n}"
    return f'"{"".join(rng.choice(string.ascii_lowercase) for _ in range(n))}"'


def _unicode(rng: Random, vocab: Sequence[str]) -> str:
    pieces: list[str] = []
    for _ in range(rng.randint(1, 8)):
        kind = rng.randrange(6)
        if kind == 0:
            pieces.append(rng.choice(ODD_CHARS))
        elif kind == 1:
            pieces.append(rng.choice(EMOJI))
        elif kind == 2:
            pieces.append(rng.choice(SCRIPTS))
        elif kind == 3:
            pieces.append(chr(rng.randrange(0x110000)))
        elif kind == 4:  # an odd character inside a real word
            w = _word(rng, vocab)
            i = rng.randrange(len(w) + 1)
            pieces.append(w[:i] + rng.choice(ODD_CHARS) + w[i:])
        else:
            pieces.append(_word(rng, vocab))
    text = rng.choice(["", " "]).join(pieces)
    return rng.choice(
        [
            text,
            text,
            text,
            "\u202e" + text,
            f"title:{text}",
            f'"{text}"',
            text + "*",
            "\x00",
            "\ud800",
            "\ud800*",
        ]
    )


def _blank(rng: Random, vocab: Sequence[str]) -> str:
    if rng.random() < 0.3:
        return ""
    blanks = [" ", "\t", "\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x85", "\u00a0"]
    blanks += ["\u1680", "\u2003", "\u2028", "\u2029", "\u202f", "\u205f", "\u3000"]
    invisible = ["\u200b", "\ufeff", "\u2060", "\u00ad", "\u180e"]  # not whitespace to Python
    pool = blanks + invisible if rng.random() < 0.3 else blanks
    return "".join(rng.choice(pool) for _ in range(rng.randint(1, 20)))


def _backslashes(rng: Random, vocab: Sequence[str]) -> str:
    word = _word(rng, vocab)
    return rng.choice(
        [
            "\\",
            "\\\\",
            "\\\\\\",
            f"{word}\\",
            f"\\{word}",
            f"{word}\\:{_word(rng, vocab)}",
            f"title\\:{word}",
            "\\(",
            f"\\({word}\\)",
            "\\*",
            "\\u00e4",
            "\\x00",
            "C:\\Windows\\System32",
            f"{word} \\AND {_word(rng, vocab)}",
            f"\\-{word}",
            f"\\+{word}",
            f'"{word}\\"',
            "\\[a TO z\\]",
            "\\" * rng.randint(1, 100),
        ]
    )


def _colons(rng: Random, vocab: Sequence[str]) -> str:
    word = _word(rng, vocab)
    return rng.choice(
        [
            ":",
            "::",
            ":::",
            " : ",
            f"{word}:",
            f":{word}",
            f"::{word}",
            f"{word}::",
            "title:",
            "title::",
            "title: :",
            "title:title:",
            f"a:b:c:{word}",
            "21:30",
            "10:00 Uhr",
            f"{word} 21:30",
            "http://derstandard.at/2000012345",
            "https://www.derstandard.at/story/2000?a=b&c=d#x",
            "mailto:redaktion@derstandard.at",
            "urn:isbn:978-3-16-148410-0",
            ":" * rng.randint(1, 50),
            f"{word}:{_word(rng, vocab)}",
            "published:",
            "id:",
            ":*",
            ':"',
        ]
    )


def _escaped_quotes(rng: Random, vocab: Sequence[str]) -> str:
    word = _word(rng, vocab)
    other = _word(rng, vocab)
    return rng.choice(
        [
            f'\\"{word}\\"',
            f'{word} \\" {other}',
            f'"{word} \\" {other}"',
            '\\""',
            '"\\"',
            '\\"',
            f'title:\\"{word}\\"',
            f'\\"{word} {other}',
            f'"{word}\\\\" {other}"',
            f"{word}\\'s",
        ]
    )


def _soup(rng: Random, vocab: Sequence[str]) -> str:
    """Grammar-free: words, operators, fields and syntax characters in any order."""
    tokens: list[str] = []
    for _ in range(rng.randint(1, 30)):
        kind = rng.randrange(8)
        if kind == 0:
            tokens.append(_word(rng, vocab))
        elif kind == 1:
            tokens.append(_typo(rng, _word(rng, vocab)))
        elif kind == 2:
            tokens.append(rng.choice(OPERATORS + NOT_OPERATORS))
        elif kind == 3:
            tokens.append(
                rng.choice(REAL_FIELDS + ALIAS_FIELDS + EXACT_FIELDS + BOGUS_FIELDS) + ":"
            )
        elif kind in (4, 5):
            tokens.append(rng.choice(SYNTAX))
        elif kind == 6:
            tokens.append(str(rng.choice([0, 1, 2, 3, 2015, 2016, -1, 1.5, 10**20])))
        else:
            tokens.append(rng.choice(ODD_CHARS + EMOJI + STOPWORDS))
    out = tokens[0]
    for token in tokens[1:]:
        out += rng.choice(["", " ", " ", " ", "  "]) + token
    return out


def _stop_and_punctuation(rng: Random, vocab: Sequence[str]) -> str:
    return rng.choice(
        [
            " ".join(rng.choice(STOPWORDS) for _ in range(rng.randint(1, 5))),
            "wie viele",
            "Wer?",
            "Wann und wo?",
            "?",
            "??",
            "...",
            "!!!",
            "—",
            "– – –",
            "§ $ % &",
            ",",
            ".",
            "-",
            "--",
            "+",
            "'",
            "''",
            "„“",
            "«»",
            f"Wie viele {_word(rng, vocab)}?",
            f"Warum {_word(rng, vocab)} {_word(rng, vocab)}?",
            f"der {_word(rng, vocab)} NOT die",
        ]
    )


def _tokens_of_note(rng: Random, vocab: Sequence[str]) -> str:
    """What the tokenizer treats specially: numbers, abbreviations, hyphens, URLs."""
    word = _word(rng, vocab)
    return rng.choice(
        [
            "1,5",
            "1.000.000",
            "21.30",
            "z.B.",
            "Dr. med.",
            "US-Präsident",
            f"{word}-{_word(rng, vocab)}",
            f"-{word}-",
            f"{word}-",
            "e-mail",
            "E-Mail-Adresse",
            "a@b.de",
            "redaktion@derstandard.at",
            "www.derstandard.at",
            "3.",
            "2015-2016",
            "€ 100",
            "100%",
            "0,5 %",
            "1/2",
            "2:1",
            "x86_64",
            "C++",
            "C#",
            ".NET",
            "#hashtag",
            "@handle",
            "O'Brien",
            "Rock'n'Roll",
            f"{word}.{_word(rng, vocab)}",
            f"{word}'s",
            "Sicherheitsgarantien",
            "Donaudampfschifffahrtsgesellschaftskapitän",
        ]
    )


#: Query kinds by name, each drawn about equally often.
KINDS: dict[str, Gen] = {
    "plain": _plain,
    "typos": _typos,
    "operators": _operators,
    "plus_minus": _plus_minus,
    "quotes": _quotes_balanced,
    "quotes_unbalanced": _quotes_unbalanced,
    "parens": _parens_balanced,
    "parens_unbalanced": _parens_unbalanced,
    "deep_nesting": _deep_nesting,
    "fields": _fields_real,
    "fields_bogus": _fields_bogus,
    "exact_twins": _exact_twins,
    "prefixes": _prefixes,
    "fuzzy": _fuzzy,
    "ranges": _ranges,
    "boosts": _boosts,
    "very_long": _very_long,
    "long_token": _long_token,
    "unicode": _unicode,
    "blank": _blank,
    "backslashes": _backslashes,
    "colons": _colons,
    "escaped_quotes": _escaped_quotes,
    "soup": _soup,
    "stopwords_punctuation": _stop_and_punctuation,
    "special_tokens": _tokens_of_note,
}


def fuzz_queries(count: int, *, seed: int, vocabulary: Sequence[str]) -> list[str]:
    """``count`` query texts, the same for the same arguments, of every kind in
    :data:`KINDS` in about equal shares, in random order.

    ``vocabulary`` gives the real words (from the indexed corpus) they are made of.

    >>> qs = fuzz_queries(60, seed=1, vocabulary=["Bundesregierung", "Wien"])
    >>> len(qs), qs == fuzz_queries(60, seed=1, vocabulary=["Bundesregierung", "Wien"])
    (60, True)
    """
    if count < 0:
        raise ValueError(f"count must not be negative, not {count}")
    vocab = [w for w in vocabulary if w] or list(_FALLBACK_WORDS)
    rng = Random(seed)
    kinds = list(KINDS.values())
    order = [kinds[i % len(kinds)] for i in range(count)]
    rng.shuffle(order)
    return [make(rng, vocab) for make in order]


_WORD = re.compile(r"[^\W\d_]{4,}")


def corpus_vocabulary(articles: Iterable[Article], *, size: int = 3_000) -> list[str]:
    """Up to ``size`` distinct words of 4+ letters from the titles and bodies of
    ``articles``, as written, spread evenly over the frequency ranks (common and
    rare words alike); the same articles give the same list.

    >>> corpus_vocabulary([Article(id="a", title="Wien", body="Die Wiener in Wien")])
    ['Wien', 'Wiener']
    """
    counts: Counter[str] = Counter()
    for article in articles:
        counts.update(_WORD.findall(article.title))
        counts.update(_WORD.findall(article.body))
    ranked = sorted(counts, key=lambda w: (-counts[w], w))
    if len(ranked) <= size:
        return ranked
    step = len(ranked) / size
    return [ranked[int(i * step)] for i in range(size)]


# --------------------------------------------------------------------------- the runner


class SupportsSearch(Protocol):
    """What :func:`run_fuzz` needs of a searcher (:class:`newssearch.Searcher` has it)."""

    def search(self, text: str, *, limit: int = ..., highlight: bool = ...) -> SearchResult: ...


class Failure(NamedTuple):
    """An unexpected exception: the query (repr, clipped), the exception's type and message."""

    query: str
    error: str
    message: str


class Slow(NamedTuple):
    """A query and how long it took."""

    ms: float
    query: str


@dataclass(frozen=True)
class FuzzReport:
    """How a searcher coped with fuzzed queries.

    Every query counts once: ``ok`` (searched completely), ``partial`` (searched,
    cut short by the searcher's time limit), ``query_errors`` (refused with
    ``QueryError``: expected), ``other_errors`` (another ``NewsSearchError``),
    ``crashes`` (any other exception: a bug) or ``timeouts`` (still running after
    :func:`run_fuzz`'s ``timeout``, interrupted: a bug too, as every query should be
    bounded).  ``failures`` holds the first :data:`MAX_EXAMPLES` crashes,
    ``other_error_examples`` and ``timeout_examples`` the first of those, and
    ``crash_types`` the number of crashes by exception type.

    Latencies (ms) are nearest-rank percentiles over every query, refusals, crashes
    and timeouts included (a timed-out query counts with the time it ran); the
    ``finished_`` ones leave out the timed-out queries.  ``slowest``: the five slowest
    queries (ms, repr clipped), ``slowest_finished`` the five slowest that finished.
    """

    queries: int
    ok: int
    partial: int
    query_errors: int
    other_errors: int
    crashes: int
    timeouts: int
    failures: tuple[Failure, ...]
    other_error_examples: tuple[Failure, ...]
    timeout_examples: tuple[Failure, ...]
    crash_types: tuple[tuple[str, int], ...]
    p50_ms: float
    p99_ms: float
    p999_ms: float
    max_ms: float
    finished_p99_ms: float
    finished_p999_ms: float
    finished_max_ms: float
    slowest: tuple[Slow, ...]
    slowest_finished: tuple[Slow, ...]
    total_s: float


#: How many examples of crashes (and of other errors, and of timeouts) a report keeps.
MAX_EXAMPLES = 20
#: Seconds after which :func:`run_fuzz` interrupts a query, by default.
DEFAULT_TIMEOUT = 10.0
_QUERY_CHARS = 200
_MESSAGE_CHARS = 300

#: What :func:`run_fuzz` tells its ``on_query`` callback after each query: its
#: position, its text, how long it took (ms) and the outcome ("ok", "partial",
#: "QueryError", "NewsSearchError", "crash" or "timeout").
OnQuery = Callable[[int, str, float, str], None]


class _QueryTimeout(BaseException):
    """Raised by the alarm in a query that runs too long.  Not an ``Exception``, so
    that no ``except Exception`` on the way (the query planner wraps what the
    parser raises) turns it into an ordinary error."""


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise _QueryTimeout


def run_fuzz(
    searcher: SupportsSearch,
    queries: Sequence[str],
    *,
    highlight: bool = True,
    timeout: float | None = DEFAULT_TIMEOUT,
    on_query: OnQuery | None = None,
) -> FuzzReport:
    """Run every query through ``searcher.search(q, limit=10, highlight=highlight)``,
    one after the other, timing each, and count the outcomes.

    A query still running after ``timeout`` seconds is interrupted (by ``SIGALRM``;
    only in the main thread of a Unix process, elsewhere ``timeout`` is ignored) and
    counted as a timeout, so that one runaway query cannot stall the run.  The
    searcher was interrupted at an arbitrary point then: later queries still run on
    it, but a crash right after a timeout may be a consequence of it.
    """
    alarm = (
        timeout is not None
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    previous = signal.signal(signal.SIGALRM, _on_alarm) if alarm else None
    counts: Counter[str] = Counter()
    examples: dict[str, list[Failure]] = {"crash": [], "NewsSearchError": [], "timeout": []}
    crash_types: Counter[str] = Counter()
    timed: list[tuple[float, int, bool]] = []  # (ms, position, finished)
    run_started = time.perf_counter()
    try:
        for i, text in enumerate(queries):
            result: SearchResult | None = None
            error: Exception | None = None
            started = time.perf_counter()
            try:
                if alarm:
                    assert timeout is not None
                    # Repeats every second, in case something on the way swallows one.
                    signal.setitimer(signal.ITIMER_REAL, timeout, 1.0)
                try:
                    result = searcher.search(text, limit=10, highlight=highlight)
                finally:
                    if alarm:
                        signal.setitimer(signal.ITIMER_REAL, 0)
            except _QueryTimeout:
                if alarm:
                    signal.setitimer(signal.ITIMER_REAL, 0)
                outcome = "timeout"
            except Exception as exc:
                error = exc
                if isinstance(exc, QueryError):
                    outcome = "QueryError"
                elif isinstance(exc, NewsSearchError):
                    outcome = "NewsSearchError"
                else:
                    outcome = "crash"
                    crash_types[type(exc).__name__] += 1
            else:
                assert result is not None
                outcome = "partial" if result.partial else "ok"
            ms = (time.perf_counter() - started) * 1000.0
            timed.append((ms, i, outcome != "timeout"))
            counts[outcome] += 1
            kept = examples.get(outcome)
            if kept is not None and len(kept) < MAX_EXAMPLES:
                kept.append(_failure(text, error, timeout))
            if on_query is not None:
                on_query(i, text, ms, outcome)
    finally:
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    total_s = time.perf_counter() - run_started
    latencies = sorted(ms for ms, _, _ in timed)
    finished = sorted(ms for ms, _, done in timed if done)
    by_time = sorted(timed, key=lambda t: (-t[0], t[1]))
    slowest = by_time[:5]
    slowest_finished = [t for t in by_time if t[2]][:5]
    return FuzzReport(
        queries=len(queries),
        ok=counts["ok"],
        partial=counts["partial"],
        query_errors=counts["QueryError"],
        other_errors=counts["NewsSearchError"],
        crashes=counts["crash"],
        timeouts=counts["timeout"],
        failures=tuple(examples["crash"]),
        other_error_examples=tuple(examples["NewsSearchError"]),
        timeout_examples=tuple(examples["timeout"]),
        crash_types=tuple(crash_types.most_common()),
        p50_ms=_nearest_rank(latencies, 500),
        p99_ms=_nearest_rank(latencies, 990),
        p999_ms=_nearest_rank(latencies, 999),
        max_ms=latencies[-1] if latencies else 0.0,
        finished_p99_ms=_nearest_rank(finished, 990),
        finished_p999_ms=_nearest_rank(finished, 999),
        finished_max_ms=finished[-1] if finished else 0.0,
        slowest=tuple(Slow(ms, _query_repr(queries[i])) for ms, i, _ in slowest),
        slowest_finished=tuple(Slow(ms, _query_repr(queries[i])) for ms, i, _ in slowest_finished),
        total_s=total_s,
    )


def _nearest_rank(ordered: Sequence[float], per_mille: int) -> float:
    """The nearest-rank percentile (``per_mille`` / 10 %) of ascending ``ordered``."""
    if not ordered:
        return 0.0
    rank = max(1, -(-per_mille * len(ordered) // 1000))
    return ordered[rank - 1]


def _clip(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: chars - 1] + "…"


def _printable(text: str) -> str:
    """``text`` with every unprintable character (controls, lone surrogates) escaped."""
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)


def _query_repr(text: str) -> str:
    return _clip(repr(text), _QUERY_CHARS)


def _failure(text: str, error: Exception | None, timeout: float | None) -> Failure:
    if error is None:
        return Failure(_query_repr(text), "timeout", f"still running after {timeout} s")
    try:
        message = str(error)
    except Exception as exc:  # a message that cannot be made is a finding too
        message = f"<str() failed: {type(exc).__name__}>"
    return Failure(
        _query_repr(text), type(error).__name__, _clip(_printable(message), _MESSAGE_CHARS)
    )


# --------------------------------------------------------------------------- the command


def format_report(report: FuzzReport) -> str:
    """``report`` as short Markdown tables, the slowest queries and the examples."""
    n = max(report.queries, 1)
    rows = [
        ("ok", report.ok),
        ("partial (time limit)", report.partial),
        ("QueryError (refused)", report.query_errors),
        ("other NewsSearchError", report.other_errors),
        ("other exception (bug)", report.crashes),
        ("timed out (bug)", report.timeouts),
    ]
    lines = ["| outcome | queries | share |", "|---|---:|---:|"]
    lines += [f"| {name} | {count:,} | {100 * count / n:.1f} % |" for name, count in rows]
    lines += [
        "",
        "| latency ms | p50 | p99 | p99.9 | max |",
        "|---|---:|---:|---:|---:|",
        f"| all queries | {report.p50_ms:.1f} | {report.p99_ms:.1f} | "
        f"{report.p999_ms:.1f} | {report.max_ms:.1f} |",
    ]
    if report.timeouts:
        lines.append(
            f"| without timed-out | | {report.finished_p99_ms:.1f} | "
            f"{report.finished_p999_ms:.1f} | {report.finished_max_ms:.1f} |"
        )
    lines += ["", "slowest:"]
    lines += [f"  {s.ms:9.1f} ms  {s.query}" for s in report.slowest]
    if report.timeouts:
        lines += ["", "slowest that finished:"]
        lines += [f"  {s.ms:9.1f} ms  {s.query}" for s in report.slowest_finished]
    if report.crash_types:
        kinds = ", ".join(f"{name} ×{count}" for name, count in report.crash_types)
        lines += ["", f"bugs by exception type: {kinds}"]
    for title, examples in (
        ("other exceptions", report.failures),
        ("other NewsSearchErrors", report.other_error_examples),
        ("timed out", report.timeout_examples),
    ):
        if examples:
            lines += ["", f"{title} (first {len(examples)}):"]
            lines += [f"  {f.error}: {f.message}\n      query: {f.query}" for f in examples]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Build (or reuse) an index, fuzz it, print the tables; exit 1 on any bug found."""
    from newssearch import Searcher, build_index, index_exists, open_index
    from newssearch.bench.corpus import corpus

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--articles", type=int, default=1_000, help="corpus size (default 1000)")
    parser.add_argument("--queries", type=int, default=2_000, help="how many (default 2000)")
    parser.add_argument("--seed", type=int, default=1, help="query seed (default 1)")
    parser.add_argument(
        "--index",
        type=Path,
        help="index directory: reused if it holds an index (of the same --articles), "
        "built there if not (default: a temporary directory)",
    )
    parser.add_argument("--no-highlight", action="store_true", help="search without snippets")
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        help=f"seconds before a query is interrupted (default {DEFAULT_TIMEOUT:g}; 0: never)",
    )
    args = parser.parse_args(argv)
    highlight = not args.no_highlight

    started = time.perf_counter()
    articles = corpus(args.articles)
    vocabulary = corpus_vocabulary(articles)
    queries = fuzz_queries(args.queries, seed=args.seed, vocabulary=vocabulary)
    _note(
        f"{len(articles):,} articles, {len(vocabulary):,} words of vocabulary, "
        f"{len(queries):,} queries (seed {args.seed})"
    )

    def progress(i: int, text: str, ms: float, outcome: str) -> None:
        if outcome in ("crash", "timeout", "NewsSearchError") or ms > 5_000:
            _note(f"  query {i}: {outcome} after {ms:,.0f} ms: {_query_repr(text)}")
        if (i + 1) % 500 == 0:
            _note(f"{i + 1:,} queries, {time.perf_counter() - started:,.0f} s")

    with tempfile.TemporaryDirectory(prefix="fuzz-queries-") as tmp:
        path = args.index or Path(tmp) / "index"
        built = time.perf_counter()
        if index_exists(path):
            index = open_index(path)
            how = f"reused {path}"
        else:
            index, _ = build_index(path, articles)
            how = f"built in {time.perf_counter() - built:.1f} s"
        _note(f"index: {how}")
        with index, Searcher(index) as searcher:
            for text in vocabulary[:20]:  # warm up: open readers, fill caches
                searcher.search(text, limit=10, highlight=highlight)
            report = run_fuzz(
                searcher,
                queries,
                highlight=highlight,
                timeout=args.timeout or None,
                on_query=progress,
            )
    print(
        f"fuzz_queries: {report.queries:,} queries on {len(articles):,} articles "
        f"(seed {args.seed}, highlight {highlight}, timeout {args.timeout:g} s); index {how}; "
        f"queries ran {report.total_s:.1f} s; total {time.perf_counter() - started:.1f} s\n"
    )
    print(format_report(report))
    return 1 if report.crashes or report.other_errors or report.timeouts else 0


def _note(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
