"""Browsing the content: axes and levers, cases, questions — as JSON data or rich tables."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cooplevier.content import Lever, Pack
from cooplevier.messages import t

if TYPE_CHECKING:
    from rich.console import RenderableType

NA_LABEL = t("answer.na")
UNKNOWN_LABEL = t("answer.unknown")


def _text(item: Any) -> dict[str, str]:
    return {"text": item.text, "source": item.source}


def lever_dict(pack: Pack, lever: Lever) -> dict[str, Any]:
    return {
        "id": lever.id,
        "number": lever.number,
        "axis": lever.axis,
        "title": lever.title,
        "short_title": lever.short_title,
        "rationale": [_text(x) for x in lever.rationale],
        "practices": [_text(x) for x in lever.practices],
        "vigilance": [_text(x) for x in lever.vigilance],
        "discussion": [_text(x) for x in lever.discussion],
        "cases": [c.id for c in pack.cases_for(lever.id)],
        "questions": [q.id for q in pack.questions_for(lever.id)],
    }


def levers_data(pack: Pack, lever_id: str | None = None) -> dict[str, Any]:
    levers = [pack.lever(lever_id)] if lever_id else list(pack.levers)
    axes = [ax for ax in pack.axes if not lever_id or lever_id in ax.levers]
    return {
        "pack": pack.ref,
        "axes": [{"id": ax.id, "title": ax.title, "levers": list(ax.levers)} for ax in axes],
        "levers": [lever_dict(pack, lv) for lv in levers],
        "staircase": [
            {"level": s.level, "label": s.label.text, "description": s.description.text, "source": s.label.source}
            for s in pack.staircase
        ],
    }


def cases_data(pack: Pack, lever_id: str | None = None) -> dict[str, Any]:
    cases = pack.cases_for(lever_id) if lever_id else pack.cases
    return {
        "cases": [
            {
                "id": c.id,
                "name": c.name,
                "kind": c.kind,
                "levers": list(c.lever_ids),
                "summary": c.summary.text,
                "source": c.summary.source,
                "links": [{"lever": ln.lever, "source": ln.source, "note": ln.note} for ln in c.levers],
            }
            for c in cases
        ]
    }


def questions_data(pack: Pack) -> dict[str, Any]:
    return {
        "pack": pack.ref,
        "questions": [
            {
                "id": q.id,
                "lever": q.lever,
                "axis": pack.lever(q.lever).axis,
                "text": q.text,
                "help": q.help.text,
                "choices": [{"level": c.level, "label": c.label} for c in q.choices],
                "extra_choices": [
                    {"value": "na", "label": NA_LABEL},
                    {"value": "unknown", "label": UNKNOWN_LABEL},
                ],
            }
            for q in pack.ordered_questions()
        ],
    }


def levers_table(pack: Pack) -> RenderableType:
    from rich.table import Table

    table = Table(title=f"Les 4 axes et 10 leviers de coopération — {_esc(pack.meta.title)}", show_lines=False)
    table.add_column("Id", no_wrap=True, style="bold")
    table.add_column("Levier", ratio=1)
    table.add_column("Q.", justify="right", no_wrap=True)
    table.add_column("Cas", justify="right", no_wrap=True)
    for axis in pack.axes:
        table.add_section()
        table.add_row("", f"[bold]Axe : {_esc(axis.title)}[/] ({axis.id})", "", "")
        for lever_id in axis.levers:
            lv = pack.lever(lever_id)
            table.add_row(lv.id, _esc(lv.title), str(len(pack.questions_for(lv.id))), str(len(pack.cases_for(lv.id))))
    return table


def lever_detail(pack: Pack, lever_id: str) -> RenderableType:
    from rich.console import Group
    from rich.panel import Panel
    from rich.text import Text

    lv = pack.lever(lever_id)
    axis = pack.axis(lv.axis)
    parts: list[RenderableType] = [Text(f"Axe : {axis.title}", style="italic")]

    def section(title: str, items: list[str]) -> None:
        if not items:
            return
        from rich.table import Table

        parts.append(Text(""))
        parts.append(Text(title, style="bold"))
        bullets = Table.grid(padding=(0, 1))
        bullets.add_column(width=3, justify="right")
        bullets.add_column(ratio=1)
        for item in items:
            bullets.add_row("•", Text(item))
        parts.append(bullets)

    section("Pourquoi", [x.text for x in lv.rationale])
    section("Pratiques", [x.text for x in lv.practices])
    section("Points de vigilance", [x.text for x in lv.vigilance])
    section("Territoires qui l'illustrent", [c.name for c in pack.cases_for(lv.id)])
    section("Questions", [f"{q.id} {q.text}" for q in pack.questions_for(lv.id)])
    return Panel(Group(*parts), title=_esc(f"{lv.id} — {lv.title}"), title_align="left")


def cases_table(pack: Pack, lever_id: str | None = None) -> RenderableType:
    from rich.table import Table

    cases = pack.cases_for(lever_id) if lever_id else pack.cases
    title = "Territoires cités en exemple" + (f" pour le levier {lever_id}" if lever_id else "")
    table = Table(title=title, show_lines=True)
    table.add_column("Territoire", style="bold", ratio=1)
    table.add_column("Leviers", no_wrap=True)
    table.add_column("Ce qu'en dit le document", ratio=3)
    for c in cases:
        levers = ", ".join(link.lever + ("" if link.source == "seed" else "*") for link in c.levers)
        table.add_row(_esc(c.name), levers, _esc(c.summary.text))
    table.caption = "* lien proposé par cooplevier (éditorial), non cité tel quel par le document"
    return table


def questions_table(pack: Pack) -> RenderableType:
    from rich.table import Table

    table = Table(title="Questionnaire", show_lines=False)
    table.add_column("Id", no_wrap=True, style="bold")
    table.add_column("Question et choix", ratio=1)
    for axis in pack.axes:
        table.add_section()
        table.add_row("", f"[bold]Axe : {_esc(axis.title)}[/]")
        for q in (q for lid in axis.levers for q in pack.questions_for(lid)):
            choices = "\n".join(f"  {c.level}. {_esc(c.label)}" for c in q.choices)
            table.add_row(q.id, f"{_esc(q.text)}\n{choices}\n  na. {NA_LABEL} — unknown. {UNKNOWN_LABEL}")
    return table


def _esc(text: str) -> str:
    from rich.markup import escape

    return escape(text)
