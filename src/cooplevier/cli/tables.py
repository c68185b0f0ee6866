"""Rich tables for the terminal: the content, a batch of scores, a comparison.

One escaping rule: every text that comes from a file (a territory, a lever title from a user's
pack) is wrapped in `Text`, so a « [ » in it is printed and never taken for rich markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from cooplevier import numbers
from cooplevier.content.model import Pack
from cooplevier.messages import answer_label, t, tn
from cooplevier.report.compare import label, scope_note
from cooplevier.scoring.compare import Change, Comparison


def _bold(text: str) -> Text:
    return Text(text, style="bold")


def levers_table(pack: Pack) -> Table:
    table = Table(title=Text(t("table.levers_title", title=pack.meta.title)), show_lines=False)
    table.add_column(t("table.id"), no_wrap=True, style="bold")
    table.add_column(t("table.lever"), ratio=1)
    table.add_column(t("table.questions_short"), justify="right", no_wrap=True)
    table.add_column(t("table.cases_short"), justify="right", no_wrap=True)
    for axis in pack.axes:
        table.add_section()
        table.add_row("", _bold(t("table.axis", title=axis.title)) + Text(f" ({axis.id})"), "", "")
        for lever_id in axis.levers:
            lv = pack.lever(lever_id)
            table.add_row(lv.id, Text(lv.title), str(len(pack.questions_for(lv.id))), str(len(pack.cases_for(lv.id))))
    return table


def lever_detail(pack: Pack, lever_id: str) -> Panel:
    lv = pack.lever(lever_id)
    parts: list[RenderableType] = [Text(t("table.axis", title=pack.axis(lv.axis).title), style="italic")]

    def section(title: str, items: Sequence[str | Text]) -> None:
        if not items:
            return
        parts.extend((Text(""), _bold(title)))
        bullets = Table.grid(padding=(0, 1))
        bullets.add_column(width=3, justify="right")
        bullets.add_column(ratio=1)
        for item in items:
            bullets.add_row("•", item if isinstance(item, Text) else Text(item))
        parts.append(bullets)

    section(t("table.why"), [x.text for x in lv.rationale])
    section(t("table.practices"), [x.text for x in lv.practices])
    section(t("table.vigilance"), [x.text for x in lv.vigilance])
    section(t("table.cases"), [c.name for c in pack.cases_for(lv.id)])
    section(t("table.questions"), [f"{q.id} {q.text}" for q in pack.questions_for(lv.id)])
    return Panel(Group(*parts), title=Text(f"{lv.id} — {lv.title}"), title_align="left")


def cases_table(pack: Pack, lever_id: str | None = None) -> Table:
    cases = pack.cases_for(lever_id) if lever_id else pack.cases
    title = t("table.cases_for", lever=lever_id) if lever_id else t("table.cases_title")
    table = Table(title=title, show_lines=True)
    table.add_column(t("table.territory"), style="bold", ratio=1)
    table.add_column(t("table.levers"), no_wrap=True)
    table.add_column(t("table.deck_says"), ratio=3)
    for c in cases:
        levers = ", ".join(link.lever + ("" if link.source == "seed" else "*") for link in c.levers)
        table.add_row(Text(c.name), levers, Text(c.summary.text))
    table.caption = t("table.editorial_mark")
    return table


def questions_table(pack: Pack) -> Table:
    table = Table(title=t("table.questionnaire"), show_lines=False)
    table.add_column(t("table.id"), no_wrap=True, style="bold")
    table.add_column(t("table.question_and_choices"), ratio=1)
    extra = t("table.extra_choices", na=answer_label("na"), unknown=answer_label("unknown"))
    for axis in pack.axes:
        table.add_section()
        table.add_row("", _bold(t("table.axis", title=axis.title)))
        for q in (q for lid in axis.levers for q in pack.questions_for(lid)):
            choices = "\n".join(f"  {c.level}. {c.label}" for c in q.choices)
            table.add_row(q.id, Text(f"{q.text}\n{choices}\n  {extra}"))
    return table


def _pair(data: dict[str, Any]) -> str:
    return numbers.NONE if data["score"] is None else f"{numbers.score(data['score'])} ({data['step']})"


def score_table(pack: Pack, rows: Sequence[dict[str, Any]]) -> Table:
    """The terminal table of a batch (rows are `scoring.engine.to_dict` objects)."""
    table = Table(title=tn("table.scored", len(rows)), title_justify="left")
    for title in (t("table.file"), t("table.territory"), t("table.role"), t("table.overall_step")):
        table.add_column(title, overflow="fold")
    for axis in pack.axes:
        table.add_column(axis.id.capitalize(), justify="right")
    table.add_column(t("table.completed"), justify="right")
    for row in rows:
        table.add_row(
            Text(row["file"] or ""),
            Text(row["territory"]),
            row["role"] or numbers.NONE,
            _pair(row["overall"]),
            *(_pair(row["axes"][axis.id]) for axis in pack.axes),
            numbers.percent(row["completeness"]),
        )
    return table


def _change_row(c: Change) -> tuple[str, str, str, str]:
    steps = c.steps
    if steps is None:
        moved = numbers.NONE
    elif steps == 0:
        moved = "="
    else:
        moved = tn("table.steps_moved", abs(steps), sign="+" if steps > 0 else "\u2212")
    return numbers.score(c.before), numbers.score(c.after), numbers.delta(c.delta), moved


def comparison_table(cmp: Comparison, pack: Pack) -> Table:
    """One row per lever, then axes and overall."""
    title = t("table.compare_title", territory=cmp.new.territory, old=label(cmp.old, t("table.before_lower")),
              new=label(cmp.new, t("table.after_lower")))
    table = Table(title=Text(title), title_justify="left")
    table.add_column("")
    for name in (t("table.before"), t("table.after"), t("table.gap"), t("table.steps")):
        table.add_column(name, justify="right")
    for axis in pack.axes:
        table.add_row(_bold(axis.short), *_change_row(cmp.axes[axis.id]))
        for lid in axis.levers:
            table.add_row(Text(f"  {lid} {pack.lever(lid).short_title}"), *_change_row(cmp.levers[lid]))
    table.add_row(_bold(t("table.overall")), *_change_row(cmp.overall))
    note = scope_note(cmp)
    if note is not None:
        table.caption, table.caption_justify = Text(note), "left"
    return table
