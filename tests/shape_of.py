"""The shape of a pydantic model of kilocli's files, derived from the model itself: what
``tests/test_shapes.py`` compares with the shapes kilocli reads its own files by."""

from __future__ import annotations

import types
import typing
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel

from kilocli.shapes import REQUIRED, Default, FieldShape, Shape

SCALARS = {str: "str", int: "int", bool: "bool", Any: "any"}


def shape_of_annotation(annotation: Any) -> Shape:
    if annotation in SCALARS:
        return SCALARS[annotation]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "@" + annotation.__name__
    origin, args = get_origin(annotation), get_args(annotation)
    if origin in (Union, types.UnionType):
        rest = [a for a in args if a is not type(None)]
        if len(rest) == 1 and len(args) == 2:
            return ("?", shape_of_annotation(rest[0]))
    if origin is list:
        return ("list", shape_of_annotation(args[0]))
    if origin is dict and args[0] is str:
        return ("dict", shape_of_annotation(args[1]))
    raise AssertionError(f"no shape for {annotation!r}: teach kilocli.shapes this type")


def default_of(info: Any) -> Default:
    if info.is_required():
        return REQUIRED
    factory = info.default_factory
    if factory is None:
        return ("value", info.default)
    if factory in (dict, list):
        return ("factory", factory.__name__)
    if isinstance(factory, type) and issubclass(factory, BaseModel):
        return ("factory", "@" + factory.__name__)
    raise AssertionError(f"no default for {factory!r}")


def shapes_of(*roots: type[BaseModel]) -> dict[str, dict[str, FieldShape]]:
    """Every model reachable from ``roots``, by name: attribute -> (key, shape, default)."""
    found: dict[str, dict[str, FieldShape]] = {}
    todo = list(roots)
    while todo:
        model = todo.pop(0)
        if model.__name__ in found:
            continue
        hints = typing.get_type_hints(model)
        fields: dict[str, FieldShape] = {}
        for name, info in model.model_fields.items():
            annotation = hints[name]
            fields[name] = (info.alias or name, shape_of_annotation(annotation), default_of(info))
            todo.extend(_models_in(annotation))
        found[model.__name__] = fields
    return found


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in get_args(annotation) for m in _models_in(arg)]
