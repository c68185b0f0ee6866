"""The scores workbook for a spreadsheet user, and the CSV's stable columns."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cooplevier.content.model import Pack
from cooplevier.messages import role_group, t
from tests.helpers import answers_yaml
from tests.office_helpers import soffice

TRICKY = ['=HYPERLINK("http://x";"clic")', "+33 1 23 45 67 89", "-moins", "@SUM(A1)", "#N/A", "01053"]


@pytest.fixture()
def batch(tmp_path: Path, pack: Pack) -> Path:
    folder = tmp_path / "lot"
    folder.mkdir()
    roles = ("elu", "technicien", "elu", "societe-civile", "partenaire", "technicien")
    for i, text in enumerate(TRICKY):
        answers = {q.id: ((i + n) % 5) + 1 for n, q in enumerate(pack.questions)}
        body = answers_yaml(answers, territory=text, name=text, role=roles[i])
        (folder / f"{i}.yaml").write_text(body + f"date: 2026-11-{10 + i}\n", encoding="utf-8")
    return folder


def test_workbook_views(batch: Path, tmp_path: Path, pack: Pack, cli: Callable[..., Any]) -> None:
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    out = tmp_path / "scores.xlsx"
    assert cli("score", str(batch), "--output", str(out)).exit_code == 0
    wb = load_workbook(out)
    assert wb.sheetnames == ["Scores", "Leviers", "Par rôle", "Escalier", "Commentaires"]
    ws = wb["Scores"]
    head = [c.value for c in ws[1]]
    for lever in pack.levers:
        assert f"{lever.id} {lever.short_title} — score" in head
    assert "Territoire" in head and "Date" in head
    assert ws.auto_filter.ref == f"A1:{ws.cell(row=1, column=len(head)).column_letter}{len(TRICKY) + 1}"
    assert ws.freeze_panes == "C2"
    assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage
    rows = [dict(zip(head, (c.value for c in row), strict=True)) for row in ws.iter_rows(min_row=2)]
    assert sorted(r["Territoire"] for r in rows) == sorted(TRICKY)  # exact, no ' in front
    for row in ws.iter_rows(min_row=2, max_col=3):
        assert all(c.data_type == "s" for c in row)
    assert all(isinstance(r["Date"], dt.datetime) for r in rows) and ws["E2"].number_format == "DD/MM/YYYY"
    expected = json.loads(cli("score", str(batch), "--format", "json").stdout)
    for row, data in zip(rows, expected, strict=True):
        assert row["Ensemble — score"] == data["overall"]["score"]
        assert row["L3 Espaces de dialogue — score"] == data["levers"]["L3"]["score"]
    levers = list(wb["Leviers"].iter_rows(values_only=True))
    assert levers[1][:2] == ("L1", pack.lever("L1").title)
    by_role = {r[0]: r for r in wb["Par rôle"].iter_rows(min_row=2, values_only=True)}
    synthesis = json.loads(cli("report", str(batch), "--format", "json", "--min-group", "1").stdout)
    assert by_role["L4"][2] == synthesis["levers"]["L4"]["mean"]
    roles_head = [c.value for c in wb["Par rôle"][1]]
    assert (
        by_role["L4"][roles_head.index(t("xlsx.role_mean", role=role_group("elu")))]
        == synthesis["levers"]["L4"]["by_role"]["elu"]
    )
    assert [r[0] for r in wb["Escalier"].iter_rows(min_row=2, values_only=True)] == [1, 2, 3, 4, 5]


def test_libreoffice_shows_the_text_as_typed(batch: Path, tmp_path: Path, cli: Callable[..., Any]) -> None:
    out = tmp_path / "scores.xlsx"
    assert cli("score", str(batch), "--output", str(out)).exit_code == 0
    (converted,) = soffice([out], "csv:Text - txt - csv (StarCalc):59,34,76,1", tmp_path)
    rows = list(csv.reader(io.StringIO(converted.read_text(encoding="utf-8")), delimiter=";"))
    assert sorted(r[1] for r in rows[1:]) == sorted(TRICKY)  # shown as text, not computed, no '
    assert rows[1][4].count("/") == 2  # a date, shown as a date


def test_csv_columns_are_stable_and_neutralised(batch: Path, cli: Callable[..., Any], pack: Pack) -> None:
    raw = cli("score", str(batch), "--format", "csv").stdout_bytes.decode("utf-8-sig")
    head, *rows = list(csv.reader(io.StringIO(raw), delimiter=";"))
    assert head[:7] == ["fichier", "territoire", "nom", "role", "date", "global_score", "global_marche"]
    assert head[-1] == "completude_pct" and len(head) == 7 + 2 * len(pack.axes) + 2 * len(pack.levers) + 1
    for row in rows:
        assert not row[1].startswith(("=", "+", "-", "@"))
    english = cli("score", str(batch), "--format", "csv", "--separator", ",").stdout_bytes.decode("utf-8-sig")
    assert "." in list(csv.reader(io.StringIO(english)))[1][5]
