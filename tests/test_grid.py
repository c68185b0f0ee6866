"""The answer grid: written by `questions --format xlsx`, typed back, read by `import`, `score`, `report`."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from cooplevier.content.grid import Rejected, answer_value, read_grid, role_of
from cooplevier.content.model import Pack
from cooplevier.typography import typeset
from tests.office_helpers import fill_grid, soffice

KEYS = ("1", "2", "3", "4", "5", "n", "x")


@pytest.fixture(scope="module")
def blank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.helpers import invoke

    path = tmp_path_factory.mktemp("grid") / "grille.xlsx"
    result = invoke("questions", "--format", "xlsx", "--output", str(path))
    assert result.exit_code == 0, result.stderr
    return path


def five_respondents(pack: Pack) -> dict[str, dict[str, Any]]:
    """Five columns as typed on paper forms: single keys, a number typed as a number, blanks."""
    ids = [q.id for q in pack.form()]
    people: dict[str, dict[str, Any]] = {}
    for n, letter in enumerate("DEFGH"):
        values: dict[str, Any] = {qid: KEYS[(i + n) % len(KEYS)] for i, qid in enumerate(ids) if (i + n) % 9}
        values[ids[0]] = 3 if n == 1 else values.get(ids[0], "2")  # Excel keeps a typed 3 as a number
        values.update(
            territory="01053" if n == 0 else "Pays de Figeac",
            name=['=HYPERLINK("http://x")', "Marie Dupont", "+33 6 12", "Élu·e Test", "Zoé"][n],
            role=["elu", "Technicien·ne", "société civile", "partenaire", "AUTRE"][n],
            date=dt.datetime(2026, 11, 20 + n) if n % 2 else "25/11/2026",
        )
        people[letter] = values
    return people


def expected(values: dict[str, Any], pack: Pack) -> dict[str, Any]:
    spelled = {"n": "na", "x": "unknown"}
    out = {}
    for q in pack.form():
        if q.id in values:
            raw = values[q.id]
            out[q.id] = spelled.get(raw, raw) if isinstance(raw, str) and not raw.isdigit() else int(raw)
    return out


def test_grid_layout_follows_the_contract(blank: Path, pack: Pack) -> None:
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    wb = load_workbook(blank)
    assert wb.sheetnames[0] == "Réponses" and len(wb.sheetnames) >= 2
    ws = wb["Réponses"]
    keys = [ws.cell(row=r, column=1).value for r in range(2, ws.max_row + 1)]
    questions = pack.form()
    assert keys == ["territory", "name", "role", "date", "structure", *(q.id for q in questions)]
    for r, q in enumerate(questions, 7):
        shown = ws.cell(row=r, column=2).value
        assert shown.split("\n")[0] == typeset(q.text)  # typeset, as every output
        only = "(posée seulement aux structures : " + ", ".join(q.applies_to)
        assert (typeset(only) in shown) is (len(q.applies_to) < 5)  # the grid of every type says who answers
        choices = ws.cell(row=r, column=3).value.splitlines()
        assert [line[0] for line in choices[:5]] == ["1", "2", "3", "4", "5"]
    assert ws["D2"].number_format == "@"  # a territory code stays text
    lists = {dv.formula1: str(dv.sqref) for dv in ws.data_validations.dataValidation}
    answer_list = '"' + ",".join(KEYS) + '"'
    assert answer_list in lists and lists[answer_list].startswith("D7:")
    assert any("elu" in f for f in lists)
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert ws.print_title_rows.replace("$", "") == "1:1" and ws.print_title_cols.replace("$", "") == "A:C"
    assert ws.freeze_panes == "D2"


def test_five_respondents_come_back_exactly(blank: Path, pack: Pack, tmp_path: Path, cli: Callable[..., Any]) -> None:
    people = five_respondents(pack)
    filled = tmp_path / "rempli.xlsx"
    fill_grid(blank, filled, pack, people)
    out = tmp_path / "reponses"
    result = cli("import", str(filled), "--output", str(out))
    assert result.exit_code == 0, result.stderr
    files = sorted(out.glob("*.yaml"))
    assert len(files) == 5
    by_name = {}
    for path in files:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        by_name[doc["respondent"]["name"]] = doc
    for values in people.values():
        doc = by_name[values["name"]]
        assert doc["answers"] == expected(values, pack)
        assert doc["territory"] == values["territory"]
    assert by_name['=HYPERLINK("http://x")']["territory"] == "01053"
    assert by_name["Marie Dupont"]["respondent"]["role"] == "technicien"
    assert by_name["Zoé"]["date"] == dt.date(2026, 11, 25)
    assert by_name["Marie Dupont"]["date"] == dt.date(2026, 11, 21)
    validated = cli("validate", *map(str, files))
    assert validated.exit_code == 0, validated.stderr
    again = cli("import", str(filled), "--output", str(out))
    assert again.exit_code == 1 and "--force" in again.stderr  # never overwritten silently
    assert cli("import", str(filled), "--output", str(out), "--force").exit_code == 0


def test_a_bad_cell_is_named_and_the_good_columns_are_written(
    blank: Path, pack: Pack, tmp_path: Path, cli: Callable[..., Any]
) -> None:
    ids = [q.id for q in pack.form()]
    filled = tmp_path / "grille.xlsx"
    fill_grid(
        blank,
        filled,
        pack,
        {
            "D": {"territory": "Pays A", ids[0]: "4"},
            "E": {"territory": "Pays B", ids[5]: "6", "role": "maire"},
            "F": {"territory": "Pays C", ids[1]: "nsp", "date": "31/02/2026"},
        },
    )
    result = cli("import", str(filled), "--output", str(tmp_path / "out"))
    assert result.exit_code == 1
    row = 7 + 5
    assert f"{filled}:Réponses!E{row}: " + typeset(f"« 6 » n'est pas une réponse à {ids[5]}") in result.stderr
    assert f"{filled}:Réponses!E4: " + typeset("« maire »") in result.stderr
    assert result.stderr.index("Réponses!E4:") < result.stderr.index(f"Réponses!E{row}:")  # as the sheet reads
    assert f"{filled}:Réponses!F5: " + typeset("« 31/02/2026 » n'est pas une date") in result.stderr
    assert "Traceback" not in result.stderr
    assert [p.name for p in (tmp_path / "out").glob("*.yaml")] == ["reponses-pays-a-d.yaml"]


def test_names_cannot_leave_the_output_folder(blank: Path, pack: Pack, tmp_path: Path, cli: Callable[..., Any]) -> None:
    filled = tmp_path / "g.xlsx"
    fill_grid(blank, filled, pack, {"D": {"territory": "../../etc", "name": "..\\..\\passwd", pack.form()[0].id: 1}})
    out = tmp_path / "out"
    assert cli("import", str(filled), "--output", str(out)).exit_code == 0
    assert [p.name for p in out.iterdir()] == ["reponses-etc-passwd.yaml"]


def test_score_report_and_validate_read_a_grid(
    blank: Path, pack: Pack, tmp_path: Path, cli: Callable[..., Any]
) -> None:
    filled = tmp_path / "g.xlsx"
    fill_grid(blank, filled, pack, five_respondents(pack))
    scored = cli("score", str(filled), "--format", "json")
    assert scored.exit_code == 0, scored.stderr
    rows = yaml.safe_load(scored.stdout)
    assert [r["file"] for r in rows] == [f"{filled}:Réponses!{c}" for c in "DEFGH"]
    checked = cli("validate", str(filled))
    assert checked.exit_code == 0 and checked.stdout.count("valide (") == 5
    report = cli("report", str(filled), "--format", "json")
    assert report.exit_code == 0 and yaml.safe_load(report.stdout)["respondents"] == 5
    one = tmp_path / "one.xlsx"
    fill_grid(blank, one, pack, {"D": {"territory": "Pays seul", pack.form()[0].id: 2}})
    plan = cli("report", str(one), "--format", "json")
    assert plan.exit_code == 0 and "plan" in yaml.safe_load(plan.stdout)  # one column: its action plan


def test_the_same_grid_saved_as_ods_and_csv_reads_the_same(
    blank: Path, pack: Pack, tmp_path: Path, cli: Callable[..., Any]
) -> None:
    filled = tmp_path / "grille.xlsx"
    people = five_respondents(pack)
    fill_grid(blank, filled, pack, people)
    (ods,) = soffice([filled], "ods", tmp_path)
    items = read_grid(ods, pack).items
    assert len(items) == 5
    from_xlsx = {str(i.answers.name): dict(i.answers.answers) for i in read_grid(filled, pack).items}  # type: ignore[union-attr]
    for item in items:
        assert dict(item.answers.answers) == from_xlsx[str(item.answers.name)]  # type: ignore[union-attr]
    assert {i.answers.territory for i in items} == {"01053", "Pays de Figeac"}  # type: ignore[union-attr]
    assert cli("import", str(ods), "--output", str(tmp_path / "from-ods")).exit_code == 0


def test_french_excel_csv(pack: Pack, tmp_path: Path, cli: Callable[..., Any]) -> None:
    ids = [q.id for q in pack.form()]
    rows = [
        ["Clé", "Question", "Choix", "Pers. 1", "Pers. 2"],
        ["territory", "", "", "01053", "Pays B"],
        ["role", "", "", "élu·e", "Société civile"],
    ]
    rows += [[qid, "", "", "n" if i == 0 else "3", "Je ne sais pas"] for i, qid in enumerate(ids)]
    text = io.StringIO()
    csv.writer(text, delimiter=";", lineterminator="\r\n").writerows(rows)
    for name, data in (("bom.csv", "\ufeff" + text.getvalue()), ("ansi.csv", text.getvalue())):
        path = tmp_path / name
        path.write_bytes(data.encode("utf-8" if name == "bom.csv" else "cp1252"))
        items = read_grid(path, pack).items
        assert [i.answers.territory for i in items] == ["01053", "Pays B"]  # type: ignore[union-attr]
        assert items[0].answers.answers[ids[0]].value == "na"  # type: ignore[union-attr]
        assert items[1].answers.role == "societe-civile"  # type: ignore[union-attr]
    comma = tmp_path / "english.csv"
    comma.write_text("\n".join(",".join(r) for r in rows), encoding="utf-8")
    assert len(read_grid(comma, pack).items) == 2
    bad = cli("import", str(tmp_path / "bom.csv"), "--output", str(tmp_path / "o"))
    assert bad.exit_code == 0, bad.stderr


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("3", 3),
        (3, 3),
        (3.0, 3),
        (" 5 ", 5),
        ("n", "na"),
        ("NC", "na"),
        ("Non concerné", "na"),
        ("na", "na"),
        ("x", "unknown"),
        ("NSP", "unknown"),
        ("je ne sais pas", "unknown"),
        ("unknown", "unknown"),
        (None, None),
        ("  ", None),
    ],
)
def test_accepted_spellings(raw: Any, value: Any) -> None:
    assert answer_value(raw) == value


@pytest.mark.parametrize("raw", ["6", 0, 2.5, "oui", True])
def test_refused_spellings(raw: Any) -> None:
    assert isinstance(answer_value(raw), Rejected)


def test_roles_by_id_or_label() -> None:
    assert [role_of(x) for x in ("elu", "Élu·e", "ÉLUS", "technicienne", "Société civile", "partenaires")] == [
        "elu",
        "elu",
        "elu",
        "technicien",
        "societe-civile",
        "partenaire",
    ]
    assert role_of("maire") is None


def test_not_a_grid(pack: Pack, tmp_path: Path, cli: Callable[..., Any]) -> None:
    junk = tmp_path / "x.xlsx"
    junk.write_bytes(b"not a zip")
    result = cli("import", str(junk))
    assert result.exit_code == 1 and f"{junk}: " in result.stderr and "Traceback" not in result.stderr
    assert cli("import", str(tmp_path / "x.txt")).exit_code == 2
    assert cli("questions", "--format", "xlsx").exit_code == 2  # binary: needs --output
    assert cli("questions", "--structure", "inconnu").exit_code == 2  # a structure type that does not exist


def test_a_grid_for_one_structure_type(pack: Pack, tmp_path: Path, cli: Callable[..., Any]) -> None:
    from openpyxl import load_workbook

    grid = tmp_path / "petr.xlsx"
    assert cli("questions", "--format", "xlsx", "--structure", "petr", "--output", str(grid)).exit_code == 0
    ws = load_workbook(grid)["Réponses"]
    assert ws["D6"].value == "petr" and ws["O6"].value == "petr"
    questions = pack.form("petr")
    assert [ws.cell(row=r, column=2).value for r in range(7, 7 + len(questions))] == [
        typeset(q.text) for q in questions
    ]
    filled = tmp_path / "rempli.xlsx"
    fill_grid(grid, filled, pack, {"D": {"territory": "PETR du Pays", questions[0].id: "2"}})
    (column,) = read_grid(filled, pack).items
    assert column.answers.structure == "petr"  # type: ignore[union-attr]
    if not pack.form(None, "short"):  # a pack without a short form says so, and writes nothing
        short = cli("questions", "--format", "xlsx", "--short", "--output", str(tmp_path / "court.xlsx"))
        assert short.exit_code == 1 and "short" in short.stderr and not (tmp_path / "court.xlsx").exists()


def test_unknown_and_repeated_keys_are_named(pack: Pack, tmp_path: Path, cli: Callable[..., Any]) -> None:
    first = pack.form()[0].id
    rows = [["territory", "", "", "Pays A"], [first, "", "", "2"], ["L99.Q9", "", "", "3"], [first, "", "", "4"]]
    grid = tmp_path / "g.csv"
    grid.write_text("\n".join(";".join(r) for r in rows), encoding="utf-8")
    result = cli("import", str(grid), "--output", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert f"{grid}:g!A3: " in result.stderr and "L99.Q9" in result.stderr
    assert f"{grid}:g!A4: la clé {first} apparaît deux fois (déjà en A2)" in result.stderr
    # the column holds answers on the refused rows: it is not imported until they are fixed
    assert f"{grid}:g!D3: " in result.stderr and f"{grid}:g!D4: " in result.stderr
    assert not list((tmp_path / "out").glob("*.yaml"))
    rows[2][3] = rows[3][3] = ""  # emptied: the rest of the column is imported
    grid.write_text("\n".join(";".join(r) for r in rows), encoding="utf-8")
    assert cli("import", str(grid), "--output", str(tmp_path / "out")).exit_code == 1  # the key rows stay refused
    (written,) = (tmp_path / "out").glob("*.yaml")
    assert yaml.safe_load(written.read_text(encoding="utf-8"))["answers"] == {first: 2}


def test_merged_answer_cells_are_named_never_guessed(
    blank: Path, pack: Pack, tmp_path: Path, cli: Callable[..., Any]
) -> None:
    """One 3 typed over three merged cells: which questions it answers is a guess, so the column waits.
    The same grid saved as ODS says the same."""
    from openpyxl import load_workbook

    ids = [q.id for q in pack.form()]
    filled = tmp_path / "fusion.xlsx"
    fill_grid(blank, filled, pack, {"D": {"territory": "Pays A", ids[0]: 3}, "E": {"territory": "Pays B", ids[0]: 2}})
    wb = load_workbook(filled)
    wb["Réponses"].merge_cells("D7:D9")
    wb["Réponses"].merge_cells("A1:C1")  # a title over the key columns: harmless
    wb.save(filled)
    (ods,) = soffice([filled], "ods", tmp_path)
    for grid in (filled, ods):
        out = tmp_path / f"out-{grid.suffix[1:]}"
        result = cli("import", str(grid), "--output", str(out))
        assert result.exit_code == 1, (grid, result.stderr)
        assert f"{grid}:Réponses!D7: " + typeset("cellules fusionnées (D7:D9)") in result.stderr
        assert [p.name for p in out.glob("*.yaml")] == ["reponses-pays-b-e.yaml"]


def test_refused_cells_are_shown_the_french_way() -> None:
    assert answer_value(4.5) == Rejected("4,5") and answer_value(True) == Rejected("VRAI")
    assert answer_value(dt.datetime(2026, 3, 2)) == Rejected("02/03/2026")


@pytest.mark.parametrize(
    "command", [["validate"], ["score"], ["report", "--format", "json"], ["import", "--output", "out"]]
)
def test_an_answer_the_structure_is_not_asked_is_said_at_its_cell(
    blank: Path, pack: Pack, tmp_path: Path, cli: Callable[..., Any], command: list[str]
) -> None:
    only = next(q for q in pack.questions if "epci" not in q.applies_to)
    filled = tmp_path / "g.xlsx"
    fill_grid(
        blank, filled, pack, {"D": {"territory": "Pays A", "structure": "epci", only.id: "3", pack.form()[0].id: "2"}}
    )
    rows = {q.id: 7 + i for i, q in enumerate(pack.form())}
    result = cli(*command[:1], str(filled), *[str(tmp_path / a) if a == "out" else a for a in command[1:]])
    assert result.exit_code == 0, result.stderr
    assert (
        f"{filled}:Réponses!D{rows[only.id]}: " + typeset(f"avertissement : {only.id} n'est pas posée") in result.stderr
    )


def test_a_territory_the_spreadsheet_took_for_a_number_or_a_date_is_said(
    blank: Path, pack: Pack, tmp_path: Path, cli: Callable[..., Any]
) -> None:
    filled = tmp_path / "g.xlsx"
    first = pack.form()[0].id
    fill_grid(
        blank,
        filled,
        pack,
        {"D": {"territory": 1053, first: "2"}, "E": {"territory": dt.datetime(2026, 1, 1), first: "2"}},
    )
    result = cli("import", str(filled), "--output", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert f"{filled}:Réponses!D2: " + typeset("avertissement : « 1053 » a été saisi comme un nombre") in result.stderr
    assert (
        f"{filled}:Réponses!E2: " + typeset("le tableur a pris ce texte pour une date (« 01/01/2026 »)")
        in result.stderr
    )
    assert [p.name for p in (tmp_path / "out").glob("*.yaml")] == ["reponses-1053-d.yaml"]
