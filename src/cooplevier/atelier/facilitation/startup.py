"""What the start-up adds for the room: `--minutes` kept, whether the form fits it, whether the
links' address answers. Returned as French lines; the command prints them (cli never computes them)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from cooplevier.atelier.facilitation import network
from cooplevier.atelier.facilitation.pacing import Fit, fit, save_timer
from cooplevier.messages import t

if TYPE_CHECKING:
    from cooplevier.atelier.workshop import Workshop


def plan(w: Workshop, minutes: int | None) -> None:
    """Keep `--minutes` in the state folder (a restart without it keeps the planned time)."""
    if minutes is not None and minutes != w.timer.minutes:
        w.timer = replace(w.timer, minutes=minutes)
        save_timer(w.folder, w.timer)


def workshop_fit(w: Workshop) -> Fit | None:
    """Whether the form fits the planned time (content.reading: the one measure); None without one."""
    settings = w.state.settings
    short = w.pack.form(settings.structure, "short") if settings.form != "short" else None
    return fit(w.timer.minutes, w.registry.questions, short)


def notes(w: Workshop, host: str, port: int) -> list[str]:
    """The start-up's lines on the time and the network."""
    lines = []
    found = workshop_fit(w)
    if found is not None and found.fits:
        lines.append(t("atelier.fits", load=found.load, minutes=found.minutes))
    elif found is not None and found.short is not None:
        lines.append(t("atelier.too_long_short", load=found.load, minutes=found.minutes, short=found.short))
    elif found is not None:
        lines.append(t("atelier.too_long", load=found.load, minutes=found.minutes))
    if not network.answers(host, port):  # from this laptop, to the address and port of the links
        lines.append(t("atelier.unreachable", address=f"{host}:{port}"))
    if (notice := missing_notice(w)) is not None:
        lines.append(notice)
    return lines


def missing_notice(w: Workshop) -> str | None:
    """What the data page does not say yet (RGPD art. 13: who is responsible, for how long)."""
    settings = w.state.settings
    said = []
    if settings.organiser is None:
        said.append((t("atelier.no_notice.organiser"), "--organiser"))
    if settings.retention is None:
        said.append((t("atelier.no_notice.retention"), "--retention"))
    if not said:
        return None
    return t(
        "atelier.no_notice",
        missing=t("atelier.no_notice.and").join(what for what, _ in said),
        options=" ".join(f'{option} "…"' for _, option in said),  # as typed on the command line
    )
