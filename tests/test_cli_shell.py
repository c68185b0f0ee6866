"""The real entry point: French usage errors (exit 2), French help, no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cooplevier.typography import typeset


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cooplevier", *args],
        capture_output=True,
        text=True,
        env={"COLUMNS": "80", "TERM": "dumb"},
    )


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["nope"], "commande « nope » inconnue"),
        (["levers", "--format", "xml"], "valeur « xml » invalide"),
        (["levers", "L1", "L2"], "ce qui suit n'était pas attendu : L2"),
        (["levers", "--content"], "l'option « --content » attend une valeur"),
        (["levers", "--bogus"], "option « --bogus » inconnue"),
        (
            ["report", "x.yaml", "--min-group", "x"],
            "valeur « x » invalide pour '--min-group' : un nombre entier est attendu",
        ),
        (
            ["atelier", "salle", "--port", "huit"],
            "valeur « huit » invalide pour '--port' / '-p' : un nombre entier est attendu",
        ),
    ],
)
def test_usage_errors_are_french_and_exit_2(args: list[str], words: str) -> None:
    done = run(*args)
    assert done.returncode == 2
    assert typeset(words) in done.stderr
    assert typeset("Aide : cooplevier") in done.stderr
    assert "Traceback" not in done.stderr


def test_help_is_french() -> None:
    done = run("--help")
    assert done.returncode == 0
    assert typeset("Utilisation : cooplevier") in done.stdout
    assert "Commandes" in done.stdout and "Affiche cette aide et quitte." in done.stdout
    assert "\x1b[" not in done.stdout


def test_version_and_bare_command() -> None:
    assert run("--version").stdout.startswith("cooplevier ")
    bare = run()
    assert bare.returncode == 2 and "Commandes" in bare.stdout + bare.stderr


def test_non_utf8_platform_streams_never_crash() -> None:
    """A Windows pipe is cp1252: results still come out, as UTF-8, with the CSV's BOM."""
    env = {"COLUMNS": "80", "TERM": "dumb", "PYTHONIOENCODING": "cp1252"}
    done = subprocess.run(
        [sys.executable, "-m", "cooplevier", "score", "examples/pays-exemple.yaml", "--format", "csv"],
        capture_output=True,
        env=env,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert done.stdout.startswith("\ufeff".encode())
    assert "Pays Exemple" in done.stdout.decode("utf-8")
