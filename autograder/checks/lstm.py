"""Checks for the `lstm` assignment: gated cells and the Huber loss.

Graded functions (SPEC.md): `lstm_step_backward`, `lstm_backward`, `huber_backward`.

Ground truth comes only from the trusted forward passes the test cell hands in and from
numerical derivatives; the package holds no backward pass:

- LSTM (`lstm_step_backward`, `lstm_backward`): the complex step through the given
  `lstm_step_forward` / `lstm_forward` (sigmoid and tanh are analytic, and the given
  forwards build their outputs without fixing a dtype), exact to rounding at every entry,
  the early steps of a sequence included.
- `huber_backward`: centered differences of the given `huber_loss` at errors kept well away
  from the kinks at +-delta, where the loss is locally a parabola or a line and centered
  differences are exact to rounding.
- Cost (`check_lstm_backward_efficiency`): a size at which any numerical differentiation
  of the forward takes minutes, while backpropagation takes a fraction of a second; the
  answer is then checked by centered differences along random directions (two forward
  passes each).

A usual mistake is named only when it is verified: the student's outputs match, on every
case of the check and on every output, what that mistake returns. What a mistake returns is
built from the same trusted pieces: the gradient of the forward with the upstream gradient
reweighted (tanh' of next_c forgotten), with a state frozen between steps (a carry missing),
with the weights of one step as a separate input (`=` instead of `+=`), the numerical
gradient on the pre-activation `a` (the gradient with respect to a bias given to each
example separately) rearranged as the mistake rearranges it, or, inside a sequence, a step
forward whose complex-step derivative is the mistaken one (its values are the real
forward's; only the path of the imaginary perturbation changes, see `_mistaken_step`).
"""
from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Callable, Sequence

import numpy as np

from .circuit import forward_case
from .explain import (Explainer, Inner, Layout, Local, Quantity, View, cache_alternatives,
                      cache_swaps, carry_rules, changed_row, example_responses,
                      layer_contractions,
                      loop_alternatives, moved_upstream, partial_upstream, scalar_responses,
                      sequence_example_responses, upstream_responses, walk_steps)
from .core import (
    CS_STEP, CheckFailure, Helper, Hint, StudentCodeError, call_checked, complex_step_gradient,
    expect_close,
    expect_efficient, expect_sampled_gradient, input_gradients, numerical_gradient, once,
    outputs_by_name, relative_error, rng_for, unit_vector,
)

_MATCH_TOL = 1e-5            # how close an answer must be to a mistake's prediction
TIME_LIMIT = 5.0             # seconds, the grader's default limit for one test's calls


def _same(actual, predicted) -> bool:
    actual = np.asarray(actual, dtype=np.float64)
    predicted = np.asarray(predicted, dtype=np.float64)
    return (actual.shape == predicted.shape
            and float(np.max(relative_error(actual, predicted), initial=0.0)) <= _MATCH_TOL)


def _verified_causes(outputs: Sequence[dict], truths: Sequence[dict],
                     mistakes: Sequence[tuple[str, Callable[[int], dict]]]) -> list[str]:
    """The causes whose predictions the student's outputs match on every case.

    `outputs[k]` and `truths[k]` map output names to arrays for case k; a mistake is
    (cause, predict) where predict(k) gives the outputs the mistake changes in case k (the
    others are predicted to be right). A mistake that changes nothing here cannot be named.
    `predict.screen(k, outputs[k])`, when present, is a cheap necessary condition (one
    directional derivative) tried first.
    """
    named = []
    for cause, predict in mistakes:
        if cause in named:
            continue
        try:
            screen = getattr(predict, "screen", None)     # a cheap test that can only reject
            if screen is not None and not all(screen(k, got) for k, got in enumerate(outputs)):
                continue
            ok, changes = True, False
            for k, (got, truth) in enumerate(zip(outputs, truths)):
                wrong = predict(k)
                for name in got:
                    expected = wrong.get(name, truth[name])
                    if name in wrong and not _same(wrong[name], truth[name]):
                        changes = True
                    if not _same(got[name], expected):
                        ok = False
                        break
                if not ok:
                    break
            if ok and changes:
                named.append(cause)
        except Exception:     # a prediction that cannot be built names nothing
            continue
    return named


def _judge(fn: str, outputs: Sequence[dict], truths: Sequence[dict], contexts: Sequence[str],
           mistakes: Sequence[tuple[str, Callable[[int], dict]]], cause: str,
           tol: float = 1e-6, declare: Callable[[int], dict] | None = None,
           layout: Layout = Layout(), probe: Callable[[], list] | None = None) -> None:
    """Fail on the first wrong output of the first wrong case, naming a verified cause.
    `declare(k)`: what the difference explainer may refer to in case k (View's keywords);
    `probe()`: more cases for the explainer only, (outputs, truth, declared) each, run only
    when an answer is wrong (a second input where a check's own cases leave one output
    right in all but one of them)."""
    def views():
        out = [View(got, truth, **(declare(k) if declare else {}), label=contexts[k])
               for k, (got, truth) in enumerate(zip(outputs, truths))]
        try:
            extra = probe() if probe is not None else []
        except (StudentCodeError, CheckFailure):
            extra = []
        return out + [View(got, truth, **declared) for got, truth, declared in extra]
    explainer = Explainer(views, layout)     # built always (a test asks it on right answers)
    wrong = any(float(np.max(relative_error(got[n], truth[n]), initial=0.0)) > tol
                for got, truth in zip(outputs, truths) for n in got)
    if not wrong:
        return
    named = _verified_causes(outputs, truths, mistakes)
    hints = [Hint(c, lambda _actual: True) for c in named[:1]]
    for got, truth, context in zip(outputs, truths, contexts):
        for name in got:
            expect_close(fn, name, got[name], truth[name], tol=tol, hints=hints, cause=cause,
                         context=context, explain=explainer.for_output(name))


class _Lazy(Mapping):
    """The outputs a mistake predicts, each computed when first asked for."""

    def __init__(self, names: Sequence[str], make: Callable[[str], np.ndarray]):
        self._names, self._make, self._memo = tuple(names), make, {}

    def __contains__(self, name) -> bool:
        return name in self._names

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self._names:
            raise KeyError(name)
        if name not in self._memo:
            self._memo[name] = self._make(name)
        return self._memo[name]

    def __iter__(self):
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


# =============================================================== lstm_step_backward

_STEP_NAMES = ("dx", "dprev_h", "dprev_c", "dWx", "dWh", "db")
_STEP_INPUTS = ("x", "prev_h", "prev_c", "Wx", "Wh", "b")
# the notebook's sigmoid is one gate of the traced forward (circuit.forward_case)
_ONE_GATE = {"sigmoid": "logistic"}

_STEP_CAUSE = ("walk the step backwards one forward line at a time (next_h from o and "
               "next_c; next_c from f, prev_c, i and g; each gate from its block of a) and "
               "write down the local derivative of each line with respect to each of its "
               "inputs: every path that reaches next_c adds up, each gate's derivative is the "
               "one of its own nonlinearity, and the four blocks of the gradient on a go in "
               "the order the forward cuts a. Then let the shapes decide every product: for "
               "each gradient, the one product of the gradient on a (N, 4H) with x, prev_h, "
               "Wx or Wh (one of them transposed) that has that gradient's shape.")
STEP_NO_TANH_DERIV = ("tanh' of next_c is forgotten on the path through next_h: next_h = "
                      "o * tanh(next_c), so the path from next_h to next_c also "
                      "passes through the derivative of that tanh.")
STEP_TANH_DERIV_RAW = ("tanh' of next_c is taken as 1 - next_c**2: next_c is the cell state "
                       "before the tanh, so its derivative must be taken at tanh(next_c), not at next_c.")
STEP_NO_DNEXT_C = ("dnext_c is ignored: the gradient on next_c is dnext_c (from the next step) "
                   "PLUS what arrives through next_h.")
STEP_GATE_ORDER = ("the gates are stacked in the wrong order: the forward cuts a into blocks "
                   "i, f, o, g (in that order), and the gradient on a must be stacked the same way; "
                   "here the blocks are in the order {order}.")
STEP_FORGET_NEXT_C = ("the forget gate is applied to the wrong state: next_c = f * prev_c + "
                      "i * g: f multiplies the PREVIOUS cell state, not next_c.")
STEP_FORGET_PREV_H = ("the forget gate is applied to the wrong state: next_c = f * prev_c + "
                      "i * g: f multiplies the previous CELL state, not prev_h.")
STEP_CARRY_NO_F = ("dprev_c misses the forget gate: next_c = f * prev_c + ..., so prev_c "
                   "reaches next_c through a product with f.")
STEP_DB_MEAN = ("db is averaged; it must be summed: b is added to every example, so every "
                "one of them contributes to db.")


def _step_case(rng, N, D, H):
    """Inputs of one step; prev_c kept away from 0 (a wrong state must show)."""
    x = rng.standard_normal((N, D))
    prev_h = np.tanh(rng.standard_normal((N, H)))
    prev_c = rng.standard_normal((N, H))
    prev_c = np.where(np.abs(prev_c) < 0.3, np.sign(prev_c + 1e-12) * 0.3, prev_c)
    Wx = 0.5 * rng.standard_normal((D, 4 * H))
    Wh = 0.5 * rng.standard_normal((H, 4 * H))
    b = 0.3 * rng.standard_normal(4 * H)
    return x, prev_h, prev_c, Wx, Wh, b


def _step_grads(step_forward, args, dnext_h, dnext_c):
    """Complex-step gradients of sum(next_h * dnext_h + next_c * dnext_c) for each input."""
    return input_gradients(step_forward, args, np.concatenate([dnext_h, dnext_c], axis=1),
                           output=lambda out: np.concatenate(out[:2], axis=1))


def _step_da(step_forward, args, dnext_h, dnext_c):
    """The gradient on the pre-activation a (N, 4H): on a bias given to each example."""
    x, prev_h, prev_c, Wx, Wh, b = args
    N = x.shape[0]
    weight = np.concatenate([dnext_h, dnext_c], axis=1)

    def f(B):
        next_h, next_c, _ = step_forward(x, prev_h, prev_c, Wx, Wh, B)
        return np.concatenate([next_h, next_c], axis=1)
    return complex_step_gradient(f, np.broadcast_to(b, (N, b.size)).copy(), weight)


def _from_da(args, da) -> dict:
    """The outputs that follow from a (possibly mistaken) gradient on a."""
    x, prev_h, _, Wx, Wh, _ = args
    return {"dx": da @ Wx.T, "dprev_h": da @ Wh.T, "dWx": x.T @ da, "dWh": prev_h.T @ da,
            "db": da.sum(axis=0)}


def _step_mistakes(step_forward, cases) -> list:
    """(cause, predict) for the usual mistakes of lstm_step_backward, over `cases`.

    Each case is (args, dnext_h, dnext_c, cache).
    """
    H = cases[0][0][1].shape[1]
    das = [once(lambda c=c: _step_da(step_forward, c[0], c[1], c[2])) for c in cases]

    def reweighted(extra_c: Callable) -> Callable[[int], dict]:
        """The right gradient with dnext_c replaced by dnext_c + extra_c(case)."""
        memo: dict = {}

        def predict(k):
            if k not in memo:
                args, dnh, dnc, cache = cases[k]
                g = _step_grads(step_forward, args, dnh, dnc + extra_c(cases[k]))
                memo[k] = dict(zip(_STEP_NAMES, g))
            return memo[k]
        return predict

    def tanh_c(case):
        return np.tanh(np.real(case[3][9]))

    def permuted(order):
        def predict(k):
            da = das[k]()
            blocks = {name: da[:, j * H:(j + 1) * H] for j, name in enumerate("ifog")}
            return _from_da(cases[k][0], np.concatenate([blocks[n] for n in order], axis=1))
        return predict

    def forget_state(which):
        def predict(k):
            args, _, _, cache = cases[k]
            da = das[k]().copy()
            state = cache[9] if which == "next_c" else args[1]
            da[:, H:2 * H] *= state / args[2]        # df = dc * state instead of dc * prev_c
            return _from_da(args, da)
        return predict

    def carry_without_f(k):
        args, dnh, dnc, cache = cases[k]
        true_dprev_c = _step_grads(step_forward, args, dnh, dnc)[2]
        return {"dprev_c": true_dprev_c / cache[6]}

    mistakes = [
        (STEP_NO_TANH_DERIV, reweighted(lambda c: c[1] * c[3][7] * tanh_c(c) ** 2)),
        (STEP_TANH_DERIV_RAW, reweighted(
            lambda c: c[1] * c[3][7] * (tanh_c(c) ** 2 - c[3][9] ** 2))),
        (STEP_NO_DNEXT_C, reweighted(lambda c: -c[2])),
        (STEP_FORGET_NEXT_C, forget_state("next_c")),
        (STEP_FORGET_PREV_H, forget_state("prev_h")),
        (STEP_CARRY_NO_F, carry_without_f),
        (STEP_DB_MEAN, lambda k: {"db": das[k]().sum(axis=0) / cases[k][0][0].shape[0]}),
    ]
    for order in itertools.permutations("ifog"):
        if order != tuple("ifog"):
            mistakes.append((STEP_GATE_ORDER.format(order=", ".join(order)), permuted(order)))
    return mistakes


_GATES = ("input gate i", "forget gate f", "output gate o", "cell candidate g")
# The weights' and the bias's gradients are four gate blocks side by side; the batch is axis 0.
STEP_LAYOUT = Layout(axes={n: {0: "example"} for n in ("dx", "dprev_h", "dprev_c")},
                     blocks={"dWx": (1, _GATES), "dWh": (1, _GATES), "db": (0, _GATES),
                             "da": (1, _GATES)})


def _gate_operands(i, f, o, g, prev_c, next_c, dnh, dnc) -> dict:
    """What a relation on the gradient on the pre-activations a (N, 4H: blocks i, f, o, g)
    may refer to, each of a's shape: per block, the gate's own value and the other factor
    of the product it enters, the derivative of its own nonlinearity and of the other one,
    and the states and upstream gradients the blocks are made from."""
    def stack(*blocks):
        return np.concatenate(blocks, axis=1)

    def tile(q):
        return stack(q, q, q, q)
    tc = np.tanh(next_c)
    own = stack(i, f, o, g)
    dc = dnc + dnh * o * (1.0 - tc ** 2)
    sig = 1.0 / (1.0 + np.exp(-own))
    return {
        "o": Quantity(tile(o), "the output gate o", "gate"),
        "tanh'c": Quantity(tile(1 - tc ** 2), "tanh's derivative at next_c, 1 - tanh(next_c)**2",
                           "derivative"),
        "at-out": Quantity(stack(*(np.split(sig * (1 - sig), 4, axis=1)[:3]),
                                 1 - np.tanh(g) ** 2),
                           "each gate's derivative taken at the gate's value (its output), "
                           "not at its input", "derivative"),
        "own": Quantity(own, "each gate's own value (i, f, o, g)", "gate"),
        "other": Quantity(stack(g, prev_c, tc, i), "the other factor of each gate's product "
                          "(g for i, prev_c for f, tanh(next_c) for o, i for g)", "gate"),
        "dnl": Quantity(stack(i * (1 - i), f * (1 - f), o * (1 - o), 1 - g ** 2),
                        "each gate's own derivative (the sigmoid's derivative for i, f, o; "
                        "the tanh's derivative for g)", "derivative"),
        "sig'": Quantity(own * (1 - own), "the sigmoid's derivative s * (1 - s) (for every "
                         "gate, g too)", "derivative"),
        "tanh'": Quantity(1 - own ** 2, "the tanh's derivative 1 - s**2 (for every gate, "
                          "i, f and o too)", "derivative"),
        "next_c": Quantity(tile(next_c), "next_c (the cell state before its tanh)", "cache"),
        "tanh_c": Quantity(tile(tc), "tanh(next_c)", "cache"),
        "prev_c": Quantity(tile(prev_c), "prev_c (cached)", "cache"),
        "dc": Quantity(tile(dc), "the gradient on next_c (dnext_c plus the path through "
                       "next_h)", "gradient"),
        "dnext_h": Quantity(tile(dnh), "the upstream gradient dnext_h", "upstream"),
        "dnext_c": Quantity(tile(dnc), "the upstream gradient dnext_c alone", "upstream"),
    }


def _gate_paths(i, f, o, g, prev_c, next_c, dnh, dnc) -> dict:
    """The partial terms of the gradient on a (N, 4H): what reaches the gates through the
    cell state from next_h (through tanh), from the carry dnext_c, and the output gate's
    own path from next_h."""
    tc = np.tanh(next_c)
    zeros = np.zeros_like(i)

    def through_c(dc):
        return np.concatenate([dc * g * i * (1 - i), dc * prev_c * f * (1 - f), zeros,
                               dc * i * (1 - g ** 2)], axis=1)
    return {
        "the path from next_h into the cell state (through tanh(next_c))":
            through_c(dnh * o * (1 - tc ** 2)),
        "the path of the carry dnext_c": through_c(dnc),
        "the output gate's path from next_h": np.concatenate(
            [zeros, zeros, dnh * tc * o * (1 - o), zeros], axis=1),
    }


def _step_declared(step_forward, case) -> dict:
    """What the explainer may refer to in one step case: the sizes, the upstream gradients,
    the cached states and gates, and the two paths (through next_h, and the carry dnext_c)."""
    args, dnh, dnc, cache = case
    x, prev_h, prev_c = args[:3]
    Wx, Wh = (np.real(np.asarray(args[k], dtype=np.complex128)) for k in (3, 4))
    N, D = x.shape
    H = prev_h.shape[1]
    i, f, o, g, next_c = (np.real(np.asarray(cache[k], dtype=np.complex128)) for k in range(5, 10))
    zeros = np.zeros_like(dnh)
    terms = {}
    if np.any(dnh) and np.any(dnc):
        terms["the contribution that arrives through next_h"] = dict(
            zip(_STEP_NAMES, _step_grads(step_forward, args, dnh, zeros)))
        terms["the contribution of the carry dnext_c"] = dict(
            zip(_STEP_NAMES, _step_grads(step_forward, args, zeros, dnc)))
    quantities = {"dnext_h": Quantity(dnh, "the upstream gradient dnext_h", "upstream"),
                  "dnext_c": Quantity(dnc, "the upstream gradient dnext_c", "upstream"),
                  "prev_h": Quantity(prev_h, "prev_h (cached)", "cache"),
                  "prev_c": Quantity(prev_c, "prev_c (cached)", "cache"),
                  "next_c": Quantity(next_c, "next_c (cached)", "cache")}
    quantities.update({k: Quantity(v, f"the {k} (cached)", "gate")
                       for k, v in zip(_GATES, (i, f, o, g))})
    # each gate's local derivative, which a slip may put where the gate itself belongs
    quantities.update({f"{k[-1]}'": Quantity(v * (1 - v), f"the {k}'s local derivative "
                                                         f"{k[-1]}*(1-{k[-1]})", "gate-local")
                       for k, v in zip(_GATES[:3], (i, f, o))})
    quantities["g'"] = Quantity(1 - g ** 2, f"the {_GATES[3]}'s local derivative 1-g**2",
                                "gate-local")
    quantities["next_h"] = Quantity(o * np.tanh(next_c), "next_h (this step's output)", "state")
    quantities["x"] = Quantity(x, "the input x", "input")
    da = _step_da(step_forward, args, dnh, dnc)
    inner = Inner("the gradient on the gate pre-activations a", da,
                  [("dWh", prev_h), ("dWx", x)],
                  _gate_operands(i, f, o, g, prev_c, next_c, dnh, dnc),
                  _gate_paths(i, f, o, g, prev_c, next_c, dnh, dnc))
    return {"locals": _step_locals(step_forward, args, dnh, dnc, (i, f, o, g, next_c), da),
            "partials": partial_upstream(lambda up: dict(zip(_STEP_NAMES, _step_grads(
                step_forward, args, up[0], up[1]))), np.stack([dnh, dnc]), 1, "example"),
            "sizes": {"N": N, "D": D, "H": H}, "quantities": quantities, "terms": terms,
            "products": {"dWh": ("prev_h", da), "dWx": ("x", da)}, "inner": {"da": inner},
            "contractions": layer_contractions(da, [("dx", "x", x, "dWx", "Wx", Wx),
                                                    ("dprev_h", "prev_h", prev_h, "dWh", "Wh",
                                                     Wh)])}


def _step_locals(step_forward, args, dnh, dnc, gates, da) -> dict:
    """The local derivatives a slip may replace in one step (explain.Local): on the path
    from next_h into the cell state (the output gate's factor o, tanh's derivative, the
    whole path), and in each gate's block of da (the gate's own derivative, and the factor
    that multiplies the cell's gradient: g for i, prev_c for f, tanh(next_c) for o, i for g)."""
    i, f, o, g, next_c = gates
    prev_c = np.real(np.asarray(args[2], dtype=np.complex128))
    tc = np.tanh(next_c)
    tprime = 1.0 - tc ** 2
    path = dnh * o * tprime

    def via_cell(extra):
        return lambda v: dict(zip(_STEP_NAMES, _step_grads(step_forward, args, dnh,
                                                           dnc + extra(v))))
    where = "the path from next_h into the cell state"
    out = {"cell-path": Local(where, "path", via_cell(lambda v: v - path), value=path),
           "cell-tanh": Local(f"tanh's derivative on {where}", "tanh",
                              via_cell(lambda v: dnh * o * (v - tprime)), y=tc,
                              y_name="tanh(next_c)"),
           "cell-o": Local(f"the output gate's factor o on {where}", "factor",
                           via_cell(lambda v: dnh * (v - o) * tprime), value=o,
                           others=(("the input gate i", i), ("the forget gate f", f),
                                   ("the cell candidate g", g), ("tanh(next_c)", tc)))}
    H = o.shape[1]
    x, prev_h, Wx, Wh, b = (np.real(np.asarray(args[k], dtype=np.complex128))
                            for k in (0, 1, 3, 4, 5))
    # the terms of the gates' pre-activation a = x @ Wx + prev_h @ Wh + b
    preact = (("x @ Wx", x @ Wx), ("prev_h @ Wh", prev_h @ Wh),
              ("the bias b", np.broadcast_to(b, (x.shape[0], b.shape[-1]))))
    names = ("input gate i", "forget gate f", "output gate o", "cell candidate g")
    values = dict(zip("ifog", (i, f, o, g)))
    partners = {"i": ("the cell candidate g", g), "f": ("prev_c", prev_c),
                "o": ("tanh(next_c)", tc), "g": ("the input gate i", i)}

    def in_block(j, old):
        def recompute(v):
            d = np.array(da, dtype=np.float64)
            d[:, j * H:(j + 1) * H] *= np.asarray(v) / old
            return _from_da(args, d)
        return recompute
    for j, n in enumerate("ifog"):
        kind = "tanh" if n == "g" else "logistic"
        # another gate's derivative in its place (a block's local derivative copied from
        # the block next to it)
        own_of = {m: values[m] * (1 - values[m]) if m != "g" else 1 - values[m] ** 2
                  for m in "ifog"}
        out[f"{n}-local"] = Local(f"the {names[j]}'s own derivative", kind,
                                  in_block(j, own_of[n]), y=values[n], y_name=n,
                                  others=tuple((f"the {names[k]}'s derivative", own_of[m])
                                               for k, m in enumerate("ifog") if m != n),
                                  at_others=tuple((m, values[m]) for m in "ifog" if m != n)
                                  + (("tanh(next_c)", tc), ("next_c", next_c)),
                                  terms=tuple((words, part[:, j * H:(j + 1) * H])
                                              for words, part in preact))
        label, partner = partners[n]
        if np.all(np.abs(partner) > 1e-12):
            # every other value of the cache of the partner's shape, read in its place
            others = tuple((f"the {names[k]}", values[m]) for k, m in enumerate("ifog")
                           if m != n and values[m] is not partner) + tuple(
                (lab, val) for lab, val in (("prev_h", prev_h), ("prev_c", prev_c),
                                            ("tanh(next_c)", tc), ("next_c", next_c))
                if lab != label)
            out[f"{n}-partner"] = Local(f"{label} as the factor of the {names[j]}'s gradient",
                                        "factor", in_block(j, partner), value=partner,
                                        others=others)
    return out


def _step_da(step_forward, args, dnh, dnc) -> np.ndarray:
    """The gradient on the pre-activation a (N, 4H), one example at a time: the bias's
    gradient with the upstream gradients of that example only."""
    rows = []
    for n in range(dnh.shape[0]):
        keep = np.zeros((dnh.shape[0], 1))
        keep[n] = 1.0
        rows.append(input_gradients(step_forward, list(args), np.stack([dnh * keep, dnc * keep]),
                                    output=lambda r: np.stack([r[0], r[1]]))[5])
    return np.stack(rows)


def _call_step_backward(student_fn, dnext_h, dnext_c, cache, N, D, H) -> dict:
    shapes = ((N, D), (N, H), (N, H), (D, 4 * H), (H, 4 * H), (4 * H,))
    return call_checked("lstm_step_backward", student_fn, (dnext_h, dnext_c, cache),
                        dict(zip(_STEP_NAMES, shapes)))


def check_lstm_step_backward(lstm_step_backward, lstm_step_forward, seed=0, N=3, D=4, H=5):
    """One LSTM step, every gradient against the complex step through the given forward:
    with upstream gradients on both next_h and next_c, then on next_h only, then on next_c
    only (the cell-state carry alone)."""
    fn = "lstm_step_backward"
    rng = rng_for(seed, fn)
    args = _step_case(rng, N, D, H)
    upstreams = [
        (rng.standard_normal((N, H)), rng.standard_normal((N, H)),
         "random dnext_h and dnext_c"),
        (rng.standard_normal((N, H)), np.zeros((N, H)), "dnext_h only, dnext_c = 0"),
        (np.zeros((N, H)), rng.standard_normal((N, H)),
         "dnext_c only, dnext_h = 0: the cell-state carry alone"),
    ]
    cases, outputs, truths, contexts = [], [], [], []
    for dnext_h, dnext_c, what in upstreams:
        _, _, cache = lstm_step_forward(*[a.copy() for a in args])
        outputs.append(_call_step_backward(lstm_step_backward, dnext_h, dnext_c, cache, N, D, H))
        truths.append(dict(zip(_STEP_NAMES, _step_grads(lstm_step_forward, args, dnext_h,
                                                        dnext_c))))
        contexts.append(f"(N = {N}, D = {D}, H = {H}, {what})")
        cases.append((args, dnext_h, dnext_c, cache))

    def responses(k):
        step_args = cases[k][0]

        def call(up):
            _, _, cache = lstm_step_forward(*[a.copy() for a in step_args])
            return _call_step_backward(lstm_step_backward, up["dnext_h"], up["dnext_c"], cache,
                                       N, D, H)
        def moved(j):           # example j's inputs, states and upstream changed
            return ([changed_row(a, j) for a in step_args[:3]] + list(step_args[3:]),
                    changed_row(cases[k][1], j), changed_row(cases[k][2], j))

        def call_row(j):
            a, gh, gc = moved(j)
            _, _, cache = lstm_step_forward(*[v.copy() for v in a])
            return _call_step_backward(lstm_step_backward, gh, gc, cache, N, D, H)

        def truth_row(j):       # the outputs computed example by example only
            a, gh, gc = moved(j)
            return dict(zip(_STEP_NAMES[:3], _step_grads(
                lambda x, h, c: lstm_step_forward(x, h, c, *a[3:]), a[:3], gh, gc)))
        return {**upstream_responses(call, lambda up: dict(zip(_STEP_NAMES, _step_grads(
            lstm_step_forward, step_args, up["dnext_h"], up["dnext_c"]))),
            {"dnext_h": cases[k][1], "dnext_c": cases[k][2]}),
            **example_responses(call_row, truth_row, N, "inputs, states and upstream "
                                                        "gradients"),
            **cache_swaps(lambda c: _call_step_backward(lstm_step_backward, cases[k][1],
                                                        cases[k][2], c, N, D, H),
                          lstm_step_forward(*[a.copy() for a in step_args])[2],
                          _STEP_CACHE_NAMES, truths[k])}
    def circuit(k):
        step_args, dnh, dnc, _cache = cases[k]
        return forward_case(lstm_step_forward, dict(zip(_STEP_INPUTS, step_args)),
                            dict(zip(_STEP_NAMES, _STEP_INPUTS)),
                            {0: ("dnext_h", dnh), 1: ("dnext_c", dnc)}, gates=_ONE_GATE)
    _judge(fn, outputs, truths, contexts, _step_mistakes(lstm_step_forward, cases), _STEP_CAUSE,
           declare=lambda k: {**_step_declared(lstm_step_forward, cases[k]),
                              "responses": responses(k), "circuit": circuit(k)},
           layout=STEP_LAYOUT)


# =============================================================== lstm_backward

_SEQ_NAMES = ("dx", "dh0", "dWx", "dWh", "db")
_SEQ_INPUTS = ("x", "h0", "Wx", "Wh", "b")
# the step's cache, as the notebook's lstm_step_forward makes it
_STEP_CACHE_NAMES = ("x", "prev_h", "prev_c", "Wx", "Wh", "the input gate i",
                     "the forget gate f", "the output gate o", "the cell candidate g", "next_c")

_SEQ_CAUSE = ("visit every step from T-1 down to 0 with two carries that start at zeros: "
              "the gradient on h[:, t] is dh[:, t] plus the dprev_h of step t+1, and the "
              "gradient on the cell state is the dprev_c of step t+1 (pass it as dnext_c); "
              "each step's dx belongs to dx[:, t]; the weight gradients of all steps add up; "
              "dh0 is the dprev_h left after step 0. If lstm_step_backward fails its own "
              "test, fix it first.")
SEQ_NO_C_CARRY = ("the carry on the cell state from step t+1 is missing: pass the dprev_c "
                  "returned by step t+1's backward as dnext_c of step t (zeros only at the "
                  "last step), and let the step backward add dnext_c to the gradient on "
                  "next_c. The cell state is the LSTM's long-range path: without it, of dx "
                  "only the last step's dx[:, T-1] is right.")
SEQ_NO_H_CARRY = ("the carry on the hidden state from step t+1 is missing: the gradient on "
                  "h[:, t] is dh[:, t] PLUS the dprev_h returned by step t+1's backward.")
SEQ_NO_CARRY = ("both carries from step t+1 are missing: step t's backward must get "
                "dh[:, t] + dprev_h and dprev_c of step t+1.")
SEQ_ASSIGNED = ("{names} assigned (`= ...`) instead of accumulated (`+= ...`) over the steps: "
                "Wx, Wh and b are shared by every step, so their gradients are sums over the "
                "steps; yours keep only the last step visited (t = 0).")
SEQ_DB_MEAN = ("db is averaged; it must be summed: b is added to every example at every "
               "step, so every one of them contributes to db.")


def _seq_case(rng, N, T, D, H, forget_bias=1.0):
    x = rng.standard_normal((N, T, D))
    h0 = np.tanh(rng.standard_normal((N, H)))
    Wx = rng.standard_normal((D, 4 * H)) / np.sqrt(D)
    Wh = rng.standard_normal((H, 4 * H)) / np.sqrt(H)
    b = 0.3 * rng.standard_normal(4 * H)
    b[H:2 * H] += forget_bias
    return x, h0, Wx, Wh, b


def _run_steps(step_forward, x, h0, params_at, frozen_h=None, frozen_c=None):
    """The LSTM over x with step t's weights params_at(t); where frozen_* is given, step
    t >= 1 reads that constant state instead of the previous step's output: (N, T, H)."""
    h, c = h0, np.zeros(h0.shape)
    out = []
    for t in range(x.shape[1]):
        ph = frozen_h[t - 1] if (frozen_h is not None and t > 0) else h
        pc = frozen_c[t - 1] if (frozen_c is not None and t > 0) else c
        h, c, _ = step_forward(x[:, t, :], ph, pc, *params_at(t))
        out.append(h)
    return np.stack(out, axis=1)


def _seq_mistakes(step_forward, cases) -> list:
    """(cause, predict) for the usual mistakes of lstm_backward; a case is (args, dh, truth)."""
    states = []
    for args, _, _ in cases:
        x, h0, Wx, Wh, b = args
        h, c, hs, cs = h0, np.zeros(h0.shape), [], []
        for t in range(x.shape[1]):
            h, c, _ = step_forward(x[:, t, :], h, c, Wx, Wh, b)
            hs.append(h)
            cs.append(c)
        states.append((hs, cs))

    def last_step_only(j):
        """The gradient on parameter j (0: Wx, 1: Wh, 2: b) used only at step 0."""
        memo: dict = {}

        def grad(k):
            if k not in memo:
                args, dh, _ = cases[k]
                x, h0 = args[0], args[1]
                params = list(args[2:])

                def f(v):
                    def at(t):
                        p = list(params)
                        if t == 0:
                            p[j] = v
                        return p
                    return _run_steps(step_forward, x, h0, at)
                memo[k] = complex_step_gradient(f, params[j], dh)
            return memo[k]
        return grad

    def surrogate(step, freeze_h=False, freeze_c=False):
        """The gradient of the LSTM run with `step` (the given one, or a forward whose
        derivative is what a mistaken step backward computes, see _mistaken_step), with the
        states between steps frozen where asked (what a backward pass without that carry
        computes)."""
        memo: dict = {}

        def run(k, a):
            hs, cs = states[k]
            return _run_steps(step, a[0], a[1], lambda t: a[2:], hs if freeze_h else None,
                              cs if freeze_c else None)

        def predict(k):
            if k not in memo:
                args, dh, _ = cases[k]

                def grad(name):
                    j = _SEQ_NAMES.index(name)

                    def f(v):
                        a = list(args)
                        a[j] = v
                        return run(k, a)
                    return complex_step_gradient(f, args[j], dh)
                memo[k] = _Lazy(_SEQ_NAMES, grad)
            return memo[k]

        def screen(k, got):
            """One directional derivative of the surrogate against the student's answer."""
            args, dh, _ = cases[k]
            r = np.random.default_rng(k + 1)
            vs = [r.standard_normal(a.shape) for a in args]
            z = [a + 1j * CS_STEP * v for a, v in zip(args, vs)]
            expected = float(np.sum(np.imag(run(k, z)) * dh)) / CS_STEP
            terms = [np.asarray(got[n], dtype=np.float64) * v for n, v in zip(_SEQ_NAMES, vs)]
            mine = sum(float(np.sum(t)) for t in terms)
            size = sum(float(np.sum(np.abs(t))) for t in terms)
            floor = 1e-7 * max(float(np.max(np.abs(got[n]), initial=0.0)) for n in _SEQ_NAMES)
            size += floor * sum(float(np.sum(np.abs(v))) for v in vs)
            return abs(mine - expected) <= 1e-4 * size
        predict.screen = screen
        return predict

    singles = [last_step_only(j) for j in range(3)]
    names = ("dWx", "dWh", "db")
    mistakes = [
        (SEQ_NO_C_CARRY, surrogate(step_forward, freeze_c=True)),
        (SEQ_NO_H_CARRY, surrogate(step_forward, freeze_h=True)),
        (SEQ_NO_CARRY, surrogate(step_forward, freeze_h=True, freeze_c=True)),
    ]
    for r in (3, 2, 1):
        for subset in itertools.combinations(range(3), r):
            label = " and ".join(names[j] for j in subset) + (" are" if r > 1 else " is")
            mistakes.append((SEQ_ASSIGNED.format(names=label),
                             lambda k, s=subset: {names[j]: singles[j](k) for j in s}))
    in_step = " (in the step backward that lstm_backward uses; lstm_step_backward's own test " \
              "names it too)"
    for cause, kind in [(STEP_NO_TANH_DERIV, "no_tanh_deriv"),
                        (STEP_TANH_DERIV_RAW, "tanh_deriv_raw"),
                        (STEP_FORGET_NEXT_C, "forget_next_c"),
                        (STEP_FORGET_PREV_H, "forget_prev_h"),
                        (STEP_CARRY_NO_F, "carry_no_f")]:
        mistakes.append((cause + in_step, surrogate(_mistaken_step(kind))))
    for order in itertools.permutations("ifog"):
        if order != tuple("ifog"):
            mistakes.append((STEP_GATE_ORDER.format(order=", ".join(order)) + in_step,
                             surrogate(_mistaken_step(order=order))))
    for per in ("N", "T", "NT"):        # db divided by the batch, the steps, or both
        def averaged(k, per=per):
            N, T = cases[k][0][0].shape[:2]
            return {"db": cases[k][2]["db"] / {"N": N, "T": T, "NT": N * T}[per]}
        mistakes.append((SEQ_DB_MEAN, averaged))
    return mistakes


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _mistaken_step(kind: str = "", order: Sequence[str] | None = None):
    """An LSTM step forward, for the complex step only, whose derivative is what a step
    backward with one usual mistake computes (its values are the real forward's).

    The imaginary part carries the perturbation; a mistake changes how it propagates:
    - "no_tanh_deriv": through tanh(next_c) with slope 1; "tanh_deriv_raw": 1 - next_c**2;
    - "forget_next_c" / "forget_prev_h": the forget gate's perturbation times that state
      instead of prev_c; "carry_no_f": prev_c's perturbation passed on without the factor f;
    - order: the perturbation of a reaches the gates with its blocks rearranged, the
      adjoint of stacking the gate gradients in that order.
    """
    def step(x, prev_h, prev_c, Wx, Wh, b):
        H = prev_h.shape[1]
        a = np.asarray(x @ Wx + prev_h @ Wh + b, dtype=np.complex128)
        if order is not None:
            im = [np.imag(a)[:, j * H:(j + 1) * H] for j in range(4)]
            a = np.real(a) + 1j * np.concatenate([im[list(order).index(n)] for n in "ifog"],
                                                 axis=1)
        i, f, o = _sigmoid(a[:, :H]), _sigmoid(a[:, H:2 * H]), _sigmoid(a[:, 2 * H:3 * H])
        g = np.tanh(a[:, 3 * H:])
        prev_c = np.asarray(prev_c, dtype=np.complex128)
        if kind == "forget_next_c":
            state = np.real(f) * np.real(prev_c) + np.real(i) * np.real(g)
            kept = np.real(f) * prev_c + 1j * np.imag(f) * state
        elif kind == "forget_prev_h":
            kept = np.real(f) * prev_c + 1j * np.imag(f) * np.real(prev_h)
        elif kind == "carry_no_f":
            kept = np.real(f) * np.real(prev_c) + 1j * (np.imag(f) * np.real(prev_c)
                                                        + np.imag(prev_c))
        else:
            kept = f * prev_c
        c = kept + i * g
        if kind == "no_tanh_deriv":
            tanh_c = np.tanh(np.real(c)) + 1j * np.imag(c)
        elif kind == "tanh_deriv_raw":
            tanh_c = np.tanh(np.real(c)) + 1j * (1 - np.real(c) ** 2) * np.imag(c)
        else:
            tanh_c = np.tanh(c)
        return o * tanh_c, c, None
    return step


# dx is one block per time step along axis 1; the weights' gradients are four gate blocks.
SEQ_LAYOUT = Layout(axes={"dx": {1: "time step", 0: "example"}, "dh0": {0: "example"}},
                    blocks={"dWx": (1, _GATES), "dWh": (1, _GATES), "db": (0, _GATES)})


def _call_lstm_backward(student_fn, dh, cache, N, T, D, H) -> dict:
    shapes = ((N, T, D), (N, H), (D, 4 * H), (H, 4 * H), (4 * H,))
    return call_checked("lstm_backward", student_fn, (dh, cache), dict(zip(_SEQ_NAMES, shapes)))


def _seq_walk(step_forward, args, dh):
    """outputs(order): lstm_backward's outputs (and dc0, the carry on the cell state left
    at the end) from a loop over the steps in `order`, each step's backward the complex step
    through the given step forward with the two carries (explain.walk_steps)."""
    x, h0, Wx, Wh, b = args
    N, T, H = dh.shape
    prev_h, prev_c, h, c = [], [], h0, np.zeros(h0.shape)
    for t in range(T):
        prev_h.append(h)
        prev_c.append(c)
        h, c, _ = step_forward(x[:, t, :], h, c, Wx, Wh, b)

    def step(t, carry, source=lambda t: t, swap=False, rule=(None, None, None)):
        gh, gc = carry
        start, keep_h, keep_c = rule        # another join (explain.carry_rules), per carry
        g = np.stack([dh[:, t, :] + gh if start is None else start(dh[:, t, :], gh), gc])
        s = source(t)            # the step whose cached values step t reads
        grads = input_gradients(step_forward, [x[:, s, :], prev_h[s], prev_c[s], Wx, Wh, b],
                                g, output=lambda r: np.stack([r[0], r[1]]))
        sent_h, sent_c = (grads[2], grads[1]) if swap else (grads[1], grads[2])
        return grads[0], (sent_h if keep_h is None else keep_h(sent_h, gh),
                          sent_c if keep_c is None else keep_c(sent_c, gc)), grads[3:]

    def outputs(order, source=None, swap=False, rule=(None, None, None)):
        one = step if source is None and not swap and rule == (None, None, None) else (
            lambda t, carry: step(t, carry, source or (lambda t: t), swap, rule))
        own, (dh0, dc0), shared = walk_steps(one, order, (np.zeros((N, H)), np.zeros((N, H))))
        dx = np.zeros(x.shape)
        for t, g in own.items():
            dx[:, t, :] = g
        return {"dx": dx, "dh0": dh0, "dWx": shared[0], "dWh": shared[1], "db": shared[2],
                "dc0": dc0}
    return outputs


def _carry_walks(walk, T) -> dict:
    """The loops that join the upstream and the hidden state's carry in another way, or
    accumulate either carry (explain.carry_rules), by label, computed when asked."""
    back = list(range(T - 1, -1, -1))
    out = {}
    for label, (start, keep) in carry_rules(carried="the carried hidden-state gradient "
                                                    "dprev_h").items():
        out[label] = (lambda start=start, keep=keep: walk(back, rule=(start, keep, None)))
    for label, (start, keep) in carry_rules(carried="the carried cell-state gradient "
                                                    "dprev_c").items():
        if start is None:
            out[label] = (lambda keep=keep: walk(back, rule=(None, None, keep)))
    return out


def _seq_declared(lstm_forward, lstm_step_forward, args, dh) -> dict:
    """What the explainer may refer to in one lstm_backward case: the sizes, the right
    answer for the upstream moved along time and for loops in another order, and the
    gradient on the initial cell state (the carry dprev_c left after step 0)."""
    N, T, H = dh.shape
    walk = _seq_walk(lstm_step_forward, args, dh)
    dc0 = walk(list(range(T - 1, -1, -1)))["dc0"]
    return {"circuit": forward_case(lstm_forward, dict(zip(_SEQ_INPUTS, args)),
                                    dict(zip(_SEQ_NAMES, _SEQ_INPUTS)), {0: ("dh", dh)},
                                    gates=_ONE_GATE),
            "sizes": {"N": N, "T": T, "D": args[0].shape[2], "H": H},
            "partials": partial_upstream(lambda changed: dict(zip(_SEQ_NAMES, input_gradients(
                lstm_forward, args, changed))), dh, 1, "time step"),
            "alternatives": {**moved_upstream(
                lambda changed: dict(zip(_SEQ_NAMES, input_gradients(lstm_forward, args,
                                                                     changed))), dh),
                **loop_alternatives(walk, T),
                **cache_alternatives(lambda src: walk(list(range(T - 1, -1, -1)), src), T),
                "for the two carries exchanged at every step (the hidden state's gradient "
                "carried in the cell state's place, and the cell state's in the hidden "
                "state's)": lambda: walk(list(range(T - 1, -1, -1)), swap=True),
                **_carry_walks(walk, T)},
            "quantities": {"dc0": Quantity(dc0, "the gradient on the initial cell state "
                                                "(the dprev_c left after step 0), not the one "
                                                "on h0", "cell-carry"),
                           "dh": Quantity(dh, "the upstream gradient dh", "upstream"),
                           "dh_first": Quantity(dh[:, 0], "the upstream gradient of step 0, "
                                                "dh[:, 0]", "upstream"),
                           "dh_last": Quantity(dh[:, -1], "the upstream gradient of the last "
                                               "step, dh[:, T-1]", "upstream"),
                           "h0grad": Quantity(dh[:, 0] + walk(list(range(T - 1, 0, -1)))["dh0"],
                                              "the gradient arriving at h[:, 0] (dh[:, 0] plus "
                                              "what flows back from step 1): what step 0's "
                                              "backward starts from, not what it sends back "
                                              "to h0", "state-gradient")}}


def check_lstm_backward(lstm_backward, lstm_forward, lstm_step_forward, seed=0,
                        N=2, T=5, D=3, H=4):
    """Every gradient of a short sequence against the complex step through the given
    forward: with a random upstream gradient on every step, then on the last step only
    (everything earlier arrives through the two carries)."""
    fn = "lstm_backward"
    rng = rng_for(seed, fn)
    args = _seq_case(rng, N, T, D, H)
    last_only = np.zeros((N, T, H))
    last_only[:, -1] = rng.standard_normal((N, H))
    upstreams = [(rng.standard_normal((N, T, H)), "random upstream dh on every step"),
                 (last_only, "upstream gradient on the last step only: everything before it "
                             "must arrive through the carries")]
    cases, outputs, truths, contexts = [], [], [], []
    for dh, what in upstreams:
        _, cache = lstm_forward(*[a.copy() for a in args])
        outputs.append(_call_lstm_backward(lstm_backward, dh, cache, N, T, D, H))
        truth = dict(zip(_SEQ_NAMES, input_gradients(lstm_forward, args, dh)))
        truths.append(truth)
        contexts.append(f"(N = {N}, T = {T}, D = {D}, H = {H}, {what})")
        cases.append((args, dh, truth))

    def probe():
        """One more input, random everywhere, for the explainer alone."""
        prng = rng_for(seed + 1, fn + "-probe")
        pargs = _seq_case(prng, N, T, D, H)
        pdh = prng.standard_normal((N, T, H))
        _, pcache = lstm_forward(*[a.copy() for a in pargs])
        got = _call_lstm_backward(lstm_backward, pdh, pcache, N, T, D, H)
        truth = dict(zip(_SEQ_NAMES, input_gradients(lstm_forward, pargs, pdh)))
        return [(got, truth, {**_seq_declared(lstm_forward, lstm_step_forward, pargs, pdh),
                              "responses": responses(pargs, pdh)})]

    def responses(seq_args, dh):
        def call(up):
            _, cache = lstm_forward(*[a.copy() for a in seq_args])
            return _call_lstm_backward(lstm_backward, up["dh"], cache, N, T, D, H)
        return {**upstream_responses(call, lambda up: dict(zip(_SEQ_NAMES, input_gradients(
            lstm_forward, seq_args, up["dh"]))), {"dh": dh}, {"dh": (1, "time step")}),
            **sequence_example_responses(
                lambda a, g: _call_lstm_backward(lstm_backward, g, lstm_forward(
                    *[v.copy() for v in a])[1], N, T, D, H),
                lambda a, g: dict(zip(("dx", "dh0"), input_gradients(
                    lambda x, h0: lstm_forward(x, h0, *a[2:]), a[:2], g))), seq_args, dh)}
    _judge(fn, outputs, truths, contexts, _seq_mistakes(lstm_step_forward, cases), _SEQ_CAUSE,
           declare=lambda k: {**_seq_declared(lstm_forward, lstm_step_forward, cases[k][0],
                                              cases[k][1]),
                              "responses": responses(cases[k][0], cases[k][1])},
           layout=SEQ_LAYOUT, probe=probe)


def check_lstm_backward_efficiency(lstm_backward, lstm_forward, seed=0,
                                   N=2, T=6, D=64, H=128, lstm_step_backward=None):
    """Backprop costs about one forward pass: a size at which numerical differentiation of
    the forward (one or two forward passes per entry of x, h0, Wx, Wh, b: about 100,000 of
    them) takes half a minute or more, while a backward pass takes milliseconds (through
    `expect_efficient`: a time limit in a notebook too, the inputs copied for each call).
    `lstm_step_backward`, when given, is timed alone on one step first, so that a slow step
    is named as the cause. The answer is then checked by centered differences along a random
    direction in all the inputs together and one in the inputs of the first step (two forward
    passes each); only when they disagree, one direction per output finds which is wrong."""
    fn = "lstm_backward"
    rng = rng_for(seed, fn + "_efficiency")
    args = _seq_case(rng, N, T, D, H)
    dh = rng.standard_normal((N, T, H))
    _, cache = lstm_forward(*[a.copy() for a in args])
    entries = sum(a.size for a in args)
    context = (f"on a large case (N = {N}, T = {T}, D = {D}, H = {H}: {entries} inputs and "
               "weights, random dh on every step)")
    step_steps = 2 * N * (D + H) * 4 * H
    helpers = ()
    if lstm_step_backward is not None:
        helpers = (Helper("lstm_step_backward", lstm_step_backward,
                          (dh[:, -1].copy(), np.zeros((N, H)), cache[-1]), step_steps,
                          f"on one step with N = {N}, D = {D}, H = {H}", calls=T),)
    result = expect_efficient(fn, lstm_backward, (dh, cache), loop_steps=T * step_steps,
                              forward=lambda: lstm_forward(*args), parameters=entries,
                              size=context, helpers=helpers)

    def returns(*_):
        return result
    returns.__name__ = fn
    outs = _call_lstm_backward(returns, dh, cache, N, T, D, H)

    def probe(vs, label):
        h = 1e-5
        plus = lstm_forward(*[a + h * v for a, v in zip(args, vs)])[0]
        minus = lstm_forward(*[a - h * v for a, v in zip(args, vs)])[0]
        expected = float(np.sum((plus - minus) * dh)) / (2 * h)
        got = sum(float(np.sum(outs[n] * v)) for n, v in zip(_SEQ_NAMES, vs))
        return label, got, expected

    first = np.zeros((N, T, D))
    first[:, 0] = rng.standard_normal((N, D))
    zeros = [np.zeros(a.shape) for a in args]
    probes = [probe([unit_vector(rng, a.shape) / np.sqrt(len(args)) for a in args],
                    "the gradient along a random direction in all inputs"),
              probe([first / np.linalg.norm(first)] + zeros[1:],
                    "dx along a random direction in the inputs of step 0")]
    if not _probes_agree(probes):
        for k, name in enumerate(_SEQ_NAMES):
            vs = list(zeros)
            vs[k] = unit_vector(rng, args[k].shape)
            probes.append(probe(vs, f"{name} along a random direction"))
    if not _probes_agree(probes):
        scale = float(np.sqrt(np.mean([e ** 2 for _, _, e in probes])))
        lines = [f"`{fn}`: the gradient is wrong {context}.",
                 "  (each value is the sum of your gradient times a direction, against centered "
                 "differences of the given forward along it)"]
        for label, got, expected in probes:
            err = abs(got - expected) / max(abs(got), abs(expected), 1e-7 * scale)
            if err > _PROBE_TOL:
                lines.append(f"    {label}: yours {got:.6g} vs expected {expected:.6g} "
                             f"(relative error {err:.1e})")
        lines.append("  Usual cause: " + _SEQ_CAUSE)
        raise CheckFailure("\n".join(lines))


STEP_EFFICIENCY_SIZE = dict(N=4, D=64, H=128)


def check_lstm_step_backward_efficiency(lstm_step_backward, lstm_step_forward, seed=0):
    """Backprop costs about one forward pass: one step with D = 64, H = 128 (about 99,000
    inputs and weights) within a plain loop's time, and right along random directions."""
    fn = "lstm_step_backward"
    rng = rng_for(seed, fn + "_efficiency")
    N, D, H = (STEP_EFFICIENCY_SIZE[k] for k in "NDH")
    x, prev_h, _, Wx, Wh, b = _step_case(rng, N, D, H)
    Wx, Wh = Wx / np.sqrt(D), Wh / np.sqrt(H)       # pre-activations of size about 1
    prev_c = rng.standard_normal((N, H))
    args = [x, prev_h, prev_c, Wx, Wh, b]
    dnext_h, dnext_c = rng.standard_normal((2, N, H))
    _, _, cache = lstm_step_forward(*[a.copy() for a in args])
    size = f"on one step with N = {N}, D = {D}, H = {H}"
    result = expect_efficient(
        fn, lstm_step_backward, (dnext_h, dnext_c, cache), loop_steps=2 * N * (D + H) * 4 * H,
        forward=lambda: lstm_step_forward(*args), parameters=sum(a.size for a in args),
        size=size)
    outs = outputs_by_name(fn, result, dict(zip(
        _STEP_NAMES, ((N, D), (N, H), (N, H), (D, 4 * H), (H, 4 * H), (4 * H,)))))

    def both(*a):
        next_h, next_c, _ = lstm_step_forward(*a)
        return np.concatenate([next_h, next_c], axis=1)
    expect_sampled_gradient(fn, both, args, outs, np.concatenate([dnext_h, dnext_c], axis=1),
                            rng, size, _STEP_CAUSE)


_PROBE_TOL = 1e-6


def _probes_agree(probes) -> bool:
    scale = float(np.sqrt(np.mean([e ** 2 for _, _, e in probes])))
    return all(abs(g - e) <= _PROBE_TOL * max(abs(g), abs(e), 1e-7 * scale)
               for _, g, e in probes)


# =============================================================== huber_backward

_HUBER_CAUSE = ("differentiate each piece of the loss on its own region: the quadratic "
                "piece inside [-delta, delta] and the linear piece outside it (check both "
                "signs of r); then account for the mean the loss takes (over how many "
                "entries?) and for the upstream gradient dloss.")
HUBER_ERROR_CLIPPED = ("the error is clipped instead of the gradient: outside [-delta, delta] "
                       "your gradient is 0, as for 0.5 * clip(r)**2, so large errors stop "
                       "teaching. The Huber loss keeps a gradient of size delta there: it is the "
                       "gradient that is limited, not the error.")
HUBER_NO_MEAN = ("the mean is forgotten: huber_loss averages over all r.size entries, so "
                 "every entry's gradient is divided by r.size.")
HUBER_MEAN_AXIS = ("the mean over one axis only: huber_loss averages over ALL entries, so "
                   "divide by r.size, not by the length of one axis.")
HUBER_SWAPPED = ("the boundary is on the wrong side: inside |r| <= delta the loss is "
                 "quadratic (gradient r) and outside it is linear (gradient +-delta); yours "
                 "has the two regions swapped.")
HUBER_ONE_SIDED = ("only one side is clipped: the linear part is on both sides, r > delta "
                   "and r < -delta; yours limits only one of them.")
HUBER_DELTA_ONE = ("delta is ignored (the clip is at +-1): the boundary between the "
                   "quadratic and the linear piece is the delta passed in.")
HUBER_NO_DLOSS = "dloss is ignored: the upstream gradient dloss scales the whole gradient."


def _huber_errors(rng, shape, delta):
    """Errors on both sides of +-delta, at least 0.1 * delta from the kinks and from 0."""
    r = delta * rng.uniform(0.1, 0.9, size=shape) * rng.choice([-1.0, 1.0], size=shape)
    outside = rng.random(shape) < 0.5
    r[outside] = np.sign(r[outside]) * delta * rng.uniform(1.1, 3.0, size=int(outside.sum()))
    flat = r.reshape(-1)
    # every region present: inside and outside, on both sides
    flat[:4] = delta * np.array([0.5, -0.6, 1.7, -2.2])
    return r


def _huber_mistakes(cases) -> list:
    """cases: (r, delta, dloss) each; every prediction is the mistake's dr."""
    def make(rule):
        return lambda k: {"dr": rule(*cases[k])}
    clip = np.clip
    return [
        (HUBER_ERROR_CLIPPED, make(lambda r, d, g: g * np.where(np.abs(r) <= d, r, 0.0) / r.size)),
        (HUBER_NO_MEAN, make(lambda r, d, g: g * clip(r, -d, d))),
        (HUBER_MEAN_AXIS, make(lambda r, d, g: g * clip(r, -d, d) / r.shape[0])),
        (HUBER_MEAN_AXIS, make(lambda r, d, g: g * clip(r, -d, d) / r.shape[-1])),
        (HUBER_SWAPPED, make(lambda r, d, g: g * np.where(np.abs(r) <= d, d * np.sign(r), r)
                             / r.size)),
        (HUBER_ONE_SIDED, make(lambda r, d, g: g * np.minimum(r, d) / r.size)),
        (HUBER_ONE_SIDED, make(lambda r, d, g: g * np.maximum(r, -d) / r.size)),
        (HUBER_DELTA_ONE, make(lambda r, d, g: g * clip(r, -1.0, 1.0) / r.size)),
        (HUBER_NO_DLOSS, make(lambda r, d, g: clip(r, -d, d) / r.size)),
    ]


def check_huber_backward(huber_backward, huber_loss, seed=0):
    """Errors on both sides of +-delta (away from the kinks) for several deltas, the default
    delta = 1 included, a 1-D and a 2-D r (the mean is over all entries), several dloss;
    against centered differences of the given huber_loss."""
    fn = "huber_backward"
    rng = rng_for(seed, fn)
    settings = [((12,), 1.0, True), ((4, 5), float(np.round(rng.uniform(0.3, 0.7), 3)), False),
                ((3, 7), float(np.round(rng.uniform(1.5, 3.0), 3)), False),
                ((2, 3, 4), 1.0, False)]
    cases, outputs, truths, contexts = [], [], [], []
    for shape, delta, default in settings:
        r = _huber_errors(rng, shape, delta)
        dloss = float(np.round(rng.uniform(0.5, 2.5), 3))
        args = (dloss, r) if default else (dloss, r, delta)
        dr = call_checked(fn, huber_backward, args, {"dr": shape})["dr"]
        true = numerical_gradient(lambda v: huber_loss(v, delta), r.copy()) * dloss
        outputs.append({"dr": dr})
        truths.append({"dr": true})
        how = "the default delta = 1.0" if default else f"delta = {delta:g}"
        contexts.append(f"(r of shape {shape}, {how}, dloss = {dloss:g}; "
                        f"{int(np.sum(np.abs(r) > delta))} of {r.size} errors outside "
                        "[-delta, delta])")
        cases.append((r, delta, dloss))
    def responses(k):
        """huber_backward called again with dloss zero and doubled."""
        r, delta, dloss = cases[k]
        default = settings[k][2]
        return scalar_responses(
            lambda value: call_checked(fn, huber_backward, (value, r.copy()) if default else
                                       (value, r.copy(), delta), {"dr": r.shape}),
            truths[k], dloss)
    def circuit(k):
        r, delta, dloss = cases[k]
        return forward_case(huber_loss, {"r": r, "delta": delta}, {"dr": "r"},
                            {None: ("dloss", dloss)})
    _judge(fn, outputs, truths, contexts, _huber_mistakes(cases), _HUBER_CAUSE,
           declare=lambda k: {**_huber_declared(*cases[k]), "responses": responses(k),
                              "circuit": circuit(k)})


def _huber_declared(r, delta, dloss) -> dict:
    """The explainer's view of one Huber case: the regions of the loss (inside the clip,
    outside on each side), its sizes (all entries, one axis) and scalars."""
    inside = np.abs(r) <= delta
    # (the counts of each region: a mean taken over one region's entries only)
    counts = {k: int(n) for k, n in (
        ("the number of entries inside [-delta, delta]", inside.sum()),
        ("the number of entries outside [-delta, delta]", (~inside).sum())) if 1 < n < r.size}
    return {"sizes": {"r.size": r.size, "r.shape[0]": r.shape[0], "r.shape[-1]": r.shape[-1],
                      **counts},
            "scalars": {"dloss": (dloss, "the upstream gradient dloss"),
                        "delta": (delta, "the clip")},
            "quantities": {"r": Quantity(r, "the error r", "input"),
                           "slope": Quantity(delta * np.sign(r), "+-delta (the linear piece's "
                                             "slope, with the sign of r)", "slope")},
            "thresholds": {"dr": ("|r|", np.abs(r), "delta", delta)},
            "regions": {"dr": [("the entries inside [-delta, delta]", inside),
                               ("the entries where r > delta", r > delta),
                               ("the entries where r < -delta", r < -delta)]}}


# ---------------------------------------------------------------- predictions

def squared_error_intercept_truth(seeds=range(5), steps: int = 400) -> float:
    """The intercept c that gradient descent on the squared error reaches in experiment D,
    averaged over its five data sets (seeds 0-4: y = 3x + 10, about 10% outliers + 30)."""
    ends = []
    for seed in seeds:
        rng = np.random.default_rng(seed)
        x = rng.uniform(-2, 2, 200)
        y = 3 * x + 10 + 0.5 * rng.standard_normal(200)
        y[rng.random(200) < 0.1] += 30
        w = c = 0.0
        for _ in range(steps):
            dr = (w * x + c - y) / y.size
            w, c = w - 0.5 * float(dr @ x), c - 0.5 * float(dr.sum())
        ends.append(c)
    return float(np.mean(ends))


def check_predict_squared_error_intercept(predict_squared_error_intercept, seed=0):
    """Experiment D's prediction: the squared-error fit's intercept, within 1."""
    from .core import expect_prediction
    expect_prediction("predict_squared_error_intercept", predict_squared_error_intercept,
                      squared_error_intercept_truth(),
                      what="the intercept c of the squared-error fit after 400 steps, the "
                           "mean over the five data sets (the true line has c = 10)",
                      abs_tol=1.0)


# Every check of a backward pass also asks for chain-rule exactness (no finite differences).
from .exactness import guard_backprop  # noqa: E402

guard_backprop(globals())

# Last, once every check is defined: in a notebook each one prints a line when it passes.
from .core import announce_passes  # noqa: E402

announce_passes(globals())
