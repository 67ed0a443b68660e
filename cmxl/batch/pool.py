"""The process pool of a bulk run: every file in a worker process of its own, on every core;
a worker that dies costs only its file; Ctrl-C finishes the files in hand and starts no more.

Workers start from a clean process (a fork server that has imported cmxl once, or spawned on
Windows), never run the caller's main module, ignore Ctrl-C (the main process decides), and end
when the main process ends, however it ends."""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import multiprocessing.context
import os
import signal
import sys
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from cmxl.batch.work import FileOutcome, Job, halt_on, process
from cmxl.core.file_log import FILE_FAILED, FileLog


def _worker_start(alive: Any, halt: Any = None) -> None:
    """Ctrl-C reaches every process of the terminal's group; the workers leave it to the main
    process, which lets them finish the file in hand (written whole) and starts no more: the
    pool has already queued a file or two for its workers, so a worker looks at `halt` (an
    Event the main process sets) before it starts one. A worker whose main process is gone
    exits instead of waiting for work forever: `alive` is the reading end of a pipe whose only
    writing end the main process holds, so the read ends when that process ends, however it ends
    (killed, and then a zombie its own parent never reaps, included: a zombie's pid still answers
    os.kill(pid, 0), but its files are closed). The same on Windows, where os.kill(pid, 0) is not
    a question but a Ctrl-C sent to the process group."""
    halt_on(halt)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # what the fork server imported stays for the worker's life: kept out of the collection that
    # ends each file, which then walks only what that file left (18 ms a file before, at 500 people)
    gc.freeze()

    def watch() -> None:
        with contextlib.suppress(EOFError, OSError):
            while True:
                alive.recv_bytes()  # nothing is ever sent
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="cmxl-parent-watch").start()


DIED = "处理该文件时进程异常终止（文件可能过大、已损坏，或内存不足），未生成结果；其余文件不受影响"


def run_jobs(
    jobs: list[Job],
    workers: int,
    on_file: Callable[[FileOutcome, int], None] | None,
    on_stopping: Callable[[], None] | None,
) -> list[FileOutcome]:
    """Every job in worker processes (also with one worker: a file that aborts or exhausts its
    process must not take the batch with it). When a worker dies, the pool is replaced and the
    files that were in it are run again one at a time, each alone: the one whose process dies
    again is logged as failed. The biggest workbooks go first (`_largest_first`)."""
    workers = workers or min(len(jobs), os.cpu_count() or 1)
    outcomes: list[FileOutcome] = []

    def done(outcome: FileOutcome) -> None:
        outcomes.append(outcome)
        if on_file:
            on_file(outcome, len(jobs))

    lost = _pool_round(_largest_first(jobs), workers, done, on_stopping)
    for job in lost:
        again = _pool_round([job], 1, done, on_stopping)
        if again:
            done(FileOutcome(FileLog(job.rel, "", FILE_FAILED, 0, 0, 0, DIED, "", 0.0)))
    return outcomes


def _largest_first(jobs: list[Job]) -> list[Job]:
    """The biggest workbooks go to the workers first: a province's big file taken last would
    keep one worker busy while the others wait with nothing left to do. (Results are listed by
    file name whatever the order they finish in.)"""

    def size(job: Job) -> int:
        try:
            return job.path.stat().st_size
        except OSError:  # gone since it was found: its worker reports that
            return 0

    return sorted(jobs, key=lambda job: (-size(job), job.rel))


WORKER_NAME = "cmxl-worker"
if sys.platform == "win32":
    _Process: Any = multiprocessing.context.SpawnProcess
    _Context: Any = multiprocessing.context.SpawnContext
else:
    _Process = multiprocessing.context.ForkServerProcess
    _Context = multiprocessing.context.ForkServerContext


class _WorkerProcess(_Process):
    """A worker of cmxl's pool: named, so that starting it leaves the caller's main module out."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.name = f"{WORKER_NAME}-{self.name}"


class _WorkerContext(_Context):
    Process = _WorkerProcess


def _context() -> multiprocessing.context.BaseContext:
    """Workers start from a clean process: from a fork server that has imported cmxl once (POSIX),
    or spawned (Windows). A plain fork copied the main process while its progress bar's thread
    could hold a lock, and a worker that then wrote a warning waited for that lock forever."""
    _leave_main_out()
    context = _WorkerContext()
    if context.get_start_method() == "forkserver":
        context.set_forkserver_preload(["cmxl.batch"])
    return context


def _leave_main_out() -> None:
    """Workers never run the caller's main module. multiprocessing tells a process it starts to
    import the parent's __main__ first (so that functions defined there can be sent to it): a
    script calling cmxl.bulk without an `if __name__ == "__main__"` guard then ran again in every
    worker, and `python - < script.py` has no file to import, so every worker died. cmxl's
    workers need nothing from the caller's script: what they run is cmxl's own. Only the start
    of cmxl's workers (named so) changes; any process the caller starts is started as before."""
    from multiprocessing import spawn

    get = spawn.get_preparation_data
    if getattr(get, "cmxl_leaves_main_out", False):
        return

    def prepared(name: str) -> dict[str, Any]:
        data = get(name)
        if name.startswith(WORKER_NAME):
            data.pop("init_main_from_path", None)
            data.pop("init_main_from_name", None)
        return data

    prepared.cmxl_leaves_main_out = True  # type: ignore[attr-defined]
    spawn.get_preparation_data = prepared


def _pool_round(
    jobs: list[Job], workers: int, done: Callable[[FileOutcome], None], on_stopping: Callable[[], None] | None
) -> list[Job]:
    """Run `jobs` in a pool; return those whose worker died before it answered.

    Ctrl-C is taken as a request, not as an exception thrown into whatever the main thread is
    doing: a KeyboardInterrupt landing inside the executor's own bookkeeping (submitting, or
    collecting a result) could leave its manager waiting forever for a file no worker had. The
    request is checked between results: the queued files are cancelled, the files in hand
    finish (written whole), and only then KeyboardInterrupt is raised."""
    lost: list[Job] = []
    stop = threading.Event()
    main = threading.current_thread() is threading.main_thread()  # the Excel window runs bulk on a thread
    _start_fork_server(main)
    previous = signal.signal(signal.SIGINT, lambda *_: stop.set()) if main else None
    context = _context()
    halt = context.Event()  # set on Ctrl-C: a worker starts no file after it
    alive, alive_end = context.Pipe(duplex=False)  # its writing end closes when this process ends
    pool = ProcessPoolExecutor(
        max_workers=workers, initializer=_worker_start, initargs=(alive, halt), mp_context=context
    )
    try:
        futures = {pool.submit(process, job): job for job in jobs}
        pending = set(futures)
        while pending:
            try:
                finished, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                for future in finished:
                    if future.cancelled():
                        continue
                    try:
                        outcome = future.result()
                    except BrokenProcessPool:
                        lost.append(futures[future])
                        continue
                    done(outcome)
            except KeyboardInterrupt:  # raised by a caller's progress callback, or before the handler
                stop.set()
            if stop.is_set():
                if on_stopping:
                    on_stopping()
                halt.set()  # a file already queued for a worker is not started (queued: not cancellable)
                for future in pending:
                    future.cancel()
                wait(pending)  # the files in hand finish; no more start
                raise KeyboardInterrupt
    finally:
        try:
            pool.shutdown(wait=True, cancel_futures=True)
        finally:
            alive_end.close()  # the workers have ended; one that has not ends now
            alive.close()
            if previous is not None:
                signal.signal(signal.SIGINT, previous)
    return sorted(lost, key=lambda job: job.rel)


def _start_fork_server(main: bool) -> None:
    """Start the fork server (if it is not running) with Ctrl-C ignored. It is a new Python
    process in the terminal's group: started plainly, a Ctrl-C while it imported cmxl printed its
    KeyboardInterrupt traceback. A process started with SIGINT ignored keeps it ignored (Python
    installs its handler only where the signal is not ignored), and so do the workers it forks.
    (Only the main thread can set a signal handler: from another thread it starts as it is.)

    It imports cmxl from where it is installed, never from the working directory: it is started
    as `python -c ...`, which puts the working directory first on sys.path, and run from a folder
    that holds a folder named cmxl (the parent of a clone) it imported that folder as cmxl, and
    every file failed. PYTHONSAFEPATH (Python 3.11+, as -P) leaves the working directory out."""
    if _context().get_start_method() != "forkserver":
        return
    import multiprocessing.forkserver  # POSIX only

    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
    safe = os.environ.get("PYTHONSAFEPATH")
    os.environ["PYTHONSAFEPATH"] = "1"  # read by the fork server as it starts; the workers fork from it
    try:
        multiprocessing.forkserver.ensure_running()
    finally:
        if safe is None:
            os.environ.pop("PYTHONSAFEPATH", None)
        else:
            os.environ["PYTHONSAFEPATH"] = safe
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
