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

import json
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


# Several nbgrader commands one after another in one Python process, as nbgrader's own test
# suite runs them (nbgrader.tests.run_nbgrader: a fresh NbGraderApp per command, reset
# after it): nbgrader's imports (about 3 s of CPU) are paid once instead of once per command.
# Each command's stdout and stderr are caught at the file descriptors (what a process of its
# own would have printed, with what its kernels print), and the first that fails stops the
# rest, as a loop over `run_nbgrader` would. The gradebook's alembic version (nbgrader asks the
# `alembic` command for it whenever it makes a new gradebook: a process each time) is asked
# once: it is the version of the installed nbgrader, the same for every gradebook.
_STEPS = r"""
import json, os, sys, traceback
import nbgrader.api
from jupyter_core.application import NoStart
from nbgrader.apps.nbgraderapp import NbGraderApp

_heads = []
_ask = nbgrader.api.get_alembic_version
def _alembic_version():
    if not _heads:
        _heads.append(_ask())
    return _heads[0]
nbgrader.api.get_alembic_version = _alembic_version

steps = json.loads(sys.argv[1])
codes = []
for step in steps:
    os.chdir(step["cwd"])
    sys.stdout.flush(); sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    for fd, name in ((1, "stdout"), (2, "stderr")):
        file = os.open(step[name], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(file, fd)
        os.close(file)
    app = NbGraderApp.instance()
    code = 0
    try:
        app.initialize(step["args"])
        app.start()
    except NoStart:   # how a subcommand that ran says it is done
        pass
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:
        traceback.print_exc()
        code = 1
    finally:
        sys.stdout.flush(); sys.stderr.flush()
        app.reset()
        os.dup2(saved[0], 1); os.dup2(saved[1], 2)
        os.close(saved[0]); os.close(saved[1])
    codes.append(code)
    if code:
        break
print(json.dumps(codes))
"""


def run_nbgrader_steps(steps: list[tuple], db: Path | str | None = None,
                       timeout: float = 600) -> list[subprocess.CompletedProcess]:
    """Run nbgrader commands (course, args) one after another in one process, each as
    `run_nbgrader(course, *args, db=db)` would (the same gradebook for all when `db` is
    given; a step (course, args, db) names its own); returns what each printed. The first
    that fails raises CourseError, as it would there, and the commands after it do not run.
    `timeout`: per command."""
    if not steps:
        return []
    with tempfile.TemporaryDirectory(prefix="nbgrader-steps-") as scratch:
        plan = []
        for i, (course, args, *own) in enumerate(steps):
            args = [str(a) for a in args]
            step_db = own[0] if own else db
            if step_db is not None:
                url = step_db if isinstance(step_db, str) and "://" in step_db \
                    else f"sqlite:///{step_db}"
                args.append(f"--CourseDirectory.db_url={url}")
            plan.append({"cwd": str(Path(course).resolve()), "args": args,
                         "db": step_db is not None,
                         "stdout": os.path.join(scratch, f"{i}.out"),
                         "stderr": os.path.join(scratch, f"{i}.err")})
        proc = subprocess.run([sys.executable, "-c", _STEPS, json.dumps(plan)],
                              cwd=scratch, env=nbgrader_env(), capture_output=True, text=True,
                              timeout=timeout * len(plan))
        try:
            codes = json.loads(proc.stdout.splitlines()[-1])
        except (IndexError, ValueError):
            raise CourseError(f"nbgrader stopped before it ran its commands:\n{proc.stdout}\n"
                              f"{proc.stderr}") from None
        done = []
        for step, code in zip(plan, codes):
            out, err = (Path(step[k]).read_text(errors="replace") for k in ("stdout", "stderr"))
            args = step["args"][:-1] if step["db"] else step["args"]
            if code != 0 or "Exception while loading config file" in err:
                raise CourseError(f"`nbgrader {' '.join(args)}` failed:\n{out}\n{err}")
            done.append(subprocess.CompletedProcess(
                [sys.executable, "-m", "nbgrader", *step["args"]], code, out, err))
        if len(done) < len(plan):   # it stopped without a failing command: it crashed
            raise CourseError(f"nbgrader stopped after {len(done)} of {len(plan)} commands:"
                              f"\n{proc.stdout}\n{proc.stderr}")
        return done


def _regenerate_steps(course: Path, assignments, db=None) -> tuple[list[str], list[tuple]]:
    """The assignments of `course` that have a source notebook, and the nbgrader commands
    that regenerate them (in the gradebook `db` when given)."""
    done = [a for a in assignments if (course / "source" / a / f"{a}.ipynb").exists()]
    return done, [(course, (command, a, "--force"), *([db] if db is not None else []))
                  for a in done for command in ("generate_assignment", "generate_solution")]


def regenerate(course: Path, assignments=ASSIGNMENTS, db: Path | None = None) -> list[str]:
    """Write assignments/<id> and solutions/<id> from source/<id> with nbgrader, recording
    the assignments in the gradebook `db` if given (else in a scratch one)."""
    course = Path(course).resolve()
    with tempfile.TemporaryDirectory() as scratch:
        db = Path(db) if db is not None else Path(scratch) / "gradebook.db"
        done, steps = _regenerate_steps(course, assignments)
        run_nbgrader_steps(steps, db=db)
    return done


def regenerate_copy(course: Path, assignment: str, into: Path, db: Path | None = None) -> Path:
    """Regenerate one assignment in a scratch course under `into` (gradebook: as regenerate);
    returns that course root."""
    regenerate_copies(course, {assignment: (into, db)})
    return Path(into)


def regenerate_copies(course: Path, copies: dict[str, tuple[Path, Path | None]]) -> None:
    """`regenerate_copy` of several assignments (id -> (scratch course, its gradebook or
    None)), each in a scratch course of its own, with one nbgrader process for all."""
    steps = []
    with tempfile.TemporaryDirectory() as scratch:
        for i, (assignment, (into, db)) in enumerate(copies.items()):
            course, into = Path(course), Path(into).resolve()
            shutil.copy(course / "nbgrader_config.py", into / "nbgrader_config.py")
            shutil.copytree(course / "source" / assignment, into / "source" / assignment)
            db = Path(db) if db is not None else Path(scratch) / f"gradebook-{i}.db"
            steps += _regenerate_steps(into, [assignment], db)[1]
        run_nbgrader_steps(steps)


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
        found = [a for a in assignments
                 if (course / "source" / a / f"{a}.ipynb").exists()]
        for assignment in found:
            shutil.copytree(course / "source" / assignment, scratch / "source" / assignment)
        run_nbgrader_steps([(scratch, ("generate_assignment", a, "--force")) for a in found],
                           db=db_url)
        for assignment in found:
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
