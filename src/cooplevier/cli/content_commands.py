"""Commands over the content pack: validate, levers, cases, questions."""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from cooplevier.cli import (
    ContentOpt,
    app,
    check_lever,
    handle_errors,
    load,
    print_json,
)
from cooplevier.errors import CooplevierError
from cooplevier.messages import t


class TableJson(StrEnum):
    table = "table"
    json = "json"


class QuestionsFormat(StrEnum):
    table = "table"
    json = "json"
    yaml = "yaml"


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
        message(t("answers.ok", file=path, answered=len(af.answers), total=len(pack.questions)))
    if failed:
        raise typer.Exit(1)


def _show(format: TableJson, data: Callable[[], Any], table: Callable[[], Any]) -> None:
    """The JSON data on request, else the rich table (each built only if shown)."""
    if format is TableJson.json:
        print_json(data())
        return
    from cooplevier.console import console

    console().print(table())


@app.command()
@handle_errors
def levers(
    lever: Annotated[str | None, typer.Argument(metavar="[ID]", help="Un levier (L1 à L10) pour le détail.")] = None,
    format: Annotated[TableJson, typer.Option("--format", "-f", help="Format de sortie.")] = TableJson.table,
    content: ContentOpt = None,
) -> None:
    """Les 4 axes de la roue et les 10 leviers de coopération."""
    from cooplevier import browse

    pack = load(content)
    lever_id = check_lever(pack, lever)
    _show(
        format,
        lambda: browse.levers_data(pack, lever_id),
        lambda: browse.lever_detail(pack, lever_id) if lever_id else browse.levers_table(pack),
    )


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

    pack = load(content)
    lever_id = check_lever(pack, lever)
    _show(format, lambda: browse.cases_data(pack, lever_id), lambda: browse.cases_table(pack, lever_id))


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

    pack = load(content)
    if blank:
        if format is not QuestionsFormat.table:
            from cooplevier.console import message

            message(t("questions.blank_format", format=format.value))
            raise typer.Exit(2)
        from cooplevier.handouts import blank_answers

        sys.stdout.write(blank_answers(pack))
        return
    if format is QuestionsFormat.json:
        print_json(browse.questions_data(pack))
    elif format is QuestionsFormat.yaml:
        import yaml

        sys.stdout.write(yaml.safe_dump(browse.questions_data(pack), allow_unicode=True, sort_keys=False, width=100))
    else:
        from cooplevier.console import console

        console().print(browse.questions_table(pack))
