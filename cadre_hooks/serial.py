"""JSON (de)serialisation of the frozen dataclasses of the model, for the caches.

The caches used to be pickles: a cache restored from shared CI storage could then run any code,
or announce a terabyte and exhaust memory. JSON cannot execute anything, and this module checks
every value against the dataclass's type hints on the way back, so a damaged or crafted cache
is rejected (`Invalid`) and the caller starts from an empty one.

It is generic: driven by `dataclasses.fields` and `typing.get_type_hints`, so a field another
part of cadre adds later (with a default) is written and read without touching this module; a
field missing from an older file takes its default. `schema_stamp` digests the field names and
types, for cache keys: a changed model never reads a cache written for the old one.

Supported types: None, bool, int, float, str; `X | None` and other unions of those; `tuple[X,
...]`, fixed `tuple[X, Y]`, `list[X]`, `frozenset[X]`, `set[X]`, `dict[str, X]`, `Mapping[str,
X]`; nested dataclasses; `object` (any JSON value, as-is).
"""

from __future__ import annotations

import collections.abc
import dataclasses
import functools
import hashlib
import types
import typing
from collections.abc import Callable
from typing import Any

Decoder = Callable[[Any], Any]


class Invalid(ValueError):
    """The JSON does not match the expected type."""


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


def encode(value: Any) -> Any:
    """A JSON-ready value: dataclasses as objects of their fields, tuples and sets as lists."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(type(value), "__dataclass_fields__") and not isinstance(value, type):
        return {name: encode(getattr(value, name)) for name in _field_names(type(value))}
    if isinstance(value, (tuple, list)):
        return [encode(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((encode(v) for v in value), key=repr)
    if isinstance(value, collections.abc.Mapping):
        return {str(k): encode(v) for k, v in value.items()}
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")


def decode(hint: Any, data: Any) -> Any:
    """The value of type `hint` that `data` (parsed JSON) describes; `Invalid` when it does not fit."""
    return decoder(hint)(data)


def _fail(expected: str, data: Any) -> Invalid:
    return Invalid(f"expected {expected}, got {type(data).__name__}")


def _primitive(kind: Any) -> Decoder:
    def check(data: Any) -> Any:
        if kind is int and (isinstance(data, bool) or not isinstance(data, int)):
            raise _fail("int", data)
        if kind is float and (isinstance(data, bool) or not isinstance(data, (int, float))):
            raise _fail("float", data)
        if not isinstance(data, kind):
            raise _fail(kind.__name__, data)
        return float(data) if kind is float else data
    return check


def _none(data: Any) -> None:
    if data is not None:
        raise _fail("null", data)
    return None


def _any(data: Any) -> Any:
    return data


@functools.lru_cache(maxsize=None)
def decoder(hint: Any) -> Decoder:
    """A function checking and building values of type `hint` (built once per type)."""
    if hint is type(None) or hint is None:
        return _none
    if hint is object or hint is Any:
        return _any
    if hint in (bool, int, float, str):
        return _primitive(hint)
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return _dataclass(hint)
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return _union(tuple(decoder(a) for a in args))
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return _sequence(decoder(args[0]), tuple)
        return _fixed(tuple(decoder(a) for a in args))
    if origin in (list, collections.abc.Sequence):
        return _sequence(decoder(args[0]) if args else _any, list)
    if origin in (frozenset, set, collections.abc.Set):
        return _sequence(decoder(args[0]) if args else _any, frozenset if origin is not set else set)
    if origin in (dict, collections.abc.Mapping):
        if args and args[0] is not str:
            raise TypeError(f"only str keys are supported, not {args[0]!r}")
        return _mapping(decoder(args[1]) if args else _any)
    raise TypeError(f"unsupported type {hint!r}")


def _union(options: tuple[Decoder, ...]) -> Decoder:
    nullable = _none in options

    def check(data: Any) -> Any:
        if data is None and nullable:
            return None
        for option in options:
            try:
                return option(data)
            except Invalid:
                continue
        raise _fail("one of the union's types", data)
    return check


def _sequence(item: Decoder, build: Callable[[Any], Any]) -> Decoder:
    def check(data: Any) -> Any:
        if not isinstance(data, list):
            raise _fail("array", data)
        return build(item(v) for v in data)
    return check


def _fixed(items: tuple[Decoder, ...]) -> Decoder:
    def check(data: Any) -> Any:
        if not isinstance(data, list) or len(data) != len(items):
            raise _fail(f"array of {len(items)}", data)
        return tuple(item(v) for item, v in zip(items, data))
    return check


def _mapping(value: Decoder) -> Decoder:
    def check(data: Any) -> Any:
        if not isinstance(data, dict):
            raise _fail("object", data)
        return {k: value(v) for k, v in data.items()}
    return check


def _dataclass(cls: type) -> Decoder:
    hints = typing.get_type_hints(cls)
    fields = [(f.name, f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING)
              for f in dataclasses.fields(cls)]
    plan: list[tuple[str, bool, Decoder]] = []

    def check(data: Any) -> Any:
        if not isinstance(data, dict):
            raise _fail(f"{cls.__name__} object", data)
        if not plan:  # built on first use: a dataclass may refer to itself
            plan.extend((name, required, decoder(hints[name])) for name, required in fields)
        values = {}
        for name, required, decode_field in plan:
            if name in data:
                values[name] = decode_field(data[name])
            elif required:
                raise Invalid(f"{cls.__name__}.{name} is missing")
        try:
            return cls(**values)
        except (TypeError, ValueError) as err:  # a __post_init__ check
            raise Invalid(f"{cls.__name__}: {err}") from None
    return check


def schema_stamp(*classes: type) -> str:
    """A digest of the fields and types of `classes` and the dataclasses they contain."""
    seen: dict[str, str] = {}

    def visit(hint: Any) -> None:
        if dataclasses.is_dataclass(hint) and isinstance(hint, type):
            key = f"{hint.__module__}.{hint.__qualname__}"
            if key in seen:
                return
            hints = typing.get_type_hints(hint)
            seen[key] = ",".join(f"{f.name}:{hints[f.name]!r}" for f in dataclasses.fields(hint))
            for f in dataclasses.fields(hint):
                visit(hints[f.name])
        for arg in typing.get_args(hint):
            visit(arg)

    for cls in classes:
        visit(cls)
    text = "\n".join(f"{k}={v}" for k, v in sorted(seen.items()))
    return hashlib.sha256(text.encode()).hexdigest()[:16]
