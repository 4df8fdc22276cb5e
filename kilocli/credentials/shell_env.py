"""Keys a user exports in a login shell's start-up files, for programs that do not inherit
them (SPEC §4, the seed's ``SHELL_ENV_EXPECTED_KEYS``).

Opt-in (``KILOCLI_SHELL_ENV=1`` or ``[env] shellEnv = true``): the login shell is asked once,
``$SHELL -l -i -c 'env -0'``, with no stdin, in a session of its own (so it cannot take the
terminal), for at most 2 s and 1 MiB of output in all; its process group is killed afterwards
(whatever its rc files started), and only the names asked for are taken from its answer.
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
        output, problem = _bounded_output(process, timeout)
    finally:
        _kill(process)  # the shell's whole process group, whatever its rc files left running
    if problem is not None:
        return ShellEnv(problem=f"{shell} {problem}")
    if process.returncode != 0:
        return ShellEnv(problem=f"{shell} exited with status {process.returncode}")
    return _parse(output, names, shell)


def _bounded_output(process: subprocess.Popen[bytes], timeout: float) -> tuple[bytes, str | None]:
    """The shell's output, read until it exits: at most :data:`MAX_OUTPUT_BYTES` and within
    ``timeout`` seconds in all, output included (a shell that prints a gigabyte is stopped at
    the limit, not read to the end). The second value says why it was cut short."""
    import selectors
    import time

    assert process.stdout is not None  # noqa: S101 (stdout=PIPE above)
    deadline = time.monotonic() + timeout
    chunks: list[bytes] = []
    size = 0
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not selector.select(left):
                return b"", f"did not answer within {timeout:g} s"
            chunk = os.read(process.stdout.fileno(), 65536)
            if not chunk:
                break
            size += len(chunk)
            if size > MAX_OUTPUT_BYTES:
                return b"", f"printed more than {MAX_OUTPUT_BYTES // 2**20} MiB"
            chunks.append(chunk)
    try:
        process.wait(timeout=max(deadline - time.monotonic(), 0))
    except subprocess.TimeoutExpired:
        return b"", f"did not answer within {timeout:g} s"
    return b"".join(chunks), None


def _kill(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(OSError):
        os.killpg(process.pid, signal.SIGKILL)  # the shell and whatever its rc files started
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=1)
    if process.stdout is not None:
        process.stdout.close()


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
