"""`pytest autograder`: one pytest test per test cell, and the score table at the end.

Only hooks and collectors live here; grading is `grading.GradingSession`, shared with the CLI.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from . import options
from .reports import report
from .batch import UsageError, find_submissions
from .grading import (PASSED, SEE_SUBMISSION_ERROR, GradingSession, Settings,
                      SubmissionResult, TestResult, add_unsaved_note, launcher_for,
                      open_submission, public_first)
from .isolation.launcher import Launcher
from .text import multi_line

_RESULTS = pytest.StashKey[dict]()     # the notebooks of which a test ran: their results
_SKIPPED = pytest.StashKey[list]()
_LAUNCHER = pytest.StashKey[Launcher]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("backprop-lab", "grading backprop-lab notebooks")
    group.addoption("--submission", action="append", default=[], metavar="PATH",
                    help="grade these notebooks or folders instead of assignments/ (any "
                         "name: a notebook's assignment is read from its cells); from any "
                         "folder: pytest --pyargs backprop_lab --submission PATH")
    group.addoption("--hidden", action="store_true",
                    help="use the instructor's tests from source/, hidden ones included")
    group.addoption("--course", default=None, metavar="DIR",
                    help="course root holding source/ and assignments/ (default: rootdir)")
    # the grading options of `python -m backprop_lab grade`, with its defaults (options.py);
    # named --grade-* where pytest or another plugin may have the plain name
    group.addoption("--grade-timeout", type=float, default=options.TIMEOUT, metavar="SECONDS",
                    help="time limit of one test's calls into student code "
                         f"(default {options.TIMEOUT:g})")
    group.addoption("--grade-memory", type=int, default=options.MEMORY, metavar="MB",
                    help=f"memory limit of the student process (default {options.MEMORY})")
    group.addoption("--grade-budget", type=float, default=None, metavar="SECONDS",
                    help="time budget of one notebook (default: as `python -m backprop_lab "
                         "grade --budget`)")
    group.addoption("--grade-isolation", choices=options.ISOLATIONS, default="auto",
                    help=options.ISOLATION_HELP)


PACKAGE = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args: list[str]) -> None:
    """`pytest autograder` from a folder without one means this package (as --pyargs would):
    a student grades their notebooks from wherever they keep them."""
    for i, arg in enumerate(args):
        if arg.rstrip("/") == "autograder" and not os.path.lexists(arg):
            args[i] = str(PACKAGE)


def pytest_collect_directory(path: Path, parent: pytest.Collector):
    # The autograder package folder (this copy or another checkout's) stands for the notebooks.
    if (path / "pytest_plugin.py").is_file() and (path / "__init__.py").is_file():
        return GradedNotebooks.from_parent(parent, path=path)
    return None


def _settings(config: pytest.Config) -> Settings:
    course = Path(config.getoption("course") or config.rootpath)
    timeout, memory, budget = (config.getoption(f"grade_{name}")
                               for name in ("timeout", "memory", "budget"))
    if timeout <= 0 or memory <= 0 or (budget is not None and budget <= 0):
        raise pytest.UsageError("--grade-timeout, --grade-budget and --grade-memory must be "
                                "positive")
    try:
        return options.grading_settings(course, config.getoption("hidden"), timeout, memory,
                                        budget, config.getoption("grade_isolation"))
    except UsageError as exc:
        raise pytest.UsageError(str(exc)) from None


class GradedNotebooks(pytest.Directory):
    """Stands for the autograder package: its children are the notebooks to grade."""

    def collect(self):
        settings = _settings(self.config)
        self.config.stash.setdefault(_RESULTS, {})
        try:
            discovery = find_submissions(self.config.getoption("submission"), settings.course,
                                         settings.hidden)
        except UsageError as exc:
            raise pytest.UsageError(str(exc)) from None
        self.config.stash[_SKIPPED] = discovery.skipped
        names: set[str] = set()
        for found in discovery.found:
            result, trusted, plan = open_submission(found.path, settings, found.student,
                                                    found.assignment)
            name = result.assignment
            if name in names:   # several notebooks of one assignment: tell them apart
                name = f"{result.assignment}[{result.student or found.path}]"
            names.add(name)
            yield GradedNotebook.from_parent(self, name=name, nodeid=name, result=result,
                                             trusted=trusted, plan=plan, settings=settings)


class GradedNotebook(pytest.Collector):
    def __init__(self, *, result: SubmissionResult, trusted, plan, settings: Settings, **kw):
        super().__init__(**kw)
        self.result, self.trusted, self.plan, self.settings = result, trusted, plan, settings
        self.grading: GradingSession | None = None

    def collect(self):
        if self.plan is not None:   # as the CLI runs them: public tests, then hidden ones
            tests = public_first(self.plan.tests)
        else:   # unreadable: every test scores zero with the notebook's error
            tests = [None] if not self.result.tests else self.result.tests
        for test in tests:
            name = getattr(test, "grade_id", None) or getattr(test, "name", None) or "notebook"
            yield CellTest.from_parent(self, name=name, nodeid=f"{self.nodeid}::{name}",
                                       test=test)

    def setup(self) -> None:
        if self.plan is not None:
            stash = self.config.stash
            if _LAUNCHER not in stash:   # one zygote for the whole run
                stash[_LAUNCHER] = launcher_for(self.settings)
            self.grading = GradingSession(self.trusted, self.plan, self.settings.limits,
                                          stash[_LAUNCHER])

    def teardown(self) -> None:
        if self.grading is not None:
            self.grading.close()
            self.grading = None


class CellFailed(Exception):
    def __init__(self, result: TestResult | None, message: str):
        self.result, self.message = result, message
        super().__init__(message)


class CellTest(pytest.Item):
    def __init__(self, *, test, **kw):
        super().__init__(**kw)
        self.test = test

    def runtest(self) -> None:
        notebook: GradedNotebook = self.parent
        results = self.config.stash[_RESULTS]
        first = notebook.nodeid not in results
        results[notebook.nodeid] = notebook.result   # in the table: only what ran (-k)
        if notebook.grading is None:   # the notebook could not be read or is unknown
            error = notebook.result.error or "could not be graded"
            # the reason once, under its first test; the others point to it
            raise CellFailed(None, error if first else SEE_SUBMISSION_ERROR)
        result = notebook.grading.run_test(self.test)
        add_unsaved_note(result, notebook.result.path, notebook.plan)
        notebook.result.tests.append(result)
        notebook.result.score += result.score
        if result.status != PASSED:
            raise CellFailed(result, f"[{result.status}] {result.output}")

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, CellFailed):
            # student text: escaped (text.py) and indented, so no line of it passes for
            # one of pytest's own
            return "\n".join("    " + line
                             for line in multi_line(excinfo.value.message).split("\n"))
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.parent.result.path, None, self.nodeid


def pytest_unconfigure(config: pytest.Config) -> None:
    launcher = config.stash.get(_LAUNCHER, None)
    if launcher is not None:
        launcher.close()


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    results = list(config.stash.get(_RESULTS, {}).values())
    if results:
        terminalreporter.section("backprop-lab scores")
        terminalreporter.write_line(report.score_table(results))
    skipped = config.stash.get(_SKIPPED, [])
    if skipped:
        terminalreporter.section("backprop-lab: notebooks found and not graded")
        for s in skipped:   # path and reason are shown already (notebooks.shown)
            terminalreporter.write_line(f"{s.path}: {s.reason}")
