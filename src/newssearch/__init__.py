"""newssearch: German-aware full-text search for news archives, built on Whoosh.

>>> from newssearch import build_index, read_articles, search   # doctest: +SKIP
>>> index, _ = build_index("index/news", read_articles(["news.jsonl"]).articles)  # doctest: +SKIP
>>> search(index, "Sicherheitsgarantien Ukraine").hits[0].title  # doctest: +SKIP
"""

from newssearch.analysis import AnalyzedToken, analyze, german_analyzer
from newssearch.article import Article
from newssearch.config import AnalyzerConfig, FieldBoosts, IndexSettings, QueryLimits, Ranking
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
    DEFAULT_INDEX_DIR,
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
from newssearch.search import Searcher, search

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_INDEX_DIR",
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
    "SearchResult",
    "Searcher",
    "UpdateReport",
    "__version__",
    "analyze",
    "build_index",
    "create_index",
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
