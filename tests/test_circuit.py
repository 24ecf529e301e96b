"""The chain rule as a circuit (autograder/checks/circuit.py): the given forward passes
traced gate by gate, their backward pass against the complex step, and one slip found from
the answers of wrong backward passes (issue #27)."""
from __future__ import annotations

import numpy as np
import pytest

from backprop_lab.checks import circuit
from backprop_lab.checks.circuit import Unsupported, find_slip, forward_case, trace
from notebook_tools import solution_namespace

SEEDS = range(5)


@pytest.fixture(scope="module")
def ns():
    return {a: solution_namespace(a) for a in ("staged", "sigmoid", "relu", "rnn", "softmax",
                                               "lstm")}


def _forwards(ns, rng):
    """(forward, inputs by name, upstream by output position) of every given forward pass."""
    r = rng.standard_normal
    N, T, D, H, C = 3, 4, 2, 3, 4
    labels = np.abs(r((N, C)))
    return {
        "staged": (ns["staged"]["staged_forward"], {"x": r((3, 2)), "y": r((3, 2))},
                   {0: ("df", r((3, 2)))}),
        "sigmoid layer": (ns["sigmoid"]["sigmoid_layer_forward"], {"W": r((H, D)), "x": r(D)},
                          {0: ("dz", r(H))}),
        "relu": (ns["relu"]["relu_forward"], {"a": r((N, H))}, {0: ("dout", r((N, H)))}),
        "leaky relu": (ns["relu"]["leaky_relu_forward"], {"a": r((N, H)), "slope": 0.1},
                       {0: ("dout", r((N, H)))}),
        "prelu": (ns["relu"]["prelu_forward"], {"a": r((N, H)), "alpha": r(H)},
                  {0: ("dout", r((N, H)))}),
        "relu rnn": (ns["rnn"]["relu_rnn_forward"], {"Whh": r((H, H)), "h0": np.abs(r(H)),
                                                    "T": T}, {0: ("dhs", r((T, H)))}),
        "rnn step": (ns["rnn"]["rnn_step_forward"], {"x": r((N, D)), "prev_h": r((N, H)),
                                                    "Wx": r((D, H)), "Wh": r((H, H)),
                                                    "b": r(H)}, {0: ("dnext_h", r((N, H)))}),
        "rnn": (ns["rnn"]["rnn_forward"], {"x": r((N, T, D)), "h0": r((N, H)),
                                          "Wx": r((D, H)), "Wh": r((H, H)), "b": r(H)},
                {0: ("dh", r((N, T, H)))}),
        "affine": (ns["softmax"]["affine_forward"], {"x": r((N, D)), "W": r((D, C)),
                                                    "b": r(C)}, {0: ("dout", r((N, C)))}),
        "softmax loss": (ns["softmax"]["softmax_cross_entropy_forward"],
                         {"logits": r((N, C)), "labels": labels}, {0: ("dloss", 1.3)}),
        "lstm step": (ns["lstm"]["lstm_step_forward"], {
            "x": r((N, D)), "prev_h": r((N, H)), "prev_c": r((N, H)), "Wx": r((D, 4 * H)),
            "Wh": r((H, 4 * H)), "b": r(4 * H)}, {0: ("dnext_h", r((N, H))),
                                                  1: ("dnext_c", r((N, H)))}),
        "lstm": (ns["lstm"]["lstm_forward"], {"x": r((N, T, D)), "h0": r((N, H)),
                                             "Wx": r((D, 4 * H)), "Wh": r((H, 4 * H)),
                                             "b": r(4 * H)}, {0: ("dh", r((N, T, H)))}),
        "huber": (ns["lstm"]["huber_loss"], {"r": 2 * r((3, 4)), "delta": 1.0},
                  {None: ("dloss", 0.7)}),
    }


def _differences(forward, args, upstream, name, h=1e-6):
    """d/d args[name] of sum(output * upstream) over the picked outputs, entry by entry by
    centered differences."""
    def loss(v):
        out = forward(**{**args, name: v})
        return sum(float(np.sum(np.asarray(out if k is None else out[k]) * g))
                   for k, (_w, g) in upstream.items())
    x = np.array(args[name], dtype=np.float64)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[idx] += h
        down[idx] -= h
        grad[idx] = (loss(up) - loss(down)) / (2 * h)
    return grad


@pytest.mark.parametrize("seed", SEEDS)
def test_the_circuits_gradients_are_the_forwards_for_every_given_forward(ns, seed):
    for what, (forward, args, upstream) in _forwards(ns, np.random.default_rng(seed)).items():
        c = trace(forward, args, gates={"sigmoid": "logistic"})     # as the checks declare
        got = circuit.gradients(c, forward_case(forward, args, {}, upstream).upstream(
            c.outputs))
        for name in (k for k, v in args.items() if isinstance(v, np.ndarray)):
            want = _differences(forward, args, upstream, name)
            assert np.allclose(got[name], want, rtol=1e-5, atol=1e-7), (what, name)


def test_a_gate_knows_its_line_and_the_name_it_was_given(ns):
    args = _forwards(ns, np.random.default_rng(0))["lstm step"][1]
    c = trace(ns["lstm"]["lstm_step_forward"], args, gates={"sigmoid": "logistic"})
    said = {n.text: n.name for n in c.nodes if n.op != "leaf"}
    assert said["f * prev_c + i * g"] == "next_c"
    assert said["np.tanh(next_c)"] == ""            # a part of a line has no name
    assert said["sigmoid(a[:, H:2 * H])"] == "f"     # the notebook's sigmoid is one gate
    assert {n.op for n in c.nodes} >= {"logistic", "tanh", "matmul", "getitem"}
    # undeclared, it is the operations it is made of
    assert "logistic" not in {n.op for n in trace(ns["lstm"]["lstm_step_forward"],
                                                  args).nodes}


def test_what_the_circuit_does_not_model_is_not_traced():
    def in_place(x):
        y = x * 2
        y[0] = 1.0
        return y

    def through_python(x):
        return np.array([float(v) for v in x])
    for forward in (in_place, through_python):
        with pytest.raises(Unsupported):
            trace(forward, {"x": np.ones(3)})


def _cases(ns, forward, grads, make, wrong, seeds=(1, 2)):
    """(Case, the wrong function's outputs, the truth) on two random cases."""
    out = []
    for seed in seeds:
        args, upstream, call = make(np.random.default_rng(seed))
        case = forward_case(forward, args, grads, upstream, gates={"sigmoid": "logistic"})
        c = trace(forward, args, gates=case.gates)
        right = circuit.gradients(c, case.upstream(c.outputs))
        got = dict(zip(grads, call(wrong)))
        out.append((case, got, {o: right[leaf] for o, leaf in grads.items()}))
    return out


def _step(ns):
    fwd = ns["lstm"]["lstm_step_forward"]

    def make(rng):
        r = rng.standard_normal
        args = {"x": r((3, 2)), "prev_h": r((3, 4)), "prev_c": r((3, 4)), "Wx": r((2, 16)),
                "Wh": r((4, 16)), "b": r(16)}
        dnh, dnc = r((3, 4)), r((3, 4))
        cache = fwd(*args.values())[2]
        return args, {0: ("dnext_h", dnh), 1: ("dnext_c", dnc)}, \
            lambda fn: fn(dnh, dnc, cache)
    return fwd, dict(zip(("dx", "dprev_h", "dprev_c", "dWx", "dWh", "db"),
                         ("x", "prev_h", "prev_c", "Wx", "Wh", "b"))), make


def _lstm_step(slip: str):
    """The LSTM step's backward pass, one line changed by `slip` (None: right)."""
    def backward(dnext_h, dnext_c, cache):
        x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
        t = np.tanh(next_c)
        do = dnext_h * t
        dc = dnext_c + dnext_h * o * (1 - t ** 2)
        if slip == "cell path without o":
            dc = dnext_c + dnext_h * (1 - t ** 2)
        if slip == "tanh at its input":
            dc = dnext_c + dnext_h * o * (1 - next_c ** 2)
        di, df, dg = dc * g, dc * prev_c, dc * i
        if slip == "forget gate from next_c":
            df = dc * next_c
        dprev_c = dc * f
        if slip == "dprev_c without f":
            dprev_c = dc
        sig = {"i": i * (1 - i), "f": f * (1 - f), "o": o * (1 - o)}
        if slip == "sigmoid' of i and f exchanged":
            sig["i"], sig["f"] = sig["f"], sig["i"]
        da = np.concatenate([di * sig["i"], df * sig["f"], do * sig["o"], dg * (1 - g ** 2)],
                            axis=1)
        dWh = prev_h.T @ da
        if slip == "dWh from prev_c":
            dWh = prev_c.T @ da
        return da @ Wx.T, da @ Wh.T, dprev_c, x.T @ da, dWh, da.sum(axis=0)
    return backward


@pytest.mark.parametrize("slip, said", [
    ("cell path without o", r"the gradient that next_h sends back to `np\.tanh\(next_c\)` is "
                            r"missing its factor o"),
    ("tanh at its input", r"`np\.tanh\(next_c\)` sends back to next_c uses 1 - next_c\*\*2, "
                          r"at the tanh's input instead of its output"),
    ("forget gate from next_c", r"`f \* prev_c` sends back to f is multiplied by next_c where "
                                r"prev_c belongs"),
    ("dprev_c without f", r"`f \* prev_c` sends back to prev_c is missing its factor f"),
    ("sigmoid' of i and f exchanged", r"local derivatives of i and f are exchanged"),
    ("dWh from prev_c", r"`prev_h @ Wh` sends back to Wh is built from prev_c where prev_h "
                        r"belongs"),
])
def test_one_slip_in_the_lstm_step_is_said_where_it_is(ns, slip, said):
    import re
    fwd, grads, make = _step(ns)
    assert find_slip(_cases(ns, fwd, grads, make, _lstm_step(None))) is None
    found = find_slip(_cases(ns, fwd, grads, make, _lstm_step(slip)))
    assert found is not None and re.search(said, found), found


def test_a_carry_left_out_is_told_from_the_first_steps_input(ns):
    """rnn_backward with the carry between steps left out: the same gate at every step,
    left out where its input is the earlier step's state, right at h0."""
    fwd, step_bwd = ns["rnn"]["rnn_forward"], ns["rnn"]["rnn_step_backward"]

    def no_carry(dh, cache):
        N, T, H = dh.shape
        dx, dWx, dWh, db = [], 0, 0, 0
        for t in reversed(range(T)):
            dxt, dprev, a, c, e = step_bwd(dh[:, t], cache[t])
            dx.insert(0, dxt)
            dWx, dWh, db = dWx + a, dWh + c, db + e
        return np.stack(dx, axis=1), dprev, dWx, dWh, db

    def make(rng):
        r = rng.standard_normal
        args = {"x": r((2, 4, 3)), "h0": r((2, 5)), "Wx": r((3, 5)), "Wh": 0.5 * r((5, 5)),
                "b": r(5)}
        dh = r((2, 4, 5))
        cache = fwd(*args.values())[1]
        return args, {0: ("dh", dh)}, lambda fn: fn(dh, cache)
    grads = dict(zip(("dx", "dh0", "dWx", "dWh", "db"), ("x", "h0", "Wx", "Wh", "b")))
    found = find_slip(_cases(ns, fwd, grads, make, no_carry))
    assert found is not None and "left out where prev_h is an earlier step's output" in found \
        and "right where it is h0" in found, found


def test_one_case_or_a_slip_that_changes_nothing_names_nothing(ns):
    fwd, grads, make = _step(ns)
    cases = _cases(ns, fwd, grads, make, _lstm_step("dprev_c without f"))
    assert find_slip(cases[:1]) is None                 # no second input
    # an answer no single slip gives: two slips at once
    def two(dnext_h, dnext_c, cache):
        out = list(_lstm_step("dprev_c without f")(dnext_h, dnext_c, cache))
        out[4] = _lstm_step("dWh from prev_c")(dnext_h, dnext_c, cache)[4]
        return tuple(out)
    assert find_slip(_cases(ns, fwd, grads, make, two)) is None


def _relu_rnn_case(fwd):
    """make(rng) for relu_rnn_backward's cases: H = 4, T = 5, h0 positive, dhs at every step."""
    def make(rng):
        H, T = 4, 5
        args = {"Whh": rng.standard_normal((H, H)), "h0": np.abs(rng.standard_normal(H)),
                "T": T}
        dhs = rng.standard_normal((T, H))
        cache = fwd(*args.values())[1]
        return args, {0: ("dhs", dhs)}, lambda fn: fn(dhs, cache)
    return make


def test_a_value_of_the_step_before_is_said_as_such(ns):
    """relu_rnn_backward masking step t with the state before it (hs[t - 1], h0 at t = 0):
    the comparison made on the step before's state, the loop's start at the first step."""
    fwd = ns["rnn"]["relu_rnn_forward"]

    def mask_before(dhs, cache):
        Whh, h0, hs = cache
        dWhh, carry = np.zeros_like(Whh), np.zeros_like(h0)
        for t in reversed(range(len(hs))):
            before = h0 if t == 0 else hs[t - 1]
            delta = (dhs[t] + carry) * (before > 0)
            dWhh += np.outer(delta, before)
            carry = Whh.T @ delta
        return dWhh, carry

    make = _relu_rnn_case(fwd)
    found = find_slip(_cases(ns, fwd, {"dWhh": "Whh", "dh0": "h0"}, make, mask_before,
                             seeds=(3, 4)))
    assert found is not None and "masked by comparing h of the step before" in found, found


def test_two_lists_of_the_steps_paired_in_opposite_orders_are_said_as_such(ns):
    """relu_rnn_backward pairing step t's state with the gradient of step T-1-t in dWhh (the
    gradients collected backwards, the states forwards), on five seeds."""
    fwd = ns["rnn"]["relu_rnn_forward"]

    def reversed_pairs(dhs, cache):
        Whh, h0, hs = cache
        grads, carry = [], np.zeros_like(h0)
        for t in reversed(range(len(hs))):
            g = (dhs[t] + carry) * (hs[t] > 0)
            grads.append(g)
            carry = Whh.T @ g
        states = [h0] + list(hs[:-1])
        return sum(np.outer(g, s) for g, s in zip(grads, states)), carry

    make = _relu_rnn_case(fwd)
    for seed in range(5):
        found = find_slip(_cases(ns, fwd, {"dWhh": "Whh", "dh0": "h0"}, make, reversed_pairs,
                                 seeds=(seed, seed + 5)))
        assert found is not None and "of the step as far from the other end" in found \
            and "sends back to Whh" in found, (seed, found)


def test_a_product_s_gradient_built_from_what_it_sends_its_other_operand_is_said(ns):
    """relu_rnn_backward pairing the state with Whh.T @ delta (what the product sends back
    to the state) in dWhh, where delta belongs, on five seeds."""
    fwd = ns["rnn"]["relu_rnn_forward"]

    def sent_back(dhs, cache):
        Whh, h0, hs = cache
        dWhh, carry = np.zeros_like(Whh), np.zeros_like(h0)
        for t in reversed(range(len(hs))):
            before = h0 if t == 0 else hs[t - 1]
            delta = (dhs[t] + carry) * (hs[t] > 0)
            carry = Whh.T @ delta
            dWhh += np.outer(carry, before)
        return dWhh, carry

    make = _relu_rnn_case(fwd)
    for seed in range(5):
        found = find_slip(_cases(ns, fwd, {"dWhh": "Whh", "dh0": "h0"}, make, sent_back,
                                 seeds=(seed, seed + 5)))
        assert found is not None and "sends back to Whh is built from what the product " \
            "sends back to h" in found, (seed, found)


def _prelu_cases(fwd, wrong, graded, others, seeds):
    """prelu_backward's cases grading one output (`graded`), the other output of the same
    call handed to the circuit as `others` (when asked)."""
    leaf = {"da": "a", "dalpha": "alpha"}
    other = "dalpha" if graded == "da" else "da"
    cases = []
    for seed in seeds:
        rng = np.random.default_rng(seed)
        a, alpha, dout = rng.standard_normal((4, 5)), rng.standard_normal(5), \
            rng.standard_normal((4, 5))
        got = dict(zip(("da", "dalpha"), wrong(dout, fwd(a, alpha)[1])))
        case = forward_case(fwd, {"a": a, "alpha": alpha}, {graded: leaf[graded]},
                            {0: ("dout", dout)},
                            others={other: (leaf[other], got[other])} if others else None)
        right = circuit.traced(case)[2]
        cases.append((case, {graded: got[graded]}, {graded: right[leaf[graded]]}))
    return cases


def test_a_slip_said_for_one_output_gives_the_others_of_the_same_call(ns):
    """prelu_backward's da and dalpha are graded by two checks. A slip said for dalpha that
    would also change da, which is right, is not said (seen on a blind catalogue: "the
    gradient arriving at out is not multiplied in" for dalpha = sum(min(a, 0))); a slip on
    the edge to a alone, which leaves dalpha as it is, still is. Five seeds."""
    fwd = ns["relu"]["prelu_forward"]

    def no_dout_in_dalpha(dout, cache):
        a, alpha = cache
        return np.where(a <= 0, alpha * dout, dout), np.sum(np.minimum(a, 0 * dout), axis=0)

    def alpha_everywhere(dout, cache):
        a, alpha = cache
        return alpha * dout + np.where(a <= 0, 0.0, dout), \
            np.sum(np.where(a <= 0, a * dout, 0.0), axis=0)

    for seed in SEEDS:
        seeds = (seed, seed + 5)
        # what was said before: a slip upstream of both outputs
        assert "is not multiplied in" in str(find_slip(_prelu_cases(
            fwd, no_dout_in_dalpha, "dalpha", False, seeds)))
        assert find_slip(_prelu_cases(fwd, no_dout_in_dalpha, "dalpha", True, seeds)) is None
        found = find_slip(_prelu_cases(fwd, alpha_everywhere, "da", True, seeds))
        assert found is not None and "sends back to a starts from the gradient on out" \
            in found and "no mask" not in found, (seed, found)


def test_traces_made_in_threads_at_once_keep_their_own_gates(ns):
    """A grader may grade in threads: each trace records its own forward's gates only."""
    from concurrent.futures import ThreadPoolExecutor
    fwd = ns["lstm"]["lstm_step_forward"]

    def make(seed):
        args = _forwards(ns, np.random.default_rng(seed))["lstm step"][1]
        return [len(trace(fwd, args).nodes) for _ in range(20)]
    alone = make(0)[0]
    with ThreadPoolExecutor(4) as pool:
        counts = [n for ns_ in pool.map(make, range(8)) for n in ns_]
    assert set(counts) == {alone}


@pytest.mark.parametrize("kind, said, summary", [
    ("mean", "is replaced by its mean", np.mean),
    ("sum", "is replaced by its sum", np.sum),
    ("ones", r"is replaced by ones \(it is never multiplied in\)", np.ones_like)])
def test_an_upstream_gradient_used_as_one_number_is_said(ns, kind, said, summary):
    """yours = the right backward pass with an upstream gradient replaced by its mean, its
    sum or ones (the student's `g = np.mean(df)`), on every given forward with array
    upstream gradients; the student's answer made by centered differences of the given
    forward with that upstream, not by the circuit. Five seeds, two cases each. (Where the
    upstream gradient reaches one gate alone, ones are the same as that gate's local
    derivative alone, which is said first.)"""
    import re
    for what in ("staged", "sigmoid layer", "relu", "rnn step", "affine", "lstm step"):
        for seed in SEEDS:
            cases = []
            for s in (seed, seed + 5):
                forward, args, upstream = _forwards(ns, np.random.default_rng(s))[what]
                k0 = next(iter(upstream))
                words, g = upstream[k0]
                changed = {**upstream, k0: (words, np.broadcast_to(summary(g), g.shape))}
                grads = {f"d{n}": n for n in args}
                got = {f"d{n}": _differences(forward, args, changed, n) for n in args}
                case = forward_case(forward, args, grads, upstream,
                                    gates={"sigmoid": "logistic"})
                right = circuit.traced(case)[2]      # checked against differences above
                cases.append((case, got, {o: right[n] for o, n in grads.items()}))
            found = find_slip(cases)
            assert found is not None and re.search(
                f"the upstream gradient {upstream[k0][0]} {said}|" + (
                    "local derivative alone: the gradient arriving at .* is not multiplied in"
                    if kind == "ones" else "^$"),
                found), (what, seed, found)


def test_a_carry_taken_through_the_tanh_before_it_twice_is_said(ns, monkeypatch):
    """rnn_backward that multiplies the carried gradient by 1 - h[t-1]**2 before the step
    before applies it again (seen on a blind catalogue): said as the factor counted twice on
    the carry, not on the first step's h0. Through the check, five seeds."""
    from backprop_lab.checks import explain, rnn as checks
    monkeypatch.setattr(explain, "CIRCUIT_SECONDS", 120.0)   # what is said, not how soon
    rnn = ns["rnn"]

    def rnn_backward(dh, cache):
        N, T, H = dh.shape
        dx = np.zeros((N, T, cache[0][0].shape[1]))
        dWx, dWh, db = (np.zeros_like(cache[0][2]), np.zeros_like(cache[0][3]), np.zeros(H))
        dprev = np.zeros((N, H))
        for t in reversed(range(T)):
            dx[:, t], dprev, dWx_t, dWh_t, db_t = rnn["rnn_step_backward"](dh[:, t] + dprev,
                                                                          cache[t])
            dWx, dWh, db = dWx + dWx_t, dWh + dWh_t, db + db_t
            if t > 0:
                dprev = dprev * (1.0 - cache[t][1] ** 2)
        return dx, dprev, dWx, dWh, db
    for seed in SEEDS:
        with pytest.raises(checks.CheckFailure) as failure:
            checks.check_rnn_backward(rnn_backward, rnn["rnn_forward"], rnn["rnn_step_forward"],
                                      seed=seed)
        assert "`prev_h @ Wh` sends back to prev_h is also multiplied by the local derivative " \
            "of the gate that makes prev_h" in str(failure.value) and \
            "1 - prev_h**2 counts twice" in str(failure.value), (seed, str(failure.value))


def test_an_operand_put_through_the_layer_s_nonlinearity_is_said(ns, monkeypatch):
    """A weight's gradient built from sigmoid(x) (or tanh(x)) where the input x belongs, as
    if the input had come out of a layer like this one (seen on a blind catalogue): said on
    the sigmoid layer and the RNN step, through their checks, five seeds."""
    from backprop_lab.checks import explain
    from backprop_lab.checks import rnn as rnn_checks
    from backprop_lab.checks import sigmoid as sigmoid_checks
    monkeypatch.setattr(explain, "CIRCUIT_SECONDS", 120.0)   # what is said, not how soon

    def sigmoid_layer_backward(dz, cache):
        W, x, z = cache
        da = dz * z * (1 - z)
        return W.T @ da, np.outer(da, 1 / (1 + np.exp(-x)))

    def rnn_step_backward(dnext_h, cache):
        x, prev_h, Wx, Wh, next_h = cache
        da = dnext_h * (1 - next_h ** 2)
        return da @ Wx.T, da @ Wh.T, np.tanh(x).T @ da, prev_h.T @ da, da.sum(axis=0)
    for seed in SEEDS:
        with pytest.raises(sigmoid_checks.CheckFailure) as failure:
            sigmoid_checks.check_sigmoid_layer_backward(
                sigmoid_layer_backward, ns["sigmoid"]["sigmoid_layer_forward"], seed=seed)
        assert "`W @ x` sends back to W is built from sigmoid(x) where x itself belongs" \
            in str(failure.value), (seed, str(failure.value))
        with pytest.raises(rnn_checks.CheckFailure) as failure:
            rnn_checks.check_rnn_step_backward(rnn_step_backward, ns["rnn"]["rnn_step_forward"],
                                               seed=seed)
        assert "`x @ Wx` sends back to Wx is built from tanh(x) where x itself belongs" \
            in str(failure.value), (seed, str(failure.value))
