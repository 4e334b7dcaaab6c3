"""Measure "did you mean" (:mod:`newssearch.spelling`) against Whoosh's own corrector.

    python benchmarks/did_you_mean.py [--data benchmarks/data/did_you_mean.jsonl]
        [--index PATH] [--size N] [--json out.json] [--errors] [--whoosh N]
        [--cold N] [--processes N]
    python benchmarks/did_you_mean.py --generate   # rewrite the query set (fixed seed)

The query set (``--generate``) is made from the bundled corpus
(``newssearch.sample.sample_articles()``): content words, names and compounds
of titles and leads found in at least 3 articles, misspelled one way each --
swapped letters, a dropped letter, a doubled letter, a neighbouring key
(QWERTZ), a missing or extra linking ``s`` in a compound, a misspelled name
(a word the German lexicon does not know) -- alone or with a correct word of
the same title; a misspelling that is itself a word of the corpus is skipped
(real-word errors are out of scope). The correct queries are real words
(found in at least 2 articles) and umlaut/ß alternative spellings
(``Osterreich``, ``Oesterreich``, ``Strasse``), none of which may be corrected.

The run builds an index of the sample in a temporary directory (or opens
``--index``; ``--size N`` builds the recombined ``newssearch bench`` corpus of N
articles instead and measures the same queries there), and for each query asks

* newssearch: ``Speller.from_reader(reader).suggest(query)``;
* Whoosh: ``searcher.correct_query(QueryParser("body_exact", schema).parse(q), q)``.

The cost of a suggestion is measured three ways: **warm** (one speller
answers every query; per query), **cold** (``--cold N``: N of the misspelled
queries, each on a fresh reader: ``Speller.from_reader`` and its first
suggestion, what the first misspelled query of a new searcher pays) and
**process** (``--processes N``: the same in a new Python process per query,
as a one-shot ``newssearch search`` pays it, caches of the process empty).
The script uses the public API only, so it measures an older checkout too
(``PYTHONPATH=old/src python benchmarks/did_you_mean.py …``).

A suggestion counts as right when its words, normalised as the index
normalises them (lowercase, ``ä → a``, ``ß → ss``), are the expected query's;
"surface" also requires the spelling shown (``Flüchtlingskrise``) to be the
expected one exactly. A correct query counts as falsely corrected when any
suggestion is made (for Whoosh: a corrected string whose normalised words
differ from the query's).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh.qparser import QueryParser

from newssearch import build_index, open_index
from newssearch.analysis.compounds import load_lexicon
from newssearch.analysis.filters import load_stopwords, normalize_german
from newssearch.article import Article
from newssearch.sample import sample_articles
from newssearch.spelling import Speller

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT / "benchmarks" / "data" / "did_you_mean.jsonl"
SEED = 20261205
KINDS = ("transposition", "dropped", "doubled", "keyboard", "linking-s", "name")
PER_KIND = 60
CORRECT_PLAIN = 220
CORRECT_UMLAUT = 110
QWERTZ_ROWS = ("qwertzuiop", "asdfghjkl", "yxcvbnm")
NOUN_SUFFIXES = ("ung", "ungen", "heit", "keit", "schaft", "ion", "tät", "ismus", "er", "en", "e")


def normal(word: str) -> str:
    return normalize_german(word.lower())


def words_of(text: str) -> list[str]:
    out, cur = [], []
    for ch in text:
        if ch.isalpha():
            cur.append(ch)
        elif cur:
            out.append("".join(cur))
            cur = []
    if cur:
        out.append("".join(cur))
    return out


# -- the query set ---------------------------------------------------------------------------


def _neighbours(ch: str) -> list[str]:
    for r, row in enumerate(QWERTZ_ROWS):
        c = row.find(ch)
        if c >= 0:
            near = [
                QWERTZ_ROWS[rr][cc]
                for rr in (r - 1, r, r + 1)
                if 0 <= rr < len(QWERTZ_ROWS)
                for cc in (c - 1, c, c + 1)
                if 0 <= cc < len(QWERTZ_ROWS[rr])
            ]
            return [n for n in near if n != ch]
    return []


def _typo(word: str, kind: str, rng: random.Random, vocab: Counter[str]) -> str | None:
    n = len(word)
    if kind == "transposition":
        spots = [i for i in range(1, n - 1) if word[i] != word[i + 1] and word[i].islower()]
        if not spots:
            return None
        i = rng.choice(spots)
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "dropped":
        i = rng.randrange(1, n)
        return word[:i] + word[i + 1 :]
    if kind == "doubled":
        i = rng.randrange(1, n)
        return word[: i + 1] + word[i] + word[i + 1 :]
    if kind == "keyboard":
        spots = [i for i in range(1, n) if _neighbours(word[i])]
        if not spots:
            return None
        i = rng.choice(spots)
        return word[:i] + rng.choice(_neighbours(word[i])) + word[i + 1 :]
    if kind == "linking-s":
        low = word.lower()
        drops = [
            i
            for i in range(4, n - 4)
            if low[i] == "s" and vocab[normal(low[:i])] >= 2 and vocab[normal(low[i + 1 :])] >= 2
        ]
        adds = [
            i
            for i in range(4, n - 3)
            if low[i - 1] != "s"
            and vocab[normal(low[:i])] >= 2
            and vocab[normal(low[i:])] >= 2
            and low[i] != "s"
        ]
        if drops:
            i = rng.choice(drops)
            return word[:i] + word[i + 1 :]
        if adds:
            i = rng.choice(adds)
            return word[:i] + "s" + word[i:]
        return None
    # name: drop, double, swap or change a vowel
    sub = rng.choice(("transposition", "dropped", "doubled", "vowel"))
    if sub != "vowel":
        return _typo(word, sub, rng, vocab)
    spots = [i for i in range(1, n) if word[i] in "aeiou"]
    if not spots:
        return None
    i = rng.choice(spots)
    return word[:i] + rng.choice([v for v in "aeiou" if v != word[i]]) + word[i + 1 :]


def generate(articles: Sequence[Article], seed: int = SEED) -> list[dict[str, str]]:
    rng = random.Random(seed)
    stop = load_stopwords()
    lexicon = load_lexicon()
    df: Counter[str] = Counter()
    for a in articles:
        df.update({normal(w) for w in words_of(f"{a.title} {a.lead} {a.body}")})
    titles = [words_of(f"{a.title} {a.lead}") for a in articles]
    content = [
        [w for w in ws if len(w) >= 5 and w.lower() not in stop and df[normal(w)] >= 3]
        for ws in titles
    ]
    pool = sorted({w for ws in content for w in ws})
    # Name-like: capitalised, rare in general German, no noun suffix (Faymann, Vancouver).
    names = [
        w
        for w in pool
        if w[0].isupper()
        and lexicon.frequency(normal(w)) < 3.6
        and not w.lower().endswith(NOUN_SUFFIXES)
    ]
    compounds = [w for w in pool if len(w) >= 10]
    where = {w: [ws for ws in content if w in ws] for w in pool}
    out: list[dict[str, str]] = []
    seen: set[str] = set()

    def query_with(word: str, written: str) -> tuple[str, str]:
        context = [c for ws in where[word] for c in ws if normal(c) != normal(word)]
        if context and rng.random() < 0.4:
            other = rng.choice(context)
            if rng.random() < 0.5:
                return f"{other} {written}", f"{other} {word}"
            return f"{written} {other}", f"{word} {other}"
        return written, word

    for kind in KINDS:
        source = names if kind == "name" else compounds if kind == "linking-s" else pool
        made = 0
        for word in rng.sample(source, len(source)):
            if made >= PER_KIND:
                break
            typo = _typo(word, kind, rng, df)
            if typo is None or df[normal(typo)] > 0 or normal(typo) == normal(word):
                continue
            query, expected = query_with(word, typo)
            if query in seen:
                continue
            seen.add(query)
            out.append({"query": query, "expected": expected, "kind": kind})
            made += 1

    plain = [w for w in pool if df[normal(w)] >= 2]
    for word in rng.sample(plain, CORRECT_PLAIN):
        query, _ = query_with(word, word)
        out.append({"query": query, "expected": query, "kind": "correct"})
    umlauts = [w for w in pool if any(ch in w for ch in "äöüÄÖÜß")]
    spellings = (
        {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"},
        {"ä": "a", "ö": "o", "ü": "u", "Ä": "A", "Ö": "O", "Ü": "U", "ß": "ss"},
    )
    made = 0
    for word in rng.sample(umlauts, len(umlauts)):
        if made >= CORRECT_UMLAUT:
            break
        table = str.maketrans(rng.choice(spellings))
        written = word.translate(table)
        if normal(written) != normal(word):  # e.g. "Oe" + "u": not the same word to the index
            continue
        query, _ = query_with(word, written)
        out.append({"query": query, "expected": query, "kind": "umlaut"})
        made += 1
    return out


# -- the run ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    engine: str
    right: int
    surface: int
    misspelled: int
    false: int
    correct: int
    times_ms: tuple[float, ...]
    errors: tuple[str, ...]

    def row(self) -> dict[str, Any]:
        times = sorted(self.times_ms)
        return {
            "engine": self.engine,
            "top1_right_pct": round(100 * self.right / max(self.misspelled, 1), 1),
            "surface_right_pct": round(100 * self.surface / max(self.misspelled, 1), 1),
            "false_pct": round(100 * self.false / max(self.correct, 1), 1),
            "p50_ms": round(statistics.median(times), 3),
            "p95_ms": round(times[int(0.95 * (len(times) - 1))], 3),
        }


def evaluate(
    engine: str, cases: Iterable[dict[str, str]], correct: Callable[[str], str | None]
) -> Outcome:
    right = surface = misspelled = false = correct_n = 0
    times: list[float] = []
    errors: list[str] = []
    for case in cases:
        start = time.perf_counter()
        got = correct(case["query"])
        times.append(1000 * (time.perf_counter() - start))
        same = got is not None and [normal(w) for w in words_of(got)] == [
            normal(w) for w in words_of(case["expected"])
        ]
        if case["kind"] in ("correct", "umlaut"):
            correct_n += 1
            if got is not None and [normal(w) for w in words_of(got)] != [
                normal(w) for w in words_of(case["query"])
            ]:
                false += 1
                errors.append(f"{engine} false: {case['query']!r} -> {got!r}")
        else:
            misspelled += 1
            right += same
            surface += got == case["expected"]
            if not same:
                errors.append(f"{engine} {case['kind']}: {case['query']!r} -> {got!r}")
    return Outcome(
        engine, right, surface, misspelled, false, correct_n, tuple(times), tuple(errors)
    )


def run(
    path: Path, cases: list[dict[str, str]], *, errors: bool, whoosh_limit: int | None = None
) -> dict[str, Any]:
    index = open_index(path)
    with index, index.store.reader() as reader, index.store.searcher() as searcher:
        start = time.perf_counter()
        speller = Speller.from_reader(reader)
        read_s = time.perf_counter() - start
        start = time.perf_counter()
        entries = speller.build()
        build_s = time.perf_counter() - start
        ours = evaluate(
            "newssearch",
            cases,
            lambda q: s.query if (s := speller.suggest(q)) is not None else None,
        )
        parser = QueryParser("body_exact", index.schema)

        def whoosh(q: str) -> str | None:
            correction = searcher.correct_query(parser.parse(q), q)
            text = correction.string
            return text if isinstance(text, str) and text != q else None

        # Whoosh's corrector takes about a second a query: --whoosh N asks it N queries
        # (every k-th of the set, so both kinds stay in proportion).
        step = max(1, len(cases) // whoosh_limit) if whoosh_limit else 1
        theirs = evaluate("whoosh", cases[::step], whoosh)
        report = {
            "documents": index.doc_count(),
            "vocabulary": speller.size,
            "delete_entries": entries,
            "index_mb": round(speller.index_bytes() / 1e6, 1),
            "read_vocabulary_s": round(read_s, 2),
            "build_s": round(build_s, 2),
            "misspelled": ours.misspelled,
            "correct": ours.correct,
            "whoosh_queries": theirs.misspelled + theirs.correct,
            "rows": [ours.row(), theirs.row()],
        }
    if errors:
        for line in ours.errors + theirs.errors:
            print(line)
    return report


def cold(path: Path, cases: list[dict[str, str]], count: int) -> dict[str, float]:
    """Wall and CPU ms of ``Speller.from_reader`` and one suggestion on a fresh reader,
    for ``count`` misspelled queries (every k-th)."""
    chosen = _misspelled(cases, count)
    times = []
    with open_index(path) as index:
        for case in chosen:
            with index.store.reader() as reader:
                took, _ = _first_suggestion(reader, case["query"])
                times.append(took)
    return _costs(times)


def processes(path: Path, cases: list[dict[str, str]], count: int) -> dict[str, float]:
    """:func:`cold`, each query in a new Python process."""
    times = []
    for case in _misspelled(cases, count):
        done = subprocess.run(
            [sys.executable, __file__, "--index", str(path), "--one", case["query"]],
            capture_output=True,
            text=True,
            check=True,
        )
        times.append(tuple(json.loads(done.stdout)))
    return _costs(times)


def _misspelled(cases: list[dict[str, str]], count: int) -> list[dict[str, str]]:
    wrong = [c for c in cases if c["kind"] not in ("correct", "umlaut")]
    return wrong[:: max(1, len(wrong) // count)][:count]


def _first_suggestion(reader: Any, query: str) -> tuple[tuple[float, float], str | None]:
    wall, cpu = time.perf_counter(), time.process_time()
    found = Speller.from_reader(reader).suggest(query)
    took = (1000 * (time.perf_counter() - wall), 1000 * (time.process_time() - cpu))
    return took, None if found is None else found.query


def _one(path: Path, query: str) -> int:
    """In a child process: time the first suggestion for ``query`` of a fresh reader."""
    with open_index(path) as index, index.store.reader() as reader:
        took, _ = _first_suggestion(reader, query)
    print(json.dumps(took))
    return 0


def _costs(times: list[tuple[float, float]]) -> dict[str, float]:
    wall = sorted(t for t, _ in times)
    cpu = sorted(c for _, c in times)
    return {
        "queries": len(times),
        "p50_ms": round(statistics.median(wall), 2),
        "p95_ms": round(wall[int(0.95 * (len(wall) - 1))], 2),
        "cpu_p50_ms": round(statistics.median(cpu), 2),
        "cpu_p95_ms": round(cpu[int(0.95 * (len(cpu) - 1))], 2),
    }


def print_report(report: dict[str, Any]) -> None:
    print(
        f"{report['documents']} articles, {report['misspelled']} misspelled + "
        f"{report['correct']} correct queries; vocabulary {report['vocabulary']} words, "
        f"{report['delete_entries']} delete entries ({report['index_mb']} MB); "
        f"read vocabulary {report['read_vocabulary_s']} s, build {report['build_s']} s; "
        f"whoosh asked {report['whoosh_queries']} of the queries"
    )
    print(
        f"{'engine':<11} {'top-1 %':>8} {'surface %':>9} {'false %':>8} {'p50 ms':>8} {'p95 ms':>8}"
    )
    for row in report["rows"]:
        print(
            f"{row['engine']:<11} {row['top1_right_pct']:>8} {row['surface_right_pct']:>9} "
            f"{row['false_pct']:>8} {row['p50_ms']:>8} {row['p95_ms']:>8}"
        )
    for name in ("cold", "process"):
        if name in report:
            c = report[name]
            print(
                f"newssearch {name}, first suggestion of a fresh reader ({c['queries']} queries): "
                f"p50 {c['p50_ms']} ms, p95 {c['p95_ms']} ms; "
                f"CPU p50 {c['cpu_p50_ms']} ms, p95 {c['cpu_p95_ms']} ms"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--generate", action="store_true", help="rewrite --data and stop")
    parser.add_argument("--index", type=Path, help="an existing index (else one is built)")
    parser.add_argument("--size", type=int, help="build the bench corpus of this many articles")
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    parser.add_argument("--errors", action="store_true", help="list the wrong suggestions")
    parser.add_argument(
        "--whoosh", type=int, metavar="N", help="ask Whoosh's corrector only N queries (slow)"
    )
    parser.add_argument("--cold", type=int, metavar="N", help="time N cold first suggestions")
    parser.add_argument("--processes", type=int, metavar="N", help="... each in a new process")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # a child process: one query
    args = parser.parse_args(argv)
    if args.one is not None:
        return _one(args.index, args.one)
    if args.generate:
        cases = generate(sample_articles())
        with args.data.open("w", encoding="utf-8") as out:
            for case in cases:
                out.write(json.dumps(case, ensure_ascii=False) + "\n")
        print(f"wrote {len(cases)} queries to {args.data}")
        return 0
    cases = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines()]
    if args.index:
        report = run(args.index, cases, errors=args.errors, whoosh_limit=args.whoosh)
        if args.cold:
            report["cold"] = cold(args.index, cases, args.cold)
        if args.processes:
            report["process"] = processes(args.index, cases, args.processes)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            articles: Sequence[Article] = sample_articles()
            if args.size:
                from newssearch.bench.corpus import corpus

                articles = corpus(args.size)
            start = time.perf_counter()
            build_index(Path(tmp) / "index", articles)
            took = time.perf_counter() - start
            print(f"built the index of {len(articles)} articles in {took:.1f} s")
            report = run(Path(tmp) / "index", cases, errors=args.errors, whoosh_limit=args.whoosh)
            if args.cold:
                report["cold"] = cold(Path(tmp) / "index", cases, args.cold)
            if args.processes:
                report["process"] = processes(Path(tmp) / "index", cases, args.processes)
    print_report(report)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
