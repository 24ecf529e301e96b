"""Checks for the `debug` assignment: the diagnosis tools, the bug report and the four fixes.

The tools are checked numerically against trusted references built here: a gradient check's
relative errors from the exact gradient of a smooth test loss (with errors of known size planted
in the gradients it is given), unit counts from constructed layers whose every column has a known
fate, gradient norms from a recorded history. The fixes are checked against the contracts the
given functions' docstrings state (and the tanh backward pass against the complex step of
np.tanh). The bug report is checked exactly, in a hidden test, against salted digests: the kit
holds this module, not the answers.

Usual mistakes are recognised by computing what they produce from the same trusted pieces (the
relative error with another denominator, one-sided differences, counts of (example, unit) pairs
instead of units, norms of the parameters instead of the gradients, ...): a cause is named only
when it gives the student's answer on every case.
"""
from __future__ import annotations

import functools
import hashlib

import numpy as np

from ..probes import probe_params_loss
from .core import (
    NUMBER, CheckFailure, Hint, call_checked, call_and_check_inputs,
    complex_step_gradient, expect_close, looks_like, on_every_case, random_array, rng_for,
)

CHECK = "gradient_check"
COUNTS = "unit_counts"
NORMS = "layer_gradient_norms"
REPORT = "bug_report"
FIX_GRADIENT = "fix_wrong_backward"
FIX_DEAD = "fix_dead_layer"
FIX_UPDATES = "fix_exploding_updates"
FIX_LEAK = "fix_label_leak"

FLOOR = 1e-8          # the relative error's denominator is at least this (see the notebook)

# ---------------------------------------------------------------- gradient_check

# The gradient check runs on backprop_lab.probes.probe_params_loss (smooth, not separable,
# cheap; the grader hands it to the student's code as a functools.partial); its gradient, the
# ground truth, stays here.

def _probe_gradient(params, C, D):
    s = sum(float(np.sum(D[k] * params[k])) for k in C)
    return {k: C[k] * np.cos(params[k]) + s * D[k] for k in C}


def _relative(a, n):
    return np.abs(a - n) / np.maximum(np.maximum(np.abs(a), np.abs(n)), FLOOR)


def _one_sided(params, C, D, h):
    """Forward differences (L(p + h) - L(p)) / h, entry by entry."""
    base = probe_params_loss(params, C, D)
    out = {}
    for k in C:
        g = np.zeros_like(params[k])
        for idx in np.ndindex(params[k].shape):
            p = {j: np.array(v) for j, v in params.items()}
            p[k][idx] += h
            g[idx] = (probe_params_loss(p, C, D) - base) / h
        out[k] = g
    return out


ABSOLUTE = ("this is the largest absolute difference |a - n|: the relative error divides it "
            "by max(|a|, |n|) (at least 1e-8), so that a gradient of size 1000 and one of "
            "size 0.001 are judged alike.")
SUM_DENOMINATOR = ("the difference is divided by |a| + |n|: the contract divides by "
                   "max(|a|, |n|) (at least 1e-8), which gives twice your values for small "
                   "errors.")
NUMERIC_DENOMINATOR = ("the difference is divided by |n|, the numerical value alone: the "
                       "contract divides by the larger of |a| and |n| (at least 1e-8).")
ANALYTIC_DENOMINATOR = ("the difference is divided by |a|, the given gradient alone: the "
                        "contract divides by the larger of |a| and |n| (at least 1e-8).")
MEAN_NOT_MAX = ("this is the mean relative error over the entries of a parameter: the check "
                "reports the worst entry (the largest), since one wrong entry is a bug.")
ONE_SIDED = ("the numerical gradient is a one-sided difference (L(p + h) - L(p)) / h, whose "
             "error is proportional to h: it reports errors near 1e-5 even for a correct "
             "gradient. The centered difference (L(p + h) - L(p - h)) / (2h) is far more "
             "accurate.")
HALF_STEP = ("the numerical gradient is twice too large: a centered difference "
             "L(p + h) - L(p - h) spans a distance of 2h, so divide by 2h.")
NO_FLOOR = ("where both gradients are exactly 0 the relative error is 0/0: the contract "
            "keeps the denominator at least 1e-8, so that entry counts as 0.")


def _gradient_case(rng, plant: bool):
    """Parameters, the test loss's coefficients, gradients to check (exact, or with errors of
    known size planted), and the exact relative errors per name."""
    shapes = {"W1": (3, 4), "b1": (4,), "W2": (4, 2), "b2": (2,)}
    params = {k: rng.uniform(-1.5, 1.5, s) for k, s in shapes.items()}
    C = {k: rng.uniform(0.5, 2.0, s) * rng.choice([-1.0, 1.0], s) for k, s in shapes.items()}
    D = {k: rng.uniform(-0.5, 0.5, s) for k, s in shapes.items()}
    # one entry the loss does not depend on at all: both gradients are exactly 0 there
    C["b1"][0] = 0.0
    D["b1"][0] = 0.0
    true = _probe_gradient(params, C, D)
    grads = {k: np.array(v) for k, v in true.items()}
    if plant:
        i = tuple(int(rng.integers(n)) for n in shapes["W1"])
        grads["W1"][i] *= 1.0 + rng.uniform(0.1, 0.6)           # one entry too large
        j = int(rng.integers(2))
        grads["b2"][j] = -grads["b2"][j]                          # one sign flipped
        grads["W2"] = grads["W2"] * rng.uniform(1.5, 3.0)         # every entry scaled
    exact = {k: float(np.max(_relative(grads[k], true[k]))) for k in shapes}
    return params, C, D, grads, true, exact


def _candidates(params, C, D, grads, true, h):
    """Each usual mistake's answer, by cause."""
    with np.errstate(divide="ignore", invalid="ignore"):
        def per(f):
            return {k: float(np.max(f(grads[k], true[k]))) for k in grads}
        out = [
            (ABSOLUTE, per(lambda a, n: np.abs(a - n))),
            (SUM_DENOMINATOR, per(lambda a, n: np.abs(a - n) / np.maximum(
                np.abs(a) + np.abs(n), FLOOR))),
            (NUMERIC_DENOMINATOR, per(lambda a, n: np.abs(a - n) / np.maximum(np.abs(n),
                                                                              FLOOR))),
            (ANALYTIC_DENOMINATOR, per(lambda a, n: np.abs(a - n) / np.maximum(np.abs(a),
                                                                               FLOOR))),
            (HALF_STEP, per(lambda a, n: _relative(a, 2 * n))),
        ]
        mean = {k: float(np.mean(_relative(grads[k], true[k]))) for k in grads}
        out.append((MEAN_NOT_MAX, mean))
        one = _one_sided(params, C, D, h)
        out.append((ONE_SIDED, {k: float(np.max(_relative(grads[k], one[k]))) for k in grads}))
    return out


def _call_gradient_check(fn, params, C, D, grads, h):
    loss = functools.partial(probe_params_loss, C=C, D=D)
    out = call_checked(CHECK, fn, (loss, params, grads), {"errors": None}, kwargs={"h": h})
    errors = out["errors"]
    if not isinstance(errors, dict) or set(errors) != set(params):
        raise CheckFailure(
            f"`{CHECK}` must return a dict with one entry per parameter name "
            f"({', '.join(sorted(params))}); it returned "
            + (f"a dict with the keys {sorted(map(str, errors))}." if isinstance(errors, dict)
               else f"a {type(errors).__name__}."))
    values = {}
    for k, v in errors.items():
        try:
            values[k] = float(v)
        except (TypeError, ValueError):
            raise CheckFailure(f"`{CHECK}`: the entry for {k} must be one number (the worst "
                               f"relative error over its entries), not a "
                               f"{type(v).__name__}.") from None
    return values


def _judge_gradient_check(runs):
    """Fail on the first wrong value; name a cause only when it fits every case."""
    def right(run, k, got):
        want = run["exact"][k]
        if want < 1e-6:                 # a correct gradient: only noise is expected
            return 0.0 <= got < 1e-6
        return abs(got - want) <= 1e-5 * want
    for run in runs:
        for k in sorted(run["got"]):
            got = run["got"][k]
            if right(run, k, got):
                continue
            want = run["exact"][k]

            def fits(cause, other):
                for c, values in other["candidates"]:
                    if c == cause:
                        return all(
                            (np.isnan(other["got"][j]) and np.isnan(values[j]))
                            or abs(other["got"][j] - values[j]) <= 1e-4 * max(abs(values[j]),
                                                                              1e-9)
                            or right(other, j, other["got"][j])
                            for j in other["got"])
                return False
            named = [c for c, _ in run["candidates"] if all(fits(c, o) for o in runs)]
            if not named and any(np.isnan(v) for v in run["got"].values()):
                named = [NO_FLOOR]
            expected = (f"below 1e-6 (the gradient given for {k} is correct)" if want < 1e-6
                        else f"{want:.6g}")
            lines = [f"`{CHECK}`: the worst relative error reported for {k} is {got:.6g} "
                     f"{run['context']}; expected {expected}."]
            if len(named) == 1:
                lines.append("  Likely cause: " + named[0])
            else:
                lines.append("  Usual cause: for each entry, compare the given gradient a "
                             "with a centered difference n and take |a - n| / max(|a|, |n|, "
                             "1e-8); report the largest over the parameter's entries.")
            raise CheckFailure("\n".join(lines))


def _check_gradient_check(fn, seed, name):
    rng = rng_for(seed, name)
    runs = []
    for plant, h, context in ((False, 1e-5, "when every gradient given is correct"),
                              (True, 1e-5, "when errors are planted in W1, W2 and b2"),
                              (True, 1e-4, "with h = 1e-4, errors planted in W1, W2 and b2")):
        params, C, D, grads, true, exact = _gradient_case(rng, plant)
        got = _call_gradient_check(fn, params, C, D, grads, h)
        runs.append(dict(got=got, exact=exact, context=context,
                         candidates=_candidates(params, C, D, grads, true, h)))
    _judge_gradient_check(runs)


def check_gradient_check(gradient_check, seed=0):
    """Correct gradients (every value below 1e-6), then gradients with planted errors of known
    size: one entry of W1 too large, one sign of b2 flipped, W2 scaled."""
    _check_gradient_check(gradient_check, seed, "check_gradient_check")


def check_gradient_check_hidden(gradient_check, seed=0):
    _check_gradient_check(gradient_check, seed, "check_gradient_check_hidden")


# ---------------------------------------------------------------- unit_counts

DEAD_PAIRS = ("that counts (example, unit) pairs with a pre-activation <= 0; a unit is dead "
              "when that holds on every example, and the count is of units (columns).")
DEAD_ANY = ("a unit was counted as dead when its pre-activation is <= 0 on some example; it "
            "is dead only when that holds on every example (every row).")
DEAD_STRICT = ("a unit whose pre-activation is exactly 0 on every example was not counted: "
               "max(0, a) is 0 there and its gradient too, so it is dead (<= 0, not < 0).")
SAT_PAIRS = ("that counts saturated (example, unit) pairs; a unit is saturated when "
             "1 - tanh(a)**2 < tol on every example, and the count is of units (columns).")
SAT_ANY = ("a unit was counted as saturated when it is saturated on some example; it counts "
           "only when 1 - tanh(a)**2 < tol on every example.")
SAT_ONE_SIDE = ("only units stuck near +1 were counted: a unit stuck near -1 (a very "
                "negative pre-activation) is saturated too; 1 - tanh(a)**2 catches both sides.")
SAT_TOL = ("the tol argument is ignored: this is the count for tol = 1e-3, the default.")
SAT_SIGMOID = ("the local gradient used is the sigmoid's, s(1 - s): the layer is a tanh, "
               "whose local gradient is 1 - tanh(a)**2.")
SAT_TWICE = ("the tanh was applied to the pre-activations and then again inside the local "
             "gradient: 1 - tanh(a)**2 takes the pre-activation a itself.")


def _column(rng, N, role):
    if role == "dead":
        return -rng.uniform(0.1, 3.0, N)
    if role == "zero":
        return np.zeros(N)
    if role == "one":                      # fires on one example only: alive
        col = -rng.uniform(0.1, 3.0, N)
        col[rng.integers(N)] = rng.uniform(0.1, 1.0)
        return col
    if role == "sat+":
        return rng.uniform(8.0, 14.0, N)
    if role == "sat-":                     # saturated, and dead behind a ReLU
        return -rng.uniform(8.0, 14.0, N)
    if role == "sat+-":
        return rng.uniform(8.0, 14.0, N) * rng.choice([-1.0, 1.0], N)
    if role == "almost":                   # saturated on every example but one
        col = rng.uniform(8.0, 14.0, N) * rng.choice([-1.0, 1.0], N)
        col[rng.integers(N)] = rng.uniform(-0.5, 0.5)
        return col
    if role == "between":                  # saturated for tol 1e-3, not for tol 1e-6
        return rng.uniform(4.3, 5.5, N) * rng.choice([-1.0, 1.0], N)
    return rng.uniform(-2.0, 2.0, N)       # healthy


ROLES = ("dead", "zero", "one", "sat+", "sat-", "sat+-", "almost", "between", "between",
         "healthy", "healthy", "dead", "sat-")


def _unit_case(rng, N):
    roles = list(ROLES)
    rng.shuffle(roles)
    pre = np.column_stack([_column(rng, N, r) for r in roles])
    return pre, roles


def _count_candidates(pre, tol):
    local = 1.0 - np.tanh(pre) ** 2
    sig = 1.0 / (1.0 + np.exp(-pre))
    dead = [(DEAD_PAIRS, int(np.count_nonzero(pre <= 0))),
            (DEAD_ANY, int(np.count_nonzero(np.any(pre <= 0, axis=0)))),
            (DEAD_STRICT, int(np.count_nonzero(np.all(pre < 0, axis=0))))]
    sat = [(SAT_PAIRS, int(np.count_nonzero(local < tol))),
           (SAT_ANY, int(np.count_nonzero(np.any(local < tol, axis=0)))),
           (SAT_ONE_SIDE, int(np.count_nonzero(np.all(np.tanh(pre) > 1 - tol, axis=0)))),
           (SAT_ONE_SIDE, int(np.count_nonzero(np.all((1.0 - np.tanh(pre)) < tol, axis=0)))),
           (SAT_TOL, int(np.count_nonzero(np.all(local < 1e-3, axis=0)))),
           (SAT_SIGMOID, int(np.count_nonzero(np.all(sig * (1 - sig) < tol, axis=0)))),
           (SAT_TWICE, int(np.count_nonzero(np.all(1.0 - np.tanh(np.tanh(pre)) ** 2 < tol,
                                                   axis=0))))]
    return dead, sat


def _call_counts(fn, pre, tol):
    kwargs = {} if tol is None else {"tol": tol}
    result = call_and_check_inputs(fn, pre, **kwargs)
    if not (isinstance(result, (tuple, list)) and len(result) == 2):
        raise CheckFailure(f"`{COUNTS}` must return two counts, (dead, saturated); it returned "
                           f"a {type(result).__name__}"
                           + (f" of {len(result)}" if isinstance(result, (tuple, list)) else "")
                           + ".")
    out = []
    for what, value in zip(("dead", "saturated"), result):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer, float,
                                                                           np.floating)) \
                or float(value) != int(value):
            raise CheckFailure(f"`{COUNTS}`: the {what} count must be a whole number of units, "
                               f"not {value!r}. Count the columns, don't take a fraction.")
        out.append(int(value))
    return tuple(out)


def _check_unit_counts(fn, seed, name):
    rng = rng_for(seed, name)
    runs = []
    for N, tol, context in ((12, None, "with the default tol"), (9, 1e-6, "with tol=1e-6"),
                            (15, None, "with the default tol")):
        pre, roles = _unit_case(rng, N)
        t = 1e-3 if tol is None else tol
        local = 1.0 - np.tanh(pre) ** 2
        truth = (int(np.count_nonzero(np.all(pre <= 0, axis=0))),
                 int(np.count_nonzero(np.all(local < t, axis=0))))
        got = _call_counts(fn, pre, tol)
        runs.append(dict(got=got, truth=truth, cands=_count_candidates(pre, t),
                         context=f"on a layer of {pre.shape[1]} units and {N} examples "
                                 f"({context})"))
    for i, what in enumerate(("dead", "saturated")):
        for run in runs:
            if run["got"][i] == run["truth"][i]:
                continue
            named = []
            for cause, _ in run["cands"][i]:
                if cause in named:
                    continue
                if all(o["got"][i] == o["truth"][i]
                       or any(c == cause and v == o["got"][i] for c, v in o["cands"][i])
                       for o in runs):
                    named.append(cause)
            rule = ("pre-activation <= 0 on every example" if i == 0
                    else "1 - tanh(a)**2 < tol on every example")
            lines = [f"`{COUNTS}`: the {what} count is {run['got'][i]} {run['context']}; "
                     f"expected {run['truth'][i]}."]
            if len(named) == 1:
                lines.append("  Likely cause: " + named[0])
            else:
                lines.append(f"  Usual cause: a unit (a column) is {what} when its {rule}.")
            raise CheckFailure("\n".join(lines))


def check_unit_counts(unit_counts, seed=0):
    """Constructed layers whose every unit has a known fate: dead, exactly zero, alive on one
    example, saturated on one side or both, saturated on all examples but one, healthy."""
    _check_unit_counts(unit_counts, seed, "check_unit_counts")


def check_unit_counts_hidden(unit_counts, seed=0):
    _check_unit_counts(unit_counts, seed, "check_unit_counts_hidden")


# ---------------------------------------------------------------- layer_gradient_norms

PARAM_NORMS = ("these are the norms of the parameters, history[t]['params'], not of the "
               "gradients, history[t]['grads'].")
UPDATE_NORMS = ("these are the norms of the updates lr * gradient: the tool reports the "
                "gradients themselves (multiply by history[t]['lr'] afterwards to see the "
                "updates).")
SQUARED = "these are the squared norms: take the square root of the sum of squares."
MAX_ABS = ("this is the largest absolute entry; the norm is the square root of the sum of "
           "the squares of all entries.")
RMS = ("the sum of squares was divided by the number of entries (a root mean square): the "
       "norm is the square root of the plain sum of squares.")
L1 = "this is the sum of absolute values; the norm is the square root of the sum of squares."
SUMMED = ("this is the norm of the gradients summed over the steps so far: each step's norm "
          "is of that step's gradient alone.")


def _history(rng, T):
    shapes = {"W1": (5, 4), "b1": (4,), "W2": (4, 3), "b2": (3,)}
    hist = []
    for t in range(T):
        hist.append({"params": {k: rng.standard_normal(s) * 2.0 for k, s in shapes.items()},
                     "grads": {k: rng.standard_normal(s) * 10.0 ** rng.uniform(-3, 1)
                               for k, s in shapes.items()},
                     "lr": float(rng.uniform(0.05, 3.0))})
    return hist


def _norm_candidates(hist, k):
    g = [h["grads"][k] for h in hist]
    csum = np.cumsum(np.array(g), axis=0)
    return [(PARAM_NORMS, np.array([np.linalg.norm(h["params"][k]) for h in hist])),
            (UPDATE_NORMS, np.array([h["lr"] * np.linalg.norm(h["grads"][k]) for h in hist])),
            (SQUARED, np.array([np.sum(x ** 2) for x in g])),
            (MAX_ABS, np.array([np.max(np.abs(x)) for x in g])),
            (RMS, np.array([np.sqrt(np.mean(x ** 2)) for x in g])),
            (L1, np.array([np.sum(np.abs(x)) for x in g])),
            (SUMMED, np.array([np.linalg.norm(x) for x in csum]))]


def _check_norms(fn, seed, name):
    rng = rng_for(seed, name)
    cases = []
    for T in (6, 9):
        hist = _history(rng, T)
        out = call_checked(NORMS, fn, (hist,), {"norms": None})
        norms = out["norms"]
        names = sorted(hist[0]["grads"])
        if not isinstance(norms, dict) or set(norms) != set(names):
            raise CheckFailure(f"`{NORMS}` must return a dict with one entry per parameter "
                               f"name ({', '.join(names)}), each an array of the {T} steps' "
                               "norms.")
        cases.append((hist, norms, T))
    for k in sorted(cases[0][0][0]["grads"]):
        per = []
        for hist, norms, T in cases:
            value = norms[k]
            got = np.asarray(value, dtype=np.float64) if isinstance(value, (np.ndarray, list,
                                                                            tuple)) else None
            if got is None or got.shape != (T,):
                raise CheckFailure(f"`{NORMS}`: the entry for {k} must be an array of shape "
                                   f"({T},), one norm per recorded step; it is "
                                   + (f"of shape {got.shape}." if got is not None
                                      else f"a {type(value).__name__}."))
            per.append((got, [Hint(c, looks_like(v, 1e-9)) for c, v in
                              _norm_candidates(hist, k)]))
        for (got, _), (hist, _, T) in zip(per, cases):
            truth = np.array([np.linalg.norm(h["grads"][k]) for h in hist])
            expect_close(NORMS, f"norms[{k!r}]", got, truth, tol=1e-9,
                         context=f"on a history of {T} steps",
                         hints=on_every_case(per),
                         cause="at each step t, the L2 norm of every entry of "
                               "history[t]['grads'][name].")


def check_layer_gradient_norms(layer_gradient_norms, seed=0):
    """Two recorded histories with gradients of very different sizes at every step."""
    _check_norms(layer_gradient_norms, seed, "check_layer_gradient_norms")


def check_layer_gradient_norms_hidden(layer_gradient_norms, seed=0):
    _check_norms(layer_gradient_norms, seed, "check_layer_gradient_norms_hidden")


# ---------------------------------------------------------------- bug_report

KINDS = ("wrong gradient", "dead layer", "exploding updates", "label leak")
# The names of the given functions of the notebook: where a bug can live.
SUSPECTS = ("make_table", "split_features", "init_params", "layer_preactivations",
            "tanh_backward", "relu_backward", "model_loss", "predict", "lr_schedule", "train")
# sha256 of "<key>/<kind>/<function>" for the right function of each kind; the key is written
# only in the hidden test of the source notebook.
_DIGESTS = {
    "wrong gradient": "79495946ad5d04ade6e42421263220fe45a46b33c6fc161d1b07b9c9c8330b28",
    "dead layer": "f6ea0a49173746f605644f7d4e1e433bede0ade5d61f4fb1e7caf50e4e48f6a1",
    "exploding updates": "beff82f4dd23075d82266b575b1fcd3e921ce86050c82f90518d71a37d08237a",
    "label leak": "3d41304cc607d59036d8fc6b11e9e3660f87f498d7e4028eb6b262008af66916",
}


def _digest(key: int, kind: str, function: str) -> str:
    return hashlib.sha256(f"{int(key)}/{kind}/{function}".encode()).hexdigest()


def _report(fn):
    result = call_and_check_inputs(fn)
    if not isinstance(result, dict):
        raise CheckFailure(f"`{REPORT}` must return a dict from each kind of bug to the name of "
                           f"the given function that holds it; it returned a "
                           f"{type(result).__name__}.")
    keys = set(result)
    if keys != set(KINDS):
        missing = [k for k in KINDS if k not in keys]
        extra = sorted(map(repr, keys - set(KINDS)))
        raise CheckFailure(f"`{REPORT}`: the keys must be exactly the four kinds "
                           f"{', '.join(map(repr, KINDS))}."
                           + (f" Missing: {', '.join(map(repr, missing))}." if missing else "")
                           + (f" Not a kind: {', '.join(extra)}." if extra else ""))
    for kind in KINDS:
        name = result[kind]
        if not isinstance(name, str) or name.strip().rstrip("()") not in SUSPECTS:
            raise CheckFailure(f"`{REPORT}`: for {kind!r} you named {name!r}, which is not one "
                               "of the notebook's given functions: "
                               f"{', '.join(SUSPECTS)}.")
    names = [result[k].strip().rstrip("()") for k in KINDS]
    if len(set(names)) != len(names):
        raise CheckFailure(f"`{REPORT}`: each of the four bugs lives in a different given "
                           "function, but you named the same function for two kinds.")
    return dict(zip(KINDS, names))


def check_bug_report(bug_report, seed=0):
    """The form of the report only: the four kinds, each a different given function."""
    _report(bug_report)


def check_bug_report_hidden(bug_report, seed=0, key=0):
    """Every kind named right (checked against the digests of the hidden test's key)."""
    named = _report(bug_report)
    wrong = [k for k in KINDS if _digest(key, k, named[k]) != _DIGESTS[k]]
    if wrong:
        are = "is" if len(wrong) == 1 else "are"
        raise CheckFailure(f"`{REPORT}`: {len(wrong)} of the four bugs {are} not where you "
                           f"placed {'it' if len(wrong) == 1 else 'them'}: "
                           f"{', '.join(repr(k) for k in wrong)}. Run the tool that shows each "
                           "kind again, and read the function it points to.")


# ---------------------------------------------------------------- fix_wrong_backward

STILL_BUGGY = ("this is what the given tanh_backward returns: it multiplies by 1 - out, "
               "which is not the derivative of tanh. Write the derivative of tanh in terms of "
               "its output out = tanh(a).")
TANH_TWICE = ("the derivative was taken at tanh(out), applying tanh twice: the cache holds "
              "out = tanh(a) already, so use out itself.")
SIGMOID_LOCAL = ("the local gradient is the sigmoid's, out * (1 - out): this layer is a tanh.")
NO_UPSTREAM = ("the upstream gradient dout is ignored: the chain rule multiplies the local "
               "gradient by dout.")
NO_LOCAL = "the local gradient is missing: dout went through unchanged."


def _check_fix_gradient(fn, seed, name):
    rng = rng_for(seed, name)
    cases = []
    for shape, scale in (((6, 5), 1.0), ((4, 7), 3.0), ((9,), 0.5)):
        a = random_array(rng, shape, scale=scale)
        out = np.tanh(a)
        dout = random_array(rng, shape)
        truth = complex_step_gradient(np.tanh, a, dout)
        got = call_checked(FIX_GRADIENT, fn, (dout, out), {"da": shape})["da"]
        hints = [Hint(c, looks_like(v)) for c, v in (
            (STILL_BUGGY, dout * (1.0 - out)), (TANH_TWICE, dout * (1.0 - np.tanh(out) ** 2)),
            (SIGMOID_LOCAL, dout * out * (1.0 - out)), (NO_UPSTREAM, 1.0 - out ** 2),
            (NO_LOCAL, dout))]
        cases.append((got, truth, hints, shape))
    for got, truth, _, shape in cases:
        expect_close(FIX_GRADIENT, "da", got, truth,
                     context=f"(dout and out of shape {shape}, out = tanh(a))",
                     hints=on_every_case([(c[0], c[2]) for c in cases]),
                     cause="the gradient on a is dout times the derivative of tanh at a, "
                           "written with the cached output out = tanh(a).")


def check_fix_wrong_backward(fix_wrong_backward, seed=0):
    """The fixed backward pass against the complex step of np.tanh, on three batches."""
    _check_fix_gradient(fix_wrong_backward, seed, "check_fix_wrong_backward")


def check_fix_wrong_backward_hidden(fix_wrong_backward, seed=0):
    _check_fix_gradient(fix_wrong_backward, seed, "check_fix_wrong_backward_hidden")


# ---------------------------------------------------------------- fix_dead_layer

PARAM_NAMES = ("W1", "b1", "W2", "b2", "W3", "b3")


def _check_fix_dead(fn, init_params, seed, name):
    rng = rng_for(seed, name)
    for _ in range(3):
        sizes = (int(rng.integers(3, 9)), int(rng.integers(8, 40)), int(rng.integers(8, 40)),
                 int(rng.integers(2, 6)))
        s = int(rng.integers(2 ** 31))
        given = init_params(sizes, s)
        out = call_checked(FIX_DEAD, fn, (sizes, s), {"params": None})["params"]
        where = f"for sizes={sizes}, seed={s}"
        if not isinstance(out, dict) or set(out) != set(PARAM_NAMES):
            raise CheckFailure(f"`{FIX_DEAD}` must return the dict init_params returns, with the "
                               f"keys {', '.join(PARAM_NAMES)}.")
        for k in PARAM_NAMES:
            v = out[k]
            want = np.asarray(given[k])
            if not isinstance(v, np.ndarray) or v.shape != want.shape:
                raise CheckFailure(f"`{FIX_DEAD}`: {k} must be an array of shape {want.shape} "
                                   f"{where}; it is "
                                   + (f"of shape {v.shape}." if isinstance(v, np.ndarray)
                                      else f"a {type(v).__name__}."))
        for k in ("W1", "W2", "W3"):
            if not np.array_equal(out[k], given[k]):
                raise CheckFailure(
                    f"`{FIX_DEAD}`: {k} differs from what init_params draws {where}. The "
                    "weights were drawn right: keep the same generator, the same draws in the "
                    "same order and the same scales, and change only what is wrong.")
        X = rng.standard_normal((200, sizes[0]))
        a2 = np.tanh(X @ out["W1"] + out["b1"]) @ out["W2"] + out["b2"]
        dead = int(np.count_nonzero(np.all(a2 <= 0, axis=0)))
        for k in ("b1", "b2", "b3"):
            if np.any(out[k] != 0):
                extra = (f" With these biases {dead} of the {sizes[2]} units of layer 2 are "
                         "dead on 200 standard-normal inputs." if k == "b2" and dead else "")
                raise CheckFailure(
                    f"`{FIX_DEAD}`: {k} is not all zeros {where} (its entries range from "
                    f"{float(np.min(out[k])):.3g} to {float(np.max(out[k])):.3g}); the "
                    f"docstring of init_params says every bias starts at 0.{extra}")


def check_fix_dead_layer(fix_dead_layer, init_params, seed=0):
    """The fixed init against init_params's contract, on three sizes and seeds."""
    _check_fix_dead(fix_dead_layer, init_params, seed, "check_fix_dead_layer")


def check_fix_dead_layer_hidden(fix_dead_layer, init_params, seed=0):
    _check_fix_dead(fix_dead_layer, init_params, seed, "check_fix_dead_layer_hidden")


# ---------------------------------------------------------------- fix_exploding_updates

def _warmup(step, base_lr, warmup):
    return base_lr * min(1.0, (step + 1) / warmup)


def _check_fix_updates(fn, seed, name):
    rng = rng_for(seed, name)
    for _ in range(3):
        base = float(rng.uniform(0.05, 2.0))
        warmup = int(rng.integers(3, 30))
        for step in list(range(0, 3 * warmup)) + [int(rng.integers(100, 10000))]:
            got = call_checked(FIX_UPDATES, fn, (step, base, warmup),
                               {"lr": NUMBER})["lr"]
            want = _warmup(step, base, warmup)
            if abs(got - want) <= 1e-12 * want:
                continue
            where = f"at step {step} (base_lr={base:.4g}, warmup={warmup})"
            if step >= warmup and got > want * (1 + 1e-9):
                how = (f" After the warmup the rate must stay at base_lr; yours is "
                       f"{got / want:.3g} times base_lr and keeps growing, so the updates "
                       "grow with it.")
            elif step < warmup and abs(got - base) <= 1e-12 * base:
                how = " During the warmup the rate climbs to base_lr; yours starts at full size."
            elif abs(got - base * step / warmup) <= 1e-12 * base:
                how = (" The warmup is off by one step: the docstring's rate at step 0 is "
                       "base_lr / warmup, not 0.")
            else:
                how = ""
            raise CheckFailure(f"`{FIX_UPDATES}` returned {got:.6g} {where}; the documented "
                               f"schedule gives {want:.6g}.{how}")


def check_fix_exploding_updates(fix_exploding_updates, seed=0):
    """The fixed schedule at every step of three warmups and long after."""
    _check_fix_updates(fix_exploding_updates, seed, "check_fix_exploding_updates")


def check_fix_exploding_updates_hidden(fix_exploding_updates, seed=0):
    _check_fix_updates(fix_exploding_updates, seed, "check_fix_exploding_updates_hidden")


# ---------------------------------------------------------------- fix_label_leak

def _check_fix_leak(fn, seed, name):
    rng = rng_for(seed, name)
    for _ in range(3):
        N, D = int(rng.integers(20, 60)), int(rng.integers(3, 9))
        X = rng.standard_normal((N, D))
        y = rng.integers(0, int(rng.integers(2, 5)), N)
        data = np.column_stack([X, y.astype(np.float64)])
        out = call_checked(FIX_LEAK, fn, (data,), {"X": None, "y": None})
        gx, gy = out["X"], out["y"]
        where = f"on a table of {N} rows, {D} features and the class in the last column"
        if not isinstance(gx, np.ndarray) or gx.ndim != 2 or gx.shape[0] != N:
            raise CheckFailure(f"`{FIX_LEAK}`: X must be an array of shape ({N}, {D}) {where}.")
        leaked = [j for j in range(gx.shape[1]) if np.array_equal(gx[:, j], y)]
        if leaked:
            raise CheckFailure(f"`{FIX_LEAK}`: column {leaked[0]} of X is the label itself "
                               f"{where}: a network trained on these features reads the "
                               "answer, and reaches far above chance even on shuffled labels. "
                               "The features must not include the class column.")
        if gx.shape != (N, D) or not np.array_equal(gx, X):
            missing = [j for j in range(D) if not any(np.array_equal(X[:, j], gx[:, i])
                                                      for i in range(gx.shape[1]))]
            raise CheckFailure(f"`{FIX_LEAK}`: X has shape {gx.shape} {where}; expected every "
                               f"feature column in its order, shape ({N}, {D})."
                               + (f" Feature column {missing[0]} of the table is missing."
                                  if missing else ""))
        if not isinstance(gy, np.ndarray) or gy.shape != (N,) or \
                not np.issubdtype(gy.dtype, np.integer) or not np.array_equal(gy, y):
            raise CheckFailure(f"`{FIX_LEAK}`: y must be the class column as integers, shape "
                               f"({N},), {where}"
                               + (f"; its dtype is {gy.dtype}." if isinstance(gy, np.ndarray)
                                  and gy.shape == (N,) and np.array_equal(gy, y) else "."))


def check_fix_label_leak(fix_label_leak, seed=0):
    """Tables with the class in the last column: X holds every feature and no label."""
    _check_fix_leak(fix_label_leak, seed, "check_fix_label_leak")


def check_fix_label_leak_hidden(fix_label_leak, seed=0):
    _check_fix_leak(fix_label_leak, seed, "check_fix_label_leak_hidden")



def _tanh_preactivations_at_init(seed: int, rows: int = 480) -> np.ndarray:
    """The tanh layer's pre-activations a1 at the start of the notebook's runs, built here from
    its given code as released (the table, the columns the given split keeps, W1 ~ N(0, 1/D),
    b1 = 0; the layer report feeds the first `rows` rows)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((600, 8))
    score = X[:, 0] * X[:, 1] + np.sin(2 * X[:, 2]) + 0.5 * X[:, 3]
    y = np.digitize(score, np.quantile(score, [1 / 3, 2 / 3]))
    inputs = np.column_stack([X, y.astype(np.float64)])[:, 1:]   # what the given split keeps
    D = inputs.shape[1]
    W1 = np.random.default_rng(seed).standard_normal((D, 32)) * np.sqrt(1.0 / D)
    return inputs[:rows] @ W1


def check_predict_largest_preactivation(predict_largest_preactivation, seed=0):
    """The prediction before the layer report: the largest |a1| of the tanh layer at
    initialisation (the mean over the notebook's five seeds), within a factor of 1.5."""
    from .core import expect_prediction
    truth = float(np.mean([np.abs(_tanh_preactivations_at_init(s)).max() for s in range(5)]))
    expect_prediction("predict_largest_preactivation", predict_largest_preactivation, truth,
                      what="the largest |a1| of the tanh layer at initialisation, over 480 rows "
                           "and 32 units, the mean over the five seeds", factor=1.5)


# Every check of a backward pass also asks for chain-rule exactness (no finite differences).
from .exactness import guard_backprop  # noqa: E402

guard_backprop(globals())

# Last, once every check is defined: in a notebook each one prints a line when it passes.
from .core import announce_passes  # noqa: E402

announce_passes(globals())
