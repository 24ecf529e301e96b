"""The `sigmoid` assignment's checks: right code passes every test cell, wrong code loses points
with the mistake named."""
from __future__ import annotations

import inspect
import re

import nbformat
import numpy as np
import pytest

from backprop_lab.checks import core, sigmoid as checks
from backprop_lab.checks.core import CheckFailure, StudentCodeError
from backprop_lab.grading import Settings, grade_notebook
from backprop_lab.notebooks import read_notebook
from backprop_lab.isolation.student_process import Limits

from notebook_tools import ROOT, SourceCells, efficiency_margins, given_namespace

NOTEBOOK = SourceCells("sigmoid")
TEST_CELLS, SOLUTIONS = NOTEBOOK.cells, NOTEBOOK.solutions
run_cell = NOTEBOOK.run
sigmoid = given_namespace("sigmoid")["sigmoid"]

BACKWARD_CELLS = ["test_sigmoid_layer_backward", "test_sigmoid_layer_backward_hidden"]
SATURATED_CELLS = ["test_sigmoid_layer_backward_saturated",
                   "test_sigmoid_layer_backward_saturated_hidden"]
FRACTION_CELLS = ["test_saturated_fraction", "test_saturated_fraction_hidden"]


# ---------------------------------------------------------------- the notebook and its solutions

def test_notebook_has_the_documented_test_cells_and_points():
    points = {gid: cell.points for gid, cell in TEST_CELLS.items()}
    assert points == {
        "test_sigmoid_layer_backward": 3, "test_sigmoid_layer_backward_hidden": 2,
        "test_sigmoid_layer_backward_efficiency": 1,
        "test_sigmoid_layer_backward_saturated": 2,
        "test_sigmoid_layer_backward_saturated_hidden": 1,
        "test_saturated_fraction": 2, "test_saturated_fraction_hidden": 1,
        "test_saturated_fraction_scale": 1,
        "test_predict_saturated_share": 1,
    }


@pytest.mark.parametrize("seed", range(40))
def test_correct_code_passes_on_many_seeds(seed):
    backward, forward = SOLUTIONS["sigmoid_layer_backward"], SOLUTIONS["sigmoid_layer_forward"]
    checks.check_sigmoid_layer_backward(backward, forward, seed=seed)
    checks.check_sigmoid_layer_backward_saturated(backward, forward, seed=seed)
    checks.check_saturated_fraction(SOLUTIONS["saturated_fraction"], sigmoid, seed=seed)
    checks.check_saturated_fraction_scale(SOLUTIONS["saturated_fraction"], sigmoid, seed=seed)


def backward_recomputing_a(dz, cache):
    """Correct too: the local gradient from the pre-activation, in a stable form."""
    W, x, _ = cache
    a = W @ x
    e = np.exp(-np.abs(a))
    da = dz * e / (1.0 + e) ** 2
    return W.T @ da, np.outer(da, x)


def backward_z_minus_z_squared(dz, cache):
    W, x, z = cache
    da = dz * (z - z ** 2)
    return np.dot(da, W), da[:, None] * x[None, :]


@pytest.mark.parametrize("fn", [backward_recomputing_a, backward_z_minus_z_squared])
@pytest.mark.parametrize("grade_id", BACKWARD_CELLS + SATURATED_CELLS)
def test_other_correct_backward_passes_pass(fn, grade_id):
    run_cell(grade_id, sigmoid_layer_backward=fn)


def fraction_with_loops(W, X, tol=1e-3):
    count = 0
    for x in X:
        for w in W:
            z = sigmoid(w @ x)
            count += z * (1 - z) < tol
    return count / (len(X) * len(W))


@pytest.mark.parametrize("grade_id", FRACTION_CELLS + ["test_saturated_fraction_scale"])
def test_other_correct_fraction_passes(grade_id):
    run_cell(grade_id, saturated_fraction=fraction_with_loops)


def test_curriculum_figure_weight_scale_100_saturates_over_90_percent():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((500, 10))
    W = 100 * rng.standard_normal((50, 10))
    assert SOLUTIONS["saturated_fraction"](W, X, tol=1e-4) > 0.9


# ---------------------------------------------------------------- not implemented yet

def not_implemented(*args, **kwargs):
    raise NotImplementedError()


@pytest.mark.parametrize("grade_id", sorted(TEST_CELLS))
def test_not_implemented_says_so(grade_id):
    replacements = {"sigmoid_layer_backward": not_implemented,
                    "saturated_fraction": not_implemented,
                    "predict_saturated_share": not_implemented}
    with pytest.raises(StudentCodeError, match="not implemented yet"):
        run_cell(grade_id, **replacements)


# ---------------------------------------------------------------- wrong backward passes

def no_local_gradient(dz, cache):
    W, x, z = cache
    return W.T @ dz, np.outer(dz, x)


def derivative_at_z(dz, cache):
    W, x, z = cache
    s = sigmoid(z)
    da = dz * s * (1 - s)
    return W.T @ da, np.outer(da, x)


def upstream_ignored(dz, cache):
    W, x, z = cache
    da = z * (1 - z)
    return W.T @ da, np.outer(da, x)


def dW_transposed(dz, cache):
    W, x, z = cache
    da = dz * z * (1 - z)
    return W.T @ da, np.outer(x, da)


def dz_in_place(dz, cache):
    W, x, z = cache
    dz *= z * (1 - z)
    return W.T @ dz, np.outer(dz, x)


def cache_in_place(dz, cache):
    W, x, z = cache
    z *= 1 - z
    da = dz * z
    return W.T @ da, np.outer(da, x)


def local_gradient_z_only(dz, cache):
    W, x, z = cache
    da = dz * z
    return W.T @ da, np.outer(da, x)


def returns_da_as_dx(dz, cache):
    W, x, z = cache
    da = dz * z * (1 - z)
    return da, np.outer(da, x)


def dx_as_row(dz, cache):
    W, x, z = cache
    da = dz * z * (1 - z)
    return (W.T @ da)[None, :], np.outer(da, x)


def float32_gradients(dz, cache):
    W, x, z = cache
    da = dz * z * (1 - z)
    return (W.T @ da).astype(np.float32), np.outer(da, x).astype(np.float32)


def returns_one_value(dz, cache):
    W, x, z = cache
    return W.T @ (dz * z * (1 - z))


def three_percent_off_dW(dz, cache):
    W, x, z = cache
    da = dz * z * (1 - z)
    return W.T @ da, np.outer(da, x) * 1.03   # a 3% error


WRONG_BACKWARD = [
    (no_local_gradient, "local gradient is missing"),
    (derivative_at_z, "taken at the output z instead of at the pre-activation"),
    (upstream_ignored, "upstream gradient dz is ignored"),
    (dW_transposed, "dW is transposed"),
    (dz_in_place, "modified dz, its upstream gradient, in place"),
    (cache_in_place, "modified z in the cache in place"),
    (local_gradient_z_only, "the local gradient is z"),
    (returns_da_as_dx, "dx has shape .* the shape of x"),
    (dx_as_row, r"dx has shape \(1, \d\)"),
    (float32_gradients, "dtype float32"),
    (returns_one_value, "must return 2 values"),
    (three_percent_off_dW, "dW is wrong"),
]


@pytest.mark.parametrize("wrong,cause", WRONG_BACKWARD, ids=[f.__name__ for f, _ in WRONG_BACKWARD])
@pytest.mark.parametrize("grade_id", BACKWARD_CELLS)
def test_wrong_backward_fails_with_the_cause_named(wrong, cause, grade_id):
    with pytest.raises(CheckFailure, match=cause):
        run_cell(grade_id, sigmoid_layer_backward=wrong)


def no_local_gradient_message():
    with pytest.raises(CheckFailure) as info:
        run_cell("test_sigmoid_layer_backward", sigmoid_layer_backward=no_local_gradient)
    return str(info.value)


def test_missing_local_gradient_is_about_4x_too_big_with_small_weights():
    message = no_local_gradient_message()
    assert "with small weights" in message and "factor near 4" in message
    pairs = re.findall(r": (-?[\d.e+-]+) vs (-?[\d.e+-]+)", message)
    ratios = [float(a) / float(b) for a, b in pairs]
    assert ratios and all(3.5 < r < 4.5 for r in ratios)


# ---------------------------------------------------------------- the saturated regime

def all_zeros(dz, cache):
    W, x, z = cache
    return np.zeros(W.shape[1]), np.zeros(W.shape)


def zeroes_small_values(dz, cache):
    W, x, z = cache
    s = z * (1 - z)
    s = np.where(s < 1e-8, 0.0, s)
    da = dz * s
    return W.T @ da, np.outer(da, x)


def float32_local_gradient(dz, cache):
    W, x, z = cache
    z32 = z.astype(np.float32)
    da = dz * (z32 * (1 - z32)).astype(np.float64)
    return W.T @ da, np.outer(da, x)


WRONG_SATURATED = [
    (all_zeros, "exactly zero, but here the true gradient is tiny"),
    (zeroes_small_values, "Likely cause: the smallest local gradients were set to exactly 0"),
    (float32_local_gradient, "local gradient was computed in float32"),
    (derivative_at_z, "taken at the output z"),
    (no_local_gradient, "local gradient is missing"),
    (upstream_ignored, "upstream gradient dz is ignored"),
    (dz_in_place, "modified dz"),
    (dW_transposed, "dW is transposed"),
]


@pytest.mark.parametrize("wrong,cause", WRONG_SATURATED,
                         ids=[f.__name__ for f, _ in WRONG_SATURATED])
@pytest.mark.parametrize("grade_id", SATURATED_CELLS)
def test_wrong_saturated_backward_fails_with_the_cause_named(wrong, cause, grade_id):
    with pytest.raises(CheckFailure, match=cause):
        run_cell(grade_id, sigmoid_layer_backward=wrong)


def test_saturated_case_really_is_saturated_and_tiny():
    rng = checks.rng_for(0, "check_sigmoid_layer_backward_saturated")
    W, x = checks._saturated_layer(rng, 6, 4)
    a = W @ x
    assert np.all(np.abs(a) > 10) and np.any(a > 0) and np.any(a < 0)
    assert np.abs(W).mean() > 5
    local = checks._local_gradient(a)
    assert np.all(local < 1e-4) and local.min() < 1e-10


def test_complex_step_reference_is_exact_where_tiny():
    a = np.array([-30.0, -14.0, 0.0, 1.0, 11.0, 16.0, 30.0])
    e = np.exp(-np.abs(a))
    exact = e / (1 + e) ** 2
    assert np.max(np.abs(checks._local_gradient(a) - exact) / exact) < 1e-14


def tanh_forward(W, x):
    z = np.tanh(W @ x)
    return z, (W, x, z)


@pytest.mark.parametrize("grade_id", ["test_sigmoid_layer_backward",
                                      "test_sigmoid_layer_backward_saturated"])
def test_a_changed_given_forward_is_reported(grade_id):
    with pytest.raises(CheckFailure, match="no longer computes"):
        run_cell(grade_id, sigmoid_layer_forward=tanh_forward)


# ---------------------------------------------------------------- wrong saturated_fraction

def inverted(W, X, tol=1e-3):
    Z = sigmoid(X @ W.T)
    return float(np.mean(Z * (1 - Z) >= tol))


def count_not_fraction(W, X, tol=1e-3):
    Z = sigmoid(X @ W.T)
    return int(np.sum(Z * (1 - Z) < tol))


def over_examples(W, X, tol=1e-3):
    Z = sigmoid(X @ W.T)
    return float(np.sum(Z * (1 - Z) < tol) / X.shape[0])


def over_units(W, X, tol=1e-3):
    Z = sigmoid(X @ W.T)
    return float(np.sum(Z * (1 - Z) < tol) / W.shape[0])


def from_preactivation(W, X, tol=1e-3):
    A = X @ W.T
    return float(np.mean(A * (1 - A) < tol))


def sigmoid_twice(W, X, tol=1e-3):
    Z = sigmoid(X @ W.T)
    S = sigmoid(Z)
    return float(np.mean(S * (1 - S) < tol))


def floor_division(W, X, tol=1e-3):
    Z = sigmoid(X @ W.T)
    return np.count_nonzero(Z * (1 - Z) < tol) // Z.size


def only_near_zero(W, X, tol=1e-3):
    return float(np.mean(sigmoid(X @ W.T) < tol))


def only_near_one(W, X, tol=1e-3):
    return float(np.mean(1 - sigmoid(X @ W.T) < tol))


def tol_ignored(W, X, tol=1e-3):
    Z = sigmoid(X @ W.T)
    return float(np.mean(Z * (1 - Z) < 1e-3))


def per_unit(W, X, tol=1e-3):
    Z = sigmoid(X @ W.T)
    return np.mean(Z * (1 - Z) < tol, axis=0)


def centers_X_in_place(W, X, tol=1e-3):
    X -= 1.0
    X += 1.0 + 1e-3
    Z = sigmoid(X @ W.T)
    return float(np.mean(Z * (1 - Z) < tol))


WRONG_FRACTION = [
    (inverted, "wrong way round"),
    (count_not_fraction, "number of saturated pairs, not their fraction"),
    (over_examples, "not over the\\s+N = "),
    (over_units, "not over the\\s+H = "),
    (from_preactivation, "computed from the pre-activation a"),
    (only_near_zero, "only units stuck near 0"),
    (only_near_one, "only units stuck near 1"),
    (tol_ignored, "tol argument is ignored"),
    (per_unit, "returned an array of shape"),
    (centers_X_in_place, "modified its argument X in place"),
]


@pytest.mark.parametrize("wrong,cause", WRONG_FRACTION, ids=[f.__name__ for f, _ in WRONG_FRACTION])
@pytest.mark.parametrize("grade_id", FRACTION_CELLS)
def test_wrong_fraction_fails_with_the_cause_named(wrong, cause, grade_id):
    with pytest.raises(CheckFailure, match=cause):
        run_cell(grade_id, saturated_fraction=wrong)


def always_zero(W, X, tol=1e-3):
    return 0.0


@pytest.mark.parametrize("wrong", [sigmoid_twice, floor_division, always_zero])
@pytest.mark.parametrize("grade_id", FRACTION_CELLS)
def test_a_zero_fraction_names_no_cause(wrong, grade_id):
    """Several slips give exactly 0 on every case (the sigmoid applied twice, an integer
    division `//`, nothing counted, the mean local gradient compared with tol): a cause
    whose value is 0 whatever the pairs cannot be told from the others, so none is named
    (found by human reads of two blind catalogues); the message says the answer is 0."""
    with pytest.raises(CheckFailure) as info:
        run_cell(grade_id, saturated_fraction=wrong)
    message = str(info.value)
    assert "returned 0" in message, message
    assert "Likely cause" not in message and "sigmoid twice" not in message, message


@pytest.mark.parametrize("wrong,cause", [(tol_ignored, "tol argument is ignored"),
                                         (inverted, "wrong way round"),
                                         (from_preactivation, "pre-activation")])
def test_wrong_fraction_fails_the_scale_check(wrong, cause):
    with pytest.raises(CheckFailure, match=cause):
        run_cell("test_saturated_fraction_scale", saturated_fraction=wrong)


def test_scale_check_data_rises_to_over_90_percent():
    rng = checks.rng_for(0, "check_saturated_fraction_scale")
    X = rng.standard_normal((40, 10))
    W0 = rng.standard_normal((8, 10))
    fractions = [SOLUTIONS["saturated_fraction"](c * W0, X, tol=1e-4) for c in checks.SCALES]
    assert fractions == sorted(fractions)
    assert fractions[0] == 0.0 and fractions[-1] > 0.9


# ---------------------------------------------------------------- the generated copies

# the secrets the hidden test cells draw their seeds from
HIDDEN_SEEDS = tuple(re.search(r"seed=hidden_seed\((0x[0-9a-f]{32}), globals\(\)\)",
                               cell.source).group(1)
                     for grade_id, cell in TEST_CELLS.items() if grade_id.endswith("_hidden"))


@pytest.mark.parametrize("folder", ["assignments", "solutions"])
def test_generated_copies_hold_no_hidden_tests(folder):
    path = ROOT / folder / "sigmoid" / "sigmoid.ipynb"
    text = path.read_text(encoding="utf-8")
    assert "BEGIN HIDDEN TESTS" not in text and "END HIDDEN TESTS" not in text
    for seed in HIDDEN_SEEDS:
        assert seed not in text
    # the hidden seeds are really in the source, so the assertion above means something
    source = (ROOT / "source" / "sigmoid" / "sigmoid.ipynb").read_text(encoding="utf-8")
    assert len(HIDDEN_SEEDS) == 3 and all(seed in source for seed in HIDDEN_SEEDS)
    assert read_notebook(path).assignment == "sigmoid"


def test_zeros_with_ordinary_weights_are_not_called_tiny():
    with pytest.raises(CheckFailure, match="nothing flowed back") as info:
        run_cell("test_sigmoid_layer_backward", sigmoid_layer_backward=all_zeros)
    assert "tiny" not in str(info.value)


# ---------------------------------------------------------------- cost: backprop, not numerics

EFFICIENCY_CELL = "test_sigmoid_layer_backward_efficiency"
forward = SOLUTIONS["sigmoid_layer_forward"]


def backward_plain_loops(dz, cache):
    """Correct, and as naive as it gets: a Python loop over every entry of W."""
    W, x, z = cache
    H, D = W.shape
    dx, dW = np.zeros(D), np.zeros((H, D))
    for i in range(H):
        da = dz[i] * z[i] * (1.0 - z[i])
        for j in range(D):
            dW[i, j] = da * x[j]
            dx[j] += W[i, j] * da
    return dx, dW


def backward_by_finite_differences(dz, cache, h=1e-5):
    """Right to about 1e-9, written without a chain rule: two given forward passes per entry
    (`h`, the step)."""
    W, x, _ = cache
    W, x = W.copy(), x.copy()
    grads = []
    for v in (x, W):
        g = np.zeros_like(v)
        for i in np.ndindex(v.shape):
            old = v[i]
            v[i] = old + h
            plus = float(np.sum(dz * forward(W, x)[0]))
            v[i] = old - h
            minus = float(np.sum(dz * forward(W, x)[0]))
            v[i] = old
            g[i] = (plus - minus) / (2 * h)
        grads.append(g)
    return tuple(grads)


def backward_by_complex_step(dz, cache):
    """Exact to rounding, one (complex) forward pass per entry: sigmoid as (1 + tanh(a/2)) / 2."""
    W, x, _ = cache
    Wc, xc = W.astype(complex), x.astype(complex)
    grads = []
    for v, real in ((xc, x), (Wc, W)):
        g = np.zeros(real.shape)
        for i in np.ndindex(real.shape):
            v[i] += 1e-30j
            g[i] = float(np.sum(dz * np.imag(0.5 * (1 + np.tanh(0.5 * (Wc @ xc)))))) / 1e-30
            v[i] = real[i]
        grads.append(g)
    return tuple(grads)


def test_numerical_stand_ins_are_right_on_small_layers():
    """The complex step is exact and plain loops are backprop: the numbers cannot tell the
    first apart, its source can (checks/complex_scan.py; here as in a kernel, by inspect), so
    it loses the correctness test. Finite differences are right to about 1e-10, which the
    check's exactness probe sees: they lose the correctness test too."""
    run_cell("test_sigmoid_layer_backward", sigmoid_layer_backward=backward_plain_loops)
    with pytest.raises(CheckFailure, match="computes with complex numbers"):
        run_cell("test_sigmoid_layer_backward", sigmoid_layer_backward=backward_by_complex_step)
    with pytest.raises(CheckFailure, match="looks like numerical differentiation"):
        run_cell("test_sigmoid_layer_backward",
                 sigmoid_layer_backward=backward_by_finite_differences)


@pytest.mark.parametrize("fn", [SOLUTIONS["sigmoid_layer_backward"], backward_plain_loops,
                                backward_recomputing_a], ids=lambda f: f.__name__)
def test_backprop_and_plain_loops_keep_the_efficiency_point(fn):
    run_cell(EFFICIENCY_CELL, sigmoid_layer_backward=fn)


def test_efficiency_size_is_far_beyond_numerical_differentiation():
    """At the cost test's size, a numerical gradient (one trusted forward pass per entry at
    the least) needs more than twice the budget the check gives (a call over its budget
    loses the point; one at three times it is stopped), so the test below may lower the
    budget. Best of three measurements, as the check measures again before it fails a call
    (a loaded machine stretches both; the margin is about 20 on an idle one, 4 under load)."""
    margins = efficiency_margins(checks, NOTEBOOK.solutions, NOTEBOOK.cells[EFFICIENCY_CELL],
                                 "sigmoid_layer_backward")
    assert max(margins) > 2, margins


@pytest.mark.parametrize("fn", [backward_by_finite_differences, backward_by_complex_step],
                         ids=lambda f: f.__name__)
def test_numerical_gradients_lose_the_efficiency_point(fn, monkeypatch):
    """The budget is lowered to 0.3 s (the stop at 0.9 s): at the real one the stand-ins run
    9 to 17 s before the stop, which the test above shows they reach."""
    monkeypatch.setattr(core, "EFFICIENCY_FLOOR", 0.3)
    monkeypatch.setattr(core, "EFFICIENCY_SLACK", 1e-6)
    with pytest.raises(CheckFailure, match="numerical differentiation") as info:
        run_cell(EFFICIENCY_CELL, sigmoid_layer_backward=fn)
    message = str(info.value)
    assert "(600, 600)" in message and "360,600" in message and "about one forward pass" in message
    seconds, limit = map(float, re.search(r"after ([\d.]+) s .* the limit is ([\d.]+) s",
                                          message).groups())
    assert seconds > limit


@pytest.mark.parametrize("which", [0, 1])
def test_a_fast_wrong_answer_loses_the_efficiency_point(which):
    def off(dz, cache):
        out = list(SOLUTIONS["sigmoid_layer_backward"](dz, cache))
        out[which] = out[which] * 1.03
        return tuple(out)
    with pytest.raises(CheckFailure, match=("dx", "dW")[which] + " is wrong"):
        run_cell(EFFICIENCY_CELL, sigmoid_layer_backward=off)


def test_a_numerical_gradient_in_the_grader_times_out_with_the_reason(tmp_path):
    """Through the grader (student code in a child): the test's time limit stops it, and the
    timeout says why."""
    nb = nbformat.read(ROOT / "source" / "sigmoid" / "sigmoid.ipynb", as_version=4)
    numeric = inspect.getsource(backward_by_finite_differences).replace(
        "backward_by_finite_differences", "sigmoid_layer_backward").replace(
        "forward(W, x)", "sigmoid_layer_forward(W, x)")
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "sigmoid_layer_backward":
            cell.source = numeric
    path = tmp_path / "sigmoid.ipynb"
    nbformat.write(nb, path)
    result = grade_notebook(path, Settings(course=ROOT, limits=Limits(timeout=3.0)))
    tests = {t.name: t for t in result.tests}
    assert tests["test_sigmoid_layer_backward"].status == "failed"
    assert "looks like numerical differentiation" in tests["test_sigmoid_layer_backward"].output
    slow = tests[EFFICIENCY_CELL]
    assert slow.status == "timeout" and slow.score == 0
    assert "time limit exceeded" in slow.output and "numerical differentiation" in slow.output
    assert "`sigmoid_layer_backward` was stopped after" in slow.output
    assert "`sigmoid_layer_backward` had not returned" in slow.output


# ---------------------------------------------------------------- right operation, wrong quantity

def saturated_units(W, X, tol=1e-3):
    Z = sigmoid(X @ W.T)
    return float(np.mean(np.all(Z * (1 - Z) < tol, axis=0)))


def saturated_units_any(W, X, tol=1e-3):
    Z = sigmoid(X @ W.T)
    return float(np.mean(np.any(Z * (1 - Z) < tol, axis=0)))


def saturated_examples(W, X, tol=1e-3):
    Z = sigmoid(X @ W.T)
    return float(np.mean(np.all(Z * (1 - Z) < tol, axis=1)))


@pytest.mark.parametrize("wrong,cause", [
    (saturated_units, "saturated when it is saturated on every\\s+example"),
    (saturated_units_any, "saturated on some\\s+example"),
    (saturated_examples, "examples were counted"),
], ids=["units-every-example", "units-some-example", "examples-every-unit"])
def test_counting_units_instead_of_pairs_is_named(wrong, cause):
    for grade_id in FRACTION_CELLS + ["test_saturated_fraction_scale"]:
        with pytest.raises(CheckFailure, match=cause):
            run_cell(grade_id, saturated_fraction=wrong)


def local_gradient_from_a(dz, cache):
    W, x, z = cache
    a = W @ x
    da = dz * a * (1 - a)
    return W.T @ da, np.outer(da, x)


@pytest.mark.parametrize("wrong,cause", [
    (local_gradient_from_a, "computed from the pre-activation a = W @ x"),
], ids=["from-a"])
def test_more_wrong_backward_passes_are_named(wrong, cause):
    for grade_id in BACKWARD_CELLS:
        with pytest.raises(CheckFailure, match=cause):
            run_cell(grade_id, sigmoid_layer_backward=wrong)


def test_fraction_no_cause_on_a_single_match():
    """Divides by N on the mixed case only (3% off elsewhere): one matching case is not enough."""
    def wrong(W, X, tol=1e-3):
        Z = sigmoid(X @ W.T)
        k = np.sum(Z * (1 - Z) < tol)
        if 0 < k < Z.size and tol == 1e-3:
            return float(k / X.shape[0])
        return 1.03 * float(k / Z.size) + (0.01 if k == 0 else 0.0)
    with pytest.raises(CheckFailure) as failure:
        checks.check_saturated_fraction(wrong, sigmoid)
    assert "Likely cause" not in str(failure.value)


def test_layer_no_cause_on_a_single_match():
    """The missing local gradient on the small-weight layer only: no cause."""
    right = SOLUTIONS["sigmoid_layer_backward"]

    def wrong(dz, cache):
        W = cache[0]
        if np.abs(W).max() < 0.5:
            return no_local_gradient(dz, cache)
        dx, dW = right(dz, cache)
        return 1.03 * dx, 1.03 * dW
    with pytest.raises(CheckFailure) as failure:
        checks.check_sigmoid_layer_backward(wrong, SOLUTIONS["sigmoid_layer_forward"])
    assert "Likely cause" not in str(failure.value)


def _finite_differences(h):
    """backward_by_finite_differences with step h."""
    def backward(dz, cache):
        return backward_by_finite_differences(dz, cache, h)
    return backward


@pytest.mark.parametrize("h", [1e-4, 1e-5, 1e-6])
def test_finite_differences_are_not_counted_as_values_set_to_zero(h):
    """A numerical gradient loses the tiny saturated entries too, but it is off by about 1e-6
    on the others: it is not 'the smallest local gradients set to exactly 0' (#23)."""
    for seed in range(3):
        try:
            checks.check_sigmoid_layer_backward_saturated(_finite_differences(h), forward,
                                                          seed=seed)
        except CheckFailure as failure:
            assert "set to exactly 0" not in str(failure), str(failure)
            assert not any("zeroed" in c for c in failure.cause_ids), failure.cause_ids


@pytest.mark.parametrize("seed", range(5))
def test_a_slip_that_only_comes_near_a_mistake_on_saturated_units_is_not_named_as_it(seed):
    """da = dz + z(1 - z) (the local gradient added, not multiplied) is within 1e-5 of
    'the local gradient missing' (da = dz) when every unit is saturated and z(1 - z) ~ 1e-6.
    The saturated check confirms a cause on a moderate layer too: there they differ."""
    forward = SOLUTIONS["sigmoid_layer_forward"]

    def added(dz, cache):
        W, x = cache[0], cache[1]
        z = forward(W, x)[0]
        da = dz + z * (1 - z)
        return W.T @ da, np.outer(da, x)

    def missing(dz, cache):
        W, x = cache[0], cache[1]
        return W.T @ dz, np.outer(dz, x)
    with pytest.raises(CheckFailure) as failure:
        checks.check_sigmoid_layer_backward_saturated(added, forward, seed=seed)
    assert checks.NO_LOCAL not in str(failure.value)
    with pytest.raises(CheckFailure) as failure:
        checks.check_sigmoid_layer_backward_saturated(missing, forward, seed=seed)
    assert checks.NO_LOCAL in str(failure.value)


@pytest.mark.parametrize("seed", range(5))
def test_a_saturated_fraction_over_the_wrong_count_is_said_as_a_scale(seed):
    def saturated_fraction(W, X, tol=1e-3):
        z = 1 / (1 + np.exp(-(X @ W.T)))
        return float(np.count_nonzero(z * (1 - z) < tol) / (X.shape[0] * X.shape[1]))
    with pytest.raises(CheckFailure) as failure:
        checks.check_saturated_fraction(saturated_fraction, sigmoid, seed=seed)
    text = str(failure.value)
    assert "What differs: your fraction is exactly 3/4 times the expected one" in text, text


@pytest.mark.parametrize("seed", range(5))
def test_a_cause_that_agrees_with_a_slip_on_one_case_only_is_not_named(seed):
    """tanh and 1 - tanh**2 instead of the sigmoid: right wherever |a| < 3 or > 10, and on the
    tol=1e-6 case its count happened to equal the count for the default tol. 'tol ignored'
    is named only where two cases tell it from the right answer."""
    def saturated_fraction(W, X, tol=1e-3):
        t = np.tanh(X @ W.T)
        return float(np.mean(1 - t ** 2 < tol))

    def tol_ignored(W, X, tol=1e-3):
        z = sigmoid(X @ W.T)
        return float(np.mean(z * (1 - z) < 1e-3))
    with pytest.raises(CheckFailure) as failure:
        checks.check_saturated_fraction(saturated_fraction, sigmoid, seed=seed)
    assert "tol argument is ignored" not in str(failure.value)
    with pytest.raises(CheckFailure) as failure:
        checks.check_saturated_fraction(tol_ignored, sigmoid, seed=seed)
    assert "Likely cause: the tol argument is ignored" in str(failure.value)


@pytest.mark.parametrize("seed", range(5))
def test_an_upstream_divided_by_its_size_is_not_said_to_be_ignored(seed):
    """A human read of a blind catalogue found "does not depend on the upstream gradient at
    all" said of a dz divided by its norm: the answer still depends on its direction."""
    right = SOLUTIONS["sigmoid_layer_backward"]

    def normalised(dz, cache):
        return right(dz / np.linalg.norm(dz), cache)
    with pytest.raises(CheckFailure) as failure:
        checks.check_sigmoid_layer_backward(normalised, SOLUTIONS["sigmoid_layer_forward"],
                                            seed=seed)
    text = " ".join(str(failure.value).split())
    assert "does not depend on the upstream gradient at all" not in text
    assert "the upstream gradient left out, or divided by its own size (normalised)" in text


def always_one(W, X, tol=1e-3):
    return 1.0


@pytest.mark.parametrize("grade_id", FRACTION_CELLS)
def test_one_fraction_whatever_the_input_is_said_as_such(grade_id):
    """An answer that is 1 on every case (a local gradient that is always 0 counts every
    pair): the message says it is 1 whatever the input, not that something rounds (the
    expected value of the case it is shown on may be a whole number too)."""
    with pytest.raises(CheckFailure) as info:
        run_cell(grade_id, saturated_fraction=always_one)
    message = str(info.value)
    assert "1 on every case where it is wrong, whatever the input" in message, message
    assert "rounds" not in message, message
