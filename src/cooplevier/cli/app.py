"""The Typer app, its shared options, and the one place where errors become exit codes.

Start-up matters (`cooplevier --help` must stay faster than a bare Typer app), so nothing
heavier than typer is imported at module level: each command imports what it needs. Commands
are registered with `@command()`; they return nothing (success) or an `ExitCode`, and raise
`CooplevierError` (exit 1) or `UsageError` (exit 2) for what the user must fix. `run()` maps
everything else (Click's usage errors, Ctrl-C, a closed pipe, an unexpected bug) the same way.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec, TypeVar

import typer

from cooplevier.errors import CooplevierError, ExitCode, Stopped, UsageError
from cooplevier.messages import t, tn

if TYPE_CHECKING:
    from cooplevier.content.model import Pack, Structure
    from cooplevier.scoring.batch import Batch, Refused
    from cooplevier.scoring.synthesis import Synthesis

P = ParamSpec("P")
E = TypeVar("E", bound=StrEnum)

app = typer.Typer(
    name="cooplevier",
    help=t("help.app"),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help: readable by screen readers, and no rich import just to print it.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)


def _version(value: bool) -> None:
    if value:
        import cooplevier

        print(t("cli.version", version=cooplevier.__version__))
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help=t("help.version")),
    ] = False,
) -> None:
    """Auto-diagnostic des coopérations territoriales (leviers Mairie-conseils)."""


def command(**settings: Any) -> Callable[[Callable[P, int | None]], Callable[P, None]]:
    """`app.command(**settings)` for a function that returns an exit code and raises our errors."""

    def register(func: Callable[P, int | None]) -> Callable[P, None]:
        @functools.wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> None:
            code = _guarded(func, *args, **kwargs)
            if code != ExitCode.OK:
                raise typer.Exit(int(code))

        app.command(**settings)(wrapper)
        return wrapper

    return register


def _guarded(func: Callable[P, int | None], *args: P.args, **kwargs: P.kwargs) -> int:
    """Run a command; every exception a user can meet becomes a French line and an exit code."""
    from cooplevier.cli.console import message

    try:
        return func(*args, **kwargs) or ExitCode.OK
    except CooplevierError as exc:
        message(exc.located())
        return exc.exit_code
    except Stopped as exc:
        message(t("cli.stopped", signal=signal_name(exc.signum)))
        return 128 + exc.signum  # the shell's convention for a process ended by a signal
    except KeyboardInterrupt:
        message(t("cli.interrupted"))
        return ExitCode.INTERRUPTED
    except BrokenPipeError:  # `cooplevier … | head`: the reader has all it wanted
        _silence_stdout()
        return ExitCode.OK
    except OSError as exc:  # a full disk or a closed terminal while printing a result
        from cooplevier.errors import os_reason

        message(t("file.stdout_failed", reason=os_reason(exc)))
        return ExitCode.FAILED
    except (typer.Exit, typer.Abort, SystemExit):
        raise
    except Exception as exc:
        if os.environ.get("COOPLEVIER_DEBUG"):
            raise
        message(t("cli.internal", kind=type(exc).__name__))
        return ExitCode.FAILED


def _silence_stdout() -> None:
    """Point stdout at the null device, so the interpreter's last flush cannot fail again."""
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def signal_name(signum: int) -> str:
    import signal

    try:
        return signal.Signals(signum).name
    except ValueError:
        return str(signum)


def _stop_on_signals() -> None:
    """SIGTERM and SIGHUP stop a command the way Ctrl-C does, so that nothing is left behind."""
    import atexit
    import signal

    def remove_pending() -> None:  # only a command that wrote has files to remove (and the module)
        files = sys.modules.get("cooplevier.files")
        if files is not None:
            files.remove_pending()

    def stop(signum: int, _frame: object) -> None:
        raise Stopped(signum)

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            with contextlib.suppress(ValueError, OSError):  # not the main thread, or not allowed
                signal.signal(getattr(signal, name), stop)
    atexit.register(remove_pending)


class _ClosedStdout:
    """Stands for a standard output the program was started without (`>&-`): writing to it is a
    French error, not an AttributeError."""

    encoding = "utf-8"

    def write(self, _text: str) -> int:
        raise CooplevierError(t("file.no_stdout"))

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    @property
    def buffer(self) -> _ClosedStdout:
        return self


def _guard_streams() -> None:
    """No stdout: every write says so in French. No stderr: messages go nowhere, never crash.
    Errors a library leaves to the interpreter at exit ("Exception ignored in…") are not a
    user's business: they are silenced unless COOPLEVIER_DEBUG is set."""
    if sys.stdout is None:
        sys.stdout = _ClosedStdout()
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives as long as the process
    if not os.environ.get("COOPLEVIER_DEBUG"):
        sys.unraisablehook = lambda _unraisable: None


def run(argv: list[str] | None = None) -> int:
    """Run the app; Click's own errors come out in French with the contract's exit codes."""
    from cooplevier.cli import french

    args = sys.argv[1:] if argv is None else argv
    _stop_on_signals()
    _guard_streams()
    french.utf8_streams()
    if not args or "-h" in args or "--help" in args:
        french.french_help()
    try:
        from typer._click.exceptions import ClickException
        from typer._click.exceptions import UsageError as ClickUsageError
        from typer.exceptions import Abort
    except ImportError:  # pragma: no cover - another typer layout: let typer print its own errors
        app()
        return ExitCode.OK
    try:
        result = app(args=args, prog_name="cooplevier", standalone_mode=False)
    except ClickUsageError as exc:
        print(french.usage_error(exc), file=sys.stderr)
        return exc.exit_code
    except ClickException as exc:
        print(french.click_error(exc), file=sys.stderr)
        return exc.exit_code
    except Abort:
        print(t("cli.interrupted"), file=sys.stderr)
        return ExitCode.INTERRUPTED
    except BrokenPipeError:  # a closed pipe while typer prints the help
        _silence_stdout()
        return ExitCode.OK
    return result if isinstance(result, int) else ExitCode.OK


ContentOpt = Annotated[
    Path | None,
    typer.Option("--content", metavar=t("metavar.folder"), help=t("help.content")),
]
OutputOpt = Annotated[
    str | None,
    typer.Option("--output", "-o", metavar=t("metavar.file"), help=t("help.output")),
]
ForceOpt = Annotated[bool, typer.Option("--force", help=t("help.force"))]
StructureOpt = Annotated[
    str | None, typer.Option("--structure", "-s", metavar=t("metavar.structure"), help=t("help.structure"))
]
ShortOpt = Annotated[bool, typer.Option("--short", help=t("help.short"))]


def check_structure(structure: str | None) -> Structure | None:
    """A structure type as typed (`PNR`, ` scot `) checked against the answer format."""
    if structure is None:
        return None
    from cooplevier.content import STRUCTURES

    word = structure.strip().lower()
    for known in STRUCTURES:
        if word == known:
            return known
    raise UsageError(t("cli.unknown_structure", value=structure, structures=", ".join(STRUCTURES)))


def load(content: Path | None) -> Pack:
    """The content pack of `--content`, or the shipped one."""
    from cooplevier.cli.console import message
    from cooplevier.content.load import load_pack

    pack = load_pack(content)
    for warning in pack.warnings:  # a pack file in Windows-1252: read, and said
        message(warning)
    return pack


def print_json(data: Any) -> None:
    import json

    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def check_lever(pack: Pack, lever: str | None) -> str | None:
    """A lever id as typed (`l3`, ` L3 `) checked against the pack."""
    if lever is None:
        return None
    lever = lever.strip().upper()
    if not pack.has_lever(lever):
        raise UsageError(t("cli.unknown_lever", id=lever))
    return lever


def pick_format(chosen: E | None, output: str | None, by_suffix: Mapping[str, E], *, terminal: E, piped: E) -> E:
    """`--format` if given, else from the output file's suffix, else by where stdout goes.

    Without `--format`, a suffix that names no format of the command is refused before any work
    (`plan.ods` must not quietly receive HTML); with it, any suffix is taken except one naming
    another format.
    """
    to_stdout = output in (None, "-")
    suffix = "" if to_stdout else Path(str(output)).suffix.lower()
    if suffix and suffix not in by_suffix and chosen is None:
        known = ", ".join(sorted(by_suffix))
        raise UsageError(t("cli.unknown_suffix", suffix=suffix, known=known), file=output)
    if chosen is not None:
        if suffix in by_suffix and by_suffix[suffix] is not chosen:
            raise UsageError(t("cli.suffix_mismatch", suffix=suffix, format=chosen.value), file=output)
        return chosen
    if suffix:
        return by_suffix[suffix]
    return terminal if to_stdout and sys.stdout.isatty() else piped


def check_output(output: str | None, *, force: bool, inputs: Iterable[Path] = ()) -> None:
    """Refuse, before any long work, an output that exists (without --force) or that is an input.

    The inputs are the files given and the files of the content pack and `--template` folder
    (`with_option_files`): a result never lands on one of them, whatever its name or link, with or
    without `--force`. The command passes the same inputs to `files.publish`, which checks again.
    """
    from cooplevier.files import check_not_input, check_target

    try:
        check_not_input(output, with_option_files(inputs))
        if output not in (None, "-"):
            check_target(output, force=force)
    except CooplevierError as exc:
        raise UsageError(exc.message, file=exc.file) from None


def with_option_files(inputs: Iterable[Path]) -> Iterator[Path]:
    """Every input of this command: the files of the content pack (the shipped one without
    `--content`) and of `--template`, then `inputs` as they come (a batch is never copied)."""
    import itertools

    return itertools.chain(_option_files(), inputs)


def _option_files() -> list[Path]:
    """The files of the folders this command reads its content and templates from."""
    from typer._click.globals import get_current_context  # Typer's own copy of Click

    from cooplevier.resources import shipped_dir

    context = get_current_context(silent=True)
    found: list[Path] = []
    for name in ("content", "template"):
        folder = context.params.get(name) if context is not None else None
        if name == "content" and folder is None and context is not None and "content" in context.params:
            folder = shipped_dir("data")
        if folder is not None and Path(folder).is_dir():
            found += [p for p in Path(folder).rglob("*") if p.is_file()]
    return found


def say_refused(refused: Refused) -> None:
    """A refused file of a batch, said where it happened."""
    from cooplevier.cli.console import message

    message(refused.message)


def say_mixed(syn: Synthesis) -> None:
    """Warn when a synthesis mixes territories or versions of the questionnaire: it may be meant,
    but it is never silent."""
    from cooplevier.cli.console import message

    if len(syn.territories) > 1:
        named = ", ".join(syn.territories[:3])
        if len(syn.territories) > 3:
            named = tn("synthesis.more_territories", len(syn.territories) - 3, named=named)
        message(t("synthesis.mixed_territories", territories=named))
    if len(syn.versions) > 1:
        message(t("synthesis.mixed_versions", versions=", ".join(syn.versions)))


def batch_outcome(batch: Batch[Any], summary: Callable[[int, int], str]) -> ExitCode:
    """After a batch: its refusals summed up (their lines were said as they came), and the exit code.

    `summary(refused, total)` says it in the command's words.
    """
    if not batch.refused:
        return ExitCode.OK
    from cooplevier.cli.console import message

    message(summary(len(batch.refused), batch.files))
    return ExitCode.FAILED
