"""docs/json.md cannot rot: each documented JSON shape parses, holds the contract's keys, and the
command still writes every top-level key its example shows."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "docs" / "json.md").read_text(encoding="utf-8")
EXAMPLE = ROOT / "examples" / "pays-exemple.yaml"
OLD = Path(__file__).parent / "data" / "answers-1.0.yaml"


def _sections() -> dict[str, Any]:
    found = {}
    for heading, body in re.findall(r"^## `(cooplevier [^`]+)`\n(.*?)(?=^## |\Z)", DOC, flags=re.S | re.M):
        block = re.search(r"```json\n(.*?)\n```", body, flags=re.S)
        assert block, f"no JSON example under {heading}"
        found[heading] = json.loads(block.group(1))
    return found


SECTIONS = _sections()

# The contract's keys (contracts.md, "JSON shapes" and "Also"): path → keys that must be there.
# A path is a list of steps: a key, or 0 for a list's first item, or "*" for a map's first value.
CONTRACT: dict[str, list[tuple[list[Any], set[str]]]] = {
    "cooplevier validate [FILES…] --format json": [([], {"valid", "content", "files"})],
    "cooplevier levers [ID] --format json": [
        ([], {"axes", "levers"}),
        (["axes", 0], {"id", "title", "levers"}),
        (["levers", 0], {"id", "number", "axis", "title"}),
    ],
    "cooplevier cases [--lever ID] --format json": [
        ([], {"cases"}),
        (["cases", 0], {"id", "name", "levers", "summary", "links"}),
        (["cases", 0, "links", 0], {"lever", "source", "note"}),
    ],
    "cooplevier questions --format json": [
        ([], {"questions"}),
        (["questions", 0], {"id", "lever", "axis", "text", "help", "choices"}),
        (["questions", 0, "choices", 0], {"level", "label"}),
    ],
    "cooplevier score PATHS… --format json": [
        ([0], {"file", "territory", "role", "overall", "axes", "levers", "priorities"}),
        ([0, "overall"], {"score", "step"}),
        ([0, "levers", "*"], {"score", "step", "answered", "na", "unknown", "total"}),
    ],
    "cooplevier report FILE --format json": [([], {"overall", "axes", "levers", "priorities", "plan"})],
    "cooplevier report PATHS… --format json": [
        ([], {"respondents", "levers", "axes", "divergent"}),
        (["levers", "*"], {"mean", "min", "max", "spread", "by_role"}),
    ],
    "cooplevier compare OLD NEW --format json": [
        ([], {"overall", "axes", "levers"}),
        (["levers", "*"], {"before", "after", "delta"}),
    ],
    "cooplevier atelier DIR --format json": [([], {"participant", "facilitator", "folder"})],
    "cooplevier import GRIDS… --format json": [
        ([], {"written", "kept", "refused"}),
        (["written", 0], {"file", "source", "answers"}),
        (["refused", 0], {"source", "errors"}),
    ],
    "cooplevier migrate FILES… --output F|DIR/ --format json": [
        ([], {"pack", "written", "refused"}),
        (["written", 0], {"file", "output", "from", "kept", "dropped", "ask_again"}),
    ],
}


def _at(data: Any, path: list[Any]) -> Any:
    for step in path:
        data = next(iter(data.values())) if step == "*" else data[step]
    return data


def test_every_json_output_is_documented() -> None:
    assert set(SECTIONS) == set(CONTRACT)


@pytest.mark.parametrize("heading", sorted(CONTRACT))
def test_each_example_holds_the_contracts_keys(heading: str) -> None:
    for path, keys in CONTRACT[heading]:
        found = _at(SECTIONS[heading], path)
        assert keys <= set(found), f"{heading} {path}: missing {keys - set(found)}"


def _run(heading: str, tmp_path: Path, cli: Callable[..., Any]) -> Any:
    """The documented command, run on the example files; its JSON."""
    group = tmp_path / "groupe"
    group.mkdir()
    for name, role in (("a", "elu"), ("b", "technicien")):
        text = EXAMPLE.read_text(encoding="utf-8").replace("role: elu", f"role: {role}")
        (group / f"{name}.yaml").write_text(text, encoding="utf-8")
    grid = tmp_path / "grille.csv"
    grid.write_text("Clé;Question;Choix;P1\r\nterritory;;;Pays A\r\nrole;;;elu\r\nL1.Q2;;;3\r\n", encoding="utf-8")
    (tmp_path / "migres").mkdir()
    args = {
        "cooplevier validate [FILES…] --format json": ["validate", str(EXAMPLE)],
        "cooplevier levers [ID] --format json": ["levers"],
        "cooplevier cases [--lever ID] --format json": ["cases"],
        "cooplevier questions --format json": ["questions"],
        "cooplevier score PATHS… --format json": ["score", str(EXAMPLE)],
        "cooplevier report FILE --format json": ["report", str(EXAMPLE)],
        "cooplevier report PATHS… --format json": ["report", str(group)],
        "cooplevier compare OLD NEW --format json": ["compare", str(EXAMPLE), str(group / "b.yaml")],
        "cooplevier import GRIDS… --format json": ["import", str(grid), "--output", str(tmp_path / "imp")],
        "cooplevier migrate FILES… --output F|DIR/ --format json": [
            "migrate",
            str(shutil.copy(OLD, tmp_path / "ancien.yaml")),
            "--output",
            f"{tmp_path / 'migres'}/",
        ],
    }[heading]
    result = cli(*args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("heading", sorted(h for h in CONTRACT if "atelier" not in h))  # atelier: test_atelier_cli
def test_each_command_still_writes_what_its_example_shows(
    heading: str, tmp_path: Path, cli: Callable[..., Any]
) -> None:
    real, documented = _run(heading, tmp_path, cli), SECTIONS[heading]
    if isinstance(documented, list):
        real, documented = real[0], documented[0]
    assert set(documented) <= set(real), f"{heading}: no longer writes {set(documented) - set(real)}"
