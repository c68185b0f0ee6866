"""Commands over the content pack: validate, levers, cases, questions."""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from cooplevier.cli.app import ContentOpt, batch_outcome, check_lever, command, load, print_json
from cooplevier.errors import ExitCode, UsageError
from cooplevier.messages import t, tn


class TableJson(StrEnum):
    table = "table"
    json = "json"


class TextJson(StrEnum):
    text = "text"
    json = "json"


class QuestionsFormat(StrEnum):
    table = "table"
    json = "json"
    yaml = "yaml"


@command(help=t("help.validate"))
def validate(
    answers: Annotated[
        list[Path] | None, typer.Argument(metavar=t("metavar.answers_optional"), help=t("help.validate.answers"))
    ] = None,
    format: Annotated[TextJson, typer.Option("--format", "-f", help=t("help.format"))] = TextJson.text,
    content: ContentOpt = None,
) -> ExitCode:
    from cooplevier.cli.console import message
    from cooplevier.content.load import load_pack
    from cooplevier.errors import CooplevierError
    from cooplevier.scoring import batch

    try:
        pack = load_pack(content, use_cache=False)  # validate always checks afresh
    except CooplevierError as exc:
        if format is TextJson.json:
            print_json({"valid": False, "content": {"valid": False, "errors": exc.located().splitlines()}})
        raise
    counts = {"levers": len(pack.levers), "questions": len(pack.questions), "cases": len(pack.cases)}
    if format is TextJson.text:
        print(t("content.ok", path=pack.root, **counts), flush=True)
    files: list[dict[str, Any]] = []

    def refused(item: batch.Refused) -> None:
        message(item.message)
        files.append({"file": item.file, "valid": False, "errors": item.message.splitlines()})

    checked = batch.run(answers or [], pack=pack, convert=batch.as_checked, content_dir=content,
                        on_refused=refused, on_warning=message)
    for item in checked:
        files.append({"file": item.file, "valid": True, "answered": item.answered, "total": item.total})
        if format is TextJson.text:
            print(t("answers.ok", file=item.file, answered=item.answered, total=item.total), flush=True)
    if format is TextJson.json:
        print_json({
            "valid": not checked.refused,
            "content": {"valid": True, "path": pack.root, "pack": pack.ref, **counts},
            "files": files,
        })
    return batch_outcome(checked, lambda n, total: tn("batch.summary", n, total=total))


def _show(format: TableJson, data: Callable[[], Any], table: Callable[[], Any]) -> None:
    """The JSON data on request, else the rich table (each built only if shown)."""
    if format is TableJson.json:
        print_json(data())
        return
    from cooplevier.cli.console import console

    console().print(table())


@command(help=t("help.levers"))
def levers(
    lever: Annotated[str | None, typer.Argument(metavar=t("metavar.id_optional"), help=t("help.levers.id"))] = None,
    format: Annotated[TableJson, typer.Option("--format", "-f", help=t("help.format"))] = TableJson.table,
    content: ContentOpt = None,
) -> None:
    from cooplevier.cli import tables
    from cooplevier.report import browse

    pack = load(content)
    lever_id = check_lever(pack, lever)
    _show(
        format,
        lambda: browse.levers_data(pack, lever_id),
        lambda: tables.lever_detail(pack, lever_id) if lever_id else tables.levers_table(pack),
    )


@command(help=t("help.cases"))
def cases(
    lever: Annotated[
        str | None, typer.Option("--lever", "-l", metavar=t("metavar.id"), help=t("help.cases.lever"))
    ] = None,
    format: Annotated[TableJson, typer.Option("--format", "-f", help=t("help.format"))] = TableJson.table,
    content: ContentOpt = None,
) -> None:
    from cooplevier.cli import tables
    from cooplevier.report import browse

    pack = load(content)
    lever_id = check_lever(pack, lever)
    _show(format, lambda: browse.cases_data(pack, lever_id), lambda: tables.cases_table(pack, lever_id))


@command(help=t("help.questions"))
def questions(
    format: Annotated[QuestionsFormat, typer.Option("--format", "-f", help=t("help.format"))] = QuestionsFormat.table,
    blank: Annotated[bool, typer.Option("--blank", help=t("help.questions.blank"))] = False,
    content: ContentOpt = None,
) -> None:
    from cooplevier.report import browse

    pack = load(content)
    if blank:
        if format is not QuestionsFormat.table:
            raise UsageError(t("questions.blank_format", format=format.value))
        from cooplevier.report.handouts import blank_answers

        sys.stdout.write(blank_answers(pack))
        return
    if format is QuestionsFormat.json:
        print_json(browse.questions_data(pack))
    elif format is QuestionsFormat.yaml:
        import yaml

        sys.stdout.write(yaml.safe_dump(browse.questions_data(pack), allow_unicode=True, sort_keys=False, width=100))
    else:
        from cooplevier.cli import tables
        from cooplevier.cli.console import console

        console().print(tables.questions_table(pack))
