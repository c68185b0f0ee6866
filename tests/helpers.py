"""Builders shared by the tests: answer files, a CLI runner, the synthesis pipeline, required tools."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from cooplevier.cli import app
from cooplevier.content.model import Pack
from cooplevier.scoring import batch
from cooplevier.scoring.synthesis import Synthesis, synthesize_batch


def invoke(*args: str, input: str | None = None, env: Mapping[str, str] | None = None) -> Any:
    """Run the CLI in-process; stdout and stderr are kept apart."""
    return CliRunner().invoke(app, list(args), input=input, env=dict(env or {}), catch_exceptions=False)


def answers_yaml(
    answers: Mapping[str, Any],
    *,
    territory: str = "Pays de Test",
    role: str | None = "elu",
    name: str | None = None,
    targets: Mapping[str, int] | None = None,
) -> str:
    doc: dict[str, Any] = {"cooplevier": "answers/1", "territory": territory}
    respondent = {k: v for k, v in (("name", name), ("role", role)) if v}
    if respondent:
        doc["respondent"] = respondent
    if targets:
        doc["targets"] = dict(targets)
    doc["answers"] = dict(answers)
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


def all_answers(pack: Pack, level: Any) -> dict[str, Any]:
    return {q.id: level for q in pack.questions}


def group(pack: Pack, paths: Iterable[Path]) -> Synthesis:
    """The workshop synthesis of answer files, through the pipeline the commands use."""
    return synthesize_batch(batch.run(list(paths), pack=pack, convert=batch.as_result), pack)


def require_tool(name: str) -> str:
    """Path of an external tool; skip when missing, fail when CI says tools are required."""
    path = shutil.which(name)
    if path:
        return path
    if os.environ.get("COOPLEVIER_REQUIRE_TOOLS"):
        pytest.fail(f"{name} is required (COOPLEVIER_REQUIRE_TOOLS is set) but not installed")
    pytest.skip(f"{name} not installed")
