"""The real course: every assignment, through the CLI, pytest and nbgrader itself."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

from autograder.course import regenerate_copy, run_nbgrader
from autograder.assignments import ASSIGNMENTS
from autograder.notebooks import GIVEN, SOLUTION, TEST, defined_functions, read_notebook

ROOT = Path(__file__).resolve().parents[1]

# The graded functions of each assignment, as the contract (SPEC.md) names them.
GRADED = {
    "staged": ["staged_backward", "add_backward", "mul_backward", "max_backward",
               "numerical_gradient"],
    "sigmoid": ["sigmoid_layer_backward", "saturated_fraction"],
    "relu": ["relu_backward", "leaky_relu_backward", "prelu_backward", "dead_neuron_fraction"],
    "rnn": ["relu_rnn_backward", "rnn_step_backward", "rnn_backward", "clip_grad_norm",
            "clip_grad_value", "spectral_radius"],
    "softmax": ["affine_backward", "softmax_cross_entropy_backward", "mlp_backward"],
    "lstm": ["lstm_step_backward", "lstm_backward", "huber_backward"],
}
PRESENT = [a for a in ASSIGNMENTS if (ROOT / "source" / a / f"{a}.ipynb").exists()]


def notebook(folder: str, assignment: str) -> Path:
    return ROOT / folder / assignment / f"{assignment}.ipynb"


def cli_grade(*paths, hidden=True, cwd=ROOT) -> list[dict]:
    out = Path(cwd) / f".grades-{abs(hash(paths))}.json"
    args = [sys.executable, "-m", "autograder", "grade", *map(str, paths), "--json", str(out),
            "--course", str(ROOT)]
    proc = subprocess.run(args + (["--hidden"] if hidden else []), cwd=cwd,
                          capture_output=True, text=True, timeout=600)
    try:
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return json.loads(out.read_text())["submissions"]
    finally:
        out.unlink(missing_ok=True)


def test_every_assignment_has_a_source_notebook():
    assert PRESENT == list(ASSIGNMENTS)


@pytest.mark.parametrize("assignment", PRESENT)
def test_notebook_follows_the_conventions(assignment):
    nb = read_notebook(notebook("source", assignment))
    solutions = nb.of_kind(SOLUTION)
    assert sorted(c.grade_id for c in solutions) == sorted(GRADED[assignment])
    for cell in solutions:
        assert defined_functions(cell.source) == [cell.grade_id]
        assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source
    ids = [c.grade_id for c in nb.cells if c.grade_id]
    assert len(ids) == len(set(ids)), "duplicated grade_id"
    for cell in nb.of_kind(TEST):
        assert re.fullmatch(r"test_(%s)(_\w+)?" % "|".join(GRADED[assignment]), cell.grade_id)
        assert cell.points > 0
    assert nb.of_kind(GIVEN), "given code sits in locked cells"
    for function in GRADED[assignment]:
        cells = [c for c in nb.of_kind(TEST)
                 if re.fullmatch(f"test_{function}(_\\w+)?", c.grade_id)]
        hidden = [c for c in cells if "BEGIN HIDDEN TESTS" in c.source]
        assert hidden and len(hidden) < len(cells), f"{function}: public and hidden tests"
        for cell in cells:
            assert (cell in hidden) == ("hidden" in cell.grade_id), cell.grade_id
            assert 1 <= cell.points <= (2 if cell in hidden else 3), cell.grade_id
    for folder in ("source", "assignments"):
        raw = nbformat.read(notebook(folder, assignment), as_version=4)
        assert not any(c.get("outputs") for c in raw.cells if c.cell_type == "code")


@pytest.mark.parametrize("assignment", PRESENT)
def test_source_earns_full_marks_through_the_cli(assignment):
    [sub] = cli_grade(notebook("source", assignment))
    failures = [(t["name"], t["output"]) for t in sub["tests"] if t["status"] != "passed"]
    assert failures == []
    assert sub["score"] == sub["max_score"] > 0


@pytest.mark.parametrize("hidden", [False, True])
@pytest.mark.parametrize("assignment", PRESENT)
def test_released_notebook_scores_zero_with_clear_messages(assignment, hidden):
    [sub] = cli_grade(notebook("assignments", assignment), hidden=hidden)
    assert sub["error"] is None and sub["score"] == 0 and sub["max_score"] > 0
    for test in sub["tests"]:
        assert test["status"] == "failed"
        assert "not implemented yet" in test["output"], test


@pytest.mark.parametrize("assignment", PRESENT)
def test_generated_notebooks_are_what_nbgrader_makes_from_source(assignment, tmp_path):
    regenerate_copy(ROOT, assignment, tmp_path)
    for folder in ("assignments", "solutions"):
        fresh = json.loads(notebook(folder, assignment).read_text())
        made = json.loads((tmp_path / folder / assignment / f"{assignment}.ipynb").read_text())
        assert fresh == made, f"{folder}/{assignment} is stale: run python -m autograder regenerate"


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


@pytest.mark.parametrize("assignment", PRESENT)
def test_no_hidden_test_content_reaches_students(assignment):
    hidden_lines = hidden_test_lines(assignment)
    assert hidden_lines
    for folder in ("assignments", "solutions"):
        text = "\n".join(c.source for c in read_notebook(notebook(folder, assignment)).cells)
        assert "HIDDEN TESTS" not in text
        leaked = [line for line in hidden_lines if line in text]
        assert leaked == [], f"hidden test code in {folder}/"


def half_solved(assignment: str):
    """The student copy with every other graded function solved from the source."""
    student = nbformat.read(notebook("assignments", assignment), as_version=4)
    source = {c.metadata["nbgrader"]["grade_id"]: c.source
              for c in nbformat.read(notebook("source", assignment), as_version=4).cells
              if c.metadata.get("nbgrader", {}).get("solution")}
    for i, cell in enumerate(c for c in student.cells
                             if c.metadata.get("nbgrader", {}).get("solution")):
        if i % 2 == 0:
            cell.source = source[cell.metadata["nbgrader"]["grade_id"]]
    return student


@pytest.mark.parametrize("assignment", PRESENT)
def test_nbgrader_autograde_gives_the_same_scores(assignment, tmp_path):
    shutil.copy(ROOT / "nbgrader_config.py", tmp_path)
    shutil.copytree(ROOT / "source" / assignment, tmp_path / "source" / assignment)
    db = tmp_path / "gradebook.db"
    run_nbgrader(tmp_path, "generate_assignment", assignment, "--force", db=db)
    submissions = {"full": nbformat.read(notebook("source", assignment), as_version=4),
                   "half": half_solved(assignment),
                   "stub": nbformat.read(notebook("assignments", assignment), as_version=4)}
    for student, nb in submissions.items():
        path = tmp_path / "submitted" / student / assignment / f"{assignment}.ipynb"
        path.parent.mkdir(parents=True)
        nbformat.write(nb, path)
    run_nbgrader(tmp_path, "autograde", assignment, "--create", "--force", db=db)

    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{db}") as gb:
        nbgrader_scores = {}
        for student in submissions:
            sub = gb.find_submission_notebook(assignment, assignment, student)
            nbgrader_scores[student] = {g.name: g.score for g in sub.grades
                                        if g.cell.max_score}
    ours = {s["student"]: {t["name"]: t["score"] for t in s["tests"]}
            for s in cli_grade(tmp_path / "submitted")}
    assert ours == nbgrader_scores
    assert 0 < sum(ours["half"].values()) < sum(ours["full"].values())
    assert sum(ours["stub"].values()) == 0

    run_nbgrader(tmp_path, "generate_feedback", assignment, "--force", db=db)
    feedback = (tmp_path / "feedback" / "half" / assignment / f"{assignment}.html").read_text()
    assert "HIDDEN TESTS" not in feedback
    for line in hidden_test_lines(assignment):
        assert line not in feedback, "hidden test code in the feedback"
    for secret in hidden_secrets(assignment):
        assert secret not in feedback and str(int(secret, 16)) not in feedback


def test_pytest_front_end_prints_a_score_table_for_the_student_notebooks():
    proc = subprocess.run([sys.executable, "-m", "pytest", "autograder", "-q",
                           "-p", "no:cacheprovider"], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 1, proc.stdout   # the stubs fail
    assert "backprop-lab scores" in proc.stdout
    for assignment in PRESENT:
        for test in read_notebook(notebook("assignments", assignment)).of_kind(TEST):
            if test.has_code:
                assert f"{assignment}::{test.grade_id}" in proc.stdout
    assert "not implemented yet" in proc.stdout
    assert "passed" not in proc.stdout.splitlines()[-1]


def test_pytest_and_cli_agree_on_a_submission(tmp_path):
    paths = []
    for assignment in PRESENT:
        path = tmp_path / assignment / f"{assignment}.ipynb"
        path.parent.mkdir()
        nbformat.write(half_solved(assignment), path)
        paths.append(path)
    report = tmp_path / "report.txt"
    proc = subprocess.run([sys.executable, "-m", "pytest", "autograder", "--hidden",
                           "--submission", str(tmp_path), "-p", "no:cacheprovider", "-rA",
                           "--rootdir", str(ROOT)], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)
    report.write_text(proc.stdout)
    passed = set(re.findall(r"^PASSED (\S+)", proc.stdout, re.MULTILINE))
    cli = cli_grade(*paths)
    expected = {f"{s['assignment']}::{t['name']}" for s in cli for t in s["tests"]
                if t["status"] == "passed"}
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
    secrets = [s for a in PRESENT for s in hidden_secrets(a)]
    assert len(secrets) == len(set(secrets)) >= 20
    assert all(int(s, 16) >= 2 ** 120 for s in secrets)
    package = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "autograder").rglob("*.py"))
    shipped = [notebook(folder, a).read_text(encoding="utf-8")
               for folder in ("assignments", "solutions") for a in PRESENT]
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
    from autograder.checks.core import hidden_seed, rng_for
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


def test_nbgrader_and_the_cli_draw_the_same_hidden_inputs_per_student(tmp_path):
    shutil.copy(ROOT / "nbgrader_config.py", tmp_path)
    shutil.copytree(ROOT / "source" / "sigmoid", tmp_path / "source" / "sigmoid")
    db = tmp_path / "gradebook.db"
    run_nbgrader(tmp_path, "generate_assignment", "sigmoid", "--force", db=db)
    for student in ("s01", "s02"):
        printing_submission(tmp_path, student)
    run_nbgrader(tmp_path, "autograde", "sigmoid", "--create", "--force", db=db)
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
    hidden = "test_sigmoid_layer_backward_hidden"
    assert ours["s01"][hidden] and ours["s01"][hidden] != ours["s02"][hidden]
    for student in ("s01", "s02"):
        assert ours[student][hidden] == theirs[student][hidden]
        assert ours[student]["test_sigmoid_layer_backward"] == \
            theirs[student]["test_sigmoid_layer_backward"]
