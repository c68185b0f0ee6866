"""What the projected synthesis may show: figures of at least K people, never one person's answers."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cooplevier.atelier.masking import EVERYONE, OTHERS, Ledger, Projection, project
from cooplevier.atelier.state import load_ledger, save_ledger, state_dir
from cooplevier.content.answers import Answer, AnswerFile
from cooplevier.content.model import ROLES, Pack
from cooplevier.scoring.engine import Result, score


def person(pack: Pack, role: str | None, levels: dict[str, Any], who: str | None = None) -> Result:
    answers = {q.id: Answer(levels[q.lever]) for q in pack.questions if q.lever in levels}
    return score(AnswerFile("T", answers, role=role, path=who), pack)  # type: ignore[arg-type]


def crowd(pack: Pack, spec: list[tuple[str | None, int, int]]) -> list[Result]:
    """(role, how many, level on every lever)."""
    return [person(pack, role, {lv.id: level for lv in pack.levers}) for role, n, level in spec for _ in range(n)]


@pytest.mark.parametrize(
    ("spec", "groups", "held"),
    [
        pytest.param([("elu", 3, 4), ("technicien", 3, 2)], ["elu", "technicien"], 0, id="two-roles"),
        pytest.param([("elu", 3, 4), ("technicien", 3, 2), ("partenaire", 1, 5)], ["elu", "technicien"], 1, id="held"),
        pytest.param([("elu", 3, 4), ("partenaire", 2, 5), ("autre", 1, 1)], ["elu", OTHERS], 0, id="merged"),
        pytest.param([("elu", 5, 4), ("technicien", 1, 1)], [EVERYONE], 0, id="one-big-role-no-split"),
        pytest.param([("elu", 2, 4), ("technicien", 2, 1)], [EVERYONE], 0, id="no-role-big-enough"),
        pytest.param([("elu", 3, 4), (None, 3, 2)], ["elu", OTHERS], 0, id="no-role-merged"),
    ],
)
def test_groups(pack: Pack, spec: list[tuple[str | None, int, int]], groups: list[str], held: int) -> None:
    proj = project(crowd(pack, spec), pack, min_group=3)
    assert [g.key for g in proj.groups] == groups
    assert proj.held_back == held and proj.split is (len(groups) > 1)


def test_fewer_than_k_respondents_show_nothing_but_counts(pack: Pack) -> None:
    proj = project(crowd(pack, [("elu", 1, 5), ("technicien", 1, 1)]), pack, min_group=3)
    assert not proj.enough and proj.overall.mean is None and not proj.divergent
    assert all(lv.figure.mean is None and not lv.figure.cells for lv in proj.levers.values())
    assert proj.roles == {"elu": 1, "technicien": 1}


def test_held_back_people_change_no_figure(pack: Pack) -> None:
    base = [("elu", 3, 4), ("technicien", 3, 2)]
    without = project(crowd(pack, base), pack, min_group=3)
    with_one = project(crowd(pack, [*base, ("partenaire", 1, 5)]), pack, min_group=3)
    assert with_one.held_back == 1
    for lid in without.levers:
        assert without.levers[lid].figure.mean == with_one.levers[lid].figure.mean
        assert without.levers[lid].figure.cells == with_one.levers[lid].figure.cells


def test_a_row_with_too_few_in_a_cell_shows_only_the_group(pack: Pack) -> None:
    """3 élus, 3 techniciens; on L1 only 2 techniciens answer: their mean, and the cells, are held back."""
    people = crowd(pack, [("elu", 3, 4), ("technicien", 1, 2)])
    people += [person(pack, "technicien", {lv.id: 2 for lv in pack.levers if lv.id != "L1"}) for _ in range(2)]
    proj = project(people, pack, min_group=3)
    l1 = proj.levers["L1"].figure
    assert l1.mean == Fraction(4 * 3 + 2, 4) and l1.cells == {} and l1.detail_masked
    assert proj.levers["L2"].figure.cells == {"elu": 4, "technicien": 2}


def test_divergence_and_questions_to_discuss(pack: Pack) -> None:
    proj = project(crowd(pack, [("elu", 3, 5), ("technicien", 3, 2)]), pack, min_group=3)
    assert set(proj.divergent) == {lv.id for lv in pack.levers}
    discuss = proj.levers["L1"].discuss
    assert len(discuss) == 3 and all(q.figure.cells == {"elu": 5, "technicien": 2} for q in discuss)
    calm = project(crowd(pack, [("elu", 3, 3), ("technicien", 3, 3)]), pack, min_group=3)
    assert calm.divergent == ()


levels = st.sampled_from([1, 2, 3, 4, 5, "na", "unknown"])
people_strategy = st.lists(
    st.tuples(st.sampled_from([*ROLES, None]), st.dictionaries(st.sampled_from([f"L{i}" for i in range(1, 11)]), levels)),
    min_size=0,
    max_size=14,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(people=people_strategy, k=st.integers(2, 4))
def test_every_projected_figure_stands_for_at_least_k_people(pack: Pack, people: list[Any], k: int) -> None:
    results = [person(pack, role, answers) for role, answers in people]
    proj = project(results, pack, min_group=k)
    _check(proj, results, pack, k)


def _check(proj: Projection, results: list[Result], pack: Pack, k: int) -> None:
    group_of = {role: g.key for g in proj.groups for role in g.roles}
    assert all(g.count >= k for g in proj.groups) or not proj.split
    for lid, row in proj.levers.items():
        scorers = [group_of[r.role or "sans-role"] for r in results
                   if (r.role or "sans-role") in group_of and r.levers[lid].mean is not None]
        fig = row.figure
        if fig.mean is not None:
            assert len(scorers) >= k and proj.enough
        for key in fig.cells:
            assert scorers.count(key) >= k
        if fig.cells:
            left_out = len(scorers) - sum(scorers.count(key) for key in fig.cells)
            assert left_out == 0 or left_out >= k  # the group minus the cells never isolates a few


# Rule 5: over time. The screen refreshes while people answer; two views a few seconds apart must
# not give away, by subtraction, what the one person who answered meanwhile chose.


def one_answer(pack: Pack, role: str, question: str, level: int, who: str) -> Result:
    return score(AnswerFile("T", {question: Answer(level)}, role=role, path=who), pack)  # type: ignore[arg-type]


def test_one_late_answer_does_not_move_the_projected_figure(pack: Pack) -> None:
    """Three élus answer 3 everywhere; a technicien then answers one question of L1 with 5.
    Without the ledger the lever's mean would move to 3,5 and give the technicien's 5 away."""
    ledger = Ledger()
    elus = [person(pack, "elu", {lv.id: 3 for lv in pack.levers}, f"e{i}") for i in range(3)]
    assert project(elus, pack, min_group=3, ledger=ledger).levers["L1"].figure.mean == 3
    q = pack.questions_for("L1")[1].id
    late = [*elus, one_answer(pack, "technicien", q, 5, "t1")]
    assert project(late, pack, min_group=3).levers["L1"].figure.mean == Fraction(7, 2)  # what it would say
    shown = project(late, pack, min_group=3, ledger=ledger)
    assert shown.levers["L1"].figure.mean == 3 and shown.overall.mean == 3


def test_one_person_changing_their_answers_never_moves_a_figure(pack: Pack) -> None:
    ledger = Ledger()
    crowd_ = [person(pack, "elu", {lv.id: 3 for lv in pack.levers}, f"e{i}") for i in range(4)]
    first = project(crowd_, pack, min_group=3, ledger=ledger)
    for level in (5, 1, 4, 2, "na", "unknown"):
        crowd_[0] = person(pack, "elu", {lv.id: level for lv in pack.levers}, "e0")
        again = project(crowd_, pack, min_group=3, ledger=ledger)
        for a, b in [(again.overall, first.overall), *((again.axes[x], first.axes[x]) for x in first.axes),
                     *((again.levers[x].figure, first.levers[x].figure) for x in first.levers)]:
            assert (a.mean, a.cells, a.divergent) == (b.mean, b.cells, b.divergent)  # counts may move, not figures


def test_a_figure_moves_once_k_people_changed_and_the_ledger_survives_a_restart(pack: Pack, tmp_path: Path) -> None:
    ledger = Ledger()
    crowd_ = [person(pack, "elu", {lv.id: 3 for lv in pack.levers}, f"e{i}") for i in range(3)]
    project(crowd_, pack, min_group=3, ledger=ledger)
    crowd_ += [person(pack, "elu", {lv.id: 5 for lv in pack.levers}, f"n{i}") for i in range(2)]
    assert project(crowd_, pack, min_group=3, ledger=ledger).overall.mean == 3  # two joined: not yet
    state_dir(tmp_path).mkdir()
    save_ledger(tmp_path, ledger)
    restarted = load_ledger(tmp_path)  # the server was killed and started again
    assert restarted.shown == ledger.shown
    assert project(crowd_, pack, min_group=3, ledger=restarted).overall.mean == 3
    crowd_.append(person(pack, "elu", {lv.id: 5 for lv in pack.levers}, "n2"))  # the third: it moves
    assert project(crowd_, pack, min_group=3, ledger=restarted).overall.mean == 4
    (state_dir(tmp_path) / "shown.json").write_text("{ damaged", encoding="utf-8")
    assert load_ledger(tmp_path).shown == {}
    json.loads(json.dumps(restarted.to_data()))  # plain JSON, nothing else


steps = st.lists(
    st.tuples(st.integers(0, 6), st.sampled_from(["L1", "L2"]), st.sampled_from([1, 2, 3, 4, 5, "na", None])),
    min_size=1,
    max_size=40,
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps, k=st.integers(2, 4))
def test_a_figure_moves_only_after_k_people_changed_since_it_last_moved(
    pack: Pack, steps: list[tuple[int, str, Any]], k: int
) -> None:
    """Seven people of one role answer, change and clear L1 and L2 in any order. After each step,
    each lever's projected mean is checked against a model of rule 5 written from outside: the
    people whose lever score differs from the moment the screen last took the true value."""
    ledger = Ledger()
    levels: dict[int, dict[str, Any]] = {}
    reference: dict[str, dict[str, Fraction] | None] = {"L1": None, "L2": None}
    for who, lever, level in steps:
        answers = levels.setdefault(who, {})
        if level is None:
            answers.pop(lever, None)
        else:
            answers[lever] = level
        people = [person(pack, "elu", dict(levels[i]), f"p{i}") for i in sorted(levels)]
        proj = project(people, pack, min_group=k, ledger=ledger)
        for lid in ("L1", "L2"):
            now = {r.file: r.levers[lid].mean for r in people if r.levers[lid].mean is not None}
            shown = proj.levers[lid].figure.mean
            if len(now) < k:
                assert shown is None
                continue
            before = reference[lid]
            changed = None if before is None else set(now) ^ set(before) | {
                w for w in now if w in before and before[w] != now[w]}
            if before is None or changed is None or len(changed) >= k:
                reference[lid] = before = now
            assert shown == sum(before.values(), Fraction(0)) / len(before)
