"""Grading one submission: the plan from notebooks.py, student code in a child, tests here.

Each test cell of the trusted copy runs in the grader, in a namespace holding what the
trusted given cells define and a proxy for each graded function. A test scores its points
when the cell runs to the end, as in nbgrader; otherwise the result says why.
"""
from __future__ import annotations

import ast
import functools
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import CodeType

from .checks.core import STUDENT_KEY, StudentCodeError
from .notebooks import (ASSIGNMENTS, SOLUTION, GradingPlan, Notebook, NotebookError, Test,
                        given_source,
                        make_plan, read_notebook, tests_of, trusted_path)
from .launcher import Launcher
from .student_process import GradingInterrupted, Limits, StudentFunction, StudentProcess

PASSED, FAILED, ERROR, TIMEOUT = "passed", "failed", "error", "timeout"


@dataclass
class TestResult:
    __test__ = False   # not a pytest test class

    name: str
    score: float
    max_score: float
    status: str
    output: str = ""
    hidden: bool = False


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

    def to_dict(self) -> dict:
        data = asdict(self)
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
    given = compile(given_source(notebook), f"<given cells of {path.name}>", "exec")
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


class GradingSession:
    """One submission under grading: its child process and the grader-side namespace."""

    def __init__(self, trusted: TrustedAssignment, plan: GradingPlan, limits: Limits,
                 launcher: Launcher, student: str | None = None):
        self.trusted, self.plan = trusted, plan
        self.student = student   # hidden tests draw this student's cases (checks.core.hidden_seed)
        self.process = StudentProcess(list(plan.child_cells), limits, launcher)
        self.limits = limits
        self._given = trusted.namespace()

    def close(self) -> None:
        self.process.close()

    def __enter__(self) -> "GradingSession":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def run_test(self, test: Test) -> TestResult:
        """Run one test cell; a test whose student process ended is run once more in a fresh
        one, so that a process killed by what an earlier test started costs only that test."""
        status, output, ended = self._attempt(test)
        if ended:
            status, output, _ = self._attempt(test)
        score = test.points if status == PASSED else 0.0
        return TestResult(test.grade_id, score, test.points, status, output, test.hidden)

    def _attempt(self, test: Test) -> tuple[str, str, bool]:
        ns = dict(self._given)
        ns.update({name: StudentFunction(self.process, name, self.trusted.parameters.get(name, ()))
                   for name in self.plan.functions})
        ns[STUDENT_KEY] = self.student
        self.process.take_output()
        self.process.deadline = time.monotonic() + self.limits.timeout
        ended = False
        try:
            exec(self.trusted.tests[test.grade_id], ns)
            status, output = PASSED, ""
        except GradingInterrupted as exc:
            status, output, ended = exc.status, exc.message, exc.ended
        except StudentCodeError as exc:
            status, output = FAILED, str(exc)
        except AssertionError as exc:
            status, output = FAILED, str(exc) or "a check failed"
        except Exception as exc:   # a value the checks did not foresee
            status, output = ERROR, f"{type(exc).__name__}: {exc}"
        finally:
            self.process.deadline = None
        printed = self.process.take_output()
        if printed:
            output = (output + "\n" if output else "") + "Your code printed:\n" + printed
        return status, output, ended


def student_of(path: Path) -> str | None:
    """The student id of a notebook in an nbgrader tree submitted/<student>/<assignment>/."""
    parts = path.resolve().parts
    if len(parts) >= 4 and parts[-4] == "submitted":
        return parts[-3]
    return None


def open_submission(path: Path, settings: Settings
                    ) -> tuple[SubmissionResult, TrustedAssignment | None, GradingPlan | None]:
    """Read a submission against its trusted copy; on failure, the result carries the error."""
    path = Path(path)
    assignment = path.stem
    result = SubmissionResult(student_of(path), assignment, str(path))
    if assignment not in ASSIGNMENTS:
        result.error = (f"unknown assignment `{assignment}`: notebooks are named after their "
                        f"assignment ({', '.join(a + '.ipynb' for a in ASSIGNMENTS)})")
        return result, None, None
    try:
        trusted = load_trusted(settings, assignment)
    except NotebookError as exc:
        result.error = str(exc)
        return result, None, None
    plan_tests = tests_of(trusted.notebook)
    result.max_score = sum(t.points for t in plan_tests)
    try:
        submission = read_notebook(path)
    except NotebookError as exc:
        result.error = str(exc)
        result.tests = [TestResult(t.grade_id, 0.0, t.points, ERROR, str(exc), t.hidden)
                        for t in plan_tests]
        return result, trusted, None
    plan = make_plan(trusted.notebook, submission)
    result.warnings = list(plan.warnings)
    return result, trusted, plan


def launcher_for(settings: Settings) -> Launcher:
    """A zygote for grading under `settings`, with the course kept out of its sight."""
    return Launcher(settings.isolation, hide=(Path(settings.course),))


def grade_notebook(path: Path, settings: Settings, launcher: Launcher | None = None
                   ) -> SubmissionResult:
    """Grade one notebook; pass a launcher to share its zygote between many notebooks."""
    result, trusted, plan = open_submission(path, settings)
    if plan is None:
        return result
    own = launcher is None
    launcher = launcher or launcher_for(settings)
    try:
        with GradingSession(trusted, plan, settings.limits, launcher,
                            student=result.student) as session:
            for test in plan.tests:
                result.tests.append(session.run_test(test))
    finally:
        if own:
            launcher.close()
    result.score = sum(t.score for t in result.tests)
    return result
