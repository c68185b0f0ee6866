"""The one YAML loader: safe, strict, fast (libyaml when present), and aware of line numbers.

Built on the parser's event stream rather than `yaml.load`, so that duplicate keys, tags,
anchors/aliases and runaway nesting are refused *before* any value is built, and every value
keeps the position it came from (`YamlDoc.where`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import field
from pathlib import Path
from typing import Any

import yaml
from yaml import events as ev

from cooplevier.content import dataclass  # the standard one, faster to create (start-up)
from cooplevier.content.yaml_errors import explain
from cooplevier.errors import CooplevierError, shown
from cooplevier.messages import t
from cooplevier.numbers import count
from cooplevier.textfile import read_text

try:
    from yaml import CSafeLoader as _Loader

    _C_PARSER = True  # its get_event() returns None after the last event
except ImportError:  # pragma: no cover - libyaml is optional
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

    _C_PARSER = False

KeyPath = tuple[str | int, ...]

# What YAML refuses as text (pyyaml's Reader.NON_PRINTABLE): found up front to give a line.
_NON_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True, slots=True)
class YamlDoc:
    """A parsed document: plain Python data plus the (line, col) of each value, 1-based."""

    data: Any
    file: str
    positions: dict[KeyPath, tuple[int, int]] = field(repr=False)
    key_positions: dict[KeyPath, tuple[int, int]] = field(repr=False)
    warnings: tuple[str, ...] = ()

    def where(self, path: KeyPath, *, key: bool = False) -> tuple[int, int]:
        """Position of the value (or its key) at `path`, or of its nearest ancestor."""
        table = self.key_positions if key else self.positions
        p = tuple(path)
        while p:
            if p in table:
                return table[p]
            if p in self.positions:
                return self.positions[p]
            p = p[:-1]
        return self.positions.get((), (1, 1))

    def error(
        self, path: KeyPath, message: str, *, key: bool = False, cls: type[CooplevierError] = CooplevierError
    ) -> CooplevierError:
        line, col = self.where(path, key=key)
        return cls(message, file=self.file, line=line, col=col)


def load_file(path: Path, *, max_bytes: int, max_depth: int = 32, label: str | None = None) -> YamlDoc:
    label = label or shown(path)
    text, warnings = read_text(path, max_bytes=max_bytes, label=label)
    doc = parse(text, file=label, max_depth=max_depth)
    return YamlDoc(doc.data, doc.file, doc.positions, doc.key_positions, warnings)


def parse(text: str, *, file: str, max_depth: int = 32, max_nodes: int = 200_000) -> YamlDoc:
    """Parse one YAML document strictly; see the module docstring for what is refused."""
    builder = _Builder(file, max_depth, max_nodes)
    bad = _NON_PRINTABLE.search(text)
    if bad is not None:
        at = bad.start()
        where = {"line": text.count("\n", 0, at) + 1, "col": at - text.rfind("\n", 0, at)}
        raise CooplevierError(t("input.control_char", code=ord(bad.group())), file=file, **where)
    try:
        data = builder.build(_events(text))
    except yaml.MarkedYAMLError as exc:
        message, line, col = explain(exc, text)
        if "nesting depth" in (exc.problem or ""):  # libyaml's own bound, hit before ours
            raise CooplevierError(t("yaml.too_deep", limit=max_depth), file=file, line=line, col=col) from None
        raise CooplevierError(message, file=file, line=line, col=col) from None
    except yaml.YAMLError as exc:  # reader errors (a character YAML does not allow) have no mark class
        pos: Any = getattr(exc, "position", None)
        place: dict[str, int] = (
            {"line": text.count("\n", 0, pos) + 1, "col": pos - text.rfind("\n", 0, pos)}
            if isinstance(pos, int)
            else {}
        )
        char = getattr(exc, "character", None)
        code: object = ord(char) if isinstance(char, str) and len(char) == 1 else char
        if isinstance(code, int):
            raise CooplevierError(t("input.control_char", code=code), file=file, **place) from None
        raise CooplevierError(t("yaml.syntax_unknown"), file=file, **place) from None
    return YamlDoc(data, file, builder.positions, builder.key_positions)


def _events(text: str) -> Iterator[ev.Event]:
    """The parser's events; with libyaml, a C-level iterator (no Python frame per event)."""
    if _C_PARSER:
        return iter(_Loader(text).get_event, None)
    return yaml.parse(text, Loader=_Loader)  # pragma: no cover - pure-Python PyYAML


class _Builder:
    """Turns parser events into plain data, refusing what a data file has no use for."""

    def __init__(self, file: str, max_depth: int, max_nodes: int) -> None:
        self.file = file
        self.max_depth = max_depth
        self.max_nodes = max_nodes
        self.nodes = 0
        self.positions: dict[KeyPath, tuple[int, int]] = {}
        self.key_positions: dict[KeyPath, tuple[int, int]] = {}

    def fail(self, event: ev.Event, message: str) -> CooplevierError:
        line, col = _pos(event)
        return CooplevierError(message, file=self.file, line=line, col=col)

    def build(self, stream: Iterator[ev.Event]) -> Any:
        data: Any = None
        documents = 0
        for event in stream:
            if isinstance(event, ev.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise self.fail(event, t("yaml.multi_doc"))
                data = self.node(stream, next(stream), (), 0)
        return data

    def check(self, event: ev.NodeEvent, depth: int) -> None:
        if isinstance(event, ev.AliasEvent):
            raise self.fail(event, t("yaml.alias", name=event.anchor))
        if event.anchor is not None:
            raise self.fail(event, t("yaml.anchor", name=event.anchor))
        tag = getattr(event, "tag", None)
        if tag is not None:
            raise self.fail(event, t("yaml.tag", tag=tag))
        if depth > self.max_depth:
            raise self.fail(event, t("yaml.too_deep", limit=self.max_depth))
        self.nodes += 1
        if self.nodes > self.max_nodes:
            raise self.fail(event, t("yaml.too_many_nodes", limit=count(self.max_nodes)))

    def node(self, stream: Iterator[ev.Event], event: ev.Event, path: KeyPath, depth: int) -> Any:
        assert isinstance(event, ev.NodeEvent)
        self.check(event, depth)
        self.positions[path] = _pos(event)
        if isinstance(event, ev.ScalarEvent):
            return _scalar(event)
        if isinstance(event, ev.SequenceStartEvent):
            items: list[Any] = []
            for child in stream:
                if isinstance(child, ev.SequenceEndEvent):
                    return items
                items.append(self.node(stream, child, (*path, len(items)), depth + 1))
        if isinstance(event, ev.MappingStartEvent):
            mapping: dict[Any, Any] = {}
            for key_event in stream:
                if isinstance(key_event, ev.MappingEndEvent):
                    return mapping
                if not isinstance(key_event, ev.ScalarEvent):
                    if isinstance(key_event, ev.NodeEvent):
                        self.check(key_event, depth + 1)
                    raise self.fail(key_event, t("yaml.complex_key"))
                if key_event.anchor is None and key_event.tag is None and depth < self.max_depth:
                    self.nodes += 1  # check()'s work for the usual plain key, without the call
                    if self.nodes > self.max_nodes:
                        raise self.fail(key_event, t("yaml.too_many_nodes", limit=count(self.max_nodes)))
                else:
                    self.check(key_event, depth + 1)
                key = _scalar(key_event)
                if key is None:
                    raise self.fail(key_event, t("yaml.complex_key"))
                child_path = (*path, key)
                if key in mapping:
                    first = self.key_positions[child_path][0]
                    raise self.fail(key_event, t("yaml.duplicate_key", key=key, first=first))
                self.key_positions[child_path] = _pos(key_event)
                value = next(stream)
                if (
                    isinstance(value, ev.ScalarEvent)
                    and value.anchor is None
                    and value.tag is None
                    and (depth < self.max_depth)
                ):
                    # The common case (`L1.Q1: 4`), short-circuiting node(): same checks, same result.
                    self.nodes += 1
                    if self.nodes > self.max_nodes:
                        raise self.fail(value, t("yaml.too_many_nodes", limit=count(self.max_nodes)))
                    self.positions[child_path] = _pos(value)
                    mapping[key] = _scalar(value)
                else:
                    mapping[key] = self.node(stream, value, child_path, depth + 1)
        raise self.fail(event, t("yaml.syntax", problem=type(event).__name__))  # pragma: no cover


_NULLS = frozenset(("", "~", "null", "Null", "NULL"))


def _scalar(event: ev.ScalarEvent) -> str | None:
    """A scalar is text, exactly as written; a plain empty value (or YAML's null) is None.

    YAML 1.1 would read `01053` as 555, `12:30` as 750 and `Yes` as true: no value here is
    guessed from its look. The schema converts the fields that are numbers or dates.
    """
    if event.style or not event.implicit[0] or event.value not in _NULLS:
        return event.value
    return None


def _pos(event: ev.Event) -> tuple[int, int]:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
