"""Docs that cannot rot: every command has French help; the README's examples run as written."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main

from cooplevier.cli import app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def test_contract_commands_exist() -> None:
    for name in (
        "validate",
        "levers",
        "cases",
        "questions",
        "assess",
        "score",
        "explain",
        "report",
        "compare",
        "handout",
    ):
        assert name in COMMANDS


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_french_help(name: str, cli: object) -> None:
    result = cli(name, "--help")  # type: ignore[operator]
    assert result.exit_code == 0
    assert "Utilisation" in result.stdout or "Usage" in result.stdout
    summary = typer.main.get_command(app).commands[name].help or ""  # type: ignore[attr-defined]
    assert re.search(r"[éèàçù]| les | des | un | une ", summary), f"{name}: help should be French: {summary!r}"
    assert f"`{'cooplevier ' + name}" in README or f"cooplevier {name}" in README, f"{name} missing from README"


def _readme_example_commands() -> list[str]:
    block = README.split("## Exemple", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    return [line.strip() for line in block.splitlines() if line.strip().startswith("cooplevier ")]


@pytest.mark.parametrize("command", _readme_example_commands())
def test_readme_examples_run(command: str, tmp_path: Path) -> None:
    args = shlex.split(command)[1:]
    args = [str(ROOT / a) if a.startswith("examples/") else a for a in args]
    done = subprocess.run([sys.executable, "-m", "cooplevier", *args], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr


def test_quick_start_is_two_commands() -> None:
    block = README.split("## Démarrage rapide", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    commands = [line for line in block.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert len(commands) == 2
    assert "cooplevier assess" in commands[0]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1].strip() in ci, "CI must run the README's test command verbatim"


def test_assess_offers_the_roles_of_the_answer_format(cli: object) -> None:
    from cooplevier.content.model import ROLES

    result = cli("assess", "--help")  # type: ignore[operator]
    assert ", ".join(ROLES) in " ".join(result.stdout.split())


def test_the_worked_example_of_the_scoring_doc_is_what_explain_says(cli: object) -> None:
    def flat(text: str) -> str:
        return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())

    doc = (ROOT / "docs" / "scoring.md").read_text(encoding="utf-8")
    block = doc.split("## Worked example: `examples/pays-exemple.yaml`")[1].split("```")[1]
    said = flat(cli("explain", str(ROOT / "examples" / "pays-exemple.yaml")).stdout)  # type: ignore[operator]
    lines = [flat(line.replace("(…)", "")) for line in block.splitlines() if line.strip()]
    assert len(lines) > 15
    missing = [line for line in lines if line not in said]
    assert missing == [], missing
