"""The workshop server: `cooplevier atelier DIR`.

Starlette, uvicorn and segno are imported inside the command only: the start-up of every other
command (benchmarked) does not pay for them.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cooplevier.cli.app import ContentOpt, command, load
from cooplevier.content import STRUCTURES
from cooplevier.errors import CooplevierError, ExitCode, UsageError
from cooplevier.messages import t, tn

if TYPE_CHECKING:
    from cooplevier.atelier.server import Listening
    from cooplevier.atelier.workshop import Workshop
    from cooplevier.content.model import Pack, Structure

DEFAULT_PORT = 8765


class AtelierFormat(StrEnum):
    text = "text"
    json = "json"


@command(help=t("help.atelier"), epilog=t("help.atelier.epilog"))
def atelier(
    folder: Annotated[Path, typer.Argument(metavar="DOSSIER", help=t("help.atelier.dir"))],
    territory: Annotated[
        str | None, typer.Option("--territory", "-t", metavar="TERRITOIRE", help=t("help.atelier.territory"))
    ] = None,
    structure: Annotated[
        str | None,
        typer.Option("--structure", metavar="TYPE", help=t("help.atelier.structure", types=", ".join(STRUCTURES))),
    ] = None,
    short: Annotated[bool, typer.Option("--short", help=t("help.atelier.short"))] = False,
    host: Annotated[str | None, typer.Option("--host", metavar="ADRESSE", help=t("help.atelier.host"))] = None,
    port: Annotated[int | None, typer.Option("--port", "-p", metavar="PORT", help=t("help.atelier.port"))] = None,
    lan: Annotated[bool, typer.Option("--lan", help=t("help.atelier.lan"))] = False,
    min_group: Annotated[int | None, typer.Option("--min-group", metavar="K", help=t("help.atelier.min_group"))] = None,
    join_rate: Annotated[int, typer.Option("--join-rate", metavar="N", help=t("help.atelier.join_rate"))] = 30,
    minutes: Annotated[int | None, typer.Option("--minutes", metavar="N", help=t("help.atelier.minutes"))] = None,
    wifi: Annotated[str | None, typer.Option("--wifi", metavar="SSID", help=t("help.atelier.wifi"))] = None,
    organiser: Annotated[
        str | None, typer.Option("--organiser", metavar=t("metavar.name"), help=t("help.atelier.organiser"))
    ] = None,
    retention: Annotated[
        str | None, typer.Option("--retention", metavar=t("metavar.duration"), help=t("help.atelier.retention"))
    ] = None,
    format: Annotated[
        AtelierFormat, typer.Option("--format", "-f", help=t("help.atelier.format"))
    ] = AtelierFormat.text,
    content: ContentOpt = None,
) -> ExitCode:
    kind = _check_options(
        structure, port=port, min_group=min_group, join_rate=join_rate, lan=lan, host=host, minutes=minutes
    )
    wifi_text = _ask_wifi(wifi) if wifi is not None else None  # before anything is made or listened on
    _check_territory(territory)
    notice = _check_notice(organiser=organiser, retention=retention)
    pack = load(content)
    if short and not pack.form(kind, "short"):  # said before the folder is made an atelier
        raise CooplevierError(t("atelier.no_short"))
    workshop = _start(
        folder, pack, territory, kind, short=short, min_group=min_group, join_rate=join_rate, notice=notice
    )
    try:
        _serve(workshop, host, port, lan=lan, minutes=minutes, wifi_text=wifi_text, fmt=format)
        _say_stopped(workshop, folder)
    finally:
        workshop.release()
    return ExitCode.OK


def _start(
    folder: Path,
    pack: Pack,
    territory: str | None,
    kind: Structure | None,
    *,
    short: bool,
    min_group: int | None,
    join_rate: int,
    notice: dict[str, str],
) -> Workshop:
    """The folder made (or found) an atelier, held by this server until it stops."""
    from cooplevier.atelier.workshop import start_workshop

    return start_workshop(
        folder,
        pack,
        territory=territory.strip() if territory else None,
        structure=kind,
        short=short,
        min_group=min_group,
        join_rate=join_rate,
        hold=True,
        notice=notice,
    )


def _check_options(
    structure: str | None,
    *,
    port: int | None,
    min_group: int | None,
    join_rate: int,
    lan: bool,
    host: str | None,
    minutes: int | None,
) -> Structure | None:
    """The refusals that need nothing read: exit 2 before any work. The structure, checked."""
    if structure is not None and structure not in STRUCTURES:
        raise UsageError(t("atelier.bad_structure", value=structure, types=", ".join(STRUCTURES)))
    if port is not None and not 0 <= port <= 65535:
        raise UsageError(t("atelier.bad_port", port=port))
    if min_group is not None and min_group < 2:
        raise UsageError(t("atelier.bad_min_group", value=min_group))
    if join_rate < 1:
        raise UsageError(t("atelier.bad_join_rate", value=join_rate))
    if lan and host is not None:
        raise UsageError(t("atelier.lan_and_host"))
    if minutes is not None and not 1 <= minutes <= 600:
        raise UsageError(t("atelier.bad_minutes", value=minutes))
    return structure


def _check_territory(territory: str | None) -> None:
    if territory is None:
        return
    if not territory.strip() or len(territory) > 200:
        raise UsageError(t("atelier.bad_territory"))
    from cooplevier.content.answers import text_problem

    if (problem := text_problem(territory)) is not None:  # as assess: never a file
        raise UsageError(t("cli.bad_text_option", option="--territory", problem=problem))


def _check_notice(**given: str | None) -> dict[str, str]:
    """--organiser and --retention, the data page's lines: one clean line each, those given."""
    from cooplevier.atelier.state import NOTICE_MAX
    from cooplevier.content.answers import text_problem

    notice = {}
    for name, value in given.items():
        if value is None:
            continue
        if not value.strip() or len(value) > NOTICE_MAX:
            raise UsageError(t("atelier.bad_notice", option=f"--{name}", most=NOTICE_MAX))
        if (problem := text_problem(value)) is not None:
            raise UsageError(t("cli.bad_text_option", option=f"--{name}", problem=problem))
        notice[name] = " ".join(value.split())
    return notice


def _serve(
    workshop: Workshop,
    host: str | None,
    port: int | None,
    *,
    lan: bool,
    minutes: int | None,
    wifi_text: tuple[str, str] | None,
    fmt: AtelierFormat,
) -> None:
    """Listen, announce the links and serve until Ctrl-C or SIGTERM (both are a normal end)."""
    from cooplevier.atelier import server
    from cooplevier.atelier.facilitation import startup
    from cooplevier.atelier.web import create_app

    if not workshop.registry.questions:
        if workshop.state.settings.form == "short":
            raise CooplevierError(t("atelier.no_short"))
        raise CooplevierError(t("atelier.no_questions"))
    chosen = port if port is not None else (workshop.state.port or DEFAULT_PORT)
    listening = server.listen(host, chosen, lan=lan)
    workshop.remember_port(listening.port)
    startup.plan(workshop, minutes)  # --minutes, kept in the state folder
    workshop.wifi = wifi_text
    workshop.base_url = f"http://{listening.host}:{listening.port}"
    workshop.local_only = listening.local_only
    app = create_app(workshop)
    with server.signals_held():
        _announce(workshop, listening, fmt)
        server.serve(app, listening)


def _say_stopped(workshop: Workshop, folder: Path) -> None:
    from cooplevier.cli.console import message

    people = list(workshop.registry)
    answers = sum(len(p.answers) for p in people)
    message(
        t(
            "atelier.stopped",
            folder=str(folder),
            people=tn("atelier.people", len(people)),
            answers=tn("atelier.answers", answers),
        )
    )


def _announce(workshop: Workshop, listening: Listening, fmt: AtelierFormat) -> None:
    """The links: one JSON line (flushed) for scripts, or links and a QR code for a person."""
    from cooplevier.atelier.facilitation import startup
    from cooplevier.cli.console import message

    lines = _links_json(workshop) if fmt is AtelierFormat.json else _links_text(workshop)
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()
    people = len(list(workshop.registry))
    if people:
        message(tn("atelier.resumed", people))
    if workshop.state.closed:
        message(t("atelier.is_closed"))
    message(t("atelier.local_only") if listening.local_only else t("atelier.on_network"))
    for note in startup.notes(workshop, listening.host, listening.port):  # the time; the network check
        message(note)
    message(t("atelier.how_to_stop"))


def _links_json(workshop: Workshop) -> list[str]:
    """One line for scripts: every link and the folder."""
    screen = f"{workshop.base_url}/ecran/{workshop.state.screen_key}"
    line = {
        "participant": workshop.participant_url,
        "facilitator": workshop.facilitator_url,
        "screen": screen,
        "presenter": f"{screen}/presentation",
        "folder": str(workshop.folder.resolve()),
    }
    return [json.dumps(line, ensure_ascii=False)]


def _links_text(workshop: Workshop) -> list[str]:
    """For a person: the participants' link and its QR code, the Wi-Fi's, the facilitator's link."""
    from cooplevier.atelier.views import qr_text

    settings = workshop.state.settings
    folder = str(workshop.folder.resolve())
    return [
        t("atelier.title", territory=settings.territory),
        tn("atelier.summary", len(workshop.registry.questions), folder=folder),
        "",
        t("atelier.participant_link"),
        "  " + workshop.participant_url,
        "",
        qr_text(workshop.participant_url),
        *_wifi_lines(workshop),
        t("atelier.facilitator_link"),
        "  " + workshop.facilitator_url,
        "",
    ]


def _ask_wifi(ssid: str) -> tuple[str, str]:
    """The Wi-Fi QR code's text: the password is asked here, hidden, never taken from the command line."""
    from cooplevier.atelier.facilitation.network import wifi_payload, wifi_problem

    if wifi_problem(ssid, "") == "ssid":
        raise UsageError(t("atelier.wifi_bad_ssid", ssid=ssid))
    password = typer.prompt(
        t("atelier.wifi_prompt", ssid=ssid),
        default="",
        show_default=False,
        hide_input=True,
        err=True,
        prompt_suffix="\u00a0: ",
    )
    if wifi_problem(ssid, password) == "password":
        raise UsageError(t("atelier.wifi_bad_password"))
    return ssid, wifi_payload(ssid, password)


def _wifi_lines(workshop: Workshop) -> list[str]:
    from cooplevier.atelier.views import qr_text

    if workshop.wifi is None:
        return []
    return [t("atelier.wifi_qr", ssid=workshop.wifi[0]), "", qr_text(workshop.wifi[1])]
