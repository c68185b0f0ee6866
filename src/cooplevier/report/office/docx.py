"""The document model (`document.py`) written as a Word document with python-docx.

Headings use Word's built-in « Heading N » styles (the navigation pane and the table of contents
work, and LibreOffice maps them to its outline), tables are real tables with a repeated header
row, the page is A4 with « Page N sur M » in the footer, the wheel is a picture with its text
alternative, and the text is marked French so that the spelling checker reads it as such.
"""

from __future__ import annotations

import io
from typing import Any

from cooplevier.messages import t
from cooplevier.report.office.document import Document, Heading, Inline, ListBlock, Paragraph, Picture, Rule, Table

TEXT_WIDTH_CM = 17.0  # A4 less two 2 cm margins
FONT = "Arial"  # on every desktop; LibreOffice shows it as the metric-compatible Liberation Sans


def to_docx(document: Document) -> bytes:
    """The Word (.docx) file of `document`."""
    from docx import Document as new_document
    from docx.shared import Cm, Pt

    doc = new_document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    normal = doc.styles["Normal"]
    normal.font.size = Pt(10.5)
    for name in ("Normal", "Heading 1", "Heading 2", "Heading 3", "Heading 4", "Title"):
        _font(doc.styles[name], FONT)
    _french(doc)
    doc.core_properties.title = _property(document.title)
    doc.core_properties.language = "fr-FR"
    doc.core_properties.author = "cooplevier"
    _footer(section)
    for block in document.blocks:
        if isinstance(block, Heading):
            paragraph = doc.add_paragraph(style=f"Heading {min(block.level, 4)}")
            _runs(paragraph, block.runs)
        elif isinstance(block, Paragraph):
            paragraph = doc.add_paragraph()
            paragraph.paragraph_format.keep_with_next = block.lead or None
            _runs(paragraph, block.runs)
        elif isinstance(block, ListBlock):
            _list(doc, block)
        elif isinstance(block, Table):
            _table(doc, block)
        elif isinstance(block, Picture):
            _picture(doc, block)
        elif isinstance(block, Rule):
            _rule(doc.add_paragraph())
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _runs(paragraph: Any, runs: Inline) -> None:
    for item in runs:
        run = paragraph.add_run(item.text)
        run.bold = item.bold or None
        run.italic = item.italic or None
        if item.code:
            run.font.name = "Consolas"


def _font(style: Any, name: str) -> None:
    """A style's font for every script, theme fonts included (the default template uses them)."""
    from docx.oxml.ns import qn

    style.font.name = name
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), name)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(attr), None)


def _french(doc: Any) -> None:
    """Every run French by default (w:lang in the document defaults)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "fr-FR")


def _field(paragraph: Any, instruction: str) -> None:
    """A field (PAGE, NUMPAGES) that Word and LibreOffice compute when the page is laid out."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _footer(section: Any) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run(t("doc.page"))
    _field(paragraph, "PAGE")
    paragraph.add_run(t("doc.of"))
    _field(paragraph, "NUMPAGES")


def _list(doc: Any, block: ListBlock) -> None:
    from docx.shared import Cm

    number = block.start
    for index, item in enumerate(block.items):
        level = block.level(index)
        if level:  # a sub-list: Word's second and third bullet levels
            paragraph = doc.add_paragraph(style=f"List Bullet {level + 1}")
        elif block.ordered:  # numbered by hand: Word's « List Number » would run on across lists
            paragraph = doc.add_paragraph(style="List")
            paragraph.paragraph_format.left_indent = Cm(0.8)
            paragraph.paragraph_format.first_line_indent = Cm(-0.6)
            paragraph.add_run(f"{number}.\t")
            number += 1
        else:
            paragraph = doc.add_paragraph(style="List Bullet")
        _runs(paragraph, item)


def _table(doc: Any, block: Table) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    table = doc.add_table(rows=1 + len(block.rows), cols=len(block.head))
    table.style = "Table Grid"
    table.autofit = False
    widths = [Cm(TEXT_WIDTH_CM * w) for w in block.widths()]
    aligns = {"right": WD_ALIGN_PARAGRAPH.RIGHT, "center": WD_ALIGN_PARAGRAPH.CENTER, "left": None}
    margins = OxmlElement("w:tblCellMar")  # Word's 0.19 cm each side would squeeze the numbers
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), "57")
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    table._tbl.tblPr.append(margins)
    header = table.rows[0]
    repeat = OxmlElement("w:tblHeader")  # the header row again at the top of every page
    repeat.set(qn("w:val"), "true")
    header._tr.get_or_add_trPr().append(repeat)
    for c, width in enumerate(widths):
        table.columns[c].width = width  # the grid LibreOffice reads; Word reads the cells' widths
    for r, cells in enumerate([block.head, *block.rows]):
        row = table.rows[r]
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # a row is never cut across two pages
        for c, cell in enumerate(row.cells):
            cell.width = widths[c]
            paragraph = cell.paragraphs[0]
            paragraph.alignment = aligns[block.align[c] if c < len(block.align) else "left"]
            paragraph.paragraph_format.space_after = Pt(0)
            runs = cells[c] if c < len(cells) else ()
            _runs(paragraph, runs)
            for run in paragraph.runs:
                run.font.size = Pt(block.font_pt())
                if r == 0:
                    run.bold = True
            if r == 0:
                shade = OxmlElement("w:shd")
                shade.set(qn("w:val"), "clear")
                shade.set(qn("w:fill"), "DDE4EE")
                cell._tc.get_or_add_tcPr().append(shade)
    doc.add_paragraph()


def _picture(doc: Any, block: Picture) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm

    doc.add_picture(io.BytesIO(block.data), width=Cm(block.width_cm))
    paragraph = doc.paragraphs[-1]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for prop in paragraph._p.iter(qn("wp:docPr")):
        prop.set("descr", block.alt)  # the text alternative a screen reader says
        prop.set("title", block.alt)


def _rule(paragraph: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "808080")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _property(text: str, limit: int = 255) -> str:
    """A core property as Word keeps it: at most 255 characters (python-docx refuses more), so a
    long territory name shortens the document's title in its properties, never in its pages."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
