"""Scores and reports: score, explain, report, compare."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from cooplevier.cli import (
    ContentOpt,
    ForceOpt,
    OutputOpt,
    Refusals,
    app,
    handle_errors,
    load,
    pick_format,
    print_json,
)
from cooplevier.errors import CooplevierError
from cooplevier.messages import t


class ScoreFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


_OUTPUT_FORMATS = {".csv": ScoreFormat.csv, ".xlsx": ScoreFormat.xlsx, ".json": ScoreFormat.json}
_PROGRESS_MIN = 50  # files: below this a batch is over before a bar would help


@app.command()
@handle_errors
def score(
    paths: Annotated[
        list[Path],
        typer.Argument(metavar="CHEMINS...", help="Fichiers de réponses ou dossiers (cherchés récursivement)."),
    ],
    format: Annotated[
        ScoreFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="Format de sortie (par défaut : tableau dans un terminal, sinon d'après --output, sinon json).",
        ),
    ] = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
    separator: Annotated[
        str, typer.Option("--separator", metavar="CAR", help="Séparateur des colonnes CSV (par défaut « ; »).")
    ] = ";",
    content: ContentOpt = None,
) -> None:
    """Note un lot de fichiers de réponses : tableau, JSON, CSV (Excel) ou classeur XLSX."""
    import functools

    from cooplevier import batch, exports
    from cooplevier.console import message
    from cooplevier.fsio import check_not_input

    format = pick_format(format, output, _OUTPUT_FORMATS, terminal=ScoreFormat.table, piped=ScoreFormat.json)
    if separator == "\\t":
        separator = "\t"
    if len(separator) != 1 or separator in '"\r\n' or separator.isalnum():
        message(t("batch.bad_separator", value=separator))
        raise typer.Exit(2)
    if format is ScoreFormat.xlsx:
        if output is None:
            message(t("batch.xlsx_needs_output"))
            raise typer.Exit(2)
        if output == "-" and sys.stdout.isatty():
            message(t("batch.binary_to_tty"))
            raise typer.Exit(2)

    pack = load(content)
    items = batch.collect(paths)
    check_not_input(output, (item for item in items if isinstance(item, Path)))
    convert: Any = {
        ScoreFormat.csv: functools.partial(exports.csv_cells, decimal=exports.decimal_for(separator)),
        ScoreFormat.xlsx: exports.cells,
    }.get(format, batch.as_dict)
    outcomes: Any = batch.score_files(items, pack=pack, convert=convert, content_dir=content)
    to_terminal = output in (None, "-") and sys.stdout.isatty()
    if len(items) >= _PROGRESS_MIN and sys.stderr.isatty() and not to_terminal:
        outcomes = _with_progress(outcomes, len(items))
    bad = 0

    def valid() -> Any:
        nonlocal bad
        for outcome in outcomes:
            if isinstance(outcome, batch.Failed):
                bad += 1
                message(outcome.message)
                continue
            for warning in outcome.warnings:
                message(warning)
            yield outcome.value

    exports.write_scores(valid(), format.value, output, pack=pack, force=force, separator=separator)
    if bad:
        message(t("batch.summary", ok=len(items) - bad, bad=bad))
        raise typer.Exit(1)


def _with_progress(outcomes: Any, total: int) -> Any:
    """Show a progress bar on stderr (a TTY) while the outcomes are consumed."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from cooplevier.console import console

    columns = (TextColumn(t("batch.progress")), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console(stderr=True), transient=True, redirect_stdout=False) as bar:
        task = bar.add_task("", total=total)
        for outcome in outcomes:
            yield outcome
            bar.advance(task)


class ReportFormat(StrEnum):
    md = "md"
    html = "html"
    json = "json"


_REPORT_SUFFIX = {
    ".md": ReportFormat.md,
    ".html": ReportFormat.html,
    ".htm": ReportFormat.html,
    ".json": ReportFormat.json,
}


class ExplainFormat(StrEnum):
    text = "text"
    json = "json"


@app.command()
@handle_errors
def report(
    paths: Annotated[
        list[Path],
        typer.Argument(
            metavar="RÉPONSES...",
            help="Un fichier de réponses (plan d'action) ou plusieurs (synthèse d'atelier).",
        ),
    ],
    format: Annotated[
        ReportFormat | None,
        typer.Option("--format", "-f", help="Format de sortie (par défaut : d'après --output, sinon html)."),
    ] = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
    template: Annotated[
        Path | None,
        typer.Option("--template", metavar="DOSSIER", help="Dossier de modèles personnalisés (copie de templates/)."),
    ] = None,
    content: ContentOpt = None,
) -> None:
    """Plan d'action d'un territoire (un fichier) ou synthèse d'atelier (plusieurs fichiers)."""
    from cooplevier.batch import Failed, collect
    from cooplevier.fsio import check_not_input, write_output

    format = pick_format(format, output, _REPORT_SUFFIX, terminal=ReportFormat.html, piped=ReportFormat.html)
    if template is not None and not template.is_dir():
        raise CooplevierError(t("report.template_dir"), file=template)
    items = collect(paths)
    check_not_input(output, (item for item in items if isinstance(item, Path)))
    if len(items) == 1:  # one file: its action plan
        from cooplevier.plan import render_plan

        if isinstance(items[0], Failed):
            raise CooplevierError(items[0].message)
        text = render_plan(items[0], pack=load(content), fmt=format.value, template_dir=template)
    else:  # several: the workshop synthesis
        pack = load(content)
        from cooplevier.synthesis import render_synthesis

        refused = Refusals()
        text = render_synthesis(items, pack=pack, fmt=format.value, template_dir=template, on_error=refused)
        write_output(output, text, force=force)
        refused.exit_if_any("synthesis.refused", ok=len(items) - len(refused.lines))
        return
    write_output(output, text, force=force)


@app.command()
@handle_errors
def explain(
    path: Annotated[Path, typer.Argument(metavar="RÉPONSES", help="Le fichier de réponses à expliquer.")],
    format: Annotated[ExplainFormat, typer.Option("--format", "-f", help="Format de sortie.")] = ExplainFormat.text,
    content: ContentOpt = None,
) -> None:
    """Retrace chaque nombre du score jusqu'aux réponses qui l'ont produit."""
    from cooplevier import explain as explain_mod
    from cooplevier.answers import load_answers
    from cooplevier.scoring import score

    pack = load(content)
    result = score(load_answers(path, pack), pack)
    if format is ExplainFormat.json:
        print_json(explain_mod.explain_data(result, pack))
        return
    sys.stdout.write(explain_mod.explain_text(result, pack))


class CompareFormat(StrEnum):
    table = "table"
    json = "json"
    md = "md"
    html = "html"


@app.command()
@handle_errors
def compare(
    old: Annotated[Path, typer.Argument(metavar="AVANT", help="Le fichier de réponses le plus ancien.")],
    new: Annotated[Path, typer.Argument(metavar="APRÈS", help="Le fichier de réponses le plus récent.")],
    format: Annotated[
        CompareFormat | None,
        typer.Option("--format", "-f", help="Format de sortie (par défaut : tableau dans un terminal, sinon json)."),
    ] = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
    content: ContentOpt = None,
) -> None:
    """Progression entre deux autodiagnostics : marches gagnées ou perdues par levier et par axe."""
    from cooplevier.answers import load_answers
    from cooplevier.compare import compare as compare_results
    from cooplevier.compare import comparison_table, render_comparison
    from cooplevier.errors import ErrorGroup
    from cooplevier.fsio import write_output
    from cooplevier.scoring import score as score_file

    by_suffix = {".json": CompareFormat.json, ".md": CompareFormat.md, ".html": CompareFormat.html}
    format = pick_format(format, output, by_suffix, terminal=CompareFormat.table, piped=CompareFormat.json)
    pack = load(content)
    results, errors = [], []
    for path in (old, new):
        try:
            results.append(score_file(load_answers(path, pack), pack))
        except CooplevierError as exc:
            errors.append(exc)
    if errors:
        raise ErrorGroup(errors)
    if results[0].territory != results[1].territory:
        from cooplevier.console import message

        message(t("compare.other_territory", old=results[0].territory, new=results[1].territory))
    cmp = compare_results(results[0], results[1], pack)
    if format is CompareFormat.table:
        from cooplevier.console import console

        console().print(comparison_table(cmp, pack))
        return
    write_output(output, render_comparison(cmp, pack, fmt=format.value), force=force)
