"""`cooplevier assess` through the CLI: typer's CliRunner feeding stdin, and a real pipe."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cooplevier.content.answers import load_answers
from cooplevier.content.model import Pack
from cooplevier.typography import typeset
from tests.helpers import answers_yaml

Cli = Callable[..., Any]
PLAIN = {"NO_COLOR": "1", "COLUMNS": "80", "TERM": "xterm-256color"}


def lines(*answers: object) -> str:
    return "".join(f"{a}\n" for a in answers)


def flat(text: str) -> str:
    """The text with rich's line wrapping undone."""
    return " ".join(text.split())


def test_complete_run(cli: Cli, pack: Pack, tmp_path: Path) -> None:
    path = tmp_path / "figeac.yaml"
    n = len(pack.questions)
    result = cli(
        "assess",
        str(path),
        "--territory",
        "Pays de Figeac",
        "--role",
        "elu",
        "--structure",
        "autre",
        input=lines(*["3"] * n),
        env=PLAIN,
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert typeset(f"Question {n}/{n} — Axe : Convergence des projets et des ressources") in out
    assert "Bilan — Pays de Figeac" in out
    assert f"cooplevier report {path} --format html --output {path.with_suffix('.html')}" in out
    assert result.stderr == ""
    af = load_answers(path, pack)
    assert len(af.answers) == n and af.role == "elu" and af.content == pack.ref
    assert cli("validate", str(path)).exit_code == 0


def test_output_is_plain_and_fits_80_columns(
    cli: Cli, pack: Pack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    n = len(pack.questions)
    script = lines("a", "c Un commentaire", "zz", *["2"] * n)
    result = cli("assess", "t.yaml", "-t", "Pays de Test", "-r", "technicien", "-s", "autre", input=script, env=PLAIN)
    assert result.exit_code == 0
    assert "\x1b" not in result.output
    too_long = [line for line in result.output.splitlines() if len(line) > 80]
    assert too_long == []


def test_piped_partial_input_then_end_of_input(cli: Cli, pack: Pack, tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    result = cli(
        "assess",
        str(path),
        "--territory",
        "T",
        "--role",
        "elu",
        "--structure",
        "autre",
        input=lines(4, "n", "x"),
        env=PLAIN,
    )
    assert result.exit_code == 1
    assert "Fin de l'entrée" in result.stderr and "3/49 réponses enregistrées" in flat(result.stderr)
    assert f"cooplevier assess {path}" in result.stderr
    assert "Traceback" not in result.output
    assert {k: a.value for k, a in load_answers(path, pack).answers.items()} == {
        "L1.Q2": 4,
        "L1.Q5": "na",
        "L1.Q6": "unknown",
    }
    # the piped answers read like a typed transcript
    assert typeset("Votre réponse (1 à 5, n ou x) : ") + "4\n" in result.stdout


def test_resume_through_the_cli(cli: Cli, pack: Pack, tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    cli("assess", str(path), "-t", "T", "-r", "elu", "-s", "autre", input=lines(1, 2, 3, 4, 5), env=PLAIN)
    result = cli("assess", str(path), input=lines(2, "q"), env=PLAIN)
    assert result.exit_code == 0
    assert "Reprise de" in result.stdout and "suite à la question 6/49" in flat(result.stdout)
    assert "Question 6/49" in result.stdout and "Question 5/49" not in result.stdout
    assert len(load_answers(path, pack).answers) == 6


@pytest.mark.parametrize(
    "args",
    [
        ["assess"],
        ["assess", "x.yaml"],
        ["assess", "x.yaml", "-t", "T"],
        ["assess", "x.yaml", "-t", "T", "-r", "elu", "-s", "autre"],
    ],
    ids=["nothing", "file", "territory", "territory-and-role"],
)
def test_empty_stdin_stops_with_a_clear_message(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli(*args, input="", env=PLAIN)
    assert result.exit_code == 1
    assert "Fin de l'entrée" in result.stderr
    assert "Traceback" not in result.output


def test_empty_stdin_before_anything_is_known_writes_nothing(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("assess", input="", env=PLAIN)
    assert "aucune réponse à lire" in flat(result.stderr) and "dans un terminal" in flat(result.stderr)
    assert list(tmp_path.iterdir()) == []


def test_real_pipe_and_closed_stdin_never_hang(tmp_path: Path) -> None:
    """A real process: piped answers, then stdin at its end; and stdin closed from the start."""
    command = [sys.executable, "-m", "cooplevier", "assess", "t.yaml", "-t", "T", "-r", "elu", "-s", "autre"]
    env = {"NO_COLOR": "1", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(command, input="3\n2\n", capture_output=True, text=True, cwd=tmp_path, env=env, timeout=30)
    assert done.returncode == 1
    assert "Fin de l'entrée" in done.stderr and "Traceback" not in done.stderr
    assert "\x1b" not in done.stdout + done.stderr
    done = subprocess.run(
        command, stdin=subprocess.DEVNULL, capture_output=True, text=True, cwd=tmp_path, env=env, timeout=30
    )
    assert done.returncode == 1 and "Fin de l'entrée" in done.stderr and "Traceback" not in done.stderr


def test_an_invalid_file_is_left_alone(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    text = "cooplevier: answers/1\nterritory: T\nanswers:\n  L1.Q2: [3\n"
    path.write_text(text, encoding="utf-8")
    result = cli("assess", str(path), input=lines(3), env=PLAIN)
    assert result.exit_code == 1
    assert f"{path}:4:" in result.stderr
    assert "n'a pas été modifié" in flat(result.stderr)
    assert path.read_text(encoding="utf-8") == text


def test_complete_file_asks_before_changing(cli: Cli, pack: Pack, tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(answers_yaml({q.id: 3 for q in pack.questions}), encoding="utf-8")
    before = path.read_bytes()
    result = cli("assess", str(path), input=lines("n"), env=PLAIN)
    assert result.exit_code == 0
    assert "déjà complet (49/49" in flat(result.stdout) and "n'a pas été modifié" in flat(result.stdout)
    assert path.read_bytes() == before
    result = cli("assess", str(path), "--force", input=lines(5, "q"), env=PLAIN)
    assert result.exit_code == 0
    assert load_answers(path, pack).answers["L1.Q2"].value == 5


def test_text_from_the_file_is_never_taken_for_markup(cli: Cli, pack: Pack, tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(answers_yaml({q.id: 2 for q in pack.questions}, territory="Pays [/] [bold]X"), encoding="utf-8")
    result = cli("assess", str(path), input=lines("n"), env=PLAIN)
    assert result.exit_code == 0, result.output
    assert "Bilan — Pays [/] [bold]X" in result.stdout


def test_control_characters_typed_are_not_sent_to_the_terminal(cli: Cli, tmp_path: Path) -> None:
    result = cli(
        "assess", str(tmp_path / "t.yaml"), "-t", "T", "-r", "elu", "-s", "autre", input=lines("\x1b[A", "q"), env=PLAIN
    )
    assert result.exit_code == 0
    assert "\x1b" not in result.output and typeset("« \ufffd[A » n'est pas une réponse possible") in result.stdout


def test_set_aside_answers_are_reported_on_stderr(cli: Cli, pack: Pack, tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(answers_yaml({"L1.Q2": 2, "L12.Q1": 4, "L1.Q5": "peut-être"}), encoding="utf-8")
    result = cli("assess", str(path), input=lines("q"), env=PLAIN)
    assert result.exit_code == 0
    assert "2 réponses de" in result.stderr
    assert "L12.Q1: 4" in flat(result.stderr) and 'L1.Q5: "peut-être"' in flat(result.stderr)
    text = path.read_text(encoding="utf-8")
    assert "#   L12.Q1: 4" in text and '#   L1.Q5: "peut-être"' in text
    assert cli("validate", str(path)).exit_code == 0


def test_custom_content_is_in_the_commands_printed(cli: Cli, pack: Pack, tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    result = cli(
        "assess", str(path), "-t", "T", "-r", "elu", "-s", "autre", "--content", pack.root, input=lines("q"), env=PLAIN
    )
    assert f"cooplevier assess {path} --content {pack.root}" in result.stdout


def test_wrong_role_option_is_a_usage_error(cli: Cli, tmp_path: Path) -> None:
    result = cli("assess", str(tmp_path / "t.yaml"), "--role", "maire", input="", env=PLAIN)
    assert result.exit_code == 2
    assert not (tmp_path / "t.yaml").exists()


def test_help_explains_the_keys(cli: Cli) -> None:
    result = cli("assess", "--help", env=PLAIN)
    assert result.exit_code == 0
    for words in (
        "--territory",
        "--role",
        "reponses-<territoire>.yaml",
        "n non concerné",
        "x je ne sais pas",
        "q enregistrer et quitter",
    ):
        assert words in flat(result.stdout), words


def test_a_blank_template_can_be_filled_in_assess(cli: Any, tmp_path: Path) -> None:
    blank = tmp_path / "vierge.yaml"
    assert cli("questions", "--blank").exit_code == 0
    blank.write_text(cli("questions", "--blank").stdout, encoding="utf-8")
    result = cli("assess", str(blank), "--role", "elu", "--structure", "autre", input="Pays Vierge\n3\nq\n")
    assert result.exit_code == 0, result.stderr
    text = blank.read_text(encoding="utf-8")
    assert "territory: Pays Vierge" in text and "L1.Q2: 3" in text


def test_an_invalid_file_is_named_and_left_untouched(cli: Any, tmp_path: Path) -> None:
    bad = tmp_path / "cible.yaml"
    original = "cooplevier: answers/1\nterritory: X\ntargets: {L3: 9}\nanswers: {}\n"
    bad.write_text(original, encoding="utf-8")
    result = cli("assess", str(bad), "--territory", "X", "--role", "elu", "--structure", "autre", input="q\n")
    assert result.exit_code == 1
    assert f"{bad}:3:" in result.stderr and f"{bad} n'a pas été modifié" in " ".join(result.stderr.split())
    assert "None" not in result.stderr
    assert bad.read_text(encoding="utf-8") == original


def test_a_missing_folder_is_said_before_the_first_question(cli: Any, tmp_path: Path) -> None:
    result = cli("assess", str(tmp_path / "absent" / "r.yaml"), "-t", "T", "-r", "elu", "-s", "autre", input="3\nq\n")
    assert result.exit_code == 1
    assert "absent n'existe pas" in result.stderr and "Question 1/" not in result.stdout


def test_a_comment_without_answer_is_not_dropped_silently(cli: Any, tmp_path: Path) -> None:
    result = cli("assess", str(tmp_path / "r.yaml"), "-t", "T", "-r", "elu", "-s", "autre", input="c une remarque\nq\n")
    assert result.exit_code == 0
    assert "commentaire de L1.Q2 n'est pas enregistré" in " ".join(result.stderr.split())
