"""Attacks on what isolates one submission: the check library, the user student code runs as,
what a child leaves for the next one, how many processes it may start and how much CPU
a worker's children get.

Each runs in every isolation mode where it applies, on the toy course, with the machinery of
test_attacks.py (bounded time, untouched course, no process left, writable reports).
"""
from __future__ import annotations

import os
import site
import threading
from pathlib import Path

import pytest

import backprop_lab
import hostile
import toy_course
from backprop_lab import cli
from backprop_lab.isolation import launcher, sandbox
from backprop_lab.batch import grade_all
from backprop_lab.grading import Settings
from backprop_lab.isolation.launcher import LauncherError, isolation_mode
from backprop_lab.isolation.student_process import Limits
from hostile import function
from test_attacks import (  # noqa: F401  (fixtures)
    course, everywhere, full_marks, grade, install, probe, probe_course,
    repository_untouched, requires_sandbox)

root_grader = pytest.mark.skipif(os.geteuid() != 0, reason="needs a grader running as root")


def probed(graded) -> None:
    """The probe function found nothing and the rest of the notebook earned its points."""
    probe_test = graded.tests["test_probe"]
    assert probe_test.status == "passed", probe_test.output
    assert graded.result.score == graded.result.max_score


# ================================================================ the check library

# Every way a submission could reach code that computes expected values: the import system
# (by name, through importlib, __import__, finders), what the process already holds
# (sys.modules, every object the garbage collector knows), and the files of the package.
REACHING_THE_CHECKS = r"""
import gc, importlib, importlib.util, sys, types
names = ("backprop_lab.checks", "backprop_lab.checks.core", "backprop_lab.checks.staged",
         "backprop_lab.checks.rnn", "backprop_lab.grading", "backprop_lab.cli",
         "backprop_lab.notebooks", "backprop_lab.isolation.student_process")
for name in names:
    for way, load in (("import", lambda n: exec("import " + n, {})),
                      ("importlib", importlib.import_module),
                      ("__import__", lambda n: __import__(n, fromlist=["x"]))):
        try:
            load(name)
            found.append(way + " " + name)
        except Exception:
            pass
    try:
        if importlib.util.find_spec(name) is not None:
            found.append("find_spec " + name)
    except Exception:
        pass
runtime = {"backprop_lab", "backprop_lab.isolation", "backprop_lab.isolation.child",
           "backprop_lab.probes", "backprop_lab.text", "backprop_lab.isolation.wire",
           "backprop_lab.isolation.zygote"}
found += ["in sys.modules: " + n for n in list(sys.modules)
          if n.startswith("autograder.") and n not in runtime]
wanted = {"complex_step_gradient", "probe_exp_gradient", "probe_quadratic_gradient",
          "relative_error", "call_and_check_inputs", "check_staged_backward", "rng_for"}
for obj in gc.get_objects():
    if isinstance(obj, types.FunctionType):
        if obj.__name__ in wanted or str(obj.__module__).startswith("backprop_lab.checks"):
            found.append("function in memory: " + obj.__module__ + "." + obj.__name__)
    elif isinstance(obj, types.ModuleType) and obj.__name__.startswith("backprop_lab.checks"):
        found.append("module in memory: " + obj.__name__)
"""

# The files, by path, where a sandbox could show them: its view of the package, a copy of the
# package in any folder on sys.path (installed in site-packages, say), and where it lies here.
READING_THE_CHECKS = r"""
import os, sys
tops = ["/opt/backprop-lab"] + [os.path.join(p, "autograder") for p in sys.path if p]
for top in tops + [CHECKS]:
    for folder, dirs, files in [(os.path.dirname(top), [], [os.path.basename(top)])] + list(os.walk(top)):
        for name in files:
            path = os.path.join(folder, name)
            try:
                with open(path, "rb") as fh:
                    text = fh.read()
            except OSError:
                continue
            if b"def complex_step_gradient" in text or b"def probe_exp_gradient" in text:
                found.append("read " + path)
"""


@everywhere
def test_student_code_cannot_import_or_find_the_check_library(probe_course, isolation):
    """The notebook that earned 77 of 80 points called the checks' reference gradients."""
    probed(grade(probe_course, probe(REACHING_THE_CHECKS), isolation=isolation))


@requires_sandbox
def test_the_sandbox_holds_no_file_of_the_check_library(probe_course):
    checks = Path(backprop_lab.__file__).resolve().parent / "checks"
    body = f"CHECKS = {str(checks)!r}\n" + READING_THE_CHECKS
    for name in ("core.py", "staged.py"):
        assert "def " in (checks / name).read_text()   # there to read outside the sandbox
    probed(grade(probe_course, probe(body.replace("[CHECKS]", "[CHECKS + '/core.py', "
                                                            "CHECKS + '/staged.py']")),
                 isolation="sandbox", timeout=10.0))


@requires_sandbox
def test_an_installed_copy_of_the_package_is_covered_up():
    """A grader installed with pip (the Gradescope bundle) has the checks in site-packages,
    a folder the sandbox shows."""
    args = sandbox.command(["true"], {}, [])
    for folder in site.getsitepackages():
        if (Path(folder) / "autograder").is_dir():
            assert args[args.index(str(Path(folder, "autograder").resolve())) - 1] == "--tmpfs"
    mounted = [args[i + 2] for i, a in enumerate(args) if a == "--ro-bind"]
    package = [m for m in mounted if m.startswith(sandbox.PACKAGE_PARENT)]
    inside = Path(sandbox.PACKAGE_PARENT, sandbox.PACKAGE)
    assert sorted(Path(m).relative_to(inside).as_posix() for m in package) == \
        sorted(sandbox.RUNTIME_FILES)


@everywhere
def test_probe_functions_still_reach_student_code(course, isolation):
    """What replaces the check library in the child: the trusted probes a test hands over."""
    tests = {"test_apply": (1, "import functools\nfrom backprop_lab.probes import probe_exp\n"
                               "f = functools.partial(probe_exp, a=1.0, w=np.ones(2))\n"
                               "assert np.isclose(apply(f, np.zeros(2)), 2.0)\n")}
    nb = toy_course.build({"apply": "def apply(f, x):\n    return f(x)\n"},
                          tests={**toy_course.TESTS, **tests})
    install(course, nb)
    graded = grade(course, nb=nb, isolation=isolation)
    assert graded.result.score == graded.result.max_score, graded.tests


# ================================================================ never as root

NOT_ROOT = r"""
import os
if 0 in (os.getuid(), os.geteuid(), os.getgid(), os.getegid()):
    found.append("runs as root: uid %d gid %d" % (os.getuid(), os.getgid()))
for path in ("/etc/shadow", "/root/.bashrc", "/root/.profile"):
    try:
        with open(path, "rb") as fh:
            fh.read(1)
        found.append("read " + path)
    except OSError:
        pass
for pid in os.listdir("/proc"):
    try:
        found.append("course through /proc/%s/cwd: %s" % (pid, os.listdir("/proc/%s/cwd/source" % pid)))
    except OSError:
        pass
"""


@root_grader
@everywhere
def test_student_code_never_runs_as_root(probe_course, isolation, monkeypatch):
    monkeypatch.chdir(probe_course)   # the grader works in the course, as an instructor's does
    probed(grade(probe_course, probe(NOT_ROOT), isolation=isolation))


@root_grader
def test_a_dropped_user_still_imports_the_standard_library(course):
    """Python lives under /root here (mode 0700): the dropped user reaches it all the same."""
    imports = "import decimal, sqlite3, statistics, csv, xml.etree.ElementTree, numpy.linalg"
    full_marks(grade(course, {"double": function(imports)}, isolation="process"))


def test_process_isolation_refuses_when_student_code_would_run_as_root(monkeypatch, tmp_path,
                                                                        capsys):
    """A root grader whose Python the dropped user cannot read: no silent fallback to root,
    but exit 2 and a way out."""
    monkeypatch.setattr(launcher.os, "geteuid", lambda: 0)
    monkeypatch.setattr(launcher, "_readable_below", lambda folder: False)
    monkeypatch.setattr(sandbox, "problem", lambda: "bubblewrap (bwrap) is not installed")
    launcher.process_problem.cache_clear()
    try:
        for requested in ("process", "auto"):
            with pytest.raises(LauncherError, match="install bubblewrap"):
                isolation_mode(requested)
        notebook = toy_course.write_submission(toy_course.make_course(tmp_path), "s1")
        with pytest.raises(SystemExit) as exit_:
            cli.main(["grade", str(notebook), "--isolation", "process"])
        assert exit_.value.code == 2
        assert "nobody" in capsys.readouterr().err
    finally:
        launcher.process_problem.cache_clear()


# ================================================================ nothing survives a child

def ipc_writer(mark: str) -> str:
    """Statements that leave data in /dev/shm, /dev, SysV shared memory, a message queue and a
    semaphore set, all keyed by `mark`, and say which they managed."""
    key = int(mark[-6:], 16) + 1
    return (f"import ctypes, os\nlibc = ctypes.CDLL(None, use_errno=True)\nleft = []\n"
            f"for path in ('/dev/shm/{mark}', '/dev/{mark}'):\n"
            f"    try:\n"
            f"        with open(path, 'wb') as fh:\n"
            f"            fh.write(b'{mark}' * 100000)\n"
            f"        left.append(path)\n"
            f"    except OSError:\n"
            f"        pass\n"
            f"shm = libc.shmget({key}, 4 << 20, 0o1666)\n"
            f"if shm >= 0:\n"
            f"    libc.shmat.restype = ctypes.c_void_p\n"
            f"    at = libc.shmat(shm, None, 0)\n"
            f"    ctypes.memmove(at, b'{mark}', {len(mark)})\n"
            f"    left.append('shm')\n"
            f"if libc.msgget({key}, 0o1666) >= 0:\n"
            f"    left.append('msg')\n"
            f"if libc.semget({key}, 1, 0o1666) >= 0:\n"
            f"    left.append('sem')\n"
            f"print('left', left)\n")


def ipc_reader(mark: str) -> str:
    key = int(mark[-6:], 16) + 1
    return (f"import ctypes, os\nlibc = ctypes.CDLL(None, use_errno=True)\n"
            f"for folder in ('/dev/shm', '/dev', os.getcwd(), '..'):\n"
            f"    for name in os.listdir(folder):\n"
            f"        if {mark!r} in name:\n"
            f"            found.append(folder + '/' + name)\n"
            f"for kind, get in (('shm', lambda: libc.shmget({key}, 0, 0)),\n"
            f"                  ('msg', lambda: libc.msgget({key}, 0)),\n"
            f"                  ('sem', lambda: libc.semget({key}, 0, 0))):\n"
            f"    if get() >= 0:\n"
            f"        found.append(kind + ' object of the last student')\n")


@everywhere
def test_nothing_a_child_leaves_reaches_the_next_student(probe_course, isolation):
    """A writer and a reader graded one after the other by the same worker."""
    mark = hostile.marker()
    writer = toy_course.write_submission(probe_course, "writer", probe(ipc_writer(mark)))
    reader = toy_course.write_submission(probe_course, "reader", probe(ipc_reader(mark)))
    settings = Settings(course=probe_course, hidden=True, isolation=isolation,
                        limits=Limits(timeout=5.0))
    written, read = grade_all([writer, reader], settings, jobs=1)
    left = {t.name: t for t in written.tests}["test_probe"].output
    assert "left" in left and "shm" in left, left   # the writer did leave something
    probe_test = {t.name: t for t in read.tests}["test_probe"]
    assert probe_test.status == "passed", probe_test.output
    # and none of it is still held on the host
    assert not [p for p in Path("/dev/shm").iterdir() if mark in p.name]
    key = f"{int(mark[-6:], 16) + 1:10d}"
    for kind in ("shm", "msg", "sem"):
        listing = Path(f"/proc/sysvipc/{kind}").read_text().splitlines()[1:]
        assert not [line for line in listing if line.split()[0] == key.strip()], kind


@requires_sandbox
def test_dev_is_read_only_and_dev_shm_is_small(probe_course):
    body = ("import os\n"
            "for path in ('/dev/x', '/dev/shm/../x'):\n"
            "    try:\n        open(path, 'w')\n        found.append('wrote ' + path)\n"
            "    except OSError:\n        pass\n"
            "try:\n"
            "    with open('/dev/shm/big', 'wb') as fh:\n"
            "        for _ in range(64):\n            fh.write(b'x' * (1 << 20))\n"
            "    found.append('64 MB in /dev/shm')\n"
            "except OSError:\n    pass\n"
            "with open('/dev/null', 'w') as fh:\n    fh.write('fine')\n")
    probed(grade(probe_course, probe(body), isolation="sandbox"))


# ================================================================ processes

def forking(count: int) -> str:
    """Statements that start `count` busy loops, each in a new session, and report how many
    started."""
    return (f"import os, time\nstarted = 0\n"
            f"for _ in range({count}):\n"
            f"    try:\n"
            f"        pid = os.fork()\n"
            f"    except OSError:\n"
            f"        break\n"
            f"    if pid == 0:\n"
            f"        os.setsid()\n"
            f"        end = time.monotonic() + 30\n"
            f"        while time.monotonic() < end:\n"
            f"            pass\n"
            f"        os._exit(0)\n"
            f"    started += 1\n"
            f"print('started', started)\n")


@everywhere
def test_a_child_cannot_start_hundreds_of_processes(course, isolation):
    graded = grade(course, {"double": function(forking(300))}, isolation=isolation,
                   timeout=5.0, hidden=False)
    output = graded.tests["test_double"].output
    started = int(output.split("started")[1].split()[0])
    assert started < 40, output


def chain(mark: str, chains: int = 4) -> str:
    """Statements that start `chains` chains of processes, each link forking its successor in
    a new session and exiting at once, all named `mark`."""
    return (f"import ctypes, os\n"
            f"for _ in range({chains}):\n"
            f"    if os.fork() == 0:\n"
            f"        libc = ctypes.CDLL(None)\n"
            f"        libc.prctl(15, {mark.encode()!r}, 0, 0, 0)\n"
            f"        while True:\n"
            f"            pid = libc.fork()\n"
            f"            if pid > 0:\n"
            f"                libc._exit(0)\n"
            f"            if pid == 0:\n"
            f"                libc.setsid()\n") + hostile._until_seen(mark)


@everywhere
def test_a_chain_of_processes_that_keep_escaping_is_ended(course, isolation):
    mark = hostile.marker()
    solutions = {"pair": chain(mark) + toy_course.SOLUTIONS["pair"]}   # once, while it loads
    full_marks(grade(course, solutions, isolation=isolation, marks=[mark]))


def cpu_limit_of(pid: int) -> float | None:
    """The cores the cgroup of `pid` may use (v1 or v2 cpu controller), None if unlimited."""
    for line in Path(f"/proc/{pid}/cgroup").read_text().splitlines():
        _id, controllers, path = line.split(":", 2)
        if controllers == "" and Path("/sys/fs/cgroup/cgroup.controllers").exists():
            quota, period = (Path("/sys/fs/cgroup") / path.lstrip("/") / "cpu.max").read_text().split()
            return None if quota == "max" else int(quota) / int(period)
        if "cpu" in controllers.split(","):
            group = Path("/sys/fs/cgroup", controllers) / path.lstrip("/")
            quota = int((group / "cpu.cfs_quota_us").read_text())
            return None if quota < 0 else quota / int((group / "cpu.cfs_period_us").read_text())
    return None


def can_make_cgroups() -> bool:
    group = launcher.cpu_group()
    if group is not None:
        group.rmdir()
    return group is not None


@pytest.mark.skipif(not can_make_cgroups() and not os.environ.get("BACKPROP_LAB_CGROUPS"),
                    reason="the grader cannot make cgroups here")
@everywhere
def test_busy_processes_of_one_worker_get_one_core_in_all(course, isolation):
    """Busy loops in new sessions (each its own scheduling group) must not starve the other
    worker: everything a zygote runs shares one core, where the grader can make cgroups."""
    mark = hostile.marker()
    body = (f"import ctypes, os, time\n"
            f"for _ in range(4):\n"
            f"    if os.fork() == 0:\n"
            f"        os.setsid()\n"
            f"        ctypes.CDLL(None).prctl(15, {mark.encode()!r}, 0, 0, 0)\n"
            f"        end = time.monotonic() + 20\n"
            f"        while time.monotonic() < end:\n"
            f"            pass\n"
            f"        os._exit(0)\n") + hostile._until_seen(mark) + \
        "time.sleep(2)\n"   # time for the watcher below to read their cgroup before the end
    # the test reads the busy processes' cgroup from outside while the grading runs
    seen = []
    done = threading.Event()

    def watch():   # until the busy processes are seen, or the grading is over (any load)
        while not done.is_set():
            for pid in hostile.processes_with(mark):
                try:
                    seen.append(cpu_limit_of(pid))
                except OSError:
                    pass
            if seen:
                return
            done.wait(0.02)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        grade(course, {"double": function(body)}, isolation=isolation, timeout=5.0,
              hidden=False, marks=[mark])
    finally:
        done.set()
        watcher.join()
    assert seen and all(limit is not None and limit <= 1.0 for limit in seen), seen
