"""The variable of the student's own code that holds the slip.

The student's backward pass is called once more with its variables watched (backprop_lab.
watch: each variable's value after each statement). The right values come from the circuit
of the same case (circuit.py): the trusted forward pass traced, and its gradients computed
gate by gate and checked against the check's truth. A variable is judged by its name, as a
student names them: `df`, `d_f`, `grad_f` or `f_grad` holds the gradient on the forward's
value `f` (`dc` the gradient on `next_c` when the forward has no `c`), and a variable named
like a value of the forward (`f`, `next_c`) holds that value. A variable whose name says
nothing is right when its value is one of the right ones; when it is none of them, it may
stand for the nearest one of its shape.

Only a variable's last value in a call of a function counts (a sum built in steps is judged
when it is complete), against the right values of every step of a loop. A variable that is
wrong by its name is not yet the slip (it may be a part of a sum, or a value the code scales
later): the student's function is called once more with the right value put in its place
where it is last set (at every step, for a loop's variable), and it is the slip only when
every output then comes out right. The first such variable, in the order the code made them,
must be the same on every case (two at least): that is what `locate` says, with how its value
relates to the right one, and the variables set before it that are wrong too (then the slip
is on its line or before it). An input's gradient is a graded answer: it is never put in the
student's code.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field, replace
from typing import Callable, Sequence

import numpy as np

from .circuit import Case, Node, _local, _operand, _send, _unbroadcast, traced
from .circuit import _close as circuit_close

SHARED_HELPER = True

MATCH_TOL = 1e-6


def _close(a, e, tol: float = MATCH_TOL) -> bool:
    return circuit_close(a, e, tol)


@dataclass
class Right:
    """The right values of one case, by the forward's names: `grads[name]` the gradient on
    each value the forward assigns to `name` (one per step of a loop) or on the input
    `name`; `values[name]` those values."""

    grads: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)
    every_grad: list = field(default_factory=list)      # (name, gradient), every gate's
    # name -> the parts the forward cuts that value into: (index, the slice's text, the name
    # of the value made from it), as `a[:, H:2 * H]` makes f
    parts: dict = field(default_factory=dict)
    leaves: set = field(default_factory=set)             # the inputs' names
    # ((what, label, named), value) for each gate's gradient ("grad") and value ("value"),
    # named ones by name, the others by their text (`np.tanh(next_c)`): what a variable
    # whose name says nothing may stand for (the inputs' gradients left out: answers)
    meanings: list = field(default_factory=list)
    # ((what, the input's name, True), value): each input's own value ("value") and the
    # value broadcasting repeats it to in a gate of the forward ("spread": `alpha` over the
    # rows of `alpha * a`): not answers, and what a variable such as `slopes` may hold
    inputs: list = field(default_factory=list)
    # the labels of the values a nonlinearity is applied to (its pre-activations)
    fed: set = field(default_factory=set)

    def add(self, name: str, value, grad) -> None:
        if not name:
            return
        self.values.setdefault(name, []).append(np.asarray(value, dtype=np.float64))
        if grad is not None:
            g = np.broadcast_to(np.asarray(grad, dtype=np.float64), np.shape(value))
            self.grads.setdefault(name, []).append(g)
            self.every_grad.append((name, g))


def right_values(case: Case, truth: dict) -> Right | None:
    """The right values of `case` by name; None when its circuit cannot be traced or does
    not give the check's truth."""
    try:
        circuit, up, leaf_grads = traced(case)
    except Exception:           # Unsupported, or a forward that fails on stand-ins
        return None
    if not all(out in truth and _close(leaf_grads[leaf], truth[out], 1e-7)
               for out, leaf in case.grads.items()):
        return None
    right = Right()
    users: dict = {}
    for node in circuit.nodes:
        for inp in node.ins:
            if hasattr(inp, "index"):
                users.setdefault(inp.index, []).append(node)
    answer_like: set = set()      # the inputs and what only reshapes or cuts them
    # the forward's outputs that receive an upstream gradient: index -> its name
    fed = {out.node.index: words for (out, _g), words in zip(up, case.upstream_words)
           if hasattr(out, "node")}
    for node in circuit.nodes:
        if node.op == "leaf":
            right.add(node.name, node.value, leaf_grads.get(node.name))
            right.leaves.add(node.name)
            answer_like.add(node.index)
            if node.name and node.value.ndim:
                right.inputs.append((("value", node.name, True), node.value))
            continue
        for inp in node.ins:          # an input broadcast to this gate's shape
            if isinstance(inp, Node) and inp.op == "leaf" and inp.name and inp.value.ndim \
                    and inp.value.shape != node.value.shape and node.op not in _STRUCTURAL:
                try:
                    spread = np.broadcast_to(inp.value, node.value.shape)
                except ValueError:
                    continue
                if not any(m[1] == inp.name and np.shape(v) == spread.shape
                           for m, v in right.inputs):
                    right.inputs.append((("spread", inp.name, True), spread))
        if node.op in _STRUCTURAL and any(isinstance(i, Node) and i.index in answer_like
                                          for i in node.ins):
            answer_like.add(node.index)
            # its value is a part of an input (x[:, t]); its gradient a part of an answer
            if node.text and node.value.ndim:
                right.meanings.append((("value", node.text, False), node.value))
            continue
        grad = np.broadcast_to(np.asarray(circuit.node_grads.get(node.key, 0.0),
                                          dtype=np.float64), node.value.shape)
        if node.name:
            right.add(node.name, node.value, grad)
        # what this gate sends back to an input that other gates use too (a carry: the
        # gradient `prev_h @ Wh` sends to prev_h, without what reaches prev_h otherwise)
        for j, inp in enumerate(node.ins):
            if isinstance(inp, Node) and inp.index not in answer_like and \
                    len(users.get(inp.index, [])) > 1 and node.text:
                try:
                    sent = _send(node, j, circuit.node_grads.get(node.key, 0.0), None, circuit)
                    sent = _unbroadcast(sent, inp.value.shape)
                except Exception:      # a gate the circuit does not send through alone
                    continue
                if sent is not None and np.shape(sent) == inp.value.shape:
                    words = f"the gradient that `{node.text}` sends back to {_operand(node, j)}"
                    if node.index in fed and node.op in _STRUCTURAL:
                        words = (f"the part of the upstream gradient {fed[node.index]} that "
                                 f"reaches {_operand(node, j)}")
                    right.meanings.append((("sent", words, False), np.asarray(sent)))
        label = node.name or node.text
        if node.op in _NONLINEAR and node.ins and isinstance(node.ins[0], Node):
            right.fed.add(node.ins[0].name or node.ins[0].text)
        if label and node.value.ndim:
            named = bool(node.name)
            right.meanings += [(("grad", label, named), grad), (("value", label, named),
                                                                node.value)]
            # a nonlinearity's local derivative (a student's `local` or `dtanh`)
            local = _local(node, 0) if node.op in _NONLINEAR else None
            if local is not None:
                right.meanings.append((("local", label, named),
                                       np.broadcast_to(local, node.value.shape)))
        whole = node.ins[0] if node.op == "getitem" and node.ins else None
        if whole is not None and getattr(whole, "name", "") and node.text:
            made = next((u.name for u in users.get(node.index, []) if u.name), "")
            known = right.parts.setdefault(whole.name, [])
            if all(text != node.text for _i, text, _m in known):
                known.append((node.aux, node.text, made))
    return right


# gates that only move an array's entries
_STRUCTURAL = ("getitem", "reshape", "transpose", "stack", "concatenate", "squeeze",
               "expand_dims", "copy", "positive")

# gates whose local derivative is a value a student names (tanh's 1 - y**2)
_NONLINEAR = ("tanh", "logistic", "exp", "log", "sqrt", "power", "absolute")

_GRAD = re.compile(r"^(?:d_?|grad_)([A-Za-z]\w*?)$|^([A-Za-z]\w*?)_grad$")


def _parts(name: str) -> tuple:
    return tuple(sorted(p for p in name.lower().split("_") if p))


def _forward_name(word: str, right: Right) -> str | None:
    """The forward's name that `word` stands for: the same name, its parts in another order
    (`c_next` for `next_c`), or `next_<word>` (a step's new state) when the forward has no
    `<word>`."""
    if word in right.values:
        return word
    same = [n for n in right.values if _parts(n) == _parts(word)]
    if len(same) == 1:
        return same[0]
    if "_" not in word and f"next_{word}" in right.values:
        return f"next_{word}"
    return None


def _meaning(name: str, right: Right, aliases: dict) -> tuple[str, str, bool] | None:
    """("grad", forward name, True) for a variable named for the gradient on a forward
    value, ("value", forward name, True) for one named like a forward value, else None.
    `aliases`: the student's own names for values of the forward (their `a` holding the
    forward's `W @ x`) -> that value's meaning: `da` is then the gradient on it."""
    m = _GRAD.match(name)
    if m:
        word = m.group(1) or m.group(2)
        target = _forward_name(word, right)
        if target is not None and target in right.grads:
            return "grad", target, True
        if word in aliases:
            return ("grad",) + aliases[word][1:]
    if name in right.values:
        return "value", name, True
    return None


@dataclass
class Status:
    """One variable of one call of the student's function: its last value, where that was
    set (the j-th note of that variable in that call), and what the name says it holds."""

    call: int
    fn: str
    name: str
    line: int
    j: int
    value: np.ndarray
    meaning: tuple | None       # what its name says it holds (see _meaning), or None
    right: bool
    sets: list = field(default_factory=list)    # (j, value, line) of every time it was set


def _any_close(value, candidates) -> bool:
    return any(_close(value, c) for c in candidates)


def statuses(notes: Sequence[tuple], right: Right) -> list[Status]:
    """Each variable of each call, judged by its last value there (by what its name says it
    holds, or else against every right value), in the order the code made those (a
    function's arguments are the caller's, not judged)."""
    last: dict = {}
    count: dict = {}
    sets: dict = {}
    for order, (call, fn, line, name, kind, value) in enumerate(notes):
        j = count.get((call, name), 0)
        count[(call, name)] = j + 1
        if kind == "set":
            last[(call, name)] = (order, fn, line, j, value)
            sets.setdefault((call, name), []).append((j, value, line))
    out = []
    # (the inputs' own values too: a variable holding h0 holds a right value)
    anything = [v for _m, v in right.meanings + right.inputs] \
        + [g for gs in right.grads.values() for g in gs] \
        + [v for vs in right.values.values() for v in vs]
    aliases = {name: m for (_call, name), (_o, _f, _l, _j, value) in last.items()
               for m, v in right.meanings if m[0] == "value" and name not in right.values
               and _close(value, v)}
    for (call, name), (order, fn, line, j, value) in sorted(last.items(),
                                                            key=lambda kv: kv[1][0]):
        meaning = _meaning(name, right, aliases)
        pool = _pool(right, meaning) if meaning is not None else anything
        ok = _any_close(value, pool)
        if ok and meaning is not None and 1 < len(pool) == len(sets[(call, name)]):
            # a loop's variable, one value per step: each must be right
            ok = all(_any_close(v, pool) for _j, v, _line in sets[(call, name)])
        out.append(Status(call, fn, name, line, j, value, meaning, ok, sets[(call, name)]))
    return out


def _pool(right: Right, meaning: tuple) -> list:
    what, target, named = meaning
    if not named:            # a value the forward does not name (one per step of a loop)
        return [v for m, v in right.meanings if m == meaning]
    return right.grads[target] if what == "grad" else right.values[target]


def _distance(value, target) -> float:
    scale = max(float(np.max(np.abs(target), initial=0.0)),
                float(np.max(np.abs(value), initial=0.0)), 1e-12)
    return float(np.max(np.abs(value - target), initial=0.0)) / scale


# a variable whose name says nothing may stand for one of this many right values of its
# shape, the nearest first
NEAREST = 2


def _an_answer(meaning: tuple, right: Right) -> bool:
    """Whether `meaning` is an input's gradient: a graded answer, never put in the student's
    code (an intermediate one is, for a case whose test has already failed)."""
    return meaning[0] == "grad" and meaning[1] in right.leaves


def _kinds(name: str) -> tuple:
    """The kinds of meaning a variable whose name says nothing may have: a name like a
    gradient's (`dgates`, `grad_z`) stands for a gradient."""
    return ("grad", "sent") if _GRAD.match(name) else ("grad", "sent", "value", "local",
                                                        "spread")


def _kin(value, target) -> bool:
    """Whether `value` is `target` changed in a way that keeps its entries: one number
    times it, its entries in other places, or it clipped to the range of `value`."""
    value, target = np.asarray(value, dtype=np.float64), np.asarray(target, dtype=np.float64)
    den = float(np.sum(target * target))
    if den > 0 and _close(value, float(np.sum(value * target)) / den * target):
        return True
    if _close(np.sort(value, axis=None), np.sort(target, axis=None)):
        return True
    lo, hi = float(np.min(value, initial=0.0)), float(np.max(value, initial=0.0))
    return lo < hi and _close(value, np.clip(target, lo, hi))


def _candidates(s: Status, right: Right) -> list[tuple]:
    """(meaning, right value) pairs to put in place of the wrong variable `s`, to try in
    turn: what its name says, at the nearest step of a loop; for a name that says nothing,
    the nearest few of every gate's gradient and value of its shape. Never an input's
    gradient (a graded answer)."""
    if s.meaning is not None:
        if _an_answer(s.meaning, right):
            return []
        same = [p for p in _pool(right, s.meaning) if np.shape(p) == np.shape(s.value)]
        return [(s.meaning, min(same, key=lambda p: _distance(s.value, p)))] if same else []
    kinds = _kinds(s.name)

    def ranked(pairs):
        same = [(m, v) for m, v in pairs
                if np.shape(v) == np.shape(s.value) and m[0] in kinds and np.any(v)]
        # one value under several texts (a sum passes its gradient on unchanged): by its name
        same.sort(key=lambda mv: not mv[0][2])
        distinct: list = []
        for m, v in same:
            if not any(np.array_equal(v, w) for _m, w in distinct):
                distinct.append((m, v))
        out: list = []
        for m, v in sorted(distinct, key=lambda mv: (not _hinted(s.name, mv[0], right),
                                                     _distance(s.value, mv[1]))):
            if all(m != o for o, _v in out):    # one per meaning (a loop's steps share it)
                out.append((m, v))
        return out
    made = ranked(right.meanings)
    top = made[:NEAREST]
    # the nearest of all too, when hinted ones came first and left it out
    nearest = min(made, key=lambda mv: _distance(s.value, mv[1]), default=None)
    if nearest is not None and all(nearest[0] != m for m, _v in top):
        top.append(nearest)
    # then an input's value (or its broadcast): the first that yours keeps the entries of
    # (see _kin), or the nearest when the forward makes no value of this shape
    rest = [mv for mv in made if all(mv[0] != m for m, _v in top)] + ranked(right.inputs)
    kin = [(m, v) for m, v in rest if _kin(s.value, v)]
    return top + (kin[:1] if kin or made else rest[:NEAREST])


@dataclass
class Located:
    """The variable of the student's code that holds the slip: `fn`, `name`, the `line` of
    its last value; `meaning` ("grad"|"value", the forward's name or the text of its
    expression, whether it is a name): what it should hold; `relation`: how its value
    relates to the right one on every case, or None: ("scale", c), ("times", q name),
    ("over", q name), ("holds", other forward name) for another gradient, ("zero",),
    ("plus" | "minus", a meaning: a gate's gradient, value or local derivative),
    ("before", names): each part the forward cuts it into holds the gradient on the value
    made from that part (`f` from `a[:, H:2 * H]`), or
    ("parts", ((slice text, the value made from it), ...)): wrong only in those of the
    parts the forward cuts it into, ("moved",): the right entries in other places, or
    ("clipped", lo, hi): the right one clipped to [lo, hi] (a bound None where no case
    cuts there), ("masked", name, "positive" | "negative", other names): the right one where
    the forward's `name` is positive (negative), 0 elsewhere (the other values whose signs
    give the same mask);
    `worst`: its largest difference from the right one, relative to the right one's largest
    entry; `every_step`: a loop sets it at every step, and it is put right at each; `kept`:
    the outputs that are its last value (an input's gradient, not handed to the student's
    code), right once that value is; `earlier`: variables set before it whose values are none
    of the right ones (the slip may be there: it is then said to be at that line or before)."""

    fn: str
    name: str
    line: int
    meaning: tuple
    relation: tuple | None
    worst: float
    every_step: bool = False    # set by a loop at every step: put right at each
    kept: tuple = ()            # outputs that are its last value, which is left as it is
    earlier: tuple = ()         # (name, line) set before it, holding none of the right values


# at most this many fixes are tried on one case, in turn (one call of the student's
# function each), and at most PER_VARIABLE for one variable
MAX_TRIED = 120
PER_VARIABLE = 24


def _relations(value, target, right: Right, meaning) -> list[tuple]:
    """Every relation of the kinds Located lists that holds between `value` and `target`."""
    out: list = []
    if not np.any(value) and np.any(target):
        out.append(("zero",))
    den = float(np.sum(target * target))
    if den > 0 and np.any(value):
        c = float(np.sum(value * target)) / den
        if abs(c - 1.0) > 1e-6 and _close(value, c * target):
            out.append(("scale", round(c, 6)))
    what, own, _named = meaning
    # yours = the right one plus or minus a value (an input's too: `b` added twice)
    for m, q in right.meanings + right.inputs:
        if np.shape(q) == np.shape(value) and np.any(q) and m[1] != own:
            for sign in (1.0, -1.0):
                if _close(value, target + sign * q) and not _close(target + sign * q, target):
                    out.append(("plus" if sign > 0 else "minus", m))
    wrong_parts = []
    for idx, text, made in right.parts.get(own, []):
        try:
            ok = _close(value[idx], target[idx])
        except (IndexError, TypeError, ValueError):
            return out
        if not ok:
            wrong_parts.append((text, made))
    if wrong_parts and len(wrong_parts) < len(right.parts.get(own, [])):
        out.append(("parts", tuple(wrong_parts)))
    # each part holding the gradient on the value made from it: the gates' local
    # derivatives left out
    parts = right.parts.get(own, [])
    if what == "grad" and parts and all(made in right.grads for _i, _t, made in parts):
        try:
            if all(_any_close(value[idx], right.grads[made]) for idx, _t, made in parts):
                out.append(("before", tuple(made for _i, _t, made in parts)))
        except (IndexError, TypeError, ValueError):
            pass
    if what == "grad":
        for name, g in right.every_grad:
            if name != own and np.shape(g) == np.shape(value) and np.any(g) \
                    and _close(value, g):
                out.append(("holds", name))
    with np.errstate(all="ignore"):
        for name, vs in right.values.items():
            for q in vs:
                if np.shape(q) != np.shape(value):
                    continue
                if _close(value, target * q) and not _close(target * q, target):
                    out.append(("times", name))
                if np.all(q != 0) and _close(value, target / q) and \
                        not _close(target / q, target):
                    out.append(("over", name))
                # the right one kept where a value is positive (or negative) and 0 elsewhere:
                # a mask that does not belong there (a ReLU's habit on a carry)
                # (by its own sign it is a clip: said as one below)
                for sign, kept in (() if _close(q, target) else
                                   (("positive", q > 0), ("negative", q < 0))):
                    masked = np.where(kept, target, 0.0)
                    if np.any(kept) and not _close(masked, target) and _close(value, masked):
                        out.append(("masked", name, sign))
    # of masks that give the same numbers (prev_h > 0 is next_c > 0 of the step before), the
    # one by the value this variable is about
    named = re.findall(r"[A-Za-z_]\w*", str(meaning))
    own_masks = [r for r in out if r[0] == "masked" and r[1] in named]
    if own_masks:
        out = [r for r in out if r[0] != "masked" or r in own_masks]
    if np.shape(value) == np.shape(target) and np.size(value) > 1 and \
            not _close(value, target):
        # the right entries in other places (a repeat where a tile belongs)
        if _close(np.sort(value, axis=None), np.sort(target, axis=None)):
            out.append(("moved",))
        # the right one clipped to the range of yours (a bound said where it cuts)
        lo, hi = float(np.min(value)), float(np.max(value))
        if lo < hi and _close(value, np.clip(target, lo, hi)):
            out.append(("clipped", round(lo, 6) if np.min(target) < lo else None,
                        round(hi, 6) if np.max(target) > hi else None))
    return list(dict.fromkeys(out))


def _all_right(outputs, truth: dict) -> bool:
    return isinstance(outputs, dict) and all(
        name in outputs and _close(outputs[name], truth[name], 1e-6) for name in truth)


def _slip_in(notes, outputs, case: Case, truth: dict, again: Callable,
             deadline: float | None = None) -> tuple | None:
    """(the Status of the variable that holds the slip, what it should hold (a meaning),
    the right values put in its place ({j: value}), Right, the outputs that are its last
    value (see _kept_last)) on one case whose `outputs` are wrong: the first wrong variable
    whose right value, put in its place where it is last set (or at every step of a loop),
    makes every output right; None when there is none, or when `deadline` passes first."""
    if not notes or _all_right(outputs, truth):
        return None
    right = right_values(case, truth)
    if right is None:
        return None
    # (an input's gradient is never tried: see _an_answer)
    tried = 0
    sts = statuses(notes, right)
    start = _carry_start(sts, again, truth, deadline)
    if start is not None:
        return start + (right, (), ())
    for s in sts:                         # in the code's order: the first slip is the one
        tries = [] if s.right else _step_fixes(s, right) + [
            (meaning, {s.j: target}) for meaning, target in _candidates(s, right)]
        for meaning, values in tries[:PER_VARIABLE]:
            if tried == MAX_TRIED or (deadline is not None and time.monotonic() > deadline):
                return None
            tried += 1
            try:
                notes_after, fixed = again((s.call, s.name, {j: np.array(v, dtype=np.float64)
                                                             for j, v in values.items()}))
            except Exception:          # a call that fails proves nothing
                continue
            all_right = _all_right(fixed, truth)
            kept = () if all_right else _kept_last(s, values, notes_after, fixed, truth)
            if all_right or kept:
                return (s, meaning, values, right, kept,
                        _before(s, sts, statuses(notes_after, right)))
    return None


# what a loop's carry holds before the loop's first step: nothing has come back yet
START = ("start", "zeros", False)


def _carry_start(sts: list[Status], again: Callable, truth: dict,
                 deadline: float | None = None) -> tuple | None:
    """(the Status of a loop's carry at its first set, START, {j: zeros}) when the carry is
    set before the loop to something other than zeros (`carry = h0.copy()`) and, started at
    zeros, every output comes out right; else None. A carry's later values are wrong too
    (they come from its start), so the first variable the loop sets would be blamed
    otherwise."""
    for s in sts:
        if len(s.sets) < 2:
            continue
        j0, first, line0 = s.sets[0]
        if line0 in {line for _j, _v, line in s.sets[1:]} or \
                np.asarray(first).dtype.kind != "f" or not np.any(first):
            continue
        zeros = {j0: np.zeros(np.shape(first))}
        if deadline is not None and time.monotonic() > deadline:
            return None
        try:
            _notes, fixed = again((s.call, s.name, zeros))
        except Exception:          # a call that fails proves nothing
            continue
        if _all_right(fixed, truth):
            return replace(s, line=line0, j=j0, value=first, right=False), START, zeros
    return None


def _fixed_there(one: tuple, fn: str, name: str, meaning: tuple) -> bool:
    """Whether, on the case `one` (as in locate's `watched`), the right value of `meaning`
    put in place of `name` where it is last set makes every output right (a loop's variable
    is not tried: False)."""
    notes, _outputs, case, truth, again = one
    right = right_values(case, truth)
    if right is None or isinstance(meaning[2], str):
        return False
    mine = [s for s in statuses(notes, right) if (s.fn, s.name) == (fn, name)]
    if len(mine) != 1 or len(mine[0].sets) != len({line for _j, _v, line in mine[0].sets}):
        return False
    s = mine[0]
    pool = [v for m, v in right.meanings + right.inputs if m == meaning]
    same = [v for v in pool if np.shape(v) == np.shape(s.value)]
    if not same or _an_answer(meaning, right):
        return False
    target = min(same, key=lambda v: _distance(s.value, v))
    try:
        _notes, fixed = again((s.call, s.name, {s.j: np.array(target, dtype=np.float64)}))
    except Exception:          # a call that fails proves nothing
        return False
    return _all_right(fixed, truth)


def _before(found: Status, sts: list[Status], after: list[Status]) -> tuple:
    """(name, line) of the variables of the same call set before `found` whose values are
    none of the right ones, and the same once `found` was put right (so they do not come
    from it, as a loop's sums that follow its carry do), at most the last two: the slip may
    be there, not in `found`."""
    same = {(a.call, a.name) for a in after
            if any((b.call, b.name) == (a.call, a.name) and len(a.sets) == len(b.sets) and
                   all(np.array_equal(x, y) for (_j, x, _l), (_k, y, _m) in zip(a.sets, b.sets))
                   for b in sts)}
    earlier = []
    for s in sts:
        if s is found:
            break
        if s.call == found.call and not s.right and (s.call, s.name) in same:
            earlier.append((s.name, s.line))
    return tuple(earlier[-2:])


def _kept_last(s: Status, values: dict, notes_after, fixed, truth: dict) -> tuple:
    """The outputs still wrong after a loop's variable was put right at every step but its
    last value (an input's gradient, not handed over), when each of them is that last value
    as the code left it; else ()."""
    last = max(j for j, _v, _line in s.sets)
    if last in values or not isinstance(fixed, dict):
        return ()
    final = [v for call, _fn, _line, name, kind, v in notes_after
             if (call, name) == (s.call, s.name) and kind == "set"]
    wrong = [o for o in truth if o in fixed and not _close(fixed[o], truth[o], 1e-6)]
    if not final or not wrong or len(wrong) == len(truth):
        return ()
    if all(np.shape(fixed[o]) == np.shape(final[-1]) and _close(fixed[o], final[-1], 1e-12)
           for o in wrong):
        return tuple(wrong)
    return ()


def _step_fixes(s: Status, right: Right) -> list[tuple]:
    """For a variable a loop sets once per step (as many times as the forward has steps,
    or one or two more: a carry set before the loop, or whose last value is an input's
    gradient, left as they are): the right values of one meaning's steps in its place, the
    steps taken backwards (a backward pass's loop) or forwards; for a name that says
    nothing, every meaning with that many values of its shape, the nearest first."""
    if sum(line == s.line for _j, _v, line in s.sets) < 2:
        return []
    if s.meaning is not None:
        if _an_answer(s.meaning, right):
            return []
        meanings = [s.meaning]
    else:
        kinds = _kinds(s.name)
        meanings = list(dict.fromkeys(m for m, _v in right.meanings if m[0] in kinds))
    # the values the line that sets it last gave it (a loop may set it on two lines)
    js = [j for j, _v, line in s.sets if line == s.line]
    mine = {j: v for j, v, _line in s.sets}
    pooled = [(meaning, _pool(right, meaning)) for meaning in meanings]
    if s.meaning is None:
        pooled += _slices(right, kinds, np.shape(s.value), len(js))
    scored, pools = [], []
    for meaning, pool in pooled:
        if any(len(p) == len(pool) and all(np.array_equal(a, b) for a, b in zip(p, pool))
               for p in pools):
            continue         # the same values as a meaning before (a sum's gradient)
        pools.append(pool)
        if not (1 < len(pool) <= len(js) <= len(pool) + 2
                and all(np.shape(p) == np.shape(s.value) for p in pool)):
            continue
        for k in range(len(js) - len(pool) + 1):
            for order in (pool[::-1], pool):
                values = dict(zip(js[k:], order))
                score = float(np.mean([_distance(mine[j], v) for j, v in values.items()]))
                # a hinted meaning first, then a gradient before a value, then the nearest
                scored.append((not _hinted(s.name, meaning, right),
                               meaning[0] not in ("grad", "sent"),
                               score, len(scored), meaning, values))
    return [(meaning, values) for *_key, meaning, values in sorted(scored)]


def _slices(right: Right, kinds: tuple, shape: tuple, steps: int) -> list[tuple]:
    """(meaning, its slices) for a loop over an axis of a right value that the forward
    computes at once (a loop over the units, each step one column of `pre`): the slices of
    every value of `kinds` along each axis as long as the loop (or one or two shorter) whose
    slices have `shape`; the meaning's third part says the slice ("[:, j]")."""
    out = []
    for (what, target, named), v in right.meanings:
        v = np.asarray(v)
        if what not in kinds or not named or v.ndim < 2:
            continue
        for axis in range(v.ndim):
            if not 1 < v.shape[axis] <= steps <= v.shape[axis] + 2 or \
                    v.shape[:axis] + v.shape[axis + 1:] != tuple(shape):
                continue
            cut = ", ".join("j" if k == axis else ":" for k in range(axis + 1))
            out.append(((what, target, f"[{cut}]"),
                        [np.take(v, i, axis=axis) for i in range(v.shape[axis])]))
    return out


def _words(text: str) -> set:
    return {w for w in re.findall(r"[a-z]+", text.lower()) if len(w) > 1}


# names students give a pre-activation (the value a nonlinearity is applied to)
# (not `z`: the notebooks' own forwards name the logistic's output z, as students do)
PRE_NAMES = frozenset({"a", "pre", "preact", "pre_act", "logit"})


def _hinted(name: str, meaning: tuple, right: Right | None = None) -> bool:
    """Whether a word of the variable's name (`prev` in `dprev`, the d of a gradient left
    aside) is a word of what the meaning says (`prev_h`); or the name is one students give
    a pre-activation (`a`, `pre`, `da` for its gradient) and the meaning is about a
    value a nonlinearity is applied to."""
    m = _GRAD.match(name)
    stem = (m.group(1) or m.group(2)) if m else name
    if right is not None and stem in PRE_NAMES and meaning[1] in right.fed:
        return True
    return bool(_words(stem.replace("_", " ")) & _words(meaning[1].replace("_", " ")))


def locate(watched: Sequence[tuple], deadline: float | None = None) -> Located | None:
    """The variable that holds the slip, the same on every case: `watched` holds, per case,
    (the notes of the student's function called on it (watch.watched_call), its outputs,
    its circuit, the check's truth, again(fix) -> the student's outputs with one value
    fixed); None unless two cases at least agree (or when `deadline`, a time.monotonic(),
    passes first)."""
    found, relations, worst, bounds = None, set(), 0.0, []
    slips = [_slip_in(*w, deadline) for w in watched]
    agreed = [(s.fn, s.name, m) for s, m, *_rest in filter(None, slips)]
    for k, slip in enumerate(slips):
        # a case where every variable holds some right value (yours may hold the value of
        # another step by chance: `X @ W.T` where `pre` belongs, with a bias of 0) agrees
        # when the variable the others name, put right there, makes every output right
        if slip is None and len(agreed) >= 2 and len(set(agreed)) == 1 and \
                not _fixed_there(watched[k], *agreed[0]):
            return None
        if slip is None and len(agreed) < 2:
            return None
    for slip in filter(None, slips):
        s, meaning, values, right, kept, earlier = slip
        mine = {j: v for j, v, _line in s.sets}
        # (relative to the largest entry of every step's right value: a step's may be 0)
        scale = max([float(np.max(np.abs(t), initial=0.0)) for t in values.values()] + [1e-12])
        for j, target in values.items():
            worst = max(worst, float(np.max(np.abs(mine[j] - target))) / scale)
        # the relation at the first value the code got wrong: in a loop, the step whose own
        # inputs were still right (a later step's error carries the earlier ones)
        first = min((j for j, t in values.items() if not _close(mine[j], t)),
                    default=max(values))
        rel = set(_relations(mine[first], values[first], right, meaning))
        # clipped, on each case to the bounds it reaches: the same bounds wherever reached
        bounds += [r[1:] for r in rel if r[0] == "clipped"]
        rel = {("clipped",) if r[0] == "clipped" else r for r in rel}
        if found is None:
            found = Located(s.fn, s.name, s.line, meaning, None, worst, len(values) > 1,
                            kept, earlier)
            relations = rel
        elif (found.fn, found.name, found.meaning) != (s.fn, s.name, meaning):
            return None
        else:
            relations &= rel
            found.kept = tuple(dict.fromkeys(found.kept + kept))
            found.earlier = tuple(dict.fromkeys(found.earlier + earlier))[-2:]
    if found is None or len(slips) < 2:
        return None
    found.worst = worst
    if ("clipped",) in relations:
        relations.discard(("clipped",))
        lows = {lo for lo, _hi in bounds if lo is not None}
        highs = {hi for _lo, hi in bounds if hi is not None}
        if len(lows) <= 1 and len(highs) <= 1 and (lows or highs):
            relations.add(("clipped", min(lows, default=None), min(highs, default=None)))
    if relations:
        order = ("zero", "scale", "holds", "before", "times", "over", "masked", "plus",
                 "minus", "parts", "moved", "clipped")
        # (a term that is a part of the upstream gradient is said as such first)
        found.relation = sorted(relations, key=lambda r: (
            order.index(r[0]), "upstream" not in str(r), str(r)))[0]
        if found.relation[0] == "masked":      # and the values whose signs are the same
            found.relation += (tuple(sorted(r[1] for r in relations if r[0] == "masked"
                                            and r != found.relation)),)
    return found
