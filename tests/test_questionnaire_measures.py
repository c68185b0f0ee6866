"""Questionnaire 2.1: what a participant reads fits a workshop, and no choice gives itself away.

Measured on every structure type's wording (`Pack.form`), as `assess`, the workshop and the
paper questionnaire show it: the question, its help and its five choices.
"""

from __future__ import annotations

import re

import pytest

from cooplevier.content.model import STRUCTURES, Pack, Question
from cooplevier.content.reading import reading_load, words

FULL_MAX = 4500
SHORT_MAX = 1000
REVIEW_SHARE_MAX = 0.15
LONGEST_SHARE_MAX = 0.40
# The words of a review added on top of a practice: a level 5 that is « level 4 plus a review ».
REVIEW = re.compile(
    r"\b(bilans?|évalu\w*|revue?s?|revoi\w*|revoir|révis\w*|réexamin\w*|réinterrog\w*|actualis\w*"
    r"|ajust\w*|rend\w* compte|leçons?|reconduit\w*|tenue?s? à jour|mis\w* à jour)\b",
    re.IGNORECASE,
)


def level5(q: Question) -> str:
    return next(c.label for c in q.choices if c.level == 5)


def test_the_review_pattern_finds_what_it_is_meant_to_find() -> None:
    assert REVIEW.search("un bilan annuel est débattu") and REVIEW.search("évalué et reconduit chaque année")
    assert REVIEW.search("les règles sont revues") and REVIEW.search("elles en rendent compte")
    assert not REVIEW.search("un collectif porte encore le projet")


@pytest.mark.parametrize("structure", STRUCTURES)
def test_the_full_form_reads_within_a_workshop(pack: Pack, structure: str) -> None:
    load = reading_load(pack.form(structure))  # type: ignore[arg-type]
    assert load.words <= FULL_MAX, f"{structure}: {load.words} words"
    assert load.questions >= 40  # nearly every question is asked to every type


@pytest.mark.parametrize("structure", STRUCTURES)
def test_the_short_form_reads_in_a_few_minutes(pack: Pack, structure: str) -> None:
    load = reading_load(pack.form(structure, "short"))  # type: ignore[arg-type]
    assert load.words <= SHORT_MAX, f"{structure}: {load.words} words"
    assert load.questions == len(pack.levers)


def test_reading_load_counts_every_word_shown() -> None:
    """The measure is not a constant: one more word in a choice is one more word read."""
    assert words("L'intercommunalité, ses communes et le Pays") == 6


@pytest.mark.parametrize("structure", STRUCTURES)
def test_few_level_5_choices_carry_a_review_word(pack: Pack, structure: str) -> None:
    form = pack.form(structure)  # type: ignore[arg-type]
    flagged = [q.id for q in form if REVIEW.search(level5(q))]
    assert len(flagged) / len(form) <= REVIEW_SHARE_MAX, flagged


@pytest.mark.parametrize("structure", STRUCTURES)
def test_the_longest_choice_is_seldom_level_5(pack: Pack, structure: str) -> None:
    """A respondent should not learn to pick the longest choice. Ties count against level 5."""
    form = pack.form(structure)  # type: ignore[arg-type]
    longest = [q.id for q in form if words(level5(q)) == max(words(c.label) for c in q.choices)]
    assert len(longest) / len(form) <= LONGEST_SHARE_MAX, longest


def test_the_short_form_carries_lever_2_by_its_pacte(pack: Pack) -> None:
    short = {q.lever: q.id for q in pack.form(None, "short")}
    assert short["L2"] == "L2.Q8"


def test_every_level_5_differs_from_level_4(pack: Pack) -> None:
    """Level 5 is not level 4 repeated with a review added: it does not begin with level 4's words."""
    for structure in STRUCTURES:
        for q in pack.form(structure):  # type: ignore[arg-type]
            four, five = q.choices[3].label, q.choices[4].label
            assert not five.startswith(four[: max(20, len(four) // 2)]), (structure, q.id)
