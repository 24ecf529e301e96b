"""`python -m backprop_lab grade` as an instructor runs it: exit codes and exports."""
import csv
import json
import shutil
import subprocess
import sys

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


# --- files of ours, files of nbgrader's ---------------------------------------------------------

def test_exports_default_to_a_folder_of_their_own(course):
    proc = run_cli("grade", "submitted", "--hidden", "--json", "--csv", "--feedback", cwd=course)
    assert proc.returncode == 0, proc.stderr
    out = course / "backprop-lab-grades"
    assert json.loads((out / "grades.json").read_text())["submissions"]
    assert (out / "grades.csv").read_text().startswith("student,assignment,path,")
    assert (out / "feedback" / "alice" / "staged.md").is_file()
    assert not (course / "feedback").exists() and not (course / "grades.csv").exists()


NBGRADER_EXPORT = "assignment,duedate,timestamp,student_id,raw_score,score,max_score\n" \
                  "staged,,,alice,5,5,5\n"


@pytest.mark.parametrize("option, name", [("--csv", "grades.csv"), ("--json", "grades.csv")])
def test_a_file_the_grader_did_not_write_is_never_overwritten(course, option, name):
    (course / name).write_text(NBGRADER_EXPORT)
    proc = run_cli("grade", "submitted", "--hidden", option, name, cwd=course)
    assert proc.returncode == 2 and "not overwritten" in proc.stderr
    assert (course / name).read_text() == NBGRADER_EXPORT


@pytest.mark.parametrize("folder", ["feedback", "feedback/x", "autograded", "submitted/out"])
def test_exports_never_go_into_nbgraders_folders(course, folder):
    proc = run_cli("grade", "submitted", "--hidden", "--feedback", folder, "--quiet", cwd=course)
    assert "inside nbgrader's" in proc.stderr   # a warning in a course without nbgrader's config
    shutil.rmtree(course / folder)
    (course / "nbgrader_config.py").write_text("c = get_config()\n")
    proc = run_cli("grade", "submitted", "--hidden", "--feedback", folder, cwd=course)
    assert proc.returncode == 2 and "inside nbgrader's" in proc.stderr
    assert not (course / folder).exists()


def test_grades_csv_in_the_course_gets_a_warning(course):
    proc = run_cli("grade", "submitted", "--hidden", "--csv", "grades.csv", cwd=course)
    assert proc.returncode == 0, proc.stderr
    assert "`nbgrader export` writes grades.csv" in proc.stderr


def test_grading_an_instructors_course_without_hidden_says_so(course):
    proc = run_cli("grade", "submitted", cwd=course)
    assert proc.returncode == 0 and "graded without --hidden" in proc.stderr
    proc = run_cli("grade", "submitted", "--hidden", cwd=course)
    assert proc.returncode == 0 and "without --hidden" not in proc.stderr


def test_a_corrupt_notebooks_error_is_said_once(course):
    broken = course / "submitted" / "carol" / "staged" / "staged.ipynb"
    broken.parent.mkdir(parents=True)
    broken.write_text('{"cells": 1}')
    proc = run_cli("grade", "submitted/carol", "--hidden", "--json", "out.json", cwd=course)
    assert proc.returncode == 1
    assert proc.stdout.count("no list of cells") == 1, proc.stdout
    [sub] = json.loads((course / "out.json").read_text())["submissions"]
    assert "no list of cells" in sub["error"] and len(sub["tests"]) == 4
    assert all(t["output"] == "not run: see the submission's error" for t in sub["tests"])


GRADING_OPTIONS = ("--course", "--timeout", "--memory", "--jobs", "--isolation", "--budget")


@pytest.mark.parametrize("command,hidden", [("grade", True), ("gradebook", False)])
def test_every_grading_subcommand_takes_the_grading_options(command, hidden, capsys):
    from backprop_lab import cli
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args([command, "--help"])
    text = capsys.readouterr().out
    for option in GRADING_OPTIONS:
        assert f"  {option} " in text, f"{command} --help lacks {option}"
    assert ("  --hidden " in text) == hidden   # gradebook always grades with the hidden tests


@pytest.mark.parametrize("command", ["grade", "gradebook"])
def test_the_grading_options_become_the_settings(command, tmp_path):
    from backprop_lab import cli, options
    opts = cli.build_parser().parse_args(
        [command, "--course", str(tmp_path), "--timeout", "2.5", "--memory", "300",
         "--budget", "40", "--isolation", "process", "--jobs", "3"])
    settings = options.settings_from(opts, hidden=True)
    assert (settings.course, settings.hidden, settings.isolation) == (tmp_path, True, "process")
    assert (settings.limits.timeout, settings.limits.memory_mb, settings.limits.budget) \
        == (2.5, 300, 40)
    assert opts.jobs == 3


def test_the_grading_defaults_are_the_graders(capsys):
    from backprop_lab import cli, options
    from backprop_lab.isolation.student_process import Limits
    opts = cli.build_parser().parse_args(["gradebook"])
    assert (opts.timeout, opts.memory, opts.budget, opts.isolation) \
        == (Limits.timeout, Limits.memory_mb, None, "auto")
    assert (options.TIMEOUT, options.MEMORY) == (Limits.timeout, Limits.memory_mb)


@pytest.mark.parametrize("option", ["--timeout", "--memory", "--jobs", "--budget"])
def test_gradebook_refuses_a_limit_that_is_not_positive(tmp_path, option):
    proc = run_cli("gradebook", "--course", tmp_path, option, "0", cwd=tmp_path)
    assert proc.returncode == 2
    assert "--timeout, --budget, --memory and --jobs must be positive" in proc.stderr


def test_the_pytest_plugin_takes_the_grading_options_with_the_same_defaults(tmp_path):
    from backprop_lab import options
    proc = subprocess.run([sys.executable, "-m", "pytest", "--help", "-p", "no:cacheprovider"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    text = " ".join(proc.stdout.split())   # argparse wraps the help lines
    for option in ("--course", "--hidden", "--grade-timeout", "--grade-memory",
                   "--grade-budget", "--grade-isolation={auto,sandbox,process}"):
        assert f" {option}" in text, option
    assert f"(default {options.TIMEOUT:g})" in text and f"(default {options.MEMORY})" in text
