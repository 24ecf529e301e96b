"""The `lstm` checks: the worked solutions pass, usual mistakes fail with the named cause."""
from __future__ import annotations

import time

import numpy as np
import pytest

from backprop_lab.checks import lstm as checks
from backprop_lab.checks import core
from backprop_lab.checks.core import CheckFailure, StudentCodeError
from notebook_tools import solution_namespace

FUNCTIONS = ("lstm_step_backward", "lstm_backward", "huber_backward")


@pytest.fixture(scope="module")
def ns():
    return solution_namespace("lstm")


# ---------------------------------------------------------------- the notebook itself


def test_given_forwards_follow_the_contract(ns):
    """Gate order i, f, o, g; c0 = 0; the cache formats of SPEC.md; huber_loss's formula."""
    rng = np.random.default_rng(4)
    N, D, H = 2, 3, 4
    x, prev_h, prev_c = (rng.standard_normal((N, D)), rng.standard_normal((N, H)),
                         rng.standard_normal((N, H)))
    Wx, Wh, b = (rng.standard_normal((D, 4 * H)), rng.standard_normal((H, 4 * H)),
                 rng.standard_normal(4 * H))
    next_h, next_c, cache = ns["lstm_step_forward"](x, prev_h, prev_c, Wx, Wh, b)
    a = x @ Wx + prev_h @ Wh + b
    sig = lambda z: 1 / (1 + np.exp(-z))
    i, f, o, g = sig(a[:, :H]), sig(a[:, H:2 * H]), sig(a[:, 2 * H:3 * H]), np.tanh(a[:, 3 * H:])
    assert np.allclose(next_c, f * prev_c + i * g)
    assert np.allclose(next_h, o * np.tanh(next_c))
    assert len(cache) == 10
    for got, want in zip(cache, (x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c)):
        assert np.allclose(got, want)
    xs = rng.standard_normal((N, 3, D))
    h, caches = ns["lstm_forward"](xs, prev_h, Wx, Wh, b)
    assert h.shape == (N, 3, H) and len(caches) == 3
    assert np.array_equal(caches[0][2], np.zeros((N, H)))       # c0 = 0
    r = np.array([[0.5, -2.0], [3.0, -0.2]])
    expected = np.mean([0.125, 1.5 * 2.0 - 0.5 * 1.5 ** 2, 1.5 * 3.0 - 0.5 * 1.5 ** 2, 0.02])
    assert ns["huber_loss"](r, 1.5) == pytest.approx(expected)


def test_surrogate_forward_is_the_given_forward(ns):
    """The forward the mistake predictions are built on is the given one when nothing is frozen."""
    rng = np.random.default_rng(7)
    x, h0, Wx, Wh, b = checks._seq_case(rng, 2, 6, 3, 4)
    h, _ = ns["lstm_forward"](x, h0, Wx, Wh, b)
    assert np.array_equal(checks._run_steps(ns["lstm_step_forward"], x, h0,
                                            lambda t: (Wx, Wh, b)), h)


# ---------------------------------------------------------------- helpers

def public_checks(ns):
    f = ns
    return {
        "lstm_step_backward": [
            lambda s: checks.check_lstm_step_backward(s, f["lstm_step_forward"])],
        "lstm_backward": [
            lambda s: checks.check_lstm_backward(s, f["lstm_forward"], f["lstm_step_forward"]),
            lambda s: checks.check_lstm_backward_efficiency(s, f["lstm_forward"]),
        ],
        "huber_backward": [lambda s: checks.check_huber_backward(s, f["huber_loss"])],
    }


@pytest.mark.parametrize("function", FUNCTIONS)
def test_not_implemented_is_reported_as_such(ns, function):
    def stub(*args, **kwargs):
        raise NotImplementedError()
    stub.__name__ = function
    for check in public_checks(ns)[function]:
        with pytest.raises(StudentCodeError, match="not implemented yet"):
            check(stub)


def test_a_crash_in_student_code_is_a_student_error(ns):
    def lstm_step_backward(dnext_h, dnext_c, cache):
        return cache[0] @ cache[3].T        # a shape error, as a missing transpose gives
    with pytest.raises(StudentCodeError, match="ValueError"):
        checks.check_lstm_step_backward(lstm_step_backward, ns["lstm_step_forward"])


# ---------------------------------------------------------------- lstm_step_backward

def step_bw(dnext_h, dnext_c, cache, *, tanh="right", order="ifog", forget="prev_c",
            carry_f=True, db="sum", use_dnext_c=True, inplace=False, dprev_c_is_dc=False):
    """An LSTM step backward with one usual mistake switched on at a time."""
    x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
    tc = np.tanh(next_c)
    do = dnext_h * tc
    local = {"right": 1 - tc ** 2, "none": 1.0, "raw": 1 - next_c ** 2}[tanh]
    if inplace:
        dnext_c += dnext_h * o * local
        dc = dnext_c
    else:
        dc = (dnext_c if use_dnext_c else 0.0) + dnext_h * o * local
    state = {"prev_c": prev_c, "next_c": next_c, "prev_h": prev_h}[forget]
    df = dc * state
    dprev_c = dc * f if carry_f else dc
    if dprev_c_is_dc:
        dprev_c = dc
    blocks = {"i": dc * g * i * (1 - i), "f": df * f * (1 - f), "o": do * o * (1 - o),
              "g": dc * i * (1 - g ** 2)}
    da = np.concatenate([blocks[k] for k in order], axis=1)
    dbias = {"sum": da.sum(axis=0), "mean": da.mean(axis=0), "none": da}[db]
    return da @ Wx.T, da @ Wh.T, dprev_c, x.T @ da, prev_h.T @ da, dbias


def test_right_step_backward_variants_pass(ns):
    """Written differently, still right: every gate derivative through its own output."""
    def lstm_step_backward(dnext_h, dnext_c, cache):
        return tuple(np.array(a, dtype=np.float64) for a in step_bw(dnext_h, dnext_c, cache))
    checks.check_lstm_step_backward(lstm_step_backward, ns["lstm_step_forward"])
    checks.check_lstm_step_backward(lstm_step_backward, ns["lstm_step_forward"], seed=12345,
                                    N=1, D=2, H=3)


STEP_MISTAKES = {
    "tanh' of next_c forgotten": (dict(tanh="none"), "tanh' of next_c is forgotten"),
    "tanh' as 1 - next_c**2": (dict(tanh="raw"), r"1 - next_c\*\*2"),
    "dnext_c ignored": (dict(use_dnext_c=False), "dnext_c is ignored"),
    "gates i, f, g, o": (dict(order="ifgo"), "wrong order.*order i, f, g, o"),
    "gates f, i, o, g": (dict(order="fiog"), "wrong order.*order f, i, o, g"),
    "gates g, i, f, o": (dict(order="gifo"), "wrong order.*order g, i, f, o"),
    "gates o, f, i, g": (dict(order="ofig"), "wrong order.*order o, f, i, g"),
    "forget gate on next_c": (dict(forget="next_c"), r"wrong state.*PREVIOUS cell state, not next_c"),
    "forget gate on prev_h": (dict(forget="prev_h"), r"wrong state.*previous CELL state, not prev_h"),
    "dprev_c without f": (dict(carry_f=False), "dprev_c misses the forget gate"),
    "db averaged": (dict(db="mean"), "db is averaged"),
    "db unsummed": (dict(db="none"), "forget to sum over the batch"),
}


@pytest.mark.parametrize("mistake", STEP_MISTAKES)
def test_lstm_step_backward_mistakes_are_named(ns, mistake):
    kwargs, cause = STEP_MISTAKES[mistake]

    def lstm_step_backward(dnext_h, dnext_c, cache):
        return step_bw(dnext_h, dnext_c, cache, **kwargs)
    with pytest.raises(CheckFailure, match=cause) as failure:
        checks.check_lstm_step_backward(lstm_step_backward, ns["lstm_step_forward"])
    assert str(failure.value).count("Likely cause") <= 1
    # hidden sizes too
    with pytest.raises(CheckFailure, match=cause):
        checks.check_lstm_step_backward(lstm_step_backward, ns["lstm_step_forward"],
                                        seed=987654, N=4, D=3, H=6)


def test_two_step_mistakes_at_once_name_no_single_cause(ns):
    """No verified cause, no guess: the message locates the error and gives the recipe."""
    def lstm_step_backward(dnext_h, dnext_c, cache):
        return step_bw(dnext_h, dnext_c, cache, tanh="none", order="ifgo")
    with pytest.raises(CheckFailure) as failure:
        checks.check_lstm_step_backward(lstm_step_backward, ns["lstm_step_forward"])
    message = str(failure.value)
    assert "Likely cause" not in message and "Usual cause" in message


def test_a_near_miss_is_not_named(ns):
    """A 3% error in one block of db is wrong, but it is no named mistake: none is named."""
    def lstm_step_backward(dnext_h, dnext_c, cache):
        out = list(step_bw(dnext_h, dnext_c, cache))
        H = cache[1].shape[1]
        scale = np.ones(4 * H)
        scale[H:2 * H] = 1.03
        out[5] = out[5] * scale
        return tuple(out)
    with pytest.raises(CheckFailure, match="db is wrong") as failure:
        checks.check_lstm_step_backward(lstm_step_backward, ns["lstm_step_forward"])
    assert "Likely cause" not in str(failure.value)


def test_lstm_step_backward_that_modifies_dnext_c_fails(ns):
    def lstm_step_backward(dnext_h, dnext_c, cache):
        return step_bw(dnext_h, dnext_c, cache, inplace=True)
    with pytest.raises(CheckFailure, match="modified its argument #2"):
        checks.check_lstm_step_backward(lstm_step_backward, ns["lstm_step_forward"])


def test_lstm_step_backward_returning_dnext_c_itself_fails(ns):
    """dprev_c = dc where dc *is* dnext_c (dnext_h = 0): one array under two names."""
    def lstm_step_backward(dnext_h, dnext_c, cache):
        out = list(step_bw(dnext_h, dnext_c, cache))
        out[2] = dnext_c
        return tuple(out)
    with pytest.raises(CheckFailure, match="returned one of its inputs|dprev_c is wrong"):
        checks.check_lstm_step_backward(lstm_step_backward, ns["lstm_step_forward"])


def test_lstm_step_backward_float32_fails(ns):
    def lstm_step_backward(dnext_h, dnext_c, cache):
        return tuple(a.astype(np.float32) for a in step_bw(dnext_h, dnext_c, cache))
    with pytest.raises(CheckFailure, match="float64"):
        checks.check_lstm_step_backward(lstm_step_backward, ns["lstm_step_forward"])


def test_lstm_step_backward_wrong_count_fails(ns):
    def lstm_step_backward(dnext_h, dnext_c, cache):
        out = step_bw(dnext_h, dnext_c, cache)
        return out[0], out[1], out[3], out[4], out[5]          # dprev_c left out
    with pytest.raises(CheckFailure, match="must return 6 values"):
        checks.check_lstm_step_backward(lstm_step_backward, ns["lstm_step_forward"])


# ---------------------------------------------------------------- lstm_backward

def seq_bw(dh, cache, step, *, c_carry=True, h_carry=True, assigned=(), db_mean=False,
           steps=None, inplace=False, dh0_is_dc=False):
    """Backprop through time for the LSTM with one usual mistake switched on at a time."""
    N, T, H = dh.shape
    x0, Wx, Wh = cache[0][0], cache[0][3], cache[0][4]
    dx = np.zeros((N, T, x0.shape[1]))
    grads = {"dWx": np.zeros(Wx.shape), "dWh": np.zeros(Wh.shape), "db": np.zeros(4 * H)}
    dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
    for t in (reversed(range(T)) if steps is None else steps(T)):
        if inplace:
            dh[:, t] += dprev_h
            up = dh[:, t]
        else:
            up = dh[:, t] + (dprev_h if h_carry else 0.0)
        dnext_c = dprev_c if c_carry else np.zeros((N, H))
        dx[:, t], dprev_h, dprev_c, dWx, dWh, db = step(up, dnext_c, cache[t])
        for name, value in zip(("dWx", "dWh", "db"), (dWx, dWh, db)):
            grads[name] = value.copy() if name in assigned else grads[name] + value
    return (dx, dprev_c if dh0_is_dc else dprev_h, grads["dWx"], grads["dWh"],
            grads["db"] / (N if db_mean else 1))


SEQ_MISTAKES = {
    "no carry on c": (dict(c_carry=False), "carry on the cell state from step t\\+1 is missing"),
    "no carry on h": (dict(h_carry=False), "carry on the hidden state from step t\\+1"),
    "no carries": (dict(c_carry=False, h_carry=False), "both carries"),
    "dWx assigned": (dict(assigned=("dWx",)), "dWx is assigned"),
    "dWh assigned": (dict(assigned=("dWh",)), "dWh is assigned"),
    "db assigned": (dict(assigned=("db",)), "db is assigned"),
    "dWx and dWh assigned": (dict(assigned=("dWx", "dWh")), "dWx and dWh are assigned"),
    "all assigned": (dict(assigned=("dWx", "dWh", "db")), "dWx and dWh and db are assigned"),
    "db averaged over the batch": (dict(db_mean=True), "db is averaged"),
}


@pytest.mark.parametrize("mistake", SEQ_MISTAKES)
def test_lstm_backward_mistakes_are_named(ns, mistake):
    kwargs, cause = SEQ_MISTAKES[mistake]
    step = ns["lstm_step_backward"]

    def lstm_backward(dh, cache):
        return seq_bw(dh, cache, step, **kwargs)
    with pytest.raises(CheckFailure, match=cause):
        checks.check_lstm_backward(lstm_backward, ns["lstm_forward"], ns["lstm_step_forward"])
    with pytest.raises(CheckFailure, match=cause):
        checks.check_lstm_backward(lstm_backward, ns["lstm_forward"], ns["lstm_step_forward"],
                                   seed=55555, N=3, T=7, D=2, H=3)
    # the large case fails too (with the general message)
    with pytest.raises(CheckFailure, match="lstm_backward`: the gradient is wrong"):
        checks.check_lstm_backward_efficiency(lstm_backward, ns["lstm_forward"])


@pytest.mark.parametrize("steps, said", [
    (lambda T: range(T - 1, 0, -1), "stops one time step short"),
    (lambda T: range(T - 2, -1, -1), "(starts one time step late|never visited)"),
    (lambda T: range(T), r"walks the time steps forward in time \(t = 0, 1, ..., T-1\)")],
    ids=["stops before 0", "starts at T-2", "forwards"])
def test_lstm_backward_with_a_wrong_loop_says_what_the_loop_does(ns, steps, said):
    """The loop walker of the check library (explain.walk_steps) serves lstm_backward as
    it serves the RNNs: the message says which loop gives the student's numbers."""
    step = ns["lstm_step_backward"]

    def lstm_backward(dh, cache):
        return seq_bw(dh, cache, step, steps=steps)
    with pytest.raises(CheckFailure, match="What differs: .*" + said):
        checks.check_lstm_backward(lstm_backward, ns["lstm_forward"], ns["lstm_step_forward"])
    with pytest.raises(CheckFailure, match="What differs: .*" + said):
        checks.check_lstm_backward(lstm_backward, ns["lstm_forward"], ns["lstm_step_forward"],
                                   seed=55555, N=3, T=7, D=2, H=3)


def test_lstm_backward_returning_the_cell_state_carry_as_dh0_is_said(ns):
    step = ns["lstm_step_backward"]

    def lstm_backward(dh, cache):
        return seq_bw(dh, cache, step, dh0_is_dc=True)
    with pytest.raises(CheckFailure, match="dh0 equals the gradient on the initial cell state"):
        checks.check_lstm_backward(lstm_backward, ns["lstm_forward"], ns["lstm_step_forward"])


STEP_IN_SEQ = ["tanh' of next_c forgotten", "tanh' as 1 - next_c**2", "gates i, f, g, o",
               "gates o, f, i, g", "forget gate on next_c", "forget gate on prev_h",
               "dprev_c without f"]


@pytest.mark.parametrize("mistake", STEP_IN_SEQ)
def test_lstm_backward_with_a_wrong_step_names_the_step_mistake(ns, mistake):
    kwargs, cause = STEP_MISTAKES[mistake]

    def lstm_backward(dh, cache):
        return seq_bw(dh, cache, lambda a, b, c: step_bw(a, b, c, **kwargs))
    with pytest.raises(CheckFailure, match=cause + ".*in the step backward") as failure:
        checks.check_lstm_backward(lstm_backward, ns["lstm_forward"], ns["lstm_step_forward"])
    assert "Likely cause" in str(failure.value)
    with pytest.raises(CheckFailure, match="the gradient is wrong"):
        checks.check_lstm_backward_efficiency(lstm_backward, ns["lstm_forward"])


def test_a_step_that_ignores_dnext_c_shows_as_the_missing_cell_carry(ns):
    def lstm_backward(dh, cache):
        return seq_bw(dh, cache, lambda a, b, c: step_bw(a, b, c, use_dnext_c=False))
    with pytest.raises(CheckFailure, match="carry on the cell state .* add dnext_c"):
        checks.check_lstm_backward(lstm_backward, ns["lstm_forward"], ns["lstm_step_forward"])


def test_mistaken_step_surrogates_keep_the_forward_values(ns):
    """The surrogates change derivatives only: their values are the given forward's, and
    without a mistake their complex-step gradient is the true one."""
    rng = np.random.default_rng(11)
    x, prev_h = rng.standard_normal((2, 3)), np.tanh(rng.standard_normal((2, 4)))
    prev_c, Wx, Wh, b = (rng.standard_normal((2, 4)), rng.standard_normal((3, 16)),
                         rng.standard_normal((4, 16)), rng.standard_normal(16))
    h, c, _ = ns["lstm_step_forward"](x, prev_h, prev_c, Wx, Wh, b)
    for kind in ("", "no_tanh_deriv", "tanh_deriv_raw", "forget_next_c", "forget_prev_h",
                 "carry_no_f"):
        sh, sc, _ = checks._mistaken_step(kind)(x, prev_h, prev_c, Wx, Wh, b)
        assert np.allclose(sh.real, h) and np.allclose(sc.real, c)
    sh, sc, _ = checks._mistaken_step(order="gifo")(x, prev_h, prev_c, Wx, Wh, b)
    assert np.allclose(sh.real, h) and np.allclose(sc.real, c)
    dh = rng.standard_normal((2, 4))
    for k, arg in enumerate((x, prev_h, prev_c, Wx, Wh, b)):
        def f(v, k=k, step=ns["lstm_step_forward"]):
            a = [x, prev_h, prev_c, Wx, Wh, b]
            a[k] = v
            return step(*a)[0]

        def g(v, k=k):
            a = [x, prev_h, prev_c, Wx, Wh, b]
            a[k] = v
            return checks._mistaken_step()(*a)[0]
        assert np.allclose(checks.complex_step_gradient(f, arg, dh),
                           checks.complex_step_gradient(g, arg, dh), rtol=1e-12, atol=1e-14)


def test_lstm_backward_that_modifies_dh_fails(ns):
    step = ns["lstm_step_backward"]

    def lstm_backward(dh, cache):
        return seq_bw(dh, cache, step, inplace=True)
    with pytest.raises(CheckFailure, match="modified its argument #1"):
        checks.check_lstm_backward(lstm_backward, ns["lstm_forward"], ns["lstm_step_forward"])


def test_lstm_backward_db_unsummed_fails_on_shape(ns):
    step = ns["lstm_step_backward"]

    def lstm_backward(dh, cache):
        dx, dh0, dWx, dWh, db = seq_bw(dh, cache, step)
        return dx, dh0, dWx, dWh, np.tile(db / dh.shape[0], (dh.shape[0], 1))
    with pytest.raises(CheckFailure, match="db has shape .*sum over the batch"):
        checks.check_lstm_backward(lstm_backward, ns["lstm_forward"], ns["lstm_step_forward"])


def test_right_sequence_variants_pass(ns):
    """A per-example loop over the batch is slower than the vectorised pass, and still passes
    the cost test by a wide margin."""
    step = ns["lstm_step_backward"]

    def lstm_backward(dh, cache):
        N = dh.shape[0]
        parts = []
        for n in range(N):
            sub = [tuple(a[n:n + 1] if k not in (3, 4) else a for k, a in enumerate(c))
                   for c in cache]
            parts.append(seq_bw(dh[n:n + 1], sub, step))
        dx = np.concatenate([p[0] for p in parts])
        dh0 = np.concatenate([p[1] for p in parts])
        return dx, dh0, sum(p[2] for p in parts), sum(p[3] for p in parts), \
            sum(p[4] for p in parts)
    checks.check_lstm_backward(lstm_backward, ns["lstm_forward"], ns["lstm_step_forward"])
    started = time.perf_counter()
    checks.check_lstm_backward_efficiency(lstm_backward, ns["lstm_forward"])
    assert time.perf_counter() - started < checks.TIME_LIMIT


def test_efficiency_size_is_far_beyond_numerical_differentiation(ns):
    """At the size of the cost test, numerical differentiation needs one or two forward passes
    per input: of the whole sequence (about 100,000 of them), or at the least, of each step
    for each of its own inputs. Both estimates are far above the time limit (a loaded
    machine only makes them larger), while the backward pass itself is far below it."""
    forward, step = ns["lstm_forward"], ns["lstm_step_forward"]
    N, T, D, H = 2, 6, 64, 128       # the defaults of check_lstm_backward_efficiency
    rng = np.random.default_rng(0)
    args = checks._seq_case(rng, N, T, D, H)
    entries = sum(a.size for a in args)
    assert entries > 95_000
    started = time.perf_counter()
    _, cache = forward(*args)
    forward_time = time.perf_counter() - started
    step_args = (args[0][:, 0], args[1], np.zeros((N, H)), *args[2:])
    started = time.perf_counter()
    for _ in range(10):
        step(*step_args)
    step_time = (time.perf_counter() - started) / 10
    per_step_entries = sum(a.size for a in step_args)
    assert entries * forward_time > 3 * checks.TIME_LIMIT            # one pass per entry
    assert 2 * T * per_step_entries * step_time > 3 * checks.TIME_LIMIT
    started = time.perf_counter()
    ns["lstm_backward"](rng.standard_normal((N, T, H)), cache)
    assert time.perf_counter() - started < checks.TIME_LIMIT / 10


def test_efficiency_fails_a_pass_slower_than_the_limit(ns, monkeypatch):
    """The check's own clock (what nbgrader's kernel sees; the grader stops the call sooner)."""
    def lstm_backward(dh, cache):
        time.sleep(0.4)       # over the budget (0.2 s), not 3 times over: "took", not stopped
        return ns["lstm_backward"](dh, cache)
    monkeypatch.setattr(core, "EFFICIENCY_FLOOR", 0.2)
    monkeypatch.setattr(core, "EFFICIENCY_SLACK", 1e-6)
    with pytest.raises(CheckFailure, match="took .* one forward pass"):
        checks.check_lstm_backward_efficiency(lstm_backward, ns["lstm_forward"])


def test_efficiency_fails_a_fast_wrong_answer(ns):
    def lstm_backward(dh, cache):
        dx, dh0, dWx, dWh, db = ns["lstm_backward"](dh, cache)
        return dx, dh0, dWx * 1.03, dWh, db
    with pytest.raises(CheckFailure, match="dWx along a random direction"):
        checks.check_lstm_backward_efficiency(lstm_backward, ns["lstm_forward"])


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_efficiency_passes_the_right_answer_with_margin(ns, seed):
    """The centered differences agree with a right answer far below the tolerance."""
    checks.check_lstm_backward_efficiency(ns["lstm_backward"], ns["lstm_forward"], seed=seed,
                                          T=30, N=4)


# ---------------------------------------------------------------- huber_backward

def huber_right(dloss, r, delta=1.0):
    return dloss * np.clip(r, -delta, delta) / r.size


def huber_right_by_cases(dloss, r, delta=1.0):
    out = np.where(np.abs(r) <= delta, r, delta * np.sign(r))
    return out * (dloss / np.prod(r.shape))


HUBER_MISTAKES = [
    (lambda g, r, d=1.0: g * np.where(np.abs(r) <= d, r, 0.0) / r.size, "error is clipped"),
    (lambda g, r, d=1.0: g * np.clip(r, -d, d), "mean is forgotten"),
    (lambda g, r, d=1.0: g * np.clip(r, -d, d) / len(r), "one axis only"),
    (lambda g, r, d=1.0: g * np.where(np.abs(r) <= d, d * np.sign(r), r) / r.size,
     "boundary is on the wrong side"),
    (lambda g, r, d=1.0: g * np.minimum(r, d) / r.size, "only one side"),
    (lambda g, r, d=1.0: g * np.maximum(r, -d) / r.size, "only one side"),
    (lambda g, r, d=1.0: g * np.clip(r, -1.0, 1.0) / r.size, "delta is ignored"),
    (lambda g, r, d=1.0: np.clip(r, -d, d) / r.size, "dloss is ignored"),
    (lambda g, r, d=1.0: np.clip(r, -d, d, out=r), "modified its argument"),
    (lambda g, r, d=1.0: (g * np.clip(r, -d, d) / r.size).astype(np.float32), "float64"),
    (lambda g, r, d=1.0: float(g * np.clip(r, -d, d).mean()), "numpy array"),
    (lambda g, r, d=1.0: (g * np.clip(r, -d, d) / r.size).reshape(-1), "shape"),
]


@pytest.mark.parametrize("wrong, cause", HUBER_MISTAKES, ids=[c for _, c in HUBER_MISTAKES])
def test_huber_backward_mistakes_are_named(ns, wrong, cause):
    wrong.__name__ = "huber_backward"
    with pytest.raises(CheckFailure, match=cause):
        checks.check_huber_backward(wrong, ns["huber_loss"])
    with pytest.raises(CheckFailure):
        checks.check_huber_backward(wrong, ns["huber_loss"], seed=424242)


@pytest.mark.parametrize("right", [huber_right, huber_right_by_cases])
def test_huber_backward_right_variants_pass(ns, right):
    for seed in (0, 1, 2):
        checks.check_huber_backward(right, ns["huber_loss"], seed=seed)


def test_huber_cases_cover_both_sides_of_both_kinks():
    rng = np.random.default_rng(3)
    for delta in (0.4, 1.0, 2.5):
        r = checks._huber_errors(rng, (5, 6), delta)
        a = np.abs(r)
        assert np.any(r > delta) and np.any(r < -delta)
        assert np.any((r > 0) & (a < delta)) and np.any((r < 0) & (a < delta))
        assert np.all(np.abs(a - delta) >= 0.1 * delta - 1e-12) and np.all(a >= 0.1 * delta - 1e-12)


@pytest.mark.parametrize("join, said", [
    ("minus", "starts from its upstream gradient minus the carried hidden-state gradient"),
    ("accumulate_h", "the carried hidden-state gradient dprev_h is accumulated"),
    ("accumulate_c", "the carried cell-state gradient dprev_c is accumulated")])
def test_lstm_backward_joining_the_carries_another_way_is_said(ns, join, said):
    """The loops of explain.carry_rules, walked with the trusted steps: a carry subtracted
    or accumulated across the steps is said as the loop that gives the student's numbers."""
    step = ns["lstm_step_backward"]

    def lstm_backward(dh, cache):
        N, T, H = dh.shape
        dx, dWx, dWh, db = None, 0.0, 0.0, 0.0
        dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
        for t in reversed(range(T)):
            up = dh[:, t] - dprev_h if join == "minus" else dh[:, t] + dprev_h
            dx_t, dh_t, dc_t, dWx_t, dWh_t, db_t = step(up, dprev_c, cache[t])
            dx = np.zeros((N, T, dx_t.shape[1])) if dx is None else dx
            dx[:, t] = dx_t
            dprev_h = dprev_h + dh_t if join == "accumulate_h" else dh_t
            dprev_c = dprev_c + dc_t if join == "accumulate_c" else dc_t
            dWx, dWh, db = dWx + dWx_t, dWh + dWh_t, db + db_t
        return dx, dprev_h, dWx, dWh, db
    for kwargs in ({}, dict(seed=55555, N=3, T=7, D=2, H=3)):
        with pytest.raises(CheckFailure, match="What differs: .*" + said):
            checks.check_lstm_backward(lstm_backward, ns["lstm_forward"],
                                       ns["lstm_step_forward"], **kwargs)


def test_huber_mean_over_one_region_says_the_count(ns):
    """The linear part averaged over the entries outside [-delta, delta] only: on that part
    yours is r.size / (the number of entries outside) times the right one, said with the
    count's name."""
    def huber_backward(dloss, r, delta=1.0):
        outside = np.abs(r) > delta
        g = np.where(outside, delta * np.sign(r) / max(int(outside.sum()), 1), r / r.size)
        return dloss * g
    with pytest.raises(CheckFailure) as info:
        checks.check_huber_backward(huber_backward, ns["huber_loss"])
    assert "r.size/the number of entries outside [-delta, delta] times" in str(info.value), \
        str(info.value)


def test_a_sign_lost_in_one_region_is_said_as_the_absolute_value(ns):
    """The sign of r multiplied into both regions: inside [-delta, delta] yours is |r|. On
    every seed the message says the absolute value there, never a relation about the
    outside's slope +-delta (which does not appear inside; with delta = 1 a factor of it
    only flips signs: found by a human read of a blind catalogue)."""
    def wrong(dloss, r, delta=1.0):
        return dloss * np.where(np.abs(r) <= delta, r, delta) * np.sign(r) / r.size
    for seed in range(5):
        with pytest.raises(CheckFailure) as info:
            checks.check_huber_backward(wrong, ns["huber_loss"], seed=seed)
        message = str(info.value)
        assert "inside [-delta, delta] are wrong" in message and \
            "absolute value of the expected" in message, message
        assert "in place of +-delta" not in message, message


def test_a_factor_in_place_of_another_says_it_acts_entry_by_entry():
    """yours = expected * r / (+-delta) on every entry (min(1, |r| / delta) where
    min(1, delta / |r|) belongs): inside the clip, where the expected value has no factor
    +-delta, the relation still acts; the message says so, on five seeds."""
    ns = solution_namespace("lstm")

    def upside_down(dloss, r, delta=1.0):
        return dloss * np.minimum(1.0, np.abs(r) / delta) * r / r.size
    for seed in range(5):
        with pytest.raises(CheckFailure) as failure:
            checks.check_huber_backward(upside_down, ns["huber_loss"], seed=seed)
        text = " ".join(str(failure.value).split())
        assert "as a factor instead of +-delta" in text and "entry by entry, the expected " \
            "value times the first, divided by the second, wherever the second is a factor " \
            "of it or not" in text, (seed, text)
