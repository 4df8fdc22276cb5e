"""Every exception of kilocli is under the one root, and ``errors.py``'s docstring shows the
tree as it is."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import kilocli
from kilocli import errors
from kilocli.errors import KilocliError


def every_module() -> list[object]:
    names = [m.name for m in pkgutil.walk_packages(kilocli.__path__, "kilocli.")]
    return [importlib.import_module(n) for n in names if not n.endswith("__main__")]


def kilocli_exceptions() -> list[type[BaseException]]:
    found = {
        cls
        for module in every_module()
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, BaseException) and cls.__module__.startswith("kilocli.")
    }
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__name__}")


def tree(cls: type[KilocliError], depth: int = 0) -> list[str]:
    module = cls.__module__.removeprefix("kilocli.")
    where = "" if module == "errors" else f" ({module})"
    lines = [f"{'  ' * depth}* {cls.__name__}{where}"]
    for sub in sorted(cls.__subclasses__(), key=lambda c: c.__name__):
        lines += tree(sub, depth + 1)
    return lines


def test_every_exception_is_under_the_root() -> None:
    outside = [
        f"{cls.__module__}.{cls.__name__}"
        for cls in kilocli_exceptions()
        if not issubclass(cls, KilocliError)
    ]
    assert outside == []


def test_the_docstring_shows_the_tree_as_it_is() -> None:
    every_module()  # every subclass defined
    drawn = "\n".join(tree(KilocliError))
    assert drawn in (errors.__doc__ or "")
    assert len(tree(KilocliError)) > 10


def test_every_error_has_a_message_and_an_exit_code() -> None:
    for cls in kilocli_exceptions():
        if issubclass(cls, KilocliError):
            assert isinstance(cls.exit_code, errors.ExitCode), cls
