"""Answers looked up for the public inputs earn nothing (trial3, class 3).

A public test's inputs are fixed (its seed is the default, and `rng_for` is public), and so
were the inputs of the exactness probe that follows it: a student could record, offline,
the right outputs for every call the public tests and their probes make (with a friend's
solution, or the check library the kit installs) and submit a backward pass that only looks
them up, with no chain rule in it. Before, such a staged_backward scored both public tests
(4 of its 6 points). Now the grader draws the probe's case from a seed of its own (the
test's seed mixed with a salt made from the trusted copy the grader reads, with its hidden
secrets, and the student's id): a lookup has nothing recorded for it, and a backward pass
that is right for every input, as backprop is, answers it as before.
"""
from __future__ import annotations

import hashlib
import json

import numpy as np

from backprop_lab.grading import Settings, load_trusted
from conftest import ROOT, cli_grade, notebook

PUBLIC = ("test_staged_backward_point", "test_staged_backward_arrays")


def _key(args) -> str:
    digest = hashlib.sha256()

    def feed(value):
        if isinstance(value, (tuple, list)):
            for item in value:
                feed(item)
        else:
            digest.update(np.asarray(value, dtype=np.float64).tobytes())
    feed(args)
    return digest.hexdigest()


def _recorded_table() -> dict:
    """Every call the public tests of staged_backward make (their probes included), with
    the right answer, as the attacker records it offline."""
    trusted = load_trusted(Settings(course=ROOT, hidden=True), "staged")
    ns = trusted.namespace()
    exec(compile("".join(c.source for c in trusted.notebook.cells
                         if c.grade_id == "staged_backward"), "solution", "exec"), ns)
    honest = ns["staged_backward"]
    table = {}

    def recorder(df, cache):
        out = honest(df, cache)
        table[_key((df, cache))] = [np.asarray(o, dtype=np.float64).tolist() for o in out]
        return out
    for grade_id in PUBLIC:
        test_ns = dict(ns, staged_backward=recorder)
        exec(trusted.tests[grade_id], test_ns)
    return table


LOOKUP = '''import hashlib
TABLE = {table!r}
def staged_backward(df, cache):
    digest = hashlib.sha256()
    def feed(value):
        if isinstance(value, (tuple, list)):
            for item in value:
                feed(item)
        else:
            digest.update(np.asarray(value, dtype=np.float64).tobytes())
    feed((df, cache))
    found = TABLE.get(digest.hexdigest())
    if found is None:
        return df * 0.0, df * 0.0
    dx, dy = (np.array(v, dtype=np.float64) for v in found)
    return (float(dx), float(dy)) if dx.ndim == 0 else (dx, dy)
'''


def test_a_looked_up_backward_pass_scores_nothing(tmp_path):
    table = _recorded_table()
    assert len(table) >= 4
    nb = json.loads(notebook("source", "staged").read_text())
    for raw in nb["cells"]:
        if (raw.get("metadata", {}).get("nbgrader") or {}).get("grade_id") == "staged_backward":
            raw["source"] = LOOKUP.format(table=table)
    path = tmp_path / "submitted" / "mallory" / "staged" / "staged.ipynb"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(nb))
    [result] = cli_grade(path)
    mine = {t["name"]: t for t in result["tests"] if t["name"].startswith("test_staged_backward")}
    assert all(mine[name]["score"] == 0 for name in PUBLIC), \
        {n: (t["score"], t["output"][:300]) for n, t in mine.items()}
    others = [t for t in result["tests"] if t["name"] not in mine]
    assert all(t["score"] == t["max_score"] for t in others)
