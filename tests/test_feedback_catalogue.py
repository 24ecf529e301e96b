"""The feedback catalogue runner (bench/feedback_catalogue.py) and its dev and correct catalogues."""
from __future__ import annotations

import ast
import importlib.util
import re

import numpy as np
import pytest

from backprop_lab.notebooks import SOLUTION
from notebook_tools import ROOT, cells_for, run_test_cell, solution_namespace, source_notebook

BENCH = ROOT / "bench"
ASSIGNMENTS = ("staged", "sigmoid", "relu", "rnn", "softmax", "lstm")


def _runner():
    spec = importlib.util.spec_from_file_location("feedback_catalogue",
                                                  BENCH / "feedback_catalogue.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


runner = _runner()
DEV = runner.load(BENCH / "catalogue_dev.py")
CORRECT = runner.load(BENCH / "catalogue_correct.py")
_NS: dict = {}


def _ns(assignment):
    return _NS.setdefault(assignment, solution_namespace(assignment))


def _outputs(fn, cell, namespace, function):
    """What `fn` returned on every call a test cell made to it (the cell's own verdict aside)."""
    seen = []

    def spy(*args, **kwargs):
        out = fn(*args, **kwargs)
        seen.append(out)
        return out

    try:
        with np.errstate(all="ignore"):
            run_test_cell(namespace, cell, **{function: spy})
    except Exception:   # noqa: BLE001  a wrong answer fails the cell: only its outputs matter
        pass
    return seen


def _same(a, b) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    try:
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    except (TypeError, ValueError):
        return False
    return a.shape == b.shape and np.allclose(a, b, rtol=1e-9, atol=1e-12, equal_nan=True)


def test_the_runner_loads_the_dev_catalogue():
    assert len(DEV) >= 30
    assert {e["assignment"] for e in DEV} == set(ASSIGNMENTS)
    ids = [e["id"] for e in DEV]
    assert len(ids) == len(set(ids))
    for e in DEV:
        assert {"id", "assignment", "function", "source", "mistake", "accept"} <= e.keys()
        assert 1 <= len(e["accept"]) <= 4 and e["mistake"].strip()
        for pattern in e["accept"]:
            re.compile(pattern)
            # neither so wide that anything matches
            assert not re.search(pattern, "x is wrong; expected y", re.IGNORECASE), (e["id"], pattern)


@pytest.mark.parametrize("entry", DEV + CORRECT, ids=lambda e: e["id"])
def test_every_entry_compiles_and_defines_the_graded_function(entry):
    tree = ast.parse(entry["source"])
    defs = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    assert [d.name for d in defs] == [entry["function"]]
    assert cells_for(entry["assignment"], entry["function"]), "no test cell grades it"
    ref_args = _reference_def(entry["assignment"], entry["function"]).args
    assert [a.arg for a in defs[0].args.args] == [a.arg for a in ref_args.args]
    assert callable(runner.compile_entry(entry, _ns(entry["assignment"])))


def _reference_def(assignment, function) -> ast.FunctionDef:
    """The worked solution's def (its signature is the graded one)."""
    for cell in source_notebook(assignment).of_kind(SOLUTION):
        for node in ast.parse(cell.source).body:
            if isinstance(node, ast.FunctionDef) and node.name == function:
                return node
    raise LookupError(function)


@pytest.mark.parametrize("entry", DEV, ids=lambda e: e["id"])
def test_every_dev_entry_really_is_wrong(entry):
    """On at least one test cell its outputs differ from the worked solution's, or it fails."""
    ns = _ns(entry["assignment"])
    wrong = runner.compile_entry(entry, ns)
    reference = ns[entry["function"]]
    for cell in cells_for(entry["assignment"], entry["function"]):
        ours = _outputs(reference, cell, ns, entry["function"])
        theirs = _outputs(wrong, cell, ns, entry["function"])
        if len(ours) != len(theirs) or not all(_same(a, b) for a, b in zip(ours, theirs)):
            return
    pytest.fail(f"{entry['id']} gives the reference's outputs on every test cell")


def test_a_correct_entry_is_not_taken_for_a_wrong_one():
    """The check that a dev entry is wrong can fail: a correct one gives the same outputs."""
    entry = next(e for e in CORRECT if e["function"] == "affine_backward")
    ns = _ns("softmax")
    fn = runner.compile_entry(entry, ns)
    for cell in cells_for("softmax", "affine_backward"):
        ours = _outputs(ns["affine_backward"], cell, ns, "affine_backward")
        theirs = _outputs(fn, cell, ns, "affine_backward")
        assert ours and len(ours) == len(theirs)
        assert all(_same(a, b) for a, b in zip(ours, theirs))


def test_the_runner_counts_a_named_mistake_and_ignores_the_generic_text():
    entry = {"id": "t", "assignment": "softmax", "function": "affine_backward",
             "accept": [r"1/N|divided by N"], "source": "", "mistake": ""}
    named = runner.judge(entry, ["[test_x] `affine_backward`: dW is wrong (N = 4).\n"
                                 "  Likely cause: dW is divided by N."], [])
    generic = runner.judge(entry, ["[test_x] `affine_backward`: dW is wrong (N = 4, 1/N).\n"
                                   "  Usual cause: check the 1/N of the mean."], [])
    assert named["named"] and not named["generic"] and not named["misnamed"]
    assert not generic["named"] and generic["generic"]
    other = runner.judge(entry, ["dW is wrong.\n  Likely cause: a missing transpose."], [])
    assert other["misnamed"] == ["a missing transpose."]


def test_the_runner_flags_a_complete_formula():
    lines = runner.solution_lines("softmax")
    assert runner.leaks("Usual cause: dx = dout @ W.T, dW = x.T @ dout", lines)
    assert runner.leaks("db = dout.sum(axis=0)", lines)
    assert not runner.leaks("dx is wrong: yours 0.5 vs expected 1.0; dout[0, 3] = -0.85. A", lines)
