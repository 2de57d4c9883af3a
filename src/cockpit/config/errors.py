"""Config problems as ``FILE:LINE:COL: message`` lines, all of them at once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class ConfigIssue:
    """One problem in a config file.

    ``line`` and ``col`` are 1-based; both are 0 for a problem with the file as a whole (it does
    not exist, cannot be read), which prints as ``FILE: message``.
    """

    file: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        if self.line <= 0:
            return f"{self.file}: {self.message}"
        return f"{self.file}:{self.line}:{self.col}: {self.message}"


class ConfigError(Exception):
    """A config that cannot be used; ``issues`` lists every problem found, in file order."""

    def __init__(self, issues: Iterable[ConfigIssue]) -> None:
        self.issues: list[ConfigIssue] = sorted(issues, key=lambda i: (i.file, i.line, i.col))
        super().__init__("\n".join(str(issue) for issue in self.issues))

    @classmethod
    def single(cls, file: str, message: str, line: int = 0, col: int = 0) -> ConfigError:
        """An error with one issue."""
        return cls([ConfigIssue(file, line, col, message)])
