"""The YAML parser's complaints, said in French at the line a person must fix, with what to type.

libyaml reports where it got lost, which is often the line *after* the mistake ("did not find
expected key" on the line below a missing space). For the common typing mistakes of an answer
file, the lines around the parser's mark are read to find the one to fix:
- `L1.Q2:3` (no space after the colon) and `L1.Q2 3` (no colon);
- a line indented more, or less, than its neighbours;
- a text that starts with `@`, `` ` ``, `%`, or holds `: ` (it must be quoted);
- an unclosed bracket, brace or quote; a tab used to indent.
"""

from __future__ import annotations

import re

import yaml

from cooplevier.messages import t

Location = tuple[str, int | None, int | None]  # message, line, column (1-based)

_KEY_NO_SPACE = re.compile(r"^(\s*)([\w.-]+):(\S.*)$")
_KEY_NO_COLON = re.compile(r"^(\s*)(L\d+\.Q\d+)\s+(\S+)\s*$")
_RESERVED_START = re.compile(r"^(\s*[\w.-]+:\s+)([@`%|>!&*])")
_COLON_IN_TEXT = re.compile(r"^(\s*[\w.-]+):\s+([^\"'{\[#][^#]*?:\s.*)$")


def explain(exc: yaml.MarkedYAMLError, text: str) -> Location:
    """The French message and the position of the line to fix, for a parser error."""
    lines = text.splitlines()
    mark = exc.problem_mark or exc.context_mark
    context = exc.context or ""
    if exc.context_mark is not None and ("flow" in context or "quoted scalar" in context):
        mark = exc.context_mark  # an unclosed bracket or quote: point at where it opened
    line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
    if line is not None and line > max(len(lines), 1):  # at the end of the file: its last line
        line, col = max(len(lines), 1), len(lines[-1]) + 1 if lines else 1
    problem = (exc.problem or exc.context or "").strip()
    if "escape" in problem:
        return t("input.bad_escape"), line, col
    here = _char(lines, exc.problem_mark)
    if here == "\t" or "\\t" in problem:
        return t("yaml.tab"), line, col
    if (
        "expected ',' or ']'" in problem
        or "expected ',' or '}'" in problem
        or ("flow" in context and ("end of stream" in problem or "node content" in problem))
    ):
        opened = _last_opening(lines)
        return t("yaml.unclosed_flow"), *(opened or (line, col))
    if "quoted scalar" in context:
        return t("yaml.unclosed_quote"), line, col
    if line is not None:
        found = _typing_mistake(lines, line)
        if found is not None:
            return found
    if "cannot start any token" in problem:
        return t("yaml.reserved_start", char=here or "?"), line, col
    if "mapping values are not allowed" in problem or "expected <block end>" in problem:
        return t("yaml.bad_indent"), line, col
    if "could not find expected ':'" in problem or "did not find expected key" in problem:
        return t("yaml.bad_indent"), line, col
    return _french(problem, context), line, col


def _french(problem: str, context: str) -> str:
    """Every other complaint of libyaml or PyYAML, in French: never the parser's English."""
    if "node content" in problem or "expected the node content" in problem:
        return t("yaml.missing_value")
    if "alphabetic or numeric" in problem and ("anchor" in context or "alias" in context):
        return t("yaml.anchor", name="…")
    if "document" in problem or "directive" in problem:
        return t("yaml.multi_doc")
    if "indentation indicator" in problem or "chomping" in problem or "block scalar" in context:
        return t("yaml.block_scalar")
    if "'-' indicator" in problem or "block sequence entries" in problem:
        return t("yaml.bad_indent")
    if "tag" in problem or "tag" in context or "URI" in problem:
        return t("yaml.tag", tag="!")
    if "end of stream" in problem:
        return t("yaml.unexpected_end")
    return t("yaml.syntax_unknown")


def _last_opening(lines: list[str]) -> tuple[int, int] | None:
    """Where the last `[` or `{` left open was typed (outside quotes and comments, roughly)."""
    depth: list[tuple[int, int]] = []
    for number, text in enumerate(lines, 1):
        quote = ""
        for col, ch in enumerate(text, 1):
            if quote:
                quote = "" if ch == quote else quote
            elif ch in "'\"":
                quote = ch
            elif ch == "#" and (col == 1 or text[col - 2] in " \t"):
                break
            elif ch in "[{":
                depth.append((number, col))
            elif ch in "]}" and depth:
                depth.pop()
    return depth[-1] if depth else None


def expected_mapping(value: object) -> str:
    """Why a value that should hold `key: value` lines does not: with the fix when it reads as one
    line typed without the space (`L1.Q2:3` alone under `answers:` is a text, not a table)."""
    if isinstance(value, str) and (m := _KEY_NO_SPACE.match(value)) and not m.group(3).startswith(("/", "\\")):
        return t("yaml.no_space_after_colon", fixed=f"{m.group(2)}: {m.group(3)}")
    return t("schema.expected_mapping")


def _char(lines: list[str], mark: yaml.Mark | None) -> str:
    if mark is None or mark.line >= len(lines):
        return ""
    return lines[mark.line][mark.column : mark.column + 1]


def _typing_mistake(lines: list[str], line: int) -> Location | None:
    """A known mistake on the reported line or the lines just above it (where libyaml got lost)."""
    for number in range(line, max(0, line - 3), -1):
        text = lines[number - 1] if number - 1 < len(lines) else ""
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        m = _KEY_NO_SPACE.match(text)
        if m and not m.group(3).startswith(("/", "\\")):  # not a URL or a Windows path
            fixed = f"{m.group(2)}: {m.group(3)}"
            return t("yaml.no_space_after_colon", fixed=fixed), number, len(m.group(1)) + len(m.group(2)) + 1
        if m := _KEY_NO_COLON.match(text):
            fixed = f"{m.group(2)}: {m.group(3)}"
            return t("yaml.no_colon", key=m.group(2), fixed=fixed), number, len(m.group(1)) + 1
        if m := _RESERVED_START.match(text):
            value = text[len(m.group(1)) :].rstrip()
            quoted = '"' + value.replace('"', '\\"') + '"'
            fixed = f"{m.group(1).strip()} {quoted}"
            return t("yaml.quote_it", char=m.group(2), fixed=fixed), number, len(m.group(1)) + 1
        if m := _COLON_IN_TEXT.match(text):
            value = m.group(2).rstrip()
            return t("yaml.colon_in_text", fixed=f'{m.group(1).strip()}: "{value}"'), number, len(m.group(1)) + 3
        indent = len(text) - len(text.lstrip(" "))
        above = _previous_indent(lines, number)
        if number == line and above is not None and indent != above and not text.rstrip().endswith(":"):
            return t("yaml.misaligned", spaces=above), number, indent + 1
    return None


def _previous_indent(lines: list[str], number: int) -> int | None:
    """The indentation of the nearest line above that holds a key of the same block."""
    for index in range(number - 2, -1, -1):
        text = lines[index]
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        if text.rstrip().endswith(":"):  # the block's own key: its children are indented more
            return None
        return len(text) - len(text.lstrip(" "))
    return None
