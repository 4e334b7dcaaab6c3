"""newssearch: German-aware full-text search for news archives, built on Whoosh.

>>> from newssearch import build_index, read_articles, search   # doctest: +SKIP
>>> index, _ = build_index("index/news", read_articles(["news.jsonl"]).articles)  # doctest: +SKIP
>>> search(index, "Sicherheitsgarantien Ukraine").hits[0].title  # doctest: +SKIP
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from newssearch.analysis import AnalyzedToken, analyze, german_analyzer
    from newssearch.article import Article
    from newssearch.config import (
        AnalyzerConfig,
        FieldBoosts,
        IndexSettings,
        QueryLimits,
        Ranking,
        RecencyBoost,
        default_index_path,
    )
    from newssearch.errors import (
        AnalyzerError,
        BenchmarkError,
        IndexExistsError,
        IndexNotFoundError,
        IndexStateError,
        IndexWriteError,
        InputError,
        NewsSearchError,
        QueryError,
    )
    from newssearch.highlight import Fragment, render_ansi, render_html, render_plain
    from newssearch.index import (
        IndexStats,
        NewsIndex,
        UpdateReport,
        build_index,
        create_index,
        index_exists,
        open_index,
    )
    from newssearch.loaders import CsvOptions, LoadReport, read_articles
    from newssearch.results import Highlights, Hit, SearchResult
    from newssearch.sample import sample_articles
    from newssearch.searcher import Searcher, search

__version__ = "0.1.0"

#: Where each public name is defined: imported on first use, so that
#: ``import newssearch`` (and ``newssearch --version``) loads nothing else.
_EXPORTS: dict[str, str] = {
    "AnalyzedToken": "newssearch.analysis",
    "AnalyzerConfig": "newssearch.config",
    "AnalyzerError": "newssearch.errors",
    "Article": "newssearch.article",
    "BenchmarkError": "newssearch.errors",
    "CsvOptions": "newssearch.loaders",
    "FieldBoosts": "newssearch.config",
    "Fragment": "newssearch.highlight",
    "Highlights": "newssearch.results",
    "Hit": "newssearch.results",
    "IndexExistsError": "newssearch.errors",
    "IndexNotFoundError": "newssearch.errors",
    "IndexSettings": "newssearch.config",
    "IndexStateError": "newssearch.errors",
    "IndexStats": "newssearch.index",
    "IndexWriteError": "newssearch.errors",
    "InputError": "newssearch.errors",
    "LoadReport": "newssearch.loaders",
    "NewsIndex": "newssearch.index",
    "NewsSearchError": "newssearch.errors",
    "QueryError": "newssearch.errors",
    "QueryLimits": "newssearch.config",
    "RecencyBoost": "newssearch.config",
    "Ranking": "newssearch.config",
    "SearchResult": "newssearch.results",
    "Searcher": "newssearch.searcher",
    "UpdateReport": "newssearch.index",
    "analyze": "newssearch.analysis",
    "build_index": "newssearch.index",
    "default_index_path": "newssearch.config",
    "create_index": "newssearch.index",
    "german_analyzer": "newssearch.analysis",
    "index_exists": "newssearch.index",
    "open_index": "newssearch.index",
    "read_articles": "newssearch.loaders",
    "render_ansi": "newssearch.highlight",
    "render_html": "newssearch.highlight",
    "render_plain": "newssearch.highlight",
    "sample_articles": "newssearch.sample",
    "search": "newssearch.searcher",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'newssearch' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # later lookups find it without coming here
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "AnalyzedToken",
    "AnalyzerConfig",
    "AnalyzerError",
    "Article",
    "BenchmarkError",
    "CsvOptions",
    "FieldBoosts",
    "Fragment",
    "Highlights",
    "Hit",
    "IndexExistsError",
    "IndexNotFoundError",
    "IndexSettings",
    "IndexStateError",
    "IndexStats",
    "IndexWriteError",
    "InputError",
    "LoadReport",
    "NewsIndex",
    "NewsSearchError",
    "QueryError",
    "QueryLimits",
    "Ranking",
    "RecencyBoost",
    "SearchResult",
    "Searcher",
    "UpdateReport",
    "__version__",
    "analyze",
    "build_index",
    "create_index",
    "default_index_path",
    "german_analyzer",
    "index_exists",
    "open_index",
    "read_articles",
    "render_ansi",
    "render_html",
    "render_plain",
    "sample_articles",
    "search",
]
