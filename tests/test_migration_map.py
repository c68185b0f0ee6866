"""The migration map tells the truth: what it carries describes the same situation, and the
answer files of 1.0 and 2.0 are read by 2.1 through the chained maps."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from cooplevier.content.answers import load_answers
from cooplevier.content.load import default_pack_dir
from cooplevier.content.migrate import comparable, successor
from cooplevier.content.model import Pack

READINGS = default_pack_dir().parent / "docs" / "migration-readings.yaml"
DATA = Path(__file__).parent / "data"
LEVEL5_CHANGED = ("L1.Q6", "L2.Q8", "L4.Q1", "L5.Q2", "L9.Q1")


def _readings() -> dict[tuple[str, str], dict[str, Any]]:
    data = yaml.safe_load(READINGS.read_text(encoding="utf-8"))
    return {(step["from"], qid): entry for step in data["readings"] for qid, entry in step["questions"].items()}


def test_the_pack_is_2_1_and_chains_its_maps(pack: Pack) -> None:
    assert pack.meta.version == "2.1"
    assert {m.from_ for m in pack.migrations} == {"1.0", "2.0"}
    for version in ("1.0", "2.0"):
        composed = pack.migration(version)
        assert composed is not None
        for old, entry in composed.questions.items():
            target = entry.target(old)
            assert target is None or pack.has_question(target), (version, old, target)
            assert all(pack.has_question(b) for b in entry.by), (version, old, entry.by)


def test_the_four_questions_the_review_found_are_not_called_reworded(pack: Pack) -> None:
    step = next(m for m in pack.migrations if m.from_ == "1.0")
    for qid in ("L4.Q1", "L3.Q4", "L10.Q1", "L5.Q4"):
        assert step.questions[qid].status == "level5_changed", qid


def test_a_reworded_question_keeps_the_meaning_of_each_level_in_every_reading(pack: Pack) -> None:
    """The header's rule, checked against the readings recorded beside the map."""
    readings = _readings()
    for step in pack.migrations:
        for qid, entry in step.questions.items():
            if entry.status not in ("reworded", "level5_changed"):
                continue
            reading = readings.get((step.from_, qid))
            assert reading is not None, f"{step.from_} {qid}: no reading recorded"
            assert reading["status"] == entry.status, (step.from_, qid)
            assert [lv["level"] for lv in reading["levels"]] == [1, 2, 3, 4, 5]
            for lv in reading["levels"]:
                must_be_same = entry.status == "reworded" or lv["level"] < 5
                for reader in ("project", "second"):
                    said = lv.get(reader)
                    if said is None:
                        continue
                    assert said in ("same", "changed"), (qid, reader, said)
                    if must_be_same:
                        assert said == "same", f"{step.from_} {qid} level {lv['level']}: {reader} reads a change"


def _file(tmp_path: Path, version: str, answers: dict[str, Any]) -> Path:
    lines = [
        "cooplevier: answers/1",
        f"content: mairie-conseils-2015@{version}",
        "territory: Essai",
        "answers:",
        *[f"  {qid}: {value}" for qid, value in answers.items()],
    ]
    path = tmp_path / f"r-{version}.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_2_0_file_carries_levels_1_to_4_and_asks_a_5_again(pack: Pack, tmp_path: Path) -> None:
    answers = {"L1.Q6": 5, "L2.Q8": 3, "L4.Q1": 4, "L5.Q2": 5, "L9.Q1": 2, "L4.Q6": 3, "L1.Q2": 5}
    af = load_answers(_file(tmp_path, "2.0", answers), pack)
    assert af.migrated is not None and af.migrated.version == "2.0"
    assert {q: a.value for q, a in af.answers.items()} == {"L2.Q8": 3, "L4.Q1": 4, "L9.Q1": 2, "L1.Q2": 5}
    assert {"L1.Q6", "L5.Q2", "L4.Q10"} <= set(af.migrated.ask_again)
    assert {old for old, _raw, _e in af.migrated.dropped} == {"L1.Q6", "L5.Q2", "L4.Q6"}


def test_a_1_0_file_is_read_through_both_maps(pack: Pack, tmp_path: Path) -> None:
    # 1.0 L4.Q1 (level 5 changed in 2.0) ; L1.Q3 → L1.Q7 (2.0) → L1.Q10 (2.1) ; L3.Q5 → L3.Q9 in 2.1
    answers = {"L4.Q1": 5, "L10.Q1": 3, "L1.Q3": 2, "L3.Q5": 4, "L3.Q2": 4, "L1.Q2": 5}
    af = load_answers(_file(tmp_path, "1.0", answers), pack)
    assert af.migrated is not None and af.migrated.version == "1.0"
    assert {q: a.value for q, a in af.answers.items()} == {"L10.Q1": 3, "L1.Q2": 5, "L3.Q2": 4}
    assert {"L4.Q1", "L1.Q10", "L3.Q9"} <= set(af.migrated.ask_again)
    assert "L3.Q5" not in af.answers and "L1.Q7" not in af.answers


def test_the_1_0_example_migrates_to_2_1(cli: Callable[..., Any], tmp_path: Path) -> None:
    out = tmp_path / "nouveau.yaml"
    result = cli("migrate", str(DATA / "answers-1.0.yaml"), "--output", str(out))
    assert result.exit_code == 0, result.stderr
    assert "content: mairie-conseils-2015@2.1" in out.read_text(encoding="utf-8")
    assert cli("validate", str(out)).exit_code == 0


def test_comparable_follows_the_map(pack: Pack) -> None:
    assert comparable(pack, "2.0", "L1.Q2", 5, 5)  # reworded: always
    assert comparable(pack, "2.0", "L1.Q6", 3, 4)  # level 5 changed, neither is 5
    assert not comparable(pack, "2.0", "L1.Q6", 5, 4)
    assert not comparable(pack, "2.0", "L1.Q6", 3, 5)
    assert not comparable(pack, "2.0", "L4.Q6", 3, 3)  # replaced
    assert not comparable(pack, "1.0", "L4.Q1", 4, 5)  # level 5 changed in 1.0 → 2.0
    assert comparable(pack, "1.0", "L4.Q1", 4, 3)
    assert comparable(pack, "2.1", "L4.Q10", 5, 5)  # same version
    assert successor(pack, "1.0", "L1.Q3") is None and successor(pack, "2.0", "L1.Q2") == "L1.Q2"


def test_a_wording_that_changed_for_one_structure_type_is_asked_again_for_it_only(pack: Pack, tmp_path: Path) -> None:
    """L4.Q7: a PETR now reads its member intercommunalités as the proximity scale (not « secteurs »)."""
    answers = {"L4.Q7": 3, "L1.Q2": 2}
    for structure, carried in (("petr", False), ("epci", True)):
        path = _file(tmp_path, "2.0", answers)
        text = path.read_text(encoding="utf-8").replace("territory: Essai", f"territory: Essai\nstructure: {structure}")
        path.write_text(text, encoding="utf-8")
        af = load_answers(path, pack)
        assert ("L4.Q7" in af.answers) is carried, structure
        assert af.answers["L1.Q2"].value == 2
        assert af.migrated is not None and ("L4.Q7" in af.migrated.ask_again) is not carried
        assert comparable(pack, "2.0", "L4.Q7", 3, 3, structure) is carried
