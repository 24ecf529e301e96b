"""The grader's side of the zygote: start it (sandboxed when possible), ask it for children.

One Launcher serves one grader process for many submissions, so Python and numpy start once
per worker, not once per notebook. Student children come from the zygote; the grader only
holds the two pipes to each and the file its output goes to.
"""
from __future__ import annotations

import functools
import itertools
import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

from . import sandbox

START_TIMEOUT = 60.0     # seconds for the zygote to import numpy and say it is ready
REPLY_TIMEOUT = 3.0      # seconds for any other answer (it needs milliseconds)
ZYGOTE_MODULE = "backprop_lab.isolation.zygote"
STOPPED_POLL = 0.05      # seconds between looks, while waiting, at whether the zygote is stopped
NOBODY = sandbox.SANDBOX_USER   # the user student code runs as when the grader is root
CPU_PERIOD_US = 100_000  # a worker's student processes get this much CPU time per period
CPU_QUOTA_US = 100_000   # in all (one core), where the grader may make cgroups


class LauncherError(Exception):
    """The zygote could not be started or stopped answering."""


def isolation_mode(requested: str) -> str:
    """`sandbox` or `process` for a requested `auto`, `sandbox` or `process`; LauncherError
    when the mode cannot run student code safely here (never a silent fallback to root)."""
    if requested in ("process", "auto"):
        if requested == "auto" and sandbox.available():
            return "sandbox"
        why = process_problem()
        if why is not None:
            sandbox_note = (f"; the sandbox is not available either: {sandbox.problem()}"
                            if requested == "auto" else "")
            raise LauncherError(f"process isolation cannot run here: {why}{sandbox_note}")
        return "process"
    if requested == "sandbox":
        if not sandbox.available():
            raise LauncherError(f"the sandbox is not available: {sandbox.problem()}")
        return "sandbox"
    raise ValueError(f"unknown isolation {requested!r}")


def child_environment() -> dict:
    """What student code finds in os.environ: nothing of the grader's but the locale."""
    env = {k: v for k, v in os.environ.items() if k in ("LANG", "LC_ALL", "SYSTEMROOT")}
    env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
               PYTHONDONTWRITEBYTECODE="1", PYTHONHASHSEED="0", MPLBACKEND="Agg")
    return env


@functools.lru_cache(maxsize=1)
def private_view_possible() -> bool:
    """Whether a root grader's zygote can have a mount namespace of its own in process
    isolation (zygote.private_view: the course covered, /tmp its own); not in a container
    without CAP_SYS_ADMIN. Tried once, in a fork."""
    if not drops_to_nobody() or not sys.platform.startswith("linux"):
        return False
    import ctypes
    pid = os.fork()
    if pid == 0:
        try:
            made = ctypes.CDLL(None, use_errno=True).unshare(0x00020000) == 0   # CLONE_NEWNS
        finally:
            os._exit(0 if made else 1)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0


PROCESS_NOTE = ("note: process isolation as root without a mount namespace of its own (a "
                "container): student code, as the user nobody, can read every file that "
                "other users may read, the course and the class included, and /tmp is "
                "shared (what nobody leaves there is removed between students); keep the "
                "course and the submissions in a folder other users cannot enter (chmod 700), "
                "or use the sandbox")


def _readable_below(folder: Path) -> bool:
    """Whether a user with no rights of its own can list `folder` and read its files, once it
    is inside (the zygote reaches a folder under /root through a descriptor, see zygote.py)."""
    try:
        mode = folder.stat().st_mode
        if (mode & (stat.S_IROTH | stat.S_IXOTH)) != stat.S_IROTH | stat.S_IXOTH:
            return False
        sample = next((p for p in folder.iterdir() if p.suffix == ".py"), None)
        return sample is None or bool(sample.stat().st_mode & stat.S_IROTH)
    except OSError:
        return False


def drops_to_nobody() -> bool:
    """Whether process isolation runs student code as `nobody`: whenever the grader is root."""
    return os.name == "posix" and os.geteuid() == 0


@functools.lru_cache(maxsize=1)
def process_problem() -> str | None:
    """Why process isolation would run student code as root here, or None. A root grader runs
    it as `nobody`, which must be able to read the Python installation it imports from."""
    if not drops_to_nobody():
        return None
    import numpy   # where the zygote's imports come from
    folders = {sysconfig.get_path(k) for k in ("stdlib", "platstdlib", "purelib", "platlib")}
    folders |= {str(Path(numpy.__file__).parent)}
    closed = sorted(f for f in folders if f and not _readable_below(Path(f)))
    if not closed:
        return None
    return (f"the grader runs as root, student code would run as the user nobody (uid "
            f"{NOBODY}), who cannot read {closed[0]}: install bubblewrap (apt install "
            f"bubblewrap) for the sandbox, or install Python and the grader where other users "
            f"can read them, or run the grader as an unprivileged user")


def _joiner(group: Path | None):
    """What the new process runs before it becomes bubblewrap or Python: it moves itself into
    `group`, so the zygote and every process after it are born inside (no race with a later
    move from outside)."""
    if group is None:
        return None
    procs = str(group / "cgroup.procs")

    def join() -> None:
        try:
            fd = os.open(procs, os.O_WRONLY)
            try:
                os.write(fd, b"0")   # "0": the writing process itself
            finally:
                os.close(fd)
        except OSError:
            pass   # the move from outside (_await_ready) still tries
    return join


def _hierarchies(controller: str):
    """The grader's own cgroup in each hierarchy that may hold `controller`, as (folder, v2):
    cgroup v2's unified one, or v1's hierarchy of that controller; stale groups of earlier
    graders removed from it. Nothing off Linux or where /proc/self/cgroup cannot be read."""
    if not sys.platform.startswith("linux"):
        return
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return
    for line in lines:
        _id, controllers, path = line.split(":", 2)
        if controllers == "":   # v2
            base, v2 = Path("/sys/fs/cgroup") / path.lstrip("/"), True
        elif controller in controllers.split(","):   # v1
            base, v2 = Path("/sys/fs/cgroup", controllers) / path.lstrip("/"), False
        else:
            continue
        if not (base / "cgroup.procs").is_file():   # not a cgroup file system (a hybrid's tmpfs)
            continue
        _remove_stale_groups(base)
        yield base, v2


def cpu_group() -> Path | None:
    """A new cgroup that holds a zygote and all its children to one core's worth of CPU, so
    that busy processes a submission starts cannot starve the other workers; None where the
    grader cannot make one (cgroup v2 with the cpu controller delegated to the grader's
    group, or v1's cpu hierarchy, writable: usually as root outside a container)."""
    name = f"backprop-lab-{os.getpid()}-{next(_groups)}"
    for base, v2 in _hierarchies("cpu"):
        if v2:
            limit, value = "cpu.max", f"{CPU_QUOTA_US} {CPU_PERIOD_US}"
        else:
            limit, value = "cpu.cfs_quota_us", str(CPU_QUOTA_US)
        group = base / name
        try:
            group.mkdir()
        except OSError:
            continue
        try:
            if not (group / limit).is_file():
                raise OSError("no cpu controller")
            if limit == "cpu.cfs_quota_us":
                (group / "cpu.cfs_period_us").write_text(str(CPU_PERIOD_US))
            (group / limit).write_text(value)
            return group
        except OSError:   # no cpu controller there
            group.rmdir()
    return None


_groups = itertools.count()


def memory_group() -> Path | None:
    """A new cgroup for the children of one zygote (one at a time), whose memory limit holds
    a submission's processes as a whole, forks included; None where the grader cannot make
    one (cgroup v1's memory hierarchy, or v2 with the memory controller delegated to the
    grader's group, writable: usually as root outside a container). On v2 the group also
    gets the one core of the worker's cpu group, which the children leave for it."""
    name = f"backprop-lab-{os.getpid()}-{next(_groups)}-children"
    for base, v2 in _hierarchies("memory"):
        limit = "memory.max" if v2 else "memory.limit_in_bytes"
        group = base / name
        try:
            group.mkdir()
        except OSError:
            continue
        if (group / limit).is_file():
            if limit == "memory.max" and (group / "cpu.max").is_file():
                try:
                    (group / "cpu.max").write_text(f"{CPU_QUOTA_US} {CPU_PERIOD_US}")
                except OSError:
                    pass
            return group
        group.rmdir()
    return None


def set_memory_limit(group: Path, memory_bytes: int) -> bool:
    """The limit of `group` (memory and swap together) set to `memory_bytes`."""
    if (group / "memory.max").is_file():   # v2
        settings = [("memory.max", memory_bytes), ("memory.swap.max", 0)]
    else:   # v1: memory+swap may not be set below memory, nor memory above memory+swap
        settings = [("memory.memsw.limit_in_bytes", memory_bytes),
                    ("memory.limit_in_bytes", memory_bytes),
                    ("memory.memsw.limit_in_bytes", memory_bytes)]
    done = False
    for name, value in settings:
        try:
            (group / name).write_text(str(value))
            done = done or name in ("memory.max", "memory.limit_in_bytes")
        except OSError:
            pass
    return done


def _remove_stale_groups(base: Path) -> None:
    """Empty groups of graders that died without removing theirs (killed workers)."""
    try:
        entries = [e for e in base.iterdir() if e.name.startswith("backprop-lab-")]
    except OSError:
        return
    for entry in entries:
        pid = entry.name.split("-")[2]
        if pid.isdigit() and not os.path.exists(f"/proc/{pid}"):
            try:
                entry.rmdir()
            except OSError:
                pass


def _tree(pid: int) -> list[int]:
    """`pid` and its descendants."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                todo += [int(c) for c in
                         Path(f"/proc/{current}/task/{task}/children").read_text().split()]
        except OSError:
            pass
    return found


def _stat_fields(pid: int) -> list[str]:
    """The fields of /proc/<pid>/stat after the command's name (state first); [] if gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return []


def _stopped(pid: int) -> bool:
    """Whether `pid` is stopped by a signal (SIGSTOP and the like; not a tracer's stop, which
    a debugger of the zygote makes for a moment at every system call)."""
    return _stat_fields(pid)[:1] == ["T"]


def _is_zygote(pid: int) -> bool:
    """Whether `pid` runs the zygote's module itself (not bubblewrap, whose command line
    holds the zygote's after its own options)."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return argv[1:4] == [b"-P", b"-m", ZYGOTE_MODULE.encode()]


class Launcher:
    def __init__(self, isolation: str = "auto", hide: tuple[Path, ...] = ()):
        self.mode = isolation_mode(isolation)
        self.hide = [Path(h) for h in hide] + [Path.cwd()]
        self._dir = Path(tempfile.mkdtemp(prefix="backprop-zygote-"))
        self._proc: subprocess.Popen | None = None
        self._control: socket.socket | None = None
        self._ready = False
        self._zygote: int | None = None   # its pid as seen here, once it said it is ready
        self.cpu_group = cpu_group()   # None where cgroups cannot be made
        self.memory_group = memory_group()   # where each child moves itself; or None
        self._memory_limit: int | None = None
        self._start()   # it imports numpy while the grader reads the notebooks

    # ------------------------------------------------------------ the zygote

    def _start(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        # -P: not the working directory on sys.path, the runtime alone (PYTHONPATH)
        argv = [sys.executable, "-P", "-m", ZYGOTE_MODULE,
                "--control", str(theirs.fileno())]
        passed = [theirs.fileno()]
        group = self._open_memory_group()
        if group is not None:   # the child (another user) moves itself in with it
            argv += ["--memory-group", str(group)]
            passed.append(group)
        env = child_environment()
        if os.name == "posix" and os.geteuid() == 0:
            argv += ["--user", str(NOBODY)]   # never student code as root
        if self.mode == "sandbox":
            argv += ["--scratch", sandbox.SCRATCH, "--sandboxed"]
            cmd, env = sandbox.command(argv, sandbox.environment(env), self.hide), None
        else:
            scratch = Path(tempfile.mkdtemp(prefix="scratch-", dir=self._dir))   # new per zygote
            argv += ["--scratch", str(scratch)]
            if drops_to_nobody():
                os.chmod(self._dir, 0o711)
                os.chown(scratch, NOBODY, NOBODY)
                hidden = self._hidden_list()   # covered in the zygote's own view
                if hidden is not None:
                    argv += ["--hide-from", str(hidden)]
                    passed.append(hidden)
            env.update(PYTHONPATH=str(self._runtime()),
                       PATH=os.environ.get("PATH", ""), HOME=str(scratch), TMPDIR=str(scratch))
            cmd = argv
        log = open(self._dir / "zygote.log", "wb")
        try:
            self._proc = subprocess.Popen(
                cmd, pass_fds=tuple(passed), env=env or {}, cwd=self._dir,
                stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True,
                preexec_fn=_joiner(self.cpu_group))
        finally:
            theirs.close()
            log.close()
            for fd in passed[1:]:
                os.close(fd)
        self._control = ours
        self._ready = False
        self._zygote = None

    def _hidden_list(self) -> int | None:
        """The folders to hide, as JSON in a file without a name: a zygote's command line is
        readable by every user, its children included."""
        if not hasattr(os, "memfd_create"):
            return None
        fd = os.memfd_create("hidden", 0)
        os.write(fd, json.dumps([str(Path(h).resolve()) for h in self.hide]).encode())
        os.lseek(fd, 0, os.SEEK_SET)
        return fd

    def _open_memory_group(self) -> int | None:
        """The children's memory group, opened for writing by the grader: the kernel checks
        who opened it, so a child of another user can move itself in, and only there."""
        if self.memory_group is None:
            return None
        try:
            return os.open(self.memory_group / "cgroup.procs", os.O_WRONLY)
        except OSError:
            return None

    def _runtime(self) -> Path:
        """A private copy of the package's runtime files (sandbox.RUNTIME_FILES), readable by
        the child's user, so that the package itself is not on the child's path."""
        parent = self._dir / "runtime"
        if not parent.exists():
            package = Path(__file__).resolve().parent.parent
            (parent / sandbox.PACKAGE).mkdir(parents=True)
            for name in sandbox.RUNTIME_FILES:
                (parent / sandbox.PACKAGE / name).parent.mkdir(exist_ok=True)
                shutil.copyfile(package / name, parent / sandbox.PACKAGE / name)
            for folder, _dirs, files in os.walk(parent):
                os.chmod(folder, 0o755)
                for name in files:
                    os.chmod(os.path.join(folder, name), 0o644)
        return parent

    def _await_ready(self) -> None:
        try:
            self._receive(START_TIMEOUT)
        except LauncherError as exc:
            self._stop()
            raise LauncherError(f"{exc}{self._log_tail()}") from None
        tree = _tree(self._proc.pid)   # before any child: bubblewrap's, the zygote
        if self.cpu_group is not None:   # before any child: they are all born inside
            for pid in tree:
                try:
                    (self.cpu_group / "cgroup.procs").write_text(str(pid))
                except OSError:
                    pass
        self._zygote = next((pid for pid in tree if _is_zygote(pid)), None)
        self._ready = True

    def _zygote_stopped(self) -> bool:
        """Whether the zygote is stopped (a child's code can send it SIGSTOP in the sandbox,
        where it is the child's parent): it will answer nothing until it is ended."""
        return self._zygote is not None and _stopped(self._zygote)

    def _log_tail(self) -> str:
        try:
            text = (self._dir / "zygote.log").read_text(errors="replace").strip()
        except OSError:
            return ""
        return f": {text.splitlines()[-1]}" if text else ""

    def _receive(self, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while True:   # in short waits, so that a stopped zygote is given up at once
            left = deadline - time.monotonic()
            if left <= 0:
                raise LauncherError("the zygote did not answer in time")
            self._control.settimeout(min(STOPPED_POLL, left))
            try:
                data = self._control.recv(65536)
                break
            except socket.timeout:
                if self._zygote_stopped():
                    raise LauncherError("the zygote was stopped") from None
            except OSError as exc:
                raise LauncherError(f"the zygote is gone ({exc})") from None
        if not data:
            raise LauncherError("the zygote is gone")
        try:
            reply = json.loads(data)
        except ValueError:
            reply = None
        if not isinstance(reply, dict):
            raise LauncherError("the zygote sent a malformed reply")
        return reply

    def _ask(self, message: dict, fds: list[int] = (), timeout: float = REPLY_TIMEOUT) -> dict:
        if self._control is None:
            self._start()
        if not self._ready:
            self._await_ready()
        try:
            socket.send_fds(self._control, [json.dumps(message).encode()], list(fds))
            return self._receive(timeout)
        except (OSError, LauncherError):
            self._stop()   # a zygote that misbehaves is replaced on the next request
            raise LauncherError(f"the zygote stopped answering{self._log_tail()}") from None

    def _stop(self) -> None:
        if self._control is not None:
            self._control.close()
            self._control = None
        if self._proc is not None:
            try:   # it ends its children and exits on EOF; stopped, it cannot
                self._proc.wait(timeout=0 if self._zygote_stopped() else 2)
            except subprocess.TimeoutExpired:
                os.killpg(self._proc.pid, signal.SIGKILL)
                self._proc.wait()
            self._proc = None
            self._zygote = None

    def close(self) -> None:
        self._stop()
        for group in (self.cpu_group, self.memory_group):
            for _ in range(100) if group is not None else ():
                try:   # busy until the kernel has released the last killed process
                    group.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.01)
        for folder, subfolders, _files in os.walk(self._dir):   # children may lock folders
            for name in subfolders:
                try:
                    os.chmod(os.path.join(folder, name), 0o700)
                except OSError:
                    pass
        shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self) -> "Launcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------ children

    def spawn(self, memory_bytes: int, output: int) -> tuple[int, int, int]:
        """A fresh child printing to the file open as `output`; returns its pid (as the zygote
        sees it) and the grader's ends of the request and reply pipes.

        A zygote that the last child killed or stopped is replaced, and the spawn tried again.
        """
        try:
            return self._spawn_once(memory_bytes, output)
        except LauncherError:
            return self._spawn_once(memory_bytes, output)

    def _spawn_once(self, memory_bytes: int, output: int) -> tuple[int, int, int]:
        if self.memory_group is not None and self._memory_limit != memory_bytes:
            if set_memory_limit(self.memory_group, memory_bytes):
                self._memory_limit = memory_bytes
            else:   # a new zygote without the group: its children share the limit out
                self._stop()   # between fewer processes themselves (child.limit_resources)
                try:
                    self.memory_group.rmdir()
                except OSError:
                    pass
                self.memory_group = None
        req_r, req_w = os.pipe()
        rep_r, rep_w = os.pipe()
        try:
            reply = self._ask({"op": "spawn", "memory": memory_bytes}, [req_r, rep_w, output])
        except LauncherError:
            os.close(req_w)
            os.close(rep_r)
            raise
        finally:
            for fd in (req_r, rep_w):
                os.close(fd)
        if not isinstance(reply.get("pid"), int):
            os.close(req_w)
            os.close(rep_r)
            self._stop()
            raise LauncherError("the zygote sent a malformed reply")
        return reply["pid"], req_w, rep_r

    def end(self, pid: int, grace: float = 0.0) -> int | None:
        """End a child and all it started; its exit code if it exited by itself in `grace` s."""
        try:
            status = self._ask({"op": "end", "pid": pid, "grace": grace},
                               timeout=REPLY_TIMEOUT + grace).get("status")
        except LauncherError:
            return None   # the zygote is gone, and with it its children
        return status if isinstance(status, int) else None
