"""No graded backward pass earns points when it is computed numerically (issue 21, item 1).

For every graded backward pass of every assignment, each numerical stand-in of
tests/numerical_attacks.py (centered differences with the usual step, a scaled step and a
fourth-order stencil, and the complex step; looping over the entries or vectorised over an
elementwise forward; through the given forward or a formula typed inline) runs through every
test cell of that function (public and hidden, from the source notebook) and must lose its
points: all of them (every check of a backward pass asks for chain-rule exactness, and
reads the source of the function for the complex step: the complex step over an elementwise
function is exact and as cheap as backprop, so only its source tells; here, in-process as in
nbgrader's kernel, through inspect; the grader reads the notebook itself, see
tests/test_complex_step.py).

The honest variants of tests/honest_variants.py (and the worked solutions run on copies of
their inputs) must keep every point of every test cell of their function.
"""
from __future__ import annotations

import copy
import functools
from unittest import mock

import numpy as np
import pytest

from backprop_lab.checks import core
from backprop_lab.checks.core import CheckFailure, StudentCodeError
from honest_variants import VARIANTS
from notebook_tools import cells_for, solution_namespace
from numerical_attacks import ELEMENTWISE, SPECS, attacks_for

FUNCTIONS = [(a, f) for a, fns in SPECS.items() for f in fns]
EFFICIENCY_CELLS = {f: f"test_{f}_efficiency" for _, f in FUNCTIONS}


@functools.lru_cache(maxsize=None)
def namespace(assignment: str) -> dict:
    return solution_namespace(assignment)


def cells(assignment, function):
    found = cells_for(assignment, function)
    assert found, function
    return found


def run(ns: dict, cell, **replace) -> bool:
    """True when the test cell passes with `replace` in the namespace."""
    env = dict(ns)
    env.update(replace)
    try:
        exec(compile(cell.source, f"<{cell.grade_id}>", "exec"), env)
    except (CheckFailure, StudentCodeError):
        return False
    return True


def score(assignment, function, fn) -> tuple[float, float, list[str]]:
    """(points earned, points of the function, the cells passed) with `fn` as `function`."""
    ns = dict(namespace(assignment))
    ns[function] = fn
    earned, total, passed = 0.0, 0.0, []
    for cell in cells(assignment, function):
        total += cell.points
        if run(ns, cell, **{function: fn}):
            earned += cell.points
            passed.append(cell.grade_id)
    return earned, total, passed


@pytest.fixture(autouse=True)
def quick_limits(monkeypatch):
    """A numerical pass at the efficiency tests' sizes would run for minutes: the budget's
    budget is capped at 0.3 s here, so the stop (3x the budget) comes within a second."""
    monkeypatch.setattr(core, "EFFICIENCY_CAP", 0.3)


def _attack_params():
    params = []
    for assignment, function in FUNCTIONS:
        for label, _ in attacks_for(assignment, function, {}):
            params.append(pytest.param(assignment, function, label,
                                       id=f"{function}-{label}"))
    return params


_ATTACK_RUNS: dict = {}

# The stand-ins' own cap: every stand-in needs 8 s or more at the efficiency tests' sizes
# (their messages: "about 8 s here" for the cheapest, 2 forward passes per parameter), so a
# stop at 3 x 0.1 s is 25 times short of any of them, as the stop at 3 x 0.3 s (quick_limits)
# was 9 times short: the same verdict ("was stopped"), 0.6 s sooner on each of the 40
# efficiency cells. The worked solutions and the close analytic answers keep quick_limits'
# 0.3 s or more: they must finish within the budget.
STAND_IN_CAP = 0.1


def attack_run(assignment, function, label) -> dict:
    """grade_id -> (points, None if the cell passed, else the message and cause ids of its
    CheckFailure, or STUDENT_ERROR) for the stand-in `label` through every test cell of
    `function`. Each cell is graded once and the record shared by the two tests below that
    judge it (the same verdicts; the attack differentiating a long sequence entry by entry
    is most of this file's time)."""
    key = (assignment, function, label)
    if key not in _ATTACK_RUNS:
        fn = dict(attacks_for(assignment, function, namespace(assignment)))[label]
        out = {}
        for cell in cells(assignment, function):
            env = dict(namespace(assignment))
            env[function] = fn
            try:
                with np.errstate(all="ignore"), \
                        mock.patch.object(core, "EFFICIENCY_CAP", STAND_IN_CAP):
                    exec(compile(cell.source, f"<{cell.grade_id}>", "exec"), env)
                out[cell.grade_id] = (cell.points, None)
            except CheckFailure as failure:
                out[cell.grade_id] = (cell.points, (str(failure), list(failure.cause_ids)))
            except StudentCodeError:
                out[cell.grade_id] = (cell.points, STUDENT_ERROR)
        _ATTACK_RUNS[key] = out
    return _ATTACK_RUNS[key]


STUDENT_ERROR = "the stand-in raised"


@pytest.mark.parametrize("assignment,function,label", _attack_params())
def test_a_numerical_backward_pass_loses_the_points_of_its_function(assignment, function,
                                                                     label):
    graded = attack_run(assignment, function, label)
    passed = [grade_id for grade_id, (_, failed) in graded.items() if failed is None]
    earned = sum(graded[grade_id][0] for grade_id in passed)
    total = sum(points for points, _ in graded.values())
    assert earned == 0, f"{label} earned {earned}/{total}: {passed}"


def failures(assignment, function, fn) -> dict:
    """grade_id -> the CheckFailure of each test cell of `function` that `fn` fails."""
    ns = dict(namespace(assignment))
    out = {}
    for cell in cells(assignment, function):
        env = dict(ns)
        env[function] = fn
        try:
            with np.errstate(all="ignore"):
                exec(compile(cell.source, f"<{cell.grade_id}>", "exec"), env)
        except CheckFailure as failure:
            out[cell.grade_id] = failure
        except StudentCodeError:
            pass
    return out


@pytest.mark.parametrize("assignment,function,label", [
    p for p in _attack_params() if not p.values[2].startswith("complex")])
def test_finite_differences_are_named_where_the_probe_finds_them(assignment, function, label):
    """Every finite-difference stand-in that the exactness probe stops is told so, under the
    assignment's one id: its answers jitter as a difference quotient's do (the probe names
    numerical differentiation only then, see the next test)."""
    failed = {grade_id: failure for grade_id, (_, failure)
              in attack_run(assignment, function, label).items()
              if failure not in (None, STUDENT_ERROR)}
    assert failed, label
    for grade_id, (message, cause_ids) in failed.items():
        assert "answered this test's cases, but on one more case" not in message, \
            (label, grade_id, message)
        if "looks like numerical differentiation" in message:
            assert cause_ids == [f"{assignment}.numerical_differentiation"], grade_id
    assert any("numerical differentiation" in m for m, _ in failed.values()), label


def _leaves_scaled(value, factor):
    if isinstance(value, tuple):
        return tuple(_leaves_scaled(v, factor) for v in value)
    if isinstance(value, dict):
        return {k: _leaves_scaled(v, factor) for k, v in value.items()}
    return value * factor


def close_but_wrong(solution, factor):
    """A chain-rule answer that is wrong by a constant factor close to 1: a formula of its
    inputs (as a missing term that is small on one case is), not a difference quotient."""
    def wrong(*args, **kwargs):
        return _leaves_scaled(solution(*args, **kwargs), factor)
    wrong.__name__ = solution.__name__
    return wrong


@pytest.mark.parametrize("assignment,function", FUNCTIONS)
@pytest.mark.parametrize("factor", [1 + 1e-9, 1 - 3e-8, 1 + 2e-12])
def test_a_close_analytic_answer_is_not_called_numerical_differentiation(assignment, function,
                                                                         factor):
    """Issue 23: one mistake, one id. A backward pass computed by a formula, wrong by a little
    on the probe's case, was named numerical differentiation beside its own cause. It still
    loses the test the probe sees it in, with no cause named there."""
    ns = namespace(assignment)
    fn = close_but_wrong(ns[function], factor)
    failed = failures(assignment, function, fn)
    assert failed, f"{function} scaled by {factor} passed every test"
    for grade_id, failure in failed.items():
        assert "numerical differentiation" not in str(failure), (grade_id, str(failure))
        assert not any(i.endswith(".numerical_differentiation") for i in failure.cause_ids), \
            grade_id


def _exact_and_cheap(function, label):
    return (label.startswith("complex") and function in ELEMENTWISE
            or label == "complex loop over the given forward" and function == "prelu_backward")


@pytest.mark.parametrize("assignment,function,label", [
    p for p in _attack_params() if _exact_and_cheap(p.values[1], p.values[2])])
def test_the_complex_step_is_refused_for_its_source_not_its_cost(assignment, function, label,
                                                                 monkeypatch):
    """The complex step over an elementwise forward is exact and one forward pass: before the
    source was read it passed every test (a strict xfail). Even with a budget no efficiency
    test can exceed, it now earns nothing, and the message names complex numbers."""
    monkeypatch.setattr(core, "EFFICIENCY_CAP", 30.0)
    ns = namespace(assignment)
    fn = dict(attacks_for(assignment, function, ns))[label]
    [first, *_] = cells(assignment, function)
    env = dict(ns)
    env[function] = fn
    with pytest.raises(CheckFailure) as failure:
        exec(compile(first.source, f"<{first.grade_id}>", "exec"), env)
    assert f"`{function}` computes with complex numbers (line " in str(failure.value), \
        str(failure.value)
    assert failure.value.cause_ids == [f"{assignment}.numerical_differentiation"]


def _honest_params():
    params = []
    for assignment, function in FUNCTIONS:
        for label in ["worked solution", "worked solution on copies of its inputs"] + \
                list(VARIANTS.get(function, {})):
            params.append(pytest.param(assignment, function, label, id=f"{function}-{label}"))
    return params


def honest(assignment, function, label):
    ns = namespace(assignment)
    solution = ns[function]
    if label == "worked solution":
        return solution
    if label == "worked solution on copies of its inputs":
        def on_copies(*args, **kwargs):
            return solution(*copy.deepcopy(args), **copy.deepcopy(kwargs))
        on_copies.__name__ = function
        return on_copies
    env = dict(ns)
    exec(compile(VARIANTS[function][label], f"<{function}: {label}>", "exec"), env)
    return env[function]


@pytest.mark.parametrize("assignment,function,label", _honest_params())
def test_an_honest_backward_pass_keeps_every_point(assignment, function, label,
                                                   monkeypatch):
    monkeypatch.setattr(core, "EFFICIENCY_CAP", 30.0)
    fn = honest(assignment, function, label)
    earned, total, passed = score(assignment, function, fn)
    assert earned == total, f"{label}: {earned}/{total}, passed only {passed}"


@pytest.mark.parametrize("assignment,function,label", _honest_params())
@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_the_exactness_probe_passes_honest_variants_on_other_seeds(assignment, function,
                                                                   label, seed):
    """The probe is where an honest pass could be judged too strictly: five more seeds."""
    import importlib

    from backprop_lab.checks.exactness import probe_for
    ns = namespace(assignment)
    fn = honest(assignment, function, label)
    checks = importlib.import_module(f"backprop_lab.checks.{assignment}")
    probe_for(function, vars(checks))(fn, ns, seed)


def test_every_graded_backward_pass_has_a_probe_and_an_attack():
    from backprop_lab.checks.exactness import PROBES
    from backprop_lab.notebooks import SOLUTION
    from notebook_tools import source_notebook
    # every backward pass, and the staged exercise whose student writes forward and backward
    graded = {c.grade_id for a in SPECS for c in source_notebook(a).of_kind(SOLUTION)
              if c.grade_id.endswith("_backward") or c.grade_id == "softplus_circuit"}
    assert graded == set(PROBES) == {f for _, f in FUNCTIONS}


MATRIX = [(a, f) for a, f in FUNCTIONS if f not in ELEMENTWISE
          and f not in ("prelu_backward",)]


@pytest.mark.parametrize("assignment,function", MATRIX)
def test_every_matrix_backward_pass_has_an_efficiency_test(assignment, function):
    assert EFFICIENCY_CELLS[function] in {c.grade_id for c in cells(assignment, function)}


# ---------------------------------------------------------------- item 2: copies of the inputs

def _mutating(fn):
    """The right answer, computed first; then every input array scribbled over in place."""
    def scribble(obj, seen):
        if id(obj) in seen:
            return
        seen.add(id(obj))
        if isinstance(obj, np.ndarray) and obj.flags.writeable:
            obj += 0.37
        elif isinstance(obj, (list, tuple)):
            for item in obj:
                scribble(item, seen)
        elif isinstance(obj, dict):
            for item in obj.values():
                scribble(item, seen)

    def mutating(*args):
        result = fn(*args)
        result = copy.deepcopy(result)
        scribble(args, set())
        return result
    mutating.__name__ = fn.__name__
    return mutating


@pytest.mark.parametrize("assignment,function", MATRIX)
def test_an_efficiency_test_judges_from_copies_taken_before_the_call(assignment, function,
                                                                     monkeypatch):
    """A pass that changes its inputs after computing the right answer is not called wrong by
    the efficiency test (the correctness tests report the change itself)."""
    monkeypatch.setattr(core, "EFFICIENCY_CAP", 30.0)
    ns = namespace(assignment)
    [cell] = [c for c in cells(assignment, function) if c.grade_id == EFFICIENCY_CELLS[function]]
    env = dict(ns)
    env[function] = _mutating(ns[function])
    exec(compile(cell.source, f"<{cell.grade_id}>", "exec"), env)
