"""Measure the compound splitter on two hand-labelled lists (``compounds/dev.tsv`` format).

    python benchmarks/compounds_eval.py [--dev tests/data/compounds_dev.tsv]
        [--running tests/data/compounds_running.tsv] [--json out.json] [--errors]

The dev list (nouns of 10+ letters, no names or foreign words) and the
running-text list (a uniform sample of all words of 8+ letters in the 10kGNAD
sample: names, foreign words, adjectives, verbs; ``tests/data/
compounds_running.README.md``). For each: exact-split recall (the share of
compounds whose parts are found exactly), precision (correct splits / words
split), lenient recall (every gold part among ours) and the share of simplex
(non-compound) words split at all; for the running-text list also these by
case (capitalised or lowercase in the text) and, for the simplex words, by word
class (the list's ``class`` column). Words are split as ``splitter.split(word.lower())``
and compared with the casefolded gold parts.

``--errors`` lists the wrong ones of both lists. ``--json`` writes the dev
list's numbers at the top level (as before) and the running-text list's under
``"running"``.
"""

from __future__ import annotations

import argparse
import csv
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from newssearch.analysis.compounds import CompoundSplitter, load_lexicon

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DEV = ROOT / "tests" / "data" / "compounds_dev.tsv"
DEFAULT_RUNNING = ROOT / "tests" / "data" / "compounds_running.tsv"
CASES = ("capitalised", "lowercase")
CLASSES = ("noun", "name", "foreign", "adjective", "verb")


@dataclass(frozen=True)
class Gold:
    word: str
    parts: tuple[str, ...]  # casefolded, as the splitter gives them
    kind: str  # "compound" or "simplex"
    word_class: str  # the optional ``class`` column; "" if the list has none

    @property
    def case(self) -> str:
        """How the word is written in the text: ``lowercase`` or ``capitalised``."""
        return "lowercase" if self.word.islower() else "capitalised"


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
        return self.exact / self.compounds if self.compounds else 0.0

    @property
    def lenient_recall(self) -> float:
        return self.lenient / self.compounds if self.compounds else 0.0

    @property
    def precision(self) -> float:
        return self.correct_splits / self.split_words if self.split_words else 0.0

    @property
    def simplex_error_rate(self) -> float:
        return self.simplex_split / self.simplex if self.simplex else 0.0

    def as_dict(self) -> dict[str, float]:
        return {
            "compounds": self.compounds,
            "simplex": self.simplex,
            "exact_recall": round(self.recall, 4),
            "precision": round(self.precision, 4),
            "lenient_recall": round(self.lenient_recall, 4),
            "simplex_wrongly_split": round(self.simplex_error_rate, 4),
        }


def read_dev(path: Path) -> list[Gold]:
    """A list in ``compounds/dev.tsv`` format; a ``class`` column is read if there is one."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    return [
        Gold(
            r["word"],
            tuple(p.casefold() for p in r["parts"].split("|")),
            r["kind"],
            r.get("class") or "",
        )
        for r in rows
    ]


def split_all(splitter: CompoundSplitter, rows: Iterable[Gold]) -> dict[str, tuple[str, ...]]:
    """The splitter's parts for each word, split as the search analyzer does: lowercased,
    told whether the word can be a noun by its case in the text."""
    return {g.word: splitter.split(g.word.lower(), noun=not g.word.islower()) for g in rows}


def score(
    answers: dict[str, tuple[str, ...]],
    rows: Iterable[Gold],
    errors: list[str] | None = None,
) -> SplitScores:
    counts = dict.fromkeys(SplitScores.__dataclass_fields__, 0)
    for gold in rows:
        word, parts = gold.word, answers[gold.word]
        if parts:
            counts["split_words"] += 1
            counts["correct_splits"] += gold.kind == "compound" and parts == gold.parts
        if gold.kind == "compound":
            counts["compounds"] += 1
            counts["exact"] += parts == gold.parts
            counts["lenient"] += bool(parts) and set(gold.parts) <= set(parts)
            if errors is not None and parts != gold.parts:
                errors.append(
                    f"compound {word}: gold {'|'.join(gold.parts)}, got {'|'.join(parts) or '-'}"
                )
        else:
            counts["simplex"] += 1
            counts["simplex_split"] += bool(parts)
            if errors is not None and parts:
                errors.append(f"simplex  {word}: got {'|'.join(parts)}")
    return SplitScores(**counts)


def by_group(
    answers: dict[str, tuple[str, ...]],
    rows: list[Gold],
    key: Callable[[Gold], str],
    groups: Iterable[str],
) -> dict[str, SplitScores]:
    return {g: score(answers, [r for r in rows if key(r) == g]) for g in groups}


@dataclass(frozen=True)
class Evaluation:
    name: str
    rows: list[Gold]
    answers: dict[str, tuple[str, ...]]
    us_per_word: float  # with a fresh splitter (empty memo), lexicon already loaded
    scores: SplitScores
    errors: list[str]


def evaluate(name: str, rows: list[Gold]) -> Evaluation:
    splitter = CompoundSplitter()
    started = time.perf_counter()
    answers = split_all(splitter, rows)
    us_per_word = (time.perf_counter() - started) / len(rows) * 1e6
    errors: list[str] = []
    scores = score(answers, rows, errors)
    return Evaluation(name, rows, answers, us_per_word, scores, errors)


def _share(n: int, of: int) -> str:
    return f"{n / of:.3f} ({n}/{of})" if of else "–"


def summary_table(evaluations: list[Evaluation]) -> str:
    lines = [
        "| list | words | exact recall | precision | lenient recall | simplex split |"
        " µs/word (cold) |",
        "|---|---|---|---|---|---|---|",
    ]
    for e in evaluations:
        s = e.scores
        lines.append(
            f"| {e.name} | {s.compounds} compounds + {s.simplex} simplex |"
            f" {_share(s.exact, s.compounds)} | {_share(s.correct_splits, s.split_words)} |"
            f" {s.lenient_recall:.3f} | {_share(s.simplex_split, s.simplex)} |"
            f" {e.us_per_word:.0f} |"
        )
    return "\n".join(lines)


def breakdown_table(title: str, groups: dict[str, SplitScores]) -> str:
    lines = [
        f"| {title} | compounds | exact recall | simplex | simplex split |",
        "|---|---|---|---|---|",
    ]
    for name, s in groups.items():
        lines.append(
            f"| {name} | {s.compounds} | {_share(s.exact, s.compounds)} | {s.simplex} |"
            f" {_share(s.simplex_split, s.simplex)} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", type=Path, default=DEFAULT_DEV)
    parser.add_argument("--running", type=Path, default=DEFAULT_RUNNING)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--errors", action="store_true", help="list the words split wrongly")
    args = parser.parse_args()
    load_lexicon()
    dev = evaluate("dev", read_dev(args.dev))
    running = evaluate("running text", read_dev(args.running))
    by_case = by_group(running.answers, running.rows, lambda g: g.case, CASES)
    classes = [c for c in CLASSES if any(r.word_class == c for r in running.rows)]
    simplex_rows = [r for r in running.rows if r.kind == "simplex"]
    by_class = by_group(running.answers, simplex_rows, lambda g: g.word_class, classes)
    print(summary_table([dev, running]))
    print()
    print(breakdown_table("running text, by case", by_case))
    if by_class:
        print()
        print(breakdown_table("running-text simplex words, by class", by_class))
    if args.errors:
        for e in (dev, running):
            print(f"\n{e.name}: {len(e.errors)} wrong")
            print("\n".join(e.errors))
    if args.json:
        report = {
            **dev.scores.as_dict(),
            "us_per_word": dev.us_per_word,
            "running": {
                **running.scores.as_dict(),
                "us_per_word": running.us_per_word,
                "by_case": {k: v.as_dict() for k, v in by_case.items()},
                "simplex_by_class": {
                    k: {
                        "simplex": v.simplex,
                        "simplex_wrongly_split": round(v.simplex_error_rate, 4),
                    }
                    for k, v in by_class.items()
                },
            },
        }
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
