"""Commands over the content pack: validate, levers, cases, questions."""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

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
    print_json,
)
from cooplevier.errors import ExitCode, UsageError
from cooplevier.messages import t, tn

if TYPE_CHECKING:
    from cooplevier.content.model import Form, Pack, Structure
    from cooplevier.scoring import batch


class TableJson(StrEnum):
    table = "table"
    json = "json"
    text = "text"  # plain lines for a pipe (cli/reach/plain.py): the default when stdout is not a terminal


class TextJson(StrEnum):
    text = "text"
    json = "json"


class QuestionsFormat(StrEnum):
    table = "table"
    json = "json"
    yaml = "yaml"
    xlsx = "xlsx"


@command(help=t("help.validate"))
def validate(
    answers: Annotated[
        list[Path] | None, typer.Argument(metavar=t("metavar.answers_optional"), help=t("help.validate.answers"))
    ] = None,
    format: Annotated[TextJson, typer.Option("--format", "-f", help=t("help.format"))] = TextJson.text,
    content: ContentOpt = None,
) -> ExitCode:
    from cooplevier.cli.console import message
    from cooplevier.cli.cooperation.plan_files import check_plans, split_plans
    from cooplevier.scoring import batch

    pack = _fresh_pack(content, format)
    if format is TextJson.text:
        print(t("content.ok", path=pack.root, **_counts(pack)), flush=True)
    files: list[dict[str, Any]] = []

    def refused(item: batch.Refused) -> None:
        message(item.message)
        files.append({"file": item.file, "valid": False, "errors": item.message.splitlines()})

    plans, answers = split_plans(answers or [])
    plans_failed = check_plans(plans, pack, files, show=format is TextJson.text)
    checked = batch.run(
        answers, pack=pack, convert=batch.as_checked, content_dir=content, on_refused=refused, on_warning=message
    )
    _list_checked(checked, files, format)
    if format is TextJson.json:
        _print_validation(pack, files, valid=not checked.refused and not plans_failed)
    outcome = batch_outcome(checked, lambda n, total: tn("batch.summary", n, total=total))
    return ExitCode.FAILED if plans_failed else outcome


def _fresh_pack(content: Path | None, format: TextJson) -> Pack:
    """The pack read afresh (never from the cache), its warnings said; in JSON, a refusal said as JSON too."""
    from cooplevier.cli.console import message
    from cooplevier.content.load import load_pack
    from cooplevier.errors import CooplevierError

    try:
        pack = load_pack(content, use_cache=False)  # validate always checks afresh
    except CooplevierError as exc:
        if format is TextJson.json:
            print_json({"valid": False, "content": {"valid": False, "errors": exc.located().splitlines()}})
        raise
    for warning in pack.warnings:
        message(warning)
    return pack


def _counts(pack: Pack) -> dict[str, int]:
    return {"levers": len(pack.levers), "questions": len(pack.questions), "cases": len(pack.cases)}


def _list_checked(checked: batch.Batch[batch.Checked], files: list[dict[str, Any]], format: TextJson) -> None:
    from cooplevier.cli.console import terminal_safe

    for item in checked:
        files.append({"file": item.file, "valid": True, "answered": item.answered, "total": item.total})
        if format is TextJson.text:
            print(terminal_safe(t("answers.ok", file=item.file, answered=item.answered, total=item.total)), flush=True)


def _print_validation(pack: Pack, files: list[dict[str, Any]], *, valid: bool) -> None:
    content = {"valid": True, "path": pack.root, "pack": pack.ref, **_counts(pack)}
    print_json({"valid": valid, "content": content, "files": files})


def _show(format: TableJson | None, data: Callable[[], Any], table: Callable[[], Any], text: Callable[[], str]) -> None:
    """The JSON data on request, the rich table in a terminal, plain lines in a pipe (each built
    only if shown)."""
    if format is None:
        format = TableJson.table if sys.stdout.isatty() else TableJson.text
    if format is TableJson.json:
        print_json(data())
        return
    if format is TableJson.text:
        sys.stdout.write(text())
        return
    from cooplevier.cli.console import console

    console().print(table())


@command(help=t("help.levers"))
def levers(
    lever: Annotated[str | None, typer.Argument(metavar=t("metavar.id_optional"), help=t("help.levers.id"))] = None,
    format: Annotated[TableJson | None, typer.Option("--format", "-f", help=t("help.format.piped"))] = None,
    content: ContentOpt = None,
) -> None:
    from cooplevier.cli import tables
    from cooplevier.cli.reach import plain
    from cooplevier.report import browse

    pack = load(content)
    lever_id = check_lever(pack, lever)
    _show(
        format,
        lambda: browse.levers_data(pack, lever_id),
        lambda: tables.lever_detail(pack, lever_id) if lever_id else tables.levers_table(pack),
        lambda: plain.lever_text(pack, lever_id) if lever_id else plain.levers_text(pack),
    )


@command(help=t("help.cases"))
def cases(
    lever: Annotated[
        str | None, typer.Option("--lever", "-l", metavar=t("metavar.id"), help=t("help.cases.lever"))
    ] = None,
    format: Annotated[TableJson | None, typer.Option("--format", "-f", help=t("help.format.piped"))] = None,
    content: ContentOpt = None,
) -> None:
    from cooplevier.cli import tables
    from cooplevier.cli.reach import plain
    from cooplevier.report import browse

    pack = load(content)
    lever_id = check_lever(pack, lever)
    _show(
        format,
        lambda: browse.cases_data(pack, lever_id),
        lambda: tables.cases_table(pack, lever_id),
        lambda: plain.cases_text(pack, lever_id),
    )


_QUESTIONS_SUFFIX = {
    ".txt": QuestionsFormat.table,
    ".xlsx": QuestionsFormat.xlsx,
    ".json": QuestionsFormat.json,
    ".yaml": QuestionsFormat.yaml,
    ".yml": QuestionsFormat.yaml,
}


@command(help=t("help.questions"))
def questions(
    format: Annotated[QuestionsFormat | None, typer.Option("--format", "-f", help=t("help.format"))] = None,
    blank: Annotated[bool, typer.Option("--blank", help=t("help.questions.blank"))] = False,
    structure: StructureOpt = None,
    short: ShortOpt = False,
    output: OutputOpt = None,
    force: ForceOpt = False,
    content: ContentOpt = None,
) -> None:
    from cooplevier.files import Output, publish

    format = _questions_format(format, output)
    kind = check_structure(structure)
    form: Form | None = "short" if short else None
    if format is QuestionsFormat.xlsx:
        _grid(kind, short, output, force=force, content=content)
        return
    pack = load(content)
    text = _questions_text(pack, kind, form, format, blank=blank, output=output)
    if text is None:  # the table, printed on the terminal
        return
    check_output(output, force=force)
    publish(Output.of(text), output, force=force)


def _questions_format(format: QuestionsFormat | None, output: str | None) -> QuestionsFormat:
    if output is None:
        return format or QuestionsFormat.table
    return pick_format(format, output, _QUESTIONS_SUFFIX, terminal=QuestionsFormat.table, piped=QuestionsFormat.table)


def _questions_text(
    pack: Pack,
    kind: Structure | None,
    form: Form | None,
    format: QuestionsFormat,
    *,
    blank: bool,
    output: str | None,
) -> str | None:
    """The questions as text in `format`; None when the table was printed on the terminal instead."""
    from cooplevier.report import browse

    if blank:  # the blank answer file is YAML: `--output vierge.yaml` is the natural name
        if format not in (QuestionsFormat.table, QuestionsFormat.yaml):
            raise UsageError(t("questions.blank_format", format=format.value))
        from cooplevier.report.forms import blank_answers

        return blank_answers(pack, kind, form)
    if format is QuestionsFormat.json:
        import json

        return json.dumps(browse.questions_data(pack, kind, form), ensure_ascii=False, indent=2) + "\n"
    if format is QuestionsFormat.yaml:
        import yaml

        text: str = yaml.safe_dump(
            browse.questions_data(pack, kind, form), allow_unicode=True, sort_keys=False, width=100
        )
        return text
    from cooplevier.cli import tables
    from cooplevier.cli.console import console, plain_text

    table = tables.questions_table(pack, kind, form)
    if output in (None, "-"):
        console().print(table)
        return None
    return plain_text(table)


def _grid(structure: Structure | None, short: bool, output: str | None, *, force: bool, content: Path | None) -> None:
    """`questions --format xlsx`: the answer grid, for one structure type and form if asked."""
    from cooplevier.files import open_output
    from cooplevier.report.office.grid import write_grid

    if output is None or (output == "-" and sys.stdout.isatty()):
        raise UsageError(t("questions.xlsx_needs_output"))
    check_output(output, force=force)
    pack = load(content)
    with open_output(output, force=force, binary=True) as fh:
        write_grid(fh, pack, structure=structure, short=short)
