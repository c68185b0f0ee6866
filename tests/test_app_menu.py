"""The folder app's double-click menu, driven in a real terminal (tmux) as a facilitator would.

The menu is what `packaging/entry.py` (the frozen app's entry) opens with no arguments in a
console. Here it runs from that script under Python; `COOPLEVIER_APP=dist/cooplevier/cooplevier`
(set by `.ci/run` after the build) drives the built executable instead.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tests.tmux import Tmux

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "pays-exemple.yaml"


def _app() -> list[str]:
    built = os.environ.get("COOPLEVIER_APP")
    return [built] if built else [sys.executable, str(ROOT / "packaging" / "entry.py")]


def _start(tmux: Tmux, name: str, home: Path) -> None:
    status = shlex.quote(str(tmux.status_file(name)))
    script = f'trap : INT; "$@"; echo $? > {status}'
    env = ["-e", "TERM=xterm-256color", "-e", f"COOPLEVIER_HOME={home}", "-e", "NO_COLOR=1"]
    argv = ["sh", "-c", script, "sh", *_app()]
    tmux.cmd("new-session", "-d", "-s", name, "-x", "100", "-y", "50", "-c", str(tmux.cwd), *env, *argv)


@pytest.mark.terminal
@pytest.mark.slow
def test_a_double_click_opens_the_french_menu_and_each_choice_says_where_its_files_go(
    tmux: Tmux, tmp_path: Path
) -> None:
    home = tmp_path / "Documents" / "cooplevier"
    folder = home / "atelier"
    folder.mkdir(parents=True)
    for name in ("anne", "paul"):
        text = EXAMPLE.read_text(encoding="utf-8").replace("Marie Dupont", name.title())
        (folder / f"reponses-{name}.yaml").write_text(text, encoding="utf-8")
    _start(tmux, "menu", home)

    screen = tmux.wait_for("menu", "Votre choix (1 à 5)", prompt=True)
    for choice in ("Ouvrir un atelier", "Répondre au questionnaire", "Faire la synthèse", "Imprimer les supports"):
        assert choice in screen
    assert str(home) in screen  # where the files go, before anything is chosen

    tmux.type("menu", "7")
    tmux.wait_for("menu", "n'est pas un choix")

    tmux.type("menu", "3")
    tmux.answer("menu", "Dossier des réponses (Entrée", "")  # the default: the workshop's folder
    screen = tmux.wait_for("menu", "Appuyez sur Entrée pour revenir au menu.")
    synthesis = home / "synthese-atelier.html"
    assert "La synthèse de l'atelier" in screen and str(synthesis) in screen
    assert "<svg" in synthesis.read_text(encoding="utf-8")
    tmux.type("menu", "")

    tmux.answer("menu", "Votre choix (1 à 5)", "2")
    answers = home / "mon-diagnostic.yaml"
    tmux.answer("menu", "Fichier de vos réponses (Entrée", "")
    tmux.wait_for("menu", f"Vos réponses sont enregistrées dans {answers}")
    tmux.answer("menu", "Nom du territoire", "Pays Test")  # the questionnaire itself (cooplevier assess)
    tmux.answer("menu", "Votre rôle (1 à 5)", "1")
    tmux.answer("menu", "Votre structure (1 à 5)", "2")
    tmux.answer("menu", "Question 1/", "3")
    tmux.answer("menu", "Question 2/", "q")  # stopped: what was typed is kept
    screen = tmux.wait_for("menu", "Votre plan d'action")
    saved = yaml.safe_load(answers.read_text(encoding="utf-8"))
    assert saved["territory"] == "Pays Test" and list(saved["answers"].values()) == [3]
    plan = home / "plan-mon-diagnostic.html"  # the plan of what is answered so far, said where
    assert str(plan) in screen.rpartition("Votre plan d'action")[2] and "<svg" in plan.read_text(encoding="utf-8")
    tmux.type("menu", "")

    tmux.answer("menu", "Votre choix (1 à 5)", "5")
    tmux.wait_for("menu", f"Au revoir. Vos fichiers restent dans {home}")
    assert tmux.exit_status("menu") == 0


@pytest.mark.slow
def test_with_no_terminal_or_with_arguments_it_is_the_command_line(tmp_path: Path) -> None:
    """Started by a script (no terminal), the app is `cooplevier`: no menu waits for a key."""
    app = _app()
    bare = subprocess.run(app, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60, cwd=tmp_path)
    assert "Votre choix" not in bare.stdout and "Utilisation" in bare.stdout + bare.stderr
    version = subprocess.run([*app, "--version"], capture_output=True, text=True, timeout=60)
    assert version.returncode == 0 and version.stdout.startswith("cooplevier ")
    assert shutil.which("sh")  # the tmux test above relies on it


def _typed(*lines: str) -> Callable[[str], str]:
    """What a user types at each prompt of the menu (the prompts are printed)."""
    answers = iter(lines)

    def read(prompt: str) -> str:
        print(prompt)
        return next(answers)

    return read


def test_the_handouts_choice_prints_html_where_no_browser_makes_pdf(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from cooplevier.cli.reach import menu
    from cooplevier.report import pdf

    monkeypatch.setenv("COOPLEVIER_HOME", str(tmp_path / "docs"))
    monkeypatch.setattr(pdf, "pdf_engine", lambda: None)
    assert menu.menu(_typed("4", "", "5")) == 0
    folder = tmp_path / "docs" / "supports"
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["cartes-leviers.html", "guide-animation.html", "questionnaire-papier.html"]
    assert all("<html" in (folder / n).read_text(encoding="utf-8") for n in names)
    out = capsys.readouterr().out
    assert str(folder) in out and all(n in out for n in names)


def test_the_workshop_choice_opens_the_room_on_the_network_in_the_chosen_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The server itself is tested in test_atelier_*; here, what the menu asks it to do."""
    from cooplevier.cli.reach import menu

    app = sys.modules["cooplevier.cli.app"]  # the module (`cooplevier.cli.app` is also the Typer app's name)
    ran: list[list[str]] = []
    monkeypatch.setattr(app, "run", lambda args: ran.append(args) or 0)
    monkeypatch.setenv("COOPLEVIER_HOME", str(tmp_path / "docs"))
    assert menu.menu(_typed("1", "", "", "1", f'"{tmp_path / "salle"}"', "", "5")) == 0
    assert ran == [
        ["atelier", str(tmp_path / "docs" / "atelier"), "--lan"],
        ["atelier", str(tmp_path / "salle"), "--lan"],  # a path pasted with Windows' quotes
    ]
    assert "pare-feu" in capsys.readouterr().out
