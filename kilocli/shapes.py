"""kilocli's own files read without pydantic, by the commands that only read them (SPEC §10).

The pydantic models of :mod:`kilocli.config.model` and :mod:`kilocli.credentials.model` stay the
one definition of ``config.toml`` and ``auth-profiles.toml``: they validate every file a command
writes, and every file this module is not sure about. What is here is their fields written as
plain data (a *shape*), next to each model package, which ``tests/test_shapes.py`` derives from
the models and compares, field by field; when a model changes, that test prints the shape to
paste. Importing pydantic and building a model's validator costs a command more than everything
else it does (``auth token``: two thirds of its instructions), so a document that fits its
shape exactly — as every file kilocli wrote does — is read as a :class:`View`: the model's
attribute names, defaults and methods (the methods are the model's own, from a mixin both
share), over the document as it was read.

The cheap read never refuses anything: a document that does not fit (a wrong type, a key under
its Python name rather than its alias, a newer ``version``) goes to the model, which accepts it
or refuses it with the usual message.

A shape is ``"str"``, ``"int"``, ``"bool"`` or ``"any"`` (TOML's types, strict as the models
are: ``true`` is not an integer), ``"@Name"`` (the table of model ``Name``), or a pair
``("?", shape)`` (may be None), ``("list", shape)``, ``("dict", shape)`` (string keys).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar, TypeAlias

Shape: TypeAlias = str | tuple[str, "Shape"]
Default = tuple[str, Any]  # ("required", None), ("value", v) or ("factory", "list"|"dict"|"@Name")
FieldShape = tuple[str, Shape, Default]  # (the key in the file, its shape, its default)
Shapes = Mapping[str, Mapping[str, FieldShape]]  # model name -> attribute -> field

REQUIRED: Default = ("required", None)


_SCALARS: dict[str, type | None] = {"str": str, "int": int, "bool": bool, "any": None}


def fits(value: object, shape: Shape, shapes: Shapes) -> bool:
    """Whether the model behind ``shape`` would take ``value`` as it is (no conversion)."""
    if isinstance(shape, str):
        if shape[0] == "@":
            return table_fits(value, shapes[shape[1:]], shapes)
        scalar = _SCALARS[shape]  # the exact type: True is not an int, as in strict pydantic
        return scalar is None or type(value) is scalar
    kind, inner = shape
    if kind == "?":
        return value is None or fits(value, inner, shapes)
    if kind == "list":
        return type(value) is list and all(fits(item, inner, shapes) for item in value)
    if kind == "dict":
        return type(value) is dict and all(
            type(key) is str and fits(item, inner, shapes) for key, item in value.items()
        )
    raise ValueError(f"unknown shape {shape!r}")


def table_fits(value: object, fields: Mapping[str, FieldShape], shapes: Shapes) -> bool:
    """Whether ``value`` is a table whose known keys fit ``fields`` (unknown keys are kept, as
    the models keep them). A key spelled as the attribute rather than as in the file (which
    the models also take) is left to the model."""
    if type(value) is not dict:
        return False
    for name, (key, shape, default) in fields.items():
        if name != key and name in value:
            return False
        if key in value:
            if not fits(value[key], shape, shapes):
                return False
        elif default[0] == "required":
            return False
    return True


class View:
    """A table that fits its model's shape, read with the model's attribute names: a field the
    table lacks reads as the model's default. Each attribute is made once, on first use."""

    fields: ClassVar[Mapping[str, FieldShape]] = {}
    views: ClassVar[Mapping[str, Callable[[dict[str, Any]], View]]] = {}

    def __init__(self, table: dict[str, Any]) -> None:
        self._table = table

    def __getattr__(self, name: str) -> Any:
        try:
            key, shape, default = self.fields[name]
        except KeyError:
            raise AttributeError(f"{type(self).__name__} has no attribute {name!r}") from None
        if key in self._table:
            value = self._wrap(self._table[key], shape)
        elif default[0] == "factory":
            made = default[1]
            value = self.views[made[1:]]({}) if made[0] == "@" else {} if made == "dict" else []
        else:
            value = default[1]
        setattr(self, name, value)
        return value

    def _wrap(self, value: Any, shape: Shape) -> Any:
        """``value`` with each table of a model in it read as that model's view."""
        if isinstance(shape, str):
            return self.views[shape[1:]](value) if shape[0] == "@" else value
        kind, inner = shape
        if not holds_tables(inner) or value is None:
            return value
        if kind == "list":
            return [self._wrap(item, inner) for item in value]
        if kind == "dict":
            return {key: self._wrap(item, inner) for key, item in value.items()}
        return self._wrap(value, inner)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(<{len(self._table)} key(s)>)"


def holds_tables(shape: Shape) -> bool:
    """Whether a value of ``shape`` holds tables of a model."""
    if isinstance(shape, str):
        return shape[0] == "@"
    return holds_tables(shape[1])


def read_trusted(
    document: dict[str, Any],
    name: str,
    shapes: Shapes,
    view: Callable[[dict[str, Any]], View],
    *,
    known_version: int,
) -> View | None:
    """``document`` as a view of model ``name``, when it fits; None when it is for the model to
    judge (then the model validates it, and refuses it with its usual message)."""
    return view(document) if trusted(document, name, shapes, known_version=known_version) else None


def trusted(document: dict[str, Any], name: str, shapes: Shapes, *, known_version: int) -> bool:
    """Whether model ``name`` would take ``document`` as it is: a file of a version this
    kilocli knows that fits the model's shape (every file kilocli wrote does)."""
    version = document.get("version")
    if type(version) is int and version > known_version:
        return False
    return table_fits(document, shapes[name], shapes)
