"""What the test files share: the repository, the sandbox verdict, the CLI, notebooks made from
the real course, and one nbgrader run per assignment.

`nbgrader_runs` is the expensive one: for every registered assignment it makes a scratch
course, regenerates the student and solution copies with nbgrader, submits a full, a half, a
stub and a cheating notebook, runs `nbgrader autograde` once, grades the same submissions with
our CLI once, and generates nbgrader's feedback for the half-solved one (two threads, each
with half of the assignments and two nbgrader processes for them: `run_nbgrader_steps`). The course tests and
the gradebook tests read it; tests that use it are marked `slow`, and it is made once per run
(under pytest-xdist, by the first worker that needs it).

Tests write nothing into the repository: every course, export and report goes to a temporary
folder. (The package's bytecode is written into its `__pycache__` folders, as Python does on
import where PYTHONDONTWRITEBYTECODE is not set: `compile_package`.)
"""
from __future__ import annotations

import dataclasses
import fcntl
import json
import os
import signal
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest

from backprop_lab.isolation import sandbox
from backprop_lab.assignments import ASSIGNMENTS
from backprop_lab.course.nbgrader import regenerate_copies, run_nbgrader_steps

ROOT = Path(__file__).resolve().parents[1]

# Grading notes when a notebook ran another version of a function than the saved one
# (autograder/runs.py, a record in the user's cache): the tests keep their own record.
os.environ.setdefault("BACKPROP_LAB_RUNS", os.path.join(
    tempfile.mkdtemp(prefix="backprop-runs-"), "runs.json"))

# One verdict on the bubblewrap sandbox for every test file. CI sets
# BACKPROP_LAB_REQUIRE_SANDBOX: there the sandbox tests run (and fail if it is broken).
SANDBOX = sandbox.available() or bool(os.environ.get("BACKPROP_LAB_REQUIRE_SANDBOX"))
requires_sandbox = pytest.mark.skipif(not SANDBOX,
                                      reason=f"sandbox unavailable: {sandbox.problem()}")
ISOLATIONS = ["process", "sandbox"] if SANDBOX else ["process"]


def load_factor() -> float:
    """How many times slower than on an idle machine work may run now: the runnable
    processes per core over the last one and five minutes, at least 1."""
    return max(1.0, max(os.getloadavg()[:2]) / len(os.sched_getaffinity(0)))


def wall_bound(seconds: float) -> float:
    """A wall-clock bound of `seconds` on an idle machine, stretched by the load: a test's
    verdict must not change because other work shares the cores (a load of 20 on 2 cores
    gives ten times the time). Limits the grader enforces (a test's timeout, the budget) are
    still checked by their own verdicts, such as "time limit" in the output."""
    return seconds * load_factor()


def concurrently(*calls):
    """Each of `calls` (functions of no arguments) in a thread of its own, all at once; their
    results in the order given. For a test whose cases each wait (a time limit running out, a
    sleeping cell), so that the waits overlap: the test still asserts each result on its own.
    The first exception raised, if any, once every call has ended."""
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        futures = [pool.submit(call) for call in calls]
    return [future.result() for future in futures]


def notebook(folder: str, assignment: str, root: Path = ROOT) -> Path:
    """`<root>/<folder>/<id>/<id>.ipynb`, e.g. the source or the released notebook."""
    return Path(root) / folder / assignment / f"{assignment}.ipynb"


def run_cli(*args, cwd: Path, env: dict | None = None, limit: float = 600.0,
            text: bool = True) -> subprocess.CompletedProcess:
    """`python -m backprop_lab ARGS` in `cwd`, as an instructor runs it, in its own session:
    if it outlives `limit` seconds (stretched by the load) it is killed with every process
    it started, and its return code is then -9, with what it printed until then."""
    proc = subprocess.Popen([sys.executable, "-m", "backprop_lab", *map(str, args)], cwd=cwd,
                            env=env, text=text, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=wall_bound(limit))
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        stdout, stderr = proc.communicate()
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)


def cli_grade(*paths, course: Path = ROOT, hidden: bool = True) -> list[dict]:
    """Grade `paths` with the CLI; the submissions of its JSON export (kept out of the
    repository)."""
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "grades.json"
        proc = run_cli("grade", *paths, "--json", out, "--course", course,
                       *(["--hidden"] if hidden else []), cwd=scratch)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return json.loads(out.read_text())["submissions"]


def solution_cells(nb) -> list:
    return [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]


def half_solved(assignment: str, root: Path = ROOT):
    """The student copy with every other graded function solved from the source."""
    student = nbformat.read(notebook("assignments", assignment, root), as_version=4)
    source = {c.metadata["nbgrader"]["grade_id"]: c.source
              for c in solution_cells(nbformat.read(notebook("source", assignment, root),
                                                    as_version=4))}
    for i, cell in enumerate(solution_cells(student)):
        if i % 2 == 0:
            cell.source = source[cell.metadata["nbgrader"]["grade_id"]]
    return student


# A first solution cell that turns every check of the assignment into a no-op and gives up:
# nbgrader's in-kernel tests import the patched checks, our grader's child cannot.
CHEAT = """import backprop_lab.checks.{assignment} as _checks
for _name in dir(_checks):
    if _name.startswith("check_"):
        setattr(_checks, _name, lambda *args, **kwargs: None)
"""


def cheat(assignment: str, root: Path = ROOT):
    """The student copy whose first solution cell disables the checks, then stays a stub."""
    nb = nbformat.read(notebook("assignments", assignment, root), as_version=4)
    first = solution_cells(nb)[0]
    first.source = CHEAT.format(assignment=assignment) + "\n" + first.source
    return nb


@dataclass
class NbgraderRun:
    """One assignment's scratch course after nbgrader and our CLI graded its submissions."""
    assignment: str
    course: Path                  # nbgrader_config.py, source/, assignments/, solutions/, ...
    db: Path                      # the gradebook nbgrader wrote; copy it before changing it
    submissions: dict             # student -> the notebook submitted
    nbgrader: dict = field(default_factory=dict)   # student -> {test: score}
    ours: dict = field(default_factory=dict)       # student -> our CLI's JSON submission
    feedback: str = ""            # nbgrader's feedback HTML for the half-solved submission
    logs: list = field(default_factory=list)       # what nbgrader logged
    feedback_of: dict = field(default_factory=dict)   # student -> feedback HTML (see below)


STUDENTS = ("full", "half", "stub", "cheat")
# The assignments whose feedback nbgrader makes for every student, not only the half-solved
# one: test_tracebacks reads relu's for the untouched and the solved copy (one nbgrader
# command more for relu here, instead of a course of its own there).
FEEDBACK_OF_EVERY_STUDENT = ("relu",)


def _nbgrader_runs(assignments, base: Path) -> list[NbgraderRun]:
    """The runs of `assignments`, each in its own scratch course and gradebook; nbgrader runs
    twice for all of them (one process regenerates every course, what `autograder regenerate`
    does; one autogrades every course and makes the feedback)."""
    courses = {a: base / a for a in assignments}
    for course in courses.values():
        course.mkdir()
    dbs = {a: course / "autograded.db" for a, course in courses.items()}
    regenerate_copies(ROOT, {a: (courses[a], dbs[a]) for a in assignments})
    runs, steps = [], []
    for assignment, course in courses.items():
        submissions = {"full": nbformat.read(notebook("source", assignment), as_version=4),
                       "half": half_solved(assignment, course),
                       "stub": nbformat.read(notebook("assignments", assignment, course),
                                             as_version=4),
                       "cheat": cheat(assignment, course)}
        for student, nb in submissions.items():
            path = notebook(f"submitted/{student}", assignment, course)
            path.parent.mkdir(parents=True)
            nbformat.write(nb, path)
        runs.append(NbgraderRun(assignment, course, dbs[assignment], submissions))
        # autograde, then the half-solved one's feedback (every student's for some)
        whose = () if assignment in FEEDBACK_OF_EVERY_STUDENT else ("--student", "half")
        steps += [(course, ("autograde", assignment, "--create", "--force"), dbs[assignment]),
                  (course, ("generate_feedback", assignment, *whose, "--force"),
                   dbs[assignment])]
    logs = [step.stderr for step in run_nbgrader_steps(steps)]
    from nbgrader.api import Gradebook
    for i, run in enumerate(runs):
        run.logs = logs[2 * i:2 * i + 2]
        with Gradebook(f"sqlite:///{run.db}") as gb:
            for student in run.submissions:
                sub = gb.find_submission_notebook(run.assignment, run.assignment, student)
                run.nbgrader[student] = {g.name: g.score for g in sub.grades
                                         if g.cell.max_score}
        run.ours = {s["student"]: s for s in cli_grade(run.course / "submitted",
                                                       course=run.course)}
        run.feedback = notebook("feedback/half", run.assignment, run.course) \
            .with_suffix(".html").read_text(encoding="utf-8")
        if run.assignment in FEEDBACK_OF_EVERY_STUDENT:
            run.feedback_of = {
                student: notebook(f"feedback/{student}", run.assignment, run.course)
                .with_suffix(".html").read_text(encoding="utf-8") for student in STUDENTS}
    return runs


def _save(runs: dict[str, NbgraderRun], path: Path) -> None:
    data = [{**dataclasses.asdict(run), "course": str(run.course), "db": str(run.db),
             "submissions": {s: nbformat.writes(nb) for s, nb in run.submissions.items()}}
            for run in runs.values()]
    path.write_text(json.dumps(data))


def _load(path: Path) -> dict[str, NbgraderRun]:
    runs = {}
    for item in json.loads(path.read_text()):
        item.update(course=Path(item["course"]), db=Path(item["db"]),
                    submissions={s: nbformat.reads(text, as_version=4)
                                 for s, text in item["submissions"].items()})
        runs[item["assignment"]] = NbgraderRun(**item)
    return runs


def _runs_folder(tmp_path_factory) -> Path:
    """The folder of this pytest run, shared by its pytest-xdist workers."""
    root = tmp_path_factory.getbasetemp()
    return root.parent if os.environ.get("PYTEST_XDIST_WORKER") else root


def make_nbgrader_runs(root: Path, wait: bool = True) -> dict[str, NbgraderRun] | None:
    """The runs made once in `root` (under its lock: whoever holds it makes them, the others
    wait, then read them). With `wait` false, return None at once if someone holds the lock."""
    with open(root / "nbgrader.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            return None
        made = root / "nbgrader-runs.json"
        if made.exists():
            return _load(made)
        base = Path(tempfile.mkdtemp(prefix="nbgrader-", dir=root))   # a retry's own
        with ThreadPoolExecutor(max_workers=2) as pool:   # half of the assignments each
            halves = [ASSIGNMENTS[0::2], ASSIGNMENTS[1::2]]
            runs = {run.assignment: run for half in pool.map(
                lambda some: _nbgrader_runs(some, base), halves) for run in half}
        runs = {a: runs[a] for a in ASSIGNMENTS}
        _save(runs, made)
        return runs


@pytest.fixture(scope="session")
def nbgrader_runs(tmp_path_factory) -> dict[str, NbgraderRun]:
    """Every registered assignment through nbgrader and our CLI (see the module docstring);
    two assignments at a time, each in its own course and gradebook.

    Made once per pytest run, most often ahead of need by the process that
    `pytest_collection_modifyitems` starts; under pytest-xdist the workers that need them
    wait for them on a lock, then read them."""
    return make_nbgrader_runs(_runs_folder(tmp_path_factory))


# The process that makes the nbgrader runs while the other tests run (see below).
_MAKER: list[subprocess.Popen] = []
MAKER_SCRIPT = """import sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import conftest
import resource, time
start = time.monotonic()
if conftest.make_nbgrader_runs(Path(sys.argv[2]), wait=False) is not None:
    used = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    cpu = sum(u.ru_utime + u.ru_stime for u in used)
    Path(sys.argv[2], "nbgrader-maker.seconds").write_text(f"{time.monotonic() - start} {cpu}")
"""


def _start_making_runs(config) -> None:
    """Start one process per pytest run (the first worker's, under pytest-xdist) that makes
    the nbgrader runs. It takes the runs' lock and holds it until they are made: a test that
    needs them waits for it, then reads them. Most tests wait on a student's time limit or a
    subprocess and leave a core idle; nbgrader fills it. It is a child of this process from
    before the first test on (tests that count this process's children see it throughout)
    and is waited for at the end of the session."""
    root = _runs_folder(config._tmp_path_factory)
    try:
        os.close(os.open(root / "nbgrader.started", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return   # another worker started it
    log = open(root / "nbgrader-maker.log", "w")
    _MAKER.append(subprocess.Popen(
        [sys.executable, "-c", MAKER_SCRIPT, str(Path(__file__).parent), str(root)],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=root,
        start_new_session=True))   # its nbgrader and kernels end with it (below)
    log.close()


def pytest_sessionfinish(session, exitstatus):
    """Wait for the process making the nbgrader runs (another worker may need them); end it
    and everything it started if the run was interrupted or stopped at a failure."""
    stopped = exitstatus == pytest.ExitCode.INTERRUPTED or session.shouldstop or session.shouldfail
    for maker in _MAKER:
        if stopped and maker.poll() is None:
            os.killpg(maker.pid, signal.SIGKILL)
        maker.wait()


def pytest_configure(config):
    """Under `--dist loadfile` pytest-xdist hands out the files with the most tests first
    (its `--loadscope-reorder`); the order below is by time, so it keeps that order. The
    package's bytecode is written once, before any test starts a process (`compile_package`)."""
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        compile_package()


def compile_package() -> None:
    """Write the bytecode of the package's modules (`__pycache__`, ignored by git: what any
    Python run writes as it imports them) unless it is there and up to date.

    Where PYTHONDONTWRITEBYTECODE is set (on the machine the suite's times were measured on)
    no process writes it, and every process the tests start that imports the package (the
    CLI, the PrairieLearn and Gradescope graders, nbgrader's kernels, the maker of the
    nbgrader runs) compiled the package's modules from source again: about 0.14 of the CLI's
    0.55 CPU s. Bytecode is still read then. A module changed later is compiled by whoever
    imports it, as before (the source's time and size are in the bytecode's header)."""
    import compileall

    import backprop_lab
    compileall.compile_dir(Path(backprop_lab.__file__).parent, quiet=1)


def pytest_collection_modifyitems(config, items):
    """Every test that needs the nbgrader runs is slow. They take minutes to make: a process
    started once the tests are chosen makes them while the other tests run
    (`pytest_collection_finish`), and the modules that need them run last. The modules that are slow throughout (a fresh environment, the
    lessons on other seeds, a browser) run first, so that under pytest-xdist no worker is left
    with a long module at the end while the other idles."""
    needs = [item for item in items if "nbgrader_runs" in getattr(item, "fixturenames", ())]
    for item in needs:
        item.add_marker(pytest.mark.slow)
    later = {item.path for item in needs}
    modules: dict[Path, list] = {}
    for item in items:
        modules.setdefault(item.path, []).append(item)
    long = {path for path, its in modules.items() if path not in later and all(
        i.get_closest_marker("slow") or i.get_closest_marker("browser") for i in its)}
    items[:] = ([i for i in items if i.path in long]
                + [i for i in items if i.path not in long and i.path not in later]
                + [i for i in items if i.path in later])


def pytest_collection_finish(session):
    """Start making the nbgrader runs (`_start_making_runs`) when a test that will run needs
    them: after `-k` and `-m` chose the tests, so that a part of the suite without one does
    not make them (about 100 CPU seconds)."""
    if session.config.option.collectonly:
        return
    if any("nbgrader_runs" in getattr(item, "fixturenames", ()) for item in session.items):
        _start_making_runs(session.config)


# ---------------------------------------------------------------- a real browser

CHROMIUM = Path("/usr/bin/chromium")    # Debian's; the tests never download a browser
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def need_browser() -> None:
    """Skip (fail in CI, where BACKPROP_LAB_REQUIRE_BROWSER=1) without chromium and playwright."""
    problem = None
    if not CHROMIUM.exists():
        problem = f"{CHROMIUM} is missing (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "the playwright package is missing (pip install -e '.[dev]')"
    if problem:
        if os.environ.get("BACKPROP_LAB_REQUIRE_BROWSER") == "1":
            pytest.fail(problem)
        pytest.skip(problem)


# ---------------------------------------------------------------- where the time goes

def pytest_addoption(parser):
    parser.addoption("--file-times", action="store_true",
                     help="after the run, each test file's wall and CPU seconds (the CPU of "
                          "the test process and of the processes it started and waited for), "
                          "largest first; see docs/TESTING.md")


_PHASE_CPU = pytest.StashKey[dict]()


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    start = _cpu()
    yield
    item.stash.setdefault(_PHASE_CPU, {})["setup"] = _cpu() - start


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    start = _cpu()
    yield
    item.stash.setdefault(_PHASE_CPU, {})["call"] = _cpu() - start


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item):
    start = _cpu()
    yield
    item.stash.setdefault(_PHASE_CPU, {})["teardown"] = _cpu() - start


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    if item.config.getoption("file_times"):
        seconds = item.stash.get(_PHASE_CPU, {}).get(call.when, 0.0)
        # a user property travels with the report from a pytest-xdist worker
        outcome.get_result().user_properties.append(("cpu_seconds", round(seconds, 3)))


_FILE_TIMES: dict[str, list[float]] = {}   # file -> [tests, wall, cpu]


def pytest_runtest_logreport(report):
    cpu = dict(report.user_properties).get("cpu_seconds")
    if cpu is None:
        return
    row = _FILE_TIMES.setdefault(report.nodeid.split("::")[0], [0, 0.0, 0.0])
    row[0] += report.when == "call"
    row[1] += report.duration
    row[2] += cpu


def pytest_terminal_summary(terminalreporter, config):
    if not config.getoption("file_times") or not _FILE_TIMES:
        return
    write = terminalreporter.write_line
    terminalreporter.section("time per test file (CPU: the tests' processes and what they waited for)")
    write(f"{'file':40} {'tests':>6} {'wall s':>8} {'CPU s':>8}")
    rows = sorted(_FILE_TIMES.items(), key=lambda kv: -kv[1][2])
    for name, (tests, wall, cpu) in rows:
        write(f"{name:40} {tests:6d} {wall:8.1f} {cpu:8.1f}")
    wall, cpu = [sum(r[k] for _, r in rows) for k in (1, 2)]
    maker = config._tmp_path_factory.getbasetemp() / "nbgrader-maker.seconds"
    if maker.exists():   # the nbgrader runs, made ahead by a process of their own
        made_wall, made_cpu = map(float, maker.read_text().split())
        write(f"{'(nbgrader runs, made alongside)':40} {'':6} {made_wall:8.1f} {made_cpu:8.1f}")
        cpu += made_cpu
    write(f"{'total':40} {sum(r[0] for _, r in rows):6d} {wall:8.1f} {cpu:8.1f}")
