"""Handouts printed by a real headless Chromium: one A4 page per lever card, no cut question."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from cooplevier.content.model import Pack
from cooplevier.report.handouts import render_handout
from cooplevier.report.pdf import chromium_pdf
from tests.helpers import require_tool

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _print(pack: Pack, kind: str, tmp_path: Path, **kw: object) -> Path:
    browser = require_tool("chromium")
    html = render_handout(kind, pack, fmt="html", **kw)  # type: ignore[arg-type]
    assert isinstance(html, str)
    pdf = tmp_path / f"{kind}.pdf"
    pdf.write_bytes(chromium_pdf(html, browser))
    return pdf


def _pages(pdf: Path) -> list[str]:
    """Text of each page (pdftotext), whitespace normalised."""
    require_tool("pdftotext")
    count = len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf.read_bytes()))
    texts = []
    for page in range(1, count + 1):
        out = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
            capture_output=True,
            check=True,
            text=True,
        ).stdout
        texts.append(" ".join(out.split()))
    return texts


def _flat(text: str) -> str:
    """Text without spaces or hyphens: pdftotext joins words hyphenated at a line end."""
    return re.sub(r"[\s\-‐]", "", text)


SHEETS = 4  # the deck's sheets that go with a lever's card: impulsion, conseil de développement, two specifics


def test_cards_print_one_a4_page_per_lever(pack: Pack, tmp_path: Path) -> None:
    pdf = _print(pack, "cards", tmp_path)
    pages = _pages(pdf)
    assert len(pages) == len(pack.levers) + SHEETS + 1  # and the glossary
    box = re.search(rb"/MediaBox\s*\[0 0 ([\d.]+) ([\d.]+)\]", pdf.read_bytes())
    assert box and abs(float(box[1]) - 595) < 1 and abs(float(box[2]) - 842) < 1  # A4 portrait
    cards = [text for text in pages if re.search(r"Questions L\d+\.Q\d+ à", text)]
    assert len(cards) == len(pack.levers)  # each card's footer is on a page of its own
    for lever, text in zip(pack.levers, cards, strict=True):
        assert f"Questions {pack.questions_for(lever.id)[0].id} à" in text, lever.id
        last_vigilance = " ".join(lever.vigilance[-1].text.split()[:4])
        assert _flat(last_vigilance) in _flat(text), (lever.id, "vigilance not on its page")


def test_one_card_prints_on_one_page(pack: Pack, tmp_path: Path) -> None:
    longest = max(pack.levers, key=lambda lv: len(lv.practices))
    with_sheet = longest.id in ("L2", "L3", "L4", "L6")  # its table also gets a sheet of the deck
    assert len(_pages(_print(pack, "cards", tmp_path, lever_id=longest.id))) == 1 + with_sheet


def test_questionnaire_prints_with_no_question_cut(pack: Pack, tmp_path: Path) -> None:
    pages = _pages(_print(pack, "questionnaire", tmp_path))
    flat = [_flat(text) for text in pages]
    assert 4 <= len(pages) <= len(pack.questions) // 2
    for q in pack.questions:
        holding = [i for i, text in enumerate(flat) if _flat(q.text) in text]
        assert len(holding) == 1, q.id
        page = flat[holding[0]]
        for choice in q.choices:
            assert _flat(choice.label) in page, f"{q.id} is cut across pages"


def test_guide_and_poster_print(pack: Pack, tmp_path: Path, write_answers: object) -> None:
    guide = _pages(_print(pack, "guide", tmp_path))
    assert 2 <= len(guide) <= 8
    assert guide[-1].startswith("Glossaire et sources")  # the glossary and the sources: one last page
    from tests.helpers import all_answers, group

    a = write_answers(all_answers(pack, 2), name="a.yaml")  # type: ignore[operator]
    b = write_answers(all_answers(pack, 4), name="b.yaml", role="technicien")  # type: ignore[operator]
    assert len(_pages(_print(pack, "poster", tmp_path, synthesis=group(pack, [a, b])))) == 1


def test_the_fullest_poster_prints_on_one_page_masked_or_working(pack: Pack, tmp_path: Path) -> None:
    """Five roles, every lever divergent, a long territory name: the masked poster and the working
    copy (its notice on top, every role beside each divergent lever) each hold on one A4 page."""
    import yaml

    from cooplevier.scoring.circulate import mask
    from tests.helpers import group

    roles = ["elu"] * 4 + ["technicien"] * 4 + ["societe-civile"] * 3 + ["partenaire", "autre"]
    base = {"elu": 5, "technicien": 2, "societe-civile": 3, "partenaire": 1, "autre": 4}
    paths = []
    for i, role in enumerate(roles):
        answers = {q.id: max(1, base[role] - (i + j) % 2) for j, q in enumerate(pack.questions)}
        doc = {
            "cooplevier": "answers/1",
            "territory": "Communauté de communes du Grand Pic Saint-Loup et des Cévennes méridionales",
            "respondent": {"role": role},
            "answers": answers,
        }
        paths.append(tmp_path / f"p{i:02}.yaml")
        paths[-1].write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    syn = group(pack, paths)
    assert len(syn.divergent) == len(pack.levers)
    masked = _pages(_print(pack, "poster", tmp_path, synthesis=mask(syn, 3)))
    working = _pages(_print(pack, "poster", tmp_path, synthesis=mask(syn, 1)))
    assert len(masked) == 1 and len(working) == 1
    assert "Plus basse" not in masked[0] and "Copie de travail" not in masked[0]
    assert "Copie de travail" in working[0] and "Plus basse" in working[0]
    for page in (masked[0], working[0]):
        assert "Monter l'escalier n'est pas fusionner" in page and "cooplevier" in page.split("fusionner")[-1]
