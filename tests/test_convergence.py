"""loglog_slope against power laws with known exponents and against numpy.polyfit."""

from __future__ import annotations

import numpy as onp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jaccourse.convergence import loglog_slope


@settings(max_examples=40, deadline=None)
@given(p=st.floats(-3, 3), c=st.floats(1e-3, 1e3))
def test_exact_power_laws_give_their_exponent(p, c):
    x = onp.logspace(-3, 2, 11)
    assert loglog_slope(x, c * x**p) == pytest.approx(p, abs=1e-9)


def test_agrees_with_numpy_polyfit_on_noisy_data():
    rng = onp.random.default_rng(7)
    x = onp.logspace(0, 4, 30)
    y = x**-0.5 * onp.exp(0.1 * rng.standard_normal(30))
    expected = onp.polyfit(onp.log(x), onp.log(y), 1)[0]
    assert loglog_slope(x, y) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    "x, y, error, match",
    [
        ([1.0, 2.0], [1.0, -1.0], ValueError, r"loglog_slope: y must be > 0"),
        ([0.0, 2.0], [1.0, 2.0], ValueError, r"loglog_slope: x must be > 0"),
        ([1.0, onp.nan], [1.0, 2.0], ValueError, r"loglog_slope: x must be finite"),
        (
            [1.0, 2.0, 3.0],
            [1.0, 2.0],
            ValueError,
            r"loglog_slope: x and y must have the same shape",
        ),
        ([1.0], [1.0], ValueError, r"loglog_slope: need at least 2 points"),
        ([2.0, 2.0], [1.0, 3.0], ValueError, r"loglog_slope: x must not be all equal"),
        ([[1.0, 2.0]], [[1.0, 2.0]], ValueError, r"loglog_slope: x must be a 1-D array"),
        (["a", "b"], [1.0, 2.0], TypeError, r"loglog_slope: x must be a 1-D array"),
    ],
)
def test_bad_input_is_refused_clearly(x, y, error, match):
    with pytest.raises(error, match=match):
        loglog_slope(x, y)
