"""The decompounding lexicon's stored form: written and read back exactly, loaded
above a frequency threshold without changing what the splitter decides."""

from __future__ import annotations

from pathlib import Path

import pytest

from newssearch.analysis.compounds import CompoundSplitter, load_lexicon
from newssearch.analysis.lexicon import MAGIC, read_lexicon, write_lexicon

ROWS = [
    ("woche", 420, "N"),
    ("ende", 480, "N"),
    ("wochenende", 450, "N"),
    ("seltenheit", 120, "N"),  # below a part's frequency
    ("innen", 390, "A"),
    ("fein", 330, "A"),
    ("und", 700, "-"),
    ("wochenendes", 140, "-"),
]


def test_rows_are_stored_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "lex.bin"
    assert write_lexicon(ROWS, path) == len(ROWS)
    table = read_lexicon(path.read_bytes(), threshold=0.0)
    assert table.zipf == {w: f / 100 for w, f, t in ROWS if t in "NA"}
    assert table.nouns == {w for w, _, t in ROWS if t == "N"}
    assert table.others == {"innen", "fein"}
    assert table.never_parts == ("und", "wochenendes")
    for word, frequency, _ in ROWS:
        assert table.frequency(word) == frequency / 100
    assert table.frequency("unbekannt") == 0.0


def test_the_same_rows_give_the_same_bytes(tmp_path: Path) -> None:
    write_lexicon(ROWS, tmp_path / "a")
    write_lexicon(list(reversed(ROWS)), tmp_path / "b")
    assert (tmp_path / "a").read_bytes() == (tmp_path / "b").read_bytes()


def test_parts_rarer_than_the_threshold_are_not_loaded(tmp_path: Path) -> None:
    write_lexicon(ROWS, tmp_path / "lex.bin")
    table = read_lexicon((tmp_path / "lex.bin").read_bytes(), threshold=1.5)
    assert "seltenheit" not in table.zipf and "seltenheit" not in table.nouns
    assert table.frequency("seltenheit") == 0.0
    assert table.frequency("wochenendes") == 1.4  # never-part words are all kept


@pytest.mark.parametrize("data", [b"", b"garbage", MAGIC + b"{}\n", MAGIC[:-2] + b"2\n{}\n"])
def test_anything_else_is_refused(data: bytes) -> None:
    with pytest.raises((ValueError, KeyError)):
        read_lexicon(data, threshold=1.5)


def test_the_shipped_lexicon_holds_what_the_splitter_needs() -> None:
    lexicon = load_lexicon()
    assert len(lexicon.table.never_parts) > 200_000
    assert all(z >= CompoundSplitter.min_zipf for z in lexicon.zipf.values())
    assert {"sicherheit", "garantien", "woche"} <= lexicon.nouns
    assert lexicon.frequency("regierung") > 4.0


def test_a_lower_part_frequency_loads_more_and_still_splits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Lenient(CompoundSplitter):
        min_zipf = 1.0

    assert Lenient().split("sicherheitsgarantien") == ("sicherheit", "garantien")
    assert len(load_lexicon().zipf) < 200_000  # the default threshold keeps the dict small
