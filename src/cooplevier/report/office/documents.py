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


def image_beside(output: str) -> Path:
    """Where the wheel of a Markdown report goes: `plan.md` → `plan-roue.png`, same folder."""
    path = Path(output)
    return path.with_name(f"{path.stem}-{WHEEL_NAME}")


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
    """The workshop synthesis as a .docx or .odt file."""
    from cooplevier.report.synthesis import group_series, render_synthesis

    png = wheel_image(pack, group_series(syn, pack))
    markdown = render_synthesis(syn, pack, fmt="md", template_dir=template_dir, wheel_src=WHEEL_NAME, notes=notes)
    return _document(markdown, png, fmt)


def synthesis_output(
    syn: Synthesis, pack: Pack, fmt: str, template: Path | None, image: Path | None, notes: str | None
) -> tuple[str | bytes, bytes | None]:
    """The synthesis as a document or text (md, html, docx, odt, pdf), and the wheel picture that
    goes beside a Markdown file written to `image` (None: the picture goes inline, as a data URI)."""
    from cooplevier.report.synthesis import group_series, render_synthesis

    if fmt in ("docx", "odt"):
        return synthesis_document(syn, pack, fmt, template_dir=template, notes=notes), None
    if fmt == "pdf":
        from cooplevier.report.pdf import html_to_pdf

        return html_to_pdf(render_synthesis(syn, pack, fmt="html", template_dir=template, notes=notes)), None
    if fmt != "md":
        return render_synthesis(syn, pack, fmt=fmt, template_dir=template, notes=notes), None
    src, png = wheel_picture(pack, group_series(syn, pack), image)
    return render_synthesis(syn, pack, fmt=fmt, template_dir=template, wheel_src=src, notes=notes), png


MAX_NOTES_BYTES = 256 * 1024  # a page or two of conclusions, not a document


def read_notes(path: Path) -> tuple[str, tuple[str, ...]]:
    """The facilitator's « Conclusions de l'atelier » (plain text or Markdown), read as any user
    file (size bound, BOM, UTF-16, the cp1252 rule); (text, warnings about how it was read)."""
    from cooplevier.textfile import read_text

    text, warnings = read_text(path, max_bytes=MAX_NOTES_BYTES)
    return text.replace("\r\n", "\n"), warnings


def wheel_beside(output: str | None) -> Path | None:
    """The picture of a Markdown report written to a file (`plan.md` → `plan-roue.png`), checked early."""
    if output in (None, "-"):
        return None
    import os
    import stat

    try:  # /dev/stdout, a pipe, a terminal: nothing to put a picture beside, so it goes inline
        mode = os.stat(output).st_mode
        if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
            return None
    except OSError:
        pass  # a new file: the picture goes beside it
    return image_beside(str(output))


def wheel_picture(pack: Any, series: Any, image: Path | None) -> tuple[str, bytes]:
    """A Markdown report's wheel: the PNG, and how the text names it (the file beside, or a data URI)."""
    png = wheel_image(pack, series)
    return (image.name if image is not None else data_uri(png)), png
