"""The one result contract: what every command's service hands back to the CLI.

A result is a small pydantic model: its fields are the data (serialised in camelCase, the
``--json`` document), ``warnings`` are what the user should hear on stderr whatever the
format, and :attr:`Result.exit_code` (one typed field) says how the command ends. One dispatcher in
``kilocli.cli.render`` turns any result into a table, plain lines or JSON; the JSON Schemas in
``docs/schema/`` are generated from these same models.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, ClassVar, Protocol

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, WithJsonSchema
from pydantic.alias_generators import to_camel

from kilocli.errors import ExitCode

ExitCodeValue = Annotated[
    ExitCode, PlainSerializer(int, return_type=int), WithJsonSchema({"type": "integer"})
]
"""An :class:`ExitCode` in a ``--json`` document: a plain integer there and in its schema."""


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

    exit_code: ExitCodeValue = Field(default=ExitCode.OK, exclude=True)
    """How the command ends; OK unless the result says otherwise (in the ``--json`` document
    only where a result says so)."""

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

    @property
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
    exit_code: ExitCodeValue = Field(alias="exitCode", title="Exitcode")
    json_order = ("ok", "error", "hint", "exitCode")
