"""Real browser: the workshop synthesis and the comparison print on A4 with their wheels."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cooplevier.content.model import Pack
from tests.helpers import all_answers, answers_yaml
from tests.test_plan_browser import chromium

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _workshop(pack: Pack, folder: Path) -> list[Path]:
    folder.mkdir()
    files = []
    for i, (role, level) in enumerate([("elu", 4), ("elu", 4), ("technicien", 2), ("societe-civile", 3)]):
        answers = all_answers(pack, level)
        answers["L5.Q2"] = 5 if role == "elu" else 1
        path = folder / f"p{i}.yaml"
        path.write_text(answers_yaml(answers, role=role, territory="Pays <i>Atelier</i>"), encoding="utf-8")
        files.append(path)
    return files


def _pages(pdf: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf.read_bytes()))


def test_synthesis_and_comparison_print(cli: Callable[..., Any], pack: Pack, tmp_path: Path) -> None:
    files = _workshop(pack, tmp_path / "atelier")
    synthesis, comparison = tmp_path / "synthese.html", tmp_path / "progres.html"
    assert cli("report", str(tmp_path / "atelier"), "--format", "html", "--output", str(synthesis)).exit_code == 0
    assert cli("compare", str(files[2]), str(files[0]), "--format", "html", "--output", str(comparison)).exit_code == 0
    for html, most in ((synthesis, 8), (comparison, 4)):
        text = html.read_text(encoding="utf-8")
        assert "<svg" in text and "<script" not in text and "Pays &lt;i&gt;Atelier&lt;/i&gt;" in text
        pdf = tmp_path / (html.stem + ".pdf")
        chromium(tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", html.as_uri())
        assert 1 <= _pages(pdf) <= most
