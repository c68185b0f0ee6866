"""Workshop material: `cooplevier handout`."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cooplevier.cli import (
    ContentOpt,
    ForceOpt,
    OutputOpt,
    Refusals,
    app,
    check_lever,
    handle_errors,
    load,
    pick_format,
)
from cooplevier.errors import CooplevierError
from cooplevier.messages import t


class HandoutKind(StrEnum):
    cards = "cards"
    questionnaire = "questionnaire"
    guide = "guide"
    poster = "poster"


class HandoutFormat(StrEnum):
    html = "html"
    md = "md"
    pdf = "pdf"


_BY_SUFFIX = {
    ".md": HandoutFormat.md,
    ".html": HandoutFormat.html,
    ".htm": HandoutFormat.html,
    ".pdf": HandoutFormat.pdf,
}


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
        HandoutFormat | None,
        typer.Option(
            "--format", "-f", help="html (à imprimer depuis le navigateur), md ou pdf (par défaut : d'après --output)."
        ),
    ] = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
    lever: Annotated[
        str | None, typer.Option("--lever", "-l", metavar="ID", help="Seulement la carte d'un levier (cards).")
    ] = None,
    content: ContentOpt = None,
) -> None:
    """Supports d'atelier à imprimer : cartes des leviers, questionnaire papier, guide, affiche."""
    from cooplevier.handouts import render_handout

    format = pick_format(format, output, _BY_SUFFIX, terminal=HandoutFormat.html, piped=HandoutFormat.html)
    pack = load(content)
    lever_id = check_lever(pack, lever)
    paths = list(answers or [])
    if bool(paths) != (kind is HandoutKind.poster):
        from cooplevier.console import message

        message(t("handout.answers_only_poster" if paths else "handout.poster_needs_answers"))
        raise typer.Exit(2)
    if format is HandoutFormat.pdf and output in (None, "-") and sys.stdout.isatty():
        raise CooplevierError(t("handout.pdf_to_terminal"))
    from cooplevier.fsio import check_target, write_output

    if output not in (None, "-"):
        check_target(output, force=force)  # before rendering, which may take a while (pdf)

    refused = Refusals()
    data = render_handout(kind.value, pack, fmt=format.value, lever_id=lever_id, answer_paths=paths, on_error=refused)
    write_output(output, data, force=force)
    refused.exit_if_any("handout.refused")
