"""Batch grading: finding the submissions, grading them in a pool of workers, the roster.

`grade_all` grades many notebooks at once (each worker process with its own zygote) and
runs the tests that ran out of time once more, alone; `find_submissions` finds what to grade
below the paths given; `accounted` adds a result for every expected submission that is
missing. `run_grade` is the `grade` subcommand built from these, and what the gradebook
bridge, the Gradescope bundle and the pytest plugin share with it is here, not in cli.py
(which parses arguments only and is imported by nothing).
"""
from __future__ import annotations

import argparse
import multiprocessing
import multiprocessing.util
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Callable

from .reports import report
from .reports.feedback import write_feedback
from .grading import (ERROR, SEE_SUBMISSION_ERROR, Settings, SubmissionResult, TestResult,
                      grade_notebook, launcher_for, load_trusted, open_submission, rerun_tests)
from .isolation.launcher import Launcher
from .options import UsageError, check_grading_options, settings_from
from .notebooks import (Discovery, Found, NotebookError, assignment_index, assignment_of,
                        discover, instructor_tree, shown, tests_of)
from .progress import ProgressBar
from .reports.roster import Roster, RosterError, account, expected, read_roster, unlisted
from .reports import late


# Where the exports go by default: a folder of ours, apart from nbgrader's files (its `export`
# writes grades.csv, its feedback/ tree is its own), ignored by the repository (options.OUTPUT).
from .options import OUTPUT  # noqa: E402
NBGRADER_FOLDERS = ("source", "release", "submitted", "autograded", "feedback")


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
    return _guarded_grade(found, settings, _worker_launcher)


def _rerun_one(index: int, result: SubmissionResult, settings: Settings) -> SubmissionResult:
    _worker_started[index] = 1
    try:
        rerun_tests(result, settings, _worker_launcher)
    except Exception as exc:   # see _guarded_grade: the first results stand
        result.rerun = []
        result.warnings.append(f"the grader failed ({type(exc).__name__}) while the tests "
                               "that ran out of time ran again; the first results stand")
    return result


GRADER_FAILED = ("the grader failed on this notebook ({}) and did not grade it; the other "
                 "notebooks were graded (please tell the course staff)")


def _guarded_grade(found: Found, settings: Settings, launcher: Launcher) -> SubmissionResult:
    """grade_notebook, except that an exception nobody foresaw (something in one notebook
    the grader cannot handle) makes that notebook's result an error, not the batch's end."""
    try:
        return grade_notebook(found.path, settings, launcher, student=found.student,
                              assignment=found.assignment, rerun=False)
    except Exception as exc:
        result, _, plan = open_submission(found.path, settings, found.student,
                                          found.assignment)
        result.error = GRADER_FAILED.format(type(exc).__name__) + \
            (f"; {result.error}" if result.error else "")
        if plan is not None:
            result.tests = [TestResult(t.grade_id, 0.0, t.points, ERROR, SEE_SUBMISSION_ERROR,
                                       t.hidden) for t in plan.tests]
        result.score = 0.0
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
            done(0, _guarded_grade(item, settings, launcher))
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
    """The `grade` subcommand: find, grade, account for the roster, report and export."""
    started = time.monotonic()
    check_grading_options(opts)
    check_outputs(opts)
    roster = load_roster(opts)
    discovery = find_submissions(opts.paths, opts.course, opts.hidden)
    notebooks = discovery.found
    print_skipped(discovery)
    policy = _late_policy(opts.late_policy, notebooks)
    if opts.gradescope and len(notebooks) != 1:
        raise UsageError(f"--gradescope writes one submission's results, "
                         f"but {len(notebooks)} notebooks were found")
    if getattr(opts, "gradescope_metadata", None) is not None:
        if not opts.gradescope:
            raise UsageError("--gradescope-metadata goes with --gradescope")
        key, note = report.gradescope_submission(opts.gradescope_metadata)
        if note:
            print(f"note: {note}", file=sys.stderr)
        notebooks = [Found(notebooks[0].path, key, notebooks[0].assignment)]
    settings = settings_from(opts)
    if not opts.hidden and instructor_tree(opts.course):
        print(f"note: graded without --hidden: only the public tests of "
              f"{shown(str(opts.course / 'assignments'))} count, so max_score is lower than "
              f"with the hidden tests of source/ (add --hidden to grade with them)",
              file=sys.stderr)
    with ProgressBar(len(notebooks), sys.stderr) as progress:
        results = grade_all(notebooks, settings, opts.jobs, on_result=progress)
    if policy is not None:
        _apply_late(results, policy)
    graded = list(results)
    strangers = unlisted(results, roster, discovery) if roster is not None else []
    results = results + accounted(results, discovery, roster, opts, settings)
    if not opts.quiet:
        print(report.score_table(results))
    if opts.quiet or len(results) > 1:
        print(report.class_summary(results, not_on_roster=strangers))
    if opts.feedback:
        write_feedback(graded, opts.feedback)
    if opts.json:
        say_merged(opts.json, report.write_json(
            results, opts.json, skipped=discovery.skipped, renamed=discovery.renamed,
            merge=not opts.replace, not_on_roster=strangers))
    if opts.csv:
        say_merged(opts.csv, report.write_csv(results, opts.csv, merge=not opts.replace))
    if opts.gradescope:
        report.write_gradescope(graded[0], Path(opts.gradescope), opts.hidden_visibility,
                                time.monotonic() - started)
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
    """The late policy of --late-policy, read before grading: a bad policy stops at once
    (a usage error), not after the class was graded. Every submission's timestamp.txt is
    read too: one that cannot be read (the student's file: a named pipe, a link, garbage)
    is named here, and costs that submission its late judgement only (see _apply_late)."""
    if path is None:
        return None
    try:
        policy = late.load_policy(path)
    except late.LatePolicyError as exc:
        raise UsageError(str(exc)) from None
    bad = 0
    for found in notebooks:
        try:
            late.read_timestamp(found.path.parent, policy.nbgrader_timezone)
        except late.LatePolicyError as exc:
            bad += 1
            if bad <= SKIPPED_SHOWN:
                print(f"note: {exc}: not judged late", file=sys.stderr)
    if bad > SKIPPED_SHOWN:
        print(f"note: ... and {bad - SKIPPED_SHOWN} more timestamp.txt files that cannot be "
              "read (--json lists them all: late_error)", file=sys.stderr)
    return policy


def _apply_late(results: list[SubmissionResult], policy) -> None:
    penalised = report.apply_late_policy(results, policy)
    unjudged = [r for r in results if r.late_error]
    print(f"late policy: {penalised} of {len(results)} submissions penalised "
          "(scores below are final)"
          + (f"; {len(unjudged)} not judged late, their timestamp.txt unreadable: "
             + ", ".join(f"{shown(r.student or r.path)}/{r.assignment}" for r in unjudged[:20])
             + (" ..." if len(unjudged) > 20 else "") if unjudged else ""), file=sys.stderr)


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
