"""The chain rule as a circuit: a trusted forward pass traced gate by gate, the backward pass
through those gates, and that backward pass with one slip in one gate.

`trace(forward, args)` runs the given forward pass on stand-ins for its inputs (`Traced`):
every numpy operation it makes becomes a gate (`Node`) that remembers its inputs, its value,
and where in the forward's source it was made (the text of the expression, and the name it
was assigned to). `gradients(circuit, upstream)` sends the upstream gradients back through
the gates, each gate's local rule next to its forward (`_RULES`). A slip (`Slip`) changes one
gate's rule for one of its inputs, at every time that line of the forward runs (a loop's
every step): the path left out, counted twice or with the wrong sign, the upstream gradient
left out, a factor left out or replaced by another value of the circuit, a local derivative
taken another way (`slips`).

`circuit_finding` is the explainer's most specific relation: the student's outputs, on every
case, are exactly what the chain rule gives with one slip, checked on every output of the
function. The text names the line of the forward pass and the slip, never the finished
gradient. Nothing here holds a backward pass of an assignment: the right gradient is the
circuit's own chain rule over the trusted forward, checked against the check's truth before
any slip is tried.
"""
from __future__ import annotations

import ast
import builtins
import linecache
import os
import re
import sys
import threading
import time
import types
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np
from numpy.lib.mixins import NDArrayOperatorsMixin

SHARED_HELPER = True

MATCH_TOL = 1e-5
_HERE = os.path.abspath(__file__)
_NUMPY = os.path.dirname(os.path.abspath(np.__file__))
_MAX_NODES = 4000            # a forward larger than this is not traced


class Unsupported(Exception):
    """The forward pass does something the circuit does not model (no finding then)."""


def remember_source(source: str, filename: str) -> None:
    """Make `source`, compiled as `filename`, readable to the circuit's labels (the text of
    each gate's expression), as a file on disk is."""
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)


# ------------------------------------------------------------------- the gates


class Node:
    """One gate: `op`, its inputs `ins` (Nodes or constants), its `value`; `site` is where
    the forward made it (the same for every step of a loop), `text` that expression's source
    and `name` the variable it was assigned to."""

    __slots__ = ("value", "op", "ins", "aux", "site", "text", "name", "index", "key",
                 "shift")

    def __init__(self, value, op, ins=(), aux=None, site=None, text="", name=""):
        self.value, self.op, self.ins, self.aux = value, op, tuple(ins), aux
        self.site, self.text, self.name, self.index = site, text, name, -1
        self.key = None     # (site, k): the k-th gate made there (the same in every case)
        self.shift = 0      # as a value a slip reads: the step before (-1) or after (+1)

    def said(self) -> str:
        said = self.name or (f"`{self.text}`" if self.text else f"the {self.op}")
        return said + {0: "", -1: " of the step before", 1: " of the step after"}[self.shift]

    def shifted(self, shift: int) -> "Node":
        """This gate of a loop read at the step before or after the one that reads it."""
        other = Node(self.value, self.op, self.ins, self.aux, self.site, self.text, self.name)
        other.index, other.key, other.shift = self.index, self.key, shift
        return other


# the gates of the trace being made, per thread (a grader may grade in threads)
_LOCAL = threading.local()
_POSITIONS: dict = {}


def _positions(code):
    if code not in _POSITIONS:
        _POSITIONS[code] = list(code.co_positions())
    return _POSITIONS[code]


def _where() -> tuple:
    """The site (code, instruction) in the forward's source that made the current gate, its
    text, and the name the statement assigns it to."""
    f = sys._getframe(2)
    while f is not None and (os.path.abspath(f.f_code.co_filename) == _HERE
                             or os.path.abspath(f.f_code.co_filename).startswith(_NUMPY)):
        f = f.f_back
    if f is None:
        return None, "", ""
    code, lasti = f.f_code, f.f_lasti
    site = (code.co_filename, code.co_qualname, code.co_firstlineno, lasti)
    try:
        l0, l1, c0, c1 = _positions(code)[lasti // 2]
    except (IndexError, ValueError):
        return site, "", ""
    lines = linecache.getlines(code.co_filename)
    if None in (l0, l1, c0, c1) or l0 != l1 or not lines or l0 > len(lines):
        return site, "", ""
    line = lines[l0 - 1].rstrip("\n").encode()
    text = line[c0:c1].decode(errors="replace")
    m = re.match(rb"\s*([A-Za-z_]\w*)\s*=(?!=)\s*", line)
    name = ""
    if m and line[m.end():].split(b"#")[0].rstrip() == line[c0:c1]:
        name = m.group(1).decode()
    return site, text, name


def _make(op, ins, value, aux=None) -> "Traced":
    value = np.asarray(value, dtype=np.float64)
    site, text, name = _where()
    node = Node(value, op, [i.node if isinstance(i, Traced) else i for i in ins], aux,
                site, text, name)
    tape = getattr(_LOCAL, "tape", None)
    if tape is None:
        raise Unsupported("no tape")
    node.index = len(tape)
    tape.append(node)
    if len(tape) > _MAX_NODES:
        raise Unsupported("too many gates")
    return Traced(node)


def _raw(x):
    if isinstance(x, Traced):
        return x.node.value
    if isinstance(x, (list, tuple)):
        return type(x)(_raw(v) for v in x)
    return x


def _has_traced(x) -> bool:
    if isinstance(x, Traced):
        return True
    if isinstance(x, (list, tuple)):
        return any(_has_traced(v) for v in x)
    return False


_UNARY = {np.tanh: "tanh", np.exp: "exp", np.log: "log", np.sqrt: "sqrt",
          np.negative: "negative", np.absolute: "absolute", np.square: "square",
          np.positive: "positive"}
_BINARY = {np.add: "add", np.subtract: "subtract", np.multiply: "multiply",
           np.true_divide: "divide", np.power: "power", np.maximum: "maximum",
           np.minimum: "minimum", np.matmul: "matmul"}
_BOOLEAN = {np.greater, np.greater_equal, np.less, np.less_equal, np.equal, np.not_equal,
            np.logical_and, np.logical_or, np.logical_not, np.sign, np.isfinite}


class Traced(NDArrayOperatorsMixin):
    """A stand-in for an array in a traced forward pass (see the module's docstring)."""

    __slots__ = ("node",)
    __array_priority__ = 1000

    def __init__(self, node: Node):
        self.node = node

    # -- what numpy asks
    def __array_ufunc__(self, ufunc, method, *inputs, out=None, **kw):
        if method != "__call__" or out is not None or kw.get("where", True) is not True:
            raise Unsupported(f"{ufunc.__name__}.{method}")
        raw = [_raw(i) for i in inputs]
        value = ufunc(*raw, **kw)
        if ufunc in _BOOLEAN:
            return value
        if ufunc in _UNARY:
            return _make(_UNARY[ufunc], inputs, value)
        if ufunc in _BINARY:
            return _make(_BINARY[ufunc], inputs, value)
        raise Unsupported(ufunc.__name__)

    def __array_function__(self, func, types_, args, kwargs):
        handler = _FUNCTIONS.get(func)
        if handler is None:
            raise Unsupported(getattr(func, "__name__", str(func)))
        return handler(*args, **kwargs)

    def __array__(self, dtype=None, copy=None):
        raise Unsupported("converted to a plain array")

    # -- what code asks of an array
    shape = property(lambda self: self.node.value.shape)
    ndim = property(lambda self: self.node.value.ndim)
    size = property(lambda self: self.node.value.size)
    dtype = property(lambda self: self.node.value.dtype)
    T = property(lambda self: _transpose(self))
    real = property(lambda self: self)

    def __len__(self):
        return len(self.node.value)

    def __getitem__(self, idx):
        if _has_traced(idx):
            raise Unsupported("an index that is traced")
        return _make("getitem", [self], self.node.value[idx], aux=idx)

    def __setitem__(self, idx, value):
        raise Unsupported("written in place")

    def __float__(self):
        raise Unsupported("made a Python float")

    def __bool__(self):
        raise Unsupported("used as a truth value")

    def __iter__(self):
        return (self[k] for k in range(len(self)))

    def copy(self):
        return self

    def astype(self, dtype, *a, **k):
        if np.dtype(dtype) != np.float64:
            raise Unsupported("cast")
        return self

    def reshape(self, *shape, **k):
        return _reshape(self, shape[0] if len(shape) == 1 else shape)

    def ravel(self):
        return _reshape(self, -1)

    def sum(self, axis=None, keepdims=False, **k):
        return _sum(self, axis=axis, keepdims=keepdims, **k)

    def mean(self, axis=None, keepdims=False, **k):
        return _mean(self, axis=axis, keepdims=keepdims, **k)

    def max(self, axis=None, keepdims=False, **k):
        return _max(self, axis=axis, keepdims=keepdims, **k)

    def dot(self, other):
        return np.matmul(self, other)


def _transpose(x, axes=None):
    return _make("transpose", [x], np.transpose(_raw(x), axes), aux=axes)


def _reshape(x, shape, *a, **k):
    return _make("reshape", [x], np.reshape(_raw(x), shape))


def _sum(x, axis=None, keepdims=False, dtype=None, **k):
    if k or dtype not in (None, np.float64, float):
        raise Unsupported("sum with options")
    return _make("sum", [x], np.sum(_raw(x), axis=axis, keepdims=keepdims),
                 aux=(axis, keepdims))


def _mean(x, axis=None, keepdims=False, **k):
    if k:
        raise Unsupported("mean with options")
    return _make("mean", [x], np.mean(_raw(x), axis=axis, keepdims=keepdims),
                 aux=(axis, keepdims))


def _max(x, axis=None, keepdims=False, **k):
    if k:
        raise Unsupported("max with options")
    return _make("max", [x], np.max(_raw(x), axis=axis, keepdims=keepdims),
                 aux=(axis, keepdims))


def _stack(arrays, axis=0, **k):
    if k:
        raise Unsupported("stack with options")
    arrays = list(arrays)
    return _make("stack", arrays, np.stack([_raw(a) for a in arrays], axis=axis), aux=axis)


def _concatenate(arrays, axis=0, **k):
    if k:
        raise Unsupported("concatenate with options")
    arrays = list(arrays)
    raw = [np.asarray(_raw(a)) for a in arrays]
    return _make("concatenate", arrays, np.concatenate(raw, axis=axis),
                 aux=(axis, [r.shape[axis] for r in raw]))


def _where_(cond, a, b):
    if _has_traced(cond):
        raise Unsupported("a traced condition")
    cond = np.asarray(cond, dtype=bool)
    return _make("where", [a, b], np.where(cond, _raw(a), _raw(b)), aux=cond)


def _identity(x, *a, **k):
    if a or (k and k.get("dtype") not in (None, np.float64, float)):
        raise Unsupported("asarray with options")
    return x


def _zeros_like(x, *a, **k):
    return np.zeros(np.shape(_raw(x)))


def _ones_like(x, *a, **k):
    return np.ones(np.shape(_raw(x)))


_FUNCTIONS: dict = {
    np.sum: _sum, np.mean: _mean, np.max: _max, np.amax: _max, np.stack: _stack,
    np.concatenate: _concatenate, np.where: _where_, np.transpose: _transpose,
    np.reshape: _reshape, np.asarray: _identity, np.array: _identity,
    np.zeros_like: _zeros_like, np.ones_like: _ones_like,
    np.dot: lambda a, b: np.matmul(a, b), np.shape: lambda x: np.shape(_raw(x)),
    np.copy: lambda x, *a, **k: x,
}


def _logistic(z):
    """The logistic function 1 / (1 + exp(-z)) as one gate (its local derivative is
    y * (1 - y)), however the forward's own function computes it."""
    if not isinstance(z, Traced):
        return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=np.float64)))
    v = z.node.value
    return _make("logistic", [z], np.where(v >= 0, 1 / (1 + np.exp(-np.abs(v))),
                                           np.exp(-np.abs(v)) / (1 + np.exp(-np.abs(v)))))


# what a forward's helper may be declared as (forward_case's `gates`): one gate each
_GATES = {"logistic": _logistic}


def _float(v=0.0):
    return v if isinstance(v, Traced) else builtins.float(v)


def _rebound(fn: Callable, table: dict, gates: dict) -> Callable:
    """`fn` with its module's functions rebound to copies that see each helper named in
    `gates` (name -> kind) as one gate and `float` keep a stand-in (a loss returned as
    float(...)); one copy per function."""
    if not isinstance(fn, types.FunctionType):
        return fn
    key = id(fn.__globals__)
    if key not in table:
        g = dict(fn.__globals__)
        table[key] = g
        for name, kind in gates.items():
            if callable(g.get(name)):
                g[name] = _GATES[kind]
        g["float"] = _float
        for k, v in list(g.items()):
            if isinstance(v, types.FunctionType) and v.__globals__ is fn.__globals__ \
                    and k not in gates:
                g[k] = types.FunctionType(v.__code__, g, v.__name__, v.__defaults__,
                                          v.__closure__)
    g = table[key]
    return types.FunctionType(fn.__code__, g, fn.__name__, fn.__defaults__, fn.__closure__)


@dataclass
class Circuit:
    """A traced forward pass: its gates in the order made, its input nodes by name."""

    nodes: list
    leaves: dict            # input name -> Node
    outputs: Any            # what the forward returned (Traced where traced)
    node_grads: dict = field(default_factory=dict)   # gate key -> its right gradient
    upstream: list = field(default_factory=list)     # (words, value) of each upstream gradient
    by_key: dict = field(default_factory=dict)       # gate key -> Node
    counts: dict = field(default_factory=dict)       # site -> how many gates were made there
    # site -> the input a loop starts from in its place (h0 for the state made at each step)
    prior: dict = field(default_factory=dict)
    site_last: dict = field(default_factory=dict)    # site -> its last gate's index
    # the right backward pass, kept (gradients(keep=True)) for the upstream `kept_for`: what
    # was pending before each gate, and at the end
    pending: dict = field(default_factory=dict)
    pending_end: dict = field(default_factory=dict)
    kept_for: Any = None
    memo: dict = field(default_factory=dict)         # what slips() looks up many times

    def __post_init__(self):
        seen: dict = {}
        for node in self.nodes:
            if node.op == "leaf":
                node.key = ("leaf", node.name)
            else:
                k = seen.get(node.site, 0)
                seen[node.site] = k + 1
                node.key = (node.site, k)
            self.by_key[node.key] = node
            self.site_last[node.site] = node.index
        self.counts = seen
        for node in self.nodes:
            if node.op == "leaf" or node.key[1] != 1:
                continue
            first = self.by_key.get((node.site, 0))
            for j, inp in enumerate(node.ins):
                if isinstance(inp, Node) and inp.key[1] == 0 and inp.op != "leaf" and \
                        first is not None and j < len(first.ins) and \
                        isinstance(first.ins[j], Node) and first.ins[j].op == "leaf":
                    self.prior.setdefault(inp.site, first.ins[j])


def trace(forward: Callable, args: dict, kwargs: dict | None = None,
          gates: dict | None = None) -> Circuit:
    """Run `forward(**args)` (positionally, in args' order) on stand-ins, the helpers in
    `gates` (name -> kind) as one gate each; Unsupported when it does what the circuit does
    not model."""
    saved = getattr(_LOCAL, "tape", None)
    tape = _LOCAL.tape = []
    try:
        leaves: dict = {}

        def leaf(name, value):
            if not (isinstance(value, np.ndarray) and value.dtype == np.float64):
                return value
            node = Node(np.array(value), "leaf", name=name)
            node.index = len(tape)
            tape.append(node)
            leaves[name] = node
            return Traced(node)
        # an argument that is a dict of arrays (a network's parameters): one input per key
        ins = [{k: leaf(k, v) for k, v in value.items()} if isinstance(value, dict)
               else leaf(name, value) for name, value in args.items()]
        with np.errstate(all="ignore"):
            out = _rebound(forward, {}, gates or {})(*ins, **(kwargs or {}))
        return Circuit(tape, leaves, out)
    finally:
        _LOCAL.tape = saved


# ------------------------------------------------------------ the backward pass


def _unbroadcast(g, shape):
    g = np.asarray(g, dtype=np.float64)
    while g.ndim > len(shape):
        g = g.sum(axis=0)
    for ax, n in enumerate(shape):
        if n == 1 and g.shape[ax] != 1:
            g = g.sum(axis=ax, keepdims=True)
    return np.broadcast_to(g, shape) if g.shape != tuple(shape) else g


def _val(x):
    return x.value if isinstance(x, Node) else np.asarray(x, dtype=np.float64)


def _local(node: Node, j: int):
    """The local derivative of an elementwise gate for its input j (None: not elementwise)."""
    op, ins, y = node.op, node.ins, node.value
    if op in ("add", "positive"):
        return 1.0
    if op == "subtract":
        return 1.0 if j == 0 else -1.0
    if op == "negative":
        return -1.0
    if op == "multiply":
        return _val(ins[1 - j])
    if op == "divide":
        a, b = _val(ins[0]), _val(ins[1])
        return 1.0 / b if j == 0 else -a / b ** 2
    if op == "tanh":
        return 1.0 - y ** 2
    if op == "logistic":
        return y * (1.0 - y)
    if op == "exp":
        return y
    if op == "log":
        return 1.0 / _val(ins[0])
    if op == "sqrt":
        return 0.5 / y
    if op == "square":
        return 2.0 * _val(ins[0])
    if op == "absolute":
        return np.sign(_val(ins[0]))
    if op == "power":
        x, k = _val(ins[0]), _val(ins[1])
        if j == 1:
            return y * np.log(np.where(x > 0, x, 1.0))
        return k * x ** (k - 1)
    if op in ("maximum", "minimum"):
        a, b = _val(ins[0]), _val(ins[1])
        win = (a > b) if op == "maximum" else (a < b)
        return np.where(win, 1.0, 0.0) if j == 0 else np.where(win, 0.0, 1.0)
    if op == "where":
        return np.where(node.aux, 1.0, 0.0) if j == 0 else np.where(node.aux, 0.0, 1.0)
    return None


def _matmul_vjp(A, B, g, j, turn=True):
    a2, b2 = A.ndim == 1, B.ndim == 1
    A2 = A[None, :] if a2 else A
    B2 = B[:, None] if b2 else B
    g2 = g
    if a2 and b2:
        g2 = np.reshape(g, (1, 1))
    elif a2:
        g2 = g[None, ...]
    elif b2:
        g2 = g[..., None]
    sw = (lambda M: np.swapaxes(M, -1, -2)) if turn else (lambda M: M)
    if j == 0:
        out = g2 @ sw(B2)
        return out[0] if a2 else out
    out = sw(A2) @ g2
    return out[:, 0] if b2 else out


def _structural(node: Node, j: int, g):
    """What a gate that is not elementwise sends back to its input j."""
    op, aux = node.op, node.aux
    x = _val(node.ins[j])
    if op == "matmul":
        return _matmul_vjp(_val(node.ins[0]), _val(node.ins[1]), g, j)
    if op in ("sum", "mean"):
        axis, keepdims = aux
        if axis is not None and not keepdims:
            g = np.expand_dims(g, axis)
        out = np.broadcast_to(g, x.shape)
        if op == "mean":
            out = out * (np.size(node.value) / x.size)
        return out
    if op == "max":
        axis, keepdims = aux
        y = node.value
        if axis is not None and not keepdims:
            g, y = np.expand_dims(g, axis), np.expand_dims(y, axis)
        hit = (x == y).astype(np.float64)
        return hit * g / np.sum(hit, axis=axis, keepdims=True)
    if op == "getitem":
        out = np.zeros(x.shape)
        np.add.at(out, aux, g)
        return out
    if op == "transpose":
        axes = aux
        return np.transpose(g, None if axes is None else np.argsort(axes))
    if op == "reshape":
        return np.reshape(g, x.shape)
    if op == "stack":
        return np.take(g, j, axis=aux)
    if op == "concatenate":
        axis, sizes = aux
        start = sum(sizes[:j])
        return np.take(g, range(start, start + sizes[j]), axis=axis)
    raise Unsupported(op)


@dataclass(frozen=True)
class Slip:
    """A change to the rules of some gates, at every run of their sites: `edits` holds
    (site, input j, kind, how) each; `words` says it. Kinds: drop, twice, negate,
    no-upstream (the local derivative alone), local (another local derivative: how(node,
    circuit)), extra (the right one times how(node, circuit)), turn (a product's operand
    without its transpose), operand (another operand: how(node, circuit)), also (the
    right one plus the same product with another operand), count (a sum divided by the
    number of entries it adds, a mean not divided), grad-of (the gradient arriving at
    another gate, how = its index, where this gate's belongs), mean-rows / first-row (a
    broadcast input's gradient averaged, or taken from one row, where it is summed).
    The site "upstream" with j = k is the k-th upstream gradient (drop, twice, or replaced:
    _UPSTREAM_SUMMARIES)."""

    words: str
    edits: tuple


def _send(node: Node, j: int, g, edit, circuit: Circuit):
    if edit is None:
        loc = _local(node, j)
        return g * loc if loc is not None else _structural(node, j, g)
    kind, how = edit
    if kind in ("drop-carried", "twice-carried"):
        if node.ins[j].op == "leaf":
            return _send(node, j, g, None, circuit)
        kind = kind.split("-")[0]
    if kind == "drop":
        return None
    if kind in ("twice", "negate", "count", "extra", "also", "mean-rows", "first-row"):
        right = _send(node, j, g, None, circuit)
        if kind == "twice":
            return 2 * right
        if kind == "negate":
            return -right
        if kind == "extra":
            return right * how(node, circuit)
        if kind == "count":
            n = np.size(_val(node.ins[j])) / np.size(node.value)
            return right * n if node.op == "mean" else right / n
        if kind == "also":
            return right + _send(node, j, g, ("operand", how), circuit)
        right = np.asarray(right, dtype=np.float64)
        lead = right.ndim - _val(node.ins[j]).ndim
        if kind == "mean-rows":
            return right.mean(axis=tuple(range(lead))) if lead > 0 else right
        return right[(0,) * lead] if lead > 0 else right
    if kind == "no-upstream":
        return np.broadcast_to(_local(node, j), np.shape(g)) * 1.0
    if kind == "upstream-divides":
        return _local(node, j) / g
    if kind == "local":
        return g * how(node, circuit)
    if kind == "grad-of" and how[0] == "upstream":     # an upstream gradient alone
        return _send(node, j, np.asarray(circuit.upstream[how[1]][1], dtype=np.float64),
                     None, circuit)
    if kind == "grad-of":
        key = how
        if circuit.counts.get(how[0]) == circuit.counts.get(node.site, 0) > 1:
            key = (how[0], node.key[1])          # the other gate's gradient at this step
        other = circuit.node_grads.get(key)
        return None if other is None else _send(node, j, other, None, circuit)
    if kind == "turn":
        return _matmul_vjp(_val(node.ins[0]), _val(node.ins[1]), g, j, turn=False)
    if kind == "sent-other":      # what the product sends its other operand, in g's place
        A, B = _val(node.ins[0]), _val(node.ins[1])
        other = _matmul_vjp(A, B, g, 1 - j)
        if np.shape(other) != np.shape(g):
            raise ValueError("another shape")
        return _matmul_vjp(A, B, other, j)
    if kind in ("again", "again-carried"):
        right = _matmul_vjp(_val(node.ins[0]), _val(node.ins[1]), g, j)
        if kind == "again-carried" and node.ins[j].op == "leaf":
            return right
        return _matmul_vjp(_val(node.ins[0]), _val(node.ins[1]), right, j)
    if kind == "operand":
        A, B = _val(node.ins[0]), _val(node.ins[1])
        other = how(node, circuit)
        return _matmul_vjp(other if j == 1 else A, other if j == 0 else B, g, j)
    raise ValueError(kind)


def gradients(circuit: Circuit, upstream: Sequence[tuple], slip: Slip | None = None,
              keep: bool = False) -> dict:
    """The gradient on each input (by name) for the upstream gradients, (Traced output, g)
    pairs, through the circuit's gates; with `slip`, through the gates with that slip.
    `keep`: also every gate's gradient, in circuit.node_grads (what grad-of reads)."""
    edits = {(s, j): (kind, how) for s, j, kind, how in (slip.edits if slip else ())}
    sites = {s for s, _j in edits}
    grads: dict = {}
    nodes = circuit.nodes[::-1]
    if slip is not None and upstream is circuit.kept_for and "upstream" not in sites:
        # the gates after the slip's last one (processed first) send what they sent in the
        # right pass: start from what was pending there (the arrays are never changed)
        last = max((circuit.site_last.get(s, -1) for s in sites), default=-1)
        grads = dict(circuit.pending.get(last, circuit.pending_end))
        nodes = circuit.nodes[last::-1] if last >= 0 else []
    else:
        for k, (out, g) in enumerate(upstream):
            edit = edits.get(("upstream", k))
            if not isinstance(out, Traced) or (edit is not None and edit[0] == "drop"):
                continue
            g = np.asarray(g, dtype=np.float64)
            if edit is not None:
                g = 2.0 * g if edit[0] == "twice" else np.broadcast_to(edit[1](g), g.shape)
            grads[out.node.index] = grads.get(out.node.index, 0.0) + g
    kept, pending = {}, {}
    with np.errstate(all="ignore"):
        for node in nodes:
            if keep and node.op != "leaf":
                pending[node.index] = dict(grads)
            g = grads.get(node.index)
            if g is None or node.op == "leaf":
                continue
            del grads[node.index]
            if keep:
                kept[node.key] = g
            slipped = node.site in sites
            for j, inp in enumerate(node.ins):
                if not isinstance(inp, Node):
                    continue
                edit = None
                if slipped:
                    n = len(node.ins)
                    edit = edits.get((node.site, j)) or edits.get((node.site, j - n))
                    but = edits.get((node.site, "all but"))
                    if edit is None and but is not None and j != but[1] % n:
                        edit = ("drop", None)
                c = _send(node, j, g, edit, circuit)
                if c is None:
                    continue
                if c.shape != inp.value.shape:
                    c = _unbroadcast(c, inp.value.shape)
                grads[inp.index] = grads.get(inp.index, 0.0) + c
    if keep:
        circuit.node_grads, circuit.pending, circuit.pending_end = kept, pending, dict(grads)
        circuit.kept_for = upstream
    out = {name: np.broadcast_to(np.asarray(grads.get(node.index, 0.0), dtype=np.float64),
                                 node.value.shape).copy()
           for name, node in circuit.leaves.items()}
    for (s, name), (kind, how) in edits.items():
        if s == "plus" and name in out:           # an input's gradient with a term too many
            out[name] = out[name] + how(circuit, upstream)
    return out


# ------------------------------------------------------------------ the slips


_UNARY_SLIPS = {
    # op -> [(the local derivative used, in words: {y} its output, {x} its input; the rule
    # on (x, y))]
    "tanh": [("1 (its local derivative left out)", lambda x, y: np.ones_like(y)),
             ("1 - {y}, without the square", lambda x, y: 1 - y),
             ("(1 - {y})**2, the square around the difference", lambda x, y: (1 - y) ** 2),
             ("{y} itself", lambda x, y: y),
             ("1 - {x}**2, at the tanh's input instead of its output", lambda x, y: 1 - x ** 2),
             ("1 - tanh({y})**2, the tanh applied again to its output",
              lambda x, y: 1 - np.tanh(y) ** 2),
             ("{y} * (1 - {y}), the logistic function's local derivative",
              lambda x, y: y * (1 - y)),
             ("{y}**2 - 1, the sign reversed", lambda x, y: y ** 2 - 1),
             ("its local derivative applied twice (squared)",
              lambda x, y: (1 - y ** 2) ** 2)],
    "logistic": [("1 (its local derivative left out)", lambda x, y: np.ones_like(y)),
                ("{y} itself", lambda x, y: y),
                ("1 - {y} alone", lambda x, y: 1 - y),
                ("{x} * (1 - {x}), at its input instead of its output",
                 lambda x, y: x * (1 - x)),
                ("1 - {y}**2, a tanh's local derivative", lambda x, y: 1 - y ** 2),
                ("{y} * (1 + {y}), a sign slip", lambda x, y: y * (1 + y)),
                ("the logistic function's local derivative taken at the logistic of {y}, "
                 "the function applied again to its output",
                 lambda x, y: _sig(y) * (1 - _sig(y))),
                ("its local derivative applied twice (squared)",
                 lambda x, y: (y * (1 - y)) ** 2)],
    "exp": [("1 (its local derivative left out)", lambda x, y: np.ones_like(y)),
            ("its input {x} where its output belongs", lambda x, y: x)],
    "log": [("{x}, multiplied where it should divide", lambda x, y: x),
            ("1 / {x}**2", lambda x, y: 1 / x ** 2),
            ("1 (its local derivative left out)", lambda x, y: np.ones_like(x))],
    "square": [("{x}, without the factor 2", lambda x, y: x),
               ("{x}**2 itself", lambda x, y: y)],
    "absolute": [("1, without the sign of {x}", lambda x, y: np.ones_like(x))],
    "sqrt": [("1 / {y}, without the factor 1/2", lambda x, y: 1 / y)],
}
_PRIME = {"tanh": lambda v: 1 - v ** 2, "logistic": lambda v: v * (1 - v)}
_PRIME_WORDS = {"tanh": "1 - {0}**2", "logistic": "{0} * (1 - {0})"}


def _made_prime(inp) -> Any:
    """The local derivative of the gate that made `inp` (1 where it is an input)."""
    if isinstance(inp, Node) and inp.op in _PRIME:
        return _PRIME[inp.op](inp.value)
    return 1.0


def _sig(v):
    return 1.0 / (1.0 + np.exp(-v))


# the circuit's nonlinearities, by gate kind (what a slip may put an operand through)
_NONLINEAR = {"tanh": np.tanh, "logistic": _sig}


def _unary(rule: Callable) -> Callable:
    return lambda node, c: rule(_val(node.ins[0]), node.value)


def _value(other: Node, node: Node, c: Circuit) -> np.ndarray:
    """`other`'s value where the slip reads it at `node`: at the same step of a loop when
    both are made once per step (the k-th run of each), else the one value."""
    if other.op != "leaf" and node.key is not None and \
            c.counts.get(other.site) == c.counts.get(node.site, 0) > 1:
        k = node.key[1] + other.shift
        if k < 0 and other.site in c.prior:       # before the first step: where it starts
            return c.prior[other.site].value
        k %= c.counts[other.site]                  # (or the last, as hs[t - 1] at t = 0)
        same = c.by_key.get((other.site, k))
        if same is not None and (other.shift <= 0 or k > node.key[1]):
            return same.value
        raise KeyError("no step after the last")
    return c.by_key[other.key].value


def _at(other: Node) -> Callable:
    return lambda node, c: _value(other, node, c)


def _values_like(circuit: Circuit, shape: tuple) -> list:
    """Every labelled gate and input of this shape (one per distinct value): what a slip
    may read in another's place. Of a gate made at every step of a loop, the first step's
    only (a slip reads the value of its own step: see _value)."""
    key = ("values", shape)
    if key in circuit.memo:
        return circuit.memo[key]
    seen: list = []
    out = []
    for node in circuit.nodes:
        if node.value.shape != shape or not (node.name or node.text):
            continue
        if node.op != "leaf" and node.key[1] > 0 and circuit.counts.get(node.site, 0) > 1:
            continue
        if node.op in ("getitem", "reshape", "transpose"):
            continue
        if any(np.array_equal(node.value, s) for s in seen):
            continue
        seen.append(node.value)
        out.append(node)
    # a gate of a loop read at the step before or after (a cached value of the wrong step)
    out += [n.shifted(d) for n in list(out) if n.op != "leaf"
            and circuit.counts.get(n.site, 0) > 1 for d in (-1, 1)]
    circuit.memo[key] = out
    return out


def _edge_slips(circuit: Circuit, node: Node, j: int, inp: Node, at=None,
                primed: str | None = None) -> list[Slip]:
    """The slips of one gate's rule for its input j (`at`: how the slip names that input,
    -1 for the last of a list whose length may change from case to case; `primed`: the kind
    of gate with a local derivative (_PRIME) that makes that input at some run of the
    site)."""
    s = node.site
    at = j if at is None else at
    edge = f"the gradient that {node.said()} sends back to {_operand(node, j)}"

    def one(kind, words, how=None):
        return Slip(words, ((s, at, kind, how),))

    cand = [one("drop", f"{edge} is left out (a path of the gradient is missing)"),
            one("twice", f"{edge} is counted twice"),
            one("negate", f"{edge} has the wrong sign")]
    primed = inp.op if inp.op in _PRIME else primed
    if primed:
        # the local derivative of the gate that made this input, applied here too, where
        # that gate applies it again (a loop's carry taken through the tanh of the step
        # before); where the input is the function's own (the first step's h0), no factor
        said = _operand(node, j)
        cand.append(one("extra", f"{edge} is also multiplied by the local derivative of the "
                                 f"gate that makes {said}, which that gate applies again "
                                 "on the way back (the factor "
                                 f"{_PRIME_WORDS[primed].format(said)} "
                                 "counts twice)",
                        lambda nd, c, j=j: _made_prime(nd.ins[j])))
    loc = _local(node, j)
    if loc is not None and not np.isscalar(loc):
        cand.append(one("no-upstream", f"{edge} is its local derivative alone: the gradient "
                                       f"arriving at {node.said()} is not multiplied in"))
        cand.append(one("upstream-divides", f"{edge} divides by the gradient arriving at "
                                            f"{node.said()} where it should multiply by it"))
    if node.op in _UNARY_SLIPS:
        names = {"y": node.said(), "x": _operand(node, 0)}
        cand += [one("local", f"{edge} uses {words.format(**names)} as the local derivative "
                              f"of {node.said()}", _unary(rule))
                 for words, rule in _UNARY_SLIPS[node.op]]
        if node.op in _PRIME:
            prime = _PRIME[node.op]
            cand += [one("local", f"{edge} takes the local derivative of {node.said()} at "
                                  f"{o.said()} where {node.said()} itself belongs",
                         lambda nd, c, o=o, p=prime: p(_value(o, nd, c)))
                     for o in _values_like(circuit, node.value.shape)
                     if o is not node and o is not inp]
            cand += [one("extra", f"{edge} is multiplied by {o.said()} too (a factor too "
                                  "many)", _at(o))
                     for o in _values_like(circuit, node.value.shape)]
    if node.op == "multiply":
        other_in = node.ins[1 - j]
        mine = _say(other_in)
        if isinstance(other_in, Node) or np.ndim(other_in) > 0:
            cand.append(one("local", f"{edge} is missing its factor {mine}",
                            lambda nd, c: 1.0))
        like = _values_like(circuit, node.value.shape)
        # a factor too many before a factor replaced: o * tanh(c) where tanh(c) belongs is
        # said as the factor o too many, not as next_h in tanh(c)'s place
        cand += [one("extra", f"{edge} is multiplied by {o.said()} too (a factor too many)",
                     _at(o)) for o in like]
        for o in [inp] + like:
            if o is other_in:
                continue
            own = " (its own value)" if o is inp else ""
            cand.append(one("local", f"{edge} is multiplied by {o.said()}{own} where {mine} "
                                     "belongs", _at(o)))
        if isinstance(other_in, Node) and other_in.op in _PRIME:
            p = _PRIME[other_in.op]
            cand.append(one("local", f"{edge} is multiplied by the local derivative of "
                                     f"{mine} where {mine} itself belongs",
                            lambda nd, c, o=other_in, p=p: p(_value(o, nd, c))))
    if node.op in ("power", "square") and j == 0:
        k = 2.0 if node.op == "square" else _val(node.ins[1])
        cand += [one("local", f"{edge} takes the local derivative of {node.said()} at "
                              f"{o.said()} where {_operand(node, 0)} belongs",
                     lambda nd, c, o=o, k=k: k * _value(o, nd, c) ** (k - 1))
                 for o in _values_like(circuit, inp.value.shape) if o is not inp]
    if node.op == "divide" and j == 0:
        cand.append(one("local", f"{edge} is multiplied by {_say(node.ins[1])} where it "
                                 "should be divided by it", lambda nd, c: _val(nd.ins[1])))
    if node.op == "divide" and j == 1:
        cand.append(one("local", f"{edge} divides by {_say(node.ins[1])} once, not by its "
                                 "square", lambda nd, c: -_val(nd.ins[0]) / _val(nd.ins[1])))
        cand.append(one("local", f"{edge} is missing the factor {_say(node.ins[0])}",
                        lambda nd, c: -1.0 / _val(nd.ins[1]) ** 2))
    if node.op in ("maximum", "minimum", "where"):
        cand.append(one("local", f"{edge} lets the gradient through where the other input "
                                 "wins and blocks it where this one wins (the comparison "
                                 "the wrong way round)", lambda nd, c, j=j: 1.0 - _local(nd, j)))
        cand.append(one("local", f"{edge} lets every entry through (no mask)",
                        lambda nd, c: 1.0))
    if node.op in ("maximum", "minimum"):
        # the comparison made on another value (another state, the step before's)
        other_in = node.ins[1 - j]
        sign = 1.0 if node.op == "maximum" else -1.0
        cand += [one("local", f"{edge} is masked by comparing {o.said()} where "
                              f"{_operand(node, j)} belongs",
                     lambda nd, c, o=o, j=j: np.where(
                         sign * (_value(o, nd, c) - _val(nd.ins[1 - j])) > 0, 1.0, 0.0))
                 for o in _values_like(circuit, inp.value.shape) if o is not inp
                 and np.shape(_val(other_in)) in ((), inp.value.shape)]
    if node.op == "matmul":
        operand = node.ins[1 - j]
        M = _val(operand)
        if M.ndim == 2 and M.shape[0] == M.shape[1]:
            cand.append(one("turn", f"{edge} uses {_say(operand)} without its transpose"))
            cand.append(one("again", f"{edge} goes back through {_say(operand)} twice (the "
                                     "product's backward applied again)"))
        if isinstance(operand, Node):
            # the circuit's own nonlinearity applied to the operand too (as if it had come
            # out of a layer like this one)
            for op in sorted({n.op for n in circuit.nodes if n.op in _NONLINEAR}):
                # (said as the forward's code calls it: np.tanh, or its own helper's name)
                code = next(n.text for n in circuit.nodes if n.op == op)
                called = re.search(r"(\w+)\(", code or "")
                word, f = (called.group(1) if called else op), _NONLINEAR[op]
                cand.append(one("operand", f"{edge} is built from {word}({operand.said()}) "
                                           f"where {operand.said()} itself belongs (the "
                                           f"{word} applied to it too)",
                                lambda nd, c, k=1 - j, f=f: f(_val(nd.ins[k]))))
            for o in _values_like(circuit, M.shape):
                if o is operand:
                    continue
                cand.append(one("operand", f"{edge} is built from {o.said()} where "
                                           f"{operand.said()} belongs", _at(o)))
                cand.append(one("also", f"{edge} adds the same product with {o.said()} in "
                                        f"the place of {operand.said()} (a term too many)",
                                _at(o)))
        other = node.ins[1 - j]
        if np.shape(_val(other)) == node.value.shape:
            cand.append(one("sent-other", f"{edge} is built from what the product sends back "
                                          f"to {_operand(node, 1 - j)}, where the gradient on "
                                          f"{node.said()} belongs"))
        if circuit.counts.get(node.site, 0) > 1:
            # the operand of the step as far from the other end: two lists of the steps
            # paired in opposite orders (a list built backwards zipped with one built forwards)
            def mirrored(node, c, k=1 - j):
                return _val(c.by_key[(node.site, c.counts[node.site] - 1 - node.key[1])].ins[k])
            cand.append(one("operand", f"{edge} pairs each step with "
                                       f"{_operand(node, 1 - j)} of the step as far from the "
                                       "other end (step T-1-t at step t): two lists of the "
                                       "steps paired in opposite orders", mirrored))
    if node.op in ("sum", "mean") and node.value.size < inp.value.size:
        cand.append(one("count", f"{edge} is divided by the number of entries it adds up "
                                 "(as for a mean)" if node.op == "sum" else
                                 f"{edge} is not divided by the number of entries averaged"))
    if inp.value.ndim < node.value.ndim and node.op in ("add", "subtract", "multiply"):
        cand.append(one("mean-rows", f"{edge} is averaged over the rows, where {inp.said()} "
                                     "is added to every row and its gradient is their sum"))
        cand.append(one("first-row", f"{edge} takes one row only, where {inp.said()} is "
                                     "added to every row and its gradient is their sum"))
    # the gradient arriving at another gate read where this gate's belongs
    for o in _grads_like(circuit, node):
        cand.append(one("grad-of", f"{edge} starts from the gradient on {o.said()} where "
                                   f"the gradient on {node.said()} belongs", o.key))
    # or from one upstream gradient alone (the one arriving from outside, before the paths
    # inside the function are added to it)
    mine = circuit.node_grads.get(node.key)
    for k, (words, g) in enumerate(circuit.upstream):
        if np.shape(g) == node.value.shape and node.op != "leaf" and mine is not None \
                and not np.array_equal(np.asarray(mine), np.asarray(g)):
            cand.append(one("grad-of", f"{edge} starts from the upstream gradient {words} "
                                       f"alone where the whole gradient on {node.said()} "
                                       "belongs", ("upstream", k)))
    return cand


def _grads_like(circuit: Circuit, node: Node) -> list:
    """Other labelled gates whose right gradient has this gate's shape, one per distinct
    gradient (a named one first)."""
    mine = circuit.node_grads.get(node.key)
    if mine is None:
        return []
    key = ("grads", node.value.shape)
    if key not in circuit.memo:          # one gate per distinct gradient of this shape
        found, seen = [], []
        ranked = sorted((n for n in circuit.nodes if n.op not in ("leaf", "getitem",
                                                                  "reshape", "transpose")
                         and n.value.shape == node.value.shape and (n.name or n.text)
                         and not (n.key[1] > 0 and circuit.counts.get(n.site, 0) > 1)),
                        key=lambda n: (not n.name, n.index))
        for n in ranked:
            g = circuit.node_grads.get(n.key)
            if g is None or any(np.array_equal(np.asarray(g), s) for s in seen):
                continue
            seen.append(np.asarray(g))
            found.append((n, np.asarray(g)))
        circuit.memo[key] = found
    return [n for n, g in circuit.memo[key]
            if n is not node and not np.array_equal(g, np.asarray(mine))]


# an upstream gradient used as one number (or as ones) in every entry, where each entry's
# own value belongs: (kind, words, the value put in its place)
_UPSTREAM_SUMMARIES = (
    ("up-mean", "its mean (one number in every entry, where each entry's own value belongs)",
     lambda g: np.mean(g)),
    ("up-sum", "its sum (one number in every entry, where each entry's own value belongs)",
     lambda g: np.sum(g)),
    ("up-ones", "ones (it is never multiplied in)", lambda g: np.ones_like(g)))

# the simplest slips first: a path left out before a factor replaced, before a gradient
# read in another's place
_ORDER = {"drop-carried": 0, "drop": 0, "twice-carried": 1, "negate": 1, "twice": 1,
          "local": 2, "extra": 2, "turn": 2, "count": 2, "mean-rows": 2, "first-row": 2,
          "no-upstream": 3, "upstream-divides": 3, "operand": 3, "again": 3, "again-carried": 3,
          "plus": 4, "also": 4, "grad-of": 5, "all but": 2, "up-mean": 3, "up-sum": 3,
          "up-ones": 3}


def _pair_slips(circuit: Circuit) -> list[Slip]:
    """Two gates of one kind and shape whose local derivatives are exchanged (each taken at
    the other's value); a product whose inputs each get their own value."""
    out = []
    firsts = {}
    for node in circuit.nodes:
        if node.op in _PRIME and node.site not in firsts:
            firsts[node.site] = node
    gates = list(firsts.values())
    for a, b in ((a, b) for k, a in enumerate(gates) for b in gates[k + 1:]):
        if a.value.shape != b.value.shape:
            continue
        pa, pb = _PRIME[a.op], _PRIME[b.op]
        out.append(Slip(f"the local derivatives of {a.said()} and {b.said()} are exchanged "
                        "(each gate's taken at the other's value)",
                        ((a.site, 0, "local", lambda nd, c, o=b, p=pa: p(_value(o, nd, c))),
                         (b.site, 0, "local", lambda nd, c, o=a, p=pb: p(_value(o, nd, c))))))
    seen = set()
    for node in circuit.nodes:
        if node.op == "multiply" and node.site not in seen and all(
                isinstance(i, Node) for i in node.ins):
            seen.add(node.site)
            a, b = node.ins
            out.append(Slip(f"the gradient that {node.said()} sends back to {_operand(node, 0)} "
                            f"and to {_operand(node, 1)} is each multiplied by its own "
                            "value, where the other factor belongs",
                            ((node.site, 0, "local", _at(a)),
                                        (node.site, 1, "local", _at(b)))))
    return out


def slips(circuit: Circuit, upstream: Sequence[tuple] = (),
          upstream_words: Sequence[str] = ()) -> list[tuple[Slip, set]]:
    """Every slip of the circuit, each with the inputs it can change (by name), the
    simplest first."""
    reach = _ancestors(circuit)
    every = set(circuit.leaves)
    out = []
    # (site, j) -> whether that input is sometimes an input of the function, sometimes a
    # gate's output (a loop's carry: the first step reads h0, the others the state before),
    # the first input of the function it is, and the inputs a change there can reach
    kinds: dict = {}
    first: dict = {}
    site_reach: dict = {}
    primed: dict = {}
    for node in circuit.nodes:
        for j, inp in enumerate(node.ins):
            if isinstance(inp, Node):
                kinds.setdefault((node.site, j), set()).add(inp.op == "leaf")
                if inp.op in _PRIME:
                    primed.setdefault((node.site, j), inp.op)
                site_reach.setdefault((node.site, j), set()).update(reach[inp.index])
                if inp.op == "leaf":
                    first.setdefault((node.site, j), inp.name)
    done: set = set()
    for node in circuit.nodes:
        if node.op == "leaf":
            continue
        listed = node.op in ("stack", "concatenate") and len(node.ins) > 2
        if (node.site, node.op) not in done and listed:
            # a list of states (one per step): only its first or last entry's gradient kept
            out += [(Slip(f"of the gradients that `{node.text}` sends back to the entries of "
                          f"{_list_name(node)}, only the {which} one is kept (the others are "
                          "left out)", ((node.site, "all but", "all but", keep),)), every)
                    for keep, which in ((0, "first"), (-1, "last"))]
        done.add((node.site, node.op))
        for j, inp in enumerate(node.ins):
            # each input of each site once, at the first run where it is a gate or an input
            # (a loop's first step may read a constant there: the cell state's zeros)
            if not isinstance(inp, Node) or (listed and 0 < j < len(node.ins) - 1) or \
                    (node.site, node.op, j) in done:
                continue
            done.add((node.site, node.op, j))
            at = j - len(node.ins) if listed and j == len(node.ins) - 1 else j
            out += [(s, site_reach[node.site, j])
                    for s in _edge_slips(circuit, node, j, inp, at,
                                         primed.get((node.site, j)))]
            if kinds.get((node.site, j)) != {True, False}:
                continue
            said = _operand(node, j)
            carried = [("drop-carried", "left out"), ("twice-carried", "counted twice")]
            if node.op == "matmul" and _val(node.ins[1 - j]).ndim == 2 and \
                    len(set(_val(node.ins[1 - j]).shape)) == 1:
                carried.append(("again-carried", "sent back through "
                                f"{_operand(node, 1 - j)} twice"))
            out += [(Slip(f"the gradient that {node.said()} sends back to {said} is {how} where "
                          f"{said} is an earlier step's output (the carry between steps), and "
                          f"right where it is {first[node.site, j]}",
                          ((node.site, j, kind, None),)), every) for kind, how in carried]
    out += [(s, every) for s in _pair_slips(circuit)]
    for k, words in enumerate(upstream_words):
        out.append((Slip(f"the upstream gradient {words} is left out",
                         (("upstream", k, "drop", None),)), every))
        out.append((Slip(f"the upstream gradient {words} is counted twice",
                         (("upstream", k, "twice", None),)), every))
        if k < len(upstream) and np.size(upstream[k][1]) > 1:
            out += [(Slip(f"the upstream gradient {words} is replaced by {said}",
                          (("upstream", k, kind, how),)), every)
                    for kind, said, how in _UPSTREAM_SUMMARIES]
    # an input's gradient with a term too many: a value of its shape added (itself, another
    # input, a gate's value, an upstream gradient)
    for name, leaf in circuit.leaves.items():
        adds = [(o.said(), lambda c, up, o=o: c.by_key[o.key].value)
                for o in _values_like(circuit, leaf.value.shape)]
        adds += [(f"the upstream gradient {w}", lambda c, up, k=k: np.asarray(up[k][1]))
                 for k, w in enumerate(upstream_words)
                 if k < len(upstream) and np.shape(upstream[k][1]) == leaf.value.shape]
        out += [(Slip(f"your gradient on {name} is the right one plus {w}"
                      f"{' itself' if w == name else ''} (a term too many)",
                      (("plus", name, "plus", how),)), {name}) for w, how in adds]
    return sorted(out, key=lambda sr: max(_ORDER.get(e[2], 4) for e in sr[0].edits)
                  + (len(sr[0].edits) > 1))


def _list_name(node: Node) -> str:
    """The list a stack or concatenate gate is made from, as the source writes it."""
    _operand(node, 0)
    parts = _OPERANDS.get(node.text) or []
    return f"`{parts[0]}`" if parts else "its list"


def _say(x) -> str:
    return x.said() if isinstance(x, Node) else "a constant"


_OPERANDS: dict = {}


def _operand(node: Node, j: int) -> str:
    """How the forward's source writes the gate's input j (`prev_h` in `prev_h @ Wh`, the
    same at every step of a loop), else how that input is said."""
    if node.text not in _OPERANDS:
        parts: list = []
        try:
            tree = ast.parse(node.text, mode="eval").body
            if isinstance(tree, ast.BinOp):
                parts = [tree.left, tree.right]
            elif isinstance(tree, ast.UnaryOp):
                parts = [tree.operand]
            elif isinstance(tree, ast.Call):
                parts = list(tree.args)
            parts = [ast.get_source_segment(node.text, p) for p in parts]
        except (SyntaxError, ValueError):
            parts = []
        _OPERANDS[node.text] = parts
    parts = _OPERANDS[node.text]
    inputs = node.ins
    if node.op in ("stack", "concatenate") and parts and len(inputs) > 1:
        # one input of a list: which one (a time step's state), in the source's words
        where = " (the last)" if j == len(inputs) - 1 else " (the first)" if j == 0 else ""
        return f"`{parts[0]}[{j}]`{where}"
    if len(parts) == len(inputs) and parts[j]:
        text = parts[j]
        return text if re.fullmatch(r"[A-Za-z_]\w*", text) else f"`{text}`"
    return _say(node.ins[j])


def _ancestors(circuit: Circuit) -> dict:
    """node index -> the names of the inputs it depends on."""
    names: dict = {}
    for node in circuit.nodes:
        if node.op == "leaf":
            names[node.index] = {node.name}
        else:
            s: set = set()
            for i in node.ins:
                if isinstance(i, Node):
                    s |= names.get(i.index, set())
            names[node.index] = s
    return names


# ----------------------------------------------------------------- the finding


@dataclass
class Case:
    """One case a check ran, as the circuit sees it: the trusted forward, its inputs by name
    (in its order), the student's outputs by name, the output -> input they are the gradient
    of, and `upstream(result)`: (traced output, its upstream gradient) pairs."""

    forward: Callable
    args: dict
    grads: dict                  # student's output name -> the input's name
    upstream: Callable[[Any], list]
    kwargs: dict = field(default_factory=dict)
    upstream_words: tuple = ()       # each upstream gradient's name, for the words
    gates: dict = field(default_factory=dict)   # the forward's helpers that are one gate
    # the student's other outputs of the same call, graded by another check: name ->
    # (the input's name, the value); a slip is said only when it gives them too
    others: dict = field(default_factory=dict)


def _close(a, e, tol=MATCH_TOL) -> bool:
    a, e = np.asarray(a, dtype=np.float64), np.asarray(e, dtype=np.float64)
    if a.shape != e.shape or not (np.all(np.isfinite(a)) and np.all(np.isfinite(e))):
        return False
    scale = max(float(np.max(np.abs(e), initial=0.0)), 1e-12)
    return bool(np.all(np.abs(a - e) <= tol * np.maximum(np.abs(e), 1e-3 * scale)))


def _same_circuit(a: Circuit, b: Circuit) -> bool:
    """Gates of the same kinds made at the same places (sizes and a loop's length may
    differ: a slip is made at a place, at every run of it)."""
    return {(n.site, n.op) for n in a.nodes} == {(n.site, n.op) for n in b.nodes}


def traced(case: Case) -> tuple:
    """(its circuit, the (traced output, upstream gradient) pairs, each input's right
    gradient) of `case`, made once per case: the slip search and the student's variables
    (variables.py) both read them, and neither changes them. Raises what `trace` raises."""
    made = case.__dict__.get("_traced")
    if made is None:
        circuit = trace(case.forward, case.args, case.kwargs, case.gates)
        up = case.upstream(circuit.outputs)
        right = gradients(circuit, up, keep=True)
        circuit.upstream = [(w, g) for w, (_out, g) in zip(case.upstream_words, up)]
        made = case.__dict__["_traced"] = (circuit, up, right)
    return made


def find_slip(cases: Sequence[tuple[Case, dict, dict]], deadline: float | None = None,
              wrong_tol: float = MATCH_TOL) -> str | None:
    """The one slip that turns the circuit's gradients into the student's outputs on every
    case (`(case, student's outputs, truth)`, two at least, the student wrong on one), said
    in words; None when no single slip does, or the circuit cannot be traced, differs from
    case to case, or does not reproduce the truth."""
    runs = []
    for case, got, truth in cases:
        try:
            circuit, up, right = traced(case)
        except Exception:            # Unsupported, or a forward that fails on stand-ins
            return None
        if runs and not _same_circuit(runs[0][0], circuit):
            continue
        if not all(out in got and out in truth and _close(right[leaf], truth[out], tol=1e-7)
                   for out, leaf in case.grads.items()):
            return None
        grads = {**case.grads, **{o: leaf for o, (leaf, _v) in case.others.items()}}
        got = {**got, **{o: v for o, (_leaf, v) in case.others.items()}}
        runs.append((circuit, up, got, grads, right))
    if len(runs) < 2:
        return None
    wrong = {o for _c, _u, got, grads, right in runs for o, leaf in grads.items()
             if not _close(got[o], right[leaf], tol=wrong_tol)}
    if not wrong:
        return None
    need = {runs[0][3][o] for o in wrong}
    for slip, reach in slips(runs[0][0], runs[0][1], cases[0][0].upstream_words):
        if deadline is not None and time.monotonic() > deadline:
            return None
        if not need <= reach:
            continue
        for circuit, up, got, grads, right in runs:
            try:
                mutant = gradients(circuit, up, slip)
            except Exception:
                break
            # yours is the slip's answer, and the slip changes exactly what is wrong
            if not all(_close(got[o], mutant[leaf]) and _close(mutant[leaf], right[leaf])
                       == _close(got[o], right[leaf], tol=wrong_tol)
                       for o, leaf in grads.items()):
                break
        else:
            return slip.words
    return None


def forward_case(forward: Callable, args: dict, grads: dict, upstream: dict,
                 kwargs: dict | None = None, gates: dict | None = None,
                 others: dict | None = None) -> Case:
    """`View.circuit` of one case: `forward(*args.values(), **kwargs)` the trusted forward,
    `grads` the student's output -> the input it is the gradient of, `upstream` the
    forward's output (its position in the returned tuple, or None for the returned value
    itself) -> (its upstream gradient's name, that gradient); `gates`: the helpers of the
    forward's module that are one gate each, name -> kind ({"expit": "logistic"});
    `others`: the student's outputs of the same call that another check grades, name ->
    (the input it is the gradient of, the value), which a slip said must give too."""
    def pick(out):
        return [((out if k is None else out[k]), np.asarray(g, dtype=np.float64))
                for k, (_w, g) in upstream.items()]
    def own(v):
        if isinstance(v, dict):
            return {k: own(w) for k, w in v.items()}
        return np.array(v, dtype=np.float64) if isinstance(v, np.ndarray) and \
            np.isrealobj(v) else v
    return Case(forward, {k: own(v) for k, v in args.items()},
                dict(grads), pick, dict(kwargs or {}), tuple(w for w, _g in upstream.values()),
                dict(gates or {}), {o: (leaf, _readable(v)) for o, (leaf, v)
                                    in (others or {}).items()})


def _readable(v) -> np.ndarray:
    """A student's value as float64, or NaN (which no slip gives) when it is not numbers."""
    try:
        return np.array(v, dtype=np.float64)
    except (TypeError, ValueError):
        return np.array(np.nan)
