"""The difference explainer: the simplest exact relation between a wrong output and the right one.

Run by `expect_close` on every wrong output of a graded function before any per-mistake
detector (issue #27). Given the student's outputs and the truth on several cases (the check's
own inputs and, where the check has them, probe inputs), it tries relations from the simplest
up and says the first that holds on EVERY case where that output is wrong, and only when there
are at least two such cases (an independent second input):

- trivial: all zeros; one constant everywhere; equal to another expected quantity (another
  output, the upstream gradient, a cached value), or to its negative; the upstream gradient
  let through where a comparison of the declared quantities holds (y > 0) instead of the
  right one (y > x);
- scale: yours = c x expected for one c, said as a person would (1/N, 2, -1) and, where c is a
  size of the problem or a declared scalar (N, T, dloss, delta), which one;
- structure: transposed; reversed or shifted by one along a declared axis (time); blocks in
  another order along a declared block axis (the LSTM's gates); whole rows in another order
  (each row holding its neighbour's); the right numbers in other places (axes mixed up);
- a function of the right value: its square, square root, absolute value, reciprocal, or
  its fractional part dropped; a mean over an axis, broadcast;
- a term missing or counted twice: yours - expected = -term or +term for a declared term;
  a term scaled (by a sign, a size, a quantity, or another number in each row);
- a factor: yours = expected x q (or / q) entry by entry, for a declared quantity q;
- extent: which parts are right and which are wrong along each declared axis, block axis or
  region ("only the last time step is right", "right except the f block", "right outside
  |r| <= delta, wrong inside"), with a relation that holds on the wrong part where one does;
  the first or last slice left at zero; one number wherever a quantity is beyond a value;
- more forms: clipped to a band, a running total along the steps, divided by a quantity
  where it multiplies, one number times a quantity (a factor taken at one shared value),
  a count off by one (N/(N-1)), the right answer for a loop that joins the upstream and the
  carry another way (`carry_rules`).

When no relation holds on the whole answer, the student's function is called again on parts
of its upstream gradient (`View.responses`, built by `upstream_responses`): every backward
pass is linear in its upstream gradient, so its answer for every upstream set to zero must
be zero, for a doubled one twice as large, and for each part alone (dnext_h alone, dnext_c
alone, one time step's upstream alone) the right answer for that part. Which of these holds
says which path of the gradient is wrong: "not zero with a zero upstream: a term that does
not carry it", "halved when the upstream doubles", "right for dnext_c alone, wrong for
dnext_h alone", "for one step's upstream alone, right at that step and wrong at every
earlier one: what flows back through the carried state is wrong". A batch function is also
called with one example's inputs changed (`example_responses`): rows of other examples that
move in the student's answer mix the examples. An elementwise backward pass is called along a
grid of its input (`Sweep`): the rule its code follows is said beside the right one. When
nothing else holds, which of the check's cases are right and which wrong (`View.label`).

Each assignment's checks module declares, per graded function, only the layout (`Layout`:
axes, blocks) and, per case, the sizes, scalars, quantities, regions, terms and how to call
the student's function again on another upstream gradient (`View`). The
relations are written once here. A relation never names a code fix: it says what is true of
the student's numbers; the message around it gives the method to find the slip.
"""
from __future__ import annotations

import itertools
import re
import time
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any, Callable, Sequence

import numpy as np

from .. import watch
from .circuit import find_slip
from .variables import locate

# A shared helper, not an assignment: a cause a check names through it keeps the id of the
# check's own module (see core._choosing_frames).
SHARED_HELPER = True

MATCH_TOL = 1e-5    # relative error within which a relation "holds" on an entry
CIRCUIT_SECONDS = 3.0   # at most this long to look for one slip in the traced forward pass
VARIABLE_SECONDS = 2.0  # at most this long to find the student's variable that holds the slip

# Set by a test to see every explainer a check builds (to run the relations on right answers).
RECORDER: list | None = None


@dataclass
class Quantity:
    """Another expected quantity an output may be equal to: `label` as a student reads it
    ("the upstream gradient `dout`"), `kind` a short word for the id ("upstream", "cache")."""

    value: Any
    label: str
    kind: str = "quantity"


@dataclass
class View:
    """One case of a graded function: the student's outputs, the truth, and what the
    relations may refer to.

    sizes: name -> int (N, T, H, ...; products such as "N*C" are allowed);
    scalars: name -> (value, label) numbers an answer may be scaled by (dloss, delta, slope);
    quantities: name -> Quantity (inputs, cached values) an output may equal, or be
        multiplied by entry by entry (same shape);
    regions: output -> list of (label, boolean mask) that split that output (inside/outside
        the clip, where a > 0 / a <= 0);
    terms: label -> {output: array}: declared partial terms (a path's contribution).
    alternatives: label -> {output: array}: the right answer for an input changed along a
        declared axis ("for the upstream gradient shifted by one time step"); a callable
        giving that dict is computed only when asked; (either, cause id) gives the id.
    products: output -> (operand's key in quantities, G): the output is operand.T @ G (a
        weight's gradient from its input and the gradient on the product); another
        quantity of the operand's shape in the operand's place is then a relation.
    """

    outputs: dict
    truth: dict
    sizes: dict = field(default_factory=dict)
    scalars: dict = field(default_factory=dict)
    quantities: dict = field(default_factory=dict)
    regions: dict = field(default_factory=dict)
    terms: dict = field(default_factory=dict)
    alternatives: dict = field(default_factory=dict)
    products: dict = field(default_factory=dict)
    # families of explain4 (see _family_claims): local derivatives that may be substituted,
    # the right answer for a part of the upstream gradient, boundaries between regions
    locals: dict = field(default_factory=dict)
    partials: dict = field(default_factory=dict)
    thresholds: dict = field(default_factory=dict)
    inner: dict = field(default_factory=dict)
    # output -> (words_a, A, words_b, B, subscripts): the output is np.einsum(subscripts, A,
    # B), a sum of products (dx = dout @ W.T is "nm,dm->nd")
    contractions: dict = field(default_factory=dict)
    # the student's function called again on part of its upstream gradient (see
    # upstream_responses): key -> Response
    responses: dict = field(default_factory=dict)
    # an elementwise backward pass called along a grid of its input (see Sweep)
    sweep: Any = None
    # the case as the check's message says it ("for an upper-triangular matrix")
    label: str = ""
    # the trusted forward pass of this case, traced gate by gate (circuit.Case): the
    # student's outputs may be the chain rule through its gates with one slip
    circuit: Any = None


@dataclass
class Inner:
    """A gradient inside the function that some outputs are products of: `label` as a
    student reads it ("the gradient on the gate pre-activations a"), `truth` its right value
    G, `sources` the (output, operand) pairs with output = operand.T @ G (or (output,
    operand, True) with output = G.T @ operand), and the
    quantities (of G's shape) a relation on it may refer to. When an operand has full
    column rank the student's G is recovered from their output (least squares, checked to
    reproduce it), and the relations are tried on it: a slip inside G is said there, where
    it is, rather than in the product that spreads it over every entry."""

    label: str
    truth: Any
    sources: list = field(default_factory=list)
    quantities: dict = field(default_factory=dict)
    terms: dict = field(default_factory=dict)      # label -> array of G's shape


@dataclass(frozen=True)
class Layout:
    """What a graded function's outputs are made of.

    axes: output -> {axis: word} ("time step", "example"): parts that can be right or wrong
        one by one, reversed or shifted (only axes whose word contains "step" are reversed
        or shifted);
    blocks: output -> (axis, names): equal blocks along an axis (the LSTM's i, f, o, g);
    match_tol: the relative error within which a scale holds.
    """

    axes: dict = field(default_factory=dict)
    blocks: dict = field(default_factory=dict)
    # within which relative error a scale (yours = c x expected) holds: looser for an answer
    # that is itself a difference quotient (its error is O(h), not rounding)
    match_tol: float = MATCH_TOL


@dataclass(frozen=True)
class Finding:
    """A relation that holds: its text (about `name`), its human id and title."""

    text: str
    cause_id: str
    title: str
    checked: bool = True       # verified on a second input (False: a fact of this input)
    weak: bool = False         # only which parts are wrong, no relation on the wrong part


# ---------------------------------------------------------------- small helpers

def _arr(x) -> np.ndarray:
    return np.asarray(x, dtype=np.float64)


def _rel_err(a, e, scale: float | None = None) -> np.ndarray:
    a, e = _arr(a), _arr(e)
    ref = float(np.max(np.abs(e), initial=0.0)) if scale is None else scale
    denom = np.maximum(np.maximum(np.abs(a), np.abs(e)), 1e-7 * ref)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denom > 0, np.abs(a - e) / np.where(denom > 0, denom, 1.0), 0.0)


def close(a, e, tol: float = MATCH_TOL, scale: float | None = None) -> bool:
    a, e = _arr(a), _arr(e)
    if a.shape != e.shape or not np.all(np.isfinite(e)):
        return False
    return bool(float(np.max(_rel_err(a, e, scale), initial=0.0)) <= tol)


def _nontrivial(e) -> bool:
    return bool(np.any(_arr(e) != 0))


def say_number(c: float, tol: float = 1e-6) -> str | None:
    """c as a person says it (2, -1, 1/2, -1/3), or None when it is no small fraction
    (within `tol`, relatively)."""
    if not np.isfinite(c) or c == 0:
        return None
    for k in (2, 3):             # a percentage or a per-mille: 100, 1/100, 1000
        for p in (10 ** k, 10.0 ** -k):
            if abs(abs(c) - p) <= 1e-9 * p:
                return ("-" if c < 0 else "") + (str(p) if p > 1 else f"1/{10 ** k}")
    f = Fraction(c).limit_denominator(12)
    if abs(float(f) - c) > tol * max(1.0, abs(c)) or abs(f.numerator) > 12:
        return None
    return str(f.numerator) if f.denominator == 1 else f"{f.numerator}/{f.denominator}"


def _named_factors(view: View) -> list[tuple[str, float]]:
    """(how it is said, value) for every factor a size or a declared scalar gives (made
    once per view: the sizes and scalars of a view do not change)."""
    kept = view.__dict__.get("_named_factors")
    if kept is None:
        kept = view.__dict__["_named_factors"] = _make_named_factors(view)
    return list(kept)


def _share_factors(views: Sequence[View]) -> None:
    """The first view's factors also hold the factors of the others that are none of its
    own (N/dloss where its dloss is 1), at their value there: a relation said from the
    first view's factors can then hold on every view."""
    first = views[0]
    if len(views) < 2 or first.__dict__.get("_shared"):
        return
    have = _named_factors(first)
    names = {n for n, _ in have}
    for v in views[1:]:
        for n, _ in _named_factors(v):
            if n not in names and (value := _value_of(n, first)) is not None:
                have.append((n, value))
                names.add(n)
    first.__dict__["_named_factors"] = have
    first.__dict__["_shared"] = True


def _make_named_factors(view: View) -> list[tuple[str, float]]:
    out = []
    for name, v in view.sizes.items():
        if v and int(v) > 1:
            out += [(name, float(v)), (f"1/{name}", 1.0 / v)]
    for name, (v, _label) in view.scalars.items():
        v = float(v)
        if v not in (0.0, 1.0, -1.0):
            out += [(name, v), (f"1/{name}", 1.0 / v)]
    single = list(out)
    # two slips at once: a product of two of them (N/dloss: neither the mean nor dloss)
    for (n1, v1), (n2, v2) in itertools.combinations(single, 2):
        # not a product that is 1 (D/H with D == H: no factor at all, said as one)
        if n1.split("/")[-1] != n2.split("/")[-1] and abs(abs(v1 * v2) - 1.0) > 1e-12:
            out.append((_times(n1, n2), v1 * v2))
    # a size multiplied in where it divides (N*N: `* N` for `/ N`), or divided twice
    for name, v in view.sizes.items():
        if v and int(v) > 1 and "*" not in name:
            out += [(f"{name}*{name}", float(v) ** 2), (f"1/({name}*{name})", 1.0 / v ** 2)]
    # one too many or too few counted (N/(N-1): a sample variance's habit, a count off by one)
    for name, v in view.sizes.items():
        if v and int(v) > 2:
            out += [(f"{name}/({name}-1)", v / (v - 1.0)), (f"({name}-1)/{name}", (v - 1.0) / v)]
    out += [(f"-{n}", -v) for n, v in list(out)]
    return out


# Plain factors a student writes by hand (a term counted twice, a stray 0.5), said before
# a size that has the same value on every input.
_COMMON_PLAIN = {"2": "twice", "1/2": "half", "-2": "minus twice", "-1/2": "minus half"}


def _also_size(plain: str, view: View) -> str:
    """' (here that is also 1/N, N = 2)' when a size or scalar has the value of `plain`."""
    c = float(Fraction(plain))
    names = [n for n, v in _named_factors(view) if not _composite(n) and abs(v - c) <= 1e-9]
    if not names:
        return ""
    notes = re.sub(r"^ \((.*) here\)$", r"\1", _size_words(names[0], view))
    return f" (here that is also {names[0]}: {notes})"


def _round_number(x: float) -> str | None:
    """x written out when it has one significant digit (0.00001, 2e-05 as 0.00002, 300),
    else None."""
    if not np.isfinite(x) or x <= 0:
        return None
    exp = int(np.floor(np.log10(x)))
    lead = x / 10.0 ** exp
    digit = round(lead)
    if abs(lead - digit) > 1e-6 * lead:
        return None
    if digit == 10:                # 0.00099999999 is 0.001
        digit, exp = 1, exp + 1
    return np.format_float_positional(digit * 10.0 ** exp, trim="-")


def _display(said: str) -> str:
    """'2 x 1/N' -> '2/N', '1/2 x N' -> 'N/2'; any other factor as it is."""
    number, sep, name = said.partition(" x ")
    if not sep:
        return said
    if name.startswith("1/") and "/" not in number:
        return f"{number}/{name[2:]}"
    if number.startswith("1/") and "/" not in name:
        return f"{name}/{number[2:]}"
    return f"{number}*{name}"


def _composite(said: str) -> bool:
    """True for a factor said as a product or quotient of two names ('D/H', 'N*T')."""
    return len(re.findall(r"[A-Za-z_]\w*", said)) > 1


def _times(a: str, b: str) -> str:
    """'N' and '1/dloss' -> 'N/dloss'; '1/N' and '1/T' -> '1/(N*T)'; 'N' and 'T' -> 'N*T'."""
    num = [x for x in (a, b) if not x.startswith("1/")]
    den = [x[2:] for x in (a, b) if x.startswith("1/")]
    top = "*".join(num) if num else "1"
    if not den:
        return top
    return f"{top}/{den[0]}" if len(den) == 1 else f"{top}/({den[0]}*{den[1]})"


def _value_of(said: str, view: View) -> float | None:
    """The value a factor said as `said` ('1/N', '-dloss', '2', '2 x 1/N') has in `view`."""
    if " x " in said:
        number, _, rest = said.partition(" x ")
        v = _value_of(rest, view)
        try:
            return None if v is None else float(Fraction(number)) * v
        except (ValueError, ZeroDivisionError):
            return None
    for s, v in _named_factors(view):
        if s == said:
            return v
    try:
        return float(Fraction(said))
    except (ValueError, ZeroDivisionError):
        pass
    # a factor of another case said here, where a scalar in it is 1 and so is no factor of
    # its own (N/dloss with dloss = 1 is N): its value from the sizes and scalars
    if not re.fullmatch(r"[-\w*/(). ]+", said):
        return None
    names = {k: float(v) for k, v in view.sizes.items() if k.isidentifier()}
    names.update({k: float(v) for k, (v, _label) in view.scalars.items() if k.isidentifier()})
    if not set(re.findall(r"[A-Za-z_]\w*", said)) <= set(names):
        return None
    try:
        return float(eval(said, {"__builtins__": {}}, names))   # our own words, not input
    except (ArithmeticError, SyntaxError, TypeError, ValueError):
        return None


def _size_words(said: str, view: View) -> str:
    """'(N = 4 here)'-style note for a factor named after sizes or scalars."""
    notes = []
    found = re.findall(r"[A-Za-z_][\w.\[\]-]*(?:\*[A-Za-z_]\w*)?", said)
    # a product that is not a declared size of its own ("N*T") is said by its factors
    found = [part for n in found for part in ([n] if n in view.sizes else n.split("*"))]
    for name in sorted(set(found), key=said.find):
        if name in view.sizes:
            notes.append(f"{name} = {view.sizes[name]}")
        elif name in view.scalars:
            v, label = view.scalars[name]
            notes.append(f"{label}, {name} = {float(v):.4g}")
    return f" ({'; '.join(notes)} here)" if notes else ""


# ---------------------------------------------------------------- relations

class _Claim:
    """A relation for output `name`: `holds(view)` on one case; text and id when said."""

    def __init__(self, holds: Callable[[View], bool], text: Callable[[View], str],
                 cause_id: str, title: str):
        if not callable(text):
            text = (lambda _v, t=text: t)
        self.holds, self.text, self.cause_id, self.title = holds, text, cause_id, title


def _quantity_value(v: View, key: str) -> np.ndarray | None:
    """A declared quantity's value in view v; "1-<key>" is 1 minus the quantity <key>."""
    if key in v.quantities:
        return _arr(v.quantities[key].value)
    if key.startswith("1-") and key[2:] in v.quantities:
        return 1.0 - _arr(v.quantities[key[2:]].value)
    return None


def layer_contractions(da, layers, g: str = "the gradient on the pre-activation") -> dict:
    """`View.contractions` of a layer a = sum of x @ W (+ b), given the gradient da (N, H)
    on a: for each (dx_name, x_words, x, dW_name, W_words, W) in `layers`, dx = da @ W.T and
    dW = x.T @ da (an output named None is left out)."""
    out = {}
    for dx_name, x_words, x, dW_name, W_words, W in layers:
        if dx_name is not None:
            out[dx_name] = (g, da, W_words, W, "nh,dh->nd")
        if dW_name is not None:
            out[dW_name] = (x_words, x, g, da, "nd,nh->dh")
    return out


def _einsum_parts(subscripts: str):
    """(a, b, out, shared, free) of "a,b->out": the letters of each operand and of the
    output, the letters summed over (in both operands, not in the output), and letters
    unused; None when the subscripts are not of that form."""
    try:
        ins, out = subscripts.replace(" ", "").split("->")
        a, b = ins.split(",")
    except ValueError:
        return None
    shared = [c for c in a if c in b and c not in out]
    free = [c for c in "abcdefghijklmnopqrstuvwxyz" if c not in a + b + out]
    return a, b, out, shared, free


_SKIPPED = ("sum-skips-a-term", "a sum that skips its first or last term")
_ONE_TERM = ("sum-keeps-one-term", "a sum that keeps one term only")


def _skip_term(subscripts: str, A, B, cut: slice):
    """np.einsum(subscripts, A, B) with the index the two share (and sum over) cut to
    `cut` in both, or None when there is no single such index."""
    parts = _einsum_parts(subscripts)
    if parts is None:
        return None
    a, b, _out, shared, _free = parts
    if len(shared) != 1 or A.shape[a.index(shared[0])] < 2:
        return None
    ia, ib = a.index(shared[0]), b.index(shared[0])
    take = lambda X, ax: X[(slice(None),) * ax + (cut,)]          # noqa: E731
    return np.einsum(subscripts, take(A, ia), take(B, ib))


def _same_shaped(first: View, name: str, shape: tuple) -> list:
    """(label, get(view)) for every array of `shape` an operand may be replaced by: the
    declared quantities (and their positive and negative parts), the other outputs'
    expected values and the student's other outputs."""
    out = [(q.label, lambda v, k=k: v.quantities[k].value if k in v.quantities else None)
           for k, q in first.quantities.items() if _arr(q.value).shape == shape]
    for k, q in first.quantities.items():
        x = _arr(q.value)
        if x.shape == shape and np.any(x > 0) and np.any(x < 0):
            for part, f in (("positive", lambda y: np.maximum(y, 0.0)),
                            ("negative", lambda y: np.minimum(y, 0.0))):
                out.append((f"the {part} part of {q.label}", lambda v, k=k, f=f: f(
                    _arr(v.quantities[k].value)) if k in v.quantities else None))
    for o in first.truth:
        if o != name and _arr(first.truth[o]).shape == shape:
            out.append((f"the expected {o}", lambda v, o=o: v.truth.get(o)))
            out.append((f"your {o}", lambda v, o=o: v.outputs.get(o)))
    return out


def _spread_variants(subscripts: str) -> list[tuple[int, str]]:
    """(side, subscripts) with an index that both operands share with the output renamed,
    in one operand (side 0: the first, 1: the second), to a fresh index summed over."""
    parts = _einsum_parts(subscripts)
    if parts is None:
        return []
    a, b, out, _shared, free = parts
    found = []
    for c in out:
        if c in a and c in b and free:
            found.append((0, f"{a.replace(c, free[0])},{b}->{out}"))
            found.append((1, f"{a},{b.replace(c, free[0])}->{out}"))
    return found


def _sums_apart(subscripts: str) -> str | None:
    """The einsum subscripts with every index shared by the two operands (and summed over)
    renamed in the second: each operand summed on its own, then the sums multiplied."""
    parts = _einsum_parts(subscripts)
    if parts is None:
        return None
    a, b, out, shared, free = parts
    if not shared or len(free) < len(shared):
        return None
    for c, fresh in zip(shared, free):
        b = b.replace(c, fresh)
    return f"{a},{b}->{out}"


def _claims(name: str, first: View, layout: Layout) -> list[_Claim]:
    """Every relation worth trying for `name`, built from the first wrong case, simplest
    first. Each holds(view) re-derives its numbers from that view (sizes, quantities)."""
    a0, e0 = _arr(first.outputs[name]), _arr(first.truth[name])
    claims: list[_Claim] = []

    def add(holds, text, cause_id, title):
        claims.append(_Claim(holds, text if callable(text) else (lambda _v, t=text: t),
                             cause_id, title))

    # trivial
    add(lambda v: _nontrivial(v.truth[name]) and not np.any(_arr(v.outputs[name])),
        f"@@ is all zeros, where the expected values are not",
        "all-zeros", "an output that is all zeros")
    if a0.size > 1:
        add(lambda v: _arr(v.outputs[name]).size > 1 and _nontrivial(v.outputs[name])
            and np.ptp(_arr(v.outputs[name])) <= 1e-12 * np.max(np.abs(_arr(v.outputs[name])))
            and np.ptp(_arr(v.truth[name])) > 0,
            lambda v: f"every entry of @@ is the same number "
                      f"({float(_arr(v.outputs[name]).flat[0]):.6g}); the expected entries differ",
            "constant", "one number for every entry")
    # two outputs exchanged: yours holds the other's expected value, and the other yours
    for o in first.truth:
        if o == name or o not in first.outputs or _arr(first.truth[o]).shape != a0.shape:
            continue
        add(lambda v, o=o: o in v.outputs and _nontrivial(v.truth[o])
            and close(v.outputs[name], v.truth[o]) and close(v.outputs[o], v.truth[name]),
            f"@@ and {o} are exchanged: yours holds the expected {o}, and your {o} the "
            f"expected @@", "outputs-swapped", "two outputs exchanged")
    # equal to another expected quantity (another output, an input, a cached value)
    others = [(f"the expected {o}", (lambda v, o=o: v.truth.get(o)), "output-swapped",
               "an output equal to another output") for o in first.truth if o != name]
    others += [(q.label, (lambda v, k=k: v.quantities[k].value if k in v.quantities else None),
                f"equals-{q.kind}", f"an output equal to {q.kind}")
               for k, q in first.quantities.items()]
    for label, get, cid, title in others:
        q0 = get(first)
        if q0 is None or _arr(q0).shape != a0.shape:
            continue
        for sign, word in ((1, ""), (-1, "minus ")):
            add(lambda v, get=get, sign=sign: get(v) is not None
                and _nontrivial(get(v)) and close(v.outputs[name], sign * _arr(get(v))),
                f"@@ equals {word}{label}", cid if sign == 1 else cid + "-negated",
                title if sign == 1 else title + ", negated")
    # another expected output summed (or averaged) over one of its axes (a bias's gradient
    # taken from a weight's: db from dW's columns)
    for o in first.truth:
        t0 = _arr(first.truth[o])
        if o == name or t0.ndim < 1:
            continue
        for axis in range(t0.ndim):
            if t0.sum(axis=axis).shape != a0.shape:
                continue
            for how, fn in (("summed", np.sum), ("averaged", np.mean)):
                add(lambda v, o=o, axis=axis, fn=fn: o in v.truth and _arr(v.truth[o]).ndim > axis
                    and _nontrivial(v.truth[o]) and _arr(v.truth[o]).sum(axis=axis).shape
                    == _arr(v.outputs[name]).shape
                    and close(v.outputs[name], fn(_arr(v.truth[o]), axis=axis)),
                    f"@@ equals the expected {o} {how} over its axis {axis}",
                    "output-of-another-summed", "an output made from another output")
    # the upstream gradient passed on some entries and blocked on the others, like the right
    # answer, but on another set: the condition that picks the entries is said when it is a
    # comparison of the declared quantities
    for k, q in first.quantities.items():
        if q.kind != "upstream" or _arr(q.value).shape != a0.shape:
            continue
        for words in _conditions_of(first, _gate_mask(first, k, name, "outputs"), k):
            right_words: list = []       # the right mask's conditions, on every case seen

            def gate_holds(v, k=k, words=words, right_words=right_words):
                mine, right = _gate_mask(v, k, name, "outputs"), _gate_mask(v, k, name, "truth")
                if mine is None or right is None or np.array_equal(mine, right) or \
                        words not in _conditions_of(v, mine, k):
                    return False
                here = _conditions_of(v, right, k)
                right_words[:] = [w for w in (right_words or here) if w in here]
                return True
            add(gate_holds, lambda v, k=k, q=q, words=words, right_words=right_words:
                _gate_text(q, words, right_words), "gate-condition",
                "the upstream gradient let through on the wrong entries")
    # another quantity (the forward input, not the upstream gradient) passed on where a
    # comparison of the declared quantities holds, 0 elsewhere (arguments of a where swapped)
    for k, q in first.quantities.items():
        if q.kind == "upstream" or _arr(q.value).shape != a0.shape:
            continue
        mask0 = _gate_mask(first, k, name, "outputs")
        if mask0 is None or not 0 < int(np.sum(mask0)) < mask0.size:
            continue
        for words in [w for w, m in _all_conditions(first)
                      if m.shape == mask0.shape and np.array_equal(m, mask0)]:
            def passed(v, k=k, words=words):
                mine = _gate_mask(v, k, name, "outputs")
                return mine is not None and any(
                    w == words and m.shape == mine.shape and np.array_equal(m, mine)
                    for w, m in _all_conditions(v))
            add(passed, f"@@ is {q.label} where {words}, and 0 elsewhere: {q.label} is "
                f"passed on where a gradient belongs", "quantity-passed",
                "a value passed on where a gradient belongs")
    # scale
    if _nontrivial(e0):
        c0 = float(np.sum(a0 * e0) / np.sum(e0 * e0))
        named = [s for s, v in _named_factors(first)
                 if abs(v - c0) <= max(1e-6, layout.match_tol) * abs(v)]
        # one size or scalar first (1/N), then the plain number (1/2), then a product or
        # quotient of two (D/H): two sizes that happen to give 1/2 on every input do not
        # name the factor when 1/2 says it
        single = [s for s in named if not _composite(s)]
        # (a count off by one, N/(N-1), is tried beside 2/N, not instead of it)
        sized = [s for s in named if "-1)" not in s]
        said = list(single)
        plain = say_number(c0, tol=max(1e-6, layout.match_tol))
        if plain in _COMMON_PLAIN:
            # twice or half: a plain 2 is far more common than a size that happens to be 2
            # on every input of a check; the size is said as what it also is
            said.insert(0, plain)
        elif plain is not None and plain not in ("1",):
            # a product of two sizes (1/(N*T): a mean over every entry) before the plain
            # 1/10 it gives; a quotient (D/H) stays after it
            said += [s for s in named if _composite(s) and "*" in s]
            # a count off by one (N/(N-1)) before the plain number it gives, unless a
            # quotient of two sizes gives it too (H/D)
            if not [s for s in named if _composite(s) and "*" not in s and "-1)" not in s]:
                said += [s for s in named if "-1)" in s]
            said.append(plain)
        elif not sized and c0 != 0 and abs(c0 - 1) > 1e-6:
            said.append(repr(round(c0, 12)))
        if not sized and c0 != 0:
            # a small number times one size (2/N: the mean and a factor 2)
            for n, v in _named_factors(first):
                k = say_number(c0 / v) if not _composite(n) and not n.startswith("-") else None
                if k not in (None, "0", "1", "-1") and abs(Fraction(k).numerator) <= 4:
                    said.append(f"{k} x {n}")
        fixed_notes: dict = {}       # said -> where the fixed number acts
        if not sized and not named and c0 > 0:
            # a scalar fixed at a round number where it belongs (h/0.00001: the step typed
            # as 1e-5 in the division), said as the scalar over that number, or that number
            # over it
            for n, (v, _label) in first.scalars.items():
                v = float(v)
                if not n.isidentifier() or v <= 0:
                    continue
                for fixed, form, does, should in ((v / c0, "{n}/{k}", "divides", "divide"),
                                                  (c0 * v, "{k}/{n}", "multiplies",
                                                   "multiply")):
                    k = _round_number(fixed)
                    if k is not None and abs(fixed - v) > 1e-6 * v:
                        said.append(form.format(n=n, k=k))
                        fixed_notes[said[-1]] = (
                            f": your code {does} by a fixed number where it should {should} "
                            f"by {n} (as if {n} were {k} there)")
        said += [s for s in named if _composite(s) and s not in said and "-1)" not in s]
        said += [s for s in named if s not in said]
        loose = layout.match_tol > MATCH_TOL
        for s in said:
            def holds(v, s=s):
                c = _value_of(s, v)
                return c is not None and _nontrivial(v.truth[name]) and \
                    close(v.outputs[name], c * _arr(v.truth[name]), tol=layout.match_tol)
            if s == "-1":
                text, cid, title = (f"@@ has the sign flipped: every entry is exactly minus "
                                    "the expected one", "sign-flipped", "the sign is flipped")
            elif s in _COMMON_PLAIN:
                text = (lambda v, s=s: f"every entry of @@ is exactly {s} times "
                                       f"({_COMMON_PLAIN[s]}) the expected one"
                                       + _also_size(s, v))
                cid, title = f"scale-{s}", f"every entry {s} times the right one"
            else:
                text = (lambda v, s=s: f"every entry of @@ is exactly {_display(s)} times the "
                                       f"expected one{_equal_sizes(s, v)}{_size_words(s, v)}"
                                       f"{_upstream_note(s, v)}{fixed_notes.get(s, '')}")
                cid = f"scale-{_display(s)}"
                title = f"every entry {_display(s)} times the right one"
            if loose:          # a difference quotient's answer: a scale to its accuracy
                def text(v, t=text, s=s):
                    said = t(v) if callable(t) else t
                    c = _value_of(s, v)
                    if c is not None and close(v.outputs[name], c * _arr(v.truth[name])):
                        return said
                    return said.replace("exactly ", "") + \
                        f" (to within {layout.match_tol:.0e} relatively)"
            add(holds, text, cid, title)
    # whole numbers where fractions belong: an integer array (or int(), //) on the way, the
    # fraction cut off before a last factor (dloss / r.size) is applied (on several entries:
    # a count of one number is a whole number of 1/H by its nature)
    if _nontrivial(e0) and _nontrivial(a0) and a0.size >= 4:
        # (in units of 1 it is a function of the expected one, said below)
        for s, c in [(n, v) for n, v in _named_factors(first)
                     if not n.startswith("-") and "-1)" not in n]:
            units = a0 / c if c else None
            if units is None or not np.all(np.abs(units - np.round(units)) <= 1e-9 *
                                           np.maximum(1.0, np.abs(units))):
                continue      # yours is no whole number of these units on the first case
            for cut, how in ((np.trunc, "toward zero"), (np.floor, "down")):
                def holds(v, s=s, cut=cut):
                    c = _value_of(s, v)
                    if c is None or c == 0:
                        return False
                    e = _arr(v.truth[name])
                    whole = cut(np.round(e / c, 9)) * c
                    return not close(whole, e) and close(v.outputs[name], whole)
                add(holds, lambda v, s=s, how=how:
                    f"every entry of @@ is the expected one (counted in units of "
                    f"{_display(s)}) with its fraction cut off ({how}){_size_words(s, v)}: "
                    "whole numbers where fractions belong (an integer array, int() or // on "
                    "the way)",
                    "fraction-cut", "the fractions cut off (an integer on the way)")
    # transposed
    if a0.ndim == 2 and a0.shape[0] == a0.shape[1] > 1:
        add(lambda v: _arr(v.outputs[name]).ndim == 2 and close(v.outputs[name],
                                                              _arr(v.truth[name]).T),
            f"@@ is the transpose of the expected @@", "transposed",
            "a transposed result")
    # along a time axis: reversed, shifted by one
    for axis, word in layout.axes.get(name, {}).items():
        if "step" not in word:
            continue
        add(lambda v, ax=axis: close(v.outputs[name], np.flip(_arr(v.truth[name]), ax)),
            f"@@ is the expected @@ reversed in time: your {word} t holds the "
            f"value of {word} T-1-t", "time-reversed", "the sequence walked the wrong way")
        for d, where in ((1, "next"), (-1, "previous")):
            add(lambda v, ax=axis, d=d: _shifted(v.outputs[name], v.truth[name], ax, d),
                f"@@ is shifted by one {word}: at each {word} yours holds the expected "
                f"value of the {where} {word}", "time-shifted",
                "a result off by one time step")
    # along any declared axis: shifted by one with the ends wrapping around (an index i - 1
    # or i + 1 in a loop over that axis; Python's x[-1] at i = 0)
    for axis, word in layout.axes.get(name, {}).items():
        if a0.ndim <= axis or a0.shape[axis] < 3:
            continue
        for d, where, first_last in ((1, "previous", f"{word} 0 that of the last"),
                                     (-1, "next", f"the last {word} that of {word} 0")):
            add(lambda v, ax=axis, d=d: _arr(v.outputs[name]).ndim > ax and close(
                v.outputs[name], np.roll(_arr(v.truth[name]), d, axis=ax)),
                f"@@ is the expected value moved by one {word}: at each {word} yours holds the "
                f"expected value of the {where} {word}, {first_last} (an index "
                f"{'i - 1' if d == 1 else 'i + 1'} where i belongs)", "index-shift-wrap",
                "an index off by one, wrapping around")
    # blocks in another order
    if name in layout.blocks:
        axis, names = layout.blocks[name]
        k = len(names)
        if a0.shape[axis] % k == 0:
            for order in itertools.permutations(range(k)):
                if order == tuple(range(k)):
                    continue
                said = ", ".join(names[i] for i in order)
                add(lambda v, order=order, ax=axis, k=k: close(
                    v.outputs[name], _permute_blocks(v.truth[name], ax, k, order)),
                    f"@@ holds the right blocks in the wrong order along axis {axis}: "
                    f"yours is in the order {said} where the blocks are "
                    f"{', '.join(names)}", "blocks-swapped", "blocks stacked in the wrong order")
    # whole slices along an axis in another order (a row's values in another row)
    for axis in range(a0.ndim):
        if a0.shape[axis] > 1 and a0.size > a0.shape[axis]:
            add(lambda v, axis=axis: _slice_order(v.outputs[name], v.truth[name], axis)
                is not None,
                lambda v, axis=axis: _slice_order_words(
                    _slice_order(v.outputs[name], v.truth[name], axis), axis, a0.ndim,
                    layout.axes.get(name, {}).get(axis)),
                "slices-reordered", "whole slices in another order")
    # the right numbers in other places (axes mixed up: a reshape where a transpose belongs)
    if a0.size > 3:
        add(lambda v: _rearranged(v.outputs[name], v.truth[name]),
            "@@ holds exactly the expected numbers, but in other places: the entries are "
            "rearranged (follow each reshape, transpose, stacking and index order on the way "
            "to @@: a reshape keeps the order of the entries, a transpose changes it)",
            "rearranged", "the right numbers in other places")
    # the right answer for an input moved along its axis (the upstream one step late)
    for label, alt in first.alternatives.items():
        kind = (alt[1] if isinstance(alt, tuple) else
                "loop-walk" if label.startswith("what ") else "forward-term-left-out"
                if label.startswith("of the forward pass without ") else
                "input-moved-along-axis")
        add(lambda v, label=label: _alternative(v, label, name) is not None
            and close(v.outputs[name], _alternative(v, label, name)),
            f"@@ is exactly {label}" if label.startswith("what ") else
            f"@@ is exactly the right gradient {label}", kind,
            _TITLES.get(kind, "the right answer of another computation"))
    # a declared term missing or counted twice
    for label in first.terms:
        t0 = first.terms[label].get(name)
        if t0 is None or _arr(t0).shape != a0.shape:
            continue
        for sign, word, cid in ((-1, "misses a", "missing-term"), (1, "has a",
                                                                    "term-twice")):
            add(lambda v, label=label, sign=sign: label in v.terms and name in v.terms[label]
                and _nontrivial(v.terms[label][name])
                and close(v.outputs[name], _arr(v.truth[name]) + sign * _arr(
                    v.terms[label][name]), scale=float(np.max(np.abs(_arr(v.truth[name]))))),
                f"@@ {word} contribution{' too many' if sign > 0 else ''}: yours minus the "
                f"expected equals "
                f"{'minus ' if sign < 0 else ''}{label}",
                f"{cid}", "a contribution missing" if sign < 0 else "a contribution too many")
        add(lambda v, label=label: label in v.terms and name in v.terms[label]
            and close(v.outputs[name], v.terms[label][name]),
            f"@@ holds only {label}; the other contributions are missing",
            "only-one-term", "only one contribution kept")
    # the expected value kept only where a quantity is positive (or negative), zero
    # elsewhere: a mask taken on a quantity where none belongs
    for k, q in first.quantities.items():
        qv = _arr(q.value)
        # (a mask on the upstream gradient: said by the responses, which negate it)
        if qv.shape != a0.shape or not (np.any(qv > 0) and np.any(qv < 0)) or \
                q.kind == "upstream":
            continue
        for sign, cond in ((1, "> 0"), (-1, "< 0")):
            add(lambda v, k=k, sign=sign: _quantity_value(v, k) is not None
                and _arr(_quantity_value(v, k)).shape == _arr(v.truth[name]).shape
                and _nontrivial(v.truth[name]) and close(
                    v.outputs[name], _arr(v.truth[name]) * (sign * _quantity_value(v, k) > 0)),
                f"@@ is the expected value where {q.label} {cond}, and zero elsewhere: a "
                f"mask taken on {q.label} that does not belong there",
                "masked-by-quantity", "a mask on a quantity where none belongs")
    # a factor entry by entry: yours = expected * q or expected / q
    for k, q in first.quantities.items():
        qv = _arr(q.value)
        if qv.shape != a0.shape:
            continue
        for op, word in ((np.multiply, f"has a factor {q.label} too many: yours is the "
                                       "expected value times it"),
                         (np.divide, f"is missing a factor {q.label}: yours is the expected "
                                     "value divided by it")):
            add(lambda v, k=k, op=op: k in v.quantities and _nontrivial(v.truth[name])
                and _factor_holds(v.outputs[name], v.truth[name], v.quantities[k].value, op),
                f"@@ {word}, entry by entry"
                + (": the upstream gradient is multiplied in a second time" if q.kind ==
                   "upstream" and op is np.multiply and "step" not in q.label
                   and "arriving at" not in q.label else ""),
                f"extra-factor-{q.kind}" if op is np.multiply else f"divided-by-{q.kind}",
                f"an extra factor ({q.kind})" if op is np.multiply else
                f"a factor missing ({q.kind})")
    # divided by a quantity where the right one multiplies by it (or the reverse): yours =
    # expected / q**2 (or * q**2)
    # (the upstream gradient's own: said by the responses, which call the function again)
    for k, q in first.quantities.items():
        qv = _arr(q.value)
        if qv.shape != a0.shape or not np.all(np.abs(qv) > 1e-12) or q.kind == "upstream":
            continue
        for op, word, how in ((np.divide, f"divides by {q.label} where the right one "
                                          "multiplies by it", "divided by"),
                              (np.multiply, f"multiplies by {q.label} where the right one "
                                            "divides by it", "times")):
            add(lambda v, k=k, op=op: k in v.quantities and _nontrivial(v.truth[name])
                and _factor_holds(v.outputs[name], v.truth[name],
                                  np.square(_arr(v.quantities[k].value)), op),
                f"@@ {word}: yours is the expected value {how} the square of it, entry by "
                "entry", "divides-for-multiplies",
                "a division where a multiplication belongs (or the reverse)")
    # one factor in place of another: yours = expected * q1 / q2 (a gate or state swapped)
    # (each quantity q also as (1 - q): a typo inside a factor (1 - z))
    same = [(k, q.label) for k, q in first.quantities.items()
            if _arr(q.value).shape == a0.shape]
    same += [("1-" + k, f"(1 - {label})") for k, label in same
             if not k.startswith("1-") and "1-" + k not in first.quantities]
    same = [(k, label) for k, label in same
            if np.all(np.abs(_quantity_value(first, k)) > 1e-12)]
    for (k1, l1), (k2, l2) in itertools.permutations(same, 2):
        add(lambda v, k1=k1, k2=k2: _quantity_value(v, k1) is not None
            and _quantity_value(v, k2) is not None
            and _nontrivial(v.truth[name]) and _factor_holds(
                v.outputs[name], v.truth[name],
                _quantity_value(v, k1) / _quantity_value(v, k2), np.multiply),
            f"@@ is what the expected value would be with {l1} as a factor instead "
            f"of {l2} (entry by entry, the expected value times the first, divided by the "
            "second, wherever the second is a factor of it or not)",
            "factor-in-place-of-another",
            "one factor in place of another")
    # a function of the expected value, entry by entry: its square, its square root, its
    # absolute value, its reciprocal (a square root or a sign left out, a division turned)
    for fn, word in ((np.square, "the square of the expected value"),
                     (lambda e: np.sqrt(np.abs(e)), "the square root of the expected value"),
                     (np.abs, "the absolute value of the expected value (its sign dropped)"),
                     (lambda e: 1.0 / e, "1 over the expected value (its reciprocal)"),
                     (np.trunc, "the expected value with its fractional part dropped (as an "
                                "integer array stores it)"),
                     (np.floor, "the expected value rounded down to a whole number (as `//` "
                                "does)")):
        add(lambda v, fn=fn: _nontrivial(v.truth[name]) and bool(np.all(np.isfinite(
            fn(_arr(v.truth[name]))))) and not close(fn(_arr(v.truth[name])),
                                                     _arr(v.truth[name]))
            and close(v.outputs[name], fn(_arr(v.truth[name]))),
            f"@@ is {word}" if a0.size == 1 else f"every entry of @@ is {word}, entry by "
            "entry", "function-of-expected",
            "a function of the right value")
    # one number, the same on every case where it is wrong (two at least), whatever the input
    if a0.size == 1:
        c0 = _arr(first.outputs[name]).ravel()[0]
        add(lambda v: _arr(v.outputs[name]).size == 1 and bool(np.isfinite(c0)) and close(
            v.outputs[name], c0),
            f"@@ is {_num(float(c0))} on every case where it is wrong, whatever the input",
            "same-number-everywhere", "one number whatever the input")
    # whole numbers where the expected values are not: something rounds on the way
    add(lambda v: _nontrivial(v.outputs[name]) and bool(np.all(np.isfinite(_arr(
        v.outputs[name])))) and bool(np.all(_arr(v.outputs[name]) == np.round(_arr(
            v.outputs[name])))) and np.mean(_arr(v.truth[name]) != np.round(_arr(
                v.truth[name]))) > 0.5,
        "every entry of @@ is a whole number, where the expected entries are not: something "
        "on the way rounds (an integer array, `//`, int() or np.round)", "whole-numbers",
        "whole numbers where fractions belong")
    # limited to a band: yours = the expected value clipped to [-c, c] (a clip, np.clip)
    if a0.size > 1:
        def clipped(v):
            a, e = _arr(v.outputs[name]), _arr(v.truth[name])
            c = float(np.max(np.abs(a), initial=0.0))
            return c if c > 0 and np.any(np.abs(e) > c * (1 + 1e-6)) and close(
                a, np.clip(e, -c, c)) else None
        def clipped_text(v):
            c, e = clipped(v), _arr(v.truth[name])
            if np.all(e >= 0) or np.all(e <= 0):
                sign = "" if np.all(e >= 0) else "-"
                return (f"@@ is the expected value capped at {sign}{c:.4g}: where the expected "
                        f"entry is smaller in size yours is right, where it is larger yours is "
                        f"{sign}{c:.4g}")
            return (f"@@ is the expected value limited to the band from -{c:.4g} to {c:.4g}: "
                    "where the expected entry is smaller in size yours is right, where it is "
                    "larger yours is cut to the edge of the band")
        add(lambda v: clipped(v) is not None, clipped_text,
            "clipped", "the right value clipped to a band")
    # a running total along a time axis: yours at t is the sum of the expected values of the
    # steps t..T-1 (or 0..t), where each step needs its own
    for axis, word in layout.axes.get(name, {}).items():
        if "step" not in word or a0.ndim <= axis or a0.shape[axis] < 2:
            continue
        for backward, span in ((True, f"{word}s t to T-1"), (False, f"{word}s 0 to t")):
            def running(v, axis=axis, backward=backward):
                e = _arr(v.truth[name])
                if backward:
                    return np.flip(np.cumsum(np.flip(e, axis), axis=axis), axis)
                return np.cumsum(e, axis=axis)
            add(lambda v, running=running: _nontrivial(v.truth[name])
                and close(v.outputs[name], running(v)),
                f"at each {word} t, @@ holds the sum of the expected values of the {span}: a "
                f"running total, where each {word} needs its own value",
                "running-total", "a running total along the steps")
    # zeros in the first or last slice along an axis, right everywhere else (never filled)
    for axis in range(a0.ndim):
        if a0.shape[axis] < 2:
            continue
        for idx in (-1, 0):
            def edge_zero(v, axis=axis, idx=idx):
                a, e = _arr(v.outputs[name]), _arr(v.truth[name])
                return a.ndim > axis and a.shape[axis] > 1 and not np.any(
                    np.take(a, idx, axis=axis)) and bool(np.all(np.take(e, idx, axis=axis)
                                                                != 0)) and close(
                    np.delete(a, idx, axis=axis), np.delete(e, idx, axis=axis),
                    scale=float(np.max(np.abs(e))))
            place = (_slice_words(a0.ndim, axis, idx) if a0.ndim > 1 else
                     f"the {'first' if idx == 0 else 'last'} entry (index {idx})")
            add(edge_zero, f"@@ is right everywhere except {place}, which is all zeros "
                f"(never filled) where the expected values are not",
                "edge-left-zero", "the first or last slice left at zero")
    # one entry at an end of the flat (row-major) order left at zero, on outputs of any
    # shape: a loop over every entry that starts one late or stops one early
    for idx in (-1, 0):
        def flat_edge_zero(v, idx=idx):
            a, e = _arr(v.outputs[name]).ravel(), _arr(v.truth[name]).ravel()
            return a.size == e.size > 1 and a[idx] == 0 and e[idx] != 0 and close(
                np.delete(a, idx), np.delete(e, idx), scale=float(np.max(np.abs(e))))
        end = "first" if idx == 0 else "last"
        add(flat_edge_zero, f"@@ is right everywhere except its {end} entry in row-major "
            f"order, which is 0 where the expected value is not (a loop over every entry "
            f"that {'starts one late' if idx == 0 else 'stops one early'})",
            "edge-entry-left-zero", "the first or last entry left at zero")
    # right on one side of a value of a declared quantity, one number on the other (a floor,
    # a guard, a default that takes over below some value)
    # (where the output has declared regions, the extent says it with their names)
    for k, q in first.quantities.items():
        if _arr(q.value).shape != a0.shape or a0.size < 4 or first.regions.get(name) or \
                first.thresholds.get(name):
            continue
        for below in (True, False):
            def band(v, k=k, below=below):
                if k not in v.quantities:
                    return None
                a, e, x = _arr(v.outputs[name]), _arr(v.truth[name]), _arr(v.quantities[k].value)
                if x.shape != a.shape:
                    return None
                bad = _rel_err(a, e) > 1e-6
                if bad.sum() < 2 or (~bad).sum() < 2:
                    return None
                lo, hi = ((float(x[bad].max()), float(x[~bad].min())) if below else
                          (float(x[~bad].max()), float(x[bad].min())))
                there = a[bad]
                if not lo < hi or np.ptp(there) > 1e-9 * max(float(np.max(np.abs(there))),
                                                             1e-300):
                    return None
                return lo, hi, float(there[0])

            def band_text(v, band=band, below=below, label=q.label):
                lo, hi, c = band(v)
                cut = _switch(lo, hi, {}, 0)[1]
                side, other = ("below", "above") if below else ("above", "below")
                there = ("0 there (nothing passes)" if c == 0 else
                         f"the same number there, {c:.6g}")
                return (f"@@ is right where {label} is {other} {cut} and wrong wherever it is "
                        f"{side}: every entry of yours is {there}")
            add(lambda v, band=band: band(v) is not None, band_text,
                "one-number-beyond-a-value", "one number beyond a value of a quantity")
    # the complement: yours = 1 - expected (a share counted from the other side)
    add(lambda v: _nontrivial(v.truth[name]) and np.all(_arr(v.truth[name]) != 0.5)
        and close(v.outputs[name], 1.0 - _arr(v.truth[name])),
        "@@ is 1 minus the expected value: the complement, the share of the other side",
        "complement", "the complement (1 minus the right value)")
    # off by one number: yours - expected is the same nonzero number in every entry
    if a0.size > 1:
        def offset(v):
            d = _arr(v.outputs[name]) - _arr(v.truth[name])
            c = float(np.mean(d))
            return c if d.size > 1 and c != 0 and close(d, np.full(d.shape, c)) else None
        add(lambda v: offset(v) is not None,
            lambda v: f"every entry of @@ is off by the same amount: yours minus the expected "
                      f"is {offset(v):.6g} everywhere (an added constant, or a term that does "
                      "not depend on the entry)", "constant-offset", "off by one constant")
    # a declared quantity added or subtracted (an extra term: yours - expected = c x q)
    for k, q in first.quantities.items():
        if _arr(q.value).shape != a0.shape:
            continue
        for s in ["1", "-1"] + [n for n, _ in _named_factors(first) if "*" not in n]:
            word = ("plus " if s == "1" else "minus " if s == "-1" else
                    f"plus {s} times ")
            add(lambda v, k=k, s=s: k in v.quantities and _nontrivial(v.quantities[k].value)
                and (c := _value_of(s, v)) is not None
                and close(v.outputs[name], _arr(v.truth[name]) + c * _arr(
                    v.quantities[k].value), scale=float(np.max(np.abs(_arr(v.truth[name]))))),
                lambda v, word=word, s=s, label=q.label:
                f"@@ is the expected value {word}{label}{_size_words(s, v)}: a term too many",
                f"extra-term-{q.kind}", "an extra term")
    # sums over an axis: yours equals a quantity (or the expected) summed over one axis
    sources = [(f"the expected @@", lambda v: v.truth.get(name))]
    sources += [(q.label, lambda v, k=k: v.quantities[k].value if k in v.quantities else None)
                for k, q in first.quantities.items()]
    for label, get in sources:
        x0 = get(first)
        if x0 is None or _arr(x0).ndim < 2:
            continue
        for axis in range(_arr(x0).ndim):
            def summed(v, get=get, axis=axis, keep=False):
                x = get(v)
                return None if x is None else np.sum(_arr(x), axis=axis, keepdims=keep)
            s0 = summed(first)
            if s0.shape == a0.shape:
                add(lambda v, summed=summed: (t := summed(v)) is not None and _nontrivial(t)
                    and close(v.outputs[name], t),
                    f"@@ equals {label} summed over axis {axis}", "summed-over-axis",
                    "a sum over an axis")
            elif label.startswith("the expected") and _broadcasts(
                    summed(first, keep=True).shape, a0.shape):
                add(lambda v, summed=summed: (t := summed(v, keep=True)) is not None
                    and _nontrivial(t) and close(v.outputs[name], np.broadcast_to(
                        t, _arr(v.outputs[name]).shape)),
                    f"every entry of @@ holds the sum of the expected values along axis "
                    f"{axis}: the sum over that axis, broadcast", "summed-over-axis",
                    "a sum over an axis, broadcast")
                add(lambda v, summed=summed, axis=axis: (t := summed(v, keep=True)) is not None
                    and _nontrivial(t) and close(v.outputs[name], np.broadcast_to(
                        t / _arr(v.truth[name]).shape[axis], _arr(v.outputs[name]).shape)),
                    f"every entry of @@ holds the mean of the expected values along axis "
                    f"{axis}: the mean over that axis, the same in every slice along it",
                    "mean-over-axis", "a mean over an axis, broadcast")
    # one slice of a quantity: the first or last row (or step) where a sum over it belongs
    for k, q in first.quantities.items():
        x0 = _arr(q.value)
        if x0.ndim < 2:
            continue
        for axis in range(x0.ndim):
            if x0.shape[axis] < 2 or np.delete(x0.shape, axis).tolist() != list(a0.shape):
                continue
            for idx in (0, -1):
                add(lambda v, k=k, axis=axis, idx=idx: k in v.quantities
                    and _arr(v.quantities[k].value).ndim > axis
                    and _nontrivial(np.take(_arr(v.quantities[k].value), idx, axis=axis))
                    and close(v.outputs[name], np.take(_arr(v.quantities[k].value), idx,
                                                       axis=axis)),
                    f"@@ equals {_slice_words(x0.ndim, axis, idx)} of {q.label} only",
                    "one-slice", "one slice of a quantity")
    # a product with the wrong operand: yours = Q.T @ G where the truth is X.T @ G
    if name in first.products:
        key, _g = first.products[name]
        if key in first.quantities:
            shape = _arr(first.quantities[key].value).shape
            for k, q in first.quantities.items():
                if k == key or _arr(q.value).shape != shape:
                    continue
                add(lambda v, k=k: name in v.products and k in v.quantities and close(
                    v.outputs[name], _arr(v.quantities[k].value).T @ _arr(v.products[name][1])),
                    f"@@ is what the expected value would be with {q.label} instead of "
                    f"{first.quantities[key].label} in its product (the input the weights "
                    f"multiply)", "wrong-operand", "a product with the wrong operand")
    # a sum of products taken as the product of two sums: each factor summed on its own over
    # the index they share, then the sums multiplied
    if name in first.contractions:
        words_a, _a, words_b, _b, subs = first.contractions[name]
        separate = _sums_apart(subs)
        if separate is not None:
            def apart(v, separate=separate):
                spec = v.contractions.get(name)
                return spec is not None and _nontrivial(v.truth[name]) and close(
                    v.outputs[name], np.einsum(separate, _arr(spec[1]), _arr(spec[3])))
            add(apart, f"@@ multiplies two separate sums: {words_a} and {words_b} are each "
                f"summed on their own over the index they share, and the sums multiplied, "
                f"where the right one sums the products of their matching entries",
                "product-of-sums", "a product of sums where a sum of products belongs")
        # an index the two factors share with the output summed away in one of them: each
        # entry paired with every entry of the other along that index (a matrix product
        # where a product entry by entry belongs)
        for side, spread in _spread_variants(subs):
            def spread_holds(v, spread=spread):
                spec = v.contractions.get(name)
                return spec is not None and _nontrivial(v.truth[name]) and close(
                    v.outputs[name], np.einsum(spread, _arr(spec[1]), _arr(spec[3])))
            add(spread_holds, f"@@ pairs each entry of {words_b if side else words_a} with "
                f"every entry of {words_a if side else words_b} along an index where each "
                f"should meet only its own (a matrix product, or a sum over that index, where "
                f"a product entry by entry belongs)", "index-spread",
                "a matrix product where a product entry by entry belongs")
        # a factor of the first operand (a local derivative) applied after the product, to
        # the output's entries, instead of before it
        a_shape = _arr(first.contractions[name][1]).shape
        for k, q in first.quantities.items():
            L = _arr(q.value)
            if L.shape != a_shape or L.shape != a0.shape or not np.all(np.abs(L) > 1e-12):
                continue
            add(lambda v, k=k: name in v.contractions and k in v.quantities and _nontrivial(
                v.truth[name]) and close(v.outputs[name], np.einsum(
                    v.contractions[name][4],
                    _arr(v.contractions[name][1]) / _arr(v.quantities[k].value),
                    _arr(v.contractions[name][3])) * _arr(v.quantities[k].value)),
                f"@@ has {q.label} applied after the product with {words_b} (to the entries "
                f"of the result) instead of before it (to {words_a})", "factor-after-product",
                "a factor applied after a product instead of before")
        # another array of a factor's shape in its place (a quantity, another output's
        # expected value, the student's own other output: a name reused for a gradient;
        # the positive or negative part of a quantity), or its product added as a term
        for side in (1, 3):
            shape = _arr(first.contractions[name][side]).shape
            for label, get in _same_shaped(first, name, shape):
                for extra in (False, True):
                    def swapped(v, side=side, get=get, extra=extra):
                        spec, other = v.contractions.get(name), get(v)
                        if spec is None or other is None or _arr(other).shape != \
                                _arr(spec[side]).shape or close(other, spec[side]):
                            return False
                        ops = [_arr(spec[1]), _arr(spec[3])]
                        ops[(side - 1) // 2] = _arr(other)
                        got = np.einsum(spec[4], *ops)
                        return _nontrivial(v.truth[name]) and _nontrivial(got) and close(
                            v.outputs[name], got + (_arr(v.truth[name]) if extra else 0.0))
                    what = first.contractions[name][side - 1]
                    add(swapped, f"@@ has a term too many: the expected value plus the same "
                        f"product with {label} in place of {what}" if extra else
                        f"@@ is what the expected value would be with {label} in place "
                        f"of {what} in its product",
                        "extra-product-term" if extra else "wrong-operand",
                        "a product added as a term too many" if extra else
                        "a product with the wrong operand")
    claims += _reweighted_terms(name, first)
    claims += _family_claims(name, first, layout)
    # (after the families: a factor in place of another says more)
    # proportional to a quantity: yours = c x q for one number c (a local factor that is one
    # number for every entry, a derivative taken at one shared value)
    for k, q in first.quantities.items():
        if _arr(q.value).shape != a0.shape or a0.size < 2:
            continue

        def ratio(v, k=k):
            if k not in v.quantities:
                return None
            a, x = _arr(v.outputs[name]), _arr(v.quantities[k].value)
            if x.shape != a.shape or not _nontrivial(x) or not _nontrivial(a):
                return None
            c = float(np.sum(a * x) / np.sum(x * x))
            return c if c != 0 and close(a, c * x) else None
        add(lambda v, ratio=ratio: ratio(v) is not None,
            lambda v, ratio=ratio, label=q.label: f"@@ is one number times {label} "
            f"({ratio(v):.6g} times it), entry by entry: the factor between the two, which "
            f"should vary from entry to entry, is the same number everywhere in yours",
            "proportional-to-quantity", "one number times a quantity")
    # another output's expected value, or a quantity, of a smaller shape added to every
    # row (db added to dW, a bias added to a weight's gradient)
    smaller = [(f"the expected {o}", lambda v, o=o: v.truth.get(o)) for o in first.truth
               if o != name and _arr(first.truth[o]).shape != a0.shape
               and _broadcasts(_arr(first.truth[o]).shape, a0.shape)]
    smaller += [(q.label, lambda v, k=k: v.quantities[k].value if k in v.quantities else None)
                for k, q in first.quantities.items()
                if _arr(q.value).shape != a0.shape and _arr(q.value).size > 1
                and _broadcasts(_arr(q.value).shape, a0.shape)]
    for label, get in smaller:
        for sign, word in ((1, "plus"), (-1, "minus")):
            add(lambda v, get=get, sign=sign: get(v) is not None and _nontrivial(get(v))
                and _broadcasts(_arr(get(v)).shape, _arr(v.truth[name]).shape) and close(
                    v.outputs[name], _arr(v.truth[name]) + sign * _arr(get(v)),
                    scale=float(np.max(np.abs(_arr(v.truth[name]))))),
                f"@@ is the expected value {word} {label}, added to every row",
                "extra-term-broadcast", "another value added to every row")
    # multiplied once more by a matrix of the problem (sent back through a weight again)
    if a0.ndim == 2:
        for k, q in first.quantities.items():
            Q = _arr(q.value)
            if Q.ndim != 2:
                continue
            for how, said, f in (("@Q.T", f"multiplied once more by the transpose of {q.label} "
                                  "on the right", lambda e, Q: e @ Q.T),
                                 ("@Q", f"multiplied once more by {q.label} on the right",
                                  lambda e, Q: e @ Q)):
                try:
                    if f(e0, Q).shape != a0.shape:
                        continue
                except ValueError:
                    continue
                add(lambda v, k=k, f=f: k in v.quantities and _nontrivial(v.truth[name])
                    and close(v.outputs[name], f(_arr(v.truth[name]), _arr(
                        v.quantities[k].value))),
                    f"@@ is the expected value {said}: a product applied one time too many",
                    "extra-product", "a product applied one time too many")
    # the sum of a declared product missing its first or its last term (a loop over the
    # shared index that starts at 1, or stops one short); after the declared partial terms,
    # which say which part is missing in the check's own words
    if name in first.contractions:
        words_a, _a, words_b, _b, _subs = first.contractions[name]
        # the sum without its first or last term, or with only its last or first one
        late = "a loop over it that starts one late or stops one early"
        kept = "in a loop over it, an assignment `=` where the terms must add up, `+=`"
        for cut, text, why, (cid, title) in (
                (slice(1, None), "misses the first term", late, _SKIPPED),
                (slice(None, -1), "misses the last term", late, _SKIPPED),
                (slice(-1, None), "holds only the last term", kept, _ONE_TERM),
                (slice(0, 1), "holds only the first term", kept, _ONE_TERM)):
            def cut_sum(v, cut=cut):
                spec = v.contractions.get(name)
                got = None if spec is None else _skip_term(spec[4], _arr(spec[1]),
                                                          _arr(spec[3]), cut)
                return got is not None and _nontrivial(v.truth[name]) and close(
                    v.outputs[name], got)
            add(cut_sum, f"@@ {text} of the sum over the index that {words_a} and {words_b} "
                f"share ({why})", cid, title)
    # a square output made symmetric: the mean of the right one and its transpose
    if a0.ndim == 2 and a0.shape[0] == a0.shape[1] > 1:
        add(lambda v: _arr(v.outputs[name]).ndim == 2 and close(
            v.outputs[name], (_arr(v.truth[name]) + _arr(v.truth[name]).T) / 2),
            "@@ is the mean of the expected value and its transpose (made symmetric, as if "
            "the matrix were symmetric)", "symmetrised", "a result made symmetric")
    # the least specific last:
    # off by one number per row (or per slice along one axis): a term that depends on the
    # row only is missing or extra (a row's log-sum-exp, its max, its sum of labels)
    if a0.ndim >= 2:
        for axis in range(a0.ndim):
            if a0.shape[axis] < 2:
                continue

            def row_offset(v, axis=axis):
                d = _arr(v.outputs[name]) - _arr(v.truth[name])
                if d.ndim <= axis or d.shape[axis] < 2:
                    return False
                m = np.broadcast_to(d.mean(axis=axis, keepdims=True), d.shape)
                ref = float(np.max(np.abs(_arr(v.truth[name]))))
                # every slice off (a part that is right is said by the extent instead)
                return bool(np.min(np.abs(m)) > 1e-6 * ref and np.ptp(m) > 1e-6 * ref
                            and close(d, m, scale=ref))
            if a0.ndim == 2:
                word = "row" if axis == 1 else "column"
                text = (f"in each {word} of @@, yours minus the expected is one number (a "
                        f"different one from {word} to {word}): a term that depends on the "
                        f"{word} only is missing or extra")
            else:
                text = (f"along axis {axis} of @@, yours minus the expected does not change "
                        f"(it does across the other axes): a term that does not depend on the "
                        f"position along axis {axis} is missing or extra")
            add(row_offset, text,
                "offset-per-slice", "off by one number per row")
    return claims


# ---------------------------------------------------------------- families (explain4)

@dataclass
class Local:
    """A local derivative of the backward pass that a slip may replace (`View.locals`).

    label: where it is, as a student reads it ("stage 3, sigx");
    kind: "logistic" (σ(x) = 1 / (1 + exp(-x))), "tanh" or "rectifier" (a ReLU; its value
        is then computed from `y`, the function's output),
        "factor" (a plain factor of a product: `value`), or "path" (a whole path's
        contribution: `value`);
    recompute(v): the right outputs with v in place of this local derivative (the module's
        reference with that one factor replaced), {output: array};
    others: (label, value) more factors a slip may put in its place (another gate).
    """

    label: str
    kind: str
    recompute: Callable[[Any], dict]
    y: Any = None
    value: Any = None
    others: tuple = ()
    y_name: str = "y"
    at_others: tuple = ()      # (name, value): the same formula taken at another value
    # (words, value): the terms whose sum is the pre-activation the derivative is taken at
    # (logistic, tanh, rectifier): a value recomputed with one or two of them left out
    terms: tuple = ()


# an activation's local derivative from its output y, by Local.kind
_SLOPE_OF_OUTPUT = {"logistic": lambda y: y * (1.0 - y), "tanh": lambda y: 1.0 - y ** 2,
                    "rectifier": lambda y: (y > 0).astype(np.float64)}


def _without_terms(loc: Local) -> list[tuple[str, str, Any]]:
    """The local derivative of a logistic, tanh or ReLU taken at its pre-activation with one
    or two of its declared terms left out (recomputed from a partial sum)."""
    if loc.kind not in ("logistic", "tanh", "rectifier") or len(loc.terms) < 2:
        return []
    act = {"logistic": lambda a: 1.0 / (1.0 + np.exp(-a)), "tanh": np.tanh,
           "rectifier": lambda a: np.maximum(a, 0.0)}[loc.kind]
    slope = _SLOPE_OF_OUTPUT[loc.kind]
    out = []
    shape = _arr(loc.y).shape
    for r in range(1, min(2, len(loc.terms) - 1) + 1):
        for dropped in itertools.combinations(range(len(loc.terms)), r):
            kept = sum(np.broadcast_to(_arr(loc.terms[i][1]), shape)
                       for i in range(len(loc.terms)) if i not in dropped)
            words = " and ".join(loc.terms[i][0] for i in dropped)
            out.append((f"the derivative taken at a pre-activation without {words} (a value "
                        f"recomputed in the backward pass, leaving {words} out)",
                        "local-preactivation-term-missing", slope(act(kept))))
    return out


def _local_substitutes(loc: Local) -> list[tuple[str, str, Any]]:
    """(what the slip uses, id slug, its value) for a local derivative: the derivative of
    the similar function, the difference squared, the factor applied twice or left out."""
    if loc.kind in ("logistic", "tanh"):
        y, n = _arr(loc.y), loc.y_name
        sig, tanh = y * (1.0 - y), 1.0 - y ** 2
        right = _local_base(loc)
        out = [(f"{n} * (1 - {n}), the derivative of σ (σ(x) = 1 / (1 + exp(-x))), where "
                "tanh's belongs", "logistic-for-tanh", sig) if loc.kind == "tanh" else
               (f"1 - {n}**2, tanh's derivative, where the derivative of σ "
                "(σ(x) = 1 / (1 + exp(-x))) belongs", "tanh-for-logistic", tanh)]
        if loc.kind == "tanh":
            out.append((f"(1 - {n})**2, the square taken of the difference instead of "
                        f"1 - {n}**2", "tanh-derivative-parenthesis", (1.0 - y) ** 2))
            out.append((f"1 - {n}, the square left out of 1 - {n}**2", "local-part", 1.0 - y))
        else:                           # one of the two factors of y * (1 - y) left out
            out += [(f"1 - {n} alone, the factor {n} left out", "local-part", 1.0 - y),
                    (f"{n} alone, the factor (1 - {n}) left out", "local-part", y)]
        out += [(f"{lab} instead of this one", "local-other", _arr(val))
                for lab, val in loc.others]
        formula = (lambda x: x * (1.0 - x)) if loc.kind == "logistic" else \
            (lambda x: 1.0 - x ** 2)
        said = f"{{0}} * (1 - {{0}})" if loc.kind == "logistic" else "1 - {0}**2"
        out += [(f"{said.format(other)}, the formula taken at {other} instead of at {n}",
                 "local-at-other", formula(_arr(val))) for other, val in loc.at_others]
        if loc.kind == "logistic":      # the two values mixed in one formula
            out += [(f"{a} * (1 - {b}), the formula with {other} in one of its two places",
                     "local-at-other", va * (1.0 - vb))
                    for other, val in loc.at_others
                    for a, b, va, vb in ((n, other, y, _arr(val)), (other, n, _arr(val), y))]
        out += _without_terms(loc)
        out += [("the local derivative applied twice (squared)", "local-twice", right ** 2),
                ("the local derivative with the opposite sign", "local-sign", -right),
                ("the square root of the local derivative (a square left out: sech(x) where "
                 "sech(x)**2 belongs)" if loc.kind == "tanh" else
                 "the square root of the local derivative (a square left out)", "local-sqrt",
                 np.sqrt(np.abs(right))),
                ("the local derivative left out (a factor 1)", "local-missing",
                 np.ones_like(right))]
        return out
    if loc.kind == "rectifier":
        y, n = _arr(loc.y), loc.y_name
        return [(f"the ReLU's output {n} itself where its slope (0 or 1) belongs",
                 "rectifier-value-as-slope", y),
                (f"{n} * (1 - {n}), the derivative of σ (σ(x) = 1 / (1 + exp(-x))), where the "
                 "ReLU's slope (0 or 1) belongs", "logistic-for-rectifier", y * (1.0 - y)),
                (f"1 - {n}**2, tanh's derivative, where the ReLU's slope (0 or 1) belongs",
                 "tanh-for-rectifier", 1.0 - y ** 2),
                ("the ReLU's mask inverted (passing where it should block, blocking where it "
                 "should pass)", "rectifier-mask-inverted", (y <= 0).astype(np.float64)),
                ("the ReLU's slope left out (a factor 1 everywhere)", "local-missing",
                 np.ones_like(y))] + _without_terms(loc)
    v = _arr(loc.value)
    if loc.kind == "path":
        return [("this path left out", "path-missing", np.zeros_like(v)),
                ("this path with the opposite sign (subtracted instead of added)",
                 "path-sign", -v),
                ("this path counted twice", "path-twice", 2.0 * v)]
    out = [("this factor left out (a factor 1)", "factor-missing", np.ones_like(v)),
           ("this factor with the opposite sign", "factor-sign", -v),
           ("this factor applied twice (squared)", "factor-twice", v ** 2)]
    if np.all(np.abs(v) > 1e-12):
        out.append(("the reciprocal of this factor (1 over it) instead of the factor itself",
                    "factor-reciprocal", 1.0 / v))
    out += [(f"{lab} instead of this factor", "factor-other", _arr(val))
            for lab, val in loc.others]
    return out


def _local_claims(name: str, first: View) -> list[_Claim]:
    """yours = the right computation with one declared local derivative replaced by a
    similar one (tanh' for σ', (1 - y)**2 for 1 - y**2, applied twice, left out, the
    reciprocal, another gate): said with the place and the substitute, never the formula."""
    claims = []
    for key, loc in first.locals.items():
        for k, (what, slug, _v) in enumerate(_local_substitutes(loc)):
            def predicted(v, key=key, k=k):
                memo = v.locals.get(key)
                if memo is None:
                    return None
                cache = getattr(memo, "_memo", None)
                if cache is None:
                    cache = memo._memo = {}
                if k not in cache:
                    subs = _local_substitutes(memo)
                    cache[k] = memo.recompute(subs[k][2]) if k < len(subs) else None
                got = cache[k]
                return None if got is None else got.get(name)

            def holds(v, predicted=predicted):
                p = predicted(v)
                return p is not None and _arr(p).shape == _arr(v.truth[name]).shape and \
                    bool(np.all(np.isfinite(_arr(p)))) and close(v.outputs[name], p)
            text = (f"@@ is exactly what the right computation gives with {what}, in "
                    f"{loc.label}")
            claim = _Claim(holds, text, f"local-{slug}", _TITLES.get(
                f"local-{slug}", "a local derivative replaced by another"))
            claim.place = (what, loc.label)
            claims.append(claim)
    return claims + _local_fit_claims(name, first)


def _local_base(loc: Local):
    """The right value of a declared local derivative."""
    if loc.kind in _SLOPE_OF_OUTPUT:
        return _SLOPE_OF_OUTPUT[loc.kind](_arr(loc.y))
    return _arr(loc.value)


def _local_fit_claims(name: str, first: View) -> list[_Claim]:
    """yours = the right computation with one local derivative changed by one unknown
    number c along a declared direction (the outputs are linear in each local derivative,
    so c is fitted, then checked exactly, the same c on every wrong case): the local
    derivative c times too large, c added to it, or, for a ReLU, c let through where it
    should block (a leaky slope)."""
    claims = []
    for key, loc in first.locals.items():
        if loc.kind == "path":
            continue
        if loc.kind == "rectifier":
            directions = [("leak", lambda b: (b <= 0).astype(np.float64))]
        else:
            directions = [("scaled", lambda b: b), ("offset", lambda b: np.ones_like(b))]
        for kind, direction in directions:
            seen: list = []

            def fitted(v, key=key, kind=kind, direction=direction):
                memo = v.locals.get(key)
                if memo is None:
                    return None
                cache = getattr(memo, "_fit", None)
                if cache is None:
                    cache = memo._fit = {}
                if kind not in cache:
                    base = _local_base(memo)
                    cache[kind] = memo.recompute(base + direction(base))
                moved = cache[kind]
                if moved is None or name not in moved:
                    return None
                d = _arr(moved[name]) - _arr(v.truth[name])
                r = _arr(v.outputs[name]) - _arr(v.truth[name])
                if d.shape != r.shape or not _nontrivial(d) or not np.all(np.isfinite(d)):
                    return None
                c = float(np.sum(r * d) / np.sum(d * d))
                if abs(c) < 1e-9 or not close(v.outputs[name], _arr(v.truth[name]) + c * d):
                    return None
                return c

            def holds(v, fitted=fitted, seen=seen):
                c = fitted(v)
                if c is None or (seen and abs(c - seen[0]) > 1e-6 * max(1.0, abs(seen[0]))):
                    return False
                seen[:1] = [c]
                return True

            def text(v, fitted=fitted, kind=kind, loc=loc):
                c = fitted(v)
                if kind == "leak":
                    return (f"@@ is exactly what the right computation gives with "
                            f"{loc.label} {c:.4g} instead of 0 where the ReLU switched its "
                            "unit off: part of the gradient leaks through where it should "
                            "be blocked")
                if kind == "scaled":
                    k = say_number(1.0 + c) or f"{1.0 + c:.4g}"
                    return (f"@@ is exactly what the right computation gives with {loc.label} "
                            f"{k} times the right one")
                return (f"@@ is exactly what the right computation gives with {c:.4g} added "
                        f"to {loc.label}")
            claims.append(_Claim(holds, text, f"local-fit-{kind}", _TITLES[f"local-fit-{kind}"]))
    return claims


def _one_place(claim: _Claim, claims: list, wrong: list[View], text: str) -> str:
    """The text of a local-derivative claim, or, when another place's substitute gives the
    same numbers on every case, both places: the numbers cannot tell which line it is."""
    place = getattr(claim, "place", None)
    if place is None:
        return text
    others = []
    for other in claims:
        where = getattr(other, "place", None)
        if other is claim or where is None or where[1] == place[1]:
            continue
        try:
            if all(other.holds(v) for v in wrong):
                others.append(where)
        except (ValueError, IndexError, KeyError, TypeError, ZeroDivisionError):
            continue
    if not others:
        return text
    said = [f"{place[0]}, in {place[1]}"] + [f"{w}, in {lab}" for w, lab in others[:2]]
    return ("@@ is exactly what the right computation gives with one of these (they give the "
            "same numbers, so the numbers cannot tell which line it is): " + "; or ".join(said))


def partial_upstream(truth_for: Callable[[np.ndarray], dict], upstream, axis: int,
                     word: str) -> dict:
    """`View.partials` for a gradient linear in its upstream gradient: the right outputs for
    the upstream restricted to one part along `axis` (its last or first index alone, or all
    but the first or the last), computed only when asked: what a loop that overwrites
    instead of adding, or that skips an index, gives. label -> (description, callable)."""
    up = np.asarray(upstream, dtype=np.float64)
    n = up.shape[axis] if up.ndim > axis else 0
    if n < 2:
        return {}

    def only(t):
        keep = np.zeros(n)
        keep[t] = 1.0
        shape = [1] * up.ndim
        shape[axis] = n
        return up * keep.reshape(shape)

    first = "0" if "step" in word else "first"
    cases = {
        "only-last": (f"counts only the last {word}'s upstream gradient (the contribution of "
                      f"that {word} alone; every other {word}'s is missing)", only(n - 1)),
        "only-first": (f"counts only the {first} {word}'s upstream gradient (the contribution "
                       f"of that {word} alone; every other {word}'s is missing)"
                       if first == "first" else
                       f"counts only {word} 0's upstream gradient (the contribution of that "
                       f"{word} alone; every other {word}'s is missing)", only(0)),
        "without-first": (f"misses the {first} {word}'s contribution (its upstream gradient "
                          f"is never counted; every other {word}'s is right)" if first ==
                          "first" else f"misses {word} 0's contribution: {word} 0's upstream "
                          f"gradient is never counted (every other {word}'s is)",
                          up - only(0)),
        "without-last": (f"misses the last {word}'s contribution (its upstream gradient is "
                         f"never counted; every other {word}'s is right)", up - only(n - 1)),
    }
    return {key: (label, (lambda changed=changed: truth_for(changed)))
            for key, (label, changed) in cases.items()}


def _partial_claims(name: str, first: View) -> list[_Claim]:
    """yours = the right answer for a part of the upstream gradient only (one row, one step,
    all but one step): a loop that overwrites instead of adding, or that skips an index."""
    claims = []
    for key, (label, _get) in first.partials.items():
        def predicted(v, key=key):
            if key not in v.partials:
                return None
            lab, get = v.partials[key]
            if callable(get):
                get = get()
                v.partials[key] = (lab, get)
            return None if get is None else get.get(name)

        def holds(v, predicted=predicted):
            p = predicted(v)
            return p is not None and _nontrivial(p) and \
                _arr(p).shape == _arr(v.truth[name]).shape and close(v.outputs[name], p)
        claims.append(_Claim(holds, f"@@ {label}: it equals the right gradient for that part "
                                    "of the upstream gradient alone", f"partial-{key}",
                             "a sum over only part of the contributions"))
    return claims


def _equal_sizes(said: str, view: View) -> str:
    """' (equally N/H or N/C: those sizes are equal here)' when other sizes give the same
    factor in this case, so that the one said is not taken for the only one that fits."""
    c = _value_of(said, view)
    if c is None or not re.search(r"[A-Za-z_]", said):
        return ""
    same = [n for n, v in _named_factors(view) if n != said and n not in view.scalars
            and abs(v - c) <= 1e-12 * max(1.0, abs(c)) and not any(
                x in view.scalars for x in re.findall(r"[A-Za-z_][\w.\[\]-]*", n))
            and _composite(n) == _composite(said)]
    if not same:
        return ""
    return f" (equally {' or '.join(same[:3])}: those sizes are equal here)"


def _upstream_note(said: str, view: View) -> str:
    """': the upstream gradient dloss is multiplied in a second time' for a factor that is
    a declared upstream scalar (the right answer already holds it once)."""
    if said in view.scalars and "upstream" in view.scalars[said][1]:
        return f": the upstream gradient {said} is multiplied in a second time"
    return ""


def _block_map_claims(name: str, first: View, layout: Layout) -> list[_Claim]:
    """Blocks along a declared block axis written over each other: each block of yours is
    one expected block (its own or another's) or zero, not a permutation (which
    blocks-swapped says): 'the o block holds what the g block should, the g block is 0'."""
    if name not in layout.blocks:
        return []
    axis, names = layout.blocks[name]
    k = len(names)
    a0, e0 = _arr(first.outputs[name]), _arr(first.truth[name])
    if a0.ndim <= axis or a0.shape[axis] % k:
        return []

    def mapping(v):
        a = np.split(_arr(v.outputs[name]), k, axis=axis)
        e = np.split(_arr(v.truth[name]), k, axis=axis)
        scale = float(np.max(np.abs(_arr(v.truth[name]))))
        out = []
        for j in range(k):
            if close(a[j], e[j], scale=scale):
                out.append(j)
            elif not np.any(a[j]) and np.any(e[j]):
                out.append(None)
            else:
                src = [i for i in range(k) if i != j and np.any(e[i]) and close(a[j], e[i])]
                if len(src) != 1:
                    return None
                out.append(src[0])
        return tuple(out)
    m0 = mapping(first)
    if m0 is None or m0 == tuple(range(k)) or sorted(x for x in m0 if x is not None) == \
            list(range(k)):
        return []          # all right, or a permutation (blocks-swapped says it)
    parts = []
    for j, src in enumerate(m0):
        if src is None:
            parts.append(f"the {names[j]}'s block is zero")
        elif src != j:
            parts.append(f"the {names[j]}'s block holds what the {names[src]}'s block should")
    text = (f"in @@, {_join(parts)}; every other block is right (one block written over "
            "another: check the offsets of the slices that fill each block)")
    return [_Claim(lambda v: mapping(v) == m0, text, "block-written-over",
                   "a block written in another block's place")]


def _broadcast_factor_claims(name: str, first: View) -> list[_Claim]:
    """One factor in place of another where the factors broadcast to the output (dW from a
    unit's gradient and x, x a vector): yours = expected x q1 / q2 with q1, q2 declared
    quantities that broadcast to the output's shape (at least one of them not of its shape,
    which `factor-in-place-of-another` already tries)."""
    a0 = _arr(first.outputs[name])
    qs = [(k, q) for k, q in first.quantities.items()
          if _arr(q.value).size > 1 and _broadcasts(_arr(q.value).shape, a0.shape)]
    claims = []
    for (k1, q1), (k2, q2) in itertools.permutations(qs, 2):
        if _arr(q1.value).shape == _arr(q2.value).shape == a0.shape or \
                not np.all(np.abs(_arr(q2.value)) > 1e-12):
            continue

        def holds(v, k1=k1, k2=k2):
            if k1 not in v.quantities or k2 not in v.quantities or \
                    not _nontrivial(v.truth[name]):
                return False
            shape = _arr(v.truth[name]).shape
            r = np.broadcast_to(_arr(v.quantities[k1].value), shape) / np.broadcast_to(
                _arr(v.quantities[k2].value), shape)
            return _factor_holds(v.outputs[name], v.truth[name], r, np.multiply)
        claims.append(_Claim(holds, f"@@ is what the expected value would be with {q1.label} "
                                    f"as a factor instead of {q2.label}",
                             "factor-in-place-of-another", "one factor in place of another"))
    return claims


def _family_claims(name: str, first: View, layout: Layout) -> list[_Claim]:
    """The relations of families (b)-(d) of issue #27's third round, each written once:
    a part of the upstream only, a local derivative replaced, blocks written over each
    other, a factor in place of another that broadcasts."""
    return (_partial_claims(name, first) + _local_claims(name, first)
            + _block_map_claims(name, first, layout) + _broadcast_factor_claims(name, first))


def _threshold_finding(name: str, wrong: list[View]) -> Finding | None:
    """Family (e): the wrong entries are exactly those of a band next to a declared boundary
    (`View.thresholds`: output -> (label of the quantity, its values, boundary's label,
    boundary)): the boundary is placed elsewhere, on every case on the same side."""
    sides = []
    for v in wrong:
        if name not in v.thresholds:
            return None
        qlabel, q, blabel, b = v.thresholds[name]
        q = np.broadcast_to(_arr(q), _arr(v.truth[name]).shape)
        scale = float(np.max(np.abs(_arr(v.truth[name]))))
        bad = _rel_err(v.outputs[name], v.truth[name], scale) > MATCH_TOL
        if not np.any(bad) or np.all(bad):
            return None
        out, inn = q > b, q <= b
        if np.all(out[bad]):
            side = "out"
            lo, hi = b, float(np.max(q[bad]))
            rest = q[out & ~bad]
            if rest.size == 0 or np.any(rest <= hi):
                return None
            sides.append((side, hi, float(np.min(rest)), b))
        elif np.all(inn[bad]):
            side = "in"
            lo = float(np.min(q[bad]))
            rest = q[inn & ~bad]
            if rest.size == 0 or np.any(rest >= lo):
                return None
            sides.append((side, lo, float(np.max(rest)), b))
        else:
            return None
    if len({s[0] for s in sides}) != 1:
        return None
    qlabel, _q, blabel, _b = wrong[0].thresholds[name]
    side, edge, nxt, b = sides[0]
    if side == "out":
        where = (f"the entries wrong are exactly those just beyond the boundary, with "
                 f"{blabel} < {qlabel} <= {edge:.3g} ({blabel} = {b:.3g} here): your boundary "
                 f"between the regions is not at {blabel} but further out, between "
                 f"{edge:.3g} and {nxt:.3g}")
    else:
        where = (f"the entries wrong are exactly those just inside the boundary, with "
                 f"{edge:.3g} <= {qlabel} <= {blabel} ({blabel} = {b:.3g} here): your "
                 f"boundary between the regions is not at {blabel} but further in, between "
                 f"{nxt:.3g} and {edge:.3g}")
    return Finding(f"in @@, {where}; the boundary is tested on another quantity than "
                   f"{qlabel}, or against another threshold", "boundary-moved",
                   "the boundary between two regions in the wrong place")


def _slice_words(ndim: int, axis: int, idx: int) -> str:
    """'the first row', 'the last column', 'the entries at index 0 along axis 2'."""
    which = "first" if idx == 0 else "last"
    if ndim == 2:
        return f"the {which} {'row' if axis == 0 else 'column'} (index {idx} along axis {axis})"
    return f"the {which} slice along axis {axis} (index {idx})"


def _broadcasts(small, shape) -> bool:
    try:
        return np.broadcast_shapes(small, shape) == tuple(shape)
    except ValueError:
        return False


def _term_of(view: View, label: str, name: str):
    try:
        t = view.terms[label]
    except KeyError:
        return None
    return None if t is None or t.get(name) is None else _arr(t.get(name))


def _term_factors(view: View, shape) -> list[tuple[str, Callable[[View], Any]]]:
    """(how a factor on a term is said, its value in a view): a sign, a small number, a
    size or declared scalar (and its inverse), a declared quantity of the output's shape
    entry by entry (and its inverse), one quantity in place of another."""
    out: list = [("of the opposite sign", lambda v: -1.0),
                 ("halved", lambda v: 0.5), ("three times over", lambda v: 3.0)]
    for s, _ in _named_factors(view):
        if "*" in s or s.startswith("-"):
            continue
        word = f"divided by {s[2:]}" if s.startswith("1/") else f"times {s}"
        out.append((word + _size_words(s, view), lambda v, s=s: _value_of(s, v)))
    same = [(k, q) for k, q in view.quantities.items() if _arr(q.value).shape == tuple(shape)]
    # a factor missing first (the usual slip: a local derivative or an upstream gradient
    # left out), then one too many (a quantity may be the inverse of another: 1/den, invden)
    for k, q in same:
        if np.all(np.abs(_arr(q.value)) > 1e-12):
            out.append((f"without its factor {q.label} (divided by it), entry by entry",
                        lambda v, k=k: 1.0 / _arr(v.quantities[k].value)
                        if k in v.quantities else None))
    for k, q in same:
        out.append((f"multiplied by {q.label}, entry by entry",
                    lambda v, k=k: _arr(v.quantities[k].value) if k in v.quantities else None))
    for (k1, q1), (k2, q2) in itertools.permutations(same, 2):
        if np.all(np.abs(_arr(q2.value)) > 1e-12):
            out.append((f"with {q1.label} as a factor instead of {q2.label}",
                        lambda v, k1=k1, k2=k2: _arr(v.quantities[k1].value)
                        / _arr(v.quantities[k2].value)
                        if k1 in v.quantities and k2 in v.quantities else None))
    return out


def _reweighted_terms(name: str, first: View) -> list[_Claim]:
    """yours = expected + (c - 1) x term for one declared term, or for two with a factor
    each: a path counted with the wrong sign, without (or with an extra) upstream factor,
    or scaled by a quantity. Searched on the first case; each is then a claim that every
    case must satisfy."""
    a0, e0 = _arr(first.outputs[name]), _arr(first.truth[name])
    labels = [lab for lab in list(first.terms) if (t := _term_of(first, lab, name)) is not None
              and t.shape == a0.shape and _nontrivial(t)]
    if not labels or not _nontrivial(e0):
        return []
    factors = _term_factors(first, a0.shape)
    scale = float(np.max(np.abs(e0)))

    def value(get, v):
        c = get(v)
        if c is None or not np.ndim(c):
            return c
        c = _arr(c)
        return c if c.shape == _arr(v.truth[name]).shape else None

    def predicted(v, picks):
        out = _arr(v.truth[name])
        for lab, get in picks:
            t, c = _term_of(v, lab, name), value(get, v)
            if t is None or c is None or t.shape != out.shape:
                return None
            out = out + (c - 1.0) * t
        return out

    def fits(v, picks):
        p = predicted(v, picks)
        return p is not None and bool(np.all(np.isfinite(p))) and \
            close(v.outputs[name], p, scale=scale)

    found: list[_Claim] = []
    with np.errstate(all="ignore"):
        # one term scaled by one number per row (a different one from row to row): what
        # multiplies that term row by row is wrong, the rest is right
        if a0.ndim == 2 and a0.shape[0] > 1:
            for lab in labels:
                if _per_row_factor(first, lab, name) is None:
                    continue
                found.append(_Claim(lambda v, lab=lab: _per_row_factor(v, lab, name) is not None,
                                    lambda v, lab=lab: f"@@ is what the expected value would "
                                    f"be with {lab} multiplied by one number per row, a "
                                    f"different one in each row ("
                                    + ", ".join(f"{c:.4g}" for c in
                                                _per_row_factor(v, lab, name)[:4])
                                    + (", ..." if len(_per_row_factor(v, lab, name)) > 4 else "")
                                    + "): what multiplies that term in each row is wrong; the "
                                    "rest is right", "term-per-row-factor",
                                    "one contribution scaled row by row"))
        for lab in labels:
            for word, get in factors:
                if fits(first, [(lab, get)]):
                    found.append(_Claim(lambda v, p=[(lab, get)]: fits(v, p),
                                        lambda v, t=f"@@ is what the expected value would be "
                                        f"with {lab} {word}": t,
                                        "term-reweighted", "one contribution scaled"))
        if found:
            return found
        # two terms at once: without one quantity in place of another (too many pairs)
        plain = [("left out", lambda v: 0.0), ("counted twice", lambda v: 2.0),
                 ("as it is", lambda v: 1.0)] + [f for f in factors
                                                 if " as a factor instead of " not in f[0]]
        for l1, l2 in itertools.combinations(labels, 2):
            keep = _pair_candidates(first, name, l1, l2, plain, value, scale)
            for j, ((w1, g1), (w2, g2)) in enumerate(itertools.product(plain, plain)):
                if w1 == "as it is" or w2 == "as it is":
                    continue
                if j not in keep:
                    continue
                picks = [(l1, g1), (l2, g2)]
                if fits(first, picks):
                    found.append(_Claim(
                        lambda v, p=picks: fits(v, p),
                        lambda v, t=f"@@ is what the expected value would be with {l1} "
                        f"{w1}, and {l2} {w2}": t, "terms-reweighted",
                        "two contributions scaled"))
                    if len(found) >= 4:
                        return found
    return found


def _per_row_factor(v: View, label: str, name: str) -> list | None:
    """[k_0, k_1, ...] with yours = expected + (k_n - 1) x term in every row n of a 2-D
    output, when the k differ from row to row (one k for all is a plain scale, said
    elsewhere) and at least two differ from 1; else None."""
    t = _term_of(v, label, name)
    a, e = _arr(v.outputs.get(name)), _arr(v.truth[name])
    if t is None or t.shape != e.shape or e.ndim != 2 or a.shape != e.shape:
        return None
    d = a - e
    ks = []
    for n in range(e.shape[0]):
        tn = t[n]
        if not np.any(np.abs(tn) > 1e-12 * max(1.0, float(np.max(np.abs(e))))):
            if np.any(np.abs(d[n]) > MATCH_TOL * float(np.max(np.abs(e)))):
                return None
            ks.append(1.0)
            continue
        k = float(np.sum(d[n] * tn) / np.sum(tn * tn))
        if not close(d[n], k * tn, scale=float(np.max(np.abs(e)))):
            return None
        ks.append(k + 1.0)
    if np.ptp(ks) <= 1e-6 * max(1.0, float(np.max(np.abs(ks)))) or \
            sum(abs(k - 1.0) > 1e-6 for k in ks) < 2:
        return None
    return ks


def _pair_candidates(v: View, name: str, l1: str, l2: str, plain: list, value,
                     scale: float) -> set:
    """The indices into product(plain, plain) of the pairs (c1, c2) that may fit yours =
    expected + (c1 - 1) t1 + (c2 - 1) t2 on case v: every pair at once, with numpy, by the
    test `close` makes (with twice its tolerance). Only a filter: every pair kept is still
    checked in full, so the claims are the same as trying every pair."""
    t1, t2 = _term_of(v, l1, name), _term_of(v, l2, name)
    a, e = _arr(v.outputs[name]).ravel(), _arr(v.truth[name]).ravel()
    rows, idx = [], []
    for i, (_w, get) in enumerate(plain):
        c = value(get, v)
        if c is not None:
            rows.append((_arr(c) - 1.0, i))
    if not rows:
        return set()
    R = np.array([(np.broadcast_to(c, t1.shape) * t1).ravel() for c, _ in rows])
    S = np.array([(np.broadcast_to(c, t2.shape) * t2).ravel() for c, _ in rows])
    idx = [i for _, i in rows]
    n, floor, keep = len(plain), 1e-7 * scale, set()
    with np.errstate(all="ignore"):
        for r, i in zip(R, idx):
            P = e + r + S
            err = np.max(np.abs(a - P) / np.maximum(np.maximum(np.abs(a), np.abs(P)), floor),
                         axis=1)
            keep.update(i * n + idx[j] for j in np.nonzero(~(err > 2 * MATCH_TOL))[0])
    return keep


def _alternative(view: View, label: str, name: str):
    alt = view.alternatives.get(label)
    if isinstance(alt, tuple):          # (the right answer or how to make it, its id)
        if callable(alt[0]):
            view.alternatives[label] = (alt[0](), alt[1])
        alt = view.alternatives[label][0]
    elif callable(alt):
        alt = view.alternatives[label] = alt()
    return None if alt is None else alt.get(name)


def _factor_holds(a, e, q, op) -> bool:
    a, e, q = _arr(a), _arr(e), _arr(q)
    if q.shape != a.shape or np.all(np.abs(q - 1) < 1e-9):
        return False
    with np.errstate(all="ignore"):
        pred = op(e, q)
    return bool(np.all(np.isfinite(pred))) and close(a, pred)


def _slice_order(a, e, axis: int) -> list | None:
    """[j_0, j_1, ...] with yours[i] (along `axis`) equal to expected[j_i] for every i, when
    that is not the identity and the expected slices differ from each other; else None."""
    a, e = _arr(a), _arr(e)
    if a.shape != e.shape or a.ndim <= axis or close(a, e):
        return None
    n = a.shape[axis]
    A, E = np.moveaxis(a, axis, 0).reshape(n, -1), np.moveaxis(e, axis, 0).reshape(n, -1)
    scale = float(np.max(np.abs(E), initial=0.0))
    if scale == 0:
        return None
    order = []
    for i in range(n):
        js = [j for j in range(n) if np.all(np.abs(A[i] - E[j]) <= MATCH_TOL * scale)]
        if len(js) != 1:
            return None
        order.append(js[0])
    return order if order != list(range(n)) else None


def _slice_order_words(order, axis: int, ndim: int, word: str | None) -> str:
    what = word or ("row" if ndim == 2 and axis == 0 else "column" if ndim == 2 and axis == 1
                    else f"slice along axis {axis}")
    n = len(order)
    if order == [(i - 1) % n for i in range(n)] or order == [max(i - 1, 0) for i in range(n)]:
        how = f"each {what} holds the expected values of the {what} before it"
    elif order == [(i + 1) % n for i in range(n)] or order == [min(i + 1, n - 1)
                                                               for i in range(n)]:
        how = f"each {what} holds the expected values of the {what} after it"
    elif order == list(range(n))[::-1]:
        how = f"the {what}s are in reverse order"
    else:
        pairs = [f"{what} {i} holds {what} {j}'s" for i, j in enumerate(order) if i != j][:3]
        how = "; ".join(pairs)
    return (f"@@ has the right {what}s, each in the place of another: {how} (look at the index "
            f"that picks the {what}: it is off)")


def _gate_mask(v: View, key: str, name: str, side: str):
    """The 0/1 mask M with (yours or the truth, by `side`) = M x the upstream quantity `key`,
    entry by entry, or None when that is not what it is."""
    u = _arr(v.quantities[key].value) if key in v.quantities else None
    x = _arr(getattr(v, side).get(name))
    if u is None or x.shape != u.shape or not np.all(np.abs(u) > 1e-12):
        return None
    r = x / u
    on, off = np.abs(r - 1.0) <= MATCH_TOL, np.abs(r) <= MATCH_TOL
    return on if bool(np.all(on | off)) and np.any(on) else None


def _conditions(v: View, upstream: str) -> list[tuple[str, np.ndarray]]:
    """(words, mask) for the comparisons of the declared quantities other than the
    upstream one (see _comparisons), and the upstream's own sign."""
    return _comparisons([(k, _arr(q.value)) for k, q in v.quantities.items()
                         if k != upstream]) + \
        [(f"{upstream} > 0", _arr(v.quantities[upstream].value) > 0)]


def _comparisons(qs: list) -> list[tuple[str, np.ndarray]]:
    """(words, mask) for the comparisons of the quantities qs ((name, array) each) with 0,
    over a whole column or row, and with each other by value and by size (|x| > |y|: the
    larger in size, not the larger)."""
    out = []
    for k, x in qs:
        out += [(f"{k} > 0", x > 0), (f"{k} < 0", x < 0)] + _column_conditions(k, x)
    for (k1, x1), (k2, x2) in itertools.permutations(qs, 2):
        if x1.shape == x2.shape:
            out.append((f"{k1} > {k2}", x1 > x2))
    for (k1, x1), (k2, x2) in itertools.permutations(qs, 2):
        if x1.shape == x2.shape:
            out.append((f"|{k1}| > |{k2}|", np.abs(x1) > np.abs(x2)))
    return out


def _column_conditions(k: str, x) -> list[tuple[str, np.ndarray]]:
    """For a 2-D quantity (examples x units): a test of a whole column or row, spread over
    it (a unit that fired on some example, on every example, or on average)."""
    if x.ndim != 2 or min(x.shape) < 2:
        return []
    spread = lambda m, axis: np.broadcast_to(np.expand_dims(m, axis), x.shape)  # noqa: E731
    return [(f"{k} > 0 on some row of that column", spread(np.any(x > 0, axis=0), 0)),
            (f"{k} > 0 on every row of that column", spread(np.all(x > 0, axis=0), 0)),
            (f"the mean of {k} over that column > 0", spread(x.mean(axis=0) > 0, 0)),
            (f"{k} > 0 somewhere in that row", spread(np.any(x > 0, axis=1), 1))]


def _all_conditions(v: View) -> list[tuple[str, np.ndarray]]:
    """(words, mask) for the comparisons of every declared quantity (see _comparisons),
    keyed by the quantities' names."""
    return _comparisons([(k, _arr(q.value)) for k, q in v.quantities.items()])


def _conditions_of(v: View, mask, upstream: str) -> list[str]:
    """The words of every declared comparison equal to `mask` (neither all nor none)."""
    if mask is None or not 0 < int(np.sum(mask)) < mask.size:
        return []
    return [said for said, m in _conditions(v, upstream)
            if m.shape == mask.shape and np.array_equal(m, mask)]


def _gate_text(q: Quantity, theirs: str, right: list) -> str:
    return (f"@@ lets {q.label} through unchanged where {theirs} and is 0 elsewhere"
            + (f"; the right one lets it through where {right[0]}" if right else
               "; the right one lets it through on other entries")
            + ": the condition that picks the entries is wrong")


def _rearranged(a, e) -> bool:
    """a holds the entries of e, each once, in other places (e's entries distinct enough
    that this says something: at least half of them different numbers)."""
    a, e = _arr(a), _arr(e)
    if a.shape != e.shape or close(a, e):
        return False
    se = np.sort(e.ravel())
    scale = float(np.max(np.abs(se), initial=0.0))
    if scale == 0 or np.unique(np.round(se / scale, 9)).size < max(4, e.size // 2):
        return False
    return bool(np.all(np.abs(np.sort(a.ravel()) - se) <= MATCH_TOL * scale))


def _shifted(a, e, axis: int, d: int) -> bool:
    a, e = _arr(a), _arr(e)
    n = a.shape[axis]
    if a.shape != e.shape or n < 3:
        return False
    take = lambda x, s: np.take(x, np.arange(s.start, s.stop), axis=axis)  # noqa: E731
    got = take(a, range(0, n - 1)) if d == 1 else take(a, range(1, n))
    want = take(e, range(1, n)) if d == 1 else take(e, range(0, n - 1))
    return _nontrivial(want) and close(got, want)


def _permute_blocks(e, axis: int, k: int, order) -> np.ndarray:
    parts = np.split(_arr(e), k, axis=axis)
    return np.concatenate([parts[i] for i in order], axis=axis)


# ---------------------------------------------------------------- extent

def _parts(name: str, view: View, layout: Layout) -> list[tuple[str, list[tuple[str, Any]]]]:
    """(what splits, [(part's label, index or mask)]) for every declared split of `name`."""
    shape = _arr(view.truth[name]).shape
    out = []
    if name in layout.blocks:
        axis, names = layout.blocks[name]
        k = len(names)
        if shape[axis] % k == 0:
            w = shape[axis] // k
            parts = []
            for j, n in enumerate(names):
                idx = [slice(None)] * len(shape)
                idx[axis] = slice(j * w, (j + 1) * w)
                parts.append((f"the block of the {n}", tuple(idx)))
            out.append(("block", parts))
    for axis, word in layout.axes.get(name, {}).items():
        if axis >= len(shape) or shape[axis] < 2:
            continue
        parts = []
        for t in range(shape[axis]):
            idx = [slice(None)] * len(shape)
            idx[axis] = t
            parts.append((f"{word} {t}", tuple(idx)))
        out.append((word, parts))
    for label_mask in [view.regions.get(name)] if view.regions.get(name) else []:
        out.append(("region", [(lab, np.broadcast_to(np.asarray(m, bool), shape))
                               for lab, m in label_mask]))
    return out


def _pattern(name: str, view: View, split: str, parts) -> tuple | None:
    """Which parts are right (True), wrong (False) or empty/zero on both sides (None)."""
    a, e = _arr(view.outputs[name]), _arr(view.truth[name])
    scale = float(np.max(np.abs(e), initial=0.0))
    marks = []
    for _label, idx in parts:
        pa, pe = a[idx], e[idx]
        if np.size(pe) == 0:
            marks.append(None)
            continue
        if not np.any(pe) and not np.any(pa):
            marks.append(None)          # nothing to tell: zero and expected zero
            continue
        marks.append(close(pa, pe, scale=scale))
    return tuple(marks)


def _describe_pattern(split: str, labels: list[str], marks: tuple) -> tuple[str, str] | None:
    """A relative description ('only the last time step is right') and its id, or None
    when every part is right or every part wrong."""
    known = [(lab, m) for lab, m in zip(labels, marks) if m is not None]
    right = [lab for lab, m in known if m]
    wrong = [lab for lab, m in known if not m]
    if not right or not wrong:
        return None
    n = len(marks)
    if "step" in split:
        if marks[-1] and not any(marks[:-1]):
            return (f"only the last {split} (T-1) is right, every earlier one is wrong",
                    f"only-last-{_slug(split)}-right")
        if marks[0] and not any(m for m in marks[1:]):
            return (f"only the first {split} (0) is right, every later one is wrong",
                    f"only-first-{_slug(split)}-right")
        if marks[-1] is False and all(m is not False for m in marks[:-1]):
            return (f"every {split} is right except the last one (T-1)",
                    f"last-{_slug(split)}-wrong")
        if marks[0] is False and all(m is not False for m in marks[1:]):
            return (f"every {split} is right except the first one ({split} 0)",
                    f"first-{_slug(split)}-wrong")
    if len(wrong) <= len(right):
        verb = "is" if len(wrong) == 1 and "entries" not in wrong[0] else "are"
        return (f"{_join(wrong)} {verb} wrong and the rest is right",
                _dashed("wrong", _slug(split), "+".join(_slug(w) for w in wrong))) if n else None
    verb = "is" if len(right) == 1 and "entries" not in right[0] else "are"
    return (f"only {_join(right)} {verb} right",
            _dashed("right", _slug(split), "only", "+".join(_slug(r) for r in right)))


def _from_the_end(split: str, marks: tuple) -> tuple[str, str] | None:
    """The pattern of the parts along an axis said from the end it is at, on cases of other
    sizes ('only the last row is right'), or None."""
    n = len(marks)
    if n > 2 and all(m is not None for m in marks):
        if marks[-1] and not any(marks[:-1]):
            return (f"only the last {split} is right, every other one is wrong",
                    f"only-last-{_slug(split)}-right")
        if marks[0] and not any(marks[1:]):
            return (f"only the first {split} is right, every other one is wrong",
                    f"only-first-{_slug(split)}-right")
        if not marks[-1] and all(marks[:-1]):
            return (f"every {split} is right except the last one",
                    f"last-{_slug(split)}-wrong")
        if not marks[0] and all(marks[1:]):
            return (f"every {split} is right except the first one",
                    f"first-{_slug(split)}-wrong")
    return None


def _dashed(*parts: str) -> str:
    """An id from its non-empty parts ("wrong-of-input-gate-i", not "wrong--of-...")."""
    return "-".join(p for p in parts if p)


def _join(labels: list[str], prefix: str = "") -> str:
    if len(labels) > 4:
        return f"{prefix}{', '.join(labels[:3])} and {len(labels) - 3} more"
    return prefix + (" and ".join(labels) if len(labels) <= 2 else
                     ", ".join(labels[:-1]) + " and " + labels[-1])


def _slug(text: str) -> str:
    return "-".join(w for w in "".join(ch if ch.isalnum() else " " for ch in text.lower()
                                       ).split() if w not in ("the", "block"))[:40]


def _extent(name: str, wrong: list[View], layout: Layout) -> Finding | None:
    """The parts of `name` that are right and wrong, the same on every wrong case, and a
    relation that holds on the wrong part when one does."""
    splits = _parts(name, wrong[0], layout)
    for split, parts in splits:
        labels = [lab for lab, _ in parts]
        marks = list(_pattern(name, wrong[0], split, parts))
        others = [dict(_parts(name, v, layout)).get(split) for v in wrong[1:]]
        if any(o is None for o in others):
            continue
        if all([lab for lab, _ in o] == labels for o in others):
            # the same parts on every case: one pattern, a part that is zero on both sides
            # in one case (nothing to tell there) taking the verdict of the others
            ok = True
            for v, other in zip(wrong[1:], others):
                for j, m in enumerate(_pattern(name, v, split, other)):
                    if m is None:
                        continue
                    if marks[j] is not None and marks[j] != m:
                        ok = False
                    marks[j] = m if marks[j] is None else marks[j]
            said = _describe_pattern(split, labels, tuple(marks)) if ok else None
        else:
            said = _describe_pattern(split, labels, tuple(marks))
            ok = said is not None and all(
                _describe_pattern(split, [lab for lab, _ in o], _pattern(name, v, split, o))
                == said for v, o in zip(wrong[1:], others))
            if not ok and "step" not in split and split != "region":
                said = _from_the_end(split, tuple(marks))
                ok = said is not None and all(
                    _from_the_end(split, _pattern(name, v, split, o)) == said
                    for v, o in zip(wrong[1:], others))
        if said is None or not ok:
            continue
        text, cid = said
        extra = _wrong_part_relation(name, wrong, layout, split)
        return Finding(f"in @@, {text}{extra}", cid,
                       "part of the result right, part wrong (" + split + ")",
                       weak=not extra)
    return None


def _wrong_part_factor(wrong, a, e, parts, usable) -> str:
    """On the wrong part: yours = |expected| (the sign lost there), yours = expected / q (a
    factor q missing there, the upstream gradient not multiplied in), or yours - expected =
    c x q (a term too many there)."""
    if all(np.any(y < 0) and close(x, np.abs(y)) for x, y in zip(a, e)):
        return ("; on the wrong part yours is the absolute value of the expected one: where "
                "the expected value is negative, yours has lost its sign")
    for k in usable:
        qs = parts[k]
        if any(np.any(np.abs(q) < 1e-12) for q in qs):
            continue
        if all(close(x, y / q) for x, y, q in zip(a, e, qs)):
            label = wrong[0].quantities[k].label
            return (f"; on the wrong part yours is the expected value divided by {label}, "
                    f"entry by entry: there it is not multiplied by {label}")
    # one number in place of a quantity that varies (alpha's mean for every unit's alpha)
    for k in usable:
        qs = parts[k]
        # (a quantity that is one size with a sign, +-delta, only says that signs differ)
        if any(np.any(np.abs(q) < 1e-12) or np.ptp(q) <= 1e-9 * np.max(np.abs(q))
               or np.ptp(np.abs(q)) <= 1e-9 * np.max(np.abs(q))
               for q in qs) or any(np.any(np.abs(y) < 1e-12) for y in e):
            continue
        cs = [x * q / y for x, y, q in zip(a, e, qs)]
        if all(np.ptp(c) <= 1e-6 * max(np.max(np.abs(c)), 1e-300) for c in cs) and \
                all(np.any(c) for c in cs):
            label = wrong[0].quantities[k].label
            c0 = float(np.mean(cs[0]))
            full = _arr(wrong[0].quantities[k].value)
            mean = all(abs(float(np.mean(c)) - float(np.mean(_arr(v.quantities[k].value))))
                       <= 1e-6 * max(1.0, abs(float(np.mean(c)))) for c, v in zip(cs, wrong))
            return (f"; on the wrong part yours is what the expected value would be with one "
                    f"number in place of {label}, the same for every entry ({c0:.4g} here"
                    + (f": the mean of {label}" if mean and full.size > 1 else "") + ")")
    for k in usable:
        for s, _ in [("1", 1.0), ("-1", -1.0)] + [f for f in _named_factors(wrong[0])
                                                  if not _composite(f[0])
                                                  and not f[0].startswith("-")]:
            if all((c := _value_of(s, v)) is not None and np.any(y)
                   and close(x, y + c * q, scale=float(np.max(np.abs(y))))
                   for v, x, y, q in zip(wrong, a, e, parts[k])):
                how = "too small by " if s == "-1" else "too large by " + (
                    "" if s == "1" else f"{s} times ")
                return (f"; on the wrong part yours is {how}"
                        f"{wrong[0].quantities[k].label}{_size_words(s, wrong[0])}: a term "
                        "too many there")
    return ""


def _wrong_part_relation(name: str, wrong: list[View], layout: Layout, split: str) -> str:
    """'; on the wrong part yours is 2 times the expected' when a scale or zeros holds there."""
    def wrong_masks(v):
        parts = dict(_parts(name, v, layout))[split]
        marks = _pattern(name, v, split, parts)
        out = []
        for (lab, idx), m in zip(parts, marks):
            mask = np.zeros(_arr(v.truth[name]).shape, bool)
            if m is False:
                mask[idx] = True
            out.append((lab, mask))
        return out
    per_view = [wrong_masks(v) for v in wrong]
    masks = [np.any([m for _, m in parts], axis=0) for parts in per_view]
    said = _relation_on(name, wrong, masks)
    labels = [lab for lab, _ in per_view[0]]
    if said or not all([lab for lab, _ in parts] == labels for parts in per_view):
        return said
    # no one relation on the whole wrong part: one for each wrong part (two slips, in two
    # blocks), said only when every wrong part has one
    said_parts = []
    for j, label in enumerate(labels):
        cases = [(v, parts[j][1]) for v, parts in zip(wrong, per_view) if np.any(parts[j][1])]
        if not cases:
            continue
        if len(cases) < 2 or len(said_parts) >= 4:
            return ""
        one = _relation_on(name, [v for v, _ in cases], [m for _, m in cases])
        if not one:
            return ""
        said_parts.append(one.replace("on the wrong part", f"on {label}", 1))
    return "".join(said_parts) if len(said_parts) > 1 else ""


def _relation_on(name: str, wrong: list[View], masks: list) -> str:
    """A relation that holds on the entries `masks[k]` of case k, on every case."""
    a = [_arr(v.outputs[name])[m] for v, m in zip(wrong, masks)]
    e = [_arr(v.truth[name])[m] for v, m in zip(wrong, masks)]
    if all(not np.any(x) for x in a) and all(np.any(x) for x in e):
        return "; on the wrong part yours is 0"
    if all(np.any(x) for x in e):
        c0 = float(np.sum(a[0] * e[0]) / np.sum(e[0] * e[0]))
        factors = _named_factors(wrong[0])
        for s, _ in [f for f in factors if not _composite(f[0])] + [(say_number(c0), c0)] \
                + [f for f in factors if _composite(f[0])]:
            if s is None or s == "1":
                continue
            if all((c := _value_of(s, v)) is not None and close(x, c * y)
                   for v, x, y in zip(wrong, a, e)):
                return (f"; on the wrong part every entry is exactly {s} times the expected "
                        f"one{_size_words(s, wrong[0])}")
    # on the wrong part: a declared quantity itself (or times a scalar), or the expected
    # value with one quantity as a factor instead of another
    def part_of(v, m, k):
        q = _arr(v.quantities[k].value) if k in v.quantities else None
        return None if q is None or q.shape != m.shape else q[m]
    same = [k for k, q in wrong[0].quantities.items()
            if _arr(q.value).shape == masks[0].shape]
    with np.errstate(all="ignore"):
        parts = {k: [part_of(v, m, k) for v, m in zip(wrong, masks)] for k in same}
        usable = [k for k in same if all(q is not None and np.any(q) for q in parts[k])]

        def equals(k, factors):
            for s, _ in factors:
                if all((c := _value_of(s, v)) is not None and close(x, c * q)
                       for v, x, q in zip(wrong, a, parts[k])):
                    times = "" if s == "1" else "minus " if s == "-1" else f"{s} times "
                    return (f"; on the wrong part yours equals {times}"
                            f"{wrong[0].quantities[k].label}{_size_words(s, wrong[0])}")
            return None
        for k in usable:
            said = equals(k, [("1", 1.0), ("-1", -1.0)])
            if said:
                return said
        # one factor missing, or one too many, entry by entry
        for k in usable:
            q = parts[k]
            label = wrong[0].quantities[k].label
            if all(np.allclose(x, 1.0) for x in q):
                continue
            if all(np.all(np.abs(x) > 1e-12) for x in q) and all(
                    np.any(y) and close(x, y / z) for x, y, z in zip(a, e, q)):
                # explain4's note for an upstream gradient left out there
                return (f"; on the wrong part yours is missing a factor {label}"
                        + (": there it is not multiplied by the upstream gradient"
                           if wrong[0].quantities[k].kind == "upstream" else ""))
            if all(np.any(y) and close(x, y * z) for x, y, z in zip(a, e, q)):
                return f"; on the wrong part yours has a factor {label} too many"
        present = [k for k in same if all(q is not None for q in parts[k])]
        for k1, k2 in itertools.permutations(present, 2):
            q1s, q2s = parts[k1], parts[k2]
            if all(np.allclose(q1, q2) for q1, q2 in zip(q1s, q2s)):
                continue
            # said on the cases where it is defined (q2 nowhere 0 on the wrong part, an
            # expected value there), at least two: where the upstream q2 is 0 (a case with
            # dnext_h = 0) the expected part is 0 and "instead of q2" tells nothing
            defined = [j for j, (y, q2) in enumerate(zip(e, q2s))
                       if np.any(y) and np.all(np.abs(q2) > 1e-12)]
            if len(defined) < 2 or any(not np.any(parts[k1][j]) for j in defined):
                continue
            if all(close(a[j], e[j] * q1s[j] / q2s[j]) for j in defined):
                return (f"; on the wrong part yours is what the expected value would be with "
                        f"{wrong[0].quantities[k1].label} as a factor instead of "
                        f"{wrong[0].quantities[k2].label}")
        for k in usable:
            said = equals(k, _named_factors(wrong[0]))
            if said:
                return said
        said = _wrong_part_factor(wrong, a, e, parts, usable)
        if said:
            return said
        said = _local_on(name, wrong, masks)
        if said:
            return said
    return ""


def _local_prediction(v: View, key: str, k: int, name: str):
    """The right computation with substitute k of local derivative `key`, for `name` (kept
    on the Local, computed once)."""
    loc = v.locals.get(key)
    if loc is None:
        return None
    memo = getattr(loc, "_memo", None)
    if memo is None:
        memo = loc._memo = {}
    if k not in memo:
        subs = _local_substitutes(loc)
        try:
            memo[k] = loc.recompute(subs[k][2]) if k < len(subs) else None
        except Exception:          # a prediction that cannot be built makes no claim
            memo[k] = None
    got = memo[k]
    return None if got is None or got.get(name) is None else _arr(got.get(name))


def _local_on(name: str, wrong: list[View], masks: list) -> str:
    """On the wrong part only: the right computation with one local derivative replaced
    (a block's derivative taken from another block)."""
    for key, loc in wrong[0].locals.items():
        for k, (what, _slug, _v) in enumerate(_local_substitutes(loc)):
            ok = True
            for v, m in zip(wrong, masks):
                p = _local_prediction(v, key, k, name)
                if p is None or p.shape != m.shape or not close(_arr(v.outputs[name])[m],
                                                                 p[m]):
                    ok = False
                    break
            if ok:
                return (f"; on the wrong part yours is what the right computation gives with "
                        f"{what}, in {loc.label}")
    return ""


# ---------------------------------------------------------------- the explainer

# The relations that multiply entry by entry (said by the parts they change, when the
# factor is 1 on whole declared parts).
_ENTRYWISE = ("factor-in-place-of-another", "extra-factor-", "divided-by-",
              "proportional-to-quantity", "masked-by-quantity")


def find(name: str, views: Sequence[View], layout: Layout = Layout(), *,
         min_cases: int = 2, tol: float = 1e-6) -> Finding | None:
    """The simplest relation that holds between the student's `name` and the truth on every
    case where `name` is wrong (at least `min_cases` of them), or None."""
    wrong = [v for v in views if name in v.outputs and name in v.truth
             and _arr(v.outputs[name]).shape == _arr(v.truth[name]).shape
             and not close(v.outputs[name], v.truth[name], tol=tol)]
    if len(wrong) < min_cases:
        return None
    _share_factors(wrong)
    # one number right on some cases (not 0 there) and wrong on others: a relation that
    # holds on the wrong ones is a coincidence of a few numbers (a count 5/4 of the right one
    # on two layers), not what the code does
    by_chance = _arr(wrong[0].truth[name]).size == 1 and any(
        name in v.outputs and name in v.truth and np.any(_arr(v.truth[name]))
        and _arr(v.outputs[name]).shape == _arr(v.truth[name]).shape
        and close(v.outputs[name], v.truth[name], tol=tol) for v in views)
    with np.errstate(all="ignore"):
        try:
            claims = [] if by_chance else _claims(name, wrong[0], layout)
        except (ValueError, IndexError, KeyError, TypeError, ZeroDivisionError):
            claims = []
        # a relation the right answer satisfies too tells nothing about this one
        right = replace(wrong[0], outputs={**wrong[0].outputs, name: wrong[0].truth[name]})
        for claim in claims:
            try:
                if all(claim.holds(v) for v in wrong) and not claim.holds(right):
                    # a factor entry by entry that is 1 on whole declared parts (on three
                    # gate blocks of four) is said where it acts: which parts are wrong, and
                    # the relation on them
                    parted = None
                    if claim.cause_id.startswith(_ENTRYWISE):
                        try:
                            parted = _extent(name, wrong, layout)
                        except (ValueError, IndexError, KeyError, TypeError):
                            parted = None
                    if parted is not None and not parted.weak:
                        return parted
                    text = _one_place(claim, claims, wrong, claim.text(wrong[0]))
                    if _arr(wrong[0].truth[name]).size == 1:     # one number: no "entries"
                        text = text.replace("every entry of @@ is", "@@ is")
                    return Finding(text, claim.cause_id, claim.title)
            except (ValueError, IndexError, KeyError, TypeError, ZeroDivisionError):
                continue
        try:
            found = _threshold_finding(name, wrong) or _extent(name, wrong, layout)
        except (ValueError, IndexError, KeyError, TypeError):
            found = None
        if found is None or found.weak:
            return _one_magnitude(name, wrong) or found
        return found


def _one_magnitude(name: str, wrong: list[View]) -> Finding | None:
    """Every entry of yours has one size and only the signs vary (every entry set to
    +-c), where the expected entries differ in size: said when nothing more precise is."""
    def holds(v):
        a, e = _arr(v.outputs[name]), _arr(v.truth[name])
        return a.size > 2 and _nontrivial(a) and \
            np.ptp(np.abs(a)) <= 1e-9 * np.max(np.abs(a)) and \
            np.ptp(np.abs(e)) > 1e-6 * np.max(np.abs(e)) and bool(np.any(a < 0)) and \
            bool(np.any(a > 0))
    if not all(holds(v) for v in wrong):
        return None
    size = float(np.max(np.abs(_arr(wrong[0].outputs[name]))))
    return Finding(f"every entry of @@ has the same size, {size:.6g}, with only its sign "
                   "changing from entry to entry; the expected entries differ in size",
                   "one-magnitude", "one size for every entry, signs only")


# ---------------------------------------------------------------- responses: which path is wrong

@dataclass
class Response:
    """The student's function called again with a changed upstream gradient: `label` says
    that input as a student reads it ("dnext_c alone (dnext_h set to zero)"), `get()` gives
    (the student's outputs, the right outputs) for it, or None when the call fails; it is
    called only when asked, at most once. `kind`: "zero" (every upstream gradient zero),
    "double" (every one doubled), "negate" (every one negated), "part" (one upstream
    argument alone), "step" (one step of an upstream's step axis alone: `step` = (word, t,
    n)), "sign" (the right outputs alone, for a part of the upstream gradient picked by
    its sign: `get()` gives ({}, right outputs)) or "swap" (two entries of the cache
    exchanged: `step` = their names; see cache_swaps) or "copy" (the first one's entry
    holding the second one's value)."""

    label: str
    get: Callable[[], Any]
    kind: str = "part"
    step: tuple | None = None
    # "watch": get() gives (the notes of the student's variables (watch.collecting), the
    # outputs); again(fix) the same with one variable's values replaced
    again: Callable[[tuple], Any] | None = None


# The student's function is called again only while these calls of one case have taken
# less than this many seconds in all: a slow wrong answer keeps its message, within the
# test's time limit, and an explanation may then be missing.
RESPONSE_SECONDS = 1.0


def _once(make: Callable[[], Any], spent: list) -> Callable[[], Any]:
    """make() called at most once, and only while `spent[0]` (the seconds this case's calls
    have taken) is below RESPONSE_SECONDS; None when it fails or is not called."""
    memo: list = []

    def get():
        if not memo:
            if spent[0] >= RESPONSE_SECONDS:
                return None
            start = time.monotonic()
            try:
                with np.errstate(all="ignore"):     # (a changed input may give log(0))
                    memo.append(make())
            except Exception:        # a call that fails makes no claim
                memo.append(None)
            spent[0] += time.monotonic() - start
        return memo[0]
    return get


def watch_response(call: Callable[[], dict | None]) -> Response:
    """`View.responses["watch"]`: the case itself (`call()`: the student's outputs, name ->
    value) called again with the student's variables watched, and `again(fix)` with one
    variable's values replaced (see variables.py); for any graded function, a backward pass
    or not."""
    def watched():
        with watch.collecting() as notes:
            outputs = call()
        return notes, outputs

    def fixed(fix):
        with watch.collecting(fix) as notes:
            outputs = call()
        return notes, outputs
    return Response("the case itself, its variables watched", _once(watched, [0.0]),
                    "watch", again=fixed)


def upstream_responses(call: Callable[[dict], dict | None],
                       truth_for: Callable[[dict], dict] | dict,
                       upstream: dict, axes: dict | None = None,
                       max_steps: int = 6) -> dict:
    """`View.responses` for a function that is linear in its upstream gradients, as every
    backward pass is: the student's function called again (`call(changed)`: the student's
    outputs for the upstream arguments `changed`, name -> value, the other arguments as in
    the case) with every upstream gradient zero, doubled, each upstream argument alone
    (when there are several) and each step of a declared step axis alone (`axes`: name ->
    (axis, word), at most `max_steps` steps: the first two, the middle and the last two),
    beside the right outputs for the same (`truth_for(changed)`; or, given the right
    outputs of the case itself as a dict, only zero, doubled and negated), and the right
    outputs alone for the upstream gradient's positive entries, its negative ones and its
    absolute value (`sign-*`, see _sign_finding). Nothing is called until
    the explainer asks, and only when an answer is wrong."""
    up = {k: np.asarray(v, dtype=np.float64) for k, v in upstream.items()}
    zero = {k: np.zeros_like(v) for k, v in up.items()}
    if not callable(truth_for):
        # the right outputs of the case itself: only zero and doubled are known from them
        truth, first = truth_for, next(iter(up))

        def truth_for(changed):          # changed = c x upstream: the truth times c
            size = float(np.sum(up[first] ** 2))
            c = float(np.sum(changed[first] * up[first])) / size if size else 0.0
            return {k: _arr(v) * c for k, v in truth.items()}
        axes, up_parts = {}, False
    else:
        up_parts = True

    spent = [0.0]

    def response(label, changed, kind, step=None):
        return Response(label, _once(lambda: _pair(call(changed), truth_for(changed)), spent),
                        kind, step)
    out = {"watch": watch_response(lambda: call(up)),
           "zero": response("every upstream gradient set to zero", zero, "zero"),
           "double": response("every upstream gradient doubled",
                              {k: 2.0 * v for k, v in up.items()}, "double"),
           "negate": response("every upstream gradient negated",
                              {k: -v for k, v in up.items()}, "negate")}
    if up_parts and any(np.any(v > 0) and np.any(v < 0) for v in up.values()):
        # the right answer for a part of the upstream gradient picked by its sign (nothing
        # of the student's is called): what a max, a mask or an absolute value taken on
        # the upstream gradient gives
        for key, part in (("positive", lambda v: np.maximum(v, 0.0)),
                          ("negative", lambda v: np.minimum(v, 0.0)), ("abs", np.abs)):
            changed = {k: part(v) for k, v in up.items()}
            out[f"sign-{key}"] = Response(key, _once(
                lambda changed=changed: ({}, dict(truth_for(changed))), spent), "sign")
    if len(up) > 1 and up_parts:
        for k, v in up.items():
            if np.any(v):
                others = " and ".join(o for o in up if o != k)
                out[f"only-{k}"] = response(f"{k} alone ({others} set to zero)",
                                            {**zero, k: v}, "part")
    for k, (axis, word) in (axes or {}).items():
        v = up.get(k)
        if v is None or v.ndim <= axis or v.shape[axis] < 2:
            continue
        n = v.shape[axis]
        steps = range(n) if n <= max_steps else sorted({0, 1, n // 2, n - 2, n - 1})
        for t in steps:
            keep = np.zeros(n)
            keep[t] = 1.0
            shape = [1] * v.ndim
            shape[axis] = n
            part = v * keep.reshape(shape)
            if np.any(part):
                out[f"step-{k}-{t}"] = response(
                    f"the upstream gradient of {word} {t} alone", {**zero, k: part}, "step",
                    (word, t, n))
    return out


def example_responses(call: Callable[[int], dict | None], truth_for: Callable[[int], dict],
                      n: int, changed: str = "inputs", word: str = "example") -> dict:
    """`View.responses` for a function of a batch whose outputs are computed example by
    example (a row of dx depends on its own example only): the student's function called
    again with the `changed` of one example j changed (`call(j)`: the student's outputs;
    `truth_for(j)`: the right ones), for the first and the last example. Called only when
    the explainer asks (see _mixing_finding)."""
    spent = [0.0]
    return {f"{word}-{j}": Response(
        f"the {changed} of {word} {j} alone changed",
        _once(lambda j=j: _pair(call(j), truth_for(j)), spent), "example", (word, j, n))
        for j in sorted({0, n - 1}) if n > 1}


def sequence_example_responses(call: Callable[[list, np.ndarray], dict | None],
                               truth: Callable[[list, np.ndarray], dict], args: list,
                               dh) -> dict:
    """example_responses for a recurrent backward pass whose arguments `args` start with the
    input sequence x (N, T, D) and the initial state h0 (N, H), with upstream dh (N, T, H):
    example j's x, h0 and dh changed; `call(args, dh)` gives the student's outputs,
    `truth(args, dh)` the right ones."""
    def moved(j):
        return [changed_row(args[0], j), changed_row(args[1], j), *args[2:]], changed_row(dh, j)
    return example_responses(lambda j: call(*moved(j)), lambda j: truth(*moved(j)),
                             np.shape(dh)[0], "inputs, initial state and upstream gradient")


def _leaves(tree) -> list:
    """The arrays of a cache (nested tuples and lists), in order."""
    if isinstance(tree, (tuple, list)):
        return [leaf for part in tree for leaf in _leaves(part)]
    return [tree]


def _rebuilt(tree, leaves: list):
    """The cache `tree` with its arrays taken in order from `leaves` (copied)."""
    if isinstance(tree, (tuple, list)):
        return type(tree)(_rebuilt(part, leaves) for part in tree)
    return np.array(leaves.pop(0), copy=True)


def cache_swaps(call: Callable[[Any], dict | None], cache, names: Sequence[str | None],
                truth: dict, max_pairs: int = 45) -> dict:
    """`View.responses`: the student's function called again, on the same upstream gradient,
    with two of its cache's entries exchanged (`call(cache)` gives the student's outputs
    for a cache; `names`: one name per array of the cache, nested tuples flattened in
    order, None for one never exchanged; a name used more than once, as in a list of step
    caches, is exchanged everywhere), and with one entry holding the other's value. Code
    that reads one entry where the other belongs is right on the second (one way), code
    that reads each where the other belongs (an unpacking order) on the first: see
    _swap_finding. Only entries of one shape that differ are exchanged; nothing is called
    until asked, within the response budget."""
    leaves = _leaves(cache)
    if len(leaves) != len(names):        # a cache of another make: no claim
        return {}
    shapes: dict = {}
    for leaf, n in zip(leaves, names):
        if n is not None:
            shapes.setdefault(n, set()).add(np.shape(leaf))
    kept = [n for n in dict.fromkeys(n for n in names if n is not None) if len(shapes[n]) == 1]
    spent = [0.0]
    out: dict = {}
    # neighbours in the cache first (an unpacking order slips between neighbours)
    first_at = {n: names.index(n) for n in kept}
    pairs = sorted((p for p in itertools.combinations(kept, 2) if shapes[p[0]] == shapes[p[1]]),
                   key=lambda p: abs(first_at[p[0]] - first_at[p[1]]))
    for a, b in pairs[:max_pairs]:
        ia = [k for k, n in enumerate(names) if n == a]
        ib = [k for k, n in enumerate(names) if n == b]
        if len(ia) != len(ib) or all(np.array_equal(leaves[i], leaves[j])
                                     for i, j in zip(ia, ib)):
            continue

        def make(ia=ia, ib=ib, how="swap"):
            moved = list(leaves)
            for i, j in zip(ia, ib):
                if how in ("swap", "a", "a free"):
                    moved[i] = leaves[j]
                if how in ("swap", "b", "b free"):
                    moved[j] = leaves[i]
                # (the copied-from entry itself changed: code that reads a where b should
                # be does not read b's own entry, so its answer does not move)
                if how == "a free":
                    moved[j] = 0.7 * np.asarray(leaves[j]) + 0.05
                if how == "b free":
                    moved[i] = 0.7 * np.asarray(leaves[i]) + 0.05
            return _pair(call(_rebuilt(cache, moved)), truth)
        # one way first (a's entry holding b's value: code that reads a where b belongs),
        # then both ways
        out[f"copy-{a}-{b}"] = Response(f"{a} replaced by {b} in the cache",
                                        _once(lambda m=make: m(how="a"), spent), "copy",
                                        (a, b))
        out[f"copy-{b}-{a}"] = Response(f"{b} replaced by {a} in the cache",
                                        _once(lambda m=make: m(how="b"), spent), "copy",
                                        (b, a))
        for x, y, how in ((a, b, "a free"), (b, a, "b free")):
            out[f"free-{x}-{y}"] = Response(f"{x} replaced by {y}, and {y} changed",
                                            _once(lambda m=make, h=how: m(how=h), spent),
                                            "free", (x, y))
        out[f"swap-{a}-{b}"] = Response(f"{a} and {b} exchanged in the cache",
                                        _once(make, spent), "swap", (a, b))
    return out


def _swap_finding(name: str, wrong: list[View]) -> Finding | None:
    """Yours is right, on every wrong case, when two entries of the cache are exchanged
    before the call (cache_swaps): the code reads each where the other belongs."""
    keys = list(dict.fromkeys(k for v in wrong for k, r in v.responses.items()
                              if r.kind in ("swap", "copy")))
    for key in keys:
        having = [v for v in wrong if key in v.responses]
        if len(having) < 2:
            continue
        pairs = [_response(v, key, name) for v in having]
        # the exchange turns yours (it changes) into the right answer
        if all(p is not None and _right(p[0], p[1], _scale_of(v, name))
               and not _right(_arr(v.outputs[name]), p[0], _scale_of(v, name))
               for p, v in zip(pairs, having)):
            a, b = having[0].responses[key].step
            if having[0].responses[key].kind == "copy":
                # one way only when yours does not move as b's own entry changes (else
                # the copy cancelled some other slip: a sum of probabilities that is 1)
                free = [_response(v, f"free-{a}-{b}", name) for v in having]
                if not all(f is not None and p is not None and _right(f[0], p[0], _scale_of(
                        v, name)) for f, p, v in zip(free, pairs, having)):
                    continue
                return Finding(
                    f"your @@ is right when {a} in the cache is replaced by {b} before your "
                    f"function is called: your code reads {a} instead of {b} (look at "
                    f"the names the cache is unpacked into, and at which one each line "
                    f"uses)", "cache-entry-read-for-another",
                    "a cache entry read in another's place")
            return Finding(
                f"your @@ is right when {a} and {b} are exchanged in the cache before your "
                f"function is called: your code reads {a} in the place of {b}, and {b} in "
                f"the place of {a} (look at the order in which the cache is unpacked)",
                "cache-entries-exchanged", "two cache entries read in each other's place")
    return None


def changed_row(x, j: int) -> np.ndarray:
    """A copy of x with row j changed by a fixed rule (no random state used): its entries
    reversed in sign and order, scaled and moved, so that signs flip (a ReLU's mask, a max)
    as well as values: what example_responses' calls change."""
    x = np.array(x, dtype=np.float64)
    row = x[j]
    x[j] = -1.5 * row[::-1].reshape(row.shape) + np.linspace(0.45, -0.35, row.size).reshape(
        row.shape) if row.ndim == 1 else -1.5 * row + 0.3
    return x


def scalar_responses(call: Callable[[float], dict | None], truth: dict, upstream: float,
                     name: str = "dloss") -> dict:
    """`View.responses` for a function whose upstream gradient is one number (`name`, in
    the case `upstream`, not zero): the student's function called again with it zero and
    doubled (`call(value)`), beside `truth` scaled alike (the answer is linear in it)."""
    return upstream_responses(
        lambda up: call(float(up[name])),
        lambda up: {k: _arr(v) * (float(up[name]) / upstream) for k, v in truth.items()},
        {name: np.float64(upstream)})


def _pair(got, truth):
    if got is None or truth is None:
        return None
    return dict(got), dict(truth)


def _response(v: View, key: str, name: str):
    """(yours, right) for output `name` under response `key` of view v, or None."""
    r = v.responses.get(key)
    pair = r.get() if r is not None else None
    if pair is None or name not in pair[0] or name not in pair[1]:
        return None
    a, e = _arr(pair[0][name]), _arr(pair[1][name])
    if a.shape != e.shape or not (np.all(np.isfinite(a)) and np.all(np.isfinite(e))):
        return None
    return a, e


def _right(a, e, scale: float) -> bool:
    """a is e (relative to the size of the output on the whole case: a path whose right
    value is zero or tiny is right when yours is tiny on that scale)."""
    return bool(np.all(np.abs(a - e) <= MATCH_TOL * max(scale, 1e-300)))


def _scale_of(v: View, name: str) -> float:
    return float(np.max(np.abs(_arr(v.truth[name])), initial=0.0))


def _homogeneity(name: str, wrong: list[View]) -> Finding | None:
    """Every backward pass is linear in its upstream gradient: zero upstream gives zero, a
    doubled one twice the answer. Said when the student's is not, on every wrong case."""
    zeros = [_response(v, "zero", name) for v in wrong]
    if all(z is not None for z in zeros) and all(
            not _right(z[0], 0.0 * z[1], _scale_of(v, name)) for z, v in zip(zeros, wrong)):
        return Finding(
            "with every upstream gradient set to zero, your @@ is not zero (the right one "
            "is: every contribution to it carries the upstream gradient as a factor), so a "
            "part of yours does not come through the upstream gradient: a term that is not "
            "multiplied by it, or that is added to it",
            "not-through-upstream", "a term that does not carry the upstream gradient")
    doubles = [_response(v, "double", name) for v in wrong]
    if any(d is None for d in doubles):
        return None
    ratios = []
    for d, v in zip(doubles, wrong):
        a1 = _arr(v.outputs[name])
        if not _nontrivial(a1) or _right(d[0], 2.0 * a1, _scale_of(v, name)):
            return None
        c = float(np.sum(d[0] * a1) / np.sum(a1 * a1))
        if not close(d[0], c * a1):
            return Finding(
                "your @@ is not proportional to the upstream gradient: doubling the upstream "
                "gradient does not double yours, nor scale it by any one number (the right "
                "one doubles): the upstream gradient enters a term in some other way than "
                "as a factor", "not-linear-in-upstream",
                "not proportional to the upstream gradient")
        ratios.append(c)
    c = ratios[0]
    if not all(abs(r - c) <= 1e-6 * abs(c) + 1e-12 for r in ratios):
        return None
    k = float(np.log2(abs(c))) if c else float("nan")
    said = {0.0: "does not change when the upstream gradient is doubled (the right one "
                 "doubles): yours does not depend on the upstream gradient's size (it may "
                 "still depend on its direction): the upstream gradient left out, or divided "
                 "by its own size (normalised)",
            -1.0: "is halved when the upstream gradient is doubled (the right one doubles): "
                  "yours is divided by the upstream gradient where it should be multiplied "
                  "by it",
            2.0: "is multiplied by 4 when the upstream gradient is doubled (the right one "
                 "doubles): the upstream gradient is multiplied in twice (squared)"}
    for degree, text in said.items():
        if c > 0 and abs(k - degree) < 1e-6:
            return Finding(f"your @@ {text}", f"upstream-degree-{degree:g}",
                           "the upstream gradient used as other than one factor")
    return None


_SIGN_PARTS = {
    "positive": "is the right answer for the upstream gradient's positive entries alone: "
                "where the upstream gradient is negative, nothing of it reaches yours (a "
                "max(..., 0), a ReLU or a mask taken on the upstream gradient itself)",
    "negative": "is the right answer for the upstream gradient's negative entries alone: "
                "where the upstream gradient is positive, nothing of it reaches yours (a "
                "min(..., 0) or a mask taken on the upstream gradient itself)",
    "abs": "is the right answer for the upstream gradient's absolute value: its sign is "
           "lost on the way (an absolute value taken of it)"}


def _sign_finding(name: str, wrong: list[View]) -> Finding | None:
    """A backward pass is linear in its upstream gradient: negating it negates the answer.
    When the student's is not (on every wrong case), the part of the upstream gradient
    picked by its sign that yours is the right answer for (positive, negative, absolute
    value), or that its signs are treated differently."""
    for v in wrong:
        n = _response(v, "negate", name)
        if n is None or _right(n[0], -_arr(v.outputs[name]), _scale_of(v, name)):
            return None
    for key, text in _SIGN_PARTS.items():
        preds = []
        for v in wrong:
            r = v.responses.get(f"sign-{key}")
            pair = r.get() if r is not None else None
            preds.append(None if pair is None else pair[1].get(name))
        if all(p is not None and _arr(p).shape == _arr(v.outputs[name]).shape
               and _nontrivial(p) and not close(p, v.truth[name])
               and close(v.outputs[name], p) for p, v in zip(preds, wrong)):
            return Finding(f"your @@ {text}", f"upstream-{key}-part",
                           f"only the upstream gradient's {key} part"
                           if key != "abs" else "the upstream gradient's absolute value")
    return Finding(
        "with every upstream gradient negated, your @@ is not the negative of yours (the "
        "right one is: the upstream gradient enters only as a factor), so its positive and "
        "negative entries are treated differently: a max, a clip, an absolute value or a "
        "mask taken on a gradient (the upstream one, or one computed from it) rather than on "
        "a value of the forward pass",
        "upstream-sign", "the upstream gradient's signs treated differently")


def _mixing_finding(name: str, views: list[View], layout: Layout) -> Finding | None:
    """One example's inputs changed: the right `name` changes in that example's row only,
    the student's in other rows too (on at least two calls: two examples, or two cases)."""
    seen, word = [], None
    for v in views:
        for key, r in v.responses.items():
            if r.kind != "example":
                continue
            # the axis of that word ("example": axis 0 unless declared otherwise)
            axis = next((ax for ax, w in layout.axes.get(name, {}).items()
                         if w == r.step[0]), 0 if r.step[0] == "example" else None)
            if axis is None:
                continue
            word = word or r.step[0]
            g = _response(v, key, name)
            if g is None:
                return None
            got, right = g
            base, truth = _arr(v.outputs[name]), _arr(v.truth[name])
            j = r.step[1]
            if base.ndim <= axis or base.shape[axis] < 2:
                return None
            others = [i for i in range(base.shape[axis]) if i != j]
            scale = _scale_of(v, name)

            def rows(x):
                return np.take(_arr(x), others, axis=axis)
            if not _right(rows(right), rows(truth), scale):
                return None           # not an output computed example by example
            n = base.shape[axis]
            moved = {(i - j) % n for i in others if not _right(
                np.take(_arr(got), i, axis=axis), np.take(base, i, axis=axis), scale)}
            seen.append((j, not moved, r.label, moved, n))
    mixed = [(j, label) for j, same, label, _m, _n in seen if not same]
    if len(mixed) < 2:              # seen on two calls at least (two examples, or two cases)
        return None
    j, label = mixed[0]
    # only the neighbouring row moved, every time: an index off by one (n - 1, n + 1)
    steps = {frozenset(m) for _j, same, _l, m, _n in seen if not same}
    if len(steps) == 1 and len(next(iter(steps))) == 1:
        d = next(iter(next(iter(steps))))
        n = seen[0][4]
        which = "next" if d == 1 else "previous" if d == n - 1 else None
        if which is not None and word == "example":
            other = "previous" if which == "next" else "next"
            return Finding(
                f"with {label}, your @@ changes in the rows of the other examples too (the "
                f"right one changes in row {j} only), and only in the {which} example's row, "
                f"every time: each row of yours also depends on the {other} example's values "
                f"(look for an index {'n - 1' if which == 'next' else 'n + 1'} where n "
                f"belongs, the first or last example wrapping round, or a shift along the "
                f"batch axis)", "examples-mixed", "the examples of a batch mixed")
    if word != "example":
        return Finding(f"with {label}, your @@ changes in the slices of the other {word}s too "
                       f"(the right one changes in {word} {j}'s only): yours mixes the "
                       f"{word}s, where each {word}'s part depends on that {word} alone (look "
                       f"for a sum, a product or a normalisation over the {word}s, where an "
                       f"operation entry by entry belongs)", "examples-mixed",
                       "the examples of a batch mixed")
    return Finding(f"with {label}, your @@ changes in the rows of the other examples too "
                   f"(the right one changes in row {j} only): yours mixes the examples, where "
                   "each row depends on its own example alone (look for a sum, mean, max, "
                   "normalisation or count taken over the batch axis, axis 0, where one over "
                   "each row belongs, or for a row index that reads another example's row)",
                   "examples-mixed", "the examples of a batch mixed")


def _parts_said(labels: list[str]) -> str:
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def _relation_on_path(name: str, pairs: list, layout: Layout) -> str:
    """': there, <relation>' when one relation holds on the student's answer to every wrong
    path (the path's own right answer as the truth), else ''."""
    # (the declared quantities but the upstream ones, which the path changes)
    sub = [View({name: a}, {name: e}, v.sizes, v.scalars,
                {k: q for k, q in v.quantities.items() if q.kind != "upstream"})
           for (a, e), v in pairs]
    if len(sub) < 2:
        return ""
    if all(not _nontrivial(a) for (a, _e), _v in pairs):
        return ": nothing of it reaches yours (yours is zero for it, the right one is not)"
    f = find(name, sub, Layout({k: v for k, v in layout.axes.items() if k == name},
                               {k: v for k, v in layout.blocks.items() if k == name}))
    if f is None or f.weak or f.cause_id == "all-zeros":
        return ""
    return ": for it, " + f.text.replace("@@", "yours")


def _statuses(name: str, views: list[View], kind: str) -> dict | None:
    """key -> (label, step, True/False: right/wrong on every view that has it, the
    (yours, right) pairs) for the responses of `kind`, over every view (right or wrong
    there) that has them; None when one is right on some views and wrong on others."""
    out: dict = {}
    for v in views:
        for key, r in v.responses.items():
            if r.kind != kind:
                continue
            g = _response(v, key, name)
            if g is None:
                return None
            ok = _right(*g, _scale_of(v, name))
            label, step, prev, pairs = out.get(key, (r.label, r.step, ok, []))
            if prev != ok:
                return None
            out[key] = (label, step, ok, pairs + [(g, v)])
    return out


def _split(statuses: dict) -> tuple[list, list, list] | None:
    """(the labels of the right parts, those of the wrong ones, the wrong parts' pairs)
    when some parts are right and some wrong, each wrong part seen wrong on at least two
    views or the wrong parts on at least two in all."""
    right = [k for k, s in statuses.items() if s[2]]
    bad = [k for k, s in statuses.items() if not s[2]]
    pairs = [p for k in bad for p in statuses[k][3]]
    if not right or not bad or len(pairs) < 2:
        return None
    return right, bad, pairs


def _part_finding(name: str, views: list[View], layout: Layout) -> Finding | None:
    """Right for some upstream arguments alone, wrong for the others."""
    st = _statuses(name, views, "part")
    split = _split(st) if st else None
    if split is None:
        return None
    right, bad, pairs = split
    tail = _relation_on_path(name, pairs, layout)
    return Finding(f"@@ is right for {_parts_said([st[k][0] for k in right])}, and wrong for "
                   f"{_parts_said([st[k][0] for k in bad])}" + tail,
                   "wrong-path", "one path of the gradient wrong", weak=not tail)


def _step_finding(name: str, views: list[View], layout: Layout) -> Finding | None:
    """For the upstream gradient of one step alone: right for some steps and wrong for the
    others; or, at the step itself, at the earlier steps (what flows back through the
    carried state) and at the later ones (where the right answer is zero)."""
    st = _statuses(name, views, "step")
    if not st:
        return None
    word, _t, n = next(iter(st.values()))[1]
    split = _split(st)
    axis = next((ax for ax, w in layout.axes.get(name, {}).items() if w == word), None)
    said = None
    if axis is not None:
        said = _carried(name, [s for k, s in st.items() if split is None or k in split[1]],
                        axis, word)
    if said is not None or split is None:
        return said
    right, bad, pairs = split

    def steps(keys):
        ts = sorted({st[k][1][1] for k in keys})
        if ts == [n - 1]:
            return f"the last {word} (T-1)"
        if len(ts) > 2 and ts == list(range(ts[0], ts[-1] + 1)):
            return f"{word}s {ts[0]} to {ts[-1]}" + (" (the last)" if ts[-1] == n - 1 else "")
        return f"{word}{'s' if len(ts) > 1 else ''} {_join([str(t) for t in ts])}"
    tail = _relation_on_path(name, pairs, layout)
    return Finding(f"@@ is right for the upstream gradient of {steps(right)} alone, and "
                   f"wrong for that of {steps(bad)} alone" + tail,
                   "wrong-step-path", "the gradient of some steps wrong", weak=not tail)


def _carried(name: str, statuses: list, axis: int, word: str) -> Finding | None:
    """For the upstream gradient of one step alone (the parts in `statuses`), the output
    compared step by step: at that step, at each earlier step (what flows back through the
    carried state) and at the later ones (where the right answer is zero)."""
    same, earlier, later = [], {}, []      # earlier: step -> [right?] over parts and cases
    zeros = True
    for _label, (_w, t, _n), _ok, pairs in statuses:
        for (a, e), v in pairs:
            if a.ndim <= axis:
                return None
            scale = _scale_of(v, name)
            for tau in range(a.shape[axis]):
                ok = _right(np.take(a, tau, axis=axis), np.take(e, tau, axis=axis), scale)
                if tau == t:
                    same.append(ok)
                elif tau < t:
                    earlier.setdefault(tau, []).append(ok)
                    zeros = zeros and not _nontrivial(np.take(a, tau, axis=axis))
                else:
                    later.append(ok)
    one = f"one {word} alone (every other {word}'s upstream set to zero)"
    if later and not any(later):
        return Finding(f"for the upstream gradient of {one}, your @@ is not zero at the "
                       f"later {word}s, where the right one is zero (a {word}'s upstream "
                       f"gradient reaches only that {word} and the earlier ones)",
                       "reaches-later-steps", "a step's gradient found at later steps",
                       weak=True)
    if not same or not earlier:
        return None
    wrong_steps = sorted(tau for tau, oks in earlier.items() if not any(oks))
    mixed = [tau for tau, oks in earlier.items() if any(oks) and not all(oks)]
    if all(same) and wrong_steps and not mixed:
        if len(wrong_steps) == len(earlier):
            where = f"wrong at every earlier {word}"
            tail = ": nothing flows back to the earlier steps (yours is zero there)" \
                if zeros else ""
        else:
            where = (f"right at the earlier {word}s except {word} "
                     f"{_join([str(t) for t in wrong_steps])}, where it is wrong")
            tail = ""
        return Finding(f"for the upstream gradient of {one}, your @@ is right at that "
                       f"{word} and {where}: what flows back from a {word} to the {word}s "
                       f"before it (through the state carried from one {word} to the next) "
                       f"is wrong{tail}", "carried-path",
                       "the gradient carried back through the steps wrong", weak=not tail)
    if not any(same) and all(all(oks) for oks in earlier.values()):
        return Finding(f"for the upstream gradient of {one}, your @@ is wrong at that "
                       f"{word} itself and right at every earlier {word}: the step's own "
                       f"contribution is wrong, what it carries back is right",
                       "own-step-path", "a step's own contribution wrong")
    return None


def response_finding(name: str, views: Sequence[View], layout: Layout = Layout(), *,
                     min_cases: int = 2, tol: float = 1e-6) -> Finding | None:
    """What the student's function does with parts of its upstream gradient (`View.
    responses`), when `name` is wrong on at least `min_cases` cases: not linear in it (on
    every wrong case); right for one upstream argument alone and wrong for another, or for
    one step's upstream alone right at that step and wrong before it (on every case that
    has the part, right or wrong there). None when nothing holds on every case."""
    usable = [v for v in views if v.responses and name in v.outputs and name in v.truth
              and _arr(v.outputs[name]).shape == _arr(v.truth[name]).shape]
    wrong = [v for v in usable if not close(v.outputs[name], v.truth[name], tol=tol)]
    if not wrong:
        return None
    with np.errstate(all="ignore"):
        # (the examples mixed: seen on two examples changed, on any case, right or wrong)
        try:
            f = _mixing_finding(name, usable, layout)
        except (ValueError, IndexError, KeyError, TypeError, ZeroDivisionError):
            f = None
        if f is not None or len(wrong) < min_cases:
            return f
        for finder, on in ((_homogeneity, wrong), (_sign_finding, wrong),
                           (_part_finding, usable), (_step_finding, usable)):
            try:
                f = finder(name, on) if finder in (_homogeneity, _sign_finding) else \
                    finder(name, on, layout)
            except (ValueError, IndexError, KeyError, TypeError, ZeroDivisionError):
                f = None
            if f is not None:
                return f
    return None

# ---------------------------------------------------------------- sweeps: an elementwise rule

# The values an elementwise backward pass is called on: -3 to 3, 0.01 apart, never 0 (a kink).
SWEEP_GRID = np.linspace(-3.0, 3.0, 601) + 0.005


@dataclass
class Sweep:
    """An elementwise backward pass (a ReLU's, a Leaky ReLU's) called again along a grid of
    its input (`View.sweep`), with the upstream gradient 1 and -1 everywhere: what it
    returns is the local derivative the student's code uses, read off for every value of the
    input and said as a rule of a few pieces ("1 where a > 1, 0 where a < 1") beside the
    right one's.

    variable: the input as a student reads it ("a");
    call(x, up): the student's output for input x (G, H) and upstream gradient up (G, H), or
        None; truth(x, up): the right output (see elementwise_derivative);
    width: H, the units (columns), each swept alike;
    marks: label -> one value per unit (or one for all) that a switching point may be
        ("the slope in the cache", "the unit's alpha")."""

    variable: str
    call: Callable
    truth: Callable
    width: int
    marks: dict = field(default_factory=dict)


def elementwise_derivative(forward: Callable, x, up, h: float = 1e-6) -> np.ndarray:
    """`up` times the derivative of an elementwise `forward` at every entry of x at once
    (centered differences, every entry moved together: exact to rounding away from kinks)."""
    x = np.array(x, dtype=np.float64)
    return (_arr(forward(x + h)) - _arr(forward(x - h))) / (2.0 * h) * _arr(up)


def _segments(values, grid, tol: float = 1e-6) -> list | None:
    """[(first x, last x, value)] of the runs of one value along the grid; None for more
    than four runs (then it is no rule of a few pieces)."""
    out: list = []
    for x, v in zip(grid, values):
        v = float(v)
        if out and abs(v - out[-1][2]) <= tol * max(1.0, abs(v), abs(out[-1][2])):
            out[-1][1] = x
        else:
            if len(out) == 4:
                return None
            out.append([x, x, v])
    return [tuple(seg) for seg in out]


def _num(v: float) -> str:
    return "0" if abs(v) < 1e-12 else f"{v:.4g}"


# Smooth local derivatives a code may use in place of a piecewise one: how each is said (of
# the input `{v}`), and its values.
_SMOOTH = (("exp({v})", np.exp), ("1 / (1 + exp(-{v}))", lambda x: 1.0 / (1.0 + np.exp(-x))),
           ("exp(-{v}) / (1 + exp(-{v}))**2", lambda x: np.exp(-x) / (1.0 + np.exp(-x)) ** 2),
           ("1 - tanh({v})**2", lambda x: 1.0 - np.tanh(x) ** 2), ("{v}", lambda x: x),
           ("|{v}|", np.abs), ("2 * {v}", lambda x: 2.0 * x), ("1 + {v}", lambda x: 1.0 + x))


def _smooth_rule(values, grid, var: str, marks: dict | None = None, j: int = 0) -> str | None:
    """The rule of a local derivative made of at most three pieces along the grid, each one
    number or a smooth function (the ELU's exp(a) where a < 0, 1 where a > 0; the softplus's
    1 / (1 + exp(-a)) for every a; max(slope, a)'s `slope` below the slope, a above it), said
    piece by piece with where it switches (see _switch); None when the values are no such
    rule. The functions: _SMOOTH, alone or with a declared value (`marks`, one per unit j:
    the slope plus a, the slope times a)."""
    values, grid = np.asarray(values, dtype=np.float64), np.asarray(grid, dtype=np.float64)
    funcs = list(_SMOOTH)
    for label, vals in (marks or {}).items():
        m = float(np.ravel(vals)[j] if np.ndim(vals) else vals)
        funcs += [(f"{label} + {{v}}", lambda x, m=m: m + x),
                  (f"{label} * {{v}}", lambda x, m=m: m * x),
                  (f"{label} * exp({{v}})", lambda x, m=m: m * np.exp(x))]

    def fits(word_f, i, k):              # the function fits values[i:k]
        if word_f[1] is None:            # one number: the piece's first value
            v = values[i:k]
            return close(v, np.full_like(v, v[0]), 1e-6)
        return close(values[i:k], word_f[1](grid[i:k]), 1e-6)
    pieces, i = [], 0                    # (first index, last index + 1, the function)
    while i < len(grid):
        alive = [wf for wf in [(None, None)] + funcs if fits(wf, i, i + 1)]
        k = i + 1
        while k < len(grid):
            keep = [wf for wf in alive if fits(wf, i, k + 1)]
            if not keep:
                break
            alive, k = keep, k + 1
        if not alive or k - i < 3 or len(pieces) == 3:
            return None
        pieces.append((i, k, alive[0]))
        i = k
    if all(wf[0] is None for _i, _k, wf in pieces):
        return None                      # one number per piece: a rule of _segments
    cuts = [_switch(grid[k - 1], grid[k], marks or {}, j)[1] for _i, k, _wf in pieces[:-1]]
    words = []
    for n, (i, _k, (word, _f)) in enumerate(pieces):
        said = _num(values[i]) if word is None else word.format(v=var)
        cond = (f"for every {var}" if len(pieces) == 1 else f"where {var} < {cuts[0]}"
                if n == 0 else f"where {var} > {cuts[-1]}" if n == len(pieces) - 1
                else f"where {cuts[n - 1]} < {var} < {cuts[n]}")
        words.append(f"{said} {cond}")
    return ", ".join(words)


def _switch(lo: float, hi: float, marks: dict, j: int) -> tuple[float, str]:
    """Where a rule switches between grid points lo and hi: a declared mark that lies there
    ("the slope in the cache (0.2)"), else the roundest number there."""
    for label, vals in marks.items():
        m = float(np.ravel(vals)[j] if np.ndim(vals) else vals)
        if lo <= m <= hi and abs(m) > 1e-12:
            return m, f"{label} ({m:.3g})"
    for digits in (0, 1, 2):
        r = round((lo + hi) / 2, digits)
        if lo <= r <= hi:
            return r, _num(r)
    return (lo + hi) / 2, _num((lo + hi) / 2)


def _cuts(segs: list, marks: dict, j: int) -> list[str]:
    """Where a rule of a few pieces switches, as said (see _switch)."""
    return [_switch(segs[i][1], segs[i + 1][0], marks, j)[1] for i in range(len(segs) - 1)]


def _rule_words(segs: list, var: str, marks: dict, j: int) -> str:
    if len(segs) == 1:
        return f"{_num(segs[0][2])} for every {var}"
    cuts = _cuts(segs, marks, j)
    words = []
    for i, (_, _, v) in enumerate(segs):
        cond = (f"{var} < {cuts[0]}" if i == 0 else f"{var} > {cuts[-1]}" if i == len(segs) - 1
                else f"{cuts[i - 1]} < {var} < {cuts[i]}")
        words.append(f"{_num(v)} where {cond}")
    return ", ".join(words)


def _value_note(mine: float, right: float) -> str:
    if abs(mine) < 1e-12:
        return "nothing passes there"
    if abs(mine + right) <= 1e-6 * max(1.0, abs(right)) and abs(right) > 1e-12:
        return "the right value's negative"
    if abs(mine - (1.0 - right)) <= 1e-6 and abs(right) > 1e-12:
        return "1 minus the right value"
    if abs(right) > 1e-12:
        said = say_number(mine / right)
        if said not in (None, "1"):
            return f"{said} times the right value"
    return ""


# how a sweep says that its rule is one unit's (the units' rules differ)
ONE_UNIT = " for unit "


def sweep_finding(name: str, sweep: Sweep) -> Finding | None:
    """The rule the student's elementwise backward pass follows along its input, beside
    the right one, when they differ (on the grid, for a positive or a negative upstream
    gradient); None when they agree or the student's is no rule of a few pieces."""
    grid, var = SWEEP_GRID, sweep.variable
    x = np.repeat(grid[:, None], sweep.width, axis=1)
    spent = [0.0]
    local = {}
    for sign in (1.0, -1.0):
        up = np.full(x.shape, sign)
        got = _once(lambda up=up: sweep.call(x.copy(), up.copy()), spent)()
        if got is None or _arr(got).shape != x.shape or not np.all(np.isfinite(_arr(got))):
            return None
        local[sign] = (_arr(got) / sign, _arr(sweep.truth(x.copy(), up.copy())) / sign)
    (mine, right), (mine_neg, right_neg) = local[1.0], local[-1.0]
    differs = [j for j in range(sweep.width)
               if not (close(mine[:, j], right[:, j], 1e-6) and close(mine_neg[:, j],
                                                                      right_neg[:, j], 1e-6))]
    if not differs or not close(right, right_neg, 1e-6):
        return None
    j = differs[0]
    yours, yours_neg, truth = (_segments(m[:, j], grid) for m in (mine, mine_neg, right))
    smooth = None
    if yours is None and truth is not None and close(mine[:, j], mine_neg[:, j], 1e-6):
        smooth = _smooth_rule(mine[:, j], grid, var, sweep.marks, j)
    if smooth is None and (yours is None or yours_neg is None or truth is None):
        return None
    same_units = all(close(m, m[:, :1] * np.ones_like(m), 1e-6) for m in (mine, mine_neg, right))
    where = "" if sweep.width == 1 or same_units else f"{ONE_UNIT}{j} (column {j} of @@)"
    head = (f"called again on inputs {var} from -3 to 3{where}, your @@ divided by the "
            f"upstream gradient (the local derivative your code uses) is ")
    right_words = _rule_words(truth, var, sweep.marks, j)
    if smooth is not None:           # a smooth function where the right one is piecewise
        return Finding(head + f"{smooth}; the right one is {right_words}",
                       "local-rule-smooth", "a smooth local derivative in place of the right "
                                            "one", checked=False)
    if not close(mine[:, j], mine_neg[:, j], 1e-6):
        # the right rule's own values picked by the upstream's sign (a mask from dout), or
        # values of its own that follow the upstream gradient (a slope taken from it)
        picks = all(any(abs(p[2] - q[2]) <= 1e-6 * max(1.0, abs(q[2])) for q in truth)
                    for p in yours + yours_neg)
        what = ("the values it uses depend on the upstream gradient (they change with its "
                "sign), where they depend" if not picks else
                "which entries pass depends on the sign of the upstream gradient, where it "
                "depends")
        return Finding(
            head + f"{_rule_words(yours, var, sweep.marks, j)} for a positive upstream "
            f"gradient, and {_rule_words(yours_neg, var, sweep.marks, j)} for a negative one: "
            f"{what} on {var} alone (the right one is {right_words} for either sign)",
            "local-rule-upstream-sign", "the local derivative depends on the upstream's sign",
            checked=False)
    text = head + f"{_rule_words(yours, var, sweep.marks, j)}; the right one is {right_words}"
    cause, title = "local-rule-values", "the local derivative has other values"
    if len(yours) == len(truth) and all(abs(a[2] - b[2]) <= 1e-6 * max(1.0, abs(b[2]))
                                        for a, b in zip(yours, truth)):
        text += (f": the same values, but yours switches at {var} = "
                 f"{', '.join(_cuts(yours, sweep.marks, j))} where the right one switches at "
                 f"{var} = {', '.join(_cuts(truth, sweep.marks, j))}")
        cause, title = "local-rule-switch", "the local derivative switches at the wrong point"
    elif [s[:2] for s in yours] == [s[:2] for s in truth]:
        notes = []
        for (lo, hi, v), (_, _, t) in zip(yours, truth):
            if abs(v - t) > 1e-6 * max(1.0, abs(t)):
                note = _value_note(v, t)
                notes.append(f"where {var} is from {lo:.3g} to {hi:.3g} yours is {_num(v)} "
                             f"and the right one {_num(t)}" + (f" ({note})" if note else ""))
        text += ": the same switching point, other values: " + "; ".join(notes)
    return Finding(text, cause, title, checked=False)


class Explainer:
    """The relations for one graded function over the cases a check ran: `for_output(name)`
    gives what `expect_close(explain=...)` asks, only when that output is wrong."""

    def __init__(self, views: Sequence[View] | Callable[[], Sequence[View]],
                 layout: Layout = Layout(),
                 cases: Callable[[], Sequence[View]] | None = None):
        self._views, self.layout = views, layout
        # more labelled cases for case_finding alone (not for the relations), made when asked
        self._cases = cases
        self._memo: dict = {}
        if RECORDER is not None:
            RECORDER.append(self)

    def views(self) -> list[View]:
        if callable(self._views):
            try:
                self._views = list(self._views())
            except Exception:          # a probe that fails leaves no second case
                self._views = []
        return list(self._views)

    def finding(self, name: str) -> Finding | None:
        if name not in self._memo:
            self._memo[name] = find(name, self.views(), self.layout)
        return self._memo[name]

    def response_finding(self, name: str) -> Finding | None:
        """What the student's function does with parts of its upstream gradient (`View.
        responses`), on every case where `name` is wrong: see response_finding."""
        key = "\0responses " + name
        if key not in self._memo:
            try:
                self._memo[key] = response_finding(name, self.views(), self.layout)
            except Exception:      # the explainer never breaks a check
                self._memo[key] = None
        return self._memo[key]

    def swap_finding(self, name: str) -> Finding | None:
        """Two cache entries read in each other's place (`cache_swaps`), on every case where
        `name` is wrong (two at least)."""
        key = "\0swap " + name
        if key not in self._memo:
            try:
                wrong = [v for v in self.views() if name in v.outputs and name in v.truth
                         and v.responses and not close(v.outputs[name], v.truth[name],
                                                       tol=1e-6)]
                self._memo[key] = _swap_finding(name, wrong) if len(wrong) >= 2 else None
            except Exception:      # the explainer never breaks a check
                self._memo[key] = None
        return self._memo[key]

    def circuit_finding(self) -> Finding | None:
        """One slip in one gate of the traced forward pass (`View.circuit`) that gives every
        output of the student's on every case (two at least): see circuit.find_slip."""
        if "\0circuit" not in self._memo:
            self._memo["\0circuit"] = None
            try:
                cases = [(v.circuit, v.outputs, v.truth) for v in self.views()
                         if v.circuit is not None]
                words = find_slip(cases, deadline=time.monotonic() + CIRCUIT_SECONDS) \
                    if len(cases) >= 2 else None
            except Exception:      # the explainer never breaks a check
                words = None
            if words is not None:
                self._memo["\0circuit"] = Finding(
                    f"every output of yours is exactly what backpropagation through the "
                    f"forward pass gives with one slip in one step: {words} (find that step "
                    f"in your code)", "chain-rule-slip", "one slip in one step of the chain "
                                                         "rule")
        return self._memo["\0circuit"]

    def variable_finding(self) -> Finding | None:
        """The first of the student's own variables that holds a wrong value, the same on
        every case (two at least; see variables.locate), from the student's function called
        again on each case with its variables watched (`View.responses["watch"]`)."""
        if "\0variables" not in self._memo:
            self._memo["\0variables"] = None
            try:
                deadline = time.monotonic() + VARIABLE_SECONDS
                watched = []
                for v in self.views():
                    r = (v.responses or {}).get("watch")
                    wrong = any(not close(v.outputs[o], v.truth[o], tol=1e-6)
                                for o in v.outputs if o in v.truth)
                    if r is None or v.circuit is None or not wrong:
                        continue
                    got = r.get()
                    if got is not None and r.again is not None:
                        watched.append((*got, v.circuit, v.truth, r.again))
                    if len(watched) == 3 or time.monotonic() > deadline:
                        break
                found = locate(watched, deadline) if len(watched) >= 2 else None
            except Exception:      # the explainer never breaks a check
                found = None
            if found is not None:
                self._memo["\0variables"] = Finding(
                    located_words(found), "variable-holds-slip",
                    "the variable of the student's code that holds the slip")
        return self._memo["\0variables"]

    def sweep_finding(self, name: str) -> Finding | None:
        """The rule an elementwise backward pass follows along its input (`View.sweep`),
        beside the right one, when they differ: see sweep_finding."""
        key = "\0sweep " + name
        if key not in self._memo:
            try:
                views = self.views()
                wrong = [v for v in views if name in v.outputs and name in v.truth
                         and not close(v.outputs[name], v.truth[name], tol=1e-6)]
                self._memo[key] = sweep_finding(name, wrong[0].sweep) \
                    if wrong and wrong[0].sweep is not None else None
            except Exception:      # the explainer never breaks a check
                self._memo[key] = None
        return self._memo[key]

    def inner_finding(self, **find_options) -> Finding | None:
        """A relation on a declared inner gradient (`View.inner`), recovered from the
        student's outputs that are products of it, on every case where it is wrong
        (`find_options`: find's min_cases and tol, for a test)."""
        if find_options:
            memo, self._memo = self._memo, {}
            try:
                return self._inner(find_options)
            finally:
                self._memo = memo
        return self._inner({})

    def _inner(self, find_options: dict) -> Finding | None:
        if "\0inner" not in self._memo:
            self._memo["\0inner"] = None
            views = self.views()
            for key in (views[0].inner if views else {}):
                sub, source = [], None
                for v in views:
                    spec = v.inner.get(key)
                    if spec is None:
                        continue
                    truth = _arr(spec.truth)
                    for out, operand, *turned in spec.sources:
                        got = v.outputs.get(out)
                        if got is not None and _arr(got).ndim == 1:
                            got = _arr(got)[None, :]        # a vector as one row
                        # (output, operand, True): the output is the product turned, G.T @
                        # operand (an outer product dW = outer(da, x))
                        G = _recover(None if got is None else
                                     (_arr(got).T if turned and turned[0] else got), operand)
                        if G is not None and G.shape == truth.shape:
                            sub.append(View({key: G}, {key: truth}, v.sizes, v.scalars,
                                            spec.quantities,
                                            terms={lab: {key: t}
                                                   for lab, t in spec.terms.items()}))
                            source = source or (out, spec.label)
                            break
                try:
                    f = find(key, sub, self.layout, **find_options)
                except Exception:      # the explainer never breaks a check
                    f = None
                if f is not None and f.cause_id not in ("all-zeros",):
                    out, label = source
                    text = f.text.replace("@@", f"{label} that your {out} is built from", 1)
                    self._memo["\0inner"] = Finding(text.replace("@@", label), f.cause_id,
                                                     f.title, weak=f.weak)
                    break
        return self._memo["\0inner"]

    def for_output(self, name: str) -> Callable[[], Finding | None]:
        """The finding for `name`; when there is none (or it only says which parts are
        wrong), one on an inner gradient `name` is built from; then the first other
        output's (the message is about `name`, but the relation there locates the slip)."""
        def ask():
            found = self.finding(name)
            if found is not None and not found.weak:
                # and, where the check's cases are labelled, which of them it is right on
                cases = self.case_finding(name) if self._cases is None else None
                if cases is not None:
                    return Finding(f"{found.text} (on the cases where it is wrong); "
                                   f"{cases.text.replace('@@', 'yours', 1)}", found.cause_id,
                                   found.title, found.checked)
                return found
            # one slip in one gate of the traced forward pass, agreeing with every output
            slip = self.circuit_finding()
            if slip is not None:
                return slip
            # two cache entries read in each other's place (the function called again with
            # them exchanged: asked only when no relation on the answers holds)
            swapped = self.swap_finding(name)
            if swapped is not None:
                return swapped
            rule = self.sweep_finding(name)
            if rule is not None:
                # one unit's rule (the units' differ): where in the code the units part
                watched = self.variable_finding() if ONE_UNIT in rule.text else None
                if watched is not None:
                    return Finding(f"{rule.text}; and {watched.text}", rule.cause_id,
                                   rule.title, rule.checked)
                return rule
            inner = self.inner_finding()
            if inner is not None and not inner.weak:
                return inner
            # which path of the upstream gradient is wrong: said here when it comes with a
            # relation; when it only locates, after a relation on another output
            path = self.response_finding(name)
            if path is not None and not path.weak:
                # what the path's numbers say, and where in the student's code it goes wrong
                watched = self.variable_finding()
                if watched is not None:
                    return Finding(f"{path.text}; and {watched.text}", path.cause_id,
                                   path.title, path.checked)
                return path
            views = self.views()
            others = [(o, self.finding(o)) for o in (views[0].outputs if views else ())
                      if o != name]
            others = [(o, f) for o, f in others if f is not None and f.cause_id != "all-zeros"]
            for other, f in others:            # a relation on another output
                if not f.weak:
                    return Finding(f.text.replace("@@", other), f.cause_id, f.title)
            # another output computed example by example that mixes the examples (a sum's
            # rows cannot show it; the output made row by row can)
            for other in (views[0].outputs if views else ()):
                if other != name and path is None:
                    f = self.response_finding(other)
                    if f is not None and f.cause_id == "examples-mixed":
                        return Finding(f.text.replace("@@", other), f.cause_id, f.title)
            # the variable of the student's code that holds the slip
            watched = self.variable_finding()
            if watched is not None:
                return watched
            if found is not None:
                return found
            for other, f in others:            # which parts of another output are wrong
                if path is None:
                    return Finding(f.text.replace("@@", other), f.cause_id, f.title,
                                   weak=f.weak)
            return path or inner or self.case_finding(name)
        return ask

    def case_finding(self, name: str) -> Finding | None:
        """Which of the check's cases `name` is right on and which wrong, by their labels
        (`View.label`), when some are right and some wrong: said when nothing else is."""
        more: list = []
        if self._cases is not None:
            try:
                more = list(self._cases())
            except Exception:          # a probe that fails says nothing
                more = []
        views = [v for v in self.views() + more
                 if name in v.outputs and name in v.truth and v.label]
        right = list(dict.fromkeys(v.label for v in views if _arr(v.outputs[name]).shape ==
                                   _arr(v.truth[name]).shape and close(
                                       v.outputs[name], v.truth[name], tol=1e-6)))
        wrong = list(dict.fromkeys(v.label for v in views if v.label not in right))
        return case_extent(right, wrong)


def case_extent(right: list, wrong: list) -> Finding | None:
    """'@@ is right <cases>, and wrong <cases>' (the check's own words for its cases), when
    some are right and some wrong."""
    if not right or not wrong:
        return None

    def said(labels):
        short = [re.sub(r" \([^()]*\)", "", x).strip() or x for x in labels]
        short = list(dict.fromkeys(short))
        if len(short) > 4:
            short = short[:3] + [f"{len(short) - 3} more cases"]
        return "; ".join(short)
    return Finding(f"@@ is right {said(right)}; and wrong {said(wrong)}: what those cases "
                   "have that the others do not is where yours goes wrong",
                   "right-on-some-cases", "right on some cases, wrong on others",
                   checked=False, weak=True)


def _recover(out, operand) -> np.ndarray | None:
    """G with operand.T @ G == out, when the operand (n, k) has full rank n <= k and the
    output is such a product (it is reproduced); else None."""
    if out is None:
        return None
    A, Y = _arr(operand).T, _arr(out)
    if A.ndim != 2 or Y.ndim != 2 or A.shape[0] != Y.shape[0] or A.shape[1] > A.shape[0]:
        return None
    if not (np.all(np.isfinite(A)) and np.all(np.isfinite(Y))):
        return None
    sv = np.linalg.svd(A, compute_uv=False)
    if sv.size == 0 or sv[-1] <= 1e-8 * sv[0]:
        return None
    G = np.linalg.lstsq(A, Y, rcond=None)[0]
    return G if close(A @ G, Y, tol=1e-7) else None


FINDING_PREFIX = "  What differs: "


def _meaning_words(meaning: tuple) -> str:
    """A value of the right computation as variables.Located says it: ("grad", "f", True)
    is the gradient on the forward pass's `f`."""
    what, target, named = meaning
    if what == "sent":
        return target
    if what == "start":
        return ("zeros at the start (before the loop adds anything to it, a sum or a carry "
                "holds nothing yet)")
    if what == "spread":
        return (f"the forward pass's `{target}` repeated as broadcasting repeats it in the "
                "forward pass")
    # (named: True, or the slice a loop's step j stands for, "[:, j]")
    cut = named if isinstance(named, str) else ""
    of = f"the forward pass's `{target}{cut}`" if named else f"`{target}` in the forward pass"
    return {"grad": f"the gradient on {of}", "value": f"the value of {of}",
            "local": f"the local derivative of {of}"}[what]


def located_words(found) -> str:
    """variables.Located as a student reads it: the variable, its line, what it should hold,
    how its value relates to that, and the wrong variables set before it, if any."""
    should = _meaning_words(found.meaning)
    rel = found.relation
    if found.meaning[0] == "start":
        return (f"the slip is in your `{found.name}` (in `{found.fn}`, line {found.line} of "
                f"its cell, where it is set before the loop): it should be {should}, and "
                + (f"yours starts as {_meaning_words(rel[1])}" if rel and rel[0] == "plus"
                   else "yours does not start at zeros") + f". With `{found.name}` starting "
                "at zeros, every "
                "output of yours comes out right")
    if rel is None:
        how = (f"yours is off by up to {100 * found.worst:.3g}% of that one's largest "
               "entry")
    elif rel[0] == "zero":
        how = "yours is all zeros"
    elif rel[0] == "scale":
        c = say_number(rel[1])
        how = ("yours has the opposite sign" if c == "-1" else
               f"yours is exactly {c} times that" if c else
               f"yours is that times one number, {rel[1]:.4g}")
    elif rel[0] == "holds":
        how = f"yours holds the gradient on `{rel[1]}` instead"
    elif rel[0] == "times":
        how = f"yours is that times `{rel[1]}`: a factor `{rel[1]}` too many"
    elif rel[0] == "over":
        how = f"yours is that divided by `{rel[1]}`: it is missing a factor `{rel[1]}`"
    elif rel[0] == "before":
        made = _join([f"`{m}`" for m in rel[1]])
        how = (f"yours holds, part by part, the gradients on {made}, the values made from "
               "those parts: the local derivatives between are left out")
    elif rel[0] == "masked":
        keep, drop = (">", "<=") if rel[2] == "positive" else ("<", ">=")
        same = "".join(f" (or `{n} {keep} 0`: the same entries)" for n in rel[3][:1])
        how = (f"yours is that with every entry where `{rel[1]}` {drop} 0 set to 0: a mask "
               f"`{rel[1]} {keep} 0`{same} that does not belong there")
    elif rel[0] == "moved":
        how = "yours holds the same entries, in other places"
    elif rel[0] == "clipped":
        lo, hi = ("" if b is None else f"{b:.4g}" for b in rel[1:])
        how = (f"yours is that clipped to [{lo}, {hi}]" if lo and hi else
               f"yours is that, but never below {lo}" if lo else
               f"yours is that, but never above {hi}")
    elif rel[0] in ("plus", "minus"):
        how = f"yours is that {rel[0]} {_meaning_words(rel[1])}"
    else:
        cut = [f"`{text}`" + (f" (which `{made}` is made from)" if made else "")
               for text, made in rel[1]]
        how = (f"yours is wrong only in {_join(cut)}, right in the other parts the forward "
               "cuts it into")
    where = ("which your loop sets at every step" if found.every_step else
             "where it is last set")
    fixed = (f"With the right `{found.name}` there{' at every step' if found.every_step else ''}"
             ", every " + (f"other output of yours comes out right, and "
                           f"{_join(list(found.kept))} "
                           f"{'is' if len(found.kept) == 1 else 'are'} its last value"
                           if found.kept else "output of yours comes out right"))
    at = f"(in `{found.fn}`, line {found.line} of its cell, {where})"
    if not found.earlier:       # every value set before it is right: the slip is there
        return (f"the slip is in your `{found.name}` {at}: it should be {should}, and "
                f"{how}. {fixed}")
    before = _join([f"`{n}` (line {line})" for n, line in found.earlier])
    return (f"your `{found.name}` {at} is wrong: it should be {should}, and {how}. {fixed}, "
            f"so the slip is on that line or before it: {before}, set before it, "
            f"{'holds' if len(found.earlier) == 1 else 'hold'} none of the values of the "
            "right computation")


def finding_line(f: Finding, shown: str) -> str:
    """The message line of a finding about the output shown as `shown`."""
    return (FINDING_PREFIX + f.text.replace("@@", shown)
            + (" (the same holds on a second input)" if f.checked else "") + ".")


def left_out(truth_for: Callable[[dict], dict], inputs: dict) -> dict:
    """`View.alternatives`: the right outputs (computed only when asked) of the forward pass
    with one input set to zero, for each of `inputs` (name -> (its value, its words)):
    what a backward pass gives that recomputes a value of the forward pass (the
    probabilities, a pre-activation) leaving that input out. `truth_for(changed)` gives the
    right outputs with the inputs in `changed` (name -> value) replaced."""
    return {f"of the forward pass without {words} (as if {words} were zero: a value your "
            f"backward pass recomputes leaves it out)":
            (lambda k=k, value=value: truth_for({k: np.zeros_like(_arr(value))}))
            for k, (value, words) in inputs.items()}


def share_alternatives(flags, words: tuple = ("example", "unit"), name: str = "fraction",
                       counted: str = "the counted entries",
                       others: str = "the others") -> dict:
    """`View.alternatives` for a share of the entries of a 2-D array of flags (the pairs
    counted): the right share over only the first or the last slice along each axis
    ("example 0 alone"), and the odds (the counted against the others, not against all)."""
    f = np.asarray(flags, dtype=bool)
    out = {}
    for axis, word in enumerate(words):
        if f.ndim != 2 or f.shape[axis] < 2:
            continue
        for idx, which in ((0, f"{word} 0"), (-1, f"the last {word}")):
            out[f"what the right computation gives on {which} alone (only its entries "
                f"looked at)"] = {name: np.float64(np.mean(np.take(f, idx, axis=axis)))}
    k, n = int(f.sum()), f.size
    if 0 < k < n:
        out[f"what counting {counted} against {others} gives (the odds, k / (n - k)), "
            f"where the share is against all of them (k / n)"] = \
            {name: np.float64(k / (n - k))}
    return out


def moved_upstream(truth_for: Callable[[np.ndarray], dict], upstream: np.ndarray,
                   axis: int = 1, word: str = "time step") -> dict:
    """`View.alternatives` for a function whose upstream gradient has a time axis: the right
    outputs (`truth_for(changed upstream)`, computed only when asked) for the upstream
    shifted by one step either way (the end step keeping its own, or given none) and
    reversed in time."""
    up = np.asarray(upstream, dtype=np.float64)
    n = up.shape[axis]

    def take(idx):
        return np.take(up, idx, axis=axis)

    def zero_at(x, t):
        x = x.copy()
        index = [slice(None)] * x.ndim
        index[axis] = t
        x[tuple(index)] = 0.0
        return x

    late = take(np.minimum(np.arange(n) + 1, n - 1))
    early = take(np.maximum(np.arange(n) - 1, 0))
    moved = {
        f"for the upstream gradient shifted by one {word} (step t given the upstream of "
        f"step t+1, the last step its own)": late,
        f"for the upstream gradient shifted by one {word} (step t given the upstream of "
        f"step t+1, the last step none)": zero_at(late, n - 1),
        f"for the upstream gradient shifted by one {word} (step t given the upstream of "
        f"step t-1, step 0 its own)": early,
        f"for the upstream gradient shifted by one {word} (step t given the upstream of "
        f"step t-1, step 0 none)": zero_at(early, 0),
        f"for the upstream gradient shifted by one {word} with the ends wrapping around "
        f"(step t given the upstream of step t-1, step 0 that of the last step: an index "
        f"t - 1 at t = 0)": np.roll(up, 1, axis=axis),
        f"for the upstream gradient shifted by one {word} with the ends wrapping around "
        f"(step t given the upstream of step t+1, the last step that of step 0)":
            np.roll(up, -1, axis=axis),
        f"for the upstream gradient reversed in time (step t given the upstream of "
        f"step T-1-t)": np.flip(up, axis),
        f"for the upstream gradient without its last {word} (T-1): as if the loop never "
        f"visited that step": zero_at(up, n - 1),
        f"for the upstream gradient of the last {word} only (the upstream of every earlier "
        f"step left out)": up - zero_at(up, n - 1),
    }
    return {label: (lambda changed=changed: truth_for(changed)) for label, changed in moved.items()
            if n > 1}


def walk_steps(step: Callable[[int, Any], tuple], order: Sequence[int], carry) -> tuple:
    """A backward pass through a sequence, one step at a time in `order`: the loop of every
    recurrent backward pass, written once (the right one, and the loops a slip runs).

    `step(t, carry)` gives (the gradient on step t's own input, the carry it sends to the
    step visited next, the shared parameters' gradients at step t). Returns ({t: the own
    input's gradient} for the steps visited, the carry left at the end, the shared
    gradients summed over the steps visited)."""
    own, shared = {}, None
    for t in order:
        own[t], carry, grads = step(t, carry)
        shared = list(grads) if shared is None else [s + g for s, g in zip(shared, grads)]
    return own, carry, shared


# The cause a detector names when a recurrent backward pass equals the forward-walking loop.
LOOP_FORWARD_CAUSE = ("the time steps are walked forward in time (t = 0, 1, ..., T-1), the "
                      "wrong order: the carry that step t sends back belongs to step t-1, "
                      "which must be visited AFTER it (from T-1 down to 0, the reverse of the "
                      "forward's order).")


def loop_orders(T: int, word: str = "time step") -> dict:
    """The loops over T steps a backward pass may run instead of T-1 down to 0, by what the
    explainer says yours equals (`View.alternatives` labels): label -> order of the steps."""
    if T < 2:
        return {}
    return {
        f"what the loop gives when it walks the {word}s forward in time (t = 0, 1, ..., "
        f"T-1): the wrong order": list(range(T)),
        f"what the loop gives when it stops one {word} short (step 0 is never visited)":
            list(range(T - 1, 0, -1)),
        f"what the loop gives when it starts one {word} late (the last step, T-1, is never "
        f"visited)": list(range(T - 2, -1, -1)),
    }


def loop_alternatives(outputs_for: Callable[[Sequence[int]], dict], T: int,
                      word: str = "time step") -> dict:
    """`View.alternatives` for a recurrent backward pass: the outputs `outputs_for(order)`
    of the loop that visits the steps in each order of `loop_orders`, computed when asked."""
    return {label: (lambda order=order: outputs_for(order))
            for label, order in loop_orders(T, word).items()}


def cache_alternatives(outputs_from: Callable[[Callable[[int], int]], dict], T: int,
                       word: str = "time step") -> dict:
    """`View.alternatives` for a recurrent backward pass whose step t reads the cached
    values of a neighbouring step: `outputs_from(source)` gives the outputs of the right
    loop when step t reads the cache of step source(t) (computed when asked)."""
    if T < 2:
        return {}
    shifts = {
        f"what the loop gives when each {word} t reads the cache of {word} t-1 (cache[t-1], "
        f"the neighbouring step's; step 0 wraps round to the last step's, cache[-1])":
            lambda t: (t - 1) % T,
        f"what the loop gives when each {word} t reads the cache of {word} t+1 (cache[t+1], "
        f"the neighbouring step's; the last step reads its own)": lambda t: min(t + 1, T - 1),
    }
    return {label: (lambda src=src: outputs_from(src)) for label, src in shifts.items()}


def carry_rules(word: str = "time step", carried: str = "the carried gradient") -> dict:
    """Loops that join a step's upstream gradient u and the carried gradient c, or pass the
    carry on, in another way than the right loop (u + c; the carry replaced by what the
    step sends back s): label (`View.alternatives`) -> (start(u, c) or None, keep(s, c) or
    None). A recurrent check computes each loop with its trusted steps, when asked. (u * c
    is not among them: with no carry at the last step it gives zeros everywhere, and an
    answer of zeros is said as such.)"""
    return {
        f"what the loop gives when each {word} starts from its upstream gradient minus "
        f"{carried} (where the two add)": (lambda u, c: u - c, None),
        f"what the loop gives when {carried} is accumulated from {word} to {word} (each "
        f"{word} adds what it sends back to the carry, where it replaces it)":
            (None, lambda sent, c: sent + c),
    }


# ---------------------------------------------------------------- human titles of the ids

_TITLES = {
    "clipped": "the right value clipped to a band",
    "variable-holds-slip": "the variable of the student's code that holds the slip",
    "chain-rule-slip": "one slip in one step of the chain rule",
    "local-local-preactivation-term-missing":
        "a local derivative taken at a pre-activation with a term left out",
    "index-shift-wrap": "an index off by one, wrapping around",
    "cache-entries-exchanged": "two cache entries read in each other's place",
    "cache-entry-read-for-another": "a cache entry read in another's place",
    "forward-term-left-out": "a value of the forward pass recomputed with a term left out",
    "masked-by-quantity": "a mask on a quantity where none belongs",
    "quantity-passed": "a value passed on where a gradient belongs",
    "wrong-path": "one path of the gradient wrong",
    "factor-after-product": "a factor applied after a product instead of before",
    "sum-skips-a-term": "a sum that skips its first or last term",
    "extra-product-term": "a product added as a term too many",
    "product-of-sums": "a product of sums where a sum of products belongs",
    "extra-term-broadcast": "another value added to every row",
    "extra-product": "a product applied one time too many",
    "local-local-part": "a local derivative with a part left out",
    "symmetrised": "a result made symmetric",
    "index-spread": "a matrix product where a product entry by entry belongs",
    "upstream-positive-part": "only the upstream gradient's positive part",
    "upstream-negative-part": "only the upstream gradient's negative part",
    "upstream-abs-part": "the upstream gradient's absolute value",
    "upstream-sign": "the upstream gradient's signs treated differently",
    "local-fit-leak": "a ReLU that lets part of the gradient through where it blocks",
    "local-fit-scaled": "a local derivative scaled by one number",
    "local-fit-offset": "a local derivative off by one number",
    "right-on-some-cases": "right on some cases, wrong on others",
    "examples-mixed": "the examples of a batch mixed",
    "divides-for-multiplies": "a division where a multiplication belongs (or the reverse)",
    "proportional-to-quantity": "one number times a quantity",
    "one-number-beyond-a-value": "one number beyond a value of a quantity",
    "running-total": "a running total along the steps",
    "edge-left-zero": "the first or last slice left at zero",
    "local-rule-upstream-sign": "the local derivative depends on the upstream's sign",
    "local-rule-values": "the local derivative has other values",
    "local-rule-switch": "the local derivative switches at the wrong point",
    "all-zeros": "an output that is all zeros",
    "constant": "one number in every entry",
    "sign-flipped": "the sign is flipped",
    "transposed": "a transposed result",
    "time-reversed": "the sequence walked the wrong way",
    "time-shifted": "a result off by one time step",
    "blocks-swapped": "blocks stacked in the wrong order",
    "missing-term": "a contribution is missing",
    "term-twice": "a contribution too many (counted twice, or not blocked)",
    "only-one-term": "only one contribution kept",
    "output-swapped": "an output equal to another output",
    "input-moved-along-axis": "an input used at the wrong step",
    "factor-in-place-of-another": "one factor in place of another",
    "outputs-swapped": "two outputs exchanged",
    "loop-walk": "a loop over the steps that visits them in another order or not all",
    "term-reweighted": "one contribution scaled",
    "terms-reweighted": "two contributions scaled",
    "constant-offset": "off by one constant",
    "summed-over-axis": "a sum over an axis",
    "wrong-operand": "a product with the wrong operand",
    "complement": "the complement (1 minus the right value)",
    "local-logistic-for-tanh": "σ's derivative where tanh's belongs",
    "local-tanh-for-logistic": "tanh's derivative where σ's belongs",
    "local-tanh-derivative-parenthesis": "(1 - tanh)**2 for 1 - tanh**2",
    "local-local-twice": "a local derivative applied twice",
    "local-local-missing": "a local derivative left out",
    "local-path-missing": "a path left out",
    "local-path-sign": "a path with the opposite sign",
    "local-path-twice": "a path counted twice",
    "local-factor-missing": "a factor left out",
    "local-factor-sign": "a factor with the opposite sign",
    "local-factor-twice": "a factor applied twice",
    "local-factor-reciprocal": "the reciprocal of a factor in its place",
    "local-factor-other": "another factor in a factor's place",
    "partial-only-last": "only the last part's contribution counted",
    "partial-only-first": "only the first part's contribution counted",
    "partial-without-first": "the first part's contribution missing",
    "partial-without-last": "the last part's contribution missing",
    "block-written-over": "a block written in another block's place",
    "boundary-moved": "the boundary between two regions in the wrong place",
    "one-slice": "one slice of a quantity where all of it belongs",
    "offset-per-slice": "off by one number per row (a term of the row only)",
}


def title_of(cause_id: str) -> str:
    """A short human title for a cause id: the relation's, or the words of a detector's id."""
    if cause_id in _TITLES:
        return _TITLES[cause_id]
    if cause_id.startswith("scale-"):
        return f"every entry {cause_id[6:]} times the right one"
    if cause_id.startswith("equals-"):
        what = cause_id[7:].replace("-negated", "")
        return f"an output equal to {'minus ' if 'negated' in cause_id else ''}the {what}"
    if cause_id.startswith("extra-factor-"):
        return f"an extra factor ({cause_id.split('-', 2)[-1]})"
    if cause_id.startswith("divided-by-"):
        return f"a factor missing ({cause_id.split('-', 2)[-1]})"
    if cause_id.startswith(("only-", "wrong-", "right-", "last-", "first-")):
        return "part right, part wrong: " + cause_id.replace("-", " ")
    assignment, _, slug = cause_id.rpartition(".")
    declared = _declared_titles(assignment).get(slug)
    if declared:
        return declared
    words = [w for w in slug.split("_") if not (len(w) == 6 and all(
        c in "0123456789abcdef" for c in w) and any(c.isdigit() for c in w))]
    return " ".join(words) or cause_id


def _declared_titles(assignment: str) -> dict:
    """The titles a checks module declares for its ids (`TITLES`: slug -> title)."""
    if not assignment.isidentifier():    # a checks module's name, or nothing to look up
        return {}
    import importlib
    try:
        module = importlib.import_module(f"{__name__.rpartition('.')[0]}.{assignment}")
    except ImportError:
        return {}
    titles = getattr(module, "TITLES", None)
    return titles if isinstance(titles, dict) else {}
