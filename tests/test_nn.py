"""Tests of jaccourse.nn against oracles we did not write.

Oracles: autograd (through jaccourse.derivatives.jacobian, and autograd.grad of the same loss
written with autograd.numpy), central differences (jacobian_fd), closed forms (math.exp,
math.tanh, the softmax identities) and statistics of the initialisers. Backpropagation is
checked against autograd on random networks drawn by hypothesis.
"""

from __future__ import annotations

import math
import warnings

import autograd
import autograd.numpy as np
import numpy as onp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jaccourse.datasets import load_digits
from jaccourse.derivatives import jacobian, jacobian_fd
from jaccourse.nn import (
    ACTIVATIONS,
    INITIALIZERS,
    MLP,
    Activation,
    Dense,
    Gradients,
    TrainingHistory,
    accuracy,
    cross_entropy,
    cross_entropy_gradient,
    get_activation,
    identity,
    kaiming_normal,
    kaiming_uniform,
    log_softmax,
    mse,
    mse_gradient,
    one_hot,
    relu,
    sigmoid,
    softmax,
    softplus,
    standard_normal,
    tanh,
    train,
    xavier_normal,
    xavier_uniform,
)

FAST = settings(max_examples=25, deadline=None)
ELEMENTWISE = ["identity", "sigmoid", "tanh", "relu", "softplus"]
VECTOR = ["softmax", "log_softmax"]
EXTREME = onp.array([-1e4, -1000.0, -745.0, -40.0, -1e-300, 0.0, 1e-300, 40.0, 745.0, 1000.0, 1e4])


def z_vector(seed: int = 0, n: int = 7) -> onp.ndarray:
    # away from relu's kink at 0 (central differences straddle it otherwise)
    z = onp.random.default_rng(seed).uniform(-3.0, 3.0, n)
    return onp.where(onp.abs(z) < 0.05, 0.5, z)


# --------------------------------------------------------------------------------------------
# activations: Jacobians against autograd and central differences
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ELEMENTWISE + VECTOR)
def test_activation_jacobian_matches_autograd_and_central_differences(name):
    act = ACTIVATIONS[name]
    z = z_vector(1)
    J = act.jacobian(z)
    assert J.shape == (7, 7)
    onp.testing.assert_allclose(J, jacobian(act.fn, z), rtol=1e-13, atol=1e-15)
    onp.testing.assert_allclose(J, jacobian(act.value, z, mode="forward"), rtol=1e-13, atol=1e-15)
    onp.testing.assert_allclose(J, jacobian_fd(act.fn, z), rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("name", ELEMENTWISE + VECTOR)
def test_vjp_is_u_transpose_times_the_jacobian_single_and_batch(name):
    act = ACTIVATIONS[name]
    rng = onp.random.default_rng(2)
    Z = rng.uniform(-3, 3, (4, 6))
    U = rng.standard_normal((4, 6))
    J = act.jacobian(Z)
    assert J.shape == (4, 6, 6)
    for i in range(4):
        onp.testing.assert_allclose(J[i], act.jacobian(Z[i]), rtol=0, atol=0)
        onp.testing.assert_allclose(act.vjp(Z[i], U[i]), U[i] @ J[i], rtol=1e-13, atol=1e-15)
    onp.testing.assert_allclose(
        act.vjp(Z, U), onp.einsum("ni,nij->nj", U, J), rtol=1e-13, atol=1e-15
    )
    onp.testing.assert_allclose(act(Z)[2], act(Z[2]), rtol=1e-15)


@FAST
@given(z=st.lists(st.floats(-50, 50), min_size=1, max_size=12), name=st.sampled_from(ELEMENTWISE))
def test_elementwise_jacobians_are_diagonal_with_the_derivative_on_the_diagonal(z, name):
    act = ACTIVATIONS[name]
    z = onp.array(z)
    J = act.jacobian(z)
    onp.testing.assert_array_equal(J, onp.diag(act.derivative(z)))
    onp.testing.assert_array_equal(act.vjp(z, onp.ones_like(z)), act.derivative(z))


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "softplus"])
def test_smooth_derivatives_match_autograd_everywhere_including_zero(name):
    act = ACTIVATIONS[name]
    z = onp.array([-30.0, -2.0, -0.1, 0.0, 0.1, 2.0, 30.0])
    auto = onp.diag(jacobian(act.fn, z))
    # (in the tails autograd's derivative of tanh rounds 4 exp(-60) ~ 3e-26 to 0: its own
    # rounding, not ours, hence the absolute tolerance)
    onp.testing.assert_allclose(act.derivative(z), auto, rtol=1e-14, atol=1e-16)


def test_relu_derivative_at_the_kink_is_zero_and_autograd_agrees():
    z = onp.array([-1.0, 0.0, 2.0])
    onp.testing.assert_array_equal(relu.derivative(z), [0.0, 0.0, 1.0])
    onp.testing.assert_array_equal(onp.diag(jacobian(relu.fn, z)), [0.0, 0.0, 1.0])


def test_closed_forms_and_relative_accuracy_in_the_tails():
    for x in [-700.0, -40.0, -5.0, 0.0, 3.0, 40.0]:
        exact = 1.0 / (1.0 + math.exp(-x))
        assert sigmoid(onp.array([x]))[0] == pytest.approx(exact, rel=1e-15)
        # sigma' = sigma(1 - sigma), accurate even where 1 - sigma cancels (x = 40)
        exact_d = math.exp(-abs(x)) / (1.0 + math.exp(-abs(x))) ** 2
        assert sigmoid.derivative(onp.array([x]))[0] == pytest.approx(exact_d, rel=1e-14)
        assert softplus(onp.array([x]))[0] == pytest.approx(
            math.log1p(math.exp(x)) if x < 30 else x + math.exp(-x), rel=1e-15, abs=1e-300
        )
    for x in [-20.0, -1.0, -1e-9, 1e-200, 0.5, 20.0]:
        assert tanh(onp.array([x]))[0] == pytest.approx(math.tanh(x), rel=4e-16)
    for x in [-20.0, -1.0, 0.5, 20.0, 300.0]:
        assert tanh.derivative(onp.array([x]))[0] == pytest.approx(
            1.0 / math.cosh(x) ** 2, rel=1e-13
        )


@pytest.mark.parametrize("name", ELEMENTWISE + VECTOR)
def test_stable_at_extreme_inputs_no_warning_no_nan(name):
    act = ACTIVATIONS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = act(EXTREME)
        J = act.jacobian(EXTREME)
        v = act.vjp(EXTREME, onp.ones_like(EXTREME))
        auto = jacobian(act.fn, EXTREME)  # autograd can differentiate them there too
        batch = act(onp.stack([EXTREME, -EXTREME]))
        if act.elementwise:
            d = act.derivative(EXTREME)
            assert onp.all(onp.isfinite(d))
    for arr in (a, J, v, auto, batch):
        assert onp.all(onp.isfinite(arr))
    onp.testing.assert_allclose(J, auto, rtol=1e-12, atol=1e-16)


def test_extreme_values_are_the_limits():
    big = onp.array([-1e4, 1e4])
    onp.testing.assert_array_equal(sigmoid(big), [0.0, 1.0])
    onp.testing.assert_array_equal(sigmoid.derivative(big), [0.0, 0.0])
    onp.testing.assert_array_equal(tanh(big), [-1.0, 1.0])
    onp.testing.assert_array_equal(softplus(big), [0.0, 1e4])
    onp.testing.assert_array_equal(softmax(big), [0.0, 1.0])
    onp.testing.assert_array_equal(log_softmax(big), [-2e4, 0.0])


def test_softmax_identities():
    rng = onp.random.default_rng(3)
    z = rng.standard_normal(6) * 3
    s = softmax(z)
    J = softmax.jacobian(z)
    assert s.sum() == pytest.approx(1.0, rel=1e-15)
    onp.testing.assert_allclose(J, onp.diag(s) - onp.outer(s, s), rtol=1e-15, atol=1e-17)
    onp.testing.assert_allclose(J.sum(axis=1), 0.0, atol=1e-15)  # rows sum to zero
    onp.testing.assert_allclose(J, J.T, atol=0)
    eig = onp.linalg.eigvalsh(J)
    assert eig.min() > -1e-15 and eig.max() <= 0.5 and abs(eig.min()) < 1e-15  # singular
    onp.testing.assert_allclose(softmax(z + 123.0), s, rtol=1e-13)  # shift invariance
    onp.testing.assert_allclose(log_softmax(z), onp.log(s), rtol=1e-13)
    onp.testing.assert_allclose(
        log_softmax.jacobian(z), onp.eye(6) - onp.outer(onp.ones(6), s), rtol=1e-15, atol=1e-17
    )


def test_softmax_cross_entropy_gradient_is_s_minus_onehot():
    z = onp.array([[0.3, -1.2, 2.0, 0.1], [5.0, 5.0, -5.0, 0.0]])
    y = onp.array([2, 1])
    s = softmax(z)
    g = cross_entropy_gradient(z, y)
    onp.testing.assert_allclose(g, (s - one_hot(y, 4)) / 2, rtol=1e-15)
    onp.testing.assert_allclose(
        g, autograd.grad(lambda q: cross_entropy(q, y))(z), rtol=1e-13, atol=1e-16
    )
    # the chain through the full softmax Jacobian gives the same vector
    via_jacobian = onp.array([softmax.vjp(z[i], -one_hot(y[i], 4) / s[i]) for i in range(2)]) / 2
    onp.testing.assert_allclose(g, via_jacobian, rtol=1e-12, atol=1e-15)


def test_activation_bad_input_is_refused_clearly():
    with pytest.raises(ValueError, match=r"^sigmoid: z must be finite"):
        sigmoid([0.0, onp.nan])
    with pytest.raises(ValueError, match=r"^tanh\.jacobian: z must be finite"):
        tanh.jacobian([onp.inf])
    with pytest.raises(TypeError, match=r"^relu: z must be an array of numbers"):
        relu("abc")
    with pytest.raises(TypeError, match=r"^softmax\.derivative: softmax is not element-wise"):
        softmax.derivative([0.0, 1.0])
    with pytest.raises(ValueError, match=r"^softmax: z must have at least 1 dimension"):
        softmax(1.0)
    with pytest.raises(ValueError, match=r"^tanh\.vjp: u must have the shape of z, \(3,\)"):
        tanh.vjp([1.0, 2.0, 3.0], [1.0, 2.0])
    with pytest.raises(ValueError, match=r"^get_activation: unknown activation 'swish'"):
        get_activation("swish")
    with pytest.raises(TypeError, match=r"^get_activation: activation must be a name"):
        get_activation(3)
    with pytest.raises(TypeError, match=r"^Activation: bad needs fn_derivative"):
        Activation("bad", "?", fn=lambda z: z)


def test_registry_and_custom_activation():
    assert set(ACTIVATIONS) == {
        "identity",
        "sigmoid",
        "tanh",
        "relu",
        "softplus",
        "softmax",
        "log_softmax",
    }
    assert get_activation("linear") is identity and get_activation(tanh) is tanh
    assert [ACTIVATIONS[n].elementwise for n in ELEMENTWISE + VECTOR] == [True] * 5 + [False] * 2
    assert "sigma(z) = 1 / (1 + exp(-z))" in sigmoid.__doc__
    square = Activation("square", "z^2", fn=lambda z: z**2, fn_derivative=lambda z: 2 * z)
    z = onp.array([1.0, -2.0])
    onp.testing.assert_allclose(square.jacobian(z), jacobian(square.fn, z))


# --------------------------------------------------------------------------------------------
# initialisers
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "init, variance",
    [
        (standard_normal, lambda i, o: 1.0),
        (xavier_uniform, lambda i, o: 2.0 / (i + o)),
        (xavier_normal, lambda i, o: 2.0 / (i + o)),
        (kaiming_uniform, lambda i, o: 2.0 / i),
        (kaiming_normal, lambda i, o: 2.0 / i),
    ],
)
def test_initialiser_variances_shapes_and_seeding(init, variance):
    fan_in, fan_out = 300, 200
    W = init(fan_in, fan_out, rng=0)
    assert W.shape == (fan_out, fan_in)
    # 60,000 samples: the sample variance is within a few percent of the formula
    assert W.var() == pytest.approx(variance(fan_in, fan_out), rel=0.03)
    assert abs(W.mean()) < 0.02 * math.sqrt(variance(fan_in, fan_out))
    onp.testing.assert_array_equal(W, init(fan_in, fan_out, rng=0))
    onp.testing.assert_array_equal(W, init(fan_in, fan_out, rng=onp.random.default_rng(0)))
    assert not onp.array_equal(W, init(fan_in, fan_out, rng=1))
    assert INITIALIZERS[init.__name__] is init


def test_uniform_initialisers_respect_their_bounds():
    assert onp.abs(xavier_uniform(50, 70, rng=0)).max() <= math.sqrt(6 / 120)
    assert onp.abs(kaiming_uniform(50, 70, rng=0)).max() <= math.sqrt(6 / 50)


@pytest.mark.parametrize(
    "args, error, match",
    [
        ((0, 3), ValueError, r"^xavier_normal: fan_in must be an integer >= 1, got 0"),
        ((3, 2.5), TypeError, r"^xavier_normal: fan_out must be an integer"),
        ((3, 3, "seed"), TypeError, r"^xavier_normal: rng must be a numpy.random.Generator"),
    ],
)
def test_initialiser_bad_input(args, error, match):
    with pytest.raises(error, match=match):
        xavier_normal(*args)


# --------------------------------------------------------------------------------------------
# losses
# --------------------------------------------------------------------------------------------


def test_losses_against_hand_computation():
    pred = onp.array([[1.0, 2.0], [0.0, -1.0]])
    target = onp.array([[0.0, 2.0], [1.0, 1.0]])
    assert float(mse(pred, target)) == pytest.approx((1 + 0 + 1 + 4) / 4)
    onp.testing.assert_allclose(
        mse_gradient(pred, target), autograd.grad(lambda p: mse(p, target))(pred), rtol=1e-15
    )
    z = onp.array([[0.5, 1.5, -1.0], [2.0, 0.0, 0.0]])
    y = onp.array([1, 0])
    manual = onp.mean([-onp.log(onp.exp(z[i, y[i]]) / onp.exp(z[i]).sum()) for i in range(2)])
    assert float(cross_entropy(z, y)) == pytest.approx(manual, rel=1e-14)
    assert float(cross_entropy(z[0], 1)) == pytest.approx(
        -onp.log(onp.exp(1.5) / onp.exp(z[0]).sum()), rel=1e-14
    )
    assert accuracy(z, y) == 1.0 and accuracy(z, [0, 0]) == 0.5


def test_cross_entropy_is_stable_for_huge_logits():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        z = onp.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 0.0]])
        assert float(cross_entropy(z, [0, 0])) == pytest.approx(1e4, rel=1e-15)
        g = cross_entropy_gradient(z, [0, 0])
        ag = autograd.grad(lambda q: cross_entropy(q, onp.array([0, 0])))(z)
    onp.testing.assert_allclose(g, [[0, 0, 0], [-0.5, 0.5, 0]], atol=1e-300)
    onp.testing.assert_allclose(ag, g, atol=1e-300)


def test_labels_may_be_integral_floats_and_one_hot_works():
    onp.testing.assert_array_equal(one_hot(onp.array([1.0, 0.0]), 2), [[0, 1], [1, 0]])
    onp.testing.assert_array_equal(one_hot(2, 3), [0, 0, 1])


@pytest.mark.parametrize(
    "call, error, match",
    [
        (
            lambda: cross_entropy([[0.0, 1.0]], [2]),
            ValueError,
            r"^cross_entropy: labels must lie in \[0, 2\) \(one score per class\), got 2",
        ),
        (lambda: cross_entropy([[0.0, 1.0]], [-1]), ValueError, r"^cross_entropy: labels must lie"),
        (
            lambda: cross_entropy([[0.0, 1.0]], [0.5]),
            ValueError,
            r"^cross_entropy: labels must be integer class indices",
        ),
        (lambda: cross_entropy([[0.0, 1.0]], ["a"]), TypeError, r"^cross_entropy: labels must be"),
        (
            lambda: cross_entropy([[0.0, 1.0]], [0, 1]),
            ValueError,
            r"^cross_entropy: labels must have shape \(1,\)",
        ),
        (
            lambda: cross_entropy([[0.0, onp.nan]], [0]),
            ValueError,
            r"^cross_entropy: logits must be finite",
        ),
        (
            lambda: cross_entropy(onp.zeros((1, 2, 3)), [0]),
            ValueError,
            r"^cross_entropy: logits must have shape \(K,\) or \(N, K\)",
        ),
        (
            lambda: mse([1.0, 2.0], [1.0]),
            ValueError,
            r"^mse: target must have the shape of pred, \(2,\), got shape \(1,\)",
        ),
        (
            lambda: mse_gradient([1.0, onp.inf], [1.0, 2.0]),
            ValueError,
            r"^mse_gradient: pred must be finite",
        ),
        (lambda: one_hot([3], 3), ValueError, r"^one_hot: labels must lie in \[0, 3\)"),
        (lambda: accuracy([1.0, 2.0], [0]), ValueError, r"^accuracy: scores must have at least 2"),
    ],
)
def test_loss_bad_input_is_refused_clearly(call, error, match):
    with pytest.raises(error, match=match):
        call()


# --------------------------------------------------------------------------------------------
# one dense layer
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("act", ["tanh", "softplus", "softmax"])
def test_dense_jacobians_and_vjp_against_autograd(act):
    rng = onp.random.default_rng(4)
    W, b, x, u = (
        rng.standard_normal((3, 5)),
        rng.standard_normal(3),
        rng.standard_normal(5),
        rng.standard_normal(3),
    )
    layer = Dense(W, b, act)
    onp.testing.assert_allclose(layer.jacobian(x), jacobian(layer, x), rtol=1e-13, atol=1e-15)

    def of_weights(w):
        return get_activation(act).fn(np.dot(np.reshape(w, (3, 5)), x) + b)

    Jw = layer.weight_jacobian(x)
    assert Jw.shape == (3, 3, 5)
    onp.testing.assert_allclose(
        Jw.reshape(3, 15), jacobian(of_weights, W.ravel()), rtol=1e-13, atol=1e-15
    )
    gx, gW, gb = layer.vjp(x, u)
    onp.testing.assert_allclose(gx, u @ layer.jacobian(x), rtol=1e-13, atol=1e-15)
    onp.testing.assert_allclose(gW.ravel(), u @ Jw.reshape(3, 15), rtol=1e-13, atol=1e-15)
    X, U = rng.standard_normal((4, 5)), rng.standard_normal((4, 3))
    gX, gWb, gbb = layer.vjp(X, U)
    parts = [layer.vjp(X[i], U[i]) for i in range(4)]
    onp.testing.assert_allclose(gX, [p[0] for p in parts], rtol=1e-13, atol=1e-15)
    onp.testing.assert_allclose(gWb, sum(p[1] for p in parts), rtol=1e-13, atol=1e-15)
    onp.testing.assert_allclose(gbb, sum(p[2] for p in parts), rtol=1e-13, atol=1e-15)


def test_dense_bad_shapes():
    with pytest.raises(ValueError, match=r"^Dense: b must have shape \(2,\) to match W"):
        Dense(onp.ones((2, 3)), onp.ones(3))
    layer = Dense(onp.ones((2, 3)), onp.ones(2))
    with pytest.raises(ValueError, match=r"^Dense\.jacobian: x must have shape \(3,\) or \(N, 3\)"):
        layer.jacobian([1.0, 2.0])
    with pytest.raises(ValueError, match=r"^Dense\.vjp: u must have the output's shape \(2,\)"):
        layer.vjp([1.0, 2.0, 3.0], [1.0])


# --------------------------------------------------------------------------------------------
# MLP: construction, parameters, Jacobians
# --------------------------------------------------------------------------------------------


def test_mlp_construction_is_seeded_and_shaped():
    net = MLP([5, 4, 3], activation="relu", init="kaiming_normal", rng=7)
    assert net.sizes == (5, 4, 3) and net.n_params == 4 * 6 + 3 * 5
    assert [W.shape for W in net.weights] == [(4, 5), (3, 4)]
    assert all(not b.any() for b in net.biases)
    same = MLP([5, 4, 3], activation="relu", init="kaiming_normal", rng=7)
    onp.testing.assert_array_equal(net.params(), same.params())
    with pytest.raises(ValueError):
        net.weights[0][0, 0] = 1.0  # read-only
    custom = MLP([2, 2], init=lambda i, o, rng: onp.full((o, i), 0.5))
    onp.testing.assert_array_equal(custom.weights[0], 0.5)
    assert repr(net) == "MLP(sizes=(5, 4, 3), activation='relu', output='identity', n_params=39)"


def test_params_round_trip_and_layout():
    net = MLP([3, 4, 2], rng=0)
    p = net.params()
    Ws, bs = net.unflatten(p)
    onp.testing.assert_array_equal(Ws[0], net.weights[0])
    onp.testing.assert_array_equal(bs[1], net.biases[1])
    other = net.with_params(p + 1.0)
    onp.testing.assert_array_equal(other.params(), p + 1.0)
    onp.testing.assert_array_equal(net.params(), p)  # the original is untouched
    layers = net.layers
    x = onp.array([0.1, -0.2, 0.3])
    onp.testing.assert_allclose(layers[1](layers[0](x)), net.forward(x), rtol=1e-15)


def test_forward_single_batch_and_apply_agree():
    net = MLP([3, 6, 2], activation="sigmoid", rng=1, output="softmax")
    X = onp.random.default_rng(0).standard_normal((5, 3))
    out = net.forward(X)
    assert out.shape == (5, 2)
    onp.testing.assert_allclose(out.sum(axis=1), 1.0, rtol=1e-15)
    for i in range(5):
        onp.testing.assert_allclose(net(X[i]), out[i], rtol=1e-15)
    onp.testing.assert_array_equal(net.apply(net.params(), X), out)
    onp.testing.assert_array_equal(net.predict(X), out.argmax(axis=1))


@pytest.mark.parametrize(
    "act, output",
    [("tanh", "linear"), ("relu", "linear"), ("sigmoid", "softmax"), ("softplus", "log_softmax")],
)
def test_layer_and_input_jacobians_match_autograd(act, output):
    net = MLP([4, 7, 5, 3], activation=act, rng=2, output=output)
    x = onp.random.default_rng(5).standard_normal(4)
    Js = net.layer_jacobians(x)
    assert [J.shape for J in Js] == [(7, 4), (5, 7), (3, 5)]
    layers = net.layers
    inputs = [x]
    for layer in layers:
        inputs.append(layer(inputs[-1]))
    for J, layer, xin in zip(Js, layers, inputs[:-1], strict=True):
        onp.testing.assert_allclose(J, jacobian(layer, xin), rtol=1e-12, atol=1e-14)
    Jx = net.input_jacobian(x)
    onp.testing.assert_allclose(Jx, Js[2] @ Js[1] @ Js[0], rtol=1e-13, atol=1e-15)
    onp.testing.assert_allclose(Jx, jacobian(net.forward, x), rtol=1e-12, atol=1e-14)
    onp.testing.assert_allclose(Jx, jacobian_fd(net.forward, x), rtol=1e-6, atol=1e-8)
    X = onp.stack([x, -x, 2 * x])
    JX = net.input_jacobian(X)
    assert JX.shape == (3, 3, 4)
    onp.testing.assert_allclose(JX[1], net.input_jacobian(-x), rtol=1e-14, atol=1e-16)


# --------------------------------------------------------------------------------------------
# backpropagation against autograd on random networks
# --------------------------------------------------------------------------------------------


def autograd_gradient(net: MLP, X, y, loss: str) -> onp.ndarray:
    fn = cross_entropy if loss == "cross_entropy" else mse
    return autograd.grad(lambda p: fn(net.apply(p, X), y))(net.params())


@settings(max_examples=30, deadline=None)
@given(
    widths=st.lists(st.integers(1, 9), min_size=2, max_size=5),
    act=st.sampled_from(ELEMENTWISE),
    output=st.sampled_from(["linear", "tanh", "softmax"]),
    loss=st.sampled_from(["cross_entropy", "mse"]),
    batch=st.integers(1, 6),
    seed=st.integers(0, 2**16),
)
def test_backprop_matches_autograd_on_random_networks(widths, act, output, loss, batch, seed):
    rng = onp.random.default_rng(seed)
    init = "kaiming_normal" if act == "relu" else "xavier_normal"
    net = MLP(widths, activation=act, init=init, rng=rng, output=output)
    net = net.with_params(net.params() + 0.1 * rng.standard_normal(net.n_params))  # biases != 0
    X = rng.standard_normal((batch, widths[0]))
    y = (
        rng.integers(0, widths[-1], batch)
        if loss == "cross_entropy"
        else rng.standard_normal((batch, widths[-1]))
    )
    g = net.backprop(X, y, loss=loss)
    auto = autograd_gradient(net, X, y, loss)
    scale = max(1.0, float(onp.abs(auto).max()))
    assert onp.abs(g.vector() - auto).max() <= 1e-10 * scale
    fn = cross_entropy if loss == "cross_entropy" else mse
    assert g.loss == pytest.approx(float(fn(net.forward(X), y)), rel=1e-13, abs=1e-15)
    gx = autograd.grad(lambda x: fn(net.forward(x), y))(X)
    assert onp.abs(g.x - gx).max() <= 1e-10 * max(1.0, float(onp.abs(gx).max()))
    assert [gw.shape for gw in g.weights] == [W.shape for W in net.weights]
    assert [gb.shape for gb in g.biases] == [b.shape for b in net.biases]


def test_backprop_against_central_differences_of_the_loss():
    rng = onp.random.default_rng(11)
    net = MLP([3, 5, 4], activation="tanh", rng=3)
    X, y = rng.standard_normal((6, 3)), rng.integers(0, 4, 6)
    g = net.backprop(X, y)

    def f(p):
        return onp.array([float(cross_entropy(net.apply(p, X), y))])

    fd = jacobian_fd(f, net.params())[0]
    onp.testing.assert_allclose(g.vector(), fd, rtol=1e-6, atol=1e-9)


def test_backprop_single_example_equals_a_batch_of_one():
    net = MLP([3, 4, 2], activation="softplus", rng=0)
    x = onp.array([0.3, -1.0, 2.0])
    single, batch = net.backprop(x, 1), net.backprop(x[None], [1])
    assert single.x.shape == (3,) and batch.x.shape == (1, 3)
    onp.testing.assert_array_equal(single.vector(), batch.vector())
    assert single.loss == batch.loss
    t = net.backprop(x, [0.5, -0.5], loss="mse")
    onp.testing.assert_allclose(
        t.vector(), autograd_gradient(net, x, onp.array([0.5, -0.5]), "mse"), rtol=1e-12, atol=1e-15
    )


def test_backprop_is_the_vjp_chain_with_layer_jacobians():
    """delta_l = J_l^T delta_{l+1}: the input gradient is delta_L^T J_{L-1} ... J_0."""
    net = MLP([4, 6, 3], activation="tanh", rng=0)
    x = onp.array([0.2, -0.4, 0.6, 1.0])
    g = net.backprop(x, 2)
    delta_L = cross_entropy_gradient(net.forward(x), 2)
    onp.testing.assert_allclose(g.x, delta_L @ net.input_jacobian(x), rtol=1e-13, atol=1e-16)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (
            lambda n: n.backprop(onp.zeros((2, 3)), [0, 3]),
            ValueError,
            r"^MLP\.backprop: y \(labels\) must lie in \[0, 3\) \(one score per class\), got 3",
        ),
        (
            lambda n: n.backprop(onp.zeros((2, 3)), [0]),
            ValueError,
            r"^MLP\.backprop: y \(labels\) must have shape \(2,\)",
        ),
        (
            lambda n: n.backprop(onp.zeros((2, 3)), onp.zeros((2, 2)), loss="mse"),
            ValueError,
            r"^MLP\.backprop: y \(targets\) must have shape \(2, 3\)",
        ),
        (
            lambda n: n.backprop(onp.zeros((2, 4)), [0, 1]),
            ValueError,
            r"^MLP\.backprop: x must have shape \(3,\) or \(N, 3\) for an MLP with input width 3",
        ),
        (lambda n: n.backprop([onp.nan, 0, 0], 0), ValueError, r"^MLP\.backprop: x must be finite"),
        (
            lambda n: n.backprop([0, 0, 0], 0, loss="hinge"),
            ValueError,
            r"^MLP\.backprop: loss must be one of \['cross_entropy', 'mse'\]",
        ),
        (
            lambda n: n.forward(onp.zeros((2, 2, 3))),
            ValueError,
            r"^MLP\.forward: x must have shape",
        ),
        (
            lambda n: n.with_params(onp.zeros(5)),
            ValueError,
            r"^MLP\.with_params: params must have shape \(31,\)",
        ),
        (
            lambda n: n.apply(onp.zeros(31), [[onp.inf, 0, 0]]),
            ValueError,
            r"^MLP\.apply: x must be finite",
        ),
    ],
)
def test_mlp_bad_input_is_refused_clearly(call, error, match):
    net = MLP([3, 4, 3], rng=0)
    with pytest.raises(error, match=match):
        call(net)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: MLP([3]), ValueError, r"^MLP: sizes must list at least an input and an output"),
        (lambda: MLP([3, 0, 2]), ValueError, r"^MLP: sizes\[1\] must be an integer >= 1, got 0"),
        (lambda: MLP("34"), TypeError, r"^MLP: sizes must be a sequence of layer widths"),
        (
            lambda: MLP([3, 2], activation="softmax"),
            ValueError,
            r"^MLP: the hidden activation must be element-wise, got softmax",
        ),
        (lambda: MLP([3, 2], activation="swish"), ValueError, r"^MLP: activation: get_activation"),
        (lambda: MLP([3, 2], init="glorot"), ValueError, r"^MLP: init must be one of"),
        (
            lambda: MLP([3, 2], init=lambda i, o, r: onp.zeros((i, o))),
            ValueError,
            r"^MLP: init must return an array of shape \(fan_out, fan_in\) = \(2, 3\)",
        ),
        (lambda: MLP([3, 2], rng="seed"), TypeError, r"^MLP: rng must be"),
        (
            lambda: MLP.from_weights([onp.ones((4, 3)), onp.ones((2, 5))]),
            ValueError,
            r"^MLP\.from_weights: layer shapes do not chain: weights\[0\] has shape \(4, 3\) "
            r"\(output "
            r"width 4\) but weights\[1\] has shape \(2, 5\) \(input width 5\)",
        ),
        (
            lambda: MLP.from_weights([onp.ones((4, 3))], [onp.ones(3)]),
            ValueError,
            r"^MLP\.from_weights: biases\[0\] must have shape \(4,\)",
        ),
        (
            lambda: MLP.from_weights([onp.ones((4, 3)) * onp.nan]),
            ValueError,
            r"^MLP\.from_weights: weights\[0\] must be finite",
        ),
        (
            lambda: MLP.from_weights([]),
            TypeError,
            r"^MLP\.from_weights: weights must be a non-empty",
        ),
    ],
)
def test_mlp_construction_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


# --------------------------------------------------------------------------------------------
# training
# --------------------------------------------------------------------------------------------


def blobs(seed: int = 0, n: int = 120):
    rng = onp.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    centres = onp.array([[2.0, 0.0], [-1.0, 1.7], [-1.0, -1.7]])
    return centres[y] + 0.6 * rng.standard_normal((n, 2)), y


def test_backprop_and_autograd_training_give_the_same_iterates():
    X, y = blobs()
    kwargs = dict(lr=0.2, batch_size=16, epochs=3, rng=5, momentum=0.5)
    a, ha = train(MLP([2, 8, 3], rng=0), X, y, gradient="backprop", **kwargs)
    b, hb = train(MLP([2, 8, 3], rng=0), X, y, gradient="autograd", **kwargs)
    onp.testing.assert_allclose(a.params(), b.params(), rtol=1e-10, atol=1e-12)
    onp.testing.assert_allclose(ha.loss, hb.loss, rtol=1e-10)
    assert ha.result.nit == 3 * 8


def test_training_learns_and_records_curves():
    X, y = blobs()
    Xv, yv = blobs(seed=1, n=60)
    net0 = MLP([2, 8, 3], activation="tanh", rng=0)
    net, hist = train(
        net0, X, y, lr=0.3, batch_size=16, epochs=15, rng=0, momentum=0.9, X_val=Xv, y_val=yv
    )
    assert isinstance(hist, TrainingHistory) and hist.result.success
    assert hist.epoch.tolist() == list(range(16))
    for curve in (hist.loss, hist.accuracy, hist.val_loss, hist.val_accuracy):
        assert curve.shape == (16,)
    assert hist.accuracy[-1] >= 0.95 and hist.val_accuracy[-1] >= 0.95
    assert hist.loss[-1] < 0.5 * hist.loss[0]
    assert hist.val_loss[-1] == pytest.approx(float(cross_entropy(net.forward(Xv), yv)), rel=1e-12)
    assert hist.loss[0] == pytest.approx(float(cross_entropy(net0.forward(X), y)), rel=1e-12)
    onp.testing.assert_array_equal(net0.params(), MLP([2, 8, 3], rng=0).params())  # untouched


def test_training_with_mse_and_reproducibility():
    rng = onp.random.default_rng(0)
    X = rng.uniform(-1, 1, (64, 1))
    Y = onp.sin(2 * X)
    runs = [
        train(
            MLP([1, 12, 1], rng=0),
            X,
            Y,
            lr=0.1,
            batch_size=8,
            epochs=40,
            rng=1,
            momentum=0.9,
            loss="mse",
        )
        for _ in range(2)
    ]
    onp.testing.assert_array_equal(runs[0][0].params(), runs[1][0].params())
    hist = runs[0][1]
    assert hist.accuracy is None and hist.val_loss is None
    assert hist.loss[-1] < 0.05 * hist.loss[0]


def test_a_diverging_run_reports_failure_without_warnings():
    X, y = blobs()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        net, _ = train(
            MLP([2, 8, 3], activation="relu", rng=0), X, y, lr=1e30, batch_size=16, epochs=3, rng=0
        )
        _, hist2 = train(
            MLP([2, 8, 3], activation="relu", rng=0),
            X,
            onp.eye(3)[y],
            lr=1e30,
            batch_size=16,
            epochs=3,
            rng=0,
            loss="mse",
        )
    assert not hist2.result.success and "inf" in hist2.result.message
    assert onp.all(onp.isfinite(net.params()))


def test_training_on_digits_reaches_95_percent_held_out():
    """The backpropagation chapter's settings: over 95 % on the held-out digits in seconds."""
    data = load_digits()
    net, hist = train(
        MLP([64, 64, 10], activation="tanh", rng=0),
        data.X_train,
        data.y_train,
        lr=0.1,
        batch_size=32,
        epochs=20,
        rng=0,
        momentum=0.9,
        X_val=data.X_test,
        y_val=data.y_test,
    )
    assert hist.result.success and hist.val_accuracy[-1] >= 0.95
    assert accuracy(net.forward(data.X_test), data.y_test) == hist.val_accuracy[-1]


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(mlp="net"), TypeError, r"^train: mlp must be an MLP"),
        (dict(X=onp.zeros((4, 3))), ValueError, r"^train: X must have shape \(N, 2\)"),
        (dict(y=[0, 1, 2, 3]), ValueError, r"^train: y \(labels\) must lie in \[0, 3\)"),
        (dict(y=[0, 1]), ValueError, r"^train: y \(labels\) must have shape \(4,\)"),
        (dict(X_val=onp.zeros((2, 2))), ValueError, r"^train: give both X_val and y_val"),
        (
            dict(X_val=onp.zeros((2, 2)), y_val=[0, 5]),
            ValueError,
            r"^train: y_val \(labels\) must lie in \[0, 3\)",
        ),
        (dict(lr=-0.1), ValueError, r"^train: lr must be > 0"),
        (dict(epochs=0), ValueError, r"^train: epochs must be an integer >= 1"),
        (dict(loss="hinge"), ValueError, r"^train: loss must be one of"),
        (
            dict(gradient="numeric"),
            ValueError,
            r"^train: gradient must be 'backprop' or 'autograd'",
        ),
        (dict(X=[[0.0, onp.nan]] * 4), ValueError, r"^train: X must be finite"),
    ],
)
def test_train_bad_input_is_refused_clearly(kwargs, error, match):
    args = dict(
        mlp=MLP([2, 3, 3], rng=0),
        X=onp.zeros((4, 2)),
        y=[0, 1, 2, 0],
        lr=0.1,
        batch_size=2,
        epochs=1,
        rng=0,
    )
    args.update(kwargs)
    with pytest.raises(error, match=match):
        train(args.pop("mlp"), args.pop("X"), args.pop("y"), **args)


def test_gradients_vector_matches_params_layout():
    net = MLP([2, 3, 2], rng=0)
    g = Gradients(0.0, tuple(net.weights), tuple(net.biases), onp.zeros(2))
    onp.testing.assert_array_equal(g.vector(), net.params())
