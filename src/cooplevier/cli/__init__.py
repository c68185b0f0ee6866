"""The command line: parse options, call one core function, render, map errors to exit codes.

Start-up matters (`cooplevier --help` must stay faster than a bare Typer app), so nothing
heavier than typer is imported at module level: each command imports what it needs. The
commands live in the modules of this package, grouped by job, and register on `app`.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Mapping
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from cooplevier import __version__
from cooplevier.errors import CooplevierError
from cooplevier.messages import t

if TYPE_CHECKING:
    from cooplevier.content import Pack

F = TypeVar("F", bound=Callable[..., Any])
E = TypeVar("E", bound=StrEnum)

app = typer.Typer(
    name="cooplevier",
    help=(
        "Auto-diagnostic des coopérations territoriales : 10 leviers, 4 axes, 5 marches "
        "(document pédagogique Mairie-conseils, 2015)."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help: readable by screen readers, and no rich import just to print it.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)


def handle_errors(func: F) -> F:
    """The one place where exceptions become exit codes and French messages."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from cooplevier.console import message

        try:
            return func(*args, **kwargs)
        except CooplevierError as exc:
            message(exc.located())
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            message(t("cli.interrupted"))
            raise typer.Exit(130) from None
        except BrokenPipeError:  # `cooplevier … | head`: the reader has all it wanted
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(1) from None
        except OSError as exc:  # a full disk or a closed terminal while printing a result
            from cooplevier.fsio import os_reason

            message(t("file.stdout_failed", reason=os_reason(exc)))
            raise typer.Exit(1) from None
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except Exception as exc:
            if os.environ.get("COOPLEVIER_DEBUG"):
                raise
            message(t("cli.internal", kind=type(exc).__name__))
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def _version(value: bool) -> None:
    if value:
        print(t("cli.version", version=__version__))
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Affiche la version et quitte."),
    ] = False,
) -> None:
    """Auto-diagnostic des coopérations territoriales (leviers Mairie-conseils)."""


ContentOpt = Annotated[
    Path | None,
    typer.Option("--content", metavar="DOSSIER", help="Pack de contenu à utiliser (par défaut : celui fourni)."),
]


OutputOpt = Annotated[
    str | None,
    typer.Option("--output", "-o", metavar="FICHIER", help="Fichier à écrire (« - » ou absent : la sortie standard)."),
]
ForceOpt = Annotated[bool, typer.Option("--force", help="Remplace le fichier de sortie s'il existe.")]


def load(content: Path | None) -> Pack:
    """The content pack of `--content`, or the shipped one."""
    from cooplevier.content import load_pack

    return load_pack(content)


def print_json(data: Any) -> None:
    import json

    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def check_lever(pack: Pack, lever: str | None) -> str | None:
    """A lever id as typed (`l3`, ` L3 `) checked against the pack."""
    if lever is None:
        return None
    lever = lever.strip().upper()
    if not pack.has_lever(lever):
        raise CooplevierError(t("cli.unknown_lever", id=lever))
    return lever


def pick_format(chosen: E | None, output: str | None, by_suffix: Mapping[str, E], *, terminal: E, piped: E) -> E:
    """`--format` if given, else from the output file's suffix, else by where stdout goes."""
    if chosen is not None:
        return chosen
    to_stdout = output in (None, "-")
    suffix = "" if to_stdout else Path(str(output)).suffix.lower()
    if suffix in by_suffix:
        return by_suffix[suffix]
    return terminal if to_stdout and sys.stdout.isatty() else piped


class Refusals:
    """For group commands: each refused file's message is printed at once and remembered.

    The group result (synthesis, poster) is still made from the valid files; `exit_if_any`
    then ends with exit code 1, as for any batch with a bad file.
    """

    def __init__(self) -> None:
        self.lines: list[str] = []

    def __call__(self, line: str) -> None:
        from cooplevier.console import message

        self.lines.append(line)
        message(line)

    def exit_if_any(self, summary_key: str, **kwargs: object) -> None:
        if self.lines:
            from cooplevier.console import message

            message(t(summary_key, count=len(self.lines), **kwargs))
            raise typer.Exit(1)


# Registering the commands, in the order of `cooplevier --help`.
from cooplevier.cli import content_commands, assess_command, report_commands, handout_command  # noqa: E402, F401, I001


def main() -> None:
    """Entry point of the `cooplevier` command."""
    from cooplevier.clifr import run

    sys.exit(run(app))
