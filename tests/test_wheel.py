"""The wheel SVG: structure, text alternative, escaping, overlays."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from cooplevier.content.model import Pack
from cooplevier.report.wheel import WheelSeries, wheel_svg

NS = "{http://www.w3.org/2000/svg}"
SCORES: dict[str, float | None] = {f"L{i}": 1 + (i % 5) for i in range(1, 11)}


def test_wheel_has_axes_spokes_rings_and_a_text_alternative(pack: Pack) -> None:
    svg = str(wheel_svg(pack, [WheelSeries("Pays", dict(SCORES, L4=None))], title="Roue"))
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert root.find(f"{NS}title").text == "Roue"  # type: ignore[union-attr]
    desc = root.find(f"{NS}desc").text or ""  # type: ignore[union-attr]
    assert "L1 Soigner les équilibres : 2" in desc and "L4 Mobiliser les élus locaux : non évalué" in desc
    text = " ".join("".join(t.itertext()) for t in root.iter(f"{NS}text"))
    for label in ("Impulsion politique", "Dialogue territorial", "Mise en mouvement", "Convergence"):
        assert label in text
    for i in range(1, 11):
        assert re.search(rf">L{i}<tspan[^>]*>(\d(,\d\d?)?|n\.é\.)<", svg)
    assert len([c for c in root.iter(f"{NS}circle") if c.get("fill") == "none"]) == 5  # rings 1..5
    assert len(root.findall(f"{NS}polygon")) == 1


def test_overlays_differ_by_stroke_not_only_colour(pack: Pack) -> None:
    series = [WheelSeries("Avant", SCORES), WheelSeries("Après", SCORES, dashed=True), WheelSeries("Élus", SCORES)]
    root = ET.fromstring(str(wheel_svg(pack, series, title="Comparaison")))
    areas = [p for p in root.findall(f"{NS}polygon") if p.get("stroke-width") in ("2.4", "2.0")]
    assert len(areas) == 3
    assert areas[0].get("stroke-dasharray") is None and areas[0].get("fill") != "none"
    dashes = {a.get("stroke-dasharray") for a in areas[1:]}
    assert None not in dashes and len(dashes) == 2
    legend = "".join("".join(t.itertext()) for t in root.iter(f"{NS}text"))
    assert "Avant" in legend and "Après" in legend and "Élus" in legend


def test_wheel_text_is_escaped(pack: Pack) -> None:
    nasty = '<script>x</script> & "q" {{ 1 }}'
    svg = str(wheel_svg(pack, [WheelSeries(nasty, SCORES), WheelSeries(nasty, SCORES)], title=nasty))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    root = ET.fromstring(svg)
    assert root.find(f"{NS}title").text == nasty  # type: ignore[union-attr]
