"""French for the few words Typer prints itself: help headings and usage errors.

Typer (and the click it vendors) has no translations; rather than let English reach a user,
`run()` calls the app outside standalone mode and renders usage errors in French.
"""

from __future__ import annotations

import contextlib
import re
import sys
from typing import Any

_USAGE_ERRORS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.DOTALL), replacement)
    for pattern, replacement in (
        (r"No such command '(.+?)'\.", r"commande « \1 » inconnue"),
        (
            r"Invalid value for (.+?): (?:Value error, )?'(.*?)' is not one of (.+?)\.$",
            r"valeur « \2 » invalide pour \1 : valeurs possibles \3",
        ),
        (r"Invalid value for (.+?): (.+)", r"valeur invalide pour \1 : \2"),
        (r"Missing argument '(.+?)'\.", r"argument « \1 » manquant"),
        (r"Missing option '(.+?)'\.", r"option « \1 » manquante"),
        (r"No such option: (\S+?)(?: Did you mean (\S+?)\?)?$", r"option « \1 » inconnue"),
        (r"Got unexpected extra arguments?(?:\(s\))? \((.+)\)", r"argument(s) en trop : \1"),
        (r"Option '(.+?)' requires an argument\.", r"l'option « \1 » attend une valeur"),
        (r"Option '(.+?)' does not take a value\.", r"l'option « \1 » ne prend pas de valeur"),
    )
)


def translate_usage_error(message: str) -> str:
    for pattern, replacement in _USAGE_ERRORS:
        match = pattern.search(message)
        if match:
            return match.expand(replacement)
    return message


def _french_help() -> None:
    """Patch help headings; only called when help will be shown, so rich is loaded anyway."""
    import typer.core
    from typer._click import decorators, formatting

    words = {
        "Commands": "Commandes",
        "required": "obligatoire",
        "default: {default}": "par défaut : {default}",
        "env var: {var}": "variable d'environnement : {var}",
        "(dynamic)": "(calculé)",
    }
    typer.core._ = lambda text: words.get(text, text)  # type: ignore[attr-defined,assignment,unused-ignore]
    original = decorators.help_option

    def help_option(*names: Any, **kwargs: Any) -> Any:
        decorate = original(*names, **kwargs)

        def apply(command: Any) -> Any:
            result = decorate(command)
            command.params[-1].help = "Affiche cette aide et quitte."
            return result

        return apply

    decorators.help_option = help_option
    write_usage = formatting.HelpFormatter.write_usage

    def french_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        write_usage(self, prog, args, "Utilisation : " if prefix is None else prefix)

    formatting.HelpFormatter.write_usage = french_usage  # type: ignore[method-assign]


def _utf8_streams() -> None:
    """Write UTF-8 whatever the platform's default (a Windows pipe is cp1252, which has no « → »).

    Results are UTF-8 files (the CSV even starts with a BOM): stdout and stderr say the same.
    """
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            with contextlib.suppress(ValueError, OSError):
                stream.reconfigure(encoding="utf-8", errors="replace")


def run(app: Any, argv: list[str] | None = None) -> int:
    """Run the Typer app; usage errors come out in French with exit code 2."""
    try:
        from typer._click.exceptions import ClickException, UsageError
        from typer.exceptions import Abort
    except ImportError:  # another typer layout: let typer print its own (English) errors
        app()
        return 0

    args = sys.argv[1:] if argv is None else argv
    _utf8_streams()
    if not args or "-h" in args or "--help" in args:
        with contextlib.suppress(ImportError, AttributeError):
            _french_help()
    try:
        result = app(args=args, prog_name="cooplevier", standalone_mode=False)
    except UsageError as exc:
        ctx = exc.ctx
        if type(exc).__name__ == "NoArgsIsHelpError":  # bare `cooplevier`: the help says it all
            text = exc.format_message()  # rich help is printed while it is built
            if text.strip():
                print(text, file=sys.stderr)
            return exc.exit_code
        lines = []
        if ctx is not None:
            lines.append(ctx.get_usage().replace("Usage:", "Utilisation :", 1))
        lines.append(f"erreur : {translate_usage_error(exc.format_message())}")
        lines.append(f"Aide : {ctx.command_path if ctx is not None else 'cooplevier'} --help")
        print("\n".join(lines), file=sys.stderr)
        return exc.exit_code
    except ClickException as exc:
        print(f"erreur : {exc.format_message()}", file=sys.stderr)
        return exc.exit_code
    except Abort:
        print("interrompu", file=sys.stderr)
        return 130
    return result if isinstance(result, int) else 0
