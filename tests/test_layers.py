"""The package's layers, read from its import statements (with `ast`, nothing imported).

Every `import` counts, also one inside a function: a deferred import hides a cycle or a layer
crossed, it does not remove it. The rules (docs/AUTHORING.md, /work/shared/DESIGN.md):
- the modules of autograder/ import each other without a cycle;
- nothing imports cli.py (argument parsing only) but `python -m backprop_lab` (__main__.py);
- the layers, lowest first (LAYERS): a module imports only its own layer and lower ones;
- checks/ imports only itself and the shared base (no isolation/, no engine);
- isolation/ reaches only itself and the shared base, also through other modules: not checks/,
  not course/, not the registry of assignments;
- the child's runtime (what the zygote preloads for student code) imports no checks and no
  grader module: only itself.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "autograder"   # imported as backprop_lab
IMPORT_NAME = "backprop_lab"

RUNTIME = {"backprop_lab.isolation", "backprop_lab.isolation.child", "backprop_lab.isolation.wire",
           "backprop_lab.probes", "backprop_lab.text", "backprop_lab.isolation.zygote",
           "backprop_lab.watch"}
ENTRY = "backprop_lab.__main__"
CLI = "backprop_lab.cli"


def module_name(path: Path) -> str:
    parts = (IMPORT_NAME, *path.relative_to(PACKAGE).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(name: str, known: dict[str, Path]) -> str | None:
    """`name` or the nearest package of it that is a module of ours; None if not ours."""
    while name:
        if name in known:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The modules of ours that module `name` (file `path`) imports, anywhere in it."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        targets = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            # `from . import x`: x may be a module; `from .m import f`: f is not
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                       for alias in node.names]
        for target in targets:
            resolved = _resolve(target, known)
            if resolved is not None and resolved != name:
                found.add(resolved)
    return found


def import_graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports_of(name, path, known) for name, path in known.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of `graph` as a list of modules (first == last), or None."""
    state: dict[str, int] = {}   # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


GRAPH = import_graph()


def test_the_graph_is_read():
    # the reader finds what is surely there, relative and nested imports alike
    assert "backprop_lab.batch" in GRAPH[CLI]
    assert "backprop_lab.isolation.wire" in GRAPH["backprop_lab.isolation.child"]
    assert "backprop_lab.checks.core" in GRAPH["backprop_lab.checks.relu"]
    assert "backprop_lab.reports.late" in GRAPH["backprop_lab.reports.report"]   # inside a function
    assert GRAPH[ENTRY] == {CLI}


def test_find_cycle_finds_a_planted_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_imports_of_reads_relative_imports(tmp_path, monkeypatch):
    known = {"backprop_lab.x": tmp_path / "x.py", "backprop_lab.y": tmp_path / "y.py",
             "backprop_lab.sub": tmp_path / "sub" / "__init__.py",
             "backprop_lab.sub.z": tmp_path / "sub" / "z.py"}
    source = tmp_path / "sub" / "z.py"
    source.parent.mkdir()
    source.write_text("from .. import x\nfrom ..y import f\ndef g():\n    from . import other\n")
    assert imports_of("backprop_lab.sub.z", source, known) == {"backprop_lab.x", "backprop_lab.y",
                                                              "backprop_lab.sub"}


def test_no_import_cycle():
    assert find_cycle(GRAPH) is None, "import cycle: " + " -> ".join(find_cycle(GRAPH))


def test_nothing_imports_the_cli():
    importers = sorted(name for name, deps in GRAPH.items() if CLI in deps and name != ENTRY)
    assert not importers, f"{importers} import cli.py; import batch.py or options.py instead"


# What both sides of the boundary share: plain text helpers, the probe functions that tests hand
# to student code (they cross the wire), the error a student's function raised.
SHARED = {IMPORT_NAME, "backprop_lab.text", "backprop_lab.probes", "backprop_lab.errors",
          "backprop_lab.watch"}
REGISTRY = "backprop_lab.assignments"
ISOLATION = "backprop_lab.isolation"
CHECKS = "backprop_lab.checks"

# Lowest first; a module imports only modules of its own layer or lower ones.
LAYERS = [
    ("shared", SHARED | {REGISTRY}),
    ("isolation", {ISOLATION}),            # running untrusted code
    ("checks", {CHECKS}),                  # expected values and messages
    ("notebooks", {"backprop_lab.notebooks"}),
    ("grading", {"backprop_lab.grading", "backprop_lab.options"}),
    ("reports", {"backprop_lab.reports"}),
    ("batch", {"backprop_lab.batch", "backprop_lab.progress"}),
    ("course", {"backprop_lab.course"}),   # nbgrader, the kit, Gradescope, PrairieLearn
    ("fronts", {"backprop_lab.pytest_plugin", CLI, ENTRY}),
]


def layer_of(name: str) -> int:
    """The index in LAYERS of module `name` (a module of a package listed belongs to it)."""
    for index, (_label, members) in enumerate(LAYERS):
        if any(name == m or (m != IMPORT_NAME and name.startswith(m + ".")) for m in members):
            return index
    raise KeyError(name)


def inside(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def reachable(graph: dict[str, set[str]], start: str) -> dict[str, list[str]]:
    """Every module `start` imports, directly or through others: module -> one import path."""
    paths = {start: [start]}
    todo = [start]
    while todo:
        node = todo.pop()
        for nxt in sorted(graph.get(node, ())):
            if nxt not in paths:
                paths[nxt] = paths[node] + [nxt]
                todo.append(nxt)
    del paths[start]
    return paths


def test_every_module_has_a_layer():
    unplaced = []
    for name in GRAPH:
        try:
            layer_of(name)
        except KeyError:
            unplaced.append(name)
    assert not unplaced, f"{unplaced}: place them in LAYERS"


@pytest.mark.parametrize("name", sorted(GRAPH))
def test_lower_layers_never_import_higher_ones(name):
    mine = layer_of(name)
    higher = sorted(f"{dep} ({LAYERS[layer_of(dep)][0]})" for dep in GRAPH[name]
                    if layer_of(dep) > mine)
    assert not higher, f"{name} ({LAYERS[mine][0]}) imports the higher {higher}"


@pytest.mark.parametrize("name", sorted(n for n in GRAPH if inside(n, CHECKS)))
def test_the_checks_import_only_themselves_and_the_shared_base(name):
    engine = {dep for dep in GRAPH[name] if not inside(dep, CHECKS) and dep not in SHARED}
    assert not engine, f"{name} imports {sorted(engine)}"
    assert not {dep for dep in GRAPH[name] if inside(dep, ISOLATION)}


@pytest.mark.parametrize("name", sorted(n for n in GRAPH if inside(n, ISOLATION)))
def test_isolation_reaches_nothing_but_itself_and_the_shared_base(name):
    """Not checks/, not course/, not the registry of assignments: not even through another
    module (notebooks.py imports the registry)."""
    beyond = {dep: path for dep, path in reachable(GRAPH, name).items()
              if not inside(dep, ISOLATION) and dep not in SHARED}
    assert not beyond, f"{name} reaches " + "; ".join(
        " -> ".join(path) for path in sorted(beyond.values()))


def test_the_layer_rules_catch_a_planted_violation():
    """The rules above hold on a graph where they are broken: so they can fail."""
    planted = {"backprop_lab.isolation.wire": {"backprop_lab.notebooks"},
               "backprop_lab.notebooks": {REGISTRY},
               "backprop_lab.checks.core": {"backprop_lab.isolation.wire"}}
    assert REGISTRY in reachable(planted, "backprop_lab.isolation.wire")
    assert layer_of("backprop_lab.notebooks") > layer_of("backprop_lab.isolation.wire")
    assert layer_of("backprop_lab.course.gradebook") > layer_of("backprop_lab.reports.lms")
    assert layer_of("backprop_lab.reports.report") > layer_of("backprop_lab.grading")
    assert layer_of("backprop_lab.checks.rnn") == layer_of(CHECKS)


@pytest.mark.parametrize("name", sorted(RUNTIME))
def test_the_child_runtime_imports_only_itself(name):
    assert name in GRAPH, f"{name} is gone: update RUNTIME"
    foreign = GRAPH[name] - RUNTIME - {IMPORT_NAME}
    assert not foreign, f"{name} imports {sorted(foreign)}"


def test_every_subpackage_is_in_the_distribution():
    """pyproject.toml lists the packages by import name (their folder is autograder/): a new
    subpackage left out of that list would be missing from the wheel."""
    try:
        import tomllib
    except ModuleNotFoundError:   # Python 3.10
        import tomli as tomllib
    config = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8"))
    setuptools = config["tool"]["setuptools"]
    assert setuptools["package-dir"] == {IMPORT_NAME: "autograder"}
    folders = {module_name(p) for p in PACKAGE.rglob("__init__.py")}
    assert IMPORT_NAME in folders and len(folders) > 1
    assert set(setuptools["packages"]) == folders
