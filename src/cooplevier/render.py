"""The one Jinja2 environment for reports and handouts: autoescaped, strict, cached."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

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


def fr_number(value: float | None, digits: int = 1) -> str:
    """3.25 -> '3,3' (French decimal comma); None -> '—'."""
    if value is None:
        return "—"
    return f"{value:.{digits}f}".replace(".", ",")


@cache
def environment(template_dir: str | None = None, *, markdown: bool = False) -> jinja2.Environment:
    """An environment over the shipped templates (or a user's copy in `template_dir`).

    HTML templates are autoescaped; Markdown ones (`markdown=True`) escape through `md`.
    `StrictUndefined` turns a typo in a template into an error instead of an empty string.
    """
    from cooplevier.resources import shipped_dir

    search = [template_dir] if template_dir else []
    search.append(str(shipped_dir("templates")))
    from cooplevier.cache import template_cache

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(search),
        bytecode_cache=template_cache("md" if markdown else "html"),  # type: ignore[arg-type]
        autoescape=not markdown,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_escape
    env.filters["num"] = fr_number
    return env


def render(name: str, context: dict[str, Any], *, template_dir: Path | None = None) -> str:
    """Render template `name`; `.md.j2` templates get Markdown escaping instead of HTML's."""
    env = environment(str(template_dir) if template_dir else None, markdown=name.endswith(".md.j2"))
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateNotFound as exc:
        from cooplevier.errors import CooplevierError

        raise CooplevierError(f"modèle introuvable : {exc.name}", file=template_dir or name) from None
    except jinja2.TemplateSyntaxError as exc:
        from cooplevier.errors import CooplevierError

        raise CooplevierError(f"modèle invalide : {exc.message}", file=exc.filename or name, line=exc.lineno) from None
