"""Settings and mappings of an exported index (the ``index.json`` of an export).

Text fields use the ``german`` analyzer and carry an ``exact`` sub-field (the
``_exact`` twins' analysis: no stemming, no compound parts), which the
exact-form boost and prefix queries read.  Keyword fields hold their values
as written (terms aggregations show them so) and a ``folded`` sub-field,
lowercase and German-normalised, that filters match on (ours compare values
folded: ``Mueller`` finds *Müller*).  Scores are BM25 with the index's
``k1``/``b``; the field boosts and the rest of the ranking go into the
queries (:func:`~newssearch.opensearch.to_query_dsl`) and are recorded in
the mapping's ``_meta``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from newssearch.article import ARTICLE_FIELDS, role_of
from newssearch.config import FORMAT_VERSION, IndexSettings
from newssearch.opensearch.analysis import (
    ANALYZER,
    EXACT_ANALYZER,
    ChainRules,
    DecompounderWords,
    analysis_settings,
)

__all__ = ["EXACT", "FOLDED", "STORY_FIELD", "index_definition", "iso_date"]

#: The sub-field of a text field with the exact analysis (``title.exact``).
EXACT = "exact"
#: The sub-field of a keyword field that filters compare (``section.folded``).
FOLDED = "folded"
#: The field holding an article's story (wire-copy cluster) label.
STORY_FIELD = "story"
#: The normalizer of ``folded`` sub-fields.
_FOLD = "folded"


def index_definition(
    settings: IndexSettings,
    words: DecompounderWords | None = None,
    *,
    rules: ChainRules | None = None,
) -> dict[str, Any]:
    """The body of ``PUT /<index>`` for an index built with ``settings``.

    ``rules`` (compound parts and stems read off the index's words) and
    ``words`` (a decompounder's list) are as :func:`analysis_settings` takes
    them; an index that splits compounds needs at least one.
    """
    properties: dict[str, Any] = {}
    for name in ARTICLE_FIELDS:
        role = role_of(name)
        if role == "id":
            properties[name] = {"type": "keyword"}
        elif role == "text":
            properties[name] = {
                "type": "text",
                "analyzer": ANALYZER,
                "fields": {EXACT: {"type": "text", "analyzer": EXACT_ANALYZER}},
            }
        elif role == "date":
            properties[name] = {"type": "date", "format": "strict_date_optional_time"}
        elif role in ("keyword", "keywords"):
            properties[name] = {
                "type": "keyword",
                "fields": {FOLDED: {"type": "keyword", "normalizer": _FOLD}},
            }
        else:  # shown only
            properties[name] = {"type": "keyword", "index": False, "doc_values": False}
    if settings.stories:
        properties[STORY_FIELD] = {"type": "keyword"}
    ranking = settings.ranking
    analysis = analysis_settings(settings.analyzer, words, rules=rules)
    analysis["normalizer"] = {
        _FOLD: {
            "type": "custom",
            "filter": ["lowercase", "german_normalization"],
        }
    }
    return {
        "settings": {
            "index": {
                "similarity": {
                    "default": {
                        "type": "BM25",
                        "k1": ranking.k1,
                        "b": ranking.b,
                        # Ours counts a word's compound parts in its field's
                        # length; Lucene leaves stacked tokens out unless told.
                        "discount_overlaps": False,
                    }
                },
            },
            "analysis": analysis,
        },
        "mappings": {
            "dynamic": "strict",
            "_meta": {
                "newssearch": {
                    "format_version": FORMAT_VERSION,
                    **settings.to_json(),
                }
            },
            "properties": properties,
        },
    }


def iso_date(moment: datetime) -> str:
    """``moment`` as the ``published`` field and range queries hold it: ISO 8601 in UTC.

    >>> from datetime import timedelta, timezone
    >>> iso_date(datetime(2016, 3, 1, 13, tzinfo=timezone(timedelta(hours=1))))
    '2016-03-01T12:00:00Z'
    """
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
