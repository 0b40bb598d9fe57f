"""What every route shares: the settings, the query pool, the answer cache, who may see what."""

from __future__ import annotations

import hmac
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from ..query_pool import Busy, QueryPool, QueryTimeout, WorkerFailure
from ..settings import ServerSettings, Settings


class AnswerCache:
    """Answers by ETag (dataset version + request), least recently used out first."""

    def __init__(self, entries: int, largest: int = 2_000_000) -> None:
        self.entries = entries
        self.largest = largest
        self._items: OrderedDict[str, Any] = OrderedDict()

    def get(self, key: str) -> Any:
        item = self._items.get(key)
        if item is not None:
            self._items.move_to_end(key)
        return item

    def put(self, key: str, value: Any) -> None:
        size = len(value) if isinstance(value, bytes) else len(getattr(value, "body", b""))
        if size > self.largest:
            return
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.entries:
            self._items.popitem(last=False)


@dataclass
class AppContext:
    settings: Settings
    server: ServerSettings
    pool: QueryPool
    version: str  # changes whenever the built dataset changes
    public_graphs: list[str]
    private_graphs: list[str]
    counts: dict[str, int] = field(default_factory=dict)
    cache: AnswerCache = field(default_factory=lambda: AnswerCache(1000))

    def private(self, request: Request) -> bool:
        """Personal data is for holders of the configured token only."""
        token = self.server.token
        given = request.headers.get("authorization", "")
        if not token or not given.lower().startswith("bearer "):
            return False
        return hmac.compare_digest(given[7:].strip().encode(), token.encode())


def error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return PlainTextResponse(message + "\n", status_code=status, headers=headers)


async def run(ctx: AppContext, task: str, *args: object, limit: float | None = None) -> Any:
    """A task in a query worker (within `limit` s, else the server's timeout); a failure
    becomes the response to send."""
    try:
        return await run_in_threadpool(lambda: ctx.pool.call(task, *args, timeout=limit))
    except QueryTimeout as exc:
        return error(503, f"{exc}; narrow it down (LIMIT, more specific patterns) and retry")
    except Busy:
        return error(503, "every query worker is busy; retry shortly", {"Retry-After": "1"})
    except WorkerFailure as exc:
        return error(exc.status, exc.message)
