"""The command-line interface. ``main`` answers ``--version`` before loading any framework."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from kilocli.cli.context import Overrides


def main(
    argv: list[str] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    overrides: Overrides | None = None,
) -> int:
    """Run kilocli and return its exit code.

    Args:
        argv: the arguments (default: the process's, and then this run is the process: see
            below for the garbage collector).
        env: the environment (default: ``os.environ``).
        stdin, stdout, stderr: the streams (default: the process's).
        overrides: fakes for tests (a prompter, an HTTP client); its streams and environment
            are replaced by the arguments above when those are given.
    """
    if argv is not None:
        return _main(argv, env, stdin, stdout, stderr, overrides)
    # This run is the process: it ends with the command, and frees everything at once. The
    # cyclic garbage collector would only find the few cycles kilocli makes, but its passes
    # over every live object cost a fifth of a 20,000-model listing, and the one Python makes
    # at exit a twentieth of a small command: it stays off, and what is left is frozen (out of
    # reach of that last pass). In-process runs (the tests') leave it be.
    import gc

    gc.disable()
    try:
        return _main(sys.argv[1:], env, stdin, stdout, stderr, overrides)
    finally:
        gc.freeze()


def _main(
    args: list[str],
    env: Mapping[str, str] | None,
    stdin: TextIO | None,
    stdout: TextIO | None,
    stderr: TextIO | None,
    overrides: Overrides | None,
) -> int:
    try:
        if args in (["--version"], ["-V"]):
            from kilocli import __version__

            out = stdout or sys.stdout
            out.write(f"kilocli {__version__}\n")
            out.flush()
            return 0
        return _run(args, env, stdin, stdout, stderr, overrides)
    except BrokenPipeError:
        # The reader went away (``kilocli models | head -1``): end quietly, as a program killed
        # by SIGPIPE would, and keep Python from complaining when it flushes stdout at exit.
        if stdout is None:
            _silence_stdout()
        return 141
    except OSError as exc:  # stdout cannot take even the version line (``> /dev/full``)
        (stderr or sys.stderr).write(f"Error: could not write the output: {exc.strerror}.\n")
        if stdout is None:
            _silence_stdout()
        return 1


def _silence_stdout() -> None:
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def _run(
    args: list[str],
    env: Mapping[str, str] | None,
    stdin: TextIO | None,
    stdout: TextIO | None,
    stderr: TextIO | None,
    overrides: Overrides | None,
) -> int:
    if overrides is None:  # tests that bring fakes take the usual way
        import os

        from kilocli.cli.fast import answer

        code = answer(
            args, os.environ if env is None else env, stdout or sys.stdout, stderr or sys.stderr
        )
        if code is not None:
            return code
    from dataclasses import replace

    from kilocli.cli.app import run
    from kilocli.cli.context import Overrides

    chosen = overrides or Overrides()
    chosen = replace(
        chosen,
        env=chosen.env if env is None else env,
        stdin=stdin or chosen.stdin,
        stdout=stdout or chosen.stdout,
        stderr=stderr or chosen.stderr,
    )
    return run(args, chosen)
