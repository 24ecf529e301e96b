"""The student's way in: the released notebooks, without the instructor's repository.

The repository holds `source/` (solutions, hidden tests and their seeds) and `solutions/`,
so a student who clones it has the answers. Students get instead:

- `python -m backprop_lab student-kit OUT`: a folder OUT/backprop-lab-student and its zip
  holding the released notebooks (assignments/<id>/<id>.ipynb), the course package as a
  wheel, a README whose set-up block installs it with its `student` extra (JupyterLab,
  pytest, every import the notebooks make) and hides nbgrader's tools students cannot use
  (`python -m backprop_lab student-tools`), and a conftest.py that tells plain `pytest` how to
  grade; nothing else;
- `python -m backprop_lab fetch ID`: a fresh copy of one released notebook in the current folder.

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

from ..assignments import ASSIGNMENTS
from ..notebooks import HIDDEN_MARKER

RELEASED = Path(__file__).resolve().parent.parent / "released"
KIT_NAME = "backprop-lab-student"

# What must never reach a student: nbgrader's markers around hidden tests and solutions.
FORBIDDEN_MARKERS = (HIDDEN_MARKER, "### END HIDDEN TESTS", "### BEGIN SOLUTION",
                     "### END SOLUTION")

# nbgrader's tools a student cannot use (nbgrader 0.9: JupyterLab plugins and server
# extensions): the instructor's (formgrader, create-assignment, course list), the assignment
# list (it needs an exchange folder the kit has not; it errors) and the "Nbgrader" menu that
# opens them (empty without them). Validate (a notebook toolbar button) stays.
INSTRUCTOR_LAB_PLUGINS = ("@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
                          "@jupyter/nbgrader:course-list", "@jupyter/nbgrader:assignment-list",
                          "@jupyter/nbgrader:menu")
INSTRUCTOR_SERVER_EXTENSIONS = ("nbgrader.server_extensions.formgrader",
                                "nbgrader.server_extensions.course_list",
                                "nbgrader.server_extensions.assignment_list")


class KitError(Exception):
    pass


def released_notebook(assignment: str) -> Path:
    """The released (student) notebook of an assignment, from the package data."""
    if assignment not in ASSIGNMENTS:
        raise KitError(f"unknown assignment `{assignment}`: one of {', '.join(ASSIGNMENTS)}")
    path = RELEASED / f"{assignment}.ipynb"
    if not path.is_file():
        raise KitError(f"this installation has no released notebook for `{assignment}` "
                       f"({path} is missing): reinstall the course package, the kit's wheel: "
                       'python -m pip install --force-reinstall "./backprop_lab-<version>-'
                       'py3-none-any.whl[student]" (never `pip install autograder`: that name '
                       "on the package index is someone else's)")
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


PYTHON_VERSIONS = "3.10 or newer"   # pyproject.toml's requires-python


def wheel_name(kit: Path) -> str | None:
    """The course wheel a kit folder holds (its README installs it), if any."""
    wheels = sorted(p.name for p in Path(kit).glob("*.whl"))
    return wheels[0] if wheels else None


STUDENT_README = """\
# backprop-lab: the student kit

The notebooks of the course, one folder per assignment: {assignments}.
You fill in the backward passes; test cells under each function check your answer.

## Set up (once)

You need Python {versions} (`python3 --version`). In this folder (where this README
is), run:

```
{setup}
```

This makes a virtual environment in `.venv` with the course package (`{package}`) and
everything the notebooks use: JupyterLab, nbgrader's Validate button, pytest, numpy,
matplotlib and scikit-learn. The last line hides nbgrader's instructor tools, which students
cannot use (Validate stays). On Windows, run the same lines with `.venv\\Scripts\\python`
in place of `.venv/bin/python`. If `python3 -m venv` says that `ensurepip` is missing, install
your system's venv package first (Debian and Ubuntu: `sudo apt install python3-venv`).

**Activate the environment** every time you open a new terminal, before `jupyter lab` or
`pytest`: `. .venv/bin/activate` (Windows: `.venv\\Scripts\\activate`). Without it the
notebooks cannot import the checks.

## Work

```
jupyter lab assignments/{first}/{first}.ipynb
```

JupyterLab then shows that assignment's folder only; `jupyter lab` alone, in this folder,
shows them all (open `assignments/<name>/<name>.ipynb` from its file browser).
Fill in each function (replace `raise NotImplementedError()`) and run the test cell under
it. A failing test shows what to fix; a passing one prints one line with its points.
A helper function of your own may sit in the answer cell or in a cell of its own that only
defines functions, classes, imports and constants (`EPS = 1e-8`): grading runs those cells
too, in notebook order. Any other cell you add (prints, experiments) does not run when you
are graded, and a test that needs a name from it says so. In Jupyter a test cell whose
function never returns keeps running: stop it with the ■ button (Kernel, Interrupt Kernel)
and look for the loop; when you check your score (below), such a test is stopped after 5 s
and names your function that had not returned and the line it was running.
A fresh copy of a notebook: `python -m backprop_lab fetch {first}` (it never overwrites a file
unless you add `--force`).

## Check your score

**Save the notebook first** (Ctrl+S): grading reads the file on disk, not what you see in
the browser. The score table shows each notebook's save time, so you can check, and a test
says "Not saved?" when your notebook ran another version of its function after the last
save. With the environment active, in this folder:

```
python -m pytest --pyargs backprop_lab --submission assignments
```

One notebook: `python -m pytest --pyargs backprop_lab --submission assignments/{first}/{first}.ipynb`.
(Plain `pytest` or `pytest assignments` finds no tests: pytest does not read notebooks by
itself.)

The first time, before you have written anything, every test fails and the score is 0:
that is expected. Hidden tests run only when your instructor grades.

## Submit

Hand in the saved `.ipynb` files of `assignments/` the way your instructor tells you.
"""

# In the kit folder: `pytest` and `pytest assignments` would say "no tests ran" and nothing
# else (pytest does not read notebooks); this conftest says what to run instead.
KIT_CONFTEST = """\
# Plain `pytest` here finds no tests: pytest does not read notebooks by itself.
# This file only makes it say how to grade them, or that the course package is missing
# (see README.md).
import os
import sys

GRADE = "python -m pytest --pyargs backprop_lab --submission assignments"


def pytest_addoption(parser):
    # Without the course package in this Python, `--submission` would be an unknown option:
    # take it here, so that the summary can say what is missing.
    try:
        parser.addoption("--submission", action="append", default=[],
                         help="(the course package is not installed in this Python)")
    except ValueError:   # the course's pytest plugin has it: it is installed
        pass


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    write = terminalreporter.write_line
    if not config.pluginmanager.has_plugin("backprop_lab") and int(exitstatus) != 0:
        write("")
        write("The course package is not installed in this Python (" + sys.executable + "), "
              "so nothing here can be graded.", bold=True)
        write("Activate the course environment first: . .venv/bin/activate "
              "(Windows: .venv\\\\Scripts\\\\activate); if there is no .venv, set it up as "
              "README.md says (its Set up lines install the course wheel in this folder).")
        return
    notebooks = [a for a in config.args if str(a).endswith(".ipynb")]
    # 5: no tests were collected; 4: a notebook named on the command line "not found"
    if int(exitstatus) != 5 and not (int(exitstatus) == 4 and notebooks):
        return
    write("")
    write("No tests ran: pytest does not read notebooks by itself. To grade your saved "
          "notebooks, run in this folder:", bold=True)
    write("    " + GRADE)
    write("and for one notebook:")
    one = notebooks[0] if notebooks else os.path.join("assignments", "{first}", "{first}.ipynb")
    write("    python -m pytest --pyargs backprop_lab --submission " + str(one))
    if not os.environ.get("VIRTUAL_ENV"):
        write("First activate the course environment: . .venv/bin/activate "
              "(Windows: .venv\\\\Scripts\\\\activate); set it up as README.md says.")
"""

KIT_PYTEST_INI = """\
# This folder is the root for pytest: see conftest.py and README.md for how to grade.
[pytest]
"""


def setup_block(package: str) -> str:
    """The README's set-up commands for the kit folder; `package` is a pip requirement."""
    return "\n".join([
        "python3 -m venv .venv",
        f'.venv/bin/python -m pip install "{package}"',
        ".venv/bin/python -m backprop_lab student-tools",
    ])


def _student_requirement(wheel: str | None, url: str | None) -> str:
    if url:
        return f"backprop-lab[student] @ {url}"
    return f"./{wheel}[student]"


# ---------------------------------------------------------------- hiding nbgrader's tools

def hide_instructor_tools(config: Path | None = None) -> list[Path]:
    """Turn off nbgrader's instructor tools and its assignment list in this Python
    environment (its Jupyter config folder, `config` to name another); Validate stays.

    Writes Jupyter's JSON config directly, as `jupyter labextension disable` and `lock` and
    `jupyter server extension disable --sys-prefix` would, without starting Jupyter seven
    times (48 s and a JupyterLab notice printed three times). The environment's level is
    the one that counts: in a virtual environment Jupyter prefers it to the user's config,
    and nbgrader enables its extensions there. Returns the files written."""
    config = Path(config) if config is not None else Path(sys.prefix) / "etc" / "jupyter"
    page = config / "labconfig" / "page_config.json"
    data = _read_json(page)
    for key in ("disabledExtensions", "lockedExtensions"):
        value = data.get(key)
        if isinstance(value, list):   # JupyterLab 3 wrote lists
            value = {name: True for name in value}
        value = dict(value or {})
        value.update({plugin: True for plugin in INSTRUCTOR_LAB_PLUGINS})
        data[key] = value
    _write_json(page, data)
    server = config / "jupyter_server_config.json"
    data = _read_json(server)
    extensions = data.setdefault("ServerApp", {}).setdefault("jpserver_extensions", {})
    extensions.update({ext: False for ext in INSTRUCTOR_SERVER_EXTENSIONS})
    _write_json(server, data)
    return [page, server]


def _read_json(path: Path) -> dict:
    import json
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except ValueError as exc:
        raise KitError(f"{path} is not valid JSON ({exc}): fix or remove it") from None
    return data if isinstance(data, dict) else {}


def _write_json(path: Path, data: dict) -> None:
    import json
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")


# ---------------------------------------------------------------- the wheel

def source_tree() -> Path | None:
    """The repository this package runs from (an editable or source install), if any."""
    root = Path(__file__).resolve().parent.parent.parent
    if (root / "pyproject.toml").is_file() and (root / "autograder" / "course" / "student_kit.py").is_file():
        return root
    return None


def build_wheel(into: Path) -> Path:
    """Build the course package's wheel from the source tree into `into`: from a copy of
    pyproject.toml, README.md and the package alone, so nothing else can go in."""
    import shutil
    import subprocess
    import tempfile
    root = source_tree()
    if root is None:
        raise KitError("this installation is not a source tree, so it cannot build the course "
                       "wheel: pass --wheel FILE (python -m pip wheel --no-deps COURSE) or "
                       "--package URL")
    into.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="backprop-wheel-") as tmp:
        tree = Path(tmp) / "tree"
        tree.mkdir()
        for name in ("pyproject.toml", "README.md"):
            shutil.copy(root / name, tree / name)
        shutil.copytree(root / "autograder", tree / "autograder",
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                               str(tree), "-w", str(Path(tmp) / "dist")],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            raise KitError(f"building the course wheel failed:\\n{proc.stderr.strip()}")
        (wheel,) = (Path(tmp) / "dist").glob("*.whl")
        target = into / wheel.name
        shutil.copy(wheel, target)
    return target


def check_wheel(wheel: Path) -> None:
    """Refuse a wheel that is not the course package or carries unreleased notebooks."""
    if not zipfile.is_zipfile(wheel):
        raise KitError(f"{wheel} is not a wheel (not a zip file)")
    package = __name__.split(".")[0]   # the import name the wheel must hold
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        if f"{package}/course/student_kit.py" not in names:
            raise KitError(f"{wheel} is not the course package (no {package}/ in it)")
        for name in names:
            top = name.split("/")[0]
            if not (top == package or top.endswith((".dist-info", ".data"))):
                raise KitError(f"{wheel} holds `{name}`: only the course package may go out")
            if name.endswith(".ipynb"):
                check_clean(zf.read(name).decode("utf-8"), f"{wheel}:{name}")


def build_kit(out: Path, wheel: Path | None = None, package: str | None = None
              ) -> tuple[Path, Path]:
    """Write OUT/backprop-lab-student/ and OUT/backprop-lab-student.zip; returns both.

    The kit holds the course wheel (`wheel`, else built from this source tree), unless
    `package` names where students get it (a URL pip can install)."""
    import shutil
    import tempfile
    out = Path(out)
    folder = out / KIT_NAME
    if folder.exists():
        raise KitError(f"{folder} exists: remove it or choose another folder")
    if wheel is not None and package is not None:
        raise KitError("give the wheel (--wheel) or where it is hosted (--package), not both")
    notebooks = {a: released_notebook(a) for a in ASSIGNMENTS}   # all present before writing
    for source in notebooks.values():
        check_clean(source.read_text(encoding="utf-8"), str(source))
    with tempfile.TemporaryDirectory(prefix="backprop-kit-") as tmp:
        if package is None:
            if wheel is None:
                wheel = build_wheel(Path(tmp))
            elif not Path(wheel).is_file():
                raise KitError(f"no wheel at {wheel}")
            check_wheel(Path(wheel))
        folder.mkdir(parents=True)
        if wheel is not None:
            shutil.copy(wheel, folder / Path(wheel).name)
    for assignment, source in notebooks.items():
        target = folder / "assignments" / assignment / f"{assignment}.ipynb"
        target.parent.mkdir(parents=True)
        target.write_bytes(source.read_bytes())
    requirement = _student_requirement(Path(wheel).name if wheel else None, package)
    first = ASSIGNMENTS[0]
    (folder / "README.md").write_text(
        STUDENT_README.format(assignments=", ".join(f"`{a}`" for a in ASSIGNMENTS),
                              first=first, versions=PYTHON_VERSIONS,
                              setup=setup_block(requirement),
                              package=Path(wheel).name if wheel else package),
        encoding="utf-8")
    (folder / "conftest.py").write_text(KIT_CONFTEST.replace("{first}", first),
                                        encoding="utf-8")
    (folder / "pytest.ini").write_text(KIT_PYTEST_INI, encoding="utf-8")
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
    where = kit.add_mutually_exclusive_group()
    where.add_argument("--wheel", type=Path, metavar="FILE",
                       help="the course wheel to put in the kit (default: build it from this "
                            "source tree)")
    where.add_argument("--package", metavar="URL",
                       help="where students download the course wheel (the kit then holds "
                            "none; its README installs from URL)")
    kit.set_defaults(run=run_student_kit)
    tools = sub.add_parser("student-tools", help="hide nbgrader's instructor tools and "
                           "assignment list in this environment (the student kit's set-up)")
    tools.set_defaults(run=run_student_tools)
    get = sub.add_parser("fetch", help="write a fresh student notebook into the current folder")
    get.add_argument("assignment", metavar="ID", help=", ".join(ASSIGNMENTS))
    get.add_argument("--force", action="store_true", help="replace an existing file")
    get.set_defaults(run=run_fetch)


def run_student_kit(opts: argparse.Namespace) -> int:
    try:
        folder, archive = build_kit(opts.out, opts.wheel, opts.package)
    except KitError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"wrote {folder}/ and {archive}")
    return 0


def run_student_tools(opts: argparse.Namespace) -> int:
    try:
        hide_instructor_tools()
    except (KitError, OSError) as exc:
        print(exc, file=sys.stderr)
        return 1
    print("nbgrader's instructor tools and assignment list are now hidden in this environment "
          "(Validate stays).")
    return 0


def run_fetch(opts: argparse.Namespace) -> int:
    try:
        path = fetch(opts.assignment, Path("."), opts.force)
    except KitError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"wrote {path}")
    return 0
