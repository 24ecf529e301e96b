"""Checks for the `softmax` assignment: a whole network, and where the gradient goes.

Graded functions (SPEC.md): `affine_backward`, `softmax_cross_entropy_backward`,
`mlp_backward`.

Ground truth comes only from the trusted forward passes the test cell hands in
(`affine_forward`, `softmax_cross_entropy_forward`, `mlp_forward`) and from complex-step
derivatives through them; the package holds no backward pass. The forwards are analytic
(products, exp, log; the stabilising max only shifts each row by one of its own entries,
and `np.maximum(0, a)` on complex numbers compares real parts first, so the ReLU keeps the
masks of the real forward), which makes the complex step exact to rounding. The ReLU's
inputs are kept away from 0 all the same.

How a usual mistake is named: every case of a check is run first, and a cause is named
only when the student's wrong output equals that mistake's prediction on EVERY case run,
and the cases include ones where sibling mistakes differ (square layers, where a
transposed product has the right shape; soft labels whose rows do not sum to 1, where
"one-hot assumed" and "labels normalised" part ways; upstream gradients other than 1).
Each prediction is built from the same trusted pieces: the true gradient rescaled or
transposed, or, for the network, the complex-step gradient of a function that is linear
in the parameters and reproduces the mistaken backward pass (the ReLU mask replaced by
another array, the upstream gradient on the logits replaced by what a mistaken loss
backward sends).
"""
from __future__ import annotations


import numpy as np

from .circuit import forward_case
from .explain import (Explainer, Inner, Layout, Local, Quantity, View, cache_swaps,
                      changed_row, example_responses, layer_contractions, left_out,
                      partial_upstream, scalar_responses, upstream_responses)
from .core import (
    CS_STEP, CheckFailure, Hint, StudentCodeError, call_and_check_inputs, call_checked,
    complex_step_gradient, expect_array, expect_close, expect_efficient, expect_new_arrays,
    expect_sampled_gradient, input_gradients, looks_like, missing_transpose_cause,
    outputs_by_name, rng_for, transposed_cause,
)

_MATCH_TOL = 1e-5          # a prediction "matches" within this relative error


def _close(actual, expected, tol) -> bool:
    return looks_like(expected, tol=tol)(np.asarray(actual, dtype=np.float64))


def _verdict(fn: str, names, results, truths, contexts, mistakes, cause: str,
             tol: float = 1e-6, shown=None, declare=None, layout: Layout = Layout(),
             probe=None) -> None:
    """Compare every case; on the first wrong output name a cause verified on all cases.

    results, truths: one dict name -> array per case (`shown` maps a name to the one the
    message uses). mistakes: (cause, predict) pairs,
    predict(k) giving a dict name -> predicted array for case k (missing names: the truth).
    A cause is named only when the student's output equals its prediction on every case;
    among several, the one whose predictions match the most outputs (a tie: none).
    `declare(k)`: what the difference explainer may refer to in case k (View's keywords);
    `probe()`: more cases for the explainer only, (outputs, truth, declared) each, run only
    when an answer is wrong.
    """
    def views():
        out = [View(results[k], truths[k], **(declare(k) if declare else {}),
                    label=contexts[k]) for k in range(len(results))]
        try:
            extra = probe() if probe is not None else []
        except (StudentCodeError, CheckFailure):
            extra = []
        return out + [View(got, truth, **declared) for got, truth, declared in extra]
    explainer = Explainer(views, layout)
    for name in names:
        for k, (got, true) in enumerate(zip(results, truths)):
            if _close(got[name], true[name], tol):
                continue
            scores: dict = {}
            for why, predict in mistakes:
                if _matches_everywhere(predict, name, results, truths) and \
                        _footprint_everywhere(predict, names, results, truths):
                    score = sum(_matches_everywhere(predict, other, results, truths)
                                for other in names)
                    scores[why] = max(score, scores.get(why, 0))
            best = [why for why, sc in scores.items() if sc == max(scores.values())]
            # the mistake that explains the most outputs; a tie between two is no claim
            hints = [Hint(best[0], lambda _a: True)] if len(best) == 1 else []
            expect_close(fn, (shown or {}).get(name, name), got[name], true[name], tol=tol,
                         context=contexts[k], hints=hints, cause=cause,
                         explain=explainer.for_output(name))
            raise CheckFailure(f"`{fn}`: {name} is wrong {contexts[k]}.")   # not reached


def _matches_everywhere(predict, name, results, truths) -> bool:
    """The student's `name` equals the mistake's prediction on every case."""
    try:
        return all(_close(results[j][name], predict(j).get(name, truths[j][name]), _MATCH_TOL)
                   for j in range(len(results)))
    except Exception:           # a prediction that can't be built: no claim
        return False


def _footprint_everywhere(predict, names, results, truths) -> bool:
    """Every output the mistake changes is the student's as predicted (outputs it leaves
    right may be wrong by a second slip): a cause said of every gradient must hold for every
    gradient."""
    try:
        for other in names:
            changes = any(not _close(predict(j).get(other, truths[j][other]),
                                     truths[j][other], _MATCH_TOL)
                          for j in range(len(results)))
            if changes and not _matches_everywhere(predict, other, results, truths):
                return False
        return True
    except Exception:           # a prediction that can't be built: no claim
        return False


def _memo(make):
    """predict(k) computed once per case."""
    store: dict = {}

    def predict(k):
        if k not in store:
            store[k] = make(k)
        return store[k]
    return predict


def _expect_shaped(fn: str, name: str, value, shape: tuple, known: dict) -> np.ndarray:
    """expect_array, with a specific message for the shapes of known mistakes."""
    if isinstance(value, (float, np.floating)) and () in known and tuple(shape) != ():
        raise CheckFailure(f"`{fn}`: {name} is a single number, expected an array of shape "
                           f"{tuple(shape)}. " + known[()])
    if isinstance(value, np.ndarray) and value.shape != tuple(shape) and value.shape in known:
        raise CheckFailure(f"`{fn}`: {name} has shape {value.shape}, expected {tuple(shape)}. "
                           + known[value.shape])
    return expect_array(fn, name, value, shape)


def _known_shapes(known: dict):
    """An `expect` for call_checked: `_expect_shaped` with the known shapes of each output
    (name -> {shape: why})."""
    def expect(fn: str, name: str, value, shape: tuple) -> np.ndarray:
        return _expect_shaped(fn, name, value, shape, known.get(name, {}))
    return expect


def _with_student_note(call, note: str):
    """Run `call`; if the student's code raises, append `note` to the message."""
    try:
        return call()
    except StudentCodeError as exc:
        raise StudentCodeError(exc.function, exc.kind, exc.message + "\n" + note,
                               exc.traceback) from None


# =============================================================== affine_backward

_AFFINE_CAUSE = ("let the shapes decide: with x (N, D), W (D, M) and dout (N, M), find "
                 "for each gradient the one product of dout with x or W (one of them "
                 "transposed) that has that gradient's shape for any N, D and M; b is added "
                 "to every row, so every row contributes to its gradient.")
AFF_DB_MEAN = ("db is averaged over the batch; it must be summed: b is added to every row "
               "(a fork), so every row's gradient adds to it. Any 1/N of a mean loss is "
               "already inside dout.")
AFF_DW_MEAN = ("dW is divided by N: it is a sum over the rows, with no averaging; any 1/N "
               "of a mean loss is already inside dout.")
AFF_DX_MEAN = "dx is divided by N: each row of dx comes from its own row of dout, with no averaging."
AFF_DW_T = transposed_cause("dW", "(shape (M, D) when D != M), while W has shape (D, M). "
                            "With D == M both fit, so only the values tell")
AFF_DX_NO_WT = missing_transpose_cause("x", "W", lead="dx without the transpose")
AFF_DX_W_LEFT = ("dx is transposed the wrong way: rows and columns are exchanged.")
_SQUARE_NOTE = ("(Your function works when D == M but fails when D != M: one of its "
                "products fits only for a square W. Write down the shape of each operand: a "
                "product must have its gradient's shape for any N, D and M.)")


def _affine_truth(affine_forward, x, W, b, dout):
    return dict(zip(("dx", "dW", "db"), input_gradients(affine_forward, [x, W, b], dout)))


def _affine_case(rng, N, D, M):
    return (rng.standard_normal((N, D)), rng.standard_normal((D, M)) / np.sqrt(D),
            rng.standard_normal(M), rng.standard_normal((N, M)))


def _call_affine(affine_backward, dout, cache, N, D, M):
    fn = "affine_backward"
    db_known = {
        (1, M): "b has shape (M,), so db must too: sum over the batch without keepdims.",
        (N, M): "db is not summed over the batch: b was broadcast to every row in the "
                "forward pass (a fork), so backwards the rows' gradients add up.",
        (): "db was summed over everything: sum over the batch axis only, "
            "shape (M,).",
    }
    if N != M:
        db_known[(N,)] = "db was summed over the wrong axis: the batch is axis 0."
    known = {"dW": {(M, D): AFF_DW_T} if M != D else {}, "db": db_known}
    return call_checked(fn, affine_backward, (dout, cache),
                        {"dx": (N, D), "dW": (D, M), "db": (M,)}, expect=_known_shapes(known))


def check_affine_backward(affine_backward, affine_forward, seed=0):
    """Two square layers (D == M, where a transposed product still has the right shape and
    only the values tell), then a non-square one; every gradient against the complex step
    through the given forward, with random upstream gradients."""
    fn = "affine_backward"
    rng = rng_for(seed, fn)
    sizes = [(3, 4, 4), (5, 3, 3), (4, 5, 3), (6, 2, 5)]
    results, truths, contexts, cases = [], [], [], []
    mistakes = _affine_mistakes(sizes, cases, truths)
    for N, D, M in sizes:
        x, W, b, dout = _affine_case(rng, N, D, M)
        _, cache = affine_forward(x.copy(), W.copy(), b.copy())
        call = lambda: _call_affine(affine_backward, dout, cache, N, D, M)  # noqa: E731
        if D != M and results:
            got = _with_student_note(call, _SQUARE_NOTE)
        else:
            got = call()
        results.append(got)
        truths.append(_affine_truth(affine_forward, x, W, b, dout))
        contexts.append(f"(N = {N}, D = {D}, M = {M}, random dout)")
        cases.append((x, W, b, dout))
        if len(results) in (2, len(sizes)):     # the square cases, then all of them
            _verdict(fn, ("dx", "dW", "db"), results, truths, contexts, mistakes,
                     _AFFINE_CAUSE, declare=lambda k: {
                         **_affine_declared(sizes[k], cases[k]),
                         "circuit": _affine_circuit(affine_forward, cases[k]),
                         "responses": _affine_responses(affine_backward, affine_forward,
                                                        sizes[k], cases[k])},
                     probe=lambda: [_affine_probe(affine_backward, affine_forward, seed)])


def _affine_probe(affine_backward, affine_forward, seed):
    """One more layer for the explainer alone, with fewer examples than outputs (N < M), so
    that the input the student's dW pairs with dout can be read back from it."""
    N, D, M = 2, 3, 5
    x, W, b, dout = _affine_case(rng_for(seed, "affine_backward_probe"), N, D, M)
    _, cache = affine_forward(x.copy(), W.copy(), b.copy())
    got = _call_affine(affine_backward, dout, cache, N, D, M)
    return got, _affine_truth(affine_forward, x, W, b, dout), {
        **_affine_declared((N, D, M), (x, W, b, dout)),
        "circuit": _affine_circuit(affine_forward, (x, W, b, dout))}


def _affine_circuit(affine_forward, case):
    """The layer's trusted forward as a circuit (explain.View.circuit)."""
    x, W, b, dout = case
    return forward_case(affine_forward, {"x": x, "W": W, "b": b},
                        {"dx": "x", "dW": "W", "db": "b"}, {0: ("dout", dout)})


def _affine_responses(affine_backward, affine_forward, size, case) -> dict:
    """The student's affine_backward called again with dout zero and doubled, and with one
    example's input and upstream gradient changed."""
    N, D, M = size
    x, W, b, dout = case

    def call(up):
        _, cache = affine_forward(x.copy(), W.copy(), b.copy())
        return _call_affine(affine_backward, up["dout"], cache, N, D, M)

    def call_row(j):            # example j's input and upstream gradient changed
        _, cache = affine_forward(changed_row(x, j), W.copy(), b.copy())
        return _call_affine(affine_backward, changed_row(dout, j), cache, N, D, M)
    return {**upstream_responses(call, lambda up: _affine_truth(affine_forward, x, W, b,
                                                                up["dout"]), {"dout": dout}),
            **example_responses(call_row, lambda j: {"dx": input_gradients(
                lambda v: affine_forward(v, W, b), [changed_row(x, j)], changed_row(dout, j))[0]},
                N, "input x and upstream gradient dout")}


def _affine_declared(size, case) -> dict:
    """What the explainer may refer to in one affine case."""
    N, D, M = size
    x, W, b, dout = case
    # the input x that dW pairs with dout, read back from the student's dW (when N <= M)
    operand = Inner("the input x", x, [("dW", dout, True)])
    return {"inner": {"x": operand},
            "contractions": {"dx": ("the upstream gradient dout", dout, "the weights W", W,
                                    "nm,dm->nd"),
                             "dW": ("the input x", x, "the upstream gradient dout", dout,
                                    "nd,nm->dm")},
            "partials": partial_upstream(lambda g: {"dx": g @ W.T, "dW": x.T @ g,
                                                    "db": g.sum(axis=0)}, dout, 0, "example"),
            "sizes": {"N": N, "D": D, "M": M},
            "quantities": {"dout": Quantity(dout, "the upstream gradient `dout`", "upstream"),
                           "x": Quantity(x, "the input `x`", "input"),
                           "W": Quantity(W, "the weights `W`", "weights"),
                           "b": Quantity(b, "the bias `b` itself", "bias")}}


def _affine_mistakes(sizes, cases, truths):
    def square_only(make):
        return lambda k: make(k) if sizes[k][1] == sizes[k][2] else {}

    N_of = [s[0] for s in sizes]
    return [
        (AFF_DB_MEAN, lambda k: {"db": truths[k]["db"] / N_of[k]}),
        (AFF_DW_MEAN, lambda k: {"dW": truths[k]["dW"] / N_of[k]}),
        (AFF_DX_MEAN, lambda k: {"dx": truths[k]["dx"] / N_of[k]}),
        (AFF_DW_T, square_only(lambda k: {"dW": truths[k]["dW"].T})),
        (AFF_DX_NO_WT, square_only(lambda k: {"dx": cases[k][3] @ cases[k][1]})),
    ]


# =============================================================== softmax_cross_entropy_backward

_SCE_CAUSE = ("write the loss out: the mean over the N rows of -sum(labels * log p), with "
              "log p = logits - logsumexp(logits); differentiate it with respect to the "
              "logits and to the labels without assuming that a row of labels sums to 1 "
              "(try your result on a row that sums to 2), and keep the upstream dloss.")
SCE_NOT_MEAN = ("dlogits is N times too large: the loss is the MEAN over the N rows, so "
                "every row's gradient carries a factor 1/N.")
SCE_LABELS_NOT_MEAN = "dlabels is N times too large: the loss is a mean over the N rows."
SCE_NO_DLOSS = ("dloss is ignored: the upstream gradient scales everything the loss sends "
                "back (multiply by dloss).")
SCE_ONE_HOT = ("one-hot labels assumed: probabilities minus labels holds only when every row "
               "of labels sums to 1. The loss is -sum(labels * log p) / N with log p = "
               "logits - logsumexp(logits): differentiate that, and each row's sum of labels "
               "appears.")
SCE_NORMALISED = ("the labels were normalised: the loss uses the labels as given; a row "
                  "that does not sum to 1 stays as it is.")
SCE_SIGN = "the sign is flipped: the gradient on the logits is probabilities minus labels, not the reverse."
SCE_ZERO_LABELS = ("dlabels is all zeros, but the loss does depend on the labels: "
                   "they enter it through -labels * log p. Whether that gradient is used is the "
                   "CALLER's choice (it stops the gradient when the labels are data, e.g. "
                   "with detach or stop_gradient); a loss that returns zeros makes the choice "
                   "for everyone and silently breaks distillation, where the labels come "
                   "out of another network.")
SCE_LABELS_SIGN = "dlabels has the wrong sign: the loss is MINUS labels times log p (and log p <= 0)."
SCE_LABELS_ARE_DLOGITS = ("dlabels is the gradient on the logits; the labels enter the "
                          "loss through their product with log p.")


def _call_sce(student_fn, dloss, cache, N, C):
    fn = "softmax_cross_entropy_backward"

    def screen(raw):
        dlabels = raw["dlabels"]
        if dlabels is None:
            raise CheckFailure(f"`{fn}` returned None for dlabels. " + SCE_ZERO_LABELS)
        if isinstance(dlabels, (int, float)) and dlabels == 0:
            raise CheckFailure(f"`{fn}` returned 0 for dlabels. " + SCE_ZERO_LABELS)
    return call_checked(fn, student_fn, (dloss, cache), {"dlogits": (N, C), "dlabels": (N, C)},
                        screen=screen)


def _sce_labels(rng, kind, N, C):
    if kind == "one-hot":
        return np.eye(C)[rng.integers(C, size=N)]
    rows = rng.dirichlet(np.ones(C), size=N)
    if kind == "soft":
        return rows
    sums = rng.uniform(0.3, 2.5, size=N)          # rows that do not sum to 1
    sums[np.abs(sums - 1) < 0.2] += 0.5
    return rows * sums[:, None]


# the caches as the notebook's forwards make them
_SCE_CACHE_NAMES = ("the logits", "the labels", "the probabilities")
_MLP_CACHE_NAMES = ("X", "W1", "b1", "relu_cache (the ReLU's input, the pre-activation)",
                    "h (the ReLU's output)", "W2", "b2") + _SCE_CACHE_NAMES


def _sce_circuit(forward, piece):
    """The loss's trusted forward as a circuit (explain.View.circuit)."""
    N, _probs, labels, _sums, dloss, logits = piece
    return forward_case(forward, {"logits": logits, "labels": labels},
                        {"dlogits": "logits", "dlabels": "labels"}, {0: ("dloss", dloss)})


def _sce_run(student_fn, forward, rng, specs):
    """Run every case; return results, truths, contexts, the pieces for predictions and
    the explainer's responses (a function per case making them: the student's function
    called again with dloss zero, doubled or negated, one example changed, or two cache
    entries exchanged, only when asked)."""
    results, truths, contexts, pieces, responses = [], [], [], [], []
    for N, C, kind, dloss in specs:
        logits = 2.0 * rng.standard_normal((N, C))
        labels = _sce_labels(rng, kind, N, C)
        _, cache = forward(logits.copy(), labels.copy())
        results.append(_call_sce(student_fn, dloss, cache, N, C))
        truths.append({
            "dlogits": complex_step_gradient(lambda z: forward(z, labels)[0], logits, dloss),
            "dlabels": complex_step_gradient(lambda y: forward(logits, y)[0], labels, dloss),
        })
        sums = labels.sum(axis=1)
        what = {"one-hot": "one-hot labels", "soft": "soft labels, rows summing to 1",
                "unnormalised": "soft labels whose rows sum to "
                                + ", ".join(f"{s:.2f}" for s in sums[:3])
                                + (", ..." if N > 3 else "")}[kind]
        contexts.append(f"(N = {N}, C = {C}, {what}, dloss = {dloss:g})")
        pieces.append((N, np.asarray(cache[2], dtype=np.float64), labels, sums, dloss, logits))

        def call(value, logits=logits, labels=labels, N=N, C=C):
            _, cache = forward(logits.copy(), labels.copy())
            return _call_sce(student_fn, value, cache, N, C)

        def call_row(j, logits=logits, labels=labels, N=N, C=C, dloss=dloss):
            _, cache = forward(changed_row(logits, j), changed_row(labels, j))
            return _call_sce(student_fn, dloss, cache, N, C)

        def truth_row(j, logits=logits, labels=labels, dloss=dloss):
            z, y = changed_row(logits, j), changed_row(labels, j)
            return {"dlogits": complex_step_gradient(lambda v: forward(v, y)[0], z, dloss),
                    "dlabels": complex_step_gradient(lambda v: forward(z, v)[0], y, dloss)}
        def made(call=call, call_row=call_row, truth_row=truth_row, truth=truths[-1],
                 logits=logits, labels=labels, N=N, C=C, dloss=dloss):
            return {**scalar_responses(call, truth, dloss),
                    **example_responses(call_row, truth_row, N, "logits and labels"),
                    **cache_swaps(lambda c: _call_sce(student_fn, dloss, c, N, C),
                                  forward(logits.copy(), labels.copy())[1], _SCE_CACHE_NAMES,
                                  truth)}
        responses.append(made)          # made when the explainer first asks (a wrong answer)
    return results, truths, contexts, pieces, responses


def _sce_declared(piece) -> dict:
    """What the explainer may refer to in one softmax cross-entropy case: the sizes, dloss,
    the cached probabilities, the labels, and the two terms of the gradient on the logits
    (the probabilities' term, scaled by each row's sum of labels, and the labels' term)."""
    N, p, y, s, dloss, logits = piece
    C = p.shape[1]
    with np.errstate(divide="ignore"):
        logp = np.log(p)
    return {"sizes": {"N": N, "C": C, "N*C": N * C},
            "scalars": {"dloss": (dloss, "the upstream gradient dloss")},
            "quantities": {"p": Quantity(p, "the probabilities p (cached)", "probs"),
                           "labels": Quantity(y, "the labels", "labels"),
                           "logp": Quantity(logp, "log p", "log-probs"),
                           "logits": Quantity(logits, "the logits", "logits"),
                           "p(1-p)": Quantity(p * (1 - p), "the softmax's diagonal "
                                              "derivative p*(1-p)", "local-derivative"),
                           "rowsum": Quantity(np.broadcast_to(s[:, None], p.shape),
                                              "each row's sum of labels", "row-sums"),
                           # the labels summed over the other axis, or over both
                           "colsum": Quantity(np.broadcast_to(y.sum(axis=0)[None, :], p.shape),
                                              "each class's sum of labels over the rows "
                                              "(axis 0)", "column-sums"),
                           "allsum": Quantity(np.full(p.shape, float(y.sum())),
                                              "the sum of all the labels", "total")},
            "terms": {"the probabilities' term (dloss * p times each row's sum of labels / N)":
                      {"dlogits": dloss * p * s[:, None] / N},
                      "the labels' term (-dloss * labels / N)": {"dlogits": -dloss * y / N},
                      "the part p * (row sum - 1) that one-hot labels hide":
                      {"dlogits": dloss * p * (s[:, None] - 1) / N}}}


def _sce_mistakes(truths, pieces):
    def P(k):
        return pieces[k]

    def one_hot(k):
        N, p, y, s, dl = P(k)[:5]
        return {"dlogits": dl * (p - y) / N}

    def normalised(k):
        N, p, y, s, dl = P(k)[:5]
        return {"dlogits": dl * (p - y / s[:, None]) / N}

    return [
        (SCE_NOT_MEAN, lambda k: {"dlogits": truths[k]["dlogits"] * P(k)[0]}),
        (SCE_LABELS_NOT_MEAN, lambda k: {"dlabels": truths[k]["dlabels"] * P(k)[0]}),
        (SCE_NO_DLOSS, lambda k: {n: t / P(k)[4] for n, t in truths[k].items()}),
        (SCE_ONE_HOT, one_hot),
        (SCE_NORMALISED, normalised),
        (SCE_SIGN, lambda k: {"dlogits": -truths[k]["dlogits"]}),
        (SCE_ZERO_LABELS, lambda k: {"dlabels": np.zeros_like(truths[k]["dlabels"])}),
        (SCE_LABELS_SIGN, lambda k: {"dlabels": -truths[k]["dlabels"]}),
        (SCE_LABELS_ARE_DLOGITS, lambda k: {"dlabels": truths[k]["dlogits"]}),
    ]


# each row of the gradients is one example's: a loop over the rows may be right on some
_SCE_LAYOUT = Layout(axes={"dlogits": {0: "row"}, "dlabels": {0: "row"}})


def check_softmax_cross_entropy_backward(softmax_cross_entropy_backward,
                                         softmax_cross_entropy_forward, seed=0):
    """One-hot and soft labels (rows summing to 1), upstream gradients 1 and not 1: dlogits
    and dlabels against the complex step through the given forward."""
    fn = "softmax_cross_entropy_backward"
    rng = rng_for(seed, fn)
    specs = [(4, 5, "one-hot", 1.0), (3, 4, "soft", float(np.round(rng.uniform(0.3, 0.8), 3))),
             (5, 3, "one-hot", float(np.round(rng.uniform(1.5, 2.5), 3)))]
    results, truths, contexts, pieces, responses = _sce_run(
        softmax_cross_entropy_backward, softmax_cross_entropy_forward, rng, specs)
    _verdict(fn, ("dlogits", "dlabels"), results, truths, contexts,
             _sce_mistakes(truths, pieces), _SCE_CAUSE,
             declare=lambda k: {**_sce_declared(pieces[k]), "responses": responses[k](),
                                "circuit": _sce_circuit(softmax_cross_entropy_forward,
                                                        pieces[k])}, layout=_SCE_LAYOUT)


def check_softmax_cross_entropy_backward_soft(softmax_cross_entropy_backward,
                                              softmax_cross_entropy_forward, seed=0):
    """Soft labels whose rows do not sum to 1 (as when the labels are another network's
    scaled outputs), and one-hot rows again so that a mistake is told from its siblings."""
    fn = "softmax_cross_entropy_backward"
    rng = rng_for(seed, fn + "_soft")
    specs = [(4, 5, "unnormalised", float(np.round(rng.uniform(0.5, 0.9), 3))),
             (6, 3, "unnormalised", 1.0), (3, 4, "one-hot", 1.0)]
    results, truths, contexts, pieces, responses = _sce_run(
        softmax_cross_entropy_backward, softmax_cross_entropy_forward, rng, specs)
    _verdict(fn, ("dlogits", "dlabels"), results, truths, contexts,
             _sce_mistakes(truths, pieces), _SCE_CAUSE,
             declare=lambda k: {**_sce_declared(pieces[k]), "responses": responses[k](),
                                "circuit": _sce_circuit(softmax_cross_entropy_forward,
                                                        pieces[k])}, layout=_SCE_LAYOUT)


# =============================================================== mlp_backward

_PARAMS = ("W1", "b1", "W2", "b2")
_SQUARE_NET_NOTE = ("(Your function works when D == H == C but fails on a network whose "
                    "layers are not square: one of its products or masks fits only square "
                    "layers. Write down the shape of each operand and mask: a product must "
                    "have its gradient's shape, and the ReLU mask the shape (N, H).)")
_MLP_NAMES = ("dX", "W1", "b1", "W2", "b2")
_MLP_CAUSE = ("go through the layers in reverse: dlogits from softmax_cross_entropy_backward "
              "(with dloss), then the second affine layer, then the ReLU (keep the gradient "
              "where the ReLU's input, relu_cache, is > 0), then the first affine layer. If "
              "affine_backward or softmax_cross_entropy_backward fails its own test, fix it "
              "first: a mistake in one layer spreads to every gradient below it.")
MLP_NO_MASK = ("the ReLU's backward pass is missing: the gradient must be zeroed where the "
               "ReLU's input was <= 0.")
MLP_MASK_FROM_X = ("the ReLU mask from the wrong layer: the mask is relu_cache > 0 (the "
                   "ReLU's own input, the first affine's output), not the network's input X.")
MLP_MASK_VALUES = ("the gradient is multiplied by the ReLU's input or output itself; the "
                   "ReLU's derivative is the 0/1 mask (relu_cache > 0).")
MLP_MASK_FROM_GRAD = ("the ReLU mask is taken on the gradient (where the gradient that reaches "
                      "the ReLU is > 0, as max(0, dh) does): the mask must come from the "
                      "ReLU's input (relu_cache > 0), not from the sign of the gradient.")
MLP_MASK_NO_BIAS = ("the ReLU mask is recomputed from X and W1 without the bias b1: the ReLU's "
                    "input is relu_cache, b1 included; take the mask from it.")
MLP_DLABELS = ("the gradient on the logits is the loss backward's second output (the gradient "
               "on the labels): softmax_cross_entropy_backward returns (dlogits, dlabels), in "
               "that order.")
MLP_MASK_AFTER = ("the ReLU mask is applied in the wrong place: mask the gradient on the "
                  "ReLU's output BEFORE it goes through the first affine layer, not dX after.")
MLP_NOT_MEAN = ("every gradient is N times too large: dlogits is not divided by N (the "
                "loss is a mean over the rows); it spreads to every layer below.")
MLP_NO_DLOSS = ("dloss is ignored: pass it to softmax_cross_entropy_backward; it scales "
                "every gradient.")
MLP_ONE_HOT = ("one-hot labels assumed in the loss's backward pass (probabilities minus "
               "labels); with labels whose rows don't sum to 1 each row's sum of labels "
               "appears, and the error spreads to every layer below.")
MLP_DB_MEAN = "the biases' gradients are averaged, not summed, over the batch. " + AFF_DB_MEAN
MLP_DW_T = "the weight gradients are transposed (rows and columns exchanged)."
MLP_NO_WT = ("a gradient passed down a layer without the transpose of its weights (with "
             "square layers the product without it also fits; only the values tell).")
MLP_ALIAS = ("grads[{key!r}] is the parameter {key} itself (the array in the cache), not a "
             "new array: a training step params[k] -= lr * grads[k] would then change the "
             "gradient while it is applied, and any later change to one changes the other. "
             "Return new arrays.")


def _mlp_case(rng, N, D, H, C, labels_kind, margin=0.05):
    """Inputs, parameters and labels with every ReLU input at least `margin` (relative to
    their typical size) from 0; the complex step is exact at any distance, but a student's
    `>=` or `>` must not matter."""
    for _ in range(500):
        X = rng.standard_normal((N, D))
        params = {"W1": rng.standard_normal((D, H)) / np.sqrt(D),
                  "b1": 0.3 * rng.standard_normal(H),
                  "W2": rng.standard_normal((H, C)) / np.sqrt(H),
                  "b2": 0.3 * rng.standard_normal(C)}
        a = X @ params["W1"] + params["b1"]
        if np.min(np.abs(a)) > margin * np.sqrt(np.mean(a ** 2)):
            break
    labels = _sce_labels(rng, labels_kind, N, C)
    return X, labels, params


def _mlp_truth(mlp_forward, X, labels, params, dloss):
    def forward(v, *weights):
        return mlp_forward(v, labels, {**params, **dict(zip(_PARAMS, weights))})
    grads = input_gradients(forward, [X] + [params[k] for k in _PARAMS], dloss)
    return dict(zip(("dX",) + _PARAMS, grads))


def _linearised(affine_forward, X, params, h, g, M, *, carry=None, down=None):
    """Gradients of phi = sum(g * [affine(h, W2', b2') + ((X' K + X W1' + b1') * M) C]).

    phi is linear in (X', W1', b1', W2', b2'); with M the true ReLU mask, C = W2 and K = W1
    its gradient is the network's. Each mistake is one ingredient changed: the upstream g
    on the logits, the mask M, or a product without its transpose (C = W2.T, K = W1.T)."""
    W1, W2 = params["W1"], params["W2"]
    C = W2 if carry is None else carry
    K = W1 if down is None else down
    zH, zC = np.zeros(W1.shape[1]), np.zeros(W2.shape[1])

    def phi(Xp, W1p, b1p, W2p, b2p):
        top = affine_forward(h, W2p, b2p)[0]
        a_lin = affine_forward(Xp, K, b1p)[0] + affine_forward(X, W1p, zH)[0]
        return np.sum(g * (top + affine_forward(a_lin * M, C, zC)[0]))

    base = [np.zeros_like(X), np.zeros_like(W1), zH.copy(), np.zeros_like(W2), zC.copy()]
    out = {}
    for i, name in enumerate(_MLP_NAMES):
        def f(v, i=i):
            args = list(base)
            args[i] = v
            return phi(*args)
        out[name] = complex_step_gradient(f, base[i])
    return out


def _call_mlp(mlp_backward, dloss, cache, shapes):
    fn = "mlp_backward"
    got = outputs_by_name(fn, call_and_check_inputs(mlp_backward, dloss, cache),
                          {"dX": shapes["dX"], "grads": None})
    dX, grads = got["dX"], got["grads"]
    if not isinstance(grads, dict):
        raise CheckFailure(f"`{fn}` must return grads as a dict with the keys W1, b1, W2, b2 "
                           f"(the keys of params), not {type(grads).__name__}.")
    if set(grads) != set(_PARAMS):
        raise CheckFailure(f"`{fn}`: grads has the keys {sorted(map(str, grads))}, expected "
                           "['W1', 'W2', 'b1', 'b2'] (the same names as params, so that "
                           "params[k] -= lr * grads[k] works).")
    out = {"dX": dX}
    for key in _PARAMS:
        known = {}
        if key.startswith("b"):
            M = shapes[key][0]
            known = {(1, M): f"{key} has shape ({M},), so its gradient must too (no keepdims).",
                     (shapes["dX"][0], M): f"grads[{key!r}] is not summed over the batch: "
                     "the bias was broadcast to every row (a fork), so the rows' gradients "
                     "add up."}
        out[key] = _expect_shaped(fn, f"grads[{key!r}]", grads[key], shapes[key], known)
    aff1, _, aff2, _ = cache
    owned = {"W1": aff1[1], "b1": aff1[2], "W2": aff2[1], "b2": aff2[2]}
    for key in _PARAMS:
        for pkey, param in owned.items():
            if out[key] is param:
                raise CheckFailure(f"`{fn}`: " + MLP_ALIAS.format(key=pkey))
    expect_new_arrays(fn, {"dX": dX, **{f"grads[{k!r}]": out[k] for k in _PARAMS}},
                      [dloss, cache])
    return out


def _mlp_declared(case, affine_forward, softmax_cross_entropy_forward, mlp_forward) -> dict:
    """What the explainer may refer to in one network case: sizes, dloss, the input X, the
    parameters (an output equal to a parameter, or scaled by a size), and the part of each
    gradient below the ReLU that flows through the units it switched off (a partial term:
    present when the mask is missing, absent from the right answer)."""
    X, labels, params, dloss, cache = case
    aff1, a, aff2, (logits, _, _) = cache
    a = np.asarray(a, dtype=np.float64)

    def switched_off():
        g = complex_step_gradient(lambda z: softmax_cross_entropy_forward(z, labels)[0],
                                  np.asarray(logits, dtype=np.float64), dloss)
        part = _linearised(affine_forward, X, params, np.asarray(aff2[0], dtype=np.float64),
                           g, (a <= 0).astype(np.float64))
        return {k: part[k] for k in ("dX", "W1", "b1")}
    N, D = X.shape
    H, C = params["W1"].shape[1], params["W2"].shape[1]
    hidden = np.asarray(aff2[0], dtype=np.float64)
    quantities = {"X": Quantity(X, "the input `X`", "input")}
    quantities.update({k: Quantity(v, f"the parameter {k} itself", "parameter")
                       for k, v in params.items()})
    # what the weights multiply, and what may stand in its place in a weight's gradient
    quantities["hidden"] = Quantity(hidden, "the ReLU's output (the hidden layer)", "hidden")
    quantities["relu_cache"] = Quantity(a, "the ReLU's input relu_cache (the pre-activation)",
                                        "pre-activation")
    quantities["mask"] = Quantity((a > 0).astype(np.float64), "the ReLU's 0/1 mask "
                                  "(relu_cache > 0)", "mask")

    def upstream_of_W2():
        return complex_step_gradient(lambda z: softmax_cross_entropy_forward(z, labels)[0],
                                     np.asarray(logits, dtype=np.float64), dloss)
    # the gradients inside the network (a bias's gradient is one of them summed over rows)
    dlogits = upstream_of_W2()
    g, h = dlogits, hidden           # the partial upstreams restrict the logits' gradient
    quantities["dlogits"] = Quantity(dlogits, "the gradient on the logits", "gradient")
    quantities["dpre"] = Quantity((dlogits @ params["W2"].T) * (a > 0),
                                  "the gradient on the ReLU's input", "gradient")
    return {"sizes": {"N": N, "D": D, "H": H, "C": C},
            # a bias left out where the backward pass recomputes the probabilities or the mask
            "alternatives": {**left_out(lambda changed: _mlp_truth(
                mlp_forward, X, labels, {**params, **changed}, dloss),
                {"b2": (params["b2"], "the bias b2"), "b1": (params["b1"], "the bias b1")}),
                # the gradient sent back to the hidden layer through W2's gradient, not W2
                "what the right computation gives when the gradient is sent back to the hidden "
                "layer through the gradient of W2 instead of the weights W2 (the name W2 "
                "reused for its gradient before it is used)":
                    (lambda: _linearised(affine_forward, X, params, hidden, dlogits,
                                         (a > 0).astype(np.float64),
                                         carry=hidden.T @ dlogits), "wrong-operand")},
            # the gradient on the logits restricted to one example (or all but one): what a
            # loop over the examples that overwrites instead of adding gives
            "partials": partial_upstream(lambda part: _linearised(
                affine_forward, X, params, h, part, (a > 0).astype(np.float64)), g, 0,
                "example"),
            "scalars": {"dloss": (dloss, "the upstream gradient dloss")},
            "quantities": quantities,
            "products": {"W2": ("hidden", dlogits), "W1": ("X", quantities["dpre"].value)},
            "contractions": layer_contractions(quantities["dpre"].value, [
                ("dX", "the input X", X, "W1", "W1", params["W1"])], "the gradient on the "
                "ReLU's input") | layer_contractions(dlogits, [
                    (None, "the ReLU's output", hidden, "W2", "W2", params["W2"])],
                    "the gradient on the logits"),
            # the ReLU's local derivative (its mask), which a slip may replace
            "locals": {"relu": Local("the ReLU's local derivative", "rectifier",
                                     lambda m: _linearised(affine_forward, X, params, hidden,
                                                           dlogits, np.asarray(m, dtype=float)),
                                     y=hidden, y_name="h",
                                     terms=(("X @ W1", X @ params["W1"]),
                                            ("the bias b1", params["b1"])))},
            # the gradient on the logits, recovered from the student's W2 (when N <= H)
            "inner": {"dlogits": Inner("the gradient on the logits", dlogits,
                                       [("W2", hidden)],
                                       _logits_quantities(logits, labels, dloss),
                                       _logits_terms(logits, labels, dloss)),
                      # the gradient on the ReLU's input, recovered from W1 (when N <= D)
                      "dpre": Inner("the gradient on the ReLU's input", quantities["dpre"].value,
                                    [("W1", X)],
                                    {"relu_cache": quantities["relu_cache"],
                                     "dh": Quantity(dlogits @ params["W2"].T,
                                                    "the gradient on the ReLU's output",
                                                    "gradient")})},
            "terms": _LazyTerms({"the unmasked part: what flows back through the units the "
                                 "ReLU switched off (relu_cache <= 0), which its mask blocks":
                                 switched_off})}


def _logits_parts(logits, labels):
    logits = np.asarray(logits, dtype=np.float64)
    z = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    return p, labels.sum(axis=1)


def _logits_quantities(logits, labels, dloss=None) -> dict:
    """What the gradient on the logits may be built from: the probabilities, the labels,
    each row's sum of labels and (given dloss) the gradient on the labels."""
    p, s = _logits_parts(logits, labels)
    out = {"p": Quantity(p, "the probabilities p", "probs"),
           "labels": Quantity(labels, "the labels", "labels"),
           "rowsum": Quantity(np.broadcast_to(s[:, None], p.shape), "each row's sum of labels",
                              "row-sums")}
    out["logits"] = Quantity(np.asarray(logits, dtype=np.float64), "the logits", "logits")
    out["p(1-p)"] = Quantity(p * (1 - p), "the softmax's diagonal derivative p*(1-p)",
                             "local-derivative")
    if dloss is not None:
        out["dlabels"] = Quantity(-dloss * np.log(p) / p.shape[0],
                                  "the gradient on the labels (dlabels)", "gradient")
    return out


def _logits_terms(logits, labels, dloss) -> dict:
    """The two terms of the gradient on the logits (as in softmax_cross_entropy_backward)."""
    p, s = _logits_parts(logits, labels)
    N = p.shape[0]
    return {"the probabilities' term (dloss * p times each row's sum of labels / N)":
            dloss * p * s[:, None] / N,
            "the labels' term (-dloss * labels / N)": -dloss * labels / N}


class _LazyTerms(dict):
    """Terms computed when first asked for (label -> callable giving {output: array})."""

    def __getitem__(self, label):
        value = super().__getitem__(label)
        if callable(value):
            value = value()
            super().__setitem__(label, value)
        return value


def _mlp_mistakes(affine_forward, softmax_cross_entropy_forward, cases, truths):
    """(cause, predict) pairs for the network; predictions computed lazily, once per case."""
    def pieces(k):
        X, labels, params, dloss, cache = cases[k]
        aff1, a, aff2, (logits, _, probs) = cache
        h = aff2[0]
        g = complex_step_gradient(lambda z: softmax_cross_entropy_forward(z, labels)[0],
                                  np.asarray(logits, dtype=np.float64), dloss)
        return X, labels, params, dloss, a, h, g, np.asarray(probs, dtype=np.float64)

    def lin(make_g=None, make_M=None, square=None, **kw):
        def make(k):
            X, labels, params, dloss, a, h, g, p = pieces(k)
            if square is not None and not square(X, params):
                return {n: np.full(1, np.nan) for n in _MLP_NAMES}   # can't happen: no match
            gg = g if make_g is None else make_g(X, labels, dloss, g, p)
            M = (a > 0).astype(np.float64) if make_M is None else make_M(X, a, h, g, params)
            extra = {k2: v(params) for k2, v in kw.items()}
            return _linearised(affine_forward, X, params, h, gg, M, **extra)
        return _memo(make)

    def after(k):
        X, labels, params, dloss, a, h, g, p = pieces(k)
        pred = no_mask(k)
        return {"dX": pred["dX"] * (a > 0), "W1": pred["W1"], "b1": pred["b1"]}

    D_eq_H = lambda X, P: X.shape[1] == P["W1"].shape[1]       # noqa: E731
    no_mask = lin(make_M=lambda X, a, h, *_: np.ones_like(a))
    N = lambda k: cases[k][0].shape[0]                          # noqa: E731
    return [
        (MLP_NOT_MEAN, lambda k: {n: t * N(k) for n, t in truths[k].items()}),
        (MLP_NO_DLOSS, lambda k: {n: t / cases[k][3] for n, t in truths[k].items()}),
        (MLP_NO_MASK, no_mask),
        (MLP_MASK_FROM_X, lin(make_M=lambda X, a, h, *_: (X > 0).astype(np.float64),
                              square=D_eq_H)),
        (MLP_MASK_VALUES, lin(make_M=lambda X, a, h, *_: a)),
        (MLP_MASK_VALUES, lin(make_M=lambda X, a, h, *_: h)),
        (MLP_MASK_AFTER, _memo(after)),
        # the mask recomputed from the wrong input: the gradient itself, or X @ W1 alone
        (MLP_MASK_FROM_GRAD, lin(make_M=lambda X, a, h, g, P: (g @ P["W2"].T > 0)
                                 .astype(np.float64))),
        (MLP_MASK_NO_BIAS, lin(make_M=lambda X, a, h, g, P: (X @ P["W1"] > 0)
                               .astype(np.float64))),
        (MLP_DLABELS, lin(make_g=lambda X, y, dl, g, p: -dl * np.log(p) / X.shape[0])),
        (MLP_ONE_HOT, lin(make_g=lambda X, y, dl, g, p: dl * (p - y) / X.shape[0])),
        (MLP_DB_MEAN, lambda k: {"b1": truths[k]["b1"] / N(k), "b2": truths[k]["b2"] / N(k)}),
        (MLP_DW_T, lambda k: {"W1": truths[k]["W1"].T, "W2": truths[k]["W2"].T}),
        (MLP_NO_WT, lin(carry=lambda P: P["W2"].T, down=lambda P: P["W1"].T)),
    ]


def check_mlp_backward(mlp_backward, mlp_forward, affine_forward,
                       softmax_cross_entropy_forward, seed=0):
    """Whole-model gradient check: dX and every parameter's gradient against the complex step
    through the given mlp_forward. Two square networks first (D == H == C, where products
    without their transpose and masks from the wrong layer have the right shapes, so only
    the values tell), with one-hot labels and with labels whose rows do not sum to 1, then
    a non-square one."""
    fn = "mlp_backward"
    rng = rng_for(seed, fn)
    specs = [(4, 5, 5, 5, "one-hot", float(np.round(rng.uniform(1.2, 1.8), 3))),
             (6, 4, 4, 4, "unnormalised", float(np.round(rng.uniform(0.4, 0.8), 3))),
             (5, 6, 7, 3, "soft", 1.0)]
    results, truths, contexts, cases = [], [], [], []
    mistakes = _mlp_mistakes(affine_forward, softmax_cross_entropy_forward, cases, truths)
    for N, D, H, C, kind, dloss in specs:
        X, labels, params = _mlp_case(rng, N, D, H, C, kind)
        _, cache = mlp_forward(X.copy(), labels.copy(), {k: v.copy() for k, v in params.items()})
        shapes = {"dX": (N, D), "W1": (D, H), "b1": (H,), "W2": (H, C), "b2": (C,)}
        call = lambda: _call_mlp(mlp_backward, dloss, cache, shapes)   # noqa: E731
        square = D == H == C
        results.append(_with_student_note(call, _SQUARE_NET_NOTE)
                       if (not square and results) else call())
        truths.append(_mlp_truth(mlp_forward, X, labels, params, dloss))
        what = {"one-hot": "one-hot labels", "soft": "soft labels",
                "unnormalised": "soft labels whose rows do not sum to 1"}[kind]
        contexts.append(f"(N = {N}, D = {D}, H = {H}, C = {C}, {what}, dloss = {dloss:g})")
        cases.append((X, labels, params, dloss, cache))
        if len(results) in (2, len(specs)):     # the square networks, then all of them
            # from the top of the network down: the topmost wrong gradient is the clue
            _verdict(fn, ("W2", "b2", "W1", "b1", "dX"), results, truths, contexts, mistakes,
                     _MLP_CAUSE, shown={k: f"grads[{k!r}]" for k in _PARAMS},
                     declare=lambda k: {**_mlp_declared(cases[k], affine_forward,
                                                        softmax_cross_entropy_forward,
                                                        mlp_forward),
                                        "circuit": _mlp_circuit(mlp_forward, cases[k]),
                                        "responses": _mlp_responses(mlp_backward, mlp_forward,
                                                                    cases[k], truths[k])},
                     probe=lambda: [_mlp_probe(mlp_backward, mlp_forward, affine_forward,
                                               softmax_cross_entropy_forward, seed)])


def _mlp_circuit(mlp_forward, case):
    """The network's trusted forward as a circuit (explain.View.circuit)."""
    X, labels, params, dloss, _cache = case
    return forward_case(mlp_forward, {"X": X, "labels": labels, "params": params},
                        {"dX": "X", **{k: k for k in _PARAMS}}, {0: ("dloss", dloss)})


def _mlp_probe(mlp_backward, mlp_forward, affine_forward, softmax_cross_entropy_forward, seed):
    """One more network for the explainer alone, with fewer examples than hidden units and
    inputs (N <= H, N <= D), so that the gradients on the logits and on the ReLU's input can
    be recovered from the student's W2 and W1."""
    prng = rng_for(seed, "mlp_backward_probe")
    N, D, H, C = 3, 5, 6, 4
    X, labels, params = _mlp_case(prng, N, D, H, C, "unnormalised")
    dloss = float(np.round(prng.uniform(0.5, 1.5), 3))
    _, cache = mlp_forward(X.copy(), labels.copy(), {k: v.copy() for k, v in params.items()})
    shapes = {"dX": (N, D), "W1": (D, H), "b1": (H,), "W2": (H, C), "b2": (C,)}
    got = _call_mlp(mlp_backward, dloss, cache, shapes)
    case = (X, labels, params, dloss, cache)
    truth = _mlp_truth(mlp_forward, X, labels, params, dloss)
    return got, truth, {**_mlp_declared(case, affine_forward, softmax_cross_entropy_forward,
                                        mlp_forward), "circuit": _mlp_circuit(mlp_forward, case)}


def _mlp_responses(mlp_backward, mlp_forward, case, truth) -> dict:
    """The student's mlp_backward called again with dloss zero and doubled, and with one
    example's input and labels changed."""
    X, labels, params, dloss, _cache = case
    shapes = {"dX": X.shape, **{k: v.shape for k, v in params.items()}}

    def call(value):
        _, cache = mlp_forward(X.copy(), labels.copy(), {k: v.copy() for k, v in params.items()})
        return _call_mlp(mlp_backward, value, cache, shapes)

    def call_row(j):            # example j's input and labels changed
        _, cache = mlp_forward(changed_row(X, j), changed_row(labels, j),
                               {k: v.copy() for k, v in params.items()})
        return _call_mlp(mlp_backward, dloss, cache, shapes)
    _, cache = mlp_forward(X.copy(), labels.copy(), {k: v.copy() for k, v in params.items()})
    return {**scalar_responses(call, truth, dloss),
            **cache_swaps(lambda c: _call_mlp(mlp_backward, dloss, c, shapes), cache,
                          _MLP_CACHE_NAMES, truth),
            **example_responses(call_row, lambda j: _mlp_dX(
                mlp_forward, changed_row(X, j), changed_row(labels, j), params, dloss),
                X.shape[0], "input X and labels")}


def _mlp_dX(mlp_forward, X, labels, params, dloss) -> dict:
    """The right dX alone (the output computed example by example)."""
    return {"dX": input_gradients(lambda v: mlp_forward(v, labels, params), [X], dloss)[0]}


def check_mlp_backward_efficiency(mlp_backward, mlp_forward, seed=0, N=4, D=200, H=500,
                                  C=10):
    """Backprop costs about one forward pass: a network with D*H + H*C + H + C (about
    105,000) parameters. A numerical gradient needs one or two forward passes PER
    PARAMETER (a minute or more here); the backward pass needs a few matrix products
    (milliseconds). Timed by `expect_efficient` (a time limit in a notebook too; the inputs
    copied for each call). Correctness along random directions (complex step, one forward
    pass each)."""
    fn = "mlp_backward"
    rng = rng_for(seed, fn + "_efficiency")
    X, labels, params = _mlp_case(rng, N, D, H, C, "one-hot", margin=0.0)
    dloss = 1.0
    _, cache = mlp_forward(X.copy(), labels.copy(), {k: v.copy() for k, v in params.items()})
    shapes = {"dX": (N, D), "W1": (D, H), "b1": (H,), "W2": (H, C), "b2": (C,)}
    n_params = sum(v.size for v in params.values())
    size = f"for a network with {n_params:,} parameters (N = {N}, D = {D}, H = {H}, C = {C})"
    result = expect_efficient(fn, mlp_backward, (dloss, cache),
                              loop_steps=2 * N * (D * H + H * C),
                              forward=lambda: mlp_forward(X, labels, params),
                              parameters=n_params + X.size, size=size)

    def returns(*_):
        return result
    returns.__name__ = fn
    got = _call_mlp(returns, dloss, cache, shapes)
    names = ("dX",) + _PARAMS
    args = [X] + [params[k] for k in _PARAMS]

    def loss_at(vals):
        p = dict(zip(_PARAMS, vals[1:]))
        return mlp_forward(vals[0], labels, p)[0]

    def directional(vs):
        z = [a + 1j * CS_STEP * v for a, v in zip(args, vs)]
        return float(np.imag(loss_at(z))) / CS_STEP * dloss

    directions = [[rng.standard_normal(a.shape) for a in args] for _ in range(2)]
    for i, name in enumerate(names):     # one direction in each argument alone
        vs = [np.zeros_like(a) for a in args]
        vs[i] = rng.standard_normal(args[i].shape)
        directions.append(vs)
    context = f"on a large network (N = {N}, D = {D}, H = {H}, C = {C})"
    for vs in directions:
        exp = directional(vs)
        mine = sum(float(np.sum(got[n] * v)) for n, v in zip(names, vs))
        scale = np.sqrt(sum(float(np.sum(v * v)) for v in vs))
        if abs(mine - exp) > 1e-6 * max(abs(exp), abs(mine), 1e-7 * scale):
            which = [n for n, v in zip(names, vs) if np.any(v)]
            raise CheckFailure(
                f"`{fn}`: the gradient is wrong {context}: along a random direction in "
                f"{', '.join(which)} yours gives {mine:.6g}, the forward pass {exp:.6g}. "
                "Usual cause: " + _MLP_CAUSE)


AFFINE_EFFICIENCY_SIZE = dict(N=2, D=400, M=400)


def check_affine_backward_efficiency(affine_backward, affine_forward, seed=0):
    """Backprop costs about one forward pass: a layer with D = M = 400 (about 161,000 inputs
    and weights) within a plain loop's time, and right along random directions."""
    fn = "affine_backward"
    rng = rng_for(seed, fn + "_efficiency")
    N, D, M = (AFFINE_EFFICIENCY_SIZE[k] for k in "NDM")
    x = rng.standard_normal((N, D))
    W = rng.standard_normal((D, M)) / np.sqrt(D)
    b = 0.3 * rng.standard_normal(M)
    dout = rng.standard_normal((N, M))
    _, cache = affine_forward(x.copy(), W.copy(), b.copy())
    size = f"on a layer with N = {N}, D = {D}, M = {M}"
    result = expect_efficient(fn, affine_backward, (dout, cache), loop_steps=2 * N * D * M,
                              forward=lambda: affine_forward(x, W, b),
                              parameters=x.size + W.size + b.size, size=size)
    outs = outputs_by_name(fn, result, {"dx": (N, D), "dW": (D, M), "db": (M,)})
    expect_sampled_gradient(fn, lambda *a: affine_forward(*a)[0], [x, W, b], outs, dout, rng,
                            size, _AFFINE_CAUSE)


SCE_EFFICIENCY_SIZE = dict(N=100, C=1000)


def check_softmax_cross_entropy_backward_efficiency(softmax_cross_entropy_backward,
                                                    softmax_cross_entropy_forward, seed=0):
    """Backprop costs about one forward pass: N = 100 rows of C = 1000 classes (200,000
    logits and labels, each of which a numerical gradient would shift on its own) within a
    plain loop's time, and right along random directions."""
    fn = "softmax_cross_entropy_backward"
    rng = rng_for(seed, fn + "_efficiency")
    N, C = SCE_EFFICIENCY_SIZE["N"], SCE_EFFICIENCY_SIZE["C"]
    logits = 2.0 * rng.standard_normal((N, C))
    labels = _sce_labels(rng, "soft", N, C)
    dloss = float(rng.uniform(0.5, 2.0))
    _, cache = softmax_cross_entropy_forward(logits.copy(), labels.copy())
    size = f"on N = {N} rows of C = {C} classes"
    result = expect_efficient(fn, softmax_cross_entropy_backward, (dloss, cache),
                              loop_steps=4 * N * C,
                              forward=lambda: softmax_cross_entropy_forward(logits, labels),
                              parameters=2 * N * C, size=size)
    outs = outputs_by_name(fn, result, {"dlogits": (N, C), "dlabels": (N, C)})
    expect_sampled_gradient(fn, lambda *a: softmax_cross_entropy_forward(*a)[0],
                            [logits, labels], outs, dloss, rng, size, _SCE_CAUSE)


# ---------------------------------------------------------------- predictions

def push_ratio_truth(z: float = -8.0) -> float:
    """|d cross-entropy/dz| over |d (sigmoid(z) - 1)**2 / 2 / dz| at a logit z (two classes,
    the other logit 0): how many times harder the softmax pushes."""
    s = 1.0 / (1.0 + np.exp(-z))
    return float(abs(s - 1.0) / abs((s - 1.0) * s * (1.0 - s)))


def check_predict_push_ratio(predict_push_ratio, seed=0):
    """The saturation experiment's prediction: the ratio at z = -8, within a factor of 3."""
    from .core import expect_prediction
    expect_prediction("predict_push_ratio", predict_push_ratio, push_ratio_truth(-8.0),
                      what="how many times larger the cross-entropy's push on z is than the "
                           "sigmoid with squared error's, at z = -8", factor=3.0)


# Every check of a backward pass also asks for chain-rule exactness (no finite differences).
from .exactness import guard_backprop  # noqa: E402

guard_backprop(globals())

# Last, once every check is defined: in a notebook each one prints a line when it passes.
from .core import announce_passes  # noqa: E402

announce_passes(globals())
