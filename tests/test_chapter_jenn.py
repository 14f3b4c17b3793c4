"""The inline code of the chapter ``jenn`` against the package and against autograd.

The chapter writes the forward propagation of partials of its proposition
``jn-prop-forward-partials`` as a short function, ``forward_partials_by_hand(weights, biases,
X, act)``, with the Jacobians stacked per sample as ``(N, n_l, n)`` arrays so that it reads
like ``dZ_l/dx = W_l dA_{l-1}/dx``, ``dA_l/dx = sigma'(Z_l) * dZ_l/dx``. These tests take the
function from the chapter itself (so that they test what the reader sees, not a copy) and
check it against :func:`jaccourse.jenn.forward_partials` (which stores the same numbers as
``n`` tangent batches), against autograd's Jacobian of the same network built with
:meth:`jaccourse.nn.MLP.from_weights`, sample by sample, and against the chain-rule product
``W_L D_{L-1} W_{L-1} ... D_1 W_1`` of the proposition.
"""

from __future__ import annotations

import autograd.numpy as np
import numpy as onp
from chapter_code import chapter_functions
from hypothesis import given
from hypothesis import strategies as st

from jaccourse.derivatives import jacobian
from jaccourse.jenn import JENN, forward_partials, sinusoid_grid
from jaccourse.nn import MLP, get_activation

INLINE = ("forward_partials_by_hand",)


def _chapter_functions() -> dict:
    """The chapter's definitions of INLINE (and nothing else), in a fresh namespace."""
    return chapter_functions("jenn", INLINE, {"np": np})


FUNCS = _chapter_functions()
by_hand = FUNCS["forward_partials_by_hand"]


def _network(seed: int, sizes: list[int]) -> tuple[list, list]:
    rng = onp.random.default_rng(seed)
    Ws = [
        rng.standard_normal((o, i)) * onp.sqrt(2.0 / i)
        for i, o in zip(sizes[:-1], sizes[1:], strict=False)
    ]
    bs = [0.5 * rng.standard_normal(o) for o in sizes[1:]]
    return Ws, bs


@given(
    widths=st.lists(st.integers(1, 7), min_size=0, max_size=3),
    n_in=st.integers(1, 4),
    n_out=st.integers(1, 3),
    batch=st.integers(1, 6),
    activation=st.sampled_from(["tanh", "sigmoid", "softplus"]),
    seed=st.integers(0, 2**32 - 1),
)
def test_inline_recursion_matches_package_and_autograd(
    widths, n_in, n_out, batch, activation, seed
):
    sizes = [n_in] + widths + [n_out]
    Ws, bs = _network(seed, sizes)
    X = onp.random.default_rng(seed + 1).uniform(-2, 2, (batch, n_in))
    act = get_activation(activation)

    Y_hand, J_hand = by_hand(Ws, bs, X, act)
    Y_pkg, J_pkg = forward_partials(Ws, bs, X, activation=activation)
    assert Y_hand.shape == (batch, n_out) and J_hand.shape == (batch, n_out, n_in)
    onp.testing.assert_allclose(Y_hand, Y_pkg, rtol=1e-12, atol=1e-12)
    onp.testing.assert_allclose(J_hand, J_pkg, rtol=1e-12, atol=1e-12)

    net = MLP.from_weights(Ws, bs, activation=activation)
    onp.testing.assert_allclose(Y_hand, net.forward(X), rtol=1e-12, atol=1e-12)
    for x, J in zip(X, J_hand, strict=False):
        onp.testing.assert_allclose(J, jacobian(net.forward, x), rtol=1e-10, atol=1e-12)


def test_inline_recursion_is_the_product_of_layer_jacobians():
    """dy/dx = W_L D_{L-1} W_{L-1} ... D_1 W_1 with D_l = diag(sigma'(Z_l)), sample by sample."""
    act = get_activation("tanh")
    Ws, bs = _network(3, [3, 5, 4, 2])
    X = onp.random.default_rng(4).standard_normal((7, 3))
    _, J_hand = by_hand(Ws, bs, X, act)
    for x, J in zip(X, J_hand, strict=False):
        a, product = x, onp.eye(3)
        for W, b in zip(Ws[:-1], bs[:-1], strict=False):
            z = W @ a + b
            product = onp.diag(act.fn_derivative(z)) @ W @ product
            a = act.fn(z)
        onp.testing.assert_allclose(J, Ws[-1] @ product, rtol=1e-12, atol=1e-14)


def test_inline_recursion_on_a_trained_jenn():
    """On the chapter's trained network, the inline recursion gives predict_jacobian once the
    normalisation is undone by the chain rule (dy/dx = s_y / s_x * dy~/dx~)."""
    X, Y, dYdX = sinusoid_grid(4)
    model = JENN(hidden=(6,), lambda_=0.1, rng=0).fit(X, Y, dYdX, max_iter=30)
    Xt = sinusoid_grid(23)[0]
    Xn = (Xt - model.x_mean_) / model.x_scale_
    Yn, Jn = by_hand(list(model.weights_), list(model.biases_), Xn, get_activation("tanh"))
    onp.testing.assert_allclose(
        model.y_mean_ + model.y_scale_ * Yn, model.predict(Xt), rtol=1e-12, atol=1e-12
    )
    J = Jn * model.y_scale_[None, :, None] / model.x_scale_[None, None, :]
    onp.testing.assert_allclose(J, model.predict_jacobian(Xt), rtol=1e-12, atol=1e-12)
