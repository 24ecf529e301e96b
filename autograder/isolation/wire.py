"""Plain data across the process boundary: JSON frames, numpy arrays as base64 buffers.

Only numbers, strings, None, numeric numpy arrays and tuples, lists and dicts of them
cross; nothing is ever unpickled. Object identity inside one message is kept (an array
that appears twice arrives as one array), which is how the grader sees a student return
one array under two names. Callables go only from the grader to the child, as a
reference to a public function of `backprop_lab.probes` (the trusted functions a test hands
to student code), optionally bound with functools.partial; no other module is accepted.

Every string of a received message is valid text (`text.clean`): a lone surrogate or a NUL
that student code put into a message, an error or a value becomes U+FFFD here, where it
enters the grader. And every text is short: a string inside a value is cut at TEXT_LIMIT
characters, an error's message and traceback at TEXT_LIMIT, its type at NAME_LIMIT
(`checked_error`), each with CUT_MARK and the count of characters dropped, so that a
forged reply of the frame's full size costs the reports a few kilobytes.
"""
from __future__ import annotations

import base64
import functools
import importlib
import json
import os
import re
import select
import struct
import time
from typing import Any

import numpy as np

from ..text import clean_data

MAX_FRAME = 16 * 1024 * 1024   # bytes of one message
MAX_ITEMS = 200_000            # containers and elements of one message (bounds decoding memory)
TEXT_LIMIT = 4000              # characters of a string in a value, of an error's message or traceback
NAME_LIMIT = 200               # characters of an error's type
CUT_MARK = "[... cut:"         # starts what stands for the rest of a text that was too long
_HEADER = struct.Struct(">Q")
_DTYPES = {np.dtype(name).str: np.dtype(name) for name in (
    "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float16", "float32", "float64", "complex64", "complex128")}
MAX_DIMS = 32                  # dimensions of an array (numpy's own limit, in numpy 1)
CALLABLE_MODULE = "backprop_lab.probes"   # the only module whose functions cross
# JSON escapes that decode to a lone surrogate or NUL (or a valid pair, joined by json)
_UNCLEAN_ESCAPE = re.compile(r"\\u(?:[dD][89a-fA-F]|0000)")


class WireError(Exception):
    """A message that is not plain data, too large, or malformed."""


def cut(text: str, limit: int = TEXT_LIMIT) -> str:
    """`text` if it has at most `limit` characters, else its start and a marker."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]} {CUT_MARK} {len(text) - limit} more characters]"


ERROR_FIELDS = {"type": NAME_LIMIT, "message": TEXT_LIMIT, "traceback": TEXT_LIMIT}


def checked_error(error: Any) -> dict:
    """A reply's `error` as the grader uses it: a dict of its text fields, each cut at its
    limit (ERROR_FIELDS); WireError when it is not a dict of strings."""
    if not isinstance(error, dict):
        raise WireError("malformed error")
    checked = {}
    for key, limit in ERROR_FIELDS.items():
        value = error.get(key, "")
        if not isinstance(value, str):
            raise WireError(f"malformed error {key}")
        checked[key] = cut(value, limit)
    return checked


# ---------------------------------------------------------------- encoding

class Encoder:
    """Turns plain data into JSON-ready nodes; containers and arrays get ids for references."""

    def __init__(self, allow_callables: bool = False):
        self.allow_callables = allow_callables
        self.omit_callables = False   # send None in place of a callable (echoing arguments back)
        self._ids: dict[int, int] = {}
        self._keep: list[Any] = []   # keeps encoded objects alive so ids stay unique

    def encode(self, obj: Any) -> Any:
        if obj is None or isinstance(obj, (bool, str)):
            return obj
        if isinstance(obj, (int, float)):
            return obj   # JSON keeps floats exactly, NaN and infinities included
        if isinstance(obj, np.generic):
            return self._scalar(obj)
        if isinstance(obj, complex):
            return {"t": "c", "re": repr(obj.real), "im": repr(obj.imag)}
        if id(obj) in self._ids:
            return {"t": "ref", "id": self._ids[id(obj)]}
        if isinstance(obj, np.ndarray):
            return self._array(obj)
        if isinstance(obj, (tuple, list, dict)):
            node_id = self._remember(obj)
            if isinstance(obj, dict):
                items = []
                for key, value in obj.items():
                    if not isinstance(key, (str, int)) or isinstance(key, bool):
                        raise WireError(f"dict keys must be str or int, not {type(key).__name__}")
                    items.append([key, self.encode(value)])
                return {"t": "dict", "id": node_id, "v": items}
            kind = "tuple" if isinstance(obj, tuple) else "list"
            return {"t": kind, "id": node_id, "v": [self.encode(v) for v in obj]}
        if callable(obj) and self.omit_callables:
            return None
        if callable(obj) and self.allow_callables:
            return self._callable(obj)
        raise WireError(f"an object of type {type(obj).__name__} cannot be graded: "
                        "only numbers, numpy arrays, and tuples, lists and dicts of them")

    def _remember(self, obj: Any) -> int:
        node_id = len(self._keep)
        self._ids[id(obj)] = node_id
        self._keep.append(obj)
        return node_id

    def _scalar(self, value: np.generic) -> Any:
        if isinstance(value, np.bool_):
            return bool(value)
        if isinstance(value, np.integer):
            return int(value)
        if isinstance(value, np.complexfloating):
            return self.encode(complex(value))
        if isinstance(value, np.floating):
            return float(value)
        raise WireError(f"a numpy scalar of type {value.dtype} cannot be graded")

    def _array(self, arr: np.ndarray) -> dict:
        if arr.dtype.str not in _DTYPES:
            raise WireError(f"an array of dtype {arr.dtype} cannot be graded: "
                            "use a numeric dtype (float64)")
        node_id = self._remember(arr)
        data = np.ascontiguousarray(arr).tobytes()
        return {"t": "nd", "id": node_id, "dtype": arr.dtype.str, "shape": list(arr.shape),
                "b64": base64.b64encode(data).decode("ascii")}

    def _callable(self, fn: Any) -> dict:
        args, kwargs = (), {}
        if isinstance(fn, functools.partial):
            fn, args, kwargs = fn.func, fn.args, fn.keywords
        module, name = getattr(fn, "__module__", ""), getattr(fn, "__qualname__", "")
        if module != CALLABLE_MODULE or not _public_name(name):
            raise WireError(f"only the public functions of {CALLABLE_MODULE} can be passed "
                            f"to student code, not {fn!r}")
        return {"t": "fn", "module": module, "name": name,
                "args": [self.encode(a) for a in args],
                "kwargs": [[k, self.encode(v)] for k, v in kwargs.items()]}


def encode(obj: Any, allow_callables: bool = False) -> Any:
    return Encoder(allow_callables).encode(obj)


# ---------------------------------------------------------------- decoding

class Decoder:
    """Rebuilds plain data from nodes, validating every node; refs resolve within a message."""

    def __init__(self, allow_callables: bool = False):
        self.allow_callables = allow_callables
        self.objects: dict[int, Any] = {}

    def decode(self, node: Any, depth: int = 0) -> Any:
        if depth > 100:
            raise WireError("data nested too deeply")
        if isinstance(node, str):
            return cut(node)
        if node is None or isinstance(node, (bool, int, float)):
            return node
        if not isinstance(node, dict) or not isinstance(node.get("t"), str):
            raise WireError("malformed message")
        kind = node["t"]
        if kind == "c":
            parts = node.get("re"), node.get("im")
            if not all(isinstance(p, str) for p in parts):
                raise WireError("malformed complex number")
            try:
                return complex(float(parts[0]), float(parts[1]))
            except ValueError:
                raise WireError("malformed complex number") from None
        if kind == "ref":
            if not _is_id(node.get("id")) or node["id"] not in self.objects:
                raise WireError("reference to an unknown object")
            return self.objects[node["id"]]
        if kind == "nd":
            return self._array(node)
        if kind in ("tuple", "list", "dict") and not isinstance(node.get("v"), list):
            raise WireError(f"malformed {kind}")
        if kind in ("tuple", "list"):
            if kind == "list":
                out: Any = self._register(node, [])
                out.extend(self.decode(v, depth + 1) for v in node["v"])
                return out
            items = [self.decode(v, depth + 1) for v in node["v"]]
            return self._register(node, tuple(items))
        if kind == "dict":
            out = self._register(node, {})
            for item in node["v"]:
                if not isinstance(item, list) or len(item) != 2:
                    raise WireError("malformed dict item")
                key, value = item
                if not isinstance(key, (str, int)) or isinstance(key, bool):
                    raise WireError("malformed dict key")
                out[cut(key) if isinstance(key, str) else key] = self.decode(value, depth + 1)
            return out
        if kind == "fn" and self.allow_callables:
            return self._callable(node, depth)
        raise WireError(f"unexpected node type {kind!r}")

    def _register(self, node: dict, obj: Any) -> Any:
        node_id = node.get("id")
        if not _is_id(node_id) or node_id in self.objects:
            raise WireError("malformed object id")
        self.objects[node_id] = obj
        return obj

    def _array(self, node: dict) -> np.ndarray:
        dtype = node.get("dtype")
        dtype = _DTYPES.get(dtype) if isinstance(dtype, str) else None
        shape, b64 = node.get("shape"), node.get("b64")
        if dtype is None or not isinstance(shape, list) or len(shape) > MAX_DIMS or \
                not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0
                        for n in shape) or not isinstance(b64, str):
            raise WireError("malformed array")
        try:
            data = base64.b64decode(b64, validate=True)
        except ValueError:
            raise WireError("malformed array data") from None
        size = 1
        for n in shape:   # Python's integers: a size cannot wrap around to match the data
            size *= n
        if len(data) != size * dtype.itemsize:
            raise WireError("array data does not match its shape")
        return self._register(node, np.frombuffer(data, dtype=dtype).reshape(shape).copy())

    def _callable(self, node: dict, depth: int) -> Any:
        module, name = node.get("module"), node.get("name")
        if module != CALLABLE_MODULE or not isinstance(name, str) or not _public_name(name):
            raise WireError("callable from an untrusted module")
        fn = getattr(importlib.import_module(module), name, None)
        if not callable(fn) or getattr(fn, "__module__", None) != CALLABLE_MODULE:
            raise WireError(f"{module} has no function {name!r}")
        args = [self.decode(a, depth + 1) for a in node["args"]]
        kwargs = {k: self.decode(v, depth + 1) for k, v in node["kwargs"]}
        return functools.partial(fn, *args, **kwargs) if args or kwargs else fn


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _public_name(name: str) -> bool:
    return name.isidentifier() and not name.startswith("_")


def decode(node: Any, allow_callables: bool = False) -> Any:
    return Decoder(allow_callables).decode(node)


# ---------------------------------------------------------------- framing

def send(fd: int, message: dict, deadline: float | None = None) -> None:
    """Write one frame; with a `deadline` (and a non-blocking fd), Timeout if the reader stalls."""
    data = json.dumps(message, separators=(",", ":")).encode()
    if len(data) > MAX_FRAME:
        raise WireError(f"message of {len(data)} bytes is larger than the limit of {MAX_FRAME}")
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([], [fd], [], left)[1]:
                raise Timeout()
        try:
            written = os.write(fd, view)
        except BlockingIOError:
            continue
        view = view[written:]


class Timeout(Exception):
    pass


class Closed(Exception):
    pass


def receive(fd: int, deadline: float | None = None) -> dict:
    """Read one frame; Timeout at `deadline` (time.monotonic()), Closed at end of stream."""
    header = _read_exactly(fd, _HEADER.size, deadline)
    (size,) = _HEADER.unpack(header)
    if size > MAX_FRAME:
        raise WireError(f"message of {size} bytes is larger than the limit of {MAX_FRAME}")
    data = _read_exactly(fd, size, deadline)
    # An upper bound on the items, counted before parsing: a small frame of references or
    # empty lists must not cost the reader gigabytes.
    if data.count(b",") + data.count(b"[") + data.count(b"{") > MAX_ITEMS:
        raise WireError(f"message with more than {MAX_ITEMS} items")
    # Bytes that are not UTF-8 (encoded surrogates included) become U+FFFD; what is left to
    # clean can only come from escapes, and only a message that has one is walked.
    text = data.decode("utf-8", "replace")
    del data
    try:
        message = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise WireError(f"malformed message: {exc}") from None
    if not isinstance(message, dict):
        raise WireError("malformed message")
    if not _UNCLEAN_ESCAPE.search(text):
        return message
    try:
        return clean_data(message)
    except RecursionError:
        raise WireError("data nested too deeply") from None


def _read_exactly(fd: int, size: int, deadline: float | None) -> bytearray:
    """`size` bytes from `fd`, read into one buffer (a frame is held once, not in chunks and
    then joined: a reply of the frame's full size costs the grader its size, not twice)."""
    data = bytearray(size)
    view, done = memoryview(data), 0
    while done < size:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise Timeout()
        got = os.readv(fd, [view[done:done + (1 << 20)]])
        if not got:
            raise Closed()
        done += got
    view.release()
    return data
