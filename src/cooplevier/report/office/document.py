"""A small document model shared by the DOCX and ODT writers, read from the Markdown report.

The plan and the synthesis are written once, in `templates/*.md.j2`; their Markdown rendering is
parsed here (markdown-it-py, CommonMark with tables) into headings, paragraphs, lists, tables and
pictures. Both writers take this model, so the Word and the LibreOffice documents can never say
different things, and a facilitator who edits a template changes all three outputs at once.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

Align = Literal["left", "right", "center"]
TABLE_CHARACTERS = 100  # of table text (9 pt) across the 17 cm of an A4 page between margins


@dataclass(frozen=True, slots=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False


Inline = tuple[Run, ...]


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    runs: Inline

    @property
    def text(self) -> str:
        return plain(self.runs)


@dataclass(frozen=True, slots=True)
class Paragraph:
    runs: Inline

    @property
    def lead(self) -> bool:
        """A short line all in bold (« Points de vigilance »): it introduces what follows, and is
        kept on the same page as it."""
        return bool(self.runs) and all(r.bold for r in self.runs if r.text.strip()) and len(plain(self.runs)) < 80


@dataclass(frozen=True, slots=True)
class ListBlock:
    ordered: bool
    items: tuple[Inline, ...]
    start: int = 1
    levels: tuple[int, ...] = ()  # each item's depth: 0, or 1 for a sub-list (only the top level is numbered)

    def level(self, index: int) -> int:
        return self.levels[index] if index < len(self.levels) else 0


@dataclass(frozen=True, slots=True)
class Table:
    head: tuple[Inline, ...]
    rows: tuple[tuple[Inline, ...], ...]
    align: tuple[Align, ...]

    def widths(self) -> tuple[float, ...]:
        """Relative column widths (summing to 1) from the length of their text, as a reader would
        size them: long labels wide, numbers narrow, none under a minimum."""
        least, wish = [], []
        for index in range(len(self.head)):
            cells = [self.head[index], *(row[index] for row in self.rows if index < len(row))]
            lengths = sorted(len(plain(cell)) for cell in cells)
            typical = float(lengths[max(0, int(len(lengths) * 0.9) - 1)])
            # a word is never cut: the longest one (« Moyenne », « 2,25 ») sets the least width
            words = [len(w) for cell in cells[1:] for w in plain(cell).split()]
            words += [round(len(w) * 1.1) for w in plain(cells[0]).split()]  # the header is bold
            word = float(min(18, max(words, default=1)))
            least.append(word + 2.0)  # and the cell's padding
            wish.append(max(word + 2.0, min(60.0, typical)))
        budget = TABLE_CHARACTERS * 9.0 / self.font_pt()
        if sum(least) >= budget:  # too many columns: every one at its least, all scaled alike
            return tuple(n / sum(least) for n in least)
        spare = budget - sum(least)
        extra = [w - n for w, n in zip(wish, least, strict=True)]
        share = min(1.0, spare / sum(extra)) if sum(extra) else 0.0
        sizes = [n + e * share for n, e in zip(least, extra, strict=True)]
        return tuple(s / sum(sizes) for s in sizes)

    def font_pt(self) -> float:
        """Table text size: 9 pt, 8 pt for wide tables (the synthesis by role) so numbers stay whole."""
        return 9.0 if len(self.head) <= 6 else 8.0


@dataclass(frozen=True, slots=True)
class Picture:
    data: bytes
    alt: str
    width_cm: float = 13.0


@dataclass(frozen=True, slots=True)
class Rule:
    pass


Block = Heading | Paragraph | ListBlock | Table | Picture | Rule


@dataclass(frozen=True)
class Document:
    title: str
    blocks: tuple[Block, ...] = field(default=())

    def headings(self) -> list[Heading]:
        return [b for b in self.blocks if isinstance(b, Heading)]


def plain(runs: Sequence[Run]) -> str:
    return "".join(r.text for r in runs)


def from_markdown(text: str, *, images: Mapping[str, bytes] | None = None) -> Document:
    """The document of a Markdown report; `images` maps image sources (`plan-roue.png`) to PNG bytes."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    return _Builder(tokens, images or {}).build()


class _Builder:
    """Walks markdown-it's flat token stream once, keeping the block being built."""

    def __init__(self, tokens: Sequence[Any], images: Mapping[str, bytes]) -> None:
        self.tokens = tokens
        self.images = images
        self.blocks: list[Block] = []
        self.title = ""

    def build(self) -> Document:
        i = 0
        while i < len(self.tokens):
            i = self._block(i)
        return Document(self.title, tuple(self.blocks))

    def _block(self, i: int) -> int:
        tok = self.tokens[i]
        kind = tok.type
        if kind == "heading_open":
            runs = _inline(self.tokens[i + 1])
            level = int(tok.tag[1])
            if level == 1 and not self.title:
                self.title = plain(runs)
            self.blocks.append(Heading(level, runs))
            return i + 3
        if kind == "paragraph_open":
            inline = self.tokens[i + 1]
            picture = self._picture(inline)
            self.blocks.append(picture if picture is not None else Paragraph(_inline(inline)))
            return i + 3
        if kind in ("bullet_list_open", "ordered_list_open"):
            return self._list(i)
        if kind == "table_open":
            return self._table(i)
        if kind == "hr":
            self.blocks.append(Rule())
        return i + 1

    def _picture(self, inline: Any) -> Picture | None:
        children = [c for c in inline.children or () if not (c.type == "text" and not c.content.strip())]
        if len(children) != 1 or children[0].type != "image":
            return None
        image = children[0]
        src = str(image.attrGet("src") or "")
        alt = image.content or ""
        data = self.images.get(src)
        if data is None and src.startswith("data:image/png;base64,"):
            data = base64.b64decode(src.split(",", 1)[1])
        return Picture(data, alt) if data is not None else None

    def _list(self, i: int) -> int:
        """A list and its sub-lists, as items with their depth: an item's own text first, then
        the items of its sub-list one level down (never run into one paragraph)."""
        opening = self.tokens[i]
        lists = ("bullet_list_open", "ordered_list_open")
        entries: list[tuple[int, Inline]] = []
        current: list[Run] = []
        depth = 0

        def flush() -> None:
            if current:
                entries.append((min(depth, 2), tuple(current)))
                current.clear()

        i += 1
        while i < len(self.tokens):
            tok = self.tokens[i]
            if tok.type in lists:
                flush()
                depth += 1
            elif tok.type in ("bullet_list_close", "ordered_list_close"):
                if depth == 0:
                    break
                flush()
                depth -= 1
            elif tok.type == "list_item_close":
                flush()
            elif tok.type == "inline":
                if current:
                    current.append(Run(" "))
                current.extend(_inline(tok))
            i += 1
        start = int(opening.attrGet("start") or 1) if opening.type == "ordered_list_open" else 1
        items = tuple(runs for _, runs in entries)
        levels = tuple(level for level, _ in entries)
        self.blocks.append(ListBlock(opening.type == "ordered_list_open", items, start, levels))
        return i + 1

    def _table(self, i: int) -> int:
        head: list[Inline] = []
        rows: list[tuple[Inline, ...]] = []
        align: list[Align] = []
        row: list[Inline] = []
        in_head = False
        i += 1
        while self.tokens[i].type != "table_close":
            tok = self.tokens[i]
            if tok.type == "thead_open":
                in_head = True
            elif tok.type == "thead_close":
                in_head = False
            elif tok.type == "th_open":
                style = str(tok.attrGet("style") or "")
                align.append("right" if "right" in style else "center" if "center" in style else "left")
            elif tok.type == "inline":
                row.append(_inline(tok))
            elif tok.type == "tr_close":
                if in_head:
                    head = row
                else:
                    rows.append(tuple(row))
                row = []
            i += 1
        self.blocks.append(Table(tuple(head), tuple(rows), tuple(align)))
        return i + 1


def _inline(token: Any) -> Inline:
    """Runs of an inline token: bold, italic and code kept; links keep their text; breaks are spaces."""
    runs: list[Run] = []
    bold = italic = 0
    for child in token.children or ():
        kind = child.type
        if kind == "strong_open":
            bold += 1
        elif kind == "strong_close":
            bold -= 1
        elif kind == "em_open":
            italic += 1
        elif kind == "em_close":
            italic -= 1
        elif kind in ("text", "html_inline"):
            runs.append(Run(child.content, bold > 0, italic > 0))
        elif kind == "code_inline":
            runs.append(Run(child.content, bold > 0, italic > 0, code=True))
        elif kind in ("softbreak", "hardbreak"):
            runs.append(Run(" ", bold > 0, italic > 0))
        elif kind == "image":
            runs.append(Run(child.content, bold > 0, italic > 0))
    merged: list[Run] = []
    for run in runs:
        if merged and (merged[-1].bold, merged[-1].italic, merged[-1].code) == (run.bold, run.italic, run.code):
            merged[-1] = Run(merged[-1].text + run.text, run.bold, run.italic, run.code)
        else:
            merged.append(run)
    return tuple(merged)
