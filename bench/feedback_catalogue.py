"""How often the feedback names a mistake it was not written for (issues #22, #27).

    python bench/feedback_catalogue.py FILE [--list] [--correct FILE] [--only ASSIGNMENTS_OR_IDS]

FILE is a catalogue of wrong implementations: a Python file defining CATALOGUE, a list of
dicts with `id`, `assignment`, `function`, `source` (the wrong solution cell), `mistake`
(one sentence) and `accept` (case-insensitive regular expressions). Each entry's source is
exec'd into the worked solutions' namespace of its assignment, so only that one function is
replaced, and it is run through every test cell (public and hidden) of the source notebook
that grades its function. Per assignment it reports:

  lost     entries that lost points (some cell failed); every entry must
  NAMED    some failing message matches one of the entry's `accept` patterns, searched in
           what the message says about the answer: not in the test's conditions on its first
           line ("(N = 3, dloss = 0.34)"), not in the lines of numbers, not in a generic
           "Usual cause:" text (the same for every wrong answer), not in the test's name
           or the function's name, not in values the test states (`df = 1.83`)
  generic  not named and no message gives a "Likely cause:" (a fallback text)
  leaks    entries with a message that prints a complete gradient formula (a line
           `dX = <expression>` or a line of the worked solution's code)
  misnamed entries with a "Likely cause:" line that matches none of the accept patterns
           (printed for a human to read: a different cause, or the right one worded otherwise)

Then it runs the alternative correct implementations (bench/catalogue_correct.py, defining
CORRECT, same format without mistake/accept) and lists every test cell that fails on one.
--list prints every message.
"""
from __future__ import annotations

import argparse
import re
import runpy
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import numpy as np  # noqa: E402

from backprop_lab.checks.core import CheckFailure, StudentCodeError  # noqa: E402
from backprop_lab.notebooks import SOLUTION  # noqa: E402
from notebook_tools import (cells_for, run_test_cell, solution_namespace,  # noqa: E402
                            source_notebook)

ASSIGNMENTS = ("staged", "sigmoid", "relu", "rnn", "softmax", "lstm")
CORRECT_FILE = ROOT / "bench" / "catalogue_correct.py"
LIKELY = re.compile(r"Likely cause:?\s*(.*)", re.IGNORECASE)
# `dx = dout @ W.T`, `dr = dloss * np.clip(...)`: a gradient assigned from an expression
# with an operation in it (not `dx = 0.12` or `dx = yours`).
# The right-hand side starts with a name, a bracket or a minus before a name (not a number)
# and stays within one sentence.
FORMULA = re.compile(r"\bd[A-Za-z_0-9\[\]:, ]{0,24}\s=\s*(?=-?[A-Za-z_(\[])"
                     r"(?:(?!\. )[^=\n;])*?(@|\*|/|\.sum\(|\.T\b|np\.\w+\()")
# What a message restates about the test or its numbers rather than says about the answer:
# not searched for the accept patterns.
NUMBERS = re.compile(r"^\s*(largest relative error|worst entries|\(.*\): \S+ vs \S+$|"
                     r"\d+ of \d+ entries are off|\(each value is)|yours \S+ vs expected \S+|"
                     r"along a random direction", re.IGNORECASE)
VALUES = re.compile(r"\b\w+ = -?\d[\d.]*(e[-+]?\d+)?|yours -?\d\S*,? expected -?\d\S*|^\[[\w]+\]")
CONDITIONS = re.compile(r"\((?:[^()]|\([^()]*\))*=(?:[^()]|\([^()]*\))*\)")


def load(path) -> list[dict]:
    """The entries of a catalogue file (CATALOGUE, or CORRECT for the correct ones)."""
    mod = runpy.run_path(str(path))
    entries = mod.get("CATALOGUE", mod.get("CORRECT"))
    if entries is None:
        raise SystemExit(f"{path}: defines neither CATALOGUE nor CORRECT")
    return entries


def compile_entry(entry: dict, namespace: dict):
    """The entry's function, defined in a copy of `namespace` (so it sees the given code)."""
    env = dict(namespace)
    exec(compile(entry["source"], f"<{entry['id']}>", "exec"), env)
    return env[entry["function"]]


def solution_lines(assignment: str) -> list[str]:
    """The code lines of the worked solutions with an operation in them, whitespace removed."""
    out = []
    for cell in source_notebook(assignment).of_kind(SOLUTION):
        body = cell.source.split("### BEGIN SOLUTION")[-1].split("### END SOLUTION")[0]
        for line in body.splitlines():
            code = re.sub(r"\s+", "", line.split("#")[0])
            if len(code) >= 12 and re.search(r"[@*/]|\.sum\(|np\.", code) and "=" in code:
                out.append(code)
    return out


def leaks(message: str, lines: list[str]) -> list[str]:
    """What in a message prints a finished formula."""
    found = [m.group(0) for m in FORMULA.finditer(message)]
    flat = re.sub(r"\s+", "", message)
    found += [line for line in lines if line in flat]
    return found


def run(entry: dict, namespaces: dict) -> tuple[list[str], int]:
    """The failing messages of every cell that grades the entry's function, and the cell count."""
    a = entry["assignment"]
    ns = namespaces.setdefault(a, solution_namespace(a))
    fn = compile_entry(entry, ns)
    cells = cells_for(a, entry["function"])
    messages = []
    for cell in cells:
        try:
            with np.errstate(all="ignore"):
                run_test_cell(ns, cell, **{entry["function"]: fn})
        except (CheckFailure, StudentCodeError) as exc:
            messages.append(f"[{cell.grade_id}] {exc}")
        except Exception as exc:        # a check that breaks on a wrong answer: report it
            messages.append(f"[{cell.grade_id}] CHECK ERROR {type(exc).__name__}: {exc}")
    return messages, len(cells)


def said(message: str, function: str = "") -> str:
    """The part of a message that can name a mistake: without the test's conditions in its
    first line, the lines of numbers, and the generic "Usual cause:" text (the same for every
    wrong answer, so it names none)."""
    lines = message.splitlines()
    if lines:
        # "f: dx is wrong with a (3, 4) upstream gradient df": where and on what, not why
        lines[0] = re.sub(r"\b(is|are) wrong\b.*", "", CONDITIONS.sub("", lines[0]))
    kept = []
    for line in lines:
        if NUMBERS.search(line):
            continue
        line = VALUES.sub("", line.split("Usual cause:")[0])
        kept.append(re.sub(rf"`?\b{re.escape(function)}\b`?", "", line) if function else line)
    return "\n".join(kept)


def judge(entry: dict, messages: list[str], lines: list[str]) -> dict:
    pats = [re.compile(p, re.IGNORECASE) for p in entry["accept"]]
    texts = [said(m, entry["function"]) for m in messages]
    hits = [(p.pattern, m[max(0, h.start() - 50):h.end() + 30].replace("\n", " "))
            for p in pats for m in texts for h in [p.search(m)] if h]
    named = bool(hits)
    causes = [c.group(1).strip() for m in messages for c in LIKELY.finditer(m)]
    wrong_causes = [c for c in causes if not any(p.search(c) for p in pats)]
    leaked = [x for m in messages for x in leaks(m, lines)]
    return {"lost": bool(messages), "named": named, "generic": not named and not causes,
            "misnamed": wrong_causes, "leaks": leaked, "hits": hits}


def report(entries: list[dict], show: bool) -> dict:
    namespaces: dict = {}
    lines = {a: solution_lines(a) for a in ASSIGNMENTS}
    table = {a: dict(n=0, lost=0, named=0, generic=0, leaks=0, misnamed=0) for a in ASSIGNMENTS}
    notes = []
    for entry in entries:
        messages, _ = run(entry, namespaces)
        v = judge(entry, messages, lines[entry["assignment"]])
        row = table[entry["assignment"]]
        row["n"] += 1
        for k in ("lost", "named", "generic"):
            row[k] += v[k]
        row["leaks"] += bool(v["leaks"])
        row["misnamed"] += bool(v["misnamed"])
        verdict = ("PASSES" if not v["lost"] else "named" if v["named"]
                   else "generic" if v["generic"] else "NOT NAMED")
        if show:
            print(f"--- {verdict:9} {entry['assignment']}:{entry['id']} ({entry['function']})")
            print(f"    mistake: {entry['mistake']}")
            for pattern, snippet in v["hits"][:1]:
                print(f"    matched {pattern!r} in: ...{snippet}...")
            for m in messages:
                print("    | " + m.replace("\n", "\n    | "))
        if not v["lost"]:
            notes.append(f"PASSES every test: {entry['id']}")
        for c in v["misnamed"]:
            notes.append(f"cause not the mistake: {entry['id']}: mistake: {entry['mistake']}\n"
                         f"      message says: {c}")
        for x in v["leaks"][:2]:
            notes.append(f"formula leak: {entry['id']}: {x}")
    print(f"{'':8} {'n':>3} {'lost':>5} {'NAMED':>10} {'generic':>8} {'leaks':>6} {'misnamed':>9}")
    tot = dict(n=0, lost=0, named=0, generic=0, leaks=0, misnamed=0)
    for a, row in table.items():
        if row["n"]:
            for k in tot:
                tot[k] += row[k]
            print(f"{a:8} {row['n']:3d} {row['lost']:5d} {row['named']:4d} ({100 * row['named'] / row['n']:3.0f}%)"
                  f" {row['generic']:8d} {row['leaks']:6d} {row['misnamed']:9d}")
    if tot["n"]:
        print(f"{'all':8} {tot['n']:3d} {tot['lost']:5d} {tot['named']:4d} ({100 * tot['named'] / tot['n']:3.0f}%)"
              f" {tot['generic']:8d} {tot['leaks']:6d} {tot['misnamed']:9d}")
    for note in notes:
        print("  " + note)
    return table


def check_correct(path, show: bool) -> list[str]:
    """Every test cell that fails on an alternative correct implementation."""
    namespaces: dict = {}
    failures = []
    entries = load(path)
    for entry in entries:
        messages, n = run(entry, namespaces)
        if show:
            print(f"--- correct {entry['assignment']}:{entry['id']}: {n - len(messages)} of {n} cells pass")
        failures += [f"{entry['id']}: {m}" for m in messages]
    print(f"correct implementations: {len(entries)}, failing test cells: {len(failures)}")
    for f in failures:
        print("  FAILS ON A CORRECT ONE: " + f.replace("\n", "\n    "))
    return failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", help="a catalogue file defining CATALOGUE")
    parser.add_argument("--list", action="store_true", help="print every message")
    parser.add_argument("--correct", default=str(CORRECT_FILE),
                        help="the alternative correct implementations (default: %(default)s)")
    parser.add_argument("--only", default="",
                        help="comma-separated assignments or entry ids to run (default: all); "
                             "the correct implementations are then not run")
    args = parser.parse_args()
    entries = load(args.file)
    if args.only:
        keep = set(args.only.split(","))
        entries = [e for e in entries if e["assignment"] in keep or e["id"] in keep]
    report(entries, args.list)
    if not args.only:
        check_correct(args.correct, args.list)


if __name__ == "__main__":
    main()
