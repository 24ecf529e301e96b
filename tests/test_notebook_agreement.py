"""The notebook and the grader agree: what passes in Jupyter passes when graded.

Helpers in cells of the student's own, the time limit's message, and (in the kit) a
notebook that was run but not saved."""
from __future__ import annotations

import functools
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell

from backprop_lab.grading import Settings, grade_notebook
from backprop_lab.notebooks import make_plan, read_notebook, trusted_path
from backprop_lab.isolation.student_process import Limits
from conftest import concurrently

ROOT = Path(__file__).resolve().parents[1]


def _solutions(assignment: str = "relu"):
    return nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)


def _index(nb, grade_id: str) -> int:
    return next(i for i, c in enumerate(nb.cells)
                if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id)


def _grade(nb, tmp_path, timeout: float = 5.0, name: str = "relu"):
    path = tmp_path / f"{name}.ipynb"
    nbformat.write(nb, path)
    result = grade_notebook(path, Settings(course=ROOT, limits=Limits(timeout=timeout)))
    return result, {t.name: t for t in result.tests}


USES_HELPER = "def relu_backward(dout, cache):\n    return _gate(dout, cache)\n"
HELPER = ("import numpy as np\n\nTHRESHOLD = 0.0\n\n\n"
          "def _gate(dout, a, threshold=THRESHOLD):\n"
          "    \"\"\"dout where the unit was on.\"\"\"\n"
          "    return np.where(a > threshold, dout, 0.0)\n")


@pytest.mark.parametrize("where", ["after", "before", "end"])
def test_a_helper_in_a_cell_of_its_own_is_graded_as_the_notebook_runs_it(tmp_path, where):
    nb = _solutions()
    answer = _index(nb, "relu_backward")
    nb.cells[answer].source = USES_HELPER
    at = {"after": answer + 1, "before": answer, "end": len(nb.cells)}[where]
    nb.cells.insert(at, new_code_cell(HELPER))
    result, tests = _grade(nb, tmp_path)
    assert tests["test_relu_backward"].status == "passed", tests["test_relu_backward"].output
    assert tests["test_relu_backward_dead"].status == "passed"
    assert result.score == result.max_score


def test_the_notebooks_own_cells_are_not_run_as_helpers():
    """Experiment cells (no nbgrader metadata, the same as in the released notebook) stay
    out of the child, whatever they define."""
    for assignment in ("relu", "softmax", "lstm"):
        trusted = read_notebook(trusted_path(ROOT, assignment, False))
        plan = make_plan(trusted, read_notebook(ROOT / "solutions" / assignment /
                                                f"{assignment}.ipynb"))
        assert not [label for label, _ in plan.child_cells if "defining" in label], assignment


@pytest.mark.parametrize("cell, why", [
    (HELPER + "\nprint(_gate(np.ones(2), np.ones(2)))\n", "line 10 is not a definition (`print(_gate"),
    (HELPER + "\nSCALE = np.sqrt(2.0)\n", "line 10 is not a definition (`SCALE = np.sqrt"),
    (HELPER.replace("def _gate", "def relu_forward(a):\n    return a, a\n\n\ndef _gate"),
     "it redefines `relu_forward`"),
])
def test_a_helper_cell_that_does_more_is_left_out_and_the_message_says_why(tmp_path, cell, why):
    nb = _solutions()
    answer = _index(nb, "relu_backward")
    nb.cells[answer].source = USES_HELPER
    nb.cells.insert(answer + 1, new_code_cell(cell))
    result, tests = _grade(nb, tmp_path)
    out = tests["test_relu_backward"].output
    assert tests["test_relu_backward"].status == "failed"
    assert "`_gate`" in out and "renamed or deleted" not in out, out
    assert why in out, out
    assert "answer cell" in out or "gives or grades" in out, out
    assert any("`_gate`" in w and why in w for w in result.warnings), result.warnings
    # the other functions' tests are untouched
    assert tests["test_leaky_relu_backward"].status == "passed"


def test_a_helper_defined_nowhere_is_named(tmp_path):
    nb = _solutions()
    nb.cells[_index(nb, "relu_backward")].source = USES_HELPER
    _, tests = _grade(nb, tmp_path)
    out = tests["test_relu_backward"].output
    assert "no cell that grading runs defines `_gate`" in out and "renamed or deleted" not in out


def test_a_deleted_graded_function_is_still_called_renamed_or_deleted(tmp_path):
    nb = _solutions()
    nb.cells[_index(nb, "relu_backward")].source = "def relu_backward_v2(dout, cache):\n    pass\n"
    _, tests = _grade(nb, tmp_path)
    assert "renamed or deleted" in tests["test_relu_backward"].output


@pytest.mark.parametrize("source, shown", [
    ("def relu_backward(dout, cache):\n    return dout * (cache > 0\n",
     "its cell failed to run: SyntaxError"),
    ("def relu_backward_v2(dout, cache):\n    pass\n", "renamed or deleted"),
    ("relu_backward = 3\n", "is not a function"),
])
def test_a_function_that_is_not_there_is_not_said_to_have_raised(tmp_path, source, shown):
    """The graded function is missing (a syntax error in its cell, renamed, not a function):
    the message says so once, shows the student's line as written (no parenthesis of ours
    closing it), and claims no call: no `raised NameError`, no arguments it `received`."""
    nb = _solutions()
    nb.cells[_index(nb, "relu_backward")].source = source
    _, tests = _grade(nb, tmp_path)
    out = tests["test_relu_backward"].output
    assert shown in out, out
    assert "raised NameError" not in out and "received" not in out, out
    first = out.splitlines()[0]
    assert first.count("(") - first.count("'('") == first.count(")"), first
    if "SyntaxError" in shown:
        assert [line.strip() for line in out.splitlines()][-1] == "return dout * (cache > 0", out


# ---------------------------------------------------------------- the time limit's message

LOOPING = {   # a relu_backward that never returns -> the line its message must name
    "    t = 0\n    while t >= 0:\n        t += 1\n    return dout": "while t >= 0:",
    "    return _slow(dout)": "in _slow",
}


@pytest.fixture(scope="module")
def looping_graded(tmp_path_factory) -> dict:
    """Each LOOPING body graded at a 1 s limit, all side by side (threads: their time limits
    run out together), once for the module: body -> the graded tests."""
    def graded(body):
        nb = _solutions()
        answer = _index(nb, "relu_backward")
        nb.cells[answer].source = "def relu_backward(dout, cache):\n" + body + "\n"
        nb.cells.insert(answer + 1, new_code_cell(
            "def _slow(x):\n    total = 0\n    while True:\n        total += 1\n"))
        return _grade(nb, tmp_path_factory.mktemp("looping"), timeout=1.0)[1]
    return dict(zip(LOOPING, concurrently(*[functools.partial(graded, body)
                                            for body in LOOPING])))


@pytest.mark.parametrize("body, line", LOOPING.items())
def test_a_timeout_names_the_function_and_the_line_it_was_running(looping_graded, body, line):
    tests = looping_graded[body]   # graded side by side with the other case; judged here
    test = tests["test_relu_backward"]
    assert test.status == "timeout", test.output
    assert test.output.startswith("time limit exceeded (1 s): `relu_backward` had not returned")
    assert "It was running:" in test.output and line in test.output, test.output
    assert "relu_backward" in test.output.split("It was running:")[1]


# ---------------------------------------------------------------- a notebook run, not saved

KERNEL = r'''
import json, os, sys
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
for source in json.loads(sys.argv[1]):
    result = shell.run_cell(source)
    if not result.success:
        raise SystemExit(f"cell failed: {source[:60]!r}")
'''


def _run_in_a_kernel(tmp_path, cells: list[str], notebook: Path, runs: Path):
    """Run cells as Jupyter would for `notebook` (IPython, JPY_SESSION_NAME set), the
    check's record going to `runs`."""
    import json
    import os
    import subprocess
    import sys
    env = dict(os.environ, JPY_SESSION_NAME=str(notebook), BACKPROP_LAB_RUNS=str(runs))
    proc = subprocess.run([sys.executable, "-c", KERNEL, json.dumps(cells)], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def _relu_cells(nb, grade_ids):
    return [c.source for c in nb.cells if c.cell_type == "code" and
            c.metadata.get("nbgrader", {}).get("grade_id") in grade_ids]


@pytest.mark.parametrize("case", ["unsaved", "saved", "saved after the run"])
def test_a_notebook_run_but_not_saved_is_told(tmp_path, monkeypatch, case):
    """The student ran a working relu_backward (the test passed in the browser) and did not
    save: the file still holds the stub. Grading says the file differs from what ran; not when
    the saved version is the one that ran, nor when the file was saved after the run."""
    import os
    import time
    runs = tmp_path / "runs.json"
    monkeypatch.setenv("BACKPROP_LAB_RUNS", str(runs))
    released = nbformat.read(ROOT / "assignments/relu/relu.ipynb", as_version=4)
    solved = _solutions()
    path = tmp_path / "relu.ipynb"
    nbformat.write(solved if case == "saved" else released, path)
    old = time.time() - 600
    os.utime(path, (old, old))
    cells = _relu_cells(solved, {"given_imports", "given_relu_forward", "relu_backward",
                                 "test_relu_backward"})
    printed = _run_in_a_kernel(tmp_path, cells, path, runs)
    assert "passed" in printed and runs.is_file()
    if case == "saved after the run":
        os.utime(path, None)
    result = grade_notebook(path, Settings(course=ROOT))
    tests = {t.name: t for t in result.tests}
    out = tests["test_relu_backward"].output
    if case == "unsaved":
        assert "not implemented yet" in out
        assert "Not saved? Your notebook ran a different `relu_backward`" in out, out
        assert "save the notebook (Ctrl+S)" in out
        # only for the function that ran: the others were never run in the kernel
        assert "Not saved?" not in tests["test_leaky_relu_backward"].output
    elif case == "saved":
        assert tests["test_relu_backward"].status == "passed"
    else:
        assert "Not saved?" not in out


def test_a_helper_cell_that_fails_to_run_is_named_with_its_error(tmp_path):
    nb = _solutions()
    answer = _index(nb, "relu_backward")
    nb.cells[answer].source = USES_HELPER
    nb.cells.insert(answer + 1, new_code_cell("import not_a_module_anywhere\n" + HELPER))
    _, tests = _grade(nb, tmp_path)
    out = tests["test_relu_backward"].output
    assert "its cell failed to run: ModuleNotFoundError" in out, out
    assert "not_a_module_anywhere" in out
