"""The worked solutions pass every test cell of their notebook, hidden ones included, run as
Jupyter and nbgrader run them: in the notebook's own process, on the real functions."""
from __future__ import annotations

import functools

import pytest

from backprop_lab.assignments import ASSIGNMENTS
from backprop_lab.notebooks import TEST, read_notebook
from conftest import notebook


SOURCE_TESTS = [(a, cell) for a in ASSIGNMENTS
                for cell in read_notebook(notebook("source", a)).of_kind(TEST)]


@pytest.mark.parametrize("assignment,cell", SOURCE_TESTS,
                         ids=[f"{a}::{cell.grade_id}" for a, cell in SOURCE_TESTS])
def test_the_worked_solution_passes_every_test_cell_as_the_notebook_runs_it(assignment, cell):
    """In the notebook's own process (Jupyter, nbgrader), on the real functions, hidden tests
    included: what nbgrader's full marks rest on."""
    from notebook_tools import run_test_cell
    run_test_cell(_solved(assignment), cell)   # a failing check raises


@functools.lru_cache(maxsize=None)
def _solved(assignment: str) -> dict:
    """The given cells and worked solutions of `assignment`, run once (each test cell runs
    in a copy of it)."""
    from notebook_tools import solution_namespace
    return solution_namespace(assignment)
