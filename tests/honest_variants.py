"""Honest chain-rule backward passes written differently from the worked solutions: recomputing
a sigmoid or tanh instead of reading the cache, another order of operations, np.where instead
of masks, in place on copies, einsum for products, a Python loop over the rows. Each must
keep every point (tests/test_numerical_attacks.py). Sources run in the solution namespace."""
from __future__ import annotations

VARIANTS = {
    "staged_backward": {
        "recomputes the sigmoids, one expression": '''
def staged_backward(df, cache):
    x, y = cache[0], cache[1]
    sx, sy = sigmoid(x), sigmoid(y)
    num = x + sy
    den = sx + (x + y) ** 2
    g = -num / den ** 2
    dx = df * (1.0 / den + g * (sx * (1 - sx) + 2 * (x + y)))
    dy = df * (sy * (1 - sy) / den + g * 2 * (x + y))
    return dx, dy
''',
        "reads den, not invden": '''
def staged_backward(df, cache):
    x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
    dnum = df / den
    dden = -num * df / (den * den)
    dxpy = 2 * xpy * dden
    dx = dnum + sigx * (1 - sigx) * dden + dxpy
    dy = dnum * sigy * (1 - sigy) + dxpy
    return dx, dy
''',
    },
    "softplus_circuit": {
        "closed form, logaddexp and a sigmoid": '''
def softplus_circuit(x, y, dg=1.0):
    u = x * y
    t = np.tanh(y)
    den = 1.0 + x * x
    g = np.logaddexp(0.0, u) + x * t / den
    s = 1.0 / (1.0 + np.exp(-u))
    dx = dg * (s * y + t * (1.0 - x * x) / (den * den))
    dy = dg * (s * x + x * (1.0 - t * t) / den)
    return g, dx, dy
''',
        "stages in another order, divisions kept": '''
def softplus_circuit(x, y, dg=1.0):
    t = np.tanh(y)
    den = 1.0 + x ** 2
    frac = x * t / den
    e = np.exp(x * y)
    g = frac + np.log1p(e)
    du = dg * e / (1.0 + e)
    dx = du * y + dg * t / den - dg * x * t * 2.0 * x / den ** 2
    dy = du * x + dg * x / den * (1.0 - t ** 2)
    return g, dx, dy
''',
    },
    "add_backward": {
        "np.array": "def add_backward(dout, x, y):\n    return np.array(dout), dout * 1.0\n",
        "ones_like": ("def add_backward(dout, x, y):\n"
                      "    return np.ones_like(x) * dout, dout + np.zeros_like(y)\n"),
    },
    "mul_backward": {
        "np.multiply": ("def mul_backward(dout, x, y):\n"
                        "    return np.multiply(y, dout), np.multiply(x, dout)\n"),
    },
    "max_backward": {
        "masks": ("def max_backward(dout, x, y):\n    m = x > y\n"
                  "    return dout * m, dout * ~m\n"),
        "equality with the max": ("def max_backward(dout, x, y):\n    out = np.maximum(x, y)\n"
                                  "    return np.where(out == x, dout, 0.0), "
                                  "np.where(out == y, dout, 0.0)\n"),
    },
    "sigmoid_layer_backward": {
        "recomputes z with exp": '''
def sigmoid_layer_backward(dz, cache):
    W, x, _ = cache
    z = 1.0 / (1.0 + np.exp(-(W @ x)))
    local = dz * z * (1.0 - z)
    return W.T @ local, local[:, None] * x[None, :]
''',
        "einsum": '''
def sigmoid_layer_backward(dz, cache):
    W, x, z = cache
    local = z * (1 - z) * dz
    return np.einsum("hd,h->d", W, local), np.einsum("h,d->hd", local, x)
''',
    },
    "relu_backward": {
        "mask": "def relu_backward(dout, cache):\n    return dout * (cache > 0)\n",
        "in place on a copy": ("def relu_backward(dout, cache):\n    da = dout.copy()\n"
                               "    da[cache <= 0] = 0\n    return da\n"),
        # 'F' is Fortran order here, not complex64; a dtype read from an input is a dtype
        "Fortran order and the input's dtype": (
            "def relu_backward(dout, cache):\n"
            "    mask = (cache > 0).astype(cache.dtype).ravel(order='F')\n"
            "    da = np.zeros(cache.shape, dtype=np.float64, order='F')\n"
            "    da[...] = mask.reshape(cache.shape, order='F') * dout\n"
            "    return np.asarray(da, dout.dtype).copy('F')\n"),
    },
    "leaky_relu_backward": {
        "one expression": ("def leaky_relu_backward(dout, cache):\n    a, slope = cache\n"
                           "    return dout * np.where(a > 0, 1.0, slope)\n"),
        "in place on a copy": ("def leaky_relu_backward(dout, cache):\n    a, slope = cache\n"
                               "    da = dout.copy()\n    da[a <= 0] *= slope\n    return da\n"),
    },
    "prelu_backward": {
        "minimum": ('''
def prelu_backward(dout, cache):
    a, alpha = cache
    neg = a <= 0
    da = np.where(neg, alpha * dout, dout)
    dalpha = (np.minimum(a, 0) * dout).sum(axis=0)
    return da, dalpha
'''),
    },
    "relu_rnn_backward": {
        "masks recomputed, list of deltas": '''
def relu_rnn_backward(dhs, cache):
    Whh, h0, hs = cache
    T = hs.shape[0]
    prev = np.vstack([h0[None, :], hs[:-1]])
    dh = np.zeros_like(h0)
    deltas = [None] * T
    for t in range(T - 1, -1, -1):
        d = np.where(Whh @ prev[t] > 0, dhs[t] + dh, 0.0)
        deltas[t] = d
        dh = d @ Whh
    D = np.array(deltas)
    return D.T @ prev, dh
''',
    },
    "rnn_step_backward": {
        "(1 - h)(1 + h), einsum": '''
def rnn_step_backward(dnext_h, cache):
    x, prev_h, Wx, Wh, next_h = cache
    da = dnext_h * (1.0 - next_h) * (1.0 + next_h)
    return (np.einsum("nh,dh->nd", da, Wx), da.dot(Wh.T), np.einsum("nd,nh->dh", x, da),
            prev_h.T.dot(da), np.ones(len(da)) @ da)
''',
    },
    "affine_backward": {
        "einsum and a loop over rows": '''
def affine_backward(dout, cache):
    x, W, b = cache
    dW = np.zeros_like(W)
    for n in range(x.shape[0]):
        dW += np.outer(x[n], dout[n])
    return np.einsum("nm,dm->nd", dout, W), dW, np.ones(dout.shape[0]) @ dout
''',
    },
    "softmax_cross_entropy_backward": {
        "recomputes the softmax": '''
def softmax_cross_entropy_backward(dloss, cache):
    logits, labels, _ = cache
    N = logits.shape[0]
    s = logits - logits.max(axis=1, keepdims=True)
    logp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    p = np.exp(logp)
    return (p * labels.sum(axis=1, keepdims=True) - labels) * (dloss / N), -logp * (dloss / N)
''',
    },
    "mlp_backward": {
        "inline layers, np.where": '''
def mlp_backward(dloss, cache):
    (X, W1, b1), a, (h, W2, b2), (logits, labels, probs) = cache
    N = X.shape[0]
    dlogits = dloss * (probs * labels.sum(axis=1, keepdims=True) - labels) / N
    dh = dlogits @ W2.T
    da = np.where(a > 0, dh, 0.0)
    return da @ W1.T, {"W1": X.T @ da, "b1": da.sum(0), "W2": h.T @ dlogits,
                       "b2": dlogits.sum(0)}
''',
    },
    "lstm_step_backward": {
        "recomputes tanh(next_c) and the pre-activation order": '''
def lstm_step_backward(dnext_h, dnext_c, cache):
    x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
    t = np.tanh(next_c)
    dc = dnext_c + dnext_h * o * (1 - t) * (1 + t)
    parts = [dc * g * i * (1 - i), dc * prev_c * f * (1 - f), dnext_h * t * o * (1 - o),
             dc * i * (1 - g) * (1 + g)]
    da = np.hstack(parts)
    return (da.dot(Wx.T), da.dot(Wh.T), f * dc, np.einsum("nd,nk->dk", x, da),
            np.einsum("nh,nk->hk", prev_h, da), da.sum(axis=0))
''',
    },
    "huber_backward": {
        "clip": ("def huber_backward(dloss, r, delta=1.0):\n"
                 "    return np.clip(r, -delta, delta) * (dloss / r.size)\n"),
        "masks": ('''
def huber_backward(dloss, r, delta=1.0):
    inside = np.abs(r) <= delta
    return dloss * (inside * r + ~inside * delta * np.sign(r)) / r.size
'''),
    },
    "fix_wrong_backward": {
        "named arguments, dout minus": ("def fix_wrong_backward(dout, out):\n"
                                        "    return dout - dout * out * out\n"),
        "np.square": ("def fix_wrong_backward(*args):\n    dout, out = args\n"
                      "    return np.multiply(dout, 1.0 - np.square(out))\n"),
    },
}
