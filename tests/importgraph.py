"""The import graph of ``src/antqsearch``, read from the source (``ast``, nothing imported).

Used by tests/test_architecture.py (the allowed-imports rules, and the tables of
docs/architecture.md kept equal to the real graph and settings) and runnable to print them:

    python tests/importgraph.py            # the layer table
    python tests/importgraph.py settings   # the settings table
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = "antqsearch"
STDLIB = frozenset(sys.stdlib_module_names) | {"__future__"}


@dataclass
class Module:
    """One module: its file, its internal imports (eager, and inside functions) and the
    third-party packages it imports."""

    name: str
    path: Path
    eager: set[str] = field(default_factory=set)
    lazy: set[str] = field(default_factory=set)
    external: set[str] = field(default_factory=set)

    @property
    def imports(self) -> set[str]:
        return self.eager | self.lazy

    @property
    def lines(self) -> int:
        return len(self.path.read_text(encoding="utf-8").splitlines())

    @property
    def short(self) -> str:
        """The name without the package (``web.views``; ``antqsearch`` for the package)."""
        return self.name.removeprefix(PACKAGE + ".")


def _name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(module: Module, node: ast.ImportFrom, names: set[str]) -> list[str]:
    """The internal modules an ``import from`` names (``from . import settings`` names the
    module ``settings``; ``from .facets import FACET`` the module ``facets``)."""
    if node.level:
        base = module.name.split(".")
        is_package = module.path.name == "__init__.py"
        base = base[: len(base) - node.level + (1 if is_package else 0)]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    if not (target == PACKAGE or target.startswith(PACKAGE + ".")):
        return []
    found = [f"{target}.{alias.name}" for alias in node.names
             if f"{target}.{alias.name}" in names]
    return found or [target]


def _is_lazy(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return True
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return True
    return False


@cache
def modules() -> dict[str, Module]:
    """Every module of the package by dotted name, with its imports."""
    paths = sorted((SRC / PACKAGE).rglob("*.py"))
    found = {_name(p): Module(_name(p), p) for p in paths}
    names = set(found)
    for module in found.values():
        tree = ast.parse(module.path.read_text(encoding="utf-8"))
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level == 0 and not (node.module or "").startswith(PACKAGE):
                    targets = [node.module or ""]
                else:
                    targets = _resolve(module, node, names)
            else:
                continue
            for target in targets:
                top = target.split(".")[0]
                if top == PACKAGE:
                    while target not in names and "." in target:
                        target = target.rsplit(".", 1)[0]
                    if target != module.name:
                        lazy = _is_lazy(node, parents)
                        (module.lazy if lazy else module.eager).add(target)
                elif top not in STDLIB:
                    module.external.add(top)
    for module in found.values():
        module.lazy -= module.eager
    return found


def layers() -> dict[str, int]:
    """Each module's layer: 0 when it imports no other module of the package, else one more
    than the highest layer it imports (eager and lazy imports alike)."""
    graph = modules()
    memo: dict[str, int] = {}

    def layer(name: str, path: tuple[str, ...] = ()) -> int:
        if name in path:
            raise ValueError("import cycle: " + " → ".join((*path, name)))
        if name not in memo:
            deps = graph[name].imports
            memo[name] = 1 + max((layer(d, (*path, name)) for d in deps), default=-1)
        return memo[name]

    return {name: layer(name) for name in graph}


def table() -> str:
    """The layer table of docs/architecture.md: highest layer first, then by name."""
    graph, levels = modules(), layers()
    rows = ["| layer | module | imports (of the package; *lazy*) | third-party |",
            "|---:|---|---|---|"]
    for name in sorted(graph, key=lambda n: (-levels[n], n)):
        module = graph[name]
        eager = [graph[d].short for d in sorted(module.eager)]
        lazy = [f"*{graph[d].short}*" for d in sorted(module.lazy)]
        rows.append(f"| {levels[name]} | `{module.short}` | "
                    f"{', '.join(eager + lazy) or '—'} | "
                    f"{', '.join(sorted(module.external)) or '—'} |")
    return "\n".join(rows) + "\n"


def settings_table() -> str:
    """Every declared setting: name, default, environment variable, help."""
    from antqsearch.settings import SETTINGS

    rows = ["| setting | default | environment | what it is for |", "|---|---|---|---|"]
    for setting in SETTINGS:
        rows.append(f"| `{setting.name}` | `{setting.default!r}` | "
                    f"{f'`{setting.env}`' if setting.env else '—'} | {setting.help} |")
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    print(settings_table() if sys.argv[1:] == ["settings"] else table(), end="")
