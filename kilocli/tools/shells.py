"""``kilocli env``'s formats: each variable written so that every consumer of its format reads
back exactly the value and nothing else, whatever characters it holds, or refused.

Who reads each format, and the rule that keeps them honest:

- ``sh``: ``eval`` in sh, bash, dash and zsh. Single quotes, in which nothing is special.
- ``fish``: ``| source``. Single quotes, in which only ``\\\\`` and ``\\'`` are escapes.
- ``powershell``: ``| Invoke-Expression``, which gets the output line by line. Single quotes
  (no expansion) with every quote character doubled; a line break or other control character
  is joined in as ``[char]N``, so that each variable stays on one line.
- ``dotenv``: a shell that sources the file (``set -a; . ./.env``), python-dotenv, and
  ``docker run --env-file``. Docker takes everything after ``=`` as the value, quotes included,
  and has no multi-line values; a shell removes quotes and expands ``$``, `````, ``~`` and
  a leading ``=`` (zsh); python-dotenv expands ``${…}`` and drops a `` #…`` comment. No quoting
  reads the same in all three, so a value is written bare, and only when it consists of
  characters none of them treats specially (:data:`DOTENV_SAFE`); any other value is refused,
  naming the variable and the formats that can carry it.
- ``json``: one object, ASCII only (``\\uXXXX`` escapes).
- ``github``: ``$GITHUB_ENV``, which the Actions runner reads as ``NAME=value`` lines, or
  ``NAME<<DELIMITER`` … ``DELIMITER`` for a value with a line break; the delimiter is random,
  never derived from the value. ``::add-mask::`` lines for the runner on stderr carry the
  secret escaped as workflow commands require (``%25``, ``%0D``, ``%0A``).

Every format refuses a value that is not text a file can hold (a lone surrogate from an
undecodable environment byte).
"""

from __future__ import annotations

import json
import secrets
import string
from collections.abc import Callable, Sequence
from typing import Literal

from kilocli.tools.variables import UnusableValue, Variable

Format = Literal["sh", "fish", "powershell", "dotenv", "json", "github"]

# PowerShell ends a single-quoted string at any of these, not only at U+0027.
_POWERSHELL_QUOTES = ("'", "\u2018", "\u2019", "\u201a", "\u201b")
# The characters a .env value may hold: a POSIX shell, python-dotenv and docker all read them
# literally, unquoted. Keys, base URLs and organisation ids need nothing else.
DOTENV_SAFE = frozenset(string.ascii_letters + string.digits + "_-.,/:@%+=")
# docker reads an env-file with Go's bufio.Scanner: a longer line is an error.
DOCKER_LINE_LIMIT = 65535


def sh_quote(value: str) -> str:
    """POSIX shells: single quotes, each ``'`` written as ``'\\''``."""
    return "'" + value.replace("'", "'\\''") + "'"


def fish_quote(value: str) -> str:
    """fish: single quotes, in which only ``\\\\`` and ``\\'`` are escapes."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def powershell_quote(value: str) -> str:
    """PowerShell: single quotes (no expansion), each quote character doubled; control
    characters (line breaks above all) as ``[char]N`` outside the quotes, since
    ``Invoke-Expression`` reads piped output one line at a time."""
    parts: list[str] = []
    literal = ""
    for ch in value:
        if _is_control(ch):
            parts += [f"'{literal}'"] if literal else []
            parts.append(f"[char]{ord(ch)}")
            literal = ""
        else:
            literal += ch * 2 if ch in _POWERSHELL_QUOTES else ch
    if literal or not parts:
        parts.append(f"'{literal}'")
    if parts[0].startswith("[char]"):
        parts.insert(0, "''")  # a string first, so that + joins text rather than adds numbers
    return parts[0] if len(parts) == 1 else "(" + " + ".join(parts) + ")"


def _is_control(ch: str) -> bool:
    return ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 or ch in "\u2028\u2029"


def dotenv_value(variable: Variable) -> str:
    """The value as it stands after ``NAME=`` in a ``.env`` file a shell, python-dotenv and
    docker all read: bare, since docker would keep any quotes.

    Raises:
        UnusableValue: the value holds a character outside :data:`DOTENV_SAFE`, starts with
            ``=`` (zsh expands it), or makes a line longer than docker reads.
    """
    value = variable.value
    unsafe = sorted({ch for ch in value if ch not in DOTENV_SAFE})
    if unsafe or value.startswith("=") or len(variable.name) + 1 + len(value) > DOCKER_LINE_LIMIT:
        shown = ", ".join(_describe(ch) for ch in unsafe[:5]) or "a leading '=' or its length"
        if variable.secret:
            shown = "characters (not shown: it is a key)"  # not even a few of a key's
        raise UnusableValue(
            f"{variable.name} cannot be written to a .env file: it holds {shown}, which a "
            "shell, python-dotenv and docker --env-file would not all read the same way.",
            hint="Use another format: kilocli env --format json (or sh, for a shell).",
        )
    return value


def _describe(ch: str) -> str:
    if ch == " ":
        return "a space"
    return repr(ch) if ch.isprintable() else f"U+{ord(ch):04X}"


def _lines(line: Callable[[Variable], str]) -> Callable[[Sequence[Variable]], str]:
    return lambda variables: "".join(line(v) + "\n" for v in variables)


def _github_line(variable: Variable) -> str:
    """``NAME=value``, or the heredoc form for a value with a line break. The runner splits
    lines at LF only, except on Windows, where CR LF ends a line too: a CR that ends a line
    of the value would be lost there, so it is refused."""
    value = variable.value
    if "\n" not in value and "\r" not in value:
        return f"{variable.name}={value}"
    if "\r\n" in value or value.endswith("\r"):
        raise UnusableValue(
            f"{variable.name} cannot be written for $GITHUB_ENV: it holds a carriage return "
            "at the end of a line, which runners on Windows would drop.",
            hint="Use another format: kilocli env --format json.",
        )
    delimiter = _random_delimiter()
    while delimiter in value:  # about 2**-128; checked all the same
        delimiter = _random_delimiter()
    return f"{variable.name}<<{delimiter}\n{value}\n{delimiter}"


def _random_delimiter() -> str:
    return f"KILOCLI_EOF_{secrets.token_hex(16)}"


_WRITERS: dict[Format, Callable[[Sequence[Variable]], str]] = {
    "sh": _lines(lambda v: f"export {v.name}={sh_quote(v.value)}"),
    "fish": _lines(lambda v: f"set -gx {v.name} {fish_quote(v.value)}"),
    "powershell": _lines(lambda v: f"$env:{v.name} = {powershell_quote(v.value)}"),
    "dotenv": _lines(lambda v: f"{v.name}={dotenv_value(v)}"),
    "json": lambda variables: json.dumps({v.name: v.value for v in variables}, indent=2) + "\n",
    "github": _lines(_github_line),
}


def render_variables(variables: Sequence[Variable], fmt: Format) -> str:
    """The variables in ``fmt``, ready for stdout.

    Raises:
        UnusableValue: a value that format cannot carry so that every reader of it gets the
            value back; nothing is written then.
    """
    for variable in variables:
        try:
            variable.value.encode("utf-8")
        except UnicodeEncodeError:
            raise UnusableValue(
                f"{variable.name} holds bytes that are not text (from an undecodable "
                "environment variable), so it cannot be written out.",
                hint=f"Check {variable.name} and the variable it came from.",
            ) from None
    return _WRITERS[fmt](variables)


def render_previews(variables: Sequence[Variable], fmt: Format) -> str:
    """The variables in ``fmt`` for a person to read on a terminal: values that are previews
    (``eyJh…Qk0s``) and never reach a parser, so the ``.env`` rule does not apply to them."""
    if fmt == "dotenv":
        return _lines(lambda v: f"{v.name}={v.value}")(variables)
    return _WRITERS[fmt](variables)


def _command_data(value: str) -> str:
    """Workflow command data, escaped as the Actions runner unescapes it."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_masks(variables: Sequence[Variable]) -> str:
    """``::add-mask::`` for each secret value (once each), for the runner to read on stderr;
    a secret with line breaks is masked whole and line by line, as the runner's log shows it
    one line at a time."""
    masks: dict[str, None] = {}
    for variable in variables:
        if variable.secret:
            masks[variable.value] = None
            lines = variable.value.splitlines()
            masks.update(dict.fromkeys(line for line in lines if len(lines) > 1 and line.strip()))
    return "".join(f"::add-mask::{_command_data(value)}\n" for value in masks)


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
