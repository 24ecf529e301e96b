"""The complex step, found in the source: what a graded backward pass may not compute with.

The complex step (Im f(x + ih) / h with h = 1e-30) is exact to the last digit and, over an
elementwise forward, costs one forward pass: neither the exactness probes nor the efficiency
tests can tell it from backprop. So the grader reads the code instead. `findings` reads the
student's cells of a submission (as the grading plan runs them: answer cells, helper cells,
later cells) with `ast`, in the grader, never in the student's process, and returns for
each graded backward pass the first place in the code it can reach that

- computes with complex numbers: a complex literal, `complex`, numpy's complex types and
  their dtype strings ('D', 'c16', 'complex128', 'dd->D', ...; `order='F'` is not one),
  `.imag`, `.real`, `conj`, `angle`, `np.emath`/`np.lib.scimath`, `np.fft`, `np.roots`,
  `np.linalg.eig`/`eigvals`, `cmath`, scipy beyond `scipy.special`, a power that is not a
  whole number (Python's `(-1) ** 0.5` is `1j`), or a class of its own numbers (`__mul__`,
  `__array_ufunc__`: dual numbers, the same trick without `1j`);
- or hides which names it uses, so that the reading above could not be trusted: `eval`,
  `exec`, `compile`, `__import__`, `globals()`, `vars()`, `locals()`, `getattr`/`setattr`/
  `delattr` with a name that is not written out, `operator.attrgetter`, dunder attributes
  (`__dict__`, `__builtins__`, `__getattribute__`, ...), modules that load or reach code
  by name (`importlib`, `sys`, `builtins`, `ctypes`, `pickle`, `ast`, ...) or that are not
  Python's own nor numpy (a module written at run time), a data type chosen by a computed
  value (`dtype=chr(68)`, `astype(t)` for a parameter `t`, a class attribute set so),
  arrays of Python objects (numpy then runs Python's `**`), arrays read from bytes
  (`np.load`: their type is inside the bytes).

What a function reaches: its own definitions (every cell that defines it), the student's
top-level names its code loads (functions, classes, constants, imports; their code in turn),
every top-level statement that changes shared state (assigns to an attribute or an item of a
name it does not own, calls a hiding function, or calls a function that does), since those
run before any test, and any code that loads a list, object or class the function reads (it
may fill it). An honest backward pass needs none of the above; a function the backward pass
does not reach (a numerical gradient checker, `spectral_radius` with its eigenvalues) may.

What this cannot see (the residual, stated in the README): a data type spelled at run time
and given where the scan does not look for one (a positional argument of a numpy function
not in DTYPE_ARGUMENTS); code run in another process (subprocess, os.system with
`python -c`: the isolation bounds it, it is not read); exact tricks written out by hand
without complex numbers or operator overloading (value and derivative carried as pairs).
In a student's kernel (nbgrader), `function_findings` reads only what inspect finds, and
the kernel is the student's.
"""
from __future__ import annotations

import ast
import importlib
import inspect
import re
from dataclasses import dataclass
from typing import Callable, Iterable

from ..text import strip_magics

# A shared helper, not an assignment (see core._choosing_frames).
SHARED_HELPER = True

COMPLEX, HIDDEN, OWN_NUMBERS, POWER = "complex", "hidden", "own numbers", "power"

# Names (variables, attributes, imported names) that give or take complex numbers.
COMPLEX_NAMES = frozenset({
    "complex", "csingle", "cdouble", "clongdouble", "clongfloat", "cfloat", "longcomplex",
    "singlecomplex", "complexfloating", "complex_", "imag", "real", "conj", "conjugate",
    "angle", "emath", "scimath", "fft", "fftpack", "roots", "polyroots", "eig", "eigvals",
    "poly1d", "polynomial", "sort_complex", "cmath", "typecodes", "sctypes", "sctypeDict",
    "typeDict", "mintypecode", "obj2sctype", "sctype2char", "ScalarType", "allTypes",
    "sctypeNA", "hilbert", "hankel1", "hankel2",
    "hankel1e", "hankel2e", "sph_harm", "sph_harm_y", "wofz", "rsf2csf",
    # scipy.special's functions written in Python whose results are complex for real inputs
    # (its ufuncs are told by their loops: see refused_object)
    "lambertw", "erf_zeros", "fresnel_zeros", "fresnelc_zeros", "fresnels_zeros", "h1vp",
    "h2vp", "pbdn_seq", "sph_harm_y_all", "kelvin", "modfresnelm", "modfresnelp",
})
# ... and every name that starts with "complex" (complex64, complex128, complex256, ...)
_COMPLEX_PREFIX = "complex"

# Built-in functions that look a name up by a string or run code the scan cannot read; numpy
# functions that read arrays whose data type is written inside bytes or a file (np.load of
# bytes made at run time), and those that make arrays of Python objects (numpy then runs
# Python's arithmetic, where (-1) ** 0.5 is 1j).
HIDING_NAMES = frozenset({
    "eval", "exec", "compile", "__import__", "globals", "vars", "locals", "breakpoint",
    "attrgetter", "methodcaller", "__builtins__", "__loader__", "__spec__",
    "load", "loads", "read_array", "open_memmap", "memmap", "fromregex", "ctypeslib",
    "frompyfunc",
})
_LOOKUPS = frozenset({"getattr", "setattr", "delattr", "hasattr"})
# Dunder names a plain program uses; any other (`__dict__`, `__globals__`, `__class__`'s
# `__subclasses__`, `__getattribute__`, ...) reaches objects by a route the scan cannot follow.
PLAIN_DUNDERS = frozenset({"__init__", "__name__", "__doc__", "__len__", "__repr__",
                           "__str__", "__class__", "__future__", "__main__"})
# Methods that make a class a number type of its own (operator overloading: dual numbers).
NUMBER_METHODS = frozenset({
    "__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__truediv__",
    "__rtruediv__", "__pow__", "__rpow__", "__neg__", "__matmul__", "__rmatmul__",
    "__array_ufunc__", "__array_function__", "__array__", "__array_wrap__",
    "__array_priority__", "__float__", "__complex__", "__gt__", "__lt__", "__ge__", "__le__",
})
# Modules that reach names or code by a string, or load code, in the same process; any module
# that is neither in Python's standard library nor numpy or scipy (a module written at run
# time, sympy, an autodiff library) is refused too. Modules that start other processes (os,
# subprocess) are not: the grader's isolation deals with those (see the README's residual).
BLOCKED_MODULES = frozenset({
    "importlib", "builtins", "sys", "types", "inspect", "ctypes", "pickle", "marshal", "runpy",
    "code", "codeop", "gc", "ast", "zipimport", "pkgutil", "imp", "shelve", "copyreg",
    "backprop_lab", "autograder",
})
THIRD_PARTY = frozenset({"numpy"})
# of scipy, only scipy.special (expit and the like); of it, these give complex numbers
SCIPY_ALLOWED = "scipy.special"
# submodules of those that compute with complex numbers
COMPLEX_MODULES = frozenset({"fft", "fftpack", "emath", "scimath", "polynomial", "signal"})

# Where numpy takes a data type: keywords, and positions (0-based) of the positional
# arguments by the called name; "rest" means every positional argument after the first,
# "all" every one.
DTYPE_KEYWORDS = frozenset({"dtype", "signature", "sig", "otypes", "formats", "typecode"})
DTYPE_ARGUMENTS: dict[str, object] = {
    "astype": "all", "view": "all", "dtype": "all", "result_type": "all",
    "promote_types": "all", "can_cast": "all", "issubdtype": "all", "find_common_type": "all",
    "zeros": (1,), "ones": (1,), "empty": (1,), "full": (2,), "zeros_like": (1,),
    "ones_like": (1,), "empty_like": (1,), "full_like": (2,), "array": (1,), "asarray": (1,),
    "asanyarray": (1,), "ascontiguousarray": (1,), "asfortranarray": (1,), "require": (1,),
    "eye": (3,), "identity": (1,), "arange": (3,), "linspace": (5,), "frombuffer": (1,),
    "fromiter": (1,), "fromstring": (1,), "fromfile": (1,), "ndarray": (1,), "loadtxt": (1,),
    "genfromtxt": (1,), "tri": (3,), "vectorize": (1,), "fromarrays": "rest",
    "fromrecords": "rest",
}
# Reductions: np.sum(a, axis, dtype) and a.sum(axis, dtype)
REDUCTIONS = frozenset({"sum", "prod", "mean", "cumsum", "cumprod", "nansum", "nanprod",
                        "nanmean", "var", "std", "nanvar", "nanstd", "nancumsum"})
# Order arguments (memory layout): 'F' there is Fortran order, not complex64.
ORDER_FUNCTIONS = frozenset({"ravel", "flatten", "copy", "reshape", "transpose", "nditer"})
_REAL_TYPE_NAMES = frozenset({"float", "int", "bool", "object", "float64", "float32",
                              "float16", "int64", "int32", "int8", "int16", "uint8",
                              "bool_", "double", "single", "longdouble", "intp", "dtype"})

# numpy's spellings of a complex data type (any byte order, any size, comma-joined fields)
_COMPLEX_DTYPE = re.compile(
    r"^\s*[<>=|]?\s*(?:[FDG]|Z[fdg]|c\d*|complex\w*|cfloat|cdouble|csingle|clongdouble|"
    r"clongfloat|longcomplex|singlecomplex)\s*$")


def is_complex_dtype_text(text: str) -> bool:
    """Whether numpy would read `text` (a data type string) as, or as holding, a complex
    type: 'D', 'c16', '<c8', 'complex128', 'f8,c16', '(2,)c16', ..."""
    if len(text) > 200:
        return False
    if "->" in text:   # a ufunc's loop signature: 'dd->D'
        return bool(re.search(r"[FDG]|Z[fdg]|c\d", text))
    text = re.sub(r"\(\s*[\d,\s]*\)", "", text)   # subarray shapes: (2,3)c16
    for part in re.split(r"[,\s]+", text.strip()):
        if part and _COMPLEX_DTYPE.match(part):
            return True
    return False


def _blocked(module: str) -> bool:
    """Whether importing `module` (a dotted name) is refused."""
    import sys
    stdlib = getattr(sys, "stdlib_module_names", frozenset())
    top = module.split(".")[0]
    if top == "scipy":
        return module != SCIPY_ALLOWED and not module.startswith(SCIPY_ALLOWED + ".")
    return top in BLOCKED_MODULES or top == "cmath" or not (
        top in THIRD_PARTY or top in stdlib or top == "__future__")


def complex_name(name: str) -> bool:
    return name in COMPLEX_NAMES or name.lower().startswith(_COMPLEX_PREFIX)


def _dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__") and len(name) > 4


@dataclass(frozen=True)
class Finding:
    kind: str      # COMPLEX, HIDDEN, OWN_NUMBERS or POWER
    what: str      # what was found, as the student wrote it (short)
    label: str     # the cell it is in (the plan's label: "your cell `relu_backward`")
    line: int      # its line in that cell


# ---------------------------------------------------------------- reading one piece of code

def _whole_number(node: ast.AST) -> bool:
    """An exponent that keeps a real base real: a literal whole number (2, -1, 3.0)."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        return _whole_number(node.operand)
    return isinstance(node, ast.Constant) and type(node.value) in (int, float) \
        and float(node.value).is_integer()


def _call_name(func: ast.AST) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


class _Scope:
    """The names a function (or the module) binds, and what it assigns to each (read when a
    data type given by a name needs it)."""

    def __init__(self, params: set[str], body: list[ast.stmt]):
        self.params, self._body, self._assigned = params, body, None

    @property
    def assigned(self) -> dict[str, list[ast.AST]]:
        if self._assigned is None:
            self._assigned = _assignments(self._body)
        return self._assigned


def _scope_of(body: list[ast.stmt], params: set[str]) -> _Scope:
    return _Scope(params, body)


def _assignments(body: list[ast.stmt]) -> dict[str, list[ast.AST]]:
    assigned: dict[str, list[ast.AST]] = {}
    for stmt in body:
        for node in _walk_scope(stmt):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    for name in _stored_names(target):
                        assigned.setdefault(name, []).append(
                            node.value if isinstance(target, ast.Name) else target)
            elif isinstance(node, (ast.AnnAssign, ast.AugAssign, ast.NamedExpr)):
                target = node.target
                if isinstance(target, ast.Name) and node.value is not None:
                    assigned.setdefault(target.id, []).append(
                        node.value if not isinstance(node, ast.AugAssign) else node)
            elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
                for name in _stored_names(node.target):
                    assigned.setdefault(name, []).append(node.iter)
            elif isinstance(node, (ast.With, ast.AsyncWith)):
                for item in node.items:
                    if item.optional_vars is not None:
                        for name in _stored_names(item.optional_vars):
                            assigned.setdefault(name, []).append(item.context_expr)
    return assigned


def _walk_scope(node: ast.AST):
    """ast.walk without entering nested functions, lambdas and classes."""
    todo = [node]
    while todo:
        current = todo.pop()
        yield current
        for child in ast.iter_child_nodes(current):
            if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda,
                                      ast.ClassDef)):
                todo.append(child)


def _stored_names(target: ast.AST) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [n for e in target.elts for n in _stored_names(e)]
    if isinstance(target, ast.Starred):
        return _stored_names(target.value)
    return []


def _params(args: ast.arguments) -> set[str]:
    names = [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs]
    names += [a.arg for a in (args.vararg, args.kwarg) if a is not None]
    return set(names)


class _Reader(ast.NodeVisitor):
    """Every finding in one included node (a definition or a statement), in source order."""

    def __init__(self, module: _Scope, attributes: dict[str, list[ast.AST]],
                 imported: dict[str, tuple[str, ...]] | None = None):
        self.found: list[tuple[int, str, str]] = []   # (line, kind, what)
        self.scopes = [module]
        self.attributes = attributes   # attribute name -> the values the student assigns it
        # name -> (module, attribute, ...) that an import binds it to (see `_imports`)
        self.imported = DEFAULT_IMPORTS if imported is None else imported
        self.docstrings: set[int] = set()

    def add(self, node: ast.AST, kind: str, what: str) -> None:
        self.found.append((getattr(node, "lineno", 0) or 0, kind, what))

    # scopes (for a data type given by a name)
    def _function(self, node) -> None:
        if node.body and isinstance(node.body[0], ast.Expr) and \
                isinstance(node.body[0].value, ast.Constant):
            self.docstrings.add(id(node.body[0].value))
        self.scopes.append(_scope_of(node.body, _params(node.args)))
        self.generic_visit(node)
        self.scopes.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = _function

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self.scopes.append(_Scope(_params(node.args), []))
        self.generic_visit(node)
        self.scopes.pop()

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for item in node.body:
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and \
                    item.name in NUMBER_METHODS:
                self.add(item, OWN_NUMBERS, f"`{item.name}`")
            elif isinstance(item, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id in NUMBER_METHODS for t in item.targets):
                self.add(item, OWN_NUMBERS, "a number method")
        if node.body and isinstance(node.body[0], ast.Expr) and \
                isinstance(node.body[0].value, ast.Constant):
            self.docstrings.add(id(node.body[0].value))
        self.generic_visit(node)

    def visit_Module(self, node: ast.Module) -> None:
        if node.body and isinstance(node.body[0], ast.Expr) and \
                isinstance(node.body[0].value, ast.Constant):
            self.docstrings.add(id(node.body[0].value))
        self.generic_visit(node)

    # names and values
    def visit_Constant(self, node: ast.Constant) -> None:
        value = node.value
        if isinstance(value, complex):
            self.add(node, COMPLEX, f"`{value!r}`")
        elif isinstance(value, (str, bytes)) and id(node) not in self.docstrings:
            text = value.decode("latin-1") if isinstance(value, bytes) else value
            if is_complex_dtype_text(text) or complex_name(text.strip()):
                self.add(node, COMPLEX, f"`{text[:30]!r}`")
            elif text.strip() in HIDING_NAMES or _dunder(text.strip()) and \
                    text.strip() not in PLAIN_DUNDERS:
                self.add(node, HIDDEN, f"`{text[:30]!r}`")

    def visit_Name(self, node: ast.Name) -> None:
        self._name(node, node.id)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        self._name(node, node.attr)
        path = _dotted(node)
        if path and path[0] in self.imported and not self._local(path[0]):
            self._alias(node, self.imported[path[0]] + path[1:])
        self.generic_visit(node)

    def _local(self, name: str) -> bool:
        """Whether `name` is a parameter or a variable of an enclosing function."""
        return any(name in scope.params or name in scope.assigned
                   for scope in self.scopes[1:])

    def _alias(self, node: ast.AST, path: tuple[str, ...]) -> None:
        """A name written out from a module that names, in the grader's own numpy, what the
        scan refuses under its public name, or a complex type (see `refused_object`)."""
        if refused_object(path):
            self.add(node, COMPLEX, f"`{'.'.join(path[-2:])}`")

    def _name(self, node: ast.AST, name: str) -> None:
        if complex_name(name):
            self.add(node, COMPLEX, f"`{name}`")
        elif name in HIDING_NAMES or (_dunder(name) and name not in PLAIN_DUNDERS):
            self.add(node, HIDDEN, f"`{name}`")
        elif name in _LOOKUPS and not getattr(node, "_literal_lookup", False):
            self.add(node, HIDDEN, f"`{name}` with a name that is not written out")
        elif name in ("pow", "ipow", "__ipow__") and not getattr(node, "_whole_pow", False):
            self.add(node, POWER, f"`{name}`")

    def visit_alias(self, node: ast.alias) -> None:
        if refused_object(tuple(node.name.split("."))):
            self.add(node, COMPLEX, f"`{node.name}`")
        parts = node.name.split(".")
        for part in parts + ([node.asname] if node.asname else []):
            if complex_name(part) or part in COMPLEX_MODULES:
                self.add(node, COMPLEX, f"`{part}`")
        if _blocked(node.name):
            self.add(node, HIDDEN, f"`import {node.name}`")

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        parts = (node.module or "").split(".")
        for part in parts:
            if complex_name(part) or part in COMPLEX_MODULES:
                self.add(node, COMPLEX, f"`{part}`")
        if node.level or _blocked(node.module or "") and not (
                node.module == "scipy" and all(a.name == "special" for a in node.names)):
            self.add(node, HIDDEN, f"`from {'.' * node.level}{node.module or ''} import`")
        for alias in node.names:
            if not node.level and node.module and \
                    refused_object((*node.module.split("."), alias.name)):
                self.add(node, COMPLEX, f"`{alias.name}`")
            if alias.name == "*":
                self.add(node, HIDDEN, "`import *`")
            elif complex_name(alias.name) or alias.name in COMPLEX_MODULES:
                self.add(node, COMPLEX, f"`{alias.name}`")
            elif alias.name in HIDING_NAMES or alias.name in _LOOKUPS or \
                    alias.name in ("pow", "ipow") or _dunder(alias.name):
                self.add(node, HIDDEN, f"`{alias.name}`")

    # powers: (-1) ** 0.5 is 1j in Python
    def visit_BinOp(self, node: ast.BinOp) -> None:
        if isinstance(node.op, ast.Pow) and not _whole_number(node.right):
            self.add(node, POWER, "`**`")
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        if isinstance(node.op, ast.Pow) and not _whole_number(node.value):
            self.add(node, POWER, "`**=`")
        self._dtype_target(node.target, node.value)
        self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self._dtype_target(target, node.value)
        self.generic_visit(node)

    def _dtype_target(self, target: ast.AST, value: ast.AST) -> None:
        if isinstance(target, ast.Attribute) and target.attr == "dtype":   # x.dtype = ...
            self._dtype_value(value)

    # calls: lookups by name, data types
    def visit_Call(self, node: ast.Call) -> None:
        name = _call_name(node.func)
        if name in _LOOKUPS and isinstance(node.func, ast.Name):
            if len(node.args) >= 2 and isinstance(node.args[1], ast.Constant) and \
                    isinstance(node.args[1].value, str) and not node.keywords:
                node.func._literal_lookup = True    # the name is read like an attribute
                self._name(node.args[1], node.args[1].value)
        if name in ("pow", "ipow") and len(node.args) == 2 and _whole_number(node.args[1]) \
                and not node.keywords:
            node.func._whole_pow = True
        if name == "type" and len(node.args) == 3:
            self.add(node, HIDDEN, "`type` with three arguments (a class made at run time)")
        order_call = name in ORDER_FUNCTIONS
        positions = DTYPE_ARGUMENTS.get(name or "", ())
        if name in REDUCTIONS:   # np.sum(a, axis, dtype) or a.sum(axis, dtype)
            module_call = isinstance(node.func, ast.Attribute) and \
                isinstance(node.func.value, ast.Name) and node.func.value.id in ("np", "numpy")
            positions = (2,) if module_call else (1,)
        for i, arg in enumerate(node.args):
            if order_call and isinstance(arg, ast.Constant) and arg.value == "F":
                arg._order = True
                continue
            if positions == "all" or (positions == "rest" and i >= 1) or \
                    (isinstance(positions, tuple) and i in positions):
                self._dtype_value(arg)
        for keyword in node.keywords:
            if keyword.arg == "order" and isinstance(keyword.value, ast.Constant):
                keyword.value._order = True
            elif keyword.arg in DTYPE_KEYWORDS:
                self._dtype_value(keyword.value)
            elif keyword.arg is None:
                pass   # **kwargs: their keys are plain strings (scanned as constants)
        self.generic_visit(node)

    def generic_visit(self, node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Constant) and getattr(child, "_order", False):
                continue
            self.visit(child)

    def _dtype_value(self, value: ast.AST) -> None:
        """A data type must be readable here: a literal, a name or attribute chain, np.dtype of
        those; a variable or an attribute the student's code assigns only such values (up to
        four steps); not a parameter (its value comes from elsewhere)."""
        why = self._dtype_problem(value, 0)
        if why:
            self.add(value, HIDDEN, why)

    def _dtype_problem(self, value: ast.AST, depth: int) -> str:
        computed = "a data type chosen by a computed value"
        if isinstance(value, ast.Constant) and isinstance(value.value, str) and \
                value.value.strip().lstrip("|<>=") in ("O", "object", "O8") or \
                isinstance(value, ast.Name) and value.id == "object" or \
                isinstance(value, ast.Attribute) and value.attr in ("object_", "object"):
            return "an array of Python objects (numpy then runs Python's arithmetic)"
        if depth > 4 or isinstance(value, ast.Constant):
            return ""
        if not _plain_dtype(value):
            return computed
        if isinstance(value, ast.Call):     # np.dtype(plain)
            return next((w for a in value.args if (w := self._dtype_problem(a, depth + 1))), "")
        if isinstance(value, ast.Attribute):   # K.dtype: what the student assigns to .dtype
            return next((w for v in self.attributes.get(value.attr, ())
                         if (w := self._dtype_problem(v, depth + 1))), "")
        name = value.id
        for scope in reversed(self.scopes):
            if name in scope.params:
                return "a data type passed in as an argument"
            if name in scope.assigned:
                for v in scope.assigned[name]:
                    if isinstance(v, ast.AugAssign):
                        return computed
                    why = self._dtype_problem(v, depth + 1)
                    if why:
                        return why
                return ""
        return ""   # a built-in (float, int) or a name of the given cells


def _attribute_values(trees: list[ast.Module]) -> dict[str, list[ast.AST]]:
    """What the student's code assigns to each attribute name: `obj.name = v`, and `name = v`
    in a class body (read as K.name)."""
    found: dict[str, list[ast.AST]] = {}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                for name, values in _scope_of(
                        [n for n in node.body if not isinstance(n, (ast.FunctionDef,
                                                                    ast.AsyncFunctionDef))],
                        set()).assigned.items():
                    found.setdefault(name, []).extend(values)
            for target in _targets(node):
                if isinstance(target, ast.Attribute):
                    value = node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) \
                        and node.value is not None else node
                    found.setdefault(target.attr, []).append(value)
    return found


def _plain_dtype(value: ast.AST) -> bool:
    if isinstance(value, ast.Constant):
        return True
    if isinstance(value, ast.Name):
        return True
    if isinstance(value, ast.Attribute):
        return _plain_dtype(value.value) and not isinstance(value.value, ast.Constant)
    if isinstance(value, ast.Call) and _call_name(value.func) == "dtype" and \
            not value.keywords and all(_plain_dtype(a) for a in value.args) and \
            isinstance(value.func, (ast.Name, ast.Attribute)) and _plain_dtype(value.func):
        return True
    return False


# ---------------------------------------------------------------- names of what is refused

# The names the student's cells may use for modules without importing them (the given cells
# import numpy as np).
DEFAULT_IMPORTS: dict[str, tuple[str, ...]] = {"np": ("numpy",), "numpy": ("numpy",)}
# What the scan refuses by name, as objects: numpy's complex functions and modules. The same
# object reached under another name (a private module of numpy's: `np.lib._scimath_impl` is
# what `np.emath` re-exports; `np.linalg._linalg.eig`) is refused too.
_REFUSED_PLACES = ("numpy", "numpy.linalg", "numpy.lib", "numpy.lib.scimath")
_REFUSED_MODULES = ("numpy.emath", "numpy.lib.scimath", "numpy.fft", "numpy.polynomial",
                    "cmath")


def _imports(trees: list[ast.Module]) -> dict[str, tuple[str, ...]]:
    """name -> the dotted path an import of the student's binds it to: `import a.b as x` ->
    x: (a, b); `import a.b` -> a: (a,); `from a.b import c as y` -> y: (a, b, c)."""
    found = dict(DEFAULT_IMPORTS)
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    parts = tuple(alias.name.split("."))
                    found[alias.asname or parts[0]] = parts if alias.asname else parts[:1]
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                for alias in node.names:
                    if alias.name != "*":
                        found[alias.asname or alias.name] = (*node.module.split("."),
                                                             alias.name)
    return found


def _dotted(node: ast.AST) -> tuple[str, ...] | None:
    """`np.lib.scimath` as ("np", "lib", "scimath"); None for anything but names and
    attributes."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return (node.id, *reversed(parts))


_MISSING = object()


def _resolve(path: tuple[str, ...]):
    """The object a dotted path names in the grader, or _MISSING. Nothing is imported here but
    scipy.special (the one module beyond numpy the scan allows; a student's path never
    makes the grader import, and so run, anything else), and no module's `__getattr__` runs
    (a module's attribute is read from its namespace)."""
    import sys
    import types
    import warnings
    for cut in range(len(path), 0, -1):
        name = ".".join(path[:cut])
        obj = sys.modules.get(name)
        if obj is None and name == SCIPY_ALLOWED:
            try:   # the one module beyond numpy the scan allows (numpy's are loaded)
                obj = importlib.import_module(name)
            except Exception:
                obj = None
        if obj is not None:
            break
    else:
        return _MISSING
    for name in path[cut:]:
        if isinstance(obj, types.ModuleType):
            obj = vars(obj).get(name, _MISSING)
        elif isinstance(obj, type):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    obj = getattr(obj, name)
                except Exception:
                    return _MISSING
        else:
            return _MISSING
        if obj is _MISSING:
            return _MISSING
    return obj


_refused_ids: set[int] = set()
_refused_keep: list = []   # keeps the refused objects alive, so that their ids stay theirs


def _refused() -> set[int]:
    """The ids of the objects the scan refuses by name (read once, from loaded modules)."""
    if not _refused_keep:
        import sys
        import types
        for place in _REFUSED_PLACES:
            module = sys.modules.get(place)
            for name in COMPLEX_NAMES if module is not None else ():
                obj = vars(module).get(name, _MISSING)
                if obj is not _MISSING and not isinstance(obj, (str, int, float)):
                    _refused_keep.append(obj)
        whole: list = []   # the functions of the modules refused as a whole
        for place in _REFUSED_MODULES:
            module = sys.modules.get(place)
            if not isinstance(module, types.ModuleType):
                continue
            _refused_keep.append(module)
            names = getattr(module, "__all__", None) or [n for n in vars(module)
                                                        if not n.startswith("_")]
            for name in names:
                obj = vars(module).get(name, _MISSING)
                if callable(obj) or isinstance(obj, types.ModuleType):
                    _refused_keep.append(obj)
                    whole.append(obj)
        # the modules that implement them (numpy.lib._scimath_impl behind np.emath): every
        # function of theirs, private helpers such as `_tocomplex` included
        public = {id(o) for o in whole}
        for name, module in list(sys.modules.items()):
            if not isinstance(module, types.ModuleType) or name in _REFUSED_PLACES:
                continue
            members = list(vars(module).values())
            if sum(id(o) in public and callable(o) for o in members) >= 3:
                _refused_keep.extend(o for o in members if callable(o) and   # its own
                                     getattr(o, "__module__", None) == name)
        _refused_keep.append(_MISSING)
        _refused_ids.update(id(o) for o in _refused_keep if o is not _MISSING)
    return _refused_ids


def refused_object(path: tuple[str, ...]) -> bool:
    """Whether the dotted path (a module's name first) names, in the grader, an object the
    scan refuses by name (`_refused`), or a complex type or data type (a dtype class such as
    np.dtypes.CLongDoubleDType, its `.type`), whatever the path's own words are."""
    obj = _resolve(path)
    if obj is _MISSING:
        return False
    if id(obj) in _refused():
        return True
    import sys
    np = sys.modules.get("numpy")
    try:
        if isinstance(obj, type):
            if issubclass(obj, complex) or np is not None and issubclass(obj, np.complexfloating):
                return True
            if np is not None and issubclass(obj, np.dtype):
                kind = getattr(obj, "type", None)
                return isinstance(kind, type) and issubclass(kind, np.complexfloating)
        if np is not None and isinstance(obj, np.dtype):
            return obj.kind == "c"
        if np is not None and isinstance(obj, np.ufunc):   # a loop from real to complex
            return any(not set(i) & set("FDG") and set(o) & set("FDG")
                       for i, _, o in (t.partition("->") for t in obj.types))
        return isinstance(obj, complex) or np is not None and isinstance(obj, np.complexfloating)
    except Exception:
        return False


# ---------------------------------------------------------------- what a function reaches

@dataclass
class _Unit:
    """One top-level statement of a student cell."""

    label: str
    node: ast.stmt
    binds: set[str]
    loads: set[str]
    shared: bool      # changes shared state or hides names: runs before every test


def _loads(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)
            and isinstance(n.ctx, ast.Load)}


def _binds(node: ast.stmt) -> set[str]:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        names = {node.name}
    elif isinstance(node, (ast.Import, ast.ImportFrom)):
        names = {(a.asname or a.name).split(".")[0] for a in node.names}
    else:
        names = {n.id for n in _walk_scope(node) if isinstance(n, ast.Name)
                 and isinstance(n.ctx, (ast.Store, ast.Del))}
        names |= {n.name for n in _walk_scope(node)
                  if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    # a function that declares `global X` binds X too
    for inner in ast.walk(node):
        if isinstance(inner, (ast.Global, ast.Nonlocal)):
            names |= set(inner.names)
    return names


_SHARED_CALLS = frozenset({"setattr", "delattr", "globals", "vars", "locals", "exec", "eval",
                           "compile", "__import__"})
_SHARED_DUNDERS = frozenset({"__dict__", "__builtins__", "__globals__", "__setattr__",
                             "__code__", "__defaults__", "__kwdefaults__", "__closure__"})


def _hiding_or_global(node: ast.AST) -> bool:
    for inner in ast.walk(node):
        if isinstance(inner, (ast.Global, ast.Nonlocal)):
            return True
        if isinstance(inner, ast.Call) and _call_name(inner.func) in _SHARED_CALLS:
            return True
        if isinstance(inner, ast.Name) and inner.id in _SHARED_DUNDERS or \
                isinstance(inner, ast.Attribute) and inner.attr in _SHARED_DUNDERS:
            return True
    return False


def _mutates(node: ast.AST) -> bool:
    """Whether running `node` (a statement, or the body of a function it defines when called)
    may change what other code sees: `global`, a hiding call (setattr, exec, ...), or an
    assignment to an attribute or item of a name the function does not own (np.maximum = f,
    HELPERS[0] = f; at the top level, of any name)."""
    if _hiding_or_global(node):
        return True
    if not any(isinstance(t, (ast.Attribute, ast.Subscript))
               for inner in ast.walk(node) for t in _targets(inner)):
        return False   # no store into an attribute or item anywhere: nothing shared changes
    for fn in ast.walk(node):
        if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        body = fn.body if isinstance(fn.body, list) else [ast.Expr(fn.body)]
        own = _params(fn.args) | set(_scope_of(body, set()).assigned)
        for inner in (n for stmt in body for n in _walk_scope(stmt)):
            for target in _targets(inner):
                base = _base_name(target)
                if base is not None and base not in own:
                    return True
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        for inner in _walk_scope(node):
            for target in _targets(inner):
                if isinstance(target, (ast.Attribute, ast.Subscript)):
                    return True
    return False


def _load_time(node: ast.stmt) -> list[ast.AST]:
    """What runs when a definition runs: decorators, defaults, bases (a class body runs too)."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return node.decorator_list + node.args.defaults + \
            [d for d in node.args.kw_defaults if d is not None]
    if isinstance(node, ast.ClassDef):
        return node.decorator_list + node.bases + [k.value for k in node.keywords] + \
            [n for n in node.body if not isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    return [node]


def _mark_shared(units: list[_Unit]) -> None:
    """A unit is shared (a root of every function's reading) when what it runs at load time
    changes shared state, or calls a student function that does (transitively)."""
    defs = [u for u in units if isinstance(u.node, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                    ast.ClassDef))]
    mutating = {n for u in defs if _mutates(u.node) for n in u.binds}
    grew = True
    while grew:
        grew = False
        for u in defs:
            if not u.binds <= mutating and u.loads & mutating:
                mutating |= u.binds
                grew = True
    for u in units:
        if isinstance(u.node, (ast.Import, ast.ImportFrom)):
            continue
        parts = _load_time(u.node)
        loads = {n.id for part in parts for n in ast.walk(part) if isinstance(n, ast.Name)}
        u.shared = bool(loads & mutating) or any(
            _hiding_or_global(p) for p in parts) or (
            u.node in parts and _mutates(u.node))


def _targets(node: ast.AST) -> list[ast.AST]:
    if isinstance(node, ast.Assign):
        out = []
        for t in node.targets:
            out += _flatten(t)
        return out
    if isinstance(node, (ast.AugAssign, ast.AnnAssign)):
        return _flatten(node.target)
    if isinstance(node, ast.Delete):
        return [t for target in node.targets for t in _flatten(target)]
    return []


def _flatten(target: ast.AST) -> list[ast.AST]:
    if isinstance(target, (ast.Tuple, ast.List)):
        return [t for e in target.elts for t in _flatten(e)]
    if isinstance(target, ast.Starred):
        return _flatten(target.value)
    return [target]


def _base_name(target: ast.AST) -> str | None:
    """`np` for np.maximum = ... and HELPERS for HELPERS[0] = ...; None for a plain name."""
    if not isinstance(target, (ast.Attribute, ast.Subscript)):
        return None
    while isinstance(target, (ast.Attribute, ast.Subscript)):
        target = target.value
    return target.id if isinstance(target, ast.Name) else "?"


def _holds_state(node: ast.stmt) -> bool:
    """A class, or an assignment of a value that is not a literal number, string or name."""
    if isinstance(node, ast.ClassDef):
        return True
    if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
        value = node.value
        while isinstance(value, ast.UnaryOp):
            value = value.operand
        return not isinstance(value, (ast.Constant, ast.Name, ast.Attribute, ast.BinOp))
    return False


def _units(cells: Iterable[tuple[str, str]]) -> tuple[list[_Unit], list[tuple[str, ast.Module]]]:
    units, modules = [], []
    for label, source in cells:
        try:
            tree = ast.parse(strip_magics(source))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue   # it does not run in the child either
        modules.append((label, tree))
        for node in tree.body:
            units.append(_Unit(label, node, _binds(node), _loads(node), False))
    _mark_shared(units)
    return units, modules


def findings(cells: Iterable[tuple[str, str]], functions: Iterable[str]
             ) -> dict[str, Finding]:
    """For each of `functions` that reaches complex numbers or hidden names in the student's
    `cells` ((label, source), as the plan runs them), the first such place: in the cell that
    defines it first, else in the first cell where one is found."""
    units, modules = _units(cells)
    # one module scope for all cells: they run in one namespace
    module_scope = _scope_of([n for _, tree in modules for n in tree.body], set())
    imported = _imports([tree for _, tree in modules])
    attributes = _attribute_values([tree for _, tree in modules])
    binders: dict[str, list[_Unit]] = {}
    for unit in units:
        for name in unit.binds:
            binders.setdefault(name, []).append(unit)
    # names a student statement (not an import) binds: a top-level statement that loads one
    # of them and is reached (HELPERS.append(f)) runs with the code that reads them
    own_names = {n for u in units if not isinstance(u.node, (ast.Import, ast.ImportFrom))
                 for n in u.binds}
    statements = [u for u in units if not isinstance(
        u.node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import,
                 ast.ImportFrom))]
    # names bound to something that can change (a list, an object, a class): code anywhere
    # that loads one may fill it (HELPERS.append(f) inside a function called as a cell loads)
    containers = {n for u in units if _holds_state(u.node) for n in u.binds}
    definitions = [u for u in units if isinstance(
        u.node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    cache: dict[int, list[tuple[int, str, str]]] = {}

    def read(unit: _Unit) -> list[tuple[int, str, str]]:
        if id(unit) not in cache:
            reader = _Reader(module_scope, attributes, imported)
            reader.visit(ast.Module(body=[unit.node], type_ignores=[]))
            cache[id(unit)] = sorted(reader.found)
        return cache[id(unit)]

    result: dict[str, Finding] = {}
    for function in functions:
        reached: set[int] = set()
        names: set[str] = {function}
        queue = list(binders.get(function, [])) + [u for u in units if u.shared]
        while queue:
            while queue:
                unit = queue.pop()
                if id(unit) in reached:
                    continue
                reached.add(id(unit))
                for name in unit.loads - names:
                    names.add(name)
                    queue += binders.get(name, [])
            queue = [u for u in statements if id(u) not in reached
                     and u.loads & names & own_names]
            queue += [u for u in definitions if id(u) not in reached
                      and u.loads & names & containers]
        own = binders.get(function, [])
        first = own[0].label if own else None
        order = sorted((u for u in units if id(u) in reached),
                       key=lambda u: (u.label != first, units.index(u)))
        for unit in order:
            hits = read(unit)
            if hits:
                line, kind, what = hits[0]
                result[function] = Finding(kind, what, unit.label, line)
                break
    return result


def message(function: str, finding: Finding, own_label: str | None = None) -> str:
    """The plain sentence a student reads: what, where, why it earns nothing here."""
    where = f"line {finding.line}" if finding.label == own_label or not finding.label else \
        f"line {finding.line} of {finding.label}"
    if finding.kind == COMPLEX:
        return (f"`{function}` computes with complex numbers ({where}: {finding.what}): the "
                "complex step is numerical differentiation; this exercise asks for the chain "
                "rule, so no test of this function can give points.")
    if finding.kind == OWN_NUMBERS:
        return (f"`{function}` computes with a number type of its own ({where}: "
                f"{finding.what}): numbers that carry a derivative through the forward pass "
                "differentiate it for you; this exercise asks for the chain rule, so no test "
                "of this function can give points.")
    if finding.kind == POWER:
        return (f"`{function}` raises a number to a power that is not a whole number "
                f"({where}: {finding.what}): in Python that makes a complex number of a "
                "negative number, the way into the complex step, so no test of this function "
                "can give points; numpy's functions never do.")
    return (f"`{function}` reaches code in a way the grader cannot read ({where}: "
            f"{finding.what}): a backward pass is graded only when its code can be checked "
            "for numerical differentiation; write the names out, so no test of this "
            "function can give points until then.")


# ---------------------------------------------------------------- in the student's kernel

def function_findings(fn: Callable) -> Finding | None:
    """The same reading for a function object (nbgrader runs the test cells in the student's
    kernel): the source of `fn` and of the functions and classes it reaches through its
    globals and closure, read with inspect (as far as their source can be found), and the
    values it reaches (a complex number or array, a complex type). Weaker than `findings`:
    code whose source inspect cannot find is not read, and the kernel is the student's."""
    import textwrap

    import numpy as np

    cells: list[tuple[str, str]] = []
    seen: set[int] = set()
    todo: list = [fn]
    while todo and len(seen) < 500:
        obj = todo.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, (complex, np.complexfloating)) or obj is complex or \
                (isinstance(obj, np.ndarray) and np.iscomplexobj(obj)) or \
                (isinstance(obj, type) and issubclass(obj, np.complexfloating)):
            return Finding(COMPLEX, "a complex value it reads", "", 0)
        if not (inspect.isfunction(obj) or inspect.isclass(obj)):
            continue
        # only the notebook's own code (a library's source is not the student's)
        if inspect.isfunction(obj) and obj.__globals__ is not fn.__globals__ or \
                inspect.isclass(obj) and obj.__module__ != fn.__module__:
            continue
        try:
            lines, start = inspect.getsourcelines(obj)
            source = "\n" * max(0, start - 1) + textwrap.dedent("".join(lines))
        except (OSError, TypeError, SyntaxError):
            source = None
        if source is not None:   # its lines numbered as in its cell (or file)
            cells.append(("" if obj is fn else f"the cell defining `{obj.__name__}`", source))
        for code in _codes(getattr(obj, "__code__", None)) if inspect.isfunction(obj) else ():
            scope = obj.__globals__
            todo += [scope[n] for n in code.co_names if n in scope]
        if inspect.isfunction(obj):
            for cell in obj.__closure__ or ():
                try:
                    todo.append(cell.cell_contents)
                except ValueError:
                    pass
            todo += list(obj.__defaults__ or ())
    if not cells:
        return None
    try:
        first = next(n.name for n in ast.parse(cells[0][1]).body
                     if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)))
    except (StopIteration, SyntaxError):
        return None
    return findings(cells, [first]).get(first)


def _codes(code):
    stack = [code] if code is not None else []
    while stack:
        current = stack.pop()
        yield current
        stack += [k for k in current.co_consts if hasattr(k, "co_names")]
