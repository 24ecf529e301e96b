"""nbgrader's gradebook against our grades: `python -m autograder gradebook [submitted] [--write]`.

`nbgrader autograde` runs student code and tests in one kernel, so a submission can fool it
(redefine a check, patch numpy); its gradebook then feeds `nbgrader export` and
`nbgrader generate_feedback`. This grades the nbgrader tree `submitted/<student>/<id>/<id>.ipynb`
with our grader (hidden tests included) and compares, per student, assignment and test cell
(`grade_id`), our score with the gradebook's. With `--write` each grade's `manual_score` is
set to our score: nbgrader lets a manual score override the autograder's, so export and
feedback then show the trusted numbers.

A later `nbgrader autograde` of a resubmission sets a new auto score but keeps the manual
one, which still wins: run this again after every autograde. An instructor's extra credit
is left alone and not compared (it is added on top of either score).

The gradebook is read and written with nbgrader's API (`nbgrader.api.Gradebook`) only.
"""
from __future__ import annotations

import argparse
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from . import cli
from .course import CourseError
from .grading import Settings, SubmissionResult
from .student_process import Limits
from .text import one_line


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


def compare(results: Iterable[SubmissionResult], gradebook) -> list[Difference]:
    """Every test whose score differs between our results and nbgrader's gradebook (an open
    nbgrader.api.Gradebook), and every submission that cannot be compared."""
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
                       else "not autograded by nbgrader" if theirs is None else "")
            differences.append(Difference(result.student, result.assignment, name, theirs,
                                          ours.get(name), problem))
    return differences


def write(results: Iterable[SubmissionResult], gradebook) -> Written:
    """Set the manual score of each graded test's grade to our score and commit.

    Submissions that cannot be compared (see `compare`) and tests missing on either side
    are left as they are; compare again to see what is left.
    """
    grades = changed = submissions = 0
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
            changed += not _same(nbgrader_score(grade), test.score)
            grade.manual_score = test.score
            grade.needs_manual_grade = False   # as formgrader does once a score is entered
            grades += 1
            wrote = True
        submissions += wrote
    gradebook.db.commit()
    return Written(grades, changed, submissions)


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


def db_url(db: str | None, course: Path) -> str:
    """--db as a database URL (a plain path is an sqlite file); an sqlite file must exist
    (nbgrader.api.Gradebook would create an empty one)."""
    if db is None:
        url = default_db_url(course)
    elif "://" in db:
        url = db
    else:
        url = "sqlite:///" + str(Path(db).resolve())
    prefix = "sqlite:///"
    if url.startswith(prefix) and not Path(url[len(prefix):]).exists():
        raise cli.UsageError(f"no gradebook at {url[len(prefix):]} (run nbgrader autograde, "
                             "or name it with --db)")
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
    parser.add_argument("--course", type=Path, default=Path("."), metavar="DIR",
                        help="course root holding source/ and nbgrader_config.py (default: .)")
    parser.add_argument("--write", action="store_true",
                        help="set each grade's manual score to our score, so that nbgrader's "
                             "export and feedback show it")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                        help="submissions graded at once (default: all cores)")
    parser.add_argument("--timeout", type=float, default=Limits.timeout, metavar="SECONDS",
                        help="time limit of one test's calls into student code "
                             f"(default {Limits.timeout:g})")
    parser.set_defaults(run=run)


def run(opts: argparse.Namespace) -> int:
    from nbgrader.api import Gradebook

    if opts.timeout <= 0 or opts.jobs <= 0:
        raise cli.UsageError("--timeout and --jobs must be positive")
    url = db_url(opts.db, opts.course)
    notebooks = cli.find_notebooks([opts.submitted or str(opts.course / "submitted")],
                                   opts.course)
    settings = Settings(course=opts.course, hidden=True, limits=Limits(timeout=opts.timeout))
    results = cli.grade_all(notebooks, settings, opts.jobs)
    with Gradebook(url) as gradebook:
        differences = compare(results, gradebook)
        if opts.write:
            written = write(results, gradebook)
            print(f"wrote our scores to {written.grades} grades of {written.submissions} "
                  f"submissions in {url}; {written.changed} grades changed")
            differences = compare(results, gradebook)
    if differences:
        print(format_differences(differences))
    subs = {(d.student, d.assignment) for d in differences}
    print(f"{len(results) - len(subs)} of {len(results)} submissions agree with the gradebook"
          + ("." if not differences else
             "; not written: these keep nbgrader's numbers." if opts.write else
             "; --write puts our scores into the gradebook."))
    return 1 if differences else 0
