"""Pages: templates rendered through the project's one Jinja environment, static files, QR codes.

Every page's prose is in `templates/atelier/`. Text a participant typed is always passed as a
value (autoescaped) and shown inside `<bdi class="u">`, so that a later typography filter over the
page can leave it untouched.
"""

from __future__ import annotations

import functools
import hashlib
from typing import Any

from starlette.responses import HTMLResponse, Response

from cooplevier.numbers import score as fr_score
from cooplevier.resources import shipped_dir

STATIC = {"atelier.css": "text/css; charset=utf-8", "refresh.js": "text/javascript; charset=utf-8"}
STATIC["countdown.js"] = "text/javascript; charset=utf-8"  # the phones' countdown (atelier.facilitation.pacing)


@functools.cache
def static_file(name: str) -> tuple[bytes, str, str]:
    """A static asset from `templates/atelier/` (a fixed list: no path is ever built from a request)."""
    data = (shipped_dir("templates") / "atelier" / name).read_bytes()
    return data, STATIC[name], hashlib.sha256(data).hexdigest()[:12]


def static_response(name: str) -> Response:
    if name not in STATIC:
        return not_found()
    data, media, _ = static_file(name)
    return Response(data, media_type=media, headers={"cache-control": "private, max-age=86400"})


def asset_version(name: str) -> str:
    return static_file(name)[2]


@functools.cache
def template(name: str) -> Any:
    """A compiled page template, loaded once: the server does not re-check template files on
    every request (the project's environment does, which costs a file status per page)."""
    return _environment().get_template(f"atelier/{name}")


@functools.cache
def _environment() -> Any:
    """The project's HTML environment, as an overlay that never re-reads a template it has loaded
    (a status call per template and per page otherwise: slow where system calls are dear)."""
    from cooplevier.report.templating import environment

    return environment(None, flavour="html").overlay(auto_reload=False)


def render(name: str, context: dict[str, Any]) -> str:
    """A page, typeset (typography.py); what people typed is in `<bdi class="u">` or form fields,
    which the typesetter leaves as typed."""
    from cooplevier.typography import typeset_html

    base = {"css_version": asset_version("atelier.css"), "js_version": asset_version("refresh.js"), "num": fr_score}
    return typeset_html(str(template(name).render(**base, **context)))


def page(name: str, context: dict[str, Any], status: int = 200, *, headers: dict[str, str] | None = None) -> Response:
    return HTMLResponse(render(name, context), status_code=status, headers=headers)


def not_found() -> Response:
    """The same answer for a wrong code, a wrong key and a page that does not exist."""
    return page("error.html.j2", {"kind": "not_found", "back": None}, 404)


def refused(kind: str, status: int, back: str | None = None) -> Response:
    return page("error.html.j2", {"kind": kind, "back": back}, status)


@functools.cache
def qr_svg(url: str, *, scale: int = 10, title: str = "") -> str:
    """The QR code of `url` as an SVG element (segno), scalable by CSS."""
    import io

    import segno

    qr = segno.make(url, error="m")
    out = io.BytesIO()
    qr.save(
        out,
        kind="svg",
        scale=scale,
        border=4,
        xmldecl=False,
        svgns=True,
        title=title or None,
        svgclass="qr",
        lineclass=None,
        dark="#000",
        light="#fff",
        omitsize=True,
    )
    return out.getvalue().decode("utf-8")


def qr_text(url: str) -> str:
    """The QR code of `url` in block characters, for the terminal (dark on light, any font)."""
    import io

    import segno

    out = io.StringIO()
    segno.make(url, error="m").terminal(out=out, compact=True, border=2)
    return out.getvalue()
