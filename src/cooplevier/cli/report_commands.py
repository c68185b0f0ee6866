"""Scores and reports: score, explain, report, compare.

Each command is the same pipeline: options (checked, with the output, before any work) → load the
pack and score the files once (`scoring`) → render (`report/outputs.py`: a value) → publish
(`files.publish`: every file of the output, never over an input). Large results stream instead.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar, cast

import typer

from cooplevier.cli.app import (
    ContentOpt,
    ForceOpt,
    OutputOpt,
    batch_outcome,
    command,
    load,
    pick_format,
    print_json,
    say_mixed,
    say_refused,
    with_option_files,
)
from cooplevier.errors import CooplevierError, ExitCode, UsageError
from cooplevier.messages import t, tn

V = TypeVar("V")

if TYPE_CHECKING:
    from rich.table import Table

    from cooplevier.content.grid import GridColumn
    from cooplevier.content.model import Pack
    from cooplevier.report.plan import Plan
    from cooplevier.scoring.outcomes import Convert, Item


class ScoreFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


_SCORE_SUFFIX = {
    ".txt": ScoreFormat.table,
    ".csv": ScoreFormat.csv,
    ".xlsx": ScoreFormat.xlsx,
    ".json": ScoreFormat.json,
}
_PROGRESS_MIN = 50  # files: below this a batch is over before a bar would help


def _separator(value: str) -> str:
    separator = "\t" if value in ("\\t", "tab", "tabulation") else value
    if len(separator) != 1 or separator in '"\r\n' or separator.isalnum():
        raise UsageError(t("batch.bad_separator", value=value))
    return separator


@command(help=t("help.score"))
def score(
    paths: Annotated[list[Path], typer.Argument(metavar=t("metavar.paths"), help=t("help.paths"))],
    format: Annotated[ScoreFormat | None, typer.Option("--format", "-f", help=t("help.score.format"))] = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
    separator: Annotated[
        str, typer.Option("--separator", metavar=t("metavar.char"), help=t("help.score.separator"))
    ] = ";",
    content: ContentOpt = None,
) -> ExitCode:
    from cooplevier.cli.app import check_output
    from cooplevier.cli.console import message
    from cooplevier.report import exports
    from cooplevier.scoring import batch

    format, sep = _score_options(format, output, separator)
    check_output(output, force=force)
    pack = load(content)
    convert = _converter(format, sep)
    scored = batch.run(
        paths, pack=pack, convert=convert, content_dir=content, on_refused=say_refused, on_warning=message
    )
    check_output(output, force=force, inputs=scored.inputs)
    rows = _with_progress(scored, len(scored.items), output)
    if format is ScoreFormat.table:
        from cooplevier.cli.tables import score_table

        _print_table(score_table(pack, cast("list[dict[str, object]]", list(rows))), output, force=force)
    else:  # streamed as the rows come: a batch of 10 000 files is never one string
        k = _comment_k(format, paths)
        exports.write_scores(rows, format.value, output, pack=pack, force=force, separator=sep, min_group=k)
    return batch_outcome(scored, lambda n, total: tn("batch.summary", n, total=total))


def _comment_k(format: ScoreFormat, paths: list[Path]) -> int | None:
    """The workbook's K for a comment's role, as `report` masks: a workshop folder's own, else 3."""
    if format is not ScoreFormat.xlsx:
        return None
    from cooplevier.scoring.circulate import default_min_group

    return default_min_group(paths)


def _score_options(format: ScoreFormat | None, output: str | None, separator: str) -> tuple[ScoreFormat, str]:
    chosen = pick_format(format, output, _SCORE_SUFFIX, terminal=ScoreFormat.table, piped=ScoreFormat.json)
    sep = _separator(separator)
    if chosen is ScoreFormat.xlsx and output is None:
        raise UsageError(t("batch.xlsx_needs_output"))
    if chosen is ScoreFormat.xlsx and output == "-" and sys.stdout.isatty():
        raise UsageError(t("batch.binary_to_tty"))
    return chosen, sep


def _converter(format: ScoreFormat, separator: str) -> Convert[object]:
    """What each worker makes of a result for this format: a CSV line, a workbook row, a dict."""
    import functools

    from cooplevier.report import exports
    from cooplevier.report.office import workbook
    from cooplevier.scoring import batch

    if format is ScoreFormat.csv:
        return functools.partial(exports.csv_cells, decimal=exports.decimal_for(separator))
    return workbook.row if format is ScoreFormat.xlsx else batch.as_dict


def _print_table(table: Table, output: str | None, *, force: bool) -> None:
    """A table: on the terminal, or as plain text in a file."""
    from cooplevier.cli.console import console, plain_text
    from cooplevier.files import write_output

    if output in (None, "-"):
        console().print(table)
    else:
        write_output(output, plain_text(table), force=force)


def _with_progress(values: Iterable[V], total: int, output: str | None) -> Iterable[V]:
    """The values, with a progress bar on stderr (a terminal) while they are consumed, for a large
    batch whose result does not go to the terminal itself."""
    to_terminal = output in (None, "-") and sys.stdout.isatty()
    if total < _PROGRESS_MIN or not sys.stderr.isatty() or to_terminal:
        return values
    return _progress(values, total)


def _progress(values: Iterable[V], total: int) -> Iterator[V]:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from cooplevier.cli.console import console

    columns = (TextColumn(t("batch.progress")), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console(stderr=True), transient=True, redirect_stdout=False) as bar:
        task = bar.add_task("", total=total)
        for value in values:
            yield value
            bar.advance(task)


class ReportFormat(StrEnum):
    md = "md"
    html = "html"
    json = "json"
    docx = "docx"
    odt = "odt"
    pdf = "pdf"


_REPORT_SUFFIX = {
    ".pdf": ReportFormat.pdf,
    ".md": ReportFormat.md,
    ".html": ReportFormat.html,
    ".htm": ReportFormat.html,
    ".json": ReportFormat.json,
    ".docx": ReportFormat.docx,
    ".odt": ReportFormat.odt,
}


@dataclass(frozen=True)
class ReportRequest:
    """What `report` was asked for, once its options are checked."""

    format: ReportFormat
    output: str | None
    force: bool
    template: Path | None
    content: Path | None
    picture: str | None  # the wheel's file beside a Markdown report (`plan-roue.png`), if any
    min_group: int | None = None  # a synthesis's K (None: the workshop's own, else 3)
    notes: Path | None = None  # « Conclusions de l'atelier »

    def check(self, inputs: Callable[[], Iterable[Path]] = tuple) -> None:
        """The report and its picture: refused before any work (exit 2) if either cannot be written."""
        from cooplevier.cli.app import check_output

        check_output(self.output, force=self.force, inputs=inputs())
        if self.picture is not None:  # it must not land on an input either
            check_output(str(Path(str(self.output)).with_name(self.picture)), force=self.force, inputs=inputs())


@command(help=t("help.report"))
def report(
    paths: Annotated[list[Path], typer.Argument(metavar=t("metavar.answers_many"), help=t("help.report.paths"))],
    format: Annotated[ReportFormat | None, typer.Option("--format", "-f", help=t("help.report.format"))] = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
    template: Annotated[
        Path | None, typer.Option("--template", metavar=t("metavar.folder"), help=t("help.report.template"))
    ] = None,
    content: ContentOpt = None,
    min_group: Annotated[int | None, typer.Option("--min-group", metavar="K", help=t("help.report.min_group"))] = None,
    notes: Annotated[
        Path | None, typer.Option("--notes", metavar=t("metavar.file"), help=t("help.report.notes"))
    ] = None,
) -> ExitCode:
    import dataclasses

    from cooplevier.files import publish
    from cooplevier.report.outputs import plan_output

    if min_group is not None and min_group < 1:
        raise UsageError(t("report.bad_min_group", value=min_group))
    request = dataclasses.replace(
        _report_request(format, output, force, template, content), min_group=min_group, notes=notes
    )
    request.check()
    pack = load(content)
    items = _collect(paths, pack)  # one answer file is read directly: no batch machinery
    request.check(lambda: [*_inputs(items), *([notes] if notes is not None else [])])
    if len(items) > 1:  # several respondents: the workshop synthesis
        return _synthesis_report(request, pack, items, paths)
    if notes is not None or min_group is not None:
        raise UsageError(t("report.synthesis_only"))
    plan = _plan(items[0], pack)  # one (a file, or a grid's only column): the action plan
    document = plan_output(plan, pack, request.format.value, template_dir=template, picture=request.picture)
    publish(document, output, inputs=with_option_files(_inputs(items)), force=force)
    return ExitCode.OK


def _report_request(
    format: ReportFormat | None, output: str | None, force: bool, template: Path | None, content: Path | None
) -> ReportRequest:
    from cooplevier.report.outputs import BINARY, picture_beside

    chosen = pick_format(format, output, _REPORT_SUFFIX, terminal=ReportFormat.html, piped=ReportFormat.html)
    if template is not None and not template.is_dir():
        raise UsageError(t("report.template_dir"), file=template)
    if chosen.value in BINARY and output in (None, "-") and sys.stdout.isatty():
        raise UsageError(t("report.binary_to_tty", format=chosen.value))
    return ReportRequest(chosen, output, force, template, content, picture_beside(chosen.value, output))


def _collect(paths: list[Path], pack: Pack) -> list[Item]:
    """The items of a report: one regular answer file as it is, else what `batch.collect` finds."""
    from cooplevier.content.answers import GRID_SUFFIXES

    with contextlib.suppress(OSError):
        if len(paths) == 1 and paths[0].suffix.lower() not in GRID_SUFFIXES and paths[0].is_file():
            return [str(paths[0])]
    from cooplevier.scoring import batch

    items = batch.collect(paths, pack)
    if len(items) == 1 and isinstance(items[0], batch.Refused):
        raise CooplevierError(items[0].message)
    return items


def _inputs(items: list[Item]) -> Iterator[Path]:
    if len(items) == 1 and isinstance(items[0], str):
        return iter([Path(items[0])])
    from cooplevier.scoring import batch

    return batch.inputs(items)


def _plan(item: Item, pack: Pack) -> Plan:
    """One respondent's action plan: an answer file, or a grid's only column (its warnings said)."""
    from cooplevier.cli.console import message
    from cooplevier.content.answers import load_answers
    from cooplevier.report.plan import build_plan
    from cooplevier.scoring.engine import score

    # a file, or a grid's only column (a refused file and a duplicate never come alone)
    answers = load_answers(Path(item), pack) if isinstance(item, str) else cast("GridColumn", item).answers
    for warning in answers.warnings:
        message(warning)
    return build_plan(score(answers, pack), pack)


def _synthesis_report(request: ReportRequest, pack: Pack, items: list[Item], paths: list[Path]) -> ExitCode:
    """The workshop synthesis of several files, scored once on every core, masked to circulate
    (`--min-group`: the workshop folder's own K, else 3; 1: the unmasked working copy)."""
    from cooplevier.cli.console import message
    from cooplevier.files import check_not_input, open_output, publish
    from cooplevier.report.outputs import read_notes, synthesis_output
    from cooplevier.report.synthesis import write_json
    from cooplevier.scoring import batch
    from cooplevier.scoring.circulate import default_min_group, mask
    from cooplevier.scoring.synthesis import as_contribution, synthesize_batch

    notes = None
    if request.notes is not None:
        notes, warnings = read_notes(request.notes)
        for warning in warnings:
            message(warning)
    k = request.min_group if request.min_group is not None else default_min_group(paths)
    results = batch.start(
        items,
        pack=pack,
        convert=as_contribution,
        content_dir=request.content,
        on_refused=say_refused,
        on_warning=message,
    )
    syn = mask(synthesize_batch(results, pack), k)
    say_mixed(syn)
    if k <= 1:
        message(t("report.working_copy"))
    if request.format is ReportFormat.json:  # streamed: a synthesis of 50 000 files is never one string
        check_not_input(request.output, with_option_files(batch.inputs(items)))
        with open_output(request.output, force=request.force) as fh:
            write_json(syn, fh, notes=notes)
    else:
        fmt, template, picture = request.format.value, request.template, request.picture
        document = synthesis_output(syn, pack, fmt, template_dir=template, picture=picture, notes=notes)
        publish(document, request.output, inputs=with_option_files(batch.inputs(items)), force=request.force)
    return batch_outcome(results, lambda n, total: tn("synthesis.refused", n, total=total))


class ExplainFormat(StrEnum):
    text = "text"
    json = "json"


@command(help=t("help.explain"))
def explain(
    path: Annotated[Path, typer.Argument(metavar=t("metavar.answers"), help=t("help.explain.path"))],
    format: Annotated[ExplainFormat, typer.Option("--format", "-f", help=t("help.format"))] = ExplainFormat.text,
    content: ContentOpt = None,
) -> None:
    from cooplevier.cli.console import message
    from cooplevier.scoring import batch
    from cooplevier.scoring import explain as explaining

    pack = load(content)
    result = batch.score_file(path, pack, on_warning=message)
    if format is ExplainFormat.json:
        print_json(explaining.explain_data(result, pack))
        return
    sys.stdout.write(explaining.explain_text(result, pack))
