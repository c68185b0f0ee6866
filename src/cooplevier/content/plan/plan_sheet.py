"""The plan workbook read back (`import`): sheets « Plan » (the file's fields) and « Actions » (the
action table) become a `plan/1` file. Every refused cell is named `FILE:Sheet!CELL: message`; the
file is then checked as a plan file is (levers, content actions, duplicate ids).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path
from typing import Any

from cooplevier import charset
from cooplevier.content.model import STRUCTURES, Pack
from cooplevier.content.plan.planfile import FORMAT, STATUSES, Diagnosis, PlanAction, PlanFile, Status
from cooplevier.content.sheets import CellValue, Sheet, read_sheets
from cooplevier.errors import CooplevierError, ErrorGroup
from cooplevier.messages import t

PLAN_SHEET = "Plan"
ACTIONS_SHEET = "Actions"
# The action table's columns, by their key in the plan file
COLUMNS = ("id", "lever", "from", "title", "leads", "body", "due", "deliverable", "indicator", "status")


def column_titles() -> dict[str, str]:
    """The headers of the action table, as the workbook shows them."""
    return {
        "id": t("xlsx.plan.id"),
        "lever": t("xlsx.plan.lever"),
        "from": t("xlsx.plan.from"),
        "title": t("xlsx.plan.title"),
        "leads": t("xlsx.plan.leads"),
        "body": t("xlsx.plan.body"),
        "due": t("xlsx.plan.due"),
        "deliverable": t("xlsx.plan.deliverable"),
        "indicator": t("xlsx.plan.indicator"),
        "status": t("xlsx.plan.status"),
    }


NOTE_HEADER = re.compile(r"(?:note|notes)\s+(\d{4})", re.I)
MAX_BODY = 200  # characters: a body is a name (« Conseil communautaire »), not a paragraph


def status_label(status: str) -> str:
    return {
        "a-venir": t("status.a-venir"),
        "en-cours": t("status.en-cours"),
        "fait": t("status.fait"),
        "abandonne": t("status.abandonne"),
    }[status]


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.strip().lower())
    return " ".join("".join(ch for ch in text if not unicodedata.combining(ch)).replace("-", " ").split())


_STATUS_WORDS: dict[str, Status] = {_plain(s): s for s in STATUSES} | {
    "a venir": "a-venir",
    "en cours": "en-cours",
    "abandonne": "abandonne",
}


def is_plan_workbook(path: Path) -> bool:
    """Whether a spreadsheet is a plan workbook (its two sheets), not an answer grid."""
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".ods") or not path.is_file():
        return False
    if suffix == ".xlsx":  # the sheet names only, not the cells: an answer grid is read once, by its reader
        import zipfile

        try:
            with zipfile.ZipFile(path) as book:
                listing = book.read("xl/workbook.xml").decode("utf-8", "replace")
        except (OSError, KeyError, zipfile.BadZipFile):
            return False
        names = set(re.findall(r'<(?:\w+:)?sheet\b[^>]*\bname="([^"]*)"', listing))
        return {PLAN_SHEET, ACTIONS_SHEET} <= names
    try:
        found = {s.name for s in read_sheets(path)}
    except CooplevierError:
        return False
    return {PLAN_SHEET, ACTIONS_SHEET} <= found


def cell_name(row: int, col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row + 1}"


def read_plan_workbook(path: Path, pack: Pack) -> PlanFile:
    from cooplevier.content.answers import text_problem
    from cooplevier.content.sheets import choose_sheet

    every = read_sheets(path)
    errors: list[CooplevierError] = []

    def refuse(sheet: str, row: int, col: int, message: str) -> None:
        errors.append(CooplevierError(message, file=f"{path}:{sheet}!{cell_name(row, col)}"))

    def visible(name: str) -> Sheet:  # never a hidden sheet (issue 18): the visible one, or Excel's copy
        copy = re.compile(re.escape(name) + r" \(\d+\)")
        chosen, _notes = choose_sheet(
            every,
            lambda s: s.name == name or bool(copy.fullmatch(s.name)),
            lambda s: False,
            exact=lambda s: s.name == name,
        )
        if chosen is None:
            raise CooplevierError(t("plan.sheet_hidden", sheet=name), file=path)
        return chosen

    plan_sheet, actions_sheet = visible(PLAN_SHEET), visible(ACTIONS_SHEET)
    for sheet in (plan_sheet, actions_sheet):  # what a cell may hold: what every output carries (charset.py)
        for r, row in enumerate(sheet.rows):
            for c, value in enumerate(row):
                if isinstance(value, str) and (problem := text_problem(value)) is not None:
                    refuse(sheet.name, r, c, problem)
    if errors:
        raise ErrorGroup(errors)
    header = _header(plan_sheet, refuse)
    actions = _actions(actions_sheet, refuse, pack)
    if errors:
        raise ErrorGroup(errors)
    return PlanFile(cooplevier=FORMAT, actions=tuple(actions), **header)


def _text(value: CellValue) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _date(value: CellValue) -> dt.date | str | None:
    """A date cell, an ISO date or a French one (`15/12/2026`); the text itself when it is none."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return text


def _header(sheet: Sheet, refuse: Any) -> dict[str, Any]:
    values: dict[str, tuple[int, CellValue]] = {}
    for r, row in enumerate(sheet.rows):
        key = _text(row[0]) if row else None
        if key:
            values[key] = (r, row[1] if len(row) > 1 else None)

    def get(key: str) -> CellValue:
        return values.get(key, (0, None))[1]

    def date(key: str) -> dt.date | None:
        found = _date(get(key))
        if isinstance(found, str):
            refuse(PLAN_SHEET, values[key][0], 1, t("xlsx.plan.bad_date", value=found))
            return None
        return found

    out: dict[str, Any] = {"territory": _text(get("territory")) or ""}
    if not out["territory"]:
        refuse(PLAN_SHEET, values.get("territory", (0, None))[0], 1, t("xlsx.plan.no_territory"))
    structure = _text(get("structure"))
    if structure is not None and structure not in STRUCTURES:
        refuse(PLAN_SHEET, values["structure"][0], 1, t("xlsx.plan.bad_structure", value=structure))
        structure = None
    out["structure"] = structure
    out["renewal"] = date("renewal")
    out["adopted"] = date("adopted")
    kind = _text(get("diagnosis.kind"))
    if kind is not None and kind not in ("person", "group", "vote"):
        refuse(PLAN_SHEET, values["diagnosis.kind"][0], 1, t("xlsx.plan.bad_kind", value=kind))
        kind = None
    if kind is not None:
        attendance: dict[str, str] = {}
        for part in (_text(get("diagnosis.attendance")) or "").split(";"):
            if "=" in part:
                role, n = part.split("=", 1)
                attendance[role.strip()] = n.strip()
        respondents = _text(get("diagnosis.respondents")) or "1"
        out["diagnosis"] = Diagnosis(
            kind=kind,  # type: ignore[arg-type]
            respondents=int(respondents) if charset.is_digits(respondents) else 1,
            name=_text(get("diagnosis.name")),
            role=_text(get("diagnosis.role")),
            completeness=_text(get("diagnosis.completeness")),
            attendance=attendance,
            date=date("diagnosis.date"),
            priorities=tuple(p.strip() for p in (_text(get("diagnosis.priorities")) or "").split(",") if p.strip()),
            votes=_text(get("diagnosis.votes")),
        )
    return out


def _actions(sheet: Sheet, refuse: Any, pack: Pack) -> list[PlanAction]:
    from cooplevier.content.plan.actions import find

    if not sheet.rows:
        return []
    titles = column_titles()
    labels = {_plain(title): name for name, title in titles.items()} | {name: name for name in COLUMNS}
    columns: dict[str, int] = {}
    notes: dict[int, str] = {}
    for c, value in enumerate(sheet.rows[0]):
        text = _text(value)
        if text is None:
            continue
        found = NOTE_HEADER.fullmatch(_plain(text))
        if found:
            notes[c] = found.group(1)
        elif _plain(text) in labels or text in labels:
            columns[labels.get(_plain(text), labels.get(text, ""))] = c
    out: list[PlanAction] = []
    seen: dict[str, str] = {}
    for r, row in enumerate(sheet.rows[1:], 1):

        def cell(name: str, row: tuple[CellValue, ...] = row) -> CellValue:
            c = columns.get(name)
            return row[c] if c is not None and c < len(row) else None

        if all(_text(v) is None for v in row):
            continue
        fields: dict[str, Any] = {}
        for name in ("id", "lever", "title"):
            fields[name] = _text(cell(name))
            if fields[name] is None:
                refuse(ACTIONS_SHEET, r, columns.get(name, 0), t("xlsx.plan.required", field=titles[name]))
        if fields["id"] is not None:
            if fields["id"] in seen:
                refuse(
                    ACTIONS_SHEET, r, columns["id"], t("plan.duplicate_cell", id=fields["id"], first=seen[fields["id"]])
                )
            seen.setdefault(fields["id"], cell_name(r, columns["id"]))
        if fields["lever"] is not None and not pack.has_lever(fields["lever"]):
            refuse(ACTIONS_SHEET, r, columns["lever"], t("plan.unknown_lever", lever=fields["lever"]))
        content = _text(cell("from"))
        if content is not None:
            action = find(pack, content)
            if action is None:
                refuse(ACTIONS_SHEET, r, columns["from"], t("plan.unknown_action", id=content))
            elif fields["lever"] is not None and action.lever != fields["lever"]:
                refuse(ACTIONS_SHEET, r, columns["from"], t("plan.action_lever", id=content, lever=fields["lever"]))
        due = _date(cell("due"))
        if isinstance(due, str):
            refuse(ACTIONS_SHEET, r, columns["due"], t("xlsx.plan.bad_date", value=due))
            due = None
        raw_status = _text(cell("status"))
        status: Status = "a-venir"
        if raw_status is not None:
            found_status = _STATUS_WORDS.get(_plain(raw_status))
            if found_status is None:
                refuse(ACTIONS_SHEET, r, columns["status"], t("xlsx.plan.bad_status", value=raw_status))
            else:
                status = found_status
        body = cell("body")
        if body is not None and not isinstance(body, str):
            refuse(ACTIONS_SHEET, r, columns["body"], t("xlsx.plan.bad_body"))
            body = None
        elif isinstance(body, str) and len(body.strip()) > MAX_BODY:
            refuse(ACTIONS_SHEET, r, columns["body"], t("xlsx.plan.long_body", limit=MAX_BODY))
        year_notes = {year: text for c, year in notes.items() if c < len(row) and (text := _text(row[c]))}
        if fields["id"] is None or fields["lever"] is None or fields["title"] is None:
            continue
        out.append(
            PlanAction(
                id=fields["id"],
                lever=fields["lever"],
                title=fields["title"],
                from_=content,
                leads=_text(cell("leads")),
                body=_text(body),
                due=due,
                deliverable=_text(cell("deliverable")),
                indicator=_text(cell("indicator")),
                status=status,
                notes=year_notes,
            )
        )
    return out
