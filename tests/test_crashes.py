"""Crashes leave no debris: killed imports leave the old or the new index, no process,
no lock and nothing on disk once the next writer ran; the parallel writer's workers
die with it and a lost worker fails the commit instead of losing its articles.

The random-moment trials (``benchmarks/reliability.py``) run behind the ``slow``
marker; here each kind is killed once at a moment chosen to hit it mid-write.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from newssearch import Article, IndexWriteError, Searcher, build_index, open_index
from newssearch.engine.documents import to_document
from newssearch.engine.writers import ParallelWriter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import reliability  # benchmarks/reliability.py


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> reliability.CrashBench:
    return reliability.CrashBench.make(tmp_path_factory.mktemp("crash"))


@pytest.mark.parametrize(
    ("via", "kind", "delay", "after_workers"),
    [
        ("api", "new", 0.2, True),
        ("cli", "add", 0.2, True),
        ("api", "replace", 1.2, False),
        ("cli", "new", 0.4, False),
    ],
)
def test_a_killed_import_leaves_old_or_new_and_nothing_else(
    bench: reliability.CrashBench,
    via: reliability.Via,
    kind: reliability.Kind,
    delay: float,
    after_workers: bool,
) -> None:
    name = f"{via}-{kind}"
    outcome = reliability.crash_trial(
        bench, via=via, kind=kind, delay=delay, name=name, after_workers=after_workers
    )
    assert outcome.exit_code == -signal.SIGKILL, "the import ended before it was killed"
    assert outcome.state in ("old", "new"), outcome
    assert outcome.duplicate_ids == 0
    assert outcome.orphans == 0, "writing processes outlived the killed import"
    assert outcome.lock_wait < 2.0, "the lock outlived the killed import"
    assert outcome.debris == (), outcome.debris


def test_an_import_that_finishes_is_checked_as_new(bench: reliability.CrashBench) -> None:
    """The trial's own check can tell old from new (a control for the test above)."""
    outcome = reliability.crash_trial(bench, via="api", kind="add", delay=None, name="done")
    assert (outcome.exit_code, outcome.state, outcome.ok) == (0, "new", True)


# --- the parallel writer ----------------------------------------------------------------------


def _articles(prefix: str, n: int) -> list[Article]:
    return [
        Article(id=f"{prefix}{i}", title=f"Meldung {i}", body="Text der Meldung.") for i in range(n)
    ]


@pytest.fixture()
def writer(tmp_path: Path) -> Iterator[tuple[Path, ParallelWriter]]:
    path = tmp_path / "ix"
    build_index(path, _articles("alt", 5))[0].close()
    with open_index(path) as index:
        parallel = index.store.writer(procs=2)
        assert isinstance(parallel, ParallelWriter)
        for article in _articles("neu", 400):
            parallel.add_document(**to_document(article))
        try:
            yield path, parallel
        finally:
            parallel.cancel()


def _wait_for(condition: object, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.02)
    return False


def test_cancel_kills_and_reaps_every_worker(writer: tuple[Path, ParallelWriter]) -> None:
    _, parallel = writer
    assert parallel.tasks and all(task.is_alive() for task in parallel.tasks)
    parallel.cancel()
    assert all(task.exitcode is not None for task in parallel.tasks)


def test_workers_leave_ctrl_c_to_their_parent(writer: tuple[Path, ParallelWriter]) -> None:
    path, parallel = writer
    # Give the workers time to install their handlers before the signal.
    assert _wait_for(lambda: not any(path.glob("newssearch.tmp/*.doclist")))
    for task in parallel.tasks:
        os.kill(task.pid, signal.SIGINT)
    time.sleep(0.3)
    assert all(task.is_alive() for task in parallel.tasks)


def test_a_killed_worker_fails_the_commit_and_nothing_is_committed(
    writer: tuple[Path, ParallelWriter],
) -> None:
    path, parallel = writer
    os.kill(parallel.tasks[0].pid, signal.SIGKILL)
    with pytest.raises(IndexWriteError, match="ended abnormally"):
        parallel.commit()
    parallel.cancel()
    with open_index(path) as index:
        assert index.doc_count() == 5
        # What the failed commit's processes wrote is unreferenced: the next clean removes it.
        removed = index.store.clean()
        assert removed and all(name.startswith("newssearch_") for name in removed)
        assert index.store.clean() == []
    with open_index(path) as index, Searcher(index) as searcher:
        assert searcher.search("Meldung", limit=10).total == 5


def test_a_failing_worker_fails_the_commit_with_its_error(tmp_path: Path) -> None:
    path = tmp_path / "ix"
    build_index(path, _articles("alt", 5))[0].close()
    with open_index(path) as index:
        parallel = index.store.writer(procs=2)
        try:
            for n in range(300):
                # Not a field of the schema: Whoosh refuses it in the worker.
                parallel.add_document(id=f"x{n}", no_such_field="x")
            with pytest.raises(IndexWriteError, match="no_such_field"):
                parallel.commit()
        finally:
            parallel.cancel()
        assert index.doc_count() == 5


# --- what the next writer removes, and only that ------------------------------------------------


def test_the_store_removes_what_a_dead_writer_left_inside_and_nothing_else(
    tmp_path: Path,
) -> None:
    path = tmp_path / "ix"
    build_index(path, _articles("a", 5))[0].close()
    kept = sorted(p.name for p in path.iterdir())
    (path / "newssearch.tmp").mkdir()
    (path / "newssearch.tmp" / "abc.doclist").write_bytes(b"x")
    debris = [
        "_newssearch_7.toc.1733390000.5",
        "newssearch_0123abcd.seg",
        "newssearch_0123abcd.trm",
    ]
    for name in debris:
        (path / name).write_bytes(b"x")
    (path / "_newssearch_0.toc").write_bytes(b"an older generation")
    with open_index(path) as index:
        removed = index.store.clean()
        assert sorted(removed) == sorted([*debris, "_newssearch_0.toc", "newssearch.tmp"])
        assert sorted(p.name for p in path.iterdir()) == kept
        assert index.store.clean() == []
        with Searcher(index) as searcher:
            assert searcher.search("Meldung").total == 5


def test_the_store_leaves_a_live_whoosh_writer_alone(tmp_path: Path) -> None:
    path = tmp_path / "ix"
    build_index(path, _articles("a", 5))[0].close()
    with open_index(path) as index:
        raw = index.store.writer()
        try:
            assert (path / "newssearch.tmp").is_dir()
            assert index.store.clean() == []
            assert (path / "newssearch.tmp").is_dir()
        finally:
            raw.cancel()


def test_the_next_writer_removes_what_dead_writers_left_beside_the_index(
    tmp_path: Path,
) -> None:
    path = tmp_path / "ix"
    build_index(path, _articles("a", 3))[0].close()
    debris = [
        tmp_path / ".ix.building-123-abcd1234",
        tmp_path / ".ix.old-456",
    ]
    for directory in debris:
        directory.mkdir()
        (directory / "newssearch.json").write_text("{}")
    lock = tmp_path / "..ix.building-123-abcd1234.lock"
    lock.write_text("")
    others = [tmp_path / ".other.building-1-ab", tmp_path / "ix-notes.txt"]
    others[0].mkdir()
    others[1].write_text("meine Notizen")
    with open_index(path) as index:
        index.update(_articles("b", 2))
    assert not any(p.exists() for p in [*debris, lock])
    assert all(p.exists() for p in others)


@pytest.mark.slow
def test_sixty_imports_killed_at_random_moments(tmp_path: Path) -> None:
    outcomes = reliability.run_crash_trials(tmp_path, trials=60, seed=7)
    assert [o for o in outcomes if not o.ok] == []
