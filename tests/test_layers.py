"""The package's layers, read from its import statements (with `ast`, nothing imported).

Every `import` counts, also one inside a function: a deferred import hides a cycle, it does
not remove it. The rules (docs/AUTHORING.md, /work/shared/DESIGN.md):
- the modules of autograder/ import each other without a cycle;
- nothing imports cli.py (argument parsing only) but `python -m backprop_lab` (__main__.py);
- the checks import nothing of the engine (only each other and the child's plain runtime);
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
           "backprop_lab.probes", "backprop_lab.text", "backprop_lab.isolation.zygote"}
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


@pytest.mark.parametrize("name", sorted(n for n in GRAPH if n.startswith("backprop_lab.checks")))
def test_the_checks_import_nothing_of_the_engine(name):
    engine = {dep for dep in GRAPH[name]
              if not dep.startswith("backprop_lab.checks") and dep not in RUNTIME}
    assert not engine, f"{name} imports {sorted(engine)}"


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
