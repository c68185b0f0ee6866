"""What `assess` writes, the strict loader reads back identically — whatever people type."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from cooplevier import charset
from cooplevier.content.answers import Answer, AnswerFile, parse_answers
from cooplevier.content.dump import dump_answers
from cooplevier.content.load import load_pack
from cooplevier.content.model import FORMS, ROLES, STRUCTURES, Pack
from cooplevier.content.strict_yaml import parse

PACK: Pack = load_pack()
QUESTION_IDS = [q.id for q in PACK.questions]
# Any text a person could type or paste, including markup, formulas, Jinja and odd Unicode.
# (within the characters a text field may hold: charset.py; the others are refused where they come in)
TEXT = st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=60).filter(
    lambda s: charset.refused(s) is None
) | st.sampled_from(
    [
        "Pays\u200fNord",
        "a\u2028b",
        "<script>alert(1)</script>",
        '=HYPERLINK("http://x")',
        "{{ 7*7 }} {% raw %}",
        "# titre *gras*",
        "a: b",
        "- x",
        "'\"",
        "\u200fRTL\u200e",
        "na",
        "3",
        "yes",
        "~",
        "2026-11-25",
        "01053",
        "12:30",
        "007",
        "Yes",
        "null",
        "NULL",
        "0x1F",
        "1e3",
        ".inf",
        "  bord  ",
        "a\nb",
    ]
)
VALUES = st.sampled_from([1, 2, 3, 4, 5, "na", "unknown"])


@st.composite
def answer_files(draw: st.DrawFn) -> AnswerFile:
    territory = draw(TEXT.filter(lambda s: s.strip() != ""))
    chosen = draw(st.lists(st.sampled_from(QUESTION_IDS), unique=True, max_size=12))
    answers = {qid: Answer(draw(VALUES), draw(st.none() | TEXT)) for qid in chosen}
    return AnswerFile(
        territory=territory,
        answers=answers,
        name=draw(st.none() | TEXT),
        role=draw(st.none() | st.sampled_from(ROLES)),
        date=draw(st.none() | st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 1, 1))),
        content=PACK.ref,
        targets=draw(st.dictionaries(st.sampled_from([lv.id for lv in PACK.levers]), st.integers(1, 5), max_size=3)),
        structure=draw(st.none() | st.sampled_from(STRUCTURES)),
        form=draw(st.none() | st.sampled_from(FORMS)),
    )


def _kept(text: str | None) -> str | None:
    """What a text field holds once read: exactly what was written; blank means absent."""
    return text if text is not None and text.strip() else None


@settings(max_examples=300, deadline=None)
@given(answer_files())
def test_written_answers_read_back_identically(af: AnswerFile) -> None:
    back = parse_answers(parse(dump_answers(af), file="a.yaml"), PACK)
    assert back.territory == af.territory
    assert back.name == _kept(af.name)
    assert back.role == af.role and back.date == af.date and dict(back.targets) == dict(af.targets)
    assert back.structure == af.structure and back.form == af.form
    assert {k: (a.value, a.comment) for k, a in back.answers.items()} == {
        k: (a.value, _kept(a.comment)) for k, a in af.answers.items()
    }
