"""`cooplevier import`: a filled answer grid becomes one answer file per respondent."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cooplevier.cli.app import ContentOpt, ForceOpt, command, load, print_json, with_option_files
from cooplevier.errors import CooplevierError, ExitCode, UsageError
from cooplevier.messages import t, tn

if TYPE_CHECKING:
    from cooplevier.content.grid import GridColumn
    from cooplevier.content.model import Pack


class ImportFormat(StrEnum):
    text = "text"
    json = "json"


@command(name="import", help=t("help.import"))
def import_grid(
    grids: Annotated[list[Path], typer.Argument(metavar=t("metavar.grids"), help=t("help.import.grids"))],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar=t("metavar.folder"), help=t("help.import.output"))
    ] = None,
    force: ForceOpt = False,
    content: ContentOpt = None,
    format: Annotated[ImportFormat, typer.Option("--format", "-f", help=t("help.import.format"))] = ImportFormat.text,
) -> ExitCode:
    from cooplevier.cli.console import message
    from cooplevier.content.plan.plan_sheet import is_plan_workbook

    if any(is_plan_workbook(grid) for grid in grids):  # the plan workbook of `plan --format xlsx`
        from cooplevier.cli.cooperation.plan_files import import_plans

        return import_plans(grids, output, force=force, content=content)
    folder = _check_grids(grids, output)
    inputs = list(with_option_files(grids))  # no answer file is ever written over a grid or the pack
    pack = load(content)
    run = _Import(folder, inputs, force=force, show=format is ImportFormat.text)
    for grid in grids:
        run.grid(grid, pack)
    if format is ImportFormat.json:
        print_json(run.summary)
    message(tn("import.summary", run.written))
    if run.refused:
        message(tn("import.refused", run.refused))
        return ExitCode.FAILED
    return ExitCode.OK


def _check_grids(grids: list[Path], output: Path | None) -> Path:
    """The refusals before any work: every file a grid, the output a folder. The folder."""
    from cooplevier.content.grid import is_grid

    for grid in grids:
        if not is_grid(grid):
            raise UsageError(t("import.not_grid"), file=grid)
    folder = output or Path(".")
    if folder.exists() and not folder.is_dir():
        raise UsageError(t("import.output_not_dir"), file=folder)
    return folder


class _Import:
    """One run of `import`: each respondent of each grid written, or said refused; counted for the summary."""

    def __init__(self, folder: Path, inputs: list[Path], *, force: bool, show: bool) -> None:
        self.folder, self.inputs, self.force, self.show = folder, inputs, force, show
        self.refused = self.written = 0
        self.taken: set[str] = set()
        self.summary: dict[str, list[dict[str, Any]]] = {"written": [], "kept": [], "refused": []}  # --format json

    def refuse(self, source: str, text: str) -> None:
        from cooplevier.cli.console import message

        message(text)
        self.summary["refused"].append({"source": source, "errors": text.splitlines()})
        self.refused += 1

    def grid(self, grid: Path, pack: Pack) -> None:
        from cooplevier.content.grid import GridRefusal, read_grid

        try:
            items = read_grid(grid, pack).items
        except CooplevierError as exc:
            self.refuse(str(grid), exc.located())
            return
        if not items:
            nothing = CooplevierError(t("import.nothing"), file=grid).located()
            self.refuse(str(grid), nothing)
        for item in items:
            if isinstance(item, GridRefusal):
                self.refuse(item.label, item.message)
            else:
                self.respondent(item)

    def respondent(self, item: GridColumn) -> None:
        from cooplevier.cli.console import message
        from cooplevier.content.dump import dump_answers
        from cooplevier.files import Output, publish
        from cooplevier.writelock import writing

        af = item.answers
        for warning in af.warnings:
            message(warning)
        target = self.folder / _file_name(af.territory, af.name, item.column, self.taken)
        if target.exists() and not self.force:
            message(CooplevierError(t("import.exists", source=item.label), file=target).located())
            self.summary["kept"].append({"file": str(target), "source": item.label, "reason": "exists"})
            self.refused += 1
            return
        try:
            _make_folder(self.folder)
            with writing(target, "cooplevier import", message):  # never under assess or a workshop
                text = dump_answers(af, comments=[t("import.origin", source=item.label)])
                publish(Output.of(text), str(target), inputs=self.inputs, force=self.force)
        except CooplevierError as exc:
            self.refuse(item.label, exc.located())
            return
        self.written += 1
        self.summary["written"].append({"file": str(target), "source": item.label, "answers": len(af.answers)})
        if self.show:
            print(tn("import.written", len(af.answers), source=item.label, file=target), flush=True)


def _make_folder(folder: Path) -> None:
    from cooplevier.errors import os_reason

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CooplevierError(t("file.write_failed", reason=os_reason(exc)), file=folder) from None


def _file_name(territory: str, name: str | None, column: str, taken: set[str]) -> str:
    """`reponses-<territoire>-<nom>.yaml`, letters, digits and dashes only: no folder can be named."""
    import itertools

    named = _slug(name or "")
    base = "reponses-" + "-".join([_slug(territory) or "territoire", named or column.lower()])
    # a name is never given twice in one run (two grids, one folder): --force replaces only what
    # was there before the run, never a respondent this run has just written
    first = [base, f"{base}-{column.lower()}"] if named else [base]
    later = (f"{first[-1]}-{n}" for n in itertools.count(2))
    for stem in itertools.chain(first, later):
        if stem not in taken:
            taken.add(stem)
            return stem + ".yaml"
    raise AssertionError  # pragma: no cover - the counter never ends


def _slug(text: str) -> str:
    import re
    import unicodedata

    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:40].strip("-")
