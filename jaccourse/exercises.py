"""Checks for the course's code exercises: a verdict and a hint, never the answer.

Every code exercise in the book ends with a call such as ::

    from jaccourse import exercises
    verdict = exercises.check_jacobian("jd-ex-polar-code", polar_jacobian)

The check compares the student's answer with a reference answer kept in the package (in
``jaccourse/_exercise_refs/``, one module per chapter), not in the page, and prints one line:

- ``jd-ex-polar-code: correct.``
- ``jd-ex-polar-code: not answered yet.`` while the answer is still the stub's ``...`` (or the
  function returns ``None`` or raises ``NotImplementedError``);
- ``jd-ex-polar-code: not right yet. Hint: ...`` otherwise. The hint names the *kind* of
  mistake (wrong shape, transposed, a sign error, off by a constant factor or by a named factor
  such as ``r``, columns swapped, right at some points only, close but not exact, not finite,
  an exception) without printing the expected numbers.

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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as onp

__all__ = ["Verdict", "JacobianReference", "GradientReference", "FunctionReference",
           "ValueReference", "check_jacobian", "check_gradient", "check_function",
           "check_value", "reference", "exercise_labels"]

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
            raise ValueError(f"Verdict: argument 'status' must be one of {_STATUSES}, "
                             f"got {self.status!r}")

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

def _points(func: str, points: Any) -> list[Any]:
    """A non-empty list of finite points (floats or float arrays)."""
    if isinstance(points, (str, bytes)) or not isinstance(points, Sequence) or len(points) == 0:
        raise ValueError(f"{func}: argument 'points' must be a non-empty list of points "
                         f"(numbers or vectors), got {points!r}")
    out = []
    for point in points:
        try:
            p = onp.array(point, dtype=float)
        except (TypeError, ValueError):
            raise ValueError(f"{func}: argument 'points' must hold numbers or vectors of "
                             f"numbers, got {point!r}") from None
        if not onp.all(onp.isfinite(p)) or p.ndim > 1:
            raise ValueError(f"{func}: argument 'points' must hold finite numbers or 1-D "
                             f"vectors, got {point!r}")
        out.append(float(p) if p.ndim == 0 else p)
    return out


def _close_hint(func: str, hint: Any) -> str | None:
    if hint is not None and (not isinstance(hint, str) or not hint.strip()):
        raise TypeError(f"{func}: argument 'close_hint' must be None or a non-empty string, "
                        f"got {hint!r}")
    return hint


def _tolerances(func: str, rtol: Any, atol: Any) -> tuple[float, float]:
    for name, value in (("rtol", rtol), ("atol", atol)):
        if (isinstance(value, bool) or not isinstance(value, (int, float))
                or not math.isfinite(value) or value < 0):
            raise ValueError(f"{func}: argument '{name}' must be a finite number >= 0, "
                             f"got {value!r}")
    return float(rtol), float(atol)


def _factors(func: str, factors: Any, *, of_point: bool) -> dict[str, Any]:
    if factors is None:
        return {}
    if not isinstance(factors, Mapping) or not all(isinstance(k, str) for k in factors):
        raise TypeError(f"{func}: argument 'factors' must be a dict of names to "
                        f"{'functions of the point' if of_point else 'numbers'}, got {factors!r}")
    for name, value in factors.items():
        if of_point and not callable(value):
            raise TypeError(f"{func}: argument 'factors' must map names to functions of the "
                            f"point, got {value!r} for {name!r}")
        if not of_point and not isinstance(value, (int, float, Fraction)):
            raise TypeError(f"{func}: argument 'factors' must map names to numbers, got "
                            f"{value!r} for {name!r}")
    return dict(factors)


class _PointReference:
    """Shared by the references whose answer is a function of a point."""

    kind = ""
    check_name = ""

    def __init__(self, func: str, points: Any, factors: Any, rtol: Any, atol: Any,
                 close_hint: Any = None) -> None:
        self.points = _points(func, points)
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
        The points at which the student's function is called and compared.
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

    Examples
    --------
    >>> import autograd.numpy as np
    >>> ref = JacobianReference(lambda p: np.stack([p[0] * p[1], p[0]]), [[1.0, 2.0]])
    >>> ref.expected(ref.points[0]).tolist()
    [[2.0, 1.0], [1.0, 0.0]]
    """

    kind = "jacobian"
    check_name = "check_jacobian"

    def __init__(self, f: Callable | None = None, points: Any = None, *,
                 jacobian: Callable | None = None, factors: Any = None, rtol: float = 1e-8,
                 atol: float = 1e-10, close_hint: str | None = None) -> None:
        func = "JacobianReference"
        if (f is None) == (jacobian is None):
            raise ValueError(f"{func}: give exactly one of 'f' (the map) and 'jacobian' (the "
                             f"reference Jacobian as a function of the point)")
        for name, value in (("f", f), ("jacobian", jacobian)):
            if value is not None and not callable(value):
                raise TypeError(f"{func}: argument '{name}' must be a callable, got {value!r}")
        super().__init__(func, points, factors, rtol, atol, close_hint)
        self.f, self._jacobian = f, jacobian

    def expected(self, point: Any) -> onp.ndarray:
        """The reference Jacobian at ``point``, shape ``(m, n)``."""
        if self._jacobian is not None:
            return onp.atleast_2d(onp.asarray(self._jacobian(point), dtype=float))
        from jaccourse.derivatives import jacobian

        return onp.atleast_2d(onp.asarray(jacobian(self.f, onp.atleast_1d(point)), dtype=float))


class GradientReference(_PointReference):
    """The reference of an exercise whose answer is a function returning a gradient.

    Parameters
    ----------
    f : callable
        The scalar function ``R^n -> R`` (autograd-differentiable).
    points : list
        The points at which the student's function is called and compared.
    factors, rtol, atol, close_hint
        As in :class:`JacobianReference`.

    Examples
    --------
    >>> ref = GradientReference(lambda p: p[0] ** 2 + 3 * p[1], [[1.0, 5.0]])
    >>> ref.expected(ref.points[0]).tolist()
    [2.0, 3.0]
    """

    kind = "gradient"
    check_name = "check_gradient"

    def __init__(self, f: Callable, points: Any, *, factors: Any = None, rtol: float = 1e-8,
                 atol: float = 1e-10, close_hint: str | None = None) -> None:
        func = "GradientReference"
        if not callable(f):
            raise TypeError(f"{func}: argument 'f' must be a callable, got {f!r}")
        super().__init__(func, points, factors, rtol, atol, close_hint)
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
    factors, rtol, atol, close_hint
        As in :class:`JacobianReference`.

    Examples
    --------
    >>> ref = FunctionReference(lambda t: t * (1 - t), [0.25, 0.5])
    >>> float(ref.expected(0.5))
    0.25
    """

    kind = "function"
    check_name = "check_function"

    def __init__(self, function: Callable, points: Any, *, factors: Any = None,
                 rtol: float = 1e-8, atol: float = 1e-10, close_hint: str | None = None) -> None:
        func = "FunctionReference"
        if not callable(function):
            raise TypeError(f"{func}: argument 'function' must be a callable, got {function!r}")
        super().__init__(func, points, factors, rtol, atol, close_hint)
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

    Examples
    --------
    >>> float(ValueReference(Fraction(-201, 4)).expected())
    -50.25
    """

    kind = "value"
    check_name = "check_value"

    def __init__(self, value: Any, *, factors: Any = None, rtol: float = 1e-8,
                 atol: float = 1e-10, close_hint: str | None = None) -> None:
        func = "ValueReference"
        try:
            array = onp.array(float(value) if isinstance(value, Fraction) else value, dtype=float)
        except (TypeError, ValueError):
            raise TypeError(f"{func}: argument 'value' must be a number or an array of "
                            f"numbers, got {value!r}") from None
        if not onp.all(onp.isfinite(array)):
            raise ValueError(f"{func}: argument 'value' must be finite, got {value!r}")
        self.value = array
        self.factors = {name: (lambda _p, c=float(c): c)
                        for name, c in _factors(func, factors, of_point=False).items()}
        self.rtol, self.atol = _tolerances(func, rtol, atol)
        self.close_hint = _close_hint(func, close_hint)
        self.points = [None]

    def expected(self, point: Any = None) -> onp.ndarray:
        """The right answer."""
        return self.value


_REFERENCE_TYPES = (JacobianReference, GradientReference, FunctionReference, ValueReference)
_REGISTRY: dict[str, Any] | None = None


def _registry() -> dict[str, Any]:
    """Every chapter's references, loaded once from ``jaccourse._exercise_refs``."""
    global _REGISTRY
    if _REGISTRY is None:
        from jaccourse import _exercise_refs

        registry: dict[str, Any] = {}
        for info in sorted(pkgutil.iter_modules(_exercise_refs.__path__), key=lambda i: i.name):
            module = importlib.import_module(f"{_exercise_refs.__name__}.{info.name}")
            for label, ref in getattr(module, "REFERENCES", {}).items():
                if label in registry:
                    raise RuntimeError(f"exercises: label {label!r} has two references "
                                       f"(the second in {module.__name__})")
                if not isinstance(ref, _REFERENCE_TYPES):
                    raise RuntimeError(f"exercises: the reference of {label!r} in "
                                       f"{module.__name__} is not a reference object")
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
        raise TypeError(f"{func}: argument 'label' must be an exercise label (a string such "
                        f"as 'jd-ex-polar-code'), got {label!r}")
    registry = _registry()
    if label not in registry:
        close = difflib.get_close_matches(label, list(registry), n=3)
        hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
        raise ValueError(f"{func}: argument 'label': no exercise is labelled {label!r}{hint}")
    ref = registry[label]
    if kind is not None and not isinstance(ref, kind):
        raise TypeError(f"{func}: exercise {label!r} is checked with {ref.check_name}, "
                        f"not {func}")
    return ref


# --------------------------------------------------------------------------- diagnosis

class _NotAnswered(Exception):
    pass


class _Wrong(Exception):
    def __init__(self, hint: str) -> None:
        super().__init__(hint)
        self.hint = hint


def _as_array(answer: Any, where: str) -> onp.ndarray:
    if answer is None or answer is Ellipsis:
        raise _NotAnswered
    if isinstance(answer, Fraction):
        answer = float(answer)
    try:
        array = onp.array(answer, dtype=float)
    except (TypeError, ValueError):
        raise _Wrong(f"the answer{where} must be a number or an array of numbers, got "
                     f"{type(answer).__name__}") from None
    if not onp.all(onp.isfinite(array)):
        raise _Wrong(f"the answer{where} contains NaN or infinity")
    return array


def _call(fn: Callable, point: Any) -> onp.ndarray:
    argument = onp.array(point, dtype=float) if isinstance(point, onp.ndarray) else point
    try:
        answer = fn(argument)
    except NotImplementedError:
        raise _NotAnswered from None
    except Exception as error:  # noqa: BLE001 - any mistake in the student's code
        raise _Wrong(f"your function raised {type(error).__name__}: {error} (at the point "
                     f"{_show(point)})") from None
    return _as_array(answer, f" at the point {_show(point)}")


def _show(point: Any) -> str:
    if isinstance(point, onp.ndarray):
        if point.size > 4:            # a long vector helps nobody read the hint
            return f"a point with {point.size} coordinates"
        return "(" + ", ".join(f"{v:g}" for v in point) + ")"
    return f"{point:g}"


def _close(a: onp.ndarray, b: onp.ndarray, ref: Any, loosen: float = 1.0) -> bool:
    return a.shape == b.shape and bool(onp.allclose(a, b, rtol=ref.rtol * loosen,
                                                    atol=ref.atol * loosen))


def _all_close(pairs: list[tuple[onp.ndarray, onp.ndarray]], ref: Any,
               transform: Callable[[onp.ndarray, onp.ndarray], tuple[onp.ndarray, onp.ndarray]]
               = lambda a, e: (a, e), loosen: float = 1.0) -> bool:
    for answer, expected in pairs:
        a, e = transform(answer, expected)
        if not _close(a, e, ref, loosen):
            return False
    return True


def _shape_hint(kind: str, answer: onp.ndarray, expected: onp.ndarray, ref: Any) -> str:
    got, want = answer.shape, expected.shape
    if kind == "jacobian":
        if answer.ndim == 2 and got == want[::-1] and _close(answer.T, expected, ref):
            return (f"transposed: a Jacobian has one row per output and one column per input, "
                    f"shape {want} here; yours has shape {got}")
        return (f"wrong shape: this Jacobian has shape {want} (one row per output, one column "
                f"per input); yours has shape {got}")
    if kind == "gradient":
        if answer.size == expected.size and answer.ndim == 2:
            return (f"wrong shape: return a flat vector of shape {want}, not a matrix of shape "
                    f"{got} (the gradient is the transposed 1 x n Jacobian, flattened)")
        return f"wrong shape: the gradient has one entry per variable, shape {want}; yours has {got}"
    if expected.ndim == 0:
        return f"wrong shape: the answer is a single number; yours has shape {got}"
    return f"wrong shape: the answer has shape {want}; yours has shape {got}"


def _where(kind: str, index: tuple[int, ...]) -> str:
    if kind == "jacobian" and len(index) == 2:
        return f"row {index[0]}, column {index[1]} (counting from 0)"
    if len(index) == 1:
        return f"entry {index[0]} (counting from 0)"
    return f"index {tuple(int(i) for i in index)}"


def _diagnose(kind: str, pairs: list[tuple[onp.ndarray, onp.ndarray]], ref: Any) -> str | None:
    """None if every answer matches; otherwise the hint for the first kind of mistake found."""
    for answer, expected in pairs:
        if answer.shape != expected.shape:
            return _shape_hint(kind, answer, expected, ref)
    if _all_close(pairs, ref):
        return None
    square = kind == "jacobian" and all(e.ndim == 2 and e.shape[0] == e.shape[1] for _, e in pairs)
    if square and _all_close(pairs, ref, lambda a, e: (a.T, e)):
        return ("transposed: row i of a Jacobian holds the derivatives of output i, column j "
                "the derivatives with respect to input j")
    if _all_close(pairs, ref, lambda a, e: (-a, e)):
        if kind == "gradient":
            return ("sign error: this is minus the gradient (the direction of steepest descent); "
                    "the gradient points uphill")
        return "sign error: every entry has the wrong sign"
    if _all_close(pairs, ref, lambda a, e: (onp.abs(a), onp.abs(e))):
        wrong = sum(int(onp.sum(~onp.isclose(a, e, rtol=ref.rtol, atol=ref.atol)))
                    for a, e in pairs)
        total = sum(a.size for a, _ in pairs)
        return (f"sign error in some entries: {wrong} of {total} entries (over all points "
                f"checked) have the right size but the wrong sign")
    for name, factor in ref.factors.items():
        values = [float(factor(point)) for point in ref.points]
        scaled = list(zip(pairs, values))
        if all(_close(a, c * e, ref) for (a, e), c in scaled):
            return f"off by the factor {name}: your answer has an extra factor {name}"
        if all(_close(c * a, e, ref) for (a, e), c in scaled):
            return f"off by the factor {name}: your answer is missing a factor {name}"
    answer0, expected0 = pairs[0]
    if kind == "value" and answer0.ndim == 0 and float(answer0) != 0 and _close(
            1 / answer0, expected0, ref):
        return "this is the reciprocal of the right answer"
    denominator = float(onp.sum(expected0 * expected0))
    if denominator > 0:
        c = float(onp.sum(answer0 * expected0)) / denominator
        simple = _simple_factor(c)
        if c != 0 and all(_close(a, c * e, ref) for a, e in pairs) and (
                simple is not None or answer0.size > 1):
            if simple is None:          # saying c would give the answer away
                return ("off by a constant factor: every entry is the right one times the same "
                        "number")
            extra = " (a factor 2 from differentiating a square?)" if simple in ("2", "1/2") else ""
            return f"off by a constant factor: your answer is {simple} times the right one{extra}"
    if square:
        try:
            if _all_close(pairs, ref, lambda a, e: (onp.linalg.inv(a), e)):
                return ("this is the inverse matrix: the Jacobian of the inverse map, not of "
                        "the map itself")
        except onp.linalg.LinAlgError:
            pass
    if answer0.ndim >= 1 and answer0.shape[-1] > 1:
        axes = [(-1, "columns" if answer0.ndim == 2 else "components")]
        if answer0.ndim == 2 and answer0.shape[0] > 1:
            axes.append((0, "rows"))
        for axis, what in axes:
            if all(_is_permutation(a, e, axis, ref) for a, e in pairs):
                meaning = {"columns": ("column j must hold the derivatives with respect to "
                                       "input j" if kind == "jacobian" else
                                       "check the order of the columns"),
                           "rows": ("row i must hold the derivatives of output i"
                                    if kind == "jacobian" else "check the order of the rows"),
                           "components": "entry i belongs to variable i"}[what]
                return f"{what} in the wrong order: {meaning}"
    if answer0.ndim == 2 and answer0.size > 1:
        for axis, what, of in ((1, "row", "outputs"), (0, "column", "inputs")):
            if answer0.shape[1 - axis] > 1 and all(_scaled_slices(a, e, axis, ref) for a, e in pairs):
                return (f"each {what} is off by its own factor: a missing or extra scaling of "
                        f"the {of} (a diagonal matrix on the {'left' if axis == 1 else 'right'})?")
    right = [_close(a, e, ref) for a, e in pairs]
    if any(right):
        wrong_at = [point for point, ok in zip(ref.points, right) if not ok]
        return (f"right at some points but not at others, e.g. wrong at {_show(wrong_at[0])}: "
                f"a term that vanishes or cancels at some points, or a value computed at one "
                f"point and reused?")
    if _all_close(pairs, ref, loosen=1e5):
        return "close, but not to the tolerance: " + (
            ref.close_hint or "rounded numbers or a finite-difference approximation? Use exact "
                              "formulas")
    if answer0.size > 1:
        shifts = [a - e for a, e in pairs]
        if all(_close(d, onp.full_like(d, d.flat[0]), ref) for d in shifts) and \
                all(abs(d.flat[0]) > ref.atol for d in shifts):
            return ("every entry is off by the same added amount: a missing or extra constant "
                    "term?")
    if answer0.ndim == 0 and len(pairs) == 1:
        return f"not the right value (yours is too {'large' if answer0 > expected0 else 'small'})"
    if answer0.ndim == 0:
        wrong_at = next(point for point, (a, e) in zip(ref.points, pairs) if not _close(a, e, ref))
        a, e = next((a, e) for a, e in pairs if not _close(a, e, ref))
        return (f"not the right value at {_show(wrong_at)} (yours is too "
                f"{'large' if a > e else 'small'})")
    bad = ~onp.isclose(answer0, expected0, rtol=ref.rtol, atol=ref.atol)
    first = tuple(int(i) for i in onp.argwhere(bad)[0]) if answer0.ndim else ()
    where = f" at {_show(ref.points[0])}" if ref.points[0] is not None else ""
    return (f"{int(bad.sum())} of {answer0.size} entries are wrong{where}, the first at "
            f"{_where(kind, first)}")


def _simple_factor(c: float) -> str | None:
    """``c`` as a small fraction such as "2", "1/2" or "-3" (a typical slip), else None."""
    if not math.isfinite(c) or c == 0:
        return None
    fraction = Fraction(c).limit_denominator(4)
    if (abs(fraction.numerator) <= 4 and math.isclose(float(fraction), c, rel_tol=1e-9)
            and fraction not in (1, -1)):
        return str(fraction)
    return None


def _scaled_slices(a: onp.ndarray, e: onp.ndarray, axis: int, ref: Any) -> bool:
    """Whether each row (``axis=1``) or column (``axis=0``) of ``a`` is that of ``e`` times its
    own number, the numbers not all equal."""
    num = onp.sum(a * e, axis=axis, keepdims=True)
    den = onp.sum(e * e, axis=axis, keepdims=True)
    if onp.any(den == 0):
        return False
    d = num / den
    return bool(_close(a, d * e, ref) and not onp.allclose(d, d.flat[0]))


def _is_permutation(a: onp.ndarray, e: onp.ndarray, axis: int, ref: Any) -> bool:
    """Whether ``a`` is ``e`` with its slices along ``axis`` reordered (not the identity)."""
    a_slices = list(onp.moveaxis(a, axis, 0))
    e_slices = list(onp.moveaxis(e, axis, 0))
    used: set[int] = set()
    order = []
    for target in a_slices:
        match = next((j for j, s in enumerate(e_slices)
                      if j not in used and _close(target, s, ref)), None)
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
        raise TypeError(f"{func}: argument 'student_fn' must be your function of the point, "
                        f"got {student_fn!r}")
    return lambda ref: [(_call(student_fn, p), ref.expected(p)) for p in ref.points]


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
    return _run(func, label, ValueReference,
                lambda ref: [(_as_array(answer, ""), ref.expected())])
