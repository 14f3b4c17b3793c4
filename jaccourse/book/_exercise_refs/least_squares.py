"""Reference answers for the code exercises of the chapter ``least-squares``.

- ``ls-ex-misra1b``: the residual Jacobian of NIST's Misra1b model
  ``b1 (1 - (1 + b2 x / 2)^(-2))`` on the Misra1a data (the same measurements);
- ``ls-ex-relative-step``: a central-difference Jacobian of Hahn1's residual with the relative
  steps ``h_j = eps^(1/3) |b_j|``, compared with the exact (autograd) Jacobian to a relative
  ``1e-6``, which such differences reach (about ``1e-7`` at worst) and forward differences or
  the absolute-style step of ``jacobian_fd`` do not.

The NIST data are loaded the first time a reference needs them.
"""

from functools import cache

from jaccourse.book.exercises import JacobianReference
from jaccourse.datasets import load_nist_strd


@cache
def _problem(name):
    return load_nist_strd(name)


def _misra1b_residual(beta):
    misra = _problem("Misra1a")
    return beta[0] * (1 - (1 + beta[1] * misra.x / 2) ** -2) - misra.y


def _hahn_residual(beta):
    return _problem("Hahn1").residual(beta)


# Hahn1's two NIST starts and (rounded) certified values
_HAHN_POINTS = [
    [10.0, -1.0, 0.05, -1e-5, -0.05, 1e-3, -1e-6],
    [1.0, -0.1, 0.005, -1e-6, -0.005, 1e-4, -1e-7],
    [
        1.0776351733,
        -0.12269296921,
        0.0040863750610,
        -1.4262662514e-6,
        -0.0057609940901,
        2.4053735503e-4,
        -1.2314450199e-7,
    ],
]

REFERENCES = {
    # NIST's Misra1b starts, and one point near the answer
    "ls-ex-misra1b": JacobianReference(
        _misra1b_residual, [[500.0, 1e-4], [300.0, 2e-4], [337.99, 3.9e-4]]
    ),
    "ls-ex-relative-step": JacobianReference(
        _hahn_residual,
        _HAHN_POINTS,
        rtol=1e-6,
        close_hint="central differences with a step relative to each |b_j| reach about 1e-7 "
        "here; forward differences, or one absolute step for every column, do not",
    ),
}
