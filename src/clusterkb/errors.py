"""Errors users see: each says where, what, and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class ClusterkbError(Exception):
    """Base of every error the CLI turns into a message and an exit code."""

    exit_code = 2


@dataclass
class InputError(ClusterkbError):
    """Unreadable input: a file that does not parse, an unknown query, a bad parameter."""

    what: str
    fix: str = ""
    path: Path | str | None = None
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = str(self.path)
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        text = f"{where}{self.what}"
        if self.fix:
            text += f"\n  how to fix: {self.fix}"
        return text


class ValidationFailed(ClusterkbError):
    """Data that breaks a shape with severity Violation."""

    exit_code = 1
