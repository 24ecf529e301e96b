"""The nbgrader course: regenerate student and solution notebooks from `source/` with nbgrader.

`python -m autograder regenerate [ID ...]` is the one way the files in `assignments/` and
`solutions/` are made; the test suite regenerates into a scratch copy and compares.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .assignments import ASSIGNMENTS


class CourseError(Exception):
    pass


def nbgrader_env() -> dict:
    """nbgrader runs `alembic` from PATH: put this interpreter's scripts folder first."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def run_nbgrader(course: Path, *args: str, db: Path | None = None, timeout: float = 600
                 ) -> subprocess.CompletedProcess:
    """Run one nbgrader command in `course` (a private gradebook if `db` is given)."""
    cmd = [sys.executable, "-m", "nbgrader", *args]
    if db is not None:
        cmd.append(f"--CourseDirectory.db_url=sqlite:///{db}")
    proc = subprocess.run(cmd, cwd=course, env=nbgrader_env(), capture_output=True, text=True,
                          timeout=timeout)
    # nbgrader only logs a broken nbgrader_config.py and goes on with its defaults.
    if proc.returncode != 0 or "Exception while loading config file" in proc.stderr:
        raise CourseError(f"`nbgrader {' '.join(args)}` failed:\n{proc.stdout}\n{proc.stderr}")
    return proc


def regenerate(course: Path, assignments=ASSIGNMENTS, db: Path | None = None) -> list[str]:
    """Write assignments/<id> and solutions/<id> from source/<id> with nbgrader, recording
    the assignments in the gradebook `db` if given (else in a scratch one)."""
    course = Path(course).resolve()
    done = []
    with tempfile.TemporaryDirectory() as scratch:
        db = Path(db) if db is not None else Path(scratch) / "gradebook.db"
        for assignment in assignments:
            if not (course / "source" / assignment / f"{assignment}.ipynb").exists():
                continue
            run_nbgrader(course, "generate_assignment", assignment, "--force", db=db)
            run_nbgrader(course, "generate_solution", assignment, "--force", db=db)
            done.append(assignment)
    return done


def regenerate_copy(course: Path, assignment: str, into: Path, db: Path | None = None) -> Path:
    """Regenerate one assignment in a scratch course under `into` (gradebook: as regenerate);
    returns that course root."""
    course, into = Path(course), Path(into)
    shutil.copy(course / "nbgrader_config.py", into / "nbgrader_config.py")
    shutil.copytree(course / "source" / assignment, into / "source" / assignment)
    regenerate(into, [assignment], db=db)
    return into
