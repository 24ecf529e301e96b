"""Predict-then-run questions that ask for a number are graded (issue 24, item 4).

Every assignment asks for at least one number before an experiment shows it: a solution cell
`predict_<what>()` returning the student's guess, and one public test cell of 1 point. The
worked prediction passes; a guess far off fails and only then names the measured value; an
unanswered prediction says "not implemented yet" and names nothing; the released notebook
holds neither the answer nor the value.
"""
from __future__ import annotations

import re

import pytest

from backprop_lab.assignments import ASSIGNMENTS
from backprop_lab.checks.core import CheckFailure, StudentCodeError
from backprop_lab.notebooks import SOLUTION
from conftest import notebook
from notebook_tools import cells_for, run_test_cell, solution_namespace, source_notebook


def predictions():
    return [(a, c.grade_id) for a in ASSIGNMENTS for c in source_notebook(a).of_kind(SOLUTION)
            if c.grade_id.startswith("predict_")]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_assignment_asks_for_a_graded_number(assignment):
    assert any(a == assignment for a, _ in predictions())


def _measured(ns, fn, cell) -> float:
    """The measured value, as the check names it for a guess far off."""
    with pytest.raises(CheckFailure) as failure:
        run_test_cell(ns, cell, **{fn: lambda: -1e9})
    found = re.search(r"The experiment measures (\S+) \(", str(failure.value))
    assert found, str(failure.value)
    return float(found.group(1))


@pytest.mark.parametrize("assignment,fn", predictions())
def test_a_prediction_is_graded_within_its_tolerance(assignment, fn):
    ns = solution_namespace(assignment)
    [cell] = cells_for(assignment, fn)
    assert cell.points == 1
    run_test_cell(ns, cell)                                  # the worked prediction passes
    measured = _measured(ns, fn, cell)
    assert measured != 0
    for wrong in (-measured, 25 * measured, measured / 25):  # sign or size far off
        with pytest.raises(CheckFailure, match=r"is off\. The experiment measures"):
            run_test_cell(ns, cell, **{fn: lambda wrong=wrong: wrong})
    run_test_cell(ns, cell, **{fn: lambda: measured})       # the value itself passes


@pytest.mark.parametrize("assignment,fn", predictions())
def test_no_value_before_a_prediction_is_recorded(assignment, fn):
    ns = solution_namespace(assignment)
    [cell] = cells_for(assignment, fn)
    measured = _measured(ns, fn, cell)

    def unanswered():
        raise NotImplementedError()
    unanswered.__name__ = fn
    with pytest.raises(StudentCodeError, match="not implemented yet") as failure:
        run_test_cell(ns, cell, **{fn: unanswered})
    assert f"{measured:.4g}" not in str(failure.value)
    with pytest.raises(CheckFailure, match="must be a number") as failure:
        run_test_cell(ns, cell, **{fn: lambda: "a lot"})     # not a number: no value either
    assert f"{measured:.4g}" not in str(failure.value)


@pytest.mark.parametrize("assignment,fn", predictions())
def test_the_released_notebook_holds_no_answer(assignment, fn):
    """Neither the answer nor the measured value appears in the student's copy before the
    experiment that shows it (the prose after it may discuss the result)."""
    import json
    ns = solution_namespace(assignment)
    [cell] = cells_for(assignment, fn)
    measured = _measured(ns, fn, cell)
    answer = repr(float(ns[fn]()))
    cells = json.loads(notebook("assignments", assignment).read_text(encoding="utf-8"))["cells"]
    sources = ["".join(c["source"]) for c in cells]
    at = next(i for i, c in enumerate(cells)
              if c["metadata"].get("nbgrader", {}).get("grade_id") == f"test_{fn}")
    solution = next(s for s in sources if s.startswith(f"def {fn}("))
    assert "NotImplementedError" in solution and answer not in solution
    before = "\n".join(sources[:at + 1])
    for shown in {f"{measured:.4g}", f"{measured:.3g}", f"{measured:.2g}"}:
        assert not re.search(rf"(?<![\d.]){re.escape(shown)}(?![\d])", before), shown
