"""Attacks on the grader's time and on how it finds submissions, on the toy course.

- Time: a submission's grading has a budget (many cells that each run just under the time
  limit cannot hold a worker for long); loading cells is never a test's time; a test that
  ran out of time is run once more, alone, before its zero stands, both times reported.
- Workers: a grading worker that dies costs only the notebook it was grading.
- The submitted tree: only submitted/<student>/<assignment>/<assignment>.ipynb is graded;
  links, named pipes and other files are skipped with the reason, never opened in a way
  that blocks; student ids become safe file names, each student's feedback folder theirs.

Verdicts count things (how often a cell ran, which tests passed) and bound times with wide
margins, so that a loaded machine does not change them.
"""
from __future__ import annotations

import csv
import functools
import json
import os
import signal
import threading
import time
from pathlib import Path

import pytest

import conftest
import hostile
import toy_course
from backprop_lab import batch, grading
from backprop_lab.reports import report
from backprop_lab.batch import grade_all
from backprop_lab.grading import Settings, grade_notebook
from backprop_lab.isolation.student_process import Limits, default_budget
from conftest import concurrently, wall_bound
from hostile import function
from test_attacks import (ISOLATIONS, PAIR_SOURCE, Graded, add_cell,  # noqa: F401
                          each_isolation, install, only_hit)  # (a fixture)

everywhere = pytest.mark.parametrize("isolation", ISOLATIONS)
LOOP = "while True:\n    pass"


@pytest.fixture
def course(tmp_path):
    return toy_course.make_course(tmp_path / "course")


def settings_for(course, isolation, timeout, budget=None, hidden=True) -> Settings:
    return Settings(course=course, hidden=hidden, isolation=isolation,
                    limits=Limits(timeout=timeout, budget=budget))


def graded_alone(path, settings, bound, rerun=True):
    """Grade one notebook; it must end within `bound` s, change nothing in the course, leave
    no process behind and give reports that can be written. Without `rerun`, the tests that
    ran out of time are not run again (so that what they printed can be counted)."""
    return graded_together(settings.course, [(path, settings, bound, rerun)])[0]


def graded_together(course, gradings, own_children=True):
    """Each of `gradings` (path, settings, bound, rerun), graded at the same time in threads of
    this process (their time limits and sleeping cells wait side by side), each checked as
    `graded_alone` checks one: within its own `bound` s, and, once all have ended, nothing
    changed in the course, no process left behind, reports that can be written. Without
    `own_children`, the caller checks for processes left behind (`each_isolation` does, once
    the other gradings running beside these have ended too)."""
    before = hostile.snapshot(course)
    children = hostile.children_of(os.getpid())

    def timed(path, settings, rerun):
        start = time.monotonic()
        result = grade_notebook(path, settings, rerun=rerun)
        return result, time.monotonic() - start

    graded = concurrently(*[functools.partial(timed, path, settings, rerun)
                            for path, settings, _, rerun in gradings])
    for (_, _, bound, _), (_, seconds) in zip(gradings, graded):
        bound = wall_bound(bound)
        assert seconds < bound, f"grading took {seconds:.1f} s, more than {bound:.1f} s"
    assert hostile.differences(before, hostile.snapshot(course)) == []
    if own_children:
        assert hostile.children_of(os.getpid()) <= children
    for result, _ in graded:
        hostile.check_reports(result, course.parent / "reports")
    return graded


def printed_count(result, line: str) -> int:
    return sum(t.output.count(line) for t in result.tests)


def loud(line: str) -> str:
    """A statement that writes `line` to the output at once (no buffer to lose)."""
    return f"import os as _os\n_os.write(1, {(line + chr(10)).encode()!r})\n"


# ================================================================ the budget

SLOW_CELLS = dict(timeout=0.5, cells=8, nap=0.4)


def _slow_cells_graded(course, isolation):
    """Eight cells of 0.4 s at a 0.5 s limit, and every graded function loops, graded without
    the re-run (within the budget plus starting processes) and with it (twice that at most),
    side by side, each on its own bound."""
    timeout, cells, nap = SLOW_CELLS["timeout"], SLOW_CELLS["cells"], SLOW_CELLS["nap"]
    slow = loud("slow cell ran") + f"import time\ntime.sleep({nap})\n"
    nb = toy_course.build({"double": function(LOOP), "pair": function(LOOP, "pair"),
                           "scale_dict": function(LOOP, "scale_dict", "d, k")})
    for _ in range(cells):   # later cells that define double again, before its test
        add_cell(nb, slow + function(LOOP), after="double")
    path = toy_course.write_submission(course, "s1", nb=nb)
    budget = default_budget(4, timeout)
    settings = settings_for(course, isolation, timeout)
    return graded_together(course, [(path, settings, budget + 3, False),
                                    (path, settings, 2 * (budget + 3), True)],
                           own_children=False)


@everywhere
def test_cells_just_under_the_limit_cannot_hold_the_grader_past_its_budget(each_isolation,
                                                                          isolation):
    """Eight cells of 0.4 s at a 0.5 s limit, and every graded function loops: without a
    budget each of the four timeouts reloads all eight cells (5 loads, 16 s of cells).
    (Graded for every isolation side by side, once: `each_isolation`.)"""
    nap = SLOW_CELLS["nap"]
    budget = default_budget(4, SLOW_CELLS["timeout"])
    (result, _), (rerun, _) = each_isolation(_slow_cells_graded, isolation)
    assert result.budget == budget
    runs = printed_count(result, "slow cell ran")
    assert 0 < runs <= budget / nap + 1, f"the slow cells ran {runs} times"
    assert any(f"grading time budget of {budget:g} s spent" in t.output for t in result.tests)
    assert result.score == 0 and all(t.status == "timeout" for t in result.tests)
    assert rerun.score == 0 and all(len(t.timings) == 2 for t in rerun.tests)


def _budget_of_two_seconds_graded(course, isolation):
    solutions = {"double": function(LOOP), "pair": function(LOOP, "pair",
                                                            returns="(x.copy(), x.copy())")}
    path = toy_course.write_submission(course, "s1", solutions)
    settings = settings_for(course, isolation, timeout=1.0, budget=2.0)
    return graded_together(course, [(path, settings, 6, False)], own_children=False)[0]


@everywhere
def test_the_budget_is_configurable_and_stops_the_remaining_tests(each_isolation, isolation):
    result, _ = each_isolation(_budget_of_two_seconds_graded, isolation)
    tests = {t.name: t for t in result.tests}
    # the public tests run first: double's loop runs out of its own limit; pair's limit (its
    # 1 s after double's, plus the cells loaded twice and a restart) ends past the 2 s budget,
    # so the budget stops it, whatever the machine's speed; scale_dict's (instant) and the
    # hidden test (in a fresh child) then no longer run
    assert tests["test_double"].status == "timeout"
    assert "time limit exceeded" in tests["test_double"].output
    for name in ("test_pair", "test_scale_dict", "test_double_hidden"):
        assert tests[name].score == 0 and tests[name].status == "timeout"
        assert tests[name].output.startswith("grading time budget of 2 s spent")
    assert result.budget == 2.0 and result.score == 0


def two_call_course(course):
    """The toy course whose test_double calls double twice."""
    tests = dict(toy_course.TESTS)
    tests["test_double"] = (2, "import numpy as np\nfirst = double(np.arange(3.0))\n"
                               "second = double(np.arange(4.0))\n"
                               "assert np.allclose(second, 2.0 * np.arange(4.0)), 'wrong'\n")
    install(course, toy_course.build(tests=tests))
    return tests


@everywhere
def test_loading_time_is_never_charged_to_a_test(course, isolation):
    """A cell that hangs while loading costs only its own function: the test whose first
    call loaded the cells still has its whole time limit for its second call."""
    tests = two_call_course(course)
    hang = loud("hanging cell ran") + "import time\ntime.sleep(60)\n"
    nb = toy_course.build({"pair": hang + PAIR_SOURCE}, tests=tests)
    path = toy_course.write_submission(course, "s1", nb=nb)
    result, _ = graded_alone(path, settings_for(course, isolation, timeout=1.0), bound=10,
                             rerun=False)
    graded = Graded(result, 0.0)
    only_hit(graded, ("test_pair",), ("its cell failed to run",))
    assert "time limit" in graded.tests["test_pair"].output
    assert printed_count(result, "hanging cell ran") == 1


def _hanging_cell_graded(course, isolation):
    """Graded twice side by side: without the re-run, and with it."""
    hang = loud("hanging cell ran") + "import time\ntime.sleep(60)\n"
    path = toy_course.write_submission(course, "s1", {"double": function(LOOP),
                                                      "pair": hang + PAIR_SOURCE})
    settings = settings_for(course, isolation, timeout=0.5)
    return graded_together(course, [(path, settings, 12, False), (path, settings, 12, True)],
                           own_children=False)


@everywhere
def test_a_cell_that_timed_out_while_loading_is_not_run_at_each_reload(each_isolation,
                                                                       isolation):
    """double loops, so each of its tests ends the process and the next reloads the cells;
    the cell that hung is not among them."""
    (result, _), (rerun, _) = each_isolation(_hanging_cell_graded, isolation)
    statuses = {t.name: t.status for t in result.tests}
    assert statuses == {"test_double": "timeout", "test_double_hidden": "timeout",
                        "test_pair": "failed", "test_scale_dict": "passed"}
    assert printed_count(result, "hanging cell ran") == 1
    # the re-run (a fresh process) tries it once more, and only the tests it may have cost
    assert {t.name: len(t.timings) for t in rerun.tests} == {
        "test_double": 2, "test_double_hidden": 2, "test_pair": 2, "test_scale_dict": 1}
    assert printed_count(rerun, "hanging cell ran") == 1   # the re-run's own output


# ================================================================ re-runs

@everywhere
def test_a_test_that_timed_out_is_run_again_alone_and_both_times_are_reported(
        course, isolation, monkeypatch):
    """A machine that was slow during the batch only: every call of student s1 is held back
    past the time limit until the re-run starts. s1 keeps full marks; the JSON shows each
    test's first attempt (timeout) and its re-run (passed); s2, not held back, is run once."""
    timeout = 0.5
    held = {"on": True}
    request = grading.StudentProcess._request

    def slow_request(self, message, deadline, **kw):
        if held["on"] and message.get("op") == "call" and \
                any("held back" in source for _, source in self.cells):
            time.sleep(max(0.0, deadline - time.monotonic()) + 0.05)
        return request(self, message, deadline, **kw)

    rerun = batch.rerun_tests

    def rerun_alone(result, settings, launcher):
        held["on"] = False
        return rerun(result, settings, launcher)

    monkeypatch.setattr(grading.StudentProcess, "_request", slow_request)
    monkeypatch.setattr(batch, "rerun_tests", rerun_alone)
    paths = [toy_course.write_submission(
        course, "s1", {"double": "# held back\n" + toy_course.SOLUTIONS["double"]}),
        toy_course.write_submission(course, "s2")]
    results = grade_all(paths, settings_for(course, isolation, timeout), jobs=1)
    first, second = results
    assert first.score == second.score == 5
    for test in first.tests:
        assert [(t["run"], t["status"]) for t in test.timings] == \
            [("batch", "timeout"), ("rerun", "passed")], test.timings
        assert test.timings[0]["seconds"] >= timeout > test.timings[1]["seconds"], test.name
    for test in second.tests:
        assert [(t["run"], t["status"]) for t in test.timings] == [("batch", "passed")]
    out = course.parent / "reports"
    out.mkdir()
    report.write_json(results, out / "grades.json")
    written = json.loads((out / "grades.json").read_text())["submissions"][0]["tests"][0]
    assert [t["run"] for t in written["timings"]] == ["batch", "rerun"]


def _looping_double_graded_by_the_cli(course, isolation):
    toy_course.write_submission(course, "s1", {"double": function(LOOP)})
    toy_course.write_submission(course, "s2")
    out = course.parent / "grades.json"
    proc = conftest.run_cli("grade", "submitted", "--hidden", "--json", out, "--jobs", "2",
                            "--timeout", "0.5", "--isolation", isolation, cwd=course, limit=60)
    return proc, out


@everywhere
def test_a_test_that_times_out_again_alone_keeps_its_zero(each_isolation, isolation):
    """Through the CLI (two workers): the looping double's tests time out in the batch and
    again when run alone after it; the JSON has both attempts; the rest is graded once.
    (Both isolations' CLIs run side by side, once: `each_isolation`.)"""
    proc, out = each_isolation(_looping_double_graded_by_the_cli, isolation)
    assert proc.returncode == 0, proc.stderr
    subs = {s["student"]: s for s in json.loads(out.read_text())["submissions"]}
    assert subs["s1"]["score"] == 2 and subs["s2"]["score"] == 5
    for test in subs["s1"]["tests"]:
        runs = [(t["run"], t["status"]) for t in test["timings"]]
        if test["name"].startswith("test_double"):
            assert runs == [("batch", "timeout"), ("rerun", "timeout")]
            assert all(t["seconds"] >= 0.5 for t in test["timings"])
        else:
            assert runs == [("batch", "passed")]
    assert subs["s1"]["budget"] == default_budget(4, 0.5)


# ================================================================ workers that die

def kill_workers_of(mark: str, stop: threading.Event, killed: list[int]) -> None:
    """Whenever a process marked `mark` runs, SIGKILL the grading worker above it (the
    process whose parent is this one), as the system's out-of-memory killer would."""
    me = os.getpid()
    while not stop.is_set():
        for pid in hostile.processes_with(mark):
            up = pid
            while up not in (0, 1, me):
                try:
                    parent = int(Path(f"/proc/{up}/stat").read_text().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    break
                if parent == me:
                    if up in killed:   # dying: its child may outlive it by a moment
                        break
                    try:
                        os.kill(up, signal.SIGKILL)
                        killed.append(up)
                    except OSError:
                        pass
                    break
                up = parent
        stop.wait(0.02)


@everywhere
@pytest.mark.parametrize("jobs", [1, 2])
def test_a_worker_that_dies_costs_only_its_notebook(course, isolation, jobs):
    mark = hostile.marker()
    victim = ("import ctypes, time\nctypes.CDLL(None).prctl(15, "
              f"{mark.encode()!r}, 0, 0, 0)\ntime.sleep(30)")
    paths = [toy_course.write_submission(course, f"s{i}") for i in range(3)]
    paths.insert(1, toy_course.write_submission(course, "victim", {"double": function(victim)}))
    stop, killed = threading.Event(), []
    killer = threading.Thread(target=kill_workers_of, args=(mark, stop, killed), daemon=True)
    killer.start()
    try:
        start = time.monotonic()
        results = grade_all(paths, settings_for(course, isolation, timeout=5.0), jobs=jobs)
        seconds = time.monotonic() - start
    finally:
        stop.set()
        killer.join()
    assert len(killed) == 2, killed   # in the batch, then alone
    assert seconds < wall_bound(30)
    scores = {r.student: (r.score, r.error) for r in results}
    assert [r.student for r in results] == ["s0", "victim", "s1", "s2"]
    assert scores["s0"] == scores["s1"] == scores["s2"] == (5, None)
    assert scores["victim"][0] == 0 and "worker died" in scores["victim"][1]
    assert all(t.status == "error" for t in results[1].tests)
    assert hostile.survivors(mark) == []
    for result in results:
        hostile.check_reports(result, course.parent / "reports")


# ================================================================ the submitted tree

def run_cli(course: Path, *args: str, limit: float = 60.0):
    """The CLI in its own session, killed with its group if it outlives `limit`."""
    proc = conftest.run_cli("grade", "submitted", "--hidden", "--course", ".", "--jobs", "2",
                            "--timeout", "2", "--isolation", "process", *args, cwd=course,
                            limit=limit)
    if proc.returncode == -signal.SIGKILL:
        pytest.fail(f"the grader did not finish within {limit:.0f} s: {proc.stderr[-2000:]}")
    return proc.returncode, proc.stdout, proc.stderr


def test_only_the_nbgrader_layout_is_graded_and_the_rest_is_listed(course):
    for student in ("s1", "s2"):
        toy_course.write_submission(course, student)
    sub = course / "submitted"
    extra = sub / "s1" / "staged" / "s2" / "staged.ipynb"      # s1 posing as s2
    extra.parent.mkdir()
    toy_course.write_submission(course, "x")   # then moved into place, wrong
    (sub / "x" / "staged" / "staged.ipynb").rename(extra)
    misplaced = sub / "s1" / "other" / "staged.ipynb"          # not its assignment's folder
    misplaced.parent.mkdir()
    misplaced.write_text(extra.read_text())
    os.mkfifo(sub / "x" / "staged" / "staged.ipynb")            # a named pipe
    (sub / "s3" / "staged").mkdir(parents=True)                 # a link to the instructor's
    (sub / "s3" / "staged" / "staged.ipynb").symlink_to(course / "source" / "staged"
                                                        / "staged.ipynb")
    (sub / "s4").symlink_to(course / "source")                  # a linked student folder
    code, stdout, stderr = run_cli(course, "--json", "out.json", "--csv", "out.csv",
                                   "--feedback", "fb")
    assert code == 0, stderr
    data = json.loads((course / "out.json").read_text())
    graded = [s["student"] for s in data["submissions"] if s["status"] == "graded"]
    assert sorted(graded) == ["s1", "s2"]
    # a submission folder with nothing gradable in it is reported, with what was there
    unrecognized = {s["student"]: s for s in data["submissions"] if s["status"] == "unrecognized"}
    assert set(unrecognized) == {"s3", "x"} and "named pipe" in unrecognized["x"]["error"]
    assert unrecognized["s3"]["score"] == 0 and "symbolic link" in unrecognized["s3"]["error"]
    skipped = {Path(s["path"]).relative_to("submitted").as_posix(): s["reason"]
               for s in data["skipped"]}
    assert set(skipped) == {"s1/staged/s2/staged.ipynb", "s1/other/staged.ipynb",
                            "x/staged/staged.ipynb", "s3/staged/staged.ipynb", "s4"}
    assert "only submitted/<student>/<assignment>/<notebook>.ipynb" in \
        skipped["s1/staged/s2/staged.ipynb"]
    assert "named pipe" in skipped["x/staged/staged.ipynb"]
    assert "symbolic link" in skipped["s3/staged/staged.ipynb"]
    assert "symbolic link" in skipped["s4"]
    assert "skipped 5 files" in stderr and "s1/staged/s2/staged.ipynb" in stderr
    with open(course / "out.csv", newline="") as fh:
        assert sorted(row["student"] for row in csv.DictReader(fh)
                      if row["status"] == "graded") == ["s1", "s2"]
    assert sorted(p.name for p in (course / "fb").iterdir()) == ["s1", "s2"]
    assert "for s2" in (course / "fb" / "s2" / "staged.md").read_text()


def test_a_named_pipe_given_by_name_is_refused_at_once(course):
    pipe = course / "submitted" / "s1" / "staged" / "staged.ipynb"
    pipe.parent.mkdir(parents=True)
    os.mkfifo(pipe)
    proc = conftest.run_cli("grade", pipe, "--course", course, "--isolation", "process",
                            cwd=course, limit=60)
    assert proc.returncode == 2 and "named pipe" in proc.stderr, proc.stderr


def test_reading_refuses_links_and_pipes_without_blocking(course, tmp_path):
    from backprop_lab.notebooks import NotebookError, read_notebook
    pipe = tmp_path / "pipe.ipynb"
    os.mkfifo(pipe)
    link = tmp_path / "link.ipynb"
    link.symlink_to(course / "source" / "staged" / "staged.ipynb")
    for path, words in ((pipe, "named pipe"), (link, "symbolic link")):
        start = time.monotonic()
        with pytest.raises(NotebookError, match=words):
            read_notebook(path, follow_links=False)
        assert time.monotonic() - start < wall_bound(5)


def test_student_ids_become_safe_file_names_each_with_its_own_feedback(course):
    names = ["a b", "a_b", "evil\x1b[31mred", ".hidden", "new\nline", "ok"]
    for name in names:
        toy_course.write_submission(course, name)
    code, stdout, stderr = run_cli(course, "--json", "out.json", "--feedback", "fb")
    assert code == 0, stderr
    data = json.loads((course / "out.json").read_text())
    students = sorted(s["student"] for s in data["submissions"])
    assert len(set(students)) == len(names)
    for student in students:
        assert student and not student.startswith(".") and "/" not in student
        assert all(c.isalnum() or c in "_.@+-" for c in student), repr(student)
    # the ids that were safe keep them; the others, in sorted order, take the next free name
    assert {"a_b", "ok"} <= set(students) and "a_b-2" in students
    renamed = {r["id"]: r["reported_as"] for r in data["renamed_students"]}
    assert renamed["a b"] == "a_b-2" and renamed[".hidden"] == "hidden"
    assert renamed["evil\\x1b[31mred"] == "evil__31mred"
    assert "\x1b" not in stderr and "not safe as a file name" in stderr
    folders = sorted(p.name for p in (course / "fb").iterdir())
    assert folders == students
    for student in students:
        assert (course / "fb" / student / "staged.md").exists()


# ================================================================ the grader's own time

# Text that makes the grader's own reading of a cell slow: before any child runs, the grader
# sorts a notebook's cells (notebooks.make_plan), reading each cell the student added, and
# that time is no test's and no budget's. A pattern that backtracks over line breaks (IPython
# magics were found with `^(\s*)[%!]`) took quadratic time in the blank lines of one cell:
# 40,000 of them held the grader 46 s, a megabyte of them for hours.
SLOW_TO_READ = {
    "blank lines": "\n" * 60_000 + "X = 1\n",
    "blank lines and a magic at the end": "\n" * 60_000 + "%time\n",
    "lines of spaces": " \n" * 60_000 + "X = 1\n",
}


@pytest.mark.parametrize("case", SLOW_TO_READ)
def test_a_cell_that_is_slow_to_read_cannot_hold_the_grader(course, case):
    nb = add_cell(toy_course.build(), SLOW_TO_READ[case], after="double")
    path = toy_course.write_submission(course, "s1", nb=nb)
    start = time.monotonic()
    plan = grading.open_submission(path, Settings(course=course, hidden=True))[2]
    seconds = time.monotonic() - start
    assert plan is not None and seconds < wall_bound(2.0), f"reading took {seconds:.1f} s"
    graded = grade_notebook(path, Settings(course=course, hidden=True, isolation="process",
                                           limits=Limits(timeout=2.0)))
    assert graded.score == 5, {t.name: t.output for t in graded.tests}
