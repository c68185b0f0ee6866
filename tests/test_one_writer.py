"""One writer per answer file, whoever writes (issue 18, mechanism 1).

The workshop server, `assess`, `import --force` and `migrate --force` take the one lock of
`cooplevier.writelock`; the server checks the file on disk before each rewrite, as `assess` does;
a dead process (a zombie not yet reaped included) holds nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml

from cooplevier.content.model import Pack
from cooplevier.errors import CooplevierError
from cooplevier.writelock import Lock, _alive, _process_start, lock_path
from tests.helpers import answers_yaml, invoke
from tests.test_atelier_support import Room, csrf_of, rooms


@pytest.fixture()
def room(tmp_path: Path, pack: Pack) -> Iterator[Callable[..., Room]]:
    yield from rooms(tmp_path, pack)


def _joined(r: Room, pack: Pack) -> tuple[object, Path]:
    phone = r.client()
    r.join(phone, "elu", "Anne")
    r.answer(phone, pack.questions[0].id, 3)
    (path,) = sorted(r.folder.glob("reponses-*.yaml"))
    return phone, path


def test_assess_on_a_participants_file_is_refused_naming_the_server(room: Callable[..., Room], pack: Pack) -> None:
    r = room()
    _, path = _joined(r, pack)
    before = path.read_bytes()
    with pytest.raises(CooplevierError) as info:
        Lock(path, lambda _text: None).acquire()
    assert "cooplevier atelier" in info.value.message and str(os.getpid()) in info.value.message
    result = invoke("assess", str(path), input="3\nq\n")
    assert result.exit_code == 1 and "cooplevier atelier" in result.stderr
    assert path.read_bytes() == before


def test_a_file_another_writer_holds_is_not_written(room: Callable[..., Room], pack: Pack) -> None:
    """An `assess` session started before the server (or on a newcomer's file) holds it: the
    phone's answer is refused (409), the file untouched, the dashboard says why."""
    r = room()
    phone, path = _joined(r, pack)
    r.w.registry.locks.pop(path.name[len("reponses-") : -len(".yaml")]).release()  # as if never taken
    other = Lock(path, lambda _text: None)
    other.acquire()
    try:
        before = path.read_bytes()
        response = r.answer(phone, pack.questions[1].id, 4)  # type: ignore[arg-type]
        assert response.status_code == 409 and "en train de compléter" in response.text
        assert path.read_bytes() == before
    finally:
        other.release()
    assert r.answer(phone, pack.questions[1].id, 4).status_code == 303  # type: ignore[arg-type]
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["answers"][pack.questions[1].id] == 4


@pytest.mark.parametrize("edit", ["name", "answers", "whole"])
def test_an_edit_on_disk_is_never_overwritten_and_neither_version_is_lost(
    room: Callable[..., Room], pack: Pack, edit: str
) -> None:
    r = room()
    phone, path = _joined(r, pack)
    q1, q2, q3 = (q.id for q in pack.questions[:3])
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if edit == "name":
        data["respondent"]["name"] = "Anne Corrigée"
    elif edit == "answers":  # the facilitator typed in the rest from a paper form
        data["answers"][q3] = 5
    else:
        data = {**data, "territory": "Pays <b>Test</b>", "answers": {q1: 1}}
    edited = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    page = phone.get(f"{r.base}/question/{q2}")  # type: ignore[attr-defined]
    path.write_text(edited, encoding="utf-8")  # edited while the phone's page is open
    form = {"csrf": csrf_of(page.text), q2: "4", "action": "suivant", f"comment-{q2}": ""}
    response = phone.post(f"{r.base}/question/{q2}", data=form)  # type: ignore[attr-defined]
    assert response.status_code == 409 and "modifiées sur l'ordinateur de l'animation" in response.text
    assert path.read_text(encoding="utf-8") == edited  # not overwritten
    (kept,) = (r.folder / ".cooplevier-atelier" / "conflits").iterdir()  # the server's version, kept
    assert yaml.safe_load(kept.read_text(encoding="utf-8"))["answers"][q2] == 4
    assert not list(r.folder.glob("*.atelier-*.yaml"))  # never beside: `report DIR` would count it
    fac = r.client()
    assert "a été modifié hors de" in fac.get(f"{r.fac}/tableau").text
    assert r.answer(phone, q2, 4).status_code == 303  # type: ignore[arg-type]
    now = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert now["answers"][q2] == 4
    if edit == "name":
        assert now["respondent"]["name"] == "Anne Corrigée"  # a corrected name stays corrected
    elif edit == "answers":
        assert now["answers"][q3] == 5
    else:
        assert now["answers"] == {q1: 1, q2: 4}


def test_a_restart_after_a_kill_takes_the_dead_servers_locks_over(tmp_path: Path, pack: Pack) -> None:
    folder = tmp_path / "atelier"
    r = Room(folder, pack)
    phone = r.client()
    r.join(phone)
    r.close()
    (path,) = folder.glob("reponses-*.yaml")
    dead = {"host": os.uname().nodename, "pid": 2**22 + 4321, "started": "2026-11-24T10:00:00+01:00"}
    lock_path(path).write_text(__import__("json").dumps(dead), encoding="utf-8")  # kill -9: the lock stays
    again = Room(folder, pack)
    try:
        assert path.name[len("reponses-") : -len(".yaml")] in again.w.registry.locks
        assert [n for n in again.w.registry.notices if "repris" in n] == [again.w.registry.notices[-1]]  # said once
    finally:
        again.close()


def test_the_facilitator_types_in_answers_through_the_server_while_the_room_answers(
    room: Callable[..., Room], pack: Pack
) -> None:
    r = room()
    _phone, path = _joined(r, pack)
    laptop = r.client()
    page = laptop.get(f"{r.fac}/saisie")
    assert page.status_code == 200 and "Anne" in page.text and "ne la projetez pas" in page.text
    link = page.text.split('href="http://testserver', 2)[1].split('"', 1)[0]
    assert "/reprendre/" in link and laptop.get(link).status_code == 303
    q = pack.questions[5].id
    assert r.answer(laptop, q, 2).status_code == 303
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["answers"][q] == 2


def test_import_and_migrate_force_never_replace_a_held_file(tmp_path: Path, pack: Pack) -> None:
    target = tmp_path / "reponses-x.yaml"
    target.write_text(answers_yaml({pack.questions[0].id: 2}), encoding="utf-8")
    source = tmp_path / "in" / "reponses-x.yaml"
    source.parent.mkdir()
    source.write_text(answers_yaml({pack.questions[0].id: 4}), encoding="utf-8")
    before = target.read_bytes()
    held = Lock(target, lambda _text: None, program="cooplevier atelier")
    held.acquire()
    try:
        result = invoke("migrate", str(source), "--output", str(target), "--force")
        assert result.exit_code == 1 and "cooplevier atelier" in result.stderr
        assert target.read_bytes() == before
    finally:
        held.release()
    assert invoke("migrate", str(source), "--output", str(target), "--force").exit_code == 0


def test_migrate_of_a_current_file_adds_no_stamp(tmp_path: Path, pack: Pack) -> None:
    source = tmp_path / "a.yaml"
    source.write_text(answers_yaml({pack.questions[0].id: 4}), encoding="utf-8")
    text = source.read_text(encoding="utf-8")
    for n in range(3):
        out = tmp_path / f"b{n}.yaml"
        assert invoke("migrate", str(source), "--output", str(out)).exit_code == 0
        assert "Réécrit par" not in out.read_text(encoding="utf-8")
        source, text = out, out.read_text(encoding="utf-8")
    assert text.count("#") == answers_yaml({pack.questions[0].id: 4}).count("#")


def _zombie() -> tuple[subprocess.Popen[bytes], str]:
    """A child that has exited but is not reaped yet (state Z), and its start stamp from when it ran."""
    child = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    started = None
    while started is None:
        started = _process_start(child.pid)
    assert child.stdin is not None
    child.stdin.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        state = Path(f"/proc/{child.pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        if state == "Z":
            return child, started
        time.sleep(0.01)
    raise AssertionError("the child did not exit")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="no /proc here")
def test_a_zombie_holds_no_lock(tmp_path: Path) -> None:
    """kill -9 of a terminal: its `assess` is dead, whoever has yet to reap it."""
    from cooplevier.writelock import Holder

    child, started = _zombie()
    try:
        host = os.uname().nodename
        assert not _alive(Holder(host, child.pid, "2026-12-07T00:00:00+00:00", started))
        assert not _alive(Holder(host, child.pid, "2026-12-07T00:00:00+00:00", None))  # the kill(0) path
        path = tmp_path / "r.yaml"
        lock_path(path).write_text(
            __import__("json").dumps({"host": host, "pid": child.pid, "started": "x", "process_start": started}),
            encoding="utf-8",
        )
        warned: list[str] = []
        lock = Lock(path, warned.append)
        lock.acquire()
        assert lock.held and warned  # taken over, and said
        lock.release()
    finally:
        child.wait()


def test_a_stopped_workshop_lets_its_files_go(tmp_path: Path, pack: Pack) -> None:
    r = Room(tmp_path / "atelier", pack)
    phone = r.client()
    r.join(phone)
    (path,) = (tmp_path / "atelier").glob("reponses-*.yaml")
    assert lock_path(path).exists()
    r.close()
    r.w.release()
    assert not lock_path(path).exists()
    code = invoke("assess", str(path), input="q\n").exit_code  # the facilitator may now complete it
    assert code == 0


def test_the_server_notices_an_edit_before_showing_the_page(room: Callable[..., Room], pack: Pack) -> None:
    """A name corrected in an editor shows on the phone's next page, and stays corrected."""
    r = room()
    phone, path = _joined(r, pack)
    q1 = pack.questions[0].id
    text = path.read_text(encoding="utf-8").replace("Anne", "Anne-Marie")
    path.write_text(text.replace(f"{q1}: 3", f"{q1}: 5"), encoding="utf-8")
    assert r.answer(phone, pack.questions[1].id, 2).status_code == 303  # no conflict: the edit was read
    now = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert now["respondent"]["name"] == "Anne-Marie" and now["answers"][q1] == 5
    assert not (r.folder / ".cooplevier-atelier" / "conflits").exists()
