"""`cooplevier score`: a batch of files and folders, in a stable order, bad files named."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cooplevier.content.model import Pack
from cooplevier.report import exports
from cooplevier.scoring import batch


def test_mixed_folder_scores_every_good_file_and_names_every_bad_one(
    cli: Callable[..., Any], write_answers: Callable[..., Path], tmp_path: Path
) -> None:
    write_answers({"L1.Q2": 4}, name="lot/b.yaml", territory="B")
    write_answers({"L1.Q2": 2}, name="lot/a.yml", territory="A")
    write_answers({"L2.Q1": 5}, name="lot/sous/c.YAML", territory="C")
    (tmp_path / "lot" / "notes.txt").write_text("pas un fichier de réponses")
    (tmp_path / "lot" / "vide.yaml").write_text("")
    (tmp_path / "lot" / "casse.yaml").write_text("cooplevier: answers/1\nterritory: X\nanswers: {L1.Q2: 9}\n")
    result = cli("score", str(tmp_path / "lot"), "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert [d["territory"] for d in data] == ["A", "B", "C"]  # sorted by path: a.yml, b.yaml, sous/c.YAML
    assert f"{tmp_path / 'lot' / 'vide.yaml'}:1:1: le fichier est vide" in result.stderr
    assert f"{tmp_path / 'lot' / 'casse.yaml'}:3:" in result.stderr
    assert "2 fichiers refusés sur 5" in result.stderr


def test_paths_keep_their_order_and_are_scored_once(
    cli: Callable[..., Any], write_answers: Callable[..., Path]
) -> None:
    z = write_answers({"L1.Q2": 4}, name="z.yaml", territory="Z")
    a = write_answers({"L1.Q2": 4}, name="a.yaml", territory="A")
    result = cli("score", str(z), str(a), str(z), "--format", "json")
    assert result.exit_code == 0
    assert [d["territory"] for d in json.loads(result.stdout)] == ["Z", "A"]


def test_json_objects_follow_the_contract(cli: Callable[..., Any], write_answers: Callable[..., Path]) -> None:
    path = write_answers({"L1.Q2": 4, "L1.Q5": 3, "L3.Q2": "na"}, role="technicien")
    result = cli("score", str(path), "--format", "json")
    (data,) = json.loads(result.stdout)
    assert data["file"] == str(path)
    assert data["role"] == "technicien"
    assert data["levers"]["L1"]["score"] == 3.5
    assert data["levers"]["L1"]["step"] == 3
    assert data["levers"]["L3"]["score"] is None
    assert set(data) >= {"file", "territory", "role", "overall", "axes", "levers", "priorities"}


def test_output_file_is_never_overwritten_without_force(
    cli: Callable[..., Any], write_answers: Callable[..., Path], tmp_path: Path
) -> None:
    path = write_answers({"L1.Q2": 4})
    out = tmp_path / "scores.csv"
    out.write_text("ancien")
    result = cli("score", str(path), "--output", str(out))
    assert result.exit_code == 2
    assert "--force" in result.stderr
    assert out.read_text() == "ancien"
    assert cli("score", str(path), "--output", str(out), "--force").exit_code == 0
    assert out.read_text(encoding="utf-8-sig").startswith("fichier;territoire;")  # format from the suffix


def test_xlsx_needs_an_output_and_never_goes_to_a_terminal(
    cli: Callable[..., Any], write_answers: Callable[..., Path]
) -> None:
    path = write_answers({"L1.Q2": 4})
    result = cli("score", str(path), "--format", "xlsx")
    assert result.exit_code == 2
    assert "--output" in result.stderr
    piped = cli("score", str(path), "--format", "xlsx", "--output", "-")
    assert piped.exit_code == 0
    assert piped.stdout_bytes.startswith(b"PK")  # a zip: the workbook


def test_table_lists_each_file(cli: Callable[..., Any], write_answers: Callable[..., Path]) -> None:
    path = write_answers({"L1.Q2": 4}, territory="Pays de Figeac")
    result = cli("score", str(path), "--format", "table", env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "Pays de Figeac" in result.stdout
    assert "1 fichier noté" in result.stdout


def test_parallel_batch_streams_in_order_like_the_serial_one(
    pack: Pack, write_answers: Callable[..., Path], tmp_path: Path
) -> None:
    for i in range(70):
        if i % 9 == 4:
            (tmp_path / f"f{i:03d}.yaml").write_text("cooplevier: answers/2\n")
        else:
            write_answers({"L1.Q2": 1 + i % 5}, name=f"f{i:03d}.yaml", territory=f"T{i}")
    items = batch.collect([tmp_path, tmp_path / "absent.yaml"])
    convert = functools.partial(exports.csv_cells, decimal=",")
    serial = list(batch.score_files(items, pack=pack, convert=convert, jobs=1))
    parallel = list(batch.score_files(items, pack=pack, convert=convert, jobs=2))
    assert parallel == serial
    assert len(serial) == 71
    failed = [o for o in serial if isinstance(o, batch.Refused)]
    assert len(failed) == 9
    assert failed[-1].message.endswith("absent.yaml: chemin introuvable")


def test_brackets_in_user_text_never_break_the_terminal_table(tmp_path: Path, cli: Any) -> None:
    from tests.helpers import answers_yaml

    folder = tmp_path / "m[b]"
    folder.mkdir()
    (folder / "[red]x.yaml").write_text(
        answers_yaml({"L1.Q2": 3}, territory="[bold]Gras[/bold] [/nope]"), encoding="utf-8"
    )
    (folder / "b.yaml").write_text(answers_yaml({"L1.Q2": 4}, territory="Autre"), encoding="utf-8")
    table = cli("score", str(folder), "--format", "table", env={"COLUMNS": "200"})
    assert table.exit_code == 0, table.stderr
    assert "[bold]Gras[/bold] [/nope]" in table.stdout and "[red]x.yaml" in table.stdout
    compare = cli(
        "compare", str(folder / "b.yaml"), str(folder / "[red]x.yaml"), "--format", "table", env={"COLUMNS": "200"}
    )
    assert compare.exit_code == 0, compare.stderr
    assert "[bold]Gras[/bold] [/nope]" in compare.stdout
