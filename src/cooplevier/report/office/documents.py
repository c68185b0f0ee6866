"""Editable documents (DOCX, ODT) and the wheel picture that goes with Markdown.

Both documents are made from the Markdown rendering of the same templates (`document.py`), with
the wheel drawn as a PNG (`wheel_png.py`): what the Markdown says, Word and LibreOffice say.
python-docx, odfpy and Pillow are imported only here, only for these formats.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cooplevier.content.model import Pack
    from cooplevier.report.plan import Plan
    from cooplevier.scoring.synthesis import Synthesis

WHEEL_NAME = "roue.png"  # the picture's name inside the Markdown that the documents are read from


def wheel_image(pack: Pack, series: Sequence[Any]) -> bytes:
    from cooplevier.report.office.wheel_png import wheel_png

    return wheel_png(pack, series)


def data_uri(png: bytes) -> str:
    """The wheel inside the Markdown itself, for a report written to standard output."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _document(markdown: str, png: bytes, fmt: str) -> bytes:
    from cooplevier.report.office.document import from_markdown

    document = from_markdown(markdown, images={WHEEL_NAME: png})
    if fmt == "docx":
        from cooplevier.report.office.docx import to_docx

        return to_docx(document)
    from cooplevier.report.office.odt import to_odt

    return to_odt(document)


def plan_document(plan: Plan, pack: Pack, fmt: str, *, template_dir: Path | None = None) -> bytes:
    """The action plan as a .docx or .odt file."""
    from cooplevier.report.plan_view import plan_series, render_plan

    png = wheel_image(pack, plan_series(plan))
    markdown = render_plan(plan, pack=pack, fmt="md", template_dir=template_dir, wheel_src=WHEEL_NAME)
    return _document(markdown, png, fmt)


def synthesis_document(
    syn: Synthesis, pack: Pack, fmt: str, *, template_dir: Path | None = None, notes: str | None = None
) -> bytes:
    """The workshop synthesis as a .docx or .odt file; `notes`: « Conclusions de l'atelier »."""
    from cooplevier.report.synthesis import group_series, render_synthesis

    png = wheel_image(pack, group_series(syn, pack))
    markdown = render_synthesis(syn, pack, fmt="md", template_dir=template_dir, wheel_src=WHEEL_NAME, notes=notes)
    return _document(markdown, png, fmt)
