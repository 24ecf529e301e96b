"""Checks for the `sigmoid` assignment: `sigmoid_layer_backward` and `saturated_fraction`.

Ground truth comes from the given forward passes and numerical derivatives, never from a
reference backward pass. The references are complex-step derivatives (exact to rounding, also
where gradients are ~1e-13 and centered differences keep no digit) of a complex-friendly
formulation of the same function, sigmoid(a) = (1 + tanh(a / 2)) / 2. Every check first ties
that formulation to the given forward it was passed: same values on the same inputs, and in
the ordinary gradient check, agreement with centered differences of the given forward.

Usual mistakes are recognised by building what they produce from the same trusted pieces: the
derivative of the linear part `W @ x` weighted by a wrong local gradient, the layer's gradient
with the upstream gradient replaced by ones, the fraction over the wrong denominator, ...
"""
from __future__ import annotations

import numpy as np

from .circuit import forward_case
from .explain import (Explainer, Inner, Layout, Local, Quantity, View, case_extent, find,
                      changed_row, example_responses, finding_line, partial_upstream,
                      share_alternatives, upstream_responses, watch_response)
from .core import (
    CS_STEP, NUMBER, Activation, Cause, CheckFailure, Hint, StudentCodeError,
    activation_slips, call_checked, complex_step_gradient, expect_close, expect_efficient,
    input_gradients, looks_like,
    named_cause_ids, numerical_gradient, on_every_case, once, outputs_by_name, random_array,
    relative_error, rng_for,
)

BACKWARD = "sigmoid_layer_backward"
FRACTION = "saturated_fraction"

# ---------------------------------------------------------------- usual mistakes, by name

NO_LOCAL = ("the sigmoid's local gradient is missing: dz went straight into the W @ x part. "
            "Without the local gradient every gradient is 1 / (z(1 - z)) times too big, a "
            "factor near 4 when the weights are small.")
AT_Z = ("the derivative is taken at the output z instead of at the pre-activation a = W @ x: "
        "sigmoid(z) * (1 - sigmoid(z)) applies the sigmoid twice. The cache already holds "
        "z = sigmoid(a), so the local gradient is simply z * (1 - z).")
UPSTREAM_IGNORED = ("the upstream gradient dz is ignored: your answer is the gradient of "
                    "sum(z), as if dz were all ones. The chain rule multiplies the local "
                    "gradient by dz.")
Z_ALONE = ("the local gradient is z (or 1 - z) alone: the sigmoid's derivative is the "
           "product z * (1 - z).")
FROM_A = ("the local gradient was computed from the pre-activation a = W @ x as "
          "a * (1 - a); the formula s * (1 - s) needs s = sigmoid(a), which is z, the "
          "output in the cache: z * (1 - z).")
# float32 arithmetic is one mistake whichever check sees it (the others name it by
# core.FLOAT32_TRACE): one id; returning zeros likewise, saturated case or not.
FLOAT32_LOCAL = Cause("the local gradient was computed in float32: z rounded to float32 is "
                      "exactly 1.0 once a > 17, so z * (1 - z) becomes 0 (and loses most "
                      "digits before that). Compute z * (1 - z) in float64 from the cached z.",
                      "float32_precision")
ZEROED_SMALL = ("the smallest local gradients were set to exactly 0 (rounded, clipped or "
                "thresholded), the others are right: in the saturated regime the gradient is "
                "tiny but still has to be right. Compute z * (1 - z) from the cached z, in "
                "float64, and let the numbers be small.")
ALL_ZERO = Cause("your gradient is exactly zero, but here the true gradient is tiny, not "
                 "zero. Don't round, clip or threshold small values: compute z * (1 - z) from "
                 "the cached z and let the numbers be small.", "zero_gradient")
NOTHING = Cause("your gradient is exactly zero everywhere: nothing flowed back. Is the "
                "array you return a placeholder (np.zeros) that is never filled in?",
                "zero_gradient")
TITLES = {"zero_gradient": "a gradient that is exactly zero",
          "float32_precision": "computed in float32",
          "fraction_over_examples": "the fraction taken over the examples, not the pairs",
          "fraction_over_units": "the fraction taken over the units, not the pairs",
          "only_stuck_near_0_counted": "only units stuck near 0 counted as saturated",
          "only_stuck_near_1_counted": "only units stuck near 1 counted as saturated"}
TINY = ("in the saturated regime the gradient is tiny but still has to be right. Compute the "
        "local gradient as z * (1 - z) from the cached z, in float64, with no rounding, "
        "clipping or thresholding of small values.")
IN_PLACE_DZ = ("`{fn}` modified dz, its upstream gradient, in place (for example "
               "`dz *= z * (1 - z)`). The caller still needs dz: the numbers you return may be "
               "right, but the next layer or the optimizer would see a corrupted upstream "
               "gradient. Build the result as a new array instead of `*=` into dz.")
IN_PLACE_CACHE = ("`{fn}` modified {name} in the cache in place. The cache belongs to the "
                  "forward pass and may be used again (another backward call, a second loss): "
                  "compute new arrays (`z * (1 - z)`, `W.T @ ...`) instead of `*=`, `-=` or "
                  "slice assignment into cached arrays.")


# ---------------------------------------------------------------- trusted pieces

def _sigmoid_c(a):
    """The sigmoid written so the complex step works: (1 + tanh(a / 2)) / 2."""
    return 0.5 * (1.0 + np.tanh(0.5 * a))


def _saturation_values(W, X):
    """The trusted start of a saturation count, traced so that the student's variables can
    be judged against its values (z and its local gradient, each (N, H); `_sigmoid_c` is
    one logistic gate there)."""
    z = _sigmoid_c(X @ W.T)
    local = z * (1.0 - z)
    return local


def _local_gradient(a) -> np.ndarray:
    """sigma'(a), elementwise, by the complex step on `_sigmoid_c`: exact even where tiny."""
    a = np.asarray(a, dtype=np.float64)
    return np.imag(_sigmoid_c(a + 1j * CS_STEP)) / CS_STEP


def _expect_same_sigmoid(z_given, a, what: str) -> None:
    """The complex-step formulation must compute what the given forward computes."""
    z_given = np.asarray(z_given, dtype=np.float64)
    if z_given.shape != np.shape(a) or not np.allclose(z_given, _sigmoid_c(a), rtol=0,
                                                        atol=1e-12):
        raise CheckFailure(f"The given `{what}` no longer computes sigmoid(W @ x): its cell was "
                           "changed or redefined. Restore the given cell and run it again.")


def _linear_gradients(W, x, weight):
    """Numerical gradients (dx, dW) of sum(weight * (W @ x)).

    This is what a backward pass returns when its local gradient, times dz, is `weight`:
    the building block of every usual-mistake candidate.
    """
    dx = numerical_gradient(lambda v: W @ v, np.array(x), weight)
    dW = numerical_gradient(lambda M: M @ x, np.array(W), weight)
    return dx, dW


def _well_conditioned(grad, ratio=0.05) -> bool:
    """No entry far smaller than the largest: a small entry of dx is a near-cancellation of
    larger terms, where correct code (whose z * (1 - z) is rounded) loses relative digits."""
    grad = np.abs(grad)
    return bool(np.min(grad) >= ratio * np.max(grad))


def _backward_outputs(fn, dz, cache):
    """(dx, dW) from the student's function, with the shapes and types checked; a modified
    argument is reported by name."""
    H, D = cache[0].shape

    def screen(raw):
        dx, dW = raw["dx"], raw["dW"]
        if isinstance(dW, np.ndarray) and dW.shape == (D, H):
            raise CheckFailure(
                f"`{BACKWARD}`: dW has shape {dW.shape}, expected {(H, D)}, the shape of W. "
                "Likely cause: dW is transposed. Entry dW[i, j] belongs to W[i, j], which "
                "connects input j to unit i: its row index is the unit's, its column "
                "index the input's.")
        if isinstance(dx, np.ndarray) and dx.shape == (H,):
            raise CheckFailure(
                f"`{BACKWARD}`: dx has shape {dx.shape}, expected {(D,)}, the shape of x. "
                "An (H,) vector is a gradient on the units (on a or z), not on the input: "
                "carry it back through W @ x.")

    def in_place(i, where):
        if i == 0:
            return IN_PLACE_DZ.format(fn=BACKWARD)
        index = where[1:].split("]")[0]
        return IN_PLACE_CACHE.format(fn=BACKWARD, name=("W", "x", "z")[int(index)]) \
            if index.isdigit() and int(index) < 3 else None
    out = call_checked(BACKWARD, fn, (dz, cache), {"dx": (D,), "dW": (H, D)}, screen=screen,
                       in_place=in_place)
    return out["dx"], out["dW"]


def _mistake_hints(W, x, z, dz, sigmoid_fn, saturated=False) -> dict:
    """Hints for dx and for dW, by name: each usual mistake's answer, built from trusted
    pieces when a hint is first asked (only for a wrong answer). The slips at the activation
    are the check library's (core.activation_slips), carried back through W @ x."""
    def through_linear(weight):
        return once(lambda: _linear_gradients(W, x, weight()))
    slips = activation_slips(Activation(sigmoid_fn, _local_gradient), W @ x, dz, out=z,
                             through=lambda g: _linear_gradients(W, x, g))
    candidates = [
        (NO_LOCAL, slips["slope_missing"]),
        (AT_Z, slips["slope_at_output"]),
        (UPSTREAM_IGNORED, slips["upstream_missing"]),
        (Z_ALONE, slips["value_as_slope"]),
        (Z_ALONE, through_linear(lambda: dz * (1.0 - z))),
        (FROM_A, through_linear(lambda: dz * (W @ x) * (1.0 - W @ x))),
    ]
    if saturated:
        z32 = np.asarray(z, dtype=np.float32)
        candidates += [
            (FLOAT32_LOCAL, through_linear(
                lambda: dz * (z32 * (np.float32(1) - z32)).astype(np.float64))),
            (FLOAT32_LOCAL, through_linear(
                lambda: dz * z32.astype(np.float64) * (1.0 - z32.astype(np.float64)))),
        ]
    hints = {name: [Hint(cause, looks_like(lambda make=make, k=k: make()[k]))
                    for cause, make in candidates]
             for k, name in enumerate(("dx", "dW"))}
    if saturated:     # the units below some cut zeroed, those above it right
        def make_zeroed():
            local = _local_gradient(W @ x)
            return [_linear_gradients(W, x, dz * np.where(local < c, 0.0, local))
                    for c in np.sort(local)[1:]]
        zeroed = once(make_zeroed)
        for k, name in enumerate(("dx", "dW")):
            # exact to rounding: finite differences also lose the tiny entries, but they are
            # off by about 1e-6 on the others, and must not be counted as zeroed values
            hints[name].append(Hint(ZEROED_SMALL, lambda a, k=k: any(
                looks_like(g[k], tol=1e-9)(a) for g in zeroed())))
    zero = Hint(ALL_ZERO if saturated else NOTHING, lambda actual: not np.any(actual))
    return {name: [zero] + h for name, h in hints.items()}


# ---------------------------------------------------------------- sigmoid_layer_backward

def _expect_same_gradient(sigmoid_layer_forward, W, x, dz, true_dx, true_dW):
    """The complex-step reference must be the gradient of the given forward: compare it with
    centered differences of that forward (which are good to about 1e-7 here)."""
    num_dx = numerical_gradient(lambda v: sigmoid_layer_forward(W, v)[0], np.array(x), dz)
    num_dW = numerical_gradient(lambda M: sigmoid_layer_forward(M, x)[0], np.array(W), dz)
    for num, true in ((num_dx, true_dx), (num_dW, true_dW)):
        if float(np.max(relative_error(num, true), initial=0.0)) > 1e-5:
            raise CheckFailure("The given `sigmoid_layer_forward` no longer computes "
                               "sigmoid(W @ x): its cell was changed or redefined. Restore the "
                               "given cell and run it again.")


def _draw_case(rng, H, draw_layer):
    """W and x from `draw_layer()`, a random dz, and the true dx and dW (complex step).

    Redrawn until no entry of dx comes from a near-cancellation, which would make a correct
    answer's relative error meaningless.
    """
    for _ in range(100):
        W, x = draw_layer()
        dz = random_array(rng, (H,), kinks=(0.0,), margin=0.3)
        true_dx = complex_step_gradient(lambda v: _sigmoid_c(W @ v), x, dz)
        if _well_conditioned(true_dx):
            break
    true_dW = complex_step_gradient(lambda M: _sigmoid_c(M @ x), W, dz)
    return W, x, dz, true_dx, true_dW


def check_sigmoid_layer_backward(student_fn, sigmoid_layer_forward, seed=0):
    """dx and dW on two non-square layers, with a random upstream gradient.

    One layer has small weights (local gradients near their 0.25 ceiling), one moderate
    weights. The reference is the complex step, confirmed against centered differences of the
    given forward; dz and the cache must be unchanged.
    """
    rng = rng_for(seed, "check_sigmoid_layer_backward")
    cases = [("with small weights", 5, 3, 0.1), ("with moderate weights", 3, 7, 0.8)]
    runs = []
    for context, H, D, scale in cases:
        W, x, dz, true_dx, true_dW = _draw_case(rng, H, lambda: (
            random_array(rng, (H, D), scale=scale),
            random_array(rng, (D,), kinks=(0.0,), margin=0.3)))
        z, cache = sigmoid_layer_forward(W, x)
        z = np.asarray(z, dtype=np.float64)
        _expect_same_sigmoid(z, W @ x, "sigmoid_layer_forward")
        _expect_same_gradient(sigmoid_layer_forward, W, x, dz, true_dx, true_dW)
        context = f"{context} (W of shape {(H, D)})"

        dx, dW = _backward_outputs(student_fn, dz, cache)

        runs.append((dx, dW, true_dx, true_dW, context,
                     (W, x, z, dz, _given_sigmoid_of(sigmoid_layer_forward))))
    # a cause is named only when it gives the student's answer on both layers
    def responses(W, x, dz):
        """The student's backward called again with dz zero, doubled and one unit alone."""
        def call(up):
            _, cache = sigmoid_layer_forward(W.copy(), x.copy())
            got = _backward_outputs(student_fn, up["dz"], cache)
            return {"dx": got[0], "dW": got[1]}
        def truth_for(up):
            return {"dx": complex_step_gradient(lambda v: _sigmoid_c(W @ v), x, up["dz"]),
                    "dW": complex_step_gradient(lambda M: _sigmoid_c(M @ x), W, up["dz"])}
        # one unit's upstream gradient changed: the right dW changes in that unit's row only
        return {**upstream_responses(call, truth_for, {"dz": dz}),
                **example_responses(lambda j: call({"dz": changed_row(dz[:, None], j)[:, 0]}),
                                    lambda j: truth_for({"dz": changed_row(dz[:, None],
                                                                           j)[:, 0]}),
                                    dz.shape[0], "upstream gradient dz", "unit")}
    def views():
        return [View({"dx": r[0], "dW": r[1]}, {"dx": r[2], "dW": r[3]},
                     **_layer_declared(*r[5][:4]), responses=responses(*r[5][:2], r[5][3]),
                     circuit=_layer_circuit(sigmoid_layer_forward, *r[5][:2], r[5][3]))
                for r in runs] + _layer_probe(student_fn, sigmoid_layer_forward,
                                              rng_for(seed, "sigmoid_layer_probe"), responses)
    explainer = Explainer(views, Layout(axes={"dW": {0: "unit"}, "da": {1: "unit"},
                                              "da (from dx)": {0: "unit"}}))
    for dx, dW, true_dx, true_dW, context, _ in runs:
        if looks_like(true_dx, 1e-6)(dx) and looks_like(true_dW, 1e-6)(dW):
            continue
        built = [(r[0], r[1], _layer_mistake_hints(*r[5])) for r in runs]
        expect_close(BACKWARD, "dx", dx, true_dx, context=context,
                     hints=on_every_case([(b[0], b[2]["dx"]) for b in built]),
                     cause="check how the gradient on a = W @ x reaches x.",
                     explain=explainer.for_output("dx"))
        expect_close(BACKWARD, "dW", dW, true_dW, context=context,
                     hints=on_every_case([(b[1], b[2]["dW"]) for b in built]),
                     cause="check how the gradient on a = W @ x reaches W.",
                     explain=explainer.for_output("dW"))


def _layer_probe(student_fn, sigmoid_layer_forward, rng, responses) -> list:
    """One more layer for the explainer alone, with fewer units than inputs (H < D), so
    that the gradient on the pre-activations can be read back from the student's dx too
    (the graded layers have it only from dW when H > D); [] when the call fails."""
    H, D = 4, 6
    W, x, dz, true_dx, true_dW = _draw_case(rng, H, lambda: (
        random_array(rng, (H, D), scale=0.5), random_array(rng, (D,), kinks=(0.0,), margin=0.3)))
    try:
        z, cache = sigmoid_layer_forward(W, x)
        dx, dW = _backward_outputs(student_fn, dz, cache)
    except (StudentCodeError, CheckFailure):
        return []
    z = np.asarray(z, dtype=np.float64)
    return [View({"dx": dx, "dW": dW}, {"dx": true_dx, "dW": true_dW},
                 **_layer_declared(W, x, z, dz), responses=responses(W, x, dz),
                 circuit=_layer_circuit(sigmoid_layer_forward, W, x, dz))]


def _layer_circuit(sigmoid_layer_forward, W, x, dz):
    """The layer's trusted forward as a circuit (explain.View.circuit)."""
    return forward_case(sigmoid_layer_forward, {"W": W, "x": x}, {"dx": "x", "dW": "W"},
                        {0: ("dz", dz)}, gates={"sigmoid": "logistic"})


def _layer_declared(W, x, z, dz) -> dict:
    """What the explainer may refer to in one layer: sizes, the upstream gradient, the
    input, and the sigmoid's local derivative spread over each unit's row of dW."""
    H, D = W.shape
    local = z * (1 - z)

    def grads(da):
        return {"dx": W.T @ da, "dW": np.outer(da, x)}
    row = {"dz": Quantity(dz[None, :], "the upstream gradient dz", "upstream"),
           "local": Quantity(local[None, :], "the sigmoid's local derivative z*(1-z)",
                             "local-derivative"),
           "z": Quantity(z[None, :], "the sigmoid's output z", "output"),
           "1-z": Quantity(1 - z[None, :], "(1 - z)", "complement")}
    column = {k: Quantity(q.value.T, q.label, q.kind) for k, q in row.items()}
    return {"inner": {"da": Inner("the gradient on the pre-activations (one entry per unit)",
                                  (dz * local)[None, :], [("dW", x[None, :], True)], row),
                      # the same, read back from dx = W.T @ da (when H <= D)
                      "da (from dx)": Inner("the gradient on the pre-activations (one entry "
                                            "per unit)", (dz * local)[:, None],
                                            [("dx", W, True)], column)},
            "locals": {"sigmoid": Local("the sigmoid's local derivative of each unit",
                                        "logistic", lambda v: grads(dz * v), y=z, y_name="z")},
            "partials": partial_upstream(lambda g: grads(g * local), dz, 0, "unit"),
            "sizes": {"H": H, "D": D},
            "contractions": {"dx": ("the weights W", W, "the gradient on the pre-activations",
                                    dz * local, "hd,h->d")},
            "quantities": {"dz": Quantity(dz, "the upstream gradient dz", "upstream"),
                           "x": Quantity(x, "the input x", "input"),
                           "W": Quantity(W, "the weights W", "weights"),
                           "local": Quantity(np.broadcast_to(local[:, None], (H, D)),
                                             "the sigmoid's local derivative of each unit",
                                             "local-derivative"),
                           "z": Quantity(np.broadcast_to(z[:, None], (H, D)),
                                         "the sigmoid's output z of each unit", "output")}}


def _layer_mistake_hints(W, x, z, dz, sigmoid_fn):
    return _mistake_hints(W, x, z, dz, sigmoid_fn)


def _given_sigmoid_of(sigmoid_layer_forward):
    """The sigmoid itself, through the given layer forward: sigmoid(v) = forward(I, v)[0]."""
    def sigmoid_fn(v):
        v = np.asarray(v, dtype=np.float64)
        return np.asarray(sigmoid_layer_forward(np.eye(v.size), v.ravel())[0],
                          dtype=np.float64).reshape(v.shape)
    return sigmoid_fn


def _saturated_layer(rng, H, D):
    """Large weights and an input whose pre-activations are all saturated, of both signs.

    Positive pre-activations lie in [11, 16] and negative ones in [-30, -14]: local gradients
    from 2e-5 down to 1e-13, all still computable as z * (1 - z) to 1e-9 or better (for
    positive a, 1 - z loses about 1e-16 / (1 - z) of its relative precision when z is stored).
    """
    signs = np.array([1.0, -1.0] * (H // 2) + [1.0] * (H % 2))
    rng.shuffle(signs)
    a = np.where(signs > 0, rng.uniform(11.0, 16.0, H), -rng.uniform(14.0, 30.0, H))
    x = random_array(rng, (D,), kinks=(0.0,), margin=0.3)
    W0 = random_array(rng, (H, D), scale=20.0)
    W = W0 + np.outer(a - W0 @ x, x) / (x @ x)
    return W, x


def check_sigmoid_layer_backward_saturated(student_fn, sigmoid_layer_forward, seed=0):
    """Large weights, every unit saturated: the gradients are tiny and must still be right.

    Ground truth is the complex step (exact to rounding); dW is compared unit by unit, so a
    row of size 1e-13 is held to the same relative tolerance as a row of size 1e-5, and an
    answer of zeros fails.
    """
    rng = rng_for(seed, "check_sigmoid_layer_backward_saturated")
    H, D = 6, 4
    W, x, dz, true_dx, true_dW = _draw_case(rng, H, lambda: _saturated_layer(rng, H, D))
    z, cache = sigmoid_layer_forward(W, x)
    z = np.asarray(z, dtype=np.float64)
    a = W @ x
    _expect_same_sigmoid(z, a, "sigmoid_layer_forward")

    dx, dW = _backward_outputs(student_fn, dz, cache)

    hints = _saturated_hints(W, x, z, dz, sigmoid_layer_forward)
    hints_dx, hints_dW = hints["dx"], hints["dW"]
    if not (looks_like(true_dx, 1e-6)(dx) and looks_like(true_dW, 1e-6)(dW)):
        # a cause is named only when it also gives the answer on a second saturated layer
        # and on a moderate one
        try:
            prng = rng_for(seed, "check_sigmoid_layer_backward_saturated_probe")
            pW, px, pdz, _, _ = _draw_case(prng, H, lambda: _saturated_layer(prng, H, D))
            pz, pcache = sigmoid_layer_forward(pW, px)
            pdx, pdW = _backward_outputs(student_fn, pdz, pcache)
            probed = _saturated_hints(pW, px, np.asarray(pz, dtype=np.float64), pdz,
                                      sigmoid_layer_forward)
            # and on a layer that is not saturated, where z(1 - z) is not ~0: there a slip
            # that only comes near a mistake's answer because every local gradient is tiny
            # (dz + z(1 - z) next to dz alone) no longer does
            # (a slip of the saturated regime alone, such as small values set to 0, leaves
            # the moderate layer right: there a right answer keeps the cause)
            mW, mx, mdz, mtrue_dx, mtrue_dW = _draw_case(prng, H, lambda: (
                random_array(prng, (H, D), scale=0.8),
                random_array(prng, (D,), kinks=(0.0,), margin=0.3)))
            mz, mcache = sigmoid_layer_forward(mW, mx)
            mdx, mdW = _backward_outputs(student_fn, mdz, mcache)
            mhints = _saturated_hints(mW, mx, np.asarray(mz, dtype=np.float64), mdz,
                                      sigmoid_layer_forward)
            moderate = {
                name: [Hint(h.cause, lambda a, h=h, t=true: looks_like(t, 1e-6)(a)
                            or h.matches(a)) for h in mhints[name]]
                for name, true in (("dx", mtrue_dx), ("dW", mtrue_dW))}
            hints_dx = on_every_case([(dx, hints_dx), (pdx, probed["dx"]),
                                      (mdx, moderate["dx"])])
            hints_dW = on_every_case([(dW, hints_dW), (pdW, probed["dW"]),
                                      (mdW, moderate["dW"])])
        except (StudentCodeError, CheckFailure):
            hints_dx, hints_dW = [], []
    context = (f"with large weights (W of shape {(H, D)}, every unit saturated: pre-activations "
               f"from {a.min():+.1f} to {a.max():+.1f}, true gradients between "
               f"{np.abs(true_dW).min():.0e} and {np.abs(true_dW).max():.0e})")
    expect_close(BACKWARD, "dx", dx, true_dx, hints=hints_dx, context=context, cause=TINY)
    expect_close(BACKWARD, "dW", dW, true_dW, hints=hints_dW, context=context, cause=TINY)
    for i in range(H):
        expect_close(BACKWARD, f"dW[{i}]", dW[i], true_dW[i], cause=TINY,
                     context=(f"for unit {i} (pre-activation {a[i]:+.1f}, true entries of "
                              f"size {np.abs(true_dW[i]).max():.1e})"))


def _saturated_hints(W, x, z, dz, sigmoid_layer_forward):
    return _mistake_hints(W, x, z, dz, _given_sigmoid_of(sigmoid_layer_forward),
                          saturated=True)


# ---------------------------------------------------------------- saturated_fraction

def _pairs(rng, A, D, scale=1.5):
    """W (H, D) and X (N, D) with X @ W.T equal to the chosen pre-activations A (N, H)."""
    N, H = A.shape
    W = random_array(rng, (H, D), scale=scale)
    X = A @ np.linalg.pinv(W).T
    return W, X


def _call_fraction(fn, W, X, **kw):
    def screen(raw):
        result = raw["the fraction"]
        if isinstance(result, np.ndarray) and result.size > 1:
            raise CheckFailure(
                f"`{FRACTION}` returned an array of shape {result.shape}; it must return one "
                "number: the fraction over all N * H (example, unit) pairs together, e.g. "
                "`float(np.mean(...))` over the whole (N, H) array.")
    def in_place(i, _where):
        name = ("W", "X")[i] if i < 2 else None
        return None if name is None else (
            f"`{FRACTION}` modified its argument {name} in place. The caller's "
            f"{name} is changed after the call; a diagnostic must only look. Compute "
            "new arrays (`X @ W.T`, `Z * (1 - Z)`) instead of `+=`, `-=`, `*=` or "
            "slice assignment into W or X.")
    return call_checked(FRACTION, fn, (W, X), {"the fraction": NUMBER}, kwargs=kw,
                        screen=screen, in_place=in_place)["the fraction"]


def _expect_fraction(fn, W, X, tol, context, sigmoid, extra_hints=(), pass_tol=True,
                     runs=None):
    """Compare with the exact fraction; pairs within 1e-9 (relative) of tol may go either way.

    With `runs` (a list), the case is only recorded there; `_fraction_verdict(runs)` then
    judges every case together, so that a cause is named only when it fits all of them."""
    A = X @ W.T
    N, H = A.shape
    s = _local_gradient(A)
    _expect_same_sigmoid(sigmoid(A), A, "sigmoid")
    lo = int(np.count_nonzero(s < tol * (1 - 1e-9)))
    hi = int(np.count_nonzero(s < tol * (1 + 1e-9)))
    frac = _call_fraction(fn, W, X, tol=tol) if pass_tol else _call_fraction(fn, W, X)
    total = N * H
    k = lo
    expected = k / total
    z = np.asarray(sigmoid(A), dtype=np.float64)
    candidates = [
        *extra_hints,
        ("the fraction is 0: no pair was counted as saturated. Two slips give exactly 0: "
         "applying the sigmoid twice (with z = sigmoid(X @ W.T), the local gradient is "
         "z * (1 - z), not sigmoid(z) * (1 - sigmoid(z)), which is never below 0.19), and "
         "an integer division (`//`) of the count by the number of pairs.",
         float(np.mean(_local_gradient(z) < tol))),
        ("the comparison is the wrong way round: that is the fraction of healthy pairs "
         "(local gradient at or above tol).", 1.0 - expected),
        (f"that is the number of saturated pairs, not their fraction: divide by N * H = "
         f"{total}.", float(k)),
        (Cause(f"wrong denominator: the fraction is over all N * H = {total} pairs, not over "
               f"the N = {N} examples.", "fraction_over_examples"), k / N),
        (Cause(f"wrong denominator: the fraction is over all N * H = {total} pairs, not over "
               f"the H = {H} units.", "fraction_over_units"), k / H),
        ("the local gradient was computed from the pre-activation a as a * (1 - a); "
         "it is z * (1 - z) with z = sigmoid(a).",
         float(np.mean(A * (1.0 - A) < tol))),
        (Cause("only units stuck near 0 were counted: a unit stuck near 1 is saturated too, "
               "and z * (1 - z) catches both.", "only_stuck_near_0_counted"),
         float(np.mean(z < tol))),
        (Cause("only units stuck near 1 were counted: a unit stuck near 0 is saturated too, "
               "and z * (1 - z) catches both.", "only_stuck_near_1_counted"),
         float(np.mean(1.0 - z < tol))),
        (SATURATED_UNITS, float(np.mean(np.all(s < tol, axis=0)))),
        (SATURATED_UNITS_ANY, float(np.mean(np.any(s < tol, axis=0)))),
        (SATURATED_EXAMPLES, float(np.mean(np.all(s < tol, axis=1)))),
    ]
    record = dict(frac=frac, lo=lo, hi=hi, total=total, k=k, expected=expected, N=N, H=H,
                  D=W.shape[1], tol=tol, context=context, candidates=candidates,
                  flags=s < tol * (1 - 1e-9), W=W, X=X,
                  call=lambda: {"fraction": np.float64(
                      _call_fraction(fn, W, X, tol=tol) if pass_tol else
                      _call_fraction(fn, W, X))})
    if runs is None:
        _fraction_verdict([record])
    else:
        runs.append(record)
    return frac


SATURATED_UNITS = ("units were counted, each as saturated when it is saturated on every "
                   "example: the fraction is over (example, unit) pairs, each pair counted "
                   "on its own: np.mean(z * (1 - z) < tol) over the whole (N, H) array.")
SATURATED_UNITS_ANY = ("units were counted, each as saturated when it is saturated on some "
                       "example: the fraction is over (example, unit) pairs, each pair "
                       "counted on its own.")
SATURATED_EXAMPLES = ("examples were counted, each as saturated when every unit is: the "
                      "fraction is over (example, unit) pairs, each pair counted on its own.")


def _fraction_right(r, value) -> bool:
    return r["lo"] / r["total"] - 1e-12 <= value <= r["hi"] / r["total"] + 1e-12


def _fraction_finding(runs):
    """The difference explainer on the cases where the fraction is wrong and not 0 (a scale
    by a ratio of the sizes: a count over the wrong number of pairs)."""
    views = [View({"fraction": np.float64(r["frac"])}, {"fraction": np.float64(r["expected"])},
                  sizes={"N": r["N"], "H": r["H"], "D": r["D"], "N*H": r["total"]},
                  alternatives=share_alternatives(r["flags"], counted="the saturated pairs",
                                                  others="the healthy ones"))
             for r in runs if r["expected"] > 0 and not _fraction_right(r, r["frac"])]
    try:
        return find("fraction", views) or _fraction_variable(runs) or case_extent(
            [r["context"] for r in runs if _fraction_right(r, r["frac"])],
            [r["context"] for r in runs if not _fraction_right(r, r["frac"])])
    except Exception:           # the explainer never breaks a check
        return None


def _fraction_variable(runs):
    """The student's variable that holds the slip (see variables.py), judged against the
    traced z and local gradient on the cases where the fraction is wrong."""
    views = [View({"fraction": np.float64(r["frac"])}, {"fraction": np.float64(r["expected"])},
                  circuit=forward_case(_saturation_values, {"W": r["W"], "X": r["X"]}, {}, {},
                                       gates={"_sigmoid_c": "logistic"}),
                  responses={"watch": watch_response(r["call"])})
             for r in runs if not _fraction_right(r, r["frac"])]
    return Explainer(views).variable_finding()


def _fraction_verdict(runs) -> None:
    """Fail on the first wrong case; name a cause only when its value is the student's
    answer on every case (a case where the cause has no value: the student is right)."""
    for r in runs:
        if _fraction_right(r, r["frac"]):
            continue

        def fits(cause, run):
            values = [v for c, v in run["candidates"] if c == cause]
            if not values:
                return _fraction_right(run, run["frac"])
            return any(abs(run["frac"] - v) <= 1e-9 for v in values)
        def tells(cause, run):
            """The cause's value differs from the right answer here and is the student's."""
            return any(abs(run["frac"] - v) <= 1e-9 and not
                       run["lo"] <= v * run["total"] <= run["hi"]
                       for c, v in run["candidates"] if c == cause)
        def varies(cause):
            """A cause whose value is one number on every case (0 whatever the pairs) cannot
            be told from any other slip that gives that number: it is never named."""
            values = [v for run in runs for c, v in run["candidates"] if c == cause]
            return len(values) > 1 and max(values) - min(values) > 1e-12
        matched = []
        for cause, value in r["candidates"]:
            if (abs(r["frac"] - value) <= 1e-9 and not r["lo"] <= value * r["total"] <= r["hi"]
                    and all(fits(cause, other) for other in runs)
                    and sum(tells(cause, other) for other in runs) >= min(2, len(runs))
                    and varies(cause) and cause not in matched):
                matched.append(cause)
        N, H, total, k = r["N"], r["H"], r["total"], r["k"]
        lines = [f"`{FRACTION}` returned {r['frac']:.6g} {r['context']}; expected "
                 f"{r['expected']:.6g} ({k} of the {N} x {H} = {total} pairs have "
                 f"z(1 - z) < {r['tol']:g})."]
        found = None if len(matched) == 1 else _fraction_finding(runs)
        if found is not None:
            lines.append(finding_line(found, "your fraction"))
        if len(matched) == 1:
            lines.append("  Likely cause: " + matched[0])
        else:
            lines.append("  Usual cause: z = sigmoid(X @ W.T) has shape (N, H): decide "
                         "which of its (example, unit) pairs count as saturated, and over "
                         "how many pairs the fraction is taken.")
        raise CheckFailure("\n".join(lines),
                           cause_ids=named_cause_ids(matched[0]) if len(matched) == 1 else [])


def _mixed_preactivations(rng, N, H, bands, counts):
    """An (N, H) array whose entries are drawn from the given |a| bands, random signs."""
    values = np.concatenate([rng.uniform(lo, hi, n) for (lo, hi), n in zip(bands, counts)])
    values *= rng.choice([-1.0, 1.0], values.size)
    rng.shuffle(values)
    return values.reshape(N, H)


HEALTHY = (0.2, 3.0)      # local gradient 0.045 .. 0.25
SATURATED = (10.0, 45.0)  # local gradient below 5e-5 (z may round to exactly 1)
BETWEEN = (9.5, 11.5)     # saturated for tol 1e-3, healthy for tol 1e-6
DEEP = (16.0, 45.0)       # saturated for both
MID = (5.0, 6.5)          # local gradient 1.5e-3 .. 6.7e-3: saturated for tol 1e-2 only


def check_saturated_fraction(student_fn, sigmoid, seed=0):
    """Constructed cases: all healthy, all saturated, a known mix, and a tol other than 1e-3."""
    rng = rng_for(seed, "check_saturated_fraction")
    N, H, D = 5, 3, 4
    runs: list = []

    A = _mixed_preactivations(rng, N, H, [HEALTHY], [N * H])
    W, X = _pairs(rng, A, D)
    _expect_fraction(student_fn, W, X, 1e-3, "when every unit is healthy "
                     "(pre-activations between -3 and 3), with the default tol", sigmoid,
                     pass_tol=False, runs=runs)

    A = _mixed_preactivations(rng, N, H, [SATURATED], [N * H])
    W, X = _pairs(rng, A, D)
    _expect_fraction(student_fn, W, X, 1e-3, "when every unit is saturated "
                     "(|pre-activation| between 10 and 45), with the default tol", sigmoid,
                     pass_tol=False, runs=runs)

    k = int(rng.integers(4, N * H - 3))
    A = _mixed_preactivations(rng, N, H, [HEALTHY, SATURATED], [N * H - k, k])
    W, X = _pairs(rng, A, D)
    _expect_fraction(student_fn, W, X, 1e-3, f"on a mix of {k} saturated and {N * H - k} "
                     "healthy pairs, with the default tol", sigmoid, pass_tol=False, runs=runs)

    # one unit saturated on every example and one example saturated on every unit, the
    # rest healthy: counting units, examples or pairs give three different fractions
    A = _mixed_preactivations(rng, N, H, [HEALTHY], [N * H])
    j, i = int(rng.integers(H)), int(rng.integers(N))
    A[:, j] = _mixed_preactivations(rng, N, 1, [SATURATED], [N])[:, 0]
    A[i, :] = _mixed_preactivations(rng, 1, H, [SATURATED], [H])[0]
    W, X = _pairs(rng, A, D)
    _expect_fraction(student_fn, W, X, 1e-3, f"when unit {j} is saturated on every example "
                     f"and example {i} on every unit (the rest healthy), with the default "
                     "tol", sigmoid, pass_tol=False, runs=runs)

    n_between, n_deep = 5, int(rng.integers(2, 6))
    A = _mixed_preactivations(rng, N, H, [HEALTHY, BETWEEN, DEEP],
                              [N * H - n_between - n_deep, n_between, n_deep])
    W, X = _pairs(rng, A, D)
    s = _local_gradient(X @ W.T)
    _expect_fraction(student_fn, W, X, 1e-6, "with tol=1e-6", sigmoid,
                     extra_hints=[_tol_ignored(s)], runs=runs)
    # a second tol on the other side of the default: a cause is named only where two cases
    # tell it from the right answer (one may agree with a slip by chance)
    n_mid, n_deep = int(rng.integers(3, 6)), int(rng.integers(2, 5))
    A = _mixed_preactivations(rng, N, H, [HEALTHY, MID, DEEP],
                              [N * H - n_mid - n_deep, n_mid, n_deep])
    W, X = _pairs(rng, A, D)
    s = _local_gradient(X @ W.T)
    _expect_fraction(student_fn, W, X, 1e-2, "with tol=1e-2", sigmoid,
                     extra_hints=[_tol_ignored(s)], runs=runs)
    _fraction_verdict(runs)


def _tol_ignored(local):
    return ("the tol argument is ignored: this is the fraction for tol = 1e-3, the default. "
            "Compare with `tol`, the function's argument.", float(np.mean(local < 1e-3)))


SCALES = (0.01, 0.1, 1.0, 10.0, 100.0)


def check_saturated_fraction_scale(student_fn, sigmoid, seed=0):
    """Unit-variance inputs, weight scales 0.01 .. 100: the fraction must match and rise."""
    rng = rng_for(seed, "check_saturated_fraction_scale")
    N, H, D, tol = 40, 8, 10, 1e-4
    X = rng.standard_normal((N, D))
    W0 = rng.standard_normal((H, D))
    expected = [float(np.mean(_local_gradient(X @ (c * W0).T) < tol)) for c in SCALES]
    table = ", ".join(f"{c:g}: {e:.3f}" for c, e in zip(SCALES, expected))
    runs: list = []
    for c in SCALES:
        _expect_fraction(student_fn, c * W0, X, tol,
                         f"at weight scale {c:g} (W = {c:g} * randn, unit-variance X, "
                         f"tol={tol:g}; expected fractions by scale: {table})", sigmoid,
                         extra_hints=[_tol_ignored(_local_gradient(X @ (c * W0).T))],
                         runs=runs)
    _fraction_verdict(runs)


# ---------------------------------------------------------------- cost

EFFICIENCY_SIZE = (600, 600)   # (H, D): 360,600 parameters


def _expect_directions(W, x, dz, dx, dW, rng, context):
    """dx and dW along a random direction and along themselves, against complex-step
    directional derivatives of sum(dz * sigmoid(W @ x)): every entry counts, for two forward
    passes (two more per output, to name the wrong one, only when they disagree)."""
    def along(vW, vx):
        h = CS_STEP
        L = np.sum(dz * np.imag(_sigmoid_c((W + 1j * h * vW) @ (x + 1j * h * vx))))
        got = float(np.sum(vW * dW) + np.sum(vx * dx))
        size = float(np.sqrt(np.sum(vW * vW) * np.sum(dW * dW)
                             + np.sum(vx * vx) * np.sum(dx * dx)))
        return got, float(L) / h, size

    def wrong(got, expected, size):
        return abs(got - expected) > 1e-6 * abs(expected) + 1e-9 * size

    own = (dW, dx) if np.any(dW) or np.any(dx) else (np.ones_like(W), np.ones_like(x))
    directions = [(rng.standard_normal(W.shape), rng.standard_normal(x.shape)), own]
    if not any(wrong(*along(vW, vx)) for vW, vx in directions):
        return
    for name, vs in (("dW", [(d[0], np.zeros_like(x)) for d in directions]),
                     ("dx", [(np.zeros_like(W), d[1]) for d in directions])):
        for vW, vx in vs:
            got, expected, size = along(vW, vx)
            if wrong(got, expected, size):
                raise CheckFailure(
                    f"`{BACKWARD}`: {name} is wrong {context}: along a direction v, "
                    f"sum(v * {name}) is {got:.6g}, the derivative of the forward pass along v "
                    f"is {expected:.6g}. The earlier tests of `{BACKWARD}` say more.")
    raise CheckFailure(f"`{BACKWARD}`: dx and dW are wrong together {context}.")


def check_sigmoid_layer_backward_efficiency(student_fn, sigmoid_layer_forward, seed=0):
    """Backprop costs about one forward pass: a 600 x 600 layer within a plain loop's time.

    A correct backward pass takes about a millisecond here, a plain Python loop over the
    entries of dW a fraction of a second, a numerical gradient (two forward passes for each
    of the 360,600 parameters) minutes. The answer must also be right, along random
    directions.
    """
    rng = rng_for(seed, "check_sigmoid_layer_backward_efficiency")
    H, D = EFFICIENCY_SIZE
    W = random_array(rng, (H, D), scale=1.0 / np.sqrt(D))
    x = random_array(rng, (D,), kinks=(0.0,), margin=0.3)
    dz = random_array(rng, (H,), kinks=(0.0,), margin=0.3)
    z, cache = sigmoid_layer_forward(W, x)
    _expect_same_sigmoid(np.asarray(z, dtype=np.float64), W @ x, "sigmoid_layer_forward")
    size = f"on a layer with W of shape {(H, D)}"
    result = expect_efficient(
        BACKWARD, student_fn, (dz, cache), loop_steps=2 * H * D,
        forward=lambda: sigmoid_layer_forward(W, x), parameters=H * D + D, size=size)
    out = outputs_by_name(BACKWARD, result, {"dx": (D,), "dW": (H, D)})
    _expect_directions(W, x, dz, out["dx"], out["dW"], rng, size)


# ---------------------------------------------------------------- predictions

def saturated_share_truth(scale: float = 100.0) -> float:
    """The share of the sigmoid's local gradients below 1e-4 in the notebook's saturation
    experiment (500 unit-variance inputs, D = 10, H = 50, seed 0) at a weight scale."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((500, 10))
    W = rng.standard_normal((50, 10))
    with np.errstate(over="ignore"):
        z = 1.0 / (1.0 + np.exp(-(X @ (scale * W).T)))
    return float(np.mean(z * (1.0 - z) < 1e-4))


def check_predict_saturated_share(predict_saturated_share, seed=0):
    """The saturation experiment's prediction: the share below 1e-4 at scale 100, within 0.1."""
    from .core import expect_prediction
    expect_prediction("predict_saturated_share", predict_saturated_share,
                      saturated_share_truth(100.0),
                      what="the share of the sigmoid's local gradients below 1e-4 at weight "
                           "scale 100, as a fraction between 0 and 1", abs_tol=0.1)


# Every check of a backward pass also asks for chain-rule exactness (no finite differences).
from .exactness import guard_backprop  # noqa: E402

guard_backprop(globals())

# Last, once every check is defined: in a notebook each one prints a line when it passes.
from .core import announce_passes  # noqa: E402

announce_passes(globals())
