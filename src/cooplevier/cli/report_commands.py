"""Scores and reports: score, explain, report, compare.

Each command is the same pipeline: check the options and the output, load the pack, score the
files once (`scoring.batch`), hand the results to one renderer (`report`), write.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

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
)
from cooplevier.errors import CooplevierError, ErrorGroup, ExitCode, UsageError
from cooplevier.messages import t, tn


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
    import functools

    from cooplevier.cli.app import check_output
    from cooplevier.cli.console import message
    from cooplevier.report import exports
    from cooplevier.report.office import workbook
    from cooplevier.scoring import batch

    format = pick_format(format, output, _SCORE_SUFFIX, terminal=ScoreFormat.table, piped=ScoreFormat.json)
    sep = _separator(separator)
    if format is ScoreFormat.xlsx and output is None:
        raise UsageError(t("batch.xlsx_needs_output"))
    if format is ScoreFormat.xlsx and output == "-" and sys.stdout.isatty():
        raise UsageError(t("batch.binary_to_tty"))
    check_output(output, force=force)
    pack = load(content)
    convert: Any = {
        ScoreFormat.csv: functools.partial(exports.csv_cells, decimal=exports.decimal_for(sep)),
        ScoreFormat.xlsx: workbook.row,
    }.get(format, batch.as_dict)
    scored = batch.run(
        paths, pack=pack, convert=convert, content_dir=content, on_refused=say_refused, on_warning=message
    )
    check_output(output, force=force, inputs=scored.inputs)
    values: Iterable[Any] = scored
    to_terminal = output in (None, "-") and sys.stdout.isatty()
    if len(scored.items) >= _PROGRESS_MIN and sys.stderr.isatty() and not to_terminal:
        values = _with_progress(scored, len(scored.items))
    if format is ScoreFormat.table:
        _score_table(list(values), output, force=force, pack=pack)
    else:
        exports.write_scores(values, format.value, output, pack=pack, force=force, separator=sep)
    return batch_outcome(scored, lambda n, total: tn("batch.summary", n, total=total))


def _score_table(rows: list[dict[str, Any]], output: str | None, *, force: bool, pack: Any) -> None:
    """The batch as a table: on the terminal, or as plain text in a file."""
    from cooplevier.cli import tables
    from cooplevier.cli.console import console, plain_text
    from cooplevier.files import write_output

    table = tables.score_table(pack, rows)
    if output in (None, "-"):
        console().print(table)
    else:
        write_output(output, plain_text(table), force=force)


def _with_progress(values: Iterable[Any], total: int) -> Iterator[Any]:
    """Show a progress bar on stderr (a TTY) while the values are consumed."""
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


def _plan(
    item: Any, pack: Any, format: ReportFormat, template: Path | None, image: Path | None, *, on_warning: Any
) -> tuple[str | bytes, bytes | None]:
    """One respondent's action plan (an answer file, or a grid's only column), and its wheel picture
    when a Markdown file is written."""
    from cooplevier.report.plan import build_plan
    from cooplevier.report.plan_view import plan_series, render_plan
    from cooplevier.scoring import batch
    from cooplevier.scoring.engine import score

    if isinstance(item, str):
        result = batch.score_file(Path(item), pack, on_warning=on_warning)
    else:  # a grid's column: its warnings were made when the grid was read
        for warning in item.answers.warnings:
            on_warning(warning)
        result = score(item.answers, pack)
    plan = build_plan(result, pack)
    if format in (ReportFormat.docx, ReportFormat.odt):
        from cooplevier.report.office import documents as office

        return office.plan_document(plan, pack, format.value, template_dir=template), None
    if format is ReportFormat.pdf:
        from cooplevier.report.pdf import html_to_pdf

        return html_to_pdf(render_plan(plan, pack=pack, fmt="html", template_dir=template)), None
    if format is not ReportFormat.md:
        return render_plan(plan, pack=pack, fmt=format.value, template_dir=template), None
    from cooplevier.report.office.documents import wheel_picture

    src, png = wheel_picture(pack, plan_series(plan), image)
    return render_plan(plan, pack=pack, fmt=format.value, template_dir=template, wheel_src=src), png


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
    from cooplevier.cli.app import check_output
    from cooplevier.cli.console import message
    from cooplevier.scoring import batch

    format = pick_format(format, output, _REPORT_SUFFIX, terminal=ReportFormat.html, piped=ReportFormat.html)
    if template is not None and not template.is_dir():
        raise UsageError(t("report.template_dir"), file=template)
    if min_group is not None and min_group < 1:
        raise UsageError(t("report.bad_min_group", value=min_group))
    office = format in (ReportFormat.docx, ReportFormat.odt, ReportFormat.pdf)
    if office and output in (None, "-") and sys.stdout.isatty():
        raise UsageError(t("report.binary_to_tty", format=format.value))
    check_output(output, force=force)
    from cooplevier.files import write_with_picture
    from cooplevier.report.office.documents import wheel_beside

    image = wheel_beside(output) if format is ReportFormat.md else None
    if image is not None:
        check_output(str(image), force=force)
    pack = load(content)
    items = batch.collect(paths, pack)
    check_output(output, force=force, inputs=batch.inputs(items))
    if image is not None:  # the picture beside the report must not land on an input either
        check_output(str(image), force=force, inputs=batch.inputs(items))
    if len(items) == 1 and isinstance(items[0], batch.Refused):
        raise CooplevierError(items[0].message)
    if len(items) == 1 and not isinstance(items[0], batch.Duplicate):  # one respondent: the action plan
        if notes is not None or min_group is not None:
            raise UsageError(t("report.synthesis_only"))
        data, png = _plan(items[0], pack, format, template, image, on_warning=message)
        write_with_picture(output, data, image, png, force=force)
        return ExitCode.OK
    from cooplevier.report.office.documents import read_notes, synthesis_output
    from cooplevier.scoring.circulate import default_min_group, mask
    from cooplevier.scoring.synthesis import as_contribution, synthesize_batch  # several: the synthesis

    conclusions = None
    if notes is not None:
        conclusions, warnings = read_notes(notes)
        for warning in warnings:
            message(warning)
    k = min_group if min_group is not None else default_min_group(paths)
    results = batch.start(
        items, pack=pack, convert=as_contribution, content_dir=content, on_refused=say_refused, on_warning=message
    )
    syn = mask(synthesize_batch(results, pack), k)
    say_mixed(syn)
    if k <= 1:
        message(t("report.working_copy"))
    if format is ReportFormat.json:  # streamed: a synthesis of 50 000 files is never one string
        from cooplevier.files import open_output
        from cooplevier.report.synthesis import write_json

        with open_output(output, force=force) as fh:
            write_json(syn, fh, notes=conclusions)
    else:
        data, png = synthesis_output(syn, pack, format.value, template, image, conclusions)
        write_with_picture(output, data, image, png, force=force)
    return batch_outcome(results, lambda n, total: tn("synthesis.refused", n, total=total))


def _compare_groups(
    paths: list[Path], format: Any, output: str | None, *, force: bool, content: Path | None, min_group: int | None
) -> None:
    """`compare` over folders, grids or a series: each PATH one point, masked (docs/batch.md)."""
    from cooplevier.cli.app import check_output
    from cooplevier.cli.console import message
    from cooplevier.files import write_output
    from cooplevier.report.compare import render_series
    from cooplevier.scoring import batch
    from cooplevier.scoring.progress import build_series

    format = pick_format(format, output, _COMPARE_SUFFIX, terminal=CompareFormat.md, piped=CompareFormat.json)
    check_output(output, force=force)
    pack = load(content)
    check_output(output, force=force, inputs=batch.inputs(batch.collect(paths, pack)))
    series = build_series(
        paths, pack, min_group=min_group, content_dir=content, on_refused=say_refused, on_warning=message
    )
    fmt = "md" if format is CompareFormat.table else format.value  # a terminal gets the Markdown tables
    write_output(output, render_series(series, pack, fmt=fmt), force=force)


def _one_answer_file(path: Path) -> bool:
    return path.suffix.lower() in (".yaml", ".yml") and not path.is_dir()


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


class CompareFormat(StrEnum):
    table = "table"
    json = "json"
    md = "md"
    html = "html"


_COMPARE_SUFFIX = {
    ".txt": CompareFormat.table,
    ".json": CompareFormat.json,
    ".md": CompareFormat.md,
    ".html": CompareFormat.html,
    ".htm": CompareFormat.html,
}


@command(help=t("help.compare"))
def compare(
    paths: Annotated[list[Path], typer.Argument(metavar=t("metavar.series"), help=t("help.compare.paths"))],
    format: Annotated[CompareFormat | None, typer.Option("--format", "-f", help=t("help.compare.format"))] = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
    content: ContentOpt = None,
    min_group: Annotated[int | None, typer.Option("--min-group", metavar="K", help=t("help.report.min_group"))] = None,
) -> None:
    if len(paths) < 2:
        raise UsageError(t("compare.two_paths"))
    if min_group is not None and min_group < 1:
        raise UsageError(t("report.bad_min_group", value=min_group))
    if len(paths) > 2 or min_group is not None or not all(_one_answer_file(p) for p in paths):
        _compare_groups(paths, format, output, force=force, content=content, min_group=min_group)
        return
    old, new = paths
    from cooplevier.cli.app import check_output
    from cooplevier.cli.console import message
    from cooplevier.content.answers import load_answers
    from cooplevier.files import write_output
    from cooplevier.report.compare import render_comparison
    from cooplevier.scoring.compare import common_scope, restrict, same_levels
    from cooplevier.scoring.compare import compare as compare_results
    from cooplevier.scoring.engine import score
    from cooplevier.scoring.synthesis import same_territory

    format = pick_format(format, output, _COMPARE_SUFFIX, terminal=CompareFormat.table, piped=CompareFormat.json)
    check_output(output, force=force, inputs=[old, new])
    pack = load(content)
    files, errors = [], []
    for path in (old, new):
        try:
            files.append(load_answers(path, pack))
        except CooplevierError as exc:
            errors.append(exc)
    if errors:
        raise ErrorGroup(errors)
    for af in files:
        for warning in af.warnings:
            message(warning)
    pair = (files[0], files[1])
    if same_territory(pair[0].territory) != same_territory(pair[1].territory):
        message(t("compare.other_territory", old=pair[0].territory, new=pair[1].territory))
    scope = common_scope(pair, pack)
    if scope is not None:
        message(
            tn("compare.scope", len(scope.questions), versions=" et ".join(scope.versions), version=pack.meta.version)
        )
        pair = same_levels((restrict(pair[0], scope), restrict(pair[1], scope)), scope)
    cmp = compare_results(score(pair[0], pack), score(pair[1], pack), pack, scope)
    if format is CompareFormat.table:
        from cooplevier.cli import tables
        from cooplevier.cli.console import console, plain_text

        table = tables.comparison_table(cmp, pack)
        if output in (None, "-"):
            console().print(table)
        else:
            write_output(output, plain_text(table), force=force)
        return
    write_output(output, render_comparison(cmp, pack, fmt=format.value), force=force)
