"""`python -m backprop_lab gradescope-bundle`: the zip, and run_autograder in Gradescope's layout.

Gradescope unpacks the bundle into <root>/source, puts the submission in <root>/submission,
copies run_autograder to <root>/run_autograder and runs it from <root>; run_autograder must
write <root>/results/results.json (https://gradescope-autograders.readthedocs.io/en/latest/specs/).
Here <root> is a temporary folder (AUTOGRADER_ROOT) and the grader runs on this interpreter.
"""
import json
import os
import shutil
import stat
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path

import jsonschema
import pytest

from backprop_lab.course import gradescope_bundle
from backprop_lab import notebooks
from backprop_lab.isolation import sandbox
from backprop_lab.isolation.launcher import drops_to_nobody
from backprop_lab.assignments import ASSIGNMENTS
from backprop_lab.notebooks import HIDDEN_MARKER
from hostile import thief_notebook

REPO = Path(__file__).resolve().parent.parent
ASSIGNMENT = "staged"
SOURCE_NB = REPO / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
STUDENT_NB = REPO / "assignments" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"

# Gradescope's results.json, from its documented output format (specs page above). The docs
# make every field optional; the grader promises these, so they are required here.
VISIBILITY = {"enum": ["hidden", "after_due_date", "after_published", "visible"]}
FORMAT = {"enum": ["text", "simple_format", "html", "md", "ansi"]}
RESULTS_SCHEMA = {
    "type": "object",
    "required": ["score", "output", "visibility", "stdout_visibility", "tests"],
    "additionalProperties": False,
    "properties": {
        "score": {"type": "number"},
        "execution_time": {"type": "number"},
        "output": {"type": "string"},
        "output_format": FORMAT,
        "test_output_format": FORMAT,
        "test_name_format": FORMAT,
        "visibility": VISIBILITY,
        "stdout_visibility": VISIBILITY,
        "extra_data": {"type": "object"},
        "leaderboard": {"type": "array"},
        "tests": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "score", "max_score", "status", "output", "visibility"],
                "additionalProperties": False,
                "properties": {
                    "name": {"type": "string", "minLength": 1},
                    "name_format": FORMAT,
                    "number": {"type": "string"},
                    "score": {"type": "number"},
                    "max_score": {"type": "number"},
                    "status": {"enum": ["passed", "failed"]},
                    "output": {"type": "string"},
                    "output_format": FORMAT,
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "visibility": VISIBILITY,
                    "extra_data": {"type": "object"},
                },
            },
        },
    },
}


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    """The bundle of the real course's `staged`, built by the CLI with its default name."""
    where = tmp_path_factory.mktemp("bundle")
    proc = subprocess.run([sys.executable, "-m", "backprop_lab", "gradescope-bundle", ASSIGNMENT,
                           "--course", str(REPO)], cwd=where, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    path = where / f"gradescope-{ASSIGNMENT}.zip"
    assert path.is_file(), proc.stdout
    return path


def unpack(bundle: Path, dest: Path) -> None:
    """Unpack with the permission bits the zip records, as unzip does (zipfile drops them)."""
    with zipfile.ZipFile(bundle) as zf:
        for info in zf.infolist():
            target = Path(zf.extract(info, dest))
            mode = info.external_attr >> 16
            if mode:
                target.chmod(stat.S_IMODE(mode))


def test_bundle_holds_the_scripts_the_package_and_only_this_instructor_notebook(bundle):
    with zipfile.ZipFile(bundle) as zf:
        infos = {i.filename: i for i in zf.infolist()}
        notebook = zf.read(f"source/{ASSIGNMENT}/{ASSIGNMENT}.ipynb")
    names = set(infos)
    for script in ("setup.sh", "run_autograder"):   # at the top level, executable
        assert script in names
        assert (infos[script].external_attr >> 16) & 0o111 == 0o111, script
    # the package under its import name, backprop_lab/ (its folder here is autograder/)
    assert {"pyproject.toml", "README.md", "backprop_lab/__init__.py", "backprop_lab/__main__.py",
            "backprop_lab/cli.py", "backprop_lab/grading.py", "backprop_lab/isolation/child.py",
            "backprop_lab/checks/core.py", f"backprop_lab/checks/{ASSIGNMENT}.py"} <= names
    package = {"backprop_lab/" + p.relative_to(REPO / "autograder").as_posix()
               for p in (REPO / "autograder").rglob("*.py") if "__pycache__" not in p.parts}
    assert package <= names
    assert not [n for n in names if "__pycache__" in n or n.endswith((".pyc", ".pyo"))]
    # the instructor notebook of this assignment, byte for byte, hidden tests and all
    assert notebook == SOURCE_NB.read_bytes() and HIDDEN_MARKER.encode() in notebook
    assert [n for n in names if n.endswith(".ipynb")] == [
        f"source/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"]
    assert not [n for n in names if n.startswith(("solutions/", "assignments/", "submitted/"))]
    assert not [n for n in names for other in ASSIGNMENTS
                if other != ASSIGNMENT and n.startswith(f"source/{other}")]
    assert all(i.date_time == infos["setup.sh"].date_time for i in infos.values())


def test_scripts_are_valid_bash(bundle, tmp_path):
    unpack(bundle, tmp_path)
    for script in ("setup.sh", "run_autograder"):
        text = (tmp_path / script).read_text()
        assert text.startswith("#!/usr/bin/env bash\n") and "\r" not in text
        assert f'ASSIGNMENT="{ASSIGNMENT}"' in text
        proc = subprocess.run(["bash", "-n", str(tmp_path / script)], capture_output=True,
                              text=True)
        assert proc.returncode == 0, proc.stderr
    setup = (tmp_path / "setup.sh").read_text()
    assert "apt-get install -y --no-install-recommends bubblewrap" in setup
    assert 'pip install "$BUNDLE"' in setup


def test_bundled_sources_build_offline(bundle, tmp_path):
    """pyproject.toml, the readme it names and autograder/ make a source distribution with
    the package and its dependencies: what setup.sh pip-installs."""
    src, out = tmp_path / "src", tmp_path / "out"
    unpack(bundle, src)
    out.mkdir()
    build = ("import sys\nfrom setuptools import build_meta\n"
             "print(build_meta.build_sdist(sys.argv[1]))")
    proc = subprocess.run([sys.executable, "-c", build, str(out)], cwd=src, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with tarfile.open(out / proc.stdout.split()[-1]) as tf:
        members = {m.name.split("/", 1)[1]: m for m in tf.getmembers() if "/" in m.name}
        metadata = tf.extractfile(members["PKG-INFO"]).read().decode()
        requires = tf.extractfile(members["backprop_lab.egg-info/requires.txt"]).read().decode()
    assert {"pyproject.toml", "README.md", "backprop_lab/cli.py",
            "backprop_lab/course/gradescope_bundle.py", f"backprop_lab/checks/{ASSIGNMENT}.py"} <= set(members)
    assert not [n for n in members if n.endswith(".ipynb")]
    assert "Name: backprop-lab" in metadata
    # setup.sh installs what grading needs, numpy; the course tooling is an extra
    sections: dict[str, list[str]] = {"": []}   # requires.txt: "[extra:marker]" heads
    section = ""
    for line in filter(None, map(str.strip, requires.splitlines())):
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            sections[section] = []
        else:
            sections[section].append(line)
    assert sections[""] == ["numpy>=1.26"]
    assert sections[':python_version < "3.11"'] == ["tomli>=1.1"]
    assert {"nbgrader>=0.9.1", "jupyterlab>=4", "matplotlib>=3.8"} <= set(sections["student"])
    assert "backprop-lab[student]" in sections["course"]
    assert "Requires-Python: >=3.10" in metadata


def test_pyproject_from_metadata_reinstalls_the_distribution():
    """For a package installed without its source tree: name, version, dependencies."""
    import tomllib

    made = tomllib.loads(gradescope_bundle.pyproject_from_metadata())
    ours = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert made["project"]["name"] == ours["project"]["name"]
    assert made["project"]["version"] == ours["project"]["version"]
    assert sorted(made["project"]["dependencies"]) == sorted(ours["project"]["dependencies"])
    assert made["tool"]["setuptools"]["packages"]["find"]["include"] == ["backprop_lab*"]


@pytest.mark.parametrize("args, message", [
    (["nosuch"], "unknown assignment"),
    ([ASSIGNMENT, "--course", "{tmp}"], "no instructor notebook"),
])
def test_usage_errors_exit_2(tmp_path, args, message):
    args = [a.format(tmp=tmp_path) for a in args]
    proc = subprocess.run([sys.executable, "-m", "backprop_lab", "gradescope-bundle", *args],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and message in proc.stderr
    assert not list(tmp_path.glob("*.zip"))


# ------------------------------------------------------------------ run_autograder

def gradescope_root(bundle: Path, tmp_path: Path, files: dict[str, bytes | Path],
                    metadata: dict | None = None) -> Path:
    """<root>/source = the unpacked bundle, <root>/submission = `files`, <root>/results/,
    and <root>/submission_metadata.json when `metadata` is given."""
    root = tmp_path / "autograder"
    unpack(bundle, root / "source")
    if metadata is not None:
        (root / "submission_metadata.json").write_text(json.dumps(metadata))
    shutil.copy2(root / "source" / "run_autograder", root / "run_autograder")
    (root / "submission").mkdir()
    (root / "results").mkdir()
    for name, content in files.items():
        target = root / "submission" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.read_bytes() if isinstance(content, Path) else content)
    return root


def run_autograder(root: Path, **env) -> tuple[dict, subprocess.CompletedProcess]:
    environ = {**os.environ, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": sys.executable,
               **env}
    environ.pop("PYTHONPATH", None)
    proc = subprocess.run([str(root / "run_autograder")], cwd=root, env=environ,
                          capture_output=True, text=True, timeout=120)
    results_file = root / "results" / "results.json"
    assert results_file.is_file(), proc.stdout + proc.stderr
    results = json.loads(results_file.read_text())
    jsonschema.validate(results, RESULTS_SCHEMA)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return results, proc


def max_score(results: dict) -> float:
    return sum(t["max_score"] for t in results["tests"])


@pytest.mark.parametrize("files", [
    {f"{ASSIGNMENT}.ipynb": SOURCE_NB},
    # a re-upload renamed by the browser, in a folder, next to an editor checkpoint
    {f"work/{ASSIGNMENT} (1).ipynb": SOURCE_NB,
     f"work/.ipynb_checkpoints/{ASSIGNMENT}-checkpoint.ipynb": STUDENT_NB,
     "__MACOSX/work/._staged (1).ipynb": b"\0\0"},
], ids=["named", "renamed"])
def test_worked_notebook_gets_full_marks(bundle, tmp_path, files):
    root = gradescope_root(bundle, tmp_path, files)
    results, proc = run_autograder(root)
    assert results["tests"] and max_score(results) > 0
    assert results["score"] == max_score(results), proc.stdout
    assert {t["status"] for t in results["tests"]} == {"passed"}
    hidden = {t.grade_id for t in notebooks.tests_of(notebooks.read_notebook(SOURCE_NB))
              if t.hidden}
    assert hidden and hidden <= {t["name"] for t in results["tests"]}   # hidden tests ran
    assert f"as {ASSIGNMENT}.ipynb" in proc.stdout


def test_released_student_notebook_scores_zero_and_says_what_is_missing(bundle, tmp_path):
    root = gradescope_root(bundle, tmp_path, {f"{ASSIGNMENT}.ipynb": STUDENT_NB})
    results, _ = run_autograder(root)
    assert results["score"] == 0 and max_score(results) > 0
    assert {t["status"] for t in results["tests"]} == {"failed"}
    assert all("not implemented" in t["output"] for t in results["tests"])


def test_bundled_package_is_the_one_that_grades(bundle, tmp_path):
    root = gradescope_root(bundle, tmp_path, {f"{ASSIGNMENT}.ipynb": STUDENT_NB})
    marker = "bundled copy of the grader"
    cli = root / "source" / "backprop_lab" / "cli.py"
    cli.write_text(cli.read_text() + f"\nprint({marker!r})\n")
    _, proc = run_autograder(root)
    assert marker in proc.stdout


@pytest.mark.parametrize("files, words", [
    ({}, ["No notebook", f"{ASSIGNMENT}.ipynb"]),
    ({"README.txt": b"my notebook is attached", ".ipynb_checkpoints/x-checkpoint.ipynb": b"{}"},
     ["No notebook", f"{ASSIGNMENT}.ipynb"]),
    ({"a.ipynb": b"{}", "b/c.ipynb": b"{}"}, ["2 notebooks", "a.ipynb, b/c.ipynb", "not clear"]),
    ({f"{ASSIGNMENT}.ipynb": b"{}", f"old/{ASSIGNMENT}.ipynb": b"{}"},
     [f"2 notebooks named {ASSIGNMENT}.ipynb", f"old/{ASSIGNMENT}.ipynb", "not clear"]),
], ids=["empty", "no-notebook", "two-notebooks", "two-named"])
def test_nothing_clear_to_grade_scores_zero_with_a_message(bundle, tmp_path, files, words):
    root = gradescope_root(bundle, tmp_path, files)
    results, _ = run_autograder(root)
    assert results["score"] == 0 and results["tests"] == []
    for word in words:
        assert word in results["output"]


def test_broken_notebook_scores_zero_and_says_why(bundle, tmp_path):
    root = gradescope_root(bundle, tmp_path, {f"{ASSIGNMENT}.ipynb": b'{"cells": [}'})
    results, _ = run_autograder(root)
    assert results["score"] == 0
    assert "could not be graded" in results["output"] and "broken JSON" in results["output"]


def test_a_crashing_grader_still_leaves_results(bundle, tmp_path):
    root = gradescope_root(bundle, tmp_path, {f"{ASSIGNMENT}.ipynb": SOURCE_NB})
    (root / "results" / "results.json").write_text('{"score": 17}')   # not this run's
    results, _ = run_autograder(root, AUTOGRADER_PYTHON="false")
    assert results["score"] == 0 and results["tests"] == []
    assert "failed while grading" in results["output"]


def test_a_grader_past_the_time_limit_is_stopped_and_leaves_results(bundle, tmp_path):
    root = gradescope_root(bundle, tmp_path, {f"{ASSIGNMENT}.ipynb": SOURCE_NB})
    slow = tmp_path / "slow-python"
    slow.write_text("#!/bin/sh\nexec sleep 30\n")
    slow.chmod(0o755)
    results, _ = run_autograder(root, AUTOGRADER_PYTHON=str(slow), AUTOGRADER_TIME_LIMIT="1")
    assert results["score"] == 0 and "time limit" in results["output"]


def test_message_with_quotes_and_newlines_is_valid_json(bundle, tmp_path):
    root = gradescope_root(bundle, tmp_path, {'say "hi"\\\tthere.ipynb': b"{}",
                                              "other.ipynb": b"{}"})
    results, _ = run_autograder(root)
    assert 'say "hi"\\\tthere.ipynb' in results["output"]


@pytest.fixture
def open_tmp():
    """A temporary folder every user may enter, as /autograder is on Gradescope."""
    path = Path(tempfile.mkdtemp())
    os.chmod(path, 0o755)
    yield path
    shutil.rmtree(path)


@pytest.mark.parametrize("isolation", [
    pytest.param("process", marks=pytest.mark.skipif(
        not drops_to_nobody(), reason="student code runs as the grader's user here: only "
        "a root grader with a Python readable to `nobody` keeps it out without the sandbox")),
    pytest.param("sandbox", marks=pytest.mark.skipif(
        not sandbox.available() and not os.environ.get("BACKPROP_LAB_REQUIRE_SANDBOX"),
        reason="needs bubblewrap"))])
def test_student_code_cannot_read_the_bundled_hidden_tests(bundle, open_tmp, isolation):
    root = open_tmp / "autograder"
    secret = root / "source" / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    gradescope_root(bundle, open_tmp, {f"{ASSIGNMENT}.ipynb": thief_notebook(SOURCE_NB, secret)})
    results, _ = run_autograder(root, AUTOGRADER_ISOLATION=isolation)
    outputs = " ".join(t["output"] for t in results["tests"])
    assert "blocked:" in outputs
    assert "stolen" not in outputs and "HIDDEN" not in json.dumps(results)
    assert results["score"] > 0   # the other functions still earn their points


# Modules of the course tooling ([course] extra) and of the test suite: grading needs none.
NOT_FOR_GRADING = ["nbgrader", "nbformat", "nbconvert", "traitlets", "jupyter_core",
                   "jupyterlab", "notebook", "matplotlib", "pytest", "jsonschema", "sqlalchemy"]


def test_grading_needs_numpy_only(tmp_path):
    """What setup.sh installs, numpy, is enough for `grade --gradescope`: the course tooling
    cannot be imported in the grader (nor in its worker, which inherits the environment)."""
    blocker = tmp_path / "sitecustomize.py"
    blocker.write_text(
        "import sys\n"
        f"BLOCKED = {NOT_FOR_GRADING!r}\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in BLOCKED:\n"
        "            raise ModuleNotFoundError(f'No module named {name!r} (blocked)')\n"
        "sys.meta_path.insert(0, Block())\n")
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{REPO}"}
    for module in NOT_FOR_GRADING[:2]:   # the blocker works
        proc = subprocess.run([sys.executable, "-c", f"import {module}"], env=env,
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == 1 and "(blocked)" in proc.stderr
    out = tmp_path / "results.json"
    proc = subprocess.run([sys.executable, "-m", "backprop_lab", "grade", str(SOURCE_NB),
                           "--hidden", "--course", str(REPO), "--gradescope", str(out),
                           "--jobs", "1"], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    results = json.loads(out.read_text())
    assert results["tests"] and results["score"] == max_score(results)


# ------------------------------------------------------------------ hidden tests on Gradescope

def wrong_mul_backward() -> bytes:
    """The instructor notebook with a mul_backward 5% off: its public and hidden tests fail
    with "yours vs expected" messages."""
    nb = json.loads(SOURCE_NB.read_text())
    for cell in nb["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == "mul_backward":
            cell["source"] = "def mul_backward(dout, x, y):\n    return 1.05 * dout * y, dout * x\n"
    return json.dumps(nb).encode()


HIDDEN = {t.grade_id for t in notebooks.tests_of(notebooks.read_notebook(SOURCE_NB)) if t.hidden}
GENERIC = {"Hidden test passed.",
           "Hidden test failed. Its inputs and expected values are not shown."}


def test_hidden_tests_are_shown_after_the_due_date_by_default(bundle, tmp_path):
    root = gradescope_root(bundle, tmp_path, {f"{ASSIGNMENT}.ipynb": wrong_mul_backward()})
    results, proc = run_autograder(root)
    tests = {t["name"]: t for t in results["tests"]}
    assert HIDDEN and HIDDEN <= set(tests)
    assert {tests[n]["visibility"] for n in HIDDEN} == {"after_due_date"}
    assert {t["visibility"] for n, t in tests.items() if n not in HIDDEN} == {"visible"}
    # shown after the due date in full (Gradescope holds the whole entry back until then)
    hidden_mul = tests["test_mul_backward_hidden"]
    assert hidden_mul["status"] == "failed" and " vs " in hidden_mul["output"]
    assert tests["test_mul_backward"]["status"] == "failed"
    later = sum(tests[n]["max_score"] for n in HIDDEN)
    assert f"{len(HIDDEN)} hidden tests worth {later:g} points, shown after the due date" \
        in results["output"]
    assert "hidden tests: after_due_date" in proc.stdout


def test_hidden_tests_shown_at_once_give_only_verdict_and_points(bundle, tmp_path):
    root = gradescope_root(bundle, tmp_path, {f"{ASSIGNMENT}.ipynb": wrong_mul_backward()})
    results, _ = run_autograder(root, AUTOGRADER_HIDDEN_VISIBILITY="visible")
    tests = {t["name"]: t for t in results["tests"]}
    assert {t["visibility"] for t in tests.values()} == {"visible"}
    for name in HIDDEN:
        assert tests[name]["output"] in GENERIC
    hidden_mul = tests["test_mul_backward_hidden"]
    assert (hidden_mul["status"], hidden_mul["score"]) == ("failed", 0)
    assert hidden_mul["output"] == "Hidden test failed. Its inputs and expected values are not shown."
    assert tests["test_add_backward_hidden"]["output"] == "Hidden test passed."
    assert tests["test_add_backward_hidden"]["score"] == tests["test_add_backward_hidden"]["max_score"] > 0
    assert " vs " in tests["test_mul_backward"]["output"]   # public tests keep their message
    assert "hidden test" not in results["output"]   # nothing is held back


def test_an_unknown_visibility_at_run_time_falls_back_to_the_bundle_s(bundle, tmp_path):
    root = gradescope_root(bundle, tmp_path, {f"{ASSIGNMENT}.ipynb": SOURCE_NB})
    results, proc = run_autograder(root, AUTOGRADER_HIDDEN_VISIBILITY="everyone")
    assert "is not a Gradescope visibility; using after_due_date" in proc.stdout
    assert {t["visibility"] for t in results["tests"] if t["name"] in HIDDEN} == \
        {"after_due_date"}


def test_bundle_options_set_the_visibility_and_the_time_limit(tmp_path):
    output = tmp_path / "b.zip"
    proc = subprocess.run([sys.executable, "-m", "backprop_lab", "gradescope-bundle", ASSIGNMENT,
                           "--course", str(REPO), "--output", str(output),
                           "--hidden-visibility", "after_published", "--timeout", "1200"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    root = gradescope_root(output, tmp_path, {f"{ASSIGNMENT}.ipynb": SOURCE_NB})
    results, proc = run_autograder(root)
    assert {t["visibility"] for t in results["tests"] if t["name"] in HIDDEN} == \
        {"after_published"}
    assert "shown when grades are published" in results["output"]
    # a tenth of Gradescope's timeout is kept for writing the results
    assert "time limit: 1080 s (the assignment's autograder timeout: 1200 s)" in proc.stdout
    for bad in (["--hidden-visibility", "later"], ["--timeout", "0"]):
        proc = subprocess.run([sys.executable, "-m", "backprop_lab", "gradescope-bundle",
                               ASSIGNMENT, "--course", str(REPO), "--output",
                               str(tmp_path / "bad.zip"), *bad],
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == 2 and not (tmp_path / "bad.zip").exists(), bad


def test_the_grader_stops_before_gradescope_s_timeout_and_results_are_written(bundle,
                                                                                tmp_path):
    """Gradescope kills run_autograder at the assignment's timeout and records nothing: the
    grader is stopped first, a margin before, and the student gets a results.json."""
    root = gradescope_root(bundle, tmp_path, {f"{ASSIGNMENT}.ipynb": SOURCE_NB})
    slow = tmp_path / "slow-python"
    slow.write_text("#!/bin/sh\nexec sleep 60\n")
    slow.chmod(0o755)
    start = time.monotonic()
    results, proc = run_autograder(root, AUTOGRADER_PYTHON=str(slow), AUTOGRADER_TIMEOUT="6")
    elapsed = time.monotonic() - start
    assert "time limit: 3 s (the assignment's autograder timeout: 6 s)" in proc.stdout
    assert results["score"] == 0 and results["tests"] == []
    assert "stopped grading your notebook at its time limit (3 s)" in results["output"]
    assert "not a verdict on your work" in results["output"]
    assert elapsed < 30   # stopped at 3 s, not after the 60 s the grader would take


def test_the_default_time_limit_keeps_a_tenth_of_gradescope_s_ten_minutes(bundle, tmp_path):
    root = gradescope_root(bundle, tmp_path, {})
    _, proc = run_autograder(root, AUTOGRADER_TIMEOUT="ten minutes")
    assert "AUTOGRADER_TIMEOUT=ten minutes is not a number of seconds; using 600" in proc.stdout
    text = (root / "run_autograder").read_text()
    assert 'GS_TIMEOUT="${AUTOGRADER_TIMEOUT:-600}"' in text


@pytest.mark.parametrize("visibility", ["hidden", "after_due_date", "after_published", "visible"])
def test_gradescope_results_of_a_hidden_test_per_visibility(visibility):
    from backprop_lab.grading import SubmissionResult, TestResult
    from backprop_lab.reports.report import gradescope_results

    secret = "dx is wrong: (0, 1): 0.063 vs 0.06"
    result = SubmissionResult("s1", ASSIGNMENT, "x.ipynb", score=1, max_score=3, tests=[
        TestResult("test_public", 1, 1, "passed", ""),
        TestResult("test_hidden", 0, 2, "failed", secret, hidden=True)])
    results = gradescope_results(result, visibility)
    jsonschema.validate(results, RESULTS_SCHEMA)
    public, hidden = results["tests"]
    assert public["visibility"] == "visible"
    assert (hidden["visibility"], hidden["score"], hidden["max_score"], hidden["status"]) == \
        (visibility, 0, 2, "failed")
    if visibility == "visible":   # shown at once: never the message
        assert secret not in json.dumps(results)
        assert hidden["output"] in GENERIC
    else:                         # shown only later, or never: in full then
        assert hidden["output"] == secret
        assert "1 hidden test worth 2 points" in results["output"]
    with pytest.raises(ValueError):
        gradescope_results(result, "soon")


# ------------------------------------------------------------------ what the students see

def metadata(submission_id, user_id=4242) -> dict:
    """submission_metadata.json as Gradescope documents it (gradescope-autograders.readthedocs.io,
    "Submission Metadata"), with a previous submission's results in it."""
    return {"id": submission_id, "created_at": "2026-10-01T14:22:32.365935-07:00",
            "assignment": {"due_date": "2026-10-31T23:00:00.000000-07:00", "group_size": None,
                           "group_submission": False, "id": 25828, "course_id": 1234,
                           "late_due_date": None, "release_date": "2026-10-01T00:00:00-07:00",
                           "title": "staged", "total_points": "20.0"},
            "submission_method": "upload",
            "users": [{"email": "student@example.com", "id": user_id, "name": "Student User"}],
            "previous_submissions": [{"submission_time": "2026-10-01T14:00:00-07:00",
                                      "score": 3.0, "results": {"tests": []}}]}


def test_each_submission_draws_its_own_hidden_cases(bundle, tmp_path):
    """The hidden inputs come from the submission's id in submission_metadata.json: two
    submissions (the same student's, too) get different ones, a regrade the same; public
    tests are the same for all."""
    def hidden_messages(name, meta):
        root = gradescope_root(bundle, tmp_path / name, {f"{ASSIGNMENT}.ipynb":
                                                         wrong_mul_backward()}, meta)
        results, _ = run_autograder(root)
        if meta is not None:   # only root may read it once grading starts (previous results)
            assert stat.S_IMODE((root / "submission_metadata.json").stat().st_mode) & 0o077 == 0
        tests = {t["name"]: t for t in results["tests"]}
        assert tests["test_mul_backward_hidden"]["status"] == "failed"
        return (tests["test_mul_backward_hidden"]["output"], tests["test_mul_backward"]["output"])

    first, public = hidden_messages("a", metadata(1001))
    again, public_again = hidden_messages("b", metadata(1001))
    other, public_other = hidden_messages("c", metadata(1002, user_id=4242))
    unknown, _ = hidden_messages("d", None)
    assert first == again and public == public_again == public_other
    assert len({first, other, unknown}) == 3, (first, other, unknown)


def stashing_notebook() -> bytes:
    from spy import spy_notebook
    return json.dumps(spy_notebook(json.loads(SOURCE_NB.read_text()))).encode()


def test_hidden_inputs_kept_by_student_code_never_reach_a_public_test(bundle, tmp_path):
    """Code that keeps each input it is given and prints what it kept in every later test:
    the public tests run first, in their own process, so they never print a hidden input."""
    from spy import leaks
    root = gradescope_root(bundle, tmp_path, {f"{ASSIGNMENT}.ipynb": stashing_notebook()},
                           metadata(777))
    results, _ = run_autograder(root)
    assert results["score"] == max_score(results)   # the spy keeps the right answers
    outputs = {t["name"]: t["output"] for t in results["tests"]}
    hidden_only, printed, stashes = leaks(outputs, HIDDEN)
    assert hidden_only and stashes >= 4   # the hidden tests drew inputs; public tests printed
    assert not printed, f"public tests printed {len(printed)} hidden inputs"


def student_view(results: dict) -> dict:
    """What Gradescope shows a student before the hidden tests are released (its "Controlling
    Test Case Visibility"): the tests that are visible (their own visibility, else the
    top-level one), the top-level output and execution time, and the total score only when no
    test is held back ("If test cases are hidden, students will not be able to see their
    total score")."""
    default = results.get("visibility", "visible")
    shown = [t for t in results["tests"] if t.get("visibility", default) == "visible"]
    view = {"tests": shown, "output": results.get("output"),
            "execution_time": results.get("execution_time")}
    if len(shown) == len(results["tests"]) and default == "visible":
        view["score"] = results["score"]
    return view


@pytest.mark.parametrize("visibility", ["after_due_date", "after_published", "hidden"])
def test_no_student_visible_field_depends_on_the_hidden_results(visibility):
    """Two submissions alike in their public tests and apart in their hidden ones look the
    same to the student until the hidden tests are released: no total, no count of passed
    hidden tests, no line from which either could be computed."""
    from backprop_lab.grading import SubmissionResult, TestResult
    from backprop_lab.reports.report import gradescope_results

    def submission(hidden_passed: bool) -> SubmissionResult:
        hidden = TestResult("test_hidden", 2.0 if hidden_passed else 0.0, 2, "passed"
                            if hidden_passed else "failed", "" if hidden_passed else
                            "dx is wrong: 0.063 vs 0.06", hidden=True)
        tests = [TestResult("test_public", 1, 1, "passed", ""), hidden,
                 TestResult("test_public_2", 0, 3, "failed", "dy is wrong")]
        return SubmissionResult("s1", ASSIGNMENT, "x.ipynb", score=sum(t.score for t in tests),
                                max_score=6, tests=tests)

    passed = gradescope_results(submission(True), visibility, execution_time=3)
    failed = gradescope_results(submission(False), visibility, execution_time=3)
    for results in (passed, failed):
        jsonschema.validate(results, RESULTS_SCHEMA)
    assert passed["score"] == 3 and failed["score"] == 1   # Gradescope's grade is the total
    assert student_view(passed) == student_view(failed)
    assert "1/4" in passed["output"]   # the public tests' points are shown


def test_results_carry_the_execution_time(bundle, tmp_path):
    root = gradescope_root(bundle, tmp_path, {f"{ASSIGNMENT}.ipynb": SOURCE_NB}, metadata(5))
    start = time.monotonic()
    results, _ = run_autograder(root)
    elapsed = time.monotonic() - start
    assert isinstance(results["execution_time"], int)
    assert 0 < results["execution_time"] <= elapsed + 1


def test_the_default_bundle_in_the_course_root_is_ignored_by_git():
    """`gradescope-bundle staged` writes gradescope-staged.zip where it runs, the course
    root: it holds the hidden tests and solutions, and must not show as a file to commit."""
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    for name in (f"gradescope-{a}.zip" for a in ASSIGNMENTS):
        proc = subprocess.run(["git", "check-ignore", "-q", name], cwd=REPO)
        assert proc.returncode == 0, f"{name} is not ignored by .gitignore"
