"""The student-process factory: imports numpy once, then forks a fresh child per submission.

Started by launcher.py as `python -m autograder.zygote`, inside the sandbox when there is one.
It never runs student code itself. Requests come over a Unix socket, one at a time:

- spawn: end whatever is left of the last child, empty the scratch directory, fork a child
  that runs child.serve on the pipes passed along with the request; reply with its pid.
- end: give the child a grace period to exit, then kill it and everything it started;
  reply with its exit code, or null if it had to be killed.

When the grader goes away (the socket closes) it ends everything and exits.
"""
from __future__ import annotations

import argparse
import ctypes
import json
import os
import shutil
import signal
import socket
import sys
import time
from pathlib import Path

import numpy  # noqa: F401  (imported once here, shared by every forked child)

from . import child
from .checks import core, lstm, relu, rnn, sigmoid, staged  # noqa: F401  (callables sent by tests)

PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_CHILD_SUBREAPER = 1, 4, 36


def _prctl(option: int, value: int) -> None:
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)


class Zygote:
    def __init__(self, control: socket.socket, scratch: Path, sandboxed: bool):
        self.control, self.scratch, self.sandboxed = control, scratch, sandboxed

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
        workdir = self.scratch / "work"
        workdir.mkdir()
        pid = os.fork()
        if pid == 0:   # the child: never returns into this loop
            try:
                os.setsid()
                _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
                self.control.close()
                _close_fds_except(fds)
                os.chdir(workdir)
                requests, replies, output = fds
                child.serve(requests, replies, output, memory)
            finally:
                os._exit(70)
        return pid

    def empty_scratch(self) -> None:
        """Nothing of one submission may reach the next (two students' code could collude).
        What can't be removed (a child may lock a folder) ends this zygote: the launcher
        starts a new one with a new scratch directory."""
        try:
            for entry in self.scratch.iterdir():
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)
            left = list(self.scratch.iterdir())
        except OSError as exc:
            left = [exc]
        if left:
            sys.exit(f"zygote: the scratch directory could not be emptied ({left[0]})")

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
        self.end_everything()
        return code

    def end_everything(self) -> None:
        """Kill every process the children left, however they tried to get away."""
        if self.sandboxed and os.getpid() <= 2:   # our own PID namespace: all but us and init
            try:
                os.kill(-1, signal.SIGKILL)
            except ProcessLookupError:   # nobody left
                pass
        else:   # a subreaper: orphans of the children come back to us
            for _ in range(1000):
                kids = _children()
                if not kids:
                    break
                for kid in kids:
                    for kill in (os.killpg, os.kill):
                        try:
                            kill(kid, signal.SIGKILL)
                        except (ProcessLookupError, PermissionError):
                            pass
                _reap()
        _reap(block=self.sandboxed)


def _close_fds_except(keep: list[int]) -> None:
    low = 3
    for fd in sorted(keep):
        os.closerange(low, fd)
        low = fd + 1
    os.closerange(low, 65536)


def _children() -> list[int]:
    """Live child processes of this one (Linux: from /proc; elsewhere: none known)."""
    me, kids = str(os.getpid()), []
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else ():
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if ppid == me and state != "Z":
            kids.append(int(entry))
    return kids


def _reap(block: bool = False) -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, 0 if block else os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="autograder.zygote")
    parser.add_argument("--control", type=int, required=True)
    parser.add_argument("--scratch", type=Path, required=True)
    parser.add_argument("--sandboxed", action="store_true")
    parser.add_argument("--user", type=int, help="run as this uid and gid (from root)")
    opts = parser.parse_args(argv)
    if opts.user is not None:   # after the imports: the package may not be readable to it
        os.setgroups([])
        os.setgid(opts.user)
        os.setuid(opts.user)
    _prctl(PR_SET_DUMPABLE, 0)          # children cannot ptrace us or write our memory
    _prctl(PR_SET_CHILD_SUBREAPER, 1)
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    control = socket.socket(fileno=opts.control)
    Zygote(control, opts.scratch, opts.sandboxed).serve()


if __name__ == "__main__":
    main()
