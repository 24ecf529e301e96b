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

import ast
import errno
import json
import math
import os
import re
import stat
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

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
# how a grading plan labels the trusted given cells (every other child cell is the student's)
GIVEN_LABEL = "given cell"


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
    # names defined in cells the student added that are not graded, and why (for messages)
    left_out: dict[str, str] = field(default_factory=dict)


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
# JSON items of one notebook (its `,` `[` `{` `:` bytes, counted before parsing: an upper
# bound). Parsing costs up to about 64 bytes of memory per item, so 256 MB of `{},` would take
# 7 GB of the grader, which reads every notebook itself; 2 million take at most about 130 MB.
# The course's notebooks hold about 4,000; outputs add one per line or value printed.
MAX_NOTEBOOK_ITEMS = 2_000_000


def _kind_of_file(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISLNK, "a symbolic link")):
        if test(mode):
            return name
    return "not a regular file"


def _size(limit: int) -> str:
    return f"{limit // 2 ** 20} MB" if limit >= 2 ** 20 else f"{limit} bytes"


def read_bytes(path: str | Path, follow_links: bool = True, limit: int = MAX_NOTEBOOK_BYTES,
               what: str = "a notebook") -> bytes:
    """The content of a regular file, opened so that nothing can block or redirect the read:
    without following a link as the last component (unless `follow_links`), without waiting
    for a writer (a named pipe), refused unless fstat says it is a regular file, and of at
    most `limit` bytes (`what` names the file in that message). A plain NotebookError
    otherwise. Every file a student controls is read this way: notebooks, timestamp.txt."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    if not follow_links:
        if os.path.islink(path):   # where O_NOFOLLOW does not exist
            raise NotebookError(f"cannot read {path}: a symbolic link (links are not read)")
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP and not follow_links:
            raise NotebookError(f"cannot read {path}: a symbolic link (links are not read)"
                                ) from None
        raise NotebookError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotebookError(f"cannot read {path}: {_kind_of_file(st.st_mode)}, "
                                f"not a regular file")
        if st.st_size > limit:
            raise NotebookError(f"cannot read {path}: {st.st_size} bytes, more than {what} "
                                f"may have ({_size(limit)})")
        chunks, size = [], 0
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise NotebookError(f"cannot read {path}: it grew past {_size(limit)} "
                                    f"while read")
        return b"".join(chunks)
    except OSError as exc:
        raise NotebookError(f"cannot read {path}: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def read_notebook(path: str | Path, follow_links: bool = True,
                  limit: int = MAX_NOTEBOOK_BYTES) -> Notebook:
    """Parse a notebook into cells; NotebookError (with a plain message) if it can't be read.

    A submission is read with follow_links=False: a link is refused (see read_bytes)."""
    path = Path(path)
    data = read_bytes(path, follow_links, limit)
    if sum(data.count(c) for c in b",[{:") > MAX_NOTEBOOK_ITEMS:
        raise NotebookError(f"{path} holds more than {MAX_NOTEBOOK_ITEMS:,} JSON items (lists, "
                            "values, lines of output), too many to grade: clear its outputs "
                            "(Edit > Clear Outputs of All Cells), save it and submit it again")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotebookError(f"cannot read {path}: {exc}") from None
    del data
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
    except (TypeError, ValueError, AttributeError, ArithmeticError, RecursionError,
            MemoryError) as exc:   # any value JSON holds: a 400-digit `points` overflows
        raise NotebookError(f"{path} has a malformed cell: "
                            f"{one_line(str(exc))[:200] or type(exc).__name__}") from None
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
    child_cells, warnings, later, answers = [], [], {}, set()
    for cell in trusted.cells:
        if cell.kind == GIVEN:
            child_cells.append((f"{GIVEN_LABEL} `{cell.grade_id}`", cell.source))
        elif cell.kind == SOLUTION:
            found, warning = find_solution(submission, cell.grade_id)
            if warning:
                warnings.append(warning)
            if found is not None:
                child_cells.append((f"your cell `{cell.grade_id}`", found.source))
                start = next(i for i, c in enumerate(cells) if c is found)
                answers.add(start)
                for i in later_definitions(cells, start, cell.grade_id, functions):
                    later.setdefault(i, []).append(cell.grade_id)
    helpers, left_out = helper_cells(trusted, cells, functions, set(later) | answers)
    child_cells = with_helpers(child_cells, helpers, cells)
    repeats: dict[str, int] = {}   # one note per set of functions, however many cells
    for i, names in sorted(later.items()):
        listed = ", ".join(f"`{name}`" for name in names)
        child_cells.append((f"your later cell defining {listed}", cells[i].source))
        repeats[listed] = repeats.get(listed, 0) + 1
    for listed, count in repeats.items():
        warnings.append(f"a later cell defines {listed} again; as when the notebook runs top "
                        "to bottom, the tests grade that definition" if count == 1 else
                        f"{count} later cells: each defines {listed} again; as when the "
                        "notebook runs top to bottom, each test grades the last definition "
                        "above it")
    for names, why in left_out:
        warnings.append(f"your cell defining {', '.join(f'`{n}`' for n in names)} is not "
                        f"graded: {why}")
    return GradingPlan(assignment=trusted.assignment, functions=tuple(functions),
                       child_cells=tuple(child_cells), tests=tests_of(trusted),
                       warnings=tuple(warnings),
                       left_out={n: why for names, why in left_out for n in names})


# ---------------------------------------------------------------- the student's own cells

# What a cell the student added may hold to be graded with the answer cells (its helper
# functions, constants, imports): it then runs in the child, as in the notebook; any other
# statement (a call, a print, an experiment) keeps the whole cell out.
DEFINITION_ONLY = ("functions, classes, imports and constants (`NAME = 1e-8`)")


def _constant(node: ast.AST) -> bool:
    """A value without calls: literals, names, attributes, arithmetic, containers of them."""
    if isinstance(node, (ast.Constant, ast.Name)):
        return True
    if isinstance(node, ast.Attribute):
        return _constant(node.value)
    if isinstance(node, ast.UnaryOp):
        return _constant(node.operand)
    if isinstance(node, ast.BinOp):
        return _constant(node.left) and _constant(node.right)
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return all(_constant(e) for e in node.elts)
    if isinstance(node, ast.Dict):
        return all(k is not None and _constant(k) for k in node.keys) and \
            all(_constant(v) for v in node.values)
    return False


def definitions(source: str) -> tuple[list[str] | None, str]:
    """The top-level names a cell defines if it only defines (see DEFINITION_ONLY), else None
    and the first line that does something else."""
    from .text import strip_magics
    try:
        tree = ast.parse(strip_magics(source))
    except (SyntaxError, ValueError) as exc:
        return None, f"it does not parse ({exc.__class__.__name__})"
    except (RecursionError, MemoryError):   # Python's parser gives up on deep nesting
        return None, "it is nested too deeply to be read"
    try:
        return _definitions(tree, source)
    except RecursionError:   # an expression too deep for _constant
        return None, "it is nested too deeply to be read"


def _definitions(tree: ast.Module, source: str) -> tuple[list[str] | None, str]:
    names: list[str] = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defaults = [] if isinstance(node, ast.ClassDef) else \
                node.args.defaults + [d for d in node.args.kw_defaults if d is not None]
            decorators_ok = all(_constant(d) or (isinstance(d, ast.Call) and _constant(d.func))
                                for d in node.decorator_list)
            if decorators_ok and all(_constant(d) for d in defaults):
                names.append(node.name)
                continue
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            if not any(a.name == "*" for a in node.names):
                names += [(a.asname or a.name).split(".")[0] for a in node.names]
                continue
        elif isinstance(node, ast.Assign):
            if all(isinstance(t, ast.Name) for t in node.targets) and _constant(node.value):
                names += [t.id for t in node.targets]
                continue
        elif isinstance(node, ast.AnnAssign):
            if isinstance(node.target, ast.Name) and node.value is not None and \
                    _constant(node.value):
                names.append(node.target.id)
                continue
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue   # a docstring or a bare literal
        elif isinstance(node, ast.Pass):
            continue
        line = source.splitlines()[node.lineno - 1].strip() if node.lineno else ""
        line = line if len(line) <= 60 else line[:57] + "..."
        return None, f"line {node.lineno} is not a definition (`{line}`)"
    return names, ""


def helper_cells(trusted: Notebook, cells: tuple[Cell, ...], functions: list[str],
                 taken: set[int]) -> tuple[list[tuple[int, str, str]], list]:
    """The cells the student added that only define helpers: (index, label, source), and
    the cells left out that define names a graded function may use ((names, why), ...).

    A cell of the notebook's own (the same source as an unlabelled cell of the trusted copy,
    such as an experiment) is not the student's; nor are cells already run for a graded
    function. A cell that defines a graded function or a name the given cells define stays
    out: the grader keeps those as the notebook gives them."""
    own = {c.source.strip() for c in trusted.cells if c.kind == OTHER}
    given_names: set[str] = set()
    for cell in trusted.of_kind(GIVEN):
        found, _ = definitions(cell.source)
        given_names.update(found or defined_functions(cell.source))
    helpers, left_out = [], []
    for i, cell in enumerate(cells):
        if cell.kind != OTHER or i in taken or not cell.has_code or \
                cell.source.strip() in own:
            continue
        names, why = definitions(cell.source)
        if names is None:
            defined = defined_functions(cell.source)
            if defined:
                left_out.append((defined, f"{why}; a helper must sit in the answer cell or "
                                          f"in a cell that holds only {DEFINITION_ONLY}"))
            continue
        clash = [n for n in names if n in functions or (n in given_names and not
                 _is_import_of(cell.source, n))]
        if clash:
            left_out.append(([n for n in names if n not in clash] or clash,
                             f"it redefines {', '.join(f'`{n}`' for n in clash)}, which the "
                             "notebook gives or grades elsewhere"))
            continue
        shown = ", ".join(f"`{n}`" for n in names[:8]) + (", ..." if len(names) > 8 else "")
        helpers.append((i, f"your cell defining {shown}", cell.source))
    return helpers, left_out


def _is_import_of(source: str, name: str) -> bool:
    """Whether `name` comes into the cell by an import (`import numpy as np` again is fine)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return any(isinstance(node, (ast.Import, ast.ImportFrom)) and
               any((a.asname or a.name).split(".")[0] == name for a in node.names)
               for node in tree.body)


def with_helpers(child_cells: list[tuple[str, str]], helpers: list[tuple[int, str, str]],
                 cells: tuple[Cell, ...]) -> list[tuple[str, str]]:
    """Insert each helper cell before the first answer cell that comes after it in the
    notebook (as Jupyter runs it top to bottom), else after the last one."""
    if not helpers:
        return child_cells
    position = []   # the notebook index of each child cell that is a student's answer
    for label, source in child_cells:
        index = next((i for i, c in enumerate(cells) if c.source is source), None) \
            if label.startswith("your cell `") else None
        position.append(index)
    result: list[tuple[str, str]] = []
    pending = list(helpers)
    for (label, source), index in zip(child_cells, position):
        while pending and index is not None and pending[0][0] < index:
            result.append(pending.pop(0)[1:])
        result.append((label, source))
    result += [h[1:] for h in pending]
    return result


def tests_of(trusted: Notebook) -> tuple[Test, ...]:
    """The test cells that have code (a hidden-test cell of a student copy has none)."""
    return tuple(Test(c.grade_id, c.source, c.points) for c in trusted.of_kind(TEST) if c.has_code)


def given_source(trusted: Notebook) -> str:
    """The given cells as one program: what the grader runs before the test cells."""
    return "\n\n".join(c.source for c in trusted.of_kind(GIVEN))


# The released (student) notebooks the installed package carries, and, in a checkout of the
# repository, its assignments/ folder.
RELEASED = Path(__file__).resolve().parent / "released"
CHECKOUT_ASSIGNMENTS = Path(__file__).resolve().parent.parent / "assignments"


def instructor_tree(course: Path) -> bool:
    """Whether `course` is an instructor's course (it has source/, the notebooks with answers)."""
    return (Path(course) / "source").is_dir()


def trusted_path(course: Path, assignment: str, hidden: bool) -> Path:
    """The trusted copy of an assignment: its test cells are the ones that grade.

    With `hidden`, the instructor's source/<id>/<id>.ipynb. Without, in an instructor's course
    (source/ present), its assignments/<id>/<id>.ipynb; anywhere else (a student's folder, a
    temporary folder) the released notebook the package carries (autograder/released/<id>.ipynb),
    else the repository checkout's assignments/ the package was installed from, else the
    course's assignments/ (a folder of a student's own copies is never preferred: its test
    cells are the student's to edit).
    """
    name = f"{assignment}.ipynb"
    course = Path(course)
    if hidden:
        return course / "source" / assignment / name
    if instructor_tree(course):
        return course / "assignments" / assignment / name
    for path in (RELEASED / name, CHECKOUT_ASSIGNMENTS / assignment / name):
        if path.is_file():
            return path
    return course / "assignments" / assignment / name


def graded_ids(notebook: Notebook) -> frozenset[str]:
    """The nbgrader ids of a notebook's solution and test cells: they name its assignment."""
    return frozenset(c.grade_id for c in notebook.cells
                     if c.grade_id and c.kind in (SOLUTION, TEST))


_ID_CACHE: dict[tuple[Path, float], frozenset[str]] = {}


def assignment_index(course: Path, hidden: bool = False) -> dict[str, frozenset[str]]:
    """Each assignment's solution and test cell ids, read from its trusted copy (the copies
    that exist; read once per file version)."""
    index = {}
    for assignment in ASSIGNMENTS:
        path = trusted_path(course, assignment, hidden)
        try:
            key = (path.resolve(), path.stat().st_mtime)
            if key not in _ID_CACHE:
                _ID_CACHE[key] = graded_ids(read_notebook(path))
        except (OSError, NotebookError):
            continue
        index[assignment] = _ID_CACHE[key]
    return index


def identify(notebook: Notebook, index: dict[str, frozenset[str]]) -> tuple[str | None, str]:
    """The assignment a notebook belongs to by its content, and why not if none.

    Its solution and test cells keep the nbgrader ids of the released notebook wherever the
    file goes and whatever it is called; the assignment whose ids it holds most of is its
    assignment. None (with the reason) when it holds none, or as many of two assignments'."""
    ids = {c.grade_id for c in notebook.cells if c.grade_id}
    counts = sorted(((len(ids & known), a) for a, known in index.items() if ids & known),
                    reverse=True)
    if not counts:
        return None, "no cell of it carries the nbgrader id of a known assignment's cell"
    if len(counts) > 1 and counts[0][0] == counts[1][0]:
        return None, (f"its cells belong as much to `{counts[0][1]}` as to `{counts[1][1]}` "
                      f"({counts[0][0]} nbgrader ids each)")
    return counts[0][1], ""


def assignment_of(path: Path, index: dict[str, frozenset[str]]) -> tuple[str | None, str]:
    """A notebook's assignment: from its content (see identify), else from its file name
    `<id>.ipynb`; None with the reason when neither says."""
    try:
        found, why = identify(read_notebook(path, follow_links=False), index)
    except NotebookError as exc:
        found, why = None, shown(str(exc))   # it names the path: student text
    if found is not None:
        return found, ""
    if path.stem in ASSIGNMENTS:
        return path.stem, ""
    return None, f"not recognized as an assignment: {why}, and its name is not <id>.ipynb"


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
    """A notebook to grade, the student id (safe as a file name) it is reported under, and
    its assignment (None: from its file name)."""

    path: Path
    student: str | None = None
    assignment: str | None = None


@dataclass(frozen=True)
class Skipped:
    """A file found and not graded. In an nbgrader tree, `student` and `assignment` say
    whose submission folder it was found in (the student id as used, safe)."""

    path: str      # as shown (see `shown`)
    reason: str
    student: str | None = None
    assignment: str | None = None


@dataclass
class Discovery:
    found: list[Found] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)   # (id as shown, id used)
    # the nbgrader trees met (their `submitted` folders), and each student folder's name
    # (cleaned) with the id it is reported under
    trees: list[Path] = field(default_factory=list)
    students: dict[str, str] = field(default_factory=dict)

    def unrecognized(self) -> dict[tuple[str, str], list[Skipped]]:
        """(student, assignment) submission folders in which nothing was graded, though
        something was there: what was there, and why it was not graded."""
        graded = {(f.student, f.assignment) for f in self.found}
        pairs: dict[tuple[str, str], list[Skipped]] = {}
        for s in self.skipped:
            if s.student is not None and s.assignment is not None \
                    and (s.student, s.assignment) not in graded:
                pairs.setdefault((s.student, s.assignment), []).append(s)
        return pairs


SUBMISSION_LAYOUT = "submitted/<student>/<assignment>/<notebook>.ipynb"

Identify = Callable[[Path], tuple["str | None", str]]


def discover(paths: list[str], default: Path, identify: Identify | None = None) -> Discovery:
    """The notebooks to grade among `paths` (default: `default`), and what was passed over.

    A named file is graded if it is a regular file (not a link). A named folder is searched
    without following links. In an nbgrader tree (below a folder named `submitted`: the
    named one, one inside it, or one up to two levels above it) the folder names the student
    and the assignment: a notebook directly in submitted/<student>/<assignment>/ is that
    assignment's submission, whatever its file name, when it is the only one there; of
    several, the one named <assignment>.ipynb is, and the others are skipped; several and
    none so named, none is graded (each listed with the reason). Elsewhere every notebook
    is graded whose assignment `identify(path)` names (by its content, else its name: see
    assignment_of; without `identify`, by its name only). Everything else found with the
    .ipynb suffix is listed as skipped with the reason, and so is every link and every file
    that is not a regular file. Student ids are made safe as file names; an id that had to
    change and would then be another's gets -2, -3, ... (in sorted order of the original
    ids), and is listed in `renamed`. NotebookError for a path that does not exist.
    """
    identify = identify or _by_name
    found: list[tuple[Path, str | None, str | None]] = []
    skipped: list[tuple[Skipped, str | None]] = []   # with the raw student id
    trees: list[Path] = []
    for raw in paths or [str(default)]:
        path = Path(raw)
        try:
            st = os.lstat(path)
        except OSError:
            raise NotebookError(f"no such file or folder: {shown(raw)}") from None
        if stat.S_ISDIR(st.st_mode) or (stat.S_ISLNK(st.st_mode) and path.is_dir()):
            _search(path, found, skipped, trees, identify)   # a named folder is entered
            continue
        parts = Path(os.path.abspath(path)).parts
        tree = len(parts) >= 4 and parts[-4] == "submitted"
        student = clean(parts[-3]) if tree else None
        folder = parts[-2] if tree and parts[-2] in ASSIGNMENTS else None
        if tree:
            _add_tree(trees, Path(*parts[:-3]))
        if not stat.S_ISREG(st.st_mode):
            skipped.append((Skipped(shown(raw), f"{_kind_of_file(st.st_mode)}, not a regular "
                                                "file: not graded", assignment=folder), student))
        else:
            found.append((path, student, folder or identify(path)[0]))
    ids = {s for _, s, _ in found if s is not None} | {s for _, s in skipped if s is not None}
    mapping, renamed = _safe_ids(sorted(ids))
    return Discovery(
        [Found(p, mapping.get(s) if s is not None else None, a) for p, s, a in found],
        [replace(k, student=mapping[s]) if s is not None else k for k, s in skipped],
        renamed, trees, mapping)


def _by_name(path: Path) -> tuple[str | None, str]:
    if path.stem in ASSIGNMENTS:
        return path.stem, ""
    return None, ("not named after an assignment ("
                  + ", ".join(a + ".ipynb" for a in ASSIGNMENTS) + ")")


def _add_tree(trees: list[Path], tree: Path) -> None:
    if tree not in trees:
        trees.append(tree)


def _search(folder: Path, found: list, skipped: list, trees: list[Path],
            identify: Identify) -> None:
    top = len(Path(os.path.abspath(folder)).parts)
    before = len(found)
    outside: list[tuple[Path, str | None, str | None]] = []
    # submitted/<student>/<assignment>/: the notebooks directly in it, and what else was there
    folders: dict[tuple[str, str], list[Path]] = {}
    for path, st in _walk(folder, skipped):
        parts = Path(os.path.abspath(path)).parts
        roots = [i for i, part in enumerate(parts[:-1]) if part == "submitted" and i >= top - 3]
        for i in roots:
            _add_tree(trees, Path(*parts[:i + 1]))
        place = roots and len(parts) - roots[-1] >= 4
        student = clean(parts[roots[-1] + 1]) if place else None
        assignment = parts[roots[-1] + 2] if place else None
        in_folder = bool(place) and len(parts) - roots[-1] == 4
        owner = (student, assignment if assignment in ASSIGNMENTS else None)

        def skip(reason: str, path=path) -> None:
            skipped.append((Skipped(shown(str(path)), reason, assignment=owner[1]), owner[0]))

        if stat.S_ISLNK(st.st_mode):
            skip("a symbolic link: links are not followed")
            continue
        if not path.name.endswith(".ipynb"):
            continue
        if not stat.S_ISREG(st.st_mode):
            skip(f"{_kind_of_file(st.st_mode)}, not a regular file")
        elif ".ipynb_checkpoints" in path.parts:
            skip("an editor checkpoint")
        elif not roots:
            assignment, why = identify(path)
            if assignment is None:
                skip(why)
            else:
                outside.append((path, None, assignment))
        elif not in_folder:
            skip(f"not a submission: in an nbgrader tree only {SUBMISSION_LAYOUT} is graded")
        elif assignment not in ASSIGNMENTS:
            skip(f"not a submission: its folder `{shown(assignment)}` is not an assignment ("
                 + ", ".join(ASSIGNMENTS) + ")")
        else:
            folders.setdefault((parts[-3], assignment), []).append(path)
    for (raw_student, assignment), notebooks in folders.items():
        student = clean(raw_student)
        named = [p for p in notebooks if p.name == f"{assignment}.ipynb"]
        if len(notebooks) == 1 or named:
            chosen = notebooks[0] if len(notebooks) == 1 else named[0]
            found.append((chosen, student, assignment))
            for other in notebooks:
                if other != chosen:
                    skipped.append((Skipped(shown(str(other)), f"not the submission: "
                                            f"{assignment}.ipynb in the same folder is",
                                            assignment=assignment), student))
            continue
        for path in notebooks:
            skipped.append((Skipped(shown(str(path)), f"{len(notebooks)} notebooks in "
                                    f"the submission folder and none is named "
                                    f"{assignment}.ipynb: which one to grade is unclear",
                                    assignment=assignment), student))
    mine = outside + [f for f in found[before:]]
    del found[before:]
    # each student's notebooks together, in course order
    found.extend(sorted(mine, key=lambda f: (f[0].parent.parent, ASSIGNMENTS.index(f[2]),
                                             f[0])))


def _walk(folder: Path, skipped: list):
    """(path, lstat result) of everything below `folder`, links not followed; a folder that
    cannot be listed is added to `skipped` as (Skipped, None)."""
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        skipped.append((Skipped(shown(str(folder)), f"cannot be searched: {exc.strerror or exc}"),
                        None))
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
