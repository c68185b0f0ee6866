"""Trust, numbers: one score reads the same in every output, and never as a step not reached."""

from __future__ import annotations

import io
from fractions import Fraction
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from cooplevier import numbers
from cooplevier.assess.screens import Summary
from cooplevier.cli.console import plain_text
from cooplevier.cli.terminal import render
from cooplevier.content.answers import Answer, AnswerFile
from cooplevier.content.load import load_pack
from cooplevier.report import exports
from cooplevier.report.office import workbook
from cooplevier.report.plan import build_plan
from cooplevier.report.plan_view import render_plan
from cooplevier.report.synthesis import shade
from cooplevier.report.wheel import WheelSeries, wheel_svg
from cooplevier.scoring.engine import score, to_dict
from cooplevier.scoring.explain import explain_data, explain_text

PACK = load_pack()
IDS = [q.id for q in PACK.questions]
VALUES = st.sampled_from([1, 2, 3, 4, 5, 1, 2, 3, 4, 5, "na", "unknown"])


@st.composite
def answer_files(draw: st.DrawFn) -> AnswerFile:
    chosen = draw(st.lists(st.sampled_from(IDS), unique=True, min_size=1, max_size=len(IDS)))
    return AnswerFile(territory="Pays", answers={q: Answer(draw(VALUES)) for q in chosen}, role="elu")


def test_the_formatter_never_reads_as_an_unreached_step() -> None:
    for num in range(100, 501):
        for den in (3, 4, 6, 12, 24, 60, 240):
            value = Fraction(num, den) if Fraction(num, den) <= 5 else Fraction(5)
            shown = numbers.score_value(value)
            assert shown is not None and int(shown) == int(value), value
            assert abs(shown - float(value)) <= 0.01 + 1e-9
            text = numbers.score(value)
            assert int(float(text.replace(",", "."))) == int(value)


def test_half_up_on_exact_values() -> None:
    assert numbers.score(Fraction(17, 8)) == "2,13"  # 2.125: a float round would give 2,12
    assert numbers.score(Fraction(13, 4)) == "3,25" and numbers.score(Fraction(7, 2)) == "3,5"
    assert numbers.score(Fraction(719, 240)) == "2,99" and numbers.score(3) == "3"
    assert shade(Fraction(7, 2)) == 2 and shade(Fraction(5, 2)) == 1  # by the step reached, never rounded


@settings(max_examples=40, deadline=None)
@given(answer_files())
def test_every_output_agrees_with_the_json(af: AnswerFile) -> None:
    result = score(af, PACK)
    data = to_dict(result)
    shown = {lid: numbers.decimal(v["score"]) for lid, v in data["levers"].items() if v["score"] is not None}
    axes = {aid: numbers.decimal(v["score"]) for aid, v in data["axes"].items() if v["score"] is not None}

    # CSV and XLSX hold the JSON's numbers, in the same columns
    row = workbook.row(result, PACK).cells
    csv_row = exports.csv_cells(result, PACK)
    for k, lever in enumerate(PACK.levers):
        json_score = data["levers"][lever.id]["score"]
        i = 7 + 2 * len(PACK.axes) + 2 * k
        assert lever.id in exports.header(PACK)[i] and lever.id in workbook.header(PACK)[i]
        assert row[i] == json_score and row[i + 1] == data["levers"][lever.id]["step"]
        assert csv_row[i] == ("" if json_score is None else numbers.decimal(json_score))

    # explain: each lever's equation ends on the JSON score, and its step
    text = explain_text(result, PACK)
    for lid, value in shown.items():
        step = data["levers"][lid]["step"]
        assert f"{value} → marche {step}" in text, (lid, value)
    explained = explain_data(result, PACK)["levers"]
    for lid, lv in data["levers"].items():
        assert (explained[lid]["score"], explained[lid]["step"]) == (lv["score"], lv["step"])

    # the plan, in Markdown and HTML, prints the lever and axis scores as the JSON has them
    plan = build_plan(result, PACK)
    for fmt in ("md", "html"):
        out = render_plan(plan, pack=PACK, fmt=fmt)
        for value in list(shown.values()) + list(axes.values()):
            assert value in out

    # the wheel's text alternative and labels
    svg = str(wheel_svg(PACK, [WheelSeries("x", {lid: lv.mean for lid, lv in result.levers.items()})], title="t"))
    for lid, value in shown.items():
        assert f"{PACK.lever(lid).short_title} : {value}" in svg

    # the terminal summary at the end of assess
    screen = plain_text(render(Summary(result, PACK)), width=200)
    for value in shown.values():
        assert value in screen

    # no display shows a number whose integer part is above the step reached
    for lid, lv in data["levers"].items():
        if lv["score"] is not None:
            assert int(float(shown[lid].replace(",", "."))) == lv["step"]


def test_xlsx_cells_are_the_json_numbers(tmp_path: Any) -> None:
    af = AnswerFile(territory="Pays", answers={IDS[0]: Answer(3), IDS[1]: Answer(2), IDS[2]: Answer(2)}, role="elu")
    result = score(af, PACK)
    out = io.BytesIO()
    workbook.write_workbook([workbook.row(result, PACK)], out, PACK)
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    sheet = load_workbook(io.BytesIO(out.getvalue())).worksheets[0]
    values = [c.value for c in next(sheet.iter_rows(min_row=2, max_row=2))]
    data = to_dict(result)
    lever = PACK.questions[0].lever
    assert data["levers"][lever]["score"] in values
