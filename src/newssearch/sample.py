"""The bundled sample corpus: 1,028 German news articles from 10kGNAD (CC BY-NC-SA 4.0)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from newssearch.article import Article
from newssearch.loaders import read_articles

__all__ = ["sample_articles", "sample_corpus_path"]


@contextmanager
def sample_corpus_path() -> Iterator[Path]:
    """The path of the bundled 10kGNAD file (``articles.csv``), as a context manager."""
    with resources.as_file(
        resources.files("newssearch").joinpath("data/10kgnad/articles.csv")
    ) as path:
        yield path


def sample_articles() -> tuple[Article, ...]:
    """The bundled articles, ids ``articles-<line>``, teaser as lead, category as section."""
    with sample_corpus_path() as path:
        return read_articles([path], format="10kgnad").articles
