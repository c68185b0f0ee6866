"""Outputs that fit the conventions around them: `import` and `migrate` summed up in JSON for a
script, `levers` and `cases` as plain lines for a pipe."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from cooplevier.content.model import Pack

DATA = Path(__file__).parent / "data"
OLD = DATA / "answers-1.0.yaml"
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "pays-exemple.yaml"


def _grid(pack: Pack, path: Path, people: list[tuple[str, str, str]]) -> Path:
    """A filled grid saved as a French Excel CSV: one column per (territory, name, role)."""
    rows = [["Clé", "Question", "Choix", *(f"P{i}" for i in range(len(people)))]]
    rows += [[key, "", "", *(p[i] for p in people)] for i, key in enumerate(("territory", "name", "role"))]
    rows += [[q.id, "", "", *("3" for _ in people)] for q in pack.form()]
    path.write_text("\r\n".join(";".join(r) for r in rows) + "\r\n", encoding="utf-8-sig")
    return path


def test_import_json_says_what_was_written_kept_and_refused(
    pack: Pack, tmp_path: Path, cli: Callable[..., Any]
) -> None:
    grid = _grid(pack, tmp_path / "grille.csv", [("Pays A", "Anne", "elu"), ("Pays A", "Paul", "chef")])
    out = tmp_path / "reponses"
    first = cli("import", str(grid), "--output", str(out), "--format", "json")
    assert first.exit_code == 1  # one column refused: the contract's exit code, JSON or not
    summary = json.loads(first.stdout)
    (written,) = summary["written"]
    assert Path(written["file"]).is_file() and written["answers"] == len(pack.form())
    assert written["source"].endswith("!D") and summary["kept"] == []
    (refused,) = summary["refused"]
    assert refused["source"].endswith("!E") and any("chef" in line for line in refused["errors"])
    assert not list(out.glob("*paul*"))  # a refused column writes nothing

    again = json.loads(cli("import", str(grid), "--output", str(out), "--format", "json").stdout)
    assert again["written"] == [] and again["kept"] == [
        {"file": written["file"], "source": written["source"], "reason": "exists"}
    ]
    text = cli("import", str(grid), "--output", str(tmp_path / "t"))
    assert "Anne" not in text.stdout and "reponses-pays-a-anne.yaml" in text.stdout  # text: a line per file


def test_migrate_json_says_what_each_file_kept_dropped_and_must_ask_again(
    pack: Pack, tmp_path: Path, cli: Callable[..., Any]
) -> None:
    old = shutil.copy(OLD, tmp_path / "ancien.yaml")
    current = tmp_path / "actuel.yaml"  # a file of the pack's own version: copied as it is
    first = pack.questions[0].id
    current.write_text(
        f"cooplevier: answers/1\nterritory: Pays Actuel\ncontent: {pack.ref}\nanswers:\n  {first}: 3\n",
        encoding="utf-8",
    )
    out = tmp_path / "migres"
    out.mkdir()
    missing = tmp_path / "absent.yaml"
    result = cli("migrate", str(old), str(current), str(missing), "--output", f"{out}/", "--format", "json")
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert summary["pack"] == pack.ref
    migrated, copied = summary["written"]
    written = yaml.safe_load((out / "ancien.yaml").read_text(encoding="utf-8"))
    assert migrated["output"] == str(out / "ancien.yaml") and migrated["from"] == "1.0"
    assert migrated["kept"] == len(written["answers"])  # what the file now holds, said
    dropped = {d["question"] for d in migrated["dropped"]}
    assert dropped and not dropped & set(written["answers"]) and all(d["reason"] for d in migrated["dropped"])
    assert migrated["ask_again"] and all(pack.has_question(q) for q in migrated["ask_again"])
    assert copied["from"] is None and copied["dropped"] == [] and copied["kept"] > 0
    assert summary["refused"] == [{"file": str(missing), "errors": [f"{missing}: fichier introuvable"]}]


def test_migrate_json_needs_somewhere_else_for_the_files(tmp_path: Path, cli: Callable[..., Any]) -> None:
    result = cli("migrate", str(OLD), "--format", "json")
    assert result.exit_code == 2 and "--output" in result.stderr and result.stdout == ""


def _piped(*args: str) -> subprocess.CompletedProcess[str]:
    """The command with its stdout into a pipe, as `cooplevier levers | grep …` runs it."""
    return subprocess.run(
        [sys.executable, "-m", "cooplevier", *args], capture_output=True, text=True, encoding="utf-8", timeout=60
    )


def test_levers_and_cases_into_a_pipe_are_one_line_per_item(pack: Pack) -> None:
    levers = _piped("levers")
    lines = levers.stdout.splitlines()
    assert levers.returncode == 0 and "┃" not in levers.stdout and "\x1b" not in levers.stdout
    assert [line.split("\t")[0] for line in lines] == [
        lv.id for axis in pack.axes for lv in map(pack.lever, axis.levers)
    ]
    for line in lines:
        lid, axis, title, questions, cases = line.split("\t")
        assert title.startswith(pack.lever(lid).title[:20])
        assert pack.lever(lid).axis == axis and int(questions) == len(pack.questions_for(lid))
        assert int(cases) == len(pack.cases_for(lid))

    cases = _piped("cases").stdout.splitlines()
    assert [c.split("\t")[0] for c in cases] == [c.id for c in pack.cases]
    assert all(len(c.split("\t")) == 4 for c in cases)
    marked = [c for c in cases if "*" in c.split("\t")[2]]  # cooplevier's own links stay marked
    assert marked and all("proposé par cooplevier" in c.split("\t")[3] for c in marked)

    detail = _piped("levers", "L3").stdout
    assert detail.startswith("L3 — ") and "\n- " in detail and "┃" not in detail and "│" not in detail
    assert _piped("levers", "--format", "table").stdout.count("┃") > 4  # a table on request
