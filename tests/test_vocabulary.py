"""Vocabulary files (newssearch.engine.vocabulary): written right after every change,
read instead of the index with the same results, and never trusted when damaged."""

from __future__ import annotations

import io
import random
import re
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh.filedb.structfile import BufferFile

from newssearch import Article, Searcher, build_index
from newssearch.engine import vocabulary
from newssearch.engine.segments import doc_frequencies
from newssearch.engine.vocabulary import (
    HEAVY_PREFIX,
    TOP_TERMS,
    VOCABULARY_FIELDS,
    open_vocabulary,
    vocabulary_files,
    write_vocabularies,
)
from newssearch.errors import IndexStateError
from newssearch.index import NewsIndex
from newssearch.sample import sample_articles
from newssearch.spelling import Speller, SpellingOptions, _ReaderSurface
from newssearch.suggest import _WORD, Suggester, SuggestOptions, _starting
from newssearch.surface import Forms, first_letter


def _sample(start: int, stop: int) -> list[Article]:
    return list(sample_articles())[start:stop]


@pytest.fixture(scope="module")
def changed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NewsIndex]:
    """An index of sample articles written by several commits (so several segments),
    with articles replaced and deleted."""
    path = tmp_path_factory.mktemp("vocabulary") / "index"
    index, _ = build_index(path, _sample(0, 60), procs=1)
    index.update(_sample(60, 110), procs=1)
    replaced = [
        Article(id=a.id, title="Neuer Titel: Flüchtlingskrise", lead=a.lead, body=a.body)
        for a in _sample(10, 15)
    ]
    index.update(replaced, procs=1)
    index.delete([a.id for a in _sample(20, 30)])
    yield index
    index.close()


def _live_frequencies(reader: object) -> dict[str, tuple[int, int, int]]:
    """What suggest.py and spelling.py read from the index: each exact field's terms
    with document frequencies, summed over segments."""
    found: dict[str, list[int]] = {}
    for column, name in enumerate(VOCABULARY_FIELDS):
        for term, df in doc_frequencies(reader, name):
            found.setdefault(term, [0, 0, 0])[column] += df
    return {term: (t, lead, body) for term, (t, lead, body) in found.items()}


def _check_matches_the_index(index: NewsIndex) -> None:
    with index.store.reader() as reader:
        vocabulary = open_vocabulary(reader, strict=True)
        assert vocabulary is not None
        assert vocabulary.segments == len(reader.leaf_readers())
        live = _live_frequencies(reader)
        assert dict(vocabulary.words()) == {term: sum(f) for term, f in live.items()}
        for term, frequencies in live.items():
            assert vocabulary.frequencies(term) == frequencies
        assert vocabulary.frequencies("gibtesnicht") == (0, 0, 0)
        for docnum in reader.all_doc_ids():
            stored = reader.stored_fields(docnum)
            assert vocabulary.text(docnum, "title") == stored.get("title")
            assert vocabulary.text(docnum, "lead") == stored.get("lead")
    names = {p.name for p in index.path.iterdir() if p.suffix == ".voc"}
    assert names == {p.name for p in vocabulary_files(index.store).values()}


def test_every_commit_leaves_a_file_per_segment_equal_to_the_index(changed: NewsIndex) -> None:
    _check_matches_the_index(changed)
    with changed.store.reader() as reader:
        assert len(reader.leaf_readers()) > 1
        assert reader.doc_count() < reader.doc_count_all()  # deletions not yet merged


def test_add_update_delete_and_merge_keep_the_files_right(tmp_path: Path) -> None:
    index, _ = build_index(tmp_path / "ix", _sample(0, 20), procs=1)
    with index:
        _check_matches_the_index(index)
        seen_segments: set[str] = set()
        for start in range(20, 80, 6):  # small commits: Whoosh merges small segments
            index.update(_sample(start, start + 6), procs=1)
            _check_matches_the_index(index)
            seen_segments |= set(vocabulary_files(index.store))
        index.update(
            [Article(id=a.id, title="Ersetzt", body="Ganz neuer Text.") for a in _sample(0, 5)],
            procs=1,
        )
        _check_matches_the_index(index)
        assert index.delete([a.id for a in _sample(30, 40)]) == 10
        _check_matches_the_index(index)
        # Merges made segments and removed others; no file of a removed segment is left.
        assert seen_segments - set(vocabulary_files(index.store))


def _prefixes(reader: object, count: int = 150) -> list[str]:
    rng = random.Random(7)
    terms = sorted(t for t, _ in doc_frequencies(reader, "lead_exact"))
    chosen = [t[: rng.randint(1, len(t))] for t in rng.sample(terms, min(count, len(terms)))]
    return [*chosen, "a", "s", "Ös", "Oesterr", "Strass", "Bundeskanzler Fay", "xyzzy"]


def test_suggestions_from_the_files_are_those_read_from_the_index(changed: NewsIndex) -> None:
    with changed.store.reader() as reader:
        stored = Suggester(reader)
        # Reading the index, all completions ranked (max_terms bounds only that path).
        read = Suggester(reader, options=SuggestOptions(max_terms=10**9))
        read._vocabulary = None
        assert stored.stored and not read.stored
        for prefix in _prefixes(reader):
            for limit in (10, 3):
                assert stored.suggest(prefix, limit=limit) == read.suggest(prefix, limit=limit)


def _queries(reader: object) -> list[str]:
    rng = random.Random(3)
    words = sorted(t for t, df in doc_frequencies(reader, "lead_exact") if t.isalpha())
    typos = []
    for word in rng.sample(words, 120):
        i = rng.randrange(len(word))
        typos.append(word[:i] + word[i + 1 :])  # a dropped letter
        typos.append(word[:i] + word[i] + word[i:])  # a doubled letter
    return [*typos, "Flüchtlingkrise", "Osterreich", "Regirung Wien", '"Fluchtlinge" Bundeskanzlr']


def test_spelling_from_the_files_is_that_read_from_the_index(changed: NewsIndex) -> None:
    with changed.store.reader() as reader:
        stored = Speller.from_reader(reader)
        assert stored.stored
        read = Speller(
            Counter(dict(_live_frequencies_summed(reader))),
            surface=_ReaderSurface(reader, VOCABULARY_FIELDS),  # read from the index
        )
        for query in _queries(reader):
            assert stored.suggest(query) == read.suggest(query)
        assert stored.size == read.size
        assert stored.build() > stored.size


def _live_frequencies_summed(reader: object) -> Iterator[tuple[str, int]]:
    for term, frequencies in _live_frequencies(reader).items():
        yield term, sum(frequencies)


def test_options_the_files_cannot_serve_read_the_words(changed: NewsIndex) -> None:
    with changed.store.reader() as reader:
        for options in (SpellingOptions(min_length=2), SpellingOptions(max_words=50)):
            speller = Speller.from_reader(reader, options=options)
            assert not speller.stored
            read = Speller(
                Counter(dict(_live_frequencies_summed(reader))),
                surface=_ReaderSurface(reader, VOCABULARY_FIELDS),
                options=options,
            )
            for query in _queries(reader)[:60]:
                assert speller.suggest(query) == read.suggest(query)
        # Another title weight: every completion is read and ranked by it.
        heavy = SuggestOptions(title_weight=10.0)
        stored = Suggester(reader, options=heavy)
        read = Suggester(reader, options=SuggestOptions(title_weight=10.0, max_terms=10**9))
        read._vocabulary = None
        for prefix in _prefixes(reader, 40):
            assert stored.suggest(prefix) == read.suggest(prefix)


def _index_with_many_words(path: Path, segments: int = 3) -> NewsIndex:
    """An index whose segments each have more than HEAVY_PREFIX words starting with
    "ka" (so prefixes with top lists), with frequencies that differ by segment."""
    rng = random.Random(11)
    letters = "abcdefghiklmnoprstuvw"
    vocabulary = ["ka" + "".join(rng.choice(letters) for _ in range(5)) for _ in range(900)]
    index = None
    for segment in range(segments):
        articles = []
        for i in range(40):
            words = rng.choices(vocabulary, k=60, weights=[1 + (j % 37) for j in range(900)])
            title = " ".join(rng.sample(vocabulary, 3))
            articles.append(
                Article(id=f"s{segment}-{i}", title=title, lead=words[0], body=" ".join(words))
            )
        if index is None:
            index, _ = build_index(path, articles, procs=1)
        else:
            index.update(articles, procs=1)
    assert index is not None
    return index


def test_completions_of_many_segments_are_the_best_of_all_terms(tmp_path: Path) -> None:
    with _index_with_many_words(tmp_path / "ix") as index, index.store.reader() as reader:
        vocabulary = open_vocabulary(reader, strict=True)
        assert vocabulary is not None
        live = _live_frequencies(reader)
        assert sum(t.startswith("ka") for t in live) > HEAVY_PREFIX
        for prefix in ("k", "ka", "kab", "kal", "kamo", "kx", "z"):
            for limit in (1, 3, 10, TOP_TERMS, TOP_TERMS + 5):
                for weight in (3.0, 1.0):
                    ranked = sorted(
                        (t for t in live if t.startswith(prefix)),
                        key=lambda t: (-(live[t][0] * weight + live[t][1] + live[t][2]), t),
                    )[:limit]
                    got = vocabulary.completions(prefix, limit, title_weight=weight)
                    assert got == [(t, live[t]) for t in ranked], (prefix, limit, weight)


def _first_file(index: NewsIndex) -> Path:
    return sorted(vocabulary_files(index.store).values())[0]


def _results(index: NewsIndex) -> tuple[object, ...]:
    with Searcher(index, refresh_interval=None) as searcher:
        return (
            searcher.suggest("Flü"),
            searcher.suggest("Bundeskanzler Fay"),
            searcher.search("Regirung", limit=1).suggestion,
        )


def test_a_missing_or_damaged_file_reads_the_index_and_the_next_commit_mends_it(
    tmp_path: Path,
) -> None:
    index, _ = build_index(tmp_path / "ix", _sample(0, 40), procs=1)
    with index:
        index.update(_sample(40, 60), procs=1)
        expected = _results(index)
        path = _first_file(index)
        good = path.read_bytes()
        damages = {
            "missing": None,
            "truncated": good[: len(good) // 2],
            "header": good[:20] + bytes([good[20] ^ 0xFF]) + good[21:],
            "not ours": b"#!/bin/sh\necho pwned\n" + good[22:],
        }
        for name, data in damages.items():
            if data is None:
                path.unlink()
            else:
                path.write_bytes(data)
            with index.store.reader() as reader:
                assert open_vocabulary(reader) is None, name
                with pytest.raises(IndexStateError, match=re.escape(str(path))):
                    open_vocabulary(reader, strict=True)
                assert not Suggester(reader).stored
            assert _results(index) == expected, name
            assert write_vocabularies(index.store) == [path.name]
            assert path.read_bytes() == good


def test_damage_inside_a_section_is_found_by_the_writer_and_while_reading(tmp_path: Path) -> None:
    with _index_with_many_words(tmp_path / "ix", segments=1) as index:
        path = _first_file(index)
        good = path.read_bytes()
        every = SuggestOptions(max_terms=10**9)  # reading the index: rank all completions
        with index.store.reader() as reader:
            expected = Suggester(reader, options=every).suggest("ka")
            speller = Speller.from_reader(reader).suggest("kabcdefgh")
        # Every top-list entry (the last section but the texts) names a term far away.
        data = bytearray(good)
        with index.store.reader() as reader:
            vocabulary = open_vocabulary(reader, strict=True)
            assert vocabulary is not None
            part = vocabulary._parts[0][0]
            start, length = part._sections[7]  # the prefix lists' terms
        data[start : start + length] = b"\xff" * length
        path.write_bytes(bytes(data))
        with index.store.reader() as reader:
            vocabulary = open_vocabulary(reader)  # the header still holds
            assert vocabulary is not None
            with pytest.raises(IndexStateError, match="damaged"):
                vocabulary.completions("ka", 10)
            suggester = Suggester(reader, options=every)
            assert suggester.suggest("ka") == expected  # read from the index instead
            assert not suggester.stored
            assert Speller.from_reader(reader).suggest("kabcdefgh") == speller
        assert write_vocabularies(index.store) == [path.name]  # the CRC-32 told
        assert path.read_bytes() == good


def test_a_failed_write_leaves_no_file_and_the_commit_stands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index, _ = build_index(tmp_path / "ix", _sample(0, 10), procs=1)
    with index:

        def full(self: Path, data: bytes) -> int:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(Path, "write_bytes", full)
        index.update(_sample(10, 20), procs=1)
        monkeypatch.undo()
        assert index.doc_count() == 20
        with index.store.reader() as reader:
            assert open_vocabulary(reader) is None
        assert not list(index.path.glob("*.part"))
        index.delete(["nothing"])
        _check_matches_the_index(index)


def test_an_empty_index_has_an_empty_vocabulary(tmp_path: Path) -> None:
    index, _ = build_index(tmp_path / "ix", [], procs=1)
    with index, index.store.reader() as reader:
        vocabulary = open_vocabulary(reader, strict=True)
        assert vocabulary is not None
        assert vocabulary.completions("a", 10) == []
        assert vocabulary.spelling_candidates(["wien"]) == {}
        assert Suggester(reader).suggest("Wi") == ()


def test_compound_parts_are_read_in_place() -> None:
    # segments._PartReader reads a memory-mapped part as Whoosh's BytesIO copy did.
    from newssearch.engine.segments import _PartFile

    data = b"first line\nsecond\n\x00\x01binary" * 50
    ours, theirs = _PartFile(memoryview(data), name="x"), BufferFile(data, name="x")
    for f in (ours, theirs):
        f.seek(3)
    assert ours.read(5) == theirs.read(5)
    assert ours.readline() == theirs.readline()
    assert ours.tell() == theirs.tell()
    ours.seek(-4, io.SEEK_END)
    theirs.seek(-4, io.SEEK_END)
    assert ours.read() == theirs.read()
    ours.seek(0)
    buffer = bytearray(7)
    assert ours.file.readinto(buffer) == 7 and bytes(buffer) == data[:7]
    assert ours.get_array(8, "i", 4) == theirs.get_array(8, "i", 4)
    ours.seek(len(data) - 3)
    assert ours.readline() == data[-3:]
    ours.close()


def test_the_first_letter_patterns_find_every_word_that_can_start_a_term() -> None:
    # Every word character (of this Python's Unicode) whose normal form starts with a-z
    # is matched by that letter's pattern.
    word = re.compile(r"\w")
    missed = []
    for cp in range(sys.maxunicode + 1):
        c = chr(cp)
        letter = first_letter(c) if word.match(c) else ""
        if len(letter) == 1 and "a" <= letter <= "z":
            pattern = _starting(letter)
            if pattern is None or not pattern.fullmatch(c):
                missed.append(f"U+{cp:04X}")
    assert not missed


_TEXT = st.text(alphabet="aAbsSßäÄöÖüÜeE-'’ ,.\n1_İK", max_size=60)


@settings(max_examples=300, deadline=None)
@given(_TEXT, st.sampled_from(["a", "as", "aes", "s", "ss", "o", "ob", "k", "i", "b"]))
def test_runs_and_forms_match_those_of_every_word(text: str, term: str) -> None:
    suggester = Suggester.__new__(Suggester)  # what _runs uses, without an index
    suggester._stopwords = frozenset({"e"})
    suggester._forms = Forms()
    assert list(suggester._runs(text, term)) == list(suggester._runs_of_all(text, term))
    pattern = _starting(term[0])
    assert pattern is not None
    assert Forms().written_forms(pattern.findall(text), term) == Forms().written_forms(
        _WORD.findall(text), term
    )


def test_files_written_by_several_processes_are_those_one_writes(tmp_path: Path) -> None:
    index, _ = build_index(tmp_path / "ix", _sample(0, 30), procs=1)
    with index:
        index.update(_sample(30, 50), procs=1)
        index.update(_sample(50, 70), procs=1)
        files = sorted(vocabulary_files(index.store).values())
        assert len(files) >= 2
        alone = [f.read_bytes() for f in files]
        for f in files:
            f.unlink()
        assert sorted(write_vocabularies(index.store, processes=3)) == [f.name for f in files]
        assert [f.read_bytes() for f in files] == alone
        assert not list(index.path.glob("*.part"))


def test_large_segments_are_written_one_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index, _ = build_index(tmp_path / "ix", _sample(0, 30), procs=1)
    with index:
        index.update(_sample(30, 50), procs=1)
        files = sorted(vocabulary_files(index.store).values())
        assert len(files) == 2
        alone = [f.read_bytes() for f in files]
        for f in files:
            f.unlink()

        def forked(groups: object) -> None:
            raise AssertionError("written in parallel")

        monkeypatch.setattr(vocabulary, "_write_forked", forked)
        monkeypatch.setattr(vocabulary, "_PARALLEL_DOCUMENTS", 40)  # the two hold 50
        assert sorted(write_vocabularies(index.store)) == [f.name for f in files]
        assert [f.read_bytes() for f in files] == alone
        for f in files:
            f.unlink()
        with pytest.raises(AssertionError, match="in parallel"):  # within the bound: forks
            monkeypatch.setattr(vocabulary, "_PARALLEL_DOCUMENTS", 50)
            write_vocabularies(index.store)
