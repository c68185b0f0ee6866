"""The folder app's console menu: what a double-click on the executable opens.

A double-click starts the executable with no arguments in a new console window, which closes as
soon as the program ends. Rather than print the help and vanish, the folder app (and only it:
`packaging/entry.py` asks `wanted()`) shows a short French menu of the four jobs a
facilitator comes for, runs the chosen command in this process, says where each file went, and
comes back to the menu until « Quitter ». The files go to a folder of the user's documents,
never into the app's folder, so that updating the app never touches them.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from pathlib import Path

from cooplevier.messages import t

QUIT = "5"


def wanted() -> bool:
    """A double-click: no arguments, and a console to talk in (a script or a pipe gets the
    command line, which then prints its help as `cooplevier` does)."""
    streams = (sys.stdin, sys.stdout)
    return len(sys.argv) <= 1 and all(stream is not None and stream.isatty() for stream in streams)


def home() -> Path:
    """Where the menu puts the user's files: `COOPLEVIER_HOME`, else `Documents/cooplevier` in
    the user's folder (Windows and macOS have one), else `cooplevier` there."""
    chosen = os.environ.get("COOPLEVIER_HOME")
    if chosen:
        return Path(chosen).expanduser()
    documents = Path.home() / "Documents"
    return (documents if documents.is_dir() else Path.home()) / "cooplevier"


def menu(read: Callable[[str], str] = input) -> int:
    """Ask, run, say where the files are; again until « Quitter » (or the end of the input)."""
    import cooplevier
    from cooplevier.cli import french

    french.utf8_streams()
    folder = home()
    actions = {"1": _atelier, "2": _assess, "3": _report, "4": _handouts}
    try:
        while True:
            _say("")
            _say(t("menu.title", version=cooplevier.__version__))
            _say(t("menu.folder", folder=folder))
            _say("")
            _say(t("menu.question"))
            for choice in (
                t("menu.choice.atelier"),
                t("menu.choice.assess"),
                t("menu.choice.report"),
                t("menu.choice.handouts"),
                t("menu.choice.quit"),
            ):
                _say("  " + choice)
            typed = read(t("menu.prompt")).strip()
            if typed == QUIT:
                _say(t("menu.goodbye", folder=folder))
                return 0
            if not typed:
                continue
            action = actions.get(typed)
            if action is None:
                _say(t("menu.unknown", typed=typed))
                continue
            try:
                action(folder, read)
            except OSError as exc:  # the documents folder cannot be made
                from cooplevier.errors import CooplevierError, os_reason

                _say(CooplevierError(t("file.write_failed", reason=os_reason(exc)), file=exc.filename).located())
            read(t("menu.press_enter"))
    except (EOFError, KeyboardInterrupt):
        _say("")
        _say(t("menu.goodbye", folder=folder))
        return 0
    except Exception as exc:  # a bug: said, and the window stays open long enough to read it
        if os.environ.get("COOPLEVIER_DEBUG"):
            raise
        _say(t("cli.internal", kind=type(exc).__name__))
        with contextlib.suppress(EOFError, KeyboardInterrupt):
            read(t("menu.close"))
        return 1


def _say(line: str) -> None:
    """A line to the console; a typed path or choice cannot carry an escape sequence to it."""
    from cooplevier.cli.console import terminal_safe

    print(terminal_safe(line), flush=True)


def _run(*args: str) -> bool:
    from cooplevier.cli.app import run

    code = run(list(args))
    if code != 0:
        _say(t("menu.failed"))
    return code == 0


def _ask_path(read: Callable[[str], str], prompt: Callable[[Path], str], default: Path) -> Path:
    typed = read(prompt(default)).strip().strip('"')  # a path pasted from Windows' « Copier le chemin d'accès »
    return Path(typed).expanduser() if typed else default


def _folder_prompt(default: Path) -> str:
    return t("menu.ask_folder", default=default)


def _file_prompt(default: Path) -> str:
    return t("menu.ask_file", default=default)


def _atelier(folder: Path, read: Callable[[str], str]) -> None:
    answers = _ask_path(read, _folder_prompt, folder / "atelier")
    _say(t("menu.atelier.where", folder=answers))
    _run("atelier", str(answers), "--lan")


def _assess(folder: Path, read: Callable[[str], str]) -> None:
    answers = _ask_path(read, _file_prompt, folder / "mon-diagnostic.yaml")
    answers.parent.mkdir(parents=True, exist_ok=True)
    _say(t("menu.assess.where", file=answers))
    if _run("assess", str(answers)) and answers.is_file():
        plan = answers.with_name(f"plan-{answers.stem}.html")
        if _run("report", str(answers), "--format", "html", "--output", str(plan), "--force"):
            _say(t("menu.plan.where", file=plan))


def _report(folder: Path, read: Callable[[str], str]) -> None:
    answers = _ask_path(read, _folder_prompt, folder / "atelier")
    if not answers.is_dir():
        _say(t("menu.no_folder", folder=answers))
        return
    synthesis = answers.parent / f"synthese-{answers.name}.html"
    if _run("report", str(answers), "--format", "html", "--output", str(synthesis), "--force"):
        _say(t("menu.report.where", file=synthesis))


HANDOUTS = (("cards", "cartes-leviers"), ("questionnaire", "questionnaire-papier"), ("guide", "guide-animation"))


def _handouts(folder: Path, _read: Callable[[str], str]) -> None:
    from cooplevier.report.pdf import pdf_engine

    suffix = "pdf" if pdf_engine() else "html"  # PDF through the system's browser when there is one
    target = folder / "supports"
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, name in HANDOUTS:
        path = target / f"{name}.{suffix}"
        if _run("handout", kind, "--format", suffix, "--output", str(path), "--force"):
            written.append(path)
    if written:
        _say(t("menu.handouts.where", folder=target))
        for path in written:
            _say(t("menu.handouts.file", file=path.name))
