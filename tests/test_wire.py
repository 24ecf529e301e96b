import functools

import numpy as np
import pytest

from backprop_lab import probes
from backprop_lab.isolation import wire
from backprop_lab.checks import core


def roundtrip(obj, allow_callables=False):
    return wire.decode(wire.encode(obj, allow_callables), allow_callables)


def test_plain_data_round_trips_exactly():
    data = {"a": np.arange(6.0).reshape(2, 3), "b": (1, 2.5, None, "s", True),
            "c": [np.float64(np.nan), np.inf, -0.0], "d": np.array([1, 2], dtype=np.int32),
            "e": 1 + 2j, "f": np.zeros((0, 3))}
    back = roundtrip(data)
    assert back["a"].dtype == np.float64 and np.array_equal(back["a"], data["a"])
    assert back["b"] == (1, 2.5, None, "s", True)
    assert np.isnan(back["c"][0]) and back["c"][1] == np.inf
    assert back["d"].dtype == np.int32
    assert back["e"] == 1 + 2j
    assert back["f"].shape == (0, 3)
    assert back["a"].flags.writeable


def test_identity_inside_a_message_is_kept():
    x = np.ones(3)
    back = roundtrip((x, x, [x]))
    assert back[0] is back[1] is back[2][0]
    assert roundtrip((np.ones(3), np.ones(3)))[0] is not roundtrip((x, x))[1]


@pytest.mark.parametrize("bad", [object(), np.array([object()]), {(1, 2): 3}, lambda x: x,
                                 np.array(["text"])])
def test_objects_that_are_not_plain_data_are_refused(bad):
    with pytest.raises(wire.WireError):
        wire.encode(bad)


def test_only_the_probe_functions_travel_as_references():
    fn = functools.partial(probes.probe_exp, a=1.0, w=np.ones(2))
    back = roundtrip(fn, allow_callables=True)
    assert np.isclose(back(np.zeros(2)), 2.0)
    with pytest.raises(wire.WireError):   # the check library computes expected values
        wire.encode(functools.partial(core.relative_error, np.ones(2)), allow_callables=True)
    with pytest.raises(wire.WireError):
        wire.encode(np.sum, allow_callables=True)
    with pytest.raises(wire.WireError):
        wire.encode(lambda x: x, allow_callables=True)
    for module, name in (("os", "system"), ("backprop_lab.checks.core", "relative_error"),
                         ("backprop_lab.probes", "_expect_shape"), ("backprop_lab.probes", "np"),
                         ("backprop_lab.probes", "np.sum")):
        forged = {"t": "fn", "module": module, "name": name, "args": [], "kwargs": []}
        with pytest.raises(wire.WireError):
            wire.decode(forged, allow_callables=True)
    with pytest.raises(wire.WireError):   # the grader never accepts callables
        wire.decode(wire.encode(probes.probe_exp, allow_callables=True))


@pytest.mark.parametrize("node", [
    {"t": "nd", "id": 0, "dtype": "|O", "shape": [1], "b64": ""},
    {"t": "nd", "id": 0, "dtype": "<f8", "shape": [2], "b64": "AAAA"},
    {"t": "ref", "id": 7},
    {"t": "pickle", "v": "gASV"},
    [1, 2],
    {"t": "list", "id": 0, "v": [{"t": "list", "id": 0, "v": []}]},
])
def test_malformed_nodes_are_refused(node):
    with pytest.raises(wire.WireError):
        wire.decode(node)


def test_frames_cross_a_pipe_and_time_out():
    import os
    import time
    r, w = os.pipe()
    try:
        wire.send(w, {"x": 1})
        assert wire.receive(r, time.monotonic() + 1) == {"x": 1}
        with pytest.raises(wire.Timeout):
            wire.receive(r, time.monotonic() + 0.05)
        os.write(w, (2 ** 40).to_bytes(8, "big"))
        with pytest.raises(wire.WireError):
            wire.receive(r, time.monotonic() + 1)
    finally:
        os.close(r)
        os.close(w)
