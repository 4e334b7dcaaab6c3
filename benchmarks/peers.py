"""Other search engines, each in its best German setup, behind one small interface.

The quality benchmark (``quality.py``) indexes the same articles into every
engine and asks each the same questions.  An engine indexes the title, lead and
body of :class:`newssearch.article.Article` records and returns document ids,
best first.  Where an engine has field weights, the fields are weighted like
newssearch's defaults (title 3, lead 2, body 1).

Every engine here is deterministic: the same documents and query give the same
ranking, ties broken by the order in which the documents were indexed.

Each query is taken as a user types it into a search box (often a question),
so query-language characters are stripped and the words are OR-ed.
"""

from __future__ import annotations

import re
import sqlite3
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from newssearch.article import Article

__all__ = [
    "FIELD_WEIGHTS",
    "BM25sDE",
    "Engine",
    "NewsSearchEngine",
    "SQLiteFTS5",
    "TantivyDE",
    "WhooshDE",
]

#: Field weights of newssearch's defaults (``newssearch.schema.FieldBoosts``).
FIELD_WEIGHTS: Mapping[str, float] = {"title": 3.0, "lead": 2.0, "body": 1.0}
_FIELDS = tuple(FIELD_WEIGHTS)

# Letters and digits only: "_" is a separator for FTS5's unicode61 and tantivy's
# simple tokenizer, and dropping everything else removes all query syntax.
_WORD = re.compile(r"[^\W_]+")
# Whoosh's own default token pattern, so "1.5" and "z.B" stay one token as in the index.
_WHOOSH_WORD = re.compile(r"\w+(?:\.?\w+)*")


class Engine(Protocol):
    """A search engine under test: index once, then answer queries."""

    name: str

    def index(self, docs: Sequence[Article]) -> None:
        """Index ``docs`` (called once, before any search)."""

    def search(self, text: str, k: int) -> list[str]:
        """The ids of at most ``k`` documents matching ``text``, best first."""
        ...


def _fields(doc: Article) -> dict[str, str]:
    return {name: getattr(doc, name) or "" for name in _FIELDS}


class WhooshDE:
    """Plain Whoosh as its documentation suggests for German.

    ``LanguageAnalyzer("de")`` (regex tokenizer, lowercase, Whoosh's German
    stopwords, Snowball German stemmer) on title, lead and body; BM25F with
    Whoosh's defaults (B=0.75, K1=1.2); a ``MultifieldParser`` over the three
    fields with field boosts 3/2/1 and an OR group.  ``OrGroup.factory(0.9)``
    is the grouping Whoosh's documentation recommends for OR queries (and the
    one newssearch uses), so documents matching more distinct words rank higher.
    """

    def __init__(self, *, name: str = "whoosh-de", or_factor: float | None = 0.9) -> None:
        self.name = name
        self._or_factor = or_factor
        self._searcher: Any = None
        self._parser: Any = None

    def index(self, docs: Sequence[Article]) -> None:
        from whoosh import fields, scoring
        from whoosh.analysis.analyzers import LanguageAnalyzer
        from whoosh.filedb import filestore
        from whoosh.qparser.default import MultifieldParser
        from whoosh.qparser.syntax import OrGroup

        analyzer = LanguageAnalyzer("de")
        schema = fields.Schema(
            id=fields.ID(stored=True),
            **{name: fields.TEXT(analyzer=analyzer) for name in _FIELDS},
        )
        storage: Any = filestore.RamStorage
        ix = storage().create_index(schema)
        writer = ix.writer()
        for doc in docs:
            writer.add_document(id=doc.id, **_fields(doc))
        writer.commit()
        self._searcher = ix.searcher(weighting=scoring.BM25F())
        or_group: Any = OrGroup
        group = or_group if self._or_factor is None else or_group.factory(self._or_factor)
        self._parser = MultifieldParser(
            list(_FIELDS), schema, fieldboosts=dict(FIELD_WEIGHTS), group=group
        )

    def search(self, text: str, k: int) -> list[str]:
        # Lowercased so that AND/OR/NOT in a question are words, not operators.
        words = _WHOOSH_WORD.findall(text.lower())
        if not words:
            return []
        q = self._parser.parse(" ".join(words))
        return [hit["id"] for hit in self._searcher.search(q, limit=k)]

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()


class SQLiteFTS5:
    """SQLite's FTS5 from the standard library.

    ``tokenize='unicode61 remove_diacritics 2'`` (case and accent folding; FTS5
    has no German stemmer or stopwords), ``bm25()`` with column weights 3/2/1,
    and an OR query of the quoted query words.
    """

    def __init__(self, *, name: str = "sqlite-fts5") -> None:
        self.name = name
        self._db = sqlite3.connect(":memory:")
        self._ids: list[str] = []

    def index(self, docs: Sequence[Article]) -> None:
        columns = ", ".join(_FIELDS)
        self._db.execute(
            f"CREATE VIRTUAL TABLE docs USING fts5({columns}, "
            "tokenize='unicode61 remove_diacritics 2')"
        )
        self._ids = [doc.id for doc in docs]
        self._db.executemany(
            f"INSERT INTO docs(rowid, {columns}) VALUES (?, {', '.join('?' * len(_FIELDS))})",
            ((i, *_fields(doc).values()) for i, doc in enumerate(docs)),
        )
        self._db.commit()

    def search(self, text: str, k: int) -> list[str]:
        words = _WORD.findall(text)
        if not words:
            return []
        match = " OR ".join('"' + w.replace('"', '""') + '"' for w in words)
        weights = ", ".join(str(FIELD_WEIGHTS[f]) for f in _FIELDS)
        rows = self._db.execute(
            f"SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY bm25(docs, {weights}), rowid "
            "LIMIT ?",
            (match, k),
        ).fetchall()
        return [self._ids[rowid] for (rowid,) in rows]

    def close(self) -> None:
        self._db.close()


class BM25sDE:
    """bm25s with PyStemmer's German Snowball stemmer and bm25s's German stopwords.

    bm25s indexes one text per document, so field weights become repetition:
    the title three times, the lead twice, the body once (``title_repeat=1``
    gives plain title + body).  BM25 "lucene" variant, k1=1.5, b=0.75 (the
    bm25s defaults).  Ties go to the earlier document (stable sort of the
    full score vector).
    """

    def __init__(self, *, name: str = "bm25s-de", weighted: bool = True) -> None:
        self.name = name
        self._weighted = weighted
        self._retriever: Any = None
        self._stemmer: Any = None
        self._ids: list[str] = []

    def _tokenize(self, texts: list[str]) -> list[list[str]]:
        import bm25s

        tokens: list[list[str]] = bm25s.tokenize(
            texts,
            stopwords="de",
            stemmer=self._stemmer,
            return_ids=False,
            show_progress=False,
        )
        return tokens

    def index(self, docs: Sequence[Article]) -> None:
        import bm25s
        import Stemmer

        self._stemmer = Stemmer.Stemmer("german")
        repeat = {name: int(w) if self._weighted else 1 for name, w in FIELD_WEIGHTS.items()}
        texts = [
            "\n".join(
                value for name, value in _fields(doc).items() for _ in range(repeat[name]) if value
            )
            for doc in docs
        ]
        self._ids = [doc.id for doc in docs]
        self._retriever = bm25s.BM25()
        self._retriever.index(self._tokenize(texts), show_progress=False)

    def search(self, text: str, k: int) -> list[str]:
        import numpy as np

        tokens = self._tokenize([text])[0]
        known = self._retriever.get_tokens_ids(tokens)
        if not known:
            return []
        scores = self._retriever.get_scores_from_ids(known)
        order = np.argsort(-scores, kind="stable")[:k]
        return [self._ids[i] for i in order if scores[i] > 0]

    def close(self) -> None:
        self._retriever = None


class TantivyDE:
    """tantivy-py with a German analyzer registered as ``de_stem``.

    Simple tokenizer → remove tokens over 40 bytes → lowercase → Snowball
    German stemmer: tantivy's own ``en_stem`` chain with the German stemmer
    (``stopwords=True`` adds tantivy's German stopword filter before stemming).
    Title, lead and body are searched through ``parse_query`` with
    ``field_boosts`` 3/2/1 and OR as the default
    conjunction; BM25 with tantivy's defaults (k1=1.2, b=0.75).  One writer
    thread, so documents keep their order and ties break the same way each run.
    """

    def __init__(self, *, name: str = "tantivy-de", stopwords: bool = False) -> None:
        self.name = name
        self._stopwords = stopwords
        self._index: Any = None
        self._searcher: Any = None

    def index(self, docs: Sequence[Article]) -> None:
        import tantivy
        from tantivy import Filter, TextAnalyzerBuilder, Tokenizer

        builder = TextAnalyzerBuilder(Tokenizer.simple()).filter(Filter.remove_long(40))
        builder = builder.filter(Filter.lowercase())
        if self._stopwords:
            builder = builder.filter(Filter.stopword("german"))
        analyzer = builder.filter(Filter.stemmer("german")).build()

        schema_builder = tantivy.SchemaBuilder()
        schema_builder.add_text_field("id", stored=True, tokenizer_name="raw")
        for name in _FIELDS:
            schema_builder.add_text_field(name, stored=False, tokenizer_name="de_stem")
        self._index = tantivy.Index(schema_builder.build())  # in RAM
        self._index.register_tokenizer("de_stem", analyzer)
        writer = self._index.writer(num_threads=1)
        for doc in docs:
            writer.add_document(tantivy.Document(id=doc.id, **_fields(doc)))
        writer.commit()
        writer.wait_merging_threads()
        self._index.reload()
        self._searcher = self._index.searcher()

    def search(self, text: str, k: int) -> list[str]:
        # Lowercased words only: no AND/OR/NOT/IN operators, no +-^:"()[]{}~*\ syntax.
        words = _WORD.findall(text.lower())
        if not words:
            return []
        q = self._index.parse_query(
            " ".join(words), default_field_names=list(_FIELDS), field_boosts=dict(FIELD_WEIGHTS)
        )
        hits = self._searcher.search(q, limit=k).hits
        return [self._searcher.doc(address).get_first("id") for _, address in hits]

    def close(self) -> None:
        self._searcher = None
        self._index = None


class NewsSearchEngine:
    """newssearch itself: ``build_index`` then ``Searcher.search(text, highlight=False)``.

    ``settings`` is the JSON form of :class:`newssearch.config.IndexSettings`
    (``{"analyzer": {...}, "boosts": {...}}``), so that ablations are plain data.
    """

    def __init__(
        self, *, name: str = "newssearch", settings: Mapping[str, Any] | None = None
    ) -> None:
        self.name = name
        self._settings = dict(settings or {})
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._index: Any = None
        self._searcher: Any = None

    def index(self, docs: Sequence[Article]) -> None:
        from newssearch.config import IndexSettings
        from newssearch.index import build_index
        from newssearch.searcher import Searcher

        settings = IndexSettings.from_json(self._settings)
        self._tmp = tempfile.TemporaryDirectory(prefix="peers-newssearch-")
        self._index, _ = build_index(
            Path(self._tmp.name) / "index", docs, settings=settings, overwrite=True
        )
        self._searcher = Searcher(self._index)

    def search(self, text: str, k: int) -> list[str]:
        from newssearch.errors import QueryError

        try:
            result = self._searcher.search(text, limit=k, highlight=False)
        except QueryError:  # e.g. a query of stopwords or punctuation only
            return []
        return [hit.id for hit in result.hits]

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        if self._index is not None:
            self._index.close()
            self._index = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
