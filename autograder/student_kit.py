"""The student's way in: the released notebooks, without the instructor's repository.

The repository holds `source/` (solutions, hidden tests and their seeds) and `solutions/`,
so a student who clones it has the answers. Students get instead:

- `python -m autograder student-kit OUT`: a folder OUT/backprop-lab-student and its zip
  holding the released notebooks (assignments/<id>/<id>.ipynb), a short README and a script
  that turns off nbgrader's instructor tools; nothing else;
- `python -m autograder fetch ID`: a fresh copy of one released notebook in the current folder.

Both read the released notebooks the installed package carries as package data,
`autograder/released/<id>.ipynb`. `regenerate` writes them next to `assignments/`
(`sync_released`), and the test suite fails when they differ from `assignments/`. Every
notebook that goes out is checked first for hidden tests and solution markers.
"""
from __future__ import annotations

import argparse
import sys
import zipfile
from pathlib import Path

from .assignments import ASSIGNMENTS
from .notebooks import HIDDEN_MARKER

RELEASED = Path(__file__).resolve().parent / "released"
KIT_NAME = "backprop-lab-student"

# What must never reach a student: nbgrader's markers around hidden tests and solutions.
FORBIDDEN_MARKERS = (HIDDEN_MARKER, "### END HIDDEN TESTS", "### BEGIN SOLUTION",
                     "### END SOLUTION")

# nbgrader's instructor tools (nbgrader 0.9: JupyterLab plugins and server extensions);
# validate-assignment and assignment-list stay on.
INSTRUCTOR_LAB_PLUGINS = ("@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
                          "@jupyter/nbgrader:course-list")
INSTRUCTOR_SERVER_EXTENSIONS = ("nbgrader.server_extensions.formgrader",
                                "nbgrader.server_extensions.course_list")


class KitError(Exception):
    pass


def released_notebook(assignment: str) -> Path:
    """The released (student) notebook of an assignment, from the package data."""
    if assignment not in ASSIGNMENTS:
        raise KitError(f"unknown assignment `{assignment}`: one of {', '.join(ASSIGNMENTS)}")
    path = RELEASED / f"{assignment}.ipynb"
    if not path.is_file():
        raise KitError(f"this installation has no released notebook for `{assignment}` "
                       f"({path} is missing): reinstall the package")
    return path


def check_clean(text: str, what: str) -> None:
    """Refuse a notebook that still holds hidden tests or solutions."""
    for marker in FORBIDDEN_MARKERS:
        if marker in text:
            raise KitError(f"{what} contains `{marker}`: it is not a released notebook")


def sync_released(course: Path, assignments=ASSIGNMENTS) -> list[str]:
    """Copy assignments/<id>/<id>.ipynb into the course's package data
    (autograder/released/<id>.ipynb next to assignments/); returns the ids copied."""
    done = []
    released = Path(course) / "autograder" / "released"
    released.mkdir(parents=True, exist_ok=True)
    for assignment in assignments:
        path = Path(course) / "assignments" / assignment / f"{assignment}.ipynb"
        if not path.is_file():
            continue
        data = path.read_bytes()
        check_clean(data.decode("utf-8"), str(path))
        target = released / f"{assignment}.ipynb"
        if not target.is_file() or target.read_bytes() != data:
            target.write_bytes(data)
        done.append(assignment)
    return done


def fetch(assignment: str, into: Path = Path("."), force: bool = False) -> Path:
    """Write a fresh student notebook <id>.ipynb into `into`; never overwrite without `force`."""
    source = released_notebook(assignment)
    data = source.read_bytes()
    check_clean(data.decode("utf-8"), str(source))
    target = Path(into) / f"{assignment}.ipynb"
    if target.exists() and not force:
        raise KitError(f"{target} exists: your work is in it. Rename it, or pass --force "
                       "to replace it with a fresh copy")
    target.write_bytes(data)
    return target


STUDENT_README = """\
# backprop-lab: the student kit

The notebooks of the course, one folder per assignment: {assignments}.
You fill in the backward passes; test cells under each function check your answer.

## Set up (once)

You need Python 3.11 or newer. Make a virtual environment in this folder, **activate it**
and install the course package your instructor gave you (a `.whl` file or a link):

```
python3 -m venv .venv
. .venv/bin/activate            # Windows: .venv\\Scripts\\activate
python -m pip install PATH-OR-LINK-FROM-YOUR-INSTRUCTOR
sh student-tools.sh             # hides nbgrader's instructor tools; Validate stays
```

Activate the environment (`. .venv/bin/activate`) every time you open a new terminal,
before `jupyter lab` or `pytest`: without it the notebooks cannot import the checks.

## Work

```
jupyter lab assignments/{first}/{first}.ipynb
```

Fill in each function (replace `raise NotImplementedError()`) and run the test cell under
it. A failing test shows what to fix; a passing one prints one line with its points.
A fresh copy of a notebook: `python -m autograder fetch {first}` (it never overwrites a file
unless you add `--force`).

## Check your score

**Save the notebook first** (Ctrl+S): grading reads the file on disk, not what you see in
the browser. The score table shows each notebook's save time, so you can check.

```
pytest --pyargs autograder --submission assignments
```

The first time, before you have written anything, every test fails and the score is 0:
that is expected. Hidden tests run only when your instructor grades.

## Submit

Hand in the saved `.ipynb` files of `assignments/` the way your instructor tells you.
"""

STUDENT_TOOLS = """\
#!/bin/sh
# Turn off nbgrader's instructor tools (formgrader, create-assignment, course list) in this
# Python environment. Run it with your course environment active. Validate keeps working.
# For your user account instead of the environment: sh student-tools.sh --user
# (JupyterLab 4.1+ could turn a disabled plugin back on from its settings: `lock` prevents it.)
set -e
if [ "${{1:-}}" = "--user" ]; then lab_level=user; server_level=--user
else lab_level=sys_prefix; server_level=--sys-prefix; fi
{lab}
{server}
"""


def student_tools_script() -> str:
    lab = "\n".join(f'jupyter labextension disable --level="$lab_level" {plugin}\n'
                    f'jupyter labextension lock --level="$lab_level" {plugin}'
                    for plugin in INSTRUCTOR_LAB_PLUGINS)
    server = "\n".join(f'jupyter server extension disable "$server_level" {ext}'
                       for ext in INSTRUCTOR_SERVER_EXTENSIONS)
    return STUDENT_TOOLS.format(lab=lab, server=server)


def build_kit(out: Path) -> tuple[Path, Path]:
    """Write OUT/backprop-lab-student/ and OUT/backprop-lab-student.zip; returns both."""
    out = Path(out)
    folder = out / KIT_NAME
    if folder.exists():
        raise KitError(f"{folder} exists: remove it or choose another folder")
    notebooks = {a: released_notebook(a) for a in ASSIGNMENTS}   # all present before writing
    folder.mkdir(parents=True)
    for assignment, source in notebooks.items():
        data = source.read_bytes()
        check_clean(data.decode("utf-8"), str(source))
        target = folder / "assignments" / assignment / f"{assignment}.ipynb"
        target.parent.mkdir(parents=True)
        target.write_bytes(data)
    (folder / "README.md").write_text(
        STUDENT_README.format(assignments=", ".join(f"`{a}`" for a in ASSIGNMENTS),
                             first=ASSIGNMENTS[0]),
        encoding="utf-8")
    (folder / "student-tools.sh").write_text(student_tools_script(), encoding="utf-8")
    (folder / "student-tools.sh").chmod(0o755)
    archive = out / f"{KIT_NAME}.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, str(path.relative_to(out)))
    return folder, archive


# ---------------------------------------------------------------- command line

def add_parsers(sub) -> None:
    kit = sub.add_parser("student-kit", help="write the students' folder and zip: released "
                         "notebooks, a README, no solutions or hidden tests")
    kit.add_argument("out", type=Path, metavar="OUT", help="folder to write the kit into")
    kit.set_defaults(run=run_student_kit)
    get = sub.add_parser("fetch", help="write a fresh student notebook into the current folder")
    get.add_argument("assignment", metavar="ID", help=", ".join(ASSIGNMENTS))
    get.add_argument("--force", action="store_true", help="replace an existing file")
    get.set_defaults(run=run_fetch)


def run_student_kit(opts: argparse.Namespace) -> int:
    try:
        folder, archive = build_kit(opts.out)
    except KitError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"wrote {folder}/ and {archive}")
    return 0


def run_fetch(opts: argparse.Namespace) -> int:
    try:
        path = fetch(opts.assignment, Path("."), opts.force)
    except KitError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"wrote {path}")
    return 0
