"""Real browser: headless Chromium prints the HTML plan on A4 and takes a screenshot."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cooplevier.content.model import Pack
from cooplevier.report.pdf import HEADLESS_FLAGS
from tests.helpers import require_tool
from tests.test_plan import fixed_answers, write

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def chromium(tmp_path: Path, *args: str) -> None:
    exe = require_tool("chromium")
    profile = tmp_path / "profile"
    subprocess.run(
        [
            exe,
            *HEADLESS_FLAGS,
            f"--user-data-dir={profile}",
            *args,
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )


def test_chromium_prints_the_plan_on_a4_pages(cli: Callable[..., Any], pack: Pack, tmp_path: Path) -> None:
    answers = write(tmp_path / "a.yaml", fixed_answers(pack), territory="Pays Témoin", targets={"L7": 5})
    html = tmp_path / "plan.html"
    assert cli("report", str(answers), "--format", "html", "--output", str(html)).exit_code == 0
    pdf, png = tmp_path / "plan.pdf", tmp_path / "plan.png"
    chromium(tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", html.as_uri())
    chromium(tmp_path, f"--screenshot={png}", "--window-size=1200,1600", html.as_uri())
    data = pdf.read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", data))
    assert 5 <= pages <= 14, pages
    boxes = set(re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", data))
    assert boxes and all(abs(float(w) - 595) < 2 and abs(float(h) - 842) < 2 for w, h in boxes)  # A4 in pt
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
