"""The workshop synthesis written as a document (its formats), and the facilitator's notes read."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def synthesis_output(
    syn: Any, pack: Any, fmt: str, template: Path | None, image: Path | None, notes: str | None
) -> tuple[str | bytes, bytes | None]:
    """The workshop synthesis as a document or text, and its wheel picture for a Markdown file."""
    from cooplevier.report.synthesis import group_series, render_synthesis

    if fmt in ("docx", "odt"):
        from cooplevier.report.office import documents as office

        return office.synthesis_document(syn, pack, fmt, template_dir=template, notes=notes), None
    if fmt == "pdf":
        from cooplevier.report.pdf import html_to_pdf

        return html_to_pdf(render_synthesis(syn, pack, fmt="html", template_dir=template, notes=notes)), None
    if fmt != "md":
        return render_synthesis(syn, pack, fmt=fmt, template_dir=template, notes=notes), None
    from cooplevier.cli.report_commands import _wheel_picture

    src, png = _wheel_picture(pack, group_series(syn, pack), image)
    return render_synthesis(syn, pack, fmt=fmt, template_dir=template, wheel_src=src, notes=notes), png


MAX_NOTES_BYTES = 256 * 1024  # a page or two of conclusions, not a document


def read_notes(path: Path | None) -> str | None:
    """The facilitator's « Conclusions de l'atelier » (plain text or Markdown), read as any user file."""
    if path is None:
        return None
    from cooplevier.cli.console import message
    from cooplevier.textfile import read_text

    text, warnings = read_text(path, max_bytes=MAX_NOTES_BYTES)
    for warning in warnings:
        message(warning)
    return text.replace("\r\n", "\n")
