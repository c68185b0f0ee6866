"""A synthesis to circulate: masked by default, the room's comments, the cover, the conclusions,
and every output (md, html, json, docx, odt, the workbook) telling the same story."""

from __future__ import annotations

import io
import json
import random
import re
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cooplevier.atelier import state as atelier_state
from cooplevier.content.load import load_pack
from cooplevier.content.model import Pack
from cooplevier.report.office import documents as office
from cooplevier.report.office.workbook import row, write_workbook
from cooplevier.report.synthesis import render_synthesis
from cooplevier.scoring import circulate
from cooplevier.scoring.synthesis import synthesize
from tests.test_divergence import person

PACK = load_pack()


def write_room(folder: Path, pack: Pack, *, comments: bool = True) -> Path:
    """4 élus, 3 techniciens, 2 from civil society, 1 without a role; élus vs techniciens on L5."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(19)
    roles = ["elu"] * 4 + ["technicien"] * 3 + ["societe-civile"] * 2 + [None]
    asked = pack.form("petr")
    first = next(q.id for q in asked if q.lever == "L5")
    for i, role in enumerate(roles):
        answers: dict[str, Any] = {}
        for q in asked:
            level = 3 + rng.choice((-1, 0, 0, 1))
            if q.lever == "L5":  # élus 5 and 4, the others 2 and 1: no role unanimous
                level = (5 if role == "elu" else 2) - i % 2
            answers[q.id] = level
        if comments:
            answers[first] = {"level": answers[first], "comment": f"Avis {i} : =SOMME(A1) <b>gras</b>"}
        doc: dict[str, Any] = {"cooplevier": "answers/1", "territory": "Pays de Test", "date": f"2026-11-{20 + i}"}
        doc["structure"] = "petr"
        if role:
            doc["respondent"] = {"name": f"Personne {i}", "role": role}
        doc["answers"] = answers
        (folder / f"p{i}.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


def report(cli: Callable[..., Any], *args: str) -> Any:
    return cli("report", *args)


def test_report_of_a_folder_is_masked_by_default(cli: Callable[..., Any], tmp_path: Path) -> None:
    room = write_room(tmp_path / "room", PACK)
    result = report(cli, str(room), "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["min_group"] == 3
    assert data["attendance"] == {"elu": 4, "technicien": 3}  # 2 and 1: too few to be counted apart
    assert data["rule"]["text"].startswith("Un levier est signalé")
    for lever in data["levers"].values():
        assert lever["min"] is None and lever["max"] is None and lever["spread"] is None
        assert set(lever["by_role"]) <= {"elu", "technicien"}  # role ids only
        for pair in lever["roles_differ"]:
            assert set(pair) <= {"elu", "technicien"}
    assert data["levers"]["L5"]["others"] is None  # 2 + 1 merged, but fewer than K per role and question
    assert data["levers"]["L5"]["by_role"] == {"elu": 4.5, "technicien": 1.67}
    assert data["levers"]["L5"]["roles_differ"] == [["elu", "technicien"]]
    assert "L5" in data["divergent"]
    assert data["files"] == []  # file names may be people's names
    comments = data["comments"]
    assert (
        len(comments) == 10 and {c["lever"] for c in comments} == {"L5"} and len({c["question"] for c in comments}) == 1
    )
    assert {c["role"] for c in comments} == {"elu", "technicien", None}
    assert sum(c["role"] is None for c in comments) == 3  # the two of civil society and the one without a role
    assert "Personne" not in result.stdout
    md = report(cli, str(room), "--format", "md").stdout
    assert "Version à diffuser" in md and "Copie de travail" not in md
    assert "| Min |" not in md and "Personne" not in md


def test_min_group_one_is_the_working_copy_and_says_so(cli: Callable[..., Any], tmp_path: Path) -> None:
    room = write_room(tmp_path / "room", PACK)
    result = report(cli, str(room), "--format", "md", "--min-group", "1")
    assert result.exit_code == 0
    first_page = result.stdout[:600]
    assert "Copie de travail" in first_page and "ne pas diffuser" in first_page
    assert "copie de travail non masquée" in result.stderr
    data = json.loads(report(cli, str(room), "--format", "json", "--min-group", "1").stdout)
    assert data["min_group"] == 1 and data["levers"]["L5"]["min"] == 1
    assert data["attendance"] == {"elu": 4, "technicien": 3, "societe-civile": 2}
    assert report(cli, str(room), "--min-group", "0").exit_code == 2


def test_a_workshop_folder_is_masked_with_its_own_k(cli: Callable[..., Any], tmp_path: Path) -> None:
    room = write_room(tmp_path / "room", PACK)
    state = room / atelier_state.STATE_DIR
    state.mkdir()
    (state / atelier_state.STATE_FILE).write_text(
        json.dumps({"cooplevier": atelier_state.STATE_FORMAT, "min_group": 4}), encoding="utf-8"
    )
    data = json.loads(report(cli, str(room), "--format", "json").stdout)
    assert data["min_group"] == 4 and data["attendance"] == {"elu": 4}
    assert circulate.WORKSHOP_STATE == (atelier_state.STATE_DIR, atelier_state.STATE_FILE)
    assert circulate.WORKSHOP_FORMAT == atelier_state.STATE_FORMAT
    (state / atelier_state.STATE_FILE).write_text("{pas du json", encoding="utf-8")
    assert json.loads(report(cli, str(room), "--format", "json").stdout)["min_group"] == 3


def test_cover_says_territory_structure_dates_attendance_form_and_rule(cli: Callable[..., Any], tmp_path: Path) -> None:
    room = write_room(tmp_path / "room", PACK)
    html = report(cli, str(room), "--format", "html").stdout
    cover = html[html.index('<header class="cover">') : html.index("</header>")]
    assert "Pays de Test" in cover and "PETR" in cover
    assert "20\u00a0novembre\u00a02026" in cover or "20 novembre 2026" in cover
    assert "29" in cover and "novembre" in cover
    assert "Élues et élus 4" in cover and "Techniciennes et techniciens 3" in cover
    assert "complet" in cover and "data-rule" in cover


def test_notes_fill_the_conclusions_and_a_bad_file_is_said(cli: Callable[..., Any], tmp_path: Path) -> None:
    room = write_room(tmp_path / "room", PACK)
    notes = tmp_path / "conclusions.md"
    notes.write_text("Le groupe retient **L5**.\n\n- une action\n- <script>alert(1)</script>\n", encoding="utf-8")
    html = report(cli, str(room), "--format", "html", "--notes", str(notes)).stdout
    conclusions = html[html.index("Conclusions de l'atelier") :]
    assert "<strong>L5</strong>" in conclusions and "<li>une action</li>" in conclusions
    assert "<script>" not in html and "&lt;script&gt;" in conclusions
    md = report(cli, str(room), "--format", "md", "--notes", str(notes)).stdout
    assert "Le groupe retient **L5**." in md[md.index("## Conclusions de l'atelier") :]
    assert json.loads(report(cli, str(room), "--format", "json", "--notes", str(notes)).stdout)[
        "conclusions"
    ].startswith("Le groupe retient")
    blank = report(cli, str(room), "--format", "md").stdout
    assert "À compléter par l'animation" in blank[blank.index("## Conclusions de l'atelier") :]
    binary = tmp_path / "notes.bin"
    binary.write_bytes(b"\x00\x01\x02")
    for bad in (binary, tmp_path / "absent.md"):
        result = report(cli, str(room), "--format", "md", "--notes", str(bad))
        assert result.exit_code == 1 and str(bad) in result.stderr and "Traceback" not in result.stderr
    one = room / "p0.yaml"
    assert report(cli, str(one), "--notes", str(notes)).exit_code == 2  # a plan has no conclusions


def test_comments_are_escaped_in_html_and_text_cells_in_the_workbook(cli: Callable[..., Any], tmp_path: Path) -> None:
    from openpyxl import load_workbook

    room = write_room(tmp_path / "room", PACK)
    html = report(cli, str(room), "--format", "html").stdout
    section = html[html.index('<section class="comments">') :]
    assert "&lt;b&gt;gras&lt;/b&gt;" in section and "<b>gras" not in section
    out = tmp_path / "scores.xlsx"
    assert cli("score", str(room), "--output", str(out)).exit_code == 0
    ws = load_workbook(out)["Commentaires"]
    rows = list(ws.iter_rows(min_row=2))
    assert len(rows) == 10
    assert all(r[3].data_type == "s" and r[3].value.startswith("Avis") for r in rows)
    assert {r[0].value for r in rows} == {"L5"} and len({r[1].value for r in rows}) == 1
    assert {r[4].value for r in rows} == {"Élues et élus", "Techniciennes et techniciens", None}


# ---- every output tells the same story (a property over generated rooms) -------------------------


def _md_table(md: str) -> dict[str, tuple[str, str]]:
    """Lever id -> (mean, divergent) from the Markdown table « Les leviers, rôle par rôle »."""
    part = md[md.index("## Les leviers, rôle par rôle") : md.index("## Les quatre axes")]
    out = {}
    for line in part.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if re.fullmatch(r"L\d+ .*", cells[0]):
            out[cells[0].split()[0]] = (cells[1], cells[-1].strip("*"))
    return out


def _html_table(html: str) -> dict[str, tuple[str, str]]:
    out = {}
    for lid, body in re.findall(r'<tr[^>]*data-lever="(L\d+)" data-divergent="\w+">(.*?)</tr>', html, re.S):
        group = re.search(r'data-cell="group">([^<]*)<', body)
        verdict = re.search(r'data-cell="verdict">([^<]*)<', body)
        assert group and verdict
        out[lid] = (group.group(1), verdict.group(1))
    return out


def _docx_table(data: bytes) -> dict[str, tuple[str, str]]:
    from docx import Document

    doc = Document(io.BytesIO(data))
    for table in doc.tables:
        head = [c.text.strip() for c in table.rows[0].cells]
        if head[0] == "Levier" and head[-1] == "Divergent":
            rows = [[c.text.strip() for c in r.cells] for r in table.rows[1:]]
            return {r[0].split()[0]: (r[1], r[-1]) for r in rows}
    raise AssertionError("no lever table")


def _odt_table(data: bytes) -> dict[str, tuple[str, str]]:
    from odf import teletype
    from odf.opendocument import load
    from odf.table import Table, TableCell, TableRow

    doc = load(io.BytesIO(data))
    for table in doc.getElementsByType(Table):
        rows = [
            [teletype.extractText(c).strip() for c in r.getElementsByType(TableCell)]
            for r in table.getElementsByType(TableRow)
        ]
        if rows and rows[0][0] == "Levier" and rows[0][-1] == "Divergent":
            return {r[0].split()[0]: (r[1], r[-1]) for r in rows[1:]}
    raise AssertionError("no lever table")


def _shown(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def _verdict(value: bool | None) -> str:
    return "oui" if value else ("non" if value is False else "trop peu de réponses")


rooms = st.tuples(st.integers(0, 10_000), st.integers(2, 14), st.integers(0, 5), st.sampled_from([1, 3]))


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(rooms)
def test_every_output_shows_the_same_divergent_levers_and_figures(room: tuple[int, int, int, int]) -> None:
    seed, elus, techs, k = room
    rng = random.Random(seed)
    split = rng.choice([lv.id for lv in PACK.levers])
    people = [person(PACK, rng, lambda lever: 5 if lever == split else 3) for _ in range(elus)]
    people += [person(PACK, rng, lambda lever: 2 if lever == split else 3, role="technicien") for _ in range(techs)]
    syn = circulate.mask(synthesize(people, PACK), k)
    data = json.loads(render_synthesis(syn, PACK, fmt="json"))
    expected = {lid: (_shown(lv["mean"]), _verdict(lv["divergent"])) for lid, lv in data["levers"].items()}
    assert data["divergent"] == [lid for lid in data["divergent"] if data["levers"][lid]["divergent"]]
    assert {lid for lid, (_, v) in expected.items() if v == "oui"} == set(data["divergent"])
    assert _md_table(render_synthesis(syn, PACK, fmt="md")) == expected
    assert _html_table(render_synthesis(syn, PACK, fmt="html")) == expected
    assert _docx_table(office.synthesis_document(syn, PACK, "docx")) == expected
    assert _odt_table(office.synthesis_document(syn, PACK, "odt")) == expected
    if k == 1:  # the workbook is the working file: its means by role are the unmasked synthesis's
        from openpyxl import load_workbook

        stream = io.BytesIO()
        write_workbook((row(p, PACK) for p in people), stream, PACK)
        sheet = load_workbook(io.BytesIO(stream.getvalue()))["Par rôle"]
        by_id = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
        for lid, lever in data["levers"].items():
            assert by_id[lid][2] == lever["mean"]


def test_a_masked_figure_pools_the_answers_of_sets_of_k_that_do_not_all_say_the_same() -> None:
    """The screen's rules 1 and 6: per question and role, K answers or more, not all the same;
    a lever's figure is the mean of those answers, each weighing the same."""
    rng = random.Random(3)
    people = [person(PACK, rng, lambda lever: 3) for _ in range(5)]
    people += [person(PACK, rng, lambda lever: 4, role="technicien") for _ in range(4)]
    people += [person(PACK, rng, lambda lever: 1, role="partenaire") for _ in range(2)]  # too few: never pooled
    masked = circulate.mask(synthesize(people, PACK), 3)
    for lever in PACK.levers:
        kept: dict[str, list[int]] = {"elu": [], "technicien": []}
        for q in PACK.questions_for(lever.id):
            for role in kept:
                given = [
                    int(a.value)
                    for p in people
                    if p.role == role
                    for a in p.levers[lever.id].questions
                    if a.id == q.id and isinstance(a.value, int)
                ]
                if len(given) >= 3 and len(set(given)) > 1:
                    kept[role] += given
        stats = masked.levers[lever.id].stats
        assert stats.min is None and stats.max is None and stats.spread is None
        for role, given in kept.items():
            expected = Fraction(sum(given), len(given)) if given else None
            assert stats.by_role.get(role) == expected, (lever.id, role)
        everything = kept["elu"] + kept["technicien"]
        assert stats.mean == (Fraction(sum(everything), len(everything)) if everything else None)
        assert all(q.stats.mean is None and not q.stats.by_role for q in masked.levers[lever.id].questions)


def test_a_role_whose_answers_all_say_the_same_shows_no_figure_but_still_differs() -> None:
    rng = random.Random(4)
    exact = frozenset({"L2"})
    people = [person(PACK, rng, lambda lever: 5 if lever == "L2" else 3, exact=exact) for _ in range(4)]
    people += [person(PACK, rng, lambda lever: 2 if lever == "L2" else 3, role="technicien") for _ in range(4)]
    masked = circulate.mask(synthesize(people, PACK), 3)
    l2 = masked.levers["L2"]
    assert "elu" not in l2.stats.by_role  # four élus at 5 on every question: a figure would say each answer
    assert l2.roles_differ == (("elu", "technicien"),) and l2.divergent is True


# ---- PDF: a plan and a synthesis, through the handouts' browser path -----------------------------


def test_report_prints_a_plan_and_a_synthesis_to_pdf_on_a4(cli: Callable[..., Any], tmp_path: Path) -> None:
    import subprocess

    from tests.helpers import require_tool

    require_tool("chromium")
    pdftotext = require_tool("pdftotext")
    room = write_room(tmp_path / "room", PACK)
    synthesis, plan = tmp_path / "synthese.pdf", tmp_path / "plan.pdf"
    assert report(cli, str(room), "--output", str(synthesis)).exit_code == 0
    assert report(cli, str(room / "p0.yaml"), "--format", "pdf", "--output", str(plan)).exit_code == 0
    for pdf_file in (synthesis, plan):
        assert pdf_file.read_bytes().startswith(b"%PDF")
        info = subprocess.run(["pdfinfo", str(pdf_file)], capture_output=True, text=True, check=True).stdout
        assert "(A4)" in info
    text = subprocess.run([pdftotext, str(synthesis), "-"], capture_output=True, text=True, check=True).stdout
    assert "Version à diffuser" in text and "Conclusions de l" in text and "Commentaires" in text


def test_report_pdf_without_a_browser_says_how_to_print(
    cli: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cooplevier.report import pdf

    monkeypatch.setattr(pdf, "pdf_engine", lambda: None)
    room = write_room(tmp_path / "room", PACK)
    result = report(cli, str(room), "--output", str(tmp_path / "s.pdf"))
    assert result.exit_code == 1 and "aucun moteur PDF disponible" in result.stderr
    assert not (tmp_path / "s.pdf").exists()


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rooms)
def test_the_screen_and_the_masked_report_flag_the_same_levers(room: tuple[int, int, int, int]) -> None:
    from cooplevier.scoring.masking import project

    seed, elus, techs, k = room
    rng = random.Random(seed)
    split = rng.choice([lv.id for lv in PACK.levers])
    people = [person(PACK, rng, lambda lever: 5 if lever == split else 3) for _ in range(elus)]
    people += [person(PACK, rng, lambda lever: 2 if lever == split else 3, role="technicien") for _ in range(techs)]
    k = max(2, k)  # the screen's K is at least 2
    screen = project(people, PACK, min_group=k)
    report = circulate.mask(synthesize(people, PACK), k)
    for lid, shown in screen.levers.items():
        assert shown.figure.divergent == report.levers[lid].divergent, lid
    assert set(screen.divergent) == set(report.divergent)
