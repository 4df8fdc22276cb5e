"""The import structure of ``kilocli``: no cycles between its packages, a declared layering, and
third-party libraries kept to the package that owns them.

Imports are read with ``ast`` from every ``kilocli/**/*.py``; nothing is imported. Every import
statement is an edge: module-level ones, lazy ones inside functions, and those under
``if TYPE_CHECKING:`` too (a type-only import still ties two packages together, and must not
become a cycle the day it is needed at run time). Imports through ``importlib`` cannot be seen.

A *unit* is ``kilocli.<pkg>`` for anything in ``kilocli/<pkg>/``, ``kilocli.<mod>`` for a
top-level ``kilocli/<mod>.py``, and ``kilocli`` for ``kilocli/__init__.py`` and
``kilocli/__main__.py``. Imports of the unit ``kilocli`` (it holds only the version) are ignored.
"""

from __future__ import annotations

import ast
import textwrap
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE_DIR = Path(__file__).resolve().parents[1] / "kilocli"

# Top to bottom. A unit may import the units of strictly lower layers, and itself.
LAYERS: list[list[str]] = [
    ["kilocli.cli"],
    ["kilocli.services"],
    ["kilocli.onboarding"],
    ["kilocli.gateway", "kilocli.catalog", "kilocli.tools"],
    ["kilocli.credentials"],
    ["kilocli.config"],
    ["kilocli.providers"],
    ["kilocli.prompting", "kilocli.results", "kilocli.schema"],
    ["kilocli.storage", "kilocli.paths", "kilocli.text", "kilocli.shapes"],
    ["kilocli.errors"],
]
# (importer, imported) pairs allowed within one layer.
SAME_LAYER_ALLOWED: set[tuple[str, str]] = {("kilocli.gateway", "kilocli.catalog")}

# Third-party library -> the only units that may import it.
LIBRARY_OWNERS: dict[str, set[str]] = {
    "typer": {"kilocli.cli"},
    "rich": {"kilocli.cli"},
    "questionary": {"kilocli.prompting"},
    "prompt_toolkit": {"kilocli.prompting"},
    "httpx": {"kilocli.gateway"},
    # setup's round-trip editors for other tools' files
    "tomlkit": {"kilocli.tools"},
    "ruamel": {"kilocli.tools"},
}
# Libraries any unit may import under ``if TYPE_CHECKING:`` (for annotations only).
TYPE_ONLY_ANYWHERE = {"httpx"}


@dataclass(frozen=True, order=True)
class Import:
    """One imported name: where the statement is, and the module it reaches."""

    path: Path
    line: int
    importer: str  # dotted name of the importing module
    target: str  # dotted module name (a submodule when ``from a import b`` names one)
    lazy: bool  # inside a function
    type_checking: bool  # under ``if TYPE_CHECKING:``


@dataclass(frozen=True)
class Scan:
    """Every module of one package on disk, and every import in them."""

    root: Path  # the directory holding the package (paths are shown relative to it)
    package: str
    modules: frozenset[str]
    imports: list[Import]

    @property
    def units(self) -> set[str]:
        return {unit_of(module) for module in self.modules}

    def internal(self, module: str) -> bool:
        return module == self.package or module.startswith(self.package + ".")

    def site(self, imp: Import) -> str:
        """``kilocli/x/y.py:12 imports kilocli.z.w`` (and how, when not at module level)."""
        how = ""
        if imp.type_checking:
            how = " [under TYPE_CHECKING]"
        elif imp.lazy:
            how = " [in a function]"
        return f"{imp.path.relative_to(self.root).as_posix()}:{imp.line} imports {imp.target}{how}"


def module_name(package_dir: Path, path: Path) -> str:
    """``kilocli/a/b.py`` -> ``kilocli.a.b``; ``kilocli/a/__init__.py`` -> ``kilocli.a``."""
    parts = path.relative_to(package_dir.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def unit_of(module: str) -> str:
    """The package unit of a dotted module name (see the module docstring)."""
    package, _, rest = module.partition(".")
    head = rest.partition(".")[0]
    return package if head in {"", "__main__"} else f"{package}.{head}"


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


class _ImportVisitor(ast.NodeVisitor):
    """Collects the imports of one file, each resolved to an absolute module name."""

    def __init__(self, path: Path, module: str, modules: Collection[str]) -> None:
        self.path = path
        self.module = module
        self.package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        self.modules = modules
        self.imports: list[Import] = []
        self._lazy = False
        self._type_checking = False

    def _add(self, node: ast.stmt, target: str) -> None:
        self.imports.append(
            Import(self.path, node.lineno, self.module, target, self._lazy, self._type_checking)
        )

    def visit_If(self, node: ast.If) -> None:
        if not _is_type_checking(node.test):
            self.generic_visit(node)
            return
        outer, self._type_checking = self._type_checking, True
        for statement in node.body:
            self.visit(statement)
        self._type_checking = outer
        for statement in node.orelse:
            self.visit(statement)

    def _visit_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        outer, self._lazy = self._lazy, True
        self.generic_visit(node)
        self._lazy = outer

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _visit_function

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._add(node, alias.name)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = node.module or ""
        if node.level:
            parts = self.package.split(".")
            if node.level > len(parts):
                raise ValueError(f"{self.path}:{node.lineno}: relative import above the package")
            anchor = ".".join(parts[: len(parts) - node.level + 1])
            base = f"{anchor}.{node.module}" if node.module else anchor
        for alias in node.names:
            submodule = f"{base}.{alias.name}"
            self._add(node, submodule if submodule in self.modules else base)


def scan_package(package_dir: Path) -> Scan:
    """Parse every ``.py`` file under ``package_dir`` and collect its imports."""
    files = sorted(package_dir.rglob("*.py"))
    modules = frozenset(module_name(package_dir, path) for path in files)
    imports: set[Import] = set()
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        visitor = _ImportVisitor(path, module_name(package_dir, path), modules)
        visitor.visit(tree)
        imports.update(visitor.imports)
    return Scan(package_dir.parent, package_dir.name, modules, sorted(imports))


def unit_edges(scan: Scan) -> dict[tuple[str, str], list[Import]]:
    """(importing unit, imported unit) -> the imports creating that edge, the likeliest culprit
    first (module-level before lazy before TYPE_CHECKING). No self-edges, no edges into the root
    unit."""
    edges: defaultdict[tuple[str, str], list[Import]] = defaultdict(list)
    for imp in scan.imports:
        source, target = unit_of(imp.importer), unit_of(imp.target)
        if scan.internal(imp.target) and target not in {source, scan.package}:
            edges[source, target].append(imp)
    return {
        edge: sorted(sites, key=lambda imp: (imp.type_checking, imp.lazy, imp))
        for edge, sites in sorted(edges.items())
    }


def strongly_connected(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components, each sorted, in sorted order."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    components: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for successor in sorted(graph.get(node, ())):
            if successor not in index:
                connect(successor)
                low[node] = min(low[node], low[successor])
            elif successor in stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = [stack.pop()]
            while component[-1] != node:
                component.append(stack.pop())
            components.append(sorted(component))

    nodes = set(graph) | {successor for successors in graph.values() for successor in successors}
    for node in sorted(nodes):
        if node not in index:
            connect(node)
    return sorted(components)


def simple_cycles(graph: Mapping[str, Iterable[str]], component: Sequence[str]) -> list[list[str]]:
    """Every elementary cycle inside one strongly connected component, each starting from its
    smallest unit."""
    cycles: list[list[str]] = []

    def extend(path: list[str], allowed: set[str]) -> None:
        for successor in sorted(graph.get(path[-1], ())):
            if successor == path[0]:
                cycles.append(list(path))
            elif successor in allowed and successor not in path:
                extend([*path, successor], allowed)

    ordered = sorted(component)
    for n, start in enumerate(ordered):
        extend([start], set(ordered[n + 1 :]))
    return cycles


def import_cycles(scan: Scan) -> list[list[list[str]]]:
    """The elementary cycles between units, grouped by strongly connected component."""
    edges = unit_edges(scan)
    graph: defaultdict[str, set[str]] = defaultdict(set)
    for source, target in edges:
        graph[source].add(target)
    return [
        simple_cycles(graph, component)
        for component in strongly_connected(graph)
        if len(component) > 1
    ]


def cycle_report(scan: Scan) -> str:
    """Every cycle, with one import per edge: the statement to move to break it. Empty when
    there is none."""
    edges = unit_edges(scan)
    lines: list[str] = []
    for group in import_cycles(scan):
        units = sorted({unit for cycle in group for unit in cycle})
        lines.append(f"Units importing each other: {', '.join(units)}")
        for cycle in group:
            lines.append("  cycle: " + " -> ".join([*cycle, cycle[0]]))
            for source, target in zip(cycle, [*cycle[1:], cycle[0]], strict=True):
                first, *others = edges[source, target]
                more = f" (+{len(others)} more)" if others else ""
                lines.append(f"    {source} -> {target}: {scan.site(first)}{more}")
    if not lines:
        return ""
    return "\n".join(
        [
            "Import cycles between the units of the package (break each cycle by moving or "
            "removing the imports of one of its edges; every import counts, lazy and "
            "TYPE_CHECKING ones too):",
            *lines,
        ]
    )


def layering_problems(
    scan: Scan, layers: Sequence[Sequence[str]], allowed: Collection[tuple[str, str]]
) -> list[str]:
    """Units missing from ``layers``, and imports of a higher layer or of a sibling unit."""
    layer_of: dict[str, int] = {}
    problems: list[str] = []
    for n, layer in enumerate(layers):
        for unit in layer:
            if unit in layer_of:
                problems.append(f"{unit} is in LAYERS twice")
            layer_of.setdefault(unit, n)
    units = scan.units - {scan.package}  # the root unit (version, __main__) stands outside
    problems += [
        f"{unit} is in no layer: place it in LAYERS in tests/test_architecture.py"
        for unit in sorted(units - layer_of.keys())
    ]
    for (source, target), (first, *others) in unit_edges(scan).items():
        if source not in layer_of or target not in layer_of or target not in units:
            continue
        if layer_of[target] > layer_of[source] or (source, target) in allowed:
            continue
        why = "a higher layer" if layer_of[target] < layer_of[source] else "its own layer"
        more = f" (+{len(others)} more)" if others else ""
        problems.append(f"{source} imports {target} ({why}): {scan.site(first)}{more}")
    return problems


def library_problems(scan: Scan) -> list[str]:
    """Imports of an owned third-party library from outside its owners."""
    problems = []
    for imp in scan.imports:
        library = imp.target.partition(".")[0]
        owners = LIBRARY_OWNERS.get(library)
        if owners is None or unit_of(imp.importer) in owners:
            continue
        if imp.type_checking and library in TYPE_ONLY_ANYWHERE:
            continue
        problems.append(f"{scan.site(imp)}: only {', '.join(sorted(owners))} may import {library}")
    return problems


def test_no_import_cycles_between_units() -> None:
    """No two units of kilocli import each other, directly or through others."""
    report = cycle_report(scan_package(PACKAGE_DIR))
    if report:
        pytest.fail(report, pytrace=False)


def test_units_respect_the_layers() -> None:
    """Every unit is in LAYERS and imports only strictly lower layers (and itself)."""
    problems = layering_problems(scan_package(PACKAGE_DIR), LAYERS, SAME_LAYER_ALLOWED)
    if problems:
        pytest.fail("Layering violations:\n" + "\n".join(problems), pytrace=False)


def test_third_party_libraries_stay_in_their_units() -> None:
    """typer and rich only in cli, questionary and prompt_toolkit only in prompting, httpx only
    in gateway (or under TYPE_CHECKING), tomlkit and ruamel.yaml only in tools."""
    problems = library_problems(scan_package(PACKAGE_DIR))
    if problems:
        pytest.fail(
            "Libraries imported outside their units:\n" + "\n".join(problems), pytrace=False
        )


def _package(tmp_path: Path, files: Mapping[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return tmp_path / "fake"


def test_walker_reports_a_cycle_through_a_lazy_import(tmp_path: Path) -> None:
    """A cycle closed only by an import inside a function is found, with both import sites."""
    package = _package(
        tmp_path,
        {
            "fake/__init__.py": '__version__ = "1"\n',
            "fake/__main__.py": "import fake.c\n",
            "fake/a/__init__.py": "",
            "fake/a/front.py": "from fake.b.back import helper\n",
            "fake/b/__init__.py": "",
            "fake/b/back.py": """
                from fake import __version__


                def helper() -> str:
                    from ..a import front

                    return front.__name__
            """,
            "fake/c.py": "import fake.a.front\n",
        },
    )
    scan = scan_package(package)
    assert import_cycles(scan) == [[["fake.a", "fake.b"]]]
    assert cycle_report(scan) == "\n".join(
        [
            "Import cycles between the units of the package (break each cycle by moving or "
            "removing the imports of one of its edges; every import counts, lazy and "
            "TYPE_CHECKING ones too):",
            "Units importing each other: fake.a, fake.b",
            "  cycle: fake.a -> fake.b -> fake.a",
            "    fake.a -> fake.b: fake/a/front.py:1 imports fake.b.back",
            "    fake.b -> fake.a: fake/b/back.py:5 imports fake.a.front [in a function]",
        ]
    )


def test_walker_finds_no_cycle_in_a_layered_package(tmp_path: Path) -> None:
    """Imports of the root unit, self-edges and one-way edges make no cycle."""
    package = _package(
        tmp_path,
        {
            "fake/__init__.py": "from fake.a.front import run\n",
            "fake/__main__.py": "from fake.a.front import run\n",
            "fake/a/__init__.py": "",
            "fake/a/front.py": """
                from fake import __version__
                from fake.b import back


                def run() -> None:
                    from . import helpers
            """,
            "fake/a/helpers.py": "",
            "fake/b/__init__.py": "",
            "fake/b/back.py": """
                from typing import TYPE_CHECKING

                if TYPE_CHECKING:
                    from fake.c import Thing
            """,
            "fake/c.py": "class Thing: ...\n",
        },
    )
    scan = scan_package(package)
    assert import_cycles(scan) == []
    assert cycle_report(scan) == ""
    assert list(unit_edges(scan)) == [
        ("fake", "fake.a"),
        ("fake.a", "fake.b"),
        ("fake.b", "fake.c"),
    ]


def test_walker_resolves_each_import_to_a_module(tmp_path: Path) -> None:
    """Relative imports are made absolute, ``from p import m`` reaches module ``p.m``, and
    lazy and TYPE_CHECKING imports are recorded as such."""
    package = _package(
        tmp_path,
        {
            "fake/__init__.py": "from .a import front\n",
            "fake/a/__init__.py": "",
            "fake/a/front.py": """
                import typing
                from typing import TYPE_CHECKING

                from .. import c
                from . import helpers as h, missing
                from fake.c import Thing

                if TYPE_CHECKING:
                    import httpx
                else:
                    import json


                class Holder:
                    async def fetch(self) -> None:
                        from rich.cells import cell_len

                        if typing.TYPE_CHECKING:
                            from .helpers import name
            """,
            "fake/a/helpers.py": "",
            "fake/c.py": "class Thing: ...\n",
        },
    )
    scan = scan_package(package)
    assert scan.modules == {"fake", "fake.a", "fake.a.front", "fake.a.helpers", "fake.c"}
    assert scan.units == {"fake", "fake.a", "fake.c"}
    front = package / "a" / "front.py"
    assert [imp for imp in scan.imports if imp.path == front] == [
        Import(front, 1, "fake.a.front", "typing", lazy=False, type_checking=False),
        Import(front, 2, "fake.a.front", "typing", lazy=False, type_checking=False),
        Import(front, 4, "fake.a.front", "fake.c", lazy=False, type_checking=False),
        Import(front, 5, "fake.a.front", "fake.a", lazy=False, type_checking=False),
        Import(front, 5, "fake.a.front", "fake.a.helpers", lazy=False, type_checking=False),
        Import(front, 6, "fake.a.front", "fake.c", lazy=False, type_checking=False),
        Import(front, 9, "fake.a.front", "httpx", lazy=False, type_checking=True),
        Import(front, 11, "fake.a.front", "json", lazy=False, type_checking=False),
        Import(front, 16, "fake.a.front", "rich.cells", lazy=True, type_checking=False),
        Import(front, 19, "fake.a.front", "fake.a.helpers", lazy=True, type_checking=True),
    ]
    init = package / "__init__.py"
    assert [imp for imp in scan.imports if imp.path == init] == [
        Import(init, 1, "fake", "fake.a.front", lazy=False, type_checking=False)
    ]
