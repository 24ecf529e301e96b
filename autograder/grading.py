"""Grading one submission: the plan from notebooks.py, student code in a child, tests here.

Each test cell of the trusted copy runs in the grader, in a namespace holding what the
trusted given cells define and a proxy for each graded function. A test scores its points
when the cell runs to the end, as in nbgrader; otherwise the result says why. Before any
test, the grader reads the student's cells (refused_functions): a backward pass that reaches
the complex step (or hides the names it uses) fails every one of its tests, unrun.
"""
from __future__ import annotations

import ast
import functools
import hashlib
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import CodeType

from .assignments import ASSIGNMENTS
from .checks.complex_scan import findings as complex_findings, message as complex_message
from .checks.circuit import remember_source
from .checks.core import STUDENT_KEY, StudentCodeError, set_probe_salt
from .checks.exactness import PROBES
from .notebooks import (DEFINITION_ONLY, GIVEN_LABEL, SOLUTION, GradingPlan, Notebook,
                        NotebookError, Test, given_source, make_plan, read_notebook, safe_name,
                        tested_function, tests_of, trusted_path)
from .checks.runs import unsaved_note
from .isolation.launcher import Launcher
from .text import clean
from .isolation.wire import cut
from .isolation.student_process import (GradingInterrupted, Limits, StudentFunction, StudentProcess,
                                        budget_message, spent_budget)

PASSED, FAILED, ERROR, TIMEOUT = "passed", "failed", "error", "timeout"
# characters of a test's output, a submission's error and each of its warnings in every report
# (JSON, CSV, feedback, the terminal); what is longer is cut with wire.CUT_MARK
REPORT_TEXT_LIMIT = 12_000

# a test of a submission that could not be run: the submission's error says why, once
SEE_SUBMISSION_ERROR = "not run: see the submission's error"


@dataclass
class TestResult:
    __test__ = False   # not a pytest test class

    name: str
    score: float
    max_score: float
    status: str
    output: str = ""
    hidden: bool = False
    seconds: float = 0.0   # the test's own time: its calls and checks, never loading cells
    # every run of the test: {"run": "batch" or "rerun", "status": ..., "seconds": ...}
    timings: list[dict] = field(default_factory=list)
    # the stable ids of the likely causes its failure named (CheckFailure.cause_ids)
    causes: list[str] = field(default_factory=list)


@dataclass
class SubmissionResult:
    student: str | None
    assignment: str
    path: str
    score: float = 0.0
    max_score: float = 0.0
    error: str | None = None
    tests: list[TestResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0            # wall time of its grading (the re-run's added)
    budget: float | None = None     # its grading time budget in seconds
    # tests whose zero may be the machine's doing (a time limit, a cell that ran out of time
    # while loading, the budget): a batch runs them again alone before the zero stands
    rerun: list[str] = field(default_factory=list)
    # with a late policy (report.apply_late_policy): the score before the penalty, the
    # penalty and the days late; `score` is then the final score
    raw_score: float | None = None
    late_penalty: float | None = None
    days_late: int | None = None
    late_error: str | None = None   # why it was not judged late (its timestamp.txt unreadable)

    def to_dict(self) -> dict:
        data = asdict(self)
        del data["rerun"]
        for key in ("raw_score", "late_penalty", "days_late", "late_error"):
            if data[key] is None:
                del data[key]
        for test in data["tests"]:
            del test["hidden"]
        return data


@dataclass(frozen=True)
class Settings:
    course: Path = Path(".")
    hidden: bool = False
    limits: Limits = field(default_factory=Limits)
    isolation: str = "auto"   # "sandbox" (bubblewrap), "process", or "auto": sandbox if it works


@dataclass(frozen=True)
class TrustedAssignment:
    """The trusted copy of an assignment, read and compiled once per grader process."""

    notebook: Notebook
    given: CodeType
    tests: dict[str, CodeType]
    parameters: dict[str, tuple[str, ...]]   # graded function -> its documented parameters

    def namespace(self) -> dict:
        ns: dict = {"__name__": "__grader__"}
        exec(self.given, ns)
        return ns


@functools.lru_cache(maxsize=16)
def _load_trusted(path: Path, mtime: float) -> TrustedAssignment:
    notebook = read_notebook(path)
    source, label = given_source(notebook), f"<given cells of {path.name}>"
    remember_source(source, label)      # the traced forward passes' lines, for the messages
    given = compile(source, label, "exec")
    tests = {t.grade_id: compile(t.source, f"<test cell {t.grade_id}>", "exec")
             for t in tests_of(notebook)}
    parameters = {c.grade_id: parameter_names(c.source, c.grade_id)
                  for c in notebook.of_kind(SOLUTION)}
    return TrustedAssignment(notebook, given, tests, parameters)


def parameter_names(source: str, function: str) -> tuple[str, ...]:
    """The positional parameters of `def function(...)` in `source` (for messages)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return ()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == function:
            return tuple(a.arg for a in node.args.posonlyargs + node.args.args)
    return ()


def load_trusted(settings: Settings, assignment: str) -> TrustedAssignment:
    path = trusted_path(settings.course, assignment, settings.hidden).resolve()
    if not path.exists():
        raise NotebookError(f"no trusted copy of `{assignment}` at {path}")
    return _load_trusted(path, path.stat().st_mtime)


def public_first(tests) -> list:
    """`tests` in the order they run: every public test before any hidden one (each group in
    notebook order). With GradingSession's fresh child for the hidden tests, no public test
    can print, or act on, what a hidden test gave student code: its inputs stay hidden."""
    return sorted(tests, key=lambda t: t.hidden)


class GradingSession:
    """One submission under grading: its child process and the grader-side namespace.

    A child never serves both public and hidden tests: when the kind changes, the child is
    ended and the next test starts a fresh one (its cells loaded again, within the same
    budget), so student code that keeps a hidden test's inputs in a global, a file in its
    scratch folder (emptied for every child) or a process it started (ended with the child)
    cannot show them in a public test's output. Callers run the public tests first
    (`public_first`), so there is one such change per submission.
    """

    def __init__(self, trusted: TrustedAssignment, plan: GradingPlan, limits: Limits,
                 launcher: Launcher, student: str | None = None):
        self.trusted, self.plan = trusted, plan
        self.student = student   # hidden tests draw this student's cases (checks.core.hidden_seed)
        self.process = StudentProcess(list(plan.child_cells), limits, launcher)
        self.process.left_out = dict(plan.left_out)
        self.process.graded_cells = ("the answer cells and the cells you added that hold only "
                                     + DEFINITION_ONLY)
        self.limits = limits
        self.budget = limits.budget_for(len(plan.tests))
        self.process.start_budget(self.budget)
        self._given = trusted.namespace()
        self._serving_hidden: bool | None = None   # the kind of test the child has served
        self.refused = refused_functions(plan)
        self.probe_salt = probe_salt(trusted, student)

    def close(self) -> None:
        self.process.close()

    def __enter__(self) -> "GradingSession":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def run_test(self, test: Test) -> TestResult:
        """Run one test cell; a test whose student process ended is run once more in a fresh
        one, so that a process killed by what an earlier test started costs only that test.
        A test of a function in `refused` is not run: it fails with the reason."""
        function = tested_function(test.grade_id, list(self.plan.functions))
        if function in self.refused:
            return TestResult(test.grade_id, 0.0, test.points, FAILED, self.refused[function],
                              test.hidden,
                              causes=[f"{self.plan.assignment}.numerical_differentiation"])
        if self._serving_hidden is not None and self._serving_hidden != test.hidden:
            self.process.kill()   # a fresh child for the other kind of test
        self._serving_hidden = test.hidden
        if self.process.budget_spent():   # nothing more of this submission runs
            self.process.kill()
            return TestResult(test.grade_id, 0.0, test.points, TIMEOUT,
                              budget_message(self.budget), test.hidden)
        status, output, ended, seconds, causes = self._attempt(test)
        if ended:
            status, output, _, more, causes = self._attempt(test)
            seconds += more
        score = test.points if status == PASSED else 0.0
        return TestResult(test.grade_id, score, test.points, status,
                          cut(output, REPORT_TEXT_LIMIT), test.hidden, round(seconds, 3),
                          causes=causes)

    def _attempt(self, test: Test) -> tuple[str, str, bool, float, list[str]]:
        ns = dict(self._given)
        ns.update({name: StudentFunction(self.process, name, self.trusted.parameters.get(name, ()))
                   for name in self.plan.functions})
        ns[STUDENT_KEY] = self.student
        self.process.take_output()
        start = time.monotonic()
        self.process.deadline = first_deadline = start + self.limits.timeout
        ended, causes = False, []
        set_probe_salt(self.probe_salt)
        try:
            exec(self.trusted.tests[test.grade_id], ns)
            status, output = PASSED, ""
        except GradingInterrupted as exc:
            status, output, ended = exc.status, exc.message, exc.ended
            if exc.where:
                output += f"\nIt was running:\n{exc.where}"
        except StudentCodeError as exc:
            status, output = FAILED, str(exc)
        except AssertionError as exc:
            status, output = FAILED, str(exc) or "a check failed"
            causes = [str(c) for c in getattr(exc, "cause_ids", ())]
        except Exception as exc:   # a value the checks did not foresee
            status, output = ERROR, f"{type(exc).__name__}: {exc}"
        finally:
            set_probe_salt(None)
            loading = self.process.deadline - first_deadline   # calls move it on by this
            self.process.deadline = None
        seconds = max(0.0, time.monotonic() - start - loading)
        printed = clean(self.process.take_output())   # student text enters here
        if printed:
            output = (output + "\n" if output else "") + "Your code printed:\n" + printed
        return status, output, ended, seconds, causes


def probe_salt(trusted: TrustedAssignment, student: str | None) -> str:
    """The salt of a submission's exactness probes (checks.core.probe_seed): a hash of the
    trusted copy (source/, whose hidden cells hold secrets no student has) and the student's
    id, so that the same student gets the same probes at every grading and no case can be
    recorded in advance. A trusted copy without hidden tests (a student grading their own
    notebooks) has no secret: a random salt then, new for each grader process."""
    digest = hashlib.sha256()
    for cell in trusted.notebook.cells:
        digest.update(cell.source.encode("utf-8", "replace") + b"\0")
    if not any(t.hidden for t in tests_of(trusted.notebook)):
        digest.update(_PROCESS_SALT)
    digest.update(f"/{student}".encode("utf-8", "replace"))
    return digest.hexdigest()


_PROCESS_SALT = os.urandom(16)


def refused_functions(plan: GradingPlan) -> dict[str, str]:
    """The graded backward passes that reach complex numbers, a number type of their own or
    names the grader cannot read in the student's cells (checks/complex_scan.py, read here
    in the grader before any test), each with the message its tests fail with."""
    student = [(label, source) for label, source in plan.child_cells
               if not label.startswith(GIVEN_LABEL)]
    backward = [f for f in plan.functions if f in PROBES]
    return {f: cut(complex_message(f, found, f"your cell `{f}`"), REPORT_TEXT_LIMIT)
            for f, found in complex_findings(student, backward).items()}


def student_of(path: Path) -> str | None:
    """The student id of a notebook in an nbgrader tree submitted/<student>/<assignment>/,
    made safe as a file name (see notebooks.safe_name); links in the path are not followed."""
    parts = Path(os.path.abspath(path)).parts
    if len(parts) >= 4 and parts[-4] == "submitted":
        return safe_name(clean(parts[-3]))   # a folder name that is not UTF-8 has lone surrogates
    return None


def open_submission(path: Path, settings: Settings, student: str | None = None,
                    assignment: str | None = None
                    ) -> tuple[SubmissionResult, TrustedAssignment | None, GradingPlan | None]:
    """Read a submission against its trusted copy; on failure, the result carries the error.

    `student` is the id to report (default: read from the path); `assignment` the one it is
    graded as (default: its file name; see notebooks.assignment_of for its content). The path,
    the student id and messages that name the path are student text: `clean`ed.
    """
    path = Path(path)
    assignment = assignment or path.stem
    result = SubmissionResult(student or student_of(path), clean(assignment), clean(str(path)))
    if assignment not in ASSIGNMENTS:
        try:   # an unreadable file says why (empty, broken), not that its cells are unknown
            read_notebook(path, follow_links=False)
        except NotebookError as exc:
            result.error = cut(f"unknown assignment `{result.assignment}`: "
                               + clean(str(exc)), REPORT_TEXT_LIMIT)
            return result, None, None
        result.error = (f"unknown assignment `{result.assignment}`: none of the notebook's "
                        f"cells is an exercise or test cell of the course's notebooks, and its "
                        f"name is not one of {', '.join(a + '.ipynb' for a in ASSIGNMENTS)}")
        return result, None, None
    try:
        trusted = load_trusted(settings, assignment)
    except NotebookError as exc:
        result.error = clean(str(exc))
        return result, None, None
    plan_tests = tests_of(trusted.notebook)
    result.max_score = sum(t.points for t in plan_tests)
    try:
        submission = read_notebook(path, follow_links=False)
    except NotebookError as exc:
        result.error = cut(clean(str(exc)), REPORT_TEXT_LIMIT)
        result.tests = [TestResult(t.grade_id, 0.0, t.points, ERROR, SEE_SUBMISSION_ERROR,
                                   t.hidden) for t in plan_tests]
        return result, trusted, None
    try:
        plan = make_plan(trusted.notebook, submission)
    except Exception as exc:   # content the plan did not foresee costs this notebook only
        result.error = (f"the grader could not sort the cells of this notebook "
                        f"({type(exc).__name__}); nothing of it was graded")
        result.tests = [TestResult(t.grade_id, 0.0, t.points, ERROR, SEE_SUBMISSION_ERROR,
                                   t.hidden) for t in plan_tests]
        return result, trusted, None
    result.warnings = [cut(w, REPORT_TEXT_LIMIT) for w in plan.warnings]
    return result, trusted, plan


def launcher_for(settings: Settings) -> Launcher:
    """A zygote for grading under `settings`, with the course kept out of its sight."""
    return Launcher(settings.isolation, hide=(Path(settings.course),))


def grade_notebook(path: Path, settings: Settings, launcher: Launcher | None = None,
                   *, student: str | None = None, assignment: str | None = None,
                   rerun: bool = False) -> SubmissionResult:
    """Grade one notebook; pass a launcher to share its zygote between many notebooks.

    `student` overrides the id read from the path. The tests whose zero may be the machine's
    doing are listed in `result.rerun`: a batch (batch.grade_all) runs them again with
    rerun_tests() once all its grading is done, alone; `rerun` does it here at once.
    """
    result, trusted, plan = open_submission(path, settings, student, assignment)
    if plan is None:
        return result
    own = launcher is None
    launcher = launcher or launcher_for(settings)
    start = time.monotonic()
    try:
        with GradingSession(trusted, plan, settings.limits, launcher,
                            student=result.student) as session:
            result.budget = session.budget
            done = {}
            for test in public_first(plan.tests):
                tested = session.run_test(test)
                add_unsaved_note(tested, result.path, plan)
                tested.timings = [{"run": "batch", "status": tested.status,
                                   "seconds": tested.seconds}]
                done[test.grade_id] = tested
            result.tests = [done[t.grade_id] for t in plan.tests]   # notebook order
            result.rerun = to_rerun(result, session.process.load_timeouts)
        result.seconds = round(time.monotonic() - start, 3)
        if rerun and result.rerun:
            rerun_tests(result, settings, launcher)
    finally:
        if own:
            launcher.close()
    result.score = sum(t.score for t in result.tests)
    return result


def add_unsaved_note(tested: TestResult, path: str, plan: GradingPlan) -> None:
    """A failing test of a function the notebook last ran in another version, after the file
    was saved, says so (runs.py): the browser showed that version, grading read the file."""
    function = tested_function(tested.name, list(plan.functions))
    if tested.status == PASSED or function is None:
        return
    saved = "\n\n".join(source for _, source in plan.child_cells)
    try:
        note = unsaved_note(path, plan.assignment, function, saved)
    except Exception:   # a hint read from a file others may write: never a notebook's failure
        note = ""
    if note:
        tested.output = f"{tested.output}\n{note}" if tested.output else note


def to_rerun(result: SubmissionResult, load_timeouts: list[str]) -> list[str]:
    """The tests whose zero a loaded machine may have caused: those that ran out of time
    (their own limit or the budget), and, when a cell ran out of time while loading, every
    test that did not pass (it may have missed that cell's functions)."""
    return [t.name for t in result.tests
            if t.status == TIMEOUT or (load_timeouts and t.status != PASSED)]


def rerun_tests(result: SubmissionResult, settings: Settings, launcher: Launcher) -> None:
    """Run `result.rerun` once more in a fresh process with a fresh budget; their results
    stand in for the first ones, both timings kept. Public tests first (see public_first);
    in each group the tests the budget stopped before they ran go first, then the others in
    notebook order."""
    again, trusted, plan = open_submission(Path(result.path), settings, result.student,
                                           result.assignment)
    if plan is None:   # the notebook changed or went away since: the first results stand
        return
    first = {t.name: t for t in result.tests}
    tests = sorted((t for t in plan.tests if t.grade_id in result.rerun and t.grade_id in first),
                   key=lambda t: (t.hidden, not spent_budget(first[t.grade_id].output)))
    start = time.monotonic()
    with GradingSession(trusted, plan, settings.limits, launcher,
                        student=result.student) as session:   # the same hidden inputs
        for test in tests:
            tested = session.run_test(test)
            tested.timings = first[test.grade_id].timings + [
                {"run": "rerun", "status": tested.status, "seconds": tested.seconds}]
            first[test.grade_id] = tested
    result.tests = [first[t.name] for t in result.tests]
    result.rerun = []
    result.seconds = round(result.seconds + time.monotonic() - start, 3)
    result.score = sum(t.score for t in result.tests)
