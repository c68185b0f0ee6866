"""Real browser: the plan for the bureau printed to PDF, its note on the first page alone."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import require_tool
from tests.test_plan_file import EXAMPLE

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_the_note_au_bureau_fills_the_first_page(cli: Callable[..., Any], tmp_path: Path) -> None:
    require_tool("chromium")
    pdftotext = require_tool("pdftotext")
    out = tmp_path / "plan.pdf"
    result = cli("plan", str(EXAMPLE), "--today", "2026-12-07", "--output", str(out))
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes().startswith(b"%PDF")
    pages = subprocess.run([pdftotext, "-layout", str(out), "-"], capture_output=True, text=True, check=True)
    first, *rest = pages.stdout.split("\f")
    assert "Note au bureau" in first and "Les décisions demandées au bureau" in first
    assert "Les actions" not in first  # the action table starts on its own page
    assert any("Les actions" in page for page in rest)
