"""A spreadsheet file read into plain cell values: XLSX (openpyxl), ODS (standard library), CSV.

Readers return what a person sees in each cell, typed where the format types it (numbers, dates),
and text exactly as typed everywhere else: an INSEE code `01053` kept as text stays `01053`.
Bounds on rows, columns and unpacked size keep a hostile file from filling memory.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cooplevier.errors import CooplevierError, os_reason
from cooplevier.messages import t
from cooplevier.textfile import decode

CellValue = str | int | float | dt.date | dt.datetime | None
MAX_ROWS = 2000
MAX_COLS = 300
MAX_BYTES = 32 * 1024 * 1024  # a file, or an unpacked sheet


@dataclass(frozen=True)
class Sheet:
    """One sheet: its name (as a spreadsheet shows it) and its rows of cell values, from A1."""

    name: str
    rows: tuple[tuple[CellValue, ...], ...]
    merged: tuple[tuple[int, int, int, int], ...] = ()  # merged ranges: first row, col, last row, col (from 0)
    hidden: bool = False  # hidden (or "very hidden") in the spreadsheet: never the one read
    active: bool = False  # the sheet the file opens on


def read_sheets(path: Path) -> list[Sheet]:
    """Every sheet of `path` (a CSV is one sheet named after the file, as Excel names it)."""
    suffix = path.suffix.lower()
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise CooplevierError(t("grid.too_big", limit=MAX_BYTES // (1024 * 1024)), file=path)
        if suffix == ".csv":  # the answer files' one rule for encodings: a stray byte is refused at its line
            text, _warnings = decode(path.read_bytes(), str(path))
            return [Sheet(path.stem, tuple(_csv_rows(text)))]
        if suffix == ".ods":
            return _ods_sheets(path)
        return _xlsx_sheets(path)
    except CooplevierError:
        raise
    except OSError as exc:
        raise CooplevierError(t("file.unreadable", reason=os_reason(exc)), file=path) from None
    except Exception as exc:  # the boundary of a third party's parser (MemoryError, RecursionError included)
        # openpyxl, zipfile and the XML parser fail in many ways on a damaged file ("not a zip",
        # "no such item", "not well-formed", TypeErrors deep inside openpyxl…): whatever the
        # library raises, the user reads one French line naming the file, and the batch goes on
        sheet = getattr(exc, "cooplevier_sheet", None)
        kind = suffix.lstrip(".").upper()
        if sheet:
            raise CooplevierError(t("grid.damaged_sheet", kind=kind, sheet=sheet), file=path) from None
        raise CooplevierError(t("grid.not_a_workbook", kind=kind), file=path) from None


def choose_sheet(
    sheets: Sequence[Sheet],
    named: Callable[[Sheet], bool],
    holds_keys: Callable[[Sheet], bool],
    *,
    exact: Callable[[Sheet], bool],
) -> tuple[Sheet | None, list[str]]:
    """The sheet to read, and what to say about the choice.

    Only what the user sees is read: a hidden sheet never is (Excel leaves the old « Réponses »
    hidden when a copy « Réponses (2) » is filled in). Among the visible sheets `named` as the
    grid (or, if none is, those that hold its keys), the active one is read, else the `exact`
    name, else the first; a choice is said, and so is a hidden sheet left unread.
    """
    notes = []
    hidden = [s.name for s in sheets if s.hidden and (named(s) or holds_keys(s))]
    if hidden:
        notes.append(t("grid.hidden_skipped", sheets=", ".join(hidden)))
    visible = [s for s in sheets if not s.hidden]
    candidates = [s for s in visible if named(s)] or [s for s in visible if holds_keys(s)]
    if not candidates:
        return None, notes
    active = [s for s in candidates if s.active]
    chosen = active[0] if active else ([s for s in candidates if exact(s)] or candidates)[0]
    others = [s.name for s in candidates if s is not chosen]
    if others:
        why = t("grid.sheet_chosen_active") if active else t("grid.sheet_chosen_first")
        notes.append(t("grid.sheet_chosen", sheet=chosen.name, why=why, others=", ".join(others)))
    return chosen, notes


def _csv_rows(text: str) -> Iterator[tuple[CellValue, ...]]:
    """A French Excel CSV (`;`, UTF-8 with a BOM or Windows-1252) or an English one (`,`)."""
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    for count, row in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)):
        if count >= MAX_ROWS:
            break
        yield tuple(row[:MAX_COLS])


def _xlsx_sheets(path: Path) -> list[Sheet]:
    import warnings

    from openpyxl import load_workbook  # type: ignore[import-untyped]

    with zipfile.ZipFile(path) as zf:  # a small file that unpacks to gigabytes is refused unread
        if sum(info.file_size for info in zf.infolist()) > 4 * MAX_BYTES:
            raise CooplevierError(t("grid.too_big", limit=4 * MAX_BYTES // (1024 * 1024)), file=path)

    with warnings.catch_warnings():  # "data validation extension not supported" and the like
        warnings.simplefilter("ignore")
        wb = load_workbook(path, read_only=True, data_only=False)
    try:
        sheets = []
        with zipfile.ZipFile(path) as zf:
            for ws in wb.worksheets:
                try:
                    rows = []
                    for count, row in enumerate(ws.iter_rows(values_only=True, max_col=MAX_COLS)):
                        if count >= MAX_ROWS:
                            break
                        rows.append(tuple(_xlsx_value(v) for v in row))
                    merged = _xlsx_merged(zf, getattr(ws, "_worksheet_path", ""))
                except Exception as exc:  # said by read_sheets, with the sheet's name
                    exc.cooplevier_sheet = ws.title  # type: ignore[attr-defined]
                    raise
                sheets.append(Sheet(ws.title, tuple(rows), merged, ws.sheet_state != "visible"))
        try:
            active = wb.active
        except (IndexError, AttributeError, TypeError):  # a damaged view: no sheet is said to be active
            active = None
        return [
            Sheet(s.name, s.rows, s.merged, s.hidden, ws is active) for s, ws in zip(sheets, wb.worksheets, strict=True)
        ]
    finally:
        wb.close()


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]{1,3}[0-9]{1,7}(?::[A-Z]{1,3}[0-9]{1,7})?)"')


def _xlsx_merged(zf: zipfile.ZipFile, part: str) -> tuple[tuple[int, int, int, int], ...]:
    """The merged ranges of one sheet. openpyxl's read-only mode, which keeps big files cheap,
    does not read them, so they come from the sheet's XML (a list at its end)."""
    from openpyxl.utils.cell import range_boundaries  # type: ignore[import-untyped]

    try:
        xml = zf.read(part.lstrip("/"))
    except KeyError:
        return ()
    found = []
    for ref in _MERGE.findall(xml):
        min_col, min_row, max_col, max_row = range_boundaries(ref.decode("ascii"))
        found.append((min_row - 1, min_col - 1, max_row - 1, max_col - 1))
    return tuple(found)


def _xlsx_value(value: Any) -> CellValue:
    if value is None or isinstance(value, (str, int, float, dt.date)):
        return value
    return str(value)  # times, booleans, error codes: judged as text


_T = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_O = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_X = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"


def _ods_sheets(path: Path) -> list[Sheet]:
    """Tables of an ODS's content.xml, with repeated rows and columns expanded (within bounds)."""
    import xml.etree.ElementTree as ET

    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("content.xml")
        if info.file_size > MAX_BYTES:
            raise CooplevierError(t("grid.too_big", limit=MAX_BYTES // (1024 * 1024)), file=path)
        root = ET.fromstring(zf.read(info))
        settings = zf.read("settings.xml") if "settings.xml" in zf.namelist() else b""
    hidden_styles = {
        style.get("{urn:oasis:names:tc:opendocument:xmlns:style:1.0}name")
        for style in root.iter("{urn:oasis:names:tc:opendocument:xmlns:style:1.0}style")
        for props in style.iter("{urn:oasis:names:tc:opendocument:xmlns:style:1.0}table-properties")
        if props.get(f"{_T}display") == "false"
    }
    active = _ods_active(settings)
    sheets = []
    for table in root.iter(f"{_T}table"):
        rows: list[tuple[CellValue, ...]] = []
        merged: list[tuple[int, int, int, int]] = []
        for row in table.iter(f"{_T}table-row"):
            cells: list[CellValue] = []
            for cell in row:
                if cell.tag not in (f"{_T}table-cell", f"{_T}covered-table-cell"):
                    continue
                across = int(cell.get(f"{_T}number-columns-spanned", "1"))
                down = int(cell.get(f"{_T}number-rows-spanned", "1"))
                if across > 1 or down > 1:
                    merged.append((len(rows), len(cells), len(rows) + down - 1, len(cells) + across - 1))
                repeat = min(int(cell.get(f"{_T}number-columns-repeated", "1")), MAX_COLS)
                cells.extend([_ods_value(cell)] * repeat)
                if len(cells) >= MAX_COLS:
                    break
            while cells and cells[-1] in (None, ""):
                cells.pop()  # LibreOffice repeats the empty cells up to column AMJ
            repeat = int(row.get(f"{_T}number-rows-repeated", "1"))
            rows.extend([tuple(cells)] * (min(repeat, MAX_ROWS) if cells else min(repeat, 1)))
            if len(rows) >= MAX_ROWS:
                break
        while rows and not rows[-1]:
            rows.pop()
        name = table.get(f"{_T}name", "")
        hidden = table.get(f"{_T}style-name") in hidden_styles
        sheets.append(Sheet(name, tuple(rows), tuple(merged), hidden, name == active))
    return sheets


def _ods_active(settings: bytes) -> str | None:
    """The name of the sheet an ODS file opens on (`ActiveTable` in settings.xml), if said."""
    found = re.search(rb'config:name="ActiveTable"[^>]*>([^<]*)<', settings)
    if found is None:
        return None
    from html import unescape

    return unescape(found.group(1).decode("utf-8", "replace"))


def _ods_value(cell: Any) -> CellValue:
    formula: str | None = cell.get(f"{_T}formula")
    if formula:  # what was typed, as an XLSX reader sees it: `=HYPERLINK("…")`, not its result
        return "=" + formula.split("=", 1)[1] if formula.startswith(("of:=", "=")) else formula
    kind = cell.get(f"{_O}value-type")
    if kind in ("float", "percentage", "currency"):
        number = float(cell.get(f"{_O}value", "nan"))
        text = _ods_text(cell)
        # the text as shown keeps what a number loses (leading zeros of a code typed as a number)
        return int(number) if number.is_integer() and text.strip() in ("", str(int(number))) else text or number
    if kind == "date":
        value = cell.get(f"{_O}date-value", "")
        try:
            return dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)
        except ValueError:
            return _ods_text(cell)
    text = _ods_text(cell)
    return text if text else None


def _ods_text(cell: Any) -> str:
    """The text of a cell's paragraphs, with ODF's coded spaces, tabs and line breaks restored."""

    def walk(node: Any) -> Iterator[str]:
        if node.text:
            yield node.text
        for child in node:
            if child.tag == f"{_X}s":
                yield " " * int(child.get(f"{_X}c", "1"))
            elif child.tag == f"{_X}tab":
                yield "\t"
            elif child.tag == f"{_X}line-break":
                yield "\n"
            else:
                yield from walk(child)
            if child.tail:
                yield child.tail

    return "\n".join("".join(walk(p)) for p in cell if p.tag == f"{_X}p")
