"""What a query text is: free text or query syntax, and how malformed input is repaired."""

from __future__ import annotations

import re

__all__ = ["QUESTION_WORDS", "balance", "drop_question_words", "is_plain"]

#: Query syntax beyond plain words: quotes, brackets, field:, prefix*, +/-, operators.
_SYNTAX = re.compile(r'["()*:]|(?<!\S)[+-]\S|\b(?:AND|OR|NOT|UND|ODER|NICHT|ANDNOT|ANDMAYBE)\b')

#: Question words of German questions; "viele"/"viel" as in "wie viele".
QUESTION_WORDS = frozenset(
    "wer wen wem wessen was wann wo wohin woher warum weshalb wieso weswegen wie "
    "wieviel wieviele welche welcher welches welchen welchem womit wodurch wofür "
    "wogegen worauf woraus worin worüber worum wozu viele vielen".split()
)
_WORD = re.compile(r"\w+")


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
