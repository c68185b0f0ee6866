"""The workshop synthesis rendered: JSON of the contract, or the Markdown and HTML reports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any

from cooplevier.content.model import Pack
from cooplevier.messages import role_group, t
from cooplevier.numbers import Number, step_of
from cooplevier.scoring.synthesis import NO_ROLE, ROLE_GAP, SPREAD, Synthesis, synthesis_data


def shade(value: Number | None) -> int:
    """Heatmap shade 0 (step 1, light) to 4 (step 5, dark), by the step reached: a grey ramp."""
    step = step_of(value)
    return 0 if step is None else max(0, min(4, step - 1))


def group_series(syn: Synthesis, pack: Pack) -> list[Any]:
    """The wheel's series: the group mean first, then one per role."""
    from cooplevier.report.wheel import WheelSeries

    series = [WheelSeries(t("wheel.group_mean"), {lid: lv.stats.mean for lid, lv in syn.levers.items()})]
    for role, count in syn.roles.items():
        if role != NO_ROLE:
            label = t("wheel.role_series", role=role_group(role), count=count)
            series.append(WheelSeries(label, {lid: lv.stats.by_role.get(role) for lid, lv in syn.levers.items()}))
    return series


def write_json(syn: Synthesis, stream: IO[str]) -> None:
    """The synthesis JSON, streamed: fifty thousand file names are never one string in memory."""
    json.dump(synthesis_data(syn), stream, ensure_ascii=False, indent=2)
    stream.write("\n")


def render_synthesis(syn: Synthesis, pack: Pack, *, fmt: str, template_dir: Path | None = None) -> str:
    """The synthesis as md, html or json text."""
    if fmt == "json":
        return json.dumps(synthesis_data(syn), ensure_ascii=False, indent=2) + "\n"
    from cooplevier.report.templating import render

    roles = {role: role_group(role) for role in syn.roles}
    rule = {"gap": ROLE_GAP, "spread": SPREAD}
    context: dict[str, Any] = {"syn": syn, "pack": pack, "role_labels": roles, "rule": rule}
    if fmt == "html":
        from cooplevier.report.wheel import wheel_svg

        context["wheel"] = wheel_svg(pack, group_series(syn, pack), title=t("wheel.group_title"))
        context["shade"] = shade
        return render("synthesis.html.j2", context, template_dir=template_dir)
    return render("synthesis.md.j2", context, template_dir=template_dir)
