"""The workshop server's routes and security rules, through Starlette's TestClient (no network)."""

from __future__ import annotations

import io
import os
import re
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cooplevier.content.answers import text_problem
from cooplevier.content.load import load_pack
from cooplevier.content.model import Pack
from tests.test_atelier_support import Room, csrf_of, rooms

# The first questions of lever 1 in the shipped questionnaire (ids follow its version).
_FORM = [q.id for q in load_pack().form()]
Q1, Q2, Q3, Q4 = [qid for qid in _FORM if qid.startswith("L1.")][:4]
Q_L2 = next(qid for qid in _FORM if qid.startswith("L2."))


@pytest.fixture()
def room(tmp_path: Path, pack: Pack) -> Iterator[Callable[..., Room]]:
    yield from rooms(tmp_path, pack)


def test_nothing_is_served_without_the_code(room: Callable[..., Room]) -> None:
    r = room()
    c = r.client()
    wrong = "0000-0000-0000-0000"
    for path in (
        "/",
        "/a",
        "/a/",
        f"/a/{wrong}",
        f"/a/{wrong}/fin",
        f"/a/{wrong}/static/atelier.css",
        "/static/atelier.css",
        "/animation",
        f"/animation/{r.w.state.key[:-1]}x",
        "/favicon.ico",
    ):
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
    for path in (
        r.base,
        f"{r.base}/levier/L1",
        f"{r.base}/question/{Q1}",
        f"{r.base}/fin",
        "/nope",
        f"{r.base}/static/atelier.css",
        r.fac,
        f"{r.fac}/projection",
        f"{r.fac}/affiche",
    ):
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
    r.answer(c, Q1, 3)
    pages = [
        r.base,
        f"{r.base}/levier/L1",
        f"{r.base}/question/{Q2}",
        f"{r.base}/fin",
        r.fac,
        f"{r.fac}/projection",
        f"{r.fac}/projection/fragment",
        f"{r.fac}/qr",
        f"{r.fac}/affiche",
    ]
    for path in pages:
        html = c.get(path).text
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert not re.search(r"\son[a-z]+=", html) and 'style="' not in html and "<style" not in html, path


def test_forged_csrf_is_refused(room: Callable[..., Room]) -> None:
    r = room()
    c = r.client()
    page = c.get(r.base)
    for forged in (
        {"role": "elu"},
        {"role": "elu", "csrf": "x" * 22},
        {"role": "elu", "csrf": csrf_of(page.text) + "x"},
    ):
        assert c.post(f"{r.base}/rejoindre", data=forged).status_code == 403
    assert not r.files()
    r.join(c)
    other = r.client()
    r.join(other)
    stolen = csrf_of(other.get(f"{r.base}/question/{Q1}").text)
    for data in ({Q1: "4"}, {Q1: "4", "csrf": stolen}):
        assert c.post(f"{r.base}/question/{Q1}", data=data).status_code == 403
    assert all(doc["answers"] == {} for doc in r.files())
    response = c.post(f"{r.fac}/fermeture", data={"action": "fermer", "csrf": "forged"})
    assert response.status_code == 403 and not r.w.state.closed


def test_wrong_key_and_participant_link_never_open_the_facilitator_side(room: Callable[..., Room]) -> None:
    r = room()
    c = r.client()
    r.join(c)
    for key in (r.w.state.code, r.w.state.display_code, r.w.state.key.upper(), r.w.state.key + "x", ""):
        for tail in (
            "",
            "/projection",
            "/projection/fragment",
            "/tableau",
            "/qr",
            "/qr.svg",
            "/affiche",
            "/telecharger/synthese.html",
            "/telecharger/scores.xlsx",
            "/static/atelier.css",
        ):
            assert c.get(f"/animation/{key}{tail}").status_code == 404, (key, tail)
        assert c.post(f"/animation/{key}/fermeture", data={"action": "fermer"}).status_code == 404
    assert c.get(f"{r.base}/animation/{r.w.state.key}").status_code == 404


def test_bodies_and_comments_are_bounded(room: Callable[..., Room]) -> None:
    r = room()
    c = r.client()
    r.join(c)
    csrf = csrf_of(c.get(f"{r.base}/question/{Q1}").text)
    big = c.post(f"{r.base}/question/{Q1}", data={"csrf": csrf, Q1: "3", f"comment-{Q1}": "x" * 100_000})
    assert big.status_code == 413
    declared = c.post(
        f"{r.base}/question/{Q1}",
        content=b"a=1",
        headers={"content-type": "application/x-www-form-urlencoded", "content-length": "999999"},
    )
    assert declared.status_code == 413
    long = r.answer(c, Q1, 3, comment="é" * 2001)
    assert long.status_code == 422 and "2\u202f000 caractères" in long.text
    control = r.answer(c, Q1, 3, comment="bip\x1b[31m")
    assert control.status_code == 422
    json_body = c.post(f"{r.base}/question/{Q1}", json={"csrf": csrf, Q1: 3})
    assert json_body.status_code == 415
    assert r.files()[0]["answers"] == {}
    assert r.answer(c, Q1, 3, comment="é" * 2000).status_code == 303


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
    page = c.get(f"{r.base}/question/{Q1}").text
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    for path in ("/projection", "/projection/fragment", "", "/tableau", "/affiche"):
        html = c.get(r.fac + path).text
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>Test" not in html
    md = c.get(f"{r.fac}/telecharger/synthese.md").text
    html = c.get(f"{r.fac}/telecharger/synthese.html").text
    assert "<script>alert" not in md + html and "<b>Test" not in html
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    sheet = load_workbook(io.BytesIO(c.get(f"{r.fac}/telecharger/scores.xlsx").content)).active
    names = [row[2] for row in sheet.iter_rows(min_row=2)]
    typed = next(cell for cell in names if cell.value == '=HYPERLINK("http://evil.example","x")')
    assert typed.data_type == "s"  # kept exactly as typed, as text: never a formula
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


def test_no_path_traversal(room: Callable[..., Room]) -> None:
    r = room()
    c = r.client()
    r.join(c, "elu", "../../etc/passwd")
    for path in (
        f"{r.base}/static/..%2F..%2F.cooplevier-atelier%2Fstate.json",
        f"{r.base}/static/../../README.md",
        f"{r.base}/static/%2e%2e%2fstate.json",
        f"{r.base}/question/..%2F..%2Fstate",
        f"{r.base}/levier/..%2Fx",
        f"{r.fac}/telecharger/..%2F..%2F.cooplevier-atelier%2Fstate.json",
        f"{r.fac}/telecharger/synthese.yaml",
        f"{r.fac}/static/state.json",
    ):
        response = c.get(path)
        assert response.status_code == 404, path
        assert r.w.state.secret.hex() not in response.text
    (answer_file,) = r.folder.glob("*.yaml")
    assert re.fullmatch(r"reponses-[0-9a-f]{16}\.yaml", answer_file.name)


def test_joins_are_rate_limited_per_address(room: Callable[..., Room]) -> None:
    r = room(join_rate=2)
    assert [r.join(r.client()).status_code for _ in range(3)] == [303, 303, 429]
    assert len(r.files()) == 2


def test_participant_records_are_private(room: Callable[..., Room]) -> None:
    r = room()
    r.join(r.client())
    (record,) = (r.folder / ".cooplevier-atelier" / "participants").iterdir()
    assert stat.S_IMODE(record.stat().st_mode) == 0o600 and record.suffix == ".json"
    assert os.access(record, os.R_OK)


texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40).filter(lambda s: text_problem(s) is None)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=texts, comment=texts, territory=texts.filter(lambda s: bool(s.strip())))
def test_what_is_typed_reads_back_from_the_file_as_typed(
    tmp_path: Path, name: str, comment: str, territory: str
) -> None:
    """The one writer through libyaml is byte for byte the pure-Python one, and the strict loader reads it back."""
    import datetime as dt

    from cooplevier.content.load import load_pack

    pack = load_pack()
    from cooplevier.content.answers import Answer, AnswerFile, load_answers
    from cooplevier.content.dump import _document, _emitted, dump_answers

    af = AnswerFile(
        territory,
        {Q1: Answer(3, comment or None), Q_L2: Answer("na")},
        name=name or None,
        role="elu",
        date=dt.date(2026, 12, 1),
        content=pack.ref,
        structure="pnr",
        form="full",
    )
    text = dump_answers(af)
    assert text == _emitted(_document(af), fast=False)
    path = tmp_path / "a.yaml"
    path.write_text(text, encoding="utf-8")
    back = load_answers(path, pack)
    assert (back.territory, back.name) == (territory, name if name.strip() else None)
    assert back.answers[Q1].comment == (comment if comment.strip() else None)


def test_pages_are_typeset_and_typed_text_is_left_as_typed(room: Callable[..., Room]) -> None:
    import html as html_lib

    territory = "Pays : « vallée » ; test ? oui !"
    r = room(territory=territory)
    c = r.client()
    r.join(c, "elu", "Zoé : « moi » ?")
    r.answer(c, Q1, 3)
    pages = [c.get(f"{r.base}/levier/L1").text, c.get(f"{r.base}/fin").text, c.get(f"{r.fac}/qr").text]
    for page in pages:
        typed = re.findall(r'<bdi class="u">(.*?)</bdi>', page)
        assert typed and all(html_lib.unescape(x) in (territory, "Zoé : « moi » ?") for x in typed), typed
    assert "Zoé : « moi » ?" in html_lib.unescape(pages[1])  # the name, on the end page, as typed
    for page in pages[:2]:  # the prose around it is typeset: « » with no-break spaces inside
        prose = re.sub(r'<bdi class="u">.*?</bdi>', "", page)
        assert "«\u00a0" in prose and "« " not in prose


def test_odd_requests_get_a_plain_refusal_never_a_redirect_or_a_failure(room: Callable[..., Room]) -> None:
    r = room()
    c = r.client()
    r.join(c)
    for path in (f"{r.base}/", f"{r.base}/question/{Q1}/", f"{r.base}/fin/", f"{r.fac}/"):
        response = c.get(path, headers={"host": "evil.example"})
        assert response.status_code == 404 and "location" not in response.headers, path  # no Host echoed
    csrf = csrf_of(c.get(f"{r.base}/question/{Q1}").text)
    many = c.post(f"{r.base}/question/{Q1}", data={"csrf": csrf, Q1: "3", **{f"x{i}": "1" for i in range(40)}})
    assert many.status_code == 413
    assert r.files()[0]["answers"] == {}


def test_a_restart_sweeps_what_a_killed_server_left_half_written(tmp_path: Path, pack: Pack) -> None:
    from cooplevier.atelier.workshop import start_workshop

    folder = tmp_path / "atelier"
    first = start_workshop(folder, pack, territory="Test", structure=None, short=False, hold=True)
    assert first.folder_lock is not None
    first.folder_lock.close()
    state = folder / ".cooplevier-atelier"
    old = folder / ".cooplevier-0123456789ab.tmp"  # an answer file being rewritten at the kill
    fresh = folder / ".cooplevier-ba9876543210.tmp"  # another process's write under way: kept
    mine = folder / ".cooplevier-notes.tmp"  # not ours by its shape: kept
    leftovers = [old, fresh, mine, state / ".state.json.k2j3h4g5.tmp", state / "participants" / ".p.json.abcd1234.tmp"]
    for path in leftovers:
        path.write_bytes(b"half")
    os.utime(old, (1_000_000_000, 1_000_000_000))
    again = start_workshop(folder, pack, territory=None, structure=None, short=False, hold=True)
    try:
        assert [p.exists() for p in leftovers] == [False, True, True, False, False]
        assert again.state.code == first.state.code
    finally:
        assert again.folder_lock is not None
        again.folder_lock.close()


def test_a_phone_that_leaves_mid_form_is_a_refusal_not_a_server_failure() -> None:
    import asyncio

    from starlette.requests import ClientDisconnect

    from cooplevier.atelier.security import FormRefused, read_form

    class Leaving:
        def __init__(self) -> None:
            self.headers = {"content-type": "application/x-www-form-urlencoded", "content-length": "40"}

        async def stream(self) -> Iterator[bytes]:  # type: ignore[misc]
            yield b"csrf=abc&"
            raise ClientDisconnect

    with pytest.raises(FormRefused) as refused:
        asyncio.run(read_form(Leaving()))
    assert refused.value.status == 400


def test_min_group_is_kept_and_never_lowered_by_a_restart(tmp_path: Path, pack: Pack) -> None:
    from cooplevier.atelier.workshop import start_workshop
    from cooplevier.errors import CooplevierError

    folder = tmp_path / "atelier"
    options: dict = {"territory": None, "structure": None, "short": False}
    assert start_workshop(folder, pack, min_group=5, **options).min_group == 5
    assert start_workshop(folder, pack, **options).min_group == 5  # left out: the saved one
    with pytest.raises(CooplevierError, match="--min-group 5"):
        start_workshop(folder, pack, min_group=2, **options)
    assert start_workshop(tmp_path / "new", pack, **options).min_group == 3


def test_a_body_that_never_arrives_and_bytes_that_are_not_utf8_are_refused(
    room: Callable[..., Room], monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    from cooplevier.atelier import security

    class Stalled:
        def __init__(self) -> None:
            self.headers = {"content-type": "application/x-www-form-urlencoded", "content-length": "40"}

        async def stream(self) -> Iterator[bytes]:  # type: ignore[misc]
            yield b"csrf=abc&"
            await asyncio.sleep(60)

    monkeypatch.setattr(security, "BODY_TIMEOUT", 0.2)
    with pytest.raises(security.FormRefused) as refused:
        asyncio.run(security.read_form(Stalled()))
    assert refused.value.status == 408
    r = room()
    c = r.client()
    r.join(c)
    csrf = csrf_of(c.get(f"{r.base}/question/{Q1}").text)
    body = f"csrf={csrf}&{Q1}=3&comment-{Q1}=%ff%fe&action=suivant".encode()
    bad = c.post(f"{r.base}/question/{Q1}", content=body, headers={"content-type": "application/x-www-form-urlencoded"})
    assert bad.status_code == 415 and r.files()[0]["answers"] == {}


def test_a_poster_of_a_server_phones_cannot_reach_says_so_on_screen(room: Callable[..., Room]) -> None:
    r = room()
    c = r.client()
    assert "--lan" in c.get(f"{r.fac}/affiche").text
    r.w.local_only = False
    assert "--lan" not in c.get(f"{r.fac}/affiche").text


def test_the_projected_pages_have_their_own_read_only_key(room: Callable[..., Room]) -> None:
    r = room()
    c = r.client()
    screen = f"/ecran/{r.w.state.screen_key}"
    assert r.w.state.screen_key != r.w.state.key and len(r.w.state.screen_key) >= 21  # 128 bits
    assert screen in c.get(r.fac).text  # the dashboard links the projector to it
    for path in ("", "/projection/fragment", "/qr", "/qr.svg", "/static/atelier.css"):
        page = c.get(screen + path)
        assert page.status_code == 200, path
        assert r.w.state.key not in page.text, path  # nothing on the screen leads to the facilitator's side
    for path in ("/tableau", "/affiche", "/telecharger/scores.xlsx", "/telecharger/synthese.html"):
        assert c.get(screen + path).status_code == 404, path
        assert c.get(f"/animation/{r.w.state.screen_key}{path}").status_code == 404, path
    assert c.get(f"/animation/{r.w.state.screen_key}").status_code == 404
    assert c.post(f"/animation/{r.w.state.screen_key}/fermeture", data={"action": "fermer"}).status_code == 404
    assert c.get(f"/ecran/{r.w.state.key}").status_code == 404
    assert c.get(f"/ecran/{r.w.state.screen_key[:-1]}x").status_code == 404


def test_skipping_a_question_never_drops_a_comment_silently(room: Callable[..., Room]) -> None:
    r = room()
    c = r.client()
    r.join(c)
    skipped = r.answer(c, Q1, 3, action="passer", comment="à revoir avec le bureau")
    assert skipped.status_code == 422 and "effacez" in skipped.text
    assert r.files()[0]["answers"] == {}
    assert r.answer(c, Q1, 3, action="passer").status_code == 303  # without a comment: skipped
