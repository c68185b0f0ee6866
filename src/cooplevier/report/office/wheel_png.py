"""The wheel as a PNG picture, drawn with Pillow, for Word, LibreOffice and pandoc documents.

Same geometry and the same black-and-white cues as the SVG wheel (`wheel.py`): four axis sectors
with their names along an outer band, rings for the five steps, ten lever spokes with the lever id
(and its score for a single series), one area per series (filled, then dashed outlines with their
own markers) and a legend. Pillow is imported only here, so only the docx/odt/md outputs pay for it.
Text uses a system font with French accents (DejaVu, Liberation, Arial, Segoe UI, Helvetica);
without any, Pillow's own font, with accents folded so that no letter shows as a box.
"""

from __future__ import annotations

import io
import itertools
import math
import unicodedata
from collections.abc import Sequence
from functools import cache
from typing import Any

from cooplevier import numbers
from cooplevier.content.model import Pack
from cooplevier.messages import t
from cooplevier.report.wheel import STYLES, WheelSeries, geometry, polar, series_points

SCALE = 3  # drawn at 3x and kept: 1 260 px wide, about 250 dpi at the 13 cm of the documents
_COLOURS = tuple(colour for _, _, colour in STYLES)  # one palette with the SVG wheel (report/wheel.py)
_SHAPES = tuple(shape for _, shape, _ in STYLES)
_DASHES: tuple[tuple[int, ...], ...] = tuple(tuple(int(n) for n in dash.split()) for dash, _, _ in STYLES)
_BANDS = ("#eef2f7", "#dde4ee")
_FONTS = {
    False: (
        "DejaVuSans.ttf",
        "LiberationSans-Regular.ttf",
        "Arial.ttf",
        "arial.ttf",
        "segoeui.ttf",
        "Helvetica.ttc",
        "NotoSans-Regular.ttf",
        "Verdana.ttf",
    ),
    True: (
        "DejaVuSans-Bold.ttf",
        "LiberationSans-Bold.ttf",
        "Arial Bold.ttf",
        "arialbd.ttf",
        "segoeuib.ttf",
        "Helvetica.ttc",
        "NotoSans-Bold.ttf",
        "Verdanab.ttf",
    ),
}


@cache
def _font(size: int, bold: bool) -> tuple[Any, bool]:
    """A TrueType font with accents (and True), else Pillow's own (and False: fold accents)."""
    from PIL import ImageFont

    for name in _FONTS[bold]:
        try:
            return ImageFont.truetype(name, size), True
        except OSError:
            continue
    return ImageFont.load_default(size=size), False


def _text(text: str, size: int, bold: bool = False) -> tuple[Any, str]:
    font, accents = _font(size, bold)
    if not accents:
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return font, text


def wheel_png(pack: Pack, series: Sequence[WheelSeries], *, size: int = 420) -> bytes:
    """The wheel of `series` as PNG bytes (`size` in SVG units; pixels are SCALE times that)."""
    from PIL import Image, ImageDraw

    k = SCALE
    geo = geometry(pack, len(series), size=size, scale=k)
    side, legend_h, lever_ids, angles = size * k, int(geo.legend_h), list(geo.lever_ids), geo.angles
    image = Image.new("RGB", (side, side + legend_h), "white")
    draw = ImageDraw.Draw(image)
    cx = cy = geo.centre
    radius, ring, band_in, band_out = geo.radius, geo.ring, geo.band_in, geo.band_out

    for index, (axis, start, end) in enumerate(geo.sectors(pack)):
        fill = _BANDS[index % 2]
        box_out = (cx - band_out, cy - band_out, cx + band_out, cy + band_out)
        box_in = (cx - band_in, cy - band_in, cx + band_in, cy + band_in)
        draw.pieslice(box_out, start + 0.6, end - 0.6, fill=fill)
        draw.pieslice(box_in, start, end, fill="white")
        draw.arc(box_out, start + 0.6, end - 0.6, fill="#5a6b80", width=k)
        draw.arc(box_in, start + 0.6, end - 0.6, fill="#5a6b80", width=k)
        draw.pieslice((cx - radius, cy - radius, cx + radius, cy + radius), start, end, fill=_tint(fill))
        _arc_text(image, axis.short, cx, cy, (band_in + band_out) / 2, start, end, int(max(9.0, size * 0.027) * k))

    small = int(max(7.5, size * 0.02) * k)
    for level in range(1, 6):
        r = ring * level
        box = (cx - r, cy - r, cx + r, cy + r)
        if level == 5:
            draw.ellipse(box, outline="#7d8a99", width=max(1, int(1.2 * k)))
        else:
            _dashed_circle(draw, cx, cy, r, "#7d8a99", k)
        font, label = _text(str(level), small)
        draw.text((cx + 3 * k, cy - r - 2 * k), label, font=font, fill="#4a5565", anchor="lb")

    for _axis, edge, _end in geo.sectors(pack):
        draw.line((cx, cy, *polar(cx, cy, band_out, edge)), fill="#33414f", width=int(1.6 * k))
    single = series[0] if len(series) == 1 else None
    label_px = int(max(9.0, size * 0.028) * k)
    for lid in lever_ids:
        deg = angles[lid]
        draw.line((cx, cy, *polar(cx, cy, radius, deg)), fill="#9aa5b1", width=max(1, int(0.8 * k)))
        lx, ly = polar(cx, cy, geo.label_r, deg)
        font, label = _text(lid, label_px, bold=True)
        if single is None:
            draw.text((lx, ly), label, font=font, fill="#111111", anchor="mm")
            continue
        value = single.levers.get(lid)
        shown = t("wheel.not_scored_short") if value is None else numbers.score(value)
        draw.text((lx, ly - label_px * 0.55), label, font=font, fill="#111111", anchor="mm")
        font, shown = _text(shown, int(label_px * 0.9))
        draw.text((lx, ly + label_px * 0.55), shown, font=font, fill="#111111", anchor="mm")

    for index, s in enumerate(series):
        colour = _COLOURS[index % len(_COLOURS)]
        points = series_points(s, (cx, cy), ring, angles, lever_ids)
        if not points:
            continue
        dash = _DASHES[index % len(_DASHES)] or ((7, 4) if s.dashed else ())
        if index == 0 and len(points) >= 3:  # one or two levers scored: no area to fill, markers only
            overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
            ImageDraw.Draw(overlay).polygon(points, fill=_rgba(colour, 56))
            image.paste(overlay, (0, 0), overlay)
            draw = ImageDraw.Draw(image)
        if len(points) >= 2:
            _dashed_path(draw, [*points, points[0]], colour, int((2.4 if index == 0 else 2.0) * k), dash, k)
        for x, y in points:
            _marker(draw, _SHAPES[index % len(_SHAPES)], x, y, colour, filled=index == 0, k=k)

    if legend_h:
        y = side + 10 * k
        for index, s in enumerate(series):
            colour = _COLOURS[index % len(_COLOURS)]
            x0 = side * 0.12
            _dashed_path(
                draw,
                [(x0, y + 6 * k), (x0 + 36 * k, y + 6 * k)],
                colour,
                int(2.2 * k),
                _DASHES[index % len(_DASHES)],
                k,
            )
            _marker(draw, _SHAPES[index % len(_SHAPES)], x0 + 18 * k, y + 6 * k, colour, filled=index == 0, k=k)
            font, label = _text(s.label if len(s.label) <= 60 else s.label[:59] + "…", label_px)
            draw.text((x0 + 46 * k, y + 6 * k), label, font=font, fill="#111111", anchor="lm")
            y += 22 * k
    out = io.BytesIO()
    # 64 colours keep the antialiased edges and make the file a third of the size (data URIs)
    image.quantize(colors=64, dither=Image.Dither.NONE).save(out, format="PNG", dpi=(300, 300))
    return out.getvalue()


def _tint(hex_colour: str) -> str:
    """The sector wedge: the band's colour at 55 % over white, as the SVG draws it."""
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(255 - (255 - c) * 0.55):02x}" for c in (r, g, b))


def _rgba(hex_colour: str, alpha: int) -> tuple[int, int, int, int]:
    return int(hex_colour[1:3], 16), int(hex_colour[3:5], 16), int(hex_colour[5:7], 16), alpha


def _dashed_circle(draw: Any, cx: float, cy: float, r: float, colour: str, k: int) -> None:
    steps = max(24, int(2 * math.pi * r / (4 * k)))
    for i in range(0, steps, 2):
        a0, a1 = 360 * i / steps, 360 * (i + 1) / steps
        draw.arc((cx - r, cy - r, cx + r, cy + r), a0, a1, fill=colour, width=max(1, int(0.7 * k)))


def _dashed_path(
    draw: Any, points: Sequence[tuple[float, float]], colour: str, width: int, dash: tuple[int, ...], k: int
) -> None:
    """A polyline, solid or with the SVG dash pattern (lengths in SVG units)."""
    if not dash:
        draw.line(list(points), fill=colour, width=width, joint="curve")
        return
    pattern = [d * k for d in dash]
    index, left, on = 0, float(pattern[0]), True
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        length = math.hypot(x1 - x0, y1 - y0)
        done = 0.0
        while done < length:
            step = min(left, length - done)
            if on:
                a, b = done / length, (done + step) / length
                draw.line(
                    (x0 + (x1 - x0) * a, y0 + (y1 - y0) * a, x0 + (x1 - x0) * b, y0 + (y1 - y0) * b),
                    fill=colour,
                    width=width,
                )
            done += step
            left -= step
            if left <= 0:
                index = (index + 1) % len(pattern)
                left, on = float(pattern[index]), not on
    return


def _marker(draw: Any, shape: str, x: float, y: float, colour: str, *, filled: bool, k: int) -> None:
    fill, outline = (colour, "white") if filled else ("white", colour)
    width = int((0.8 if filled else 1.6) * k)
    if shape == "circle":
        r = 3.6 * k
        draw.ellipse((x - r, y - r, x + r, y + r), fill=fill, outline=outline, width=width)
    elif shape == "square":
        r = 3.3 * k
        draw.rectangle((x - r, y - r, x + r, y + r), fill=fill, outline=outline, width=width)
    elif shape == "triangle":
        draw.polygon(
            [(x, y - 4.2 * k), (x + 4 * k, y + 3 * k), (x - 4 * k, y + 3 * k)], fill=fill, outline=outline, width=width
        )
    else:
        r = 4.5 * k
        draw.polygon([(x, y - r), (x + r, y), (x, y + r), (x - r, y)], fill=fill, outline=outline, width=width)


def _arc_text(image: Any, text: str, cx: float, cy: float, r: float, start: float, end: float, px: int) -> None:
    """`text` centred along the arc from `start` to `end` degrees, read left to right at the bottom too."""
    from PIL import Image, ImageDraw

    font, text = _text(text, px, bold=True)
    span = math.radians(end - start - 4) * r
    while font.getlength(text) > span and len(text) > 2:
        text = text[:-2].rstrip() + "…"
    mid = (start + end) / 2
    bottom = 25 < mid % 360 < 155
    direction = -1 if bottom else 1
    total = font.getlength(text)
    angle = mid - direction * math.degrees(total / 2 / r)
    for char in text:
        width = font.getlength(char)
        centre = angle + direction * math.degrees(width / 2 / r)
        x, y = polar(cx, cy, r, centre)
        box = int(px * 1.6)
        glyph = Image.new("L", (box, box), 0)
        ImageDraw.Draw(glyph).text((box / 2, box / 2), char, font=font, fill=255, anchor="mm")
        rotation = -(centre + 90) if not bottom else -(centre - 90)
        glyph = glyph.rotate(rotation, resample=Image.Resampling.BICUBIC)
        image.paste("#1b2a3a", (int(x - box / 2), int(y - box / 2)), glyph)
        angle += direction * math.degrees(width / r)
