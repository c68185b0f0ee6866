"""What the projected synthesis may show: figures of at least K people, never one person's answers."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cooplevier.atelier.masking import EVERYONE, OTHERS, Projection, project
from cooplevier.content.answers import Answer, AnswerFile
from cooplevier.content.model import ROLES, Pack
from cooplevier.scoring.engine import Result, score


def person(pack: Pack, role: str | None, levels: dict[str, Any]) -> Result:
    answers = {q.id: Answer(levels[q.lever]) for q in pack.questions if q.lever in levels}
    return score(AnswerFile("T", answers, role=role), pack)  # type: ignore[arg-type]


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
