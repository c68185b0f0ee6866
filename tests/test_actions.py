"""The content's actions: every lever and step covered, seed quotes are the deck's, checked at their line."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cooplevier.content.load import default_pack_dir
from cooplevier.content.model import STRUCTURES, Pack
from cooplevier.content.plan.actions import actions_for

DECK = Path(__file__).resolve().parent / "deck" / "territoires-et-leviers-de-cooperation.txt"
CONTRACT_KEYS = {
    "id",
    "from_step",
    "to_step",
    "text",
    "leads",
    "body",
    "deliverable",
    "indicator",
    "source",
    "structures",
}


def test_every_lever_and_step_up_has_an_action_for_every_structure_type(pack: Pack) -> None:
    for lever in pack.levers:
        for structure in STRUCTURES:
            steps = {(a.from_step, a.to_step) for a in actions_for(pack, lever.id, structure)}
            assert steps == {(1, 2), (2, 3), (3, 4), (4, 5)}, (lever.id, structure, steps)


def test_every_action_says_who_leads_who_decides_and_how_it_is_measured(pack: Pack) -> None:
    for action in pack.actions:
        for structure in action.structures:
            worded = action.worded_for(structure)
            for field in (worded.text, worded.leads, worded.body, worded.deliverable, worded.indicator):
                assert field.strip(), (action.id, structure)
            assert worded.text.endswith("."), action.id  # a sentence, not a heading


def test_seed_actions_quote_the_deck_word_for_word(pack: Pack) -> None:
    deck = DECK.read_text(encoding="utf-8").replace("**", "")
    seeds = [a for a in pack.actions if a.source == "seed"]
    assert len(seeds) >= 30
    for action in seeds:
        assert action.quote and action.quote in deck, (action.id, action.quote)


def test_structure_wording_changes_what_a_petr_reads(pack: Pack) -> None:
    default = next(a for a in actions_for(pack, "L3") if a.id == "L3.A3")
    petr = next(a for a in actions_for(pack, "L3", "petr") if a.id == "L3.A3")
    assert "territorial" in petr.text and "territorial" not in default.text
    assert petr.body == "Comité syndical"
    epci_l2 = [a.id for a in actions_for(pack, "L2", "epci")]
    assert "L2.A2" in epci_l2 and "L2.A3" not in epci_l2  # the pacte de gouvernance is an EPCI's
    assert "L2.A2" not in [a.id for a in actions_for(pack, "L2", "petr")]


def test_levers_json_carries_the_actions_with_the_contract_keys(cli: Callable[..., Any]) -> None:
    result = cli("levers", "--format", "json")
    assert result.exit_code == 0, result.stderr
    levers = json.loads(result.stdout)["levers"]
    for lever in levers:
        assert lever["actions"], lever["id"]
        for action in lever["actions"]:
            assert set(action) >= CONTRACT_KEYS, action
            assert action["id"].startswith(lever["id"] + ".A")
            assert action["source"] in ("seed", "editorial")
    one = json.loads(cli("levers", "L3", "--format", "json").stdout)["levers"]
    assert [lv["id"] for lv in one] == ["L3"] and len(one[0]["actions"]) >= 4


def test_levers_panel_shows_the_actions(cli: Callable[..., Any]) -> None:
    result = cli("levers", "L3", env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.stderr
    out = " ".join(result.stdout.split())
    assert "L3.A1 (1→2)" in out and "L3.A4 (4→5)" in out
    assert "Pilote" in out and "Décide" in out and "Indicateur" in out
    assert "réunions du lundi" in out


@pytest.fixture()
def edited_pack(tmp_path: Path) -> Callable[[str, str], Path]:
    def edit(old: str, new: str) -> Path:
        root = tmp_path / "pack"
        if not root.exists():
            shutil.copytree(default_pack_dir(), root)
        path = root / "actions.yaml"
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return root

    return edit


def _line(root: Path, needle: str) -> int:
    lines = (root / "actions.yaml").read_text(encoding="utf-8").splitlines()
    found = [i for i, line in enumerate(lines, 1) if needle.strip() in line]
    return found[-1] if needle.endswith("\n") else found[0]  # "…\n": the second of a duplicate


@pytest.mark.parametrize(
    ("old", "new", "needle", "words"),
    [
        ('id: "L3.A2"', 'id: "L3.A1"', 'id: "L3.A1"\n', "en double"),
        ('id: "L3.A2"', 'id: "L13.A2"', 'id: "L13.A2"', "levier « L13 »"),
        ('id: "L3.A2"', 'id: "L3-2"', 'id: "L3-2"', "L<levier>.A<n>"),
        ("    from_step: 2\n    to_step: 3\n", "    from_step: 2\n    to_step: 4\n", "to_step: 4", "from_step + 1"),
        ('    quote: "les réunions du lundi"\n', "    owner: x\n", "owner: x", "champ inconnu « owner »"),
        ('    quote: "les réunions du lundi"\n', "", "L3.A1", "quote"),
        ("    structures: [epci]\n", "    structures: [epci, metropole]\n", "metropole", "« metropole »"),
        (
            '      petr: {body: "Comité syndical, après avis de la conférence des maires"}\n',
            '      petr: {body: "x"}\n      epci: {body: "y"}\n',
            'epci: {body: "y"}',
            "« epci »",
        ),
    ],
)
def test_a_broken_action_is_refused_at_its_line(
    cli: Callable[..., Any], edited_pack: Callable[[str, str], Path], old: str, new: str, needle: str, words: str
) -> None:
    root = edited_pack(old, new)
    result = cli("validate", "--content", str(root))
    assert result.exit_code == 1
    line = _line(root, needle)
    out = (result.stderr + result.stdout).replace("\xa0", " ").replace("\u202f", " ")
    said = [ln for ln in out.splitlines() if "actions.yaml:" in ln]
    assert said, result.stderr
    near = [ln for ln in said if words in ln]
    assert near, said
    if needle != "L3.A1":
        assert any(f"actions.yaml:{line}:" in ln for ln in near), (line, near)


def test_a_step_left_without_action_is_named(cli: Callable[..., Any], edited_pack: Callable[[str, str], Path]) -> None:
    root = edited_pack('id: "L9.A2"\n    from_step: 2\n    to_step: 3', 'id: "L9.A2"\n    from_step: 3\n    to_step: 4')
    result = cli("validate", "--content", str(root))
    assert result.exit_code == 1
    out = (result.stderr + result.stdout).replace("\xa0", " ").replace("\u202f", " ")
    assert "levier L9 : aucune action pour la marche 2→3" in out


def test_a_pack_without_actions_still_loads(cli: Callable[..., Any], tmp_path: Path) -> None:
    root = tmp_path / "pack"
    shutil.copytree(default_pack_dir(), root)
    (root / "actions.yaml").unlink()
    result = cli("levers", "L3", "--format", "json", "--content", str(root))
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["levers"][0]["actions"] == []
