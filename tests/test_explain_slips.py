"""Slips nobody on the project catalogued (issue #27), one per general relation the
explainer gained: each wrong implementation is run through every test cell of its function,
and some failing message must say, in its "What differs" line, the relation that names the
slip, with no finished gradient formula. They are written here, not in a bench catalogue,
so that no detector is fitted to them."""
from __future__ import annotations

import re

import numpy as np
import pytest

from backprop_lab.checks.core import CheckFailure, StudentCodeError
from notebook_tools import cells_for, run_test_cell, solution_namespace

# `dx = dout @ W.T`: a gradient assigned from an expression (as the catalogue runner counts)
FORMULA = re.compile(r"\bd[A-Za-z_0-9\[\]:, ]{0,24}\s=\s*(?=-?[A-Za-z_(\[])"
                     r"(?:(?!\. )[^=\n;])*?(@|\*|/|\.sum\(|\.T\b|np\.\w+\()")

SLIPS = [
    # staged: one path's local derivative used without the gradient arriving at its stage
    ("staged", "staged_backward", r"through `num = x \+ sigy` without its factor invden", """
def staged_backward(df, cache):
    x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
    dnum = df
    dinvden = df * num
    dden = -dinvden / den ** 2
    dxpy = 2 * xpy * dden
    dx = dxpy + sigx * (1 - sigx) * dden + dnum
    dy = dxpy + sigy * (1 - sigy) * dnum
    return dx, dy
"""),
    ("staged", "staged_backward",
     r"through `sigy = sigmoid\(y\)` without its factor the upstream gradient arriving at num", """
def staged_backward(df, cache):
    x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
    dnum = df * invden
    dden = -df * num / den ** 2
    dxpy = 2 * xpy * dden
    dx = dxpy + sigx * (1 - sigx) * dden + dnum
    dy = dxpy + sigy * (1 - sigy)
    return dx, dy
"""),
    # softmax cross-entropy: the labels summed over everything; the probabilities' factor lost
    ("softmax", "softmax_cross_entropy_backward", r"the sum of all the labels", """
def softmax_cross_entropy_backward(dloss, cache):
    logits, labels, probs = cache
    N = logits.shape[0]
    dlogits = dloss * (probs * labels.sum() - labels) / N
    dlabels = -dloss * np.log(probs) / N
    return dlogits, dlabels
"""),
    ("softmax", "softmax_cross_entropy_backward",
     r"probabilities' term .{0,80}without its factor the probabilities p", """
def softmax_cross_entropy_backward(dloss, cache):
    logits, labels, probs = cache
    N = logits.shape[0]
    dlogits = dloss * (labels.sum(axis=1, keepdims=True) - labels) / N
    dlabels = -dloss * np.log(probs) / N
    return dlogits, dlabels
"""),
    ("softmax", "softmax_cross_entropy_backward",
     r"in each row of dlabels, yours minus the expected is one number", """
def softmax_cross_entropy_backward(dloss, cache):
    logits, labels, probs = cache
    N = logits.shape[0]
    dlogits = dloss * (probs * labels.sum(axis=1, keepdims=True) - labels) / N
    dlabels = -dloss * (logits - logits.max(axis=1, keepdims=True)) / N
    return dlogits, dlabels
"""),
    # two-layer net: a bias's gradient from one row; a weight's gradient from the wrong input
    ("softmax", "mlp_backward", r"first row .{0,40}of the gradient on the ReLU's input", """
def mlp_backward(dloss, cache):
    (X, W1, b1), a, (h, W2, b2), (logits, labels, probs) = cache
    N = X.shape[0]
    dlogits = dloss * (probs * labels.sum(axis=1, keepdims=True) - labels) / N
    da = (dlogits @ W2.T) * (a > 0)
    return da @ W1.T, {"W1": X.T @ da, "b1": da[0].copy(), "W2": h.T @ dlogits,
                       "b2": dlogits.sum(axis=0)}
"""),
    ("softmax", "mlp_backward", r"the ReLU's output \(the hidden layer\) instead of the input|"
                                r"reads h \(the ReLU's output\) instead of X", """
def mlp_backward(dloss, cache):
    (X, W1, b1), a, (h, W2, b2), (logits, labels, probs) = cache
    N = X.shape[0]
    dlogits = dloss * (probs * labels.sum(axis=1, keepdims=True) - labels) / N
    da = (dlogits @ W2.T) * (a > 0)
    return da @ W1.T, {"W1": h.T @ da, "b1": da.sum(axis=0), "W2": h.T @ dlogits,
                       "b2": dlogits.sum(axis=0)}
"""),
    # every gate differentiated as a tanh
    ("lstm", "lstm_step_backward", r"with the tanh's derivative 1 - s\*\*2 .{0,60}as a factor "
                                   r"instead of each gate's own derivative", """
def lstm_step_backward(dnext_h, dnext_c, cache):
    x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
    tc = np.tanh(next_c)
    dc = dnext_c + dnext_h * o * (1 - tc ** 2)
    da = np.concatenate([dc * g * (1 - i ** 2), dc * prev_c * (1 - f ** 2),
                         dnext_h * tc * (1 - o ** 2), dc * i * (1 - g ** 2)], axis=1)
    return da @ Wx.T, da @ Wh.T, dc * f, x.T @ da, prev_h.T @ da, da.sum(axis=0)
"""),
    # one LSTM step: the output gate's block from the wrong gradient; o forgotten on the
    # path into the cell state; tanh' taken at g itself; the carry counted twice
    ("lstm", "lstm_step_backward",
     r"output gate o is wrong.{0,200}gradient on next_c .{0,80}as a factor instead of the "
     r"upstream gradient dnext_h"
     # (or, in the forward's words, one slip in the chain rule)
     r"|the gradient that next_h sends back to o starts from the gradient on next_c where "
     r"the gradient on next_h belongs", """
def lstm_step_backward(dnext_h, dnext_c, cache):
    x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
    tc = np.tanh(next_c)
    dc = dnext_c + dnext_h * o * (1 - tc ** 2)
    da = np.concatenate([dc * g * i * (1 - i), dc * prev_c * f * (1 - f),
                         dc * tc * o * (1 - o), dc * i * (1 - g ** 2)], axis=1)
    return da @ Wx.T, da @ Wh.T, dc * f, x.T @ da, prev_h.T @ da, da.sum(axis=0)
"""),
    ("lstm", "lstm_step_backward",
     r"path from next_h into the cell state .{0,60}without its factor the output gate o"
     r"|factor left out .{0,20}in the output gate's factor o on the path from next_h into "
     r"the cell state", """
def lstm_step_backward(dnext_h, dnext_c, cache):
    x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
    tc = np.tanh(next_c)
    dc = dnext_c + dnext_h * (1 - tc ** 2)
    da = np.concatenate([dc * g * i * (1 - i), dc * prev_c * f * (1 - f),
                         dnext_h * tc * o * (1 - o), dc * i * (1 - g ** 2)], axis=1)
    return da @ Wx.T, da @ Wh.T, dc * f, x.T @ da, prev_h.T @ da, da.sum(axis=0)
"""),
    ("lstm", "lstm_step_backward", r"cell candidate g is wrong.{0,200}taken at the gate's value"
                                   r"|the gradient that g sends back to `a\[:, 3 \* H:\]` uses "
                                   r"1 - tanh\(g\)\*\*2, the tanh applied again", """
def lstm_step_backward(dnext_h, dnext_c, cache):
    x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
    tc = np.tanh(next_c)
    dc = dnext_c + dnext_h * o * (1 - tc ** 2)
    da = np.concatenate([dc * g * i * (1 - i), dc * prev_c * f * (1 - f),
                         dnext_h * tc * o * (1 - o), dc * i * (1 - np.tanh(g) ** 2)], axis=1)
    return da @ Wx.T, da @ Wh.T, dc * f, x.T @ da, prev_h.T @ da, da.sum(axis=0)
"""),
    ("lstm", "lstm_step_backward", r"dprev_c is the expected value plus the upstream gradient "
                                   r"dnext_c", """
def lstm_step_backward(dnext_h, dnext_c, cache):
    x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
    tc = np.tanh(next_c)
    dc = dnext_c + dnext_h * o * (1 - tc ** 2)
    da = np.concatenate([dc * g * i * (1 - i), dc * prev_c * f * (1 - f),
                         dnext_h * tc * o * (1 - o), dc * i * (1 - g ** 2)], axis=1)
    return da @ Wx.T, da @ Wh.T, dc * f + dnext_c, x.T @ da, prev_h.T @ da, da.sum(axis=0)
"""),
    # Huber: the linear piece's gradient used inside the clip too
    ("lstm", "huber_backward", r"inside \[-delta, delta\] are wrong .{0,120}with \+-delta "
                               r".{0,60}as a factor instead of the error r", """
def huber_backward(dloss, r, delta=1.0):
    return dloss * delta * np.sign(r) / r.size
"""),
    # a mean over every entry of the sequence: said as 1/(N*T), not as the number it is here
    ("lstm", "lstm_backward", r"exactly 1/\(N\*T\) times", """
def lstm_backward(dh, cache):
    N, T, H = dh.shape
    dxs = []
    dWx = dWh = db = 0.0
    dnh, dnc = np.zeros((N, H)), np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        dx_t, dnh, dnc, gx, gh, gb = lstm_step_backward(dnh + dh[:, t, :], dnc, cache[t])
        dxs.append(dx_t)
        dWx = dWx + gx
        dWh = dWh + gh
        db = db + gb
    return np.stack(dxs[::-1], axis=1), dnh, dWx, dWh, db / (N * T)
"""),
    # the sequence: step 0's upstream added to dh0 once more
    ("lstm", "lstm_backward", r"dh0 is the expected value plus the upstream gradient of step 0",
     """
def lstm_backward(dh, cache):
    N, T, H = dh.shape
    dxs = []
    dWx = dWh = db = 0.0
    dnh, dnc = np.zeros((N, H)), np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        dx_t, dnh, dnc, gx, gh, gb = lstm_step_backward(dnh + dh[:, t, :], dnc, cache[t])
        dxs.append(dx_t)
        dWx = dWx + gx
        dWh = dWh + gh
        db = db + gb
    return np.stack(dxs[::-1], axis=1), dnh + dh[:, 0], dWx, dWh, db
"""),
    # each step reading its neighbour's cache (cache[t - 1] wraps round at step 0)
    ("lstm", "lstm_backward", r"reads the cache of time step t-1", """
def lstm_backward(dh, cache):
    N, T, H = dh.shape
    dxs = []
    dWx = dWh = db = 0.0
    dnh, dnc = np.zeros((N, H)), np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        dx_t, dnh, dnc, gx, gh, gb = lstm_step_backward(dnh + dh[:, t, :], dnc, cache[t - 1])
        dxs.append(dx_t)
        dWx = dWx + gx
        dWh = dWh + gh
        db = db + gb
    return np.stack(dxs[::-1], axis=1), dnh, dWx, dWh, db
"""),
    ("rnn", "rnn_backward", r"reads the cache of time step t-1", """
def rnn_backward(dh, cache):
    N, T, H = dh.shape
    dxs = []
    dWx = dWh = db = 0.0
    dnh = np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        dx_t, dnh, gx, gh, gb = rnn_step_backward(dnh + dh[:, t, :], cache[t - 1])
        dxs.append(dx_t)
        dWx = dWx + gx
        dWh = dWh + gh
        db = db + gb
    return np.stack(dxs[::-1], axis=1), dnh, dWx, dWh, db
"""),
    # two slips in two blocks of one step: each block's relation said
    ("lstm", "lstm_step_backward",
     r"on the block of the output gate o yours .{0,80}next_c \(the cell state.{0,200}"
     r"on the block of the cell candidate g yours .{0,80}sigmoid's derivative", """
def lstm_step_backward(dnext_h, dnext_c, cache):
    x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
    tc = np.tanh(next_c)
    dc = dnext_c + dnext_h * o * (1 - tc ** 2)
    da = np.concatenate([dc * g * i * (1 - i), dc * prev_c * f * (1 - f),
                         dnext_h * next_c * o * (1 - o), dc * i * g * (1 - g)], axis=1)
    return da @ Wx.T, da @ Wh.T, dc * f, x.T @ da, prev_h.T @ da, da.sum(axis=0)
"""),
    # a term counted twice said as twice, not as a size that is 2 in this check
    ("lstm", "lstm_backward", r"exactly 2 times \(twice\)", """
def lstm_backward(dh, cache):
    N, T, H = dh.shape
    dxs = []
    dWx = dWh = db = 0.0
    dnh, dnc = np.zeros((N, H)), np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        dnh = dnh + dh[:, t, :]
        dx_t, dnh, dnc, gx, gh, gb = lstm_step_backward(dnh + dh[:, t, :], dnc, cache[t])
        dxs.append(dx_t)
        dWx = dWx + gx
        dWh = dWh + gh
        db = db + gb
    return np.stack(dxs[::-1], axis=1), dnh, dWx, dWh, db
"""),
    # two lines that give the same numbers (the candidate's own derivative with the opposite
    # sign, or the input gate as its factor with the opposite sign): both places are said
    ("lstm", "lstm_step_backward", r"one of these .{0,120}opposite sign, in the cell "
                                   r"candidate g's own derivative; or .{0,60}opposite sign, in "
                                   r"the input gate i", """
def lstm_step_backward(dnext_h, dnext_c, cache):
    x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
    tc = np.tanh(next_c)
    dc = dnext_c + dnext_h * o * (1 - tc ** 2)
    da = np.concatenate([dc * g * i * (1 - i), dc * prev_c * f * (1 - f),
                         dnext_h * tc * o * (1 - o), dc * i * (g ** 2 - 1)], axis=1)
    return da @ Wx.T, da @ Wh.T, dc * f, x.T @ da, prev_h.T @ da, da.sum(axis=0)
"""),
    # two blocks' local derivatives exchanged: each block said with the derivative it uses
    ("lstm", "lstm_step_backward", r"on the block of the input gate i yours is what the right "
                                   r"computation gives with the forget gate f's derivative "
                                   r"instead of this one.{0,120}on the block of the forget gate "
                                   r"f yours is what the right computation gives with the input "
                                   r"gate i's derivative"
                                   r"|the local derivatives of i and f are exchanged", """
def lstm_step_backward(dnext_h, dnext_c, cache):
    x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
    tc = np.tanh(next_c)
    dc = dnext_c + dnext_h * o * (1 - tc ** 2)
    da = np.concatenate([dc * g * f * (1 - f), dc * prev_c * i * (1 - i),
                         dnext_h * tc * o * (1 - o), dc * i * (1 - g ** 2)], axis=1)
    return da @ Wx.T, da @ Wh.T, dc * f, x.T @ da, prev_h.T @ da, da.sum(axis=0)
"""),
    # a gate's derivative formula taken at another gate's value (1 - i**2 for 1 - g**2)
    ("lstm", "lstm_step_backward", r"1 - i\*\*2, the formula taken at i instead of at g, in "
                                   r"the cell candidate g's own derivative", """
def lstm_step_backward(dnext_h, dnext_c, cache):
    x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
    tc = np.tanh(next_c)
    dc = dnext_c + dnext_h * o * (1 - tc ** 2)
    da = np.concatenate([dc * g * i * (1 - i), dc * prev_c * f * (1 - f),
                         dnext_h * tc * o * (1 - o), dc * i * (1 - i ** 2)], axis=1)
    return da @ Wx.T, da @ Wh.T, dc * f, x.T @ da, prev_h.T @ da, da.sum(axis=0)
"""),
]

_NAMESPACES: dict = {}


def _messages(assignment: str, function: str, source: str) -> list[str]:
    ns = _NAMESPACES.setdefault(assignment, solution_namespace(assignment))
    env = dict(ns)
    exec(compile(source, "<slip>", "exec"), env)
    out = []
    for cell in cells_for(assignment, function):
        try:
            with np.errstate(all="ignore"):
                run_test_cell(ns, cell, **{function: env[function]})
        except (CheckFailure, StudentCodeError) as exc:
            out.append(str(exc))
    return out


@pytest.mark.parametrize("assignment, function, said, source", SLIPS,
                         ids=[f"{s[1]}-{k}" for k, s in enumerate(SLIPS)])
def test_an_uncatalogued_slip_is_said_by_a_relation(assignment, function, said, source):
    messages = _messages(assignment, function, source)
    assert messages, "the slip must lose points"
    differs = [line for m in messages for line in m.splitlines() if "What differs:" in line]
    assert any(re.search(said, line) for line in differs), differs or messages[:1]
    assert not [m for m in messages if FORMULA.search(m)]
