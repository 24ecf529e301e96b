"""What the notebook last ran, so that grading can tell an unsaved notebook.

Grading reads the saved file; the browser shows what the kernel ran. When a student runs a
test cell in Jupyter, the check (in the kernel, `checks.core._announcing`) records which
version of each of the student's functions it was given: a fingerprint of the function's
code (its syntax tree, so comments and spacing do not count) and the time, keyed by the
notebook's path (Jupyter tells the kernel: JPY_SESSION_NAME) or else by the kernel's folder
and the assignment. Grading compares a failing function's saved version with that record:
when the notebook ran another version after the file was last saved, the message says so.

The record is a small JSON file in the user's cache folder (BACKPROP_LAB_RUNS to name
another); it holds fingerprints and times, never code. It is only a hint for the student's
own grading: it never changes a score, and whatever it holds is read as untrusted data.
"""
from __future__ import annotations

import ast
import hashlib
import inspect
import json
import math
import os
import tempfile
import textwrap
import time
from datetime import datetime
from pathlib import Path

MAX_KEYS = 200   # notebooks remembered; the oldest are dropped


def runs_file() -> Path:
    named = os.environ.get("BACKPROP_LAB_RUNS")
    if named:
        return Path(named)
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(cache) / "backprop-lab" / "runs.json"


def fingerprint(node: ast.AST) -> str:
    return hashlib.sha256(ast.dump(node).encode()).hexdigest()[:24]


def function_node(source: str, name: str) -> ast.AST | None:
    """The last top-level definition of `name` in `source`, or None."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    found = None
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
            found = node
    return found


def _keys(notebook: str | None, folder: str, assignment: str) -> list[str]:
    keys = [f"{os.path.abspath(folder)}::{assignment}"]
    if notebook:
        keys.insert(0, os.path.abspath(notebook))
    return keys


# ---------------------------------------------------------------- in the kernel

def record(assignment: str, functions: dict[str, object]) -> None:
    """Remember the version of each student function a check in the kernel was given.
    Never raises: a record that cannot be written is only a hint lost."""
    try:
        prints = {}
        for name, fn in functions.items():
            try:
                node = function_node(textwrap.dedent(inspect.getsource(fn)), name)
            except (OSError, TypeError):
                continue
            if node is not None:
                prints[name] = fingerprint(node)
        if not prints:
            return
        path = runs_file()
        data = _read(path)
        now = time.time()
        for key in _keys(os.environ.get("JPY_SESSION_NAME"), os.getcwd(), assignment):
            entry = data.setdefault(key, {})
            for name, value in prints.items():
                entry[name] = {"fingerprint": value, "time": now}
        if len(data) > MAX_KEYS:
            newest = sorted(data, key=lambda k: max(
                (v.get("time", 0) for v in data[k].values() if isinstance(v, dict)), default=0))
            for key in newest[:-MAX_KEYS]:
                del data[key]
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".runs-")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f)
        os.replace(tmp, path)
    except Exception:   # noqa: BLE001 - a hint, never a failure of the student's test
        pass


def _read(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


# ---------------------------------------------------------------- when grading

LATEST_TIME = 32503680000.0   # 3000-01-01: a time past it (or not finite) is no time of a run


def _a_time(value) -> bool:
    """A time a run can have: a finite number of seconds since 1970, before LATEST_TIME (the
    file is untrusted: 1e300 or NaN would make the note's clock raise)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and \
        math.isfinite(value) and 0 <= value < LATEST_TIME


def last_run(path: str | Path, assignment: str, function: str) -> tuple[str, float] | None:
    """(fingerprint, time) of the version of `function` the notebook at `path` last ran."""
    data = _read(runs_file())
    found = []
    for key in _keys(str(path), str(Path(path).parent), assignment):
        entry = data.get(key)
        item = entry.get(function) if isinstance(entry, dict) else None
        if isinstance(item, dict) and isinstance(item.get("fingerprint"), str) and \
                _a_time(item.get("time")):
            found.append((item["fingerprint"], float(item["time"])))
    return max(found, key=lambda f: f[1]) if found else None


def unsaved_note(path: str | Path, assignment: str, function: str, saved_source: str) -> str:
    """A note for a failing test when the notebook ran another version of `function` after
    the file was saved; "" otherwise. `saved_source`: the saved cells grading ran, in order."""
    run = last_run(path, assignment, function)
    if run is None:
        return ""
    try:
        saved_at = os.stat(path).st_mtime
    except OSError:
        return ""
    fingerprint_run, ran_at = run
    if ran_at <= saved_at:
        return ""
    node = function_node(saved_source, function)
    if node is not None and fingerprint(node) == fingerprint_run:
        return ""

    def clock(t: float) -> str:
        return datetime.fromtimestamp(t).strftime("%H:%M:%S")

    return (f"Not saved? Your notebook ran a different `{function}` at {clock(ran_at)}, after "
            f"the file was last saved ({clock(saved_at)}). Grading reads the saved file, not "
            "what the browser shows: save the notebook (Ctrl+S) and grade again.")
