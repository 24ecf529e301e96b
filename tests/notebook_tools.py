"""Load a source notebook's code in-process, to test checks against right and wrong code."""
from __future__ import annotations

from pathlib import Path

from autograder.notebooks import GIVEN, SOLUTION, read_notebook

ROOT = Path(__file__).resolve().parents[1]


def source_notebook(assignment: str):
    return read_notebook(ROOT / "source" / assignment / f"{assignment}.ipynb")


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
