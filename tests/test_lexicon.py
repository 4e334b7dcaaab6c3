"""The decompounding lexicon's stored form: written and read back exactly, loaded
above a frequency threshold without changing what the splitter decides."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
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
    assert table.nouns == {w: f / 100 for w, f, t in ROWS if t == "N"}
    assert table.others == {"innen": 3.9, "fein": 3.3}
    assert list(table.never_parts.items()) == [("und", 700), ("wochenendes", 140)]
    for word, frequency, _ in ROWS:
        assert table.frequency(word) == frequency / 100
    assert table.frequency("unbekannt") == 0.0


def test_a_file_reads_the_same_as_its_bytes(tmp_path: Path) -> None:
    write_lexicon(ROWS, tmp_path / "lex.bin")
    with zipfile.ZipFile(tmp_path / "lex.zip", "w") as archive:
        archive.write(tmp_path / "lex.bin", "lex.bin")
    in_zip = zipfile.Path(tmp_path / "lex.zip", "lex.bin")  # a package in a zip archive
    for file in (tmp_path / "lex.bin", in_zip):
        with file.open("rb") as f:
            table = read_lexicon(f, threshold=1.5)
        assert table.nouns == {"woche": 4.2, "ende": 4.8, "wochenende": 4.5}
        assert table.others == {"innen": 3.9, "fein": 3.3}
        assert list(table.never_parts.items()) == [("und", 700), ("wochenendes", 140)]
        assert table.frequency("und") == 7.0 and table.frequency("wochenendes") == 1.4


def test_the_same_rows_give_the_same_bytes(tmp_path: Path) -> None:
    write_lexicon(ROWS, tmp_path / "a")
    write_lexicon(list(reversed(ROWS)), tmp_path / "b")
    assert (tmp_path / "a").read_bytes() == (tmp_path / "b").read_bytes()


def test_parts_rarer_than_the_threshold_are_not_loaded(tmp_path: Path) -> None:
    write_lexicon(ROWS, tmp_path / "lex.bin")
    table = read_lexicon((tmp_path / "lex.bin").read_bytes(), threshold=1.5)
    assert "seltenheit" not in table.nouns and table.nouns.keys() == {"woche", "ende", "wochenende"}
    assert table.frequency("seltenheit") == 0.0
    assert table.frequency("wochenendes") == 1.4  # never-part words are all kept


def test_never_part_words_are_found_in_byte_order(tmp_path: Path) -> None:
    words = ["zürich", "zug", "ärger", "öl", "äbte", "abend", "zz", "ab", "a", "über", "ß", "z"]
    rows = [(w, i, "-") for i, w in enumerate(words)]
    write_lexicon(rows, tmp_path / "lex.bin")
    table = read_lexicon((tmp_path / "lex.bin").read_bytes(), threshold=1.5)
    assert [w for w, _ in table.never_parts.items()] == sorted(words)
    for word, frequency, _ in rows:
        assert table.frequency(word) == frequency / 100
    for unknown in ["", "aa", "zzz", "ä", "zürichs", "\ud800", "\U0010ffff", "ab\nabend", "a\t"]:
        assert table.frequency(unknown) == 0.0


def test_never_part_words_are_found_among_many(tmp_path: Path) -> None:
    words = sorted({f"{a}{b}{c}" for a in "abcäöü" for b in "aeißz" for c in ["", "n", "en", "ß"]})
    write_lexicon([(w, i + 1, "-") for i, w in enumerate(words)], tmp_path / "lex.bin")
    table = read_lexicon((tmp_path / "lex.bin").read_bytes(), threshold=1.5)
    assert len(table.never_parts) == len(words) > 100
    for i, word in enumerate(words):
        assert table.never_parts.get(word) == i + 1
        assert table.never_parts.get(word + "x") is None
        assert table.never_parts.get(word[:-1] + "\x00") is None


def test_a_group_may_be_empty(tmp_path: Path) -> None:
    write_lexicon([("haus", 500, "N")], tmp_path / "lex.bin")
    table = read_lexicon((tmp_path / "lex.bin").read_bytes(), threshold=1.5)
    assert table.nouns == {"haus": 5.0} and table.others == {}
    assert len(table.never_parts) == 0 and table.frequency("haus") == 5.0
    assert table.frequency("maus") == 0.0


@pytest.mark.parametrize(
    "row",
    [
        ("", 100, "N"),
        ("a\nb", 100, "N"),
        ("a\tb", 100, "-"),
        ("\ud800", 100, "-"),
        ("haus", 70_000, "N"),
        ("haus", -1, "N"),
        ("haus", 100, "X"),
    ],
)
def test_what_cannot_be_stored_is_refused(tmp_path: Path, row: tuple[str, int, str]) -> None:
    with pytest.raises(ValueError):
        write_lexicon([row], tmp_path / "lex.bin")


def test_a_word_listed_twice_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        write_lexicon([("haus", 500, "N"), ("haus", 400, "A")], tmp_path / "lex.bin")


def _stored(tmp_path: Path) -> bytes:
    write_lexicon(ROWS, tmp_path / "lex.bin")
    return (tmp_path / "lex.bin").read_bytes()


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"",
        lambda data: b"garbage",
        lambda data: MAGIC + b"{}\n",
        lambda data: MAGIC + b"[]\n",
        lambda data: MAGIC + b'{"groups": 1, "words_bytes": 0}\n',
        lambda data: data[: len(MAGIC) + 5],
        lambda data: data[:-1],
        lambda data: data + b"\0\0",
        lambda data: data.replace(b'"N"', b'"X"'),
        lambda data: b"newssearch-lexicon 1\n" + data[len(MAGIC) :],  # the old version
    ],
)
def test_anything_else_is_refused(tmp_path: Path, damage: Callable[[bytes], bytes]) -> None:
    with pytest.raises(ValueError):
        read_lexicon(damage(_stored(tmp_path)), threshold=1.5)


def test_the_shipped_lexicon_holds_what_the_splitter_needs() -> None:
    lexicon = load_lexicon()
    assert len(lexicon.never_parts) > 200_000
    assert all(z >= CompoundSplitter.min_zipf for z in lexicon.zipf.values())
    assert {"sicherheit", "garantien", "woche"} <= lexicon.nouns.keys()
    assert {"innen", "fein"} <= lexicon.modifiers.keys()
    assert "ung" not in lexicon.nouns and "ung" not in lexicon.modifiers  # a bound morpheme
    assert lexicon.frequency("regierung") > 4.0
    assert lexicon.frequency("wochenendes") > 0.0  # a never-part word


def test_a_lower_part_frequency_loads_more_and_still_splits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Lenient(CompoundSplitter):
        min_zipf = 1.0

    assert Lenient().split("sicherheitsgarantien") == ("sicherheit", "garantien")
    assert len(load_lexicon().zipf) < 200_000  # the default threshold keeps the dict small
