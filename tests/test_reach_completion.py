"""Shell completion: installed by one command, and bash completes commands, options and values
by calling `cooplevier` back, as it does when Tab is pressed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import require_tool

BIN = Path(sys.executable).parent  # the environment's `cooplevier` command


def _bash(home: Path, script: str) -> subprocess.CompletedProcess[str]:
    bash = require_tool("bash")
    env = {"HOME": str(home), "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "LANG": "C.UTF-8"}
    return subprocess.run([bash, "--norc", "-c", script], capture_output=True, text=True, env=env, timeout=120)


def _complete(*words: str) -> str:
    """Bash's own call of the completion function for the typed words (the last one being typed)."""
    quoted = " ".join(f"'{w}'" for w in words)
    return (
        f"COMP_WORDS=({quoted}); COMP_CWORD={len(words) - 1}; _cooplevier_completion cooplevier; "
        'printf "%s\\n" "${COMPREPLY[@]}"'
    )


@pytest.fixture()
def installed(tmp_path: Path) -> Path:
    if shutil.which("cooplevier", path=str(BIN)) is None:
        pytest.skip("no cooplevier command in this environment (pip install -e .)")
    home = tmp_path / "home"
    home.mkdir()
    (home / ".bashrc").write_text("export KEPT=1\n", encoding="utf-8")
    for _ in range(2):  # the one documented command; a second run adds nothing
        done = _bash(home, "cooplevier completion bash --install")
        assert done.returncode == 0, done.stderr
    assert "ouvrez un nouveau terminal" in done.stderr
    return home


def test_install_adds_one_line_and_keeps_the_rest(installed: Path) -> None:
    rc = (installed / ".bashrc").read_text(encoding="utf-8")
    assert rc.startswith("export KEPT=1\n") and rc.count("cooplevier completion") == 1
    assert (installed / ".local" / "share" / "cooplevier" / "completion.bash").is_file()


@pytest.mark.parametrize(
    ("words", "expected", "absent"),
    [
        (("cooplevier", "rep"), {"report"}, {"score"}),
        (("cooplevier", ""), {"assess", "atelier", "report", "import", "migrate", "completion"}, set()),
        (("cooplevier", "report", "--for"), {"--format", "--force"}, {"--output"}),
        (("cooplevier", "levers", "--format", ""), {"table", "json", "text"}, set()),
        (("cooplevier", "completion", ""), {"bash", "zsh", "powershell"}, set()),
    ],
)
def test_bash_completes_commands_options_and_values(
    installed: Path, words: tuple[str, ...], expected: set[str], absent: set[str]
) -> None:
    done = _bash(installed, "source ~/.bashrc; " + _complete(*words))
    suggestions = set(done.stdout.split())
    assert done.returncode == 0, done.stderr
    assert expected <= suggestions and not absent & suggestions, suggestions


@pytest.mark.parametrize("shell", ["zsh", "powershell"])
def test_the_other_shells_get_their_script(shell: str, tmp_path: Path) -> None:
    from tests.helpers import invoke

    result = invoke("completion", shell)
    assert result.exit_code == 0 and "_COOPLEVIER_COMPLETE=complete_" + shell in result.stdout.replace(
        '$Env:_COOPLEVIER_COMPLETE = "complete_powershell"', "_COOPLEVIER_COMPLETE=complete_powershell"
    )


def test_zsh_completes_in_a_real_shell_after_the_one_install_command(tmp_path: Path) -> None:
    """`completion zsh --install`, a new zsh, then Tab: the command and an option's values come."""
    import time
    import uuid

    zsh, tmux = require_tool("zsh"), require_tool("tmux")
    if shutil.which("cooplevier", path=str(BIN)) is None:
        pytest.skip("no cooplevier command in this environment (pip install -e .)")
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "HOME": str(home), "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(["cooplevier", "completion", "zsh", "--install"], env=env, capture_output=True, text=True)
    assert done.returncode == 0 and (home / ".zshrc").read_text(encoding="utf-8").count("cooplevier completion") == 1
    socket = f"cooplevier-zsh-{uuid.uuid4().hex[:8]}"

    def run(*args: str) -> str:
        return subprocess.run([tmux, "-L", socket, *args], capture_output=True, text=True, timeout=20).stdout

    def typed(keys: str, expected: str) -> str:
        run("send-keys", "-t", "z", "C-u", keys, "Tab")
        deadline = time.monotonic() + 15
        while expected not in (screen := run("capture-pane", "-p", "-t", "z")) and time.monotonic() < deadline:
            time.sleep(0.2)
        return screen

    server = subprocess.Popen([tmux, "-D", "-L", socket, "-f", "/dev/null"], stdout=subprocess.DEVNULL)
    try:
        for _ in range(100):  # the server is up once it takes an option (tests/tmux.py does the same)
            if (
                subprocess.run(
                    [tmux, "-L", socket, "set-option", "-g", "exit-empty", "off"], capture_output=True
                ).returncode
                == 0
            ):
                break
            time.sleep(0.1)
        shell_env = [arg for name in ("HOME", "PATH") for arg in ("-e", f"{name}={env[name]}")]
        run("new-session", "-d", "-s", "z", "-x", "100", "-y", "30", *shell_env, "-e", "TERM=xterm-256color", zsh)
        assert "cooplevier report" in typed("cooplevier rep", "cooplevier report")
        screen = typed("cooplevier levers --format ", "table")
        assert {"json", "table", "text"} <= set(screen.split()), screen
    finally:
        run("kill-server")
        server.wait(timeout=20)
