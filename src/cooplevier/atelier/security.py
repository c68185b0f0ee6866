"""What keeps the room's network out: headers on every answer, bounded form bodies, join limits.

The headers are set by a plain ASGI middleware (cheap on every request): a CSP with no inline
script and no framing, nosniff, no referrer (the workshop code is in every URL), no caching of
pages. Forms are read here, with a byte limit checked before and while the body arrives.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from cooplevier import charset

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_BODY = 64 * 1024  # a form: one answer and a comment of 2 000 characters, percent-encoded, fits
MAX_FIELDS = 32
BODY_TIMEOUT = 30.0  # seconds for a form's body, once its headers are in
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
)


class SecurityHeaders:
    """Adds HEADERS to every HTTP response, and `no-store` unless the app chose a cache policy."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                headers.extend(h for h in HEADERS if h[0] not in names)
                if b"cache-control" not in names:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class FormRefused(Exception):
    """A form that is not read: `kind` names the error page, `status` the HTTP answer."""

    def __init__(self, kind: str, status: int) -> None:
        super().__init__(kind)
        self.kind, self.status = kind, status


def too_large() -> FormRefused:
    return FormRefused("too_large", 413)


def not_a_form(status: int = 415) -> FormRefused:
    return FormRefused("not_form", status)


async def read_form(request: Any, limit: int = MAX_BODY) -> dict[str, str]:
    """The fields of a urlencoded form; refused past `limit` bytes (declared or received).

    Parsed here rather than by python-multipart: browsers send these forms urlencoded, and
    reading the bytes ourselves is what lets the limit hold whatever the client declares.
    A field given twice keeps its first value. Raises FormRefused (413 past the size or the
    number of fields, 415 for another encoding, 400 when the client left mid-body).
    """
    from starlette.requests import ClientDisconnect

    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        raise not_a_form()
    declared = request.headers.get("content-length")
    if declared is not None and (not charset.is_digits(declared) or int(declared) > limit):
        raise too_large()
    body = bytearray()
    try:
        async with asyncio.timeout(BODY_TIMEOUT):  # a body that never arrives holds no connection
            async for chunk in request.stream():
                body.extend(chunk)
                if len(body) > limit:
                    raise too_large()
    except ClientDisconnect:  # the phone went away mid-send: nothing was saved, nothing to log
        raise FormRefused("not_form", 400) from None
    except TimeoutError:
        raise FormRefused("not_form", 408) from None
    if body.count(b"&") >= MAX_FIELDS:  # a form of ours has a handful of fields
        raise not_a_form(413)
    try:
        # strict: a percent-escaped byte that is not UTF-8 is refused, never stored as « � »
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=MAX_FIELDS, errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise not_a_form() from None
    fields: dict[str, str] = {}
    for name, value in pairs:
        fields.setdefault(name, value)
    return fields


@dataclass
class JoinLimiter:
    """A token bucket per client address: `per_minute` joins, refilled evenly over a minute."""

    per_minute: int
    buckets: dict[str, tuple[float, float]] = field(default_factory=dict)
    clock: Callable[[], float] = time.monotonic

    def allow(self, address: str) -> bool:
        now = self.clock()
        tokens, since = self.buckets.get(address, (float(self.per_minute), now))
        tokens = min(float(self.per_minute), tokens + (now - since) * self.per_minute / 60)
        if len(self.buckets) > 10_000:  # a flood of addresses: forget the full buckets
            self.buckets = {a: b for a, b in self.buckets.items() if b[0] < self.per_minute}
        if tokens < 1:
            self.buckets[address] = (tokens, now)
            return False
        self.buckets[address] = (tokens - 1, now)
        return True
