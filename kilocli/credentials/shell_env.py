"""Keys a user exports in a login shell's start-up files, for programs that do not inherit
them (SPEC §4, the seed's ``SHELL_ENV_EXPECTED_KEYS``).

Opt-in (``KILOCLI_SHELL_ENV=1`` or ``[env] shellEnv = true``): the login shell is asked once,
``$SHELL -l -i -c 'env -0'``, with no stdin, in a session of its own (so it cannot take the
terminal), for at most 2 s; only the names asked for are taken from its answer.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

SHELL_ENV_TIMEOUT_SECONDS = 2.0
MAX_OUTPUT_BYTES = 1 << 20


@dataclass(frozen=True)
class ShellEnv:
    """What the login shell said: the values of the names asked for (never anything else),
    or why it said nothing usable."""

    values: Mapping[str, str] = field(default_factory=dict, repr=False)
    problem: str | None = None


def shell_env_enabled(env: Mapping[str, str], configured: bool | None) -> bool:
    """``KILOCLI_SHELL_ENV=1`` (or ``true``/``yes``), else ``[env] shellEnv`` in config."""
    raw = env.get("KILOCLI_SHELL_ENV", "").strip().lower()
    if raw:
        return raw in {"1", "true", "yes", "on"}
    return bool(configured)


def read_login_shell(
    env: Mapping[str, str], names: Collection[str], timeout: float = SHELL_ENV_TIMEOUT_SECONDS
) -> ShellEnv:
    """Ask ``$SHELL`` for the variables ``names``; never raises."""
    shell = env.get("SHELL", "").strip()
    if not shell:
        return ShellEnv(problem="SHELL is not set")
    try:
        process = subprocess.Popen(  # noqa: S603 (the user's own shell, by design)
            [shell, "-l", "-i", "-c", "env -0"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=dict(env),
            start_new_session=True,
        )
    except OSError as exc:
        return ShellEnv(problem=f"{shell} could not be started ({exc.strerror or exc})")
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(process)
        return ShellEnv(problem=f"{shell} did not answer within {timeout:g} s")
    if process.returncode != 0:
        return ShellEnv(problem=f"{shell} exited with status {process.returncode}")
    return _parse(output[:MAX_OUTPUT_BYTES], names, shell)


def _kill(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(OSError):
        os.killpg(process.pid, signal.SIGKILL)  # the shell and whatever its rc files started
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.communicate(timeout=1)


def _parse(output: bytes, names: Collection[str], shell: str) -> ShellEnv:
    values = {}
    entries = output.split(b"\0")
    if len(entries) < 2 or not all(b"=" in e for e in entries[:-1] if e):
        return ShellEnv(problem=f"{shell} printed something that is not an environment")
    for entry in entries:
        name, _, value = entry.partition(b"=")
        text_name = name.decode("utf-8", "replace").strip("\n")
        if text_name in names:
            try:
                values[text_name] = value.decode("utf-8")
            except UnicodeDecodeError:
                continue
    return ShellEnv(values)
