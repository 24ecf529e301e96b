"""The building blocks every assignment's checks are made of.

Checks call student functions, compare what comes back with ground truth from
trusted forward passes (numerical or complex-step derivatives), and raise
`CheckFailure` with a message a student can act on: which output, how far off,
where, and the usual cause. They run unchanged in nbgrader's kernel (on the
real functions) and in the grader (on proxies to a child process).
"""
from __future__ import annotations

import copy
import functools
import hashlib
import inspect
import itertools
import linecache
import re
import signal
import sys
import sysconfig
import threading
import time
import traceback as traceback_module
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import numpy as np

from .. import watch
# What a student's function raised: the grader's proxies raise it too (isolation/), so it lives
# below both; the checks name it from here as they always have.
from ..errors import MessageOnly as _MessageOnly  # noqa: F401
from ..errors import StudentCodeError, StudentInterrupted, describe_student_error  # noqa: F401

# A correct float64 gradient lands near 1e-8 against these references; a 3% error is far above.
DEFAULT_TOL = 1e-6


class CheckFailure(_MessageOnly, AssertionError):
    """A student's function gave a wrong or malformed answer; the message says what to fix.

    `cause_ids`: the stable ids of the causes the message names as likely (see `cause_ids`),
    given by the check that chose them or, by default, read from the message's
    "  Likely cause: " lines; the class report counts students by them."""

    def __init__(self, message: str = "", cause_ids: Sequence[str] | None = None):
        super().__init__(message)
        if cause_ids is None:
            cause_ids = [i for line in str(message).split("\n")
                         if line.startswith(_LIKELY)
                         for i in cause_ids_of(line[len(_LIKELY):], _choosing_frames())]
        self.cause_ids = list(dict.fromkeys(cause_ids))


def describe_value(value: Any, depth: int = 0) -> str:
    """A short description of an argument: an array's shape and dtype, a tuple's items."""
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape} ({value.dtype})"
    if isinstance(value, (tuple, list)) and depth < 2:
        items = ", ".join(describe_value(v, depth + 1) for v in value[:6])
        more = ", ..." if len(value) > 6 else ""
        return f"{type(value).__name__} of {len(value)}: ({items}{more})"
    if isinstance(value, dict) and depth < 2:
        items = ", ".join(f"{k!r}: {describe_value(v, depth + 1)}"
                          for k, v in list(value.items())[:6])
        more = ", ..." if len(value) > 6 else ""
        return f"dict {{{items}{more}}}"
    if isinstance(value, (bool, int, float, np.number)):
        return f"{type(value).__name__} {value!r}"
    return type(value).__name__


def describe_arguments(fn: Callable, args: Sequence[Any], kwargs: dict) -> str:
    """`dout` = array of shape (4, 5) (float64), ...: what a student function was called with."""
    names = _parameter_names(fn)
    parts = [f"`{names[i]}` = " if i < len(names) else f"argument #{i + 1} = "
             for i in range(len(args))]
    described = [p + describe_value(a) for p, a in zip(parts, args)]
    described += [f"`{k}` = {describe_value(v)}" for k, v in kwargs.items()]
    return "; ".join(described)


_LIBRARY_DIRS = tuple(str(Path(p).resolve()) for p in {
    sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["purelib"],
    sysconfig.get_paths()["platlib"], str(Path(__file__).resolve().parent.parent)})


def _cell_name(filename: str) -> str | None:
    """'Cell In[3]' for the file IPython compiled a notebook cell into, else None."""
    shell = sys.modules.get("IPython") and sys.modules["IPython"].get_ipython()
    compiler = getattr(shell, "compile", None)
    name = getattr(compiler, "format_code_name", lambda _: None)(filename)
    return f"{name[0]} {name[1]}" if name else None


@functools.lru_cache(maxsize=4096)
def _students_file(filename: str) -> bool:
    """True for a file of the student's code: a notebook cell (IPython's cell file, or the
    label a cell was compiled under), or any file outside the standard library, site-packages
    and the autograder package."""
    if _cell_name(filename) is not None:
        return True
    if filename.startswith("<"):
        return not filename.startswith("<frozen")
    return not str(Path(filename).resolve()).startswith(_LIBRARY_DIRS)


def student_frames(tb) -> str:
    """The student's own frames of a traceback, one line each: where, then the statement.

    Frames of notebook cells (IPython's cell files) are the student's; so is any other file
    outside the standard library, site-packages and the autograder package.
    """
    lines = []
    for frame in traceback_module.extract_tb(tb):
        cell = _cell_name(frame.filename)
        if cell is None:
            path = str(Path(frame.filename).resolve()) if not frame.filename.startswith("<") \
                else ""
            if not path or path.startswith(_LIBRARY_DIRS):
                continue
        where = f"{cell}, line {frame.lineno}" if cell else \
            f"File {frame.filename}, line {frame.lineno}"
        lines.append(f"  {where}, in {frame.name}:")
        if frame.line:
            lines.append(f"    {frame.line.strip()}")
    return "\n".join(lines[-12:])


@dataclass(frozen=True)
class Hint:
    """A named usual mistake: `matches(actual)` is True when the student's answer looks like it.

    `lazy_cause`, when given, replaces both: it is asked only when the answer is wrong and
    returns the verified cause or None (see `Diagnosis`)."""

    cause: str
    matches: Callable[[np.ndarray], bool]
    lazy_cause: Callable[[], str | None] | None = None


# ---------------------------------------------------------------- stable ids of causes

_LIKELY = "  Likely cause: "
_CHECKS_PACKAGE = __name__.rpartition(".")[0]   # backprop_lab.checks
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
# Causes formatted from parts (a subset of a fork's paths, two slips at once, an output's
# name): one id per family, or the ids of the parts.
_FAMILIES = (
    (re.compile(r"^d(\w+) is missing the contribution that flows back through "),
     "fork_overwritten_d{0}"),
    (re.compile(r"carries float32 precision: every entry is exactly a float32"),
     "float32_precision"),
)
_TWO_PARTS = re.compile(r"^two slips\. First, (.+?) Second, (stage \d.*)$", re.S)


class Cause(str):
    """A cause's sentence that declares its own id: `Cause(text, slug)`.

    For a cause built from data (a stage and a slip, the same mistake worded for two
    checks), where neither the name of a module constant nor the words of the sentence make
    a short id that is the same for the same mistake and different for another. The id is
    `<assignment>.<slug>`; the checks module's `TITLES` (slug -> title) gives its title. A
    Cause formatted or joined to other text is a plain str again (and loses its slug)."""

    slugs: tuple

    def __new__(cls, text: str, *slugs: str):
        """`slugs`: one, or one per mistake for a sentence that names two at once."""
        if not slugs or not all(re.fullmatch(r"[a-z][a-z0-9_]*", s) for s in slugs):
            raise ValueError(f"a cause's slug is lower-case words joined by '_': {slugs!r}")
        obj = super().__new__(cls, text)
        obj.slugs = tuple(slugs)
        return obj


def _choosing_frames() -> list:
    """The frames of an assignment's checks module on the stack, innermost first.

    Not this module's, nor a shared helper's (a module that sets `SHARED_HELPER = True`:
    the exactness gate that wraps every backward check, the explainer): a cause belongs to
    the assignment whose check named it, whichever helper wraps or serves the check, so
    that one mistake keeps one id."""
    frames, frame = [], sys._getframe(1)
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if module.startswith(_CHECKS_PACKAGE + ".") and module != __name__ \
                and frame.f_globals.get("SHARED_HELPER") is not True:
            frames.append(frame)
        frame = frame.f_back
    return frames


def cause_ids_of(text: str, frames: Sequence = ()) -> list[str]:
    """The stable ids of a named cause: `<assignment>.<slug>`.

    The assignment is the checks module the test called (the outermost of `frames`, else
    "checks"). The slug is, in this order: the one a `Cause` declares (a slip inside a stage,
    `<id>.stage7_inverse_sign`; a sentence naming two slips gives the ids of both); the
    family of a cause formatted from parts (`<id>.fork_overwritten_dx` whichever paths were
    lost); the name of the module constant that holds the text (`<id>.step_no_deriv`); else
    the sentence's first six words, numbers left out, so that a cause quoting the case's
    numbers gets the same id on every seed and student. Never a hash: an id is read by
    people (the class report's headline), and the same mistake worded alike by two checks
    is one misconception.
    """
    modules = [f.f_globals for f in frames]
    assignment = modules[-1]["__name__"].rpartition(".")[2] if modules else "checks"
    if isinstance(text, Cause):
        return [f"{assignment}.{slug}" for slug in text.slugs]
    text = str(text).strip()
    parts = _TWO_PARTS.match(text)
    if parts:
        return [i for part in parts.groups() for i in cause_ids_of(part, frames)]
    for pattern, family in _FAMILIES:
        found = pattern.search(text)
        if found:
            return [f"{assignment}." + family.format(*found.groups())]
    for namespace in modules:
        for name, value in namespace.items():
            if isinstance(value, str) and value == text and name.lstrip("_").isupper():
                if isinstance(value, Cause):
                    return [f"{assignment}.{slug}" for slug in value.slugs]
                return [f"{assignment}.{name.lstrip('_').lower()}"]
    for namespace in modules:       # a constant formatted with the case's names or numbers
        for name, value in namespace.items():
            if isinstance(value, str) and "{" in value and name.lstrip("_").isupper() \
                    and len(re.sub(r"\{[^{}]*\}", "", value)) >= 20 \
                    and _template(value).fullmatch(text):
                return [f"{assignment}.{name.lstrip('_').lower()}"]
    return [f"{assignment}." + "_".join(_words(text)[:_SLUG_WORDS])]


@functools.lru_cache(maxsize=512)
def _template(text: str) -> re.Pattern:
    """A format string as a pattern: each `{field}` matches any text."""
    parts = re.split(r"\{[^{}]*\}", text.strip())
    return re.compile(".+?".join(re.escape(p) for p in parts), re.S)


_SLUG_WORDS = 6


def named_cause_ids(cause: str) -> list[str]:
    """The ids of a cause a check names in a message it builds itself (a `Cause` keeps
    the slug it declares): pass them as CheckFailure's `cause_ids`."""
    return cause_ids_of(cause, _choosing_frames())


def _words(text: str) -> list[str]:
    """The words of a cause's sentence, numbers and symbols left out."""
    return re.findall(r"[a-z]+", _NUMBER.sub(" ", str(text).lower())) or ["cause"]


# ---------------------------------------------------------------- calling student code

def call_student(fn: Callable, *args, **kwargs) -> Any:
    """Call a student's function, turning any exception into a StudentCodeError.

    A product whose shapes don't fit gets a note: the student's line and the shapes.
    """
    name = getattr(fn, "__name__", repr(fn))
    try:
        notes = watch.collector()
        if notes is not None and inspect.isfunction(fn):   # (a stand-in for a function in
            # the grading child asks the child to watch it)
            result, seen, calls = watch.watched_call(
                fn, args, kwargs, _students_file, watch.fixing(), watch.calls_so_far())
            notes.extend(seen)
            watch.add_calls(calls)
            return result
        return fn(*args, **kwargs)
    except StudentCodeError as exc:   # from the grader's proxy: add what the function received
        if exc.kind == "NotImplementedError":
            raise
        note = product_shape_note(exc.kind, exc.message, exc.traceback)
        if note:
            exc = StudentCodeError(exc.function, exc.kind, exc.message + "\n" + note,
                                   exc.traceback, exc.arguments)
        raise exc.with_arguments(describe_arguments(fn, args, kwargs)) from None
    except StudentInterrupted:
        raise
    except KeyboardInterrupt as exc:  # stopped in Jupyter: where their code was, not our frames
        raise StudentInterrupted(name, student_frames(exc.__traceback__)) from None
    except Exception as exc:  # the student's bug, reported as such
        if isinstance(exc, NotImplementedError):
            raise StudentCodeError(name, type(exc).__name__, str(exc),
                                   student_frames(exc.__traceback__)) from None
        line, shapes = _last_student_frame(exc)
        note = product_shape_note(type(exc).__name__, str(exc), "", line=line, shapes=shapes)
        message = str(exc) + ("\n" + note if note else "")
        raise StudentCodeError(name, type(exc).__name__, message,
                               student_frames(exc.__traceback__),
                               describe_arguments(fn, args, kwargs)) from None


def _last_student_frame(exc: BaseException) -> tuple[str, dict]:
    """The source line of the innermost Python frame of a traceback, and the shapes of the
    arrays that frame held (name -> shape)."""
    tb = exc.__traceback__
    if tb is None:
        return "", {}
    while tb.tb_next is not None:
        tb = tb.tb_next
    try:
        frame = tb.tb_frame
        line = linecache.getline(frame.f_code.co_filename, tb.tb_lineno).strip()
        shapes = {k: v.shape for k, v in frame.f_locals.items() if isinstance(v, np.ndarray)}
    except Exception:
        return "", {}
    return line, shapes


def product_shape_note(kind: str, message: str, traceback: str = "", *, line: str = "",
                       shapes: dict | None = None) -> str:
    """For a matrix product whose inner sizes differ: the student's line, the shapes (as
    far as they are known) and, only when it is verified from those shapes, that a
    transpose of one operand would fit. Empty for any other error."""
    if kind != "ValueError":
        return ""
    dot = re.search(r"shapes \(([\d, ]*)\) and \(([\d, ]*)\) not aligned", message)
    mm = re.search(r"matmul: .*mismatch.*\(size (\d+) is different from (\d+)\)", message)
    if not (dot or mm):
        return ""
    if not line and traceback:
        code = [ln.strip() for ln in traceback.splitlines()   # not the ~~^~~ marker lines
                if ln.startswith("    ") and not ln.strip().startswith("File ")
                and not set(ln.strip()) <= set("~^ ")]
        line = code[-1] if code else ""
    where = f"in your line `{line}`" if line else "in a matrix product"
    operands = _product_operands(line, shapes or {})
    if operands is not None:
        (na, sa), (nb, sb) = operands
    elif dot:
        sa, sb = (tuple(int(v) for v in dot.group(g).split(",") if v.strip())
                  for g in (1, 2))
        na, nb = "the left operand", "the right operand"
    else:
        return (f"The shapes don't fit {where}: the inner sizes of a product A @ B must "
                f"be equal (numpy found {mm.group(2)} and {mm.group(1)}). Write down the "
                "shape of each operand of that product.")
    text = (f"The shapes don't fit {where}: {na} has shape {sa} and {nb} has shape {sb}; "
            "a product A @ B needs A's last size to equal B's first.")
    fits = []
    if len(sa) == 2 and len(sb) >= 1 and sa[0] == (sb[0] if len(sb) == 1 else sb[-2]):
        fits.append(f"{_t(na)} @ {nb}" if operands else "transposing the left operand")
    if len(sb) == 2 and sa[-1] == sb[1]:
        fits.append(f"{na} @ {_t(nb)}" if operands else "transposing the right operand")
    if fits:
        text += " Likely cause: a missing transpose; " + " or ".join(fits) + " would fit."
    return text


def _t(name: str) -> str:
    return f"{name}.T" if name.isidentifier() else f"({name}).T"


def _product_operands(line: str, shapes: dict):
    """((name, shape), (name, shape)) of the one product `a @ b` / `np.dot(a, b)` /
    `a.dot(b)` in `line` whose inner sizes differ, when both operands are plain names of
    arrays whose shapes are known; else None."""
    name = r"([A-Za-z_][A-Za-z_0-9]*(?:\.T)?)"
    pairs = re.findall(name + r"\s*@\s*" + name, line)
    pairs += re.findall(r"np\.(?:dot|matmul)\(\s*" + name + r"\s*,\s*" + name + r"\s*\)", line)
    pairs += re.findall(name + r"\.dot\(\s*" + name + r"\s*\)", line)
    found = []
    for a, b in pairs:
        sa, sb = _shape_of(a, shapes), _shape_of(b, shapes)
        if sa is None or sb is None or not sa or not sb:
            continue
        inner_b = sb[0] if len(sb) == 1 else sb[-2]
        if sa[-1] != inner_b:
            found.append(((a, sa), (b, sb)))
    return found[0] if len(found) == 1 else None


def _shape_of(name: str, shapes: dict):
    if name.endswith(".T"):
        s = shapes.get(name[:-2])
        return None if s is None else tuple(reversed(s))
    s = shapes.get(name)
    return None if s is None else tuple(s)


def call_and_check_inputs(fn: Callable, *args, in_place: Callable[[int, str], str | None]
                          | None = None, **kwargs) -> Any:
    """Call `fn` and fail if it modified any of its array, tuple, list or dict arguments: the
    in-place detector of every graded function. `in_place(i, where)`, when given, may word
    the message for argument #i (0-based) changed at `where` ('' or '[2]'); None keeps
    the general one."""
    before = [copy.deepcopy(a) for a in args]
    before_kw = {k: copy.deepcopy(v) for k, v in kwargs.items()}
    result = call_student(fn, *args, **kwargs)
    name = getattr(fn, "__name__", "the function")
    parameters = _parameter_names(fn)
    for i, (old, new) in enumerate(zip(before, args)):
        where = _first_difference(old, new)
        if where is not None:
            worded = in_place(i, where) if in_place is not None else None
            if worded:
                raise CheckFailure(worded)
            named = f" (`{parameters[i]}{where}`)" if i < len(parameters) else ""
            raise CheckFailure(
                f"`{name}` modified its argument #{i + 1}{where}{named}. A backward pass must "
                "not change its inputs (upstream gradients, caches): the caller still needs them. "
                "Work on copies (`x.copy()`, `np.zeros_like(x)`) instead of `+=` / `*=` / slice "
                "assignment into an argument.")
    for key, old in before_kw.items():
        where = _first_difference(old, kwargs[key])
        if where is not None:
            raise CheckFailure(f"`{name}` modified its argument `{key}`{where}; work on a copy.")
    return result


def _parameter_names(fn: Callable) -> list[str]:
    try:
        parameters = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return []
    return [p.name for p in parameters
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]


def _first_difference(old: Any, new: Any, path: str = "") -> str | None:
    """Where `new` differs from the snapshot `old` (a path such as '[2]', '' for all), or None."""
    if isinstance(old, np.ndarray):
        if (not isinstance(new, np.ndarray) or old.shape != new.shape
                or not np.array_equal(old, new, equal_nan=True)):
            return path
        return None
    if isinstance(old, (tuple, list)):
        if not isinstance(new, type(old)) or len(old) != len(new):
            return path
        for i, (a, b) in enumerate(zip(old, new)):
            found = _first_difference(a, b, f"{path}[{i}]")
            if found is not None:
                return found
        return None
    if isinstance(old, dict):
        if not isinstance(new, dict) or old.keys() != new.keys():
            return path + " (its keys)"
        for k in old:
            found = _first_difference(old[k], new[k], f"{path}[{k!r}]")
            if found is not None:
                return found
        return None
    return None


# ---------------------------------------------------------------- shapes, types, values

def unpack(fn_name: str, result: Any, names: Sequence[str]) -> tuple:
    """Check that a function returned a tuple of len(names) values and return it."""
    if len(names) == 1:
        return (result,)
    if not isinstance(result, (tuple, list)) or len(result) != len(names):
        got = f"a {type(result).__name__}" if not isinstance(result, (tuple, list)) \
            else f"{len(result)} values"
        raise CheckFailure(f"`{fn_name}` must return {len(names)} values "
                           f"({', '.join(names)}), but it returned {got}.")
    return tuple(result)


def expect_array(fn_name: str, name: str, value: Any, shape: tuple) -> np.ndarray:
    """A float64 ndarray of exactly `shape` with finite entries, or CheckFailure."""
    if value is None:
        raise CheckFailure(f"`{fn_name}` returned None for {name}: did you forget a `return`?")
    if not isinstance(value, np.ndarray):
        raise CheckFailure(f"`{fn_name}`: {name} must be a numpy array of shape {shape}, "
                           f"not {type(value).__name__}.")
    if value.shape != tuple(shape):
        hint = ""
        if sorted(value.shape) == sorted(shape) and value.ndim == 2:
            hint = " It looks transposed."
        elif value.size == int(np.prod(shape)):
            hint = " Same number of entries: an extra or missing axis (broadcasting hides this)."
        elif value.ndim == len(shape) + 1:
            hint = " One axis too many: did you forget to sum over the batch?"
        raise CheckFailure(f"`{fn_name}`: {name} has shape {value.shape}, expected {tuple(shape)}."
                           + hint)
    if value.dtype != np.float64:
        raise CheckFailure(f"`{fn_name}`: {name} has dtype {value.dtype}, expected float64 "
                           "(integer or float32 arrays lose precision; build on float inputs).")
    if not np.all(np.isfinite(value)):
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(value))[0])
        raise CheckFailure(f"`{fn_name}`: {name} contains {value[bad]} at index {bad}; "
                           "every entry must be finite.")
    return value


def expect_float(fn_name: str, name: str, value: Any) -> float:
    """A real number (Python or numpy scalar, or a 0-d array), returned as float."""
    if isinstance(value, np.ndarray) and value.shape == ():
        value = value[()]
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer,
                                                                     np.floating)):
        raise CheckFailure(f"`{fn_name}`: {name} must be a number, not {type(value).__name__}.")
    value = float(value)
    if not np.isfinite(value):
        raise CheckFailure(f"`{fn_name}`: {name} is {value}; it must be finite.")
    return value


def relative_error(actual, expected) -> np.ndarray:
    """|a - e| / max(|a|, |e|) elementwise; 0 where both are 0.

    Entries far smaller than the largest expected entry are measured against a floor
    (1e-7 of that largest entry), so rounding noise in near-zero entries cannot fail a
    correct answer while any error worth the name still shows.
    """
    a = np.asarray(actual, dtype=np.float64)
    e = np.asarray(expected, dtype=np.float64)
    floor = 1e-7 * float(np.max(np.abs(e), initial=0.0))
    denom = np.maximum(np.maximum(np.abs(a), np.abs(e)), floor)
    diff = np.abs(a - e)
    with np.errstate(invalid="ignore", divide="ignore"):
        err = np.where(denom > 0, diff / np.where(denom > 0, denom, 1.0), 0.0)
    return err


def expect_close(fn_name: str, name: str, actual: np.ndarray, expected: np.ndarray, *,
                 tol: float = DEFAULT_TOL, hints: Iterable[Hint] = (), cause: str = "",
                 context: str = "", explain: Callable[[], Any] | None = None) -> None:
    """Fail with a located, explained message when `actual` is not within `tol` of `expected`.

    `explain()`, when given, is asked first (only when the answer is wrong): the difference
    explainer's relation between this output and the truth, verified on every case of the
    check (see `explain.Explainer.for_output`), or None. Then the hints (per-mistake
    detectors), then the float32 trace; `cause` is the method shown when nothing is named."""
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    err = relative_error(actual, expected)
    worst = float(np.max(err, initial=0.0))
    if worst <= tol:
        return
    lines = [f"`{fn_name}`: {name} is wrong{' ' + context if context else ''}.",
             f"  largest relative error {worst:.2e} (must be below {tol:.0e})"]
    if actual.ndim:
        order = np.argsort(err, axis=None)[::-1][:3]
        lines.append("  worst entries (index: yours vs expected):")
        for flat in order:
            idx = np.unravel_index(flat, err.shape)
            if err[idx] <= tol:
                break
            lines.append(f"    {tuple(int(i) for i in idx)}: {number(actual[idx])} vs "
                         f"{number(expected[idx])}")
        n_bad = int(np.count_nonzero(err > tol))
        lines.append(f"  {n_bad} of {err.size} entries are off.")
    else:
        lines.append(f"  yours {number(actual)}, expected {number(expected)}")
    finding = None
    if explain is not None:
        try:
            finding = explain()
        except Exception:        # the explainer never breaks a check
            finding = None
    if finding is None and actual.size > 1 and not np.any(actual) and np.any(expected):
        from .explain import Finding
        finding = Finding("@@ is all zeros, where the expected values are not",
                        "all-zeros", "an output that is all zeros", checked=False)
    if finding is not None:
        from .explain import finding_line
        lines.append(finding_line(finding, name))
    matched = []
    for h in hints:
        if h.lazy_cause is not None:
            found = h.lazy_cause()
            if found:
                matched.append(found)
        elif _safe_match(h, actual):
            matched.append(h.cause)
    named = None
    if len(set(matched)) > 1:           # two causes fit: naming either would be a guess
        lines.append("  Several usual mistakes give this answer here; " +
                     ("usual cause: " + cause if cause else "check each step."))
    elif matched:
        named = matched[0]
    elif float32_trace(actual, expected):
        named = FLOAT32_TRACE.format(name=name)
    elif cause:
        lines.append("  Usual cause: " + cause)
    if named is not None:
        lines.append(_LIKELY + named)
    # one mistake, one id: the detector's when it names the mistake, else the relation's
    ids = cause_ids_of(named, _choosing_frames()) if named is not None else \
        [finding.cause_id] if finding is not None else []
    raise CheckFailure("\n".join(lines), cause_ids=ids)


def number(value, spec: str = ".6g") -> str:
    """A number formatted for a message, never as '-0' (a negative zero, or a tiny negative
    value rounded away, reads as a sign error that is not there)."""
    text = format(float(value), spec)
    if text.startswith("-") and float(text) == 0:
        text = text[1:]
    return text


def _safe_match(hint: Hint, actual: np.ndarray) -> bool:
    try:
        return bool(hint.matches(actual))
    except Exception:
        return False


def looks_like(candidate, tol: float = 1e-5) -> Callable[[np.ndarray], bool]:
    """A hint predicate: the answer equals `candidate` (an array the usual mistake produces).

    `candidate` may also be a function that makes that array: it is then called only when
    the predicate is first asked (a hint is asked only when the answer is wrong), and once.
    """
    made = [] if callable(candidate) else [np.asarray(candidate, dtype=np.float64)]

    def matches(actual: np.ndarray) -> bool:
        if not made:
            made.append(np.asarray(candidate(), dtype=np.float64))
        return (actual.shape == made[0].shape
                and float(np.max(relative_error(actual, made[0]), initial=0.0)) <= tol)
    return matches


FLOAT32_TRACE = ("{name} carries float32 precision: every entry is exactly a float32 number "
                 "(24-bit mantissa) and agrees with the expected value to about 1e-7 only. "
                 "Part of the computation ran in float32 (an `astype(np.float32)`, a "
                 "`dtype=np.float32` array) before the result was turned back into float64; "
                 "compute in float64 throughout.")


# ---------------------------------------------------------------- an activation's slips, written once

@dataclass(frozen=True)
class Activation:
    """An elementwise activation as a checks module knows it, from trusted pieces:
    `value(v)`, its forward, and `slope(v)`, its local derivative, both elementwise."""

    value: Callable[[np.ndarray], Any]
    slope: Callable[[np.ndarray], Any]


def activation_slips(act: Activation, a, upstream, *, out=None,
                     through: Callable[[Any], Any] = lambda g: g) -> dict[str, Callable]:
    """What the usual slips of the chain rule at an activation return: the derivative of the
    activation taken instead of the gradient through it, or the local derivative applied
    wrongly. Each is built when first asked (`once`), as a hint's candidate is.

    The chain rule there multiplies the upstream gradient by the activation's slope at its
    input `a`; `through(g)` carries a gradient g on `a` to the function's outputs (the
    identity for an activation's own backward pass; back through W @ x for a layer). `out`
    is the activation's output when the cache holds it (else `act.value(a)`).

    - "upstream_missing": the local derivative alone (the gradient of the activation's sum,
      as if the upstream gradient were ones);
    - "slope_missing": the upstream gradient passed straight through;
    - "value_as_slope": the activation's value where its slope belongs;
    - "slope_at_output": the slope taken at the output instead of at the input.

    Each assignment's module declares which apply to which function, in its own words (a
    slip whose answer is the truth for that activation, as the slope at ReLU's output, is
    left out)."""
    value = once(lambda: act.value(a) if out is None else out)
    return {
        "upstream_missing": once(lambda: through(act.slope(a))),
        "slope_missing": once(lambda: through(upstream)),
        "value_as_slope": once(lambda: through(value() * upstream)),
        "slope_at_output": once(lambda: through(act.slope(value()) * upstream)),
    }


# ---------------------------------------------------------------- detectors' causes, written once

def transposed_cause(name: str, why: str = "") -> str:
    """The cause named when a weight gradient equals the right one transposed: one text for
    every function of every assignment (`why`: when the shape could not tell)."""
    return f"{name} is transposed: its rows and columns are exchanged{' ' + why if why else ''}."


def missing_transpose_cause(target: str, W: str, lead: str = "a missing transpose") -> str:
    """The cause named when a gradient is passed back through `W` without W's transpose
    (the product fits only because W is square): one text for every assignment."""
    return (f"{lead}: the gradient reaches {target} through {W}, and the product without "
            f"{W}'s transpose has the right shape only because {W} is square; the product "
            f"that fits any shape uses {W} transposed.")


def float32_trace(actual, expected) -> bool:
    """True when `actual` is float32 arithmetic's answer: every entry exactly a float32
    number, close (relative error below 1e-4) but not equal to `expected`, whose entries
    are not float32 numbers. A float64 result is a float32 number by chance about once in
    5e8, so two or more such entries are a trace, not a guess."""
    a = np.asarray(actual, dtype=np.float64).ravel()
    e = np.asarray(expected, dtype=np.float64).ravel()
    if a.shape != e.shape or a.size == 0:
        return False
    with np.errstate(over="ignore", invalid="ignore"):
        exact_a = a.astype(np.float32).astype(np.float64) == a
        exact_e = e.astype(np.float32).astype(np.float64) == e
    informative = (a != 0) & ~exact_e
    if not np.all(exact_a) or np.count_nonzero(informative) < 2:
        return False
    err = relative_error(a, e)
    return bool(np.max(err) < 1e-4)


# ---------------------------------------------------------------- verified causes

@dataclass
class Case:
    """One case a check ran: the student's outputs and the truth (dicts name -> value), and
    whatever the mistakes' predictions need (`data`)."""

    outputs: dict
    truth: dict
    data: Any = None


@dataclass(frozen=True)
class Mistake:
    """A usual mistake: its cause, and `predict(case)`: what it returns on that case (a dict
    name -> value; outputs it leaves right may be left out, they are then the truth)."""

    cause: str
    predict: Callable[[Case], dict]


class Diagnosis:
    """Causes named only when verified.

    A mistake is named for a wrong output only when the student's value of that output
    equals the mistake's prediction (within `match_tol`) on EVERY case: the check's own
    cases, plus the probe cases `probe()` returns (the student's function called again on
    inputs chosen to tell sibling mistakes apart). Among the mistakes verified for that
    output, the one verified for the most outputs is named; a tie names none. Predictions
    are computed only when an answer is wrong, once per mistake and case; the probes run
    at most once. A probe that fails (the student's code raises, or returns something
    malformed) leaves only the check's own cases; `need_probes` then names nothing.
    """

    def __init__(self, names: Sequence[str], mistakes: Sequence[Mistake], cases: list,
                 probe: Callable[[], list] | None = None, match_tol: float = 1e-5,
                 need_probes: bool = True):
        self.names, self.mistakes, self.cases = tuple(names), list(mistakes), cases
        self._probe, self._probed, self.match_tol = probe, probe is None, match_tol
        self.need_probes = need_probes and probe is not None
        self._ok_probes = False
        self._extra: list = []
        self._memo: dict = {}

    def _all_cases(self) -> list:
        if not self._probed:
            self._probed = True
            try:
                extra = list(self._probe())
                self._ok_probes = True
            except (StudentCodeError, CheckFailure):
                extra = []
            self._extra = extra
        return list(self.cases) + self._extra

    def _prediction(self, m: int, case: Case) -> dict:
        key = (m, id(case))
        if key not in self._memo:
            try:
                self._memo[key] = self.mistakes[m].predict(case)
            except Exception:        # a prediction that can't be built makes no claim
                self._memo[key] = None
        return self._memo[key]

    def _verified(self, m: int, name: str, cases: list) -> bool:
        for case in cases:
            pred = self._prediction(m, case)
            if pred is None or name not in case.outputs:
                return False
            want = pred.get(name, case.truth.get(name))
            if want is None or not _same(case.outputs[name], want, self.match_tol):
                return False
        return True

    def cause(self, name: str) -> str | None:
        """The verified cause for output `name`, or None."""
        cases = self._all_cases()
        if self.need_probes and not self._ok_probes:
            return None
        scores: dict = {}
        for m, mistake in enumerate(self.mistakes):
            if self._verified(m, name, cases):
                score = sum(self._verified(m, other, cases) for other in self.names)
                scores[mistake.cause] = max(score, scores.get(mistake.cause, 0))
        if not scores:
            return None
        best = [c for c, sc in scores.items() if sc == max(scores.values())]
        return best[0] if len(best) == 1 else None

    def explainer(self, declare: Callable[[Case], dict] | None = None, layout=None):
        """The difference explainer over every case of this diagnosis (the probes
        included, run at most once): `declare(case)` gives what it may refer to."""
        from .explain import Explainer, Layout, View
        return Explainer(lambda: [View(c.outputs, c.truth, **(declare(c) if declare else {}))
                                  for c in self._all_cases()], layout or Layout())

    def hints(self, name: str) -> list:
        """For expect_close: a Hint that holds the verified cause, asked only on failure."""
        return [Hint("", lambda _a: False, lazy_cause=lambda: self.cause(name))]


def on_every_case(per_case: Sequence, shown: int = 0) -> list:
    """Hints that hold only when they hold on every case a check ran.

    per_case: (the student's output, the hints built for that case) per case, the hints
    in the same order in every case. Hint j of the result matches when hint j of every
    case matches that case's output; it is asked only when an answer is wrong. Its text
    is that of case `shown` (the case being reported)."""
    def every(j):
        def matches(_actual):
            return all(_safe_match(hints[j], np.asarray(out, dtype=np.float64))
                       for out, hints in per_case)
        return matches
    return [Hint(h.cause, every(j)) for j, h in enumerate(per_case[shown][1])]


def _same(actual, predicted, tol: float) -> bool:
    a = np.asarray(actual, dtype=np.float64)
    p = np.asarray(predicted, dtype=np.float64)
    if a.shape != p.shape:
        if p.ndim == 0:
            p = np.broadcast_to(p, a.shape)
        else:
            return False
    return bool(np.all(np.isfinite(p))) and float(np.max(relative_error(a, p),
                                                         initial=0.0)) <= tol


def expect_new_arrays(fn_name: str, outputs: dict, inputs: Iterable[Any] | dict = ()) -> None:
    """Fail when a returned array is one of the inputs or another returned array.

    Returning the upstream gradient itself, or one array for two outputs, gives two names to
    one array: the caller's next `+=` then changes both. `inputs` are the function's
    arguments in order, or a dict naming them; the message names the one returned.
    """
    seen: dict[int, str] = {}
    for name, value in outputs.items():
        if isinstance(value, np.ndarray):
            if id(value) in seen:
                raise CheckFailure(f"`{fn_name}` returned the same array for {seen[id(value)]} "
                                   f"and {name}: two names for one array. Return a new array "
                                   f"for each (for example `{name} = {seen[id(value)]}.copy()`).")
            seen[id(value)] = name
    named = inputs.items() if isinstance(inputs, dict) else \
        ((f"argument #{i + 1}", v) for i, v in enumerate(inputs))
    for argument, obj in named:
        for path, value in _arrays_in(obj):
            if id(value) in seen:
                label = f"`{argument}{path}`" if not argument.startswith("argument") else \
                    f"its {argument}{path}"
                copy_of = (f"`{argument}{path}.copy()`" if not argument.startswith("argument")
                           else "a `.copy()` of it")
                raise CheckFailure(f"`{fn_name}` returned one of its inputs as "
                                   f"{seen[id(value)]} ({label}): return a new array (for example "
                                   f"{copy_of}), not the argument itself.")


def _arrays_in(obj: Any, path: str = ""):
    """(path, array) for every array in obj, the path an index such as '[1]' ('' for obj)."""
    if isinstance(obj, np.ndarray):
        yield path, obj
    elif isinstance(obj, (tuple, list)):
        for i, item in enumerate(obj):
            yield from _arrays_in(item, f"{path}[{i}]")
    elif isinstance(obj, dict):
        for key, item in obj.items():
            yield from _arrays_in(item, f"{path}[{key!r}]")


# ---------------------------------------------------------------- calling a graded function

# An output that must be a real number (a Python or numpy scalar, or a 0-d array); it is
# returned as a float.
NUMBER = "a number"


def outputs_by_name(fn_name: str, result: Any, outputs: dict, *,
                    expect: Callable[[str, str, Any, tuple], Any] = expect_array,
                    screen: Callable[[dict], None] | None = None) -> dict:
    """What a graded function returned, checked, as a dict name -> value.

    `outputs` names the outputs in the order the function returns them (a single name: the
    result itself, not a 1-tuple), each with what it must be: a shape (an array of exactly
    that shape, checked by `expect(fn_name, name, value, shape)`, by default `expect_array`),
    `NUMBER` (returned as a float), or None (returned as it came, for the caller to check).
    `screen(raw)`, when given, sees the unchecked outputs by name first and may fail with a
    message about a known mistake. The outputs are checked in order; the first wrong fails.
    """
    names = tuple(outputs)
    raw = dict(zip(names, unpack(fn_name, result, names)))
    if screen is not None:
        screen(raw)
    _expect_order(fn_name, raw, outputs)
    checked = {}
    for name, spec in outputs.items():
        if spec is None:
            checked[name] = raw[name]
        elif isinstance(spec, str) and spec == NUMBER:
            checked[name] = expect_float(fn_name, name, raw[name])
        else:
            checked[name] = expect(fn_name, name, raw[name], spec)
    return checked


def _expect_order(fn_name: str, raw: dict, outputs: dict) -> None:
    """Fail when the returned arrays have the wrong shapes in the order asked, but exactly
    one other order of them fits every shape: the outputs are returned in another order.
    Written once for every function that returns several arrays."""
    specs = list(outputs.values())
    names = list(outputs)
    if len(names) < 2 or not all(isinstance(sp, tuple) for sp in specs):
        return
    shapes = [np.shape(raw[n]) if isinstance(raw[n], np.ndarray) else None for n in names]
    if None in shapes or shapes == [tuple(sp) for sp in specs]:
        return
    fits = [order for order in itertools.permutations(range(len(names)))
            if all(shapes[i] == tuple(specs[j]) for j, i in enumerate(order))]
    if len(fits) != 1:
        return
    given = [None] * len(names)        # given[i]: the output that returned value i fits
    for j, i in enumerate(fits[0]):
        given[i] = names[j]
    raise CheckFailure(
        f"`{fn_name}` returned arrays of shapes {', '.join(str(sh) for sh in shapes)}: "
        f"in that order they are not ({', '.join(names)}). Their shapes fit the order "
        f"({', '.join(given)}) and no other: the outputs are returned in another order "
        f"(swapped); return them as ({', '.join(names)}).", cause_ids=["outputs-in-another-order"])


def call_checked(fn_name: str, fn: Callable, args: Sequence[Any], outputs: dict, *,
                 kwargs: dict | None = None, inputs: Iterable[Any] | dict | None = None,
                 expect: Callable[[str, str, Any, tuple], Any] = expect_array,
                 screen: Callable[[dict], None] | None = None,
                 in_place: Callable[[int, str], str | None] | None = None) -> dict:
    """Call a graded function `fn(*args, **kwargs)` and return its outputs by name, checked.

    Fails when the function raises (StudentCodeError) or changes one of its arguments
    (`call_and_check_inputs`), when an output is not what `outputs` asks for (see
    `outputs_by_name`), and when a checked output is one of the function's inputs or
    another output (`expect_new_arrays`; the inputs are `args` by position unless
    `inputs` gives them: a list by position, or a dict that names them). `in_place`: see
    `call_and_check_inputs`.
    """
    result = call_and_check_inputs(fn, *args, in_place=in_place, **(kwargs or {}))
    checked = outputs_by_name(fn_name, result, outputs, expect=expect, screen=screen)
    expect_new_arrays(fn_name, {n: v for n, v in checked.items() if outputs[n] is not None},
                      list(args) if inputs is None else inputs)
    return checked


def once(make: Callable[[], Any]) -> Callable[[], Any]:
    """`make()`, computed when first asked for and then kept: a candidate of a hint that
    only a wrong answer needs."""
    made: list = []

    def get():
        if not made:
            made.append(make())
        return made[0]
    return get


# ---------------------------------------------------------------- ground truth

# A memo of trusted derivatives. The checks differentiate the same trusted forward at the same
# inputs again and again: each test's public case is the same for every submission, a hidden
# case is the same for every test of one student, and the explainer's alternatives recompute
# the truth. A derivative is a pure function of the forward's code, what that code can see
# (its closure, defaults and the globals it names, fingerprinted by value all the way down)
# and the exact bytes of its inputs, so a result is kept under that key and handed out as a
# new copy. Anything that cannot be fingerprinted by value (a proxy to student code, an
# object, a bound method) is never kept: it is computed every time, as before.
_MEMO: "dict[Any, tuple[np.ndarray, int]]" = {}   # key -> (value, its size)
_MEMO_ENTRIES = 16384
_MEMO_BYTES = 32 * 2 ** 20     # keys and values together
_memo_bytes = 0
_MEMO_HITS = [0, 0]            # hits, misses (for measurements)
_MEMO_LOCK = threading.Lock()
_PLAIN = (type(None), bool, int, float, complex, str, bytes)
_BY_IDENTITY = (type(sys), type(len), np.ufunc, type(np.concatenate))


class _Unknown(Exception):
    """A value without a fingerprint: the computation is not kept."""


def _global_names(code) -> set:
    names = set(code.co_names)
    for const in code.co_consts:
        if hasattr(const, "co_names"):
            names |= _global_names(const)
    return names


def _fingerprint(value: Any, seen: dict) -> Any:
    """A hashable key equal for two values only when they compute the same (by value)."""
    if type(value) in _PLAIN:
        return (type(value).__name__, value)
    if isinstance(value, (np.ndarray, np.generic)):
        arr = np.asarray(value)
        if arr.dtype.kind not in "biufc":
            raise _Unknown
        return ("array", arr.dtype.str, arr.shape, np.ascontiguousarray(arr).tobytes())
    if type(value) in (tuple, list):
        return (type(value).__name__, tuple(_fingerprint(v, seen) for v in value))
    if type(value) in (set, frozenset):   # of plain values only: no order to keep
        if not all(type(v) in _PLAIN for v in value):
            raise _Unknown
        return (type(value).__name__, frozenset((type(v).__name__, v) for v in value))
    if type(value) is dict:
        return ("dict", tuple((_fingerprint(k, seen), _fingerprint(v, seen))
                              for k, v in value.items()))
    if isinstance(value, _BY_IDENTITY) or (   # modules, built-in functions, numpy's own
            isinstance(value, type)
            and value.__module__.partition(".")[0] in ("builtins", "numpy")):
        return ("object", value)
    if type(value) is type(_fingerprint):   # a plain Python function
        if id(value) in seen:    # the same function again: where it was first seen
            return ("seen", seen[id(value)][0])
        seen[id(value)] = (len(seen), value)
        code = value.__code__
        names = sorted(n for n in _global_names(code) if n in value.__globals__)
        return ("function", code,
                _fingerprint(value.__defaults__, seen),
                _fingerprint(value.__kwdefaults__, seen),
                tuple(_fingerprint(c.cell_contents, seen) for c in value.__closure__ or ()),
                tuple((n, _fingerprint(value.__globals__[n], seen)) for n in names))
    raise _Unknown


def _key_size(key: Any) -> int:
    if isinstance(key, tuple):
        return sum(_key_size(k) for k in key)
    return len(key) if isinstance(key, (bytes, str)) else 8


def _memoised(kind: str, compute: Callable[[], Any], *parts) -> Any:
    """`compute()` (an array, or a list of arrays), kept under the fingerprint of `parts`;
    always new arrays."""
    global _memo_bytes
    try:
        key = (kind, _fingerprint(parts, {}))
        hash(key)
    except (_Unknown, TypeError, ValueError, ReferenceError):
        return compute()
    with _MEMO_LOCK:
        kept = _MEMO.pop(key, None)
        if kept is not None:
            _MEMO[key] = kept                     # the most recently used goes last
            _MEMO_HITS[0] += 1
    if kept is not None:
        value = kept[0]
        return [v.copy() for v in value] if isinstance(value, tuple) else value.copy()
    _MEMO_HITS[1] += 1
    result = compute()
    many = isinstance(result, list)
    value = tuple(np.array(r, copy=True) for r in result) if many else \
        np.array(result, copy=True)
    for v in value if many else (value,):
        v.setflags(write=False)
    size = _key_size(key) + sum(v.nbytes for v in (value if many else (value,)))
    if size <= _MEMO_BYTES // 8:
        with _MEMO_LOCK:
            while _MEMO and (len(_MEMO) >= _MEMO_ENTRIES or _memo_bytes + size > _MEMO_BYTES):
                _memo_bytes -= _MEMO.pop(next(iter(_MEMO)))[1]   # the least recently used
            if key not in _MEMO:
                _MEMO[key] = (value, size)
                _memo_bytes += size
    return result


def numerical_gradient(f: Callable[[np.ndarray], Any], x: np.ndarray, df=None,
                       h: float = 1e-5) -> np.ndarray:
    """Centered-difference gradient of sum(f(x) * df) with respect to x (trusted).

    `f` may return a scalar or an array; `df` (default 1) weights its outputs, which is
    exactly what a backward pass receives as the upstream gradient. x is restored.
    """
    x = np.asarray(x)
    if x.dtype != np.float64:
        raise TypeError("numerical_gradient needs a float64 array")
    weight = 1.0 if df is None else np.asarray(df, dtype=np.float64)

    def compute():
        grad = np.zeros_like(x)
        it = np.nditer(x, flags=["multi_index"])
        for _ in it:
            i = it.multi_index
            old = x[i]
            x[i] = old + h
            plus = float(np.sum(np.asarray(f(x), dtype=np.float64) * weight))
            x[i] = old - h
            minus = float(np.sum(np.asarray(f(x), dtype=np.float64) * weight))
            x[i] = old
            grad[i] = (plus - minus) / (2 * h)
        return grad
    return _memoised("centered", compute, f, x, weight, h)


# The step of every complex-step derivative: Im f(x + ih) / h has no cancellation, and h**2
# is far below rounding, so the derivative is exact to rounding however small it is.
CS_STEP = 1e-30


def complex_step_gradient(f: Callable[[np.ndarray], Any], x: np.ndarray, df=None,
                          h: float = CS_STEP) -> np.ndarray:
    """Gradient of sum(f(x) * df) by the complex step: exact to rounding, even where tiny.

    Only for analytic forwards (no comparisons, abs or max on x): Im f(x + ih) / h.
    """
    x = np.asarray(x, dtype=np.float64)
    weight = 1.0 if df is None else np.asarray(df, dtype=np.float64)
    return _memoised("complex step", lambda: _complex_step(f, x, weight, h), f, x, weight, h)


def _complex_step(f: Callable[[np.ndarray], Any], x: np.ndarray, weight, h: float
                  ) -> np.ndarray:
    grad = np.zeros_like(x)
    z = x.astype(np.complex128)
    for i in np.ndindex(x.shape):
        z[i] += 1j * h
        grad[i] = float(np.sum(np.imag(np.asarray(f(z))) * weight)) / h
        z[i] = x[i]
    return grad


def input_gradients(forward: Callable, args: Sequence[np.ndarray], df,
                    output: Callable[[Any], Any] = lambda result: result[0]) -> list:
    """The gradient of sum(output(forward(*args)) * df) with respect to each argument, by the
    complex step: the truth for the backward pass of `forward` (trusted, analytic).

    `output` picks the array from what `forward` returns; by default the first item, as
    the given forwards return (out, cache)."""
    weight = 1.0 if df is None else np.asarray(df, dtype=np.float64)

    def compute():
        grads = []
        for i in range(len(args)):
            def f(v, i=i):
                a = list(args)
                a[i] = v
                return output(forward(*a))
            grads.append(_complex_step(f, np.asarray(args[i], dtype=np.float64), weight,
                                       CS_STEP))
        return grads
    return _memoised("input gradients", compute, forward, list(args), weight, output)


# ---------------------------------------------------------------- long sequences, large sizes

def unit_vector(rng: np.random.Generator, shape) -> np.ndarray:
    """A random direction of the given shape, of norm 1."""
    v = rng.standard_normal(shape)
    return v / np.linalg.norm(v)


def random_indices(rng: np.random.Generator, shape, n: int) -> list:
    """n random indices (tuples) into an array of the given shape."""
    return [tuple(int(rng.integers(s)) for s in shape) for _ in range(n)]


def expect_samples(fn: str, name: str, got: list, expected: list, labels: list, scale: float,
                   context: str, cause: str, tol: float = DEFAULT_TOL) -> None:
    """Compare sampled values (directional derivatives, single entries) one by one.

    Errors are relative, measured against at least 1e-7 of `scale` (the typical size of the
    gradient's entries), so an entry that is itself rounding noise cannot fail.
    """
    got = np.asarray(got, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    floor = 1e-7 * scale
    denom = np.maximum(np.maximum(np.abs(got), np.abs(expected)), floor)
    err = np.where(denom > 0, np.abs(got - expected) / np.where(denom > 0, denom, 1.0), 0.0)
    bad = [i for i in np.argsort(-err) if err[i] > tol]
    if not bad:
        return
    lines = [f"`{fn}`: {name} is wrong {context}.",
             f"  largest relative error {float(err[bad[0]]):.2e} (must be below {tol:.0e})"]
    for i in bad[:4]:
        lines.append(f"    {labels[i]}: yours {got[i]:.6g} vs expected {expected[i]:.6g}")
    lines.append(f"  {len(bad)} of {len(err)} sampled values are off.")
    lines.append("  Usual cause: " + cause)
    raise CheckFailure("\n".join(lines))


def expect_sampled_gradient(fn: str, forward: Callable, args: Sequence[np.ndarray],
                            outputs: dict, df, rng: np.random.Generator, context: str,
                            cause: str, coords: dict | None = None) -> None:
    """Check the gradients `outputs` (name -> array, one per argument of `forward`, in
    order) of sum(forward(*args) * df) cheaply, where the full Jacobian costs too much (a
    long sequence, a large size):

    - `coords[name]`: groups (indices, cause) of single entries of that output, each
      compared with its complex-step derivative (one forward pass per entry), in order;
    - then two random directions in the space of all arguments together (one forward pass
      each); only when they disagree, one direction per argument finds the wrong output.
    Errors are relative; values below 1e-7 of the typical directional derivative are noise.
    """
    names, outs = list(outputs), list(outputs.values())
    coords = coords or {}

    def along(vs) -> float:     # the truth along vs: one forward pass
        z = [a + 1j * CS_STEP * v for a, v in zip(args, vs)]
        return float(np.sum(np.imag(forward(*z)) * df)) / CS_STEP

    def joint(vs):
        return sum(float(np.sum(o * v)) for o, v in zip(outs, vs)), along(vs)

    def entry(i, idx):
        vs = [np.zeros_like(a) for a in args]
        vs[i][idx] = 1.0
        return vs

    dirs = [[unit_vector(rng, a.shape) / np.sqrt(len(args)) for a in args] for _ in range(2)]
    entries = [(i, idx) for i, name in enumerate(names) for idxs, _ in coords.get(name, ())
               for idx in idxs]
    # the truth along both directions and at every sampled entry, kept (see _memoised)
    truth = iter(_memoised("sampled", lambda: np.array(
        [along(vs) for vs in dirs] + [along(entry(i, idx)) for i, idx in entries]),
        forward, list(args), dirs, entries, df).tolist())
    j_exp = (next(truth), next(truth))
    j_got = tuple(sum(float(np.sum(o * v)) for o, v in zip(outs, vs)) for vs in dirs)
    scale = float(np.sqrt(np.mean(np.square(j_exp))))
    for i, name in enumerate(names):
        for idxs, why in coords.get(name, ()):
            g, e, labels = [], [], []
            for idx in idxs:
                g.append(float(outs[i][idx]))
                e.append(next(truth))
                labels.append(f"{name}{list(idx)}")
            expect_samples(fn, name, g, e, labels, scale, context, why)
    try:
        expect_samples(fn, "the gradient", list(j_got), list(j_exp),
                       ["along a random direction"] * 2, scale, context, cause)
    except CheckFailure as joint_failure:
        for i, name in enumerate(names):        # which output is it?
            vs = [np.zeros_like(a) for a in args]
            vs[i] = unit_vector(rng, args[i].shape)
            got, exp = joint(vs)
            expect_samples(fn, name, [got], [exp], [f"{name} along a random direction"],
                           scale, context, cause)
        raise joint_failure


# ---------------------------------------------------------------- inputs

def rng_for(seed: int, name: str) -> np.random.Generator:
    """A generator that depends on the seed and the check's name, so checks don't share draws."""
    return np.random.default_rng([seed, sum(ord(ch) * 31 ** i for i, ch in enumerate(name))
                                  % (2 ** 32)])


# The student a hidden test draws for when none is known (pytest, a notebook graded on its own).
NO_STUDENT = "no-student"
STUDENT_KEY = "__student__"   # set by the grader in a test cell's namespace (None: unknown)


def hidden_seed(secret: int, namespace: dict | None = None) -> int:
    """The seed of a hidden test for the student being graded: a hash of the test's secret and
    the student id.

    `secret` is a large random number written only in the hidden test cell of `source/`, so
    that the seed can't be found by trying small seeds with the public `rng_for`; the student
    id makes each student's hidden cases their own (answers copied from another student's
    inputs don't fit), and the same student gets the same cases at every grading. The id is
    `namespace["__student__"]` where the grader put it there (the test cell passes
    `globals()`), otherwise the folder nbgrader autograde runs the notebook in,
    `autograded/<student>/<assignment>/`; otherwise `NO_STUDENT`.
    """
    digest = hashlib.sha256(f"{int(secret)}/{current_student(namespace)}".encode()).digest()
    return int.from_bytes(digest[:16], "big")


def current_student(namespace: dict | None = None) -> str:
    """The id of the student whose notebook is being graded (see `hidden_seed`)."""
    if namespace is not None and STUDENT_KEY in namespace:
        student = namespace[STUDENT_KEY]
        return student if isinstance(student, str) and student else NO_STUDENT
    try:
        parts = Path.cwd().parts
    except OSError:
        return NO_STUDENT
    if len(parts) >= 3 and parts[-3] == "autograded" and parts[-2]:
        return parts[-2]
    return NO_STUDENT


# The grader's own draw for the exactness probes (exactness._guarded): a public test's seed
# is the default and `rng_for` is public, so the probe that follows it would draw the same
# case for everyone, and answers recorded offline for it would answer it. The grader sets a
# salt the student cannot know for each submission (grading.GradingSession); a notebook's
# kernel has none, and draws as before.
_probe_salt: str | None = None


def set_probe_salt(salt: str | None) -> None:
    global _probe_salt
    _probe_salt = salt


def probe_seed(seed: int) -> int:
    """The seed an exactness probe draws its case from: the test's `seed`, mixed with the
    grader's salt when one is set."""
    if _probe_salt is None:
        return seed
    digest = hashlib.sha256(f"{_probe_salt}/{int(seed)}".encode()).digest()
    return int.from_bytes(digest[:16], "big")


def away_from(values: np.ndarray, points: Sequence[float] = (0.0,), margin: float = 0.1
              ) -> np.ndarray:
    """Move entries closer than `margin` to any kink in `points` out to that margin."""
    out = np.array(values, dtype=np.float64)
    for p in points:
        near = np.abs(out - p) < margin
        out[near] = p + np.where(out[near] >= p, margin, -margin)
    return out


def random_array(rng: np.random.Generator, shape, scale: float = 1.0,
                 kinks: Sequence[float] = (), margin: float = 0.1) -> np.ndarray:
    """Standard-normal float64 entries times `scale`, kept `margin` away from every kink."""
    out = rng.standard_normal(shape) * scale
    return away_from(out, kinks, margin) if kinks else out


# ---------------------------------------------------------------- cost

# Backprop gives every gradient of a layer for about the cost of one forward pass; a numerical
# gradient needs one or two forward passes per parameter. The efficiency checks call a backward
# pass on a layer large enough that the difference is seconds against minutes, and give it a
# budget in units of the machine's speed at that moment, so that load slows the budget with the
# code it measures.

EFFICIENCY_SLACK = 20.0   # times the trusted estimate of a plain Python loop over the entries
EFFICIENCY_FLOOR = 1.0    # seconds any backward pass may take, however fast the machine
EFFICIENCY_CAP = 30.0     # seconds at most, however slow the calibration loop ran
EFFICIENCY_ATTEMPTS = 3   # calls of a backward pass that was over budget, but by less than 3x


def loop_step_seconds(n: int = 20000, repeats: int = 3) -> float:
    """Seconds one scalar multiply-add on numpy entries takes in a plain Python loop, now.

    The unit of a plain-loop backward pass (which is made of such steps), measured on this
    machine at this moment: best of `repeats` loops of `n` steps (about 5 ms each).
    """
    a = np.linspace(0.5, 1.5, n)
    b = a[::-1].copy()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        acc = 0.0
        for i in range(n):
            acc += a[i] * b[i]
        best = min(best, time.perf_counter() - start)
    return best / n


def forward_seconds(forward: Callable[[], Any], repeats: int = 3) -> float:
    """Seconds one call of the trusted `forward()` takes now (best of `repeats`)."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        forward()
        best = min(best, time.perf_counter() - start)
    return best


def efficiency_budget(loop_steps: int) -> tuple[float, float]:
    """(budget, loop estimate) in seconds for a backward pass a plain loop does in `loop_steps`
    scalar multiply-adds; both scale with the machine's speed measured now.

    The cap keeps a calibration slowed on purpose (student code left busy in the background
    while the grader measures) from stretching the budget to a numerical gradient's time:
    at these sizes those take minutes even on an idle machine, plain loops well under a
    second.
    """
    estimate = loop_steps * loop_step_seconds()
    return min(EFFICIENCY_CAP, max(EFFICIENCY_FLOOR, EFFICIENCY_SLACK * estimate)), estimate


class _OverBudget(BaseException):
    """Raised in a student's function (run in this process) that went far over its budget."""


def timed_call(fn: Callable, args: tuple, budget: float,
               describe: Callable[[float, bool], str]) -> tuple[Any, float]:
    """Call the student's `fn(*args)` and return (result, seconds).

    In the grader the call goes to the child process, which the grader ends at the test's
    time limit; then the timeout keeps its status (it may be retried) and gains the
    explanation `describe(seconds, True)` (True: stopped before it finished). A plain
    function run in this process (nbgrader, a local notebook) is stopped by a timer at three
    times the budget, where SIGALRM is available, so that a numerical gradient cannot hold
    the notebook for minutes.
    """
    alarm = (inspect.isfunction(fn) and hasattr(signal, "setitimer")
             and threading.current_thread() is threading.main_thread())
    previous = None
    if alarm:
        def stop(signum, frame):
            raise _OverBudget()
        previous = signal.signal(signal.SIGALRM, stop)
        signal.setitimer(signal.ITIMER_REAL, 3 * budget)
    start = time.perf_counter()
    try:
        return call_student(fn, *args), time.perf_counter() - start
    except _OverBudget:
        raise CheckFailure(describe(time.perf_counter() - start, True)) from None
    except BaseException as exc:
        if getattr(exc, "status", None) == "timeout" and isinstance(getattr(exc, "message", None),
                                                                      str):
            exc.message = f"{exc.message}: {describe(time.perf_counter() - start, True)}"
            exc.args = (exc.message,)
        raise
    finally:
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


def describe_cost(fn_name: str, size: str, seconds: float, budget: float, loop_estimate: float,
                  forward: float, parameters: int, stopped: bool = False) -> str:
    """The efficiency verdict's message: the times, and the two things that make a backward
    pass this slow (numerical differentiation, or Python loops with work in every step)."""
    took = f"was stopped after {seconds:.2f} s" if stopped else f"took {seconds:.2f} s"
    return (f"`{fn_name}` {took} {size}. Here one forward pass takes "
            f"{forward * 1e3:.2f} ms and a plain Python loop over the entries about "
            f"{loop_estimate:.2f} s; the limit is {budget:.2f} s. Backprop should cost about "
            f"one forward pass: the chain rule gives all {parameters:,} derivatives at once. "
            f"Two things make `{fn_name}` this slow: numerical differentiation (finite "
            "differences or the complex step need one or two forward passes per parameter, "
            f"about {2 * parameters * forward:.0f} s here), or Python loops over the entries "
            "with array work inside each step (use whole-array products instead).")


def describe_slow_helper(fn_name: str, helper: str, size: str, seconds: float, budget: float,
                         stopped: bool = False) -> str:
    """The efficiency verdict when a helper the backward pass calls is the slow part."""
    took = f"was stopped after {seconds:.2f} s" if stopped else f"took {seconds:.2f} s"
    return (f"`{fn_name}` is slow because `{helper}` is: one call of `{helper}` {took} {size}, "
            f"against a limit of {budget:.2f} s for that call. `{fn_name}` itself adds little. "
            f"Two things make `{helper}` this slow: numerical differentiation (finite "
            "differences or the complex step: one or two forward passes per parameter), or "
            "Python loops over the entries with array work inside each step (use whole-array "
            "products instead).")


@dataclass
class Helper:
    """A student function the backward pass calls (the step of a sequence): timed alone on
    one call of `args` first, so that a slow one is named as the cause. `calls`: how many
    such calls the backward pass makes."""
    name: str
    fn: Callable
    args: tuple
    loop_steps: int
    size: str
    calls: int = 1


def _time_helper(fn_name: str, helper: Helper) -> tuple[float, float] | None:
    """(seconds, budget) of one call of `helper` alone; fails naming it when it is far over
    its own budget (stopped by the timer in a notebook; in the grader a helper that runs out
    the test's time limit is named in the timeout's message). None: the helper raised."""
    budget, _ = efficiency_budget(helper.loop_steps)

    def describe(seconds: float, stopped: bool = False) -> str:
        return describe_slow_helper(fn_name, helper.name, helper.size, seconds, budget, stopped)
    try:
        _, seconds = timed_call(helper.fn, copy.deepcopy(helper.args), budget, describe)
    except CheckFailure:
        raise
    except Exception:       # a broken helper: its own tests say so; the call decides here
        return None
    if seconds > 3 * budget:
        raise CheckFailure(describe(seconds))
    return seconds, budget


def expect_efficient(fn_name: str, fn: Callable, args: tuple, *, loop_steps: int,
                     forward: Callable[[], Any], parameters: int, size: str,
                     helpers: Sequence[Helper] = ()) -> Any:
    """Call a backward pass at a large size and fail when it is far slower than backprop.

    `loop_steps`: the scalar multiply-adds of a plain Python loop implementation at this size;
    `forward()`: the trusted forward pass at this size; `parameters`: the entries a numerical
    gradient would perturb. The budget is `EFFICIENCY_SLACK` times the plain loop's time
    estimated now (at least `EFFICIENCY_FLOOR`). A call over budget by less than three times
    (a moment of contention, not numerics) is repeated, with a new estimate, up to
    `EFFICIENCY_ATTEMPTS` calls in all. The result is returned for checking.

    The student's function gets a deep copy of `args` at every call: the caller's arrays are
    the reference, whatever the student's code does to its inputs. `helpers`: student
    functions `fn` calls (a sequence's step function), each timed alone first; one far over
    its own budget, or whose calls make up most of an over-budget call of `fn`, is named as
    the slow one.
    """
    helper_times = [(helper, _time_helper(fn_name, helper)) for helper in helpers]
    forward_time = forward_seconds(forward)
    for attempt in range(EFFICIENCY_ATTEMPTS):
        budget, estimate = efficiency_budget(loop_steps)

        def describe(seconds: float, stopped: bool = False) -> str:
            for helper, timed in helper_times:
                if timed and timed[0] * helper.calls >= 0.5 * min(seconds, budget) \
                        and timed[0] > timed[1]:
                    return describe_slow_helper(fn_name, helper.name, helper.size, timed[0],
                                                timed[1])
            return describe_cost(fn_name, size, seconds, budget, estimate, forward_time,
                                 parameters, stopped)

        result, seconds = timed_call(fn, copy.deepcopy(args), budget, describe)
        if seconds <= budget:
            return result
        if seconds > 3 * budget:   # not a hiccup: a numerical gradient takes 15 times longer
            break
    raise CheckFailure(describe(seconds))


# ---------------------------------------------------------------- the pass line

RELEASED_DIR = Path(__file__).resolve().parent.parent / "released"


def _in_kernel() -> bool:
    """True inside IPython (a Jupyter kernel, nbgrader's Validate); False in the grader."""
    ipython = sys.modules.get("IPython")
    return bool(ipython is not None and ipython.get_ipython() is not None)


@functools.lru_cache(maxsize=None)
def public_tests_calling() -> dict[str, tuple[tuple[str, float], ...]]:
    """check function name -> the (grade_id, points) of each released test cell that calls it."""
    import json
    import re
    found: dict[str, list[tuple[str, float]]] = {}
    for path in sorted(RELEASED_DIR.glob("*.ipynb")):
        try:
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        except (OSError, ValueError, KeyError):
            continue
        for cell in cells:
            meta = (cell.get("metadata") or {}).get("nbgrader") or {}
            source = "".join(cell.get("source") or "")
            if cell.get("cell_type") != "code" or not meta.get("grade"):
                continue
            for name in set(re.findall(r"\b(check_\w+)\s*\(", source)):
                found.setdefault(name, []).append((str(meta.get("grade_id", "")),
                                                   float(meta.get("points", 0) or 0)))
    return {name: tuple(tests) for name, tests in found.items()}


def pass_line(check: str, public: bool = True) -> str:
    """'✓ test_relu_backward passed (2 points)': the one line a passing test cell shows."""
    tests = public_tests_calling().get(check, ()) if public else ()
    if len(tests) == 1:
        grade_id, points = tests[0]
        unit = "point" if points == 1 else "points"
        return f"\u2713 {grade_id} passed ({points:g} {unit})"
    return f"\u2713 {check} passed" + ("" if public else " (other inputs)")


# ---------------------------------------------------------------- predictions
#
# A "predict, then run" question that asks for a number is a graded function without
# arguments, `predict_<what>()`, returning the student's guess. Its check compares the guess
# with the measured value within a tolerance that a sound argument reaches and a guess out of
# thin air does not. The value is named only in the message of a recorded prediction (one
# that returns a number): before that, the check says "not implemented yet" like any other.

def expect_prediction(fn_name: str, predict: Callable, truth: float, *, what: str,
                      abs_tol: float | None = None, factor: float | None = None) -> None:
    """Fail unless `predict()` returns a number within `abs_tol` of `truth`, or within a
    `factor` of it (same sign, ratio between 1/factor and factor)."""
    got = call_checked(fn_name, predict, (), {"prediction": NUMBER})["prediction"]
    truth = float(truth)
    if factor is not None:
        ok = got * truth > 0 and 1.0 / factor <= got / truth <= factor
        window = f"within a factor of {factor:g} of it"
    else:
        ok = abs(got - truth) <= abs_tol
        window = f"within {abs_tol:g} of it"
    if ok:
        return
    raise CheckFailure(
        f"`{fn_name}`: your prediction, {got:.4g}, is off. The experiment measures "
        f"{truth:.4g} ({what}); a prediction {window} earns the point. Run the experiment "
        "below and find what your reasoning left out; the point is for the prediction you "
        "made before seeing the result, so leave your number as it is.")


def announce_passes(namespace: dict) -> None:
    """Make every `check_*` function of a checks module print its pass line in a notebook.

    Called once at the end of each checks module with its globals(). Only inside IPython:
    the grader runs the same test cells and reports scores itself. A call with a seed other
    than the default (a hidden test) does not name the public test.
    """
    for name, fn in list(namespace.items()):
        if (name.startswith("check_") and inspect.isfunction(fn)
                and fn.__module__ == namespace.get("__name__")
                and not getattr(fn, "_announces", False)):
            namespace[name] = _announcing(fn)


def _record_run(check: Callable, arguments: list) -> None:
    """Remember which version of the student's functions the notebook ran (runs.py), so
    that grading can say when the saved file holds another."""
    from . import runs
    functions = {fn.__name__: fn for fn in arguments
                 if inspect.isfunction(fn) and _cell_name(fn.__code__.co_filename)}
    if functions:
        runs.record(check.__module__.rsplit(".", 1)[-1], functions)


def _announcing(check: Callable) -> Callable:
    signature = inspect.signature(check)
    seed = signature.parameters.get("seed")
    default_seed = seed.default if seed is not None else None

    @functools.wraps(check)
    def run(*args, **kwargs):
        __tracebackhide__ = True   # IPython leaves this frame out of a traceback
        if _in_kernel():
            _record_run(check, list(args) + list(kwargs.values()))
        result = check(*args, **kwargs)
        if _in_kernel():
            try:
                given = signature.bind(*args, **kwargs).arguments.get("seed", default_seed)
            except TypeError:
                given = None
            print(pass_line(check.__name__, public=given == default_seed))
        return result

    run._announces = True
    return run
