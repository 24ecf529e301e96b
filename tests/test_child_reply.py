"""The child sends a call's arguments back only when the grader needs them: when the call
changed one of them in place, or returned one of them (so the grader can mirror the change, or
see the aliasing). Otherwise a large cache would cross the pipe twice for nothing."""
from __future__ import annotations

import numpy as np
import pytest

from backprop_lab.isolation import wire
from backprop_lab.isolation.child import Child

CELL = """
import numpy as np

def fresh(dout, cache):
    return dout * 2.0, {"w": cache[0] + 1.0}

def scales_in_place(dout, cache):
    dout *= 2.0
    return dout.copy()

def returns_an_input(dout, cache):
    return cache[1]

def appends(dout, cache):
    cache[2].append(1.0)
    return dout + 0.0

def rebinds_a_key(dout, cache):
    cache[3]["k"] = np.zeros(2)
    return dout + 0.0
"""


def call(name: str, *args) -> dict:
    child = Child()
    assert child.exec_cell("cell", CELL) == {"ok": True}
    return child.call(name, wire.encode([list(args), {}]))


def arguments() -> tuple:
    big = np.arange(200_000, dtype=np.float64)
    return big, (big + 1.0, np.ones(3), [0.0], {"k": np.ones(2)})


def test_a_call_that_changes_nothing_sends_its_result_alone():
    reply = call("fresh", *arguments())
    assert reply["ok"] and reply["args"] is None
    dout, named = wire.decode(reply["value"])
    assert dout[3] == 6.0 and named["w"].shape == (200_000,)


@pytest.mark.parametrize("name", ["scales_in_place", "returns_an_input", "appends",
                                  "rebinds_a_key"])
def test_a_call_that_changes_or_returns_an_argument_sends_them_back(name):
    reply = call(name, *arguments())
    assert reply["ok"] and reply["args"] is not None
    args_after, _ = wire.decode(reply["args"])
    assert len(args_after) == 2
