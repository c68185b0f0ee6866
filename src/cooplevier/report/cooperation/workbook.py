"""The plan as a workbook: the action table a bureau fills in Excel or LibreOffice (sheet
« Actions »), and the plan file's own fields (sheet « Plan »). `import` reads it back into the same
plan/1 file (`content/plan/plan_sheet.py`): nothing is lost or changed on the way.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from cooplevier.content.plan.plan_sheet import ACTIONS_SHEET, COLUMNS, PLAN_SHEET, column_titles, status_label
from cooplevier.content.plan.planfile import PlanFile
from cooplevier.messages import t

WIDTHS = {
    "id": 6,
    "lever": 8,
    "from": 11,
    "title": 50,
    "leads": 22,
    "body": 22,
    "due": 12,
    "deliverable": 30,
    "indicator": 30,
    "status": 12,
}
_ERROR_CODES = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")


def plan_workbook(plan: PlanFile) -> bytes:
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped]
    from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped]

    wb = Workbook()
    ws = wb.active
    ws.title = ACTIONS_SHEET
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDE4EE")
    wrap = Alignment(wrap_text=True, vertical="top")
    years = _note_years(plan)
    titles = list(column_titles().values()) + [t("xlsx.plan.note", year=y) for y in years]
    for c, title in enumerate(titles, 1):
        cell = ws.cell(row=1, column=c, value=title)
        cell.font, cell.fill, cell.alignment = bold, fill, wrap
    for r, action in enumerate(plan.actions, 2):
        values: list[Any] = [
            action.id,
            action.lever,
            action.from_,
            action.title,
            action.leads,
            action.body,
            action.due,
            action.deliverable,
            action.indicator,
            status_label(action.status),
            *(action.notes.get(y) for y in years),
        ]
        for c, value in enumerate(values, 1):
            _put(ws.cell(row=r, column=c), value, wrap)
    for c, name in enumerate(COLUMNS, 1):
        ws.column_dimensions[_letter(c)].width = WIDTHS[name]
    for c in range(len(COLUMNS) + 1, len(titles) + 1):
        ws.column_dimensions[_letter(c)].width = 30
    ws.freeze_panes = "B2"
    last = max(len(plan.actions) + 1, 200)
    statuses = ",".join(status_label(s) for s in ("a-venir", "en-cours", "fait", "abandonne"))
    status_col = _letter(len(COLUMNS))
    listed = DataValidation(type="list", formula1=f'"{statuses}"', allow_blank=True)
    listed.error, listed.errorTitle = t("xlsx.plan.bad_status", value="…"), t("xlsx.plan.status")
    listed.add(f"{status_col}2:{status_col}{last}")
    ws.add_data_validation(listed)
    due_col = _letter(COLUMNS.index("due") + 1)
    dated = DataValidation(type="date", operator="greaterThan", formula1="DATE(2000,1,1)", allow_blank=True)
    dated.error, dated.errorTitle = t("xlsx.plan.bad_date", value="…"), t("xlsx.plan.due")
    dated.add(f"{due_col}2:{due_col}{last}")
    ws.add_data_validation(dated)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"
    ws.print_title_rows = "1:1"
    _plan_sheet(wb.create_sheet(PLAN_SHEET), plan, bold, fill, wrap)
    stream = io.BytesIO()
    wb.save(stream)
    return stream.getvalue()


def _put(cell: Any, value: Any, wrap: Any) -> None:
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, never an error code: user text stays text
    elif isinstance(value, dt.date):
        cell.number_format = "DD/MM/YYYY"
    cell.alignment = wrap


def _note_years(plan: PlanFile) -> list[str]:
    """A column per year with a note, and one per year of the mandate, to write the next ones."""
    years = {y for a in plan.actions for y in a.notes}
    start = (plan.renewal or dt.date.today()).year
    years |= {str(y) for y in range(start, start + 7)}
    return sorted(years)


def _plan_sheet(ws: Any, plan: PlanFile, bold: Any, fill: Any, wrap: Any) -> None:
    d = plan.diagnosis
    rows: list[tuple[str, Any, str]] = [
        ("cooplevier", plan.cooplevier, t("xlsx.plan.row_format")),
        ("territory", plan.territory, t("xlsx.plan.row_territory")),
        ("structure", plan.structure, t("xlsx.plan.row_structure")),
        ("renewal", plan.renewal, t("xlsx.plan.row_renewal")),
        ("adopted", plan.adopted, t("xlsx.plan.row_adopted")),
    ]
    if d is not None:
        rows += [
            ("diagnosis.kind", d.kind, t("xlsx.plan.row_kind")),
            ("diagnosis.respondents", str(d.respondents), t("xlsx.plan.row_respondents")),
            ("diagnosis.name", d.name, ""),
            ("diagnosis.role", d.role, ""),
            ("diagnosis.completeness", d.completeness, ""),
            ("diagnosis.attendance", "; ".join(f"{r}={n}" for r, n in d.attendance.items()) or None, ""),
            ("diagnosis.date", d.date, ""),
            ("diagnosis.priorities", ", ".join(d.priorities) or None, ""),
            ("diagnosis.votes", d.votes, ""),
        ]
    for c, title in enumerate((t("xlsx.plan.key"), t("xlsx.plan.value"), t("xlsx.plan.help")), 1):
        cell = ws.cell(row=1, column=c, value=title)
        cell.font, cell.fill = bold, fill
    for r, (key, value, help_text) in enumerate(rows, 2):
        _put(ws.cell(row=r, column=1), key, wrap)
        _put(ws.cell(row=r, column=2), value, wrap)
        _put(ws.cell(row=r, column=3), help_text or None, wrap)
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 40
    ws.column_dimensions["C"].width = 70


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

    return str(get_column_letter(index))
