"""Time grading one notebook per assignment with the CLI and with `nbgrader autograde`.

    python bench/one_notebook.py [ID ...]

Each assignment's worked solution is graded both ways, in the same run, in a scratch copy
of the course; the times are wall-clock seconds of each command as an instructor runs it.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from backprop_lab.course.nbgrader import nbgrader_env, run_nbgrader
from backprop_lab.assignments import ASSIGNMENTS

ROOT = Path(__file__).resolve().parents[1]


def timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=nbgrader_env(), check=True, capture_output=True)
    return time.perf_counter() - start


def main(assignments: list[str]) -> None:
    print(f"{'assignment':<10} {'CLI s':>7} {'nbgrader s':>11} {'ratio':>6}")
    for assignment in assignments:
        with tempfile.TemporaryDirectory() as tmp:
            course = Path(tmp)
            shutil.copy(ROOT / "nbgrader_config.py", course)
            shutil.copytree(ROOT / "source" / assignment, course / "source" / assignment)
            db = course / "gradebook.db"
            run_nbgrader(course, "generate_assignment", assignment, "--force", db=db)
            sub = course / "submitted" / "student" / assignment / f"{assignment}.ipynb"
            sub.parent.mkdir(parents=True)
            shutil.copy(ROOT / "source" / assignment / f"{assignment}.ipynb", sub)
            cli = timed([sys.executable, "-m", "backprop_lab", "grade", str(sub), "--hidden",
                         "--course", str(ROOT)], course)
            nbg = timed([sys.executable, "-m", "nbgrader", "autograde", assignment, "--create",
                         "--force", f"--CourseDirectory.db_url=sqlite:///{db}"], course)
            print(f"{assignment:<10} {cli:>7.2f} {nbg:>11.2f} {nbg / cli:>5.1f}x")


if __name__ == "__main__":
    main(sys.argv[1:] or [a for a in ASSIGNMENTS if (ROOT / "source" / a).exists()])
