"""The one result contract: what every command's service hands back to the CLI.

A result is a small pydantic model: its fields are the data (serialised in camelCase, the
``--json`` document), ``warnings`` are what the user should hear on stderr whatever the
format, and :meth:`Result.exit_code` says how the command ends. One dispatcher in
``kilocli.cli.render`` turns any result into a table, plain lines or JSON; the JSON Schemas in
``docs/schema/`` are generated from these same models.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Protocol

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from kilocli.errors import ExitCode


class Result(BaseModel):
    """Base of every command result."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        serialize_by_alias=True,
        frozen=True,
        defer_build=True,
    )

    warnings: list[str] = Field(default_factory=list, exclude=True)
    """Told on stderr; in the ``--json`` document only where a result says so."""

    def exit_code(self) -> ExitCode:
        """How the command ends; OK unless the result says otherwise."""
        return ExitCode.OK

    json_order: ClassVar[tuple[str, ...]] = ()
    """The keys of the ``--json`` document in the order the spec lists them (when it does);
    the rest follow in field order."""

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` document."""
        document = self.model_dump(mode="json")
        first = {name: document[name] for name in self.json_order if name in document}
        return first | {k: v for k, v in document.items() if k not in first}


class Shown(Protocol):
    """What the dispatcher needs of a result: a :class:`Result`, or a document written straight
    from data already validated (a listing of 20,000 models), which keeps a :class:`Result` as
    its definition."""

    @property
    def warnings(self) -> Sequence[str]: ...

    def to_json(self) -> dict[str, Any]: ...

    def exit_code(self) -> ExitCode: ...


class Record(BaseModel):
    """A part of a result (a row, a provider's entry): camelCase in JSON like its result.

    (Its config repeats :class:`Result`'s on purpose: the pydantic mypy plugin reads
    ``validate_by_name`` only from a ``ConfigDict`` written in the class.)
    """

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        serialize_by_alias=True,
        frozen=True,
        defer_build=True,
    )


class ErrorResult(Result):
    """How every ``--json`` command fails: ``{"ok": false, "error", "hint", "exitCode"}``."""

    ok: bool = False
    error: str
    hint: str | None = None
    exit_code_value: int = Field(alias="exitCode")

    def exit_code(self) -> ExitCode:
        return ExitCode(self.exit_code_value)
