"""Every catalogued mistake is one misconception in the class report (issue 23, item 4).

The whole mistake catalogue (bench/catalogue_dev.py, bench/catalogue_heldout.py and the check
tests' mistake tables that bench/mistake_catalogue.py collects) is run as
bench/feedback_catalogue.py runs it: each wrong function in the worked solutions' namespace,
through every test cell (public and hidden) that grades it, for several students (each gets
their own hidden cases). The causes the failures carry are put in `grade --json`'s form and
counted by the class report's own `misconceptions`. Each mistake must be counted under one id
only, across all its tests and students (two for an entry that makes two mistakes at once),
and every id must be a short human one with a title: no hash, no numbers of a case.
"""
from __future__ import annotations

import re
import sys

import numpy as np
import pytest

from backprop_lab.checks.core import STUDENT_KEY, CheckFailure, StudentCodeError
from backprop_lab.checks.explain import title_of
from backprop_lab.reports.class_report import misconceptions

from notebook_tools import ROOT, cells_for, run_test_cell, solution_namespace

sys.path.insert(0, str(ROOT / "bench"))
import feedback_catalogue  # noqa: E402
import mistake_catalogue  # noqa: E402

pytestmark = pytest.mark.slow

STUDENTS = ("s01", "s02", "s03")

# Entries that make two mistakes at once: each is named by its own id.
TWO_MISTAKES = {"catalogue_heldout:sce_onehot_and_dlabels_no_N",
                "tables:staged_backward:two_slips",
                "tables:staged_backward:unswitched_and_sigy_at_output"}

# Entries whose answer is close to the truth on the exactness probe's case (checks/exactness.py),
# which the probe once named "numerical differentiation" beside their own cause: a formula that is
# a little wrong there does not jitter as a difference quotient does.
CLOSE_ON_THE_PROBE = {
    "catalogue_heldout:sce_one_hot",                    # one-hot formula on near-one-hot labels
    "tables:relu_rnn_backward:mask of the previous step",   # passes the explode/vanish case
    "tables:relu_rnn_backward:mask of hs[t-1] even at t=0",
    "tables:sigmoid_layer_backward:float32_local_gradient",  # float32 in one factor only
}

# A hash of six hex digits (with a digit) as a word of an id, or any number of a case.
HASHED = re.compile(r"(^|[._-])(?=[0-9a-f]{6}($|[._-]))[0-9a-f]*\d[0-9a-f]*($|[._-])")


def _entries() -> list[tuple[str, str, str, object]]:
    """(label, assignment, function, wrong function or catalogue entry) for the catalogue."""
    out = []
    for name in ("catalogue_dev", "catalogue_heldout"):
        for e in feedback_catalogue.load(ROOT / "bench" / f"{name}.py"):
            out.append((f"{name}:{e['id']}", e["assignment"], e["function"], e))
    for assignment, rows in (mistake_catalogue.staged_catalogue(),
                             mistake_catalogue.sigmoid_catalogue(),
                             mistake_catalogue.relu_catalogue(),
                             mistake_catalogue.rnn_catalogue()):
        for label, function, wrong, _ in rows:
            out.append((f"tables:{label}", assignment, function, wrong))
    return out


ENTRIES = _entries()
_NS: dict = {}


def _results(assignment: str, function: str, wrong, student: str) -> dict:
    """One submission as `grade --json` writes it: each failing cell's causes."""
    ns = _NS.setdefault(assignment, solution_namespace(assignment))
    if isinstance(wrong, dict):
        wrong = feedback_catalogue.compile_entry(wrong, ns)
    tests = []
    for cell in cells_for(assignment, function):
        env = dict(ns)
        env[STUDENT_KEY] = student
        try:
            with np.errstate(all="ignore"):
                run_test_cell(env, cell, **{function: wrong})
            tests.append({"name": cell.grade_id, "status": "passed", "causes": []})
        except (CheckFailure, StudentCodeError) as exc:
            tests.append({"name": cell.grade_id, "status": "failed", "output": str(exc),
                          "causes": list(getattr(exc, "cause_ids", []))})
    return {"student": student, "assignment": assignment, "tests": tests}


def _param(entry):
    return pytest.param(*entry, id=entry[0])


def test_the_catalogue_is_the_whole_catalogue():
    labels = [e[0] for e in ENTRIES]
    assert len(labels) == len(set(labels)) > 250
    assert {a for _, a, _, _ in ENTRIES} == {"staged", "sigmoid", "relu", "rnn", "softmax",
                                             "lstm"}
    assert TWO_MISTAKES | set(CLOSE_ON_THE_PROBE) <= set(labels)


@pytest.mark.parametrize("label, assignment, function, wrong", [_param(e) for e in ENTRIES])
def test_each_mistake_is_one_human_misconception(label, assignment, function, wrong):
    submissions = [_results(assignment, function, wrong, s) for s in STUDENTS]
    found = misconceptions(submissions)
    named = {m.cause: sorted(m.tests) for m in found}
    allowed = 2 if label in TWO_MISTAKES else 1
    assert len(found) <= allowed, f"{label}: one mistake under {len(found)} ids: {named}"
    for m in found:
        assert not HASHED.search(m.cause), f"{label}: {m.cause} is not a human id"
        assert "--" not in m.cause and "__" not in m.cause, m.cause
        assert re.fullmatch(r"([a-z]+\.)?[A-Za-z0-9_/*.+()-]+", m.cause), m.cause
        title = title_of(m.cause)
        assert title and not HASHED.search(title) and len(title) <= 80, (m.cause, title)


def test_the_id_check_can_fail():
    assert HASHED.search("staged.stage7_slip_3c38f6")
    assert HASHED.search("relu.the_mask_is_taken_on_the_0d0480")
    assert not HASHED.search("staged.stage7_inverse_sign")
    assert not HASHED.search("scale-1/N") and not HASHED.search("relu.dead_by_weights")
    one = {"student": "a", "assignment": "relu", "tests": [
        {"name": "t1", "causes": ["relu.x"]}, {"name": "t2", "causes": ["relu.y"]}]}
    assert len(misconceptions([one])) == 2   # what the test above refuses


@pytest.mark.parametrize("label", sorted(CLOSE_ON_THE_PROBE))
def test_a_close_answer_still_loses_the_probes_test_without_a_second_cause(label):
    """The probe's verdict is kept (the test it sees the answer in is lost); only the name
    "numerical differentiation" is gone, and no other cause is guessed in its place."""
    [(_, assignment, function, wrong)] = [e for e in ENTRIES if e[0] == label]
    probed = [t for s in STUDENTS for t in _results(assignment, function, wrong, s)["tests"]
              if "on one more case" in t.get("output", "")]
    assert probed, label
    assert all(t["status"] == "failed" and t["causes"] == [] for t in probed), probed
