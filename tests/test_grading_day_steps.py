"""The grading day's steps, each fast, on a gradebook made with nbgrader's API (no nbgrader run):
`lms` carries a person's overrides and extra credit and calls missing work missing; `gradebook`
reads the day's results instead of grading again, stops when they are older than a
submission, and carries the late penalty; one roster for `grade`, `lms` and `course-setup`;
every default output in one folder the repository ignores. The same day through nbgrader's
real exchange is test_grading_day.py.
"""
from __future__ import annotations

import csv
import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest

import toy_course
from backprop_lab import cli
from backprop_lab.options import OUTPUT
from backprop_lab.course.gradebook import Record, record_path
from backprop_lab.reports.lms import roster_students
from backprop_lab.reports.roster import read_roster

from conftest import ROOT

ROSTER = ("nbgrader_id,Student,ID,SIS User ID,SIS Login ID,Section\n"
          "s01,\"Doe, Jane\",101,2020001,jdoe,A\n"
          "s02,Rick Roe,102,2020002,rroe,B\n"
          "s03,\"Poe, Ann\",103,,apoe,A\n")

# nbgrader's add_submission warns of its own objects
pytestmark = pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")

TESTS = {"test_a": 2.0, "test_b": 3.0}


TOY_POINTS = {name: float(p) for name, (p, _) in toy_course.TESTS.items()}


def _add(gb, assignment: str, tests: dict, students) -> None:
    """`assignment` (one notebook, code test cells `tests`: name -> points) and a submission
    of each student, as `nbgrader autograde` leaves it: auto scores, full marks."""
    gb.add_assignment(assignment)
    gb.add_notebook(assignment, assignment)
    for name, points in tests.items():
        gb.add_grade_cell(name, assignment, assignment, max_score=points, cell_type="code")
    for student in students:
        gb.update_or_create_student(student)
        gb.add_submission(assignment, student)
        for grade in gb.find_submission_notebook(assignment, assignment, student).grades:
            grade.auto_score = grade.max_score
    gb.db.commit()


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """One gradebook for the module (nbgrader takes seconds to make one): `relu` with the
    tests of TESTS submitted by s01 and s02, the toy course's `staged` submitted by s01."""
    from nbgrader.api import Gradebook
    path = tmp_path_factory.mktemp("template") / "gradebook.db"
    with Gradebook(f"sqlite:///{path}") as gb:
        _add(gb, "relu", TESTS, ("s01", "s02"))
        _add(gb, "staged", TOY_POINTS, ("s01",))
    return path


def make_gradebook(template: Path, path: Path) -> str:
    shutil.copy(template, path)
    return f"sqlite:///{path}"


def set_grade(url: str, student: str, test: str, manual=None, extra=None, assignment="relu"):
    from nbgrader.api import Gradebook
    with Gradebook(url) as gb:
        grade = gb.find_grade(test, assignment, assignment, student)
        grade.manual_score = manual
        grade.extra_credit = extra
        gb.db.commit()


def submission(student, assignment="relu", scores=None, **extra) -> dict:
    scores = scores if scores is not None else dict(TESTS)
    tests = [{"name": n, "score": s, "max_score": TESTS[n], "status": "passed" if
              s == TESTS[n] else "failed"} for n, s in scores.items()]
    return {"student": student, "assignment": assignment,
            "path": f"submitted/{student}/{assignment}/{assignment}.ipynb",
            "score": sum(scores.values()), "max_score": sum(TESTS.values()), "error": None,
            "tests": tests, "status": "graded", **extra}


def write_json(path: Path, subs) -> Path:
    path.write_text(json.dumps({"submissions": subs}), encoding="utf-8")
    return path


def read_csv(path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


# ------------------------------------------------------------------ lms: overrides, missing

@pytest.fixture
def day(tmp_path, template):
    """A course folder with a gradebook, a roster and the day's results: s01 full marks but
    one day late (penalty 1), s02 test_a failed, s03 missing."""
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    url = make_gradebook(template, tmp_path / "gradebook.db")
    subs = [submission("s01", raw_score=5.0, late_penalty=1.0, days_late=1),
            submission("s02", scores={"test_a": 0.0, "test_b": 3.0}),
            {"student": "s03", "assignment": "relu", "path": "submitted/s03/relu",
             "score": 0.0, "max_score": 5.0, "tests": [], "status": "missing",
             "error": "missing: no submission in submitted/s03/relu"}]
    subs[0]["score"] = 4.0
    write_json(tmp_path / "grades.json", subs)
    return tmp_path, url


def run_lms(folder: Path, fmt: str, *more) -> tuple[int, list[list[str]]]:
    out = folder / f"{fmt}.csv"
    code = cli.main(["lms", fmt, "--results", str(folder / "grades.json"), "--roster",
                     str(folder / "roster.csv"), "--course", str(folder), "--out", str(out),
                     "--force", *more])
    return code, read_csv(out)


def test_a_person_s_override_and_extra_credit_reach_the_lms_file(day, capsys):
    folder, url = day
    set_grade(url, "s02", "test_a", manual=1.5)          # a TA gives half of test_a back
    set_grade(url, "s01", "test_b", extra=0.5)           # extra credit, on top, before late
    code, rows = run_lms(folder, "canvas")
    assert code == 0
    scores = {row[0]: row[5] for row in rows[2:]}
    assert scores == {"Doe, Jane": "4.5", "Rick Roe": "4.5", "Poe, Ann": "0"}
    err = capsys.readouterr().err
    assert "overridden in nbgrader's gradebook: s02 / relu: test_a 0 -> 1.5" in err
    assert "overridden in nbgrader's gradebook: s01 / relu: extra credit +0.5" in err
    notes = read_csv(folder / "canvas-overrides.csv")
    assert notes[1:] == [["s01", "relu", "4.5", "extra credit +0.5"],
                         ["s02", "relu", "4.5", "test_a 0 -> 1.5"]]
    assert rows[0][5:] == ["relu"]    # Canvas's file: no column Canvas would make an assignment of

    code, rows = run_lms(folder, "plain")
    assert rows[0][-1] == "notes"
    assert rows[2][3] == "4.5" and rows[2][-1] == "relu overridden in nbgrader: test_a 0 -> 1.5"
    assert rows[3][-1] == ""


def test_manual_scores_written_by_gradebook_write_are_not_overrides(day, capsys):
    folder, url = day
    set_grade(url, "s02", "test_a", manual=0.0)   # our score, written by `gradebook --write`
    key = Record.key("s02", "relu", "relu", "test_a")
    Record(record_path(url, folder), {key: 0.0}).save()
    code, rows = run_lms(folder, "canvas")
    assert {row[0]: row[5] for row in rows[2:]}["Rick Roe"] == "3"
    assert "overridden" not in capsys.readouterr().err
    assert not (folder / "canvas-overrides.csv").exists()
    # ... until a person changes it
    set_grade(url, "s02", "test_a", manual=2.0)
    code, rows = run_lms(folder, "canvas")
    assert {row[0]: row[5] for row in rows[2:]}["Rick Roe"] == "5"
    code, rows = run_lms(folder, "canvas", "--no-gradebook")
    assert {row[0]: row[5] for row in rows[2:]}["Rick Roe"] == "3"


def test_missing_work_is_called_missing_not_ungradable(day, capsys):
    folder, _ = day
    code, rows = run_lms(folder, "canvas")
    captured = capsys.readouterr()
    assert "missing, scored 0: s03 / relu" in captured.err
    assert "could not be graded" not in captured.err
    assert "1 missing and 0 ungraded" in captured.out


# ------------------------------------------------------------------ one roster

def test_the_lms_roster_is_a_roster_for_grade_and_course_setup(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER, encoding="utf-8")
    assert read_roster(path).students == ["s01", "s02", "s03"]   # not Canvas's ID, not names
    assert roster_students(path) == [
        {"id": "s01", "first_name": "Jane", "last_name": "Doe", "lms_user_id": "101"},
        {"id": "s02", "first_name": "Rick", "last_name": "Roe", "lms_user_id": "102"},
        {"id": "s03", "first_name": "Ann", "last_name": "Poe", "lms_user_id": "103"}]


def test_nbgrader_s_student_csv_is_a_roster_for_grade(tmp_path):
    path = tmp_path / "students.csv"
    path.write_text("id,first_name,last_name,email\ns01,Jane,Doe,\ns02,Rick,Roe,\n")
    assert read_roster(path).students == ["s01", "s02"]
    assert roster_students(path) == [
        {"id": "s01", "first_name": "Jane", "last_name": "Doe", "lms_user_id": None},
        {"id": "s02", "first_name": "Rick", "last_name": "Roe", "lms_user_id": None}]


def test_nbgrader_s_student_csv_is_a_roster_for_lms_too(day, capsys):
    """One roster for every step: the CSV that `nbgrader db student import` takes (column
    `id`) is the roster of `lms`, its `lms_user_id` Canvas's ID, the name last, first."""
    folder, _ = day
    (folder / "roster.csv").write_text("id,first_name,last_name,email,lms_user_id\n"
                                       "s01,Jane,Doe,jdoe@example.org,101\n"
                                       "s02,Rick,Roe,,102\ns03,Ann,Poe,,\n")
    code, rows = run_lms(folder, "canvas")
    assert code == 0, capsys.readouterr().err
    assert rows[0][:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    assert [r[:2] + [r[5]] for r in rows[2:]] == [["Doe, Jane", "101", "4"],
                                                  ["Roe, Rick", "102", "3"],
                                                  ["Poe, Ann", "", "0"]]
    code, rows = run_lms(folder, "plain")
    assert code == 0
    assert [r[:3] for r in rows[1:]] == [["s01", "101", "Doe, Jane"], ["s02", "102", "Roe, Rick"],
                                        ["s03", "", "Poe, Ann"]]
    # Canvas's own export, whose `ID` is Canvas's and not a student folder, still needs
    # `nbgrader_id`: a roster with both `id` and `Student` is not nbgrader's
    (folder / "roster.csv").write_text("Student,ID,SIS User ID\n\"Doe, Jane\",101,2020001\n")
    assert cli.main(["lms", "plain", "--results", str(folder / "grades.json"), "--roster",
                     str(folder / "roster.csv"), "--out", str(folder / "x.csv")]) == 2
    assert "no 'nbgrader_id' column" in capsys.readouterr().err


# ------------------------------------------------------------------ gradebook reads the day

@pytest.fixture
def toy(tmp_path, template):
    """The toy course (assignment `staged`) with s01's correct submission, a gradebook that
    holds it as nbgrader autograded it, and results that give test_double 0 (what grading
    again would not: so a run that grades shows 2, one that reads shows 0)."""
    course = toy_course.make_course(tmp_path / "course")
    url = make_gradebook(template, course / "gradebook.db")
    points = TOY_POINTS
    toy_course.write_submission(course, "s01")
    time.sleep(0.05)
    scores = dict(points, test_double=0.0)
    results = {"submissions": [{
        "student": "s01", "assignment": "staged", "path": "submitted/s01/staged/staged.ipynb",
        "score": sum(scores.values()) - 1.0, "raw_score": sum(scores.values()),
        "late_penalty": 1.0, "days_late": 1, "max_score": sum(points.values()), "error": None,
        "status": "graded", "tests": [{"name": n, "score": s, "max_score": points[n],
                                       "status": "passed"} for n, s in scores.items()]}]}
    (course / OUTPUT).mkdir()
    (course / OUTPUT / "grades.json").write_text(json.dumps(results))
    return course, url


def test_gradebook_reads_the_day_s_results_and_carries_the_late_penalty(toy, capsys):
    course, url = toy
    start = time.monotonic()
    code = cli.main(["gradebook", str(course / "submitted" / "s01" / "staged"), "--course",
                     str(course), "--write"])
    seconds = time.monotonic() - start
    out = capsys.readouterr().out
    assert code == 0, out
    assert "1 late penalties" in out
    from nbgrader.api import Gradebook
    with Gradebook(url) as gb:
        nb = gb.find_submission_notebook("staged", "staged", "s01")
        assert {g.name: g.manual_score for g in nb.grades}["test_double"] == 0.0   # the JSON's
        assert nb.late_submission_penalty == 1.0
    assert seconds < 30   # nothing graded (grading starts a zygote and a sandbox)


def test_gradebook_stops_when_a_submission_is_newer_than_the_results(toy, capsys):
    course, url = toy
    time.sleep(0.05)
    toy_course.write_submission(course, "s01")        # collected again after grading
    toy_course.write_submission(course, "s02")        # and a new one
    code = cli.main(["gradebook", "--course", str(course), "--write"])
    err = capsys.readouterr().err
    assert code == 1
    assert "does not hold the grades of 2 submissions; nothing was compared or written" in err
    assert "s01/staged/staged.ipynb: changed after" in err
    assert "s02/staged/staged.ipynb: not in" in err
    assert "python -m backprop_lab grade " in err
    from nbgrader.api import Gradebook
    with Gradebook(url) as gb:
        nb = gb.find_submission_notebook("staged", "staged", "s01")
        assert all(g.manual_score is None for g in nb.grades)


def test_gradebook_without_results_says_how_to_make_them(tmp_path, template, capsys):
    course = toy_course.make_course(tmp_path / "course")
    make_gradebook(template, course / "gradebook.db")
    toy_course.write_submission(course, "s01")
    assert cli.main(["gradebook", "--course", str(course)]) == 1
    err = capsys.readouterr().err
    assert f"no results at {course / OUTPUT / 'grades.json'}" in err and "--hidden --json" in err


# ------------------------------------------------------------------ one ignored output folder

def _defaults() -> dict[str, Path]:
    parser = cli.build_parser()
    grade = parser.parse_args(["grade", "--json", "--csv", "--feedback"])
    lms_canvas = parser.parse_args(["lms", "canvas"])
    report = parser.parse_args(["class-report"])
    sim = parser.parse_args(["similarity"])
    return {"grade --json": grade.json, "grade --csv": grade.csv,
            "grade --feedback": grade.feedback / "s01" / "relu.html",
            "lms --results": lms_canvas.results, "class-report --results": report.results,
            "class-report --out": report.out / "class_report.html", "similarity --out": sim.out}


def test_every_default_output_is_in_one_folder_the_repository_ignores():
    defaults = _defaults()
    for command, path in defaults.items():
        assert path.parts[0] == str(OUTPUT), (command, path)
    paths = [str(p) for p in defaults.values()] + [
        f"{OUTPUT}/canvas.csv", f"{OUTPUT}/canvas-overrides.csv", f"{OUTPUT}/roster.csv",
        "gradebook.db", "gradebook.db.backprop-lab.json"]
    proc = subprocess.run(["git", "-C", str(ROOT), "check-ignore", "--no-index", *paths],
                          capture_output=True, text=True)
    assert sorted(proc.stdout.split()) == sorted(paths)


def test_lms_says_when_there_is_no_gradebook_to_read_overrides_from(day, capsys):
    folder, _ = day
    (folder / "gradebook.db").unlink()
    code, rows = run_lms(folder, "canvas")
    assert code == 0
    assert f"note: no nbgrader gradebook at {folder / 'gradebook.db'}: the scores are those " \
           "of --results, without a TA's overrides" in capsys.readouterr().err
    assert cli.main(["lms", "canvas", "--results", str(folder / "grades.json"), "--roster",
                     str(folder / "roster.csv"), "--gradebook", str(folder / "none.db"),
                     "--out", str(folder / "x.csv")]) == 2
    assert "no gradebook at" in capsys.readouterr().err
