"""The discussion's tools through Starlette's TestClient: the presenter view and its reveal, the
moderated comment wall, the priority vote; who may do what (screen key, facilitator, phone)."""

from __future__ import annotations

import json
import re
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from cooplevier.atelier import vote as votes
from cooplevier.atelier.discussion.presenter import discuss_order
from cooplevier.content.load import load_pack
from cooplevier.content.model import Pack
from tests.test_atelier_support import Room, csrf_of, rooms

_FORM = [q.id for q in load_pack().form()]
FIRST = {lid: next(q for q in _FORM if q.startswith(lid + ".")) for lid in ("L1", "L2", "L3")}


@pytest.fixture()
def room(tmp_path: Path, pack: Pack) -> Iterator[Callable[..., Room]]:
    yield from rooms(tmp_path, pack)


def _screen(r: Room) -> str:
    return f"/ecran/{r.w.state.screen_key}/presentation"


def _people(
    r: Room, roles: dict[str, int], value: Callable[[str, int], int] = lambda role, i: 2 + i % 3, **comments: str
) -> list:
    """People of each role answering the first question of L1-L3; `comments[role]` on L1."""
    made = []
    for role, n in roles.items():
        for i in range(n):
            c = r.client()
            assert r.join(c, role, name=f"Nom-{role}-{i}").status_code == 303
            for lid, qid in FIRST.items():
                comment = comments.get(role.replace("-", "_"), "") if lid == "L1" else ""
                assert r.answer(c, qid, value(role, i), comment=comment and f"{comment} {i}").status_code == 303
            made.append(c)
    return made


def _post(r: Room, c, path: str, **data: str):  # type: ignore[no-untyped-def]
    return c.post(f"{r.fac}{path}", data={"csrf": csrf_of(c.get(r.fac).text), **data})


def test_results_are_hidden_until_revealed_and_hidden_again_everywhere(room: Callable[..., Room]) -> None:
    r = room(revealed=False)
    _people(r, {"elu": 3, "technicien": 3})
    c = r.client()
    page = c.get(_screen(r)).text
    assert "data-value" not in page and "Résultats masqués" in page
    assert re.search(r'data-slide="wheel"[^>]*aria-current="true"', page)
    assert _post(r, c, "/presentation/resultats", action="montrer", s="2").headers["location"].endswith("?s=2")
    page = c.get(_screen(r)).text
    assert page.count("data-value") >= 3 and "data-held" not in page
    assert 'data-figure data-lever="L1" data-role="elu" data-value="3"' in page
    _post(r, c, "/fermeture", action="masquer")  # from the dashboard's switch, as from the keyboard
    for path in (_screen(r), _screen(r) + "/fragment", f"{r.fac}/presentation", f"/ecran/{r.w.state.screen_key}"):
        assert "data-value" not in c.get(path).text, path
    assert Room(r.folder, r.pack, territory=None).w.state.hidden  # kept on disk


def test_the_screen_key_moves_between_slides_and_changes_nothing(room: Callable[..., Room]) -> None:
    r = room(revealed=False)
    people = _people(r, {"elu": 3, "technicien": 3}, elu="Une remarque")
    c = r.client()
    screen_key = r.w.state.screen_key
    page = c.get(_screen(r) + "?s=3").text
    assert re.search(r'data-index="3"[^>]*aria-current="true"', page) and "<form" not in page
    assert r.w.state.key not in page
    for path, data in (
        ("/presentation/resultats", {"action": "montrer"}),
        ("/commentaires", {"comment": "x", "decision": "approve"}),
        ("/vote", {"action": "ouvrir"}),
    ):
        for base in (f"/ecran/{screen_key}", f"/animation/{screen_key}", f"/a/{r.w.state.display_code}"):
            assert c.post(base + path, data=data).status_code in (403, 404, 405), base + path
        # the facilitator's own path without the CSRF token: refused too
        assert c.post(r.fac + path, data=data).status_code == 403
        # a participant's cookie and CSRF token open nothing of the facilitator's
        phone = people[0]
        token = csrf_of(phone.get(f"{r.base}/question/{FIRST['L1']}").text)
        assert phone.post(r.fac + path, data={**data, "csrf": token}).status_code == 403
    assert r.w.state.hidden and votes.live_vote(r.folder).status == "draft"
    assert all(c.status == "pending" for c in r.w.addons["wall"].comments()) if "wall" in r.w.addons else True
    assert c.get(f"/ecran/{screen_key}/mur").status_code == 404
    assert people[0].get(f"/animation/{r.w.state.display_code}/presentation").status_code == 404


def test_the_slides_follow_the_discuss_first_order(room: Callable[..., Room], pack: Pack) -> None:
    r = room()
    _people(r, {"elu": 3, "technicien": 3}, value=lambda role, i: (5 if i % 2 else 4) if role == "elu" else 1 + i % 2)
    page = r.client().get(_screen(r)).text
    slides = re.findall(r'data-slide="([^"]+)"', page)
    order = discuss_order(r.w.projection(), pack)
    assert slides[0] == "wheel" and slides[-1] == "vote"
    assert [s for s in dict.fromkeys(slides[1:-1])] == order
    assert set(r.w.projection().divergent) == {"L1", "L2", "L3"} and order[:3] == list(r.w.projection().divergent)


@pytest.mark.parametrize(
    "value",
    [
        # no lever divergent: the lowest first (L2, L3, L1), not the questionnaire's order
        lambda role, i, lever: {"L1": 4, "L2": 2, "L3": 3}[lever] + (i % 2 if role != "elu" else 0),
        # the élus against the rest on L3 only, L2 the lowest: L3 first, then L2
        lambda role, i, lever: {"L1": 3 + i % 2, "L2": 2 + i % 2, "L3": (4 + i % 2) if role == "elu" else 1 + i % 2}[
            lever
        ],
    ],
)
def test_the_screen_orders_its_slides_as_the_report_orders_its_levers(
    room: Callable[..., Room], value: Callable[[str, int, str], int]
) -> None:
    from tests.helpers import invoke

    r = room()
    for role, n in {"elu": 3, "technicien": 3, "societe-civile": 4}.items():
        for i in range(n):
            c = r.client()
            assert r.join(c, role).status_code == 303
            for lid, qid in FIRST.items():
                assert r.answer(c, qid, value(role, i, lid)).status_code == 303
    _post(r, r.client(), "/fermeture", action="fermer")  # closed: everything publishable is shown
    slides = list(dict.fromkeys(re.findall(r'data-slide="(L\d+)"', r.client().get(_screen(r)).text)))
    report = invoke("report", str(r.folder), "--format", "json")
    assert report.exit_code == 0, report.stderr
    assert slides == json.loads(report.stdout)["discuss_first"]
    assert slides[:3] in (["L2", "L3", "L1"], ["L3", "L2", "L1"])


def test_masked_cells_are_held_not_drawn_and_the_held_answers_are_counted(room: Callable[..., Room]) -> None:
    r = room()
    _people(r, {"elu": 3, "technicien": 3, "partenaire": 2})
    page = r.client().get(_screen(r)).text
    # the two partenaires' answers wait for a third: counted by role, with why, in one sentence
    assert re.search(r"6 réponses \(partenaires 6\) ne sont pas encore à l(&#39;|')écran", page)
    assert "Partenaires" not in page
    assert "· )" not in page and "(· " not in page
    # closed before the screen ever showed figures while open: everything can be published, and
    # the two partenaires then make a group too small to show apart (held, never a bar to zero)
    r2 = room("b", revealed=False)
    _people(r2, {"elu": 3, "technicien": 3, "partenaire": 2})
    c = r2.client()
    _post(r2, c, "/fermeture", action="fermer")
    page = c.get(_screen(r2)).text
    assert "2 personnes (partenaires) sont hors des chiffres" in page
    assert 'data-role="partenaire"' not in page and "pas encore à l&#39;écran" not in page


def test_comments_are_moderated_and_shown_without_names(room: Callable[..., Room]) -> None:
    r = room()
    people = _people(r, {"elu": 3, "technicien": 3}, elu="Le conseil de développement arrive trop tard")
    c = r.client()
    dash = c.get(r.fac).text
    ids = re.findall(r'data-comment="([^"]+)" data-status="pending"', dash)
    assert len(ids) == 3 and "Nom-elu" not in dash.split('id="mur"')[1]
    assert "data-comment" not in c.get(_screen(r)).text  # nothing approved yet
    assert _post(r, c, "/commentaires", comment=ids[0], decision="approve").status_code == 303
    assert _post(r, c, "/commentaires", comment=ids[1], decision="reject").status_code == 303
    assert _post(r, c, "/commentaires", comment="nope", decision="approve").status_code == 422
    assert _post(r, c, "/commentaires", comment=ids[2], decision="maybe").status_code == 422
    screen = c.get(_screen(r)).text
    assert screen.count("data-comment=") == 1 and f'data-comment="{ids[0]}"' in screen
    assert "2 autres commentaires sur ce levier, non affichés" in screen
    # kept across a restart
    again = Room(r.folder, r.pack, territory=None)
    assert f'data-comment="{ids[0]}"' in again.client().get(_screen(again)).text
    # an approval withdrawn: pending again, off the screen
    _post(r, c, "/commentaires", comment=ids[0], decision="withdraw")
    assert "data-comment=" not in c.get(_screen(r)).text
    assert f'data-comment="{ids[0]}" data-status="pending"' in c.get(r.fac).text
    # a comment edited on the phone is a new one, pending again
    _post(r, c, "/commentaires", comment=ids[2], decision="approve")
    texts = {cm.id: cm.text for cm in r.w.addons["wall"].comments()}
    author = next(p for p in people if texts[ids[2]] in p.get(f"{r.base}/question/{FIRST['L1']}").text)
    r.answer(author, FIRST["L1"], 3, comment="Autre chose")
    assert "data-comment=" not in c.get(_screen(r)).text
    saved = json.loads((r.folder / ".cooplevier-atelier" / "moderation.json").read_text(encoding="utf-8"))
    assert saved["cooplevier"] == "moderation/1"
    assert stat.S_IMODE((r.folder / ".cooplevier-atelier" / "moderation.json").stat().st_mode) == 0o600


def test_approved_comments_overflow_onto_slides_of_the_same_lever(room: Callable[..., Room]) -> None:
    r = room()
    long = "Une remarque détaillée sur la gouvernance du pôle, " * 5
    _people(r, {"elu": 3, "technicien": 3}, elu=long, technicien=long)
    c = r.client()
    for cid in re.findall(r'data-comment="([^"]+)"', c.get(r.fac).text):
        _post(r, c, "/commentaires", comment=cid, decision="approve")
    slides = re.findall(r'data-slide="([^"]+)"', c.get(_screen(r)).text)
    assert slides.count("L1") >= 3 and slides.count("L2") == 1
    first = slides.index("L1")
    assert slides[first : first + slides.count("L1")] == ["L1"] * slides.count("L1")  # one after the other
    assert c.get(_screen(r)).text.count("data-comment=") == 6


def test_default_budget_is_about_one_token_per_four_or_five_options() -> None:
    assert [votes.default_budget(n) for n in (1, 2, 3, 5, 6, 7, 9, 10, 12, 15, 20)] == [1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 4]


def _settled(v: votes.Vote) -> None:
    v.settled()


def _vote_ready(r: Room, c, proposals: int = 3) -> None:  # type: ignore[no-untyped-def]
    for i in range(proposals):
        assert _post(r, c, "/vote", action="ajouter", lever=f"L{1 + i % 3}", text=f"Proposition {i}").status_code == 303


def _ballot(r: Room, phone, **tokens: str):  # type: ignore[no-untyped-def]
    page = phone.get(f"{r.base}/vote").text
    return phone.post(f"{r.base}/vote", data={"csrf": csrf_of(page), **{f"vote-{k}": v for k, v in tokens.items()}})


def test_vote_rules_are_locked_once_open_and_ballots_are_checked(room: Callable[..., Room]) -> None:
    r = room()
    phones = _people(r, {"elu": 3, "technicien": 1})
    c = r.client()
    assert "pas encore ouvert" in phones[0].get(f"{r.base}/vote").text
    assert _post(r, c, "/vote", action="ajouter", lever="L1", text="Seule").status_code == 303
    assert _post(r, c, "/vote", action="ouvrir").status_code == 422  # two proposals at least
    assert _post(r, c, "/vote", action="ajouter", lever="L99", text="x").status_code == 422
    assert _post(r, c, "/vote", action="ajouter", lever="L2", text="").status_code == 422
    _vote_ready(r, c, 4)
    _post(r, c, "/vote", action="retirer", proposal="P1")  # corrected before it opens
    v = votes.live_vote(r.folder)
    assert [p.id for p in v.proposals] == ["P2", "P3", "P4", "P5"] and v.budget == 1  # 4 options: 1 token
    assert _post(r, c, "/vote", action="regles", budget="3", max="2").status_code == 303
    assert _post(r, c, "/vote", action="ouvrir").status_code == 303
    for action, extra in (
        ("ajouter", {"lever": "L1", "text": "Tard"}),
        ("retirer", {"proposal": "P2"}),
        ("regles", {"budget": "9"}),
    ):
        refused = _post(r, c, "/vote", action=action, **extra)
        assert refused.status_code == 422 and "ne changent plus" in refused.text
    assert (v.budget, v.cap, len(v.proposals)) == (3, 2, 4)
    page = phones[0].get(f"{r.base}/vote").text
    assert all(f'name="vote-P{i}"' in page for i in (2, 3, 4, 5)) and 'name="csrf"' in page
    for tokens, said in (
        ({"P2": "2", "P3": "2"}, "le budget est de 3"),
        ({"P2": "3"}, "plus que les 2 permis"),
        ({"P2": "-1"}, "pas un nombre entier"),
        ({"P2": "un"}, "pas un nombre entier"),
        ({"P9": "1"}, "ne correspond plus aux propositions"),
    ):
        answer = _ballot(r, phones[0], **tokens)
        assert answer.status_code == 422 and said in answer.text, tokens
    assert _ballot(r, phones[0], P2="2", P3="1").status_code == 303
    assert "3 jetons sur 3" in phones[0].get(f"{r.base}/vote?enregistre=1").text
    assert _ballot(r, phones[1], P2="1").status_code == 303
    assert _ballot(r, phones[1], P4="2").status_code == 303  # changed while open: the last one counts
    wrong = phones[2].post(
        f"{r.base}/vote", data={"csrf": csrf_of(phones[0].get(f"{r.base}/vote").text), "vote-P2": "1"}
    )
    assert wrong.status_code == 403  # another phone's CSRF token
    assert r.client().post(f"{r.base}/vote", data={"vote-P2": "1"}).status_code == 403  # no participant
    _settled(v)
    folder = r.folder / ".cooplevier-atelier"
    saved = json.loads((folder / "votes.json").read_text(encoding="utf-8"))
    assert saved["cooplevier"] == "votes/1" and saved["status"] == "open" and saved["voters"] == 2
    assert {p["id"]: p["tokens"] for p in saved["proposals"]} == {"P2": 2, "P3": 1, "P4": 2, "P5": 0}
    assert saved["proposals"][0] == {"id": "P2", "lever": "L1", "action": None, "text": "Proposition 0", "tokens": 2}
    assert not list(r.folder.glob("*.json")) and len(list(r.folder.glob("*.yaml"))) == 4  # report reads answers only
    assert stat.S_IMODE(next((folder / "ballots").iterdir()).stat().st_mode) == 0o600
    # closed: no ballot goes in; reopened: it does
    token = csrf_of(phones[2].get(f"{r.base}/vote").text)
    _post(r, c, "/vote", action="clore")
    closed = phones[2].post(f"{r.base}/vote", data={"csrf": token, "vote-P2": "1"})
    assert closed.status_code == 409 and "Le vote est clos" in closed.text
    _post(r, c, "/vote", action="rouvrir")
    assert _ballot(r, phones[2], P2="1").status_code == 303
    _settled(v)
    # a participant erased: their ballot goes, the totals are recounted
    pid = next(p.id for p in r.w.registry if p.id in v.ballots and v.ballots[p.id] == {"P4": 2})
    assert votes.erase_ballot(r.folder, pid) and not votes.erase_ballot(r.folder, pid)
    assert {p["id"]: p["tokens"] for p in votes.recount(r.folder)["proposals"]} == {"P2": 3, "P3": 1, "P4": 0, "P5": 0}
    assert v.voters == 2


def test_vote_totals_show_when_revealed_in_batches_and_only_totals(room: Callable[..., Room]) -> None:
    r = room()
    phones = _people(r, {"elu": 3, "technicien": 3})
    c = r.client()
    _vote_ready(r, c, 3)
    _post(r, c, "/vote", action="regles", budget="2")
    _post(r, c, "/vote", action="ouvrir")
    for phone in phones[:2]:
        _ballot(r, phone, P1="2")
    _post(r, c, "/vote", action="montrer")
    screen = c.get(_screen(r)).text
    assert "data-vote" not in screen and "au moins auront voté" in screen  # two voters: under K
    _ballot(r, phones[2], P2="1", P3="1")
    screen = c.get(_screen(r)).text
    got = dict(re.findall(r'data-vote="(P\d)" data-value="(\d+)"', screen))
    assert got == {"P1": "4", "P2": "1", "P3": "1"}
    assert "elu" not in screen.split('data-slide="vote"')[1]  # totals only, never a split by role
    _ballot(r, phones[3], P3="2")  # one ballot more: the screen waits for K of them
    assert dict(re.findall(r'data-vote="(P\d)" data-value="(\d+)"', c.get(_screen(r)).text)) == got
    assert "1 bulletin plus récent s'ajoutera" in c.get(_screen(r)).text
    _post(r, c, "/vote", action="masquer")
    assert "data-vote=" not in c.get(_screen(r)).text


def test_the_start_line_gives_the_screen_and_the_presenter_view(tmp_path: Path) -> None:
    import urllib.request

    from tests.test_atelier_support import start_server

    server = start_server(tmp_path / "a")
    try:
        assert server.presenter == server.screen + "/presentation" and "/ecran/" in server.screen
        with urllib.request.urlopen(server.presenter, timeout=10) as page:
            assert 'data-slide="wheel"' in page.read().decode("utf-8")
    finally:
        assert server.stop() == 0


def test_the_content_actions_of_a_chosen_lever_can_be_proposed(room: Callable[..., Room], pack: Pack) -> None:
    from cooplevier.content.plan.actions import actions_for

    r = room()
    c = r.client()
    dash = c.get(r.fac).text
    chosen = [a for a in actions_for(pack, "L2")][:2]
    assert all(f'name="a-{a.id}"' in dash for a in chosen)
    assert _post(r, c, "/vote", action="ajouter-actions", lever="L2").status_code == 422  # nothing ticked
    ticked = {f"a-{a.id}": "1" for a in chosen}
    assert _post(r, c, "/vote", action="ajouter-actions", lever="L2", **ticked).status_code == 303
    assert _post(r, c, "/vote", action="ajouter-actions", lever="L2", **ticked).status_code == 303  # not twice
    _post(r, c, "/vote", action="ajouter", lever="L3", text="Un texte de l'animateur")
    saved = json.loads((r.folder / ".cooplevier-atelier" / "votes.json").read_text(encoding="utf-8"))
    assert [(p["id"], p["lever"], p["action"], p["text"]) for p in saved["proposals"]] == [
        ("P1", "L2", chosen[0].id, chosen[0].text),
        ("P2", "L2", chosen[1].id, chosen[1].text),
        ("P3", "L3", None, "Un texte de l'animateur"),
    ]
    assert saved["budget"] == 1 and saved["status"] == "draft"  # three options: one token


def test_the_dashboard_counts_the_voters_as_they_vote(room: Callable[..., Room]) -> None:
    r = room()
    phones = _people(r, {"elu": 3})
    c = r.client()
    _vote_ready(r, c, 3)
    live = f"{r.fac}/vote/etat"
    assert "pas encore ouvert" in c.get(live).text
    _post(r, c, "/vote", action="ouvrir")
    dashboard = c.get(r.fac).text
    assert f'data-fragment="{live}"' in dashboard and "Personne n'a encore voté" in dashboard
    _ballot(r, phones[0], P1="1")
    _ballot(r, phones[1], P2="1")
    assert (
        'data-voters="2"' in c.get(live).text and "2 personnes ont voté\u202f; le vote est ouvert" in c.get(live).text
    )
    _post(r, c, "/vote", action="clore")
    assert "le vote est clos, résultats masqués" in c.get(live).text
    screen_key = r.w.state.screen_key
    assert c.get(f"/ecran/{screen_key}/vote/etat").status_code == 404  # the facilitator's alone
    assert c.get(f"/animation/{'0' * len(r.w.state.key)}/vote/etat").status_code == 404
