"""`cooplevier compare OLD NEW`: steps gained and lost per lever, axis and overall."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cooplevier.typography import typeset


def test_json_deltas(cli: Callable[..., Any], write_answers: Callable[..., Path]) -> None:
    old = write_answers({"L3.Q2": 1, "L3.Q4": 2, "L8.Q2": 5, "L9.Q1": 4}, name="old.yaml")
    new = write_answers({"L3.Q2": 3, "L3.Q4": 4, "L8.Q2": 3, "L9.Q1": "na"}, name="new.yaml")
    result = cli("compare", str(old), str(new), "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["levers"]["L3"] == {
        "before": 1.5,
        "after": 3.5,
        "delta": 2.0,
        "step_before": 1,
        "step_after": 3,
        "steps": 2,
    }
    assert data["levers"]["L8"]["delta"] == -2.0
    assert data["levers"]["L9"]["delta"] is None  # na afterwards: no delta, never a fake 0
    assert data["levers"]["L1"]["delta"] is None
    assert data["gained"] == ["L3"] and data["lost"] == ["L8"]
    assert set(data["axes"]) == {"impulsion", "dialogue", "mouvement", "convergence"}
    assert {"before", "after", "delta"} <= set(data["overall"])


def test_markdown_html_and_table(cli: Callable[..., Any], write_answers: Callable[..., Path], tmp_path: Path) -> None:
    old = write_answers({"L3.Q2": 1}, name="old.yaml", territory="Pays de Nevers")
    new = write_answers({"L3.Q2": 4}, name="new.yaml", territory="Pays de Nevers")
    md = cli("compare", str(old), str(new), "--format", "md")
    assert typeset("Marches gagnées : L3.") in md.stdout
    out = tmp_path / "progression.html"
    assert cli("compare", str(old), str(new), "--output", str(out)).exit_code == 0  # html from the suffix
    html = out.read_text(encoding="utf-8")
    assert html.count("<polygon") >= 2 or "<svg" in html
    assert "▲ +3" in html
    table = cli("compare", str(old), str(new), "--format", "table", env={"COLUMNS": "120"})
    assert "+3 marches" in table.stdout


def test_bad_files_are_both_reported(cli: Callable[..., Any], tmp_path: Path) -> None:
    old, new = tmp_path / "a.yaml", tmp_path / "b.yaml"
    old.write_text("")
    result = cli("compare", str(old), str(new), "--format", "json")
    assert result.exit_code == 1
    assert f"{old}:1:1: le fichier est vide" in result.stderr
    assert f"{new}: fichier introuvable" in result.stderr
