"""Processes writing one import share what they analyse: a chunk another process
analysed is not analysed again, and the terms are what its own analysis gives."""

from __future__ import annotations

import marshal
from pathlib import Path

import pytest

from newssearch import create_index
from newssearch.analysis import german_analyzer
from newssearch.analysis.chain import GermanAnalyzer
from newssearch.analysis.sharing import ChunkExchange
from newssearch.config import AnalyzerConfig, IndexSettings
from newssearch.engine.documents import to_document
from newssearch.sample import sample_articles

TEXTS = [text for a in sample_articles()[:20] for text in (a.title, a.lead, a.body)]


def _terms(analyzer: GermanAnalyzer, texts: list[str]) -> list[object]:
    return [analyzer.index_terms(text) for text in texts]


def test_nothing_is_noted_unless_recording() -> None:
    analyzer = german_analyzer()
    analyzer.index_terms("Die Häuser der Stadt")
    assert analyzer.take_analysed() == []


def test_each_analysed_chunk_is_taken_once_with_what_the_chain_made_of_it() -> None:
    analyzer = german_analyzer()
    analyzer.record_analysed()
    analyzer.index_terms("Die Häuser der Stadt, die Häuser.")
    taken = analyzer.take_analysed()
    assert [chunk for chunk, _ in taken] == ["Die", "Häuser", "der", "Stadt,", "die", "Häuser."]
    assert dict(taken)["Häuser"] == ((("haus", 0),), 1, ("hauser",), ())
    assert dict(taken)["Die"] == ((), 1, (), ("die",))
    analyzer.index_terms("die Häuser der Stadt, Die Häuser.")  # every chunk known: nothing new
    assert analyzer.take_analysed() == []


@pytest.mark.parametrize("config", [AnalyzerConfig(), AnalyzerConfig(stopwords=False)])
def test_an_analyzer_given_anothers_chunks_analyses_none_of_them_and_gives_the_same_terms(
    config: AnalyzerConfig,
) -> None:
    first = GermanAnalyzer(config)
    first.record_analysed()
    want = _terms(first, TEXTS)
    taken = first.take_analysed()
    second = GermanAnalyzer(config)
    second.record_analysed()
    assert second.add_analysed(taken) == len(taken) > 1000
    assert second.add_analysed(taken) == 0  # known now
    assert _terms(second, TEXTS) == want
    assert second.take_analysed() == []
    assert _terms(second, TEXTS) == _terms(GermanAnalyzer(config), TEXTS)


def _pair(tmp_path: Path) -> tuple[list[Path], GermanAnalyzer, ChunkExchange, GermanAnalyzer]:
    paths = [tmp_path / "0.chunks", tmp_path / "1.chunks"]
    sender, receiver = german_analyzer(), german_analyzer()
    ChunkExchange(paths, 0, [sender])
    return paths, sender, ChunkExchange(paths, 1, [receiver]), receiver


def test_what_one_process_sends_another_receives_once(tmp_path: Path) -> None:
    paths, sender, receiving, receiver = _pair(tmp_path)
    sending = ChunkExchange(paths, 0, [sender])
    assert receiving.receive() == 0  # nothing sent yet: no file
    want = _terms(sender, TEXTS[:30])
    sent = sending.send()
    assert sent > 500
    assert sending.send() == 0
    assert receiving.receive() == sent
    assert receiving.receive() == 0  # read up to where the file ends
    assert _terms(receiver, TEXTS[:30]) == want
    assert receiver.take_analysed() == []  # none analysed here
    # Later chunks come in a later record; the receiver's own go to its file.
    _terms(sender, TEXTS[30:])
    more = sending.send()
    _terms(receiver, ["Ein ganz neuer Satz mit Wörtern wie Zwölftonmusikliebhaber."])
    assert receiving.receive() == more
    assert receiving.send() > 0
    assert paths[1].stat().st_size > 0


def test_a_record_being_written_is_read_once_it_is_whole(tmp_path: Path) -> None:
    paths, sender, receiving, receiver = _pair(tmp_path)
    sender.record_analysed()
    sender.index_terms("Die Häuser der Stadt")
    data = marshal.dumps((0, sender.take_analysed()))
    record = len(data).to_bytes(8, "little") + data
    with paths[0].open("ab") as f:
        f.write(record[:5])  # not even the whole length
    assert receiving.receive() == 0
    with paths[0].open("ab") as f:
        f.write(record[5:-1])
    assert receiving.receive() == 0
    with paths[0].open("ab") as f:
        f.write(record[-1:])
    assert receiving.receive() == 4
    assert receiver.index_terms("Die Häuser der Stadt")[0] == {"haus": [1], "stadt": [2]}
    assert receiver.take_analysed() == []


def test_own_must_name_one_of_the_files(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="own must index paths"):
        ChunkExchange([tmp_path / "0.chunks"], 1, [german_analyzer()])


def test_the_parallel_writer_shares_and_leaves_no_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The workers are forked: what they receive is counted in a file.
    counts = tmp_path / "received"
    receive = ChunkExchange.receive

    def counted(self: ChunkExchange) -> int:
        new = receive(self)
        with counts.open("a") as f:
            f.write(f"{new}\n")
        return new

    monkeypatch.setattr(ChunkExchange, "receive", counted)
    path = tmp_path / "ix"
    with create_index(path, settings=IndexSettings(stories=False)) as ix:
        writer = ix.store.writer(procs=2, batchsize=5)
        for article in sample_articles()[:60]:
            writer.add_document(**to_document(article))
        writer.commit()
        assert ix.store.segment_count() == 2
    received = [int(line) for line in counts.read_text().split()]
    assert len(received) == 12  # once before each job
    assert sum(received) > 0
    assert not [p for p in path.rglob("*") if p.name.endswith(".chunks")]
