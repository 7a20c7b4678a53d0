"""One way to declare and check a configuration section: each field carries its own rule.

A section is a frozen dataclass with a ``SECTION`` name (``"audio"``, ``"pose.smoothing"``)
whose fields are made with ``setting(default, ok, what)``. Its ``__post_init__`` calls
``check_section(self)``, which checks every field's type (from its annotation) and rule and
raises ``BadConfig`` naming the key (``audio.volume: expected a number from 0 to 1, got
1.5``), then checks whatever relates two fields. So a section is checked the same way
whether ``config.py`` built it from TOML or code made it directly.
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from dataclasses import field, fields, is_dataclass
from typing import Any, TypeVar

from appliance.errors import BadConfig

_T = TypeVar("_T")
Rule = Callable[[Any], bool]


def setting(default: _T, ok: Rule | None = None, what: str = "") -> _T:
    """A section field with its ``default``, and the rule ``ok(value)`` it must pass,
    described as ``what`` ("a number from 0 to 1") in the error."""
    return field(default=default, metadata={"ok": ok, "what": what})


def coerce(hint: object, value: object, key: str) -> object:
    """``value`` (from TOML or code) as the field type ``hint`` wants it; ``BadConfig``
    naming ``key`` if it is of the wrong type. Integers are numbers; booleans are not."""
    if hint is bool:
        if not isinstance(value, bool):
            raise BadConfig(f"{key}: expected true or false, got {value!r}")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise BadConfig(f"{key}: expected an integer, got {value!r}")
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise BadConfig(f"{key}: expected a number, got {value!r}")
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            raise BadConfig(f"{key}: expected a string, got {value!r}")
        return value
    if hint == tuple[str, ...]:
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise BadConfig(f"{key}: expected a list of strings, got {value!r}")
        return tuple(value)
    raise TypeError(f"unsupported config type {hint!r} for {key}")


def check_section(section: Any) -> None:
    """Check each field of ``section`` (a dataclass with a ``SECTION`` name): its type,
    then its rule. Nested sections check themselves."""
    hints = typing.get_type_hints(type(section))
    for f in fields(section):
        hint = hints[f.name]
        if is_dataclass(hint):
            continue
        key = f"{section.SECTION}.{f.name}"
        value = getattr(section, f.name)
        coerce(hint, value, key)
        ok = f.metadata.get("ok")
        if ok is not None and not ok(value):
            raise BadConfig(f"{key}: expected {f.metadata['what']}, got {value!r}")
