"""Small things in the checks' messages that read wrong (issue 13, part 8)."""
from __future__ import annotations

import numpy as np
import pytest
from notebook_tools import solution_namespace

from backprop_lab.checks import core
from backprop_lab.checks.core import CheckFailure
from backprop_lab.checks.rnn import CLIP_BY_VALUE, CLIP_NOT_SCALED, check_clip_grad_norm
from backprop_lab.checks.staged import _fork_mistakes, check_staged_backward_arrays


def test_fork_hint_says_a_not_an():
    texts = [mistake.cause for mistake in _fork_mistakes("x", ("a", "b"), 0)]
    assert texts and all("; a `dx = ...`" in t and "an `dx" not in t for t in texts)


def test_staged_aliasing_hint_names_df_not_dout():
    ns = solution_namespace("staged")

    def returns_df(df, cache):      # staged_backward(df, cache) has no `dout`
        dx, dy = ns["staged_backward"](df, cache)
        return df, dy

    with pytest.raises(CheckFailure) as failure:   # arrays: the aliasing check comes first
        check_staged_backward_arrays(returns_df, ns["staged_forward"], ns["sigmoid"])
    text = str(failure.value)
    assert "returned one of its inputs as dx (`df`)" in text
    assert "`df.copy()`" in text and "dout" not in text


def test_aliasing_hint_without_names_does_not_invent_dout():
    x = np.ones(3)
    with pytest.raises(CheckFailure) as failure:
        core.expect_new_arrays("f", {"grad": x}, [x])
    assert "dout" not in str(failure.value)
    assert "argument #1" in str(failure.value)
    with pytest.raises(CheckFailure) as failure:
        core.expect_new_arrays("f", {"da": x, "db": x}, [])
    assert "`db = da.copy()`" in str(failure.value)


def test_no_value_prints_as_minus_zero():
    assert core.number(-0.0) == "0"
    assert core.number(-1e-12, ".3f") == "0.000"
    assert core.number(-1e-12) == "-1e-12"          # a real value keeps its sign
    assert core.number(-2.5) == "-2.5"
    with pytest.raises(CheckFailure) as failure:
        core.expect_close("f", "dx", np.array([-0.0, 1.0]), np.array([2.0, 1.0]))
    assert "-0 " not in str(failure.value) and "(0,): 0 vs 2" in str(failure.value)
    with pytest.raises(CheckFailure) as failure:
        core.expect_close("f", "dx", np.float64(-0.0), np.float64(3.0))
    assert "yours 0, expected 3" in str(failure.value)


def _clip_by_value(grads, max_norm):
    total = float(np.sqrt(sum(np.sum(g ** 2) for g in grads.values())))
    return {k: np.clip(g, -max_norm, max_norm) for k, g in grads.items()}, total


def _not_scaled(grads, max_norm):
    total = float(np.sqrt(sum(np.sum(g ** 2) for g in grads.values())))
    return {k: g.copy() for k, g in grads.items()}, total


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_clipping_by_value_is_named_as_such(seed):
    with pytest.raises(CheckFailure) as failure:
        check_clip_grad_norm(_clip_by_value, seed=seed)
    text = str(failure.value)
    assert "Likely cause: " + CLIP_BY_VALUE.split(":")[0] in text
    assert CLIP_NOT_SCALED.split(":")[0] not in text


@pytest.mark.parametrize("seed", [0, 1])
def test_returning_the_gradient_unchanged_is_still_nothing_scaled(seed):
    with pytest.raises(CheckFailure) as failure:
        check_clip_grad_norm(_not_scaled, seed=seed)
    assert "Likely cause: " + CLIP_NOT_SCALED.split(":")[0] in str(failure.value)
