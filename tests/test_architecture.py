"""The layout keeps its promises: layers import downwards only, no cycle, small modules, one exit mapping."""

from __future__ import annotations

import ast
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "cooplevier"

# Which layer may import which (docs/architecture.md). The foundation is below everything.
FOUNDATION = {
    "errors",
    "messages",
    "numbers",
    "resources",
    "cache",
    "files",
    "textfile",
    "typography",
    "writelock",
    "charset",
}
LAYERS: dict[str, set[str]] = {
    "foundation": set(),
    "content": {"foundation"},
    "scoring": {"content", "foundation"},
    "report": {"scoring", "content", "foundation"},
    "assess": {"scoring", "content", "foundation"},
    "atelier": {"report", "scoring", "content", "foundation"},
    "cli": {"atelier", "assess", "report", "scoring", "content", "foundation"},
}
TERMINAL_LIBRARIES = ("rich", "typer")


def modules() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names.append(".".join(parts))
    return names


def layer(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1 or parts[1] in FOUNDATION or parts[1] == "__main__":
        return "foundation" if parts[-1] != "__main__" else "cli"
    return parts[1]


def imports(module: str) -> set[str]:
    """Every cooplevier module `module` imports, at the top or inside a function."""
    path = SRC / (module.replace(".", "/") + ".py")
    if not path.exists():
        path = SRC / module.replace(".", "/") / "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:  # `from package import module` imports the module only
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in MODULE_SET else node.module)
    return found


MODULES = modules()
MODULE_SET = set(MODULES)


@pytest.mark.parametrize("module", MODULES)
def test_layers_import_downwards_only(module: str) -> None:
    mine = layer(module)
    known = set(MODULES)
    for name in imports(module):
        if name.split(".")[0] in TERMINAL_LIBRARIES:
            assert mine == "cli", f"{module} imports {name}: only the CLI layer may use rich or typer"
        if name in known and name != "cooplevier":
            theirs = layer(name)
            assert theirs == mine or theirs in LAYERS[mine], f"{module} ({mine}) imports {name} ({theirs})"


def test_no_import_cycle() -> None:
    known = set(MODULES)
    graph = {m: {n for n in imports(m) if n in known and n != m and n != "cooplevier"} for m in MODULES}
    done: set[str] = set()

    def visit(node: str, trail: list[str]) -> None:
        if node in trail:
            cycle = [*trail[trail.index(node) :], node]
            pytest.fail("import cycle: " + " -> ".join(cycle))
        if node in done:
            return
        for nxt in graph[node]:
            visit(nxt, [*trail, node])
        done.add(node)

    for module in MODULES:
        visit(module, [])


def test_every_module_imports_alone_in_a_fresh_interpreter() -> None:
    def load(module: str) -> tuple[str, int, str]:
        done = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, text=True, timeout=120)
        return module, done.returncode, done.stderr[-400:]

    with ThreadPoolExecutor(4) as pool:  # __main__ runs the program: it is the one module not to import
        failures = [r for r in pool.map(load, [m for m in MODULES if m != "cooplevier.__main__"]) if r[1] != 0]
    assert not failures


def test_the_core_never_loads_the_terminal_libraries() -> None:
    core = [m for m in MODULES if layer(m) not in ("cli",) and not m.startswith("cooplevier.atelier")]
    code = f"import sys\nfor m in {core!r}: __import__(m)\nprint(sorted(n for n in {TERMINAL_LIBRARIES!r} if n in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_modules_stay_small_and_every_level_short() -> None:
    long = {str(p.relative_to(SRC)): n for p in PACKAGE.rglob("*.py") if (n := len(p.read_text().splitlines())) > 400}
    assert not long, f"over 400 lines: {long}"
    for package in [PACKAGE, *(p.parent for p in PACKAGE.rglob("__init__.py"))]:
        modules = [p.name for p in package.glob("*.py") if p.name not in ("__init__.py", "__main__.py")]
        assert len(modules) <= 12, (str(package.relative_to(SRC)), modules)  # at most about 12 at any level


def test_exit_codes_are_set_in_one_place() -> None:
    """Only cli/app.py turns an outcome into a process exit (cli/__init__.main hands it to sys.exit)."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        where = str(path.relative_to(PACKAGE))
        if where in ("cli/app.py", "cli/__init__.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = ast.unparse(node.func)
                if name in ("typer.Exit", "sys.exit", "exit", "SystemExit", "os._exit", "typer.Abort"):
                    offenders.append(f"{where}:{node.lineno}: {name}")
    assert not offenders
