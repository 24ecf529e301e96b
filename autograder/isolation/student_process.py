"""Running student code: a fresh child per submission, with limits, and proxies to call it.

The grader never runs student code itself. `StudentProcess` asks the launcher's zygote for a
child, loads the submission's cells into it one at a time (a cell that hangs or kills the
process is left out for good and the rest still load), and calls its functions with a
deadline. A child that hangs, crashes or exits is ended with everything it started and
replaced on the next call.

Time is counted twice. Each test has its time limit for the calls it makes, and (re)loading
the cells is never part of it. The whole submission (every load, reload and call) has a
budget: once it is spent, every call fails at once, so no submission holds a worker longer
than its budget, however many cells and tests it makes slow.
"""
from __future__ import annotations

import inspect
import os
import re
import signal
import tempfile
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import wire
from .. import watch
from ..errors import StudentCodeError
from .launcher import Launcher, LauncherError
from .child import OUT_OF_TIME

OUTPUT_KEPT = 2000   # characters of a test's printed output kept in its report
EXIT_GRACE = 1.0     # seconds a child that closed its pipes gets to report how it ended


class GradingInterrupted(BaseException):
    """Student code ran out of time or took its process down.

    A BaseException, so that checks (which turn a student's exceptions into messages)
    let it through to the engine.
    """

    def __init__(self, status: str, message: str, ended: bool = False, where: str = ""):
        self.status, self.message = status, message
        self.ended = ended   # the process ended (or never started) without a timeout
        self.where = where   # a timeout: the student's lines that were running (their frames)
        super().__init__(message)


BUDGET_TIMEOUTS = 10     # at most this many time limits per submission, by default
RESTART_ALLOWANCE = 0.5  # seconds per time limit in the default budget, to start a process
# Seconds the grader waits past a time limit for the child's own timer to interrupt the
# student's code and say which line was running; then it ends the child in any case.
TIME_UP_GRACE = 0.25


@dataclass
class Limits:
    timeout: float = 5.0          # seconds for one test (all the calls it makes)
    memory_mb: int = 1024         # address-space limit of the child
    budget: float | None = None   # seconds for a whole submission; None: default_budget()

    def budget_for(self, tests: int) -> float:
        return self.budget if self.budget is not None else default_budget(tests, self.timeout)


def default_budget(tests: int, timeout: float) -> float:
    """A submission's time budget: a time limit and the start of a new process for each test
    and for loading its cells, but never more than BUDGET_TIMEOUTS of them."""
    return (timeout + RESTART_ALLOWANCE) * min(tests + 1, BUDGET_TIMEOUTS)


_BUDGET_SPENT = "grading time budget of "


def budget_message(budget: float) -> str:
    return (f"{_BUDGET_SPENT}{budget:g} s spent (the whole submission's time: loading its "
            f"cells and every test; see --budget)")


def spent_budget(message: str) -> bool:
    """Whether a test's message says the submission's budget stopped it."""
    return message.startswith(_BUDGET_SPENT)


class StudentProcess:
    def __init__(self, cells: list[tuple[str, str]], limits: Limits, launcher: Launcher):
        self.cells = list(cells)
        self.limits = limits
        self.launcher = launcher
        self.cell_errors: dict[str, str] = {}     # label -> why the cell did not load
        self._fatal: set[str] = set()             # cells that hang or end the process: skipped
        self.deadline: float | None = None     # the current test's, moved on by loading time
        self.budget: float | None = None       # seconds for the whole submission
        self.budget_deadline: float | None = None   # set by start_budget()
        self.load_timeouts: list[str] = []     # cells that ran out of time while loading
        self.left_out: dict[str, str] = {}     # names of the student's cells not run, and why
        # which cells grading runs, in the grading plan's words (grading.py says)
        self.graded_cells = "the answer cells"
        self._pid: int | None = None
        self._fds: tuple[int, int] | None = None
        self._requests = 0   # requests sent: each one's id
        # a child that was given a value to put in place of one of its variables (watch.py:
        # a right value of the check's, to explain a test that has already failed) answers
        # no ordinary call after it: the next one starts a new child
        self._given_a_value = False
        # The children print into a file without a name (the grader reads it by descriptor),
        # so student code has nothing to replace with a link to a file it should not see.
        self._output, path = tempfile.mkstemp(prefix="backprop-output-")
        os.unlink(path)
        self._output_offset = 0

    # ------------------------------------------------------------ life cycle

    def _spawn(self) -> None:
        try:
            self._pid, req_w, rep_r = self.launcher.spawn(self.limits.memory_mb * 1024 * 1024,
                                                          self._output)
        except LauncherError as exc:
            raise GradingInterrupted("error", f"the student process could not be started "
                                              f"({exc})", ended=True) from None
        os.set_blocking(req_w, False)   # sending, too, must respect the deadline
        self._fds = (req_w, rep_r)

    def _end(self, grace: float = 0.0) -> int | None:
        """End the child and all it started; its exit code if it exited by itself."""
        code = None
        if self._pid is not None:
            code = self.launcher.end(self._pid, grace)
            self._pid = None
        if self._fds is not None:
            for fd in self._fds:
                os.close(fd)
            self._fds = None
        return code

    def kill(self) -> None:
        self._end()

    def close(self) -> None:
        self._end()
        if self._output >= 0:
            os.close(self._output)
            self._output = -1

    def start_budget(self, seconds: float) -> None:
        """From now on, everything this submission's code does must end within `seconds`."""
        self.budget = seconds
        self.budget_deadline = time.monotonic() + seconds

    def budget_spent(self) -> bool:
        return self.budget_deadline is not None and time.monotonic() >= self.budget_deadline

    def _within_budget(self, deadline: float) -> float:
        return deadline if self.budget_deadline is None else min(deadline, self.budget_deadline)

    def _out_of_budget(self) -> GradingInterrupted:
        return GradingInterrupted("timeout", budget_message(self.budget))

    def __enter__(self) -> "StudentProcess":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _ensure_loaded(self) -> float:
        """Start a child if needed and run every cell that has not proved fatal; seconds spent.

        A cell that runs out of its time limit or ends the process is left out for good: the
        next child (after a timeout or a crash in a test) loads without it. The budget bounds
        the rest, such as many cells that each run just under the limit at every reload.
        """
        start = time.monotonic()
        while self._pid is None:
            if self.budget_spent():
                raise self._out_of_budget()
            self._spawn()
            for label, source in self.cells:
                if label in self._fatal:
                    continue
                limit = time.monotonic() + self.limits.timeout
                try:
                    reply = self._request({"op": "exec", "label": label, "source": source},
                                          self._within_budget(limit), timed=True)
                except GradingInterrupted as exc:
                    if exc.status == "timeout" and self._budget_stopped(limit):
                        raise self._out_of_budget() from None   # the budget, not the cell
                    self._fatal.add(label)
                    self.cell_errors[label] = f"{exc.message} while the cell ran" + (
                        f", at\n{exc.where}" if exc.where else "")
                    if exc.status == "timeout":
                        self.load_timeouts.append(label)
                    break   # the child is gone: start again without this cell
                if not reply.get("ok"):
                    err = reply.get("error") or {}
                    self.cell_errors[label] = (f"{err.get('type')}: {err.get('message')}\n"
                                               f"{err.get('traceback', '')}").rstrip()
        return time.monotonic() - start

    # ------------------------------------------------------------ requests

    def _budget_stopped(self, deadline: float) -> bool:
        """Whether a timeout at `deadline` (a test's or a cell's) was the budget's doing."""
        return self.budget_deadline is not None and self.budget_deadline < deadline

    def _request(self, message: dict, deadline: float, timed: bool = False) -> dict:
        """Send `message`, return the child's reply to it, waiting until `deadline`.

        Each request has an id the reply must carry: a reply that student code wrote on the
        pipe, and the real one it leaves behind, answer no later request (the child is
        replaced at the first mismatch). `timed`: the student's code runs in it, and the child
        stops it itself at `deadline` to say where it was (the grader waits TIME_UP_GRACE
        more, then ends the child in any case)."""
        req_w, rep_r = self._fds
        self._requests += 1
        message = {**message, "id": self._requests}
        wait = deadline
        try:
            if timed:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise wire.Timeout()
                message = dict(message, seconds=left)
                wait = deadline + TIME_UP_GRACE
            wire.send(req_w, message, wait)
            reply = wire.receive(rep_r, wait)
            if reply.get("id") != message["id"]:
                raise wire.WireError("a reply to another request")
            if reply.get("error"):   # its text cut at the wire's limits
                reply["error"] = wire.checked_error(reply["error"])
            error = reply.get("error") or {}
            if not isinstance(error, dict):
                raise wire.WireError("malformed error")
            if timed and not reply.get("ok") and error.get("type") == OUT_OF_TIME:
                self.kill()
                raise GradingInterrupted("timeout", self._time_limit_message(),
                                         where=str(error.get("traceback", "")).rstrip())
            if timed and time.monotonic() > deadline:
                raise wire.Timeout()   # an answer after the limit is no answer in time
            return reply
        except wire.Timeout:
            self.kill()
            raise GradingInterrupted("timeout", self._time_limit_message()) from None
        except (wire.Closed, BrokenPipeError, OSError):
            code = self._end(EXIT_GRACE)
            raise GradingInterrupted("error", describe_exit(code), ended=True) from None
        except wire.WireError as exc:
            self.kill()
            raise GradingInterrupted("error", f"the student process sent an invalid reply ({exc})"
                                     ) from None

    def call(self, name: str, args: tuple, kwargs: dict) -> Any:
        if self.budget_spent():
            self.kill()
            raise self._out_of_budget()
        notes = watch.collector()     # the explainer watches this call's variables
        fix = watch.fixing() if notes is not None else None
        if self._given_a_value and notes is None:
            self.kill()
            self._given_a_value = False
        loading = self._ensure_loaded()
        if self.deadline is not None:
            self.deadline += loading   # (re)loading the cells is never the test's time
            deadline = self.deadline
        else:
            deadline = time.monotonic() + self.limits.timeout
        payload = wire.encode([list(args), kwargs], allow_callables=True)
        request = {"op": "call", "name": name, "payload": payload}
        if notes is not None:
            request["watch"] = True
            request["first_call"] = watch.calls_so_far()
            if fix is not None:
                request["fix"] = wire.encode(list(fix))
                self._given_a_value = True
        try:
            reply = self._request(request, self._within_budget(deadline), timed=True)
        except GradingInterrupted as exc:
            if exc.status == "timeout" and self._budget_stopped(deadline):
                raise self._out_of_budget() from None
            if exc.status == "timeout":
                exc.message = (f"{exc.message}: `{name}` had not returned when the test's "
                               "time ran out (one limit for all the calls a test makes to "
                               "your functions)")
                exc.args = (exc.message,)
            raise
        if not reply.get("ok"):
            err = reply.get("error") or {}
            message = str(err.get("message", ""))
            if err.get("type") == "NameError":
                message += self._why_missing(name, message)
            raise StudentCodeError(name, str(err.get("type", "Error")), message,
                                   str(err.get("traceback", "")))
        if notes is not None:
            try:      # only plain data; a malformed note is dropped, never trusted
                notes.extend(watch.checked_notes(wire.Decoder().decode(reply.get("watched"))))
            except (wire.WireError, ValueError, TypeError):
                pass
            calls = reply.get("calls")
            watch.add_calls(calls if isinstance(calls, int) and 0 <= calls < 10**6 else 0)
        try:
            decoder = wire.Decoder()   # one decoder: the result may refer to the arguments
            if "args" not in reply:
                raise wire.WireError("a reply without its arguments")
            if reply["args"] is None:   # the call changed no argument and returns none
                return decoder.decode(reply.get("value"))
            args_after, kwargs_after = decoder.decode(reply.get("args"))
            result = decoder.decode(reply.get("value"))
            return _apply_effects(name, args, kwargs, args_after, kwargs_after, result)
        except (wire.WireError, ValueError, TypeError, KeyError) as exc:
            self.kill()
            raise GradingInterrupted("error", f"the student process sent an invalid reply ({exc})"
                                     ) from None

    def _time_limit_message(self) -> str:
        return f"time limit exceeded ({self.limits.timeout:g} s)"

    def _why_missing(self, name: str, message: str = "") -> str:
        """Why a name is not defined in the child: `name` the called function; `message` the
        NameError's, which names another (a helper) when the function's own code needs it."""
        found = re.match(r"name '([A-Za-z_]\w*)' is not defined", message)
        missing = found.group(1) if found else name
        for label, error in self.cell_errors.items():
            if f"`{missing}`" in label:   # the error's first line; its lines of code below
                first, _, rest = error.partition("\n")
                return f" (its cell failed to run: {first})" + (f"\n{rest}" if rest else "")
        if missing == name:
            return " (renamed or deleted?)"
        if missing in self.left_out:
            return (f" (`{missing}` is defined in a cell of yours that grading does not run: "
                    f"{self.left_out[missing]})")
        return (f" (no cell that grading runs defines `{missing}`: grading runs "
                f"{self.graded_cells})")

    def take_output(self) -> str:
        """What the student's code printed since the last call of this method (truncated)."""
        size = os.fstat(self._output).st_size
        if size <= self._output_offset:
            return ""
        data = os.pread(self._output, OUTPUT_KEPT, self._output_offset)
        truncated = size - self._output_offset > OUTPUT_KEPT
        self._output_offset = size
        text = data.decode("utf-8", "replace")
        return text + "\n[... output truncated]" if truncated else text


def describe_exit(code: int | None) -> str:
    # said to the student (their feedback): "your code", as the checks' messages say
    if code is None:
        return "the process running your code stopped answering"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        if name == "SIGSEGV":
            return "the process running your code crashed (segmentation fault)"
        if name == "SIGKILL":
            return "the process running your code was killed (memory or process limits?)"
        return f"the process running your code was ended by {name}"
    return f"your code ended its process (exit code {code})"


class StudentFunction:
    """Stands in the grader for one student function; calling it calls into the child."""

    def __init__(self, process: StudentProcess, name: str, parameters: tuple[str, ...] = ()):
        self._process = process
        self.__name__ = self.__qualname__ = name
        # the documented signature, so that checks can name the arguments in their messages
        self.__signature__ = inspect.Signature(
            [inspect.Parameter(p, inspect.Parameter.POSITIONAL_OR_KEYWORD) for p in parameters])

    def __call__(self, *args, **kwargs):
        return self._process.call(self.__name__, args, kwargs)

    def __repr__(self) -> str:
        return f"<student function {self.__name__}>"


# ---------------------------------------------------------------- in-place effects

def _apply_effects(name, args, kwargs, args_after, kwargs_after, result):
    """Make the grader's arguments show what the call did to the child's copies.

    Then a result that was one of the arguments in the child is that argument here too.
    """
    if not isinstance(args_after, list) or len(args_after) != len(args) or \
            not isinstance(kwargs_after, dict) or kwargs_after.keys() != kwargs.keys():
        raise wire.WireError("arguments came back malformed")
    stands_for: dict[int, Any] = {}
    for orig, new in zip(args, args_after):
        _mirror(name, orig, new, stands_for)
    for key in kwargs:
        _mirror(name, kwargs[key], kwargs_after[key], stands_for)
    return _substitute(result, stands_for, set())


def _mirror(name: str, orig: Any, new: Any, stands_for: dict[int, Any]) -> Any:
    if isinstance(orig, np.ndarray) and isinstance(new, np.ndarray):
        if orig.shape != new.shape or orig.dtype != new.dtype:
            raise StudentCodeError(name, "ValueError", "changed the shape or dtype of one of its "
                                   "input arrays in place; inputs must not be modified")
        if not np.array_equal(orig, new, equal_nan=True):
            np.copyto(orig, new)
        kept = orig
    elif isinstance(orig, list) and isinstance(new, list):
        orig[:] = [_mirror(name, o, n, stands_for) for o, n in zip(orig, new)] + \
            [_substitute(n, stands_for, set()) for n in new[len(orig):]]
        kept = orig
    elif isinstance(orig, dict) and isinstance(new, dict):
        updated = {k: _mirror(name, orig[k], v, stands_for) if k in orig
                   else _substitute(v, stands_for, set()) for k, v in new.items()}
        orig.clear()
        orig.update(updated)
        kept = orig
    elif isinstance(orig, tuple) and isinstance(new, tuple) and len(orig) == len(new):
        for o, n in zip(orig, new):
            _mirror(name, o, n, stands_for)
        kept = orig
    else:   # numbers, strings, callables (not echoed back): nothing to mirror or refer to
        return orig if new is None and callable(orig) else new
    stands_for[id(new)] = kept
    return kept


def _substitute(obj: Any, stands_for: dict[int, Any], seen: set[int]) -> Any:
    if id(obj) in stands_for:
        return stands_for[id(obj)]
    if id(obj) in seen:
        return obj
    if isinstance(obj, tuple):
        return tuple(_substitute(v, stands_for, seen) for v in obj)
    if isinstance(obj, list):
        seen.add(id(obj))
        obj[:] = [_substitute(v, stands_for, seen) for v in obj]
    elif isinstance(obj, dict):
        seen.add(id(obj))
        for key in obj:
            obj[key] = _substitute(obj[key], stands_for, seen)
    return obj
