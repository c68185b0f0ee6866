"""The scores workbook gives a comment's role by the anonymity rule's K, as `report` masks: the
workshop's own K on the dashboard and for `score DIR` of a workshop folder, else 3."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from cooplevier.content.model import Pack
from cooplevier.messages import role_group
from cooplevier.report.office.workbook import row, write_workbook
from cooplevier.scoring import batch
from tests.test_atelier_support import Room, rooms
from tests.test_poster_circulate import COMMENT, workshop_k, write_room


def comment_roles(data: bytes) -> set[Any]:
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    sheet = load_workbook(io.BytesIO(data))["Commentaires"]
    return {r[4] for r in sheet.iter_rows(min_row=2, values_only=True) if r[3] and COMMENT in r[3]}


def test_the_workbook_gives_a_comments_role_by_k(pack: Pack, tmp_path: Path) -> None:
    room = write_room(tmp_path / "room", pack)
    rows = list(batch.run(sorted(room.glob("*.yaml")), pack=pack, convert=row))
    shown, default, hidden = io.BytesIO(), io.BytesIO(), io.BytesIO()
    write_workbook(rows, shown, pack, comment_role_min=3)
    write_workbook(rows, default, pack)
    write_workbook(rows, hidden, pack, comment_role_min=5)
    assert comment_roles(shown.getvalue()) == comment_roles(default.getvalue()) == {role_group("technicien")}
    assert comment_roles(hidden.getvalue()) == {None}  # 4 techniciens: below K = 5


def test_score_of_a_workshop_folder_to_xlsx_uses_its_k(cli: Callable[..., Any], pack: Pack, tmp_path: Path) -> None:
    room = write_room(tmp_path / "room", pack)
    before = cli("score", str(room), "--format", "xlsx", "--output", str(tmp_path / "a.xlsx"))
    assert before.exit_code == 0, before.stderr
    assert comment_roles((tmp_path / "a.xlsx").read_bytes()) == {role_group("technicien")}
    workshop_k(room, 5)
    after = cli("score", str(room), "--format", "xlsx", "--output", str(tmp_path / "b.xlsx"))
    assert after.exit_code == 0, after.stderr
    assert comment_roles((tmp_path / "b.xlsx").read_bytes()) == {None}


@pytest.fixture()
def room(tmp_path: Path, pack: Pack) -> Iterator[Callable[..., Room]]:
    yield from rooms(tmp_path, pack)


@pytest.mark.parametrize(("k", "shown"), [(3, True), (5, False)])
def test_the_dashboards_workbook_follows_the_workshops_k(room: Callable[..., Room], k: int, shown: bool) -> None:
    r = room(min_group=k)
    question = r.w.pack.form()[0].id
    for i in range(4):
        c = r.client()
        r.join(c, "technicien")
        r.answer(c, question, 2 + i % 2, comment=f"{COMMENT} ({i})")
    fac = r.client()
    data = fac.get(f"{r.fac}/telecharger/scores.xlsx").content
    assert comment_roles(data) == ({role_group("technicien")} if shown else {None})
