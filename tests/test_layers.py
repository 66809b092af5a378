"""The package's house rules, read from its imports: each module sits in a layer and imports only
from its own layer and the layers below; no two modules import each other, even through others.

The layers, from the ground up (the README's map lists every module):
io -> model -> analyses -> present -> workbook -> batch -> the top (``__init__``, ``__main__``, ``cli``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "outsourcing_risk"
LAYERS = ("io", "model", "analyses", "present", "workbook", "batch", "top")


def _module_name(path: Path, package: Path) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in LAYERS) else "top"


def _resolve(module: str, is_package: bool, node: ast.ImportFrom, exists) -> list[str]:
    """The package's modules an import statement names (``from . import plots`` names a module)."""
    if node.level:
        base = module.split(".")
        base = base[: len(base) - node.level + (1 if is_package else 0)]
        target = ".".join([*base, node.module] if node.module else base)
    else:
        target = node.module or ""
    if not target.startswith("outsourcing_risk"):
        return []
    found = [target]
    for alias in node.names:  # a submodule imported by name
        candidate = f"{target}.{alias.name}"
        if exists(candidate):
            found.append(candidate)
    return [m for m in found if exists(m)]


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    """Module -> the package's modules it imports (at the top or inside functions, alike), leaving
    out the ``if TYPE_CHECKING:`` block of ``__init__`` (names for type checkers, never run)."""

    def exists(module: str) -> bool:
        path = package.parent.joinpath(*module.split("."))
        return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()

    graph = {}
    for path in sorted(package.rglob("*.py")):
        module = _module_name(path, package)
        tree = ast.parse(path.read_text(), str(path))
        skipped = {
            id(n)
            for block in ast.walk(tree)
            if isinstance(block, ast.If) and getattr(block.test, "id", "") == "TYPE_CHECKING"
            for n in ast.walk(block)
        }
        targets = set()
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            if isinstance(node, ast.ImportFrom):
                targets.update(_resolve(module, path.name == "__init__.py", node, exists))
            elif isinstance(node, ast.Import):
                targets.update(a.name for a in node.names if a.name.startswith("outsourcing_risk."))
        targets.discard(module)
        # a module's own package (its __init__) is a docstring only, except the top one
        graph[module] = {t for t in targets if t != "outsourcing_risk" or _layer(module) == "top"}
    return graph


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    return sorted(
        f"{a} ({_layer(a)}) imports {b} ({_layer(b)})"
        for a, targets in graph.items()
        for b in targets
        if LAYERS.index(_layer(b)) > LAYERS.index(_layer(a))
    )


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected set of two or more modules (Tarjan's algorithm)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_every_module_sits_in_a_layer_folder():
    flat = sorted(
        p.name for p in PACKAGE.glob("*.py") if p.name not in ("__init__.py", "__main__.py", "cli.py")
    )
    assert flat == [], "modules belong in a layer's folder"
    folders = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file())
    assert folders == sorted(LAYERS[:-1])


def test_no_module_imports_from_a_higher_layer():
    assert upward_imports(import_graph()) == []


def test_no_circle_of_imports():
    assert circles(import_graph()) == []


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("model/scenario.py", "from ..present.formatting import money\n"),
        ("io/data.py", "from ..model import scenario\n"),
    ],
)
def test_the_check_sees_an_upward_import(tmp_path, source, problem):
    """The check itself can fail: an import planted against the layers is reported."""
    copy = tmp_path / "outsourcing_risk"
    for path in PACKAGE.rglob("*.py"):
        target = copy / path.relative_to(PACKAGE)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(path.read_text())
    (copy / source).write_text((copy / source).read_text() + problem)
    assert upward_imports(import_graph(copy)) != []


def test_the_check_sees_a_circle():
    graph = {
        "outsourcing_risk.a.x": {"outsourcing_risk.a.y"},
        "outsourcing_risk.a.y": {"outsourcing_risk.a.x"},
    }
    assert circles(graph) == [["outsourcing_risk.a.x", "outsourcing_risk.a.y"]]


def test_the_readmes_map_lists_every_module_under_its_layer():
    readme = (PACKAGE.parent / "README.md").read_text()
    table = readme[readme.index("### The package's map") :].split("\n\n")[2]
    listed, layer = {}, None
    for row in table.splitlines()[2:]:
        first, second = (cell.strip() for cell in row.strip("|").split("|")[:2])
        if first:
            layer = first.split("`")[1].rstrip("/") if first.startswith("`") else "top"
        for name in second.split("`")[1::2]:
            listed.setdefault(layer, set()).add(name.rstrip("/"))
    for folder in LAYERS[:-1]:
        modules = {p.stem for p in (PACKAGE / folder).glob("*.py") if p.name != "__init__.py"}
        assert modules <= listed.get(folder, set()), f"{folder}/: not in the README's map"
    assert {"cli", "__main__"} <= listed["top"]


def test_the_package_type_checks_clean():
    """`make lint` runs mypy over the package (configured in pyproject.toml); it ships py.typed."""
    import shutil
    import subprocess
    import sys

    mypy = shutil.which("mypy", path=str(Path(sys.executable).parent))
    if mypy is None:
        pytest.skip("mypy is not installed (it comes with the test extras)")
    done = subprocess.run(
        [mypy], cwd=PACKAGE.parent, capture_output=True, text=True, check=False, timeout=600
    )
    assert done.returncode == 0, done.stdout[-3000:]
    assert (PACKAGE / "py.typed").is_file()
