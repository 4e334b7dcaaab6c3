"""Moving to OpenSearch/Elasticsearch: the export of an index and the query translation.

- :func:`export_opensearch` writes ``index.json`` (settings and mappings: the
  German analysis chain from Lucene's built-in components, BM25, the fields),
  ``articles.ndjson`` (the ``_bulk`` body) and ``README.txt`` (the ``curl``
  commands that load them);
- :func:`to_query_dsl` turns a query of our language into a ``_search`` body.

Nothing else in newssearch imports this package.
"""

from __future__ import annotations

from newssearch.opensearch.analysis import (
    ChainRules,
    ChainRulesCollector,
    DecompounderWords,
    analysis_settings,
    chain_rules,
    decompounder_words,
)
from newssearch.opensearch.dsl import to_query_dsl
from newssearch.opensearch.export import ExportSummary, bulk_lines, export_opensearch
from newssearch.opensearch.mapping import index_definition

__all__ = [
    "ChainRules",
    "ChainRulesCollector",
    "DecompounderWords",
    "ExportSummary",
    "analysis_settings",
    "bulk_lines",
    "chain_rules",
    "decompounder_words",
    "export_opensearch",
    "index_definition",
    "to_query_dsl",
]
