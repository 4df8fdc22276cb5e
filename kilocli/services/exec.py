"""``kilocli exec``: run a program with the gateway in its environment (SPEC §12).

On POSIX kilocli replaces itself with the program (``execve``), so its signals, its terminal
and its exit code are the program's own; the key travels in the environment, never on a
command line another user could read in ``ps``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from kilocli.errors import ProgramNotStarted, UsageError
from kilocli.services.handover import variables_in_effect
from kilocli.services.runtime import Runtime
from kilocli.tools.variables import (
    child_environment,
    has_anthropic_set,
    ignored_base_urls,
    names_of_sets,
)


@dataclass(frozen=True)
class ProgramRun:
    """A program found on ``PATH``, its arguments, and the environment to give it."""

    path: str
    argv: tuple[str, ...]
    env: Mapping[str, str] = field(repr=False)


def prepare_exec(
    rt: Runtime,
    command: Sequence[str],
    *,
    provider_id: str | None = None,
    profile_id: str | None = None,
    openai: bool = True,
    anthropic: bool = True,
) -> ProgramRun:
    """Find the program and build its environment: ``rt.env`` without any variable of the sets
    kilocli hands over, plus the ones the credentials in effect define (so a leftover
    ``KILO_ORG_ID`` never reaches the program). A compatible set the program is known to
    ignore the base URL of is left out, and a note on stderr says so (SPEC §12).

    Raises:
        UsageError: no command was given.
        NotAuthenticated: no key is in effect (the program is not started).
        UnusableValue: a value no environment can carry.
        ProgramNotStarted: the program cannot be found (127) or run (126).
    """
    if not command:
        raise UsageError(
            "Name the command to run after --.", hint="For example: kilocli exec -- aider"
        )
    wanted = {"OpenAI": openai, "Anthropic": anthropic}
    left_out = [i for i in ignored_base_urls(command[0]) if wanted[i.compatible_set]]
    for ignored in left_out:
        wanted[ignored.compatible_set] = False
    credentials, variables = variables_in_effect(
        rt, provider_id, profile_id, openai=wanted["OpenAI"], anthropic=wanted["Anthropic"]
    )
    decided = names_of_sets(
        credentials.provider, openai=wanted["OpenAI"], anthropic=wanted["Anthropic"]
    )
    env = child_environment(rt.env, variables, decided)
    found = find_program(command[0], env.get("PATH"))
    for ignored in left_out:
        if ignored.compatible_set == "Anthropic" and not has_anthropic_set(credentials.provider):
            continue  # that provider has no Anthropic set to leave out
        rt.feedback.note(
            f"Left out the {ignored.compatible_set} variables for {ignored.program}: "
            f"{ignored.reason}."
        )
    return ProgramRun(found, tuple(command), env)


def find_program(name: str, search_path: str | None) -> str:
    """The file ``name`` runs, as a shell finds it.

    Raises:
        ProgramNotStarted: nothing by that name on ``PATH`` (or at that path), or it is not an
            executable file.
    """
    if os.sep in name or (os.altsep and os.altsep in name):
        if not os.path.exists(name):
            raise _not_found(name)
        if os.path.isdir(name) or not os.access(name, os.X_OK):
            raise ProgramNotStarted(
                f"{name} is not an executable file.",
                hint=f"Check it with: ls -l {name}",
                found=True,
            )
        return name
    found = shutil.which(name, path=search_path)
    if found is None:
        raise _not_found(name)
    return found


def _not_found(name: str) -> ProgramNotStarted:
    return ProgramNotStarted(
        f"Command not found: {name}", hint="Check its name, and that it is installed and on PATH."
    )


def run_program(run: ProgramRun) -> int:
    """Become the program (POSIX), or run it and return its exit code (Windows).

    Raises:
        ProgramNotStarted: the system refused to run it (not a valid executable).
    """
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        if os.name != "posix":
            argv = [run.path, *run.argv[1:]]
            return subprocess.run(argv, env=dict(run.env), check=False).returncode  # noqa: S603
        os.execve(run.path, list(run.argv), dict(run.env))  # noqa: S606
    except OSError as exc:
        raise ProgramNotStarted(
            f"Could not run {run.argv[0]}: {exc.strerror or exc}.",
            hint="Check that it is a program for this system.",
            found=True,
        ) from None
    raise AssertionError("execve returned")  # pragma: no cover
