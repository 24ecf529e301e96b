"""The real course, one contract for every registered assignment: through the CLI, pytest and
nbgrader itself.

The registry (autograder/assignments.py) and each source notebook are the truth: the graded
functions are the grade_ids of the notebook's solution cells, the points are its test cells'.
The nbgrader runs are made once per session (conftest.nbgrader_runs).
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import shutil
from pathlib import Path

import nbformat
import numpy as np
import pytest

from backprop_lab.assignments import ASSIGNMENTS
from backprop_lab.course.nbgrader import CourseError, run_nbgrader_steps
from backprop_lab.notebooks import GIVEN, SOLUTION, TEST, defined_functions, read_notebook
from conftest import ROOT, cli_grade, notebook

slow = pytest.mark.slow


def graded_functions(assignment: str) -> list[str]:
    """The notebook's graded functions: the grade_ids of its solution cells, in order."""
    return [c.grade_id for c in read_notebook(notebook("source", assignment)).of_kind(SOLUTION)]


def function_of(test_id: str, functions: list[str]) -> str | None:
    """The graded function a test cell grades: `test_<function>` or `test_<function>_<what>`
    (the longest such name, so `test_rnn_step_backward` is not `rnn_...`'s)."""
    named = [f for f in functions if re.fullmatch(f"test_{re.escape(f)}(_\\w+)?", test_id)]
    return max(named, key=len) if named else None


def test_every_registered_assignment_has_a_source_notebook():
    assert ASSIGNMENTS and len(set(ASSIGNMENTS)) == len(ASSIGNMENTS)
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", a) for a in ASSIGNMENTS)
    for assignment in ASSIGNMENTS:
        for folder in ("source", "assignments", "solutions"):
            assert notebook(folder, assignment).is_file(), (folder, assignment)
    unregistered = {p.name for p in (ROOT / "source").iterdir() if p.is_dir()} - set(ASSIGNMENTS)
    assert unregistered == set(), "source/ folders missing from backprop_lab/assignments.py"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_notebook_follows_the_conventions(assignment):
    nb = read_notebook(notebook("source", assignment))
    functions = graded_functions(assignment)
    assert functions, "a graded function in a solution cell"
    for cell in nb.of_kind(SOLUTION):
        assert defined_functions(cell.source) == [cell.grade_id]
        assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source
    ids = [c.grade_id for c in nb.cells if c.grade_id]
    assert len(ids) == len(set(ids)), "duplicated grade_id"
    tests = nb.of_kind(TEST)
    for cell in tests:
        assert function_of(cell.grade_id, functions), f"{cell.grade_id} grades no function"
        assert cell.points > 0, cell.grade_id
        assert ("BEGIN HIDDEN TESTS" in cell.source) == ("hidden" in cell.grade_id), cell.grade_id
    assert nb.of_kind(GIVEN), "given code sits in locked cells"
    for function in functions:
        cells = [c for c in tests if function_of(c.grade_id, functions) == function]
        hidden = [c for c in cells if "BEGIN HIDDEN TESTS" in c.source]
        if function.startswith("predict_"):
            # a predicted number has one right value: one public test, nothing hidden
            assert len(cells) == 1 and not hidden and cells[0].points == 1, function
            continue
        assert hidden and len(hidden) < len(cells), f"{function}: public and hidden tests"
    for folder in ("source", "assignments"):
        raw = nbformat.read(notebook(folder, assignment), as_version=4)
        assert not any(c.get("outputs") for c in raw.cells if c.cell_type == "code")


def test_function_of_takes_the_longest_graded_name():
    functions = ["rnn_backward", "rnn_step_backward", "relu_backward"]
    assert function_of("test_rnn_step_backward_hidden", functions) == "rnn_step_backward"
    assert function_of("test_rnn_backward", functions) == "rnn_backward"
    assert function_of("test_relu_backward_dalpha", functions) == "relu_backward"
    assert function_of("test_leaky_relu_backward", functions) is None


def source_points(assignment: str) -> dict[str, float]:
    return {c.grade_id: c.points for c in read_notebook(notebook("source", assignment)).of_kind(TEST)}


@slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_worked_solution_earns_full_marks_from_us_and_nbgrader(assignment, nbgrader_runs):
    run = nbgrader_runs[assignment]
    full = run.ours["full"]
    failures = [(t["name"], t["output"]) for t in full["tests"] if t["status"] != "passed"]
    assert failures == []
    points = source_points(assignment)
    assert {t["name"]: t["max_score"] for t in full["tests"]} == points
    assert full["score"] == full["max_score"] == sum(points.values()) > 0
    assert run.nbgrader["full"] == {t["name"]: t["score"] for t in full["tests"]}


@slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_released_notebook_scores_zero_with_clear_messages(assignment, nbgrader_runs,
                                                           released_without_hidden):
    for sub in (nbgrader_runs[assignment].ours["stub"], released_without_hidden[assignment]):
        assert sub["error"] is None and sub["score"] == 0 and sub["max_score"] > 0
        assert sub["tests"]
        for test in sub["tests"]:
            assert test["status"] == "failed"
            assert "not implemented yet" in test["output"], test
    public = {g for g, c in source_points(assignment).items() if "hidden" not in g}
    assert {t["name"] for t in released_without_hidden[assignment]["tests"]} == public


@pytest.fixture(scope="session")
def released_without_hidden() -> dict[str, dict]:
    """The released notebooks of the repository graded as a student would: public tests."""
    subs = cli_grade(*(notebook("assignments", a) for a in ASSIGNMENTS), hidden=False)
    return {s["assignment"]: s for s in subs}


@slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_generated_notebooks_are_what_nbgrader_makes_from_source(assignment, nbgrader_runs):
    """The session's course was made by `regenerate_copies`, as `autograder regenerate` does."""
    run = nbgrader_runs[assignment]
    for folder in ("assignments", "solutions"):
        fresh = json.loads(notebook(folder, assignment).read_text())
        made = json.loads(notebook(folder, assignment, run.course).read_text())
        assert fresh == made, f"{folder}/{assignment} is stale: run python -m backprop_lab regenerate"


def hidden_test_lines(assignment: str) -> set[str]:
    """The code lines of hidden tests that appear nowhere else in the source notebook."""
    hidden, public = set(), set()
    for cell in read_notebook(notebook("source", assignment)).cells:
        parts = cell.source.split("### BEGIN HIDDEN TESTS")
        public |= {line.strip() for line in parts[0].splitlines()}
        for part in parts[1:]:
            block, _, rest = part.partition("### END HIDDEN TESTS")
            hidden |= {line.strip() for line in block.splitlines() if line.strip()}
            public |= {line.strip() for line in rest.splitlines()}
    return hidden - public


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_no_hidden_test_content_reaches_students(assignment):
    hidden_lines = hidden_test_lines(assignment)
    assert hidden_lines
    secrets = hidden_secrets(assignment)
    assert secrets
    for folder in ("assignments", "solutions"):
        text = notebook(folder, assignment).read_text(encoding="utf-8")
        cells = "\n".join(c.source for c in read_notebook(notebook(folder, assignment)).cells)
        assert "HIDDEN TESTS" not in cells
        leaked = [line for line in hidden_lines if line in cells]
        assert leaked == [], f"hidden test code in {folder}/"
        for secret in secrets:
            assert secret not in text and str(int(secret, 16)) not in text


@slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_nbgrader_autograde_gives_the_same_scores(assignment, nbgrader_runs):
    run = nbgrader_runs[assignment]
    ours = {student: {t["name"]: t["score"] for t in sub["tests"]}
            for student, sub in run.ours.items()}
    assert set(ours) == set(run.submissions)
    for student in ("full", "half", "stub"):
        assert ours[student] == run.nbgrader[student], student
    total = {student: sum(scores.values()) for student, scores in ours.items()}
    assert total["stub"] == 0
    if len(graded_functions(assignment)) > 1:   # half of the functions solved
        assert 0 < total["half"] < total["full"]
    else:
        assert total["half"] == total["full"]


@slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_a_notebook_that_disables_the_checks_scores_zero_with_us(assignment, nbgrader_runs):
    run = nbgrader_runs[assignment]
    cheat = run.ours["cheat"]
    assert cheat["tests"] and cheat["score"] == 0
    assert {t["status"] for t in cheat["tests"]} == {"failed"}


@slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_nbgrader_feedback_hides_hidden_tests(assignment, nbgrader_runs):
    run = nbgrader_runs[assignment]
    feedback = run.feedback
    assert "Score:" in feedback and "HIDDEN TESTS" not in feedback
    for line in hidden_test_lines(assignment):
        assert line not in feedback, "hidden test code in the feedback"
    for secret in hidden_secrets(assignment):
        assert secret not in feedback and str(int(secret, 16)) not in feedback


@slow
def test_pytest_front_end_prints_a_score_table_for_the_student_notebooks():
    proc = subprocess.run([sys.executable, "-m", "pytest", "autograder", "-q",
                           "-p", "no:cacheprovider"], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 1, proc.stdout   # the stubs fail
    assert "backprop-lab scores" in proc.stdout
    for assignment in ASSIGNMENTS:
        for test in read_notebook(notebook("assignments", assignment)).of_kind(TEST):
            if test.has_code:
                assert f"{assignment}::{test.grade_id}" in proc.stdout
    assert "not implemented yet" in proc.stdout
    assert "passed" not in proc.stdout.splitlines()[-1]


@slow
def test_pytest_and_cli_agree_on_a_submission(tmp_path, nbgrader_runs):
    for assignment in ASSIGNMENTS:
        path = notebook("", assignment, tmp_path)
        path.parent.mkdir()
        nbformat.write(nbgrader_runs[assignment].submissions["half"], path)
    proc = subprocess.run([sys.executable, "-m", "pytest", "autograder", "--hidden",
                           "--submission", str(tmp_path), "-p", "no:cacheprovider", "-rA",
                           "--rootdir", str(ROOT)], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)
    passed = set(re.findall(r"^PASSED (\S+)", proc.stdout, re.MULTILINE))
    expected = {f"{a}::{t['name']}" for a in ASSIGNMENTS
                for t in nbgrader_runs[a].ours["half"]["tests"] if t["status"] == "passed"}
    assert passed == expected and expected


# ---------------------------------------------------------------- hidden inputs per student

SECRET = re.compile(r"seed=hidden_seed\((0x[0-9a-f]+), globals\(\)\)")


def hidden_secrets(assignment: str) -> list[str]:
    """The secret of every hidden test cell of the source notebook."""
    cells = [c for c in read_notebook(notebook("source", assignment)).of_kind(TEST)
             if "BEGIN HIDDEN TESTS" in c.source]
    found = [SECRET.findall(c.source) for c in cells]
    assert all(len(f) == 1 for f in found), "each hidden test draws from one secret"
    return [f[0] for f in found]


def test_hidden_tests_draw_from_large_secrets_found_only_in_source():
    secrets = [s for a in ASSIGNMENTS for s in hidden_secrets(a)]
    assert len(secrets) == len(set(secrets)) >= 20
    assert all(int(s, 16) >= 2 ** 120 for s in secrets)
    package = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "autograder").rglob("*.py"))
    shipped = [notebook(folder, a).read_text(encoding="utf-8")
               for folder in ("assignments", "solutions") for a in ASSIGNMENTS]
    for secret in secrets:
        for text in [package] + shipped:
            assert secret not in text and str(int(secret, 16)) not in text


def spy_on_hidden_inputs(namespace: dict) -> list[float]:
    """Run the sigmoid notebook's first hidden test on the worked solution in `namespace`
    (plus the solutions), and return a fingerprint of every upstream gradient it sent."""
    from notebook_tools import solution_namespace
    seen = []
    ns = solution_namespace("sigmoid")
    backward = ns["sigmoid_layer_backward"]

    def sigmoid_layer_backward(dz, cache):
        seen.append(float(np.sum(dz * np.arange(1, dz.size + 1))))
        return backward(dz, cache)
    ns.update(namespace, sigmoid_layer_backward=sigmoid_layer_backward)
    [cell] = [c for c in read_notebook(notebook("source", "sigmoid")).of_kind(TEST)
              if c.grade_id == "test_sigmoid_layer_backward_hidden"]
    exec(compile(cell.source, cell.grade_id, "exec"), ns)
    assert seen
    return seen


def test_each_student_gets_their_own_hidden_inputs_every_time(tmp_path, monkeypatch):
    s01 = spy_on_hidden_inputs({"__student__": "s01"})
    assert spy_on_hidden_inputs({"__student__": "s01"}) == s01
    s02 = spy_on_hidden_inputs({"__student__": "s02"})
    assert s02 != s01
    # nbgrader autograde runs the notebook in autograded/<student>/<assignment>/
    folder = tmp_path / "autograded" / "s01" / "sigmoid"
    folder.mkdir(parents=True)
    monkeypatch.chdir(folder)
    assert spy_on_hidden_inputs({}) == s01
    # no student known (pytest, a notebook graded on its own): one fixed set of cases
    monkeypatch.chdir(tmp_path)
    alone = spy_on_hidden_inputs({})
    assert alone == spy_on_hidden_inputs({"__student__": None}) and alone not in (s01, s02)


def test_small_seeds_do_not_reproduce_the_hidden_inputs():
    """A brute force over small seeds with the public drawing function finds nothing."""
    from backprop_lab.checks.core import hidden_seed, rng_for
    name = "check_sigmoid_layer_backward"
    for student in ("s01", None):
        for secret in hidden_secrets("sigmoid"):
            seed = hidden_seed(int(secret, 16), {"__student__": student})
            assert seed >= 2 ** 64
            hidden = rng_for(seed, name).standard_normal(4)
            assert not any(np.array_equal(hidden, rng_for(s, name).standard_normal(4))
                           for s in range(2 ** 14))


def printing_submission(assignment_dir: Path, student: str) -> Path:
    """A correct sigmoid notebook whose backward pass prints a fingerprint of each dz."""
    nb = nbformat.read(notebook("source", "sigmoid"), as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "sigmoid_layer_backward":
            cell.source = cell.source.replace(
                "    W, x, z = cache\n",
                "    W, x, z = cache\n    print('dz fingerprint', repr(float(dz @ np.arange(1, "
                "dz.size + 1))))\n")
    path = assignment_dir / "submitted" / student / "sigmoid" / "sigmoid.ipynb"
    path.parent.mkdir(parents=True)
    nbformat.write(nb, path)
    return path


def fingerprints(text: str) -> list[str]:
    return re.findall(r"dz fingerprint (\S+)", text)


@slow
def test_nbgrader_and_the_cli_draw_the_same_hidden_inputs_per_student(tmp_path):
    shutil.copy(ROOT / "nbgrader_config.py", tmp_path)
    shutil.copytree(ROOT / "source" / "sigmoid", tmp_path / "source" / "sigmoid")
    db = tmp_path / "gradebook.db"
    for student in ("s01", "s02"):   # made from the source: ready before nbgrader runs
        printing_submission(tmp_path, student)
    run_nbgrader_steps([(tmp_path, ("generate_assignment", "sigmoid", "--force")),
                        (tmp_path, ("autograde", "sigmoid", "--create", "--force"))], db=db)
    ours = {s["student"]: {t["name"]: fingerprints(t["output"]) for t in s["tests"]}
            for s in cli_grade(tmp_path / "submitted")}
    theirs = {}
    for student in ("s01", "s02"):
        graded = nbformat.read(tmp_path / "autograded" / student / "sigmoid" / "sigmoid.ipynb",
                               as_version=4)
        theirs[student] = {
            c.metadata["nbgrader"]["grade_id"]: fingerprints("".join(
                o.get("text", "") for o in c.get("outputs", [])))
            for c in graded.cells if c.metadata.get("nbgrader", {}).get("grade")}
    # The check's own calls come first and match nbgrader's; the last call is the exactness
    # probe's, which the grader draws with a per-submission salt (a table of answers recorded
    # for a kernel's fixed probe does not carry over) and nbgrader's kernel does not.
    hidden = "test_sigmoid_layer_backward_hidden"
    assert ours["s01"][hidden] and ours["s01"][hidden] != ours["s02"][hidden]
    for student in ("s01", "s02"):
        for test in (hidden, "test_sigmoid_layer_backward"):
            mine, nbgraders = ours[student][test], theirs[student][test]
            assert len(mine) == len(nbgraders) >= 2, (mine, nbgraders)
            assert mine[:-1] == nbgraders[:-1]
            assert mine[-1] != nbgraders[-1]



def test_nbgrader_steps_stop_at_the_first_failing_command_and_name_it(tmp_path):
    """`run_nbgrader_steps` (one nbgrader process for several commands, as `regenerate`
    and `course-setup` use it) fails as a loop over `run_nbgrader` would: at the first
    command that fails, naming it, with what it logged; the commands after it do not run."""
    shutil.copy(ROOT / "nbgrader_config.py", tmp_path)
    shutil.copytree(ROOT / "source" / "relu", tmp_path / "source" / "relu")
    db = tmp_path / "gradebook.db"
    with pytest.raises(CourseError) as failed:
        run_nbgrader_steps([(tmp_path, ("generate_assignment", "relu", "--force")),
                            (tmp_path, ("generate_assignment", "nosuch", "--force")),
                            (tmp_path, ("generate_solution", "relu", "--force"))], db=db)
    assert "`nbgrader generate_assignment nosuch --force` failed" in str(failed.value)
    assert "No notebooks were matched" in str(failed.value)
    assert (tmp_path / "assignments" / "relu" / "relu.ipynb").is_file()   # the first ran
    assert not (tmp_path / "solutions").exists()                           # the third did not
