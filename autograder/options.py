"""The grading options, defined once: every subcommand that grades takes the same ones.

`add_grading_options` puts `--course`, `--timeout`, `--memory`, `--jobs`, `--isolation`,
`--budget` (and `--hidden` where the caller chooses it) on a parser; `settings_from` turns
the parsed options into the grader's `Settings`, refusing values that cannot work with a
UsageError (defined here, the lowest layer that raises it; batch.py passes it on). The
pytest plugin takes the same defaults (`TIMEOUT`, `MEMORY`, `ISOLATIONS`) under its own
option names and builds its Settings with `grading_settings`.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .isolation import sandbox
from .grading import Settings
from .isolation.launcher import (PROCESS_NOTE, LauncherError, drops_to_nobody, isolation_mode,
                                 private_view_possible)
from .isolation.student_process import BUDGET_TIMEOUTS, RESTART_ALLOWANCE, Limits

TIMEOUT = Limits.timeout
MEMORY = Limits.memory_mb
ISOLATIONS = ("auto", "sandbox", "process")
ISOLATION_HELP = ("sandbox: student code in a bubblewrap sandbox (Linux); process: a limited "
                  "child process only; auto (default): sandbox if it works")
COURSE_HELP = "course root holding source/ and assignments/ (default: .)"


# Where every command writes by default (grade's exports and feedback, the class report, the
# LMS files, the similarity page): one folder of the grading day's student data, apart from
# nbgrader's files, that the course repository's .gitignore ignores. Relative to the folder the
# command runs in, the course root.
OUTPUT = Path("backprop-lab-grades")


class UsageError(Exception):
    """A bad argument or option (or nothing to grade): the CLI reports it as a usage error
    and exits with 2. Raised below cli.py, imported from batch (or here)."""


def jobs_default() -> int:
    return os.cpu_count() or 1


def add_course_option(parser: argparse.ArgumentParser, help: str = COURSE_HELP) -> None:
    parser.add_argument("--course", type=Path, default=Path("."), metavar="DIR", help=help)


def add_grading_options(parser: argparse.ArgumentParser, hidden: bool = True,
                        course_help: str = COURSE_HELP) -> None:
    """The options of a subcommand that grades; `hidden`: whether it offers --hidden (one
    that always grades with the hidden tests does not)."""
    if hidden:
        parser.add_argument("--hidden", action="store_true",
                            help="grade with the instructor's tests from source/, hidden ones "
                                 "included")
    parser.add_argument("--jobs", type=int, default=jobs_default(), metavar="N",
                        help="submissions graded at once (default: all cores)")
    parser.add_argument("--timeout", type=float, default=TIMEOUT, metavar="SECONDS",
                        help="time limit of one test's calls into student code "
                             f"(default {TIMEOUT:g})")
    parser.add_argument("--budget", type=float, default=None, metavar="SECONDS",
                        help="time budget of one submission: loading its cells, every test "
                             "and every restart together; once spent, its remaining tests "
                             f"score 0 (default: the time limit plus {RESTART_ALLOWANCE:g} s "
                             f"for each test and one more, at most {BUDGET_TIMEOUTS} times)")
    parser.add_argument("--memory", type=int, default=MEMORY, metavar="MB",
                        help=f"memory limit of the student process (default {MEMORY})")
    add_course_option(parser, course_help)
    parser.add_argument("--isolation", choices=ISOLATIONS, default="auto",
                        help=ISOLATION_HELP)


def check_grading_options(opts: argparse.Namespace) -> None:
    """UsageError for a limit that is not positive (checked before anything else runs)."""
    if opts.timeout <= 0 or opts.memory <= 0 or opts.jobs <= 0 or \
            (opts.budget is not None and opts.budget <= 0):
        raise UsageError("--timeout, --budget, --memory and --jobs must be positive")


def settings_from(opts: argparse.Namespace, hidden: bool | None = None) -> Settings:
    """The Settings of parsed grading options; `hidden` overrides --hidden (for a
    subcommand without it). The isolation is settled here: UsageError if it cannot run."""
    check_grading_options(opts)
    return grading_settings(opts.course, opts.hidden if hidden is None else hidden,
                            opts.timeout, opts.memory, opts.budget, opts.isolation)


def grading_settings(course: Path, hidden: bool, timeout: float = TIMEOUT,
                     memory: int = MEMORY, budget: float | None = None,
                     isolation: str = "auto") -> Settings:
    """Settings with the isolation settled (`auto` becomes what works here, with a note on
    stderr when that is not the sandbox); UsageError when no isolation can run."""
    try:
        mode = isolation_mode(isolation)
    except LauncherError as exc:
        raise UsageError(str(exc)) from None
    if isolation == "auto" and mode == "process" and sys.platform.startswith("linux"):
        print(f"note: student code runs without the sandbox ({sandbox.problem()}); "
              f"install bubblewrap for it", file=sys.stderr)
    if mode == "process" and drops_to_nobody() and not private_view_possible():
        print(PROCESS_NOTE, file=sys.stderr)
    return Settings(course=Path(course), hidden=hidden,
                    limits=Limits(timeout=timeout, memory_mb=memory, budget=budget),
                    isolation=mode)
