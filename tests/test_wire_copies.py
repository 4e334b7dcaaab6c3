"""Wire copies end to end: labelled when indexed, collapsed when searched."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from newssearch import (
    Article,
    IndexSettings,
    NewsIndex,
    QueryError,
    Searcher,
    build_index,
    duplicates,
    open_index,
    sample_articles,
)
from newssearch.duplicates import (
    MAX_COMPARED,
    SAME_STORY,
    _key_parts,
    _runs,
    _similar_pairs,
    band_keys,
    signature,
    similarity,
)
from newssearch.engine import columns
from newssearch.engine.accumulate import Accumulator
from newssearch.engine.documents import live_docnums
from newssearch.engine.matches import Matches
from newssearch.engine.vocabulary import open_vocabulary
from newssearch.searcher import _collapsed

DATA = Path(__file__).parent / "data"
COMMAND = (sys.executable, "-m", "newssearch", "search", "Finanzminister")
INDEX_COMMAND = (sys.executable, "-m", "newssearch", "index")

STORY = (
    "Die Bundesregierung hat am Dienstag nach langen Verhandlungen die Steuerreform "
    "beschlossen. Die Entlastung soll fünf Milliarden Euro betragen und ab Jänner gelten. "
    "Der Finanzminister sprach von einem großen Wurf für die Mittelschicht, die Opposition "
    "kritisierte die Gegenfinanzierung als unsicher. Experten erwarten einen Impuls für die "
    "Konjunktur, warnen aber vor steigenden Defiziten in den kommenden Jahren. Die Länder "
    "verlangen einen Ausgleich für ihre Ausfälle bei den Ertragsanteilen."
)
OTHER = (
    "Die Landeshauptleute begrüßen die Steuerreform grundsätzlich, fordern aber einen "
    "Ausgleich für die Ausfälle bei den Ertragsanteilen. Die Gemeinden rechnen mit Einbußen "
    "von mehreren hundert Millionen Euro und verlangen Gespräche mit dem Bund über den "
    "Finanzausgleich noch vor dem Sommer. Der Gemeindebund droht mit einer Klage."
)
ARTICLES = (
    Article(id="apa-1", title="Regierung beschließt Steuerreform", body=STORY, source="APA"),
    # The same agency text: another headline, the last sentence dropped.
    Article(
        id="std-1",
        title="Steuerreform: Regierung einigt sich",
        body=STORY.rsplit(" Die Länder", 1)[0],
        source="STANDARD",
    ),
    # ... and with a few words edited.
    Article(
        id="kur-1",
        title="Der große Wurf?",
        body=STORY.replace("fünf", "rund fünf").replace("unsicher", "sehr unsicher"),
        source="Kurier",
    ),
    Article(id="apa-2", title="Steuerreform aus Sicht der Länder", body=OTHER, source="APA"),
)


@pytest.fixture()
def index(tmp_path: Path) -> NewsIndex:
    built, _ = build_index(tmp_path / "ix", ARTICLES, settings=IndexSettings(stories=True))
    return built


def stories(index: NewsIndex) -> dict[str, str]:
    reader = index.store.reader()
    return {
        reader.stored_fields(d)["id"]: reader.stored_fields(d)["story"]
        for d in reader.all_doc_ids()
    }


def test_copies_share_a_story_and_other_articles_do_not(index: NewsIndex) -> None:
    labels = stories(index)
    assert labels["apa-1"] == labels["std-1"] == labels["kur-1"] == "apa-1"
    assert labels["apa-2"] == "apa-2"


def test_search_collapses_a_story_to_its_best_copy(index: NewsIndex) -> None:
    with Searcher(index) as searcher:
        collapsed = searcher.search("Steuerreform Finanzminister", highlight=False)
        every = searcher.search("Steuerreform Finanzminister", highlight=False, collapse=False)
    assert collapsed.total == every.total == 4  # every matching article counts
    assert len(every.hits) == 4 and len(collapsed.hits) == 2
    hit = collapsed.hits[0]
    story = {"apa-1", "std-1", "kur-1"}
    assert hit.id in story and {hit.id, *hit.duplicates} == story
    # The best copy is the one ranked highest among them without collapsing.
    assert hit.id == next(h.id for h in every.hits if h.id in story)
    assert collapsed.hits[1].id == "apa-2" and collapsed.hits[1].duplicates == ()
    assert all(h.duplicates == () and h.duplicate_count == 0 for h in every.hits)
    # The copies are listed best first, as many as asked for, and all counted.
    order = [h.id for h in every.hits if h.id in story and h.id != hit.id]
    assert list(hit.duplicates) == order and hit.duplicate_count == 2
    with Searcher(index) as searcher:
        (one, _) = searcher.search("Steuerreform Finanzminister", max_duplicates=1).hits
        (none, _) = searcher.search("Steuerreform Finanzminister", max_duplicates=0).hits
        with pytest.raises(QueryError, match="max_duplicates"):
            searcher.search("Steuerreform", max_duplicates=-1)
    assert one.duplicates == (order[0],) and one.duplicate_count == 2
    assert none.duplicates == () and none.duplicate_count == 2


def test_a_searcher_reads_the_story_column_once_per_view(
    index: NewsIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[str] = []
    values = columns._values

    def counted(searcher: object, fieldname: str, *, translate: bool) -> object:
        made.append(fieldname)
        return values(searcher, fieldname, translate=translate)

    monkeypatch.setattr(columns, "_values", counted)
    with Searcher(index) as searcher:
        first = searcher.search("Steuerreform Finanzminister", highlight=False)
        again = searcher.search("Steuerreform Finanzminister", highlight=False)
        other = searcher.search("Gemeindebund", highlight=False)
    assert made == ["story"]
    assert [h.id for h in first.hits] == [h.id for h in again.hits]
    assert first.hits[0].duplicate_count == again.hits[0].duplicate_count == 2
    assert [h.id for h in other.hits] == ["apa-2"]


def test_a_copy_added_later_joins_the_story_and_a_changed_one_leaves(index: NewsIndex) -> None:
    index.update([Article(id="dpa-1", title="Steuerreform fix", body=STORY + " Mehr folgt.")])
    assert stories(index)["dpa-1"] == "apa-1"
    index.update([Article(id="std-1", title="Ganz anders", body=OTHER + " Neu.")])
    labels = stories(index)
    assert labels["std-1"] != "apa-1"
    index.delete(["apa-1"])
    with Searcher(index) as searcher:
        (hit,) = [h for h in searcher.search("Finanzminister", highlight=False).hits]
    assert {hit.id, *hit.duplicates} == {"kur-1", "dpa-1"}


def test_the_cli_marks_copies_and_all_lists_them(index: NewsIndex) -> None:
    def run(*args: str) -> str:
        done = subprocess.run(
            [*COMMAND, "--index", str(index.path), *args],
            capture_output=True,
            text=True,
            timeout=120,
            env={"NO_COLOR": "1", "PATH": ""},
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert "+2 ähnliche" in run()
    assert "ähnliche" not in run("--all")
    data = json.loads(run("--json"))
    assert len(data["hits"]) == 1 and len(data["hits"][0]["duplicates"]) == 2
    assert data["hits"][0]["duplicate_count"] == 2
    data = json.loads(run("--json", "--max-duplicates", "1"))
    assert len(data["hits"][0]["duplicates"]) == 1 and data["hits"][0]["duplicate_count"] == 2


def test_an_index_without_stories_searches_as_before(tmp_path: Path) -> None:
    path = tmp_path / "old"
    shutil.copytree(DATA / "index_v0_1", path)
    with open_index(path) as old, Searcher(old) as searcher:
        assert not old.settings.stories
        assert searcher.search("Wien").total > 0
        old.update([Article(id="neu", title="Wien", body=STORY)])
        assert "story" not in old.schema.names()


def test_stories_are_on_unless_turned_off_when_an_index_is_made(tmp_path: Path) -> None:
    built, _ = build_index(tmp_path / "default", ARTICLES)
    with built, Searcher(built) as searcher:
        assert built.settings.stories
        assert len(searcher.search("Finanzminister", highlight=False).hits) == 1
    plain, _ = build_index(tmp_path / "plain", ARTICLES, settings=IndexSettings(stories=False))
    with plain, Searcher(plain) as searcher:
        assert not plain.settings.stories
        hits = searcher.search("Finanzminister", highlight=False).hits
    assert len(hits) == 3 and all(h.duplicates == () for h in hits)
    source = tmp_path / "articles.jsonl"
    source.write_text(
        "".join(
            json.dumps({"id": a.id, "title": a.title, "body": a.body}, ensure_ascii=False) + "\n"
            for a in ARTICLES
        ),
        encoding="utf-8",
    )
    for option, stories in (("--stories", True), ("--no-stories", False)):
        made = subprocess.run(
            [*INDEX_COMMAND, str(source), option, "--index", str(tmp_path / option)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert made.returncode == 0, made.stderr
        with open_index(tmp_path / option) as index:
            assert index.settings.stories is stories


def test_related_leaves_out_the_articles_own_copies(tmp_path: Path) -> None:
    # Other news around them, so that the story's words are distinctive.
    articles = [*ARTICLES, *sample_articles()[:12]]
    index, _ = build_index(tmp_path / "ix", articles, settings=IndexSettings(stories=True))
    with index, Searcher(index) as searcher:
        related = {h.id for h in searcher.related("apa-1")}
        with_copies = {h.id for h in searcher.related("apa-1", copies=True)}
    assert {"std-1", "kur-1"} <= with_copies
    assert not related & {"std-1", "kur-1"}
    assert related == with_copies - {"std-1", "kur-1"}


def test_the_band_keys_are_in_the_vocabulary_files_not_terms(index: NewsIndex) -> None:
    reader = index.store.reader()
    vocabulary = open_vocabulary(reader)
    assert vocabulary is not None
    docnums = {reader.stored_fields(d)["id"]: d for d in reader.all_doc_ids()}
    keys = band_keys(signature(ARTICLES[0].title, ARTICLES[0].lead, ARTICLES[0].body))
    found = vocabulary.band_documents(keys, limit=MAX_COMPARED)
    assert {docnums["apa-1"], docnums["std-1"], docnums["kur-1"]} <= found
    # Each key of a document's own signature finds it.
    for article_id, docnum in docnums.items():
        sig = bytes.fromhex(reader.stored_fields(docnum)["story_sig"])
        for key in band_keys(sig):
            assert docnum in vocabulary.band_documents((key,), limit=MAX_COMPARED), article_id
    assert not list(reader.lexicon("story_bands"))


def test_copies_are_found_when_the_vocabulary_files_are_gone(tmp_path: Path) -> None:
    index, _ = build_index(tmp_path / "ix", ARTICLES[:1])
    with index:
        for voc in index.path.glob("*.voc"):
            voc.unlink()
        index.update([ARTICLES[1]])
        assert stories(index)["std-1"] == "apa-1"
        assert list(index.path.glob("*.voc"))  # written again
        voc = next(index.path.glob("*.voc"))
        voc.write_bytes(voc.read_bytes()[:100])  # damaged: the stored signatures are read
        index.update([ARTICLES[2]])
        assert stories(index)["kur-1"] == "apa-1"


def _sharing_keys(sigs: list[bytes]) -> Iterator[list[int]]:
    """The positions of the signatures sharing each key that two or more share, as the
    key parts and their runs give them to ``_candidate_pairs``."""
    for part in _key_parts(sigs):
        starts, ends = _runs(part >> np.uint64(32))
        for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
            if end - start > 1:
                yield (part[start:end] & np.uint64(0xFFFFFFFF)).astype(np.int64).tolist()


def test_keys_shared_in_a_large_batch_are_grouped_as_a_dict_would(tmp_path: Path) -> None:
    texts = [a.body for a in sample_articles()[:300]]
    sigs = [signature("", "", t) for t in texts] + [signature("", "", t) for t in texts[:40]]
    expected: dict[int, list[int]] = {}
    for position, sig in enumerate(sigs):
        for key in band_keys(sig):
            expected.setdefault(key, []).append(position)
    shared = sorted(members for members in expected.values() if len(members) > 1)
    assert sorted(_sharing_keys(sigs)) == shared and len(shared) >= 40 * 64 // 2


def _components(count: int, pairs: list[tuple[int, int]]) -> set[frozenset[int]]:
    parent = list(range(count))

    def find(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    for x, y in pairs:
        parent[find(x)] = find(y)
    groups: dict[int, set[int]] = {}
    for x in range(count):
        groups.setdefault(find(x), set()).add(x)
    return {frozenset(g) for g in groups.values()}


@pytest.mark.parametrize("window", [1, 3, MAX_COMPARED])
def test_the_stories_of_a_batch_are_those_of_checking_each_group_pair_by_pair(
    window: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """All pairs checked at once (numpy) join the articles the pair-by-pair loop
    over each key's group joined: each member against the ``window`` before it."""
    monkeypatch.setattr(duplicates, "MAX_COMPARED", window)
    rng = random.Random(window)
    texts = [a.body for a in sample_articles()[:200]]
    for text in texts[:60]:  # copies with a few words changed, some twice
        words = text.split()
        for _ in range(rng.randrange(1, 3)):
            changed = [w if rng.random() > 0.1 else "anders" for w in words]
            texts.append(" ".join(changed))
    rng.shuffle(texts)
    sigs = [signature("", "", t) for t in texts] + [b"", b"\x02" * 257]
    groups: dict[int, list[int]] = {}
    for position, sig in enumerate(sigs):
        for key in band_keys(sig):
            groups.setdefault(key, []).append(position)
    expected = [
        (x, y)
        for members in groups.values()
        for i, x in enumerate(members)
        for y in members[max(0, i - window) : i]
        if similarity(sigs[x], sigs[y]) >= SAME_STORY
    ]
    got = list(_similar_pairs(sigs, SAME_STORY))
    assert _components(len(sigs), got) == _components(len(sigs), expected)
    assert set(got) == set(expected)
    assert len(_components(len(sigs), got)) < len(sigs) - 40  # copies were joined


@pytest.mark.parametrize("seed", range(5))
def test_collapsing_reads_the_best_matches_only_and_ranks_as_collapsing_all(seed: int) -> None:
    rng = random.Random(seed)
    # Many copies per story (as in a corpus of recombined articles), ties, and
    # articles without a story.
    scores = {d: float(rng.randrange(40)) for d in range(3000)}
    labels = {d: (None if d % 7 == 0 else f"s{rng.randrange(60)}") for d in scores}
    asked: list[int] = []

    def story(docnum: int) -> str | None:
        asked.append(docnum)
        return labels[docnum]

    best: dict[str, int] = {}
    for d, score in scores.items():
        label = labels[d]
        if label is not None and (
            label not in best or (-score, d) < (-scores[best[label]], best[label])
        ):
            best[label] = d
    shown = {d: s for d, s in scores.items() if labels[d] is None or best[labels[d]] == d}
    for window in (1, 10, 100, 5000):
        asked.clear()
        assert _collapsed(Matches.of(scores), story, window) == Matches.of(shown).top(window)
        if window == 10:
            assert len(asked) < len(scores) // 2


def test_a_storys_documents_are_read_a_block_at_a_time_as_whoosh_lists_them(
    index: NewsIndex,
) -> None:
    index.update([Article(id="dpa-1", title="Steuerreform fix", body=STORY + " Mehr folgt.")])
    index.update([Article(id="orf-1", title="Reform", body=STORY + " Ende.")])
    index.delete(["std-1"])
    searcher = index.store.searcher()
    reader = searcher.reader()
    assert len(list(reader.leaf_readers())) >= 2 and reader.has_deletions()
    accumulator = Accumulator(searcher)
    every = {
        d: reader.stored_fields(d)["story"]
        for d in range(reader.doc_count_all())
        if not reader.is_deleted(d)
    }
    for label in set(every.values()):
        found = live_docnums(reader, "story", label)
        assert found == sorted(found)
        assert [d for d in found if not reader.is_deleted(d)] == sorted(
            d for d, s in every.items() if s == label
        )
        # Through the block cache, twice (read, then cached): the same.
        assert accumulator.documents("story", label).tolist() == found
        assert accumulator.documents("story", label).tolist() == found
    assert live_docnums(reader, "story", "no-such-story") == []
    assert accumulator.documents("story", "no-such-story").tolist() == []
    searcher.close()
