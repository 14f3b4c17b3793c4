"""The inline code of the chapter ``sigmoid`` against the package.

The chapter writes the softmax's vector-Jacobian product by hand (``softmax_vjp_by_hand``,
``u^T (diag(s) - s s^T) = s * (u - (s . u) 1)``) to show that a full Jacobian does not need a
matrix product on the way back. This test takes that function from the chapter itself (so it
tests what the reader sees, not a copy) and checks it against ``jaccourse.nn.softmax.vjp`` and
against the product with the full Jacobian ``softmax.jacobian``, on random logits of many
widths, including logits of +-1e4 (where the package's softmax must stay finite).
"""

from __future__ import annotations

import warnings

import autograd.numpy as np
import numpy as onp
import pytest
from chapter_code import chapter_functions
from hypothesis import given, settings
from hypothesis import strategies as st

from jaccourse.nn import softmax

INLINE = ("softmax_vjp_by_hand",)


def _chapter_functions() -> dict:
    """The chapter's definitions of INLINE (and nothing else), in a fresh namespace."""
    return chapter_functions("sigmoid", INLINE, {"np": np, "softmax": softmax})


softmax_vjp_by_hand = _chapter_functions()["softmax_vjp_by_hand"]


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 30),
    seed=st.integers(0, 2**32 - 1),
    scale=st.sampled_from([0.1, 1.0, 10.0, 1e4]),
)
def test_softmax_vjp_by_hand_matches_the_package_and_the_full_jacobian(n, seed, scale):
    rng = onp.random.default_rng(seed)
    z = scale * rng.standard_normal(n)
    u = rng.standard_normal(n)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow anywhere, even at 1e4
        by_hand = softmax_vjp_by_hand(z, u)
        package = softmax.vjp(z, u)
        full = u @ softmax.jacobian(z)
    assert by_hand.shape == (n,)
    assert onp.all(onp.isfinite(by_hand))
    assert onp.allclose(by_hand, package, rtol=1e-12, atol=1e-15)
    assert onp.allclose(by_hand, full, rtol=1e-12, atol=1e-14)


def test_softmax_vjp_by_hand_kills_the_shift_direction():
    """1 is a null vector of J (rows sum to zero), so the VJP is orthogonal to 1."""
    rng = onp.random.default_rng(2026)
    for n in (2, 5, 50):
        z, u = rng.standard_normal(n), rng.standard_normal(n)
        assert abs(onp.sum(softmax_vjp_by_hand(z, u))) < 1e-14
        assert onp.allclose(softmax_vjp_by_hand(z, onp.ones(n)), 0.0, atol=1e-15)


@pytest.mark.parametrize(
    "z, u, expected",
    [
        ([0.0, 0.0], [1.0, 0.0], [0.25, -0.25]),  # the package's docstring example
        ([1e4, -1e4], [1.0, 2.0], [0.0, 0.0]),  # saturated: s = (1, 0), J = 0
    ],
)
def test_softmax_vjp_by_hand_known_values(z, u, expected):
    assert onp.allclose(softmax_vjp_by_hand(onp.array(z), onp.array(u)), expected, atol=1e-15)
