"""The command line: parse options, call one core function, render, map errors to exit codes.

Start-up matters (`cooplevier --help` must stay as fast as a bare Typer app), so nothing
heavier than typer is imported at module level: each command imports what it needs.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from enum import Enum
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
    context_settings={"help_option_names": ["-h", "--help"]},
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


class TableJson(str, Enum):
    table = "table"
    json = "json"


class QuestionsFormat(str, Enum):
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
    answers: Annotated[list[Path] | None, typer.Argument(metavar="[RÉPONSES]...", help="Fichiers de réponses à vérifier.")] = None,
    content: ContentOpt = None,
) -> None:
    """Vérifie le pack de contenu et, s'il y en a, des fichiers de réponses."""
    from cooplevier.answers import load_answers
    from cooplevier.console import message

    pack = _pack(content)
    message(t("content.ok", levers=len(pack.levers), questions=len(pack.questions), cases=len(pack.cases), path=pack.root))
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
    lever: Annotated[str | None, typer.Option("--lever", "-l", metavar="ID", help="Seulement les territoires d'un levier.")] = None,
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
    format: Annotated[QuestionsFormat, typer.Option("--format", "-f", help="Format de sortie.")] = QuestionsFormat.table,
    content: ContentOpt = None,
) -> None:
    """Le questionnaire, sous forme de données."""
    from cooplevier import browse

    pack = _pack(content)
    if format is QuestionsFormat.json:
        _print_json(browse.questions_data(pack))
    elif format is QuestionsFormat.yaml:
        import yaml

        sys.stdout.write(yaml.safe_dump(browse.questions_data(pack), allow_unicode=True, sort_keys=False, width=100))
    else:
        from cooplevier.console import console

        console().print(browse.questions_table(pack))


def main() -> None:
    """Entry point of the `cooplevier` command."""
    app()
