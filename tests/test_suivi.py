"""`suivi`: where each action stands (late ones first, computed), the notes, the law's next
deadlines, each lever's series beside its actions; JSON and an agenda file."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.test_plan_file import EXAMPLE, GOOD

OLDER = Path(__file__).resolve().parent / "data" / "answers-1.0.yaml"


@pytest.fixture()
def plan_file(tmp_path: Path) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(GOOD.replace("structure: petr", "structure: epci"), encoding="utf-8")
    return path


def _json(cli: Callable[..., Any], *args: str) -> dict[str, Any]:
    result = cli("suivi", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return dict(json.loads(result.stdout))


def test_late_is_computed_and_comes_first(cli: Callable[..., Any], plan_file: Path) -> None:
    before = _json(cli, str(plan_file), "--today", "2027-06-30")
    assert [a["shown_status"] for a in before["actions"]] == ["en-cours", "fait", "abandonne"]
    after = _json(cli, str(plan_file), "--today", "2027-07-01")
    assert next((a["id"], a["shown_status"]) for a in after["actions"]) == ("A1", "en-retard")
    assert after["actions"][0]["status"] == "en-cours" and after["actions"][0]["late"] is True
    assert after["counts"] == {"en-retard": 1, "en-cours": 0, "a-venir": 0, "fait": 1, "abandonne": 1}
    dropped = next(a for a in after["actions"] if a["id"] == "A3")
    assert dropped["shown_status"] == "abandonne"  # past due, but abandoned is never late
    assert after["actions"][0]["notes"] == {"2027": "Deux réunions ; la ville-centre ne vient pas encore."}


def test_the_next_legal_deadlines_are_those_ahead(cli: Callable[..., Any], plan_file: Path) -> None:
    data = _json(cli, str(plan_file), "--today", "2027-07-01")
    days = [d["due"] for d in data["deadlines"]]
    assert days == sorted(days) and all(d >= "2027-07-01" for d in days)
    ids = [d["id"] for d in data["deadlines"]]
    assert "rapport-activite" in ids and "pacte-gouvernance-adoption" not in ids  # past on 2026-12-22
    assert "petr-rapport-projet" not in ids  # a PETR's, not an EPCI's
    assert next(d for d in data["deadlines"] if d["id"] == "rapport-activite")["due"] == "2027-09-30"


def test_each_lever_has_its_series_beside_its_actions(cli: Callable[..., Any], plan_file: Path, tmp_path: Path) -> None:
    folder = tmp_path / "atelier-2029"
    folder.mkdir()
    for i in range(2):
        (folder / f"p{i}.yaml").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    data = _json(cli, str(plan_file), str(OLDER), str(EXAMPLE), str(folder), "--today", "2027-07-01")
    assert [p["label"] for p in data["series"]] == ["answers-1.0", "pays-exemple", "atelier-2029"]
    assert [p["respondents"] for p in data["series"]] == [1, 1, 2]
    l3 = next(lv for lv in data["levers"] if lv["id"] == "L3")
    assert l3["actions"] == ["A1"] and len(l3["scores"]) == 3
    assert l3["scores"][1] == l3["scores"][2]  # the same answers twice: the group's mean is theirs
    md = cli("suivi", str(plan_file), str(EXAMPLE), "--today", "2027-07-01").stdout
    assert "A1 (**en retard**)" in md and "pays-exemple (1 rép.)" in md


def test_a_diagnostic_that_cannot_be_read_is_said_and_the_rest_goes_on(
    cli: Callable[..., Any], plan_file: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "casse.yaml"
    broken.write_text("cooplevier: answers/1\nterritory: X\nanswers: {L1.Q2: 9}\n", encoding="utf-8")
    result = cli("suivi", str(plan_file), str(broken), str(EXAMPLE), "--today", "2027-07-01", "--format", "json")
    assert result.exit_code == 1
    assert "casse.yaml" in result.stderr
    assert [p["label"] for p in json.loads(result.stdout)["series"]] == ["pays-exemple"]


def test_the_agenda_has_open_actions_and_legal_deadlines(
    cli: Callable[..., Any], plan_file: Path, tmp_path: Path
) -> None:
    icalendar = pytest.importorskip("icalendar")
    out = tmp_path / "suivi.ics"
    result = cli("suivi", str(plan_file), "--today", "2027-01-10", "--output", str(out))
    assert result.exit_code == 0, result.stderr
    cal = icalendar.Calendar.from_ical(out.read_bytes())
    events: dict[str, list[dt.date]] = {}
    for e in cal.walk("VEVENT"):
        events.setdefault(str(e["SUMMARY"]), []).append(e.decoded("DTSTART"))
    assert events["A1 · Créer l'instance de coordination technique"] == [dt.date(2027, 6, 30)]
    assert not any(s.startswith(("A2 ", "A3 ")) for s in events)  # done and abandoned: nothing to remind
    assert min(events["Rapport d'activité aux membres"]) == dt.date(2027, 9, 30)
    assert all(day >= dt.date(2027, 1, 10) for days in events.values() for day in days)


@pytest.mark.parametrize("fmt", ["html", "docx", "odt"])
def test_the_followup_is_written_as_a_document(
    cli: Callable[..., Any], plan_file: Path, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / f"suivi.{fmt}"
    result = cli("suivi", str(plan_file), str(EXAMPLE), "--today", "2027-07-01", "--output", str(out))
    assert result.exit_code == 0, result.stderr
    assert out.stat().st_size > 1000
