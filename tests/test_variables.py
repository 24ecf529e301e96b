"""The variable of the student's code that holds the slip (watch.py, checks/variables.py).

The student's function is called again with its variables watched, then once more with the
right value put in place of one variable: it is named only when every output then comes out
right, on two cases at least.
"""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

from backprop_lab import watch
from backprop_lab.checks import explain
from backprop_lab.checks import lstm as lstm_checks
from backprop_lab.checks import relu as relu_checks
from backprop_lab.checks import rnn as rnn_checks
from backprop_lab.checks import sigmoid as sigmoid_checks
from backprop_lab.checks import variables
from backprop_lab.checks import staged as staged_checks
from backprop_lab.checks.core import CheckFailure
from backprop_lab.grading import Settings, grade_notebook
from backprop_lab.isolation.launcher import Launcher
from backprop_lab.isolation.student_process import Limits, StudentProcess
from notebook_tools import solution_namespace

ROOT = Path(__file__).resolve().parents[1]
SEEDS = range(5)


@pytest.fixture(autouse=True)
def no_time_limit(monkeypatch):
    """These tests are about what is named, not about the search's time limit (2 s, which a
    loaded machine may reach): the limit is lifted."""
    monkeypatch.setattr(explain, "VARIABLE_SECONDS", 120.0)


def _here(filename: str) -> bool:
    return filename == __file__


def _inner(v):
    w = v * 3.0
    return w


def _outer(x, y):
    z = x * y
    z += 1.0
    u = _inner(z)
    return u - z


def test_each_variable_is_noted_after_the_statement_that_set_it():
    x, y = np.array([1.0, 2.0]), np.array([3.0, 4.0])
    result, notes, calls = watch.watched_call(_outer, (x, y), {}, _here)
    assert np.array_equal(result, 2.0 * (x * y + 1.0))
    seen = [(call, fn, name, kind) for call, fn, _line, name, kind, _v in notes]
    # the arguments when called, then each new or changed value; _inner is the student's
    # own helper, called from their function: it is judged by what it returns, not watched
    assert seen == [(0, "_outer", "x", "arg"), (0, "_outer", "y", "arg"),
                    (0, "_outer", "z", "set"), (0, "_outer", "z", "set"),
                    (0, "_outer", "u", "set")]
    assert calls == 1
    lines = {name: line for _c, _f, line, name, kind, _v in notes if kind == "set"}
    source = Path(__file__).read_text().splitlines()
    assert source[lines["u"] - 1].strip() == "u = _inner(z)"
    assert np.array_equal(notes[3][5], x * y + 1.0)     # z after `z += 1.0`


def test_a_fix_replaces_one_value_where_it_was_set_and_the_code_goes_on_from_it():
    x, y = np.array([1.0, 2.0]), np.array([3.0, 4.0])
    # the second note of z (after `z += 1.0`) replaced by zeros: u = 0, u - z = 0
    result, _notes, _calls = watch.watched_call(_outer, (x, y), {}, _here,
                                                fix=(0, "z", {1: np.zeros(2)}))
    assert np.array_equal(result, np.zeros(2))
    # a fix of a note that never comes changes nothing
    result, _notes, _calls = watch.watched_call(_outer, (x, y), {}, _here,
                                                fix=(0, "z", {5: np.zeros(2)}))
    assert np.array_equal(result, 2.0 * (x * y + 1.0))


def test_notes_that_crossed_the_wire_keep_only_well_formed_ones():
    good = (0, "f", 3, "dx", "set", np.ones(2))
    bad = [(0, "f", True, "dx", "set", np.ones(2)),           # a bool for a line
           (0, "f", 3, "dx", "run", np.ones(2)),              # an unknown kind
           (0, "f", 3, "dx", "set", np.ones(2, dtype=np.int64)),
           (0, "f", 3, "dx", "set", np.ones(watch.MAX_SIZE + 1)),
           (0, "f", 3, 7, "set", np.ones(2)), (0, "f", 3, "dx", "set"), "note", None]
    assert watch.checked_notes([*bad, good]) == [good]
    assert watch.checked_notes({"not": "a list"}) == []
    assert watch.checked_fix([0, "dx", {1: np.ones(2)}]) is not None
    assert watch.checked_fix([0, "dx", {1: np.ones(2, dtype=np.int64)}]) is None
    assert watch.checked_fix([0, "dx", {"1": np.ones(2)}]) is None
    assert watch.checked_fix([0, "dx", 1, np.ones(2)]) is None


# Wrong lstm_step_backward cells: the solution's, with one slip in one named variable.
_LSTM = """
def lstm_step_backward(dnext_h, dnext_c, cache):
    x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
    tanh_c = np.tanh(next_c)
    do = dnext_h * tanh_c
    dc = DC
    df = DF
    dprev_c = dc * f
    di = dc * g
    dg = dc * i
    da = np.concatenate([di * i * (1.0 - i), DAF,
                         do * o * (1.0 - o), dg * (1.0 - g ** 2)], axis=1)
    dx = da @ Wx.T
    dprev_h = da @ Wh.T
    dWx = x.T @ da
    dWh = prev_h.T @ da
    db = da.sum(axis=0)
    return dx, dprev_h, dprev_c, dWx, dWh, db
"""
_RIGHT = {"DC": "dnext_c + dnext_h * o * (1.0 - tanh_c ** 2)", "DF": "dc * prev_c",
          "DAF": "df * f * (1.0 - f)"}


def _lstm(**slip):
    source = _LSTM
    for key, right in _RIGHT.items():
        source = source.replace(key, slip.get(key, right))
    return source


LSTM_SLIPS = {
    # the cell's gradient with tanh's derivative taken of the square
    "dc": (_lstm(DC="dnext_c + dnext_h * o * (1.0 - np.tanh(next_c ** 2))"),
           ["the slip is in your `dc`", "gradient on the forward pass's `next_c`"]),
    # f's gradient with its factor clipped at zero
    "df": (_lstm(DF="dc * np.maximum(prev_c, 0.0)"),
           ["the slip is in your `df`", "the gradient on the forward pass's `f`,"]),
    # the forget gate's local derivative with tanh's and the logistic's mixed, inside the
    # concatenation
    "da": (_lstm(DAF="df * f * (1.0 - f * f)"),
           ["the slip is in your `da`", "wrong only in `a[:, H:2 * H]` (which `f` is made "
                                         "from)"]),
}


@pytest.mark.parametrize("slip", sorted(LSTM_SLIPS))
def test_the_variable_that_holds_the_slip_is_named_on_five_seeds(slip):
    source, words = LSTM_SLIPS[slip]
    ns = solution_namespace("lstm")
    exec(compile(source, "<student cell>", "exec"), ns)
    line = next(k for k, text in enumerate(source.splitlines(), 1)
                if text.strip().startswith(f"{slip} = "))
    for seed in SEEDS:
        with pytest.raises(CheckFailure) as failed:
            lstm_checks.check_lstm_step_backward(ns["lstm_step_backward"],
                                                 ns["lstm_step_forward"], seed=seed)
        message = str(failed.value)
        for w in words:
            assert w in message, (seed, message)
        assert f"line {line} of its cell" in message, (seed, message)
        assert "every output of yours comes out right" in message


# staged_backward with `dsigy` a part of the gradient on sigy (df is multiplied in later, as
# the code intends) and the factor 2 of the square's derivative left out
PART_AND_SIGN = """
def staged_backward(df, cache):
    x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
    dnum = invden * df
    dsigy = invden
    dden = (-1.0 / den ** 2) * num * df
    dxpy = xpy * dden
    dx = 1.0 * dxpy
    dy = 1.0 * dxpy
    dx += sigx * (1.0 - sigx) * dden
    dx += 1.0 * dnum
    dy += sigy * (1.0 - sigy) * dsigy * df
    return dx, dy
"""


def test_a_variable_that_is_only_a_part_of_the_answer_is_not_blamed(monkeypatch):
    """Put right, `dsigy` would count df twice: it is not named; `dxpy` is (asked of the
    explainer directly: a relation may be said first)."""
    ns = solution_namespace("staged")
    exec(compile(PART_AND_SIGN, "<student cell>", "exec"), ns)
    for seed in SEEDS:
        said = _variable_findings(monkeypatch, lambda: staged_checks.check_staged_backward_arrays(
            ns["staged_backward"], ns["staged_forward"], ns["sigmoid"], seed=seed))
        # dxpy is named, and the slip said to be on its line or before it (dsigy, set
        # before it, holds none of the right values: true, and not named as the slip)
        assert said and all("your `dxpy`" in text and "exactly 1/2 times" in text
                            and "the slip is in your `dsigy`" not in text
                            for text in said), said


def _variable_findings(monkeypatch, run_check) -> list[str]:
    """The variable findings of every explainer a failing check builds (asked directly: a
    relation on the answers may be said first in the message)."""
    recorded: list = []
    monkeypatch.setattr(explain, "RECORDER", recorded)
    with pytest.raises(CheckFailure):
        run_check()
    return [f.text for f in (ex.variable_finding() for ex in recorded) if f is not None]


def _grade_lstm(tmp_path, source: str):
    nb = nbformat.read(ROOT / "solutions" / "lstm" / "lstm.ipynb", as_version=4)
    cell = next(c for c in nb.cells
                if c.get("metadata", {}).get("nbgrader", {}).get("grade_id")
                == "lstm_step_backward")
    cell.source = source
    path = tmp_path / "lstm.ipynb"
    nbformat.write(nb, path)
    result = grade_notebook(path, Settings(course=ROOT, limits=Limits(timeout=20.0)))
    return {t.name: t for t in result.tests}


def test_the_grader_names_the_variable_from_the_child_as_the_notebook_does(tmp_path):
    """The grading child watches the student's code and puts the one value right itself;
    only the notes (names, lines, arrays) cross the wire."""
    source, words = LSTM_SLIPS["df"]
    tests = _grade_lstm(tmp_path, source)
    out = tests["test_lstm_step_backward"].output
    assert tests["test_lstm_step_backward"].status == "failed"
    for w in words:
        assert w in out, out


KEEPER = """
import numpy as np
SEEN = []


def f(x):
    y = x * 2.0
    SEEN.append(y)
    return y


def seen():
    return SEEN[-1] if SEEN else np.zeros(1)
"""


def test_a_child_given_a_value_answers_no_ordinary_call_after_it():
    """The value put in place of a variable is the check's (for a test that has already
    failed): it is given to the child that ran the watched call, and the next ordinary call
    goes to a new child, which never saw it."""
    with Launcher("process") as launcher:
        process = StudentProcess([("cell", KEEPER)], Limits(timeout=10.0), launcher)
        with process:
            with watch.collecting(fix=(0, "y", {0: np.full(2, 7.0)})) as notes:
                assert np.array_equal(process.call("f", (np.ones(2),), {}), np.full(2, 7.0))
            assert [(n[3], n[4]) for n in notes] == [("x", "arg"), ("y", "set")]
            assert np.array_equal(notes[1][5], np.full(2, 2.0))     # the student's own value
            # an ordinary call: a new child, whose SEEN is empty
            assert np.array_equal(process.call("seen", (), {}), np.zeros(1))
            # and without a fix the child stays (what it keeps is its own)
            process.call("f", (np.ones(2),), {})
            with watch.collecting():
                process.call("f", (np.ones(2),), {})
            assert np.array_equal(process.call("seen", (), {}), np.full(2, 2.0))


# rnn_backward whose carry is taken before the step (the total gradient on the state, not
# what the step sends back), in a loop written forwards over reversed indices
CARRY_SLIP = """
def rnn_backward(dh, cache):
    N, T, H = dh.shape
    x0, _, Wx, Wh, _ = cache[0]
    dx = np.zeros((N, T, x0.shape[1]))
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(H)
    carry = np.zeros((N, H))
    for k in range(T):
        t = T - 1 - k
        total = dh[:, t, :] + carry
        dx_t, back, dWx_t, dWh_t, db_t = rnn_step_backward(total, cache[t])
        dx[:, t, :] = dx_t
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
        carry = total * 0.5 + back * 0.5
    return dx, carry, dWx, dWh, db
"""


def test_a_loop_s_carry_is_put_right_at_every_step_and_named(monkeypatch):
    ns = solution_namespace("rnn")
    exec(compile(CARRY_SLIP, "<student cell>", "exec"), ns)
    line = next(k for k, text in enumerate(CARRY_SLIP.splitlines(), 1)
                if text.strip().startswith("carry = total"))
    for seed in SEEDS:
        said = _variable_findings(monkeypatch, lambda: rnn_checks.check_rnn_backward(
            ns["rnn_backward"], ns["rnn_forward"], ns["rnn_step_forward"], seed=seed))
        assert said, seed
        for text in said:
            assert f"the slip is in your `carry` (in `rnn_backward`, line {line} of its " \
                   "cell, which your loop sets at every step)" in text, text
            assert "the gradient that `prev_h @ Wh` sends back to prev_h" in text, text
            assert "every other output of yours comes out right, and dh0 is its last " \
                   "value" in text, text


@pytest.mark.slow
def test_in_jupyter_the_variable_is_named_with_the_line_of_its_cell(tmp_path):
    """A student's kernel (nbclient): the check runs their function in its own process, the
    watch notes the cell's frames, and the line counts the lines of their cell."""
    from test_efficiency_in_kernel import error_of, given, run_cells
    from notebook_tools import source_test_cells
    source, words = LSTM_SLIPS["da"]
    source = source.lstrip("\n")      # (IPython drops a cell's leading blank lines)
    cell = source_test_cells("lstm")["test_lstm_step_backward"]
    # (the search's time limit lifted in the kernel too: see no_time_limit)
    lift = "import backprop_lab.checks.explain as _explain\n_explain.VARIABLE_SECONDS = 120.0\n"
    nb, _ = run_cells(tmp_path, [given("lstm"), source, lift + cell.source])
    ename, text = error_of(nb.cells[2])
    flat = " ".join(text.split())
    assert ename == "CheckFailure"
    line = next(k for k, text in enumerate(source.splitlines(), 1)
                if text.strip().startswith("da = "))
    for w in words + [f"line {line} of its cell"]:
        assert " ".join(w.split()) in flat, flat
    assert "autograder/" not in text and "Traceback" not in text


# relu_rnn_backward whose carry adds up over the steps (`+=` where `=` belongs); h_prev is
# h0 at the last step of the loop: an input's value, a right one
CARRY_ADDS_UP = """
def relu_rnn_backward(dhs, cache):
    Whh, h0, hs = cache
    T, H = hs.shape
    dWhh = np.zeros_like(Whh)
    carry = np.zeros(H)
    for t in reversed(range(T)):
        delta = (dhs[t] + carry) * (hs[t] > 0)
        h_prev = hs[t - 1] if t > 0 else h0
        dWhh += np.outer(delta, h_prev)
        carry += Whh.T @ delta
    return dWhh, carry
"""


def test_a_variable_holding_an_input_is_right_and_not_named_before_the_slip(monkeypatch):
    ns = solution_namespace("rnn")
    exec(compile(CARRY_ADDS_UP, "<student cell>", "exec"), ns)
    for seed in SEEDS:
        said = _variable_findings(monkeypatch, lambda: rnn_checks.check_relu_rnn_backward(
            ns["relu_rnn_backward"], ns["relu_rnn_forward"], seed=seed))
        assert said, seed
        for text in said:
            assert text.startswith("the slip is in your `carry`"), text
            assert "h_prev" not in text, text


# prelu_backward with its matrix of slopes built wrong (SLOPES), dalpha right
_PRELU = """
def prelu_backward(dout, cache):
    a, alpha = cache
    N, H = a.shape
    s = SLOPES
    da = np.where(a > 0, dout, s * dout)
    dalpha = np.sum(np.where(a <= 0, a * dout, 0.0), axis=0)
    return da, dalpha
"""

PRELU_SLOPES = {
    # the slopes repeated where they should be tiled, two ways: each entry uses another
    # unit's alpha
    "np.repeat(alpha, N).reshape(N, H)": "holds the same entries, in other places",
    "np.tile(alpha, N).reshape(H, N).T": "holds the same entries, in other places",
    # the slopes kept in a range a slope need not lie in
    "np.clip(alpha, 0.0, 1.0)": "clipped to [0, 1]",
    "np.maximum(alpha, 0.0)": "never below 0",
    "np.minimum(alpha, 0.5) * np.ones((N, 1))": "never above 0.5",
}


@pytest.mark.parametrize("slopes", sorted(PRELU_SLOPES))
def test_a_variable_holding_an_input_spread_wrong_is_named_with_how(slopes):
    """A variable that should hold an input (or the input as broadcasting repeats it in the
    forward pass) and holds its entries in other places, or clipped: named, with the
    relation, in the check's message, on five seeds."""
    ns = solution_namespace("relu")
    exec(compile(_PRELU.replace("SLOPES", slopes), "<student cell>", "exec"), ns)
    for seed in SEEDS:
        with pytest.raises(CheckFailure) as failed:
            relu_checks.check_prelu_backward(ns["prelu_backward"], ns["prelu_forward"],
                                             seed=seed)
        message = " ".join(str(failed.value).split())
        assert "your `s` (in `prelu_backward`, line 5 of its cell" in message, (seed, message)
        assert PRELU_SLOPES[slopes] in message, (seed, message)


# Functions that are not backward passes, with one slip in a variable of the forward
# computation they make: judged against the trusted computation, traced
FORWARD_SLIPS = {
    # the units' biases replaced by one number; then a loop over the units with one unit's
    # bias (the loop's variable stands for one column of the pre-activations)
    "mean bias": ("relu", "dead_neuron_fraction", """
def dead_neuron_fraction(W, b, X):
    z = X @ W.T
    z = z + np.median(b)
    return float(np.mean(np.all(z <= 0, axis=0)))
""", "the slip is in your `z` (in `dead_neuron_fraction`, line 4 of its cell"),
    "one unit's bias": ("relu", "dead_neuron_fraction", """
def dead_neuron_fraction(W, b, X):
    count = 0
    for k in range(W.shape[0]):
        col = X @ W[k] + b[-1]
        count += bool(np.all(col <= 0))
    return count / W.shape[0]
""", "your `col` (in `dead_neuron_fraction`, line 5 of its cell, which your loop sets at "
     "every step): it should be the value of the forward pass's `pre[:, j]`"),
    # the bias added twice: yours is the right value plus an input
    "bias twice": ("relu", "dead_neuron_fraction", """
def dead_neuron_fraction(W, b, X):
    pre = X @ W.T + b
    pre += b
    return float(np.mean(np.all(pre <= 0, axis=0)))
""", "and yours is that plus the forward pass's `b` repeated as broadcasting repeats it"),
    # the pre-activations scaled inside the sigmoid, its output held in `Z` (as the
    # notebooks name it: z is no pre-activation's name here)
    "scaled, Z": ("sigmoid", "saturated_fraction", """
def saturated_fraction(W, X, tol=1e-3):
    Z = sigmoid(X @ W.T / np.sqrt(X.shape[1]))
    return float(np.mean(Z * (1.0 - Z) < tol))
""", "the slip is in your `Z` (in `saturated_fraction`, line 3 of its cell"),
    # the pre-activations scaled before the sigmoid
    "scaled": ("sigmoid", "saturated_fraction", """
def saturated_fraction(W, X, tol=1e-3):
    act = sigmoid(0.5 * (X @ W.T))
    return float(np.mean(act * (1.0 - act) < tol))
""", "the slip is in your `act` (in `saturated_fraction`, line 3 of its cell"),
}


@pytest.mark.parametrize("slip", sorted(FORWARD_SLIPS))
def test_a_slip_in_a_count_s_own_computation_is_named(slip):
    """dead_neuron_fraction and saturated_fraction return one number: the variable of the
    student's that holds a wrong pre-activation or activation is named, on five seeds."""
    assignment, fn, source, words = FORWARD_SLIPS[slip]
    ns = solution_namespace(assignment)
    exec(compile(source, "<student cell>", "exec"), ns)
    for seed in SEEDS:
        with pytest.raises(CheckFailure) as failed:
            if fn == "dead_neuron_fraction":
                relu_checks.check_dead_neuron_fraction(ns[fn], seed=seed)
            else:
                sigmoid_checks.check_saturated_fraction(ns[fn], ns["sigmoid"], seed=seed)
        message = " ".join(str(failed.value).split())
        assert words in message, (seed, message)
        assert "every output of yours comes out right" in message, (seed, message)


# rnn_step_backward recovering its pre-activation wrong, in a variable named as students
# name one (NAME), which no value of the forward is called
_STEP = """
def rnn_step_backward(dnext_h, cache):
    x, prev_h, Wx, Wh, next_h = cache
    NAME = PRE
    dpre = dnext_h * (1.0 - np.tanh(NAME) ** 2)
    return dpre @ Wx.T, dpre @ Wh.T, x.T @ dpre, prev_h.T @ dpre, dpre.sum(axis=0)
"""


@pytest.mark.parametrize("name, pre", [("a", "np.arcsinh(next_h)"),
                                       ("logit", "x @ Wx + prev_h @ Wh.T"),
                                       ("pre", "np.arctan(next_h)")])
def test_a_variable_named_like_a_pre_activation_is_judged_as_one(monkeypatch, name, pre):
    """The value a nonlinearity is applied to is what `a`, `logit` or `pre` should hold: the
    variable is named, with its line, on five seeds (asked of the explainer directly: a
    relation on the answers, such as the bias left out, may be said first)."""
    ns = solution_namespace("rnn")
    exec(compile(_STEP.replace("NAME", name).replace("PRE", pre), "<student cell>", "exec"),
         ns)
    for seed in SEEDS:
        said = _variable_findings(monkeypatch, lambda: rnn_checks.check_rnn_step_backward(
            ns["rnn_step_backward"], ns["rnn_step_forward"], seed=seed))
        assert said and all(text.startswith(
            f"the slip is in your `{name}` (in `rnn_step_backward`, line 4 of its cell")
            and "`x @ Wx + prev_h @ Wh + b`" in text for text in said), (seed, said)


# sigmoid_layer_backward recomputing its output from a pre-activation named `a` (a name
# students give a pre-activation, which is right here) into `act`, wrongly
_LAYER = """
def sigmoid_layer_backward(dz, cache):
    W, x, z = cache
    a = W @ x
    act = sigmoid(a - a.max())
    da = dz * act * (1.0 - act)
    return W.T @ da, np.outer(da, x)
"""


def test_a_hinted_meaning_does_not_hide_the_nearest_value(monkeypatch):
    """`act` holds the logistic of a shifted pre-activation: the value nearest to it (the
    output z) is still tried though a pre-activation's name ranks other values first, and
    `act` is named, on five seeds."""
    monkeypatch.setattr(variables, "PRE_NAMES", variables.PRE_NAMES | {"act"})
    ns = solution_namespace("sigmoid")
    exec(compile(_LAYER, "<student cell>", "exec"), ns)
    for seed in SEEDS:
        said = _variable_findings(monkeypatch, lambda: sigmoid_checks.check_sigmoid_layer_backward(
            ns["sigmoid_layer_backward"], ns["sigmoid_layer_forward"], seed=seed))
        assert said and all(text.startswith("the slip is in your `act` (in "
                                            "`sigmoid_layer_backward`, line 5 of its cell")
                            for text in said), (seed, said)


MASKED_CARRY = """
def rnn_backward(dh, cache):
    N, T, H = dh.shape
    x0, _, Wx, Wh, _ = cache[0]
    dx = np.zeros((N, T, x0.shape[1]))
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(H)
    dprev_h = np.zeros((N, H))
    for t in reversed(range(T)):
        prev_h = cache[t][1]
        dx[:, t, :], dprev_h, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t, :] + dprev_h,
                                                                    cache[t])
        dprev_h = dprev_h * (prev_h > 0)
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dx, dprev_h, dWx, dWh, db
"""


def test_a_mask_that_does_not_belong_is_said_with_the_value_it_is_taken_of(monkeypatch):
    """A ReLU's habit on a tanh network's carry (seen on a blind catalogue): the carry is
    the right one with the entries where the state before is <= 0 set to 0. Five seeds."""
    ns = solution_namespace("rnn")
    exec(compile(MASKED_CARRY, "<student cell>", "exec"), ns)
    line = next(k for k, text in enumerate(MASKED_CARRY.splitlines(), 1)
                if text.strip().startswith("dprev_h = dprev_h *"))
    for seed in SEEDS:
        said = _variable_findings(monkeypatch, lambda: rnn_checks.check_rnn_backward(
            ns["rnn_backward"], ns["rnn_forward"], ns["rnn_step_forward"], seed=seed))
        assert said, seed
        for text in said:
            assert f"your `dprev_h` (in `rnn_backward`, line {line} of its cell" in text, text
            assert re.search(r"yours is that with every entry where `\w+` <= 0 set to 0: a "
                             r"mask `\w+ > 0`( \(or `\w+ > 0`: the same entries\))? that does "
                             "not belong there", text), text


CARRY_FROM_H0 = """
def relu_rnn_backward(dhs, cache):
    Whh, h0, hs = cache
    T, H = hs.shape
    dWhh = np.zeros_like(Whh)
    carry = h0.copy()
    for t in reversed(range(T)):
        delta = (dhs[t] + carry) * (hs[t] > 0)
        h_prev = hs[t - 1] if t > 0 else h0
        dWhh += np.outer(delta, h_prev)
        carry = Whh.T @ delta
    return dWhh, carry
"""

CARRY_FROM_DH0 = """
def lstm_backward(dh, cache):
    N, T, H = dh.shape
    x0, _, _, Wx, Wh = cache[0][:5]
    dx = np.zeros((N, T, x0.shape[1]))
    dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
    dprev_h = dh[:, 0].copy()
    dprev_c = np.zeros((N, H))
    for t in reversed(range(T)):
        dx[:, t], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
            dh[:, t] + dprev_h, dprev_c, cache[t])
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dx, dprev_h, dWx, dWh, db
"""


@pytest.mark.parametrize("assignment, source, name, starts", [
    ("rnn", CARRY_FROM_H0, "carry", "the value of the forward pass's `h0`"),
    ("lstm", CARRY_FROM_DH0, "dprev_h", "the part of the upstream gradient dh that reaches")])
def test_a_carry_that_starts_at_a_value_is_named_where_it_starts(monkeypatch, assignment,
                                                                 source, name, starts):
    """A loop's carry set before the loop to a value where zeros belong (seen on blind
    catalogues: h0, the first step's dh): its later values and the first variable the loop
    sets are wrong too, and putting that variable right at every step makes every output
    right, but the slip is the carry's start: named there. Five seeds."""
    ns = solution_namespace(assignment)
    exec(compile(source, "<student cell>", "exec"), ns)
    line = next(k for k, text in enumerate(source.splitlines(), 1)
                if text.strip().startswith(f"{name} = ") and "copy" in text)
    fn = "relu_rnn_backward" if assignment == "rnn" else "lstm_backward"
    for seed in SEEDS:
        if assignment == "rnn":
            run = lambda: rnn_checks.check_relu_rnn_backward(  # noqa: E731
                ns[fn], ns["relu_rnn_forward"], seed=seed)
        else:
            run = lambda: lstm_checks.check_lstm_backward(  # noqa: E731
                ns[fn], ns["lstm_forward"], ns["lstm_step_forward"], seed=seed)
        said = _variable_findings(monkeypatch, run)
        assert said, seed
        for text in said:
            assert f"the slip is in your `{name}` (in `{fn}`, line {line} of its cell, where " \
                   "it is set before the loop): it should be zeros at the start" in text, text
            assert f"yours starts as {starts}" in text, text
