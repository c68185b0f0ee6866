"""French typography at render time: no-break spaces, nested quotes, one ellipsis; nothing else.

The content files and the catalogue keep ordinary spaces (they are edited by hand on any
keyboard); what people read is typeset here:

- a fine no-break space (U+202F) instead of the space before « ; », « ! », « ? »;
- a no-break space (U+00A0) instead of the space before « : », and inside « » (after « and
  before »), added where it is missing;
- “ ” for guillemets nested inside « » (« des « démarches » » becomes « des “démarches” »);
- « … » for three dots.

Only an existing space becomes a no-break one before « ; ! ? : », so an entity (``&#39;``), a
URL query or ``a:b`` is never touched. `typeset()` works on one run of prose. `typeset_html()`
and `typeset_markdown()` work on a rendered document: they skip tags and their attributes,
``<style>``, ``<script>``, code, form fields, URLs, and every span marked with `protect()` or set
in ``<bdi class="u">`` (the workshop pages) — the text a user typed (territory, names, comments,
file names), which is printed exactly as typed.
"""

from __future__ import annotations

import functools
import re

NNBSP = "\u202f"  # espace fine insécable
NBSP = "\u00a0"  # espace insécable
LAQUO, RAQUO = chr(0xAB), chr(0xBB)
LDQUO, RDQUO = "\u201c", "\u201d"
ELLIPSIS = "\u2026"
# Noncharacters, reserved by Unicode for a program's internal use: they never come from a file.
KEEP_OPEN, KEEP_CLOSE = "\ufdd0", "\ufdd1"

_SPACE = f"[ \t{NBSP}{NNBSP}]"
# What may follow a « ; ! ? : » that ends a clause: not a word, a path, an assignment, a URL.
_ENDS = r"(?![\w/=:])"
_PROSE = re.compile(
    f"(?P<open>{LAQUO}{_SPACE}*)"
    f"|(?P<close>{_SPACE}*{RAQUO})"
    f"|(?P<fine>[ \t{NBSP}]+)(?=[;!?]{_ENDS})"
    f"|(?P<colon>[ \t{NNBSP}]+)(?=:{_ENDS})"
    r"|(?P<dots>(?<!\.)\.\.\.(?!\.))"
)
# A character without which _PROSE cannot match: a run without any is left as it is, unscanned
# (most runs of a page; the search for one character of a class is far quicker than _PROSE's).
_CUES = re.compile(f"[{LAQUO}{RAQUO};!?:.]")


class Typesetter:
    """Typesets runs of prose one after the other, carrying the quotation depth between them.

    A document is cut into runs by its tags and protected spans; « x <b>y</b> » or
    « {territoire} » must still pair their guillemets, hence the state. `reset()` at the end of a
    block (a paragraph, a list item, a table cell) so that one stray « cannot turn every later
    quotation into “ ”.
    """

    def __init__(self, depth: int = 0) -> None:
        self.depth = depth

    def reset(self) -> None:
        self.depth = 0

    def _sub(self, match: re.Match[str]) -> str:
        kind = match.lastgroup
        if kind == "open":
            self.depth += 1
            return LAQUO + NBSP if self.depth == 1 else LDQUO
        if kind == "close":
            if self.depth >= 2:
                self.depth -= 1
                return RDQUO
            self.depth = 0
            return NBSP + RAQUO
        if kind == "fine":
            return NNBSP
        if kind == "colon":
            return NBSP
        return ELLIPSIS

    def run(self, text: str) -> str:
        if _CUES.search(text) is None:
            return text
        return _PROSE.sub(self._sub, text)


def typeset(text: str, *, depth: int = 0) -> str:
    """One run of prose, typeset. `depth=1`: the text is printed inside « », so its own
    guillemets become “ ”."""
    return Typesetter(depth).run(text)


def inner(text: str) -> str:
    """Content that a sentence puts between « »: typeset, its own guillemets turned into “ ”."""
    return typeset(text, depth=1)


@functools.lru_cache(maxsize=4096)
def typeset_template(template: str) -> str:
    """A catalogue sentence, typeset before its values are put in (so they stay as given)."""
    return typeset(template)


def protect(text: str) -> str:
    """Mark user text so that the document filters leave it exactly as typed."""
    return f"{KEEP_OPEN}{text}{KEEP_CLOSE}"


def unprotect(text: str) -> str:
    """Drop the marks of `protect()` (for outputs that are not typeset, and after typesetting)."""
    return text.replace(KEEP_OPEN, "").replace(KEEP_CLOSE, "")


_KEPT = f"{KEEP_OPEN}[^{KEEP_CLOSE}]*{KEEP_CLOSE}"
_HTML = re.compile(
    f"(?P<keep>{_KEPT}"
    r"|<!--.*?-->"
    r"|<(?P<raw>style|script|code|pre|kbd|samp|textarea)\b.*?</(?P=raw)\s*>"
    r'|<bdi class="u">.*?</bdi>'  # text a person typed, as the workshop pages mark it
    r"|https?://[^\s<>\"]+)"
    r"|(?P<tag></?(?P<name>[a-zA-Z][\w-]*)[^>]*>|<![^>]*>)",
    re.DOTALL,
)
# The end (or start) of these elements ends a block of prose: the quotation depth starts afresh.
_BLOCKS = frozenset(
    {
        "p",
        "li",
        "td",
        "th",
        "dt",
        "dd",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "div",
        "section",
        "article",
        "header",
        "footer",
        "main",
        "figcaption",
        "caption",
        "tr",
        "ul",
        "ol",
        "table",
        "title",
        "body",
    }
)


def typeset_html(html: str) -> str:
    """A rendered HTML document, typeset in its text only (see the module's docstring)."""
    setter = Typesetter()
    out: list[str] = []
    position = 0
    for match in _HTML.finditer(html):
        out.append(setter.run(html[position : match.start()]))
        out.append(match.group(0))
        name = match.group("name")
        if name and name.lower() in _BLOCKS:
            setter.reset()
        position = match.end()
    out.append(setter.run(html[position:]))
    return unprotect("".join(out))


_MARKDOWN = re.compile(
    f"(?P<keep>{_KEPT}"
    r"|^[ \t]*(?P<fence>```|~~~)[^\n]*\n.*?^[ \t]*(?P=fence)[^\n]*$"
    r"|(?P<ticks>`+)[^\n]*?(?P=ticks)"
    r"|\]\([^)\n]*\)"
    r"|<[a-zA-Z/!][^>\n]*>"
    r"|https?://[^\s<>)]+)"
    r"|(?P<newline>\n)",
    re.DOTALL | re.MULTILINE,
)


def typeset_markdown(text: str) -> str:
    """A rendered Markdown document, typeset outside code (spans and fenced blocks), link targets,
    inline HTML, URLs and protected spans; each line is its own block of prose."""
    setter = Typesetter()
    out: list[str] = []
    position = 0
    for match in _MARKDOWN.finditer(text):
        out.append(setter.run(text[position : match.start()]))
        out.append(match.group(0))
        if match.group("newline"):
            setter.reset()
        position = match.end()
    out.append(setter.run(text[position:]))
    return unprotect("".join(out))
