"""Grade a whole synthetic class with the CLI, a sample with `nbgrader autograde`, and compare.

    python bench/class_benchmark.py [--students N] [--nbgrader-sample K] [--jobs J]
                                    [--nbgrader-mode assignment|notebook] [--seed S]
                                    [--keep DIR] [--json FILE]

In a scratch nbgrader course (nbgrader_config.py and source/ copied from this repository) the
script writes N students' submissions of all four assignments,
`submitted/s0001/<id>/<id>.ipynb` ..., a seeded mix of notebooks:

- correct (60%): the released notebook with every solution cell taken from source/;
- wrong (25%): either a correct notebook with one graded function broken the way students
  break it (a sign flip, a missing factor, a transpose, a wrong comparison: see BUGS), or
  half-solved (every other graded function solved, the rest left as released);
- stub (15%): the released notebook from assignments/, nothing solved.

Then, in one run:

1. `python -m autograder grade submitted --hidden --jobs J --json ...` grades every notebook,
   timed by wall clock, while a thread samples the memory of its whole process tree (the CLI,
   its worker processes and the student processes they start) every 50 ms from /proc;
2. `nbgrader autograde` grades a sample of K notebooks (2 per assignment, spread over the three
   kinds) with a private gradebook, timed per call, and its per-test scores are compared with
   the CLI's for the same notebooks (a disagreement is a bug);
3. `python -m pytest autograder -p no:cacheprovider` is timed in the repository root (it grades
   the four released stubs, so it exits 1: expected).

It prints a table of the figures with the targets marked met or not met, and with --json writes
them for the README. Timings depend on the machine being otherwise idle.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder.assignments import ASSIGNMENTS
from autograder.course import nbgrader_env, run_nbgrader

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
}

TARGET_RATIO = 10.0                 # nbgrader seconds per notebook / ours
TARGET_CLASS = (800, 60.0, 2)       # 800 notebooks in <= 60 s on 2 cores
TARGET_PYTEST = 3.0                 # seconds for `pytest autograder`


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


def make_class(course: Path, students: int, seed: int) -> list[Submission]:
    rng = random.Random(seed)
    makers = {a: Maker(a) for a in ASSIGNMENTS}
    kinds = kinds_for(students * len(ASSIGNMENTS), rng)
    subs = []
    for s in range(students):
        student = f"s{s + 1:04d}"
        for assignment in ASSIGNMENTS:
            kind = kinds[len(subs)]
            nb, detail = makers[assignment].make(kind, rng)
            path = course / "submitted" / student / assignment / f"{assignment}.ipynb"
            path.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, path)
            subs.append(Submission(student, assignment, kind, detail, path))
    return subs


def pick_sample(subs: list[Submission], k: int) -> list[Submission]:
    """k notebooks: assignments in turn, kinds in turn (2 per assignment when k = 8)."""
    chosen: list[Submission] = []
    for i in range(k):
        assignment, kind = ASSIGNMENTS[i % len(ASSIGNMENTS)], KINDS[i % len(KINDS)]
        pool = [s for s in subs if s.assignment == assignment and s not in chosen]
        best = [s for s in pool if s.kind == kind] or pool
        if best:
            chosen.append(best[0])
    return chosen


# ---------------------------------------------------------------- memory of a process tree

PAGE = os.sysconf("SC_PAGE_SIZE")


def _proc_table() -> dict[int, tuple[int, str]]:
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


def _rss_pss(pid: int) -> tuple[int, int | None] | None:
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


class TreeMemory(threading.Thread):
    """Samples the RSS and PSS of a process and all its descendants every `interval` s."""

    def __init__(self, root: int, interval: float = 0.05):
        super().__init__(daemon=True)
        self.root, self.interval = root, interval
        self.stop = threading.Event()
        self.samples = 0
        self.peak_rss = self.peak_pss = 0
        self.peak_procs = 0
        self.largest = (0, "", 0)          # (rss, name, pid) of the largest single process
        self.pss_unreadable: set[int] = set()   # processes counted at their RSS

    def sample(self) -> None:
        table = _proc_table()
        children: dict[int, list[int]] = {}
        for pid, (ppid, _) in table.items():
            children.setdefault(ppid, []).append(pid)
        tree, todo = [], [self.root]
        while todo:
            pid = todo.pop()
            tree.append(pid)
            todo.extend(children.get(pid, []))
        rss_total = pss_total = alive = 0
        for pid in tree:
            sizes = _rss_pss(pid)
            if sizes is None:
                continue       # gone meanwhile
            rss, pss = sizes
            alive += 1
            rss_total += rss
            if pss is None:    # counted at its RSS, an upper bound
                self.pss_unreadable.add(pid)
                pss = rss
            pss_total += pss
            if rss > self.largest[0]:
                self.largest = (rss, table.get(pid, (0, "?"))[1], pid)
        self.samples += 1
        self.peak_rss = max(self.peak_rss, rss_total)
        self.peak_pss = max(self.peak_pss, pss_total)
        self.peak_procs = max(self.peak_procs, alive)

    def run(self) -> None:
        while not self.stop.is_set():
            self.sample()
            self.stop.wait(self.interval)


# ---------------------------------------------------------------- the three measurements

def grade_with_cli(course: Path, jobs: int) -> dict:
    out = course / "cli-grades.json"
    log = course / "cli-output.txt"
    cmd = [sys.executable, "-m", "autograder", "grade", "submitted", "--hidden",
           "--jobs", str(jobs), "--json", out.name]
    with open(log, "w") as stdout:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=course, env=nbgrader_env(), stdout=stdout,
                                stderr=subprocess.STDOUT)
        memory = TreeMemory(proc.pid)
        memory.start()
        code = proc.wait()
        wall = time.perf_counter() - start
        memory.stop.set()
        memory.join()
    if not out.exists():
        sys.exit(f"the CLI wrote no results (exit {code}):\n{log.read_text()[-3000:]}")
    results = json.loads(out.read_text())["submissions"]
    return {"command": " ".join(["python"] + cmd[1:]), "exit": code, "wall": wall,
            "results": results, "memory": memory}


def grade_with_nbgrader(course: Path, sample: list[Submission], mode: str,
                        all_students: list[str]) -> tuple[list[dict], Path]:
    """Autograde the sample; one call per notebook or per assignment. Returns the calls."""
    db = course / "gradebook.db"
    for assignment in sorted({s.assignment for s in sample}, key=ASSIGNMENTS.index):
        run_nbgrader(course, "generate_assignment", assignment, "--force", db=db)
    if mode == "notebook":
        batches = [[s] for s in sample]
    else:
        batches = [[s for s in sample if s.assignment == a] for a in ASSIGNMENTS]
        batches = [b for b in batches if b]
    calls = []
    for batch in batches:
        assignment = batch[0].assignment
        names = {s.student for s in batch}
        if len(batch) == 1:
            select = ["--student", batch[0].student]
        else:   # every other student left out
            select = ["--CourseDirectory.student_id_exclude="
                      + ",".join(s for s in all_students if s not in names)]
        start = time.perf_counter()
        run_nbgrader(course, "autograde", assignment, *select, "--create", "--force", db=db)
        wall = time.perf_counter() - start
        calls.append({"assignment": assignment, "students": sorted(names), "wall": wall,
                      "per_notebook": wall / len(batch)})
    return calls, db


def nbgrader_scores(db: Path, sample: list[Submission]) -> dict[tuple[str, str], dict]:
    from nbgrader.api import Gradebook
    scores = {}
    with Gradebook(f"sqlite:///{db}") as gb:
        for s in sample:
            nb = gb.find_submission_notebook(s.assignment, s.assignment, s.student)
            scores[(s.student, s.assignment)] = {g.name: g.score for g in nb.grades
                                                 if g.cell.max_score}
    return scores


def time_pytest() -> dict:
    cmd = [sys.executable, "-m", "pytest", "autograder", "-p", "no:cacheprovider"]
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=nbgrader_env(), capture_output=True, text=True)
    wall = time.perf_counter() - start
    return {"command": "python -m pytest autograder -p no:cacheprovider", "exit": proc.returncode,
            "wall": wall, "tail": proc.stdout.strip().splitlines()[-1:] or [""]}


# ---------------------------------------------------------------- checks and report

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


def compare(sample: list[Submission], results: list[dict], theirs: dict) -> list[str]:
    ours = {(r["student"], r["assignment"]): {t["name"]: t["score"] for t in r["tests"]}
            for r in results}
    disagreements = []
    for s in sample:
        key = (s.student, s.assignment)
        a, b = ours.get(key, {}), theirs[key]
        for name in sorted(set(a) | set(b)):
            if name not in a or name not in b or abs(a[name] - b[name]) > 1e-9:
                disagreements.append(f"{s.student}/{s.assignment} ({s.kind}) {name}: "
                                     f"CLI {a.get(name)}, nbgrader {b.get(name)}")
    return disagreements


def mb(n: float) -> str:
    return f"{n / 2**20:.0f} MB"


def met(ok: bool | None) -> str:
    return "n/a" if ok is None else ("met" if ok else "NOT MET")


def run(opts: argparse.Namespace, course: Path) -> dict:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "source", course / "source")

    start = time.perf_counter()
    subs = make_class(course, opts.students, opts.seed)
    made = time.perf_counter() - start
    counts = {k: sum(s.kind == k for s in subs) for k in KINDS}
    print(f"course: {course}")
    print(f"made {len(subs)} notebooks ({opts.students} students x {len(ASSIGNMENTS)}): "
          + ", ".join(f"{counts[k]} {k}" for k in KINDS)
          + f" (seed {opts.seed}, {made:.1f} s)", flush=True)

    print(f"grading all {len(subs)} with the CLI, --jobs {opts.jobs} ...", flush=True)
    cli = grade_with_cli(course, opts.jobs)
    n = len(cli["results"])
    used = min(opts.jobs, cores, n)
    per_nb = cli["wall"] / n
    per_core = per_nb * used
    sanity = check_scores(subs, cli["results"])

    sample = pick_sample(subs, opts.nbgrader_sample)
    calls, disagreements, nbg_per_nb = [], [], None
    if sample:
        how = ("one call per notebook (`autograde <id> --student <s>`)" if
               opts.nbgrader_mode == "notebook" else
               "one call per assignment over its sampled students")
        print(f"grading {len(sample)} with nbgrader autograde, {how} ...", flush=True)
        calls, db = grade_with_nbgrader(course, sample, opts.nbgrader_mode,
                                        sorted({s.student for s in subs}))
        nbg_per_nb = sum(c["wall"] for c in calls) / len(sample)
        disagreements = compare(sample, cli["results"], nbgrader_scores(db, sample))

    print("timing pytest autograder ...", flush=True)
    pt = time_pytest()

    # targets
    ratio = nbg_per_nb / per_nb if nbg_per_nb else None
    class_n, class_s, class_cores = TARGET_CLASS
    projected = per_core * class_n / class_cores
    exact = n == class_n and used == class_cores
    mem = cli["memory"]

    rows = [
        ("notebooks graded by the CLI", f"{n} ({cli['command']}; exit {cli['exit']})"),
        ("jobs / cores available", f"{opts.jobs} / {cores}"),
        ("wall seconds", f"{cli['wall']:.2f}"),
        ("notebooks per second", f"{n / cli['wall']:.2f}"),
        ("seconds per notebook, wall", f"{per_nb:.3f}"),
        ("seconds per notebook, per core", f"{per_core:.3f} (wall x {used} cores in use / n)"),
        ("peak memory, process tree",
         f"{mb(mem.peak_rss)} RSS summed, {mb(mem.peak_pss)} PSS summed"
         + (f" ({len(mem.pss_unreadable)} processes' PSS unreadable: counted at their RSS)"
            if mem.pss_unreadable else "")
         + f"; up to {mem.peak_procs} processes; {mem.samples} samples"),
        ("peak memory, largest process", f"{mb(mem.largest[0])} RSS ({mem.largest[1]})"),
    ]
    if sample:
        rows += [
            ("nbgrader autograde notebooks", f"{len(sample)}: " + ", ".join(
                f"{s.student}/{s.assignment} {s.kind}" for s in sample)),
            ("nbgrader seconds per notebook",
             f"{nbg_per_nb:.2f} ({opts.nbgrader_mode} mode; per call: "
             + ", ".join(f"{c['assignment']} {c['wall']:.1f} s/{len(c['students'])}"
                         for c in calls) + ")"),
            ("ratio nbgrader / ours per notebook", f"{ratio:.1f}x"),
            ("nbgrader and CLI per-test scores",
             "agree" if not disagreements else f"{len(disagreements)} DISAGREEMENTS"),
        ]
    rows += [
        ("pytest autograder seconds", f"{pt['wall']:.2f} (exit {pt['exit']}, 1 expected: "
                                      f"the stubs fail)"),
        ("CLI scores as expected by kind",
         "yes" if not sanity["unexpected"] else f"{len(sanity['unexpected'])} unexpected"),
    ]
    targets = [
        (f"nbgrader / ours >= {TARGET_RATIO:g}x per notebook",
         met(ratio >= TARGET_RATIO if ratio else None),
         f"{ratio:.1f}x" if ratio else "no nbgrader sample"),
        (f"{class_n} notebooks in <= {class_s:g} s on {class_cores} cores",
         met(projected <= class_s),
         f"{projected:.1f} s " + ("measured" if exact else
                                   f"projected from per-core s/notebook x {class_n} / "
                                   f"{class_cores}" + ("; the CLI's start-up weighs more in a "
                                                       "smaller run" if n < class_n else ""))),
        (f"pytest autograder <= {TARGET_PYTEST:g} s", met(pt["wall"] <= TARGET_PYTEST),
         f"{pt['wall']:.2f} s"),
    ]

    width = max(len(r[0]) for r in rows)
    print()
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    print("\ntargets")
    twidth = max(len(t[0]) for t in targets)
    for label, verdict, value in targets:
        print(f"  {label:<{twidth}}  {verdict:<7}  {value}")
    print("\nMemory: every 50 ms, the resident set (RSS) and proportional set (PSS, shared pages "
          "split between\nthe processes sharing them) of the CLI and all its descendants (worker "
          "processes, student\nprocesses, sandboxes), from /proc; the peak of the sums, and the "
          "largest single RSS seen.\nRSS sums count pages shared by forked workers more than once; "
          "PSS sums do not.")
    for line in disagreements:
        print("DISAGREEMENT: " + line)
    for line in sanity["unexpected"][:20]:
        print("unexpected: " + line)
    if len(sanity["unexpected"]) > 20:
        print(f"... and {len(sanity['unexpected']) - 20} more")

    return {
        "students": opts.students, "seed": opts.seed, "notebooks": n, "mix": counts,
        "jobs": opts.jobs, "cores": cores, "cores_used": used,
        "cli": {"command": cli["command"], "exit": cli["exit"], "wall_s": cli["wall"],
                "notebooks_per_s": n / cli["wall"], "s_per_notebook_wall": per_nb,
                "s_per_notebook_per_core": per_core,
                "peak_rss_tree_bytes": mem.peak_rss, "peak_pss_tree_bytes": mem.peak_pss,
                "pss_unreadable_processes": len(mem.pss_unreadable),
                "peak_rss_largest_process_bytes": mem.largest[0],
                "largest_process": mem.largest[1], "peak_processes": mem.peak_procs,
                "memory_samples": mem.samples},
        "nbgrader": {"mode": opts.nbgrader_mode, "sample": [
                         {"student": s.student, "assignment": s.assignment, "kind": s.kind,
                          "detail": s.detail} for s in sample],
                     "calls": calls, "s_per_notebook": nbg_per_nb,
                     "disagreements": disagreements} if sample else None,
        "ratio_nbgrader_over_cli": ratio,
        "pytest_autograder": {"command": pt["command"], "exit": pt["exit"], "wall_s": pt["wall"]},
        "unexpected_scores": sanity["unexpected"],
        "targets": {"ratio_10x": ratio >= TARGET_RATIO if ratio else None,
                    "class_800_in_60s_on_2_cores": projected <= class_s,
                    "class_seconds": projected, "class_seconds_measured": exact,
                    "pytest_3s": pt["wall"] <= TARGET_PYTEST},
    }


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=200, metavar="N",
                        help="students, each with one notebook per assignment (default 200)")
    parser.add_argument("--nbgrader-sample", type=int, default=8, metavar="K",
                        help="notebooks also graded with nbgrader autograde (default 8; 0: none)")
    parser.add_argument("--nbgrader-mode", choices=("assignment", "notebook"),
                        default="assignment",
                        help="assignment (default): one `nbgrader autograde <id>` per assignment "
                             "over its sampled students; notebook: one call per notebook")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="J",
                        help="the CLI's --jobs (default: all cores)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the class mix (default 0)")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="make the course in DIR (new or empty) and keep it")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the figures as JSON")
    opts = parser.parse_args(argv)
    if opts.students <= 0 or opts.jobs <= 0 or opts.nbgrader_sample < 0:
        parser.error("--students and --jobs must be positive, --nbgrader-sample not negative")

    figures = run_in_course(parser, opts, "class-benchmark-", run)
    bad = figures["nbgrader"] and figures["nbgrader"]["disagreements"]
    return 1 if bad or figures["unexpected_scores"] else 0


if __name__ == "__main__":
    sys.exit(main())
