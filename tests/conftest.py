"""Shared fixtures: the shipped pack, a CLI runner, answer-file builders, required tools."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from cooplevier.cli import app
from cooplevier.content import Pack, load_pack

os.environ.setdefault("TERM", "dumb")
os.environ.pop("COOPLEVIER_DEBUG", None)


@pytest.fixture(scope="session")
def pack() -> Pack:
    return load_pack()


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def invoke(*args: str, input: str | None = None, env: Mapping[str, str] | None = None) -> Any:
    """Run the CLI in-process; stdout and stderr are kept apart."""
    return CliRunner().invoke(app, list(args), input=input, env=dict(env or {}), catch_exceptions=False)


@pytest.fixture()
def cli() -> Callable[..., Any]:
    return invoke


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


@pytest.fixture()
def write_answers(tmp_path: Path) -> Callable[..., Path]:
    """Write an answer file in tmp_path: write_answers({"L1.Q1": 3}, name="a.yaml", territory=...)."""

    def write(answers: Mapping[str, Any], *, name: str = "answers.yaml", **kwargs: Any) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(answers_yaml(answers, **kwargs), encoding="utf-8")
        return path

    return write


def all_answers(pack: Pack, level: Any) -> dict[str, Any]:
    return {q.id: level for q in pack.questions}


def require_tool(name: str) -> str:
    """Path of an external tool; skip when missing, fail when CI says tools are required."""
    path = shutil.which(name)
    if path:
        return path
    if os.environ.get("COOPLEVIER_REQUIRE_TOOLS"):
        pytest.fail(f"{name} is required (COOPLEVIER_REQUIRE_TOOLS is set) but not installed")
    pytest.skip(f"{name} not installed")


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests never touch the user's cache folder."""
    os.environ["COOPLEVIER_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
