"""`pytest autograder` (autograder/pytest_plugin.py) run by pytest's own `pytester`, on the toy
course: what it collects, what a failing cell says, and the score table."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

import toy_course

pytest_plugins = ["pytester"]

WRONG_DOUBLE = {"double": "def double(x):\n    return x.copy()\n"}


@pytest.fixture
def course(pytester):
    """The toy course at pytester's root, and a folder that stands for the grader package
    (the plugin collects a folder holding `pytest_plugin.py` and `__init__.py` as the
    notebooks). It is not named `autograder`, so no child imports it instead of the grader."""
    toy_course.make_course(pytester.path)
    (pytester.path / "grader").mkdir()
    for name in ("__init__.py", "pytest_plugin.py"):
        (pytester.path / "grader" / name).write_text("")
    return pytester.path


def test_collects_one_test_per_test_cell_with_code(pytester, course):
    result = pytester.runpytest("grader", "--collect-only", "-q", "-p", "no:cacheprovider")
    assert result.ret == 0, result.stdout.str()
    collected = {line.strip() for line in result.outlines if "::" in line}
    public = {name for name, (_, code) in toy_course.TESTS.items() if "HIDDEN" not in code}
    assert collected == {f"{toy_course.ASSIGNMENT}::{name}" for name in public}
    result = pytester.runpytest("grader", "--collect-only", "-q", "--hidden",
                                "-p", "no:cacheprovider")
    assert {line.strip() for line in result.outlines if "::" in line} == \
        {f"{toy_course.ASSIGNMENT}::{name}" for name in toy_course.TESTS}


def test_a_failing_cell_fails_its_test_with_the_check_s_message(pytester, course):
    submission = toy_course.write_submission(course, "s1", WRONG_DOUBLE)
    result = pytester.runpytest("grader", "--submission", str(submission), "--hidden",
                                "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=2)   # test_double and its hidden test
    out = result.stdout.str()
    start = next(i for i, line in enumerate(result.outlines)
                 if re.fullmatch(r"_+ staged::test_double _+", line))
    lines = []
    for line in result.outlines[start + 1:]:
        if line.startswith(("_", "=")):
            break
        lines.append(line)
    assert lines and lines[0].startswith("    [failed] `double`: y is wrong."), out
    assert all(line.startswith("    ") for line in lines), out   # indented student text
    assert "largest relative error" in "\n".join(lines)
    assert "FAILED staged::test_double - " in out


def test_prints_the_score_table_after_the_run(pytester, course):
    submission = toy_course.write_submission(course, "s1", WRONG_DOUBLE)
    result = pytester.runpytest("grader", "--submission", str(submission),
                                "-p", "no:cacheprovider")
    out = result.stdout.str()
    assert "backprop-lab scores" in out
    table = out.split("backprop-lab scores", 1)[1]
    points = {name: points for name, (points, code) in toy_course.TESTS.items()
              if "HIDDEN" not in code}
    for name, max_score in points.items():
        score = 0 if name == "test_double" else max_score
        assert re.search(rf"^\s+\S+\s+{score}/{max_score}\s+{name}\s*$", table, re.MULTILINE), \
            (name, table)
    earned = sum(p for n, p in points.items() if n != "test_double")
    assert re.search(rf"^\s+total\s+{earned}/{sum(points.values())}\s*$", table, re.MULTILINE)


def test_hidden_inputs_kept_by_student_code_never_reach_a_public_test(pytester, course):
    """`pytest autograder --hidden` runs the public tests first and the hidden ones in a
    fresh process, as the CLI does (tests/spy.py keeps every input and prints it later)."""
    import json

    import spy
    from backprop_lab import notebooks
    root = Path(__file__).resolve().parent.parent
    source = root / "source" / "staged" / "staged.ipynb"
    path = pytester.path / "spy" / "staged.ipynb"
    path.parent.mkdir()
    path.write_text(json.dumps(spy.spy_notebook(json.loads(source.read_text()))))
    result = pytester.runpytest("grader", "--submission", str(path), "--hidden", "--course",
                                str(root), "-p", "no:cacheprovider", "-rA", "-s")
    hidden = {t.grade_id for t in notebooks.tests_of(notebooks.read_notebook(source))
              if t.hidden}
    order = [line.split("staged::")[1].split()[0] for line in result.outlines
             if line.startswith("PASSED ") and "staged::" in line]
    assert len(order) == len(notebooks.tests_of(notebooks.read_notebook(source))), \
        result.stdout.str()[-3000:]
    first_hidden = min(i for i, name in enumerate(order) if name in hidden)
    assert not [n for n in order[first_hidden:] if n not in hidden]   # public tests first
