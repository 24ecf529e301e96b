"""The `rnn` checks: the worked solutions pass, usual mistakes fail with the named cause."""
from __future__ import annotations

import re

import numpy as np
import pytest

from backprop_lab.checks import core, exactness, rnn as checks
from backprop_lab.checks.core import CheckFailure, StudentCodeError
from backprop_lab.notebooks import TEST
from notebook_tools import (
    solution_namespace, source_notebook, cells_for, efficiency_margins,
    run_test_cell as run_cell,
)

FUNCTIONS = ("relu_rnn_backward", "spectral_radius", "rnn_step_backward", "rnn_backward",
             "clip_grad_norm", "clip_grad_value")


@pytest.fixture(scope="module")
def ns():
    return solution_namespace("rnn")


# ---------------------------------------------------------------- the notebook itself


# ---------------------------------------------------------------- helpers

def public_checks(ns):
    """Every public check with the given forwards it takes, by graded function."""
    f = ns
    return {
        "relu_rnn_backward": [
            lambda s: checks.check_relu_rnn_backward(s, f["relu_rnn_forward"]),
            lambda s: checks.check_relu_rnn_backward_long(s, f["relu_rnn_forward"]),
            lambda s: checks.check_relu_rnn_backward_explode_vanish(s, f["relu_rnn_forward"]),
            lambda s: checks.check_relu_rnn_backward_efficiency(s, f["relu_rnn_forward"]),
        ],
        "spectral_radius": [checks.check_spectral_radius],
        "rnn_step_backward": [
            lambda s: checks.check_rnn_step_backward(s, f["rnn_step_forward"]),
            lambda s: checks.check_rnn_step_backward_efficiency(s, f["rnn_step_forward"])],
        "rnn_backward": [
            lambda s: checks.check_rnn_backward(s, f["rnn_forward"], f["rnn_step_forward"]),
            lambda s: checks.check_rnn_backward_long(s, f["rnn_forward"]),
            lambda s: checks.check_rnn_backward_efficiency(s, f["rnn_forward"]),
        ],
        "clip_grad_norm": [checks.check_clip_grad_norm, checks.check_clip_grad_norm_small],
        "clip_grad_value": [checks.check_clip_grad_value],
    }


@pytest.mark.parametrize("function", FUNCTIONS)
def test_not_implemented_is_reported_as_such(ns, function):
    def stub(*args, **kwargs):
        raise NotImplementedError()
    stub.__name__ = function
    for check in public_checks(ns)[function]:
        with pytest.raises(StudentCodeError, match="not implemented yet"):
            check(stub)


def test_a_crash_in_student_code_is_a_student_error(ns):
    def relu_rnn_backward(dhs, cache):
        return 1 / 0
    with pytest.raises(StudentCodeError, match="ZeroDivisionError"):
        checks.check_relu_rnn_backward(relu_rnn_backward, ns["relu_rnn_forward"])


# ---------------------------------------------------------------- relu_rnn_backward

def relu_bptt(dhs, cache, *, accumulate=True, carry_on=True, mask="own", prev0="h0",
              carry_T=True, outer_T=False, steps=None, inplace=False, own_state=False):
    """A ReLU-RNN backward pass with one usual mistake switched on at a time."""
    Whh, h0, hs = cache
    T, H = hs.shape
    dWhh = np.zeros_like(Whh)
    carry = np.zeros(H)
    for t in (reversed(range(T)) if steps is None else steps(T)):
        if inplace:
            dhs[t] += carry
            g = dhs[t]
        else:
            g = dhs[t] + (carry if carry_on else 0.0)
        if mask == "own":
            m = hs[t] > 0
        elif mask == "previous":
            m = (hs[t - 1] if t > 0 else h0) > 0
        else:                                   # hs[t-1] even at t = 0 (hs[-1])
            m = hs[t - 1] > 0
        delta = g * m
        h_prev = hs[t - 1] if (t > 0 or prev0 != "h0") else h0
        if own_state:
            h_prev = hs[t]
        term = np.outer(h_prev, delta) if outer_T else np.outer(delta, h_prev)
        dWhh = dWhh + term if accumulate else term
        carry = (Whh.T if carry_T else Whh) @ delta
    return dWhh, carry


RELU_MISTAKES = {
    "assigned": (dict(accumulate=False), "assigned .* instead of accumulated"),
    "no carry": (dict(carry_on=False), r"carry from step t\+1 is missing"),
    "mask of the previous step": (dict(mask="previous"), "mask of the wrong step"),
    "mask of hs[t-1] even at t=0": (dict(mask="python"), "mask of the wrong step"),
    "hs[-1] as the state before step 0": (dict(prev0="python"), r"`hs\[-1\]`"),
    "dWhh transposed": (dict(outer_T=True), "dWhh is transposed"),
    "carry without transpose": (dict(carry_T=False), "missing transpose"),
    "loop stops before 0": (dict(steps=lambda T: range(T - 1, 0, -1)), "the loop skips a step"),
    "loop starts at T-2": (dict(steps=lambda T: range(T - 2, -1, -1)), "the loop skips a step"),
    "time walked forward": (dict(steps=range), "time steps are walked forward"),
    "dWhh from the step's own state": (dict(own_state=True), r"its own state hs\[t\]"),
}


@pytest.mark.parametrize("mistake", RELU_MISTAKES)
def test_relu_rnn_backward_mistakes_are_named(ns, mistake):
    kwargs, cause = RELU_MISTAKES[mistake]

    def relu_rnn_backward(dhs, cache):
        return relu_bptt(dhs, cache, **kwargs)
    with pytest.raises(CheckFailure, match=cause):
        checks.check_relu_rnn_backward(relu_rnn_backward, ns["relu_rnn_forward"])
    # the long check fails too (with a general message)
    with pytest.raises(CheckFailure, match="relu_rnn_backward"):
        checks.check_relu_rnn_backward_long(relu_rnn_backward, ns["relu_rnn_forward"])


def _relu_loop(dhs, cache, join, early=False):
    """A ReLU-RNN backward loop whose delta is join(own upstream, carry, mask); `early`:
    the carry line moved above the delta (dh0 is then what reaches hs[0] from step 1)."""
    Whh, h0, hs = cache
    T, H = hs.shape
    dWhh, carry = np.zeros_like(Whh), np.zeros(H)
    for t in reversed(range(T)):
        delta = join(dhs[t], carry, hs[t] > 0)
        if early:
            dh0 = carry
        dWhh += np.outer(delta, hs[t - 1] if t > 0 else h0)
        carry = Whh.T @ delta
    return dWhh, (dh0 if early else carry)


@pytest.mark.parametrize("join, early, said", [
    (lambda d, c, m: d + c * m, False, "mask applied to the carried gradient only"),
    (lambda d, c, m: d * m + c, False, "mask applied to the step's own upstream dhs[t] only"),
    (lambda d, c, m: (d + c) * m, True, "dh0 equals what flows back to hs[0] from step 1")])
def test_relu_rnn_backward_loop_slips_are_said(ns, join, early, said):
    """Relations the explainer finds with the trusted loop's parts: which part the mask
    reaches, and dh0 taken one line early."""
    def relu_rnn_backward(dhs, cache):
        return _relu_loop(dhs, cache, join, early)
    with pytest.raises(CheckFailure) as info:
        checks.check_relu_rnn_backward(relu_rnn_backward, ns["relu_rnn_forward"])
    assert said in str(info.value), str(info.value)


def test_relu_rnn_backward_that_modifies_dhs_fails(ns):
    def relu_rnn_backward(dhs, cache):
        return relu_bptt(dhs, cache, inplace=True)
    with pytest.raises(CheckFailure, match="modified its argument #1"):
        checks.check_relu_rnn_backward(relu_rnn_backward, ns["relu_rnn_forward"])


def test_relu_rnn_backward_wrong_shape_fails(ns):
    def relu_rnn_backward(dhs, cache):
        dWhh, dh0 = relu_bptt(dhs, cache)
        return dWhh, dh0[None, :]
    with pytest.raises(CheckFailure, match=r"dh0 has shape \(1, 5\), expected \(5,\)"):
        checks.check_relu_rnn_backward(relu_rnn_backward, ns["relu_rnn_forward"])


def test_relu_rnn_backward_returning_a_cache_array_fails(ns):
    def relu_rnn_backward(dhs, cache):
        dWhh, dh0 = relu_bptt(dhs, cache)
        Whh = cache[0]
        Whh[...] = dWhh                 # reuses (and overwrites) an input array
        return Whh, dh0
    with pytest.raises(CheckFailure, match="modified its argument|returned one of its inputs"):
        checks.check_relu_rnn_backward(relu_rnn_backward, ns["relu_rnn_forward"])


def test_explode_vanish_needs_the_carry(ns):
    def relu_rnn_backward(dhs, cache):
        return relu_bptt(dhs, cache, carry_on=False)
    with pytest.raises(CheckFailure, match=r"dh0 is exactly zero.*carry from step t\+1"):
        checks.check_relu_rnn_backward_explode_vanish(relu_rnn_backward, ns["relu_rnn_forward"])


def test_a_dh0_of_exactly_zero_is_not_blamed_on_the_carry_alone(ns):
    """The state itself as the ReLU's slope: the gradient vanishes to exactly 0 with its
    carry present; the message gives that cause beside the missing carry (a reader of a
    blind catalogue found the carry alone misleading), on five seeds."""
    def relu_rnn_backward(dhs, cache):
        Whh, h0, hs = cache
        dWhh, carry = np.zeros_like(Whh), np.zeros_like(h0)
        for t in reversed(range(len(hs))):
            delta = (dhs[t] + carry) * hs[t]          # the state where its 0/1 slope belongs
            dWhh += np.outer(delta, hs[t - 1] if t > 0 else h0)
            carry = Whh.T @ delta
        return dWhh, carry
    for seed in range(5):
        with pytest.raises(CheckFailure, match="exactly zero") as failure:
            checks.check_relu_rnn_backward_explode_vanish(relu_rnn_backward,
                                                          ns["relu_rnn_forward"], seed=seed)
        assert "a factor that is 0 or tiny where the ReLU's slope (0 or 1) belongs" \
            in str(failure.value), str(failure.value)


def test_explode_vanish_fails_a_gradient_that_does_not_explode(ns):
    def relu_rnn_backward(dhs, cache):
        dWhh, dh0 = relu_bptt(dhs, cache)
        return dWhh, dh0 / max(1.0, np.linalg.norm(dh0))   # never longer than 1
    with pytest.raises(CheckFailure, match="should have exploded"):
        checks.check_relu_rnn_backward_explode_vanish(relu_rnn_backward, ns["relu_rnn_forward"])


def test_explode_vanish_fails_a_gradient_that_does_not_vanish(ns):
    def relu_rnn_backward(dhs, cache):
        dWhh, dh0 = relu_bptt(dhs, cache)
        return dWhh, dh0 + 1e-2 * dhs[-1]   # a leak straight from the last state
    with pytest.raises(CheckFailure, match="should have vanished"):
        checks.check_relu_rnn_backward_explode_vanish(relu_rnn_backward, ns["relu_rnn_forward"])


# ---------------------------------------------------------------- rnn_step_backward

def step_bptt(dnext_h, cache, *, deriv="next", prev_T=True, dWh_T=False, db="sum",
              dWx_T=False, dWh_next=False, f32=False):
    x, prev_h, Wx, Wh, next_h = cache
    if f32:          # the whole step in float32, the results turned back into float64
        dnext_h, x, prev_h, Wx, Wh, next_h = (np.asarray(v, dtype=np.float32) for v in
                                              (dnext_h, x, prev_h, Wx, Wh, next_h))
    local = {"next": 1 - next_h ** 2, "none": 1.0, "prev": 1 - prev_h ** 2,
             "twice": 1 - np.tanh(next_h) ** 2, "one_minus_h": 1 - next_h}[deriv]
    da = dnext_h * local
    dx = da @ Wx.T
    dprev_h = da @ (Wh.T if prev_T else Wh)
    dWx = da.T @ x if dWx_T else x.T @ da
    dWh = da.T @ prev_h if dWh_T else (next_h if dWh_next else prev_h).T @ da
    if f32:
        db = da.sum(axis=0)
        return tuple(np.asarray(v, dtype=np.float64) for v in (dx, dprev_h, dWx, dWh, db))
    db = {"sum": da.sum(axis=0), "mean": da.mean(axis=0), "none": da}[db]
    return dx, dprev_h, dWx, dWh, db


STEP_MISTAKES = {
    "no tanh derivative": (dict(deriv="none"), "tanh derivative is missing"),
    "derivative at prev_h": (dict(deriv="prev"), "tanh derivative of the wrong step"),
    "tanh twice": (dict(deriv="twice"), "tanh applied twice"),
    "dprev_h without transpose": (dict(prev_T=False), "missing transpose"),
    "dWh transposed": (dict(dWh_T=True), "dWh is transposed"),
    "db averaged": (dict(db="mean"), "db is averaged"),
    "db not summed": (dict(db="none"), "forget to sum over the batch"),
    "dWx transposed": (dict(dWx_T=True), "looks transposed"),
    "tanh derivative as 1 - h": (dict(deriv="one_minus_h"), r"not 1 - next_h: with next_h"),
    "dWh from next_h": (dict(dWh_next=True), "dWh is built from next_h"),
    "float32 arithmetic": (dict(f32=True), "float32 precision"),
}


@pytest.mark.parametrize("mistake", STEP_MISTAKES)
def test_rnn_step_backward_mistakes_are_named(ns, mistake):
    kwargs, cause = STEP_MISTAKES[mistake]

    def rnn_step_backward(dnext_h, cache):
        return step_bptt(dnext_h, cache, **kwargs)
    with pytest.raises(CheckFailure, match=cause):
        checks.check_rnn_step_backward(rnn_step_backward, ns["rnn_step_forward"])


def step_missing_transpose(dnext_h, cache):
    x, prev_h, Wx, Wh, next_h = cache
    da = dnext_h * (1 - next_h ** 2)
    dx = da @ Wx
    return dx, da @ Wh.T, x.T @ da, prev_h.T @ da, da.sum(axis=0)


def test_a_crash_from_a_missing_transpose_shows_the_line_and_the_shapes(ns):
    with pytest.raises(StudentCodeError) as failure:
        checks.check_rnn_step_backward(step_missing_transpose, ns["rnn_step_forward"])
    text = str(failure.value)
    assert "in your line `dx = da @ Wx`: da has shape (3, 5) and Wx has shape (4, 5)" in text
    assert "Likely cause: a missing transpose; da @ Wx.T would fit." in text


def test_rnn_step_no_cause_on_a_single_approximate_match(ns):
    """Behaves like the 1 - h mistake on the checked step, 3% off on the probe: no cause."""
    calls = []

    def rnn_step_backward(dnext_h, cache):
        calls.append(1)
        if len(calls) == 1:
            return step_bptt(dnext_h, cache, deriv="one_minus_h")
        return tuple(1.03 * v for v in step_bptt(dnext_h, cache))
    with pytest.raises(CheckFailure) as failure:
        checks.check_rnn_step_backward(rnn_step_backward, ns["rnn_step_forward"])
    assert "Likely cause" not in str(failure.value)
    assert len(calls) >= 2            # the probe ran (and the explainer may call it again)


def test_rnn_step_backward_that_modifies_dnext_h_fails(ns):
    def rnn_step_backward(dnext_h, cache):
        dnext_h *= 1 - cache[4] ** 2
        return step_bptt(dnext_h, cache, deriv="none")
    with pytest.raises(CheckFailure, match="modified its argument #1"):
        checks.check_rnn_step_backward(rnn_step_backward, ns["rnn_step_forward"])


# ---------------------------------------------------------------- rnn_backward

def forward_steps(T):
    return range(T)


def rnn_bptt(dh, cache, step, *, carry_on=True, accumulate=True, steps=None, db_div=1,
             dWh_T=False, inplace=False):
    N, T, H = dh.shape
    db_div = N if db_div == "N" else db_div
    x0, _, Wx, Wh, _ = cache[0]
    dx = np.zeros((N, T, x0.shape[1]))
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(H)
    dprev = np.zeros((N, H))
    for t in (reversed(range(T)) if steps is None else steps(T)):
        if inplace:
            dh[:, t] += dprev
            g = dh[:, t]
        else:
            g = dh[:, t] + (dprev if carry_on else 0.0)
        dx[:, t], dprev, dWx_t, dWh_t, db_t = step(g, cache[t])
        if accumulate:
            dWx, dWh, db = dWx + dWx_t, dWh + dWh_t, db + db_t / db_div
        else:
            dWx, dWh, db = dWx_t, dWh_t, db_t / db_div
    return dx, dprev, dWx, (dWh.T if dWh_T else dWh), db


RNN_MISTAKES = {
    "no carry": (dict(carry_on=False), r"carry from step t\+1 is missing"),
    "assigned": (dict(accumulate=False), "assigned .* instead of accumulated"),
    "loop stops before 0": (dict(steps=lambda T: range(T - 1, 0, -1)), "the loop skips a step"),
    "loop starts at T-2": (dict(steps=lambda T: range(T - 2, -1, -1)), "the loop skips a step"),
    "db averaged over the batch": (dict(db_div="N"), "db is averaged"),
    "dWh transposed": (dict(dWh_T=True), "dWh is transposed"),
    "time walked forward": (dict(steps=forward_steps), "time steps are walked forward"),
}


@pytest.mark.parametrize("mistake", RNN_MISTAKES)
def test_rnn_backward_mistakes_are_named(ns, mistake):
    kwargs, cause = RNN_MISTAKES[mistake]
    step = ns["rnn_step_backward"]

    def rnn_backward(dh, cache):
        return rnn_bptt(dh, cache, step, **kwargs)
    with pytest.raises(CheckFailure, match=cause):
        checks.check_rnn_backward(rnn_backward, ns["rnn_forward"], ns["rnn_step_forward"])
    with pytest.raises(CheckFailure, match="rnn_backward"):
        checks.check_rnn_backward_long(rnn_backward, ns["rnn_forward"])


def test_rnn_backward_long_says_when_only_the_last_step_is_right(ns):
    step = ns["rnn_step_backward"]

    def rnn_backward(dh, cache):
        return rnn_bptt(dh, cache, step, carry_on=False)
    with pytest.raises(CheckFailure, match="right at the last step but wrong before it"):
        checks.check_rnn_backward_long(rnn_backward, ns["rnn_forward"])


def test_rnn_backward_long_does_not_call_a_carry_counted_too_often_missing(ns):
    """A carry added to itself over the steps (`dprev += ...` kept across steps) also leaves
    only the last step right: the hint names the carry being wrong in either direction, not
    only missing (a human read of a blind catalogue found the old hint pointing the wrong
    way)."""
    step = ns["rnn_step_backward"]

    def rnn_backward(dh, cache):
        N, T, H = dh.shape
        x0, _, Wx, Wh, _ = cache[0]
        dx = np.zeros((N, T, x0.shape[1]))
        dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(H)
        carry = np.zeros((N, H))
        for t in reversed(range(T)):
            dx[:, t], dprev, dWx_t, dWh_t, db_t = step(dh[:, t] + carry, cache[t])
            carry = carry + dprev
            dWx, dWh, db = dWx + dWx_t, dWh + dWh_t, db + db_t
        return dx, dprev, dWx, dWh, db
    with pytest.raises(CheckFailure) as info:
        checks.check_rnn_backward_long(rnn_backward, ns["rnn_forward"])
    message = " ".join(str(info.value).split())
    assert "right at the last step but wrong before it" in message, message
    assert "added to itself" in message and "Usually the carry" not in message, message


def test_rnn_backward_with_a_wrong_step_backward_fails(ns):
    def rnn_backward(dh, cache):
        return rnn_bptt(dh, cache, lambda d, c: step_bptt(d, c, prev_T=False))
    with pytest.raises(CheckFailure, match="rnn_backward"):
        checks.check_rnn_backward(rnn_backward, ns["rnn_forward"], ns["rnn_step_forward"])


def test_rnn_backward_that_modifies_dh_fails(ns):
    step = ns["rnn_step_backward"]

    def rnn_backward(dh, cache):
        return rnn_bptt(dh, cache, step, inplace=True)
    with pytest.raises(CheckFailure, match="modified its argument #1"):
        checks.check_rnn_backward(rnn_backward, ns["rnn_forward"], ns["rnn_step_forward"])


# ---------------------------------------------------------------- clipping

def global_norm(grads):
    return float(np.sqrt(sum(np.sum(g ** 2) for g in grads.values())))


def clip_separately(grads, max_norm):
    out = {}
    for k, g in grads.items():
        n = np.linalg.norm(g)
        out[k] = g * (max_norm / n if n > max_norm else 1.0)
    return out, global_norm(grads)


def clip_squared(grads, max_norm):
    total = global_norm(grads) ** 2
    return {k: g * (max_norm / total if total > max_norm else 1.0) for k, g in grads.items()}, total


def clip_reports_after(grads, max_norm):
    total = global_norm(grads)
    scale = max_norm / total if total > max_norm else 1.0
    return {k: g * scale for k, g in grads.items()}, total * scale


def clip_sum_of_norms(grads, max_norm):
    total = float(sum(np.linalg.norm(g) for g in grads.values()))
    scale = max_norm / total if total > max_norm else 1.0
    return {k: g * scale for k, g in grads.items()}, total


def clip_nothing(grads, max_norm):
    return {k: g.copy() for k, g in grads.items()}, global_norm(grads)


def clip_always(grads, max_norm):
    total = global_norm(grads)
    return {k: g * (max_norm / total) for k, g in grads.items()}, total


def clip_in_place(grads, max_norm):
    total = global_norm(grads)
    for g in grads.values():
        g *= min(1.0, max_norm / total)
    return {k: g.copy() for k, g in grads.items()}, total


def clip_same_dict(grads, max_norm):
    total = global_norm(grads)
    if total > max_norm:
        return {k: g * (max_norm / total) for k, g in grads.items()}, total
    return grads, total


def clip_same_arrays(grads, max_norm):
    total = global_norm(grads)
    if total > max_norm:
        return {k: g * (max_norm / total) for k, g in grads.items()}, total
    return dict(grads), total


def clip_entries_by_value(grads, max_norm):
    total = global_norm(grads)
    return {k: np.clip(g, -max_norm, max_norm) for k, g in grads.items()}, total


CLIP_NORM_MISTAKES = [
    (clip_entries_by_value, "check_clip_grad_norm", "clipped by value"),
    (clip_separately, "check_clip_grad_norm", "clipped separately"),
    (clip_squared, "check_clip_grad_norm", "squared norm"),
    (clip_reports_after, "check_clip_grad_norm", "BEFORE clipping"),
    (clip_sum_of_norms, "check_clip_grad_norm", "were added"),
    (clip_nothing, "check_clip_grad_norm", "nothing was scaled"),
    (clip_always, "check_clip_grad_norm_small", "rescaled"),
    (clip_squared, "check_clip_grad_norm_small", "squared norm"),
    (clip_in_place, "check_clip_grad_norm", "modified its argument"),
    (clip_same_dict, "check_clip_grad_norm_small", "returned its input dict"),
    (clip_same_arrays, "check_clip_grad_norm_small", "returned one of its inputs"),
]


@pytest.mark.parametrize("wrong, check, cause", CLIP_NORM_MISTAKES,
                         ids=[f"{w.__name__}-{c}" for w, c, _ in CLIP_NORM_MISTAKES])
def test_clip_grad_norm_mistakes_are_named(wrong, check, cause):
    with pytest.raises(CheckFailure, match=cause):
        getattr(checks, check)(wrong)


def clip_only_long_arrays(grads, max_norm):
    """Each array scaled by the global factor only when its own norm is above max_norm."""
    total = global_norm(grads)
    scale = max_norm / total if total > max_norm else 1.0
    return {k: g * scale if np.linalg.norm(g) > max_norm else g.copy()
            for k, g in grads.items()}, total


def clip_skips_vectors(grads, max_norm):
    """The 1-D arrays (biases) left out of the scaling."""
    total = global_norm(grads)
    scale = max_norm / total if total > max_norm else 1.0
    return {k: g * scale if g.ndim > 1 else g.copy() for k, g in grads.items()}, total


@pytest.mark.parametrize("wrong, said", [
    (clip_only_long_arrays, "is below max_norm"), (clip_skips_vectors, "'b', whose own norm")])
def test_clip_grad_norm_says_which_arrays_are_left_as_they_came(wrong, said):
    """An array left unscaled: the message says it equals the array as it came, and which
    arrays (by their own norms) are right and which are wrong, on five seeds."""
    for seed in range(5):
        with pytest.raises(CheckFailure) as failure:
            checks.check_clip_grad_norm(wrong, seed=seed)
        text = " ".join(str(failure.value).split())
        if "just above max_norm" in text:    # every array of the first dict was long
            assert "Likely cause: nothing was scaled" in text, (seed, text)
            continue
        assert "equals the array as it came (not scaled) (on the cases where it is wrong)" \
            in text, text
        wrong_part = text.split("and wrong for", 1)[1]
        assert said in wrong_part, (seed, text)


def clip_upper_only(grads, clip_value):
    return {k: np.minimum(g, clip_value) for k, g in grads.items()}


def clip_zero_low(grads, clip_value):
    return {k: np.clip(g, 0.0, clip_value) for k, g in grads.items()}


def clip_value_by_norm(grads, clip_value):
    return clip_always(grads, clip_value)[0]


def clip_value_in_place(grads, clip_value):
    for g in grads.values():
        np.clip(g, -clip_value, clip_value, out=g)
    return {k: g.copy() for k, g in grads.items()}


CLIP_VALUE_MISTAKES = [
    (clip_upper_only, "only the upper bound"),
    (clip_zero_low, "lower bound is -clip_value"),
    (clip_value_by_norm, "clipping by norm"),
    (clip_value_in_place, "modified its argument"),
]


@pytest.mark.parametrize("wrong, cause", CLIP_VALUE_MISTAKES,
                         ids=[w.__name__ for w, _ in CLIP_VALUE_MISTAKES])
def test_clip_grad_value_mistakes_are_named(wrong, cause):
    with pytest.raises(CheckFailure, match=cause):
        checks.check_clip_grad_value(wrong)


# ---------------------------------------------------------------- spectral_radius

SPECTRAL_MISTAKES = [
    (lambda W: float(np.linalg.norm(W, 2)), "largest singular value"),
    (lambda W: float(np.max(np.linalg.eigvals(W).real)), "by value, not by magnitude"),
    (lambda W: float(np.max(np.abs(np.linalg.eigvals(W).real))), "real parts"),
    (lambda W: float(np.max(np.abs(np.linalg.eigvalsh(W)))), "symmetric"),
    (lambda W: np.max(np.linalg.eigvals(W)), "complex number"),
    (lambda W: float(np.linalg.norm(W)), "Frobenius"),
    (lambda W: np.abs(np.linalg.eigvals(W)), "returned an array"),
]


@pytest.mark.parametrize("wrong, cause", SPECTRAL_MISTAKES, ids=[c for _, c in SPECTRAL_MISTAKES])
def test_spectral_radius_mistakes_are_named(wrong, cause):
    with pytest.raises(CheckFailure, match=cause):
        checks.check_spectral_radius(wrong)


def test_spectral_radius_mistake_on_some_matrices_only_names_nothing():
    """Largest by value only when every eigenvalue is real, right otherwise: the 'by value'
    mistake predicts a wrong number for the complex matrices, where this function is right,
    so it is not verified on every case and no cause is named."""
    def spectral_radius(W):
        ev = np.linalg.eigvals(W)
        if np.all(np.abs(ev.imag) < 1e-9):
            return float(np.max(ev.real))
        return float(np.max(np.abs(ev)))
    with pytest.raises(CheckFailure, match="spectral radius is wrong") as failure:
        checks.check_spectral_radius(spectral_radius)
    assert "Likely cause" not in str(failure.value)


def test_spectral_radius_by_construction_matches_numpy():
    """The matrices of the check really have the eigenvalues it claims."""
    rng = np.random.default_rng(5)
    W = checks._with_eigenvalues(rng, real=[-2.5, 0.3], pairs=[(0.6, 1.6)])
    ev = np.sort_complex(np.linalg.eigvals(W))
    assert np.allclose(ev, np.sort_complex(np.array([-2.5, 0.3, 0.6 - 1.6j, 0.6 + 1.6j])))


# ---------------------------------------------------------------- a 3% error is not tolerated

def scaled(fn, which, factor=1.03):
    """fn with output number `which` multiplied by `factor` (a small but real error)."""
    def wrong(*args):
        out = list(fn(*args))
        out[which] = out[which] * factor
        return tuple(out)
    wrong.__name__ = fn.__name__
    return wrong


@pytest.mark.parametrize("which", [0, 1])
def test_relu_rnn_backward_three_percent_off_fails(ns, which):
    wrong = scaled(ns["relu_rnn_backward"], which)
    for check in (checks.check_relu_rnn_backward, checks.check_relu_rnn_backward_long):
        with pytest.raises(CheckFailure, match=("dWhh", "dh0")[which] + " is wrong"):
            check(wrong, ns["relu_rnn_forward"])


@pytest.mark.parametrize("which", range(5))
def test_rnn_step_backward_three_percent_off_fails(ns, which):
    wrong = scaled(ns["rnn_step_backward"], which)
    name = ("dx", "dprev_h", "dWx", "dWh", "db")[which]
    with pytest.raises(CheckFailure, match=name + " is wrong"):
        checks.check_rnn_step_backward(wrong, ns["rnn_step_forward"])


@pytest.mark.parametrize("which", range(5))
def test_rnn_backward_three_percent_off_fails(ns, which):
    wrong = scaled(ns["rnn_backward"], which)
    name = ("dx", "dh0", "dWx", "dWh", "db")[which]
    with pytest.raises(CheckFailure, match=name + " is wrong"):
        checks.check_rnn_backward(wrong, ns["rnn_forward"], ns["rnn_step_forward"])
    with pytest.raises(CheckFailure, match=name + " is wrong"):
        checks.check_rnn_backward_long(wrong, ns["rnn_forward"])


def test_rnn_backward_long_finds_an_error_the_sampled_entries_miss(ns):
    """One wrong entry of dWh, unlikely to be sampled: the random directions catch it and
    the message still names dWh."""
    def rnn_backward(dh, cache):
        dx, dh0, dWx, dWh, db = ns["rnn_backward"](dh, cache)
        dWh = dWh.copy()
        dWh[7, 11] += 50.0 * np.max(np.abs(dWh))
        return dx, dh0, dWx, dWh, db
    with pytest.raises(CheckFailure, match="dWh is wrong"):
        checks.check_rnn_backward_long(rnn_backward, ns["rnn_forward"])


def test_spectral_radius_three_percent_off_fails(ns):
    def spectral_radius(W):
        return 1.03 * ns["spectral_radius"](W)
    with pytest.raises(CheckFailure, match="spectral radius is wrong"):
        checks.check_spectral_radius(spectral_radius)


def test_clipping_three_percent_off_fails(ns):
    def clip_grad_norm(grads, max_norm):
        clipped, total = ns["clip_grad_norm"](grads, max_norm)
        return {k: 1.03 * v for k, v in clipped.items()}, total

    def clip_grad_value(grads, clip_value):
        return ns["clip_grad_value"](grads, 1.03 * clip_value)
    with pytest.raises(CheckFailure, match="clipped"):
        checks.check_clip_grad_norm(clip_grad_norm)
    with pytest.raises(CheckFailure, match="clipped"):
        checks.check_clip_grad_value(clip_grad_value)


# ---------------------------------------------------------------- cost: backprop, not numerics
# Correct but naive implementations keep the efficiency points; numerical gradients of the
# given forward (right to 1e-9 or better, and written without any chain rule) lose them.

def loop_step_backward(dnext_h, cache):
    """Correct, with plain Python loops over every entry (no matrix products at all)."""
    x, prev_h, Wx, Wh, next_h = cache
    N, D = x.shape
    H = Wh.shape[0]
    dx, dprev, dWx, dWh, db = (np.zeros((N, D)), np.zeros((N, H)), np.zeros((D, H)),
                               np.zeros((H, H)), np.zeros(H))
    for n in range(N):
        for j in range(H):
            g = dnext_h[n, j] * (1.0 - next_h[n, j] ** 2)
            db[j] += g
            for i in range(D):
                dWx[i, j] += x[n, i] * g
                dx[n, i] += Wx[i, j] * g
            for i in range(H):
                dWh[i, j] += prev_h[n, i] * g
                dprev[n, i] += Wh[i, j] * g
    return dx, dprev, dWx, dWh, db


def loop_rnn_backward(dh, cache):
    """Correct: the loop over time around the plain-loop step above."""
    N, T, H = dh.shape
    D = cache[0][0].shape[1]
    dx, dWx, dWh, db = np.zeros((N, T, D)), np.zeros((D, H)), np.zeros((H, H)), np.zeros(H)
    dprev = np.zeros((N, H))
    for t in reversed(range(T)):
        dx_t, dprev, dWx_t, dWh_t, db_t = loop_step_backward(dh[:, t, :] + dprev, cache[t])
        dx[:, t, :] = dx_t
        dWx, dWh, db = dWx + dWx_t, dWh + dWh_t, db + db_t
    return dx, dprev, dWx, dWh, db


def loop_relu_rnn_backward(dhs, cache):
    """Correct, with plain Python loops over every entry of Whh at every step."""
    Whh, h0, hs = cache
    T, H = hs.shape
    dWhh, carry = np.zeros((H, H)), np.zeros(H)
    for t in reversed(range(T)):
        prev = hs[t - 1] if t > 0 else h0
        new = np.zeros(H)
        for i in range(H):
            d = dhs[t, i] + carry[i] if hs[t, i] > 0 else 0.0
            for j in range(H):
                dWhh[i, j] += d * prev[j]
                new[j] += Whh[i, j] * d
        carry = new
    return dWhh, carry


def numerical(f, arrays, complex_step):
    """The gradient of the scalar f(*arrays) with respect to each array, entry by entry."""
    grads = []
    for k, a in enumerate(arrays):
        g = np.zeros(a.shape)
        z = [b.astype(complex) for b in arrays] if complex_step else list(arrays)
        for i in np.ndindex(a.shape):
            if complex_step:
                z[k][i] += 1e-30j
                g[i] = np.imag(f(*z)) / 1e-30
                z[k][i] = a[i]
            else:
                old = a[i]
                a[i] = old + 1e-5
                plus = f(*arrays)
                a[i] = old - 1e-5
                minus = f(*arrays)
                a[i] = old
                g[i] = (plus - minus) / 2e-5
        grads.append(g)
    return tuple(grads)


def numerical_backwards(ns, complex_step):
    """Backward passes that differentiate the given forwards numerically (b recovered from the
    cache, as a student who reads the forward could)."""
    step_forward, forward, relu_forward = (ns["rnn_step_forward"], ns["rnn_forward"],
                                           ns["relu_rnn_forward"])

    def rnn_step_backward(dnext_h, cache):
        x, prev_h, Wx, Wh, next_h = cache
        b = np.arctanh(next_h[0]) - x[0] @ Wx - prev_h[0] @ Wh
        args = [x.copy(), prev_h.copy(), Wx.copy(), Wh.copy(), b]
        return numerical(lambda *a: np.sum(dnext_h * step_forward(*a)[0]), args, complex_step)

    def rnn_backward(dh, cache):
        x = np.stack([c[0] for c in cache], axis=1)
        x0, h0, Wx, Wh, next0 = cache[0]
        b = np.arctanh(next0[0]) - x0[0] @ Wx - h0[0] @ Wh
        args = [x, h0.copy(), Wx.copy(), Wh.copy(), b]
        return numerical(lambda *a: np.sum(dh * forward(*a)[0]), args, complex_step)

    def relu_rnn_backward(dhs, cache):
        Whh, h0, hs = cache
        T = hs.shape[0]
        return numerical(lambda W, h: np.sum(dhs * relu_forward(W, h, T)[0]),
                         [Whh.copy(), h0.copy()], complex_step)

    return {"rnn_step_backward": rnn_step_backward, "rnn_backward": rnn_backward,
            "relu_rnn_backward": relu_rnn_backward}


LOOPS = {"rnn_step_backward": loop_step_backward, "rnn_backward": loop_rnn_backward,
         "relu_rnn_backward": loop_relu_rnn_backward}
SLOW = ("relu_rnn_backward", "rnn_step_backward", "rnn_backward")


def efficiency_cell(function):
    [cell] = [c for c in source_notebook("rnn").of_kind(TEST)
              if c.grade_id == f"test_{function}_efficiency"]
    return cell


@pytest.mark.parametrize("function", SLOW)
def test_numerical_and_loop_stand_ins_are_right_on_small_cases(ns, function, monkeypatch):
    """Loops and the complex step are right to rounding (the full gradient check): the
    numbers cannot tell the complex step apart, its source can (checks/complex_scan.py, here
    as in a kernel), so it loses the test. Finite differences are right to about 1e-10, which
    the check's exactness probe sees."""
    [cell] = [c for c in cells_for("rnn", function) if c.grade_id == f"test_{function}"]
    run_cell(ns, cell, **{function: LOOPS[function]})
    with pytest.raises(CheckFailure, match="computes with complex numbers"):
        run_cell(ns, cell, **{function: numerical_backwards(ns, True)[function]})
    # the probe alone (these stand-ins share a helper with a complex branch, which the
    # source reading would name first)
    monkeypatch.setattr(exactness, "function_findings", lambda fn: None)
    with pytest.raises(CheckFailure, match="looks like numerical differentiation"):
        run_cell(ns, cell, **{function: numerical_backwards(ns, False)[function]})


@pytest.mark.parametrize("kind", ["solution", "loops"])
@pytest.mark.parametrize("function", SLOW)
def test_backprop_and_plain_loops_keep_the_efficiency_point(ns, function, kind):
    fn = ns[function] if kind == "solution" else LOOPS[function]
    run_cell(ns, efficiency_cell(function), **{function: fn})


@pytest.mark.parametrize("function", SLOW)
def test_efficiency_size_is_far_beyond_numerical_differentiation(ns, function):
    """At the cost test's size, a numerical gradient (one trusted forward pass per entry at
    the least) needs more than twice the budget the check gives (a call over its budget
    loses the point; one at three times it is stopped), so the test below may lower the
    budget. Best of three measurements, as the check measures again before it fails a call
    (a loaded machine stretches both; the margin is about 20 on an idle one, 4 under load)."""
    margins = efficiency_margins(checks, ns, efficiency_cell(function), function)
    assert max(margins) > 2, margins


@pytest.mark.parametrize("complex_step", [False, True], ids=["differences", "complex_step"])
@pytest.mark.parametrize("function", SLOW)
def test_numerical_gradients_lose_the_efficiency_point(ns, function, complex_step, monkeypatch):
    """The budget is lowered to 0.3 s (the stop at 0.9 s): at the real one the stand-ins run
    10 to 30 s before the stop, which the test above shows they reach."""
    monkeypatch.setattr(core, "EFFICIENCY_FLOOR", 0.3)
    monkeypatch.setattr(core, "EFFICIENCY_SLACK", 1e-6)
    fn = numerical_backwards(ns, complex_step)[function]
    with pytest.raises(CheckFailure, match="numerical differentiation") as info:
        run_cell(ns, efficiency_cell(function), **{function: fn})
    message = str(info.value)
    assert f"`{function}` was stopped after" in message and "about one forward pass" in message
    seconds, limit = map(float, re.search(r"after ([\d.]+) s .* the limit is ([\d.]+) s",
                                          message).groups())
    assert seconds > limit


@pytest.mark.parametrize("function, which", [("relu_rnn_backward", 0), ("relu_rnn_backward", 1)]
                         + [("rnn_step_backward", i) for i in range(5)]
                         + [("rnn_backward", i) for i in range(5)])
def test_a_fast_wrong_answer_loses_the_efficiency_point(ns, function, which):
    with pytest.raises(CheckFailure, match=" is wrong"):
        run_cell(ns, efficiency_cell(function), **{function: scaled(ns[function], which)})


def _clip_norm_reporting(total_of):
    """clip_grad_norm that clips right but reports total_of(grads) as the norm."""
    def clip_grad_norm(grads, max_norm):
        norm = float(np.sqrt(sum(np.sum(g ** 2) for g in grads.values())))
        return {k: g * min(1.0, max_norm / norm) for k, g in grads.items()}, total_of(grads)
    return clip_grad_norm


def _entries(grads):
    return np.concatenate([g.ravel() for g in grads.values()])


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("total_of, said", [
    (lambda g: float(np.sqrt(np.mean(_entries(g) ** 2))), "the root mean square"),
    (lambda g: float(np.max(np.abs(_entries(g)))), "the largest absolute entry"),
    (lambda g: float(np.sum(np.abs(_entries(g)))), "the sum of the absolute values"),
    (lambda g: float(np.sum(_entries(g) ** 2)), "the square of the expected value")])
def test_a_total_norm_that_is_another_size_of_the_gradients_is_said_as_which(seed, total_of,
                                                                            said):
    with pytest.raises(CheckFailure) as failure:
        checks.check_clip_grad_norm(_clip_norm_reporting(total_of), seed=seed)
    assert said in str(failure.value)


@pytest.mark.parametrize("seed", range(5))
def test_a_spectral_radius_left_squared_is_said_as_the_square(seed):
    def spectral_radius(W):
        ev = np.linalg.eigvals(W)
        return float(np.max(ev.real ** 2 + ev.imag ** 2))
    with pytest.raises(CheckFailure) as failure:
        checks.check_spectral_radius(spectral_radius, seed=seed)
    assert "is the square of the expected value" in str(failure.value)


@pytest.mark.parametrize("seed", range(5))
def test_dh0_taken_before_step_0s_backward_is_said_as_that_gradient(ns, seed):
    """dh0 returned as the gradient arriving at h[:, 0] instead of what step 0 sends back."""
    def rnn_backward(dh, cache):
        N, T, H = dh.shape
        dx, carry, shared = None, np.zeros((N, H)), [0.0, 0.0, 0.0]
        for t in reversed(range(T)):
            arriving = dh[:, t] + carry
            out = ns["rnn_step_backward"](arriving, cache[t])
            if dx is None:
                dx = np.zeros((N, T, out[0].shape[1]))
            dx[:, t], carry = out[0], out[1]
            shared = [s + o for s, o in zip(shared, out[2:])]
        return (dx, arriving, *shared)
    with pytest.raises(CheckFailure) as failure:
        checks.check_rnn_backward(rnn_backward, ns["rnn_forward"], ns["rnn_step_forward"],
                                  seed=seed)
    assert "dh0 equals the gradient arriving at h[:, 0]" in str(failure.value)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("clip, said", [
    (lambda g, c: g.copy(), "equals the array as it came (not clipped)"),
    (lambda g, c: np.sign(g) * c, "has the same size"),
    (lambda g, c: np.minimum(g, c), "the entries below -clip_value are wrong and the rest is "
                                    "right")])
def test_a_clip_by_value_slip_is_said_by_what_it_does_to_the_entries(seed, clip, said):
    def clip_grad_value(grads, clip_value):
        return {k: clip(g, clip_value) for k, g in grads.items()}
    with pytest.raises(CheckFailure) as failure:
        checks.check_clip_grad_value(clip_grad_value, seed=seed)
    assert said in str(failure.value)


@pytest.mark.parametrize("seed", range(5))
def test_step_0_paired_with_zeros_is_not_called_a_skipped_step(ns, seed):
    """h0 taken as zeros at step 0 gives the same dWhh as a loop that skips step 0's share:
    the numbers cannot tell them apart, so neither cause is named for dWhh."""
    def relu_rnn_backward(dhs, cache):
        Whh, h0, hs = cache
        T, H = hs.shape
        dWhh, carry = np.zeros_like(Whh), np.zeros(H)
        for t in reversed(range(T)):
            delta = (dhs[t] + carry) * (hs[t] > 0)
            dWhh += np.outer(delta, hs[t - 1] if t > 0 else np.zeros(H))
            carry = Whh.T @ delta
        return dWhh, carry
    with pytest.raises(CheckFailure) as failure:
        checks.check_relu_rnn_backward(relu_rnn_backward, ns["relu_rnn_forward"], seed=seed)
    assert checks.RELU_SKIP not in str(failure.value)
    assert checks.RELU_PREV_ZERO in str(failure.value)      # dh0 is right: this one fits


@pytest.mark.parametrize("join, said", [
    ("minus", "starts from its upstream gradient minus the carried gradient"),
    ("accumulate", "the carried gradient is accumulated from time step to time step")])
def test_rnn_backward_joining_the_carry_another_way_is_said(ns, join, said):
    """explain.carry_rules, walked with the trusted steps (five seeds)."""
    step = ns["rnn_step_backward"]

    def rnn_backward(dh, cache):
        N, T, H = dh.shape
        dx = np.zeros((N, T, cache[0][0].shape[1]))
        dWx = dWh = db = 0.0
        carry = np.zeros((N, H))
        for t in reversed(range(T)):
            up = dh[:, t] - carry if join == "minus" else dh[:, t] + carry
            dx[:, t], dprev, dWx_t, dWh_t, db_t = step(up, cache[t])
            carry = carry + dprev if join == "accumulate" else dprev
            dWx, dWh, db = dWx + dWx_t, dWh + dWh_t, db + db_t
        return dx, dprev, dWx, dWh, db
    for seed in range(5):
        with pytest.raises(CheckFailure, match="What differs: .*" + said):
            checks.check_rnn_backward(rnn_backward, ns["rnn_forward"], ns["rnn_step_forward"],
                                      seed=seed)


@pytest.mark.parametrize("seed", range(5))
def test_which_dicts_a_wrong_total_norm_gets_right_is_said(seed):
    """The square of each array's sum in place of its sum of squares is right only for
    arrays of one entry: asked on simpler dicts, the message says so."""
    def clip_grad_norm(grads, max_norm):
        total = float(np.sqrt(sum(np.sum(g) ** 2 for g in grads.values())))
        scale = min(1.0, max_norm / total)
        return {k: g * scale for k, g in grads.items()}, total
    with pytest.raises(CheckFailure) as failure:
        checks.check_clip_grad_norm(clip_grad_norm, seed=seed)
    assert "total_norm is right for a dict of arrays of one entry each; and wrong for" in \
        " ".join(str(failure.value).split())


@pytest.mark.parametrize("seed", range(5))
def test_a_clip_test_on_the_squared_norm_fails_both_ways(seed):
    """A held-out slip that once passed every test: comparing the squared norm with max_norm
    clips too much above 1 and too little below it."""
    def clip_grad_norm(grads, max_norm):
        total_sq = float(sum(np.sum(g ** 2) for g in grads.values()))
        total = float(np.sqrt(total_sq))
        scale = max_norm / total if total_sq > max_norm else 1.0
        return {k: g * scale for k, g in grads.items()}, total
    with pytest.raises(CheckFailure, match="nothing was scaled"):
        checks.check_clip_grad_norm(clip_grad_norm, seed=seed)
    with pytest.raises(CheckFailure, match="below max_norm was rescaled"):
        checks.check_clip_grad_norm_small(clip_grad_norm, seed=seed)


@pytest.mark.parametrize("seed", range(5))
def test_an_rnn_backward_that_mixes_the_examples_is_said(ns, seed):
    """The upstream gradient averaged over the batch before the loop (a habit from losses
    that are means): one example's change moves every row of dx."""
    step = ns["rnn_step_backward"]

    def rnn_backward(dh, cache):
        return rnn_bptt(np.broadcast_to(dh.mean(axis=0), dh.shape).copy(), cache, step)
    with pytest.raises(CheckFailure) as failure:
        checks.check_rnn_backward(rnn_backward, ns["rnn_forward"], ns["rnn_step_forward"],
                                  seed=seed)
    assert "your dx changes in the rows of the other examples too" in \
        " ".join(str(failure.value).split())


@pytest.mark.parametrize("seed", range(5))
def test_clip_grad_value_wrong_on_one_array_says_which_arrays_are_right(seed):
    """Arrays of one kind left unclipped (the 1-D ones, a weight-decay habit): the message
    says which of the arrays are right and which wrong."""
    def only_matrices(grads, clip_value):
        return {k: np.clip(g, -clip_value, clip_value) if g.ndim > 1 else g.copy()
                for k, g in grads.items()}
    with pytest.raises(CheckFailure) as failed:
        checks.check_clip_grad_value(only_matrices, seed=seed)
    message = str(failed.value)
    assert "right for the 2-D array 'Wx'; for the 2-D array 'Wh'; and wrong for the 1-D " \
        "array 'b'" in message, message
