"""No released notebook hands out a graded line of any assignment.

The student copies (`assignments/<id>/<id>.ipynb`) and the package's copies
(`autograder/released/<id>.ipynb`) must not contain, in given code, experiment code or prose, a
line of any assignment's worked solution: a training loop in an early notebook that spells out
the backward pass a later notebook grades hands that later exercise out, and a summary that
prints the finished formula hands out its own.

The graded lines are read from every source notebook's solution cells (between
`### BEGIN SOLUTION` and `### END SOLUTION`). Whitespace is ignored, and so are lines too
short or too generic to be an answer (`return dx`, `dx = np.zeros_like(x)`, unpacking a
cache). For an assignment `name = expression`, the expression alone counts too, so that a
formula printed in a message is found as well as the assignment itself.
"""
from __future__ import annotations

import json
import re

import pytest

from backprop_lab.assignments import ASSIGNMENTS
from conftest import ROOT, notebook

MIN_CHARS = 14            # a normalised fragment shorter than this is too generic to be an answer
TRIVIAL = re.compile(r"""^(
      return[A-Za-z_0-9,().]*            # return dx / return dx, dw, db / return (dx, dh)
    | [A-Za-z_0-9,()]+=[A-Za-z_0-9.]+    # a, b = cache / x, w = cache[0], cache[1]
    | [A-Za-z_0-9,]+=np\.(zeros|ones|empty)(_like)?\(.*\)   # preallocation
    | (def|for|if|else|elif|while|with|try|except)\b.*   # control flow
    | .*(\.shape|len\().*                # sizes and shapes
)$""", re.VERBOSE)


def _normalise(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _cells(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)["cells"]


def _source(cell) -> str:
    src = cell["source"]
    return "".join(src) if isinstance(src, list) else src


def _logical_lines(source: str):
    """Lines with a call or a list that continues on the next line joined into one."""
    pending, depth = "", 0
    for line in source.splitlines():
        code = line.split("#")[0] if not line.strip().startswith("###") else ""
        pending = f"{pending} {line.strip()}" if pending else line
        depth += sum(code.count(c) for c in "([{") - sum(code.count(c) for c in ")]}")
        if depth <= 0:
            yield pending
            pending, depth = "", 0
    if pending:
        yield pending


def graded_fragments(assignment: str) -> dict[str, str]:
    """Normalised graded fragments of one source notebook -> the line they come from.

    A line that the notebook's own given code holds (a forward value recomputed, such as
    `np.tanh(next_c)`) is public anyway and is left out."""
    fragments: dict[str, str] = {}
    cells = _cells(notebook("source", assignment))
    given = "".join(_normalise(_source(c)) for c in cells
                    if (c.get("metadata", {}).get("nbgrader") or {}).get("locked")
                    and not (c["metadata"]["nbgrader"]).get("grade")
                    and not (c["metadata"]["nbgrader"]).get("solution"))
    for cell in cells:
        if not (cell.get("metadata", {}).get("nbgrader") or {}).get("solution"):
            continue
        inside = False
        for line in _logical_lines(_source(cell)):
            stripped = line.strip()
            if stripped.startswith("### BEGIN SOLUTION"):
                inside = True
                continue
            if stripped.startswith("### END SOLUTION"):
                inside = False
                continue
            if not inside or not stripped or stripped.startswith("#"):
                continue
            code = _normalise(stripped.split("  #")[0])
            candidates = [code]
            match = re.match(r"^[A-Za-z_][A-Za-z_0-9,\[\]:.]*[-+*/@]?=(?!=)(.+)$", code)
            if match:
                candidates.append(match.group(1))
            for fragment in candidates:
                if (len(fragment) >= MIN_CHARS and not TRIVIAL.match(fragment)
                        and not TRIVIAL.match("_=" + fragment) and fragment not in given):
                    fragments[fragment] = stripped
    return fragments


KEEP = {"np", "axis", "keepdims", "True", "False", "None", "and", "or", "not", "in", "for",
        "if", "else", "lambda", "range", "reversed", "float", "int", "sum", "len"}
IDENT = re.compile(r"(?<![\w.])([A-Za-z_][A-Za-z_0-9]*)(?![\w(])")
CALL = re.compile(r"(?<![\w.])[A-Za-z_]\w*\(")   # a call of a notebook function, not np.*
MIN_RENAMED = 4     # a fragment with at least this many variables is also found under other names


def renamed_pattern(fragment: str) -> re.Pattern | None:
    """The fragment with its variables (not its functions, methods or numpy names) free to be
    renamed consistently: `dloss*(probs*row_sums-labels)/N` also finds `dloss*(p*s-labels)/N`."""
    names: dict[str, int] = {}
    parts, last = [], 0
    for match in IDENT.finditer(fragment):
        name = match.group(1)
        if name in KEEP:
            continue
        parts.append(re.escape(fragment[last:match.start()]))
        if name in names:
            parts.append(f"(?P={'v%d' % names[name]})")
        else:
            names[name] = len(names)
            parts.append(f"(?<![\\w.])(?P<v{names[name]}>[A-Za-z_][A-Za-z_0-9]*)(?![\\w(])")
        last = match.end()
    parts.append(re.escape(fragment[last:]))
    if len(names) < MIN_RENAMED or not re.search(r"[*/@]", fragment) or CALL.search(fragment):
        return None
    return re.compile("".join(parts))


def _renamed_in(pattern: re.Pattern, text: str) -> bool:
    """A match whose variables are distinct names (a forward `where(a > 0, a, s * a)` is not
    the backward `where(a > 0, dout, s * dout)`)."""
    for match in pattern.finditer(text):
        names = list(match.groupdict().values())
        if len(set(names)) == len(names):
            return True
    return False


def released_copies():
    for assignment in ASSIGNMENTS:
        yield notebook("assignments", assignment)
        yield ROOT / "autograder" / "released" / f"{assignment}.ipynb"


ALL_FRAGMENTS = {(owner, fragment): line for owner in ASSIGNMENTS
                 for fragment, line in graded_fragments(owner).items()}
PATTERNS = {key: renamed_pattern(key[1]) for key in ALL_FRAGMENTS}


def test_every_assignment_has_graded_fragments():
    """The scan below is only as good as its list: every assignment contributes lines to it."""
    for assignment in ASSIGNMENTS:
        assert graded_fragments(assignment), f"no graded lines found in source/{assignment}"


@pytest.mark.parametrize("path", list(released_copies()), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_graded_line_in_a_released_notebook(path):
    found = []
    for index, cell in enumerate(_cells(path)):
        text = _normalise(_source(cell))
        for (owner, fragment), line in ALL_FRAGMENTS.items():
            pattern = PATTERNS[(owner, fragment)]
            if fragment in text or (pattern is not None and _renamed_in(pattern, text)):
                found.append(f"cell {index} ({cell['cell_type']}) holds {owner}'s graded line "
                             f"`{line}`")
    assert not found, f"{path.relative_to(ROOT)} hands out answers:\n" + "\n".join(found)
