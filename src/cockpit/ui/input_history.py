"""Recently applied values of an input line, recalled with Up and Down (like a shell)."""

from __future__ import annotations


class InputHistory:
    """The last ``size`` distinct values, oldest first, and a place while browsing them.

    Args:
        size: Values kept.
    """

    def __init__(self, size: int = 20) -> None:
        self.size = size
        self.values: list[str] = []
        self._pos = 0
        self._draft = ""

    def add(self, value: str) -> None:
        """Remember an applied value (an empty one is not worth recalling)."""
        if not value:
            return
        if value in self.values:
            self.values.remove(value)
        self.values.append(value)
        del self.values[: -self.size]

    def start(self, draft: str) -> None:
        """Begin browsing from the newest value; ``draft`` is what the line holds now."""
        self._pos = len(self.values)
        self._draft = draft

    def older(self) -> str | None:
        """The value before the one shown, or None at the oldest."""
        if self._pos == 0:
            return None
        self._pos -= 1
        return self.values[self._pos]

    def newer(self) -> str | None:
        """The value after the one shown; past the newest, the draft; None if already there."""
        if self._pos >= len(self.values):
            return None
        self._pos += 1
        return self._draft if self._pos == len(self.values) else self.values[self._pos]
