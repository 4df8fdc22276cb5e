"""Driving kilocli in a real pseudo-terminal with pexpect: the terminal and its fixtures."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pexpect
import pytest

from tests.fakes import FakeGateway

DOWN = "\x1b[B"
ENTER = "\r"
CTRL_C = "\x03"


class Terminal:
    """``kilocli`` in a pty; everything it draws is kept in ``transcript``."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.child = pexpect.spawn(
            sys.executable,
            ["-m", "kilocli", *args],
            env=env,
            encoding="utf-8",
            # Only a guard against a hang, never a measure of speed: a busy machine may take
            # seconds to start Python and draw a prompt.
            timeout=60,
            dimensions=(40, 120),
        )
        self.chunks: list[str] = []
        self.child.logfile_read = self  # type: ignore[assignment]

    def write(self, data: str) -> None:
        self.chunks.append(data)

    def flush(self) -> None:
        """pexpect's logfile protocol."""

    @property
    def transcript(self) -> str:
        return "".join(self.chunks)

    def expect(self, pattern: str) -> None:
        self.child.expect(pattern)

    def send(self, keys: str) -> None:
        self.child.send(keys)

    def interrupt(self, shown: str, *, tries: int = 6) -> None:
        """Ctrl-C until ``shown`` appears. A Ctrl-C typed in the instant a prompt hands the
        terminal back (as raw mode ends) reaches the program as a character, not as an
        interrupt — for a person too, who then presses it again; so does this. The wait
        between two is only how long to give the first one, never a measure of speed."""
        for _ in range(tries):
            self.child.send(CTRL_C)
            if self.child.expect([shown, pexpect.TIMEOUT], timeout=10) == 0:
                return
        raise AssertionError(
            f"{shown!r} never appeared after {tries} Ctrl-C; {self.terminal_state()}"
        )

    def terminal_state(self) -> str:
        """What decides where a Ctrl-C goes, for a failure's message: whether the terminal
        turns it into SIGINT (ISIG), which process group gets it, and how kilocli's process
        treats SIGINT (ignored, caught, blocked or pending: bit 2 of each mask)."""
        import termios

        lflag = termios.tcgetattr(self.child.child_fd)[3]
        foreground = os.tcgetpgrp(self.child.child_fd)
        masks = Path(f"/proc/{self.child.pid}/status").read_text().splitlines()
        signals = [
            line for line in masks if line.startswith(("SigIgn", "SigCgt", "SigBlk", "SigPnd"))
        ]
        return (
            f"ISIG {'on' if lflag & termios.ISIG else 'off'}, foreground group {foreground}, "
            f"kilocli pid {self.child.pid}, {'; '.join(signals)}"
        )

    def finish(self) -> int:
        self.child.expect(pexpect.EOF)
        self.child.close()
        status = self.child.exitstatus
        if status is None:  # killed by a signal
            return 128 + int(self.child.signalstatus or 0)
        return int(status)


@pytest.fixture
def terminal_env(home: Path, gateway: FakeGateway) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        KILOCLI_HOME=str(home),
        KILOCODE_BASE_URL=gateway.base_url,
        TERM="xterm",
        NO_COLOR="1",
        COLUMNS="120",
        LINES="40",
        # pexpect is no real terminal: it never answers prompt_toolkit's cursor-position
        # request, and every prompt would wait for that answer to time out.
        PROMPT_TOOLKIT_NO_CPR="1",
    )
    return env


Spawn = Callable[..., Terminal]
"""``spawn(*args, **extra_env)``: start ``kilocli *args`` in a pty."""


@pytest.fixture
def spawn(terminal_env: dict[str, str]) -> Iterator[Spawn]:
    started: list[Terminal] = []

    def start(*args: str, **extra_env: str) -> Terminal:
        terminal = Terminal(list(args), {**terminal_env, **extra_env})
        started.append(terminal)
        return terminal

    yield start
    for terminal in started:
        if terminal.child.isalive():
            terminal.child.terminate(force=True)
