"""Two outputs: results on stdout, messages and progress on stderr. Rich only when needed."""

from __future__ import annotations

import os
import re
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console, RenderableType


def message(text: str) -> None:
    """A line for the user on stderr (errors, warnings, progress notes)."""
    print(terminal_safe(text), file=sys.stderr, flush=True)


def terminal_safe(text: str) -> str:
    """`text` as it may reach a terminal: control characters (an escape sequence hidden in a file
    name can retitle the window or clear the screen) and bidirectional overrides (which reverse
    the rest of the line) are shown as their code, `\\x1b`, `\\u202e`. Line breaks and tabs stay."""
    return _UNSAFE.sub(
        lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text
    )


_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def no_color() -> bool:
    return "NO_COLOR" in os.environ and os.environ["NO_COLOR"] != ""


def _no_break_spaces_hold() -> None:
    """Rich wraps lines at any Unicode space, no-break ones included; make it wrap at ordinary
    spaces only, so that « ? », « : » and « » » never start a line (French typography)."""
    import re

    from rich import _wrap

    _wrap.re_word = re.compile(r"[ \t\n\r\f\v]*[^ \t\n\r\f\v]+[ \t\n\r\f\v]*")


def console(*, stderr: bool = False) -> Console:
    """A rich console; rich already honours NO_COLOR and drops escape codes off a TTY."""
    from rich.console import Console

    _no_break_spaces_hold()
    return Console(stderr=stderr, highlight=False, no_color=no_color() or None, emoji=False)


def plain_text(renderable: RenderableType, *, width: int = 160) -> str:
    """What a rich renderable looks like as plain text (no colour), for a file."""
    from rich.console import Console

    _no_break_spaces_hold()
    capture = Console(width=width, no_color=True, highlight=False, emoji=False)
    with capture.capture() as captured:
        capture.print(renderable)
    return captured.get()
