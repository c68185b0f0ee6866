"""The cooperation plan: the law's calendar (`calendar`), the plan drafted from a diagnosis
(`plan`), and its follow-up over the mandate (`suivi`)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any

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
from cooplevier.errors import UsageError
from cooplevier.messages import t

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
    from cooplevier.files import write_output
    from cooplevier.report.cooperation import calendar_view

    kind = check_structure(structure)
    day = check_date(renewal, DEFAULT_RENEWAL)
    assert day is not None
    format = pick_format(format, output, _CALENDAR_SUFFIX, terminal=CalendarFormat.table, piped=CalendarFormat.json)
    check_output(output, force=force)
    pack = load(content)
    if format is CalendarFormat.json:
        if output in (None, "-"):
            print_json(calendar_view.calendar_data(pack, kind, day))
            return
        import json

        data = json.dumps(calendar_view.calendar_data(pack, kind, day), ensure_ascii=False, indent=2) + "\n"
        write_output(output, data, force=force)
        return
    if format is CalendarFormat.ics:
        from cooplevier.report.cooperation.ics import calendar_file

        events = calendar_view.calendar_events(pack, kind, day)
        name = t("calendar.ics_name", structure=kind or t("calendar.all_structures"))
        write_output(output, calendar_file(events, name=name).encode("utf-8"), force=force)
        return
    from cooplevier.cli.console import console, plain_text

    table = _calendar_table(calendar_view.calendar_data(pack, kind, day), kind, day)
    if output in (None, "-"):
        console().print(table)
    else:
        write_output(output, plain_text(table), force=force)


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
        article = Text(fr(row["article"]))
        if row["to_check"]:
            article.append("\n" + t("calendar.to_check"), style="bold yellow")
        table.add_row(due, what, Text(fr(row["when"])), article)
    return table


def _fr_date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")
