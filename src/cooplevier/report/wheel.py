"""The wheel ("la roue vertueuse") drawn as inline SVG: four axis sectors, ten lever spokes.

Pure and dependency-light (markupsafe only): every report, the group synthesis, the compare
overlay and the poster draw the same wheel. Overlays stay readable in black and white: the
first series is a filled area with round markers, the others are outlines with their own dash
pattern and marker shape, and a legend names them.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence

from markupsafe import Markup, escape

from cooplevier import numbers
from cooplevier.content import dataclass  # the standard one, faster to create (start-up)
from cooplevier.content.model import Axis, Pack
from cooplevier.messages import t

# (stroke dash pattern, marker shape, colour) per series, for the SVG and the PNG wheel alike: a
# synthesis draws the group and five roles, so six series, each told apart by its dash pattern
# and marker (the first is filled, the others hollow); colours are a bonus, never the only cue.
STYLES: tuple[tuple[str, str, str], ...] = (
    ("", "circle", "#1d4e89"),
    ("7 4", "square", "#b3541e"),
    ("2 3", "triangle", "#2f6b3a"),
    ("10 3 2 3", "diamond", "#6b2f6b"),
    ("1 3", "circle", "#8a6500"),
    ("12 4", "triangle", "#00707a"),
)
_BAND_FILLS = ("#eef2f7", "#dde4ee")


@dataclass(frozen=True)
class WheelSeries:
    """One polygon on the wheel: a respondent, a group mean, an earlier assessment…"""

    label: str
    levers: Mapping[str, numbers.Number | None]
    dashed: bool = False


@dataclass(frozen=True)
class Geometry:
    """Where the parts of the wheel sit: one geometry for the SVG and the PNG wheel alike, in the
    drawing's units (`scale` units to one of the SVG's: the PNG is drawn at 3x)."""

    size: float  # the side of the square the wheel is drawn in (the legend goes below it)
    lever_ids: tuple[str, ...]
    slice_deg: float  # the angle of one lever's slice
    centre: float  # x and y of the centre
    radius: float  # of step 5
    band_in: float  # the axes' outer band, labelled along its arc
    band_out: float
    label_r: float  # where the lever labels sit
    angles: dict[str, float]  # each lever's spoke, in degrees (0 = east, clockwise)
    legend_h: float  # the legend below the wheel, when several series are drawn

    @property
    def ring(self) -> float:
        """The distance between two steps."""
        return self.radius / 5

    def sectors(self, pack: Pack) -> list[tuple[Axis, float, float]]:
        """Each axis with the angles its levers span, from the top, clockwise."""
        found, start = [], -90.0
        for axis in pack.axes:
            end = start + self.slice_deg * len(axis.levers)
            found.append((axis, start, end))
            start = end
        return found


def geometry(pack: Pack, series_count: int, *, size: int, scale: int = 1) -> Geometry:
    """The wheel's geometry for `series_count` series drawn `size` units wide (times `scale`)."""
    lever_ids = tuple(lid for axis in pack.axes for lid in axis.levers)
    slice_deg = 360 / len(lever_ids)
    side = size * scale
    radius = side * 0.335
    return Geometry(
        size=side,
        lever_ids=lever_ids,
        slice_deg=slice_deg,
        centre=side / 2,
        radius=radius,
        band_in=radius + side * 0.072,
        band_out=radius + side * 0.127,
        label_r=radius + size * 0.038 * scale,
        angles={lid: -90 + slice_deg * (i + 0.5) for i, lid in enumerate(lever_ids)},
        legend_h=(22 * series_count + 8) * scale if series_count > 1 else 0,
    )


def _num(value: numbers.Number | None) -> str:
    return t("wheel.not_scored") if value is None else numbers.score(value)


def polar(cx: float, cy: float, r: float, deg: float) -> tuple[float, float]:
    rad = math.radians(deg)
    return cx + r * math.cos(rad), cy + r * math.sin(rad)


def series_points(
    series: WheelSeries, centre: tuple[float, float], ring: float, angles: dict[str, float], lever_ids: list[str]
) -> list[tuple[float, float]]:
    """Where a series' scored levers sit on the wheel (scores clamped to 0–5; unscored ones left out)."""
    cx, cy = centre
    return [
        polar(cx, cy, ring * max(0.0, min(5.0, float(v))), angles[lid])
        for lid in lever_ids
        if (v := series.levers.get(lid)) is not None
    ]


def _pt(xy: tuple[float, float]) -> str:
    return f"{xy[0]:.1f},{xy[1]:.1f}"


def _marker(shape: str, x: float, y: float, style: str) -> str:
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.6" {style}/>'
    if shape == "square":
        return f'<rect x="{x - 3.3:.1f}" y="{y - 3.3:.1f}" width="6.6" height="6.6" {style}/>'
    if shape == "triangle":
        pts = f"{x:.1f},{y - 4.2:.1f} {x + 4:.1f},{y + 3:.1f} {x - 4:.1f},{y + 3:.1f}"
        return f'<polygon points="{pts}" {style}/>'
    pts = f"{x:.1f},{y - 4.5:.1f} {x + 4.5:.1f},{y:.1f} {x:.1f},{y + 4.5:.1f} {x - 4.5:.1f},{y:.1f}"
    return f'<polygon points="{pts}" {style}/>'


def _fit(text: str, max_chars: int) -> str:
    return text if len(text) <= max_chars else text[: max(1, max_chars - 1)].rstrip() + "…"


def wheel_svg(pack: Pack, series: Sequence[WheelSeries], *, title: str, size: int = 420) -> Markup:
    """The wheel as an inline `<svg>` element, with a text alternative listing every score."""
    geo = geometry(pack, len(series), size=size)
    lever_ids, n, slice_deg = list(geo.lever_ids), len(geo.lever_ids), geo.slice_deg
    cx = cy = geo.centre
    radius, ring, band_in, band_out = geo.radius, geo.ring, geo.band_in, geo.band_out
    angles, legend_h = geo.angles, geo.legend_h
    height = size + legend_h
    uid = (
        "w"
        + hashlib.sha1(
            repr((title, size, [(s.label, sorted(s.levers.items()), s.dashed) for s in series])).encode()
        ).hexdigest()[:10]
    )

    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="wheel" role="img" '
        f'viewBox="0 0 {size} {height:.0f}" width="{size}" height="{height:.0f}" '
        f'aria-labelledby="{uid}-t {uid}-d" font-family="inherit">',
        f'<title id="{uid}-t">{escape(title)}</title>',
        f'<desc id="{uid}-d">{escape(_description(pack, series))}</desc>',
    ]

    # axis sectors: a light wedge behind the chart and a labelled outer band
    for k, (axis, start, end) in enumerate(geo.sectors(pack)):
        span = end - start
        fill = _BAND_FILLS[k % 2]
        large = 1 if span > 180 else 0
        a0, a1 = polar(cx, cy, radius, start), polar(cx, cy, radius, end)
        out.append(
            f'<path d="M{cx:.1f},{cy:.1f} L{_pt(a0)} A{radius:.1f},{radius:.1f} 0 {large} 1 {_pt(a1)} Z" '
            f'fill="{fill}" fill-opacity="0.55" stroke="none"/>'
        )
        o0, o1 = polar(cx, cy, band_out, start + 0.6), polar(cx, cy, band_out, end - 0.6)
        i1, i0 = polar(cx, cy, band_in, end - 0.6), polar(cx, cy, band_in, start + 0.6)
        out.append(
            f'<path d="M{_pt(o0)} A{band_out:.1f},{band_out:.1f} 0 {large} 1 {_pt(o1)} '
            f'L{_pt(i1)} A{band_in:.1f},{band_in:.1f} 0 {large} 0 {_pt(i0)} Z" '
            f'fill="{fill}" stroke="#5a6b80" stroke-width="0.8"/>'
        )
        mid = (start + end) / 2 % 360
        text_r = (band_in + band_out) / 2
        reverse = 25 < mid < 155  # bottom of the wheel: run the text left to right
        p0 = polar(cx, cy, text_r, end - 1 if reverse else start + 1)
        p1 = polar(cx, cy, text_r, start + 1 if reverse else end - 1)
        sweep = 0 if reverse else 1
        out.append(
            f'<path id="{uid}-a{k}" d="M{_pt(p0)} A{text_r:.1f},{text_r:.1f} 0 {large} {sweep} {_pt(p1)}" '
            f'fill="none" stroke="none"/>'
        )
        label = axis.short
        font = max(9.0, size * 0.027)
        arc_len = math.radians(span - 4) * text_r
        label = _fit(label, int(arc_len / (font * 0.56)))
        out.append(
            f'<text font-size="{font:.1f}" font-weight="600" fill="#1b2a3a" dominant-baseline="central">'
            f'<textPath href="#{uid}-a{k}" startOffset="50%" text-anchor="middle">{escape(label)}'
            f"</textPath></text>"
        )

    # rings for steps 1..5, labelled on the way up
    for level in range(1, 6):
        r = ring * level
        width = 1.2 if level == 5 else 0.7
        out.append(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{r:.1f}" fill="none" stroke="#7d8a99" '
            f'stroke-width="{width}"' + ("" if level == 5 else ' stroke-dasharray="2 2"') + "/>"
        )
        lx, ly = cx + 3, cy - r - 2
        out.append(
            f'<text x="{lx:.1f}" y="{ly:.1f}" font-size="{max(7.5, size * 0.02):.1f}" fill="#4a5565">{level}</text>'
        )

    # spokes and lever labels; axis boundaries drawn heavier
    boundaries = {round(start % 360, 3) for _axis, start, _end in geo.sectors(pack)}
    for i in range(n):
        edge = (-90 + slice_deg * i) % 360
        if round(edge, 3) in boundaries:
            ex, ey = polar(cx, cy, band_out, edge)
            out.append(
                f'<line x1="{cx:.1f}" y1="{cy:.1f}" x2="{ex:.1f}" y2="{ey:.1f}" stroke="#33414f" stroke-width="1.6"/>'
            )
    single = series[0] if len(series) == 1 else None
    label_font = max(9.0, size * 0.028)
    for lid in lever_ids:
        deg = angles[lid]
        sx, sy = polar(cx, cy, radius, deg)
        out.append(
            f'<line x1="{cx:.1f}" y1="{cy:.1f}" x2="{sx:.1f}" y2="{sy:.1f}" stroke="#9aa5b1" stroke-width="0.8"/>'
        )
        lx, ly = polar(cx, cy, geo.label_r, deg)
        if single is None:
            out.append(
                f'<text x="{lx:.1f}" y="{ly:.1f}" font-size="{label_font:.1f}" font-weight="700" '
                f'fill="#111" text-anchor="middle" dominant-baseline="central">{escape(lid)}</text>'
            )
            continue
        value = single.levers.get(lid)
        shown = t("wheel.not_scored_short") if value is None else _num(value)
        out.append(
            f'<text x="{lx:.1f}" y="{ly - label_font * 0.55:.1f}" font-size="{label_font:.1f}" '
            f'font-weight="700" fill="#111" text-anchor="middle" dominant-baseline="central">'
            f'{escape(lid)}<tspan x="{lx:.1f}" dy="{label_font * 1.1:.1f}" font-weight="400" '
            f'font-size="{label_font * 0.9:.1f}">{escape(shown)}</tspan></text>'
        )

    # one area per series: first filled, the others outlined with their own dash and marker
    for idx, s in enumerate(series):
        dash, shape, colour = STYLES[idx % len(STYLES)]
        if s.dashed and not dash:
            dash = "7 4"
        points = series_points(s, (cx, cy), ring, angles, lever_ids)
        if not points:
            continue
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        fill = f'fill="{colour}" fill-opacity="0.22"' if idx == 0 else 'fill="none"'
        out.append(
            f'<polygon points="{" ".join(_pt(p) for p in points)}" {fill} stroke="{colour}" '
            f'stroke-width="{2.4 if idx == 0 else 2.0}" stroke-linejoin="round"{dash_attr}/>'
        )
        style = (
            f'fill="{colour}" stroke="#fff" stroke-width="0.8"'
            if idx == 0
            else f'fill="#fff" stroke="{colour}" stroke-width="1.6"'
        )
        out.extend(_marker(shape, x, y, style) for x, y in points)

    if legend_h:
        y = size + 10
        for idx, s in enumerate(series):
            dash, shape, colour = STYLES[idx % len(STYLES)]
            if s.dashed and not dash:
                dash = "7 4"
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            x0 = size * 0.12
            out.append(
                f'<line x1="{x0:.1f}" y1="{y + 6:.1f}" x2="{x0 + 36:.1f}" y2="{y + 6:.1f}" '
                f'stroke="{colour}" stroke-width="2.2"{dash_attr}/>'
            )
            style = (
                f'fill="{colour}" stroke="#fff" stroke-width="0.8"'
                if idx == 0
                else f'fill="#fff" stroke="{colour}" stroke-width="1.6"'
            )
            out.append(_marker(shape, x0 + 18, y + 6, style))
            out.append(
                f'<text x="{x0 + 46:.1f}" y="{y + 6:.1f}" font-size="{label_font:.1f}" fill="#111" '
                f'dominant-baseline="central">{escape(_fit(s.label, 60))}</text>'
            )
            y += 22
    out.append("</svg>")
    return Markup("\n".join(out))


def _description(pack: Pack, series: Sequence[WheelSeries]) -> str:
    """The text alternative: every lever's score for every series, axis by axis."""
    parts = [t("wheel.description", axes=len(pack.axes), levers=len(pack.levers))]
    for s in series:
        items = []
        for axis in pack.axes:
            levers = ", ".join(
                f"{lid} {pack.lever(lid).short_title} : {_num(s.levers.get(lid))}" for lid in axis.levers
            )
            items.append(t("wheel.axis_levers", axis=axis.short, levers=levers))
        parts.append(t("wheel.series", label=s.label, axes=" ; ".join(items)))
    return " ".join(parts)
