"""An iCalendar file (RFC 5545) that Outlook and Thunderbird import: one all-day event per date.

CRLF line ends, lines folded at 75 octets (never inside a UTF-8 character), text escaped, a
stable UID per event (so a second import updates rather than duplicates), a DTSTAMP.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Event:
    uid: str  # stable: the same event keeps its UID from one export to the next
    day: dt.date
    summary: str
    description: str = ""
    categories: tuple[str, ...] = ()


def escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 §3.3.11): backslash, semicolon, comma, line breaks."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def fold(line: str) -> str:
    """A content line folded at 75 octets (§3.1): each continuation starts with one space."""
    out: list[str] = []
    chunk, size, limit = "", 0, 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append(chunk)
            chunk, size, limit = " ", 1, 75
        chunk += char
        size += width
    out.append(chunk)
    return "\r\n".join(out)


def calendar_file(events: Iterable[Event], *, name: str, stamp: dt.datetime | None = None) -> str:
    """The whole file, as text (write it as UTF-8)."""
    now = (stamp or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//cooplevier//plan de cooperation//FR",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:" + escape(name),
    ]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            "UID:" + escape(event.uid),
            "DTSTAMP:" + now,
            "DTSTART;VALUE=DATE:" + event.day.strftime("%Y%m%d"),
            "DTEND;VALUE=DATE:" + (event.day + dt.timedelta(days=1)).strftime("%Y%m%d"),
            "SUMMARY:" + escape(event.summary),
        ]
        if event.description:
            lines.append("DESCRIPTION:" + escape(event.description))
        if event.categories:
            lines.append("CATEGORIES:" + ",".join(escape(c) for c in event.categories))
        lines += ["TRANSP:TRANSPARENT", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
