"""Shared by the Office tests: LibreOffice conversions in a private profile, grids filled by code."""

from __future__ import annotations

import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from cooplevier.content.model import Pack
from tests.helpers import require_tool

FIRST_ROW = 7  # the first question row of a grid: header row, then five metadata rows


def soffice(files: Sequence[Path], target: str, outdir: Path) -> list[Path]:
    """Convert `files` with headless LibreOffice (one start for all), in a throw-away profile."""
    binary = require_tool("soffice")
    profile = outdir / "lo-profile"
    cmd = [
        binary,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--convert-to",
        target,
        "--outdir",
        str(outdir),
        *map(str, files),
    ]
    subprocess.run(cmd, check=True, capture_output=True, timeout=240)
    suffix = "." + target.split(":", 1)[0]
    out = [outdir / (f.stem + suffix) for f in files]
    for path in out:
        assert path.is_file(), f"LibreOffice did not write {path}"
    return out


def fill_grid(grid: Path, out: Path, pack: Pack, columns: Mapping[str, Mapping[str, Any]]) -> None:
    """Type values into a grid as a person would: `columns` maps a column letter to key → value."""
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    wb = load_workbook(grid)
    ws = wb["Réponses"]
    rows = {ws.cell(row=r, column=1).value: r for r in range(1, ws.max_row + 1)}
    for letter, values in columns.items():
        for key, value in values.items():
            ws[f"{letter}{rows[key]}"] = value
    wb.save(out)
