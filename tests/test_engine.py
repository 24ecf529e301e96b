"""The engine on a toy course: scores, isolation, limits, in-place effects."""
import os
import subprocess
import time

import nbformat
import pytest

from autograder.grading import Settings, grade_notebook
from autograder.student_process import Limits

import toy_course


@pytest.fixture
def course(tmp_path):
    return toy_course.make_course(tmp_path)


def grade(course, solutions=None, hidden=True, timeout=2.0, nb=None, **limits):
    path = toy_course.write_submission(course, "s1", solutions, nb=nb)
    settings = Settings(course=course, hidden=hidden, limits=Limits(timeout=timeout, **limits))
    return grade_notebook(path, settings)


def by_name(result):
    return {t.name: t for t in result.tests}


def test_correct_submission_earns_every_point(course):
    result = grade(course)
    assert result.error is None
    assert [t.status for t in result.tests] == ["passed"] * 4
    assert result.score == result.max_score == 5
    assert result.student == "s1"


def test_hidden_tests_run_only_with_hidden(course):
    assert "test_double_hidden" not in by_name(grade(course, hidden=False))
    assert grade(course, hidden=False).max_score == 4


def test_test_cells_come_from_the_trusted_copy(course):
    nb = toy_course.build({"double": "def double(x):\n    return x\n"})
    for cell in nb.cells:   # the student rewrites every test to pass
        if cell.metadata.get("nbgrader", {}).get("grade"):
            cell.source = "pass"
    tests = by_name(grade(course, nb=nb))
    assert tests["test_double"].status == "failed"
    assert "`double`: y is wrong" in tests["test_double"].output


def test_an_infinite_loop_costs_only_its_own_tests(course):
    start = time.monotonic()
    tests = by_name(grade(course, {"double": "def double(x):\n    while True:\n        pass\n"},
                          timeout=1.0))
    assert time.monotonic() - start < 8
    assert tests["test_double"].status == "timeout"
    assert "time limit" in tests["test_double"].output
    assert tests["test_pair"].status == "passed"
    assert tests["test_scale_dict"].status == "passed"


@pytest.mark.parametrize("body, expected", [
    ("    import os\n    os._exit(3)\n", "exit code 3"),
    ("    import sys\n    sys.exit(1)\n", "exit(1)"),
    ("    raise KeyboardInterrupt\n", "KeyboardInterrupt"),
    ("    import ctypes\n    ctypes.string_at(0)\n", "segmentation fault"),
    ("    return [0] * (10 ** 10)\n", "MemoryError"),
])
def test_a_crashing_function_fails_its_tests_and_the_rest_still_run(course, body, expected):
    tests = by_name(grade(course, {"double": f"def double(x):\n{body}"}, memory_mb=512))
    assert tests["test_double"].score == 0
    assert expected in tests["test_double"].output
    assert tests["test_pair"].status == "passed"


def test_a_syntax_error_in_one_cell_leaves_the_others_graded(course):
    tests = by_name(grade(course, {"double": "def double(x):\n    return x +\n"}))
    assert tests["test_double"].status == "failed"
    assert "SyntaxError" in tests["test_double"].output
    assert tests["test_pair"].status == "passed"


def test_a_cell_that_hangs_while_loading_is_left_out(course):
    start = time.monotonic()
    tests = by_name(grade(course, {"pair": "import time\ntime.sleep(60)\n"
                                           "def pair(x):\n    return x.copy(), x.copy()\n"},
                          timeout=1.0))
    assert time.monotonic() - start < 10
    assert tests["test_pair"].score == 0
    assert "time limit" in tests["test_pair"].output
    assert tests["test_double"].status == "passed"


def test_a_renamed_function_is_reported_missing(course):
    tests = by_name(grade(course, {"double": "def twice(x):\n    return 2.0 * x\n"}))
    assert tests["test_double"].score == 0
    assert "`double` is not defined" in tests["test_double"].output


def test_in_place_changes_in_the_child_are_seen_by_the_checks(course):
    tests = by_name(grade(course, {"double": "def double(x):\n    x *= 2.0\n    return x\n",
                                   "scale_dict": "def scale_dict(d, k):\n"
                                                 "    d['w'] = d['w'] * k\n    return d\n"}))
    assert "modified its argument #1" in tests["test_double"].output
    assert "modified its argument #1['w']" in tests["test_scale_dict"].output


def test_one_array_returned_twice_keeps_its_identity(course):
    tests = by_name(grade(course, {"pair": "def pair(x):\n    y = x.copy()\n    return y, y\n"}))
    assert "the same array for a and b" in tests["test_pair"].output
    tests = by_name(grade(course, {"pair": "def pair(x):\n    return x, x.copy()\n"}))
    assert "returned one of its inputs" in tests["test_pair"].output


def test_printed_output_is_kept_and_truncated(course):
    tests = by_name(grade(course, {"double": "def double(x):\n    print('x' * 100000)\n"
                                             "    return x\n"}))
    output = tests["test_double"].output
    assert "Your code printed:" in output and "output truncated" in output
    assert len(output) < 5000


def test_background_processes_are_killed_with_the_child(course, tmp_path):
    marker = tmp_path / "alive"
    body = (f"    import subprocess, sys\n"
            f"    subprocess.Popen([sys.executable, '-c', 'import time, pathlib\\n"
            f"time.sleep(2)\\npathlib.Path({str(marker)!r}).write_text(\"x\")'])\n"
            f"    while True:\n        pass\n")
    grade(course, {"double": f"def double(x):\n{body}"}, timeout=1.0)
    time.sleep(2.5)
    assert not marker.exists()


def test_unreadable_notebooks_are_reported(course, tmp_path):
    bad = course / "submitted" / "s2" / "staged" / "staged.ipynb"
    bad.parent.mkdir(parents=True)
    bad.write_text("{ not json")
    result = grade_notebook(bad, Settings(course=course, hidden=True))
    assert result.error and "not a valid notebook" in result.error
    assert result.score == 0 and all(t.status == "error" for t in result.tests)
    empty = tmp_path / "staged.ipynb"
    empty.write_text("")
    assert "empty" in grade_notebook(empty, Settings(course=course)).error


def test_unknown_assignment(course, tmp_path):
    other = tmp_path / "mystery.ipynb"
    other.write_text("{}")
    assert "unknown assignment" in grade_notebook(other, Settings(course=course)).error


def test_stripped_metadata_falls_back_to_the_function_name(course):
    nb = toy_course.build()
    for cell in nb.cells:
        cell.metadata.pop("nbgrader", None)
    result = grade(course, nb=nb)
    assert result.score == result.max_score
    assert any("used the cell that defines it" in w for w in result.warnings)


def test_no_child_process_is_left_behind(course):
    grade(course, {"double": "def double(x):\n    while True:\n        pass\n"}, timeout=0.5)
    # pgrep leaves itself out, so it lists only what the grading left behind
    found = subprocess.run(["pgrep", "-P", str(os.getpid())], capture_output=True, text=True)
    assert found.stdout.split() == []


def test_callable_arguments_travel_by_reference_and_none_results_stay_none(course, tmp_path):
    tests = {"test_apply": (1, "import functools\nfrom autograder.checks.core import relative_error\n"
                               "f = functools.partial(relative_error, np.zeros(2))\n"
                               "out = apply(f, np.ones(2))\n"
                               "assert out[0] is None and np.allclose(out[1], 1.0), out\n")}
    nb = toy_course.build({"apply": "def apply(f, x):\n    return None, f(x)\n"},
                          tests={**toy_course.TESTS, **tests})
    for folder in ("source", "assignments"):
        nbformat.write(nb, course / folder / "staged" / "staged.ipynb")
    assert by_name(grade(course, nb=nb))["test_apply"].status == "passed"
