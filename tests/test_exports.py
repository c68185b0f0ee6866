"""CSV for a French Excel and XLSX workbooks: encodings, separators, formula injection."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cooplevier.report.exports import neutralise
from tests.helpers import answers_yaml


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")', id="equals"),
        pytest.param("+33 1 23", "'+33 1 23", id="plus"),
        pytest.param("-2+3", "'-2+3", id="minus"),
        pytest.param("@SUM(A1)", "'@SUM(A1)", id="at"),
        pytest.param("\t=1", "'\t=1", id="tab"),
        pytest.param("\r=1", "'\r=1", id="carriage-return"),
        pytest.param("Pays de Figeac", "Pays de Figeac", id="plain"),
        pytest.param("a\x00b\x07", "ab", id="control-characters"),
    ],
)
def test_neutralise(text: str, expected: str) -> None:
    assert neutralise(text) == expected


def test_csv_opens_in_a_french_excel(cli: Callable[..., Any], tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    text = answers_yaml({"L1.Q2": 4, "L1.Q5": 3}, territory="Pays d'Été", name="=cmd|' /C calc'!A0")
    path.write_text(text, encoding="utf-8")
    result = cli("score", str(path), "--format", "csv")
    assert result.exit_code == 0
    raw = result.stdout_bytes
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel then reads accents right
    assert b"\r\n" in raw
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    head, row = rows
    cell = dict(zip(head, row, strict=True))
    assert cell["territoire"] == "Pays d'Été"
    assert cell["nom"] == "'=cmd|' /C calc'!A0"
    assert cell["L1_score"] == "3,5"  # decimal comma
    assert cell["L1_marche"] == "3"
    assert cell["L5_score"] == ""  # nothing answered: empty, never 0
    assert cell["role"] == "elu"


def test_separator_option(cli: Callable[..., Any], write_answers: Callable[..., Path]) -> None:
    path = write_answers({"L1.Q2": 4, "L1.Q5": 3})
    result = cli("score", str(path), "--format", "csv", "--separator", ",")
    head, row = list(csv.reader(io.StringIO(result.stdout_bytes.decode("utf-8-sig"))))
    assert dict(zip(head, row, strict=True))["L1_score"] == "3.5"  # a comma separator keeps the point
    tab = cli("score", str(path), "--format", "csv", "--separator", "\\t")
    assert "fichier\tterritoire" in tab.stdout
    bad = cli("score", str(path), "--format", "csv", "--separator", ";;")
    assert bad.exit_code == 2
    assert "séparateur" in bad.stderr


def test_xlsx_workbook(cli: Callable[..., Any], write_answers: Callable[..., Path], tmp_path: Path) -> None:
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    write_answers({"L1.Q2": 4, "L1.Q5": 3}, name="a.yaml", territory="@Pays")
    write_answers({"L2.Q1": 2}, name="b.yaml", territory="Pays B")
    out = tmp_path / "scores.xlsx"
    result = cli("score", str(tmp_path), "--format", "xlsx", "--output", str(out))
    assert result.exit_code == 0, result.stderr
    ws = load_workbook(out)["Scores"]
    assert ws.freeze_panes == "C2"
    assert ws["A1"].font.b
    rows = list(ws.iter_rows(values_only=True))
    head = rows[0]
    assert len(rows) == 3
    first = dict(zip(head, rows[1], strict=True))
    assert first["Territoire"] == "@Pays"  # exact text, a string cell: never a formula, no '
    assert ws["B2"].data_type == "s"
    assert first["L1 Soigner les équilibres — score"] == 3.5  # a real number
    assert first["L5 Démarches ascendantes — score"] is None
