"""The divergence rules on generated rooms (docs/scoring.md, « Divergence »): seeded, fast.

One person never flags a lever, whatever the size of the room; a minority of a quarter (two people
at least) and a clean split do; two roles that see a lever one step apart are named; rooms of
fewer than four scorers say that the rule cannot judge.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from fractions import Fraction

import pytest

from cooplevier.content.answers import Answer, AnswerFile
from cooplevier.content.load import load_pack
from cooplevier.content.model import Pack
from cooplevier.scoring import agreement
from cooplevier.scoring.engine import Result, score
from cooplevier.scoring.synthesis import Synthesis, synthesize

PACK = load_pack()
SIZES = range(3, 51)

View = Callable[[str], int]  # a lever id -> the step this person holds


def person(
    pack: Pack, rng: random.Random, view: View, *, role: str = "elu", exact: frozenset[str] = frozenset()
) -> Result:
    """One respondent: each answer is their view on the lever, one step off now and then (±1, 40 %),
    except on the levers in `exact`, answered exactly."""
    answers = {}
    for q in pack.questions:
        level = view(q.lever)
        if q.lever not in exact:
            level += rng.choice((-1, 0, 0, 0, 1))
        answers[q.id] = Answer(min(5, max(1, level)))
    return score(AnswerFile(territory="Pays de Test", answers=answers, role=role), pack)  # type: ignore[arg-type]


def room(people: list[Result]) -> Synthesis:
    return synthesize(people, PACK)


def flagged(syn: Synthesis) -> set[str]:
    return {lid for lid, lv in syn.levers.items() if lv.divergent}


@pytest.mark.parametrize("n", SIZES)
def test_one_outlier_flags_no_lever_in_a_room_of_any_size(n: int) -> None:
    rng = random.Random(n)
    people = [person(PACK, rng, lambda lever: 3) for _ in range(n - 1)]
    people.append(person(PACK, rng, lambda lever: 5, exact=frozenset(lv.id for lv in PACK.levers)))
    syn = room(people)
    assert flagged(syn) == set() and syn.divergent == ()
    assert all(lv.divergent is (False if n >= 4 else None) for lv in syn.levers.values())  # judged from 4 on


def test_the_room_of_the_issue_eleven_around_three_and_one_at_five_flags_nothing() -> None:
    rng = random.Random(12)
    people = [person(PACK, rng, lambda lever: 3) for _ in range(11)]
    people.append(person(PACK, rng, lambda lever: 5, exact=frozenset(lv.id for lv in PACK.levers)))
    assert room(people).divergent == ()


@pytest.mark.parametrize("n", range(4, 51))
def test_a_minority_of_a_quarter_two_steps_away_flags_its_lever_and_only_it(n: int) -> None:
    rng = random.Random(100 + n)
    m = max(2, math.ceil(n / 4))
    people = [person(PACK, rng, lambda lever: 3, exact=frozenset({"L4"})) for _ in range(n - m)]
    people += [person(PACK, rng, lambda lever: 5 if lever == "L4" else 3, exact=frozenset({"L4"})) for _ in range(m)]
    assert room(people).divergent == ("L4",)


@pytest.mark.parametrize("n", range(4, 51))
def test_one_person_fewer_than_the_quarter_does_not_flag(n: int) -> None:
    m = max(2, math.ceil(n / 4)) - 1
    rng = random.Random(200 + n)
    people = [person(PACK, rng, lambda lever: 3, exact=frozenset({"L4"})) for _ in range(n - m)]
    people += [person(PACK, rng, lambda lever: 5 if lever == "L4" else 3, exact=frozenset({"L4"})) for _ in range(m)]
    assert "L4" not in room(people).divergent


@pytest.mark.parametrize("n", range(4, 51, 2))
def test_a_clean_split_half_at_two_half_at_four_flags_its_lever(n: int) -> None:
    rng = random.Random(300 + n)
    people = [
        person(PACK, rng, lambda lever: 2 if lever == "L7" else 3, exact=frozenset({"L7"})) for _ in range(n // 2)
    ]
    people += [
        person(PACK, rng, lambda lever: 4 if lever == "L7" else 3, exact=frozenset({"L7"})) for _ in range(n // 2)
    ]
    syn = room(people)
    assert syn.divergent == ("L7",)
    assert syn.levers["L7"].stats.mean == 3  # the mean alone would hide it


@pytest.mark.parametrize("n", [0, 1, 2, 3])
def test_rooms_of_fewer_than_four_say_the_rule_cannot_judge(n: int) -> None:
    rng = random.Random(n)
    people = [person(PACK, rng, lambda lever, i=i: 1 + 4 * (i % 2), exact=frozenset({"L1"})) for i in range(n)]
    syn = room(people)
    assert all(lv.divergent is None for lv in syn.levers.values())
    assert syn.divergent == ()


@pytest.mark.parametrize("size", [3, 4, 6, 10])
def test_two_roles_one_step_apart_are_named_and_one_person_does_not_make_roles_differ(size: int) -> None:
    rng = random.Random(size)
    exact = frozenset({"L2", "L9"})
    elus = [person(PACK, rng, lambda lever: 4 if lever == "L2" else 3, exact=exact) for _ in range(size)]
    techs = [person(PACK, rng, lambda lever: 3, role="technicien", exact=exact) for _ in range(size)]
    # on L9 one élu alone answers 5: an outlier inside a role
    elus[0] = person(PACK, rng, lambda lever: 5 if lever == "L9" else (4 if lever == "L2" else 3), exact=exact)
    syn = room(elus + techs)
    assert syn.levers["L2"].roles_differ == (("elu", "technicien"),)
    assert syn.levers["L9"].roles_differ == ()
    assert not any(lv.roles_differ for lid, lv in syn.levers.items() if lid != "L2")


def test_roles_of_two_people_are_never_compared() -> None:
    rng = random.Random(5)
    exact = frozenset({"L2"})
    people = [person(PACK, rng, lambda lever: 5 if lever == "L2" else 3, exact=exact) for _ in range(2)]
    people += [
        person(PACK, rng, lambda lever: 1 if lever == "L2" else 3, role="technicien", exact=exact) for _ in range(2)
    ]
    syn = room(people)
    assert syn.levers["L2"].roles_differ == ()
    assert syn.levers["L2"].divergent is True  # the group rule still sees it: two and two, four steps apart


def test_discuss_first_puts_divergent_then_roles_that_differ_then_the_lowest() -> None:
    rng = random.Random(7)
    exact = frozenset(lv.id for lv in PACK.levers)
    low = {"L6": 2, "L10": 1}  # L10 lowest of all, L6 next

    def elu(lever: str) -> int:
        return {"L3": 5, "L5": 4}.get(lever, low.get(lever, 3))

    def tech(lever: str) -> int:
        return {"L3": 1, "L5": 3}.get(lever, low.get(lever, 3))

    people = [person(PACK, rng, elu, exact=exact) for _ in range(4)]
    people += [person(PACK, rng, tech, role="technicien", exact=exact) for _ in range(4)]
    syn = room(people)
    assert syn.divergent == ("L3",)
    assert syn.levers["L5"].roles_differ == (("elu", "technicien"),) and syn.levers["L5"].divergent is False
    assert syn.discuss_first[:4] == ("L3", "L5", "L10", "L6")
    assert len(syn.discuss_first) == len(PACK.levers)


def test_the_rule_reads_counts_exactly() -> None:
    counts = agreement.counts_of([Fraction(3), Fraction(3), Fraction(9, 2), Fraction(9, 2)])
    assert agreement.trimmed_gap(counts) == Fraction(3, 2) and agreement.divergent(counts) is True
    counts = agreement.counts_of([Fraction(3), Fraction(3), Fraction(449, 100), Fraction(9, 2)])
    assert agreement.divergent(counts) is False  # 1.49 is not 1.5
    assert agreement.cliffs_delta({Fraction(4): 3}, {Fraction(2): 3}) == 1
    assert agreement.dispersion(agreement.counts_of([1, 3, 3, 5])) == 1


@pytest.mark.parametrize("n", range(4, 51, 3))
def test_on_the_short_form_one_outlier_flags_nothing_either(n: int) -> None:
    """One question per lever: the others answer 2 or 3 (a step of spread), one person answers 5."""
    rng = random.Random(400 + n)
    short = PACK.form(None, "short")

    def one(level_of: Callable[[], int], role: str = "elu") -> Result:
        answers = {q.id: Answer(level_of()) for q in short}
        return score(AnswerFile(territory="T", answers=answers, role=role, form="short"), PACK)  # type: ignore[arg-type]

    people = [one(lambda: rng.choice((2, 3))) for _ in range(n - 1)] + [one(lambda: 5)]
    syn = room(people)
    assert syn.divergent == () and all(lv.divergent is False for lv in syn.levers.values())
    m = max(2, math.ceil(n / 4))
    minority = room([one(lambda: 3) for _ in range(n - m)] + [one(lambda: 5) for _ in range(m)])
    assert set(minority.divergent) == {lv.id for lv in PACK.levers}
