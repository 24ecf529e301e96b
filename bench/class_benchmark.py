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

1. `python -m backprop_lab grade submitted --hidden --jobs J --json ...` grades every notebook,
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
import threading
import time
from pathlib import Path

import nbformat

from backprop_lab.assignments import ASSIGNMENTS
from backprop_lab.course.nbgrader import nbgrader_env, run_nbgrader
from common import (KINDS, ROOT, Maker, Submission, check_scores, kinds_for, proc_table,
                    rss_pss, run_in_course)

TARGET_RATIO = 10.0                 # nbgrader seconds per notebook / ours
TARGET_CLASS = (800, 60.0, 2)       # 800 notebooks in <= 60 s on 2 cores
TARGET_PYTEST = 3.0                 # seconds for `pytest autograder`


# ---------------------------------------------------------------- the synthetic class

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
        table = proc_table()
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
            sizes = rss_pss(pid)
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
    cmd = [sys.executable, "-m", "backprop_lab", "grade", "submitted", "--hidden",
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
