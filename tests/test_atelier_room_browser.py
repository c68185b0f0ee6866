"""The facilitator's desk in a real browser: at 1 366 × 768 the dashboard shows the room's pace and
the countdown without scrolling; the phones show the countdown, under the CSP; axe-core finds no
violation on the new pages (the dashboard with its tools, the erase confirmation, « vos données »)."""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import require_tool
from tests.test_atelier_browser import PHONE, _axe, _axe_source, _csp_errors
from tests.test_atelier_support import RawClient, Server, participate, start_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]
LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    executable = require_tool("chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


@pytest.fixture()
def srv(tmp_path: Path) -> Iterator[Server]:
    server = start_server(tmp_path / "atelier", "--territory", "Pays de Figeac", "--minutes", "20")

    with concurrent.futures.ThreadPoolExecutor(1) as pool:  # Playwright's sync API holds this thread's loop
        pool.submit(asyncio.run, _crowd(server.participant)).result()
    yield server
    assert server.stop() == 0


async def _crowd(link: str) -> None:
    async def one(i: int) -> None:
        async with RawClient() as client:
            await participate(client, link, ["elu", "technicien"][i % 2], lambda q: 3, stop_after=4 + i)

    await asyncio.gather(*(one(i) for i in range(4)))


def test_the_dashboard_shows_pace_and_countdown_above_the_fold_and_phones_show_it(chromium: Any, srv: Server) -> None:
    axe = _axe_source()
    desk = chromium.new_context(viewport=LAPTOP).new_page()
    errors = _csp_errors(desk)
    desk.goto(srv.facilitator)
    desk.click("button[value=demarrer]")
    desk.goto(srv.facilitator)
    for selector in ("#pace-title", "#time-left", "#fit"):
        box = desk.locator(selector).bounding_box()
        assert box is not None and box["y"] + box["height"] <= LAPTOP["height"], selector
    assert "20 min" in desk.locator("#time-left").locator("xpath=preceding-sibling::p[1]").inner_text()
    assert desk.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]
    found = {"dashboard": _axe(desk, axe, "dashboard")}
    desk.click("text=Choisir la personne")
    desk.locator(".erase-list button").first.click()
    found["erase"] = _axe(desk, axe, "erase")
    phone = chromium.new_context(viewport=PHONE).new_page()
    errors += _csp_errors(phone)
    phone.goto(srv.participant)
    assert phone.locator("[data-countdown]").inner_text().replace("\u00a0", " ").startswith("Temps restant : 20 min")
    phone.goto(srv.participant + "/donnees")
    found["privacy"] = _axe(phone, axe, "privacy")
    assert found == {name: [] for name in found} and errors == []
