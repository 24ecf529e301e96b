"""The LMS exports: Canvas's gradebook import columns, the roster cases, the plain CSV."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from autograder import cli
from autograder.reports import lms


def result(student, assignment, score, max_score=10.0, error=None, path=None):
    return {"student": student, "assignment": assignment,
            "path": path or f"submitted/{student}/{assignment}/{assignment}.ipynb",
            "score": score, "max_score": max_score, "error": error, "tests": []}


ROSTER = ("nbgrader_id,Student,ID,SIS User ID,SIS Login ID,Section\n"
          "s01,\"Doe,\nJane\",101,2020001,jdoe,Section A\n"
          "s02,\"Roe, Rick\",102,2020002,rroe,Section B\n"
          "s03,\"Poe, Ann\",103,,apoe,Section A\n")


@pytest.fixture
def roster_file(tmp_path) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER, encoding="utf-8")
    return path


def write_results(tmp_path, results) -> Path:
    path = tmp_path / "grades.json"
    path.write_text(json.dumps({"submissions": results}), encoding="utf-8")
    return path


def read_csv(path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def test_canvas_file_has_canvas_documented_columns_points_row_and_zeros(tmp_path, roster_file,
                                                                        capsys):
    results = [result("s01", "sigmoid", 7.5), result("s01", "relu", 10.0),
               result("s02", "relu", 4.0)]      # s02 sigmoid and all of s03 missing
    out = tmp_path / "canvas.csv"
    code = cli.main(["lms", "canvas", "--results", str(write_results(tmp_path, results)),
                     "--roster", str(roster_file), "--out", str(out)])
    assert code == 0
    rows = read_csv(out)
    # Canvas's importer: Student, ID first; SIS User ID and SIS Login ID; Section ends the
    # student columns; then one column per assignment, named by its title (course order)
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                       "sigmoid", "relu"]
    assert rows[1] == ["Points Possible", "", "", "", "", "10", "10"]
    assert rows[2] == ["Doe,\nJane", "101", "2020001", "jdoe", "Section A", "7.5", "10"]
    assert rows[3] == ["Roe, Rick", "102", "2020002", "rroe", "Section B", "0", "4"]
    assert rows[4] == ["Poe, Ann", "103", "", "apoe", "Section A", "0", "0"]
    assert len(rows) == 5
    err = capsys.readouterr().err
    assert "missing, scored 0: s02 / sigmoid" in err
    assert "missing, scored 0: s03 / relu" in err


def test_unmatched_student_is_reported_and_exit_code_says_so(tmp_path, roster_file, capsys):
    results = [result("s01", "relu", 10.0), result("s99", "relu", 3.0),
               {**result(None, "relu", 2.0), "path": "loose/relu.ipynb"}]
    out = tmp_path / "canvas.csv"
    code = cli.main(["lms", "canvas", "--results", str(write_results(tmp_path, results)),
                     "--roster", str(roster_file), "--out", str(out)])
    assert code == 1
    err = capsys.readouterr().err
    assert "NOT IN THE FILE: s99 / relu" in err
    assert "NOT IN THE FILE: (no student id) / relu (loose/relu.ipynb)" in err
    assert [r[0] for r in read_csv(out)[2:]] == ["Doe,\nJane", "Roe, Rick", "Poe, Ann"]


def test_ungraded_submission_scores_zero_and_is_reported(tmp_path, roster_file):
    results = [result("s01", "relu", 0.0, max_score=0.0, error="broken JSON"),
               result("s02", "relu", 6.0)]
    book = lms.build_gradebook(results, lms.read_roster(roster_file))
    assert book.grades[("s01", "relu")] == lms.Cell(0.0, "ungraded")
    assert book.points["relu"] == 10.0          # from graded submissions only
    assert book.ungraded() == [("s01", "relu")]
    assert ("s03", "relu") in book.missing()
    assert any("could not be graded, scored 0: s01 / relu" in p
               for p in lms.problems(book, None))


def test_canvas_export_used_as_roster(tmp_path):
    """A Canvas gradebook export with an nbgrader_id column added: its Points Possible row,
    its Test Student (no nbgrader_id) and its other columns are skipped, the skip reported."""
    path = tmp_path / "export.csv"
    path.write_text(
        "\ufeffStudent,ID,SIS User ID,SIS Login ID,Section,Quiz 1 (555),nbgrader_id\n"
        "    Points Possible,,,,,5,\n"
        "\"Student, Test\",999,,,Section A,,\n"
        "\"Doe, Jane\",101,2020001,jdoe,Section A,4,s01\n", encoding="utf-8")
    roster = lms.read_roster(path)
    assert roster.entries == [lms.RosterEntry("s01", "Doe, Jane", "101", "2020001", "jdoe",
                                              "Section A")]
    assert roster.skipped == ["line 3: Student, Test"]


def test_roster_errors_are_plain(tmp_path):
    no_id = tmp_path / "a.csv"
    no_id.write_text("Student,ID\nx,1\n", encoding="utf-8")
    with pytest.raises(lms.LmsError, match="no 'nbgrader_id' column"):
        lms.read_roster(no_id)
    twice = tmp_path / "b.csv"
    twice.write_text("nbgrader_id,ID\ns1,1\ns1,2\n", encoding="utf-8")
    with pytest.raises(lms.LmsError, match="lists s1 twice"):
        lms.read_roster(twice)


def test_later_result_replaces_earlier_and_is_reported(tmp_path, roster_file):
    results = [result("s01", "relu", 2.0), result("s01", "relu", 9.0)]
    book = lms.build_gradebook(results, lms.read_roster(roster_file))
    assert book.grades[("s01", "relu")].score == 9.0
    assert book.duplicates == [results[0]]


def test_plain_without_roster_has_every_student_of_the_results(tmp_path):
    results = [result("b", "relu", 2.0), result("a", "sigmoid", 3.5, max_score=4.0)]
    out = tmp_path / "plain.csv"
    code = cli.main(["lms", "plain", "--results", str(write_results(tmp_path, results)),
                     "--out", str(out), "--title", "relu=ReLU lab"])
    assert code == 0
    assert read_csv(out) == [["nbgrader_id", "lms_id", "name", "sigmoid", "ReLU lab"],
                             ["a", "", "", "3.5", "0"],
                             ["b", "", "", "0", "2"]]


def test_canvas_needs_a_roster_and_output_is_not_overwritten(tmp_path, roster_file, capsys):
    res = write_results(tmp_path, [result("s01", "relu", 1.0)])
    out = tmp_path / "canvas.csv"
    assert cli.main(["lms", "canvas", "--results", str(res), "--out", str(out)]) == 2
    assert "needs --roster" in capsys.readouterr().err
    out.write_text("keep", encoding="utf-8")
    assert cli.main(["lms", "canvas", "--results", str(res), "--roster", str(roster_file),
                     "--out", str(out)]) == 2
    assert out.read_text(encoding="utf-8") == "keep"
    assert cli.main(["lms", "canvas", "--results", str(res), "--roster", str(roster_file),
                     "--out", str(out), "--force"]) == 0
    assert read_csv(out)[0][0] == "Student"


def test_results_that_are_not_grade_json_are_refused(tmp_path):
    bad = tmp_path / "x.json"
    bad.write_text(json.dumps({"submissions": [{"assignment": "relu"}]}), encoding="utf-8")
    with pytest.raises(lms.LmsError, match="lacks an assignment, score or max_score"):
        lms.load_results(bad)


def test_late_policy_in_canvas_and_plain(tmp_path, roster_file):
    for student, stamp in (("s01", "2026-10-12 21:00:00.000000 UTC"),
                           ("s02", "2026-10-14 09:00:00.000000 UTC")):
        folder = tmp_path / "submitted" / student / "relu"
        folder.mkdir(parents=True)
        (folder / "timestamp.txt").write_text(stamp, encoding="utf-8")
    policy = tmp_path / "late_policy.toml"
    policy.write_text('timezone = "UTC"\npenalty_per_day = 0.1\n'
                      '[deadlines]\nrelu = "2026-10-12 23:59"\n', encoding="utf-8")
    res = write_results(tmp_path, [result("s01", "relu", 8.0), result("s02", "relu", 8.0)])
    common = ["--results", str(res), "--roster", str(roster_file), "--late-policy",
              str(policy), "--submitted", str(tmp_path / "submitted")]
    assert cli.main(["lms", "canvas", *common, "--out", str(tmp_path / "c.csv"),
                     "--late-csv", str(tmp_path / "late.csv")]) == 0
    rows = read_csv(tmp_path / "c.csv")
    assert [r[5] for r in rows[2:]] == ["8", "6", "0"]      # s02 two days late: -2 of 10
    assert cli.main(["lms", "plain", *common, "--out", str(tmp_path / "p.csv")]) == 0
    plain = read_csv(tmp_path / "p.csv")
    assert plain[0][3:] == ["relu", "relu raw", "relu late penalty"]
    assert plain[2] == ["s02", "rroe", "Roe, Rick", "6", "8", "2"]
    late = read_csv(tmp_path / "late.csv")
    assert late[2][:8] == ["s02", "relu", "2026-10-14T09:00:00+00:00",
                           "2026-10-12T23:59:00+00:00", "2", "8", "2", "6"]
