"""Reference answers for the exercises of the chapter ``jacobian-descent``.

- ``jdc-ex-pcgrad-three``: among the 300 random ``3 x 2`` Jacobians drawn with
  ``numpy.random.default_rng(2026)`` (``standard_normal((3, 2))`` each, in turn), how many have
  ``J A(J)`` with an entry below ``-1e-12``, for ``A = pcgrad(., rng=0)`` and for ``upgrad``:
  the pair ``[83, 0]``. The count depends on the package's PCGrad and on numpy's generator,
  so ``tests/test_chapter_jacobian_descent.py`` recomputes it from the package;
- ``jdc-ex-upgrad-gramian``: UPGrad's direction for a ``3 x 4`` Jacobian given flattened row
  by row (a point of ``R^12``), compared with :func:`jaccourse.multiobjective.upgrad` at two
  Jacobians with conflicting rows and one without conflict (where UPGrad is the mean).
"""

import autograd.numpy as np

from jaccourse.book.exercises import FunctionReference, ValueReference
from jaccourse.multiobjective import upgrad

#: The counts of jdc-ex-pcgrad-three: [PCGrad, UPGrad].
PCGRAD_THREE_COUNTS = [83, 0]


def _upgrad_flat(p):
    """UPGrad of the 3 x 4 Jacobian whose rows are p[0:4], p[4:8], p[8:12]."""
    return upgrad(np.reshape(p, (3, 4)))


REFERENCES = {
    "jdc-ex-pcgrad-three": ValueReference(PCGRAD_THREE_COUNTS),
    "jdc-ex-upgrad-gramian": FunctionReference(
        _upgrad_flat,
        [
            [1.0, 0.5, -0.3, 0.2, -2.0, 0.4, 0.1, -0.5, 0.3, -0.2, 1.5, 0.4],
            [0.1, 0.2, 0.0, -0.1, 3.0, -1.0, 2.0, 0.5, -1.5, 0.8, -2.5, 1.0],
            [0.6, -0.4, 0.9, 1.2, 0.5, 0.3, 0.7, 0.8, 1.1, -0.2, 0.4, 0.6],
        ],
        rtol=1e-7,
        atol=1e-9,
    ),
}
