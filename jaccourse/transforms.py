"""Coordinate transforms (polar, cylindrical, spherical, linear) and their hand-derived Jacobians.

Every map here is *vectorised over leading axes*: a point is the last axis, so an input of
shape ``(..., n)`` gives an output of shape ``(..., n)``, and a Jacobian has shape
``(..., n, n)`` (rows are outputs, columns are inputs, as in the course). The maps are written
with ``autograd.numpy``, so ``autograd.jacobian(polar)(q)`` at a single point ``q`` of shape
``(n,)`` works and can be compared with the hand-derived :func:`polar_jacobian`.

Inputs are checked at the door (shape, finiteness, numbers) when they are plain arrays or
lists; when autograd is tracing (the input is an ``autograd.tracer.Box``) the check is
skipped, so that differentiation is never blocked.

Chapters: ``gaussian-integral`` and ``jacobian-determinant``.

Autograd gotchas shown here: build vectors with ``np.stack(..., axis=-1)`` instead of
assigning into an array (autograd forbids in-place assignment), and index the components
with ``q[..., 0]`` so that one code path serves a single point and a batch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import autograd.numpy as np
import numpy as onp
from autograd.extend import defjvp, defvjp, primitive
from autograd.numpy.numpy_vjps import unbroadcast_f
from autograd.tracer import Box

from jaccourse._validation import as_array, check_callable, describe

__all__ = [
    "CoordinateTransform",
    "CYLINDRICAL",
    "POLAR",
    "SPHERICAL",
    "cylindrical",
    "cylindrical_inverse",
    "cylindrical_jacobian",
    "cylindrical_jacobian_determinant",
    "linear_transform",
    "polar",
    "polar_inverse",
    "polar_jacobian",
    "polar_jacobian_determinant",
    "spherical",
    "spherical_inverse",
    "spherical_jacobian",
    "spherical_jacobian_determinant",
]


def _points(func: str, name: str, value: Any, n: int) -> Any:
    """Check that ``value`` is a finite array of shape ``(..., n)``; let autograd Boxes through."""
    if isinstance(value, Box):
        return value
    if isinstance(value, (list, tuple)) and _holds_box(value):
        # e.g. polar([r, 0.5]) while autograd traces r: build the array the traceable way
        arr = np.array(value)
        if np.ndim(arr) == 0 or np.shape(arr)[-1] != n:
            raise ValueError(
                f"{func}: {name} must have shape (..., {n}), got shape {np.shape(arr)}"
            )
        return arr
    return as_array(func, name, value, last_dim=n)


def _holds_box(value: Any) -> bool:
    """Whether a nested list/tuple holds an autograd Box anywhere."""
    if isinstance(value, Box):
        return True
    if isinstance(value, (list, tuple)):
        return any(_holds_box(v) for v in value)
    return False


@primitive
def _hypot(x: Any, y: Any) -> Any:
    """``sqrt(x^2 + y^2)`` without overflow or underflow in the squares (``numpy.hypot``:
    ``hypot(1e300, 1e-300) = 1e300``, where the naive formula gives ``inf``), differentiable by
    autograd in both modes (autograd's own ``hypot`` has no forward-mode rule)."""
    return onp.hypot(x, y)


defvjp(
    _hypot,
    lambda ans, x, y: unbroadcast_f(x, lambda g: g * x / ans),
    lambda ans, x, y: unbroadcast_f(y, lambda g: g * y / ans),
)
defjvp(_hypot, lambda g, ans, x, y: g * x / ans, lambda g, ans, x, y: g * y / ans)


def _matrix(rows: list[list[Any]]) -> Any:
    """Stack a nested list of equally shaped arrays into an array of shape ``(..., m, n)``."""
    return np.stack([np.stack(row, axis=-1) for row in rows], axis=-2)


# --------------------------------------------------------------------------------------------
# polar
# --------------------------------------------------------------------------------------------


def polar(q: Any) -> Any:
    """Polar coordinates to Cartesian: ``(r, theta) -> (x, y)``.

    Formula: ``x = r cos(theta)``, ``y = r sin(theta)``.

    Shapes: ``q`` is ``(..., 2)`` with ``q[..., 0] = r`` and ``q[..., 1] = theta``;
    the result is ``(..., 2)``. Differentiable by autograd.

    Chapters: ``gaussian-integral``, ``jacobian-determinant``.

    Examples
    --------
    >>> import numpy as np
    >>> from jaccourse.transforms import polar
    >>> np.round(polar([2.0, np.pi / 2]), 12)
    array([0., 2.])
    >>> polar(np.zeros((5, 3, 2))).shape
    (5, 3, 2)
    """
    q = _points("polar", "q", q, 2)
    r, theta = q[..., 0], q[..., 1]
    return np.stack([r * np.cos(theta), r * np.sin(theta)], axis=-1)


def polar_inverse(p: Any) -> Any:
    """Cartesian to polar coordinates: ``(x, y) -> (r, theta)``.

    Formula: ``r = hypot(x, y)``, ``theta = arctan2(y, x)``, so ``r >= 0`` and ``theta`` lies
    on the principal branch ``(-pi, pi]`` (with numpy's signed-zero convention,
    ``arctan2(-0.0, -1.0) = -pi``). At the origin ``theta = 0``; the inverse is not
    differentiable there. ``polar_inverse(polar(q)) == q`` when ``r > 0`` and
    ``-pi < theta <= pi``.

    Shapes: ``p`` is ``(..., 2)``; the result is ``(..., 2)``.

    Chapters: ``jacobian-determinant``.

    Examples
    --------
    >>> import numpy as np
    >>> from jaccourse.transforms import polar_inverse
    >>> r, theta = polar_inverse([0.0, -3.0])
    >>> float(r), bool(np.isclose(theta, -np.pi / 2))
    (3.0, True)
    """
    p = _points("polar_inverse", "p", p, 2)
    x, y = p[..., 0], p[..., 1]
    return np.stack([_hypot(x, y), np.arctan2(y, x)], axis=-1)


def polar_jacobian(q: Any) -> Any:
    """Hand-derived Jacobian of :func:`polar` at ``q = (r, theta)``.

    Formula::

        J(r, theta) = [[dx/dr, dx/dtheta],  = [[cos(theta), -r sin(theta)],
                       [dy/dr, dy/dtheta]]     [sin(theta),  r cos(theta)]]

    Shapes: ``q`` is ``(..., 2)``; the result is ``(..., 2, 2)`` (rows: ``x, y``; columns:
    ``r, theta``).

    Chapters: ``jacobian-determinant``, ``gaussian-integral``.

    Examples
    --------
    >>> import numpy as np
    >>> from jaccourse.transforms import polar_jacobian
    >>> np.round(polar_jacobian([2.0, 0.0]), 12) + 0.0  # + 0.0 turns -0. into 0.
    array([[1., 0.],
           [0., 2.]])
    """
    q = _points("polar_jacobian", "q", q, 2)
    r, theta = q[..., 0], q[..., 1]
    c, s = np.cos(theta), np.sin(theta)
    return _matrix([[c, -r * s], [s, r * c]])


def polar_jacobian_determinant(q: Any) -> Any:
    """Jacobian determinant of :func:`polar`: ``det J(r, theta) = r``.

    Formula: ``cos(theta) * r cos(theta) - (-r sin(theta)) * sin(theta) = r``. It is the
    factor in ``dx dy = r dr dtheta`` (signed: negative if ``r < 0``; integrals use ``|r|``).

    Shapes: ``q`` is ``(..., 2)``; the result is ``(...)``.

    Chapters: ``jacobian-determinant``, ``gaussian-integral``.

    Examples
    --------
    >>> from jaccourse.transforms import polar_jacobian_determinant
    >>> float(polar_jacobian_determinant([3.0, 1.0]))
    3.0
    """
    q = _points("polar_jacobian_determinant", "q", q, 2)
    return q[..., 0] * np.ones_like(q[..., 1])


# --------------------------------------------------------------------------------------------
# cylindrical
# --------------------------------------------------------------------------------------------


def cylindrical(q: Any) -> Any:
    """Cylindrical coordinates to Cartesian: ``(r, theta, z) -> (x, y, z)``.

    Formula: ``x = r cos(theta)``, ``y = r sin(theta)``, ``z = z``.

    Shapes: ``q`` is ``(..., 3)``; the result is ``(..., 3)``. Differentiable by autograd.

    Chapters: ``jacobian-determinant``.

    Examples
    --------
    >>> import numpy as np
    >>> from jaccourse.transforms import cylindrical
    >>> np.round(cylindrical([2.0, np.pi, 5.0]), 12)
    array([-2.,  0.,  5.])
    """
    q = _points("cylindrical", "q", q, 3)
    r, theta, z = q[..., 0], q[..., 1], q[..., 2]
    return np.stack([r * np.cos(theta), r * np.sin(theta), z], axis=-1)


def cylindrical_inverse(p: Any) -> Any:
    """Cartesian to cylindrical coordinates: ``(x, y, z) -> (r, theta, z)``.

    Formula: ``r = hypot(x, y)``, ``theta = arctan2(y, x)`` in ``(-pi, pi]``, ``z = z``.
    Not differentiable on the ``z`` axis (``r = 0``), where ``theta = 0`` is returned.

    Shapes: ``p`` is ``(..., 3)``; the result is ``(..., 3)``.

    Chapters: ``jacobian-determinant``.

    Examples
    --------
    >>> import numpy as np
    >>> from jaccourse.transforms import cylindrical, cylindrical_inverse
    >>> q = np.array([1.5, -2.0, 0.3])
    >>> bool(np.allclose(cylindrical_inverse(cylindrical(q)), q))
    True
    """
    p = _points("cylindrical_inverse", "p", p, 3)
    x, y, z = p[..., 0], p[..., 1], p[..., 2]
    return np.stack([_hypot(x, y), np.arctan2(y, x), z], axis=-1)


def cylindrical_jacobian(q: Any) -> Any:
    """Hand-derived Jacobian of :func:`cylindrical` at ``q = (r, theta, z)``.

    Formula::

        J = [[cos(theta), -r sin(theta), 0],
             [sin(theta),  r cos(theta), 0],
             [0,           0,            1]]

    Shapes: ``q`` is ``(..., 3)``; the result is ``(..., 3, 3)``.

    Chapters: ``jacobian-determinant``.

    Examples
    --------
    >>> import numpy as np
    >>> from jaccourse.transforms import cylindrical_jacobian
    >>> np.round(cylindrical_jacobian([2.0, 0.0, 7.0]), 12) + 0.0
    array([[1., 0., 0.],
           [0., 2., 0.],
           [0., 0., 1.]])
    """
    q = _points("cylindrical_jacobian", "q", q, 3)
    r, theta = q[..., 0], q[..., 1]
    c, s = np.cos(theta), np.sin(theta)
    zero, one = np.zeros_like(r), np.ones_like(r)
    return _matrix([[c, -r * s, zero], [s, r * c, zero], [zero, zero, one]])


def cylindrical_jacobian_determinant(q: Any) -> Any:
    """Jacobian determinant of :func:`cylindrical`: ``det J(r, theta, z) = r``.

    Formula: expand along the last row: ``1 * (r cos^2 + r sin^2) = r``, the factor in
    ``dx dy dz = r dr dtheta dz``.

    Shapes: ``q`` is ``(..., 3)``; the result is ``(...)``.

    Chapters: ``jacobian-determinant``.

    Examples
    --------
    >>> from jaccourse.transforms import cylindrical_jacobian_determinant
    >>> float(cylindrical_jacobian_determinant([0.5, 2.0, -1.0]))
    0.5
    """
    q = _points("cylindrical_jacobian_determinant", "q", q, 3)
    return q[..., 0] * np.ones_like(q[..., 1])


# --------------------------------------------------------------------------------------------
# spherical
# --------------------------------------------------------------------------------------------


def spherical(q: Any) -> Any:
    """Spherical coordinates to Cartesian: ``(r, phi, theta) -> (x, y, z)``.

    ``phi`` is the polar angle measured from the ``z`` axis (``0 <= phi <= pi``) and
    ``theta`` the azimuth in the ``xy`` plane (the physics convention, variables in the
    order ``r, phi, theta``).

    Formula: ``x = r sin(phi) cos(theta)``, ``y = r sin(phi) sin(theta)``, ``z = r cos(phi)``.

    Shapes: ``q`` is ``(..., 3)``; the result is ``(..., 3)``. Differentiable by autograd.

    Chapters: ``jacobian-determinant``.

    Examples
    --------
    >>> import numpy as np
    >>> from jaccourse.transforms import spherical
    >>> np.round(spherical([2.0, np.pi / 2, np.pi / 2]), 12)
    array([0., 2., 0.])
    """
    q = _points("spherical", "q", q, 3)
    r, phi, theta = q[..., 0], q[..., 1], q[..., 2]
    sp = np.sin(phi)
    return np.stack([r * sp * np.cos(theta), r * sp * np.sin(theta), r * np.cos(phi)], axis=-1)


def spherical_inverse(p: Any) -> Any:
    """Cartesian to spherical coordinates: ``(x, y, z) -> (r, phi, theta)``.

    Formula: ``r = sqrt(x^2 + y^2 + z^2)``, ``phi = arctan2(hypot(x, y), z)`` in ``[0, pi]``
    (equal to ``arccos(z / r)`` but accurate near the poles), ``theta = arctan2(y, x)`` in
    ``(-pi, pi]``. On the ``z`` axis ``theta = 0``; at the origin ``phi = theta = 0``; the
    inverse is not differentiable there. ``spherical_inverse(spherical(q)) == q`` when
    ``r > 0``, ``0 < phi < pi`` and ``-pi < theta <= pi``.

    Shapes: ``p`` is ``(..., 3)``; the result is ``(..., 3)``.

    Chapters: ``jacobian-determinant``.

    Examples
    --------
    >>> import numpy as np
    >>> from jaccourse.transforms import spherical_inverse
    >>> r, phi, theta = spherical_inverse([0.0, 0.0, -2.0])
    >>> float(r), bool(np.isclose(phi, np.pi))
    (2.0, True)
    """
    p = _points("spherical_inverse", "p", p, 3)
    x, y, z = p[..., 0], p[..., 1], p[..., 2]
    rho = _hypot(x, y)
    return np.stack([_hypot(rho, z), np.arctan2(rho, z), np.arctan2(y, x)], axis=-1)


def spherical_jacobian(q: Any) -> Any:
    """Hand-derived Jacobian of :func:`spherical` at ``q = (r, phi, theta)``.

    Formula (rows ``x, y, z``; columns ``r, phi, theta``)::

        J = [[sin(phi) cos(theta), r cos(phi) cos(theta), -r sin(phi) sin(theta)],
             [sin(phi) sin(theta), r cos(phi) sin(theta),  r sin(phi) cos(theta)],
             [cos(phi),            -r sin(phi),             0                   ]]

    Shapes: ``q`` is ``(..., 3)``; the result is ``(..., 3, 3)``.

    Chapters: ``jacobian-determinant``.

    Examples
    --------
    >>> import numpy as np
    >>> from jaccourse.transforms import spherical_jacobian
    >>> J = spherical_jacobian([2.0, np.pi / 2, 0.0])
    >>> np.round(J, 12) + 0.0
    array([[ 1.,  0.,  0.],
           [ 0.,  0.,  2.],
           [ 0., -2.,  0.]])
    """
    q = _points("spherical_jacobian", "q", q, 3)
    r, phi, theta = q[..., 0], q[..., 1], q[..., 2]
    sp, cp = np.sin(phi), np.cos(phi)
    st, ct = np.sin(theta), np.cos(theta)
    return _matrix(
        [
            [sp * ct, r * cp * ct, -r * sp * st],
            [sp * st, r * cp * st, r * sp * ct],
            [cp, -r * sp, np.zeros_like(r)],
        ]
    )


def spherical_jacobian_determinant(q: Any) -> Any:
    """Jacobian determinant of :func:`spherical`: ``det J(r, phi, theta) = r^2 sin(phi)``.

    Formula: with the variable order ``(r, phi, theta)`` the sign is ``+``, so
    ``dx dy dz = r^2 sin(phi) dr dphi dtheta`` (positive for ``r > 0``, ``0 < phi < pi``).

    Shapes: ``q`` is ``(..., 3)``; the result is ``(...)``.

    Chapters: ``jacobian-determinant``.

    Examples
    --------
    >>> import numpy as np
    >>> from jaccourse.transforms import spherical_jacobian_determinant
    >>> float(spherical_jacobian_determinant([2.0, np.pi / 2, 1.0]))
    4.0
    """
    q = _points("spherical_jacobian_determinant", "q", q, 3)
    r, phi, theta = q[..., 0], q[..., 1], q[..., 2]
    return r**2 * np.sin(phi) * np.ones_like(theta)


# --------------------------------------------------------------------------------------------
# the transform object
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoordinateTransform:
    """A change of variables ``x = T(q)`` bundled with its inverse and hand-derived Jacobian.

    Fields: ``name``; ``variables``, the names of the input coordinates (their number ``n``
    is the dimension); ``forward``: ``(..., n) -> (..., n)``; ``inverse``: ``(..., n) ->
    (..., n)``; ``jacobian``: ``(..., n) -> (..., n, n)``; ``jacobian_determinant``:
    ``(..., n) -> (...)``. Calling the object calls ``forward``.

    Chapters: ``jacobian-determinant``, ``gaussian-integral``.

    Examples
    --------
    >>> import numpy as np
    >>> from jaccourse.transforms import POLAR
    >>> POLAR.variables, POLAR.dim
    (('r', 'theta'), 2)
    >>> bool(np.allclose(POLAR([1.0, 0.0]), [1.0, 0.0]))
    True
    >>> float(POLAR.jacobian_determinant([2.5, 0.3]))
    2.5
    """

    name: str
    variables: tuple[str, ...]
    forward: Callable[[Any], Any]
    inverse: Callable[[Any], Any]
    jacobian: Callable[[Any], Any]
    jacobian_determinant: Callable[[Any], Any]

    def __post_init__(self) -> None:
        func = "CoordinateTransform"
        if not isinstance(self.name, str):
            raise TypeError(f"{func}: name must be a str, got {describe(self.name)}")
        variables = tuple(self.variables) if isinstance(self.variables, (list, tuple)) else None
        if not variables or not all(isinstance(v, str) for v in variables):
            raise TypeError(
                f"{func}: variables must be a non-empty tuple of str, got "
                f"{describe(self.variables)}"
            )
        object.__setattr__(self, "variables", variables)
        for field in ("forward", "inverse", "jacobian", "jacobian_determinant"):
            check_callable(func, field, getattr(self, field), nargs=1, call=f"{field}(q)")

    @property
    def dim(self) -> int:
        """The number of coordinates ``n``."""
        return len(self.variables)

    def __call__(self, q: Any) -> Any:
        """Apply the forward map ``x = T(q)``."""
        return self.forward(q)


POLAR = CoordinateTransform(
    "polar", ("r", "theta"), polar, polar_inverse, polar_jacobian, polar_jacobian_determinant
)
"""Polar coordinates ``(r, theta) -> (x, y)``, ``det J = r``.

:meta hide-value:"""

CYLINDRICAL = CoordinateTransform(
    "cylindrical",
    ("r", "theta", "z"),
    cylindrical,
    cylindrical_inverse,
    cylindrical_jacobian,
    cylindrical_jacobian_determinant,
)
"""Cylindrical coordinates ``(r, theta, z) -> (x, y, z)``, ``det J = r``.

:meta hide-value:"""

SPHERICAL = CoordinateTransform(
    "spherical",
    ("r", "phi", "theta"),
    spherical,
    spherical_inverse,
    spherical_jacobian,
    spherical_jacobian_determinant,
)
"""Spherical coordinates ``(r, phi, theta) -> (x, y, z)``, ``det J = r^2 sin(phi)``.

:meta hide-value:"""


def linear_transform(A: Any) -> CoordinateTransform:
    """The linear change of variables ``x = A u`` as a :class:`CoordinateTransform`.

    Formula: ``T(u) = A u``; its Jacobian is ``A`` at every point and its determinant is
    ``det A`` everywhere (a linear map scales every volume by ``|det A|``). The inverse
    ``u = A^{-1} x`` is computed with ``solve``; it raises ``ValueError`` if ``A`` is
    singular (calling the forward map of a singular ``A`` is fine).

    Shapes: ``A`` is ``(n, n)``; the maps take ``(..., n)``; ``jacobian`` returns
    ``(..., n, n)`` and ``jacobian_determinant`` returns ``(...)``.

    Chapters: ``linear-maps``, ``jacobian-determinant``.

    Examples
    --------
    >>> import numpy as np
    >>> from jaccourse.transforms import linear_transform
    >>> T = linear_transform([[2.0, 1.0], [0.0, 3.0]])
    >>> T([1.0, 1.0])
    array([3., 3.])
    >>> float(T.jacobian_determinant([0.0, 0.0]))
    6.0
    >>> bool(np.allclose(T.inverse(T([0.2, -0.7])), [0.2, -0.7]))
    True
    """
    func = "linear_transform"
    if isinstance(A, Box):
        raise TypeError(f"{func}: A must be a concrete array of numbers, not an autograd tracer")
    try:
        raw = onp.asarray(A)
    except (TypeError, ValueError):
        raise TypeError(
            f"{func}: A must be a square 2-D array of numbers, got {describe(A)}"
        ) from None
    if raw.dtype.kind == "c":
        raise TypeError(f"{func}: A must be a real square matrix, got complex values")
    mat = as_array(func, "A", A, ndim=2)
    if mat.shape[0] != mat.shape[1] or mat.shape[0] == 0:
        raise ValueError(
            f"{func}: A must be a square (n, n) matrix with n >= 1, got shape {mat.shape}"
        )
    mat = mat.copy()
    mat.setflags(write=False)
    n = mat.shape[0]
    with onp.errstate(all="ignore"):  # LU of a singular matrix divides by zero, harmlessly
        det = float(onp.linalg.det(mat))
    singular = onp.linalg.matrix_rank(mat) < n
    where = f"{func}(A)"

    def forward(u: Any) -> Any:
        u = _points(f"{where}.forward", "u", u, n)
        return np.matmul(u, mat.T)

    def inverse(x: Any) -> Any:
        if singular:
            raise ValueError(
                f"{where}.inverse: A is singular (rank < {n}), so x = A u has no unique inverse"
            )
        x = _points(f"{where}.inverse", "x", x, n)
        flat = np.reshape(x, (-1, n))
        u = np.transpose(np.linalg.solve(mat, np.transpose(flat)))
        return np.reshape(u, np.shape(x))

    def jacobian(u: Any) -> Any:
        u = _points(f"{where}.jacobian", "u", u, n)
        return onp.broadcast_to(mat, tuple(np.shape(u)[:-1]) + (n, n)).copy()

    def jacobian_determinant(u: Any) -> Any:
        u = _points(f"{where}.jacobian_determinant", "u", u, n)
        return onp.full(tuple(np.shape(u)[:-1]), det)

    names = ("u",) if n == 1 else tuple(f"u{i + 1}" for i in range(n))
    return CoordinateTransform("linear", names, forward, inverse, jacobian, jacobian_determinant)
