"""The engine on a toy course: scores, hidden tests, in-place effects, identity.

Attacks, limits and broken notebooks are in test_attacks.py.
"""
import re
from pathlib import Path

import nbformat
import pytest

import backprop_lab
from backprop_lab.assignments import ASSIGNMENTS
from backprop_lab.grading import Settings, grade_notebook
from backprop_lab.isolation.student_process import Limits

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


def test_in_place_changes_in_the_child_are_seen_by_the_checks(course):
    tests = by_name(grade(course, {"double": "def double(x):\n    x *= 2.0\n    return x\n",
                                   "scale_dict": "def scale_dict(d, k):\n"
                                                 "    d['w'] = d['w'] * k\n    return d\n"}))
    # named after the parameters of the instructor's definition
    assert "modified its argument #1 (`x`)" in tests["test_double"].output
    assert "modified its argument #1['w'] (`d['w']`)" in tests["test_scale_dict"].output


def test_one_array_returned_twice_keeps_its_identity(course):
    tests = by_name(grade(course, {"pair": "def pair(x):\n    y = x.copy()\n    return y, y\n"}))
    assert "the same array for a and b" in tests["test_pair"].output
    tests = by_name(grade(course, {"pair": "def pair(x):\n    return x, x.copy()\n"}))
    assert "returned one of its inputs" in tests["test_pair"].output


def test_callable_arguments_travel_by_reference_and_none_results_stay_none(course, tmp_path):
    tests = {"test_apply": (1, "import functools\nfrom backprop_lab.probes import probe_exp\n"
                               "f = functools.partial(probe_exp, a=1.0, w=np.ones(2))\n"
                               "out = apply(f, np.zeros(2))\n"
                               "assert out[0] is None and np.isclose(out[1], 2.0), out\n")}
    nb = toy_course.build({"apply": "def apply(f, x):\n    return None, f(x)\n"},
                          tests={**toy_course.TESTS, **tests})
    for folder in ("source", "assignments"):
        nbformat.write(nb, course / folder / "staged" / "staged.ipynb")
    assert by_name(grade(course, nb=nb))["test_apply"].status == "passed"


def test_only_the_registry_and_an_assignment_s_own_checks_name_an_assignment():
    """Adding an assignment is its own files plus one line in autograder/assignments.py: no
    other module of the package may name one (as a word, e.g. in a list, a path or a
    docstring example)."""
    package = Path(backprop_lab.__file__).resolve().parent
    own = {package / "assignments.py"} | {package / "checks" / f"{a}.py" for a in ASSIGNMENTS}
    word = re.compile(r"\b(%s)\b" % "|".join(map(re.escape, ASSIGNMENTS)))
    scanned, named = 0, []
    for path in sorted(package.rglob("*.py")):
        if path in own:
            continue
        scanned += 1
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if word.search(line):
                named.append(f"{path.relative_to(package)}:{number}: {line.strip()}")
    assert scanned >= 10 and ASSIGNMENTS
    assert named == [], "assignment ids outside the registry:\n" + "\n".join(named)
