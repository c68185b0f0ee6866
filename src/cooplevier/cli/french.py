"""French for the few words Typer prints itself: help headings and usage errors.

Typer (and the click it vendors) has no translations; rather than let English reach a user,
`cli.app.run()` calls the app outside standalone mode and renders its errors with these.
"""

from __future__ import annotations

import contextlib
import re
import sys
from typing import Any

from cooplevier.messages import t

# Click's English usage errors (compiled when one is met), and the catalogue key of each one's
# French (its groups in order).
_USAGE_ERRORS: tuple[tuple[str, str], ...] = (
    (r"No such command '(.+?)'\.", "typer.no_such_command"),
    (r"Invalid value for (.+?): (?:Value error, )?'(.*?)' is not one of (.+?)\.$", "typer.not_one_of"),
    (r"Invalid value for (.+?): (['\"])(.*)\2 is not a valid int(?:eger)?\.$", "typer.not_an_integer"),
    (r"Invalid value for (.+?): (.+)", "typer.invalid_value"),
    (r"Missing argument '(.+?)'\.", "typer.missing_argument"),
    (r"Missing option '(.+?)'\.", "typer.missing_option"),
    (r"No such option: (\S+?)(?: Did you mean (\S+?)\?)?$", "typer.no_such_option"),
    (r"Got unexpected extra arguments?(?:\(s\))? \((.+)\)", "typer.extra_arguments"),
    (r"Option '(.+?)' requires an argument\.", "typer.needs_value"),
    (r"Option '(.+?)' does not take a value\.", "typer.takes_no_value"),
)


def _french(key: str, groups: tuple[str | None, ...]) -> str:
    """The French of one usage error: every key written out, so the catalogue check sees it."""
    words = {
        "typer.no_such_command": t("typer.no_such_command", a=groups[0]),
        "typer.missing_argument": t("typer.missing_argument", a=groups[0]),
        "typer.missing_option": t("typer.missing_option", a=groups[0]),
        "typer.no_such_option": t("typer.no_such_option", a=groups[0]),
        "typer.extra_arguments": t("typer.extra_arguments", a=groups[0]),
        "typer.needs_value": t("typer.needs_value", a=groups[0]),
        "typer.takes_no_value": t("typer.takes_no_value", a=groups[0]),
    }
    if key == "typer.not_one_of":
        return t("typer.not_one_of", a=groups[0], b=groups[1], c=groups[2])
    if key == "typer.not_an_integer":  # the value as typed, between its quotes (group 2)
        return t("typer.not_an_integer", a=groups[0], b=groups[2])
    if key == "typer.invalid_value":
        return t("typer.invalid_value", a=groups[0], b=groups[1])
    return words[key]


def translate_usage_error(message: str) -> str:
    for pattern, key in _USAGE_ERRORS:
        match = re.search(pattern, message, re.DOTALL)
        if match:
            return _french(key, match.groups())
    return message


def french_help() -> None:
    """Patch help headings; only called when help will be shown."""
    with contextlib.suppress(ImportError, AttributeError):
        _patch_help()


def _patch_help() -> None:
    import typer.core
    from typer._click import decorators, formatting

    words = {
        "Commands": t("typer.commands"),
        "required": t("typer.required"),
        "default: {default}": t("typer.default", default="{default}"),
        "env var: {var}": t("typer.env_var", var="{var}"),
        "(dynamic)": t("typer.dynamic"),
    }
    typer.core._ = lambda text: words.get(text, text)  # type: ignore[attr-defined,assignment,unused-ignore]
    original = decorators.help_option

    def help_option(*names: Any, **kwargs: Any) -> Any:
        decorate = original(*names, **kwargs)

        def apply(command: Any) -> Any:
            result = decorate(command)
            command.params[-1].help = t("typer.help_option")
            return result

        return apply

    decorators.help_option = help_option
    write_usage = formatting.HelpFormatter.write_usage

    def french_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        write_usage(self, prog, args, t("typer.usage") if prefix is None else prefix)

    formatting.HelpFormatter.write_usage = french_usage  # type: ignore[method-assign]


def utf8_streams() -> None:
    """Write UTF-8 whatever the platform's default (a Windows pipe is cp1252, which has no « → »).

    Results are UTF-8 files (the CSV even starts with a BOM): stdout and stderr say the same.
    """
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            with contextlib.suppress(ValueError, OSError):
                stream.reconfigure(encoding="utf-8", errors="replace")


def usage_error(exc: Any) -> str:
    """A Click usage error as French lines: the usage, what is wrong, where to find help."""
    ctx = exc.ctx
    if type(exc).__name__ == "NoArgsIsHelpError":  # bare `cooplevier`: the help says it all
        return str(exc.format_message()).rstrip()
    lines = []
    if ctx is not None:
        lines.append(ctx.get_usage().replace("Usage:", t("typer.usage").rstrip(), 1))
    lines.append(t("typer.error", message=translate_usage_error(exc.format_message())))
    lines.append(t("typer.see_help", command=ctx.command_path if ctx is not None else "cooplevier"))
    return "\n".join(lines)


def click_error(exc: Any) -> str:
    return t("typer.error", message=exc.format_message())
