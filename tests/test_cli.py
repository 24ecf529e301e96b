"""`python -m autograder grade` as an instructor runs it: exit codes and exports."""
import csv
import json

import pytest

import toy_course
from conftest import run_cli


@pytest.fixture
def course(tmp_path):
    toy_course.make_course(tmp_path)
    toy_course.write_submission(tmp_path, "alice")
    toy_course.write_submission(tmp_path, "bob", {"double": "def double(x):\n    return x\n"})
    return tmp_path


def test_grades_an_nbgrader_tree_and_exports_json_and_csv(course):
    proc = run_cli("grade", "submitted", "--hidden", "--json", "out.json", "--csv", "out.csv",
                   "--jobs", "2", cwd=course)
    assert proc.returncode == 0, proc.stderr
    assert "alice: staged" in proc.stdout and "bob: staged" in proc.stdout
    data = json.loads((course / "out.json").read_text())
    subs = {s["student"]: s for s in data["submissions"]}
    assert set(subs) == {"alice", "bob"}
    for sub in subs.values():
        assert set(sub) >= {"student", "assignment", "path", "score", "max_score", "error",
                            "tests"}
        for test in sub["tests"]:
            assert set(test) >= {"name", "score", "max_score", "status", "output"}
            assert test["status"] in {"passed", "failed", "error", "timeout"}
    assert subs["alice"]["score"] == subs["alice"]["max_score"] == 5
    assert subs["bob"]["score"] == 2 and subs["bob"]["error"] is None
    rows = list(csv.DictReader(open(course / "out.csv")))
    assert {r["student"]: r["score"] for r in rows} == {"alice": "5", "bob": "2"}
    assert {r["student"]: r["test_double"] for r in rows} == {"alice": "2", "bob": "0"}


def test_default_grades_assignments_without_hidden_tests(course):
    proc = run_cli("grade", "--json", "out.json", cwd=course)
    assert proc.returncode == 0, proc.stderr
    sub = json.loads((course / "out.json").read_text())["submissions"][0]
    assert sub["path"].endswith("assignments/staged/staged.ipynb")
    assert "test_double_hidden" not in [t["name"] for t in sub["tests"]]


def test_gradescope_results(course):
    proc = run_cli("grade", "submitted/bob", "--hidden", "--gradescope", "results.json",
                   cwd=course)
    assert proc.returncode == 0, proc.stderr
    results = json.loads((course / "results.json").read_text())
    assert results["score"] == 2
    assert {t["status"] for t in results["tests"]} == {"passed", "failed"}
    assert all({"name", "score", "max_score", "output", "visibility"} <= set(t)
               for t in results["tests"])


def test_a_broken_notebook_exits_1_and_the_batch_goes_on(course):
    broken = course / "submitted" / "carol" / "staged" / "staged.ipynb"
    broken.parent.mkdir(parents=True)
    broken.write_text("{]")
    proc = run_cli("grade", "submitted", "--hidden", "--json", "out.json", cwd=course)
    assert proc.returncode == 1
    assert "could not be graded" in proc.stdout
    subs = {s["student"]: s for s in json.loads((course / "out.json").read_text())["submissions"]}
    assert subs["carol"]["error"] and subs["carol"]["score"] == 0
    assert subs["alice"]["score"] == 5


@pytest.mark.parametrize("args", [["grade", "nowhere"], ["grade", "--timeout", "0"],
                                  ["grade", "submitted", "--gradescope", "r.json"], ["frobnicate"]])
def test_usage_errors_exit_2(course, args):
    assert run_cli(*args, cwd=course).returncode == 2
