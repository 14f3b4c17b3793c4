"""Demonstration exercises for the documentation of :mod:`jaccourse.book.exercises` (not in a
chapter).

- ``demo-ex-polar``: the Jacobian of polar coordinates, ``T(r, θ) = (r cos θ, r sin θ)``;
- ``demo-ex-gradient``: the gradient of ``f(x, y) = x² + 4y² − 11x + 8y − 16``;
- ``demo-ex-logistic``: the function ``t ↦ σ(t)(1 − σ(t))``, the sigmoid's derivative;
- ``demo-ex-value``: the minimum value of that ``f``, ``−201/4``.
"""

from fractions import Fraction

import autograd.numpy as np

from jaccourse.book.exercises import (
    FunctionReference,
    GradientReference,
    JacobianReference,
    ValueReference,
)


def _polar(q):
    return np.stack([q[0] * np.cos(q[1]), q[0] * np.sin(q[1])])


def _f(p):
    return p[0] ** 2 + 4 * p[1] ** 2 - 11 * p[0] + 8 * p[1] - 16


def _sigmoid_derivative(t):
    s = 1 / (1 + np.exp(-t))
    return s * (1 - s)


REFERENCES = {
    "demo-ex-polar": JacobianReference(
        _polar, [[2.0, 0.5], [0.5, 2.0], [1.5, -1.0]], factors={"r": lambda q: q[0]}
    ),
    "demo-ex-gradient": GradientReference(_f, [[0.0, 0.0], [1.0, 2.0], [5.5, -1.0]]),
    "demo-ex-logistic": FunctionReference(_sigmoid_derivative, [-3.0, 0.0, 0.5, 4.0]),
    "demo-ex-value": ValueReference(Fraction(-201, 4)),
}
