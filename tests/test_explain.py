"""The difference explainer (issue #27): relations said only when they hold on a second
input, never on a right answer, and no message the checks can produce prints a finished
gradient formula."""
from __future__ import annotations

import ast
import re
import runpy
from pathlib import Path

import numpy as np
import pytest

from backprop_lab.checks import explain
from backprop_lab.checks.core import CheckFailure, StudentCodeError, expect_close
from backprop_lab.checks.explain import Explainer, Layout, Quantity, View, find
from notebook_tools import cells_for, run_test_cell, solution_namespace, source_test_cells

ROOT = Path(__file__).resolve().parents[1]
CHECKS = ROOT / "autograder" / "checks"
ASSIGNMENTS = ("staged", "sigmoid", "relu", "rnn", "softmax", "lstm")


def _rng(seed):
    return np.random.default_rng(seed)


# ---------------------------------------------------------------- each relation

@pytest.mark.parametrize("seed", range(5))
def test_a_scale_is_said_as_a_size_only_when_it_is_that_size_on_both_inputs(seed):
    rng = _rng(seed)
    views = []
    for n in (3, 5):
        e = rng.standard_normal((n, 4))
        views.append(View({"dx": e / n}, {"dx": e}, sizes={"N": n, "D": 4}))
    found = find("dx", views)
    assert found is not None and found.cause_id == "scale-1/N"
    assert "1/N" in found.text and "N = 3" in found.text
    # the same factor 1/3 on both inputs is a constant, not N
    views = [View({"dx": e / 3}, {"dx": e}, sizes={"N": n}) for n, e in
             ((3, rng.standard_normal((3, 4))), (5, rng.standard_normal((5, 4))))]
    assert find("dx", views).cause_id == "scale-1/3"


@pytest.mark.parametrize("seed", range(5))
def test_a_relation_that_fails_on_the_second_input_is_never_said(seed):
    rng = _rng(seed)
    e1, e2 = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    first = View({"dx": -e1}, {"dx": e1})
    second = View({"dx": e2 + 0.3 * rng.standard_normal((4, 3))}, {"dx": e2})
    assert find("dx", [first]) is None            # one input: nothing said
    assert find("dx", [first, second]) is None    # does not hold on the second
    assert find("dx", [first, View({"dx": -e2}, {"dx": e2})]).cause_id == "sign-flipped"


@pytest.mark.parametrize("seed", range(5))
def test_structure_relations(seed):
    rng = _rng(seed)
    layout = Layout(axes={"dx": {1: "time step"}}, blocks={"dW": (1, ("i", "f", "o", "g"))})
    cases = [(rng.standard_normal((2, t, 3)), rng.standard_normal((3, 8))) for t in (4, 6)]

    def said(make_dx=None, make_dW=None, name="dx"):
        views = [View({"dx": make_dx(x) if make_dx else x, "dW": make_dW(w) if make_dW else w},
                      {"dx": x, "dW": w}) for x, w in cases]
        found = find(name, views, layout)
        return found and found.cause_id

    assert said(lambda x: x[:, ::-1]) == "time-reversed"
    assert said(lambda x: np.concatenate([x[:, 1:], np.zeros_like(x[:, :1])], axis=1)) \
        == "time-shifted"
    swap = lambda w: np.concatenate([w[:, 2:4], w[:, 0:2], w[:, 4:]], axis=1)  # noqa: E731
    assert said(make_dW=swap, name="dW") == "blocks-swapped"

    def last_only(x):
        y = 2 * x
        y[:, -1] = x[:, -1]
        return y
    found = find("dx", [View({"dx": last_only(x)}, {"dx": x}) for x, _ in cases], layout)
    assert found.cause_id == "only-last-time-step-right"
    assert "only the last time step (T-1) is right" in found.text

    def f_block_wrong(w):
        y = w.copy()
        y[:, 2:4] *= 3
        return y
    found = find("dW", [View({"dW": f_block_wrong(w)}, {"dW": w}) for _, w in cases], layout)
    assert "the block of the f is wrong and the rest is right" in found.text
    assert "3 times" in found.text


@pytest.mark.parametrize("seed", range(5))
def test_terms_quantities_and_trivial_answers(seed):
    rng = _rng(seed)
    views = []
    for n in (3, 4):
        path, carry, up = (rng.standard_normal((n, 2)) for _ in range(3))
        views.append(dict(path=path, carry=carry, up=up))

    def run(make):
        vs = [View({"dx": make(v)}, {"dx": v["path"] + v["carry"]},
                   quantities={"up": Quantity(v["up"], "the upstream gradient", "upstream")},
                   terms={"the carry's contribution": {"dx": v["carry"]}}) for v in views]
        found = find("dx", vs)
        return found and found.cause_id

    assert run(lambda v: v["path"]) == "missing-term"
    assert run(lambda v: v["path"] + 2 * v["carry"]) == "term-twice"
    assert run(lambda v: v["up"]) == "equals-upstream"
    assert run(lambda v: np.zeros_like(v["up"])) == "all-zeros"
    assert run(lambda v: np.full_like(v["up"], 0.5)) == "constant"
    assert run(lambda v: (v["path"] + v["carry"]) * v["up"]) == "extra-factor-upstream"


def test_an_all_zeros_output_is_said_even_on_one_input():
    with pytest.raises(CheckFailure, match="dx is all zeros") as failure:
        expect_close("f", "dx", np.zeros((3, 2)), np.ones((3, 2)))
    assert failure.value.cause_ids == ["all-zeros"]


def test_a_finding_comes_before_the_detectors_and_one_mistake_gets_one_id():
    from backprop_lab.checks.core import Hint
    e1, e2 = np.arange(1.0, 7.0).reshape(3, 2), np.arange(2.0, 10.0).reshape(4, 2)
    explainer = Explainer([View({"dx": e1 / 3}, {"dx": e1}, sizes={"N": 3}),
                           View({"dx": e2 / 4}, {"dx": e2}, sizes={"N": 4})])
    with pytest.raises(CheckFailure) as failure:
        expect_close("f", "dx", e1 / 3, e1, explain=explainer.for_output("dx"),
                     hints=[Hint("dx is averaged over the batch.", lambda a: True)])
    text = str(failure.value)
    assert text.index("What differs:") < text.index("Likely cause:")
    assert len(failure.value.cause_ids) == 1 and failure.value.cause_ids[0] != "scale-1/N"
    with pytest.raises(CheckFailure) as failure:       # no detector: the relation's id
        expect_close("f", "dx", e1 / 3, e1, explain=explainer.for_output("dx"))
    assert failure.value.cause_ids == ["scale-1/N"]


# ---------------------------------------------------------------- never on a right answer

def _correct_entries():
    return runpy.run_path(str(ROOT / "bench" / "catalogue_correct.py"))["CORRECT"]


def test_no_relation_fires_on_a_correct_implementation_or_a_reference(monkeypatch):
    """Every test cell on every alternative correct implementation and on the worked
    solutions, with every explainer the checks build recorded; then every relation is asked
    with no tolerance at all (rounding noise counts as wrong), on one input: none may hold."""
    recorded: list = []
    monkeypatch.setattr(explain, "RECORDER", recorded)
    namespaces = {a: solution_namespace(a) for a in ASSIGNMENTS}
    failures = []
    runs = [(a, None, None) for a in ASSIGNMENTS]
    runs += [(e["assignment"], e["function"], e["source"]) for e in _correct_entries()]
    for assignment, function, source in runs:
        ns = namespaces[assignment]
        replace = {}
        if source is not None:
            env = dict(ns)
            exec(compile(source, "<correct>", "exec"), env)
            replace = {function: env[function]}
        cells = cells_for(assignment, function) if function else \
            list(source_test_cells(assignment).values())
        for cell in cells:
            try:
                with np.errstate(all="ignore"):
                    run_test_cell(ns, cell, **replace)
            except (CheckFailure, StudentCodeError) as exc:
                failures.append(f"{cell.grade_id}: {exc}")
    assert not failures, failures[:3]
    assert len(recorded) > 20          # the checks do build explainers on these runs
    said = []
    for ex in recorded:
        views = ex.views()
        for name in (views[0].outputs if views else ()):
            found = find(name, views, ex.layout, min_cases=1, tol=0.0)
            if found is not None:
                said.append(found.text)
    assert not said, said[:5]


# ---------------------------------------------------------------- no finished formula

# A gradient assigned from an expression with an operation in it (`dx = dout @ W.T`,
# `db = dout.sum(axis=0)`), as the catalogue runner counts a leak.
FORMULA = re.compile(r"\bd[A-Za-z_0-9\[\]:, ]{0,24}\s=\s*[^=\n;]*?"
                     r"(@|\*|/|\.sum\(|\.T\b|np\.\w+\()")
# Code a student could paste: a loop header or a numpy call that is a whole answer.
CODE = re.compile(r"`for t in reversed\(range\(T\)\)`|np\.clip\(r, -delta, delta\)|"
                  r"np\.concatenate\(\[da_i|np\.max\(np\.abs\(np\.linalg\.eigvals|"
                  r"\bit is [\w.]+ @ [\w.]+|np\.outer\(da, x\)|dead units\) / H")


def _message_texts(path: Path):
    """Every string literal of a checks module (f-strings with '{}' for each value),
    docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
            body = getattr(node, "body", [])
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            yield node.lineno, "".join(v.value if isinstance(v, ast.Constant) else "{}"
                                       for v in node.values)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and id(node) not in docstrings:
            yield node.lineno, node.value


def _leaks(text: str) -> list[str]:
    return [m.group(0) for m in FORMULA.finditer(text)] + \
        [m.group(0) for m in CODE.finditer(text)]


def test_no_text_in_the_checks_prints_a_finished_formula():
    found = [f"{path.name}:{line}: {leak!r}"
             for path in sorted(CHECKS.glob("*.py"))
             for line, text in _message_texts(path) for leak in _leaks(text)]
    assert not found, found


def test_the_scan_finds_the_formulas_the_old_fallbacks_printed():
    old = ["let the shapes decide: dx = dout @ W.T (N, D) and dW = x.T @ dout (D, M); "
           "db = dout.sum(axis=0) (M,).",
           "then dx = da @ Wx.T, dprev_h = da @ Wh.T, dWx = x.T @ da",
           "dlogits = dloss * (p * s - labels) / N",
           "walk backwards, `for t in reversed(range(T))`.",
           "dW is divided by N: it is x.T @ dout, a sum over the rows"]
    assert all(_leaks(t) for t in old)


def test_no_message_on_the_dev_catalogue_prints_a_finished_formula():
    """Every message every failing cell prints for the wrong implementations of the dev
    catalogue (the mistake tables' kinds of slips, run through every cell)."""
    import sys
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import feedback_catalogue as fc
    finally:
        sys.path.remove(str(ROOT / "bench"))
    namespaces: dict = {}
    leaks = []
    for entry in fc.load(ROOT / "bench" / "catalogue_dev.py"):
        messages, _ = fc.run(entry, namespaces)
        lines = fc.solution_lines(entry["assignment"])
        leaks += [f"{entry['id']}: {x}" for m in messages
                  for x in fc.leaks(m, lines) + _leaks(m)]
    assert not leaks, leaks[:5]


def test_a_product_of_sizes_equal_to_one_is_no_factor():
    """With D == H, D/H is 1: an answer of minus the truth has its sign flipped, it is not
    "-D/H times" the right one (seen on mlp_backward with the softmax sign slip)."""
    rng = np.random.default_rng(3)
    views = []
    for _ in range(2):
        truth = rng.standard_normal((4, 5))
        views.append(explain.View({"dX": -truth}, {"dX": truth}, sizes={"N": 4, "D": 5, "H": 5}))
    found = explain.find("dX", views)
    assert found is not None and found.cause_id == "sign-flipped", found
