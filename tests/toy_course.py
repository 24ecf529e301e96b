"""A tiny course on disk for testing the engine without the real assignments.

It borrows the id `staged` (the engine grades only known assignments) but has its own
functions and tests, so engine tests do not depend on the teaching notebooks.
"""
from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ASSIGNMENT = "staged"

GIVEN = "import numpy as np\n\ndef forward(x):\n    return 2.0 * x\n"

SOLUTIONS = {
    "double": "def double(x):\n    return 2.0 * x\n",
    "pair": "def pair(x):\n    return x.copy(), x.copy()\n",
    "scale_dict": "def scale_dict(d, k):\n    return {key: v * k for key, v in d.items()}\n",
}

TESTS = {
    "test_double": (2, "from backprop_lab.checks.core import call_and_check_inputs, expect_array, "
                       "expect_close\nx = np.arange(3.0)\ny = call_and_check_inputs(double, x)\n"
                       "expect_array('double', 'y', y, (3,))\n"
                       "expect_close('double', 'y', y, forward(x))\n"),
    "test_pair": (1, "from backprop_lab.checks.core import call_and_check_inputs, expect_new_arrays\n"
                     "x = np.ones(2)\na, b = call_and_check_inputs(pair, x)\n"
                     "expect_new_arrays('pair', {'a': a, 'b': b}, [x])\n"),
    "test_scale_dict": (1, "from backprop_lab.checks.core import call_and_check_inputs\n"
                           "out = call_and_check_inputs(scale_dict, {'w': np.ones(2)}, 3.0)\n"
                           "assert np.allclose(out['w'], 3.0), 'wrong values'\n"),
    "test_double_hidden": (1, "# more cases at grading time\n### BEGIN HIDDEN TESTS\n"
                              "assert np.allclose(double(np.ones(4)), 2.0)\n"
                              "### END HIDDEN TESTS\n"),
}


def _meta(**kw) -> dict:
    return {"nbgrader": {"schema_version": 3, **kw}}


def build(solutions: dict[str, str] | None = None, tests=TESTS, given: str = GIVEN):
    """A notebook with the given solution sources (default: correct ones)."""
    solutions = {**SOLUTIONS, **(solutions or {})}
    cells = [new_markdown_cell("# toy"),
             new_code_cell(given, metadata=_meta(grade=False, solution=False, locked=True,
                                                 grade_id="given_forward"))]
    for name, source in solutions.items():
        cells.append(new_code_cell(source, metadata=_meta(grade=False, solution=True,
                                                          locked=False, grade_id=name)))
        for test_id, (points, code) in tests.items():
            if test_id.startswith(f"test_{name}"):
                cells.append(new_code_cell(code, metadata=_meta(
                    grade=True, solution=False, locked=True, grade_id=test_id, points=points)))
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    return nb


def student_copy(nb):
    """What nbgrader would release: hidden tests stripped."""
    out = nbformat.from_dict(nb)
    for cell in out.cells:
        if "### BEGIN HIDDEN TESTS" in cell.source:
            cell.source = cell.source.split("### BEGIN HIDDEN TESTS")[0]
    return out


def make_course(root: Path) -> Path:
    """source/ and assignments/ copies of the toy assignment under `root`."""
    nb = build()
    for folder, copy in (("source", nb), ("assignments", student_copy(nb))):
        path = root / folder / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(copy, path)
    return root


def write_submission(root: Path, student: str, solutions: dict[str, str] | None = None,
                     nb=None) -> Path:
    path = root / "submitted" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb if nb is not None else build(solutions), path)
    return path
