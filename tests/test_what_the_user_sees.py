"""Trusting only what the user sees (issue 18, mechanism 4): a hidden sheet is never the one read,
a choice between sheets is said, and a result is never written through a link to nothing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from cooplevier.content.grid import read_grid
from cooplevier.content.model import Pack
from tests.helpers import invoke

CORPUS = Path(__file__).parent / "data" / "fuzz"


def _plain(text: str) -> str:
    return text.replace("\xa0", " ").replace("\u202f", " ")


@pytest.mark.parametrize("name", ["hidden.xlsx", "hidden.ods"])
def test_import_never_reads_the_sheet_excel_left_hidden(tmp_path: Path, name: str) -> None:
    """Excel's copy: the old « Réponses » (3 and 4) hidden, « Réponses (2) » (5 and 1) filled in."""
    result = invoke("import", str(CORPUS / name), "--output", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    assert "feuille masquée non lue : « Réponses »" in _plain(result.stderr)
    levels = sorted(
        next(iter(yaml.safe_load(p.read_text(encoding="utf-8"))["answers"].values())) for p in tmp_path.glob("*.yaml")
    )
    assert levels == [1, 5]


def test_a_hidden_sheet_alone_is_no_grid(tmp_path: Path, pack: Pack) -> None:
    wb = load_workbook(CORPUS / "grid.xlsx")
    for ws in wb.worksheets:
        if ws.title != "Mode d'emploi":
            ws.sheet_state = "hidden"
    wb.active = wb.sheetnames.index("Mode d'emploi")
    path = tmp_path / "g.xlsx"
    wb.save(path)
    result = invoke("score", str(path), "--format", "csv")
    assert result.exit_code == 1 and "aucune feuille" in result.stderr and "Réponses!D" not in result.stdout


def test_a_choice_between_visible_sheets_is_said_and_the_active_one_read(tmp_path: Path, pack: Pack) -> None:
    wb = load_workbook(CORPUS / "hidden.xlsx")
    wb["Réponses"].sheet_state = "visible"  # both visible: the active copy is read, and that is said
    path = tmp_path / "g.xlsx"
    wb.save(path)
    grid = read_grid(path, pack)
    assert grid.sheet == "Réponses (2)"
    warnings = [w for item in grid.items for w in getattr(getattr(item, "answers", None), "warnings", ())]
    assert any(
        "lue : « Réponses (2) » (la feuille active)" in _plain(w) and "« Réponses »" in _plain(w) for w in warnings
    )
    wb.active = wb.sheetnames.index("Mode d'emploi")  # none of them active: the one named « Réponses »
    wb.save(path)
    assert read_grid(path, pack).sheet == "Réponses"


@pytest.mark.parametrize("command", ["score", "report", "import"])
def test_no_result_through_a_link_to_nothing(tmp_path: Path, command: str) -> None:
    target = tmp_path / "ailleurs" / "cible.csv"
    link = tmp_path / "sortie.csv"
    os.symlink(target, link)
    if command == "import":
        (tmp_path / "out").mkdir()
        os.symlink(tmp_path / "ailleurs" / "x.yaml", tmp_path / "out" / "reponses-pays-de-test-d.yaml")
        result = invoke("import", str(CORPUS / "grid.csv"), "--output", str(tmp_path / "out"))
        assert result.exit_code == 1 and not (tmp_path / "ailleurs").exists()
        return
    (tmp_path / "ailleurs").mkdir()
    args = [command, str(CORPUS / "answers.yaml"), "--output", str(link)]
    args += ["--format", "csv" if command == "score" else "md"]
    result = invoke(*args)
    assert result.exit_code in (1, 2) and "lien symbolique" in result.stderr
    assert not target.exists() and link.is_symlink()
