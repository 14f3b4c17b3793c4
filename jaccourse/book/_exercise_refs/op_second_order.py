"""Reference answers for the exercises of the page ``op-second-order`` (open problems).

- ``op-ex-rosenbrock-hessian``: the Hessian of the extended Rosenbrock function
  ``sum_i 100 (x_{2i} - x_{2i-1}^2)^2 + (1 - x_{2i-1})^2``, i.e. the Jacobian of its
  gradient, at vectors of length 4 and 6 (autograd's Hessian).
"""

import autograd.numpy as np

from jaccourse.book.exercises import JacobianReference
from jaccourse.derivatives import hessian


def _rosenbrock(x):
    """The extended Rosenbrock function; x has an even length."""
    odd, even = x[::2], x[1::2]
    return np.sum(100.0 * (even - odd**2) ** 2 + (1.0 - odd) ** 2)


REFERENCES = {
    "op-ex-rosenbrock-hessian": JacobianReference(
        jacobian=lambda x: hessian(_rosenbrock, x),
        points=[[1.2, 0.9, -0.5, 0.3], [0.0, 1.0, 2.0, -1.5, 0.7, 0.4], [-1.1, 1.3, 0.6, 0.2]],
        mixed_sizes=True,
    ),
}
