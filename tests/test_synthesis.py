"""Workshop synthesis: the group's picture, and the levers where roles disagree."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from cooplevier.content.model import Pack
from cooplevier.report.synthesis import render_synthesis as render
from cooplevier.scoring import batch
from cooplevier.scoring.synthesis import synthesize_batch
from cooplevier.typography import typeset
from tests.helpers import answers_yaml


def render_synthesis(paths: list[Path], *, pack: Pack, fmt: str, on_refused: Any = None) -> str:
    """The command's pipeline: score the files once, synthesise the valid ones, render."""
    results = batch.run(paths, pack=pack, convert=batch.as_result, on_refused=on_refused)
    return render(synthesize_batch(results, pack), pack, fmt=fmt)


def workshop(tmp_path: Path, pack: Pack, *, seed: int, disagree: str | None = "L5") -> list[Path]:
    """Eight respondents sharing a view ±1 per answer, except élus vs technicians on `disagree`."""
    rng = random.Random(seed)
    base = {lv.id: rng.randint(2, 4) for lv in pack.levers}
    paths = []
    for role, count in (("elu", 3), ("technicien", 3), ("societe-civile", 2)):
        for i in range(count):
            answers: dict[str, Any] = {}
            for q in pack.questions:
                level = base[q.lever]
                if q.lever == disagree and role != "societe-civile":
                    level = 5 if role == "elu" else 1
                answers[q.id] = min(5, max(1, level + rng.choice((-1, 0, 1))))
            path = tmp_path / f"{role}-{i}.yaml"
            path.write_text(answers_yaml(answers, role=role, territory="Pays de Figeac"), encoding="utf-8")
            paths.append(path)
    return paths


@pytest.mark.parametrize("seed", range(8))
def test_the_lever_two_roles_disagree_on_is_the_only_divergent_one(tmp_path: Path, pack: Pack, seed: int) -> None:
    data = json.loads(render_synthesis(workshop(tmp_path, pack, seed=seed), pack=pack, fmt="json"))
    assert data["divergent"] == ["L5"]
    l5 = data["levers"]["L5"]
    assert l5["by_role"]["elu"] - l5["by_role"]["technicien"] >= 2.99
    assert l5["discuss"] and all(q.startswith("L5.Q") for q in l5["discuss"])


@pytest.mark.parametrize("seed", range(8))
def test_noise_alone_flags_nothing(tmp_path: Path, pack: Pack, seed: int) -> None:
    data = json.loads(render_synthesis(workshop(tmp_path, pack, seed=seed, disagree=None), pack=pack, fmt="json"))
    assert data["divergent"] == []


def test_json_shape(tmp_path: Path, pack: Pack) -> None:
    data = json.loads(render_synthesis(workshop(tmp_path, pack, seed=1), pack=pack, fmt="json"))
    assert data["respondents"] == 8
    assert data["roles"] == {"elu": 3, "technicien": 3, "societe-civile": 2}
    lever = data["levers"]["L1"]
    assert {"mean", "min", "max", "spread", "by_role", "questions"} <= set(lever)
    assert set(lever["by_role"]) == {"elu", "technicien", "societe-civile"}
    assert lever["min"] <= lever["mean"] <= lever["max"]
    assert lever["spread"] == pytest.approx(lever["max"] - lever["min"], abs=0.011)
    assert set(data["axes"]) == {"impulsion", "dialogue", "mouvement", "convergence"}


def test_markdown_and_html_name_the_divergent_lever_first(tmp_path: Path, pack: Pack) -> None:
    paths = workshop(tmp_path, pack, seed=2)
    md = render_synthesis(paths, pack=pack, fmt="md")
    assert (
        typeset("**Participation** : 8 personnes — Élues et élus 3, Techniciennes et techniciens 3, Société civile 2.")
        in md
    )
    assert md.index("## À discuter en premier") < md.index("### L5") < md.index("## Les leviers, rôle par rôle")
    assert "Questions où les avis diffèrent le plus" in md
    html = render_synthesis(paths, pack=pack, fmt="html")
    assert "<svg" in html and "Moyenne du groupe" in html
    assert "◆ divergent" in html
    assert 'class="heat"' in html


def test_refused_files_are_named_and_the_synthesis_still_made(tmp_path: Path, pack: Pack) -> None:
    paths = workshop(tmp_path, pack, seed=3)
    bad = tmp_path / "casse.yaml"
    bad.write_text("cooplevier: answers/1\nterritory: X\nanswers: {L1.Q2: 8}\n", encoding="utf-8")
    seen: list[batch.Refused] = []
    data = json.loads(render_synthesis([*paths, bad], pack=pack, fmt="json", on_refused=seen.append))
    assert data["respondents"] == 8
    assert data["refused"] == [str(bad)]
    assert [r.file for r in seen] == [str(bad)] and seen[0].message.startswith(f"{bad}:3:")
    text = render_synthesis([*paths, bad], pack=pack, fmt="md")
    assert "1 fichier refusé" in text
