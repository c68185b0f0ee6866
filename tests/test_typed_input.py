"""Trust: what an outside probe found, each kept as a test of its class (nothing typed is lost or
changed, said in French where it happens)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cooplevier.content.answers import load_answers
from cooplevier.content.model import Pack
from cooplevier.typography import typeset
from tests.helpers import require_tool

Cli = Callable[..., Any]
HEAD = "cooplevier: answers/1\nterritory: X\n"


@pytest.mark.parametrize(
    ("header", "answer"),
    [
        ("structure: pnr\n", "L2.Q1: 1"),  # not asked to a PNR
        ("form: short\n", "L1.Q2: 4"),  # not in the short form
    ],
)
def test_an_answer_the_form_does_not_ask_is_said_and_kept(
    cli: Cli, pack: Pack, tmp_path: Path, header: str, answer: str
) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(HEAD + header + "answers:\n  " + answer + "\n", encoding="utf-8")
    qid = answer.split(":")[0]
    for command in (["validate"], ["score", "--format", "json"], ["explain"]):
        result = cli(*command, str(path))
        assert f"{path}:5: " in result.stderr and qid in result.stderr and "aucun score" in result.stderr
    assert qid in load_answers(path, pack).answers  # kept in the file as typed


@pytest.mark.parametrize("key", ["L1Q5", "l1 q5", "territoire du pays", "foo"])
def test_a_mistyped_key_over_answers_is_named_and_nothing_is_lost(cli: Cli, tmp_path: Path, key: str) -> None:
    grid = tmp_path / "k.csv"
    grid.write_text(f"Clé;Q;C;P1\nterritory;;;X\nL1.Q2;;;3\n{key};;;4\n", encoding="utf-8")
    result = cli("import", str(grid), "--output", str(tmp_path / "out"))
    assert result.exit_code == 1 and f"{grid}:k!A4: " in result.stderr and f"{grid}:k!D4: " in result.stderr
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_a_stray_byte_in_a_csv_grid_is_refused_at_its_line(cli: Cli, tmp_path: Path) -> None:
    grid = tmp_path / "m.csv"
    grid.write_bytes("Clé;Q;C;P1\nterritory;;;Zoéville\n".encode() + b"name;;;Ren\xe9e\nL1.Q2;;;3\n")
    result = cli("import", str(grid), "--output", str(tmp_path / "out"))
    assert result.exit_code == 1 and f"{grid}:3:" in result.stderr and "0xE9" in result.stderr
    whole = tmp_path / "w.csv"  # a file wholly in Windows-1252 is read as such
    whole.write_bytes("Clé;Q;C;P1\nterritory;;;Zoéville\nL1.Q2;;;3\n".encode("cp1252"))
    assert cli("import", str(whole), "--output", str(tmp_path / "out")).exit_code == 0
    (written,) = (tmp_path / "out").glob("*.yaml")
    assert "territory: Zoéville" in written.read_text(encoding="utf-8")


def test_a_script_line_that_is_not_utf8_stops_assess_without_shifting_the_next_answers(tmp_path: Path) -> None:
    """Asked again on a terminal; from a script, the next line would be taken as its answer: stop."""
    path = tmp_path / "a.yaml"
    typed = b"3\nc caf\xe9\n4\nq\n"
    done = subprocess.run(
        [sys.executable, "-m", "cooplevier", "assess", str(path), "-t", "X", "-r", "elu", "-s", "petr"],
        input=typed,
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 1 and "UTF-8" in done.stderr.decode(), done.stderr
    answers = load_answers(path, _pack()).answers
    assert [a.value for a in answers.values()] == [3] and "\ufffd" not in path.read_text(encoding="utf-8")


def _pack() -> Pack:
    from cooplevier.content.load import load_pack

    return load_pack()


@pytest.mark.parametrize("command", [["compare", "{a}", "{grid}"], ["explain", "{grid}"], ["assess", "{grid}"]])
def test_a_grid_where_an_answer_file_is_expected_is_named_as_a_grid(
    cli: Cli, pack: Pack, tmp_path: Path, command: list[str]
) -> None:
    grid = tmp_path / "g.xlsx"
    assert cli("questions", "--format", "xlsx", "--output", str(grid)).exit_code == 0
    a = tmp_path / "a.yaml"
    a.write_text(HEAD + "answers:\n  L1.Q2: 3\n", encoding="utf-8")
    result = cli(*[x.format(a=a, grid=grid) for x in command], input="q\n")
    if command[0] == "compare":  # compare reads grids since turn 3: an empty one is said as such
        assert result.exit_code == 1 and "aucune colonne remplie" in result.stderr and "octet" not in result.stderr
        return
    assert result.exit_code == 1 and "grille de réponses" in result.stderr and "octet" not in result.stderr


def test_an_empty_territory_is_said_at_its_line(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "e.yaml"
    path.write_text("cooplevier: answers/1\nterritory:\nanswers: {}\n", encoding="utf-8")
    result = cli("validate", str(path))
    assert result.exit_code == 1 and f"{path}:2:" in result.stderr and "vide" in result.stderr


def test_small_words(cli: Cli, pack: Pack, tmp_path: Path) -> None:
    a = tmp_path / "a.yaml"
    a.write_text(HEAD + "answers:\n  L1.Q2: 3\n", encoding="utf-8")
    assert "\t" in cli("score", str(a), "--separator", "tab", "--format", "csv").stdout  # as its message says
    grid = tmp_path / "g.csv"
    grid.write_text("Clé;Q;C;P1\nterritory;;;X\nL1.Q2;;;3\n", encoding="utf-8")
    imported = cli("import", str(grid), "--output", str(tmp_path / "out"))
    assert "(1 réponse)" in imported.stdout
    junk = tmp_path / "j.xlsx"
    junk.write_bytes(b"")
    refused = cli("import", str(junk), "--output", str(tmp_path / "out"))
    assert refused.exit_code == 1 and "Error" not in refused.stderr and typeset("classeur XLSX") in refused.stderr


def test_a_missing_temporary_folder_does_not_break_a_pdf(tmp_path: Path) -> None:
    require_tool("chromium")
    out = tmp_path / "cartes.pdf"
    env = {**os.environ, "TMPDIR": str(tmp_path / "absent")}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "cooplevier",
            "handout",
            "cards",
            "--lever",
            "L1",
            "--format",
            "pdf",
            "--output",
            str(out),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    assert out.read_bytes()[:5] == b"%PDF-"


def test_one_run_never_writes_two_results_to_one_name(cli: Cli, tmp_path: Path) -> None:
    """Three grids whose respondents would take the same name: three files, with or without --force;
    two answer files of one name migrated into one folder: refused before anything is written."""
    (tmp_path / "sub").mkdir()
    for name, level in (("a.csv", 3), ("b.csv", 5), ("sub/a.csv", 1)):
        (tmp_path / name).write_text(f"territory;;;Pays X\nL1.Q2;;;{level}\n", encoding="utf-8")
    grids = [str(tmp_path / n) for n in ("a.csv", "b.csv", "sub/a.csv")]
    out = tmp_path / "out"
    result = cli("import", *grids, "--output", str(out), "--force")
    assert result.exit_code == 0, result.stderr
    levels = sorted(load_answers_text(p) for p in out.glob("*.yaml"))
    assert levels == ["L1.Q2: 1", "L1.Q2: 3", "L1.Q2: 5"]
    for folder in ("m1", "m2"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "x.yaml").write_text(HEAD + "answers:\n  L1.Q2: 2\n", encoding="utf-8")
    moved = cli(
        "migrate",
        str(tmp_path / "m1/x.yaml"),
        str(tmp_path / "m2/x.yaml"),
        "--output",
        str(tmp_path / "mo") + "/",
        "--force",
    )
    assert moved.exit_code == 2 and typeset("s'écriraient sous le même nom") in moved.stderr
    assert not (tmp_path / "mo").exists()


def load_answers_text(path: Path) -> str:
    return next(line.strip() for line in path.read_text(encoding="utf-8").splitlines() if "L1.Q2" in line)


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}", "s'appelle lui-même"),
        (b'{% extends "plan.md.j2" %}', "s'appelle lui-même"),
        (b"caf\xe9 {{ 1 }}", "pas en UTF-8"),
        (b'{{ "x" * 10**9 }}', "valeur trop grande"),
        (b"{% set n = 100000 %}{{ 2 ** n }}", "valeur trop grande"),
        (
            b"{% for i in range(100000) %}{% for j in range(100000) %}{{ 'x' * 10000 }}{% endfor %}{% endfor %}",
            "dépasse 64 Mo",
        ),
    ],
)
def test_a_user_template_that_runs_away_is_stopped_in_french(cli: Cli, tmp_path: Path, body: bytes, words: str) -> None:
    source = Path(__file__).parent.parent / "examples" / "pays-exemple.yaml"
    folder = tmp_path / "modeles"
    folder.mkdir()
    (folder / "plan.md.j2").write_bytes(body)
    result = cli("report", str(source), "--format", "md", "--template", str(folder))
    assert result.exit_code == 1 and typeset(words) in result.stderr, result.stderr
    assert "erreur interne" not in result.stderr and "Traceback" not in result.stderr


def test_a_markdown_report_to_a_device_carries_its_wheel_inline(tmp_path: Path) -> None:
    source = Path(__file__).parent.parent / "examples" / "pays-exemple.yaml"
    run = subprocess.run(
        [sys.executable, "-m", "cooplevier", "report", str(source), "--format", "md", "--output", "/dev/stdout"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert "](data:image/png;base64," in run.stdout and not Path("/dev/stdout-roue.png").exists()


@pytest.mark.parametrize("target", ["-", "/dev/null", "."])
def test_assess_wants_a_file_it_can_reopen(cli: Cli, target: str) -> None:
    result = cli("assess", target, "--territory", "T", "--role", "elu", input="2\nq\n")
    assert result.exit_code == 2 and typeset("donnez un nom de fichier") in result.stderr


def test_a_content_pack_in_windows_1252_is_read_and_said(cli: Cli, tmp_path: Path) -> None:
    import shutil

    pack = tmp_path / "pack"
    shutil.copytree(Path(__file__).parent.parent / "data", pack)
    text = (pack / "levers.yaml").read_text(encoding="utf-8")
    (pack / "levers.yaml").write_bytes(text.encode("cp1252", errors="replace"))
    for command in (["validate"], ["levers"], ["levers"]):  # the second `levers` comes from the cache
        result = cli(*command, "--content", str(pack))
        assert result.exit_code == 0, result.stderr
        assert f"{pack / 'levers.yaml'}: " + typeset("avertissement : le fichier n'est pas en UTF-8") in result.stderr


def test_a_file_name_with_an_escape_sequence_never_drives_the_terminal(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "r\x1b]0;TITRE\x07\u202e.yaml"
    bad.write_text(HEAD + "answers:\n  L1.Q2: 9\n", encoding="utf-8")
    for command in (["validate"], ["score"], ["explain"]):
        result = cli(*command, str(bad))
        shown = result.stderr + result.stdout
        assert "\x1b" not in shown and "\u202e" not in shown and "\\x1b]0;TITRE\\x07" in shown, command


def test_a_synthesis_says_how_many_files_have_no_scored_answer(cli: Cli, tmp_path: Path) -> None:
    """A workshop folder holds a file for everyone who joined, answered or not: counted, and said."""
    for i, level in enumerate((2, 4)):
        (tmp_path / f"r{i}.yaml").write_text(HEAD + f"answers:\n  L1.Q2: {level}\n", encoding="utf-8")
    (tmp_path / "vide.yaml").write_text(HEAD + "answers: {}\n", encoding="utf-8")
    data = __import__("json").loads(cli("report", str(tmp_path), "--format", "json").stdout)
    assert data["respondents"] == 3 and data["unscored"] == 1
    md = cli("report", str(tmp_path), "--format", "md").stdout
    assert typeset("Dont 1 sans aucune réponse chiffrée, qui ne compte dans aucune moyenne") in md


@pytest.mark.parametrize(
    ("body", "fixed"),
    [
        ("answers:\n  L1.Q2:3\n", "L1.Q2: 3"),  # the only answer, typed without the space
        ("respondent:\n  role:elu\nanswers:\n  L1.Q2: 3\n", "role: elu"),
    ],
)
def test_a_lone_line_typed_without_its_space_gets_the_fix(cli: Cli, tmp_path: Path, body: str, fixed: str) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(HEAD + body, encoding="utf-8")
    result = cli("validate", str(path))
    assert result.exit_code == 1 and typeset(f"écrivez « {fixed} »") in result.stderr
