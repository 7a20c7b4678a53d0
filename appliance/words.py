"""Counted nouns for what the program says: "1 set", "2 sets", never "1 sets"."""

from __future__ import annotations


def plural(n: int, one: str, many: str = "") -> str:
    """``one`` when ``n`` is 1, else ``many`` (default: ``one`` + "s")."""
    return one if n == 1 else many or one + "s"


def counted(n: int, one: str, many: str = "") -> str:
    """``n`` and its noun, singular or plural: ``counted(1, "set")`` is "1 set"."""
    return f"{n} {plural(n, one, many)}"
