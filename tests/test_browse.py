"""levers, cases, questions: the JSON shapes of the contract and readable tables."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
import yaml

from cooplevier.content.model import Pack
from cooplevier.typography import typeset

Cli = Callable[..., Any]


def test_version(cli: Cli) -> None:
    result = cli("--version")
    assert result.exit_code == 0
    assert result.stdout.startswith("cooplevier ")


def test_levers_json_shape(cli: Cli) -> None:
    result = cli("levers", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert [a["id"] for a in data["axes"]] == ["impulsion", "dialogue", "mouvement", "convergence"]
    assert data["axes"][3]["levers"] == ["L7", "L8", "L9", "L10"]
    first = data["levers"][0]
    assert {"id", "number", "axis", "title"} <= first.keys()
    assert (first["id"], first["number"], first["axis"]) == ("L1", 1, "impulsion")
    assert len(data["levers"]) == 10


def test_one_lever(cli: Cli, pack: Pack) -> None:
    result = cli("levers", "l3", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert [lv["id"] for lv in data["levers"]] == ["L3"]
    table = cli("levers", "L3")
    assert table.exit_code == 0
    assert "Points de vigilance" in table.stdout
    assert pack.cases_for("L3")[0].name.split()[0] in table.stdout


def test_unknown_lever_is_a_clear_error(cli: Cli) -> None:
    result = cli("levers", "L42")
    assert result.exit_code == 2
    assert typeset("levier « L42 » inconnu") in result.stderr
    assert "Traceback" not in result.stderr


def test_cases_json_shape_and_filter(cli: Cli, pack: Pack) -> None:
    data = json.loads(cli("cases", "--format", "json").stdout)
    assert len(data["cases"]) == 17
    case = data["cases"][0]
    assert {"id", "name", "levers", "summary"} <= case.keys()
    assert isinstance(case["summary"], str) and case["levers"]
    only = json.loads(cli("cases", "--lever", "L8", "--format", "json").stdout)["cases"]
    assert only and all("L8" in c["levers"] for c in only)
    assert len(only) == len(pack.cases_for("L8"))


def test_questions_json_shape(cli: Cli, pack: Pack) -> None:
    data = json.loads(cli("questions", "--format", "json").stdout)
    assert len(data["questions"]) == len(pack.questions)
    q = data["questions"][0]
    assert {"id", "lever", "axis", "text", "help", "choices"} <= q.keys()
    assert [c["level"] for c in q["choices"]] == [1, 2, 3, 4, 5]
    assert all(c["label"] for c in q["choices"])


def test_questions_yaml_parses(cli: Cli) -> None:
    data = yaml.safe_load(cli("questions", "--format", "yaml").stdout)
    assert data["questions"][0]["id"] == "L1.Q2"


@pytest.mark.parametrize(
    "command", [["levers", "-f", "table"], ["cases", "-f", "table"], ["questions"], ["levers", "L10", "-f", "table"]]
)
def test_tables_fit_80_columns_without_escape_codes(cli: Cli, command: list[str]) -> None:
    result = cli(*command, env={"COLUMNS": "80"})
    assert result.exit_code == 0
    assert "\x1b[" not in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


def test_bad_format_is_usage_error(cli: Cli) -> None:
    assert cli("levers", "--format", "xml").exit_code == 2


def test_content_option_on_every_browse_command(cli: Cli, tmp_path: Any) -> None:
    for command in (["levers"], ["cases"], ["questions"], ["validate"]):
        result = cli(*command, "--content", str(tmp_path / "nowhere"))
        assert result.exit_code == 1, command
        assert "pack de contenu" in result.stderr


def test_brackets_in_an_edited_pack_are_printed_not_taken_for_markup(cli: Cli, tmp_path: Any) -> None:
    import shutil

    from cooplevier.content.load import default_pack_dir

    root = tmp_path / "pack"
    shutil.copytree(default_pack_dir(), root)
    levers = root / "levers.yaml"
    text = levers.read_text(encoding="utf-8").replace(
        'short_title: "Soigner les équilibres"', 'short_title: "[/x] court"', 1
    )
    levers.write_text(
        text.replace("Duos de vice-présidents", "Duos [bold]de[/bold] vice-présidents [/nope]", 1), encoding="utf-8"
    )
    result = cli("levers", "L1", "--content", str(root))
    assert result.exit_code == 0, result.stderr
    assert "[bold]de[/bold]" in result.stdout and "[/nope]" in result.stdout


@pytest.mark.parametrize("structure", ["epci", "petr", "scot", "pnr", "autre"])
def test_questions_for_one_structure_type_are_worded_for_it(cli: Cli, pack: Pack, structure: str) -> None:
    data = json.loads(cli("questions", "--structure", structure, "--format", "json").stdout)
    asked = pack.form(structure)  # type: ignore[arg-type]
    assert [q["id"] for q in data["questions"]] == [q.id for q in asked]
    assert [q["text"] for q in data["questions"]] == [q.text for q in asked]
    kind = pack.structure_type(structure)  # type: ignore[arg-type]
    assert kind is not None and data["structure"] == structure
    assert data["definitions"] == {"structure": kind.structure.text, "territory": kind.territory.text}
    table = cli("questions", "--structure", structure, env={"COLUMNS": "200"}).stdout
    assert typeset(kind.structure.text) in re.sub(r"[ \n]+", " ", table)  # defined first
    assert table.index(typeset(kind.label)) < table.index(asked[0].id)


def test_questions_short_form_has_one_question_per_lever(cli: Cli, pack: Pack) -> None:
    data = yaml.safe_load(cli("questions", "--short", "--format", "yaml").stdout)
    assert data["form"] == "short"
    assert sorted(q["lever"] for q in data["questions"]) == sorted(lv.id for lv in pack.levers)
    table = cli("questions", "--short", env={"COLUMNS": "200"}).stdout
    assert "questionnaire court" in table


def test_questions_without_a_type_define_the_words_and_mark_the_questions_for_some(cli: Cli, pack: Pack) -> None:
    table = re.sub(r"[ \n]+", " ", cli("questions", env={"COLUMNS": "200"}).stdout)
    assert typeset("« Votre structure »") in table and typeset("« Votre territoire »") in table
    assert "non concerné" in table
    some = [q for q in pack.questions if set(q.applies_to) != {"epci", "petr", "scot", "pnr", "autre"}]
    assert some and table.count("(Pour") == len(some)


def test_blank_file_for_one_type_and_the_short_form(cli: Cli, pack: Pack) -> None:
    text = cli("questions", "--blank", "--structure", "scot", "--short").stdout
    data = yaml.safe_load(text)
    assert data["structure"] == "scot" and data["form"] == "short"
    assert sorted(data["answers"]) == sorted(q.id for q in pack.form("scot", "short"))
    kind = pack.structure_type("scot")
    assert kind is not None and " ".join(kind.structure.text.split()) in text


def test_unknown_structure_is_a_usage_error(cli: Cli) -> None:
    result = cli("questions", "--structure", "region")
    assert result.exit_code == 2 and "region" in result.stderr
