"""`cooplevier report FILE`: the action plan in Markdown, HTML and JSON."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cooplevier.content.model import Pack
from cooplevier.resources import shipped_dir
from cooplevier.typography import typeset
from tests.helpers import answers_yaml

SNAPSHOTS = Path(__file__).parent / "snapshots"
# a right-to-left mark (U+200F), not an override: overrides are refused where they come in (charset.py)
NASTY = "<script>alert(1)</script> **gras** [lien](http://x) {{ 7*191 }} {% raw %} | é ‏ 🙂 &amp;"


def fixed_answers(pack: Pack) -> dict[str, Any]:
    """A fixed, varied profile: dialogue is the weakest axis; na, unknown, comments, blanks."""
    answers: dict[str, Any] = {}
    for i, q in enumerate(pack.questions):
        if q.lever in ("L3", "L4"):
            answers[q.id] = 1 + i % 2
        elif i % 7 == 3:
            answers[q.id] = "na"
        elif i % 11 == 5:
            answers[q.id] = "unknown"
        elif i % 13 == 0:
            continue
        else:
            answers[q.id] = 3 + i % 3
    answers["L3.Q2"] = {"level": 2, "comment": "Réunions « du lundi » à relancer"}
    return answers


def check_snapshot(name: str, text: str) -> None:
    path = SNAPSHOTS / name
    if os.environ.get("UPDATE_SNAPSHOTS") or not path.exists():
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if not os.environ.get("UPDATE_SNAPSHOTS"):
            pytest.fail(f"snapshot {name} created: check it and commit it")
    assert text == path.read_text(encoding="utf-8"), f"{name} changed: UPDATE_SNAPSHOTS=1 if deliberate"


def write(path: Path, answers: dict[str, Any], **kwargs: Any) -> Path:
    path.write_text(answers_yaml(answers, **kwargs), encoding="utf-8")
    return path


@pytest.fixture()
def fixed_file(pack: Pack, tmp_path: Path) -> Path:
    return write(
        tmp_path / "temoin.yaml", fixed_answers(pack), territory="Pays Témoin", name="Camille Martin", targets={"L7": 5}
    )


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_report_matches_snapshot(cli: Callable[..., Any], fixed_file: Path, fmt: str) -> None:
    result = cli("report", str(fixed_file), "--format", fmt)
    assert result.exit_code == 0, result.stderr
    text = result.stdout.replace(str(fixed_file), "ANSWERS")
    # the wheel's PNG depends on the fonts of the machine: its place is pinned, not its pixels
    text = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "data:image/png;base64,…", text)
    check_snapshot(f"plan.{fmt}", text)


def test_html_is_self_contained_and_printable(cli: Callable[..., Any], fixed_file: Path) -> None:
    html = cli("report", str(fixed_file), "--format", "html").stdout
    assert "<script" not in html and "https://" not in html
    assert html.count("http://") == 1 and 'xmlns="http://www.w3.org/2000/svg"' in html
    assert "@page { size: A4" in html and "break-inside: avoid" in html
    assert html.count("<svg") == 1 and 'role="img"' in html and "<desc" in html
    assert "<h1>Pays Témoin</h1>" in html
    assert "axe le plus faible" in html and "Priorité 1</span> L4" in html
    for heading in (
        "1. Où en est le territoire, selon ces réponses",
        "2. L'escalier des coopérations",
        "3. Les priorités",
        "4. Feuille de route sur douze mois",
        "5. Dix tendances fortes",
    ):
        assert heading in html
    assert "évalué et reconduit chaque année" in html
    assert html.count('class="quarter"') == 4


def test_plan_sections_follow_the_priorities(cli: Callable[..., Any], fixed_file: Path, pack: Pack) -> None:
    md = cli("report", str(fixed_file), "--format", "md").stdout
    data = json.loads(cli("report", str(fixed_file), "--format", "json").stdout)
    first = data["priorities"][0]
    assert data["weakest_axis"] == "dialogue" and first in ("L3", "L4")
    assert f"### Priorité 1 — {first}" in md
    assert [p["lever"] for p in data["plan"]["priorities"]] == data["priorities"][:3]
    assert [q["quarter"] for q in data["plan"]["roadmap"]] == ["T1", "T2", "T3", "T4"]
    assert len(data["plan"]["trends"]) == 10
    assert data["plan"]["priorities"][0]["reason"] == "weakest"
    for trend in pack.framework.trends:
        assert trend.text.split()[0] in md
    assert "non concerné" in md and "à vérifier" in md
    assert "Réunions « du lundi » à relancer" in md


def test_na_is_shown_as_non_concerne_never_as_zero(
    cli: Callable[..., Any], pack: Pack, write_answers: Callable[..., Path]
) -> None:
    answers: dict[str, Any] = {q.id: 3 for q in pack.questions}
    answers.update({q.id: "na" for q in pack.questions_for("L2")})
    path = write_answers(answers)
    md = cli("report", str(path), "--format", "md").stdout
    row = next(line for line in md.splitlines() if line.startswith("| L2 "))
    assert "non concerné" in row and "0" not in row.split("|")[2]
    html = cli("report", str(path), "--format", "html").stdout
    assert ">n.é.</tspan>" in html and typeset("L2 Donner du sens : non évalué") in html


@pytest.mark.parametrize("fmt", ["md", "html", "json"])
def test_user_text_comes_out_escaped_and_intact(cli: Callable[..., Any], pack: Pack, tmp_path: Path, fmt: str) -> None:
    answers: dict[str, Any] = {q.id: 2 for q in pack.questions}
    answers["L3.Q2"] = {"level": 1, "comment": NASTY}
    path = write(tmp_path / "nasty.yaml", answers, territory=NASTY, name=NASTY)
    result = cli("report", str(path), "--format", fmt)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    if fmt != "json":
        assert "<script>" not in out and "1337" not in out
    if fmt == "json":
        data = json.loads(out)
        assert data["territory"] == NASTY and data["plan"]["comments"][0]["comment"] == NASTY
    elif fmt == "html":
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out and "{{ 7*191 }}" in out
        assert "&amp;amp;" in out and "‏" in out and "🙂" in out
    else:
        assert r"\<script\>alert(1)\</script\>" in out and r"\*\*gras\*\*" in out
        assert r"{{ 7\*191 }}" in out and "🙂" in out and r"\|" in out
        # What a CommonMark viewer (GitHub, GitLab, VS Code…) shows: the text, inert.
        from markdown_it import MarkdownIt

        shown = MarkdownIt("commonmark").enable("table").render(out)
        assert "<script>" not in shown and 'href="http://x"' not in shown and "<strong>gras" not in shown
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown and "**gras**" in shown


def test_existing_output_is_not_overwritten_without_force(
    cli: Callable[..., Any], fixed_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "plan.html"
    out.write_text("ancien", encoding="utf-8")
    result = cli("report", str(fixed_file), "--output", str(out))
    assert result.exit_code == 2
    assert "existe déjà" in result.stderr and "--force" in result.stderr
    assert out.read_text(encoding="utf-8") == "ancien"
    result = cli("report", str(fixed_file), "--output", str(out), "--force")
    assert result.exit_code == 0 and out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_user_template_folder_overrides_the_shipped_one(
    cli: Callable[..., Any], fixed_file: Path, tmp_path: Path
) -> None:
    mine = tmp_path / "modeles"
    shutil.copytree(shipped_dir("templates"), mine)
    text = (mine / "plan.md.j2").read_text(encoding="utf-8")
    (mine / "plan.md.j2").write_text(text.replace("# Plan d'action", "# Notre plan"), encoding="utf-8")
    result = cli("report", str(fixed_file), "--format", "md", "--template", str(mine))
    assert result.exit_code == 0 and result.stdout.startswith("# Notre plan — Pays Témoin")
    broken = tmp_path / "casse"
    broken.mkdir()
    (broken / "plan.md.j2").write_text("{{ plan.nope }}", encoding="utf-8")
    result = cli("report", str(fixed_file), "--format", "md", "--template", str(broken))
    assert result.exit_code == 1 and "Traceback" not in result.stderr


def test_bad_inputs_give_french_errors(cli: Callable[..., Any], tmp_path: Path) -> None:
    result = cli("report", str(tmp_path / "absent.yaml"))
    assert result.exit_code == 1 and "introuvable" in result.stderr
    empty = tmp_path / "vide"
    empty.mkdir()
    result = cli("report", str(empty))
    assert result.exit_code == 1 and "aucun fichier" in result.stderr
    result = cli("report", str(tmp_path / "absent.yaml"), "--template", str(tmp_path / "non"))
    assert result.exit_code == 2 and "--template" in result.stderr
    result = cli("report", "x.yaml", "--format", "rtf")  # pdf is a format since turn 3
    assert result.exit_code == 2


def test_a_folder_with_one_file_gives_its_plan(cli: Callable[..., Any], fixed_file: Path) -> None:
    result = cli("report", str(fixed_file.parent), "--format", "md")
    assert result.exit_code == 0 and result.stdout.startswith("# Plan d'action — Pays Témoin")


def test_empty_answers_still_render(cli: Callable[..., Any], write_answers: Callable[..., Path]) -> None:
    path = write_answers({})
    for fmt in ("md", "html"):
        result = cli("report", str(path), "--format", fmt)
        assert result.exit_code == 0 and "Aucune réponse notée" in result.stdout
        assert re.search(r"Aucun levier n'est sous sa cible", result.stdout)
