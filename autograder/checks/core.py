"""The building blocks every assignment's checks are made of.

Checks call student functions, compare what comes back with ground truth from
trusted forward passes (numerical or complex-step derivatives), and raise
`CheckFailure` with a message a student can act on: which output, how far off,
where, and the usual cause. They run unchanged in nbgrader's kernel (on the
real functions) and in the grader (on proxies to a child process).
"""
from __future__ import annotations

import copy
import inspect
import linecache
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

import numpy as np

# A correct float64 gradient lands near 1e-8 against these references; a 3% error is far above.
DEFAULT_TOL = 1e-6


class CheckFailure(AssertionError):
    """A student's function gave a wrong or malformed answer; the message says what to fix."""


class StudentCodeError(Exception):
    """The student's function raised (or could not be run); carries the student's traceback text."""

    def __init__(self, function: str, kind: str, message: str, traceback: str = ""):
        self.function, self.kind, self.message, self.traceback = function, kind, message, traceback
        super().__init__(describe_student_error(function, kind, message, traceback))


def describe_student_error(function: str, kind: str, message: str, traceback: str = "") -> str:
    if kind == "NotImplementedError":
        return (f"`{function}` is not implemented yet: replace `raise NotImplementedError()` "
                "in its cell with your code.")
    text = f"`{function}` raised {kind}: {message}".rstrip(": ")
    if traceback:
        text += "\n" + traceback.rstrip()
    return text


@dataclass(frozen=True)
class Hint:
    """A named usual mistake: `matches(actual)` is True when the student's answer looks like it.

    `lazy_cause`, when given, replaces both: it is asked only when the answer is wrong and
    returns the verified cause or None (see `Diagnosis`)."""

    cause: str
    matches: Callable[[np.ndarray], bool]
    lazy_cause: Callable[[], str | None] | None = None


# ---------------------------------------------------------------- calling student code

def call_student(fn: Callable, *args, **kwargs) -> Any:
    """Call a student's function, turning any exception into a StudentCodeError.

    A product whose shapes don't fit gets a note: the student's line and the shapes.
    """
    name = getattr(fn, "__name__", repr(fn))
    try:
        return fn(*args, **kwargs)
    except StudentCodeError as exc:
        note = product_shape_note(exc.kind, exc.message, exc.traceback)
        if note:
            raise StudentCodeError(exc.function, exc.kind, exc.message + "\n" + note,
                                   exc.traceback) from None
        raise
    except Exception as exc:  # the student's bug, reported as such
        line, shapes = _last_student_frame(exc)
        note = product_shape_note(type(exc).__name__, str(exc), "", line=line, shapes=shapes)
        message = str(exc) + ("\n" + note if note else "")
        raise StudentCodeError(name, type(exc).__name__, message) from None


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
        code = [ln.strip() for ln in traceback.splitlines()
                if ln.startswith("    ") and not ln.strip().startswith("File ")]
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


def call_and_check_inputs(fn: Callable, *args, **kwargs) -> Any:
    """Call `fn` and fail if it modified any of its array, tuple, list or dict arguments."""
    before = [copy.deepcopy(a) for a in args]
    before_kw = {k: copy.deepcopy(v) for k, v in kwargs.items()}
    result = call_student(fn, *args, **kwargs)
    name = getattr(fn, "__name__", "the function")
    parameters = _parameter_names(fn)
    for i, (old, new) in enumerate(zip(before, args)):
        where = _first_difference(old, new)
        if where is not None:
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
                 context: str = "") -> None:
    """Fail with a located, explained message when `actual` is not within `tol` of `expected`."""
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
            lines.append(f"    {tuple(int(i) for i in idx)}: {actual[idx]:.6g} vs "
                         f"{expected[idx]:.6g}")
        n_bad = int(np.count_nonzero(err > tol))
        lines.append(f"  {n_bad} of {err.size} entries are off.")
    else:
        lines.append(f"  yours {float(actual):.6g}, expected {float(expected):.6g}")
    matched = []
    for h in hints:
        if h.lazy_cause is not None:
            found = h.lazy_cause()
            if found:
                matched.append(found)
        elif _safe_match(h, actual):
            matched.append(h.cause)
    if len(set(matched)) > 1:           # two causes fit: naming either would be a guess
        lines.append("  Several usual mistakes give this answer here; " +
                     ("usual cause: " + cause if cause else "check each step."))
    elif matched:
        lines.append("  Likely cause: " + matched[0])
    elif float32_trace(actual, expected):
        lines.append("  Likely cause: " + FLOAT32_TRACE.format(name=name))
    elif cause:
        lines.append("  Usual cause: " + cause)
    raise CheckFailure("\n".join(lines))


def _safe_match(hint: Hint, actual: np.ndarray) -> bool:
    try:
        return bool(hint.matches(actual))
    except Exception:
        return False


def looks_like(candidate, tol: float = 1e-5) -> Callable[[np.ndarray], bool]:
    """A hint predicate: the answer equals `candidate` (an array the usual mistake produces)."""
    candidate = np.asarray(candidate, dtype=np.float64)

    def matches(actual: np.ndarray) -> bool:
        return (actual.shape == candidate.shape
                and float(np.max(relative_error(actual, candidate), initial=0.0)) <= tol)
    return matches


FLOAT32_TRACE = ("{name} carries float32 precision: every entry is exactly a float32 number "
                 "(24-bit mantissa) and agrees with the expected value to about 1e-7 only. "
                 "Part of the computation ran in float32 (an `astype(np.float32)`, a "
                 "`dtype=np.float32` array) before the result was turned back into float64; "
                 "compute in float64 throughout.")


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


def expect_new_arrays(fn_name: str, outputs: dict, inputs: Iterable[Any] = ()) -> None:
    """Fail when a returned array is one of the inputs or another returned array.

    Returning the upstream gradient itself, or one array for two outputs, gives two names to
    one array: the caller's next `+=` then changes both.
    """
    seen: dict[int, str] = {}
    for name, value in outputs.items():
        if isinstance(value, np.ndarray):
            if id(value) in seen:
                raise CheckFailure(f"`{fn_name}` returned the same array for {seen[id(value)]} "
                                   f"and {name}: two names for one array. Return a new array "
                                   "for each (for example `dout.copy()`).")
            seen[id(value)] = name
    for value in _arrays_in(inputs):
        if id(value) in seen:
            raise CheckFailure(f"`{fn_name}` returned one of its inputs as {seen[id(value)]}: "
                               "return a new array (for example `dout.copy()`), not the "
                               "argument itself.")


def _arrays_in(obj: Any):
    if isinstance(obj, np.ndarray):
        yield obj
    elif isinstance(obj, (tuple, list)):
        for item in obj:
            yield from _arrays_in(item)
    elif isinstance(obj, dict):
        for item in obj.values():
            yield from _arrays_in(item)


# ---------------------------------------------------------------- ground truth

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


def complex_step_gradient(f: Callable[[np.ndarray], Any], x: np.ndarray, df=None,
                          h: float = 1e-30) -> np.ndarray:
    """Gradient of sum(f(x) * df) by the complex step: exact to rounding, even where tiny.

    Only for analytic forwards (no comparisons, abs or max on x): Im f(x + ih) / h.
    """
    x = np.asarray(x, dtype=np.float64)
    weight = 1.0 if df is None else np.asarray(df, dtype=np.float64)
    grad = np.zeros_like(x)
    z = x.astype(np.complex128)
    for i in np.ndindex(x.shape):
        z[i] += 1j * h
        grad[i] = float(np.sum(np.imag(np.asarray(f(z))) * weight)) / h
        z[i] = x[i]
    return grad


def directional_derivative(f: Callable[[np.ndarray], Any], x: np.ndarray, direction, df=None,
                           h: float = 1e-5) -> float:
    """d/dt sum(f(x + t v) * df) at t = 0 by centered differences: one pair of calls."""
    weight = 1.0 if df is None else np.asarray(df, dtype=np.float64)
    plus = float(np.sum(np.asarray(f(x + h * direction), dtype=np.float64) * weight))
    minus = float(np.sum(np.asarray(f(x - h * direction), dtype=np.float64) * weight))
    return (plus - minus) / (2 * h)


# ---------------------------------------------------------------- inputs

def rng_for(seed: int, name: str) -> np.random.Generator:
    """A generator that depends on the seed and the check's name, so checks don't share draws."""
    return np.random.default_rng([seed, sum(ord(ch) * 31 ** i for i, ch in enumerate(name))
                                  % (2 ** 32)])


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
