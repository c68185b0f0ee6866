"""The interactive questionnaire: `cooplevier assess`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cooplevier.cli.app import ContentOpt, ShortOpt, StructureOpt, check_structure, command, load
from cooplevier.content import ROLES, Role
from cooplevier.errors import UsageError
from cooplevier.messages import t

if TYPE_CHECKING:
    from cooplevier.content.model import Structure


@command(help=t("help.assess"), epilog=t("help.assess.epilog"))
def assess(
    file: Annotated[Path | None, typer.Argument(metavar=t("metavar.file"), help=t("help.assess.file"))] = None,
    territory: Annotated[
        str | None, typer.Option("--territory", "-t", metavar=t("metavar.territory"), help=t("help.assess.territory"))
    ] = None,
    role: Annotated[
        str | None,
        typer.Option("--role", "-r", metavar=t("metavar.role"), help=t("help.assess.role", roles=", ".join(ROLES))),
    ] = None,
    name: Annotated[str | None, typer.Option("--name", metavar=t("metavar.name"), help=t("help.assess.name"))] = None,
    structure: StructureOpt = None,
    short: ShortOpt = False,
    content: ContentOpt = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", "--force", help=t("help.assess.yes"))] = False,
) -> int:
    from cooplevier.assess.session import assess as run
    from cooplevier.cli.terminal import TerminalPrompter

    kind, checked_role = _check_options(role, file, structure, territory=territory, name=name)
    pack = load(content)
    return run(
        pack,
        TerminalPrompter(),
        path=file,
        territory=territory,
        role=checked_role,
        name=name.strip() or None if name else None,
        structure=kind,
        form="short" if short else None,
        content=content,
        yes=yes,
    )


def _check_options(
    role: str | None, file: Path | None, structure: str | None, *, territory: str | None, name: str | None
) -> tuple[Structure | None, Role | None]:
    """The refusals before any question is asked (exit 2). The structure and the role, checked."""
    if role is not None and role not in ROLES:
        raise UsageError(t("answers.bad_role", value=role, roles=", ".join(ROLES)))
    from cooplevier.content.answers import text_problem

    if file is not None and (str(file) == "-" or (file.exists() and not file.is_file())):
        raise UsageError(t("assess.not_a_file"), file=file)  # stdout, a device, a folder: nothing to resume
    kind = check_structure(structure)
    for option, value in (("--territory", territory), ("--name", name)):
        problem = text_problem(value) if value is not None else None
        if problem is not None:
            raise UsageError(t("cli.bad_text_option", option=option, problem=problem))
    return kind, role
