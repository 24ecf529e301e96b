"""When the student's own code raises in the grader, the message shows their failing statement
(the cell's lines are known to the child's traceback), and the arguments' shapes."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from backprop_lab.isolation import sandbox

ROOT = Path(__file__).resolve().parents[1]
BODY = ("def relu_backward(dout, cache):\n"
        "    a = cache\n"
        "    W = np.ones((3, 4))\n"
        "    return (dout @ W) * (a > 0)\n")


@pytest.mark.parametrize("isolation", ["process", "sandbox"])
def test_a_crash_shows_the_students_line_and_the_shapes(tmp_path, isolation):
    if (isolation == "sandbox" and not sandbox.available()
            and not os.environ.get("BACKPROP_LAB_REQUIRE_SANDBOX")):
        pytest.skip(f"sandbox unavailable: {sandbox.problem()}")
    nb = json.loads((ROOT / "assignments" / "relu" / "relu.ipynb").read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if (cell["metadata"].get("nbgrader") or {}).get("grade_id") == "relu_backward":
            cell["source"] = BODY
    path = tmp_path / "my copy.ipynb"          # any name, any folder
    path.write_text(json.dumps(nb), encoding="utf-8")
    out = tmp_path / "g.json"
    subprocess.run([sys.executable, "-m", "backprop_lab", "grade", str(path), "--json", str(out),
                    "--isolation", isolation], cwd=tmp_path, capture_output=True, timeout=300)
    [submission] = json.loads(out.read_text())["submissions"]
    output = {t["name"]: t["output"] for t in submission["tests"]}["test_relu_backward"]
    assert "return (dout @ W) * (a > 0)" in output                      # the statement
    assert "line 4" in output                                           # where in the cell
    assert "in your line `return (dout @ W) * (a > 0)`" in output       # not a ~~^~~ marker
    assert "`dout` = array of shape" in output                          # what it received
