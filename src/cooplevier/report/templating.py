"""The one Jinja2 environment for reports and handouts: autoescaped, strict, cached.

A user's template folder (`--template`) is rendered in Jinja's sandbox: a template is text to
fill, never a way to reach Python. Any error in a template is said with its file and line.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import jinja2
import jinja2.bccache

from cooplevier import cache, numbers
from cooplevier.errors import CooplevierError
from cooplevier.messages import t
from cooplevier.typography import KEEP_CLOSE, KEEP_OPEN, protect, typeset_html, typeset_markdown, unprotect

# Inline Markdown syntax (and HTML, entities, table pipes, strikethrough, pandoc math, superscript
# and citations): escaped anywhere.
_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~&$^@])")
# Block syntax only matters where a line starts: headings, lists, quotes, setext underlines.
_MD_LINE_START = re.compile(r"^([#+\-=>]|\d+(?=[.)]))")
# Only these are folded: a no-break space (typed by a user, or put by the typesetter) is kept.
_ASCII_SPACE = re.compile(r"[ \t\r\n\f\v]+")


def md_escape(value: Any) -> str:
    """Make user text inert in Markdown (and in the HTML that Markdown viewers produce).

    Only what Markdown would act on is escaped, so the file stays readable as plain text:
    `vice-présidents (DGS)` stays as is, `<script>` becomes `\\<script\\>`, a leading `1.`
    becomes `1\\.`. Ordinary whitespace, newlines included, is folded to single spaces; a
    no-break space is kept. A `protect()`ed value is escaped inside its marks.
    """
    text = str(value)
    if text.startswith(KEEP_OPEN) and text.endswith(KEEP_CLOSE):
        return protect(md_escape(text[1:-1]))
    text = _MD_INLINE.sub(r"\\\1", _ASCII_SPACE.sub(" ", text).strip(" "))
    match = _MD_LINE_START.match(text)
    if match is None:
        return text
    if match.group(1)[0].isdigit():
        end = match.end()
        return text[:end] + "\\" + text[end:]
    return "\\" + text


class CheckedBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates in a private folder, each file checked against its digest before use.

    Jinja keys an entry on the template's name and source and checks its own version header; the
    digest adds that a garbled or truncated file is ignored (and rebuilt), never loaded.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, bucket: jinja2.bccache.Bucket) -> Path:
        return self.folder / f"{bucket.key}.cache"

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            raw = self._path(bucket).read_bytes()
        except OSError:
            return
        check, body = raw[:32], raw[32:]
        if hashlib.sha256(body).digest() == check:
            bucket.bytecode_from_string(body)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        body = bucket.bytecode_to_string()
        tmp = self.folder / f".{bucket.key}.{os.getpid()}.tmp"
        try:
            tmp.write_bytes(hashlib.sha256(body).digest() + body)
            os.replace(tmp, self._path(bucket))
        except OSError:
            with contextlib.suppress(OSError):
                tmp.unlink()


def _sandbox() -> type[jinja2.Environment]:
    from jinja2.sandbox import SandboxedEnvironment

    class BoundedSandbox(SandboxedEnvironment):
        """Jinja's sandbox, and no `"x" * 10**9` or `9 ** 9 ** 9`: a user's template cannot make
        a value bigger than a document."""

        intercepted_binops = frozenset(["*", "**"])

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            sized = (str, bytes, list, tuple)
            if operator == "*":
                times, item = (right, left) if isinstance(left, sized) else (left, right)
                if isinstance(item, sized) and isinstance(times, int) and len(item) * times > MAX_OUTPUT:
                    raise jinja2.exceptions.SecurityError(t("template.value_too_big"))
            elif operator == "**" and isinstance(right, int) and abs(right) > 1000:
                raise jinja2.exceptions.SecurityError(t("template.value_too_big"))
            return super().call_binop(context, operator, left, right)

    return BoundedSandbox


Flavour = Literal["html", "md", "text"]


def flavour_of(name: str) -> Flavour:
    """How a template's output is escaped, by its name: `x.html.j2`, `x.md.j2`, else plain text."""
    if name.endswith(".md.j2"):
        return "md"
    return "html" if name.endswith(".html.j2") else "text"


@functools.cache
def environment(template_dir: str | None = None, *, flavour: Flavour = "html") -> jinja2.Environment:
    """An environment over the shipped templates (or a user's copy in `template_dir`).

    HTML templates are autoescaped; Markdown ones escape user text through the `md` filter;
    plain-text ones (the blank answer file) escape nothing. `StrictUndefined` turns a typo in a
    template into an error instead of an empty string.
    """
    from cooplevier.resources import shipped_dir

    search = [template_dir] if template_dir else []
    search.append(str(shipped_dir("templates")))
    kind = _sandbox() if template_dir else jinja2.Environment
    # The sandbox compiles other code for the same template: its entries must never be mixed in
    folder = cache.folder(f"jinja-{flavour}-sandbox" if template_dir else f"jinja-{flavour}")
    env = kind(
        loader=jinja2.FileSystemLoader(search),
        bytecode_cache=CheckedBytecodeCache(folder) if folder is not None else None,
        autoescape=flavour == "html",
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_escape
    env.filters["num"] = numbers.decimal
    env.filters["delta"] = numbers.delta
    env.filters["pct"] = numbers.percent
    env.tests["containing"] = _containing
    env.filters["long_date"] = long_date
    env.filters["code_spans"] = _code_spans_md if flavour == "md" else _code_spans_html
    return env


_CODE_SPAN = re.compile(r"`([^`]+)`")


def _code_spans_html(text: str) -> Any:
    """A prose text whose `backticked` parts are commands: escaped, with those parts in <code>."""
    from markupsafe import Markup, escape

    parts = _CODE_SPAN.split(str(text))
    return Markup("").join(
        escape(part) if i % 2 == 0 else Markup("<code>") + escape(part) + Markup("</code>")
        for i, part in enumerate(parts)
    )


def _code_spans_md(text: str) -> str:
    """The Markdown form: prose escaped, `backticked` commands kept as code spans."""
    parts = _CODE_SPAN.split(str(text))
    return "".join(_md_between(part) if i % 2 == 0 else f"`{part}`" for i, part in enumerate(parts))


def _md_between(part: str) -> str:
    """Prose between two code spans, escaped: the spaces at its ends stay (md_escape trims a whole
    text; here they separate the prose from the commands)."""
    core = part.strip(" ")
    if not core:
        return part
    return " " * (len(part) - len(part.lstrip(" "))) + md_escape(core) + " " * (len(part) - len(part.rstrip(" ")))


def long_date(value: object) -> str:
    """An ISO date as French writes it in a document: « 20 novembre 2026 », « 1er mars 2027 »."""
    import datetime as dt

    try:
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    except ValueError:
        return str(value)  # not a date: shown as given
    months = (
        t("month.1"),
        t("month.2"),
        t("month.3"),
        t("month.4"),
        t("month.5"),
        t("month.6"),
        t("month.7"),
        t("month.8"),
        t("month.9"),
        t("month.10"),
        t("month.11"),
        t("month.12"),
    )
    first = t("date.first") if day.day == 1 else str(day.day)
    return t("date.long", day=first, month=months[day.month - 1], year=day.year)


def _containing(value: object, part: str) -> bool:
    """`selectattr("text", "containing", "réf.")`: pick content items by a word they hold."""
    return part in str(value)


def render(name: str, context: dict[str, Any], *, template_dir: Path | None = None) -> str:
    """Render template `name` in the environment of its flavour (see `flavour_of`)."""
    flavour = flavour_of(name)
    env = environment(str(template_dir) if template_dir else None, flavour=flavour)
    try:
        text = _bounded(env.get_template(name).generate(**context), name, template_dir)
    except RecursionError as exc:  # a macro that calls itself, a template that extends itself
        file, line = _template_frame(exc)
        raise CooplevierError(t("template.recursion"), file=file or template_dir or name, line=line) from None
    except UnicodeDecodeError:
        raise CooplevierError(t("template.not_utf8"), file=template_dir or name) from None
    except jinja2.TemplateNotFound as exc:
        file, line = _template_frame(exc)  # an {% include %} of a missing template: say where
        raise CooplevierError(
            t("template.not_found", name=exc.name), file=file or template_dir or name, line=line
        ) from None
    except jinja2.TemplateSyntaxError as exc:
        problem = t("template.syntax", problem=exc.message)
        raise CooplevierError(problem, file=exc.filename or name, line=exc.lineno) from None
    except jinja2.exceptions.SecurityError as exc:
        file, line = _template_frame(exc)
        raise CooplevierError(t("template.unsafe", problem=str(exc)), file=file or name, line=line) from None
    except jinja2.UndefinedError as exc:
        file, line = _template_frame(exc)
        problem = t("template.undefined", problem=exc.message or "")
        raise CooplevierError(problem, file=file or name, line=line) from None
    except (TypeError, ValueError, ArithmeticError, LookupError, AttributeError) as exc:
        file, line = _template_frame(exc)
        if file is None:  # not raised inside a template: a bug of ours
            raise
        problem = t("template.runtime", problem=f"{type(exc).__name__}: {exc}")
        raise CooplevierError(problem, file=file, line=line) from None
    return _TYPESET[flavour](text)


MAX_OUTPUT = 64 * 1024 * 1024  # characters of one rendered document: the shipped ones are under 1 MB


def _bounded(chunks: Iterator[str], name: str, template_dir: Path | None) -> str:
    """The rendered text, refused past MAX_OUTPUT (a loop in a user's template fills no memory)."""
    out: list[str] = []
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > MAX_OUTPUT:
            raise CooplevierError(t("template.too_big", limit=MAX_OUTPUT // (1024 * 1024)), file=template_dir or name)
        out.append(chunk)
    return "".join(out)


# The finished document is typeset as a whole (typography.py): the guillemets of a template and
# those of the content it quotes pair up only there. Plain text (the blank answer file) is data.
_TYPESET = {"html": typeset_html, "md": typeset_markdown, "text": unprotect}


def _template_frame(exc: BaseException) -> tuple[str | None, int | None]:
    """The template file and line where `exc` was raised (Jinja keeps them in the traceback)."""
    found: tuple[str | None, int | None] = (None, None)
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):  # Jinja rewrites template frames to their file and line
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found
