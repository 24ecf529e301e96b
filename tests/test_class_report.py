"""Stable ids of the named causes, the class report (in chromium too), and late work in `grade`.

The browser test renders a report in Debian's chromium (/usr/bin/chromium, driven by
Playwright); it skips without chromium unless BACKPROP_LAB_REQUIRE_BROWSER=1.
"""
from __future__ import annotations

import csv
import html
import json
import re
import subprocess
import sys
from types import SimpleNamespace

import nbformat
import numpy as np
import pytest

import toy_course
from backprop_lab.checks import rnn, staged
from backprop_lab.checks.core import CheckFailure, cause_ids_of
from backprop_lab.reports import class_report
from notebook_tools import solution_namespace
from conftest import CHROMIUM, need_browser
from test_staged_checks import make_slipped_backward, make_staged_backward


# ---------------------------------------------------------------- stable cause ids

@pytest.fixture(scope="module")
def solved():
    return solution_namespace("staged")


def _ids(solved, wrong, seed):
    with pytest.raises(CheckFailure) as failure:
        staged.check_staged_backward_arrays(wrong, solved["staged_forward"], solved["sigmoid"],
                                            seed=seed)
    return failure.value.cause_ids


@pytest.mark.parametrize("bug, expected", [
    (dict(fork_x="xpy"), ["staged.fork_overwritten_dx"]),
    (dict(fork_x="num"), ["staged.fork_overwritten_dx"]),   # another lost path: one family
    (dict(fork_y=True), ["staged.fork_overwritten_dy"]),
    (dict(swap=True), None),
    (dict(ignore_df=True), None),
    (dict(bad_invden=True), None),
])
def test_a_mistake_gets_the_same_id_on_every_seed(solved, bug, expected):
    wrong = make_staged_backward(**bug)
    first, second = _ids(solved, wrong, 1), _ids(solved, wrong, 2)
    assert first == second and len(first) == 1
    # a detector's id (staged.<words>) or, when none names it, the relation's (scale-1/df)
    assert re.fullmatch(r"staged\.[a-z0-9_]+|[a-z][a-z0-9/*.+-]+", first[0])
    if expected:
        assert first == expected


def test_different_mistakes_get_different_ids(solved):
    ids = {tuple(_ids(solved, make_slipped_backward(**bug), 3)) for bug in (
        dict(invden="plus"), dict(invden="nosquare"), dict(xpy_factor="missing_2"),
        dict(sig_x="output"), dict(sig_y="output"), dict(unswitched=True))}
    assert len(ids) == 6
    stages = sorted(re.match(r"staged\.stage(\d)_[a-z_]+$", i[0]).group(1) for i in ids)
    assert stages == ["1", "3", "5", "7", "7", "8"]


def test_two_slips_carry_the_ids_of_both(solved):
    plus = _ids(solved, make_slipped_backward(invden="plus"), 1)
    square = _ids(solved, make_slipped_backward(xpy_factor="missing_2"), 1)
    both = _ids(solved, make_slipped_backward(invden="plus", xpy_factor="missing_2"), 2)
    assert sorted(both) == sorted(plus + square)


def test_constants_and_families_name_the_id(solved):
    assert _ids(solved, make_slipped_backward(hard_coded="constant"), 1) == ["staged.hard_coded"]
    assert _ids(solved, make_slipped_backward(f32=True), 1) == ["staged.float32_precision"]
    frames = [SimpleNamespace(f_globals=vars(rnn))]
    assert cause_ids_of(rnn.STEP_NO_DERIV, frames) == ["rnn.step_no_deriv"]


def test_the_exactness_gate_keeps_the_id_of_the_check_it_wraps(solved):
    # every backward check runs inside the exactness gate (a shared helper): a cause the
    # check names belongs to the check's assignment, as it does without the gate
    check = staged.check_staged_backward_arrays
    assert check.__wrapped__ is not check
    for bug in (dict(hard_coded="constant"), dict(f32=True), dict(invden="plus")):
        wrong = make_slipped_backward(**bug)
        for seed in range(1, 6):
            with pytest.raises(CheckFailure) as bare:
                check.__wrapped__(wrong, solved["staged_forward"], solved["sigmoid"], seed=seed)
            gated = _ids(solved, wrong, seed)
            assert gated == bare.value.cause_ids and len(gated) == 1
            assert gated[0].startswith("staged.")


def test_numerical_differentiation_has_one_id_whichever_check_finds_it(solved):
    forward = solved["staged_forward"]

    def numerical(df, cache):            # centered differences of the forward pass
        x, y = cache[0], cache[1]
        h = 1e-5
        return (df * (forward(x + h, y)[0] - forward(x - h, y)[0]) / (2 * h),
                df * (forward(x, y + h)[0] - forward(x, y - h)[0]) / (2 * h))

    assert solved["staged_forward"](1.0, 2.0)[1][:2] == (1.0, 2.0)
    found = set()
    for check in (staged.check_staged_backward_arrays, staged.check_staged_backward_point):
        for seed in range(1, 6):
            with pytest.raises(CheckFailure) as failure:
                check(numerical, forward, solved["sigmoid"], seed=seed)
            assert "numerical differentiation" in str(failure.value)
            found.add(tuple(failure.value.cause_ids))
    assert found == {("staged.numerical_differentiation",)}


def test_numbers_in_a_cause_do_not_change_its_id():
    a = cause_ids_of("dalpha is averaged over the batch (divided by N = 4).")
    b = cause_ids_of("dalpha is averaged over the batch (divided by N = 17).")
    c = cause_ids_of("dalpha is summed over the units (divided by N = 4).")
    assert a == b != c
    assert cause_ids_of("dW is [[1.5, -2e-3], [3, 4]] wide") == \
        cause_ids_of("dW is [[0.1, 2, 3], [4, 5, 6], [7, 8, 9]] wide")


def test_only_named_causes_get_ids(solved):
    # three slips at once: no detector's cause is named; where the explainer says a relation
    # that holds (two of the slips scale the denominator's path of dy by -1/2), its id is
    # the one given, and nothing else
    ids = _ids(solved, make_slipped_backward(invden="plus", xpy_factor="missing_2",
                                             sig_x="output"), 1)
    assert not [i for i in ids if i.startswith("staged.")] and len(ids) <= 1, ids
    assert CheckFailure("`f`: x is wrong.\n  Usual cause: a typo").cause_ids == []
    # a "Likely cause" line written by a check directly is read from its message
    direct = CheckFailure("`f`: x is wrong.\n  Likely cause: the mask is inverted (5 of 9).")
    assert direct.cause_ids == cause_ids_of("the mask is inverted (5 of 7).")
    # ... but never from a line that does not start like the check's own
    assert CheckFailure("x is wrong: 'a\\n  Likely cause: y'").cause_ids == []


# ---------------------------------------------------------------- the report

def _sub(student, assignment, score, tests, **extra):
    return {"student": student, "assignment": assignment, "path": f"submitted/{student}/x",
            "score": score, "max_score": 4.0, "error": None, "warnings": [], "seconds": 1.0,
            "tests": tests, **extra}


def _test(name, status, causes=(), output=""):
    return {"name": name, "score": 2.0 if status == "passed" else 0.0, "max_score": 2.0,
            "status": status, "output": output, "seconds": 0.1, "timings": [],
            "causes": list(causes)}


HOSTILE = '<img src=x onerror="document.title=1">\u202e\x1b[31m'


def class_results() -> dict:
    fork = "staged.fork_overwritten_dx"
    subs = [
        _sub("s1", "staged", 0.0, [_test("t_point", "failed", [fork],
                                         "`f`: dx is wrong.\n  Likely cause: dx is missing"),
                                   _test("t_arrays", "failed", [fork])]),
        _sub("s2", "staged", 2.0, [_test("t_point", "passed"),
                                   _test("t_arrays", "failed", [fork, "staged.other"])]),
        # the same words under another id are another cause: counted by id, not by text
        _sub(HOSTILE, "staged", 2.0, [_test("t_point", "failed", ["staged.sign"],
                                            "`f`: dx is wrong.\n  Likely cause: dx is missing"),
                                      _test("t_arrays", "passed")]),
        _sub("s4", "staged", 4.0, [_test("t_point", "passed"), _test("t_arrays", "passed")]),
        _sub("s5", "relu", 0.0, [], error="could not be read: <b>bad</b>"),
        _sub("s1", "relu", 2.0, [_test("t_relu", "failed", ["relu.mask_inverted"])],
             days_late=2, raw_score=3.0, late_penalty=1.0),
    ]
    return {"submissions": subs,
            "skipped": [{"path": "submitted/s9/relu/relu (1).ipynb",
                         "reason": "two notebooks for one assignment"}],
            "renamed_students": [],
            "missing": [{"student": "s6", "assignment": "relu"}]}


def test_misconceptions_are_counted_by_id_most_students_first():
    data = class_results()
    staged_subs = [s for s in data["submissions"] if s["assignment"] == "staged"]
    found = class_report.misconceptions(staged_subs)
    assert [(m.cause, sorted(m.students)) for m in found] == [
        ("staged.fork_overwritten_dx", ["s1", "s2"]),   # s1 once, though named in two tests
        ("staged.other", ["s2"]),
        ("staged.sign", [HOSTILE])]
    assert found[0].tests == {"t_point": 1, "t_arrays": 2}


def test_the_page_is_self_contained_and_escaped(tmp_path):
    (tmp_path / "grades.json").write_text(json.dumps(class_results()))
    page = class_report.write_report(tmp_path / "grades.json", tmp_path / "out").read_text()
    assert page.count("data:image/png;base64,") == 4   # two plots for each graded assignment
    for ref in re.findall(r'(?:src|href)="([^"]*)"', page):
        assert ref.startswith(("data:image/png;base64,", "#")), ref
    assert "<script" not in page and "<img src=x" not in page and "<b>bad" not in page
    assert "\u202e" not in page and "\x1b" not in page
    assert html.escape("<img src=x onerror=") in page and "\\u202e\\x1b[31m" in page
    assert "relu (1).ipynb" in page and "s6: missing" in page and "1 late" in page
    fork_row = re.search(r'<tr><td class="count">(\d+)</td><td><b class="cause-title">'
                         r'fork overwritten dx</b> <code class="cause-id">'
                         r'staged\.fork_overwritten_dx</code>.*?</tr>', page)
    assert fork_row and fork_row.group(1) == "2" and "s1, s2" in fork_row.group(0)


@pytest.mark.parametrize("data", [[], {"submissions": {}}, {"submissions": [{"tests": []}]},
                                  {"submissions": [{"assignment": "relu", "score": "9"}]},
                                  {"submissions": [{"assignment": "relu", "tests": ["x"]}]}])
def test_results_that_are_not_grades_json_are_refused(tmp_path, data):
    (tmp_path / "bad.json").write_text(json.dumps(data))
    with pytest.raises(class_report.ClassReportError, match="bad.json"):
        class_report.write_report(tmp_path / "bad.json", tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_the_grader_does_not_import_matplotlib():
    code = ("import sys, backprop_lab.cli, backprop_lab.reports.class_report; "
            "print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert out.stdout.strip() == "False", out.stderr


@pytest.mark.browser
def test_the_report_renders_in_chromium(tmp_path):
    need_browser()
    from matplotlib import image
    from playwright.sync_api import sync_playwright

    (tmp_path / "grades.json").write_text(json.dumps(class_results()))
    page_path = class_report.write_report(tmp_path / "grades.json", tmp_path / "out")
    shot = tmp_path / "out" / "class_report.png"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM),
                                    args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.route("**/*", lambda route: route.abort()
                       if not route.request.url.startswith(("file:", "data:"))
                       else route.continue_())   # offline: nothing but the file itself
            page.goto(page_path.as_uri())
            assert page.title() == "Class report"          # no student markup ran
            rows = page.locator("table.misconceptions[data-assignment=staged] tr")
            assert rows.count() == 4                       # a header and three causes
            first = rows.nth(1).inner_text()
            assert first.startswith("2") and "staged.fork_overwritten_dx" in first
            plots = page.locator("figure img")
            assert plots.count() == 4
            for i in range(plots.count()):                 # every plot decoded and drawn
                assert plots.nth(i).evaluate("img => img.naturalWidth") > 100
            assert page.locator("img:not(figure img)").count() == 0
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    pixels = image.imread(str(shot))
    assert pixels.shape[0] > 500 and pixels.shape[1] >= 1200
    colours = np.unique((pixels[..., :3] * 255).astype(np.uint8).reshape(-1, 3), axis=0)
    assert len(colours) > 50 and float(pixels[..., :3].std()) > 0.05   # not a blank page


# ---------------------------------------------------------------- grade: causes and late work

LATE_POLICY = """
penalty_per_day = 0.1
max_penalty = 0.3
[deadlines]
staged = "2026-10-05 23:59"
"""
WRONG_DOUBLE = "def double(x):\n    return x + 0.0\n"
TESTS = {**toy_course.TESTS,
         "test_double": (2, "from backprop_lab.checks.core import Hint, expect_close, "
                            "looks_like\nx = np.arange(1.0, 4.0)\ny = double(x)\n"
                            "expect_close('double', 'y', y, forward(x), hints=[Hint("
                            "f'the input came back unchanged ({x.size} entries).', "
                            "looks_like(x))])\n")}


def test_grade_carries_causes_and_late_scores_to_json_csv_feedback_and_report(tmp_path):
    nb = toy_course.build(tests=TESTS)
    for folder, copy in (("source", nb), ("assignments", toy_course.student_copy(nb))):
        path = tmp_path / folder / "staged" / "staged.ipynb"
        path.parent.mkdir(parents=True)
        nbformat.write(copy, path)
    stamps = {"alice": "2026-10-05 21:00:00.000000 UTC",     # on time
              "bob": "2026-10-07 08:00:00.000000 UTC",       # two started days late
              "carol": "2026-10-20 08:00:00.000000 UTC"}     # capped at half the points
    for student, stamp in stamps.items():
        right = student == "alice"
        path = toy_course.write_submission(tmp_path, student, nb=toy_course.build(
            None if right else {"double": WRONG_DOUBLE}, tests=TESTS))
        (path.parent / "timestamp.txt").write_text(stamp)
    (tmp_path / "late.toml").write_text(LATE_POLICY)
    proc = subprocess.run(
        [sys.executable, "-m", "backprop_lab", "grade", "submitted", "--hidden", "--json",
         "grades.json", "--csv", "grades.csv", "--feedback", "fb", "--late-policy", "late.toml",
         "--jobs", "2", "--quiet"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    subs = {s["student"]: s for s in json.loads((tmp_path / "grades.json").read_text())
            ["submissions"]}
    expected_id = cause_ids_of("the input came back unchanged (3 entries).")
    for student in ("bob", "carol"):
        double = next(t for t in subs[student]["tests"] if t["name"] == "test_double")
        assert double["causes"] == expected_id and double["status"] == "failed"
    assert all(t["causes"] == [] for t in subs["alice"]["tests"])
    late = {s: (d["raw_score"], d["late_penalty"], d["days_late"], d["score"])
            for s, d in subs.items()}
    # out of 5: the wrong double fails test_double (2) and the hidden test (1)
    assert late == {"alice": (5, 0, 0, 5), "bob": (2, 1, 2, 1), "carol": (2, 1.5, 15, 0.5)}
    rows = {r["student"]: r for r in csv.DictReader(open(tmp_path / "grades.csv"))}
    assert [rows["carol"][k] for k in ("raw_score", "late_penalty", "days_late", "score")] \
        == ["2", "1.5", "15", "0.5"]
    feedback = (tmp_path / "fb" / "bob" / "staged.md").read_text()
    assert "Total: 1 / 5 points** (raw score 2 - late penalty 1: 2 days late)" in feedback
    proc = subprocess.run([sys.executable, "-m", "backprop_lab", "class-report", "--results",
                           "grades.json", "--out", "report"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    page = (tmp_path / "report" / "class_report.html").read_text()
    row = re.search(r'<td class="count">(\d+)</td><td><b class="cause-title">[^<]*</b> '
                    r'<code class="cause-id">' + re.escape(expected_id[0]) + r".*?</tr>", page)
    assert row and row.group(1) == "2" and "bob, carol" in row.group(0)
    assert "the input came back unchanged (3 entries)." in row.group(0)


def test_a_bad_timestamp_costs_its_submission_the_late_judgement_only(tmp_path):
    toy_course.make_course(tmp_path)
    path = toy_course.write_submission(tmp_path, "alice")
    (path.parent / "timestamp.txt").write_text("yesterday evening")
    (tmp_path / "late.toml").write_text(LATE_POLICY)
    proc = subprocess.run([sys.executable, "-m", "backprop_lab", "grade", "submitted", "--hidden",
                           "--late-policy", "late.toml"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0 and "timestamp.txt" in proc.stderr
    assert "not judged late" in proc.stderr and "alice: staged" in proc.stdout


def test_a_missing_submission_from_grade_roster_is_listed_as_missing(tmp_path):
    """`grade --roster` reports a student who submitted nothing as a submission with status
    "missing" (score 0): the report lists it as missing, not as a graded zero."""
    data = class_results()
    del data["missing"]
    data["submissions"].append({"student": "s7", "assignment": "relu", "path": "",
                                "score": 0.0, "max_score": 18.0, "status": "missing",
                                "error": "no submission", "tests": []})
    (tmp_path / "grades.json").write_text(json.dumps(data))
    page = class_report.write_report(tmp_path / "grades.json", tmp_path / "out").read_text()
    assert "s7: missing" in page
    [relu] = [v for v in class_report.assignments_of(data) if v.assignment == "relu"]
    assert relu.missing == ["s7"] and all(s["student"] != "s7" for s in relu.submissions)


def test_the_headlines_are_human_titles_with_a_count_and_an_example(tmp_path):
    """#23: a relation's id (`scale-1/N`) heads its row with its title, the number of
    students it affects and an example message (the relation's line when no detector named
    a cause); a detector's hash-free id reads as words."""
    differs = ("`affine_backward`: dx is wrong.\n  What differs: every entry of dx is "
               "exactly 1/N times the expected one (N = 3 here) (the same holds on a second "
               "input).")
    subs = [_sub(s, "softmax", 0.0, [_test("test_affine_backward", "failed", ["scale-1/N"],
                                           differs)]) for s in ("a1", "a2", "a3")]
    subs.append(_sub("a4", "softmax", 0.0, [_test("test_affine_backward", "failed",
                                                  ["softmax.aff_dw_t"])]))
    (tmp_path / "grades.json").write_text(json.dumps({"submissions": subs}))
    page = class_report.write_report(tmp_path / "grades.json", tmp_path / "out").read_text()
    row = re.search(r'<tr><td class="count">(\d+)</td><td><b class="cause-title">([^<]*)</b> '
                    r'<code class="cause-id">scale-1/N</code><br><span class="example">'
                    r'e\.g\. ([^<]*)</span>', page)
    assert row and row.group(1) == "3", page
    assert row.group(2) == "every entry 1/N times the right one"
    assert "exactly 1/N times the expected one" in html.unescape(row.group(3))
    assert '<b class="cause-title">aff dw t</b>' in page
