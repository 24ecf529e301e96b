"""Tools for attacking the grader: hostile code snippets, process scans, file-tree snapshots,
report checks.

Every process hostile code starts carries a marker (in argv[0] or /proc/<pid>/comm), and every
file it writes outside its own working directory carries the session token, so a scan can tell
what it left behind from what other people are doing on the same machine.
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import signal
import stat
import textwrap
import time
import uuid
from pathlib import Path

from backprop_lab.reports import report
from backprop_lab.grading import SubmissionResult

SESSION = uuid.uuid4().hex[:8]
# A file that holds the token was written after it was drawn, so its inode changed after this
# (st_ctime: a write, a rename or a chmod sets it to now; no user call can set it back).
# Less a second for the coarse clock the file system reads.
SESSION_BORN = time.time() - 1.0
STATUSES = {"passed", "failed", "error", "timeout"}


def thief_notebook(notebook: Path, secret: Path, function: str = "add_backward",
                   args: str = "dout, x, y") -> bytes:
    """`notebook` with `function` replaced by code that tries to read `secret` (a file holding
    hidden tests) and prints 'stolen: ...' around its HIDDEN marker, or 'blocked: <error>'."""
    thief = (f"def {function}({args}):\n"
             "    try:\n"
             f"        text = open({str(secret)!r}).read()\n"
             "        at = text.find('HIDDEN')\n"
             "        print('stolen:', text[max(at - 40, 0):at + 40])\n"
             "    except OSError as exc:\n"
             "        print('blocked:', type(exc).__name__)\n"
             "    raise ValueError('look at the output')\n")
    nb = json.loads(Path(notebook).read_text())
    for cell in nb["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == function:
            cell["source"] = thief
    return json.dumps(nb).encode()


def marker() -> str:
    """A unique name of 15 characters: it fits in /proc/<pid>/comm and names this session."""
    return f"bpl{SESSION}{uuid.uuid4().hex[:4]}"


# ---------------------------------------------------------------- hostile code

def function(body: str, name: str = "double", args: str = "x", returns: str = "2.0 * x") -> str:
    """The source of a student function that runs `body`, then returns `returns`."""
    code = textwrap.indent(textwrap.dedent(body).strip("\n"), "    ")
    tail = f"\n    return {returns}\n" if returns else "\n"
    return f"def {name}({args}):\n{code}{tail}"


SLEEP = shutil.which("sleep") or "/bin/sleep"


def _until_seen(mark: str) -> str:
    """Statements that wait until a process marked `mark` runs, or raise: an attack that
    could not start its process must not pass for one that was stopped."""
    return (f"import time\n"
            f"for _ in range(200):\n"
            f"    seen = False\n"
            f"    for entry in os.listdir('/proc'):\n"
            f"        for part in ('cmdline', 'comm'):\n"
            f"            try:\n"
            f"                with open('/proc/%s/%s' % (entry, part), 'rb') as fh:\n"
            f"                    seen = seen or {mark.encode()!r} in fh.read()\n"
            f"            except OSError:\n"
            f"                pass\n"
            f"    if seen:\n"
            f"        break\n"
            f"    time.sleep(0.01)\n"
            f"else:\n"
            f"    raise RuntimeError('the hostile process did not start')\n")


def sleeper(mark: str, seconds: int = 60) -> str:
    """Statements that start a `sleep` whose argv[0] is `mark` (with `os` alone: a student
    process may not be able to import more)."""
    return (f"import os\n"
            f"if os.fork() == 0:\n"
            f"    try:\n"
            f"        os.execv({SLEEP!r}, [{mark!r}, '{seconds}'])\n"
            f"    finally:\n"
            f"        os._exit(127)\n") + _until_seen(mark)


def escaping_sleeper(mark: str, seconds: int = 60) -> str:
    """Statements that start a `sleep` in a new session through a double fork."""
    return (f"import os\n"
            f"middle = os.fork()\n"
            f"if middle == 0:\n"
            f"    os.setsid()\n"
            f"    try:\n"
            f"        if os.fork() == 0:\n"
            f"            os.execv({SLEEP!r}, [{mark!r}, '{seconds}'])\n"
            f"    finally:\n"
            f"        os._exit(0)\n"
            f"os.waitpid(middle, 0)\n") + _until_seen(mark)


def lingering_fork(mark: str) -> str:
    """Statements that fork the student process; the copy names itself `mark` and stays."""
    return (f"import ctypes, os, time\n"
            f"if os.fork() == 0:\n"
            f"    try:\n"
            f"        ctypes.CDLL(None).prctl(15, {mark.encode()!r}, 0, 0, 0)   # PR_SET_NAME\n"
            f"        while True:\n"
            f"            time.sleep(0.05)\n"
            f"    finally:\n"
            f"        os._exit(0)\n") + _until_seen(mark)


# ---------------------------------------------------------------- processes

def _state(pid: str) -> str:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return "gone"
    return stat.rsplit(")", 1)[-1].split()[0]


def processes_with(mark: str) -> list[int]:
    """Live (not zombie) processes whose command line or name contains `mark`."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
            comm = Path(f"/proc/{entry}/comm").read_bytes()
        except OSError:
            continue
        if (mark.encode() in cmdline or mark.encode() in comm) and _state(entry) not in ("Z", "gone"):
            found.append(int(entry))
    return found


def survivors(mark: str, grace: float = 2.0) -> list[int]:
    """The processes marked `mark` still alive after `grace` seconds; they are then killed."""
    deadline = time.monotonic() + grace
    while (found := processes_with(mark)) and time.monotonic() < deadline:
        time.sleep(0.05)
    for pid in found:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    return found


def children_of(pid: int) -> set[int]:
    """Live processes whose parent is `pid`."""
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[-1].split()
        if fields[0] != "Z" and int(fields[1]) == pid:
            found.add(int(entry))
    return found


# ---------------------------------------------------------------- files

def snapshot(root: Path) -> dict[str, tuple]:
    """Every path below `root` with its kind, size, mtime and content hash."""
    tree: dict[str, tuple] = {}
    for folder, dirs, files in os.walk(root, followlinks=False):
        for name in dirs + files:
            path = Path(folder, name)
            rel = str(path.relative_to(root))
            st = path.lstat()
            if path.is_symlink():
                tree[rel] = ("link", os.readlink(path))
            elif path.is_dir():
                tree[rel] = ("dir", st.st_mode)
            else:
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                tree[rel] = ("file", st.st_mode, st.st_size, st.st_mtime_ns, digest)
    return tree


def differences(before: dict, after: dict) -> list[str]:
    return sorted([f"new: {p}" for p in after.keys() - before.keys()]
                  + [f"gone: {p}" for p in before.keys() - after.keys()]
                  + [f"changed: {p}" for p in before.keys() & after.keys()
                     if before[p] != after[p]])


def files_mentioning(root: Path, token: str, skip: tuple[str, ...] = (".git",)) -> list[str]:
    """Files below `root` whose name or content contains `token`. For this session's token,
    only files changed since it was drawn can hold it: the others are not read (a virtual
    environment in the repository is most of a gigabyte)."""
    found = []
    since = SESSION_BORN if SESSION in token else None
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in skip]
        found += [os.path.join(folder, d) for d in dirs if token in d]
        for name in files:
            path = os.path.join(folder, name)
            if token in name:
                found.append(path)
                continue
            try:
                info = os.lstat(path)   # a link is not followed: its name only
                if not stat.S_ISREG(info.st_mode) or (since is not None
                                                      and info.st_ctime < since):
                    continue
                if token.encode() in Path(path).read_bytes():
                    found.append(path)
            except OSError:
                pass
    return found


# ---------------------------------------------------------------- reports

def check_reports(result: SubmissionResult, folder: Path) -> None:
    """Every report the grader writes can be made from `result` and says what it says."""
    folder.mkdir(parents=True, exist_ok=True)
    assert result.score == sum(t.score for t in result.tests)
    for test in result.tests:
        assert test.status in STATUSES and 0 <= test.score <= test.max_score
        assert isinstance(test.output, str)
    json.dumps(result.to_dict())
    report.write_json([result], folder / "grades.json")
    written = json.loads((folder / "grades.json").read_text())["submissions"][0]
    assert written["score"] == result.score and written["error"] == result.error
    report.write_csv([result], folder / "grades.csv")
    with open(folder / "grades.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 1 and rows[0]["score"] == f"{result.score:g}"
    for test in result.tests:
        assert rows[0][test.name] == f"{test.score:g}"
    assert json.loads(json.dumps(report.gradescope_results(result)))["score"] == result.score
    assert result.assignment in report.score_table([result])
