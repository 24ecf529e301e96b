"""The nbgrader course: regenerate student and solution notebooks from `source/` with nbgrader,
and register the assignments in the course's gradebook.

`python -m backprop_lab regenerate [ID ...]` is the one way the files in `assignments/` and
`solutions/` are made; the test suite regenerates into a scratch copy and compares. It records
nothing in the course's gradebook (a scratch one), so that regenerating never touches grades.

`python -m backprop_lab course-setup [ID ...]` registers the assignments, their notebooks and
their graded, solution and locked cells in the course's gradebook (what `nbgrader autograde`
needs), without touching a tracked file: nbgrader's `generate_assignment` runs in a scratch
copy of the course (its release folder is the scratch one) with the course's gradebook.
`nbgrader generate_assignment --force` in the course itself would instead replace the tracked
`assignments/<id>/` with what it makes there.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..assignments import ASSIGNMENTS


class CourseError(Exception):
    pass


def nbgrader_env() -> dict:
    """nbgrader runs `alembic` from PATH: put this interpreter's scripts folder first."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def run_nbgrader(course: Path, *args: str, db: Path | str | None = None, timeout: float = 600
                 ) -> subprocess.CompletedProcess:
    """Run one nbgrader command in `course` (a private gradebook if `db` is given: an sqlite
    file, or a database URL)."""
    cmd = [sys.executable, "-m", "nbgrader", *args]
    if db is not None:
        url = db if isinstance(db, str) and "://" in db else f"sqlite:///{db}"
        cmd.append(f"--CourseDirectory.db_url={url}")
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


@dataclass
class Setup:
    """What course-setup did: the assignments registered, each one's graded cells and
    points, the students registered, and the assignments whose tracked student copy differs
    from what the source makes now (run regenerate)."""

    # id -> (graded cells, points)
    assignments: dict[str, tuple[int, float]] = field(default_factory=dict)
    students: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)


def _code_cells(path: Path) -> list[tuple[str, str]]:
    import nbformat
    nb = nbformat.read(path, as_version=4)
    return [(c.cell_type, c.source) for c in nb.cells]


def setup_gradebook(course: Path, db_url: str, assignments=ASSIGNMENTS,
                    students: list[dict] | None = None) -> Setup:
    """Register `assignments` (their notebooks and cells) and `students` (dicts of
    nbgrader's Student columns: id, first_name, last_name, email, lms_user_id) in the
    gradebook at `db_url`, as `nbgrader generate_assignment` does, without writing into the
    course: nbgrader runs in a scratch copy holding nbgrader_config.py and source/<id>.
    Registering again updates the cells (nbgrader's own update): grades already in the
    gradebook stay."""
    course = Path(course).resolve()
    done = Setup()
    with tempfile.TemporaryDirectory(prefix="course-setup-") as scratch:
        scratch = Path(scratch)
        shutil.copy(course / "nbgrader_config.py", scratch / "nbgrader_config.py")
        for assignment in assignments:
            source = course / "source" / assignment
            if not (source / f"{assignment}.ipynb").exists():
                continue
            shutil.copytree(source, scratch / "source" / assignment)
            run_nbgrader(scratch, "generate_assignment", assignment, "--force", db=db_url)
            made = scratch / "assignments" / assignment / f"{assignment}.ipynb"
            tracked = course / "assignments" / assignment / f"{assignment}.ipynb"
            if not tracked.exists() or _code_cells(made) != _code_cells(tracked):
                done.stale.append(assignment)
            done.assignments[assignment] = (0, 0.0)
    from nbgrader.api import Gradebook
    with Gradebook(db_url) as gb:
        for assignment in done.assignments:
            cells = [c for nb in gb.find_assignment(assignment).notebooks for c in nb.grade_cells]
            done.assignments[assignment] = (len(cells), sum(c.max_score for c in cells))
        for student in students or []:
            fields = {k: v for k, v in student.items() if k != "id" and v}
            gb.update_or_create_student(student["id"], **fields)
            done.students.append(student["id"])
    return done
