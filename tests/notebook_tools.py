"""Load a source notebook's code in-process, to test checks against right and wrong code."""
from __future__ import annotations

from backprop_lab.checks.circuit import remember_source
from backprop_lab.notebooks import GIVEN, SOLUTION, TEST, Cell, read_notebook
from conftest import ROOT, notebook  # noqa: F401  (ROOT: for the checks tests)


def source_notebook(assignment: str):
    return read_notebook(notebook("source", assignment))


def given_namespace(assignment: str) -> dict:
    """What the given cells of the source notebook define (forward passes, helpers)."""
    ns: dict = {"__name__": "__main__"}
    for cell in source_notebook(assignment).of_kind(GIVEN):
        remember_source(cell.source, f"<given {cell.grade_id}>")
        exec(compile(cell.source, f"<given {cell.grade_id}>", "exec"), ns)
    return ns


def solution_namespace(assignment: str) -> dict:
    """The given cells and the worked solutions, run in notebook order."""
    ns: dict = {"__name__": "__main__"}
    for cell in source_notebook(assignment).cells:
        if cell.kind in (GIVEN, SOLUTION):
            remember_source(cell.source, f"<{cell.kind} {cell.grade_id}>")
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


class SourceCells:
    """One assignment's source notebook as the checks tests use it: its test cells by grade_id
    (hidden ones included) and the worked solutions. `run` runs one test cell on the worked
    solutions with some names replaced; `fails` expects every listed cell to fail."""

    def __init__(self, assignment: str):
        self.cells = source_test_cells(assignment)
        self.solutions = solution_namespace(assignment)

    def run(self, grade_id: str, **replacements) -> None:
        """Run one test cell on the worked solutions, some replaced; a failure raises."""
        run_test_cell(self.solutions, self.cells[grade_id], **replacements)

    def fails(self, grade_ids, match, **replacements) -> str:
        """Every listed cell fails with a CheckFailure whose message matches `match`; the
        last message."""
        import pytest

        from backprop_lab.checks.core import CheckFailure
        message = ""
        for grade_id in grade_ids:
            with pytest.raises(CheckFailure, match=match) as info:
                self.run(grade_id, **replacements)
            message = str(info.value)
        return message


def named(name: str):
    """Give a wrong implementation the graded function's name, as the messages use it."""
    def rename(fn):
        fn.__name__ = name
        return fn
    return rename


def efficiency_figures(module, namespace: dict, cell: Cell) -> list[tuple[str, float, float]]:
    """Run an efficiency test cell on the worked solutions and return, for each timed call,
    (function, seconds a numerical gradient needs at the least: one trusted forward pass per
    entry it perturbs, budget the check gives at this moment). `module`: the checks module
    whose `expect_efficient` the cell calls (spied on, then called as it is). Both are
    measured now: on a loaded machine the budget's calibration loop may stretch more than
    the forward pass (the check itself measures again before it fails a call)."""
    from unittest import mock

    from backprop_lab.checks import core
    real, figures = module.expect_efficient, []

    def spy(fn_name, fn, args, *, loop_steps, forward, parameters, size, helpers=()):
        figures.append((fn_name, parameters * core.forward_seconds(forward),
                        core.efficiency_budget(loop_steps)[0]))
        return real(fn_name, fn, args, loop_steps=loop_steps, forward=forward,
                    parameters=parameters, size=size, helpers=helpers)
    with mock.patch.object(module, "expect_efficient", spy):
        run_test_cell(namespace, cell)
    return figures


def efficiency_margins(module, namespace: dict, cell: Cell, function: str,
                       tries: int = 3) -> list[float]:
    """`function`'s least numerical cost over its budget (efficiency_figures), measured
    `tries` times: the check itself measures again before it fails a call."""
    margins = []
    for _ in range(tries):
        [(name, numerical, budget)] = efficiency_figures(module, namespace, cell)
        assert name == function, name
        margins.append(numerical / budget)
    return margins
