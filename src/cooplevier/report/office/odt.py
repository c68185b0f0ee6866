"""The document model (`document.py`) written as an OpenDocument text (.odt) with odfpy.

French administrations exchange documents in ODF (the RGI). Headings are `text:h` elements with
their outline level and LibreOffice's « Heading N » styles (the Navigator lists them), tables
have a repeated header row and set column widths, the page is A4 with « Page N sur M » in the
footer, and the wheel is an embedded PNG with its text alternative.
"""

from __future__ import annotations

import io
from typing import Any

from cooplevier.messages import t
from cooplevier.report.office.document import Document, Heading, Inline, ListBlock, Paragraph, Picture, Rule, Table

TEXT_WIDTH_CM = 17.0
FONT = "Arial"  # as in the DOCX; LibreOffice shows the metric-compatible Liberation Sans
MONO = "Courier New"
_SIZES = {1: "17pt", 2: "14pt", 3: "12pt", 4: "11pt"}


def to_odt(document: Document) -> bytes:
    """The OpenDocument text file of `document`."""
    from odf.opendocument import OpenDocumentText  # type: ignore[import-untyped]

    doc = OpenDocumentText()
    styles = _Styles(doc)
    _meta(doc, document.title)
    body = doc.text
    for index, block in enumerate(document.blocks):
        if isinstance(block, Heading):
            body.addElement(styles.heading(block))
        elif isinstance(block, Paragraph):
            body.addElement(styles.paragraph(block.runs, "Lead" if block.lead else "Standard"))
        elif isinstance(block, ListBlock):
            body.addElement(styles.list(block))
        elif isinstance(block, Table):
            body.addElement(styles.table(block, index))
            body.addElement(styles.paragraph(()))
        elif isinstance(block, Picture):
            body.addElement(styles.picture(block, index))
        elif isinstance(block, Rule):
            body.addElement(styles.paragraph((), "Rule"))
    out = io.BytesIO()
    doc.write(out)
    return out.getvalue()


def _meta(doc: Any, title: str) -> None:
    from odf.dc import Language, Title  # type: ignore[import-untyped]

    doc.meta.addElement(Title(text=title))
    doc.meta.addElement(Language(text="fr-FR"))


class _Styles:
    """The styles of the document, made once, and the elements that use them."""

    def __init__(self, doc: Any) -> None:
        from odf.style import (  # type: ignore[import-untyped]
            FontFace,
            Footer,
            GraphicProperties,
            MasterPage,
            PageLayout,
            PageLayoutProperties,
            ParagraphProperties,
            Style,
            TableCellProperties,
            TextProperties,
        )
        from odf.text import P, PageCount, PageNumber  # type: ignore[import-untyped]

        self.doc = doc
        lang = {"language": "fr", "country": "FR"}
        for name, generic in ((FONT, "swiss"), (MONO, "modern")):
            doc.fontfacedecls.addElement(
                FontFace(
                    name=name,
                    fontfamily=name,
                    fontfamilygeneric=generic,
                    fontpitch="variable" if generic == "swiss" else "fixed",
                )
            )
        default = Style(name="Standard", family="paragraph")
        default.addElement(TextProperties(fontsize="10.5pt", fontname=FONT, **lang))
        default.addElement(ParagraphProperties(marginbottom="0.2cm"))
        doc.styles.addElement(default)
        for level, size in _SIZES.items():
            style = Style(
                name=f"Heading_20_{level}",
                displayname=f"Heading {level}",
                family="paragraph",
                parentstylename="Standard",
                defaultoutlinelevel=str(level),
            )
            style.addElement(TextProperties(fontsize=size, fontweight="bold", color="#1b2a3a"))
            style.addElement(ParagraphProperties(margintop="0.45cm", marginbottom="0.2cm", keepwithnext="always"))
            doc.styles.addElement(style)
        self.text: dict[tuple[bool, bool, bool], Any] = {}
        for bold in (False, True):
            for italic in (False, True):
                for code in (False, True):
                    props: dict[str, str] = {}
                    if bold:
                        props["fontweight"] = "bold"
                    if italic:
                        props["fontstyle"] = "italic"
                    if code:
                        props["fontname"] = MONO
                    style = Style(name=f"T{int(bold)}{int(italic)}{int(code)}", family="text")
                    style.addElement(TextProperties(**props))
                    doc.automaticstyles.addElement(style)
                    self.text[(bold, italic, code)] = style

        def paragraph(name: str, parent: str, *properties: Any) -> Any:
            style = Style(name=name, family="paragraph", parentstylename=parent)
            for prop in properties:
                style.addElement(prop)
            doc.styles.addElement(style)
            return style

        self.cell_text = paragraph(
            "CellText", "Standard", TextProperties(fontsize="9pt"), ParagraphProperties(marginbottom="0cm")
        )
        self.cell_right = paragraph("CellRight", "CellText", ParagraphProperties(textalign="end"))
        self.cell_small = paragraph("CellSmall", "CellText", TextProperties(fontsize="8pt"))
        self.cell_small_right = paragraph("CellSmallRight", "CellSmall", ParagraphProperties(textalign="end"))
        self.centred = paragraph("Centred", "Standard", ParagraphProperties(textalign="center"))
        paragraph("Lead", "Standard", ParagraphProperties(keepwithnext="always"))
        paragraph("Rule", "Standard", ParagraphProperties(borderbottom="0.5pt solid #808080"))
        self.cell = Style(name="Cell", family="table-cell")
        self.cell.addElement(TableCellProperties(border="0.5pt solid #808080", padding="0.08cm"))
        doc.automaticstyles.addElement(self.cell)
        self.head_cell = Style(name="HeadCell", family="table-cell")
        self.head_cell.addElement(
            TableCellProperties(border="0.5pt solid #808080", padding="0.08cm", backgroundcolor="#dde4ee")
        )
        doc.automaticstyles.addElement(self.head_cell)
        self.frame = Style(name="Picture", family="graphic")
        self.frame.addElement(GraphicProperties(anchortype="as-char", verticalpos="top", verticalrel="baseline"))
        doc.automaticstyles.addElement(self.frame)
        layout = PageLayout(name="A4")
        layout.addElement(
            PageLayoutProperties(
                pagewidth="21cm",
                pageheight="29.7cm",
                printorientation="portrait",
                margintop="2cm",
                marginbottom="1.5cm",
                marginleft="2cm",
                marginright="2cm",
            )
        )
        doc.automaticstyles.addElement(layout)
        master = MasterPage(name="Standard", pagelayoutname=layout)
        footer = Footer()
        line = P(stylename=self.centred, text=t("doc.page"))
        line.addElement(PageNumber(selectpage="current", text="1"))
        line.addText(t("doc.of"))
        line.addElement(PageCount(text="1"))
        footer.addElement(line)
        master.addElement(footer)
        doc.masterstyles.addElement(master)
        self.bullets, self.numbers = self._list_styles()

    def _list_styles(self) -> tuple[Any, Any]:
        from odf.style import ListLevelProperties
        from odf.text import ListLevelStyleBullet, ListLevelStyleNumber, ListStyle

        def sub_levels(style: Any) -> None:  # sub-lists of either kind: dashes, then small bullets
            for depth, char in ((2, "–"), (3, "◦")):
                sub = ListLevelStyleBullet(level=str(depth), bulletchar=char)
                indent = f"{0.3 + 0.7 * (depth - 1):.1f}cm"
                sub.addElement(ListLevelProperties(spacebefore=indent, minlabelwidth="0.5cm"))
                style.addElement(sub)

        bullets = ListStyle(name="Bullets")
        level = ListLevelStyleBullet(level="1", bulletchar="•")
        level.addElement(ListLevelProperties(spacebefore="0.3cm", minlabelwidth="0.5cm"))
        bullets.addElement(level)
        sub_levels(bullets)
        numbers = ListStyle(name="Numbers")
        level = ListLevelStyleNumber(level="1", numformat="1", numsuffix=".")
        level.addElement(ListLevelProperties(spacebefore="0.3cm", minlabelwidth="0.6cm"))
        numbers.addElement(level)
        sub_levels(numbers)
        self.doc.automaticstyles.addElement(bullets)
        self.doc.automaticstyles.addElement(numbers)
        return bullets, numbers

    def _fill(self, element: Any, runs: Inline) -> Any:
        from odf.text import Span

        for run in runs:
            if run.bold or run.italic or run.code:
                element.addElement(Span(stylename=self.text[(run.bold, run.italic, run.code)], text=run.text))
            else:
                element.addText(run.text)
        return element

    def heading(self, block: Heading) -> Any:
        from odf.text import H

        level = min(block.level, 4)
        return self._fill(H(outlinelevel=level, stylename=f"Heading_20_{level}"), block.runs)

    def paragraph(self, runs: Inline, style: str = "Standard") -> Any:
        from odf.text import P

        return self._fill(P(stylename=style), runs)

    def list(self, block: ListBlock) -> Any:
        from odf.text import List, ListItem, P

        element = List(stylename=self.numbers if block.ordered else self.bullets)
        # the open list at each depth, and its last item (where a sub-list goes)
        open_lists: list[Any] = [element]
        last: list[Any] = []
        for index, runs in enumerate(block.items):
            level = min(block.level(index), len(last))  # a sub-list needs an item above it
            del open_lists[level + 1 :], last[level:]
            if level == len(open_lists):
                sub = List()
                last[level - 1].addElement(sub)
                open_lists.append(sub)
            item = ListItem()
            item.addElement(self._fill(P(stylename="Standard"), runs))
            open_lists[level].addElement(item)
            last.append(item)
        return element

    def table(self, block: Table, index: int) -> Any:
        from odf.style import Style, TableColumnProperties, TableProperties, TableRowProperties
        from odf.table import Table as OdfTable  # type: ignore[import-untyped]
        from odf.table import TableCell, TableColumn, TableHeaderRows, TableRow
        from odf.text import P

        style = Style(name=f"Tab{index}", family="table")
        style.addElement(TableProperties(width=f"{TEXT_WIDTH_CM}cm", align="margins"))
        self.doc.automaticstyles.addElement(style)
        table = OdfTable(name=f"Tableau{index}", stylename=style)
        small = block.font_pt() < 9
        plain, right = (self.cell_small, self.cell_small_right) if small else (self.cell_text, self.cell_right)
        for c, width in enumerate(block.widths()):
            column = Style(name=f"Tab{index}C{c}", family="table-column")
            column.addElement(TableColumnProperties(columnwidth=f"{TEXT_WIDTH_CM * width:.2f}cm"))
            self.doc.automaticstyles.addElement(column)
            table.addElement(TableColumn(stylename=column))

        whole = Style(name=f"Tab{index}R", family="table-row")  # a row is never cut across two pages
        whole.addElement(TableRowProperties(keeptogether="always"))
        self.doc.automaticstyles.addElement(whole)

        def row(cells: tuple[Inline, ...], head: bool) -> Any:
            element = TableRow(stylename=whole)
            for c in range(len(block.head)):
                runs = cells[c] if c < len(cells) else ()
                cell = TableCell(stylename=self.head_cell if head else self.cell, valuetype="string")
                right_align = c < len(block.align) and block.align[c] == "right"
                para = P(stylename=right if right_align else plain)
                if head:
                    runs = tuple(type(r)(r.text, True, r.italic, r.code) for r in runs)
                cell.addElement(self._fill(para, runs))
                element.addElement(cell)
            return element

        header = TableHeaderRows()
        header.addElement(row(block.head, True))
        table.addElement(header)
        for cells in block.rows:
            table.addElement(row(cells, False))
        return table

    def picture(self, block: Picture, index: int) -> Any:
        from odf.draw import Frame, Image  # type: ignore[import-untyped]
        from odf.svg import Desc, Title  # type: ignore[import-untyped]
        from odf.text import P
        from PIL import Image as PILImage

        with PILImage.open(io.BytesIO(block.data)) as picture:
            width, height = picture.size
        href = self.doc.addPicture(f"Pictures/roue-{index}.png", mediatype="image/png", content=block.data)
        frame = Frame(
            stylename=self.frame,
            width=f"{block.width_cm}cm",
            height=f"{block.width_cm * height / width:.2f}cm",
            anchortype="as-char",
            name=f"Roue{index}",
        )
        frame.addElement(Image(href=href))
        frame.addElement(Title(text=block.alt))
        frame.addElement(Desc(text=block.alt))
        paragraph = P(stylename=self.centred)
        paragraph.addElement(frame)
        return paragraph
