"""The law's calendar: data in the pack, dated from the renewal, browsable, exported for an agenda."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cooplevier.content.load import default_pack_dir
from cooplevier.content.model import Pack
from cooplevier.content.plan.calendar import add_months, deadlines, due
from cooplevier.report.cooperation.ics import Event, calendar_file, fold

CONTRACT_KEYS = {"id", "structures", "what", "when", "due", "article"}


def _json(cli: Callable[..., Any], *args: str) -> list[dict[str, Any]]:
    result = cli("calendar", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_the_pacte_de_gouvernance_falls_nine_months_after_the_march_2026_renewal(cli: Callable[..., Any]) -> None:
    rows = {r["id"]: r for r in _json(cli, "--structure", "epci")}
    for row in rows.values():
        assert set(row) >= CONTRACT_KEYS
        assert row["due"] is None or dt.date.fromisoformat(row["due"])
    assert rows["pacte-gouvernance-adoption"]["due"] == "2026-12-22"
    assert "L5211-11-2" in rows["pacte-gouvernance-adoption"]["article"]
    assert rows["pacte-gouvernance-debat"]["due"] is None  # the law sets no deadline to the debate
    assert rows["pacte-gouvernance-debat"]["choice"]  # the pact itself is optional
    assert rows["rapport-activite"]["due"] == "2026-09-30"


def test_another_renewal_moves_the_dates(cli: Callable[..., Any]) -> None:
    rows = {r["id"]: r for r in _json(cli, "-s", "epci", "--renewal", "2032-03-21")}
    assert rows["pacte-gouvernance-adoption"]["due"] == "2032-12-21"
    assert rows["rapport-activite"]["due"] == "2032-09-30"


def test_each_structure_type_gets_its_own_obligations(cli: Callable[..., Any]) -> None:
    ids = {kind: {r["id"] for r in _json(cli, "-s", kind)} for kind in ("epci", "petr", "scot", "pnr")}
    assert "pacte-gouvernance-adoption" in ids["epci"] and "pacte-gouvernance-adoption" not in ids["petr"]
    assert "petr-rapport-projet" in ids["petr"] and "petr-rapport-projet" not in ids["epci"]
    assert "scot-analyse-resultats" in ids["scot"] and "scot-analyse-resultats" not in ids["pnr"]
    assert "pnr-bilan-mi-parcours" in ids["pnr"]
    scot = {r["id"]: r for r in _json(cli, "-s", "scot")}
    assert "L143-28" in scot["scot-analyse-resultats"]["article"]
    assert scot["scot-analyse-resultats"]["due"] is None  # counted from the SCoT's approval, not the renewal


def test_what_could_not_be_read_says_so(pack: Pack) -> None:
    for entry in deadlines(pack):
        assert entry.article and entry.verified, entry.id
        assert entry.verified.startswith(("texte lu", "à vérifier")), entry.id
    unread = {e.id for e in deadlines(pack) if e.to_check}
    assert {"petr-projet-revision", "pnr-charte-renouvellement"} <= unread
    for entry in deadlines(pack):  # a partial reading says what remains to be read
        if entry.verified.startswith(("texte lu en partie", "texte lu en citation")):
            assert entry.to_check, entry.id


def test_a_bad_renewal_date_is_refused(cli: Callable[..., Any]) -> None:
    result = cli("calendar", "--renewal", "2026-02-30")
    assert result.exit_code == 2
    assert "2026-02-30" in result.stderr and "AAAA-MM-JJ" in result.stderr


def test_the_table_shows_dates_and_articles(cli: Callable[..., Any]) -> None:
    result = cli("calendar", "-s", "epci", "--format", "table", env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.stderr
    assert "22/12/2026" in result.stdout and "L5211-11-2" in result.stdout


def test_months_are_added_as_a_calendar_does() -> None:
    assert add_months(dt.date(2026, 3, 31), 11) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2026, 3, 22), 72) == dt.date(2032, 3, 22)


def test_a_yearly_deadline_comes_back_after_today(pack: Pack) -> None:
    report = next(e for e in deadlines(pack, "epci") if e.id == "rapport-activite")
    assert due(report, dt.date(2026, 3, 22), after=dt.date(2026, 12, 7)) == dt.date(2027, 9, 30)
    assert due(report, dt.date(2026, 3, 22), after=dt.date(2027, 9, 30)) == dt.date(2027, 9, 30)


def test_the_ics_file_is_read_back_by_an_icalendar_parser(cli: Callable[..., Any], tmp_path: Path) -> None:
    icalendar = pytest.importorskip("icalendar")
    out = tmp_path / "agenda.ics"
    result = cli("calendar", "-s", "epci", "--output", str(out))
    assert result.exit_code == 0, result.stderr
    raw = out.read_bytes()
    assert raw.count(b"\r\n") == raw.count(b"\n")  # CRLF only
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    cal = icalendar.Calendar.from_ical(raw)
    events = list(cal.walk("VEVENT"))
    uids = [str(e["UID"]) for e in events]
    assert len(uids) == len(set(uids))
    days = {str(e["SUMMARY"]): e.decoded("DTSTART") for e in events}
    assert days["Adoption du pacte de gouvernance"] == dt.date(2026, 12, 22)
    assert all(
        isinstance(e.decoded("DTSTART"), dt.date) and not isinstance(e.decoded("DTSTART"), dt.datetime) for e in events
    )
    yearly = [e for e in events if str(e["SUMMARY"]) == "Rapport d'activité aux membres"]
    assert len(yearly) == 6  # once a year over the mandate


def test_ics_text_is_escaped_and_folded_without_cutting_a_character() -> None:
    icalendar = pytest.importorskip("icalendar")
    text = "Réunion ; bureau, conseil\nsuite \\ fin " + "é" * 80
    data = calendar_file([Event("x@y", dt.date(2027, 1, 5), text, text)], name="Essai, test")
    for line in data.encode("utf-8").split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # never cut inside a character
    event = next(iter(icalendar.Calendar.from_ical(data).walk("VEVENT")))
    assert str(event["SUMMARY"]) == text and str(event["DESCRIPTION"]) == text
    assert fold("a" * 75) == "a" * 75


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ('  - id: "codev-epci"', '  - id: "conference-maires-epci"', "en double"),
        ('every_year: "09-30"', 'every_year: "09-31"', "MM-JJ"),
        ("rule: {months_after_renewal: 9}", "rule: {}", "une seule"),
        ("    kind: possibilite\n", "    kind: peut-etre\n", "peut-etre"),
    ],
)
def test_a_broken_calendar_is_refused_at_its_line(
    cli: Callable[..., Any], tmp_path: Path, old: str, new: str, words: str
) -> None:
    root = tmp_path / "pack"
    shutil.copytree(default_pack_dir(), root)
    path = root / "calendar.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    line = next(i for i, ln in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if new.strip() in ln)
    result = cli("validate", "--content", str(root))
    assert result.exit_code == 1
    out = (result.stdout + result.stderr).replace("\xa0", " ").replace("\u202f", " ")
    hits = [ln for ln in out.splitlines() if "calendar.yaml:" in ln and words in ln]
    assert hits, out
    if words != "en double":
        assert any(f"calendar.yaml:{line}:" in h for h in hits), (line, hits)


def test_the_guide_ties_the_passations_to_the_calendar(cli: Callable[..., Any]) -> None:
    import re

    from tests.test_fidelity import DECK, norm

    for fmt in ("md", "html"):
        result = cli("handout", "guide", "--format", fmt)
        assert result.exit_code == 0, result.stderr
        text = result.stdout.replace("\xa0", " ").replace("\u202f", " ")
        assert "Le cycle du mandat : quatre passations" in text
        assert "L5211-11-2" in text and "L5211-39" in text and "L143-28" in text
        assert "cooplevier suivi plan.yaml" in text
    partial = (Path(__file__).resolve().parents[1] / "templates" / "_guide_cycle.j2").read_text(encoding="utf-8")
    deck = norm(DECK.read_text(encoding="utf-8"))
    for quote in re.findall(r'ui\.quote\("([^"]+)"', partial) + re.findall(r'ui\.b\("«\s*([^"]+?)\s*»"\)', partial):
        assert norm(quote) in deck, quote
