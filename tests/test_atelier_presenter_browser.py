"""The room's discussion in a real browser: phones answer, comment and vote; the facilitator
reveals, approves and closes from the dashboard; the presenter view moves by keyboard, fits a
projector without scrolling, in type read from the back of a room, with the report's figures.

Set COOPLEVIER_SHOTS=DIR to keep screenshots of every slide at 1 366 x 768 (to look at them).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cooplevier.content.model import Pack
from tests.helpers import invoke
from tests.test_atelier_browser import _axe, _axe_source, _csp_errors, browser  # noqa: F401 - the shared fixture
from tests.test_atelier_support import CSRF, Server, start_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PROJECTOR = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
LONG = (
    "Le conseil de développement n'est associé qu'en bout de course, quand les décisions sont prises ; "
    "il faudrait l'inviter dès la préparation des projets, avec les documents à l'avance, et lui "
    "laisser le temps de consulter ses membres avant chaque comité de pilotage du contrat."
)


@pytest.fixture()
def srv(tmp_path: Path) -> Iterator[Server]:
    server = start_server(tmp_path / "atelier", "--territory", "Pays de Figeac", "--join-rate", "1000")
    yield server
    assert server.stop() == 0


class Response:
    def __init__(self, status: int, text: str) -> None:
        self.status_code, self.text = status, text


class Browserless:
    """A client without JavaScript or redirects, with its own cookies (the standard library's)."""

    def __init__(self) -> None:
        import http.cookiejar
        import urllib.request

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args: Any) -> None:
                return None

        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
        )

    def request(self, url: str, data: dict[str, str] | None = None) -> Response:
        import urllib.error
        import urllib.parse

        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(url, body, timeout=30) as answer:
                return Response(answer.status, answer.read().decode("utf-8"))
        except urllib.error.HTTPError as error:
            return Response(error.code, error.read().decode("utf-8", "replace"))

    get = request

    def post(self, url: str, data: dict[str, str]) -> Response:
        return self.request(url, data)


class Phone:
    """A phone without JavaScript: the plain forms."""

    def __init__(self, link: str, role: str) -> None:
        self.link = link
        self.http = Browserless()
        page = self.http.get(link)
        joined = self.http.post(f"{link}/rejoindre", data={"csrf": _csrf(page.text), "role": role, "name": ""})
        assert joined.status_code == 303

    def answer(self, qid: str, value: int, comment: str = "") -> None:
        page = self.http.get(f"{self.link}/question/{qid}")
        data = {"csrf": _csrf(page.text), qid: str(value), "action": "suivant", f"comment-{qid}": comment}
        assert self.http.post(f"{self.link}/question/{qid}", data=data).status_code == 303

    def vote(self, votes: dict[str, int]) -> Response:
        page = self.http.get(f"{self.link}/vote")
        data = {"csrf": _csrf(page.text), **{f"vote-{pid}": str(n) for pid, n in votes.items()}}
        return self.http.post(f"{self.link}/vote", data=data)


def _csrf(html: str) -> str:
    found = CSRF.search(html)
    assert found, html[:500]
    return found.group(1)


def _slides_fit_and_type_is_large(page: Any) -> list[str]:
    """Every slide in turn: what scrolls, and any visible text under 28 px."""
    return page.evaluate(
        """() => {
        const bad = [];
        const slides = [...document.querySelectorAll('section[data-slide]')];
        for (const [i, s] of slides.entries()) {
          slides.forEach((x, j) => { x.hidden = j !== i; });
          if (s.scrollHeight > s.clientHeight + 1 || document.documentElement.scrollHeight > innerHeight + 1)
            bad.push(`slide ${i} (${s.dataset.slide}) scrolls: ${s.scrollHeight} > ${s.clientHeight}`);
          const walker = document.createTreeWalker(s, NodeFilter.SHOW_TEXT);
          while (walker.nextNode()) {
            const el = walker.currentNode.parentElement;
            if (!walker.currentNode.textContent.trim() || el.closest('svg') || el.closest('.sr')) continue;
            const size = parseFloat(getComputedStyle(el).fontSize);
            if (size < 28) bad.push(`slide ${i}: ${size}px « ${walker.currentNode.textContent.trim().slice(0, 30)} »`);
          }
        }
        return bad;
      }"""
    )


def test_a_room_answers_comments_votes_and_the_presenter_view_shows_it(
    browser: Any,  # noqa: F811
    srv: Server,
    pack: Pack,
) -> None:
    shots = os.environ.get("COOPLEVIER_SHOTS")
    axe = _axe_source()
    levers = [lv.id for lv in pack.levers]
    asked = [q.id for q in pack.form()]
    first = {lid: next(q for q in asked if q.startswith(lid + ".")) for lid in levers}
    # -- phones answer and comment (the first élu in a real phone browser) ----------------------
    phone = browser.new_context(viewport=PHONE, is_mobile=True).new_page()
    phone.goto(srv.participant)
    phone.check("#role-elu")
    phone.click("button.primary")
    phone.goto(f"{srv.participant}/question/{first['L1']}")
    phone.locator('label[for="c2"]').click()
    phone.fill("#comment", "Les élus découvrent les projets en conseil communautaire, trop tard.")
    phone.click("button[value=suivant]")
    others = [Phone(srv.participant, role) for role in ["elu", "elu", "technicien", "technicien", "technicien"]]
    for n, p in enumerate(others):
        for lid in levers:
            comment = ""
            if lid == "L1" and n >= 1:
                comment = LONG if n % 2 else f"Remarque {n} : un calendrier commun des instances."
            p.answer(first[lid], 1 + (n + len(lid)) % 5 if p is not others[0] else 4, comment)
    for lid in levers[1:]:  # the browser phone answers the same questions, through its own page
        phone.goto(f"{srv.participant}/question/{first[lid]}")
        phone.locator('label[for="c3"]').click()
        phone.click("button[value=suivant]")
    # -- the presenter view before the reveal: nothing but counts ---------------------------------
    projector = browser.new_context(viewport=PROJECTOR).new_page()
    csp = _csp_errors(projector)
    projector.goto(srv.presenter)
    assert projector.locator("[data-value]").count() == 0 and "Résultats masqués" in projector.inner_text("main")
    assert projector.locator("[aria-current=true]").get_attribute("data-slide") == "wheel"
    # the screen key reveals nothing: the facilitator's form is not there, and its POST is refused
    assert projector.locator("form").count() == 0
    key = srv.presenter.split("/ecran/")[1].split("/")[0]
    refused = Browserless().post(f"{srv.origin}/animation/{key}/presentation/resultats", {"action": "montrer"})
    assert refused.status_code == 404
    # -- the facilitator approves comments and reveals, from the dashboard ------------------------
    desk = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    desk.goto(srv.facilitator)
    pending = desk.locator("[data-comment][data-status=pending]")
    assert pending.count() == 5  # the phone's and four of the others', without names
    assert "Zoé" not in desk.inner_text("#mur")
    for _ in range(4):  # approve four, set the last aside
        desk.locator("[data-comment][data-status=pending] button[value=approve]").first.click()
    desk.locator("[data-comment][data-status=pending] button[value=reject]").first.click()
    assert desk.locator("[data-comment][data-status=approved]").count() == 4
    desk.click("button[value=montrer]")  # the results' switch
    # -- the presenter view moves by keyboard, and shows the report's figures ---------------------
    projector.goto(srv.presenter)
    assert projector.locator("[data-value]").count() > 0
    order = [projector.locator("[aria-current=true]").get_attribute("data-slide")]
    for key_name in ["ArrowRight", "PageDown", " ", "ArrowRight"]:
        projector.keyboard.press(key_name)
        order.append(projector.locator("[aria-current=true]").get_attribute("data-slide"))
    assert order[0] == "wheel" and all(s in levers for s in order[1:]), order
    projector.keyboard.press("ArrowLeft")
    projector.keyboard.press("PageUp")
    assert projector.locator("[aria-current=true]").get_attribute("data-slide") == order[2]
    assert projector.locator("[aria-current=true]").count() == 1
    slides = projector.locator("section[data-slide]").evaluate_all("els => els.map(e => e.dataset.slide)")
    assert slides[-1] == "vote" and slides.count("L1") >= 2, slides  # L1's comments overflow onto a second slide
    assert projector.locator("section[data-slide=L1] [data-comment]").count() == 4
    report = json.loads(invoke("report", srv.folder, "--format", "json").stdout)
    shown = projector.locator("[data-figure][data-value]").evaluate_all(
        "els => els.map(e => [e.dataset.lever, e.dataset.role, parseFloat(e.dataset.value)])"
    )
    checked = 0
    for lever, role, value in shown:
        expected = report["levers"][lever]["mean"] if role == "group" else report["levers"][lever]["by_role"].get(role)
        assert expected == pytest.approx(value), (lever, role, value, expected)
        checked += 1
    assert checked >= len(levers) * 2
    # -- the vote: proposals typed on the dashboard, opened, cast from phones ---------------------
    desk.goto(srv.facilitator + "#vote")
    for lever, text in [
        ("L1", "Un calendrier commun des instances"),
        ("L2", "Associer le conseil de développement dès la préparation"),
        ("L1", "Une lettre mensuelle aux élus"),
    ]:
        desk.select_option("#vote-lever", lever)
        desk.fill("#vote-text", text)
        desk.click("button[value=ajouter]")
    assert "1 jeton" in desk.inner_text("#vote")  # three proposals: about one token per four or five
    desk.fill("#vote-budget", "3")
    desk.click("button[value=regles]")
    desk.click("button[value=ouvrir]")
    assert "verrouillé" in desk.inner_text("#vote")
    phone.goto(srv.participant + "/vote")
    assert phone.locator("input[name=vote-P1]").count() == 1
    phone.fill("#vote-P1", "2")
    phone.fill("#vote-P2", "2")
    phone.click("button.primary")  # four tokens: the server says so, in French, and keeps them typed
    assert "le budget est de 3" in phone.inner_text("#error") and phone.input_value("#vote-P2") == "2"
    phone.fill("#vote-P1", "2")
    phone.fill("#vote-P2", "1")
    phone.click("button.primary")
    assert "Votre vote est enregistré" in phone.inner_text("main")
    open_vote_violations = _axe(phone, axe, "vote-open")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        phone.screenshot(path=str(Path(shots) / "vote-phone-open.png"), full_page=True)
    ballots = [{"P2": 3}, {"P1": 1, "P3": 2}, {"P2": 2, "P3": 1}]
    for p, ballot in zip(others, ballots, strict=False):
        assert p.vote(ballot).status_code == 303
    phone_vote = phone
    desk.goto(srv.facilitator + "#vote")
    desk.click("button[value=clore]")
    desk.locator("#vote button[value=montrer]").click()
    # -- the facilitator closes the questionnaire ------------------------------------------------
    desk.click("button[value=fermer]")
    projector.goto(srv.presenter + f"?s={len(slides) - 1}")
    assert projector.locator("[aria-current=true]").get_attribute("data-slide") == "vote"
    totals = {"P1": 3, "P2": 6, "P3": 3}
    got = projector.locator("[data-vote]").evaluate_all("els => els.map(e => [e.dataset.vote, +e.dataset.value])")
    assert dict(got) == totals
    saved = json.loads((Path(srv.folder) / ".cooplevier-atelier" / "votes.json").read_text(encoding="utf-8"))
    assert saved["cooplevier"] == "votes/1" and {p["id"]: p["tokens"] for p in saved["proposals"]} == totals
    assert saved["voters"] == 4 and saved["budget"] == 3 and saved["status"] == "closed"
    # -- readable at 10 m: nothing scrolls, nothing under 28 px, at both projector sizes ----------
    assert _slides_fit_and_type_is_large(projector) == []
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        for i in range(len(slides)):
            projector.goto(srv.presenter + f"?s={i}")
            projector.screenshot(path=str(Path(shots) / f"slide-{i:02d}-{slides[i]}.png"))
        desk.goto(srv.facilitator)
        desk.screenshot(path=str(Path(shots) / "dashboard.png"), full_page=True)
        phone_vote.goto(srv.participant + "/vote")
        phone_vote.screenshot(path=str(Path(shots) / "vote-phone.png"), full_page=True)
    wide = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    wide.goto(srv.presenter)
    assert _slides_fit_and_type_is_large(wide) == []
    # -- accessibility: the presenter view (screen and facilitator's) and the vote page -----------
    projector.goto(srv.presenter)
    results = {"presenter": _axe(projector, axe, "presenter")}
    desk.goto(srv.facilitator + "/presentation?s=1")
    results["presenter-facilitator"] = _axe(desk, axe, "presenter-facilitator")
    desk.goto(srv.facilitator)
    results["dashboard"] = _axe(desk, axe, "dashboard")
    phone_vote.goto(srv.participant + "/vote")
    results["vote"] = _axe(phone_vote, axe, "vote")
    results["vote-open"] = open_vote_violations
    assert results == {name: [] for name in results}, json.dumps(results, ensure_ascii=False, indent=1)[:3000]
    # the facilitator's presenter view reveals and hides by keyboard; hidden stays hidden everywhere
    desk.goto(srv.facilitator + "/presentation?s=1")
    desk.keyboard.press("r")
    desk.wait_for_url(re.compile(r"/presentation\?s=1$"))
    assert desk.locator("[data-value]").count() == 0
    projector.goto(srv.presenter)
    assert projector.locator("[data-value]").count() == 0  # the vote's totals too
    projector.keyboard.press("ArrowRight")  # the script still runs under the CSP
    assert projector.locator("[aria-current=true]").get_attribute("data-index") == "1"
    # the live refresh: a reveal reaches the projector without a reload, on the slide it shows
    projector.keyboard.press("ArrowRight")
    desk.keyboard.press("r")
    desk.wait_for_url(re.compile(r"/presentation\?s=1$"))
    projector.locator("[data-value]").first.wait_for(state="attached", timeout=15_000)  # no eval under the CSP
    assert projector.locator("[aria-current=true]").get_attribute("data-index") == "2"
    assert projector.url.endswith("?s=2")
    assert csp == []


def test_the_wheel_slide_fits_with_every_role_answers_held_back_and_an_erasure(
    browser: Any,  # noqa: F811
    tmp_path: Path,
    pack: Pack,
) -> None:
    """The fullest wheel slide: five roles in the legend, answers waiting for their batch, and
    figures held after an erasure; the wheel gives up room, the text stays at 28 px or more."""
    server = start_server(tmp_path / "salle", "--short", "--join-rate", "1000")
    try:
        asked = [q.id for q in pack.form(None, "short")]
        phones = []
        for n, role in enumerate(["elu", "technicien", "societe-civile", "partenaire", "autre"] * 3 + ["elu"] * 2):
            phone = Phone(server.participant, role)
            for i, qid in enumerate(asked):
                phone.answer(qid, 1 + (n + n // 5 + i) % 5)  # a role's three never all alike
            phones.append(phone)
        desk = Browserless()
        token = _csrf(desk.get(server.facilitator).text)
        assert desk.post(f"{server.facilitator}/fermeture", {"csrf": token, "action": "montrer"}).status_code == 303
        projector = browser.new_context(viewport=PROJECTOR).new_page()
        projector.goto(server.presenter)  # seen: an erasure now holds what it would give away
        someone = re.findall(r'name="participant" value="([0-9a-f]{16})"', desk.get(server.facilitator).text)[0]
        erased = desk.post(f"{server.facilitator}/effacer", {"csrf": token, "participant": someone, "confirmer": "oui"})
        assert erased.status_code == 303
        projector.goto(server.presenter)
        said = projector.inner_text("main")
        assert "pas encore à l" in said and "après un effacement" in said
        # a room with more roles waiting says more: a held sentence longer by half, and the wheel yields
        projector.evaluate(
            """() => { const held = document.querySelector('section[aria-current] .side .held');
                       held.textContent += ' ' + held.textContent.slice(0, 200);
                       window.dispatchEvent(new Event('resize')); }"""
        )
        for _ in range(3):  # the wheel, then two levers, moved by the keyboard as in the room
            height = projector.evaluate("document.documentElement.scrollHeight")
            assert height <= PROJECTOR["height"] + 1, projector.evaluate(
                "document.querySelector('[aria-current]').dataset.slide"
            )
            sizes = projector.evaluate(
                "[...document.querySelectorAll('section[aria-current] .side p')].map(p => parseFloat(getComputedStyle(p).fontSize))"
            )
            assert all(size >= 28 for size in sizes), sizes
            projector.keyboard.press("ArrowRight")
    finally:
        assert server.stop() == 0
