"""The complex step earns nothing: the grader reads the submitted cells (issue 21, item 1).

Im f(x + ih) / h with h = 1e-30 is exact and, over an elementwise forward, one forward pass:
no exactness probe or efficiency test can tell it from backprop. The grader reads the code a
graded backward pass reaches in the submitted notebook, in its own process before any test
(autograder/checks/complex_scan.py, grading.refused_functions), and every test of a function
that computes with complex numbers, or hides the names it uses, fails with one plain message
naming the line. Here: every complex-step cell of tests/numerical_attacks.py and every
obfuscation an attacker would try after reading the scan is refused; every honest backward
pass (the worked solutions, bench/catalogue_correct.py, tests/honest_variants.py) is not;
and the CLI and the pytest plugin both zero the function's tests and keep the others.
"""
from __future__ import annotations

import json
import re
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from backprop_lab.checks.complex_scan import findings, is_complex_dtype_text
from backprop_lab.grading import refused_functions
from backprop_lab.notebooks import OTHER, SOLUTION, Cell, Notebook, make_plan, read_notebook
from conftest import ROOT, cli_grade, notebook
from honest_variants import VARIANTS
from numerical_attacks import APPEND, COMPLEX_CELLS, OBFUSCATED, SPECS

sys.path.insert(0, str(ROOT / "bench"))
from catalogue_correct import CORRECT  # noqa: E402

ASSIGNMENT_OF = {f: a for a, fns in SPECS.items() for f in fns}
INTERNALS = re.compile(r"complex_scan|backprop_lab|autograder|Finding|Traceback|"
                       r"\.py\b|PROBES|refused", re.IGNORECASE)


def source(assignment: str) -> Notebook:
    return read_notebook(notebook("source", assignment))


def submission(assignment: str, function: str, cell: str, helpers=()) -> Notebook:
    """The worked notebook with `function`'s answer cell replaced by `cell`, and `helpers`
    (cells of the student's own) just before it; a helper `#append: NAME` is added to the
    end of NAME's answer cell instead (code there runs as the cell loads)."""
    append = {h.split("\n", 1)[0][len(APPEND):].strip(): h.split("\n", 1)[1]
              for h in helpers if h.startswith(APPEND)}
    cells = []
    for c in source(assignment).cells:
        if c.kind == SOLUTION and c.grade_id == function:
            cells += [Cell(OTHER, "", h) for h in helpers if not h.startswith(APPEND)]
            c = replace(c, source=cell)
        if c.kind == SOLUTION and c.grade_id in append:
            c = replace(c, source=c.source + "\n" + append[c.grade_id])
        cells.append(c)
    return Notebook(path=Path(f"{assignment}.ipynb"), cells=tuple(cells))


def refused(assignment, function, cell, helpers=()) -> dict[str, str]:
    trusted = source(assignment)
    return refused_functions(make_plan(trusted, submission(assignment, function, cell,
                                                           helpers)))


# ---------------------------------------------------------------- attacks

@pytest.mark.parametrize("function", sorted(COMPLEX_CELLS))
def test_a_complex_step_cell_is_refused_with_the_line(function):
    cell = COMPLEX_CELLS[function]
    found = refused(ASSIGNMENT_OF[function], function, cell)
    # and every function that calls it (lstm_backward calls lstm_step_backward)
    callers = {c.grade_id for c in source(ASSIGNMENT_OF[function]).of_kind(SOLUTION)
               if c.grade_id != function and re.search(rf"(?<!\w){function}\(", c.source)}
    assert set(found) == {function} | callers, found
    line = next(i for i, text in enumerate(cell.splitlines(), 1) if "1j" in text or
                "e-30j" in text)
    text = found[function]
    assert text.startswith(f"`{function}` computes with complex numbers (line {line}:"), text
    assert "the complex step is numerical differentiation" in text
    assert "this exercise asks for the chain rule" in text
    assert not INTERNALS.search(text), text


@pytest.mark.parametrize("label", sorted(OBFUSCATED))
def test_every_obfuscation_of_the_complex_step_is_refused(label):
    cell, *helpers = OBFUSCATED[label]
    found = refused("relu", "relu_backward", cell, helpers)
    # code that patches numpy as a cell loads costs every backward pass it reaches
    assert "relu_backward" in found and set(found) <= {
        "relu_backward", "leaky_relu_backward", "prelu_backward"}, (label, found)
    assert re.match(r"`relu_backward` (computes with complex numbers|computes with a number "
                    r"type of its own|reaches code in a way the grader cannot read|raises a "
                    r"number to a power that is not a whole number) \(line \d+",
                    found["relu_backward"]), found
    assert not INTERNALS.search(found["relu_backward"]), found


def test_a_helper_cell_is_named_where_the_complex_number_is():
    cell, helper = OBFUSCATED["a helper in another cell"]
    text = refused("relu", "relu_backward", cell, [helper])["relu_backward"]
    assert "(line 4 of your cell defining `np`, `_step`: `1e-30j`)" in text, text


@pytest.mark.parametrize("spec,complex_", [
    ("D", True), ("F", True), ("G", True), ("c8", True), ("c16", True), ("<c16", True),
    ("complex128", True), ("complex", True), ("cdouble", True), ("f8,c16", True),
    ("(2,)c16", True), ("d", False), ("f", False), ("float64", False), ("c", True),
    ("C", False), ("nh,dh->nd", False), ("ij", False), ("W1", False), ("b1", False),
    ("dd->D", True), ("D->D", True), ("dd->d", False),
])
def test_complex_dtype_strings_are_recognised(spec, complex_):
    # 'c' alone is numpy's S1 character code, a string: refusing it costs nothing honest
    assert is_complex_dtype_text(spec) is complex_


def test_each_obfuscation_would_compute_a_complex_number_or_hide_a_name():
    """The list is of working attacks, not of strings: the core of each, run, gives a complex
    number (those that hide a name are listed apart)."""
    import cmath  # noqa: F401  (what an eval'd string may name)

    import numpy as np
    cores = {
        "np.sqrt of a negative 'D' array": "np.sqrt(-np.ones(1, 'D'))[0]",
        "np.fft gives i": "np.fft.fft([0.0, 0.0, 0.0, 1.0])[1] * -1",
        "Python's (-1) ** 0.5": "(-1.0) ** 0.5",
        "pow(-1, 0.5)": "pow(-1, 0.5)",
        "astype('F')": "np.sqrt(-np.ones(2).astype('F'))[0]",
        "dtype made at run time": "np.sqrt(np.full(2, -1.0, dtype='d'.upper()))[0]",
        "dtype from chr()": "np.sqrt(-np.ones(2, chr(68)))[0]",
        "np.emath.sqrt(-1)": "np.emath.sqrt(-1)",
        "np.roots of x^2 + 1": "np.roots([1.0, 0.0, 1.0])[0]",
        "np.linalg.eigvals of a rotation": "np.linalg.eigvals(np.array([[0., -1.], [1., 0.]]))[0]",
        "eval of a string": "eval('1' + 'j')",
        "ast.literal_eval of a string": "__import__('ast').literal_eval('1' + 'j')",
        "scipy.linalg.sqrtm of a negative":
            "__import__('scipy.linalg').linalg.sqrtm(-np.eye(1))[0, 0]",
        "operator.ipow": "__import__('operator').ipow(-1.0, 0.5)",
        "an array of Python objects": "np.power(np.array([-1.0], dtype=object), 0.5)[0]",
        "a ufunc loop signature": "np.sqrt(np.array([-1.0]), signature='D->D')[0]",
        "view as complex": "np.array([0.0, 1.0]).view('c16')[0]",
    }
    for label, expr in cores.items():
        assert label in OBFUSCATED
        value = eval(expr)
        assert abs(complex(value).imag) > 0.5, (label, value)


# ---------------------------------------------------------------- honest code

def _honest_sources():
    params = []
    for entry in CORRECT:
        params.append(pytest.param(entry["assignment"], entry["function"], entry["source"],
                                   id=f"catalogue-{entry['id']}"))
    for function, variants in VARIANTS.items():
        for label, text in variants.items():
            params.append(pytest.param(ASSIGNMENT_OF[function], function, text,
                                       id=f"variant-{function}-{label}"))
    return params


@pytest.mark.parametrize("assignment,function,text", _honest_sources())
def test_an_honest_backward_pass_is_never_refused(assignment, function, text):
    assert refused(assignment, function, text) == {}


@pytest.mark.parametrize("assignment", sorted(SPECS))
def test_the_worked_solutions_and_the_student_copies_are_never_refused(assignment):
    trusted = source(assignment)
    assert refused_functions(make_plan(trusted, trusted)) == {}
    student = read_notebook(notebook("assignments", assignment))
    assert refused_functions(make_plan(trusted, student)) == {}


def test_a_function_that_is_not_a_backward_pass_may_use_complex_numbers():
    """spectral_radius needs eigenvalues (complex); a numerical gradient checker may use the
    complex step. Neither costs a backward pass that does not call it, and a backward pass
    that calls the checker loses its points."""
    checker = ("def numerical_gradient(f, x, h=1e-5):\n"
               "    g = np.zeros(x.shape)\n"
               "    for i in np.ndindex(x.shape):\n"
               "        z = x.astype(complex)\n"
               "        z[i] += 1e-30j\n"
               "        g[i] = np.imag(f(z)) / 1e-30\n"
               "    return g\n")
    assert refused("staged", "numerical_gradient", checker) == {}
    assert refused("rnn", "spectral_radius",
                   "def spectral_radius(W):\n    e = np.linalg.eigvals(W)\n"
                   "    return float(np.max(np.sqrt(e.real ** 2 + e.imag ** 2)))\n") == {}
    calling = ("def add_backward(dout, x, y):\n"
               "    gx = numerical_gradient(lambda v: np.sum((v + y) * dout), x.copy())\n"
               "    return gx, dout * 1.0\n")
    nb = submission("staged", "numerical_gradient", checker)
    cells = [replace(c, source=calling) if c.grade_id == "add_backward" else c
             for c in nb.cells]
    found = refused_functions(make_plan(source("staged"), replace(nb, cells=tuple(cells))))
    assert list(found) == ["add_backward"]
    assert "(line 4 of your cell `numerical_gradient`: `complex`)" in found["add_backward"], found


def test_an_experiment_left_at_the_end_of_an_answer_cell_costs_nothing():
    cell = source("rnn").cells
    radius = next(c for c in cell if c.grade_id == "spectral_radius")
    plan = make_plan(source("rnn"), replace(source("rnn"), cells=tuple(
        replace(c, source=c.source + "\nprint(spectral_radius(np.eye(3) * 1j))\n")
        if c is radius else c for c in cell)))
    assert refused_functions(plan) == {}


def test_a_later_cell_that_patches_numpy_is_read_for_every_backward_pass():
    """Code that runs as a cell loads and changes what others see (np.maximum = f) is read
    for every backward pass; a helper cell that does something is not run at all."""
    cell, patch = OBFUSCATED["np.maximum patched by another cell"]
    nb = submission("relu", "dead_neuron_fraction", "", [patch])
    found = refused_functions(make_plan(source("relu"), nb))
    assert set(found) == {"relu_backward", "leaky_relu_backward", "prelu_backward"}, found
    left_out = submission("relu", "relu_backward", cell, [patch.split("\n", 1)[1]])
    plan = make_plan(source("relu"), left_out)
    assert not [s for _, s in plan.child_cells if "np.maximum = " in s]


def test_findings_read_nothing_but_the_student_s_cells():
    """The scan reads the cells it is given, by their labels; the given cells are the
    grader's (a complex number there would cost no student anything)."""
    cells = [("your cell `relu_backward`", "def relu_backward(dout, cache):\n"
              "    return dout * (cache > 0)\n")]
    assert findings(cells, ["relu_backward"]) == {}


# ---------------------------------------------------------------- where the grader grades

def _write_attack(folder: Path, assignment: str, function: str, cell: str) -> Path:
    nb = json.loads(notebook("source", assignment).read_text())
    for raw in nb["cells"]:
        if (raw.get("metadata", {}).get("nbgrader") or {}).get("grade_id") == function:
            raw["source"] = cell
    path = folder / "submitted" / "mallory" / assignment / f"{assignment}.ipynb"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(nb))
    return path


def test_the_cli_gives_the_complex_step_nothing_and_keeps_every_other_point(tmp_path):
    path = _write_attack(tmp_path, "relu", "relu_backward", COMPLEX_CELLS["relu_backward"])
    [result] = cli_grade(path)
    mine = [t for t in result["tests"] if t["name"].startswith("test_relu_backward")]
    others = [t for t in result["tests"] if t not in mine]
    assert mine and all(t["score"] == 0 and t["status"] == "failed" for t in mine), mine
    assert all("`relu_backward` computes with complex numbers (line 4:" in t["output"]
               for t in mine), mine[0]["output"]
    assert all(t["causes"] == ["relu.numerical_differentiation"] for t in mine)
    assert all(t["score"] == t["max_score"] for t in others), \
        [(t["name"], t["output"][:200]) for t in others if t["score"] != t["max_score"]]


pytest_plugins = ["pytester"]


def test_the_pytest_plugin_gives_the_complex_step_nothing(pytester, tmp_path):
    path = _write_attack(tmp_path, "staged", "mul_backward", COMPLEX_CELLS["mul_backward"])
    (pytester.path / "grader").mkdir()
    for name in ("__init__.py", "pytest_plugin.py"):
        (pytester.path / "grader" / name).write_text("")
    result = pytester.runpytest("grader", "--submission", str(path), "--hidden", "--course",
                                str(ROOT), "-p", "no:cacheprovider", "-rA")
    out = result.stdout.str()
    failed = {line.split("::")[1].split()[0] for line in result.outlines
              if line.startswith("FAILED ") and "::" in line}
    assert failed and all(name.startswith("test_mul_backward") for name in failed), out[-3000:]
    assert "`mul_backward` computes with complex numbers (line 4:" in out


# ---------------------------------------------------------------- nbgrader: the student's kernel

def kernel(assignment: str, replace_cells: dict[str, str] | None = None) -> dict:
    """The notebook run as a Jupyter kernel runs it: each cell compiled under its own file
    name, its lines kept in linecache (as IPython does), given and answer cells in order."""
    import linecache

    ns: dict = {"__name__": "__main__"}
    for n, cell in enumerate(source(assignment).cells):
        if cell.kind not in ("given", SOLUTION):
            continue
        text = (replace_cells or {}).get(cell.grade_id, cell.source)
        name = f"<ipython-input-{n}-{abs(hash(text)) % 10 ** 8}>"
        linecache.cache[name] = (len(text), None, text.splitlines(True), name)
        exec(compile(text, name, "exec"), ns)
    return ns


def kernel_points(assignment: str, ns: dict, function: str) -> tuple[float, float, str]:
    from backprop_lab.checks.core import CheckFailure, StudentCodeError
    from notebook_tools import cells_for
    earned = total = 0.0
    said = ""
    for cell in cells_for(assignment, function):
        total += cell.points
        try:
            exec(compile(cell.source, f"<{cell.grade_id}>", "exec"), dict(ns))
            earned += cell.points
        except (CheckFailure, StudentCodeError) as exc:
            said = said or str(exc)
    return earned, total, said


@pytest.mark.parametrize("function", sorted(COMPLEX_CELLS))
def test_in_the_kernel_the_complex_step_loses_its_points(function, monkeypatch):
    """nbgrader runs the test cells in the student's kernel: the checks read the function's
    source there through inspect (the kernel is the student's, so this holds only as far as
    the notebook does not tamper with the check library; the CLI reads the notebook)."""
    from backprop_lab.checks import core
    monkeypatch.setattr(core, "EFFICIENCY_CAP", 30.0)
    assignment = ASSIGNMENT_OF[function]
    ns = kernel(assignment, {function: COMPLEX_CELLS[function]})
    earned, total, said = kernel_points(assignment, ns, function)
    assert earned == 0, (earned, total)
    assert f"`{function}` computes with complex numbers (line " in said, said


@pytest.mark.parametrize("assignment", sorted(SPECS))
def test_in_the_kernel_the_worked_solutions_keep_every_point(assignment, monkeypatch):
    from backprop_lab.checks import core
    monkeypatch.setattr(core, "EFFICIENCY_CAP", 30.0)
    ns = kernel(assignment)
    for function in SPECS[assignment]:
        earned, total, said = kernel_points(assignment, ns, function)
        assert earned == total, (function, said)


def test_a_power_that_is_not_whole_is_named_as_such_and_whole_powers_are_honest():
    cell = ("def mul_backward(dout, x, y):\n"
            "    i = (-1.0) ** 0.5\n"
            "    return dout * ((x + 1e-30 * i) * y).imag / 1e-30, dout * x\n")
    text = refused("staged", "mul_backward", cell)["mul_backward"]
    assert text.startswith("`mul_backward` raises a number to a power that is not a whole "
                           "number (line 2: `**`)"), text
    honest = ("def mul_backward(dout, x, y):\n"
              "    return dout * y ** 1 * (x ** 2.0) ** -1 * x ** 2, dout * x\n")
    assert refused("staged", "mul_backward", honest) == {}
