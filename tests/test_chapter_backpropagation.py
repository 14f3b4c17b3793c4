"""The inline code of the chapter ``backpropagation`` against the package and against autograd.

The chapter shows the backward recursion of its theorem as a short function,
``backprop_by_jacobians``, written with the layer Jacobians ``J_l`` formed as matrices so that
it reads like ``delta_l = J_l^T delta_{l+1}``, ``grad W_l = (sigma'(z_l) * delta_{l+1}) x_l^T``.
It also counts multiply-adds with ``macs_jacobian_first``, ``macs_vector_first`` and
``macs_backprop``. These tests take the functions from the chapter itself (so that they test
what the reader sees, not a copy) and check the recursion against
:meth:`jaccourse.nn.MLP.backprop` and autograd on random networks, and the counts against
counts made by hand.
"""

from __future__ import annotations

import autograd
import autograd.numpy as np
import numpy as onp
import pytest
from chapter_code import chapter_functions
from hypothesis import given
from hypothesis import strategies as st

from jaccourse.nn import MLP, cross_entropy, cross_entropy_gradient

INLINE = ("backprop_by_jacobians", "macs_jacobian_first", "macs_vector_first", "macs_backprop")


def _chapter_functions() -> dict:
    """The chapter's definitions of INLINE (and nothing else), in a fresh namespace."""
    return chapter_functions(
        "backpropagation", INLINE, {"np": np, "cross_entropy_gradient": cross_entropy_gradient}
    )


FUNCS = _chapter_functions()


@given(
    widths=st.lists(st.integers(1, 7), min_size=1, max_size=3),
    n_in=st.integers(1, 6),
    n_out=st.integers(2, 5),
    activation=st.sampled_from(["tanh", "sigmoid", "relu", "softplus", "identity"]),
    seed=st.integers(0, 2**32 - 1),
)
def test_inline_recursion_matches_package_backprop_and_autograd(
    widths, n_in, n_out, activation, seed
):
    sizes = [n_in, *widths, n_out]
    rng = onp.random.default_rng(seed)
    net = MLP(sizes, activation=activation, rng=rng)
    x = rng.standard_normal(n_in)
    label = int(rng.integers(n_out))
    grads_W, delta_0 = FUNCS["backprop_by_jacobians"](net, x, label)
    package = net.backprop(x, label)
    assert [g.shape for g in grads_W] == [W.shape for W in net.weights]
    for mine, theirs in zip(grads_W, package.weights, strict=False):
        assert onp.allclose(mine, theirs, rtol=1e-12, atol=1e-14)
    assert onp.allclose(delta_0, package.x, rtol=1e-12, atol=1e-14)
    auto_W, _ = net.unflatten(
        autograd.grad(lambda p: cross_entropy(net.apply(p, x), label))(net.params())
    )
    for mine, theirs in zip(grads_W, auto_W, strict=False):
        assert onp.allclose(mine, theirs, rtol=1e-12, atol=1e-14)


def test_inline_recursion_input_gradient_is_the_transposed_input_jacobian():
    rng = onp.random.default_rng(11)
    net = MLP([8, 6, 5, 3], activation="tanh", rng=rng)
    x = rng.standard_normal(8)
    _, delta_0 = FUNCS["backprop_by_jacobians"](net, x, 2)
    delta_L = cross_entropy_gradient(net.forward(x), 2)
    assert onp.allclose(delta_0, net.input_jacobian(x).T @ delta_L, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize(
    "sizes, full, vector",
    [
        # (64, 32, 16, 10): W x costs 64*32 + 32*16 + 16*10 = 2720; the products from the output
        # side (10 x 32)(32 x 64) and (10 x 16)(16 x 32) cost 20480 + 5120; P^T delta costs 640;
        # the vector chain is the forward pass and one W^T g per layer, backprop adds g x^T
        ((64, 32, 16, 10), 2 * 2720 + 25600 + 640, 2 * 2720),
        ((3, 7, 2), 2 * 35 + 2 * 7 * 3 + 2 * 3, 2 * 35),
        ((5, 5), 2 * 25 + 0 + 25, 2 * 25),  # one layer: no product to form
    ],
)
def test_inline_counts_by_hand(sizes, full, vector):
    assert FUNCS["macs_jacobian_first"](list(sizes)) == full
    assert FUNCS["macs_vector_first"](list(sizes)) == vector
    assert FUNCS["macs_backprop"](list(sizes)) == vector + vector // 2


@pytest.mark.parametrize("n, depth", [(16, 4), (512, 4), (7, 2), (100, 6)])
def test_inline_counts_equal_widths(n, depth):
    sizes = [n] * (depth + 1)
    assert FUNCS["macs_jacobian_first"](sizes) == 2 * depth * n**2 + (depth - 1) * n**3 + n**2
    assert FUNCS["macs_vector_first"](sizes) == 2 * depth * n**2
    assert FUNCS["macs_backprop"](sizes) == 3 * depth * n**2
