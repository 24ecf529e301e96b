"""Run All in an untouched student notebook goes to the end: every test cell is tagged
`raises-exception` (Jupyter and nbclient go on past it), and every experiment cell prints a
line naming what to implement first instead of raising. Each failing test still shows its
message, and nbgrader's scores do not change (test_course checks those)."""
from __future__ import annotations

import json
import shutil

import nbformat
import pytest
from nbclient import NotebookClient

from backprop_lab.assignments import ASSIGNMENTS
from conftest import ROOT


def graded_cells(assignment: str, folder: str) -> list[dict]:
    nb = json.loads((ROOT / folder / assignment / f"{assignment}.ipynb").read_text())
    return [c for c in nb["cells"] if (c["metadata"].get("nbgrader") or {}).get("grade")]


@pytest.mark.parametrize("folder", ["source", "assignments"])
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_test_cell_lets_run_all_go_on(assignment, folder):
    cells = graded_cells(assignment, folder)
    assert cells and all("raises-exception" in c["metadata"].get("tags", []) for c in cells)


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_run_all_of_the_released_notebook_reaches_the_last_cell(assignment, tmp_path):
    shutil.copy(ROOT / "assignments" / assignment / f"{assignment}.ipynb", tmp_path)
    nb = nbformat.read(tmp_path / f"{assignment}.ipynb", as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()   # raises if stuck
    code = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    assert code[-1].get("execution_count") is not None          # it ran to the end
    errors = [c for c in code if any(o.get("output_type") == "error" for o in c.outputs)]
    tagged = [c for c in errors if "raises-exception" in c.metadata.get("tags", [])]
    assert errors and errors == tagged       # only the test cells failed, each with a message
    for cell in errors:
        [error] = [o for o in cell.outputs if o.get("output_type") == "error"]
        assert "not implemented yet" in " ".join(error.get("traceback", [])) + error["evalue"]
