"""The one exception root of kilocli and its exit codes.

Every error a user can meet is a :class:`KilocliError` carrying a message (what went wrong), a
hint (the next command to run) and an :class:`ExitCode`. Only the CLI prints them.

The hierarchy (the module in brackets where a class lives elsewhere; a test keeps it true):

* KilocliError
  * BackToMethods (onboarding.prompts)
  * CatalogFormatError (catalog.parse)
  * FileProblem
  * GatewayUnreachable
    * AnswerTooLarge (gateway.http)
    * DiscoveryFailed (gateway.discover)
    * MalformedAnswer (gateway.http)
  * Interrupted
  * JsonTextError (tools.jsonsyntax)
  * KeyringFailed
  * NotAuthenticated
    * KeyExpired
    * SignInRefused (gateway.device)
  * NotPlain (credentials.secret_service)
  * OutputFailed
  * ProbeFailed (gateway.probe)
  * ProgramNotStarted
  * Refused (tools.files)
  * SignInFailed (gateway.device)
  * Unreadable (tools.documents)
  * UnusableValue (tools.variables)
  * UsageError
    * InputRequired
    * InvalidKey
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes, as documented in SPEC §9."""

    OK = 0
    ERROR = 1
    USAGE = 2
    NOT_AUTHENTICATED = 3
    UNREACHABLE = 4
    CANNOT_RUN = 126  # exec: the command is not executable (as a shell says it)
    NOT_FOUND = 127  # exec: no such command
    INTERRUPTED = 130


class KilocliError(Exception):
    """Base of every user-facing error."""

    exit_code: ExitCode = ExitCode.ERROR

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.warnings: list[str] = []
        """What the command's result would have said before it failed (a key it replaced
        before a later write failed); told on stderr before the error."""


@contextlib.contextmanager
def told_on_failure(warnings: list[str]) -> Iterator[None]:
    """A command that fails part-way still tells what it had done (``warnings``, as the list
    is when the error comes): the error carries them to the one handler."""
    try:
        yield
    except KilocliError as exc:
        exc.warnings = [*warnings, *exc.warnings]
        raise


class UsageError(KilocliError):
    """The command line is contradictory or names something unknown."""

    exit_code = ExitCode.USAGE


class InputRequired(UsageError):
    """An answer is missing and there is no terminal to ask on."""


class InvalidKey(UsageError):
    """A key given on the command line, stdin or at a prompt cannot be used."""


class NotAuthenticated(KilocliError):
    """No key was found, or the gateway rejected the one in effect."""

    exit_code = ExitCode.NOT_AUTHENTICATED


class KeyExpired(NotAuthenticated):
    """The key in effect expired (its JWT ``exp`` is past): reported without a request."""


class GatewayUnreachable(KilocliError):
    """The gateway could not be reached or answered with an error."""

    exit_code = ExitCode.UNREACHABLE


class FileProblem(KilocliError):
    """A kilocli file cannot be read, is invalid, or cannot be written."""


class KeyringFailed(KilocliError):
    """The OS keyring failed, or did not answer in time (SPEC §14): the message names the
    backend, the hint the fix; no key was written anywhere else instead."""


class OutputFailed(KilocliError):
    """Standard output cannot be written (a full disk, ``/dev/full``): the result is lost, so
    the error goes to stderr only."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"Could not write the output: {reason}.")  # one line, nothing more


class Interrupted(KilocliError):
    """The user pressed Ctrl-C (or closed the input) at a prompt."""

    exit_code = ExitCode.INTERRUPTED

    def __init__(self) -> None:
        super().__init__("Interrupted; nothing was written.")


class ProgramNotStarted(KilocliError):
    """``kilocli exec``: the command to run cannot be found (127) or is not executable (126),
    as a shell reports it."""

    def __init__(self, message: str, *, hint: str | None = None, found: bool = False) -> None:
        super().__init__(message, hint=hint)
        self.exit_code = ExitCode.CANNOT_RUN if found else ExitCode.NOT_FOUND
