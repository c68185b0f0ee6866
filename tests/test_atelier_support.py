"""Shared by the atelier tests and `benchmarks/bench_atelier.py`: a real server process, and
simulated participants that go through the plain HTML forms as a browser without JavaScript would.

No test here: the module only holds helpers (pytest collects it and finds nothing to run).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import yaml
from starlette.testclient import TestClient

from cooplevier.atelier.web import create_app
from cooplevier.atelier.workshop import Workshop, start_workshop
from cooplevier.content.model import Pack

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
ACTION = re.compile(r'<form method="post" action="([^"]+/question/([^"]+))"')
FORWARD = re.compile(r'<a class="button primary" href="([^"]+)"')


@dataclass
class Server:
    proc: subprocess.Popen[str]
    participant: str
    facilitator: str
    folder: str

    @property
    def origin(self) -> str:
        return self.participant.split("/a/")[0]

    out: str = ""
    err: str = ""
    screen: str = ""  # the read-only projected page (screen key)
    presenter: str = ""  # the presenter view, under the screen key

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 60) -> int:
        """Send `sig`, wait for the end, and keep what the server printed (its pipes closed)."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        out, err = self.proc.communicate(timeout=timeout)
        self.out, self.err = self.out + out, self.err + err
        return self.proc.returncode


def start_server(folder: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 30) -> Server:
    """`cooplevier atelier FOLDER --port 0 --format json ARGS` in its own process; its first line read."""
    command = [sys.executable, "-m", "cooplevier", "atelier", str(folder), "--format", "json", *args]
    if "--port" not in args:
        command += ["--port", "0"]
    proc = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout
    line = proc.stdout.readline()
    if not line:
        err = proc.stderr.read() if proc.stderr else ""
        raise AssertionError(f"the server did not start: {err}")
    assert time.monotonic() < deadline
    links = json.loads(line)
    server = Server(proc, links["participant"], links["facilitator"], links["folder"])
    server.screen, server.presenter = links.get("screen", ""), links.get("presenter", "")
    return server


@dataclass
class Outcome:
    """What one simulated participant got acknowledged, and how long each answer took."""

    resume: str = ""
    acknowledged: dict[str, Any] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


async def participate(
    client: Any,
    link: str,
    role: str,
    choose: Callable[[str], Any],
    *,
    name: str | None = None,
    stop_after: int | None = None,
    outcome: Outcome | None = None,
    after_join: Callable[[], Awaitable[None]] | None = None,
    think: Callable[[], float] | None = None,
) -> Outcome:
    """Join through `link`, then answer every question with `choose(question id)` (1-5, na, unknown).

    `client` is an `httpx.AsyncClient` of this participant alone (its own cookies). An answer
    counts as acknowledged when the server answered its POST with the redirect to the next page.
    """
    out = outcome if outcome is not None else Outcome()
    page = await client.get(link)
    csrf = CSRF.search(page.text)
    if page.status_code != 200 or csrf is None:
        out.errors.append(f"join page {page.status_code}")
        return out
    response = await client.post(f"{link}/rejoindre", data={"csrf": csrf.group(1), "role": role, "name": name or ""})
    if response.status_code != 303:
        out.errors.append(f"join {response.status_code}")
        return out
    token = client.cookies.get("cooplevier_participant")
    out.resume = f"{link}/reprendre/{token}"
    if after_join is not None:
        await after_join()
    url = urljoin(link, response.headers["location"])
    answered = 0
    while "/fin" not in url:
        page = await client.get(url)
        if page.status_code != 200:
            out.errors.append(f"GET {url} {page.status_code}")
            return out
        form = ACTION.search(page.text)
        if form is None:
            forward = FORWARD.search(page.text)
            if forward is None:
                out.errors.append(f"no way forward on {url}")
                return out
            url = urljoin(link, forward.group(1))
            continue
        if stop_after is not None and answered >= stop_after:
            return out
        action, qid = urljoin(link, form.group(1)), form.group(2)
        value = choose(qid)
        if think is not None:  # reading the question: seconds, as `think()` says
            import asyncio

            await asyncio.sleep(think())
        started = time.perf_counter()
        response = await client.post(
            action,
            data={
                "csrf": CSRF.search(page.text).group(1),  # type: ignore[union-attr]
                qid: str(value),
                "action": "suivant",
            },
        )
        elapsed = time.perf_counter() - started
        if response.status_code != 303:
            out.errors.append(f"POST {qid} {response.status_code}")
            return out
        out.acknowledged[qid] = value
        out.latencies.append(elapsed)
        answered += 1
        url = urljoin(link, response.headers["location"])
    page = await client.get(url)
    if 'id="done"' not in page.text:
        out.errors.append("no done page")
    return out


class RawResponse:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status_code = status
        self.headers = headers
        self.content = body

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")


class RawClient:
    """A minimal HTTP/1.1 keep-alive client on asyncio streams, with one cookie jar.

    For load runs: it costs the client a fraction of what a full HTTP library does, so that on a
    2-core machine the server, not the simulated phones, gets the CPU. Not a general client: it
    reads what this server sends (Content-Length bodies, no chunking) and keeps cookies by name.
    """

    def __init__(self, timeout: float = 60) -> None:
        self.cookies: dict[str, str] = {}
        self.timeout = timeout
        self._conn: tuple[Any, Any] | None = None

    async def __aenter__(self) -> RawClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._conn is not None:
            self._conn[1].close()
            self._conn = None

    async def get(self, url: str) -> RawResponse:
        return await self._request("GET", url, b"")

    async def post(self, url: str, data: dict[str, str]) -> RawResponse:
        from urllib.parse import urlencode

        return await self._request("POST", url, urlencode(data).encode())

    async def _request(self, method: str, url: str, body: bytes) -> RawResponse:
        import asyncio
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        if self._conn is None:
            self._conn = await asyncio.open_connection(parts.hostname, parts.port)
        reader, writer = self._conn
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        head = [f"{method} {parts.path or '/'} HTTP/1.1", f"Host: {parts.netloc}", "Connection: keep-alive"]
        if cookie:
            head.append(f"Cookie: {cookie}")
        if method == "POST":
            head += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        await writer.drain()
        raw = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), self.timeout)
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers: dict[str, str] = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                name = name.strip().lower()
                if name == "set-cookie":
                    key, _, rest = value.strip().partition("=")
                    self.cookies[key] = rest.split(";", 1)[0]
                headers[name] = value.strip()
        length = int(headers.get("content-length", "0"))
        content = await asyncio.wait_for(reader.readexactly(length), self.timeout) if length else b""
        if headers.get("connection", "").lower() == "close":
            await self.aclose()
        return RawResponse(status, headers, content)


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


# -- in-process: a workshop served through Starlette's TestClient --------------------------------
class Room:
    """A workshop in a temporary folder, and a way to open browsers (clients) on it."""

    def __init__(self, folder: Path, pack: Pack, *, revealed: bool = True, **options: Any) -> None:
        """`revealed`: the results shown on the screen from the start (a new workshop hides them
        until the facilitator reveals them; the tests of the screen's figures start revealed)."""
        self.folder = folder
        self.pack = pack
        self.options = {"territory": "Pays <b>Test</b>", "structure": None, "short": False, **options}
        new = not (folder / ".cooplevier-atelier" / "state.json").exists()
        self.workshop = start_workshop(folder, pack, **self.options)
        if revealed and new:
            from dataclasses import replace

            from cooplevier.atelier.state import save_state

            self.workshop.registry.state = replace(self.workshop.state, hidden=False)
            save_state(folder, self.workshop.state)
        self.workshop.base_url = "http://testserver"
        self.app = create_app(self.workshop)
        self.clients: list[TestClient] = []

    @property
    def w(self) -> Workshop:
        return self.workshop

    @property
    def base(self) -> str:
        return f"/a/{self.w.state.display_code}"

    @property
    def fac(self) -> str:
        return f"/animation/{self.w.state.key}"

    def client(self) -> TestClient:
        client = TestClient(self.app, follow_redirects=False)
        client.__enter__()
        self.clients.append(client)
        return client

    def join(self, client: TestClient, role: str = "elu", name: str = "") -> Any:
        page = client.get(self.base)
        return client.post(f"{self.base}/rejoindre", data={"csrf": csrf_of(page.text), "role": role, "name": name})

    def answer(self, client: TestClient, qid: str, value: Any, *, action: str = "suivant", comment: str = "") -> Any:
        page = client.get(f"{self.base}/question/{qid}")
        data = {"csrf": csrf_of(page.text), "action": action, f"comment-{qid}": comment}
        if value is not None:
            data[qid] = str(value)
        return client.post(f"{self.base}/question/{qid}", data=data)

    def files(self) -> list[dict[str, Any]]:
        return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(self.folder.glob("reponses-*.yaml"))]

    def close(self) -> None:
        for client in self.clients:
            client.__exit__(None, None, None)


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, html[:500]
    return found.group(1)


def rooms(tmp_path: Path, pack: Pack) -> Iterator[Callable[..., Room]]:
    """The body of a `room` fixture: make(folder="atelier", **options) -> Room; all closed after."""
    made: list[Room] = []

    def make(folder: str = "atelier", **options: Any) -> Room:
        made.append(Room(tmp_path / folder, pack, **options))
        return made[-1]

    yield make
    for r in made:
        r.close()
