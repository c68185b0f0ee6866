"""`cooplevier assess` in a real terminal (tmux): kill -9, resume, finish, Ctrl-C, Ctrl-D."""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from cooplevier.content.answers import load_answers
from cooplevier.content.model import Pack
from cooplevier.typography import typeset
from tests.helpers import require_tool

pytestmark = [pytest.mark.terminal, pytest.mark.slow]
TIMEOUT = 20.0


class Tmux:
    """A private tmux server (its own socket, no user config) with 80x40 panes."""

    def __init__(self, cwd: Path) -> None:
        self.tmux = require_tool("tmux")
        self.socket = f"cooplevier-test-{uuid.uuid4().hex[:12]}"
        self.cwd = cwd
        # The server runs in the foreground (-D) as our child: some sandboxes kill daemonised ones.
        self.server = subprocess.Popen(
            [self.tmux, "-D", "-L", self.socket, "-f", "/dev/null"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + TIMEOUT
        while self._run("set-option", "-g", "remain-on-exit", "on").returncode != 0:
            if time.monotonic() > deadline or self.server.poll() is not None:
                pytest.fail("tmux server did not start")
            time.sleep(0.05)

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([self.tmux, "-L", self.socket, *args], capture_output=True, text=True, timeout=TIMEOUT)

    def cmd(self, *args: str) -> str:
        done = self._run(*args)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def start(self, name: str, *args: str) -> None:
        """Run `python -m cooplevier ARGS` in a new 80x40 pane; a shell records its exit status."""
        env = ["-e", "TERM=xterm-256color", "-e", "COOPLEVIER_DEBUG=", "-e", "NO_COLOR="]
        status = shlex.quote(str(self.status_file(name)))
        script = f'trap : INT; "$0" -m cooplevier "$@"; echo $? > {status}'
        argv = ["sh", "-c", script, sys.executable, *args]
        self.cmd("new-session", "-d", "-s", name, "-x", "80", "-y", "40", "-c", str(self.cwd), *env, *argv)

    def status_file(self, name: str) -> Path:
        return self.cwd / f".status-{name}"

    def screen(self, name: str) -> str:
        return self.cmd("capture-pane", "-p", "-J", "-t", name, "-S", "-60")

    def wait_for(self, name: str, text: str, *, prompt: bool = False) -> str:
        """The screen once `text` is on it (and, with `prompt`, the program waits for a line)."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            screen = self.screen(name)
            last = screen.rstrip().rpartition("\n")[2]
            if text in screen and (not prompt or last.endswith(":")):
                return screen
            time.sleep(0.05)
        pytest.fail(f"{text!r} never appeared; screen:\n{self.screen(name)}")

    def answer(self, name: str, text: str, line: str) -> None:
        """Wait for `text` and the prompt under it, then type `line` and Enter."""
        self.wait_for(name, text, prompt=True)
        self.type(name, line)

    def type(self, name: str, line: str) -> None:
        if line:
            self.cmd("send-keys", "-t", name, "-l", line)
        self.cmd("send-keys", "-t", name, "Enter")

    def pid(self, name: str) -> int:
        """The Python process in the pane (the child of its shell)."""
        shell = self.cmd("display-message", "-p", "-t", name, "#{pane_pid}").strip()
        children = Path(f"/proc/{shell}/task/{shell}/children")
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            pids = children.read_text().split() if children.exists() else []
            if pids:
                return int(pids[0])
            time.sleep(0.05)
        pytest.fail(f"no process under the shell of {name}")

    def exit_status(self, name: str) -> int:
        # tmux's own #{pane_dead_status} is sometimes left empty: the shell writes the status.
        status = self.status_file(name)
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            text = status.read_text().strip() if status.exists() else ""
            if text:
                return int(text)
            time.sleep(0.05)
        pytest.fail(f"{name} never ended; screen:\n{self.screen(name)}")

    def close(self) -> None:
        self._run("kill-server")
        try:
            self.server.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.server.kill()
            self.server.wait()


@pytest.fixture()
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    server = Tmux(tmp_path)
    try:
        yield server
    finally:
        server.close()


def prompt_of(position: int, total: int) -> str:
    return f"Question {position}/{total} — Axe"


def test_kill_9_loses_nothing_then_resume_and_finish(tmux: Tmux, pack: Pack, tmp_path: Path) -> None:
    total = len(pack.questions)
    order = [q.id for q in pack.ordered_questions()]
    path = tmp_path / "figeac.yaml"
    typed = ["4", "n", "2", "x", "5"]

    tmux.start("first", "assess", path.name, "--territory", "Pays de Figeac", "--role", "elu", "--structure", "autre")
    for i, answer in enumerate(typed, 1):
        tmux.answer("first", prompt_of(i, total), answer)
    tmux.wait_for("first", prompt_of(6, total), prompt=True)
    os.kill(tmux.pid("first"), signal.SIGKILL)
    assert tmux.exit_status("first") != 0

    af = load_answers(path, pack)
    expected = {"4": 4, "n": "na", "2": 2, "x": "unknown", "5": 5}
    assert {k: a.value for k, a in af.answers.items()} == {order[i]: expected[a] for i, a in enumerate(typed)}

    tmux.start("second", "assess", path.name)
    screen = tmux.wait_for("second", prompt_of(6, total))
    assert typeset("Reprise de figeac.yaml : 5/49 réponses déjà enregistrées") in screen
    assert prompt_of(5, total) not in screen
    for position in range(6, total + 1):
        tmux.answer("second", prompt_of(position, total), str(position % 5 + 1))
    screen = tmux.wait_for("second", "cooplevier report figeac.yaml --format html --output figeac.html")
    assert "Bilan — Pays de Figeac" in screen
    assert tmux.exit_status("second") == 0

    done = subprocess.run(
        [sys.executable, "-m", "cooplevier", "validate", str(path)], capture_output=True, text=True, timeout=TIMEOUT
    )
    assert done.returncode == 0, done.stderr
    assert f"valide ({total}/{total} questions répondues)" in done.stdout
    assert load_answers(path, pack).answers[order[0]].value == 4


def test_ctrl_c_saves_and_exits_130(tmux: Tmux, pack: Pack, tmp_path: Path) -> None:
    total = len(pack.questions)
    tmux.start("s", "assess", "t.yaml", "-t", "Pays de Test", "-r", "elu", "-s", "autre")
    tmux.answer("s", prompt_of(1, total), "3")
    tmux.wait_for("s", prompt_of(2, total), prompt=True)
    tmux.cmd("send-keys", "-t", "s", "C-c")
    assert tmux.exit_status("s") == 130
    screen = tmux.screen("s")
    assert "Interrompu (Ctrl-C). 1/49 réponses enregistrées dans t.yaml." in screen
    assert "cooplevier assess t.yaml" in screen and "Traceback" not in screen
    assert len(load_answers(tmp_path / "t.yaml", pack).answers) == 1


def test_ctrl_d_ends_cleanly(tmux: Tmux, pack: Pack, tmp_path: Path) -> None:
    tmux.start("s", "assess", "t.yaml", "-t", "Pays de Test", "-r", "elu", "-s", "autre")
    tmux.wait_for("s", prompt_of(1, len(pack.questions)), prompt=True)
    tmux.cmd("send-keys", "-t", "s", "C-d")
    assert tmux.exit_status("s") == 1
    screen = tmux.screen("s")
    assert "Fin de l'entrée" in screen and "cooplevier assess t.yaml" in screen and "Traceback" not in screen


def test_the_intro_asks_the_territory_the_role_and_the_structure(tmux: Tmux, pack: Pack, tmp_path: Path) -> None:
    tmux.start("s", "assess")
    tmux.answer("s", "Nom du territoire", "Pays de Figeac")
    tmux.answer("s", "Votre rôle (1 à 5)", "2")
    tmux.answer("s", "Votre structure (1 à 5)", "2")
    screen = tmux.wait_for("s", prompt_of(1, len(pack.form("petr"))), prompt=True)
    assert typeset("« Votre structure »") in screen and typeset("« Votre territoire »") in screen
    assert "Vos réponses seront enregistrées dans reponses-pays-de-figeac.yaml" in screen
    tmux.type("s", "q")
    assert tmux.exit_status("s") == 0
    af = load_answers(tmp_path / "reponses-pays-de-figeac.yaml", pack)
    assert (af.role, af.structure) == ("technicien", "petr")
