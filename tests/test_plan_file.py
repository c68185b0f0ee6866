"""The cooperation plan: drafted from a diagnosis, kept as a plan/1 file, refused at its line,
carried through a workbook and back without losing a field, shown to a bureau."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from cooplevier.content.model import Pack
from cooplevier.content.plan.planfile import load_plan

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "pays-exemple.yaml"
TODAY = "2026-12-07"


def answers(
    pack: Pack,
    levels: dict[str, int],
    *,
    structure: str,
    role: str = "elu",
    name: str | None = None,
    territory: str = "Communauté Témoin",
) -> str:
    """Every question answered at its lever's level."""
    doc: dict[str, Any] = {"cooplevier": "answers/1", "territory": territory, "structure": structure}
    doc["respondent"] = {"role": role, **({"name": name} if name else {})}
    doc["answers"] = {q.id: levels[q.lever] for q in pack.questions}
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


def _plan(cli: Callable[..., Any], *args: str) -> str:
    result = cli("plan", *args, "--today", TODAY)
    assert result.exit_code == 0, result.stderr
    return str(result.stdout).replace("\xa0", " ").replace("\u202f", " ")  # typeset spaces, read as plain


def test_one_persons_plan_says_whose_answers_and_how_complete(
    cli: Callable[..., Any], pack: Pack, tmp_path: Path
) -> None:
    out = tmp_path / "plan.yaml"
    cli("plan", str(EXAMPLE), "--today", TODAY, "--output", str(out))
    from cooplevier.scoring.batch import score_file

    scored = score_file(EXAMPLE, pack)
    plan = load_plan(out, pack)
    assert plan.diagnosis is not None and plan.diagnosis.kind == "person"
    assert (
        plan.diagnosis.completeness == f"{scored.answered / scored.total:.2f}" and plan.diagnosis.name == "Marie Dupont"
    )
    assert plan.structure == "petr" and str(plan.renewal) == "2026-03-22"
    assert plan.actions[0].lever == scored.priorities[0]  # the example's first priority first
    for action in plan.actions:
        assert action.from_ and action.leads and action.body and action.deliverable and action.indicator
        assert action.status == "a-venir" and action.due is not None and str(action.due) > TODAY
    note = _plan(cli, str(EXAMPLE), "--format", "md")
    share = f"{scored.answered} questions sur {scored.total} ({round(100 * scored.answered / scored.total)} %)"
    assert "## Note au bureau" in note and "une seule personne" in note and share in note
    assert "profil du territoire" not in note
    assert note.index("## Note au bureau") < note.index("## Les actions") < note.index("## Le détail des actions")
    assert "| N° | Action | Levier | Pilote | Instance qui décide | Échéance | Livrable | Indicateur |" in note
    assert "une pratique du document de Mairie-conseils, « " in note  # a seed action quotes the deck


def test_an_epcis_pacte_de_gouvernance_meets_the_legal_date(
    cli: Callable[..., Any], pack: Pack, tmp_path: Path
) -> None:
    levels = {lv.id: 4 for lv in pack.levers} | {"L2": 2}
    path = tmp_path / "epci.yaml"
    path.write_text(answers(pack, levels, structure="epci"), encoding="utf-8")
    plan = yaml.safe_load(_plan(cli, str(path)))
    pacte = next(a for a in plan["actions"] if a.get("from") == "L2.A2")
    assert str(pacte["due"]) == "2026-12-22"  # nine months after the renewal of 22 March 2026
    assert pacte["body"].startswith("Conseil communautaire")
    assert all(a.get("from") != "L2.A3" for a in plan["actions"])  # the PETR's wording is not an EPCI's
    note = _plan(cli, str(path), "--format", "md").split("## Les actions")[0]
    assert "Adoption du pacte de gouvernance (22/12/2026" in note  # a deadline of the coming year, asked of the bureau
    assert "avant « Rapport d'activité aux membres » (30/09/2027)" in note  # not a checkpoint two weeks away
    later = yaml.safe_load(_plan(cli, str(path), "--renewal", "2032-03-21"))
    assert str(next(a for a in later["actions"] if a.get("from") == "L2.A2")["due"]) == "2032-12-21"


def test_a_groups_plan_gives_attendance_and_disagreement(cli: Callable[..., Any], pack: Pack, tmp_path: Path) -> None:
    folder = tmp_path / "atelier"
    folder.mkdir()
    base = {lv.id: 3 for lv in pack.levers}
    for i, (role, l5) in enumerate(
        [("elu", 1), ("elu", 1), ("elu", 1), ("technicien", 5), ("technicien", 5), ("technicien", 5), ("partenaire", 3)]
    ):
        (folder / f"p{i}.yaml").write_text(
            answers(pack, base | {"L5": l5, "L9": 2}, structure="scot", role=role), encoding="utf-8"
        )
    md = _plan(cli, str(folder), "--format", "md")
    assert "un groupe de 7 personnes" in md
    assert "élues et élus : 3" in md and "techniciennes et techniciens : 3" in md
    assert "partenaire" not in md.split("## Les actions")[0].lower().split("qui a répondu")[1].split("**")[0]
    assert "les autres personnes, sans rôle ou dans un rôle de moins de trois, ne sont pas détaillées" in md
    assert "Les réponses divergent sur L5" in md
    assert "les élues et élus d'une part, les techniciennes et techniciens d'autre part" in md
    plan = yaml.safe_load(_plan(cli, str(folder)))
    assert plan["diagnosis"]["kind"] == "group" and plan["diagnosis"]["respondents"] == 7
    assert plan["structure"] == "scot"


def test_the_rooms_vote_orders_the_actions(cli: Callable[..., Any], pack: Pack, tmp_path: Path) -> None:
    folder = tmp_path / "atelier"
    (folder / ".cooplevier-atelier").mkdir(parents=True)
    for i in range(3):
        (folder / f"p{i}.yaml").write_text(
            answers(pack, {lv.id: 3 for lv in pack.levers}, structure="petr"), encoding="utf-8"
        )
    votes = {
        "cooplevier": "votes/1",
        "status": "closed",
        "budget": 3,
        "revealed": True,
        "voters": 9,
        "opened": "2026-12-07T10:40:00+01:00",
        "closed": "2026-12-07T10:55:00+01:00",
        "proposals": [
            {"id": "P1", "lever": "L3", "action": "L3.A2", "text": "Créer une instance…", "tokens": 4},
            {"id": "P2", "lever": "L8", "action": None, "text": "Un contrat unique avec la Région", "tokens": 11},
            {"id": "P3", "lever": "L9", "action": "L9.A1", "text": "État des lieux", "tokens": 0},
        ],
    }
    (folder / ".cooplevier-atelier" / "votes.json").write_text(json.dumps(votes), encoding="utf-8")
    result = cli("plan", str(folder), "--today", TODAY)
    assert result.exit_code == 0, result.stderr
    plan = yaml.safe_load(result.stdout)
    assert next(a["title"] for a in plan["actions"]) == "Un contrat unique avec la Région"
    froms = [a.get("from") for a in plan["actions"]]
    assert froms[:2] == [None, "L3.A2"] and "L9.A1" not in froms  # the votes' order; no token, no action
    assert froms[2:] == ["L10.A3"]  # then what the law asks of a PETR, voted or not
    assert plan["diagnosis"]["kind"] == "vote" and plan["diagnosis"]["votes"] == "9"
    md = _plan(cli, str(folder), "--format", "md")
    assert "vote de priorités de l'atelier (9 votants)" in md
    votes["status"] = "open"
    (folder / ".cooplevier-atelier" / "votes.json").write_text(json.dumps(votes), encoding="utf-8")
    assert "pas clos" in cli("plan", str(folder), "--today", TODAY).stderr


def test_a_broken_vote_file_is_said(cli: Callable[..., Any], pack: Pack, tmp_path: Path) -> None:
    folder = tmp_path / "atelier"
    (folder / ".cooplevier-atelier").mkdir(parents=True)
    (folder / "p.yaml").write_text(answers(pack, {lv.id: 3 for lv in pack.levers}, structure="petr"), encoding="utf-8")
    (folder / ".cooplevier-atelier" / "votes.json").write_text(
        json.dumps({"cooplevier": "votes/1", "proposals": [{"id": "P1", "lever": "L42", "text": "x", "tokens": 1}]}),
        encoding="utf-8",
    )
    result = cli("plan", str(folder), "--today", TODAY)
    assert result.exit_code == 1
    assert "votes.json" in result.stderr and "L42" in result.stderr and "Traceback" not in result.stderr


GOOD = """cooplevier: plan/1
territory: PETR du Pays de Figeac
structure: petr
renewal: 2026-03-22
adopted: 2026-12-15
actions:
  - id: A1
    lever: L3
    from: L3.A2
    title: "Créer l'instance de coordination technique"
    leads: "Directrice du PETR"
    body: bureau
    due: 2027-06-30
    deliverable: "Mandat de l'instance"
    indicator: "Réunions tenues"
    status: en-cours
    notes: {2027: "Deux réunions ; la ville-centre ne vient pas encore."}
  - id: A2
    lever: L2
    title: "Adopter le pacte politique"
    status: fait
  - id: A3
    lever: L9
    title: "État des lieux de l'ingénierie"
    due: 2026-06-30
    status: abandonne
"""


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ("    status: en-cours", "    status: en-retard", "« en-retard »"),
        ("  - id: A2", "  - id: A1", "en double"),
        ("    due: 2027-06-30", "    due: 2027-02-30", "date invalide"),
        ("    lever: L2", "    lever: L12", "L12"),
        ("    from: L3.A2", "    from: L3.A9", "L3.A9"),
        ("    from: L3.A2", "    from: L4.A2", "levier L3"),
        ("    leads:", "    pilote:", "champ inconnu « pilote »"),
        ("cooplevier: plan/1", "cooplevier: plan/2", "plan/1"),
        ('{2027: "Deux', '{deux-mille: "Deux', "année"),
        ("adopted: 2026-12-15", "adopted: le 15 décembre", "date invalide"),
    ],
)
def test_a_broken_plan_is_refused_at_its_line(
    cli: Callable[..., Any], tmp_path: Path, old: str, new: str, words: str
) -> None:
    line = GOOD[: GOOD.index(old)].count("\n") + 1  # where the edit is
    path = tmp_path / "plan.yaml"
    path.write_text(GOOD.replace(old, new, 1), encoding="utf-8")
    result = cli("suivi", str(path), "--today", TODAY, "--format", "json")
    assert result.exit_code == 1
    said = result.stderr.replace("\xa0", " ").replace("\u202f", " ")
    assert f"plan.yaml:{line}:" in said and words in said, said
    assert "Traceback" not in said


def test_a_good_plan_reads_back_and_late_is_computed(pack: Pack, tmp_path: Path) -> None:
    import datetime as dt

    path = tmp_path / "plan.yaml"
    path.write_text(GOOD, encoding="utf-8")
    plan = load_plan(path, pack)
    first, done, dropped = plan.actions
    assert first.notes == {"2027": "Deux réunions ; la ville-centre ne vient pas encore."}
    assert first.late(dt.date(2027, 7, 1)) and not first.late(dt.date(2027, 6, 30))
    assert not dropped.late(dt.date(2027, 7, 1))  # abandoned is never late
    assert not done.late(dt.date(2030, 1, 1))


def test_the_workbook_goes_round_trip_without_losing_a_field(
    cli: Callable[..., Any], pack: Pack, tmp_path: Path
) -> None:
    source = tmp_path / "plan.yaml"
    source.write_text(GOOD, encoding="utf-8")
    book = tmp_path / "plan.xlsx"
    assert cli("plan", str(source), "--output", str(book), "--today", TODAY).exit_code == 0
    back = tmp_path / "retour.yaml"
    result = cli("import", str(book), "--output", str(back))
    assert result.exit_code == 0, result.stderr
    assert load_plan(back, pack) == load_plan(source, pack)
    drafted = tmp_path / "draft.yaml"
    cli("plan", str(EXAMPLE), "--today", TODAY, "--output", str(drafted))
    cli("plan", str(drafted), "--output", str(tmp_path / "draft.xlsx"), "--today", TODAY)
    assert cli("import", str(tmp_path / "draft.xlsx"), "--output", str(tmp_path / "back.yaml")).exit_code == 0
    assert load_plan(tmp_path / "back.yaml", pack) == load_plan(drafted, pack)


def test_bad_cells_of_the_workbook_are_named(cli: Callable[..., Any], tmp_path: Path) -> None:
    import datetime as dt

    from openpyxl import load_workbook  # type: ignore[import-untyped]

    source = tmp_path / "plan.yaml"
    source.write_text(GOOD, encoding="utf-8")
    book = tmp_path / "plan.xlsx"
    cli("plan", str(source), "--output", str(book), "--today", TODAY)
    wb = load_workbook(book)
    ws = wb["Actions"]
    ws["G2"] = "31/02/2027"
    ws["J3"] = "en retard"
    ws["F4"] = dt.date(2027, 1, 1)
    ws["B4"] = "L77"
    ws["C2"] = "L3.A42"
    ws["A3"] = "A1"
    wb["Plan"]["B5"] = "bientôt"
    wb.save(book)
    result = cli("import", str(book), "--output", str(tmp_path / "out.yaml"))
    assert result.exit_code == 1
    said = result.stderr.replace("\xa0", " ").replace("\u202f", " ")
    assert "plan.xlsx:Actions!G2:" in said and "31/02/2027" in said
    assert "plan.xlsx:Actions!J3:" in said and "se calcule" in said
    assert "plan.xlsx:Actions!F4:" in said
    assert "plan.xlsx:Plan!B5:" in said
    assert "plan.xlsx:Actions!B4:" in said and "L77" in said
    assert "plan.xlsx:Actions!C2:" in said and "L3.A42" in said
    assert "plan.xlsx:Actions!A3:" in said and "en double" in said
    assert not (tmp_path / "out.yaml").exists()


def test_every_format_of_the_plan_is_written(cli: Callable[..., Any], tmp_path: Path) -> None:
    for fmt in ("md", "html", "docx", "odt", "xlsx"):
        out = tmp_path / f"plan.{fmt}"
        result = cli("plan", str(EXAMPLE), "--today", TODAY, "--output", str(out))
        assert result.exit_code == 0, (fmt, result.stderr)
        assert out.stat().st_size > 1000
    html = (tmp_path / "plan.html").read_text(encoding="utf-8")
    assert "<h2>Note au bureau</h2>" in html and "<table>" in html and "<script" not in html
    from docx import Document  # type: ignore[import-untyped]

    text = "\n".join(p.text for p in Document(str(tmp_path / "plan.docx")).paragraphs)
    assert "Note au bureau" in text


def test_typed_markup_stays_text_in_the_page(cli: Callable[..., Any], tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(
        GOOD.replace("Créer l'instance de coordination technique", "<script>alert(1)</script>"), encoding="utf-8"
    )
    html = cli("plan", str(path), "--format", "html", "--today", TODAY).stdout
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_validate_checks_plan_files_beside_answer_files(cli: Callable[..., Any], tmp_path: Path) -> None:
    good, bad = tmp_path / "plan.yaml", tmp_path / "casse.yaml"
    good.write_text(GOOD, encoding="utf-8")
    bad.write_text(GOOD.replace("status: fait", "status: termine"), encoding="utf-8")
    result = cli("validate", str(good), str(EXAMPLE))
    assert result.exit_code == 0, result.stderr
    assert "plan de coopération valide (3 actions)" in result.stdout.replace("\xa0", " ").replace("\u202f", " ")
    result = cli("validate", str(good), str(bad), str(EXAMPLE), "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["valid"] is False
    kinds = {Path(f["file"]).name: (f.get("kind"), f["valid"]) for f in data["files"]}
    assert kinds["plan.yaml"] == ("plan", True) and kinds["casse.yaml"] == ("plan", False)
    assert kinds["pays-exemple.yaml"][1] is True
    assert "casse.yaml:" in result.stderr and "termine" in result.stderr


def test_the_laws_obligations_come_into_every_plan_whatever_the_step(
    cli: Callable[..., Any], pack: Pack, tmp_path: Path
) -> None:
    high = {lv.id: 4 for lv in pack.levers} | {"L9": 1}  # nothing weak on L2, L3, L6 or L10
    for structure, action, due in (
        ("scot", "L6.A5", None),
        ("epci", "L2.A2", "2026-12-22"),
        ("petr", "L10.A3", "2027-03-22"),
    ):
        path = tmp_path / f"{structure}.yaml"
        path.write_text(answers(pack, high, structure=structure), encoding="utf-8")
        plan = yaml.safe_load(_plan(cli, str(path)))
        legal = [a for a in plan["actions"] if a.get("from") == action]
        assert len(legal) == 1, (structure, [a.get("from") for a in plan["actions"]])
        assert (str(legal[0]["due"]) if "due" in legal[0] else None) == due
        note = _plan(cli, str(path), "--format", "md").split("## Les actions")[0]
        assert "Ce que la loi demande, quel que soit le niveau" in note
    epci = tmp_path / "epci.yaml"
    after = yaml.safe_load(str(cli("plan", str(epci), "--today", "2027-01-15").stdout))
    assert all(a.get("from") != "L2.A2" for a in after["actions"])  # its date has passed: nothing left to meet
    assert any(a.get("from") == "L3.A3" for a in after["actions"])  # the conseil de développement debate has none
    petr = _plan(cli, str(tmp_path / "petr.yaml"), "--format", "md")
    assert "22/03/2027 (à vérifier)" in petr  # a date drawn from an article not re-read says so
