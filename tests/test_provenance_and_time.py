"""Where users read it: who wrote what (deck or cooplevier), what the deck says under each lever,
and one announced time derived from the reading load of the form in use."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from cooplevier.assess.screens import Intro
from cooplevier.atelier.pages import lever_details
from cooplevier.cli.terminal import render
from cooplevier.content.model import Pack
from cooplevier.content.reading import reading_load
from cooplevier.typography import typeset
from tests.test_assess_engine import run
from tests.test_atelier_support import Room, rooms

DECK = (Path(__file__).resolve().parent / "deck" / "territoires-et-leviers-de-cooperation.txt").read_text("utf-8")


@pytest.fixture()
def room(tmp_path: Path, pack: Pack) -> Iterator[Callable[..., Room]]:
    yield from rooms(tmp_path, pack)


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_the_paper_questionnaire_stars_the_questions_cooplevier_wrote(cli: Any, pack: Pack, fmt: str) -> None:
    out = cli("handout", "questionnaire", "--format", fmt).stdout
    assert "Rédaction proposée par cooplevier" in out
    editorial = [q for q in pack.form() if q.source == "editorial"]
    assert editorial
    for q in editorial:
        if fmt == "md":
            assert re.search(rf"\*\*{re.escape(q.id)}\*\* — .*\\\*", out), q.id
        else:
            block = out[out.index(f'id="{q.id}"') :][:1200]
            assert '<span class="ed">*</span>' in block.split("</div>")[0], q.id


def test_the_workshop_panel_separates_the_decks_territories_from_cooplevier_links(pack: Pack) -> None:
    for lever in pack.levers:
        html = str(lever_details(pack, lever.id))
        proposed = [
            c
            for c in pack.cases_for(lever.id)
            if any(k.lever == lever.id and k.source == "editorial" for k in c.levers)
        ]
        cited = [c for c in pack.cases_for(lever.id) if c not in proposed]
        assert ("Territoires cités par le document pour ce levier" in html) == bool(cited), lever.id
        if proposed:
            after = html.index("lien proposé par cooplevier")
            for case in proposed:
                assert html.index(case.name) > after, (lever.id, case.id)
            for case in cited:
                assert html.index(case.name) < after, (lever.id, case.id)


def test_under_a_lever_a_territory_is_quoted_for_that_lever_only(pack: Pack) -> None:
    nevers = next(c for c in pack.cases if "Nevers" in c.name)
    assert "contrat unique" in nevers.summary.text  # the summary tells both facts…
    assert "contrat unique" not in pack.cited_as(nevers, "L3").text  # …lever 3 quotes its own
    assert "contrat unique" in pack.cited_as(nevers, "L8").text
    for case in pack.cases:
        for link in case.levers:
            if link.source == "seed":
                assert pack.cited_as(case, link.lever) in pack.lever(link.lever).practices, (case.id, link.lever)


def test_l1_q8_help_and_the_vitre_practice(pack: Pack) -> None:
    assert "Chartres" not in pack.question("L1.Q8").help.text  # the deck cites Chartres under lever 3
    vitre = next(x for x in pack.lever("L7").practices if "Vitré" in x.text)
    assert vitre.source == "seed" and vitre.text in DECK.replace("**", "")


def test_the_join_page_and_the_poster_announce_the_forms_reading_time(room: Callable[..., Room]) -> None:
    for short in (False, True):
        r = room(folder=f"atelier-{short}", short=short)
        minutes = reading_load(r.w.registry.questions).minutes
        client = r.client()
        join = client.get(r.base).text
        assert typeset(f"environ {minutes} minutes") in join or f"environ {minutes} minutes" in join
        poster = client.get(r.fac + "/affiche").text
        assert f"{minutes} minutes" in poster.replace("\u00a0", " ")


@pytest.mark.parametrize("short", [False, True])
def test_the_guide_announces_the_same_time_and_no_minute_per_question(cli: Any, pack: Pack, short: bool) -> None:
    args = ["handout", "guide", "--format", "md", *(["--short"] if short else [])]
    out = cli(*args).stdout.replace("\u00a0", " ").replace("\u202f", " ")
    minutes = reading_load(pack.form(None, "short" if short else None)).minutes
    assert f"environ {minutes} minutes" in out
    assert "une minute par question" not in out


@pytest.mark.parametrize(("structure", "form"), [("autre", None), ("pnr", None), ("petr", "short")])
def test_assess_announces_the_reading_time_of_its_form(pack: Pack, tmp_path: Path, structure: str, form: Any) -> None:
    _code, prompter = run(pack, tmp_path / "r.yaml", ["q"], structure=structure, form=form)
    intro = next(s for s in prompter.screens if isinstance(s, Intro))
    assert intro.minutes == reading_load(pack.form(structure, form)).minutes > 0  # type: ignore[arg-type]
    console = Console(width=200, record=True)
    console.print(render(intro))
    assert f"environ {intro.minutes} minutes" in console.export_text().replace("\u00a0", " ").replace("\u202f", " ")
