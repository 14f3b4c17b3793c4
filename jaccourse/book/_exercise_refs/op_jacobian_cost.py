"""Reference answers for the exercises of the page ``op-jacobian-cost`` (open problems).

- ``op-ex-bratu-jacobian``: the ``(n, n)`` Jacobian of the discretised Bratu residual
  ``r_i = (u_{i-1} - 2 u_i + u_{i+1}) / h^2 + exp(u_i)``, ``h = 1 / (n + 1)``,
  ``u_0 = u_{n+1} = 0`` (the page's ``bratu`` with ``lam = 1``), at vectors of length 6
  and 4; the reference is autograd's Jacobian of the residual.
"""

import autograd.numpy as np

from jaccourse.book.exercises import JacobianReference


def _bratu(u):
    """The Bratu residual with lam = 1 and zero boundary values."""
    h = 1.0 / (u.size + 1)
    padded = np.concatenate([np.zeros(1), u, np.zeros(1)])
    return (padded[:-2] - 2.0 * u + padded[2:]) / h**2 + np.exp(u)


REFERENCES = {
    "op-ex-bratu-jacobian": JacobianReference(
        _bratu,
        [[0.1, 0.3, 0.5, 0.4, 0.2, 0.05], [-0.5, 1.0, 0.0, 2.0, -1.2, 0.7], [0.8, -0.3, 1.5, 0.25]],
        mixed_sizes=True,
    ),
}
