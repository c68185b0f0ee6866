"""Property: any plan file reads back exactly, from its YAML and through its workbook."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cooplevier.content.load import load_pack
from cooplevier.content.plan.actions import all_actions
from cooplevier.content.plan.plan_sheet import read_plan_workbook
from cooplevier.content.plan.planfile import STATUSES, Diagnosis, PlanAction, PlanFile, dump_plan, parse_plan
from cooplevier.report.cooperation.draft import group_priorities
from cooplevier.report.cooperation.workbook import plan_workbook

PACK = load_pack()
ACTIONS = [a.id for a in all_actions(PACK)]
# Text as people type it: accents, quotes, colons, a formula-looking start, YAML-looking words
TEXT = st.one_of(
    st.text(alphabet=st.sampled_from(list("abcdeéèàçôÉ «»'\":;,-=+@#!?0123456789")), min_size=1, max_size=40)
    .map(str.strip)
    .filter(bool),
    st.sampled_from(["null", "true", "2027-01-01", "=SOMME(A1:A2)", "#N/A", "- liste", "0123"]),
)
DATES = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2040, 12, 31))


@st.composite
def actions(draw: st.DrawFn, index: int) -> PlanAction:
    content = draw(st.none() | st.sampled_from(ACTIONS))
    lever = content.split(".")[0] if content else draw(st.sampled_from([lv.id for lv in PACK.levers]))
    years = draw(st.lists(st.integers(2026, 2033).map(str), max_size=3, unique=True))
    return PlanAction(
        id=f"A{index}",
        lever=lever,
        title=draw(TEXT),
        from_=content,
        leads=draw(st.none() | TEXT),
        body=draw(st.none() | TEXT),
        due=draw(st.none() | DATES),
        deliverable=draw(st.none() | TEXT),
        indicator=draw(st.none() | TEXT),
        status=draw(st.sampled_from(STATUSES)),
        notes={year: draw(TEXT) for year in years},
    )


@st.composite
def plans(draw: st.DrawFn) -> PlanFile:
    count = draw(st.integers(0, 4))
    diagnosis = draw(
        st.none()
        | st.builds(
            Diagnosis,
            kind=st.sampled_from(["person", "group", "vote"]),
            respondents=st.integers(1, 40),
            name=st.none() | TEXT,
            priorities=st.lists(st.sampled_from(["L1", "L3", "L9"]), max_size=3, unique=True).map(tuple),
            date=st.none() | DATES,
        )
    )
    return PlanFile(
        cooplevier="plan/1",
        territory=draw(TEXT),
        actions=tuple(draw(actions(i)) for i in range(1, count + 1)),
        structure=draw(st.none() | st.sampled_from(["epci", "petr", "scot", "pnr", "autre"])),
        renewal=draw(st.none() | DATES),
        adopted=draw(st.none() | DATES),
        diagnosis=diagnosis,
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_a_plan_reads_back_from_its_yaml_and_its_workbook(plan: PlanFile) -> None:
    assert parse_plan(dump_plan(plan), PACK, file="plan.yaml") == plan
    with tempfile.TemporaryDirectory() as folder:
        book = Path(folder) / "plan.xlsx"
        book.write_bytes(plan_workbook(plan))
        assert read_plan_workbook(book, PACK) == plan


def test_group_priorities_follow_the_synthesis_own_order_when_it_has_one() -> None:
    from types import SimpleNamespace

    def lever(mean: int | None) -> SimpleNamespace:
        return SimpleNamespace(stats=SimpleNamespace(mean=mean))

    told = SimpleNamespace(
        discuss_first=("L7", "L5", "L2", "L9"),
        levers={"L7": lever(2), "L5": lever(5), "L2": lever(3), "L9": lever(None)},
    )
    assert group_priorities(told, PACK) == ("L7", "L2")  # type: ignore[arg-type]  # nothing to climb on L5, L9 unscored
