"""Reference answers for the exercises of the chapter ``jenn`` (Jacobian-enhanced networks).

- ``jn-ex-surrogate-jacobian``: the ``(2, 2)`` input Jacobian, in the original units, of a
  small surrogate ``y = y_mean + y_scale * net((x - x_mean) / x_scale)`` whose network has
  2 inputs, 3 tanh units and 2 linear outputs (the numbers are those the chapter's exercise
  shows); the reference is autograd's Jacobian of the surrogate;
- ``jn-ex-slope-gradient``: the gradient, with respect to ``p = (v, w, b, c)`` (3 hidden
  units, 10 parameters), of the slope error ``e = (dy/dx(x0) - t0)^2 / 2`` of the network
  ``y(x) = sum_j v_j tanh(w_j x + b_j) + c`` at ``x0 = 0.4`` with target slope ``t0 = -0.7``;
- ``jn-ex-slopes-only``: how many of the fits ``JENN(hidden=(12,), beta=b, lambda_=0.1,
  rng=0)`` on the four samples of ``x sin x`` with their slopes, for ``b`` in ``(1e-2, 1e-5,
  1e-9)``, have a test ``R^2`` of the values above ``0.9`` on the chapter's 101 test points: the
  limit ``beta -> 0+`` on the computer. In exact arithmetic every ``beta > 0`` fixes the
  output bias (the mean training residual vanishes at a minimiser); L-BFGS stops on its
  relative-reduction test before a value term weighted ``1e-9`` moves it, so the count is 2.
  The chapter's solution computes the count and asserts that this reference accepts it.
"""

import autograd.numpy as np

from jaccourse.book.exercises import GradientReference, JacobianReference, ValueReference

# jn-ex-surrogate-jacobian: the numbers of the exercise (W_1, b_1, W_2, b_2 and the scales)
_W1 = np.array([[0.8, -0.5], [0.3, 1.1], [-1.2, 0.4]])
_B1 = np.array([0.1, -0.3, 0.2])
_W2 = np.array([[1.5, -0.7, 0.4], [0.2, 0.9, -1.3]])
_B2 = np.array([0.05, -0.1])
_X_MEAN, _X_SCALE = np.array([1.0, -2.0]), np.array([2.0, 0.5])
_Y_MEAN, _Y_SCALE = np.array([10.0, 0.0]), np.array([3.0, 0.25])


def _surrogate(x):
    """The prediction in the original units."""
    x_n = (x - _X_MEAN) / _X_SCALE
    return _Y_MEAN + _Y_SCALE * (np.dot(_W2, np.tanh(np.dot(_W1, x_n) + _B1)) + _B2)


# jn-ex-slope-gradient: one sample and its target slope
_X0, _T0 = 0.4, -0.7


def _slope_error(p):
    """e(p) = (dy/dx(x0) - t0)^2 / 2 for y(x) = sum_j v_j tanh(w_j x + b_j) + c."""
    v, w, b = p[0:3], p[3:6], p[6:9]
    slope = np.sum(v * w * (1.0 - np.tanh(w * _X0 + b) ** 2))
    return 0.5 * (slope - _T0) ** 2


#: jn-ex-slopes-only: of the fits with beta = 1e-2, 1e-5, 1e-9, those with a test R^2 of the
#: values above 0.9 (the third stops before the tiny value term has moved the output bias).
SLOPES_ONLY_GOOD_FITS = 2


REFERENCES = {
    "jn-ex-surrogate-jacobian": JacobianReference(
        _surrogate, [[1.0, -2.0], [2.5, -1.2], [-0.7, -2.6]]
    ),
    "jn-ex-slope-gradient": GradientReference(
        _slope_error,
        [
            [0.5, -1.2, 0.8, 1.1, 0.6, -0.9, 0.2, -0.4, 0.3, 0.1],
            [-0.3, 0.7, 1.4, -0.8, 1.3, 0.5, 0.0, 0.9, -0.6, -2.0],
            [1.1, 0.2, -0.5, 0.4, -1.5, 2.0, 0.7, 0.1, -1.1, 0.5],
        ],
    ),
    "jn-ex-slopes-only": ValueReference(SLOPES_ONLY_GOOD_FITS),
}
