"""The wheel as a PNG picture: the same wheel as the SVG, readable in print, with French letters."""

from __future__ import annotations

import io
import os

import pytest

from cooplevier.content.model import Pack
from cooplevier.report.office.wheel_png import SCALE, _font, wheel_png
from cooplevier.report.wheel import WheelSeries


def series(pack: Pack, label: str, shift: int = 0) -> WheelSeries:
    return WheelSeries(label, {lv.id: ((i + shift) % 5) + 1 for i, lv in enumerate(pack.levers)})


@pytest.mark.parametrize("count", [1, 3], ids=["one-series", "group-and-roles"])
def test_png_is_a_sharp_picture(pack: Pack, count: int) -> None:
    from PIL import Image

    data = wheel_png(pack, [series(pack, f"Élu·es ({n})", n) for n in range(count)])
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    with Image.open(io.BytesIO(data)) as image:
        assert image.width == 420 * SCALE
        assert image.height == 420 * SCALE + (0 if count == 1 else (22 * count + 8) * SCALE)  # the legend
        colours = image.convert("RGB").getcolors(maxcolors=256)
        assert colours is not None and len(colours) > 8  # drawn, antialiased: not a blank page
    assert wheel_png(pack, [series(pack, "x")]) == wheel_png(pack, [series(pack, "x")])  # deterministic


def test_unscored_levers_leave_a_gap(pack: Pack) -> None:
    empty = WheelSeries("vide", {lv.id: None for lv in pack.levers})
    assert wheel_png(pack, [empty])[:4] == b"\x89PNG"


def test_a_font_with_accents_is_found() -> None:
    """On CI (fonts-dejavu-core) and on every desktop a TrueType font with accents is there."""
    _, accents = _font(30, False)
    if not accents and not os.environ.get("COOPLEVIER_REQUIRE_TOOLS"):
        pytest.skip("no TrueType font with accents on this machine: accents are folded")
    assert accents


def test_any_levers_scored_in_any_series_draw(pack: Pack) -> None:
    """One, two or all levers scored, in one series or several: the PNG and the SVG both draw."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from cooplevier.report.wheel import wheel_svg

    ids = [lv.id for lv in pack.levers]
    scores = st.dictionaries(st.sampled_from(ids), st.one_of(st.none(), st.floats(1, 5)), max_size=len(ids))

    @settings(max_examples=30, deadline=None)
    @given(st.lists(scores, min_size=1, max_size=3))
    def draw(levers: list[dict[str, float | None]]) -> None:
        drawn = [WheelSeries(f"s{n}", lv) for n, lv in enumerate(levers)]
        assert wheel_png(pack, drawn)[:4] == b"\x89PNG"
        assert "<svg" in str(wheel_svg(pack, drawn, title="t"))

    draw()
