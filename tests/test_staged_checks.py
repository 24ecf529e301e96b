"""The `staged` checks: the worked solutions pass, usual mistakes fail with the right hint."""
from __future__ import annotations

import functools
import re

import numpy as np
import pytest

from autograder.checks import staged as checks
from autograder.checks.core import CheckFailure, StudentCodeError
from autograder.notebooks import TEST, read_notebook
from notebook_tools import (
    ROOT, solution_namespace, source_notebook, cells_for, run_test_cell as run_cell,
)

FUNCTIONS = ("numerical_gradient", "staged_backward", "add_backward", "mul_backward",
             "max_backward")


@pytest.fixture(scope="module")
def solved():
    return solution_namespace("staged")


# ---------------------------------------------------------------- the notebook itself


@pytest.mark.parametrize("cell", source_notebook("staged").of_kind(TEST),
                         ids=lambda c: c.grade_id)
def test_worked_solutions_pass_every_test_cell(solved, cell):
    run_cell(solved, cell)


def test_hidden_tests_never_reach_students():
    hidden = [c for c in source_notebook("staged").of_kind(TEST) if "HIDDEN" in c.source]
    assert len(hidden) == len(FUNCTIONS)
    seeds = [re.search(r"seed=hidden_seed\((0x[0-9a-f]{32}), globals\(\)\)", c.source).group(1)
             for c in hidden]
    for folder in ("assignments", "solutions"):
        text = (ROOT / folder / "staged" / "staged.ipynb").read_text(encoding="utf-8")
        assert "HIDDEN TESTS" not in text
        assert "_hidden(" not in text
        for seed in seeds:
            assert seed not in text
        # the student copy's hidden cells are comments only, so nothing runs there
        for cell in read_notebook(ROOT / folder / "staged" / "staged.ipynb").of_kind(TEST):
            if "hidden" in cell.grade_id:
                assert not cell.has_code


def test_worked_point_values(solved):
    f, cache = solved["staged_forward"](3.0, -4.0)
    dx, dy = solved["staged_backward"](1.0, cache)
    assert f == pytest.approx(1.5456448841066441, rel=1e-15)
    assert dx == pytest.approx(2.0595697955721652, rel=1e-14)
    assert dy == pytest.approx(1.5922327514838093, rel=1e-14)


def test_probe_functions_have_the_gradients_the_checks_claim():
    rng = np.random.default_rng(5)
    for build in (lambda: checks._exp_case(rng, (2, 3), a=4.0),
                  lambda: checks._quadratic_case(rng, (3, 2))):
        f, x, exact = build()
        from autograder.checks.core import numerical_gradient
        assert np.allclose(numerical_gradient(f, x.copy()), exact, rtol=1e-7, atol=0)


def test_probe_functions_can_be_sent_to_the_child():
    from autograder import wire   # a broken wire fails this test, it does not skip it
    w, x = np.ones(3), np.linspace(-1.0, 1.0, 3)
    for fn in (functools.partial(checks.probe_exp, a=2.0, w=w),
               functools.partial(checks.probe_quadratic, A=np.eye(3), b=w)):
        sent = wire.decode(wire.encode(fn, allow_callables=True), allow_callables=True)
        assert np.array_equal(sent(x), fn(x))


# ---------------------------------------------------------------- not implemented

@pytest.mark.parametrize("function", FUNCTIONS)
def test_not_implemented_says_so(solved, function):
    def stub(*args, **kwargs):
        raise NotImplementedError()
    stub.__name__ = function
    public = [c for c in cells_for("staged", function) if "hidden" not in c.grade_id]
    for cell in public:
        with pytest.raises(StudentCodeError, match="not implemented yet"):
            run_cell(solved, cell, **{function: stub})


# ---------------------------------------------------------------- staged_backward mistakes

def make_staged_backward(*, fork_x=None, fork_y=False, ignore_df=False, negate=False,
                         swap=False, alias=False, mutate_df=False, bad_invden=False):
    """A staged_backward with one chosen bug.

    fork_x: "xpy" overwrites with `dx =` at the sigx stage (loses the xpy path), "sigx"
    overwrites at the num stage (loses xpy and sigx), "num" forgets the num path.
    """
    def staged_backward(df, cache):
        x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
        if ignore_df:
            df = 1.0
        if mutate_df:
            dnum = df
            dnum *= invden
            dinvden = num * (dnum / invden)
        else:
            dnum = invden * df
            dinvden = num * df
        dden = (1.0 if bad_invden else -1.0) / den ** 2 * dinvden
        dsigx = 1.0 * dden
        dxpysqr = 1.0 * dden
        dxpy = 2.0 * xpy * dxpysqr
        if alias:
            dx = dxpy
            dy = dxpy
        else:
            dx = 1.0 * dxpy
            dy = 1.0 * dxpy
        if fork_x == "xpy":
            dx = sigx * (1 - sigx) * dsigx
        else:
            dx += sigx * (1 - sigx) * dsigx
        if fork_x == "sigx":
            dx = 1.0 * dnum
        elif fork_x != "num":
            dx += 1.0 * dnum
        dsigy = 1.0 * dnum
        if fork_y:
            dy = sigy * (1 - sigy) * dsigy
        else:
            dy += sigy * (1 - sigy) * dsigy
        if negate:
            dx, dy = -dx, -dy
        return (dy, dx) if swap else (dx, dy)
    return staged_backward


STAGED_MISTAKES = {
    # name: (bug, {grade_id: pattern the message must contain})
    "fork_x_loses_xpy": (dict(fork_x="xpy"), {
        "test_staged_backward_point": r"dx is missing .* through `xpy = x \+ y`.*`dx \+= \.\.\.`",
        "test_staged_backward_arrays": r"dx is missing .*`xpy = x \+ y`",
        "test_staged_backward_hidden": r"dx is missing"}),
    "fork_x_keeps_only_num": (dict(fork_x="sigx"), {
        "test_staged_backward_point":
            r"through `sigx = sigmoid\(x\)` and `xpy = x \+ y`. x is used in 3 places",
        "test_staged_backward_arrays": r"dx is missing",
        "test_staged_backward_hidden": r"dx is missing"}),
    "fork_x_forgets_num": (dict(fork_x="num"), {
        "test_staged_backward_point": r"dx is missing .* through `num = x \+ sigy`\.",
        "test_staged_backward_arrays": r"dx is missing",
        "test_staged_backward_hidden": r"dx is missing"}),
    "fork_y_overwritten": (dict(fork_y=True), {
        "test_staged_backward_point": r"dy is missing .*through `xpy = x \+ y`. y is used in 2",
        "test_staged_backward_arrays": r"dy is missing",
        "test_staged_backward_hidden": r"dy is missing"}),
    "upstream_df_ignored": (dict(ignore_df=True), {
        "test_staged_backward_point": r"df = 1: the upstream gradient `df` was ignored",
        "test_staged_backward_arrays": r"`df` was ignored",
        "test_staged_backward_hidden": r"`df` was ignored"}),
    "sign_flipped": (dict(negate=True), {
        "test_staged_backward_point": r"wrong sign",
        "test_staged_backward_arrays": r"wrong sign",
        "test_staged_backward_hidden": r"wrong sign"}),
    "outputs_swapped": (dict(swap=True), {
        "test_staged_backward_point": r"return `\(dx, dy\)` in that order",
        "test_staged_backward_arrays": r"in that order",
        "test_staged_backward_hidden": r"in that order"}),
    "wrong_local_derivative_of_invden": (dict(bad_invden=True), {
        "test_staged_backward_point": r"dx is wrong at the worked point.*Usual cause: walk",
        "test_staged_backward_arrays": r"dx is wrong",
        "test_staged_backward_hidden": r"dx is wrong"}),
    # arrays only: scalars have no identity problems
    "dx_and_dy_one_array": (dict(alias=True), {
        "test_staged_backward_arrays": r"same array for dx and dy",
        "test_staged_backward_hidden": r"same array for dx and dy"}),
    "mutates_upstream_gradient": (dict(mutate_df=True), {
        "test_staged_backward_arrays": r"modified its argument #1",
        "test_staged_backward_hidden": r"modified its argument #1"}),
}


@pytest.mark.parametrize("mistake", STAGED_MISTAKES)
def test_staged_backward_mistakes_fail(solved, mistake):
    bug, expected = STAGED_MISTAKES[mistake]
    wrong = make_staged_backward(**bug)
    cells = {c.grade_id: c for c in cells_for("staged", "staged_backward")}
    for grade_id, pattern in expected.items():
        with pytest.raises(CheckFailure) as failure:
            run_cell(solved, cells[grade_id], staged_backward=wrong)
        assert re.search(pattern, str(failure.value), re.DOTALL), (grade_id, str(failure.value))


def test_aliasing_bug_is_harmless_on_floats(solved):
    # the point check uses Python floats, where `dx = dxpy` cannot alias: it must pass
    checks.check_staged_backward_point(make_staged_backward(alias=True),
                                       solved["staged_forward"], solved["sigmoid"])


def test_staged_backward_must_keep_x_shape_for_a_scalar_df(solved):
    def wrong(df, cache):
        dx, dy = solved["staged_backward"](df, cache)
        return (dx.sum(), dy.sum()) if np.ndim(df) == 0 else (dx, dy)
    with pytest.raises(CheckFailure, match=r"dx must be a numpy array of shape \(3, 4\)"):
        checks.check_staged_backward_arrays(wrong, solved["staged_forward"], solved["sigmoid"])


# ---------------------------------------------------------------- gate mistakes

def _copy_both(dout, x, y):
    return dout.copy(), dout.copy()


GATE_MISTAKES = {
    "add_backward": {
        "add_scaled_by_half": (lambda dout, x, y: (0.5 * dout, 0.5 * dout), r"half of dout"),
        "add_as_multiply": (lambda dout, x, y: (dout * y, dout * x),
                            r"dout times the other input"),
        "add_ignores_dout": (lambda dout, x, y: (np.ones_like(x), np.ones_like(y)),
                             r"all ones"),
        "add_returns_dout_twice": (lambda dout, x, y: (dout, dout), r"same array for dx and dy"),
        "add_returns_one_copy_twice": (lambda dout, x, y: (lambda d: (d, d))(dout.copy()),
                                       r"same array for dx and dy"),
        "add_returns_the_input": (lambda dout, x, y: (dout, dout.copy()),
                                  r"returned one of its inputs as dx"),
    },
    "mul_backward": {
        "mul_not_switched": (lambda dout, x, y: (dout * x, dout * y), r"not switched"),
        "mul_ignores_dout": (lambda dout, x, y: (y.copy(), x.copy()), r"ignores dout"),
        "mul_as_add": (_copy_both, r"that is an add gate"),
        "mul_flattened": (lambda dout, x, y: ((dout * y).ravel(), (dout * x).ravel()),
                          r"dx has shape \(12,\), expected \(3, 4\)"),
        "mul_float32": (lambda dout, x, y: ((dout * y).astype(np.float32), dout * x),
                        r"dtype float32"),
        "mul_mutates_dout": (lambda dout, x, y: (lambda d: (d * y, d * x))(dout.__imul__(1.5)),
                             r"modified its argument #1"),
    },
    "max_backward": {
        "max_routes_to_loser": (lambda dout, x, y: (np.where(x < y, dout, 0.0),
                                                    np.where(x < y, 0.0, dout)),
                                r"routed to the loser"),
        "max_routes_to_both": (_copy_both, r"equals dout everywhere"),
        "max_mask_only": (lambda dout, x, y: ((x > y) * 1.0, (y > x) * 1.0), r"0/1 mask"),
        "max_mutates_x": (lambda dout, x, y: (np.where(x > y, dout, 0.0),
                                              np.where(np.maximum(x, y, out=x) > y, 0.0, dout)),
                          r"modified its argument #2"),
    },
}


@pytest.mark.parametrize("function,mistake", [(f, m) for f, ms in GATE_MISTAKES.items()
                                              for m in ms])
def test_gate_mistakes_fail(solved, function, mistake):
    wrong, pattern = GATE_MISTAKES[function][mistake]
    for cell in cells_for("staged", function):   # the public and the hidden check
        with pytest.raises(CheckFailure) as failure:
            run_cell(solved, cell, **{function: wrong})
        if "hidden" not in cell.grade_id or "shape" not in pattern:
            assert re.search(pattern, str(failure.value)), (cell.grade_id, str(failure.value))


def test_gate_checks_name_the_usual_cause_when_no_hint_fits(solved):
    def strange(dout, x, y):
        return dout * y + 0.1, dout * x
    with pytest.raises(CheckFailure, match="Usual cause: a multiply gate switches"):
        checks.check_mul_backward(strange)


# ---------------------------------------------------------------- numerical_gradient mistakes

def make_numerical_gradient(*, scheme="centered", fixed_h=None, restore="assign",
                            divisor=2.0, dtype=np.float64):
    def numerical_gradient(f, x, h=1e-5):
        if fixed_h is not None:
            h = fixed_h
        grad = np.zeros(x.shape, dtype=dtype)
        for i in np.ndindex(x.shape):
            old = x[i]
            if restore == "arithmetic":
                x[i] += h
                plus = f(x)
                x[i] -= 2 * h
                minus = f(x)
                x[i] += h
            else:
                x[i] = old + h
                plus = f(x)
                x[i] = old - h
                minus = f(x)
                if restore == "assign":
                    x[i] = old
            if scheme == "forward":
                if restore == "assign":
                    grad[i] = (plus - f(x)) / h
                else:
                    raise AssertionError("not a combination used here")
            elif scheme == "backward":
                x[i] = old
                grad[i] = (f(x) - minus) / h
            else:
                grad[i] = (plus - minus) / (divisor * h)
        return grad
    return numerical_gradient


NUMGRAD_MISTAKES = {
    # name: (bug, {grade_id: pattern}); cells not listed may pass
    "one_sided_forward": (dict(scheme="forward"), {
        "test_numerical_gradient": r"one-sided \(forward\) difference",
        "test_numerical_gradient_step": r"one-sided \(forward\) difference .* shrinks only like h",
        "test_numerical_gradient_hidden": r"one-sided \(forward\)"}),
    "one_sided_backward": (dict(scheme="backward"), {
        "test_numerical_gradient": r"one-sided \(backward\) difference",
        "test_numerical_gradient_step": r"one-sided \(backward\) difference",
        "test_numerical_gradient_hidden": r"one-sided \(backward\)"}),
    "divides_by_h": (dict(divisor=1.0), {
        "test_numerical_gradient": r"twice the expected value",
        "test_numerical_gradient_step": r"twice the expected value",
        "test_numerical_gradient_hidden": r"twice the expected value"}),
    "ignores_h": (dict(fixed_h=1e-5), {
        "test_numerical_gradient_step": r"argument h ignored",
        "test_numerical_gradient_hidden": r"argument h ignored"}),
    "never_restores_x": (dict(restore="never"), {
        "test_numerical_gradient": r"left x changed .* never put back",
        "test_numerical_gradient_step": r"left x changed",
        "test_numerical_gradient_hidden": r"left x changed"}),
    "restores_by_arithmetic": (dict(restore="arithmetic"), {
        "test_numerical_gradient": r"left x changed .* rounding error.*`x\[i\] = old`",
        "test_numerical_gradient_hidden": r"rounding error"}),
    "float32_result": (dict(dtype=np.float32), {
        "test_numerical_gradient": r"dtype float32",
        "test_numerical_gradient_step": r"dtype float32",
        "test_numerical_gradient_hidden": r"dtype float32"}),
}


@pytest.mark.parametrize("mistake", NUMGRAD_MISTAKES)
def test_numerical_gradient_mistakes_fail(solved, mistake):
    bug, expected = NUMGRAD_MISTAKES[mistake]
    wrong = make_numerical_gradient(**bug)
    cells = {c.grade_id: c for c in cells_for("staged", "numerical_gradient")}
    for grade_id, pattern in expected.items():
        with pytest.raises(CheckFailure) as failure:
            run_cell(solved, cells[grade_id], numerical_gradient=wrong)
        assert re.search(pattern, str(failure.value), re.DOTALL), (grade_id, str(failure.value))


def test_ignoring_h_is_only_caught_where_h_is_passed(solved):
    # the default-step check cannot tell: documents why a separate step check exists
    checks.check_numerical_gradient(make_numerical_gradient(fixed_h=1e-5))


def test_numerical_gradient_must_call_f_on_the_whole_array(solved):
    def per_entry(f, x, h=1e-5):
        grad = np.zeros_like(x)
        for i in np.ndindex(x.shape):
            grad[i] = (f(x[i] + h) - f(x[i] - h)) / (2 * h)
        return grad
    with pytest.raises(StudentCodeError, match=r"takes an array of shape \(6,\)"):
        checks.check_numerical_gradient(per_entry)
