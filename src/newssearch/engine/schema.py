"""The Whoosh schema of a newssearch index, built from its settings, never unpickled.

Text fields (``title``, ``lead``, ``body``) go through the German analyzer;
each also has an ``<name>_exact`` twin (normalised, unstemmed, not split into
compound parts) that prefix queries use and that ranking may weigh in, and a
``<name>_stop`` twin holding its stopwords alone (normalised), where queries of
stopwords and the stopwords of phrases are matched (``stopword_fields``).
``section``, ``source``, ``author`` and ``tags`` are exact-match filters and
facets; ``published`` is sortable; ``story`` and ``story_sig`` group wire
copies (``IndexSettings.stories``).
"""

from __future__ import annotations

from typing import Any

from whoosh import fields
from whoosh.analysis import CommaSeparatedTokenizer, IDTokenizer, LowercaseFilter

from newssearch.analysis import exact_analyzer, german_analyzer, stopword_analyzer
from newssearch.article import TEXT_FIELDS
from newssearch.config import AnalyzerConfig, IndexSettings
from newssearch.engine.postings import FrequencyFormat, PositionsFormat

__all__ = ["build_schema", "exact_field", "has_stopword_twins", "stopword_field"]


def exact_field(name: str) -> str:
    """The name of the exact twin of text field ``name``."""
    return f"{name}_exact"


def stopword_field(name: str) -> str:
    """The name of the stopword twin of text field ``name``."""
    return f"{name}_stop"


def has_stopword_twins(config: AnalyzerConfig) -> bool:
    """Whether an index with ``config`` has stopword twins (without stopword
    removal the text fields hold the stopwords themselves)."""
    return config.stopwords and config.stopword_fields


def build_schema(settings: IndexSettings) -> fields.Schema:
    """The Whoosh schema for ``settings``."""
    analyzer = german_analyzer(settings.analyzer)
    exact = exact_analyzer(settings.analyzer)
    keyword = IDTokenizer() | LowercaseFilter()
    spec: dict[str, Any] = {
        "id": fields.ID(stored=True, unique=True),
        "published": fields.DATETIME(stored=True, sortable=True),
        "section": fields.ID(stored=True, sortable=True, analyzer=keyword),
        "source": fields.ID(stored=True, sortable=True, analyzer=keyword),
        "author": fields.ID(stored=True, sortable=True, analyzer=keyword),
        "tags": fields.KEYWORD(
            stored=True,
            commas=True,
            lowercase=True,
            analyzer=CommaSeparatedTokenizer() | LowercaseFilter(),
        ),
        "url": fields.STORED(),
    }
    for name in TEXT_FIELDS:
        text = fields.TEXT(analyzer=analyzer, stored=True, phrase=True)  # type: ignore[arg-type]
        text.format = PositionsFormat(field_boost=1.0)
        spec[name] = text
        twin = fields.TEXT(analyzer=exact, stored=False, phrase=False)  # type: ignore[arg-type]
        twin.format = FrequencyFormat(field_boost=1.0)
        spec[exact_field(name)] = twin
        if has_stopword_twins(settings.analyzer):
            stops = fields.TEXT(analyzer=stopword_analyzer(settings.analyzer), phrase=False)  # type: ignore[arg-type]
            stops.format = FrequencyFormat(field_boost=1.0)
            spec[stopword_field(name)] = stops
    if settings.stories:
        # Wire copies (newssearch.duplicates): the story label (a column, for
        # collapsing) and the signature candidates are checked with.  The LSH
        # band keys that find the candidates were the terms of story_bands up
        # to format 3; they are in the vocabulary files now, and the field stays
        # for the segments of such indexes.
        spec["story"] = fields.ID(stored=True, sortable=True)
        spec["story_bands"] = fields.KEYWORD(stored=False, scorable=False)
        spec["story_sig"] = fields.STORED()
    return fields.Schema(**spec)
