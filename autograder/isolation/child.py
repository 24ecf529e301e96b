"""The untrusted side: a process that runs a submission's cells and answers calls.

Forked by the zygote (zygote.py) for each submission. It reads requests from one pipe and
writes replies to another, one at a time, as plain data (see wire.py). Whatever the student's
code prints goes to a size-limited file, never into the replies.
"""
from __future__ import annotations

import builtins
import linecache
import os
import resource
import signal
import sys
import traceback

import numpy as np

from . import wire
from .. import watch
from ..text import strip_magics

OUTPUT_LIMIT = 8 * 1024 * 1024   # bytes the child may write to files, its output included
PROCESS_LIMIT = 32               # processes (threads included) of the child and what it starts
# Where no memory cgroup holds the child and its processes as a whole, they are fewer and
# share the memory limit out: each gets a quarter of it (address space), so that four hold
# no more than the limit in all.
SHARED_PROCESS_LIMIT = 4
CPU_SECONDS = 600                # CPU time of each of its processes: a fork spinning on its own

# the indent is whitespace within the line: `\s*` would span line breaks and backtrack over
# them, quadratic in the blank lines of a cell (40,000 of them: 46 s of the grader's time)
def error_reply(exc: BaseException, labels: set[str]) -> dict:
    """The exception as plain text, with the frames of the student's cells only."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename in labels]
    text = "".join(traceback.format_list(frames))
    if isinstance(exc, SyntaxError) and exc.filename in labels:
        text += f'  File "{exc.filename}", line {exc.lineno}\n    {(exc.text or "").strip()}\n'
    message = str(exc)
    if isinstance(exc, SystemExit):
        message = f"the code called exit({exc.code!r})"
    elif isinstance(exc, KeyboardInterrupt):
        message = "the code raised KeyboardInterrupt"
    elif isinstance(exc, MemoryError):
        message = (message + " (over the grader's memory limit)").strip()
    return {"ok": False, "error": {"type": type(exc).__name__, "message": message[:2000],
                                   "traceback": text[-4000:]}}


class OutOfTime(BaseException):
    """Raised in the student's code when the request's time is up, so that the reply can say
    which line was running (the grader ends the process anyway, a little later)."""


OUT_OF_TIME = "OutOfTime"   # the error type of such a reply


def _time_up(signum, frame):
    raise OutOfTime()


class _Timer:
    """SIGALRM after `seconds` (none if not a positive number, or no timer on this system)."""

    def __init__(self, seconds):
        self.on = (isinstance(seconds, (int, float)) and not isinstance(seconds, bool)
                   and 0 < seconds < 1e6 and hasattr(signal, "setitimer"))
        self.seconds = seconds

    def __enter__(self):
        if self.on:
            signal.signal(signal.SIGALRM, _time_up)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
        return self

    def __exit__(self, *exc):
        if self.on:
            signal.setitimer(signal.ITIMER_REAL, 0)


def out_of_time_reply(exc: BaseException, labels: set[str]) -> dict:
    reply = error_reply(exc, labels)
    reply["error"].update(type=OUT_OF_TIME, message="")
    return reply


class Child:
    def __init__(self):
        self.namespace: dict = {"__name__": "__main__", "__builtins__": builtins}
        self.labels: set[str] = set()

    def handle(self, request: dict) -> dict:
        op = request.get("op")
        try:
            with _Timer(request.get("seconds")):
                if op == "exec":
                    return self.exec_cell(request["label"], request["source"])
                if op == "call":
                    return self.call(request["name"], request["payload"],
                                     bool(request.get("watch")), request.get("fix"),
                                     request.get("first_call", 0))
        except OutOfTime as exc:   # between the student's code and the reply
            return out_of_time_reply(exc, self.labels)
        return {"ok": False, "error": {"type": "ProtocolError", "message": f"unknown op {op!r}",
                                       "traceback": ""}}

    def exec_cell(self, label: str, source: str) -> dict:
        self.labels.add(label)
        code = strip_magics(source)
        # The cell's lines, so that a traceback shows the student's failing statement
        lines = code.splitlines(keepends=True)
        linecache.cache[label] = (len(code), None, lines, label)
        try:
            exec(compile(code, label, "exec"), self.namespace)
        except OutOfTime as exc:
            return out_of_time_reply(exc, self.labels)
        except BaseException as exc:   # the student's cell; report, never die
            return error_reply(exc, self.labels)
        return {"ok": True}

    def call(self, name: str, payload, watched: bool = False, fix=None,
             first_call=0) -> dict:
        """Call the student's `name`; `watched`: also note its variables' values, statement
        by statement (watch.watched_call), sent back as "watched", with one of them replaced
        when `fix` (encoded) says so."""
        fn = self.namespace.get(name)
        if not callable(fn):
            what = "is not defined" if fn is None else "is not a function"
            return {"ok": False, "error": {"type": "NameError", "traceback": "",
                                           "message": f"`{name}` {what} in the notebook"}}
        try:
            args, kwargs = wire.decode(payload, allow_callables=True)
            both = [args, kwargs]
            before = _snapshot(both)
            notes: list = []
            calls = 0
            if watched:
                fixed = watch.checked_fix(wire.decode(fix)) if fix is not None else None
                first = first_call if isinstance(first_call, int) else 0
                result, notes, calls = watch.watched_call(
                    fn, args, kwargs, self.labels.__contains__, fixed, first)
            else:
                result = fn(*args, **kwargs)
            extra = {"watched": wire.encode(notes), "calls": calls} if watched else {}
            if _unchanged(both, before) and not _shares(result, before.ids):
                # Nothing to mirror and nothing to refer to: the arguments are not sent back
                # (a large cache would otherwise cross the pipe a second time).
                return {"ok": True, "args": None, "value": wire.encode(result), **extra}
            # Arguments first (as they are after the call), so that a result that is one of
            # them is sent as a reference to it. Callable arguments are not echoed back.
            encoder = wire.Encoder()
            encoder.omit_callables = True
            args_after = encoder.encode([args, kwargs])
            encoder.omit_callables = False
            encoded = encoder.encode(result)
        except wire.WireError as exc:
            return {"ok": False, "error": {"type": "TypeError", "message": str(exc),
                                           "traceback": ""}}
        except OutOfTime as exc:
            return out_of_time_reply(exc, self.labels)
        except BaseException as exc:
            return error_reply(exc, self.labels)
        return {"ok": True, "args": args_after, "value": encoded, **extra}


class _Snapshot:
    """The arguments of a call as they were before it: each container's items (by identity)
    and a copy of each array, so that a call that changed nothing is told cheaply."""

    def __init__(self):
        self.ids: set[int] = set()
        self.items: list[tuple[object, object]] = []   # (object, its state before the call)


def _snapshot(obj) -> _Snapshot:
    snap = _Snapshot()
    _record(obj, snap)
    return snap


def _record(obj, snap: _Snapshot) -> None:
    if id(obj) in snap.ids:
        return
    if isinstance(obj, np.ndarray):
        snap.ids.add(id(obj))
        snap.items.append((obj, obj.copy()))
    elif isinstance(obj, (list, tuple)):
        snap.ids.add(id(obj))
        snap.items.append((obj, list(obj) if isinstance(obj, list) else None))
        for item in obj:
            _record(item, snap)
    elif isinstance(obj, dict):
        snap.ids.add(id(obj))
        snap.items.append((obj, dict(obj)))
        for item in obj.values():
            _record(item, snap)


def _unchanged(obj, before: _Snapshot) -> bool:
    """True when no array, list or dict reachable from `obj` was changed since `before`."""
    after = _snapshot(obj)
    if after.ids != before.ids:
        return False
    for (now, _), (was, state) in zip(after.items, before.items):
        if now is not was:
            return False
        if isinstance(now, np.ndarray):
            if (now.shape != state.shape or now.dtype != state.dtype
                    or not np.array_equal(now, state, equal_nan=True)):
                return False
        elif isinstance(now, list):
            if len(now) != len(state) or any(a is not b for a, b in zip(now, state)):
                return False
        elif isinstance(now, dict):
            if now.keys() != state.keys() or any(now[k] is not state[k] for k in now):
                return False
    return True


def _shares(obj, ids: set[int], seen: set[int] | None = None) -> bool:
    """Whether `obj` is, or holds, one of the objects whose ids are `ids`."""
    seen = set() if seen is None else seen
    if id(obj) in ids:
        return True
    if id(obj) in seen:
        return False
    seen.add(id(obj))
    if isinstance(obj, (list, tuple)):
        return any(_shares(item, ids, seen) for item in obj)
    if isinstance(obj, dict):
        return any(_shares(item, ids, seen) for item in obj.values())
    return False


def limits_of(memory_bytes: int, count_processes: bool, memory_of_all: bool
              ) -> tuple[int, int | None]:
    """The address space of each process and the number of processes (None: not limited).

    With a memory cgroup (`memory_of_all`) the submission's limit holds all its processes in
    all: each may use all of it. Without, where processes are counted, SHARED_PROCESS_LIMIT
    processes get a share each; where they cannot be counted (the grader's own user, no user
    namespace) nothing bounds the processes in all (see the README)."""
    if memory_of_all or not count_processes:
        return memory_bytes, PROCESS_LIMIT if count_processes else None
    return memory_bytes // SHARED_PROCESS_LIMIT, SHARED_PROCESS_LIMIT


def limit_resources(memory_bytes: int, count_processes: bool = False,
                    memory_of_all: bool = False) -> None:
    """Limits of the child and everything it starts. The process count only where it counts
    the child's own processes (its own user namespace) or those of a user kept for student
    code: for the grader's own user it would count the grader's programs too."""
    address_space, processes = limits_of(memory_bytes, count_processes, memory_of_all)
    resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))
    if processes is not None:
        resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))
    resource.setrlimit(resource.RLIMIT_FSIZE, (OUTPUT_LIMIT, OUTPUT_LIMIT))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)   # an oversized write fails instead of killing


def serve(requests: int, replies: int, output: int, memory_bytes: int,
          count_processes: bool = False, memory_of_all: bool = False) -> None:
    """Answer requests until the grader closes the pipe; printed output goes to `output`."""
    os.dup2(output, 1)
    os.dup2(output, 2)
    sys.stdout = open(1, "w", encoding="utf-8", errors="replace", closefd=False,
                      buffering=1)
    sys.stderr = open(2, "w", encoding="utf-8", errors="replace", closefd=False,
                      buffering=1)
    limit_resources(memory_bytes, count_processes, memory_of_all)

    child = Child()
    while True:
        try:
            request = wire.receive(requests)
        except (wire.Closed, wire.WireError):
            os._exit(0)
        reply = child.handle(request)
        reply["id"] = request.get("id")   # the request it answers
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException:
                pass
        try:
            wire.send(replies, reply)
        except wire.WireError as exc:   # the result was too large to send
            wire.send(replies, {"ok": False, "id": request.get("id"),
                                "error": {"type": "ValueError", "message": str(exc),
                                          "traceback": ""}})
