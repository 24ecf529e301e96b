"""The similarity check on a generated class: do planted copies rank on top, and how fast?

    python bench/similarity_benchmark.py [--students 300] [--seed 1] [--keep DIR] [--json FILE]

Writes `submitted/<student>/rnn/rnn.ipynb` for N students of the rnn assignment (six graded
functions), each notebook the released one with its solution cells filled in:

- honest students write their own code: for each function one of two or three distinct
  correct implementations (a loop or a comprehension, einsum or matrix products, a stack of
  per-step gradients or in-place accumulation, ...), written in a personal style drawn at
  random (`a @ b`, `np.dot(a, b)` or `a.dot(b)`; `x ** 2`, `x * x` or `np.square(x)`;
  `s.sum(axis=0)` or `np.sum(s, axis=0)`; `+=` or `a = a + b`; tuple unpacking or indexing
  of the cache; ...), with their own variable names, comments, docstring kept or not,
  independent lines in their own order, and about one in ten leaving a function unsolved;
- planted copies take another student's code and disguise it: renamed variables (P1), also
  reordered independent lines (P2), also changed comments (P3), changed comments and order
  with the docstring deleted (P4), and a partial copy (P5: the four long functions copied,
  renamed and reordered; the two one-liners, spectral_radius and clip_grad_value, written by
  the copier). A copier leaves unsolved what the source left unsolved.

Then `similarity.analyse` ranks every pair, timed; the script prints where each planted pair
ranked and the time, and with --json writes them.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from backprop_lab.reports import similarity  # noqa: E402

ASSIGNMENT = "rnn"
STUB = "# YOUR CODE HERE\n    raise NotImplementedError()"

NAMES = {   # role -> names students give it
    "da": ["da", "dz", "dtanh_in", "d_pre", "grad_a", "delta", "dpre"],
    "dtanh": ["dtanh", "tanh_grad", "local", "deriv", "dact"],
    "dx": ["dx", "grad_x", "d_x", "dX"], "dprev": ["dprev_h", "dh_prev", "grad_h", "dhp"],
    "dWx": ["dWx", "grad_Wx", "dW_x", "dwx"], "dWh": ["dWh", "grad_Wh", "dW_h", "dwh"],
    "db": ["db", "grad_b", "d_b", "dbias"], "x": ["x", "xt", "inp"],
    "prev": ["prev_h", "h_prev", "hp"], "Wx": ["Wx", "W_x", "wx"], "Wh": ["Wh", "W_h", "wh"],
    "nh": ["next_h", "h_next", "hn", "h"], "t": ["t", "step", "i"],
    "carry": ["carry", "dh_next", "upstream", "back"], "delta": ["delta", "g", "dpre", "local"],
    "hprev": ["h_prev", "prev", "hp", "before"], "dWhh": ["dWhh", "grad_W", "dW"],
    "mask": ["mask", "active", "on", "positive"], "deltas": ["deltas", "ds", "grads_t"],
    "eigs": ["eigs", "vals", "lam", "ev"], "mags": ["mags", "absvals", "moduli"],
    "total": ["total_norm", "norm", "total", "gnorm"], "scale": ["scale", "factor", "ratio"],
    "out": ["clipped", "out", "result", "res"], "k": ["name", "k", "key"],
    "g": ["g", "v", "grad", "arr"], "flat": ["flat", "allg", "vec"], "acc": ["sq", "s", "acc"],
    "lists": ["dxs", "xs_grad", "per_step"], "step": ["step_cache", "c", "cache_t"],
    "dxt": ["dx_t", "dxi", "dx_step"], "dWxt": ["dWx_t", "gwx", "dWx_step"],
    "dWht": ["dWh_t", "gwh", "dWh_step"], "dbt": ["db_t", "gb", "db_step"],
}
COMMENTS = ["# backprop through tanh", "# gradients of the weights", "# chain rule",
            "# sum over the batch", "# go backwards in time", "# accumulate", "# TODO check",
            "# shapes: (N, H)", "# local gradient", "# this was tricky", "# reuse cache",
            "# see lecture 5", "# upstream * local", "# note: not in place"]


class Style:
    """A student's way of writing: `knobs` decide the code's structure (the student's own
    choices); `names`, `comments` and `order` only its disguise."""

    def __init__(self, knobs: random.Random, quirks: random.Random, names: random.Random,
                 comments: random.Random, order: random.Random, docstring: bool):
        self.rnames, self.rcomments, self.order = names, comments, order

        def pick(options: list[str]) -> str:
            # the student's habit, but in about one function in three they write it otherwise
            habit = knobs.choice(options)
            return quirks.choice(options) if quirks.random() < 0.3 else habit

        self.mm_style = pick(["@", "dot", "method"])
        self.sum_style = pick(["method", "np", "np0"])
        self.sq_style = pick(["**", "*", "square"])
        self.zeros_style = pick(["like", "shape"])
        self.acc_style = pick(["+=", "=+"])
        self.rev_style = pick(["reversed", "range"])
        self.unpack = pick(["tuple", "index"])
        self.one = pick(["1", "1.0"])
        self.t_style = pick(["T", "T", "transpose", "np.transpose"])
        self.slice_style = pick(["[:, t, :]", "[:, t]"])
        self.mask_style = pick(["bool", "astype", "where"])
        self.paren_return = pick(["no", "no", "yes"]) == "yes"
        self.asserts = pick(["no", "no", "no", "yes"]) == "yes"
        self.comment_rate = comments.choice([0.0, 0.1, 0.3])
        self.docstring = docstring
        self.chosen: dict[str, str] = {}

    def T(self, a: str) -> str:
        return {"T": f"{a}.T", "transpose": f"{a}.transpose()",
                "np.transpose": f"np.transpose({a})"}[self.t_style]

    def at(self, array: str, t: str) -> str:
        return f"{array}[:, {t}, :]" if self.slice_style == "[:, t, :]" else f"{array}[:, {t}]"

    def positive(self, a: str) -> str:
        return {"bool": f"({a} > 0)", "astype": f"({a} > 0).astype(float)",
                "where": f"np.where({a} > 0, 1.0, 0.0)"}[self.mask_style]

    def ret(self, *names: str) -> str:
        joined = ", ".join(names)
        return f"return ({joined})" if self.paren_return and len(names) > 1 else \
            f"return {joined}"

    def check(self, a: str, b: str) -> list[str]:
        return [f"assert {a}.shape == {b}.shape"] if self.asserts else []

    def n(self, role: str) -> str:
        if role not in self.chosen:
            self.chosen[role] = self.rnames.choice(NAMES[role])
        return self.chosen[role]

    def mm(self, a: str, b: str) -> str:
        return {"@": f"{a} @ {b}", "dot": f"np.dot({a}, {b})",
                "method": f"{a}.dot({b})"}[self.mm_style]

    def sum0(self, a: str) -> str:
        return {"method": f"{a}.sum(axis=0)", "np": f"np.sum({a}, axis=0)",
                "np0": f"np.sum({a}, 0)"}[self.sum_style]

    def sq(self, a: str) -> str:
        return {"**": f"{a} ** 2", "*": f"{a} * {a}", "square": f"np.square({a})"}[self.sq_style]

    def zeros(self, a: str) -> str:
        return f"np.zeros_like({a})" if self.zeros_style == "like" else f"np.zeros({a}.shape)"

    def acc(self, a: str, b: str) -> str:
        return f"{a} += {b}" if self.acc_style == "+=" else f"{a} = {a} + {b}"

    def rev(self, T: str) -> str:
        return f"reversed(range({T}))" if self.rev_style == "reversed" else \
            f"range({T} - 1, -1, -1)"

    def unpack_cache(self, roles: list[str], cache: str = "cache") -> list[str]:
        names = [self.n(r) if r else "_" for r in roles]
        if self.unpack == "tuple":
            return [", ".join(names) + f" = {cache}"]
        return [f"{name} = {cache}[{i}]" for i, name in enumerate(names) if name != "_"]

    def body(self, lines: list) -> str:
        """Lines (a nested list is a group of independent lines, in the student's order),
        with comments sprinkled in, indented as a function body."""
        flat = []
        for item in lines:
            if isinstance(item, list):
                group = list(item)
                self.order.shuffle(group)
                flat.extend(group)
            else:
                flat.append(item)
        out = []
        for line in flat:
            indent = line[:len(line) - len(line.lstrip())]
            if self.rcomments.random() < self.comment_rate:
                out.append(indent + self.rcomments.choice(COMMENTS))
            out.append(line)
        return "\n".join("    " + line for line in out)


# ---- implementations: each returns the body lines of one function ---------------------------

def step_a(s: Style) -> list:
    n = s.n
    tanh = f"({s.one} - {s.sq(n('nh'))})"
    return [*s.unpack_cache(["x", "prev", "Wx", "Wh", "nh"]),
            f"{n('da')} = dnext_h * {tanh}",
            [f"{n('dx')} = {s.mm(n('da'), s.T(n('Wx')))}",
             f"{n('dprev')} = {s.mm(n('da'), s.T(n('Wh')))}",
             f"{n('dWx')} = {s.mm(s.T(n('x')), n('da'))}",
             f"{n('dWh')} = {s.mm(s.T(n('prev')), n('da'))}",
             f"{n('db')} = {s.sum0(n('da'))}"],
            *s.check(n('dx'), n('x')),
            s.ret(n('dx'), n('dprev'), n('dWx'), n('dWh'), n('db'))]


def step_b(s: Style) -> list:
    n = s.n
    return [*s.unpack_cache(["x", "prev", "Wx", "Wh", "nh"]),
            f"{n('dtanh')} = {s.one} - {s.sq(n('nh'))}",
            f"{n('da')} = {n('dtanh')} * dnext_h",
            f"return ({s.mm(n('da'), s.T(n('Wx')))}, {s.mm(n('da'), s.T(n('Wh')))},",
            f"        {s.mm(s.T(n('x')), n('da'))}, {s.mm(s.T(n('prev')), n('da'))}, "
            f"{s.sum0(n('da'))})"]


def step_c(s: Style) -> list:
    n = s.n
    return [*s.unpack_cache(["x", "prev", "Wx", "Wh", "nh"]),
            f"{n('da')} = dnext_h * ({s.one} - {s.sq(n('nh'))})",
            [f"{n('dWx')} = np.einsum('nd,nh->dh', {n('x')}, {n('da')})",
             f"{n('dWh')} = np.einsum('nk,nh->kh', {n('prev')}, {n('da')})",
             f"{n('db')} = np.einsum('nh->h', {n('da')})",
             f"{n('dx')} = np.einsum('nh,dh->nd', {n('da')}, {n('Wx')})",
             f"{n('dprev')} = np.einsum('nh,kh->nk', {n('da')}, {n('Wh')})"],
            *s.check(n('dWh'), n('Wh')),
            s.ret(n('dx'), n('dprev'), n('dWx'), n('dWh'), n('db'))]


def bptt_a(s: Style) -> list:
    n = s.n
    t = n("t")
    return ["N, T, H = dh.shape",
            f"{n('x')}0, _, {n('Wx')}, {n('Wh')}, _ = cache[0]",
            [f"{n('dx')} = np.zeros((N, T, {n('x')}0.shape[1]))",
             f"{n('dWx')} = {s.zeros(n('Wx'))}", f"{n('dWh')} = {s.zeros(n('Wh'))}",
             f"{n('db')} = np.zeros(H)", f"{n('dprev')} = np.zeros((N, H))"],
            f"for {t} in {s.rev('T')}:",
            f"    {n('dxt')}, {n('dprev')}, {n('dWxt')}, {n('dWht')}, {n('dbt')} = "
            f"rnn_step_backward({s.at('dh', t)} + {n('dprev')}, cache[{t}])",
            [f"    {s.at(n('dx'), t)} = {n('dxt')}",
             f"    {s.acc(n('dWx'), n('dWxt'))}", f"    {s.acc(n('dWh'), n('dWht'))}",
             f"    {s.acc(n('db'), n('dbt'))}"],
            f"return {n('dx')}, {n('dprev')}, {n('dWx')}, {n('dWh')}, {n('db')}"]


def bptt_b(s: Style) -> list:
    n = s.n
    t = n("t")
    return ["N, T, H = dh.shape",
            [f"{n('lists')} = []", f"{n('dWx')} = 0", f"{n('dWh')} = 0", f"{n('db')} = 0",
             f"{n('dprev')} = np.zeros((N, H))"],
            f"for {t} in {s.rev('T')}:",
            f"    {n('step')} = rnn_step_backward({n('dprev')} + {s.at('dh', t)}, cache[{t}])",
            f"    {n('lists')}.append({n('step')}[0])",
            f"    {n('dprev')} = {n('step')}[1]",
            [f"    {s.acc(n('dWx'), n('step') + '[2]')}",
             f"    {s.acc(n('dWh'), n('step') + '[3]')}",
             f"    {s.acc(n('db'), n('step') + '[4]')}"],
            f"{n('dx')} = np.stack({n('lists')}[::-1], axis=1)",
            f"return {n('dx')}, {n('dprev')}, {n('dWx')}, {n('dWh')}, {n('db')}"]


def bptt_c(s: Style) -> list:
    n = s.n
    t = n("t")
    return ["N, T, H = dh.shape", "D = cache[0][0].shape[1]",
            [f"{n('dx')} = np.zeros((N, T, D))", f"{n('dWx')} = np.zeros((D, H))",
             f"{n('dWh')} = np.zeros((H, H))", f"{n('db')} = np.zeros(H)"],
            f"{n('carry')} = np.zeros((N, H))",
            f"for {t} in {s.rev('T')}:",
            f"    {n('dxt')}, {n('carry')}, {n('dWxt')}, {n('dWht')}, {n('dbt')} = "
            f"rnn_step_backward({n('carry')} + {s.at('dh', t)}, cache[{t}])",
            [f"    {s.at(n('dx'), t)} = {n('dxt')}",
             f"    {n('dWx')} = {n('dWx')} + {n('dWxt')}",
             f"    {n('dWh')} = {n('dWh')} + {n('dWht')}",
             f"    {n('db')} = {n('db')} + {n('dbt')}"],
            f"return {n('dx')}, {n('carry')}, {n('dWx')}, {n('dWh')}, {n('db')}"]


def relu_a(s: Style) -> list:
    n = s.n
    t = n("t")
    return [*s.unpack_cache(["Wh", "hprev", "nh"]), f"T, H = {n('nh')}.shape",
            [f"{n('dWhh')} = {s.zeros(n('Wh'))}", f"{n('carry')} = np.zeros(H)"],
            f"for {t} in {s.rev('T')}:",
            f"    {n('delta')} = (dhs[{t}] + {n('carry')}) * {s.positive(n('nh') + f'[{t}]')}",
            f"    {n('g')} = {n('nh')}[{t} - 1] if {t} > 0 else {n('hprev')}",
            f"    {s.acc(n('dWhh'), 'np.outer(' + n('delta') + ', ' + n('g') + ')')}",
            f"    {n('carry')} = {s.mm(s.T(n('Wh')), n('delta'))}",
            s.ret(n('dWhh'), n('carry'))]


def relu_b(s: Style) -> list:
    n = s.n
    t = n("t")
    return [*s.unpack_cache(["Wh", "hprev", "nh"]), f"T = {n('nh')}.shape[0]",
            f"{n('deltas')} = {s.zeros(n('nh'))}",
            f"{n('carry')} = np.zeros({n('nh')}.shape[1])",
            f"for {t} in {s.rev('T')}:",
            f"    {n('deltas')}[{t}] = (dhs[{t}] + {n('carry')}) * {s.positive(n('nh') + f'[{t}]')}",
            f"    {n('carry')} = {s.mm(s.T(n('Wh')), n('deltas') + f'[{t}]')}",
            f"{n('g')} = np.vstack([{n('hprev')}[None, :], {n('nh')}[:-1]])",
            f"{n('dWhh')} = {s.mm(s.T(n('deltas')), n('g'))}",
            *s.check(n('dWhh'), n('Wh')),
            s.ret(n('dWhh'), n('carry'))]


def relu_c(s: Style) -> list:
    n = s.n
    t = n("t")
    return [*s.unpack_cache(["Wh", "hprev", "nh"]),
            f"{n('mask')} = ({n('nh')} > 0).astype(float)",
            [f"{n('dWhh')} = np.zeros({n('Wh')}.shape)",
             f"{n('carry')} = np.zeros({n('nh')}.shape[1])"],
            f"for {t} in range(len({n('nh')}) - 1, -1, -1):",
            f"    {n('delta')} = {n('mask')}[{t}] * (dhs[{t}] + {n('carry')})",
            f"    if {t} == 0:",
            f"        {s.acc(n('dWhh'), 'np.outer(' + n('delta') + ', ' + n('hprev') + ')')}",
            "    else:",
            f"        {s.acc(n('dWhh'), 'np.outer(' + n('delta') + ', ' + n('nh') + f'[{t} - 1])')}",
            f"    {n('carry')} = {s.mm(n('delta'), n('Wh'))}",
            s.ret(n('dWhh'), n('carry'))]


def radius_a(s: Style) -> list:
    return ["return float(np.max(np.abs(np.linalg.eigvals(W))))"]


def radius_b(s: Style) -> list:
    n = s.n
    return [f"{n('eigs')} = np.linalg.eigvals(W)",
            f"return float(max(abs(e) for e in {n('eigs')}))"]


def radius_c(s: Style) -> list:
    n = s.n
    return [f"{n('eigs')} = np.linalg.eigvals(W)",
            f"{n('mags')} = np.sqrt({s.sq(n('eigs') + '.real')} + {s.sq(n('eigs') + '.imag')})",
            f"return float({n('mags')}.max())"]


def norm_a(s: Style) -> list:
    n = s.n
    g = n("g")
    return [f"{n('total')} = float(np.sqrt(sum(np.sum({s.sq(g)}) for {g} in grads.values())))",
            f"{n('scale')} = max_norm / {n('total')} if {n('total')} > max_norm else 1.0",
            f"{n('out')} = {{{n('k')}: {g} * {n('scale')} for {n('k')}, {g} in grads.items()}}",
            f"return {n('out')}, {n('total')}"]


def norm_b(s: Style) -> list:
    n = s.n
    g, k = n("g"), n("k")
    return [f"{n('acc')} = 0.0", f"for {g} in grads.values():",
            f"    {s.acc(n('acc'), f'np.sum({s.sq(g)})')}",
            f"{n('total')} = float(np.sqrt({n('acc')}))",
            f"if {n('total')} > max_norm:",
            f"    {n('out')} = {{{k}: {g} * (max_norm / {n('total')}) "
            f"for {k}, {g} in grads.items()}}",
            "else:", f"    {n('out')} = {{{k}: {g}.copy() for {k}, {g} in grads.items()}}",
            f"return {n('out')}, {n('total')}"]


def norm_c(s: Style) -> list:
    n = s.n
    g, k = n("g"), n("k")
    return [f"{n('flat')} = np.concatenate([{g}.ravel() for {g} in grads.values()])",
            f"{n('total')} = float(np.linalg.norm({n('flat')}))",
            f"{n('scale')} = min({s.one}, max_norm / {n('total')}) if {n('total')} > 0 else 1.0",
            f"{n('out')} = {{}}", f"for {k}, {g} in grads.items():",
            f"    {n('out')}[{k}] = {g} * {n('scale')}",
            f"return {n('out')}, {n('total')}"]


def value_a(s: Style) -> list:
    n = s.n
    return [f"return {{{n('k')}: np.clip({n('g')}, -clip_value, clip_value) "
            f"for {n('k')}, {n('g')} in grads.items()}}"]


def value_b(s: Style) -> list:
    n = s.n
    return [f"{n('out')} = {{}}", f"for {n('k')}, {n('g')} in grads.items():",
            f"    {n('out')}[{n('k')}] = np.clip({n('g')}, -clip_value, clip_value)",
            f"return {n('out')}"]


def value_c(s: Style) -> list:
    n = s.n
    return [f"{n('out')} = {{}}", f"for {n('k')} in grads:",
            f"    {n('out')}[{n('k')}] = np.minimum(np.maximum(grads[{n('k')}], -clip_value), "
            "clip_value)", f"return {n('out')}"]


IMPLEMENTATIONS = {
    "relu_rnn_backward": (relu_a, relu_b, relu_c),
    "spectral_radius": (radius_a, radius_b, radius_c),
    "rnn_step_backward": (step_a, step_b, step_c),
    "rnn_backward": (bptt_a, bptt_b, bptt_c),
    "clip_grad_norm": (norm_a, norm_b, norm_c),
    "clip_grad_value": (value_a, value_b, value_c),
}


PARTIAL_OWN = frozenset({"spectral_radius", "clip_grad_value"})


@dataclass(frozen=True)
class Student:
    """Seeds of a student's code: `knobs` is what they chose to write; the rest disguise."""

    knobs: int
    names: int
    comments: int
    order: int
    docstring: bool = True
    unsolved: frozenset = frozenset()
    own: frozenset = frozenset()          # functions written with `own_knobs` instead
    own_knobs: int = 0


def solution_cells(stubs: dict[str, str], st: Student) -> dict[str, str]:
    """grade_id -> the student's solution cell."""
    cells = {}
    for function, stub in stubs.items():
        if function in st.unsolved:
            cells[function] = stub
            continue
        seed = st.own_knobs if function in st.own else st.knobs
        knobs = random.Random(seed)
        pick = random.Random(f"{seed}-{function}-implementation")
        style = Style(knobs, random.Random(f"{seed}-{function}-quirks"),
                      random.Random(f"{st.names}-{function}"),
                      random.Random(f"{st.comments}-{function}"),
                      random.Random(f"{st.order}-{function}"), st.docstring)
        body = style.body(pick.choice(IMPLEMENTATIONS[function])(style))
        head, _, _ = stub.partition("    " + STUB)
        if not st.docstring:
            signature = head.split('"""')[0].rstrip()
            head = signature + "\n"
        cells[function] = head + body + "\n"
    return cells


def make_class(root: Path, students: int, seed: int) -> list[tuple[str, str, str]]:
    """Write the class under root/submitted; the planted pairs (copier, source, kind)."""
    released = json.loads((ROOT / "assignments" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
                          .read_text(encoding="utf-8"))
    stubs = {}
    for cell in released["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell["cell_type"] == "code" and meta.get("solution"):
            stubs[meta["grade_id"]] = "".join(cell["source"])
    rng = random.Random(seed)
    honest = {}
    for i in range(students):
        unsolved = frozenset(f for f in stubs if rng.random() < 0.1 / len(stubs) * 2)
        honest[f"s{i + 1:04d}"] = Student(rng.randrange(1 << 30), rng.randrange(1 << 30),
                                          rng.randrange(1 << 30), rng.randrange(1 << 30),
                                          rng.random() < 0.7, unsolved)
    ids = list(honest)
    sources = rng.sample(ids, 5)
    copiers = rng.sample([i for i in ids if i not in sources], 5)
    kinds = ["P1 renamed", "P2 renamed+reordered", "P3 renamed+reordered+comments",
             "P4 comments+reordered+no docstring", "P5 partial (4 of 6) renamed+reordered"]
    planted = []
    for kind, src, cop in zip(kinds, sources, copiers):
        s, c = honest[src], honest[cop]
        fresh = rng.randrange(1 << 30)
        if kind.startswith("P1"):
            copy = Student(s.knobs, fresh, s.comments, s.order, s.docstring, s.unsolved)
        elif kind.startswith("P2"):
            copy = Student(s.knobs, fresh, s.comments, fresh + 1, s.docstring, s.unsolved)
        elif kind.startswith("P3"):
            copy = Student(s.knobs, fresh, fresh + 2, fresh + 1, s.docstring, s.unsolved)
        elif kind.startswith("P4"):
            copy = Student(s.knobs, s.names, fresh + 2, fresh + 1, False, s.unsolved)
        else:
            copy = Student(s.knobs, fresh, s.comments, fresh + 1, s.docstring, s.unsolved,
                           own=PARTIAL_OWN, own_knobs=c.knobs)
        honest[cop] = copy
        planted.append((cop, src, kind))
    for student, st in honest.items():
        cells = solution_cells(stubs, st)
        nb = json.loads(json.dumps(released))
        for cell in nb["cells"]:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if cell["cell_type"] == "code" and meta.get("solution"):
                cell["source"] = cells[meta["grade_id"]]
        path = root / "submitted" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    return planted


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="write the class and report here")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("-k", type=int, default=similarity.K, help="tokens in a k-gram")
    parser.add_argument("--window", type=int, default=similarity.WINDOW)
    opts = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        root = opts.keep or Path(scratch)
        planted = make_class(root, opts.students, opts.seed)
        start = time.perf_counter()
        results, counts, problems = similarity.analyse([root / "submitted"], ROOT,
                                                       opts.k, opts.window)
        seconds = time.perf_counter() - start
        pairs = results[ASSIGNMENT]
        rank = {frozenset((p.a.student, p.b.student)): (i + 1, p.similarity)
                for i, p in enumerate(pairs)}
        if opts.keep:
            (root / "similarity.html").write_text(similarity.html_report(
                results, counts, opts.k, 20, problems, seconds),
                encoding="utf-8")
    print(f"{counts[ASSIGNMENT]} students ({counts[ASSIGNMENT] * (counts[ASSIGNMENT] - 1) // 2} "
          f"pairs) compared in {seconds:.2f} s")
    figures = {"students": counts[ASSIGNMENT], "seconds": round(seconds, 3), "planted": []}
    for copier, source, kind in planted:
        where, sim = rank.get(frozenset((copier, source)), (None, 0.0))
        print(f"  {kind:40s} {copier}-{source}: rank {where}, similarity {100 * sim:.0f}%")
        figures["planted"].append({"kind": kind, "rank": where, "similarity": round(sim, 3)})
    honest_top = next((p for p in pairs if frozenset((p.a.student, p.b.student)) not in
                       {frozenset((c, s)) for c, s, _ in planted}), None)
    if honest_top:
        print(f"  most similar honest pair: {honest_top.a.student}-{honest_top.b.student}, "
              f"similarity {100 * honest_top.similarity:.0f}%")
        figures["top_honest_similarity"] = round(honest_top.similarity, 3)
    ranks = [p["rank"] for p in figures["planted"]]
    figures["all_planted_on_top"] = sorted(r for r in ranks if r) == list(
        range(1, len(planted) + 1))
    print("all planted pairs on top: " + ("yes" if figures["all_planted_on_top"] else "NO"))
    if opts.json:
        opts.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0 if figures["all_planted_on_top"] else 1


if __name__ == "__main__":
    sys.exit(main())
