"""Words for what the program says: counted nouns ("1 set", "2 sets", never "1 sets") and
fault ids as words."""

from __future__ import annotations


def plural(n: int, one: str, many: str = "") -> str:
    """``one`` when ``n`` is 1, else ``many`` (default: ``one`` + "s")."""
    return one if n == 1 else many or one + "s"


def counted(n: int, one: str, many: str = "") -> str:
    """``n`` and its noun, singular or plural: ``counted(1, "set")`` is "1 set"."""
    return f"{n} {plural(n, one, many)}"


def fault_name(fault: str) -> str:
    """A fault id as words: ``"rounded_back"`` → ``"rounded back"``."""
    return fault.replace("_", " ")
