"""The command-line interface. ``main`` answers ``--version`` before loading any framework."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Run kilocli and return its exit code."""
    args = sys.argv[1:] if argv is None else argv
    if args in (["--version"], ["-V"]):
        from kilocli import __version__

        sys.stdout.write(f"kilocli {__version__}\n")
        return 0
    from kilocli.cli.app import run

    return run(args)
