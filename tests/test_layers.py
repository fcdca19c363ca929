"""The package's layers, checked from the source: every `import` of every module under
rashomon/ (at module level, inside functions and under TYPE_CHECKING alike) is an edge of
the import graph, and the graph must have no circle and no edge that runs up the declared
order. docs/ARCHITECTURE.md ("Layers") explains the order. No module may be longer than
MAX_MODULE_LINES, but for the few listed with their reason."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import rashomon

PACKAGE = Path(rashomon.__file__).parent

# Bottom to top. A module may import its own unit (the most specific name below it belongs
# to) and any unit of a lower layer; never a unit of its own layer or of a higher one.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("rashomon.errors",),
    ("rashomon.model", "rashomon.codec", "rashomon.settings", "rashomon.datafile"),
    ("rashomon.lexicon",),  # shared vocabulary: word lists the stages share
    ("rashomon.ingest", "rashomon.clean"),  # document stages
    ("rashomon.outlets",),  # the registry names outlets as the cleaner does
    ("rashomon.annotate",),
    ("rashomon.stories",),  # corpus stages
    ("rashomon.compare",),
    ("rashomon.plan", "rashomon.report"),  # the stages in order, one call each; their records
    ("rashomon.pipeline",),  # the batch executor
    ("rashomon",),  # the package's own API: __version__, clean_paths
    ("rashomon.store",),  # the incremental executor and persistence
    ("rashomon.spark",),  # the Spark executor (writes the store's Parquet tables)
    ("rashomon.web",),  # surfaces
    ("rashomon.cli",),
    ("rashomon.spark.__main__",),  # spark-submit's entry point: the CLI, on a cluster
)


def module_files() -> dict[str, Path]:
    """Dotted module name -> file, for every module of the package."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> Iterator[tuple[str, int]]:
    """(imported module, line) for every import of the package's own modules in one file.
    `from a import b` is an edge to the module a.b when there is one, else to a."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([node.module] if node.module else []))
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                for alias in node.names
            ]
        for target in targets:
            while target not in modules and "." in target:
                target = target.rpartition(".")[0]
            if target in modules and target != name:
                yield target, node.lineno


def graph() -> dict[str, dict[str, int]]:
    """module -> {imported module: first line importing it}."""
    modules = module_files()
    edges: dict[str, dict[str, int]] = {}
    for name, path in modules.items():
        out = edges.setdefault(name, {})
        for target, line in imports_of(name, path, modules):
            out.setdefault(target, line)
    return edges


def unit_of(module: str) -> str:
    """The most specific declared name that `module` is or lies under ("rashomon" names the
    package's own __init__ only, so a new top-level module must be given its layer)."""
    names = [
        n
        for layer in LAYERS
        for n in layer
        if module == n or (n != "rashomon" and module.startswith(n + "."))
    ]
    assert names, f"{module} is in no layer: add it to LAYERS (and to docs/ARCHITECTURE.md)"
    return max(names, key=len)


RANK = {name: i for i, layer in enumerate(LAYERS) for name in layer}


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one node (Tarjan), each as a list."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def describe_circle(
    component: list[str],
    edges: dict[str, dict[str, int]],
    of: Callable[[str], str] | None = None,
) -> str:
    """The edges inside one circle, `a:line -> b` each (for units, the module edges)."""
    members = set(component)
    lines = []
    for a, targets in sorted(edges.items()):
        for b, line in sorted(targets.items()):
            ua, ub = (a, b) if of is None else (of(a), of(b))
            if ua in members and ub in members and ua != ub:
                lines.append(f"    {a}:{line} -> {b}")
    return " <-> ".join(component) + "\n" + "\n".join(lines)


EDGES = graph()


def test_every_module_has_a_layer() -> None:
    for module in EDGES:
        unit_of(module)
    declared = {n for layer in LAYERS for n in layer}
    assert declared <= set(EDGES), f"LAYERS names what is not a module: {declared - set(EDGES)}"


def test_no_module_imports_round_in_a_circle() -> None:
    found = circles({a: set(b) for a, b in EDGES.items()})
    assert not found, "import circles between modules:\n" + "\n".join(
        describe_circle(c, EDGES) for c in found
    )


def test_no_unit_imports_round_in_a_circle() -> None:
    units: dict[str, set[str]] = {}
    for a, targets in EDGES.items():
        for b in targets:
            if unit_of(a) != unit_of(b):
                units.setdefault(unit_of(a), set()).add(unit_of(b))
    found = circles(units)
    assert not found, "import circles between packages:\n" + "\n".join(
        describe_circle(c, EDGES, unit_of) for c in found
    )


def against_the_layers(edges: dict[str, dict[str, int]]) -> list[str]:
    """Each edge from a unit to one of its own layer or a higher one, `a:line -> b (why)`."""
    wrong = []
    for a, targets in sorted(edges.items()):
        for b, line in sorted(targets.items()):
            ua, ub = unit_of(a), unit_of(b)
            if ua != ub and RANK[ub] >= RANK[ua]:
                way = "up" if RANK[ub] > RANK[ua] else "across"
                wrong.append(f"  {a}:{line} -> {b}  ({ua} imports {ub}: {way} the layers)")
    return wrong


def test_no_import_runs_up_or_across_the_layers() -> None:
    wrong = against_the_layers(EDGES)
    assert not wrong, "imports against the layer order (LAYERS in this file):\n" + "\n".join(wrong)


def test_the_check_names_each_wrong_edge() -> None:
    edges = {
        "rashomon.model": {"rashomon.cli": 3, "rashomon.errors": 4},
        "rashomon.ingest.files": {"rashomon.clean.text": 7, "rashomon.ingest.sniff": 8},
        "rashomon.spark.job": {"rashomon.store.tables": 9},
    }
    assert against_the_layers(edges) == [
        "  rashomon.ingest.files:7 -> rashomon.clean.text  (rashomon.ingest imports "
        "rashomon.clean: across the layers)",
        "  rashomon.model:3 -> rashomon.cli  (rashomon.model imports rashomon.cli: up the layers)",
    ]


def test_a_module_of_no_declared_unit_is_named() -> None:
    with pytest.raises(AssertionError, match="rashomon.newthing is in no layer"):
        unit_of("rashomon.newthing")


def test_a_circle_is_found_and_drawn() -> None:
    edges = {"a": {"b": 1}, "b": {"c": 2}, "c": {"a": 3}, "d": {"a": 4}}
    found = circles({k: set(v) for k, v in edges.items()})
    assert found == [["a", "b", "c"]]
    assert describe_circle(found[0], edges) == (
        "a <-> b <-> c\n    a:1 -> b\n    b:2 -> c\n    c:3 -> a"
    )


MAX_MODULE_LINES = 800  # issue 23: a module longer than this is split by responsibility

# Modules allowed over MAX_MODULE_LINES, each with its reason. None, since web/api.py was split:
OVER_THE_LIMIT: set[str] = set()


def test_no_module_is_longer_than_the_limit() -> None:
    lines = {
        path.relative_to(PACKAGE.parent).as_posix(): len(path.read_text("utf-8").splitlines())
        for path in module_files().values()
    }
    long = {p: n for p, n in sorted(lines.items()) if n > MAX_MODULE_LINES}
    over = {p: n for p, n in long.items() if p not in OVER_THE_LIMIT}
    assert not over, f"modules over {MAX_MODULE_LINES} lines (split them): {over}"
    stale = OVER_THE_LIMIT - set(long)
    assert not stale, f"no longer over {MAX_MODULE_LINES} lines: drop from OVER_THE_LIMIT {stale}"


# The stages' step functions: what `rashomon.plan` calls. The executors (batch, incremental,
# Spark) and the surfaces run a step only through the plan, so the order and the way each
# step is called are written once (issue 23: "one place that composes stages into a plan").
STEP_FUNCTIONS = {
    "rashomon.clean": {"clean"},
    "rashomon.clean.decode": {"decode"},
    "rashomon.clean.text": {"clean_text"},
    "rashomon.clean.templates": {"TemplateStore"},
    "rashomon.annotate": {"annotate", "annotate_stream"},
    "rashomon.annotate.corpus": {"resolve_corpus", "rewrite"},
    "rashomon.annotate.resolver": {"Resolver"},
    "rashomon.stories": {
        "features_for",
        "embed_leads",
        "default_scorer",
        "story_of",
        "add_exact_copies",
    },
    "rashomon.stories.cluster": {"cluster", "order_for_clustering", "Rarity"},
    "rashomon.stories.encoder": {"Memo", "embed"},
    "rashomon.compare": {"compare_story"},
}
EXECUTORS_AND_SURFACES = ("rashomon.pipeline", "rashomon.store", "rashomon.spark", "rashomon.web")
EXECUTORS_AND_SURFACES += ("rashomon.cli",)


def step_imports(name: str, path: Path) -> Iterator[str]:
    """`module.name:line` for each step function the file imports from a stage module."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.ImportFrom) and not node.level:
            steps = STEP_FUNCTIONS.get(node.module or "", set())
            for alias in node.names:
                if alias.name in steps:
                    yield f"{name}:{node.lineno} imports {node.module}.{alias.name}"


def test_executors_and_surfaces_run_steps_only_through_the_plan() -> None:
    wrong = [
        found
        for name, path in module_files().items()
        if name.startswith(EXECUTORS_AND_SURFACES)
        for found in step_imports(name, path)
    ]
    assert not wrong, "call these through rashomon.plan:\n" + "\n".join(wrong)


def test_the_step_check_sees_a_direct_call(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from rashomon.stories import story_of, Features\n")
    assert list(step_imports("m", module)) == ["m:2 imports rashomon.stories.story_of"]
