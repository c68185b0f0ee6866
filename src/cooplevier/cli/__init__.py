"""The command line: `app.py` (the app, shared options, exit codes), one module per group of
commands (each registers on `app` with `@command()`), and the terminal side: consoles, rich
tables, the prompter.

A command is built (and its module imported) only when it runs or its help is shown: the group
of commands below lists them from `COMMANDS` without importing any, so that `cooplevier --help`
and every command start fast (benchmarked). A new command: a module of `cli/` using
`@command()`, and one line in `COMMANDS`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping, MutableMapping
from typing import Any

from typer import _click as click
from typer.core import TyperGroup

from cooplevier.cli.app import app, run
from cooplevier.messages import t

__all__ = ["COMMANDS", "COMMAND_MODULES", "app", "main"]

# The command modules; importing one registers its commands.
COMMAND_MODULES = (
    "content_commands",
    "assess_command",
    "report_commands",
    "grid_command",
    "handout_command",
    "atelier_command",
    "migrate_command",
    "cooperation.commands",
)
# Each command, in the order of `cooplevier --help`: its module and its line of help. A command
# is built only when it runs (or its help is asked for), so that `--help` and every command start
# fast (benchmarked); a module of COMMAND_MODULES missing here is imported whenever commands are listed.
COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("content_commands", t("help.validate")),
    "levers": ("content_commands", t("help.levers")),
    "cases": ("content_commands", t("help.cases")),
    "questions": ("content_commands", t("help.questions")),
    "assess": ("assess_command", t("help.assess")),
    "score": ("report_commands", t("help.score")),
    "report": ("report_commands", t("help.report")),
    "explain": ("report_commands", t("help.explain")),
    "compare": ("migrate_command", t("help.compare")),
    "import": ("grid_command", t("help.import")),
    "handout": ("handout_command", t("help.handout")),
    "atelier": ("atelier_command", t("help.atelier")),
    "migrate": ("migrate_command", t("help.migrate")),
    "calendar": ("cooperation.commands", t("help.calendar")),
    "plan": ("cooperation.commands", t("help.plan")),
    "suivi": ("cooperation.commands", t("help.suivi")),
}


class _Commands(MutableMapping[str, "click.Command"]):
    """The app's commands by name; a command's module is imported the first time it is asked for.

    The names and one-line helps come from `COMMANDS`, so `cooplevier --help` imports no
    command module and `cooplevier report …` imports the report commands only. A module listed in
    `COMMAND_MODULES` and not in `COMMANDS` is imported as soon as the commands are listed.
    """

    def __init__(self, built: Mapping[str, click.Command]) -> None:
        self._built: dict[str, click.Command] = dict(built)
        for command in self._built.values():
            _unchecked(command)

    def _table(self) -> dict[str, tuple[str, str]]:
        covered = {module for module, _help in COMMANDS.values()}
        for module in COMMAND_MODULES:
            if module not in covered:  # not in the table: imported now, its commands built
                self._build(module)
        return COMMANDS

    def _build(self, module: str) -> None:
        import importlib

        from typer.main import get_command_from_info

        qualified = f"cooplevier.cli.{module}"
        importlib.import_module(qualified)
        for info in app.registered_commands:
            if getattr(info.callback, "__module__", None) == qualified:
                built = get_command_from_info(
                    info, pretty_exceptions_short=app.pretty_exceptions_short, rich_markup_mode=app.rich_markup_mode
                )
                _unchecked(built)
                if built.name and built.name not in self._built:
                    self._built[built.name] = built

    def __getitem__(self, name: str) -> click.Command:
        if name not in self._built:
            table = self._table()
            if name not in table:
                raise KeyError(name)
            self._build(table[name][0])
        return self._built[name]

    def listed(self, name: str) -> click.Command:
        """The command as `--help` lists it: built if it was, else a stand-in holding its help."""
        if name in self._built:
            return self._built[name]
        from typer.core import TyperCommand

        return TyperCommand(name=name, help=self._table()[name][1])

    def __iter__(self) -> Iterator[str]:
        table = self._table()
        yield from table
        yield from (name for name in list(self._built) if name not in table)

    def __len__(self) -> int:
        return len(set(self._table()) | set(self._built))

    def __setitem__(self, name: str, command: click.Command) -> None:
        _unchecked(command)
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        del self._built[name]


def _unchecked(command: click.Command) -> None:
    """No readability check by Typer's path type on this command's files: it says « is not
    readable » in English, exit 2, and stops a whole batch; the reader says it in French, for
    that file alone, and the batch goes on (issue 18)."""
    for param in command.params:
        if getattr(param.type, "readable", False):
            param.type.readable = False  # type: ignore[attr-defined]


class LazyGroup(TyperGroup):
    """Typer's group, with commands built only when used (see `_Commands`)."""

    def __init__(self, **settings: Any) -> None:
        super().__init__(**settings)
        self.commands = _Commands(self.commands)
        self._listing = False

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)  # the names only: no command built

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if self._listing and isinstance(self.commands, _Commands):
            return self.commands.listed(cmd_name)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self._listing = True
        try:
            super().format_commands(ctx, formatter)
        finally:
            self._listing = False


app.info.cls = LazyGroup  # the app is made in cli/app.py, which the command modules import


def main() -> None:
    """Entry point of the `cooplevier` command."""
    if getattr(sys, "frozen", False):  # a frozen build (PyInstaller): a batch's workers start here
        import multiprocessing

        multiprocessing.freeze_support()
    sys.exit(run())
