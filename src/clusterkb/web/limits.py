"""Request limits that hold before any route runs: target and body size, rate per client."""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class TokenBuckets:
    """A bucket per client: `rate` requests per second on average, `burst` at once."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self._buckets: dict[str, tuple[float, float]] = {}

    def take(self, client: str, now: float | None = None) -> float:
        """0 when the request may go; else the seconds until it may (a rate of 0: no limit)."""
        if self.rate <= 0:
            return 0.0
        now = time.monotonic() if now is None else now
        tokens, last = self._buckets.get(client, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * self.rate)
        if tokens < 1:
            self._buckets[client] = (tokens, now)
            return (1 - tokens) / self.rate
        self._buckets[client] = (tokens - 1, now)
        if len(self._buckets) > 10_000:  # forget idle clients
            self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < 60}
        return 0.0


async def _plain(send: Send, status: int, text: str, headers: list[tuple[bytes, bytes]]) -> None:
    body = text.encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class Limits:
    """ASGI middleware: 414 for a long target, 413 for a large body, 429 past the rate.

    A body sent with Content-Length is judged by its header (the HTTP server never reads past
    it); a chunked one is read here, up to the limit, before the route sees it, so that an
    oversized upload is refused with 413 rather than failing halfway through a route.
    """

    def __init__(self, app: ASGIApp, max_url: int, max_body: int, buckets: TokenBuckets) -> None:
        self.app = app
        self.max_url = max_url
        self.max_body = max_body
        self.buckets = buckets

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        target = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"")
        if target > self.max_url:
            await _plain(
                send,
                414,
                f"request target longer than {self.max_url} bytes; send the query with POST",
                [],
            )
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body:
            await _plain(send, 413, f"request body larger than {self.max_body} bytes", [])
            return
        client = (scope.get("client") or ("?", 0))[0]
        wait = self.buckets.take(client)
        if wait > 0:
            retry = str(max(1, math.ceil(wait)))
            await _plain(
                send,
                429,
                f"too many requests; retry after {retry} s",
                [(b"retry-after", retry.encode())],
            )
            return
        if length is None and b"transfer-encoding" in headers:
            messages = await _read_capped(receive, self.max_body)
            if messages is None:
                await _plain(send, 413, f"request body larger than {self.max_body} bytes", [])
                return
            receive = _replay(messages, receive)
        await self.app(scope, receive, send)


async def _read_capped(receive: Receive, limit: int) -> list[MutableMapping[str, Any]] | None:
    """The body's messages, or None as soon as they add up to more than `limit` bytes."""
    messages = []
    seen = 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return messages  # the client went away: the route will see that
        seen += len(message.get("body", b""))
        if seen > limit:
            return None
        if not message.get("more_body", False):
            return messages


def _replay(messages: list[MutableMapping[str, Any]], receive: Receive) -> Receive:
    """The messages already read, then whatever comes next (a disconnect)."""
    pending = list(messages)

    async def inner() -> MutableMapping[str, Any]:
        return pending.pop(0) if pending else await receive()

    return inner
