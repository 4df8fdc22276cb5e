"""Readers of ``kilocli env``'s formats written from each consumer's documented rules, for the
consumers that cannot run here (docker, the GitHub Actions runner, PowerShell), and a helper
that runs the output through a real shell. They read strictly: anything the consumer would
reject, or read differently, fails the test."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path


def docker_env_file(text: str, *, strip_quotes: bool = False) -> dict[str, str]:
    """``docker run --env-file``'s reader (docker/cli ``pkg/kvfile``): lines split at LF with one
    trailing CR dropped (Go's ``bufio.ScanLines``), at most 64 KiB each; leading whitespace
    removed; blank lines and lines starting with ``#`` skipped; the key is everything before
    the first ``=`` and may hold no space or tab; the value is everything after it, as it is:
    no quote removal, no escapes, no expansion, trailing whitespace kept.

    With ``strip_quotes``, also the proposed change that drops one pair of matching outer
    quotes, so a test can show a value reads the same either way.
    """
    found: dict[str, str] = {}
    for raw in text.split("\n")[: -1 if text.endswith("\n") else None]:
        line = raw.removesuffix("\r")
        assert len(line.encode()) < 64 * 1024, "bufio.Scanner: token too long"
        line = line.lstrip()
        if not line or line.startswith("#"):
            continue
        key, equals, value = line.partition("=")
        assert key, f"docker refuses the line {line!r}"
        assert not {" ", "\t"} & set(key), f"docker refuses the line {line!r}"
        assert equals, f"{key} has no value: docker would look it up in its own environment"
        if strip_quotes and len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        found[key] = value
    return found


def github_env_file(text: str) -> dict[str, str]:
    """The Actions runner's reader of ``$GITHUB_ENV`` (``SetEnvFileCommand``, Linux and
    macOS): lines split at LF; ``NAME=value`` when ``=`` comes before any ``<<``, the value
    raw; else ``NAME<<DELIMITER`` and the lines up to one equal to the delimiter."""
    found: dict[str, str] = {}
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if not line:
            continue
        equals, heredoc = line.find("="), line.find("<<")
        if equals >= 0 and (heredoc < 0 or equals < heredoc):
            name, _, value = line.partition("=")
            assert name, f"empty name: {line!r}"
            found[name] = value
            continue
        assert heredoc >= 0, f"the runner rejects {line!r}"
        name, _, delimiter = line.partition("<<")
        assert name, f"the runner rejects {line!r}"
        assert delimiter, f"the runner rejects {line!r}"
        value_lines: list[str] = []
        while lines[index] != delimiter:  # IndexError: "Matching delimiter not found"
            value_lines.append(lines[index])
            index += 1
        index += 1
        found[name] = "\n".join(value_lines)
    return found


def runner_masks(stderr: str) -> list[str]:
    """The values the runner masks from ``::add-mask::`` lines, unescaped as the runner does
    (``%0D``, ``%0A``, then ``%25``, in that order)."""
    masks = []
    for line in stderr.splitlines():
        if line.startswith("::add-mask::"):
            data = line.removeprefix("::add-mask::")
            masks.append(data.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%"))
    return masks


_PS_QUOTES = "'\u2018\u2019\u201a\u201b"  # any of them opens and ends a literal


def powershell_assignments(text: str) -> dict[str, str]:
    """The subset of PowerShell ``kilocli env --format powershell`` writes, read by the
    language's rules: one ``$env:NAME = EXPR`` per line (``Invoke-Expression`` gets piped
    output line by line, so no statement may span lines); EXPR is a single-quoted string (any
    of the five quote characters doubled stands for itself, nothing expands), ``[char]N``, or
    ``( a + b + … )`` of those. Anything else fails."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        match = re.fullmatch(r"\$env:([A-Z_]+) = (.*)", line)
        assert match, f"not an assignment PowerShell would run as one line: {line!r}"
        name, expression = match.groups()
        found[name] = _powershell_expression(expression)
    return found


def _powershell_expression(expression: str) -> str:
    """``'…'``, ``[char]N``, ``+`` and parentheses, scanned as PowerShell's tokenizer does: in
    a single-quoted string a quote character followed by another stands for the second one,
    and a quote character followed by anything else ends the string."""
    parts, position = [], 0
    while position < len(expression):
        ch = expression[position]
        if ch in " +()":
            position += 1
        elif ch in _PS_QUOTES:
            literal, position = _powershell_literal(expression, position + 1)
            parts.append(literal)
        else:
            code = re.match(r"\[char\](\d+)", expression[position:])
            assert code, f"PowerShell would not read {expression[position:]!r} as text"
            parts.append(chr(int(code.group(1))))
            position += code.end()
    return "".join(parts)


def _powershell_literal(expression: str, position: int) -> tuple[str, int]:
    literal = ""
    while True:
        assert position < len(expression), f"unterminated string in {expression!r}"
        ch = expression[position]
        if ch in _PS_QUOTES:
            following = expression[position + 1 : position + 2]
            if not following or following not in _PS_QUOTES:
                return literal, position + 1
            literal += following
            position += 2
        else:
            literal += ch
            position += 1


def in_shell(shell: list[str], script: str, names: list[str], cwd: Path) -> dict[str, str]:
    """Run ``script`` in a real shell in ``cwd``, then print each variable (NUL-separated)."""
    printing = "".join(f'printf "%s\\0" "${name}"\n' for name in names)  # sh and fish alike
    done = subprocess.run(
        [*shell, script + "\n" + printing],
        capture_output=True,
        check=True,
        timeout=30,
        cwd=cwd,
    )
    values = done.stdout.decode().split("\0")[:-1]
    return dict(zip(names, values, strict=True))
