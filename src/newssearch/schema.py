"""The Whoosh schema of a newssearch index: field names, boosts, stored fields.

Text fields (``title``, ``lead``, ``body``) go through the German analyzer;
each also has an ``<name>_exact`` twin (normalised, unstemmed, not split into
compound parts) that prefix queries use and that ranking may weigh in.
``section``, ``source``, ``author`` and ``tags`` are exact-match filters and
facets; ``published`` is sortable.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from whoosh import fields
from whoosh.analysis import CommaSeparatedTokenizer, IDTokenizer, LowercaseFilter

from newssearch.analysis import AnalyzerConfig, exact_analyzer, german_analyzer
from newssearch.article import TEXT_FIELDS
from newssearch.postings import NewsFrequency, NewsPositions

__all__ = [
    "FACET_FIELDS",
    "SCHEMA_VERSION",
    "TEXT_FIELDS",
    "FieldBoosts",
    "IndexSettings",
    "Ranking",
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
class Ranking:
    """How free-text queries are scored (query time: change it without reindexing).

    Every query word matches its stemmed form in title, lead and body, scored
    by BM25 per field (``k1``, ``b``) times the field's boost; ``fields="max"``
    takes the best field for each word (as Elasticsearch's ``multi_match``
    does), ``"sum"`` adds the fields up (as Whoosh's multi-field parser does).
    ``idf="robertson"`` is Lucene's IDF, which lets words found in nearly every
    article count for nearly nothing; ``"whoosh"`` is Whoosh's.  On top:

    - ``part_weight``: a compound in the query also matches its parts, all of
      them, at this weight (Sicherheitsgarantien → sicherheit AND garantie);
    - ``exact_weight``: the word as typed (normalised, unstemmed) adds this
      share of its score, so an exact match outranks a merely stem-equal one;
    - ``proximity_weight``: each pair of neighbouring query words found within
      ``proximity_slop`` words of each other adds this share;
    - ``common_cutoff`` and ``common_min_df``: in free text with rarer
      words, a word found in more than this share of the articles, and in
      more than ``common_min_df`` of them, does not make a match on its own;
      it only adds its score to the best matches of the rarer words
      (Elasticsearch's ``cutoff_frequency``; 0 turns it off).  It saves
      reading long posting lists, so short ones are left alone;
    - ``drop_question_words``: in free text, question words (wer, wann,
      wie viele …) say what kind of answer is wanted, not what it is about.

    The defaults are the best settings found on the relevance benchmark
    (``benchmarks/quality.py``); see the README's "Ranking quality".
    """

    k1: float = 1.2
    b: float = 0.75
    idf: Literal["robertson", "whoosh"] = "robertson"
    fields: Literal["max", "sum"] = "max"
    part_weight: float = 0.5
    exact_weight: float = 1.0
    proximity_weight: float = 0.2
    proximity_slop: int = 2
    drop_question_words: bool = True
    common_cutoff: float = 0.1
    common_min_df: int = 1000

    def __post_init__(self) -> None:
        if self.common_min_df < 0:
            raise ValueError(f"common_min_df must be >= 0, not {self.common_min_df!r}")
        if not 0 <= self.common_cutoff <= 1:
            raise ValueError(f"common_cutoff must be between 0 and 1, not {self.common_cutoff!r}")
        for name in ("k1", "part_weight", "exact_weight", "proximity_weight"):
            if not getattr(self, name) >= 0:
                raise ValueError(f"{name} must be >= 0, not {getattr(self, name)!r}")
        if not 0 <= self.b <= 1:
            raise ValueError(f"b must be between 0 and 1, not {self.b!r}")
        if self.proximity_slop < 1:
            raise ValueError(f"proximity_slop must be >= 1, not {self.proximity_slop!r}")
        if self.idf not in ("robertson", "whoosh"):
            raise ValueError(f"idf must be 'robertson' or 'whoosh', not {self.idf!r}")
        if self.fields not in ("max", "sum"):
            raise ValueError(f"fields must be 'max' or 'sum', not {self.fields!r}")


@dataclass(frozen=True)
class IndexSettings:
    """What an index is built with; stored with the index and read back on open."""

    analyzer: AnalyzerConfig = field(default_factory=AnalyzerConfig)
    boosts: FieldBoosts = field(default_factory=FieldBoosts)
    ranking: Ranking = field(default_factory=Ranking)

    def to_json(self) -> dict[str, Any]:
        return {
            "analyzer": asdict(self.analyzer),
            "boosts": asdict(self.boosts),
            "ranking": asdict(self.ranking),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> IndexSettings:
        return cls(
            analyzer=AnalyzerConfig(**data.get("analyzer", {})),
            boosts=FieldBoosts(**data.get("boosts", {})),
            ranking=Ranking(**data.get("ranking", {})),
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
        text = fields.TEXT(analyzer=analyzer, stored=True, phrase=True)  # type: ignore[arg-type]
        text.format = NewsPositions(field_boost=1.0)
        spec[name] = text
        twin = fields.TEXT(analyzer=exact, stored=False, phrase=False)  # type: ignore[arg-type]
        twin.format = NewsFrequency(field_boost=1.0)
        spec[exact_field(name)] = twin
    return fields.Schema(**spec)
