"""The Whoosh schema of a newssearch index: field names, boosts, stored fields.

Text fields (``title``, ``lead``, ``body``) go through the German analyzer;
each also has an ``<name>_exact`` twin (normalised, unstemmed, not split into
compound parts) that prefix queries use and that ranking may weigh in.
``section``, ``source``, ``author`` and ``tags`` are exact-match filters and
facets; ``published`` is sortable.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from whoosh import fields
from whoosh.analysis import CommaSeparatedTokenizer, IDTokenizer, LowercaseFilter

from newssearch.analysis import AnalyzerConfig, exact_analyzer, german_analyzer
from newssearch.article import TEXT_FIELDS

__all__ = [
    "FACET_FIELDS",
    "SCHEMA_VERSION",
    "TEXT_FIELDS",
    "FieldBoosts",
    "IndexSettings",
    "build_schema",
    "exact_field",
]

#: Bumped whenever the fields or their analysis change incompatibly.
SCHEMA_VERSION = 1

#: Single-valued exact-match fields that can filter and facet.
FACET_FIELDS = ("section", "source", "author", "tags")


@dataclass(frozen=True)
class FieldBoosts:
    """Query-time weights of the text fields (title > lead > body by default)."""

    title: float = 3.0
    lead: float = 2.0
    body: float = 1.0

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if not value >= 0:
                raise ValueError(f"boost of {name} must be >= 0, not {value!r}")

    def as_dict(self) -> dict[str, float]:
        return {name: getattr(self, name) for name in TEXT_FIELDS}


@dataclass(frozen=True)
class IndexSettings:
    """What an index is built with; stored with the index and read back on open."""

    analyzer: AnalyzerConfig = field(default_factory=AnalyzerConfig)
    boosts: FieldBoosts = field(default_factory=FieldBoosts)

    def to_json(self) -> dict[str, Any]:
        return {"analyzer": asdict(self.analyzer), "boosts": asdict(self.boosts)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> IndexSettings:
        return cls(
            analyzer=AnalyzerConfig(**data.get("analyzer", {})),
            boosts=FieldBoosts(**data.get("boosts", {})),
        )


def exact_field(name: str) -> str:
    """The name of the exact twin of text field ``name``."""
    return f"{name}_exact"


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
        spec[name] = fields.TEXT(analyzer=analyzer, stored=True, phrase=True)  # type: ignore[arg-type]
        spec[exact_field(name)] = fields.TEXT(
            analyzer=exact,  # type: ignore[arg-type]
            stored=False,
            phrase=False,
        )
    return fields.Schema(**spec)
