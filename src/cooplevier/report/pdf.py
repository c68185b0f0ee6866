"""Printing HTML to PDF: WeasyPrint when installed, else a headless Chrome, Edge or Chromium.

The browser is looked for on the PATH, then where its installer puts it on Windows and macOS:
most users never add a browser to their PATH, and Edge is on every Windows desktop.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

from cooplevier.errors import CooplevierError
from cooplevier.messages import t

CHROMIUM_NAMES = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
    "microsoft-edge",
    "microsoft-edge-stable",
    "msedge",
)
CHROMIUM_TIMEOUT = 120
# Under %PROGRAMFILES%, %PROGRAMFILES(X86)% and %LOCALAPPDATA% (a per-user install)
WINDOWS_BROWSERS = (
    ("Google", "Chrome", "Application", "chrome.exe"),
    ("Microsoft", "Edge", "Application", "msedge.exe"),
    ("Chromium", "Application", "chrome.exe"),
    ("Google", "Chrome Beta", "Application", "chrome.exe"),
)
WINDOWS_ROOTS = ("PROGRAMFILES", "PROGRAMFILES(X86)", "LOCALAPPDATA", "PROGRAMW6432")
# Under /Applications and ~/Applications
MACOS_BROWSERS = (
    ("Google Chrome.app", "Contents", "MacOS", "Google Chrome"),
    ("Microsoft Edge.app", "Contents", "MacOS", "Microsoft Edge"),
    ("Chromium.app", "Contents", "MacOS", "Chromium"),
)


def pdf_engine() -> str | None:
    """'weasyprint' if importable, else the path of a Chromium-like browser, else None."""
    if importlib.util.find_spec("weasyprint") is not None:
        return "weasyprint"
    return find_browser()


def find_browser(
    *,
    platform: str | None = None,
    environ: Mapping[str, str] | None = None,
    home: Path | None = None,
    applications: Path = Path("/Applications"),
) -> str | None:
    """A Chrome, Edge or Chromium: on the PATH first, then in its usual install folders.

    `platform`, `environ`, `home` and `applications` default to this machine's; tests pass a
    fake folder layout.
    """
    platform = platform or sys.platform
    environ = os.environ if environ is None else environ
    for name in CHROMIUM_NAMES:
        path = shutil.which(name, path=environ.get("PATH"))
        if path:
            return path
    for candidate in _install_folders(platform, environ, home or Path.home(), applications):
        if candidate.is_file():
            return str(candidate)
    return None


def _install_folders(platform: str, environ: Mapping[str, str], home: Path, applications: Path) -> Iterator[Path]:
    if platform.startswith("win"):
        for root in WINDOWS_ROOTS:
            program_files = environ.get(root)
            if program_files:
                for parts in WINDOWS_BROWSERS:
                    yield Path(program_files).joinpath(*parts)
    elif platform == "darwin":
        for folder in (applications, home / "Applications"):
            for parts in MACOS_BROWSERS:
                yield folder.joinpath(*parts)


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


# a headless Chromium that prints and nothing else: no network of its own, no profile kept
HEADLESS_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def chromium_pdf(html: str, browser: str) -> bytes:
    """Print through headless Chromium in a throw-away profile and folder."""
    with tempfile.TemporaryDirectory(prefix="cooplevier-pdf-") as tmp:
        page = Path(tmp) / "handout.html"
        out = Path(tmp) / "handout.pdf"
        page.write_text(html, encoding="utf-8")
        cmd = [
            browser,
            *HEADLESS_FLAGS,
            f"--user-data-dir={Path(tmp) / 'profile'}",
            f"--print-to-pdf={out}",
            "--no-pdf-header-footer",
            page.as_uri(),
        ]
        try:
            # its own temporary files go to our throw-away folder: a TMPDIR that is missing or full
            # elsewhere must not break the print (Python falls back to another folder; Chromium does not)
            env = {**os.environ, "TMPDIR": tmp, "TMP": tmp, "TEMP": tmp}
            proc = subprocess.run(cmd, capture_output=True, timeout=CHROMIUM_TIMEOUT, check=False, env=env)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise CooplevierError(t("handout.pdf_failed", reason=type(exc).__name__)) from None
        if not out.is_file() or out.stat().st_size == 0:
            reason = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"code {proc.returncode}"]
            raise CooplevierError(t("handout.pdf_failed", reason=reason[0][:200]))
        return out.read_bytes()
