"""The answer grid (`questions --format xlsx`): one workbook that is both the paper form and the input
of `cooplevier import`.

Layout (contracts.md, "Answer grid"): sheet `Réponses`, column A the keys (`territory`, `name`,
`role`, `date`, `structure`, then one question id per row, in questionnaire order), B the question,
C its five choices in short, one respondent per column from D. Answer cells carry a drop-down list
and accept a single key (`1`–`5`, `n`, `x`), so typing one paper form back is 44 keystrokes and
44 arrow presses. Every row is derived from the pack: no question id or count is written here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import IO, Any

from cooplevier.content.grid import META_KEYS
from cooplevier.content.model import ROLES, STRUCTURES, Pack, Question, Structure
from cooplevier.messages import t
from cooplevier.typography import typeset

RESPONDENTS = 12  # answer columns prepared: a workshop table or two; more can be added by hand
FIRST = 4  # column D
_WIDTHS = {"A": 10.0, "B": 46.0, "C": 88.0}
_ANSWER_WIDTH = 8.5
PRINTED = 1  # answer columns on the printed page: the paper form is one person's
_PAPER_WIDTH = 18.0  # that column: room to write a territory and a name by hand
_LINE_PT = 12.0
_HELP_WIDTH = 110.0
SHORT_CHOICE = 150  # characters of a choice kept in column C; the full text is on sheet « Choix »


def short_choice(label: str) -> str:
    """A choice cut to its first clause (before « ; » or « : »), else to SHORT_CHOICE characters."""
    for mark in (" ; ", "; ", " : "):
        head = label.split(mark, 1)[0]
        if 25 <= len(head) < len(label):
            label = head
            break
    if len(label) <= SHORT_CHOICE:
        return label
    return label[: SHORT_CHOICE - 1].rsplit(" ", 1)[0] + "…"


def write_grid(stream: IO[bytes], pack: Pack, *, structure: Structure | None = None, short: bool = False) -> None:
    """Write the answer grid of the questions asked to `structure` (or all), full or short form."""
    from openpyxl import Workbook  # type: ignore[import-untyped]

    questions = pack.form(structure, "short" if short else None)
    if not questions:
        from cooplevier.errors import CooplevierError

        raise CooplevierError(t("questions.empty_form"))
    wb = Workbook()
    ws = wb.active
    ws.title = t("grid.sheet")
    _answers_sheet(ws, pack, questions, structure)
    _help_sheet(wb.create_sheet(t("grid.sheet_help")), pack)
    _choices_sheet(wb.create_sheet(t("grid.sheet_choices")), questions)
    wb.active = 0
    wb.properties.title = t("grid.title", title=pack.meta.title)
    wb.properties.language = "fr-FR"
    wb.save(stream)


def _styles() -> dict[str, Any]:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side  # type: ignore[import-untyped]

    thin = Side(style="thin", color="808080")
    return {
        "bold": Font(name="Calibri", size=11, bold=True),
        "small": Font(name="Calibri", size=8),
        "head_fill": PatternFill("solid", fgColor="DDE4EE"),
        "meta_fill": PatternFill("solid", fgColor="F3F5F8"),
        "answer_fill": PatternFill("solid", fgColor="FFFFFF"),
        "wrap": Alignment(wrap_text=True, vertical="top"),
        "center": Alignment(horizontal="center", vertical="center"),
        "box": Border(left=thin, right=thin, top=thin, bottom=thin),
    }


def _answers_sheet(ws: Any, pack: Pack, questions: Sequence[Question], structure: Structure | None) -> None:
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

    s = _styles()
    last_col = FIRST + RESPONDENTS - 1
    head = [t("grid.head_key"), t("grid.head_question"), t("grid.head_choices")]
    head += [t("grid.head_respondent", n=i) for i in range(1, RESPONDENTS + 1)]
    for col, text in enumerate(head, 1):
        cell = ws.cell(row=1, column=col, value=typeset(text))
        cell.font, cell.fill, cell.alignment, cell.border = s["bold"], s["head_fill"], s["wrap"], s["box"]
    meta_labels = {
        "territory": t("grid.meta_territory"),
        "name": t("grid.meta_name"),
        "role": t("grid.meta_role"),
        "date": t("grid.meta_date"),
        "structure": t("grid.meta_structure"),
    }
    meta_help = {
        "territory": t("grid.meta_territory_help"),
        "name": t("grid.meta_name_help"),
        "role": t("grid.meta_role_help", roles=", ".join(ROLES)),
        "date": t("grid.meta_date_help"),
        "structure": t("grid.meta_structure_help", structures=", ".join(STRUCTURES)),
    }
    for row, key in enumerate(META_KEYS, 2):
        ws.cell(row=row, column=1, value=key).font = s["bold"]
        ws.cell(row=row, column=2, value=typeset(meta_labels[key])).font = s["bold"]
        ws.cell(row=row, column=3, value=typeset(meta_help[key])).font = s["small"]
        for col in range(1, last_col + 1):
            cell = ws.cell(row=row, column=col)
            cell.border, cell.alignment = s["box"], s["wrap"]
            if col < FIRST:
                cell.fill = s["meta_fill"]
            elif key == "territory":
                cell.number_format = "@"  # an INSEE code such as 01053 stays text
            elif key == "date":
                cell.number_format = "DD/MM/YYYY"
            elif key == "structure" and structure is not None:
                cell.value = structure
    first_q = 2 + len(META_KEYS)
    for row, q in enumerate(questions, first_q):
        choices = "\n".join(f"{c.level} · {typeset(short_choice(c.label))}" for c in q.choices)
        choices += "\n" + typeset(t("grid.choices_extra"))
        ws.cell(row=row, column=1, value=q.id).font = s["bold"]
        text = q.text
        if structure is None and tuple(q.applies_to) != tuple(STRUCTURES):  # the grid of every type
            text += "\n" + t("grid.only_for", structures=", ".join(q.applies_to))
        ws.cell(row=row, column=2, value=typeset(text))
        ws.cell(row=row, column=3, value=choices).font = s["small"]
        for col in range(1, last_col + 1):
            cell = ws.cell(row=row, column=col)
            cell.border = s["box"]
            cell.alignment = s["center"] if col >= FIRST else s["wrap"]
        ws.row_dimensions[row].height = _height(text, choices)
    last_row = first_q + len(questions) - 1
    for letter, width in _WIDTHS.items():
        ws.column_dimensions[letter].width = width
    for col in range(FIRST, last_col + 1):
        ws.column_dimensions[get_column_letter(col)].width = _ANSWER_WIDTH
    ws.column_dimensions[get_column_letter(FIRST)].width = _PAPER_WIDTH
    ws.row_dimensions[1].height = 30
    _validations(ws, first_q, last_row, last_col)
    ws.freeze_panes = ws.cell(row=2, column=FIRST)
    _print_layout(ws, last_row, last_col, pack)


def wrapped_lines(text: str, width: float, per_unit: float = 1.05) -> int:
    """How many lines `text` takes, wrapped in a column `width` units wide (about `per_unit`
    characters of 11 pt Calibri per unit; 1.7 for 8 pt)."""
    return sum(math.ceil(max(1, len(line)) / (width * per_unit)) for line in text.splitlines() or [""])


def row_height(values: Sequence[object], widths: Sequence[float | None], per_unit: float = 1.05) -> float:
    """Points for a row of wrapped text in columns `widths` wide. Spreadsheets size rows on screen
    as text is typed, but a file written by a program is printed with the heights it carries:
    without them, LibreOffice and Excel print wrapped lines over one another."""
    lines = max(
        (wrapped_lines(v, w, per_unit) for v, w in zip(values, widths, strict=False) if w and isinstance(v, str)),
        default=1,
    )
    return lines * _LINE_PT * 1.25 + 4


def _fit_rows(ws: Any, widths: dict[str, float]) -> None:
    for row in ws.iter_rows():
        columns = [widths.get(cell.column_letter) for cell in row]
        ws.row_dimensions[row[0].row].height = row_height([cell.value for cell in row], columns)


def _height(text: str, choices: str) -> float:
    """Row height (points) for the wrapped question and choices: rows are printed as they are set."""
    question_lines = wrapped_lines(text, _WIDTHS["B"])
    # 11 pt questions hold about one character per unit of width, 8 pt choices 1.7
    choice_lines = wrapped_lines(choices, _WIDTHS["C"], 1.7)
    return max(question_lines * _LINE_PT * 1.15, choice_lines * 10.5) + 6


def _validations(ws: Any, first_q: int, last_row: int, last_col: int) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped]

    first, last = get_column_letter(FIRST), get_column_letter(last_col)

    def listed(values: Sequence[str], rows: str, prompt: str, title: str) -> None:
        dv = DataValidation(
            type="list",
            formula1='"' + ",".join(values) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",  # other spellings (na, nsp, « non concerné ») stay possible
            errorTitle=typeset(t("grid.error_title")),
            error=typeset(prompt),
            showInputMessage=True,
            promptTitle=typeset(title),
            prompt=typeset(prompt),
        )
        dv.add(rows)
        ws.add_data_validation(dv)

    listed(
        ("1", "2", "3", "4", "5", "n", "x"),
        f"{first}{first_q}:{last}{last_row}",
        t("grid.prompt_answer"),
        t("grid.prompt_title"),
    )
    role_row = 2 + META_KEYS.index("role")
    structure_row = 2 + META_KEYS.index("structure")
    listed(ROLES, f"{first}{role_row}:{last}{role_row}", t("grid.prompt_role"), t("grid.meta_role"))
    listed(
        STRUCTURES,
        f"{first}{structure_row}:{last}{structure_row}",
        t("grid.prompt_structure"),
        t("grid.meta_structure"),
    )


def _print_layout(ws: Any, last_row: int, last_col: int, pack: Pack) -> None:
    """A4 landscape, one page wide, the header row and the question columns on every page.

    The printed page is the paper form of one person (columns A to D), at full size; the other
    answer columns are for typing several forms back into one grid.
    """
    from openpyxl.utils import get_column_letter

    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.print_title_cols = "A:C"
    ws.print_area = f"A1:{get_column_letter(FIRST + PRINTED - 1)}{last_row}"
    ws.print_options.gridLines = False
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.8
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.oddFooter.center.text = t("grid.footer")  # "Page &P / &N"
    ws.oddHeader.left.text = t("grid.header", title=pack.meta.title)


def _help_sheet(ws: Any, pack: Pack) -> None:
    s = _styles()
    lines = [
        t("grid.help_title"),
        "",
        t("grid.help_columns"),
        t("grid.help_keys"),
        t("grid.help_empty"),
        t("grid.help_meta"),
        t("grid.help_import"),
        t("grid.help_score"),
        "",
        t("grid.help_staircase"),
    ]
    lines += [t("grid.help_step", level=step.level, label=step.label.text) for step in pack.staircase]
    lines += ["", t("grid.help_source", title=pack.meta.source.title, publisher=pack.meta.source.publisher)]
    for row, text in enumerate(lines, 1):
        cell = ws.cell(row=row, column=1, value=typeset(text))
        cell.alignment = s["wrap"]
    ws["A1"].font = s["bold"]
    ws.column_dimensions["A"].width = _HELP_WIDTH
    _fit_rows(ws, {"A": _HELP_WIDTH})
    _one_page_wide(ws)


def _choices_sheet(ws: Any, questions: Sequence[Question]) -> None:
    s = _styles()
    ws.append([t("grid.head_key"), t("grid.head_question"), t("grid.head_level"), t("grid.head_choice")])
    for cell in ws[1]:
        cell.font, cell.fill = s["bold"], s["head_fill"]
    for q in questions:
        for c in q.choices:
            ws.append([q.id, typeset(q.text) if c.level == 1 else "", c.level, typeset(c.label)])
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = s["wrap"]
    widths = {"A": 8.0, "B": 50.0, "C": 7.0, "D": 90.0}
    for letter, width in widths.items():
        ws.column_dimensions[letter].width = width
    _fit_rows(ws, widths)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:D{ws.max_row}"
    ws.print_title_rows = "1:1"
    _one_page_wide(ws)


def _one_page_wide(ws: Any) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
