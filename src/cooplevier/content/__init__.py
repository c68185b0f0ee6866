"""The content layer's base: the closed words of the answer format, and `dataclass`.

The pack's models are in `model`, their strict loading in `strict_yaml`, `schema`, `checks` and
`load`, answer files in `answers`: import from the module you need. This package holds only
what must stay cheap to import (`cooplevier --help` and every command's start-up are
benchmarked):

- the words of the answer format (roles, structure types, forms, axes), which the command line
  names in its help and checks without importing the models (`content/model.py` re-exports
  them; their French is in `messages`: `role_label`…);
- `dataclass(frozen=True, …)`, the standard library's made faster to create. The standard
  library compiles six generated methods for each frozen dataclass (`__init__`, `__repr__`,
  `__eq__`, `__hash__`, `__setattr__`, `__delattr__`): about 0.4 ms a class, and the content,
  scoring and plan models are some fifty classes on the path of every command. This one makes
  the same class: the same fields (`dataclasses.fields`, `replace`, `asdict` work), the same
  `__init__` (compiled: the one method on a hot path), equal, hashed, shown and immutable the
  same way, with slots and pickling; the other methods are shared functions reading the class's
  field names. Anything else (not frozen, a `__post_init__`, a `field()` with more than a
  default, `ClassVar`, inheritance) is handed to the standard library.
"""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Callable
from typing import Any, Literal, TypeVar, cast, dataclass_transform, get_args

AxisId = Literal["impulsion", "dialogue", "mouvement", "convergence"]
AXIS_IDS: tuple[AxisId, ...] = get_args(AxisId)
Role = Literal["elu", "technicien", "societe-civile", "partenaire", "autre"]
ROLES: tuple[Role, ...] = get_args(Role)
Structure = Literal["epci", "petr", "scot", "pnr", "autre"]  # what "votre structure" is
STRUCTURES: tuple[Structure, ...] = get_args(Structure)
Form = Literal["full", "short"]  # the whole questionnaire, or one question per lever
FORMS: tuple[Form, ...] = get_args(Form)

T = TypeVar("T")
_NO_VALUE = object()  # a default_factory's argument left out


@dataclass_transform(field_specifiers=(dataclasses.field, dataclasses.Field))
def dataclass(*, frozen: bool = False, slots: bool = False, **settings: Any) -> Callable[[type[T]], type[T]]:
    """`dataclasses.dataclass(frozen=…, slots=…, **settings)`, the frozen plain case made faster."""

    def wrap(cls: type[T]) -> type[T]:
        if not frozen or settings or not _plain(cls):
            return dataclasses.dataclass(frozen=frozen, slots=slots, **settings)(cls)
        return _frozen(cls, slots=slots)

    return wrap


def _plain(cls: type) -> bool:
    """Fields with at most a default, no __post_init__, no base dataclass, no method of its own
    that a dataclass would write."""
    own = cls.__dict__
    if hasattr(cls, "__post_init__") or any(dataclasses.is_dataclass(base) for base in cls.__mro__[1:]):
        return False
    if any(name in own for name in ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__")):
        return False
    for name, annotation in own.get("__annotations__", {}).items():
        if "ClassVar" in str(annotation) or "InitVar" in str(annotation):
            return False
        value = own.get(name)
        if isinstance(value, dataclasses.Field) and not (
            value.init and value.repr and value.compare and value.hash is None and value.kw_only is dataclasses.MISSING
        ):
            return False
    return True


def _frozen(cls: type[T], *, slots: bool) -> type[T]:
    if cls.__doc__ is None:  # else the standard library computes a signature to write one
        cls.__doc__ = cls.__name__
    made: Any = dataclasses.dataclass(init=False, repr=False, eq=False, slots=slots)(cls)
    fields = dataclasses.fields(made)
    names = tuple(f.name for f in fields)
    made.__init__ = _init(made, fields)
    made._record_names = names
    made._record_values = staticmethod(_values(names))
    for name, method in _SHARED.items():
        setattr(made, name, method)
    if slots:
        made.__getstate__ = _getstate
        made.__setstate__ = _setstate
    return cast(type[T], made)


def _values(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """The field values of an instance, as a tuple (what equality and the hash compare)."""
    if len(names) > 1:
        return operator.attrgetter(*names)
    return lambda self: tuple(getattr(self, name) for name in names)


def _init(cls: type, fields: tuple[dataclasses.Field[Any], ...]) -> Callable[..., None]:
    """The class's `__init__`, compiled as the standard library writes it."""
    env: dict[str, Any] = {"__set": object.__setattr__, "__no_value": _NO_VALUE}
    params, body = [], []
    for f in fields:
        if f.default is not dataclasses.MISSING:
            env[f"__default_{f.name}"] = f.default
            params.append(f"{f.name}=__default_{f.name}")
        elif f.default_factory is not dataclasses.MISSING:
            env[f"__factory_{f.name}"] = f.default_factory
            params.append(f"{f.name}=__no_value")
            body.append(f"if {f.name} is __no_value: {f.name} = __factory_{f.name}()")
        else:
            params.append(f.name)
        body.append(f"__set(self, {f.name!r}, {f.name})")
    source = f"def __init__(self, {', '.join(params)}):\n" + "".join(f"    {line}\n" for line in body or ["pass"])
    space: dict[str, Any] = {}
    exec(source, env, space)
    init: Callable[..., None] = space["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__annotations__ = {**{f.name: f.type for f in fields}, "return": None}
    return init


def _repr(self: Any) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._record_names)
    return f"{type(self).__qualname__}({shown})"


def _eq(self: Any, other: Any) -> bool:
    if other.__class__ is self.__class__:
        return bool(self._record_values(self) == self._record_values(other))
    return NotImplemented  # type: ignore[no-any-return]


def _hash(self: Any) -> int:
    return hash(self._record_values(self))


def _setattr(self: Any, name: str, value: object) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")


def _delattr(self: Any, name: str) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")


def _getstate(self: Any) -> list[Any]:
    return [getattr(self, name) for name in self._record_names]


def _setstate(self: Any, state: list[Any]) -> None:
    for name, value in zip(self._record_names, state, strict=True):
        object.__setattr__(self, name, value)


_SHARED = {"__repr__": _repr, "__eq__": _eq, "__hash__": _hash, "__setattr__": _setattr, "__delattr__": _delattr}
