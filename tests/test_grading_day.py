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
import html
import json
import os
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import nbformat
import pytest

from backprop_lab.course.nbgrader import run_nbgrader_steps

from conftest import ROOT, run_cli

pytestmark = pytest.mark.slow

# Two assignments by default; BACKPROP_LAB_DAY=all runs the day on all six (each adds its
# course-setup, release, three submissions and nbgrader's autograde: see the timings that
# the test prints with -s).
ASSIGNMENTS = (("staged", "sigmoid", "relu", "rnn", "softmax", "lstm")
               if os.environ.get("BACKPROP_LAB_DAY") == "all" else ("staged", "sigmoid"))
LATE = "sigmoid"                 # s01 submits it after its deadline
OUT = "backprop-lab-grades"

ROSTER = """nbgrader_id,Student,ID,SIS User ID,SIS Login ID,Section
s01,"Doe, Jane",101,2020001,jdoe,A
s02,"Roe, Rick",102,2020002,rroe,A
s03,"Poe, Edgar",103,2020003,epoe,B
s04,"Loe, Lou",104,2020004,llou,B
"""

# One catalogued mistake per assignment for s04 (bench/catalogue_dev.py), so that the class
# report has a misconception of each to show.
MISTAKES = {"staged": "staged_square_no_2", "sigmoid": "sig_dx_skips_local",
            "relu": "relu_times_a", "rnn": "rstep_no_tanh", "softmax": "sce_dlogits_sign",
            "lstm": "huber_no_dloss"}

# Run by the students: fetch each released notebook, put their answer in it, submit.
STUDENTS = """
import shutil, sys
from pathlib import Path
from traitlets.config import Config
from nbgrader.auth import Authenticator
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange.default import ExchangeFetchAssignment, ExchangeSubmit

exchange, work = sys.argv[1], sys.argv[2:]
for item in work:
    student, assignment, answer = item.split("=")
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


def _with_mistake(course: Path, assignment: str, into: Path) -> tuple[Path, list[str]]:
    """The worked solution with one function replaced by a catalogued mistake, and the
    cause ids the checks give that mistake for s04 (run in this process, as
    test_cause_catalogue runs the catalogue)."""
    from test_cause_catalogue import HASHED, _results   # puts bench/ on the path
    import feedback_catalogue
    entry = next(e for e in feedback_catalogue.load(ROOT / "bench" / "catalogue_dev.py")
                 if e["id"] == MISTAKES[assignment])
    nb = nbformat.read(course / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    cell = next(c for c in nb.cells
                if c.metadata.get("nbgrader", {}).get("grade_id") == entry["function"])
    cell.source = entry["source"]
    path = into / f"{assignment}-s04.ipynb"
    nbformat.write(nb, path)
    sub = _results(assignment, entry["function"], entry, "s04")
    causes = sorted({c for t in sub["tests"] for c in t["causes"]})
    assert causes and not any(HASHED.search(c) for c in causes), causes   # human ids
    return path, causes


# What a student must never read in feedback: the grader's insides (its frames and paths,
# its exception types, the hidden tests' code and secrets, the causes' ids).
INTERNALS = ("Traceback (most recent call last)", "backprop_lab/", "site-packages",
             "CheckFailure", "StudentCodeError", "BEGIN HIDDEN TESTS", "hidden_seed",
             "__student__", "cause_ids", "checks/core.py")


def _plain(text: str) -> str:
    """A page's words: tags dropped, entities read, whitespace made single spaces (nbgrader
    wraps a message's long lines)."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def _assert_feedback(course: Path, results: list[dict], overridden: dict) -> None:
    import backprop_lab.checks.core as core
    secrets = {s for a in ASSIGNMENTS for s in re.findall(
        r"hidden_seed\((0x[0-9a-f]+)", (course / "source" / a / f"{a}.ipynb").read_text())}
    assert secrets
    for r in results:
        student, assignment = r["student"], r["assignment"]
        theirs = course / "feedback" / student / assignment / f"{assignment}.html"
        ours = [course / OUT / "feedback" / student / f"{assignment}{x}" for x in (".html",
                                                                                 ".md")]
        if r["status"] == "missing":
            assert not theirs.exists() and not any(p.exists() for p in ours), (student,
                                                                               assignment)
            continue
        pages = {p: p.read_text() for p in [theirs, *ours]}
        for path, text in pages.items():
            for leak in (*INTERNALS, *secrets, *(str(int(x, 16)) for x in secrets)):
                assert leak not in text, f"{path}: {leak!r}"
        assert f"Total: {r['score']:g} / {r['max_score']:g} points" in pages[ours[0]]
        if student == "s02":       # the TA's override is in nbgrader's feedback
            total = overridden[assignment][1]
            assert re.search(rf"Score: {total:.1f} / {r['max_score']:.1f}", pages[theirs])
        # each failing test's own message, as the check wrote it (its first and its
        # "Likely cause" lines), is in both
        for t in r["tests"]:
            if t["status"] == "passed":
                continue
            lines = t["output"].splitlines()
            said = [lines[0]] + [x for x in lines if x.startswith(core._LIKELY)]
            for line in said:
                words = " ".join(line.split())
                for path in (theirs, ours[0]):
                    assert words in _plain(pages[path]), f"{path}: {words!r}"


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
        {LATE} = "2020-01-01 23:59"
        """))
    subprocess.run(["git", "-C", str(course), "add", "late_policy.toml"], check=True)
    subprocess.run(["git", "-C", str(course), "-c", "user.name=t", "-c", "user.email=t@t",
                    "commit", "-qm", "late policy"], check=True)

    # A fresh clone: register the assignments and the students, release them.
    setup = _ok(run_cli("course-setup", *ASSIGNMENTS, "--roster", f"{OUT}/roster.csv",
                        cwd=course))
    totals = {}
    for assignment in ASSIGNMENTS:
        source = nbformat.read(course / "source" / assignment / f"{assignment}.ipynb",
                               as_version=4)
        graded = [c for c in source.cells if c.metadata.get("nbgrader", {}).get("grade")]
        totals[assignment] = sum(c.metadata["nbgrader"]["points"] for c in graded)
        assert f"registered {assignment}: {len(graded)} graded cells, " \
               f"{totals[assignment]:g} points" in setup.stdout
    assert "registered 4 students" in setup.stdout
    assert _git_status(course) == ""   # nothing tracked changed, the gradebook is ignored
    step("clone and course-setup")
    # each nbgrader command of a step, for every assignment, in one nbgrader process
    # (run_nbgrader_steps): its imports are paid once per step, not once per assignment
    run_nbgrader_steps([(course, ("release_assignment", a, *x)) for a in ASSIGNMENTS])
    step("release")

    # s01 submits the worked solutions, s02 the notebooks as released, s04 one catalogued
    # mistake in each; s03 submits nothing.
    homes = tmp_path / "home"
    expected_causes = {}
    work = []
    for assignment in ASSIGNMENTS:
        answer = course / "solutions" / assignment / f"{assignment}.ipynb"
        wrong, expected_causes[assignment] = _with_mistake(course, assignment, tmp_path)
        work += [f"{homes / 's01'}={assignment}={answer}", f"{homes / 's02'}={assignment}=-",
                 f"{homes / 's04'}={assignment}={wrong}"]
    step("the catalogue's mistakes, in this process")
    proc = subprocess.run([sys.executable, "-c", STUDENTS, str(exchange), *work],
                          cwd=tmp_path, env={"HOME": str(homes), "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    step("fetch and submit")
    run_nbgrader_steps([(course, ("collect", a, *x)) for a in ASSIGNMENTS])
    assert sorted(p.name for p in (course / "submitted").iterdir()) == ["s01", "s02", "s04"]
    step("collect")
    for auto in run_nbgrader_steps([(course, ("autograde", a)) for a in ASSIGNMENTS]):
        assert "There was an error" not in auto.stderr, auto.stderr
    step("autograde")

    # The documented day.
    _ok(run_cli("grade", "submitted", "--hidden", "--late-policy", "late_policy.toml",
                "--json", "--csv", "--feedback", "--quiet", cwd=course))
    results = json.loads((course / OUT / "grades.json").read_text())["submissions"]
    by = {(r["student"], r["assignment"]): r for r in results}
    assert len(by) == 4 * len(ASSIGNMENTS)
    for assignment in ASSIGNMENTS:
        assert by["s03", assignment]["status"] == "missing"
        full = by["s01", assignment]
        assert full["raw_score"] == full["max_score"] == totals[assignment]
        assert full["late_penalty"] == (1 if assignment == LATE else 0)
        assert by["s02", assignment]["score"] == 0   # the released notebook earns nothing
        assert 0 < by["s04", assignment]["score"] < totals[assignment]
    step("grade")
    write = _ok(run_cli("gradebook", "--write", cwd=course))
    late = sum((r.get("late_penalty") or 0) > 0 for r in results)
    assert late == 2   # s01's and s04's; s02's score 0 leaves nothing to take
    assert f"{late} late penalties" in write.stdout
    step("gradebook --write")

    # A TA overrides one of s02's tests of each assignment in formgrader: a manual score,
    # as formgrader sets it.
    from nbgrader.api import Gradebook
    overridden = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for assignment in ASSIGNMENTS:
            grades = gb.find_submission_notebook(assignment, assignment, "s02").grades
            grade = next(g for g in grades if g.cell.cell_type == "code" and g.max_score > 0)
            grade.manual_score = grade.max_score
            overridden[assignment] = (grade.name, grade.max_score)
        gb.db.commit()

    # The class report: each of s04's catalogued mistakes is its assignment's misconception,
    # under the id the checks give it, with its title.
    _ok(run_cli("class-report", cwd=course))
    page = (course / OUT / "class-report" / "class_report.html").read_text()
    from backprop_lab.checks.explain import title_of
    from backprop_lab.reports.class_report import misconceptions
    for assignment in ASSIGNMENTS:
        ours = {m.cause: sorted(m.students) for m in
                misconceptions([r for r in results if r["assignment"] == assignment])}
        assert len(expected_causes[assignment]) == 1, (assignment, expected_causes)
        # the catalogued mistake under its id; s02's stubs name no cause. (A mistake in a
        # function that another graded function calls also fails that one's tests, which
        # may name what its output shows: softmax's sign in mlp_backward.)
        assert ours[expected_causes[assignment][0]] == ["s04"], (assignment, ours)
        assert all(students == ["s04"] for students in ours.values()), (assignment, ours)
        for cause in expected_causes[assignment]:
            assert html.escape(cause) in page and html.escape(title_of(cause)) in page
    step("class-report")
    lms = _ok(run_cli("lms", "canvas", "--roster", f"{OUT}/roster.csv", cwd=course))
    step("lms")
    with open(course / OUT / "canvas.csv", newline="") as fh:
        table = list(csv.reader(fh))
    rows = {row[0]: row for row in table}
    for assignment in ASSIGNMENTS:
        column = table[0].index(assignment)
        test, points = overridden[assignment]
        assert float(rows["Roe, Rick"][column]) == points        # the TA's override
        late = 1 if assignment == LATE else 0
        assert float(rows["Doe, Jane"][column]) == totals[assignment] - late
        assert float(rows["Poe, Edgar"][column]) == 0
        assert float(rows["Loe, Lou"][column]) == by["s04", assignment]["score"]
        assert f"overridden in nbgrader's gradebook: s02 / {assignment}: {test} 0 -> " \
               f"{points:g}" in lms.stderr
        assert f"missing, scored 0: s03 / {assignment}" in lms.stderr
    assert "could not be graded" not in lms.stderr
    with open(course / OUT / "canvas-overrides.csv", newline="") as fh:
        notes = list(csv.DictReader(fh))
    assert sorted((n["nbgrader_id"], n["assignment"], float(n["final score"])) for n in notes) \
        == sorted(("s02", a, overridden[a][1]) for a in ASSIGNMENTS)

    _ok(run_cli("similarity", "submitted", cwd=course))
    step("similarity")

    # Feedback: nbgrader's (after gradebook --write) and ours, for every student who
    # submitted, with the checks' plain messages and nothing of the grader's insides; then
    # nbgrader's export (which reads the gradebook and changes no feedback): both in one
    # nbgrader process.
    run_nbgrader_steps([(course, ("generate_feedback", a)) for a in ASSIGNMENTS]
                       + [(course, ("export", "--to", str(tmp_path / "export.csv")))])
    step("generate_feedback and export")
    _assert_feedback(course, results, overridden)

    # nbgrader's own export agrees: the trusted scores, the override, the late penalty.
    with open(tmp_path / "export.csv", newline="") as fh:
        export = {(r["student_id"], r["assignment"]): r for r in csv.DictReader(fh)}
    for assignment in ASSIGNMENTS:
        late = 1 if assignment == LATE else 0
        assert float(export["s01", assignment]["late_submission_penalty"]) == late
        assert float(export["s01", assignment]["score"]) == totals[assignment] - late
        assert float(export["s02", assignment]["score"]) == overridden[assignment][1]

    assert _git_status(course) == ""   # every output of the day is ignored
    assert sorted(p.name for p in (course / OUT).iterdir()) == [
        "canvas-overrides.csv", "canvas.csv", "class-report", "feedback", "grades.csv",
        "grades.json", "roster.csv", "similarity.html"]
    print(step)
