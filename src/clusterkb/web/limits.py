"""Request limits that hold before any route runs: target and body size, rate per client."""

from __future__ import annotations

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
        """0 when the request may go; else the seconds until it may."""
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
    """ASGI middleware: 414 for a long target, 413 for a large body, 429 past the rate."""

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
            retry = str(max(1, round(wait + 0.5)))
            await _plain(
                send,
                429,
                f"too many requests; retry after {retry} s",
                [(b"retry-after", retry.encode())],
            )
            return
        if length is None and scope.get("method") in ("POST", "PUT"):
            receive = _capped(receive, self.max_body)
        await self.app(scope, receive, send)


class BodyTooLarge(Exception):
    pass


def _capped(receive: Receive, limit: int) -> Receive:
    """A chunked body is counted as it arrives."""
    seen = 0

    async def inner() -> MutableMapping[str, Any]:
        nonlocal seen
        message = await receive()
        seen += len(message.get("body", b""))
        if seen > limit:
            raise BodyTooLarge()
        return message

    return inner
