"""The multi-process writer: Whoosh's, with workers that never outlive their writer.

Whoosh's ``MpWriter`` forks one process per CPU, hands them job files
through a queue, and adds one segment per process at commit
(``multisegment=True``).  As shipped (whoosh3 3.54.0) it has three ways to
fail a news archive:

* a worker whose parent is killed waits on the job queue forever, holding
  ~0.4 GB and, through the file descriptor it inherited, the parent's writer
  lock, so the index stays locked until someone kills it by hand;
* ``cancel()`` only sets a flag in the parent's copy of each worker, so after
  an error or Ctrl-C the workers live on, waiting (and a Ctrl-C prints a
  traceback from every worker);
* a worker that dies (killed, out of memory) is dropped at commit: its
  documents are silently missing from an index that says it committed them
  (``multiproc.py``: results are read with a timeout and whatever came is used),
  and if every worker is gone the parent blocks forever on the full job queue.

:class:`ParallelWriter` keeps Whoosh's file format and its division of work
and changes just that: each worker asks the kernel to kill it when its parent
dies (``PR_SET_PDEATHSIG`` on Linux; a watchdog thread elsewhere) and
ignores SIGINT (the parent handles Ctrl-C); ``cancel()`` kills and reaps the
workers; a worker that ends without handing in its segment makes the commit
fail with :class:`~newssearch.errors.IndexWriteError`, so the index stays as
it was.  What a killed writer leaves on disk is removed by the next one
(:meth:`newssearch.engine.storage.Store.clean`).

Both writers keep a segment's postings in an
:class:`~newssearch.engine.inversion.InvertingPool` instead of Whoosh's
external-sort pool and write them straight to the codec
(:mod:`newssearch.engine.inversion`); :class:`SegmentWriter` (every worker
of the parallel writer is one) also analyses each text once for the field
and its twins.  The workers share what they analyse
(:class:`~newssearch.analysis.sharing.ChunkExchange`, files in the writer's
temporary storage): a word one worker analysed is not analysed again by the
others.

Both writers here (:class:`ParallelWriter` and the single-process
:class:`SegmentWriter`) commit the segments they read from the TOC as the
Whoosh classes they were written as
(:func:`~newssearch.engine.segments.whoosh_segments`), so a TOC newssearch
writes is one stock Whoosh writes.
"""

from __future__ import annotations

import gc
import os
import pickle
import queue
import signal
import time
from typing import Any

from whoosh import writing
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.util import random_name

from newssearch.analysis.chain import GermanAnalyzer
from newssearch.analysis.sharing import ChunkExchange
from newssearch.engine.inversion import InvertingPool, text_twin_terms, text_twins
from newssearch.engine.segments import whoosh_segments
from newssearch.errors import IndexWriteError
from newssearch.forking import die_with_parent

__all__ = ["ParallelWriter", "SegmentWriter"]

#: How long the parent waits on a queue before it looks whether its workers live.
_POLL_SECONDS = 0.5
#: The collector's thresholds in a worker (Python's defaults: 700, 10, 10).
_WORKER_GC_THRESHOLDS = (70_000, 50, 100)
#: How long a killed worker is given to be reaped.
_REAP_SECONDS = 5.0


class SegmentWriter(writing.SegmentWriter):
    """Whoosh's single-process writer, committing Whoosh's segment classes, with
    postings inverted in memory and each text analysed once for it and its twins."""

    def __init__(self, ix: Any, **kwargs: Any) -> None:
        super().__init__(ix, **kwargs)
        _use_inverting_pool(self)
        self._twins = text_twins(self.schema)
        # Each analyzer once (text fields of one configuration share theirs).
        self.analyzers: tuple[GermanAnalyzer, ...] = tuple(
            {id(group.analyzer): group.analyzer for group in self._twins}.values()
        )
        self._codes: dict[int, bytes] = {}  # see InvertingPool.add_terms
        # Whoosh's add_document also writes term vectors and spelling words;
        # our schemas have neither, and a schema that has them goes Whoosh's way.
        self._whoosh_add = any(
            field.vector or field.separate_spelling() for _, field in self.schema.items()
        )

    def add_document(self, **fields: Any) -> None:
        """Whoosh's ``add_document`` (same postings, stored values, lengths and
        columns), handing each field's postings to the pool in one call and
        analysing a text field and its twins in one pass."""
        if self._whoosh_add:
            super().add_document(**fields)
            return
        self._check_state()
        perdocwriter = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        pool: InvertingPool = self.pool  # type: ignore[assignment]
        add_field = pool.add_field
        docboost = self._doc_boost(fields)
        fieldnames = sorted([name for name in fields if not name.startswith("_")])
        self._check_fields(schema, fieldnames)
        analysed = text_twin_terms(self._twins, schema, fields)
        perdocwriter.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields.get(fieldname)
                if value is None:
                    continue
                field = schema[fieldname]
                length = 0
                if field.indexed:
                    boost = self._field_boost(fields, fieldname, docboost)
                    terms = analysed.get(fieldname)
                    if terms is None:
                        items = list(field.index(value))
                        length = add_field(fieldname, docnum, items, boost, field.scorable)
                    else:
                        length = pool.add_terms(
                            fieldname,
                            docnum,
                            terms,
                            boost=boost,
                            scorable=field.scorable,
                            codes=self._codes,
                        )
                stored = fields.get(f"_stored_{fieldname}", value)
                perdocwriter.add_field(fieldname, field, stored if field.stored else None, length)
                column = field.column_type
                if column and stored is not None:
                    perdocwriter.add_column_value(fieldname, column, field.to_column_value(stored))
        except ValueError:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def _flush_segment(self) -> None:
        _flush_segment(self)

    def _commit_toc(self, segments: list[Any]) -> None:
        super()._commit_toc(whoosh_segments(segments))


def _use_inverting_pool(writer: Any) -> None:
    """Give ``writer`` an inverting pool with the memory limit of Whoosh's."""
    writer.pool.cleanup()
    writer.pool = InvertingPool(writer._tempstorage, limit=writer.pool.limit)


def _flush_segment(writer: Any) -> None:
    """Whoosh's ``SegmentWriter._flush_segment``, the pool writing its postings itself."""
    writer.perdocwriter.close()
    lengths = writer.per_document_reader() if writer.codec.length_stats else None
    try:
        writer.pool.write(writer.fieldwriter, writer.schema, lengths, writer.docnum)
        writer.fieldwriter.close()
    finally:
        if lengths is not None:
            lengths.close()


class ParallelWriter(MpWriter):
    """Whoosh's multi-process writer, one segment per process (see the module doc)."""

    def __init__(self, ix: Any, *, procs: int, **kwargs: Any) -> None:
        super().__init__(ix, procs=procs, multisegment=True, **kwargs)
        _use_inverting_pool(self)  # the parent's: for segments merged at commit
        # One job waiting per worker (Whoosh queues four): the parent then adds
        # documents about as fast as the workers write them, so that an
        # import's progress counts written articles, not queued ones.
        self.jobqueue = self._mpctx.Queue(procs)
        # Worker i shares what it analyses through the i-th file (ChunkExchange);
        # the temporary storage, and so they, go when the writer finishes.
        folder = self.temp_storage().folder
        prefix = random_name()
        self._shared = [os.path.join(folder, f"{prefix}.{i}.chunks") for i in range(procs)]

    def _new_task(self) -> SubWriterTask:
        task = _Worker(
            self.storage,
            self.indexname,
            self.jobqueue,
            self.resultqueue,
            self.subargs,
            self.multisegment,
            parent=os.getpid(),
            shared=(self._shared, len(self.tasks)),
        )
        self.tasks.append(task)
        task.start()
        return task

    def _enqueue(self) -> None:
        # MpWriter._enqueue, with a put that notices dead workers instead of
        # blocking forever on a full queue.
        filename = f"{random_name()}.doclist"
        with self.temp_storage().create_file(filename).raw_file() as f:
            for item in self.docbuffer:
                pickle.dump(item, f, 2)
        if len(self.tasks) < self.procs:
            self._new_task()
        self._put((filename, len(self.docbuffer)))
        self.docbuffer = []

    def _put(self, job: tuple[str, int] | None) -> None:
        """Put ``job`` on the job queue, checking on the workers while it is full."""
        while True:
            try:
                self.jobqueue.put(job, timeout=_POLL_SECONDS)
                return
            except queue.Full:
                self._check_workers(finished=False)

    def _commit(self, mergetype: Any, optimize: Any, merge: Any) -> None:
        # MpWriter._commit for multisegment=True, except that every worker must
        # hand in its segment: otherwise nothing is committed.
        if self.docbuffer:
            self._enqueue()
        for _ in self.tasks:
            self._put(None)
        finalsegments = self._merge_segments(mergetype, optimize, merge)
        segments = self._collect_segments()
        for task in self.tasks:
            task.join()
        finalsegments += segments
        if self._added:
            finalsegments.append(self._finalize_segment())
        else:
            self._close_segment()
        self._commit_toc(finalsegments)
        self._finish()

    def _flush_segment(self) -> None:
        _flush_segment(self)

    def _commit_toc(self, segments: list[Any]) -> None:
        super()._commit_toc(whoosh_segments(segments))

    def _collect_segments(self) -> list[Any]:
        """The segment of every worker, read before joining them (a worker
        exits only once its result is out of the queue's pipe)."""
        segments: list[Any] = []
        while len(segments) < len(self.tasks):
            try:
                _, _, segment = self.resultqueue.get(timeout=_POLL_SECONDS)
            except queue.Empty:
                self._check_workers(finished=True, handed_in=len(segments))
                continue
            if isinstance(segment, _Failure):
                raise IndexWriteError(
                    f"a writing process failed: {segment.message}; "
                    "nothing of this import was committed"
                )
            segments.append(segment)
        return segments

    def _check_workers(self, *, finished: bool, handed_in: int = 0) -> None:
        """Raise if a worker failed or died, or ended before it was told to finish;
        or (``finished``) if all ended and a segment is missing."""
        codes = [task.exitcode for task in self.tasks]
        failed = [code for code in codes if code not in (None, 0)]
        early = not finished and any(code is not None for code in codes)
        if failed or early:
            reason = self._handed_in_failure() or (
                f"a writing process ended abnormally (exit code {failed[0]})"
                if failed
                else "a writing process ended before the import did"
            )
            raise IndexWriteError(f"{reason}; nothing of this import was committed")
        if finished and all(code == 0 for code in codes):
            # All exited cleanly: give the queue's pipe a moment, then give up.
            time.sleep(_POLL_SECONDS)
            if self.resultqueue.empty():
                raise IndexWriteError(
                    f"{len(self.tasks) - handed_in} writing process(es) ended without "
                    "handing in their documents; nothing of this import was committed"
                )

    def _handed_in_failure(self) -> str | None:
        """The failure a worker handed in, if one did (what else is queued is dropped)."""
        while True:
            try:
                _, _, result = self.resultqueue.get_nowait()
            except queue.Empty:
                return None
            if isinstance(result, _Failure):
                return f"a writing process failed: {result.message}"

    def cancel(self, **kwargs: Any) -> None:
        """Kill the workers and discard the writer (again: only the former)."""
        try:
            self.kill_workers()
        finally:
            if not self.is_closed:
                writing.SegmentWriter.cancel(self, **kwargs)

    def kill_workers(self) -> None:
        """Kill and reap every worker still running."""
        for task in self.tasks:
            if task.exitcode is None:
                task.kill()
        for task in self.tasks:
            task.join(timeout=_REAP_SECONDS)


class _Worker(SubWriterTask):
    """A Whoosh sub-writer that dies with its parent and leaves Ctrl-C to it."""

    def __init__(self, *args: Any, parent: int, shared: tuple[list[str], int]) -> None:
        super().__init__(*args)
        self._parent = parent
        self._shared = shared  # the exchange's files and this worker's number
        self._exchange: ChunkExchange | None = None

    def run(self) -> None:
        die_with_parent(self._parent)
        # This process only writes: its garbage is rarely cyclic, while the
        # collector's passes walk every posting list held (one process writing
        # 4,000 articles spent 8 % of its CPU in them; the workers of a 10,000-article
        # import about 3 %).  So what the parent held at the fork is left out of
        # collections, and they run a hundred times less often.
        gc.freeze()
        gc.set_threshold(*_WORKER_GC_THRESHOLDS)
        # The terminal sends Ctrl-C to the whole process group; the parent
        # cancels the import and kills its workers.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            self._write()
        except Exception as exc:  # handed to the parent, which raises it; no traceback here
            self.resultqueue.put((None, None, _Failure(f"{type(exc).__name__}: {exc}")))

    def _write(self) -> None:
        """``SubWriterTask.run`` for ``multisegment=True``, writing with our
        :class:`SegmentWriter` (Whoosh's task makes a stock one)."""
        ix = self.storage.open_index(self.indexname)
        writer = self.writer = SegmentWriter(ix, _lk=False, **self.kwargs)
        self._exchange = ChunkExchange(*self._shared, writer.analyzers)
        while self.running:
            job = self.jobqueue.get()
            if job is None:
                break
            self._process_file(*job)
        if not self.running:
            writer.cancel()
            return
        fieldnames = writer.pool.fieldnames
        segment = writer._finalize_segment()
        self.resultqueue.put((None, fieldnames, segment), timeout=5)

    def _process_file(self, filename: str, doc_count: int) -> None:
        """Write a job's documents, with what the other workers analysed since
        the last job, and share what this one analysed for it."""
        assert self._exchange is not None
        self._exchange.receive()
        super()._process_file(filename, doc_count)
        self._exchange.send()


class _Failure:
    """What a worker hands in instead of its segment when it failed."""

    def __init__(self, message: str) -> None:
        self.message = message
