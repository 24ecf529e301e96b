"""Checks for the `staged` assignment: the chain rule as a circuit.

Graded functions (SPEC.md): `staged_backward`, `add_backward`, `mul_backward`,
`max_backward`, `numerical_gradient`; and `softplus_circuit` (an expression the student
stages alone, see its section).

Ground truth comes only from trusted forward passes and numerical derivatives:

- `staged_backward`: the complex-step derivative of the given `staged_forward` (the given
  `sigmoid` is analytic, so it accepts complex input). A wrong answer is diagnosed by
  calling the student's function again at probe points (other x, y and df) and comparing
  every answer with what each usual mistake predicts: a fork that lost a path (the forward
  rebuilt with each use of x or y as its own input), or one stage's local derivative
  replaced by a usual slip (or two stages'), the others being each stage's own derivative
  by the complex step. A mistake is named only when it predicts every answer.
- the gates: centered differences of numpy's own `x + y`, `x * y`, `max(x, y)`, with
  `|x - y|` kept away from ties; a hint is named only when it fits every case.
- `numerical_gradient`: module-level test functions (below) whose gradients are known in
  closed form. They are passed to the student's code as `functools.partial` objects, which
  the grader can send to the child process by reference.
"""
from __future__ import annotations

import functools
import itertools

import numpy as np

from .circuit import forward_case
from .explain import Explainer, Layout, Local, Quantity, View, upstream_responses
from .core import (
    CS_STEP, NUMBER, Case, Cause, CheckFailure, Diagnosis, Hint, Mistake, call_and_check_inputs,
    call_checked, call_student, expect_array, expect_close, expect_new_arrays, input_gradients,
    looks_like, numerical_gradient as trusted_numerical_gradient, on_every_case,
    outputs_by_name, random_array, rng_for,
)
from ..probes import probe_exp, probe_quadratic

# The worked point of the notebook (CURRICULUM.md): f = 1.5456448841066441,
# df/dx = 2.0595697955721652, df/dy = 1.5922327514838093 there.
WORKED_X, WORKED_Y = 3.0, -4.0

# Where x and y enter f(x, y) = (x + sigmoid(y)) / (sigmoid(x) + (x + y)**2).
_X_PATHS = ("`num = x + sigy`", "`sigx = sigmoid(x)`", "`xpy = x + y`")
_Y_PATHS = ("`sigy = sigmoid(y)`", "`xpy = x + y`")

_STAGED_CAUSE = ("walk the stages in reverse order; at each stage multiply the local "
                 "derivative by the gradient arriving from the stage after it, and add up "
                 "(`+=`) the contributions of a variable used in several places.")


# ---------------------------------------------------------------- staged_backward

def _path_gradients(sigmoid, x, y):
    """d f / d (each use of x) and d f / d (each use of y), by the complex step.

    The forward is rebuilt with every place where x or y is used as a separate input:
    f(x1, x2, x3, y1, y2) = (x1 + sigmoid(y1)) / (sigmoid(x2) + (x3 + y2)**2). It is
    elementwise, so one complex step on a whole array gives every entry's derivative.
    The true gradients are the sums; a backward pass that loses a path returns a partial sum.
    """
    def split(x1, x2, x3, y1, y2):
        return (x1 + sigmoid(y1)) / (sigmoid(x2) + (x3 + y2) ** 2)

    base = [np.asarray(v, dtype=np.complex128) for v in (x, x, x, y, y)]
    parts = []
    for i in range(5):
        args = list(base)
        args[i] = args[i] + 1j * CS_STEP
        parts.append(np.imag(split(*args)) / CS_STEP)
    return parts[:3], parts[3:]


def _fork_mistakes(var: str, paths: tuple, index: int) -> list:
    """One mistake per proper subset of a forked variable's paths: what `=` instead of `+=`
    gives (d{var} keeps only the contributions of the paths in the subset)."""
    out = []
    n = len(paths)
    name = f"d{var}"
    for r in range(1, n):
        for kept in itertools.combinations(range(n), r):
            lost = [paths[i] for i in range(n) if i not in kept]
            cause = (f"d{var} is missing the contribution that flows back through "
                     f"{' and '.join(lost)}. {var} is used in {n} places (a fork), so d{var} is "
                     f"the sum of {n} contributions: accumulate them with `d{var} += ...`; a "
                     f"`d{var} = ...` somewhere overwrote what an earlier stage had added.")

            def predict(case, kept=kept):
                parts = case.data["parts"][index]
                return {name: case.data["df"] * sum(parts[i] for i in kept)}
            out.append(Mistake(cause, predict))
    return out


def _cs_derivative(op, v) -> np.ndarray:
    """d op(v) / dv elementwise, by the complex step on the stage's own operation."""
    v = np.asarray(v, dtype=np.float64)
    return np.imag(op(v + 1j * CS_STEP)) / CS_STEP


def _local_factors(sigmoid, data) -> dict:
    """Every stage's local derivatives at the cached values, each from the complex step of
    that stage's own operation (the given sigmoid for stages 1 and 3)."""
    x, y, sigy, num, sigx, xpy, xpysqr, den, invden = data["cache"]
    one = np.ones_like(np.asarray(x, dtype=np.float64))
    return {
        "8num": _cs_derivative(lambda v: v * invden, num),
        "8inv": _cs_derivative(lambda v: num * v, invden),
        "7": _cs_derivative(lambda v: 1.0 / v, den),
        "6s": one, "6q": one,
        "5": _cs_derivative(lambda v: v ** 2, xpy),
        "4x": one, "4y": one,
        "3": _cs_derivative(sigmoid, x),
        "2x": one, "2s": one,
        "1": _cs_derivative(sigmoid, y),
    }


def _backprop_stages(df, L: dict) -> dict:
    """The backward pass of the eight stages with the local derivatives `L`."""
    dnum, dinvden = L["8num"] * df, L["8inv"] * df
    dden = L["7"] * dinvden
    dsigx, dxpysqr = L["6s"] * dden, L["6q"] * dden
    dxpy = L["5"] * dxpysqr
    dx = L["4x"] * dxpy + L["3"] * dsigx + L["2x"] * dnum
    dy = L["4y"] * dxpy + L["1"] * L["2s"] * dnum
    return {"dx": dx, "dy": dy}


# A slip inside one stage: its id (`staged.<slug>`) and title, the same whichever case or
# student's hidden inputs show it (the class report counts students by it).
TITLES = {
    "stage5_power_rule_factor_missing": "stage 5: the power rule's factor 2 is missing",
    "stage7_inverse_sign": "stage 7: the derivative of 1/u with the wrong sign",
    "stage7_inverse_not_squared": "stage 7: the derivative of 1/u as -1/u, not -1/u**2",
    "stage8_gate_not_switched": "stage 8: the multiply gate not switched",
}
for _stage, _inp in ((3, "x"), (1, "y")):
    TITLES.update({
        f"stage{_stage}_sigmoid_derivative_at_output":
            f"stage {_stage}: the sigmoid's derivative taken at its output",
        f"stage{_stage}_sigmoid_derivative_of_input":
            f"stage {_stage}: s * (1 - s) with s = {_inp}, not sigmoid({_inp})",
        f"stage{_stage}_sigmoid_derivative_is_output":
            f"stage {_stage}: the sigmoid's output used as its derivative",
        f"stage{_stage}_sigmoid_derivative_missing":
            f"stage {_stage}: the sigmoid's derivative missing",
    })


# (cause, the local derivatives the slip uses instead, from the cached values)
def _stage_slips(sigmoid) -> list:
    def sig_prime_of(v):
        s = np.asarray(sigmoid(np.asarray(v, dtype=np.float64)), dtype=np.float64)
        return s * (1.0 - s)

    def c(data, i):
        return np.asarray(data["cache"][i], dtype=np.float64)
    X, Y, SIGY, NUM, SIGX, XPY, _, DEN, INVDEN = range(9)
    slips = [
        (Cause("stage 5, `xpysqr = xpy ** 2`: your local derivative is xpy, expected 2 * xpy "
               "(the power rule's factor 2 is missing).", "stage5_power_rule_factor_missing"),
         lambda d: {"5": c(d, XPY)}),
        (Cause("stage 7, `invden = 1.0 / den`, d(1/den): your factor is +1/den**2, expected "
               "-1/den**2 (the derivative of 1/u is -1/u**2).", "stage7_inverse_sign"),
         lambda d: {"7": 1.0 / c(d, DEN) ** 2}),
        (Cause("stage 7, `invden = 1.0 / den`, d(1/den): your factor is -1/den, expected "
               "-1/den**2.", "stage7_inverse_not_squared"), lambda d: {"7": -1.0 / c(d, DEN)}),
        (Cause("stage 8, `f = num * invden`: the multiply gate is not switched: each of num "
               "and invden received its own value times df; each input of a product receives "
               "the OTHER input times df.", "stage8_gate_not_switched"),
         lambda d: {"8num": c(d, NUM), "8inv": c(d, INVDEN)}),
    ]
    for stage, out, inp in ((3, "sigx", "x"), (1, "sigy", "y")):
        key, O, I = str(stage), (SIGX if stage == 3 else SIGY), (X if stage == 3 else Y)
        line = f"stage {stage}, `{out} = sigmoid({inp})`"
        expected = f"expected {out} * (1 - {out}), which is sigmoid'({inp})"
        slug = f"stage{stage}_sigmoid_derivative"
        slips += [
            (Cause(f"{line}: your local derivative is sigmoid({out}) * (1 - sigmoid({out})), "
                   f"the derivative taken at the sigmoid's output; {expected}.",
                   slug + "_at_output"),
             lambda d, key=key, O=O: {key: sig_prime_of(c(d, O))}),
            (Cause(f"{line}: your local derivative is {inp} * (1 - {inp}); {expected}: the "
                   f"formula s * (1 - s) needs s = sigmoid({inp}), not {inp} itself.",
                   slug + "_of_input"),
             lambda d, key=key, I=I: {key: c(d, I) * (1.0 - c(d, I))}),
            (Cause(f"{line}: your local derivative is {out} alone; {expected}.",
                   slug + "_is_output"),
             lambda d, key=key, O=O: {key: c(d, O)}),
            (Cause(f"{line}: the sigmoid's local derivative is missing (your factor is 1); "
                   f"{expected}.", slug + "_missing"),
             lambda d, key=key: {key: np.ones_like(c(d, X))}),
        ]
    return slips


# The stages whose local derivative is not 1, as the notebook numbers them.
_STAGE_LINES = {
    "8num": "stage 8, `f = num * invden` (the factor on num's side)",
    "8inv": "stage 8, `f = num * invden` (the factor on invden's side, the denominator's path)",
    "7": "stage 7, `invden = 1.0 / den`",
    "5": "stage 5, `xpysqr = xpy ** 2`",
    "3": "stage 3, `sigx = sigmoid(x)`",
    "1": "stage 1, `sigy = sigmoid(y)`",
}


def _stage_swaps() -> list:
    """Slips of one stage, for every stage alike: its local derivative taken as another
    stage's (the right formula applied to the wrong stage's values), and the upstream
    gradient df left out where it enters (stage 8, on either side)."""
    out = []
    for k1, line in _STAGE_LINES.items():
        for k2, other in _STAGE_LINES.items():
            if k2 != k1 and k1[0] != k2[0]:
                out.append((f"{line}: your local derivative equals the one of "
                            f"{other.split(' (')[0]}, another stage's values instead of this "
                            "stage's own.", lambda d, k1=k1, k2=k2: {k1: d["local"][k2]}))
    for k in ("8num", "8inv"):
        out.append((f"{_STAGE_LINES[k]}: the gradient sent on from it is missing the upstream "
                    "gradient df (not multiplied by df); every path that starts there inherits "
                    "that factor.", lambda d, k=k: {k: d["local"][k] / d["df"]}))
    return out


_HARD_CODED = ("dx and dy are the worked point's values (dx = 2.0596, dy = 1.5922 at "
               "(x, y) = (3, -4)) whatever the input: the answer is hard-coded. Compute it "
               "from the cache, stage by stage.")
_WORKED_DX, _WORKED_DY = 2.0595697955721652, 1.5922327514838093


def _staged_mistakes(sigmoid) -> list:
    """Every usual mistake of staged_backward, as a prediction from a case's data."""
    def slip(override):
        def predict(case):
            L = dict(case.data["local"])
            L.update(override(case.data))
            return _backprop_stages(case.data["df"], L)
        return predict

    def unit(case):
        x_parts, y_parts = case.data["parts"]
        return {"dx": sum(x_parts), "dy": sum(y_parts)}

    def shaped(v, case):
        return np.broadcast_to(np.asarray(v, dtype=np.float64),
                               np.shape(case.data["cache"][0])) * 1.0

    mistakes = [
        Mistake("dx and dy look like each other's gradients: return `(dx, dy)` in that order.",
                lambda case: {"dx": case.truth["dy"], "dy": case.truth["dx"]}),
        Mistake("the gradient is the one for df = 1: the upstream gradient `df` was ignored. "
                "The last stage's gradient is not 1 but `df` (times its local derivative), "
                "and everything before it inherits that factor.", unit),
        Mistake("dx and dy have the wrong sign (both of them, on every path).",
                lambda case: {"dx": -case.truth["dx"], "dy": -case.truth["dy"]}),
        Mistake(_HARD_CODED, lambda case: {"dx": shaped(_WORKED_DX, case) * case.data["df"],
                                           "dy": shaped(_WORKED_DY, case) * case.data["df"]}),
        Mistake(_HARD_CODED, lambda case: {"dx": shaped(_WORKED_DX, case),
                                           "dy": shaped(_WORKED_DY, case)}),
    ]
    mistakes += _fork_mistakes("x", _X_PATHS, 0) + _fork_mistakes("y", _Y_PATHS, 1)
    slips = _stage_slips(sigmoid)
    mistakes += [Mistake(cause, slip(override)) for cause, override in slips]
    mistakes += [Mistake(cause, slip(override)) for cause, override in _stage_swaps()]
    # two slips in two different stages: each verified prediction is as specific as one
    for (c1, o1), (c2, o2) in itertools.combinations(slips, 2):
        if c1.split(",")[0] != c2.split(",")[0]:
            mistakes.append(Mistake(Cause(f"two slips. First, {c1} Second, {c2}",
                                          *c1.slugs, *c2.slugs),
                                    slip(lambda d, o1=o1, o2=o2: {**o1(d), **o2(d)})))
    return mistakes


# Probe points (x, y, df): spread out, df far from 1 and of both signs, so that every
# usual mistake above predicts something different from every other one at some point.
_PROBES = ((1.3, -0.7, 1.7), (-2.1, 0.4, -2.3), (0.6, 2.2, 0.8), (-0.9, -1.6, 1.0),
           (2.4, 1.1, -0.6))


def _staged_data(staged_forward, sigmoid, x, y, df) -> tuple[dict, dict]:
    """The truth (complex step through the given forward) and what predictions need."""
    x_arr = np.asarray(x, dtype=np.float64)
    y_arr = np.asarray(y, dtype=np.float64)
    _, cache = staged_forward(x, y)
    true_dx, true_dy = input_gradients(staged_forward, [x_arr, y_arr], df)
    data = {"cache": tuple(np.asarray(v, dtype=np.float64) for v in cache),
            "df": np.asarray(df, dtype=np.float64),
            "parts": _path_gradients(sigmoid, x_arr, y_arr)}
    data["local"] = _local_factors(sigmoid, data)
    data["circuit"] = forward_case(staged_forward, {"x": x_arr, "y": y_arr},
                                   {"dx": "x", "dy": "y"}, {0: ("df", df)},
                                   gates={"sigmoid": "logistic"})
    return {"dx": true_dx, "dy": true_dy}, data


def _staged_outputs(x, scalar: bool) -> dict:
    """dx and dy: numbers for scalar inputs, else arrays of x's shape."""
    return {name: NUMBER if scalar else np.shape(x) for name in ("dx", "dy")}


def _staged_probe(staged_backward, staged_forward, sigmoid, scalar: bool):
    """The student's function at the probe points (as floats, or as one (5,) array case),
    with the data the predictions need."""
    def probe():
        fn = "staged_backward"
        if scalar:
            points = list(_PROBES)
        else:           # one case: every probe point as an entry of (5,) arrays
            points = [tuple(np.array([p[i] for p in _PROBES]) for i in range(3))]
        cases = []
        for x, y, df in points:
            _, cache = staged_forward(x, y)
            got = outputs_by_name(fn, call_and_check_inputs(staged_backward, df, cache),
                                  _staged_outputs(x, scalar))
            truth, data = _staged_data(staged_forward, sigmoid, x, y, df)
            data["responses"] = _staged_responses(staged_backward, staged_forward, x, y, df,
                                                  truth, scalar)
            cases.append(Case(got, truth, data))
        return cases
    return probe


def _staged_case(staged_backward, staged_forward, sigmoid, x, y, df, context: str,
                 scalar: bool) -> None:
    """Run staged_backward on one case and compare with complex-step ground truth.

    A wrong answer is diagnosed by calling the function again at the probe points: a
    mistake is named only when it predicts the answers at this case and at every probe.
    """
    fn = "staged_backward"
    f, cache = staged_forward(x, y)
    got = call_checked(fn, staged_backward, (df, cache), _staged_outputs(x, scalar),
                       inputs={"df": df, "cache": cache})
    truth, data = _staged_data(staged_forward, sigmoid, x, y, df)
    data["responses"] = _staged_responses(staged_backward, staged_forward, x, y, df, truth,
                                          scalar)
    diagnosis = Diagnosis(("dx", "dy"), _staged_mistakes(sigmoid), [Case(got, truth, data)],
                          probe=_staged_probe(staged_backward, staged_forward, sigmoid, scalar))
    explainer = diagnosis.explainer(_staged_declared)
    for name in ("dx", "dy"):
        expect_close(fn, name, got[name], truth[name], context=context, cause=_STAGED_CAUSE,
                     hints=diagnosis.hints(name), explain=explainer.for_output(name))


def _staged_responses(staged_backward, staged_forward, x, y, df, truth, scalar) -> dict:
    """The student's staged_backward called again with df zero and doubled."""
    def call(up):
        d = up["df"]
        d = float(d) if isinstance(df, float) else d.reshape(np.shape(df))
        _, cache = staged_forward(x, y)
        return outputs_by_name("staged_backward", call_and_check_inputs(
            staged_backward, d, cache), _staged_outputs(x, scalar))
    return upstream_responses(call, truth, {"df": df})


def _staged_declared(case: Case) -> dict:
    """What the explainer may refer to in one case: the upstream gradient df (a scale when
    it is one number), every path's contribution to dx and dy (a declared partial term),
    the stages' cached values and the gradient arriving at each stage (a factor a path may
    miss or have one too many), and each stage's local derivative, which a slip may replace
    by a similar one (`_backprop_stages` with that one factor changed)."""
    data = case.data if isinstance(case.data, dict) else {}
    df = data.get("df")
    if df is None:
        return {}
    out: dict = {"responses": data.get("responses", {}), "circuit": data.get("circuit")}
    if np.size(df) == 1:
        out["scalars"] = {"df": (float(np.reshape(df, ())), "the upstream gradient df")}
    try:
        out["locals"] = _staged_locals(data)
    except (KeyError, TypeError, ValueError, IndexError):
        pass
    try:
        cache = data["cache"]
        shape = np.shape(cache[0])
        L = data["local"]
        (x1, x2, x3), (y1, y2) = data["parts"]
    except (KeyError, TypeError, ValueError):
        return out

    def full(v):
        return np.broadcast_to(np.asarray(v, dtype=np.float64), shape) * 1.0
    d = full(df)
    out["terms"] = {
        "the contribution through `num = x + sigy`": {"dx": d * x1},
        "the contribution through `sigx = sigmoid(x)`": {"dx": d * x2},
        "the contribution through `xpy = x + y`": {"dx": d * x3, "dy": d * y2},
        "the contribution through `sigy = sigmoid(y)`": {"dy": d * y1},
    }
    names = ("x", "y", "sigy", "num", "sigx", "xpy", "xpysqr", "den", "invden")
    quantities = {n: Quantity(full(v), f"{n} (cached)" if n not in ("x", "y") else
                              f"the input {n}", "cache") for n, v in zip(names, cache)}
    quantities["xpy"] = Quantity(full(cache[5]), "xpy (= x + y)", "cache")
    dnum, dinvden = full(L["8num"]) * d, full(L["8inv"]) * d
    dden = full(L["7"]) * dinvden
    quantities.update({
        "dnum": Quantity(dnum, "the upstream gradient arriving at num", "upstream"),
        "dinvden": Quantity(dinvden, "the upstream gradient arriving at invden", "upstream"),
        "dden": Quantity(dden, "the upstream gradient arriving at den (the one sigx and "
                         "xpysqr receive)", "upstream"),
        "dxpy": Quantity(full(L["5"]) * dden, "the upstream gradient arriving at xpy",
                         "upstream"),
    })
    if np.size(df) != 1:
        quantities["df"] = Quantity(d, "the upstream gradient df", "upstream")
    out["quantities"] = quantities
    return out


def _staged_locals(data: dict) -> dict:
    """Each stage's local derivative, as one the explainer may replace by a similar one."""
    L, df, cache = data["local"], data["df"], data["cache"]

    def recompute(key):
        return lambda v: _backprop_stages(df, {**L, key: v})
    out = {key: Local(_STAGE_LINES[key], "factor", recompute(key), value=L[key])
           for key in ("8num", "8inv", "7", "5")}
    for key, i, name, j, other in (("3", 4, "sigx", 2, "sigy"), ("1", 2, "sigy", 4, "sigx")):
        out[key] = Local(_STAGE_LINES[key], "logistic", recompute(key), y=cache[i], y_name=name,
                         at_others=((other, cache[j]),))
    return out


def _scalar_df(rng) -> float:
    """An upstream gradient that is clearly not 1 (nor 0, nor -1)."""
    return float(rng.choice([-1.0, 1.0]) * rng.uniform(1.5, 3.0))


def check_staged_backward_point(staged_backward, staged_forward, sigmoid, seed=0):
    """The worked point (x, y) = (3, -4) with Python floats: df = 1.0, then another df."""
    rng = rng_for(seed, "staged_backward_point")
    for df in (1.0, _scalar_df(rng)):
        _staged_case(staged_backward, staged_forward, sigmoid, WORKED_X, WORKED_Y, df,
                     f"at the worked point (x, y) = (3, -4) with df = {df:g}", scalar=True)


def check_staged_backward_arrays(staged_backward, staged_forward, sigmoid, seed=0):
    """Arrays of shape (3, 4): an upstream df of f's shape, then a scalar df."""
    rng = rng_for(seed, "staged_backward_arrays")
    x = random_array(rng, (3, 4), scale=1.5)
    y = random_array(rng, (3, 4), scale=1.5)
    df = random_array(rng, (3, 4), kinks=(0.0,), margin=0.3)
    _staged_case(staged_backward, staged_forward, sigmoid, x, y, df,
                 "on (3, 4) arrays with a (3, 4) upstream gradient df", scalar=False)
    df = _scalar_df(rng)
    _staged_case(staged_backward, staged_forward, sigmoid, x, y, df,
                 f"on (3, 4) arrays with a scalar upstream gradient df = {df:g} "
                 "(dx and dy must still have x's shape)", scalar=False)


def check_staged_backward_hidden(staged_backward, staged_forward, sigmoid, seed=0):
    """More cases: a random scalar point, 3-D arrays over a wider range, 1-D with scalar df."""
    rng = rng_for(seed, "staged_backward_hidden")
    x, y = (float(v) for v in rng.uniform(-3.0, 3.0, size=2))
    df = _scalar_df(rng)
    _staged_case(staged_backward, staged_forward, sigmoid, x, y, df,
                 f"at (x, y) = ({x:.4g}, {y:.4g}) with df = {df:g}", scalar=True)
    shape = (2, 3, 2)
    x = random_array(rng, shape, scale=2.5)
    y = random_array(rng, shape, scale=2.5)
    df = random_array(rng, shape, kinks=(0.0,), margin=0.3)
    _staged_case(staged_backward, staged_forward, sigmoid, x, y, df,
                 f"on {shape} arrays with an upstream gradient df of the same shape",
                 scalar=False)
    x = random_array(rng, (5,))
    y = random_array(rng, (5,))
    df = _scalar_df(rng)
    _staged_case(staged_backward, staged_forward, sigmoid, x, y, df,
                 f"on (5,) arrays with a scalar upstream gradient df = {df:g}", scalar=False)


# ---------------------------------------------------------------- gates

def _gate_run(fn_name, student_fn, forward, dout, x, y):
    """Call a gate's backward on one case; its outputs and centered differences of its forward."""
    out = call_checked(fn_name, student_fn, (dout, x, y), {"dx": x.shape, "dy": y.shape})
    dx, dy = out["dx"], out["dy"]
    true_dx = trusted_numerical_gradient(lambda v: forward(v, y), x.copy(), dout)
    true_dy = trusted_numerical_gradient(lambda v: forward(x, v), y.copy(), dout)
    return dout, x, y, dx, dy, true_dx, true_dy


def _gate_verdict(fn_name, runs, hints_for, responses=lambda r: {}):
    """Compare every case; a hint is named only when it matches on every case run."""
    def regions(x, y):
        """Where each input of a max gate wins (the only gate whose gradient depends on it)."""
        if fn_name != "max_backward":
            return {}
        parts = [("the entries where x wins (x > y)", x > y),
                 ("the entries where y wins (y > x)", y > x)]
        return {"dx": parts, "dy": parts}
    explainer = Explainer([View({"dx": r[3], "dy": r[4]}, {"dx": r[5], "dy": r[6]},
                                quantities={"dout": Quantity(r[0], "the upstream gradient "
                                                             "`dout`", "upstream"),
                                            "x": Quantity(r[1], "the input x", "input"),
                                            "y": Quantity(r[2], "the input y", "input")},
                                regions=regions(r[1], r[2]), responses=responses(r))
                           for r in runs])
    for dout, x, y, dx, dy, true_dx, true_dy in runs:
        context = f"on {x.shape} arrays"
        for var, got, true in (("x", dx, true_dx), ("y", dy, true_dy)):
            if looks_like(true, tol=1e-6)(got):
                continue
            per_case = []
            for r_dout, r_x, r_y, r_dx, r_dy, r_tdx, r_tdy in runs:
                mine = (r_dx, r_tdx, r_tdy, r_x, r_y) if var == "x" else \
                    (r_dy, r_tdy, r_tdx, r_y, r_x)
                per_case.append((mine[0], hints_for(var, *mine[1:], r_dout)))
            hints = on_every_case(per_case)
            expect_close(fn_name, f"d{var}", got, true, context=context,
                         cause=_GATE_CAUSE[fn_name], hints=hints,
                         explain=explainer.for_output(f"d{var}"))


_GATE_CAUSE = {
    "add_backward": "an add gate passes `dout` unchanged to both inputs.",
    "mul_backward": "write down the local derivative of x * y with respect to each input "
                    "(each is the OTHER input) and multiply it by dout.",
    "max_backward": "a max gate routes `dout` to the input that won (was larger) and 0 to "
                    "the other.",
}


def _gate_inputs(rng, shape, tie_margin=None):
    dout = random_array(rng, shape, kinks=(0.0,), margin=0.3)
    x = random_array(rng, shape, kinks=(0.0,), margin=0.2)
    if tie_margin is None:
        y = random_array(rng, shape, kinks=(0.0,), margin=0.2)
    else:
        gap = random_array(rng, shape, kinks=(0.0,), margin=tie_margin)
        flat = gap.reshape(-1)        # make sure each input wins somewhere
        flat[0], flat[1] = abs(flat[0]), -abs(flat[1])
        y = x - gap
    return dout, x, y


# A hint builder gets: the output's name, its true value, the other output's true value,
# this input, the other input and dout; the candidates are what each mistake returns.

def _add_hints(var, true, other_true, mine, other, dout):
    return [
        Hint(f"d{var} is half of dout: an add gate does not split the gradient between its "
             "inputs, each input receives all of it.", looks_like(0.5 * true)),
        Hint(f"d{var} looks like dout times the other input: that is a multiply gate; the "
             "local derivative of x + y is 1 for both inputs.", looks_like(true * other)),
        Hint(f"d{var} looks like dout times {var}: the local derivative of x + y is 1, so the "
             "gradient is dout itself.", looks_like(true * mine)),
        Hint(f"d{var} is all ones: the local derivative is 1, but it still multiplies the "
             "upstream gradient dout.", looks_like(true / dout)),
        Hint(f"d{var} has the wrong sign: adding passes dout on unchanged.",
             looks_like(-true)),
    ]


def _mul_hints(var, true, other_true, mine, other, dout):
    return [
        Hint(f"d{var} holds what the other input's gradient should be: either it was built "
             f"from {var} itself (the multiply gate not switched: the local derivative of "
             "x * y with respect to one input is the OTHER input), or the two gradients are "
             "returned in each other's place.", looks_like(other_true)),
        Hint(f"d{var} ignores dout: it is the local derivative alone; multiply it by the "
             "upstream gradient dout.", looks_like(true / dout)),
        Hint(f"d{var} equals dout: that is an add gate; a multiply gate scales dout by the "
             "other input.", looks_like(dout)),
        Hint(f"d{var} has the wrong sign.", looks_like(-true)),
    ]


def _max_hints(var, true, other_true, mine, other, dout):
    return [
        Hint(f"d{var} is routed to the loser: the gradient must go to the input that was "
             "LARGER (the one max() picked), and 0 to the other.", looks_like(other_true)),
        Hint(f"d{var} equals dout everywhere: a max gate does not send the gradient to both "
             "inputs, only to the one that won.", looks_like(true + other_true)),
        Hint(f"d{var} is a 0/1 mask: the right entries are picked, but the mask must "
             "multiply the upstream gradient dout.", looks_like(true / dout)),
        Hint(f"d{var} has the wrong sign.", looks_like(-true)),
        Hint(f"d{var} routes the winner's value ({var} itself) instead of dout: where {var} "
             "won, the gradient is dout (the local derivative of max is 1 there), not the "
             "input's value.", looks_like(true / dout * mine)),
        Hint(f"d{var} is dout times the winner's value: where {var} won, the local "
             "derivative of max is 1, so the gradient is dout alone.", looks_like(true * mine)),
    ]


def _gate_check(fn_name, student_fn, forward, hints_for, seed, shapes, name, tie_margin=None):
    rng = rng_for(seed, name)
    runs = []
    for shape in shapes:
        dout, x, y = _gate_inputs(rng, shape, tie_margin)
        runs.append(_gate_run(fn_name, student_fn, forward, dout, x, y))

    def responses(r):
        """The student's gate called again with dout zero, doubled and negated."""
        dout, x, y = r[0], r[1], r[2]
        return upstream_responses(
            lambda up: call_checked(fn_name, student_fn, (up["dout"], x.copy(), y.copy()),
                                    {"dx": x.shape, "dy": y.shape}),
            lambda up: {"dx": trusted_numerical_gradient(lambda v: forward(v, y), x.copy(),
                                                         up["dout"]),
                        "dy": trusted_numerical_gradient(lambda v: forward(x, v), y.copy(),
                                                         up["dout"])},
            {"dout": dout})
    _gate_verdict(fn_name, runs, hints_for, responses)


def check_add_backward(add_backward, seed=0):
    """add_backward on (3, 4) and (5,) arrays."""
    _gate_check("add_backward", add_backward, np.add, _add_hints, seed, [(3, 4), (5,)],
                "add_backward")


def check_add_backward_hidden(add_backward, seed=0):
    _gate_check("add_backward", add_backward, np.add, _add_hints, seed, [(2, 3, 4), (7,)],
                "add_backward_hidden")


def check_mul_backward(mul_backward, seed=0):
    """mul_backward on (3, 4) and (5,) arrays."""
    _gate_check("mul_backward", mul_backward, np.multiply, _mul_hints, seed, [(3, 4), (5,)],
                "mul_backward")


def check_mul_backward_hidden(mul_backward, seed=0):
    _gate_check("mul_backward", mul_backward, np.multiply, _mul_hints, seed,
                [(2, 3, 4), (7,)], "mul_backward_hidden")


def check_max_backward(max_backward, seed=0):
    """max_backward on (3, 4) and (5,) arrays, |x - y| >= 0.2 everywhere (no ties)."""
    _gate_check("max_backward", max_backward, np.maximum, _max_hints, seed, [(3, 4), (5,)],
                "max_backward", tie_margin=0.2)


def check_max_backward_hidden(max_backward, seed=0):
    _gate_check("max_backward", max_backward, np.maximum, _max_hints, seed,
                [(2, 3, 4), (7,)], "max_backward_hidden", tie_margin=0.2)


# ---------------------------------------------------------------- numerical_gradient
# Scalar test functions handed to the student's numerical_gradient live in autograder/probes.py
# (the only module whose functions the grader sends to the child, by reference, bound with
# functools.partial); their gradients, the ground truth, stay here.

def probe_exp_gradient(x, a, w):
    return np.asarray(w, dtype=np.float64) * a * np.exp(a * np.asarray(x, dtype=np.float64))


def probe_quadratic_gradient(x, A, b):
    A = np.asarray(A, dtype=np.float64)
    v = np.asarray(x, dtype=np.float64).ravel()
    return (0.5 * (A + A.T) @ v + np.asarray(b, dtype=np.float64).ravel()).reshape(np.shape(x))


def _exp_case(rng, shape, a):
    x = rng.uniform(-0.5, 0.5, size=shape)
    w = rng.choice([-1.0, 1.0], size=shape) * rng.uniform(0.5, 1.5, size=shape)
    return functools.partial(probe_exp, a=a, w=w), x, probe_exp_gradient(x, a, w)


def _quadratic_case(rng, shape):
    n = int(np.prod(shape))
    A = rng.standard_normal((n, n)) + np.diag(rng.uniform(2.0, 4.0, size=n))
    x = rng.standard_normal(shape)
    # choose b so that every entry of the gradient is well away from 0
    target = random_array(rng, shape, scale=1.5, kinks=(0.0,), margin=0.5)
    v = x.ravel()
    b = (target.ravel() - 0.5 * (A + A.T) @ v).reshape(shape)
    return functools.partial(probe_quadratic, A=A, b=b), x, probe_quadratic_gradient(x, A, b)


def _one_sided(f, x, h):
    """(f(x + h e_i) - f(x)) / h for every i (h < 0 gives the backward difference)."""
    x = x.copy()
    fx = f(x)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        grad[i] = (f(x) - fx) / h
        x[i] = old
    return grad


def _row_at_once(f, x, h):
    """What nudging a whole row (x[i] for the first index i only) gives: each row filled
    with the centered difference along that row."""
    x = x.copy()
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


def _numgrad_case(numerical_gradient, f, x, expected, h, context, tol=1e-6,
                  extra_hints=(), runs=None) -> None:
    """One case. With `runs` (a list) the answer is only recorded there, to be judged with
    the other cases by `_numgrad_verdict`: a hint is then named only when it fits all."""
    fn = "numerical_gradient"
    x_before = x.copy()
    grad = call_student(numerical_gradient, f, x) if h is None \
        else call_student(numerical_gradient, f, x, h)
    step = 1e-5 if h is None else h
    changed = x != x_before
    if not isinstance(x, np.ndarray) or x.shape != x_before.shape:
        raise CheckFailure(f"`{fn}` replaced or reshaped its argument x; it must leave x as "
                           "it found it.")
    if np.any(changed):
        idx = tuple(int(i) for i in np.argwhere(changed)[0])
        delta = float(np.max(np.abs(x - x_before)))
        if delta >= 0.5 * step:
            why = ("an entry was nudged by h and never put back: after evaluating f, restore "
                   "the saved value (`x[i] = old`).")
        else:
            why = ("the change is a rounding error: adding h and subtracting it again does not "
                   "give back exactly the same float. Save `old = x[i]` first and restore "
                   "it with `x[i] = old`.")
        raise CheckFailure(f"`{fn}` {context} left x changed (first at index {idx}, largest "
                           f"change {delta:.1e}). x must hold its original values on return: "
                           f"{why}")
    grad = expect_array(fn, "grad", grad, x.shape)
    expect_new_arrays(fn, {"grad": grad}, [f, x])
    hints = [
        Hint("this is the one-sided (forward) difference (f(x + h) - f(x)) / h, whose error "
             "shrinks only like h. Use the centered difference (f(x + h) - f(x - h)) / (2h): "
             "its error shrinks like h**2.",
             looks_like(lambda: _one_sided(f, x_before, step), tol=1e-7)),
        Hint("this is the one-sided (backward) difference (f(x) - f(x - h)) / h, whose error "
             "shrinks only like h. Use the centered difference (f(x + h) - f(x - h)) / (2h).",
             looks_like(lambda: _one_sided(f, x_before, -step), tol=1e-7)),
        Hint("grad is twice the expected value: the centered difference divides by 2h, the "
             "distance between x - h and x + h.", looks_like(2.0 * expected)),
        Hint("grad is half the expected value: divide the difference by 2h, not by 4h "
             "(or nudge by +h and -h, not by +-h/2).", looks_like(0.5 * expected)),
        Hint("grad has the wrong sign: it is f(x + h) - f(x - h), not the other way round.",
             looks_like(-expected)),
        # where the default h is used, ignoring h changes nothing: the truth stands in
        *(extra_hints or [Hint("h is ignored.", looks_like(expected))]),
        # for a 1-D x a "row" is one entry: this prediction is then the truth
        Hint("a whole row was nudged at once: `x[i] += h` with one index moves every entry "
             "of row i, so each entry of that row got the same number, the derivative along "
             "the whole row. Nudge one entry at a time: loop over every index with "
             "`np.ndindex(x.shape)` (or np.nditer) and nudge `x[idx]`.",
             looks_like(lambda: _row_at_once(f, x_before, step), tol=1e-7)),
    ]
    record = (grad, expected, hints, tol, context, step)
    if runs is None:
        _numgrad_verdict([record])
    else:
        runs.append(record)


def _numgrad_verdict(runs) -> None:
    # the explainer on every case: a scale by the step (h, h**2, 1/h) or a plain number
    explainer = Explainer([View({"grad": r[0]}, {"grad": r[1]},
                                scalars={"h": (r[5], "the step h"),
                                         "h**2": (r[5] ** 2, "the step h squared")},
                                label=r[4])
                           for r in runs], Layout(match_tol=1e-3))
    for k, (grad, expected, _, tol, context, _step) in enumerate(runs):
        if looks_like(expected, tol=tol)(grad):
            continue
        expect_close("numerical_gradient", "grad", grad, expected, tol=tol, context=context,
                     hints=on_every_case([(r[0], r[2]) for r in runs], shown=k),
                     explain=explainer.for_output("grad"),
                     cause="check your loop on f(x) = sum(x**2), whose gradient you know: nudge one "
                           "entry at a time, both ways, put it back before the next, and "
                           "divide the change in f by the distance between the two points.")


def check_numerical_gradient(numerical_gradient, seed=0):
    """Default h on a curved 1-D function and a coupled 2-D quadratic, against the exact gradient."""
    rng = rng_for(seed, "numerical_gradient")
    runs: list = []
    f, x, exact = _exp_case(rng, (6,), a=4.0)
    _numgrad_case(numerical_gradient, f, x, exact, None,
                  "for f(x) = sum(w * exp(4 x)) at a (6,) array (default h)", runs=runs)
    f, x, exact = _quadratic_case(rng, (3, 4))
    _numgrad_case(numerical_gradient, f, x, exact, None,
                  "for a quadratic f at a (3, 4) array (default h)", runs=runs)
    _numgrad_verdict(runs)


def _step_case(numerical_gradient, rng, shape, a, h, runs=None):
    f, x, exact = _exp_case(rng, shape, a)
    # What the centered difference at step h gives, exactly (it differs from the gradient by
    # about a**2 h**2 / 6, relatively): a correct function returns this, not the exact gradient.
    expected = trusted_numerical_gradient(f, x.copy(), h=h)
    ignored = Hint(f"grad matches the exact gradient too well: with h = {h:g} the centered "
                   "difference should differ from it by O(h**2). Is the argument h ignored "
                   "(a step fixed inside the function)?", looks_like(exact, tol=1e-6))
    _numgrad_case(numerical_gradient, f, x, expected, h,
                  f"for f(x) = sum(w * exp({a:g} x)) at a {shape} array with h = {h:g} "
                  "(compared with the centered difference at that step)",
                  extra_hints=[ignored], runs=runs)


def check_numerical_gradient_step(numerical_gradient, seed=0):
    """A large step h = 0.01 on a curved function: one-sided differences are far off here;
    and h = 0.005 on another, a second input for what the explainer says of a wrong one."""
    rng = rng_for(seed, "numerical_gradient_step")
    runs: list = []
    _step_case(numerical_gradient, rng, (2, 3), a=3.0, h=1e-2, runs=runs)
    _step_case(numerical_gradient, rng, (5,), a=2.0, h=5e-3, runs=runs)
    _numgrad_verdict(runs)


def check_numerical_gradient_hidden(numerical_gradient, seed=0):
    """More shapes (3-D, a column), another step."""
    rng = rng_for(seed, "numerical_gradient_hidden")
    runs: list = []
    f, x, exact = _exp_case(rng, (2, 2, 3), a=4.0)
    _numgrad_case(numerical_gradient, f, x, exact, None,
                  "for f(x) = sum(w * exp(4 x)) at a (2, 2, 3) array (default h)", runs=runs)
    f, x, exact = _quadratic_case(rng, (4, 1))
    _numgrad_case(numerical_gradient, f, x, exact, None,
                  "for a quadratic f at a (4, 1) array (default h)", runs=runs)
    _step_case(numerical_gradient, rng, (4,), a=3.0, h=2e-2, runs=runs)
    _step_case(numerical_gradient, rng, (2, 2), a=2.0, h=4e-2, runs=runs)
    _numgrad_verdict(runs)


# ---------------------------------------------------------------- softplus_circuit
#
# A second expression, staged by the student (no given forward, no cache format):
#     g(x, y) = log(1 + exp(x * y)) + x * tanh(y) / (1 + x**2)
# The truth is the complex step of the formula below. x is used three times (in x * y, in
# x * tanh(y), in x**2) and y twice (in x * y, in tanh(y)); the local derivatives that part 2
# did not list (log, exp, tanh) are the student's own derivation. A usual mistake is named
# only when it predicts the answer on every case the check ran: a lost path at a fork, one
# of the new local derivatives replaced by a usual slip, or the upstream gradient ignored.

_CIRCUIT_X_PATHS = ("`x * y`", "`x * tanh(y)`", "`x ** 2`")
_CIRCUIT_Y_PATHS = ("`x * y`", "`tanh(y)`")
_CIRCUIT_CAUSE = ("stage the expression (one operation per line), walk the stages in reverse, "
                  "multiply each stage's local derivative by the gradient arriving from the "
                  "stage after it, and add up (`+=`) the contributions of x and y at every "
                  "place they are used.")


def _circuit_split(x1, x2, x3, y1, y2):
    """The expression with every use of x and y as its own input (complex-safe)."""
    return np.log(1.0 + np.exp(x1 * y1)) + x2 * np.tanh(y2) / (1.0 + x3 ** 2)


def _circuit_stages(x, y):
    """The same expression in stages, as the difference explainer traces it (its messages
    quote these lines: "the gradient that `np.exp(u)` sends back to u ...")."""
    u = x * y
    soft = np.log(1.0 + np.exp(u))
    t = np.tanh(y)
    frac = x * t / (1.0 + x ** 2)
    return soft + frac


def circuit_value(x, y):
    """g(x, y) = log(1 + exp(x * y)) + x * tanh(y) / (1 + x**2), elementwise."""
    return _circuit_split(x, x, x, y, y)


def _circuit_parts(x, y):
    """d g / d (each use of x), d g / d (each use of y), by the complex step (elementwise)."""
    base = [np.asarray(v, dtype=np.complex128) for v in (x, x, x, y, y)]
    parts = []
    for i in range(5):
        args = list(base)
        args[i] = args[i] + 1j * CS_STEP
        parts.append(np.imag(_circuit_split(*args)) / CS_STEP)
    return parts[:3], parts[3:]


def _circuit_hints(x, y, dg, truth):
    """The usual mistakes' answers on one case: (cause, {"dx": .., "dy": ..})."""
    (px1, px2, px3), (py1, py2) = _circuit_parts(x, y)
    u, t, q = x * y, np.tanh(y), 1.0 / (1.0 + x ** 2)
    sig = 1.0 / (1.0 + np.exp(-u))
    out = []
    for var, parts, names in (("x", (px1, px2, px3), _CIRCUIT_X_PATHS),
                              ("y", (py1, py2), _CIRCUIT_Y_PATHS)):
        n = len(parts)
        for r in range(1, n):
            for kept in itertools.combinations(range(n), r):
                lost = " and ".join(names[i] for i in range(n) if i not in kept)
                wrong = dict(truth)
                wrong[f"d{var}"] = dg * sum(parts[i] for i in kept)
                out.append((f"d{var} is missing the contribution that flows back through "
                            f"{lost}. {var} is used in {n} places (a fork): its gradient is "
                            f"the sum of {n} contributions, so accumulate them with `+=`; a "
                            f"`d{var} = ...` somewhere overwrote what an earlier stage had "
                            "added.", wrong))

    def softplus_slip(factor):          # the path through x * y with sigmoid(u) replaced
        return {"dx": truth["dx"] + dg * (factor - sig) * y,
                "dy": truth["dy"] + dg * (factor - sig) * x}
    out += [
        ("the path back through `log(1 + exp(x * y))` is missing the log's own local "
         "derivative (the derivative of log(v), taken at v = 1 + exp(x * y)); only the "
         "exp's is there.", softplus_slip(np.exp(u))),
        ("the path back through `log(1 + exp(x * y))` is missing the exp's local "
         "derivative; only the log's is there. Each stage on the path contributes its own "
         "factor.", softplus_slip(1.0 / (1.0 + np.exp(u)))),
    ]
    tanh_path = dg * x * q                # the gradient arriving at tanh(y)'s output
    for slip, why in ((1.0 - y ** 2, "1 - y**2, the formula evaluated at the input y"),
                      (t * (1.0 - t), "t * (1 - t), the sigmoid's formula")):
        out.append((f"the stage `t = tanh(y)`: your local derivative is {why}. Derive the "
                    "tanh's derivative again; like the sigmoid's, it is cheapest written with "
                    "the stage's output t.",
                    {"dx": truth["dx"], "dy": truth["dy"] + tanh_path * (slip - (1 - t ** 2))}))
    q_path = dg * x * t                  # the gradient arriving at q = 1 / (1 + x**2)
    for slip, why in ((+1.0 / (1.0 + x ** 2) ** 2, "+1 / den**2 (the sign is lost)"),
                      (-1.0 / (1.0 + x ** 2), "-1 / den (the square is lost)")):
        out.append((f"the stage `q = 1 / (1 + x**2)`, the inverse of the denominator: your "
                    f"local derivative is {why}.",
                    {"dx": truth["dx"] + q_path * (slip + 1.0 / (1.0 + x ** 2) ** 2) * 2 * x,
                     "dy": truth["dy"]}))
    unit = {"dx": truth["dx"] / dg, "dy": truth["dy"] / dg}
    out.append(("the gradient is the one for dg = 1: the upstream gradient `dg` was ignored. "
                "The last stage's gradient is `dg`, and every stage before it inherits that "
                "factor.", unit))
    out.append(("dx and dy look like each other's gradients: return `(g, dx, dy)` in that "
                "order.", {"dx": truth["dy"], "dy": truth["dx"]}))
    return out


def _circuit_run(softplus_circuit, x, y, dg, scalar: bool):
    fn = "softplus_circuit"
    shape = NUMBER if scalar else np.shape(x)
    got = call_checked(fn, softplus_circuit, (x, y, dg), {"g": shape, "dx": shape, "dy": shape})
    xa, ya = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    dga = np.broadcast_to(np.asarray(dg, dtype=np.float64), xa.shape)
    dx, dy = input_gradients(lambda a, b: (circuit_value(a, b), None), [xa, ya], dga)
    truth = {"g": circuit_value(xa, ya), "dx": dx, "dy": dy}
    declared = _circuit_declared(xa, ya, dga, truth)
    declared["circuit"] = forward_case(_circuit_stages, {"x": xa, "y": ya},
                                       {"dx": "x", "dy": "y"}, {None: ("dg", dga)})
    declared["responses"] = upstream_responses(
        lambda up: call_checked(fn, softplus_circuit, (x, y, float(up["dg"]) if np.ndim(
            dg) == 0 else up["dg"]), {"g": shape, "dx": shape, "dy": shape}),
        {"dx": dx, "dy": dy}, {"dg": dg})
    return got, truth, _circuit_hints(xa, ya, dga, truth), declared


def _circuit_declared(x, y, dg, truth) -> dict:
    """What the explainer may refer to in one case of the circuit: each use of x and y as a
    path's contribution (a declared term), and the local derivatives of the stages that
    part 2 did not list (the softplus's σ(x y), tanh's, the reciprocal's), which a slip may
    replace by a similar one."""
    (px1, px2, px3), (py1, py2) = _circuit_parts(x, y)
    u, t, q = x * y, np.tanh(y), 1.0 / (1.0 + x ** 2)
    sig = 1.0 / (1.0 + np.exp(-u))
    terms = {f"the contribution through {_CIRCUIT_X_PATHS[i]}": {"dx": dg * p}
             for i, p in enumerate((px1, px2, px3))}
    terms.update({f"the contribution through {_CIRCUIT_Y_PATHS[i]}": {"dy": dg * p}
                  for i, p in enumerate((py1, py2))})
    tanh_path, q_path = dg * x * q, dg * x * t

    def with_sig(v):
        return {"dx": truth["dx"] + dg * (v - sig) * y, "dy": truth["dy"] + dg * (v - sig) * x}

    def with_tanh(v):
        return {"dx": truth["dx"], "dy": truth["dy"] + tanh_path * (v - (1.0 - t ** 2))}

    def with_q(v):
        return {"dx": truth["dx"] + q_path * (v + q ** 2) * 2 * x, "dy": truth["dy"]}
    out = {"terms": terms,
           "locals": {"softplus": Local("the stage `log(1 + exp(x * y))` (its derivative "
                                        "with respect to x * y)", "logistic", with_sig,
                                        value=sig, y=sig, y_name="σ(x*y)"),
                      "tanh": Local("the stage `t = tanh(y)`", "tanh", with_tanh, y=t,
                                    y_name="t"),
                      "q": Local("the stage `q = 1 / (1 + x**2)`", "factor", with_q,
                                 value=-q ** 2)},
           "quantities": {"x": Quantity(x, "the input x", "input"),
                          "y": Quantity(y, "the input y", "input")}}
    if np.ptp(dg) == 0:
        out["scalars"] = {"dg": (float(dg.flat[0]), "the upstream gradient dg")}
    else:
        out["quantities"]["dg"] = Quantity(dg, "the upstream gradient dg", "upstream")
    return out


def _circuit_verdict(runs, contexts):
    fn = "softplus_circuit"
    explainer = Explainer([View({k: got[k] for k in ("dx", "dy")},
                                {k: truth[k] for k in ("dx", "dy")}, **declared)
                           for got, truth, _, declared in runs])
    for (got, truth, _, _), context in zip(runs, contexts):
        expect_close(fn, "g", got["g"], truth["g"], context=context,
                     cause="g is the value of the expression itself: check the forward stages "
                           "against the formula, one operation at a time.")
    for i, ((got, truth, _, _), context) in enumerate(zip(runs, contexts)):
        for name in ("dx", "dy"):
            if looks_like(truth[name], tol=1e-6)(np.asarray(got[name], dtype=np.float64)):
                continue
            per_case = [(g[name], [Hint(cause, looks_like(wrong[name]))
                                   for cause, wrong in hints]) for g, _, hints, _ in runs]
            expect_close(fn, name, got[name], truth[name], context=context,
                         cause=_CIRCUIT_CAUSE, hints=on_every_case(per_case, shown=i),
                         explain=explainer.for_output(name))


def _circuit_cases(softplus_circuit, cases):
    runs, contexts = [], []
    for x, y, dg, scalar, context in cases:
        runs.append(_circuit_run(softplus_circuit, x, y, dg, scalar))
        contexts.append(context)
    _circuit_verdict(runs, contexts)


def check_softplus_circuit(softplus_circuit, seed=0):
    """Python floats at (0.8, -1.3) with dg = 1 and dg = -2.5; (3, 4) arrays with a (3, 4)
    dg; (5,) arrays with a scalar dg."""
    rng = rng_for(seed, "softplus_circuit")
    x, y = random_array(rng, (3, 4), scale=1.2), random_array(rng, (3, 4), scale=1.2)
    dg = random_array(rng, (3, 4), kinks=(0.0,), margin=0.3)
    x5, y5 = random_array(rng, (5,), scale=1.2), random_array(rng, (5,), scale=1.2)
    _circuit_cases(softplus_circuit, [
        (0.8, -1.3, 1.0, True, "at (x, y) = (0.8, -1.3) with dg = 1"),
        (0.8, -1.3, -2.5, True, "at (x, y) = (0.8, -1.3) with dg = -2.5"),
        (x, y, dg, False, "on (3, 4) arrays with a (3, 4) upstream gradient dg"),
        (x5, y5, 1.7, False, "on (5,) arrays with a scalar upstream gradient dg = 1.7 "
                             "(dx and dy must still have x's shape)"),
    ])


def check_softplus_circuit_hidden(softplus_circuit, seed=0):
    """A random point with a random dg; (2, 3, 2) arrays over a wider range."""
    rng = rng_for(seed, "softplus_circuit_hidden")
    px, py = (float(v) for v in rng.uniform(-2.0, 2.0, size=2))
    pdg = _scalar_df(rng)
    x, y = random_array(rng, (2, 3, 2), scale=1.8), random_array(rng, (2, 3, 2), scale=1.8)
    dg = random_array(rng, (2, 3, 2), kinks=(0.0,), margin=0.3)
    _circuit_cases(softplus_circuit, [
        (px, py, pdg, True, f"at (x, y) = ({px:.4g}, {py:.4g}) with dg = {pdg:g}"),
        (x, y, dg, False, "on (2, 3, 2) arrays with an upstream gradient dg of the same shape"),
    ])


# ---------------------------------------------------------------- predictions

def circuit_dx_truth() -> float:
    """df/dx of f = 2 (x y + max(z, w)) at (3, -4, 2, -1), part 3.1's circuit (complex step)."""
    def f(x):
        return 2.0 * (x * -4.0 + max(2.0, -1.0))
    return float(np.imag(f(3.0 + 1j * CS_STEP)) / CS_STEP)


def check_predict_circuit_dx(predict_circuit_dx, seed=0):
    """Part 3.1's prediction: the gradient on x in the circuit, within 0.5."""
    from .core import expect_prediction
    expect_prediction("predict_circuit_dx", predict_circuit_dx, circuit_dx_truth(),
                      what="df/dx of f = 2 (x y + max(z, w)) at x = 3, y = -4, z = 2, w = -1",
                      abs_tol=0.5)


# Every check of a backward pass also asks for chain-rule exactness (no finite differences).
from .exactness import guard_backprop  # noqa: E402

guard_backprop(globals())

# Last, once every check is defined: in a notebook each one prints a line when it passes.
from .core import announce_passes  # noqa: E402

announce_passes(globals())
