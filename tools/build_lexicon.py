"""Build the decompounding lexicon shipped in ``src/newssearch/analysis/data/``.

Two build-time sources (never runtime dependencies):

- ``wordfreq==3.1.1``: German word frequencies (Zipf scale), data CC BY-SA 4.0;
- ``german-nouns==1.2.5``: German nouns with all their inflected forms, from
  Wiktionary, CC BY-SA 4.0.

    pip install wordfreq==3.1.1 german-nouns==1.2.5 && python tools/build_lexicon.py

Writes ``compounds_lexicon.tsv.gz``: ``word<TAB>zipf×100<TAB>tag`` per line,
case-folded (ß → ss, as wordfreq keys its words), sorted, gzip without a timestamp
(same input, same bytes).  ``N``:
a noun form (a compound part anywhere); ``A``: a frequent other word of four
or more letters (a first part only: Innen|minister, Fein|staub); ``-``: a
known word that is never a part (its frequency decides whether it is split).
"""

from __future__ import annotations

import csv
import gzip
import io
import math
from importlib import metadata
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src/newssearch/analysis/data/compounds_lexicon.tsv.gz"
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
        rows.append(f"{word}\t{round(z * 100)}\t{tag}\n")
    data = "".join(rows).encode("utf-8")
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, filename="") as f:
        f.write(data)
    OUT.write_bytes(buffer.getvalue())
    print(f"wrote {len(rows)} words to {OUT} ({OUT.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
