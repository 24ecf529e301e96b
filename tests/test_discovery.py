"""Finding submissions: a notebook's assignment from its cells, any file name, any folder.

The unit tests use the toy course (tests/toy_course.py); the end-to-end ones grade a renamed
copy of the real staged notebook from a temporary folder, through the CLI and through
`pytest --pyargs backprop_lab`, with the public tests the package carries.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

import toy_course
from backprop_lab.notebooks import (CHECKOUT_ASSIGNMENTS, RELEASED, assignment_index,
                                  assignment_of, discover, identify, read_notebook,
                                  trusted_path)

pytest_plugins = ["pytester"]

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def course(tmp_path):
    return toy_course.make_course(tmp_path)


def by_content(course):
    index = assignment_index(course)
    return lambda path: assignment_of(path, index)


def write(path: Path, nb=None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb if nb is not None else toy_course.build(), path)
    return path


# --- the assignment of a notebook ------------------------------------------------------------

def test_a_notebook_is_known_by_its_cell_ids_whatever_its_name(course):
    index = assignment_index(course)
    assert set(index) == {"staged"} and "double" in index["staged"]
    copy = write(course / "elsewhere" / "my copy (2).ipynb")
    assert identify(read_notebook(copy), index) == ("staged", "")
    assert assignment_of(copy, index) == ("staged", "")


def test_content_wins_over_the_name_and_the_name_is_the_fallback(course):
    index = {"staged": frozenset({"double", "test_double"}),
             "sigmoid": frozenset({"sigmoid_backward", "test_sigmoid_backward"})}
    # a staged notebook saved as sigmoid.ipynb is staged
    misnamed = write(course / "x" / "sigmoid.ipynb")
    assert assignment_of(misnamed, index) == ("staged", "")
    # without nbgrader ids (an editor stripped them), the name decides
    bare = toy_course.build()
    for cell in bare.cells:
        cell.metadata = {}
    assert assignment_of(write(course / "x" / "staged.ipynb", bare), index) == ("staged", "")
    found, why = assignment_of(write(course / "x" / "notes.ipynb", bare), index)
    assert found is None and "nbgrader id" in why and "<id>.ipynb" in why


def test_a_notebook_with_as_many_ids_of_two_assignments_is_not_guessed(course):
    index = {"staged": frozenset({"double", "pair"}), "relu": frozenset({"scale_dict", "x"})}
    nb = toy_course.build()   # ids double, pair, scale_dict: 2 of staged, 1 of relu
    assert identify(nb_of(nb, course), index)[0] == "staged"
    index["relu"] = frozenset({"scale_dict", "test_scale_dict"})
    found, why = identify(nb_of(nb, course), index)
    assert found is None and "as much to" in why


def nb_of(nb, course):
    return read_notebook(write(course / "tie" / "tie.ipynb", nb))


def test_the_public_copy_outside_a_course_comes_with_the_package(tmp_path, course):
    # an instructor's course (source/ present) uses its own assignments/
    assert trusted_path(course, "staged", False) == course / "assignments/staged/staged.ipynb"
    assert trusted_path(course, "staged", True) == course / "source/staged/staged.ipynb"
    # anywhere else, the package's released notebook, else the checkout's assignments/; a
    # student's own assignments/ folder is never the trusted copy
    student = tmp_path / "student"
    write(student / "assignments" / "staged" / "staged.ipynb")
    path = trusted_path(student, "staged", False)
    assert path in (RELEASED / "staged.ipynb", CHECKOUT_ASSIGNMENTS / "staged/staged.ipynb")
    assert path.is_file()


# --- a folder, an nbgrader tree ---------------------------------------------------------------

def test_a_folder_grades_every_notebook_it_recognizes_and_names_the_rest(course):
    folder = course / "mine"
    write(folder / "staged-Copy1.ipynb")
    write(folder / "sub" / "attempt two.ipynb")
    (folder / "broken.ipynb").write_text("{]")
    write(folder / ".ipynb_checkpoints" / "staged-checkpoint.ipynb")
    found = discover([str(folder)], course, by_content(course))
    assert sorted(f.path.name for f in found.found) == ["attempt two.ipynb", "staged-Copy1.ipynb"]
    assert {f.assignment for f in found.found} == {"staged"}
    reasons = {Path(s.path).name: s.reason for s in found.skipped}
    assert set(reasons) == {"broken.ipynb", "staged-checkpoint.ipynb"}
    assert "not a valid notebook" in reasons["broken.ipynb"]
    assert "checkpoint" in reasons["staged-checkpoint.ipynb"]


def test_in_a_submission_folder_a_single_notebook_is_the_submission(course):
    write(course / "submitted" / "s27" / "staged" / "staged (1).ipynb")
    found = discover([str(course / "submitted")], course, by_content(course))
    [one] = found.found
    assert (one.student, one.assignment, one.path.name) == ("s27", "staged", "staged (1).ipynb")
    assert not found.skipped and not found.unrecognized()
    # named on the command line, too
    [one] = discover([str(one.path)], course, by_content(course)).found
    assert (one.student, one.assignment) == ("s27", "staged")


def test_of_several_notebooks_the_one_named_after_the_assignment(course):
    folder = course / "submitted" / "s1" / "staged"
    write(folder / "staged.ipynb")
    write(folder / "staged (1).ipynb")
    found = discover([str(course / "submitted")], course, by_content(course))
    assert [f.path.name for f in found.found] == ["staged.ipynb"]
    [skipped] = found.skipped
    assert skipped.path.endswith("staged (1).ipynb") and "staged.ipynb in the same folder" \
        in skipped.reason
    assert not found.unrecognized()


def test_several_notebooks_none_so_named_is_unrecognized_with_the_reason(course):
    folder = course / "submitted" / "s2" / "staged"
    write(folder / "first.ipynb")
    write(folder / "second.ipynb")
    found = discover([str(course / "submitted")], course, by_content(course))
    assert found.found == []
    unrecognized = found.unrecognized()
    assert list(unrecognized) == [("s2", "staged")]
    assert sorted(Path(s.path).name for s in unrecognized["s2", "staged"]) == \
        ["first.ipynb", "second.ipynb"]
    assert all("none is named staged.ipynb" in s.reason for s in unrecognized["s2", "staged"])


def test_a_folder_that_is_not_an_assignment_is_skipped_not_guessed(course):
    write(course / "submitted" / "s3" / "homework" / "staged.ipynb")
    found = discover([str(course / "submitted")], course, by_content(course))
    assert found.found == [] and not found.unrecognized()
    [skipped] = found.skipped
    assert "`homework` is not an assignment" in skipped.reason


# --- a renamed copy graded from another folder: the CLI and pytest ----------------------------

@pytest.fixture
def elsewhere(tmp_path):
    """A folder outside the repository with a right and a wrong staged notebook, renamed."""
    folder = tmp_path / "desk"
    (folder / "my").mkdir(parents=True)
    shutil.copy(REPO / "solutions" / "staged" / "staged.ipynb", folder / "my" / "copy.ipynb")
    shutil.copy(REPO / "assignments" / "staged" / "staged.ipynb",
                folder / "my" / "staged-Copy1.ipynb")
    return folder


def test_the_cli_grades_a_renamed_copy_from_another_folder(elsewhere):
    proc = subprocess.run([sys.executable, "-m", "backprop_lab", "grade", "my/copy.ipynb",
                           "--json", "out.json"], cwd=elsewhere, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    [sub] = json.loads((elsewhere / "out.json").read_text())["submissions"]
    assert sub["assignment"] == "staged" and sub["error"] is None
    assert sub["score"] == sub["max_score"] > 0
    assert not any("HIDDEN" in t["name"].upper() for t in sub["tests"])   # public tests only
    # the untouched copy under another name scores 0 (the grading is real)
    proc = subprocess.run([sys.executable, "-m", "backprop_lab", "grade", "my",
                           "--json", "all.json"], cwd=elsewhere, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    subs = {Path(s["path"]).name: s for s in
            json.loads((elsewhere / "all.json").read_text())["submissions"]}
    assert subs["staged-Copy1.ipynb"]["assignment"] == "staged"
    assert subs["staged-Copy1.ipynb"]["score"] == 0 < subs["copy.ipynb"]["score"]


def _public_tests(assignment: str) -> tuple[int, int]:
    """How many public test cells the released notebook has, and their points."""
    from backprop_lab.notebooks import TEST, read_notebook
    cells = [c for c in read_notebook(REPO / "assignments" / assignment / f"{assignment}.ipynb")
             .of_kind(TEST) if "hidden" not in c.grade_id]
    return len(cells), int(sum(c.points for c in cells))


def test_pytest_pyargs_grades_a_renamed_copy_from_another_folder(pytester, elsewhere):
    for path in (elsewhere / "my").iterdir():
        shutil.copy(path, pytester.path / path.name)
    tests, points = _public_tests("staged")
    result = pytester.runpytest_subprocess("--pyargs", "backprop_lab", "--submission",
                                           "copy.ipynb", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=tests)
    result.stdout.fnmatch_lines(["*backprop-lab scores*", "staged  (copy.ipynb*",
                                 f"*total     {points}/{points}*"])
    # `pytest autograder` where there is no autograder folder means the package
    result = pytester.runpytest_subprocess("autograder", "--submission", "copy.ipynb",
                                           "-p", "no:cacheprovider")
    result.assert_outcomes(passed=tests)
    # a folder: both copies, the untouched one failing; -k staged keeps both, -k another
    # test name keeps only the notebooks whose tests ran in the table
    result = pytester.runpytest_subprocess("--pyargs", "backprop_lab", "--submission", ".",
                                           "-p", "no:cacheprovider")
    result.assert_outcomes(passed=tests, failed=tests)
    result = pytester.runpytest_subprocess("--pyargs", "backprop_lab", "--submission", ".",
                                           "-k", "sigmoid", "-p", "no:cacheprovider")
    assert "backprop-lab scores" not in result.stdout.str()
    result = pytester.runpytest_subprocess("--pyargs", "backprop_lab", "--submission",
                                           "copy.ipynb", "-k", "staged and add_backward",
                                           "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    table = result.stdout.str().split("backprop-lab scores")[1]
    assert "test_add_backward" in table and "test_mul_backward" not in table
