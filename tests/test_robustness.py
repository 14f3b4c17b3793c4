"""Tests of jaccourse.robustness.

Oracles: autograd (per-example loss gradients, Jacobians through jaccourse.derivatives),
numpy.linalg.norm(ord=2) (an SVD) for the spectral norm, and the definition of FGSM (the loss
of every example must go up for a small step whenever its gradient is non-zero).
"""

from __future__ import annotations

import autograd
import autograd.numpy as np
import numpy as onp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jaccourse import derivatives
from jaccourse.nn import MLP, Activation, cross_entropy, mse
from jaccourse.robustness import (
    SpectralNorm,
    fgsm,
    input_sensitivity,
    iterated_fgsm,
    lipschitz_upper_bound,
    spectral_norm,
)


def small_net(seed: int = 0, act: str = "tanh") -> MLP:
    net = MLP([6, 10, 8, 4], activation=act, rng=seed)
    rng = onp.random.default_rng(seed + 100)
    return net.with_params(net.params() + 0.1 * rng.standard_normal(net.n_params))


def data(seed: int = 0, n: int = 25):
    rng = onp.random.default_rng(seed)
    return rng.standard_normal((n, 6)), rng.integers(0, 4, n)


# --------------------------------------------------------------------------------------------
# input sensitivity
# --------------------------------------------------------------------------------------------


def test_sensitivity_of_an_mlp_is_its_input_jacobian():
    net = small_net()
    X, _ = data()
    onp.testing.assert_allclose(
        input_sensitivity(net, X[0]),
        derivatives.jacobian(net.forward, X[0]),
        rtol=1e-12,
        atol=1e-14,
    )
    S = input_sensitivity(net, X[:3])
    assert S.shape == (3, 4, 6)
    onp.testing.assert_allclose(S[2], net.input_jacobian(X[2]), rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
def test_loss_sensitivity_is_each_examples_own_gradient(loss):
    net = small_net(1)
    X, y = data(1, 5)
    Y = y if loss == "cross_entropy" else onp.eye(4)[y]
    fn = cross_entropy if loss == "cross_entropy" else mse
    G = input_sensitivity(net, X, Y, loss=loss)
    assert G.shape == X.shape
    for i in range(5):
        own = autograd.grad(lambda x: fn(net.forward(x[None]), Y[i : i + 1]))(X[i])
        onp.testing.assert_allclose(G[i], own, rtol=1e-11, atol=1e-14)
    onp.testing.assert_allclose(input_sensitivity(net, X[0], Y[0], loss=loss), G[0], rtol=1e-13)


def test_sensitivity_of_callables():
    f = lambda x: np.array([np.sin(x[0]) * x[1], x[0] ** 2])
    x = onp.array([0.3, -1.2])
    onp.testing.assert_allclose(input_sensitivity(f, x), derivatives.jacobian(f, x))
    g = lambda x: np.sum(x**3)
    onp.testing.assert_allclose(input_sensitivity(g, x), 3 * x**2, rtol=1e-15)
    loss_fn = lambda x, y: np.sum((x - y) ** 2)
    X = onp.arange(6.0).reshape(2, 3)
    onp.testing.assert_allclose(
        input_sensitivity(loss_fn, X, onp.ones((2, 3))), 2 * (X - 1), rtol=1e-15
    )


@pytest.mark.parametrize(
    "call, error, match",
    [
        (
            lambda n: input_sensitivity(n, [[onp.nan] * 6]),
            ValueError,
            r"^input_sensitivity: x must be finite",
        ),
        (
            lambda n: input_sensitivity(n, onp.zeros((2, 5))),
            ValueError,
            r"^input_sensitivity: x must have shape \(6,\) or \(N, 6\)",
        ),
        (
            lambda n: input_sensitivity(n, onp.zeros((2, 6)), [0, 4]),
            ValueError,
            r"^input_sensitivity: y \(labels\) must lie in \[0, 4\)",
        ),
        (
            lambda n: input_sensitivity("model", onp.zeros(6)),
            TypeError,
            r"^input_sensitivity: model must be a callable",
        ),
        (
            lambda n: input_sensitivity(lambda x: x, onp.zeros((2, 6))),
            ValueError,
            r"^input_sensitivity: for a callable f\(x\), x must be a single input",
        ),
        (
            lambda n: input_sensitivity(n, "abc"),
            TypeError,
            r"^input_sensitivity: x must be an array of numbers",
        ),
    ],
)
def test_sensitivity_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call(small_net())


# --------------------------------------------------------------------------------------------
# FGSM
# --------------------------------------------------------------------------------------------


def per_example_losses(net: MLP, X, y) -> onp.ndarray:
    return onp.array([float(cross_entropy(net.forward(X[i]), y[i])) for i in range(len(y))])


@pytest.mark.parametrize("act", ["tanh", "relu", "sigmoid"])
def test_fgsm_increases_the_loss_of_every_example_with_a_nonzero_gradient(act):
    net = small_net(2, act)
    X, y = data(2, 40)
    eps = 1e-4
    X_adv = fgsm(net, X, y, eps)
    assert X_adv.shape == X.shape
    onp.testing.assert_allclose(onp.abs(X_adv - X).max(axis=1), eps, rtol=0, atol=1e-15)
    before, after = per_example_losses(net, X, y), per_example_losses(net, X_adv, y)
    G = input_sensitivity(net, X, y)
    moved = onp.abs(G).sum(axis=1) > 0
    assert moved.all()
    # first order: the loss goes up by about eps * ||grad||_1
    assert onp.all(after[moved] > before[moved])
    onp.testing.assert_allclose(after - before, eps * onp.abs(G).sum(axis=1), rtol=1e-2)


def test_fgsm_on_a_callable_agrees_with_the_mlp_form_batch_and_single():
    net = small_net(3)
    X, y = data(3, 8)
    loss_fn = lambda x, labels: cross_entropy(net.forward(x), labels)  # a batch mean
    a = fgsm(loss_fn, X, y, 0.05)
    b = fgsm(net, X, y, 0.05)
    onp.testing.assert_array_equal(a, b)
    onp.testing.assert_array_equal(fgsm(net, X[4], y[4], 0.05), b[4])


def test_fgsm_zero_eps_clip_and_zero_gradient():
    net = small_net(4)
    X, y = data(4, 5)
    onp.testing.assert_array_equal(fgsm(net, X, y, 0.0), X)
    clipped = fgsm(net, X, y, 10.0, clip=(-1.0, 1.0))
    assert clipped.min() >= -1.0 and clipped.max() <= 1.0
    flat = lambda x, y: np.sum(0.0 * x) + 1.0  # no gradient: nothing moves
    onp.testing.assert_array_equal(fgsm(flat, X[0], y[0], 0.3), X[0])


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(eps=-0.1), ValueError, r"^fgsm: eps must be >= 0, got -0.1"),
        (dict(eps=onp.inf), ValueError, r"^fgsm: eps must be finite"),
        (dict(eps="0.1"), TypeError, r"^fgsm: eps must be a real number"),
        (dict(x=[[onp.inf] * 6]), ValueError, r"^fgsm: x must be finite"),
        (dict(y=[9]), ValueError, r"^fgsm: y \(labels\) must lie in \[0, 4\)"),
        (dict(clip=(1.0, 0.0)), ValueError, r"^fgsm: clip must have lo <= hi"),
        (dict(clip=1.0), TypeError, r"^fgsm: clip must be a pair"),
        (dict(loss_fn=3), TypeError, r"^fgsm: loss_fn must be a callable"),
        (dict(loss_fn=lambda x, y: x), ValueError, r"^fgsm: .*must return a scalar"),
    ],
)
def test_fgsm_bad_input(kwargs, error, match):
    args = dict(loss_fn=small_net(), x=onp.zeros((1, 6)), y=[0], eps=0.1)
    args.update(kwargs)
    with pytest.raises(error, match=match):
        fgsm(args.pop("loss_fn"), args.pop("x"), args.pop("y"), args.pop("eps"), **args)


# --------------------------------------------------------------------------------------------
# spectral norm
# --------------------------------------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(m=st.integers(1, 30), n=st.integers(1, 30), seed=st.integers(0, 2**16))
def test_spectral_norm_matches_numpy(m, n, seed):
    A = onp.random.default_rng(seed).standard_normal((m, n))
    res = spectral_norm(A, rng=seed, iters=5000)
    exact = onp.linalg.norm(A, 2)
    assert res.converged
    assert res.sigma == pytest.approx(exact, rel=1e-8)
    assert res.sigma <= exact * (1 + 1e-12)  # power iteration approaches from below
    assert res.u.shape == (m,) and res.v.shape == (n,)
    onp.testing.assert_allclose(A @ res.v, res.sigma * res.u, atol=1e-3 * exact)


def test_spectral_norm_matrix_free_on_a_layer_jacobian():
    net = small_net(5)
    x = data(5)[0][0]
    layer = net.layers[0]
    J = layer.jacobian(x)
    res = spectral_norm(
        jvp=lambda v: derivatives.jvp(layer, x, v),
        vjp=lambda u: derivatives.vjp(layer, x, u),
        n=6,
        rng=0,
    )
    assert isinstance(res, SpectralNorm)
    assert float(res) == pytest.approx(onp.linalg.norm(J, 2), rel=1e-10)
    assert res.nit == len(res.history) and onp.all(onp.diff(res.history) >= -1e-12)
    whole = net.input_jacobian(x)
    free = spectral_norm(
        jvp=lambda v: derivatives.jvp(net.forward, x, v),
        vjp=lambda u: derivatives.vjp(net.forward, x, u),
        n=6,
        rng=1,
    )
    assert free.sigma == pytest.approx(onp.linalg.norm(whole, 2), rel=1e-10)


def test_spectral_norm_special_cases():
    zero = spectral_norm(onp.zeros((3, 4)), rng=0)
    assert zero.sigma == 0.0 and zero.converged
    u, v = onp.array([3.0, 4.0]), onp.array([1.0, 0.0, 0.0])
    rank_one = spectral_norm(onp.outer(u, v), rng=0)
    assert rank_one.sigma == pytest.approx(5.0, rel=1e-14) and rank_one.nit <= 3
    same = [spectral_norm(onp.diag([2.0, 1.9, 1.0]), rng=7).sigma for _ in range(2)]
    assert same[0] == same[1]
    capped = spectral_norm(onp.diag([1.0, 0.999999]), iters=2, tol=0.0, rng=0)
    assert not capped.converged and capped.nit == 2


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(), TypeError, r"^spectral_norm: give a matrix A, or both jvp"),
        (
            dict(A=onp.eye(2), jvp=lambda v: v, vjp=lambda u: u),
            TypeError,
            r"^spectral_norm: give either A or the pair jvp, vjp",
        ),
        (dict(jvp=lambda v: v, vjp=lambda u: u), TypeError, r"^spectral_norm: n \(the input"),
        (dict(A=onp.ones(3)), ValueError, r"^spectral_norm: A must be a non-empty 2-D array"),
        (dict(A=[[1.0, onp.nan]]), ValueError, r"^spectral_norm: A must be finite"),
        (dict(A=onp.eye(2), iters=0), ValueError, r"^spectral_norm: iters must be an integer >= 1"),
        (dict(A=onp.eye(2), tol=-1.0), ValueError, r"^spectral_norm: tol must be >= 0"),
        (
            dict(jvp=lambda v: onp.ones(3), vjp=lambda u: onp.ones(4), n=2),
            ValueError,
            r"^spectral_norm: vjp must return a vector of shape \(2,\), got shape \(4,\)",
        ),
        (
            dict(jvp=lambda v: v * onp.nan, vjp=lambda u: u, n=2),
            ValueError,
            r"^spectral_norm: jvp returned NaN or inf",
        ),
        (dict(jvp="J", vjp=lambda u: u, n=2), TypeError, r"^spectral_norm: jvp must be a callable"),
    ],
)
def test_spectral_norm_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        spectral_norm(**kwargs)


# --------------------------------------------------------------------------------------------
# Lipschitz upper bound
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("act", ["tanh", "relu", "sigmoid", "softplus"])
def test_lipschitz_bound_dominates_every_measured_jacobian(act):
    net = small_net(6, act)
    bound = lipschitz_upper_bound(net)
    X = onp.random.default_rng(6).standard_normal((50, 6)) * 3
    norms = onp.linalg.norm(net.input_jacobian(X), ord=2, axis=(1, 2))
    assert onp.all(norms <= bound)
    factor = 0.25**2 if act == "sigmoid" else 1.0
    expected = factor * onp.prod([onp.linalg.norm(W, 2) for W in net.weights])
    assert bound == pytest.approx(expected, rel=1e-14)


def test_lipschitz_bound_of_a_linear_chain_and_bad_input():
    W1, W2 = onp.array([[1.0, 2.0], [0.0, 1.0]]), onp.array([[1.0, -1.0]])
    assert lipschitz_upper_bound([W1, W2]) == pytest.approx(
        onp.linalg.norm(W1, 2) * onp.linalg.norm(W2, 2), rel=1e-14
    )
    assert lipschitz_upper_bound([W1, W2], activation_lipschitz=0.25) == pytest.approx(
        0.25 * onp.linalg.norm(W1, 2) * onp.linalg.norm(W2, 2), rel=1e-14
    )
    with pytest.raises(ValueError, match=r"^lipschitz_upper_bound: layer shapes do not chain"):
        lipschitz_upper_bound([W1, onp.ones((1, 3))])
    with pytest.raises(TypeError, match=r"^lipschitz_upper_bound: model must be an MLP"):
        lipschitz_upper_bound(W1)
    with pytest.raises(ValueError, match=r"^lipschitz_upper_bound: model\[0\] must be finite"):
        lipschitz_upper_bound([W1 * onp.nan])
    with pytest.raises(ValueError, match=r"^lipschitz_upper_bound: the output activation"):
        lipschitz_upper_bound(MLP([2, 2], output="log_softmax", rng=0))
    # a hidden activation without a Lipschitz constant (z^2) is refused by name (it used to
    # reach None * float); with no hidden layer it is never applied, so the bound stands
    square = Activation("square", "z^2", fn=lambda z: z * z, fn_derivative=lambda z: 2 * z)
    with pytest.raises(ValueError, match=r"^lipschitz_upper_bound: the hidden activation square"):
        lipschitz_upper_bound(MLP([2, 3, 1], activation=square, rng=0))
    assert lipschitz_upper_bound(MLP.from_weights([W2], activation=square)) == pytest.approx(
        onp.linalg.norm(W2, 2), rel=1e-14
    )


def test_iterated_fgsm_is_fgsm_steps_projected_into_the_box_and_the_ball():
    net = MLP([4, 6, 3], activation="relu", init="kaiming_normal", rng=11)
    rng = onp.random.default_rng(3)
    X, labels = rng.uniform(0.0, 1.0, (5, 4)), onp.array([0, 1, 2, 1, 0])
    eps = 0.3
    out = iterated_fgsm(net, X, labels, eps, steps=10, clip=(0.0, 1.0))
    X_k = X.copy()  # the oracle: the public one-step attack, then the two projections
    for _ in range(10):
        X_k = onp.clip(fgsm(net, X_k, labels, eps / 4, clip=(0.0, 1.0)), X - eps, X + eps)
    assert onp.array_equal(out, X_k)
    assert onp.max(onp.abs(out - X)) <= eps + 1e-15 and out.min() >= 0.0 and out.max() <= 1.0
    # one step of the whole budget is FGSM itself
    one = iterated_fgsm(net, X, labels, eps, steps=1, alpha=eps, clip=(0.0, 1.0))
    assert onp.array_equal(one, fgsm(net, X, labels, eps, clip=(0.0, 1.0)))
