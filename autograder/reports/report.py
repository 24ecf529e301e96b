"""Reporting: the score table, the class summary, JSON, CSV and Gradescope's results.json.

Text from submissions is shown escaped (see text.py): `one_line` in table rows and summary
rows; messages (errors, a test's detail lines) line by line, each `one_line` and indented
under what it belongs to, so that no line of a message can pass for a row; `multi_line`
where a message keeps its lines (the CSV's error, Gradescope's outputs).
The JSON files are strict and ASCII (`text.dumps`).
"""
from __future__ import annotations

import csv
import json
import math
import os
import re
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from ..grading import PASSED, SubmissionResult
from ..assignments import ASSIGNMENTS
from .roster import MISSING, UNRECOGNIZED
from .roster import status_of as _status
from ..text import SafeCsvWriter, dumps, multi_line, one_line, spreadsheet_safe, summarised

_MARK = {"passed": "PASS", "failed": "FAIL", "error": "ERROR", "timeout": "TIMEOUT"}


def _points(x: float) -> str:
    return f"{x:g}"


def _heading(r: SubmissionResult) -> str:
    who = f"{one_line(r.student)}: " if r.student else ""
    return f"{who}{one_line(r.assignment)}  ({one_line(r.path)}{saved_at(r.path)})"


def _lines(text: str) -> list[str]:
    """`text` as lines in which nothing acts on the terminal (shown indented under what
    they belong to: no line of it can pass for a line of the table)."""
    return [one_line(line) for line in text.replace("\r\n", "\n").strip().split("\n")]


def saved_at(path: str) -> str:
    """', saved 2026-11-30 14:05:09': when the graded file was last written (grading reads the
    file on disk, so unsaved work in an open notebook is not in it); '' if unknown."""
    try:
        mtime = os.stat(path).st_mtime
    except (OSError, ValueError, TypeError):
        return ""
    return ", saved " + time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(mtime))


def score_table(results: Iterable[SubmissionResult], detail_lines: int = 1) -> str:
    lines = []
    for r in results:
        lines.append(_heading(r))
        if _status(r) in (MISSING, UNRECOGNIZED):
            first, *rest = _lines(r.error or "")
            lines.append(f"  {_status(r).upper()}, 0/{_points(r.max_score)}: {first}")
            lines.extend(f"    {text}" for text in rest)
            lines.append("")
            continue
        if r.error:
            first, *rest = _lines(r.error)
            lines.append(f"  could not be graded: {first}")
            lines.extend(f"    {text}" for text in rest)
        for w in summarised(r.warnings):
            lines.append(f"  note: {one_line(w)}")
        names = {t.name: one_line(t.name) for t in r.tests}
        width = max((len(name) for name in names.values()), default=0)
        for t in r.tests:
            score = f"{_points(t.score)}/{_points(t.max_score)}"
            mark = _MARK.get(t.status, one_line(t.status.upper()))
            lines.append(f"  {mark:<8}{score:>7}  {names[t.name]:<{width}}")
            if t.status != PASSED and t.output:
                for text in _lines(t.output)[:detail_lines]:
                    lines.append(f"{'':19}{text}")
        lines.append(f"  {'total':<8}{_points(r.score) + '/' + _points(r.max_score):>7}")
        lines.append("")
    return "\n".join(lines)


@dataclass
class TestStats:
    __test__ = False   # not a pytest test class

    name: str
    max_score: float
    passed: int = 0
    graded: int = 0

    @property
    def percent(self) -> float:
        return 100.0 * self.passed / self.graded if self.graded else 0.0


@dataclass
class AssignmentStats:
    """One assignment across the class: every number is over the `graded` submissions; the
    `ungraded` ones (could not be graded, missing, unrecognized) are left out of them, and
    the summary says so."""

    assignment: str
    graded: int
    max_score: float
    mean: float
    median: float
    mean_percent: float
    median_percent: float
    tests: list[TestStats] = field(default_factory=list)
    ungraded: int = 0


def _percent(score: float, max_score: float) -> float:
    return 100.0 * score / max_score if max_score else 0.0


def _course_order(assignment: str) -> tuple[int, str]:
    return (ASSIGNMENTS.index(assignment) if assignment in ASSIGNMENTS else len(ASSIGNMENTS),
            assignment)


def class_statistics(results: Iterable[SubmissionResult]) -> list[AssignmentStats]:
    """Per assignment, in course order: mean and median score, and each test's pass rate.

    Submissions that could not be graded (`error` set; missing and unrecognized ones too)
    are left out of every number and counted in `ungraded`: `class_summary` says so next to
    the numbers and lists them on their own.
    """
    by_assignment: dict[str, list[SubmissionResult]] = {}
    for r in results:
        by_assignment.setdefault(r.assignment, []).append(r)
    stats = []
    for assignment in sorted(by_assignment, key=_course_order):
        every = by_assignment[assignment]
        graded = [r for r in every if not r.error]
        if not graded:
            continue
        top = max(r.max_score for r in graded)
        scores = [r.score for r in graded]
        percents = [_percent(r.score, r.max_score) for r in graded]
        tests: dict[str, TestStats] = {}
        for r in graded:
            for t in r.tests:
                entry = tests.setdefault(t.name, TestStats(t.name, t.max_score))
                entry.graded += 1
                entry.passed += t.status == PASSED
        stats.append(AssignmentStats(
            assignment=assignment, graded=len(graded), max_score=top,
            mean=statistics.fmean(scores), median=statistics.median(scores),
            mean_percent=statistics.fmean(percents), median_percent=statistics.median(percents),
            tests=list(tests.values()), ungraded=len(every) - len(graded)))
    return stats


def _number(x: float) -> str:
    return f"{x:.4g}" if x != round(x) else f"{x:g}"


def class_summary(results: Iterable[SubmissionResult], not_on_roster: Iterable[str] = ()) -> str:
    """The class at a glance: counts, mean and median per assignment, per-test pass rates,
    and the submissions that could not be graded with their errors. `not_on_roster`: the
    students graded who are not on the roster, named at the top and left out of the
    statistics (a test account, a dropped student, a misnamed folder is not the class)."""
    results = list(results)
    absent = [r for r in results if _status(r) in (MISSING, UNRECOGNIZED)]
    ungraded = [r for r in results if r.error and r not in absent]
    handed_in = len(results) - len(absent)
    head = f"Class summary: {handed_in - len(ungraded)} of {handed_in} submissions graded"
    if ungraded:
        head += f", {len(ungraded)} could not be graded"
    for status in (MISSING, UNRECOGNIZED):
        count = sum(_status(r) == status for r in absent)
        if count:
            head += f", {count} {status}"
    lines = [head, ""]
    strangers = list(not_on_roster)
    if strangers:
        lines[1:1] = [f"NOT ON THE ROSTER, graded but left out of the means, medians and "
                      f"pass rates below: {len(strangers)} students "
                      f"({', '.join(map(one_line, strangers))})"]
    outside = set(strangers)
    for s in class_statistics([r for r in results if r.student not in outside]):
        top = _points(s.max_score)
        lines.append(f"{one_line(s.assignment)}: {s.graded} graded, out of {top} points")
        if s.ungraded:
            lines.append(f"  ({s.ungraded} not graded, listed below: left out of the mean, "
                         f"the median and the pass rates)")
        lines.append(f"  mean    {_number(s.mean)}/{top} ({s.mean_percent:.1f}%)")
        lines.append(f"  median  {_number(s.median)}/{top} ({s.median_percent:.1f}%)")
        names = {t.name: one_line(t.name) for t in s.tests}
        width = max([len(name) for name in names.values()] + [len("test")])
        lines.append(f"  {'test':<{width}}  {'points':>6}  {'passed':>9}  {'rate':>6}")
        for t in s.tests:
            rate = f"{t.passed}/{t.graded}"
            lines.append(f"  {names[t.name]:<{width}}  {_points(t.max_score):>6}  {rate:>9}  "
                         f"{t.percent:5.1f}%")
        lines.append("")
    for title, group in (("Could not be graded:", ungraded),
                         ("Unrecognized (nothing in the submission folder could be graded):",
                          [r for r in absent if _status(r) == UNRECOGNIZED]),
                         ("Missing (no submission):",
                          [r for r in absent if _status(r) == MISSING])):
        if group:
            lines.append(title)
            for r in group:
                lines.append(f"  {_heading(r)}")
                lines.extend(f"    {text}" for text in _lines(r.error or ""))
            lines.append("")
    return "\n".join(lines)


class OutputError(Exception):
    """An output file that exists and is not one this grader wrote: never overwritten."""


def _key(entry_student, entry_assignment, entry_path) -> tuple:
    """What a regrade replaces: a student's assignment; without a student id, the file."""
    return (entry_student, entry_assignment) if entry_student else ("", entry_path)


def _existing_json(path: Path) -> dict | None:
    """The results already in `path` (None if there is no such file); OutputError if it is
    not the JSON of `grade --json`."""
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise OutputError(f"{one_line(str(path))} exists and is not the JSON of `grade --json` "
                          f"({exc}); not overwritten: choose another file or move it") from None
    if not (isinstance(data, dict) and isinstance(data.get("submissions"), list)
            and all(isinstance(e, dict) for e in data["submissions"])):
        raise OutputError(f"{one_line(str(path))} exists and is not the JSON of `grade --json`; "
                          "not overwritten: choose another file or move it")
    return data


def _existing_csv(path: Path) -> tuple[list[str], list[dict]] | None:
    if not path.exists():
        return None
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise OutputError(f"{one_line(str(path))} exists and cannot be read ({exc}); not "
                          "overwritten: choose another file or move it") from None
    header = rows[0] if rows else []
    if header[-3:] == ["score", "max_score", "error"]:   # written before the status column
        header = header[:-1] + ["status", "error"]
        rows = [header] + [row[:-1] + ["error" if row[-1] else "graded", row[-1]]
                           if len(row) == len(rows[0]) else row for row in rows[1:]]
    if header[:3] != CSV_HEAD or header[-4:] != CSV_TAIL:
        raise OutputError(f"{one_line(str(path))} exists and is not a CSV of `grade --csv` (is it "
                          "nbgrader's `export`?); not overwritten: choose another file")
    return header, [dict(zip(header, row)) for row in rows[1:]]


def check_output(path: Path, kind: str) -> bool:
    """Before grading: True if `path` holds earlier results to merge into, False if it does
    not exist; OutputError if it exists and is not this grader's `kind` ("json" or "csv")."""
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"--{kind} needs a file, but {one_line(str(path))} is a folder")
    return (_existing_json(path) if kind == "json" else _existing_csv(path)) is not None


@dataclass
class Merged:
    """What writing into an existing file did: rows replaced (regraded) and rows kept."""

    replaced: int = 0
    kept: int = 0
    merged: bool = False


def result_dict(r: SubmissionResult) -> dict:
    return {**r.to_dict(), "status": _status(r)}


def write_json(results: list[SubmissionResult], path: Path, skipped: Iterable = (),
               renamed: Iterable[tuple[str, str]] = (), merge: bool = False,
               not_on_roster: Iterable[str] = ()) -> Merged:
    """Every result, with its `status` (graded, error, missing, unrecognized); and the files
    found but not graded (`skipped`: notebooks.Skipped), the student ids made safe as
    file names (`renamed`: (id as shown, id used)) and the students graded who are not on
    the roster (`not_on_roster`, when there are any).

    With `merge`, into the results already in `path`: the entries of the (student,
    assignment) pairs graded now (for a notebook without a student id: its path) are
    replaced, the others kept, in their order, the new ones after them; the skipped files
    and renamed ids of both runs are kept, without repeats. OutputError if `path` exists and
    is not such a file."""
    path = Path(path)
    data = {"submissions": [result_dict(r) for r in results],
            "skipped": [{"path": s.path, "reason": s.reason} for s in skipped],
            "renamed_students": [{"id": raw, "reported_as": used} for raw, used in renamed]}
    strangers = sorted(set(not_on_roster))
    done = Merged()
    old = _existing_json(path) if merge else None
    if old is not None:
        new_keys = {_key(e["student"], e["assignment"], e["path"]) for e in data["submissions"]}
        kept = [e for e in old["submissions"]
                if _key(e.get("student"), e.get("assignment"), e.get("path")) not in new_keys]
        done = Merged(len(old["submissions"]) - len(kept), len(kept), True)
        data["submissions"] = kept + data["submissions"]
        for name in ("skipped", "renamed_students"):
            earlier = [e for e in old.get(name) or [] if isinstance(e, dict)]
            data[name] = earlier + [e for e in data[name] if e not in earlier]
        regraded = {e["student"] for e in data["submissions"][len(kept):]}
        strangers = sorted(set(strangers) | {s for s in old.get("not_on_roster") or []
                                             if isinstance(s, str) and s not in regraded})
    if strangers:
        data["not_on_roster"] = strangers
    path.write_text(dumps(data), encoding="ascii")
    return done


def apply_late_policy(results: list[SubmissionResult], policy,
                      submitted: Path | None = None) -> int:
    """Score each result under a late policy (reports.late): `raw_score`, `late_penalty`
    and `days_late` set, `score` becomes the final score. Returns the number penalised.
    A submission whose timestamp.txt cannot be read is not penalised and gets `late_error`
    (see late.apply_policy)."""
    from .late import apply_policy
    rows = apply_policy([r.to_dict() for r in results], policy, submitted)
    for r, row in zip(results, rows):
        r.raw_score, r.late_penalty = row.late.raw, row.late.penalty
        r.days_late, r.score = row.late.days_late, row.late.final
        r.late_error = row.late.problem or None
    return sum(1 for row in rows if row.late.penalty > 0)


def column_names(results: list[SubmissionResult]) -> list[str]:
    columns: list[str] = []
    for r in results:
        for t in r.tests:
            if t.name not in columns:
                columns.append(t.name)
    return columns


CSV_HEAD = ["student", "assignment", "path"]
# with a late policy only; late_error: why the submission was not judged late (a
# timestamp.txt that could not be read)
CSV_LATE = ["raw_score", "late_penalty", "days_late", "late_error"]
CSV_TAIL = ["score", "max_score", "status", "error"]


def write_csv(results: list[SubmissionResult], path: Path, merge: bool = False) -> Merged:
    """One row per student and assignment, one column per test, then the totals (with a
    late policy: raw score, penalty and days late before the final score), the status
    (graded, error, missing, unrecognized) and the error.

    Names and paths are written `one_line`, errors `multi_line`: escaped, never failing; and
    every cell `spreadsheet_safe` (a student id such as `+1+1` cannot run as a formula), as
    the rows already in the file were, so a regrade finds them by the same text.
    With `merge`, into the rows already in `path` as write_json merges (their test columns
    kept, new ones added after them). OutputError if `path` exists and is not such a file."""
    path = Path(path)
    columns = [spreadsheet_safe(one_line(c)) for c in column_names(results)]
    late = any(r.raw_score is not None for r in results)
    rows = []
    for r in results:
        scores = {spreadsheet_safe(one_line(t.name)): _points(t.score) for t in r.tests}
        penalty = (_points(r.raw_score), _points(r.late_penalty), str(r.days_late),
                   multi_line(r.late_error or "")) \
            if r.raw_score is not None else ("", "", "", "")
        cells = [one_line(r.student or ""), one_line(r.assignment), one_line(r.path),
                 *(scores.get(c, "") for c in columns), *penalty,
                 _points(r.score), _points(r.max_score), _status(r), multi_line(r.error or "")]
        rows.append(dict(zip(CSV_HEAD + columns + CSV_LATE + CSV_TAIL,
                             map(spreadsheet_safe, cells))))
    done = Merged()
    old = _existing_csv(path) if merge else None
    if old is not None:
        header, old_rows = old
        new_keys = {_key(r["student"], r["assignment"], r["path"]) for r in rows}
        kept = [r for r in old_rows
                if _key(r.get("student"), r.get("assignment"), r.get("path")) not in new_keys]
        done = Merged(len(old_rows) - len(kept), len(kept), True)
        late = late or any(c in header for c in CSV_LATE)
        old_columns = [c for c in header[len(CSV_HEAD):] if c not in CSV_LATE + CSV_TAIL]
        columns = old_columns + [c for c in columns if c not in old_columns]
        rows = kept + rows
    header = CSV_HEAD + columns + (CSV_LATE if late else []) + CSV_TAIL
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = SafeCsvWriter(fh)
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(c, "") for c in header])
    return done


# Gradescope's visibilities of a test (or of the whole results), from its results.json spec.
GRADESCOPE_VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")
HIDDEN_VISIBILITY = "after_due_date"   # hidden tests' default: results after the due date


def _hidden_test_line(status: str) -> str:
    """What a hidden test shown at once says: its verdict, never its inputs or expected values."""
    if status == PASSED:
        return "Hidden test passed."
    return "Hidden test failed. Its inputs and expected values are not shown."


def gradescope_results(result: SubmissionResult,
                       hidden_visibility: str = HIDDEN_VISIBILITY,
                       execution_time: float | None = None) -> dict:
    """Gradescope's results.json for one submission.

    Public tests are visible with their full messages. Hidden tests get `hidden_visibility`:
    with `after_due_date` (the default), `after_published` or `hidden`, Gradescope shows a
    hidden test (name, points and full message) only then, or never; with `visible` it is
    shown at once with its verdict and points and one generic line, never its message,
    which names the hidden inputs and expected values.

    While hidden tests are held back, nothing the student sees depends on their results:
    the top-level output gives the public tests' points only (and the hidden tests' number
    and points, the same for everyone), and the top level gets the hidden tests' visibility
    (Gradescope's documented way to hold back everything but the tests marked visible; and
    "if test cases are hidden, students will not be able to see their total score"). The
    top-level `score` is the total, hidden tests included: Gradescope's grade.
    `execution_time`: the grading's wall time in seconds (Gradescope's field, whole seconds).
    """
    if hidden_visibility not in GRADESCOPE_VISIBILITIES:
        raise ValueError(f"unknown Gradescope visibility {hidden_visibility!r}")
    tests = []
    for t in result.tests:
        status = "passed" if t.status == PASSED else "failed"
        output, visibility = t.output, "visible"
        if t.hidden:
            visibility = hidden_visibility
            if visibility == "visible":
                output = _hidden_test_line(t.status)
        tests.append({"name": one_line(t.name), "score": t.score, "max_score": t.max_score,
                      "status": status, "output": multi_line(output), "visibility": visibility})
    held = [t for t in result.tests if t.hidden and hidden_visibility != "visible"]
    top_visibility = "visible"
    if result.error:
        output = f"Your notebook could not be graded: {multi_line(result.error)}"
    elif held:
        public = [t for t in result.tests if not t.hidden]
        when = {"after_due_date": "shown after the due date",
                "after_published": "shown when grades are published"}.get(
            hidden_visibility, "which are not shown")
        output = (f"{one_line(result.assignment)}: public tests "
                  f"{_points(sum(t.score for t in public))}/"
                  f"{_points(sum(t.max_score for t in public))} (with {len(held)} hidden "
                  f"test{'s' * (len(held) != 1)} worth "
                  f"{_points(sum(t.max_score for t in held))} points, {when}; so is your "
                  f"total)")
        top_visibility = hidden_visibility
    else:
        output = (f"{one_line(result.assignment)}: "
                  f"{_points(result.score)}/{_points(result.max_score)}")
    results = {"score": result.score, "output": output, "visibility": top_visibility,
               "stdout_visibility": "hidden", "tests": tests}
    if execution_time is not None:
        results["execution_time"] = max(0, math.ceil(execution_time))
    return results


GRADESCOPE_METADATA_BYTES = 64 * 2 ** 20   # it holds the previous submissions' results


def gradescope_submission(path: Path | None) -> tuple[str, str | None]:
    """The id a Gradescope submission is graded under, from Gradescope's
    submission_metadata.json (its documented `id`, unique per submission): hidden tests draw
    their cases from it (checks.core.hidden_seed), so each submission gets its own, a regrade
    of it the same, and what one submission learns of its hidden cases fits no other. Without
    a readable id: a random one, and a note saying so (never one shared by everybody)."""
    import secrets
    from ..notebooks import NotebookError, read_bytes
    problem = "no submission_metadata.json"
    if path is not None and os.path.lexists(path):
        try:
            data = json.loads(read_bytes(path, limit=GRADESCOPE_METADATA_BYTES,
                                         what="submission_metadata.json"))
            ident = data.get("id") if isinstance(data, dict) else None
            if isinstance(ident, bool) or not isinstance(ident, (int, str)) \
                    or not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", str(ident)):
                problem = f"{path} has no submission id"
            else:
                return f"gradescope-{ident}", None
        except (NotebookError, ValueError, RecursionError) as exc:
            problem = f"{path} cannot be read ({one_line(str(exc))[:200]})"
    return (f"gradescope-unknown-{secrets.token_hex(8)}",
            f"{problem}: the hidden tests draw random cases for this submission")


def write_gradescope(result: SubmissionResult, path: Path,
                     hidden_visibility: str = HIDDEN_VISIBILITY,
                     execution_time: float | None = None) -> None:
    Path(path).write_text(dumps(gradescope_results(result, hidden_visibility, execution_time)),
                          encoding="ascii")
