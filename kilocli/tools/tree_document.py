"""YAML and TOML files as :class:`~kilocli.tools.documents.Document`: a tree of the round-trip
editor's own mapping and list types (ruamel.yaml keeps comments, quoting and the file's own
indentation; tomlkit keeps comments and layout)."""

from __future__ import annotations

import re
from collections.abc import Mapping, MutableMapping
from typing import Any, Literal

from kilocli.tools.documents import MISSING, Path, Select, Step, Unreadable, plain
from kilocli.tools.jsonsyntax import MAX_DEPTH

MAX_VALUES = 1_000_000
"""The most values a YAML document may hold, each alias counted as all it repeats: a
"billion laughs" of nested aliases is refused, never expanded."""


class TreeDocument:
    def __init__(self, fmt: Literal["yaml", "toml"], text: str) -> None:
        self.fmt = fmt
        self.original = text
        self.root: Any = _load_yaml(text) if fmt == "yaml" else _load_toml(text)
        # A YAML file of nothing but comments loads as nothing: they go first when it is dumped.
        self.preamble = text if self.root is None and text.strip() else ""

    def _walk(self, path: Path) -> tuple[Any, int]:
        """The deepest container along ``path`` and how many steps reached it."""
        node = self.root
        for index, step in enumerate(path):
            child = _child(node, step)
            if child is MISSING:
                return node, index
            node = child
        return node, len(path)

    def get(self, path: Path) -> Any:
        node, reached = self._walk(path)
        return plain(node) if reached == len(path) else MISSING

    def set(self, path: Path, value: Any) -> int:
        if self.root is None:
            self.root = [] if path and isinstance(path[0], Select) else self._mapping(0, None)
        existed = self._walk(path)[1]
        node, reached = self._walk(path[:-1])
        for depth in range(reached, len(path) - 1):
            node = self._add(node, path[depth], depth, path[depth + 1])
        self._put(node, path[-1], value, len(path) - 1)
        return existed

    def _add(self, node: Any, step: Step, depth: int, following: Step) -> Any:
        if isinstance(step, Select):
            items = _list_of(node)
            item = self._mapping(depth, None)
            for key, value in step.fields:
                item[key] = value
            if step.first:
                items.insert(0, item)
            else:
                items.append(item)
            return items[0] if step.first else items[-1]
        parent = _mapping_of(node)
        parent[step] = [] if isinstance(following, Select) else self._mapping(depth, parent)
        return parent[step]

    def _put(self, node: Any, step: Step, value: Any, depth: int) -> None:
        if isinstance(step, Select):
            raise Unreadable("kilocli cannot set a whole list item")
        parent = _mapping_of(node)
        if isinstance(value, Mapping):
            container = self._mapping(depth, parent)
            container.update(value)
            value = container
        parent[step] = value

    def _mapping(self, depth: int, parent: Any) -> MutableMapping[str, Any]:
        if self.fmt == "yaml":
            from ruamel.yaml.comments import CommentedMap

            return CommentedMap()
        table: MutableMapping[str, Any] = _toml_table(depth, parent)
        return table

    def delete(self, path: Path) -> None:
        node, reached = self._walk(path[:-1])
        if reached < len(path) - 1:
            return
        step = path[-1]
        if isinstance(step, Select):
            if isinstance(node, list):
                for index in reversed(range(len(node))):
                    if step.matches(node[index]):
                        del node[index]
        elif isinstance(node, MutableMapping) and step in node:
            del node[step]

    def is_empty(self, path: Path) -> bool:
        value = self.get(path)
        if isinstance(value, Mapping):
            step = path[-1] if path else None
            selected = dict(step.fields) if isinstance(step, Select) else {}
            return all(k in selected for k in value)
        return isinstance(value, list) and not value

    def dump(self) -> str:
        if self.root is None:
            return self.preamble
        if self.fmt == "toml":
            import tomlkit

            return tomlkit.dumps(self.root)
        if self.preamble:
            return self.preamble.rstrip("\n") + "\n" + _dump_yaml(self.root, "")
        return _dump_yaml(self.root, self.original)


def _child(node: Any, step: Step) -> Any:
    if isinstance(step, Select):
        if isinstance(node, list):
            return next((item for item in node if step.matches(item)), MISSING)
        return MISSING
    if isinstance(node, Mapping) and step in node:
        return node[step]
    return MISSING


def _mapping_of(node: Any) -> MutableMapping[str, Any]:
    if not isinstance(node, MutableMapping):
        raise Unreadable("a setting kilocli writes sits where the file has a value of its own")
    mapping: MutableMapping[str, Any] = node
    return mapping


def _list_of(node: Any) -> list[Any]:
    if not isinstance(node, list):
        raise Unreadable("kilocli's entry belongs in a list, and the file has something else there")
    return node


def _toml_table(depth: int, parent: Any) -> Any:
    """A new TOML table written the way the user wrote its neighbours: ``[a.b]`` tables
    under a table of tables, else inline ``{…}`` (which keeps top-level keys that follow it
    at the top level)."""
    import tomlkit
    from tomlkit.items import InlineTable, Table

    if depth == 0:
        return tomlkit.table(is_super_table=True)
    if isinstance(parent, InlineTable) or depth > 1:
        return tomlkit.inline_table()
    values = list(parent.values()) if parent is not None else []
    if all(isinstance(v, Table) and not isinstance(v, InlineTable) for v in values):
        return tomlkit.table()
    return tomlkit.inline_table()


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long line (a URL, a header) the user did not fold
    return yaml


def _load_yaml(text: str) -> Any:
    from ruamel.yaml.error import YAMLError

    try:
        document = _yaml().load(text)
    except RecursionError:
        raise Unreadable("it is nested too deeply") from None
    except YAMLError as exc:
        raise Unreadable(f"it is not valid YAML ({_first_line(exc)})") from None
    _check_extent(document)
    return document


def _check_extent(document: Any) -> None:
    """Refuse a document nested past :data:`MAX_DEPTH` or holding more than
    :data:`MAX_VALUES` values once its aliases are expanded (reading such a value would
    take for ever, or all the memory there is).

    Raises:
        Unreadable: it is.
    """
    count = 0
    pending: list[tuple[Any, int]] = [(document, 0)]
    while pending:
        node, depth = pending.pop()
        count += 1
        if count > MAX_VALUES:
            raise Unreadable(
                f"it holds more than {MAX_VALUES:,} values, counting each alias as all it repeats"
            )
        if depth > MAX_DEPTH:
            raise Unreadable(f"it is nested too deeply (more than {MAX_DEPTH} levels)")
        if isinstance(node, Mapping):
            pending += [(value, depth + 1) for value in node.values()]
        elif isinstance(node, list):
            pending += [(value, depth + 1) for value in node]


def _dump_yaml(document: Any, original: str) -> str:
    import io

    yaml = _yaml()
    mapping, offset, dash = yaml_indentation(original)
    if offset is None:  # people indent a list under a key; one at the top stays flush
        offset = 0 if isinstance(document, list) else 2
    yaml.indent(mapping=mapping, sequence=offset + dash, offset=offset)
    head, lines = "", [line for line in original.splitlines() if line.strip() and line[0] != "#"]
    if lines and lines[0].rstrip() == "---":  # a start marker: it and the comments before it
        head = original[: original.index("\n", original.index(lines[0])) + 1]
    else:
        yaml.explicit_start = bool(lines) and re.match(r"---\s", lines[0]) is not None
    yaml.explicit_end = bool(lines) and lines[-1].rstrip() == "..."
    out = io.StringIO()
    yaml.dump(document, out)
    return head + out.getvalue()


def yaml_indentation(text: str) -> tuple[int, int | None, int]:
    """The file's indentation: the step of a nested mapping (2 when it has none), where a
    list puts its dash (``key:\\n  - item``: offset 2; ``key:\\n- item``: 0; None when the
    file has no list), and how far after its dash an item starts (``-   key``: 4; 2 when
    the file has no list)."""
    mapping: int | None = None
    offset: int | None = None
    dash: int | None = None
    previous: tuple[int, str] | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(line) - len(line.lstrip(" "))
        if previous is None and stripped.startswith("- "):
            offset = indent  # a list at the top: its dash is where the file puts it
        if previous is not None and re.match(r"^[^#]*:\s*(#.*)?$", previous[1]):
            step = indent - previous[0]
            if stripped.startswith("- "):
                offset = step if offset is None and step >= 0 else offset
            elif mapping is None and step > 0:
                mapping = step
        item = re.match(r"-( +)(?=\S)", stripped)
        if item is not None and dash is None:
            dash = item.end()
        body = stripped[item.end() :] if item is not None else stripped
        previous = (indent + (len(stripped) - len(body)), body)
    return mapping or 2, offset, dash or 2


def _load_toml(text: str) -> Any:
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    try:
        return tomlkit.parse(text)
    except RecursionError:
        raise Unreadable("it is nested too deeply") from None
    except TOMLKitError as exc:
        raise Unreadable(f"it is not valid TOML ({_first_line(exc)})") from None


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
