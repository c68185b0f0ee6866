"""Content fidelity: what says `source: seed` can be found in the deck; the deck's lists are complete."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

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
        "voironnais",
        "basque",
        "rennes",
        "besancon",
        "bourg en bresse",
        "mont saint michel",
        "chartres",
        "chalon",
        "nevers",
        "toulouse",
        "nantes",
        "figeac",
        "douaisis",
        "vitre",
        "brest",
        "grand pau",
        "mans",
    ):
        assert territory in names, territory


@pytest.mark.parametrize(
    ("lever", "needle"),
    [
        ("L1", "duos de vice"),
        ("L1", "reglement interieur"),
        ("L1", "circuits de decision"),
        ("L2", "plan de mandat"),
        ("L2", "charte de valeurs"),
        ("L2", "deliberations concordantes"),
        ("L3", "speed meetings"),
        ("L3", "evaluer regulierement"),
        ("L4", "communication"),
        ("L4", "organes de proximite"),
        ("L4", "grands chantiers"),
        ("L6", "pilotage collaboratif"),
        ("L6", "evaluation"),
        ("L7", "calendriers"),
        ("L8", "contrat unique"),
        ("L9", "etat des lieux de l ingenierie"),
        ("L9", "projet de mutualisation"),
        ("L10", "collectif d elus"),
        ("L10", "regards decales"),
        ("L10", "observation territoriale"),
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


# ---------------------------------------------------------------- every seed item of the pack


def all_seed_items(pack: Pack) -> list[tuple[str, str]]:
    """Every text of the pack that says `source: seed`, wherever it sits."""
    fw = pack.framework
    out = [(where, item.text) for where, item in seed_items(pack)]
    out += [(tr.id, tr.text) for tr in fw.trends if tr.source == "seed"]
    out += [(f"axis.{a.id}.notes", x.text) for a in pack.axes for n in a.notes for x in n.items if x.source == "seed"]
    if fw.council_kinds:
        out += [("council_kinds.intro", x.text) for x in fw.council_kinds.intro if x.source == "seed"]
        out += [
            (f"council_kinds.{k.id}", x.text) for k in fw.council_kinds.kinds for x in k.items if x.source == "seed"
        ]
    out += [(f"specifics.{sp.id}", x.text) for sp in fw.specifics for x in sp.items if x.source == "seed"]
    out += [("synthesis", x.text) for x in fw.synthesis if x.source == "seed"]
    out += [("staircase_intro", x.text) for x in fw.staircase_intro if x.source == "seed"]
    out += [("wheel_intro", x.text) for x in fw.wheel_intro if x.source == "seed"]
    if fw.renewal and fw.renewal.source == "seed":
        out.append(("renewal", fw.renewal.text))
    out += [("pack.source.studies", x.text) for x in fw.pack.source.studies if x.source == "seed"]
    for q in pack.questions:
        helps = [q.help, *(v.help for v in vars_of(q) if v.help)]
        out += [(f"{q.id}.help", h.text) for h in helps if h.source == "seed"]
    return out


def vars_of(q: Any) -> list[Any]:
    return [v for v in (q.variants.epci, q.variants.petr, q.variants.scot, q.variants.pnr, q.variants.autre) if v]


def test_the_pack_has_seed_items_of_every_kind(pack: Pack) -> None:
    kinds = {where.split(".")[0].split("[")[0] for where, _ in all_seed_items(pack)}
    for kind in (
        "axis",
        "council_kinds",
        "specifics",
        "synthesis",
        "staircase_intro",
        "wheel_intro",
        "renewal",
        "pack",
        "case",
        "T1",
        "L1",
    ):
        assert kind in kinds, kind


def test_every_seed_item_is_the_decks_words(pack: Pack, deck: str) -> None:
    """Each seed text is the deck's, verbatim or lightly edited: nearly all its words are the deck's,
    and at least half of its runs of three words are found as they are in the deck."""
    deck_words = deck.split()
    grams = set(zip(deck_words, deck_words[1:], deck_words[2:], strict=False))
    vocabulary = set(deck_words)
    weak = []
    for where, text in all_seed_items(pack):
        ws = norm(text).split()
        runs = list(zip(ws, ws[1:], ws[2:], strict=False))
        in_words = sum(w in vocabulary for w in ws) / len(ws)
        in_runs = sum(r in grams for r in runs) / len(runs) if runs else float(norm(text) in deck)
        if in_words < 0.9 or in_runs < 0.5:
            weak.append((where, round(in_words, 2), round(in_runs, 2), text))
    assert not weak, weak


QUOTED = re.compile(r"«\s*([^«»]+?)\s*»")


def test_quotes_in_editorial_notes_are_the_decks(pack: Pack, deck: str) -> None:
    """An editorial case note says only what the deck says: what it quotes is in the deck."""
    for case in pack.cases:
        for link in case.levers:
            for quote in QUOTED.findall(link.note or ""):
                assert norm(quote) in deck, (case.id, link.lever, quote)


LATER = re.compile(r"\b20(1[6-9]|[2-9]\d)\b")
STATUS_CHANGE = re.compile(r"\b(devenu|devenue|devenus|devenues|fusionn\w*|désormais|aujourd'hui|renomm\w*)\b", re.I)


def test_nothing_about_a_named_territory_goes_beyond_the_deck(pack: Pack) -> None:
    """No case summary, link note or territory practice speaks of a later year or a change of status."""
    texts = [(c.id, c.summary.text) for c in pack.cases]
    texts += [(f"{c.id}.{ln.lever}", ln.note or "") for c in pack.cases for ln in c.levers]
    names = [c.name for c in pack.cases]
    texts += [
        (f"{lv.id}.practice", x.text) for lv in pack.levers for x in lv.practices if any(n in x.text for n in names)
    ]
    for where, text in texts:
        assert not LATER.search(text), (where, text)
        assert not STATUS_CHANGE.search(text), (where, text)


# ---------------------------------------------------------------- deck quotes in the templates

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def test_deck_quotes_written_in_the_templates_are_the_decks(deck: str) -> None:
    """The guide's quotations (ui.quote, ui.b) and the grid's glosses quote the deck word for word."""
    guide = (TEMPLATES / "_guide_text.j2").read_text(encoding="utf-8")
    quotes = re.findall(r'ui\.quote\("([^"]+)"', guide)
    quotes += re.findall(r'ui\.b\("«\s*([^"]+?)\s*»"\)', guide)
    grid = re.sub(r"\{#.*?#\}", "", (TEMPLATES / "_grid_text.j2").read_text(encoding="utf-8"), flags=re.S)
    quotes += [q for q in QUOTED.findall(grid) if "{{" not in q]
    assert len(quotes) >= 10
    for quote in quotes:
        assert norm(quote) in deck, quote


# ---------------------------------------------------------------- editorial links marked everywhere


def editorial_links(pack: Pack) -> list[tuple[Any, Any]]:
    return [(c, ln) for c in pack.cases for ln in c.levers if ln.source == "editorial"]


def test_there_are_editorial_links_to_check(pack: Pack) -> None:
    assert editorial_links(pack)


def _weak_on(pack: Pack, lever: str) -> dict[str, int]:
    """Answers that make `lever` the first priority: everything at 4, its questions at 1."""
    return {q.id: (1 if q.lever == lever else 4) for q in pack.questions}


def _section(text: str, start: str, ends: tuple[str, ...]) -> str:
    """The part of `text` from the heading `start` to the next of `ends` (or the end)."""
    if start not in text:
        return ""
    rest = text[text.index(start) + len(start) :]
    cut = min((rest.index(e) for e in ends if e in rest), default=len(rest))
    return rest[:cut]


CITED = "Territoires cités par Mairie-conseils"
PROPOSED = "Autres territoires proches"


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_editorial_links_are_marked_in_the_plan(pack: Pack, fmt: str, cli: Any, write_answers: Any) -> None:
    for case, link in editorial_links(pack):
        path = write_answers(_weak_on(pack, link.lever), name=f"{link.lever}.yaml")
        out = plain(cli("report", str(path), "--format", fmt).stdout, fmt)
        start = f"Priorité 1 — {link.lever} " if fmt == "md" else f"Priorité 1 {link.lever} — "
        block = _section(out, start, ("Priorité 2",))
        assert block, (link.lever, "not the first priority")
        assert case.name not in _section(block, CITED, (PROPOSED, "Vos commentaires", "À vérifier")), case.id
        proposed = _section(block, PROPOSED, ("Situations observées", "À vérifier", "Vos commentaires"))
        assert "rapprochement proposé par cooplevier" in block
        assert case.name in proposed and norm(link.note or "")[:80] in norm(proposed), case.id
        assert "Des territoires qui l'ont fait" not in out and "première piste du document" not in out


def test_editorial_links_are_marked_in_levers_and_cases(pack: Pack, cli: Any) -> None:
    wide = {"COLUMNS": "200"}
    for case, link in editorial_links(pack):
        detail = plain(cli("levers", link.lever, env=wide).stdout)
        assert case.name not in _section(detail, CITED, (PROPOSED,)), case.id
        proposed = _section(detail, PROPOSED, ("Questions",))
        assert f"{case.name} *" in proposed and norm(link.note or "")[:80] in norm(proposed)
        table = plain(cli("cases", "--lever", link.lever, "--format", "table", env=wide).stdout)
        assert f"Territoires liés au levier {link.lever}" in table
        assert f"{link.lever}*" in table and f"lien avec {link.lever} proposé par cooplevier" in table
        assert norm(link.note or "")[:80] in norm(table)
        everything = plain(cli("cases", env=wide).stdout)
        assert f"lien avec {link.lever} proposé par cooplevier" in everything


def test_editorial_links_are_marked_in_the_assess_help(pack: Pack) -> None:
    from cooplevier.assess.screens import HelpView
    from cooplevier.cli.console import plain_text
    from cooplevier.cli.terminal import render

    for case, link in editorial_links(pack):
        lever = pack.lever(link.lever)
        view = HelpView(pack.questions_for(lever.id)[0], lever, pack.cases_for(lever.id), (), pack.observed)
        out = plain(plain_text(render(view), width=200))
        assert case.name not in _section(out, CITED, (PROPOSED,)), case.id
        proposed = _section(out, PROPOSED, ("Les 5 marches", "Touches"))
        assert f"{case.name}" in proposed and "*" in proposed and norm(link.note or "")[:80] in norm(proposed)
        assert "Situations observées" in out


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_editorial_links_are_marked_on_the_cards(pack: Pack, fmt: str) -> None:
    from cooplevier.report.handouts import render_handout

    for case, link in editorial_links(pack):
        out = plain(str(render_handout("cards", pack, fmt=fmt, lever_id=link.lever)), fmt)  # type: ignore[arg-type]
        assert case.name not in _section(out, CITED, (PROPOSED,)), case.id
        proposed = _section(out, PROPOSED, ("Points de vigilance", "POINTS DE VIGILANCE"))
        assert case.name in proposed and norm(link.note or "")[:80] in norm(proposed)


def test_levers_without_a_case_say_so_wherever_cases_are_listed(pack: Pack, cli: Any) -> None:
    from cooplevier.report.handouts import render_handout

    for lever in pack.levers:
        if lever.no_case is None:
            continue
        said = norm(lever.no_case.text)
        assert said in norm(cli("levers", lever.id).stdout)
        assert said in norm(cli("cases", "--lever", lever.id).stdout)
        assert said in norm(str(render_handout("cards", pack, fmt="md", lever_id=lever.id)))


def plain(text: str, fmt: str = "text") -> str:
    """What a reader sees: tags and Markdown marks dropped, entities decoded, spaces made ordinary."""
    import html

    if fmt == "html":
        text = re.sub(r"<(style|script)\b.*?</\1>", " ", text, flags=re.S)
        text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    if fmt == "md":
        text = text.replace("\\*", "*").replace("**", "")
    return re.sub(r"[ \u00a0\u202f]+", " ", text)
