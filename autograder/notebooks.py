"""Reading notebooks: which cells are given code, solutions and tests, and what gets graded.

The trusted copy of an assignment (`source/` with hidden tests, `assignments/` without)
supplies the given cells and the test cells; a submission supplies only the code of its
graded functions: each one's solution cell, matched by `grade_id` (or, when an editor
stripped nbgrader's metadata, by the function the cell defines), and the cells that define
it again before its test, as when the notebook runs top to bottom (see make_plan).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

ASSIGNMENTS = ("staged", "sigmoid", "relu", "rnn", "lstm")

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


def read_notebook(path: str | Path) -> Notebook:
    """Parse a notebook into cells; NotebookError (with a plain message) if it can't be read."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
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
    return Cell(kind=_kind(meta), grade_id=str(nbg.get("grade_id", "")), source=str(source),
                points=float(nbg.get("points", 0) or 0))


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
