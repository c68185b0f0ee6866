"""`cooplevier assess` in a real terminal (tmux): kill -9, resume, finish, Ctrl-C, Ctrl-D."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from cooplevier.content.answers import load_answers
from cooplevier.content.model import Pack
from tests.tmux import TIMEOUT, Tmux, prompt_of

pytestmark = [pytest.mark.terminal, pytest.mark.slow]


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
    assert "Reprise de figeac.yaml : 5/49 réponses déjà enregistrées" in screen
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
    assert "« Votre structure »" in screen and "« Votre territoire »" in screen
    assert "Vos réponses seront enregistrées dans reponses-pays-de-figeac.yaml" in screen
    tmux.type("s", "q")
    assert tmux.exit_status("s") == 0
    af = load_answers(tmp_path / "reponses-pays-de-figeac.yaml", pack)
    assert (af.role, af.structure) == ("technicien", "petr")
