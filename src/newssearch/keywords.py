"""Keyword values (section, source, author, tags) as users type and read them.

A filter value matches however its umlauts and case are written, like the
text does: ``author="Mueller"`` finds articles by *Müller*, *Muller* and
*mueller* (the values are indexed lowercase and compared folded with the
German normalisation, so existing indexes need no rebuild).  Facet values of
tags are shown as the articles spell them (``EU-Gipfel``), not lowercase.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from newssearch.analysis.filters import normalize_german

__all__ = ["KeywordValues", "fold_value", "merge_spellings"]


def fold_value(value: str) -> str:
    """``value`` lowercase and German-normalised, as filters compare it.

    >>> fold_value("Müller"), fold_value("Mueller"), fold_value("MULLER")
    ('muller', 'muller', 'muller')
    """
    return normalize_german(value.strip().lower())


def merge_spellings(
    counts: Mapping[str, int], spell: Callable[[str], str] | None = None
) -> dict[str, int]:
    """Facet counts with the values a filter does not tell apart added up, each
    shown in its most frequent spelling (``spell`` gives a value's spelling).

    >>> merge_spellings({"Inland": 3, "inland": 1, "Müller": 1, "Mueller": 2})
    {'Inland': 4, 'Mueller': 3}
    """
    groups: dict[str, Counter[str]] = {}
    for value, n in counts.items():
        shown = spell(value) if spell is not None else value
        groups.setdefault(fold_value(value), Counter())[shown] += n
    merged = {
        min(group.items(), key=lambda item: (-item[1], item[0]))[0]: sum(group.values())
        for group in groups.values()
    }
    return dict(sorted(merged.items(), key=lambda item: (-item[1], item[0])))


class KeywordValues:
    """The keyword values of one index reader, looked up by their folded form.

    Built lazily per field (one pass over the field's distinct values) and
    kept for the reader's lifetime; not shared between threads.
    """

    def __init__(self, reader: Any) -> None:
        self._reader = reader
        self._folded: dict[str, dict[str, list[str]]] = {}
        self._spelling: dict[tuple[str, str], str] = {}

    def matching(self, fieldname: str, values: Iterable[str]) -> list[str]:
        """The indexed values of ``fieldname`` equal to one of ``values`` when folded."""
        folded = self._folded.get(fieldname)
        if folded is None:
            folded = {}
            for term in self._reader.lexicon(fieldname):
                text = term.decode("utf-8") if isinstance(term, bytes) else term
                folded.setdefault(fold_value(text), []).append(text)
            self._folded[fieldname] = folded
        found: list[str] = []
        for value in values:
            for term in folded.get(fold_value(value), ()):
                if term not in found:
                    found.append(term)
        return found

    def spelling(self, fieldname: str, term: str) -> str:
        """How the articles spell the indexed (lowercase) value ``term`` of
        ``fieldname``: as the first article holding it does; ``term`` if none."""
        key = (fieldname, term)
        known = self._spelling.get(key)
        if known is not None:
            return known
        shown = term
        if (fieldname, term) in self._reader:
            for docnum in self._reader.postings(fieldname, term).all_ids():
                if self._reader.is_deleted(docnum):
                    continue
                stored = self._reader.stored_fields(docnum).get(fieldname)
                originals = stored if isinstance(stored, list | tuple) else [stored or ""]
                shown = next((v for v in originals if v.lower() == term), term)
                break
        self._spelling[key] = shown
        return shown
