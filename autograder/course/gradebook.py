"""nbgrader's gradebook against our grades: `python -m backprop_lab gradebook [submitted] [--write]`.

`nbgrader autograde` runs student code and tests in one kernel, so a submission can fool it
(redefine a check, patch numpy); its gradebook then feeds `nbgrader export` and
`nbgrader generate_feedback`. This reads the day's `grade --json` results (default
`backprop-lab-grades/grades.json`; `--grade` grades the nbgrader tree
`submitted/<student>/<id>/<id>.ipynb` again instead, hidden tests included) and compares, per
student, assignment and test cell (`grade_id`), our score with the gradebook's. A results
file older than a submission under the tree (collected or changed since), or without one of
its submissions, stops the run before anything is written, with the submissions and the
`grade` command that brings the file up to date (`stale_submissions`). With `--write` each
grade's `manual_score` is set to our score: nbgrader lets a manual score override the
autograder's, so export and feedback then show the trusted numbers.

A manual score is also what a person (a TA in formgrader) sets to override a grade, and
nbgrader does not record who set it. So every manual score this tool writes is recorded in a
small JSON file beside the gradebook (`gradebook.db.backprop-lab.json` for `gradebook.db`;
see `record_path`). A manual score that is not in that record, or no longer holds the value
recorded there, was set by a person: `--write` keeps it and reports it, unless
`--overwrite-manual` is given. A grade without a manual score, or with one this tool wrote,
gets our score.

A later `nbgrader autograde` of a resubmission sets a new auto score but keeps the manual
one, which still wins: run this again after every autograde. An instructor's extra credit
is left alone and not compared (it is added on top of either score). With `--write`, the
late penalty of results graded with `grade --late-policy` is written as the submitted
notebook's `late_submission_penalty`, which nbgrader's export and feedback subtract (results
graded without a policy leave nbgrader's own alone); `nbgrader autograde` resets it, so run
this again after it, as for the scores.

`overrides` reads, for `lms`, what a person changed in the gradebook: each manual score not
written by this tool, and every extra credit.

The gradebook's submissions that have no notebook under the graded folder are reported too
(a file named otherwise, or never collected), as are ours that the gradebook lacks.

The gradebook is read and written with nbgrader's API (`nbgrader.api.Gradebook`) only.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from .. import options
from ..batch import OUTPUT, UsageError, find_notebooks, grade_all
from .nbgrader import CourseError
from ..grading import SubmissionResult
from ..reports.lms import LmsError
from ..assignments import ASSIGNMENTS
from ..text import one_line


@dataclass(frozen=True)
class Difference:
    """One test on which nbgrader's gradebook and our grader disagree, or a whole submission
    (`test` None) that cannot be compared; a missing score is None and `problem` says why."""

    student: str | None
    assignment: str
    test: str | None
    nbgrader: float | None
    ours: float | None
    problem: str = ""


@dataclass(frozen=True)
class Written:
    grades: int        # grades that now hold our score as their manual score
    changed: int       # of these, grades whose score (what export and feedback show) changed
    submissions: int   # submissions written
    kept: tuple = ()   # Differences: manual scores a person set, left as they are
    replaced: int = 0  # manual scores a person set, replaced (--overwrite-manual)
    penalties: int = 0  # submissions whose late penalty was written


PERSON = "manual score set by a person"   # the problem of a kept override


class Record:
    """The manual scores this tool wrote into a gradebook: grade key -> score.

    nbgrader's Grade holds a manual score but not who set it; a manual score equal to the one
    recorded here is ours, any other was set by a person. The file is JSON, written whole
    (a temporary file renamed over it) after the gradebook is committed.
    """

    VERSION = 1

    def __init__(self, path: Path | None, scores: dict[str, float] | None = None):
        self.path = path
        self.scores = dict(scores or {})

    @staticmethod
    def key(student: str, assignment: str, notebook: str, grade_id: str) -> str:
        return "/".join((student, assignment, notebook, grade_id))

    @classmethod
    def load(cls, path: Path | None) -> "Record":
        if path is None or not path.exists():
            return cls(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            scores = data["manual_scores_written"]
            if data.get("version") != cls.VERSION or not all(
                    isinstance(k, str) and isinstance(v, (int, float)) and not isinstance(v, bool)
                    for k, v in scores.items()):
                raise ValueError("unexpected contents")
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise CourseError(f"cannot read {path}, the record of the manual scores this tool "
                              f"wrote ({exc}); without it every manual score counts as a "
                              "person's: move it away to start afresh") from None
        return cls(path, {k: float(v) for k, v in scores.items()})

    def is_ours(self, key: str, manual_score: float | None) -> bool:
        return manual_score is not None and _same(self.scores.get(key), manual_score)

    def save(self) -> None:
        if self.path is None:
            return
        text = json.dumps({"version": self.VERSION,
                           "about": "manual scores written by `python -m backprop_lab gradebook "
                                    "--write`; any other manual score was set by a person",
                           "manual_scores_written": dict(sorted(self.scores.items()))},
                          indent=1) + "\n"
        fd, tmp = tempfile.mkstemp(prefix=".record-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def record_path(url: str, course: Path) -> Path:
    """Where the record of our manual scores lives: beside an sqlite gradebook, else in the
    course root."""
    prefix = "sqlite:///"
    if url.startswith(prefix):
        db = Path(url[len(prefix):])
        return db.with_name(db.name + ".backprop-lab.json")
    return Path(course).resolve() / "gradebook.backprop-lab.json"


def _same(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def nbgrader_score(grade) -> float | None:
    """A grade's points without extra credit: the manual score if set, else the auto score."""
    return grade.manual_score if grade.manual_score is not None else grade.auto_score


def _submission_notebook(result: SubmissionResult, gradebook):
    """The gradebook's notebook for a result, or the Difference that says why there is none."""
    from nbgrader.api import MissingEntry

    if result.student is None:
        return None, Difference(None, result.assignment, None, None, result.score,
                                f"{result.path} is not in an nbgrader tree "
                                "submitted/<student>/<assignment>/<assignment>.ipynb")
    if result.error:
        return None, Difference(result.student, result.assignment, None, None, None,
                                f"our grader could not grade it: {result.error}")
    try:
        notebook = gradebook.find_submission_notebook(result.assignment, result.assignment,
                                                      result.student)
    except MissingEntry:
        return None, Difference(result.student, result.assignment, None, None, result.score,
                                "missing from the gradebook (not autograded by nbgrader)")
    return notebook, None


def _test_grades(notebook) -> dict:
    """The gradebook's grades of test cells (code cells; manually graded answers are not ours)."""
    return {g.name: g for g in notebook.grades if g.cell.cell_type == "code"}


def _grade_key(result: SubmissionResult, grade) -> str:
    return Record.key(result.student, result.assignment, result.assignment, grade.name)


def _set_by_person(result: SubmissionResult, grade, record: Record | None) -> bool:
    """A manual score that this tool did not write (None: no record, so any manual score)."""
    if grade.manual_score is None:
        return False
    return record is None or not record.is_ours(_grade_key(result, grade), grade.manual_score)


def compare(results: Iterable[SubmissionResult], gradebook,
            record: Record | None = None) -> list[Difference]:
    """Every test whose score differs between our results and nbgrader's gradebook (an open
    nbgrader.api.Gradebook), and every submission that cannot be compared. A differing manual
    score a person set (one not in `record`) says so in its problem."""
    differences: list[Difference] = []
    for result in results:
        notebook, problem = _submission_notebook(result, gradebook)
        if problem:
            differences.append(problem)
            continue
        grades = _test_grades(notebook)
        if grades and all(nbgrader_score(g) is None for g in grades.values()):
            differences.append(Difference(result.student, result.assignment, None, None,
                                          result.score, "not autograded by nbgrader"))
            continue
        ours = {t.name: t.score for t in result.tests}
        for name in [t.name for t in result.tests] + [n for n in grades if n not in ours]:
            grade = grades.get(name)
            theirs = nbgrader_score(grade) if grade is not None else None
            if _same(theirs, ours.get(name)):
                continue
            problem = ("not in the gradebook" if grade is None
                       else "not graded by us" if name not in ours
                       else "not autograded by nbgrader" if theirs is None
                       else PERSON if _set_by_person(result, grade, record) else "")
            differences.append(Difference(result.student, result.assignment, name, theirs,
                                          ours.get(name), problem))
    return differences


def write(results: Iterable[SubmissionResult], gradebook, record: Record | None = None,
          overwrite_manual: bool = False) -> Written:
    """Set the manual score of each graded test's grade to our score, commit, and note each
    score written in `record` (saved after the commit).

    A manual score a person set (see `Record`) is kept and returned in `kept` when it differs
    from ours, unless `overwrite_manual`. Without a record (None) every manual score counts
    as a person's. Submissions that cannot be compared (see `compare`) and tests missing on
    either side are left as they are; compare again to see what is left.
    """
    record = record if record is not None else Record(None)
    grades = changed = submissions = replaced = penalties = 0
    kept: list[Difference] = []
    for result in results:
        notebook, problem = _submission_notebook(result, gradebook)
        if problem:
            continue
        by_name = _test_grades(notebook)
        wrote = False
        for test in result.tests:
            grade = by_name.get(test.name)
            if grade is None:
                continue
            key = _grade_key(result, grade)
            if _set_by_person(result, grade, record):
                if _same(grade.manual_score, test.score):
                    continue   # a person's score that agrees: theirs, left as it is
                if not overwrite_manual:
                    kept.append(Difference(result.student, result.assignment, test.name,
                                           grade.manual_score, test.score, PERSON))
                    continue
                replaced += 1
            changed += not _same(nbgrader_score(grade), test.score)
            grade.manual_score = test.score
            grade.needs_manual_grade = False   # as formgrader does once a score is entered
            record.scores[key] = float(test.score)
            grades += 1
            wrote = True
        submissions += wrote
        if result.late_penalty is not None:   # graded with a late policy: carry it
            notebook.late_submission_penalty = float(result.late_penalty)
            penalties += result.late_penalty > 0
    gradebook.db.commit()
    record.save()
    return Written(grades, changed, submissions, tuple(kept), replaced, penalties)


@dataclass(frozen=True)
class Override:
    """What a person changed in the gradebook for one submission: the tests whose manual
    score they set ({test: (ours, theirs)}) and the extra credit given (0: none)."""

    student: str
    assignment: str
    tests: dict
    extra_credit: float = 0.0

    def describe(self) -> str:
        parts = [f"{test} {_points(ours)} -> {_points(theirs)}"
                 for test, (ours, theirs) in self.tests.items()]
        if self.extra_credit:
            parts.append(f"extra credit {self.extra_credit:+g}")
        return ", ".join(parts)


def overrides(results: Iterable[dict], gradebook, record: Record | None = None
              ) -> dict[tuple[str, str], Override]:
    """The overrides a person made in nbgrader's gradebook (an open nbgrader.api.Gradebook)
    for the submissions of `results` (the JSON dicts of `grade --json`): each test grade
    whose manual score was not written by `gradebook --write` (see `Record`; without a record
    every manual score is a person's) and differs from our score, and every extra credit.
    Submissions the gradebook does not hold have none."""
    from nbgrader.api import MissingEntry

    found = {}
    for r in results:
        student, assignment = r.get("student"), r.get("assignment")
        if not student or not r.get("tests"):
            continue
        try:
            notebook = gradebook.find_submission_notebook(assignment, assignment, student)
        except MissingEntry:
            continue
        grades = _test_grades(notebook)
        ours = {t["name"]: float(t["score"]) for t in r["tests"]}
        changed = {}
        for name, grade in grades.items():
            key = Record.key(student, assignment, assignment, name)
            person = grade.manual_score is not None and (
                record is None or not record.is_ours(key, grade.manual_score))
            if person and not _same(grade.manual_score, ours.get(name)):
                changed[name] = (ours.get(name), float(grade.manual_score))
        extra = sum(g.extra_credit or 0.0 for g in notebook.grades)
        if changed or extra:
            found[(student, assignment)] = Override(student, assignment, changed, float(extra))
    return found


def results_from_json(path: Path) -> list[SubmissionResult]:
    """The graded submissions of a `grade --json` file as results (missing and unrecognized
    pairs left out: nbgrader has nothing of them to compare)."""
    from ..grading import TestResult

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        subs = data["submissions"]
        results = []
        for s in subs:
            if s.get("status") in ("missing", "unrecognized"):
                continue
            tests = [TestResult(t["name"], float(t["score"]), float(t["max_score"]),
                                t["status"]) for t in s.get("tests") or []]
            result = SubmissionResult(s.get("student"), s["assignment"], s.get("path", ""),
                                      float(s["score"]), float(s["max_score"]), s.get("error"),
                                      tests)
            result.late_penalty = s.get("late_penalty")
            results.append(result)
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise CourseError(f"cannot read the results {path}: {type(exc).__name__}: {exc} "
                          "(write them with `python -m backprop_lab grade submitted --hidden "
                          "--json`)") from None
    return results


def _changed_at(path: Path) -> float:
    """When a file last arrived or changed here: nbgrader collect copies with the student's
    modification time, so the inode's change time counts too."""
    st = path.stat()
    return max(st.st_mtime, st.st_ctime)


def stale_submissions(results: list[SubmissionResult], notebooks, results_path: Path
                      ) -> list[tuple[Path, str]]:
    """The submissions (`find_notebooks` items) that the results file does not account for:
    not in it, or changed after it was written; each as (its notebook, why)."""
    written = _changed_at(Path(results_path))
    have = {(r.student, r.assignment) for r in results}
    stale = []
    for found in notebooks:
        if found.student is None:
            continue
        if (found.student, found.assignment) not in have:
            stale.append((found.path, f"not in {results_path}"))
        elif _changed_at(found.path) > written:
            stale.append((found.path, f"changed after {results_path} was written"))
    return stale


def _submitted_scope(path: Path) -> tuple[Path, str | None, str | None] | None:
    """The nbgrader tree a graded folder belongs to: (submitted root, student or None,
    assignment or None); None for a notebook file."""
    path = Path(path).resolve()
    if not path.is_dir():
        return None
    if path.parent.parent.name == "submitted":
        return path.parent.parent, path.parent.name, path.name
    if path.parent.name == "submitted":
        return path.parent, path.name, None
    return path, None, None


def unmatched_submissions(results: Iterable[SubmissionResult], gradebook,
                          submitted: Path) -> list[Difference]:
    """The gradebook's submissions (of this course's assignments) inside the folder
    `submitted` that we did not grade: no notebook `<root>/<student>/<id>/<id>.ipynb` (a file
    named otherwise, or nothing collected). Each says what its folder holds."""
    scope = _submitted_scope(submitted)
    if scope is None:
        return []
    root, only_student, only_assignment = scope
    graded = {(r.student, r.assignment) for r in results}
    missing = []
    for assignment in ASSIGNMENTS:
        if only_assignment not in (None, assignment):
            continue
        for submission in gradebook.assignment_submissions(assignment):   # [] if none
            student = submission.student_id
            if only_student not in (None, student) or (student, assignment) in graded:
                continue
            folder = root / student / assignment
            held = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else None
            why = (f"in the gradebook, but no {assignment}.ipynb under {folder}"
                   + (" (no such folder)" if held is None
                      else f" (it holds: {', '.join(held)})" if held else " (it is empty)"))
            missing.append(Difference(student, assignment, None, submission.score, None, why))
    return sorted(missing, key=lambda d: (ASSIGNMENTS.index(d.assignment), d.student))


def _points(x: float | None) -> str:
    return "-" if x is None else f"{x:g}"


def format_differences(differences: list[Difference]) -> str:
    """A table of the differences; student text in it is escaped (`text.one_line`)."""
    rows = [("student", "assignment", "test", "nbgrader", "ours", "")]
    rows += [(one_line(d.student or "?"), one_line(d.assignment),
              one_line(d.test or "(submission)"), _points(d.nbgrader), _points(d.ours),
              one_line(d.problem)) for d in differences]
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = []
    for row in rows:
        cells = [row[i].rjust(widths[i]) if i in (3, 4) else row[i].ljust(widths[i])
                 for i in range(5)]
        lines.append("  ".join(cells + [row[5]]).rstrip())
    return "\n".join(lines)


def default_db_url(course: Path) -> str:
    """The gradebook nbgrader uses in `course`: its config's db_url, else <root>/gradebook.db."""
    from traitlets.config.loader import ConfigFileNotFound, PyFileConfigLoader

    course = Path(course).resolve()
    try:
        config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    except ConfigFileNotFound:
        config = None
    except Exception as exc:   # nbgrader would run with its defaults: a silent wrong gradebook
        raise CourseError(f"cannot load {course / 'nbgrader_config.py'}: {exc}") from exc
    directory = config.CourseDirectory if config is not None else {}
    if directory.get("db_url"):
        url = str(directory["db_url"])
        prefix = "sqlite:///"
        if url.startswith(prefix) and not Path(url[len(prefix):]).is_absolute():
            url = prefix + str(course / url[len(prefix):])   # nbgrader runs in the course root
        return url
    return "sqlite:///" + str(course / str(directory.get("root", "")) / "gradebook.db")


def db_url(db: str | None, course: Path, must_exist: bool = True) -> str:
    """--db as a database URL (a plain path is an sqlite file); an sqlite file must exist
    (nbgrader.api.Gradebook would create an empty one) unless not `must_exist`."""
    if db is None:
        url = default_db_url(course)
    elif "://" in db:
        url = db
    else:
        url = "sqlite:///" + str(Path(db).resolve())
    prefix = "sqlite:///"
    if must_exist and url.startswith(prefix) and not Path(url[len(prefix):]).exists():
        raise UsageError(f"no gradebook at {url[len(prefix):]} (run `python -m backprop_lab "
                         "course-setup` and nbgrader autograde, or name it with --db)")
    return url


def add_parser(sub) -> None:
    """Register `gradebook` with the CLI's subparsers."""
    parser = sub.add_parser("gradebook",
                            help="compare nbgrader's gradebook with our grades (--write: fix it)")
    parser.add_argument("submitted", nargs="?", metavar="SUBMITTED",
                        help="the nbgrader tree submitted/<student>/<id>/<id>.ipynb "
                             "(default: submitted/ in --course)")
    parser.add_argument("--db", metavar="URL",
                        help="the gradebook: a database URL or an sqlite file (default: "
                             "nbgrader's, sqlite:///gradebook.db in --course)")
    parser.add_argument("--write", action="store_true",
                        help="set each grade's manual score to our score, so that nbgrader's "
                             "export and feedback show it; a manual score a person set is "
                             "kept and listed")
    parser.add_argument("--overwrite-manual", action="store_true",
                        help="with --write: replace the manual scores a person set, too")
    parser.add_argument("--results", type=Path, metavar="FILE",
                        help="the day's results, written by `grade --json` with the hidden "
                             "tests "
                             f"(default: {OUTPUT}/grades.json in --course); a submission "
                             "newer than it or missing from it stops the run")
    parser.add_argument("--grade", action="store_true",
                        help="grade the submissions now (hidden tests included) instead of "
                             "reading --results")
    options.add_grading_options(parser, hidden=False,   # always with the hidden tests
                                course_help="course root holding source/ and "
                                            "nbgrader_config.py (default: .)")
    parser.set_defaults(run=run)


def _read_results(opts: argparse.Namespace, notebooks, submitted: Path
                  ) -> list[SubmissionResult]:
    """The results of --results for the submissions under `submitted`; CourseError if the
    file is missing or does not account for one of them (see stale_submissions)."""
    path = opts.results or opts.course / OUTPUT / "grades.json"
    if not path.exists():
        raise CourseError(f"no results at {path}: grade first, `python -m backprop_lab grade "
                          f"{submitted} --hidden --json {path}` (or give --results FILE, or "
                          "--grade to grade now)")
    scope = _submitted_scope(submitted)
    results = [r for r in results_from_json(path)
               if scope is None or r.student is None
               or ((scope[1] in (None, r.student)) and (scope[2] in (None, r.assignment)))]
    stale = stale_submissions(results, notebooks, path)
    if stale:
        shown = "\n  ".join(f"{p}: {why}" for p, why in stale[:20]) + (
            f"\n  ... and {len(stale) - 20} more" if len(stale) > 20 else "")
        raise CourseError(f"{path} does not hold the grades of {len(stale)} submissions; "
                          f"nothing was compared or written:\n  {shown}\n"
                          f"grade them into it first (it merges: only these change), e.g. "
                          f"`python -m backprop_lab grade {stale[0][0].parent} "
                          f"--hidden --json {path}` for the first (same --late-policy as "
                          "the day's run), or give --grade to grade everything now")
    return results


def run(opts: argparse.Namespace) -> int:
    options.check_grading_options(opts)
    if opts.overwrite_manual and not opts.write:
        raise UsageError("--overwrite-manual goes with --write")
    url = db_url(opts.db, opts.course)
    record = Record.load(record_path(url, opts.course))
    if opts.grade and opts.results:
        raise UsageError("--grade grades now; --results reads earlier results: give one")
    submitted = Path(opts.submitted) if opts.submitted else opts.course / "submitted"
    if not submitted.exists():
        raise UsageError(f"no such file or folder: {submitted}")
    try:
        notebooks = find_notebooks([str(submitted)], opts.course)
    except UsageError:
        if not submitted.is_dir():
            raise
        notebooks = []   # nothing to grade: the gradebook's submissions there are reported
    if opts.grade:
        settings = options.settings_from(opts, hidden=True)
        results = grade_all(notebooks, settings, opts.jobs) if notebooks else []
    else:
        results = _read_results(opts, notebooks, submitted)
    from nbgrader.api import Gradebook    # 2 CPU s of imports: not for a usage error
    with Gradebook(url) as gradebook:
        if opts.write:
            written = write(results, gradebook, record, opts.overwrite_manual)
            print(f"wrote our scores to {written.grades} grades of {written.submissions} "
                  f"submissions in {url}; {written.changed} grades changed"
                  + (f"; {written.replaced} manual scores a person set replaced"
                     if written.replaced else "")
                  + (f"; {written.penalties} late penalties" if written.penalties else ""))
            print(f"(the manual scores written are recorded in {record.path})")
        differences = compare(results, gradebook, record)
        unmatched = unmatched_submissions(results, gradebook, submitted)
    if differences:
        print(format_differences(differences))
    kept = [d for d in differences if d.problem == PERSON]
    if kept:
        print(f"{len(kept)} manual scores set by a person differ from ours and are "
              + ("kept; --overwrite-manual replaces them." if opts.write else
                 "kept by --write; --write --overwrite-manual replaces them."))
    if unmatched:
        print(f"\n{len(unmatched)} submissions in the gradebook have no notebook under "
              f"{submitted} and were not graded:")
        print(format_differences(unmatched))
    subs = {(d.student, d.assignment) for d in differences}
    print(f"{len(results) - len(subs)} of {len(results)} submissions agree with the gradebook"
          + ("." if not differences else
             "; not written: these keep nbgrader's numbers." if opts.write else
             "; --write puts our scores into the gradebook."))
    return 1 if differences or unmatched else 0


def lms_overrides(opts: argparse.Namespace, results: list[dict]) -> dict:
    """For `lms`: the overrides of nbgrader's gradebook (--gradebook, else the course's if it
    exists), {} without one."""
    if opts.no_gradebook:
        if opts.gradebook:
            raise LmsError("--gradebook and --no-gradebook exclude each other")
        return {}
    try:
        url = db_url(opts.gradebook, opts.course, must_exist=False)
        prefix = "sqlite:///"
        if url.startswith(prefix) and not Path(url[len(prefix):]).exists():
            if opts.gradebook:
                raise LmsError(f"no gradebook at {url[len(prefix):]}")
            print(f"note: no nbgrader gradebook at {url[len(prefix):]}: the scores are those "
                  "of --results, without a TA's overrides (--gradebook DB names one)",
                  file=sys.stderr)
            return {}
        record = Record.load(record_path(url, opts.course))
        from nbgrader.api import Gradebook as NbGradebook
        with NbGradebook(url) as gb:
            found = overrides(results, gb, record)
    except (UsageError, CourseError) as exc:
        raise LmsError(str(exc)) from None
    print(f"overrides from nbgrader's gradebook {url}: {len(found)} submissions",
          file=sys.stderr)
    return found
