"""Defensive reads of parsed JSON: a value of the wrong shape is coerced or dropped with a warning.

A registry record is untrusted: `"conditions": "Diabetes"` must become one condition (not eight one-letter
ones), a list where a text belongs must not leak its Python repr, and nothing may raise TypeError.
"""

from __future__ import annotations

from typing import Any


class Reader:
    """Reads values out of JSON objects by key; every surprise becomes one warning in `warnings`."""

    def __init__(self, warnings: list[str]) -> None:
        self.warnings = warnings

    def _warn(self, key: str, expected: str, value: object, outcome: str) -> None:
        message = f"{key}: expected {expected}, found {_kind(value)}; {outcome}"
        if message not in self.warnings:
            self.warnings.append(message)

    def obj(self, parent: Any, key: str) -> dict[str, Any]:
        """An object member, or {} (with a warning when something else is there)."""
        value = parent.get(key) if isinstance(parent, dict) else None
        if value is None or isinstance(value, dict):
            return value or {}
        self._warn(key, "an object", value, "ignored")
        return {}

    def objs(self, parent: Any, key: str) -> list[dict[str, Any]]:
        """A list of objects; a lone object is read as a list of one; other items are dropped with a warning."""
        value = parent.get(key) if isinstance(parent, dict) else None
        if value is None:
            return []
        if isinstance(value, dict):
            self._warn(key, "a list", value, "read as a list of one")
            return [value]
        if not isinstance(value, list):
            self._warn(key, "a list of objects", value, "ignored")
            return []
        items = [item for item in value if isinstance(item, dict)]
        if len(items) != len(value):
            odd = next(item for item in value if not isinstance(item, dict))
            self._warn(key, "objects in the list", odd, f"{len(value) - len(items):,} such items ignored")
        return items

    def text(self, parent: Any, key: str) -> str | None:
        """A text member; a number is read as its digits; anything else is dropped with a warning."""
        value = parent.get(key) if isinstance(parent, dict) else None
        return self.as_text(value, key)

    def as_text(self, value: Any, key: str) -> str | None:
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        self._warn(key, "text", value, "ignored")
        return None

    def texts(self, parent: Any, key: str) -> list[str]:
        """A list of texts; a lone text is read as a list of one (never split into characters)."""
        value = parent.get(key) if isinstance(parent, dict) else None
        if value is None:
            return []
        if isinstance(value, str):
            self._warn(key, "a list", value, "read as a list of one")
            return [value]
        if not isinstance(value, list):
            single = self.as_text(value, key)
            return [single] if single is not None else []
        out = [t for t in (v if isinstance(v, str) else self._scalar(v) for v in value) if t is not None]
        if len(out) != len(value):
            odd = next(v for v in value if not isinstance(v, str) and self._scalar(v) is None)
            self._warn(key, "texts in the list", odd, f"{len(value) - len(out):,} such items ignored")
        return out

    @staticmethod
    def _scalar(value: Any) -> str | None:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        return None

    def integer(self, parent: Any, key: str) -> int | None:
        """A whole number; digits in a text are read; anything else is dropped with a warning."""
        value = parent.get(key) if isinstance(parent, dict) else None
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) < 10**12:
            return value
        if isinstance(value, float) and value.is_integer() and abs(value) < 1e12:
            return int(value)
        if isinstance(value, str) and value.strip().replace(",", "").isdigit() and len(value) < 13:
            return int(value.strip().replace(",", ""))
        self._warn(key, "a whole number", value, "ignored")
        return None

    def flag(self, parent: Any, key: str) -> bool | None:
        """true / false; "yes"/"no" texts are read; anything else is dropped with a warning."""
        value = parent.get(key) if isinstance(parent, dict) else None
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in {"true", "yes", "false", "no"}:
            return value.strip().lower() in {"true", "yes"}
        self._warn(key, "true or false", value, "ignored")
        return None


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return "text"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "null"
