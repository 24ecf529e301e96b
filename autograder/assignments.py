"""The course's assignments: the one registry, in teaching order.

An assignment is its own files (`source/<id>/<id>.ipynb`, the notebooks nbgrader makes from
it, `autograder/checks/<id>.py` and its tests) plus its id here. Everything that needs the
list of assignments (finding submissions, ordering reports, regenerating the course, the
Gradescope bundle, the test suite) reads it from this module, and no other module of the
package names an assignment (tests/test_engine.py enforces this).

The order is the order students meet the assignments in: reports and exports follow it.
"""
from __future__ import annotations

ASSIGNMENTS: tuple[str, ...] = ("staged", "sigmoid", "relu", "rnn", "softmax", "lstm", "debug")
