"""The two commands other programs run all the time, answered without the command framework
(SPEC §10): ``auth token PROVIDER`` (the credential helper Codex and Claude Code run, SPEC §12)
and ``shell-init [SHELL]`` (every new shell). Only their plain forms are answered here; any
option (``--help``), an error, or a terminal to draw a warning on goes the usual way, through
Typer, which then says exactly what the full command says."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from typing import TextIO

SHELLS = ("bash", "zsh", "fish")


def answer(args: list[str], env: Mapping[str, str], stdout: TextIO, stderr: TextIO) -> int | None:
    """The exit code, when this is a plain form answered here; None to take the usual way."""
    if len(args) == 3 and args[:2] == ["auth", "token"] and not args[2].startswith("-"):
        if stderr.isatty():  # a warning there is drawn as the full command draws it
            return None
        _skip_pydantic_plugins(env)
        return _token(args[2], env, stdout, stderr)
    if args[:1] == ["shell-init"] and len(args) <= 2 and all(a in SHELLS for a in args[1:]):
        _skip_pydantic_plugins(env)
        return _shell_init(args[1] if len(args) == 2 else None, env, stdout)
    return None


def _skip_pydantic_plugins(env: Mapping[str, str]) -> None:
    """kilocli uses no pydantic plugin, and looking for them reads the metadata of every
    installed package (a tenth of ``auth token``'s time). These commands start no other
    program, so the switch (pydantic's own) goes no further than this process; a run given
    an environment of its own (a test's) leaves the process's alone."""
    import os

    if env is os.environ:
        os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


class _Warnings:
    """Feedback for a run off a terminal: warnings as plain lines on stderr."""

    def __init__(self, stderr: TextIO) -> None:
        self._stderr = stderr

    def note(self, text: str) -> None:
        self._stderr.write(text + "\n")

    def warn(self, text: str) -> None:
        self._stderr.write(f"Warning: {text}\n")

    @contextlib.contextmanager
    def working(self, text: str) -> Iterator[None]:
        yield


def _token(provider: str, env: Mapping[str, str], stdout: TextIO, stderr: TextIO) -> int | None:
    from kilocli.errors import KeyringFailed, KilocliError, on_one_line
    from kilocli.paths import resolve_paths
    from kilocli.services.runtime import Runtime
    from kilocli.services.token import key_in_effect

    runtime = Runtime(env=env, paths=resolve_paths(env), feedback=_Warnings(stderr))
    try:
        key = key_in_effect(runtime, provider)
    except KeyringFailed as exc:  # asked again the usual way, a hung keyring would cost twice
        from kilocli.credentials.keys import redact

        stderr.write(f"Error: {redact(on_one_line(exc).message, runtime.secrets)}\n")
        return int(exc.exit_code)
    except KilocliError:
        return None  # said (and exited) the usual way
    stdout.write(key + "\n")
    stdout.flush()
    return 0


def _shell_init(shell: str | None, env: Mapping[str, str], stdout: TextIO) -> int | None:
    from kilocli.errors import KilocliError
    from kilocli.paths import resolve_paths
    from kilocli.services.shell_init import (
        kilocli_command,
        shell_functions,
        shell_of,
        wrapped_tools,
    )

    chosen = shell_of(env.get("SHELL") if shell is None else shell)
    try:
        programs = wrapped_tools(resolve_paths(env))
    except KilocliError:
        return None
    stdout.write(shell_functions(chosen, programs, kilocli_command(env)))
    stdout.flush()
    return 0
