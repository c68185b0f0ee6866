"""Progress over time: two assessments of the same territory, step by step."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cooplevier.content import Pack
from cooplevier.scoring import Result


@dataclass(frozen=True, slots=True)
class Change:
    """One score before and after; `delta` (after - before) is None when either side is None."""

    before: float | None
    after: float | None
    step_before: int | None
    step_after: int | None

    @property
    def delta(self) -> float | None:
        return None if self.before is None or self.after is None else round(self.after - self.before, 2)

    @property
    def steps(self) -> int | None:
        """Stairs gained (positive) or lost (negative)."""
        if self.step_before is None or self.step_after is None:
            return None
        return self.step_after - self.step_before


@dataclass(frozen=True, slots=True)
class Comparison:
    old: Result
    new: Result
    overall: Change
    axes: Mapping[str, Change]
    levers: Mapping[str, Change]

    @property
    def gained(self) -> tuple[str, ...]:
        return tuple(lid for lid, c in self.levers.items() if (c.steps or 0) > 0)

    @property
    def lost(self) -> tuple[str, ...]:
        return tuple(lid for lid, c in self.levers.items() if (c.steps or 0) < 0)


def compare(old: Result, new: Result, pack: Pack) -> Comparison:
    levers = {
        lv.id: Change(old.levers[lv.id].score, new.levers[lv.id].score, old.levers[lv.id].step, new.levers[lv.id].step)
        for lv in pack.levers
    }
    axes: dict[str, Change] = {
        a.id: Change(old.axes[a.id].score, new.axes[a.id].score, old.axes[a.id].step, new.axes[a.id].step)
        for a in pack.axes
    }
    overall = Change(old.overall.score, new.overall.score, old.overall.step, new.overall.step)
    return Comparison(old, new, overall, axes, levers)


def _change_data(c: Change) -> dict[str, Any]:
    return {
        "before": c.before, "after": c.after, "delta": c.delta,
        "step_before": c.step_before, "step_after": c.step_after, "steps": c.steps,
    }


def comparison_data(cmp: Comparison) -> dict[str, Any]:
    """The `compare --format json` object (contracts.md)."""
    return {
        "old": {"file": cmp.old.file, "territory": cmp.old.territory, "date": cmp.old.date},
        "new": {"file": cmp.new.file, "territory": cmp.new.territory, "date": cmp.new.date},
        "overall": _change_data(cmp.overall),
        "axes": {aid: _change_data(c) for aid, c in cmp.axes.items()},
        "levers": {lid: _change_data(c) for lid, c in cmp.levers.items()},
        "gained": list(cmp.gained),
        "lost": list(cmp.lost),
    }


def _label(result: Result, fallback: str) -> str:
    return f"{fallback} ({result.date})" if result.date else f"{fallback} ({result.file})"


def render_comparison(cmp: Comparison, pack: Pack, *, fmt: str, template_dir: Path | None = None) -> str:
    if fmt == "json":
        import json

        return json.dumps(comparison_data(cmp), ensure_ascii=False, indent=2) + "\n"
    from cooplevier.render import render

    context: dict[str, Any] = {
        "cmp": cmp, "pack": pack, "before_label": _label(cmp.old, "Avant"), "after_label": _label(cmp.new, "Après"),
    }
    if fmt == "html":
        from cooplevier.wheel import WheelSeries, wheel_svg

        series = [
            WheelSeries(context["after_label"], {lid: c.after for lid, c in cmp.levers.items()}),
            WheelSeries(context["before_label"], {lid: c.before for lid, c in cmp.levers.items()}, dashed=True),
        ]
        context["wheel"] = wheel_svg(pack, series, title="La roue, avant et après")
        return render("compare.html.j2", context, template_dir=template_dir)
    return render("compare.md.j2", context, template_dir=template_dir)


def comparison_table(cmp: Comparison, pack: Pack) -> Any:
    """The terminal table: one row per lever, then axes and overall."""
    from rich.table import Table

    from cooplevier.render import fr_number

    def row(c: Change) -> tuple[str, str, str, str]:
        steps = c.steps
        moved = "—" if steps is None else ("=" if steps == 0 else f"{steps:+d} marche(s)")
        delta = "—" if c.delta is None else f"{c.delta:+.2f}".replace(".", ",")
        return fr_number(c.before, 2), fr_number(c.after, 2), delta, moved

    from rich.markup import escape

    title = escape(f"{cmp.new.territory} : {_label(cmp.old, 'avant')} → {_label(cmp.new, 'après')}")
    table = Table(title=title, title_justify="left")
    table.add_column("")
    for name in ("Avant", "Après", "Écart", "Marches"):
        table.add_column(name, justify="right")
    for axis in pack.axes:
        table.add_row(f"[b]{axis.id.capitalize()}[/b]", *row(cmp.axes[axis.id]))
        for lid in axis.levers:
            table.add_row(escape(f"  {lid} {pack.lever(lid).short_title}"), *row(cmp.levers[lid]))
    table.add_row("[b]Global[/b]", *row(cmp.overall))
    return table
