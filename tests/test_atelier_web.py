"""The workshop server's routes and security rules, through Starlette's TestClient (no network)."""

from __future__ import annotations

import asyncio
import io
import os
import re
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from starlette.testclient import TestClient

from cooplevier.atelier.web import create_app
from cooplevier.atelier.workshop import Workshop, start_workshop
from cooplevier.content.model import Pack
from tests.helpers import invoke

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


class Room:
    """A workshop in a temporary folder, and a way to open browsers (clients) on it."""

    def __init__(self, folder: Path, pack: Pack, **options: Any) -> None:
        self.folder = folder
        self.pack = pack
        self.options = {"territory": "Pays <b>Test</b>", "structure": None, "short": False, **options}
        self.workshop = start_workshop(folder, pack, **self.options)
        self.workshop.base_url = "http://testserver"
        self.app = create_app(self.workshop)
        self.clients: list[TestClient] = []

    @property
    def w(self) -> Workshop:
        return self.workshop

    @property
    def base(self) -> str:
        return f"/a/{self.w.state.display_code}"

    @property
    def fac(self) -> str:
        return f"/animation/{self.w.state.key}"

    def client(self) -> TestClient:
        client = TestClient(self.app, follow_redirects=False)
        client.__enter__()
        self.clients.append(client)
        return client

    def join(self, client: TestClient, role: str = "elu", name: str = "") -> Any:
        page = client.get(self.base)
        return client.post(f"{self.base}/rejoindre", data={"csrf": csrf_of(page.text), "role": role, "name": name})

    def answer(self, client: TestClient, qid: str, value: Any, *, action: str = "suivant", comment: str = "") -> Any:
        page = client.get(f"{self.base}/question/{qid}")
        data = {"csrf": csrf_of(page.text), "action": action, f"comment-{qid}": comment}
        if value is not None:
            data[qid] = str(value)
        return client.post(f"{self.base}/question/{qid}", data=data)

    def files(self) -> list[dict[str, Any]]:
        return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(self.folder.glob("reponses-*.yaml"))]

    def close(self) -> None:
        for client in self.clients:
            client.__exit__(None, None, None)


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, html[:500]
    return found.group(1)


@pytest.fixture()
def room(tmp_path: Path, pack: Pack) -> Iterator[Callable[..., Room]]:
    made: list[Room] = []

    def make(folder: str = "atelier", **options: Any) -> Room:
        made.append(Room(tmp_path / folder, pack, **options))
        return made[-1]

    yield make
    for r in made:
        r.close()


def test_nothing_is_served_without_the_code(room: Callable[..., Room]) -> None:
    r = room()
    c = r.client()
    wrong = "0000-0000-0000-0000"
    for path in ("/", "/a", "/a/", f"/a/{wrong}", f"/a/{wrong}/fin", f"/a/{wrong}/static/atelier.css",
                 "/static/atelier.css", "/animation", f"/animation/{r.w.state.key[:-1]}x", "/favicon.ico"):
        response = c.get(path)
        assert response.status_code == 404, path
        assert "Test" not in response.text and r.w.state.key not in response.text
    assert c.post(f"/a/{wrong}/rejoindre", data={"role": "elu"}).status_code == 404
    assert not list(r.folder.glob("*.yaml"))


def test_code_typed_without_dashes_or_in_capitals_reaches_the_workshop(room: Callable[..., Room]) -> None:
    r = room()
    response = r.client().get("/a/" + r.w.state.code.upper())
    assert response.status_code == 308 and response.headers["location"] == r.base


def test_code_and_key_are_long_random_and_separate(room: Callable[..., Room]) -> None:
    a, b = room("a").w.state, room("b").w.state
    assert len(a.code) * 5 >= 64 and len(set(a.code)) > 4
    assert a.code != b.code and a.key != b.key and a.code not in a.key and len(a.key) >= 32


def test_state_file_is_private_and_outside_what_report_reads(room: Callable[..., Room]) -> None:
    r = room()
    state = r.folder / ".cooplevier-atelier" / "state.json"
    assert stat.S_IMODE(state.stat().st_mode) == 0o600
    assert stat.S_IMODE(state.parent.stat().st_mode) == 0o700
    assert not [p for p in (r.folder / ".cooplevier-atelier").rglob("*") if p.suffix in (".yaml", ".yml")]


def test_join_sets_an_httponly_samesite_cookie_and_writes_the_file(room: Callable[..., Room], pack: Pack) -> None:
    r = room()
    c = r.client()
    response = r.join(c, "technicien", "Marie Dupont")
    assert response.status_code == 303 and response.headers["location"] == f"{r.base}/levier/L1"
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith("cooplevier_participant="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and f"Path={r.base}" in cookie
    (doc,) = r.files()
    assert doc["respondent"] == {"name": "Marie Dupont", "role": "technicien"}
    assert doc["territory"] == "Pays <b>Test</b>" and doc["content"] == pack.ref and doc["answers"] == {}


def test_security_headers_on_every_answer(room: Callable[..., Room]) -> None:
    r = room()
    c = r.client()
    r.join(c)
    for path in (r.base, f"{r.base}/levier/L1", f"{r.base}/question/L1.Q1", f"{r.base}/fin", "/nope",
                 f"{r.base}/static/atelier.css", r.fac, f"{r.fac}/projection", f"{r.fac}/affiche"):
        headers = c.get(path).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp, path
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
        assert "cache-control" in headers


def test_pages_have_no_inline_script_or_style(room: Callable[..., Room]) -> None:
    """What the CSP forbids must not be needed: no inline script, handler, or style attribute."""
    r = room()
    c = r.client()
    r.join(c)
    r.answer(c, "L1.Q1", 3)
    pages = [r.base, f"{r.base}/levier/L1", f"{r.base}/question/L1.Q2", f"{r.base}/fin", r.fac,
             f"{r.fac}/projection", f"{r.fac}/projection/fragment", f"{r.fac}/qr", f"{r.fac}/affiche"]
    for path in pages:
        html = c.get(path).text
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert not re.search(r"\son[a-z]+=", html) and 'style="' not in html and "<style" not in html, path


def test_forged_csrf_is_refused(room: Callable[..., Room]) -> None:
    r = room()
    c = r.client()
    page = c.get(r.base)
    for forged in ({"role": "elu"}, {"role": "elu", "csrf": "x" * 22}, {"role": "elu", "csrf": csrf_of(page.text) + "x"}):
        assert c.post(f"{r.base}/rejoindre", data=forged).status_code == 403
    assert not r.files()
    r.join(c)
    other = r.client()
    r.join(other)
    stolen = csrf_of(other.get(f"{r.base}/question/L1.Q1").text)
    for data in ({"L1.Q1": "4"}, {"L1.Q1": "4", "csrf": stolen}):
        assert c.post(f"{r.base}/question/L1.Q1", data=data).status_code == 403
    assert all(doc["answers"] == {} for doc in r.files())
    response = c.post(f"{r.fac}/fermeture", data={"action": "fermer", "csrf": "forged"})
    assert response.status_code == 403 and not r.w.state.closed


def test_wrong_key_and_participant_link_never_open_the_facilitator_side(room: Callable[..., Room]) -> None:
    r = room()
    c = r.client()
    r.join(c)
    for key in (r.w.state.code, r.w.state.display_code, r.w.state.key.upper(), r.w.state.key + "x", ""):
        for tail in ("", "/projection", "/projection/fragment", "/tableau", "/qr", "/qr.svg", "/affiche",
                     "/telecharger/synthese.html", "/telecharger/scores.xlsx", "/static/atelier.css"):
            assert c.get(f"/animation/{key}{tail}").status_code == 404, (key, tail)
        assert c.post(f"/animation/{key}/fermeture", data={"action": "fermer"}).status_code == 404
    assert c.get(f"{r.base}/animation/{r.w.state.key}").status_code == 404


def test_bodies_and_comments_are_bounded(room: Callable[..., Room]) -> None:
    r = room()
    c = r.client()
    r.join(c)
    csrf = csrf_of(c.get(f"{r.base}/question/L1.Q1").text)
    big = c.post(f"{r.base}/question/L1.Q1", data={"csrf": csrf, "L1.Q1": "3", "comment-L1.Q1": "x" * 100_000})
    assert big.status_code == 413
    declared = c.post(f"{r.base}/question/L1.Q1", content=b"a=1",
                      headers={"content-type": "application/x-www-form-urlencoded", "content-length": "999999"})
    assert declared.status_code == 413
    long = r.answer(c, "L1.Q1", 3, comment="é" * 2001)
    assert long.status_code == 422 and "2000 caractères" in long.text
    control = r.answer(c, "L1.Q1", 3, comment="bip\x1b[31m")
    assert control.status_code == 422
    json_body = c.post(f"{r.base}/question/L1.Q1", json={"csrf": csrf, "L1.Q1": 3})
    assert json_body.status_code == 415
    assert r.files()[0]["answers"] == {}
    assert r.answer(c, "L1.Q1", 3, comment="é" * 2000).status_code == 303


def test_what_participants_type_is_escaped_everywhere(room: Callable[..., Room], pack: Pack) -> None:
    r = room()
    c = r.client()
    r.join(c, "elu", "<script>alert(1)</script>")
    other = r.client()
    r.join(other, "technicien", '=HYPERLINK("http://evil.example","x")')
    third = r.client()
    r.join(third, "elu")
    for client in (c, other, third):
        for q in pack.form()[:3]:
            r.answer(client, q.id, 3, comment="<img src=x onerror=alert(1)>")
    done = c.get(f"{r.base}/fin").text
    assert "<script>alert" not in done and "&lt;script&gt;alert(1)&lt;/script&gt;" in done
    page = c.get(f"{r.base}/question/L1.Q1").text
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    for path in ("/projection", "/projection/fragment", "", "/tableau", "/affiche"):
        html = c.get(r.fac + path).text
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>Test" not in html
    md = c.get(f"{r.fac}/telecharger/synthese.md").text
    html = c.get(f"{r.fac}/telecharger/synthese.html").text
    assert "<script>alert" not in md + html and "<b>Test" not in html
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    sheet = load_workbook(io.BytesIO(c.get(f"{r.fac}/telecharger/scores.xlsx").content)).active
    names = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "'=HYPERLINK(\"http://evil.example\",\"x\")" in names
    assert not any(isinstance(v, str) and v.startswith("=") for row in sheet.iter_rows(values_only=True) for v in row)


def test_no_path_traversal(room: Callable[..., Room]) -> None:
    r = room()
    c = r.client()
    r.join(c, "elu", "../../etc/passwd")
    for path in (f"{r.base}/static/..%2F..%2F.cooplevier-atelier%2Fstate.json", f"{r.base}/static/../../README.md",
                 f"{r.base}/static/%2e%2e%2fstate.json", f"{r.base}/question/..%2F..%2Fstate",
                 f"{r.base}/levier/..%2Fx", f"{r.fac}/telecharger/..%2F..%2F.cooplevier-atelier%2Fstate.json",
                 f"{r.fac}/telecharger/synthese.yaml", f"{r.fac}/static/state.json"):
        response = c.get(path)
        assert response.status_code == 404, path
        assert r.w.state.secret.hex() not in response.text
    (answer_file,) = r.folder.glob("*.yaml")
    assert re.fullmatch(r"reponses-[0-9a-f]{16}\.yaml", answer_file.name)


def test_joins_are_rate_limited_per_address(room: Callable[..., Room]) -> None:
    r = room(join_rate=2)
    assert [r.join(r.client()).status_code for _ in range(3)] == [303, 303, 429]
    assert len(r.files()) == 2


def test_back_skip_and_missing_answer(room: Callable[..., Room]) -> None:
    r = room()
    c = r.client()
    r.join(c)
    assert r.answer(c, "L1.Q1", 2).headers["location"] == f"{r.base}/question/L1.Q2"
    missing = r.answer(c, "L1.Q2", None, comment="à garder")
    assert missing.status_code == 422 and "à garder" in missing.text
    skipped = r.answer(c, "L1.Q2", None, action="passer")
    assert skipped.headers["location"] == f"{r.base}/question/L1.Q3"
    back = r.answer(c, "L1.Q3", "unknown", action="precedent")
    assert back.headers["location"] == f"{r.base}/question/L1.Q2"
    assert r.answer(c, "L1.Q1", 5, action="precedent").headers["location"] == f"{r.base}/levier/L1"
    assert r.files()[0]["answers"] == {"L1.Q1": 5, "L1.Q3": "unknown"}
    bad = r.answer(c, "L1.Q2", 7)
    assert bad.status_code == 422
    done = c.get(f"{r.base}/fin").text
    assert 'id="done"' in done and "L1.Q2" in done  # listed as not answered yet


def test_resume_by_cookie_and_by_personal_link(room: Callable[..., Room]) -> None:
    r = room()
    c = r.client()
    r.join(c)
    r.answer(c, "L1.Q1", 4)
    r.answer(c, "L1.Q2", 4)
    assert c.get(r.base).headers["location"] == f"{r.base}/question/L1.Q3"
    link = re.search(r'href="(http://testserver/a/[^"]+/reprendre/[^"]+)"', c.get(f"{r.base}/fin").text)
    assert link
    phone = r.client()
    response = phone.get(link.group(1).replace("http://testserver", ""))
    assert response.status_code == 303 and response.headers["location"] == f"{r.base}/question/L1.Q3"
    assert phone.get(f"{r.base}/question/L1.Q3").status_code == 200
    assert r.client().get(f"{r.base}/reprendre/0123456789abcdef.forged").status_code == 404


def test_a_restart_keeps_links_cookies_places_and_answers(room: Callable[..., Room], pack: Pack) -> None:
    r = room()
    c = r.client()
    r.join(c, "elu", "Anne")
    for qid in ("L1.Q1", "L1.Q2", "L1.Q3"):
        r.answer(c, qid, 3)
    cookie = c.cookies.get("cooplevier_participant")
    again = Room(r.folder, pack, territory=None)
    try:
        assert (again.w.state.code, again.w.state.key) == (r.w.state.code, r.w.state.key)
        fresh = again.client()
        fresh.cookies.set("cooplevier_participant", cookie or "", path=again.base)
        assert fresh.get(again.base).headers["location"] == f"{again.base}/question/L1.Q4"
        person = next(iter(again.w.registry))
        assert person.name == "Anne" and sorted(person.answers) == ["L1.Q1", "L1.Q2", "L1.Q3"]
    finally:
        again.close()


def test_two_tabs_of_one_participant_never_lose_an_answer(room: Callable[..., Room], pack: Pack) -> None:
    """Two tabs post at once (the lock orders them); each merges its answer into the current file."""
    import httpx2 as httpx

    r = room()
    c = r.client()
    r.join(c)
    cookie = c.cookies.get("cooplevier_participant") or ""
    csrf = csrf_of(c.get(f"{r.base}/question/L1.Q1").text)
    questions = [q.id for q in pack.form()]

    async def both_tabs() -> list[int]:
        transport = httpx.ASGITransport(app=r.app)
        tabs = [httpx.AsyncClient(transport=transport, base_url="http://testserver",
                                  cookies={"cooplevier_participant": cookie}) for _ in range(2)]
        posts = [tabs[i % 2].post(f"{r.base}/question/{qid}", data={"csrf": csrf, qid: str(1 + i % 5)})
                 for i, qid in enumerate(questions)]
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
    r.answer(c, "L1.Q1", 2)
    dash = c.get(r.fac).text
    closed = c.post(f"{r.fac}/fermeture", data={"csrf": csrf_of(dash), "action": "fermer"})
    assert closed.status_code == 303 and r.w.state.closed
    page = c.get(f"{r.base}/question/L1.Q2")
    assert page.status_code == 200 and "Le questionnaire est fermé" in page.text and 'name="L1.Q2"' not in page.text
    refused = c.post(f"{r.base}/question/L1.Q2", data={"csrf": r.w.state.sign("csrf:p:" + next(iter(r.w.registry)).id),
                                                    "L1.Q2": "4"})
    assert refused.status_code == 409 and r.files()[0]["answers"] == {"L1.Q1": 2}
    newcomer = r.client()
    assert "fermé" in newcomer.get(r.base).text
    again = Room(r.folder, pack, territory=None)
    try:
        assert again.w.state.closed
    finally:
        again.close()
    c.post(f"{r.fac}/fermeture", data={"csrf": csrf_of(c.get(r.fac).text), "action": "rouvrir"})
    assert not r.w.state.closed and r.answer(c, "L1.Q2", 4).status_code == 303


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
    assert "2 / 3" in html and 'class="wheel"' not in html and '<table class="heat"' not in html
    assert "<h3" not in html and "Groupe" not in html


def test_projection_merges_or_holds_back_small_roles(room: Callable[..., Room], pack: Pack) -> None:
    r = room()
    _crowd(r, pack, {"elu": 3, "technicien": 3, "partenaire": 1}, lambda role, i: {"elu": 5, "technicien": 1}.get(role, 3))
    html = r.client().get(f"{r.fac}/projection/fragment").text
    head = re.search(r"<thead>.*?</thead>", html, re.S)
    assert head and "Élu·es (3)" in head.group(0) and "Technicien·nes (3)" in head.group(0)
    assert "Partenaires" not in head.group(0) and "1 personne (partenaires)" in html
    r2 = room("b")
    _crowd(r2, pack, {"elu": 3, "partenaire": 2, "societe-civile": 1}, lambda role, i: 3)
    html2 = r2.client().get(f"{r2.fac}/projection/fragment").text
    assert "Autres rôles (3)" in html2


def test_downloads(room: Callable[..., Room], pack: Pack) -> None:
    r = room()
    c = r.client()
    assert c.get(f"{r.fac}/telecharger/synthese.html").status_code == 409  # nobody answered yet
    _crowd(r, pack, {"elu": 2}, lambda role, i: 3)
    for name, kind in (("synthese.html", "text/html"), ("synthese.md", "text/markdown"),
                       ("scores.xlsx", "spreadsheetml")):
        response = c.get(f"{r.fac}/telecharger/{name}")
        assert response.status_code == 200 and kind in response.headers["content-type"]
        assert response.headers["content-disposition"] == f'attachment; filename="{name}"'
    from cooplevier.atelier.facilitator import office_formats

    for fmt in ("docx", "odt"):
        offered = fmt in office_formats(pack)
        assert (c.get(f"{r.fac}/telecharger/synthese.{fmt}").status_code == 200) is offered
        assert (f"synthese.{fmt}" in c.get(r.fac).text) is offered


def test_the_answer_files_validate_and_report_counts_everyone(room: Callable[..., Room], pack: Pack) -> None:
    r = room(structure="petr")
    c = r.client()
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
    response = r.answer(c, "L1.Q1", 4, comment="mon avis")
    assert response.status_code == 500 and "mon avis" in response.text and "pas pu être enregistrée" in response.text
    assert next(iter(r.w.registry)).answers == {} and r.files()[0]["answers"] == {}


def test_short_form_with_a_pack_of_our_own(tmp_path: Path) -> None:
    """Today's data has no `short: true`: a copy marks each lever's first question."""
    import shutil

    from cooplevier.content.load import load_pack
    from cooplevier.resources import shipped_dir

    data = tmp_path / "pack"
    shutil.copytree(shipped_dir("data"), data)
    text = (data / "questions.yaml").read_text(encoding="utf-8")
    text = re.sub(r'(  - id: "L\d+\.Q1"\n    lever: "L\d+"\n)', r"\1    short: true\n", text)
    (data / "questions.yaml").write_text(text, encoding="utf-8")
    short_pack = load_pack(data, use_cache=False)
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


def test_participant_records_are_private(room: Callable[..., Room]) -> None:
    r = room()
    r.join(r.client())
    (record,) = (r.folder / ".cooplevier-atelier" / "participants").iterdir()
    assert stat.S_IMODE(record.stat().st_mode) == 0o600 and record.suffix == ".json"
    assert os.access(record, os.R_OK)
