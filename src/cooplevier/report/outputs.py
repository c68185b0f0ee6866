"""Every report as a value: the document in the format asked, and the wheel's picture beside a
Markdown file (`files.Output`), for the command to `publish`.

One place chooses the renderer of each format: HTML, Markdown and JSON from the templates
(`plan_view`, `synthesis`), DOCX and ODT from the Markdown (`office/documents`). A new output
format of `report` is a branch here, a member of `ReportFormat` and a suffix in the command.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cooplevier.files import Output, Part, beside

if TYPE_CHECKING:
    from cooplevier.content.model import Pack
    from cooplevier.report.plan import Plan
    from cooplevier.scoring.synthesis import Synthesis

OFFICE = ("docx", "odt")
BINARY = (*OFFICE, "pdf")  # never written to a terminal
MAX_NOTES_BYTES = 256 * 1024  # a page or two of conclusions, not a document


def picture_beside(fmt: str, target: str | None) -> str | None:
    """The name of the wheel's file a report written to `target` brings (`plan.md` →
    `plan-roue.png`): a Markdown file only; None for any other format, or standard output."""
    if fmt != "md":
        return None
    from cooplevier.report.office.documents import WHEEL_NAME

    return beside(target, WHEEL_NAME)


def plan_output(
    plan: Plan, pack: Pack, fmt: str, *, template_dir: Path | None = None, picture: str | None = None
) -> Output:
    """One respondent's action plan; `picture`: the name of the wheel's file beside a Markdown
    document (None: the picture goes inside it)."""
    from cooplevier.report.plan_view import plan_series, render_plan

    if fmt in OFFICE:
        from cooplevier.report.office.documents import plan_document

        return Output.of(plan_document(plan, pack, fmt, template_dir=template_dir))
    if fmt == "pdf":  # printed from the HTML, through the handouts' browser path
        from cooplevier.report.pdf import html_to_pdf

        return Output.of(html_to_pdf(render_plan(plan, pack=pack, fmt="html", template_dir=template_dir)))
    if fmt != "md":
        return Output.of(render_plan(plan, pack=pack, fmt=fmt, template_dir=template_dir))
    src, attachments = _wheel(pack, plan_series(plan), picture)
    return Output.of(render_plan(plan, pack=pack, fmt=fmt, template_dir=template_dir, wheel_src=src), *attachments)


def synthesis_output(
    syn: Synthesis,
    pack: Pack,
    fmt: str,
    *,
    template_dir: Path | None = None,
    picture: str | None = None,
    notes: str | None = None,
) -> Output:
    """The workshop synthesis (every format but JSON, which `synthesis.write_json` streams);
    `notes`: the facilitator's « Conclusions de l'atelier »."""
    from cooplevier.report.synthesis import group_series, render_synthesis

    if fmt in OFFICE:
        from cooplevier.report.office.documents import synthesis_document

        return Output.of(synthesis_document(syn, pack, fmt, template_dir=template_dir, notes=notes))
    if fmt == "pdf":
        from cooplevier.report.pdf import html_to_pdf

        return Output.of(html_to_pdf(render_synthesis(syn, pack, fmt="html", template_dir=template_dir, notes=notes)))
    if fmt != "md":
        return Output.of(render_synthesis(syn, pack, fmt=fmt, template_dir=template_dir, notes=notes))
    src, attachments = _wheel(pack, group_series(syn, pack), picture)
    text = render_synthesis(syn, pack, fmt=fmt, template_dir=template_dir, wheel_src=src, notes=notes)
    return Output.of(text, *attachments)


def read_notes(path: Path) -> tuple[str, tuple[str, ...]]:
    """The facilitator's « Conclusions de l'atelier » (plain text or Markdown), read as any user
    file (size bound, BOM, UTF-16, the cp1252 rule); (text, warnings about how it was read)."""
    from cooplevier.textfile import read_text

    text, warnings = read_text(path, max_bytes=MAX_NOTES_BYTES)
    return text.replace("\r\n", "\n"), warnings


def _wheel(pack: Pack, series: Sequence[Any], picture: str | None) -> tuple[str, tuple[Part, ...]]:
    """A Markdown report's wheel: how the text names it (the file beside, or a data URI), and the file."""
    from cooplevier.report.office.documents import data_uri, wheel_image

    png = wheel_image(pack, series)
    if picture is None:
        return data_uri(png), ()
    return picture, (Part(png, picture),)
