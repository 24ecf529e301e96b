"""Checks for the `relu` assignment: ReLU, Leaky ReLU, PReLU and dead units.

Graded functions (SPEC.md): `relu_backward`, `leaky_relu_backward`, `prelu_backward`,
`dead_neuron_fraction`.

Ground truth comes only from trusted pieces:

- the backward passes: centered differences of the given forwards (`relu_forward`,
  `leaky_relu_forward`, `prelu_forward`). The forwards are piecewise linear, so once every
  input is kept well away from the kink at 0 the differences are exact up to rounding.
  `prelu_forward` is also linear in `alpha`, so its `alpha`-derivative is exact as well.
- `dead_neuron_fraction`: layers built so that the check knows, unit by unit, which are
  dead (killed by a large negative bias, or stuck at exactly 0) and which are alive (alive
  for one example only, kept alive by its bias, or ordinary).

The usual mistakes are recognised by what they would return, built from the same pieces:
the numerical gradient with the upstream gradient set to ones, the forward applied to the
upstream gradient (a mask taken on `dout`), `(1 + slope) * dout - truth` (the slope on the
wrong side of 0), and so on.
"""
from __future__ import annotations

import numpy as np

from .circuit import forward_case
from .explain import (
    Explainer, Quantity, Sweep, View, elementwise_derivative, partial_upstream,
    upstream_responses, watch_response,
)
from .core import (
    NUMBER, Activation, CheckFailure, Hint, StudentCodeError, activation_slips, away_from,
    call_and_check_inputs,
    call_checked, expect_array, expect_close, expect_new_arrays, looks_like, numerical_gradient,
    on_every_case, once, outputs_by_name, random_array, rng_for,
)

# Inputs to the activations stay at least this far from the kink at 0.
_MARGIN = 0.1

_RELU_CAUSE = ("write down the ReLU's slope on each side of 0 (its forward input `a` is in "
               "the cache) and use it as the local derivative that multiplies the upstream "
               "gradient.")
_LEAKY_CAUSE = ("write down the activation's slope on each side of 0 (the forward input `a` "
                "and the slope are in the cache) and use it as the local derivative that "
                "multiplies the upstream gradient.")
_PRELU_DA_CAUSE = ("write down each unit's slope on each side of 0 (alpha has one entry per "
                   "column) and use it as the local derivative that multiplies the upstream "
                   "gradient.")
_PRELU_DALPHA_CAUSE = ("find which inputs alpha[j] acts on, the derivative of the output there "
                       "with respect to alpha[j], and how the contributions of the batch "
                       "combine (one alpha[j] serves every example).")


# ---------------------------------------------------------------- helpers

def _shape_nh(rng) -> tuple[int, int]:
    """A batch size N and a width H with N != H, so a transposed answer can't pass."""
    n = int(rng.integers(4, 8))
    return n, n + int(rng.integers(1, 4))


def _numgrad(f, x, dout=None) -> np.ndarray:
    """Centered differences of sum(f(x) * dout) at a private copy of x."""
    return numerical_gradient(f, np.array(x, dtype=np.float64), df=dout)


def _activation(forward) -> Activation:
    """The activation of a given forward (v -> (out, cache)), for the check library's slips
    (core.activation_slips): its value, and its slope by centered differences (exact to
    rounding away from the kink)."""
    return Activation(lambda v: forward(v)[0],
                      lambda v: _numgrad(lambda u: forward(u)[0], v))


def _negative_side(prelu_forward, a, dout) -> np.ndarray:
    """dout where a < 0 and exactly 0 elsewhere, from the trusted forward: the derivative of
    relu(-v) = prelu(-v, 0) is -1 where v < 0 (built this way, no subtraction noise)."""
    zeros = np.zeros(a.shape[-1])
    return -_numgrad(lambda v: prelu_forward(-v, zeros)[0], a, dout)


def _alphas(rng, h: int) -> np.ndarray:
    """PReLU slopes of every kind: negative, between 0 and 1, above 1; away from 0 and 1."""
    alpha = rng.uniform(-1.5, 1.5, h)
    alpha[0] = -rng.uniform(0.3, 1.0)
    alpha[1] = rng.uniform(1.2, 1.6)
    alpha[2] = rng.uniform(0.15, 0.5)
    return away_from(rng.permutation(alpha), (0.0, 1.0), 0.1)


def _expect_gradient(fn: str, name: str, value, shape: tuple) -> np.ndarray:
    """expect_array, with a plainer message for a boolean mask returned as the gradient."""
    if isinstance(value, np.ndarray) and value.dtype == np.bool_:
        raise CheckFailure(
            f"`{fn}`: {name} is a boolean array. That is a mask (where the gradient may pass), "
            "not a gradient: use it to select or scale the upstream gradient `dout`, so the "
            "result is a float64 array of dout's shape.")
    return expect_array(fn, name, value, shape)


# ---------------------------------------------------------------- relu_backward

def _relu_case(relu_backward, relu_forward, a, dout, context: str) -> tuple:
    """One case: the student's da, the truth and the hints (judged later, on every case)."""
    fn = "relu_backward"
    _, cache = relu_forward(a)
    da = call_checked(fn, relu_backward, (dout, cache), {"da": a.shape},
                      expect=_expect_gradient)["da"]

    truth = _numgrad(lambda v: relu_forward(v)[0], a, dout)
    slips = activation_slips(_activation(relu_forward), a, dout)
    hints = [
        Hint("the upstream gradient is missing: you returned the local gradient (1 where "
             "a > 0, else 0) alone. The chain rule multiplies it by `dout`.",
             looks_like(slips["upstream_missing"])),
        Hint("the mask is taken on the upstream gradient (`dout > 0`, or `max(dout, 0)`). "
             "Whether the gradient passes depends on the forward input `a` in the cache, "
             "not on the sign of `dout`.", looks_like(relu_forward(dout)[0])),
        Hint("the mask is inverted: the gradient must pass where a > 0 and be blocked where "
             "a <= 0.", looks_like(lambda: -_numgrad(lambda v: relu_forward(-v)[0], a, dout))),
        Hint("dout was multiplied by the ReLU's output max(0, a). The local gradient is the "
             "slope of the ReLU, 0 or 1, not its value.", looks_like(slips["value_as_slope"])),
        Hint("a small gradient leaks through the negative inputs (that is Leaky ReLU's "
             "backward pass); a ReLU blocks it completely.",
             looks_like(truth + 0.01 * (dout - truth))),
    ]
    return da, truth, hints, context, {**_declared(a, dout, relu_forward(a)[0]),
                                       "circuit": forward_case(relu_forward, {"a": a},
                                                               {"da": "a"},
                                                               {0: ("dout", dout)}),
                                       "sweep": _sweep(
                                           lambda x, up: call_checked(
                                               fn, relu_backward, (up, relu_forward(x)[1]),
                                               {"da": x.shape})["da"],
                                           lambda v: relu_forward(v)[0], a.shape[-1]),
                                       "responses": upstream_responses(
                                           lambda up: {"da": call_checked(
                                               fn, relu_backward, (up["dout"], relu_forward(
                                                   a.copy())[1]), {"da": a.shape})["da"]},
                                           {"da": truth}, {"dout": dout})}


def _sweep(call, forward, width: int, marks: dict | None = None) -> Sweep:
    """The student's backward pass `call(a, dout)` called again along a grid of `a` (see
    explain.Sweep), against the trusted elementwise `forward` (a -> out)."""
    return Sweep("a", call, lambda x, up: elementwise_derivative(forward, x, up), width,
                 marks or {})


def _declared(a, dout, out, scalars=None) -> dict:
    """What the explainer may refer to in one case of an activation's backward pass: the
    two sides of the kink, the upstream gradient, the input and the output."""
    return {"sizes": dict(zip(("N", "H"), a.shape)) if a.ndim == 2 else {"H": a.shape[0]},
            "scalars": scalars or {},
            "quantities": {"dout": Quantity(dout, "the upstream gradient `dout`", "upstream"),
                           "a": Quantity(a, "the forward input `a`", "input"),
                           "out": Quantity(out, "the forward output `out` (the activation's "
                                                "value)", "output")},
            "regions": {"da": [("the entries where a > 0", a > 0),
                               ("the entries where a <= 0", a <= 0)]}}


def _judge_every_case(fn, runs, cause) -> None:
    """expect_close on each case (da, truth, hints, context, declared); a hint is named only
    when it matches the student's answer on every case."""
    explainer = Explainer([View({"da": r[0]}, {"da": r[1]}, **r[4], label=r[3]) for r in runs])
    for k, (da, truth, _, context, _) in enumerate(runs):
        if looks_like(truth, tol=1e-6)(da):
            continue
        expect_close(fn, "da", da, truth, context=context, cause=cause,
                     hints=on_every_case([(r[0], r[2]) for r in runs], shown=k),
                     explain=explainer.for_output("da"))


def check_relu_backward(relu_backward, relu_forward, seed=0):
    """Gradient check on an (N, H) batch and on a 1-d vector, inputs away from 0."""
    rng = rng_for(seed, "relu_backward")
    n, h = _shape_nh(rng)
    runs = []
    for shape in ((n, h), (h,)):
        a = random_array(rng, shape, kinks=(0.0,), margin=_MARGIN)
        dout = random_array(rng, shape, scale=2.0, kinks=(0.0,), margin=_MARGIN)
        runs.append(_relu_case(relu_backward, relu_forward, a, dout, f"for a of shape {shape}"))
    _judge_every_case("relu_backward", runs, _RELU_CAUSE)


def _dead_layer(rng, n: int, d: int, h: int):
    """X, W, b and the pre-activations a of a layer with one unit killed by its bias and
    one stuck at exactly 0; every other unit is positive for some examples."""
    X, W = rng.standard_normal((n, d)), rng.standard_normal((h, d))
    b = 0.1 * rng.standard_normal(h)
    killed, zero = (int(j) for j in rng.choice(h, 2, replace=False))
    b[killed] = -(np.max(X @ W[killed]) + rng.uniform(0.5, 2.0))
    W[zero], b[zero] = 0.0, 0.0
    a = X @ W.T + b
    for j in range(h):
        if j not in (killed, zero) and np.max(a[:, j]) < 0.5:
            b[j] += 0.5 - np.max(a[:, j])
    a = X @ W.T + b
    return X, W, b, a, killed, zero


def check_relu_backward_dead(relu_backward, relu_forward, seed=0):
    """A dead unit (a <= 0 for every example) receives exactly zero gradient; live units
    receive some wherever their input was positive."""
    fn = "relu_backward"
    rng = rng_for(seed, "relu_backward_dead")
    n, d, h = 8, 3, 6
    X, _, _, a, killed, zero = _dead_layer(rng, n, d, h)
    dout = random_array(rng, (n, h), kinks=(0.0,), margin=_MARGIN)
    _, cache = relu_forward(a)
    da = outputs_by_name(fn, call_and_check_inputs(relu_backward, dout, cache), {"da": (n, h)},
                         expect=_expect_gradient)["da"]

    for j, how in ((killed, f"its bias is so negative that a[:, {killed}] < 0 for every "
                            "example"),
                   (zero, f"its weights and bias are 0, so a[:, {zero}] is exactly 0 for "
                          "every example")):
        col = da[:, j]
        if np.all(col == 0):
            continue
        i = int(np.argmax(np.abs(col)))
        dW_row = col @ X
        lines = [f"`{fn}`: unit {j} of this layer is dead ({how}), "
                 f"yet da[:, {j}] is not zero: da[{i}, {j}] = {col[i]:.6g} where "
                 f"a[{i}, {j}] = {a[i, j]:.6g}.",
                 f"  Its weights would still move (the layer's weight gradient for unit {j} "
                 f"would be {np.array2string(dW_row, precision=4)}), but a dead unit never learns: "
                 "it must receive exactly zero gradient."]
        if j == zero and np.allclose(col, dout[:, j]):
            lines.append("  Likely cause: the gradient passes where a == 0 (a test like "
                         "`a >= 0`). Treat a == 0 as off, like the forward's flat side: use "
                         "`a > 0`, otherwise a unit stuck at exactly 0 looks alive.")
        elif np.allclose(col, np.maximum(dout[:, j], 0.0)):
            lines.append("  Likely cause: the mask is taken on the upstream gradient "
                         "(`dout > 0`) instead of on the forward input `a` from the cache.")
        elif np.allclose(col, 0.01 * dout[:, j]):
            lines.append("  Likely cause: a small gradient leaks through the negative inputs "
                         "(that is Leaky ReLU); a ReLU blocks it completely.")
        else:
            lines.append("  Usual cause: " + _RELU_CAUSE)
        raise CheckFailure("\n".join(lines))

    off = (a > 0) & (da == 0)
    if np.any(off):
        i, j = (int(k) for k in np.argwhere(off)[0])
        raise CheckFailure(
            f"`{fn}`: unit {j} is alive at example {i} (a[{i}, {j}] = {a[i, j]:.6g} > 0), "
            f"but da[{i}, {j}] is 0 although dout[{i}, {j}] is {dout[i, j]:.6g}. Where the "
            "input was positive the upstream gradient must pass through unchanged.")


# ---------------------------------------------------------------- leaky_relu_backward

def _leaky_hints(leaky_relu_forward, a, dout, slope, truth) -> list:
    slips = activation_slips(_activation(lambda v: leaky_relu_forward(v, slope)), a, dout)
    hints = [
        Hint("the upstream gradient is missing: you returned the local gradient (1 or the "
             "slope) alone. The chain rule multiplies it by `dout`.",
             looks_like(slips["upstream_missing"])),
        Hint("the slope is on the wrong side: the gradient passes unchanged where a > 0 and "
             "is multiplied by the slope where a <= 0.",
             looks_like((1.0 + slope) * dout - truth)),
        Hint("the negative side is blocked completely (that is ReLU's backward pass). A "
             "Leaky ReLU passes `slope * dout` there.",
             looks_like(lambda: _numgrad(lambda v: leaky_relu_forward(v, 0.0)[0], a, dout))),
        Hint("the mask is taken on the upstream gradient (`dout > 0`). Which side of the "
             "kink applies depends on the forward input `a` in the cache.",
             looks_like(leaky_relu_forward(dout, slope)[0])),
        Hint("dout was multiplied by the activation's output. The local gradient is its "
             "slope (1 or `slope`), not its value.", looks_like(slips["value_as_slope"])),
        Hint("every entry was multiplied by the slope; only the inputs a <= 0 are.",
             looks_like(slope * dout)),
    ]
    # (with slope 0.01 this prediction is the truth: it then holds only for a right answer)
    hints.insert(1, Hint(
        f"the slope 0.01 is hard-coded, but this cache holds slope = {slope:g}. Read it "
        "from the cache: `a, slope = cache`.",
        looks_like(lambda: _numgrad(lambda v: leaky_relu_forward(v, 0.01)[0], a, dout))))
    return hints


def _leaky_case(leaky_relu_backward, leaky_relu_forward, a, dout, slope) -> np.ndarray:
    """Call the student's function on one case; returns da after shape/new-array checks."""
    fn = "leaky_relu_backward"
    _, cache = leaky_relu_forward(a) if slope is None else leaky_relu_forward(a, slope)
    return call_checked(fn, leaky_relu_backward, (dout, cache), {"da": a.shape},
                        expect=_expect_gradient)["da"]


def check_leaky_relu_backward(leaky_relu_backward, leaky_relu_forward, seed=0):
    """Gradient check with the default slope 0.01 and with a larger slope from the cache."""
    fn = "leaky_relu_backward"
    rng = rng_for(seed, "leaky_relu_backward")
    n, h = _shape_nh(rng)
    runs = []
    for slope in (None, round(float(rng.uniform(0.1, 0.4)), 3)):
        a = random_array(rng, (n, h), kinks=(0.0,), margin=_MARGIN)
        dout = random_array(rng, (n, h), scale=2.0, kinks=(0.0,), margin=_MARGIN)
        da = _leaky_case(leaky_relu_backward, leaky_relu_forward, a, dout, slope)
        s = 0.01 if slope is None else slope
        truth = _numgrad(lambda v: leaky_relu_forward(v, s)[0], a, dout)
        context = ("with the default slope 0.01" if slope is None
                   else f"with slope = {slope:g} in the cache")
        runs.append((da, truth, _leaky_hints(leaky_relu_forward, a, dout, s, truth), context,
                     {**_declared(a, dout, leaky_relu_forward(a, s)[0],
                                  {"slope": (s, "the slope in the cache")}),
                      "circuit": forward_case(leaky_relu_forward, {"a": a, "slope": s},
                                              {"da": "a"}, {0: ("dout", dout)}),
                      "sweep": _sweep(lambda x, up, slope=slope: _leaky_case(
                          leaky_relu_backward, leaky_relu_forward, x, up, slope),
                          lambda v, s=s: leaky_relu_forward(v, s)[0], h,
                          {"the slope in the cache": s}),
                      "responses": upstream_responses(
                          lambda up, a=a, slope=slope: {"da": _leaky_case(
                              leaky_relu_backward, leaky_relu_forward, a.copy(), up["dout"],
                              slope)}, {"da": truth}, {"dout": dout})}))
    _judge_every_case(fn, runs, _LEAKY_CAUSE)


def check_leaky_relu_backward_flow(leaky_relu_backward, leaky_relu_forward, seed=0):
    """A unit whose input is negative for every example (dead under ReLU) still gets
    `slope * dout` from a Leaky ReLU, so its weights keep learning."""
    fn = "leaky_relu_backward"
    rng = rng_for(seed, "leaky_relu_backward_flow")
    n, h = _shape_nh(rng)
    a = random_array(rng, (n, h), kinks=(0.0,), margin=_MARGIN)
    negative = [int(j) for j in rng.choice(h, 2, replace=False)]
    a[:, negative] = -np.abs(a[:, negative])
    dout = random_array(rng, (n, h), kinks=(0.0,), margin=_MARGIN)
    for slope in (0.01, round(float(rng.uniform(0.05, 0.3)), 3)):
        da = _leaky_case(leaky_relu_backward, leaky_relu_forward, a, dout, slope)
        truth = _numgrad(lambda v: leaky_relu_forward(v, slope)[0], a, dout)
        for j in negative:
            if np.any(da[:, j] == 0):
                i = int(np.argmax(da[:, j] == 0))
                zero = np.flatnonzero(da[:, j] == 0)
                # blocked on every example: a ReLU's rule; on some only: those rows are
                # never written (a loop's bound), whatever the rule
                why = ("Use the slope from the cache where a <= 0 instead of blocking the "
                       "gradient." if zero.size == n else
                       f"Yours is 0 only in row{'s' if zero.size > 1 else ''} "
                       f"{', '.join(map(str, zero))} of this unit's {n}, and nonzero in the "
                       "others: look at which rows your code fills.")
                raise CheckFailure(
                    f"`{fn}` (slope = {slope:g}): unit {j} has a negative input for every "
                    f"example (a ReLU unit like it would be dead), but da[{i}, {j}] is 0 "
                    f"although dout[{i}, {j}] is {dout[i, j]:.6g}. A Leaky ReLU passes "
                    f"`slope * dout` = {slope * dout[i, j]:.6g} there: some gradient always "
                    f"flows, so the unit keeps learning and can come back. {why}")
            expect_close(fn, f"da[:, {j}]", da[:, j], truth[:, j], cause=_LEAKY_CAUSE,
                         context=(f"for unit {j}, whose input is negative for every example "
                                  f"(slope = {slope:g})"),
                         hints=[Hint(hint.cause, _on_whole(hint.matches, da))
                                for hint in _leaky_hints(leaky_relu_forward, a, dout, slope,
                                                         truth)])


def _on_whole(matches, whole: np.ndarray):
    """A hint predicate for one column that judges the whole answer `whole` instead."""
    def on_whole(_column):
        return matches(whole)
    return on_whole


# ---------------------------------------------------------------- prelu_backward

def _prelu_call(prelu_backward, prelu_forward, a, alpha, dout, da=None):
    """The cache, and da and dalpha as they came (da checked when its shape is given)."""
    fn = "prelu_backward"
    _, cache = prelu_forward(a, alpha)
    out = call_checked(fn, prelu_backward, (dout, cache), {"da": da, "dalpha": None},
                       expect=_expect_gradient)
    return cache, out["da"], out["dalpha"]


def _prelu_da_hints(prelu_forward, a, alpha, dout, truth) -> list:
    h = a.shape[1]
    relu_like = once(lambda: _numgrad(lambda v: prelu_forward(v, np.zeros(h))[0], a, dout))
    slips = activation_slips(_activation(lambda v: prelu_forward(v, alpha)), a, dout)
    return [
        Hint("the upstream gradient is missing: you returned the local gradient (1 or "
             "alpha) alone. The chain rule multiplies it by `dout`.",
             looks_like(slips["upstream_missing"])),
        Hint("alpha is on the wrong side: the gradient passes unchanged where a > 0 and is "
             "multiplied by alpha where a <= 0.", looks_like((1.0 + alpha) * dout - truth)),
        Hint("the negative side is blocked (ReLU's backward pass): a PReLU passes "
             "`alpha * dout` there, with each column's own alpha.", looks_like(relu_like)),
        Hint("a fixed slope 0.01 was used: PReLU's slopes are the per-unit `alpha` from the "
             "cache.", looks_like(lambda: _numgrad(
                 lambda v: prelu_forward(v, np.full(h, 0.01))[0], a, dout))),
        Hint("the mask is taken on the upstream gradient (`dout > 0`) instead of on the "
             "forward input `a` from the cache.", looks_like(prelu_forward(dout, alpha)[0])),
        Hint("where a <= 0 you multiplied dout by `a`; that is the local gradient with "
             "respect to alpha (it belongs in dalpha). With respect to a it is alpha.",
             looks_like(lambda: relu_like() + a * _negative_side(prelu_forward, a, dout))),
        Hint(PRELU_MASK_ON_OUTPUT, looks_like(slips["slope_at_output"])),
    ]


PRELU_MASK_ON_OUTPUT = ("the mask is taken on the output (`out > 0`) instead of on the "
                        "input `a`: where alpha is negative, a negative input gives a positive "
                        "output, and there the gradient is alpha * dout, not dout. Test "
                        "`a > 0` (the cache holds a).")
PRELU_DALPHA_MASK_ON_OUTPUT = ("the mask is taken on the output (`out <= 0`) instead of on the "
                               "input `a`: where alpha is negative, the inputs a <= 0 give "
                               "outputs > 0, and their a * dout is lost. alpha acts wherever "
                               "a <= 0.")
PRELU_DALPHA_ALL_UNITS = ("dalpha was summed over the units too: alpha has one entry per "
                          "unit, and dalpha[j] collects the batch's contributions for unit j "
                          "only (shape (H,)).")


def _prelu_da_run(prelu_backward, prelu_forward, rng):
    n, h = _shape_nh(rng)
    a = random_array(rng, (n, h), kinks=(0.0,), margin=_MARGIN)
    alpha = _alphas(rng, h)
    dout = random_array(rng, (n, h), scale=2.0, kinks=(0.0,), margin=_MARGIN)
    _, da, dalpha = _prelu_call(prelu_backward, prelu_forward, a, alpha, dout, da=(n, h))
    truth = _numgrad(lambda v: prelu_forward(v, alpha)[0], a, dout)
    return a, alpha, dout, da, truth, dalpha


def _prelu_responses(prelu_backward, prelu_forward, a, alpha, dout, truth: dict) -> dict:
    """The student's prelu_backward called again with dout zero and doubled (`truth`: the
    outputs the view compares, da or dalpha)."""
    def call(up):
        _, da, dalpha = _prelu_call(prelu_backward, prelu_forward, a.copy(), alpha.copy(),
                                    up["dout"])
        return {"da": np.asarray(da, dtype=np.float64),
                "dalpha": np.asarray(dalpha, dtype=np.float64)}
    return upstream_responses(call, truth, {"dout": dout})


def _prelu_declared(a, alpha, dout, prelu_forward, dalpha) -> dict:
    """What the explainer may refer to for da (`dalpha`: the student's, of the same call,
    which a slip named for da must also give)."""
    declared = _declared(a, dout, prelu_forward(a, alpha)[0])
    declared["circuit"] = forward_case(prelu_forward, {"a": a, "alpha": alpha}, {"da": "a"},
                                       {0: ("dout", dout)}, others={"dalpha": ("alpha", dalpha)})
    declared["quantities"]["alpha"] = Quantity(np.broadcast_to(alpha, a.shape),
                                               "alpha (per column)", "parameter")
    return declared


def _verified_with_probe(got, truth, hints, probe) -> list:
    """The hints, each named only when it also matches on a probe case (run only when the
    answer is wrong); a probe the student's code fails on names nothing."""
    if looks_like(truth, tol=1e-6)(got):
        return hints
    try:
        per_case = [(got, hints), probe()]
    except (StudentCodeError, CheckFailure):
        return []
    return on_every_case(per_case)


def check_prelu_backward(prelu_backward, prelu_forward, seed=0):
    """da of PReLU, with slopes alpha of every sign and size (one per column). A wrong
    answer is diagnosed on this case and on a probe case with other slopes."""
    fn = "prelu_backward"
    rng = rng_for(seed, "prelu_backward")
    a, alpha, dout, da, truth, dalpha = _prelu_da_run(prelu_backward, prelu_forward, rng)
    n, h = a.shape

    probe_run = once(lambda: _prelu_da_run(prelu_backward, prelu_forward,
                                           rng_for(seed, "prelu_backward_probe")))

    def probe():
        pa, palpha, pdout, pda, ptruth, _ = probe_run()
        return pda, _prelu_da_hints(prelu_forward, pa, palpha, pdout, ptruth)

    def views():
        pa, palpha, pdout, pda, ptruth, pdalpha = probe_run()
        return [View({"da": d}, {"da": t}, **_prelu_declared(x, al, g, prelu_forward, dal),
                     responses=_prelu_responses(prelu_backward, prelu_forward, x, al, g,
                                                {"da": t}),
                     sweep=_sweep(lambda v, up, al=al: _prelu_call(
                         prelu_backward, prelu_forward, v, al.copy(), up, da=v.shape)[1],
                         lambda v, al=al: prelu_forward(v, al)[0], al.size,
                         {"the unit's alpha": al}))
                for x, al, g, d, t, dal in ((a, alpha, dout, da, truth, dalpha),
                                            (pa, palpha, pdout, pda, ptruth, pdalpha))]
    expect_close(fn, "da", da, truth, cause=_PRELU_DA_CAUSE,
                 explain=Explainer(views).for_output("da"),
                 context=f"for a of shape {(n, h)} and alpha = "
                         f"{np.array2string(alpha, precision=3)}",
                 hints=_verified_with_probe(
                     da, truth, _prelu_da_hints(prelu_forward, a, alpha, dout, truth), probe))


def _expect_dalpha_shape(fn: str, dalpha, n: int, h: int) -> np.ndarray:
    if isinstance(dalpha, np.ndarray):
        if dalpha.shape == (n, h):
            raise CheckFailure(
                f"`{fn}`: dalpha has shape {(n, h)}, one row per example; it must have "
                f"shape {(h,)} like alpha. alpha is shared by every example of the batch, so "
                "its gradient is the sum of the per-example contributions: sum over the "
                "batch (axis 0). (Broadcasting would quietly accept the unsummed array in an "
                "update like `alpha -= lr * dalpha` and turn alpha into a matrix.)")
        if dalpha.shape == (1, h):
            raise CheckFailure(
                f"`{fn}`: dalpha has shape {(1, h)}; it must have shape {(h,)} like alpha. "
                "Sum over the batch without keeping the axis (no `keepdims=True`).")
        if dalpha.shape == (n,):
            raise CheckFailure(
                f"`{fn}`: dalpha has shape {(n,)}, one entry per example; it must have one "
                f"per unit, shape {(h,)}. Sum over the batch (axis 0), not over the units "
                "(axis 1).")
    return _expect_gradient(fn, "dalpha", dalpha, (h,))


def _dalpha_run(prelu_backward, prelu_forward, rng):
    """One dalpha case: the inputs, the student's raw dalpha and the truth."""
    n, h = _shape_nh(rng)
    a = random_array(rng, (n, h), kinks=(0.0,), margin=_MARGIN)
    alpha = _alphas(rng, h)
    dout = random_array(rng, (n, h), scale=2.0, kinks=(0.0,), margin=_MARGIN)
    cache, da, dalpha = _prelu_call(prelu_backward, prelu_forward, a, alpha, dout)
    truth = _numgrad(lambda v: prelu_forward(a, v)[0], alpha, dout)
    return a, alpha, dout, cache, dalpha, truth, da


def _one_number(value):
    """value as a float when it is a single number (a scalar, a 0-d or one-entry array)."""
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, np.ndarray) and value.size == 1 and value.dtype.kind == "f":
        return float(value.reshape(()))
    return None


def _expect_dalpha_per_unit(fn, dalpha, truth, n, h, probe):
    """A single number for dalpha: named 'summed over the units too' only when it is the
    sum of the true dalpha here and on the probe case."""
    total = _one_number(dalpha)
    if total is None or h == 1:
        return
    lines = [f"`{fn}`: dalpha is a single number ({total:.6g}); it must have shape {(h,)} "
             "like alpha, one entry per unit."]
    try:
        pdalpha, ptruth = probe()
        verified = (abs(total - truth.sum()) <= 1e-6 * max(1.0, abs(truth.sum()))
                    and _one_number(pdalpha) is not None
                    and abs(_one_number(pdalpha) - ptruth.sum())
                    <= 1e-6 * max(1.0, abs(ptruth.sum())))
    except (StudentCodeError, CheckFailure):
        verified = False
    lines.append("  Likely cause: " + PRELU_DALPHA_ALL_UNITS if verified else
                 "  Usual cause: " + _PRELU_DALPHA_CAUSE)
    raise CheckFailure("\n".join(lines))


def check_prelu_backward_dalpha(prelu_backward, prelu_forward, seed=0):
    """dalpha of PReLU: shape (H,) exactly (so an unsummed (N, H) answer fails), values
    against the numerical derivative with respect to alpha. A wrong answer is diagnosed on
    this case and on a probe case with other slopes."""
    fn = "prelu_backward"
    rng = rng_for(seed, "prelu_backward_dalpha")
    a, alpha, dout, cache, dalpha, truth, da = _dalpha_run(prelu_backward, prelu_forward, rng)
    n, h = a.shape
    probe_memo: list = []

    def probe_raw():
        if not probe_memo:
            probe_memo.append(_dalpha_run(prelu_backward, prelu_forward,
                                          rng_for(seed, "prelu_backward_dalpha_probe")))
        return probe_memo[0]

    _expect_dalpha_per_unit(fn, dalpha, truth, n, h,
                            lambda: (probe_raw()[4], probe_raw()[5]))
    dalpha = _expect_dalpha_shape(fn, dalpha, n, h)
    expect_new_arrays(fn, {"dalpha": dalpha}, [dout, cache])

    def probe():
        pa, palpha, pdout, _, pdalpha, ptruth, _ = probe_raw()
        pdalpha = _expect_dalpha_shape(fn, pdalpha, *pa.shape)
        return pdalpha, _dalpha_hints(prelu_forward, pa, palpha, pdout, ptruth)

    def views():
        out = [View({"dalpha": dalpha}, {"dalpha": truth},
                    **_dalpha_declared(a, alpha, dout, prelu_forward, da),
                    responses=_prelu_responses(prelu_backward, prelu_forward, a, alpha, dout,
                                               {"dalpha": truth}))]
        pa, palpha, pdout, _, pdalpha, ptruth, pda = probe_raw()
        if np.shape(pdalpha) == np.shape(ptruth):
            out.append(View({"dalpha": np.asarray(pdalpha, dtype=np.float64)},
                            {"dalpha": ptruth}, **_dalpha_declared(pa, palpha, pdout,
                                                                   prelu_forward, pda),
                            responses=_prelu_responses(prelu_backward, prelu_forward, pa,
                                                       palpha, pdout, {"dalpha": ptruth})))
        return out
    expect_close(fn, "dalpha", dalpha, truth, cause=_PRELU_DALPHA_CAUSE,
                 explain=Explainer(views).for_output("dalpha"),
                 hints=_verified_with_probe(
                     dalpha, truth, _dalpha_hints(prelu_forward, a, alpha, dout, truth), probe),
                 context=f"for a batch of N = {n} examples")


def _dalpha_declared(a, alpha, dout, prelu_forward, da) -> dict:
    """What the explainer may refer to for dalpha: the sizes, and the right dalpha for the
    upstream gradient of one example (or all but one) only (`da`: the student's, of the same
    call, which a slip named for dalpha must also give)."""
    return {"sizes": dict(zip(("N", "H"), a.shape)),
            "circuit": forward_case(prelu_forward, {"a": a, "alpha": alpha},
                                    {"dalpha": "alpha"}, {0: ("dout", dout)},
                                    others={"da": ("a", da)}),
            # dalpha sums, over the examples, dout times the output's slope in alpha
            "contractions": {"dalpha": ("the output's slope in alpha",
                                        np.where(a <= 0, a, 0.0), "the upstream gradient dout",
                                        dout, "nh,nh->h")},
            "partials": partial_upstream(lambda g: {"dalpha": _numgrad(
                lambda v: prelu_forward(a, v)[0], alpha, g)}, dout, 0, "example")}


def _dalpha_hints(prelu_forward, a, alpha, dout, truth) -> list:
    n = a.shape[0]
    negative_dout = once(lambda: _negative_side(prelu_forward, a, dout).sum(axis=0))
    everywhere = (a * dout).sum(axis=0)                  # sum of a * dout over all inputs
    # sum of a * dout where a > 0: alpha's derivative for the mirrored input -a, negated
    positive_side = once(lambda: -_numgrad(lambda v: prelu_forward(-a, v)[0], alpha, dout))
    hints = [
        Hint(f"dalpha is averaged over the batch (divided by N = {n}). Every example adds its "
             "own contribution to alpha's gradient, so sum them; any 1/N of the loss is "
             "already inside dout.", looks_like(truth / n)),
        Hint("the mask is missing: you summed a * dout over every input, but alpha only acts "
             "where a <= 0 (where a > 0 the output is a, whatever alpha is).",
             looks_like(everywhere)),
        Hint("the factor `a` is missing: the output there is alpha * a, whose derivative "
             "with respect to alpha is a, so each contribution is a * dout (summed over the "
             "batch where a <= 0), not dout alone.", looks_like(negative_dout)),
        Hint("the upstream gradient is missing: each contribution is a * dout, not a.",
             looks_like(lambda: _numgrad(lambda v: prelu_forward(a, v)[0], alpha))),
        Hint("the mask is on the wrong side: alpha acts on the inputs a <= 0, not on the "
             "positive ones.", looks_like(positive_side)),
        Hint("you multiplied by alpha instead of by a: the derivative of alpha * a with "
             "respect to alpha is a.", looks_like(lambda: alpha * negative_dout())),
        Hint(PRELU_DALPHA_MASK_ON_OUTPUT, looks_like(np.where(alpha > 0, truth, 0.0))),
        Hint(PRELU_DALPHA_ALL_UNITS, looks_like(np.full(alpha.shape, truth.sum()))),
    ]
    return hints


def check_prelu_backward_flow(prelu_backward, prelu_forward, seed=0):
    """Units whose input is negative for every example still pass `alpha * dout`; a unit
    with alpha = 0 (a ReLU, dead on this batch) passes none, but its alpha gets a gradient,
    so it can learn its way back."""
    fn = "prelu_backward"
    rng = rng_for(seed, "prelu_backward_flow")
    n, h = _shape_nh(rng)
    a = random_array(rng, (n, h), kinks=(0.0,), margin=_MARGIN)
    alpha = _alphas(rng, h)
    stuck, pos, neg = (int(j) for j in rng.choice(h, 3, replace=False))
    a[:, [stuck, pos, neg]] = -np.abs(a[:, [stuck, pos, neg]])
    alpha[stuck], alpha[pos], alpha[neg] = 0.0, rng.uniform(0.1, 0.4), -rng.uniform(0.2, 0.8)
    dout = random_array(rng, (n, h), kinks=(0.0,), margin=_MARGIN)
    dout[:, stuck] = -np.abs(dout[:, stuck])   # a * dout > 0: its dalpha is far from 0

    cache, da, dalpha = _prelu_call(prelu_backward, prelu_forward, a, alpha, dout)
    da = _expect_gradient(fn, "da", da, (n, h))
    dalpha = _expect_dalpha_shape(fn, dalpha, n, h)
    true_da = _numgrad(lambda v: prelu_forward(v, alpha)[0], a, dout)
    true_dalpha = _numgrad(lambda v: prelu_forward(a, v)[0], alpha, dout)

    for j in (pos, neg):
        if np.any(da[:, j] == 0):
            i = int(np.argmax(da[:, j] == 0))
            raise CheckFailure(
                f"`{fn}`: unit {j} has a negative input for every example and alpha[{j}] = "
                f"{alpha[j]:.4g}, but da[{i}, {j}] is 0 although dout[{i}, {j}] is "
                f"{dout[i, j]:.6g}. A PReLU passes `alpha * dout` = "
                f"{alpha[j] * dout[i, j]:.6g} there (alpha may be negative): some gradient "
                "always flows through a unit whose alpha is not 0.")
        expect_close(fn, f"da[:, {j}]", da[:, j], true_da[:, j], cause=_PRELU_DA_CAUSE,
                     context=f"for unit {j}, negative for every example, alpha = "
                             f"{alpha[j]:.4g}")
    expect_close(fn, f"da[:, {stuck}]", da[:, stuck], true_da[:, stuck],
                 cause=_PRELU_DA_CAUSE,
                 context=f"for unit {stuck}, negative for every example with alpha = 0 "
                         "(it behaves like a dead ReLU, so da is 0 there)")
    if dalpha[stuck] == 0:
        raise CheckFailure(
            f"`{fn}`: unit {stuck} has a negative input for every example and alpha[{stuck}] "
            f"= 0, so it passes no gradient to a, like a dead ReLU. But alpha itself still "
            f"gets one: dalpha[{stuck}] should be the sum of a * dout over the batch = "
            f"{true_dalpha[stuck]:.6g}, and yours is 0. That gradient lets alpha move away "
            "from 0 and the unit come back; compute it from `a` and `dout`, not from alpha.")
    expect_close(fn, f"dalpha[{stuck}]", dalpha[stuck], true_dalpha[stuck],
                 cause=_PRELU_DALPHA_CAUSE,
                 context=f"for unit {stuck}, negative for every example with alpha = 0")


# ---------------------------------------------------------------- dead_neuron_fraction

def _unit(rng, role: str, X: np.ndarray):
    """Weights and bias of one unit with a known fate on the non-negative inputs X."""
    d = X.shape[1]
    if role == "killed":         # fires on every example without its bias; the bias kills it
        w = np.abs(rng.standard_normal(d)) + 0.1
        return w, -(np.max(X @ w) + rng.uniform(0.5, 2.0))
    if role == "zero":           # pre-activation exactly 0 everywhere: dead
        return np.zeros(d), 0.0
    if role == "single":         # positive for exactly one example: alive
        w = np.abs(rng.standard_normal(d)) + 0.1
        top = np.sort(X @ w)[-2:]
        return w, -(top[0] + top[1]) / 2
    if role == "rescued":        # negative on every example without its bias; the bias saves it
        w = -(np.abs(rng.standard_normal(d)) + 0.1)
        return w, -np.min(X @ w) + rng.uniform(0.5, 1.0)
    while True:                  # "mixed": positive on about half the examples
        w = rng.standard_normal(d)
        p = X @ w
        if np.max(p) > 0.1 and np.ptp(p) > 0.5:
            return w, -float(np.median(p))


def _layer(rng, signed: bool = False, killed_ends: bool = True):
    """X (N, D) >= 0 (like the outputs of an earlier ReLU layer), W (H, D), b (H,), and the
    true number of dead units. 3 units are killed by their bias and 1 is stuck at 0 (dead);
    1 is alive for a single example, 1 is kept alive by its bias, the rest are mixed; the
    first and the last unit are killed."""
    n, d = int(rng.integers(12, 20)), int(rng.integers(3, 6))
    X = np.abs(rng.standard_normal((n, d))) + 0.05
    if signed:                   # inputs of both signs: the weights' signs alone decide less
        X = X * rng.choice([-1.0, 1.0], size=X.shape)
    roles = ["killed"] * 3 + ["zero", "single", "rescued"] + ["mixed"] * int(rng.integers(3, 6))
    roles = [roles[i] for i in rng.permutation(len(roles))]
    # a killed unit first and last: a loop over the units that skips one end is wrong
    # here (and the unit stuck at 0 stays inside, where a slip about it is told apart)
    for end in (0, -1) if killed_ends else ():
        if roles[end] != "killed":
            k = next(i for i in range(1, len(roles) - 1) if roles[i] == "killed")
            roles[end], roles[k] = roles[k], roles[end]
    units = [_unit(rng, role, X) for role in roles]
    W = np.array([w for w, _ in units])
    b = np.array([bias for _, bias in units], dtype=np.float64)
    return X, W, b, roles


def _one_example_all_off(rng):
    """A layer with one example on which every unit is off (and units alive on the others):
    a fraction taken over the wrong axis is then not 0, so it is told from an answer of 0."""
    n, d, h = 8, 3, 6
    X = np.abs(rng.standard_normal((n, d))) + 0.05
    W = rng.standard_normal((h, d))
    b = rng.uniform(-0.5, 0.5, h)
    b = np.minimum(b, -(X[0] @ W.T) - 0.2)         # example 0: every unit off
    return X, W, b, None


DEAD_BY_WEIGHTS = ("dead units were judged by their weights (and bias), not by the data: a "
                   "unit is dead when its pre-activation X @ W.T + b is <= 0 for every "
                   "example. Weights alone don't decide it: with these inputs a unit with "
                   "negative weights can be kept alive by its bias, and one with positive "
                   "weights killed by a large negative bias.")


def _dead_hints(W, b, X) -> list:
    """(cause, what that mistake returns on the layer (W, b, X)) for each usual mistake."""
    h = W.shape[0]
    pre = X @ W.T + b
    off = pre <= 0
    n_dead = int(np.count_nonzero(np.all(off, axis=0)))
    truth = n_dead / h
    pairs = [
        ("a unit was counted as dead when its pre-activation is <= 0 for *any* example. "
         "It is dead only when it is <= 0 for *every* example: one example with a "
         "positive pre-activation keeps it alive (here one unit fires on a single "
         "example and must count as alive).",
         np.mean(np.any(off, axis=0))),
        ("the unit whose pre-activation is exactly 0 everywhere was counted as alive. "
         "Its ReLU output is 0 and its gradient is blocked on every example, so it is "
         "dead: test `<= 0`, not `< 0`.", np.mean(np.all(pre < 0, axis=0))),
        ("the bias is missing: the pre-activations are `X @ W.T + b`. A large negative "
         "bias can kill a unit whose weights alone would fire, and a positive one can "
         "keep a unit alive.", np.mean(np.all(X @ W.T <= 0, axis=0))),
        (f"this is the number of dead units ({n_dead}); return the fraction: divide by "
         f"the number of units H = {h}.", float(n_dead)),
        ("this is the fraction of *live* units; return the fraction of dead ones.",
         1.0 - truth),
        ("this averages over all (example, unit) pairs. The question is about units: a "
         "unit is dead when it is off for every example, so reduce over the examples "
         "first (`np.all(..., axis=0)`), then take the fraction of units.",
         np.mean(off)),
        ("the test ran over the wrong axis: the fraction of *examples* on which every "
         "unit is off. Rows of `X @ W.T + b` are examples, columns are units.",
         np.mean(np.all(off, axis=1))),
        (DEAD_BY_WEIGHTS, np.mean(np.all(W <= 0, axis=1))),
        (DEAD_BY_WEIGHTS, np.mean(np.all(W <= 0, axis=1) & (b <= 0))),
        (DEAD_BY_WEIGHTS, np.mean(W.sum(axis=1) + b <= 0)),
        (DEAD_BY_WEIGHTS, np.mean(b <= 0)),
    ]
    return pairs


def _pre_activations(W, b, X):
    """The trusted start of a dead-unit count, traced so that the student's variables can be
    judged against its values (the pre-activations, each unit's column)."""
    pre = X @ W.T + b
    return pre


def _dead_fraction(W, b, X) -> float:
    """The right fraction of dead units of a layer."""
    return float(np.mean(np.all(_pre_activations(W, b, X) <= 0, axis=0)))


def _call_dead(dead_neuron_fraction, W, b, X) -> float:
    return call_checked("dead_neuron_fraction", dead_neuron_fraction, (W, b, X),
                        {"the fraction": NUMBER})["the fraction"]


def check_dead_neuron_fraction(dead_neuron_fraction, seed=0):
    """A constructed layer: units killed by a large negative bias, a unit stuck at exactly 0
    (dead), a unit alive for a single example (alive), a unit kept alive by its bias.

    A fraction is one number, so it is also graded on four more layers (probes: one may be
    right by chance), and a wrong one is diagnosed on all five: a cause is named only when
    it predicts the answer on every layer."""
    fn = "dead_neuron_fraction"
    rng = rng_for(seed, "dead_neuron_fraction")
    X, W, b, roles = _layer(rng)
    h = len(roles)
    n_dead = sum(role in ("killed", "zero") for role in roles)
    truth = n_dead / h

    value = _call_dead(dead_neuron_fraction, W, b, X)

    layers = [(value, X, W, b)]

    def probes():
        prng = rng_for(seed, "dead_neuron_fraction_probe")
        cases = [(value, _dead_hints(W, b, X))]
        for signed in (False, True, True, None):
            # (the probes' ends as they fall: a slip at one end is told from one inside)
            pX, pW, pb, _ = _layer(prng, signed=signed, killed_ends=False) \
                if signed is not None else \
                _one_example_all_off(prng)
            got = _call_dead(dead_neuron_fraction, pW, pb, pX)
            cases.append((got, _dead_hints(pW, pb, pX)))
            layers.append((got, pX, pW, pb))
        # a cause is named when its prediction is the answer on every layer and is not 0
        # on every layer (a 0 answer is said as such; a prediction of 0 tells nothing)
        return [Hint(text, lambda _a, j=j: all(abs(got - pairs[j][1]) <= 1e-9
                                                for got, pairs in cases)
                     and any(pairs[j][1] != 0 for _, pairs in cases))
                for j, (text, _value) in enumerate(cases[0][1])]

    hints = []
    if abs(value - truth) > 1e-6 * max(abs(truth), 1e-12):
        try:
            hints = probes()
        except (StudentCodeError, CheckFailure):
            hints = []
    name = "the fraction of dead units"
    # the explainer on the four layers (a fraction scaled by a ratio of sizes, 1 minus it);
    # then the student's function on each kind of unit alone (a layer of one unit): which
    # kinds it judges right
    # (and the student's variables, against the pre-activations: see variables.py)
    explainer = Explainer(lambda: [
        View({name: np.float64(got)},
             {name: np.float64(_dead_fraction(lW, lb, lX))},
             sizes={"N": lX.shape[0], "H": lW.shape[0]},
             circuit=forward_case(_pre_activations, {"W": lW, "b": lb, "X": lX}, {}, {}),
             responses={"watch": watch_response(
                 lambda lX=lX, lW=lW, lb=lb: {name: np.float64(_call_dead(
                     dead_neuron_fraction, lW, lb, lX))})})
        for got, lX, lW, lb in layers],
        cases=lambda: _units_alone(dead_neuron_fraction, X, W, b, roles, name))
    cause = ("a unit is dead when its pre-activation `X @ W.T + b` is <= 0 for every "
             "example (every row); the fraction is taken over the units.")
    expect_close(fn, name, value, truth, hints=hints, explain=explainer.for_output(name),
                 context=f"for a layer of H = {h} units on N = {X.shape[0]} examples",
                 cause=cause)
    # the other layers are graded too: one number may be right on one layer by chance (the
    # biases replaced by their median, on some seeds)
    hints = probes()
    for got, lX, lW, lb in layers[1:]:
        expect_close(fn, name, got, _dead_fraction(lW, lb, lX),
                     hints=hints, explain=explainer.for_output(name), cause=cause,
                     context=f"for another layer, of H = {lW.shape[0]} units on N = "
                             f"{lX.shape[0]} examples")


_ROLE_WORDS = {"killed": "for a unit killed by a large negative bias",
               "zero": "for a unit whose pre-activation is exactly 0 on every example",
               "single": "for a unit alive on a single example",
               "rescued": "for a unit kept alive by its bias",
               "mixed": "for a unit alive on some of the examples"}


def _units_alone(dead_neuron_fraction, X, W, b, roles, name) -> list:
    """One view per kind of unit: the student's fraction for a layer of that unit alone
    (0 or 1), labelled with the kind (the explainer's case extent says which kinds it judges
    right); none when a call fails."""
    views, seen = [], set()
    for i, role in enumerate(roles):
        if role in seen:
            continue
        seen.add(role)
        try:
            got = _call_dead(dead_neuron_fraction, W[i:i + 1].copy(), b[i:i + 1].copy(),
                             X.copy())
        except (StudentCodeError, CheckFailure):
            return []
        truth = float(np.all(X @ W[i] + b[i] <= 0))
        said = ("" if abs(got - truth) <= 1e-9 else
                ", which yours counts as dead (it is alive)" if got == 1 else
                ", which yours counts as alive (it is dead)" if got == 0 else
                f", where yours gives {float(got):.4g} for this one unit")
        views.append(View({name: np.float64(got)}, {name: np.float64(truth)},
                          label=_ROLE_WORDS[role] + said))
    return views


# ---------------------------------------------------------------- predictions

def dead_at_bias_truth(bias: float = -2.0) -> int:
    """How many of the notebook's 100 initial units (seed 2, Gaussian weights times
    sqrt(2/D)) are dead on its spiral data (100 points per arm, seed 0) at an initial bias."""
    rng = np.random.default_rng(0)
    X = np.zeros((300, 2))
    for c in range(3):
        radius = np.linspace(0.05, 1.0, 100)
        angle = np.linspace(4.0 * c, 4.0 * (c + 1), 100) + 0.2 * rng.standard_normal(100)
        X[c * 100:(c + 1) * 100] = np.column_stack([radius * np.sin(angle),
                                                    radius * np.cos(angle)])
    W = np.random.default_rng(2).standard_normal((100, 2)) * np.sqrt(2.0 / 2)
    return int(np.sum(np.all(X @ W.T + bias <= 0, axis=0)))


def check_predict_dead_units(predict_dead_units, seed=0):
    """The first experiment's prediction: dead units of 100 at bias -2, within 15."""
    from .core import expect_prediction
    expect_prediction("predict_dead_units", predict_dead_units, dead_at_bias_truth(-2.0),
                      what="units of the 100 dead before training at initial bias -2",
                      abs_tol=15)


# Every check of a backward pass also asks for chain-rule exactness (no finite differences).
from .exactness import guard_backprop  # noqa: E402

guard_backprop(globals())

# Last, once every check is defined: in a notebook each one prints a line when it passes.
from .core import announce_passes  # noqa: E402

announce_passes(globals())
