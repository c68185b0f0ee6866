"""Workshop material: `cooplevier handout`."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, cast

import typer

from cooplevier.cli.app import (
    ContentOpt,
    ForceOpt,
    OutputOpt,
    ShortOpt,
    StructureOpt,
    batch_outcome,
    check_lever,
    check_output,
    check_structure,
    command,
    load,
    pick_format,
    say_mixed,
    say_refused,
)
from cooplevier.errors import ExitCode, UsageError
from cooplevier.messages import t, tn

if TYPE_CHECKING:
    from cooplevier.content.model import Pack, Structure


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


@command(help=t("help.handout"))
def handout(
    kind: Annotated[HandoutKind, typer.Argument(metavar=t("metavar.support"), help=t("help.handout.kind"))],
    answers: Annotated[
        list[Path] | None, typer.Argument(metavar=t("metavar.answers_optional"), help=t("help.handout.answers"))
    ] = None,
    format: Annotated[HandoutFormat | None, typer.Option("--format", "-f", help=t("help.handout.format"))] = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
    lever: Annotated[
        str | None, typer.Option("--lever", "-l", metavar=t("metavar.id"), help=t("help.handout.lever"))
    ] = None,
    structure: StructureOpt = None,
    short: ShortOpt = False,
    content: ContentOpt = None,
    min_group: Annotated[int | None, typer.Option("--min-group", metavar="K", help=t("help.handout.min_group"))] = None,
) -> ExitCode:
    from cooplevier.files import Output, publish
    from cooplevier.report.handouts import Kind, render_handout

    format = pick_format(format, output, _BY_SUFFIX, terminal=HandoutFormat.html, piped=HandoutFormat.html)
    paths = list(answers or [])
    kind_of, short = _check_handout(kind, paths, structure, short, format, output, min_group)
    check_output(output, force=force)  # before rendering, which may take a while (pdf)
    pack = load(content)
    lever_id = check_lever(pack, lever)
    if kind is HandoutKind.poster:
        return _poster(paths, pack, format, output, force=force, content=content, min_group=min_group)
    data = render_handout(
        cast(Kind, kind.value),
        pack,
        fmt=format.value,
        lever_id=lever_id,
        structure=kind_of,
        form="short" if short else None,
    )
    publish(Output.of(data), output, force=force)
    return ExitCode.OK


def _check_handout(
    kind: HandoutKind,
    paths: list[Path],
    structure: str | None,
    short: bool,
    format: HandoutFormat,
    output: str | None,
    min_group: int | None,
) -> tuple[Structure | None, bool]:
    """The refusals before any work; the structure and form kept (a set of cards serves every table)."""
    if bool(paths) != (kind is HandoutKind.poster):
        raise UsageError(t("handout.answers_only_poster") if paths else t("handout.poster_needs_answers"))
    if min_group is not None and kind is not HandoutKind.poster:
        raise UsageError(t("handout.min_group_only"))
    if min_group is not None and min_group < 1:
        raise UsageError(t("report.bad_min_group", value=min_group))
    kind_of = check_structure(structure)
    if (kind_of or short) and kind is HandoutKind.cards:  # a set of cards serves every table: said, not refused
        from cooplevier.cli.console import message

        message(t("handout.cards_same_for_all"))
        kind_of, short = None, False
    if (kind_of or short) and kind not in (HandoutKind.questionnaire, HandoutKind.guide):
        raise UsageError(t("handout.structure_only"))
    if format is HandoutFormat.pdf and output in (None, "-") and sys.stdout.isatty():
        raise UsageError(t("handout.pdf_to_terminal"))
    return kind_of, short


def _poster(
    paths: list[Path],
    pack: Pack,
    format: HandoutFormat,
    output: str | None,
    *,
    force: bool,
    content: Path | None,
    min_group: int | None,
) -> ExitCode:
    """The poster of a group's answers: scored once, refused files said on the way, masked as
    `report` masks a synthesis (`--min-group`: the workshop folder's own K, else 3; 1: the
    facilitator's unmasked working copy, said on the poster and here)."""
    from cooplevier.cli.console import message
    from cooplevier.files import Output, publish
    from cooplevier.report.handouts import render_handout
    from cooplevier.scoring import batch
    from cooplevier.scoring.circulate import default_min_group, mask
    from cooplevier.scoring.synthesis import as_contribution, synthesize_batch

    k = min_group if min_group is not None else default_min_group(paths)

    results = batch.run(
        paths, pack=pack, convert=as_contribution, content_dir=content, on_refused=say_refused, on_warning=message
    )
    check_output(output, force=force, inputs=results.inputs)
    syn = mask(synthesize_batch(results, pack), k)
    say_mixed(syn)
    if k <= 1:
        message(t("handout.working_copy"))
    publish(Output.of(render_handout("poster", pack, fmt=format.value, synthesis=syn)), output, force=force)
    return batch_outcome(results, lambda n, total: tn("handout.refused", n))
