"""Build the folder app: `python packaging/build_app.py` writes `dist/cooplevier/`.

    pip install ".[build]"             # PyInstaller, once
    python packaging/build_app.py      # dist/cooplevier/cooplevier (cooplevier.exe on Windows)
    python packaging/build_app.py --zip  # and dist/cooplevier-<version>-<platform>.zip

The folder holds the executable, Python and every library, with the content pack (`data/`) and
the report templates (`templates/`) under `_internal/cooplevier/`, where `resources.py` finds
them through importlib.resources as in a wheel. It takes the same arguments as the `cooplevier`
command; a double-click (no arguments, a console) opens the French menu (`cli/reach/menu.py`).

PyInstaller in `--onedir` mode: a one-file build unpacks itself on every start (0.66 s for
`--help` against 0.17 s, measured when the issue was filed).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NAME = "cooplevier"

# Modules imported by name at run time, which PyInstaller's analysis cannot see.
HIDDEN = [
    "cooplevier",  # every command module (cli/__init__ imports them by name), every layer
    "uvicorn",  # its protocol and loop implementations are picked by name in uvicorn.Config
]
# Never used by the app, pulled in by optional imports of its libraries.
EXCLUDED = ["tkinter", "pytest", "hypothesis", "IPython", "matplotlib", "numpy", "pandas", "setuptools", "pip"]
# Parts of lxml that python-docx and openpyxl never import (they use lxml.etree): 4 MB.
EXCLUDED += ["lxml.objectify", "lxml.html", "lxml.isoschematron"]


# PyInstaller's run-time hooks run before the app on every start. Three cost start-up for nothing
# here (about 40 ms of `--help` on the loaded 2-core machine, `-X importtime`): `inspect`'s reads
# base_library.zip to give frozen code its source files, `pkgutil`'s lists frozen packages, and
# `multiprocessing`'s diverts spawned workers. The first two serve no code of the app; the third
# is needed only on Windows, the one platform where the batch's workers are spawned (elsewhere
# they are forked: scoring/workers.py), so it is kept there.
SKIPPED_RTHOOKS = ["inspect", "pkgutil"] + ([] if sys.platform == "win32" else ["multiprocessing"])


def startup_hooks(work: Path) -> Path:
    """A hooks folder whose `rthooks.dat` replaces the skipped run-time hooks with an empty one
    (the first hooks folder to name a module wins over PyInstaller's own)."""
    folder = work / "startup-hooks"
    (folder / "rthooks").mkdir(parents=True, exist_ok=True)
    (folder / "rthooks" / "pyi_rth_cooplevier_skip.py").write_text("# nothing to do at start-up\n", encoding="utf-8")
    table = {name: ["pyi_rth_cooplevier_skip.py"] for name in SKIPPED_RTHOOKS}
    (folder / "rthooks.dat").write_text(repr(table) + "\n", encoding="utf-8")
    return folder


def pyinstaller_args(dist: Path, work: Path) -> list[str]:
    sep = os.pathsep  # `--add-data SOURCE:DEST` (`;` on Windows)
    args = [
        str(ROOT / "packaging" / "entry.py"),
        "--name",
        NAME,
        "--onedir",
        "--console",  # a console window: the menu and every message are text
        "--noconfirm",
        "--clean",
        "--log-level",
        "WARN",
        "--distpath",
        str(dist),
        "--workpath",
        str(work),
        "--specpath",
        str(work),
        "--paths",
        str(ROOT / "src"),
        "--add-data",
        f"{ROOT / 'data'}{sep}{NAME}/data",
        "--add-data",
        f"{ROOT / 'templates'}{sep}{NAME}/templates",
        "--additional-hooks-dir",
        str(ROOT / "packaging" / "hooks"),
        "--additional-hooks-dir",
        str(startup_hooks(work)),
        "--copy-metadata",
        NAME,  # `cooplevier --version` reads it
    ]
    if sys.platform.startswith("linux"):
        args.append("--strip")  # debug symbols of the shared libraries (not on Windows; macOS signs them)
    for module in HIDDEN:
        args += ["--collect-submodules", module]
    for module in EXCLUDED:
        args += ["--exclude-module", module]
    return args


def version() -> str:
    import tomllib

    return str(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="where dist/cooplevier/ goes")
    parser.add_argument("--zip", action="store_true", help="also zip the folder (what a Windows user receives)")
    options = parser.parse_args()
    try:
        import PyInstaller.__main__
    except ImportError:
        print('PyInstaller is missing: pip install -e ".[build]"', file=sys.stderr)
        return 2
    dist = options.dist.resolve()
    PyInstaller.__main__.run(pyinstaller_args(dist, ROOT / "build" / "pyinstaller"))
    executable = dist / NAME / (NAME + (".exe" if sys.platform == "win32" else ""))
    if not executable.is_file():
        print(f"build failed: no {executable}", file=sys.stderr)
        return 1
    print(f"built {executable}")
    if options.zip:
        system = {"win32": "windows", "darwin": "macos"}.get(sys.platform, sys.platform)
        machine = f"{system}-{platform.machine().lower().replace('amd64', 'x86_64')}"
        archive = shutil.make_archive(str(dist / f"{NAME}-{version()}-{machine}"), "zip", dist, NAME)
        print(f"zipped {archive}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
