"""Grades an LMS takes: `python -m backprop_lab lms canvas|plain --results grades.json ...`.

Reads the JSON that `grade --json` writes and writes one row per student, one column per
assignment, with 0 for work that is missing or could not be graded, and reports every
student and submission it could not place: nothing is left out without a word.

With nbgrader's gradebook (the course's, when there is one), the scores are the final ones
with the course's manual overrides: a test score a person set in formgrader (a manual score
that `gradebook --write` did not write) replaces ours, extra credit is added, and a late
penalty is taken from the total. Each override is listed on the terminal and in a CSV beside
the output (`<out>-overrides.csv`); `plain` also says so in its `notes` column. Canvas's file
carries no such column: Canvas makes an assignment of every column it does not know.

- `canvas`: the CSV that Canvas's gradebook import takes. Its leading columns are Student, ID,
  SIS User ID, SIS Login ID and Section (Canvas finds the student by ID, then SIS User ID,
  then SIS Login ID, then name); a second row whose first cell is "Points Possible" gives each
  column's points; each assignment is a column named by its title (a name Canvas does not know
  becomes a new assignment; a name it knows updates that one). Students come from a roster.
- `plain`: nbgrader_id, lms_id, name, then one column per assignment (Moodle and others map
  the columns on import). Without a roster, the students of the results.

The roster is a CSV with a header row: `nbgrader_id` (the student folder in submitted/) and
Canvas's columns `Student`, `ID`, `SIS User ID`, `SIS Login ID`, `Section` (any may be empty
except that each student needs one of ID, SIS User ID, SIS Login ID for Canvas). A Canvas
gradebook export with an added `nbgrader_id` column is such a roster: its other columns,
the "Points Possible" row and rows without an nbgrader_id (Canvas's Test Student) are skipped,
and the rows without an id are reported.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from ..assignments import ASSIGNMENTS
from ..options import OUTPUT
from ..text import SafeCsvWriter, one_line, spreadsheet_safe
from . import late as late_policy

CANVAS_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
POINTS_POSSIBLE = "Points Possible"
ROSTER_ID = "nbgrader_id"


class LmsError(Exception):
    """A results file or roster that cannot be used; the message says which and why."""


@dataclass(frozen=True)
class RosterEntry:
    nbgrader_id: str
    name: str = ""
    canvas_id: str = ""
    sis_user_id: str = ""
    sis_login_id: str = ""
    section: str = ""

    @property
    def lms_id(self) -> str:
        return self.sis_login_id or self.sis_user_id or self.canvas_id

    def canvas_cells(self) -> list[str]:
        return [self.name, self.canvas_id, self.sis_user_id, self.sis_login_id, self.section]


@dataclass
class Roster:
    entries: list[RosterEntry]
    skipped: list[str] = field(default_factory=list)   # rows without an nbgrader_id


@dataclass(frozen=True)
class Cell:
    """One student's grade for one assignment."""

    score: float
    status: str            # "graded", "missing" (no submission) or "ungraded" (error)
    raw: float | None = None        # before a late penalty (None: no late policy)
    penalty: float = 0.0
    override: str = ""     # what a person changed in nbgrader's gradebook ("" : nothing)


@dataclass
class Gradebook:
    """What goes into an LMS file, and what could not be placed."""

    assignments: list[str]
    points: dict[str, float]
    students: list[RosterEntry]
    grades: dict[tuple[str, str], Cell]           # (nbgrader_id, assignment) -> cell
    unmatched: list[dict] = field(default_factory=list)    # results of students not on the roster
    duplicates: list[dict] = field(default_factory=list)   # results that were replaced by a later one
    notes: list[str] = field(default_factory=list)

    def missing(self) -> list[tuple[str, str]]:
        return [key for key, cell in self.grades.items() if cell.status == "missing"]

    def overridden(self) -> list[tuple[str, str]]:
        return [key for key, cell in self.grades.items() if cell.override]

    def ungraded(self) -> list[tuple[str, str]]:
        return [key for key, cell in self.grades.items() if cell.status == "ungraded"]


def _clean(text: str | None) -> str:
    return (text or "").strip()


def read_roster(path: str | Path) -> Roster:
    """The roster CSV (see the module docstring); LmsError on a file that cannot be used."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise LmsError(f"cannot read the roster {path}: {exc}") from None
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        raise LmsError(f"the roster {path} is empty")
    header = [_clean(h).lower() for h in rows[0]]
    if ROSTER_ID not in header and "id" in header and "student" not in header:
        return _nbgrader_students(path, header, rows)
    if ROSTER_ID not in header:
        raise LmsError(f"the roster {path} has no '{ROSTER_ID}' column (its header: "
                       f"{', '.join(rows[0])})")
    index = {name: header.index(name.lower()) for name in (ROSTER_ID, *CANVAS_COLUMNS)
             if name.lower() in header}

    def get(row: list[str], name: str) -> str:
        i = index.get(name)
        return _clean(row[i]) if i is not None and i < len(row) else ""

    entries, skipped = [], []
    for nb_id, row in _rows_with_ids(path, rows[1:], lambda row: get(row, ROSTER_ID),
                                     lambda row: get(row, "Student") or ", ".join(row),
                                     skipped, ignore=lambda row: get(row, "Student")
                                     .startswith(POINTS_POSSIBLE)):
        entries.append(RosterEntry(nb_id, get(row, "Student"), get(row, "ID"),
                                   get(row, "SIS User ID"), get(row, "SIS Login ID"),
                                   get(row, "Section")))
    return Roster(entries, skipped)


def _rows_with_ids(path: Path, rows: list[list[str]], id_of, describe, skipped: list[str],
                   ignore=lambda row: False):
    """(id, row) of each roster row after the header that is not empty or ignored, in order; a
    row without an id goes to `skipped` with its line number, an id listed twice refuses the
    roster."""
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=2):
        if not any(_clean(c) for c in row) or ignore(row):
            continue
        nb_id = id_of(row)
        if not nb_id:
            skipped.append(f"line {number}: {describe(row)}")
            continue
        if nb_id in seen:
            raise LmsError(f"the roster {path} lists {nb_id} twice (lines {seen[nb_id]} "
                           f"and {number})")
        seen[nb_id] = number
        yield nb_id, row


def _nbgrader_students(path: Path, header: list[str], rows: list[list[str]]) -> Roster:
    """nbgrader's student CSV (what `nbgrader db student import` takes): `id` is the
    student's folder, `lms_user_id` Canvas's ID, the name "last, first"."""
    def get(row: list[str], name: str) -> str:
        i = header.index(name) if name in header else None
        return _clean(row[i]) if i is not None and i < len(row) else ""

    entries, skipped = [], []
    for nb_id, row in _rows_with_ids(path, rows[1:], lambda row: get(row, "id"),
                                     lambda row: ", ".join(row), skipped):
        first, last = get(row, "first_name"), get(row, "last_name")
        name = f"{last}, {first}" if first and last else first or last
        entries.append(RosterEntry(nb_id, name, get(row, "lms_user_id"), "", "", ""))
    return Roster(entries, skipped)


def load_results(path: str | Path) -> list[dict]:
    """The submissions of `grade --json`, checked for the fields used here."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise LmsError(f"cannot read the results {path}: {exc}") from None
    subs = data.get("submissions") if isinstance(data, dict) else None
    if not isinstance(subs, list):
        raise LmsError(f"{path} is not the JSON of `grade --json` (no list 'submissions')")
    for i, sub in enumerate(subs):
        if not (isinstance(sub, dict) and isinstance(sub.get("assignment"), str)
                and isinstance(sub.get("score"), (int, float))
                and isinstance(sub.get("max_score"), (int, float))):
            raise LmsError(f"{path}: submission {i} lacks an assignment, score or max_score")
    return subs


def _course_order(assignment: str) -> tuple[int, str]:
    return (ASSIGNMENTS.index(assignment) if assignment in ASSIGNMENTS else len(ASSIGNMENTS),
            assignment)


def _cell(r: dict, late_row, override) -> Cell:
    """A result's cell: its status as the JSON says (a missing pair is missing, not
    "could not be graded"), its final score with a person's overrides (gradebook.Override)."""
    status = r.get("status")
    status = "missing" if status == "missing" else \
        "ungraded" if (r.get("error") or status in ("error", "unrecognized")) else "graded"
    if late_row is not None:
        base, penalty, final = late_row.late.raw, late_row.late.penalty, late_row.late.final
    else:   # the JSON's final score, and its raw score and penalty when graded with a policy
        base = float(r["raw_score"] if r.get("raw_score") is not None else r["score"])
        penalty, final = float(r.get("late_penalty") or 0.0), float(r["score"])
    shown = (late_row.late.raw, late_row.late.penalty) if late_row is not None else (None, 0.0)
    if override is None:
        return Cell(0.0 if status != "graded" else final, status, *shown)
    base += sum(theirs - (ours or 0.0) for ours, theirs in override.tests.values())
    base += override.extra_credit
    return Cell(max(0.0, base - penalty), "graded",
                base if late_row is not None else None, shown[1], override.describe())


def build_gradebook(results: Iterable[dict], roster: Roster | None = None,
                    late: list[late_policy.LateRow] | None = None,
                    overrides: dict | None = None) -> Gradebook:
    """Place each result in the student x assignment grid.

    With a roster, its students in its order; results of other students go to `unmatched`.
    Without one, every student of the results (results without a student id are unmatched:
    only an nbgrader tree names the student). Assignments are those of the results, in course
    order; points possible is the largest max_score of an assignment's graded submissions.
    A student and assignment with two results keeps the later one (the later `grade` run
    comes later in a merged file) and lists the other in `duplicates`. `late` (from
    late.apply_policy over the same results, in the same order) replaces scores by final ones.
    `overrides` ((student, assignment) -> gradebook.Override, read from nbgrader's gradebook)
    puts a person's test scores and extra credit in place of ours, before the late penalty.
    """
    results = list(results)
    if late is not None and len(late) != len(results):
        raise LmsError("the late-policy rows do not match the results")
    assignments = sorted({r["assignment"] for r in results}, key=_course_order)
    points: dict[str, float] = {}
    for a in assignments:
        graded = [float(r["max_score"]) for r in results
                  if r["assignment"] == a and not r.get("error")]
        every = graded or [float(r["max_score"]) for r in results if r["assignment"] == a]
        points[a] = max(every)
    notes = []
    for a in assignments:
        scores = {float(r["max_score"]) for r in results
                  if r["assignment"] == a and not r.get("error")}
        if len(scores) > 1:
            notes.append(f"{a}: submissions were graded out of different totals "
                         f"({', '.join(f'{s:g}' for s in sorted(scores))}): some without "
                         f"--hidden? Points Possible is {points[a]:g}")
    if roster is not None:
        students = list(roster.entries)
    else:
        ids = []
        for r in results:
            if r.get("student") and r["student"] not in ids:
                ids.append(r["student"])
        students = [RosterEntry(i) for i in sorted(ids)]
    known = {s.nbgrader_id for s in students}
    grades: dict[tuple[str, str], Cell] = {}
    placed: dict[tuple[str, str], dict] = {}
    unmatched, duplicates = [], []
    for i, r in enumerate(results):
        student = r.get("student")
        if not student or student not in known:
            unmatched.append(r)
            continue
        key = (student, r["assignment"])
        if key in placed:
            duplicates.append(placed[key])
        placed[key] = r
        grades[key] = _cell(r, late[i] if late is not None else None,
                            (overrides or {}).get(key))
    for s in students:
        for a in assignments:
            grades.setdefault((s.nbgrader_id, a), Cell(0.0, "missing"))
    return Gradebook(assignments, points, students, grades, unmatched, duplicates, notes)


def _num(x: float) -> str:
    text = f"{x:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def canvas_rows(book: Gradebook, titles: dict[str, str] | None = None) -> list[list[str]]:
    """The rows of Canvas's gradebook import: header, Points Possible, one per student."""
    titles = titles or {}
    columns = [titles.get(a, a) for a in book.assignments]
    rows = [[*CANVAS_COLUMNS, *columns],
            [POINTS_POSSIBLE, "", "", "", "", *(_num(book.points[a]) for a in book.assignments)]]
    for s in book.students:
        rows.append([*s.canvas_cells(),
                     *(_num(book.grades[(s.nbgrader_id, a)].score) for a in book.assignments)])
    return rows


def plain_rows(book: Gradebook, titles: dict[str, str] | None = None) -> list[list[str]]:
    """nbgrader_id, lms_id, name, one column per assignment; with a late policy, each
    assignment's raw score and penalty follow its final score."""
    titles = titles or {}
    with_late = any(c.raw is not None for c in book.grades.values())
    header = ["nbgrader_id", "lms_id", "name"]
    for a in book.assignments:
        title = titles.get(a, a)
        header += [title, f"{title} raw", f"{title} late penalty"] if with_late else [title]
    with_notes = bool(book.overridden())
    rows = [header + (["notes"] if with_notes else [])]
    for s in book.students:
        row = [s.nbgrader_id, s.lms_id, s.name]
        notes = []
        for a in book.assignments:
            cell = book.grades[(s.nbgrader_id, a)]
            row.append(_num(cell.score))
            if with_late:
                row += [_num(cell.raw if cell.raw is not None else cell.score),
                        _num(cell.penalty)]
            if cell.override:
                notes.append(f"{titles.get(a, a)} overridden in nbgrader: {cell.override}")
        rows.append(row + (["; ".join(notes)] if with_notes else []))
    return rows


def override_rows(book: Gradebook, titles: dict[str, str] | None = None) -> list[list[str]]:
    """One row per overridden grade: who, which assignment, the final score and what a
    person changed in nbgrader's gradebook."""
    titles = titles or {}
    rows = [["nbgrader_id", "assignment", "final score", "overridden in nbgrader"]]
    for student, a in book.overridden():
        cell = book.grades[(student, a)]
        rows.append([student, titles.get(a, a), _num(cell.score), cell.override])
    return rows


# The columns the LMS finds a student by, per format: copied from the roster as they are.
MATCHED_COLUMNS = {"canvas": (1, 2, 3),   # ID, SIS User ID, SIS Login ID
                   "plain": (1,)}         # lms_id


def write_rows(rows: list[list[str]], path: str | Path, keep: Iterable[int] = ()) -> None:
    """Every cell spreadsheet-safe (text.SafeCsvWriter: a name or id such as `=HYPERLINK(...)`
    or `+1+1` gets a leading quote and cannot run as a formula) but for the columns `keep`:
    the ids the LMS matches students by, kept verbatim from the roster (see
    docs/GRADING_DAY.md, "Formulas")."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        SafeCsvWriter(fh, keep).writerows(rows)


def problems(book: Gradebook, roster: Roster | None) -> list[str]:
    """Everything the instructor must know about the file: one line each."""
    lines = list(book.notes)
    for r in book.unmatched:
        who = r.get("student") or "(no student id)"
        where = "on the roster" if roster is not None else "named by the path"
        lines.append(f"NOT IN THE FILE: {who} / {r['assignment']} ({r.get('path', '')}): "
                     f"student not {where}")
    for r in book.duplicates:
        lines.append(f"replaced by a later result: {r.get('student')} / {r['assignment']} "
                     f"({r.get('path', '')})")
    for student, a in book.missing():
        lines.append(f"missing, scored 0: {student} / {a}")
    for student, a in book.overridden():
        lines.append(f"overridden in nbgrader's gradebook: {student} / {a}: "
                     f"{book.grades[(student, a)].override}")
    for student, a in book.ungraded():
        lines.append(f"could not be graded, scored 0: {student} / {a}")
    for text in (roster.skipped if roster else []):
        lines.append(f"roster row without an {ROSTER_ID}, skipped: {text}")
    return lines


def _titles(pairs: list[str]) -> dict[str, str]:
    titles = {}
    for pair in pairs:
        assignment, sep, title = pair.partition("=")
        if not sep or not assignment or not title.strip():
            raise LmsError(f"--title takes ASSIGNMENT=TITLE, not {pair!r}")
        titles[assignment] = title.strip()
    return titles


def add_parser(sub, overrides: Callable[[argparse.Namespace, list[dict]], dict] | None = None
               ) -> None:
    """`overrides(opts, results)`: the manual overrides of nbgrader's gradebook by submission
    (course/gradebook.py's `lms_overrides`, which the CLI passes; None: none)."""
    lms = sub.add_parser("lms", help="write the grades as a CSV that Canvas (or another LMS) "
                                     "imports, from the JSON of `grade --json`")
    lms.add_argument("format", choices=("canvas", "plain"),
                     help="canvas: Canvas's gradebook import; plain: one row per student, "
                          "one column per assignment (Moodle and others)")
    lms.add_argument("--results", type=Path, default=OUTPUT / "grades.json", metavar="FILE",
                     help=f"the JSON written by `grade --json` (default: {OUTPUT}/grades.json)")
    lms.add_argument("--roster", type=Path, metavar="CSV",
                     help="nbgrader_id plus Canvas's Student, ID, SIS User ID, SIS Login ID, "
                          "Section columns (required for canvas)")
    lms.add_argument("--out", type=Path, metavar="FILE",
                     help=f"the CSV to write (default: {OUTPUT}/canvas.csv or plain.csv)")
    lms.add_argument("--title", action="append", default=[], metavar="ASSIGNMENT=TITLE",
                     help="the LMS column name of an assignment (default: its id)")
    lms.add_argument("--late-policy", type=Path, metavar="TOML",
                     help="apply this late policy (see docs/GRADING_DAY.md) to the scores")
    lms.add_argument("--submitted", type=Path, metavar="DIR",
                     help="nbgrader's submitted/ folder, for timestamp.txt (default: the "
                          "folder of each graded notebook)")
    lms.add_argument("--late-csv", type=Path, metavar="FILE",
                     help="also write each submission's time, days late, raw score, penalty "
                          "and final score")
    lms.add_argument("--gradebook", metavar="DB",
                     help="nbgrader's gradebook whose manual overrides and extra credit the "
                          "scores carry: a database URL or an sqlite file (default: the "
                          "course's, if there is one)")
    lms.add_argument("--no-gradebook", action="store_true",
                     help="the scores of --results alone, without the gradebook's overrides")
    lms.add_argument("--course", type=Path, default=Path("."), metavar="DIR",
                     help="the course root, whose gradebook is the default (default: .)")
    lms.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    lms.set_defaults(run=run, overrides=overrides)


def run(opts: argparse.Namespace) -> int:
    try:
        return _run(opts)
    except (LmsError, late_policy.LatePolicyError) as exc:
        print(f"error: {one_line(str(exc))}", file=sys.stderr)
        return 2


def overrides_path(out: Path) -> Path:
    """The CSV of the overrides beside an LMS file: canvas.csv -> canvas-overrides.csv."""
    return out.with_name(out.stem + "-overrides.csv")


def _run(opts: argparse.Namespace) -> int:
    if opts.format == "canvas" and opts.roster is None:
        raise LmsError("canvas needs --roster: Canvas finds students by its own ids")
    if opts.out is None:
        opts.out = OUTPUT / f"{opts.format}.csv"
    if (opts.submitted or opts.late_csv) and not opts.late_policy:
        raise LmsError("--submitted and --late-csv go with --late-policy")
    for out in filter(None, (opts.out, opts.late_csv)):
        if out.exists() and not opts.force:
            raise LmsError(f"{out} exists; use --force to overwrite it")
    titles = _titles(opts.title)
    results = load_results(opts.results)
    roster = read_roster(opts.roster) if opts.roster else None
    late_rows = None
    if opts.late_policy:
        policy = late_policy.load_policy(opts.late_policy)
        late_rows = late_policy.apply_policy(results, policy, opts.submitted)
        if opts.late_csv:
            late_policy.write_late_csv(late_rows, opts.late_csv)
    overrides = getattr(opts, "overrides", None)
    found = overrides(opts, results) if overrides is not None else {}
    book = build_gradebook(results, roster, late_rows, found)
    rows = canvas_rows(book, titles) if opts.format == "canvas" else plain_rows(book, titles)
    opts.out.parent.mkdir(parents=True, exist_ok=True)
    keep = MATCHED_COLUMNS[opts.format] if roster is not None else ()
    write_rows(rows, opts.out, keep)
    for row in rows[1:]:
        for i in keep:
            if i < len(row) and spreadsheet_safe(row[i]) != row[i]:
                print(f"note: {rows[0][i]} {one_line(row[i])!r} starts like a spreadsheet "
                      "formula; kept as the roster has it, since the LMS matches students by "
                      "it (open the file in a text editor, not a spreadsheet)", file=sys.stderr)
    notes = overrides_path(opts.out)
    if book.overridden():
        write_rows(override_rows(book, titles), notes)
    elif notes.exists():
        notes.unlink()   # an earlier run's, no longer true
    for line in problems(book, roster):
        print(one_line(line), file=sys.stderr)
    late_count = sum(1 for r in late_rows or [] if r.late.penalty > 0)
    print(f"wrote {opts.out}: {len(book.students)} students x {len(book.assignments)} "
          f"assignments; {len(book.missing())} missing and {len(book.ungraded())} ungraded "
          f"(scored 0)" + (f", {late_count} late penalties" if late_rows is not None else "")
          + (f", {len(book.overridden())} overridden in nbgrader's gradebook (listed in "
             f"{overrides_path(opts.out)})" if book.overridden() else "")
          + (f"; {len(book.unmatched)} results NOT placed (see above)" if book.unmatched
             else ""))
    return 1 if book.unmatched else 0


def roster_students(path: Path) -> list[dict]:
    """The students of a roster as nbgrader's Student columns (id, first_name, last_name,
    lms_user_id), for `course-setup --roster`: the roster of `lms` (its `Student` name,
    "Last, First" as Canvas writes it, and Canvas's `ID`), else any roster `roster.read_roster`
    takes (ids only). What `nbgrader db student import` would need a CSV with an `id` column
    for."""
    from .roster import read_roster as read_id_roster   # roster.py never imports this module

    try:
        lms_roster = read_roster(path)
    except LmsError:
        lms_roster = None   # not the roster of lms: a list of ids, or nbgrader's gradebook
    if lms_roster is None:
        return [{"id": s} for s in read_id_roster(path).students]
    students = []
    for entry in lms_roster.entries:
        last, sep, first = entry.name.partition(",")
        if not sep:
            first, _, last = entry.name.rpartition(" ")
        students.append({"id": entry.nbgrader_id, "first_name": first.strip() or None,
                         "last_name": last.strip() or None,
                         "lms_user_id": entry.canvas_id or None})
    return students
