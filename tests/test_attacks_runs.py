"""A hint file the grader reads must not fail another student's notebook (trial3, class 2).

Grading adds "Not saved?" to a failing test when the notebook last ran another version of
the function (checks/runs.py): it reads a JSON file in the grader's user's cache folder. A
grader running as an ordinary user in process isolation runs student code as that same
user, so a submission could write that file: before, an entry for a classmate's notebook
with a time out of datetime's range (1e300) made the grader raise while it wrote the note,
and that classmate's notebook became "the grader failed on this notebook", 0 points. Now an
entry is read as the untrusted data it is (a finite time in datetime's range, else no
entry), and the note, a hint only, can never fail a notebook.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, notebook, wall_bound


def _half_solved(path: Path) -> None:
    """The worked staged notebook with staged_backward left undone (its tests fail)."""
    nb = json.loads(notebook("source", "staged").read_text())
    for raw in nb["cells"]:
        grade_id = (raw.get("metadata", {}).get("nbgrader") or {}).get("grade_id")
        if grade_id == "staged_backward":
            raw["source"] = ("def staged_backward(df, cache):\n"
                             "    raise NotImplementedError\n")
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(nb))
    os.chmod(path, 0o644)


def test_a_runs_file_of_out_of_range_times_fails_no_notebook(tmp_path):
    """What a submission run as the grader's user can write (its HOME's cache folder, the
    class's notebooks found below it), planted here: every entry's time is out of range."""
    victim = tmp_path / "submitted" / "bbb" / "staged" / "staged.ipynb"
    _half_solved(victim)
    entry = {f: {"fingerprint": "x", "time": t} for f, t in
             (("staged_backward", 1e300), ("add_backward", float("nan")),
              ("mul_backward", -1e300), ("numerical_gradient", True))}
    runs = tmp_path / "runs.json"
    runs.write_text(json.dumps({str(victim): entry, f"{victim.parent}::staged": entry}))
    env = dict(os.environ, BACKPROP_LAB_RUNS=str(runs))
    proc = subprocess.run([sys.executable, "-m", "backprop_lab", "grade", str(victim),
                           "--hidden", "--json", "grades.json", "--course", str(ROOT)],
                          cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=wall_bound(300))
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    [result] = json.loads((tmp_path / "grades.json").read_text())["submissions"]
    assert result.get("error") is None, result["error"]
    undone = [t for t in result["tests"] if t["name"].startswith("test_staged_backward")]
    assert undone and all(t["status"] == "failed" and "Not saved" not in t["output"]
                          for t in undone), undone
    assert result["score"] == result["max_score"] - sum(t["max_score"] for t in undone)
