"""The query pool with fake tasks: an overrunning task is really stopped (its process is gone,
not just abandoned), the others go on answering, and a worker is fenced in by the kernel."""

from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from clusterkb.errors import InputError
from clusterkb.query_pool import Busy, QueryPool, QueryTimeout, WorkerFailure
from clusterkb.sparql_guard import Refused

SRC = Path(__file__).resolve().parents[1] / "src"


def echo(store: object, value: Any) -> Any:
    return value


def nap(store: object, seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def burn(store: object) -> None:
    while True:
        pass


def fail(store: object, kind: str) -> None:
    if kind == "refused":
        raise Refused("no such thing here", 404)
    if kind == "input":
        raise InputError("bad parameter", fix="give a good one")
    raise ValueError("a bug in a task")


def die(store: object) -> None:
    os._exit(3)


def open_socket(store: object) -> str:
    try:
        socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()
    except OSError as exc:
        return f"refused: errno {exc.errno}"
    return "opened"


def socket_inodes(store: object) -> list[int]:
    """The sockets this process holds (by inode)."""
    found = []
    for name in os.listdir("/proc/self/fd"):
        try:
            info = os.fstat(int(name))
        except OSError:
            continue
        if stat.S_ISSOCK(info.st_mode):
            found.append(info.st_ino)
    return found


TASKS = {
    "echo": echo,
    "nap": nap,
    "burn": burn,
    "fail": fail,
    "die": die,
    "open_socket": open_socket,
    "socket_inodes": socket_inodes,
}


def gone(pid: int) -> bool:
    """The process no longer exists (or is a zombie: it runs no more)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in ("Z", "X")


@pytest.fixture
def pool() -> Iterator[QueryPool]:
    pool = QueryPool(None, TASKS, size=2, timeout=1.0)  # type: ignore[arg-type]
    yield pool
    pool.close()


def test_answers_and_keeps_its_workers(pool: QueryPool) -> None:
    pids = pool.pids()
    assert [pool.call("echo", n) for n in range(5)] == [0, 1, 2, 3, 4]
    assert pool.pids() == pids and pool.killed == 0


@pytest.mark.parametrize("task,args", [("nap", (30.0,)), ("burn", ())])
def test_an_overrunning_task_is_stopped_within_the_timeout(
    pool: QueryPool, task: str, args: tuple[object, ...]
) -> None:
    before = set(pool.pids())
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match=r"longer than 1 s and was stopped"):
        pool.call(task, *args)
    assert time.monotonic() - started < 1.0 + 1.0
    stopped = before - set(pool.pids())
    assert len(stopped) == 1 and all(gone(pid) for pid in stopped)  # killed, not abandoned
    assert pool.killed == 1 and len(pool.pids()) == 2  # replaced
    assert pool.call("echo", "still here") == "still here"


def test_a_call_may_ask_for_its_own_limit(pool: QueryPool) -> None:
    with pytest.raises(QueryTimeout):
        pool.call("nap", 5.0, timeout=0.3)
    assert pool.call("nap", 0.5, timeout=3.0) == 0.5


def test_the_other_worker_answers_while_one_is_stuck(pool: QueryPool) -> None:
    outcome: list[object] = []
    stuck = threading.Thread(target=lambda: outcome.append(_catch(pool, "burn")))
    stuck.start()
    time.sleep(0.2)  # the burner has its worker
    started = time.monotonic()
    assert pool.call("echo", 1) == 1
    assert time.monotonic() - started < 0.5
    stuck.join()
    assert isinstance(outcome[0], QueryTimeout)


def _catch(pool: QueryPool, task: str, *args: object) -> object:
    try:
        return pool.call(task, *args)
    except Exception as exc:
        return exc


def test_busy_when_no_worker_frees_up_in_time() -> None:
    pool = QueryPool(None, TASKS, size=1, timeout=5.0, wait=0.3)  # type: ignore[arg-type]
    try:
        holder = threading.Thread(target=pool.call, args=("nap", 1.5))
        holder.start()
        time.sleep(0.2)
        started = time.monotonic()
        with pytest.raises(Busy):
            pool.call("echo", 1)
        assert 0.25 < time.monotonic() - started < 1.0
        holder.join()
        assert pool.call("echo", 2) == 2
    finally:
        pool.close()


def test_a_request_waits_for_a_worker_at_most_the_timeout_by_default() -> None:
    pool = QueryPool(None, TASKS, size=1, timeout=0.7)  # type: ignore[arg-type]
    try:
        assert pool.wait == 0.7
    finally:
        pool.close()


@pytest.mark.parametrize(
    "kind,status,text", [("refused", 404, "no such thing"), ("input", 400, "bad parameter")]
)
def test_task_errors_become_statuses_and_keep_the_worker(
    pool: QueryPool, kind: str, status: int, text: str
) -> None:
    pids = pool.pids()
    with pytest.raises(WorkerFailure) as info:
        pool.call("fail", kind)
    assert info.value.status == status and text in info.value.message
    assert pool.pids() == pids


def test_a_bug_is_a_500_without_the_traceback(pool: QueryPool) -> None:
    """The traceback goes to the server's log; the client is told what failed, not where."""
    with pytest.raises(WorkerFailure) as info:
        pool.call("fail", "bug")
    assert info.value.status == 500
    assert "ValueError: a bug in a task" in info.value.message
    assert "Traceback" not in info.value.message and ".py" not in info.value.message


def test_a_worker_that_dies_while_answering_is_replaced(pool: QueryPool) -> None:
    with pytest.raises(WorkerFailure) as info:
        pool.call("die")
    assert info.value.status == 503 and "exit code 3" in info.value.message
    assert len(pool.pids()) == 2 and pool.call("echo", 1) == 1


def test_a_worker_killed_while_idle_is_replaced_unnoticed(pool: QueryPool) -> None:
    for pid in pool.pids():
        os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 5
    while not all(gone(pid) for pid in pool.pids()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pool.call("echo", "fresh") == "fresh"


def test_workers_cannot_open_sockets(pool: QueryPool) -> None:
    """No query can reach another machine, whatever the SPARQL guard let through."""
    assert pool.call("open_socket") == "refused: errno 13"


def test_a_pool_made_for_federation_may_open_sockets() -> None:
    pool = QueryPool(None, TASKS, size=1, timeout=2.0, network=True)  # type: ignore[arg-type]
    try:
        assert pool.call("open_socket") == "opened"
    finally:
        pool.close()


def test_a_replacement_worker_holds_none_of_the_servers_sockets(pool: QueryPool) -> None:
    """Forked after the server opened its port and connections, a worker drops their copies."""
    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen()
        with pytest.raises(QueryTimeout):
            pool.call("nap", 5.0)  # forces a fork now, with the port open
        held = set()
        for _ in range(4):  # both workers, whichever answers
            held.update(pool.call("socket_inodes"))
        assert os.fstat(listening.fileno()).st_ino not in held
        assert len(held) == 2  # each worker's own pipe to the server, nothing else


ORPHAN = textwrap.dedent(
    """
    import sys, threading, time
    sys.path.insert(0, {tests!r})
    from test_query_pool import TASKS
    from clusterkb.query_pool import QueryPool
    pool = QueryPool(None, TASKS, size=2, timeout=1.0)
    print(*pool.pids(), flush=True)
    threading.Thread(target=pool.call, args=("burn",), daemon=True).start()
    time.sleep(60)
    """
)


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_workers_stop_when_the_server_is_killed() -> None:
    """SIGKILL to the server leaves no worker behind: the idle one sees its pipe close, and
    the kernel's CPU budget stops the busy one shortly after the query's time is up. The budget
    is CPU time, so on a loaded machine it takes longer by the clock: the bound is on CPU."""
    server = subprocess.Popen(
        [sys.executable, "-c", ORPHAN.format(tests=str(Path(__file__).parent))],
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(SRC)},
    )
    try:
        assert server.stdout is not None
        pids = [int(p) for p in server.stdout.readline().split()]
        assert len(pids) == 2
        time.sleep(0.4)  # one worker is burning CPU now
    finally:
        server.kill()
        server.wait()
    used = dict.fromkeys(pids, 0.0)
    deadline = time.monotonic() + 60
    while not all(gone(pid) for pid in pids) and time.monotonic() < deadline:
        for pid in pids:
            used[pid] = max(used[pid], cpu_seconds(pid))
        time.sleep(0.05)
    left = [pid for pid in pids if not gone(pid)]
    for pid in left:  # do not leave them burning if the test fails
        os.kill(pid, signal.SIGKILL)
    assert left == []
    assert max(used.values()) <= 1.0 + 2 + 1 + 0.5  # timeout + CPU_GRACE + rounding + a tick
