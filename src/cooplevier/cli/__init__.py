"""The command line: `app.py` (the app, shared options, exit codes), one module per group of
commands (each registers on `app`), and the terminal side: consoles, rich tables, the prompter."""

from __future__ import annotations

import importlib
import sys

from cooplevier.cli.app import app, run

# The command modules, in the order of `cooplevier --help`; importing one registers its commands.
COMMAND_MODULES = (
    "content_commands",
    "assess_command",
    "report_commands",
    "grid_command",
    "handout_command",
    "atelier_command",
    "migrate_command",
    "reach.completion",
)
for _name in COMMAND_MODULES:
    importlib.import_module(f"cooplevier.cli.{_name}")

__all__ = ["app", "main"]


def main() -> None:
    """Entry point of the `cooplevier` command."""
    sys.exit(run())
