"""What a query text is: free text or query syntax, and how malformed input is repaired."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence

from whoosh import query as wq

from newssearch.article import FACET_FIELDS, lone_surrogate
from newssearch.engine.parser import FIELD_ALIASES
from newssearch.errors import QueryError

__all__ = [
    "QUESTION_WORDS",
    "balance",
    "check_characters",
    "check_options",
    "drop_question_words",
    "filter_choices",
    "is_plain",
    "query_warnings",
]

#: Query syntax beyond plain words: quotes, brackets, field:, prefix*, +/-, operators.
_SYNTAX = re.compile(r'["()*:]|(?<!\S)[+-]\S|\b(?:AND|OR|NOT|UND|ODER|NICHT|ANDNOT|ANDMAYBE)\b')

#: Question words of German questions; "viele"/"viel" as in "wie viele".
QUESTION_WORDS = frozenset(
    "wer wen wem wessen was wann wo wohin woher warum weshalb wieso weswegen wie "
    "wieviel wieviele welche welcher welches welchen welchem womit wodurch wofür "
    "wogegen worauf woraus worin worüber worum wozu viele vielen".split()
)
_WORD = re.compile(r"\w+")
#: ``name:`` where a field name can stand (not ``21:30``, not ``https://``).
_FIELD_PREFIX = re.compile(r"(?<![\w:/.])([^\W\d_]\w*):(?!//)")


def check_characters(text: str, what: str = "the query") -> None:
    """Raise :class:`QueryError` if ``text`` holds a lone surrogate (what a file
    name or terminal in the wrong encoding gives), which no index can hold.

    >>> check_characters("Wien")
    >>> check_characters("Wi\\udcfcn")
    Traceback (most recent call last):
    newssearch.errors.QueryError: the query holds an invalid character (U+DCFC at 2): ...
    """
    at = lone_surrogate(text)
    if at is not None:
        raise QueryError(
            f"{what} holds an invalid character (U+{ord(text[at]):04X} at {at}): "
            "it is not valid Unicode text; check its encoding"
        )


def check_options(
    *, limit: int, offset: int, sort: str, facets: Sequence[str], max_duplicates: int = 0
) -> None:
    """Raise :class:`QueryError` for paging, sorting, facets or copy lists no search can have.

    >>> check_options(limit=10, offset=0, sort="newest", facets=("section",))
    >>> check_options(limit=10, offset=0, sort="best", facets=())
    Traceback (most recent call last):
    newssearch.errors.QueryError: unknown sort 'best' (relevance, newest or oldest)
    """
    if limit < 0 or offset < 0:
        raise QueryError("limit and offset must not be negative")
    if max_duplicates < 0:
        raise QueryError("max_duplicates must not be negative")
    if sort not in ("relevance", "newest", "oldest"):
        raise QueryError(f"unknown sort {sort!r} (relevance, newest or oldest)")
    unknown = sorted(set(facets) - set(FACET_FIELDS))
    if unknown:
        raise QueryError(f"cannot facet on {', '.join(unknown)} (only {', '.join(FACET_FIELDS)})")


def filter_choices(
    filters: Mapping[str, str | Sequence[str]] | None,
) -> Iterator[tuple[str, list[str]]]:
    """Each filtered field with the values asked for, checked: a field that is no
    facet, or a value with a lone surrogate, is a :class:`QueryError`.

    >>> list(filter_choices({"section": "Inland", "tags": ["Wahl", "EU"]}))
    [('section', ['Inland']), ('tags', ['Wahl', 'EU'])]
    >>> list(filter_choices({"body": "Wien"}))
    Traceback (most recent call last):
    newssearch.errors.QueryError: cannot filter on 'body' (only ...)
    """
    for name, values in (filters or {}).items():
        if name not in FACET_FIELDS:
            raise QueryError(f"cannot filter on {name!r} (only {', '.join(FACET_FIELDS)})")
        choices = [values] if isinstance(values, str) else list(values)
        for choice in choices:
            check_characters(choice, f"the {name} filter")
        yield name, choices


def is_plain(text: str) -> bool:
    """Whether ``text`` is free text, with no query syntax in it.

    >>> is_plain("Flüchtlinge Grenze"), is_plain('"Europäische Union"')
    (True, False)
    """
    return _SYNTAX.search(text) is None


def drop_question_words(text: str) -> str:
    """``text`` without its question words, unless nothing else would be left.

    >>> drop_question_words("Wie hoch ist die Arbeitslosigkeit?")
    ' hoch ist die Arbeitslosigkeit?'
    """
    kept = _WORD.sub(lambda m: "" if m.group().lower() in QUESTION_WORDS else m.group(), text)
    return kept if _WORD.search(kept) else text


def balance(text: str) -> str:
    """Make a malformed query searchable: close an open quote, drop stray brackets.

    >>> balance('(Wien "Rathaus')
    '(Wien "Rathaus")'
    """
    if text.count('"') % 2:
        text = text + '"'
    depth = 0
    out = []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            if depth == 0:
                continue
            depth -= 1
        out.append(ch)
    return "".join(out) + ")" * depth


def query_warnings(
    text: str, match: wq.Query, *, stopwords_indexed: bool = True
) -> tuple[str, ...]:
    """What of ``text`` was not searched as written: unknown ``field:`` names
    (searched as words), or no searchable word at all (only punctuation, or
    only stopwords in an index that does not hold them)."""
    warnings = []
    unknown = sorted(
        {m.group(1) for m in _FIELD_PREFIX.finditer(text)} - _KNOWN_FIELD_NAMES,
        key=str.lower,
    )
    if unknown:
        names = ", ".join(f"{name!r}" for name in unknown)
        warnings.append(
            f"unknown field {names}: searched as words (fields: {', '.join(FIELD_ALIASES)})"
        )
    if match is wq.NullQuery and _WORD.search(text):
        warnings.append(
            "the query has no searchable word (only stopwords or punctuation)"
            if stopwords_indexed
            else "the query has no searchable word: this index was built without "
            "stopwords (before format 3); rebuild it (newssearch index --rebuild) "
            "to search them"
        )
    return tuple(warnings)


_KNOWN_FIELD_NAMES = frozenset({*FIELD_ALIASES, "published", "id"}.union(*FIELD_ALIASES.values()))
