"""Listening and serving: the socket, the links, uvicorn, and a clean stop on Ctrl-C or SIGTERM.

The socket is bound here before uvicorn starts, so that a port in use or a wrong address is said
in French before anything is printed, `--port 0` knows its port, and the links are printed only
once connections can be accepted. Uvicorn's own signal handling stops the server gracefully
(requests under way finish, so every write that started is completed); the signal it re-raises
afterwards lands on a handler of ours, so the command then exits 0.
"""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import logging
import os
import signal
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from cooplevier.errors import CooplevierError, os_reason
from cooplevier.messages import t

LOOPBACK = "127.0.0.1"
BACKLOG = 2048  # a room that scans the QR code at the same second
HEADER_TIMEOUT = 30.0  # seconds for a request's headers to arrive whole, from the connection or the last answer
MAX_CONNECTIONS = 2000  # beyond, new requests get 503 (uvicorn's limit_concurrency): ~7 per phone of a seminar
FILES_WANTED = 8192  # the open-file limit the server raises itself to (soft, up to the hard limit)


@dataclass(frozen=True, slots=True)
class Listening:
    sock: socket.socket
    host: str  # what the links say
    port: int
    local_only: bool


def lan_address() -> str | None:
    """This machine's address on the room's network (the one phones on the same Wi-Fi reach).

    A UDP socket "connected" to a documentation address (TEST-NET-1) sends nothing: the system
    only picks the interface it would route through, and that interface's address is the answer.
    """
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("192.0.2.1", 9))
        address = str(probe.getsockname()[0])
        if not ipaddress.ip_address(address).is_loopback and address != "0.0.0.0":
            return address
    with contextlib.suppress(OSError):
        address = socket.gethostbyname(socket.gethostname())
        if not ipaddress.ip_address(address).is_loopback:
            return address
    return None


def listen(host: str | None, port: int, *, lan: bool) -> Listening:
    """Bind the socket: localhost by default, every interface with `--lan`, or `--host`."""
    if lan and host is None:
        shown = lan_address()
        if shown is None:
            raise CooplevierError(t("atelier.no_lan"))
        bind = "0.0.0.0"
    else:
        bind = host or LOOPBACK
        shown = bind
        if bind in ("0.0.0.0", "::"):
            shown = lan_address() or LOOPBACK
    try:
        family = socket.AF_INET6 if ipaddress.ip_address(bind).version == 6 else socket.AF_INET
    except ValueError:
        family = socket.AF_INET  # a host name: resolved by bind()
    # IPPROTO_TCP named, not 0: asyncio turns Nagle off (TCP_NODELAY) only on sockets that say they
    # are TCP; without it every keep-alive answer waits ~40 ms for the client's delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # restart at once after a crash
        sock.bind((bind, port))
        sock.listen(BACKLOG)
    except OSError as exc:
        sock.close()
        raise _bind_error(exc, bind, port) from None
    sock.set_inheritable(True)
    actual = sock.getsockname()[1]
    local_only = ipaddress.ip_address(sock.getsockname()[0]).is_loopback
    if ":" in shown:
        shown = f"[{shown}]"
    return Listening(sock, shown, actual, local_only)


def _bind_error(exc: OSError, host: str, port: int) -> CooplevierError:
    if exc.errno == errno.EADDRINUSE:
        return CooplevierError(t("atelier.port_in_use", port=port, next=port + 1))
    if exc.errno == errno.EACCES:
        return CooplevierError(t("atelier.port_denied", port=port))
    if exc.errno in (errno.EADDRNOTAVAIL, errno.EINVAL) or isinstance(exc, socket.gaierror):
        return CooplevierError(t("atelier.bad_host", host=host))
    return CooplevierError(t("atelier.listen_failed", host=host, port=port, reason=os_reason(exc)))


class _OneLine(logging.Filter):
    """Server errors said in one French line on stderr, never a traceback (unless COOPLEVIER_DEBUG)."""

    # uvicorn's own warnings, said in French, at most once a minute each (a flood of bad requests
    # must not bury the facilitator's terminal)
    KNOWN: ClassVar[dict[str, Callable[[], str]]] = {
        "Exceeded concurrency limit.": lambda: t("atelier.too_many_connections"),
        "Invalid HTTP request received.": lambda: t("atelier.invalid_requests"),
    }
    QUIET = 60.0

    def __init__(self) -> None:
        super().__init__()
        self.said: dict[str, float] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        said = self.KNOWN.get(str(record.msg)) if not os.environ.get("COOPLEVIER_DEBUG") else None
        if said is not None:
            now = time.monotonic()
            if now - self.said.get(str(record.msg), -self.QUIET) < self.QUIET:
                return False
            self.said[str(record.msg)] = now
            record.msg, record.args, record.exc_info, record.exc_text = said(), (), None, None
            return True
        if record.exc_info and not os.environ.get("COOPLEVIER_DEBUG"):
            kind = record.exc_info[0].__name__ if record.exc_info[0] else "?"
            if record.name == "asyncio":  # an accept() that failed: no page was involved
                record.msg = t("atelier.connection_failed", kind=kind)
            else:
                record.msg = t("atelier.request_failed", kind=kind)
            record.args = ()
            record.exc_info, record.exc_text = None, None
        return True


def _protocol() -> type:
    """uvicorn's HTTP/1.1 protocol, with a deadline on headers: a connection that has not sent a
    whole request within HEADER_TIMEOUT is closed. uvicorn's own keep-alive timer stops at the
    first byte, so a client that sends its headers a byte at a time (slowloris) would otherwise
    hold its connection, and one of MAX_CONNECTIONS, for ever."""
    import asyncio

    from uvicorn.protocols.http.h11_impl import H11Protocol

    class HeadersInTime(H11Protocol):
        _deadline: asyncio.TimerHandle | None = None
        _waiting_after: object = None

        def _arm(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
            self._waiting_after = self.cycle  # a new request replaces the cycle
            self._deadline = self.loop.call_later(HEADER_TIMEOUT, self._too_slow)

        def _too_slow(self) -> None:
            if self.cycle is self._waiting_after and not self.transport.is_closing():
                self.transport.close()

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._arm()

        def connection_lost(self, exc: Exception | None) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
            super().connection_lost(exc)

    return HeadersInTime


def _more_files() -> None:
    """Raise the soft limit on open files (1 024 by default on Linux) towards FILES_WANTED: each
    phone holds a connection, and each answer briefly opens two files."""
    with contextlib.suppress(ImportError, OSError, ValueError):
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        wanted = FILES_WANTED if hard == resource.RLIM_INFINITY else min(FILES_WANTED, hard)
        if soft != resource.RLIM_INFINITY and soft < wanted:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def _logging() -> dict[str, Any]:
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"one_line": {"()": _OneLine}},
        "formatters": {"plain": {"format": "%(message)s"}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "plain",
                "filters": ["one_line"],
            }
        },
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
            "uvicorn.error": {"level": "WARNING"},
            "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
            # asyncio says "socket.accept() out of system resource" with a traceback when files run out
            "asyncio": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        },
    }


_received: list[int] = []


def _note(signum: int, frame: Any) -> None:
    _received.append(signum)  # a stop asked before serving, or the one uvicorn re-raises after its own


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Inside, Ctrl-C and SIGTERM only ask for a stop. Entered before the links are printed, so a
    script that reads the first line and stops the server at once still gets a clean exit 0."""
    _received.clear()
    before = {sig: signal.signal(sig, _note) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in before.items():
            signal.signal(sig, handler)


def serve(app: Any, listening: Listening) -> int | None:
    """Serve until Ctrl-C or SIGTERM (inside `signals_held()`); returns the signal that stopped it."""
    import uvicorn

    _more_files()
    config = uvicorn.Config(
        app,
        http=_protocol(),
        limit_concurrency=MAX_CONNECTIONS,
        lifespan="off",
        log_config=_logging(),
        access_log=False,
        server_header=False,
        proxy_headers=False,
        timeout_keep_alive=20,
        timeout_graceful_shutdown=30,  # requests under way finish; a stuck connection does not hold us
        backlog=BACKLOG,
        h11_max_incomplete_event_size=32 * 1024,
    )
    server = uvicorn.Server(config)
    try:
        if not _received:  # a stop asked while the links were printed: nothing to serve
            server.run(sockets=[listening.sock])
    finally:
        with contextlib.suppress(OSError):
            listening.sock.close()
    return _received[0] if _received else None
