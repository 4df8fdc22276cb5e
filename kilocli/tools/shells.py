"""``kilocli env``'s formats: each variable quoted so that its shell (or parser) reads back
exactly the value, whatever characters it holds."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Literal

from kilocli.tools.variables import Variable

Format = Literal["sh", "fish", "powershell", "dotenv", "json", "github"]

# PowerShell ends a single-quoted string at any of these, not only at U+0027.
_POWERSHELL_QUOTES = ("'", "\u2018", "\u2019", "\u201a", "\u201b")


def sh_quote(value: str) -> str:
    """POSIX shells: single quotes, each ``'`` written as ``'\\''``."""
    return "'" + value.replace("'", "'\\''") + "'"


def fish_quote(value: str) -> str:
    """fish: single quotes, in which only ``\\\\`` and ``\\'`` are escapes."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def powershell_quote(value: str) -> str:
    """PowerShell: single quotes (no expansion), each quote character doubled."""
    for quote in _POWERSHELL_QUOTES:
        value = value.replace(quote, quote * 2)
    return "'" + value + "'"


def dotenv_quote(value: str) -> str:
    """``.env`` files: single quotes, read literally by every dotenv reader, when the value
    allows them; otherwise double quotes with backslash escapes."""
    if not any(ch in value for ch in "'\\\n\r"):
        return "'" + value + "'"
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return '"' + escaped.replace("\r", "\\r") + '"'


def _lines(line: Callable[[Variable], str]) -> Callable[[Sequence[Variable]], str]:
    return lambda variables: "".join(line(v) + "\n" for v in variables)


def _github_line(variable: Variable) -> str:
    if "\n" not in variable.value and "\r" not in variable.value:
        return f"{variable.name}={variable.value}"
    # GitHub's multi-line form; the delimiter must not occur in the value.
    delimiter = "KILOCLI_EOF"
    while delimiter in variable.value:
        delimiter += "_"
    return f"{variable.name}<<{delimiter}\n{variable.value}\n{delimiter}"


_WRITERS: dict[Format, Callable[[Sequence[Variable]], str]] = {
    "sh": _lines(lambda v: f"export {v.name}={sh_quote(v.value)}"),
    "fish": _lines(lambda v: f"set -gx {v.name} {fish_quote(v.value)}"),
    "powershell": _lines(lambda v: f"$env:{v.name} = {powershell_quote(v.value)}"),
    "dotenv": _lines(lambda v: f"{v.name}={dotenv_quote(v.value)}"),
    "json": lambda variables: json.dumps({v.name: v.value for v in variables}, indent=2) + "\n",
    "github": _lines(_github_line),
}


def render_variables(variables: Sequence[Variable], fmt: Format) -> str:
    """The variables in ``fmt``, ready for stdout."""
    return _WRITERS[fmt](variables)


def github_masks(variables: Sequence[Variable]) -> str:
    """``::add-mask::`` for each secret value (once each), for the runner to read on stderr."""
    secrets = dict.fromkeys(v.value for v in variables if v.secret)
    return "".join(f"::add-mask::{value}\n" for value in secrets)


USAGE: dict[Format, str] = {
    "sh": 'eval "$({command})"',
    "fish": "{command} | source",
    "powershell": "{command} | Invoke-Expression",
    "dotenv": "{command} > .env",
    "json": "{command} > kilocli-env.json",
    "github": '{command} >> "$GITHUB_ENV"',
}


def how_to_use(fmt: Format, command: str) -> str:
    """The line that tells a user on a terminal how to use the real values."""
    return USAGE[fmt].format(command=command)
