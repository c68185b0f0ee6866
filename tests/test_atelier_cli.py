"""`cooplevier atelier` as a user runs it: options, French errors, the links, a clean stop, a restart."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from cooplevier.atelier import server
from cooplevier.typography import typeset
from tests.helpers import invoke
from tests.test_atelier_support import start_server


def _get(url: str) -> tuple[int, str]:
    import urllib.error
    import urllib.request

    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        pytest.param(["--structure", "commune"], "type de structure « commune » inconnu", id="structure"),
        pytest.param(["--min-group", "1"], "au moins 2", id="min-group"),
        pytest.param(["--port", "70000"], "port 70000 invalide", id="port"),
        pytest.param(["--lan", "--host", "0.0.0.0"], "s'excluent", id="lan-and-host"),
        pytest.param(["--territory", "  "], "non vide", id="territory"),
        pytest.param(["--join-rate", "0"], "au moins 1", id="join-rate"),
        pytest.param(["--organiser", " "], "--organiser : un texte non vide", id="organiser-empty"),
        pytest.param(["--retention", "x" * 301], "300 caractères au plus", id="retention-long"),
        pytest.param(["--organiser", "CC \x1b[31mX"], "--organiser", id="organiser-control"),
        pytest.param(["--format", "xml"], "xml", id="format"),
    ],
)
def test_usage_errors_exit_2_in_french(tmp_path: Path, args: list[str], words: str) -> None:
    result = invoke("atelier", str(tmp_path / "a"), *args)
    assert result.exit_code == 2 and typeset(words) in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "a").exists()


def test_a_folder_that_is_a_file_is_refused(tmp_path: Path) -> None:
    file = tmp_path / "notes.txt"
    file.write_text("x", encoding="utf-8")
    result = invoke("atelier", str(file))
    assert result.exit_code == 1 and "est un fichier, pas un dossier" in result.stderr


def test_short_form_missing_from_the_pack_is_said_before_the_folder_is_touched(tmp_path: Path) -> None:
    import shutil

    from cooplevier.resources import shipped_dir

    data = tmp_path / "pack"
    shutil.copytree(shipped_dir("data"), data)
    questions = data / "questions.yaml"
    questions.write_text(
        re.sub(r"(?m)^\s*short: true\s*$\n?", "", questions.read_text(encoding="utf-8")), encoding="utf-8"
    )
    questions.write_text(re.sub(r",\s*short: true", "", questions.read_text(encoding="utf-8")), encoding="utf-8")
    result = invoke("atelier", str(tmp_path / "a"), "--short", "--content", str(data))
    assert result.exit_code == 1 and "forme courte" in result.stderr and "relancez sans --short" in result.stderr
    assert not (tmp_path / "a").exists()


def test_a_port_in_use_says_which_and_what_to_do(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = invoke("atelier", str(tmp_path / "a"), "--port", str(port))
    assert result.exit_code == 1
    assert f"le port {port} est déjà pris" in result.stderr and f"--port {port + 1}" in result.stderr


def test_an_address_not_on_this_machine_is_refused(tmp_path: Path) -> None:
    result = invoke("atelier", str(tmp_path / "a"), "--host", "192.0.2.77", "--port", "0")
    assert result.exit_code == 1 and "indisponible sur cet ordinateur" in result.stderr


def test_lan_without_a_network_says_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(server, "lan_address", lambda: None)
    result = invoke("atelier", str(tmp_path / "a"), "--lan", "--port", "0")
    assert result.exit_code == 1 and "Wi-Fi" in result.stderr


def test_lan_puts_the_network_address_in_the_links(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing is sent anywhere: the address finder is replaced and the server returns at once."""
    seen: dict[str, Any] = {}
    monkeypatch.setattr(server, "lan_address", lambda: "192.0.2.10")
    from cooplevier.atelier.facilitation import network

    checked: list[tuple[str, int]] = []  # the start-up's check is asked about the links' address, never run here
    monkeypatch.setattr(network, "answers", lambda host, port: checked.append((host, port)) is None)

    def serve(app: Any, listening: server.Listening) -> None:
        seen["bound"] = listening.sock.getsockname()[0]
        listening.sock.close()

    monkeypatch.setattr(server, "serve", serve)
    result = invoke("atelier", str(tmp_path / "a"), "--lan", "--port", "0", "--format", "json")
    assert result.exit_code == 0, result.stderr
    links = json.loads(result.stdout.splitlines()[0])
    assert links["participant"].startswith("http://192.0.2.10:") and links["facilitator"].startswith(
        "http://192.0.2.10:"
    )
    assert seen["bound"] == "0.0.0.0" and "appareils du même réseau" in result.stderr
    assert [host for host, _port in checked] == ["192.0.2.10"] and "ne répond pas" not in result.stderr


def test_localhost_by_default_text_output_with_a_qr_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(server, "serve", lambda app, listening: listening.sock.close())
    result = invoke("atelier", str(tmp_path / "a"), "--territory", "Pays de Figeac", "--port", "0")
    assert result.exit_code == 0
    out = result.stdout
    assert typeset("Atelier « Pays de Figeac »") in out and "http://127.0.0.1:" in out and "/animation/" in out
    assert "█" in out and "\x1b[" not in out  # a QR code in block characters, no escape codes
    assert "seuls les navigateurs de cet ordinateur" in result.stderr


def test_json_line_serves_and_stops_cleanly_on_sigterm_and_ctrl_c(tmp_path: Path) -> None:
    folder = tmp_path / "atelier"
    srv = start_server(folder, "--territory", "Pays de Figeac")
    try:
        assert srv.participant.startswith("http://127.0.0.1:") and "/a/" in srv.participant
        assert "/animation/" in srv.facilitator and srv.folder == str(folder.resolve())
        status, page = _get(srv.participant)
        assert status == 200 and 'name="role"' in page
        assert _get(srv.facilitator)[0] == 200
    finally:
        code = srv.stop(signal.SIGTERM)
    assert code == 0 and srv.out == "" and "Traceback" not in srv.err and "atelier arrêté" in srv.err
    state = folder / ".cooplevier-atelier" / "state.json"
    assert stat.S_IMODE(state.stat().st_mode) == 0o600
    again = start_server(folder, "--port", str(json.loads(state.read_text())["port"]))
    try:
        assert (again.participant, again.facilitator) == (srv.participant, srv.facilitator)
    finally:
        assert again.stop(signal.SIGINT) == 0
    third = subprocess.Popen(
        [sys.executable, "-m", "cooplevier", "atelier", str(folder), "--format", "json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert third.stdout is not None
        assert json.loads(third.stdout.readline())["participant"] == srv.participant  # no --port: the same one
    finally:
        third.send_signal(signal.SIGTERM)
        third.communicate(timeout=60)
        assert third.returncode == 0


def test_a_restart_with_other_settings_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(server, "serve", lambda app, listening: listening.sock.close())
    folder = str(tmp_path / "a")
    assert invoke("atelier", folder, "--territory", "Pays A", "--port", "0").exit_code == 0
    other = invoke("atelier", folder, "--territory", "Pays B", "--port", "0")
    assert other.exit_code == 1 and typeset("« Pays A »") in other.stderr
    structure = invoke("atelier", folder, "--structure", "pnr", "--port", "0")
    assert structure.exit_code == 1 and "--structure" in structure.stderr
    assert invoke("atelier", folder, "--port", "0").exit_code == 0


def test_a_damaged_state_is_said_never_overwritten(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(server, "serve", lambda app, listening: listening.sock.close())
    folder = tmp_path / "a"
    assert invoke("atelier", str(folder), "--port", "0").exit_code == 0
    state = folder / ".cooplevier-atelier" / "state.json"
    state.write_text("{not json", encoding="utf-8")
    result = invoke("atelier", str(folder), "--port", "0")
    assert result.exit_code == 1 and "abîmé" in result.stderr and state.read_text() == "{not json"


def test_the_other_commands_do_not_import_the_server_libraries() -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "cooplevier", "--help"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert done.returncode == 0
    imported = {line.split("|")[-1].strip().split(".")[0] for line in done.stderr.splitlines() if "|" in line}
    assert not imported & {"starlette", "uvicorn", "segno", "anyio", "h11", "httpx2"}
    assert "cooplevier.atelier" not in done.stderr.replace("cooplevier.messages.atelier", "")


def test_startup_is_quick(tmp_path: Path) -> None:
    started = time.perf_counter()
    srv = start_server(tmp_path / "a")
    elapsed = time.perf_counter() - started
    assert srv.stop() == 0
    assert elapsed < 10  # measured in benchmarks/bench_atelier.py; this only catches a hang


def test_a_second_server_on_the_same_folder_is_refused(tmp_path: Path) -> None:
    srv = start_server(tmp_path / "a")
    try:
        result = invoke("atelier", str(tmp_path / "a"), "--port", "0")
        assert result.exit_code == 1 and "déjà ouvert par un autre serveur" in result.stderr
    finally:
        assert srv.stop(signal.SIGKILL) == -signal.SIGKILL
    again = start_server(tmp_path / "a")  # the lock went with the killed process
    assert again.stop() == 0


def test_a_client_that_sends_its_headers_a_byte_at_a_time_is_cut_off(monkeypatch: pytest.MonkeyPatch) -> None:
    """Slowloris: uvicorn's keep-alive timer stops at the first byte; ours wants whole headers in time."""
    import asyncio
    import threading

    import uvicorn

    monkeypatch.setattr(server, "HEADER_TIMEOUT", 0.6)

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    uv = uvicorn.Server(uvicorn.Config(app, http=server._protocol(), lifespan="off", log_level="critical"))
    thread = threading.Thread(target=lambda: asyncio.run(uv.serve(sockets=[sock])), daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not uv.started and time.monotonic() < deadline:
            time.sleep(0.02)
        with socket.create_connection(("127.0.0.1", port), timeout=5) as fine:
            fine.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            assert fine.recv(100).startswith(b"HTTP/1.1 200")
        with socket.create_connection(("127.0.0.1", port), timeout=5) as slow:
            started = time.monotonic()
            closed = False
            for byte in b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 40:
                try:
                    slow.sendall(bytes([byte]))
                except OSError:
                    closed = True
                    break
                time.sleep(0.05)
                slow.setblocking(False)
                try:
                    if slow.recv(1) == b"":
                        closed = True
                        break
                except BlockingIOError:
                    pass
                finally:
                    slow.setblocking(True)
            assert closed and time.monotonic() - started < 3
    finally:
        uv.should_exit = True
        thread.join(10)


@pytest.mark.parametrize(
    ("logger", "words"), [("asyncio", "une connexion n'a pas pu"), ("uvicorn.error", "une page a échoué")]
)
def test_a_server_fault_is_one_french_line_never_a_traceback(logger: str, words: str) -> None:
    import logging

    try:
        raise OSError(24, "Too many open files")
    except OSError:
        record = logging.LogRecord(
            logger, logging.ERROR, __file__, 1, "socket.accept() out of system resource", (), sys.exc_info()
        )
    assert server._OneLine().filter(record)
    assert record.exc_info is None and typeset(words) in typeset(record.getMessage())
    assert "OSError" in record.getMessage() and "\n" not in record.getMessage()


def test_uvicorn_warnings_are_french_and_said_once_a_minute() -> None:
    import logging

    one_line = server._OneLine()
    lines = []
    for _ in range(500):  # a flood of connections over the limit
        record = logging.LogRecord(
            "uvicorn.error", logging.WARNING, __file__, 1, "Exceeded concurrency limit.", (), None
        )
        if one_line.filter(record):
            lines.append(record.getMessage())
    assert len(lines) == 1 and typeset("trop de connexions à la fois") in lines[0]


def test_a_territory_with_a_control_character_is_refused_like_assess_does(tmp_path: Path) -> None:
    result = invoke("atelier", str(tmp_path / "w"), "--territory", "Pays\x1b[31m rouge")
    assert result.exit_code == 2 and "U+001B" in result.stderr and not (tmp_path / "w").exists()
