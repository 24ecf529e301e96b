"""A submission fills no disk of the grader's in process isolation (trial3, class 4).

The file-size limit (8 MB a file) bounds each file a child writes, not how many: in process
isolation its scratch folder (and /tmp, /var/tmp in a root grader's private view) was a
folder on the grader's disk, so a submission could write file after file until the time
limit, gigabytes, and the disk the grader writes its results to ran full for the whole
class. The sandbox's scratch is a tmpfs of SCRATCH_BYTES; now a root grader's private view
(process isolation with a mount namespace) mounts one of that size too, where the child's
/tmp and /var/tmp and its working folder are.
"""
from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import pytest

from backprop_lab.isolation import launcher, sandbox
from conftest import ROOT, notebook, run_cli

FILL = '''
import os as _os
def _fill():
    block, total = b"x" * (1 << 20), 0
    for folder in (".", "/tmp", "/var/tmp"):
        for i in range(48):
            try:
                with open(_os.path.join(folder, f"fill-{i}"), "wb") as fh:
                    for _ in range(8):
                        fh.write(block)
                        fh.flush()
                        total += 1
            except OSError:
                break
    print(f"wrote {total} MB")
_fill()
'''


@pytest.mark.skipif(not launcher.private_view_possible(),
                    reason="needs a root grader that can make a mount namespace")
def test_a_submission_writes_at_most_its_scratch_size_in_process_isolation(tmp_path):
    nb = json.loads(notebook("source", "staged").read_text())
    for raw in nb["cells"]:
        if (raw.get("metadata", {}).get("nbgrader") or {}).get("grade_id") == \
                "numerical_gradient":
            raw["source"] = "".join(raw["source"]) + "\n" + FILL
    path = tmp_path / "submitted" / "mallory" / "staged" / "staged.ipynb"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(nb))
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "grades.json"
        proc = run_cli("grade", path, "--json", out, "--course", ROOT, "--hidden",
                       "--isolation", "process", cwd=scratch)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        [result] = json.loads(out.read_text())["submissions"]
    printed = [int(m) for t in result["tests"] for m in re.findall(r"wrote (\d+) MB",
                                                                    t["output"])]
    assert printed, [t["output"][:300] for t in result["tests"]]
    assert max(printed) <= sandbox.SCRATCH_BYTES // 2 ** 20, printed
    # the honest rest of the notebook is graded as usual
    assert result["score"] == result["max_score"], \
        [(t["name"], t["output"][:200]) for t in result["tests"] if t["score"] < t["max_score"]]


def test_the_private_view_s_scratch_has_the_sandbox_s_size():
    from backprop_lab.isolation import zygote
    assert zygote.SCRATCH_BYTES == sandbox.SCRATCH_BYTES
