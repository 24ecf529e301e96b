"""The values a student's function held in its own variables, statement by statement.

When an answer is wrong, the explainer calls the student's function once more with this module
watching (`watched_call`): after each statement of the student's code it notes every variable
that holds a new floating-point array (or number), with the line that made it. Those values are
compared with the right backward pass's, value by value, to say which of the student's own
variables is the first one wrong (checks/variables.py).

Shared by the grading child (which runs the student's code and sends the notes back as plain
data: names, line numbers and float64 arrays) and the checks (which run a notebook's functions
in their own process, in Jupyter and in nbgrader), so it imports nothing of the package.
"""
from __future__ import annotations

import ctypes
import sys
import threading
from contextlib import contextmanager
from typing import Any, Callable

import numpy as np

MAX_NOTES = 3000          # notes kept of one call (a long loop keeps its first ones)
MAX_ENTRIES = 400_000     # floats kept in all (3.2 MB: well within one message of the wire)
MAX_SIZE = 50_000         # entries of one array; a larger one is not noted
NAME_LIMIT = 80           # characters of a variable's or a function's name

_LOCAL = threading.local()


@contextmanager
def collecting(fix: tuple | None = None):
    """Within it, every call of a student's function through the checks (`core.call_student`,
    or the grader's stand-in for a function in the child) is watched; the notes are appended
    to the list it yields. `fix`: (call, variable, {j: value}): the j-th note of that
    variable in that call (counted from 0) is replaced by `value` in the student's frame,
    for each j given, and the code goes on from there (to see whether those values were the
    slip: one where it is set once, one per step where a loop sets it at every step)."""
    saved = (getattr(_LOCAL, "notes", None), getattr(_LOCAL, "fix", None),
             getattr(_LOCAL, "calls", 0))
    notes: list = []
    _LOCAL.notes, _LOCAL.fix, _LOCAL.calls = notes, fix, 0
    try:
        yield notes
    finally:
        _LOCAL.notes, _LOCAL.fix, _LOCAL.calls = saved


def calls_so_far() -> int:
    """How many calls of the student's functions the notes of this context count so far:
    the number the next watched call's first call gets (calls are numbered across every
    watched call of one context, in the child or not)."""
    return getattr(_LOCAL, "calls", 0)


def add_calls(n: int) -> None:
    _LOCAL.calls = calls_so_far() + max(0, int(n))


def collector() -> list | None:
    """The list that notes go to now, or None when nothing is being watched."""
    return getattr(_LOCAL, "notes", None)


def fixing() -> tuple | None:
    """The value to put in place of one note now (see collecting), or None."""
    return getattr(_LOCAL, "fix", None)


def _write_local(frame, name: str, value) -> None:
    """Set a local variable of a running frame (the value is seen by the code after it)."""
    frame.f_locals[name] = value
    to_fast = getattr(ctypes.pythonapi, "PyFrame_LocalsToFast", None)
    if to_fast is not None:      # (Python 3.13 and later write through f_locals itself)
        to_fast(ctypes.py_object(frame), ctypes.c_int(0))


def _value(v) -> np.ndarray | None:
    """A float64 copy of `v` when it is a real floating-point array or number, else None."""
    if isinstance(v, (float, np.floating)) and not isinstance(v, bool):
        return np.array(float(v))
    if isinstance(v, np.ndarray) and v.dtype.kind == "f" and 0 < v.size <= MAX_SIZE:
        return np.array(v, dtype=np.float64)
    return None


class _Watch:
    """The trace function of one watched call. A note is (call, function, line, variable,
    kind, value): `call` counts the calls of the student's functions from outside their
    code (0 for the first), kind
    "arg" for a parameter's value when the function is called, "set" for a variable's value
    after the statement on `line` ran (a new value or a changed one)."""

    def __init__(self, ours: Callable[[str], bool], fix: tuple | None = None,
                 first_call: int = 0):
        self.ours, self.fix = ours, fix
        self.counts: dict = {}      # (call, name) -> notes so far
        self.notes: list = []
        self.entries = 0
        self.first_call = self.calls = first_call
        # id(frame) -> [last line, {name: (its object, a copy of its value)}, call]
        self.frames: dict = {}

    def note(self, call: int, fn: str, line: int, name: str, kind: str,
             value: np.ndarray) -> None:
        if len(self.notes) >= MAX_NOTES or self.entries + value.size > MAX_ENTRIES:
            return
        self.entries += value.size
        self.notes.append((call, fn[:NAME_LIMIT], int(line), name[:NAME_LIMIT], kind, value))

    def look(self, frame, line: int, kind: str) -> None:
        _, seen, call = self.frames[id(frame)]
        fn = frame.f_code.co_name
        for name, v in list(frame.f_locals.items()):
            # a new value, or the same one bound anew (`h = h + 0`: a step whose value did
            # not change is a step all the same); the object is kept, so its id stays its own
            last_obj, last = seen.get(name, (None, None))
            if last is not None and last_obj is v and (
                    not isinstance(v, np.ndarray) or (last.shape == v.shape and
                                                      np.array_equal(last, v, equal_nan=True))):
                continue
            value = _value(v)
            if value is None:
                continue
            seen[name] = (v, value)
            self.note(call, fn, line, name, kind, value)
            j = self.counts.get((call, name), 0)
            self.counts[(call, name)] = j + 1
            if self.fix is not None and kind == "set" and self.fix[:2] == (call, name) \
                    and j in self.fix[2]:
                value = np.array(self.fix[2][j], dtype=np.float64)
                _write_local(frame, name, value)
                seen[name] = (value, value.copy())

    def __call__(self, frame, event, arg):     # the global trace function: new frames
        # the student's functions called from the outside only (a helper their function
        # calls is judged by what it returns to it)
        if event != "call" or not self.ours(frame.f_code.co_filename) or \
                (frame.f_back is not None and id(frame.f_back) in self.frames):
            return None
        self.frames[id(frame)] = [frame.f_lineno, {}, self.calls]
        self.calls += 1
        self.look(frame, frame.f_lineno, "arg")
        return self.local

    def local(self, frame, event, arg):
        state = self.frames.get(id(frame))
        if state is None:
            return None
        if event in ("line", "return"):
            self.look(frame, state[0], "set")     # what the statement just run did
            state[0] = frame.f_lineno
            if event == "return":
                del self.frames[id(frame)]
        return self.local


def watched_call(fn: Callable, args: tuple, kwargs: dict, ours: Callable[[str], bool],
                 fix: tuple | None = None, first_call: int = 0) -> tuple[Any, list, int]:
    """(fn(*args, **kwargs), the notes of its frames whose file `ours(filename)` accepts,
    the number of calls they were made in), with one value replaced when `fix` says so (see
    collecting); the calls are numbered from `first_call`.

    The student's code may stop the watch (sys.settrace is theirs too): then the notes
    are fewer, never wrong, and a fix is not made."""
    watch = _Watch(ours, fix, first_call)
    previous = sys.gettrace()
    sys.settrace(watch)
    try:
        result = fn(*args, **kwargs)
    finally:
        sys.settrace(previous)
    return result, watch.notes, watch.calls - watch.first_call


def checked_notes(obj: Any) -> list:
    """Notes that crossed the wire, as plain tuples; whatever is not a well-formed note is
    dropped (they come from the student's process)."""
    out: list = []
    if not isinstance(obj, list):
        return out
    entries = 0
    for item in obj[:MAX_NOTES]:
        if not (isinstance(item, (list, tuple)) and len(item) == 6):
            continue
        call, fn, line, name, kind, value = item
        if not (isinstance(fn, str) and isinstance(name, str) and kind in ("arg", "set")
                and all(isinstance(n, int) and not isinstance(n, bool) for n in (call, line))
                and isinstance(value, np.ndarray) and value.dtype == np.float64
                and value.size <= MAX_SIZE):
            continue
        entries += value.size
        if entries > MAX_ENTRIES:
            break
        out.append((call, fn[:NAME_LIMIT], line, name[:NAME_LIMIT], kind, value))
    return out


def checked_fix(obj: Any) -> tuple | None:
    """A fix that crossed the wire, or None when it is not one."""
    if not (isinstance(obj, (list, tuple)) and len(obj) == 3):
        return None
    call, name, values = obj
    if not (isinstance(call, int) and not isinstance(call, bool) and isinstance(name, str)
            and isinstance(values, dict) and len(values) <= MAX_NOTES):
        return None
    for j, value in values.items():
        if not (isinstance(j, int) and not isinstance(j, bool)
                and isinstance(value, np.ndarray) and value.dtype == np.float64
                and value.size <= MAX_SIZE):
            return None
    return call, name, values
