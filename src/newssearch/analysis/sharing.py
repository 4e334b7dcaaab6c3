"""Analysed chunks shared by the processes that write one import.

Each writing process analyses the text of its own articles, and the German
chain's work is per distinct chunk (a word with the punctuation on it): the
first time a process meets a chunk it tokenizes, decompounds, normalises and
stems it, and then keeps the result.  News articles share most of their
words, so each process met nearly the whole vocabulary on its own: of the
words in 10,000 articles of the bench corpus split in two, each half had
them all, and each of two writers analysed 70,000 chunks that the other
analysed too (a quarter of a writer's CPU).

A :class:`ChunkExchange` hands what one process analysed to the others.
After each job a process appends the chunks its analyzers analysed (with what
they made of them, :meth:`~newssearch.analysis.chain.GermanAnalyzer.take_analysed`)
to its own file; before each job it reads what the other processes appended
since it last looked, and its analyzers keep it
(:meth:`~newssearch.analysis.chain.GermanAnalyzer.add_analysed`).  A chunk is
then analysed again only by a process that meets it before the one that
analysed it first has finished that job.  What the analyzers make of a chunk
does not depend on where it was made, so the postings are the same.

A file is a series of records: the length of the record's data (8 bytes),
then the data, a :mod:`marshal` of ``(analyzer number, [(chunk, entry), …])``
(plain strings, numbers and tuples; nothing to execute on reading).  A reader
takes whole records only: one being appended is read at the next look.
"""

from __future__ import annotations

import marshal
import struct
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from newssearch.analysis.chain import GermanAnalyzer

__all__ = ["ChunkExchange"]

#: The length before each record.
_LENGTH: Final = struct.Struct("<Q")


class ChunkExchange:
    """What ``analyzers`` analyse, shared with other processes through ``paths``.

    ``paths`` are the files of all the processes sharing, each its own,
    ``own`` the index of this process's; every process gives its analyzers
    (of the same configurations) in the same order.
    """

    def __init__(
        self, paths: Sequence[str | Path], own: int, analyzers: Sequence[GermanAnalyzer]
    ) -> None:
        if not 0 <= own < len(paths):
            raise ValueError(f"own must index paths (0 to {len(paths) - 1}), not {own}")
        self._own = Path(paths[own])
        self._peers = [Path(path) for i, path in enumerate(paths) if i != own]
        self._read = [0] * len(self._peers)
        self._analyzers = tuple(analyzers)
        for analyzer in self._analyzers:
            analyzer.record_analysed()

    def send(self) -> int:
        """Append what the analyzers analysed since the last call to this process's
        file; the number of chunks."""
        records: list[bytes] = []
        sent = 0
        for number, analyzer in enumerate(self._analyzers):
            entries = analyzer.take_analysed()
            if entries:
                data = marshal.dumps((number, entries))
                records += (_LENGTH.pack(len(data)), data)
                sent += len(entries)
        if records:
            with self._own.open("ab") as f:
                f.write(b"".join(records))
        return sent

    def receive(self) -> int:
        """Give the analyzers what the other processes sent since the last call;
        the number of chunks new to them."""
        new = 0
        for i, path in enumerate(self._peers):
            try:
                with path.open("rb") as f:
                    f.seek(self._read[i])
                    data = f.read()
            except FileNotFoundError:  # that process has sent nothing yet
                continue
            at = 0
            while len(data) - at >= _LENGTH.size:
                (size,) = _LENGTH.unpack_from(data, at)
                end = at + _LENGTH.size + size
                if end > len(data):  # being appended: read it next time
                    break
                number, entries = marshal.loads(data[at + _LENGTH.size : end])
                new += self._analyzers[number].add_analysed(entries)
                at = end
            self._read[i] += at
        return new
