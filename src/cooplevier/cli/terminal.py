"""The questionnaire in a terminal: rich for display, plain `readline()` for input.

Plain lines, so it works the same in a terminal, through a pipe and with a screen reader.
"""

from __future__ import annotations

import contextlib
import re
import sys
import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING

from cooplevier import numbers
from cooplevier.assess.screens import (
    HelpView,
    Intro,
    LeverIntro,
    QuestionView,
    RoleMenu,
    Screen,
    StructureIntro,
    StructureMenu,
    Summary,
)
from cooplevier.content.answers import Value
from cooplevier.content.model import Question
from cooplevier.content.model import Text as Content
from cooplevier.errors import CooplevierError
from cooplevier.messages import answer_label, role_choice, t, tn
from cooplevier.typography import typeset as fr

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderableType, RenderResult


def value_label(question: Question, value: Value) -> str:
    """`3 — <choice label>`, `n — non concerné`, `x — je ne sais pas`."""
    if value == "na":
        return f"n — {answer_label('na')}"
    if value == "unknown":
        return f"x — {answer_label('unknown')}"
    return f"{value} — {fr(question.choices[int(value) - 1].label)}"


def _plain(text: str) -> str:
    """Control characters (a stray arrow key's escape sequence) shown as �, never sent raw."""
    return "".join("\ufffd" if ch not in "\n\t" and unicodedata.category(ch) == "Cc" else ch for ch in text)


class TerminalPrompter:
    """rich for display (no colour with NO_COLOR or off a TTY), plain lines for input.

    In a terminal, lines are read with the platform's line editing (GNU readline or libedit on
    Linux and macOS: arrows, history; the Windows console has its own), so an arrow key moves
    the cursor instead of typing an escape sequence into a comment.
    """

    def __init__(self) -> None:
        from cooplevier.cli.console import console

        self.out: Console = console()
        self.err: Console = console(stderr=True)
        reconfigure = getattr(sys.stdin, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(OSError, ValueError):  # a stray byte must not crash the questionnaire:
                reconfigure(errors="surrogateescape")  # it is kept apart, then the line is asked again
        self.editing = False
        if sys.stdin is not None and sys.stdin.isatty() and sys.stdout.isatty():
            with contextlib.suppress(ImportError):
                import readline  # noqa: F401 - importing it gives input() line editing and history

                self.editing = True

    def show(self, screen: Screen) -> None:
        self.out.print(render(screen))

    def say(self, text: str) -> None:
        from rich.text import Text

        self.out.print(Text(_plain(text)))

    def command(self, text: str, *, err: bool = False) -> None:
        from rich.text import Text

        (self.err if err else self.out).print(Text(f"  {_plain(text)}", style="bold"), soft_wrap=True)

    def hint(self, text: str) -> None:
        from rich.text import Text

        self.out.print(Text(_plain(text), style="bold"))

    def warn(self, text: str) -> None:
        from rich.text import Text

        self.out.file.flush()
        self.err.print(Text(_plain(text), style="bold"))

    def ask(self, prompt: str) -> str:
        """One line typed; a line holding bytes that are not UTF-8 is asked again, never saved
        with a replacement character in it."""
        while True:
            line = self._read(prompt)
            if not _UNDECODED.search(line):
                return line
            if sys.stdin is None or not sys.stdin.isatty():  # a script: asking again would shift every later line
                raise CooplevierError(t("assess.not_utf8_piped"))
            self.warn(t("assess.not_utf8"))

    def _read(self, prompt: str) -> str:
        from rich.text import Text

        if self.editing:
            return self._edited(prompt)
        self.out.print(Text(prompt, style="bold"), end="")
        self.out.file.flush()
        try:
            line = sys.stdin.readline() if sys.stdin is not None else ""  # None: stdin closed (<&-)
        except KeyboardInterrupt:
            self.out.print()  # what follows starts on a line of its own, not after "^C"
            raise
        if not line:
            self.out.print()
            raise EOFError
        line = line.rstrip("\r\n")
        if not sys.stdin.isatty():
            self.out.print(Text(_plain(line)))  # a piped transcript reads like a typed one
        return line

    def _edited(self, prompt: str) -> str:
        """A line typed with line editing; readline draws the prompt, so it knows its width."""
        self.out.file.flush()
        try:
            return input(prompt)
        except KeyboardInterrupt:
            self.out.print()
            raise
        except EOFError:
            self.out.print()
            raise


_UNDECODED = re.compile("[\udc80-\udcff]")  # bytes that were not UTF-8 (surrogateescape)


def render(screen: Screen) -> RenderableType:
    from rich.console import Group
    from rich.text import Text

    match screen:
        case Intro():
            return Group(
                Text(t("assess.title"), style="bold"),
                Text(
                    t(
                        "assess.welcome",
                        questions=screen.questions,
                        levers=screen.levers,
                        axes=screen.axes,
                        minutes=screen.minutes,
                    )
                    if screen.questions is not None
                    else t("assess.welcome_open", levers=screen.levers, axes=screen.axes)
                ),
                Text(""),
            )
        case RoleMenu():
            roles = [(f"{i}.", role_choice(role)) for i, role in enumerate(screen.roles, 1)]
            return Group(Text(""), Text(t("assess.roles_title"), style="bold"), _keyed(roles))
        case StructureMenu():
            kinds = [(f"{i}.", fr(kind.label)) for i, kind in enumerate(screen.structures, 1)]
            return Group(Text(""), Text(t("assess.structures_title"), style="bold"), _keyed(kinds))
        case StructureIntro():
            kind = screen.structure
            return Group(
                Text(""),
                Text(fr(kind.label), style="bold"),
                _keyed([("•", fr(kind.structure.text)), ("•", fr(kind.territory.text))]),
            )
        case LeverIntro():
            return _lever_intro(screen)
        case QuestionView():
            return _question(screen)
        case HelpView():
            return _help(screen)
        case Summary():
            return _summary(screen)


def _keyed(rows: Sequence[tuple[str, str]]) -> RenderableType:
    """`  1. label` rows whose labels wrap under themselves, not under the key."""
    from rich.console import Group

    width = max(len(key) for key, _ in rows) + 3
    return Group(*(_Hanging(f"  {key}".rjust(width - 1) + " ", label) for key, label in rows))


class _Hanging:
    """A line that starts with `head` and wraps under its own first word: plain lines, no padding."""

    def __init__(self, head: str, text: str) -> None:
        self.head, self.text = head, text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.text import Text

        indent = " " * len(self.head)
        width = max(options.max_width - len(self.head), 20)
        for i, line in enumerate(Text(self.text).wrap(console, width)):  # Text: "[" is not markup
            line.rstrip()
            yield Text(self.head if i == 0 else indent) + line


def _lever_intro(screen: LeverIntro) -> RenderableType:
    from rich import box
    from rich.console import Group
    from rich.panel import Panel
    from rich.text import Text

    lever = screen.lever
    parts: list[RenderableType] = [
        Text(t("assess.lever", id=lever.id, title=fr(lever.title)), style="bold"),
        Text(t("assess.axis", axis=fr(screen.axis.title)), style="italic"),
    ]
    if lever.rationale:
        parts.append(Text(fr(lever.rationale[0].text)))
    parts.append(Text(tn("assess.lever_count", screen.questions)))
    return Group(Text(""), Panel(Group(*parts), box=box.HORIZONTALS, padding=(0, 0)))


def _question(screen: QuestionView) -> RenderableType:
    from rich.console import Group
    from rich.text import Text

    q = screen.question
    rows = [(f"{c.level}.", fr(c.label)) for c in q.choices]
    rows += [("n.", answer_label("na")), ("x.", answer_label("unknown"))]
    progress = t("assess.progress", position=screen.position, total=screen.total, axis=fr(screen.axis.title))
    parts: list[RenderableType] = [
        Text(""),
        Text(progress, style="bold"),
        Text(t("assess.question_id", id=q.id, lever=q.lever), style="dim"),
        Text(fr(q.text), style="bold"),
        _keyed(rows),
    ]
    if screen.answer is not None:
        parts.append(Text(t("assess.current", value=value_label(q, screen.answer.value))))
    if screen.comment:
        parts.append(Text(t("assess.current_comment", comment=screen.comment)))
    parts.append(Text(t("assess.keys"), style="dim"))
    return Group(*parts)


def _help(screen: HelpView) -> RenderableType:
    from rich.console import Group
    from rich.text import Text

    lever = screen.lever
    title = t("assess.help_title", id=lever.id, title=fr(lever.title))
    parts: list[RenderableType] = [Text(""), Text(title, style="bold")]

    def section(title: str, items: Sequence[str], keys: Sequence[str] = ()) -> None:
        if items:
            parts.extend((Text(""), Text(title, style="bold")))
            parts.append(_keyed(list(zip(keys or ["•"] * len(items), map(fr, items), strict=True))))

    def marked(item: Content) -> str:
        return item.text + (" *" if item.source == "editorial" else "")

    section(t("assess.help_question"), [marked(screen.question.help)])
    section(t("assess.help_practices"), [marked(x) for x in lever.practices])
    section(t("assess.help_vigilance"), [marked(x) for x in lever.vigilance])
    cited: list[str] = []
    proposed: list[str] = []
    for case in screen.cases:
        link = next(ln for ln in case.levers if ln.lever == lever.id)
        name = case.name + (f" ({case.kind})" if case.kind else "")
        if link.source == "seed":
            cited.append(name)
        else:
            proposed.append(t("assess.help_case_proposed", name=name, note=link.note or ""))
    if not screen.cases and lever.no_case:
        cited.append(marked(lever.no_case))
    elif not cited:
        cited.append(t("assess.help_no_cited"))
    section(t("assess.help_cases"), cited)
    section(t("assess.help_cases_proposed"), proposed)
    if screen.cases and screen.observed:
        parts.append(Text(fr(screen.observed.text), style="italic"))
    section(t("assess.help_steps"), screen.steps, [f"{i}." for i in range(1, len(screen.steps) + 1)])
    keys = [
        t("assess.key_levels"),
        t("assess.key_na"),
        t("assess.key_unknown"),
        t("assess.key_keep"),
        t("assess.key_back"),
        t("assess.key_skip"),
        t("assess.key_comment"),
        t("assess.key_help"),
        t("assess.key_quit"),
    ]
    section(t("assess.help_keys"), keys)
    parts.extend((Text(""), Text(t("assess.help_editorial"), style="dim")))
    return Group(*parts)


def _summary(screen: Summary) -> RenderableType:
    from rich import box
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    result, pack = screen.result, screen.pack
    title = Text(t("assess.summary", territory=result.territory), style="bold")
    table = Table(box=box.SIMPLE_HEAD, title=title, title_justify="left")
    table.add_column(t("assess.col_lever"), ratio=1)
    for column in (t("assess.col_answers"), t("assess.col_score"), t("assess.col_step")):
        table.add_column(column, justify="right", no_wrap=True)
    for axis in pack.axes:
        ax = result.axes[axis.id]
        heading = Text(t("assess.row_axis", axis=fr(axis.title)), style="bold")
        table.add_row(heading, "", numbers.score(ax.mean), Text(numbers.integer(ax.step), style="bold"))
        for lever_id in axis.levers:
            lv = result.levers[lever_id]
            name = Text(f"  {lever_id} {fr(pack.lever(lever_id).short_title)}")
            answered = f"{lv.total - lv.unanswered}/{lv.total}"
            table.add_row(name, answered, numbers.score(lv.mean), numbers.integer(lv.step))
        table.add_section()
    table.add_row(
        Text(t("assess.row_overall"), style="bold"),
        f"{result.answered}/{result.total}",
        numbers.score(result.overall.mean),
        Text(numbers.integer(result.overall.step), style="bold"),
    )
    steps = " · ".join(f"{s.level} {fr(s.label.text)}" for s in pack.staircase)
    parts: list[RenderableType] = [Text(""), table, Text(t("assess.steps_legend", steps=steps))]
    if result.to_verify:
        parts.append(Text(t("assess.to_verify", ids=", ".join(result.to_verify))))
    return Group(*parts)
