"""Reporting: the score table, JSON, CSV and Gradescope's results.json."""
from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Iterable

from .grading import PASSED, SubmissionResult

_MARK = {"passed": "PASS", "failed": "FAIL", "error": "ERROR", "timeout": "TIMEOUT"}


def _points(x: float) -> str:
    return f"{x:g}"


def score_table(results: Iterable[SubmissionResult], detail_lines: int = 1) -> str:
    lines = []
    for r in results:
        who = f"{r.student}: " if r.student else ""
        lines.append(f"{who}{r.assignment}  ({r.path})")
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
