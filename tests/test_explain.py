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
from backprop_lab.checks.circuit import find_slip
from backprop_lab.checks.variables import locate
from backprop_lab.checks.core import CheckFailure, StudentCodeError, expect_close
from backprop_lab.checks.explain import (
    Explainer, Layout, Quantity, Sweep, View, elementwise_derivative, find, response_finding,
    sweep_finding,
)
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
def test_an_output_made_from_another_expected_output_summed_over_an_axis(seed):
    """db taken from dW's column sums (a copy slip): said as that output summed."""
    rng = _rng(seed)
    views = []
    for n in (3, 5):
        dW = rng.standard_normal((n, 4))
        views.append(View({"db": dW.sum(axis=0), "dW": dW},
                          {"db": rng.standard_normal(4), "dW": dW}, sizes={"N": n}))
    found = find("db", views)
    assert found is not None and "equals the expected dW summed over its axis 0" in found.text


@pytest.mark.parametrize("seed", range(5))
def test_a_size_multiplied_in_where_it_divides_is_said_as_its_square(seed):
    """`* N` where `/ N` belongs: N*N times the right one (not a quantity that equals N on
    one-hot labels)."""
    rng = _rng(seed)
    views = []
    for n in (3, 5):
        e = rng.standard_normal((n, 4))
        total = Quantity(np.full((n, 4), float(n)), "the sum of all the labels", "total")
        views.append(View({"dx": e * n * n}, {"dx": e}, sizes={"N": n, "C": 4},
                          quantities={"allsum": total}))
    found = find("dx", views)
    assert found is not None and "N*N times" in found.text, found


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


@pytest.mark.parametrize("seed", range(5))
def test_a_declared_term_scaled_by_a_factor_is_said(seed):
    """yours = expected + (c - 1) x term: a path without (or with an extra) upstream factor,
    a term multiplied by a declared quantity; two terms each with its own factor."""
    rng = _rng(seed)
    cases = []
    for n in (3, 4):
        path, carry, q = rng.standard_normal((n, 2)), rng.standard_normal((n, 2)), \
            rng.uniform(0.5, 2.0, (n, 2))
        cases.append(dict(path=path, carry=carry, q=q, df=float(rng.uniform(1.5, 3.0))))

    def run(make):
        vs = [View({"dx": make(c)}, {"dx": c["path"] + c["carry"]},
                   scalars={"df": (c["df"], "the upstream gradient df")},
                   quantities={"q": Quantity(c["q"], "the row sums", "row-sums")},
                   terms={"the carry's contribution": {"dx": c["carry"]},
                          "the path's contribution": {"dx": c["path"]}}) for c in cases]
        return find("dx", vs)

    found = run(lambda c: c["path"] + c["carry"] / c["df"])
    assert found.cause_id == "term-reweighted"
    assert "the carry's contribution divided by df" in found.text
    found = run(lambda c: c["path"] + c["carry"] * c["q"])
    assert "the carry's contribution multiplied by the row sums" in found.text
    found = run(lambda c: c["path"] / c["q"] + c["carry"] * c["q"])
    assert found.cause_id == "terms-reweighted"
    assert "the path's contribution without its factor the row sums" in found.text
    assert "the carry's contribution multiplied by the row sums" in found.text
    # a scale that holds on one case only is not said
    assert run(lambda c: c["path"] + c["carry"] * (2.0 if c["path"].shape[0] == 3 else 0.7)) \
        is None or run(lambda c: c["path"] + c["carry"] * (
            2.0 if c["path"].shape[0] == 3 else 0.7)).cause_id not in (
            "term-reweighted", "terms-reweighted", "term-twice")


@pytest.mark.parametrize("seed", range(5))
def test_two_outputs_exchanged_are_said_as_exchanged(seed):
    rng = _rng(seed)
    views = []
    for n in (3, 4):
        a, b = rng.standard_normal((n, n)), rng.standard_normal((n, n))
        views.append(View({"dW1": b, "dW2": a}, {"dW1": a, "dW2": b}))
    found = find("dW2", views)
    assert found.cause_id == "outputs-swapped" and "exchanged" in found.text
    one_way = [View({"dW1": v.truth["dW1"], "dW2": v.truth["dW1"]}, v.truth) for v in views]
    assert find("dW2", one_way).cause_id == "output-swapped"


@pytest.mark.parametrize("seed", range(5))
def test_on_the_wrong_part_a_quantity_or_one_factor_instead_of_another_is_said(seed):
    """A relation that holds on a region only: the entries where a <= 0 are wrong, and
    there yours is the forward input times the slope (the upstream gradient's place)."""
    rng = _rng(seed)
    views = []
    for n in (4, 6):
        a, dout = rng.standard_normal((n, 5)), rng.standard_normal((n, 5))
        right = np.where(a > 0, dout, 0.01 * dout)
        quantities = {"dout": Quantity(dout, "the upstream gradient `dout`", "upstream"),
                      "a": Quantity(a, "the forward input `a`", "input")}
        regions = {"da": [("the entries where a > 0", a > 0), ("the entries where a <= 0",
                                                                 a <= 0)]}
        views.append(dict(a=a, dout=dout, right=right, q=quantities, r=regions))

    def run(make):
        return find("da", [View({"da": make(v)}, {"da": v["right"]}, quantities=v["q"],
                                regions=v["r"]) for v in views])
    found = run(lambda v: np.where(v["a"] > 0, v["dout"], 0.01 * v["a"]))
    assert "the entries where a <= 0 are wrong" in found.text
    assert "the forward input `a` as a factor instead of the upstream gradient" in found.text
    found = run(lambda v: np.where(v["a"] > 0, v["dout"], v["a"]))
    assert "on the wrong part yours equals the forward input `a`" in found.text


def test_the_loop_over_the_steps_is_written_once_and_its_slips_are_said():
    """walk_steps walks any recurrence; loop_alternatives gives, for the explainer, what
    the loops in another order give; a linear recurrence h_t = w h_{t-1} + x_t checks both."""
    rng = _rng(0)

    def case(T):
        w, up = 0.7, rng.standard_normal(T)

        def outputs(order):
            def step(t, carry):
                g = up[t] + carry
                return g, w * g, [g]          # dx_t, the carry to step t-1, dw's term
            own, carry, (dw,) = explain.walk_steps(step, order, 0.0)
            dx = np.zeros(T)
            for t, g in own.items():
                dx[t] = g
            return {"dx": dx, "dh0": np.array([carry])}
        return outputs
    cases = [case(5), case(7)]
    truths = [c(list(range(T - 1, -1, -1))) for c, T in zip(cases, (5, 7))]
    for c, t, T in zip(cases, truths, (5, 7)):    # the right loop is the right gradient
        up = c(list(range(T - 1, -1, -1)))
        assert np.allclose(up["dx"], t["dx"])
    for label in explain.loop_orders(5):
        order_of = {T: explain.loop_orders(T)[label.replace("5", str(T))]
                    if label in explain.loop_orders(T) else None for T in (5, 7)}
        views = [View(c(explain.loop_orders(T)[label]), t,
                      alternatives=explain.loop_alternatives(c, T))
                 for c, t, T in zip(cases, truths, (5, 7))]
        assert order_of[5] is not None
        found = find("dx", views, Layout(axes={"dx": {0: "time step"}}))
        assert found is not None and found.cause_id == "loop-walk", (label, found)
        assert label in found.text


def test_outputs_returned_in_another_order_are_said_from_their_shapes():
    from backprop_lab.checks.core import outputs_by_name
    x, W, b = np.ones((3, 4)), np.ones((4, 5)), np.ones(5)
    specs = {"dx": (3, 4), "dW": (4, 5), "db": (5,)}
    with pytest.raises(CheckFailure, match=r"fit the order \(dW, dx, db\) and no other") as info:
        outputs_by_name("f", (W, x, b), specs)
    assert info.value.cause_ids == ["outputs-in-another-order"]
    assert outputs_by_name("f", (x, W, b), specs)["dW"] is W
    # two orders fit (square shapes): nothing is said about the order
    with pytest.raises(CheckFailure) as info:
        outputs_by_name("f", (np.ones((4, 4)), np.ones((4, 4)), np.ones(3)),
                        {"dx": (4, 4), "dW": (4, 4), "db": (4,)})
    assert "order" not in str(info.value)


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
    said, inner, responded, swept, swapped, traced, watched = [], 0, 0, 0, 0, 0, 0
    for ex in recorded:
        views = ex.views()
        for name in (views[0].outputs if views else ()):
            found = find(name, views, ex.layout, min_cases=1, tol=0.0)
            if found is not None:
                said.append(found.text)
        # the gradients recovered from the outputs that are products of them, too
        inner += bool(views and views[0].inner)
        found = ex.inner_finding(min_cases=1, tol=0.0)
        if found is not None:
            said.append(found.text)
        # and the student's function called again on parts of its upstream gradient
        for name in (views[0].outputs if views else ()):
            found = response_finding(name, views, ex.layout, min_cases=1, tol=0.0)
            if found is not None:
                said.append(found.text)
        responded += sum(r.get() is not None for v in views for r in v.responses.values())
        # and with two entries of the cache exchanged, or one holding the other's value
        for name in (views[0].outputs if views else ()):
            found = explain._swap_finding(name, [v for v in views if name in v.outputs
                                                 and name in v.truth])
            if found is not None:
                said.append(found.text)
        swapped += sum(r.kind == "swap" and r.get() is not None for v in views
                       for r in v.responses.values())
        # and one slip in one gate of the traced forward pass, everything counted wrong
        cases = [(v.circuit, v.outputs, v.truth) for v in views if v.circuit is not None]
        traced += len(cases) >= 2
        found = find_slip(cases, wrong_tol=0.0) if len(cases) >= 2 else None
        if found is not None:
            said.append(found)
        # and the variable of the student's code that holds the slip, on each case alone
        for v in views:
            r = (v.responses or {}).get("watch")
            got = r.get() if r is not None and v.circuit is not None else None
            if got is not None and got[0]:
                watched += 1
                found = locate([(*got, v.circuit, v.truth, r.again)] * 2)
                if found is not None:
                    said.append(f"{found.name} in {found.fn}: {found}")
        # and which of the check's cases are right (all are, on a right answer)
        for name in (views[0].outputs if views else ()):
            found = ex.case_finding(name)
            if found is not None:
                said.append(found.text)
        # and the elementwise backward passes called along a grid of their input
        for v in views:
            if v.sweep is not None:
                swept += 1
                found = sweep_finding(next(iter(v.outputs)), v.sweep)
                if found is not None:
                    said.append(found.text)
    assert not said, "\n".join(said)
    assert inner > 0                   # the inner gradients were asked on these runs
    assert responded > 100             # and the responses were called and answered
    assert swept > 5                   # and the sweeps ran
    assert swapped > 10                # and the cache's entries were exchanged
    assert traced > 20                 # and the forward passes were traced
    assert watched > 20                # and the student's variables were watched


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


@pytest.mark.parametrize("seed", range(5))
def test_an_extra_term_and_a_sum_over_the_wrong_axis_are_said(seed):
    rng = _rng(seed)
    cases = [(rng.standard_normal((n, n)), rng.standard_normal((n, n))) for n in (3, 4)]

    def run(make, name="db"):
        views = [View({"db": make(e, up)}, {"db": e},
                      quantities={"dout": Quantity(up, "the upstream gradient `dout`",
                                                   "upstream")}) for e, up in cases]
        return find(name, views)
    found = run(lambda e, up: e + up)
    assert found.cause_id == "extra-term-upstream" and "plus the upstream" in found.text
    found = run(lambda e, up: e - up)
    assert "minus the upstream gradient" in found.text
    # db of shape (n,): the upstream summed over the wrong axis (square, so the shape fits)
    views = [View({"db": up.sum(axis=1)}, {"db": up.sum(axis=0)},
                  quantities={"dout": Quantity(up, "the upstream gradient `dout`", "upstream")})
             for _, up in cases]
    found = find("db", views)
    assert found.cause_id == "summed-over-axis" and "summed over axis 1" in found.text
    found = run(lambda e, up: np.broadcast_to(e.sum(axis=1, keepdims=True), e.shape))
    assert found.cause_id == "summed-over-axis" and "broadcast" in found.text


@pytest.mark.parametrize("seed", range(5))
def test_an_answer_off_by_one_constant_is_said(seed):
    rng = _rng(seed)
    views = [View({"dx": e + c}, {"dx": e}) for e, c in
             ((rng.standard_normal((3, 4)), 0.3), (rng.standard_normal((5, 2)), -1.7))]
    found = find("dx", views)
    assert found.cause_id == "constant-offset" and "0.3 everywhere" in found.text
    # off by different amounts in different entries: not said
    views = [View({"dx": e + rng.standard_normal(e.shape)}, {"dx": e}) for e in
             (rng.standard_normal((3, 4)), rng.standard_normal((5, 2)))]
    assert find("dx", views) is None


@pytest.mark.parametrize("seed", range(5))
def test_a_product_with_the_wrong_operand_and_a_complement_are_said(seed):
    rng = _rng(seed)
    views = []
    for n in (3, 4):
        prev_h, next_h, da = (rng.standard_normal((n, 5)) for _ in range(3))
        views.append(View({"dWh": next_h.T @ da}, {"dWh": prev_h.T @ da},
                          quantities={"prev_h": Quantity(prev_h, "prev_h (cached)", "cache"),
                                      "next_h": Quantity(next_h, "next_h (cached)", "cache")},
                          products={"dWh": ("prev_h", da)}))
    found = find("dWh", views)
    assert found.cause_id == "wrong-operand"
    assert "next_h (cached) instead of prev_h (cached)" in found.text
    fractions = [rng.uniform(0.05, 0.45) for _ in range(2)]
    found = find("frac", [View({"frac": 1 - f}, {"frac": f}) for f in fractions])
    assert found.cause_id == "complement"


def test_two_sizes_that_give_a_plain_number_on_every_input_do_not_name_the_factor():
    """D/H = 1/2 on both inputs of a check (D = 3, H = 6): the factor is said as 1/2, not
    as D/H, which would name a cause (the sizes) that the numbers cannot tell."""
    rng = _rng(0)
    views = [View({"dprev_h": e / 2}, {"dprev_h": e}, sizes={"N": 4, "D": 3, "H": 6})
             for e in (rng.standard_normal((4, 6)), rng.standard_normal((4, 6)))]
    found = find("dprev_h", views)
    assert found.cause_id == "scale-1/2", found
    # sizes that differ between the inputs still name the factor
    views = [View({"dx": e * d / h}, {"dx": e}, sizes={"D": d, "H": h})
             for e, d, h in ((rng.standard_normal((2, 3)), 3, 5),
                             (rng.standard_normal((2, 3)), 4, 7))]
    assert find("dx", views).cause_id == "scale-D/H"


@pytest.mark.parametrize("seed", range(5))
def test_a_small_number_times_a_size_is_said(seed):
    """2/N (a mean and a factor 2): neither a plain number (N differs) nor one size."""
    rng = _rng(seed)
    views = [View({"db": 2 * e / n}, {"db": e}, sizes={"N": n, "M": 4})
             for n, e in ((3, rng.standard_normal(4)), (5, rng.standard_normal(4)))]
    found = find("db", views)
    assert found.cause_id == "scale-2/N" and "exactly 2/N times" in found.text
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


# ---------------------------------------------------------------- round 3 (issue #27)

def _gates(rng, n, h):
    return [rng.uniform(0.1, 0.9, (n, h)) for _ in range(4)]


@pytest.mark.parametrize("seed", range(5))
def test_a_slip_inside_a_gradient_that_a_weight_gradient_is_made_from_is_said_there(seed):
    """dW = X.T @ G: with X of full rank the student's G is recovered from their dW, and a
    relation on one block of G (a factor in place of another) is said about G."""
    rng = _rng(seed)
    blocks = ("i", "f", "o", "g")
    layout = Layout(blocks={"da": (1, blocks)})
    views = []
    for _ in range(2):
        X = rng.standard_normal((3, 5))
        i, f, o, g = _gates(rng, 3, 2)
        own, other = np.hstack([i, f, o, g]), np.hstack([g, f, o, i])
        G = rng.standard_normal((3, 8))
        mine = G.copy()
        mine[:, :2] *= i / g                     # the i block with its own value as a factor
        inner = explain.Inner("the gradient on a", G, [("dW", X)],
                              {"own": Quantity(own, "each gate's own value", "gate"),
                               "other": Quantity(other, "the other factor", "gate")})
        views.append(View({"dW": X.T @ mine}, {"dW": X.T @ G}, inner={"da": inner}))
    ex = Explainer(views, layout)
    found = ex.for_output("dW")()
    assert found is not None and not found.weak
    assert "the gradient on a that your dW is built from" in found.text
    assert "the block of the i is wrong" in found.text
    assert "each gate's own value as a factor instead of the other factor" in found.text
    # an operand without full rank recovers nothing: no claim about the inner gradient
    for v in views:
        v.inner["da"].sources = [("dW", np.vstack([v.inner["da"].sources[0][1]] * 2)[:, :2])]
    assert Explainer(views, layout).inner_finding() is None


@pytest.mark.parametrize("seed", range(5))
def test_an_output_equal_to_one_slice_of_a_quantity_is_said(seed):
    rng = _rng(seed)
    views = []
    for n in (3, 5):
        dout = rng.standard_normal((n, 4))
        views.append(View({"db": dout[0].copy()}, {"db": dout.sum(axis=0)},
                          quantities={"dout": Quantity(dout, "the upstream gradient", "up")}))
    found = find("db", views)
    assert found.cause_id == "one-slice"
    assert "the first row (index 0 along axis 0) of the upstream gradient" in found.text
    views = [View({"dh0": dh[:, -1].copy()}, {"dh0": rng.standard_normal((2, 3))},
                  quantities={"dh": Quantity(dh, "dh", "up")})
             for dh in (rng.standard_normal((2, 5, 3)), rng.standard_normal((2, 5, 3)))]
    assert "the last slice along axis 1 (index -1) of dh" in find("dh0", views).text


@pytest.mark.parametrize("seed", range(5))
def test_twice_is_said_before_a_size_that_is_2_on_every_input(seed):
    """A term counted twice in a check whose N is 2 everywhere: 'twice', the size only as
    what it also is; where N differs between the inputs, N alone holds and is said."""
    rng = _rng(seed)
    views = [View({"dx": 2 * e}, {"dx": e}, sizes={"N": 2, "D": 3}) for e in
             (rng.standard_normal((2, 3)), rng.standard_normal((2, 3)))]
    found = find("dx", views)
    assert found.cause_id == "scale-2"
    assert "exactly 2 times (twice)" in found.text and "also N" in found.text
    views = [View({"dx": e / 2}, {"dx": e}, sizes={"N": 2}) for e in
             (rng.standard_normal((2, 3)), rng.standard_normal((2, 3)))]
    assert "1/2 times (half)" in find("dx", views).text and "1/N" in find("dx", views).text
    views = [View({"dx": e * n}, {"dx": e}, sizes={"N": n}) for n, e in
             ((2, rng.standard_normal((2, 3))), (3, rng.standard_normal((3, 3))))]
    assert find("dx", views).cause_id == "scale-N"


@pytest.mark.parametrize("seed", range(5))
def test_a_missing_factor_is_said_as_missing(seed):
    rng = _rng(seed)
    views, parted = [], []
    for _ in range(2):
        e = rng.standard_normal((4, 3))
        f = rng.uniform(0.2, 0.9, (4, 3))
        q = {"f": Quantity(f, "the forget gate f", "gate")}
        views.append(View({"dc": e / f}, {"dc": e}, quantities=q))
        mine = e.copy()
        mine[1] = e[1] / f[1]
        parted.append(View({"dc": mine}, {"dc": e}, quantities=q))
    found = find("dc", views)
    assert "@@ is missing a factor the forget gate f" in found.text
    assert found.title == "a factor missing (gate)"
    found = find("dc", parted, Layout(axes={"dc": {0: "example"}}))
    assert "example 1 is wrong" in found.text
    assert "on the wrong part yours is missing a factor the forget gate f" in found.text


@pytest.mark.parametrize("seed", range(5))
def test_which_blocks_are_wrong_is_said_when_a_block_is_zero_on_both_sides_in_one_case(seed):
    """Three cases, the o block empty (0 and expected 0) in the third: the blocks that are
    wrong are still said (the third case agrees where it can tell)."""
    rng = _rng(seed)
    layout = Layout(blocks={"da": (1, ("i", "f", "o", "g"))})
    views = []
    for k in range(3):
        e = rng.standard_normal((3, 8))
        if k == 2:
            e[:, 4:6] = 0.0
        mine = e.copy()
        mine[:, :2] *= 3.0
        mine[:, 6:] *= 3.0
        views.append(View({"da": mine}, {"da": e}))
    found = find("da", views, layout)
    assert found is not None
    assert "the block of the i and the block of the g are wrong" in found.text
    assert "3 times" in found.text


@pytest.mark.parametrize("seed", range(5))
def test_one_factor_in_place_of_another_is_said_where_the_other_is_zero_in_one_case(seed):
    """The output gate's block made from dc instead of dnext_h: where a case has
    dnext_h = 0 the relation is not defined; it is said from the two cases where it is."""
    rng = _rng(seed)
    layout = Layout(blocks={"da": (1, ("i", "o"))})
    views = []
    for k in range(3):
        dnh = rng.standard_normal((3, 2)) if k < 2 else np.zeros((3, 2))
        dc = rng.standard_normal((3, 2))
        t = rng.uniform(0.2, 0.8, (3, 2))
        ti = rng.uniform(0.2, 0.8, (3, 2))    # the i block's own factor: o's is not a copy
        e = np.hstack([dc * ti, dnh * t])
        mine = np.hstack([dc * ti, dc * t])
        views.append(View({"da": mine}, {"da": e}, quantities={
            "dc": Quantity(np.hstack([dc, dc]), "dc", "gradient"),
            "dnh": Quantity(np.hstack([dnh, dnh]), "dnext_h", "upstream")}))
    found = find("da", views, layout)
    assert "the block of the o is wrong" in found.text
    assert "with dc as a factor instead of dnext_h" in found.text
    # with only one case where it is defined, nothing is said about the factor
    assert "instead of" not in (find("da", [views[0], views[2]], layout) or
                                explain.Finding("", "", "")).text


@pytest.mark.parametrize("seed", range(5))
def test_two_wrong_blocks_with_two_different_relations_are_each_said(seed):
    """Two slips in two blocks: no one relation holds on both, one holds on each."""
    rng = _rng(seed)
    layout = Layout(blocks={"da": (1, ("i", "f", "o", "g"))})
    views = []
    for _ in range(2):
        e = rng.standard_normal((3, 8))
        q = rng.uniform(0.2, 0.9, (3, 8))
        mine = e.copy()
        mine[:, :2] *= 2.0
        mine[:, 6:] /= q[:, 6:]
        views.append(View({"da": mine}, {"da": e},
                          quantities={"q": Quantity(q, "the gate g", "gate")}))
    found = find("da", views, layout)
    assert "the block of the i and the block of the g are wrong" in found.text
    assert "on the block of the i every entry is exactly 2 times" in found.text
    assert "on the block of the g yours is missing a factor the gate g" in found.text
    # one of the two without a relation: neither is said
    for v in views:
        v.outputs["da"][:, 6:] += rng.standard_normal((3, 2))
    assert "on the block" not in find("da", views, layout).text


@pytest.mark.parametrize("seed", range(5))
def test_an_answer_off_by_one_number_per_row_is_said(seed):
    """yours - expected constant along each row, a different number per row (a row's
    log-sum-exp left out); not said when some rows are right (the extent says those)."""
    rng = _rng(seed)
    views = []
    for n in (3, 4):
        e = rng.standard_normal((n, 5))
        views.append(View({"dlabels": e + rng.uniform(0.5, 2.0, (n, 1))}, {"dlabels": e}))
    found = find("dlabels", views)
    assert found.cause_id == "offset-per-slice"
    assert "in each row of @@, yours minus the expected is one number" in found.text
    for v in views:
        v.outputs["dlabels"][0] = v.truth["dlabels"][0]
    found = find("dlabels", views, Layout(axes={"dlabels": {0: "example"}}))
    assert found is None or found.cause_id != "offset-per-slice"


@pytest.mark.parametrize("seed", range(5))
def test_a_factor_that_is_one_on_whole_blocks_is_said_on_the_blocks_it_changes(seed):
    """The sigmoid's derivative for every gate where the candidate g's is the tanh's: the
    two agree on three blocks of four; the finding names the one block it changes."""
    rng = _rng(seed)
    layout = Layout(blocks={"da": (1, ("input gate i", "forget gate f", "output gate o",
                                       "cell candidate g"))})
    views = []
    for _ in range(2):
        s = rng.uniform(0.1, 0.9, (3, 8))
        own = np.hstack([s[:, :6] * (1 - s[:, :6]), 1 - s[:, 6:] ** 2])
        sig = s * (1 - s)
        up = rng.standard_normal((3, 8))
        views.append(View({"da": up * sig}, {"da": up * own}, quantities={
            "own": Quantity(own, "each gate's own derivative", "derivative"),
            "sig": Quantity(sig, "the sigmoid's derivative for every gate", "derivative")}))
    found = find("da", views, layout)
    assert "the block of the cell candidate g is wrong and the rest is right" in found.text
    assert "the sigmoid's derivative for every gate as a factor instead of each gate's own " \
           "derivative" in found.text
    # without blocks declared, the relation on the whole output
    assert find("da", views).cause_id == "factor-in-place-of-another"


# ---------------------------------------------------------------- responses: which path is wrong

def _recurrence(M, u):
    """A linear backward pass through time: dx[t] = u[t] + M @ dx[t+1] (from the last step)."""
    out, carry = np.zeros_like(u), np.zeros(u.shape[1])
    for t in reversed(range(u.shape[0])):
        carry = u[t] + M @ carry
        out[t] = carry
    return out


_RESPONSE_SLIPS = {
    # name: (the student's function of (A, B, M, a, b, u), the id said)
    "a term without the upstream": (lambda A, B, M, a, b, u: {"g": A @ a + 0.3 + B @ b},
                                    "not-through-upstream"),
    "the upstream squared": (lambda A, B, M, a, b, u: {"g": (A @ a + B @ b) ** 2},
                             "upstream-degree-2"),
    "one upstream squared": (lambda A, B, M, a, b, u: {"g": A @ a + (B @ b) ** 2},
                                   "not-linear-in-upstream"),
    "b's path missing": (lambda A, B, M, a, b, u: {"g": A @ a}, "wrong-path"),
    "b's path twice": (lambda A, B, M, a, b, u: {"g": A @ a + 2 * B @ b}, "wrong-path"),
    "no carry": (lambda A, B, M, a, b, u: {"dx": u.copy()}, "carried-path"),
    "last step twice": (lambda A, B, M, a, b, u: {"dx": _recurrence(
        M, u + np.eye(u.shape[0])[-1][:, None] * u)}, "wrong-step-path"),
    "forward in time": (lambda A, B, M, a, b, u: {"dx": _recurrence(M, u[::-1])[::-1]},
                        "reaches-later-steps"),
}


def _response_views(seed, student, over_time=False):
    rng = np.random.default_rng(seed)
    views = []
    for _case in range(2):
        A, B = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
        M = 0.5 * rng.standard_normal((3, 3))
        a, b, u = rng.standard_normal(3), rng.standard_normal(3), rng.standard_normal((5, 3))

        def right(up, A=A, B=B, M=M):
            return {"g": A @ up["a"] + B @ up["b"], "dx": _recurrence(M, up["u"])}

        def theirs(up, A=A, B=B, M=M, right=right):
            out = right(up)
            out.update(student(A, B, M, up["a"], up["b"], up["u"]))
            return out
        # a function of a and b, or one of u along time
        up = {"u": u} if over_time else {"a": a, "b": b}
        full = {"a": a, "b": b, "u": u}
        views.append(View(theirs(full), right(full), responses=explain.upstream_responses(
            lambda changed, theirs=theirs, full=full: theirs({**full, **changed}),
            lambda changed, right=right, full=full: right({**full, **changed}), up,
            {"u": (0, "time step")})))
    return views


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("slip", sorted(_RESPONSE_SLIPS))
def test_what_a_function_does_with_parts_of_its_upstream_gradient_is_said(seed, slip):
    student, cause_id = _RESPONSE_SLIPS[slip]
    over_time = cause_id in ("carried-path", "wrong-step-path", "reaches-later-steps")
    name = "dx" if over_time else "g"
    views = _response_views(seed, student, over_time)
    found = response_finding(name, views, Layout(axes={"dx": {0: "time step"}}))
    assert found is not None and found.cause_id == cause_id, found
    if slip == "b's path missing":
        assert "right for a alone" in found.text and "nothing of it reaches" in found.text
    if slip == "b's path twice":
        assert "2 times" in found.text
    if slip == "no carry":
        assert "nothing flows back" in found.text
    if slip == "last step twice":
        assert "the last time step (T-1)" in found.text and "2 times" in found.text


@pytest.mark.parametrize("seed", range(5))
def test_an_upstream_used_as_a_divisor_is_said_as_halved_on_doubling(seed):
    rng = np.random.default_rng(seed)
    views = []
    for _case in range(2):
        v, d = rng.standard_normal(6), float(rng.uniform(0.5, 2.0))
        views.append(View({"g": v / d}, {"g": v * d}, responses=explain.scalar_responses(
            lambda value, v=v: {"g": v / value}, {"g": v * d}, d)))
    found = response_finding("g", views)
    assert found is not None and found.cause_id == "upstream-degree--1", found
    assert "divided by the upstream gradient" in found.text


@pytest.mark.parametrize("seed", range(5))
def test_no_response_relation_fires_on_a_right_function(seed):
    for name, over_time in (("g", False), ("dx", True)):
        views = _response_views(seed, lambda A, B, M, a, b, u: {}, over_time)
        # every output counted as wrong (no tolerance at all): still nothing may be said
        assert response_finding(name, views, Layout(axes={"dx": {0: "time step"}}),
                                min_cases=1, tol=-1.0) is None


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("fn, word", [(np.square, "the square of"),
                                      (lambda e: np.sqrt(np.abs(e)), "the square root of"),
                                      (np.abs, "the absolute value"),
                                      (lambda e: 1.0 / e, "1 over the expected"),
                                      (np.trunc, "its fractional part dropped"),
                                      (np.floor, "rounded down to a whole number")])
def test_an_answer_that_is_a_function_of_the_right_one_is_said(seed, fn, word):
    rng = _rng(seed)
    views = [View({"g": fn(e)}, {"g": e}) for e in
             (rng.uniform(0.5, 3.0, 5) * rng.choice([-1, 1], 5), rng.uniform(0.5, 3.0, (2, 3)))]
    if word == "rounded down to a whole number":       # negative entries: floor is not trunc
        for v in views:
            v.truth["g"].flat[:2] = -np.abs(v.truth["g"].flat[:2]) - 0.25
            v.outputs["g"] = fn(v.truth["g"])
    if fn is np.abs or word == "the square root of":
        for v in views:                      # a negative entry, so that |e| is not e
            v.truth["g"].flat[0] = -abs(v.truth["g"].flat[0])
            v.outputs["g"] = fn(v.truth["g"])
    found = find("g", views)
    assert found is not None and found.cause_id == "function-of-expected", found
    assert word in found.text


@pytest.mark.parametrize("seed", range(5))
def test_a_term_scaled_by_another_number_in_each_row_is_said(seed):
    """The probabilities' term multiplied by each row's largest label where its row sum
    belongs: yours = expected + (k_n - 1) x term, one k per row."""
    rng = _rng(seed)
    views = []
    for n in (3, 4):
        term, rest = rng.standard_normal((n, 4)), rng.standard_normal((n, 4))
        k = rng.uniform(0.3, 0.9, n)
        views.append(View({"g": term * k[:, None] + rest}, {"g": term + rest},
                          terms={"the probabilities' term": {"g": term}}))
    found = find("g", views)
    assert found is not None and found.cause_id == "term-per-row-factor", found
    assert "the probabilities' term multiplied by one number per row" in found.text
    # one number for every row is a plain factor, said as such, not per row
    for v in views:
        v.outputs["g"] = 0.5 * v.terms["the probabilities' term"]["g"] + \
            (v.truth["g"] - v.terms["the probabilities' term"]["g"])
    assert find("g", views).cause_id != "term-per-row-factor"


def test_the_student_is_called_again_only_within_a_time_budget(monkeypatch):
    """A slow wrong answer: the calls stop once a case's calls took RESPONSE_SECONDS."""
    import time as _time
    monkeypatch.setattr(explain, "RESPONSE_SECONDS", 0.05)
    calls = []

    def slow(up):
        calls.append(1)
        _time.sleep(0.03)
        return {"g": up["u"].sum(axis=1) + 1.0}
    responses = explain.upstream_responses(slow, lambda up: {"g": up["u"].sum(axis=1)},
                                           {"u": np.ones((6, 2))}, {"u": (0, "time step")})
    # (the watched call has a budget of its own: explain.VARIABLE_SECONDS)
    got = [r.get() for r in responses.values() if r.kind != "watch"]
    assert len(responses) > 4 and len(calls) == 2     # 0.03 s each: the third is not made
    assert all(g is None for g in got[2:])


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("make, cause_id, said", [
    (lambda e: np.roll(e, 1, axis=0), "slices-reordered",
     "each row holds the expected values of the row before it"),
    (lambda e: e[::-1], "slices-reordered", "the rows are in reverse order"),
    (lambda e: np.sign(e) * 0.7, "one-magnitude", "the same size, 0.7"),
    (lambda e: np.broadcast_to(e.mean(axis=0), e.shape), "mean-over-axis",
     "the mean of the expected values along axis 0")])
def test_rows_in_another_order_one_size_with_signs_and_a_mean_broadcast_are_said(
        seed, make, cause_id, said):
    rng = _rng(seed)
    views = [View({"dx": make(e)}, {"dx": e})
             for e in (rng.standard_normal((3, 5)), rng.standard_normal((4, 5)))]
    found = find("dx", views)
    assert found is not None and found.cause_id == cause_id, found
    assert said in found.text


@pytest.mark.parametrize("seed", range(5))
def test_whole_numbers_where_fractions_belong_are_said(seed):
    rng = _rng(seed)
    views = []
    for n in (5, 7):
        e = rng.uniform(-3.0, 3.0, n)
        views.append(View({"g": np.round(e * 1.7)}, {"g": e}))   # rounded, and not of e
    found = find("g", views)
    assert found is not None and found.cause_id == "whole-numbers", found


# ---------------------------------------------------------------- round 4 (issue #27)

def _rectifier(x):
    return np.maximum(x, 0.0)


def _sweep_of(student, forward=_rectifier, width=3, marks=None):
    return Sweep("a", student, lambda x, up: elementwise_derivative(forward, x, up), width,
                 marks or {})


def test_a_sweep_says_where_an_elementwise_rule_switches():
    """A mask with its threshold elsewhere (a truncation to int, a comparison with the slope)
    is read off along the input: the same values, another switching point, named after a
    declared value when it is one."""
    found = sweep_finding("da", _sweep_of(lambda x, up: up * (x.astype(int) > 0)))
    assert found.cause_id == "local-rule-switch"
    assert "0 where a < 1, 1 where a > 1" in found.text and "switches at a = 1 where the right " \
        "one switches at a = 0" in found.text
    slope = 0.23
    found = sweep_finding("da", _sweep_of(
        lambda x, up: up * np.where(x > slope, 1.0, slope),
        lambda x: np.where(x > 0, x, slope * x), marks={"the slope": slope}))
    assert "switches at a = the slope (0.23)" in found.text


def test_a_sweep_says_other_values_and_a_rule_that_follows_the_upstream_sign():
    found = sweep_finding("da", _sweep_of(lambda x, up: up * np.where(x > 0, 1.0, 0.99),
                                          lambda x: np.where(x > 0, x, 0.01 * x)))
    assert found.cause_id == "local-rule-values" and "1 minus the right value" in found.text
    found = sweep_finding("da", _sweep_of(lambda x, up: up * (up * x > 0)))
    assert found.cause_id == "local-rule-upstream-sign"
    assert "0 where a < 0, 1 where a > 0 for a positive upstream gradient, and 1 where a < 0, " \
        "0 where a > 0 for a negative one: which entries pass depends on the sign" in found.text
    # the same entries let through, with a slope that follows the upstream (prelu's da
    # multiplied by dalpha where alpha belongs, seen on a blind catalogue): not "which
    # entries pass"
    found = sweep_finding("da", _sweep_of(lambda x, up: up * np.where(x > 0, 1.0, 3.0 * up),
                                          lambda x: np.where(x > 0, x, 0.2 * x)))
    assert found.cause_id == "local-rule-upstream-sign"
    assert "the values it uses depend on the upstream gradient" in found.text and \
        "which entries pass" not in found.text, found.text


def test_a_sweep_says_a_smooth_local_derivative_used_in_place_of_a_piecewise_one():
    """The ELU's exp(a), the softplus's sigmoid(a), the input itself used as the slope: said
    side by side of 0, beside the right rule."""
    for student, said in ((lambda x, up: up * np.where(x > 0, 1.0, np.exp(x)),
                           "exp(a) where a < 0, 1 where a > 0"),
                          (lambda x, up: up / (1.0 + np.exp(-x)),
                           "1 / (1 + exp(-a)) for every a"),
                          (lambda x, up: up * np.maximum(x, 0),
                           "0 where a < 0, a where a > 0")):
        found = sweep_finding("da", _sweep_of(student))
        assert found is not None and found.cause_id == "local-rule-smooth", found
        assert said in found.text and "the right one is 0 where a < 0, 1 where a > 0" \
            in found.text, found.text
    # with a declared value: a Leaky ReLU's slope plus the input, where the slope belongs
    slope = 0.05
    found = sweep_finding("da", _sweep_of(
        lambda x, up: up * np.where(x > 0, 1.0, slope + x),
        lambda x: np.where(x > 0, x, slope * x), marks={"the slope": slope}))
    assert found is not None and "the slope + a where a < 0, 1 where a > 0; the right one " \
        "is 0.05 where a < 0" in found.text, found
    # pieces that switch elsewhere than at 0: max(slope, a), the forward's max with a in
    # place of the indicator, on several slopes
    for slope in (0.01, 0.2, 0.37):
        found = sweep_finding("da", _sweep_of(
            lambda x, up, s=slope: up * np.maximum(s, x),
            lambda x, s=slope: np.where(x > 0, x, s * x), marks={"the slope": slope}))
        assert found is not None and found.cause_id == "local-rule-smooth", (slope, found)
        assert f"{slope:g} where a < the slope ({slope:g}), a where a > the slope ({slope:g})" \
            in found.text, found.text


def test_a_sweep_says_nothing_for_a_right_rule_or_one_of_many_pieces():
    assert sweep_finding("da", _sweep_of(lambda x, up: up * (x > 0))) is None
    # no rule of a few pieces nor a known smooth one: nothing said
    assert sweep_finding("da", _sweep_of(lambda x, up: up * np.sin(5 * x))) is None
    # a call that fails, or returns another shape, says nothing
    assert sweep_finding("da", _sweep_of(lambda x, up: 1 / 0)) is None
    assert sweep_finding("da", _sweep_of(lambda x, up: up[:, :1])) is None


def _two(rng, make, **declared):
    views = []
    for n in (4, 6):
        e = rng.standard_normal((n, 5)) + 0.1
        views.append(View({"dx": make(e, n)}, {"dx": e}, **{k: f(e, n) for k, f in
                                                         declared.items()}))
    return views


@pytest.mark.parametrize("seed", range(5))
def test_a_clipped_answer_a_running_total_and_a_slice_left_at_zero_are_said(seed):
    rng = _rng(seed)
    found = find("dx", _two(rng, lambda e, n: np.clip(e, -0.3, 0.3)))
    assert found.cause_id == "clipped" and "from -0.3 to 0.3" in found.text
    layout = Layout(axes={"dx": {0: "time step"}})
    views = _two(rng, lambda e, n: np.flip(np.cumsum(np.flip(e, 0), 0), 0))
    found = find("dx", views, layout)
    assert found.cause_id == "running-total" and "time steps t to T-1" in found.text

    def last_column_zero(e, n):
        a = e.copy()
        a[:, -1] = 0
        return a
    found = find("dx", _two(rng, last_column_zero))
    assert found.cause_id == "edge-left-zero" and "the last column" in found.text

    # one entry at an end of the row-major order, on cases of different shapes
    for end, idx in (("first", 0), ("last", -1)):
        def one_entry_zero(e, n, idx=idx):
            a = e.copy().ravel()
            a[idx] = 0
            return a.reshape(e.shape)
        views = _two(rng, one_entry_zero) + [
            View({"dx": one_entry_zero(e, 0)}, {"dx": e})
            for e in [rng.standard_normal((2, 3, 2)) + 3.0]]
        found = find("dx", views)
        assert found.cause_id in ("edge-entry-left-zero", "edge-left-zero") and \
            f"{end} entry" in found.text, found


@pytest.mark.parametrize("seed", range(5))
def test_one_number_beyond_a_value_and_a_count_off_by_one_are_said(seed):
    rng = _rng(seed)

    def floored(e, n):
        return np.where(np.abs(e) < 0.5, 0.7, e)
    views = _two(rng, floored, quantities=lambda e, n: {
        "q": Quantity(np.abs(e), "the size |x|", "input")})
    found = find("dx", views)
    assert found.cause_id == "one-number-beyond-a-value"
    assert "right where the size |x| is above" in found.text and "0.7" in found.text
    found = find("dx", _two(rng, lambda e, n: e * n / (n - 1), sizes=lambda e, n: {"N": n}))
    assert found.cause_id == "scale-N/(N-1)" and "N/(N-1) times" in found.text


@pytest.mark.parametrize("seed", range(5))
def test_a_division_for_a_multiplication_and_one_number_times_a_quantity_are_said(seed):
    rng = _rng(seed)
    views = []
    for n in (3, 5):
        y, g = rng.uniform(0.5, 2, (n, 4)), rng.standard_normal((n, 4))
        views.append(View({"dx": g / y}, {"dx": g * y},
                          quantities={"y": Quantity(y, "the input y", "input")}))
    found = find("dx", views)
    assert found.cause_id == "divides-for-multiplies"
    assert "divides by the input y where the right one multiplies by it" in found.text
    views = []
    for n in (3, 5):
        g, local = rng.standard_normal((n, 4)), rng.uniform(0.05, 0.25, (n, 4))
        views.append(View({"da": 0.2 * g}, {"da": g * local},
                          quantities={"g": Quantity(g, "the upstream gradient g", "upstream")}))
    found = find("da", views)
    assert found.cause_id == "proportional-to-quantity" and "(0.2 times it)" in found.text


def test_an_upstream_that_wraps_around_is_said():
    rng = _rng(0)
    up = rng.standard_normal((2, 5, 3))

    def truth_for(u):          # a stand-in linear map with a time axis
        return {"dx": np.cumsum(u, axis=1) * 1.5}
    alternatives = explain.moved_upstream(truth_for, up)
    label = [k for k in alternatives if "wrapping around" in k and "t-1" in k][0]
    wrapped = truth_for(np.roll(up, 1, axis=1))["dx"]
    views = [View({"dx": wrapped}, truth_for(up), alternatives=alternatives)] * 2
    found = find("dx", views)
    assert found.cause_id == "input-moved-along-axis" and label in found.text


def test_an_inner_gradient_is_recovered_from_an_outer_product():
    """(output, operand, True): dW = outer(da, x), the gradient da read back from dW."""
    rng = _rng(1)
    views = []
    for d in (3, 4):
        x, dz, local = rng.standard_normal(d), rng.standard_normal(5), rng.uniform(0.1, 0.2, 5)
        da = dz * local
        inner = explain.Inner("the gradient on the pre-activations", da[None, :],
                              [("dW", x[None, :], True)],
                              {"dz": Quantity(dz[None, :], "the upstream gradient dz",
                                              "upstream")})
        views.append(View({"dW": np.outer(0.25 * dz, x)}, {"dW": np.outer(da, x)},
                          inner={"da": inner}))
    found = Explainer(views).inner_finding()
    assert found.cause_id == "proportional-to-quantity"
    assert "the gradient on the pre-activations that your dW is built from" in found.text


def test_a_percentage_is_said_as_100_times():
    assert explain.say_number(100.0) == "100" and explain.say_number(0.01) == "1/100"
    assert explain.say_number(-1000.0) == "-1000" and explain.say_number(99.0) is None


def test_which_cases_are_right_is_said_when_nothing_else_is():
    """A scalar right on one kind of input and wrong on the others: the check's own words
    for its cases, the parenthesised details left out."""
    views = [View({"r": 2.0}, {"r": 2.0}, label="for an upper-triangular matrix (3x3)"),
             View({"r": 1.0}, {"r": 3.0}, label="for a rotation (2x2)"),
             View({"r": 5.0}, {"r": 4.0}, label="for a symmetric matrix")]
    found = Explainer(views).for_output("r")()
    assert found.cause_id == "right-on-some-cases"
    assert "is right for an upper-triangular matrix; and wrong for a rotation; for a " \
        "symmetric matrix" in found.text
    # all wrong, or no labels: nothing to say
    assert Explainer(views[1:]).case_finding("r") is None
    assert Explainer([View({"r": 1.0}, {"r": 3.0}), views[0]]).case_finding("r") is None


# ---------------------------------------------------------------- round 9: general forms

def _gate_views(seed, theirs):
    """A stand-in backward pass linear in its upstream g (the right one W.T-like: 1.5 * g *
    s with a fixed s), called again by upstream_responses; theirs(g, s) the student's."""
    rng = _rng(seed)
    views = []
    for n in (5, 7):
        g, s = rng.standard_normal(n), rng.uniform(0.5, 2.0, n)

        def right(up, s=s):
            return {"dx": 1.5 * up["g"] * s}
        views.append(View({"dx": theirs(g, s)}, right({"g": g}),
                          responses=explain.upstream_responses(
                              lambda up, s=s: {"dx": theirs(up["g"], s)}, right, {"g": g})))
    return views


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("theirs, cause_id", [
    (lambda g, s: 1.5 * np.maximum(g, 0) * s, "upstream-positive-part"),
    (lambda g, s: 1.5 * np.minimum(g, 0) * s, "upstream-negative-part"),
    (lambda g, s: 1.5 * np.abs(g) * s, "upstream-abs-part"),
    (lambda g, s: 1.5 * np.where(g > 0, g, 0.5 * g) * s, "upstream-sign")])
def test_an_upstream_whose_signs_are_treated_differently_is_said(seed, theirs, cause_id):
    """Doubling the upstream doubles these (positively homogeneous); negating it does not
    negate them: the part of the upstream gradient picked by its sign is said."""
    found = response_finding("dx", _gate_views(seed, theirs))
    assert found is not None and found.cause_id == cause_id, found
    # a right function says nothing, even when every output is counted as wrong
    assert response_finding("dx", _gate_views(seed, lambda g, s: 1.5 * g * s),
                            min_cases=1, tol=-1.0) is None


@pytest.mark.parametrize("seed", range(5))
def test_an_index_off_by_one_that_wraps_around_is_said_on_any_declared_axis(seed):
    rng = _rng(seed)
    layout = Layout(axes={"dx": {0: "unit"}})
    found = find("dx", _two(rng, lambda e, n: np.roll(e, 1, axis=0)), layout)
    assert found.cause_id == "index-shift-wrap"
    assert "previous unit, unit 0 that of the last" in found.text
    found = find("dx", _two(rng, lambda e, n: np.roll(e, -1, axis=0)), layout)
    assert found.cause_id == "index-shift-wrap" and "next unit" in found.text
    # not said along an axis nobody declared
    found = find("dx", _two(rng, lambda e, n: np.roll(e, 1, axis=0)))
    assert found is None or found.cause_id != "index-shift-wrap"


@pytest.mark.parametrize("seed", range(5))
def test_one_minus_another_quantity_in_a_factor_and_a_mask_on_a_quantity_are_said(seed):
    rng = _rng(seed)
    views = []
    for n in (4, 6):
        g, z = rng.standard_normal(n), rng.uniform(0.1, 0.9, n)
        views.append(View({"da": g * z * (1 - g)}, {"da": g * z * (1 - z)}, quantities={
            "g": Quantity(g, "the upstream gradient g", "upstream"),
            "z": Quantity(z, "the output z", "output")}))
    found = find("da", views)
    assert found.cause_id == "factor-in-place-of-another"
    assert "(1 - the upstream gradient g) as a factor instead of (1 - the output z)" in \
        found.text
    views = []
    for n in (4, 6):
        e, q = rng.standard_normal((n, 3)), rng.standard_normal((n, 3))
        views.append(View({"d": e * (q > 0)}, {"d": e},
                          quantities={"q": Quantity(q, "the logits", "logits")}))
    found = find("d", views)
    assert found.cause_id == "masked-by-quantity"
    assert "where the logits > 0, and zero elsewhere" in found.text


@pytest.mark.parametrize("seed", range(5))
def test_a_local_derivative_at_a_preactivation_without_a_term_is_said(seed):
    """tanh's derivative recomputed from x @ A alone, where the pre-activation is
    x @ A + h @ B + b."""
    rng = _rng(seed)
    views = []
    for n in (3, 5):
        x, h = rng.standard_normal((n, 2)), rng.standard_normal((n, 3))
        A, B, b = rng.standard_normal((2, 4)), rng.standard_normal((3, 4)), \
            rng.standard_normal(4)
        g, y = rng.standard_normal((n, 4)), np.tanh(x @ A + h @ B + b)

        def recompute(local, g=g, x=x):
            return {"dA": x.T @ (g * local)}
        local = explain.Local("tanh's derivative", "tanh", recompute, y=y,
                              terms=(("x @ A", x @ A), ("h @ B", h @ B), ("b", b)))
        wrong = 1 - np.tanh(x @ A) ** 2
        views.append(View(recompute(wrong), recompute(1 - y ** 2), locals={"tanh": local}))
    found = find("dA", views)
    assert found.cause_id == "local-local-preactivation-term-missing"
    assert "without h @ B and b" in found.text


def test_a_value_recomputed_without_an_input_is_said():
    """left_out: the right gradient of the forward pass with one input zero."""
    rng = _rng(2)
    views = []
    for n in (3, 4):
        x, b = rng.standard_normal((n, 3)), rng.standard_normal(3)

        def truth_for(changed, x=x, b=b):
            bb = changed.get("b", b)
            return {"dx": np.tanh(x + bb) * 2.0}
        views.append(View(truth_for({"b": np.zeros(3)}), truth_for({}),
                          alternatives=explain.left_out(truth_for, {"b": (b, "the bias b")})))
    found = find("dx", views)
    assert found.cause_id == "forward-term-left-out"
    assert "without the bias b (as if the bias b were zero" in found.text


@pytest.mark.parametrize("seed", range(5))
def test_a_product_of_sums_and_a_product_with_another_operand_are_said(seed):
    """contractions: dx = dout @ W.T declared as np.einsum("nm,dm->nd", dout, W)."""
    rng = _rng(seed)

    def views(theirs):
        out = []
        for n, m, d in ((3, 4, 5), (4, 3, 6)):
            dout, W, x = rng.standard_normal((n, m)), rng.standard_normal((d, m)), \
                rng.standard_normal((n, d))
            truth = {"dx": dout @ W.T, "dW": x.T @ dout}
            out.append(View({**truth, **theirs(dout, W, x, truth)}, truth,
                            quantities={"W": Quantity(W, "the weights W", "weights")},
                            contractions={"dx": ("dout", dout, "the weights W", W,
                                                 "nm,dm->nd")}))
        return out
    found = find("dx", views(lambda dout, W, x, t: {
        "dx": np.outer(dout.sum(axis=1), W.sum(axis=1))}))
    assert found.cause_id == "product-of-sums" and "two separate sums" in found.text
    # the weights' gradient dW (another output, of W's shape) where the weights belong
    found = find("dx", views(lambda dout, W, x, t: {"dx": dout @ t["dW"].T}))
    assert found.cause_id == "wrong-operand"
    assert "the expected dW in place of the weights W" in found.text
    # a right answer: nothing
    assert find("dx", views(lambda dout, W, x, t: {}), min_cases=1, tol=-1.0) is None


def test_an_alternative_declared_with_its_id_is_said_with_that_id():
    rng = _rng(3)
    views = []
    for n in (3, 4):
        e, other = rng.standard_normal(n), rng.standard_normal(n)
        views.append(View({"d": other}, {"d": e}, alternatives={
            "what the right computation gives through Q": (lambda o=other: {"d": o},
                                                           "wrong-operand")}))
    found = find("d", views)
    assert found.cause_id == "wrong-operand"
    assert found.text == "@@ is exactly what the right computation gives through Q"


@pytest.mark.parametrize("seed", range(5))
def test_two_cache_entries_read_in_each_others_place_are_said(seed):
    """cache_swaps: the student's function called again with two entries of the cache
    exchanged; right then, on every wrong case, means it reads each in the other's place.
    Nested caches are flattened; entries of another shape are never exchanged."""
    rng = _rng(seed)

    def right(g, cache):
        (x, W), (p, y) = cache
        return {"dx": (g * (p - 2 * y)) @ W.T}

    def theirs(g, cache):
        (x, W), (y, p) = cache              # unpacked in the wrong order
        return {"dx": (g * (p - 2 * y)) @ W.T}
    names = ("x", "W", "the probabilities", "the labels")
    views = []
    for n in (3, 4):
        x, W = rng.standard_normal((n, 5)), rng.standard_normal((5, 2))
        p, y, g = rng.standard_normal((n, 2)), rng.standard_normal((n, 2)), \
            rng.standard_normal((n, 2))
        cache = ((x, W), (p, y))
        truth = right(g, cache)
        views.append(View(theirs(g, cache), truth, responses=explain.cache_swaps(
            lambda c, g=g: theirs(g, c), cache, names, truth)))
        assert set(views[-1].responses) == {
            "swap-the probabilities-the labels", "copy-the probabilities-the labels",
            "copy-the labels-the probabilities", "free-the probabilities-the labels",
            "free-the labels-the probabilities"}
    found = Explainer(views).for_output("dx")()
    assert found.cause_id == "cache-entries-exchanged"
    assert "reads the probabilities in the place of the labels" in found.text

    def only_p(g, cache):                   # an output that reads p alone
        (x, W), (p, y) = cache
        return {"dx": (g * p) @ W.T}

    def one_way(g, cache):
        (x, W), (p, y) = cache              # y read where p belongs
        return {"dx": (g * y) @ W.T}
    views = []
    for n in (3, 4):
        cache = ((rng.standard_normal((n, 5)), rng.standard_normal((5, 2))),
                 (rng.standard_normal((n, 2)), rng.standard_normal((n, 2))))
        g = rng.standard_normal((n, 2))
        views.append(View(one_way(g, cache), only_p(g, cache), responses=explain.cache_swaps(
            lambda c, g=g: one_way(g, c), cache, names, only_p(g, cache))))
    found = Explainer(views).for_output("dx")()
    assert found.cause_id == "cache-entry-read-for-another"
    assert "reads the labels instead of the probabilities" in found.text

    # a slip that the copy happens to cancel is not a read in another's place: a factor
    # the labels' row sum, which is 1 when the labels' entry holds the probabilities
    def log_p(g, cache):
        (x, W), (p, y) = cache
        return {"dx": -np.log(p) * g}

    def times_rowsum(g, cache):
        (x, W), (p, y) = cache
        return {"dx": -np.log(p) * g * y.sum(axis=1, keepdims=True)}
    views = []
    for n in (3, 4):
        z = rng.standard_normal((n, 2))
        p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        cache = ((rng.standard_normal((n, 5)), rng.standard_normal((5, 2))),
                 (p, rng.uniform(0.5, 2.0, (n, 2))))
        g = rng.standard_normal((n, 2))
        views.append(View(times_rowsum(g, cache), log_p(g, cache),
                          responses=explain.cache_swaps(lambda c, g=g: times_rowsum(g, c),
                                                        cache, names, log_p(g, cache))))
    assert explain._swap_finding("dx", views) is None
    # a right function: nothing; a cache of another make (a name missing): no responses
    views = [View(right(g, c), right(g, c), responses=explain.cache_swaps(
        lambda cc, g=g: right(g, cc), c, names, right(g, c)))
        for g, c in ((rng.standard_normal((3, 2)), ((rng.standard_normal((3, 5)),
                      rng.standard_normal((5, 2))), (rng.standard_normal((3, 2)),
                                                     rng.standard_normal((3, 2))))),) * 2]
    assert explain._swap_finding("dx", views) is None
    assert explain.cache_swaps(lambda c: {}, ((1.0, 2.0), (3.0,)), names, {}) == {}


@pytest.mark.parametrize("seed", range(5))
def test_a_share_over_one_slice_and_the_odds_are_said(seed):
    """share_alternatives: the right share of a 2-D array of flags on example 0 alone, and
    the counted against the others."""
    rng = _rng(seed)
    for theirs, said in ((lambda f: np.mean(f[0]), "on example 0 alone"),
                         (lambda f: f.sum() / (f.size - f.sum()), "the odds, k / (n - k)")):
        views = []
        for n, k in ((4, 1), (6, 3)):
            f = rng.random((n, 5)) < 0.4
            f[0], f[1] = np.arange(5) < k, True         # row 0's share k/5, row 1 all in
            views.append(View({"fraction": np.float64(theirs(f))},
                              {"fraction": np.float64(f.mean())},
                              alternatives=explain.share_alternatives(f)))
        found = find("fraction", views)
        assert found is not None and said in found.text, found


@pytest.mark.parametrize("seed", range(5))
def test_more_forms_of_the_answer_are_said(seed):
    """A value added to every row, a product applied once more, a symmetrised matrix, a
    matrix product where an entry-by-entry one belongs, a value passed on where a gradient
    belongs, a gate chosen by size."""
    rng = _rng(seed)

    def views(theirs, square=False):
        out = []
        for n in ((4, 4) if square else (3, 5)):
            W = rng.standard_normal((4, 4))
            e, b = rng.standard_normal((n, 4)), rng.standard_normal(4)
            a, dout = rng.standard_normal((n, 4)), rng.standard_normal((n, 4))
            out.append(View({"d": theirs(e, W, b, a, dout)}, {"d": e, "b": b},
                            quantities={"W": Quantity(W, "the weights W", "weights"),
                                        "a": Quantity(a, "the input a", "input"),
                                        "dout": Quantity(dout, "the upstream dout",
                                                         "upstream")}))
        return out
    cases = [(lambda e, W, b, a, dout: e + b, "extra-term-broadcast", "plus the expected b"),
             (lambda e, W, b, a, dout: e @ W.T, "extra-product", "transpose of the weights W"),
             (lambda e, W, b, a, dout: a * (dout > 0), "quantity-passed",
              "the input a where dout > 0")]
    for theirs, cause_id, said in cases:
        found = find("d", views(theirs))
        assert found is not None and found.cause_id == cause_id and said in found.text, found
    found = find("d", views(lambda e, W, b, a, dout: (e + e.T) / 2, square=True))
    assert found.cause_id == "symmetrised"
    # contractions: dalpha = sum over n of m * dout, taken as (m.T @ dout).sum(axis=0)
    vs = []
    for n in (3, 5):
        m, dout = rng.standard_normal((n, 4)), rng.standard_normal((n, 4))
        vs.append(View({"g": (m.T @ dout).sum(axis=0)}, {"g": (m * dout).sum(axis=0)},
                       contractions={"g": ("m", m, "dout", dout, "nh,nh->h")}))
    assert find("g", vs).cause_id == "index-spread"
    # a gate that picks the larger in size
    vs = []
    for n in (5, 7):
        x, y, dout = (rng.standard_normal(n) for _ in range(3))
        x[:2], y[:2] = (-2.0, 0.5), (1.0, -1.0)    # the two rules differ both ways
        vs.append(View({"dx": dout * (np.abs(x) > np.abs(y))}, {"dx": dout * (x > y)},
                       quantities={"dout": Quantity(dout, "the upstream gradient", "upstream"),
                                   "x": Quantity(x, "x", "input"),
                                   "y": Quantity(y, "y", "input")}))
    found = find("dx", vs)
    assert found.cause_id == "gate-condition" and "where |x| > |y|" in found.text


def test_a_row_index_off_by_one_is_said_from_the_rows_that_move():
    """example_responses: changing example j moves row j + 1 of yours (and not row j's
    neighbours in the right one): each row is computed from the previous example."""
    rng = _rng(5)
    views = []
    for n in (4, 5):
        x = rng.standard_normal((n, 3))

        def right(x):
            return {"dx": np.tanh(x) * 2}

        def theirs(x):
            return {"dx": np.tanh(np.roll(x, 1, axis=0)) * 2 + x}
        views.append(View(theirs(x), right(x), responses=explain.example_responses(
            lambda j, x=x: theirs(explain.changed_row(x, j)),
            lambda j, x=x: right(explain.changed_row(x, j)), n)))
    found = response_finding("dx", views)
    assert found.cause_id == "examples-mixed" and "only in the next example's row" in found.text
    assert "an index n - 1 where n belongs" in found.text


@pytest.mark.parametrize("seed", range(5))
def test_a_local_factor_applied_after_a_product_is_said(seed):
    """contractions: dh = (g * L) @ W.T; yours (g @ W.T) * L, with L declared."""
    rng = _rng(seed)
    views = []
    for n in (3, 5):
        g, L, W = rng.standard_normal((n, 4)), rng.uniform(0.2, 1.0, (n, 4)), \
            rng.standard_normal((4, 4))
        views.append(View({"dh": (g @ W.T) * L}, {"dh": (g * L) @ W.T},
                          quantities={"L": Quantity(L, "the local derivative", "local")},
                          contractions={"dh": ("the gradient", g * L, "W", W, "nh,kh->nk")}))
    found = find("dh", views)
    assert found.cause_id == "factor-after-product"
    assert "the local derivative applied after the product with W" in found.text


@pytest.mark.parametrize("seed", range(5))
def test_a_sum_that_skips_a_term_and_a_product_added_too_many_are_said(seed):
    """contractions: dx = dout @ W.T missing the first output's term; dW plus the same
    product with another quantity in the input's place; W2 from a quantity's negative part."""
    rng = _rng(seed)

    def views(theirs):
        out = []
        for n in (3, 5):
            dout, W, x = rng.standard_normal((n, 4)), rng.standard_normal((6, 4)), \
                rng.standard_normal((n, 6))
            c, a = rng.standard_normal((n, 6)), rng.standard_normal((n, 6))
            truth = {"dx": dout @ W.T, "dW": x.T @ dout}
            out.append(View({**truth, **theirs(dout, W, x, c, a)}, truth,
                            quantities={"c": Quantity(c, "the cell c", "cache"),
                                        "a": Quantity(a, "the input a", "input")},
                            contractions={"dx": ("dout", dout, "W", W, "nm,dm->nd"),
                                          "dW": ("x", x, "dout", dout, "nd,nm->dm")}))
        return out
    found = find("dx", views(lambda dout, W, x, c, a: {"dx": dout[:, 1:] @ W[:, 1:].T}))
    assert found.cause_id == "sum-skips-a-term" and "misses the first term" in found.text
    # only the last term kept (`=` in a loop over the outputs), and only the last example's
    found = find("dx", views(lambda dout, W, x, c, a: {"dx": dout[:, -1:] @ W[:, -1:].T}))
    assert found.cause_id == "sum-keeps-one-term" and "only the last term" in found.text
    found = find("dW", views(lambda dout, W, x, c, a: {"dW": x[-1:].T @ dout[-1:]}))
    assert found.cause_id == "sum-keeps-one-term" and "only the last term" in found.text
    found = find("dW", views(lambda dout, W, x, c, a: {"dW": x.T @ dout + c.T @ dout}))
    assert found.cause_id == "extra-product-term" and "the cell c in place of x" in found.text
    found = find("dW", views(lambda dout, W, x, c, a: {"dW": np.minimum(a, 0).T @ dout}))
    assert found.cause_id == "wrong-operand"
    assert "the negative part of the input a in place of x" in found.text


@pytest.mark.parametrize("seed", range(5))
def test_whole_numbers_where_fractions_belong_are_said_with_their_unit(seed):
    """An integer buffer (Huber's dr stored in an int array before the last factor
    dloss / r.size, seen on a blind catalogue): the expected values with their fractions cut
    off, in the unit they were counted in (in units of 1: the test above). Five seeds."""
    from backprop_lab.checks import lstm
    lstm_ns = solution_namespace("lstm")

    def huber_backward(dloss, r, delta=1.0):
        dr = np.zeros(r.shape, dtype=int)
        inside = np.abs(r) <= delta
        dr[inside] = r[inside]
        dr[~inside] = delta * np.sign(r[~inside])
        return dloss * dr / r.size

    with pytest.raises(CheckFailure) as failure:
        lstm.check_huber_backward(huber_backward, lstm_ns["huber_loss"], seed=seed)
    assert "every entry of dr is the expected one (counted in units of dloss/r.size) with " \
        "its fraction cut off (toward zero)" in str(failure.value), (seed, str(failure.value))
