"""In Jupyter, an efficiency test cell stops a numerical backward pass at its time limit and
shows the check's own message (issue 22): no hang for minutes, no traceback through the
grader. The kernel is a real one (nbclient), as a student's JupyterLab runs it."""
from __future__ import annotations

import time

import nbformat
import pytest
from nbclient import NotebookClient

from backprop_lab.notebooks import GIVEN
from notebook_tools import source_notebook, source_test_cells

NUMERICAL_MLP = '''
def mlp_backward(dloss, cache):
    aff1, a, aff2, (logits, labels, probs) = cache
    X = aff1[0]
    params = {"W1": aff1[1], "b1": aff1[2], "W2": aff2[1], "b2": aff2[2]}
    grads = {}
    for key, value in params.items():
        g = np.zeros_like(value)
        for i in np.ndindex(value.shape):
            p = {k: v.copy() for k, v in params.items()}
            p[key][i] += 1e-5
            plus = mlp_forward(X, labels, p)[0]
            p[key][i] -= 2e-5
            g[i] = dloss * (plus - mlp_forward(X, labels, p)[0]) / 2e-5
        grads[key] = g
    return np.zeros_like(X), grads
'''

LOOPED_LSTM_STEP = '''
def lstm_step_backward(dnext_h, dnext_c, cache):
    x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
    tanh_c = np.tanh(next_c)
    dc = dnext_c + dnext_h * o * (1 - tanh_c ** 2)
    da = np.concatenate([dc * g * i * (1 - i), dc * prev_c * f * (1 - f),
                         dnext_h * tanh_c * o * (1 - o), dc * i * (1 - g ** 2)], axis=1)
    dWx = np.zeros_like(Wx)
    dWh = np.zeros_like(Wh)
    # a Python loop with array work in every step, several times a step's worth of the
    # check's budget, so that it is named as the slow part with the other core busy too
    for d in range(Wx.shape[0]):
        for k in range(Wx.shape[1]):
            dWx[d, k] = np.sum(x[:, d] * da[:, k]) + 0.0 * sum(np.sum(x @ Wx) for _ in range(4))
    for h in range(Wh.shape[0]):
        for k in range(Wh.shape[1]):
            dWh[h, k] = np.sum(prev_h[:, h] * da[:, k]) + 0.0 * sum(np.sum(prev_h @ Wh) for _ in range(4))
    return da @ Wx.T, da @ Wh.T, dc * f, dWx, dWh, da.sum(axis=0)
'''


def run_cells(tmp_path, sources: list[str]):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    started = time.perf_counter()
    NotebookClient(nb, timeout=240, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    return nb, time.perf_counter() - started


def error_of(cell) -> tuple[str, str]:
    errors = [o for o in cell.outputs if o.get("output_type") == "error"]
    assert errors, cell.outputs
    return errors[0]["ename"], "\n".join(errors[0]["traceback"])


def given(assignment: str) -> str:
    return "\n\n".join(c.source for c in source_notebook(assignment).of_kind(GIVEN))


@pytest.mark.slow
def test_a_numerical_mlp_backward_is_stopped_with_the_checks_message(tmp_path):
    cell = source_test_cells("softmax")["test_mlp_backward_efficiency"]
    nb, seconds = run_cells(tmp_path, [given("softmax"), NUMERICAL_MLP, "import time\n"
                                       "_t0 = time.perf_counter()", cell.source,
                                       "print(round(time.perf_counter() - _t0, 2))"])
    ename, text = error_of(nb.cells[3])
    assert ename == "CheckFailure"
    flat = " ".join(text.split())   # the message is wrapped for the notebook
    assert "`mlp_backward` was stopped after" in flat
    assert "numerical differentiation" in flat and "Python loops" in flat
    assert "Traceback" not in text and "autograder/" not in text and "File " not in text
    spent = float(nb.cells[4].outputs[0]["text"])
    assert spent < 60, spent          # the budget is seconds; minutes without the timer


@pytest.mark.slow
def test_a_looped_lstm_step_is_named_by_the_sequence_efficiency_test(tmp_path):
    """lstm_backward (the worked solution) is slow only because its step is: the message
    names the step and both causes."""
    nb_src = source_notebook("lstm")
    solution = next(c.source for c in nb_src.cells if c.grade_id == "lstm_backward")
    cell = source_test_cells("lstm")["test_lstm_backward_efficiency"]
    nb, _ = run_cells(tmp_path, [given("lstm"), LOOPED_LSTM_STEP, solution, cell.source])
    ename, text = error_of(nb.cells[3])
    assert ename == "CheckFailure"
    flat = " ".join(text.split())   # the message is wrapped for the notebook
    assert "`lstm_backward` is slow because `lstm_step_backward` is" in flat
    assert "numerical differentiation" in flat and "Python loops" in flat
    assert "Traceback" not in text and "autograder/" not in text


@pytest.mark.slow
def test_a_function_interrupted_in_jupyter_shows_where_its_code_was_not_our_frames(tmp_path):
    """A student stops a test cell whose function never returns (Jupyter's stop button raises
    KeyboardInterrupt in their loop): one plain message that names the function and shows
    their own line, no traceback through the check library (found walking the student's path,
    user3)."""
    stuck = ("def relu_backward(da, cache):\n"
             "    n = 0\n"
             "    while n < 3:\n"
             "        raise KeyboardInterrupt   # what the stop button raises in the loop\n"
             "    return da\n")
    cell = next(c for name, c in source_test_cells("relu").items()
                if name.startswith("test_relu_backward"))
    nb, _ = run_cells(tmp_path, [given("relu"), stuck, cell.source])
    ename, text = error_of(nb.cells[2])
    assert ename == "StudentInterrupted"
    flat = " ".join(text.split())
    assert "Interrupted while `relu_backward` was running" in flat
    assert "raise KeyboardInterrupt" in text          # their line, as they wrote it
    assert "Traceback" not in text and "autograder/" not in text and "core.py" not in text
