"""Load a source notebook's code in-process, to test checks against right and wrong code."""
from __future__ import annotations

from backprop_lab.notebooks import GIVEN, SOLUTION, TEST, Cell, read_notebook
from conftest import ROOT, notebook  # noqa: F401  (ROOT: for the checks tests)


def source_notebook(assignment: str):
    return read_notebook(notebook("source", assignment))


def given_namespace(assignment: str) -> dict:
    """What the given cells of the source notebook define (forward passes, helpers)."""
    ns: dict = {"__name__": "__main__"}
    for cell in source_notebook(assignment).of_kind(GIVEN):
        exec(compile(cell.source, f"<given {cell.grade_id}>", "exec"), ns)
    return ns


def solution_namespace(assignment: str) -> dict:
    """The given cells and the worked solutions, run in notebook order."""
    ns: dict = {"__name__": "__main__"}
    for cell in source_notebook(assignment).cells:
        if cell.kind in (GIVEN, SOLUTION):
            exec(compile(cell.source, f"<{cell.kind} {cell.grade_id}>", "exec"), ns)
    return ns


def source_test_cells(assignment: str) -> dict[str, Cell]:
    """The source notebook's test cells (hidden ones included), by grade_id."""
    return {cell.grade_id: cell for cell in source_notebook(assignment).of_kind(TEST)}


def cells_for(assignment: str, function: str) -> list[Cell]:
    """The test cells (public and hidden) that grade one function."""
    return [c for c in source_notebook(assignment).of_kind(TEST)
            if c.grade_id == f"test_{function}" or c.grade_id.startswith(f"test_{function}_")]


def run_test_cell(namespace: dict, cell: Cell, **replace) -> None:
    """Run a test cell in a copy of `namespace` with some names replaced; a failure raises."""
    env = dict(namespace)
    env.update(replace)
    exec(compile(cell.source, f"<{cell.grade_id}>", "exec"), env)
