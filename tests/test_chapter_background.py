"""The inline code and the exercise references of the chapter ``background``.

The chapter integrates over the triangle ``T = {0 <= y <= x <= 1}`` with two inline helpers,
one per order of integration (``over_triangle_dy_dx``, ``over_triangle_dx_dy``). These tests
take them from the chapter itself and check them against exact integrals of monomials over
``T`` (``∫∫_T x^a y^b dA = 1 / ((b + 1)(a + b + 2))``), and check that the references of the
two code exercises accept a right answer and answer the likely mistakes with the right hint.
"""

from __future__ import annotations

import contextlib
import io
from fractions import Fraction

import autograd.numpy as np
import pytest
from chapter_code import chapter_functions

from jaccourse.book import exercises
from jaccourse.integrals import integrate_interval

FUNCS = chapter_functions(
    "background",
    ("over_triangle_dy_dx", "over_triangle_dx_dy"),
    {"np": np, "integrate_interval": integrate_interval},
)
A = np.array([[1.0, 2.0], [-3.0, 1.0]])


def monomial_over_triangle(a: int, b: int) -> Fraction:
    # ∫_0^1 ∫_0^x x^a y^b dy dx = ∫_0^1 x^(a+b+1) / (b+1) dx
    return Fraction(1, (b + 1) * (a + b + 2))


@pytest.mark.parametrize("order", ["over_triangle_dy_dx", "over_triangle_dx_dy"])
@pytest.mark.parametrize("a, b", [(0, 0), (1, 1), (3, 0), (0, 4), (2, 5)])
def test_both_orders_integrate_monomials_over_the_triangle_exactly(order, a, b):
    # 8 Gauss-Legendre nodes per axis are exact up to degree 15 in each variable
    value = FUNCS[order](lambda x, y: x**a * y**b)
    assert abs(value - float(monomial_over_triangle(a, b))) < 1e-14


def test_the_two_orders_differ_only_by_rounding_on_a_smooth_non_polynomial():
    g = lambda x, y: np.exp(x * y) * np.cos(x - y)
    assert abs(FUNCS["over_triangle_dy_dx"](g, 16) - FUNCS["over_triangle_dx_dy"](g, 16)) < 1e-13


def _message(check, label, fn):
    with contextlib.redirect_stdout(io.StringIO()):  # a check prints its verdict too
        return check(label, fn).message


def test_inner_accepts_a_quadrature_and_recognises_the_likely_mistakes():
    check = exercises.check_function
    right = lambda y: integrate_interval(lambda x: np.exp(x**2), y, 1.0, 32)
    swapped = lambda y: integrate_interval(lambda x: np.exp(x**2), 1.0, y, 32)
    coarse = lambda y: integrate_interval(lambda x: np.exp(x**2), y, 1.0, 4)
    no_square = lambda y: integrate_interval(lambda x: np.exp(x), y, 1.0, 32)
    assert _message(check, "bg-ex-inner", right) == "bg-ex-inner: correct."
    assert "sign error" in _message(check, "bg-ex-inner", swapped)
    assert "too few quadrature nodes" in _message(check, "bg-ex-inner", coarse)
    assert "not right yet" in _message(check, "bg-ex-inner", no_square)
    assert _message(check, "bg-ex-inner", lambda y: None) == "bg-ex-inner: not answered yet."


def test_stretch_accepts_the_norm_and_names_the_squared_norm():
    check = exercises.check_function
    u = lambda t: np.array([np.cos(t), np.sin(t)])
    right = lambda t: np.linalg.norm(np.dot(A, u(t)))
    squared = lambda t: np.linalg.norm(np.dot(A, u(t))) ** 2
    transposed = lambda t: np.linalg.norm(np.dot(A.T, u(t)))
    assert _message(check, "bg-ex-stretch", right) == "bg-ex-stretch: correct."
    assert "extra factor ||A u||" in _message(check, "bg-ex-stretch", squared)
    assert "not right yet" in _message(check, "bg-ex-stretch", transposed)
