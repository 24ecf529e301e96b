"""Command line: `python -m backprop_lab grade ...`, `regenerate`, `gradebook` and the others.

Argument parsing only: each subcommand calls the module that does the work (batch grading is
batch.py, the grading options options.py). Nothing imports this module."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import batch, options
from .course import gradebook, gradescope_bundle, prairielearn, student_kit
from .reports import report
from .batch import OUTPUT, UsageError
from .course.nbgrader import CourseError, regenerate, setup_gradebook
from .assignments import ASSIGNMENTS
from .reports import class_report, lms, similarity


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m backprop_lab",
                                     description="Grade backprop-lab notebooks.")
    sub = parser.add_subparsers(dest="command", required=True)

    grade = sub.add_parser("grade", help="grade notebooks and print a score table")
    grade.add_argument("paths", nargs="*", metavar="PATH",
                       help="notebooks, or folders searched for them (default: assignments/)")
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
    grade.add_argument("--gradescope-metadata", metavar="FILE", type=Path,
                       help="Gradescope's submission_metadata.json: the hidden tests draw "
                            "this submission's own cases (from its id); without a readable "
                            "id, random ones")
    grade.add_argument("--hidden-visibility", choices=report.GRADESCOPE_VISIBILITIES,
                       default=report.HIDDEN_VISIBILITY,
                       help="when Gradescope shows hidden tests (default after_due_date); "
                            "visible: at once, verdict and points only")
    options.add_grading_options(grade)
    grade.add_argument("--feedback", metavar="DIR", type=Path, nargs="?",
                       const=OUTPUT / "feedback",
                       help="write each submission's report to DIR/<student>/<assignment>.md "
                            f"and .html (default DIR: {OUTPUT}/feedback; never inside nbgrader's "
                            "own folders)")
    grade.add_argument("--late-policy", type=Path, metavar="TOML",
                       help="score late work by this policy (docs/GRADING_DAY.md)")
    grade.add_argument("--quiet", action="store_true",
                       help="print only the class summary, not each submission's scores")

    grade.set_defaults(run=batch.run_grade)

    regen = sub.add_parser("regenerate",
                           help="make assignments/ and solutions/ from source/ with nbgrader "
                                "(replacing what is there: nbgrader's --force)")
    regen.add_argument("assignments", nargs="*", metavar="ID", help="default: all")
    options.add_course_option(regen, help=None)
    regen.set_defaults(run=run_regenerate)

    setup = sub.add_parser("course-setup",
                           help="register the assignments (and --roster's students) in the "
                                "course's nbgrader gradebook, touching no tracked file")
    setup.add_argument("assignments", nargs="*", metavar="ID", help="default: all")
    setup.add_argument("--db", metavar="URL",
                       help="the gradebook: a database URL or an sqlite file (default: "
                            "nbgrader's, gradebook.db in --course; made if missing)")
    setup.add_argument("--roster", type=Path, metavar="CSV",
                       help="also register these students: the roster of `lms` (nbgrader_id "
                            "and Canvas's columns) or a list of ids as `grade --roster` takes")
    options.add_course_option(setup, help="course root holding source/ and nbgrader_config.py "
                                          "(default: .)")
    setup.set_defaults(run=run_course_setup)

    gradescope_bundle.add_parser(sub)
    prairielearn.add_parser(sub)

    gradebook.add_parser(sub)
    lms.add_parser(sub, overrides=gradebook.lms_overrides)   # the gradebook's, for the LMS
    similarity.add_parser(sub)
    class_report.add_parser(sub)
    student_kit.add_parsers(sub)
    return parser


def run_regenerate(opts: argparse.Namespace) -> int:
    unknown = [a for a in opts.assignments if a not in ASSIGNMENTS]
    if unknown:
        raise UsageError(f"unknown assignment {', '.join(unknown)} (known: "
                         f"{', '.join(ASSIGNMENTS)})")
    done = regenerate(opts.course, opts.assignments or ASSIGNMENTS)
    student_kit.sync_released(opts.course, done)   # the package data fetch and the kit use
    print("regenerated: " + (", ".join(done) or "nothing (no source notebooks)"))
    return 0


def run_course_setup(opts: argparse.Namespace) -> int:
    from .reports.lms import roster_students
    from .reports.roster import RosterError

    unknown = [a for a in opts.assignments if a not in ASSIGNMENTS]
    if unknown:
        raise UsageError(f"unknown assignment {', '.join(unknown)} (known: "
                         f"{', '.join(ASSIGNMENTS)})")
    if not (opts.course / "nbgrader_config.py").is_file():
        raise UsageError(f"{opts.course} is not the course root (no nbgrader_config.py)")
    url = gradebook.db_url(opts.db, opts.course, must_exist=False)
    try:
        students = roster_students(opts.roster) if opts.roster else []
    except RosterError as exc:
        raise UsageError(str(exc)) from None
    done = setup_gradebook(opts.course, url, opts.assignments or ASSIGNMENTS, students)
    for assignment, (cells, points) in done.assignments.items():
        print(f"registered {assignment}: {cells} graded cells, {points:g} points")
    if done.students:
        print(f"registered {len(done.students)} students")
    print(f"in {url}; no file of the course was changed")
    if done.stale:
        print(f"note: assignments/ is not what source/ makes now for {', '.join(done.stale)}: "
              f"run `python -m backprop_lab regenerate {' '.join(done.stale)}` and commit it "
              "before release_assignment, or nbgrader autograde will find changed cells",
              file=sys.stderr)
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
