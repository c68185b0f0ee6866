"""The participant's way and the facilitator's side, end to end through Starlette's TestClient."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from cooplevier.content.load import load_pack
from cooplevier.content.model import Pack
from cooplevier.messages import role_group
from cooplevier.typography import typeset
from tests.helpers import invoke
from tests.test_atelier_support import Room, csrf_of, rooms

# The first questions of lever 1 in the shipped questionnaire (ids follow its version).
_FORM = [q.id for q in load_pack().form()]
Q1, Q2, Q3, Q4 = [qid for qid in _FORM if qid.startswith("L1.")][:4]


@pytest.fixture()
def room(tmp_path: Path, pack: Pack) -> Iterator[Callable[..., Room]]:
    yield from rooms(tmp_path, pack)


def test_back_skip_and_missing_answer(room: Callable[..., Room]) -> None:
    r = room()
    c = r.client()
    r.join(c)
    assert r.answer(c, Q1, 2).headers["location"] == f"{r.base}/question/{Q2}"
    missing = r.answer(c, Q2, None, comment="à garder")
    assert missing.status_code == 422 and "à garder" in missing.text
    skipped = r.answer(c, Q2, None, action="passer")
    assert skipped.headers["location"] == f"{r.base}/question/{Q3}"
    back = r.answer(c, Q3, "unknown", action="precedent")
    assert back.headers["location"] == f"{r.base}/question/{Q2}"
    assert r.answer(c, Q1, 5, action="precedent").headers["location"] == f"{r.base}/levier/L1"
    assert r.files()[0]["answers"] == {Q1: 5, Q3: "unknown"}
    bad = r.answer(c, Q2, 7)
    assert bad.status_code == 422
    done = c.get(f"{r.base}/fin").text
    assert 'id="done"' in done and Q2 in done  # listed as not answered yet


def test_resume_by_cookie_and_by_personal_link(room: Callable[..., Room]) -> None:
    r = room()
    c = r.client()
    r.join(c)
    r.answer(c, Q1, 4)
    r.answer(c, Q2, 4)
    assert c.get(r.base).headers["location"] == f"{r.base}/question/{Q3}"
    link = re.search(r'href="(http://testserver/a/[^"]+/reprendre/[^"]+)"', c.get(f"{r.base}/fin").text)
    assert link
    phone = r.client()
    response = phone.get(link.group(1).replace("http://testserver", ""))
    assert response.status_code == 303 and response.headers["location"] == f"{r.base}/question/{Q3}"
    assert phone.get(f"{r.base}/question/{Q3}").status_code == 200
    assert r.client().get(f"{r.base}/reprendre/0123456789abcdef.forged").status_code == 404


def test_a_restart_keeps_links_cookies_places_and_answers(room: Callable[..., Room], pack: Pack) -> None:
    r = room()
    c = r.client()
    r.join(c, "elu", "Anne")
    for qid in (Q1, Q2, Q3):
        r.answer(c, qid, 3)
    cookie = c.cookies.get("cooplevier_participant")
    again = Room(r.folder, pack, territory=None)
    try:
        assert (again.w.state.code, again.w.state.key) == (r.w.state.code, r.w.state.key)
        fresh = again.client()
        fresh.cookies.set("cooplevier_participant", cookie or "", path=again.base)
        assert fresh.get(again.base).headers["location"] == f"{again.base}/question/{Q4}"
        person = next(iter(again.w.registry))
        assert person.name == "Anne" and sorted(person.answers) == sorted([Q1, Q2, Q3])
    finally:
        again.close()


def test_two_tabs_of_one_participant_never_lose_an_answer(room: Callable[..., Room], pack: Pack) -> None:
    """Two tabs post at once (the lock orders them); each merges its answer into the current file."""
    import httpx2 as httpx

    r = room()
    c = r.client()
    r.join(c)
    cookie = c.cookies.get("cooplevier_participant") or ""
    csrf = csrf_of(c.get(f"{r.base}/question/{Q1}").text)
    questions = [q.id for q in pack.form()]

    async def both_tabs() -> list[int]:
        transport = httpx.ASGITransport(app=r.app)
        tabs = [
            httpx.AsyncClient(
                transport=transport, base_url="http://testserver", cookies={"cooplevier_participant": cookie}
            )
            for _ in range(2)
        ]
        posts = [
            tabs[i % 2].post(f"{r.base}/question/{qid}", data={"csrf": csrf, qid: str(1 + i % 5)})
            for i, qid in enumerate(questions)
        ]
        done = await asyncio.gather(*posts)
        for tab in tabs:
            await tab.aclose()
        return [response.status_code for response in done]

    assert set(asyncio.run(both_tabs())) == {303}
    saved = r.files()[0]["answers"]
    assert saved == {qid: 1 + i % 5 for i, qid in enumerate(questions)}
    assert invoke("validate", str(r.folder)).exit_code == 0


def test_closing_the_questionnaire(room: Callable[..., Room], pack: Pack) -> None:
    r = room()
    c = r.client()
    r.join(c)
    r.answer(c, Q1, 2)
    dash = c.get(r.fac).text
    closed = c.post(f"{r.fac}/fermeture", data={"csrf": csrf_of(dash), "action": "fermer"})
    assert closed.status_code == 303 and r.w.state.closed
    page = c.get(f"{r.base}/question/{Q2}")
    assert page.status_code == 200 and "Le questionnaire est fermé" in page.text and f'name="{Q2}"' not in page.text
    refused = c.post(
        f"{r.base}/question/{Q2}", data={"csrf": r.w.state.sign("csrf:p:" + next(iter(r.w.registry)).id), Q2: "4"}
    )
    assert refused.status_code == 409 and r.files()[0]["answers"] == {Q1: 2}
    newcomer = r.client()
    assert "fermé" in newcomer.get(r.base).text
    again = Room(r.folder, pack, territory=None)
    try:
        assert again.w.state.closed
    finally:
        again.close()
    c.post(f"{r.fac}/fermeture", data={"csrf": csrf_of(c.get(r.fac).text), "action": "rouvrir"})
    assert not r.w.state.closed and r.answer(c, Q2, 4).status_code == 303


def _crowd(r: Room, pack: Pack, roles: dict[str, int], level: Callable[[str, int], int]) -> None:
    for role, count in roles.items():
        for i in range(count):
            client = r.client()
            r.join(client, role)
            for q in pack.form()[:6]:
                r.answer(client, q.id, level(role, i))


def test_projection_shows_only_counts_below_min_group(room: Callable[..., Room], pack: Pack) -> None:
    r = room()
    _crowd(r, pack, {"elu": 1, "technicien": 1}, lambda role, i: 4)
    html = r.client().get(f"{r.fac}/projection").text
    # 0 people counted: the two answers wait for K people of their role, and no count describes them
    assert "0 / 3" in html and 'class="wheel"' not in html and '<table class="heat"' not in html
    assert "<h3" not in html and "Groupe" not in html


def test_projection_merges_or_holds_back_small_roles(room: Callable[..., Room], pack: Pack) -> None:
    r = room()
    _crowd(
        r,
        pack,
        {"elu": 3, "technicien": 3, "partenaire": 2},
        lambda role, i: {"elu": 4 + i % 2, "technicien": 1 + i % 2}.get(role, 2 + i),  # never unanimous
    )
    c = r.client()
    # while answers come in, the two partenaires' answers wait for a third: counted nowhere
    assert "partenaire" not in r.w.projection().roles
    # closed before any view showed figures: everything is published, and rule 1 holds them back
    c.post(f"{r.fac}/fermeture", data={"csrf": csrf_of(c.get(r.fac).text), "action": "fermer"})
    html = c.get(f"{r.fac}/projection/fragment").text
    head = re.search(r"<thead>.*?</thead>", html, re.S)
    assert head and f"{role_group('elu')} (3)" in head.group(0) and f"{role_group('technicien')} (3)" in head.group(0)
    assert "Partenaires" not in head.group(0) and "2 personnes (partenaires)" in html
    r2 = room("b")
    _crowd(r2, pack, {"elu": 3, "partenaire": 2, "societe-civile": 2}, lambda role, i: 2 + i)
    c2 = r2.client()
    c2.post(f"{r2.fac}/fermeture", data={"csrf": csrf_of(c2.get(r2.fac).text), "action": "fermer"})
    html2 = c2.get(f"{r2.fac}/projection/fragment").text
    assert "Autres rôles (4)" in html2


def test_downloads(room: Callable[..., Room], pack: Pack) -> None:
    r = room()
    c = r.client()
    assert c.get(f"{r.fac}/telecharger/synthese.html").status_code == 409  # nobody answered yet
    _crowd(r, pack, {"elu": 2}, lambda role, i: 3)
    for name, kind in (
        ("synthese.html", "text/html"),
        ("synthese.md", "text/markdown"),
        ("scores.xlsx", "spreadsheetml"),
        ("synthese.docx", "wordprocessingml"),
        ("synthese.odt", "opendocument.text"),
    ):
        response = c.get(f"{r.fac}/telecharger/{name}")
        assert response.status_code == 200 and kind in response.headers["content-type"]
        assert response.headers["content-disposition"] == f'attachment; filename="{name}"'
        assert response.content[:2] == b"PK" if name.endswith(("xlsx", "docx", "odt")) else b"<" in response.content
        assert name in c.get(r.fac).text  # offered on the dashboard


def test_the_answer_files_validate_and_report_counts_everyone(room: Callable[..., Room], pack: Pack) -> None:
    r = room(structure="petr")
    c = r.client()
    label = pack.structure_type("petr")
    assert label is None or typeset("Questions formulées pour : <strong>") + label.label in c.get(r.base).text.replace(
        "&#39;", "'"
    )
    r.join(c, "societe-civile", "Zoé")
    for i, q in enumerate(pack.form("petr")):
        r.answer(c, q.id, ["na", "unknown", 1, 2, 3, 4, 5][i % 7], comment="vu en commission" if i == 3 else "")
    r.join(r.client(), "elu")  # joined, nothing answered: still counted by report
    assert c.get(f"{r.base}/fin").status_code == 200
    assert all(doc["structure"] == "petr" for doc in r.files())
    assert invoke("validate", str(r.folder)).exit_code == 0
    import json

    report = invoke("report", str(r.folder), "--format", "json")
    assert report.exit_code == 0 and json.loads(report.stdout)["respondents"] == 2


def test_a_failed_write_is_not_acknowledged(room: Callable[..., Room], monkeypatch: pytest.MonkeyPatch) -> None:
    r = room()
    c = r.client()
    r.join(c)
    from cooplevier import files
    from cooplevier.errors import CooplevierError

    def full_disk(*args: Any, **kwargs: Any) -> None:
        raise CooplevierError("disque plein")

    monkeypatch.setattr(files, "atomic_write", full_disk)
    response = r.answer(c, Q1, 4, comment="mon avis")
    assert response.status_code == 500 and "mon avis" in response.text and "pas pu être enregistrée" in response.text
    assert next(iter(r.w.registry)).answers == {} and r.files()[0]["answers"] == {}


def test_short_form_with_a_pack_of_our_own(tmp_path: Path) -> None:
    """A copy of the pack whose short form is each lever's last question asked to every structure."""
    import shutil

    import yaml

    from cooplevier.resources import shipped_dir

    data = tmp_path / "pack"
    shutil.copytree(shipped_dir("data"), data)
    doc = yaml.safe_load((data / "questions.yaml").read_text(encoding="utf-8"))
    everywhere = [
        q for q in doc["questions"] if len(q.get("applies_to", ["epci", "petr", "scot", "pnr", "autre"])) == 5
    ]
    last = {q["lever"]: q["id"] for q in everywhere}  # a short question is asked to every structure
    for q in doc["questions"]:
        q["short"] = q["id"] == last[q["lever"]]
    (data / "questions.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    short_pack = load_pack(data, use_cache=False)
    assert {q.id for q in short_pack.form(None, "short")} == set(last.values())
    r = Room(tmp_path / "court", short_pack, short=True)
    try:
        assert len(r.w.registry.questions) == 10
        c = r.client()
        r.join(c)
        for q in short_pack.form(None, "short"):
            assert r.answer(c, q.id, 4).status_code == 303
        assert c.get(r.base).headers["location"] == f"{r.base}/fin"
        (doc,) = r.files()
        assert doc["form"] == "short" and len(doc["answers"]) == 10
        assert invoke("validate", "--content", str(data), str(r.folder)).exit_code == 0
    finally:
        r.close()


def test_results_can_be_held_off_the_projection(room: Callable[..., Room], pack: Pack) -> None:
    r = room()
    _crowd(r, pack, {"elu": 3, "technicien": 3}, lambda role, i: 3 + i % 2)
    c = r.client()
    assert '<table class="heat"' in c.get(f"{r.fac}/projection/fragment").text
    hide = c.post(f"{r.fac}/fermeture", data={"csrf": csrf_of(c.get(r.fac).text), "action": "masquer"})
    assert hide.status_code == 303 and r.w.state.hidden
    html = c.get(f"{r.fac}/projection/fragment").text
    assert "masqués" in html and '<table class="heat"' not in html and "svg" not in html
    assert Room(r.folder, pack, territory=None).w.state.hidden  # kept on disk
    c.post(f"{r.fac}/fermeture", data={"csrf": csrf_of(c.get(r.fac).text), "action": "montrer"})
    assert '<table class="heat"' in c.get(f"{r.fac}/projection/fragment").text


def test_a_comment_is_never_dropped_silently(room: Callable[..., Room]) -> None:
    r = room()
    c = r.client()
    r.join(c)
    for action in ("suivant", "passer", "precedent"):
        response = r.answer(c, Q2, None, action=action, comment="ligne 1\r\nligne 2")
        assert response.status_code == 422 and "ligne 1" in response.text, action
    assert r.answer(c, Q2, "unknown", comment="ligne 1\r\nligne 2").status_code == 303
    assert r.files()[0]["answers"][Q2] == {"level": "unknown", "comment": "ligne 1\nligne 2"}


def test_help_gives_practices_vigilance_and_territories_with_their_source(
    room: Callable[..., Room], pack: Pack
) -> None:
    r = room()
    c = r.client()
    r.join(c)
    lever, case, note = next(
        (lv.id, case, link.note)
        for lv in pack.levers
        for case in pack.cases_for(lv.id)
        for link in case.levers
        if link.lever == lv.id and link.source == "editorial" and link.note
    )
    first = next(q for q in r.w.registry.questions if q.lever == lever)
    panel = c.get(f"{r.base}/levier/{lever}").text
    question = c.get(f"{r.base}/question/{first.id}").text
    for html in (panel, question):
        assert "Exemples de pratiques" in html and "Points de vigilance" in html
        assert "Autres territoires proches" in html  # the project's links, under their own heading
        assert case.name.replace("'", "&#39;") in html and "lien proposé par cooplevier" in html
        assert typeset(note).replace("'", "&#39;") in html
    assert typeset(first.help.text).replace("'", "&#39;") in question  # the deck's words
    assert "<progress" in question and f"sur {len(r.w.registry.questions)}" in question
