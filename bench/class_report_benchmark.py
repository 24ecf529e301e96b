"""Time `class-report` on a synthetic class: N students x the six assignments.

    python bench/class_report_benchmark.py [--students 300] [--seed 1] [--keep DIR]

Writes a `grade --json` file shaped like the grader's (the real test names and points of
each assignment from source/, failure messages of realistic length with a "Likely cause"
line, per-test causes drawn from 12 cause ids per assignment with Zipf-like frequencies,
a few submissions that could not be graded, late days, unrecognized files, missing work),
then runs `python -m backprop_lab class-report` on it and prints the wall time and the size
of the page. Nothing is graded: it measures the report alone.
"""
from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from backprop_lab.assignments import ASSIGNMENTS
from backprop_lab.notebooks import read_notebook, tests_of

ROOT = Path(__file__).resolve().parents[1]


def synthetic_class(students: int, seed: int) -> dict:
    rng = random.Random(seed)
    subs, missing = [], []
    for a in ASSIGNMENTS:
        tests = [(t.grade_id, float(t.points or 1))
                 for t in tests_of(read_notebook(ROOT / "source" / a / f"{a}.ipynb"))]
        causes = [f"{a}.cause_{k:02d}_{rng.getrandbits(24):06x}" for k in range(12)]
        weights = [1 / (k + 1) for k in range(12)]
        for s in range(1, students + 1):
            student = f"s{s:04d}"
            draw = rng.random()
            if draw < 0.02:
                missing.append({"student": student, "assignment": a})
                continue
            path = f"submitted/{student}/{a}/{a}.ipynb"
            if draw < 0.04:
                subs.append({"student": student, "assignment": a, "path": path, "score": 0.0,
                             "max_score": sum(p for _, p in tests), "error":
                             "the notebook is not valid JSON: Expecting value: line 1",
                             "tests": [], "warnings": [], "seconds": 0.1, "budget": 60.0})
                continue
            skill = rng.random()
            result = []
            for name, points in tests:
                ok = rng.random() < 0.35 + 0.6 * skill
                named = [] if ok or rng.random() < 0.4 else \
                    [rng.choices(causes, weights)[0]]
                output = "" if ok else "\n".join(
                    [f"`{name}`: dx is wrong on a (4, 5) batch.",
                     "  largest relative error 3.41e-01 (must be below 1e-06)",
                     "  worst entries (index: yours vs expected):",
                     "    (2, 3): 0.417022 vs -0.720324", "    (0, 1): 0.000114 vs 0.302333",
                     "  17 of 20 entries are off."]
                    + [f"  Likely cause: {c} (a sentence of about this length explaining "
                       "which step went wrong and what to write instead)." for c in named])
                result.append({"name": name, "score": points if ok else 0.0,
                               "max_score": points, "status": "passed" if ok else "failed",
                               "output": output, "seconds": 0.05,
                               "timings": [{"run": "batch", "status": "passed" if ok else
                                            "failed", "seconds": 0.05}],
                               "causes": named})
            score = sum(t["score"] for t in result)
            late = rng.choice([0] * 17 + [1, 2, 5])
            subs.append({"student": student, "assignment": a, "path": path, "score": score,
                         "max_score": sum(p for _, p in tests), "error": None, "tests": result,
                         "warnings": [], "seconds": 1.2, "budget": 60.0, "raw_score": score,
                         "late_penalty": 0.0, "days_late": late})
    skipped = [{"path": f"submitted/s{rng.randrange(1, students):04d}/relu/relu (1).ipynb",
                "reason": "a second notebook in one assignment folder"} for _ in range(5)]
    return {"submissions": subs, "skipped": skipped, "renamed_students": [],
            "missing": missing}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="keep the JSON and the report here")
    opts = parser.parse_args(argv)
    work = opts.keep or Path(tempfile.mkdtemp(prefix="class-report-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    data = synthetic_class(opts.students, opts.seed)
    results = work / "grades.json"
    results.write_text(json.dumps(data))
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "backprop_lab", "class-report", "--results",
                           str(results), "--out", str(work / "report")],
                          capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode:
        print(proc.stderr, file=sys.stderr)
        return 1
    page = work / "report" / "class_report.html"
    print(f"{len(data['submissions'])} submissions ({opts.students} students x "
          f"{len(ASSIGNMENTS)} assignments), results {results.stat().st_size / 1e6:.1f} MB: "
          f"class-report {seconds:.2f} s (the whole command, Python's start included), "
          f"page {page.stat().st_size / 1e3:.0f} kB at {page}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
