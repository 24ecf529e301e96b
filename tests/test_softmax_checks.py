"""The `softmax` checks: the worked solutions pass, usual mistakes fail with the named cause."""
from __future__ import annotations

import re

import numpy as np
import pytest

from backprop_lab.checks import softmax as checks
from backprop_lab.checks import core
from backprop_lab.checks.core import CheckFailure, StudentCodeError
from notebook_tools import solution_namespace

FUNCTIONS = ("affine_backward", "softmax_cross_entropy_backward", "mlp_backward")


@pytest.fixture(scope="module")
def ns():
    return solution_namespace("softmax")


# ---------------------------------------------------------------- the notebook itself


# ---------------------------------------------------------------- helpers

def public_checks(ns):
    f = ns
    return {
        "affine_backward": [lambda s: checks.check_affine_backward(s, f["affine_forward"])],
        "softmax_cross_entropy_backward": [
            lambda s: checks.check_softmax_cross_entropy_backward(
                s, f["softmax_cross_entropy_forward"]),
            lambda s: checks.check_softmax_cross_entropy_backward_soft(
                s, f["softmax_cross_entropy_forward"]),
        ],
        "mlp_backward": [
            lambda s: checks.check_mlp_backward(s, f["mlp_forward"], f["affine_forward"],
                                                f["softmax_cross_entropy_forward"]),
            lambda s: checks.check_mlp_backward_efficiency(s, f["mlp_forward"]),
        ],
    }


@pytest.mark.parametrize("function", FUNCTIONS)
def test_not_implemented_is_reported_as_such(ns, function):
    def stub(*args, **kwargs):
        raise NotImplementedError()
    stub.__name__ = function
    for check in public_checks(ns)[function]:
        with pytest.raises(StudentCodeError, match="not implemented yet"):
            check(stub)


def failure(check, student) -> str:
    with pytest.raises(CheckFailure) as info:
        check(student)
    return str(info.value)


def assert_named(message: str, cause: str):
    assert "Likely cause: " in message or "Usual cause" not in message, message
    assert re.search(cause, message), message


# ---------------------------------------------------------------- affine_backward

def affine(dout, cache, *, db="sum", dW="right", dx="right", order=None):
    """An affine backward pass with one usual mistake switched on at a time."""
    x, W, b = cache
    N = x.shape[0]
    gx = {"right": lambda: dout @ W.T, "no_T": lambda: dout @ W,      # no_T raises unless square
          "mean": lambda: dout @ W.T / N}[dx]()
    gW = {"right": x.T @ dout, "T": dout.T @ x, "mean": x.T @ dout / N}[dW]
    gb = {"sum": dout.sum(axis=0), "mean": dout.mean(axis=0), "none": dout.copy(),
          "keepdims": dout.sum(axis=0, keepdims=True), "all": dout.sum()}[db]
    out = {"dx": gx, "dW": gW, "db": gb}
    return tuple(out[k] for k in (order or ("dx", "dW", "db")))


AFFINE_MISTAKES = {
    "db averaged": (dict(db="mean"), "db is averaged over the batch; it must be summed"),
    "db not summed": (dict(db="none"), r"db has shape \(\d, \d\).*db is not summed over the batch"),
    "db with keepdims": (dict(db="keepdims"), r"db has shape \(1, \d\).*without keepdims"),
    "db summed over everything": (dict(db="all"), "summed over everything"),
    "dW transposed (dout.T @ x)": (dict(dW="T"), "dW is transposed"),
    "dW averaged": (dict(dW="mean"), "dW is divided by N"),
    "dx without W.T": (dict(dx="no_T"), "dx without the transpose"),
    "dx averaged": (dict(dx="mean"), "dx is divided by N"),
    "returned as (dW, dx, db)": (dict(order=("dW", "dx", "db")),
                                 r"shapes fit the order \(dW, dx, db\).*another order"),
}


@pytest.mark.parametrize("mistake", AFFINE_MISTAKES)
def test_affine_backward_mistakes_are_named(ns, mistake):
    kwargs, cause = AFFINE_MISTAKES[mistake]

    def affine_backward(dout, cache):
        return affine(dout, cache, **kwargs)
    message = failure(lambda s: checks.check_affine_backward(s, ns["affine_forward"]),
                      affine_backward)
    assert_named(message, cause)


def test_affine_backward_that_modifies_dout_fails(ns):
    def affine_backward(dout, cache):
        dout[0, 0] = 0.0
        return affine(dout, cache)
    message = failure(lambda s: checks.check_affine_backward(s, ns["affine_forward"]),
                      affine_backward)
    assert "modified its argument #1" in message


def test_affine_backward_float32_fails(ns):
    def affine_backward(dout, cache):
        dx, dW, db = affine(dout, cache)
        return dx, dW, db.astype(np.float32)
    message = failure(lambda s: checks.check_affine_backward(s, ns["affine_forward"]),
                      affine_backward)
    assert "db has dtype float32" in message


def test_affine_backward_returning_dout_fails(ns):
    def affine_backward(dout, cache):
        x, W, b = cache
        return dout @ W.T, x.T @ dout, dout.sum(axis=0) if dout.shape[0] > 1 else dout[0]
    checks.check_affine_backward(affine_backward, ns["affine_forward"])   # N > 1 everywhere

    def returns_its_input(dout, cache):
        dx, dW, db = affine(dout, cache)
        x = cache[0]
        x[...] = dx
        return x, dW, db
    message = failure(lambda s: checks.check_affine_backward(s, ns["affine_forward"]),
                      returns_its_input)
    assert "modified its argument" in message


def test_affine_backward_with_square_only_products_says_so(ns):
    """Right on square layers, a crash on the others: the student's error names the reason."""
    def affine_backward(dout, cache):
        x, W, b = cache
        return dout @ W.T, x.T @ dout + 0.0 * (W @ W), dout.sum(axis=0)
    with pytest.raises(StudentCodeError, match="works when D == M but fails when D != M"):
        checks.check_affine_backward(affine_backward, ns["affine_forward"])


def test_affine_backward_unrecognised_error_names_no_cause(ns):
    def affine_backward(dout, cache):
        dx, dW, db = affine(dout, cache)
        return dx, dW * 1.03, db                     # 3% off: no named mistake
    message = failure(lambda s: checks.check_affine_backward(s, ns["affine_forward"]),
                      affine_backward)
    assert "dW is wrong" in message and "Likely cause" not in message
    assert "Usual cause" in message


@pytest.mark.parametrize("variant", ["einsum", "loops"])
def test_affine_backward_other_right_implementations_pass(ns, variant):
    def affine_backward(dout, cache):
        x, W, b = cache
        if variant == "einsum":
            return (np.einsum("nm,dm->nd", dout, W), np.einsum("nd,nm->dm", x, dout),
                    np.einsum("nm->m", dout))
        dx, dW, db = np.zeros_like(x), np.zeros_like(W), np.zeros_like(b)
        for n in range(x.shape[0]):
            dx[n] = W @ dout[n]
            dW += np.outer(x[n], dout[n])
            db += dout[n]
        return dx, dW, db
    checks.check_affine_backward(affine_backward, ns["affine_forward"])
    checks.check_affine_backward(affine_backward, ns["affine_forward"], seed=5)


# ---------------------------------------------------------------- softmax_cross_entropy_backward

def sce(dloss, cache, *, mean=True, use_dloss=True, labels_mode="right", sign=1.0,
        dlabels="right"):
    logits, labels, probs = cache
    N = logits.shape[0]
    s = labels.sum(axis=1, keepdims=True)
    scale = (dloss if use_dloss else 1.0) / (N if mean else 1)
    if labels_mode == "right":
        dlogits = scale * (probs * s - labels)
    elif labels_mode == "one_hot":
        dlogits = scale * (probs - labels)
    else:                                            # normalised first
        dlogits = scale * (probs - labels / s)
    dlogits = sign * dlogits
    right_labels = -(dloss if use_dloss else 1.0) * np.log(probs) / N
    dl = {"right": right_labels, "zeros": np.zeros_like(labels), "none": None,
          "sign": -right_labels, "dlogits": dlogits.copy(), "no_mean": right_labels * N}[dlabels]
    return dlogits, dl


SCE_MISTAKES = {
    "dlogits not divided by N": (dict(mean=False), "dlogits is N times too large", "main"),
    "dloss ignored": (dict(use_dloss=False), "dloss is ignored", "main"),
    "sign flipped": (dict(sign=-1.0), "the sign is flipped", "main"),
    "dlabels zeros": (dict(dlabels="zeros"), r"dlabels is all zeros.*CALLER's choice", "main"),
    "dlabels None": (dict(dlabels="none"), r"None for dlabels.*CALLER's choice", "main"),
    "dlabels sign": (dict(dlabels="sign"), "dlabels has the wrong sign", "main"),
    "dlabels from dlogits": (dict(dlabels="dlogits"), "dlabels is the gradient on the logits",
                             "main"),
    "dlabels not divided by N": (dict(dlabels="no_mean"), "dlabels is N times too large",
                                 "main"),
    "one-hot assumed": (dict(labels_mode="one_hot"), "one-hot labels assumed", "soft"),
    "labels normalised": (dict(labels_mode="normalised"), "labels were normalised", "soft"),
}


@pytest.mark.parametrize("mistake", SCE_MISTAKES)
def test_softmax_cross_entropy_backward_mistakes_are_named(ns, mistake):
    kwargs, cause, which = SCE_MISTAKES[mistake]
    forward = ns["softmax_cross_entropy_forward"]

    def softmax_cross_entropy_backward(dloss, cache):
        return sce(dloss, cache, **kwargs)
    main = lambda s: checks.check_softmax_cross_entropy_backward(s, forward)      # noqa: E731
    soft = lambda s: checks.check_softmax_cross_entropy_backward_soft(s, forward)  # noqa: E731
    if which == "soft":          # right wherever the rows sum to 1: the main test passes
        main(softmax_cross_entropy_backward)
    message = failure(main if which == "main" else soft, softmax_cross_entropy_backward)
    assert_named(message, cause)


def test_softmax_cross_entropy_backward_recomputing_the_softmax_passes(ns):
    def softmax_cross_entropy_backward(dloss, cache):
        logits, labels, _ = cache
        z = logits - logits.max(axis=1, keepdims=True)
        p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        N = len(logits)
        return (dloss / N * (p * labels.sum(axis=1)[:, None] - labels),
                -dloss / N * (z - np.log(np.exp(z).sum(axis=1, keepdims=True))))
    forward = ns["softmax_cross_entropy_forward"]
    checks.check_softmax_cross_entropy_backward(softmax_cross_entropy_backward, forward)
    checks.check_softmax_cross_entropy_backward_soft(softmax_cross_entropy_backward, forward,
                                                     seed=11)


@pytest.mark.parametrize("seed", range(5))
def test_a_scaling_left_outside_the_loop_over_the_rows_is_said_by_rows(ns, seed):
    """The scaling line dedented out of the loop over the rows (seen on a blind catalogue):
    only the last row is right, whatever N is in each case, and on the other rows yours is
    N/dloss times the expected one, also said where a case has dloss = 1 (there N/dloss is
    N, no factor of its own). Both checks, five seeds."""
    def softmax_cross_entropy_backward(dloss, cache):
        logits, labels, probs = cache
        N = logits.shape[0]
        dlogits = np.zeros(logits.shape)
        for n in range(N):
            dlogits[n] = probs[n] * labels[n].sum() - labels[n]
        dlogits[n] *= dloss / N
        return dlogits, -dloss * np.log(probs) / N
    forward = ns["softmax_cross_entropy_forward"]
    for check in (checks.check_softmax_cross_entropy_backward,
                  checks.check_softmax_cross_entropy_backward_soft):
        message = failure(lambda s: check(s, forward, seed=seed),
                          softmax_cross_entropy_backward)
        assert "in dlogits, only the last row is right, every other one is wrong; on the " \
            "wrong part every entry is exactly N/dloss times the expected one" in message, \
            (seed, message)


def test_softmax_cross_entropy_backward_that_modifies_the_cache_fails(ns):
    def softmax_cross_entropy_backward(dloss, cache):
        logits, labels, probs = cache
        out = sce(dloss, cache)
        probs -= labels                                  # in place, into the cache
        return out
    message = failure(lambda s: checks.check_softmax_cross_entropy_backward(
        s, ns["softmax_cross_entropy_forward"]), softmax_cross_entropy_backward)
    assert "modified its argument #2[2]" in message


# ---------------------------------------------------------------- mlp_backward

def mlp(dloss, cache, ns, *, mask="right", aff=None, loss=None, alias=False, keys=None,
        swap_loss=False):
    """An mlp_backward with one usual mistake switched on at a time; `aff` and `loss` replace
    the layer backward passes it uses (a mistake in a layer spreads)."""
    aff = aff or ns["affine_backward"]
    loss = loss or ns["softmax_cross_entropy_backward"]
    aff1, a, aff2, loss_cache = cache
    X = aff1[0]
    dlogits, dlabels = loss(dloss, loss_cache)
    if swap_loss:                               # the loss backward's outputs unpacked swapped
        dlogits = dlabels
    dh, dW2, db2 = aff(dlogits, aff2)
    if mask == "right":
        da = dh * (a > 0)
    elif mask == "none":
        da = dh
    elif mask == "X":
        da = dh * (X > 0)
    elif mask == "value":
        da = dh * a
    elif mask == "output":
        da = dh * aff2[0]
    elif mask == "after":
        da = dh
    elif mask == "h>0":
        da = dh * (aff2[0] > 0)
    elif mask == "gradient":                    # max(0, dh): the mask from the gradient
        da = np.maximum(dh, 0.0)
    elif mask == "no b1":                       # recomputed from X @ W1 without b1
        da = dh * (X @ aff1[1] > 0)
    elif mask == "leaky":                       # a Leaky ReLU's backward, slope 0.3
        da = dh * np.where(a > 0, 1.0, 0.3)
    dX, dW1, db1 = aff(da, aff1)
    if mask == "after":
        dX = dX * (a > 0)
    grads = {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
    if alias:
        grads["W2"] = aff2[1]
    if keys:
        grads = {"d" + k: v for k, v in grads.items()}
    return dX, grads


def mlp_mistakes(ns):
    return {
        "ReLU backward missing": (dict(mask="none"), "ReLU's backward pass is missing"),
        "mask from X": (dict(mask="X"), "mask from the wrong layer"),
        "multiplied by a": (dict(mask="value"), "multiplied by the ReLU's input or output"),
        "multiplied by h": (dict(mask="output"), "multiplied by the ReLU's input or output"),
        "mask applied to dX": (dict(mask="after"), "applied in the wrong place"),
        "mask from the gradient": (dict(mask="gradient"), "mask is taken on the gradient"),
        "mask without b1": (dict(mask="no b1"), "without the bias b1"),
        "dlabels as dlogits": (dict(swap_loss=True), "loss backward's second output"),
        "dlogits not divided by N": (
            dict(loss=lambda d, c: sce(d, c, mean=False)), "N times too large"),
        "dloss ignored": (dict(loss=lambda d, c: sce(d, c, use_dloss=False)), "dloss is ignored"),
        "one-hot assumed in the loss": (
            dict(loss=lambda d, c: sce(d, c, labels_mode="one_hot")), "one-hot labels assumed"),
        "db averaged in affine": (dict(aff=lambda d, c: affine(d, c, db="mean")),
                                  "biases' gradients are averaged"),
        "dW transposed in affine": (dict(aff=lambda d, c: affine(d, c, dW="T")),
                                    "weight gradients are transposed"),
        "dx without W.T in affine": (dict(aff=lambda d, c: affine(d, c, dx="no_T")),
                                     "without the transpose"),
        "db not summed in affine": (dict(aff=lambda d, c: affine(d, c, db="none")),
                                    r"grads\['b[12]'\] is not summed over the batch"),
        "grads aliasing params": (dict(alias=True), r"grads\['W2'\] is the parameter W2 itself"),
        "wrong keys": (dict(keys=True), "grads has the keys"),
    }


MLP_MISTAKE_NAMES = list(mlp_mistakes({}))


@pytest.mark.parametrize("mistake", MLP_MISTAKE_NAMES)
def test_mlp_backward_mistakes_are_named(ns, mistake):
    kwargs, cause = mlp_mistakes(ns)[mistake]

    def mlp_backward(dloss, cache):
        return mlp(dloss, cache, ns, **kwargs)
    message = failure(lambda s: checks.check_mlp_backward(
        s, ns["mlp_forward"], ns["affine_forward"], ns["softmax_cross_entropy_forward"]),
        mlp_backward)
    assert_named(message, cause)


def test_mlp_backward_names_no_cause_whose_footprint_is_missing(ns):
    """dloss left out of the first layer only: every output the "dloss ignored" mistake
    changes must show it; W2 and b2 are right, so that cause is not named (its message says
    dloss scales every gradient), and the relation on W1 is said instead."""
    def mlp_backward(dloss, cache):
        dX, grads = ns["mlp_backward"](dloss, cache)
        return dX / dloss, {**grads, "W1": grads["W1"] / dloss, "b1": grads["b1"] / dloss}
    message = failure(lambda s: checks.check_mlp_backward(
        s, ns["mlp_forward"], ns["affine_forward"], ns["softmax_cross_entropy_forward"]),
        mlp_backward)
    assert "Likely cause" not in message, message
    assert "1/dloss times the expected" in message, message


def test_mlp_backward_mask_from_the_wrong_layer_crashing_on_non_square_says_so(ns):
    """The X > 0 mask is named on the square networks; had those passed, the non-square one
    would crash, and the message then explains which products only fit square layers."""
    def mlp_backward(dloss, cache):
        return mlp(dloss, cache, ns, mask="X")
    with pytest.raises(CheckFailure, match="mask from the wrong layer"):
        checks.check_mlp_backward(mlp_backward, ns["mlp_forward"], ns["affine_forward"],
                                  ns["softmax_cross_entropy_forward"])


def test_mlp_backward_other_right_implementations_pass(ns):
    def mlp_backward(dloss, cache):            # the mask from the ReLU's output h
        return mlp(dloss, cache, ns, mask="h>0")
    for seed in (0, 3):
        checks.check_mlp_backward(mlp_backward, ns["mlp_forward"], ns["affine_forward"],
                                  ns["softmax_cross_entropy_forward"], seed=seed)


def test_mlp_backward_unrecognised_error_names_no_cause(ns):
    def mlp_backward(dloss, cache):
        dX, grads = mlp(dloss, cache, ns)
        grads["W1"] = grads["W1"] * 1.03
        return dX, grads
    message = failure(lambda s: checks.check_mlp_backward(
        s, ns["mlp_forward"], ns["affine_forward"], ns["softmax_cross_entropy_forward"]),
        mlp_backward)
    assert "grads['W1'] is wrong" in message and "Likely cause" not in message


def test_mlp_backward_that_writes_into_a_parameter_fails(ns):
    def mlp_backward(dloss, cache):
        dX, grads = mlp(dloss, cache, ns)
        W1 = cache[0][1]
        W1[...] = grads["W1"]                        # the gradient stored in the parameter
        grads["W1"] = W1
        return dX, grads
    message = failure(lambda s: checks.check_mlp_backward(
        s, ns["mlp_forward"], ns["affine_forward"], ns["softmax_cross_entropy_forward"]),
        mlp_backward)
    assert "modified its argument #2" in message


def test_efficiency_fails_a_numerical_gradient(ns, monkeypatch):
    """A numerical mlp_backward (centered differences of the given forward over every
    parameter) gives the right numbers and fails on time, with the lesson in the message.
    The floor of the time budget is lowered so that the test takes a second, at a size where
    the numerical student still needs over 10 times that floor."""
    monkeypatch.setattr(core, "EFFICIENCY_FLOOR", 0.05)
    monkeypatch.setattr(core, "EFFICIENCY_SLACK", 1e-6)
    forward = ns["mlp_forward"]

    def mlp_backward(dloss, cache):
        aff1, a, aff2, (logits, labels, probs) = cache
        X = aff1[0]
        params = {"W1": aff1[1], "b1": aff1[2], "W2": aff2[1], "b2": aff2[2]}
        out = {}
        for key, value in params.items():
            g = np.zeros_like(value)
            for i in np.ndindex(value.shape):
                p = {k: v.copy() for k, v in params.items()}
                p[key][i] += 1e-5
                plus = forward(X, labels, p)[0]
                p[key][i] -= 2e-5
                g[i] = dloss * (plus - forward(X, labels, p)[0]) / 2e-5
            out[key] = g
        return np.zeros_like(X), out
    with pytest.raises(CheckFailure, match="cost about one forward pass"):
        checks.check_mlp_backward_efficiency(mlp_backward, forward, N=4, D=64, H=100, C=10)


def test_efficiency_passes_the_solution_and_checks_its_values(ns):
    checks.check_mlp_backward_efficiency(ns["mlp_backward"], ns["mlp_forward"])

    def fast_but_wrong(dloss, cache):
        return mlp(dloss, cache, ns, mask="none")
    with pytest.raises(CheckFailure, match="wrong on a large network"):
        checks.check_mlp_backward_efficiency(fast_but_wrong, ns["mlp_forward"])


def test_two_mistakes_at_once_name_the_one_of_the_first_wrong_output(ns):
    """Forgetting 1/N in both outputs: dlogits is reported first, with its own cause."""
    def softmax_cross_entropy_backward(dloss, cache):
        return sce(dloss, cache, mean=False, dlabels="no_mean")
    message = failure(lambda s: checks.check_softmax_cross_entropy_backward(
        s, ns["softmax_cross_entropy_forward"]), softmax_cross_entropy_backward)
    assert_named(message, "dlogits is N times too large")


def test_mask_after_is_told_from_no_mask(ns):
    """Both give the same W1 and b1; only dX tells them apart, and the message must use it."""
    for mask, cause, wrong in [("after", "applied in the wrong place", "backward pass is missing"),
                               ("none", "backward pass is missing", "applied in the wrong place")]:
        message = failure(lambda s: checks.check_mlp_backward(
            s, ns["mlp_forward"], ns["affine_forward"], ns["softmax_cross_entropy_forward"]),
            lambda d, c, mask=mask: mlp(d, c, ns, mask=mask))
        assert_named(message, cause)
        assert wrong not in message


@pytest.mark.parametrize("seed", range(5))
def test_a_slip_in_the_gradient_on_the_logits_is_said_there_from_the_networks_w2(ns, seed):
    """mlp_backward whose loss backward leaves out the labels' term: the gradient on the
    logits is recovered from the student's W2 (on a probe network with N <= H) and the
    relation is said there."""
    import types
    right = ns["softmax_cross_entropy_backward"]

    def no_labels_term(dloss, cache):
        logits, labels, probs = cache
        dlogits, dlabels = right(dloss, cache)
        return dlogits + dloss * labels / logits.shape[0], dlabels
    mlp_backward = types.FunctionType(ns["mlp_backward"].__code__,
                                      {**ns, "softmax_cross_entropy_backward": no_labels_term})
    with pytest.raises(CheckFailure) as failure:
        checks.check_mlp_backward(mlp_backward, ns["mlp_forward"], ns["affine_forward"],
                                  ns["softmax_cross_entropy_forward"], seed=seed)
    text = str(failure.value)
    assert "the gradient on the logits that your W2 is built from holds only the " \
           "probabilities' term" in text, text


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("local, said", [
    (lambda h: h * (1 - h), "h * (1 - h), the derivative of σ"),
    (lambda h: h, "the ReLU's output h itself where its slope (0 or 1) belongs"),
    # the mask inverted: said by the switched-off part it lets through instead
    (lambda h: (h <= 0).astype(float), "holds only the unmasked part")])
def test_a_relu_slope_replaced_in_the_network_is_said(ns, seed, local, said):
    def mlp_backward(dloss, cache):
        aff1, relu_cache, aff2, loss_cache = cache
        dlogits, _ = ns["softmax_cross_entropy_backward"](dloss, loss_cache)
        dh, dW2, db2 = ns["affine_backward"](dlogits, aff2)
        dX, dW1, db1 = ns["affine_backward"](dh * local(np.maximum(relu_cache, 0.0)), aff1)
        return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
    with pytest.raises(CheckFailure) as failure:
        checks.check_mlp_backward(mlp_backward, ns["mlp_forward"], ns["affine_forward"],
                                  ns["softmax_cross_entropy_forward"], seed=seed)
    assert said in str(failure.value), str(failure.value)


MIXED = "your {out} changes in the rows of the other examples too (the right one changes in row"


@pytest.mark.parametrize("seed", range(5))
def test_a_backward_pass_that_mixes_the_examples_is_said(ns, seed):
    """Called again with one example's inputs changed, the student's rows of the other
    examples change (a softmax over the batch axis; a row of dx made from two examples)."""
    def softmax_cross_entropy_backward(dloss, cache):
        logits, labels, _probs = cache
        z = logits - logits.max(axis=0, keepdims=True)
        p = np.exp(z) / np.exp(z).sum(axis=0, keepdims=True)       # over the batch
        N = logits.shape[0]
        s = labels.sum(axis=1, keepdims=True)
        with np.errstate(divide="ignore"):
            logp = np.log(_probs)
        return dloss * (p * s - labels) / N, -dloss * logp / N
    with pytest.raises(CheckFailure) as info:
        checks.check_softmax_cross_entropy_backward(
            softmax_cross_entropy_backward, ns["softmax_cross_entropy_forward"], seed=seed)
    assert MIXED.format(out="dlogits") in str(info.value)

    def affine_backward(dout, cache):       # each row takes a share of its neighbour's
        x, W, b = cache
        return (dout + 0.3 * np.roll(dout, 1, axis=0)) @ W.T, x.T @ dout, dout.sum(axis=0)
    with pytest.raises(CheckFailure) as info:
        checks.check_affine_backward(affine_backward, ns["affine_forward"], seed=seed)
    assert MIXED.format(out="dx") in str(info.value)


@pytest.mark.parametrize("seed", range(5))
def test_the_input_a_weight_gradient_pairs_with_dout_is_read_back(seed, ns):
    """dW built from another operand than x: read back from dW on a layer with N < M (a
    probe for the explainer), the relation is said on that operand."""
    def affine_backward(dout, cache):
        x, W, b = cache
        return dout @ W.T, (x ** 2).T @ dout, dout.sum(axis=0)
    with pytest.raises(CheckFailure) as info:
        checks.check_affine_backward(affine_backward, ns["affine_forward"], seed=seed)
    assert "the input x that your dW is built from is the square of the expected value" in \
        " ".join(str(info.value).split())


@pytest.mark.parametrize("seed", range(5))
def test_a_relu_that_leaks_is_said_with_the_slope_it_lets_through(ns, seed):
    """A local derivative changed by one number along a declared direction is fitted and
    checked exactly (explain._local_fit_claims): here 0.3 where the ReLU blocks."""
    def mlp_backward(dloss, cache):
        return mlp(dloss, cache, ns, mask="leaky")
    with pytest.raises(CheckFailure) as info:
        checks.check_mlp_backward(mlp_backward, ns["mlp_forward"], ns["affine_forward"],
                                  ns["softmax_cross_entropy_forward"], seed=seed)
    assert "the ReLU's local derivative 0.3 instead of 0 where the ReLU switched its unit " \
        "off" in " ".join(str(info.value).split())


def _softmax_derivative_again(dloss, cache):
    dlogits, dlabels = sce(dloss, cache)
    probs = cache[2]
    return dlogits * probs * (1 - probs), dlabels


@pytest.mark.parametrize("seed", range(5))
def test_a_network_that_applies_the_softmax_derivative_again_is_said(ns, seed):
    """The gradient on the logits read back from W2 (the probe network) has the declared
    factor p*(1-p) too many."""
    def mlp_backward(dloss, cache):
        return mlp(dloss, cache, ns, loss=_softmax_derivative_again)
    with pytest.raises(CheckFailure) as info:
        checks.check_mlp_backward(mlp_backward, ns["mlp_forward"], ns["affine_forward"],
                                  ns["softmax_cross_entropy_forward"], seed=seed)
    assert "has a factor the softmax's diagonal derivative p*(1-p) too many" in \
        " ".join(str(info.value).split())


@pytest.mark.parametrize("seed", range(5))
def test_a_network_whose_first_example_masks_every_row_mixes_the_examples(ns, seed):
    """The ReLU mask of example 0 used for every example: changing example 0 moves the
    other rows of dX (two calls on two cases), though a change of the last one does not."""
    def mlp_backward(dloss, cache):
        aff1, a, aff2, loss_cache = cache
        dlogits, _ = sce(dloss, loss_cache)
        dh, dW2, db2 = ns["affine_backward"](dlogits, aff2)
        dX, dW1, db1 = ns["affine_backward"](dh * (a[0] > 0), aff1)
        return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
    with pytest.raises(CheckFailure) as info:
        checks.check_mlp_backward(mlp_backward, ns["mlp_forward"], ns["affine_forward"],
                                  ns["softmax_cross_entropy_forward"], seed=seed)
    assert MIXED.format(out="dX") in " ".join(str(info.value).split())
