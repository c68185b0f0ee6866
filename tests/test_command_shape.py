"""Every command reads as options → load and score once → render → publish (docs/architecture.md,
"The shape of a command"): its body stays short, the steps live in named helpers."""

from __future__ import annotations

import ast
from pathlib import Path

CLI = Path(__file__).resolve().parents[1] / "src" / "cooplevier" / "cli"
LIMIT = 25  # lines of body, from the first statement to the last: the signature (the options) is not counted


def command_lengths() -> dict[str, int]:
    """Each `@command(...)` function of the CLI and its body's length."""
    found = {}
    for path in sorted(CLI.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and any(_is_command(d) for d in node.decorator_list):
                assert node.end_lineno is not None
                found[f"{path.relative_to(CLI).as_posix()}:{node.name}"] = node.end_lineno - node.body[0].lineno + 1
    return found


def _is_command(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return (isinstance(target, ast.Name) and target.id == "command") or (
        isinstance(target, ast.Attribute) and target.attr == "command"
    )


def test_every_command_is_found() -> None:
    from cooplevier.cli import COMMANDS

    assert len(command_lengths()) >= len(COMMANDS)


def test_no_command_is_long() -> None:
    long = {name: n for name, n in command_lengths().items() if n > LIMIT}
    assert not long, f"command bodies over {LIMIT} lines (move their steps into named helpers): {long}"
