"""Printing HTML to PDF: WeasyPrint when installed, else a headless Chrome, Edge or Chromium."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import tempfile
from pathlib import Path

from cooplevier.errors import CooplevierError
from cooplevier.messages import t

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_TIMEOUT = 120


def pdf_engine() -> str | None:
    """'weasyprint' if importable, else the path of a Chromium-like browser, else None."""
    if importlib.util.find_spec("weasyprint") is not None:
        return "weasyprint"
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def html_to_pdf(html: str) -> bytes:
    """Print HTML to PDF with WeasyPrint or headless Chromium; a clear French error otherwise."""
    engine = pdf_engine()
    if engine is None:
        raise CooplevierError(t("handout.no_pdf_engine"))
    if engine == "weasyprint":
        import weasyprint  # type: ignore[import-not-found,unused-ignore]

        data = weasyprint.HTML(string=html).write_pdf()
        return bytes(data)
    return chromium_pdf(html, engine)


def chromium_pdf(html: str, browser: str) -> bytes:
    """Print through headless Chromium in a throw-away profile and folder."""
    with tempfile.TemporaryDirectory(prefix="cooplevier-pdf-") as tmp:
        page = Path(tmp) / "handout.html"
        out = Path(tmp) / "handout.pdf"
        page.write_text(html, encoding="utf-8")
        cmd = [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={Path(tmp) / 'profile'}",
            f"--print-to-pdf={out}",
            "--no-pdf-header-footer",
            page.as_uri(),
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=CHROMIUM_TIMEOUT, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise CooplevierError(t("handout.pdf_failed", reason=type(exc).__name__)) from None
        if not out.is_file() or out.stat().st_size == 0:
            reason = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"code {proc.returncode}"]
            raise CooplevierError(t("handout.pdf_failed", reason=reason[0][:200]))
        return out.read_bytes()
