"""The scores workbook (`score … --output scores.xlsx`): one sheet per view, for a spreadsheet user.

- « Scores »: one row per respondent, streamed (openpyxl's write-only mode: 10 000 files in flat
  memory), French headers naming each lever, numbers as numbers (the values of
  `score --format json`), dates as dates, an autofilter and frozen headers;
- « Leviers »: each lever with its title, short title, axis and number of questions;
- « Par rôle »: the mean of every lever, axis and the whole, for all and for each role (exact
  means, rounded once by `numbers.score_value`, as in `report --format json`);
- « Escalier »: the five steps, what a reader needs to read a « marche »;
- « Commentaires »: the comments typed with the answers, by lever and question, without names; a
  comment carries its role only where that role has at least K respondents (`comment_role_min`:
  the workshop's own K, `COMMENT_ROLE_MIN` by default).

Text from the answer files is written exactly, as string cells: `=HYPERLINK(…)` stays that text,
is never a formula, and shows no `'`. Every sheet prints on A4 landscape, one page wide.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import IO, Any

from cooplevier.content.model import ROLES, Pack
from cooplevier.files import temporary_work
from cooplevier.messages import role_group, role_label, t
from cooplevier.numbers import score_value
from cooplevier.report.office.grid import row_height
from cooplevier.scoring.engine import Result
from cooplevier.typography import typeset

Cell = str | int | float | dt.date | None
Ratio = tuple[int, int]  # an exact score as two integers: a Fraction would travel from the workers as text
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # not allowed in XLSX's XML
_WIDE = {0: 24.0, 1: 26.0, 2: 20.0, 3: 13.0, 4: 11.0}
_NUMBER_WIDTH = 11.5  # room for the longest word of a header (« Convergence »)
SCORES_PAGES_WIDE = 2  # 36 columns on one A4 width would print at a third of their size


@dataclass(frozen=True, slots=True)
class Row:
    """One respondent as the workbook needs it: the row's cells and the exact means for « Par rôle »."""

    cells: tuple[Cell, ...]
    role: str | None
    means: tuple[Ratio | None, ...]  # the whole, each axis, each lever: (numerator, denominator)
    comments: tuple[tuple[str, str], ...] = ()  # (question id, text)


COMMENT_ROLE_MIN = 3  # the anonymity rule's default K (scoring.circulate.DEFAULT_MIN_GROUP)


def header(pack: Pack) -> list[str]:
    names = [
        t("xlsx.file"),
        t("xlsx.territory"),
        t("xlsx.name"),
        t("xlsx.role"),
        t("xlsx.date"),
        t("xlsx.overall_score"),
        t("xlsx.overall_step"),
    ]
    for axis in pack.axes:
        names += [t("xlsx.axis_score", title=axis.short), t("xlsx.axis_step", title=axis.short)]
    for lever in pack.levers:
        names += [
            t("xlsx.lever_score", id=lever.id, title=lever.short_title),
            t("xlsx.lever_step", id=lever.id, title=lever.short_title),
        ]
    names.append(t("xlsx.completeness"))
    return names


def row(result: Result, pack: Pack) -> Row:
    """`convert` for the workbook (run in the batch's workers: only small values travel back)."""
    cells: list[Cell] = [
        _text(result.file or ""),
        _text(result.territory),
        _text(result.name or ""),
        role_label(result.role) if result.role else None,
        dt.date.fromisoformat(result.date) if result.date else None,
        score_value(result.overall.mean),
        result.overall.step,
    ]
    for axis in pack.axes:
        a = result.axes[axis.id]
        cells += [score_value(a.mean), a.step]
    for lever in pack.levers:
        lv = result.levers[lever.id]
        cells += [score_value(lv.mean), lv.step]
    cells.append(round(result.completeness * 100))
    means = [
        result.overall.mean,
        *(result.axes[a.id].mean for a in pack.axes),
        *(result.levers[lv.id].mean for lv in pack.levers),
    ]
    ratios = tuple(None if m is None else (m.numerator, m.denominator) for m in means)
    return Row(tuple(cells), result.role, ratios, result.comments)


def _text(value: str) -> str:
    return _CONTROL.sub("", value)


class _Means:
    """Sums and counts per role, exact, as rows stream by: memory is a few numbers per role and lever.

    Scores are fractions with few denominators (a lever's mean has its number of answers below
    the line): numerators are summed per denominator, in integers, and made one fraction at the
    end, which is exact and much faster than adding 300 000 `Fraction`s.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.sums: dict[str, list[dict[int, int]]] = {}
        self.counts: dict[str, list[int]] = {}
        self.people: dict[str, int] = {}

    def add(self, role: str, values: Sequence[Ratio | None]) -> None:
        sums = self.sums.get(role)
        if sums is None:
            sums = self.sums[role] = [{} for _ in range(self.size)]
            self.counts[role] = [0] * self.size
        counts = self.counts[role]
        self.people[role] = self.people.get(role, 0) + 1
        for i, value in enumerate(values):
            if value is not None:
                num, den = value
                by_den = sums[i]
                by_den[den] = by_den.get(den, 0) + num
                counts[i] += 1

    def mean(self, role: str, index: int) -> float | None:
        count = self.counts.get(role, [0] * self.size)[index]
        if not count:
            return None
        total = sum((Fraction(num, den) for den, num in self.sums[role][index].items()), Fraction(0))
        return score_value(total / count)


ALL = "*"


def write_workbook(
    rows: Iterable[Row], stream: IO[bytes], pack: Pack, *, comment_role_min: int = COMMENT_ROLE_MIN
) -> int:
    """Write the workbook of `rows` as they come; returns the number of respondents.

    `comment_role_min`: the anonymity rule's K, a comment's role is shown only for a role of K people."""
    from openpyxl import Workbook  # type: ignore[import-untyped]

    with temporary_work():  # openpyxl's write-only sheets live in the temporary folder
        return _build(Workbook(write_only=True), rows, stream, pack, comment_role_min)


class OutputFailed(Exception):
    """Writing the finished workbook out failed: the caller's file, not the temporary folder."""

    def __init__(self, error: OSError) -> None:
        super().__init__(error)
        self.error = error


def _build(wb: Any, rows: Iterable[Row], stream: IO[bytes], pack: Pack, comment_role_min: int) -> int:
    size = 1 + len(pack.axes) + len(pack.levers)
    means = _Means(size)
    ws = wb.create_sheet(t("xlsx.sheet_scores"))
    titles = [typeset(title) for title in header(pack)]
    widths = [_WIDE.get(i, _NUMBER_WIDTH) for i in range(len(titles))]
    _columns(ws, widths)
    ws.freeze_panes = "C2"
    ws.row_dimensions[1].height = row_height(titles, widths, 0.8)
    _print(ws, pages_wide=SCORES_PAGES_WIDE)  # before the first row: write-only mode writes the sheet's properties then
    ws.print_title_cols = "A:B"
    ws.append(_head_cells(ws, titles))
    date_style = _date_style(ws)
    count = 0
    said: list[tuple[str, str, str]] = []  # (question, text, role)
    for item in rows:
        ws.append(_cells(ws, item.cells, date_style))
        means.add(ALL, item.means)
        means.add(item.role or "sans-role", item.means)
        said.extend((qid, text, item.role or "sans-role") for qid, text in item.comments)
        count += 1
    ws.auto_filter.ref = f"A1:{_letter(len(titles))}{count + 1}"
    _levers_sheet(wb, pack)
    _roles_sheet(wb, pack, means)
    _staircase_sheet(wb, pack)
    _comments_sheet(wb, pack, said, means.people, comment_role_min)
    # Built aside, then copied: a closed pipe or a full disk then fails in our hands, not inside
    # openpyxl's half-written zip (which would leave its generators to complain at exit).
    with tempfile.SpooledTemporaryFile(max_size=8 << 20) as built:
        wb.save(built)
        built.seek(0)
        try:
            shutil.copyfileobj(built, stream)
        except OSError as exc:  # the output, not the temporary folder: said by open_output
            raise OutputFailed(exc) from None
    return count


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

    return str(get_column_letter(index))


def _columns(ws: Any, widths: Sequence[float]) -> None:
    for index, width in enumerate(widths, 1):
        ws.column_dimensions[_letter(index)].width = width


def _head_cells(ws: Any, titles: Sequence[str]) -> list[Any]:
    from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
    from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped]

    bold, fill = Font(name="Calibri", size=11, bold=True), PatternFill("solid", fgColor="DDE4EE")
    wrap = Alignment(wrap_text=True, vertical="top")
    out = []
    for title in titles:
        cell = WriteOnlyCell(ws, value=title)
        cell.data_type = "s"
        cell.font, cell.fill, cell.alignment = bold, fill, wrap
        out.append(cell)
    return out


def _date_style(ws: Any) -> Any:
    """The style of a French date cell, made once and shared by every date of the sheet."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=dt.date(2000, 1, 1))
    cell.number_format = "DD/MM/YYYY"
    return cell._style


def _cells(ws: Any, values: Sequence[Cell], date_style: Any) -> list[Any]:
    """Text as string cells (never a formula, no `'`), dates as dates, numbers as numbers.

    openpyxl takes a string starting with « = » for a formula and « #N/A » for an error: those
    get a cell typed as text; every other value goes as it is (the fast path of write-only mode).
    """
    from openpyxl.cell import WriteOnlyCell

    out: list[Any] = list(values)
    for index, value in enumerate(values):
        if isinstance(value, str) and (value.startswith("=") or value in _ERROR_CODES):
            cell = WriteOnlyCell(ws, value=value)
            cell.data_type = "s"
            out[index] = cell
        elif isinstance(value, dt.date):
            cell = WriteOnlyCell(ws, value=value)
            cell._style = date_style
            out[index] = cell
    return out


_ERROR_CODES = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")


def _print(ws: Any, *, pages_wide: int = 1) -> None:
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = pages_wide
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.oddFooter.center.text = t("xlsx.footer")


def _sheet(
    wb: Any,
    name: str,
    titles: Sequence[str],
    widths: Sequence[float],
    rows: Iterable[Sequence[Any]],
    *,
    height: float | None = None,
) -> None:
    """A small sheet of the workbook: bold header, filter, frozen header, wrapped text, A4 landscape."""
    ws = _headed_sheet(wb, name, titles, widths)
    count = 0
    for values in rows:  # content of the pack: typeset as every output
        count += 1
        values = [typeset(v) if isinstance(v, str) else v for v in values]
        ws.row_dimensions[count + 1].height = max(height or 0, row_height(values, widths, 1.0))
        ws.append([_top(ws, v) for v in values])
    ws.auto_filter.ref = f"A1:{_letter(len(titles))}{count + 1}"


def _headed_sheet(wb: Any, name: str, titles: Sequence[str], widths: Sequence[float]) -> Any:
    """A new sheet with its columns, frozen bold header (typeset) and A4 landscape printing."""
    ws = wb.create_sheet(name)
    _columns(ws, widths)
    ws.freeze_panes = "A2"
    _print(ws)
    typeset_titles = [typeset(title) for title in titles]
    ws.row_dimensions[1].height = row_height(typeset_titles, widths, 0.8)
    ws.append(_head_cells(ws, typeset_titles))
    return ws


def _top(ws: Any, value: Any) -> Any:
    """A cell of a small sheet: text wrapped and typed as text, everything aligned to the top."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment

    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def _levers_sheet(wb: Any, pack: Pack) -> None:
    titles = [t("xlsx.lever_id"), t("xlsx.lever_title"), t("xlsx.lever_short"), t("xlsx.axis"), t("xlsx.questions")]
    rows = [
        (lever.id, lever.title, lever.short_title, pack.axis(lever.axis).title, len(pack.questions_for(lever.id)))
        for lever in pack.levers
    ]
    _sheet(wb, t("xlsx.sheet_levers"), titles, (8, 60, 28, 36, 11), rows, height=30)


def _roles_sheet(wb: Any, pack: Pack, means: _Means) -> None:
    roles = [r for r in (*ROLES, "sans-role") if r in means.people]
    titles = [t("xlsx.lever_id"), t("xlsx.lever_title"), t("xlsx.mean"), t("xlsx.respondents")]
    titles += [t("xlsx.role_mean", role=role_group(r)) for r in roles]
    labels = [(t("xlsx.overall_id"), t("xlsx.overall"))]
    labels += [(axis.id, t("xlsx.axis_row", title=axis.title)) for axis in pack.axes]
    labels += [(lever.id, lever.title) for lever in pack.levers]
    rows = []
    for index, (key, title) in enumerate(labels):
        count = means.counts.get(ALL, [0] * means.size)[index]
        rows.append([key, title, means.mean(ALL, index), count, *(means.mean(r, index) for r in roles)])
    _sheet(wb, t("xlsx.sheet_roles"), titles, (12, 60, 11, 12, *([16] * len(roles))), rows, height=30)


def _staircase_sheet(wb: Any, pack: Pack) -> None:
    titles = [t("xlsx.step"), t("xlsx.step_label"), t("xlsx.step_description")]
    rows = [(s.level, s.label.text, s.description.text) for s in pack.staircase]
    _sheet(wb, t("xlsx.sheet_staircase"), titles, (9, 30, 90), rows, height=45)


def _comments_sheet(
    wb: Any, pack: Pack, said: list[tuple[str, str, str]], people: dict[str, int], role_min: int
) -> None:
    """« Commentaires »: by lever and question, in questionnaire order; text kept as typed (never a formula)."""
    order = {q.id: i for i, q in enumerate(pack.questions)}
    said.sort(key=lambda c: order.get(c[0], len(order)))
    titles = [t("xlsx.lever_id"), t("xlsx.question_id"), t("xlsx.question_text"), t("xlsx.comment"), t("xlsx.role")]
    widths = (8, 9, 50, 70, 22)
    ws = _headed_sheet(wb, t("xlsx.sheet_comments"), titles, widths)
    for number, (qid, text, role) in enumerate(said, 2):
        question = pack.question(qid) if qid in order else None
        shown = role_group(role) if role != "sans-role" and people.get(role, 0) >= role_min else None
        values = [
            question.lever if question else "",
            qid,
            typeset(question.text) if question else "",
            _text(text),  # as typed: typed as a string cell, never read as a formula
            shown,
        ]
        ws.row_dimensions[number].height = row_height([v or "" for v in values], widths, 1.0)
        ws.append([_top(ws, v) for v in values])
    ws.auto_filter.ref = f"A1:{_letter(len(titles))}{len(said) + 1}"
