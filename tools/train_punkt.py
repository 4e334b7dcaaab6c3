"""Train NLTK's Punkt sentence splitter on German news, offline, and ship its parameters.

    pip install nltk               # or: pip install -e ".[test]"
    python tools/train_punkt.py

NLTK is needed only here: newssearch splits sentences with its own port of
Punkt's inference (``newssearch/punkt.py``), which reads the file written here.

Trains ``PunktTrainer`` on the bundled 10kGNAD articles (CC BY-NC-SA 4.0) and
the seed article, adds the German abbreviations Punkt does not learn from so
little text, and writes ``src/newssearch/data/punkt_de.json.gz`` (sorted,
no timestamp: the same input gives the same bytes).  Nothing is downloaded.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

from nltk.tokenize.punkt import PunktTrainer

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "src/newssearch/data/10kgnad/articles.csv"
SEED = ROOT / "tests/data/seed_article.txt"
OUT = ROOT / "src/newssearch/data/punkt_de.json.gz"

#: Abbreviations (lowercase, without the final dot) that end no sentence.
ABBREVIATIONS = """
abb abs abt art aufl bd bsp bspw bzgl bzw ca chr d.h dipl dr ebd ehem etc evtl fa ff fr geb gem
gest ggf ggfs hbf hr hrsg i.a inkl insb ing jh jhd jun kap lt mag max mio mrd nr o.ä prof rd
red s.o sen sog st str tel u.a u.ä usw v.a v.chr vgl vors z.b z.t zzgl zit jan feb apr aug sep
sept okt nov dez mr mrs vs
""".split()


def training_text() -> str:
    with CORPUS.open(encoding="utf-8", newline="") as f:
        texts = [row[1] for row in csv.reader(f, delimiter=";", quotechar="'") if len(row) == 2]
    texts.append(SEED.read_text(encoding="utf-8"))
    return "\n\n".join(texts)


def main() -> None:
    trainer = PunktTrainer()
    trainer.INCLUDE_ALL_COLLOCS = True
    trainer.train(training_text(), finalize=True)
    params = trainer.get_params()
    learned = set(params.abbrev_types)
    params.abbrev_types.update(ABBREVIATIONS)
    data = {
        "source": "NLTK PunktTrainer on 10kGNAD (1,028 DER STANDARD articles, CC BY-NC-SA 4.0) "
        "and the seed article; built by tools/train_punkt.py",
        "abbrev_types": sorted(params.abbrev_types),
        "collocations": sorted([a, b] for a, b in params.collocations),
        "sent_starters": sorted(params.sent_starters),
        "ortho_context": ortho_context_groups(params.ortho_context),
    }
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, filename="") as f:
        f.write(json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8"))
    OUT.write_bytes(buffer.getvalue())
    print(
        f"learned {len(learned)} abbreviations, added {len(set(ABBREVIATIONS) - learned)}; "
        f"{len(data['collocations'])} collocations, {len(data['sent_starters'])} sentence "
        f"starters, {len(params.ortho_context)} words with case context; wrote {OUT} "
        f"({OUT.stat().st_size / 1e3:.0f} kB)"
    )


def ortho_context_groups(ortho_context: dict[str, int]) -> list[list[int | str]]:
    """The case context as ``[flags, "word word …"]`` pairs, one per flags value, in order:
    parsed in a millisecond, where a JSON object of 50,000 words takes 20 ms."""
    groups: dict[int, list[str]] = {}
    for word, flags in sorted(ortho_context.items()):
        if not word or any(c.isspace() for c in word):
            raise ValueError(f"cannot store the word type {word!r}")
        groups.setdefault(flags, []).append(word)
    return [[flags, " ".join(words)] for flags, words in sorted(groups.items())]


if __name__ == "__main__":
    main()
