"""The in-memory inversion writes Whoosh's own segment format, and one analysis
feeds a text field and its twins with exactly their own postings."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from whoosh import index as whoosh_index
from whoosh import writing
from whoosh.codec import whoosh3
from whoosh.filedb.filestore import RamStorage

from newssearch import Article, build_index, create_index, open_index
from newssearch.analysis import exact_analyzer, german_analyzer, stopword_analyzer
from newssearch.config import AnalyzerConfig, IndexSettings
from newssearch.engine import inversion
from newssearch.engine.documents import to_document
from newssearch.engine.inversion import InvertingPool, text_twin_terms, text_twins
from newssearch.engine.schema import build_schema
from newssearch.sample import sample_articles

Postings = dict[tuple[str, bytes], tuple[list[tuple[Any, ...]], tuple[Any, ...]]]


#: The settings of these indexes: the defaults without stories.
PLAIN = IndexSettings(stories=False)


def _postings(path: Path, *, by_id: bool = False) -> Postings:
    """Every term's postings (document, weight, value) and statistics, read by a
    stock Whoosh ``open_dir`` (which unpickles the schema and segments itself);
    with ``by_id``, postings name the article id instead of the document number
    and only the statistics that do not depend on segments are kept."""
    ix = whoosh_index.open_dir(str(path), indexname="newssearch")
    out: Postings = {}
    with ix.reader() as reader:
        ids = {n: stored["id"] for n, stored in reader.iter_docs()}
        for field in reader.indexed_field_names():
            for term in reader.lexicon(field):
                matcher = reader.postings(field, term)
                items = []
                while matcher.is_active():
                    docnum = ids[matcher.id()] if by_id else matcher.id()
                    items.append((docnum, matcher.weight(), matcher.value()))
                    matcher.next()
                info = reader.term_info(field, term)
                stats: tuple[Any, ...] = (info.weight(), info.doc_frequency())
                if not by_id:
                    stats += (info.min_length(), info.max_length(), info.max_weight())
                out[(field, term)] = (sorted(items), stats)
    ix.close()
    return out


def _stock_build(path: Path, batches: list[list[Article]], deletes: tuple[str, ...] = ()) -> None:
    """The same index written by Whoosh's own writer (its external-sort pool, its
    ``add_document``), batch by batch, each batch a commit of updates.  Without
    story labels, which depend on the index an update meets (they are postings of
    an ID field like ``id``)."""
    settings = PLAIN
    schema = build_schema(settings)
    path.mkdir()
    ix = whoosh_index.create_in(str(path), schema, indexname="newssearch")
    for batch in batches:
        writer = writing.SegmentWriter(ix)
        for article in batch:
            writer.update_document(**to_document(article))
        writer.commit()
    if deletes:
        writer = writing.SegmentWriter(ix)
        for doc_id in deletes:
            writer.delete_by_term("id", doc_id)
        writer.commit()
    ix.close()


@pytest.fixture(scope="module")
def articles() -> list[Article]:
    return list(sample_articles()[:40])


def test_stock_whoosh_reads_our_index_with_the_postings_its_own_writer_writes(
    tmp_path: Path, articles: list[Article]
) -> None:
    ours = tmp_path / "ours"
    build_index(ours, articles, procs=1, settings=PLAIN)[0].close()
    stock = tmp_path / "stock"
    _stock_build(stock, [articles])
    got, want = _postings(ours), _postings(stock)
    assert len(got) > 5_000
    assert got == want


def _segment_files(path: Path) -> dict[str, bytes]:
    """The term table and postings file of the one segment at ``path``."""
    ix = whoosh_index.open_dir(str(path), indexname="newssearch")
    (segment,) = ix._segments()
    storage = segment.open_compound_file(ix.storage)
    out = {}
    for ext in (".trm", ".pst"):
        f = storage.open_file(segment.make_filename(ext))
        out[ext] = f.read()
        f.close()
    storage.close()
    ix.close()
    return out


@pytest.mark.parametrize("count", [40, 300])
def test_our_term_writer_writes_the_bytes_of_whooshs_own(
    tmp_path: Path, count: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not just the same postings: the same term table and postings file, byte for
    byte, as Whoosh's ``add_posting``/``finish_term`` write from the same pool
    (``_TermWriter`` against ``FieldWriter.add_postings``, blocks compressed from
    the same size on); 300 articles give terms of several blocks."""
    articles = list(sample_articles()[:count])
    ours = tmp_path / "ours"
    build_index(ours, articles, procs=1, settings=PLAIN)[0].close()

    def whooshs(
        pool: InvertingPool, fieldwriter: Any, schema: Any, lengths: Any, doccount: int
    ) -> None:
        fieldwriter.add_postings(schema, lengths, pool.iter_postings())

    monkeypatch.setattr(InvertingPool, "write", whooshs)
    # Whoosh's writer with our threshold of compressing a block; the rest as it is.
    monkeypatch.setattr(whoosh3, "COMPRESSION_MIN_SIZE", inversion.COMPRESSED_MIN)
    stock = tmp_path / "stock"
    build_index(stock, articles, procs=1, settings=PLAIN)[0].close()
    got, want = _segment_files(ours), _segment_files(stock)
    assert len(got[".pst"]) > 100_000
    assert got == want


def test_updates_merges_and_deletes_give_the_postings_of_whooshs_writer(
    tmp_path: Path, articles: list[Article]
) -> None:
    first, second = articles[:20], articles[15:35]  # 5 articles replaced
    second = [
        Article(id=a.id, title=f"{a.title} (aktualisiert)", body=a.body, section=a.section)
        for a in second
    ]
    deletes = tuple(a.id for a in articles[:3])
    ours = tmp_path / "ours"
    with build_index(ours, first, procs=1, settings=PLAIN)[0] as ix:
        ix.update(second, procs=1)
        assert ix.delete(deletes) == 3
    stock = tmp_path / "stock"
    _stock_build(stock, [first, second], deletes)
    assert _postings(ours) == _postings(stock)
    with open_index(ours) as ix:
        assert ix.doc_count() == 32


def test_the_parallel_writer_gives_the_same_postings_per_article(
    tmp_path: Path, articles: list[Article]
) -> None:
    ours = tmp_path / "ours"
    with create_index(ours, settings=PLAIN) as ix:
        writer = ix.store.writer(procs=2, batchsize=10)  # jobs of 10 articles: both work
        for article in articles:
            writer.add_document(**to_document(article))
        writer.commit()
        assert ix.store.segment_count() == 2
    stock = tmp_path / "stock"
    _stock_build(stock, [articles])
    assert _postings(ours, by_id=True) == _postings(stock, by_id=True)


def test_postings_beyond_the_memory_limit_go_to_runs_and_come_back_merged(
    tmp_path: Path, articles: list[Article]
) -> None:
    # limitmb=0: every document's postings pass the limit and go to a run file.
    ours = tmp_path / "ours"
    with build_index(ours, articles[:20], procs=1, settings=PLAIN)[0] as ix:
        ix.update(articles[20:30], limitmb=0, procs=1)
    stock = tmp_path / "stock"
    _stock_build(stock, [articles[:20], articles[20:30]])
    assert _postings(ours) == _postings(stock)


def test_the_pool_merges_runs_term_by_term_in_document_order() -> None:
    storage = RamStorage()
    spilled = InvertingPool(storage, limit=0)
    kept = InvertingPool(storage, limit=1 << 30)
    postings = [
        ("body", b"b", 0, 1.0, b"x"),
        ("body", b"a", 0, 2.0, b""),
        ("title", b"a", 1, 1.0, b"y"),
        ("body", b"b", 2, 1.0, b"z"),
        ("body", b"a", 3, 1.0, b""),
    ]
    for item in postings:
        spilled.add(item)
        kept.add(item)
    assert len(spilled.runs) == 5 and not kept.runs
    want = sorted(postings)
    assert list(spilled.iter_postings()) == want
    assert list(kept.iter_postings()) == want
    spilled.cleanup()
    assert spilled.runs == [] and storage.list() == []


def test_a_term_added_both_ways_has_one_list_in_document_order() -> None:
    """A writer merging segments adds their postings through ``add`` (Whoosh's
    pool API) and new articles' through ``add_terms``: one term, one list."""
    pool = InvertingPool(RamStorage(), limit=1 << 30)
    codes: dict[int, bytes] = {}
    for docnum in (0, 2):
        terms = inversion.FieldTerms({"haus": 1, "maus": 2})
        pool.add_terms("body_exact", docnum, terms, boost=1.0, scorable=True, codes=codes)
    pool.add(("body_exact", b"haus", 1, 3.0, inversion.pack_uint(3)))
    got = [(p[1], p[2], p[3]) for p in pool.iter_postings()]
    haus = [(b"haus", 0, 1.0), (b"haus", 1, 3.0), (b"haus", 2, 1.0)]
    assert got == [*haus, (b"maus", 0, 2.0), (b"maus", 2, 2.0)]


def test_postings_added_out_of_document_order_are_written_in_order() -> None:
    pool = InvertingPool(RamStorage(), limit=1 << 30)
    for docnum in (5, 2, 9):
        pool.add(("body", b"t", docnum, 1.0, b""))
    assert [p[2] for p in pool.iter_postings()] == [2, 5, 9]


def _check_twin_items(articles: Iterable[Article]) -> None:
    schema = build_schema(IndexSettings())
    twins = text_twins(schema)
    assert {(t.name, t.exact, t.stop) for t in twins} == {
        (n, f"{n}_exact", f"{n}_stop") for n in ("title", "lead", "body")
    }
    # One pool fed from one analysis per text, one from each field's Field.index
    # items (Whoosh's way): the same postings and field lengths, the same memory
    # estimate.  A boost other than 1 and the one-position values memoised across
    # articles, as a writer keeps them.
    ours = InvertingPool(RamStorage(), limit=1 << 40)
    whooshs = InvertingPool(RamStorage(), limit=1 << 40)
    codes: dict[int, bytes] = {}
    for docnum, article in enumerate(articles):
        doc = to_document(article)
        analysed = text_twin_terms(twins, schema, doc)
        assert set(analysed) == {n for n in doc if n.split("_")[0] in ("title", "lead", "body")}
        for name, terms in analysed.items():
            field = schema[name]
            boost = 1.5 if docnum % 2 else 1.0
            got = ours.add_terms(
                name, docnum, terms, boost=boost, scorable=field.scorable, codes=codes
            )
            items = list(field.index(doc[name]))
            want = whooshs.add_field(name, docnum, items, boost, field.scorable)
            assert got == want, (article.id, name)
    assert list(ours.iter_postings()) == list(whooshs.iter_postings())
    assert ours._size == whooshs._size


def _check_index_terms(articles: Iterable[Article]) -> None:
    for config in (AnalyzerConfig(), AnalyzerConfig(stopwords=False)):
        full, exact, stops = (
            german_analyzer(config),
            exact_analyzer(config),
            stopword_analyzer(config),
        )
        for article in articles:
            for text in (article.title, article.lead, article.body):
                positions, exact_counts, stop_counts = full.index_terms(text)
                assert positions == full.term_positions(text)
                assert exact_counts == Counter(t.text for t in exact(text, mode="index"))
                if config.stopwords:  # else there are no stopword twins
                    assert stop_counts == Counter(t.text for t in stops(text, mode="index"))
                else:
                    assert stop_counts == {}


def test_one_analysis_gives_each_field_and_twin_its_own_postings() -> None:
    _check_twin_items(sample_articles()[:40])


def test_index_terms_equals_the_three_analyzers() -> None:
    _check_index_terms(sample_articles()[:40])


@pytest.mark.slow
def test_one_analysis_gives_each_field_and_twin_its_own_postings_on_the_corpus() -> None:
    _check_twin_items(sample_articles())


@pytest.mark.slow
def test_index_terms_equals_the_three_analyzers_on_the_corpus() -> None:
    _check_index_terms(sample_articles())


def test_twins_given_another_text_are_analysed_on_their_own() -> None:
    schema = build_schema(IndexSettings())
    doc = {"body": "Die Häuser der Stadt", "body_exact": "Andere Wörter", "body_stop": "und"}
    analysed = text_twin_terms(text_twins(schema), schema, doc)
    assert set(analysed) == {"body"}


def test_index_terms_is_the_full_chains_only() -> None:
    with pytest.raises(ValueError, match="full chain"):
        exact_analyzer().index_terms("Text")


@pytest.mark.slow
def test_adding_a_huge_article_costs_time_linear_in_its_size(tmp_path: Path) -> None:
    # An archive dump gone wrong: the bundled bodies over and over.
    text = " ".join(a.body for a in sample_articles()[:200])

    def dump(n: int, times: int) -> Article:
        return Article(id=f"dump-{n}", title="Archivdump", body=" ".join([text] * times))

    def cpu_seconds(article: Article) -> float:
        started = time.process_time()
        index.update([article], procs=1)
        return time.process_time() - started

    with create_index(tmp_path / "ix") as index:
        cpu_seconds(dump(0, 1))  # every distinct word analysed once
        small = cpu_seconds(dump(1, 2))
        large = cpu_seconds(dump(2, 16))  # about 7 MB
        assert index.doc_count() == 3
    assert large < 12 * small  # 8 times the text: linear, with room for noise
    assert large < 30  # seconds of CPU (about 5 on an idle 2-core machine)


def test_run_records_bounded_by_postings_merge_to_the_same_postings(
    tmp_path: Path, articles: list[Article], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Records of a few postings each: a common word's postings span many records.
    monkeypatch.setattr(inversion, "_RUN_RECORD_POSTINGS", 5)
    saved = []
    monkeypatch.setattr(InvertingPool, "save", _counting(InvertingPool.save, saved))
    ours = tmp_path / "ours"
    with build_index(ours, articles[:10], procs=1, settings=PLAIN)[0] as ix:
        ix.update(articles[10:40], limitmb=1, procs=1)  # runs of several articles
    assert len(saved) >= 2
    stock = tmp_path / "stock"
    _stock_build(stock, [articles[:10], articles[10:40]])
    assert _postings(ours) == _postings(stock)


def _counting(method: Any, calls: list[object]) -> Any:
    def counted(self: Any) -> None:
        calls.append(self)
        method(self)

    return counted
