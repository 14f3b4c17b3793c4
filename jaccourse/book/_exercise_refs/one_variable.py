"""Reference answers of the code exercises in the chapter ``one-variable``.

- ``ov-ex-fold``: ``set_rhs``, the set-form right-hand side
  ``∫_{[-1, 1]} exp(u^2) |2u| du = 2 (e - 1)`` for the folding map ``g(u) = u^2``; the hint
  knows the factor ``2`` (the fold covers ``[0, 1]`` twice);
- ``ov-ex-density``: ``p_X(x)``, the density ``exp(-x)`` of ``X = -ln U`` for ``U`` uniform
  on ``(0, 1]``, at points ``x >= 0``.
"""

import math

import autograd.numpy as np

from jaccourse.book.exercises import FunctionReference, ValueReference

REFERENCES = {
    "ov-ex-fold": ValueReference(
        2 * (math.e - 1),
        factors={"2": 2},
        close_hint="does a quadrature rule step across the kink of |2u| at u = 0? Split the "
        "interval there",
    ),
    "ov-ex-density": FunctionReference(lambda x: np.exp(-x), [0.2, 0.5, 1.3, 3.0]),
}
