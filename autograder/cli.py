"""Command line: `python -m autograder grade ...` and `python -m autograder regenerate ...`."""
from __future__ import annotations

import argparse
import multiprocessing
import multiprocessing.util
import os
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Callable

from . import gradebook, gradescope_bundle, report, sandbox
from .course import CourseError, regenerate
from .feedback import write_feedback
from .grading import (ERROR, Settings, SubmissionResult, TestResult, grade_notebook,
                      launcher_for, open_submission, rerun_tests)
from .launcher import Launcher, LauncherError, isolation_mode
from .assignments import ASSIGNMENTS
from .notebooks import Discovery, Found, NotebookError, discover, shown
from .progress import ProgressBar
from .reports import lms, similarity
from .student_process import BUDGET_TIMEOUTS, RESTART_ALLOWANCE, Limits


class UsageError(Exception):
    pass


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m autograder",
                                     description="Grade backprop-lab notebooks.")
    sub = parser.add_subparsers(dest="command", required=True)

    grade = sub.add_parser("grade", help="grade notebooks and print a score table")
    grade.add_argument("paths", nargs="*", metavar="PATH",
                       help="notebooks, or folders searched for them (default: assignments/)")
    grade.add_argument("--hidden", action="store_true",
                       help="grade with the instructor's tests from source/, hidden ones included")
    grade.add_argument("--json", metavar="FILE", help="write every result as JSON")
    grade.add_argument("--csv", metavar="FILE",
                       help="write one row per student and assignment, one column per test")
    grade.add_argument("--gradescope", metavar="FILE",
                       help="write Gradescope's results.json (one submission)")
    grade.add_argument("--hidden-visibility", choices=report.GRADESCOPE_VISIBILITIES,
                       default=report.HIDDEN_VISIBILITY,
                       help="when Gradescope shows hidden tests (default after_due_date); "
                            "visible: at once, verdict and points only")
    grade.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                       help="submissions graded at once (default: all cores)")
    grade.add_argument("--timeout", type=float, default=Limits.timeout, metavar="SECONDS",
                       help="time limit of one test's calls into student code "
                            f"(default {Limits.timeout:g})")
    grade.add_argument("--budget", type=float, default=None, metavar="SECONDS",
                       help="time budget of one submission: loading its cells, every test and "
                            "every restart together; once spent, its remaining tests score 0 "
                            f"(default: the time limit plus {RESTART_ALLOWANCE:g} s for each test "
                            f"and one more, at most {BUDGET_TIMEOUTS} times)")
    grade.add_argument("--memory", type=int, default=Limits.memory_mb, metavar="MB",
                       help=f"memory limit of the student process (default {Limits.memory_mb})")
    grade.add_argument("--course", type=Path, default=Path("."), metavar="DIR",
                       help="course root holding source/ and assignments/ (default: .)")
    grade.add_argument("--isolation", choices=("auto", "sandbox", "process"), default="auto",
                       help="sandbox: student code in a bubblewrap sandbox (Linux); process: "
                            "a limited child process only; auto (default): sandbox if it works")
    grade.add_argument("--feedback", metavar="DIR", type=Path,
                       help="write each submission's report to DIR/<student>/<assignment>.md "
                            "and .html")
    grade.add_argument("--quiet", action="store_true",
                       help="print only the class summary, not each submission's scores")

    grade.set_defaults(run=run_grade)

    regen = sub.add_parser("regenerate",
                           help="make assignments/ and solutions/ from source/ with nbgrader "
                                "(replacing what is there: nbgrader's --force)")
    regen.add_argument("assignments", nargs="*", metavar="ID", help="default: all")
    regen.add_argument("--course", type=Path, default=Path("."), metavar="DIR")
    regen.set_defaults(run=run_regenerate)

    gradescope_bundle.add_parser(sub)

    gradebook.add_parser(sub)
    lms.add_parser(sub)
    similarity.add_parser(sub)
    return parser


def find_submissions(paths: list[str], course: Path) -> Discovery:
    """The notebooks to grade below `paths` (default: the course's assignments/), what was
    skipped and why, and the student ids that had to be made safe (see notebooks.discover)."""
    try:
        found = discover(paths, course / "assignments")
    except NotebookError as exc:
        raise UsageError(str(exc)) from None
    if not found.found:
        why = "".join(f"\n  skipped {s.path}: {s.reason}" for s in found.skipped[:10])
        raise UsageError("no notebooks to grade in "
                         + ", ".join(shown(p) for p in paths or ["assignments/"]) + why)
    return found


def find_notebooks(paths: list[str], course: Path) -> list[Path]:
    """The paths of the notebooks to grade (see find_submissions)."""
    return [found.path for found in find_submissions(paths, course).found]


_worker_launcher: Launcher | None = None   # one zygote per worker process
_worker_started = None                     # shared flags: which notebooks a worker took up


def _start_worker(settings: Settings, started) -> None:
    global _worker_launcher, _worker_started
    _worker_started = started
    _worker_launcher = launcher_for(settings)
    multiprocessing.util.Finalize(None, _worker_launcher.close, exitpriority=10)


def _grade_one(index: int, found: Found, settings: Settings) -> SubmissionResult:
    _worker_started[index] = 1
    return grade_notebook(found.path, settings, _worker_launcher, student=found.student,
                          rerun=False)


def _rerun_one(index: int, result: SubmissionResult, settings: Settings) -> SubmissionResult:
    _worker_started[index] = 1
    rerun_tests(result, settings, _worker_launcher)
    return result


WORKER_DIED = ("the grading worker died while grading this notebook, and again when it was "
               "graded alone (killed from outside, e.g. by the system when memory ran out)")


def _as_found(item: Path | Found) -> Found:
    return item if isinstance(item, Found) else Found(Path(item), None)


def grade_all(notebooks: list[Path | Found], settings: Settings, jobs: int,
              on_result: Callable[[SubmissionResult], None] | None = None
              ) -> list[SubmissionResult]:
    """Grade every notebook, `jobs` at a time; results in the order of `notebooks`.

    One notebook is graded in this process; more are graded in worker processes (even with
    jobs=1), each of which starts one zygote and forks every submission's child from it.
    A worker that dies (killed by the system when memory runs out, say) costs only the
    notebook it was grading: the pool is made again and the rest graded; the notebooks that
    were being graded when it died are graded again one at a time, alone, and one whose
    worker dies again is reported as an error. Then the tests that ran out of time (see
    SubmissionResult.rerun) run once more, alone, no other grading running, before their
    zero stands. `on_result` sees each result of the first pass as soon as it is ready
    (for a progress display).
    """
    items = [_as_found(n) for n in notebooks]
    results: list[SubmissionResult | None] = [None] * len(items)

    def done(index: int, result: SubmissionResult) -> None:
        results[index] = result
        if on_result:
            on_result(result)

    jobs = max(1, min(jobs, len(items)))
    if len(items) == 1:   # nothing else to lose: graded here, without a worker
        item = items[0]
        with launcher_for(settings) as launcher:
            done(0, grade_notebook(item.path, settings, launcher, student=item.student))
            if results[0].rerun:
                rerun_tests(results[0], settings, launcher)
        return results
    _grade_in_pools(items, settings, jobs, done, results)
    again = [i for i, r in enumerate(results) if r.rerun]
    if again:   # alone: a pool of one, so that a worker killed here costs only this notebook
        rerun = {}
        _run_pool(_rerun_one, {i: results[i] for i in again}, settings, 1,
                  lambda i, r: rerun.__setitem__(i, r))
        for i in again:
            if i in rerun:
                results[i] = rerun[i]
            else:
                results[i].rerun = []
                results[i].warnings.append("the worker died while its timed-out tests ran "
                                           "again alone; the first results stand")
    return results


def _grade_in_pools(items: list[Found], settings: Settings, jobs: int,
                    done: Callable[[int, SubmissionResult], None],
                    results: list[SubmissionResult | None]) -> None:
    todo = list(range(len(items)))
    fruitless = 0
    while todo:
        started = _run_pool(_grade_one, {i: items[i] for i in todo}, settings, jobs, done)
        todo = [i for i in todo if results[i] is None]
        if started is None:   # the pool ended normally
            break
        suspects = [i for i in todo if started[i]]
        for i in suspects:   # each alone, so that a second death is surely its own
            if _run_pool(_grade_one, {i: items[i]}, settings, 1, done) is not None \
                    and results[i] is None:
                done(i, _worker_died(items[i], settings))
        todo = [i for i in todo if results[i] is None]
        fruitless = 0 if suspects else fruitless + 1
        if fruitless >= 2:   # workers die before they take up any notebook
            for i in todo:
                done(i, _worker_died(items[i], settings))
            break


def _run_pool(work: Callable, args: dict[int, object], settings: Settings, jobs: int,
              done: Callable[[int, SubmissionResult], None]):
    """`work(i, args[i], settings)` for each i in a pool of `jobs` workers, `done(i, result)`
    for each result. None if the pool ended normally; if a worker died, the flags of the
    indices that a worker took up (those without a result were running when it died)."""
    context = multiprocessing.get_context("fork")
    started = context.RawArray("b", max(args) + 1)
    broken = False
    with ProcessPoolExecutor(max_workers=max(1, min(jobs, len(args))), mp_context=context,
                             initializer=_start_worker, initargs=(settings, started)) as pool:
        futures = {pool.submit(work, i, arg, settings): i for i, arg in args.items()}
        for future in as_completed(futures):
            try:
                result = future.result()
            except BrokenProcessPool:
                broken = True
                continue
            done(futures[future], result)
    return started if broken else None


def _worker_died(item: Found, settings: Settings) -> SubmissionResult:
    result, _, plan = open_submission(item.path, settings, item.student)
    result.error = WORKER_DIED + (f"; {result.error}" if result.error else "")
    if plan is not None:
        result.tests = [TestResult(t.grade_id, 0.0, t.points, ERROR, WORKER_DIED, t.hidden)
                        for t in plan.tests]
    return result


def run_grade(opts: argparse.Namespace) -> int:
    if opts.timeout <= 0 or opts.memory <= 0 or opts.jobs <= 0 or \
            (opts.budget is not None and opts.budget <= 0):
        raise UsageError("--timeout, --budget, --memory and --jobs must be positive")
    discovery = find_submissions(opts.paths, opts.course)
    notebooks = discovery.found
    print_skipped(discovery)
    if opts.gradescope and len(notebooks) != 1:
        raise UsageError(f"--gradescope writes one submission's results, "
                         f"but {len(notebooks)} notebooks were found")
    if opts.feedback and opts.feedback.exists() and not opts.feedback.is_dir():
        raise UsageError(f"--feedback needs a folder, but {opts.feedback} is a file")
    try:
        isolation = isolation_mode(opts.isolation)
    except LauncherError as exc:
        raise UsageError(str(exc)) from None
    if opts.isolation == "auto" and isolation == "process" and sys.platform.startswith("linux"):
        print(f"note: student code runs without the sandbox ({sandbox.problem()}); "
              f"install bubblewrap for it", file=sys.stderr)
    settings = Settings(course=opts.course, hidden=opts.hidden,
                        limits=Limits(timeout=opts.timeout, memory_mb=opts.memory,
                                      budget=opts.budget),
                        isolation=isolation)
    with ProgressBar(len(notebooks), sys.stderr) as progress:
        results = grade_all(notebooks, settings, opts.jobs, on_result=progress)
    if not opts.quiet:
        print(report.score_table(results))
    if opts.quiet or len(results) > 1:
        print(report.class_summary(results))
    if opts.feedback:
        write_feedback(results, opts.feedback)
    if opts.json:
        report.write_json(results, Path(opts.json), skipped=discovery.skipped,
                          renamed=discovery.renamed)
    if opts.csv:
        report.write_csv(results, Path(opts.csv))
    if opts.gradescope:
        report.write_gradescope(results[0], Path(opts.gradescope), opts.hidden_visibility)
    failed = [r for r in results if r.error]
    if failed:
        print(f"{len(failed)} of {len(results)} submissions could not be graded.",
              file=sys.stderr)
    return 1 if failed else 0


SKIPPED_SHOWN = 20   # skipped files listed one by one; the JSON has them all


def print_skipped(discovery: Discovery) -> None:
    """What was found but not graded, and the student ids changed, on stderr."""
    if discovery.skipped:
        print(f"skipped {len(discovery.skipped)} files found (not graded):", file=sys.stderr)
        for s in discovery.skipped[:SKIPPED_SHOWN]:
            print(f"  {s.path}: {s.reason}", file=sys.stderr)
        if len(discovery.skipped) > SKIPPED_SHOWN:
            print(f"  ... and {len(discovery.skipped) - SKIPPED_SHOWN} more (--json lists them "
                  "all)", file=sys.stderr)
    for raw, used in discovery.renamed:
        print(f"note: student id '{raw}' is not safe as a file name; reported as '{used}'",
              file=sys.stderr)


def run_regenerate(opts: argparse.Namespace) -> int:
    unknown = [a for a in opts.assignments if a not in ASSIGNMENTS]
    if unknown:
        raise UsageError(f"unknown assignment {', '.join(unknown)} (known: "
                         f"{', '.join(ASSIGNMENTS)})")
    done = regenerate(opts.course, opts.assignments or ASSIGNMENTS)
    print("regenerated: " + (", ".join(done) or "nothing (no source notebooks)"))
    return 0


def _printing_never_fails() -> None:
    """Characters the terminal's encoding lacks (PYTHONIOENCODING=ascii, LANG=C) are printed
    as backslash escapes instead of ending the run with UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError, OSError):
            pass   # not a text file of ours (replaced by a test harness)


def main(argv: list[str] | None = None) -> int:
    _printing_never_fails()
    parser = build_parser()
    opts = parser.parse_args(argv)
    try:
        return opts.run(opts)
    except UsageError as exc:
        parser.error(str(exc))   # exits with 2
    except CourseError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0
