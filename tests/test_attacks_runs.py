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
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from conftest import ROOT, notebook, wall_bound

NOBODY = 65534
PLANT = '''
import glob as _glob, json as _json, os as _os
def _plant_runs():
    """Find the grader (an ancestor of this process), its cache folder and its class."""
    pid = _os.getppid()
    for _ in range(6):
        try:
            env = dict(e.split(b"=", 1) for e in open(f"/proc/{pid}/environ", "rb").read()
                       .split(b"\\0") if b"=" in e)
        except OSError:
            env = {}
        if b"HOME" in env and _os.path.isdir(f"/proc/{pid}/cwd/submitted"):
            break
        pid = int([l.split()[1] for l in open(f"/proc/{pid}/status") if l.startswith("PPid:")][0])
    else:
        return
    cwd = _os.readlink(f"/proc/{pid}/cwd")
    entry = {f: {"fingerprint": "x", "time": 1e300} for f in
             ("numerical_gradient", "staged_backward", "add_backward", "mul_backward")}
    data = {}
    for nb in _glob.glob(cwd + "/submitted/*/*/*.ipynb"):
        data[nb] = entry
        data[_os.path.dirname(nb) + "::staged"] = entry
    folder = env[b"HOME"].decode() + "/.cache/backprop-lab"
    _os.makedirs(folder, exist_ok=True)
    with open(folder + "/runs.json", "w") as fh:
        _json.dump(data, fh)
_plant_runs()
'''


def _half_solved(path: Path, extra: str = "") -> None:
    """The worked staged notebook with staged_backward left undone (its tests fail), and
    `extra` at the end of the numerical_gradient answer cell (it runs as the cell loads)."""
    nb = json.loads(notebook("source", "staged").read_text())
    for raw in nb["cells"]:
        grade_id = (raw.get("metadata", {}).get("nbgrader") or {}).get("grade_id")
        if grade_id == "staged_backward":
            raw["source"] = ("def staged_backward(df, cache):\n"
                             "    raise NotImplementedError\n")
        if grade_id == "numerical_gradient" and extra:
            raw["source"] = "".join(raw["source"]) + "\n" + extra
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(nb))
    os.chmod(path, 0o644)


def _nobody_runs_python() -> bool:
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        return False
    probe = subprocess.run(["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}",
                            "--clear-groups", sys.executable, "-c",
                            "import os, sys; os.execv(sys.executable, [sys.executable, '-c', "
                            "'import backprop_lab, numpy'])"],
                           cwd="/", capture_output=True, timeout=60)
    return probe.returncode == 0


def test_a_runs_file_of_out_of_range_times_fails_no_notebook(tmp_path):
    """What the submission below plants, planted here (the grader as root cannot be made to
    run student code as itself): every notebook's entry has a time out of range."""
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


@pytest.mark.skipif(not _nobody_runs_python(),
                    reason="runs the grader as an ordinary user: needs root to become one, "
                           "and a Python that user can run")
def test_a_planted_runs_file_costs_no_classmate_a_point():
    with tempfile.TemporaryDirectory(dir="/var/tmp") as scratch:
        top = Path(scratch)
        os.chmod(top, 0o777)
        _half_solved(top / "submitted" / "aaa" / "staged" / "staged.ipynb", PLANT)
        _half_solved(top / "submitted" / "bbb" / "staged" / "staged.ipynb")
        home = top / "home"
        home.mkdir()
        for folder, _, _ in os.walk(top):
            os.chmod(folder, 0o777)
        env = {"PATH": os.environ.get("PATH", ""), "HOME": str(home), "LANG": "C.UTF-8"}
        proc = subprocess.run(
            ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
             sys.executable, "-m", "backprop_lab", "grade", "submitted", "--hidden",
             "--isolation", "process", "--jobs", "1", "--json", "grades.json",
             "--course", str(ROOT)],
            cwd=top, env=env, capture_output=True, text=True, timeout=wall_bound(300))
        assert (home / ".cache" / "backprop-lab" / "runs.json").exists(), \
            "the attack did not plant its file" + proc.stderr[-2000:]
        assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
        results = {r["student"]: r for r in json.loads((top / "grades.json").read_text())
                   ["submissions"]}
        victim = results["bbb"]
        assert victim.get("error") is None, victim["error"]
        assert victim["score"] == results["aaa"]["score"] > 0
        undone = [t for t in victim["tests"] if t["name"].startswith("test_staged_backward")]
        assert undone and all(t["status"] == "failed" for t in undone)
