"""Build the decompounding lexicon shipped in ``src/newssearch/analysis/data/``.

Two build-time sources (never runtime dependencies):

- ``wordfreq==3.1.1``: German word frequencies (Zipf scale), data CC BY-SA 4.0;
- ``german-nouns==1.2.5``: German nouns with all their inflected forms, from
  Wiktionary, CC BY-SA 4.0.

    pip install wordfreq==3.1.1 german-nouns==1.2.5 && python tools/build_lexicon.py

Writes ``compounds_lexicon.bin`` (the stored form in ``newssearch/analysis/lexicon.py``;
same input, same bytes): each word case-folded (ß → ss, as wordfreq keys its
words) with its Zipf frequency ×100 and a tag.  ``python tools/build_lexicon.py
--from-tsv FILE`` stores a listing of ``word<TAB>zipf×100<TAB>tag`` lines (gzip or
plain) instead; ``--to-tsv FILE`` writes the shipped lexicon as such a listing.  ``N``:
a noun form (a compound part anywhere); ``A``: a frequent other word of four
or more letters (a first part only: Innen|minister, Fein|staub); ``-``: a
known word that is never a part (its frequency decides whether it is split).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import math
from importlib import metadata
from pathlib import Path

from newssearch.analysis.lexicon import read_lexicon, write_lexicon

OUT = Path(__file__).resolve().parents[1] / "src/newssearch/analysis/data/compounds_lexicon.bin"
MIN_ZIPF = 1.5  # words rarer than this are left out
MIN_ZIPF_OTHER = 3.0  # a non-noun first part must be at least this frequent
#: Wiktionary entries that are not nouns of their own.
SKIP_POS = (
    "Abkürzung",
    "Affix",
    "Gebundenes Lexem",
    "Buchstabe",
    "Symbol",
    "Vorname",
    "Nachname",
    "Wortverbindung",
    "Redewendung",
)


def noun_forms() -> set[str]:
    dist = metadata.distribution("german-nouns")
    path = next(p for p in dist.files or () if str(p).endswith("nouns.csv"))
    forms: set[str] = set()
    with open(str(dist.locate_file(path)), encoding="utf-8", newline="") as f:
        rows = csv.reader(f)
        next(rows)
        for row in rows:
            if row[0].startswith("-") or any(p in row[1] for p in SKIP_POS):
                continue
            forms.update(c.casefold() for c in row[7:] if c and c.isalpha())
    return forms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from-tsv", type=Path, help="store this listing instead of building")
    parser.add_argument("--to-tsv", type=Path, help="write the shipped lexicon as a listing")
    args = parser.parse_args()
    if args.to_tsv is not None:
        table = read_lexicon(OUT.read_bytes(), threshold=0.0)
        lines = [f"{w}\t{round(z * 100)}\tN\n" for w, z in table.nouns.items()]
        lines += [f"{w}\t{round(z * 100)}\tA\n" for w, z in table.others.items()]
        lines += [f"{w}\t{z}\t-\n" for w, z in table.never_parts.items()]
        args.to_tsv.write_text("".join(sorted(lines)), encoding="utf-8")
        return
    rows = listed(args.from_tsv) if args.from_tsv is not None else built()
    count = write_lexicon(rows, OUT)
    print(f"wrote {count} words to {OUT} ({OUT.stat().st_size / 1e6:.1f} MB)")


def listed(path: Path) -> list[tuple[str, int, str]]:
    data = path.read_bytes()
    text = (gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data).decode("utf-8")
    rows = []
    for line in text.splitlines():
        word, frequency, tag = line.split("\t")
        rows.append((word, int(frequency), tag))
    return rows


def built() -> list[tuple[str, int, str]]:
    import wordfreq

    zipf = {
        word: math.log10(freq * 1e9)
        for word, freq in wordfreq.get_frequency_dict("de", wordlist="large").items()
        if word.isalpha() and freq > 0
    }
    nouns = noun_forms()
    rows = []
    for word in sorted(set(zipf) | nouns):
        z = zipf.get(word, 1.0)
        if word in nouns and len(word) >= 2:
            tag = "N"
        elif len(word) >= 4 and z >= MIN_ZIPF_OTHER:
            tag = "A"
        elif len(word) >= 3 and z >= MIN_ZIPF:
            tag = "-"
        else:
            continue
        rows.append((word, round(z * 100), tag))
    return rows


if __name__ == "__main__":
    main()
