"""The cooperation plan: the law's calendar (`calendar`), the plan drafted from a diagnosis
(`plan`), and its follow-up over the mandate (`suivi`)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cooplevier.cli.app import (
    ContentOpt,
    ForceOpt,
    OutputOpt,
    StructureOpt,
    check_structure,
    command,
    load,
    pick_format,
    print_json,
)
from cooplevier.errors import CooplevierError, ExitCode, UsageError
from cooplevier.messages import t

if TYPE_CHECKING:
    from cooplevier.content.model import Pack, Structure

RenewalOpt = Annotated[str | None, typer.Option("--renewal", metavar=t("metavar.date"), help=t("help.plan.renewal"))]


def check_date(value: str | None, default: dt.date | None = None) -> dt.date | None:
    """A date typed as AAAA-MM-JJ, or the default."""
    if value is None:
        return default
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(t("plan.bad_date", value=value)) from None


class CalendarFormat(StrEnum):
    table = "table"
    json = "json"
    ics = "ics"


_CALENDAR_SUFFIX = {".txt": CalendarFormat.table, ".json": CalendarFormat.json, ".ics": CalendarFormat.ics}


@command(help=t("help.calendar"))
def calendar(
    structure: StructureOpt = None,
    renewal: RenewalOpt = None,
    format: Annotated[CalendarFormat | None, typer.Option("--format", "-f", help=t("help.calendar.format"))] = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
    content: ContentOpt = None,
) -> None:
    from cooplevier.cli.app import check_output
    from cooplevier.content.plan.calendar import DEFAULT_RENEWAL

    kind = check_structure(structure)
    day = check_date(renewal, DEFAULT_RENEWAL)
    assert day is not None
    format = pick_format(format, output, _CALENDAR_SUFFIX, terminal=CalendarFormat.table, piped=CalendarFormat.json)
    check_output(output, force=force)
    pack = load(content)
    data = _calendar_document(pack, kind, day, format, output)
    if data is not None:  # None: already shown on standard output
        _publish(data, output, force=force)


def _calendar_document(
    pack: Pack, kind: Structure | None, day: dt.date, format: CalendarFormat, output: str | None
) -> str | bytes | None:
    """The calendar in `format`, or None when it was printed on standard output (JSON, the table)."""
    from cooplevier.report.cooperation import calendar_view

    if format is CalendarFormat.json:
        if output in (None, "-"):
            print_json(calendar_view.calendar_data(pack, kind, day))
            return None
        import json

        return json.dumps(calendar_view.calendar_data(pack, kind, day), ensure_ascii=False, indent=2) + "\n"
    if format is CalendarFormat.ics:
        from cooplevier.report.cooperation.ics import calendar_file

        events = calendar_view.calendar_events(pack, kind, day)
        name = t("calendar.ics_name", structure=kind or t("calendar.all_structures"))
        return calendar_file(events, name=name).encode("utf-8")
    from cooplevier.cli.console import console, plain_text

    table = _calendar_table(calendar_view.calendar_data(pack, kind, day), kind, day)
    if output in (None, "-"):
        console().print(table)
        return None
    return plain_text(table)


def _calendar_table(rows: list[dict[str, Any]], structure: str | None, renewal: dt.date) -> Any:
    from rich.table import Table
    from rich.text import Text

    from cooplevier.typography import typeset as fr

    title = t("calendar.title", structure=structure or t("calendar.all_structures"), renewal=_fr_date(renewal))
    table = Table(title=Text(title), show_lines=True)
    table.add_column(t("calendar.col_due"), no_wrap=True)
    table.add_column(t("calendar.col_what"), ratio=3)
    table.add_column(t("calendar.col_when"), ratio=2)
    table.add_column(t("calendar.col_article"), ratio=1)
    for row in rows:
        due = _fr_date(dt.date.fromisoformat(row["due"])) if row["due"] else "—"
        what = Text(fr(row["title"]), style="bold")
        what.append("\n" + fr(row["what"]))
        if row["choice"]:
            what.append("\n" + t("calendar.choice", choice=fr(row["choice"])), style="italic")
        if structure is None:
            what.append("\n" + t("calendar.for", structures=", ".join(row["structures"])), style="dim")
        article = Text(fr(row["article"]))
        if row["to_check"]:
            article.append("\n" + t("calendar.to_check"), style="bold yellow")
        table.add_row(due, what, Text(fr(row["when"])), article)
    return table


def _fr_date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


class PlanFormat(StrEnum):
    yaml = "yaml"
    md = "md"
    html = "html"
    docx = "docx"
    odt = "odt"
    pdf = "pdf"
    xlsx = "xlsx"


_PLAN_SUFFIX = {
    ".yaml": PlanFormat.yaml,
    ".yml": PlanFormat.yaml,
    ".md": PlanFormat.md,
    ".html": PlanFormat.html,
    ".htm": PlanFormat.html,
    ".docx": PlanFormat.docx,
    ".odt": PlanFormat.odt,
    ".pdf": PlanFormat.pdf,
    ".xlsx": PlanFormat.xlsx,
}
_BINARY = (PlanFormat.docx, PlanFormat.odt, PlanFormat.pdf, PlanFormat.xlsx)
TodayOpt = Annotated[str | None, typer.Option("--today", metavar=t("metavar.date"), help=t("help.plan.today"))]


@command(help=t("help.plan"))
def plan(
    diagnostics: Annotated[
        list[Path], typer.Argument(metavar=t("metavar.diagnostics"), help=t("help.plan.diagnostics"))
    ],
    format: Annotated[PlanFormat | None, typer.Option("--format", "-f", help=t("help.plan.format"))] = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
    structure: StructureOpt = None,
    renewal: RenewalOpt = None,
    today: TodayOpt = None,
    content: ContentOpt = None,
) -> ExitCode:
    import sys

    from cooplevier.cli.app import check_output
    from cooplevier.content.plan.calendar import DEFAULT_RENEWAL

    kind = check_structure(structure)
    day = check_date(renewal, DEFAULT_RENEWAL)
    now = check_date(today, dt.date.today())
    assert day is not None and now is not None
    format = pick_format(format, output, _PLAN_SUFFIX, terminal=PlanFormat.yaml, piped=PlanFormat.yaml)
    if format in _BINARY and output in (None, "-") and sys.stdout.isatty():
        raise UsageError(t("report.binary_to_tty", format=format.value))
    check_output(output, force=force, inputs=diagnostics)
    pack = load(content)
    drafted, standing, refused = _draft(diagnostics, pack, kind, day, now)
    _publish(_render(drafted, pack, format, standing, day, now), output, force=force, inputs=diagnostics)
    return ExitCode.FAILED if refused else ExitCode.OK


def _draft(paths: list[Path], pack: Any, structure: Any, renewal: dt.date, today: dt.date) -> tuple[Any, Any, int]:
    """The plan drafted from the diagnostics (or read back when the one path is a plan file),
    the diagnosis it says it comes from, and how many files were refused."""
    from cooplevier.cli.app import say_refused
    from cooplevier.cli.console import message
    from cooplevier.cli.cooperation.plan_files import is_plan_file
    from cooplevier.content.plan.planfile import load_plan
    from cooplevier.content.plan.votes import find_vote
    from cooplevier.report.cooperation import draft as drafting
    from cooplevier.scoring import batch
    from cooplevier.scoring.synthesis import synthesize

    if len(paths) == 1 and is_plan_file(paths[0]):
        return load_plan(paths[0], pack), None, 0
    items = batch.collect(paths, pack)
    if len(items) == 1 and isinstance(items[0], batch.Refused):
        raise CooplevierError(items[0].message)
    vote = find_vote(paths[0], pack) if len(paths) == 1 and paths[0].is_dir() else None
    if len(items) == 1 and vote is None and not isinstance(items[0], batch.Duplicate):
        result = batch.score_file(Path(items[0]), pack, on_warning=message) if isinstance(items[0], str) else None
        if result is not None:
            standing = drafting.from_result(result, structure)
            return drafting.draft(standing, pack, renewal=renewal, today=today), standing, 0
    scored = batch.start(items, pack=pack, convert=batch.as_result, on_refused=say_refused, on_warning=message)
    results = list(scored)
    if not results:
        raise CooplevierError(t("batch.no_valid_file"))
    syn = synthesize(results, pack)
    if vote is not None and vote.counted:
        message(t("plan.from_vote", voters=vote.voters, file=vote.file))
        if vote.status != "closed":
            message(t("plan.vote_not_closed", status=vote.status or "?"))
    standing = drafting.from_group(syn, pack, structure or drafting.structures_of(results), vote=vote)
    return drafting.draft(standing, pack, renewal=renewal, today=today), standing, len(scored.refused)


def _render(drafted: Any, pack: Any, format: PlanFormat, standing: Any, renewal: dt.date, today: dt.date) -> Any:
    if format is PlanFormat.yaml:
        from cooplevier.content.plan.planfile import dump_plan

        return dump_plan(drafted, comments=(t("plan.yaml_head"),))
    if format is PlanFormat.xlsx:
        from cooplevier.report.cooperation.workbook import plan_workbook

        return plan_workbook(drafted)
    from cooplevier.report.cooperation.plan_doc import render_plan_document

    data = render_plan_document(drafted, pack, format.value, standing, renewal=renewal, today=today)
    return data


class SuiviFormat(StrEnum):
    md = "md"
    html = "html"
    docx = "docx"
    odt = "odt"
    pdf = "pdf"
    json = "json"
    ics = "ics"


_SUIVI_SUFFIX = {
    ".md": SuiviFormat.md,
    ".html": SuiviFormat.html,
    ".htm": SuiviFormat.html,
    ".docx": SuiviFormat.docx,
    ".odt": SuiviFormat.odt,
    ".pdf": SuiviFormat.pdf,
    ".json": SuiviFormat.json,
    ".ics": SuiviFormat.ics,
}


@command(help=t("help.suivi"))
def suivi(
    plan_file: Annotated[Path, typer.Argument(metavar=t("metavar.plan"), help=t("help.suivi.plan"))],
    diagnostics: Annotated[
        list[Path] | None, typer.Argument(metavar=t("metavar.diagnostics_optional"), help=t("help.suivi.diagnostics"))
    ] = None,
    format: Annotated[SuiviFormat | None, typer.Option("--format", "-f", help=t("help.suivi.format"))] = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
    renewal: RenewalOpt = None,
    today: TodayOpt = None,
    content: ContentOpt = None,
) -> ExitCode:
    import sys

    from cooplevier.cli.app import check_output
    from cooplevier.content.plan.calendar import DEFAULT_RENEWAL
    from cooplevier.content.plan.planfile import load_plan
    from cooplevier.report.cooperation import followup

    now = check_date(today, dt.date.today())
    asked = check_date(renewal)
    assert now is not None
    format = pick_format(format, output, _SUIVI_SUFFIX, terminal=SuiviFormat.md, piped=SuiviFormat.md)
    if format in (SuiviFormat.docx, SuiviFormat.odt, SuiviFormat.pdf) and output in (None, "-") and sys.stdout.isatty():
        raise UsageError(t("report.binary_to_tty", format=format.value))
    paths = list(diagnostics or [])
    check_output(output, force=force, inputs=[plan_file, *paths])
    pack = load(content)
    plan = load_plan(plan_file, pack)
    day = asked or plan.renewal or DEFAULT_RENEWAL
    points, refused = _diagnosis_points(paths, pack)
    f = followup.follow(plan, pack, today=now, renewal=day, series=tuple(points))
    _publish(_suivi_document(f, pack, plan.territory, format), output, force=force, inputs=[plan_file, *paths])
    return ExitCode.FAILED if refused else ExitCode.OK


def _diagnosis_points(paths: list[Path], pack: Pack) -> tuple[list[Any], list[Any]]:
    """Each diagnosis scored, in order; what was refused (said on the way)."""
    from cooplevier.cli.app import say_refused
    from cooplevier.cli.console import message
    from cooplevier.report.cooperation import followup

    refused: list[Any] = []

    def said(item: Any) -> None:
        refused.append(item)
        say_refused(item)

    points = []
    for path in paths:
        point = followup.diagnosis_point(path, pack, on_refused=said, on_warning=message)
        if point is None:
            message(CooplevierError(t("suivi.nothing_scored"), file=path).located())
            refused.append(path)
        else:
            points.append(point)
    return points, refused


def _suivi_document(f: Any, pack: Pack, territory: str, format: SuiviFormat) -> str | bytes:
    """The follow-up in `format`: JSON, an iCalendar file, or a document (md, html, docx, odt, pdf)."""
    import json

    from cooplevier.report.cooperation import followup

    if format is SuiviFormat.json:
        return json.dumps(followup.followup_data(f, pack), ensure_ascii=False, indent=2) + "\n"
    if format is SuiviFormat.ics:
        from cooplevier.report.cooperation.ics import calendar_file

        name = t("suivi.ics_name", territory=territory)
        events = followup.followup_events(f, pack)
        return calendar_file(events, name=name).encode("utf-8")
    from cooplevier.report.cooperation.plan_doc import render_followup_document

    document: str | bytes = render_followup_document(f, pack, format.value)
    return document


def _publish(data: str | bytes, output: str | None, *, force: bool, inputs: Any = ()) -> None:
    """Every output of these commands goes through the house's one writer (`files.publish`)."""
    from cooplevier.cli.app import with_option_files
    from cooplevier.files import Output, publish

    publish(Output.of(data), output, inputs=with_option_files(inputs), force=force)
