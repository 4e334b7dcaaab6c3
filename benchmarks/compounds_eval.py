"""Measure the compound splitter on a hand-labelled list (``compounds/dev.tsv`` format).

    python benchmarks/compounds_eval.py [--dev tests/data/compounds_dev.tsv] [--json out.json]
        [--errors]

Reports, for compounds: exact-split recall (the share whose parts are found
exactly), precision (correct splits / words split), lenient recall (every
gold part among ours); for simplex words: the share wrongly split.
"""

from __future__ import annotations

import argparse
import csv
import json
import time
from dataclasses import dataclass
from pathlib import Path

from newssearch.analysis.compounds import CompoundSplitter, load_lexicon

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DEV = ROOT / "tests" / "data" / "compounds_dev.tsv"


@dataclass(frozen=True)
class SplitScores:
    compounds: int
    simplex: int
    exact: int
    lenient: int
    split_words: int
    correct_splits: int
    simplex_split: int

    @property
    def recall(self) -> float:
        return self.exact / self.compounds

    @property
    def lenient_recall(self) -> float:
        return self.lenient / self.compounds

    @property
    def precision(self) -> float:
        return self.correct_splits / self.split_words if self.split_words else 0.0

    @property
    def simplex_error_rate(self) -> float:
        return self.simplex_split / self.simplex

    def as_dict(self) -> dict[str, float]:
        return {
            "compounds": self.compounds,
            "simplex": self.simplex,
            "exact_recall": round(self.recall, 4),
            "precision": round(self.precision, 4),
            "lenient_recall": round(self.lenient_recall, 4),
            "simplex_wrongly_split": round(self.simplex_error_rate, 4),
        }


def read_dev(path: Path) -> list[tuple[str, tuple[str, ...], str]]:
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    return [
        (r["word"], tuple(p.casefold() for p in r["parts"].split("|")), r["kind"]) for r in rows
    ]


def score(
    splitter: CompoundSplitter,
    rows: list[tuple[str, tuple[str, ...], str]],
    errors: list[str] | None = None,
) -> SplitScores:
    counts = dict(
        compounds=0, simplex=0, exact=0, lenient=0, split_words=0, correct_splits=0, simplex_split=0
    )
    for word, gold, kind in rows:
        parts = splitter.split(word.lower())
        if parts:
            counts["split_words"] += 1
            counts["correct_splits"] += kind == "compound" and parts == gold
        if kind == "compound":
            counts["compounds"] += 1
            counts["exact"] += parts == gold
            counts["lenient"] += bool(parts) and set(gold) <= set(parts)
            if errors is not None and parts != gold:
                errors.append(f"compound {word}: gold {'|'.join(gold)}, got {'|'.join(parts)}")
        else:
            counts["simplex"] += 1
            counts["simplex_split"] += bool(parts)
            if errors is not None and parts:
                errors.append(f"simplex  {word}: got {'|'.join(parts)}")
    return SplitScores(**counts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", type=Path, default=DEFAULT_DEV)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--errors", action="store_true", help="list the words split wrongly")
    args = parser.parse_args()
    rows = read_dev(args.dev)
    load_lexicon()
    splitter = CompoundSplitter()
    errors: list[str] = []
    started = time.perf_counter()
    scores = score(splitter, rows, errors)
    per_word_us = (time.perf_counter() - started) / len(rows) * 1e6
    print(
        f"| words | exact recall | precision | lenient recall | simplex wrongly split |"
        f" µs/word (cold) |\n|---|---|---|---|---|---|\n"
        f"| {scores.compounds} compounds + {scores.simplex} simplex | {scores.recall:.3f} |"
        f" {scores.precision:.3f} | {scores.lenient_recall:.3f} |"
        f" {scores.simplex_error_rate:.3f} | {per_word_us:.0f} |"
    )
    if args.errors:
        print("\n".join(errors))
    if args.json:
        args.json.write_text(
            json.dumps({**scores.as_dict(), "us_per_word": per_word_us}, indent=2) + "\n",
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
