"""The `staged` checks: the worked solutions pass, usual mistakes fail with the right hint."""
from __future__ import annotations

import functools
import re

import numpy as np
import pytest

from backprop_lab.checks import exactness
from backprop_lab.checks import staged as checks
from backprop_lab.checks.core import CheckFailure, StudentCodeError
from notebook_tools import (
    solution_namespace, cells_for, run_test_cell as run_cell,
)

FUNCTIONS = ("numerical_gradient", "staged_backward", "add_backward", "mul_backward",
             "max_backward", "softplus_circuit")


@pytest.fixture(scope="module")
def solved():
    return solution_namespace("staged")


# ---------------------------------------------------------------- the notebook itself


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
        from backprop_lab.checks.core import numerical_gradient
        assert np.allclose(numerical_gradient(f, x.copy()), exact, rtol=1e-7, atol=0)


def test_probe_functions_can_be_sent_to_the_child():
    from backprop_lab.isolation import wire   # a broken wire fails this test, it does not skip it
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
        "test_staged_backward_point": r"dx is wrong at the worked point.*Likely cause: stage 7"
                                      r".*your factor is \+1/den\*\*2, expected -1/den\*\*2",
        "test_staged_backward_arrays": r"stage 7, `invden = 1.0 / den`",
        "test_staged_backward_hidden": r"stage 7"}),
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


# ---------------------------------------------------------------- slips inside a stage

def make_slipped_backward(*, xpy_factor=None, invden=None, sig_x=None, sig_y=None,
                          unswitched=False, hard_coded=None, f32=False, no_df=None):
    """The worked staged_backward, written out again, with one local derivative wrong.

    sig_x / sig_y: "output" (the sigmoid's derivative taken at its output), "input"
    (x * (1 - x)), "alone" (sigx), "missing" (1). invden: "plus" (+1/den**2), "nosquare"
    (-1/den). hard_coded: "constant" or "times_df" (the worked point's numbers).
    """
    def sigmoid(v):
        return 1.0 / (1.0 + np.exp(-v))

    def local(kind, s, v):
        return {None: s * (1 - s), "output": sigmoid(s) * (1 - sigmoid(s)),
                "input": v * (1 - v), "alone": s, "missing": 1.0}[kind]

    def staged_backward(df, cache):
        x, y, sigy, num, sigx, xpy, xpysqr, den, invden_ = cache
        if hard_coded == "constant":
            return 2.0595697955721652 + 0 * x, 1.5922327514838093 + 0 * y
        if hard_coded == "times_df":
            return 2.0595697955721652 * df + 0 * x, 1.5922327514838093 * df + 0 * y
        if f32:        # every input in float32, the results turned back into float64
            df = np.asarray(df, dtype=np.float32)
            x, y, sigy, num, sigx, xpy, xpysqr, den, invden_ = (
                np.asarray(v, dtype=np.float32) for v in cache)
        dnum = (num if unswitched else invden_) * df
        dinvden = (invden_ if unswitched else num) * (1.0 if no_df == "invden" else df)
        k7 = {None: -1.0 / den ** 2, "plus": 1.0 / den ** 2, "nosquare": -1.0 / den}[invden]
        dden = k7 * dinvden
        dxpy = (xpy if xpy_factor == "missing_2" else 2.0 * xpy) * dden
        dx = dxpy + local(sig_x, sigx, x) * dden + dnum
        dy = dxpy + (sigx * (1 - sigx) if sig_y == "sigx's" else local(sig_y, sigy, y)) * dnum
        if f32:
            return np.asarray(dx, dtype=np.float64), np.asarray(dy, dtype=np.float64)
        return dx, dy
    return staged_backward


STAGE_SLIPS = {
    # name: (slip, pattern every staged_backward cell's message must contain)
    "missing_2_in_square": (dict(xpy_factor="missing_2"),
                            r"Likely cause: stage 5, `xpysqr = xpy \*\* 2`.*expected 2 \* xpy"),
    "invden_plus": (dict(invden="plus"), r"stage 7.*your factor is \+1/den\*\*2"),
    "invden_no_square": (dict(invden="nosquare"), r"stage 7.*your factor is -1/den,"),
    "unswitched_multiply": (dict(unswitched=True), r"stage 8, `f = num \* invden`.*not switched"),
    "sigx_at_output": (dict(sig_x="output"),
                       r"stage 3, `sigx = sigmoid\(x\)`.*taken at the sigmoid's output"),
    "sigy_at_output": (dict(sig_y="output"),
                       r"stage 1, `sigy = sigmoid\(y\)`.*taken at the sigmoid's output"),
    "sigx_from_x": (dict(sig_x="input"), r"stage 3.*your local derivative is x \* \(1 - x\)"),
    "sigy_from_y": (dict(sig_y="input"), r"stage 1.*your local derivative is y \* \(1 - y\)"),
    "sigx_alone": (dict(sig_x="alone"), r"stage 3.*your local derivative is sigx alone"),
    "sigy_missing": (dict(sig_y="missing"), r"stage 1.*local derivative is missing"),
    "sigx_missing": (dict(sig_x="missing"), r"stage 3.*local derivative is missing"),
    "sigy_alone": (dict(sig_y="alone"), r"stage 1.*your local derivative is sigy alone"),
    "unswitched_and_sigy_at_output": (dict(unswitched=True, sig_y="output"),
                                      r"two slips. First, stage 8.*Second, stage 1"),
    "hard_coded_constant": (dict(hard_coded="constant"), r"hard-coded"),
    # the same slips for every stage: another stage's derivative, df left out where it enters
    "sigy_from_stage_3": (dict(sig_y="sigx's"),
                          r"stage 1, `sigy = sigmoid\(y\)`: your local derivative equals the "
                          r"one of stage 3"),
    "invden_without_df": (dict(no_df="invden"),
                          r"stage 8, `f = num \* invden` \(the factor on invden's side.*missing "
                          r"the upstream gradient df"),
}


@pytest.mark.parametrize("slip", STAGE_SLIPS)
def test_a_slip_inside_a_stage_is_located(solved, slip):
    bug, pattern = STAGE_SLIPS[slip]
    wrong = make_slipped_backward(**bug)
    cells = cells_for("staged", "staged_backward")
    failed = 0
    for cell in cells:
        try:
            run_cell(solved, cell, staged_backward=wrong)
        except CheckFailure as failure:
            failed += 1
            assert re.search(pattern, str(failure), re.DOTALL), (cell.grade_id, str(failure))
    assert failed >= len(cells) - 1        # the hard-coded answer passes only at the point


def test_hard_coded_times_df_passes_the_point_and_is_named_on_arrays(solved):
    wrong = make_slipped_backward(hard_coded="times_df")
    # right at the point check's own case; its exactness probe's six other points are not
    # answered (a far-off value where no output is exact), so the point's test is lost too
    with pytest.raises(CheckFailure, match="on one more case"):
        checks.check_staged_backward_point(wrong, solved["staged_forward"], solved["sigmoid"])
    with pytest.raises(CheckFailure, match="hard-coded"):
        checks.check_staged_backward_arrays(wrong, solved["staged_forward"], solved["sigmoid"])


def test_two_slips_in_two_stages_are_both_named(solved):
    wrong = make_slipped_backward(invden="plus", xpy_factor="missing_2")
    for check in (checks.check_staged_backward_point, checks.check_staged_backward_arrays):
        with pytest.raises(CheckFailure, match=r"Likely cause: two slips. First, stage 5, "
                                               r".*Second, stage 7"):
            check(wrong, solved["staged_forward"], solved["sigmoid"])


def test_three_slips_name_no_cause(solved):
    wrong = make_slipped_backward(invden="plus", xpy_factor="missing_2", sig_x="output")
    with pytest.raises(CheckFailure) as failure:
        checks.check_staged_backward_arrays(wrong, solved["staged_forward"], solved["sigmoid"])
    assert "Likely cause" not in str(failure.value)
    assert "Usual cause: walk the stages" in str(failure.value)


def test_float32_arithmetic_is_named(solved):
    wrong = make_slipped_backward(f32=True)
    with pytest.raises(CheckFailure, match="float32 precision"):
        checks.check_staged_backward_arrays(wrong, solved["staged_forward"], solved["sigmoid"])


def test_no_cause_on_a_single_approximate_match(solved):
    """Right at the checked case up to the slip's prediction, different at the probes: a
    function that behaves like the stage-7 slip only at the worked point names nothing."""
    right = solved["staged_backward"]
    slipped = make_slipped_backward(invden="plus")

    def wrong(df, cache):
        if cache[0] == 3.0 and cache[1] == -4.0:
            return slipped(df, cache)
        return tuple(1.03 * v for v in right(df, cache))
    with pytest.raises(CheckFailure) as failure:
        checks.check_staged_backward_point(wrong, solved["staged_forward"], solved["sigmoid"])
    assert "Likely cause" not in str(failure.value), str(failure.value)

    def three_percent(df, cache):
        return tuple(1.03 * v for v in right(df, cache))
    with pytest.raises(CheckFailure) as failure:
        checks.check_staged_backward_arrays(three_percent, solved["staged_forward"],
                                            solved["sigmoid"])
    assert "Likely cause" not in str(failure.value), str(failure.value)


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
        "max_routes_winner_value": (lambda dout, x, y: (np.where(x > y, x, 0.0),
                                                        np.where(x > y, 0.0, y)),
                                    r"routes the winner's value \(x itself\) instead of dout"),
        "max_dout_times_winner": (lambda dout, x, y: (np.where(x > y, x * dout, 0.0),
                                                      np.where(x > y, 0.0, y * dout)),
                                  r"dout times the winner's value"),
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
    with pytest.raises(CheckFailure, match=r"Usual cause: write down the local derivative of x \* y"):
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


def row_at_once(f, x, h=1e-5):
    """Nudges x[i] with one index: a whole row at once for a 2-D x."""
    grad = np.zeros_like(x)
    for i in range(x.shape[0]):
        old = x[i].copy()
        x[i] = old + h
        plus = f(x)
        x[i] = old - h
        minus = f(x)
        x[i] = old
        grad[i] = (plus - minus) / (2 * h)
    return grad


def test_numerical_gradient_perturbing_a_whole_row_is_named(solved):
    cells = {c.grade_id: c for c in cells_for("staged", "numerical_gradient")}
    for grade_id in ("test_numerical_gradient", "test_numerical_gradient_hidden"):
        with pytest.raises(CheckFailure, match="a whole row was nudged at once"):
            run_cell(solved, cells[grade_id], numerical_gradient=row_at_once)


def test_gate_hint_needs_every_case(solved):
    """Routing the winner's value on the first case only, 3% off on the second: no cause."""
    calls = []

    def max_backward(dout, x, y):
        calls.append(1)
        if len(calls) == 1:
            return np.where(x > y, x, 0.0), np.where(x > y, 0.0, y)
        return np.where(x > y, 1.03 * dout, 0.0), np.where(x > y, 0.0, 1.03 * dout)
    with pytest.raises(CheckFailure) as failure:
        checks.check_max_backward(max_backward)
    assert "Likely cause" not in str(failure.value)


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


def test_probes_run_only_for_a_wrong_answer_and_once(solved):
    calls = []

    def counted(fn):
        def staged_backward(df, cache):
            calls.append(1)
            return fn(df, cache)
        return staged_backward
    checks.check_staged_backward_point(counted(solved["staged_backward"]),
                                       solved["staged_forward"], solved["sigmoid"])
    # the two upstream gradients, no probe; then the exactness gate's points
    assert len(calls) == 2 + exactness.STAGED_POINTS
    calls.clear()
    with pytest.raises(CheckFailure, match="stage 7"):
        checks.check_staged_backward_point(counted(make_slipped_backward(invden="plus")),
                                           solved["staged_forward"], solved["sigmoid"])
    assert len(calls) == 1 + len(checks._PROBES)    # the case, then each probe point once


# ---------------------------------------------------------------- softplus_circuit

def make_circuit(*, fork="", softplus="", tanh="", inv="", ignore_dg=False):
    """softplus_circuit, staged and written out again, with one chosen bug.

    fork: "num" overwrites dx at the x * tanh(y) stage (loses the x**2 path), "u" overwrites
    dy at the x * y stage (loses the tanh path); softplus: "no_log" / "no_exp" drops the
    log's or the exp's local derivative; tanh: "input" / "sigmoid" takes 1 - y**2 or
    t * (1 - t); inv: "sign" / "square" for the derivative of 1 / den; ignore_dg."""
    def softplus_circuit(x, y, dg=1.0):
        if ignore_dg:
            dg = 1.0
        u = x * y
        e = np.exp(u)
        t = np.tanh(y)
        num = x * t
        den = 1.0 + x ** 2
        g = np.log(1.0 + e) + num / den
        dnum, dinv = dg / den, dg * num
        local_inv = {"sign": 1.0 / den ** 2, "square": -1.0 / den}.get(inv, -1.0 / den ** 2)
        dx = dinv * local_inv * 2.0 * x
        dx = (dnum * t) if fork == "num" else dx + dnum * t
        local_t = {"input": 1.0 - y ** 2, "sigmoid": t * (1.0 - t)}.get(tanh, 1.0 - t ** 2)
        dy = dnum * x * local_t
        du = {"no_log": dg * e, "no_exp": dg / (1.0 + e)}.get(softplus, dg * e / (1.0 + e))
        dx = dx + du * y
        dy = (du * x) if fork == "u" else dy + du * x
        return g, dx, dy
    return softplus_circuit


CIRCUIT_MISTAKES = {
    "x**2 path lost": (dict(fork="num"), r"dx is missing the contribution that flows back "
                                         r"through `x \*\* 2`"),
    "tanh path lost": (dict(fork="u"), r"dy is missing the contribution that flows back "
                                       r"through `tanh\(y\)`"),
    "log derivative missing": (dict(softplus="no_log"), r"missing the log's own local derivative"),
    "exp derivative missing": (dict(softplus="no_exp"), r"missing the exp's local\s+derivative"),
    "tanh derivative at the input": (dict(tanh="input"), r"1 - y\*\*2, the formula evaluated "
                                                         r"at the input y"),
    "tanh derivative as a sigmoid's": (dict(tanh="sigmoid"), r"t \* \(1 - t\), the sigmoid"),
    "1/den sign": (dict(inv="sign"), r"\+1 / den\*\*2 \(the sign is lost\)"),
    "1/den square": (dict(inv="square"), r"-1 / den \(the square is lost\)"),
    "dg ignored": (dict(ignore_dg=True), r"the upstream gradient `dg` was ignored"),
}


def test_circuit_worked_solution_matches_the_formula(solved):
    g, dx, dy = solved["softplus_circuit"](0.8, -1.3, 1.0)
    assert g == pytest.approx(float(checks.circuit_value(0.8, -1.3)), rel=1e-15)
    right = make_circuit()                    # the test's own rewrite, bug-free, agrees
    assert np.allclose(right(0.8, -1.3, 1.0), (g, dx, dy), rtol=1e-14, atol=0)


@pytest.mark.parametrize("mistake", CIRCUIT_MISTAKES)
def test_circuit_mistakes_fail_with_their_cause(solved, mistake):
    bug, pattern = CIRCUIT_MISTAKES[mistake]
    wrong = make_circuit(**bug)
    cells = cells_for("staged", "softplus_circuit")
    assert [c.grade_id for c in cells] == ["test_softplus_circuit", "test_softplus_circuit_hidden"]
    for cell in cells:
        with pytest.raises(CheckFailure) as failure:
            run_cell(solved, cell, softplus_circuit=wrong)
        message = str(failure.value)
        assert re.search(pattern, message, re.DOTALL), (cell.grade_id, message)
        assert "softplus_circuit" in message


def test_circuit_bug_free_rewrite_passes(solved):
    for cell in cells_for("staged", "softplus_circuit"):
        run_cell(solved, cell, softplus_circuit=make_circuit())


def test_circuit_wrong_value_is_reported_on_g(solved):
    def wrong_value(x, y, dg=1.0):
        g, dx, dy = solved["softplus_circuit"](x, y, dg)
        return g + 0.1, dx, dy               # the gradients are right, the value is not
    with pytest.raises(CheckFailure, match=r"(?s)\bg\b.*forward stages"):
        run_cell(solved, cells_for("staged", "softplus_circuit")[0], softplus_circuit=wrong_value)


def test_circuit_unnamed_mistake_still_fails_without_a_named_cause(solved):
    def two_bugs(x, y, dg=1.0):               # two slips at once: no single cause fits
        g, _, _ = make_circuit()(x, y, dg)
        _, dx, _ = make_circuit(fork="num")(x, y, dg)
        _, _, dy = make_circuit(tanh="input")(x, y, dg)
        return g, dx * 1.01, dy
    with pytest.raises(CheckFailure) as failure:
        run_cell(solved, cells_for("staged", "softplus_circuit")[0], softplus_circuit=two_bugs)
    message = str(failure.value)
    assert "missing the contribution" not in message and "stage the expression" in message


def _circuit_with(kind):
    """softplus_circuit staged by hand, with one slip of `kind`."""
    def softplus_circuit(x, y, dg):
        u, t, den = x * y, np.tanh(y), 1 + x ** 2
        g = np.log(1 + np.exp(u)) + x * t / den
        du = dg * np.exp(u) / (1 + np.exp(u))
        dq = dg * x * t
        local_t = 1 / np.cosh(y) if kind == "sech" else 1 - t ** 2
        dx = du * y + dg * t / den + (-dq / den ** 2) * (x if kind == "half" else 2 * x)
        dy = du * x + dg * x / den * local_t
        return g, dx, dy
    return softplus_circuit


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("kind, said", [
    ("sech", "the square root of the local derivative (a square left out"),
    ("half", "with the contribution through `x ** 2` halved")])
def test_a_slip_in_the_circuit_is_said_as_its_stage_or_path(seed, kind, said):
    from backprop_lab.checks import staged
    with pytest.raises(CheckFailure) as failure:
        staged.check_softplus_circuit(_circuit_with(kind), seed=seed)
    assert said in str(failure.value)


def test_a_gate_that_lets_the_gradient_through_on_the_wrong_entries_is_said_with_the_condition():
    """Said only where two cases are wrong (on a case where y > 0 happens to be y > x the
    answer is right and there is no second input): on most seeds, never anything else."""
    from backprop_lab.checks import staged

    def max_backward(dout, x, y):
        return dout * (x > y), dout * (y > 0)      # y's mask from a ReLU habit
    said = 0
    for seed in range(5):
        with pytest.raises(CheckFailure) as failure:
            staged.check_max_backward(max_backward, seed=seed)
        text = str(failure.value)
        if "What differs" in text:
            assert "dy lets the upstream gradient `dout` through unchanged where y > 0 and " \
                   "is 0 elsewhere; the right one lets it through where y > x" in text, text
            said += 1
    assert said >= 3


@pytest.mark.parametrize("seed", range(5))
def test_a_gate_that_divides_by_the_upstream_gradient_is_said_so(seed):
    from backprop_lab.checks import staged

    def mul_backward(dout, x, y):
        return dout * y, x / dout
    with pytest.raises(CheckFailure) as failure:
        staged.check_mul_backward(mul_backward, seed=seed)
    assert "yours is divided by the upstream gradient where it should be multiplied by it" \
        in str(failure.value)


@pytest.mark.parametrize("seed", range(5))
def test_a_difference_quotient_scaled_by_the_step_is_said_as_h_squared(seed):
    from backprop_lab.checks import staged

    def numerical_gradient(f, x, h=1e-5):
        grad = np.zeros_like(x)
        for idx in np.ndindex(x.shape):
            old = x[idx]
            x[idx] = old + h
            fp = f(x)
            x[idx] = old - h
            fm = f(x)
            x[idx] = old
            grad[idx] = (fp - fm) / 2 * h            # precedence: times h, not over 2h
        return grad
    with pytest.raises(CheckFailure) as failure:
        staged.check_numerical_gradient_hidden(numerical_gradient, seed=seed)
    assert "every entry of grad is exactly h**2 times the expected one" in str(failure.value)


@pytest.mark.parametrize("seed", range(5))
def test_a_difference_quotient_off_by_a_factor_is_said_to_its_accuracy(seed):
    """A quotient over an unequal span (x + h and x - 2h, divided by 2h) is 3/2 of the right
    one only to O(h): the scale is said within the accuracy a difference quotient has."""
    from backprop_lab.checks import staged

    def numerical_gradient(f, x, h=1e-5):
        grad = np.zeros_like(x)
        for idx in np.ndindex(x.shape):
            old = x[idx]
            x[idx] = old + h
            fp = f(x)
            x[idx] = old - 2 * h
            fm = f(x)
            x[idx] = old
            grad[idx] = (fp - fm) / (2 * h)
        return grad
    with pytest.raises(CheckFailure) as failure:
        staged.check_numerical_gradient(numerical_gradient, seed=seed)
    assert "every entry of grad is 3/2 times the expected one (to within 1e-03 relatively)" \
        in str(failure.value)


@pytest.mark.parametrize("seed", range(5))
def test_mul_gradients_returned_in_the_other_order_are_not_blamed_on_the_gate(seed):
    """dx and dy right but returned as (dy, dx): the cause says either slip, not only an
    unswitched gate (a human read of a blind catalogue found it one-sided)."""
    from backprop_lab.checks import staged

    def mul_backward(dout, x, y):
        dx, dy = dout * y, dout * x
        return dy, dx
    with pytest.raises(CheckFailure) as failure:
        staged.check_mul_backward(mul_backward, seed=seed)
    text = " ".join(str(failure.value).split())
    assert "dx and dy are exchanged" in text
    assert "or the two gradients are returned in each other's place" in text


@pytest.mark.parametrize("fixed", [1e-5, 1e-3])
@pytest.mark.parametrize("seed", range(5))
def test_a_step_fixed_in_the_division_is_said_as_such(seed, fixed):
    """The difference divided by 2 * a fixed number instead of 2h (seen on a blind
    catalogue): every entry is h/that number times the expected one, on both checks that
    vary h (each has two steps now), five seeds."""
    def numerical_gradient(f, x, h=1e-5):
        grad = np.zeros(x.shape)
        for i in np.ndindex(x.shape):
            old = x[i]
            x[i] = old + h
            plus = f(x)
            x[i] = old - h
            minus = f(x)
            x[i] = old
            grad[i] = (plus - minus) / (2 * fixed)
        return grad
    said = np.format_float_positional(fixed, trim="-")
    for check in (checks.check_numerical_gradient_step, checks.check_numerical_gradient_hidden):
        with pytest.raises(CheckFailure) as failure:
            check(numerical_gradient, seed=seed)
        assert f"every entry of grad is exactly h/{said} times the expected one" in \
            str(failure.value) and "divides by a fixed number where it should divide by h" \
            in str(failure.value), (seed, str(failure.value))
