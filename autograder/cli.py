"""Command line: `python -m autograder grade ...` and `python -m autograder regenerate ...`."""
from __future__ import annotations

import argparse
import multiprocessing
import multiprocessing.util
import os
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Callable

from . import gradebook, gradescope_bundle, report, sandbox, student_kit
from .course import CourseError, regenerate
from .feedback import write_feedback
from .grading import Settings, SubmissionResult, grade_notebook, launcher_for
from .launcher import Launcher, LauncherError, isolation_mode
from .notebooks import ASSIGNMENTS
from .progress import ProgressBar
from .student_process import Limits


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
    grade.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                       help="submissions graded at once (default: all cores)")
    grade.add_argument("--timeout", type=float, default=Limits.timeout, metavar="SECONDS",
                       help="time limit of one test's calls into student code "
                            f"(default {Limits.timeout:g})")
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
                           help="make assignments/ and solutions/ from source/ with nbgrader")
    regen.add_argument("assignments", nargs="*", metavar="ID", help="default: all")
    regen.add_argument("--course", type=Path, default=Path("."), metavar="DIR")
    regen.set_defaults(run=run_regenerate)

    gradescope_bundle.add_parser(sub)

    gradebook.add_parser(sub)
    student_kit.add_parsers(sub)
    return parser


def find_notebooks(paths: list[str], course: Path) -> list[Path]:
    """Named notebooks, and the assignment notebooks found below named folders."""
    found: list[Path] = []
    for raw in paths or [str(course / "assignments")]:
        path = Path(raw)
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            notebooks = [nb for nb in path.rglob("*.ipynb")
                         if ".ipynb_checkpoints" not in nb.parts and nb.stem in ASSIGNMENTS]
            # each student's notebooks together, in course order
            found.extend(sorted(notebooks, key=lambda nb: (nb.parent.parent,
                                                           ASSIGNMENTS.index(nb.stem))))
        else:
            raise UsageError(f"no such file or folder: {raw}")
    if not found:
        raise UsageError("no notebooks to grade in " + ", ".join(paths or ["assignments/"]))
    return found


_worker_launcher: Launcher | None = None   # one zygote per worker process


def _start_worker(settings: Settings) -> None:
    global _worker_launcher
    _worker_launcher = launcher_for(settings)
    multiprocessing.util.Finalize(None, _worker_launcher.close, exitpriority=10)


def _grade_one(notebook: Path, settings: Settings) -> SubmissionResult:
    return grade_notebook(notebook, settings, _worker_launcher)


def grade_all(notebooks: list[Path], settings: Settings, jobs: int,
              on_result: Callable[[SubmissionResult], None] | None = None
              ) -> list[SubmissionResult]:
    """Grade every notebook, `jobs` at a time; results in the order of `notebooks`.

    Each worker starts one zygote and forks every submission's child from it.
    `on_result` sees each result as soon as it is ready (for a progress display).
    """
    jobs = max(1, min(jobs, len(notebooks)))
    if jobs == 1:
        results = []
        with launcher_for(settings) as launcher:
            for nb in notebooks:
                results.append(grade_notebook(nb, settings, launcher))
                if on_result:
                    on_result(results[-1])
        return results
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context,
                             initializer=_start_worker, initargs=(settings,)) as pool:
        futures = [pool.submit(_grade_one, nb, settings) for nb in notebooks]
        if on_result:
            for future in as_completed(futures):
                on_result(future.result())
        return [f.result() for f in futures]


def run_grade(opts: argparse.Namespace) -> int:
    if opts.timeout <= 0 or opts.memory <= 0 or opts.jobs <= 0:
        raise UsageError("--timeout, --memory and --jobs must be positive")
    notebooks = find_notebooks(opts.paths, opts.course)
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
                        limits=Limits(timeout=opts.timeout, memory_mb=opts.memory),
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
        report.write_json(results, Path(opts.json))
    if opts.csv:
        report.write_csv(results, Path(opts.csv))
    if opts.gradescope:
        report.write_gradescope(results[0], Path(opts.gradescope))
    failed = [r for r in results if r.error]
    if failed:
        print(f"{len(failed)} of {len(results)} submissions could not be graded.",
              file=sys.stderr)
    return 1 if failed else 0


def run_regenerate(opts: argparse.Namespace) -> int:
    done = regenerate(opts.course, opts.assignments or ASSIGNMENTS)
    student_kit.sync_released(opts.course, done)   # the package data fetch and the kit use
    print("regenerated: " + (", ".join(done) or "nothing (no source notebooks)"))
    return 0


def main(argv: list[str] | None = None) -> int:
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
