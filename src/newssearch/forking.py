"""Work shared with forked child processes that never outlive their parent.

The writers fork: the parallel writer's workers
(:mod:`newssearch.engine.writers`), the vocabulary files' writers
(:mod:`newssearch.engine.vocabulary`), and :func:`forked_map`, which computes
the wire-copy signatures of a large import on every CPU.  A child asks the
kernel to kill it when its parent dies (:func:`die_with_parent`), ignores
SIGINT (the parent handles Ctrl-C) and leaves with ``os._exit``, never
running the parent's exit code (:func:`fork_child`).
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import suppress
from functools import partial
from typing import IO, TypeVar

__all__ = ["die_with_parent", "fork_child", "forked_map"]

T = TypeVar("T")

#: ``prctl`` option: the signal the kernel sends a process when its parent dies.
_PR_SET_PDEATHSIG = 1
#: How often a watchdog thread (off Linux) looks whether the parent lives.
_POLL_SECONDS = 0.5
#: A result's length prefix in a child's output.
_LENGTH_BYTES = 4


def die_with_parent(parent: int) -> None:
    """Have this process killed when the process ``parent`` ends."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
            if os.getppid() != parent:  # it died before the request took effect
                os._exit(1)
            return
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(_POLL_SECONDS)
    os._exit(1)


def fork_child(work: Callable[[], object]) -> int:
    """Run ``work`` in a forked child that dies with this process, leaves Ctrl-C to
    it, and exits with status 0 if ``work`` returned, 1 if it raised (no
    traceback, none of this process's exit code); the child's pid."""
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            die_with_parent(parent)
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            work()
            status = 0
        finally:
            os._exit(status)
    return pid


def forked_map(func: Callable[[T], bytes], items: Sequence[T], *, processes: int) -> list[bytes]:
    """``[func(item) for item in items]``, the items split into ``processes``
    consecutive parts, all but the first computed in forked children.

    ``func`` must be deterministic and free of side effects: a part whose child
    fails or dies is computed here instead, so the result is always complete.
    A child writes its results to an unnamed temporary file (a pipe would fill
    while this process computes its own part).  Without ``os.fork`` or with
    fewer than two processes, everything is computed here.
    """
    count = len(items)
    processes = max(1, min(processes, count))
    if processes < 2 or not hasattr(os, "fork"):
        return [func(item) for item in items]
    bounds = [count * k // processes for k in range(processes + 1)]
    children: list[tuple[int, int, int, IO[bytes]]] = []
    reaped: set[int] = set()

    def compute(lo: int, hi: int, out: IO[bytes]) -> None:
        for i in range(lo, hi):
            result = func(items[i])
            out.write(len(result).to_bytes(_LENGTH_BYTES, "little") + result)
        out.flush()

    try:
        for k in range(1, processes):
            lo, hi = bounds[k], bounds[k + 1]
            out: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 (closed below)
            pid = fork_child(partial(compute, lo, hi, out))
            children.append((pid, lo, hi, out))
        results = [func(items[i]) for i in range(bounds[0], bounds[1])]
        for pid, lo, hi, out in children:
            _, status = os.waitpid(pid, 0)
            reaped.add(pid)
            part = _read_results(out, hi - lo) if status == 0 else None
            if part is None:  # the child failed: its part here
                part = [func(items[i]) for i in range(lo, hi)]
            results += part
        return results
    finally:
        for pid, _, _, out in children:
            out.close()
            if pid not in reaped:  # this process failed: stop the child
                with suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                with suppress(ChildProcessError):
                    os.waitpid(pid, 0)


def _read_results(out: IO[bytes], count: int) -> list[bytes] | None:
    """The ``count`` length-prefixed results a child wrote (``None``: not all there)."""
    out.seek(0)
    data = out.read()
    results: list[bytes] = []
    at = 0
    while at + _LENGTH_BYTES <= len(data) and len(results) < count:
        size = int.from_bytes(data[at : at + _LENGTH_BYTES], "little")
        at += _LENGTH_BYTES
        results.append(data[at : at + size])
        at += size
    if len(results) != count or at != len(data):
        return None
    return results
