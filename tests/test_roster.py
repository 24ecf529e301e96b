"""The class list: every expected (student, assignment) reported graded, missing or
unrecognized; a regrade of one student merged into the class's files."""
from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

import toy_course
from backprop_lab.reports.roster import RosterError, read_roster

WRONG = {"double": "def double(x):\n    return x\n"}


def run_cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "backprop_lab", "grade", *map(str, args),
                           "--isolation", "process", "--jobs", "2"],
                          cwd=cwd, capture_output=True, text=True, timeout=300)


# --- reading a roster --------------------------------------------------------------------------

def test_a_list_of_ids_one_a_line(tmp_path):
    path = tmp_path / "roster.txt"
    path.write_text("# class of 2026\nalice\n\n bob \nalice\n")
    assert read_roster(path).students == ["alice", "bob"]


@pytest.mark.parametrize("header", ["id", "Student ID", "student_id", "student"])
def test_a_csv_with_an_id_column(tmp_path, header):
    path = tmp_path / "roster.csv"
    path.write_text(f"name,{header},email\nAlice A,alice,a@x\n\"B, Bob\",bob,b@x\n")
    assert read_roster(path).students == ["alice", "bob"]


@pytest.mark.parametrize("text, message", [("name,email\nA,a@x\n", "without an id column"),
                                           ("\n# nobody\n", "lists no student")])
def test_a_roster_that_names_no_student_is_refused(tmp_path, text, message):
    path = tmp_path / "roster.csv"
    path.write_text(text)
    with pytest.raises(RosterError, match=message):
        read_roster(path)


@pytest.fixture(scope="module")
def empty_gradebook(tmp_path_factory) -> Path:
    """One empty nbgrader gradebook for the module, copied by each test that needs one:
    nbgrader takes seconds to make a new one (its schema, `alembic heads` in a process of its
    own) and milliseconds to open a copy, which is the same database."""
    from nbgrader.api import Gradebook
    path = tmp_path_factory.mktemp("gradebook") / "gradebook.db"
    with Gradebook(f"sqlite:///{path}"):
        pass
    return path


def make_gradebook(path: Path, students, assignments, empty: Path) -> Path:
    from nbgrader.api import Gradebook
    shutil.copy(empty, path)
    with Gradebook(f"sqlite:///{path}") as gb:
        for student in students:
            gb.add_student(student)
        for assignment in assignments:
            gb.add_assignment(assignment)
    return path


def test_nbgraders_gradebook_gives_students_and_assignments(tmp_path, empty_gradebook):
    db = make_gradebook(tmp_path / "gradebook.db", ["s1", "s2"], ["relu", "staged"],
                        empty_gradebook)
    roster = read_roster(db)
    assert sorted(roster.students) == ["s1", "s2"]
    assert roster.assignments == ["staged", "relu"]   # course order


# --- a class graded against its roster ----------------------------------------------------------

@pytest.fixture
def course(tmp_path):
    """alice and eve graded normally; bob's notebook renamed by his browser; carol left two
    notebooks, none named staged.ipynb; dave submitted nothing (eve is not on the roster)."""
    toy_course.make_course(tmp_path)
    toy_course.write_submission(tmp_path, "alice")
    toy_course.write_submission(tmp_path, "eve", WRONG)
    bob = toy_course.write_submission(tmp_path, "bob")
    bob.rename(bob.with_name("staged (1).ipynb"))
    for name in ("try1", "try2"):
        path = tmp_path / "submitted" / "carol" / "staged" / f"{name}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(toy_course.build(), path)
    (tmp_path / "roster.txt").write_text("alice\nbob\ncarol\ndave\n")
    return tmp_path


def statuses(data: dict) -> dict[str, tuple[str, float]]:
    return {s["student"]: (s["status"], s["score"]) for s in data["submissions"]}


def test_every_expected_pair_is_graded_missing_or_unrecognized(course):
    proc = run_cli("submitted", "--hidden", "--roster", "roster.txt", "--json", "--csv",
                   cwd=course)
    assert proc.returncode == 0, proc.stderr
    out = course / "backprop-lab-grades"
    data = json.loads((out / "grades.json").read_text())
    assert statuses(data) == {"alice": ("graded", 5), "bob": ("graded", 5),
                              "eve": ("graded", 2), "carol": ("unrecognized", 0),
                              "dave": ("missing", 0)}
    subs = {s["student"]: s for s in data["submissions"]}
    assert subs["bob"]["path"].endswith("staged (1).ipynb")
    assert "none is named staged.ipynb" in subs["carol"]["error"]
    assert "try1.ipynb" in subs["carol"]["error"] and "try2.ipynb" in subs["carol"]["error"]
    assert subs["dave"]["max_score"] == 5 and subs["dave"]["tests"] == []
    assert "missing" in subs["dave"]["error"]
    with open(out / "grades.csv", newline="") as fh:
        rows = {r["student"]: r for r in csv.DictReader(fh)}
    assert (rows["dave"]["status"], rows["dave"]["score"]) == ("missing", "0")
    assert (rows["carol"]["status"], rows["carol"]["score"]) == ("unrecognized", "0")
    assert "not on the roster: eve" in proc.stderr
    assert "roster: 4 students" in proc.stderr
    summary = proc.stdout[proc.stdout.index("Class summary:"):]
    assert summary.startswith("Class summary: 3 of 3 submissions graded, 1 missing, "
                              "1 unrecognized")
    assert "2 not graded" in summary
    missing = summary[summary.index("Missing (no submission):"):]
    assert "dave: staged" in missing
    assert "carol: staged" in summary[summary.index("Unrecognized"):]


def test_students_not_on_the_roster_are_warned_about_and_left_out_of_the_means(course,
                                                                               tmp_path):
    """eve is graded (her result is in the files) but not one of the class: the summary names
    her and leaves her out of the mean and pass rates (alice and bob scored 5 of 5, eve 2),
    the JSON lists her, and the class report built from it shows her apart."""
    proc = run_cli("submitted", "--hidden", "--roster", "roster.txt", "--json", "--quiet",
                   cwd=course)
    assert proc.returncode == 0, proc.stderr
    assert "not on the roster: eve" in proc.stderr
    summary = proc.stdout[proc.stdout.index("Class summary:"):].splitlines()
    assert summary[1] == ("NOT ON THE ROSTER, graded but left out of the means, medians and "
                          "pass rates below: 1 students (eve)")
    assert "staged: 2 graded, out of 5 points" in summary
    assert "  mean    5/5 (100.0%)" in summary
    data = json.loads((course / "backprop-lab-grades" / "grades.json").read_text())
    assert data["not_on_roster"] == ["eve"]
    assert {s["student"] for s in data["submissions"]} >= {"eve"}
    from backprop_lab.reports.class_report import write_report
    page = write_report(course / "backprop-lab-grades" / "grades.json",
                        tmp_path / "report").read_text()
    assert "Not on the roster (1 students)" in page
    assert ("left out of the means, the score distributions, the pass rates and the "
            "misconceptions: eve") in page
    overview = page[page.index('class="overview"'):page.index("</table>")]
    assert "<td>2</td>" in overview and "<td>5/5</td>" in overview


def test_the_courses_gradebook_is_the_default_roster(course, empty_gradebook):
    make_gradebook(course / "gradebook.db", ["alice", "dave"], ["staged"], empty_gradebook)
    proc = run_cli("submitted", "--hidden", "--json", "out.json", cwd=course)
    assert "nbgrader's gradebook" in proc.stderr
    data = json.loads((course / "out.json").read_text())
    assert statuses(data)["dave"] == ("missing", 0)


def test_an_assignment_the_gradebook_knows_and_nobody_submitted_is_not_missing(course,
                                                                             empty_gradebook):
    """`course-setup` registers every assignment in gradebook.db before the first is
    released: an assignment not collected yet (no folder in submitted/) is not due, so it is
    nobody's missing work (else `lms` would put a column of zeros for it into Canvas)."""
    make_gradebook(course / "gradebook.db", ["alice", "dave"], ["staged", "relu", "lstm"],
                   empty_gradebook)
    proc = run_cli("submitted", "--hidden", "--json", "out.json", cwd=course)
    data = json.loads((course / "out.json").read_text())
    assert {(s["student"], s["assignment"]) for s in data["submissions"]
            if s["status"] == "missing"} == {("dave", "staged")}, proc.stdout
    assert "relu" not in proc.stdout and "lstm" not in proc.stdout


def test_a_regrade_of_one_student_merges_into_the_class_files(course):
    proc = run_cli("submitted", "--hidden", "--roster", "roster.txt", "--json", "--csv",
                   cwd=course)
    assert proc.returncode == 0, proc.stderr
    out = course / "backprop-lab-grades"
    # alice resubmits a wrong answer; only her folder is graded again
    toy_course.write_submission(course, "alice", WRONG)
    proc = run_cli("submitted/alice", "--hidden", "--roster", "roster.txt", "--json", "--csv",
                   cwd=course)
    assert proc.returncode == 0, proc.stderr
    data = json.loads((out / "grades.json").read_text())
    assert statuses(data) == {"alice": ("graded", 2), "bob": ("graded", 5),
                              "eve": ("graded", 2), "carol": ("unrecognized", 0),
                              "dave": ("missing", 0)}
    assert len(data["submissions"]) == 5
    with open(out / "grades.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert sorted((r["student"], r["score"]) for r in rows) == [
        ("alice", "2"), ("bob", "5"), ("carol", "0"), ("dave", "0"), ("eve", "2")]
    assert "1 entries of the submissions graded now replaced, 4 others kept" in proc.stderr
    # --replace writes only this run's rows
    proc = run_cli("submitted/alice", "--hidden", "--json", "--replace", cwd=course)
    assert proc.returncode == 0, proc.stderr
    assert statuses(json.loads((out / "grades.json").read_text())) == {"alice": ("graded", 2)}


def test_a_csv_written_before_the_status_column_is_merged_into(tmp_path):
    from backprop_lab.reports import report
    from backprop_lab.grading import SubmissionResult, TestResult
    path = tmp_path / "grades.csv"
    path.write_text("student,assignment,path,test_a,score,max_score,error\n"
                    "s1,staged,p1,1,1,1,\ns2,staged,p2,0,0,1,boom\n")
    regraded = SubmissionResult("s2", "staged", "p2b", 1, 1, None,
                                [TestResult("test_a", 1, 1, "passed"),
                                 TestResult("test_b", 0, 1, "failed", "wrong")])
    merged = report.write_csv([regraded], path, merge=True)
    assert (merged.replaced, merged.kept) == (1, 1)
    with open(path, newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["student"], r["path"], r["test_a"], r["test_b"], r["status"]) for r in rows] == \
        [("s1", "p1", "1", "", "graded"), ("s2", "p2b", "1", "0", "graded")]
