"""Scoring rules as Hypothesis properties (docs/scoring.md)."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cooplevier.content.answers import Answer, AnswerFile
from cooplevier.content.load import load_pack
from cooplevier.content.model import Pack
from cooplevier.scoring.engine import Result, score, to_dict

PACK = load_pack()
QIDS = [q.id for q in PACK.questions]
VALUES: list[Any] = [1, 2, 3, 4, 5, "na", "unknown", None]
answer_maps = st.fixed_dictionaries({q: st.sampled_from(VALUES) for q in QIDS})
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def make(values: dict[str, Any], pack: Pack = PACK, order: list[str] | None = None) -> Result:
    keys = order if order is not None else list(values)
    answers = {q: Answer(values[q]) for q in keys if values[q] is not None}
    return score(AnswerFile(territory="T", answers=answers), pack)


def numbers(r: Result) -> list[tuple[str, Any, Any]]:
    out = [("overall", r.overall.mean, r.overall.step)]
    out += [(a.id, a.mean, a.step) for a in r.axes.values()]
    out += [(lv.id, lv.mean, lv.step) for lv in r.levers.values()]
    return out


@SETTINGS
@given(answer_maps)
def test_scores_and_steps_stay_within_one_to_five(values: dict[str, Any]) -> None:
    r = make(values)
    for _name, mean, step in numbers(r):
        assert (mean is None) == (step is None)
        if mean is not None:
            assert 1 <= mean <= 5 and 1 <= step <= 5
            assert step <= mean  # the stair reached is never above the score
    data = to_dict(r)
    for lever in data["levers"].values():
        assert lever["score"] is None or 1 <= lever["score"] <= 5
        assert lever["score"] is None or int(lever["score"]) == lever["step"]  # no rounding onto a stair


@SETTINGS
@given(answer_maps, st.data())
def test_raising_an_answer_never_lowers_any_score_or_step(values: dict[str, Any], data: st.DataObject) -> None:
    levelled = [q for q, v in values.items() if isinstance(v, int) and v < 5]
    if not levelled:
        return
    qid = data.draw(st.sampled_from(levelled))
    higher = dict(values, **{qid: data.draw(st.integers(values[qid] + 1, 5))})
    before, after = make(values), make(higher)
    for (name, m0, s0), (_, m1, s1) in zip(numbers(before), numbers(after), strict=True):
        assert (m0 is None) == (m1 is None), name  # raising a level never (un)scores a lever
        if m0 is not None:
            assert m1 >= m0 and s1 >= s0, name


@SETTINGS
@given(answer_maps, st.data())
def test_na_and_unknown_are_neutral(values: dict[str, Any], data: st.DataObject) -> None:
    blank = [q for q, v in values.items() if v is None]
    if not blank:
        return
    qid = data.draw(st.sampled_from(blank))
    special = data.draw(st.sampled_from(["na", "unknown"]))
    assert numbers(make(values)) == numbers(make(dict(values, **{qid: special})))


@SETTINGS
@given(answer_maps, st.randoms(use_true_random=False))
def test_answer_order_is_irrelevant(values: dict[str, Any], rnd: Any) -> None:
    order = list(values)
    rnd.shuffle(order)
    a, b = make(values), make(values, order=order)
    assert numbers(a) == numbers(b) and a.priorities == b.priorities


@SETTINGS
@given(answer_maps)
def test_first_priority_is_a_lever_of_the_weakest_axis(values: dict[str, Any]) -> None:
    r = make(values)
    if not r.priorities:
        return
    assert r.weakest_axis is not None
    assert r.levers[r.priorities[0]].axis == r.weakest_axis
    weakest = r.axes[r.weakest_axis].mean
    assert all(a.mean is None or a.mean >= weakest for a in r.axes.values())  # type: ignore[operator]


def test_all_fives_give_step_five_everywhere_and_no_priority() -> None:
    r = make({q: 5 for q in QIDS})
    assert {step for _n, _m, step in numbers(r)} == {5}
    assert r.priorities == () and r.balance == "equilibree"


def test_all_ones_give_step_one_everywhere() -> None:
    r = make({q: 1 for q in QIDS})
    assert {step for _n, _m, step in numbers(r)} == {1}
    assert r.priorities[0] in PACK.axis(r.weakest_axis or "").levers


def test_known_profile_weakest_axis_first() -> None:
    values: dict[str, Any] = {q: 4 for q in QIDS}
    for q in PACK.questions:
        if q.lever in ("L5", "L6"):
            values[q.id] = 2
    values[PACK.questions_for("L6")[0].id] = 1
    r = make(values)
    assert r.weakest_axis == "mouvement"
    assert r.priorities[0] == "L6"
    assert r.overall.step == 1  # the wheel turns only as well as its weakest axis
    assert r.balance == "desequilibree"


def test_a_lever_of_only_na_has_no_score_and_lowers_nothing() -> None:
    values: dict[str, Any] = {q: 3 for q in QIDS}
    for q in PACK.questions_for("L1"):
        values[q.id] = "na"
    r = make(values)
    assert r.levers["L1"].mean is None and r.levers["L1"].na == len(PACK.questions_for("L1"))
    assert r.axes["impulsion"].step == 3 and r.axes["impulsion"].levers == ("L2",)
    assert to_dict(r)["levers"]["L1"]["score"] is None


def test_displayed_score_never_rounds_onto_an_unreached_stair() -> None:
    from fractions import Fraction

    from cooplevier.numbers import score_value as _round

    assert _round(Fraction(719, 240)) == 2.99
    assert _round(Fraction(7, 2)) == 3.5
