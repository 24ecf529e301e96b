"""What the benchmarks share: a synthetic class of submissions made from the real course, the
checks of its scores, a scratch course to run in, and one scanner of /proc.

    from common import ROOT, Maker, Submission, kinds_for, proc_table, ...

The scripts in bench/ import this module (their folder is on sys.path when run as
`python bench/<script>.py`) and nothing of each other's or of the tests.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]

MIX = (("correct", 0.60), ("wrong", 0.25), ("stub", 0.15))
KINDS = tuple(kind for kind, _ in MIX)
HALF_SOLVED_SHARE = 1 / 3          # of the wrong notebooks; the rest have one bug

# Realistic bugs, one per graded function: (text in the source solution, what students write).
# A bug whose text is no longer in the source is skipped with a warning.
BUGS = {
    "staged": {
        "staged_backward": ("dden = (-1.0 / den ** 2) * dinvden",
                            "dden = (1.0 / den ** 2) * dinvden"),            # sign flip
        "add_backward": ("dy = dout.copy()", "dy = dx"),                    # same array twice
        "mul_backward": ("dx = dout * y", "dx = y"),                        # missing dout
        "max_backward": ("dy = np.where(x_wins, 0.0, dout)",
                         "dy = np.where(x_wins, dout, 0.0)"),               # copy-paste
        "numerical_gradient": ("(f_plus - f_minus) / (2 * h)",
                               "(f_plus - f_minus) / h"),                   # missing factor 2
    },
    "sigmoid": {
        "sigmoid_layer_backward": ("da = dz * z * (1.0 - z)", "da = dz * (1.0 - z)"),
        "saturated_fraction": ("local < tol", "local > tol"),
    },
    "relu": {
        "relu_backward": ("np.where(a > 0, dout, 0.0)", "np.where(a >= 0, dout, 0.0)"),
        "leaky_relu_backward": ("np.where(a > 0, dout, slope * dout)",
                                "np.where(a > 0, dout, slope)"),            # missing dout
        "prelu_backward": ("np.where(negative, a * dout, 0.0)",
                           "np.where(negative, dout, 0.0)"),                # missing a
        "dead_neuron_fraction": ("np.all(pre <= 0, axis=0)", "np.all(pre <= 0, axis=1)"),
    },
    "rnn": {
        "relu_rnn_backward": ("carry = Whh.T @ delta", "carry = Whh @ delta"),
        "rnn_step_backward": ("(1.0 - next_h ** 2)", "(1.0 - next_h)"),
        "rnn_backward": ("rnn_step_backward(dh[:, t, :] + dprev, cache[t])",
                         "rnn_step_backward(dh[:, t, :], cache[t])"),       # no flow in time
        "clip_grad_norm": ("max_norm / total_norm if", "total_norm / max_norm if"),
        "clip_grad_value": ("np.clip(g, -clip_value, clip_value)",
                            "np.minimum(g, clip_value)"),                   # one side only
        "spectral_radius": ("np.max(np.abs(np.linalg.eigvals(W)))",
                            "np.max(np.linalg.eigvals(W).real)"),           # no abs
    },
    "debug": {
        "gradient_check": ("n = (up - down) / (2 * h)", "n = (up - down) / h"),
        "unit_counts": ("np.all(pre <= 0, axis=0)", "np.any(pre <= 0, axis=0)"),
        "layer_gradient_norms": ('step["grads"][k] ** 2', 'step["params"][k] ** 2'),
        "fix_exploding_updates": ("min(1.0, (step + 1) / warmup)", "(step + 1) / warmup"),
    },
}


# ---------------------------------------------------------------- the synthetic class

def is_solution(cell) -> bool:
    return bool(cell.metadata.get("nbgrader", {}).get("solution"))


def grade_id(cell) -> str:
    return cell.metadata["nbgrader"]["grade_id"]


@dataclass
class Submission:
    student: str
    assignment: str
    kind: str           # correct | wrong | stub
    detail: str         # how it was made
    path: Path


class Maker:
    """Makes the notebooks of one assignment from the repository's released and source copies."""

    def __init__(self, assignment: str):
        self.assignment = assignment
        self.released = nbformat.read(ROOT / "assignments" / assignment / f"{assignment}.ipynb",
                                      as_version=4)
        source = nbformat.read(ROOT / "source" / assignment / f"{assignment}.ipynb",
                               as_version=4)
        self.solutions = {grade_id(c): c.source for c in source.cells if is_solution(c)}
        self.bugs = {}
        for function, (good, bad) in BUGS.get(assignment, {}).items():
            if good in self.solutions.get(function, ""):
                self.bugs[function] = (good, bad)
            else:
                print(f"warning: bug for {assignment}.{function} does not apply to the source "
                      "solution any more; left out", file=sys.stderr)

    def solved(self, which=lambda i, function: True):
        nb = nbformat.from_dict(json.loads(json.dumps(self.released)))
        for i, cell in enumerate(c for c in nb.cells if is_solution(c)):
            if which(i, grade_id(cell)):
                cell.source = self.solutions[grade_id(cell)]
        return nb

    def make(self, kind: str, rng: random.Random):
        if kind == "correct":
            return self.solved(), "all solutions from source/"
        if kind == "stub":
            return self.solved(lambda i, f: False), "released notebook"
        if not self.bugs or rng.random() < HALF_SOLVED_SHARE:
            return self.solved(lambda i, f: i % 2 == 0), "half-solved"
        function = rng.choice(sorted(self.bugs))
        good, bad = self.bugs[function]
        nb = self.solved()
        for cell in nb.cells:
            if is_solution(cell) and grade_id(cell) == function:
                cell.source = cell.source.replace(good, bad, 1)
        return nb, f"bug in {function}: {bad.strip()}"


def kinds_for(total: int, rng: random.Random) -> list[str]:
    """Exactly the MIX proportions (rounded), in a seeded order."""
    counts = [round(total * share) for _, share in MIX[:-1]]
    counts.append(total - sum(counts))
    kinds = [kind for (kind, _), n in zip(MIX, counts) for _ in range(n)]
    rng.shuffle(kinds)
    return kinds


def check_scores(subs: list[Submission], results: list[dict]) -> dict:
    """Does each kind of notebook score what it should? (correct: full, stub: 0, wrong: less)."""
    by_key = {(r["student"], r["assignment"]): r for r in results}
    odd = []
    for s in subs:
        r = by_key.get((s.student, s.assignment))
        if r is None:
            odd.append(f"{s.student}/{s.assignment}: not in the CLI's results")
        elif r["error"]:
            odd.append(f"{s.student}/{s.assignment} ({s.kind}): not graded: {r['error']}")
        elif s.kind == "correct" and r["score"] != r["max_score"]:
            odd.append(f"{s.student}/{s.assignment} correct but {r['score']}/{r['max_score']}")
        elif s.kind == "stub" and r["score"] != 0:
            odd.append(f"{s.student}/{s.assignment} stub but {r['score']}/{r['max_score']}")
        elif s.kind == "wrong" and r["score"] >= r["max_score"]:
            odd.append(f"{s.student}/{s.assignment} wrong ({s.detail}) but full marks")
    return {"unexpected": odd}


def run_in_course(parser: argparse.ArgumentParser, opts: argparse.Namespace, prefix: str,
                  run) -> dict:
    """`run(opts, course)` in --keep DIR (new or empty) or a temporary course removed after;
    the figures it returns are written to --json FILE if asked."""
    if opts.keep:
        if opts.keep.exists() and any(opts.keep.iterdir()):
            parser.error(f"--keep {opts.keep}: not empty")
        opts.keep.mkdir(parents=True, exist_ok=True)
        course = opts.keep.resolve()
    else:
        course = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        figures = run(opts, course)
    finally:
        if not opts.keep:
            shutil.rmtree(course, ignore_errors=True)
    if opts.json:
        opts.json.write_text(json.dumps(figures, indent=2) + "\n")
        print(f"figures written to {opts.json}")
    return figures


# ---------------------------------------------------------------- /proc

PAGE = os.sysconf("SC_PAGE_SIZE")


def proc_table() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, command name) of every process."""
    table = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        table[int(entry.name)] = (ppid, name)
    return table


def rss_pss(pid: int) -> tuple[int, int | None] | None:
    """Resident and proportional set size in bytes (PSS None if not readable); None if gone."""
    try:
        with open(f"/proc/{pid}/statm") as f:
            rss = int(f.read().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return None
    if rss == 0:
        return None            # exited (a zombie) or a kernel thread
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return rss, int(line.split()[1]) * 1024
    except PermissionError:
        return rss, None
    except OSError:
        return None            # exited meanwhile
    return None                # exited meanwhile (empty rollup)


def cmdline_and_state(pid: int) -> tuple[bytes, str] | None:
    """A process's command line and its state letter (Z: a zombie); None once it is gone."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            cmdline = fh.read()
        with open(f"/proc/{pid}/stat") as fh:
            state = fh.read().rsplit(")", 1)[-1].split()[0]
    except (OSError, IndexError):
        return None
    return cmdline, state


def live_processes_with(mark: bytes, table: dict[int, tuple[int, str]] | None = None
                        ) -> list[int]:
    """Live (not zombie) processes whose command line holds `mark`."""
    found = []
    for pid in (table if table is not None else proc_table()):
        seen = cmdline_and_state(pid)
        if seen is not None and seen[1] != "Z" and mark in seen[0]:
            found.append(pid)
    return found
