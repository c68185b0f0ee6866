"""Trust, sessions: two writers on one answer file, a file changed in an editor meanwhile, and what
the terminal sends (arrow keys, control characters) never make a file unreadable."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import socket
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from cooplevier.assess import lock as locking
from cooplevier.assess.screens import QuestionView
from cooplevier.assess.session import assess
from cooplevier.content.answers import load_answers
from cooplevier.content.model import Pack
from cooplevier.errors import CooplevierError
from tests.helpers import answers_yaml
from tests.tmux import Tmux, prompt_of

TODAY = dt.date(2026, 11, 25)


class Scripted:
    """A prompter that types the given lines and records what it was shown."""

    def __init__(self, lines: Iterable[str]) -> None:
        self.lines = list(lines)
        self.warnings: list[str] = []
        self.hints: list[str] = []
        self.said: list[str] = []

    def show(self, screen: object) -> None:
        pass

    def say(self, text: str) -> None:
        self.said.append(text)

    def command(self, text: str, *, err: bool = False) -> None:
        pass

    def hint(self, text: str) -> None:
        self.hints.append(text)

    def warn(self, text: str) -> None:
        self.warnings.append(text)

    def ask(self, prompt: str) -> str:
        if not self.lines:
            raise EOFError
        return self.lines.pop(0)


def _run(pack: Pack, path: Path, lines: Iterable[str], prompter: Any = None, **kw: Any) -> tuple[int, Any]:
    p = prompter or Scripted(lines)
    options = {"territory": "T", "role": "elu", "structure": "autre", "today": TODAY, **kw}
    return assess(pack, p, path=path, **options), p


# ---------------------------------------------------------------- class 1: two writers


def test_a_second_session_on_an_open_file_is_refused_naming_the_first(pack: Pack, tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    held = locking.Lock(path, lambda _text: None)
    held.acquire()
    try:
        with pytest.raises(CooplevierError) as info:
            _run(pack, path, ["3", "q"])
        message = info.value.message
        assert socket.gethostname() in message and str(os.getpid()) in message and "depuis le" in message
        assert not path.exists()
    finally:
        held.release()
    assert not locking.lock_path(path).exists()


@pytest.mark.parametrize("spelling", ["link", "dot", "folder-link"])
def test_a_second_session_through_another_name_of_the_file_is_refused(
    pack: Pack, tmp_path: Path, spelling: str
) -> None:
    path = tmp_path / "r.yaml"
    path.write_text("cooplevier: answers/1\nterritory: T\nanswers:\n  L1.Q2: 2\n", encoding="utf-8")
    (tmp_path / "lien.yaml").symlink_to(path)
    (tmp_path / "autre").symlink_to(tmp_path, target_is_directory=True)
    other = {
        "link": tmp_path / "lien.yaml",
        "dot": tmp_path / "." / "sub" / ".." / "r.yaml",
        "folder-link": tmp_path / "autre" / "r.yaml",
    }[spelling]
    (tmp_path / "sub").mkdir()
    held = locking.Lock(path, lambda _text: None)
    held.acquire()
    try:
        with pytest.raises(CooplevierError) as info:
            _run(pack, other, ["3", "q"])
        assert str(os.getpid()) in info.value.message
    finally:
        held.release()


def test_a_lock_left_by_a_dead_process_is_taken_over(pack: Pack, tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    dead = {"host": socket.gethostname(), "pid": 2**22 + 12345, "started": "2026-11-24T10:00:00+01:00"}
    locking.lock_path(path).write_text(json.dumps(dead), encoding="utf-8")
    code, p = _run(pack, path, ["3", "q"])
    assert code == 0 and any("reprise ici" in w for w in p.warnings)
    assert len(load_answers(path, pack).answers) == 1
    assert not locking.lock_path(path).exists()


@pytest.mark.parametrize(("age_hours", "refused"), [(2, True), (30, False)])
def test_a_lock_from_another_machine_is_taken_over_only_when_old(
    pack: Pack, tmp_path: Path, age_hours: int, refused: bool
) -> None:
    path = tmp_path / "r.yaml"
    started = (dt.datetime.now().astimezone() - dt.timedelta(hours=age_hours)).isoformat(timespec="seconds")
    other = {"host": "poste-du-dgs", "pid": 4242, "started": started}
    locking.lock_path(path).write_text(json.dumps(other), encoding="utf-8")
    if refused:
        with pytest.raises(CooplevierError, match="poste-du-dgs"):
            _run(pack, path, ["3", "q"])
    else:
        code, p = _run(pack, path, ["3", "q"])
        assert code == 0 and any("plus d'un jour" in w for w in p.warnings)


def test_a_garbled_lock_is_taken_over(pack: Pack, tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    locking.lock_path(path).write_text("{pas du json", encoding="utf-8")
    code, _ = _run(pack, path, ["3", "q"])
    assert code == 0


def test_a_pid_reused_by_another_program_does_not_hold_the_lock(pack: Pack, tmp_path: Path) -> None:
    """The lock records when its process started: our own pid, started at another time, is not it."""
    path = tmp_path / "r.yaml"
    me = locking._process_start(os.getpid())
    if me is None:
        pytest.skip("no /proc here")
    ghost = {
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "started": "2026-11-01T09:00:00+01:00",
        "process_start": me.split(":")[0] + ":1",
    }
    locking.lock_path(path).write_text(json.dumps(ghost), encoding="utf-8")
    code, _ = _run(pack, path, ["3", "q"])
    assert code == 0


def test_a_file_changed_in_an_editor_meanwhile_loses_neither_version(pack: Pack, tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    first, second = (q.id for q in pack.form("autre")[:2])
    edited = answers_yaml({first: 1}, territory="Édité à la main")

    class EditsAfterTheFirstAnswer(Scripted):
        def show(self, screen: object) -> None:
            if isinstance(screen, QuestionView) and screen.question.id == second:
                path.write_text(edited, encoding="utf-8")  # someone saves the file in an editor

    code, p = _run(pack, path, [], prompter=EditsAfterTheFirstAnswer(["4", "5", "q"]))
    assert code == 1
    assert path.read_text(encoding="utf-8") == edited  # the editor's version is kept as it is
    beside = [f for f in tmp_path.iterdir() if ".assess-" in f.name]
    assert len(beside) == 1, list(tmp_path.iterdir())
    ours = load_answers(beside[0], pack)
    assert ours.answers[first].value == 4 and ours.answers[second].value == 5
    assert any("modifié par quelqu'un d'autre" in w for w in p.warnings)


@pytest.mark.terminal
@pytest.mark.slow
def test_two_real_sessions_on_one_file(tmux: Tmux, pack: Pack, tmp_path: Path) -> None:
    total = len(pack.form("autre"))
    tmux.start("a", "assess", "r.yaml", "-t", "Pays de Test", "-r", "elu", "-s", "autre")
    tmux.answer("a", prompt_of(1, total), "4")
    tmux.wait_for("a", prompt_of(2, total), prompt=True)
    tmux.start("b", "assess", "r.yaml")
    assert tmux.exit_status("b") == 1
    screen = tmux.screen("b")
    assert "déjà ouvert par une autre session" in " ".join(screen.split()) and str(tmux.pid("a")) in screen
    tmux.type("a", "3")
    tmux.wait_for("a", prompt_of(3, total), prompt=True)
    os.kill(tmux.pid("a"), signal.SIGKILL)  # a session that dies without closing the file
    tmux.start("c", "assess", "r.yaml")
    screen = tmux.wait_for("c", prompt_of(3, total), prompt=True)
    assert "reprise ici" in " ".join(screen.split())
    tmux.type("c", "q")
    assert tmux.exit_status("c") == 0
    af = load_answers(tmp_path / "r.yaml", pack)
    assert [a.value for a in af.answers.values()] == [4, 3]


# ---------------------------------------------------------------- class 6: what the terminal sends


@pytest.mark.parametrize("typed", ["\x1b[A", "texte\x1b[D\x1b[Dsuite", "a\x00b", "\x07bip"])
def test_control_characters_in_a_comment_are_refused_and_the_file_stays_readable(
    pack: Pack, tmp_path: Path, typed: str
) -> None:
    path = tmp_path / "r.yaml"
    code, p = _run(pack, path, ["3", "p", f"c {typed}", "c un vrai commentaire", "q"])
    assert code == 0
    assert any("non enregistré" in h for h in p.hints)
    af = load_answers(path, pack)  # strict: the file reads back
    assert next(iter(af.answers.values())).comment == "un vrai commentaire"


@pytest.mark.parametrize("option", ["--territory", "--name"])
def test_control_characters_in_options_are_refused(cli: Any, tmp_path: Path, option: str) -> None:
    result = cli("assess", str(tmp_path / "r.yaml"), "-t", "T", "-r", "elu", "-s", "autre", option, "Pays\x1b[A")
    assert result.exit_code == 2 and "U+001B" in result.stderr
    assert not (tmp_path / "r.yaml").exists()


def test_a_too_long_comment_is_refused_at_input(pack: Pack, tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    code, p = _run(pack, path, ["3", "p", "c " + "x" * 5000, "q"])
    assert code == 0 and any("trop long" in h for h in p.hints)
    assert load_answers(path, pack).answers  # still readable, still holds the answer


def test_assess_never_writes_a_file_it_would_refuse(
    pack: Pack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cooplevier.assess.store as store

    monkeypatch.setattr(store, "MAX_ANSWERS_BYTES", 300)
    path = tmp_path / "r.yaml"
    _code, p = _run(pack, path, ["3", "p", "c " + "mot " * 60, "q"])
    assert any("taille permise" in w for w in p.warnings)
    if path.exists():
        monkeypatch.undo()
        load_answers(path, pack)


@pytest.mark.terminal
@pytest.mark.slow
def test_arrow_keys_edit_the_line_instead_of_typing_escapes(tmux: Tmux, pack: Pack, tmp_path: Path) -> None:
    tmux.start("s", "assess", "r.yaml", "-r", "elu", "-s", "autre")
    tmux.wait_for("s", "Nom du territoire", prompt=True)
    tmux.cmd("send-keys", "-t", "s", "-l", "Pays de Fgeac")
    for _ in range(4):
        tmux.cmd("send-keys", "-t", "s", "Left")
    tmux.cmd("send-keys", "-t", "s", "-l", "i")
    tmux.cmd("send-keys", "-t", "s", "Enter")
    total = len(pack.form("autre"))
    tmux.answer("s", prompt_of(1, total), "c une remarque")
    tmux.cmd("send-keys", "-t", "s", "Up")  # history: the last line typed
    tmux.cmd("send-keys", "-t", "s", "Enter")
    tmux.answer("s", prompt_of(1, total), "2")
    tmux.answer("s", prompt_of(2, total), "q")
    assert tmux.exit_status("s") == 0
    af = load_answers(tmp_path / "r.yaml", pack)
    assert af.territory == "Pays de Figeac"
    assert next(iter(af.answers.values())).comment == "une remarque"
