"""The grading day from a fresh clone, through nbgrader's real exchange (issue 23's "Done when").

A clone of this repository (its working tree as committed, plus uncommitted changes to
tracked files: `git stash create`) is the course. `course-setup` registers one assignment and
the roster's students in the course gradebook; nbgrader releases it into a temporary
exchange; two students fetch and submit it (nbgrader's exchange classes, each with a home of
their own); nbgrader collects and autogrades; the documented day runs: `grade` (a late
policy), `gradebook --write`, a TA's override in the gradebook (as formgrader sets it),
`lms canvas`, `nbgrader export`. The LMS file carries the override, the missing student is
called missing, nbgrader's export carries the late penalty, and the clone's `git status` is
empty at the end: no tracked file changed, every output ignored.
"""
from __future__ import annotations

import csv
import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import nbformat
import pytest

from backprop_lab.course import run_nbgrader

from conftest import ROOT, run_cli

pytestmark = pytest.mark.slow

ASSIGNMENT = "sigmoid"
OUT = "backprop-lab-grades"

ROSTER = """nbgrader_id,Student,ID,SIS User ID,SIS Login ID,Section
s01,"Doe, Jane",101,2020001,jdoe,A
s02,"Roe, Rick",102,2020002,rroe,A
s03,"Poe, Edgar",103,2020003,epoe,B
"""

# Run by the students: fetch the released notebook, put their answer in it, submit.
STUDENTS = """
import shutil, sys
from pathlib import Path
from traitlets.config import Config
from nbgrader.auth import Authenticator
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange.default import ExchangeFetchAssignment, ExchangeSubmit

exchange, assignment, homes = sys.argv[1], sys.argv[2], sys.argv[3:]
for home in homes:
    student, answer = home.split("=")
    config = Config()
    config.Exchange.root = exchange
    config.Exchange.assignment_dir = str(Path(student))
    config.CourseDirectory.course_id = "backprop-lab"
    config.CourseDirectory.assignment_id = assignment
    config.CourseDirectory.student_id = Path(student).name
    coursedir = CourseDirectory(config=config)
    auth = Authenticator(config=config)
    ExchangeFetchAssignment(coursedir=coursedir, authenticator=auth, config=config).start()
    fetched = Path(student) / assignment / f"{assignment}.ipynb"
    assert fetched.is_file(), fetched
    if answer != "-":
        shutil.copy(answer, fetched)
    ExchangeSubmit(coursedir=coursedir, authenticator=auth, config=config).start()
"""


def _clone(into: Path) -> Path:
    """A clone of this repository at its working tree's state (tracked files)."""
    state = subprocess.run(["git", "-C", str(ROOT), "stash", "create"], capture_output=True,
                           text=True, check=True).stdout.strip() or "HEAD"
    if state == "HEAD":
        state = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"],
                               capture_output=True, text=True, check=True).stdout.strip()
    course = into / "course"
    subprocess.run(["git", "clone", "-q", "--shared", "--no-checkout", str(ROOT), str(course)],
                   check=True)
    subprocess.run(["git", "-C", str(course), "checkout", "-q", state], check=True)
    return course


def _git_status(course: Path) -> str:
    return subprocess.run(["git", "-C", str(course), "status", "--porcelain",
                           "--untracked-files=all"], capture_output=True, text=True,
                          check=True).stdout


def _ok(proc: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


class Steps:
    """How long each step took (printed at the end: where the minutes go)."""

    def __init__(self):
        self.last = self.start = time.monotonic()
        self.times = []

    def __call__(self, name: str) -> None:
        now = time.monotonic()
        self.times.append(f"{name} {now - self.last:.0f} s")
        self.last = now

    def __str__(self) -> str:
        return (f"the day took {time.monotonic() - self.start:.0f} s: "
                + ", ".join(self.times))


def test_the_whole_day_from_a_fresh_clone_through_nbgrader_s_exchange(tmp_path):
    step = Steps()
    course = _clone(tmp_path)
    exchange = tmp_path / "exchange"
    x = [f"--Exchange.root={exchange}"]
    # The instructor's own files: the roster in the ignored folder, the late policy committed.
    (course / OUT).mkdir()
    (course / OUT / "roster.csv").write_text(ROSTER)
    (course / "late_policy.toml").write_text(textwrap.dedent(f"""\
        penalty_per_day_points = 1
        max_penalty = 1
        [deadlines]
        {ASSIGNMENT} = "2020-01-01 23:59"
        """))
    subprocess.run(["git", "-C", str(course), "add", "late_policy.toml"], check=True)
    subprocess.run(["git", "-C", str(course), "-c", "user.name=t", "-c", "user.email=t@t",
                    "commit", "-qm", "late policy"], check=True)

    # A fresh clone: register the assignment and the students, release it.
    setup = _ok(run_cli("course-setup", ASSIGNMENT, "--roster", f"{OUT}/roster.csv",
                        cwd=course))
    source = nbformat.read(course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    graded = [c for c in source.cells if c.metadata.get("nbgrader", {}).get("grade")]
    total = sum(c.metadata["nbgrader"]["points"] for c in graded)
    assert f"registered {ASSIGNMENT}: {len(graded)} graded cells, {total:g} points" \
        in setup.stdout
    assert "registered 3 students" in setup.stdout
    assert _git_status(course) == ""   # nothing tracked changed, the gradebook is ignored
    step("clone and course-setup")
    run_nbgrader(course, "release_assignment", ASSIGNMENT, *x)
    step("release")

    # Two students fetch and submit (s01 the worked solution, s02 the notebook as released);
    # s03 submits nothing.
    homes = tmp_path / "home"
    answer = course / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    proc = subprocess.run([sys.executable, "-c", STUDENTS, str(exchange), ASSIGNMENT,
                           f"{homes / 's01'}={answer}", f"{homes / 's02'}=-"],
                          cwd=tmp_path, env={"HOME": str(homes), "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    step("fetch and submit")
    run_nbgrader(course, "collect", ASSIGNMENT, *x)
    assert sorted(p.name for p in (course / "submitted").iterdir()) == ["s01", "s02"]
    step("collect")
    auto = run_nbgrader(course, "autograde", ASSIGNMENT)
    assert "There was an error" not in auto.stderr, auto.stderr
    step("autograde")

    # The documented day.
    _ok(run_cli("grade", "submitted", "--hidden", "--late-policy", "late_policy.toml",
                "--json", "--csv", "--feedback", "--quiet", cwd=course))
    results = json.loads((course / OUT / "grades.json").read_text())["submissions"]
    by_student = {r["student"]: r for r in results}
    assert by_student["s03"]["status"] == "missing"
    full = by_student["s01"]
    assert full["raw_score"] == full["max_score"] > 0 and full["late_penalty"] == 1
    step("grade")
    write = _ok(run_cli("gradebook", "--write", cwd=course))
    assert "1 late penalties" in write.stdout
    step("gradebook --write")

    # A TA overrides one of s02's tests in formgrader: a manual score, as formgrader sets it.
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        grades = gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, "s02").grades
        grade = next(g for g in grades if g.cell.cell_type == "code" and g.max_score > 0)
        test, points = grade.name, grade.max_score
        grade.manual_score = points
        gb.db.commit()
    assert by_student["s02"]["score"] == 0   # the released notebook earns nothing

    _ok(run_cli("class-report", cwd=course))
    step("class-report")
    lms = _ok(run_cli("lms", "canvas", "--roster", f"{OUT}/roster.csv", cwd=course))
    step("lms")
    with open(course / OUT / "canvas.csv", newline="") as fh:
        rows = {row[0]: row for row in csv.reader(fh)}
    column = next(csv.reader(open(course / OUT / "canvas.csv"))).index(ASSIGNMENT)
    assert float(rows["Roe, Rick"][column]) == points        # the TA's override
    assert float(rows["Doe, Jane"][column]) == full["max_score"] - 1   # late by the policy
    assert float(rows["Poe, Edgar"][column]) == 0
    assert f"overridden in nbgrader's gradebook: s02 / {ASSIGNMENT}: {test} 0 -> " \
           f"{points:g}" in lms.stderr
    assert f"missing, scored 0: s03 / {ASSIGNMENT}" in lms.stderr
    assert "could not be graded" not in lms.stderr
    with open(course / OUT / "canvas-overrides.csv", newline="") as fh:
        notes = list(csv.DictReader(fh))
    assert [(n["nbgrader_id"], float(n["final score"])) for n in notes] == [("s02", points)]

    _ok(run_cli("similarity", "submitted", cwd=course))
    step("similarity")

    # nbgrader's own export agrees: the trusted scores, the override, the late penalty.
    run_nbgrader(course, "export", "--to", str(tmp_path / "export.csv"))
    step("export")
    with open(tmp_path / "export.csv", newline="") as fh:
        export = {r["student_id"]: r for r in csv.DictReader(fh)}
    assert float(export["s01"]["late_submission_penalty"]) == 1
    assert float(export["s01"]["score"]) == full["max_score"] - 1
    assert float(export["s02"]["score"]) == points

    assert _git_status(course) == ""   # every output of the day is ignored
    assert sorted(p.name for p in (course / OUT).iterdir()) == [
        "canvas-overrides.csv", "canvas.csv", "class-report", "feedback", "grades.csv",
        "grades.json", "roster.csv", "similarity.html"]
    print(step)
