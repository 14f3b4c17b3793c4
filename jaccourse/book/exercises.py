"""Checks for the course's code exercises: a verdict and a hint, never the answer.

Every code exercise in the book ends with a call such as ::

    from jaccourse.book import exercises
    verdict = exercises.check_jacobian("jd-ex-polar-code", polar_jacobian)

The check compares the student's answer with a reference answer kept in the package (in
``jaccourse/book/_exercise_refs/``, one module per chapter), not in the page, and prints one line:

- ``jd-ex-polar-code: correct.``
- ``jd-ex-polar-code: not answered yet.`` while the answer is still the stub's ``...`` (or the
  function returns ``None`` or raises ``NotImplementedError``);
- ``jd-ex-polar-code: not right yet. Hint: ...`` otherwise. The hint names the *kind* of
  mistake (wrong shape, transposed, a sign error, off by a constant factor or by a named factor
  such as ``r``, columns swapped, right at some points only, close but not exact, not finite,
  an overflow, an exception) without printing the expected numbers. Where only some entries
  are wrong it names them by position (the row, the column or the entry, and the point),
  says the others are right, and never shows a value; a function that overflows is told so,
  with the usual remedy in words.

Four checks, one per kind of answer:

- :func:`check_jacobian`: a function of the point returning the ``(m, n)`` Jacobian matrix;
- :func:`check_gradient`: a function of the point returning the gradient, shape ``(n,)``;
- :func:`check_function`: a function of the point returning any value (a number, a vector,
  a matrix), compared with a reference function;
- :func:`check_value`: a number or an array.

Each returns a :class:`Verdict` (``bool(verdict)`` is ``verdict.correct``). The references
are built with :class:`JacobianReference`, :class:`GradientReference`,
:class:`FunctionReference` and :class:`ValueReference`; :func:`reference` looks one up by
its exercise label and :func:`exercise_labels` lists them all.
"""

from __future__ import annotations

import difflib
import importlib
import math
import pkgutil
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from numbers import Real
from typing import Any, cast

import numpy as onp

__all__ = [
    "Verdict",
    "JacobianReference",
    "GradientReference",
    "FunctionReference",
    "ValueReference",
    "check_jacobian",
    "check_gradient",
    "check_function",
    "check_value",
    "reference",
    "exercise_labels",
]

_STATUSES = ("correct", "wrong", "not answered")


@dataclass(frozen=True)
class Verdict:
    """The outcome of a check: ``status`` is ``"correct"``, ``"wrong"`` or ``"not answered"``.

    Attributes
    ----------
    label : str
        The exercise's label, e.g. ``"jd-ex-polar-code"``.
    status : str
        ``"correct"``, ``"wrong"`` or ``"not answered"``.
    hint : str
        What looks wrong (empty unless ``status == "wrong"``); never the answer itself.

    Examples
    --------
    >>> v = Verdict("xx-ex-demo", "wrong", "sign error: every entry has the wrong sign")
    >>> bool(v), v.correct
    (False, False)
    >>> v.message
    'xx-ex-demo: not right yet. Hint: sign error: every entry has the wrong sign'
    """

    label: str
    status: str
    hint: str = ""

    def __post_init__(self) -> None:
        if self.status not in _STATUSES:
            raise ValueError(
                f"Verdict: argument 'status' must be one of {_STATUSES}, got {self.status!r}"
            )

    @property
    def correct(self) -> bool:
        """True when the answer matches the reference."""
        return self.status == "correct"

    @property
    def message(self) -> str:
        """The one line a check prints."""
        if self.status == "correct":
            return f"{self.label}: correct."
        if self.status == "not answered":
            return f"{self.label}: not answered yet."
        return f"{self.label}: not right yet. Hint: {self.hint}"

    def __bool__(self) -> bool:
        return self.correct

    def __repr__(self) -> str:
        return f"<Verdict {self.message}>"


# --------------------------------------------------------------------------- references


def _real_array(func: str, value: Any, *, ragged: str, not_real: str) -> onp.ndarray:
    """``value`` as a float array of real numbers (no bool), or the error the caller words."""
    try:
        raw = onp.asarray(value)
    except ValueError:  # numpy refuses a ragged nesting such as [1.0, [2.0, 3.0]]
        raise ValueError(f"{func}: {ragged}") from None
    items = (
        raw.ravel()
        if isinstance(value, onp.ndarray)  # True is no number here
        else onp.asarray(value, dtype=object).ravel()
    )
    if raw.dtype.kind not in "iufO" or not all(
        isinstance(v, Real) and not isinstance(v, (bool, onp.bool_)) for v in items
    ):
        raise TypeError(f"{func}: {not_real}")
    return raw.astype(float)


def _point(func: str, point: Any) -> float | onp.ndarray:
    """One finite point: a real number or a non-empty 1-D vector of real numbers."""
    if isinstance(point, (str, bytes, bool, onp.bool_)) or point is None:
        raise TypeError(
            f"{func}: argument 'points' must hold numbers or vectors of numbers, got {point!r}"
        )
    p = _real_array(
        func,
        point,
        ragged=f"argument 'points' must hold numbers or 1-D vectors, got the "
        f"ragged {point!r} (entries of different lengths)",
        not_real=f"argument 'points' must hold real numbers or vectors of real "
        f"numbers, got {point!r}",
    )
    if p.ndim > 1:
        raise ValueError(
            f"{func}: argument 'points' must hold numbers or 1-D vectors, got a "
            f"{p.ndim}-D array of shape {p.shape}: {point!r}"
        )
    if p.ndim == 1 and p.size == 0:
        raise ValueError(
            f"{func}: argument 'points' must hold numbers or non-empty vectors, got an empty vector"
        )
    if not onp.all(onp.isfinite(p)):
        raise ValueError(f"{func}: argument 'points' must hold finite numbers, got {point!r}")
    return float(p) if p.ndim == 0 else p


def _points(func: str, points: Any, mixed_sizes: Any = False) -> list[Any]:
    """A non-empty list of finite points (floats or float vectors), all of one shape unless
    ``mixed_sizes``."""
    if not isinstance(mixed_sizes, bool):
        raise TypeError(
            f"{func}: argument 'mixed_sizes' must be True or False, got {mixed_sizes!r}"
        )
    if isinstance(points, onp.ndarray) and points.ndim in (1, 2):
        points = list(points)  # a 2-D array is a list of vector points, one per row
    if isinstance(points, (str, bytes)) or not isinstance(points, Sequence) or len(points) == 0:
        raise ValueError(
            f"{func}: argument 'points' must be a non-empty list of points "
            f"(numbers or vectors), got {points!r}"
        )
    out = [_point(func, point) for point in points]
    shapes = [onp.shape(p) for p in out]
    if any(s == () for s in shapes) and any(s != () for s in shapes):
        raise ValueError(
            f"{func}: argument 'points' must hold numbers only or vectors only, "
            f"got both: {points!r}"
        )
    if len(set(shapes)) > 1 and not mixed_sizes:
        sizes = ", ".join(str(s[0]) for s in shapes)
        raise ValueError(
            f"{func}: argument 'points' must hold vectors of one length, got "
            f"lengths {sizes} (a ragged list); pass mixed_sizes=True if the "
            f"exercise's map takes vectors of any length"
        )
    return out


def _close_hint(func: str, hint: Any) -> str | None:
    if hint is not None and (not isinstance(hint, str) or not hint.strip()):
        raise TypeError(
            f"{func}: argument 'close_hint' must be None or a non-empty string, got {hint!r}"
        )
    return hint


def _tolerances(func: str, rtol: Any, atol: Any) -> tuple[float, float]:
    for name, value in (("rtol", rtol), ("atol", atol)):
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not math.isfinite(value)
            or value < 0
        ):
            raise ValueError(
                f"{func}: argument '{name}' must be a finite number >= 0, got {value!r}"
            )
    return float(rtol), float(atol)


def _factors(func: str, factors: Any, *, of_point: bool) -> dict[str, Any]:
    if factors is None:
        return {}
    what = "functions of the point" if of_point else "finite numbers"
    if not isinstance(factors, Mapping) or not all(
        isinstance(k, str) and k.strip() for k in factors
    ):
        raise TypeError(
            f"{func}: argument 'factors' must be a dict of names (non-empty "
            f"strings) to {what}, got {factors!r}"
        )
    for name, value in factors.items():
        if of_point and not callable(value):
            raise TypeError(
                f"{func}: argument 'factors' must map names to functions of the "
                f"point, got {value!r} for {name!r}"
            )
        if not of_point and (
            isinstance(value, bool) or not isinstance(value, (int, float, Fraction))
        ):
            raise TypeError(
                f"{func}: argument 'factors' must map names to numbers, got {value!r} for {name!r}"
            )
        if not of_point and not math.isfinite(value):
            raise ValueError(
                f"{func}: argument 'factors' must map names to finite numbers, "
                f"got {value!r} for {name!r}"
            )
    return dict(factors)


class _PointReference:
    """Shared by the references whose answer is a function of a point."""

    kind = ""
    check_name = ""

    def __init__(
        self,
        func: str,
        points: Any,
        factors: Any,
        rtol: Any,
        atol: Any,
        close_hint: Any = None,
        mixed_sizes: Any = False,
    ) -> None:
        self.points = _points(func, points, mixed_sizes)
        self.factors = _factors(func, factors, of_point=True)
        self.rtol, self.atol = _tolerances(func, rtol, atol)
        self.close_hint = _close_hint(func, close_hint)

    def expected(self, point: Any) -> onp.ndarray:  # pragma: no cover - overridden
        raise NotImplementedError


class JacobianReference(_PointReference):
    """The reference of an exercise whose answer is a function returning a Jacobian matrix.

    Parameters
    ----------
    f : callable, optional
        The map ``R^n -> R^m`` (autograd-differentiable); the reference Jacobian at a point is
        autograd's Jacobian of ``f`` there. Give ``f`` or ``jacobian``, not both.
    points : list
        The points at which the student's function is called and compared: numbers, or 1-D
        vectors all of one length (a 2-D array gives one point per row).
    jacobian : callable, optional
        The reference Jacobian as a function of the point, instead of ``f``.
    factors : dict, optional
        Named factors the hint can recognise, as functions of the point, e.g.
        ``{"r": lambda p: p[0]}`` gives "off by the factor r".
    rtol, atol : float
        The tolerance of the comparison (``numpy.allclose``).
    close_hint : str, optional
        What to say when an answer is close but not within the tolerance, if this exercise
        knows the likely cause better than the default ("rounded numbers or a
        finite-difference approximation?").
    mixed_sizes : bool
        Whether the points may be vectors of different lengths, for a map defined in every
        dimension (softmax, a discretised equation); otherwise a ragged list such as
        ``[[1.0, 2.0], [3.0]]`` is refused.

    Raises
    ------
    TypeError
        If ``f`` or ``jacobian`` is not callable, or a point holds something other than
        real numbers (a string, a boolean, ``None``, a complex number).
    ValueError
        If ``points`` is empty, holds a non-finite number, an empty vector, a ragged or 2-D
        point, numbers and vectors together, or (without ``mixed_sizes``) vectors of
        different lengths.

    Examples
    --------
    >>> import autograd.numpy as np
    >>> ref = JacobianReference(lambda p: np.stack([p[0] * p[1], p[0]]), [[1.0, 2.0]])
    >>> ref.expected(ref.points[0]).tolist()
    [[2.0, 1.0], [1.0, 0.0]]
    """

    kind = "jacobian"
    check_name = "check_jacobian"

    def __init__(
        self,
        f: Callable | None = None,
        points: Any = None,
        *,
        jacobian: Callable | None = None,
        factors: Any = None,
        rtol: float = 1e-8,
        atol: float = 1e-10,
        close_hint: str | None = None,
        mixed_sizes: bool = False,
    ) -> None:
        func = "JacobianReference"
        if (f is None) == (jacobian is None):
            raise ValueError(
                f"{func}: give exactly one of 'f' (the map) and 'jacobian' (the "
                f"reference Jacobian as a function of the point)"
            )
        for name, value in (("f", f), ("jacobian", jacobian)):
            if value is not None and not callable(value):
                raise TypeError(f"{func}: argument '{name}' must be a callable, got {value!r}")
        super().__init__(func, points, factors, rtol, atol, close_hint, mixed_sizes)
        self.f, self._jacobian = f, jacobian

    def expected(self, point: Any) -> onp.ndarray:
        """The reference Jacobian at ``point``, shape ``(m, n)``."""
        if self._jacobian is not None:
            return onp.atleast_2d(onp.asarray(self._jacobian(point), dtype=float))
        from jaccourse.derivatives import jacobian

        f = cast(Callable, self.f)  # the constructor requires f when jacobian is None
        return onp.atleast_2d(onp.asarray(jacobian(f, onp.atleast_1d(point)), dtype=float))


class GradientReference(_PointReference):
    """The reference of an exercise whose answer is a function returning a gradient.

    Parameters
    ----------
    f : callable
        The scalar function ``R^n -> R`` (autograd-differentiable).
    points : list
        The points at which the student's function is called and compared.
    factors, rtol, atol, close_hint, mixed_sizes
        As in :class:`JacobianReference`, which also lists the errors raised.

    Examples
    --------
    >>> ref = GradientReference(lambda p: p[0] ** 2 + 3 * p[1], [[1.0, 5.0]])
    >>> ref.expected(ref.points[0]).tolist()
    [2.0, 3.0]
    """

    kind = "gradient"
    check_name = "check_gradient"

    def __init__(
        self,
        f: Callable,
        points: Any,
        *,
        factors: Any = None,
        rtol: float = 1e-8,
        atol: float = 1e-10,
        close_hint: str | None = None,
        mixed_sizes: bool = False,
    ) -> None:
        func = "GradientReference"
        if not callable(f):
            raise TypeError(f"{func}: argument 'f' must be a callable, got {f!r}")
        super().__init__(func, points, factors, rtol, atol, close_hint, mixed_sizes)
        self.f = f

    def expected(self, point: Any) -> onp.ndarray:
        """The reference gradient at ``point``, shape ``(n,)``."""
        from jaccourse.derivatives import gradient

        return onp.asarray(gradient(self.f, onp.atleast_1d(point)), dtype=float)


class FunctionReference(_PointReference):
    """The reference of an exercise whose answer is any function of a point.

    Parameters
    ----------
    function : callable
        The reference function; the student's function must return the same value (a
        number or an array) at every point.
    points : list
        The points (numbers or vectors) at which both are called.
    factors, rtol, atol, close_hint, mixed_sizes
        As in :class:`JacobianReference`, which also lists the errors raised.

    Examples
    --------
    >>> ref = FunctionReference(lambda t: t * (1 - t), [0.25, 0.5])
    >>> float(ref.expected(0.5))
    0.25
    """

    kind = "function"
    check_name = "check_function"

    def __init__(
        self,
        function: Callable,
        points: Any,
        *,
        factors: Any = None,
        rtol: float = 1e-8,
        atol: float = 1e-10,
        close_hint: str | None = None,
        mixed_sizes: bool = False,
    ) -> None:
        func = "FunctionReference"
        if not callable(function):
            raise TypeError(f"{func}: argument 'function' must be a callable, got {function!r}")
        super().__init__(func, points, factors, rtol, atol, close_hint, mixed_sizes)
        self.function = function

    def expected(self, point: Any) -> onp.ndarray:
        """The reference value at ``point``."""
        return onp.asarray(self.function(point), dtype=float)


class ValueReference:
    """The reference of an exercise whose answer is a number or an array.

    Parameters
    ----------
    value : number, Fraction or array
        The right answer.
    factors : dict, optional
        Named numbers the hint can recognise, e.g. ``{"pi": math.pi}`` gives "off by the
        factor pi".
    rtol, atol : float
        The tolerance of the comparison.
    close_hint : str, optional
        As in :class:`JacobianReference`.

    Raises
    ------
    TypeError
        If ``value`` is not a real number or an array of them (a string, a boolean, a
        complex number), or a factor is not a number.
    ValueError
        If ``value`` is ragged, empty or not finite, or a factor is not finite.

    Examples
    --------
    >>> float(ValueReference(Fraction(-201, 4)).expected())
    -50.25
    """

    kind = "value"
    check_name = "check_value"

    def __init__(
        self,
        value: Any,
        *,
        factors: Any = None,
        rtol: float = 1e-8,
        atol: float = 1e-10,
        close_hint: str | None = None,
    ) -> None:
        func = "ValueReference"
        self.value = _value(func, value)
        self.factors = {
            name: (lambda _p, c=float(c): c)
            for name, c in _factors(func, factors, of_point=False).items()
        }
        self.rtol, self.atol = _tolerances(func, rtol, atol)
        self.close_hint = _close_hint(func, close_hint)
        self.points = [None]

    def expected(self, point: Any = None) -> onp.ndarray:
        """The right answer."""
        return self.value


def _value(func: str, value: Any) -> onp.ndarray:
    """A reference value: a finite real number or a non-empty array of them."""
    if isinstance(value, Fraction):
        value = float(value)
    if isinstance(value, (str, bytes, bool, onp.bool_)) or value is None:
        raise TypeError(
            f"{func}: argument 'value' must be a number or an array of numbers, got {value!r}"
        )
    array = _real_array(
        func,
        value,
        ragged=f"argument 'value' must be a number or an array of numbers, "
        f"got the ragged {value!r} (rows of different lengths)",
        not_real=f"argument 'value' must be a number or an array of real numbers, got {value!r}",
    )
    if array.size == 0:
        raise ValueError(f"{func}: argument 'value' must not be empty, got {value!r}")
    if not onp.all(onp.isfinite(array)):
        raise ValueError(f"{func}: argument 'value' must be finite, got {value!r}")
    return array


_REFERENCE_TYPES = (JacobianReference, GradientReference, FunctionReference, ValueReference)
_REGISTRY: dict[str, Any] | None = None


def _registry() -> dict[str, Any]:
    """Every chapter's references, loaded once from ``jaccourse.book._exercise_refs``."""
    global _REGISTRY
    if _REGISTRY is None:
        from jaccourse.book import _exercise_refs

        registry: dict[str, Any] = {}
        for info in sorted(pkgutil.iter_modules(_exercise_refs.__path__), key=lambda i: i.name):
            module = importlib.import_module(f"{_exercise_refs.__name__}.{info.name}")
            for label, ref in getattr(module, "REFERENCES", {}).items():
                if label in registry:
                    raise RuntimeError(
                        f"exercises: label {label!r} has two references "
                        f"(the second in {module.__name__})"
                    )
                if not isinstance(ref, _REFERENCE_TYPES):
                    raise RuntimeError(
                        f"exercises: the reference of {label!r} in "
                        f"{module.__name__} is not a reference object"
                    )
                registry[label] = ref
        _REGISTRY = registry
    return _REGISTRY


def exercise_labels() -> list[str]:
    """The labels of every exercise that has a check, sorted.

    Examples
    --------
    >>> labels = exercise_labels()
    >>> labels == sorted(labels) and all("-ex-" in label for label in labels)
    True
    """
    return sorted(_registry())


def reference(label: str) -> Any:
    """The reference of the exercise ``label`` (for instructors and tests).

    Raises
    ------
    TypeError
        If ``label`` is not a string.
    ValueError
        If no exercise has that label (the message suggests the closest labels).

    Examples
    --------
    >>> ref = reference("demo-ex-value")
    >>> ref.check_name, float(ref.expected())
    ('check_value', -50.25)
    """
    return _lookup("reference", label, None)


def _lookup(func: str, label: Any, kind: type | None) -> Any:
    if not isinstance(label, str):
        raise TypeError(
            f"{func}: argument 'label' must be an exercise label (a string such "
            f"as 'jd-ex-polar-code'), got {label!r}"
        )
    registry = _registry()
    if label not in registry:
        close = difflib.get_close_matches(label, list(registry), n=3)
        hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
        raise ValueError(f"{func}: argument 'label': no exercise is labelled {label!r}{hint}")
    ref = registry[label]
    if kind is not None and not isinstance(ref, kind):
        raise TypeError(f"{func}: exercise {label!r} is checked with {ref.check_name}, not {func}")
    return ref


# --------------------------------------------------------------------------- diagnosis


class _NotAnswered(Exception):
    pass


class _Wrong(Exception):
    def __init__(self, hint: str) -> None:
        super().__init__(hint)
        self.hint = hint


def _show(point: Any) -> str:
    """A point as a reader writes it, ``0.5`` or ``(2, 0.5)``; a long vector shortened."""
    if isinstance(point, onp.ndarray):
        values = [f"{v:g}" for v in point]
        if len(values) > 6:  # seventeen coordinates help nobody read the hint
            return f"({', '.join(values[:3])}, ..., {values[-1]}) with {len(values)} coordinates"
        return "(" + ", ".join(values) + ")"
    return f"{point:g}"


def _at(point: Any) -> str:
    """``" at the point (2, 0.5)"``; nothing for an answer that is not a function's value."""
    return "" if point is None else f" at the point {_show(point)}"


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _positions(indices: list[tuple[int, ...]]) -> str:
    """Where entries are, never what they hold: "row 1, column 0 (counting from 0)"."""
    if len(indices[0]) == 1:
        names = [str(index[0]) for index in indices]
        return f"{'entry' if len(names) == 1 else 'entries'} {_join(names)} (counting from 0)"
    if len(indices[0]) == 2:
        names = [f"row {i}, column {j}" for i, j in indices]
        if len(names) > 1:
            names = [f"({name})" for name in names]
        return f"{_join(names)} (counting from 0)"
    return f"{_join([f'index {index}' for index in indices])} (counting from 0)"


def _indices(mask: onp.ndarray) -> list[tuple[int, ...]]:
    return [tuple(int(i) for i in index) for index in onp.argwhere(mask)]


_FLOAT_TROUBLES = (
    ("overflow", "overflow encountered"),
    ("divide", "divide by zero encountered"),
    ("invalid", "invalid value encountered"),
)


def _float_troubles(caught: Sequence[Any]) -> dict[str, str]:
    """What numpy warned of while the student's function ran: ``{"overflow": "exp", ...}``,
    the first operation of each kind (numpy says "overflow encountered in exp")."""
    found: dict[str, str] = {}
    for record in caught:
        text = str(record.message)
        for trouble, phrase in _FLOAT_TROUBLES:
            if text.startswith(phrase) and trouble not in found:
                found[trouble] = text.split(" in ", 1)[1] if " in " in text else ""
    return found


def _overflow_hint(point: Any, operation: str | None, raised: str = "") -> str:
    """Says that the student's function overflows, and the usual remedy in words (never the
    answer). ``operation`` is numpy's name for it ("exp"); ``raised`` what Python raised."""
    if operation is not None and operation.startswith("exp"):
        return (
            f"your function overflows{_at(point)}: exp of a number above about 709 is too "
            f"large for a float, so an intermediate becomes infinity and your answer holds "
            f"infinity or NaN. Never exponentiate a large number: subtract the maximum "
            f"before exponentiating (it cancels in a ratio, and comes back as a plain added "
            f"term outside a log)"
        )
    within = f" (in {operation})" if operation else ""
    outcome = (
        f" ({raised})"
        if raised
        else ", so it becomes infinity and your answer holds infinity or NaN"
    )
    return (
        f"your function overflows{_at(point)}: an intermediate result{within} is too large "
        f"for a float{outcome}. Rearrange the computation so that nothing grows that "
        f"large: subtract the maximum before exponentiating, or divide out the largest "
        f"value before multiplying or squaring"
    )


def _nonfinite_hint(array: onp.ndarray, point: Any, caught: Sequence[Any]) -> str:
    """Says which entries are NaN or infinite, and why when numpy said so."""
    troubles = _float_troubles(caught)
    if "overflow" in troubles:
        return _overflow_hint(point, troubles["overflow"] or None)
    nan, inf = bool(onp.isnan(array).any()), bool(onp.isinf(array).any())
    what = (
        "NaN (not a number) and infinity"
        if nan and inf
        else "NaN (not a number)"
        if nan
        else "infinity"
    )
    where = ""
    if array.size > 1:
        bad = _indices(~onp.isfinite(array))
        if len(bad) == array.size:
            where = " in every entry"
        elif len(bad) <= 3:
            where = f" in {_positions(bad)}"
        else:
            where = f" in {len(bad)} of {array.size} entries, the first at {_positions(bad[:1])}"
    cause = ""
    if "divide" in troubles:
        cause = (
            f": a division by zero there (numpy: divide by zero encountered in "
            f"{troubles['divide']}); a denominator, or the argument of a log, is zero at "
            f"this point"
        )
    elif "invalid" in troubles:
        cause = (
            f": an undefined operation there (numpy: invalid value encountered in "
            f"{troubles['invalid']}), such as 0/0, infinity minus infinity, or the square "
            f"root or log of a negative number"
        )
    return f"your answer{_at(point)} contains {what}{where}{cause}"


def _as_array(answer: Any, point: Any = None, caught: Sequence[Any] = ()) -> onp.ndarray:
    """The student's answer as a finite float array; ``_Wrong`` with a hint otherwise."""
    if answer is None or answer is Ellipsis:
        raise _NotAnswered
    at = _at(point)
    if isinstance(answer, Fraction):
        answer = float(answer)
    if isinstance(answer, (str, bytes)):
        raise _Wrong(
            f"your answer{at} must be a number or an array of numbers, not a string ({answer!r})"
        )
    try:
        raw = onp.asarray(answer)
    except ValueError:  # numpy refuses ragged nesting
        raise _Wrong(
            f"your answer{at} must be a number or an array of numbers; yours is a "
            f"ragged list (rows of different lengths)"
        ) from None
    if raw.dtype.kind in "USO" and any(isinstance(v, (str, bytes)) for v in raw.flat):
        raise _Wrong(f"your answer{at} must be a number or an array of numbers, not strings")
    if raw.dtype.kind in "bc":
        got = "True or False" if raw.dtype.kind == "b" else "complex numbers"
        raise _Wrong(f"your answer{at} must be a number or an array of real numbers, not {got}")
    try:
        array = raw.astype(float)
    except (TypeError, ValueError):
        raise _Wrong(
            f"your answer{at} must be a number or an array of numbers, got {type(answer).__name__}"
        ) from None
    if not onp.all(onp.isfinite(array)):
        raise _Wrong(_nonfinite_hint(array, point, caught))
    return array


_WARNING_REGISTRIES: dict[str, dict] = {}


def _warn_again(caught: Sequence[Any]) -> None:
    """Issue again the warnings the student's function raised, when no hint explains them
    (a correct answer may well overflow on the way, e.g. ``1 / (1 + exp(-z))``)."""
    for record in caught:
        warnings.warn_explicit(
            record.message,
            record.category,
            record.filename,
            record.lineno,
            source=record.source,
            registry=_WARNING_REGISTRIES.setdefault(record.filename, {}),
        )


def _call(fn: Callable, point: Any) -> onp.ndarray:
    """The student's answer at ``point``; what numpy warned of meanwhile feeds the hint."""
    argument = onp.array(point, dtype=float) if isinstance(point, onp.ndarray) else point
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            answer = fn(argument)
        except NotImplementedError:
            raise _NotAnswered from None
        except Exception as error:  # noqa: BLE001 - any mistake in the student's code
            text = str(error)
            if isinstance(error, OverflowError):  # Python's math.exp(1000), 10.0 ** 400
                raise _Wrong(
                    _overflow_hint(point, None, f"Python raised OverflowError: {text}")
                ) from None
            if isinstance(error, FloatingPointError) and text.startswith("overflow"):
                operation = text.split(" in ", 1)[1] if " in " in text else None  # errstate
                raise _Wrong(_overflow_hint(point, operation)) from None
            raise _Wrong(
                f"your function raised {type(error).__name__}{_at(point)}: {text}"
            ) from None
    array = _as_array(answer, point, caught)
    _warn_again(caught)
    return array


def _expected(ref: Any, point: Any) -> onp.ndarray:
    expected = onp.asarray(ref.expected(point), dtype=float)
    if not onp.all(onp.isfinite(expected)):
        raise RuntimeError(
            f"{ref.check_name}: the reference answer of this exercise is not "
            f"finite{_at(point)}: a bug in the course, not in your answer; "
            f"please report it"
        )
    return expected


def _close(a: onp.ndarray, b: onp.ndarray, ref: Any, loosen: float = 1.0) -> bool:
    return a.shape == b.shape and bool(
        onp.allclose(a, b, rtol=ref.rtol * loosen, atol=ref.atol * loosen)
    )


def _all_close(
    pairs: list[tuple[onp.ndarray, onp.ndarray]],
    ref: Any,
    transform: Callable[
        [onp.ndarray, onp.ndarray], tuple[onp.ndarray, onp.ndarray]
    ] = lambda a, e: (a, e),
    loosen: float = 1.0,
) -> bool:
    for answer, expected in pairs:
        a, e = transform(answer, expected)
        if not _close(a, e, ref, loosen):
            return False
    return True


def _shape_hint(kind: str, answer: onp.ndarray, expected: onp.ndarray, ref: Any) -> str:
    got, want = answer.shape, expected.shape
    if kind == "jacobian":
        if answer.ndim == 2 and got == want[::-1] and _close(answer.T, expected, ref):
            return (
                f"transposed: a Jacobian has one row per output and one column per input, "
                f"shape {want} here; yours has shape {got}"
            )
        return (
            f"wrong shape: this Jacobian has shape {want} (one row per output, one column "
            f"per input); yours has shape {got}"
        )
    if kind == "gradient":
        if answer.size == expected.size and answer.ndim == 2:
            return (
                f"wrong shape: return a flat vector of shape {want}, not a matrix of shape "
                f"{got} (the gradient is the transposed 1 x n Jacobian, flattened)"
            )
        return (
            f"wrong shape: the gradient has one entry per variable, shape {want}; yours has {got}"
        )
    if expected.ndim == 0:
        return f"wrong shape: the answer is a single number; yours has shape {got}"
    return f"wrong shape: the answer has shape {want}; yours has shape {got}"


def _diagnose(kind: str, pairs: list[tuple[onp.ndarray, onp.ndarray]], ref: Any) -> str | None:
    """None if every answer matches; otherwise the hint for the first kind of mistake found."""
    for answer, expected in pairs:
        if answer.shape != expected.shape:
            return _shape_hint(kind, answer, expected, ref)
    if _all_close(pairs, ref):
        return None
    square = kind == "jacobian" and all(e.ndim == 2 and e.shape[0] == e.shape[1] for _, e in pairs)
    if square and _all_close(pairs, ref, lambda a, e: (a.T, e)):
        return (
            "transposed: row i of a Jacobian holds the derivatives of output i, column j "
            "the derivatives with respect to input j"
        )
    if _all_close(pairs, ref, lambda a, e: (-a, e)):
        if kind == "gradient":
            return (
                "sign error: this is minus the gradient (the direction of steepest descent); "
                "the gradient points uphill"
            )
        return "sign error: every entry has the wrong sign"
    if _all_close(pairs, ref, lambda a, e: (onp.abs(a), onp.abs(e))):
        return _sign_hint(kind, pairs, ref)
    for name, factor in ref.factors.items():
        values = [float(factor(point)) for point in ref.points]
        scaled = list(zip(pairs, values, strict=False))
        if all(_close(a, c * e, ref) for (a, e), c in scaled):
            return f"off by the factor {name}: your answer has an extra factor {name}"
        if all(_close(c * a, e, ref) for (a, e), c in scaled):
            return f"off by the factor {name}: your answer is missing a factor {name}"
    answer0, expected0 = pairs[0]
    if (
        kind == "value"
        and answer0.ndim == 0
        and float(answer0) != 0
        and _close(1 / answer0, expected0, ref)
    ):
        return "this is the reciprocal of the right answer"
    denominator = float(onp.sum(expected0 * expected0))
    if denominator > 0:
        c = float(onp.sum(answer0 * expected0)) / denominator
        simple = _simple_factor(c)
        if (
            c != 0
            and all(_close(a, c * e, ref) for a, e in pairs)
            and (simple is not None or answer0.size > 1)
        ):
            if simple is None:  # saying c would give the answer away
                return (
                    "off by a constant factor: every entry is the right one times the same number"
                )
            extra = " (a factor 2 from differentiating a square?)" if simple in ("2", "1/2") else ""
            return f"off by a constant factor: your answer is {simple} times the right one{extra}"
    if square:
        try:
            if _all_close(pairs, ref, lambda a, e: (onp.linalg.inv(a), e)):
                return (
                    "this is the inverse matrix: the Jacobian of the inverse map, not of "
                    "the map itself"
                )
        except onp.linalg.LinAlgError:
            pass
    if answer0.ndim >= 1 and answer0.shape[-1] > 1:
        axes = [(-1, "columns" if answer0.ndim == 2 else "components")]
        if answer0.ndim == 2 and answer0.shape[0] > 1:
            axes.append((0, "rows"))
        for axis, what in axes:
            if all(_is_permutation(a, e, axis, ref) for a, e in pairs):
                meaning = {
                    "columns": (
                        "column j must hold the derivatives with respect to input j"
                        if kind == "jacobian"
                        else "check the order of the columns"
                    ),
                    "rows": (
                        "row i must hold the derivatives of output i"
                        if kind == "jacobian"
                        else "check the order of the rows"
                    ),
                    "components": "entry i belongs to variable i",
                }[what]
                return f"{what} in the wrong order: {meaning}"
    if all(a.ndim == 2 for a, _ in pairs) and answer0.size > 1:
        hint = _slices_hint(kind, pairs, ref)
        if hint is not None:
            return hint
    right = [_close(a, e, ref) for a, e in pairs]
    if any(right):
        wrong_at = [point for point, ok in zip(ref.points, right, strict=False) if not ok]
        return (
            f"right at some points but not at others, e.g. wrong{_at(wrong_at[0])}: "
            f"a term that vanishes or cancels at some points, or a value computed at one "
            f"point and reused?"
        )
    if _all_close(pairs, ref, loosen=1e5):
        return "close, but not to the tolerance: " + (
            ref.close_hint
            or "rounded numbers or a finite-difference approximation? Use exact formulas"
        )
    if answer0.size > 1:
        shifts = [a - e for a, e in pairs]
        if all(_close(d, onp.full_like(d, d.flat[0]), ref) for d in shifts) and all(
            abs(d.flat[0]) > ref.atol for d in shifts
        ):
            return "every entry is off by the same added amount: a missing or extra constant term?"
    if answer0.ndim == 0 and len(pairs) == 1:
        return f"not the right value (yours is too {'large' if answer0 > expected0 else 'small'})"
    if answer0.ndim == 0:
        wrong_at = next(
            point for point, (a, e) in zip(ref.points, pairs, strict=False) if not _close(a, e, ref)
        )
        a, e = next((a, e) for a, e in pairs if not _close(a, e, ref))
        return f"not the right value{_at(wrong_at)} (yours is too {'large' if a > e else 'small'})"
    return _entries_hint(pairs, ref)


def _wrong_masks(pairs: list[tuple[onp.ndarray, onp.ndarray]], ref: Any) -> list[onp.ndarray]:
    return [~onp.isclose(a, e, rtol=ref.rtol, atol=ref.atol) for a, e in pairs]


def _union(
    pairs: list[tuple[onp.ndarray, onp.ndarray]], ref: Any
) -> tuple[list[tuple[int, ...]], str, list[onp.ndarray]]:
    """The positions of the wrong entries and the scope of that statement: over every point
    when the answers share one shape, else at the first point that is wrong."""
    masks = _wrong_masks(pairs, ref)
    if len({m.shape for m in masks}) == 1:
        return _indices(onp.logical_or.reduce(masks)), "", masks
    first = next(k for k, m in enumerate(masks) if m.any())
    return _indices(masks[first]), _at(ref.points[first]), [masks[first]]


def _line(kind: str, what: str, i: int) -> str:
    """ "column 1 (the derivatives with respect to input 1, counting from 0)" """
    if kind != "jacobian":
        return f"{what} {i} (counting from 0)"
    meaning = (
        f"the derivatives of output {i}"
        if what == "row"
        else f"the derivatives with respect to input {i}"
    )
    return f"{what} {i} ({meaning}, counting from 0)"


def _sign_hint(kind: str, pairs: list[tuple[onp.ndarray, onp.ndarray]], ref: Any) -> str:
    """Every entry has the right size, some the wrong sign: say which, never their values."""
    answer0 = pairs[0][0]
    if answer0.ndim == 0:
        wrong = [p for p, (a, e) in zip(ref.points, pairs, strict=False) if not _close(a, e, ref)]
        return (
            f"sign error at some points: your answer has the right size but the wrong sign "
            f"at {len(wrong)} of the {len(pairs)} points checked, e.g.{_at(wrong[0])}"
        )
    positions, scope, masks = _union(pairs, ref)
    if answer0.ndim == 2 and len(positions) > 1:
        rows, cols = {i for i, _ in positions}, {j for _, j in positions}
        shape = masks[0].shape
        for what, lines, count in (("column", cols, shape[0]), ("row", rows, shape[1])):
            other = rows if what == "column" else cols
            if len(lines) == 1 and len(other) == count:
                i = next(iter(lines))
                return (
                    f"sign error in {_line(kind, what, i)}: every entry of it has the "
                    f"wrong sign{scope}; the other {what}s are right"
                )
    if len(positions) <= 3:
        some = ""
        if len(masks) > 1 and not all(m[index] for m in masks for index in positions):
            some = f" at some of the {len(masks)} points checked"
        these = "that entry has" if len(positions) == 1 else "these entries have"
        return (
            f"sign error in {_positions(positions)}{scope}{some}: {these} the right size "
            f"but the wrong sign; the other entries are right"
        )
    return (
        f"sign error in some entries: {len(positions)} of {masks[0].size} entries have the "
        f"right size but the wrong sign{scope}, the first at {_positions(positions[:1])}; "
        f"the others are right"
    )


def _entries_hint(pairs: list[tuple[onp.ndarray, onp.ndarray]], ref: Any) -> str:
    """The last resort: which entries are wrong (a few by name, or how many)."""
    positions, scope, masks = _union(pairs, ref)
    size = masks[0].size
    if len(positions) <= 3 and len(positions) < size:
        some = ""
        if len(masks) > 1 and not all(m[index] for m in masks for index in positions):
            some = f" at some of the {len(masks)} points checked"
        verb = "is" if len(positions) == 1 else "are"
        how = "wrong"
        if len(positions) == 1 and not scope and not some:
            ratios = [
                float(a[positions[0]]) / float(e[positions[0]])
                if e[positions[0]] != 0
                else math.nan
                for a, e in pairs
            ]
            phrase = _factor_phrase(ratios, ref) if all(map(math.isfinite, ratios)) else ""
            if phrase and not phrase.startswith("is off"):
                how = f"wrong: it {phrase}"
        return f"{_positions(positions)} {verb} {how}{scope}{some}; the other entries are right"
    bad = _indices(masks[0])
    return (
        f"{len(bad)} of {size} entries are wrong{scope or _at(ref.points[0])}, the first "
        f"at {_positions(bad[:1])}"
    )


def _simple_factor(c: float) -> str | None:
    """``c`` as a small fraction such as "2", "1/2" or "-3" (a typical slip), else None."""
    if not math.isfinite(c) or c == 0:
        return None
    fraction = Fraction(c).limit_denominator(4)
    if (
        abs(fraction.numerator) <= 4
        and math.isclose(float(fraction), c, rel_tol=1e-9)
        and fraction not in (1, -1)
    ):
        return str(fraction)
    return None


def _slice_factors(a: onp.ndarray, e: onp.ndarray, axis: int, ref: Any) -> onp.ndarray | None:
    """The number each row (``axis=1``) or column (``axis=0``) of ``e`` is multiplied by in
    ``a``, if ``a`` is ``e`` with its rows (columns) so scaled; else None."""
    num = onp.sum(a * e, axis=axis)
    den = onp.sum(e * e, axis=axis)
    d = onp.where(den > 0, num / onp.where(den > 0, den, 1.0), 1.0)
    scaled = d[:, None] * e if axis == 1 else d[None, :] * e
    return d if _close(a, scaled, ref) else None


def _factor_phrase(ratios: list[float], ref: Any) -> str:
    """How one row, column or entry is off: by a named factor, by 2 or 1/2 (the slip of
    differentiating a square), or just "by a factor" (naming any other number would come
    too close to giving the answer)."""
    for name, factor in ref.factors.items():
        values = [float(factor(point)) for point in ref.points]
        if all(math.isclose(r, c, rel_tol=1e-6) for r, c in zip(ratios, values, strict=False)):
            return f"has an extra factor {name}"
        if all(
            math.isclose(r * c, 1.0, rel_tol=1e-6) for r, c in zip(ratios, values, strict=False)
        ):
            return f"is missing a factor {name}"
    simple = _simple_factor(ratios[0])
    if simple in ("2", "1/2") and all(math.isclose(r, ratios[0], rel_tol=1e-9) for r in ratios):
        return f"is {simple} times the right one (a factor 2 from differentiating a square?)"
    return "is off by a factor (the right one times a number)"


def _slices_hint(kind: str, pairs: list[tuple[onp.ndarray, onp.ndarray]], ref: Any) -> str | None:
    """Rows (or columns) each off by a factor of their own: name them if only some are."""
    found = []
    for axis, what in ((1, "row"), (0, "column")):
        if any(a.shape[1 - axis] < 2 for a, _ in pairs):  # one entry per slice: says nothing
            continue
        scalings = [_slice_factors(a, e, axis, ref) for a, e in pairs]
        factors = [d for d in scalings if d is not None]
        if len(factors) < len(scalings) or all(onp.allclose(d, d[0]) for d in factors):
            continue  # not every slice a scaled copy, or one factor for all (a scaled matrix)
        off = sorted(
            {
                i
                for (a, e) in pairs
                for i in range(a.shape[1 - axis])
                if not _close(onp.take(a, i, axis=1 - axis), onp.take(e, i, axis=1 - axis), ref)
            }
        )
        found.append((len(off), axis, what, off, factors))
    if not found:
        return None
    _, axis, what, off, factors = min(found, key=lambda f: f[0])  # the fewer off, rows on ties
    count = min(a.shape[1 - axis] for a, _ in pairs)
    if len(off) >= count:
        of = "outputs" if axis == 1 else "inputs"
        return (
            f"each {what} is off by its own factor: a missing or extra scaling of the {of} "
            f"(a diagonal matrix on the {'left' if axis == 1 else 'right'})?"
        )
    if len(off) == 1:
        i = off[0]
        phrase = _factor_phrase([float(d[i]) for d in factors], ref)
        return f"{_line(kind, what, i)} {phrase}; the other {what}s are right"
    return (
        f"{what}s {_join([str(i) for i in off])} (counting from 0) are each off by a "
        f"factor; the other {what}s are right"
    )


def _is_permutation(a: onp.ndarray, e: onp.ndarray, axis: int, ref: Any) -> bool:
    """Whether ``a`` is ``e`` with its slices along ``axis`` reordered (not the identity)."""
    a_slices = list(onp.moveaxis(a, axis, 0))
    e_slices = list(onp.moveaxis(e, axis, 0))
    used: set[int] = set()
    order = []
    for target in a_slices:
        match = next(
            (j for j, s in enumerate(e_slices) if j not in used and _close(target, s, ref)), None
        )
        if match is None:
            return False
        used.add(match)
        order.append(match)
    return order != sorted(order)


def _run(func: str, label: Any, kind: type, answers: Callable[[Any], list]) -> Verdict:
    ref = _lookup(func, label, kind)
    try:
        pairs = answers(ref)
        hint = _diagnose(ref.kind, pairs, ref)
    except _NotAnswered:
        verdict = Verdict(label, "not answered")
    except _Wrong as wrong:
        verdict = Verdict(label, "wrong", wrong.hint)
    else:
        verdict = Verdict(label, "correct") if hint is None else Verdict(label, "wrong", hint)
    print(verdict.message)
    return verdict


def _point_answers(func: str, student_fn: Any) -> Callable[[Any], list]:
    if student_fn is None or student_fn is Ellipsis:
        return lambda ref: (_ for _ in ()).throw(_NotAnswered())
    if not callable(student_fn):
        raise TypeError(
            f"{func}: argument 'student_fn' must be your function of the point, got {student_fn!r}"
        )
    return lambda ref: [(_call(student_fn, p), _expected(ref, p)) for p in ref.points]


def check_jacobian(label: str, student_fn: Callable) -> Verdict:
    """Check a function that returns the Jacobian matrix of the exercise's map at a point.

    ``student_fn(point)`` must return the ``(m, n)`` Jacobian (rows = outputs, columns =
    inputs); it is called at the reference's points. Prints the verdict line and returns it.

    Raises
    ------
    TypeError
        If ``student_fn`` is not callable (``None`` or ``...`` count as "not answered"), or
        ``label`` belongs to another kind of check.
    ValueError
        If no exercise has that label.

    Examples
    --------
    >>> import numpy as np
    >>> def polar_jacobian(q):
    ...     r, theta = q
    ...     return np.array([[np.cos(theta), np.sin(theta)],
    ...                      [-r * np.sin(theta), r * np.cos(theta)]])
    >>> v = check_jacobian("demo-ex-polar", polar_jacobian)   # doctest: +ELLIPSIS
    demo-ex-polar: not right yet. Hint: transposed: ...
    >>> v.status
    'wrong'
    """
    func = "check_jacobian"
    return _run(func, label, JacobianReference, _point_answers(func, student_fn))


def check_gradient(label: str, student_fn: Callable) -> Verdict:
    """Check a function that returns the gradient of the exercise's function at a point.

    ``student_fn(point)`` must return a flat vector of shape ``(n,)``. Prints the verdict line
    and returns it. Errors as in :func:`check_jacobian`.

    Examples
    --------
    >>> v = check_gradient("demo-ex-gradient", lambda p: ...)
    demo-ex-gradient: not answered yet.
    """
    func = "check_gradient"
    return _run(func, label, GradientReference, _point_answers(func, student_fn))


def check_function(label: str, student_fn: Callable) -> Verdict:
    """Check a function of a point against the exercise's reference function.

    ``student_fn(point)`` must return what the reference returns (a number or an array) at
    every reference point. Prints the verdict line and returns it. Errors as in
    :func:`check_jacobian`.

    Examples
    --------
    >>> import numpy as np
    >>> def sigmoid_derivative(t):
    ...     s = 1 / (1 + np.exp(-t))
    ...     return s * (s - 1)
    >>> v = check_function("demo-ex-logistic", sigmoid_derivative)
    demo-ex-logistic: not right yet. Hint: sign error: every entry has the wrong sign
    """
    func = "check_function"
    return _run(func, label, FunctionReference, _point_answers(func, student_fn))


def check_value(label: str, answer: Any) -> Verdict:
    """Check a number or an array against the exercise's reference value.

    ``answer`` may be a number, a ``Fraction``, a list or an array; ``...`` or ``None``
    count as "not answered". Prints the verdict line and returns it.

    Raises
    ------
    TypeError
        If ``label`` belongs to another kind of check.
    ValueError
        If no exercise has that label.

    Examples
    --------
    >>> v = check_value("demo-ex-value", ...)
    demo-ex-value: not answered yet.
    >>> v = check_value("demo-ex-value", -50.25)
    demo-ex-value: correct.
    """
    func = "check_value"
    return _run(
        func, label, ValueReference, lambda ref: [(_as_array(answer), _expected(ref, None))]
    )
