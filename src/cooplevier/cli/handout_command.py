"""Workshop material: `cooplevier handout`."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, cast

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
) -> ExitCode:
    from cooplevier.files import write_output
    from cooplevier.report.handouts import Kind, render_handout

    format = pick_format(format, output, _BY_SUFFIX, terminal=HandoutFormat.html, piped=HandoutFormat.html)
    paths = list(answers or [])
    if bool(paths) != (kind is HandoutKind.poster):
        raise UsageError(t("handout.answers_only_poster") if paths else t("handout.poster_needs_answers"))
    kind_of = check_structure(structure)
    if (kind_of or short) and kind is HandoutKind.cards:  # a set of cards serves every table: said, not refused
        from cooplevier.cli.console import message

        message(t("handout.cards_same_for_all"))
        kind_of, short = None, False
    if (kind_of or short) and kind not in (HandoutKind.questionnaire, HandoutKind.guide):
        raise UsageError(t("handout.structure_only"))
    if format is HandoutFormat.pdf and output in (None, "-") and sys.stdout.isatty():
        raise UsageError(t("handout.pdf_to_terminal"))
    check_output(output, force=force)  # before rendering, which may take a while (pdf)
    pack = load(content)
    lever_id = check_lever(pack, lever)
    if kind is not HandoutKind.poster:
        data = render_handout(
            cast(Kind, kind.value),
            pack,
            fmt=format.value,
            lever_id=lever_id,
            structure=kind_of,
            form="short" if short else None,
        )
        write_output(output, data, force=force)
        return ExitCode.OK

    from cooplevier.cli.console import message
    from cooplevier.scoring import batch
    from cooplevier.scoring.synthesis import as_contribution, synthesize_batch

    results = batch.run(
        paths, pack=pack, convert=as_contribution, content_dir=content, on_refused=say_refused, on_warning=message
    )
    check_output(output, force=force, inputs=results.inputs)
    syn = synthesize_batch(results, pack)
    say_mixed(syn)
    write_output(output, render_handout("poster", pack, fmt=format.value, synthesis=syn), force=force)
    return batch_outcome(results, lambda n, total: tn("handout.refused", n))
