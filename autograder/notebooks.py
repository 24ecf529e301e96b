"""Reading notebooks: which cells are given code, solutions and tests, and what gets graded.

The trusted copy of an assignment (`source/` with hidden tests, `assignments/` without)
supplies the given cells and the test cells; a submission supplies only the code of its
graded functions: each one's solution cell, matched by `grade_id` (or, when an editor
stripped nbgrader's metadata, by the function the cell defines), and the cells that define
it again before its test, as when the notebook runs top to bottom (see make_plan).

A notebook's text is student text: every cell's source and label is `text.clean`ed as it is
read (a `\\ud800` escape in the JSON would otherwise be a lone surrogate).
"""
from __future__ import annotations

import errno
import json
import math
import os
import re
import stat
from dataclasses import dataclass, field, replace
from pathlib import Path

from .assignments import ASSIGNMENTS
from .text import clean, one_line

GIVEN, SOLUTION, TEST, OTHER = "given", "solution", "test", "other"


class NotebookError(Exception):
    """A notebook that cannot be read or does not belong to a known assignment."""


@dataclass(frozen=True)
class Cell:
    kind: str          # GIVEN, SOLUTION, TEST or OTHER
    grade_id: str      # "" for cells without nbgrader metadata
    source: str
    points: float = 0.0

    @property
    def has_code(self) -> bool:
        """False for a cell of comments only, such as a hidden-test cell in a student copy."""
        return any(line.strip() and not line.strip().startswith("#")
                   for line in self.source.splitlines())


@dataclass(frozen=True)
class Notebook:
    path: Path
    cells: tuple[Cell, ...]

    @property
    def assignment(self) -> str:
        return self.path.stem

    def of_kind(self, kind: str) -> list[Cell]:
        return [c for c in self.cells if c.kind == kind]


HIDDEN_MARKER = "### BEGIN HIDDEN TESTS"


@dataclass(frozen=True)
class Test:
    __test__ = False   # not a pytest test class

    grade_id: str
    source: str
    points: float

    @property
    def hidden(self) -> bool:
        return HIDDEN_MARKER in self.source


@dataclass(frozen=True)
class GradingPlan:
    """What to run for one submission: the child's code cells and the grader's test cells."""

    assignment: str
    functions: tuple[str, ...]                 # graded function names, in notebook order
    child_cells: tuple[tuple[str, str], ...]   # (label, source), run in order in the child
    tests: tuple[Test, ...]
    warnings: tuple[str, ...] = ()


def _kind(meta: dict) -> str:
    nbg = meta.get("nbgrader") or {}
    if nbg.get("grade") and not nbg.get("solution"):
        return TEST
    if nbg.get("solution"):
        return SOLUTION
    if nbg.get("locked"):
        return GIVEN
    return OTHER


MAX_NOTEBOOK_BYTES = 256 * 2 ** 20


def _kind_of_file(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISLNK, "a symbolic link")):
        if test(mode):
            return name
    return "not a regular file"


def read_bytes(path: str | Path, follow_links: bool = True) -> bytes:
    """The content of a regular file, opened so that nothing can block or redirect the read:
    without following a link as the last component (unless `follow_links`), without waiting
    for a writer (a named pipe), refused unless fstat says it is a regular file. A plain
    NotebookError otherwise."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    if not follow_links:
        if os.path.islink(path):   # where O_NOFOLLOW does not exist
            raise NotebookError(f"cannot read {path}: a symbolic link (links are not graded)")
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP and not follow_links:
            raise NotebookError(f"cannot read {path}: a symbolic link (links are not graded)"
                                ) from None
        raise NotebookError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotebookError(f"cannot read {path}: {_kind_of_file(st.st_mode)}, "
                                f"not a regular file")
        if st.st_size > MAX_NOTEBOOK_BYTES:
            raise NotebookError(f"cannot read {path}: {st.st_size} bytes, more than a notebook "
                                f"may have ({MAX_NOTEBOOK_BYTES // 2 ** 20} MB)")
        chunks, size = [], 0
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_NOTEBOOK_BYTES:
                raise NotebookError(f"cannot read {path}: it grew past "
                                    f"{MAX_NOTEBOOK_BYTES // 2 ** 20} MB while read")
        return b"".join(chunks)
    except OSError as exc:
        raise NotebookError(f"cannot read {path}: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def read_notebook(path: str | Path, follow_links: bool = True) -> Notebook:
    """Parse a notebook into cells; NotebookError (with a plain message) if it can't be read.

    A submission is read with follow_links=False: a link is refused (see read_bytes)."""
    path = Path(path)
    try:
        text = read_bytes(path, follow_links).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotebookError(f"cannot read {path}: {exc}") from None
    if not text.strip():
        raise NotebookError(f"{path} is empty")
    # Plain JSON, not nbformat: its schema validation costs a second per process, and the
    # grader needs only the code cells, checked here as they are read.
    try:
        nb = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise NotebookError(f"{path} is not a valid notebook (broken JSON: {exc})") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise NotebookError(f"{path} is not a notebook (no list of cells)")
    version = nb.get("nbformat", 4)
    if not isinstance(version, int) or isinstance(version, bool):
        raise NotebookError(f"{path} is not a notebook (its format number is {version!r})")
    if version < 4:
        raise NotebookError(f"{path} uses notebook format {version}; save it with "
                            "a current Jupyter (format 4)")
    try:
        cells = tuple(_code_cell(raw) for raw in nb["cells"]
                      if isinstance(raw, dict) and raw.get("cell_type") == "code")
    except (TypeError, ValueError, AttributeError) as exc:
        raise NotebookError(f"{path} has a malformed cell: {exc}") from None
    return Notebook(path=path, cells=cells)


def _code_cell(raw: dict) -> Cell:
    meta = raw.get("metadata") or {}
    nbg = meta.get("nbgrader") or {}
    source = raw.get("source", "")
    if isinstance(source, list):
        source = "".join(str(line) for line in source)
    points = float(nbg.get("points", 0) or 0)
    if not math.isfinite(points):
        raise ValueError(f"its points are {points}")
    return Cell(kind=_kind(meta), grade_id=clean(str(nbg.get("grade_id", ""))),
                source=clean(str(source)), points=points)


_DEF = re.compile(r"^def\s+([A-Za-z_]\w*)\s*\(", re.MULTILINE)


def defined_functions(source: str) -> list[str]:
    return _DEF.findall(source)


def find_solution(submission: Notebook, grade_id: str) -> tuple[Cell | None, str]:
    """The submission's cell for one graded function, and a warning if it was found by name."""
    by_id = [c for c in submission.cells if c.kind == SOLUTION and c.grade_id == grade_id]
    if by_id:
        warning = (f"{len(by_id)} solution cells are labelled `{grade_id}`; they run top to "
                   "bottom, as in Jupyter" if len(by_id) > 1 else "")
        return by_id[0], warning
    by_name = [c for c in submission.cells
               if c.kind != TEST and grade_id in defined_functions(c.source)]
    if by_name:
        return by_name[-1], (f"no cell is labelled `{grade_id}` (nbgrader metadata missing?); "
                             "used the cell that defines it")
    return None, f"`{grade_id}` is missing from the notebook (deleted or renamed?)"


def tested_function(test_id: str, functions: list[str]) -> str | None:
    """The graded function a test cell grades: its grade_id is test_<function>[_<aspect>]."""
    named = [f for f in functions if test_id == f"test_{f}" or test_id.startswith(f"test_{f}_")]
    return max(named, key=len, default=None)


def later_definitions(cells: tuple[Cell, ...], start: int, name: str,
                      functions: list[str]) -> list[int]:
    """Cells after cells[start] that define `name` again before its first test cell."""
    found = []
    for i in range(start + 1, len(cells)):
        cell = cells[i]
        if cell.kind == TEST and tested_function(cell.grade_id, functions) == name:
            break
        if cell.kind not in (TEST, GIVEN) and name in defined_functions(cell.source):
            found.append(i)
    return found


def make_plan(trusted: Notebook, submission: Notebook) -> GradingPlan:
    """Given cells and tests from `trusted`, the graded functions' code from `submission`.

    The submission is read as Jupyter runs it, top to bottom, except that its given and test
    cells never run (the trusted ones do). A cell whose grade_id names a cell of the trusted
    copy is that cell whatever its metadata now says, so a test relabelled as a solution is
    still a test. A graded function's code is its solution cell (the first one so labelled)
    and every later cell that defines the function again before its first test cell: that
    test grades the last definition above it. Those later cells run after all solution cells,
    in notebook order, each with a warning. (The grader keeps one definition per function:
    a cell run for one function that also redefines another after that one's test redefines
    it here too.)
    """
    roles = {c.grade_id: c.kind for c in trusted.cells if c.grade_id}
    cells = tuple(replace(c, kind=roles[c.grade_id]) if c.grade_id in roles else c
                  for c in submission.cells)
    submission = Notebook(path=submission.path, cells=cells)
    functions = [c.grade_id for c in trusted.of_kind(SOLUTION)]
    child_cells, warnings, later = [], [], {}
    for cell in trusted.cells:
        if cell.kind == GIVEN:
            child_cells.append((f"given cell `{cell.grade_id}`", cell.source))
        elif cell.kind == SOLUTION:
            found, warning = find_solution(submission, cell.grade_id)
            if warning:
                warnings.append(warning)
            if found is not None:
                child_cells.append((f"your cell `{cell.grade_id}`", found.source))
                start = next(i for i, c in enumerate(cells) if c is found)
                for i in later_definitions(cells, start, cell.grade_id, functions):
                    later.setdefault(i, []).append(cell.grade_id)
    for i, names in sorted(later.items()):
        listed = ", ".join(f"`{name}`" for name in names)
        child_cells.append((f"your later cell defining {listed}", cells[i].source))
        warnings.append(f"a later cell defines {listed} again; as when the notebook runs top "
                        "to bottom, the tests grade that definition")
    return GradingPlan(assignment=trusted.assignment, functions=tuple(functions),
                       child_cells=tuple(child_cells), tests=tests_of(trusted),
                       warnings=tuple(warnings))


def tests_of(trusted: Notebook) -> tuple[Test, ...]:
    """The test cells that have code (a hidden-test cell of a student copy has none)."""
    return tuple(Test(c.grade_id, c.source, c.points) for c in trusted.of_kind(TEST) if c.has_code)


def given_source(trusted: Notebook) -> str:
    """The given cells as one program: what the grader runs before the test cells."""
    return "\n\n".join(c.source for c in trusted.of_kind(GIVEN))


def trusted_path(course: Path, assignment: str, hidden: bool) -> Path:
    folder = "source" if hidden else "assignments"
    return Path(course) / folder / assignment / f"{assignment}.ipynb"


# ---------------------------------------------------------------- finding submissions

def shown(text: str) -> str:
    """A name found on disk as one visible line: `text.clean`, then `text.one_line`."""
    return one_line(clean(text))


def safe_name(name: str) -> str:
    """A student id as one harmless file name: letters, digits and `_.@+-` (anything else
    becomes `_`: no `/`, no control characters), no leading dot (so never `.` or `..`),
    never empty, at most 100 characters."""
    safe = re.sub(r"[^\w.@+-]", "_", name).lstrip(".")[:100]
    return safe or "_"


@dataclass(frozen=True)
class Found:
    """A notebook to grade, and the student id (safe as a file name) it is reported under."""

    path: Path
    student: str | None = None


@dataclass(frozen=True)
class Skipped:
    path: str      # as shown (see `shown`)
    reason: str


@dataclass
class Discovery:
    found: list[Found] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)   # (id as shown, id used)


SUBMISSION_LAYOUT = "submitted/<student>/<assignment>/<assignment>.ipynb"


def discover(paths: list[str], default: Path) -> Discovery:
    """The notebooks to grade among `paths` (default: `default`), and what was passed over.

    A named file is graded if it is a regular file (not a link). A named folder is searched
    without following links. In an nbgrader tree (below a folder named `submitted`: the
    named one, one inside it, or one up to two levels above it) only
    submitted/<student>/<assignment>/<assignment>.ipynb is a submission; elsewhere, any
    notebook named after an assignment. Everything else found
    with the .ipynb suffix is listed as skipped with the reason, and so is every link and
    every file that is not a regular file. Student ids are made safe as file names; an id
    that had to change and would then be another's gets -2, -3, ... (in sorted order of the
    original ids), and is listed in `renamed`. NotebookError for a path that does not exist.
    """
    found: list[tuple[Path, str | None]] = []
    skipped: list[Skipped] = []
    for raw in paths or [str(default)]:
        path = Path(raw)
        try:
            st = os.lstat(path)
        except OSError:
            raise NotebookError(f"no such file or folder: {shown(raw)}") from None
        if stat.S_ISDIR(st.st_mode) or (stat.S_ISLNK(st.st_mode) and path.is_dir()):
            found.extend(_search(path, skipped))   # a folder named by the user is entered
        elif not stat.S_ISREG(st.st_mode):
            skipped.append(Skipped(shown(raw), f"{_kind_of_file(st.st_mode)}, not a regular "
                                               "file: not graded"))
        else:
            parts = Path(os.path.abspath(path)).parts
            tree = len(parts) >= 4 and parts[-4] == "submitted"
            found.append((path, parts[-3] if tree else None))
    mapping, renamed = _safe_ids(sorted({s for _, s in found if s is not None}))
    return Discovery([Found(p, mapping.get(s) if s is not None else None) for p, s in found],
                     skipped, renamed)


def _search(folder: Path, skipped: list[Skipped]) -> list[tuple[Path, str | None]]:
    top = len(Path(os.path.abspath(folder)).parts)
    found = []
    for path, st in _walk(folder, skipped):
        if stat.S_ISLNK(st.st_mode):
            skipped.append(Skipped(shown(str(path)), "a symbolic link: links are not followed"))
            continue
        if not path.name.endswith(".ipynb"):
            continue
        if not stat.S_ISREG(st.st_mode):
            skipped.append(Skipped(shown(str(path)),
                                   f"{_kind_of_file(st.st_mode)}, not a regular file"))
            continue
        if ".ipynb_checkpoints" in path.parts:
            skipped.append(Skipped(shown(str(path)), "an editor checkpoint"))
            continue
        parts = Path(os.path.abspath(path)).parts
        trees = [i for i, part in enumerate(parts[:-1]) if part == "submitted" and i >= top - 3]
        if path.stem not in ASSIGNMENTS:
            skipped.append(Skipped(shown(str(path)), "not named after an assignment ("
                                   + ", ".join(a + ".ipynb" for a in ASSIGNMENTS) + ")"))
        elif not trees:
            found.append((path, None))
        elif trees[-1] == len(parts) - 4 and parts[-2] == path.stem:
            found.append((path, parts[-3]))
        else:
            skipped.append(Skipped(shown(str(path)), f"not a submission: in an nbgrader tree "
                                                     f"only {SUBMISSION_LAYOUT} is graded"))
    # each student's notebooks together, in course order
    return sorted(found, key=lambda f: (f[0].parent.parent, ASSIGNMENTS.index(f[0].stem)))


def _walk(folder: Path, skipped: list[Skipped]):
    """(path, lstat result) of everything below `folder`, links not followed."""
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        skipped.append(Skipped(shown(str(folder)), f"cannot be searched: {exc.strerror or exc}"))
        return
    for entry in entries:
        path = Path(entry.path)
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue   # gone since the folder was listed
        if stat.S_ISDIR(st.st_mode):
            yield from _walk(path, skipped)
        else:
            yield path, st


def _safe_ids(raw_ids: list[str]) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Each raw id's safe one: an id that is already safe keeps itself; the others, in the
    order given, get their safe form, with -2, -3, ... if that is taken."""
    taken = {r for r in raw_ids if safe_name(r) == r}
    mapping = {r: r for r in taken}
    renamed = []
    for raw in raw_ids:
        if raw in mapping:
            continue
        base = name = safe_name(raw)
        n = 1
        while name in taken:
            n += 1
            name = f"{base}-{n}"
        taken.add(name)
        mapping[raw] = name
        renamed.append((shown(raw), name))
    return mapping, renamed
