"""Reading a filled answer grid (XLSX, ODS, CSV) into one answer file per respondent column.

The grid's layout is the contract's ("Answer grid"): keys in column A, one respondent per column
from D. A column is read strictly: every refused cell is named `FILE:Sheet!CELL: message`, and a
column with a refused cell gives no answer file, while the good columns still do. Answers are kept
exactly as typed; spellings are tolerant of case, accents and the usual short forms.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cooplevier.content.answers import GRID_SUFFIXES, SPECIAL_WORDS, Answer, AnswerFile, Value, not_asked, text_problem
from cooplevier.content.model import ROLES, STRUCTURES, Pack, Role, Structure
from cooplevier.errors import CooplevierError
from cooplevier.messages import role_choice, role_group, role_label, t

if TYPE_CHECKING:  # the readers (zip, XML, openpyxl) are imported only when a grid is read
    from cooplevier.content.sheets import CellValue, Sheet

SUFFIXES = GRID_SUFFIXES
META_KEYS = ("territory", "name", "role", "date", "structure")
FIRST_COLUMN = 3  # D, counted from 0
_QUESTION_ID = re.compile(r"^L\d+\.Q\d+$", re.IGNORECASE)
_META_ALIASES = {
    "territory": "territory", "territoire": "territory",
    "name": "name", "nom": "name",
    "role": "role",
    "date": "date",
    "structure": "structure",
}  # fmt: skip
_UNKNOWN_IN_A_CELL = ("?",)  # in assess, « ? » asks for help


def is_grid(path: Path) -> bool:
    """Whether `path` names a spreadsheet that `import`, `score`, `report` and `validate` read as a grid."""
    return path.suffix.lower() in SUFFIXES


@dataclass(frozen=True)
class GridColumn:
    """One respondent column read without error: its answer file, and where it came from."""

    label: str  # FILE:Sheet!D
    file: str
    column: str
    answers: AnswerFile

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True)
class GridRefusal:
    """A column (or a row key) that could not be read: its located message lines."""

    label: str
    message: str


@dataclass(frozen=True)
class Grid:
    """A grid read: its good columns and its refusals, in column order."""

    file: str
    sheet: str
    items: tuple[GridColumn | GridRefusal, ...] = field(default=())


def column_letter(index: int) -> str:
    """`0` → `A`, `25` → `Z`, `26` → `AA`."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def fold(text: str) -> str:
    """Text compared without case, accents, extra spaces or a middle dot: « Élu·e » → `elu e`."""
    text = unicodedata.normalize("NFKD", text.replace("·", " ").replace("’", "'"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " ".join(text.replace("-", " ").replace("_", " ").split())


@dataclass(frozen=True, slots=True)
class Rejected:
    """A cell that holds no accepted answer, with the text to quote in the refusal."""

    shown: str


def answer_value(raw: CellValue) -> Value | Rejected | None:
    """An answer cell: 1–5, `na`, `unknown`, None (empty), or `Rejected`."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, (bool, dt.date, dt.datetime)):
        return _shown(raw)
    if isinstance(raw, (int, float)):
        return int(raw) if float(raw).is_integer() and 1 <= raw <= 5 else _shown(raw)
    folded = fold(raw)
    if folded in ("1", "2", "3", "4", "5", "1.0", "2.0", "3.0", "4.0", "5.0", "1,0", "2,0", "3,0", "4,0", "5,0"):
        return int(folded[0])
    if folded in SPECIAL_WORDS:
        return SPECIAL_WORDS[folded]
    if folded == fold(t("answer.na")):
        return "na"
    if folded in _UNKNOWN_IN_A_CELL or folded == fold(t("answer.unknown")):
        return "unknown"
    return _shown(raw)


def _shown(raw: CellValue) -> Rejected:
    """A refused cell as the spreadsheet showed it, in French: 4,5 · VRAI · 03/02/2025."""
    if isinstance(raw, bool):
        text = t("grid.cell_true") if raw else t("grid.cell_false")
    elif isinstance(raw, dt.datetime):
        text = raw.strftime("%d/%m/%Y %H:%M") if raw.time() != dt.time() else raw.strftime("%d/%m/%Y")
    elif isinstance(raw, dt.date):
        text = raw.strftime("%d/%m/%Y")
    elif isinstance(raw, float):
        text = (str(int(raw)) if raw.is_integer() else repr(raw)).replace(".", ",")
    else:
        text = str(raw).strip()
    return Rejected(text if len(text) <= 40 else text[:39] + "…")


def _cell_order(problem: str) -> tuple[int, str]:
    """A refusal `FILE:Sheet!E12: …` placed by its row (12), for messages in the sheet's order."""
    found = re.search(r"![A-Z]+(\d+):", problem)
    return (int(found.group(1)) if found else 0, problem)


def role_of(raw: str) -> Role | None:
    """A role by id or by any of its labels (« élu·e », « Élu·es », « Technicienne »…)."""
    folded = fold(raw)
    for role in ROLES:
        names = {fold(role), fold(role_label(role)), fold(role_group(role)), fold(role_choice(role))}
        if folded in names:
            return role
    return _ROLE_WORDS.get(folded)


# Other spellings of the roles met in a grid (folded). An input vocabulary, not displayed text.
_ROLE_WORDS: dict[str, Role] = {
    "elue": "elu", "elus": "elu", "elues": "elu", "elu(e)": "elu", "elu(e)s": "elu",
    "elu e": "elu", "elu es": "elu", "elus es": "elu",  # « élu·e », « élu·es », « élus·es »
    "technicienne": "technicien", "techniciens": "technicien", "techniciennes": "technicien",
    "technicien ne": "technicien", "technicien nes": "technicien", "technicien(ne)": "technicien",
    "techniciens nes": "technicien", "technicien(ne)s": "technicien",
    "societe civile": "societe-civile",
    "partenaires": "partenaire",
    "autres": "autre",
}  # fmt: skip


def read_grid(path: Path, pack: Pack, *, label: str | None = None) -> Grid:
    """Read the grid in `path`: one `GridColumn` per good respondent column, a refusal per bad one.

    A file that is not a readable spreadsheet, or has no grid in it, raises `CooplevierError`.
    """
    from cooplevier.content.sheets import read_sheets

    file = label or str(path)
    sheets = read_sheets(path)
    sheet, notes = _grid_sheet(sheets)
    if sheet is None:
        raise CooplevierError(t("grid.no_sheet", sheet=t("grid.sheet")), file=file)
    grid = _GridReader(file, sheet, pack).read()
    first = next((i for i, item in enumerate(grid.items) if isinstance(item, GridColumn)), None)
    if notes and first is not None:  # said once, with the first good column (commands print its warnings)
        col = grid.items[first]
        assert isinstance(col, GridColumn)
        af = dataclasses.replace(col.answers, warnings=(*(f"{file}: {n}" for n in notes), *col.answers.warnings))
        items = (*grid.items[:first], dataclasses.replace(col, answers=af), *grid.items[first + 1 :])
        grid = dataclasses.replace(grid, items=items)
    return grid


def _grid_sheet(sheets: Sequence[Sheet]) -> tuple[Sheet | None, list[str]]:
    """The sheet to read (`sheets.choose_sheet`: never a hidden one, a choice said)."""
    from cooplevier.content.sheets import choose_sheet

    sheet_name = fold(t("grid.sheet"))

    def named(sheet: Sheet) -> bool:  # « Réponses », or Excel's copy « Réponses (2) »
        name = fold(sheet.name)
        return name == sheet_name or bool(re.fullmatch(re.escape(sheet_name) + r" \(\d+\)", name))

    def holds_keys(sheet: Sheet) -> bool:
        return any(row and isinstance(row[0], str) and _key_of(row[0]) for row in sheet.rows)

    return choose_sheet(sheets, named, holds_keys, exact=lambda sheet: fold(sheet.name) == sheet_name)


def _key_of(raw: str) -> str | None:
    text = raw.strip()
    if _QUESTION_ID.match(text):
        return text.upper()
    return _META_ALIASES.get(fold(text))


class _GridReader:
    """One grid sheet: key rows found once, then each respondent column read on its own."""

    def __init__(self, file: str, sheet: Sheet, pack: Pack) -> None:
        self.file, self.sheet, self.pack = file, sheet, pack
        self.keys: list[tuple[int, str]] = []  # (row index, key)
        self.errors: list[GridRefusal] = []
        self.bad_rows: list[int] = []  # refused key rows: a column with a value on one writes no file

    def where(self, row: int, col: int) -> str:
        return f"{self.file}:{self.sheet.name}!{column_letter(col)}{row + 1}"

    def cell(self, row: int, col: int) -> CellValue:
        cells = self.sheet.rows[row]
        return cells[col] if col < len(cells) else None

    def read(self) -> Grid:
        seen: dict[str, int] = {}
        for index, row in enumerate(self.sheet.rows):
            raw = row[0] if row else None
            key = _key_of(raw) if isinstance(raw, str) else None
            if key is None:  # the header row, a title, a note… or a key mistyped over answers
                header = fold(t("grid.head_key"))
                if isinstance(raw, str) and fold(raw) != header and any(map(self._filled, row[FIRST_COLUMN:])):
                    self._refuse(index, 0, t("grid.unknown_key", key=raw.strip()[:40], keys=", ".join(META_KEYS)))
                continue
            if key in seen:
                first = self.where(seen[key], 0).rsplit("!", 1)[1]
                self._refuse(index, 0, t("grid.duplicate_key", key=key, first=first))
                continue
            seen[key] = index
            if _QUESTION_ID.match(key) and not self.pack.has_question(key):
                self._refuse(index, 0, t("answers.unknown_question", id=key, pack=self.pack.ref))
                continue
            self.keys.append((index, key))
        if not any(_QUESTION_ID.match(key) for _, key in self.keys):
            raise CooplevierError(t("grid.no_questions", sheet=self.sheet.name), file=self.file)
        width = max((len(self.sheet.rows[row]) for row, _ in self.keys), default=0)
        items: list[GridColumn | GridRefusal] = list(self.errors)
        for col in range(FIRST_COLUMN, width):
            # the structure row may come filled in (questions --structure): it makes no respondent
            if any(self._filled(self.cell(row, col)) for row, key in self.keys if key != "structure"):
                items.append(self._column(col))
        return Grid(self.file, self.sheet.name, tuple(items))

    def _refuse(self, row: int, col: int, message: str) -> None:
        self.errors.append(GridRefusal(self.where(row, col), f"{self.where(row, col)}: {message}"))
        self.bad_rows.append(row)

    @staticmethod
    def _filled(value: CellValue) -> bool:
        return value is not None and not (isinstance(value, str) and not value.strip())

    def _column(self, col: int) -> GridColumn | GridRefusal:
        problems: list[str] = []
        meta: dict[str, CellValue] = {}
        answers: dict[str, Answer] = {}
        for row, key in self.keys:
            raw = self.cell(row, col)
            if key in META_KEYS:
                meta[key] = raw
                continue
            value = answer_value(raw)
            if isinstance(value, Rejected):
                problem = t("grid.bad_answer", value=value.shown, id=key)
                problems.append(f"{self.where(row, col)}: {problem}")
            elif value is not None:
                answers[key] = Answer(value, None, row + 1)
        rows = {row for row, _ in self.keys}
        for r0, c0, r1, c1 in self.sheet.merged:  # one value over several cells: which ones it answers is a guess
            if c0 <= col <= c1 and any(r0 <= row <= r1 for row in rows):
                span = f"{column_letter(c0)}{r0 + 1}:{column_letter(c1)}{r1 + 1}"
                problems.append(f"{self.where(r0, c0)}: " + t("grid.merged", range=span))
        for row in self.bad_rows:  # an answer typed on a refused row would be lost: the column waits
            if self._filled(self.cell(row, col)):
                first = self.where(row, 0).rsplit("!", 1)[1]
                problems.append(f"{self.where(row, col)}: " + t("grid.on_refused_row", cell=first))
        territory = self._text(meta, "territory", col, problems, required=True)
        name = self._text(meta, "name", col, problems)
        role = self._choice(meta, "role", col, problems)
        structure = self._choice(meta, "structure", col, problems)
        date = self._date(meta, col, problems)
        label = f"{self.file}:{self.sheet.name}!{column_letter(col)}"
        if problems:  # said top to bottom, as the sheet reads (the identity rows first)
            return GridRefusal(label, "\n".join(sorted(problems, key=_cell_order)))
        asked = {key for _, key in self.keys if key not in META_KEYS}
        short = {q.id for q in self.pack.form(structure, "short")}  # type: ignore[arg-type]
        full = {q.id for q in self.pack.form(structure)}  # type: ignore[arg-type]
        form = "short" if asked == short and short != full else None
        row_of = {key: row for row, key in self.keys}
        warnings = tuple(
            f"{self.where(row_of[qid], col)}: " + t("warning.line", note=note)
            for qid, note in not_asked(answers, self.pack, structure, form)
        )
        raw_territory = meta.get("territory")
        if isinstance(raw_territory, (int, float)) and not isinstance(raw_territory, bool):  # 01053 typed as 1053
            at = self.where(row_of["territory"], col)
            warnings = (f"{at}: " + t("warning.line", note=t("grid.territory_number", value=territory)), *warnings)
        af = AnswerFile(
            territory=territory or "",
            answers=answers,
            name=name,
            role=role,  # type: ignore[arg-type]
            date=date,
            content=self.pack.ref,
            structure=structure,  # type: ignore[arg-type]
            form=form,  # type: ignore[arg-type]
            path=label,
            warnings=warnings,
        )
        return GridColumn(label, self.file, column_letter(col), af)

    def _row_of(self, key: str) -> int | None:
        return next((row for row, k in self.keys if k == key), None)

    def _text(
        self, meta: dict[str, CellValue], key: str, col: int, problems: list[str], *, required: bool = False
    ) -> str | None:
        raw = meta.get(key)
        row = self._row_of(key)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if required:
                at = self.where(row, col) if row is not None else f"{self.file}:{self.sheet.name}!{column_letter(col)}"
                problems.append(f"{at}: " + t("grid.missing_territory"))
            return None
        if isinstance(raw, (dt.date, dt.datetime)):  # the spreadsheet took it for a date: never guessed back
            problems.append(f"{self.where(row or 0, col)}: " + t("grid.text_is_date", value=_shown(raw).shown))
            return None
        text = str(int(raw)) if isinstance(raw, float) and raw.is_integer() else str(raw)
        problem = text_problem(text)
        if problem is not None:
            problems.append(f"{self.where(row or 0, col)}: {problem}")
            return None
        return text

    def _choice(self, meta: dict[str, CellValue], key: str, col: int, problems: list[str]) -> str | None:
        raw = meta.get(key)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        row = self._row_of(key) or 0
        if key == "role":
            found: str | None = role_of(str(raw))
            allowed = ", ".join(ROLES)
        else:
            found = _structure_of(str(raw), self.pack)
            allowed = ", ".join(STRUCTURES)
        if found is None:
            problem = t("grid.bad_choice", value=_shown(raw).shown, allowed=allowed)
            problems.append(f"{self.where(row, col)}: {problem}")
        return found

    def _date(self, meta: dict[str, CellValue], col: int, problems: list[str]) -> dt.date | None:
        raw = meta.get("date")
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        day = date_of(raw)
        if day is None:
            row = self._row_of("date") or 0
            problem = t("grid.bad_date", value=_shown(raw).shown)
            problems.append(f"{self.where(row, col)}: {problem}")
        return day


def _structure_of(raw: str, pack: Pack) -> Structure | None:
    folded = fold(raw)
    for structure in STRUCTURES:
        kind = pack.structure_type(structure)
        if folded == fold(structure) or (kind is not None and folded == fold(kind.label)):
            return structure
    return None


_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")


def date_of(raw: CellValue) -> dt.date | None:
    """A date cell: a real date, ISO text (2026-11-25) or French text (25/11/2026)."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    try:
        if match := _DMY.match(text):
            return dt.date(int(match[3]), int(match[2]), int(match[1]))
        return dt.date.fromisoformat(text[:10]) if len(text) in (10, 19) else None
    except ValueError:
        return None
