"""Shared fixtures: the shipped pack, a CLI runner, answer-file builders, a private cache."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cooplevier.content.load import load_pack
from cooplevier.content.model import Pack
from tests.helpers import answers_yaml, invoke
from tests.tmux import Tmux

os.environ.setdefault("TERM", "dumb")
os.environ.pop("COOPLEVIER_DEBUG", None)


@pytest.fixture(scope="session")
def pack() -> Pack:
    return load_pack()


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture()
def cli() -> Callable[..., Any]:
    return invoke


@pytest.fixture()
def write_answers(tmp_path: Path) -> Callable[..., Path]:
    """Write an answer file in tmp_path: write_answers({"L1.Q2": 3}, name="a.yaml", territory=...)."""

    def write(answers: Mapping[str, Any], *, name: str = "answers.yaml", **kwargs: Any) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(answers_yaml(answers, **kwargs), encoding="utf-8")
        return path

    return write


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests never touch the user's cache folder."""
    os.environ["COOPLEVIER_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture()
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    server = Tmux(tmp_path)
    try:
        yield server
    finally:
        server.close()
