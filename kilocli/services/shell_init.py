"""``kilocli shell-init``: shell functions that run the tools set up with an environment
reference (aider, opencode) through ``kilocli exec``, so that their plain command works while
the key stays out of the shell's own environment (SPEC §12)."""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from typing import Literal

from kilocli.paths import Paths
from kilocli.storage import read_toml
from kilocli.tools.registry import TOOLS

Shell = Literal["bash", "zsh", "fish"]
SHELLS: tuple[Shell, ...] = ("bash", "zsh", "fish")


def wrapped_tools(paths: Paths) -> list[str]:
    """The programs to wrap: those of the tools ``setup`` wrote for that read the key from the
    environment. Read straight from kilocli's own config (no validation: nothing is written,
    and an odd record only means no function)."""
    records = read_toml(paths.config_file).get("setup")
    if not isinstance(records, dict):
        return []
    return [
        binary
        for tool in TOOLS
        if tool.key_by == "env" and isinstance(records.get(tool.id), dict)
        for binary in tool.binaries
    ]


def shell_functions(shell: Shell, programs: Sequence[str], kilocli: Sequence[str]) -> str:
    """The functions, for ``eval "$(kilocli shell-init bash)"`` (or ``| source`` in fish)."""
    if not programs:
        return ""
    lines = ["# kilocli shell-init: these run through kilocli exec, which adds the key."]
    if shell == "fish":
        command = " ".join(_fish_quote(part) for part in kilocli)
        for program in programs:
            lines += [
                f"function {program} --wraps {program}",
                f"    {command} exec -- {program} $argv",
                "end",
            ]
    else:
        command = shlex.join(kilocli)
        lines += [f'{program}() {{ {command} exec -- {program} "$@"; }}' for program in programs]
    return "\n".join(lines) + "\n"


def kilocli_command(env: Mapping[str, str]) -> tuple[str, ...]:
    """How another tool runs this kilocli from its own environment: the absolute path of the
    entry point that is running (or the one on ``PATH``), else this Python with ``-m``."""
    import os
    import shutil
    import sys

    running = sys.argv[0] if sys.argv else ""
    if os.path.basename(running).removesuffix(".exe") == "kilocli" and os.path.isfile(running):
        return (os.path.abspath(running),)
    found = shutil.which("kilocli", path=env.get("PATH"))
    if found is not None:
        return (os.path.abspath(found),)
    return (sys.executable, "-m", "kilocli")


def shell_of(env_shell: str | None) -> Shell:
    """The user's shell from ``$SHELL`` (bash when it is none of the three)."""
    name = (env_shell or "").rsplit("/", 1)[-1]
    return next((shell for shell in SHELLS if shell == name), "bash")


def _fish_quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
