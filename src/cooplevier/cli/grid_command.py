"""`cooplevier import`: a filled answer grid becomes one answer file per respondent."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cooplevier.cli.app import ContentOpt, ForceOpt, command, load, with_option_files
from cooplevier.errors import CooplevierError, ExitCode, UsageError
from cooplevier.messages import t, tn


@command(name="import", help=t("help.import"))
def import_grid(
    grids: Annotated[list[Path], typer.Argument(metavar=t("metavar.grids"), help=t("help.import.grids"))],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar=t("metavar.folder"), help=t("help.import.output"))
    ] = None,
    force: ForceOpt = False,
    content: ContentOpt = None,
) -> ExitCode:
    from cooplevier.cli.console import message
    from cooplevier.content.dump import dump_answers
    from cooplevier.content.grid import GridRefusal, is_grid, read_grid
    from cooplevier.content.plan.plan_sheet import is_plan_workbook
    from cooplevier.files import atomic_write
    from cooplevier.writelock import writing

    if any(is_plan_workbook(grid) for grid in grids):  # the plan workbook of `plan --format xlsx`
        from cooplevier.cli.cooperation.plan_files import import_plans

        return import_plans(grids, output, force=force, content=content)
    for grid in grids:
        if not is_grid(grid):
            raise UsageError(t("import.not_grid"), file=grid)
    folder = output or Path(".")
    if folder.exists() and not folder.is_dir():
        raise UsageError(t("import.output_not_dir"), file=folder)
    inputs = list(with_option_files(grids))  # no answer file is ever written over a grid or the pack
    pack = load(content)
    refused = written = 0
    taken: set[str] = set()
    for grid in grids:
        try:
            items = read_grid(grid, pack).items
        except CooplevierError as exc:
            message(exc.located())
            refused += 1
            continue
        if not items:
            message(CooplevierError(t("import.nothing"), file=grid).located())
            refused += 1
        for item in items:
            if isinstance(item, GridRefusal):
                message(item.message)
                refused += 1
                continue
            af = item.answers
            for warning in af.warnings:
                message(warning)
            target = folder / _file_name(af.territory, af.name, item.column, taken)
            if target.exists() and not force:
                message(CooplevierError(t("import.exists", source=item.label), file=target).located())
                refused += 1
                continue
            try:
                _make_folder(folder)
                with writing(target, "cooplevier import", message):  # never under assess or a workshop
                    text = dump_answers(af, comments=[t("import.origin", source=item.label)])
                    atomic_write(target, text, force=force, inputs=inputs)
            except CooplevierError as exc:
                message(exc.located())
                refused += 1
                continue
            written += 1
            print(tn("import.written", len(af.answers), source=item.label, file=target), flush=True)
    message(tn("import.summary", written))
    if refused:
        message(tn("import.refused", refused))
        return ExitCode.FAILED
    return ExitCode.OK


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
