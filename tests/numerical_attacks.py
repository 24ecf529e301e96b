"""Numerical stand-ins for every graded backward pass, as an attacker who reads the checks would
write them, and honest chain-rule variants that must keep every point.

Each attack is a function with the backward pass's signature that differentiates a forward
numerically: centered differences (the usual step 1e-5, a step scaled to the entries, and a
fourth-order stencil) or the complex step, looping over the entries or vectorised over an
elementwise forward, calling the given forward (from the notebook's namespace) or the same
formula typed inline. Used by tests/test_numerical_attacks.py and bench/hostile_class.py.
"""
from __future__ import annotations

from typing import Callable

import numpy as np


def sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


# ---------------------------------------------------------------- how to differentiate

def _scalar(v):
    return np.real(np.sum(v)) if np.iscomplexobj(v) else float(np.sum(v))


def _derivative(method: str, loss: Callable, vals: list, k: int):
    """d loss / d vals[k], entry by entry (loss: list of arrays -> scalar)."""
    x = np.asarray(vals[k], dtype=np.float64)
    grad = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        def at(step, dtype=np.float64):
            v = [np.array(a, dtype=dtype) for a in vals]
            v[k][idx] = v[k][idx] + step
            return loss(v)
        if method == "complex":
            grad[idx] = float(np.imag(np.sum(at(1e-30j, np.complex128)))) / 1e-30
        else:
            h = {"central": 1e-5, "scaled": 1e-6 * max(1.0, abs(float(x[idx])))}.get(method)
            if method == "fourth":
                h = 1e-3 * max(1.0, abs(float(x[idx])))
                grad[idx] = (-_scalar(at(2 * h)) + 8 * _scalar(at(h)) - 8 * _scalar(at(-h))
                             + _scalar(at(-2 * h))) / (12 * h)
            else:
                grad[idx] = (_scalar(at(h)) - _scalar(at(-h))) / (2 * h)
    return grad


def _vectorised(method: str, elem: Callable, vals: list, k: int):
    """The derivative of an elementwise forward, all entries at once."""
    x = np.asarray(vals[k], dtype=np.float64)
    if method == "complex":
        v = [np.array(a, dtype=np.complex128) for a in vals]
        v[k] = v[k] + 1e-30j
        return np.imag(elem(v)) / 1e-30
    h = 1e-5
    plus = [np.array(a, dtype=np.float64) for a in vals]
    minus = [np.array(a, dtype=np.float64) for a in vals]
    plus[k] = plus[k] + h
    minus[k] = minus[k] - h
    return (elem(plus) - elem(minus)) / (2 * h)


# ---------------------------------------------------------------- one spec per function
# unpack(args, ns) -> (vals, loss, elem, pack): vals the arrays to differentiate, loss(vals)
# the scalar sum(out * upstream), elem(vals) the elementwise output times upstream (None
# when not elementwise), pack(grads) the backward pass's return value.

def _staged(args, ns, inline):
    df, cache = args
    x, y = cache[0], cache[1]
    scalar = np.ndim(x) == 0
    fwd = ((lambda a, b: (a + sigmoid(b)) / (sigmoid(a) + (a + b) ** 2)) if inline
           else (lambda a, b: ns["staged_forward"](a, b)[0]))
    vals = [np.atleast_1d(np.asarray(x, dtype=np.float64)),
            np.atleast_1d(np.asarray(y, dtype=np.float64))]
    dfa = np.asarray(df, dtype=np.float64)

    def elem(v):
        return fwd(v[0], v[1]) * dfa

    def pack(g):
        return (float(g[0][0]), float(g[1][0])) if scalar else (g[0], g[1])
    return vals, lambda v: np.sum(elem(v)), elem, pack


def _circuit(args, ns, inline):
    """softplus_circuit(x, y, dg) -> (g, dx, dy): the student writes the forward too, so the
    attack types the expression inline either way."""
    x, y, dg = args
    scalar = np.ndim(x) == 0
    vals = [np.atleast_1d(np.asarray(x, dtype=np.float64)),
            np.atleast_1d(np.asarray(y, dtype=np.float64))]
    dga = np.asarray(dg, dtype=np.float64)

    def fwd(a, b):
        return np.log(1.0 + np.exp(a * b)) + a * np.tanh(b) / (1.0 + a ** 2)

    def elem(v):
        return fwd(v[0], v[1]) * dga

    def pack(g):
        value = fwd(vals[0], vals[1])
        if scalar:
            return float(value[0]), float(g[0][0]), float(g[1][0])
        return value, g[0], g[1]
    return vals, lambda v: np.sum(elem(v)), elem, pack


def _gate(op):
    def unpack(args, ns, inline):
        dout, x, y = args

        def elem(v):
            return op(v[0], v[1]) * dout
        return [x, y], lambda v: np.sum(elem(v)), elem, tuple
    return unpack


def _sigmoid_layer(args, ns, inline):
    dz, (W, x, z) = args
    fwd = ((lambda W, x: sigmoid(W @ x)) if inline
           else (lambda W, x: ns["sigmoid_layer_forward"](W, x)[0]))
    return [x, W], lambda v: np.sum(fwd(v[1], v[0]) * dz), None, lambda g: (g[0], g[1])


def _relu(args, ns, inline):
    dout, a = args
    fwd = (lambda a: np.maximum(0, a)) if inline else (lambda a: ns["relu_forward"](a)[0])

    def elem(v):
        return fwd(v[0]) * dout
    return [a], lambda v: np.sum(elem(v)), elem, lambda g: g[0]


def _leaky(args, ns, inline):
    dout, (a, slope) = args
    fwd = ((lambda a: np.where(np.real(a) > 0, a, slope * a)) if inline
           else (lambda a: ns["leaky_relu_forward"](a, slope)[0]))

    def elem(v):
        return fwd(v[0]) * dout
    return [a], lambda v: np.sum(elem(v)), elem, lambda g: g[0]


def _prelu(args, ns, inline):
    dout, (a, alpha) = args
    fwd = ((lambda a, al: np.where(np.real(a) > 0, a, al * a)) if inline
           else (lambda a, al: ns["prelu_forward"](a, al)[0]))

    return [a, alpha], lambda v: np.sum(fwd(v[0], v[1]) * dout), None, lambda g: (g[0], g[1])


def _tanh(args, ns, inline):
    """The debug notebook's tanh backward pass from its cached output: back to a = arctanh(out),
    then the derivative of tanh (no given forward: np.tanh is the forward either way)."""
    dout, out = args
    a = np.arctanh(out)

    def elem(v):
        return np.tanh(v[0]) * dout
    return [a], lambda v: np.sum(elem(v)), elem, lambda g: g[0]


def _relu_rnn(args, ns, inline):
    dhs, (Whh, h0, hs) = args
    T = hs.shape[0]
    return ([Whh, h0], lambda v: np.sum(ns["relu_rnn_forward"](v[0], v[1], T)[0] * dhs),
            None, lambda g: (g[0], g[1]))


def _arctanh_bias(x, prev_h, Wx, Wh, next_h):
    return (np.arctanh(next_h) - x @ Wx - prev_h @ Wh)[0]


def _rnn_step(args, ns, inline):
    dnext, (x, prev_h, Wx, Wh, next_h) = args
    b = _arctanh_bias(x, prev_h, Wx, Wh, next_h)
    fwd = ((lambda x, h, Wx, Wh, b: np.tanh(x @ Wx + h @ Wh + b)) if inline
           else (lambda *a: ns["rnn_step_forward"](*a)[0]))
    return ([x, prev_h, Wx, Wh, b], lambda v: np.sum(fwd(*v) * dnext), None, tuple)


def _rnn(args, ns, inline):
    dh, cache = args
    x = np.stack([c[0] for c in cache], axis=1)
    h0, Wx, Wh = cache[0][1], cache[0][2], cache[0][3]
    b = _arctanh_bias(*cache[0])
    return ([x, h0, Wx, Wh, b], lambda v: np.sum(ns["rnn_forward"](*v)[0] * dh), None, tuple)


def _affine(args, ns, inline):
    dout, (x, W, b) = args
    fwd = (lambda x, W, b: x @ W + b) if inline else (lambda *a: ns["affine_forward"](*a)[0])
    return [x, W, b], lambda v: np.sum(fwd(*v) * dout), None, tuple


def _softmax(args, ns, inline):
    dloss, (logits, labels, probs) = args

    def loss(v):
        lg, lb = v
        if inline:
            s = lg - np.max(np.real(lg), axis=1, keepdims=True)
            logp = s - np.log(np.sum(np.exp(s), axis=1, keepdims=True))
            return -np.sum(lb * logp) / lg.shape[0] * dloss
        return ns["softmax_cross_entropy_forward"](lg, lb)[0] * dloss
    return [logits, labels], loss, None, tuple


_P = ("W1", "b1", "W2", "b2")


def _mlp(args, ns, inline):
    dloss, (aff1, relu_cache, aff2, loss_cache) = args
    X, W1, b1 = aff1
    _, W2, b2 = aff2
    labels = loss_cache[1]

    def loss(v):
        return ns["mlp_forward"](v[0], labels, dict(zip(_P, v[1:])))[0] * dloss
    return [X, W1, b1, W2, b2], loss, None, lambda g: (g[0], dict(zip(_P, g[1:])))


def _logit(p):
    return np.log(p) - np.log1p(-p)


def _lstm_bias(x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c):
    a = np.concatenate([_logit(i), _logit(f), _logit(o), np.arctanh(g)], axis=1)
    return (a - x @ Wx - prev_h @ Wh)[0]


def _lstm_step(args, ns, inline):
    dh, dc, cache = args
    x, prev_h, prev_c, Wx, Wh = cache[:5]
    b = _lstm_bias(*cache)

    def loss(v):
        h, c, _ = ns["lstm_step_forward"](*v)
        return np.sum(h * dh) + np.sum(c * dc)
    return [x, prev_h, prev_c, Wx, Wh, b], loss, None, tuple


def _lstm(args, ns, inline):
    dh, cache = args
    x = np.stack([c[0] for c in cache], axis=1)
    h0, Wx, Wh = cache[0][1], cache[0][3], cache[0][4]
    b = _lstm_bias(*cache[0])
    return ([x, h0, Wx, Wh, b], lambda v: np.sum(ns["lstm_forward"](*v)[0] * dh), None, tuple)


def _huber(args, ns, inline):
    dloss = args[0]
    r = args[1]
    delta = args[2] if len(args) > 2 else 1.0

    def elem(v):
        r = v[0]
        a = np.where(np.real(r) < 0, -r, r)
        return np.where(np.real(a) <= delta, 0.5 * r ** 2, delta * (a - 0.5 * delta)) \
            * dloss / r.size

    def loss(v):
        if inline or np.iscomplexobj(v[0]):
            return np.sum(elem(v))
        return ns["huber_loss"](v[0], delta) * dloss
    return [r], loss, elem, lambda g: g[0]


SPECS = {
    "staged": {"staged_backward": _staged, "softplus_circuit": _circuit,
               "add_backward": _gate(lambda x, y: x + y),
               "mul_backward": _gate(lambda x, y: x * y),
               "max_backward": _gate(lambda x, y: np.where(np.real(x) > np.real(y), x, y))},
    "sigmoid": {"sigmoid_layer_backward": _sigmoid_layer},
    "relu": {"relu_backward": _relu, "leaky_relu_backward": _leaky,
             "prelu_backward": _prelu},
    "rnn": {"relu_rnn_backward": _relu_rnn, "rnn_step_backward": _rnn_step,
            "rnn_backward": _rnn},
    "softmax": {"affine_backward": _affine,
                "softmax_cross_entropy_backward": _softmax, "mlp_backward": _mlp},
    "lstm": {"lstm_step_backward": _lstm_step, "lstm_backward": _lstm,
             "huber_backward": _huber},
    "debug": {"fix_wrong_backward": _tanh},
}
ELEMENTWISE = {"staged_backward", "softplus_circuit", "add_backward", "mul_backward",
               "max_backward", "relu_backward", "leaky_relu_backward", "huber_backward",
               "fix_wrong_backward"}
METHODS = ("central", "scaled", "fourth", "complex")


def attack(assignment: str, function: str, method: str, ns: dict, *, vectorised=False,
           inline=False) -> Callable:
    """A numerical `function` for the notebook namespace `ns`."""
    unpack = SPECS[assignment][function]

    def backward(*args):
        vals, loss, elem, pack = unpack(args, ns, inline)
        grads = []
        for k in range(len(vals)):
            if vectorised and elem is not None and method in ("central", "complex"):
                grads.append(_vectorised(method, elem, vals, k))
            else:
                grads.append(_derivative(method, loss, vals, k))
        return pack(grads)
    backward.__name__ = function
    return backward


def attacks_for(assignment: str, function: str, ns: dict):
    """(label, attack) for every variant of one function."""
    out = []
    for method in METHODS:
        out.append((f"{method} loop over the given forward",
                    attack(assignment, function, method, ns)))
    if function in ELEMENTWISE:
        for method in ("central", "complex"):
            out.append((f"{method} vectorised, inline formula",
                        attack(assignment, function, method, ns, vectorised=True, inline=True)))
    if function in ("staged_backward", "affine_backward", "rnn_step_backward",
                    "sigmoid_layer_backward", "softmax_cross_entropy_backward"):
        out.append(("central loop, inline formula",
                    attack(assignment, function, "central", ns, inline=True)))
    return out


# ---------------------------------------------------------------- the complex step, as cells
# What an attacker types into the answer cell: the complex step of the given forward (or the
# same formula inline), vectorised over an elementwise function or used for one local
# derivative inside an otherwise chain-rule pass. Exact to the last digit and one forward pass:
# only the source can tell (autograder/checks/complex_scan.py). {function: cell source}

COMPLEX_CELLS = {
    "staged_backward": '''
def staged_backward(df, cache):
    x, y = cache[0], cache[1]
    h = 1e-30
    dx = np.imag(staged_forward(x + 1j * h, y)[0]) / h
    dy = np.imag(staged_forward(x, y + 1j * h)[0]) / h
    return df * dx, df * dy
''',
    "add_backward": '''
def add_backward(dout, x, y):
    h = 1e-30
    return dout * np.imag((x + 1j * h) + y) / h, dout * np.imag(x + (y + 1j * h)) / h
''',
    "mul_backward": '''
def mul_backward(dout, x, y):
    h = 1e-30
    return dout * ((x + 1j * h) * y).imag / h, dout * (x * (y + 1j * h)).imag / h
''',
    "max_backward": '''
def max_backward(dout, x, y):
    h = 1e-30
    zx = np.where(x > y, x + 1j * h, y)
    zy = np.where(x > y, x, y + 1j * h)
    return dout * zx.imag / h, dout * zy.imag / h
''',
    "sigmoid_layer_backward": '''
def sigmoid_layer_backward(dz, cache):
    W, x, z = cache
    a = W @ x
    local = dz * np.imag(1.0 / (1.0 + np.exp(-(a + 1e-30j)))) / 1e-30
    return W.T @ local, np.outer(local, x)
''',
    "relu_backward": '''
def relu_backward(dout, cache):
    h = 1e-30
    return dout * np.imag(relu_forward(cache + 1j * h)[0]) / h
''',
    "leaky_relu_backward": '''
def leaky_relu_backward(dout, cache):
    a, slope = cache
    z = a + 1e-30j
    return dout * np.imag(np.where(a > 0, z, slope * z)) / 1e-30
''',
    "prelu_backward": '''
def prelu_backward(dout, cache):
    a, alpha = cache
    h = 1e-30
    za = np.where(a > 0, a + 1j * h, alpha * (a + 1j * h))
    zalpha = np.where(a > 0, a, (alpha + 1j * h) * a)
    return dout * za.imag / h, (dout * zalpha.imag / h).sum(axis=0)
''',
    "huber_backward": '''
def huber_backward(dloss, r, delta=1.0):
    h = 1e-30
    z = r + 1j * h
    a = np.where(r < 0, -z, z)
    val = np.where(np.abs(r) <= delta, 0.5 * z * z, delta * (a - 0.5 * delta))
    return dloss * val.imag / h / r.size
''',
    "rnn_step_backward": '''
def rnn_step_backward(dnext_h, cache):
    x, prev_h, Wx, Wh, next_h = cache
    a = x @ Wx + prev_h @ Wh + np.arctanh(next_h) - x @ Wx - prev_h @ Wh
    da = dnext_h * np.imag(np.tanh(a + 1e-30j)) / 1e-30
    return da @ Wx.T, da @ Wh.T, x.T @ da, prev_h.T @ da, da.sum(axis=0)
''',
    "softmax_cross_entropy_backward": '''
def softmax_cross_entropy_backward(dloss, cache):
    logits, labels, probs = cache
    N = logits.shape[0]
    dlogits = dloss * (probs * labels.sum(axis=1, keepdims=True) - labels) / N
    z = labels + 1e-30j
    dlabels = dloss * np.imag(-z * np.log(probs)) / 1e-30 / N
    return dlogits, dlabels
''',
    "lstm_step_backward": '''
def lstm_step_backward(dnext_h, dnext_c, cache):
    x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
    h = 1e-30
    tanh_c = np.tanh(next_c)
    do = dnext_h * tanh_c
    dc = dnext_c + dnext_h * o * np.imag(np.tanh(next_c + 1j * h)) / h
    df, dprev_c, di, dg = dc * prev_c, dc * f, dc * g, dc * i
    da = np.concatenate([di * i * (1.0 - i), df * f * (1.0 - f),
                         do * o * (1.0 - o), dg * (1.0 - g ** 2)], axis=1)
    return da @ Wx.T, da @ Wh.T, dprev_c, x.T @ da, prev_h.T @ da, da.sum(axis=0)
''',
}

# The same attack on relu_backward after reading the scan: every way to reach a complex number
# (or the imaginary part) without typing `1j` or `np.imag`, and every indirection that hides a
# name from a reading of the source. Each must lose the function's points. {label: cells},
# cells: the answer cell's source, then (optionally) a helper cell of the student's own, or
# code added to the end of another answer cell (`#append: NAME`): a helper cell that does
# more than define is not run, an answer cell runs in full.
APPEND = "#append:"
_RELU = "def relu_backward(dout, cache):\n"
OBFUSCATED = {
    "np.sqrt of a negative 'D' array": [_RELU + '''\
    i = np.sqrt(-np.ones(1, 'D'))[0]
    return dout * relu_forward(cache + i * 1e-30)[0].imag / 1e-30
'''],
    "getattr(np, 'im' + 'ag')": [_RELU + '''\
    i = np.sqrt(np.array(-1.0, dtype='c16'))
    return dout * getattr(np, 'im' + 'ag')(relu_forward(cache + i * 1e-30)[0]) / 1e-30
'''],
    "np.fft gives i": [_RELU + '''\
    i = np.fft.fft([0.0, 0.0, 0.0, 1.0])[1] * -1
    return dout * (relu_forward(cache + i * 1e-30)[0] * -i).real / 1e-30
'''],
    "Python's (-1) ** 0.5": [_RELU + '''\
    i = (-1.0) ** 0.5
    z = relu_forward(cache + i * 1e-30)[0]
    return dout * (z - np.conj(z)).view(float)[1::2].reshape(cache.shape) / 2e-30
'''],
    "pow(-1, 0.5)": [_RELU + '''\
    i = pow(-1, 0.5)
    return dout * np.angle(1 + relu_forward(cache + i * 1e-30)[0]) / 1e-30
'''],
    "complex()": [_RELU + '''\
    z = relu_forward(cache + complex(0, 1e-30))[0]
    return dout * z.imag / 1e-30
'''],
    "np.complex128 type": [_RELU + '''\
    z = cache.astype(np.complex128)
    z += np.complex128(1e-30 * np.sqrt(-1 + 0 * z))
    return dout * relu_forward(z)[0].imag / 1e-30
'''],
    "astype('F')": [_RELU + '''\
    z = np.sqrt(-np.ones_like(cache).astype('F')) * 1e-30 + cache
    return dout * relu_forward(z)[0].imag / 1e-30
'''],
    "dtype made at run time": [_RELU + '''\
    kind = 'd'.upper()
    i = np.sqrt(np.full(cache.shape, -1.0, dtype=kind))
    return dout * relu_forward(cache + 1e-30 * i)[0].imag / 1e-30
'''],
    "dtype from chr()": [_RELU + '''\
    i = np.sqrt(-np.ones(cache.shape, chr(68)))
    return dout * relu_forward(cache + 1e-30 * i)[0].imag / 1e-30
'''],
    "dtype kept on a class": [
        _RELU + "    i = np.sqrt(-np.ones(cache.shape, Kind.dtype))\n"
        "    return dout * relu_forward(cache + 1e-30 * i)[0].imag / 1e-30\n",
        "class Kind:\n    dtype = chr(68)\n"],
    "np.emath.sqrt(-1)": [_RELU + '''\
    i = np.emath.sqrt(-1)
    return dout * relu_forward(cache + 1e-30 * i)[0].imag / 1e-30
'''],
    "np.lib.scimath": [_RELU + '''\
    from numpy.lib import scimath
    i = scimath.sqrt(-1)
    return dout * relu_forward(cache + 1e-30 * i)[0].imag / 1e-30
'''],
    "np.roots of x^2 + 1": [_RELU + '''\
    i = np.roots([1.0, 0.0, 1.0])[0]
    return dout * relu_forward(cache + 1e-30 * i)[0].imag / 1e-30
'''],
    "np.linalg.eigvals of a rotation": [_RELU + '''\
    i = np.linalg.eigvals(np.array([[0.0, -1.0], [1.0, 0.0]]))[0]
    return dout * relu_forward(cache + 1e-30 * i)[0].imag / 1e-30
'''],
    "scipy.linalg.sqrtm of a negative": [_RELU + '''\
    from scipy.linalg import sqrtm
    i = sqrtm(-np.eye(1))[0, 0]
    return dout * relu_forward(cache + 1e-30 * i)[0].imag / 1e-30
'''],
    "operator.ipow": [_RELU + '''\
    import operator
    i = operator.ipow(-1.0, 0.5)
    return dout * relu_forward(cache + 1e-30 * i)[0].imag / 1e-30
'''],
    "an array of Python objects": [_RELU + '''\
    i = np.power(np.array([-1.0], dtype=object), 0.5)[0]
    return dout * relu_forward(cache + 1e-30 * i)[0].imag / 1e-30
'''],
    "a ufunc loop signature": [_RELU + '''\
    i = np.sqrt(np.array([-1.0]), signature='D->D')[0]
    return dout * relu_forward(cache + 1e-30 * i)[0].imag / 1e-30
'''],
    "np.load of bytes made at run time": [_RELU + '''\
    import io
    head = "{'descr': '<" + "c" + "16', 'fortran_order': False, 'shape': (1,), }"
    head = head.ljust(117) + "\\n"
    data = b"\\x93NUMPY\\x01\\x00" + bytes([len(head), 0]) + head.encode() + \\
        np.array([0.0, 1.0]).tobytes()
    i = np.load(io.BytesIO(data))[0]
    return dout * relu_forward(cache + 1e-30 * i)[0].imag / 1e-30
'''],
    "cmath": [_RELU + '''\
    import cmath
    return dout * relu_forward(cache + 1e-30 * cmath.sqrt(-1))[0].imag / 1e-30
'''],
    "eval of a string": [_RELU + '''\
    i = eval('1' + 'j')
    return dout * relu_forward(cache + 1e-30 * i)[0].imag / 1e-30
'''],
    "exec": [_RELU + '''\
    box = {}
    exec('i = 1' + 'j', box)
    return dout * relu_forward(cache + 1e-30 * box['i'])[0].imag / 1e-30
'''],
    "__import__('cmath')": [_RELU + '''\
    m = __import__('cm' + 'ath')
    return dout * relu_forward(cache + 1e-30 * m.sqrt(-1))[0].imag / 1e-30
'''],
    "importlib": [_RELU + '''\
    import importlib
    m = importlib.import_module('cm' + 'ath')
    return dout * relu_forward(cache + 1e-30 * m.sqrt(-1))[0].imag / 1e-30
'''],
    "globals() lookup": [_RELU + '''\
    i = globals()['__builtins__'].__dict__['com' + 'plex'](0, 1)
    return dout * relu_forward(cache + 1e-30 * i)[0].imag / 1e-30
'''],
    "vars(np)": [_RELU + '''\
    sq = vars(np)['emath'].sqrt
    return dout * relu_forward(cache + 1e-30 * sq(-1))[0].imag / 1e-30
'''],
    "operator.attrgetter": [_RELU + '''\
    import operator
    z = relu_forward(cache + 1e-30 * np.sqrt(-np.ones(1, 'G')))[0]
    return dout * operator.attrgetter('im' + 'ag')(z) / 1e-30
'''],
    "__getattribute__": [_RELU + '''\
    z = relu_forward(cache + 1e-30 * np.sqrt(-np.ones(1, 'c8')))[0]
    return dout * z.__getattribute__('im' + 'ag') / 1e-30
'''],
    "a helper in another cell": [
        _RELU + "    return dout * _step(cache)\n",
        "import numpy as np\n\ndef _step(a):\n    return np.imag(relu_forward(a + 1e-30j)[0]) / 1e-30\n"],
    "a constant in another cell": [
        _RELU + "    return dout * np.imag(relu_forward(cache + H)[0]) / 1e-30\n",
        "H = 1e-30j\n"],
    "np.maximum patched by another cell": [
        _RELU + "    return dout * np.maximum(cache, 0)\n",
        APPEND + " dead_neuron_fraction\n"
        "import numpy as np\nfrom numpy.lib.scimath import sqrt as _s\n"
        "def _grad(a, b):\n    return _s(-1).imag * (a > b)\n"
        "np.maximum = _grad\n"],
    "dual numbers": [
        _RELU + "    return dout * np.vectorize(lambda v: relu_forward(Dual(v, 1.0)).b)(cache)\n",
        "class Dual:\n    def __init__(self, a, b):\n        self.a, self.b = a, b\n"
        "    def __gt__(self, other):\n        return self.a > other\n"],
    "a list filled by a function called as a cell loads": [
        _RELU + "    return dout * STEPS[0](cache)\n",
        APPEND + " dead_neuron_fraction\n"
        "STEPS = []\n"
        "def _cs(a):\n    return np.imag(relu_forward(a + 1e-30j)[0]) / 1e-30\n"
        "def _register():\n    STEPS.append(_cs)\n"
        "_register()\n"],
    "np.ScalarType": [_RELU + '''\
    kind = [t for t in np.ScalarType if t(-1) ** 0 == 1][3]
    return dout * relu_forward(cache + 1e-30 * np.sqrt(kind(-1)))[0].imag / 1e-30
'''],
    "setattr on builtins through a string": [
        _RELU + "    return dout * relu_forward(cache + 1e-30 * i_unit)[0].imag / 1e-30\n",
        APPEND + " dead_neuron_fraction\n"
        "import numpy as np\n"
        "setattr(__builtins__, 'i_' + 'unit', np.sqrt(np.array(-1.0, 'D')))\n"],
    "ast.literal_eval of a string": [_RELU + '''\
    import ast
    i = ast.literal_eval('1' + 'j')
    return dout * relu_forward(cache + 1e-30 * i)[0].imag / 1e-30
'''],
    "a module written at run time": [_RELU + '''\
    with open('_step_helper.py', 'w') as fh:
        fh.write('import numpy as np\\ndef grad(a):\\n'
                 '    return np.imag(np.maximum(a + 1e-30' + 'j, 0)) / 1e-30\\n')
    import _step_helper
    return dout * _step_helper.grad(cache)
'''],
    "view as complex": [_RELU + '''\
    pair = np.stack([cache, np.full(cache.shape, 1e-30)], axis=-1).copy()
    z = relu_forward(pair.view('c16')[..., 0])[0]
    return dout * z.view(float)[..., 1] / 1e-30
'''],
}
