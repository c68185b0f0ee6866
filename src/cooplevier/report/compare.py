"""Progress between two assessments, rendered: JSON of the contract, Markdown or HTML."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cooplevier.content.model import Pack
from cooplevier.messages import t, tn
from cooplevier.scoring.compare import Comparison, comparison_data
from cooplevier.scoring.engine import Result
from cooplevier.scoring.progress import Series, series_data

SPARK = "▁▂▃▄▅▆▇█"


def label(result: Result, word: str, *, mark: Callable[[str], str] = str) -> str:
    """`Avant (2025-11-02)`: a side of the comparison by its date, else by its file."""
    return t("compare.side", word=word, when=result.date or mark(result.file or ""))


def scope_note(cmp: Comparison) -> str | None:
    """The sentence a report carries when the two files are of different questionnaire versions."""
    if cmp.scope is None:
        return None
    return tn("compare.scope_note", len(cmp.scope.questions), versions=" et ".join(cmp.scope.versions))


def render_comparison(cmp: Comparison, pack: Pack, *, fmt: str, template_dir: Path | None = None) -> str:
    if fmt == "json":
        return json.dumps(comparison_data(cmp), ensure_ascii=False, indent=2) + "\n"
    from cooplevier.report.templating import render
    from cooplevier.typography import protect

    cmp = dataclasses.replace(  # the territories and file names are printed as typed
        cmp,
        old=dataclasses.replace(cmp.old, territory=protect(cmp.old.territory)),
        new=dataclasses.replace(cmp.new, territory=protect(cmp.new.territory)),
    )
    before = label(cmp.old, t("compare.before"), mark=protect)
    after = label(cmp.new, t("compare.after"), mark=protect)
    context: dict[str, Any] = {
        "cmp": cmp,
        "pack": pack,
        "before_label": before,
        "after_label": after,
        "scope_note": scope_note(cmp),
    }
    if fmt == "html":
        from cooplevier.report.wheel import WheelSeries, wheel_svg

        series = [
            WheelSeries(after, {lid: c.after for lid, c in cmp.levers.items()}),
            WheelSeries(before, {lid: c.before for lid, c in cmp.levers.items()}, dashed=True),
        ]
        context["wheel"] = wheel_svg(pack, series, title=t("wheel.compare_title"))
        return render("compare.html.j2", context, template_dir=template_dir)
    return render("compare.md.j2", context, template_dir=template_dir)


def spark(values: list[Any]) -> str:
    """A lever's scores over time as block characters (1 → ▁ … 5 → █; « · » where none)."""
    out = []
    for v in values:
        if v is None:
            out.append("·")
        else:
            out.append(SPARK[min(len(SPARK) - 1, max(0, round((float(v) - 1) / 4 * (len(SPARK) - 1))))])
    return "".join(out)


def render_series(series: Series, pack: Pack, *, fmt: str, template_dir: Path | None = None) -> str:
    """A group's progress over several points, as json, md or html."""
    if fmt == "json":
        return json.dumps(series_data(series), ensure_ascii=False, indent=2) + "\n"
    from cooplevier.content.model import ROLES
    from cooplevier.messages import role_group
    from cooplevier.report.templating import render
    from cooplevier.typography import protect

    rows = []
    for lever in pack.levers:
        values = [p.syn.levers[lever.id].stats.mean for p in series.points]
        rows.append(
            {
                "id": lever.id,
                "title": lever.short_title,
                "scores": values,
                "spark": spark(values),
                "change": series.lever(lever.id),
            }
        )
    territories = list(dict.fromkeys(protect(name) for p in series.points for name in p.syn.territories))
    context: dict[str, Any] = {
        "series": dataclasses.replace(
            series, points=tuple(dataclasses.replace(p, label=protect(p.label)) for p in series.points)
        ),
        "pack": pack,
        "rows": rows,
        "territories": territories,
        "role_labels": {role: role_group(role) for role in ROLES},
    }
    name = "compare_series.html.j2" if fmt == "html" else "compare_series.md.j2"
    return render(name, context, template_dir=template_dir)
