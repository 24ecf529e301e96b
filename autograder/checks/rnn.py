"""Checks for the `rnn` assignment: backprop through time, exploding/vanishing gradients, clipping.

Graded functions (SPEC.md): `relu_rnn_backward`, `rnn_step_backward`, `rnn_backward`,
`clip_grad_norm`, `clip_grad_value`, `spectral_radius`.

Ground truth comes only from the trusted forward passes the test cell hands in and from
numerical derivatives; the package holds no backward pass:

- tanh RNN (`rnn_step_backward`, `rnn_backward`): the complex step through the given
  `rnn_step_forward` / `rnn_forward` (tanh is analytic and the given forwards build their
  outputs without fixing a dtype), exact to rounding even where the gradient has vanished.
- ReLU RNN (`relu_rnn_backward`): the complex step through the given `relu_rnn_forward`
  too. `np.maximum(0, z)` orders complex numbers by their real part first, so with a
  complex step the ReLU keeps exactly the masks of the real forward: the derivative is
  exact, and no finite step can cross a kink. The cases keep every pre-activation away
  from 0 anyway (an exact 0 would be a kink).
- Long sequences: directional derivatives along random directions plus a sample of
  coordinates (including early time steps), not the full Jacobian, so that T = 50, H = 50
  costs a few milliseconds.
- `spectral_radius`: matrices built as P B P^-1 with chosen eigenvalues, so the answer is
  known by construction.

The usual mistakes are recognised by building what each mistake returns from the same
trusted pieces: the forward rebuilt with the weights of one step as a separate input (what
`=` instead of `+=` keeps), with the previous states frozen (what a backward pass without
the carry from step t+1 computes), the upstream gradient reweighted by a ratio of local
derivatives (a tanh derivative taken at the wrong point), or, for the ReLU RNN, the
derivative of the forward linearised with the masks of the wrong step. A cause is named
only when it predicts the answer on every case the check ran and, where a check has one
case (rnn_step_backward, rnn_backward), on a probe case of other sizes too.
"""
from __future__ import annotations

import numpy as np

from .circuit import forward_case
from .explain import (LOOP_FORWARD_CAUSE, Explainer, Layout, Local, Quantity, View,
                      cache_alternatives, cache_swaps, carry_rules, layer_contractions,
                      loop_alternatives, moved_upstream, partial_upstream,
                      sequence_example_responses, upstream_responses, walk_steps)
from .core import (
    NUMBER, Case, CheckFailure, Diagnosis, Hint, Mistake, StudentCodeError, call_checked,
    complex_step_gradient, expect_array, expect_close, expect_efficient, expect_new_arrays,
    expect_sampled_gradient, input_gradients, looks_like, numerical_gradient, on_every_case,
    missing_transpose_cause, once, outputs_by_name, random_indices, rng_for, transposed_cause,
)

def _radius_of(W) -> float:
    return float(np.max(np.abs(np.linalg.eigvals(W))))


# =============================================================== relu_rnn_backward

_RELU_CAUSE = ("visit every step from T-1 down to 0; the gradient on hs[t] is dhs[t] plus "
               "the carry from step t+1; the ReLU mask of step t is hs[t] > 0; Whh is used at "
               "every step, so dWhh is a sum of one outer product per step; dh0 is the carry "
               "left after step 0.")

RELU_ASSIGNED = ("dWhh is assigned (`dWhh = ...`) instead of accumulated (`dWhh += ...`): "
                 "the same Whh is used at every step, so its gradient is the sum of every "
                 "step's contribution.")
RELU_NO_CARRY = ("the carry from step t+1 is missing: the gradient on hs[t] is dhs[t] PLUS "
                 "what flows back from step t+1 (through that step's Whh).")
RELU_WRONG_MASK = ("the ReLU mask of the wrong step: step t computes hs[t] = max(0, Whh @ "
                   "hs[t-1]), so its mask is hs[t] > 0 (its own output), not hs[t-1] > 0.")
RELU_PREV_AT_0 = ("at t = 0 the previous state is h0, but `hs[t-1]` is `hs[-1]`, which Python "
                  "reads as the LAST state: handle t = 0 with h0.")
RELU_DW_OWN_STATE = ("dWhh pairs each step with its own state hs[t] instead of the previous "
                     "state (hs[t-1], h0 at step 0): Whh multiplies the PREVIOUS state, one "
                     "step earlier.")
RELU_TRANSPOSED_DW = transposed_cause("dWhh", "(both ways round are (H, H), so the shape "
                                      "can't tell)")
RELU_TRANSPOSED_CARRY = missing_transpose_cause("the previous state", "Whh")
RELU_SKIP = ("one step's share is left out: the loop skips a step, or a condition inside "
             "it (`if t > 0:`) skips that step's term; every t from T-1 down to 0 adds its "
             "share, so check both ends of the loop's range and any condition in it.")
RELU_PREV_ZERO = ("at t = 0 the previous state is taken as zeros: it is h0, the initial "
                  "state, and step 0's share of dWhh pairs its gradient with h0.")
RELU_FORWARD_WALK = LOOP_FORWARD_CAUSE


def _relu_prev_states(h0, hs) -> np.ndarray:
    """(T, H): the state each step multiplies, h0 then hs[0] .. hs[T-2]."""
    return np.vstack([h0[None, :], hs[:-1]])


def _relu_case(forward, rng, H: int, T: int, radius: float | None, margin: float):
    """Whh (spectral radius `radius`) and h0 whose pre-activations all stay away from 0.

    With `radius` None (a large H, where eigenvalues cost too much) the spectral radius is
    about 1 (circular law: entries of variance 1 / H). `margin` is relative to each step's
    typical pre-activation; a state that dies (all zeros) has pre-activations 0 and is
    rejected too.
    """
    for _ in range(200):
        if radius is None:
            Whh = rng.standard_normal((H, H)) / np.sqrt(H)
        else:
            G = rng.standard_normal((H, H))
            Whh = radius * G / _radius_of(G)
        h0 = rng.standard_normal(H)
        hs, _ = forward(Whh.copy(), h0.copy(), T)
        pre = _relu_prev_states(h0, hs) @ Whh.T
        scale = np.sqrt(np.mean(pre ** 2, axis=1, keepdims=True))
        if np.all(scale > 0) and np.all(np.abs(pre) > margin * scale):
            return Whh, h0, hs
    raise RuntimeError("could not build a ReLU-RNN case away from the kinks")  # never seen


def _relu_linearised(Whh, h0, hs, dhs, *, masks=None, prev=None, carry=None, w_steps=None,
                     carry_on=True, weights=None):
    """The gradient (dWhh, dh0) of the ReLU RNN linearised with chosen ingredients.

    phi(Wp, hp) = sum_t <w[t], z_t> with z_t = m_t * (Wp @ prev[t] [if t in w_steps]
    + C @ z_{t-1} [if t == 0 or carry_on]), z_{-1} = hp. It is linear, so centered differences
    with a unit step give its gradient exactly. Each usual mistake is one ingredient changed
    (a wrong mask, no carry, Whh instead of Whh.T in the carry, ...): the gradient of phi is
    then what that mistaken backward pass returns.
    """
    T, H = hs.shape
    masks = (hs > 0).astype(np.float64) if masks is None else masks
    prev = _relu_prev_states(h0, hs) if prev is None else prev
    C = Whh if carry is None else carry
    w_steps = set(range(T)) if w_steps is None else set(w_steps)
    weights = dhs if weights is None else weights

    def phi(Wp, hp):
        z, total = hp, 0.0
        for t in range(T):
            a = C @ z if (t == 0 or carry_on) else np.zeros(H)
            if t in w_steps:
                a = a + Wp @ prev[t]
            z = masks[t] * a
            total += float(weights[t] @ z)
        return total

    zero_W, zero_h = np.zeros((H, H)), np.zeros(H)
    dW = numerical_gradient(lambda W: phi(W, zero_h), zero_W.copy(), h=1.0)
    dh = numerical_gradient(lambda h: phi(zero_W, h), zero_h.copy(), h=1.0)
    return dW, dh


def _relu_walk(Whh, h0, hs, dhs, join) -> dict:
    """(dWhh, dh0) of a backward loop over the ReLU RNN's steps with the step's upstream d,
    the carry c and the mask m joined as join(d, c, m) into the gradient on the
    pre-activation (right: (d + c) * m): what a loop that masks another part gives."""
    prev = _relu_prev_states(h0, hs)
    masks = (hs > 0).astype(np.float64)
    dW, carry = np.zeros_like(Whh, dtype=np.float64), np.zeros(hs.shape[1])
    for t in range(hs.shape[0] - 1, -1, -1):
        delta = join(dhs[t], carry, masks[t])
        dW += np.outer(delta, prev[t])
        carry = Whh.T @ delta
    return {"dWhh": dW, "dh0": carry}


_RELU_JOINS = {
    "the mask applied to the carried gradient only (the step's own upstream dhs[t] passes "
    "unmasked)": lambda d, c, m: d + c * m,
    "the mask applied to the step's own upstream dhs[t] only (the carried gradient passes "
    "unmasked)": lambda d, c, m: d * m + c,
}


def _relu_hints(Whh, h0, hs, dhs, true_dW, dh0_right: bool | None = None):
    """Hints for dWhh and for dh0, by name: what each usual mistake returns on this case.
    `dh0_right`: whether the student's dh0 is right here; a loop that skips step 0 makes
    it wrong, zeros in h0's place at step 0 leave it right (their dWhh are the same)."""
    T = hs.shape[0]
    memo: dict = {}

    def lin(key, **kw):
        if key not in memo:
            memo[key] = _relu_linearised(Whh, h0, hs, dhs, **kw)
        return memo[key]

    m = (hs > 0).astype(np.float64)
    mask_prev_h0 = np.vstack([(h0 > 0)[None, :], m[:-1]]).astype(np.float64)
    mask_prev_last = np.vstack([m[-1:], m[:-1]])
    prev_last = np.vstack([hs[-1:], hs[:-1]])
    no_last = dhs.copy()
    no_last[-1] = 0.0
    # (cause, ingredients, whether the mistake also shows in dh0 as phi's gradient)
    variants = [
        (RELU_NO_CARRY, dict(carry_on=False), True),
        (RELU_WRONG_MASK, dict(masks=mask_prev_h0), True),
        (RELU_WRONG_MASK, dict(masks=mask_prev_last), True),
        (RELU_PREV_AT_0, dict(prev=prev_last), False),
        (RELU_TRANSPOSED_CARRY, dict(carry=Whh.T), True),
        (RELU_ASSIGNED, dict(w_steps=[0]), False),
        (RELU_ASSIGNED, dict(w_steps=[T - 1]), False),
        (RELU_SKIP, dict(w_steps=range(1, T)), False),
        (RELU_SKIP, dict(weights=no_last, w_steps=range(T - 1)), True),
        (RELU_DW_OWN_STATE, dict(prev=hs), False),
        # the same dWhh as skipping step 0's share: both fit, so neither is named (last, so
        # that the memo keys of the others stay the same)
        (RELU_PREV_ZERO, dict(prev=np.vstack([np.zeros_like(h0)[None, :], hs[:-1]])), False),
    ]
    dW_hints, dh_hints = [], []
    needs = {RELU_PREV_ZERO: True}         # what dh0 must be for the dWhh hint to hold
    for i, (cause, kw, in_dh0) in enumerate(variants):
        need = needs.get(cause, False if cause == RELU_SKIP and not in_dh0 else None)
        if need is not None and dh0_right is not None and dh0_right != need:
            dW_hints.append(Hint(cause, lambda _a: False))
        else:
            dW_hints.append(Hint(cause, looks_like(lambda i=i, kw=kw: lin(i, **kw)[0])))
        if in_dh0:
            dh_hints.append(Hint(cause, looks_like(lambda i=i, kw=kw: lin(i, **kw)[1])))
    walked = once(lambda: _walked_forward(Whh, h0, hs, dhs))
    dW_hints.append(Hint(RELU_FORWARD_WALK, looks_like(lambda: walked()[0])))
    dh_hints.append(Hint(RELU_FORWARD_WALK, looks_like(lambda: walked()[1])))
    dW_hints.insert(5, Hint(RELU_TRANSPOSED_DW, looks_like(true_dW.T)))
    dW_hints.insert(6, Hint(RELU_TRANSPOSED_DW + " And " + RELU_TRANSPOSED_CARRY,
                            looks_like(lambda: lin(4, carry=Whh.T)[0].T)))
    return {"dWhh": dW_hints, "dh0": dh_hints}


def _walked_forward(Whh, h0, hs, dhs):
    """(dWhh, dh0) of a backward pass that visits t = 0 .. T-1, each step with its own
    mask (hs[t] > 0) and previous state, the carry of step t added to step t+1."""
    prev = _relu_prev_states(h0, hs)

    def step(t, carry):
        delta = (dhs[t] + carry) * (hs[t] > 0)
        return None, Whh.T @ delta, [np.outer(delta, prev[t])]
    _, carry, (dW,) = walk_steps(step, range(hs.shape[0]), np.zeros_like(h0))
    return dW, carry


def _call_relu_backward(student_fn, dhs, cache, H):
    out = call_checked("relu_rnn_backward", student_fn, (dhs, cache),
                       {"dWhh": (H, H), "dh0": (H,)})
    return out["dWhh"], out["dh0"]


def check_relu_rnn_backward(relu_rnn_backward, relu_rnn_forward, seed=0, H=5, T=6):
    """Full gradient check on a short sequence (random upstream on every step), then with
    the upstream gradient on the last step only (the loss depends on the final state)."""
    fn = "relu_rnn_backward"
    rng = rng_for(seed, fn)
    Whh, h0, hs = _relu_case(relu_rnn_forward, rng, H, T, radius=1.5, margin=0.05)
    upstreams = [(rng.standard_normal((T, H)), f"(random upstream dhs on all {T} steps, H = {H})")]
    last_only = np.zeros((T, H))
    last_only[-1] = rng.standard_normal(H)
    upstreams.append((last_only, f"(upstream gradient on the last step only, T = {T}, H = {H}: "
                                 "everything before it must arrive through the carry)"))
    runs = []
    for dhs, context in upstreams:
        _, cache = relu_rnn_forward(Whh.copy(), h0.copy(), T)
        dWhh, dh0 = _call_relu_backward(relu_rnn_backward, dhs, cache, H)
        true_dW, true_dh0 = input_gradients(lambda W, h: relu_rnn_forward(W, h, T), [Whh, h0],
                                            dhs)
        runs.append(({"dWhh": dWhh, "dh0": dh0}, {"dWhh": true_dW, "dh0": true_dh0}, context,
                     _relu_hints(Whh, h0, hs, dhs, true_dW,
                                 dh0_right=looks_like(true_dh0, 1e-6)(dh0))))
    # a hint is named only when it matches on both upstreams
    probe_dhs = rng_for(seed + 1, fn + "_probe").standard_normal((T, H))

    def views():
        """The two upstreams and, for the explainer only (when an answer is wrong), one more
        random upstream: a slip that the last-step-only upstream does not show then still
        has a second input to be checked on."""
        cases = [(r[0], r[1], u[0]) for r, u in zip(runs, upstreams)]
        _, cache = relu_rnn_forward(Whh.copy(), h0.copy(), T)
        got = dict(zip(("dWhh", "dh0"), _call_relu_backward(relu_rnn_backward, probe_dhs,
                                                            cache, H)))
        cases.append((got, dict(zip(("dWhh", "dh0"), input_gradients(
            lambda W, h: relu_rnn_forward(W, h, T), [Whh, h0], probe_dhs))), probe_dhs))
        return [View(got, true, sizes={"T": T, "H": H},
                     circuit=forward_case(relu_rnn_forward, {"Whh": Whh, "h0": h0, "T": T},
                                          {"dWhh": "Whh", "dh0": "h0"}, {0: ("dhs", dhs)}),
                     quantities={"Whh": Quantity(Whh, "Whh itself", "weights"),
                                 **_relu_arriving(Whh, hs, dhs)},
                     locals={"relu": Local("the ReLU's local derivative at every step",
                                           "rectifier", lambda m, dhs=dhs: dict(zip(
                                               ("dWhh", "dh0"), _relu_linearised(
                                                   Whh, h0, hs, dhs, masks=np.asarray(
                                                       m, dtype=np.float64)))),
                                           y=hs, y_name="hs")},
                     regions={"dh0": [("the entries where h0 > 0", h0 > 0),
                                      ("the entries where h0 <= 0", h0 <= 0)]},
                     alternatives=_relu_alternatives(relu_rnn_forward, Whh, h0, hs, dhs, T),
                     partials=partial_upstream(lambda g, dhs=dhs: dict(zip(
                         ("dWhh", "dh0"), input_gradients(lambda W, h: relu_rnn_forward(W, h, T),
                                                          [Whh, h0], g))), dhs, 0,
                         "time step"),
                     responses=upstream_responses(
                         call, lambda up: dict(zip(("dWhh", "dh0"), input_gradients(
                             lambda W, h: relu_rnn_forward(W, h, T), [Whh, h0], up["dhs"]))),
                         {"dhs": dhs}, {"dhs": (0, "time step")}))
                for got, true, dhs in cases]

    def call(up):
        _, cache = relu_rnn_forward(Whh.copy(), h0.copy(), T)
        return dict(zip(("dWhh", "dh0"), _call_relu_backward(relu_rnn_backward, up["dhs"],
                                                             cache, H)))
    explainer = Explainer(views)
    for got, true, context, _ in runs:
        for name in ("dWhh", "dh0"):
            expect_close(fn, name, got[name], true[name], context=context, cause=_RELU_CAUSE,
                         hints=on_every_case([(r[0][name], r[3][name]) for r in runs]),
                         explain=explainer.for_output(name))


def _relu_arriving(Whh, hs, dhs) -> dict:
    """The gradient arriving at the first state hs[0] (from step 1 on, and with dhs[0]): what
    step 0's backward starts from, not what it sends back to h0 (a loop that stops a line
    early returns it as dh0)."""
    if hs.shape[0] < 2:
        return {}
    later = _relu_linearised(Whh, hs[0], hs[1:], dhs[1:])[1]
    return {"from_step_1": Quantity(later, "what flows back to hs[0] from step 1 (before "
                                    "step 0's mask, Whh.T and its own dhs[0])",
                                    "state-gradient"),
            "at_hs0": Quantity(later + dhs[0], "the gradient arriving at hs[0] (dhs[0] plus "
                               "what flows back from step 1): what step 0's backward starts "
                               "from, not what it sends back to h0", "state-gradient")}


def _relu_alternatives(relu_rnn_forward, Whh, h0, hs, dhs, T) -> dict:
    """The right gradients for the upstream moved along time, and for the ReLU's local
    derivative taken as 1 everywhere (each computed only when asked)."""
    out = moved_upstream(lambda changed: dict(zip(("dWhh", "dh0"), input_gradients(
        lambda W, h: relu_rnn_forward(W, h, T), [Whh, h0], changed))), dhs, axis=0)
    out["without the ReLU mask (its local derivative taken as 1 at every step)"] = \
        lambda: dict(zip(("dWhh", "dh0"), _relu_linearised(Whh, h0, hs, dhs,
                                                           masks=np.ones_like(hs))))
    for label, join in _RELU_JOINS.items():
        out[f"what a loop gives with {label}"] = (
            lambda join=join: _relu_walk(Whh, h0, hs, dhs, join), "wrong-path")
    # the previous state paired with each step's delta in dWhh taken from the wrong place
    right = _relu_prev_states(h0, hs)
    wrong_prev = {"step 0 pairing its delta with its own state hs[0] instead of h0":
                  np.concatenate([hs[:1], right[1:]]),
                  "step 0 pairing its delta with the last state hs[-1] instead of h0 (an "
                  "index t - 1 at t = 0)": np.concatenate([hs[-1:], right[1:]]),
                  "step 0 pairing its delta with zeros instead of h0":
                  np.concatenate([np.zeros_like(hs[:1]), right[1:]]),
                  "every step pairing its delta with its own state hs[t] instead of the "
                  "previous one": hs,
                  "every step pairing its delta with the initial state h0":
                  np.broadcast_to(h0, hs.shape)}
    for label, prev in wrong_prev.items():
        out[f"what the right computation gives with {label}"] = (
            lambda prev=prev: dict(zip(("dWhh", "dh0"), _relu_linearised(
                Whh, h0, hs, dhs, prev=prev))), "input-moved-along-axis")
    return out


def check_relu_rnn_backward_long(relu_rnn_backward, relu_rnn_forward, seed=0, H=50, T=50):
    """A long sequence, checked at sampled entries and along random directions."""
    fn = "relu_rnn_backward"
    rng = rng_for(seed, fn + "_long")
    Whh, h0, hs = _relu_case(relu_rnn_forward, rng, H, T, radius=1.5, margin=1e-6)
    dhs = rng.standard_normal((T, H))
    _, cache = relu_rnn_forward(Whh.copy(), h0.copy(), T)
    dWhh, dh0 = _call_relu_backward(relu_rnn_backward, dhs, cache, H)
    context = f"on a long sequence (T = {T}, H = {H}, random upstream dhs on every step)"
    coords = {"dWhh": [(random_indices(rng, (H, H), 3), _RELU_CAUSE)],
              "dh0": [(random_indices(rng, (H,), 2), _RELU_CAUSE)]}
    expect_sampled_gradient(fn, lambda W, h: relu_rnn_forward(W, h, T)[0], [Whh, h0],
                            {"dWhh": dWhh, "dh0": dh0}, dhs, rng, context, _RELU_CAUSE,
                            coords=coords)


def _explode_vanish_case(forward, rng, H, T):
    """G with spectral radius 1 and h0 > 0 whose ReLU state stays alive for T steps."""
    for _ in range(100):
        G = rng.standard_normal((H, H))
        G /= _radius_of(G)
        h0 = np.abs(rng.standard_normal(H)) + 0.1
        hs, _ = forward(G.copy(), h0.copy(), T)
        if np.all(np.count_nonzero(hs > 0, axis=1) >= H // 8):
            return G, h0
    raise RuntimeError("could not build a live ReLU-RNN case")  # never seen


def check_relu_rnn_backward_explode_vanish(relu_rnn_backward, relu_rnn_forward, seed=0,
                                           H=40, T=30):
    """Behaviour: the gradient reaching h0 vanishes for spectral radius <= 0.5 and explodes
    for >= 3 (loss on the last state only). The ReLU crossover is near 1.4, so the margins
    are wide: the norm ratio is compared with 1e-3 and 1e3."""
    fn = "relu_rnn_backward"
    rng = rng_for(seed, fn + "_explode_vanish")
    G, h0 = _explode_vanish_case(relu_rnn_forward, rng, H, T)
    dhs = np.zeros((T, H))
    dhs[-1] = rng.standard_normal(H)
    for radius in (0.25, 0.5, 3.0, 4.0):
        _, cache = relu_rnn_forward(radius * G, h0.copy(), T)
        _, dh0 = _call_relu_backward(relu_rnn_backward, dhs, cache, H)
        ratio = float(np.linalg.norm(dh0) / np.linalg.norm(dhs))
        setting = (f"with a recurrent matrix of spectral radius {radius:g}, T = {T} steps and "
                   f"the upstream gradient on the last state only, |dh0| / |dhs| = "
                   f"{ratio:.3g}")
        if radius < 1:
            if ratio == 0.0:
                raise CheckFailure(
                    f"`{fn}`: {setting}: dh0 is exactly zero, so nothing reaches h0 at all. "
                    "Usual cause: " + RELU_NO_CARRY + " Or each step multiplies the "
                    "gradient by a factor that is 0 or tiny where the ReLU's slope (0 or 1) "
                    "belongs, so that it vanishes to exactly 0 on the way back.")
            if ratio > 1e-3:
                raise CheckFailure(
                    f"`{fn}`: {setting}; it should have vanished (below 1e-3): each step "
                    f"multiplies the gradient by Whh.T and a mask, shrinking it about "
                    f"{radius:g} times or more. Usual cause: " + _RELU_CAUSE)
        elif ratio < 1e3:
            why = RELU_NO_CARRY if ratio < 10 else _RELU_CAUSE
            raise CheckFailure(
                f"`{fn}`: {setting}; it should have exploded (above 1e3): each step multiplies "
                f"the gradient by Whh.T and a mask, about {radius / 1.4:.1f} times larger per "
                f"step. Usual cause: " + why)


# =============================================================== rnn_step_backward

_STEP_CAUSE = ("check each local derivative: tanh's is 1 - next_h**2 (next_h is in the "
               "cache); a product Y = A @ B sends dY @ B.T back to A and A.T @ dY back to B; "
               "b is added to every row of the batch, so db is a sum over the rows.")
STEP_NO_DERIV = ("the tanh derivative is missing: the gradient reaches the pre-activation "
                 "through tanh, whose derivative is missing from yours (next_h is in the cache).")
STEP_DERIV_PREV = ("the tanh derivative of the wrong step: it is 1 - next_h**2 (this step's "
                   "output), not 1 - prev_h**2.")
STEP_DERIV_TWICE = ("tanh applied twice: next_h already is tanh(a), so the derivative is "
                    "1 - next_h**2, not 1 - np.tanh(next_h)**2.")
STEP_TRANSPOSE_PREV = missing_transpose_cause("the previous state", "Wh")
STEP_TRANSPOSED_DWH = transposed_cause("dWh", "(both ways round are (H, H), so the shape "
                                       "can't tell)")
STEP_DB_MEAN = ("db is averaged; it must be summed: b is added to every example (and at "
                "every step), so every one of them contributes to db.")


def _step_case(rng, N, D, H):
    x = rng.standard_normal((N, D))
    prev_h = np.tanh(rng.standard_normal((N, H)))
    Wx = 0.5 * rng.standard_normal((D, H))
    Wh = 0.5 * rng.standard_normal((H, H))
    b = 0.3 * rng.standard_normal(H)
    return x, prev_h, Wx, Wh, b


STEP_ONE_MINUS_H = ("the tanh derivative is 1 - next_h**2, not 1 - next_h: with next_h = "
                    "tanh(a), the derivative of tanh is 1 - tanh**2, and next_h already is tanh(a).")
STEP_DWH_NEXT = ("dWh is built from next_h: Wh multiplies the PREVIOUS state (a = x @ Wx + "
                 "prev_h @ Wh + b), so its gradient pairs da with prev_h.")
_STEP_NAMES = ("dx", "dprev_h", "dWx", "dWh", "db")
_STEP_INPUTS = ("x", "prev_h", "Wx", "Wh", "b")


def _step_run(student_fn, rnn_step_forward, x, prev_h, Wx, Wh, b, dnext) -> Case:
    """The student's outputs on one step, the truth and what the predictions need."""
    N, D = x.shape
    H = Wh.shape[0]
    next_h, cache = rnn_step_forward(x.copy(), prev_h.copy(), Wx.copy(), Wh.copy(), b.copy())
    outs = call_checked("rnn_step_backward", student_fn, (dnext, cache),
                        _step_outputs(N, D, H))
    args = [x, prev_h, Wx, Wh, b]
    true = input_gradients(rnn_step_forward, args, dnext)
    data = {"forward": rnn_step_forward, "args": args, "dnext": dnext,
            "next_h": np.asarray(next_h, dtype=np.float64), "student": student_fn}
    return Case(outs, dict(zip(_STEP_NAMES, true)), data)


def _step_outputs(N, D, H) -> dict:
    """rnn_step_backward's outputs and their shapes."""
    return dict(zip(_STEP_NAMES, ((N, D), (N, H), (D, H), (H, H), (H,))))


def _step_da(case) -> np.ndarray:
    """da = dL/da, the gradient on the pre-activation: the gradient with respect to a bias
    given separately to each example (complex step through the given forward)."""
    if "da" not in case.data:
        forward, (x, prev_h, Wx, Wh, b) = case.data["forward"], case.data["args"]
        B = np.broadcast_to(b, prev_h.shape).copy()
        case.data["da"] = complex_step_gradient(lambda v: forward(x, prev_h, Wx, Wh, v)[0], B,
                                                case.data["dnext"])
    return case.data["da"]


def _step_reweighted(wrong_local):
    """A tanh derivative taken wrongly: the true gradients with dnext_h reweighted by
    wrong_local / (1 - next_h**2)."""
    def predict(case):
        h = case.data["next_h"]
        prev_h = case.data["args"][1]
        ratio = wrong_local(h, prev_h) / (1.0 - h ** 2)
        grads = input_gradients(case.data["forward"], case.data["args"],
                                case.data["dnext"] * ratio)
        return dict(zip(_STEP_NAMES, grads))
    return predict


def _step_mistakes() -> list:
    return [
        Mistake(STEP_NO_DERIV, _step_reweighted(lambda h, p: np.ones_like(h))),
        Mistake(STEP_DERIV_PREV, _step_reweighted(lambda h, p: 1.0 - p ** 2)),
        Mistake(STEP_DERIV_TWICE, _step_reweighted(lambda h, p: 1.0 - np.tanh(h) ** 2)),
        Mistake(STEP_ONE_MINUS_H, _step_reweighted(lambda h, p: 1.0 - h)),
        Mistake(STEP_TRANSPOSE_PREV,
                lambda case: {"dprev_h": _step_da(case) @ case.data["args"][3]}),
        Mistake(STEP_TRANSPOSED_DWH, lambda case: {"dWh": case.truth["dWh"].T}),
        Mistake(STEP_DWH_NEXT, lambda case: {"dWh": case.data["next_h"].T @ _step_da(case)}),
        Mistake(STEP_DB_MEAN,
                lambda case: {"db": case.truth["db"] / case.data["args"][0].shape[0]}),
    ]


def check_rnn_step_backward(rnn_step_backward, rnn_step_forward, seed=0, N=3, D=4, H=5):
    """One tanh step: every gradient against the complex step through the given forward.
    A wrong answer is diagnosed on this step and on a second one of other sizes (a probe):
    a cause is named only when it predicts both."""
    fn = "rnn_step_backward"
    rng = rng_for(seed, fn)
    x, prev_h, Wx, Wh, b = _step_case(rng, N, D, H)
    dnext = rng.standard_normal((N, H))
    case = _step_run(rnn_step_backward, rnn_step_forward, x, prev_h, Wx, Wh, b, dnext)

    def probe():
        prng = rng_for(seed, fn + "_probe")
        args = _step_case(prng, 4, 2, 3)
        return [_step_run(rnn_step_backward, rnn_step_forward, *args,
                          prng.standard_normal((4, 3)))]

    diagnosis = Diagnosis(_STEP_NAMES, _step_mistakes(), [case], probe=probe)
    explainer = diagnosis.explainer(_step_declared, STEP_LAYOUT)
    context = f"(N = {N}, D = {D}, H = {H}, random dnext_h)"
    for name in _STEP_NAMES:
        expect_close(fn, name, case.outputs[name], case.truth[name], context=context,
                     hints=diagnosis.hints(name), cause=_STEP_CAUSE,
                     explain=explainer.for_output(name))


STEP_LAYOUT = Layout(axes={n: {0: "example"} for n in ("dx", "dprev_h")})


def _step_declared(case: Case) -> dict:
    """What the explainer may refer to in one tanh step: sizes, the upstream gradient, the
    cached states and tanh's local derivative."""
    x, prev_h, Wx, Wh, b = case.data["args"]
    next_h = case.data["next_h"]

    def recompute(v):
        return dict(zip(_STEP_NAMES, input_gradients(
            case.data["forward"], case.data["args"], case.data["dnext"] * v / (1 - next_h ** 2))))
    return {"circuit": forward_case(case.data["forward"], dict(zip(_STEP_INPUTS,
                                                                   case.data["args"])),
                                    dict(zip(_STEP_NAMES, _STEP_INPUTS)),
                                    {0: ("dnext_h", case.data["dnext"])}),
            "locals": {"tanh": Local("tanh's local derivative at this step", "tanh", recompute,
                                     y=next_h, y_name="next_h",
                                     terms=(("x @ Wx", x @ Wx), ("prev_h @ Wh", prev_h @ Wh),
                                            ("the bias b", b)))},
            "partials": partial_upstream(lambda g: dict(zip(_STEP_NAMES, input_gradients(
                case.data["forward"], case.data["args"], g))), case.data["dnext"], 0,
                "example"),
            "sizes": {"N": x.shape[0], "D": x.shape[1], "H": Wh.shape[0]},
            "responses": _step_responses(case),
            "quantities": {
                "dnext": Quantity(case.data["dnext"], "the upstream gradient dnext_h",
                                  "upstream"),
                "prev_h": Quantity(prev_h, "prev_h (cached)", "cache"),
                "next_h": Quantity(next_h, "next_h (cached)", "cache"),
                "local": Quantity(1 - next_h ** 2, "tanh's local derivative at this step",
                                  "local-derivative"),
                "x": Quantity(x, "the input x", "input")},
            # dWh = prev_h.T @ da, dWx = x.T @ da: a product whose operand may be the wrong one
            "products": {"dWh": ("prev_h", case.data["dnext"] * (1 - next_h ** 2)),
                         "dWx": ("x", case.data["dnext"] * (1 - next_h ** 2))},
            "contractions": layer_contractions(case.data["dnext"] * (1 - next_h ** 2), [
                ("dx", "x", x, "dWx", "Wx", Wx),
                ("dprev_h", "prev_h", prev_h, "dWh", "Wh", Wh)])}


# =============================================================== rnn_backward

_RNN_CAUSE = ("visit every step from T-1 down to 0; the gradient on h[:, t] is dh[:, t] plus "
              "the carry (dprev_h) from step t+1; each step's dx belongs to dx[:, t]; the "
              "weight gradients of all steps add up; dh0 is the carry left after step 0.")
RNN_NO_CARRY = ("the carry from step t+1 is missing: the gradient on h[:, t] is dh[:, t] PLUS "
                "the dprev_h returned by step t+1's backward. Without it, of dx only the last "
                "step's dx[:, T-1] is right.")
RNN_ASSIGNED = ("the weight gradients are assigned (`dWh = ...`) instead of accumulated "
                "(`dWh += ...`): Wx, Wh and b are shared by every step, so their gradients are "
                "sums over the steps.")
RNN_SKIP = ("one step's share is left out: the loop skips a step, or a condition inside it "
            "(`if t > 0:`) skips that step's term; every t from T-1 down to 0 adds its share, "
            "so check both ends of the loop's range and any condition in it.")
RNN_LATE_ONLY = ("dx is right at the last step but wrong before it: what flows back through "
                 "time is wrong. Check the carry: the gradient on h[:, t] is dh[:, t] plus the "
                 "dprev_h of step t+1's backward, exactly once (a carry missing, a carry added "
                 "to itself over the steps, or a stale one all give this), and that the loop "
                 "visits every step.")
RNN_TRANSPOSED_DWH = STEP_TRANSPOSED_DWH
RNN_DB_MEAN = STEP_DB_MEAN
RNN_FORWARD_WALK = LOOP_FORWARD_CAUSE


def _rnn_case(rng, N, T, D, H, radius):
    x = rng.standard_normal((N, T, D))
    h0 = np.tanh(rng.standard_normal((N, H)))
    Wx = rng.standard_normal((D, H)) / np.sqrt(D)
    G = rng.standard_normal((H, H))
    Wh = radius * G / _radius_of(G)
    b = 0.2 * rng.standard_normal(H)
    return x, h0, Wx, Wh, b


def _rnn_by_step(step_forward, x, h0, params_at):
    """The forward with the parameters of step t given by params_at(t): (N, T, H)."""
    h, out = h0, []
    for t in range(x.shape[1]):
        h, _ = step_forward(x[:, t, :], h, *params_at(t))
        out.append(h)
    return np.stack(out, axis=1)


def _rnn_hints(step_forward, forward, x, h0, Wx, Wh, b, dh, true):
    """Hints by output name (dx, dh0, dWx, dWh, db), built from what each mistake returns."""
    N, T, D = x.shape
    params = (Wx, Wh, b)
    hs = forward(x, h0, Wx, Wh, b)[0]
    prevs = [h0] + [hs[:, t, :] for t in range(T - 1)]
    memo: dict = {}

    def once(key, make):
        if key not in memo:
            memo[key] = make()
        return memo[key]

    def param_grad_at(steps, k):
        """Gradient with respect to a copy of parameter k used only at `steps`."""
        def f(v):
            def at(t):
                p = list(params)
                if t in steps:
                    p[k] = v
                return p
            return _rnn_by_step(step_forward, x, h0, at)
        return complex_step_gradient(f, params[k], dh)

    def no_carry(i):
        """Each step sees only dh[:, t]; the previous states are frozen."""
        def f(v):
            a = [x, None, Wx, Wh, b]
            outs = []
            for t in range(T):
                p = [a[0][:, t, :] if i != 0 else v[:, t, :], prevs[t], *params]
                if i == 1:
                    p[1] = v if t == 0 else prevs[t]
                elif i >= 2:
                    p[i] = v
                outs.append(step_forward(*p)[0] * (1.0 if (i != 1 or t == 0) else 0.0))
            return np.stack(outs, axis=1)
        base = [x, h0, Wx, Wh, b][i]
        return complex_step_gradient(f, base, dh)

    def no_last(i):
        dh2 = dh.copy()
        dh2[:, -1] = 0.0
        return input_gradients(forward, [x, h0, Wx, Wh, b], dh2)[i]

    def walked_forward():
        """Each step's backward (the complex step through the given step forward, which is
        linear in its upstream gradient) applied in the order t = 0 .. T-1, the carry of
        step t added to the upstream of step t+1."""
        def step(t, carry):
            gx, carry, *shared = input_gradients(step_forward,
                                                 [x[:, t, :], prevs[t], Wx, Wh, b],
                                                 dh[:, t, :] + carry)
            return gx, carry, shared
        own, carry, shared = walk_steps(step, range(T), np.zeros_like(h0))
        return [np.stack([own[t] for t in range(T)], axis=1), carry, *shared]

    hints = []
    for i in range(5):
        h = [Hint(RNN_NO_CARRY, looks_like(lambda i=i: once(("nc", i), lambda: no_carry(i))))]
        if i >= 2:
            k = i - 2
            h.append(Hint(RNN_ASSIGNED, looks_like(
                lambda k=k: once(("a0", k), lambda: param_grad_at({0}, k)))))
            h.append(Hint(RNN_ASSIGNED, looks_like(
                lambda k=k: once(("aT", k), lambda: param_grad_at({T - 1}, k)))))
            h.append(Hint(RNN_SKIP, looks_like(
                lambda k=k: once(("s0", k), lambda: param_grad_at(set(range(1, T)), k)))))
        if i == 0:
            skipped = true[0].copy()
            skipped[:, 0] = 0.0
            h.append(Hint(RNN_SKIP, looks_like(skipped)))
        h.append(Hint(RNN_SKIP, looks_like(lambda i=i: once(("sl", i), lambda: no_last(i)))))
        h.append(Hint(RNN_FORWARD_WALK, looks_like(
            lambda i=i: once("fw", walked_forward)[i])))
        if i == 3:
            h.insert(0, Hint(RNN_TRANSPOSED_DWH, looks_like(true[3].T)))
        if i == 4:
            for div in (N, T, N * T):
                h.insert(0, Hint(RNN_DB_MEAN, looks_like(true[4] / div)))
        hints.append(h)
    return dict(zip(_RNN_NAMES, hints))


_RNN_NAMES = ("dx", "dh0", "dWx", "dWh", "db")
_RNN_INPUTS = ("x", "h0", "Wx", "Wh", "b")


def _step_responses(case: Case) -> dict:
    """The student's step called again with its upstream gradient zero or doubled."""
    forward, args = case.data["forward"], case.data["args"]
    N, D = args[0].shape
    H = args[3].shape[0]

    def call(up):
        _, cache = forward(*[a.copy() for a in args])
        return call_checked("rnn_step_backward", case.data["student"], (up["dnext_h"], cache),
                            _step_outputs(N, D, H))
    return {**upstream_responses(call, lambda up: dict(zip(_STEP_NAMES, input_gradients(
        forward, args, up["dnext_h"]))), {"dnext_h": case.data["dnext"]}),
        **cache_swaps(lambda cache: call_checked(
            "rnn_step_backward", case.data["student"], (case.data["dnext"], cache),
            _step_outputs(N, D, H)), forward(*[a.copy() for a in args])[1],
            ("x", "prev_h", "Wx", "Wh", "next_h"), case.truth)}


def _rnn_responses(rnn_backward, rnn_forward, args, dh) -> dict:
    """The student's rnn_backward called again with the upstream gradient zero, doubled,
    and on one time step alone; and with one example's inputs changed."""
    N, T, H = dh.shape
    D = args[0].shape[2]

    def call(up):
        _, cache = rnn_forward(*[a.copy() for a in args])
        return _call_rnn_backward(rnn_backward, up["dh"], cache, N, T, D, H)

    return {**upstream_responses(call, lambda up: dict(zip(_RNN_NAMES, input_gradients(
        rnn_forward, args, up["dh"]))), {"dh": dh}, {"dh": (1, "time step")}),
        **sequence_example_responses(
            lambda a, g: _call_rnn_backward(rnn_backward, g, rnn_forward(
                *[v.copy() for v in a])[1], N, T, D, H),
            lambda a, g: dict(zip(("dx", "dh0"), input_gradients(
                lambda x, h0: rnn_forward(x, h0, *a[2:]), a[:2], g))), args, dh)}


def _rnn_outputs(N, T, D, H) -> dict:
    """rnn_backward's outputs and their shapes."""
    return dict(zip(_RNN_NAMES, ((N, T, D), (N, H), (D, H), (H, H), (H,))))


def _call_rnn_backward(student_fn, dh, cache, N, T, D, H):
    return call_checked("rnn_backward", student_fn, (dh, cache), _rnn_outputs(N, T, D, H))


def check_rnn_backward(rnn_backward, rnn_forward, rnn_step_forward, seed=0,
                       N=2, T=5, D=3, H=4):
    """Full gradient check of a short sequence: random upstream dh on every step."""
    fn = "rnn_backward"
    rng = rng_for(seed, fn)
    x, h0, Wx, Wh, b = _rnn_case(rng, N, T, D, H, radius=0.9)
    dh = rng.standard_normal((N, T, H))
    _, cache = rnn_forward(x.copy(), h0.copy(), Wx.copy(), Wh.copy(), b.copy())
    outs = _call_rnn_backward(rnn_backward, dh, cache, N, T, D, H)
    true = input_gradients(rnn_forward, [x, h0, Wx, Wh, b], dh)
    hints = _rnn_hints(rnn_step_forward, rnn_forward, x, h0, Wx, Wh, b, dh, true)
    probe = _rnn_probe(rnn_backward, rnn_forward, rnn_step_forward, seed)
    context = f"(N = {N}, T = {T}, D = {D}, H = {H}, random upstream dh on every step)"
    def views():
        found = probe()
        here = View(outs, dict(zip(_RNN_NAMES, true)),
                    **_rnn_declared(dh, [x, h0, Wx, Wh, b], rnn_forward, rnn_step_forward),
                    responses=_rnn_responses(rnn_backward, rnn_forward, [x, h0, Wx, Wh, b], dh))
        if found is None:
            return [here]
        return [here, View(found[0], dict(zip(_RNN_NAMES, found[2])),
                           **_rnn_declared(found[3], found[4], rnn_forward,
                                           rnn_step_forward),
                           responses=_rnn_responses(rnn_backward, rnn_forward, found[4],
                                                    found[3]))]
    explainer = Explainer(views, RNN_LAYOUT)
    for i, name in enumerate(_RNN_NAMES):
        expect_close(fn, name, outs[name], true[i], context=context, cause=_RNN_CAUSE,
                     hints=[Hint(h.cause, _and_on_probe(h.matches, probe, name, j))
                            for j, h in enumerate(hints[name])],
                     explain=explainer.for_output(name))


RNN_LAYOUT = Layout(axes={"dx": {1: "time step", 0: "example"}, "dh0": {0: "example"}})


def _rnn_walk(step_forward, args, dh, local=None, rule=(None, None)):
    """outputs(order, source): rnn_backward's outputs from the loop over the steps in
    `order`, step t reading the cached inputs of step source(t) (its own by default); each
    step's backward the complex step through the given step forward, with tanh's local
    derivative at every step replaced by `local` (N, T, H) when it is given, and the
    upstream and the carry joined by `rule` (explain.carry_rules) when it is given."""
    start, keep = rule
    x, h0, Wx, Wh, b = args
    T = dh.shape[1]
    prevs, outs, h = [], [], h0
    for t in range(T):
        prevs.append(h)
        h = step_forward(x[:, t, :], h, Wx, Wh, b)[0]
        outs.append(np.asarray(h, dtype=np.float64))

    def outputs(order, source=None):
        src = source or (lambda t: t)

        def step(t, carry):
            s = src(t)
            up = dh[:, t, :] + carry if start is None else start(dh[:, t, :], carry)
            if local is not None:     # another local derivative: tanh's reweighted at step t
                up = up * local[:, t, :] / (1.0 - outs[t] ** 2)
            gx, sent, *shared = input_gradients(step_forward,
                                                [x[:, s, :], prevs[s], Wx, Wh, b], up)
            return gx, (sent if keep is None else keep(sent, carry)), shared
        own, carry, shared = walk_steps(step, order, np.zeros_like(h0))
        dx = np.zeros(x.shape)
        for t, g in own.items():
            dx[:, t, :] = g
        return dict(zip(_RNN_NAMES, [dx, carry, *shared]))
    return outputs


def _rnn_declared(dh, args, rnn_forward, rnn_step_forward=None) -> dict:
    N, T, H = dh.shape
    walks, more_locals, arriving = {}, {}, {}
    if rnn_step_forward is not None:
        walk = _rnn_walk(rnn_step_forward, args, dh)
        walks = {**loop_alternatives(walk, T),
                 **cache_alternatives(lambda src: walk(list(range(T - 1, -1, -1)), src), T),
                 **{label: (lambda rule=rule: _rnn_walk(rnn_step_forward, args, dh, rule=rule)(
                     range(T - 1, -1, -1))) for label, rule in carry_rules().items()}}
        hs = np.asarray(rnn_forward(*args)[0], dtype=np.float64)
        # the gradient arriving at the first state h[:, 0]: what step 0's backward starts from
        arriving["h0grad"] = Quantity(
            dh[:, 0] + walk(list(range(T - 1, 0, -1)))["dh0"],
            "the gradient arriving at h[:, 0] (dh[:, 0] plus what flows back from step 1): "
            "what step 0's backward starts from, not what it sends back to h0", "state-gradient")
        more_locals = {"tanh": Local("tanh's local derivative at every step", "tanh",
                                     lambda v: _rnn_walk(rnn_step_forward, args, dh, local=v)(
                                         range(T - 1, -1, -1)), y=hs, y_name="h")}
    return {"circuit": forward_case(rnn_forward, dict(zip(_RNN_INPUTS, args)),
                                    dict(zip(_RNN_NAMES, _RNN_INPUTS)), {0: ("dh", dh)}),
            "sizes": {"N": N, "T": T, "H": H}, "locals": more_locals,
            "partials": partial_upstream(lambda g: dict(zip(_RNN_NAMES, input_gradients(
                rnn_forward, args, g))), dh, 1, "time step"),
            "alternatives": {**moved_upstream(
                lambda changed: dict(zip(_RNN_NAMES, input_gradients(rnn_forward, args,
                                                                     changed))), dh),
                **walks},
            "quantities": {"dh0": Quantity(dh[:, 0], "the upstream gradient of step 0, "
                                           "dh[:, 0]", "upstream"),
                           "dhT": Quantity(dh[:, -1], "the upstream gradient of the last "
                                           "step, dh[:, -1]", "upstream"),
                           # the weights (a product applied once more)
                           "Wh": Quantity(args[3], "the weights Wh", "weights"),
                           "Wx": Quantity(args[2], "the weights Wx", "weights"), **arriving}}


def _rnn_probe(rnn_backward, rnn_forward, rnn_step_forward, seed):
    """A second sequence of other sizes, run only when a hint needs it (once): the
    student's outputs and the hints built for it."""
    memo: list = []

    def probe():
        if not memo:
            try:
                rng = rng_for(seed, "rnn_backward_probe")
                N, T, D, H = 3, 4, 2, 3
                x, h0, Wx, Wh, b = _rnn_case(rng, N, T, D, H, radius=0.9)
                dh = rng.standard_normal((N, T, H))
                _, cache = rnn_forward(x.copy(), h0.copy(), Wx.copy(), Wh.copy(), b.copy())
                outs = _call_rnn_backward(rnn_backward, dh, cache, N, T, D, H)
                true = input_gradients(rnn_forward, [x, h0, Wx, Wh, b], dh)
                memo.append((outs, _rnn_hints(rnn_step_forward, rnn_forward, x, h0, Wx, Wh,
                                              b, dh, true), true, dh, [x, h0, Wx, Wh, b]))
            except (StudentCodeError, CheckFailure):
                memo.append(None)
        return memo[0]
    return probe


def _and_on_probe(matches, probe, name, j):
    """A hint predicate: hint j of output `name` matches here AND on the probe sequence."""
    def both(actual):
        if not matches(actual):
            return False
        found = probe()
        return found is not None and found[1][name][j].matches(found[0][name])
    return both


def check_rnn_backward_long(rnn_backward, rnn_forward, seed=0, N=2, T=50, D=5, H=50):
    """A long sequence, checked at sampled entries (dx at the last, the first and a middle
    step) and along random directions."""
    fn = "rnn_backward"
    rng = rng_for(seed, fn + "_long")
    x, h0, Wx, Wh, b = _rnn_case(rng, N, T, D, H, radius=1.2)
    dh = rng.standard_normal((N, T, H))
    _, cache = rnn_forward(x.copy(), h0.copy(), Wx.copy(), Wh.copy(), b.copy())
    outs = _call_rnn_backward(rnn_backward, dh, cache, N, T, D, H)
    args = [x, h0, Wx, Wh, b]
    context = f"on a long sequence (N = {N}, T = {T}, D = {D}, H = {H}, random dh on every step)"
    n = int(rng.integers(N))
    coords = [[([(n, T - 1, int(rng.integers(D)))], _RNN_CAUSE),
               ([(n, 0, int(rng.integers(D))), (n, T // 2, int(rng.integers(D)))],
                RNN_LATE_ONLY)]]
    # one entry of dh0 (tiny after 50 steps, so the directions can't see it) and of dWh;
    # dWx and db are covered by the directions
    coords += [[(random_indices(rng, a.shape, k), _RNN_CAUSE)] if k else []
               for a, k in zip(args[1:], (1, 0, 1, 0))]
    expect_sampled_gradient(fn, lambda *a: rnn_forward(*a)[0], args, outs, dh, rng, context,
                            _RNN_CAUSE, coords=dict(zip(_RNN_NAMES, coords)))


# =============================================================== clipping

CLIP_SEPARATE = ("each array was clipped separately: clip by the GLOBAL norm of all the "
                 "arrays together and scale every array by the same factor; that single "
                 "factor is what keeps the direction of the whole gradient.")
CLIP_SQUARED = ("the squared norm: the global norm is the square root of the sum of the "
                "squares of every entry of every array.")
CLIP_SUM_NORMS = ("the norms of the arrays were added: the global norm is "
                  "sqrt(sum of the squared array norms), not their sum.")
CLIP_AFTER = "total_norm must be the norm BEFORE clipping, not after."
CLIP_NOT_SCALED = ("nothing was scaled: when total_norm > max_norm, multiply every array by "
                   "max_norm / total_norm.")
CLIP_INVERTED = "the scale factor is upside down: it is max_norm / total_norm (below 1)."
CLIP_BY_VALUE = ("the entries were clipped by value (each one capped at +-max_norm): "
                 "clipping by norm keeps every entry's sign and ratio and multiplies all "
                 "of them by one factor, max_norm / total_norm, when total_norm > max_norm.")
CLIP_SCALED_SMALL = ("a gradient below max_norm was rescaled: clip only when total_norm > "
                     "max_norm; otherwise return copies of the arrays unchanged.")


def _grads_dict(rng, scales):
    shapes = {"Wx": (4, 3), "Wh": (3, 3), "b": (3,)}
    return {k: s * rng.standard_normal(shapes[k]) for k, s in zip(shapes, scales)}


def _global_norm(grads) -> float:
    return float(np.sqrt(sum(np.sum(np.square(g)) for g in grads.values())))


def _check_grad_dict(fn, clipped, grads):
    if not isinstance(clipped, dict):
        raise CheckFailure(f"`{fn}` must return a dict name -> array as clipped, not "
                           f"{type(clipped).__name__}.")
    if clipped is grads:
        raise CheckFailure(f"`{fn}` returned its input dict: build a new dict "
                           "({name: new array}) so that the caller's gradients stay as they were.")
    if set(clipped) != set(grads):
        raise CheckFailure(f"`{fn}`: the clipped dict has keys {sorted(clipped)}, expected "
                           f"{sorted(grads)} (the same names as the input).")
    out = {k: expect_array(fn, f"clipped[{k!r}]", clipped[k], grads[k].shape) for k in grads}
    expect_new_arrays(fn, {f"clipped[{k!r}]": v for k, v in out.items()}, [grads])
    return out


def _clip_norm_call(clip_grad_norm, grads, max_norm):
    fn = "clip_grad_norm"
    out = call_checked(fn, clip_grad_norm, (grads, max_norm),
                       {"clipped": None, "total_norm": NUMBER})
    return _check_grad_dict(fn, out["clipped"], grads), out["total_norm"]


def check_clip_grad_norm(clip_grad_norm, seed=0):
    """A gradient about 8x too long: the global norm is reported, every array is scaled by
    one factor (direction kept, new norm = max_norm), the input dict is untouched."""
    fn = "clip_grad_norm"
    rng = rng_for(seed, fn)
    grads = _grads_dict(rng, (1.0, 6.0, 0.5))    # one array dominates the norm
    true_norm = _global_norm(grads)
    max_norm = float(np.round(true_norm / rng.uniform(6.0, 10.0), 3))
    clipped, total = _clip_norm_call(clip_grad_norm, grads, max_norm)
    context = f"(total norm {true_norm:.4g} above max_norm = {max_norm:g})"
    norms = {k: float(np.linalg.norm(g)) for k, g in grads.items()}

    def views():
        """This case and, for the explainer only, one more dict of other sizes."""
        prng = rng_for(seed, fn + "_probe")
        pgrads = _grads_dict(prng, (2.0, 0.7, 3.0))
        pmax = float(np.round(_global_norm(pgrads) / prng.uniform(3.0, 5.0), 3))
        _, ptotal = _clip_norm_call(clip_grad_norm, pgrads, pmax)
        return [View({"total_norm": t}, {"total_norm": _global_norm(g)},
                     quantities=_norm_family(g, m))
                for t, g, m in ((total, grads, max_norm), (ptotal, pgrads, pmax))]
    expect_close(fn, "total_norm", total, true_norm, context=context, cause=(
        "total_norm is sqrt(sum over every array of the sum of its squared entries)."),
        explain=Explainer(views, cases=lambda: _norm_cases(clip_grad_norm, seed)).for_output(
            "total_norm"), hints=[
        Hint(CLIP_SQUARED, looks_like(true_norm ** 2)),
        Hint(CLIP_AFTER, looks_like(max_norm)),
        Hint(CLIP_SUM_NORMS, looks_like(sum(norms.values()))),
    ])
    scale = max_norm / true_norm
    # each hint is named only when it explains every array of the dict
    candidates = [
        (CLIP_SEPARATE, lambda g: g * min(1.0, max_norm / float(np.linalg.norm(g)))),
        (CLIP_SQUARED, lambda g: g * max_norm / true_norm ** 2),
        (CLIP_NOT_SCALED, lambda g: g),
        (CLIP_INVERTED, lambda g: g / scale),
        (CLIP_BY_VALUE, lambda g: np.clip(g, -max_norm, max_norm)),
    ]
    hints = [Hint(cause, _every_array(make, clipped, grads)) for cause, make in candidates]
    # the explainer with each array as a case of one output, labelled by its own norm (a
    # relation must hold on every array where yours is wrong)
    # (and the arrays of a second dict, made only when asked)
    def array_views(clipped=clipped, grads=grads, max_norm=max_norm):
        prng = rng_for(seed, fn + "_arrays")
        pgrads = _grads_dict(prng, (3.0, 0.3, 0.5))
        pmax = float(np.round(_global_norm(pgrads) / prng.uniform(3.0, 5.0), 3))
        pclipped, _ = _clip_norm_call(clip_grad_norm, pgrads, pmax)
        views = []
        for got, given, m in ((clipped, grads, max_norm), (pclipped, pgrads, pmax)):
            scale = m / _global_norm(given)
            for k, g in given.items():
                own = float(np.linalg.norm(g))
                views.append(View(
                    {"clipped": got[k]}, {"clipped": g * scale},
                    quantities={"g": Quantity(g, "the array as it came (not scaled)",
                                              "input")},
                    label=f"for the array {k!r}, whose own norm {own:.3g} is "
                          f"{'above' if own > m else 'below'} max_norm"))
        return views
    explainer = Explainer(array_views)
    for k in grads:
        expect_close(fn, f"clipped[{k!r}]", clipped[k], grads[k] * scale, context=context,
                     cause="multiply every array by the same factor max_norm / total_norm.",
                     hints=hints, explain=explainer.for_output("clipped"))
    new_norm = _global_norm(clipped)
    if abs(new_norm - max_norm) > 1e-6 * max_norm:   # implied by the above; a safety net
        raise CheckFailure(f"`{fn}`: the clipped gradient has global norm {new_norm:.6g}, "
                           f"expected max_norm = {max_norm:g}.")
    # just above a max_norm under 1, where the squared norm is below max_norm: the test
    # must compare the norm itself with max_norm
    small_max = float(np.round(rng.uniform(0.2, 0.5), 3))
    grads = _grads_dict(rng, (1.0, 0.7, 0.4))
    grads = {k: g * (1.25 * small_max / _global_norm(grads)) for k, g in grads.items()}
    true_norm = _global_norm(grads)
    clipped, total = _clip_norm_call(clip_grad_norm, grads, small_max)
    context = (f"(total norm {true_norm:.4g} just above max_norm = {small_max:g}, its square "
               f"{true_norm ** 2:.4g} below it)")
    expect_close(fn, "total_norm", total, true_norm, context=context, cause=(
        "total_norm is sqrt(sum over every array of the sum of its squared entries)."))
    for k in grads:
        expect_close(fn, f"clipped[{k!r}]", clipped[k], grads[k] * small_max / true_norm,
                     context=context, cause="clip when total_norm > max_norm (the norm itself, "
                     "not its square): multiply every array by max_norm / total_norm.",
                     hints=[Hint(CLIP_NOT_SCALED, looks_like(grads[k]))])


def _norm_cases(clip_grad_norm, seed) -> list:
    """The student's total_norm for dicts of simpler kinds (each far above its max_norm),
    labelled for the explainer's which-cases-are-right: one array alone, arrays of one entry
    each, arrays whose entries are all positive, and arrays of other shapes."""
    rng = rng_for(seed, "clip_grad_norm_cases")
    kinds = [
        ("for a dict of a single array", {"W": rng.standard_normal((3, 4))}),
        ("for a dict of arrays of one entry each",
         {k: rng.standard_normal((1,)) for k in ("Wx", "Wh", "b")}),
        ("for a dict of arrays whose entries are all positive",
         {k: np.abs(rng.standard_normal(sh)) + 0.1 for k, sh in (("Wx", (2, 3)), ("b", (3,)))}),
        ("for a dict of arrays of mixed signs and other shapes",
         {k: rng.standard_normal(sh) for k, sh in (("Wx", (3, 2)), ("Wh", (2, 2)),
                                                    ("b", (2,)))}),
    ]
    out = []
    for label, grads in kinds:
        _, total = _clip_norm_call(clip_grad_norm, grads, _global_norm(grads) / 8.0)
        out.append(View({"total_norm": total}, {"total_norm": _global_norm(grads)},
                        label=label))
    return out


def _norm_family(grads, max_norm) -> dict:
    """Other sizes of a dict of arrays that a total_norm may be instead of the global L2
    norm: each array's norm added up, the largest array's, the L1 and max norms of all the
    entries, their root mean square, and max_norm (the norm after clipping)."""
    flat = np.concatenate([np.ravel(g) for g in grads.values()])
    norms = [float(np.linalg.norm(g)) for g in grads.values()]
    said = {
        "sum-norms": (sum(norms), "the sum of the arrays' own norms"),
        "largest-norm": (max(norms), "the largest array's own norm"),
        "l1": (float(np.sum(np.abs(flat))), "the sum of the absolute values of all the "
                                            "entries"),
        "max-abs": (float(np.max(np.abs(flat))), "the largest absolute entry"),
        "rms": (float(np.sqrt(np.mean(flat ** 2))), "the root mean square of all the entries "
                                                    "(the norm divided by the square root of "
                                                    "their number)"),
        "max_norm": (float(max_norm), "max_norm (the norm after clipping)"),
    }
    return {k: Quantity(np.float64(v), label, "norm") for k, (v, label) in said.items()}


def _every_array(make, clipped, grads):
    """A hint predicate: make(g) predicts clipped[k] for EVERY array g = grads[k]."""
    def matches(_actual):
        return all(looks_like(make(grads[k]))(clipped[k]) for k in grads)
    return matches


def check_clip_grad_norm_small(clip_grad_norm, seed=0):
    """Gradients below max_norm come back unchanged (as new arrays); the norm is reported.
    Twice: well below a max_norm under 1, and just below a max_norm above 1 (where the
    squared norm is above max_norm: a comparison of the square with max_norm shows)."""
    fn = "clip_grad_norm"
    rng = rng_for(seed, fn + "_small")
    grads = _grads_dict(rng, (0.3, 0.2, 0.1))
    true_norm = _global_norm(grads)
    max_norm = float(np.round(true_norm * rng.uniform(2.0, 4.0), 3))
    _expect_unclipped(clip_grad_norm, grads, max_norm)
    # just below a max_norm above 1: sqrt(max_norm) < norm < max_norm
    max_norm = float(np.round(rng.uniform(3.0, 6.0), 3))
    grads = _grads_dict(rng, (1.0, 0.7, 0.4))
    grads = {k: g * (0.8 * max_norm / _global_norm(grads)) for k, g in grads.items()}
    _expect_unclipped(clip_grad_norm, grads, max_norm)


def _expect_unclipped(clip_grad_norm, grads, max_norm) -> None:
    fn = "clip_grad_norm"
    true_norm = _global_norm(grads)
    clipped, total = _clip_norm_call(clip_grad_norm, grads, max_norm)
    context = f"(total norm {true_norm:.4g} below max_norm = {max_norm:g}: nothing to clip)"
    expect_close(fn, "total_norm", total, true_norm, context=context, cause=(
        "total_norm is the global norm before clipping, also when nothing is clipped."),
        hints=[Hint(CLIP_SQUARED, looks_like(true_norm ** 2)),
               Hint(CLIP_SUM_NORMS, looks_like(sum(float(np.linalg.norm(g))
                                                   for g in grads.values())))])
    for k in grads:
        expect_close(fn, f"clipped[{k!r}]", clipped[k], grads[k], context=context,
                     tol=1e-12, cause=CLIP_SCALED_SMALL,
                     hints=[Hint(CLIP_SCALED_SMALL, looks_like(grads[k] * max_norm / true_norm))])


VALUE_UPPER_ONLY = ("only the upper bound was applied: clip every entry to "
                    "[-clip_value, clip_value], on both sides (np.clip).")
VALUE_LOWER_ONLY = ("only the lower bound was applied: clip every entry to "
                    "[-clip_value, clip_value], on both sides (np.clip).")
VALUE_ZERO_LOW = "the lower bound is -clip_value, not 0."
VALUE_BY_NORM = ("that is clipping by norm: clip_grad_value caps each entry on its own, "
                 "without rescaling the others.")


def check_clip_grad_value(clip_grad_value, seed=0):
    """Entries above clip_value and below -clip_value are capped, the rest unchanged; the
    input dict is untouched and a new dict of new arrays comes back."""
    fn = "clip_grad_value"
    rng = rng_for(seed, fn)
    clip = float(np.round(rng.uniform(0.5, 1.5), 2))
    grads = {k: 2.0 * clip * rng.standard_normal(s) for k, s in
             {"Wx": (4, 3), "Wh": (3, 3), "b": (5,)}.items()}
    for k, g in grads.items():        # no entry within 5% of a bound; both bounds in play
        g[np.abs(np.abs(g) - clip) < 0.05 * clip] *= 1.2
        g.flat[0], g.flat[1] = 2.5 * clip, -2.5 * clip
    out = call_checked(fn, clip_grad_value, (grads, clip), {"clipped": None})
    clipped = _check_grad_dict(fn, out["clipped"], grads)
    total = _global_norm(grads)
    context = f"(clip_value = {clip:g})"
    # the explainer with each array as a case of one output (a relation must hold on all)
    explainer = Explainer([
        View({"clipped": clipped[k]}, {"clipped": np.clip(g, -clip, clip)},
             scalars={"clip_value": (clip, "clip_value")},
             quantities={"g": Quantity(g, "the array as it came (not clipped)", "input")},
             regions={"clipped": [("the entries inside [-clip_value, clip_value]",
                                   np.abs(g) <= clip),
                                  ("the entries above clip_value", g > clip),
                                  ("the entries below -clip_value", g < -clip)]},
             label=f"for the {g.ndim}-D array {k!r}")
        for k, g in grads.items()])
    for k, g in grads.items():
        expect_close(fn, f"clipped[{k!r}]", clipped[k], np.clip(g, -clip, clip),
                     explain=explainer.for_output("clipped"),
                     context=context, cause="every entry of every array is limited to [-clip_value, clip_value] on its own.",
                     hints=[Hint(VALUE_UPPER_ONLY, looks_like(np.minimum(g, clip))),
                            Hint(VALUE_LOWER_ONLY, looks_like(np.maximum(g, -clip))),
                            Hint(VALUE_ZERO_LOW, looks_like(np.clip(g, 0.0, clip))),
                            Hint(VALUE_BY_NORM, looks_like(g * clip / total)),
                            Hint(VALUE_BY_NORM, looks_like(g * clip / np.linalg.norm(g)))])


# =============================================================== spectral_radius

RADIUS_SINGULAR = ("that is the largest singular value (the matrix 2-norm), not the spectral "
                   "radius: they agree for symmetric matrices only. Use the eigenvalues "
                   "(np.linalg.eigvals) and take the largest absolute value.")
RADIUS_SIGNED = ("the largest eigenvalue by value, not by magnitude: a negative eigenvalue "
                 "counts by its absolute value (and a complex one by its modulus; np.abs "
                 "gives both).")
RADIUS_REAL_PART = ("only the real parts of the eigenvalues were used: a complex eigenvalue "
                    "a + bi has magnitude sqrt(a**2 + b**2), which np.abs gives you.")
RADIUS_SYMMETRIC = ("np.linalg.eigvalsh/eigh assume a symmetric matrix and read only one "
                    "triangle of it: use np.linalg.eigvals for a general matrix.")
RADIUS_FROBENIUS = ("that is the Frobenius norm of the matrix, not its spectral radius: use "
                    "the eigenvalues (np.linalg.eigvals).")


def _with_eigenvalues(rng, real=(), pairs=()):
    """A real matrix with the given real eigenvalues and complex pairs a +- bi."""
    blocks = [np.array([[ev]]) for ev in real] + [np.array([[a, -b], [b, a]]) for a, b in pairs]
    n = sum(len(B) for B in blocks)
    B = np.zeros((n, n))
    i = 0
    for blk in blocks:
        k = len(blk)
        B[i:i + k, i:i + k] = blk
        i += k
    P = np.eye(n) + 0.4 * rng.standard_normal((n, n))
    return P @ B @ np.linalg.inv(P)


def _radius_screen(fn, what):
    """A screen for call_checked: an array of several numbers, or a complex number."""
    def screen(raw):
        result = raw["the spectral radius"]
        if isinstance(result, np.ndarray) and result.shape != () and result.size > 1:
            raise CheckFailure(f"`{fn}` returned an array of shape {result.shape} for {what}: "
                               "return one number, the largest absolute eigenvalue.")
        value = result[()] if isinstance(result, np.ndarray) else result
        if isinstance(value, (complex, np.complexfloating)):
            raise CheckFailure(
                f"`{fn}` returned the complex number {complex(value):.4g} for {what}: the "
                "spectral radius is a magnitude, the largest ABSOLUTE value of the eigenvalues "
                "(np.abs before the max).")
    return screen


def check_spectral_radius(spectral_radius, seed=0):
    """Matrices whose largest eigenvalue is complex, negative, or hidden behind a large
    singular value (non-normal), built with eigenvalues known by construction."""
    fn = "spectral_radius"
    rng = rng_for(seed, fn)
    s = float(rng.uniform(0.8, 1.2))
    cases = [
        ("a 2x2 rotation-and-scaling matrix (eigenvalues a +- bi)",
         _with_eigenvalues(rng, pairs=[(0.6 * s, 1.6 * s)]), [complex(0.6 * s, 1.6 * s)]),
        ("a 4x4 matrix with a negative dominant eigenvalue",
         _with_eigenvalues(rng, real=[-2.5 * s, 1.7 * s, 0.5 * s, -0.3]),
         [-2.5 * s, 1.7 * s, 0.5 * s, -0.3]),
        ("a 5x5 matrix with a complex pair dominant over a negative eigenvalue",
         _with_eigenvalues(rng, real=[-1.3 * s, 0.9, 0.2], pairs=[(-0.5 * s, 1.4 * s)]),
         [-1.3 * s, 0.9, 0.2, complex(-0.5 * s, 1.4 * s)]),
        ("an upper-triangular, non-symmetric matrix",
         np.array([[0.5 * s, 8.0, -3.0], [0.0, -0.4, 5.0], [0.0, 0.0, 0.3]]),
         [0.5 * s, -0.4, 0.3]),
    ]
    runs = []
    for what, W, eigs in cases:
        eigs = np.array(eigs, dtype=np.complex128)
        true = float(np.max(np.abs(eigs)))
        got = call_checked(fn, spectral_radius, (W,), {"the spectral radius": NUMBER},
                           screen=_radius_screen(fn, what))["the spectral radius"]
        real_parts = np.real(eigs)
        runs.append((got, true, what,
                     [Hint(RADIUS_SINGULAR, looks_like(np.linalg.norm(W, 2))),
                      Hint(RADIUS_REAL_PART, looks_like(np.max(np.abs(real_parts)))),
                      Hint(RADIUS_SIGNED, looks_like(np.max(real_parts))),
                      Hint(RADIUS_SYMMETRIC, looks_like(np.max(np.abs(np.linalg.eigvalsh(W))))),
                      Hint(RADIUS_FROBENIUS, looks_like(np.linalg.norm(W)))]))
    # a cause is named only when it gives the student's number on every matrix
    hints = on_every_case([(got, h) for got, _, _, h in runs])
    name = "the spectral radius"
    explainer = Explainer([View({name: got}, {name: true}, label=f"for {what}")
                           for got, true, what, _ in runs])
    for got, true, what, _ in runs:
        expect_close(fn, name, got, true, context=f"for {what}",
                     cause="the spectral radius is the largest magnitude among W's eigenvalues (complex ones included).",
                     hints=hints, explain=explainer.for_output(name))


# =============================================================== cost

# Sizes at which a correct backward pass takes milliseconds, a plain Python loop over the
# entries a fraction of a second, and a numerical gradient (one or two forward passes for
# each of the hundreds of thousands of parameters) minutes.
STEP_EFFICIENCY_SIZE = dict(N=1, D=400, H=500)
RNN_EFFICIENCY_SIZE = dict(N=1, T=2, D=350, H=350)
RELU_EFFICIENCY_SIZE = dict(H=500, T=3)


def _large_tanh_case(rng, N, D, H):
    """Inputs, a state and weights of a tanh RNN whose pre-activations are of size about 1
    (weights scaled by 1 / sqrt(fan-in); no eigenvalues computed at this size)."""
    x = rng.standard_normal((N, D))
    h0 = np.tanh(rng.standard_normal((N, H)))
    Wx = rng.standard_normal((D, H)) / np.sqrt(D)
    Wh = 0.9 * rng.standard_normal((H, H)) / np.sqrt(H)
    b = 0.2 * rng.standard_normal(H)
    return x, h0, Wx, Wh, b


def check_rnn_step_backward_efficiency(rnn_step_backward, rnn_step_forward, seed=0):
    """Backprop costs about one forward pass: one step with D = 400, H = 500 within a plain loop's
    time, and right along random directions."""
    fn = "rnn_step_backward"
    rng = rng_for(seed, fn + "_efficiency")
    N, D, H = (STEP_EFFICIENCY_SIZE[k] for k in "NDH")
    x, prev_h, Wx, Wh, b = _large_tanh_case(rng, N, D, H)
    dnext = rng.standard_normal((N, H))
    _, cache = rnn_step_forward(x.copy(), prev_h.copy(), Wx.copy(), Wh.copy(), b.copy())
    size = f"on one step with N = {N}, D = {D}, H = {H}"
    result = expect_efficient(
        fn, rnn_step_backward, (dnext, cache), loop_steps=2 * N * (D * H + H * H),
        forward=lambda: rnn_step_forward(x, prev_h, Wx, Wh, b),
        parameters=N * D + N * H + D * H + H * H + H, size=size)
    outs = outputs_by_name(fn, result, _step_outputs(N, D, H))
    expect_sampled_gradient(fn, lambda *a: rnn_step_forward(*a)[0], [x, prev_h, Wx, Wh, b],
                            outs, dnext, rng, size, _STEP_CAUSE)


def check_rnn_backward_efficiency(rnn_backward, rnn_forward, seed=0):
    """Backprop costs about one forward pass: a 2-step sequence with D = H = 350 within a
    plain loop's time, and right along random directions."""
    fn = "rnn_backward"
    rng = rng_for(seed, fn + "_efficiency")
    N, T, D, H = (RNN_EFFICIENCY_SIZE[k] for k in "NTDH")
    _, h0, Wx, Wh, b = _large_tanh_case(rng, N, D, H)
    x = rng.standard_normal((N, T, D))
    dh = rng.standard_normal((N, T, H))
    _, cache = rnn_forward(x.copy(), h0.copy(), Wx.copy(), Wh.copy(), b.copy())
    size = f"on a sequence with N = {N}, T = {T}, D = {D}, H = {H}"
    result = expect_efficient(
        fn, rnn_backward, (dh, cache), loop_steps=2 * N * T * (D * H + H * H),
        forward=lambda: rnn_forward(x, h0, Wx, Wh, b),
        parameters=N * T * D + N * H + D * H + H * H + H, size=size)
    outs = outputs_by_name(fn, result, _rnn_outputs(N, T, D, H))
    expect_sampled_gradient(fn, lambda *a: rnn_forward(*a)[0], [x, h0, Wx, Wh, b], outs, dh,
                            rng, size, _RNN_CAUSE)


def check_relu_rnn_backward_efficiency(relu_rnn_backward, relu_rnn_forward, seed=0):
    """Backprop costs about one forward pass: H = 500 (250,500 parameters) within a plain
    loop's time, and right along random directions."""
    fn = "relu_rnn_backward"
    rng = rng_for(seed, fn + "_efficiency")
    H, T = RELU_EFFICIENCY_SIZE["H"], RELU_EFFICIENCY_SIZE["T"]
    Whh, h0, _ = _relu_case(relu_rnn_forward, rng, H, T, radius=None, margin=1e-6)
    dhs = rng.standard_normal((T, H))
    _, cache = relu_rnn_forward(Whh.copy(), h0.copy(), T)
    size = f"on a sequence with T = {T}, H = {H}"
    result = expect_efficient(
        fn, relu_rnn_backward, (dhs, cache), loop_steps=2 * T * H * H,
        forward=lambda: relu_rnn_forward(Whh, h0, T), parameters=H * H + H, size=size)
    out = outputs_by_name(fn, result, {"dWhh": (H, H), "dh0": (H,)})
    expect_sampled_gradient(fn, lambda W, h: relu_rnn_forward(W, h, T)[0], [Whh, h0], out, dhs,
                            rng, size, _RELU_CAUSE)


# ---------------------------------------------------------------- predictions

def value_clip_cosine_truth() -> float:
    """The cosine between the gradient (6, 1) and its clip by value to [-1, 1]."""
    g = np.array([6.0, 1.0])
    c = np.clip(g, -1.0, 1.0)
    return float(g @ c / (np.linalg.norm(g) * np.linalg.norm(c)))


def check_predict_value_clip_cosine(predict_value_clip_cosine, seed=0):
    """The clipping picture's prediction: the cosine after clipping by value, within 0.03."""
    from .core import expect_prediction
    expect_prediction("predict_value_clip_cosine", predict_value_clip_cosine,
                      value_clip_cosine_truth(),
                      what="the cosine between the gradient (6, 1) and its clip by value to "
                           "[-1, 1]", abs_tol=0.03)


# Every check of a backward pass also asks for chain-rule exactness (no finite differences).
from .exactness import guard_backprop  # noqa: E402

guard_backprop(globals())

# Last, once every check is defined: in a notebook each one prints a line when it passes.
from .core import announce_passes  # noqa: E402

announce_passes(globals())
