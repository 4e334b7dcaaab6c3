"""The reliability suite: imports killed at random moments, readers while writers
commit, fuzzed queries, long tokens.  Prints a summary table and writes JSON.

    python benchmarks/reliability.py --crash-trials 60 --fuzz-articles 10000 \\
        --fuzz-queries 10000 --json benchmarks/results/reliability.json

Crash trials
    An import (through the Python API or the ``newssearch index`` command; a
    new index, new articles added to one by parallel processes, or articles
    replacing others) is killed with SIGKILL after a random delay.  Then:
    the index must hold exactly the old or exactly the new articles, each id
    once; no process of the import may live on after a few seconds; the next
    writer must get the lock at once, and after it nothing a writer leaves
    behind may remain, beside the index or inside it.
Readers and writers
    Threads share one ``Searcher`` while another process commits updates.
Fuzz
    Fuzzed query texts (``fuzz_queries.py``) on an index of recombined real
    sentences: any exception but ``QueryError`` is a failure; latency p99.9.
Long tokens
    Analysis time of runs without whitespace of growing length (linear?).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from newssearch import (
    Article,
    IndexNotFoundError,
    NewsIndex,
    Searcher,
    build_index,
    german_analyzer,
    open_index,
)
from newssearch.bench.corpus import corpus
from newssearch.sample import sample_articles

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fuzz_queries import (  # beside this file
    FuzzReport,
    corpus_vocabulary,
    format_report,
    fuzz_queries,
    run_fuzz,
)

Via = Literal["api", "cli"]
#: new: build a new index; add: new articles to an index (parallel writer);
#: replace: articles replacing others (one process).
Kind = Literal["new", "add", "replace"]
KINDS: tuple[Kind, ...] = ("new", "add", "replace")
VIAS: tuple[Via, ...] = ("api", "cli")

#: The environment variable that marks every process of one trial (children inherit it).
MARKER = "NEWSSEARCH_TRIAL"
#: How long the processes of a killed import may take to disappear.
ORPHAN_GRACE_SECONDS = 5.0

#: The importer run through the Python API.
_API_IMPORTER = """
import sys
from newssearch import build_index, index_exists, open_index, read_articles
articles = read_articles([sys.argv[1]]).articles
if index_exists(sys.argv[2]):
    open_index(sys.argv[2]).update(articles)
else:
    build_index(sys.argv[2], articles)
"""


# --- crash trials --------------------------------------------------------------------------


@dataclass(frozen=True)
class CrashOutcome:
    """What one killed import left."""

    via: Via
    kind: Kind
    delay: float
    #: "old", "new", or "neither" (a failure).
    state: str
    duplicate_ids: int
    #: Processes of the import still alive ORPHAN_GRACE_SECONDS after the kill.
    orphans: int
    #: Seconds the next writer waited for the lock.
    lock_wait: float
    #: What remained after the next writer: beside the index, inside it.
    debris: tuple[str, ...]
    exit_code: int | None
    #: Seconds from the start of the import to its end or its kill.
    ran: float

    @property
    def ok(self) -> bool:
        return (
            self.state in ("old", "new")
            and self.duplicate_ids == 0
            and self.orphans == 0
            and not self.debris
        )


@dataclass
class CrashBench:
    """The inputs of crash trials, made once: articles, a template index, their files."""

    workdir: Path
    old: list[Article] = field(default_factory=list)
    batches: dict[Kind, list[Article]] = field(default_factory=dict)
    files: dict[Kind, Path] = field(default_factory=dict)
    template: Path = Path()

    @classmethod
    def make(cls, workdir: Path, *, old: int = 300, batch: int = 600) -> CrashBench:
        articles = list(sample_articles())
        bench = cls(workdir)
        bench.old = articles[:old]
        bench.batches = {
            "new": articles[old : old + batch],
            "add": articles[old : old + batch],
            # a third replaces old articles (new titles), the rest is new
            "replace": [
                Article(id=a.id, title=f"{a.title} (neu)", body=a.body, lead=a.lead)
                for a in articles[: old // 3]
            ]
            + articles[old : old + batch // 3],
        }
        for kind, batch_articles in bench.batches.items():
            bench.files[kind] = workdir / f"{kind}.jsonl"
            _write_jsonl(bench.files[kind], batch_articles)
        bench.template = workdir / "template"
        build_index(bench.template, bench.old)[0].close()
        return bench

    def expected(self, kind: Kind) -> tuple[dict[str, str], dict[str, str]]:
        """id → title of the index before and after a complete import of ``kind``."""
        before = {} if kind == "new" else {a.id: a.title for a in self.old}
        after = {**before, **{a.id: a.title for a in self.batches[kind]}}
        return before, after


def crash_trial(
    bench: CrashBench,
    *,
    via: Via,
    kind: Kind,
    delay: float | None,
    name: str,
    after_workers: bool = False,
) -> CrashOutcome:
    """Start an import, kill it after ``delay`` seconds (``None``: let it finish;
    ``after_workers``: counted from when its first writing process started),
    and check what it left."""
    trial_dir = bench.workdir / name
    trial_dir.mkdir()
    path = trial_dir / "ix"
    if kind != "new":
        shutil.copytree(bench.template, path)
    started = time.monotonic()
    process = start_import(bench.files[kind], path, via=via, marker=name)
    if after_workers:
        deadline = time.monotonic() + 60
        while len(processes_with(name)) < 2 and process.poll() is None:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name}: no writing process started within 60 s")
            time.sleep(0.01)
    try:
        exit_code: int | None = process.wait(delay)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        exit_code = process.wait()
    ran = time.monotonic() - started
    return check_after_crash(
        bench, path, via=via, kind=kind, delay=delay, marker=name, exit_code=exit_code, ran=ran
    )


def start_import(source: Path, path: Path, *, via: Via, marker: str) -> subprocess.Popen[bytes]:
    """An import of ``source`` into ``path`` as a child process marked with ``marker``."""
    env = {**os.environ, MARKER: marker}
    if via == "api":
        command = [sys.executable, "-c", _API_IMPORTER, str(source), str(path)]
    else:
        command = [
            sys.executable,
            "-m",
            "newssearch",
            "index",
            str(source),
            "--index",
            str(path),
            "--no-progress",
        ]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def check_after_crash(
    bench: CrashBench,
    path: Path,
    *,
    via: Via,
    kind: Kind,
    delay: float | None,
    marker: str,
    exit_code: int | None,
    ran: float,
) -> CrashOutcome:
    """What a killed import left at ``path``, and whether the next writer puts it right."""
    orphans = wait_for_processes_to_end(marker, ORPHAN_GRACE_SECONDS)
    for pid in orphans:  # do not leave them running for the next trial
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    before, after = bench.expected(kind)
    stored = stored_titles(path)
    duplicates = 0
    if stored is None:
        state = "old" if kind == "new" else "neither"
    else:
        titles, duplicates = stored
        state = "old" if titles == before else "new" if titles == after else "neither"
    started = time.monotonic()
    probe = Article(id=f"probe-{marker}", title="Nachprüfung")
    try:
        index = open_index(path)
    except IndexNotFoundError:
        index = build_index(path, [probe], wait=30)[0]
    else:
        index.update([probe], wait=30)
    lock_wait = time.monotonic() - started
    with index:
        debris = leftovers(index)
    return CrashOutcome(
        via=via,
        kind=kind,
        delay=-1.0 if delay is None else round(delay, 3),
        state=state,
        duplicate_ids=duplicates,
        orphans=len(orphans),
        lock_wait=round(lock_wait, 3),
        debris=tuple(debris),
        exit_code=exit_code,
        ran=round(ran, 3),
    )


def stored_titles(path: Path) -> tuple[dict[str, str], int] | None:
    """id → title of every live article at ``path`` and how many ids occur more than
    once; ``None`` if there is no index."""
    try:
        index = open_index(path)
    except IndexNotFoundError:
        return None
    with index, index.store.reader() as reader:
        pairs = [(f["id"], f.get("title", "")) for f in reader.all_stored_fields()]
    titles = dict(pairs)
    return titles, len(pairs) - len(titles)


def leftovers(index: NewsIndex) -> list[str]:
    """What a writer leaves behind that is still at and beside ``index`` (nothing, if
    the last writer cleaned up): staging directories, locks, indexes moved aside,
    temporary and unreferenced files inside."""
    path = index.path
    beside = sorted(
        p.name
        for p in path.parent.iterdir()
        if p.name.startswith((f".{path.name}.", f"..{path.name}."))
    )
    inside = index.store.clean()  # what the store would remove now: should be nothing
    return [*beside, *(f"{path.name}/{name}" for name in inside)]


def processes_with(marker: str) -> list[int]:
    """The live (not zombie) processes whose environment carries ``MARKER=marker``."""
    wanted = f"{MARKER}={marker}".encode()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            environ = Path(f"/proc/{entry}/environ").read_bytes()
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        if wanted in environ.split(b"\0") and stat.rsplit(")", 1)[1].split()[0] != "Z":
            found.append(int(entry))
    return found


def wait_for_processes_to_end(marker: str, seconds: float) -> list[int]:
    """Wait up to ``seconds`` for the processes marked ``marker`` to end; those still alive."""
    deadline = time.monotonic() + seconds
    while True:
        alive = processes_with(marker)
        if not alive or time.monotonic() >= deadline:
            return alive
        time.sleep(0.05)


def run_crash_trials(workdir: Path, *, trials: int, seed: int) -> list[CrashOutcome]:
    """``trials`` killed imports, ways and kinds round-robin.

    Each way and kind is first run once to the end (a control: it must give
    the new state); its duration ``d`` sets the range of the kill moments,
    uniform in [0.1 s, 1.1 d], so that trials hit start-up, analysis, writing
    and the commit alike (and some imports finish first).
    """
    bench = CrashBench.make(workdir)
    rng = random.Random(seed)
    combos = [(via, kind) for via in VIAS for kind in KINDS]
    durations = {}
    for via, kind in combos:
        control = crash_trial(bench, via=via, kind=kind, delay=None, name=f"full-{via}-{kind}")
        durations[via, kind] = control.ran
        if not (control.ok and control.state == "new"):
            raise RuntimeError(f"an import that was not killed gave {control}")
    outcomes = []
    for n in range(trials):
        via, kind = combos[n % len(combos)]
        delay = rng.uniform(0.1, 1.1 * durations[via, kind])
        outcomes.append(crash_trial(bench, via=via, kind=kind, delay=delay, name=f"trial{n}"))
    return outcomes


def summarize_crashes(outcomes: Sequence[CrashOutcome]) -> list[dict[str, Any]]:
    """One row per way and kind: trials, old/new/neither, duplicates, orphans, debris."""
    rows = []
    for via in VIAS:
        for kind in KINDS:
            group = [o for o in outcomes if o.via == via and o.kind == kind]
            if not group:
                continue
            rows.append(
                {
                    "via": via,
                    "kind": kind,
                    "trials": len(group),
                    "old": sum(o.state == "old" for o in group),
                    "new": sum(o.state == "new" for o in group),
                    "neither": sum(o.state == "neither" for o in group),
                    "duplicate ids": sum(o.duplicate_ids for o in group),
                    "orphans": sum(o.orphans for o in group),
                    "with debris": sum(bool(o.debris) for o in group),
                    "finished before the kill": sum(o.exit_code == 0 for o in group),
                    "max lock wait s": max(o.lock_wait for o in group),
                }
            )
    return rows


# --- readers while a writer commits ----------------------------------------------------------


@dataclass(frozen=True)
class ConcurrencyOutcome:
    threads: int
    queries: int
    commits: int
    errors: int
    examples: tuple[str, ...]
    new_articles_seen: bool


def concurrency_trial(
    workdir: Path, *, threads: int = 8, queries: int = 200, commits: int = 8
) -> ConcurrencyOutcome:
    """``threads`` threads × ``queries`` queries on one Searcher while another process
    commits ``commits`` updates; every exception counts."""
    articles = list(sample_articles())
    path = workdir / "concurrency"
    index = build_index(path, articles[:500])[0]
    words = [
        "Regierung",
        "Wien",
        "Flüchtlinge",
        "Fußball",
        "Bundes*",
        '"Europäische Union"',
        "Euro ODER Dollar",
        "Kanzler NICHT Faymann",
    ]
    errors: list[str] = []
    lock = threading.Lock()
    extra = [
        Article(id=f"commit-{i}", title=f"Zusatzmeldung Quallenplage {i}") for i in range(commits)
    ]
    extra_file = workdir / "concurrency-extra.jsonl"
    with index, Searcher(index, refresh_interval=0.05) as searcher:

        def read(n: int) -> None:
            for i in range(queries):
                try:
                    searcher.search(words[(n + i) % len(words)], limit=10)
                except Exception as exc:  # every kind counts here
                    with lock:
                        errors.append(f"{type(exc).__name__}: {exc}"[:200])

        readers = [threading.Thread(target=read, args=(n,)) for n in range(threads)]
        for t in readers:
            t.start()
        for article in extra:
            _write_jsonl(extra_file, [article])
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "newssearch",
                    "index",
                    str(extra_file),
                    "--index",
                    str(path),
                    "--no-progress",
                    "--wait",
                    "30",
                ],
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        for t in readers:
            t.join()
        time.sleep(0.1)
        seen = searcher.search("Quallenplage", limit=commits + 5).total == commits
    return ConcurrencyOutcome(
        threads=threads,
        queries=threads * queries,
        commits=commits,
        errors=len(errors),
        examples=tuple(errors[:5]),
        new_articles_seen=seen,
    )


# --- fuzzed queries --------------------------------------------------------------------------


def fuzz_trial(workdir: Path, *, articles: int, queries: int, seed: int) -> FuzzReport:
    """``queries`` fuzzed query texts (``fuzz_queries.py``) on an index of ``articles``
    recombined real articles, with highlights; every exception but ``QueryError`` is a bug."""
    docs = corpus(articles)
    index = build_index(workdir / f"fuzz-{articles}", docs)[0]
    texts = fuzz_queries(queries, seed=seed, vocabulary=corpus_vocabulary(docs))
    with index, Searcher(index) as searcher:
        return run_fuzz(searcher, texts)


# --- long tokens -----------------------------------------------------------------------------


def long_token_times(lengths: Sequence[int] = (16_000, 64_000, 256_000)) -> list[dict[str, Any]]:
    """Seconds to analyse runs without whitespace of each length, for units that once
    took quadratic time (the tokenizer's pattern, the decompounder)."""
    rows = []
    analyzer = german_analyzer()
    for unit in ("sicherheitsgarantien", "a_", "a.b-", "QUJD"):
        row: dict[str, Any] = {"unit": unit}
        for n in lengths:
            text = (unit * (n // len(unit) + 1))[:n]
            started = time.perf_counter()
            for _ in analyzer(text, positions=True, chars=True, mode="index"):
                pass
            row[f"{n // 1000}k s"] = round(time.perf_counter() - started, 3)
        rows.append(row)
    return rows


# --- output ----------------------------------------------------------------------------------


def markdown_table(rows: Sequence[dict[str, Any]]) -> str:
    if not rows:
        return "(none)"
    heads = list(rows[0])
    lines = ["| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
    lines += ["| " + " | ".join(str(r[h]) for h in heads) + " |" for r in rows]
    return "\n".join(lines)


def _write_jsonl(path: Path, articles: Sequence[Article]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for a in articles:
            record = {"id": a.id, "title": a.title, "lead": a.lead, "body": a.body}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


@contextlib.contextmanager
def _workdir(given: str | None) -> Iterator[Path]:
    if given:
        Path(given).mkdir(parents=True, exist_ok=True)
        yield Path(given)
        return
    with tempfile.TemporaryDirectory(prefix="newssearch-reliability-") as tmp:
        yield Path(tmp)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--crash-trials", type=int, default=60)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--fuzz-articles", type=int, default=10_000)
    parser.add_argument("--fuzz-queries", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir")
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    report: dict[str, Any] = {}
    with _workdir(args.workdir) as workdir:
        if args.crash_trials:
            crash_dir = workdir / "crash"
            crash_dir.mkdir()
            outcomes = run_crash_trials(crash_dir, trials=args.crash_trials, seed=args.seed)
            rows = summarize_crashes(outcomes)
            print("## Imports killed at random moments\n")
            print(markdown_table(rows))
            failures = [o for o in outcomes if not o.ok]
            for o in failures[:10]:
                print(f"- FAILED {o}")
            report["crash"] = {"rows": rows, "trials": [asdict(o) for o in outcomes]}
        if args.threads:
            outcome = concurrency_trial(workdir, threads=args.threads)
            print("\n## Threads sharing one Searcher while another process commits\n")
            print(markdown_table([asdict(outcome)]))
            report["concurrency"] = asdict(outcome)
        if args.fuzz_queries:
            fuzz = fuzz_trial(
                workdir, articles=args.fuzz_articles, queries=args.fuzz_queries, seed=args.seed
            )
            print(f"\n## {args.fuzz_queries:,} fuzzed queries on {args.fuzz_articles:,} articles\n")
            print(format_report(fuzz))
            report["fuzz"] = asdict(fuzz)
        rows = long_token_times()
        print("\n## Analysis of long runs without whitespace (seconds)\n")
        print(markdown_table(rows))
        report["long_tokens"] = rows
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
