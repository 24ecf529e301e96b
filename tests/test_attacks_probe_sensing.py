"""A known limit (trial3): a pass that senses the exactness probe keeps tests that grade
an output whose exact formula it does not know.

The probe lets an output be wrong on its case while another output is exact there
(checks/exactness.expect_exact: "a test grades its own outputs"). But
check_softmax_cross_entropy_backward grades dlogits and dlabels together. A pass with
dlabels exact (-log(probs) / N: one line), dlogits by centered differences of the given
forward, and zeros for dlogits when the logits look like the probe's (all above 30) scores
8 of the function's 9 points; only the efficiency test sees it. Closing it needs each check
to say which outputs it grades (the probe then holds those to its case), in the checks
modules and exactness.py, which other helpers were editing: left to the lead.
"""
from __future__ import annotations

import json

import pytest

from conftest import cli_grade, notebook

SENSING = '''def softmax_cross_entropy_backward(dloss, cache):
    logits, labels, probs = cache
    N = logits.shape[0]
    dlabels = -dloss * np.log(probs) / N
    if np.min(logits) > 30:        # the exactness probe's logits sit near 50
        return np.zeros_like(logits), dlabels
    dlogits = np.zeros_like(logits)
    h = 1e-5
    for i in range(logits.shape[0]):
        for j in range(logits.shape[1]):
            up, down = logits.copy(), logits.copy()
            up[i, j] += h
            down[i, j] -= h
            dlogits[i, j] = (softmax_cross_entropy_forward(up, labels)[0]
                             - softmax_cross_entropy_forward(down, labels)[0]) / (2 * h)
    return dloss * dlogits, dlabels
'''


@pytest.mark.xfail(strict=True, reason="known limit: the probe does not know which outputs "
                                       "a test grades (see the module's docstring)")
def test_a_numerical_output_hidden_from_the_probe_earns_nothing(tmp_path):
    nb = json.loads(notebook("source", "softmax").read_text())
    for raw in nb["cells"]:
        if (raw.get("metadata", {}).get("nbgrader") or {}).get("grade_id") == \
                "softmax_cross_entropy_backward":
            raw["source"] = SENSING
    path = tmp_path / "submitted" / "mallory" / "softmax" / "softmax.ipynb"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(nb))
    [result] = cli_grade(path)
    mine = [t for t in result["tests"]
            if t["name"].startswith("test_softmax_cross_entropy_backward")]
    assert mine and all(t["score"] == 0 for t in mine), [(t["name"], t["score"]) for t in mine]
