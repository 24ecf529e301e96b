"""The calling prologue and the shared helpers of autograder/checks/core.py (issue 12)."""
from __future__ import annotations

import numpy as np
import pytest

from backprop_lab.checks import core
from backprop_lab.checks.core import NUMBER, CheckFailure, Hint, call_checked


def _pair(dout, x):
    return dout * 2.0, x + 1.0


def test_call_checked_returns_the_outputs_by_name():
    dout, x = np.ones(3), np.arange(3.0)
    out = call_checked("pair", _pair, (dout, x), {"dx": (3,), "dy": (3,)})
    assert list(out) == ["dx", "dy"]
    assert np.array_equal(out["dx"], 2 * dout) and np.array_equal(out["dy"], x + 1)


def test_one_output_is_the_result_itself_and_a_number_comes_back_as_float():
    out = call_checked("total", lambda x: np.float64(x.sum()), (np.ones(4),),
                       {"the total": NUMBER})
    assert type(out["the total"]) is float and out["the total"] == 4.0
    with pytest.raises(CheckFailure, match="the total must be a number, not tuple"):
        call_checked("total", lambda x: (1.0,), (np.ones(4),), {"the total": NUMBER})


def test_a_wrong_shape_count_or_dtype_fails_in_output_order():
    with pytest.raises(CheckFailure, match=r"must return 2 values \(dx, dy\)"):
        call_checked("f", lambda d, x: d, (np.ones(3), np.ones(3)), {"dx": (3,), "dy": (3,)})
    with pytest.raises(CheckFailure, match=r"dx has shape \(2,\), expected \(3,\)"):
        call_checked("f", lambda d, x: (np.ones(2), np.ones(1)), (np.ones(3), np.ones(3)),
                     {"dx": (3,), "dy": (3,)})
    with pytest.raises(CheckFailure, match="dy has dtype float32"):
        call_checked("f", lambda d, x: (np.ones(3), np.ones(3, np.float32)),
                     (np.ones(3), np.ones(3)), {"dx": (3,), "dy": (3,)})


def test_a_modified_argument_fails_before_the_outputs_are_looked_at():
    def scales_in_place(dout, x):
        dout *= 2.0
        return "not even an array"
    with pytest.raises(CheckFailure, match=r"modified its argument #1 \(`dout`\)"):
        call_checked("f", scales_in_place, (np.ones(3), np.ones(3)), {"dx": (3,)})


def test_aliasing_is_named_by_position_or_by_the_names_given():
    dout, x = np.ones(3), np.ones(3)
    with pytest.raises(CheckFailure, match=r"one of its inputs as dx \(its argument #2\)"):
        call_checked("f", lambda d, v: (v, d * 2), (dout, x), {"dx": (3,), "dy": (3,)})
    with pytest.raises(CheckFailure, match=r"as dx \(`x`\)"):
        call_checked("f", lambda d, v: (v, d * 2), (dout, x), {"dx": (3,), "dy": (3,)},
                     inputs={"dout": dout, "x": x})
    with pytest.raises(CheckFailure, match="the same array for dx and dy"):
        call_checked("f", lambda d, v: (d * 2,) * 2, (dout, x), {"dx": (3,), "dy": (3,)})


def test_an_unchecked_output_comes_back_as_it_came_and_is_not_judged():
    dout = np.ones(3)
    out = call_checked("f", lambda d: (d * 2, d), (dout,), {"dx": (3,), "raw": None})
    assert out["raw"] is dout           # the caller checks it (or not)


def test_the_screen_sees_the_raw_outputs_first():
    seen = []

    def screen(raw):
        seen.append(sorted(raw))
        if np.shape(raw["dW"]) == (2, 3):
            raise CheckFailure("dW looks transposed")
    with pytest.raises(CheckFailure, match="dW looks transposed"):
        call_checked("f", lambda d: (np.ones(7), np.ones((2, 3))), (np.ones(1),),
                     {"dx": (3,), "dW": (3, 2)}, screen=screen)
    assert seen == [["dW", "dx"]]


def test_a_lazy_candidate_is_made_only_when_asked_and_once():
    made = []

    def candidate():
        made.append(1)
        return np.full(3, 2.0)

    matches = core.looks_like(candidate)
    core.expect_close("f", "dx", np.ones(3), np.ones(3), hints=[Hint("doubled", matches)])
    assert made == []                    # a right answer never asks a hint
    with pytest.raises(CheckFailure, match="Likely cause: doubled"):
        core.expect_close("f", "dx", np.full(3, 2.0), np.ones(3), hints=[Hint("doubled", matches)])
    assert matches(np.ones(3)) is False and made == [1]


def test_once_keeps_the_first_value():
    calls = []
    get = core.once(lambda: calls.append(1) or len(calls))
    assert get() == get() == 1 and calls == [1]


def test_input_gradients_are_the_gradient_of_each_argument():
    rng = np.random.default_rng(0)
    x, W, df = rng.standard_normal(3), rng.standard_normal((2, 3)), rng.standard_normal(2)
    dx, dW = core.input_gradients(lambda v, M: (np.tanh(M @ v), "cache"), [x, W], df)
    local = df * (1 - np.tanh(W @ x) ** 2)
    assert np.allclose(dx, W.T @ local, rtol=1e-13) and np.allclose(dW, np.outer(local, x),
                                                                    rtol=1e-13)


@pytest.mark.parametrize("wrong", [None, "dW", "dh"])
def test_the_sampled_gradient_check_passes_the_truth_and_names_a_3_percent_error(wrong):
    rng = np.random.default_rng(1)
    W, h, df = rng.standard_normal((4, 4)) / 2, rng.standard_normal(4), rng.standard_normal(4)

    def forward(M, v):
        return np.tanh(M @ np.tanh(M @ v))

    dW, dh = core.input_gradients(forward, [W, h], df, output=lambda out: out)
    outputs = {"dW": dW, "dh": dh}
    if wrong is None:
        core.expect_sampled_gradient("f", forward, [W, h], outputs, df, rng, "here", "why",
                                     coords={"dW": [(core.random_indices(rng, (4, 4), 2), "c")]})
        return
    outputs[wrong] = 1.03 * outputs[wrong]
    with pytest.raises(CheckFailure, match=f"`f`: {wrong} is wrong here"):
        core.expect_sampled_gradient("f", forward, [W, h], outputs, df, rng, "here", "why")


def test_a_returned_input_is_numbered_as_the_function_receives_it():
    from notebook_tools import solution_namespace

    from backprop_lab.checks.lstm import check_huber_backward
    from backprop_lab.checks.softmax import check_softmax_cross_entropy_backward
    from backprop_lab.checks.staged import check_numerical_gradient

    ns = solution_namespace("softmax")

    def probs_as_dlabels(dloss, cache):      # cache is the second argument
        dlogits, _ = ns["softmax_cross_entropy_backward"](dloss, cache)
        return dlogits, cache[2]
    with pytest.raises(CheckFailure, match=r"as dlabels \(its argument #2\[2\]\)"):
        check_softmax_cross_entropy_backward(probs_as_dlabels,
                                             ns["softmax_cross_entropy_forward"])
    with pytest.raises(CheckFailure, match=r"as dr \(its argument #2\)"):
        check_huber_backward(lambda dloss, r, delta=1.0: r,
                             solution_namespace("lstm")["huber_loss"])
    with pytest.raises(CheckFailure, match=r"as grad \(its argument #2\)"):
        check_numerical_gradient(lambda f, x, h=1e-5: x)


# ---------------------------------------------------------------- an activation's slips, written once

def test_activation_slips_are_what_each_slip_returns_and_built_only_when_asked():
    """core.activation_slips, which sigmoid and relu (and leaky ReLU, PReLU) declare: each
    slip's answer from the activation's trusted value and slope, carried by `through`."""
    calls = []

    def value(v):
        calls.append("value")
        return np.tanh(v)

    def slope(v):
        calls.append("slope")
        return 1.0 - np.tanh(v) ** 2
    rng = np.random.default_rng(5)
    a, dout, W = rng.standard_normal(4), rng.standard_normal(4), rng.standard_normal((4, 3))
    through = lambda g: W.T @ g     # noqa: E731 (back through a layer's weights)
    slips = core.activation_slips(core.Activation(value, slope), a, dout, through=through)
    assert calls == []
    assert np.allclose(slips["upstream_missing"](), W.T @ (1.0 - np.tanh(a) ** 2))
    assert np.allclose(slips["slope_missing"](), W.T @ dout)
    assert np.allclose(slips["value_as_slope"](), W.T @ (np.tanh(a) * dout))
    assert np.allclose(slips["slope_at_output"](),
                       W.T @ ((1.0 - np.tanh(np.tanh(a)) ** 2) * dout))
    asked = len(calls)
    slips["value_as_slope"]()
    assert len(calls) == asked                    # made once
    out = np.full(4, 0.5)                         # the cache's output, when given, is used
    given = core.activation_slips(core.Activation(value, slope), a, dout, out=out)
    assert np.allclose(given["value_as_slope"](), 0.5 * dout)


def test_sigmoid_and_relu_take_their_activation_slips_from_the_library():
    import inspect

    from backprop_lab.checks import relu, sigmoid
    for module in (sigmoid, relu):
        source = inspect.getsource(module)
        assert "activation_slips(" in source
        for slip in ("upstream_missing", "value_as_slope"):
            assert f'slips["{slip}"]' in source, (module.__name__, slip)


# ---------------------------------------------------------------- the memo of trusted derivatives

_GIVEN = compile("import numpy as np\n"
                 "def scale(v):\n    counter.calls += 1\n    return 2.0 * v\n"
                 "def forward(x, W):\n    return np.tanh(W @ scale(x)), None\n",
                 "<given forward>", "exec")


def _given(counter) -> dict:
    """The given cells run again, as the grader does for every submission."""
    ns = {"counter": counter}
    exec(_GIVEN, ns)
    return ns


def _case(seed: int = 0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(3), rng.standard_normal((2, 3))], rng.standard_normal(2)


def test_the_same_trusted_derivative_is_computed_once_per_process():
    """The same forward (its code and all it sees) at the same inputs: a second submission's
    namespace of the same given cells reuses the first's derivatives; another input does not."""
    import types
    counter = types.ModuleType("counter")   # by identity: its count is not part of the key
    counter.calls = 0
    args, df = _case(101)
    first = core.input_gradients(_given(counter)["forward"], args, df)
    spent = counter.calls
    assert spent == 3 + 6                   # one forward pass per entry
    again = core.input_gradients(_given(counter)["forward"], [a.copy() for a in args], df.copy())
    assert counter.calls == spent
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    other = core.input_gradients(_given(counter)["forward"], args, df * 2.0)
    assert counter.calls == 2 * spent
    assert all(np.allclose(2 * a, b) for a, b in zip(first, other))


def test_a_kept_derivative_is_handed_out_as_a_new_array_each_time():
    counter = type(core)("counter")
    counter.calls = 0
    args, df = _case(102)
    fresh = core.input_gradients(_given(counter)["forward"], args, df)
    got = core.input_gradients(_given(counter)["forward"], args, df)
    got[0][:] = 0.0
    got[1].setflags(write=True)
    got[1] += 1.0
    again = core.input_gradients(_given(counter)["forward"], args, df)
    assert all(np.array_equal(a, b) for a, b in zip(fresh, again))
    assert all(a.flags.writeable for a in again)


def test_a_forward_that_sees_something_else_is_differentiated_again():
    """A helper defined again, a closure over another value, a default changed: each is another
    computation. What cannot be fingerprinted by value (an object, such as the grader's proxy
    to student code) is never kept."""
    counter = type(core)("counter")
    counter.calls = 0
    args, df = _case(103)
    ns = _given(counter)
    base = core.input_gradients(ns["forward"], args, df)
    ns["scale"] = lambda v: 3.0 * v          # the helper the forward names, defined again
    other = core.input_gradients(ns["forward"], args, df)
    assert not np.allclose(base[0], other[0])
    x = args[0]
    for k in (1.0, 2.0):
        got = core.complex_step_gradient(lambda v, k=k: k * np.sin(v), x)
        assert np.allclose(got, k * np.cos(x))
    for k in (1.0, -1.0):
        got = core.numerical_gradient(lambda v: k * v ** 2, x.copy())
        assert np.allclose(got, 2 * k * x, atol=1e-6)

    class Proxy:
        calls = 0

        def __call__(self, v):
            Proxy.calls += 1
            return np.sin(v)
    proxy = Proxy()
    for _ in range(2):
        core.complex_step_gradient(lambda v: proxy(v), x)
    assert Proxy.calls == 2 * x.size


def test_a_sampled_check_keeps_its_truth_but_judges_every_answer_anew():
    """expect_sampled_gradient: the truth along its directions and at its entries is the
    forward's, kept; each answer is still compared (a wrong one fails with the same words)."""
    counter = type(core)("counter")
    counter.calls = 0
    forward = _given(counter)["forward"]
    args, df = _case(104)
    x, W = args
    right = dict(zip(("dx", "dW"), core.input_gradients(forward, args, df)))
    wrong = {"dx": right["dx"], "dW": right["dW"] * 1.1}

    def check(outputs):
        core.expect_sampled_gradient("f", lambda *a: forward(*a)[0], args, outputs, df,
                                     np.random.default_rng(7), "here", "a cause",
                                     coords={"dx": [([(0,), (2,)], "an entry")]})
    counter.calls = 0
    check(right)
    spent = counter.calls
    assert spent == 2 + 2                   # two directions, two entries
    check({k: v.copy() for k, v in right.items()})
    assert counter.calls == spent
    messages = []
    for _ in range(2):
        with pytest.raises(CheckFailure) as info:
            check(wrong)
        messages.append(str(info.value))
    assert messages[0] == messages[1] and "dW" in messages[0]
