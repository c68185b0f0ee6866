"""A workshop set with a bad file: the synthesis of the good ones is still written, exit 1."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cooplevier.content import Pack
from tests.conftest import all_answers, answers_yaml


def test_bad_file_does_not_stop_the_synthesis(cli: Callable[..., Any], pack: Pack, tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(answers_yaml(all_answers(pack, 2), role="elu"), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(answers_yaml(all_answers(pack, 4), role="technicien"), encoding="utf-8")
    (tmp_path / "c.yaml").write_text("cooplevier: answers/1\nterritory: X\nanswers:\n  L1.Q1: 9\n", encoding="utf-8")
    out = tmp_path / "synthese.json"
    result = cli("report", str(tmp_path), "--format", "json", "--output", str(out))
    assert result.exit_code == 1
    assert "c.yaml:4:" in result.stderr and "1 fichier(s) refusé(s)" in result.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["respondents"] == 2
    assert set(data["divergent"]) == {lv.id for lv in pack.levers}
