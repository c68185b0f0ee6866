"""`cooplevier explain FILE`: every number traced to the answers."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cooplevier.typography import typeset

EXAMPLE = Path(__file__).parent / "data" / "explain.yaml"  # the 1.0 example, ids moved to their 2.1 places


def test_explain_traces_each_lever_to_its_answers_and_lines(cli: Callable[..., Any]) -> None:
    result = cli("explain", str(EXAMPLE))
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "L1.Q2   ligne 9    marche 4" in out
    assert "L1.Q6   ligne 11   non concerné (hors score)" in out
    assert "L1.Q10  ligne 12   je ne sais pas (à vérifier, hors score)" in out
    assert typeset("(4 + 3) / 2 = 3,5 → marche 3 « Coordination »") in out
    assert typeset("cible : marche 4 (fixée dans le fichier)") in out  # targets: {L3: 4}
    assert typeset("axe : moyenne des leviers notés (L3 + L4) : (1,5 + 3) / 2 = 2,25 → marche 2") in out
    assert typeset("Ensemble : moyenne des axes (3 + 2,25 + 3,5 + 3,5) / 4 ≈ 3,06 ; marche 2") in out
    assert "écart 1,25 → fragile" in out
    assert "1. L3 Espaces de dialogue — levier le plus faible (1,5) de l'axe le plus faible" in out
    assert typeset("Complétude : 15 questions traitées sur 49 (31 %)") in out
    assert typeset("À vérifier (je ne sais pas) : L1.Q10") in out
    assert "\x1b[" not in out


def test_explain_json_carries_the_computations(cli: Callable[..., Any]) -> None:
    data = json.loads(cli("explain", str(EXAMPLE), "--format", "json").stdout)
    assert data["levers"]["L1"]["computation"] == "(4 + 3) / 2 = 3,5"
    assert data["levers"]["L1"]["questions"][2] == {"id": "L1.Q6", "answer": "na", "line": 11, "comment": None}
    assert data["axes"]["dialogue"]["computation"] == "(1,5 + 3) / 2 = 2,25"
    assert data["priorities"][0] == "L3" and "axe le plus faible" in data["reasons"]["L3"]


def test_explain_bad_file_is_a_located_french_error(cli: Callable[..., Any], tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("cooplevier: answers/1\nterritory: X\nanswers:\n  L1.Q2: 9\n", encoding="utf-8")
    result = cli("explain", str(bad))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{bad}:4:") and "invalide" in result.stderr
    assert "Traceback" not in result.stderr
