"""Queries run in worker processes, so that a runaway one can really be stopped.

oxigraph cannot cancel a query, and a thread cannot be killed; a process can. The workers are
forked from the server process after the knowledge base is loaded, so each shares its memory
(copy-on-write) and starts at once; one that overruns its time is killed and replaced, its CPU
freed, while the others go on serving.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import signal
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from .errors import ClusterkbError
from .sparql_guard import Refused
from .store import EmbeddedStore

Task = Callable[..., Any]


class QueryTimeout(Exception):
    def __init__(self, seconds: float) -> None:
        super().__init__(f"the query ran longer than {seconds:g} s and was stopped")
        self.seconds = seconds


class Busy(Exception):
    """Every worker stayed busy longer than a request may wait for one."""


@dataclass
class Failure:
    status: int
    message: str


def _serve(conn: Connection, store: EmbeddedStore, tasks: dict[str, Task]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server stops us, not Ctrl-C
    while True:
        try:
            name, args = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply: object = ("ok", tasks[name](store, *args))
        except Refused as exc:
            reply = ("failed", Failure(exc.status, str(exc)))
        except ClusterkbError as exc:
            reply = ("failed", Failure(400, str(exc)))
        except Exception:  # report, keep serving: one bad query must not take a worker down
            reply = ("failed", Failure(500, traceback.format_exc(limit=3)))
        conn.send(reply)


class _Worker:
    def __init__(self, store: EmbeddedStore, tasks: dict[str, Task]) -> None:
        ctx = mp.get_context("fork")
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(child, store, tasks), daemon=True)
        self.process.start()
        child.close()

    def stop(self) -> None:
        if self.process.is_alive():
            os.kill(self.process.pid or 0, signal.SIGKILL)
        self.process.join(timeout=5)
        self.conn.close()


class QueryPool:
    """`call(task, *args)` runs tasks[task](store, *args) in a worker, within `timeout` s."""

    def __init__(
        self,
        store: EmbeddedStore,
        tasks: dict[str, Task],
        size: int = 2,
        timeout: float = 30.0,
        wait: float = 30.0,
    ) -> None:
        self.store = store
        self.tasks = tasks
        self.timeout = timeout
        self.wait = wait
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        self.killed = 0
        for _ in range(size):
            self._add()

    def _add(self) -> None:
        worker = _Worker(self.store, self.tasks)
        with self._lock:
            self._all.append(worker)
        self._idle.put(worker)

    def call(self, task: str, *args: object, timeout: float | None = None) -> Any:
        limit = self.timeout if timeout is None else timeout
        try:
            worker = self._idle.get(timeout=self.wait)
        except queue.Empty as exc:
            raise Busy() from exc
        started = time.monotonic()
        try:
            worker.conn.send((task, args))
            if not worker.conn.poll(limit):
                raise QueryTimeout(limit)
            status, value = worker.conn.recv()
        except QueryTimeout:
            self._replace(worker)
            raise
        except (EOFError, OSError, BrokenPipeError):
            self._replace(worker)
            raise
        self._idle.put(worker)
        if status == "failed":
            raise WorkerFailure(value, time.monotonic() - started)
        return value

    def _replace(self, worker: _Worker) -> None:
        worker.stop()
        self.killed += 1
        with self._lock:
            self._all.remove(worker)
        self._add()

    def close(self) -> None:
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.stop()


class WorkerFailure(Exception):
    def __init__(self, failure: Failure, seconds: float) -> None:
        super().__init__(failure.message)
        self.status = failure.status
        self.message = failure.message
        self.seconds = seconds
