"""The quality benchmark's parts: metrics with hand-computed values, run and
judgement files, the peer engines, and a ranking floor for newssearch itself."""

from __future__ import annotations

import importlib
import math
from pathlib import Path
from typing import Any

import pytest

from newssearch.article import Article
from newssearch.errors import InputError
from newssearch.evaluate import (
    Collection,
    evaluate_run,
    load_collection,
    read_qrels,
    run_newssearch,
    write_trec_run,
)

ROOT = Path(__file__).resolve().parents[1]
XQUAD = ROOT / "benchmarks" / "data" / "xquad-de-dev"

# newssearch's MRR@10 on the 20-query subset below is 0.929 (measured 2026-11-25
# with the default settings); the floor sits about one lost query below it, so
# that a real ranking regression fails the test.
NEWSSEARCH_SUBSET_MRR_FLOOR = 0.87


def test_mrr_is_the_mean_reciprocal_rank_of_the_first_relevant_hit() -> None:
    run = {"q1": ["a", "b", "c"], "q2": ["x", "y", "z"], "q3": ["m"]}
    qrels = {"q1": {"b": 1}, "q2": {"z": 1}, "q3": {"n": 1}}
    assert evaluate_run(run, qrels).mrr_at_10 == pytest.approx((1 / 2 + 1 / 3 + 0) / 3)


def test_mrr_ignores_a_relevant_hit_below_rank_ten_but_recall_counts_it() -> None:
    ranked = [f"d{i}" for i in range(1, 51)]
    metrics = evaluate_run({"q": ranked}, {"q": {"d11": 1}})
    assert metrics.mrr_at_10 == 0.0
    assert metrics.recall_at_10 == 0.0
    assert metrics.recall_at_100 == 1.0


def test_ndcg_uses_graded_gains_and_the_ideal_order() -> None:
    # Gains 2^g - 1: "a" (grade 2) is worth 3, "b" (grade 1) is worth 1.
    metrics = evaluate_run({"q": ["b", "c", "a"]}, {"q": {"a": 2, "b": 1}})
    dcg = 1 / math.log2(2) + 3 / math.log2(4)
    ideal = 3 / math.log2(2) + 1 / math.log2(3)
    assert metrics.ndcg_at_10 == pytest.approx(dcg / ideal)
    assert metrics.ndcg_at_10 == pytest.approx(0.688529, abs=1e-6)


def test_recall_is_the_share_of_relevant_documents_found_by_rank_k() -> None:
    ranked = ["r1"] + [f"n{i}" for i in range(48)] + ["r2"]  # r2 at rank 50
    metrics = evaluate_run({"q": ranked}, {"q": {"r1": 1, "r2": 1, "r3": 1}})
    assert metrics.recall_at_1 == pytest.approx(1 / 3)
    assert metrics.recall_at_10 == pytest.approx(1 / 3)
    assert metrics.recall_at_100 == pytest.approx(2 / 3)


def test_grade_zero_is_not_relevant_and_unjudged_queries_do_not_count() -> None:
    run = {"q": ["n", "a"], "unjudged": ["a"], "only-zero": ["a"]}
    qrels = {"q": {"a": 1, "n": 0}, "only-zero": {"a": 0}}
    metrics = evaluate_run(run, qrels)
    assert metrics.queries == 1
    assert metrics.mrr_at_10 == 0.5


def test_a_judged_query_missing_from_the_run_scores_zero() -> None:
    metrics = evaluate_run({"q1": ["a"]}, {"q1": {"a": 1}, "q2": {"b": 1}})
    assert metrics.mrr_at_10 == 0.5
    assert metrics.recall_at_100 == 0.5


def test_judgements_without_a_relevant_document_are_an_input_error() -> None:
    with pytest.raises(InputError):
        evaluate_run({"q": ["a"]}, {"q": {"a": 0}})


def test_trec_run_lines_have_six_columns_with_ranks_from_one_and_falling_scores(
    tmp_path: Path,
) -> None:
    path = tmp_path / "run.trec"
    write_trec_run({"q1": ["a", "b"], "q2": ["c"]}, path, tag="peer")
    assert path.read_text(encoding="utf-8").splitlines() == [
        "q1 Q0 a 1 2 peer",
        "q1 Q0 b 2 1 peer",
        "q2 Q0 c 1 1 peer",
    ]


def test_qrels_are_read_from_tab_separated_and_trec_lines(tmp_path: Path) -> None:
    tsv = tmp_path / "qrels.tsv"
    tsv.write_text("q1\td1\t1\nq1\td2\t2\n\nq2\td3\t0\n", encoding="utf-8")
    trec = tmp_path / "qrels.trec"
    trec.write_text("q1 0 d1 1\nq1 0 d2 2\nq2 0 d3 0\n", encoding="utf-8")
    expected = {"q1": {"d1": 1, "d2": 2}, "q2": {"d3": 0}}
    assert read_qrels(tsv) == expected
    assert read_qrels(trec) == expected


@pytest.mark.parametrize("line", ["q1\td1\n", "q1\td1\tyes\n", "q1 0 d1 1 extra\n"])
def test_a_malformed_qrels_line_is_an_input_error(tmp_path: Path, line: str) -> None:
    path = tmp_path / "qrels.tsv"
    path.write_text(line, encoding="utf-8")
    with pytest.raises(InputError):
        read_qrels(path)


def _xquad_subset() -> Collection:
    """All 120 paragraphs, every 30th question (20 questions over all articles)."""
    full = load_collection(XQUAD / "docs.jsonl", XQUAD / "queries.jsonl", XQUAD / "qrels.tsv")
    queries = full.queries[::30][:20]
    return Collection(
        name="xquad-de-dev-20",
        documents=full.documents,
        queries=queries,
        qrels={q.id: full.qrels[q.id] for q in queries},
    )


def test_newssearch_keeps_its_ranking_quality_on_xquad_questions() -> None:
    collection = _xquad_subset()
    assert len(collection.queries) == 20
    metrics = evaluate_run(run_newssearch(collection), collection.qrels)
    assert metrics.mrr_at_10 >= NEWSSEARCH_SUBSET_MRR_FLOOR


_TINY = (
    Article(id="haus", title="Häuser in Wien", body="Die Preise steigen weiter."),
    Article(id="bahn", title="Bahnstreik", body="Die Häuser am Bahnhof stehen leer."),
    Article(id="wetter", title="Wetter", body="Regen und Schnee in Tirol."),
)


PEERS = ("whoosh-de", "sqlite-fts5", "bm25s-de", "tantivy-de")


def _make_peer(name: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    # The benchmark scripts live beside their data, not in the package.
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    peers = importlib.import_module("peers")
    if name == "bm25s-de":
        pytest.importorskip("bm25s")
        return peers.BM25sDE()
    if name == "tantivy-de":
        pytest.importorskip("tantivy")
        return peers.TantivyDE()
    return {"whoosh-de": peers.WhooshDE, "sqlite-fts5": peers.SQLiteFTS5}[name]()


@pytest.mark.parametrize("name", PEERS)
def test_peer_ranks_a_title_match_above_a_body_match_and_repeats_itself(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = _make_peer(name, monkeypatch)
    try:
        engine.index(_TINY)
        first = engine.search("Häuser", 10)
        assert first[:2] == ["haus", "bahn"]
        assert engine.search("Häuser", 10) == first
    finally:
        engine.close()


@pytest.mark.parametrize("name", PEERS)
def test_peer_takes_a_question_with_query_syntax_as_plain_words(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = _make_peer(name, monkeypatch)
    try:
        engine.index(_TINY)
        assert engine.search('Wo gibt es (Regen) AND "Schnee -Tirol*? NOT: ^2 ~', 10)[0] == "wetter"
        assert engine.search("?!", 10) == []
    finally:
        engine.close()


class _FindsNothing:
    name = "finds-nothing"

    def index(self, docs: object) -> None:
        pass

    def search(self, text: str, k: int) -> list[str]:
        return []


def test_harness_scores_an_engine_and_prints_one_table_row_per_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    quality = importlib.import_module("quality")
    collection = _xquad_subset()
    engine = _make_peer("sqlite-fts5", monkeypatch)
    try:
        outcome, run = quality.run_engine(engine, collection)
    finally:
        engine.close()
    assert outcome.metrics == evaluate_run(run, collection.qrels).as_dict()
    assert outcome.queries == outcome.answered == 20
    table = quality.markdown_table([outcome]).splitlines()
    assert len(table) == 3
    assert table[2].startswith("| xquad-de-dev-20 | sqlite-fts5 | ")


def test_harness_refuses_an_engine_that_finds_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    quality = importlib.import_module("quality")
    with pytest.raises(quality.BenchmarkError, match="answered only 0 of 20"):
        quality.run_engine(_FindsNothing(), _xquad_subset())
