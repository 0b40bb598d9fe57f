"""Queries run in worker processes, so that a runaway one can really be stopped.

oxigraph cannot cancel a query, and a thread cannot be killed; a process can. The workers are
forked from the server process after the knowledge base is loaded, so each shares its memory
(copy-on-write) and starts at once; one that overruns its time is killed and replaced, its CPU
freed, while the others go on serving.

A worker is also fenced in by the kernel, so that safety does not rest on the server alone:
- it cannot open a socket (a seccomp filter, unless the pool is made with `network=True`), so
  no query can reach another machine even if the SPARQL guard misread one;
- each task runs under a CPU budget (RLIMIT_CPU): if the server itself dies mid-query, the
  kernel still stops the worker shortly after the query's time is up;
- it lets go of the sockets it inherited at fork (the server's listening socket, client
  connections, its siblings' pipes), so it never holds them open after the server is gone.
"""

from __future__ import annotations

import contextlib
import ctypes
import math
import multiprocessing as mp
import os
import platform
import queue
import resource
import signal
import stat
import struct
import sys
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
CPU_GRACE = 2  # seconds of CPU a task may use beyond its time limit before the kernel stops it


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


# -- inside a worker ---------------------------------------------------------------------------

# seccomp: (audit arch, socket syscall numbers) per machine; x86_64 lists the x32 number too.
_SOCKET_SYSCALLS = {
    "x86_64": (0xC000003E, (41, 0x40000000 | 41)),
    "aarch64": (0xC00000B7, (198,)),
}


def deny_sockets() -> bool:
    """Forbid socket() in this process from now on (EACCES); False where this cannot be done.

    A classic BPF program for seccomp: on this machine's syscall ABI, socket() returns EACCES,
    everything else is allowed. It needs no privileges (only no_new_privs) and cannot be undone.
    """
    entry = _SOCKET_SYSCALLS.get(platform.machine())
    if entry is None:
        return False
    arch, numbers = entry
    load, jump_eq, ret = 0x20, 0x15, 0x06  # BPF_LD|BPF_W|BPF_ABS, BPF_JMP|BPF_JEQ|BPF_K, BPF_RET
    allow, deny = 0x7FFF0000, 0x00050000 | 13  # SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO | EACCES
    n = len(numbers)
    program = [
        (load, 0, 0, 4),  # seccomp_data.arch
        (jump_eq, 0, n + 1, arch),  # another ABI: allow
        (load, 0, 0, 0),  # seccomp_data.nr
        *((jump_eq, n - i, 0, nr) for i, nr in enumerate(numbers)),  # socket(): deny
        (ret, 0, 0, allow),
        (ret, 0, 0, deny),
    ]
    code = b"".join(struct.pack("HBBI", op, jt, jf, k) for op, jt, jf, k in program)
    buffer = ctypes.create_string_buffer(code)

    class Program(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    fprog = Program(len(program), ctypes.addressof(buffer))
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
        prctl.argtypes = [ctypes.c_int, *[ctypes.c_ulong] * 4]
        if prctl(38, 1, 0, 0, 0) != 0:  # PR_SET_NO_NEW_PRIVS
            return False
        return bool(prctl(22, 2, ctypes.addressof(fprog), 0, 0) == 0)  # SECCOMP_MODE_FILTER
    except (OSError, AttributeError):
        return False


def _drop_inherited_sockets(keep: int) -> None:
    """A forked worker holds copies of every socket the server had open; it needs only its own
    pipe (`keep`). Held copies would keep client connections and the port open, and keep
    sibling workers from seeing the server go. Each is pointed at /dev/null rather than closed,
    so that a stale socket object closing its number later cannot close a file opened since."""
    try:
        names = os.listdir("/proc/self/fd")
    except OSError:
        return
    sockets = []
    for name in names:
        fd = int(name)
        with contextlib.suppress(OSError):
            if fd > 2 and fd != keep and stat.S_ISSOCK(os.fstat(fd).st_mode):
                sockets.append(fd)
    null = os.open(os.devnull, os.O_RDWR)
    try:
        for fd in sockets:
            with contextlib.suppress(OSError):
                os.dup2(null, fd)
    finally:
        os.close(null)


def _cpu_budget(seconds: float | None) -> None:
    """Let the kernel stop this process once it has used `seconds` more CPU (None: no limit)."""
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = resource.RLIM_INFINITY
    if seconds is not None:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        soft = math.ceil(usage.ru_utime + usage.ru_stime + seconds) + CPU_GRACE
        if hard != resource.RLIM_INFINITY:
            soft = min(soft, hard)
    elif hard != resource.RLIM_INFINITY:
        soft = hard
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def _serve(conn: Connection, store: EmbeddedStore, tasks: dict[str, Task], network: bool) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server stops us, not Ctrl-C
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the server's handler, copied at fork
    _drop_inherited_sockets(conn.fileno())
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a stopped worker leaves no core file
    if not network:
        deny_sockets()
    while True:
        try:
            name, args, limit = conn.recv()
        except (EOFError, OSError):
            return  # the server is gone
        _cpu_budget(limit)
        try:
            reply: object = ("ok", tasks[name](store, *args))
        except Refused as exc:
            reply = ("failed", Failure(exc.status, str(exc)))
        except ClusterkbError as exc:
            reply = ("failed", Failure(400, str(exc)))
        except Exception as exc:  # report, keep serving: one bad query must not take a worker down
            reply = ("failed", _internal(exc))
        _cpu_budget(None)
        try:
            conn.send(reply)
        except (EOFError, OSError):
            return
        except Exception as exc:  # the answer would not pickle; nothing was written yet
            conn.send(("failed", _internal(exc)))


def _internal(exc: Exception) -> Failure:
    """The traceback goes to the server's log; the client learns what failed, not where."""
    traceback.print_exc(limit=8, file=sys.stderr)
    return Failure(500, f"internal error while answering: {type(exc).__name__}: {exc}"[:500])


# -- in the server ------------------------------------------------------------------------------


class _Worker:
    def __init__(self, store: EmbeddedStore, tasks: dict[str, Task], network: bool) -> None:
        ctx = mp.get_context("fork")
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(child, store, tasks, network), daemon=True)
        self.process.start()
        child.close()

    def stop(self) -> None:
        if self.process.is_alive():
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.process.pid or 0, signal.SIGKILL)
        self.process.join(timeout=5)
        self.conn.close()


class QueryPool:
    """`call(task, *args)` runs tasks[task](store, *args) in a worker, within `timeout` s.

    A call waits at most `wait` s (default: `timeout`) for a free worker, then raises Busy; so
    a request is answered, refused or stopped within `wait + timeout` s.
    """

    def __init__(
        self,
        store: EmbeddedStore,
        tasks: dict[str, Task],
        size: int = 2,
        timeout: float = 30.0,
        wait: float | None = None,
        network: bool = False,
    ) -> None:
        self.store = store
        self.tasks = tasks
        self.size = size
        self.timeout = timeout
        self.wait = timeout if wait is None else wait
        self.network = network  # may workers open sockets (only for an allowlisted SERVICE)
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        self._closed = False
        self.killed = 0  # workers stopped for overrunning (or dying), and replaced
        for _ in range(size):
            self._add()

    def _add(self) -> None:
        with self._lock:  # one fork at a time, and never into a closed pool
            if self._closed:
                return
            worker = _Worker(self.store, self.tasks, self.network)
            self._all.append(worker)
        self._idle.put(worker)

    def pids(self) -> list[int]:
        """The worker processes' ids (for tests and monitoring)."""
        with self._lock:
            return [w.process.pid for w in self._all if w.process.pid is not None]

    def call(self, task: str, *args: object, timeout: float | None = None) -> Any:
        limit = self.timeout if timeout is None else timeout
        message = (task, args, limit)
        for _ in range(self.size + 1):  # each worker found dead is replaced, then the next tried
            worker = self._take()
            if self._send(worker, message):
                return self._result(worker, limit, time.monotonic())
        raise WorkerFailure(Failure(503, "no query worker could take the query"), 0.0)

    def _send(self, worker: _Worker, message: tuple[str, tuple[object, ...], float]) -> bool:
        """Hand the task over; False if the worker had died while idle (killed from outside)."""
        if not worker.process.is_alive():
            self._replace(worker)
            return False
        try:
            worker.conn.send(message)
        except OSError:
            self._replace(worker)
            return False
        except Exception:  # the arguments would not pickle: nothing was sent, it is still fit
            self._idle.put(worker)
            raise
        return True

    def _take(self) -> _Worker:
        try:
            return self._idle.get(timeout=self.wait)
        except queue.Empty as exc:
            raise Busy() from exc

    def _result(self, worker: _Worker, limit: float, started: float) -> Any:
        try:
            if not worker.conn.poll(limit):
                raise QueryTimeout(limit)
            status, value = worker.conn.recv()
        except QueryTimeout:
            self._replace(worker)
            raise
        except (EOFError, OSError) as exc:  # the worker died while answering
            self._replace(worker)
            code = worker.process.exitcode
            if code == -signal.SIGXCPU:  # the kernel's CPU budget stopped it
                raise QueryTimeout(limit) from exc
            raise WorkerFailure(
                Failure(503, f"the query worker stopped while answering (exit code {code})"),
                time.monotonic() - started,
            ) from exc
        self._idle.put(worker)
        if status == "failed":
            raise WorkerFailure(value, time.monotonic() - started)
        return value

    def _replace(self, worker: _Worker) -> None:
        worker.stop()  # SIGKILL: its CPU is free before the caller hears of the timeout
        self.killed += 1
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)
        self._add()

    def close(self) -> None:
        with self._lock:
            self._closed = True
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
