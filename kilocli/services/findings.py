"""What ``kilocli doctor`` found: one :class:`Finding` per thing it looked at."""

from __future__ import annotations

from typing import Literal

from kilocli.results import Record

Severity = Literal["ok", "info", "warning", "error"]


class Finding(Record):
    """One thing doctor looked at."""

    check: str
    severity: Severity
    message: str
    fix: str | None = None
    fixed: bool = False

    @property
    def is_problem(self) -> bool:
        return self.severity in {"warning", "error"} and not self.fixed


def finding(check: str, severity: Severity, message: str, fix: str | None = None) -> Finding:
    """A :class:`Finding`, written the short way."""
    return Finding(check=check, severity=severity, message=message, fix=fix)
