"""Reporting: the score table, the class summary, JSON, CSV and Gradescope's results.json.

Text from submissions is shown escaped (see text.py): `one_line` in table rows and summary
rows; messages (errors, a test's detail lines) line by line, each `one_line` and indented
under what it belongs to, so that no line of a message can pass for a row; `multi_line`
where a message keeps its lines (the CSV's error, Gradescope's outputs).
The JSON files are strict and ASCII (`text.dumps`).
"""
from __future__ import annotations

import csv
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .grading import PASSED, SubmissionResult
from .assignments import ASSIGNMENTS
from .text import dumps, multi_line, one_line

_MARK = {"passed": "PASS", "failed": "FAIL", "error": "ERROR", "timeout": "TIMEOUT"}


def _points(x: float) -> str:
    return f"{x:g}"


def _heading(r: SubmissionResult) -> str:
    who = f"{one_line(r.student)}: " if r.student else ""
    return f"{who}{one_line(r.assignment)}  ({one_line(r.path)})"


def _lines(text: str) -> list[str]:
    """`text` as lines in which nothing acts on the terminal (shown indented under what
    they belong to: no line of it can pass for a line of the table)."""
    return [one_line(line) for line in text.replace("\r\n", "\n").strip().split("\n")]


def score_table(results: Iterable[SubmissionResult], detail_lines: int = 1) -> str:
    lines = []
    for r in results:
        lines.append(_heading(r))
        if r.error:
            first, *rest = _lines(r.error)
            lines.append(f"  could not be graded: {first}")
            lines.extend(f"    {text}" for text in rest)
        for w in r.warnings:
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
    """One assignment across the class: over the submissions that could be graded."""

    assignment: str
    graded: int
    max_score: float
    mean: float
    median: float
    mean_percent: float
    median_percent: float
    tests: list[TestStats] = field(default_factory=list)


def _percent(score: float, max_score: float) -> float:
    return 100.0 * score / max_score if max_score else 0.0


def _course_order(assignment: str) -> tuple[int, str]:
    return (ASSIGNMENTS.index(assignment) if assignment in ASSIGNMENTS else len(ASSIGNMENTS),
            assignment)


def class_statistics(results: Iterable[SubmissionResult]) -> list[AssignmentStats]:
    """Per assignment, in course order: mean and median score, and each test's pass rate.

    Submissions that could not be graded (`error` set) are left out of every number: they are
    listed on their own by `class_summary`.
    """
    by_assignment: dict[str, list[SubmissionResult]] = {}
    for r in results:
        if not r.error:
            by_assignment.setdefault(r.assignment, []).append(r)
    stats = []
    for assignment in sorted(by_assignment, key=_course_order):
        graded = by_assignment[assignment]
        scores = [r.score for r in graded]
        percents = [_percent(r.score, r.max_score) for r in graded]
        tests: dict[str, TestStats] = {}
        for r in graded:
            for t in r.tests:
                entry = tests.setdefault(t.name, TestStats(t.name, t.max_score))
                entry.graded += 1
                entry.passed += t.status == PASSED
        stats.append(AssignmentStats(
            assignment=assignment, graded=len(graded),
            max_score=max(r.max_score for r in graded),
            mean=statistics.fmean(scores), median=statistics.median(scores),
            mean_percent=statistics.fmean(percents), median_percent=statistics.median(percents),
            tests=list(tests.values())))
    return stats


def _number(x: float) -> str:
    return f"{x:.4g}" if x != round(x) else f"{x:g}"


def class_summary(results: Iterable[SubmissionResult]) -> str:
    """The class at a glance: counts, mean and median per assignment, per-test pass rates,
    and the submissions that could not be graded with their errors."""
    results = list(results)
    ungraded = [r for r in results if r.error]
    head = f"Class summary: {len(results) - len(ungraded)} of {len(results)} submissions graded"
    if ungraded:
        head += f", {len(ungraded)} could not be graded"
    lines = [head, ""]
    for s in class_statistics(results):
        top = _points(s.max_score)
        lines.append(f"{one_line(s.assignment)}: {s.graded} graded, out of {top} points")
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
    if ungraded:
        lines.append("Could not be graded:")
        for r in ungraded:
            lines.append(f"  {_heading(r)}")
            lines.extend(f"    {text}" for text in _lines(r.error))
        lines.append("")
    return "\n".join(lines)


def write_json(results: list[SubmissionResult], path: Path, skipped: Iterable = (),
               renamed: Iterable[tuple[str, str]] = ()) -> None:
    """Every result; and the files found but not graded (`skipped`: notebooks.Skipped) and
    the student ids made safe as file names (`renamed`: (id as shown, id used))."""
    data = {"submissions": [r.to_dict() for r in results],
            "skipped": [{"path": s.path, "reason": s.reason} for s in skipped],
            "renamed_students": [{"id": raw, "reported_as": used} for raw, used in renamed]}
    Path(path).write_text(dumps(data), encoding="ascii")


def column_names(results: list[SubmissionResult]) -> list[str]:
    columns: list[str] = []
    for r in results:
        for t in r.tests:
            if t.name not in columns:
                columns.append(t.name)
    return columns


def write_csv(results: list[SubmissionResult], path: Path) -> None:
    """One row per student and assignment, one column per test, then the totals.

    Names and paths are written `one_line`, errors `multi_line`: escaped, never failing."""
    columns = column_names(results)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["student", "assignment", "path", *map(one_line, columns), "score",
                         "max_score", "error"])
        for r in results:
            scores = {t.name: _points(t.score) for t in r.tests}
            writer.writerow([one_line(r.student or ""), one_line(r.assignment), one_line(r.path),
                             *(scores.get(c, "") for c in columns),
                             _points(r.score), _points(r.max_score), multi_line(r.error or "")])


# Gradescope's visibilities of a test (or of the whole results), from its results.json spec.
GRADESCOPE_VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")
HIDDEN_VISIBILITY = "after_due_date"   # hidden tests' default: results after the due date


def _hidden_test_line(status: str) -> str:
    """What a hidden test shown at once says: its verdict, never its inputs or expected values."""
    if status == PASSED:
        return "Hidden test passed."
    return "Hidden test failed. Its inputs and expected values are not shown."


def gradescope_results(result: SubmissionResult,
                       hidden_visibility: str = HIDDEN_VISIBILITY) -> dict:
    """Gradescope's results.json for one submission.

    Public tests are visible with their full messages. Hidden tests get `hidden_visibility`:
    with `after_due_date` (the default), `after_published` or `hidden`, Gradescope shows a
    hidden test (name, points and full message) only then, or never; with `visible` it is
    shown at once with its verdict and points and one generic line, never its message,
    which names the hidden inputs and expected values.
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
    output = f"{one_line(result.assignment)}: {_points(result.score)}/{_points(result.max_score)}"
    later = [t for t in result.tests if t.hidden and hidden_visibility != "visible"]
    if later:
        when = {"after_due_date": "after the due date",
                "after_published": "when grades are published"}.get(hidden_visibility)
        output += (f" (with {len(later)} hidden test{'s' * (len(later) != 1)} worth "
                   f"{_points(sum(t.max_score for t in later))} points, "
                   + (f"shown {when})" if when else "which are not shown)"))
    if result.error:
        output = f"Your notebook could not be graded: {multi_line(result.error)}"
    return {"score": result.score, "output": output, "visibility": "visible",
            "stdout_visibility": "hidden", "tests": tests}


def write_gradescope(result: SubmissionResult, path: Path,
                     hidden_visibility: str = HIDDEN_VISIBILITY) -> None:
    Path(path).write_text(dumps(gradescope_results(result, hidden_visibility)),
                          encoding="ascii")
