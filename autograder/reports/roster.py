"""The class list: who is expected to submit what, and what became of each expected pair.

A roster comes from nbgrader's gradebook (`gradebook.db`, read through nbgrader's API: its
students and its assignments) or from a file: one student id a line, or a CSV whose header
has an `nbgrader_id` (the roster of `lms`), `id` (nbgrader's student CSV), `student_id`,
`student id` or `student` column, the first of these it has. Every (student, assignment)
pair in the scope of a run is then accounted for: graded (a result), unrecognized (something
was in the submission folder and nothing of it could be graded: the paths and why), or
missing (nothing there). Missing and unrecognized pairs become results with no tests, a score
of 0 and the reason as their error, marked by their `status`, so that every export has them.
"""
from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from ..grading import SubmissionResult
from ..assignments import ASSIGNMENTS
from ..notebooks import Discovery, NotebookError, read_bytes, safe_name, shown
from ..text import clean

GRADED, ERROR, MISSING, UNRECOGNIZED = "graded", "error", "missing", "unrecognized"


class RosterError(Exception):
    pass


@dataclass
class Roster:
    students: list[str]                       # ids as nbgrader knows them (folder names)
    assignments: list[str] = field(default_factory=list)   # [] when the roster does not say
    source: str = ""


@dataclass
class Unsubmitted(SubmissionResult):
    """An expected (student, assignment) pair that has no graded submission."""

    status: str = MISSING


def status_of(result: SubmissionResult) -> str:
    """graded, error (could not be graded), missing or unrecognized."""
    return getattr(result, "status", None) or (ERROR if result.error else GRADED)


# nbgrader_id first: the roster of `lms` has it beside Canvas's `ID` and `Student` (a name)
ID_COLUMNS = ("nbgrader_id", "id", "student_id", "student")


def read_roster(path: Path) -> Roster:
    """The roster in `path`: nbgrader's gradebook (a SQLite file) or a list of ids."""
    path = Path(path)
    try:
        data = read_bytes(path)
    except NotebookError as exc:
        raise RosterError(str(exc).replace("cannot read", "cannot read the roster", 1)) from None
    if data.startswith(b"SQLite format 3\x00"):
        return _read_gradebook(path)
    text = clean(data.decode("utf-8-sig", errors="replace"))
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    if not lines:
        raise RosterError(f"the roster {shown(str(path))} lists no student")
    if "," in lines[0]:
        rows = list(csv.reader(io.StringIO("\n".join(lines))))
        header = [h.strip().lower().replace(" ", "_") for h in rows[0]]
        column = next((header.index(c) for c in ID_COLUMNS if c in header), None)
        if column is None:
            raise RosterError(f"the roster {shown(str(path))} is a CSV without an id column "
                              f"(its header has none of {', '.join(ID_COLUMNS)})")
        ids = [row[column].strip() for row in rows[1:] if len(row) > column]
    else:
        ids = [line.strip() for line in lines]
    students = list(dict.fromkeys(i for i in ids if i))
    if not students:
        raise RosterError(f"the roster {shown(str(path))} lists no student")
    return Roster(students, [], shown(str(path)))


def _read_gradebook(path: Path) -> Roster:
    from nbgrader.api import Gradebook   # only here: importing nbgrader takes a second

    try:
        with Gradebook(f"sqlite:///{os.path.abspath(path)}") as gb:
            students = [clean(s.id) for s in gb.students]
            assignments = [clean(a.name) for a in gb.assignments]
    except Exception as exc:   # nbgrader raises many kinds on a file it cannot use
        raise RosterError(f"cannot read nbgrader's gradebook {shown(str(path))}: "
                          f"{type(exc).__name__}: {exc}") from None
    order = {a: i for i, a in enumerate(ASSIGNMENTS)}
    assignments.sort(key=lambda a: (order.get(a, len(order)), a))
    return Roster(students, assignments, f"nbgrader's gradebook {shown(str(path))}")


def _covers(path: Path, folder: Path) -> bool:
    """Whether a run given `path` grades what is in `folder` (or part of it)."""
    return path == folder or path in folder.parents or folder in path.parents


def expected(roster: Roster, discovery: Discovery, paths: list[str], tree: Path
             ) -> list[tuple[str, str, Path]]:
    """The (student, assignment, folder) pairs this run is expected to grade: the roster's
    students, and the assignments (the roster's, if it lists them) with a folder in the tree
    for some student, or graded in this run, whose submission folder tree/<student>/<id>
    a path of the run covers (so that a run over one student's folder expects only that
    student). Students are given by the id they are reported under."""
    tree = Path(os.path.abspath(tree))
    seen = {f.assignment for f in discovery.found if f.student is not None}
    seen |= {s.assignment for s in discovery.skipped if s.assignment}
    try:
        for student in os.scandir(tree):
            if student.is_dir(follow_symlinks=False):
                seen |= {e.name for e in os.scandir(student.path)
                         if e.name in ASSIGNMENTS}
    except OSError:
        pass
    # the gradebook's assignments (`course-setup` registers all of them before the first is
    # released) that were collected: one nobody has submitted yet is not due
    assignments = [a for a in roster.assignments or ASSIGNMENTS if a in seen]
    covered = [Path(os.path.abspath(p)) for p in paths]
    pairs = []
    for student in roster.students:
        for assignment in assignments:
            folder = tree / student / assignment
            if any(_covers(p, folder) for p in covered):
                pairs.append((discovery.students.get(student, safe_name(student)), assignment,
                              folder))
    return pairs


def account(results: list[SubmissionResult], discovery: Discovery,
            pairs: Iterable[tuple[str, str, Path]], max_scores: dict[str, float]
            ) -> list[Unsubmitted]:
    """A result for every expected pair without a graded one (missing), and for every
    submission folder in which nothing was graded (unrecognized, whether or not its student
    is on the roster); `max_scores` gives each assignment's points."""
    have = {(r.student, r.assignment) for r in results if r.student}
    out = []
    for (student, assignment), skipped in sorted(discovery.unrecognized().items()):
        reasons: dict[str, list[str]] = {}
        for s in skipped:
            reasons.setdefault(s.reason, []).append(s.path)
        why = "; ".join(f"{', '.join(paths)}: {reason}" for reason, paths in reasons.items())
        out.append(Unsubmitted(student, assignment, str(Path(skipped[0].path).parent),
                               max_score=max_scores.get(assignment, 0.0),
                               error=f"nothing in the submission folder could be graded: {why}",
                               status=UNRECOGNIZED))
        have.add((student, assignment))
    for student, assignment, folder in pairs:
        if (student, assignment) not in have:
            have.add((student, assignment))
            folder = _relative(folder)
            out.append(Unsubmitted(student, assignment, shown(str(folder)),
                                   max_score=max_scores.get(assignment, 0.0),
                                   error=f"missing: no submission in {shown(str(folder))}",
                                   status=MISSING))
    return out


def _relative(path: Path) -> Path:
    """`path` from the current folder when it is below it (as the paths of a run are shown)."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def unlisted(results: Iterable[SubmissionResult], roster: Roster,
             discovery: Discovery) -> list[str]:
    """Students graded in this run who are not on the roster (ids as reported)."""
    known = {discovery.students.get(s, safe_name(s)) for s in roster.students}
    return sorted({r.student for r in results if r.student and r.student not in known})

