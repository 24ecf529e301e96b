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

from . import gradebook, gradescope_bundle, report, sandbox, student_kit
from .course import CourseError, regenerate
from .feedback import write_feedback
from .grading import (ERROR, SEE_SUBMISSION_ERROR, Settings, SubmissionResult, TestResult,
                      grade_notebook, launcher_for, load_trusted, open_submission, rerun_tests)
from .launcher import Launcher, LauncherError, isolation_mode
from .notebooks import (ASSIGNMENTS, Discovery, Found, NotebookError, assignment_index,
                        assignment_of, discover, instructor_tree, shown, tests_of)
from .progress import ProgressBar
from .roster import Roster, RosterError, account, expected, read_roster, unlisted
from .reports import class_report, late, lms, similarity
from .student_process import BUDGET_TIMEOUTS, RESTART_ALLOWANCE, Limits


class UsageError(Exception):
    pass


# Where the exports go by default: a folder of ours, apart from nbgrader's files (its `export`
# writes grades.csv, its feedback/ tree is its own).
OUTPUT = Path("backprop-lab-grades")
NBGRADER_FOLDERS = ("source", "release", "submitted", "autograded", "feedback")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m autograder",
                                     description="Grade backprop-lab notebooks.")
    sub = parser.add_subparsers(dest="command", required=True)

    grade = sub.add_parser("grade", help="grade notebooks and print a score table")
    grade.add_argument("paths", nargs="*", metavar="PATH",
                       help="notebooks, or folders searched for them (default: assignments/)")
    grade.add_argument("--hidden", action="store_true",
                       help="grade with the instructor's tests from source/, hidden ones included")
    grade.add_argument("--json", metavar="FILE", nargs="?", const=OUTPUT / "grades.json",
                       type=Path, help="write every result as JSON (default FILE: "
                       f"{OUTPUT}/grades.json); an existing one is merged into: the pairs "
                       "graded now replaced, the others kept")
    grade.add_argument("--csv", metavar="FILE", nargs="?", const=OUTPUT / "grades.csv",
                       type=Path, help="write one row per student and assignment, one column "
                       f"per test (default FILE: {OUTPUT}/grades.csv; merged into as --json)")
    grade.add_argument("--replace", action="store_true",
                       help="overwrite the --json and --csv files instead of merging into them")
    grade.add_argument("--roster", metavar="FILE", type=Path,
                       help="the class: nbgrader's gradebook.db, or a file of student ids (one "
                            "a line, or a CSV with an id column); every expected student and "
                            "assignment is reported: graded, missing or unrecognized "
                            "(default: the course's gradebook.db when grading submitted/)")
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
    grade.add_argument("--feedback", metavar="DIR", type=Path, nargs="?",
                       const=OUTPUT / "feedback",
                       help="write each submission's report to DIR/<student>/<assignment>.md "
                            f"and .html (default DIR: {OUTPUT}/feedback; never inside nbgrader's "
                            "own folders)")
    grade.add_argument("--late-policy", type=Path, metavar="TOML",
                       help="score late work by this policy (docs/GRADING_DAY.md)")
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
    class_report.add_parser(sub)
    student_kit.add_parsers(sub)
    return parser


def find_submissions(paths: list[str], course: Path, hidden: bool = False) -> Discovery:
    """The notebooks to grade below `paths` (default: the course's assignments/), what was
    skipped and why, and the student ids that had to be made safe (see notebooks.discover).
    Outside an nbgrader tree a notebook's assignment is read from its content (the nbgrader
    ids of the trusted copies' cells), else from its name."""
    index = assignment_index(course, hidden)
    try:
        found = discover(paths, course / "assignments",
                         lambda path: assignment_of(path, index))
    except NotebookError as exc:
        raise UsageError(str(exc)) from None
    if not found.found:
        why = "".join(f"\n  skipped {s.path}: {s.reason}" for s in found.skipped[:10])
        raise UsageError("no notebooks to grade in "
                         + ", ".join(shown(p) for p in paths or ["assignments/"]) + why)
    return found


def find_notebooks(paths: list[str], course: Path) -> list[Found]:
    """The notebooks to grade, as grade_all takes them: each with its student id and its
    assignment (see find_submissions); `.path` is its file."""
    return find_submissions(paths, course).found


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
                          assignment=found.assignment, rerun=False)


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
            done(0, grade_notebook(item.path, settings, launcher, student=item.student,
                                   assignment=item.assignment))
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
    result, _, plan = open_submission(item.path, settings, item.student, item.assignment)
    result.error = WORKER_DIED + (f"; {result.error}" if result.error else "")
    if plan is not None:
        result.tests = [TestResult(t.grade_id, 0.0, t.points, ERROR, SEE_SUBMISSION_ERROR,
                                   t.hidden) for t in plan.tests]
    return result


def run_grade(opts: argparse.Namespace) -> int:
    if opts.timeout <= 0 or opts.memory <= 0 or opts.jobs <= 0 or \
            (opts.budget is not None and opts.budget <= 0):
        raise UsageError("--timeout, --budget, --memory and --jobs must be positive")
    check_outputs(opts)
    roster = load_roster(opts)
    discovery = find_submissions(opts.paths, opts.course, opts.hidden)
    notebooks = discovery.found
    print_skipped(discovery)
    policy = _late_policy(opts.late_policy, notebooks)
    if opts.gradescope and len(notebooks) != 1:
        raise UsageError(f"--gradescope writes one submission's results, "
                         f"but {len(notebooks)} notebooks were found")
    try:
        isolation = isolation_mode(opts.isolation)
    except LauncherError as exc:
        raise UsageError(str(exc)) from None
    if opts.isolation == "auto" and isolation == "process" and sys.platform.startswith("linux"):
        print(f"note: student code runs without the sandbox ({sandbox.problem()}); "
              f"install bubblewrap for it", file=sys.stderr)
    if not opts.hidden and instructor_tree(opts.course):
        print(f"note: graded without --hidden: only the public tests of "
              f"{shown(str(opts.course / 'assignments'))} count, so max_score is lower than "
              f"with the hidden tests of source/ (add --hidden to grade with them)",
              file=sys.stderr)
    settings = Settings(course=opts.course, hidden=opts.hidden,
                        limits=Limits(timeout=opts.timeout, memory_mb=opts.memory,
                                      budget=opts.budget),
                        isolation=isolation)
    with ProgressBar(len(notebooks), sys.stderr) as progress:
        results = grade_all(notebooks, settings, opts.jobs, on_result=progress)
    if policy is not None:
        _apply_late(results, policy)
    graded = list(results)
    results = results + accounted(results, discovery, roster, opts, settings)
    if not opts.quiet:
        print(report.score_table(results))
    if opts.quiet or len(results) > 1:
        print(report.class_summary(results))
    if opts.feedback:
        write_feedback(graded, opts.feedback)
    if opts.json:
        say_merged(opts.json, report.write_json(
            results, opts.json, skipped=discovery.skipped, renamed=discovery.renamed,
            merge=not opts.replace))
    if opts.csv:
        say_merged(opts.csv, report.write_csv(results, opts.csv, merge=not opts.replace))
    if opts.gradescope:
        report.write_gradescope(graded[0], Path(opts.gradescope), opts.hidden_visibility)
    failed = [r for r in graded if r.error]
    if failed:
        print(f"{len(failed)} of {len(graded)} submissions could not be graded.",
              file=sys.stderr)
    return 1 if failed else 0


def check_outputs(opts: argparse.Namespace) -> None:
    """Before any grading: no export may go into one of nbgrader's folders in an nbgrader
    course (nbgrader_config.py; elsewhere a warning), nor overwrite a file this grader did
    not write; the default folder is made."""
    course = Path(os.path.abspath(opts.course))
    for option in ("json", "csv", "feedback"):
        path = getattr(opts, option)
        if path is None:
            continue
        if path.parts[:1] == OUTPUT.parts and not path.is_absolute():
            path = course / path if opts.course != Path(".") else path
            setattr(opts, option, path)
        full = Path(os.path.abspath(path))
        for folder in NBGRADER_FOLDERS:
            if full == course / folder or course / folder in full.parents:
                message = (f"--{option} {shown(str(path))} is inside nbgrader's {folder}/ "
                           f"folder; write it elsewhere (the default is {OUTPUT}/)")
                if (course / "nbgrader_config.py").is_file():   # surely nbgrader's
                    raise UsageError(message)
                print(f"note: {message}", file=sys.stderr)
        if option == "feedback":
            if path.exists() and not path.is_dir():
                raise UsageError(f"--feedback needs a folder, but {shown(str(path))} is a file")
            continue
        if full == course / "grades.csv":
            print(f"note: `nbgrader export` writes {shown(str(path))} too and would overwrite "
                  f"it; the default --{option} file is in {OUTPUT}/", file=sys.stderr)
        try:
            existing = report.check_output(path, option)
        except report.OutputError as exc:
            raise UsageError(str(exc)) from None
        if existing and opts.replace:
            print(f"note: {shown(str(path))} exists and will be overwritten (--replace)",
                  file=sys.stderr)
        path.parent.mkdir(parents=True, exist_ok=True)


def say_merged(path: Path, merged: report.Merged) -> None:
    if merged.merged:
        print(f"note: {shown(str(path))} held earlier results: {merged.replaced} entries of "
              f"the submissions graded now replaced, {merged.kept} others kept (--replace "
              f"to overwrite instead)", file=sys.stderr)


def load_roster(opts: argparse.Namespace) -> Roster | None:
    """The roster of --roster, else the course's gradebook.db when a path is in an nbgrader
    tree (submitted/...); None without either."""
    path = opts.roster
    if path is None:
        default = opts.course / "gradebook.db"
        in_tree = any("submitted" in Path(os.path.abspath(p)).parts for p in opts.paths)
        if not (in_tree and default.is_file()):
            return None
        path = default
    try:
        roster = read_roster(path)
    except RosterError as exc:
        raise UsageError(str(exc)) from None
    print(f"roster: {len(roster.students)} students from {roster.source}", file=sys.stderr)
    return roster


def accounted(results: list[SubmissionResult], discovery: Discovery, roster: Roster | None,
              opts: argparse.Namespace, settings: Settings) -> list[SubmissionResult]:
    """Results (score 0) for the submission folders in which nothing could be graded, and,
    with a roster, for every expected student and assignment with no submission."""
    pairs = []
    if roster is not None:
        tree = discovery.trees[0] if discovery.trees else opts.course / "submitted"
        pairs = expected(roster, discovery, opts.paths, tree)   # no paths: assignments/
        strangers = unlisted(results, roster, discovery)
        if strangers:
            print(f"note: graded but not on the roster: {', '.join(map(shown, strangers))}",
                  file=sys.stderr)
    tops = {}
    for r in results:
        if not r.error:
            tops[r.assignment] = max(tops.get(r.assignment, 0.0), r.max_score)
    for assignment in {a for _, a, _ in pairs} | {a for _, a in discovery.unrecognized()}:
        if assignment not in tops:
            try:
                trusted = load_trusted(settings, assignment)
                tops[assignment] = sum(t.points for t in tests_of(trusted.notebook))
            except NotebookError:
                pass
    return account(results, discovery, pairs, tops)


def _late_policy(path: Path | None, notebooks: list[Found]):
    """The late policy of --late-policy, and every submission's timestamp.txt read, before
    grading: a bad policy or timestamp stops at once, not after the class was graded."""
    if path is None:
        return None
    try:
        policy = late.load_policy(path)
        for found in notebooks:
            late.read_timestamp(found.path.parent, policy.nbgrader_timezone)
    except late.LatePolicyError as exc:
        raise UsageError(str(exc)) from None
    return policy


def _apply_late(results: list[SubmissionResult], policy) -> None:
    try:
        penalised = report.apply_late_policy(results, policy)
    except late.LatePolicyError as exc:
        raise UsageError(str(exc)) from None
    print(f"late policy: {penalised} of {len(results)} submissions penalised "
          "(scores below are final)", file=sys.stderr)


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
    student_kit.sync_released(opts.course, done)   # the package data fetch and the kit use
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
