"""Trusted functions that tests hand to student code: the only callables that cross the wire.

The grading child imports this module and nothing else of the package but its own runtime
(child.py, wire.py, zygote.py): the check library, which computes expected values, is not there
to import. So this module must never hold an expected value or compute one: only functions a
student's code is meant to call, such as the test functions given to `numerical_gradient`
(their gradients, the ground truth, stay in the checks module of the assignment).

wire.py sends references to the public functions defined here, bound with functools.partial,
and the child accepts no other.
"""
from __future__ import annotations

import numpy as np

__all__ = ["probe_exp", "probe_quadratic", "probe_params_loss"]


def _expect_shape(x, shape, name):
    if np.shape(x) != tuple(shape):
        raise ValueError(f"the test function {name} takes an array of shape {tuple(shape)} "
                         f"(the whole x), but it was called with shape {np.shape(x)}")


def probe_exp(x, a, w):
    """sum(w * exp(a * x)): separable and strongly curved (f'' / f' = a)."""
    w = np.asarray(w, dtype=np.float64)
    _expect_shape(x, w.shape, "probe_exp")
    return float(np.sum(w * np.exp(a * np.asarray(x, dtype=np.float64))))


def probe_quadratic(x, A, b):
    """0.5 v.A.v + b.v with v = x flattened: every entry of x is coupled to every other."""
    b = np.asarray(b, dtype=np.float64)
    _expect_shape(x, b.shape, "probe_quadratic")
    v = np.asarray(x, dtype=np.float64).ravel()
    return float(0.5 * v @ np.asarray(A) @ v + b.ravel() @ v)


def probe_params_loss(params, C, D):
    """sum_k sum(C_k * sin(p_k)) + 0.5 * (sum_k sum(D_k * p_k))**2 over the names k of C:
    a loss of a dict of parameter arrays, smooth and coupling every entry with every other."""
    total = 0.0
    s = 0.0
    for k in C:
        if np.shape(params[k]) != np.shape(C[k]):
            raise ValueError(f"the test loss takes params[{k!r}] of shape {np.shape(C[k])}, "
                             f"but it was called with shape {np.shape(params[k])}")
        p = np.asarray(params[k], dtype=np.float64)
        total = total + np.sum(np.asarray(C[k]) * np.sin(p))
        s = s + np.sum(np.asarray(D[k]) * p)
    return float(total + 0.5 * s * s)
