"""The interactive questionnaire: `cooplevier assess`."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cooplevier.cli import (
    ContentOpt,
    app,
    handle_errors,
    load,
)


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
                "Fichier de réponses, créé ou repris. Par défaut : reponses-<territoire>.yaml dans le dossier courant."
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

    pack = load(content)
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
