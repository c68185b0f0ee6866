"""Session fixation: no GET changes who a browser answers as, nor anything on disk.

Opening someone else's resume link, with a session of one's own, asks first; the change is a
POST with a CSRF token bound to both people. And, for the class: every GET route the server has,
requested with a session, leaves the identity cookie and every answer file as they were.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from starlette.routing import Route
from starlette.testclient import TestClient

from cooplevier.content.model import Pack
from tests.test_atelier_support import Room, csrf_of, rooms

COOKIE = "cooplevier_participant"


@pytest.fixture()
def room(tmp_path: Path, pack: Pack) -> Iterator[Callable[..., Room]]:
    yield from rooms(tmp_path, pack)


def _two(r: Room) -> tuple[TestClient, str, TestClient, str]:
    """Two participants, each on their own phone: (phone, resume link) for each."""
    a, b = r.client(), r.client()
    r.join(a, "elu", "Anne")
    r.join(b, "technicien", "Bruno")
    link_b = f"{r.base}/reprendre/{b.cookies.get(COOKIE)}"
    link_a = f"{r.base}/reprendre/{a.cookies.get(COOKIE)}"
    return a, link_a, b, link_b


def test_someone_elses_resume_link_asks_before_changing_identity(room: Callable[..., Room], pack: Pack) -> None:
    r = room()
    a, _, b, link_b = _two(r)
    mine = a.cookies.get(COOKIE)
    page = a.get(link_b)
    assert page.status_code == 200 and 'id="switch"' in page.text
    assert "set-cookie" not in page.headers and a.cookies.get(COOKIE) == mine
    q = pack.questions[0].id
    r.answer(a, q, 2)  # the next answer still goes into Anne's own file
    names = {f["respondent"]["name"]: f["answers"] for f in r.files()}
    assert names["Anne"] == {q: 2} and names["Bruno"] == {}
    # a POST without the token, with a forged one, or with the token of another pair: refused
    for data in ({"csrf": ""}, {"csrf": "x"}, {"csrf": csrf_of(a.get(f"{r.base}/question/{q}").text)}):
        assert a.post(link_b, data=data).status_code == 403
        assert a.cookies.get(COOKIE) == mine
    switched = a.post(link_b, data={"csrf": csrf_of(page.text)})
    assert switched.status_code == 303 and a.cookies.get(COOKIE) == b.cookies.get(COOKIE)


def test_a_resume_link_without_a_session_or_of_oneself_resumes_at_once(room: Callable[..., Room]) -> None:
    r = room()
    a, link_a, _b, link_b = _two(r)
    own = a.get(link_a)
    assert own.status_code == 303
    fresh = r.client()
    assert fresh.get(link_b).status_code == 303 and fresh.cookies.get(COOKIE)
    assert fresh.post(link_b, data={"csrf": ""}).status_code == 303  # the same person: nothing changes
    stale = r.client()
    stale.cookies.set(COOKIE, "0123456789abcdef.forged", path=r.base)
    assert stale.get(link_b).status_code == 303  # an invalid cookie is no session to protect


def test_no_get_route_changes_identity_or_any_file(room: Callable[..., Room], pack: Pack) -> None:
    """Every GET route of the app, with its parameters filled in (the other person's token, a
    lever, a question, each download and static name), requested by a participant with a
    session: the cookie stays, and no answer file or participant record changes."""
    r = room()
    a, _, b, _ = _two(r)
    q = pack.questions[0].id
    r.answer(b, q, 4)
    values = {
        "code": r.w.state.display_code,
        "token": b.cookies.get(COOKIE),
        "lever": pack.levers[0].id,
        "question": q,
        "key": r.w.state.key,
    }
    names = ["atelier.css", "refresh.js", "synthese.html", "synthese.md", "scores.xlsx", "x"]
    paths = []
    for route in r.app.app.routes:
        if isinstance(route, Route) and "GET" in (route.methods or ()):
            params = re.findall(r"{(\w+)}", route.path)
            for name in names if "name" in params else [None]:
                path = route.path
                for p in params:
                    path = path.replace("{" + p + "}", name if p == "name" else values[p])
                if "{key}" in route.path and route.path.startswith("/ecran"):
                    path = path.replace(r.w.state.key, r.w.state.screen_key)
                paths.append(path)
    assert len(paths) >= 20

    def disk() -> dict[str, str]:
        return {
            str(p.relative_to(r.folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(r.folder.rglob("*"))
            if p.is_file() and "published" not in p.name
        }

    before, mine = disk(), a.cookies.get(COOKIE)
    for path in paths:
        response = a.get(path)
        assert COOKIE not in response.headers.get("set-cookie", ""), path
        assert a.cookies.get(COOKIE) == mine, path
    assert disk() == before
