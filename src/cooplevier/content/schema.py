"""Typed conversion of parsed YAML into frozen dataclasses, with French, located errors.

A small, fast stand-in for a validation library: the types used by the content and answer
models are few (text, int, Literal, tuples, optional, nested dataclasses), and start-up time
matters more here than generality (see docs/decisions.md).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import sys
import types
import typing
from functools import cache
from typing import Any, Literal, TypeVar, Union, get_args, get_origin

from cooplevier import charset
from cooplevier.content.strict_yaml import KeyPath, YamlDoc
from cooplevier.errors import CooplevierError
from cooplevier.messages import t

T = TypeVar("T")


class Converter:
    """Collects every error of a document instead of stopping at the first.

    `trusted` is for data this code converted and checked before (the validated pack, rebuilt
    from its cache entry): text is taken as it stands, without stripping it or scanning its
    characters again. Every other check and every conversion still runs.
    """

    def __init__(self, doc: YamlDoc, cls: type[CooplevierError] = CooplevierError, *, trusted: bool = False) -> None:
        self.doc = doc
        self.cls = cls
        self.trusted = trusted
        self.errors: list[CooplevierError] = []

    def error(self, path: KeyPath, message: str, *, key: bool = False) -> None:
        self.errors.append(self.doc.error(path, message, key=key, cls=self.cls))

    def convert(self, value: Any, tp: Any, path: KeyPath) -> Any:
        kind, args = _shape(tp)
        if kind is Union:
            if value is None:
                return None
            return self.convert(value, args[0], path)
        if kind is Literal:
            if value in args:
                return value
            self.error(path, t("schema.expected_one_of", value=value, choices=_or(args)))
            return _INVALID
        if kind is dict:
            (_key_tp, item_tp) = args
            if not isinstance(value, dict):
                self.error(path, t("schema.expected_mapping"))
                return _INVALID
            return {k: self.convert(v, item_tp, (*path, k)) for k, v in value.items()}
        if kind is tuple:
            (item_tp, _ellipsis) = args
            if value is None:
                return ()
            if not isinstance(value, list):
                self.error(path, t("schema.expected_list"))
                return _INVALID
            return tuple(self.convert(v, item_tp, (*path, i)) for i, v in enumerate(value))
        if kind is dataclasses.dataclass:
            return self.dataclass(value, typing.cast(type[Any], tp), path)
        if tp is str:
            if self.trusted and type(value) is str:
                return value
            if not isinstance(value, str):
                self.error(path, t("schema.expected_text"))
                return _INVALID
            text = value.strip()
            if not text:
                self.error(path, t("schema.empty_text"))
            bad = charset.refused(text)  # a pack's text reaches every output too (charset.py)
            if bad is not None and (bad < " " or "\x7f" <= bad <= "\x9f"):
                self.error(path, t("answers.control_char", code=charset.describe(bad)))
            elif bad is not None:
                self.error(path, t("answers.refused_char", code=charset.describe(bad)))
            return text
        if tp is bool:
            if value in ("true", "false"):
                return value == "true"
            if isinstance(value, bool):
                return value
            self.error(path, t("schema.expected_bool"))
            return _INVALID
        if tp is int:
            number = as_int(value)
            if number is None:
                self.error(path, t("schema.expected_int"))
                return _INVALID
            return number
        if tp is dt.date:
            day = as_date(value)
            if day is None:
                self.error(path, t("schema.expected_date"))
                return _INVALID
            return day
        raise TypeError(f"unsupported type {tp!r}")  # pragma: no cover - programming error

    def dataclass(self, value: Any, cls: type[T], path: KeyPath) -> T:
        if not isinstance(value, dict):
            self.error(path, t("schema.expected_mapping"))
            return typing.cast(T, _INVALID)
        fields = _fields(typing.cast(Any, cls))
        unknown = [k for k in value if k not in fields]
        for key in unknown:
            self.error((*path, key), t("schema.unknown", field=key, allowed=", ".join(fields)), key=True)
        kwargs: dict[str, Any] = {}
        for key, (name, tp, required) in fields.items():
            if key not in value:
                if required:
                    self.error(path, t("schema.missing", field=key))
                    kwargs[name] = _INVALID
                continue
            kwargs[name] = self.convert(value[key], tp, (*path, key))
        return cls(**kwargs)


_INT = re.compile(r"0|[1-9][0-9]{0,8}")


def as_int(value: Any) -> int | None:
    """A whole number written in decimal digits (`3`, `"3"`), else None; no sign, no `03`, no `3.0`."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and _INT.fullmatch(value):
        return int(value)
    return None


def as_date(value: Any) -> dt.date | None:
    """A calendar date written `AAAA-MM-JJ`, else None."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and len(value) == 10:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


class _Invalid:
    """Placeholder for a value that failed conversion; its error is already recorded."""

    def __repr__(self) -> str:
        return "<invalide>"


_INVALID: Any = _Invalid()


def _shape(tp: Any) -> tuple[Any, tuple[Any, ...]]:
    """What `convert` needs to know of a type, found once per type (thousands of values share a few).

    Kept by identity: hashing a `Literal[...]` walks its values, at every one of those values.
    """
    found = _SHAPES.get(id(tp))
    if found is None or found[0] is not tp:
        found = _SHAPES[id(tp)] = (tp, _find_shape(tp))
    return found[1]


_SHAPES: dict[int, tuple[Any, tuple[Any, tuple[Any, ...]]]] = {}  # the type is kept: its id stays its own


def _find_shape(tp: Any) -> tuple[Any, tuple[Any, ...]]:
    origin = get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        return Union, tuple(a for a in get_args(tp) if a is not type(None))
    if origin in (Literal, dict, tuple):
        return origin, get_args(tp)
    if dataclasses.is_dataclass(tp):
        return dataclasses.dataclass, ()
    return tp, ()


@cache
def _fields(cls: type[Any]) -> dict[str, tuple[str, Any, bool]]:
    """The YAML key of each field (a trailing `_` dropped: `from_` reads `from`), its type, whether required."""
    out: dict[str, tuple[str, Any, bool]] = {}
    for f in dataclasses.fields(cls):
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        out[f.name.rstrip("_")] = (f.name, _hint(cls, f), required)
    return out


def _hint(cls: type[Any], field: dataclasses.Field[Any]) -> Any:
    """A field's type, its annotation evaluated where the class was written (what
    `typing.get_type_hints` does, at half the cost: the models have no base classes)."""
    if not isinstance(field.type, str):
        return field.type
    owner = next(c for c in cls.__mro__ if field.name in vars(c).get("__annotations__", {}))
    return eval(field.type, vars(sys.modules[owner.__module__]), dict(vars(owner)))  # our own annotations


def _or(choices: tuple[Any, ...]) -> str:
    shown = [t("schema.quoted", value=c) for c in choices]
    return shown[0] if len(shown) == 1 else t("schema.or", first=", ".join(shown[:-1]), last=shown[-1])


def is_valid(value: Any) -> bool:
    return value is not _INVALID
