"""The plan workbook read back by `import` (issue 18): what the user sees, and what every output
carries."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from cooplevier.content.model import Pack
from cooplevier.content.plan.plan_sheet import read_plan_workbook
from cooplevier.errors import CooplevierError


def _workbook(tmp_path: Path, pack: Pack) -> Path:
    from tests.helpers import invoke

    answers = tmp_path / "r.yaml"
    answers.write_text(
        "cooplevier: answers/1\nterritory: Pays de Test\nrespondent:\n  role: elu\nanswers:\n"
        + "".join(f"  {q.id}: 2\n" for q in pack.questions),
        encoding="utf-8",
    )
    book = tmp_path / "plan.xlsx"
    result = invoke("plan", str(answers), "--format", "xlsx", "--output", str(book))
    if result.exit_code != 0:
        pytest.skip(f"no plan workbook here: {result.stderr[:200]}")
    return book


def test_a_hidden_plan_sheet_is_never_read(tmp_path: Path, pack: Pack) -> None:
    book = _workbook(tmp_path, pack)
    read_plan_workbook(book, pack)  # as written: read
    wb = load_workbook(book)
    wb["Actions"].sheet_state = "hidden"
    wb.active = wb.sheetnames.index("Plan")
    wb.save(book)
    with pytest.raises(CooplevierError, match="masquée"):
        read_plan_workbook(book, pack)


def test_a_plan_cell_holds_only_what_every_output_carries(tmp_path: Path, pack: Pack) -> None:
    book = _workbook(tmp_path, pack)
    wb = load_workbook(book)
    ws = wb["Plan"]
    for row in ws.iter_rows():
        if row[0].value == "territory":
            row[1].value = "Pays\u202e"
    wb.save(book)
    with pytest.raises(CooplevierError) as info:
        read_plan_workbook(book, pack)
    assert "U+202E" in str(info.value) and "Plan!B" in str(info.value)
