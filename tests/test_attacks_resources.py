"""Attacks on the grader's resources as a whole: text that crosses the wire at any size, memory
shared out between the processes of one submission, what process isolation shows a child.

Each holds in every isolation mode there is (see test_attacks.py for the harness).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import threading
import time
from pathlib import Path

import pytest

import hostile
import toy_course
from backprop_lab.isolation import child, launcher, wire, zygote
from backprop_lab.reports import report
from backprop_lab.grading import REPORT_TEXT_LIMIT
from conftest import run_cli
from hostile import function
from test_attacks import DOUBLE
from test_attacks import (course, everywhere, forging,  # noqa: F401
                          grade, only_hit, repository_untouched)  # (fixtures among them)

# ================================================================ text at any size

# A forged reply can always pass for the real one (the id of the request it answers is in the
# child's own frames), and must still be harmless.
OVERSIZED = ("frame({'ok': False, 'error': {'type': 'E' * 1_000_000, 'message': 'm' * 14_000_000,"
             " 'traceback': 't' * 1_000_000}, 'id': request_id()})")
OVERSIZED_VALUE = "frame({'ok': True, 'args': None, 'value': 'v' * 15_000_000, 'id': request_id()})"


def forging_as_the_child(reply: str) -> str:
    """`forging(reply)`, where `reply` may call request_id()."""
    return ("import sys\ndef request_id():\n    f = sys._getframe()\n"
            "    while 'request' not in f.f_locals:\n        f = f.f_back\n"
            "    return f.f_locals['request']['id']\n" + forging(reply))


@everywhere
@pytest.mark.parametrize("reply", [OVERSIZED, OVERSIZED_VALUE], ids=["error", "value"])
def test_an_oversized_forged_reply_is_cut_with_a_marker(course, isolation, tmp_path, reply):
    """A reply just under the frame limit, all of it text: every field that reaches a report
    is cut at its documented size, with a marker, and the grader stays small."""
    graded = grade(course, {"double": function(forging_as_the_child(reply))}, isolation=isolation,
                   timeout=2.0, grader_memory_mb=200)
    hit = graded.tests["test_double"]
    assert hit.score == 0
    if reply == OVERSIZED:   # its message is shown, cut (a string value is refused as such)
        assert wire.CUT_MARK in hit.output, hit.output[:300]
    for test in graded.result.tests:
        assert len(test.output) <= REPORT_TEXT_LIMIT + 100, (test.name, len(test.output))
    report.write_json([graded.result], tmp_path / "grades.json")
    assert (tmp_path / "grades.json").stat().st_size < 20 * REPORT_TEXT_LIMIT
    assert json.loads((tmp_path / "grades.json").read_text())


def test_every_text_of_a_reply_is_cut_where_it_enters():
    """The wire's validation: strings inside values and an error's fields."""
    long = "x" * (wire.TEXT_LIMIT * 3)
    decoded = wire.decode({"t": "list", "id": 0, "v": [long, {"t": "dict", "id": 1,
                                                                "v": [[long, long]]}]})
    assert all(len(s) <= wire.TEXT_LIMIT + len(wire.CUT_MARK) + 40
               for s in [decoded[0], *decoded[1], *decoded[1].values()])
    assert decoded[0].startswith("x" * 100) and wire.CUT_MARK in decoded[0]
    error = wire.checked_error({"type": long, "message": long, "traceback": long})
    assert len(error["type"]) <= wire.NAME_LIMIT + len(wire.CUT_MARK) + 40
    assert all(wire.CUT_MARK in error[k] for k in ("type", "message", "traceback"))
    with pytest.raises(wire.WireError):
        wire.checked_error({"type": "E", "message": ["not", "text"], "traceback": ""})


# Nodes of a reply that pass for plain data at first sight: each must be refused as an invalid
# reply (a WireError, the child replaced), never reach the checks as an exception of Python's
# own (OverflowError, KeyError, ...), which would grade as the grader's error.
MALFORMED_NODES = {
    "a shape too large for a number": {"t": "nd", "id": 90, "dtype": "<f8", "shape": [2 ** 70],
                                       "b64": ""},
    "a shape whose size wraps around": {"t": "nd", "id": 90, "dtype": "<f8",
                                        "shape": [2 ** 32, 2 ** 32], "b64": ""},
    "a shape of 100 dimensions": {"t": "nd", "id": 90, "dtype": "<f8", "shape": [1] * 100,
                                  "b64": "AAAAAAAAAAA="},
    "array data that is a number": {"t": "nd", "id": 90, "dtype": "<f8", "shape": [1], "b64": 5},
    "array data missing": {"t": "nd", "id": 90, "dtype": "<f8", "shape": [1]},
    "array data not base64": {"t": "nd", "id": 90, "dtype": "<f8", "shape": [1], "b64": "@@@@"},
    "a complex number of lists": {"t": "c", "re": [1], "im": "0"},
    "a complex number without parts": {"t": "c"},
    "list items that are a number": {"t": "list", "id": 90, "v": 5},
    "a tuple without items": {"t": "tuple", "id": 90},
    "dict items of three": {"t": "dict", "id": 90, "v": [["a", 1, 2]]},
    "a reference by a list": {"t": "ref", "id": [1]},
    "an object id that is a bool": {"t": "list", "id": True, "v": []},
}


@pytest.mark.parametrize("case", MALFORMED_NODES)
def test_the_wire_refuses_a_malformed_node_as_malformed(case):
    with pytest.raises(wire.WireError):
        wire.decode({"t": "list", "id": 0, "v": [MALFORMED_NODES[case]]})


@pytest.mark.parametrize("case", ["a shape too large for a number",
                                  "a complex number without parts",
                                  "a reference by a list"])
def test_a_forged_reply_with_a_malformed_node_is_an_invalid_reply(course, tmp_path, case):
    """Through the grader, forged with the id of the request it answers."""
    node = repr(MALFORMED_NODES[case])
    reply = (f"frame({{'ok': True, 'args': wire.encode([[x], {{}}]), 'value': {node}, "
             "'id': request_id()})")
    graded = grade(course, {"double": function(forging_as_the_child(reply))},
                   isolation="process", timeout=2.0)
    only_hit(graded, DOUBLE, ("invalid reply",))
    for name in DOUBLE:
        assert not re.search(r"[A-Z]\w*Error|'", graded.tests[name].output), \
            graded.tests[name].output


# ================================================================ memory of a submission

HOG_MB, HOGS, LIMIT_MB = 300, 8, 1024
# Pages a child had before it entered its memory group (forked from the zygote) are counted
# where they were made; once the child is gone they are private to its forks: a few MB.
SLACK_MB = 64


def memory_hogs(mark: str) -> str:
    """Statements that fork HOGS processes (marked `mark`), each filling HOG_MB of memory and
    holding it: 2.4 GB in all against a limit of 1 GB per submission."""
    return (f"import ctypes, os, time\n"
            f"for _ in range({HOGS}):\n"
            f"    try:\n"
            f"        pid = os.fork()\n"
            f"    except OSError:\n"
            f"        break\n"
            f"    if pid == 0:\n"
            f"        ctypes.CDLL(None).prctl(15, {mark.encode()!r}, 0, 0, 0)\n"
            f"        hog = []\n"
            f"        try:\n"
            f"            for _ in range({HOG_MB // 50}):\n"
            f"                hog.append(b'x' * (50 << 20))\n"
            f"        except MemoryError:\n"
            f"            pass\n"
            f"        time.sleep(4)\n"
            f"        os._exit(0)\n"
            f"time.sleep(4)\n")


def _private_kb(pid: int) -> int:
    """Memory that `pid` alone maps (shared libraries and pages shared with the process it
    was forked from left out: they are not the submission's)."""
    total = 0
    try:
        for line in open(f"/proc/{pid}/smaps_rollup"):
            if line.startswith(("Private_Clean:", "Private_Dirty:")):
                total += int(line.split()[1])
    except OSError:
        pass
    return total


def _peak_of_memory_hogs(course, isolation) -> int:
    """The most memory (kB) the hogs of one submission held at once while it was graded."""
    mark = hostile.marker()
    peak, stop = [0], threading.Event()

    def watch():
        while not stop.is_set():
            peak[0] = max(peak[0], sum(_private_kb(p) for p in hostile.processes_with(mark)))
            time.sleep(0.05)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        grade(course, {"double": function(memory_hogs(mark))}, isolation=isolation,
              timeout=8.0, memory_mb=LIMIT_MB, hidden=False, marks=(mark,), bound=60)
    finally:
        stop.set()
        watcher.join()
    return peak[0]


@everywhere
@pytest.mark.parametrize("cgroups", ["where possible", "never"])
def test_memory_is_limited_per_submission_not_per_process(course, isolation, cgroups,
                                                          monkeypatch):
    """Forks that each stay under the per-process limit hold no more than the submission's
    limit in all, whether the grader can make a memory cgroup or not (then the processes are
    fewer and share the limit out). One isolation at a time: the watcher sums the hogs'
    memory process by process, and with two submissions' hogs (2 GB) taken and freed at once
    beside it, a sweep that reads one hog before it is killed and the next after it has
    grown counted 1,101 MB against the limit of 1,088 once."""
    if cgroups == "never":
        monkeypatch.setattr(launcher, "memory_group", lambda: None)
    peak = _peak_of_memory_hogs(course, isolation)
    assert peak > 0, "no hog ever ran"
    assert peak <= (LIMIT_MB + SLACK_MB) * 1024, \
        f"the submission's processes held {peak // 1024} MB"


def test_without_a_memory_group_the_processes_share_the_limit_out():
    mb = 1 << 20
    assert child.limits_of(1024 * mb, True, True) == (1024 * mb, child.PROCESS_LIMIT)
    each, count = child.limits_of(1024 * mb, True, False)
    assert count == child.SHARED_PROCESS_LIMIT and each * count <= 1024 * mb


def can_make_memory_groups() -> bool:
    group = launcher.memory_group()
    if group is not None:
        group.rmdir()
    return group is not None


@pytest.mark.skipif(not can_make_memory_groups(), reason="no memory cgroup can be made here")
def test_a_memory_group_is_made_limited_and_removed():
    with launcher.Launcher("process") as made:
        group = made.memory_group
        assert group is not None and group.is_dir()
        made.spawn(512 << 20, os.open(os.devnull, os.O_WRONLY))
        limit = group / ("memory.max" if (group / "memory.max").exists()
                         else "memory.limit_in_bytes")
        assert int(limit.read_text()) == 512 << 20
    assert not group.exists()


# ================================================================ what process isolation shows

def snooper(half: str, other_half: str) -> str:
    """Statements that look for the course and the other submissions through every
    process's command line, read what they find for the token `half + other_half`, and leave
    files in /tmp and /var/tmp for the next student."""
    return (f"import builtins, os\ntoken = {half!r} + {other_half!r}\nscanned = leaked = 0\n"
            f"pids = [] if hasattr(builtins, 'snooped') else os.listdir('/proc')\n"
            f"builtins.snooped = True\n"
            f"for pid in pids:\n"
            f"    try:\n"
            f"        args = open('/proc/%s/cmdline' % pid, 'rb').read().split(b'\\0')\n"
            f"    except OSError:\n"
            f"        continue\n"
            f"    scanned += 1\n"
            f"    for arg in args:\n"
            f"        arg = arg.decode(errors='replace')\n"
            f"        if not os.path.isdir(arg) or arg.rstrip('/').count('/') < 3:\n"
            f"            continue\n"
            f"        seen = 0\n"
            f"        for folder, dirs, files in os.walk(arg):\n"
            f"            dirs[:] = [d for d in dirs if not d.startswith('.')]\n"
            f"            seen += len(files)\n"
            f"            if seen > 300:\n"
            f"                break\n"
            f"            for name in files:\n"
            f"                try:\n"
            f"                    leaked += token in open(os.path.join(folder, name), "
            f"errors='replace').read()\n"
            f"                except OSError:\n"
            f"                    pass\n"
            f"print('scanned', scanned, 'leaked', leaked) if pids else None\n"
            f"for folder in ('/tmp', '/var/tmp'):\n"
            f"    try:\n"
            f"        open(os.path.join(folder, token + '-left'), 'w').write('x')\n"
            f"        print('wrote', folder)\n"
            f"    except OSError as exc:\n"
            f"        print('could not write', folder, exc)\n")


def finder(half: str, other_half: str) -> str:
    return (f"import os\ntoken = {half!r} + {other_half!r}\nfound = 0\n"
            f"for folder in ('/tmp', '/var/tmp'):\n"
            f"    if os.path.isdir(folder):\n"
            f"        found += sum(token in name for name in os.listdir(folder))\n"
            f"print('looked, found', found)\n")


@pytest.mark.skipif(os.geteuid() != 0, reason="needs a grader running as root")
@everywhere
def test_process_isolation_shows_no_path_and_no_earlier_students_files(tmp_path, isolation):
    """In process isolation on a root grader (student code as `nobody`): the command lines of
    the grader's processes must not lead to the course's hidden files or a classmate's
    notebook, and nothing a student leaves in /tmp or /var/tmp reaches the next one. The
    course and the submissions lie where any user may read, as on an instructor's machine."""
    base = Path(tempfile.mkdtemp(prefix="open-course-", dir="/tmp"))
    os.chmod(base, 0o755)
    half, other = hostile.SESSION, "secret"
    token = half + other
    try:
        course = toy_course.make_course(base / "course")
        (course / "source" / toy_course.ASSIGNMENT / "answers.txt").write_text(token)
        subs = base / "class"
        toy_course.write_submission(subs, "a1", {"double": function(snooper(half, other))})
        toy_course.write_submission(subs, "b2", {"double": function(finder(half, other))})
        classmate = toy_course.build()
        classmate.cells[0].source += f"\n# {token}"
        toy_course.write_submission(subs, "c3", nb=classmate)
        for folder, dirs, files in os.walk(base):
            for name in dirs + files:
                os.chmod(os.path.join(folder, name), 0o755 if name in dirs else 0o644)
        done = run_cli("grade", subs / "submitted", "--course", course, "--hidden",
                       "--isolation", isolation, "--jobs", "1", "--timeout", "20", "--json", tmp_path / "g.json",
                       "--quiet", cwd=tmp_path, limit=120)
        assert done.returncode == 0, done.stderr
        outputs = {r["student"]: " ".join(t["output"] for t in r["tests"])
                   for r in json.loads((tmp_path / "g.json").read_text())["submissions"]}
        assert "scanned" in outputs["a1"], outputs["a1"]
        if isolation == "process":   # the sandbox has no /tmp to write to
            assert "wrote" in outputs["a1"], outputs["a1"]
        assert "leaked 0" in outputs["a1"], outputs["a1"]
        assert "looked, found 0" in outputs["b2"], outputs["b2"]
    finally:
        shutil.rmtree(base, ignore_errors=True)
        for folder in ("/tmp", "/var/tmp"):
            for name in os.listdir(folder):
                if token in name:
                    os.unlink(os.path.join(folder, name))


@pytest.mark.skipif(os.geteuid() != 0, reason="needs a grader running as root")
def test_process_isolation_grades_when_the_grader_is_started_in_tmp(tmp_path):
    """A root grader hides its working directory from student code; started in /tmp, that
    covers the zygote's scratch folder, which lies in /tmp. Every test then failed with "the
    scratch directory could not be mounted": the scratch must be mounted all the same."""
    course = toy_course.make_course(tmp_path / "course")
    subs = tmp_path / "class"
    toy_course.write_submission(subs, "a1", nb=toy_course.build())
    done = run_cli("grade", subs / "submitted", "--course", course, "--hidden",
                   "--isolation", "process", "--jobs", "1", "--json", tmp_path / "g.json",
                   "--quiet", cwd=Path("/tmp"), limit=120)
    assert done.returncode == 0, done.stderr
    [sub] = json.loads((tmp_path / "g.json").read_text())["submissions"]
    assert sub["error"] is None and sub["score"] == sub["max_score"] > 0, sub


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to become another user")
def test_without_a_private_view_what_the_child_user_left_in_tmp_is_removed():
    """Where the zygote cannot have /tmp of its own (no mount namespace: a container), it
    removes between children what its user (`nobody`) made in /tmp and /var/tmp, and only
    that. Run in a fork that becomes `nobody`, with stand-ins for the shared folders."""
    tmp_path = Path(tempfile.mkdtemp(prefix="shared-tmp-"))
    os.chmod(tmp_path, 0o755)
    try:
        _left_in_shared_folders(tmp_path)
    finally:
        shutil.rmtree(tmp_path, ignore_errors=True)


def _left_in_shared_folders(tmp_path: Path) -> None:
    shared = [tmp_path / "tmp", tmp_path / "var-tmp"]
    for folder in shared + [tmp_path / "shm", tmp_path / "scratch"]:
        folder.mkdir()
        os.chmod(folder, 0o1777)
    (shared[0] / "roots-own").write_text("kept")
    pid = os.fork()
    if pid == 0:   # the fork: becomes nobody, leaves files, lets the zygote clean
        code = 1
        try:
            zygote.SHARED_TMP, zygote.SHM = tuple(shared), tmp_path / "shm"
            os.setgid(launcher.NOBODY)
            os.setuid(launcher.NOBODY)
            (shared[0] / "left").write_text("x")
            (shared[1] / "folder").mkdir()
            (shared[1] / "folder" / "inside").write_text("x")
            zygote.Zygote(None, tmp_path / "scratch", sandboxed=False, dropped=True,
                          private_tmp=False).empty_scratch()
            code = 0
        except BaseException as exc:
            os.write(2, f"in the fork: {exc!r}\n".encode())
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert sorted(p.name for folder in shared for p in folder.iterdir()) == ["roots-own"]


@pytest.mark.skipif(os.geteuid() != 0, reason="needs a grader running as root")
def test_a_root_grader_without_a_private_view_says_what_process_isolation_leaves_open(
        monkeypatch, capsys):
    from backprop_lab import options
    if launcher.private_view_possible():   # root with namespaces: nothing to say
        options.grading_settings(Path("."), True, isolation="process")
        assert "mount namespace" not in capsys.readouterr().err
    monkeypatch.setattr(options, "private_view_possible", lambda: False)
    options.grading_settings(Path("."), True, isolation="process")
    err = capsys.readouterr().err
    assert "can read every file that other users may read" in err and "chmod 700" in err


@everywhere
def test_a_forged_reply_answers_no_later_request(course, isolation):
    """A well-formed reply written on the pipe by student code, and the real one it leaves
    behind, must not answer the next calls (their tests would get another call's values):
    the child is replaced, and only the forging function's tests lose."""
    forged = "frame({'ok': True, 'args': None, 'value': wire.encode(x * 2.0)})"
    graded = grade(course, {"double": function(forging(forged))}, isolation=isolation,
                   timeout=2.0)
    only_hit(graded, ("test_double", "test_double_hidden"), ("invalid reply",))
