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
from pathlib import Path
from typing import Any, Literal

import jinja2
import jinja2.bccache

from cooplevier import cache, numbers
from cooplevier.errors import CooplevierError
from cooplevier.messages import t

# Inline Markdown syntax (and HTML, entities, table pipes, strikethrough, pandoc math, superscript
# and citations): escaped anywhere.
_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~&$^@])")
# Block syntax only matters where a line starts: headings, lists, quotes, setext underlines.
_MD_LINE_START = re.compile(r"^([#+\-=>]|\d+(?=[.)]))")


def md_escape(value: Any) -> str:
    """Make user text inert in Markdown (and in the HTML that Markdown viewers produce).

    Only what Markdown would act on is escaped, so the file stays readable as plain text:
    `vice-présidents (DGS)` stays as is, `<script>` becomes `\\<script\\>`, a leading `1.`
    becomes `1\\.`. Whitespace, newlines included, is folded to single spaces.
    """
    text = _MD_INLINE.sub(r"\\\1", " ".join(str(value).split()))
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
    from jinja2.sandbox import SandboxedEnvironment

    from cooplevier.resources import shipped_dir

    search = [template_dir] if template_dir else []
    search.append(str(shipped_dir("templates")))
    kind = SandboxedEnvironment if template_dir else jinja2.Environment
    folder = cache.folder(f"jinja-{flavour}")
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
    return env


def render(name: str, context: dict[str, Any], *, template_dir: Path | None = None) -> str:
    """Render template `name` in the environment of its flavour (see `flavour_of`)."""
    env = environment(str(template_dir) if template_dir else None, flavour=flavour_of(name))
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateNotFound as exc:
        file, line = _template_frame(exc)  # an {% include %} of a missing template: say where
        raise CooplevierError(t("template.not_found", name=exc.name), file=file or template_dir or name,
                              line=line) from None
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
