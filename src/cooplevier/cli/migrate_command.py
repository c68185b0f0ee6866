"""Answers over time: `cooplevier migrate` (answer files of an older pack version, rewritten for
the current one) and `cooplevier compare` (progress between two diagnostics or more, of one person
or of a group, across questionnaire versions)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cooplevier.cli.app import (
    ContentOpt,
    ForceOpt,
    OutputOpt,
    check_output,
    command,
    load,
    pick_format,
    print_json,
    say_refused,
    with_option_files,
)
from cooplevier.errors import CooplevierError, ErrorGroup, ExitCode, UsageError
from cooplevier.messages import t, tn

if TYPE_CHECKING:
    from cooplevier.content.answers import AnswerFile
    from cooplevier.content.model import Pack
    from cooplevier.scoring.compare import Comparison


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
    targets = _migrate_targets(files, output, format)
    for target in targets:
        check_output(None if target is None else str(target), force=force, inputs=files)
    pack = load(content)
    failed = False
    summary: dict[str, Any] = {"pack": pack.ref, "written": [], "refused": []}  # --format json
    for path, target in zip(files, targets, strict=True):
        if not _migrate_one(path, target, pack, force=force, summary=summary):
            failed = True
    if format is MigrateFormat.json:
        print_json(summary)
    return ExitCode.FAILED if failed else ExitCode.OK


def _migrate_targets(files: list[Path], output: str | None, format: MigrateFormat) -> list[Path | str | None]:
    """Where each file goes (a folder for many, else `--output` or stdout); refusals before any work."""
    folder = output is not None and output != "-" and (Path(output).is_dir() or output.endswith(("/", "\\")))
    if len(files) > 1 and not folder:
        raise UsageError(t("migrate.needs_folder"))
    if format is MigrateFormat.json and output in (None, "-"):  # stdout carries the JSON summary
        raise UsageError(t("migrate.json_needs_output"))
    targets: list[Path | str | None] = [Path(str(output)) / f.name if folder else output for f in files]
    if folder:  # two files of the same name into one folder: the second would replace the first
        first: dict[str, Path] = {}
        for path, target in zip(files, targets, strict=True):
            if str(target) in first:
                raise UsageError(t("migrate.same_name", first=first[str(target)], second=path), file=target)
            first[str(target)] = path
    return targets


def _migrate_one(path: Path, target: Path | str | None, pack: Pack, *, force: bool, summary: dict[str, Any]) -> bool:
    """One file rewritten for the current pack; False (said, and in the summary) when it could not be."""
    from cooplevier.cli.console import message
    from cooplevier.content.answers import load_answers
    from cooplevier.files import Output, publish
    from cooplevier.writelock import writing

    try:
        af = load_answers(path, pack)
    except CooplevierError as exc:
        message(exc.located())
        summary["refused"].append({"file": str(path), "errors": exc.located().splitlines()})
        return False
    text = _migrated_text(path, af, pack)
    if target is None or str(target) == "-":
        publish(Output.of(text), None, force=force)
        return True
    try:
        with writing(Path(target), "cooplevier migrate", message):  # never under assess or a workshop
            publish(Output.of(text), str(target), force=force)
    except CooplevierError as exc:
        message(exc.located())
        summary["refused"].append({"file": str(path), "errors": exc.located().splitlines()})
        return False
    summary["written"].append(_written(path, target, af.migrated, len(af.answers)))
    return True


def _migrated_text(path: Path, af: AnswerFile, pack: Pack) -> str:
    """The rewritten file: its own leading comments, then what the migration dropped or asks again."""
    from cooplevier.cli.console import message
    from cooplevier.content.dump import as_written, dump_answers

    header = [t("migrate.header", date=dt.date.today().isoformat(), pack=pack.ref)]
    if af.migrated is None:  # copied as it is: no stamp of a rewrite that did not happen
        message(t("migrate.current", file=path, pack=pack.ref))
        header = []
    else:
        message(tn("migrate.done", af.migrated.kept, file=path, version=af.migrated.version))
        for qid, raw, entry in af.migrated.dropped:  # kept as comments: nothing typed is lost
            header.append(t("migrate.dropped", answer=as_written(qid, raw), note=entry.note or entry.status))
        if af.migrated.ask_again:
            header.append(t("migrate.ask_again", ids=", ".join(af.migrated.ask_again)))
    return dump_answers(dataclasses.replace(af, content=pack.ref), comments=_leading_comments(path) + header)


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


class CompareFormat(StrEnum):
    table = "table"
    json = "json"
    md = "md"
    html = "html"


_COMPARE_SUFFIX = {
    ".txt": CompareFormat.table,
    ".json": CompareFormat.json,
    ".md": CompareFormat.md,
    ".html": CompareFormat.html,
    ".htm": CompareFormat.html,
}


@command(help=t("help.compare"))
def compare(
    paths: Annotated[list[Path], typer.Argument(metavar=t("metavar.series"), help=t("help.compare.paths"))],
    format: Annotated[CompareFormat | None, typer.Option("--format", "-f", help=t("help.compare.format"))] = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
    content: ContentOpt = None,
    min_group: Annotated[int | None, typer.Option("--min-group", metavar="K", help=t("help.report.min_group"))] = None,
) -> None:
    from cooplevier.cli.app import check_output
    from cooplevier.files import write_output
    from cooplevier.report.compare import render_comparison

    if len(paths) < 2:
        raise UsageError(t("compare.two_paths"))
    if min_group is not None and min_group < 1:
        raise UsageError(t("report.bad_min_group", value=min_group))
    if len(paths) > 2 or min_group is not None or not all(_one_answer_file(p) for p in paths):
        _compare_groups(paths, format, output, force=force, content=content, min_group=min_group)
        return
    old, new = paths
    format = pick_format(format, output, _COMPARE_SUFFIX, terminal=CompareFormat.table, piped=CompareFormat.json)
    check_output(output, force=force, inputs=[old, new])
    pack = load(content)
    cmp = _comparison(old, new, pack)
    if format is CompareFormat.table:
        from cooplevier.cli.report_commands import _print_table
        from cooplevier.cli.tables import comparison_table

        _print_table(comparison_table(cmp, pack), output, force=force)
    else:
        write_output(output, render_comparison(cmp, pack, fmt=format.value), force=force, inputs=[old, new])


def _comparison(old: Path, new: Path, pack: Pack) -> Comparison:
    """Two files loaded (every error of both said at once), scored on the questions both were asked."""
    from cooplevier.cli.console import message
    from cooplevier.content.answers import load_answers
    from cooplevier.scoring.compare import common_scope, restrict, same_levels
    from cooplevier.scoring.compare import compare as compare_results
    from cooplevier.scoring.engine import score
    from cooplevier.scoring.synthesis import same_territory

    files, errors = [], []
    for path in (old, new):
        try:
            files.append(load_answers(path, pack))
        except CooplevierError as exc:
            errors.append(exc)
    if errors:
        raise ErrorGroup(errors)
    for af in files:
        for warning in af.warnings:
            message(warning)
    pair = (files[0], files[1])
    if same_territory(pair[0].territory) != same_territory(pair[1].territory):
        message(t("compare.other_territory", old=pair[0].territory, new=pair[1].territory))
    scope = common_scope(pair, pack)
    if scope is not None:
        message(
            tn("compare.scope", len(scope.questions), versions=" et ".join(scope.versions), version=pack.meta.version)
        )
        pair = same_levels((restrict(pair[0], scope), restrict(pair[1], scope)), scope)
    return compare_results(score(pair[0], pack), score(pair[1], pack), pack, scope)


def _one_answer_file(path: Path) -> bool:
    return path.suffix.lower() in (".yaml", ".yml") and not path.is_dir()


def _compare_groups(
    paths: list[Path],
    format: CompareFormat | None,
    output: str | None,
    *,
    force: bool,
    content: Path | None,
    min_group: int | None,
) -> None:
    """`compare` over folders, grids or a series: each PATH one point, masked (docs/batch.md)."""
    from cooplevier.cli.app import check_output
    from cooplevier.cli.console import message
    from cooplevier.files import write_output
    from cooplevier.report.compare import render_series
    from cooplevier.scoring import batch
    from cooplevier.scoring.progress import build_series

    chosen = pick_format(format, output, _COMPARE_SUFFIX, terminal=CompareFormat.md, piped=CompareFormat.json)
    check_output(output, force=force)
    pack = load(content)
    inputs = list(batch.inputs(batch.collect(paths, pack)))
    check_output(output, force=force, inputs=inputs)
    series = build_series(
        paths, pack, min_group=min_group, content_dir=content, on_refused=say_refused, on_warning=message
    )
    fmt = "md" if chosen is CompareFormat.table else chosen.value  # a terminal gets the Markdown tables
    write_output(output, render_series(series, pack, fmt=fmt), force=force, inputs=with_option_files(inputs))
