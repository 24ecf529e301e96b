"""Reporting: the score table, the class summary, JSON, CSV and Gradescope's results.json."""
from __future__ import annotations

import csv
import json
import os
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .grading import PASSED, SubmissionResult
from .notebooks import ASSIGNMENTS

_MARK = {"passed": "PASS", "failed": "FAIL", "error": "ERROR", "timeout": "TIMEOUT"}


def _points(x: float) -> str:
    return f"{x:g}"


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
        who = f"{r.student}: " if r.student else ""
        lines.append(f"{who}{r.assignment}  ({r.path}{saved_at(r.path)})")
        if r.error:
            lines.append(f"  could not be graded: {r.error}")
        for w in r.warnings:
            lines.append(f"  note: {w}")
        width = max((len(t.name) for t in r.tests), default=0)
        for t in r.tests:
            score = f"{_points(t.score)}/{_points(t.max_score)}"
            lines.append(f"  {_MARK.get(t.status, t.status.upper()):<8}{score:>7}  {t.name:<{width}}")
            if t.status != PASSED and t.output:
                for text in t.output.strip().splitlines()[:detail_lines]:
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
        lines.append(f"{s.assignment}: {s.graded} graded, out of {top} points")
        lines.append(f"  mean    {_number(s.mean)}/{top} ({s.mean_percent:.1f}%)")
        lines.append(f"  median  {_number(s.median)}/{top} ({s.median_percent:.1f}%)")
        width = max([len(t.name) for t in s.tests] + [len("test")])
        lines.append(f"  {'test':<{width}}  {'points':>6}  {'passed':>9}  {'rate':>6}")
        for t in s.tests:
            rate = f"{t.passed}/{t.graded}"
            lines.append(f"  {t.name:<{width}}  {_points(t.max_score):>6}  {rate:>9}  "
                         f"{t.percent:5.1f}%")
        lines.append("")
    if ungraded:
        lines.append("Could not be graded:")
        for r in ungraded:
            who = f"{r.student}: " if r.student else ""
            lines.append(f"  {who}{r.assignment}  ({r.path})")
            lines.extend(f"    {text}" for text in r.error.splitlines())
        lines.append("")
    return "\n".join(lines)


def write_json(results: list[SubmissionResult], path: Path) -> None:
    data = {"submissions": [r.to_dict() for r in results]}
    Path(path).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def column_names(results: list[SubmissionResult]) -> list[str]:
    columns: list[str] = []
    for r in results:
        for t in r.tests:
            if t.name not in columns:
                columns.append(t.name)
    return columns


def write_csv(results: list[SubmissionResult], path: Path) -> None:
    """One row per student and assignment, one column per test, then the totals."""
    columns = column_names(results)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["student", "assignment", "path", *columns, "score", "max_score",
                         "error"])
        for r in results:
            scores = {t.name: _points(t.score) for t in r.tests}
            writer.writerow([r.student or "", r.assignment, r.path,
                             *(scores.get(c, "") for c in columns),
                             _points(r.score), _points(r.max_score), r.error or ""])


def gradescope_results(result: SubmissionResult) -> dict:
    """Gradescope's results.json for one submission."""
    tests = [{"name": t.name, "score": t.score, "max_score": t.max_score,
              "status": "passed" if t.status == PASSED else "failed",
              "output": t.output, "visibility": "visible"} for t in result.tests]
    output = f"{result.assignment}: {_points(result.score)}/{_points(result.max_score)}"
    if result.error:
        output = f"Your notebook could not be graded: {result.error}"
    return {"score": result.score, "output": output, "visibility": "visible",
            "stdout_visibility": "hidden", "tests": tests}


def write_gradescope(result: SubmissionResult, path: Path) -> None:
    Path(path).write_text(json.dumps(gradescope_results(result), indent=2) + "\n",
                          encoding="utf-8")
