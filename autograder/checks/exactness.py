"""Backprop is exact; finite differences are not. A gate on every check of a backward pass.

A backward pass made of the chain rule gives each derivative to rounding (about 1e-15
relative, whatever the order of its operations); centered differences of the forward pass are
off by 1e-11 to 1e-6 relative (truncation h**2 against rounding eps * |f| / h), and a step
that crosses a kink (ReLU, max, Huber) is off by a half or more. Each probe below calls the
student's backward pass once or a few times on a small case built so that the gap is wide
(entries of large size where rounding shows: |f| much larger than |f'|), and compares it
with the exact gradient (complex step of the trusted forward, or the closed form where the
forward has a comparison). `guard_backprop(globals())`, at the end of a checks module, makes
each listed check run its probe after the check itself passed: a wrong implementation keeps
the check's own message, a numerical one loses every test of the function.

Closeness to the truth alone does not name the cause: a formula that is a little wrong on the
probe's case (one-hot labels' formula where the labels nearly sum to 1, float32 in one factor)
is as close as finite differences. The cause "numerical differentiation" is named only when the
student's own answers jitter as a difference quotient's do under a tiny move of the arguments
(`jitter`, see JITTER); otherwise the test is lost with no cause named (`run_probe`).

What this cannot see: the complex step (or any exact forward-mode trick) over an elementwise
forward is exact too. The matrix functions' efficiency tests catch it there (one forward
pass per parameter); everywhere, the source is read for it (complex_scan.py): by the grader
before any test, and here, in the student's kernel, as far as inspect finds the source.
"""
from __future__ import annotations

import functools
import inspect
from typing import Callable

import numpy as np

from .complex_scan import function_findings, message
from .core import (CS_STEP, FLOAT32_TRACE, CheckFailure, StudentCodeError, call_student,
                   float32_trace, input_gradients, probe_seed, rng_for)
from .core import _LIKELY as LIKELY

# Relative error (Frobenius norm of the difference over the norm of the truth, per output)
# a chain-rule backward pass stays far below and finite differences stay above. Measured on
# these probes over 30 seeds: honest variants (recomputed sigmoids, other orders, einsum,
# masks or np.where, loops over rows) at most 1.6e-15; centered differences 3e-11 or more
# (step 1e-5 or scaled to the entry), a fourth-order stencil 2.5e-13 or more.
EXACT_TOL = 5e-14

# A shared helper, not an assignment: a cause a wrapped check names keeps the id of the
# check's own module (see core._choosing_frames).
SHARED_HELPER = True


def _signed(rng, shape, low, high):
    """Entries of size between low and high (log-uniform), random signs."""
    size = np.exp(rng.uniform(np.log(low), np.log(high), shape))
    return size * rng.choice([-1.0, 1.0], shape)


def _rel(got, exact) -> float:
    got = np.asarray(got, dtype=np.float64)
    exact = np.asarray(exact, dtype=np.float64)
    norm = float(np.linalg.norm(exact))
    diff = float(np.linalg.norm(got - exact))
    if norm == 0.0:
        return diff
    return diff / norm


# An entry further off than this (relative to the output's typical size) is wrong, not
# imprecise: a wrong answer is the checks' business (it may be right where a check looked
# and wrong here), and a finite difference's error is far smaller away from kinks.
WRONG = 1e-3


def expect_exact(fn: str, outputs: dict, exact: dict, context: str, uses: str,
                 kinks: dict | None = None) -> None:
    """Fail when an output is right only to a finite difference's precision.

    Each entry's error is taken relative to the output's root-mean-square size (so that one
    entry where terms cancel is not judged alone). The signature of finite differences:
    entries off by more than EXACT_TOL but less than WRONG (at least two, or a tenth of
    the output), or, with most entries fine, an entry next to a kink (`kinks[name]`, a
    boolean mask) that is off: a finite step lands on the other side.

    An output that is wrong here (not a finite array of the truth's shape, or far off) is
    left to the checks while another output is exact here: a mistake in one output, which
    a check of another output need not see (each test grades its own outputs). With no
    output exact, the probe's case was not answered (see `unanswered`): a numerical pass
    that senses the probe's case and answers it with anything at all gets no exact output.
    """
    kinks = kinks or {}
    verdict = None
    wrong = None   # (output, what is wrong with it): the first one
    exact_outputs = 0
    for key, truth in exact.items():
        truth = np.asarray(truth, dtype=np.float64)
        try:
            got = np.asarray(outputs[key], dtype=np.float64)
        except (TypeError, ValueError, KeyError):
            wrong = wrong or (key, "is not an array of numbers")
            continue
        if got.shape != truth.shape:
            wrong = wrong or (key, f"has shape {got.shape}, not {truth.shape}")
            continue
        if truth.size == 0:
            continue
        if not np.all(np.isfinite(got)):
            wrong = wrong or (key, "holds NaN or infinite values")
            continue
        scale = float(np.sqrt(np.mean(truth ** 2))) or 1.0
        err = (np.abs(got - truth) / scale).reshape(-1)
        near = np.asarray(kinks.get(key, np.zeros(truth.shape, dtype=bool))).reshape(-1)
        close = (err > EXACT_TOL) & (err <= WRONG)
        far = err > WRONG
        smooth_far = np.count_nonzero(far & ~near)
        exact_outputs += bool(np.all(err <= EXACT_TOL))
        if np.count_nonzero(close) >= max(2, 0.1 * err.size):
            if float32_trace(got, truth):       # float32 arithmetic, not finite differences
                raise CheckFailure(
                    f"`{fn}`: {key} agrees with the exact gradient to about 1e-7 only "
                    f"{context}.\n{LIKELY}" + FLOAT32_TRACE.format(name=key))
            off = f"off by {float(np.max(err[close])):.1e} (relative to its typical entry)"
            verdict = verdict or (key, off, off)
        elif np.any(near & (err > EXACT_TOL)) and smooth_far <= 0.1 * np.count_nonzero(~near):
            verdict = verdict or (key, "exact away from the kink but off next to it "
                                       "(where a finite step crosses it)",
                                  "exact away from the kink but off next to it")
        elif smooth_far:
            wrong = wrong or (key, f"is off by {float(np.max(err[far & ~near])):.1e} "
                                   "(relative to its typical entry)")
    if verdict is None:
        if wrong is not None and not exact_outputs:
            unanswered(fn, f"{wrong[0]} {wrong[1]}", context)
        return
    name, how, plain = verdict
    raise Inexact(
        f"`{fn}`: {name} is {how} {context}, where the chain rule gives every digit "
        f"(within {EXACT_TOL:.0e}). This looks like numerical differentiation: finite "
        "differences of the forward pass are only that close, and a step across a kink is "
        "far off. A backward pass multiplies local derivatives, reading " + uses + "; "
        f"`{fn}` must not estimate derivatives by evaluating the forward pass at shifted "
        "points.", fn=fn, what=f"{name} is {plain}", context=context)


class Inexact(CheckFailure):
    """An answer close to the truth but not exact on the probe's case: what finite
    differences give, and also what a wrong or imprecise formula can give on one case (one-hot
    labels' formula on labels that nearly sum to 1, float32 arithmetic in one factor). Which
    one it is, the student's own answers tell (`jitters`): not a cause of its own."""

    def __init__(self, message: str, *, fn: str, what: str, context: str):
        super().__init__(message, cause_ids=[])
        self.fn, self.what, self.context = fn, what, context


class Unanswered(CheckFailure):
    """The probe's case was not answered as the test's own cases were: no cause is named (a
    function wrong on some inputs, or one that sensed which call was the probe)."""


def unanswered(fn: str, what: str, context: str) -> None:
    """Fail: the backward pass passed the test's cases, but not one more, the probe's. The
    probe's call must count like every other (once a check passed, it is the only call that
    tells backprop from a numerical gradient), so an error, another form of answer or a
    value far off there loses the test."""
    raise Unanswered(f"`{fn}` answered this test's cases, but on one more case ({context}) "
                     f"its answer {what}. A backward pass must give the gradient for every "
                     "input of its kind.", cause_ids=[])


def _as_tuple(result, n):
    return result if isinstance(result, tuple) and len(result) == n else (result,)


ONE_MORE = "checked once the others passed"


def _expect_tuple(fn: str, res, n: int) -> tuple:
    """`res` as the n-tuple a backward pass returns, else fail (unanswered)."""
    res = _as_tuple(res, n)
    if len(res) != n:
        unanswered(fn, f"is not a tuple of {n} values", ONE_MORE)
    return res


# ---------------------------------------------------------------- probes
# Each probe: (student's function, the check's bound arguments, seed) -> None or CheckFailure.

STAGED_POINTS = 6


def _probe_staged(fn, args, seed):
    forward = args["staged_forward"]
    rng = rng_for(seed, "staged_backward_exact")
    got = {"dx": [], "dy": []}
    exact = {"dx": [], "dy": []}
    for _ in range(STAGED_POINTS):   # plain floats: the point and the array checks take them
        # gradients of one size: |x| from 4 to 12 and |x + y| from 3 to 5
        x, s = (float(v) for v in _signed(rng, 2, 4.0, 12.0))
        s = np.sign(s) * (3.0 + abs(s) / 6.0)
        y = s - x
        df = float(rng.standard_normal())
        _, cache = forward(x, y)
        res = call_student(fn, df, cache)
        dx, dy = _pair(res)
        got["dx"].append(dx)
        got["dy"].append(dy)
        exact["dx"].append(float(np.imag(forward(complex(x, CS_STEP), y)[0])) / CS_STEP * df)
        exact["dy"].append(float(np.imag(forward(x, complex(y, CS_STEP))[0])) / CS_STEP * df)
    expect_exact("staged_backward", got, exact,
                 "at points with |x| between 4 and 12 and |x + y| between 3 and 5",
                 "the stages in the cache")


CIRCUIT_POINTS = 6


def _probe_softplus_circuit(fn, args, seed, circuit_value):
    """softplus_circuit at float points where x * y is large or small (both signs) and x is
    far from 1: finite differences of the expression are off by 1e-11 or more there.
    circuit_value: the trusted expression (complex-safe), from the checks module."""
    rng = rng_for(seed, "softplus_circuit_exact")
    got = {"dx": [], "dy": []}
    exact = {"dx": [], "dy": []}
    for _ in range(CIRCUIT_POINTS):
        x, y = (float(v) for v in _signed(rng, 2, 0.3, 4.0))
        dg = float(rng.standard_normal())
        res = _expect_tuple("softplus_circuit", call_student(fn, x, y, dg), 3)
        dx, dy = _pair(res[1:])
        got["dx"].append(dx)
        got["dy"].append(dy)
        exact["dx"].append(float(np.imag(circuit_value(complex(x, CS_STEP), y))) / CS_STEP * dg)
        exact["dy"].append(float(np.imag(circuit_value(x, complex(y, CS_STEP)))) / CS_STEP * dg)
    expect_exact("softplus_circuit", got, exact,
                 "at points with |x| and |y| between 0.3 and 4",
                 "the values of your own stages")


_probe_softplus_circuit.needs = ("circuit_value",)   # taken from the guarded module


def _pair(res):
    if not (isinstance(res, tuple) and len(res) == 2):
        unanswered("staged_backward", "is not a pair (dx, dy)", ONE_MORE)
    return tuple(float(np.asarray(v, dtype=np.float64).reshape(-1)[0])
                 if np.size(v) == 1 else np.nan for v in res)


def _gate_probe(name, truth):
    def probe(fn, args, seed):
        rng = rng_for(seed, name + "_exact")
        dout = rng.standard_normal((3, 4))
        x = _signed(rng, (3, 4), 1e-2, 1e4)     # sizes far apart: a step scaled to one
        y = _signed(rng, (3, 4), 1e-2, 1e4)     # entry is rounded away in the sum
        if name == "max_backward":        # no near-ties: a step must not decide the winner
            y = np.where(np.abs(x - y) < 1.0, y + 5.0, y)
        res = _expect_tuple(name, call_student(fn, dout.copy(), x.copy(), y.copy()), 2)
        dx, dy = truth(dout, x, y)
        expect_exact(name, {"dx": res[0], "dy": res[1]}, {"dx": dx, "dy": dy},
                     "on inputs of size 0.01 to 10,000", "the gate's inputs and dout")
    return probe


def _probe_sigmoid(fn, args, seed):
    forward = args.get("sigmoid_layer_forward")
    rng = rng_for(seed, "sigmoid_layer_backward_exact")
    H, D = 4, 5
    W = rng.standard_normal((H, D)) / np.sqrt(D)
    x = _signed(rng, D, 1.0, 3.0)
    dz = rng.standard_normal(H)
    z, cache = forward(W.copy(), x.copy())
    z = np.asarray(z, dtype=np.float64)
    local = dz * z * (1.0 - z)
    res = _expect_tuple("sigmoid_layer_backward", call_student(fn, dz.copy(), cache), 2)
    expect_exact("sigmoid_layer_backward", {"dx": res[0], "dW": res[1]},
                 {"dx": W.T @ local, "dW": np.outer(local, x)},
                 f"on a layer with W of shape {(H, D)}", "z from the cache")


def _probe_relu(kind):
    def probe(fn, args, seed):
        rng = rng_for(seed, kind + "_exact")
        # in every column a large positive and a large negative entry (a wrong mask or a
        # missing factor shows), and tiny ones, where a finite step crosses the kink
        a = np.concatenate([_signed(rng, (1, 4), 1.0, 1e3) * [1, -1, 1, -1],
                            _signed(rng, (1, 4), 1.0, 1e3) * [-1, 1, -1, 1],
                            _signed(rng, (2, 4), 1e-7, 1e-4)])
        a = np.abs(a) * np.sign(a)
        a[0] = np.abs(a[0])
        a[1] = -np.abs(a[1])
        dout = rng.standard_normal((4, 4))
        pos = a > 0
        if kind == "relu_backward":
            cache = a.copy()
            exact = {"da": np.where(pos, dout, 0.0)}
        elif kind == "leaky_relu_backward":
            slope = float(rng.uniform(0.01, 0.3))
            cache = (a.copy(), slope)
            exact = {"da": np.where(pos, dout, slope * dout)}
        else:
            alpha = _signed(rng, 4, 0.05, 3.0)
            cache = (a.copy(), alpha.copy())
            exact = {"da": np.where(pos, dout, alpha * dout),
                     "dalpha": np.sum(np.where(pos, 0.0, a * dout), axis=0)}
        res = call_student(fn, dout.copy(), cache)
        got = {"da": res} if kind != "prelu_backward" else None
        if got is None:
            res = _expect_tuple(kind, res, 2)
            got = {"da": res[0], "dalpha": res[1]}
        near = np.abs(a) < 1e-3
        kinks = {"da": near}          # alpha * a is linear in alpha: no kink there
        expect_exact(kind, got, exact,
                     "on pre-activations between 1e-7 and 1000 in size, of both signs",
                     "which entries of the cached a are positive", kinks)
    return probe


def _complex_truth(forward, inputs, df, output=lambda r: r[0]):
    return input_gradients(forward, inputs, df, output)


def _probe_relu_rnn(fn, args, seed):
    forward = args["relu_rnn_forward"]
    rng = rng_for(seed, "relu_rnn_backward_exact")
    H, T = 4, 5
    for _ in range(1000):    # most units alive at every step, no pre-activation near 0
        Whh = rng.standard_normal((H, H)) * 0.8
        h0 = _signed(rng, H, 1.0, 30.0)
        h, ok = h0, True
        for _ in range(T):
            pre = Whh @ h
            ok = ok and np.count_nonzero(pre > 0) >= H // 2 and \
                np.min(np.abs(pre)) > 1e-2 * np.sqrt(np.mean(pre ** 2))
            h = np.maximum(0.0, pre)
        if ok:
            break
    dhs = rng.standard_normal((T, H))
    _, cache = forward(Whh.copy(), h0.copy(), T)
    res = _expect_tuple("relu_rnn_backward", call_student(fn, dhs.copy(), cache), 2)
    dW, dh = _complex_truth(lambda W, h: forward(W, h, T), [Whh, h0], dhs)
    expect_exact("relu_rnn_backward", {"dWhh": res[0], "dh0": res[1]},
                 {"dWhh": dW, "dh0": dh}, f"on a sequence with T = {T}, H = {H}",
                 "the states hs in the cache")


def _rnn_case(rng, N, D, H, T=None):
    x = rng.standard_normal((N, D) if T is None else (N, T, D))
    h0 = np.tanh(rng.standard_normal((N, H)))
    Wx = rng.standard_normal((D, H)) / np.sqrt(D)
    Wh = rng.standard_normal((H, H)) / np.sqrt(H)
    b = 0.3 * rng.standard_normal(H)
    return [x, h0, Wx, Wh, b]


_RNN_NAMES = ("dx", "dprev_h", "dWx", "dWh", "db")


def _probe_rnn_step(fn, args, seed):
    forward = args["rnn_step_forward"]
    rng = rng_for(seed, "rnn_step_backward_exact")
    inputs = _rnn_case(rng, 2, 3, 4)
    dnext = rng.standard_normal((2, 4))
    _, cache = forward(*[a.copy() for a in inputs])
    res = _expect_tuple("rnn_step_backward", call_student(fn, dnext.copy(), cache), 5)
    exact = _complex_truth(forward, inputs, dnext)
    expect_exact("rnn_step_backward", dict(zip(_RNN_NAMES, res)), dict(zip(_RNN_NAMES, exact)),
                 "on one step with N = 2, D = 3, H = 4", "next_h and the inputs in the cache")


def _probe_rnn(fn, args, seed):
    forward = args["rnn_forward"]
    rng = rng_for(seed, "rnn_backward_exact")
    inputs = _rnn_case(rng, 2, 3, 4, T=3)
    dh = rng.standard_normal((2, 3, 4))
    _, cache = forward(*[a.copy() for a in inputs])
    res = _expect_tuple("rnn_backward", call_student(fn, dh.copy(), cache), 5)
    exact = _complex_truth(forward, inputs, dh)
    names = ("dx", "dh0", "dWx", "dWh", "db")
    expect_exact("rnn_backward", dict(zip(names, res)), dict(zip(names, exact)),
                 "on a sequence with N = 2, T = 3, D = 3, H = 4", "the step caches")


def _probe_affine(fn, args, seed):
    rng = rng_for(seed, "affine_backward_exact")
    x = _signed(rng, (3, 4), 1.0, 100.0)
    W = _signed(rng, (4, 5), 1.0, 100.0)
    b = _signed(rng, 5, 100.0, 1e4)
    dout = rng.standard_normal((3, 5))
    res = _expect_tuple("affine_backward",
                        call_student(fn, dout.copy(), (x.copy(), W.copy(), b.copy())), 3)
    expect_exact("affine_backward", dict(zip(("dx", "dW", "db"), res)),
                 {"dx": dout @ W.T, "dW": x.T @ dout, "db": dout.sum(axis=0)},
                 "on a layer with entries between 1 and 10,000 in size", "x and W in the cache")


def _probe_softmax(fn, args, seed):
    forward = args["softmax_cross_entropy_forward"]
    rng = rng_for(seed, "softmax_cross_entropy_backward_exact")
    N, C = 3, 4
    logits = 3.0 * rng.standard_normal((N, C)) + 50.0
    labels = rng.uniform(0.0, 1.0, (N, C))
    dloss = float(rng.uniform(0.5, 2.0))
    _, cache = forward(logits.copy(), labels.copy())
    res = _expect_tuple("softmax_cross_entropy_backward",
                        call_student(fn, dloss, cache), 2)
    exact = _complex_truth(forward, [logits, labels], dloss)
    expect_exact("softmax_cross_entropy_backward", {"dlogits": res[0], "dlabels": res[1]},
                 {"dlogits": exact[0], "dlabels": exact[1]},
                 f"on logits near 50 (N = {N}, C = {C}, soft labels)", "probs in the cache")


_PARAMS = ("W1", "b1", "W2", "b2")


def _probe_mlp(fn, args, seed):
    forward = args["mlp_forward"]
    rng = rng_for(seed, "mlp_backward_exact")
    N, D, H, C = 3, 4, 5, 3
    X = rng.standard_normal((N, D))
    labels = np.eye(C)[rng.integers(0, C, N)]
    params = {"W1": rng.standard_normal((D, H)), "b1": 0.1 * rng.standard_normal(H),
              "W2": rng.standard_normal((H, C)), "b2": 0.1 * rng.standard_normal(C)}
    dloss = 1.0
    _, cache = forward(X.copy(), labels.copy(), {k: v.copy() for k, v in params.items()})
    res = call_student(fn, dloss, cache)
    if not (isinstance(res, tuple) and len(res) == 2 and isinstance(res[1], dict)
            and all(k in res[1] for k in _PARAMS)):
        unanswered("mlp_backward", "is not a pair (dX, grads) with " + ", ".join(_PARAMS)
                   + " in grads", ONE_MORE)

    def loss(X, W1, b1, W2, b2):
        return forward(X, labels, {"W1": W1, "b1": b1, "W2": W2, "b2": b2})

    exact = _complex_truth(loss, [X] + [params[k] for k in _PARAMS], dloss)
    got = {"dX": res[0], **{k: res[1][k] for k in _PARAMS}}
    expect_exact("mlp_backward", got, dict(zip(("dX",) + _PARAMS, exact)),
                 f"on a small network (N = {N}, D = {D}, H = {H}, C = {C})",
                 "the layers' caches")


def _lstm_case(rng, N, D, H, T=None):
    x = rng.standard_normal((N, D) if T is None else (N, T, D))
    h0 = np.tanh(rng.standard_normal((N, H)))
    Wx = rng.standard_normal((D, 4 * H)) / np.sqrt(D)
    Wh = rng.standard_normal((H, 4 * H)) / np.sqrt(H)
    b = 0.3 * rng.standard_normal(4 * H)
    return x, h0, Wx, Wh, b


def _probe_lstm_step(fn, args, seed):
    forward = args["lstm_step_forward"]
    rng = rng_for(seed, "lstm_step_backward_exact")
    N, D, H = 2, 3, 4
    x, h0, Wx, Wh, b = _lstm_case(rng, N, D, H)
    c0 = rng.standard_normal((N, H))
    inputs = [x, h0, c0, Wx, Wh, b]
    dh, dc = rng.standard_normal((2, N, H))
    _, _, cache = forward(*[a.copy() for a in inputs])
    res = _expect_tuple("lstm_step_backward", call_student(fn, dh.copy(), dc.copy(), cache), 6)
    exact = _complex_truth(forward, inputs, 1.0,
                           output=lambda r: r[0] * dh + r[1] * dc)
    names = ("dx", "dprev_h", "dprev_c", "dWx", "dWh", "db")
    expect_exact("lstm_step_backward", dict(zip(names, res)), dict(zip(names, exact)),
                 f"on one step with N = {N}, D = {D}, H = {H}", "the gates in the cache")


def _probe_lstm(fn, args, seed):
    forward = args["lstm_forward"]
    rng = rng_for(seed, "lstm_backward_exact")
    N, T, D, H = 2, 3, 3, 4
    inputs = list(_lstm_case(rng, N, D, H, T))
    dh = rng.standard_normal((N, T, H))
    _, cache = forward(*[a.copy() for a in inputs])
    res = _expect_tuple("lstm_backward", call_student(fn, dh.copy(), cache), 5)
    exact = _complex_truth(forward, inputs, dh)
    names = ("dx", "dh0", "dWx", "dWh", "db")
    expect_exact("lstm_backward", dict(zip(names, res)), dict(zip(names, exact)),
                 f"on a sequence with N = {N}, T = {T}, D = {D}, H = {H}", "the step caches")


def _probe_huber(fn, args, seed):
    rng = rng_for(seed, "huber_backward_exact")
    delta = float(rng.uniform(0.5, 2.0))
    r = _signed(rng, (3, 4), 1e-3, 1e3)
    r = np.where(np.abs(np.abs(r) - delta) < 0.05, r * 1.5, r)   # none at the kink itself
    r.flat[0] = delta * (1.0 - 1e-7)      # just inside and just outside: a step crosses
    r.flat[1] = -delta * (1.0 + 1e-7)
    dloss = float(rng.uniform(0.5, 2.0))
    res = call_student(fn, dloss, r.copy(), delta)
    exact = dloss * np.where(np.abs(r) <= delta, r, delta * np.sign(r)) / r.size
    near = np.zeros(r.shape, dtype=bool)
    near.flat[:2] = True
    expect_exact("huber_backward", {"dr": res}, {"dr": exact},
                 f"on errors between 1e-3 and 1000 in size (delta = {delta:.3g})",
                 "which side of delta each error is on", {"dr": near})


def _probe_tanh(fn, args, seed):
    rng = rng_for(seed, "fix_wrong_backward_exact")
    a = _signed(rng, (4, 5), 1e-3, 4.0)
    out = np.tanh(a)
    dout = _signed(rng, (4, 5), 0.1, 10.0)
    res = call_student(fn, dout.copy(), out.copy())
    expect_exact("fix_wrong_backward", {"da": res}, {"da": dout * (1.0 - out * out)},
                 "on pre-activations between 1e-3 and 4 in size, of both signs",
                 "the cached output of the tanh")


PROBES: dict[str, Callable] = {
    "staged_backward": _probe_staged,
    "softplus_circuit": _probe_softplus_circuit,
    "add_backward": _gate_probe("add_backward", lambda d, x, y: (d, d)),
    "mul_backward": _gate_probe("mul_backward", lambda d, x, y: (d * y, d * x)),
    "max_backward": _gate_probe("max_backward",
                                lambda d, x, y: (np.where(x > y, d, 0.0), np.where(x > y, 0.0, d))),
    "sigmoid_layer_backward": _probe_sigmoid,
    "relu_backward": _probe_relu("relu_backward"),
    "leaky_relu_backward": _probe_relu("leaky_relu_backward"),
    "prelu_backward": _probe_relu("prelu_backward"),
    "relu_rnn_backward": _probe_relu_rnn,
    "rnn_step_backward": _probe_rnn_step,
    "rnn_backward": _probe_rnn,
    "affine_backward": _probe_affine,
    "softmax_cross_entropy_backward": _probe_softmax,
    "mlp_backward": _probe_mlp,
    "lstm_step_backward": _probe_lstm_step,
    "lstm_backward": _probe_lstm,
    "huber_backward": _probe_huber,
    "fix_wrong_backward": _probe_tanh,
}


def graded_function(check_name: str) -> str | None:
    """The backward pass a check grades (check_<function>[_aspect]), or None."""
    name = check_name[len("check_"):]
    for fn in sorted(PROBES, key=len, reverse=True):
        if name == fn or name.startswith(fn + "_"):
            return fn
    return None


def guard_backprop(namespace: dict) -> None:
    """Make every check of a backward pass in a checks module run its exactness probe after
    the check itself passed. Called at the end of the module, before announce_passes."""
    for name, check in list(namespace.items()):
        if not (name.startswith("check_") and inspect.isfunction(check)
                and check.__module__ == namespace.get("__name__")):
            continue
        fn = graded_function(name)
        if fn is None or getattr(check, "_guarded", False):
            continue
        namespace[name] = _guarded(check, probe_for(fn, namespace), fn)


def probe_for(fn: str, namespace: dict) -> Callable:
    """The probe of backward pass `fn`, given what it takes from its checks module's
    namespace (`probe.needs`: a trusted forward that lives with the assignment's checks)."""
    probe = PROBES[fn]
    needs = {need: namespace[need] for need in getattr(probe, "needs", ())}
    return functools.partial(probe, **needs) if needs else probe


def numerical_id(check: Callable) -> str:
    """The cause id of numerical differentiation in the assignment of `check`."""
    return check.__module__.rpartition(".")[2] + ".numerical_differentiation"


def read_source(student, function: str, check: Callable) -> None:
    """In the student's own kernel (nbgrader runs the test cells there), the graded function
    is a plain function: read its source, and what it reaches, for the complex step (see
    complex_scan.function_findings; the grader reads the notebook itself, before any test,
    in grading.refused_functions). A proxy of the grader's child is not read here."""
    if not inspect.isfunction(student):
        return
    found = function_findings(student)
    if found is not None:
        raise CheckFailure(message(function, found, ""), cause_ids=[numerical_id(check)])


# ---------------------------------------------------------------- the student's own answers
# A close answer that is not exact is finite differences only when the student's answers
# jitter as a difference quotient's do. Each call of the probe is made again with every float
# of its arguments moved by a relative JITTER_STEP one way and the other (signs, zeros and
# which side of a kink stay as they were). A formula of those arguments, right or wrong,
# float64 or float32 in a factor, moves smoothly: its second difference g(+) - 2 g(0) + g(-)
# is its own rounding. A difference quotient of a forward pass moves its shifted points too:
# the rounding that its division by the step blows up is drawn anew on every call. Measured
# (root mean square of the second differences over the output's typical entry, JITTER_DIRECTIONS
# directions, seeds 3 to 12): the honest variants and worked solutions of every probe at most
# 5.9e-15; every finite-difference stand-in of tests/numerical_attacks.py on every probe at
# least 3.5e-14 (a fourth-order stencil on the tanh fix; centered differences 1e-12 and more),
# a derivative of the forward taken before the upstream gradient is applied included.
JITTER_STEP = 1e-13
JITTER = 1.5e-14
JITTER_DIRECTIONS = 2


class _Recorder:
    """The student's function, calling through and keeping each call's arguments and answer."""

    def __init__(self, student: Callable):
        self.student = student
        self.calls: list = []
        functools.update_wrapper(self, student)

    def __call__(self, *args, **kwargs):
        kept = _copy_floats(args, kwargs)
        result = self.student(*args, **kwargs)
        self.calls.append((kept, _floats(result)))
        return result


def _copy_floats(args, kwargs, move: Callable | None = None):
    """(args, kwargs) with every float array and float copied (moved by `move`, if given)."""
    def walk(obj):
        if isinstance(obj, np.ndarray) and obj.dtype.kind == "f":
            return obj.copy() if move is None else move(obj)
        if isinstance(obj, (float, np.floating)) and not isinstance(obj, bool):
            return obj if move is None else type(obj)(move(np.asarray(obj, np.float64)))
        if isinstance(obj, tuple):
            return tuple(walk(v) for v in obj)
        if isinstance(obj, list):
            return [walk(v) for v in obj]
        if isinstance(obj, dict):
            return {k: walk(v) for k, v in obj.items()}
        return obj
    return walk(tuple(args)), walk(dict(kwargs))


def _floats(result) -> list[np.ndarray] | None:
    """The numbers of an answer, leaf by leaf (None: not plain numbers)."""
    leaves: list[np.ndarray] = []

    def walk(obj) -> bool:
        if isinstance(obj, (tuple, list)):
            return all(walk(v) for v in obj)
        if isinstance(obj, dict):
            return all(walk(obj[k]) for k in sorted(obj, key=str))
        try:
            value = np.array(obj, dtype=np.float64)
        except (TypeError, ValueError):
            return False
        leaves.append(value)
        return True
    return leaves if walk(result) else None


def jitter(student: Callable, calls: list, seed: int) -> float | None:
    """How the student's answers to the probe's calls move (see JITTER): per output, the root
    mean square of its second differences (every call and direction) over its typical entry
    (over all the probe's calls, as the probe judges it); the largest over the outputs. None
    when they cannot be compared (an error on a moved case, another shape, not numbers)."""
    rng = np.random.default_rng([seed, 0x71])
    seconds: dict = {}     # output (its place in the answer) -> [(second differences, answer)]
    for (args, kwargs), answer in calls:
        if answer is None:
            return None
        for _ in range(JITTER_DIRECTIONS):
            moved = []
            state = rng.bit_generator.state
            for sign in (1.0, -1.0):
                rng.bit_generator.state = state    # the same direction, one way and the other

                def move(a, sign=sign):
                    a = np.asarray(a, dtype=np.float64)
                    return a * (1.0 + sign * JITTER_STEP * rng.uniform(-1.0, 1.0, a.shape))
                moved_args, moved_kwargs = _copy_floats(args, kwargs, move)
                try:
                    with np.errstate(all="ignore"):
                        moved.append(_floats(student(*moved_args, **moved_kwargs)))
                except Exception:      # noqa: BLE001 (the student's code, on a moved case)
                    return None
            plus, minus = moved
            if plus is None or minus is None or not len(plus) == len(minus) == len(answer):
                return None
            for place, (p, m, g) in enumerate(zip(plus, minus, answer)):
                if not p.shape == m.shape == g.shape:
                    return None
                finite = np.isfinite(p) & np.isfinite(m) & np.isfinite(g)
                seconds.setdefault(place, []).append(
                    (np.abs(p - 2.0 * g + m)[finite], g[finite]))
    largest = 0.0
    for found in seconds.values():
        second = np.concatenate([s.reshape(-1) for s, _ in found])
        answer = np.concatenate([g.reshape(-1) for _, g in found])
        scale = float(np.sqrt(np.mean(answer ** 2))) if answer.size else 0.0
        if scale > 0.0 and second.size:
            largest = max(largest, float(np.sqrt(np.mean(second ** 2))) / scale)
    return largest


def jitters(student: Callable, calls: list, seed: int) -> bool:
    """True when the student's answers move as a difference quotient's do (see JITTER)."""
    moved = jitter(student, calls, seed)
    return moved is not None and moved > JITTER


def run_probe(probe: Callable, student: Callable, given: dict, seed: int) -> None:
    """Run a probe on the student's function. A close answer that is not exact names
    numerical differentiation (a plain CheckFailure with its message) only when the student's
    answers jitter as finite differences do; else the test is lost as on a case not answered
    (`Unanswered`, no cause): the mistake, if it is one, is named by the checks that see it."""
    recorder = _Recorder(student)
    try:
        probe(recorder, given, seed)
    except Inexact as inexact:
        if jitters(student, recorder.calls, seed):
            raise CheckFailure(str(inexact), cause_ids=[]) from None
        unanswered(inexact.fn, inexact.what, inexact.context)


def _guarded(check: Callable, probe: Callable, function: str) -> Callable:
    signature = inspect.signature(check)

    @functools.wraps(check)
    def run(*args, **kwargs):
        __tracebackhide__ = True
        result = check(*args, **kwargs)
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        given = dict(bound.arguments)
        student = next(iter(given.values()))
        read_source(student, function, check)
        try:
            run_probe(probe, student, given, probe_seed(given.get("seed", 0)))   # the grader's draw
        except StudentCodeError as exc:   # an error on the probe's case loses the test too
            raise StudentCodeError(exc.function, exc.kind, exc.message + "\n(on one more case "
                                   f"of this test, {ONE_MORE})", exc.traceback,
                                   exc.arguments) from None
        except CheckFailure as failure:   # one mistake, one id, whichever check's probe saw it
            # the check has returned: a cause the probe named has no assignment yet
            assignment = check.__module__.rpartition(".")[2]
            failure.cause_ids = [f"{assignment}.{i.partition('.')[2]}"
                                 if i.startswith("checks.") else i
                                 for i in failure.cause_ids]
            if not failure.cause_ids and not isinstance(failure, Unanswered):
                failure.cause_ids = [numerical_id(check)]
            raise
        return result

    run._guarded = True
    return run
