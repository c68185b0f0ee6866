"""Content fidelity: what says `source: seed` can be found in the deck; the deck's lists are complete."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from cooplevier.content.model import Pack, Text

DECK = Path(__file__).resolve().parent / "deck" / "territoires-et-leviers-de-cooperation.txt"


def norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).replace("**", "").lower()
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[’'`«»\"“”()\[\]…:;,.!?–—-]", " ", text)
    return " ".join(text.split())


def words(text: str) -> set[str]:
    return {w for w in norm(text).split() if len(w) > 3}


@pytest.fixture(scope="module")
def deck() -> str:
    return norm(DECK.read_text(encoding="utf-8"))


def seed_items(pack: Pack) -> list[tuple[str, Text]]:
    out: list[tuple[str, Text]] = []
    for lever in pack.levers:
        for kind in ("rationale", "practices", "vigilance", "discussion"):
            out += [(f"{lever.id}.{kind}", item) for item in getattr(lever, kind) if item.source == "seed"]
    out += [(f"case.{c.id}", c.summary) for c in pack.cases]
    return out


def test_trends_are_the_decks_words(pack: Pack, deck: str) -> None:
    for trend in pack.framework.trends:
        assert norm(trend.text) in deck, trend.text


def test_lever_and_axis_titles_are_the_decks(pack: Pack, deck: str) -> None:
    for lever in pack.levers:
        assert norm(lever.title).replace("vice presidents", "vices presidents") in deck, lever.title
    for axis in pack.axes:
        title = norm(axis.title).replace("mise en mouvement", "mise mouvement")
        assert title in deck or norm(axis.title) in deck, axis.title


def test_seed_items_come_from_the_deck(pack: Pack, deck: str) -> None:
    deck_words = set(deck.split())
    weak = []
    for where, item in seed_items(pack):
        ws = words(item.text)
        if ws and len(ws & deck_words) / len(ws) < 0.75:
            weak.append((where, item.text))
    assert not weak, weak


def test_every_named_territory_is_a_case(pack: Pack) -> None:
    names = " ".join(norm(c.name) for c in pack.cases)
    for territory in (
        "voironnais", "basque", "rennes", "besancon", "bourg en bresse", "mont saint michel", "chartres",
        "chalon", "nevers", "toulouse", "nantes", "figeac", "douaisis", "vitre", "brest", "grand pau", "mans",
    ):
        assert territory in names, territory


@pytest.mark.parametrize(
    ("lever", "needle"),
    [
        ("L1", "duos de vice"), ("L1", "reglement interieur"), ("L1", "circuits de decision"),
        ("L2", "plan de mandat"), ("L2", "charte de valeurs"), ("L2", "deliberations concordantes"),
        ("L3", "speed meetings"), ("L3", "evaluer regulierement"),
        ("L4", "communication"), ("L4", "organes de proximite"), ("L4", "grands chantiers"),
        ("L6", "pilotage collaboratif"), ("L6", "evaluation"),
        ("L7", "calendriers"), ("L8", "contrat unique"),
        ("L9", "etat des lieux de l ingenierie"), ("L9", "projet de mutualisation"),
        ("L10", "collectif d elus"), ("L10", "regards decales"), ("L10", "observation territoriale"),
    ],
)
def test_deck_practices_are_in_the_lever(pack: Pack, lever: str, needle: str) -> None:
    practices = " ".join(norm(p.text) for p in pack.lever(lever).practices)
    assert needle in practices


def test_case_links_cited_by_the_deck_are_seed(pack: Pack) -> None:
    seed_links = {(c.id, link.lever) for c in pack.cases for link in c.levers if link.source == "seed"}
    editorial = [(c.id, link) for c in pack.cases for link in c.levers if link.source == "editorial"]
    assert len(seed_links) >= 20
    assert all(link.note for _, link in editorial), "an editorial link must say why"
