"""What a student sees when a test cell fails or passes: the message alone, the pass line.

The kernel tests run real test cells of the released relu notebook in a real IPython kernel
(nbclient) and in real `nbgrader validate`, and read what comes back: the error output's
traceback is what JupyterLab, Validate and nbgrader's feedback show.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

from backprop_lab.notebooks import TEST, read_notebook
from nbclient import NotebookClient

from backprop_lab.checks import core
from backprop_lab.checks import relu as relu_checks
from backprop_lab.checks.core import CheckFailure, StudentCodeError, call_student
from notebook_tools import solution_namespace

ROOT = Path(__file__).resolve().parents[1]
RELU = ROOT / "assignments" / "relu" / "relu.ipynb"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
# What the check library's frames look like in IPython's and nbgrader's tracebacks.
LIBRARY_FRAME = re.compile(r"autograder[/\\]checks|File .*\.py:\d+, in |Traceback \(most recent")


# ---------------------------------------------------------------- in process

def test_check_failure_renders_its_message_alone_wrapped_for_validate():
    message = ("`relu_backward`: da is wrong for a of shape (5, 7).\n"
               "  largest relative error 1.00e+00 (must be below 1e-06)\n"
               "  Likely cause: " + "a long explanation of the usual mistake " * 4)
    lines = CheckFailure(message)._render_traceback_()
    assert lines[0] == "`relu_backward`: da is wrong for a of shape (5, 7)."
    assert all(len(line) <= 82 for line in lines)   # Validate cuts at 83 after its indent
    assert " ".join(w for line in lines for w in line.split()) == " ".join(message.split())
    assert lines[-1].startswith("    ")               # a wrapped line keeps its indent, and more


def _student_file(tmp_path: Path, body: str):
    """A student function defined in a file of its own (a notebook cell's stand-in)."""
    path = tmp_path / "student_code.py"
    path.write_text(body)
    ns: dict = {}
    exec(compile(body, str(path), "exec"), ns)
    return path, ns


def test_student_error_shows_the_student_line_and_the_argument_shapes(tmp_path):
    path, ns = _student_file(tmp_path, (
        "import numpy as np\n"
        "def relu_backward(dout, cache):\n"
        "    mask = cache > 0\n"
        "    return dout * mask.T\n"))
    dout, cache = np.ones((4, 5)), np.ones((4, 5))
    with pytest.raises(StudentCodeError) as failure:
        call_student(ns["relu_backward"], dout, cache)
    text = str(failure.value)
    assert f"File {path}, line 4, in relu_backward" in text
    assert "return dout * mask.T" in text
    assert "`dout` = array of shape (4, 5) (float64)" in text
    assert "`cache` = array of shape (4, 5) (float64)" in text
    assert "ValueError" in text
    assert "numpy" not in text.split("\n", 1)[1].split("`relu_backward` received")[0]


def test_student_error_describes_tuples_and_scalars(tmp_path):
    _, ns = _student_file(tmp_path, (
        "def leaky_relu_backward(dout, cache):\n"
        "    a, slope = cache\n"
        "    return dout[3, 3] * slope\n"))
    with pytest.raises(StudentCodeError) as failure:
        call_student(ns["leaky_relu_backward"], np.ones((2, 3)), (np.zeros((2, 3)), 0.01))
    text = str(failure.value)
    assert "IndexError" in text
    assert "`cache` = tuple of 2: (array of shape (2, 3) (float64), float 0.01)" in text


def test_not_implemented_stays_one_plain_sentence():
    def relu_backward(dout, cache):
        raise NotImplementedError()

    with pytest.raises(StudentCodeError) as failure:
        call_student(relu_backward, np.ones(3), np.ones(3))
    assert str(failure.value) == ("`relu_backward` is not implemented yet: replace "
                                  "`raise NotImplementedError()` in its cell with your code.")


def test_grader_errors_get_the_arguments_the_proxy_received():
    """In the grader the proxy raises StudentCodeError with the child's traceback; the call
    site adds what the function was given."""
    def relu_backward(dout, cache):
        raise StudentCodeError("relu_backward", "TypeError", "bad operand",
                               '  File "relu_backward", line 3, in relu_backward\n    x = -cache')

    with pytest.raises(StudentCodeError) as failure:
        call_student(relu_backward, np.ones((2, 3)), np.ones((2, 3)))
    text = str(failure.value)
    assert text.startswith("`relu_backward` raised TypeError: bad operand\n")
    assert "x = -cache" in text
    assert text.endswith("`relu_backward` received `dout` = array of shape (2, 3) (float64); "
                         "`cache` = array of shape (2, 3) (float64).")


def test_the_pass_line_is_silent_outside_a_kernel(capsys):
    from backprop_lab.checks.relu import check_relu_backward
    from notebook_tools import solution_namespace
    ns = solution_namespace("relu")
    check_relu_backward(ns["relu_backward"], ns["relu_forward"])
    assert capsys.readouterr().out == ""


def test_the_pass_line_names_the_public_test_and_its_points():
    assert core.pass_line("check_relu_backward") == "\u2713 test_relu_backward passed (2 points)"
    assert core.pass_line("check_relu_backward_dead") == \
        "\u2713 test_relu_backward_dead passed (1 point)"
    # a hidden test's call (another seed) does not claim the public test's name or points
    assert core.pass_line("check_relu_backward", public=False) == \
        "\u2713 check_relu_backward passed (other inputs)"


# ---------------------------------------------------------------- a real kernel

def _relu_notebook(relu_backward: str):
    """The released relu notebook up to the first test cell, with this relu_backward."""
    nb = nbformat.read(RELU, as_version=4)
    cells = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code":
            continue
        if meta.get("grade_id") == "relu_backward":
            cell.source = relu_backward
        cells.append(cell)
        if meta.get("grade_id") == "test_relu_backward":
            break
    nb.cells = cells
    return nb


def _run(nb):
    NotebookClient(nb, timeout=120, allow_errors=True, kernel_name="python3").execute()
    test = nb.cells[-1]
    errors = [o for o in test.outputs if o.output_type == "error"]
    shown = "\n".join(ANSI.sub("", "\n".join(o.traceback)) for o in errors)
    printed = "".join(o.get("text", "") for o in test.outputs if o.output_type == "stream")
    return shown, printed


STUB = "def relu_backward(dout, cache):\n    raise NotImplementedError()\n"
WRONG = ("def relu_backward(dout, cache):\n    a = cache\n    da = dout * (a > 0)\n"
         "    return -da\n")
RAISES = ("def relu_backward(dout, cache):\n    a = cache\n    mask = (a > 0)[:, :2]\n"
          "    return dout * mask\n")
RIGHT = "def relu_backward(dout, cache):\n    return np.where(cache > 0, dout, 0.0)\n"


def test_in_a_kernel_a_failing_cell_shows_the_message_alone():
    shown, printed = _run(_relu_notebook(STUB))
    assert " ".join(shown.split()) == ("`relu_backward` is not implemented yet: replace "
                                       "`raise NotImplementedError()` in its cell with your code.")
    assert len(shown.splitlines()) == 2
    assert printed == ""

    shown, _ = _run(_relu_notebook(WRONG))
    assert shown.startswith("`relu_backward`: da is wrong for a of shape")
    assert "Likely cause" in shown or "Usual cause" in shown
    assert not LIBRARY_FRAME.search(shown), shown
    assert "Cell In[" not in shown          # the student's code did not raise: no frame
    # the message alone: exactly what the check says, as it renders it (wrapped for
    # Validate), however many lines the check needs to say which entries differ and how
    ns = solution_namespace("relu")
    exec(WRONG, ns)
    with pytest.raises(CheckFailure) as failure:
        relu_checks.check_relu_backward(ns["relu_backward"], ns["relu_forward"])
    assert shown == "\n".join(failure.value._render_traceback_())


def test_in_a_kernel_the_student_line_and_shapes_are_shown():
    shown, _ = _run(_relu_notebook(RAISES))
    assert not LIBRARY_FRAME.search(shown), shown
    assert "raised ValueError" in shown
    assert re.search(r"Cell In\[\d+\], line 4, in relu_backward:", shown), shown
    assert "return dout * mask" in shown
    assert re.search(r"`dout` = array of shape \(\d, \d+\) \(float64\)", shown), shown


def test_in_a_kernel_a_passing_cell_prints_one_line():
    shown, printed = _run(_relu_notebook(RIGHT))
    assert shown == ""
    assert printed == "\u2713 test_relu_backward passed (2 points)\n"


def test_nbgrader_validate_shows_each_message_alone(tmp_path):
    """An untouched notebook in real `nbgrader validate` (the Validate button runs the same)."""
    shutil.copy(RELU, tmp_path / "relu.ipynb")
    proc = subprocess.run([sys.executable, "-m", "nbgrader", "validate", "relu.ipynb"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    out = proc.stdout
    blocks = out.split("The error was:")[1:]
    public = [c for c in read_notebook(RELU).of_kind(TEST) if "hidden" not in c.grade_id]
    assert len(blocks) == len(public) >= 8              # every public test cell of relu
    for block in blocks:
        error = block.split("=" * 20)[0].strip("\n").splitlines()
        error = [line for line in error if line.strip()]
        assert error[0].strip().startswith("`") and "is not implemented yet" in error[0]
        assert len(error) == 2, error
        assert not any(line.endswith("...") for line in error)   # nothing cut by Validate
    assert not LIBRARY_FRAME.search(out), out
    assert len(out.splitlines()) < 12.5 * len(blocks)   # about a dozen lines a cell


def test_every_public_test_cell_gets_its_own_pass_line():
    import json
    for path in sorted((ROOT / "autograder" / "released").glob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            meta = cell["metadata"].get("nbgrader", {})
            calls = re.findall(r"\b(check_\w+)\(", "".join(cell["source"]))
            if meta.get("grade") and calls:
                assert len(calls) == 1, (path.name, meta["grade_id"])
                points = meta["points"]
                assert core.pass_line(calls[0]) == (
                    f"\u2713 {meta['grade_id']} passed ({points:g} "
                    f"{'point' if points == 1 else 'points'})")


def test_nbgrader_feedback_shows_the_messages_and_pass_lines_alone(nbgrader_runs):
    """Real `nbgrader autograde` and `generate_feedback` of an untouched and a solved copy:
    the session's nbgrader run of relu (conftest.nbgrader_runs: the student copy regenerated
    from the source, and the source, autograded, then every student's feedback, in one
    nbgrader process)."""
    run = nbgrader_runs["relu"]
    autograde, feedback = run.logs     # each command's own log (run_nbgrader_steps)
    assert "[AutogradeApp | INFO]" in autograde
    assert "GenerateFeedbackApp" not in autograde
    assert "[GenerateFeedbackApp | INFO]" in feedback
    assert "AutogradeApp" not in feedback
    stub, full = run.feedback_of["stub"], run.feedback_of["full"]
    assert stub.count("is not implemented yet") >= 13    # 8 public and 5 hidden test cells
    for page in (stub, full):   # (experiment cells are another matter: issue 13, part 5)
        text = re.sub(r"<[^>]+>", "", page)
        for frame in ("autograder/checks", "core.py", "StudentCodeError", "CheckFailure"):
            assert frame not in text, frame
    assert "\u2713 test_relu_backward passed (2 points)" in full
    assert "\u2713 check_relu_backward passed (other inputs)" in full     # a hidden test
    assert "40961" not in full                                            # its seed is not
