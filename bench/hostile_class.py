"""Does a class with a few hostile notebooks take only the normal time plus their time limits?

    python bench/hostile_class.py [--students N] [--hostile H] [--jobs J] [--timeout T]
                                  [--numerical] [--complex] [--all-correct] [--seed S]
                                  [--keep DIR]
                                  [--json FILE]

The README promises: "A class with a few hostile notebooks takes the normal grading time plus
those notebooks' time limits." This script measures it.

1. In a scratch nbgrader course (nbgrader_config.py and source/ copied from this repository)
   it writes N students' submissions of all four assignments, the mix of
   bench/class_benchmark.py (60% correct, 25% wrong, 15% stubs; --all-correct: all correct).
   H notebooks, spread over the students and over the four assignments, are made worked
   solutions (they become hostile in step 3).
2. `python -m backprop_lab grade submitted --hidden --jobs J --timeout T --json ...` grades the
   class: the baseline wall time.
3. The H notebooks are replaced by hostile versions of the worked solution: one graded
   function's body (its solution cell, for the hang at load) is replaced by hostile code,
   in turn: an infinite loop, time.sleep(60), a top-level time.sleep(60) in the solution cell
   (hangs while the cell loads), os._exit(1), a memory hog (growing np.empty), a background
   `sleep 300` in a new session that outlives the function (its argv[0] a marker unique to
   this run), os.kill(os.getppid(), SIGKILL) (the process that forked it), a flood of
   printed output, ten later cells that each sleep 0.9 T and define the function again with
   an endless loop (reloaded after every timeout), and a later cell that hangs while loading
   before defining the function again correctly (it is dropped, so nothing may be lost: the
   first test after it keeps its whole time limit); then the other classes of attack: an
   exception message with a lone surrogate, terminal escapes and a bidi override (every
   report must still be written, the text shown escaped), busy loops forked into new
   sessions (CPU starvation of the neighbours), a writer to /dev/shm and SysV shared memory
   (nothing may reach the next student), every function keeping its inputs and printing
   them in later tests (tests/spy.py: no public test may print a hidden input), an import
   of the check library (ground truth without a backward pass), numerical differentiation
   (a backward pass computed by centered differences of the given forward: it must lose
   every test of that function; --numerical makes every hostile notebook this one), the
   complex step (Im f(x + ih) / h over an elementwise forward, or for one local derivative:
   exact and one forward pass, so only the source read before any test can tell; it must
   lose every test of that function and of those that call it), forks
   that each fill 300 MB under the per-process limit (the submission's memory in all), a
   forged reply of 16 MB of text on the pipe (cut where it enters the grader), and a scan of
   every process's command line for the course's folder with a file left in /tmp and
   /var/tmp (the CLI is given absolute paths; neither may be found, nothing may be left on
   the machine). Three honest notebooks get a hostile timestamp.txt (a named pipe, a link to
   a root-only file, garbage: each costs only its own late judgement, the file is never
   shown), and three students have ids a spreadsheet would run (`+1+1`, `-2+3`, `@A1`; both
   runs: no cell of the CSV may run). Both runs use a late policy with far deadlines and
   write a CSV. The class is graded again with the same command (`--isolation` chooses the
   mode, default auto).
4. The promise, as the README states it: the hostile run takes at most the baseline wall
   time plus, for each hostile notebook, its grading time budget (the JSON's `budget`) and
   a start-up allowance spread over the J workers, plus, for each notebook whose tests were
   run again after the batch (alone), its budget and a start-up allowance once more, plus a
   start-up allowance for the pool of that re-run phase. The start-up allowance is measured
   here: starting a zygote and forking a child from it (median of 3, after a warm-up).

It prints the two wall times, the extra time, the bound and whether the promise held; per
hostile notebook the tests that lost points and their status, its budget, and its tests run
again; whether every other notebook (the honest ones) scored the same, test by test, in
both runs; whether every hostile notebook kept the points
of the tests that do not call its hostile function (directly or through another of its
functions) and lost those that do; and whether any process carrying the marker is left
after the CLI exits. Exit 1 if the promise or any check fails. Timings depend on the machine
being otherwise idle (the load average before each run is printed).
"""
from __future__ import annotations

import argparse
import ast
import csv
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent / "tests"))   # spy.py

import nbformat  # noqa: E402

from backprop_lab.assignments import ASSIGNMENTS  # noqa: E402
from backprop_lab.course.nbgrader import nbgrader_env  # noqa: E402
from backprop_lab.isolation.launcher import Launcher  # noqa: E402
from backprop_lab.assignments import ASSIGNMENTS  # noqa: E402
from backprop_lab.notebooks import SOLUTION, read_notebook, tests_of  # noqa: E402
from backprop_lab.text import one_line  # noqa: E402
from backprop_lab.isolation.student_process import (BUDGET_TIMEOUTS, RESTART_ALLOWANCE,  # noqa: E402
                                                  spent_budget)
import spy  # noqa: E402
from numerical_attacks import COMPLEX_CELLS  # noqa: E402
from backprop_lab.text import spreadsheet_safe  # noqa: E402
from common import (KINDS, ROOT, Maker, Submission, check_scores,  # noqa: E402
                    cmdline_and_state, grade_id, is_solution, kinds_for, live_processes_with,
                    proc_table, run_in_course)

SLEEP = shutil.which("sleep") or "/bin/sleep"
MARKER = f"bplhostile{uuid.uuid4().hex[:8]}"     # argv[0] of every background process
LEAK = "bpl-found-the-course"   # printed by hostile code that reached the course's folder

# (name, where, code): "body" replaces the function's body, "cell" goes before the cell.
ATTACKS = (
    ("infinite loop", "body", "while True:\n    pass\n"),
    ("long sleep", "body", "import time\ntime.sleep(60)\n"),
    ("sleep while the cell loads", "cell", "import time\ntime.sleep(60)\n"),
    ("os._exit(1)", "body", "import os\nos._exit(1)\n"),
    ("memory hog", "body", "import numpy as np\nhog = []\nwhile True:\n"
                           "    hog.append(np.empty(10 ** 7))   # 80 MB more each time\n"),
    ("background process", "body",
     f"import subprocess, time\n"
     f"proc = subprocess.Popen([{MARKER!r}, '300'], executable={SLEEP!r},\n"
     f"                        start_new_session=True)\n"
     f"time.sleep(0.05)\n"
     f"if proc.poll() is not None:\n"
     f"    raise RuntimeError('the background process did not start')\n"
     f"print('background process started: pid', proc.pid)\n"),
    ("SIGKILL to the parent", "body", "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n"),
    ("output flood", "body", "for _ in range(10 ** 5):\n    print('spam' * 100)\n"),
    # {nap}: 0.9 x the time limit, filled in when the notebook is written
    ("near-limit cells", "cells", "import time\ntime.sleep({nap})\n"),
    ("later cell hanging while loading", "later cell", "import time\ntime.sleep(60)\n"),
    # text that would sink or forge the reports: a lone surrogate, terminal escapes, bidi
    ("hostile text", "body",
     "raise ValueError('\\ud800 \\x1b[2J\\x1b]0;pwned\\x07 \\x1b[8m \\u202e PASS 99/99')\n"),
    # CPU starvation: busy loops in new sessions, as many as the limits allow
    ("busy processes in new sessions", "body",
     "import os\nfor _ in range(300):\n    try:\n        pid = os.fork()\n"
     "    except OSError:\n        break\n    if pid == 0:\n        os.setsid()\n"
     "        while True:\n            pass\nraise RuntimeError('forked busy loops')\n"),
    # state left for the next student in the worker: /dev/shm and a SysV segment
    ("shared-memory writer", "body",
     "import ctypes, os\nwith open('/dev/shm/bpl-left', 'wb') as fh:\n"
     "    fh.write(b'x' * 10 ** 7)\nlibc = ctypes.CDLL(None)\n"
     "libc.shmget(0x4242, 10 ** 7, 0o1666)\nraise RuntimeError('left shared memory')\n"),
    # every graded function keeps each input it sees and prints them in later tests
    # (tests/spy.py): no public test may print a hidden test's input
    ("stash and print hidden inputs", "spy", ""),
    # ground truth from the check library instead of a backward pass
    ("reaching for the check library", "body",
     "import importlib\nimportlib.import_module('backprop_lab.checks.core')\n"
     "raise RuntimeError('the check library was importable')\n"),
    # no backward pass: centered differences of the given forward, entry by entry; the right
    # numbers at every size, so only exactness and cost can tell (NUMERICAL below)
    ("numerical differentiation", "numerical", ""),
    # no backward pass: the complex step, exact and as cheap as backprop (COMPLEX below); the
    # grader reads it in the source before any test
    ("complex step", "complex", ""),
    # memory of the submission as a whole: forks that each stay under the per-process limit
    ("memory in forks", "body",
     "import os, time\nfor _ in range(6):\n    try:\n        pid = os.fork()\n"
     "    except OSError:\n        break\n    if pid == 0:\n        hog = []\n"
     "        try:\n            for _ in range(6):\n"
     "                hog.append(b'x' * (50 << 20))\n        except MemoryError:\n"
     "            pass\n        time.sleep(3)\n        os._exit(0)\ntime.sleep(3)\n"
     "raise RuntimeError('forked memory hogs')\n"),
    # a forged reply on the pipe, all of it text, just under the frame limit
    ("oversized forged reply", "body",
     "import json, os, struct\n"
     "data = json.dumps({'ok': False, 'error': {'type': 'E' * 10 ** 6, "
     "'message': 'm' * (14 * 10 ** 6), 'traceback': 't' * 10 ** 6}}).encode()\n"
     "for fd in os.listdir('/proc/self/fd'):\n    if int(fd) > 2:\n        try:\n"
     "            os.write(int(fd), struct.pack('>Q', len(data)) + data)\n"
     "        except OSError:\n            pass\nraise RuntimeError('forged a reply')\n"),
    # the course and the class through the command lines of every process, and /tmp
    ("snooping command lines and /tmp", "body",
     "import os\nfound = 0\nfor pid in os.listdir('/proc'):\n    try:\n"
     "        args = open('/proc/%s/cmdline' % pid, 'rb').read().split(b'\\0')\n"
     "    except OSError:\n        continue\n    for arg in args:\n"
     "        folder = os.path.join(arg.decode(errors='replace'), 'source')\n"
     "        if os.path.isdir(folder):\n            found += 1\n"
     f"            print('{LEAK}', folder)\n"
     "for tmp in ('/tmp', '/var/tmp'):\n    try:\n"
     f"        open(os.path.join(tmp, '{MARKER}-left'), 'w').write('x')\n"
     "    except OSError:\n        pass\n"
     "raise RuntimeError('snooped: %d course folders found' % found)\n"),
)

# The numerical attack, per assignment: (graded function, body). Each body differentiates
# the given forward by centered differences over every entry of its inputs (the bias of a
# tanh step recovered from its output, as an attacker reading the cache would).
_CENTRAL = """import numpy as np
def _d(loss, vals, k, h=1e-5):
    g = np.zeros(np.shape(vals[k]))
    for i in np.ndindex(g.shape):
        v = [np.array(a, dtype=float) for a in vals]
        v[k][i] += h
        plus = loss(v)
        v[k][i] -= 2 * h
        g[i] = (plus - loss(v)) / (2 * h)
    return g
"""
NUMERICAL = {
    "staged": ("staged_backward", _CENTRAL + """x, y = cache[0], cache[1]
vals = [np.atleast_1d(np.asarray(x, dtype=float)), np.atleast_1d(np.asarray(y, dtype=float))]
shape = np.shape(x)
L = lambda v: float(np.sum(staged_forward(v[0].reshape(shape), v[1].reshape(shape))[0] * df))
dx, dy = _d(L, vals, 0), _d(L, vals, 1)
if np.ndim(x) == 0:
    return float(dx[0]), float(dy[0])
return dx, dy
"""),
    "sigmoid": ("sigmoid_layer_backward", _CENTRAL + """W, x, z = cache
L = lambda v: float(np.sum(sigmoid_layer_forward(v[0], v[1])[0] * dz))
return _d(L, [W, x], 1), _d(L, [W, x], 0)
"""),
    "relu": ("prelu_backward", _CENTRAL + """a, alpha = cache
L = lambda v: float(np.sum(prelu_forward(v[0], v[1])[0] * dout))
return _d(L, [a, alpha], 0), _d(L, [a, alpha], 1)
"""),
    "rnn": ("rnn_backward", _CENTRAL + """x = np.stack([c[0] for c in cache], axis=1)
x0, h0, Wx, Wh, h1 = cache[0]
b = (np.arctanh(h1) - x0 @ Wx - h0 @ Wh)[0]
vals = [x, h0, Wx, Wh, b]
L = lambda v: float(np.sum(rnn_forward(*v)[0] * dh))
return tuple(_d(L, vals, k) for k in range(5))
"""),
    "softmax": ("softmax_cross_entropy_backward", _CENTRAL + """logits, labels, probs = cache
L = lambda v: softmax_cross_entropy_forward(v[0], v[1])[0] * dloss
return _d(L, [logits, labels], 0), _d(L, [logits, labels], 1)
"""),
    "lstm": ("lstm_backward", _CENTRAL + """x = np.stack([c[0] for c in cache], axis=1)
x0, h0, c0, Wx, Wh, i, f, o, g = cache[0][:9]
logit = lambda p: np.log(p) - np.log1p(-p)
a = np.concatenate([logit(i), logit(f), logit(o), np.arctanh(g)], axis=1)
b = (a - x0 @ Wx - h0 @ Wh)[0]
vals = [x, h0, Wx, Wh, b]
L = lambda v: float(np.sum(lstm_forward(*v)[0] * dh))
return tuple(_d(L, vals, k) for k in range(5))
"""),
}
# The complex-step attack, per assignment: the graded function whose answer cell becomes
# tests/numerical_attacks.py's COMPLEX_CELLS[function] (each earned every point, or all but
# one, before the grader read the source).
COMPLEX = {"staged": "staged_backward", "sigmoid": "sigmoid_layer_backward",
           "relu": "leaky_relu_backward", "rnn": "rnn_step_backward",
           "softmax": "softmax_cross_entropy_backward", "lstm": "lstm_step_backward"}
NEAR_LIMIT_CELLS = 10
# dropped, or right answers: the notebook loses nothing
HARMLESS = {"later cell hanging while loading", "stash and print hidden inputs"}
# the notebook's whole time goes into reloading slow cells: its budget may run out before
# the tests of its other functions can run
BUDGET_BOUND = {"near-limit cells"}
STARTED = "background process started"
LOAD_HANG = re.compile(r"time limit exceeded \([^)]*\) while the cell ran")
# Not notebooks: files around them. Students whose ids a spreadsheet would run as formulas
# (both runs; every cell of the CSV must come out neutralised), and timestamp.txt files made
# hostile in the second run for three honest notebooks (the late policy is on in both runs;
# its deadlines are far off, so no honest score changes): each must cost only its own late
# judgement, and the root-only file behind the link must never be read.
FORMULA_STUDENTS = ("+1+1", "-2+3", "@A1")
TIMESTAMP_ATTACKS = ("named pipe", "link to a root-only file", "garbage")
SECRET = f"bplsecret{uuid.uuid4().hex[:8]}"
LATE_POLICY = "penalty_per_day = 0.1\n[deadlines]\n" + "".join(
    f'{a} = "2099-01-01 00:00"\n' for a in ASSIGNMENTS)


# ---------------------------------------------------------------- the class

@dataclass
class Hostile:
    sub: Submission
    attack: str
    function: str
    affected: set[str] = field(default_factory=set)   # tests that call the function


def replace_body(source: str, function: str, body: str) -> str:
    """`source` with the body of its top-level function `function` replaced by `body`."""
    tree = ast.parse(source)
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == function:
            lines = source.splitlines(keepends=True)
            first = node.body[0]
            if first.lineno == node.lineno:
                raise ValueError(f"`{function}`: body on the def line")
            new = textwrap.indent(body, " " * first.col_offset)
            return "".join(lines[:first.lineno - 1] + [new] + lines[node.end_lineno:])
    raise ValueError(f"no top-level function `{function}` in its solution cell")


class Assignment:
    """What the grader's tests and the worked solution say about one assignment."""

    def __init__(self, assignment: str):
        trusted = read_notebook(ROOT / "source" / assignment / f"{assignment}.ipynb")
        self.functions = [c.grade_id for c in trusted.of_kind(SOLUTION)]
        self.solution = {c.grade_id: c.source for c in trusted.of_kind(SOLUTION)}
        self.tests = {t.grade_id: t.source for t in tests_of(trusted)}
        self.hidden = {t.grade_id for t in tests_of(trusted) if t.hidden}

    def mentions(self, source: str, name: str) -> bool:
        return re.search(rf"\b{re.escape(name)}\b", source) is not None

    def affected_tests(self, function: str) -> set[str]:
        """Tests that call `function`, or another graded function whose solution calls it."""
        reached, todo = {function}, [function]
        while todo:
            callee = todo.pop()
            for f in self.functions:
                if f not in reached and self.mentions(self.solution[f], callee):
                    reached.add(f)
                    todo.append(f)
        return {t for t, src in self.tests.items() if any(self.mentions(src, f) for f in reached)}


def hostile_positions(students: int, count: int) -> list[tuple[int, str]]:
    """(student index, assignment) of each hostile notebook: spread over the students, the
    assignments in turn; all different as long as count <= 4 x students."""
    return [((i * students) // count, ASSIGNMENTS[i % len(ASSIGNMENTS)]) for i in range(count)]


def make_class(course: Path, opts) -> tuple[list[Submission], list[Hostile], dict]:
    rng = random.Random(opts.seed)
    makers = {a: Maker(a) for a in ASSIGNMENTS}
    info = {a: Assignment(a) for a in ASSIGNMENTS}
    total = opts.students * len(ASSIGNMENTS)
    kinds = ["correct"] * total if opts.all_correct else kinds_for(total, rng)
    positions = hostile_positions(opts.students, opts.hostile)
    subs: list[Submission] = []
    by_position: dict[tuple[int, str], Submission] = {}
    for s in range(opts.students):
        student = f"s{s + 1:04d}"
        if s >= opts.students - len(FORMULA_STUDENTS):
            student = FORMULA_STUDENTS[opts.students - 1 - s]
        for assignment in ASSIGNMENTS:
            kind = kinds[len(subs)]
            if (s, assignment) in positions:
                kind = "correct"        # hostile in the second run, the worked solution here
            nb, detail = makers[assignment].make(kind, rng)
            path = course / "submitted" / student / assignment / f"{assignment}.ipynb"
            path.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, path)
            sub = Submission(student, assignment, kind, detail, path)
            subs.append(sub)
            by_position[(s, assignment)] = sub
    hostiles = []
    for i, position in enumerate(positions):
        assignment = position[1]
        functions = info[assignment].functions
        function = functions[(i // len(ASSIGNMENTS)) % len(functions)]
        attack = ATTACKS[i % len(ATTACKS)][0]
        if opts.numerical:
            attack = "numerical differentiation"
        if getattr(opts, "complex_step", False):
            attack = "complex step"
        if attack == "numerical differentiation":
            function = NUMERICAL[assignment][0]
        if attack == "complex step":
            function = COMPLEX[assignment]
        affected = set() if attack in HARMLESS else info[assignment].affected_tests(function)
        hostiles.append(Hostile(by_position[position], attack, function, affected))
    return subs, hostiles, makers


def write_timestamps(subs: list[Submission], hostile: set, course: Path) -> dict:
    """The TIMESTAMP_ATTACKS, each in the folder of an honest notebook: (student,
    assignment) -> attack."""
    honest = [s for s in subs if (s.student, s.assignment) not in hostile]
    secret = course / "root-only.txt"
    secret.write_text(f"2026-10-05 21:00:00 UTC {SECRET}\n")
    secret.chmod(0o600)
    made = {}
    for attack, sub in zip(TIMESTAMP_ATTACKS, honest[1::max(1, len(honest) // 4)]):
        path = sub.path.parent / "timestamp.txt"
        if attack == "named pipe":
            os.mkfifo(path)
        elif attack == "link to a root-only file":
            path.symlink_to(secret)
        else:
            path.write_bytes(b"\xff\xfe\x1b[2J not a time " + b"x" * 100_000)
        made[(sub.student, sub.assignment)] = attack
    return made


def write_hostile(h: Hostile, maker: Maker, timeout: float) -> None:
    _, where, code = next(a for a in ATTACKS if a[0] == h.attack)
    nb = maker.solved()
    if where == "spy":   # every graded function of the notebook
        nbformat.write(spy.spy_notebook(nb), h.sub.path)
        return
    cells = [c for c in nb.cells if is_solution(c) and grade_id(c) == h.function]
    if len(cells) != 1:
        raise SystemExit(f"{h.sub.assignment}: {len(cells)} solution cells for {h.function}")
    cell = cells[0]
    at = nb.cells.index(cell) + 1
    if where == "cell":
        cell.source = code + cell.source
    elif where == "cells":   # later cells that define the function again, before its test
        looping = replace_body(cell.source, h.function, "while True:\n    pass\n")
        cell.source = looping
        slow = code.format(nap=round(0.9 * timeout, 3)) + looping
        nb.cells[at:at] = [nbformat.v4.new_code_cell(slow) for _ in range(NEAR_LIMIT_CELLS)]
    elif where == "later cell":
        nb.cells.insert(at, nbformat.v4.new_code_cell(code + cell.source))
    elif where == "numerical":
        cell.source = replace_body(cell.source, h.function, NUMERICAL[h.sub.assignment][1])
    elif where == "complex":
        cell.source = COMPLEX_CELLS[h.function]
    else:
        cell.source = replace_body(cell.source, h.function, code)
    nbformat.write(nb, h.sub.path)


# ---------------------------------------------------------------- processes

def scan(root: int | None = None) -> tuple[list[int], list[int]]:
    """Live (not zombie) processes whose command line holds the marker; and the zygotes
    (python -m backprop_lab.isolation.zygote, not the bwrap around them) below process `root`."""
    table = proc_table()
    below: set[int] = set()
    if root is not None:
        children: dict[int, list[int]] = {}
        for pid, (ppid, _) in table.items():
            children.setdefault(ppid, []).append(pid)
        todo = [root]
        while todo:
            pid = todo.pop()
            below.add(pid)
            todo.extend(children.get(pid, []))
    marked = live_processes_with(MARKER.encode(), table)
    forks = {}
    for pid in below & table.keys():
        seen = cmdline_and_state(pid)
        ppid, name = table[pid]
        if seen and seen[1] != "Z" and b"backprop_lab.isolation.zygote" in seen[0] and name != "bwrap":
            forks[pid] = ppid
    # a student process is forked from its zygote: same command line, a zygote as parent
    return marked, [pid for pid, ppid in forks.items() if ppid not in forks]


def marked_processes() -> list[int]:
    return scan()[0]


class Watch(threading.Thread):
    """Every 50 ms, the marked processes alive anywhere and the zygotes below the CLI: which
    were seen while it ran (a zygote lives for at least its start-up, numpy's import)."""

    def __init__(self, root: int):
        super().__init__(daemon=True)
        self.root = root
        self.stop = threading.Event()
        self.seen: set[int] = set()
        self.zygotes: set[int] = set()

    def run(self) -> None:
        while not self.stop.is_set():
            marked, zygotes = scan(self.root)
            self.seen.update(marked)
            self.zygotes.update(zygotes)
            self.stop.wait(0.05)


def startup_allowance() -> tuple[float, list[float]]:
    """Seconds to start a zygote and fork a child from it: median of 3 after a warm-up."""
    out_dir = Path(tempfile.mkdtemp(prefix="hostile-startup-"))
    fd = os.open(out_dir / "output.txt", os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
    times = []
    try:
        for _ in range(4):
            start = time.perf_counter()
            launcher = Launcher("auto")
            try:
                pid, req_w, rep_r = launcher.spawn(1024 * 2 ** 20, fd)
                launcher.end(pid)
                os.close(req_w)
                os.close(rep_r)
            finally:
                launcher.close()
            times.append(time.perf_counter() - start)
    finally:
        os.close(fd)
        shutil.rmtree(out_dir, ignore_errors=True)
    return statistics.median(times[1:]), times


# ---------------------------------------------------------------- grading

def grade(course: Path, name: str, jobs: int, timeout: float, limit: float,
          isolation: str = "auto") -> dict:
    out = course / f"{name}-grades.json"
    log = course / f"{name}-output.txt"
    # absolute paths, as an instructor may type them: they must not lead student code there
    cmd = [sys.executable, "-m", "backprop_lab", "grade", str(course / "submitted"), "--course",
           str(course), "--hidden", "--quiet", "--isolation", isolation,
           "--jobs", str(jobs), "--timeout", f"{timeout:g}", "--json", out.name,
           "--csv", f"{name}-grades.csv", "--late-policy", "late_policy.toml"]
    load = os.getloadavg()[0]
    killed = False
    with open(log, "w") as stdout:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=course, env=nbgrader_env(), stdout=stdout,
                                stderr=subprocess.STDOUT, start_new_session=True)
        watch = Watch(proc.pid)
        watch.start()
        try:
            code = proc.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)     # the CLI we started, and its group
            code = proc.wait()
            killed = True
        wall = time.perf_counter() - start
    watch.stop.set()
    watch.join()
    if killed:
        sys.exit(f"the {name} run did not end within {limit:.0f} s: stopped.\n"
                 f"{log.read_text()[-3000:]}")
    if not out.exists():
        sys.exit(f"the CLI wrote no results (exit {code}):\n{log.read_text()[-3000:]}")
    results = json.loads(out.read_text())["submissions"]
    with open(course / f"{name}-grades.csv", newline="", encoding="utf-8") as fh:
        csv_cells = [c for row in csv.reader(fh) for c in row]
    everything = log.read_text(errors="replace") + out.read_text() + "".join(csv_cells)
    return {"command": " ".join(["python"] + cmd[1:]), "exit": code, "wall": wall,
            "csv_formulas": [c for c in csv_cells if spreadsheet_safe(c) != c],
            "csv_students": {c for c in csv_cells if c.lstrip("'") in FORMULA_STUDENTS},
            "secret_shown": SECRET in everything,
            "load": load, "results": results, "marked_seen": sorted(watch.seen),
            "zygotes": len(watch.zygotes),
            "leftover": leftovers()}


def leftovers(grace: float = 1.0) -> list[int]:
    """Marked processes alive after the CLI exited (given `grace` s to finish dying);
    those found are reported, then killed by pid."""
    deadline = time.monotonic() + grace
    while (found := marked_processes()) and time.monotonic() < deadline:
        time.sleep(0.05)
    for pid in found:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    return found


def tests_of_result(r: dict) -> dict[str, dict]:
    return {t["name"]: t for t in r["tests"]}


def first_line(text: str, width: int = 90) -> str:
    """The message's first line, shown as the grader shows student text (escaped)."""
    line = one_line(next((ln.strip() for ln in text.splitlines() if ln.strip()), ""))
    return line if len(line) <= width else line[:width - 3] + "..."


# ---------------------------------------------------------------- the run

def run(opts, course: Path) -> dict:
    os.chmod(course, 0o755)   # as an instructor's course is: other users may read it
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "source", course / "source")
    (course / "late_policy.toml").write_text(LATE_POLICY)
    subs, hostiles, makers = make_class(course, opts)
    counts = {k: sum(s.kind == k for s in subs) for k in KINDS}
    print(f"course: {course}")
    print(f"made {len(subs)} notebooks ({opts.students} students x {len(ASSIGNMENTS)}): "
          + ", ".join(f"{counts[k]} {k}" for k in KINDS) + f" (seed {opts.seed}); "
          f"{len(hostiles)} of the correct ones become hostile; marker {MARKER}", flush=True)

    print("measuring the start-up of a zygote and its first child ...", flush=True)
    startup, startup_runs = startup_allowance()

    # generous hard limits, so a grader that hangs cannot hang the benchmark
    limit = 120 + 5 * len(subs)
    print(f"baseline: grading all {len(subs)}, --jobs {opts.jobs} --timeout {opts.timeout:g} ...",
          flush=True)
    base = grade(course, "baseline", opts.jobs, opts.timeout, limit, opts.isolation)

    for h in hostiles:
        write_hostile(h, makers[h.sub.assignment], opts.timeout)
    stamped = write_timestamps(subs, {(h.sub.student, h.sub.assignment) for h in hostiles},
                               course)
    print(f"hostile: the same with {len(hostiles)} hostile notebooks ...", flush=True)
    worst = 2 * len(hostiles) * (BUDGET_TIMEOUTS * (opts.timeout + RESTART_ALLOWANCE) + 2)
    bad = grade(course, "hostile", opts.jobs, opts.timeout, limit + worst, opts.isolation)

    key = lambda r: (r["student"], r["assignment"])     # noqa: E731
    before = {key(r): r for r in base["results"]}
    after = {key(r): r for r in bad["results"]}
    hostile_keys = {(h.sub.student, h.sub.assignment): h for h in hostiles}
    failures: list[str] = []

    # both runs graded everything; the baseline scores as expected by kind
    ungraded = []
    for name, res in (("baseline", base), ("hostile", bad)):
        if len(res["results"]) != len(subs):
            ungraded.append(f"{name} run graded {len(res['results'])} notebooks, not {len(subs)}")
        for r in res["results"]:
            if r["error"]:
                ungraded.append(f"{name} run: {r['student']}/{r['assignment']} not graded: "
                                f"{r['error']}")
        if res["exit"] != 0:
            ungraded.append(f"{name} run: the CLI exited {res['exit']}")
    failures += ungraded
    unexpected = check_scores(subs, base["results"])["unexpected"]
    failures += [f"baseline: {u}" for u in unexpected]

    # every other notebook: the same, test by test
    others_changed = []
    for k, r in before.items():
        if k in hostile_keys:
            continue
        a, b = tests_of_result(r), tests_of_result(after.get(k, {"tests": []}))
        diffs = [f"{n}: {a[n]['score']:g} {a[n]['status']} -> "
                 + (f"{b[n]['score']:g} {b[n]['status']}" if n in b else "missing")
                 for n in a if n not in b or (a[n]["score"], a[n]["status"])
                 != (b[n]["score"], b[n]["status"])]
        if k not in after or r["score"] != after[k]["score"] or diffs or set(b) != set(a):
            others_changed.append(f"{k[0]}/{k[1]}: {r['score']:g} -> "
                                  f"{after.get(k, {}).get('score')}; " + "; ".join(diffs))
    failures += [f"non-hostile notebook changed: {c}" for c in others_changed]

    # the files around the notebooks: timestamp.txt attacks, formula ids, the secret
    stamp_checks = {}
    for k, attack in stamped.items():
        why = after.get(k, {}).get("late_error") or ""
        stamp_checks[f"{k[0]}/{k[1]}"] = {"attack": attack, "late_error": why}
        if "not judged late" not in why:
            failures.append(f"{k[0]}/{k[1]} ({attack} as timestamp.txt): no late_error ({why!r})")
    unjudged = [k for k, r in after.items() if r.get("late_error") and k not in stamped]
    failures += [f"{k[0]}/{k[1]}: not judged late without a hostile timestamp" for k in unjudged]
    for name, res in (("baseline", base), ("hostile", bad)):
        if res["csv_formulas"]:
            failures.append(f"{name} CSV: cells a spreadsheet would run: {res['csv_formulas'][:5]}")
        if len(res["csv_students"]) != len(FORMULA_STUDENTS):
            failures.append(f"{name} CSV: the formula ids {FORMULA_STUDENTS} are not all there")
        if res["secret_shown"]:
            failures.append(f"{name} run: the root-only file behind timestamp.txt was shown")

    # hostile notebooks: what they lost, and what it cost
    per_hostile = []
    timeouts = hangs = killed = 0
    for h in hostiles:
        k = (h.sub.student, h.sub.assignment)
        a, b = tests_of_result(before[k]), tests_of_result(after[k])
        lost = []
        budget_lost = []
        kept_wrong = []
        not_hit = []
        n_timeout = n_error = 0
        hang = False
        for name, t in b.items():
            if LOAD_HANG.search(t["output"]):
                hang = True
            if name in h.affected:
                if t["status"] == "timeout":
                    n_timeout += 1
                elif t["status"] == "error":
                    n_error += 1
                if t["score"] != 0:
                    not_hit.append(f"{name} scored {t['score']:g} ({t['status']})")
            elif h.attack in BUDGET_BOUND and spent_budget(t["output"]):
                budget_lost.append(name)   # the budget ran out before this test could run
            elif (t["score"], t["status"]) != (a[name]["score"], a[name]["status"]):
                kept_wrong.append(f"{name}: {a[name]['score']:g} {a[name]['status']} -> "
                                  f"{t['score']:g} {t['status']}")
            if t["score"] < a[name]["score"]:
                lost.append({"test": name, "lost": a[name]["score"] - t["score"],
                             "status": t["status"], "message": first_line(t["output"])})
        started = sum(STARTED in t["output"] for t in b.values())
        if h.attack == "stash and print hidden inputs":
            hidden_only, printed, stashes = spy.leaks(
                {n: t["output"] for n, t in b.items()}, Assignment(h.sub.assignment).hidden)
            if printed or not hidden_only or not stashes:
                failures.append(f"{k[0]}/{k[1]} (stash and print): {len(printed)} of "
                                f"{len(hidden_only)} hidden inputs printed by public tests "
                                f"({stashes} stashes printed)")
        cost_killed = n_timeout + 2 * n_error + (1 if hang else 0)
        timeouts += n_timeout
        hangs += int(hang)
        killed += cost_killed
        rerun = sorted(name for name, t in b.items() if len(t.get("timings", [])) > 1)
        if set(b) != set(a):
            kept_wrong.append("tests differ from the baseline's")
        failures += [f"{k[0]}/{k[1]} ({h.attack} in {h.function}) lost points of another "
                     f"function: {w}" for w in kept_wrong]
        failures += [f"{k[0]}/{k[1]} ({h.attack} in {h.function}): hostile code passed: {w}"
                     for w in not_hit]
        if h.attack == "background process" and not started:
            failures.append(f"{k[0]}/{k[1]}: no background process reported starting")
        per_hostile.append({
            "student": k[0], "assignment": k[1], "attack": h.attack, "function": h.function,
            "tests_calling_it": sorted(h.affected), "score_before": before[k]["score"],
            "score_after": after[k]["score"], "max_score": after[k]["max_score"],
            "lost": lost, "timeouts": n_timeout, "errors": n_error, "load_hang": hang,
            "processes_replaced": cost_killed, "background_started": started,
            "budget_s": after[k]["budget"], "grading_s": after[k]["seconds"],
            "rerun_tests": rerun, "other_tests_stopped_by_the_budget": budget_lost,
            "kept_other_points": not kept_wrong, "hostile_tests_all_zero": not not_hit})

    # this course's folder (other world-readable folders on the machine are not the grader's)
    leaks = [f"{r['student']}/{r['assignment']} {t['name']}" for r in bad["results"]
             for t in r["tests"] if f"{LEAK} {course}" in t["output"]]
    failures += [f"student code reached the course's folder: {w}" for w in leaks]
    left_in_tmp = []
    for tmp in ("/tmp", "/var/tmp"):
        for entry in Path(tmp).glob(f"{MARKER}-left"):
            left_in_tmp.append(str(entry))
            entry.unlink()
    failures += [f"a student's file left for the next one: {f}" for f in left_in_tmp]
    background = [p for p in per_hostile if p["attack"] == "background process"]
    started_total = sum(p["background_started"] for p in background)
    if bad["leftover"]:
        failures.append(f"marked processes left after the CLI exited: {bad['leftover']}")
    if base["marked_seen"] or base["leftover"]:
        failures.append("marked processes during the baseline run (another run of this script "
                        "with the same marker?)")

    restarts = max(0, bad["zygotes"] - base["zygotes"])   # zygotes the students killed
    charged_timeouts = opts.timeout * (timeouts + hangs)
    charged_startup = startup * (killed + restarts)
    # the promise: each hostile notebook costs at most its budget (and a start) in the batch,
    # over the workers, and at most that again when its tests are run again alone; honest
    # notebooks that were run again (none, unless the machine starved them) count the same
    reruns = [r for r in bad["results"] if any(len(t.get("timings", [])) > 1
                                               for t in r["tests"])]
    hostile_budgets = sum((after[(h.sub.student, h.sub.assignment)]["budget"] or 0) + startup
                          for h in hostiles)
    rerun_budgets = sum((r["budget"] or 0) + startup for r in reruns)
    honest_reruns = [f"{r['student']}/{r['assignment']}" for r in reruns
                     if (r["student"], r["assignment"]) not in hostile_keys]
    budget = (base["wall"] + hostile_budgets / opts.jobs + rerun_budgets
              + (startup if reruns else 0))
    extra = bad["wall"] - base["wall"]
    held = bad["wall"] <= budget
    if not held:
        failures.append(f"the promise: hostile run {bad['wall']:.2f} s > bound {budget:.2f} s")
    # its budget (and a start, and a second of slack) for the batch, the same for the re-run
    allowed = {id(p): (p["budget_s"] + startup + 1.0) * (2 if p["rerun_tests"] else 1)
               for p in per_hostile}
    spent = [p for p in per_hostile if p["grading_s"] > allowed[id(p)]]
    failures += [f"{p['student']}/{p['assignment']} ({p['attack']}): graded for "
                 f"{p['grading_s']:.1f} s, more than its budget of {p['budget_s']:g} s"
                 + (" twice (batch and re-run)" if p["rerun_tests"] else "") for p in spent]

    # ------------------------------------------------------------ report
    rows = [
        ("notebooks", f"{len(subs)} ({opts.students} students x {len(ASSIGNMENTS)}), "
                      f"{len(hostiles)} hostile"),
        ("command", bad["command"]),
        ("load average before the runs", f"{base['load']:.2f} baseline, {bad['load']:.2f} hostile"),
        ("baseline seconds", f"{base['wall']:.2f} (exit {base['exit']})"),
        ("hostile run seconds", f"{bad['wall']:.2f} (exit {bad['exit']})"),
        ("extra seconds", f"{extra:+.2f}"),
        ("start-up allowance", f"{startup:.3f} s per replaced process (zygote + first child; "
                               + ", ".join(f"{t:.3f}" for t in startup_runs) + " s, the first a "
                               "warm-up)"),
        ("bound seconds", f"{budget:.2f} = {base['wall']:.2f} baseline + {hostile_budgets:.2f} "
                          f"(budgets of the {len(hostiles)} hostile notebooks + a start each) / "
                          f"{opts.jobs} jobs + {rerun_budgets:.2f} (the same for the "
                          f"{len(reruns)} notebooks run again alone)"
                          + (f" + {startup:.3f} (the re-run's pool)" if reruns else "")),
        ("what the hostile notebooks did", f"{timeouts} tests timed out, {hangs} cells hung "
                                           f"while loading, {killed} processes replaced, "
                                           f"{restarts} zygotes restarted (their time limits "
                                           f"and starts: {charged_timeouts + charged_startup:.2f}"
                                           f" s in all)"),
        ("honest notebooks run again", f"{len(honest_reruns)}"
                                       + (f" ({', '.join(honest_reruns[:5])})"
                                          if honest_reruns else "")),
        ("zygotes started", f"{base['zygotes']} baseline, {bad['zygotes']} hostile run"),
        ("promise held", ("yes" if held else "NO") + f": {bad['wall']:.2f} s "
                         + ("<=" if held else ">") + f" {budget:.2f} s"
                         + f" ({budget - bad['wall']:+.2f} s to spare)"),
    ]
    width = max(len(r[0]) for r in rows)
    print()
    for label, value in rows:
        print(f"{label:<{width}}  {value}")

    print("\nhostile notebooks (tests that lost points: status, message)")
    for p in per_hostile:
        print(f"  {p['student']}/{p['assignment']}: {p['attack']} in {p['function']} -> "
              f"{p['score_before']:g} to {p['score_after']:g} of {p['max_score']:g}; "
              f"{p['timeouts']} timeouts, {p['errors']} errors"
              + (", its cell hung while loading" if p["load_hang"] else "")
              + f", {p['processes_replaced']} processes replaced"
              + f"; graded in {p['grading_s']:.1f} s of a {p['budget_s']:g} s budget"
              + (f", {len(p['rerun_tests'])} tests run again alone" if p["rerun_tests"] else "")
              + (f"; {len(p['other_tests_stopped_by_the_budget'])} tests of other functions "
                 "not run (budget spent)" if p["other_tests_stopped_by_the_budget"] else "")
              + (f", {p['background_started']} background processes started"
                 if p["attack"] == "background process" else ""))
        for t in p["lost"]:
            print(f"      {t['test']:<44} -{t['lost']:g}  {t['status']:<7}  {t['message']}")
        print(f"      other functions' tests kept their points: "
              f"{'yes' if p['kept_other_points'] else 'NO'}; every test calling "
              f"{p['function']} scored 0: {'yes' if p['hostile_tests_all_zero'] else 'NO'}")

    n_others = len(subs) - len(hostiles)
    print("\nchecks")
    checks = [
        ("every notebook graded in both runs (CLI exit 0)", not ungraded),
        ("baseline scores as expected by kind", not unexpected),
        (f"{n_others} honest notebooks: scores unchanged, test by test", not others_changed),
        ("every hostile notebook graded within its budget (batch, and re-run if any)",
         not spent),
        ("hostile notebooks kept the points of their other functions",
         all(p["kept_other_points"] for p in per_hostile)),
        ("hostile code earned no points", all(p["hostile_tests_all_zero"] for p in per_hostile)),
        ("no student code found the course through a command line", not leaks),
        ("nothing left in the machine's /tmp or /var/tmp", not left_in_tmp),
        (f"background processes ({MARKER} 300) started / seen / left after exit",
         not bad["leftover"] and (started_total > 0 or not background)),
        ("no public test printed a hidden input (stash and print)",
         not [f for f in failures if "(stash and print)" in f]),
        (f"hostile timestamp.txt ({', '.join(TIMESTAMP_ATTACKS)}): only their own late "
         "judgement lost, the root-only file never shown",
         not [f for f in failures if "timestamp" in f or "root-only" in f]),
        (f"formula student ids {', '.join(FORMULA_STUDENTS)}: no CSV cell runs",
         not [f for f in failures if " CSV: " in f]),
        (f"the hostile run within the documented bound ({bad['wall']:.2f} s <= "
         f"{budget:.2f} s)" if held else f"the hostile run within the documented bound "
         f"({bad['wall']:.2f} s > {budget:.2f} s)", held),
    ]
    for label, ok in checks:
        detail = ""
        if label.startswith("background"):
            detail = (f"{started_total} started, {len(bad['marked_seen'])} seen while grading, "
                      f"{len(bad['leftover'])} left")
        print(f"  {'ok  ' if ok else 'FAIL'}  {label}" + (f": {detail}" if detail else ""))
    for f in failures[:30]:
        print("FAILED: " + f)
    if len(failures) > 30:
        print(f"... and {len(failures) - 30} more")

    return {
        "students": opts.students, "notebooks": len(subs), "mix": counts, "seed": opts.seed,
        "jobs": opts.jobs, "timeout_s": opts.timeout, "marker": MARKER,
        "command": bad["command"],
        "baseline_s": base["wall"], "hostile_s": bad["wall"], "extra_s": extra,
        "load_average": {"baseline": base["load"], "hostile": bad["load"]},
        "startup_allowance_s": startup, "startup_runs_s": startup_runs,
        "bound": {"seconds": budget, "hostile_budgets_s": hostile_budgets,
                  "rerun_budgets_s": rerun_budgets, "notebooks_run_again": len(reruns),
                  "honest_notebooks_run_again": honest_reruns},
        "budget": {"timed_out_tests": timeouts, "hung_cells": hangs,
                   "replaced_processes": killed, "zygote_restarts": restarts,
                   "zygotes_started": {"baseline": base["zygotes"], "hostile": bad["zygotes"]},
                   "timeouts_s": charged_timeouts,
                   "startups_s": charged_startup},
        "promise_held": held,
        "hostile": per_hostile,
        "non_hostile_changed": others_changed,
        "isolation": opts.isolation, "course_found": leaks, "left_in_tmp": left_in_tmp,
        "baseline_unexpected": unexpected,
        "background": {"started": started_total, "seen_while_grading": len(bad["marked_seen"]),
                       "left_after_exit": bad["leftover"]},
        "timestamp_attacks": stamp_checks,
        "csv_formula_cells": {"baseline": base["csv_formulas"], "hostile": bad["csv_formulas"]},
        "failures": failures,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=50, metavar="N",
                        help="students, each with one notebook per assignment (default 50)")
    parser.add_argument("--hostile", type=int, default=len(ATTACKS), metavar="H",
                        help="notebooks made hostile, spread over the assignments, the attacks "
                             f"in turn (default {len(ATTACKS)}: one of each)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="J",
                        help="the CLI's --jobs (default: all cores)")
    parser.add_argument("--timeout", type=float, default=2.0, metavar="T",
                        help="the CLI's --timeout in seconds, both runs (default 2)")
    parser.add_argument("--numerical", action="store_true",
                        help="make every hostile notebook the numerical-differentiation attack "
                             "(one per assignment with --hostile 6)")
    parser.add_argument("--complex", action="store_true", dest="complex_step",
                        help="make every hostile notebook the complex-step attack (one per "
                             "assignment with --hostile 6)")
    parser.add_argument("--isolation", choices=("auto", "sandbox", "process"), default="auto",
                        help="the CLI's --isolation (default auto)")
    parser.add_argument("--all-correct", action="store_true",
                        help="every notebook correct (default: class_benchmark.py's mix)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the class mix (default 0)")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="make the course in DIR (new or empty) and keep it, with both runs' "
                             "JSON and output; the hostile notebooks replace the baseline's")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the figures as JSON")
    opts = parser.parse_args(argv)
    if opts.students <= 0 or opts.jobs <= 0 or opts.timeout <= 0:
        parser.error("--students, --jobs and --timeout must be positive")
    if not 1 <= opts.hostile <= opts.students * len(ASSIGNMENTS):
        parser.error(f"--hostile must be between 1 and {len(ASSIGNMENTS)} x --students")

    figures = run_in_course(parser, opts, "hostile-class-", run)
    return 1 if figures["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
