"""The student-process factory: imports numpy once, then forks a fresh child per submission.

Started by launcher.py as `python -m backprop_lab.isolation.zygote`, inside the sandbox when there is one.
It never runs student code itself. Requests come over a Unix socket, one at a time:

- spawn: end whatever is left of the last child, empty the scratch directory and /dev/shm,
  fork a child that runs child.serve on the pipes passed along with the request; reply with
  its pid.
- end: give the child a grace period to exit, then kill it and everything it started;
  reply with its exit code, or null if it had to be killed.

When the grader goes away (the socket closes) it ends everything and exits.

It holds the grader's runtime only (this module, child.py, wire.py, probes.py): the check
library computes expected values, so it is neither imported here nor importable by the
children (see `RuntimeOnly`). A zygote started by root gives up root before it serves
(`--user`), so student code never runs as root.
"""
from __future__ import annotations

import argparse
import ctypes
import importlib.abc
import json
import os
import shutil
import signal
import socket
import stat
import sys
import time
from pathlib import Path

import numpy  # noqa: F401  (imported once here, shared by every forked child)

from .. import probes  # noqa: F401
from . import child, wire  # noqa: F401  (the whole runtime: nothing else is importable)

PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_CHILD_SUBREAPER, PR_SET_NO_NEW_PRIVS = 1, 4, 36, 38
CLONE_NEWIPC, CLONE_NEWUSER = 0x08000000, 0x10000000
SHM = Path("/dev/shm")
SHARED_TMP = (Path("/tmp"), Path("/var/tmp"))   # every user's: emptied of what ours made
SWEEP_SECONDS = 10.0   # the longest the zygote tries to end what a child left before giving up
PACKAGE = (__spec__.name if __spec__ else __name__).partition(".")[0]   # backprop_lab, also under -m
RUNTIME = frozenset({PACKAGE, "backprop_lab.isolation", "backprop_lab.isolation.child",
                     "backprop_lab.probes", "backprop_lab.text", "backprop_lab.isolation.wire",
                     "backprop_lab.isolation.zygote"})
_kept_fds: list[int] = []   # directories of the Python installation a dropped user reaches


def _prctl(option: int, value: int) -> None:
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)


class Zygote:
    def __init__(self, control: socket.socket, scratch: Path, sandboxed: bool,
                 dropped: bool = False, memory_group: int | None = None,
                 private_tmp: bool = False):
        self.control, self.scratch, self.sandboxed = control, scratch, sandboxed
        self.dropped = dropped   # running as a user of its own (root gave it up for us)
        # the grader's descriptor of the children's memory cgroup (cgroup.procs), or None
        self.memory_group = memory_group
        self.private_tmp = private_tmp   # /tmp and /var/tmp are the scratch (private_view)

    def serve(self) -> None:
        self._send({"ready": True})
        while True:
            try:
                data, fds, _flags, _addr = socket.recv_fds(self.control, 65536, 3)
            except OSError:
                break
            if not data:
                break
            request = json.loads(data)
            if request["op"] == "spawn":
                self._send({"pid": self.spawn(fds, int(request["memory"]))})
            elif request["op"] == "end":
                self._send({"status": self.end(int(request["pid"]), float(request["grace"]))})
            for fd in fds:
                os.close(fd)
        self.end_everything()

    def _send(self, message: dict) -> None:
        self.control.send(json.dumps(message).encode())

    def spawn(self, fds: list[int], memory: int) -> int:
        self.end_everything()
        self.empty_scratch()
        self.remove_ipc()
        workdir = self.scratch / "work"
        workdir.mkdir()
        pid = os.fork()
        if pid == 0:   # the child: never returns into this loop
            try:
                os.setsid()
                _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
                self.control.close()
                whole = _join_group(self.memory_group)   # before any student code
                _close_fds_except(fds + _kept_fds)
                own_namespace = _own_ipc_namespace()
                os.chdir(workdir)
                requests, replies, output = fds
                child.serve(requests, replies, output, memory,
                            count_processes=own_namespace or self.dropped,
                            memory_of_all=whole)
            finally:
                os._exit(70)
        return pid

    def empty_scratch(self) -> None:
        """Nothing of one submission may reach the next (two students' code could collude).
        What can't be removed (a child may lock a folder) ends this zygote: the launcher
        starts a new one with a new scratch directory."""
        folders = [self.scratch] + ([SHM] if self.sandboxed else [])   # /dev/shm: our own
        left: list = []
        for folder in folders:
            try:
                for entry in folder.iterdir():
                    _remove(entry)
                left += list(folder.iterdir())
            except OSError as exc:
                left.append(exc)
        if self.dropped and not self.sandboxed:   # the host's /dev/shm: what our user made
            shared = [SHM] + ([] if self.private_tmp else list(SHARED_TMP))
            left += [e for folder in shared for e in _entries(folder)
                     if _owned(e) and not _remove(e)]
        if left:
            sys.exit(f"zygote: the scratch directory could not be emptied ({left[0]})")

    def remove_ipc(self) -> None:
        """SysV shared memory, semaphores and message queues a child made where it had no IPC
        namespace of its own: those of this user, when it is one of the grader's own (a
        zygote's private IPC namespace in the sandbox, the dropped user in process mode)."""
        if not (self.sandboxed or self.dropped):
            return   # the grader's own user: its other programs' objects are not ours
        for kind, ids in _ipc_objects().items():
            for ident in ids:
                _ipc_remove(kind, ident)

    def end(self, pid: int, grace: float) -> int | None:
        deadline = time.monotonic() + grace
        code = None
        while True:
            try:
                done, status = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                break
            if done:
                code = os.waitstatus_to_exitcode(status)
                break
            if time.monotonic() >= deadline:
                break
            time.sleep(0.01)
        try:   # its own process group (it called setsid): all there is to end without /proc
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.end_everything()
        return code

    def end_everything(self) -> None:
        """Kill every process the children left, however they tried to get away."""
        if self.sandboxed and os.getpid() <= 2:   # our own PID namespace: all but us and init
            try:
                os.kill(-1, signal.SIGKILL)
            except ProcessLookupError:   # nobody left
                pass
            _reap(block=True)
            return
        # A subreaper: orphans of the children come back to us. Each round stops every
        # descendant first (a stopped process cannot fork a successor and exit), then kills
        # them; rounds go on until none is left, however fast a chain of processes forks.
        deadline = time.monotonic() + SWEEP_SECONDS
        while kids := _descendants():
            for sig in (signal.SIGSTOP, signal.SIGKILL):
                for kid in kids:
                    try:
                        os.kill(kid, sig)
                    except (ProcessLookupError, PermissionError):
                        pass
            _reap()
            if time.monotonic() > deadline:
                sys.exit("zygote: processes a child started could not all be ended")
        _reap()


def _join_group(fd: int | None) -> bool:
    """Move this (child) process into the memory cgroup open as `fd`, so that its memory
    limit holds it and every process it starts in all; whether it is in."""
    if fd is None:
        return False
    try:
        os.write(fd, b"0")   # "0": the writing process itself
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def _own_ipc_namespace() -> bool:
    """Move this (child) process into a new user and IPC namespace where the kernel allows it
    (Linux with unprivileged user namespaces): its SysV objects then die with it, and its
    process count is its own. It stays the same user, without privileges outside."""
    if not sys.platform.startswith("linux"):
        return False
    uid, gid = os.getuid(), os.getgid()
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWUSER | CLONE_NEWIPC) != 0:
        return False
    _prctl(PR_SET_DUMPABLE, 1)   # else /proc/self is root's and the maps cannot be written
    try:
        for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"),
                           ("gid_map", f"{gid} {gid} 1")):
            with open(f"/proc/self/{name}", "w") as fh:
                fh.write(text)
    except OSError:
        os._exit(71)   # half a namespace, unmapped: never run student code like that
    finally:
        _prctl(PR_SET_DUMPABLE, 0)   # other processes of this user cannot trace it
    return True


def _entries(folder: Path) -> list[Path]:
    try:
        return list(folder.iterdir())
    except OSError:
        return []


def _owned(path: Path) -> bool:
    try:
        return path.lstat().st_uid == os.getuid()
    except OSError:
        return False


def _remove(entry: Path) -> bool:
    try:
        if entry.is_dir() and not entry.is_symlink():
            for folder, subfolders, _files in os.walk(entry):   # a child may lock folders
                for name in subfolders:
                    try:
                        os.chmod(os.path.join(folder, name), 0o700)
                    except OSError:
                        pass
            os.chmod(entry, 0o700)
            shutil.rmtree(entry)
        else:
            entry.unlink(missing_ok=True)
    except OSError:
        return False
    return True


def _ipc_objects() -> dict[str, list[int]]:
    """The ids of this user's SysV objects in this IPC namespace (Linux /proc/sysvipc)."""
    found: dict[str, list[int]] = {}
    for kind in ("shm", "sem", "msg"):
        try:
            lines = Path(f"/proc/sysvipc/{kind}").read_text().splitlines()
        except OSError:
            continue
        header = lines[0].split() if lines else []
        for line in lines[1:]:
            fields = dict(zip(header, line.split()))
            if fields.get("uid") == str(os.getuid()) or fields.get("cuid") == str(os.getuid()):
                found.setdefault(kind, []).append(int(fields[{"shm": "shmid", "sem": "semid",
                                                              "msg": "msqid"}[kind]]))
    return found


def _ipc_remove(kind: str, ident: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    IPC_RMID = 0
    if kind == "shm":
        libc.shmctl(ident, IPC_RMID, None)
    elif kind == "sem":
        libc.semctl(ident, 0, IPC_RMID)
    elif kind == "msg":
        libc.msgctl(ident, IPC_RMID, None)


def _close_fds_except(keep: list[int]) -> None:
    low = 3
    for fd in sorted(keep):
        os.closerange(low, fd)
        low = fd + 1
    os.closerange(low, 65536)


def _children(pid: int) -> list[int]:
    """Live child processes of `pid` (Linux: from /proc; elsewhere: none known)."""
    found: set[int] = set()
    try:   # the kernel's own list: fast enough to keep up with a process that forks
        for task in os.listdir(f"/proc/{pid}/task"):
            text = Path(f"/proc/{pid}/task/{task}/children").read_text()
            found.update(int(c) for c in text.split())
        return sorted(found)
    except OSError:
        pass
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else ():
        if not entry.isdigit():
            continue
        try:
            stat_ = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        state, ppid = stat_.rsplit(")", 1)[1].split()[:2]
        if ppid == str(pid) and state != "Z":
            found.add(int(entry))
    return sorted(found)


def _descendants() -> list[int]:
    """Every live process below this one, children first."""
    found, todo = [], _children(os.getpid())
    while todo:
        pid = todo.pop()
        if pid not in found:
            found.append(pid)
            todo += _children(pid)
    return [pid for pid in found if _alive(pid)]


def _alive(pid: int) -> bool:
    try:
        stat_ = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat_.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def _reap(block: bool = False) -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, 0 if block else os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


class RuntimeOnly(importlib.abc.MetaPathFinder):
    """Refuses every module of this package but the runtime already imported: the check
    library and the grader's modules compute or hold what student code must not see.

    In the sandbox their files are not there at all; in process isolation this finder, and
    the package's absence from sys.path, are all that stands in the way of a process that
    can read the installed files (see the README)."""

    def find_spec(self, name, path=None, target=None):
        if (name == PACKAGE or name.startswith(PACKAGE + ".")) and name not in RUNTIME:
            raise ModuleNotFoundError(f"No module named {name!r} (student code gets the "
                                      f"grader's runtime only)", name=name)
        return None


def keep_to_the_runtime() -> None:
    """Leave in this process the runtime of the package and nothing more of it."""
    for name in [n for n in sys.modules if n.startswith(PACKAGE + ".") and n not in RUNTIME]:
        del sys.modules[name]
    here = str(Path(__file__).resolve().parent.parent.parent)
    sys.path[:] = [p for p in sys.path if p == here or not
                   any(os.path.isdir(os.path.join(p or ".", d)) for d in (PACKAGE, "autograder"))]
    sys.modules[PACKAGE].__path__ = []   # nothing more is found inside the package
    sys.modules[PACKAGE + ".isolation"].__path__ = []
    sys.meta_path.insert(0, RuntimeOnly())


def reach_as_user(hidden: tuple[str, ...] = ()) -> None:
    """After a drop from root, Python's own folders may lie under a folder only root may
    enter (a Python under /root), or under a folder about to be covered (`hidden`: a course
    with its .venv inside). Reach each through a descriptor opened now, as /proc/self/fd/N:
    the user then reads what is readable to others below it, nothing above."""
    if os.geteuid() != 0:
        return
    roots = sorted({p for p in sys.path if p and os.path.isdir(p)}, key=len)
    moves: dict[str, str] = {}
    for root in roots:
        if any(root == r or root.startswith(r + os.sep) for r in moves):
            continue   # reached through a folder above it
        covered = any(root == h or root.startswith(h.rstrip(os.sep) + os.sep) for h in hidden)
        if covered or not _open_to_others(Path(root)):
            fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
            _kept_fds.append(fd)
            moves[root] = f"/proc/self/fd/{fd}"

    def moved(path: str) -> str:
        for old, new in moves.items():
            if path == old or path.startswith(old + os.sep):
                return new + path[len(old):]
        return path

    if moves:
        sys.path[:] = [moved(p) for p in sys.path]
        for module in list(sys.modules.values()):
            search = getattr(module, "__path__", None)
            if isinstance(search, list):
                search[:] = [moved(p) for p in search]
        sys.path_importer_cache.clear()


def _open_to_others(folder: Path) -> bool:
    try:
        if (folder.stat().st_mode & (stat.S_IROTH | stat.S_IXOTH)) != stat.S_IROTH | stat.S_IXOTH:
            return False
        return all(p.stat().st_mode & stat.S_IXOTH for p in folder.parents)
    except OSError:
        return False


MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_BIND, MS_REC, MS_PRIVATE = 4096, 16384, 1 << 18
CLONE_NEWNS = 0x00020000
PRIVATE_TMP = "/tmp"   # the scratch directory, seen at /tmp and /var/tmp, in a private view
SCRATCH_BYTES = 64 * 1024 * 1024   # the scratch's size in a private view, as in the sandbox


def private_view(scratch: Path, hidden: list[str]) -> Path | None:
    """Process isolation on a root grader: a mount namespace of this zygote's own (before it
    gives up root), where the `hidden` folders (the course, the grader's working directory)
    are empty and read-only, and /tmp and /var/tmp are this zygote's scratch directory,
    emptied before every child. The new scratch path; None where the kernel refuses (no
    CAP_SYS_ADMIN: a container), and nothing is changed then."""
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        return None
    libc = ctypes.CDLL(None, use_errno=True)

    def mount(source, target, kind, flags, data=None) -> bool:
        return libc.mount(source and os.fsencode(source), os.fsencode(target),
                          kind and os.fsencode(kind), flags, data and os.fsencode(data)) == 0

    if libc.unshare(CLONE_NEWNS) != 0:
        return None
    if not mount("none", "/", None, MS_REC | MS_PRIVATE):
        sys.exit("zygote: a private mount namespace could not be made private")
    # The scratch (and so /tmp and /var/tmp) a tmpfs of the sandbox's size: a file-size
    # limit bounds each file a child writes, not how many, and a folder on the grader's disk
    # would take all of them.
    owner = os.stat(scratch)
    if not mount("tmpfs", str(scratch), "tmpfs", MS_NOSUID | MS_NODEV,
                 f"size={SCRATCH_BYTES},mode=0700,uid={owner.st_uid},gid={owner.st_gid}"):
        sys.exit("zygote: the scratch directory could not be given its size")
    # Held open, the scratch stays reachable through /proc/self/fd once a hidden folder covers
    # it (a grader started in /tmp hides /tmp, where the scratch lies).
    held = os.open(scratch, os.O_RDONLY | os.O_DIRECTORY)
    try:
        reach_as_user(tuple(hidden))   # Python's folders inside a hidden one stay reachable
        for folder in hidden:
            if os.path.isdir(folder):
                mount("tmpfs", folder, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                      "size=4k,mode=0755")
        for folder in ("/var/tmp", PRIVATE_TMP):   # /tmp last: the scratch lies inside it
            if os.path.isdir(folder) and not os.path.islink(folder):
                if not mount(f"/proc/self/fd/{held}", folder, None,
                             MS_BIND | MS_NOSUID | MS_NODEV):
                    sys.exit(f"zygote: the scratch directory could not be mounted at {folder}")
    finally:
        os.close(held)
    for name in ("HOME", "TMPDIR"):
        os.environ[name] = PRIVATE_TMP
    return Path(PRIVATE_TMP)


def drop_to(user: int) -> None:
    """Give up root for good: `user` as uid and gid, no groups, no way back (setuid programs
    included)."""
    _prctl(PR_SET_NO_NEW_PRIVS, 1)
    reach_as_user()
    os.setgroups([])
    os.setgid(user)
    os.setuid(user)
    try:
        os.setuid(0)
    except PermissionError:
        return
    sys.exit("zygote: could not give up root")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="backprop_lab.isolation.zygote")
    parser.add_argument("--control", type=int, required=True)
    parser.add_argument("--scratch", type=Path, required=True)
    parser.add_argument("--sandboxed", action="store_true")
    parser.add_argument("--user", type=int, help="run as this uid and gid (from root)")
    parser.add_argument("--hide-from", type=int,
                        help="descriptor of a JSON list of folders to hide (process isolation)")
    parser.add_argument("--memory-group", type=int,
                        help="descriptor of the children's memory cgroup's cgroup.procs")
    opts = parser.parse_args(argv)
    keep_to_the_runtime()
    private_tmp = False
    if opts.hide_from is not None:
        with os.fdopen(opts.hide_from, "rb") as fh:
            hidden = [str(h) for h in json.loads(fh.read())]
        scratch = private_view(opts.scratch, hidden)
        if scratch is not None:
            opts.scratch, private_tmp = scratch, True
    if opts.user is not None:   # after the imports: the package may not be readable to it
        drop_to(opts.user)
    elif os.geteuid() == 0:
        sys.exit("zygote: refusing to run student code as root (no --user)")
    _prctl(PR_SET_DUMPABLE, 0)          # children cannot ptrace us or write our memory
    _prctl(PR_SET_CHILD_SUBREAPER, 1)
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    control = socket.socket(fileno=opts.control)
    Zygote(control, opts.scratch, opts.sandboxed, dropped=opts.user is not None,
           memory_group=opts.memory_group, private_tmp=private_tmp).serve()


if __name__ == "__main__":
    main()
