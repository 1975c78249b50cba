"""The tree shows the architecture: allowed top-level modules, a layer order and no import cycles.

Read from the source with `ast` (lazy imports inside functions count too), so a module that
reaches up a layer, or a new flat module in pipeline/, fails here instead of decaying the layout.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

# pipeline/: the batch path stays flat; every mode and shared mechanism is a package.
PIPELINE_TOP_MODULES = {
    "__init__", "__main__", "cli", "config", "graph", "run", "seed_listing", "seed_files", "metrics",
}
PIPELINE_PACKAGES = {"common", "http", "output", "accounting", "feeds", "archives", "stream", "dataflow", "report", "ledger"}
TRANSFORMS_PACKAGES = {"text", "deals", "entities", "nlp", "data", "ledger"}

# Lower number = lower layer. A module may import its own layer or lower ones, never higher.
# First matching prefix wins (most specific first).
LAYERS: list[tuple[str, int]] = [
    ("transforms.records", 0),
    ("transforms.archive_records", 0),
    ("transforms.stream_records", 0),
    ("transforms.partitioning", 0),
    ("transforms.outcomes", 0),
    ("transforms.entities", 1),
    ("transforms.nlp", 1),
    ("transforms.text", 2),
    ("transforms.errors", 2),
    ("transforms.dedup", 2),
    ("transforms.doc_copies", 2),
    ("transforms.article_row", 3),
    ("transforms.deals", 3),
    ("transforms.ledger", 3),
    ("transforms.safety", 3),
    ("transforms.stages", 4),
    ("pipeline.__init__", 10),
    ("pipeline.metrics", 10),
    ("pipeline.common", 10),
    ("pipeline.http", 11),
    ("pipeline.output", 11),
    ("pipeline.accounting", 11),
    ("pipeline.ledger", 12),
    ("pipeline.seed_listing", 12),
    ("pipeline.seed_files", 12),
    ("pipeline.feeds.command", 16),
    ("pipeline.feeds", 12),
    ("pipeline.archives", 12),
    ("pipeline.graph", 13),
    ("pipeline.config", 14),
    ("pipeline.run", 15),
    ("pipeline.stream", 16),
    ("pipeline.dataflow", 16),
    ("pipeline.report", 16),
    ("pipeline.__main__", 17),
    ("pipeline.cli", 17),
]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        return ".".join(parts)  # keep "pkg.__init__" distinct from the package's modules
    return ".".join(parts)


def _project_modules() -> dict[str, Path]:
    return {_module_name(p): p for pkg in ("pipeline", "transforms") for p in sorted((REPO / pkg).rglob("*.py"))}


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """Project modules imported anywhere in the file, resolved to module names."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{a.name}" for a in node.names] + [node.module]
        for name in names:
            if name.split(".")[0] not in ("pipeline", "transforms"):
                continue
            # "from pkg import mod" names a module; "from mod import func" names the module.
            while name and name not in modules and f"{name}.__init__" not in modules:
                name = name.rpartition(".")[0]
            if name in modules:
                found.add(name)
            elif f"{name}.__init__" in modules:
                found.add(f"{name}.__init__")
    return found


def _layer(module: str) -> int:
    for prefix, rank in LAYERS:
        if module == prefix or module.startswith(prefix + ".") or module.startswith(prefix + "__"):
            return rank
    raise AssertionError(f"{module} has no layer in tests/unit/test_layout.py: add it where it belongs")


def _graph() -> dict[str, set[str]]:
    modules = _project_modules()
    return {name: _imports(path, modules) - {name} for name, path in modules.items()}


def test_pipeline_top_level_is_the_batch_path_only():
    top = {p.stem for p in (REPO / "pipeline").glob("*.py")}
    assert top - PIPELINE_TOP_MODULES == set(), "new flat modules in pipeline/: put them in the package of their mode"
    packages = {p.name for p in (REPO / "pipeline").iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert packages <= PIPELINE_PACKAGES, f"unexpected packages in pipeline/: {packages - PIPELINE_PACKAGES}"
    tpackages = {p.name for p in (REPO / "transforms").iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert tpackages <= TRANSFORMS_PACKAGES, f"unexpected packages in transforms/: {tpackages - TRANSFORMS_PACKAGES}"


def test_every_package_has_an_init_with_a_docstring():
    for pkg in ("pipeline", "transforms"):
        for folder in (REPO / pkg).rglob("*"):
            if folder.is_dir() and folder.name != "__pycache__" and any(folder.glob("*.py")):
                init = folder / "__init__.py"
                assert init.exists(), f"{folder} lacks __init__.py (package discovery would miss it)"
                if folder.name != "data":
                    assert ast.get_docstring(ast.parse(init.read_text())), f"{init} should say what the package is for"


def test_rules_never_import_the_pipeline():
    for name, deps in _graph().items():
        if name.startswith("transforms"):
            assert not {d for d in deps if d.startswith("pipeline")}, f"{name} imports the pipeline layer"


def test_no_import_reaches_a_higher_layer():
    bad = [
        f"{name} (layer {_layer(name)}) imports {dep} (layer {_layer(dep)})"
        for name, deps in sorted(_graph().items())
        for dep in sorted(deps)
        if _layer(dep) > _layer(name)
    ]
    assert not bad, "imports against the layer order:\n" + "\n".join(bad)


def _package(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 2 or (len(parts) == 2 and parts[1] != "__init__") else parts[0]


@pytest.mark.parametrize("level", ["module", "package"])
def test_no_import_cycles(level: str):
    graph = _graph()
    if level == "package":
        packages: dict[str, set[str]] = {}
        for name, deps in graph.items():
            packages.setdefault(_package(name), set()).update(_package(d) for d in deps)
        graph = {k: v - {k} for k, v in packages.items()}
        # pipeline.__init__ holds only the version; a package importing it is not a cycle.
        graph = {k: v - {"pipeline.__init__", "pipeline"} for k, v in graph.items()}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for dep in sorted(graph.get(node, ())):
            if state.get(dep) == 1:
                cycle = stack[stack.index(dep):] + [dep]
                raise AssertionError(f"import cycle ({level}): " + " -> ".join(cycle))
            if dep not in state:
                visit(dep)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)


def test_layer_check_catches_an_upward_import(tmp_path):
    """The checker itself can fail: a rules module importing the CLI is reported."""
    fake = tmp_path / "x.py"
    fake.write_text("from pipeline.cli import main\n")
    assert _imports(fake, _project_modules()) == {"pipeline.cli"}
    assert _layer("pipeline.cli") > _layer("transforms.deals.extract")
