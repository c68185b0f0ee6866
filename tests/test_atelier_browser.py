"""A real browser (Playwright driving Debian's Chromium) against a real server process.

A phone-sized page answers the whole questionnaire and the file it leaves validates; the
projection refreshes itself in place under the CSP; axe-core finds no accessibility violation.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cooplevier.content.model import Pack
from tests.helpers import invoke, require_tool
from tests.test_atelier_support import RawClient, Server, participate, start_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PHONE = {"width": 390, "height": 844}


def _axe_source() -> str:
    try:
        import axe_playwright_python  # the package vendors axe-core's axe.min.js
    except ImportError:
        require_tool("axe-core (pip install axe-playwright-python)")  # skips, or fails under REQUIRE_TOOLS
        raise
    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    chromium = require_tool("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require_tool("playwright (pip install playwright)")
        raise
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


@pytest.fixture()
def srv(tmp_path: Path) -> Iterator[Server]:
    server = start_server(tmp_path / "atelier", "--territory", "Pays <i>de</i> Figeac", "--join-rate", "1000")
    yield server
    assert server.stop() == 0


def _csp_errors(page: Any) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    return errors


def test_a_phone_answers_every_question_and_the_file_validates(browser: Any, srv: Server, pack: Pack) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    errors = _csp_errors(page)
    page.goto(srv.participant)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.check("#role-societe-civile")
    page.fill("#name", "Zoé <b>Test</b>")
    page.click("button.primary")
    rnd = random.Random(7)
    asked = [q.id for q in pack.form()]
    for i, qid in enumerate(asked):
        if "/levier/" in page.url:  # a lever's panel
            page.click("a.button.primary")
        assert page.url.endswith(f"/question/{qid}")
        value = rnd.choice(["1", "2", "3", "4", "5", "na", "unknown"])
        page.locator(f'label[for="c{value}"]').click()  # the whole label is the touch target
        if i == 10:
            page.fill("#comment", "Vu en commission « mobilités »")
        if i < 6:  # what a thumb meets: large targets, nothing wider than the phone
            box = page.locator(f'label[for="c{value}"]').bounding_box()
            assert box is not None and box["height"] >= 44 and box["width"] >= (300 if value.isdigit() else 160)
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], qid
        page.click("button[value=suivant]")
    page.locator("#done").wait_for()
    assert "Zoé <b>Test</b>" in page.locator("#done").inner_text()
    assert page.locator("svg.wheel").count() == 1
    assert not errors
    folder = Path(srv.folder)
    result = invoke("validate", str(folder))
    assert result.exit_code == 0, result.stdout + result.stderr
    (answers,) = folder.glob("reponses-*.yaml")
    text = answers.read_text(encoding="utf-8")
    assert all(f"{qid}:" in text for qid in asked) and "commission « mobilités »" in text
    context.close()


def test_back_button_and_a_reload_keep_the_answers(browser: Any, srv: Server) -> None:
    page = browser.new_context(viewport=PHONE).new_page()
    page.goto(srv.participant)
    page.check("#role-elu")
    page.click("button.primary")
    page.click("a.button.primary")
    page.locator('label[for="c4"]').click()
    page.click("button[value=suivant]")
    page.click("button[value=precedent]")
    assert page.locator("#c4").is_checked()
    page.reload()
    assert page.locator("#c4").is_checked()


def test_projection_refreshes_in_place_without_javascript_errors(browser: Any, srv: Server) -> None:
    page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    errors = _csp_errors(page)
    page.goto(srv.facilitator)
    page.click("button[value=montrer]")  # results are hidden until the facilitator reveals them
    page.goto(srv.facilitator + "/projection")
    assert "0 / 3" in page.inner_text("main")
    page.evaluate("window.__same_page = true")
    _crowd_now(srv.participant, 6)  # three of each role: their answers are published together
    page.locator("svg.wheel").wait_for(timeout=15_000)  # arrived through the fragment, not a reload
    assert page.evaluate("window.__same_page === true")
    assert "6 répondants" in page.inner_text(".status")
    assert "Pays <i>de</i> Figeac" not in page.content().replace("&lt;", "<") or "<i>de</i>" not in page.content()
    assert not errors
    nojs = browser.new_context(viewport={"width": 1280, "height": 720}, java_script_enabled=False).new_page()
    nojs.goto(srv.facilitator + "/projection")
    assert nojs.locator("svg.wheel").count() == 1  # the same content without JavaScript
    assert nojs.locator('meta[http-equiv="refresh"]').count() == 1


def _crowd_now(link: str, count: int) -> None:
    """Participants answering from another thread (Playwright's sync API holds this one's loop)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, _crowd(link, count)).result(timeout=120)


async def _crowd(link: str, count: int) -> None:
    async def one(i: int) -> None:
        async with RawClient() as client:
            await participate(client, link, ["elu", "technicien"][i % 2], lambda q: 1 + i % 5, stop_after=12)

    await asyncio.gather(*(one(i) for i in range(count)))


def test_axe_core_finds_no_violation(browser: Any, srv: Server) -> None:
    axe = _axe_source()
    _crowd_now(srv.participant, 3)
    phone = browser.new_context(viewport=PHONE).new_page()
    big = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    phone.goto(srv.participant)
    pages: list[tuple[Any, str]] = [(phone, "join")]
    phone.check("#role-technicien")
    phone.click("button.primary")
    pages.append((phone, "lever"))
    phone.click("a.button.primary")
    pages.append((phone, "question"))
    phone.click("button[value=suivant]", no_wait_after=True)  # blocked by `required`: no error page
    phone.locator('label[for="c3"]').click()
    phone.fill("#comment", "x")
    phone.goto(srv.participant + "/fin")
    pages.append((phone, "done"))
    results: dict[str, list[Any]] = {}
    for page, name in pages:
        results[name] = _axe(page, axe, name)
    for path, name in (("", "dashboard"), ("/projection", "projection"), ("/qr", "qr"), ("/affiche", "poster")):
        big.goto(srv.facilitator + path)
        results[name] = _axe(big, axe, name)
    assert results == {name: [] for name in results}, json.dumps(results, ensure_ascii=False, indent=1)[:3000]


def _axe(page: Any, source: str, name: str) -> list[Any]:
    """Run axe-core in the page (injected by the driver, so the page's CSP does not apply to it)."""
    if page.evaluate("typeof window.axe") == "undefined":
        page.evaluate(source)
    found = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]} for v in found]


def test_the_join_poster_prints_on_one_a4_page(browser: Any, srv: Server) -> None:
    import re

    page = browser.new_context().new_page()
    page.goto(srv.facilitator + "/affiche")
    assert page.locator("svg.qr").count() == 1 and srv.participant in page.inner_text("main")
    pdf = page.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1
    boxes = set(re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", pdf))
    assert boxes and all(abs(float(w) - 595) < 2 and abs(float(h) - 842) < 2 for w, h in boxes)
