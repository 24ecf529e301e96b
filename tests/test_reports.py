"""Batch grading reports: exports checked against schemas, the class summary, per-student
feedback files and the progress bar, on a toy class of four students.

alice  correct                                        5/5
bob    `double` wrong, and it prints a <script> tag   2/5  (pair, scale_dict)
carol  `double` and `pair` raise NotImplementedError  1/5  (scale_dict)
dave   broken JSON                                    could not be graded
"""
from __future__ import annotations

import copy
import csv
import io
import json
import os
import subprocess
import sys
import threading
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest

import toy_course
from backprop_lab.reports import feedback, report
from backprop_lab.batch import find_notebooks, grade_all
from backprop_lab.grading import Settings, SubmissionResult, TestResult
from backprop_lab.progress import ProgressBar

SCRIPT = "<script>alert(1)</script>"
BOB = {"double": f"def double(x):\n    print({SCRIPT!r})\n    return x\n"}
CAROL = {"double": "def double(x):\n    raise NotImplementedError()\n",
         "pair": "def pair(x):\n    raise NotImplementedError()\n"}
SCORES = {"alice": 5, "bob": 2, "carol": 1, "dave": 0}
# passed / graded over alice, bob and carol (dave could not be graded)
PASS_RATES = {"test_double": (1, 3), "test_double_hidden": (1, 3), "test_pair": (2, 3),
              "test_scale_dict": (3, 3)}

# --json, as SPEC.md writes it; the documented extras: `warnings` (notes on the notebook),
# times (`seconds`, `budget`, each test's `seconds` and `timings`), the files `skipped` and
# the `renamed_students`
_TIMING = {"type": "object", "required": ["run", "status", "seconds"],
           "additionalProperties": False,
           "properties": {"run": {"enum": ["batch", "rerun"]},
                          "status": {"enum": ["passed", "failed", "error", "timeout"]},
                          "seconds": {"type": "number", "minimum": 0}}}
SUBMISSIONS_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["submissions"],
    "additionalProperties": False,
    "properties": {
      "skipped": {"type": "array", "items": {
          "type": "object", "required": ["path", "reason"], "additionalProperties": False,
          "properties": {"path": {"type": "string"}, "reason": {"type": "string"}}}},
      "renamed_students": {"type": "array", "items": {
          "type": "object", "required": ["id", "reported_as"], "additionalProperties": False,
          "properties": {"id": {"type": "string"}, "reported_as": {"type": "string"}}}},
      "submissions": {"type": "array", "items": {
        "type": "object",
        "required": ["student", "assignment", "path", "score", "max_score", "error", "tests"],
        "additionalProperties": False,
        "properties": {
            "student": {"type": ["string", "null"]},
            "assignment": {"type": "string", "minLength": 1},
            "path": {"type": "string", "minLength": 1},
            "score": {"type": "number", "minimum": 0},
            "max_score": {"type": "number", "minimum": 0},
            "error": {"type": ["string", "null"]},
            "status": {"enum": ["graded", "error", "missing", "unrecognized"]},
            "warnings": {"type": "array", "items": {"type": "string"}},
            "seconds": {"type": "number", "minimum": 0},
            "budget": {"type": ["number", "null"], "exclusiveMinimum": 0},
            # with --late-policy only: the score before the penalty, which `score` is after
            "raw_score": {"type": "number", "minimum": 0},
            "late_penalty": {"type": "number", "minimum": 0},
            "days_late": {"type": "integer", "minimum": 0},
            # why the submission was not judged late: its timestamp.txt could not be read
            "late_error": {"type": "string"},
            "tests": {"type": "array", "items": {
                "type": "object",
                "required": ["name", "score", "max_score", "status", "output"],
                "additionalProperties": False,
                "properties": {
                    "name": {"type": "string", "pattern": "^test_"},
                    "score": {"type": "number", "minimum": 0},
                    "max_score": {"type": "number", "minimum": 0},
                    "status": {"enum": ["passed", "failed", "error", "timeout"]},
                    "output": {"type": "string"},
                    "seconds": {"type": "number", "minimum": 0},
                    "timings": {"type": "array", "items": _TIMING},
                    # the stable ids of the likely causes the failure named
                    "causes": {"type": "array", "items": {
                        "type": "string", "pattern": "^[a-z0-9_]+\\.[a-z0-9_]+$"}},
                }}},
        }}}},
}

# Gradescope's results.json (gradescope-autograders.readthedocs.io, "Autograder
# Specifications"): every field it documents; status is "passed" or "failed".
_VISIBILITY = {"enum": ["hidden", "after_due_date", "after_published", "visible"]}
GRADESCOPE_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["score", "output", "visibility", "stdout_visibility", "tests"],
    "additionalProperties": False,
    "properties": {
        "score": {"type": "number", "minimum": 0},
        "execution_time": {"type": "number"},
        "output": {"type": "string"},
        "output_format": {"type": "string"},
        "test_output_format": {"type": "string"},
        "test_name_format": {"type": "string"},
        "visibility": _VISIBILITY,
        "stdout_visibility": _VISIBILITY,
        "extra_data": {"type": "object"},
        "leaderboard": {"type": "array"},
        "tests": {"type": "array", "items": {
            "type": "object",
            "required": ["name", "score", "max_score", "status", "output", "visibility"],
            "additionalProperties": False,
            "properties": {
                "name": {"type": "string", "minLength": 1},
                "name_format": {"type": "string"},
                "number": {"type": "string"},
                "score": {"type": "number", "minimum": 0},
                "max_score": {"type": "number", "minimum": 0},
                "status": {"enum": ["passed", "failed"]},
                "output": {"type": "string"},
                "output_format": {"type": "string"},
                "tags": {"type": "array", "items": {"type": "string"}},
                "visibility": _VISIBILITY,
                "extra_data": {"type": "object"},
            }}},
    },
}


def validate(instance, schema):
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(instance)


def run_cli(*args, cwd, **kw):
    return subprocess.run([sys.executable, "-m", "backprop_lab", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=180, **kw)


def make_class(root: Path) -> Path:
    toy_course.make_course(root)
    toy_course.write_submission(root, "alice")
    toy_course.write_submission(root, "bob", BOB)
    toy_course.write_submission(root, "carol", CAROL)
    broken = root / "submitted" / "dave" / "staged" / "staged.ipynb"
    broken.parent.mkdir(parents=True)
    broken.write_text("{]")
    return root


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The class graded once through the CLI, with every export and the feedback files."""
    root = make_class(tmp_path_factory.mktemp("class"))
    proc = run_cli("grade", "submitted", "--hidden", "--jobs", "2", "--json", "out.json",
                   "--csv", "out.csv", "--feedback", "fb", cwd=root)
    assert proc.returncode == 1, proc.stderr        # dave could not be graded
    data = json.loads((root / "out.json").read_text())
    return root, proc, data


@pytest.fixture(scope="module")
def results(graded):
    """The same class graded in this process through grade_all, as SubmissionResults."""
    root = graded[0]
    return grade_all(find_notebooks([str(root / "submitted")], root),
                     Settings(course=root, hidden=True), jobs=1)


def by_student(submissions):
    return {s["student"]: s for s in submissions}


# --- JSON -------------------------------------------------------------------------------

def test_json_export_matches_the_spec_schema_and_the_scores(graded):
    data = graded[2]
    validate(data, SUBMISSIONS_SCHEMA)
    subs = by_student(data["submissions"])
    assert {name: s["score"] for name, s in subs.items()} == SCORES
    for name, sub in subs.items():
        assert sub["assignment"] == "staged" and sub["max_score"] == 5
        assert sub["score"] == sum(t["score"] for t in sub["tests"])
        assert sub["max_score"] == sum(t["max_score"] for t in sub["tests"])
        for t in sub["tests"]:
            assert (t["status"] == "passed") == (t["score"] == t["max_score"])
            assert t["status"] == "passed" or t["output"]      # a failure always says why
        assert (sub["error"] is None) == (name != "dave")
    assert "not a valid notebook" in subs["dave"]["error"]
    assert {t["status"] for t in subs["dave"]["tests"]} == {"error"}
    bob = {t["name"]: t for t in subs["bob"]["tests"]}
    assert bob["test_double"]["status"] == "failed"
    assert "y is wrong" in bob["test_double"]["output"]
    assert f"Your code printed:\n{SCRIPT}" in bob["test_double"]["output"]
    carol = {t["name"]: t for t in subs["carol"]["tests"]}
    assert "not implemented yet" in carol["test_pair"]["output"]


def test_the_json_schema_rejects_what_the_spec_does_not_allow(graded):
    data = graded[2]
    for mutate in (lambda d: d["submissions"][0].pop("error"),
                   lambda d: d["submissions"][0]["tests"][0].update(status="ok"),
                   lambda d: d["submissions"][0]["tests"][0].update(hidden=True),
                   lambda d: d["submissions"][0].update(score="5")):
        bad = copy.deepcopy(data)
        mutate(bad)
        with pytest.raises(jsonschema.ValidationError):
            validate(bad, SUBMISSIONS_SCHEMA)


def test_write_json_of_in_process_results_matches_the_cli(graded, results, tmp_path):
    report.write_json(results, tmp_path / "again.json")
    again = json.loads((tmp_path / "again.json").read_text())
    validate(again, SUBMISSIONS_SCHEMA)
    cli = by_student(graded[2]["submissions"])
    for student, sub in by_student(again["submissions"]).items():
        assert sub["score"] == cli[student]["score"]
        assert ([(t["name"], t["status"]) for t in sub["tests"]]
                == [(t["name"], t["status"]) for t in cli[student]["tests"]])


# --- CSV --------------------------------------------------------------------------------

def test_csv_has_one_row_per_student_and_assignment_and_numeric_scores(graded):
    root, _, data = graded
    with open(root / "out.csv", newline="") as fh:
        reader = csv.DictReader(fh)
        header, rows = reader.fieldnames, list(reader)
    tests = ["test_double", "test_double_hidden", "test_pair", "test_scale_dict"]
    assert header == ["student", "assignment", "path", *tests, "score", "max_score", "status",
                      "error"]
    assert sorted((r["student"], r["assignment"]) for r in rows) == \
        [(s, "staged") for s in sorted(SCORES)]
    subs = by_student(data["submissions"])
    for row in rows:
        numbers = {c: float(row[c]) for c in [*tests, "score", "max_score"]}   # all numbers
        assert numbers["score"] == SCORES[row["student"]]
        assert numbers["max_score"] == 5
        assert numbers["score"] == sum(numbers[t] for t in tests)
        assert {t: numbers[t] for t in tests} == \
            {t["name"]: t["score"] for t in subs[row["student"]]["tests"]}
        assert bool(row["error"]) == (row["student"] == "dave")


# --- Gradescope ---------------------------------------------------------------------------

def test_gradescope_results_match_the_results_json_schema(graded, tmp_path):
    root = graded[0]
    proc = run_cli("grade", "submitted/bob", "--hidden", "--gradescope", tmp_path / "bob.json",
                   cwd=root)
    assert proc.returncode == 0, proc.stderr
    bob = json.loads((tmp_path / "bob.json").read_text())
    validate(bob, GRADESCOPE_SCHEMA)
    assert bob["score"] == 2 == sum(t["score"] for t in bob["tests"])
    statuses = {t["name"]: t["status"] for t in bob["tests"]}
    assert statuses == {"test_double": "failed", "test_double_hidden": "failed",
                        "test_pair": "passed", "test_scale_dict": "passed"}
    double = next(t for t in bob["tests"] if t["name"] == "test_double")
    assert double["max_score"] == 2 and "y is wrong" in double["output"]

    proc = run_cli("grade", "submitted/dave", "--hidden", "--gradescope",
                   tmp_path / "dave.json", cwd=root)
    assert proc.returncode == 1
    dave = json.loads((tmp_path / "dave.json").read_text())
    validate(dave, GRADESCOPE_SCHEMA)
    assert dave["score"] == 0 and "could not be graded" in dave["output"]


def test_gradescope_results_of_every_in_process_result_validate(results):
    for r in results:
        data = report.gradescope_results(r)
        validate(json.loads(json.dumps(data)), GRADESCOPE_SCHEMA)
        assert data["score"] == SCORES[r.student]
        assert [t["score"] for t in data["tests"]] == [t.score for t in r.tests]


# --- class summary --------------------------------------------------------------------------

def summary_section(stdout: str) -> str:
    assert stdout.count("Class summary:") == 1, stdout
    return stdout[stdout.index("Class summary:"):]


def test_cli_prints_a_class_summary_that_matches_the_results(graded):
    _, proc, data = graded
    text = summary_section(proc.stdout)
    lines = [line.split() for line in text.splitlines()]
    assert text.startswith("Class summary: 3 of 4 submissions graded, 1 could not be graded")
    assert ["staged:", "3", "graded,", "out", "of", "5", "points"] in lines
    # mean (5 + 2 + 1) / 3 = 2.667 = 53.3 %, median 2 = 40 %
    assert ["mean", "2.667/5", "(53.3%)"] in lines
    assert ["median", "2/5", "(40.0%)"] in lines
    # the pass rates, recomputed from the JSON export, as the summary prints them
    graded_subs = [s for s in data["submissions"] if s["error"] is None]
    for name, (passed, total) in PASS_RATES.items():
        runs = [t for s in graded_subs for t in s["tests"] if t["name"] == name]
        assert (sum(t["status"] == "passed" for t in runs), len(runs)) == (passed, total)
        points = runs[0]["max_score"]
        assert [name, f"{points:g}", f"{passed}/{total}", f"{100 * passed / total:.1f}%"] \
            in lines
    ungraded = text[text.index("Could not be graded:"):]
    assert "dave: staged" in ungraded and "not a valid notebook" in ungraded
    for student in ("alice", "bob", "carol"):
        assert student not in ungraded
    # the per-submission table is still printed, before the summary
    assert proc.stdout.index("alice: staged") < proc.stdout.index("Class summary:")


def test_class_statistics_of_in_process_results(results):
    [staged] = report.class_statistics(results)
    assert staged.assignment == "staged" and staged.graded == 3 and staged.max_score == 5
    assert staged.mean == pytest.approx(8 / 3) and staged.median == 2
    assert staged.mean_percent == pytest.approx(800 / 15) and staged.median_percent == 40
    assert {t.name: (t.passed, t.graded) for t in staged.tests} == PASS_RATES
    assert [t.percent for t in staged.tests if t.name == "test_pair"] == \
        [pytest.approx(200 / 3)]


def _result(student, assignment, scores, error=None):
    """A SubmissionResult with tests named t0, t1, ... worth 1 point each, or 2 for t0."""
    tests = [TestResult(f"t{i}", float(s), 2.0 if i == 0 else 1.0,
                        "passed" if s == (2 if i == 0 else 1) else "failed", "")
             for i, s in enumerate(scores)]
    return SubmissionResult(student, assignment, f"submitted/{student}/{assignment}",
                            sum(t.score for t in tests), sum(t.max_score for t in tests),
                            error, tests)


def test_class_summary_of_two_assignments_in_course_order():
    results = [_result("a", "relu", [2, 1, 1]), _result("a", "staged", [2, 0]),
               _result("b", "relu", [0, 1, 0]), _result("b", "staged", [0, 0]),
               _result("c", "relu", [2, 0, 0]), _result("d", "relu", [2, 1, 1]),
               _result("e", "staged", [0, 0], error="the kernel\nexploded")]
    stats = {s.assignment: s for s in report.class_statistics(results)}
    assert list(stats) == ["staged", "relu"]             # course order, not arrival order
    relu, staged = stats["relu"], stats["staged"]
    assert relu.graded == 4 and relu.max_score == 4
    assert relu.mean == pytest.approx((4 + 1 + 2 + 4) / 4)
    assert relu.median == 3                               # between 2 and 4
    assert relu.median_percent == 75
    assert [(t.name, t.passed, t.graded) for t in relu.tests] == \
        [("t0", 3, 4), ("t1", 3, 4), ("t2", 2, 4)]
    assert staged.graded == 2 and staged.mean == 1 and staged.mean_percent == pytest.approx(100 / 3)

    text = report.class_summary(results)
    lines = [line.split() for line in text.splitlines()]
    assert text.startswith("Class summary: 6 of 7 submissions graded, 1 could not be graded")
    assert text.index("staged:") < text.index("relu:")
    assert ["mean", "2.75/4", "(68.8%)"] in lines
    assert ["median", "3/4", "(75.0%)"] in lines
    assert ["t2", "1", "2/4", "50.0%"] in lines
    assert ["staged:", "2", "graded,", "out", "of", "3", "points"] in lines
    assert text.splitlines()[-3:] == ["  e: staged  (submitted/e/staged)", "    the kernel",
                                      "    exploded"]


def test_summary_only_when_several_submissions_and_quiet_prints_only_it(graded):
    root = graded[0]
    one = run_cli("grade", "submitted/alice", "--hidden", cwd=root)
    assert one.returncode == 0, one.stderr
    assert "Class summary" not in one.stdout and "PASS" in one.stdout

    quiet = run_cli("grade", "submitted", "--hidden", "--quiet", "--jobs", "2", cwd=root)
    assert quiet.returncode == 1
    assert "PASS" not in quiet.stdout and "alice: staged" not in quiet.stdout
    assert summary_section(quiet.stdout) == summary_section(graded[1].stdout)
    assert quiet.stdout.startswith("Class summary:")


# --- feedback files -------------------------------------------------------------------------

class _Page(HTMLParser):
    """The text of each <pre>, the tags used, and any attribute that loads something."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pres, self.tags, self.loads, self._pre = [], [], [], None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.loads += [(tag, k, v) for k, v in attrs if k in ("src", "href") and
                       not (v or "").startswith("#")]
        if tag == "pre":
            self._pre = ""

    def handle_endtag(self, tag):
        if tag == "pre":
            self.pres.append(self._pre)
            self._pre = None

    def handle_data(self, data):
        if self._pre is not None:
            self._pre += data


def parse(text: str) -> _Page:
    page = _Page()
    page.feed(text)
    page.close()
    return page


def test_feedback_files_for_every_student_with_the_full_messages(graded):
    root, _, data = graded
    folder = root / "fb"
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) \
        == sorted(f"{s}/staged.{ext}" for s in SCORES for ext in ("md", "html"))
    for sub in data["submissions"]:
        md = (folder / sub["student"] / "staged.md").read_text()
        page_text = (folder / sub["student"] / "staged.html").read_text()
        total = f"Total: {sub['score']:g} / {sub['max_score']:g} points"
        assert total in md and total in page_text
        page = parse(page_text)
        for t in sub["tests"]:
            status = {"timeout": "timed out"}.get(t["status"], t["status"])
            assert f"| `{t['name']}` | {t['score']:g} / {t['max_score']:g} | {status} |" in md
            assert f"## `{t['name']}`: {status}, {t['score']:g} / {t['max_score']:g}" in md
            if t["output"].strip():
                assert t["output"].rstrip() in md          # the whole message, not a line
                assert t["output"].rstrip() in page.pres   # exactly, once unescaped
        assert page.loads == [] and "script" not in page.tags and "link" not in page.tags
        assert "<style>" in page_text                     # self-contained styling
    dave = (folder / "dave" / "staged.md").read_text()
    assert "could not be graded" in dave and "not a valid notebook" in dave


def test_feedback_html_escapes_what_the_student_code_printed(graded):
    folder = graded[0] / "fb"
    page_text = (folder / "bob" / "staged.html").read_text()
    assert SCRIPT not in page_text and "<script" not in page_text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page_text
    assert f"Your code printed:\n{SCRIPT}" in parse(page_text).pres[0]
    md = (folder / "bob" / "staged.md").read_text()
    fenced = md.split("```text\n")[1].split("\n```")[0]
    assert fenced.endswith(f"Your code printed:\n{SCRIPT}")   # in Markdown, inside a fence


def test_feedback_escapes_markup_anywhere_in_a_result(tmp_path):
    evil = "</pre><script>alert(2)</script><img src=x onerror=alert(3)>"
    r = SubmissionResult("<b>mallory</b>", "staged", str(tmp_path / "staged.ipynb"), 0, 1,
                         error=evil, warnings=[evil],
                         tests=[TestResult("test_x", 0, 1, "failed",
                                           f"```\n{evil}\n```\nmore ````\n")])
    page_text = feedback.html_report(r)
    page = parse(page_text)
    assert page.tags.count("pre") == 3 and "script" not in page.tags and "img" not in page.tags
    assert "b" not in page.tags and "&lt;b&gt;mallory&lt;/b&gt;" in page_text
    assert page.pres == [evil, evil, f"```\n{evil}\n```\nmore ````"]
    md = feedback.markdown_report(r)
    # the test output holds runs of 3 and 4 backticks: its fence is 5 long
    assert f"`````text\n```\n{evil}\n```\nmore ````\n`````" in md
    assert "# staged: feedback for &lt;b&gt;mallory&lt;/b&gt;" in md


def test_feedback_names_without_a_student_id(tmp_path):
    def result(path, student=None):
        return SubmissionResult(student, "staged", str(path), 1, 1)

    results = [result(tmp_path / "alice" / "work" / "staged.ipynb"),
               result(tmp_path / "x" / "work" / "staged.ipynb"),
               result(tmp_path / "assignments" / "staged" / "staged.ipynb"),
               result(tmp_path / "staged.ipynb", student="carol")]
    assert [feedback.student_name(r) for r in results] == ["work", "work", "submission",
                                                           "carol"]
    written = feedback.write_feedback(results, tmp_path / "fb")
    assert [p.relative_to(tmp_path / "fb").as_posix() for p in written] == [
        "work/staged.md", "work/staged.html", "work-2/staged.md", "work-2/staged.html",
        "submission/staged.md", "submission/staged.html", "carol/staged.md",
        "carol/staged.html"]


def test_feedback_folder_that_is_a_file_is_a_usage_error(graded, tmp_path):
    (tmp_path / "taken").write_text("")
    proc = run_cli("grade", "submitted/alice", "--hidden", "--feedback", tmp_path / "taken",
                   cwd=graded[0])
    assert proc.returncode == 2 and "--feedback" in proc.stderr


# --- progress bar ---------------------------------------------------------------------------

class FakeTerminal(io.StringIO):
    def __init__(self, tty=True):
        super().__init__()
        self.tty = tty

    def isatty(self):
        return self.tty


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_progress_bar_redraws_in_place_on_a_terminal():
    stream, clock = FakeTerminal(), FakeClock()
    with ProgressBar(4, stream, clock=clock, columns=200) as bar:
        assert stream.getvalue().startswith("\r") and "0/4 submissions" in stream.getvalue()
        clock.now += 10
        bar(SubmissionResult("a", "staged", "p"))
        clock.now += 20
        bar(SubmissionResult("b", "staged", "p", error="broken"))
        clock.now += 30
        bar(SubmissionResult("c", "staged", "p"))
        assert not stream.getvalue().endswith("\n")
        clock.now += 3600
        bar(SubmissionResult("d", "staged", "p"))
    out = stream.getvalue()
    assert out.endswith("\n") and out.count("\n") == 1       # one line, finished once
    frames = out.rstrip("\n").split("\r")[1:]
    assert len(frames) == 5
    assert "0/4 submissions" in frames[0] and "ETA --:--" in frames[0]
    # after 1 of 4 in 10 s: 30 s to go; after 2 in 30 s: 30 s; after 3 in 60 s: 20 s
    assert "1/4 submissions  0:10 elapsed  ETA 0:30" in frames[1]
    assert "2/4 submissions  0:30 elapsed  ETA 0:30  (1 could not be graded)" in frames[2]
    assert "3/4 submissions  1:00 elapsed  ETA 0:20" in frames[3]
    assert "4/4 submissions  1:01:00 elapsed  done" in frames[4]
    assert frames[1].startswith("grading [" + "#" * 5 + "." * 15 + "]")
    assert frames[4].startswith("grading [" + "#" * 20 + "]")
    # a shorter line blanks what the longer one before it left on screen
    assert len(frames[3]) >= len(frames[2].rstrip())


def test_progress_bar_fits_a_narrow_terminal():
    stream = FakeTerminal()
    with ProgressBar(3, stream, clock=FakeClock(), columns=40) as bar:
        bar(SubmissionResult("a", "staged", "p", error="broken"))
    frames = stream.getvalue().rstrip("\n").split("\r")[1:]
    assert len(frames) == 2 and all(len(f) == 39 for f in frames)   # never wraps
    assert frames[1] == "grading [" + "#" * 6 + "." * 14 + "] 1/3 subm"


def test_progress_bar_writes_nothing_when_not_a_terminal():
    stream = FakeTerminal(tty=False)
    with ProgressBar(2, stream, clock=FakeClock()) as bar:
        bar(SubmissionResult("a", "staged", "p"))
        bar(SubmissionResult("b", "staged", "p"))
    assert stream.getvalue() == "" and bar.done == 2


def test_cli_progress_only_when_stderr_is_a_terminal(graded):
    root, proc, _ = graded
    assert "\r" not in proc.stderr and "submissions  " not in proc.stderr   # piped: clean
    assert proc.stderr.strip() == "1 of 4 submissions could not be graded."

    pty = pytest.importorskip("pty")
    master, slave = pty.openpty()
    chunks: list[bytes] = []

    def drain():
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:          # EIO: every writer has closed the terminal
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        tty_proc = subprocess.run(
            [sys.executable, "-m", "backprop_lab", "grade", "submitted", "--hidden", "--jobs",
             "2", "--quiet"], cwd=root, stdout=subprocess.PIPE, stderr=slave, text=True,
            timeout=180)
    finally:
        os.close(slave)
    reader.join(timeout=30)
    os.close(master)
    err = b"".join(chunks).decode()
    assert tty_proc.returncode == 1
    assert "\r" in err and "4/4 submissions" in err and "done" in err
    frames = err.split("\r")
    assert "0/4 submissions" in err
    # the bar's line is finished before the closing message, which stands on its own line
    assert err.rstrip().endswith("1 of 4 submissions could not be graded.")
    assert "done" in err.split("1 of 4")[0] and "\n" in err.split("done")[1]
    assert "\r" not in tty_proc.stdout and len(frames) >= 5
