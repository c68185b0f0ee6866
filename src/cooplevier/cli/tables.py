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
from cooplevier.content.model import STRUCTURES, Case, Form, Pack, Structure
from cooplevier.content.plan.actions import Action, actions_for
from cooplevier.messages import answer_label, t, tn
from cooplevier.report.compare import label, scope_note
from cooplevier.scoring.compare import Change, Comparison
from cooplevier.typography import typeset as fr


def _bold(text: str) -> Text:
    return Text(text, style="bold")


def levers_table(pack: Pack) -> Table:
    table = Table(title=Text(t("table.levers_title", title=fr(pack.meta.title))), show_lines=False)
    table.add_column(t("table.id"), no_wrap=True, style="bold")
    table.add_column(t("table.lever"), ratio=1)
    table.add_column(t("table.questions_short"), justify="right", no_wrap=True)
    table.add_column(t("table.cases_short"), justify="right", no_wrap=True)
    for axis in pack.axes:
        table.add_section()
        table.add_row("", _bold(t("table.axis", title=fr(axis.title))) + Text(f" ({axis.id})"), "", "")
        for lever_id in axis.levers:
            lv = pack.lever(lever_id)
            counts = str(len(pack.questions_for(lv.id))), str(len(pack.cases_for(lv.id)))
            table.add_row(lv.id, Text(fr(lv.title)), *counts)
    return table


def lever_detail(pack: Pack, lever_id: str) -> Panel:
    lv = pack.lever(lever_id)
    parts: list[RenderableType] = [  # the full title inside the panel: a border line would cut it
        _bold(f"{lv.id} — {fr(lv.title)}"),
        Text(t("table.axis", title=fr(pack.axis(lv.axis).title)), style="italic"),
    ]

    def section(title: str, items: Sequence[str | Text]) -> None:
        if not items:
            return
        parts.extend((Text(""), _bold(title)))
        bullets = Table.grid(padding=(0, 1))
        bullets.add_column(width=3, justify="right")
        bullets.add_column(ratio=1)
        for item in items:
            bullets.add_row("•", item if isinstance(item, Text) else Text(fr(item)))
        parts.append(bullets)

    section(t("table.why"), [x.text + _mark(x.source) for x in lv.rationale])
    section(t("table.practices"), [x.text + _mark(x.source) for x in lv.practices])
    section(t("table.vigilance"), [x.text + _mark(x.source) for x in lv.vigilance])
    cited, proposed = links(pack, lever_id)
    named = [c.name + (f" ({c.kind})" if c.kind else "") for c in cited]
    section(t("table.cases_cited"), named or ([t("table.no_cited")] if proposed else []))
    section(t("table.cases_proposed"), [_proposed(c, note) for c, note in proposed])
    if cited or proposed:
        if pack.observed:
            parts.append(Text(fr(pack.observed.text) + _mark(pack.observed.source), style="italic"))
    elif lv.no_case:
        section(t("table.cases_cited"), [lv.no_case.text + _mark(lv.no_case.source)])
    section(t("table.questions"), [f"{q.id} {q.text}" for q in pack.questions_for(lv.id)])
    actions = actions_for(pack, lv.id)
    section(t("table.actions"), [_action(a) for a in actions])
    if actions:
        parts.append(Text(t("table.actions_note"), style="dim"))
    sources = [x.source for x in (*lv.rationale, *lv.practices, *lv.vigilance)] + [a.source for a in actions]
    if "editorial" in sources or proposed:
        parts.extend((Text(""), Text(t("table.editorial_mark"), style="dim")))
    return Panel(Group(*parts), title=Text(lv.id), title_align="left")


def links(pack: Pack, lever_id: str) -> tuple[list[Case], list[tuple[Case, str | None]]]:
    """The territories the deck cites under a lever, and those cooplevier links to it (with why)."""
    cited: list[Case] = []
    proposed: list[tuple[Case, str | None]] = []
    for case in pack.cases_for(lever_id):
        link = next(ln for ln in case.levers if ln.lever == lever_id)
        if link.source == "seed":
            cited.append(case)
        else:
            proposed.append((case, link.note))
    return cited, proposed


def _action(action: Action) -> Text:
    """An action in a lever's panel: id and step, the sentence, who leads and decides, what shows it."""
    text = Text(f"{action.id} ({action.from_step}→{action.to_step}) ", style="bold")
    text.append(fr(action.text) + _mark(action.source))
    if action.quote:
        text.append("\n" + t("table.action_quote", quote=fr(action.quote)), style="italic")
    structures = "" if len(action.structures) == len(STRUCTURES) else ", ".join(action.structures)
    text.append("\n" + t("table.action_leads", value=fr(action.leads)))
    text.append("\n" + t("table.action_body", value=fr(action.body)))
    text.append("\n" + t("table.action_deliverable", value=fr(action.deliverable)))
    text.append("\n" + t("table.action_indicator", value=fr(action.indicator)))
    if structures:
        text.append("\n" + t("table.action_structures", value=structures), style="dim")
    return text


def _mark(source: str) -> str:
    return " *" if source == "editorial" else ""


def _proposed(case: Case, note: str | None) -> Text:
    text = Text(case.name + " *", style="bold")
    if note:
        text.append(" — " + fr(note), style="italic")
    return text


def cases_table(pack: Pack, lever_id: str | None = None) -> RenderableType:
    cases = pack.cases_for(lever_id) if lever_id else pack.cases
    title = t("table.cases_for", lever=lever_id) if lever_id else t("table.cases_title")
    if lever_id and not cases:
        lever = pack.lever(lever_id)
        none = lever.no_case.text + _mark(lever.no_case.source) if lever.no_case else t("table.no_case")
        return Group(_bold(title), Text(fr(none)))
    table = Table(title=title, show_lines=True)
    table.add_column(t("table.territory"), style="bold", ratio=1)
    table.add_column(t("table.levers"), no_wrap=True)
    table.add_column(t("table.deck_says"), ratio=3)
    for c in cases:
        levers = ", ".join(link.lever + _mark(link.source).strip() for link in c.levers)
        said = Text(fr(c.summary.text) + _mark(c.summary.source))
        for link in c.levers:
            if link.source == "editorial" and (lever_id is None or link.lever == lever_id):
                said.append("\n* " + t("table.link_note", lever=link.lever, note=fr(link.note or "")), style="italic")
        table.add_row(Text(c.name), levers, said)
    caption = [t("table.editorial_mark")]
    if pack.observed:
        caption.append(fr(pack.observed.text) + _mark(pack.observed.source))
    table.caption = "\n".join(caption)
    return table


def questions_table(pack: Pack, structure: Structure | None = None, form: Form | None = None) -> RenderableType:
    """The questionnaire of one structure type (or of all), after what its words mean."""
    from cooplevier.report.forms import question_form

    the_form = question_form(pack, structure, form)
    kind = the_form.structure
    title = t("table.questionnaire_for", structure=fr(kind.label)) if kind else t("table.questionnaire")
    if the_form.short:
        title += t("table.questionnaire_short")
    head: list[RenderableType] = [_bold(title)]
    if kind:
        head += [Text("• " + fr(kind.structure.text)), Text("• " + fr(kind.territory.text))]
    else:
        head += [
            Text("• " + t("table.general_structure")),
            Text("• " + t("table.general_territory")),
            Text(t("table.some_types"), style="italic"),
        ]
    table = Table(show_lines=False)
    table.add_column(t("table.id"), no_wrap=True, style="bold")
    table.add_column(t("table.question_and_choices"), ratio=1)
    extra = t("table.extra_choices", na=answer_label("na"), unknown=answer_label("unknown"))
    for section in the_form.sections:
        table.add_section()
        table.add_row("", _bold(t("table.axis", title=fr(section["axis"].title))))
        for block in section["levers"]:
            for q in block["questions"]:
                choices = "\n".join(f"  {c.level}. {fr(c.label)}" for c in q.choices)
                some = the_form.for_some(q)
                only = "\n" + t("table.only_for", structures=", ".join(some)) if some else ""
                table.add_row(q.id, Text(f"{fr(q.text)}{only}\n{choices}\n  {extra}"))
    return Group(*head, Text(""), table)


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
    title = t(
        "table.compare_title",
        territory=cmp.new.territory,
        old=label(cmp.old, t("table.before_lower")),
        new=label(cmp.new, t("table.after_lower")),
    )
    table = Table(title=Text(title), title_justify="left")
    table.add_column("")
    for name in (t("table.before"), t("table.after"), t("table.gap"), t("table.steps")):
        table.add_column(name, justify="right")
    for axis in pack.axes:
        table.add_row(_bold(fr(axis.short)), *_change_row(cmp.axes[axis.id]))
        for lid in axis.levers:
            table.add_row(Text(f"  {lid} {fr(pack.lever(lid).short_title)}"), *_change_row(cmp.levers[lid]))
    table.add_row(_bold(t("table.overall")), *_change_row(cmp.overall))
    note = scope_note(cmp)
    if note is not None:
        table.caption, table.caption_justify = Text(note), "left"
    return table
