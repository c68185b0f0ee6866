"""`compare` over groups and series: folders, grids, several points, across questionnaire versions."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from cooplevier.content.load import load_pack
from cooplevier.scoring import progress

PACK = load_pack()
DATA = Path(__file__).parent / "data"
OLD_IDS = DATA.joinpath("questions-1.0-ids.txt").read_text(encoding="utf-8").split()


def folder(
    path: Path, answers_of: Callable[[int], dict[str, Any]], roles: list[str], *, version: str | None = None
) -> Path:
    path.mkdir(parents=True)
    for i, role in enumerate(roles):
        doc: dict[str, Any] = {
            "cooplevier": "answers/1",
            "territory": "Pays de Figeac",
            "date": "2026-11-2" + str(i % 9),
        }
        doc["respondent"] = {"role": role}
        if version:
            doc["content"] = f"{PACK.meta.id}@{version}"
        doc["answers"] = answers_of(i)
        (path / f"p{i}.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


ROLES = ["elu"] * 4 + ["technicien"] * 3 + ["societe-civile"] * 2


def carried() -> set[str]:
    migration = PACK.migration("1.0")
    assert migration is not None
    return {t for q, e in migration.questions.items() if (t := e.target(q)) is not None}


def test_two_workshops_a_year_apart_across_versions_tell_a_true_story(cli: Callable[..., Any], tmp_path: Path) -> None:
    # answers vary by person (a role's answers that all say the same show no figure once masked)
    # levels 1-4 only: a question whose level 5 changed (level5_changed) is compared without its 5s
    before = folder(tmp_path / "2025", lambda i: dict.fromkeys(OLD_IDS, 1 + i % 3), ROLES, version="1.0")
    keep = carried()
    # this year: one step up on every question the map carries, 1 on the new ones: a fair comparison
    # sees the step up, and nothing of the new questions
    after = folder(
        tmp_path / "2026", lambda i: {q.id: 2 + i % 3 if q.id in keep else 1 + i % 2 for q in PACK.questions}, ROLES
    )
    result = cli("compare", str(before), str(after), "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data["not_compared"]) == {q.id for q in PACK.questions} - keep
    compared = [change for change in data["levers"].values() if change["before"] is not None]
    assert compared and all(c["delta"] == 1.0 for c in compared)
    assert data["overall"]["delta"] == 1.0
    assert [p["label"] for p in data["series"]] == ["2025", "2026"]
    assert [p["respondents"] for p in data["series"]] == [9, 9]
    assert data["min_group"] == 3 and list(data["roles"]) == ["elu", "technicien"]  # 2 of civil society: masked
    assert all(set(p["by_role"]) == {"elu", "technicien"} for p in data["series"])
    assert data["roles"]["elu"]["levers"]["L3"]["delta"] in (1.0, None)
    md = cli("compare", str(before), str(after), "--format", "md").stdout
    assert "de côté" in md and "Chaque levier au fil du temps" in md


def test_a_series_of_three_points_in_order(cli: Callable[..., Any], tmp_path: Path) -> None:
    six = ["elu"] * 3 + ["technicien"] * 3  # answers v-1, v, v+1 in each role: a mean of v, no role unanimous
    points = [
        folder(tmp_path / name, lambda i, v=v: {q.id: v - 1 + i % 3 for q in PACK.questions}, six)
        for name, v in (("a", 2), ("b", 3), ("c", 4))
    ]
    data = json.loads(cli("compare", *map(str, points), "--format", "json").stdout)
    assert [p["levers"]["L1"] for p in data["series"]] == [2.0, 3.0, 4.0]
    assert data["levers"]["L1"] == {"before": 2.0, "after": 4.0, "delta": 2.0}
    assert data["not_compared"] == []
    html = cli("compare", *map(str, points), "--format", "html").stdout
    assert "▃▅▆" in html or "▂▄▆" in html
    assert cli("compare", str(points[0])).exit_code == 2


def test_a_lever_kept_for_levels_one_to_four_compares_only_answers_below_five(monkeypatch: Any) -> None:
    monkeypatch.setitem(progress.COMPARABLE_LEVELS, "reworded", frozenset(range(1, 5)))
    scope = progress.scope_of(PACK, ["1.0", PACK.meta.version])
    assert scope is not None
    migration = PACK.migration("1.0")
    assert migration is not None
    reworded = {e.target(q) for q, e in migration.questions.items() if e.status == "reworded"}
    assert reworded and all(scope[q] == frozenset(range(1, 5)) for q in reworded)


def test_two_answer_files_keep_the_personal_comparison(cli: Callable[..., Any], tmp_path: Path) -> None:
    a = folder(tmp_path / "a", lambda i: {q.id: 2 for q in PACK.questions}, ["elu"])
    b = folder(tmp_path / "b", lambda i: {q.id: 4 for q in PACK.questions}, ["elu"])
    data = json.loads(cli("compare", str(a / "p0.yaml"), str(b / "p0.yaml"), "--format", "json").stdout)
    assert data["old"]["file"].endswith("p0.yaml") and data["levers"]["L1"]["delta"] == 2.0
    three = json.loads(
        cli("compare", str(a / "p0.yaml"), str(b / "p0.yaml"), str(a / "p0.yaml"), "--format", "json").stdout
    )
    assert three["min_group"] == 1 and [p["levers"]["L1"] for p in three["series"]] == [2.0, 4.0, 2.0]


def test_the_personal_comparison_has_the_series_keys_too(cli: Callable[..., Any], tmp_path: Path) -> None:
    a = folder(tmp_path / "a", lambda i: {q.id: 2 for q in PACK.questions}, ["elu"])
    new = folder(tmp_path / "b", lambda i: dict.fromkeys(OLD_IDS, 4), ["elu"], version="1.0")
    data = json.loads(cli("compare", str(new / "p0.yaml"), str(a / "p0.yaml"), "--format", "json").stdout)
    assert [p["respondents"] for p in data["series"]] == [1, 1]
    assert data["series"][1]["levers"]["L3"] == 2.0
    assert set(data["not_compared"]) == {q.id for q in PACK.questions} - carried()


def test_a_question_whose_level_5_changed_is_compared_for_a_person_only_where_both_answers_are_1_to_4() -> None:
    from cooplevier.content.answers import Answer, AnswerFile
    from cooplevier.scoring.compare import Scope, same_levels

    scope = Scope(
        ("1.0",), ("L3.Q4", "L3.Q5", "L4.Q1"), (), {"L3.Q4": frozenset(range(1, 5)), "L4.Q1": frozenset(range(1, 5))}
    )

    def file(**answers: int) -> AnswerFile:
        return AnswerFile(territory="T", answers={q.replace("_", "."): Answer(v) for q, v in answers.items()})

    old, new = same_levels((file(L3_Q4=4, L3_Q5=5, L4_Q1=3), file(L3_Q4=5, L3_Q5=2, L4_Q1=4)), scope)
    assert set(old.answers) == set(new.answers) == {"L3.Q5", "L4.Q1"}  # a 5 on L3.Q4: not comparable
    old, new = same_levels((file(L3_Q5=5), file(L3_Q4=3, L3_Q5=2)), scope)  # the old 5 was set aside by the map
    assert "L3.Q4" not in new.answers
