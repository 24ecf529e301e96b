"""How many of the known wrong implementations get a named cause.

    python bench/mistake_catalogue.py [--list]

Every wrong implementation in the check tests' mistake tables (tests/test_staged_checks.py,
test_sigmoid_checks.py, test_relu_checks.py, test_rnn_checks.py) is run through every test
cell of the source notebook that grades its function (public and hidden), in this process,
on the worked solutions with that one function replaced. A mistake counts as NAMED when at
least one failing cell's message names it: a "Likely cause:" line, or a message about the
answer's form (shape, dtype, modified argument, aliasing, a crash with its line) rather than
its values ("... is wrong" with only a "Usual cause:"). Implementations in the tables that
are wrong on purpose by a small amount (3% off), where no cause may be named, are counted
apart as controls: a control is good when NO cause is named. Where a table gives the pattern
its test expects, a named message that doesn't match it is counted as OTHER (a different
cause, or the right one worded otherwise: read them).

Run it with the checks of another commit on the path to compare (the tables and notebooks
come from this tree):  PYTHONPATH=/path/to/old/tree python bench/mistake_catalogue.py
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import numpy as np  # noqa: E402

from backprop_lab.checks.core import CheckFailure, StudentCodeError  # noqa: E402
from notebook_tools import cells_for, run_test_cell, solution_namespace  # noqa: E402


def _marks(test_fn) -> list:
    """The argument values of a test's @pytest.mark.parametrize."""
    out = []
    for mark in getattr(test_fn, "pytestmark", []):
        if mark.name == "parametrize":
            out.extend(mark.args[1])
    return out


def staged_catalogue():
    import test_staged_checks as t
    rows = [(f"staged_backward:{k}", "staged_backward", t.make_staged_backward(**bug),
             list(patterns.values())) for k, (bug, patterns) in t.STAGED_MISTAKES.items()]
    rows += [(f"staged_backward:{k}", "staged_backward", t.make_slipped_backward(**bug), p)
             for k, (bug, p) in t.STAGE_SLIPS.items()]
    rows += [("staged_backward:hard_coded_times_df", "staged_backward",
              t.make_slipped_backward(hard_coded="times_df"), "hard-coded"),
             ("staged_backward:float32", "staged_backward", t.make_slipped_backward(f32=True),
              "float32 precision"),
             ("staged_backward:two_slips", "staged_backward",
              t.make_slipped_backward(invden="plus", xpy_factor="missing_2"),
              r"stage 5.*stage 7")]
    for fn, table in t.GATE_MISTAKES.items():
        rows += [(f"{fn}:{k}", fn, wrong, p) for k, (wrong, p) in table.items()]
    rows += [(f"numerical_gradient:{k}", "numerical_gradient", t.make_numerical_gradient(**bug),
              list(patterns.values())) for k, (bug, patterns) in t.NUMGRAD_MISTAKES.items()]
    rows.append(("numerical_gradient:row_at_once", "numerical_gradient", t.row_at_once,
                 "a whole row was nudged at once"))
    return "staged", rows


def sigmoid_catalogue():
    import test_sigmoid_checks as t
    rows, seen = [], set()
    for fn, table in (("sigmoid_layer_backward", t.WRONG_BACKWARD),
                      ("sigmoid_layer_backward", t.WRONG_SATURATED),
                      ("saturated_fraction", t.WRONG_FRACTION),
                      ("saturated_fraction",
                       _marks(t.test_counting_units_instead_of_pairs_is_named)),
                      ("sigmoid_layer_backward",
                       _marks(t.test_more_wrong_backward_passes_are_named))):
        for wrong, pattern in table:
            if wrong not in seen and "three_percent" not in wrong.__name__:
                seen.add(wrong)
                rows.append((f"{fn}:{wrong.__name__}", fn, wrong, pattern))
    return "sigmoid", rows


def relu_catalogue():
    import test_relu_checks as t
    rows = []
    names = {"check_relu_backward": "relu_backward", "check_relu_backward_dead": "relu_backward",
             "check_leaky_relu_backward": "leaky_relu_backward",
             "check_leaky_relu_backward_flow": "leaky_relu_backward"}
    for check, wrong, _, match in t._mistakes():
        fn = names.get(check.__name__)
        if fn is not None:
            rows.append((f"{fn}:{match}", fn, wrong, match))
    for da_fn, match in _marks(t.test_prelu_da_mistakes):
        rows.append((f"prelu_backward(da):{match}", "prelu_backward", t.prelu_with(da_fn=da_fn),
                     match))
    for dalpha_fn, match in _marks(t.test_prelu_dalpha_mistakes):
        rows.append((f"prelu_backward(dalpha):{match}", "prelu_backward",
                     t.prelu_with(dalpha_fn=dalpha_fn), match))
    for da_fn, dalpha_fn, _, match in _marks(t.test_prelu_wrong_quantity_is_named):
        rows.append((f"prelu_backward:{match[:40]}", "prelu_backward",
                     t.prelu_with(da_fn=da_fn, dalpha_fn=dalpha_fn), match))
    for wrong, match in _marks(t.test_dead_fraction_mistakes):
        rows.append((f"dead_neuron_fraction:{match}", "dead_neuron_fraction", wrong, match))
    for i, wrong in enumerate(_marks(t.test_dead_units_judged_by_weights_are_named)):
        rows.append((f"dead_neuron_fraction:by_weights_{i}", "dead_neuron_fraction", wrong,
                     "judged by their weights"))
    return "relu", rows


def rnn_catalogue():
    import test_rnn_checks as t
    ns = solution_namespace("rnn")
    rows = []
    for k, (kw, cause) in t.RELU_MISTAKES.items():
        rows.append((f"relu_rnn_backward:{k}", "relu_rnn_backward",
                     lambda d, c, kw=kw: t.relu_bptt(d, c, **kw), cause))
    for k, (kw, cause) in t.STEP_MISTAKES.items():
        rows.append((f"rnn_step_backward:{k}", "rnn_step_backward",
                     lambda d, c, kw=kw: t.step_bptt(d, c, **kw), cause))
    rows.append(("rnn_step_backward:missing transpose crash", "rnn_step_backward",
                 t.step_missing_transpose, "a missing transpose"))
    step = ns["rnn_step_backward"]
    for k, (kw, cause) in t.RNN_MISTAKES.items():
        rows.append((f"rnn_backward:{k}", "rnn_backward",
                     lambda d, c, kw=kw: t.rnn_bptt(d, c, step, **kw), cause))
    seen = set()
    for wrong, _, cause in t.CLIP_NORM_MISTAKES:
        if wrong not in seen:
            seen.add(wrong)
            rows.append((f"clip_grad_norm:{wrong.__name__}", "clip_grad_norm", wrong, cause))
    rows += [(f"clip_grad_value:{w.__name__}", "clip_grad_value", w, c)
             for w, c in t.CLIP_VALUE_MISTAKES]
    rows += [(f"spectral_radius:{c}", "spectral_radius", w, c) for w, c in t.SPECTRAL_MISTAKES]
    return "rnn", rows


def controls():
    """Wrong on purpose by 3%: no cause may be named."""
    import test_sigmoid_checks as ts
    import test_rnn_checks as tr
    ns = solution_namespace("staged")
    right = ns["staged_backward"]
    rows = [("sigmoid", "sigmoid_layer_backward:three_percent_off_dW", "sigmoid_layer_backward",
             ts.three_percent_off_dW),
            ("staged", "staged_backward:three_percent", "staged_backward",
             lambda df, c: tuple(1.03 * v for v in right(df, c)))]
    rnn = solution_namespace("rnn")
    for i, name in enumerate(("dx", "dprev_h", "dWx", "dWh", "db")):
        rows.append(("rnn", f"rnn_step_backward:three_percent_{name}", "rnn_step_backward",
                     tr.scaled(rnn["rnn_step_backward"], i)))
    for i, name in enumerate(("dx", "dh0", "dWx", "dWh", "db")):
        rows.append(("rnn", f"rnn_backward:three_percent_{name}", "rnn_backward",
                     tr.scaled(rnn["rnn_backward"], i)))
    return rows


def is_named(message: str) -> bool:
    if "Likely cause:" in message:
        return True
    about_values = " is wrong" in message or "Usual cause:" in message or "; expected " in message
    return not about_values


def run(assignment: str, function: str, wrong, namespaces: dict) -> list[str]:
    """The messages of every cell that grades `function` and fails with `wrong` in place."""
    ns = namespaces.setdefault(assignment, solution_namespace(assignment))
    messages = []
    for cell in cells_for(assignment, function):
        try:
            with np.errstate(all="ignore"):
                run_test_cell(ns, cell, **{function: wrong})
        except (CheckFailure, StudentCodeError) as exc:
            messages.append(str(exc))
        except Exception as exc:        # a check that breaks on a wrong answer: report it
            messages.append(f"CHECK ERROR {type(exc).__name__}: {exc}")
    return messages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true", help="print every mistake's verdict")
    args = parser.parse_args()
    namespaces: dict = {}
    total = named = passed = other = 0
    by_assignment: dict = {}
    for assignment, rows in (staged_catalogue(), sigmoid_catalogue(), relu_catalogue(),
                             rnn_catalogue()):
        for label, function, wrong, patterns in rows:
            messages = run(assignment, function, wrong, namespaces)
            ok = any(is_named(m) for m in messages)
            patterns = [patterns] if isinstance(patterns, str) else patterns
            right = ok and any(re.search(p, m, re.DOTALL) for p in patterns for m in messages
                               if is_named(m))
            total += 1
            named += ok
            other += ok and not right
            passed += not messages
            a = by_assignment.setdefault(assignment, [0, 0])
            a[0] += 1
            a[1] += ok
            if args.list:
                verdict = "PASSES" if not messages else (
                    ("named" if right else "OTHER") if ok else "NOT NAMED")
                print(f"{verdict:10} {label}")
    quiet = 0
    ctl = controls()
    for assignment, label, function, wrong in ctl:
        messages = run(assignment, function, wrong, namespaces)
        good = bool(messages) and not any("Likely cause:" in m for m in messages)
        quiet += good
        if args.list:
            print(f"{'control ok' if good else 'CONTROL!':10} {label}")
    for assignment, (n, k) in by_assignment.items():
        print(f"{assignment:8} {k:3d} of {n:3d} named ({100 * k / n:.0f}%)")
    print(f"all      {named:3d} of {total:3d} wrong implementations get a named cause "
          f"({100 * named / total:.1f}%); {passed} pass every cell")
    print(f"         {other:3d} of them get a message other than the one their test expects "
          "(read them with --list: OTHER)")
    print(f"controls {quiet:3d} of {len(ctl):3d} (3% off) fail with no cause named")


if __name__ == "__main__":
    main()
