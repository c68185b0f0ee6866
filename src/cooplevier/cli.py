"""The command line: parse options, call one core function, render, map errors to exit codes.

Start-up matters (`cooplevier --help` must stay as fast as a bare Typer app), so nothing
heavier than typer is imported at module level: each command imports what it needs.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from cooplevier import __version__
from cooplevier.errors import CooplevierError
from cooplevier.messages import t

F = TypeVar("F", bound=Callable[..., Any])

app = typer.Typer(
    name="cooplevier",
    help=(
        "Auto-diagnostic des coopérations territoriales : 10 leviers, 4 axes, 5 marches "
        "(document pédagogique Mairie-conseils, 2015)."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help: readable by screen readers, and no rich import just to print it.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)


def handle_errors(func: F) -> F:
    """The one place where exceptions become exit codes and French messages."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from cooplevier.console import message

        try:
            return func(*args, **kwargs)
        except CooplevierError as exc:
            message(exc.located())
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            message(t("cli.interrupted"))
            raise typer.Exit(130) from None
        except BrokenPipeError:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(1) from None
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except Exception as exc:
            if os.environ.get("COOPLEVIER_DEBUG"):
                raise
            message(t("cli.internal", kind=type(exc).__name__))
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def _version(value: bool) -> None:
    if value:
        print(t("cli.version", version=__version__))
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Affiche la version et quitte."),
    ] = False,
) -> None:
    """Auto-diagnostic des coopérations territoriales (leviers Mairie-conseils)."""


ContentOpt = Annotated[
    Path | None,
    typer.Option("--content", metavar="DOSSIER", help="Pack de contenu à utiliser (par défaut : celui fourni)."),
]


class TableJson(StrEnum):
    table = "table"
    json = "json"


class QuestionsFormat(StrEnum):
    table = "table"
    json = "json"
    yaml = "yaml"


def _pack(content: Path | None) -> Any:
    from cooplevier.content import load_pack

    return load_pack(content)


def _print_json(data: Any) -> None:
    import json

    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _check_lever(pack: Any, lever: str | None) -> str | None:
    if lever is None:
        return None
    lever = lever.strip().upper()
    if not pack.has_lever(lever):
        raise CooplevierError(t("cli.unknown_lever", id=lever))
    return lever


@app.command()
@handle_errors
def validate(
    answers: Annotated[
        list[Path] | None, typer.Argument(metavar="[RÉPONSES]...", help="Fichiers de réponses à vérifier.")
    ] = None,
    content: ContentOpt = None,
) -> None:
    """Vérifie le pack de contenu et, s'il y en a, des fichiers de réponses."""
    from cooplevier.answers import load_answers
    from cooplevier.console import message
    from cooplevier.content import load_pack

    pack = load_pack(content, use_cache=False)  # validate always checks afresh
    counts = {"levers": len(pack.levers), "questions": len(pack.questions), "cases": len(pack.cases)}
    message(t("content.ok", path=pack.root, **counts))
    failed = False
    for path in answers or []:
        try:
            af = load_answers(path, pack)
        except CooplevierError as exc:
            message(exc.located())
            failed = True
            continue
        for warning in af.warnings:
            message(warning)
        done = sum(1 for _ in af.answers)
        message(t("answers.ok", file=path, answered=done, total=len(pack.questions)))
    if failed:
        raise typer.Exit(1)


@app.command()
@handle_errors
def levers(
    lever: Annotated[str | None, typer.Argument(metavar="[ID]", help="Un levier (L1 à L10) pour le détail.")] = None,
    format: Annotated[TableJson, typer.Option("--format", "-f", help="Format de sortie.")] = TableJson.table,
    content: ContentOpt = None,
) -> None:
    """Les 4 axes de la roue et les 10 leviers de coopération."""
    from cooplevier import browse

    pack = _pack(content)
    lever_id = _check_lever(pack, lever)
    if format is TableJson.json:
        _print_json(browse.levers_data(pack, lever_id))
        return
    from cooplevier.console import console

    console().print(browse.lever_detail(pack, lever_id) if lever_id else browse.levers_table(pack))


@app.command()
@handle_errors
def cases(
    lever: Annotated[
        str | None, typer.Option("--lever", "-l", metavar="ID", help="Seulement les territoires d'un levier.")
    ] = None,
    format: Annotated[TableJson, typer.Option("--format", "-f", help="Format de sortie.")] = TableJson.table,
    content: ContentOpt = None,
) -> None:
    """Les 17 territoires cités en exemple par le document."""
    from cooplevier import browse

    pack = _pack(content)
    lever_id = _check_lever(pack, lever)
    if format is TableJson.json:
        _print_json(browse.cases_data(pack, lever_id))
        return
    from cooplevier.console import console

    console().print(browse.cases_table(pack, lever_id))


@app.command()
@handle_errors
def questions(
    format: Annotated[
        QuestionsFormat, typer.Option("--format", "-f", help="Format de sortie.")
    ] = QuestionsFormat.table,
    blank: Annotated[
        bool,
        typer.Option(
            "--blank",
            help="Produit un fichier de réponses vierge (YAML commenté) à compléter dans un éditeur de texte.",
        ),
    ] = False,
    content: ContentOpt = None,
) -> None:
    """Le questionnaire, sous forme de données (ou un fichier de réponses vierge avec --blank)."""
    from cooplevier import browse

    pack = _pack(content)
    if blank:
        if format is not QuestionsFormat.table:
            from cooplevier.console import message

            message(t("questions.blank_format", format=format.value))
            raise typer.Exit(2)
        from cooplevier.handouts import blank_answers

        sys.stdout.write(blank_answers(pack))
        return
    if format is QuestionsFormat.json:
        _print_json(browse.questions_data(pack))
    elif format is QuestionsFormat.yaml:
        import yaml

        sys.stdout.write(yaml.safe_dump(browse.questions_data(pack), allow_unicode=True, sort_keys=False, width=100))
    else:
        from cooplevier.console import console

        console().print(browse.questions_table(pack))


class ReportFormat(StrEnum):
    md = "md"
    html = "html"
    json = "json"


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
    format: Annotated[ReportFormat, typer.Option("--format", "-f", help="Format de sortie.")] = ReportFormat.html,
    output: Annotated[
        str | None,
        typer.Option(
            "--output", "-o", metavar="FICHIER", help="Fichier à écrire (« - » ou absent : la sortie standard)."
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Remplace le fichier de sortie s'il existe.")] = False,
    template: Annotated[
        Path | None,
        typer.Option("--template", metavar="DOSSIER", help="Dossier de modèles personnalisés (copie de templates/)."),
    ] = None,
    content: ContentOpt = None,
) -> None:
    """Plan d'action d'un territoire (un fichier) ou synthèse d'atelier (plusieurs fichiers)."""
    from cooplevier.fsio import write_output
    from cooplevier.plan import expand_paths

    if template is not None and not template.is_dir():
        raise CooplevierError(t("report.template_dir"), file=template)
    files = expand_paths(paths)
    pack = _pack(content)
    if len(files) == 1:
        from cooplevier.plan import render_plan

        text = render_plan(files[0], pack=pack, fmt=format.value, template_dir=template)
    else:
        from cooplevier.console import message
        from cooplevier.synthesis import render_synthesis

        refused: list[str] = []

        def refuse(line: str) -> None:
            refused.append(line)
            message(line)

        # Refused files never stop the synthesis of the good ones; the exit code still says so.
        text = render_synthesis(files, pack=pack, fmt=format.value, template_dir=template, on_error=refuse)
        write_output(output, text, force=force)
        if refused:
            message(t("synthesis.refused", count=len(refused), ok=len(files) - len(refused)))
            raise typer.Exit(1)
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

    pack = _pack(content)
    result = score(load_answers(path, pack), pack)
    if format is ExplainFormat.json:
        _print_json(explain_mod.explain_data(result, pack))
        return
    sys.stdout.write(explain_mod.explain_text(result, pack))


class HandoutKind(StrEnum):
    cards = "cards"
    questionnaire = "questionnaire"
    guide = "guide"
    poster = "poster"


class HandoutFormat(StrEnum):
    html = "html"
    md = "md"
    pdf = "pdf"


@app.command()
@handle_errors
def handout(
    kind: Annotated[
        HandoutKind,
        typer.Argument(
            metavar="SUPPORT",
            help=(
                "cards : une carte A4 par levier ; questionnaire : le questionnaire papier ; "
                "guide : le guide de l'animateur ; poster : l'affiche du groupe (fichiers de réponses requis)."
            ),
        ),
    ],
    answers: Annotated[
        list[Path] | None,
        typer.Argument(metavar="[RÉPONSES]...", help="Fichiers ou dossiers de réponses (pour poster)."),
    ] = None,
    format: Annotated[
        HandoutFormat, typer.Option("--format", "-f", help="html (à imprimer depuis le navigateur), md ou pdf.")
    ] = HandoutFormat.html,
    output: Annotated[
        str | None,
        typer.Option("--output", "-o", metavar="FICHIER", help="Fichier à écrire (par défaut : la sortie standard)."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Remplace le fichier s'il existe déjà.")] = False,
    lever: Annotated[
        str | None, typer.Option("--lever", "-l", metavar="ID", help="Seulement la carte d'un levier (cards).")
    ] = None,
    content: ContentOpt = None,
) -> None:
    """Supports d'atelier à imprimer : cartes des leviers, questionnaire papier, guide, affiche."""
    from cooplevier.handouts import render_handout

    pack = _pack(content)
    lever_id = _check_lever(pack, lever)
    paths = list(answers or [])
    if bool(paths) != (kind is HandoutKind.poster):
        from cooplevier.console import message

        message(t("handout.answers_only_poster" if paths else "handout.poster_needs_answers"))
        raise typer.Exit(2)
    if format is HandoutFormat.pdf and output in (None, "-") and sys.stdout.isatty():
        raise CooplevierError(t("handout.pdf_to_terminal"))
    if output not in (None, "-") and Path(output).exists() and not force:
        raise CooplevierError(t("file.exists"), file=output)
    from cooplevier.fsio import write_output

    data = render_handout(kind.value, pack, fmt=format.value, lever_id=lever_id, answer_paths=paths)
    write_output(output, data, force=force)


class RoleOpt(StrEnum):
    elu = "elu"
    technicien = "technicien"
    societe_civile = "societe-civile"
    partenaire = "partenaire"
    autre = "autre"


@app.command(
    epilog=(
        "Pendant le questionnaire, tapez puis Entrée : 1 à 5 (la situation la plus proche), "
        "n non concerné, x je ne sais pas, p question précédente, s passer, c commentaire, "
        "a aide sur le levier, q enregistrer et quitter. "
        "Chaque réponse est enregistrée aussitôt ; relancez la même commande pour reprendre."
    )
)
@handle_errors
def assess(
    file: Annotated[
        Path | None,
        typer.Argument(
            metavar="FICHIER",
            help=(
                "Fichier de réponses, créé ou repris. "
                "Par défaut : reponses-<territoire>.yaml dans le dossier courant."
            ),
        ),
    ] = None,
    territory: Annotated[
        str | None, typer.Option("--territory", "-t", metavar="TERRITOIRE", help="Nom du territoire (sinon, demandé).")
    ] = None,
    role: Annotated[RoleOpt | None, typer.Option("--role", "-r", help="Votre rôle (sinon, demandé).")] = None,
    name: Annotated[str | None, typer.Option("--name", metavar="NOM", help="Votre nom (facultatif).")] = None,
    content: ContentOpt = None,
    yes: Annotated[
        bool,
        typer.Option("--yes", "-y", "--force", help="Reprendre un fichier déjà complet sans demander confirmation."),
    ] = False,
) -> None:
    """Répondre au questionnaire dans le terminal, question par question (reprend FICHIER s'il est incomplet)."""
    from cooplevier.assess.prompter import TerminalPrompter
    from cooplevier.assess.session import assess as run

    pack = _pack(content)
    code = run(
        pack,
        TerminalPrompter(),
        path=file,
        territory=territory,
        role=role.value if role else None,
        name=name.strip() or None if name else None,
        content=content,
        yes=yes,
    )
    if code:
        raise typer.Exit(code)


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
            "--format", "-f",
            help="Format de sortie (par défaut : tableau dans un terminal, sinon d'après --output, sinon json).",
        ),
    ] = None,
    output: Annotated[
        str | None,
        typer.Option(
            "--output", "-o", metavar="FICHIER", help="Fichier à écrire (« - » ou absent : la sortie standard)."
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Remplace le fichier de sortie s'il existe.")] = False,
    separator: Annotated[
        str, typer.Option("--separator", metavar="CAR", help="Séparateur des colonnes CSV (par défaut « ; »).")
    ] = ";",
    content: ContentOpt = None,
) -> None:
    """Note un lot de fichiers de réponses : tableau, JSON, CSV (Excel) ou classeur XLSX."""
    import functools

    from cooplevier import batch, exports
    from cooplevier.console import message
    from cooplevier.fsio import open_output

    if format is None:
        suffix = Path(output).suffix.lower() if output not in (None, "-") else ""
        default = ScoreFormat.table if sys.stdout.isatty() and output in (None, "-") else ScoreFormat.json
        format = _OUTPUT_FORMATS.get(suffix, default)
    if separator == "\\t":
        separator = "\t"
    if len(separator) != 1 or separator in "\"\r\n" or separator.isalnum():
        message(t("batch.bad_separator", value=separator))
        raise typer.Exit(2)
    if format is ScoreFormat.xlsx:
        if output is None:
            message(t("batch.xlsx_needs_output"))
            raise typer.Exit(2)
        if output == "-" and sys.stdout.isatty():
            message(t("batch.binary_to_tty"))
            raise typer.Exit(2)

    pack = _pack(content)
    items = batch.collect(paths)
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

    if format is ScoreFormat.csv:
        with open_output(output, force=force) as fh:
            sink = exports.CsvSink(fh, pack, separator=separator)
            for row in valid():
                sink.write(row)
    elif format is ScoreFormat.xlsx:
        with open_output(output, force=force, binary=True) as fh:
            exports.write_xlsx(valid(), fh, pack)
    elif format is ScoreFormat.json:
        import json

        with open_output(output, force=force) as fh:
            sep = "[\n"
            for data in valid():
                fh.write(sep + json.dumps(data, ensure_ascii=False))
                sep = ",\n"
            fh.write("[]\n" if sep == "[\n" else "\n]\n")
    else:
        from cooplevier.exports import score_table

        rows = list(valid())
        if output in (None, "-"):
            from cooplevier.console import console

            console().print(score_table(pack, rows))
        else:
            from rich.console import Console

            capture = Console(width=160, no_color=True, highlight=False)
            with capture.capture() as captured:
                capture.print(score_table(pack, rows))
            with open_output(output, force=force) as fh:
                fh.write(captured.get())
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
    output: Annotated[
        str | None,
        typer.Option(
            "--output", "-o", metavar="FICHIER", help="Fichier à écrire (« - » ou absent : la sortie standard)."
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Remplace le fichier de sortie s'il existe.")] = False,
    content: ContentOpt = None,
) -> None:
    """Progression entre deux autodiagnostics : marches gagnées ou perdues par levier et par axe."""
    from cooplevier.answers import load_answers
    from cooplevier.compare import compare as compare_results
    from cooplevier.compare import comparison_table, render_comparison
    from cooplevier.errors import ErrorGroup
    from cooplevier.fsio import write_output
    from cooplevier.scoring import score as score_file

    if format is None:
        suffix = {".json": CompareFormat.json, ".md": CompareFormat.md, ".html": CompareFormat.html}
        named = Path(output).suffix.lower() if output not in (None, "-") else ""
        tty = sys.stdout.isatty() and output in (None, "-")
        format = suffix.get(named, CompareFormat.table if tty else CompareFormat.json)
    pack = _pack(content)
    results, errors = [], []
    for path in (old, new):
        try:
            results.append(score_file(load_answers(path, pack), pack))
        except CooplevierError as exc:
            errors.append(exc)
    if errors:
        raise ErrorGroup(errors)
    cmp = compare_results(results[0], results[1], pack)
    if format is CompareFormat.table:
        from cooplevier.console import console

        console().print(comparison_table(cmp, pack))
        return
    write_output(output, render_comparison(cmp, pack, fmt=format.value), force=force)


def main() -> None:
    """Entry point of the `cooplevier` command."""
    from cooplevier.clifr import run

    sys.exit(run(app))
