"""One writer at a time for every path that changes an index; interrupted rebuilds recover."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from pathlib import Path

import pytest

from newssearch import (
    Article,
    IndexExistsError,
    IndexStateError,
    Searcher,
    build_index,
    open_index,
)
from newssearch.cli import main
from newssearch.index import writer_lock


def _articles(prefix: str, n: int = 3) -> list[Article]:
    return [Article(id=f"{prefix}{i}", title=f"Meldung {prefix} {i}") for i in range(n)]


def _hold_lock(path: str, ready: object, release: object) -> None:
    with writer_lock(Path(path), wait=0):
        ready.set()  # type: ignore[attr-defined]
        release.wait(30)  # type: ignore[attr-defined]


def test_a_second_builder_of_a_new_index_waits_and_then_fails_not_both_succeed(
    tmp_path: Path,
) -> None:
    path = tmp_path / "ix"
    ctx = multiprocessing.get_context("fork")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_lock, args=(str(path), ready, release))
    holder.start()
    try:
        assert ready.wait(10)
        started = time.monotonic()
        with pytest.raises(IndexStateError, match="locked by another writer"):
            build_index(path, _articles("b"), wait=0.3)
        assert time.monotonic() - started >= 0.3
        assert not path.exists()
    finally:
        release.set()
        holder.join(10)


def test_two_concurrent_builds_give_one_index_and_one_clear_failure(tmp_path: Path) -> None:
    path = tmp_path / "ix"
    outcomes: list[str] = []

    def build(prefix: str) -> None:
        try:
            build_index(path, _articles(prefix, 300), procs=1, wait=30)[0].close()
            outcomes.append(f"built {prefix}")
        except IndexExistsError:
            outcomes.append("exists")

    threads = [threading.Thread(target=build, args=(p,)) for p in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes)[0] == "built a" or sorted(outcomes)[0] == "built b"
    assert sorted(outcomes)[1] == "exists"
    with open_index(path) as index:
        assert index.doc_count() == 300


def test_a_dead_writer_leaves_no_lock(tmp_path: Path) -> None:
    path = tmp_path / "ix"
    build_index(path, _articles("a"))[0].close()
    ctx = multiprocessing.get_context("fork")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_lock, args=(str(path), ready, release))
    holder.start()
    assert ready.wait(10)
    os.kill(holder.pid, 9)  # type: ignore[arg-type]
    holder.join(10)
    with open_index(path) as index:
        assert index.update(_articles("b"), wait=1).added == 3


def test_a_rebuild_killed_between_its_renames_is_recovered_on_open(tmp_path: Path) -> None:
    path = tmp_path / "ix"
    build_index(path, _articles("alt"))[0].close()
    # What a rebuild leaves when killed after moving the old index aside.
    os.replace(path, tmp_path / ".ix.old-4242")
    with open_index(path) as index, Searcher(index) as searcher:
        assert {h.id for h in searcher.search("Meldung").hits} == {"alt0", "alt1", "alt2"}
    assert not (tmp_path / ".ix.old-4242").exists()


def test_a_build_after_an_interrupted_rebuild_finds_the_old_index(tmp_path: Path) -> None:
    path = tmp_path / "ix"
    build_index(path, _articles("alt"))[0].close()
    os.replace(path, tmp_path / ".ix.old-4242")
    with pytest.raises(IndexExistsError):
        build_index(path, _articles("neu"))
    index, _ = build_index(path, _articles("neu"), overwrite=True)
    with index:
        assert index.doc_count() == 3


def test_a_rebuild_refuses_a_directory_with_files_of_the_user(tmp_path: Path) -> None:
    path = tmp_path / "ix"
    build_index(path, _articles("alt"))[0].close()
    (path / "notizen.txt").write_text("meine Notizen", encoding="utf-8")
    with pytest.raises(IndexExistsError, match=r"notizen\.txt"):
        build_index(path, _articles("neu"), overwrite=True)
    assert (path / "notizen.txt").read_text(encoding="utf-8") == "meine Notizen"
    with open_index(path) as index:
        assert index.doc_count() == 3


def test_the_cli_index_command_waits_and_says_locked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "ix"
    source = tmp_path / "a.jsonl"
    source.write_text('{"id": "x", "title": "Meldung"}\n', encoding="utf-8")
    ctx = multiprocessing.get_context("fork")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_lock, args=(str(path), ready, release))
    holder.start()
    try:
        assert ready.wait(10)
        assert main(["index", str(source), "--index", str(path), "--wait", "0.2"]) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "locked by another writer" in err
    finally:
        release.set()
        holder.join(10)
    assert main(["index", str(source), "--index", str(path), "--wait", "0"]) == 0
