"""Spreadsheet exports of a batch: CSV for a French Excel, and the XLSX workbook (`workbook.py`).

One row per answer file. Rows are written as they come (never held all in memory). The CSV's
columns keep their names and order from one version to the next (scripts read them); the
workbook, made for people, has French headers naming the levers. Choices, documented in
docs/batch.md and docs/office.md:
- CSV: UTF-8 with BOM and `;` so that a French Excel opens it by double-click; numbers are
  written with a decimal comma (`2,75`), which that Excel reads as numbers — unless the
  separator is `,`, where they keep the decimal point;
- in the CSV, a cell from user text (file name, territory, name) that starts with `= + - @`, a
  tab or a carriage return gets a leading `'`, so that no spreadsheet ever runs it as a formula
  (OWASP "CSV injection"); control characters are dropped. The workbook needs no such mark: its
  text cells are typed as text.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from typing import IO, Any

from cooplevier import numbers
from cooplevier.content.model import Pack
from cooplevier.messages import t
from cooplevier.numbers import score_value
from cooplevier.scoring.engine import Result

Cell = str | int | float | None
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Control characters: invalid in XLSX, and a trap in CSV. Tab, LF and CR are handled apart.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
BOM = "\ufeff"


def neutralise(text: str) -> str:
    """User text made inert for spreadsheets: no leading formula character, no control bytes."""
    text = _CONTROL.sub("", text)
    return "'" + text if text.startswith(_FORMULA_START) else text


def header(pack: Pack) -> list[str]:
    """Column names, French, one per cell of `cells()`."""
    names = [
        t("csv.file"),
        t("csv.territory"),
        t("csv.name"),
        t("csv.role"),
        t("csv.date"),
        t("csv.overall_score"),
        t("csv.overall_step"),
    ]
    for axis in pack.axes:
        names += [f"axe_{axis.id}_score", f"axe_{axis.id}_marche"]
    for lever in pack.levers:
        names += [f"{lever.id}_score", f"{lever.id}_marche"]
    names.append(t("csv.completeness"))
    return names


_score = score_value  # the score as every output shows it (cooplevier.numbers)


def cells(result: Result, pack: Pack) -> list[Cell]:
    """The row of one result: text neutralised, scores as numbers, None where nothing is known."""
    row: list[Cell] = [
        neutralise(result.file or ""),
        neutralise(result.territory),
        neutralise(result.name or ""),
        result.role or "",
        result.date or "",
        _score(result.overall.mean),
        result.overall.step,
    ]
    for axis in pack.axes:
        a = result.axes[axis.id]
        row += [_score(a.mean), a.step]
    for lever in pack.levers:
        lv = result.levers[lever.id]
        row += [_score(lv.mean), lv.step]
    row.append(round(result.completeness * 100))
    return row


def csv_cells(result: Result, pack: Pack, *, decimal: str = ",") -> list[str]:
    """`cells()` as CSV text (done in the workers: only short strings travel back)."""
    return [_csv_text(cell, decimal) for cell in cells(result, pack)]


def _csv_text(cell: Cell, decimal: str) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float):
        return numbers.decimal(cell, mark=decimal)
    return str(cell)


def decimal_for(separator: str) -> str:
    """The decimal mark that goes with a CSV separator: a comma unless it is the separator."""
    return "." if separator == "," else ","


class CsvSink:
    """Writes the BOM and the header, then each row as it is given."""

    def __init__(self, stream: IO[str], pack: Pack, *, separator: str = ";") -> None:
        stream.write(BOM)
        self._writer = csv.writer(stream, delimiter=separator, lineterminator="\r\n")
        self._writer.writerow(header(pack))

    def write(self, row: Sequence[str]) -> None:
        self._writer.writerow(row)


def write_scores(
    values: Iterable[Any],
    fmt: str,
    output: str | None,
    *,
    pack: Pack,
    force: bool,
    separator: str,
    min_group: int | None = None,
) -> None:
    """Write converted score results (`csv_cells`, `cells` or `as_dict` values) as they come.

    `min_group`: the workbook's K for a comment's role (None: its default)."""
    from cooplevier.files import open_output

    if fmt == "csv":
        with open_output(output, force=force) as fh:
            sink = CsvSink(fh, pack, separator=separator)
            for row in values:
                sink.write(row)
    elif fmt == "xlsx":
        from cooplevier.report.office.workbook import OutputFailed, write_workbook

        with open_output(output, force=force, binary=True) as fh:
            try:
                if min_group is None:
                    write_workbook(values, fh, pack)
                else:
                    write_workbook(values, fh, pack, comment_role_min=min_group)
            except OutputFailed as failed:  # the output's own error: open_output says it
                raise failed.error from None
    elif fmt == "json":
        import json

        with open_output(output, force=force) as fh:
            sep = "[\n"
            for data in values:
                fh.write(sep + json.dumps(data, ensure_ascii=False))
                sep = ",\n"
            fh.write("[]\n" if sep == "[\n" else "\n]\n")
