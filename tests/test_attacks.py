"""Attacks on the grader and broken submissions, on the toy course.

Every case ends in bounded time, costs only the tests it touches, leaves reports that can
be written, changes no file of the course and leaves no process behind. Protections that
need the bubblewrap sandbox (files, network and processes outside the student's own) are
marked `requires_sandbox` and graded with isolation="sandbox"; the others must hold with
every isolation mode there is.
"""
from __future__ import annotations

import csv
import io
import json
import multiprocessing
import os
import resource
import shutil
import socket
import subprocess
import sys
import time
import functools
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbformat.v4 import new_code_cell

import backprop_lab
import conftest
import hostile
import toy_course
from backprop_lab.batch import grade_all
from backprop_lab.grading import (Settings, SubmissionResult, grade_notebook, launcher_for,
                                rerun_tests)
from backprop_lab import notebooks
from backprop_lab.isolation.student_process import Limits
from conftest import ISOLATIONS, ROOT, concurrently, requires_sandbox, wall_bound
from hostile import function

everywhere = pytest.mark.parametrize("isolation", ISOLATIONS)

DOUBLE = ("test_double", "test_double_hidden")
PAIR_SOURCE = toy_course.SOLUTIONS["pair"]
WRONG_DOUBLE = "def double(x):\n    return x.copy()\n"


@pytest.fixture(scope="module", autouse=True)
def repository_untouched():
    """Other people work in this tree, so look only for what hostile code writes: its token."""
    yield
    assert hostile.files_mentioning(ROOT, hostile.SESSION) == []


@pytest.fixture
def course(tmp_path):
    return toy_course.make_course(tmp_path / "course")


@dataclass
class Graded:
    result: SubmissionResult
    seconds: float

    @property
    def tests(self):
        return {t.name: t for t in self.result.tests}


def _grade_measured(path, settings, queue):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.monotonic()
    result = grade_notebook(path, settings)
    seconds = time.monotonic() - start
    queue.put((result, seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before))


def grade_path(path, course, *, isolation="process", timeout=2.0, memory_mb=1024, hidden=True,
               marks=(), bound=None, grader_memory_mb=None, own_children=True) -> Graded:
    """Grade one notebook and check what must hold whatever the submission does. Without
    `own_children`, the caller checks for processes left behind (`each_isolation` does, once
    the gradings running beside this one have ended too)."""
    before = hostile.snapshot(course)
    children = hostile.children_of(os.getpid())
    settings = Settings(course=course, hidden=hidden, isolation=isolation,
                        limits=Limits(timeout=timeout, memory_mb=memory_mb))
    if grader_memory_mb is None:
        start = time.monotonic()
        result = grade_notebook(path, settings)
        seconds = time.monotonic() - start
        grown_kb = 0
    else:   # a forked grader, to measure its memory
        context = multiprocessing.get_context("fork")
        queue = context.Queue()
        worker = context.Process(target=_grade_measured, args=(path, settings, queue))
        worker.start()
        result, seconds, grown_kb = queue.get(timeout=120)
        worker.join()
    left = {mark: hostile.survivors(mark) for mark in marks}
    assert seconds < wall_bound(bound or 10 * timeout), f"grading took {seconds:.1f} s"
    assert hostile.differences(before, hostile.snapshot(course)) == []
    assert all(not pids for pids in left.values()), f"processes outlived the grading: {left}"
    if own_children:
        assert hostile.children_of(os.getpid()) <= children
    hostile.check_reports(result, course.parent / "reports")
    if grader_memory_mb is not None:
        assert grown_kb < grader_memory_mb * 1024, \
            f"the grader grew by {grown_kb // 1024} MB while grading"
    return Graded(result, seconds)


def grade(course, solutions=None, *, nb=None, **options) -> Graded:
    return grade_path(toy_course.write_submission(course, "s1", solutions, nb=nb), course,
                      **options)


def grade_side_by_side(course, cases: dict[str, dict], *, isolation, timeout=2.0,
                       memory_mb=1024, hidden=True, threads=8) -> dict[str, Graded]:
    """Each case's solutions written as the notebook of a student of its own in `course` and
    graded as grade_path grades one, up to `threads` at a time (their time limits run out
    side by side); case -> Graded, whose `seconds` the test bounds. Checked here for all:
    the course unchanged and no process left once every grading has ended (what holds for
    all holds for each), and reports that can be written from each result."""
    paths = {case: toy_course.write_submission(course, f"s{i:02d}", solutions)
             for i, (case, solutions) in enumerate(cases.items())}
    settings = Settings(course=course, hidden=hidden, isolation=isolation,
                        limits=Limits(timeout=timeout, memory_mb=memory_mb))
    before = hostile.snapshot(course)
    children = hostile.children_of(os.getpid())

    def timed(path):
        start = time.monotonic()
        result = grade_notebook(path, settings)
        return Graded(result, time.monotonic() - start)

    with ThreadPoolExecutor(max_workers=threads) as pool:
        graded = dict(zip(paths, pool.map(timed, paths.values())))
    assert hostile.differences(before, hostile.snapshot(course)) == []
    assert hostile.children_of(os.getpid()) <= children
    for case, one in graded.items():
        hostile.check_reports(one.result, course.parent / "reports" / paths[case].parts[-3])
    return graded


@pytest.fixture(scope="module")
def each_isolation(tmp_path_factory):
    """`each_isolation(grading, isolation, patches=())`: `grading(course, isolation)` for
    every isolation at once, each on a toy course of its own (threads: their time limits and
    sleeping cells run out side by side), once for the module, with `patches` ((object, name,
    value), for all of them) in place; what it returned for the `isolation` of the asking
    test, which judges it, or what it raised. Once all have ended, no process is left."""
    made: dict = {}

    def get(grading, isolation, patches=()):
        if grading not in made:
            children = hostile.children_of(os.getpid())

            def run(each):
                course = toy_course.make_course(tmp_path_factory.mktemp(each) / "course")
                try:
                    return grading(course, each)
                except BaseException as exc:   # noqa: BLE001 (raised in its own test)
                    return exc
            with pytest.MonkeyPatch.context() as patch:
                for patched in patches:
                    patch.setattr(*patched)
                outcomes = dict(zip(ISOLATIONS, concurrently(*[functools.partial(run, each)
                                                               for each in ISOLATIONS])))
            left = hostile.children_of(os.getpid()) - children
            made[grading] = {each: AssertionError(f"processes left behind: {left}")
                             if left and not isinstance(outcome, BaseException) else outcome
                             for each, outcome in outcomes.items()}
        outcome = made[grading][isolation]
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome
    return get


@pytest.fixture(scope="module")
def side_by_side(tmp_path_factory):
    """`side_by_side(table, isolation, **options)`: the cases of `table` graded together
    (grade_side_by_side), once for the module per table and isolation; each test then
    asserts its own case. A failure of the shared checks fails every test of the table."""
    made: dict = {}

    def get(table: str, isolation: str, **options) -> dict[str, Graded]:
        key = (table, isolation)
        if key not in made:
            course = toy_course.make_course(tmp_path_factory.mktemp("class") / "course")
            try:
                made[key] = grade_side_by_side(course, SIDE_BY_SIDE[table](), isolation=isolation,
                                               **options)
            except BaseException as exc:   # noqa: BLE001 (re-raised for each of its tests)
                made[key] = exc
        if isinstance(made[key], BaseException):
            raise made[key]
        return made[key]
    return get


def only_hit(graded: Graded, hit=DOUBLE, words=(), status=None) -> None:
    """The tests in `hit` score nothing, the first says one of `words`; the others pass."""
    tests = graded.tests
    assert set(hit) <= set(tests)
    for name, test in tests.items():
        if name in hit:
            assert test.score == 0, f"{name} passed: {test.output}"
        else:
            assert test.status == "passed", f"{name}: {test.output}"
    first = tests[hit[0]]
    if words:
        assert any(w in first.output for w in words), first.output
    if status:
        assert first.status == status, first.output


def full_marks(graded: Graded) -> None:
    assert graded.result.error is None
    assert graded.result.score == graded.result.max_score == 5, \
        {t.name: t.output for t in graded.result.tests if t.status != "passed"}


def add_cell(nb, source: str, after: str | None = None, **nbgrader):
    """Insert a code cell after the cell labelled `after` (at the end without), in place."""
    meta = {"nbgrader": {"schema_version": 3, **nbgrader}} if nbgrader else {}
    cell = new_code_cell(source, metadata=meta)
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]
    nb.cells.insert(ids.index(after) + 1 if after else len(nb.cells), cell)
    return nb


def install(course, nb) -> None:
    """Make `nb` the trusted copy of the toy assignment."""
    for folder, copy in (("source", nb), ("assignments", toy_course.student_copy(nb))):
        nbformat.write(copy, course / folder / toy_course.ASSIGNMENT
                       / f"{toy_course.ASSIGNMENT}.ipynb")


# ================================================================ runaway code

@everywhere
def test_honest_code_can_import_the_standard_library(course, isolation):
    imports = "import fractions, json, subprocess, unittest\nimport numpy.testing"
    full_marks(grade(course, {"double": function(imports)}, isolation=isolation))


RUNAWAY = {
    "infinite loop": ("while True:\n    pass", ("time limit",), "timeout"),
    "long sleep": ("import time\ntime.sleep(60)", ("time limit",), "timeout"),
    "deep recursion": ("import sys\nsys.setrecursionlimit(10 ** 6)\n"
                       "def down(n):\n    return down(n + 1)\ndown(0)",
                       ("time limit", "RecursionError", "segmentation fault", "MemoryError"),
                       None),
    "sys.exit": ("import sys\nsys.exit(1)", ("exit(1)",), "failed"),
    "os._exit": ("import os\nos._exit(3)", ("exit code 3",), "error"),
    "KeyboardInterrupt": ("raise KeyboardInterrupt", ("KeyboardInterrupt",), "failed"),
    "GeneratorExit": ("raise GeneratorExit", ("GeneratorExit",), "failed"),
    "BaseException subclass": ("class Escape(BaseException):\n    pass\nraise Escape('out')",
                               ("Escape",), "failed"),
    "segfault": ("import ctypes\nctypes.string_at(0)", ("segmentation fault",), "error"),
    "SIGKILL of itself": ("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)",
                          ("killed",), "error"),
    "SIGSTOP of itself": ("import os, signal\nos.kill(os.getpid(), signal.SIGSTOP)",
                          ("time limit",), "timeout"),
    "list too large": ("[0] * (10 ** 10)", ("MemoryError",), "failed"),
    # reserved, not touched: the limit is on address space, and filling 512 MB of pages can
    # take longer than the time limit on a loaded machine
    "growing memory": ("import numpy as np\nhog = []\nwhile True:\n"
                       "    hog.append(np.empty(10 ** 7))", ("MemoryError",), "failed"),
    "output flood": ("for _ in range(10 ** 5):\n    print('spam' * 100)",
                     ("File too large",), "failed"),
}


@everywhere
@pytest.mark.parametrize("case", RUNAWAY)
def test_runaway_code_costs_only_its_own_tests(side_by_side, isolation, case):
    body, words, status = RUNAWAY[case]
    # every case's notebook graded side by side, once per isolation (their time limits
    # overlap); each judged here on its own
    graded = side_by_side("runaway", isolation, timeout=1.0, memory_mb=512, hidden=False)[case]
    assert graded.seconds < wall_bound(8), f"grading took {graded.seconds:.1f} s"
    only_hit(graded, ("test_double",), words, status)
    # the message is the student's to read: their code, not "the student's" (feedback)
    assert "student" not in graded.tests["test_double"].output.lower(), \
        graded.tests["test_double"].output


@everywhere
def test_an_output_flood_is_kept_truncated(course, isolation):
    graded = grade(course, {"double": function("import sys\nprint('x' * 100000)\n"
                                               "sys.stderr.write('y' * 100000)")},
                   isolation=isolation)
    full_marks(graded)
    output = graded.tests["test_double"].output
    assert "Your code printed:" in output and "output truncated" in output
    assert len(output) < 5000


@everywhere
def test_the_memory_limit_is_the_one_configured(course, isolation):
    big = {"double": function("import numpy as np\nreserved = np.empty(300 * 2 ** 20 // 8)")}
    only_hit(grade(course, big, isolation=isolation, memory_mb=256), DOUBLE, ("MemoryError",))
    full_marks(grade(course, big, isolation=isolation, memory_mb=1024))


@requires_sandbox
def test_student_code_cannot_raise_its_own_memory_limit(course):
    body = ("import resource, numpy as np\n"
            "resource.setrlimit(resource.RLIMIT_AS, (resource.RLIM_INFINITY,) * 2)\n"
            "reserved = np.empty(2 * 2 ** 30 // 8)")
    graded = grade(course, {"double": function(body)}, isolation="sandbox", memory_mb=512)
    only_hit(graded, DOUBLE, ("raise maximum limit", "not permitted", "MemoryError"))


ODD_RESULTS = {
    "an 80 MB array": ("import numpy as np", "np.zeros(10 ** 7)",
                       ("larger than the limit", "MemoryError")),
    "an 800 MB array": ("import numpy as np", "np.zeros(10 ** 8)", ("MemoryError",)),
    "a deeply nested list": ("deep = []\nfor _ in range(10 ** 5):\n    deep = [deep]", "deep",
                             ("RecursionError", "nested too deeply")),
    "a list that contains itself": ("loop = []\nloop.append(loop)", "loop", ("numpy array",)),
    "NaN": ("", "x * float('nan')", ("nan",)),
    "infinity": ("", "(x + 1.0) * float('inf')", ("inf",)),
    "an object array": ("import numpy as np", "np.array([2.0 * v for v in x], dtype=object)",
                        ("cannot be graded",)),
}


@everywhere
@pytest.mark.parametrize("case", ODD_RESULTS)
def test_odd_results_fail_with_a_message(course, isolation, case):
    body, returns, words = ODD_RESULTS[case]
    # The verdict is about the result, not time: a timeout that a loaded machine cannot reach
    # while it builds and sends 80 MB (else "time limit" would replace the size message).
    graded = grade(course, {"double": function(body or "pass", returns=returns)},
                   isolation=isolation, memory_mb=512, timeout=30.0)
    only_hit(graded, DOUBLE, words)


# ================================================================ processes

@everywhere
@pytest.mark.parametrize("where", ["in the function", "while the cell loads"])
def test_background_processes_end_with_the_grading(course, isolation, where):
    mark = hostile.marker()
    if where == "in the function":
        solutions = {"double": function(hostile.sleeper(mark))}
    else:
        solutions = {"pair": hostile.sleeper(mark) + PAIR_SOURCE}
    full_marks(grade(course, solutions, isolation=isolation, marks=[mark]))


def _hanging_function_with_a_background_process(course, isolation):
    mark = hostile.marker()
    body = hostile.sleeper(mark) + "while True:\n    pass"
    return grade(course, {"double": function(body)}, isolation=isolation, timeout=1.0,
                 hidden=False, marks=[mark], own_children=False)


@everywhere
def test_a_background_process_of_a_hanging_function_ends_with_it(each_isolation, isolation):
    # graded for every isolation side by side, once (each_isolation); judged here
    graded = each_isolation(_hanging_function_with_a_background_process, isolation)
    only_hit(graded, ("test_double",), ("time limit",), "timeout")


@everywhere
def test_a_fork_of_the_student_process_ends_with_it(course, isolation):
    mark = hostile.marker()
    graded = grade(course, {"double": function(hostile.lingering_fork(mark))},
                   isolation=isolation, marks=[mark])
    full_marks(graded)


@everywhere
def test_processes_that_leave_the_session_end_with_the_grading(course, isolation):
    mark = hostile.marker()
    graded = grade(course, {"double": function(hostile.escaping_sleeper(mark))},
                   isolation=isolation, marks=[mark])
    full_marks(graded)


def _pipes_closed_and_staying(course, isolation):
    body = "import os, time\nos.closerange(3, 4096)\ntime.sleep(12)"
    return grade(course, {"double": function(body)}, isolation=isolation, timeout=1.0,
                 hidden=False, own_children=False)


@everywhere
def test_a_student_process_that_closes_its_pipes_and_stays_is_given_up(each_isolation,
                                                                       isolation):
    # graded for every isolation side by side, once (each_isolation); judged here
    only_hit(each_isolation(_pipes_closed_and_staying, isolation), ("test_double",))


def _stopped_reading(course, isolation):
    stall = ("import os, time\nimport backprop_lab.isolation.wire as _wire\n_send = _wire.send\n"
             "def _stall(fd, message):\n    _send(fd, message)\n    time.sleep(12)\n"
             "    os._exit(0)\n_wire.send = _stall\n\n" + toy_course.SOLUTIONS["double"])
    padded = "#" + "x" * 200_000 + "\n" + PAIR_SOURCE
    return grade(course, {"double": stall, "pair": padded}, isolation=isolation, timeout=1.0,
                 own_children=False)


@everywhere
def test_a_student_process_that_stops_reading_cannot_block_the_grader(each_isolation,
                                                                      isolation):
    """The double cell hijacks the child's loop: after its reply it reads no more requests,
    and the next cell is larger than a pipe holds. Only this student's own points are at
    stake; what must hold is that grading ends (grade_path's checks; graded for every
    isolation side by side, once: each_isolation)."""
    assert isinstance(each_isolation(_stopped_reading, isolation), Graded)


FORGED = {
    "an oversized frame": "struct.pack('>Q', 2 ** 62) + b'{}'",
    "a broken frame": "struct.pack('>Q', 5) + b'{]]]]'",
    "an error that is not a dict": "frame({'ok': False, 'error': [1, 2]})",
    "a reply without arguments": "frame({'ok': True, 'value': 1.0})",
    "an array of impossible shape": "frame({'ok': True, 'args': wire.encode([[x], {}]), "
                                    "'value': {'t': 'nd', 'id': 99, 'dtype': '<f8', "
                                    "'shape': [2 ** 32, 2 ** 32], 'b64': ''}})",
    "a dangling reference": "frame({'ok': True, 'args': wire.encode([[x], {}]), "
                            "'value': {'t': 'ref', 'id': 10 ** 9}})",
}


def forging(reply: str) -> str:
    """Statements that write the frame `reply` (an expression) to every pipe the student
    process can write to, its reply pipe among them."""
    return ("import json, os, struct\nimport backprop_lab.isolation.wire as wire\n"
            "def frame(message):\n    data = json.dumps(message).encode()\n"
            "    return struct.pack('>Q', len(data)) + data\n"
            f"forged = {reply}\n"
            "for fd in os.listdir('/proc/self/fd'):\n"
            "    if int(fd) > 2:\n"
            "        try:\n            os.write(int(fd), forged)\n"
            "        except OSError:\n            pass")


@everywhere
@pytest.mark.parametrize("case", FORGED)
def test_forged_replies_on_the_pipe_are_refused(side_by_side, isolation, case):
    graded = side_by_side("forged", isolation, timeout=1.0)[case]   # each judged on its own
    assert graded.seconds < wall_bound(10 * 1.0), f"grading took {graded.seconds:.1f} s"
    only_hit(graded, DOUBLE, ("invalid reply",))


EXPANDING = ("b'{\"ok\": true, \"args\": ' + json.dumps(wire.encode([[x], {}])).encode() + "
             "b', \"value\": {\"t\": \"list\", \"id\": 99, \"v\": [' + "
             "b'{\"t\": \"ref\", \"id\": 0}, ' * 2_500_000 + b'1.0]}}'")


@everywhere
def test_a_reply_that_expands_in_the_grader_is_refused(course, isolation):
    """60 MB of references to one list, a frame under the size limit, would cost the grader
    a gigabyte of memory and seconds past the time limit to decode."""
    reply = f"(lambda data: struct.pack('>Q', len(data)) + data)({EXPANDING})"
    graded = grade(course, {"double": function(forging(reply))}, isolation=isolation,
                   timeout=1.0, hidden=False, bound=4, grader_memory_mb=300)
    only_hit(graded, ("test_double",))


# ================================================================ cheating

PATCHES = {
    "numpy's comparisons": ("scale_dict", "np.allclose = lambda *a, **k: True\n"
                            "np.array_equal = lambda *a, **k: True\n"
                            "try:\n    np.testing.assert_allclose = lambda *a, **k: None\n"
                            "except ImportError:\n    pass\n",
                            "def scale_dict(d, k):\n    return {key: v for key, v in d.items()}\n",
                            ("test_scale_dict",), ("wrong values",)),
    "the grader's checks": ("double", "try:\n    import backprop_lab.checks.core as c\n"
                            "except ImportError:   # not in the student process at all\n"
                            "    import types\n    c = types.SimpleNamespace()\n"
                            "c.expect_close = lambda *a, **k: None\n"
                            "c.expect_array = lambda f, n, value, shape: value\n"
                            "c.call_and_check_inputs = lambda f, *a, **k: f(*a, **k)\n",
                            WRONG_DOUBLE, DOUBLE, ("y is wrong",)),
}


@everywhere
@pytest.mark.parametrize("case", PATCHES)
def test_patching_the_checks_in_the_student_process_changes_nothing(side_by_side, isolation,
                                                                   case):
    name, patch, wrong, hit, words = PATCHES[case]
    graded = side_by_side("patches", isolation)[case]   # each judged on its own
    assert graded.seconds < wall_bound(10 * 2.0), f"grading took {graded.seconds:.1f} s"
    only_hit(graded, hit, words)


LIARS = {
    "an object whose methods lie": (
        "class Liar:\n    shape, dtype = (3,), np.dtype('float64')\n"
        "    def __eq__(self, other):\n        return True\n"
        "    def __array_ufunc__(self, *args, **kwargs):\n        return True\n"
        "    def __float__(self):\n        return 0.0\n",
        "Liar()", ("cannot be graded",)),
    "an object that claims to be an array": (
        "class Fake:\n    __class__ = property(lambda self: np.ndarray)\n"
        "    shape, dtype = (3,), np.dtype('float64')\n",
        "Fake()", ("invalid reply", "cannot be graded")),
    "an array subclass that lies": (
        "class Lying(np.ndarray):\n    def __eq__(self, other):\n        return True\n"
        "    def __array_ufunc__(self, *args, **kwargs):\n        return True\n",
        "x.copy().view(Lying)", ("y is wrong",)),
    "a float that lies": (
        "class Lying(float):\n    def __eq__(self, other):\n        return True\n",
        "Lying(1.0)", ("numpy array",)),
}


@everywhere
@pytest.mark.parametrize("case", LIARS)
def test_lying_results_fail_with_a_message(side_by_side, isolation, case):
    classes, returns, words = LIARS[case]
    graded = side_by_side("liars", isolation)[case]   # each judged on its own
    assert graded.seconds < wall_bound(10 * 2.0), f"grading took {graded.seconds:.1f} s"
    only_hit(graded, DOUBLE, words)


FAKE_SUMMARY = ("import os, sys\nprint('PASS 17/17\\ntotal 17/17')\n"
                "sys.stderr.write('{\"score\": 17, \"max_score\": 17}\\n')\n"
                "os.write(1, b'staged  total  17/17\\n')\n")


def fake_results(folder: str) -> str:
    return (f"import json, os\n"
            f"fake = {{'submissions': [{{'student': 's1', 'score': 17, 'max_score': 17}}],"
            f" 'score': 17, 'tests': []}}\n"
            f"for name in ('results.json', 'out.json', 'grades.json', 'grades.csv'):\n"
            f"    try:\n"
            f"        with open(os.path.join({folder}, name), 'w') as fh:\n"
            f"            json.dump(fake, fh)\n"
            f"    except OSError:\n"
            f"        pass\n")


def honest_wrong_double(graded: Graded, course: Path) -> None:
    """Scores as for a wrong `double` and nothing else, in every report."""
    assert graded.result.score == 2
    reports = course.parent / "reports"
    written = json.loads((reports / "grades.json").read_text())["submissions"][0]
    assert written["score"] == 2
    assert {t["name"]: t["score"] for t in written["tests"]} == {
        "test_double": 0, "test_double_hidden": 0, "test_pair": 1, "test_scale_dict": 1}
    # the CSV's numbers are the real ones (its path column may hold any digits)
    [row] = list(csv.DictReader(io.StringIO((reports / "grades.csv").read_text())))
    assert row["score"] == "2" and row["test_double"] == "0"
    assert "17" not in [value for key, value in row.items() if key != "path"]


@everywhere
def test_fake_summaries_and_results_files_do_not_change_the_reports(course, isolation):
    cheat = FAKE_SUMMARY + fake_results("os.getcwd()") + WRONG_DOUBLE
    graded = grade(course, {"double": cheat}, isolation=isolation)
    only_hit(graded, DOUBLE)
    assert "PASS 17/17" in graded.tests["test_double"].output.split("Your code printed:")[1]
    honest_wrong_double(graded, course)


@requires_sandbox
def test_fake_results_files_cannot_be_written_into_the_course(course, monkeypatch):
    monkeypatch.chdir(course)
    cheat = (fake_results(repr(str(course))) + fake_results("'/proc/%d/cwd' % os.getppid()")
             + WRONG_DOUBLE)
    graded = grade(course, {"double": cheat}, isolation="sandbox")
    honest_wrong_double(graded, course)


@everywhere
def test_the_grader_does_not_follow_a_link_planted_as_the_output_file(course, isolation):
    """The child prints into a file without a name: there is no path to replace with a link
    to a file the student should not see (today's invariant, asserted from inside)."""
    secret = course / "source" / "secret.txt"
    secret.write_text(f"instructor only {hostile.marker()}\n")
    body = (f"import os\nout = os.readlink('/proc/self/fd/1')\nprint('output file:', out)\n"
            f"try:\n    os.remove(out)\n    os.symlink({str(secret)!r}, out)\n"
            f"    print('planted a link')\nexcept OSError as exc:\n"
            f"    print('no such file:', type(exc).__name__)")
    graded = grade(course, {"double": function(body)}, isolation=isolation)
    printed = graded.tests["test_double"].output
    named = [line.split("output file: ", 1)[1] for line in printed.splitlines()
             if line.startswith("output file: ")]
    assert named and all(name.endswith(" (deleted)") for name in named), printed
    # the named path is gone (FileNotFoundError) or its folder read-only (an OSError): no link
    assert "planted a link" not in printed and "no such file:" in printed
    assert graded.tests["test_double"].status == "passed", printed
    assert all("instructor only" not in t.output for t in graded.result.tests)


PROBE_TEST = {"test_probe": (1, "found = probe()\n"
                                "assert found == [], f\"the student's code got through: {found}\"\n")}


@pytest.fixture
def probe_course(course):
    """The toy course with one more function, `probe`, whose test passes when it returns []."""
    nb = toy_course.build({"probe": "def probe():\n    return []\n"},
                          tests={**toy_course.TESTS, **PROBE_TEST})
    install(course, nb)
    solutions = course / "solutions" / toy_course.ASSIGNMENT
    solutions.mkdir(parents=True)
    nbformat.write(nb, solutions / f"{toy_course.ASSIGNMENT}.ipynb")
    return course


def probe(body: str) -> dict:
    return {"probe": function("found = []\n" + body, name="probe", args="", returns="found")}


def reading_the_instructors_notebooks(course: Path) -> str:
    rel = str(course.relative_to("/"))
    return (f"import glob\n"
            f"targets = ['source/staged/staged.ipynb', 'solutions/staged/staged.ipynb']\n"
            f"paths = [{str(course)!r} + '/' + t for t in targets]\n"
            f"paths += ['../' * up + t for up in range(8) for t in targets]\n"
            f"paths += ['../' * up + {rel!r} + '/' + t for up in range(8) for t in targets]\n"
            f"paths += [cwd + '/' + t for cwd in glob.glob('/proc/*/cwd') for t in targets]\n"
            f"for path in paths:\n"
            f"    try:\n"
            f"        with open(path) as fh:\n"
            f"            fh.read(10)\n"
            f"        found.append(path)\n"
            f"    except Exception:\n"
            f"        pass\n")


@requires_sandbox
def test_student_code_cannot_read_the_instructors_notebooks(probe_course, monkeypatch):
    monkeypatch.chdir(probe_course)
    graded = grade(probe_course, probe(reading_the_instructors_notebooks(probe_course)),
                   isolation="sandbox")
    assert graded.tests["test_probe"].status == "passed", graded.tests["test_probe"].output
    assert graded.result.score == graded.result.max_score


@requires_sandbox
def test_student_code_cannot_write_into_the_course(course, monkeypatch):
    monkeypatch.chdir(course)
    mark = hostile.marker()
    targets = [course / "source" / "staged" / "staged.ipynb",
               course / "submitted" / "s1" / "staged" / "staged.ipynb",
               course / f"{mark}.txt", course / "source" / "staged" / f"{mark}.txt"]
    body = (f"import os\nfor path in {[str(t) for t in targets]!r}:\n"
            f"    try:\n        with open(path, 'w') as fh:\n            fh.write({mark!r})\n"
            f"    except OSError:\n        pass\n"
            f"for path in ({str(course / 'assignments' / 'staged' / 'staged.ipynb')!r}, "
            f"'/proc/%d/cwd/source/staged/staged.ipynb' % os.getppid()):\n"
            f"    try:\n        os.remove(path)\n    except OSError:\n        pass")
    full_marks(grade(course, {"double": function(body)}, isolation="sandbox"))


@requires_sandbox
def test_student_code_cannot_write_into_the_grader_package(course):
    mark = hostile.marker()
    targets = [ROOT / f"{mark}.txt", Path(backprop_lab.__file__).parent / f"{mark}.txt"]
    body = (f"for path in {[str(t) for t in targets]!r}:\n"
            f"    try:\n        with open(path, 'w') as fh:\n            fh.write({mark!r})\n"
            f"    except OSError:\n        pass")
    try:
        full_marks(grade(course, {"double": function(body)}, isolation="sandbox"))
        assert not any(t.exists() for t in targets)
    finally:
        for target in targets:
            target.unlink(missing_ok=True)


@pytest.fixture
def listener():
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    yield server.getsockname()[1]
    server.close()


@requires_sandbox
def test_student_code_has_no_network(probe_course, listener):
    body = (f"import socket\ntry:\n"
            f"    socket.create_connection(('127.0.0.1', {listener}), timeout=1).close()\n"
            f"    found.append('connected to port {listener}')\n"
            f"except OSError:\n    pass")
    graded = grade(probe_course, probe(body), isolation="sandbox")
    assert graded.tests["test_probe"].status == "passed", graded.tests["test_probe"].output


# ================================================================ signals

def run_cli(course: Path, isolation: str, timeout: float = 1.0, limit: float = 20.0):
    """The CLI in its own session, as an instructor runs it in the course folder."""
    out = course.parent / "cli" / "grades.json"
    out.parent.mkdir(exist_ok=True)
    out.unlink(missing_ok=True)
    start = time.monotonic()
    proc = conftest.run_cli("grade", "submitted", "--hidden", "--course", ".", "--json", out,
                            "--jobs", "1", "--timeout", f"{timeout:g}", "--isolation", isolation,
                            cwd=course, limit=limit)
    seconds = time.monotonic() - start
    data = json.loads(out.read_text()) if out.exists() else None
    return proc.returncode, seconds, data, proc.stdout + proc.stderr


def cli_attack(course, double_source, isolation, timeout=1.0):
    """Grade a submission through the CLI; the run must finish and keep the other points."""
    toy_course.write_submission(course, "s1", {"double": double_source})
    before = hostile.snapshot(course)
    code, seconds, data, output = run_cli(course, isolation, timeout)
    assert seconds < wall_bound(10 * timeout + 2), f"grading took {seconds:.1f} s"
    assert code == 0 and data is not None, f"the grader did not finish (exit {code}): {output}"
    assert hostile.differences(before, hostile.snapshot(course)) == []
    tests = {t["name"]: t for t in data["submissions"][0]["tests"]}
    assert all(tests[name]["status"] == "passed" for name in ("test_pair", "test_scale_dict")), \
        {name: (t["status"], t["output"][:300]) for name, t in tests.items()}
    return tests


@everywhere
def test_killing_its_own_process_group_costs_only_its_tests(course, isolation):
    tests = cli_attack(course, function("import os, signal\nos.killpg(0, signal.SIGKILL)"),
                       isolation)
    assert tests["test_double"]["score"] == 0 and "killed" in tests["test_double"]["output"]


@requires_sandbox
@pytest.mark.parametrize("signame", ["SIGKILL", "SIGTERM", "SIGINT", "SIGSTOP"])
def test_student_code_cannot_signal_the_grader(course, signame):
    cli_attack(course, function(f"import os, signal\nos.kill(os.getppid(), signal.{signame})"),
               "sandbox")


@pytest.fixture
def canary():
    """A process outside the grading that student code must not be able to reach."""
    mark = hostile.marker()
    proc = subprocess.Popen([mark, "60"], executable=shutil.which("sleep"))
    yield proc.pid, mark
    proc.kill()
    proc.wait()


def reaching(canary) -> str:
    pid, mark = canary
    return (f"import os\ntry:\n    os.kill({pid}, 0)\n    found.append('can signal it')\n"
            f"except OSError:\n    pass\n"
            f"for entry in os.listdir('/proc'):\n"
            f"    try:\n"
            f"        with open('/proc/%s/cmdline' % entry, 'rb') as fh:\n"
            f"            if {mark.encode()!r} in fh.read():\n"
            f"                found.append('sees it as pid ' + entry)\n"
            f"    except OSError:\n"
            f"        pass")


@requires_sandbox
@pytest.mark.parametrize("attack", ["every pid in /proc", "kill(-1)"])
def test_student_code_cannot_kill_other_processes(probe_course, canary, attack):
    """Run only once a harmless probe shows the sandbox hides the canary: as root, outside a
    sandbox, this attack would kill every process on the machine."""
    seen = grade(probe_course, probe(reaching(canary)), isolation="sandbox")
    if seen.tests["test_probe"].status != "passed":
        pytest.fail("the sandbox lets student code reach processes outside it, so the attack "
                    "was not run: " + seen.tests["test_probe"].output)
    kill = ("import os, signal\nos.kill(-1, signal.SIGKILL)" if attack == "kill(-1)" else
            "import os, signal\nfor entry in os.listdir('/proc'):\n"
            "    if entry.isdigit() and int(entry) != os.getpid():\n"
            "        try:\n            os.kill(int(entry), signal.SIGKILL)\n"
            "        except OSError:\n            pass")
    try:
        cli_attack(probe_course, function(kill), "sandbox")
    finally:
        assert hostile.processes_with(canary[1]) == [canary[0]], "the canary was killed"


# ================================================================ broken notebooks

BROKEN_FILES = {
    "broken JSON": ("{ not json", "not a valid notebook"),
    "an empty file": ("", "empty"),
    "a JSON list": ("[]", "not a notebook"),
    "cells that are not a list": ('{"cells": {}}', "not a notebook"),
    "bytes that are not UTF-8": (b"\xff\xfe\x00\x81 garbage", "cannot read"),
    "deeply nested JSON": ("[" * 100_000 + "]" * 100_000, "not a valid notebook"),
    "malformed nbgrader metadata": ('{"cells": [{"cell_type": "code", "source": "",'
                                    ' "metadata": {"nbgrader": [1]}}]}', "malformed cell"),
    "an old notebook format": ('{"cells": [], "nbformat": 3}', "format 3"),
    "a format that is not a number": ('{"cells": [], "nbformat": "4"}', "format"),
    "millions of JSON items": ('{"cells": [], "x": [' + "{}," * 2_100_000 + "{}]}",
                               "JSON items"),
}


def _read_measured(path, queue):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        notebooks.read_notebook(path, follow_links=False)
        outcome = "read"
    except notebooks.NotebookError as exc:
        outcome = str(exc)
    queue.put((outcome, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before))


@pytest.mark.parametrize("item", ["{}", "[]", '{"a": 0}', "0"])
def test_a_notebook_of_millions_of_small_items_cannot_swell_the_grader(tmp_path, item):
    """A notebook is read in the grader itself (to recognise its assignment, to make its
    plan): 24 MB of tiny JSON items (a 256 MB one, the size allowed) used to take 0.6 GB
    (7 GB) there while parsed. They are counted before parsing and refused with a message."""
    path = tmp_path / "staged.ipynb"
    count = 24 * 2 ** 20 // (len(item) + 1)
    path.write_text('{"nbformat": 4, "cells": [], "x": [' + (item + ",") * count + item + "]}")
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    reader = context.Process(target=_read_measured, args=(path, queue))
    reader.start()
    outcome, grown_kb = queue.get(timeout=120)
    reader.join()
    assert "JSON items" in outcome and "clear" in outcome.lower(), outcome
    assert grown_kb < 100 * 1024, f"the grader grew by {grown_kb // 1024} MB"


@pytest.mark.parametrize("case", BROKEN_FILES)
def test_unreadable_notebooks_are_reported(course, case):
    content, words = BROKEN_FILES[case]
    path = toy_course.write_submission(course, "s1")
    (path.write_bytes if isinstance(content, bytes) else path.write_text)(content)
    result = grade_path(path, course).result
    assert result.error and words in result.error
    assert result.score == 0 and result.max_score == 5
    assert [t.status for t in result.tests] == ["error"] * 4


# A notebook's content that makes the grader's own parsing fail with something else than a
# syntax error: a number too large for a float in nbgrader's metadata (OverflowError), a
# helper cell nested too deeply for Python's parser (RecursionError) or one that exhausts it
# (MemoryError). Each is read in the grader (where its assignment is recognised, and where its
# grading plan is made), never in the student process.
TOO_LARGE_POINTS = ('{"nbformat": 4, "cells": [{"cell_type": "code", "source": "x = 1",'
                    ' "metadata": {"nbgrader": {"grade": true, "grade_id": "test_double",'
                    ' "points": 1' + "0" * 400 + '}}}]}')
PARSER_BREAKERS = {
    "points too large for a number": (TOO_LARGE_POINTS, "malformed cell"),
    "a helper nested too deeply": ("X = " + "+".join(["1"] * 100_000) + "\n", None),
    "a helper that exhausts the parser": ("X = " + "-" * 100_000 + "1\n", None),
    "a helper default nested too deeply": ("def helper(a=" + "+".join(["1"] * 100_000)
                                           + "):\n    return a\n", "`helper`"),
}


@pytest.mark.parametrize("case", PARSER_BREAKERS)
def test_a_notebook_that_breaks_the_graders_parsing_costs_only_its_own_points(course, case):
    """Through the CLI, in a folder outside an nbgrader tree (so the grader reads each
    notebook to recognise its assignment) and with two workers: the hostile notebook gets
    its message and its zero, the classmate beside it is graded, the run ends normally."""
    content, words = PARSER_BREAKERS[case]
    inbox = course / "inbox"
    honest = inbox / "bob" / "staged.ipynb"
    honest.parent.mkdir(parents=True)
    nbformat.write(toy_course.build(), honest)
    hostile_path = inbox / "alice" / "staged.ipynb"
    hostile_path.parent.mkdir(parents=True)
    if content.startswith("{"):
        hostile_path.write_text(content)
    else:
        nbformat.write(add_cell(toy_course.build(), content, after="double"), hostile_path)
    out = course.parent / "grades.json"
    proc = conftest.run_cli("grade", "inbox", "--hidden", "--course", ".", "--json", out,
                            "--jobs", "2", "--timeout", "2", "--isolation", "process",
                            cwd=course, limit=60)
    unreadable = content.startswith("{")   # exit 1: a submission could not be graded
    assert proc.returncode == int(unreadable) and out.exists(), \
        proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    subs = {Path(s["path"]).parent.name: s for s in json.loads(out.read_text())["submissions"]}
    assert subs["bob"]["score"] == 5, subs["bob"]
    if unreadable:
        assert subs["alice"]["score"] == 0 and words in (subs["alice"]["error"] or "")
    else:   # only the cell is left out: the answers above it are graded
        assert subs["alice"]["score"] == 5, subs["alice"]
        if words:
            assert any(words in w for w in subs["alice"]["warnings"]), subs["alice"]["warnings"]


@pytest.mark.parametrize("where", ["make_plan", "grade_notebook"])
def test_an_unforeseen_failure_of_the_grader_costs_one_notebook(course, monkeypatch, where):
    """The class behind PARSER_BREAKERS: whatever in a notebook the grader's own code does not
    foresee ends that notebook's grading with a message, never the batch's."""
    import backprop_lab.batch as batch
    import backprop_lab.grading as grading

    def broken(*args, **kwargs):
        raise KeyError("a case nobody foresaw")

    monkeypatch.setattr(grading if where == "make_plan" else batch, where, broken)
    path = toy_course.write_submission(course, "s1")
    [result] = grade_all([path], Settings(course=course, hidden=True, isolation="process"), 1)
    assert result.score == 0 and "KeyError" in result.error, result.error
    assert [t.status for t in result.tests] == ["error"] * 4


def test_a_folder_named_like_a_notebook_is_reported(course):
    path = course / "submitted" / "s1" / "staged" / "staged.ipynb"
    path.mkdir(parents=True)
    result = grade_path(path, course).result
    assert "cannot read" in result.error and result.score == 0


def test_a_notebook_of_an_unknown_assignment_is_reported(course, tmp_path):
    other = tmp_path / "mystery.ipynb"
    other.write_text("{}")
    result = grade_notebook(other, Settings(course=course))
    assert "unknown assignment" in result.error
    hostile.check_reports(result, tmp_path / "reports")


@pytest.mark.parametrize("content, said", [
    ("", "is empty"),                          # a 0-byte file: saved nowhere, or truncated
    ('{"cells": [', "broken JSON"),
    ('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}', "unknown assignment"),
])
def test_a_notebook_named_after_no_assignment_says_what_is_wrong_with_it(course, tmp_path,
                                                                          content, said):
    """Graded by path (`--submission my_copy.ipynb`) and unrecognized: an unreadable file says
    why it cannot be read, not that its cells lack ids; none says the grader's words."""
    other = tmp_path / "my copy.ipynb"
    other.write_text(content)
    result = grade_notebook(other, Settings(course=course))
    assert said in result.error, result.error
    assert "nbgrader" not in result.error, result.error


def drop(nb, *grade_ids):
    nb.cells = [c for c in nb.cells
                if c.metadata.get("nbgrader", {}).get("grade_id") not in grade_ids]
    return nb


def test_a_deleted_function_is_reported_missing(course):
    graded = grade(course, nb=drop(toy_course.build(), "double"))
    only_hit(graded, DOUBLE, ("`double` is not defined in the notebook (renamed or deleted?)",))
    assert any("`double` is missing" in w for w in graded.result.warnings)


def test_a_renamed_function_is_reported_missing(course):
    graded = grade(course, {"double": "def twice(x):\n    return 2.0 * x\n"})
    only_hit(graded, DOUBLE, ("`double` is not defined",))


def test_a_syntax_error_in_one_cell_leaves_the_others_graded(course):
    graded = grade(course, {"double": "def double(x):\n    return x +\n"})
    only_hit(graded, DOUBLE, ("SyntaxError",), "failed")


LOAD_FAILURES = {
    "sys.exit": ("import sys\nsys.exit(3)\n", "exit(3)"),
    "os._exit": ("import os\nos._exit(0)\n", "exit code 0"),
    "KeyboardInterrupt": ("raise KeyboardInterrupt\n", "KeyboardInterrupt"),
    "a segfault": ("import ctypes\nctypes.string_at(0)\n", "segmentation fault"),
    "a memory hog": ("hog = [0] * 10 ** 10\n", "MemoryError"),
    "an infinite loop": ("while True:\n    pass\n", "time limit"),
    "a long sleep": ("import time\ntime.sleep(60)\n", "time limit"),
}


@everywhere
@pytest.mark.parametrize("case", LOAD_FAILURES)
def test_a_cell_that_fails_while_loading_is_left_out(side_by_side, isolation, case):
    prefix, words = LOAD_FAILURES[case]
    # every case's notebook graded side by side, once per isolation; each judged on its own
    graded = side_by_side("load failures", isolation, timeout=1.0)[case]
    assert graded.seconds < wall_bound(10 * 1.0), f"grading took {graded.seconds:.1f} s"
    only_hit(graded, ("test_pair",), ("its cell failed to run",))
    assert words in graded.tests["test_pair"].output


# The tables graded side by side (the `side_by_side` fixture): case -> the solutions.
SIDE_BY_SIDE = {
    "runaway": lambda: {case: {"double": function(body)}
                        for case, (body, _, _) in RUNAWAY.items()},
    "load failures": lambda: {case: {"pair": prefix + PAIR_SOURCE}
                              for case, (prefix, _) in LOAD_FAILURES.items()},
    "forged": lambda: {case: {"double": function(forging(reply))}
                       for case, reply in FORGED.items()},
    "patches": lambda: {case: {name: "import numpy as np\n" + patch + wrong}
                        for case, (name, patch, wrong, _, _) in PATCHES.items()},
    "liars": lambda: {case: {"double": "import numpy as np\n" + classes
                             + function("pass", returns=returns)}
                      for case, (classes, returns, _) in LIARS.items()},
}


def test_stripped_metadata_falls_back_to_the_function_name(course):
    nb = toy_course.build()
    for cell in nb.cells:
        cell.metadata.pop("nbgrader", None)
    graded = grade(course, nb=nb)
    full_marks(graded)
    assert any("used the cell that defines it" in w for w in graded.result.warnings)


@pytest.mark.parametrize("first, second, passes", [
    (WRONG_DOUBLE, toy_course.SOLUTIONS["double"], True),
    (toy_course.SOLUTIONS["double"], WRONG_DOUBLE, False),
    ("def _twice(v):\n    return 2.0 * v\n", "def double(x):\n    return _twice(x)\n", True),
], ids=["wrong then right", "right then wrong", "helper then function"])
def test_duplicated_solution_cells_run_top_to_bottom(course, first, second, passes):
    nb = add_cell(toy_course.build({"double": first}), second, after="double", solution=True,
                  grade=False, locked=False, grade_id="double")
    graded = grade(course, nb=nb)
    if passes:
        full_marks(graded)
    else:
        only_hit(graded, DOUBLE, ("y is wrong",))
    assert any("2 solution cells are labelled `double`" in w for w in graded.result.warnings)


def test_test_cells_come_from_the_trusted_copy(course):
    nb = toy_course.build({"double": WRONG_DOUBLE})
    for cell in nb.cells:   # the student rewrites every test to pass
        if cell.metadata.get("nbgrader", {}).get("grade"):
            cell.source = "pass"
    graded = grade(course, nb=nb)
    only_hit(graded, DOUBLE, ("`double`: y is wrong",), "failed")


def test_deleted_test_cells_still_run(course):
    nb = drop(toy_course.build({"double": WRONG_DOUBLE}), *toy_course.TESTS)
    graded = grade(course, nb=nb)
    assert graded.result.max_score == 5
    only_hit(graded, DOUBLE, ("`double`: y is wrong",))


@pytest.mark.parametrize("new_source", ["pass", toy_course.SOLUTIONS["double"]],
                         ids=["pass", "a redefinition"])
def test_test_cells_relabelled_as_solutions_still_run(course, new_source):
    nb = toy_course.build({"double": WRONG_DOUBLE})
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade"):
            meta.update(solution=True, grade=False, locked=False)
            cell.source = new_source
    graded = grade(course, nb=nb)
    assert graded.result.max_score == 5
    only_hit(graded, DOUBLE, ("`double`: y is wrong",))


@pytest.mark.parametrize("solution, redefinition, where, passes", [
    (WRONG_DOUBLE, toy_course.SOLUTIONS["double"], "double", True),
    (toy_course.SOLUTIONS["double"], WRONG_DOUBLE, "double", False),
    (WRONG_DOUBLE, toy_course.SOLUTIONS["double"], "test_double_hidden", False),
    (toy_course.SOLUTIONS["double"], WRONG_DOUBLE, None, True),
], ids=["right before the test", "wrong before the test", "right after the test",
        "wrong at the end"])
def test_a_later_cell_that_redefines_a_function_counts_as_in_jupyter(
        course, solution, redefinition, where, passes):
    """Run top to bottom, a test cell grades the last definition above it."""
    nb = add_cell(toy_course.build({"double": solution}), redefinition, after=where)
    graded = grade(course, nb=nb)
    if passes:
        full_marks(graded)
    else:
        only_hit(graded, DOUBLE, ("y is wrong",))
    noted = any("a later cell defines `double` again" in w for w in graded.result.warnings)
    assert noted == (where == "double")


# ================================================================ a class

def test_a_class_with_hostile_members_is_graded_in_bounded_time(course):
    timeout = 1.0
    benign = toy_course.write_submission(course, "benign")
    settings = Settings(course=course, hidden=True, limits=Limits(timeout=timeout))
    start = time.monotonic()
    grade_notebook(benign, settings)
    one_benign = time.monotonic() - start
    loop = {"double": function("while True:\n    pass")}
    sleep = {"pair": "import time\ntime.sleep(60)\n" + PAIR_SOURCE}
    notebooks = [toy_course.write_submission(course, "loop", loop)] + \
        [toy_course.write_submission(course, f"s{i}") for i in range(4)] + \
        [toy_course.write_submission(course, "sleep", sleep)]
    hostile_timeouts = 3 * timeout   # two tests call the looping double, one cell sleeps
    before = hostile.snapshot(course)
    start = time.monotonic()
    results = grade_all(notebooks, settings, jobs=2)
    seconds = time.monotonic() - start
    assert seconds < wall_bound(1.5 * (hostile_timeouts + len(notebooks) * one_benign) + 3), \
        seconds
    assert hostile.differences(before, hostile.snapshot(course)) == []
    scores = {r.student: r.score for r in results}
    assert scores == {"loop": 2, "s0": 5, "s1": 5, "s2": 5, "s3": 5, "sleep": 4}
    for result in results:
        hostile.check_reports(result, course.parent / "reports")


# ================================================================ hidden inputs, kept and printed

@everywhere
def test_hidden_inputs_kept_by_student_code_never_reach_a_public_test(tmp_path, isolation):
    """Code that keeps every input it is given and prints what it kept in every later test
    (tests/spy.py), graded as the CLI grades: the public tests all run first, and the hidden
    ones in a fresh process after them, so no public test can print a hidden input. The
    same holds when the tests that ran out of time run again."""
    import spy
    nb = spy.spy_notebook(json.loads((ROOT / "source" / "staged" / "staged.ipynb").read_text()))
    path = tmp_path / "submitted" / "s1" / "staged" / "staged.ipynb"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(nb))
    settings = Settings(course=ROOT, hidden=True, isolation=isolation,
                        limits=Limits(timeout=5.0))
    result = grade_notebook(path, settings)
    assert result.score == result.max_score > 0, [t.output for t in result.tests]
    assert [t.name for t in result.tests] == [t.grade_id for t in notebooks.tests_of(
        notebooks.read_notebook(ROOT / "source" / "staged" / "staged.ipynb"))]   # in order
    hidden = {t.name for t in result.tests if t.hidden}
    hidden_only, printed, stashes = spy.leaks({t.name: t.output for t in result.tests}, hidden)
    assert hidden and hidden_only and stashes >= 4
    assert not printed, f"public tests printed {len(printed)} hidden inputs"
    # the re-run of tests that ran out of time keeps the order too
    result.rerun = [t.name for t in result.tests]
    rerun_tests(result, settings, launcher_for(settings))
    assert all(len(t.timings) == 2 for t in result.tests)
    _, printed, _ = spy.leaks({t.name: t.output for t in result.tests}, hidden)
    assert not printed


# ================================================================ warnings that repeat

def test_twenty_thousand_later_cells_make_one_line_of_warning(course, tmp_path):
    """Each later cell that defines a function again is noted; many are summarised, with a
    count, in the JSON, the score table and the feedback."""
    cells = 3000
    nb = toy_course.build()
    at = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells].index("double") + 1
    nb.cells[at:at] = [new_code_cell(toy_course.SOLUTIONS["double"]) for _ in range(cells)]
    path = toy_course.write_submission(course, "s1", nb=nb)
    proc = subprocess.run([sys.executable, "-m", "backprop_lab", "grade", str(path), "--hidden",
                           "--course", str(course), "--feedback", str(tmp_path / "fb"),
                           "--json", str(tmp_path / "g.json")], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    [sub] = json.loads((tmp_path / "g.json").read_text())["submissions"]
    assert sub["score"] == sub["max_score"]
    noted = [w for w in sub["warnings"] if "defines `double` again" in w]
    assert len(noted) == 1 and f"{cells}" in noted[0], sub["warnings"][:3]
    lines = [ln for ln in proc.stdout.splitlines() if "again" in ln]
    assert len(lines) == 1 and f"{cells}" in lines[0]
    feedback = (tmp_path / "fb" / "s1" / "staged.md").read_text()
    assert feedback.count("again") == 1 and len(feedback.splitlines()) < 60


def test_a_child_never_serves_a_public_test_after_a_hidden_one(tmp_path):
    """Whatever the order the tests are asked for in (pytest's -k, a plugin that shuffles),
    a GradingSession ends its child when the kind of test changes: in notebook order, with
    public and hidden tests interleaved, no public test prints a hidden input."""
    import spy
    from backprop_lab.grading import GradingSession, open_submission
    nb = spy.spy_notebook(json.loads((ROOT / "source" / "staged" / "staged.ipynb").read_text()))
    path = tmp_path / "staged.ipynb"
    path.write_text(json.dumps(nb))
    settings = Settings(course=ROOT, hidden=True, isolation="process", limits=Limits(timeout=5.0))
    result, trusted, plan = open_submission(path, settings, "s1")
    with launcher_for(settings) as launcher, \
            GradingSession(trusted, plan, settings.limits, launcher, "s1") as session:
        tested = [session.run_test(t) for t in plan.tests]   # interleaved
    assert all(t.status == "passed" for t in tested), [t.output for t in tested]
    hidden = {t.name for t in tested if t.hidden}
    hidden_only, printed, stashes = spy.leaks({t.name: t.output for t in tested}, hidden)
    assert hidden_only and stashes >= 4
    assert not printed, f"public tests printed {len(printed)} hidden inputs"


# ================================================================ the exactness probe, evaded

# Every check of a backward pass ends with one more call, the exactness probe (checks/
# exactness.py), on a case of its own: that call alone tells backprop from a numerical
# gradient. A numerical backward pass that can tell the probe's case from the check's own
# (its sizes, its magnitudes, its place as the last call) need not answer it: it raised, gave
# back something of another form, NaNs or a far-off value, and kept the points. Here the
# probe's call is found as the test author can (the last call a test cell makes) and answered
# each way, every other call answered by the worked solution.
EVASIONS = {
    "raises": lambda result: (_ for _ in ()).throw(ValueError("not now")),
    "returns None": lambda result: None,
    "returns a shorter tuple": lambda result: result[:1] if isinstance(result, tuple)
    else (result,),
    "returns NaN": lambda result: _mapped(result, lambda a: np.full_like(a, np.nan)),
    "returns zeros": lambda result: _mapped(result, np.zeros_like),
}


def _mapped(result, f):
    if isinstance(result, tuple):
        return tuple(_mapped(r, f) for r in result)
    if isinstance(result, dict):
        return {k: _mapped(v, f) for k, v in result.items()}
    return f(np.asarray(result, dtype=np.float64))


def _evading(solution, evade, last: int):
    calls = [0]

    def backward(*args, **kwargs):
        calls[0] += 1
        result = solution(*args, **kwargs)
        return evade(result) if calls[0] == last else result
    return backward, calls


def _graded_backward_passes():
    from backprop_lab.checks.exactness import PROBES
    from numerical_attacks import SPECS
    return [(a, f) for a, fns in SPECS.items() for f in fns if f in PROBES]


_SOLUTION_CALLS: dict = {}


def solution_calls(assignment, function, cell, ns) -> int:
    """How many times the test cell calls the worked solution, which passes it: the probe's
    call is the last. Counted once for the five evasions below (the same cell, the same
    solution, the same cases)."""
    from notebook_tools import run_test_cell
    key = (assignment, function, cell.grade_id)
    if key not in _SOLUTION_CALLS:
        counting, calls = _evading(ns[function], lambda r: r, last=-1)
        run_test_cell(ns, cell, **{function: counting})   # the solution passes
        _SOLUTION_CALLS[key] = calls[0]
    return _SOLUTION_CALLS[key]


@pytest.mark.parametrize("evasion", EVASIONS)
def test_a_backward_pass_that_will_not_answer_the_exactness_probe_loses_the_test(evasion):
    from notebook_tools import cells_for, run_test_cell, solution_namespace
    from backprop_lab.checks.core import CheckFailure, StudentCodeError
    kept = []
    for assignment, function in _graded_backward_passes():
        ns = solution_namespace(assignment)
        solution = ns[function]
        for cell in cells_for(assignment, function):
            last = solution_calls(assignment, function, cell, ns)
            evasive, _ = _evading(solution, EVASIONS[evasion], last=last)
            try:
                run_test_cell(ns, cell, **{function: evasive})
            except (CheckFailure, StudentCodeError) as failure:
                if evasion == "raises":   # the student's own error, shown as such
                    assert isinstance(failure, StudentCodeError) and "not now" in str(failure)
                else:   # unanswered (no cause named), or zeros where most are tiny
                    assert isinstance(failure, CheckFailure), str(failure)
                    assert "one more case" in str(failure) and failure.cause_ids == [] \
                        or evasion == "returns zeros", str(failure)
                continue
            kept.append(cell.grade_id)
    assert kept == [], f"the probe's call {evasion} and these tests passed: {kept}"
