"""A private tmux server to drive `cooplevier assess` in a real terminal, as a person would."""

from __future__ import annotations

import shlex
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.helpers import require_tool

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


def prompt_of(position: int, total: int) -> str:
    return f"Question {position}/{total} — Axe"
