"""The `relu` assignment's checks: right code passes every test cell, wrong code loses points
with the mistake named."""
from __future__ import annotations

import re

import numpy as np
import pytest

from backprop_lab.checks import relu as checks
from backprop_lab.checks.core import CheckFailure, StudentCodeError
from notebook_tools import SourceCells, given_namespace, named

NOTEBOOK = SourceCells("relu")
TEST_CELLS, SOLUTIONS = NOTEBOOK.cells, NOTEBOOK.solutions
run_cell, fails = NOTEBOOK.run, NOTEBOOK.fails
GIVEN = given_namespace("relu")
relu_forward = GIVEN["relu_forward"]
leaky_relu_forward = GIVEN["leaky_relu_forward"]
prelu_forward = GIVEN["prelu_forward"]

RELU_CELLS = ["test_relu_backward", "test_relu_backward_hidden"]
LEAKY_CELLS = ["test_leaky_relu_backward", "test_leaky_relu_backward_hidden"]
PRELU_DA_CELLS = ["test_prelu_backward", "test_prelu_backward_hidden"]
PRELU_DALPHA_CELLS = ["test_prelu_backward_dalpha", "test_prelu_backward_dalpha_hidden"]
DEAD_CELLS = ["test_dead_neuron_fraction", "test_dead_neuron_fraction_hidden"]


# ---------------------------------------------------------------- the notebook and its solutions

def test_notebook_has_the_documented_test_cells_and_points():
    points = {gid: cell.points for gid, cell in TEST_CELLS.items()}
    assert points == {
        "test_relu_backward": 2, "test_relu_backward_hidden": 1, "test_relu_backward_dead": 1,
        "test_dead_neuron_fraction": 2, "test_dead_neuron_fraction_hidden": 1,
        "test_leaky_relu_backward": 2, "test_leaky_relu_backward_hidden": 1,
        "test_leaky_relu_backward_flow": 1,
        "test_prelu_backward": 2, "test_prelu_backward_hidden": 1,
        "test_prelu_backward_dalpha": 2, "test_prelu_backward_dalpha_hidden": 1,
        "test_prelu_backward_flow": 1,
        "test_predict_dead_units": 1,
    }
    for grade_id, cell in TEST_CELLS.items():
        assert ("### BEGIN HIDDEN TESTS" in cell.source) == grade_id.endswith("_hidden")
        if grade_id.endswith("_hidden"):
            assert re.search(r"seed=hidden_seed\(0x[0-9a-f]{32}, globals\(\)\)", cell.source)


@pytest.mark.parametrize("seed", range(40))
def test_correct_code_passes_on_many_seeds(seed):
    s = SOLUTIONS
    checks.check_relu_backward(s["relu_backward"], relu_forward, seed=seed)
    checks.check_relu_backward_dead(s["relu_backward"], relu_forward, seed=seed)
    checks.check_leaky_relu_backward(s["leaky_relu_backward"], leaky_relu_forward, seed=seed)
    checks.check_leaky_relu_backward_flow(s["leaky_relu_backward"], leaky_relu_forward,
                                          seed=seed)
    checks.check_prelu_backward(s["prelu_backward"], prelu_forward, seed=seed)
    checks.check_prelu_backward_dalpha(s["prelu_backward"], prelu_forward, seed=seed)
    checks.check_prelu_backward_flow(s["prelu_backward"], prelu_forward, seed=seed)
    checks.check_dead_neuron_fraction(s["dead_neuron_fraction"], seed=seed)


def test_other_correct_formulations_pass():
    """Masks by multiplication, copies with slice assignment, and a plain Python float."""
    def relu_backward(dout, cache):
        return dout * (cache > 0)

    def leaky_relu_backward(dout, cache):
        a, slope = cache
        da = dout.copy()
        da[a <= 0] *= slope
        return da

    def prelu_backward(dout, cache):
        a, alpha = cache
        negative = a <= 0
        da = dout * np.where(negative, alpha, 1.0)
        dalpha = (dout * a * negative).sum(axis=0)
        return da, dalpha

    def dead_neuron_fraction(W, b, X):
        pre = X @ W.T + b
        return sum(bool(np.max(pre[:, j]) <= 0) for j in range(W.shape[0])) / W.shape[0]

    for grade_id in TEST_CELLS:
        run_cell(grade_id, relu_backward=relu_backward, leaky_relu_backward=leaky_relu_backward,
                 prelu_backward=prelu_backward, dead_neuron_fraction=dead_neuron_fraction)


@pytest.mark.parametrize("grade_id", sorted(TEST_CELLS))
def test_unimplemented_functions_say_so(grade_id):
    stubs = {}
    for name in ("relu_backward", "leaky_relu_backward", "prelu_backward",
                 "dead_neuron_fraction", "predict_dead_units"):
        @named(name)
        def stub(*args):
            raise NotImplementedError()
        stubs[name] = stub
    with pytest.raises(StudentCodeError, match="not implemented yet"):
        run_cell(grade_id, **stubs)


def test_checks_are_deterministic_and_hidden_seeds_differ():
    """Two runs of a check see the same case; another seed sees another case."""
    seen = []

    def spy(dout, cache):
        seen.append(np.array(cache, copy=True))
        return np.where(cache > 0, dout, 0.0)

    runs = []
    for seed in (0, 0, 1):          # each run: the check's cases, then the exactness probe
        start = len(seen)
        checks.check_relu_backward(spy, relu_forward, seed=seed)
        runs.append(seen[start:])
    assert len(runs[0]) == len(runs[1])
    assert all(np.array_equal(a, b) for a, b in zip(runs[0], runs[1]))
    assert runs[0][0].shape != runs[2][0].shape or not np.array_equal(runs[0][0], runs[2][0])


# ---------------------------------------------------------------- relu_backward

def test_relu_upstream_gradient_missing():
    @named("relu_backward")
    def wrong(dout, cache):
        return (cache > 0).astype(np.float64)
    fails(RELU_CELLS, "upstream gradient is missing", relu_backward=wrong)


def test_relu_mask_taken_on_the_upstream_gradient():
    @named("relu_backward")
    def wrong(dout, cache):
        return dout * (dout > 0)
    fails(RELU_CELLS, "mask is taken on the upstream gradient", relu_backward=wrong)
    fails(["test_relu_backward_dead"], "mask is taken on the upstream gradient",
          relu_backward=wrong)


def test_relu_inverted_mask():
    @named("relu_backward")
    def wrong(dout, cache):
        return np.where(cache > 0, 0.0, dout)
    fails(RELU_CELLS, "mask is inverted", relu_backward=wrong)


def test_relu_multiplied_by_the_output():
    @named("relu_backward")
    def wrong(dout, cache):
        return dout * np.maximum(cache, 0)
    fails(RELU_CELLS, "ReLU's output", relu_backward=wrong)


def test_relu_leaking_like_leaky_relu():
    @named("relu_backward")
    def wrong(dout, cache):
        return np.where(cache > 0, dout, 0.01 * dout)
    fails(RELU_CELLS + ["test_relu_backward_dead"], "Leaky ReLU", relu_backward=wrong)


def test_relu_gradient_through_zero_fails_the_dead_unit_test():
    @named("relu_backward")
    def wrong(dout, cache):
        return np.where(cache >= 0, dout, 0.0)
    run_cell("test_relu_backward", relu_backward=wrong)   # inputs are kept away from 0 there
    fails(["test_relu_backward_dead"], r"a == 0 .*`a >= 0`", relu_backward=wrong)


def test_relu_all_zeros_fails_the_dead_unit_test_on_a_live_unit():
    @named("relu_backward")
    def wrong(dout, cache):
        return np.zeros_like(dout)
    fails(["test_relu_backward_dead"], r"is alive at example", relu_backward=wrong)


def test_relu_modifying_the_upstream_gradient_in_place():
    @named("relu_backward")
    def wrong(dout, cache):
        dout[cache <= 0] = 0.0
        return dout
    fails(RELU_CELLS + ["test_relu_backward_dead"], r"modified its argument #1 \(`dout`\)",
          relu_backward=wrong)


def test_relu_modifying_the_cache_in_place():
    @named("relu_backward")
    def wrong(dout, cache):
        mask = cache > 0
        cache[~mask] = 0.0
        return dout * mask
    fails(RELU_CELLS, r"modified its argument #2 \(`cache`\)", relu_backward=wrong)


def test_relu_returning_the_upstream_gradient_itself():
    @named("relu_backward")
    def wrong(dout, cache):
        return dout
    fails(RELU_CELLS, "returned one of its inputs", relu_backward=wrong)


def test_relu_returning_the_boolean_mask():
    @named("relu_backward")
    def wrong(dout, cache):
        return cache > 0
    fails(RELU_CELLS, "boolean array", relu_backward=wrong)


def test_relu_that_only_handles_batches():
    @named("relu_backward")
    def wrong(dout, cache):
        n, h = cache.shape
        return np.array([[dout[i, j] if cache[i, j] > 0 else 0.0 for j in range(h)]
                         for i in range(n)])
    with pytest.raises(StudentCodeError, match="relu_backward"):
        run_cell("test_relu_backward", relu_backward=wrong)


# ---------------------------------------------------------------- leaky_relu_backward

def test_leaky_upstream_gradient_missing():
    @named("leaky_relu_backward")
    def wrong(dout, cache):
        a, slope = cache
        return np.where(a > 0, 1.0, slope)
    fails(LEAKY_CELLS, "upstream gradient is missing", leaky_relu_backward=wrong)


def test_leaky_slope_on_the_wrong_side():
    @named("leaky_relu_backward")
    def wrong(dout, cache):
        a, slope = cache
        return np.where(a > 0, slope * dout, dout)
    fails(LEAKY_CELLS, "slope is on the wrong side", leaky_relu_backward=wrong)
    fails(["test_leaky_relu_backward_flow"], "slope is on the wrong side",
          leaky_relu_backward=wrong)


def test_leaky_slope_hard_coded():
    @named("leaky_relu_backward")
    def wrong(dout, cache):
        a, _ = cache
        return np.where(a > 0, dout, 0.01 * dout)
    fails(LEAKY_CELLS + ["test_leaky_relu_backward_flow"], "slope 0.01 is hard-coded",
          leaky_relu_backward=wrong)


def test_leaky_blocking_the_negative_side_like_relu():
    @named("leaky_relu_backward")
    def wrong(dout, cache):
        a, _ = cache
        return np.where(a > 0, dout, 0.0)
    fails(LEAKY_CELLS, "blocked completely", leaky_relu_backward=wrong)
    fails(["test_leaky_relu_backward_flow"], "some gradient always flows",
          leaky_relu_backward=wrong)


def test_leaky_mask_taken_on_the_upstream_gradient():
    @named("leaky_relu_backward")
    def wrong(dout, cache):
        _, slope = cache
        return np.where(dout > 0, dout, slope * dout)
    fails(LEAKY_CELLS, "mask is taken on the upstream gradient", leaky_relu_backward=wrong)


def test_leaky_modifying_the_upstream_gradient_in_place():
    @named("leaky_relu_backward")
    def wrong(dout, cache):
        a, slope = cache
        dout[a <= 0] *= slope
        return dout
    fails(LEAKY_CELLS + ["test_leaky_relu_backward_flow"], "modified its argument #1",
          leaky_relu_backward=wrong)


# ---------------------------------------------------------------- prelu_backward: da

def prelu_with(da_fn=None, dalpha_fn=None):
    """A prelu_backward that is right except for the part replaced."""
    right = SOLUTIONS["prelu_backward"]

    @named("prelu_backward")
    def fn(dout, cache):
        da, dalpha = right(dout, cache)
        a, alpha = cache
        if da_fn is not None:
            da = da_fn(dout, a, alpha)
        if dalpha_fn is not None:
            dalpha = dalpha_fn(dout, a, alpha)
        return da, dalpha
    return fn


@pytest.mark.parametrize("da_fn, match", [
    (lambda d, a, al: np.where(a > 0, 1.0, al * np.ones_like(a)), "upstream gradient is missing"),
    (lambda d, a, al: np.where(a > 0, al * d, d), "alpha is on the wrong side"),
    (lambda d, a, al: np.where(a > 0, d, 0.0), "negative side is blocked"),
    (lambda d, a, al: np.where(a > 0, d, 0.01 * d), "fixed slope 0.01"),
    (lambda d, a, al: np.where(d > 0, d, al * d), "mask is taken on the upstream gradient"),
    (lambda d, a, al: np.where(a > 0, d, a * d), "belongs in dalpha"),
], ids=["upstream", "wrong-side", "relu", "fixed-0.01", "mask-on-dout", "a-for-alpha"])
def test_prelu_da_mistakes(da_fn, match):
    wrong = prelu_with(da_fn=da_fn)
    fails(PRELU_DA_CELLS, match, prelu_backward=wrong)
    for grade_id in PRELU_DALPHA_CELLS:      # dalpha is right: those points are kept
        run_cell(grade_id, prelu_backward=wrong)


def test_prelu_da_blocked_fails_the_flow_test():
    wrong = prelu_with(da_fn=lambda d, a, al: np.where(a > 0, d, 0.0))
    fails(["test_prelu_backward_flow"], "some gradient always flows", prelu_backward=wrong)


# ---------------------------------------------------------------- prelu_backward: dalpha

@pytest.mark.parametrize("dalpha_fn, match", [
    (lambda d, a, al: np.where(a <= 0, a * d, 0.0), "sum over the batch"),
    (lambda d, a, al: np.sum(np.where(a <= 0, a * d, 0.0), axis=0, keepdims=True),
     "keepdims"),
    (lambda d, a, al: np.sum(np.where(a <= 0, a * d, 0.0), axis=1), "not over the units"),
    (lambda d, a, al: np.mean(np.where(a <= 0, a * d, 0.0), axis=0), "averaged over the batch"),
    (lambda d, a, al: np.sum(a * d, axis=0), "the mask is missing"),
    (lambda d, a, al: np.sum(np.where(a <= 0, d, 0.0), axis=0), "factor `a` is missing"),
    (lambda d, a, al: np.sum(np.where(a <= 0, a, 0.0), axis=0), "upstream gradient is missing"),
    (lambda d, a, al: np.sum(np.where(a > 0, a * d, 0.0), axis=0), "mask is on the wrong side"),
    (lambda d, a, al: np.sum(np.where(a <= 0, al * d, 0.0), axis=0), "instead of by a"),
], ids=["unsummed", "keepdims", "wrong-axis", "averaged", "unmasked", "no-input-factor",
        "no-upstream", "wrong-side", "alpha-for-a"])
def test_prelu_dalpha_mistakes(dalpha_fn, match):
    wrong = prelu_with(dalpha_fn=dalpha_fn)
    fails(PRELU_DALPHA_CELLS, match, prelu_backward=wrong)
    for grade_id in PRELU_DA_CELLS:          # da is right: those points are kept
        run_cell(grade_id, prelu_backward=wrong)


def test_prelu_dalpha_zero_when_alpha_is_zero_fails_the_flow_test():
    wrong = prelu_with(dalpha_fn=lambda d, a, al: np.sum(np.where(a <= 0, al * d, 0.0), axis=0))
    fails(["test_prelu_backward_flow"], "move away from 0", prelu_backward=wrong)


def test_prelu_returning_one_value():
    @named("prelu_backward")
    def wrong(dout, cache):
        a, alpha = cache
        return np.where(a > 0, dout, alpha * dout)
    fails(PRELU_DA_CELLS + PRELU_DALPHA_CELLS, "must return 2 values", prelu_backward=wrong)


def test_prelu_modifying_its_inputs_in_place():
    @named("prelu_backward")
    def wrong(dout, cache):
        a, alpha = cache
        negative = a <= 0
        dalpha = np.sum(np.where(negative, a * dout, 0.0), axis=0)
        dout[negative] *= np.broadcast_to(alpha, a.shape)[negative]
        return dout.copy(), dalpha
    fails(PRELU_DA_CELLS + PRELU_DALPHA_CELLS + ["test_prelu_backward_flow"],
          "modified its argument #1", prelu_backward=wrong)


def test_prelu_returning_alpha_as_dalpha():
    wrong = prelu_with(dalpha_fn=lambda d, a, al: al)
    fails(PRELU_DALPHA_CELLS, "returned one of its inputs as dalpha", prelu_backward=wrong)


# ---------------------------------------------------------------- dead_neuron_fraction

@pytest.mark.parametrize("wrong, match", [
    (lambda W, b, X: float(np.mean(np.any(X @ W.T + b <= 0, axis=0))), r"\*any\* example"),
    (lambda W, b, X: float(np.mean(np.all(X @ W.T + b < 0, axis=0))), r"not `< 0`"),
    (lambda W, b, X: float(np.mean(np.all(X @ W.T <= 0, axis=0))), "bias is missing"),
    (lambda W, b, X: float(np.sum(np.all(X @ W.T + b <= 0, axis=0))), "number of dead units"),
    (lambda W, b, X: float(np.mean(np.any(X @ W.T + b > 0, axis=0))), r"\*live\* units"),
    (lambda W, b, X: float(np.mean(X @ W.T + b <= 0)), r"\(example, unit\) pairs"),
    (lambda W, b, X: float(np.mean(np.all(X @ W.T + b <= 0, axis=1))), "wrong axis"),
], ids=["any", "strict", "no-bias", "count", "alive", "pairs", "axis"])
def test_dead_fraction_mistakes(wrong, match):
    fails(DEAD_CELLS, match, dead_neuron_fraction=named("dead_neuron_fraction")(wrong))


@pytest.mark.parametrize("skipped", [0, -1], ids=["first unit", "last unit"])
def test_a_loop_over_the_units_that_skips_one_end_loses_every_point(skipped):
    """Every graded layer has a killed unit at both ends, on every seed: a loop that never
    looks at the first or the last unit is wrong there, and no cause is named for it."""
    @named("dead_neuron_fraction")
    def wrong(W, b, X):
        dead = np.all(X @ W.T + b <= 0, axis=0)
        keep = np.ones(len(dead), dtype=bool)
        keep[skipped] = False
        return float(np.sum(dead & keep) / len(dead))
    message = fails(DEAD_CELLS, "the fraction of dead units is wrong",
                    dead_neuron_fraction=wrong)
    assert "Likely cause" not in message
    for seed in range(5):
        with pytest.raises(CheckFailure):
            checks.check_dead_neuron_fraction(wrong, seed=seed)


def test_dead_fraction_modifying_its_inputs():
    @named("dead_neuron_fraction")
    def wrong(W, b, X):
        X[0, 0] += 1.0
        return float(np.mean(np.all(X @ W.T + b <= 0, axis=0)))
    fails(DEAD_CELLS, "modified its argument #3", dead_neuron_fraction=wrong)


def test_dead_fraction_returning_an_array():
    @named("dead_neuron_fraction")
    def wrong(W, b, X):
        return np.all(X @ W.T + b <= 0, axis=0).astype(float)
    fails(DEAD_CELLS, "must be a number", dead_neuron_fraction=wrong)


# ---------------------------------------------------------------- hints hold on other cases

def _mistakes():
    """(check, wrong function, given forwards, cause) for the usual mistakes, called directly."""
    relu, leaky, prelu = (relu_forward,), (leaky_relu_forward,), (prelu_forward,)
    c = checks
    table = [
        (c.check_relu_backward, lambda d, a: (a > 0).astype(float), relu, "upstream gradient"),
        (c.check_relu_backward, lambda d, a: d * (d > 0), relu, "on the upstream gradient"),
        (c.check_relu_backward, lambda d, a: np.where(a > 0, 0.0, d), relu, "inverted"),
        (c.check_relu_backward, lambda d, a: np.where(a > 0, d, 0.01 * d), relu, "Leaky"),
        (c.check_relu_backward_dead, lambda d, a: np.where(a >= 0, d, 0.0), relu, "a >= 0"),
        (c.check_leaky_relu_backward, lambda d, k: np.where(k[0] > 0, k[1] * d, d), leaky,
         "wrong side"),
        (c.check_leaky_relu_backward, lambda d, k: np.where(k[0] > 0, d, 0.01 * d), leaky,
         "hard-coded"),
        (c.check_leaky_relu_backward_flow, lambda d, k: np.where(k[0] > 0, d, 0.0), leaky,
         "always flows"),
    ]
    for da_fn, match in [(lambda d, a, al: np.where(a > 0, al * d, d), "wrong side"),
                         (lambda d, a, al: np.where(a > 0, d, a * d), "belongs in dalpha")]:
        table.append((c.check_prelu_backward, prelu_with(da_fn=da_fn), prelu, match))
    for dalpha_fn, match in [
            (lambda d, a, al: np.mean(np.where(a <= 0, a * d, 0.0), axis=0), "averaged"),
            (lambda d, a, al: np.sum(a * d, axis=0), "mask is missing"),
            (lambda d, a, al: np.sum(np.where(a <= 0, d, 0.0), axis=0), "factor `a`"),
            (lambda d, a, al: np.sum(np.where(a > 0, a * d, 0.0), axis=0), "wrong side")]:
        table.append((c.check_prelu_backward_dalpha, prelu_with(dalpha_fn=dalpha_fn), prelu,
                      match))
    for fn, match in [
            (lambda W, b, X: float(np.mean(np.any(X @ W.T + b <= 0, axis=0))), r"\*any\*"),
            (lambda W, b, X: float(np.mean(np.all(X @ W.T + b < 0, axis=0))), "`< 0`"),
            (lambda W, b, X: float(np.mean(np.all(X @ W.T <= 0, axis=0))), "bias is missing"),
            (lambda W, b, X: float(np.mean(X @ W.T + b <= 0)), "pairs")]:
        table.append((c.check_dead_neuron_fraction, fn, (), match))
    return table


@pytest.mark.parametrize("seed", range(1, 26))
def test_hints_name_the_mistake_on_many_seeds(seed):
    for check, wrong, given, match in _mistakes():
        with pytest.raises(CheckFailure, match=match):
            check(wrong, *given, seed=seed)


# ---------------------------------------------------------------- right operation, wrong quantity

def _prelu_out(a, al):
    return np.where(a > 0, a, al * a)


@pytest.mark.parametrize("da_fn, dalpha_fn, cells, match", [
    (lambda d, a, al: np.where(_prelu_out(a, al) > 0, d, al * d), None, PRELU_DA_CELLS,
     r"mask is taken on the output \(`out > 0`\)"),
    (lambda d, a, al: np.where(_prelu_out(a, al) < 0, al * d, d), None, PRELU_DA_CELLS,
     r"mask is taken on the output"),
    (None, lambda d, a, al: np.sum(np.where(_prelu_out(a, al) <= 0, a * d, 0.0), axis=0),
     PRELU_DALPHA_CELLS, r"mask is taken on the output \(`out <= 0`\)"),
    (None, lambda d, a, al: np.sum(np.where(a <= 0, a * d, 0.0)), PRELU_DALPHA_CELLS,
     r"single number (?s:.*)Likely cause: dalpha was summed over the units too"),
    (None, lambda d, a, al: np.full(al.shape, np.sum(np.where(a <= 0, a * d, 0.0))),
     PRELU_DALPHA_CELLS, "summed over the units too"),
], ids=["da-mask-on-output", "da-mask-on-output-strict", "dalpha-mask-on-output", "dalpha-one-number", "dalpha-all-units"])
def test_prelu_wrong_quantity_is_named(da_fn, dalpha_fn, cells, match):
    fails(cells, match, prelu_backward=prelu_with(da_fn=da_fn, dalpha_fn=dalpha_fn))


@pytest.mark.parametrize("wrong", [
    lambda W, b, X: float(np.mean(np.all(W <= 0, axis=1))),
    lambda W, b, X: float(np.mean(np.all(W <= 0, axis=1) & (b <= 0))),
    lambda W, b, X: float(np.mean(W.sum(axis=1) + b <= 0)),
    lambda W, b, X: float(np.mean(b <= 0)),
], ids=["weights-nonpositive", "weights-and-bias", "weight-sum", "bias-only"])
def test_dead_units_judged_by_weights_are_named(wrong):
    fails(DEAD_CELLS, "judged by their weights",
          dead_neuron_fraction=named("dead_neuron_fraction")(wrong))


def test_dead_fraction_no_cause_on_a_single_match():
    """Gives the 'any example' answer on the checked layer only, then 3% off the truth."""
    calls = []

    @named("dead_neuron_fraction")
    def wrong(W, b, X):
        calls.append(1)
        pre = X @ W.T + b
        if len(calls) == 1:
            return float(np.mean(np.any(pre <= 0, axis=0)))
        return 1.03 * float(np.mean(np.all(pre <= 0, axis=0)))
    with pytest.raises(CheckFailure) as failure:
        checks.check_dead_neuron_fraction(wrong)
    assert "Likely cause" not in str(failure.value)
    # the checked layer and four probe layers, then each of the five kinds of unit alone
    # (the explainer's which-kinds-are-right), each called once; and three wrong layers
    # once more with the variables watched (its `pre` is right: nothing is put in its place)
    assert len(calls) == 5 + 5 + 3


def test_dead_fraction_right_by_chance_on_the_checked_layer_still_fails():
    """The biases replaced by their median: right on the checked layer of some seeds (7, 10
    and 11 of these twelve, before the other layers were graded), wrong on every seed."""
    @named("dead_neuron_fraction")
    def median_bias(W, b, X):
        return float(np.mean(np.all(X @ W.T + np.median(b) <= 0, axis=0)))
    said_another = 0
    for seed in range(12):
        with pytest.raises(CheckFailure) as failure:
            checks.check_dead_neuron_fraction(median_bias, seed=seed)
        said_another += "for another layer" in str(failure.value)
    assert said_another >= 1


def test_prelu_no_cause_on_a_single_match():
    """The output-mask mistake on the checked case, 3% off on the probe: no cause."""
    calls = []
    right = SOLUTIONS["prelu_backward"]

    @named("prelu_backward")
    def wrong(dout, cache):
        calls.append(1)
        a, alpha = cache
        da, dalpha = right(dout, cache)
        if len(calls) == 1:
            return np.where(_prelu_out(a, alpha) > 0, dout, alpha * dout), dalpha
        return 1.03 * da, dalpha
    with pytest.raises(CheckFailure) as failure:
        checks.check_prelu_backward(wrong, prelu_forward)
    assert "Likely cause" not in str(failure.value)


@pytest.mark.parametrize("seed", range(5))
def test_a_dead_fraction_over_the_wrong_count_is_said_as_a_ratio_of_sizes(seed):
    from backprop_lab.checks import relu as relu_checks

    def dead_neuron_fraction(W, b, X):
        dead = np.all(X @ W.T + b <= 0, axis=0)
        return float(dead.sum() / X.shape[0])        # over the examples, not the units
    with pytest.raises(CheckFailure) as failure:
        relu_checks.check_dead_neuron_fraction(dead_neuron_fraction, seed=seed)
    assert "is exactly H/N times the expected one" in str(failure.value)


def test_a_relu_mask_taken_from_the_upstream_gradient_is_said_with_the_condition():
    """Said where both cases are wrong (on most seeds), and never anything else."""
    def relu_backward(dout, cache):
        return dout * (dout > 0)
    forward = given_namespace("relu")["relu_forward"]
    said = 0
    for seed in range(5):
        with pytest.raises(CheckFailure) as failure:
            checks.check_relu_backward(relu_backward, forward, seed=seed)
        text = str(failure.value)
        if "What differs" in text:
            # the condition on the case's entries, or the rule read off along a (the sweep)
            assert "where dout > 0 and is 0 elsewhere; the right one lets it through where " \
                   "a > 0" in text or ("1 for every a for a positive upstream gradient, and 0 "
                                       "for every a for a negative one: which entries pass "
                                       "depends on the sign of the upstream gradient") in text, text
            said += 1
    assert said >= 3


@pytest.mark.parametrize("seed", range(5))
def test_which_kinds_of_unit_a_dead_fraction_gets_wrong_is_said(seed):
    """Each kind of unit alone (a layer of one): a majority rule counts a unit alive on a
    single example as dead, and the message says so in the check's words."""
    from backprop_lab.checks import relu as relu_checks

    def dead_neuron_fraction(W, b, X):
        inactive = (X @ W.T + b <= 0).mean(axis=0)
        return float(np.mean(inactive > 0.5))
    with pytest.raises(CheckFailure) as failure:
        relu_checks.check_dead_neuron_fraction(dead_neuron_fraction, seed=seed)
    text = " ".join(str(failure.value).split())
    assert re.search(r"and wrong for [^:]*a unit alive on a single example, which yours counts "
                     r"as dead", text), text


@pytest.mark.parametrize("seed", range(5))
def test_a_dead_fraction_of_zero_names_no_cause_whose_prediction_is_zero(seed):
    """A test that never holds (the ReLU's output < 0) returns 0; the 'wrong axis' hint
    also predicts 0 on these layers, which tells nothing: no cause is named."""
    from backprop_lab.checks import relu as relu_checks

    def dead_neuron_fraction(W, b, X):
        out = np.maximum(X @ W.T + b, 0)
        return float(np.mean(np.all(out < 0, axis=0)))
    with pytest.raises(CheckFailure) as failure:
        relu_checks.check_dead_neuron_fraction(dead_neuron_fraction, seed=seed)
    text = str(failure.value)
    assert "all zeros" in text and "wrong axis" not in text and "Likely cause" not in text


def test_the_flow_test_says_a_row_left_out_as_such():
    """A leaky_relu_backward whose loop never writes the last row: the flow test's message
    says which rows are 0 (not "instead of blocking the gradient", which it does not do:
    found by a human read of a blind catalogue); one that blocks every negative entry still
    hears about the slope."""
    @named("leaky_relu_backward")
    def last_row_left(dout, cache):
        a, slope = cache
        da = np.zeros_like(dout)
        for n in range(len(a) - 1):
            da[n] = np.where(a[n] > 0, dout[n], slope * dout[n])
        return da
    message = fails(["test_leaky_relu_backward_flow"], "is 0 although dout",
                    leaky_relu_backward=last_row_left)
    assert "only in row" in message and "instead of blocking" not in message, message

    @named("leaky_relu_backward")
    def blocked(dout, cache):
        a, slope = cache
        return np.where(a > 0, dout, 0.0)
    message = fails(["test_leaky_relu_backward_flow"], "is 0 although dout",
                    leaky_relu_backward=blocked)
    assert "instead of blocking the gradient" in message, message


def test_a_slope_taken_from_the_upstream_is_not_said_as_a_mask_from_its_sign():
    """prelu's da multiplied by dalpha where alpha belongs (seen on a blind catalogue): the
    local derivative along a has the right pieces with values that follow the upstream
    gradient; which entries pass does not depend on its sign, and is never said to. Five
    seeds."""
    def prelu_backward(dout, cache):
        a, _alpha = cache
        negative = a <= 0
        dalpha = np.sum(np.where(negative, a * dout, 0.0), axis=0)
        return np.where(negative, dalpha * dout, dout), dalpha
    forward = given_namespace("relu")["prelu_forward"]
    said = 0
    for seed in range(5):
        with pytest.raises(CheckFailure) as failure:
            checks.check_prelu_backward(prelu_backward, forward, seed=seed)
        text = str(failure.value)
        assert "which entries pass" not in text, text
        said += "the values it uses depend on the upstream gradient" in text
    assert said >= 3
