"""The complex step under names the scan's word lists do not know (trial3, class 1).

numpy reaches the same complex machinery under several names: its private modules
(`numpy.lib._scimath_impl` is what `np.emath` re-exports in numpy 2), and the dtype classes
of `np.dtypes` (`CLongDoubleDType.type` is `np.clongdouble`). Before, a staged_backward that
took `i` from either, and the imaginary part by a `.view` as real numbers, passed the scan
and scored every point of its tests. The scan now resolves a name written out from a
module (np.lib._scimath_impl.sqrt, np.dtypes.CLongDoubleDType.type, an import of either)
to the object it names in the grader's numpy, and refuses it when the object is one it
refuses under its public name, or a complex type.
"""
from __future__ import annotations

import json

import pytest

from backprop_lab.checks.complex_scan import findings
from conftest import cli_grade, notebook

_VIEW = ("    gx = np.ravel(zx).view(np.float64)[1::2].reshape(np.shape(zx))\n"
         "    gy = np.ravel(zy).view(np.float64)[1::2].reshape(np.shape(zy))\n"
         "    if gx.ndim == 0:\n"
         "        gx, gy = float(gx), float(gy)\n"
         "    return df * gx / h, df * gy / h\n")
ALIASES = {
    "numpy's private scimath module": (
        "import numpy.lib._scimath_impl as _sm\n"
        "def staged_backward(df, cache):\n"
        "    x, y = cache[0], cache[1]\n"
        "    h = 1e-30\n"
        "    i = _sm.sqrt(-1.0)\n"
        "    zx = staged_forward(x + i * h, y)[0]\n"
        "    zy = staged_forward(x, y + i * h)[0]\n" + _VIEW),
    "its function imported by name": (
        "from numpy.lib._scimath_impl import sqrt as root\n"
        "def staged_backward(df, cache):\n"
        "    x, y = cache[0], cache[1]\n"
        "    h = 1e-30\n"
        "    i = root(-1.0)\n"
        "    zx = staged_forward(x + i * h, y)[0]\n"
        "    zy = staged_forward(x, y + i * h)[0]\n" + _VIEW),
    "a private helper of numpy's scimath module": (
        "from numpy.lib._scimath_impl import _tocomplex\n"
        "def staged_backward(df, cache):\n"
        "    x, y = cache[0], cache[1]\n"
        "    h = 1e-30\n"
        "    i = np.sqrt(_tocomplex(np.array(-1.0)))\n"
        "    zx = staged_forward(x + i * h, y)[0]\n"
        "    zy = staged_forward(x, y + i * h)[0]\n" + _VIEW),
    "scipy.special's lambertw (complex for a real input)": (
        "from scipy.special import lambertw as W\n"
        "def staged_backward(df, cache):\n"
        "    x, y = cache[0], cache[1]\n"
        "    h = 1e-30\n"
        "    w = W(1.0)\n"
        "    i = np.sqrt(w / w - 2.0)\n"
        "    zx = staged_forward(x + i * h, y)[0]\n"
        "    zy = staged_forward(x, y + i * h)[0]\n" + _VIEW),
    "a scipy.special ufunc with a loop from real to complex": (
        "import scipy.special as S\n"
        "def staged_backward(df, cache):\n"
        "    x, y = cache[0], cache[1]\n"
        "    h = 1e-30\n"
        "    w = S.modfresnelp(1.0)[0]\n"
        "    i = np.sqrt(w / w - 2.0)\n"
        "    zx = staged_forward(x + i * h, y)[0]\n"
        "    zy = staged_forward(x, y + i * h)[0]\n" + _VIEW),
    "a dtype class of np.dtypes": (
        "def staged_backward(df, cache):\n"
        "    x, y = cache[0], cache[1]\n"
        "    h = 1e-30\n"
        "    i = np.sqrt(np.dtypes.CLongDoubleDType.type(-1.0))\n"
        "    zx = staged_forward(x + i * h, y)[0]\n"
        "    zy = staged_forward(x, y + i * h)[0]\n"
        + _VIEW.replace("view(np.float64)", "view(np.longdouble)").replace("reshape(np.shape(zx))", "reshape(np.shape(zx)).astype(np.float64)").replace("reshape(np.shape(zy))", "reshape(np.shape(zy)).astype(np.float64)")),
}


def _write(folder, cell):
    nb = json.loads(notebook("source", "staged").read_text())
    for raw in nb["cells"]:
        if (raw.get("metadata", {}).get("nbgrader") or {}).get("grade_id") == "staged_backward":
            raw["source"] = cell
    path = folder / "submitted" / "mallory" / "staged" / "staged.ipynb"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(nb))
    return path


@pytest.mark.parametrize("label", sorted(ALIASES))
def test_the_scan_refuses_an_alias_of_what_it_refuses(label):
    cells = [("your cell `staged_backward`", ALIASES[label])]
    assert "staged_backward" in findings(cells, ["staged_backward"]), label


def test_the_cli_gives_an_aliased_complex_step_nothing(tmp_path):
    path = _write(tmp_path, ALIASES["numpy's private scimath module"])
    [result] = cli_grade(path)
    mine = [t for t in result["tests"] if t["name"].startswith("test_staged_backward")]
    assert mine and all(t["score"] == 0 for t in mine), [(t["name"], t["score"]) for t in mine]
    assert all("computes with complex numbers" in t["output"] for t in mine), mine[0]["output"]


def test_honest_names_from_numpy_s_modules_are_not_refused():
    cell = ("from numpy.linalg import norm\n"
            "import numpy.lib as nl\n"
            "def staged_backward(df, cache):\n"
            "    x, y = cache[0], cache[1]\n"
            "    t = np.dtypes.Float64DType.type\n"
            "    g = np.asarray(df, dtype=np.float64).astype(t)\n"
            "    return g * norm([1.0]) * np.lib.stride_tricks.as_strided(np.ones(1))[0], g\n")
    assert findings([("your cell `staged_backward`", cell)], ["staged_backward"]) == {}


def test_reading_a_name_imports_nothing_but_scipy_special():
    import subprocess
    import sys
    code = ("import sys\n"
            "from backprop_lab.checks.complex_scan import findings\n"
            "before = set(sys.modules)\n"
            "findings([('c', 'import numpy.conftest\\nimport numpy.f2py.__main__\\n"
            "import numpy.testing as T\\ndef relu_backward(dout, cache):\\n"
            "    return dout * T.x\\n')], ['relu_backward'])\n"
            "new = set(sys.modules) - before\n"
            "assert not any(m.startswith(('numpy.conftest', 'numpy.f2py', 'numpy.testing', "
            "'pytest', 'hypothesis')) for m in new), sorted(new)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
