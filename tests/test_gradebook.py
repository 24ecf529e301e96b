"""`python -m backprop_lab gradebook`: nbgrader's gradebook against our grades, in a real course.

The course is the session's nbgrader run of `staged` (conftest.nbgrader_runs: nbgrader
autograde costs seconds per notebook): a full solution, a half-solved copy, a stub, and a stub
whose first solution cell replaces the checks the test cells import, which fools nbgrader's
in-kernel tests but not our grader.
"""
from __future__ import annotations

import csv
import dataclasses
import json
import shutil
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from backprop_lab import batch, cli
from backprop_lab.course.nbgrader import run_nbgrader_steps
from backprop_lab.course.gradebook import (
    PERSON, Difference, Record, compare, db_url, default_db_url, write,
)
from backprop_lab.grading import Settings
from conftest import notebook

ASSIGNMENT = "staged"   # the smallest assignment; its test names appear below


def submit(course: Path, student: str, nb) -> Path:
    path = notebook(f"submitted/{student}", ASSIGNMENT, course)
    path.parent.mkdir(parents=True)
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def autograded(nbgrader_runs, tmp_path_factory):
    """A course whose submissions nbgrader has autograded; its gradebook is kept aside. A copy
    of the session's: these tests change it, others read the original."""
    run = nbgrader_runs[ASSIGNMENT]
    course = tmp_path_factory.mktemp("gradebook") / "course"
    shutil.copytree(run.course, course)
    return course, course / run.db.name


def assert_no_config_warnings(log: str) -> None:
    """nbgrader logs these for a relative root and for a config option a class does not
    take: on every command, they bury what matters."""
    assert "is not absolute" not in log and "not recognized" not in log, log
    assert "[" in log   # nbgrader did log (its INFO lines): the check looked at its output


@pytest.fixture
def course(autograded):
    """The course with a fresh copy of the autograded gradebook where nbgrader looks for it."""
    course, db = autograded
    shutil.copy(db, course / "gradebook.db")
    yield course
    (course / "gradebook.db").unlink()
    (course / "gradebook.db.backprop-lab.json").unlink(missing_ok=True)


@pytest.fixture(scope="module")
def ours(autograded):
    course, _ = autograded
    settings = Settings(course=course, hidden=True)
    results = batch.grade_all(batch.find_notebooks([str(course / "submitted")], course), settings,
                            jobs=2)
    return {r.student: r for r in results}


def gradebook(course: Path) -> Gradebook:
    return Gradebook(f"sqlite:///{course / 'gradebook.db'}")


def test_honest_submissions_agree(course, ours):
    assert 0 < ours["half"].score < ours["full"].score == ours["full"].max_score
    with gradebook(course) as gb:
        assert compare([ours["full"], ours["half"]], gb) == []


def test_a_submission_that_fools_nbgrader_is_reported_with_both_scores(course, ours):
    assert ours["cheat"].score == 0
    with gradebook(course) as gb:
        differences = compare(ours.values(), gb)
    assert {d.student for d in differences} == {"cheat"}
    assert differences == [Difference("cheat", ASSIGNMENT, t.name, t.max_score, 0.0)
                           for t in ours["cheat"].tests]   # nbgrader: full marks


def test_the_cli_prints_the_differences_and_exits_1(course, ours, capsys):
    with gradebook(course) as gb:   # an instructor's mistake in the gradebook, too
        grade = gb.find_grade("test_add_backward", ASSIGNMENT, ASSIGNMENT, "half")
        assert grade.score == 1
        grade.manual_score = 0.5
        gb.db.commit()
    code = cli.main(["gradebook", "--grade", "--course", str(course), "--jobs", "2"])
    out = capsys.readouterr().out
    assert code == 1
    lines = out.splitlines()
    assert lines[0].split() == ["student", "assignment", "test", "nbgrader", "ours"]
    [half] = [l for l in lines if l.startswith("half")]
    assert half.split()[:5] == ["half", ASSIGNMENT, "test_add_backward", "0.5", "1"]
    assert half.endswith("manual score set by a person")
    assert ["cheat", ASSIGNMENT, "test_numerical_gradient", "2", "0"] in [l.split() for l in lines]
    assert len(lines) == 2 + len(ours["cheat"].tests) + 2
    assert "1 manual scores set by a person differ from ours and are kept by --write" in out
    assert f"{len(ours) - 2} of {len(ours)} submissions agree" in lines[-1]   # half, cheat
    with gradebook(course) as gb:   # nothing written
        assert gb.find_grade("test_add_backward", ASSIGNMENT, ASSIGNMENT, "half").score == 0.5


@pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")   # nbgrader's add_submission
def test_submissions_missing_from_the_gradebook_or_not_autograded(course, ours):
    late = submit(course, "late", nbformat.read(notebook("assignments", ASSIGNMENT),
                                                 as_version=4))
    try:
        settings = Settings(course=course, hidden=True)
        [result] = batch.grade_all([late], settings, jobs=1)
        with gradebook(course) as gb:
            [missing] = compare([result], gb)
            assert (missing.student, missing.test, missing.nbgrader, missing.ours) == \
                ("late", None, None, 0.0)
            assert "missing from the gradebook" in missing.problem
            gb.add_student("late")
            gb.add_submission(ASSIGNMENT, "late")   # e.g. collected, not autograded
            [pending] = compare([result], gb)
            assert pending.test is None and pending.problem == "not autograded by nbgrader"
            assert write([result], gb).changed == len(result.tests)
            assert compare([result], gb) == []
    finally:
        shutil.rmtree(late.parent.parent)


def test_write_makes_nbgrader_export_and_feedback_show_our_scores(course, ours, capsys):
    code = cli.main(["gradebook", "--grade", "--course", str(course), "--write", "--jobs", "2"])
    out = capsys.readouterr().out
    assert code == 0, out
    changed = len(ours["cheat"].tests)
    total = sum(len(r.tests) for r in ours.values())
    assert f"wrote our scores to {total} grades of {len(ours)} submissions" in out
    assert f"{changed} grades changed" in out
    assert f"{len(ours)} of {len(ours)} submissions agree with the gradebook." in out
    with gradebook(course) as gb:
        record = Record.load(course / "gradebook.db.backprop-lab.json")
        assert len(record.scores) == total   # every score written is recorded
        assert compare(ours.values(), gb, record) == []
        assert write(ours.values(), gb, record).changed == 0   # idempotent

    export = course / "grades.csv"
    # nbgrader's export and feedback, both reading the gradebook, in one nbgrader process
    _, proc = run_nbgrader_steps([
        (course, ("export", "--to", str(export))),
        (course, ("generate_feedback", ASSIGNMENT, "--student", "cheat", "--force"))],
        db=course / "gradebook.db")
    rows = {r["student_id"]: r for r in csv.DictReader(export.open())}
    assert {s: float(r["score"]) for s, r in rows.items()} == \
        {s: r.score for s, r in ours.items()}
    assert rows["cheat"]["score"] == "0.0"
    export.unlink()

    assert_no_config_warnings(proc.stderr)
    feedback = course / "feedback" / "cheat" / ASSIGNMENT / f"{ASSIGNMENT}.html"
    assert f"Score: 0.0 / {ours['cheat'].max_score:.1f}" in feedback.read_text()


def test_the_default_gradebook_is_nbgrader_s(tmp_path):
    assert default_db_url(tmp_path) == f"sqlite:///{tmp_path / 'gradebook.db'}"
    (tmp_path / "nbgrader_config.py").write_text(
        "c = get_config()\nc.CourseDirectory.db_url = 'sqlite:///grades/gb.db'\n")
    assert default_db_url(tmp_path) == f"sqlite:///{tmp_path / 'grades' / 'gb.db'}"
    with pytest.raises(batch.UsageError, match="no gradebook at"):
        db_url(None, tmp_path)   # nbgrader's Gradebook would make an empty one
    (tmp_path / "grades").mkdir()
    (tmp_path / "grades" / "gb.db").touch()
    assert db_url(None, tmp_path) == default_db_url(tmp_path)
    assert db_url(str(tmp_path / "grades" / "gb.db"), tmp_path) == default_db_url(tmp_path)
    assert db_url("postgresql://host/grades", tmp_path) == "postgresql://host/grades"
    with pytest.raises(SystemExit) as exit_:
        cli.main(["gradebook", "--course", str(tmp_path), "--db", str(tmp_path / "none.db")])
    assert exit_.value.code == 2


def test_write_keeps_a_manual_score_a_person_set_and_reports_it(course, ours, capsys):
    """A TA's override in formgrader is a manual score, as ours are: the ones this tool wrote
    are recorded beside the gradebook, and any other is kept unless --overwrite-manual."""
    code = cli.main(["gradebook", "--grade", "--course", str(course), "--write", "--jobs", "2"])
    assert code == 0, capsys.readouterr().out
    capsys.readouterr()
    with gradebook(course) as gb:   # then a TA lowers one of ours, and overrides another
        ta = gb.find_grade("test_add_backward", ASSIGNMENT, ASSIGNMENT, "half")
        ta.manual_score = 0.5
        ta2 = gb.find_grade("test_mul_backward", ASSIGNMENT, ASSIGNMENT, "full")
        ta2.manual_score = 0.25
        gb.db.commit()

    code = cli.main(["gradebook", "--grade", "--course", str(course), "--write", "--jobs", "2"])
    out = capsys.readouterr().out
    assert code == 1
    assert "0 grades changed" in out
    rows = [l.split()[:5] for l in out.splitlines() if l.endswith(PERSON)]
    assert sorted(rows) == [["full", ASSIGNMENT, "test_mul_backward", "0.25", "1"],
                            ["half", ASSIGNMENT, "test_add_backward", "0.5", "1"]]
    assert "2 manual scores set by a person differ from ours and are kept; " \
           "--overwrite-manual replaces them." in out
    with gradebook(course) as gb:
        assert gb.find_grade("test_add_backward", ASSIGNMENT, ASSIGNMENT, "half").score == 0.5
        assert gb.find_grade("test_mul_backward", ASSIGNMENT, ASSIGNMENT, "full").score == 0.25

    # our own earlier write is ours to change: a regrade with a different score replaces it
    regraded = dataclasses.replace(ours["cheat"], tests=[
        dataclasses.replace(t, score=t.max_score) if t.name == "test_add_backward" else t
        for t in ours["cheat"].tests])
    with gradebook(course) as gb:
        record = Record.load(course / "gradebook.db.backprop-lab.json")
        written = write([regraded, ours["half"]], gb, record)
        assert (written.changed, written.replaced) == (1, 0)
        assert [(d.student, d.test) for d in written.kept] == [("half", "test_add_backward")]
        assert gb.find_grade("test_add_backward", ASSIGNMENT, ASSIGNMENT, "cheat").score == 1
    saved = json.loads((course / "gradebook.db.backprop-lab.json").read_text())
    assert saved["manual_scores_written"][f"cheat/{ASSIGNMENT}/{ASSIGNMENT}/test_add_backward"] == 1

    code = cli.main(["gradebook", "--grade", "--course", str(course), "--write",
                     "--overwrite-manual", "--jobs", "2"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "2 manual scores a person set replaced" in out
    assert f"{len(ours)} of {len(ours)} submissions agree with the gradebook." in out
    with gradebook(course) as gb:
        assert gb.find_grade("test_add_backward", ASSIGNMENT, ASSIGNMENT, "half").score == 1
        assert gb.find_grade("test_add_backward", ASSIGNMENT, ASSIGNMENT, "cheat").score == 0


def test_without_a_record_every_manual_score_counts_as_a_person_s(course, ours):
    with gradebook(course) as gb:
        grade = gb.find_grade("test_add_backward", ASSIGNMENT, ASSIGNMENT, "cheat")
        grade.manual_score = 1.0   # e.g. set in formgrader before this tool ever ran
        gb.db.commit()
        written = write([ours["cheat"]], gb, Record(None))
        assert [(d.test, d.nbgrader, d.ours, d.problem) for d in written.kept] == \
            [("test_add_backward", 1.0, 0.0, PERSON)]
        assert gb.find_grade("test_add_backward", ASSIGNMENT, ASSIGNMENT, "cheat").score == 1
        # the other tests had no manual score: ours now
        assert written.grades == len(ours["cheat"].tests) - 1


def test_a_broken_record_stops_the_tool_rather_than_guessing(course, capsys):
    (course / "gradebook.db.backprop-lab.json").write_text("{not json")
    code = cli.main(["gradebook", "--grade", "--course", str(course), "--write", "--jobs", "1"])
    assert code == 1
    assert "cannot read" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:   # and --overwrite-manual needs --write
        cli.main(["gradebook", "--course", str(course), "--overwrite-manual"])
    assert exit_.value.code == 2


def test_gradebook_submissions_without_a_notebook_are_reported(course, ours, capsys):
    """A submission folder with no notebook in it (here a file saved under another kind of
    name): the gradebook still holds that submission, and it is listed with what its folder
    holds. (A notebook renamed by the browser, `staged (1).ipynb`, alone in its folder, is
    that assignment's submission and graded: see test_discovery.)"""
    notebook_file = course / "submitted" / "half" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    renamed = notebook_file.with_name(f"{ASSIGNMENT}.ipynb.txt")
    notebook_file.rename(renamed)
    try:
        code = cli.main(["gradebook", "--grade", "--course", str(course), "--jobs", "2"])
        out = capsys.readouterr().out
        assert code == 1
        assert f"1 submissions in the gradebook have no notebook under " \
               f"{course / 'submitted'} and were not graded:" in out
        [line] = [l for l in out.splitlines() if "in the gradebook, but no" in l]
        assert line.split()[:2] == ["half", ASSIGNMENT]
        assert f"(it holds: {ASSIGNMENT}.ipynb.txt)" in line
        # a folder of one student: only that student's are looked for
        code = cli.main(["gradebook", "--grade", str(course / "submitted" / "full"), "--course",
                         str(course), "--jobs", "1"])
        out = capsys.readouterr().out
        assert code == 0 and "have no notebook" not in out
        code = cli.main(["gradebook", "--grade", str(course / "submitted" / "half"), "--course",
                         str(course), "--jobs", "1"])   # nothing to grade there
        out = capsys.readouterr().out
        assert code == 1
        assert f"1 submissions in the gradebook have no notebook under " \
               f"{course / 'submitted' / 'half'}" in out
        assert "0 of 0 submissions agree" in out
    finally:
        renamed.rename(notebook_file)


def test_nbgrader_commands_log_no_config_warnings(nbgrader_runs):
    for run in nbgrader_runs.values():
        assert len(run.logs) == 2   # autograde, generate_feedback
        for log in run.logs:
            assert_no_config_warnings(log)


def test_regenerate_an_unknown_assignment_exits_2_with_the_known_ids(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["regenerate", "staged", "nosuch", "--course", str(tmp_path)])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "unknown assignment nosuch" in err and "staged, sigmoid, relu, rnn" in err
    assert not (tmp_path / "assignments").exists()   # nothing regenerated
