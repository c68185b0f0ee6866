"""`cooplevier completion bash|zsh|powershell [--install]`: shell completion of commands, options
and their values.

The scripts are Typer's (pinned below 0.29): the shell calls `cooplevier` back with
`_COOPLEVIER_COMPLETE=complete_<shell>` and the words typed, and `run()` (cli/app.py) loads
Typer's completion classes and answers before any command runs. `--install` writes the script
in the user's data folder and adds one line that loads it to the shell's start-up file (once:
running it again changes nothing).
"""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cooplevier.cli.app import command
from cooplevier.messages import t

PROG = "cooplevier"
COMPLETE_VAR = "_COOPLEVIER_COMPLETE"
MARK = "# cooplevier completion"


class Shell(StrEnum):
    bash = "bash"
    zsh = "zsh"
    powershell = "powershell"


def script(shell: Shell) -> str:
    from typer._completion_shared import get_completion_script

    return get_completion_script(prog_name=PROG, complete_var=COMPLETE_VAR, shell=shell.value) + "\n"


@command(help=t("help.completion"))
def completion(
    shell: Annotated[Shell, typer.Argument(metavar="SHELL", help=t("help.completion.shell"))],
    install: Annotated[bool, typer.Option("--install", help=t("help.completion.install"))] = False,
) -> None:
    from cooplevier.cli.console import message

    if not install:
        sys.stdout.write(script(shell))
        return
    path, startup, added = _install(shell)
    message(t("completion.installed", shell=shell.value, file=path))
    message(t("completion.added", startup=startup) if added else t("completion.already", startup=startup))


def _install(shell: Shell) -> tuple[Path, Path, bool]:
    """Write the script, add the line that loads it; whether the line was added."""
    from cooplevier.errors import CooplevierError, os_reason
    from cooplevier.files import atomic_write

    folder = _data_folder()
    path = folder / {"bash": "completion.bash", "zsh": "completion.zsh", "powershell": "completion.ps1"}[shell]
    startup = _startup_file(shell)
    quoted = str(path).replace("'", "'\\''") if shell is not Shell.powershell else str(path).replace("'", "''")
    line = {
        Shell.bash: f"source '{quoted}'  {MARK}",
        Shell.zsh: f"(( $+functions[compdef] )) || {{ autoload -Uz compinit && compinit }}; source '{quoted}'  {MARK}",
        Shell.powershell: f". '{quoted}'  {MARK}",
    }[shell]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write(path, script(shell), force=True)
        present = startup.is_file() and MARK in startup.read_text(encoding="utf-8", errors="replace")
        if not present:
            startup.parent.mkdir(parents=True, exist_ok=True)
            with startup.open("a", encoding="utf-8") as fh:  # appended: the rest of the file is not rewritten
                fh.write(f"\n{line}\n")
    except OSError as exc:
        raise CooplevierError(t("file.write_failed", reason=os_reason(exc)), file=exc.filename) from None
    return path, startup, not present


def _data_folder() -> Path:
    if sys.platform == "win32":
        return Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming") / PROG
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / PROG
    xdg = os.environ.get("XDG_DATA_HOME", "")
    return (Path(xdg) if os.path.isabs(xdg) else Path.home() / ".local" / "share") / PROG


def _startup_file(shell: Shell) -> Path:
    if shell is Shell.bash:
        return Path.home() / ".bashrc"
    if shell is Shell.zsh:
        return Path(os.environ.get("ZDOTDIR") or Path.home()) / ".zshrc"
    return _powershell_profile()


def _powershell_profile() -> Path:
    """PowerShell's own answer for `$PROFILE` (7 `pwsh`, else Windows PowerShell 5.1), else where
    PowerShell 7 puts it."""
    import shutil
    import subprocess

    for exe in ("pwsh", "powershell"):
        found = shutil.which(exe)
        if not found:
            continue
        try:
            done = subprocess.run(
                [found, "-NoProfile", "-Command", "$PROFILE"], capture_output=True, text=True, timeout=30, check=False
            )
        except (OSError, subprocess.SubprocessError):
            continue
        if done.returncode == 0 and done.stdout.strip():
            return Path(done.stdout.strip())
    documents = Path.home() / "Documents"
    if sys.platform == "win32":
        return documents / "PowerShell" / "Microsoft.PowerShell_profile.ps1"
    return Path.home() / ".config" / "powershell" / "Microsoft.PowerShell_profile.ps1"
