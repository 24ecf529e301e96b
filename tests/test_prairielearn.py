"""`python -m backprop_lab prairielearn-export`: the course fragment, and grading in PrairieLearn's
/grade layout.

PrairieLearn copies serverFilesCourse/backprop-lab to /grade/serverFilesCourse/backprop-lab,
the submitted workspace files to /grade/student, the question's data object to
/grade/data/data.json, runs the question's entrypoint (`.../run.sh ID`) and reads
/grade/results/results.json (PrairieLearn's docs/externalGrading.md). Here /grade is a
temporary folder (AUTOGRADER_ROOT) and the grader runs on this interpreter (AUTOGRADER_PYTHON).
"""
import json
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import jsonschema
import pytest

from backprop_lab import notebooks
from backprop_lab.course import gradescope_bundle, prairielearn
from backprop_lab.isolation import sandbox
from backprop_lab.assignments import ASSIGNMENTS
from backprop_lab.grading import SubmissionResult, TestResult
from backprop_lab.isolation.launcher import drops_to_nobody
from backprop_lab.course.student_kit import FORBIDDEN_MARKERS
from hostile import thief_notebook

REPO = Path(__file__).resolve().parent.parent
ASSIGNMENT = "staged"
SOURCE_NB = REPO / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
STUDENT_NB = REPO / "assignments" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
HIDDEN = {t.grade_id for t in notebooks.tests_of(notebooks.read_notebook(SOURCE_NB)) if t.hidden}
GENERIC = {"Hidden test passed.",
           "Hidden test failed. Its inputs and expected values are not shown."}

# A question's info.json, with the fields PrairieLearn documents for an externally graded
# workspace question (docs/workspaces/index.md, docs/externalGrading.md); nothing else.
INFO_SCHEMA = {
    "type": "object",
    "required": ["uuid", "title", "topic", "tags", "type", "singleVariant", "gradingMethod",
                 "workspaceOptions", "externalGradingOptions"],
    "additionalProperties": False,
    "properties": {
        "uuid": {"type": "string",
                 "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"},
        "title": {"type": "string", "minLength": 1},
        "topic": {"type": "string", "minLength": 1},
        "tags": {"type": "array", "items": {"type": "string"}},
        "type": {"const": "v3"},
        "singleVariant": {"const": True},
        "gradingMethod": {"const": "External"},
        "workspaceOptions": {
            "type": "object",
            "required": ["image", "port", "home", "gradedFiles"],
            "additionalProperties": False,
            "properties": {
                "image": {"type": "string"}, "port": {"type": "integer"},
                "home": {"type": "string"}, "args": {"type": "string"},
                "gradedFiles": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                "syncIgnore": {"type": "array"}, "rewriteUrl": {"type": "boolean"},
                "enableNetworking": {"type": "boolean"},
                "environment": {"type": "object",
                                "additionalProperties": {"type": ["string", "null"]}},
            },
        },
        "externalGradingOptions": {
            "type": "object",
            "required": ["enabled", "image", "entrypoint", "serverFilesCourse", "timeout"],
            "additionalProperties": False,
            "properties": {
                "enabled": {"const": True}, "image": {"type": "string"},
                "entrypoint": {"type": "string", "pattern": "^/"},
                "serverFilesCourse": {"type": "array", "items": {"type": "string"}},
                "timeout": {"type": "integer", "minimum": 1, "maximum": 600},
                "enableNetworking": {"const": False},
                "environment": {"type": "object"},
            },
        },
    },
}

# results.json as PrairieLearn documents it (docs/externalGrading.md "Grading results").
IMAGES = {"type": "array", "items": {"type": "object", "required": ["url"],
                                     "properties": {"label": {"type": "string"},
                                                    "url": {"type": "string"}}}}
RESULTS_SCHEMA = {
    "type": "object",
    "required": ["gradable", "score", "message", "output", "tests"],
    "additionalProperties": False,
    "properties": {
        "gradable": {"type": "boolean"},
        "score": {"type": "number", "minimum": 0, "maximum": 1},
        "format_errors": {"anyOf": [{"type": "string"},
                                    {"type": "array", "items": {"type": "string"}}]},
        "message": {"type": "string"},
        "output": {"type": "string"},
        "images": IMAGES,
        "tests": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "points", "max_points", "message", "output"],
                "additionalProperties": False,
                "properties": {
                    "name": {"type": "string", "minLength": 1},
                    "description": {"type": "string"},
                    "points": {"type": "number", "minimum": 0},
                    "max_points": {"type": "number", "minimum": 0},
                    "message": {"type": "string"},
                    "output": {"type": "string"},
                    "images": IMAGES,
                },
            },
        },
    },
    # not gradable: the reasons say why, for the student
    "if": {"properties": {"gradable": {"const": False}}},
    "then": {"required": ["format_errors"],
             "properties": {"format_errors": {"minItems": 1}, "tests": {"maxItems": 0}}},
}


def export(out: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "backprop_lab", "prairielearn-export", str(out),
                           "--course", str(REPO), *args], cwd=cwd or out.parent,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """The real course's questions, exported by the CLI into a new PrairieLearn course folder."""
    out = tmp_path_factory.mktemp("pl") / "course"
    proc = export(out)
    assert proc.returncode == 0, proc.stderr
    assert "keep the course repository private" in proc.stdout
    return out


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# ------------------------------------------------------------------ the course fragment

def test_one_workspace_question_per_assignment_with_documented_fields(course):
    questions = sorted(p.name for p in (course / "questions").iterdir())
    assert questions == sorted(f"backprop-{a}" for a in ASSIGNMENTS)
    uuids = set()
    for assignment in ASSIGNMENTS:
        folder = course / "questions" / f"backprop-{assignment}"
        info = json.loads((folder / "info.json").read_text())
        jsonschema.validate(info, INFO_SCHEMA)
        uuids.add(info["uuid"])
        assert info["uuid"] == prairielearn.question_uuid(assignment)
        assert (info["topic"], info["tags"]) == ("Backpropagation", ["backprop-lab"])
        ws = info["workspaceOptions"]
        assert (ws["image"], ws["port"], ws["home"]) == (
            "prairielearn/workspace-jupyterlab-python", 8080, "/home/jovyan")
        assert ws["gradedFiles"] == [f"{assignment}.ipynb"]
        assert ws["rewriteUrl"] is False   # as PrairieLearn's own JupyterLab questions
        assert ws["environment"] == {"LAUNCH_FILE_NAME": f"{assignment}.ipynb",
                                     "PYTHONDONTWRITEBYTECODE": "1"}
        grading = info["externalGradingOptions"]
        assert grading["image"] == "prairielearn/grader-python"
        assert grading["serverFilesCourse"] == ["backprop-lab/"]
        assert grading["entrypoint"] == \
            f"/grade/serverFilesCourse/backprop-lab/run.sh {assignment}"
        assert grading["timeout"] == prairielearn.DEFAULT_TIMEOUT <= 600
        # the entrypoint is a file of the listed serverFilesCourse folder
        entry = grading["entrypoint"].split()[0]
        assert (course / entry.replace("/grade/", "", 1)).is_file()
        html = (folder / "question.html").read_text()
        for element in ("<pl-question-panel>", "<pl-workspace></pl-workspace>",
                        "<pl-submission-panel>", "<pl-external-grader-results>",
                        "<pl-file-preview>"):
            assert element in html
        assert html.index("<pl-workspace>") < html.index("</pl-question-panel>") \
            < html.index("<pl-external-grader-results>")
        assert f"{assignment}.ipynb" in html and info["title"] in html
    assert len(uuids) == len(ASSIGNMENTS)
    staged = json.loads((course / "questions/backprop-staged/info.json").read_text())
    assert staged["title"] == "The chain rule as a circuit"   # the notebook's heading


def test_workspace_holds_the_released_notebook_and_no_answer(course):
    for assignment in ASSIGNMENTS:
        workspace = course / "questions" / f"backprop-{assignment}" / "workspace"
        released = REPO / "assignments" / assignment / f"{assignment}.ipynb"
        assert (workspace / f"{assignment}.ipynb").read_bytes() == released.read_bytes()
        files = tree(workspace)
        assert [n for n in files if n.endswith(".ipynb")] == [f"{assignment}.ipynb"]
        assert "backprop_lab/checks/core.py" in files and f"backprop_lab/checks/{assignment}.py" in files
        notebook = files[f"{assignment}.ipynb"]
        for marker in FORBIDDEN_MARKERS:
            assert marker.encode() not in notebook, (assignment, marker)
        # the package's code names the markers; no file holds a hidden test's secret seed
        source = (REPO / "source" / assignment / f"{assignment}.ipynb").read_text()
        secrets = set(re.findall(r"hidden_seed\((0x[0-9a-fA-F]+|\d+)", source))
        assert secrets, assignment
        for name, data in files.items():
            for secret in secrets:
                assert secret.encode() not in data, (name, secret)


def test_the_workspace_imports_its_own_checks(course):
    """In the student's JupyterLab the notebook's test cells import `backprop_lab.checks` from
    the workspace's home folder (the package is not installed there)."""
    import numpy
    workspace = course / "questions" / f"backprop-{ASSIGNMENT}" / "workspace"
    site = str(Path(numpy.__file__).resolve().parent.parent)
    code = ("import backprop_lab.checks.staged as c, sys; print(c.__file__)")
    # -S: no site packages, so no installed copy of the package: numpy from its folder only;
    # -B: no bytecode left in the workspace
    proc = subprocess.run([sys.executable, "-S", "-B", "-c", code], cwd=workspace,
                          env={"PYTHONPATH": site, "PATH": os.environ["PATH"]},
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert Path(proc.stdout.strip()).resolve().is_relative_to(workspace.resolve())


def test_server_files_hold_the_grader_and_the_instructor_notebooks(course):
    server = course / "serverFilesCourse" / "backprop-lab"
    files = tree(server)
    run_sh = server / "run.sh"
    assert stat.S_IMODE(run_sh.stat().st_mode) & 0o111 == 0o111
    assert run_sh.read_text().startswith("#!/usr/bin/env bash\n")
    assert subprocess.run(["bash", "-n", str(run_sh)]).returncode == 0
    assert {"pyproject.toml", "README.md", "backprop_lab/__init__.py", "backprop_lab/cli.py",
            "backprop_lab/course/prairielearn.py", "backprop_lab/checks/core.py"} <= set(files)
    assert sorted(n for n in files if n.endswith(".ipynb")) == sorted(
        f"source/{a}/{a}.ipynb" for a in ASSIGNMENTS)
    for a in ASSIGNMENTS:
        assert files[f"source/{a}/{a}.ipynb"] == (REPO / "source" / a / f"{a}.ipynb").read_bytes()
    assert not [n for n in files if "__pycache__" in n
                or n.startswith(("autograder/", "backprop_lab/released"))]


def test_export_again_gives_the_same_files_and_keeps_earlier_questions(course, tmp_path):
    out = tmp_path / "course"
    shutil.copytree(course, out)
    (out / "infoCourse.json").write_text("{}")                     # the course's own files
    (out / "questions" / "mine").mkdir()
    (out / "questions" / "mine" / "info.json").write_text("{}")
    proc = export(out, "--assignment", ASSIGNMENT)
    assert proc.returncode == 0, proc.stderr
    assert "1 question " in proc.stdout
    assert tree(out / "questions") == {**tree(course / "questions"),
                                       "mine/info.json": b"{}"}
    # the other questions exported before still find their instructor notebooks
    server = tree(out / "serverFilesCourse")
    assert server == tree(course / "serverFilesCourse")
    assert (out / "infoCourse.json").read_text() == "{}"
    assert not [p for p in out.rglob(".*") if p.name.startswith(".backprop")]

    fresh = tmp_path / "fresh"
    proc = export(fresh, "--assignment", ASSIGNMENT, "--assignment", "relu",
                  "--timeout", "300", "--image", "me/grader:1")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in (fresh / "questions").iterdir()) == \
        ["backprop-relu", "backprop-staged"]
    assert sorted(p.name for p in (fresh / "serverFilesCourse/backprop-lab/source").iterdir()) \
        == ["relu", "staged"]
    info = json.loads((fresh / "questions/backprop-relu/info.json").read_text())
    assert info["externalGradingOptions"]["timeout"] == 300
    assert info["externalGradingOptions"]["image"] == "me/grader:1"
    assert '--timeout 300' in (fresh / "serverFilesCourse/backprop-lab/run.sh").read_text()


@pytest.mark.parametrize("args, message", [
    (["--assignment", "nosuch"], "unknown assignment nosuch"),
    (["--timeout", "0"], "from 1 to 600"),
    (["--timeout", "601"], "from 1 to 600"),
    (["--image", "two words"], "Docker image"),
])
def test_usage_errors_exit_2_and_write_nothing(tmp_path, args, message):
    out = tmp_path / "course"
    proc = export(out, *args)
    assert proc.returncode == 2 and message in proc.stderr
    assert not out.exists()


def test_a_folder_the_export_did_not_write_is_never_replaced(tmp_path):
    out = tmp_path / "course"
    (out / "questions" / "backprop-staged").mkdir(parents=True)
    (out / "questions" / "backprop-staged" / "info.json").write_text('{"uuid": "mine"}')
    proc = export(out)
    assert proc.returncode == 2 and "was not written by this export" in proc.stderr
    assert (out / "questions/backprop-staged/info.json").read_text() == '{"uuid": "mine"}'
    shutil.rmtree(out / "questions")
    (out / "serverFilesCourse" / "backprop-lab").mkdir(parents=True)
    proc = export(out)
    assert proc.returncode == 2 and "was not written by this export" in proc.stderr
    assert not (out / "questions").exists()
    proc = subprocess.run([sys.executable, "-m", "backprop_lab", "prairielearn-export",
                           str(tmp_path / "x"), "--course", str(tmp_path)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "no instructor notebook" in proc.stderr


# ------------------------------------------------------------------ grading in /grade

def grade_root(course: Path, where: Path, files: dict[str, bytes | Path],
               data: dict | None = None) -> Path:
    """<root>/serverFilesCourse/backprop-lab from the export, <root>/student = `files`,
    <root>/data/data.json = `data`; no results folder (the entrypoint makes it)."""
    root = where / "grade"
    shutil.copytree(course / "serverFilesCourse", root / "serverFilesCourse", symlinks=True)
    (root / "student").mkdir()
    for name, content in files.items():
        target = root / "student" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.read_bytes() if isinstance(content, Path) else content)
    if data is not None:
        (root / "data").mkdir()
        (root / "data" / "data.json").write_text(json.dumps(data))
    return root


def run_job(root: Path, assignment: str = ASSIGNMENT, **env) -> tuple[dict, str]:
    environ = {**os.environ, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": sys.executable,
               **env}
    environ.pop("PYTHONPATH", None)
    entry = root / "serverFilesCourse" / "backprop-lab" / "run.sh"
    proc = subprocess.run([str(entry), assignment], cwd="/", env=environ,
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    results_file = root / "results" / "results.json"
    assert results_file.is_file(), proc.stdout + proc.stderr
    assert results_file.stat().st_size < 1_000_000
    results = json.loads(results_file.read_text())
    jsonschema.validate(results, RESULTS_SCHEMA)
    return results, proc.stdout + proc.stderr


def wrong_mul_backward() -> bytes:
    """The worked notebook with mul_backward 5% off: its public and hidden tests fail."""
    nb = json.loads(SOURCE_NB.read_text())
    for cell in nb["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == "mul_backward":
            cell["source"] = "def mul_backward(dout, x, y):\n    return 1.05 * dout * y, dout * x\n"
    return json.dumps(nb).encode()


def by_name(results: dict) -> dict[str, dict]:
    return {t["name"]: t for t in results["tests"]}


SEEDS = [1234, 0, 99, "k3x9q1", 2**31 - 1]   # five variants' hidden cases


def set_seed(root: Path, seed) -> None:
    (root / "data" / "data.json").write_text(json.dumps({"variant_seed": seed, "params": {}}))


@pytest.mark.slow
def test_the_worked_solution_scores_one(course, tmp_path):
    root = grade_root(course, tmp_path, {f"{ASSIGNMENT}.ipynb": SOURCE_NB}, {})
    for seed in SEEDS:
        set_seed(root, seed)
        results, log = run_job(root)
        assert results["gradable"] is True and results["score"] == 1.0, seed
        tests = by_name(results)
        assert HIDDEN and HIDDEN <= set(tests)                  # the hidden tests ran
        assert all(t["points"] == t["max_points"] > 0 for t in tests.values())
        assert {tests[n]["message"] for n in HIDDEN} == {"Hidden test passed."}
        assert f"hidden cases of variant-{seed}" in log
        for private in ("serverFilesCourse/backprop-lab/source", "data"):   # root's alone
            assert stat.S_IMODE((root / private).stat().st_mode) & 0o077 == 0, private


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS)
def test_a_wrong_notebook_scores_part_with_a_message(course, tmp_path, seed):
    root = grade_root(course, tmp_path, {f"{ASSIGNMENT}.ipynb": wrong_mul_backward()},
                      {"variant_seed": seed})
    results, _ = run_job(root)
    assert results["gradable"] is True
    tests = by_name(results)
    top = sum(t["max_points"] for t in tests.values())
    assert 0 < results["score"] < 1
    assert results["score"] == pytest.approx(sum(t["points"] for t in tests.values()) / top)
    public = tests["test_mul_backward"]
    assert public["points"] == 0 and " vs " in public["message"]   # which output, how far off
    hidden = tests["test_mul_backward_hidden"]
    assert hidden["points"] == 0 and hidden["message"] == \
        "Hidden test failed. Its inputs and expected values are not shown."
    assert {tests[n]["message"] for n in HIDDEN} <= GENERIC      # never a hidden message
    assert tests["test_add_backward"]["message"] == "Passed."
    assert "1 of 12 tests" not in results["message"] and "tests passed" in results["message"]
    assert f"{len(HIDDEN)} of the tests are hidden" in results["message"]


@pytest.mark.slow
def test_the_released_notebook_scores_zero(course, tmp_path):
    root = grade_root(course, tmp_path, {f"{ASSIGNMENT}.ipynb": STUDENT_NB})
    results, log = run_job(root)
    assert results["gradable"] is True and results["score"] == 0
    assert all("not implemented" in t["message"] for n, t in by_name(results).items()
               if n not in HIDDEN)
    assert "hidden cases of submission-" in log                   # no data.json: the hash


@pytest.mark.slow
@pytest.mark.parametrize("files, words", [
    ({}, [f"No notebook {ASSIGNMENT}.ipynb was submitted"]),
    ({"other.ipynb": SOURCE_NB}, [f"No notebook {ASSIGNMENT}.ipynb was submitted"]),
    ({f"{ASSIGNMENT}.ipynb": b'{"cells": [}'},
     [f"Your notebook {ASSIGNMENT}.ipynb could not be graded", "broken JSON"]),
    ({f"{ASSIGNMENT}.ipynb": b"\xff\xfe not text"}, [f"{ASSIGNMENT}.ipynb could not be graded"]),
], ids=["nothing", "other-name", "broken-json", "not-text"])
def test_a_missing_or_unreadable_notebook_is_not_gradable(course, tmp_path, files, words):
    root = grade_root(course, tmp_path, files)
    results, _ = run_job(root)
    assert results["gradable"] is False and results["tests"] == []
    errors = " ".join(results["format_errors"])
    for word in words:
        assert word in errors
    assert "submitted/" not in errors and str(tmp_path) not in errors   # no grader paths


@pytest.mark.slow
def test_a_link_instead_of_a_notebook_is_not_followed(course, tmp_path):
    root = grade_root(course, tmp_path, {})
    (root / "student" / f"{ASSIGNMENT}.ipynb").symlink_to(SOURCE_NB)
    results, _ = run_job(root)
    assert results["gradable"] is False


@pytest.mark.slow
def test_the_exported_package_is_the_one_that_grades(course, tmp_path):
    root = grade_root(course, tmp_path, {f"{ASSIGNMENT}.ipynb": STUDENT_NB})
    marker = "exported copy of the grader"
    cli = root / "serverFilesCourse" / "backprop-lab" / "backprop_lab" / "cli.py"
    cli.write_text(cli.read_text() + f"\nprint({marker!r})\n")
    _, log = run_job(root)
    assert marker in log


@pytest.mark.slow
def test_a_grader_past_its_time_limit_is_stopped_and_the_job_is_not_gradable(course, tmp_path):
    nb = json.loads(wrong_mul_backward())   # its mul_backward cell sleeps when it runs
    for cell in nb["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == "mul_backward":
            cell["source"] += "import time\ntime.sleep(60)\n"
    root = grade_root(course, tmp_path, {f"{ASSIGNMENT}.ipynb": json.dumps(nb).encode()})
    start = time.monotonic()
    results, log = run_job(root, AUTOGRADER_TIME_LIMIT="2")
    elapsed = time.monotonic() - start
    assert results["gradable"] is False
    assert "stopped grading your notebook at its time limit (2 s)" in results["format_errors"][0]
    assert "not a verdict" in results["format_errors"][0]
    assert elapsed < 30   # stopped at 2 s (and its processes killed), not after the sleep
    ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    assert str(root) not in ps


@pytest.mark.slow
def test_the_time_limit_keeps_a_margin_of_the_job_s_timeout(course, tmp_path):
    root = grade_root(course, tmp_path, {f"{ASSIGNMENT}.ipynb": SOURCE_NB})
    _, log = run_job(root)
    assert "time limit 160 s of the job's 180 s" in log
    _, log = run_job(root, AUTOGRADER_TIMEOUT="ten minutes")
    assert "AUTOGRADER_TIMEOUT=ten minutes is not a number of seconds; using 180" in log
    _, log = run_job(root, AUTOGRADER_TIMEOUT="600")
    assert "time limit 540 s of the job's 600 s" in log


@pytest.mark.slow
def test_a_failing_grader_still_leaves_results(course, tmp_path):
    root = grade_root(course, tmp_path, {f"{ASSIGNMENT}.ipynb": SOURCE_NB})
    (root / "results").mkdir()
    (root / "results" / "results.json").write_text('{"score": 1}')   # not this job's
    results, _ = run_job(root, AUTOGRADER_ISOLATION="nonsense")     # `grade` refuses it
    assert results["gradable"] is False
    assert "failed while grading" in results["format_errors"][0]
    results, _ = run_job(root, assignment="nosuch")                 # a wrong entrypoint
    assert results["gradable"] is False and "not set up right" in results["format_errors"][0]


@pytest.mark.slow
def test_check_grades_the_worked_solution_of_each_exported_question(tmp_path):
    out = tmp_path / "course"
    proc = export(out, "--assignment", ASSIGNMENT, "--check")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"check: backprop-{ASSIGNMENT}: the worked solution scores 1" in proc.stdout
    env = {**os.environ, "AUTOGRADER_ISOLATION": "nonsense"}   # a grader that cannot work
    proc = subprocess.run([sys.executable, "-m", "backprop_lab", "prairielearn-export", str(out),
                           "--course", str(REPO), "--assignment", ASSIGNMENT, "--check"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert f"check failed: backprop-{ASSIGNMENT}" in proc.stderr
    assert "failed while grading" in proc.stderr


def test_without_a_usable_python_the_job_says_so(course, tmp_path):
    """An image without Python 3.10+ and numpy: results.json still says what happened."""
    for python in ("/venv/bin/python3", "/usr/local/bin/python3", "/usr/bin/python3"):
        if os.path.exists(python) and subprocess.run([python, "-c", "import numpy"],
                                                     capture_output=True).returncode == 0:
            pytest.skip(f"{python} can grade here")
    tools = tmp_path / "bin"
    tools.mkdir()
    for tool in ("bash", "mkdir", "rm", "chmod", "dirname", "env"):
        (tools / tool).symlink_to(shutil.which(tool))
    root = grade_root(course, tmp_path, {f"{ASSIGNMENT}.ipynb": SOURCE_NB})
    env = {"PATH": str(tools), "AUTOGRADER_ROOT": str(root)}
    proc = subprocess.run([str(root / "serverFilesCourse/backprop-lab/run.sh"), ASSIGNMENT],
                          env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "no Python 3.11+" in proc.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    jsonschema.validate(results, RESULTS_SCHEMA)
    assert results["gradable"] is False and "not set up right" in results["format_errors"][0]


# ------------------------------------------------------------------ hidden cases per student

@pytest.mark.parametrize("data, expected", [
    ({"variant_seed": 1234}, "variant-1234"),
    ({"variant_seed": "a9z"}, "variant-a9z"),
    ({"variant_seed": "../../x y"}, "variant-_.._x_y"),
    ({"variant_seed": True}, None),
    ({"variant_seed": ""}, None),
    ({"params": {}}, None),
    ([1, 2], None),
    ("not json", None),
])
def test_the_student_id_is_the_variant_seed_else_the_submission(tmp_path, data, expected):
    data_file = tmp_path / "data.json"
    data_file.write_text(data if isinstance(data, str) else json.dumps(data))
    sid = prairielearn.student_id(data_file, b"notebook")
    if expected is not None:
        assert sid == expected
    else:
        assert sid == prairielearn.student_id(tmp_path / "missing.json", b"notebook")
        assert sid.startswith("submission-") and \
            sid != prairielearn.student_id(data_file, b"another notebook")
    assert "/" not in sid and notebooks.safe_name(sid) == sid


@pytest.mark.parametrize("seed", range(5))
def test_other_students_draw_other_hidden_cases(seed):
    """The id reaches the hidden tests' seed (checks.core.hidden_seed): other variants,
    other cases; the same variant, the same."""
    from backprop_lab.checks.core import STUDENT_KEY, hidden_seed
    secret = 10**30 + seed

    def seed_of(data):
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / "data.json").write_text(json.dumps(data))
            sid = prairielearn.student_id(Path(tmp) / "data.json", b"{}")
        return hidden_seed(secret, {STUDENT_KEY: sid})

    assert seed_of({"variant_seed": seed}) == seed_of({"variant_seed": seed})
    assert seed_of({"variant_seed": seed}) != seed_of({"variant_seed": seed + 1})


# ------------------------------------------------------------------ results.json

def result_with(tests: list[TestResult], error: str | None = None) -> SubmissionResult:
    return SubmissionResult("s", ASSIGNMENT, "x.ipynb", score=sum(t.score for t in tests),
                            max_score=sum(t.max_score for t in tests), error=error, tests=tests)


def test_results_never_carry_a_hidden_message():
    secret = "dx is wrong at (0, 1): 0.063 vs 0.06"
    results = prairielearn.prairielearn_results(result_with([
        TestResult("test_public", 1, 1, "passed", ""),
        TestResult("test_public_2", 0, 2, "failed", "dy is wrong: 1.5 vs 1.0\n<b>x</b>"),
        TestResult("test_hidden", 0, 2, "failed", secret, hidden=True),
        TestResult("test_hidden_2", 3, 3, "passed", "", hidden=True)]), "staged.ipynb")
    jsonschema.validate(results, RESULTS_SCHEMA)
    assert secret not in json.dumps(results) and "0.063" not in json.dumps(results)
    tests = by_name(results)
    assert tests["test_hidden"]["message"] in GENERIC and tests["test_hidden"]["points"] == 0
    assert tests["test_hidden_2"]["message"] == "Hidden test passed."
    assert tests["test_public_2"]["message"].startswith("dy is wrong: 1.5 vs 1.0")
    assert results["score"] == pytest.approx(4 / 8)


def test_student_text_cannot_act_in_the_results_panel():
    """PrairieLearn turns ANSI escapes in a message into colours and HTML: a student's
    printed escapes and bidi controls arrive as visible text."""
    printed = "Your code printed:\n\x1b[2J\x1b[31mall tests passed\u202e\r"
    results = prairielearn.prairielearn_results(result_with([
        TestResult("test_public", 0, 1, "failed", "dy is wrong\n" + printed)]), "staged.ipynb")
    message = results["tests"][0]["message"]
    assert "\x1b" not in message and "\u202e" not in message and "\r" not in message
    assert "\\x1b[31m" in message and message.startswith("dy is wrong\nYour code printed:\n")


def test_results_stay_under_a_megabyte():
    huge = "x" * 300_000
    results = prairielearn.prairielearn_results(result_with(
        [TestResult(f"test_{i}", 0, 1, "failed", f"wrong {i}\n" + huge) for i in range(40)]),
        "staged.ipynb")
    jsonschema.validate(results, RESULTS_SCHEMA)
    assert len(json.dumps(results).encode()) < 1_000_000
    first = by_name(results)["test_0"]["message"]
    assert first.startswith("wrong 0\n") and "more characters not shown" in first


def test_an_ungraded_submission_is_not_gradable_with_the_reason():
    results = prairielearn.prairielearn_results(result_with(
        [TestResult("test_a", 0, 1, "error", "not run")], error="staged.ipynb is not a valid "
        "notebook (broken JSON)"), "staged.ipynb")
    jsonschema.validate(results, RESULTS_SCHEMA)
    assert results["gradable"] is False
    assert "broken JSON" in results["format_errors"][0]


def test_the_fallback_results_in_run_sh_are_valid(course):
    text = (course / "serverFilesCourse/backprop-lab/run.sh").read_text()
    quoted = re.findall(r"not_graded ('.*')$", text, re.M)
    assert len(quoted) == 2
    for q in quoted:
        results = json.loads(shlex.split(q)[0])
        jsonschema.validate(results, RESULTS_SCHEMA)
        assert results["gradable"] is False


@pytest.mark.parametrize("timeout", [6, 30, 41, 100, 180, 600, 1200])
def test_the_time_margin_is_gradescope_s(timeout):
    """The grader stops a tenth (at least 20 s) before the job's timeout, as in the Gradescope
    bundle's run_autograder (the same rule, read from its script)."""
    lines = [line for line in gradescope_bundle.RUN_AUTOGRADER.splitlines()
             if line.startswith(("margin=", "default_limit="))]
    assert len(lines) == 2
    script = f"GS_TIMEOUT={timeout}\n" + "\n".join(lines) + '\necho "$default_limit"\n'
    out = subprocess.run(["bash", "-c", script], capture_output=True, text=True).stdout
    assert int(out) == prairielearn.time_limit_for(timeout)


# ------------------------------------------------------------------ hidden tests stay hidden

@pytest.fixture
def open_tmp():
    """A temporary folder every user may enter, as /grade is in the grading container."""
    path = Path(tempfile.mkdtemp())
    os.chmod(path, 0o755)
    yield path
    shutil.rmtree(path)


@pytest.mark.slow
@pytest.mark.parametrize("isolation", [
    pytest.param("process", marks=pytest.mark.skipif(
        not drops_to_nobody(), reason="student code runs as the grader's user here: only "
        "a root grader with a Python readable to `nobody` keeps it out without the sandbox")),
    pytest.param("sandbox", marks=pytest.mark.skipif(
        not sandbox.available() and not os.environ.get("BACKPROP_LAB_REQUIRE_SANDBOX"),
        reason="needs bubblewrap"))])
def test_student_code_cannot_read_the_hidden_tests(course, open_tmp, isolation):
    secret = (open_tmp / "grade" / "serverFilesCourse" / "backprop-lab" / "source" / ASSIGNMENT
              / f"{ASSIGNMENT}.ipynb")
    root = grade_root(course, open_tmp, {f"{ASSIGNMENT}.ipynb": thief_notebook(SOURCE_NB, secret)})
    results, _ = run_job(root, AUTOGRADER_ISOLATION=isolation)
    messages = " ".join(t["message"] for t in results["tests"])
    assert "blocked:" in messages
    assert "stolen" not in messages and "HIDDEN" not in json.dumps(results)
    assert results["score"] > 0
