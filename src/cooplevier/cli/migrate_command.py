"""Answer files of an older pack version, rewritten for the current one: `cooplevier migrate`."""

from __future__ import annotations

import dataclasses
import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from cooplevier.cli.app import ContentOpt, ForceOpt, OutputOpt, check_output, command, load, print_json
from cooplevier.errors import CooplevierError, ExitCode, UsageError
from cooplevier.messages import t, tn


class MigrateFormat(StrEnum):
    text = "text"
    json = "json"


@command(help=t("help.migrate"))
def migrate(
    files: Annotated[list[Path], typer.Argument(metavar=t("metavar.answers_many"), help=t("help.migrate.files"))],
    output: OutputOpt = None,
    force: ForceOpt = False,
    content: ContentOpt = None,
    format: Annotated[
        MigrateFormat, typer.Option("--format", "-f", help=t("help.migrate.format"))
    ] = MigrateFormat.text,
) -> ExitCode:
    from cooplevier.cli.console import message
    from cooplevier.content.answers import load_answers
    from cooplevier.content.dump import as_written, dump_answers
    from cooplevier.files import write_output

    folder = output is not None and output != "-" and (Path(output).is_dir() or output.endswith(("/", "\\")))
    if len(files) > 1 and not folder:
        raise UsageError(t("migrate.needs_folder"))
    if format is MigrateFormat.json and output in (None, "-"):  # stdout carries the JSON summary
        raise UsageError(t("migrate.json_needs_output"))
    targets = [Path(str(output)) / f.name if folder else output for f in files]
    if folder:  # two files of the same name into one folder: the second would replace the first
        first: dict[str, Path] = {}
        for path, target in zip(files, targets, strict=True):
            if str(target) in first:
                raise UsageError(t("migrate.same_name", first=first[str(target)], second=path), file=target)
            first[str(target)] = path
    for target in targets:
        check_output(None if target is None else str(target), force=force, inputs=files)
    pack = load(content)
    failed = False
    summary: dict[str, Any] = {"pack": pack.ref, "written": [], "refused": []}  # --format json
    for path, target in zip(files, targets, strict=True):
        try:
            af = load_answers(path, pack)
        except CooplevierError as exc:
            message(exc.located())
            summary["refused"].append({"file": str(path), "errors": exc.located().splitlines()})
            failed = True
            continue
        header = [t("migrate.header", date=dt.date.today().isoformat(), pack=pack.ref)]
        if af.migrated is None:
            message(t("migrate.current", file=path, pack=pack.ref))
        else:
            message(tn("migrate.done", af.migrated.kept, file=path, version=af.migrated.version))
            for qid, raw, entry in af.migrated.dropped:  # kept as comments: nothing typed is lost
                header.append(t("migrate.dropped", answer=as_written(qid, raw), note=entry.note or entry.status))
            if af.migrated.ask_again:
                header.append(t("migrate.ask_again", ids=", ".join(af.migrated.ask_again)))
        text = dump_answers(dataclasses.replace(af, content=pack.ref), comments=_leading_comments(path) + header)
        write_output(None if target is None else str(target), text, force=force)
        summary["written"].append(_written(path, target, af.migrated, len(af.answers)))
    if format is MigrateFormat.json:
        print_json(summary)
    return ExitCode.FAILED if failed else ExitCode.OK


def _written(path: Path, target: Path | str | None, migrated: Any, answers: int) -> dict[str, Any]:
    """One rewritten file in `--format json`: what was kept, dropped (with why) and is to ask again."""
    from cooplevier.content.dump import as_written

    if migrated is None:  # already of the current version: copied as it is
        return {"file": str(path), "output": str(target), "from": None, "kept": answers, "dropped": [], "ask_again": []}
    dropped = [
        {"question": qid, "answer": as_written(qid, raw), "reason": entry.note or entry.status}
        for qid, raw, entry in migrated.dropped
    ]
    return {
        "file": str(path),
        "output": str(target),
        "from": migrated.version,
        "kept": migrated.kept,
        "dropped": dropped,
        "ask_again": list(migrated.ask_again),
    }


def _leading_comments(path: Path) -> list[str]:
    """The file's own comment lines at its top, kept on the rewritten file."""
    from cooplevier.textfile import decode

    lines = []
    text, _warnings = decode(path.read_bytes(), str(path))  # the answer files' one rule for encodings
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line[2:] if line.startswith("# ") else line[1:])
    return lines
