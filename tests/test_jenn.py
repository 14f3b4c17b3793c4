"""Tests of jaccourse.jenn: forward propagation of partials, the JENN loss and fit, R^2, data.

Oracles not written here: autograd's Jacobians (of the network and of the test functions),
central differences, numpy's least squares (a network without hidden layers is a linear model,
whose JENN loss is an ordinary linear least-squares problem), scikit-learn's ``r2_score``, and
the hand-written input Jacobian of :class:`jaccourse.nn.MLP`.
"""

from __future__ import annotations

import autograd
import autograd.numpy as np
import numpy as onp
import pytest
from autograd.test_util import check_grads

from jaccourse.jenn import (
    JENN,
    LossTerms,
    forward_partials,
    r2_score,
    rastrigin,
    rastrigin_grid,
    sinusoid,
    sinusoid_grid,
)
from jaccourse.nn import Activation


def random_net(sizes, seed=0, scale=1.0):
    rng = onp.random.default_rng(seed)
    Ws = [
        scale * rng.standard_normal((o, i)) / onp.sqrt(i)
        for i, o in zip(sizes[:-1], sizes[1:], strict=True)
    ]
    bs = [0.3 * rng.standard_normal(o) for o in sizes[1:]]
    return Ws, bs


def central_jacobian(f, X, h=1e-6):
    """Central differences of ``f: (N, n) -> (N, m)``, sample by sample: ``(N, m, n)``."""
    N, n = X.shape
    cols = []
    for k in range(n):
        E = onp.zeros_like(X)
        E[:, k] = h
        cols.append((f(X + E) - f(X - E)) / (2 * h))
    return onp.stack(cols, axis=-1)


def autograd_jacobians(f, X):
    """autograd's ``(m, n)`` Jacobian of ``x -> f(x[None])[0]`` at each row of ``X``."""
    jac = autograd.jacobian(lambda x: f(np.reshape(x, (1, -1)))[0])
    return onp.stack([jac(x) for x in X])


SWISH = Activation(
    "swish",
    "z sigmoid(z)",
    fn=lambda z: z / (1 + np.exp(-z)),
    fn_derivative=lambda z: (1 + np.exp(-z) + z * np.exp(-z)) / (1 + np.exp(-z)) ** 2,
)


# --------------------------------------------------------------------------------------------
# forward propagation of partials
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("sizes", [(3, 2), (2, 5, 1), (3, 4, 6, 2), (1, 3, 3, 3, 4)])
@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "softplus", SWISH])
def test_forward_partials_equals_autograd_jacobian(sizes, activation):
    Ws, bs = random_net(sizes, seed=len(sizes), scale=1.5)
    X = onp.random.default_rng(1).standard_normal((5, sizes[0]))
    Y, J = forward_partials(Ws, bs, X, activation)
    assert Y.shape == (5, sizes[-1]) and J.shape == (5, sizes[-1], sizes[0])
    J_ad = autograd_jacobians(lambda x: forward_partials(Ws, bs, x, activation)[0], X)
    onp.testing.assert_allclose(J, J_ad, rtol=1e-12, atol=1e-13)
    J_fd = central_jacobian(lambda x: forward_partials(Ws, bs, x, activation)[0], X)
    onp.testing.assert_allclose(J, J_fd, rtol=1e-6, atol=1e-8)


def test_forward_partials_equals_mlp_input_jacobian():
    from jaccourse.nn import MLP

    Ws, bs = random_net((3, 7, 5, 2), seed=4)
    X = onp.random.default_rng(2).standard_normal((6, 3))
    net = MLP.from_weights(Ws, bs, activation="tanh")
    Y, J = forward_partials(Ws, bs, X, "tanh")
    onp.testing.assert_allclose(Y, net.forward(X), rtol=1e-13, atol=1e-14)
    onp.testing.assert_allclose(J, net.input_jacobian(X), rtol=1e-12, atol=1e-13)


def test_forward_partials_first_layer_and_linear_network():
    W = onp.array([[1.0, -2.0, 0.5]])
    Y, J = forward_partials([W], [onp.array([0.25])], onp.ones((4, 3)))
    onp.testing.assert_allclose(Y, onp.full((4, 1), -0.25))
    onp.testing.assert_allclose(J, onp.broadcast_to(W, (4, 1, 3)))


# --------------------------------------------------------------------------------------------
# predict_jacobian: exact against autograd and central differences
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def multi_output_model():
    """A JENN with n = 2 inputs of different scales and m = 3 outputs (all scalings differ)."""
    rng = onp.random.default_rng(0)
    X = rng.uniform(-1, 1, (30, 2)) * onp.array([1.0, 10.0]) + onp.array([0.0, 5.0])
    A = onp.array([[1.0, 0.1], [-2.0, 0.05], [0.5, -0.3]])
    Y = onp.sin(X @ A.T) * onp.array([1.0, 100.0, 0.01])
    dYdX = (onp.cos(X @ A.T) * onp.array([1.0, 100.0, 0.01]))[:, :, None] * A[None]
    model = JENN(hidden=(8, 6), lambda_=0.01, rng=0).fit(X, Y, dYdX, max_iter=40)
    return model, X, Y, dYdX


def test_predict_jacobian_equals_autograd_and_central_differences(multi_output_model):
    model, X, _, _ = multi_output_model
    Xq = X[:7] + 0.1
    J = model.predict_jacobian(Xq)
    assert J.shape == (7, 3, 2) and model.predict(Xq).shape == (7, 3)
    onp.testing.assert_allclose(J, autograd_jacobians(model.predict, Xq), rtol=1e-12, atol=1e-12)
    scale = onp.abs(J).max(axis=0, keepdims=True)
    fd = central_jacobian(model.predict, Xq, h=1e-5)
    onp.testing.assert_allclose(J / scale, fd / scale, atol=1e-7)


def test_predict_jacobian_equals_autograd_without_normalisation():
    X, Y, dYdX = rastrigin_grid(4)
    model = JENN(hidden=(5,), normalize=False, rng=1).fit(X, Y, dYdX, max_iter=10)
    onp.testing.assert_allclose(
        model.predict_jacobian(X), autograd_jacobians(model.predict, X), rtol=1e-12, atol=1e-12
    )


# --------------------------------------------------------------------------------------------
# the loss
# --------------------------------------------------------------------------------------------


def test_loss_terms_equal_the_direct_formula(multi_output_model):
    model, X, Y, dYdX = multi_output_model
    m2 = JENN(hidden=(8, 6), beta=0.7, gamma=1.3, lambda_=0.05, rng=0).fit(X, Y, dYdX, max_iter=15)
    for mod in (model, m2):
        terms = mod.loss(X, Y, dYdX)
        assert isinstance(terms, LossTerms)
        N = X.shape[0]
        ys, xs = mod.y_scale_, mod.x_scale_
        Yn, Yhat_n = (Y - mod.y_mean_) / ys, (mod.predict(X) - mod.y_mean_) / ys
        Jn = dYdX * xs[None, None, :] / ys[None, :, None]
        Jhat_n = mod.predict_jacobian(X) * xs[None, None, :] / ys[None, :, None]
        values = mod.beta / (2 * N) * onp.sum((Yhat_n - Yn) ** 2)
        partials = mod.gamma / (2 * N) * onp.sum((Jhat_n - Jn) ** 2)
        reg = mod.lambda_ / (2 * N) * sum(onp.sum(W**2) for W in mod.weights_)
        onp.testing.assert_allclose(
            [terms.values, terms.partials, terms.regularization],
            [values, partials, reg],
            rtol=1e-10,
        )
        assert terms.total == pytest.approx(values + partials + reg, rel=1e-12)
        # on the training data, the loss is the objective the optimiser minimised
        assert terms.total == pytest.approx(mod.result_.fun, rel=1e-10)
        assert mod.loss(X, Y).partials == 0.0


def test_training_gradient_is_right():
    """autograd's gradient of the loss (through the partials recursion) against differences."""
    X, Y, dYdX = rastrigin_grid(3)
    model = JENN(hidden=(4, 3), lambda_=0.1, rng=0).fit(X, Y, dYdX, max_iter=1)
    Xn, Yn, Tn = model._normalised(X, Y, dYdX)
    params = list(model.weights_) + list(model.biases_)

    def objective(*ps):
        return sum(model._terms(list(ps), Xn, Yn, Tn))

    check_grads(objective, modes=["rev"], order=1)(*params)


def test_linear_network_solves_the_jenn_least_squares_problem():
    """Without hidden layers y = W x + b, and the JENN loss is linear least squares in (W, b):
    value rows [x_i, 1] -> y_i, partial rows sqrt(gamma) [e_k, 0] -> sqrt(gamma) dy/dx_k."""
    rng = onp.random.default_rng(3)
    X = rng.standard_normal((12, 3))
    Y = onp.column_stack([onp.sin(X[:, 0]) + X[:, 1] ** 2, X[:, 2] ** 3])
    dYdX = onp.stack(
        [
            onp.column_stack([onp.cos(X[:, 0]), 2 * X[:, 1], 0 * X[:, 0]]),
            onp.column_stack([0 * X[:, 0], 0 * X[:, 0], 3 * X[:, 2] ** 2]),
        ],
        axis=1,
    )
    for gamma in (0.0, 2.0):
        model = JENN(hidden=(), gamma=gamma, lambda_=0.0, normalize=False, rng=0).fit(
            X, Y, dYdX, tol=0
        )
        rows, rhs = [onp.column_stack([X, onp.ones(12)])], [Y]
        for k in range(3):
            e = onp.zeros((12, 4))
            e[:, k] = 1.0
            rows.append(onp.sqrt(gamma) * e)
            rhs.append(onp.sqrt(gamma) * dYdX[:, :, k])
        coef, *_ = onp.linalg.lstsq(onp.vstack(rows), onp.vstack(rhs), rcond=None)
        onp.testing.assert_allclose(model.weights_[0], coef[:3].T, rtol=1e-6, atol=1e-7)
        onp.testing.assert_allclose(model.biases_[0], coef[3], rtol=1e-6, atol=1e-7)


def test_gamma_zero_is_ordinary_regression():
    X, Y, dYdX = rastrigin_grid(4)
    a = JENN(hidden=(6,), gamma=0.0, lambda_=0.01, rng=5).fit(X, Y, dYdX, max_iter=60)
    b = JENN(hidden=(6,), gamma=0.0, lambda_=0.01, rng=5).fit(X, Y, max_iter=60)
    c = JENN(hidden=(6,), gamma=1.0, lambda_=0.01, rng=5).fit(X, Y, max_iter=60)
    for other in (b, c):  # the partials are ignored: the very same iterates
        onp.testing.assert_array_equal(a.result_.x, other.result_.x)
    terms = a.loss(X, Y, dYdX)
    assert terms.partials == 0.0
    Yn_err = (a.predict(X) - Y) / a.y_scale_
    assert terms.values == pytest.approx(onp.sum(Yn_err**2) / (2 * len(X)), rel=1e-12)
    d = JENN(hidden=(6,), gamma=1.0, lambda_=0.01, rng=5).fit(X, Y, dYdX, max_iter=60)
    assert not onp.array_equal(a.result_.x, d.result_.x)


# --------------------------------------------------------------------------------------------
# fitting: the 1-D sinusoid from four samples
# --------------------------------------------------------------------------------------------


def test_sinusoid_from_four_samples_partials_win():
    X, Y, dYdX = sinusoid_grid(4)
    Xt, Yt, dYdXt = sinusoid_grid(201)
    jenn = JENN(hidden=(12,), lambda_=0.1, rng=0).fit(X, Y, dYdX)
    plain = JENN(hidden=(12,), lambda_=0.1, rng=0).fit(X, Y)
    r2_jenn, r2_plain = r2_score(Yt, jenn.predict(Xt)), r2_score(Yt, plain.predict(Xt))
    assert r2_jenn > 0.98
    assert r2_score(dYdXt, jenn.predict_jacobian(Xt)) > 0.98
    assert r2_plain < 0.5 and r2_jenn > r2_plain + 0.5
    # both fit their training data
    onp.testing.assert_allclose(jenn.predict(X), Y, atol=0.1)
    onp.testing.assert_allclose(jenn.predict_jacobian(X), dYdX, atol=0.1)
    assert jenn.result_.fun < jenn.history_.fun[0]
    assert len(jenn.history_.fun) == jenn.result_.nit + 1


# --------------------------------------------------------------------------------------------
# the defaults generalise (issue 12): only the architecture is chosen
# --------------------------------------------------------------------------------------------


@pytest.mark.slow  # 40-50 s: full default fits (the fast loop leaves it out)
def test_defaults_generalise_on_four_samples_of_the_sinusoid():
    """With the default weight decay every seed gives the same, right network; with
    lambda_ = 0 and one start (the first defaults) the four samples are interpolated by a
    network that depends on the seed and is worse than the mean for most seeds (measured:
    median R^2 -7)."""
    X, Y, dYdX = sinusoid_grid(4)
    Xt, Yt, dYdXt = sinusoid_grid(101)
    r2 = onp.array(
        [
            [r2_score(Yt, m.predict(Xt)), r2_score(dYdXt, m.predict_jacobian(Xt))]
            for m in (JENN(hidden=(12,), rng=s).fit(X, Y, dYdX) for s in range(5))
        ]
    )
    assert r2.min() > 0.98  # every seed, values and slopes
    assert onp.ptp(r2, axis=0).max() < 1e-3  # the same answer from every seed
    free = [
        r2_score(Yt, JENN(hidden=(12,), lambda_=0.0, rng=s, starts=1).fit(X, Y, dYdX).predict(Xt))
        for s in range(5)
    ]
    assert onp.median(free) < 0 < r2.min()


@pytest.mark.slow  # 40-50 s: full default fits (the fast loop leaves it out)
def test_defaults_generalise_on_a_sparse_rastrigin_grid():
    """The setup of issue 12: a 5 x 5 grid with partials (75 numbers), two hidden layers of 12
    (205 parameters). With lambda_ = 0 the test R^2 was -13, -43 and -69 for these seeds
    (the reference jenn package, normalised: -1.1 to 0.6); with lambda_ = 0.03 and one start,
    0.81 to 0.88; the defaults (three starts) give 0.88 to 0.90 (measured): they must
    generalise from every seed."""
    X, Y, dYdX = rastrigin_grid(5)
    Xt, Yt, _ = rastrigin_grid(30)
    r2 = [r2_score(Yt, JENN(hidden=(12, 12), rng=s).fit(X, Y, dYdX).predict(Xt)) for s in range(3)]
    assert min(r2) > 0.85


def test_several_starts_keep_the_lowest_loss_and_the_first_start_is_the_single_start():
    X, Y, dYdX = rastrigin_grid(4)
    one = JENN(hidden=(6,), rng=3, starts=1).fit(X, Y, dYdX, max_iter=40)
    three = JENN(hidden=(6,), rng=3, starts=3).fit(X, Y, dYdX, max_iter=40)
    assert one.start_losses_.shape == (1,) and three.start_losses_.shape == (3,)
    assert three.start_losses_[0] == one.result_.fun  # the same first weights, the same run
    assert len(set(three.start_losses_)) == 3  # each start from weights of its own
    assert three.result_.fun == three.start_losses_.min() <= one.result_.fun
    assert three.loss(X, Y, dYdX).total == pytest.approx(three.result_.fun, rel=1e-12)
    assert len(three.history_.fun) == three.result_.nit + 1  # the kept run's history
    assert JENN().starts == 3 and "starts=3" in repr(JENN())


def test_adam_decreases_the_loss():
    X, Y, dYdX = sinusoid_grid(4)
    model = JENN(hidden=(12,), lambda_=0.1, rng=0).fit(
        X, Y, dYdX, method="adam", lr=0.01, max_iter=200
    )
    assert model.result_.nit == 200 and len(model.history_.fun) == 201
    assert model.result_.fun < 0.5 * model.history_.fun[0]
    assert model.loss(X, Y, dYdX).total == pytest.approx(model.result_.fun, rel=1e-12)


# --------------------------------------------------------------------------------------------
# shapes, determinism
# --------------------------------------------------------------------------------------------


def test_shapes_and_attributes(multi_output_model):
    model, X, Y, dYdX = multi_output_model
    assert [W.shape for W in model.weights_] == [(8, 2), (6, 8), (3, 6)]
    assert [b.shape for b in model.biases_] == [(8,), (6,), (3,)]
    assert model.n_params == 8 * 2 + 8 + 6 * 8 + 6 + 3 * 6 + 3
    assert model.x_mean_.shape == model.x_scale_.shape == (2,)
    assert model.y_mean_.shape == model.y_scale_.shape == (3,)
    assert model.history_.x.shape == (model.result_.nit + 1, model.n_params)
    assert model.predict(X[:1]).shape == (1, 3)
    assert model.predict_jacobian(X[:1]).shape == (1, 3, 2)
    assert "JENN(hidden=(8, 6)" in repr(model)


def test_seeded_determinism():
    X, Y, dYdX = rastrigin_grid(4)
    Xt = rastrigin_grid(7)[0]
    a = JENN(hidden=(6,), rng=11).fit(X, Y, dYdX, max_iter=30)
    b = JENN(hidden=(6,), rng=11).fit(X, Y, dYdX, max_iter=30)
    onp.testing.assert_array_equal(a.predict(Xt), b.predict(Xt))
    onp.testing.assert_array_equal(a.predict_jacobian(Xt), b.predict_jacobian(Xt))
    p = a.result_.x.copy()
    a.fit(X, Y, dYdX, max_iter=30)  # an int seed: the same start at every fit
    onp.testing.assert_array_equal(a.result_.x, p)
    gen = JENN(hidden=(6,), rng=onp.random.default_rng(11))
    first = gen.fit(X, Y, dYdX, max_iter=30).result_.x.copy()
    onp.testing.assert_array_equal(first, p)  # the same stream as the seed 11
    assert not onp.array_equal(gen.fit(X, Y, dYdX, max_iter=30).result_.x, first)


# --------------------------------------------------------------------------------------------
# r2_score
# --------------------------------------------------------------------------------------------


def test_r2_score_equals_scikit_learn():
    from sklearn.metrics import r2_score as sk_r2

    rng = onp.random.default_rng(0)
    yt = rng.standard_normal((40, 3))
    yp = yt + 0.3 * rng.standard_normal((40, 3))
    assert r2_score(yt, yp) == pytest.approx(sk_r2(yt, yp), rel=1e-12)
    onp.testing.assert_allclose(
        r2_score(yt, yp, per_output=True), sk_r2(yt, yp, multioutput="raw_values"), rtol=1e-12
    )
    assert r2_score(yt[:, 0], yp[:, 0]) == pytest.approx(sk_r2(yt[:, 0], yp[:, 0]), rel=1e-12)
    jt, jp = yt.reshape(40, 3, 1) * [1.0, 2.0], yp.reshape(40, 3, 1) * [1.0, 3.0]
    assert r2_score(jt, jp) == pytest.approx(sk_r2(jt.reshape(40, 6), jp.reshape(40, 6)), rel=1e-12)
    assert r2_score(jt, jp, per_output=True).shape == (3, 2)
    assert r2_score([1.0, 1.0], [1.0, 1.0]) == 1.0 and r2_score([1.0, 1.0], [1.0, 2.0]) == 0.0


# --------------------------------------------------------------------------------------------
# data with exact partials
# --------------------------------------------------------------------------------------------


def test_data_partials_are_exact():
    x = onp.linspace(-3, 3, 13)
    Y, dYdX = sinusoid(x)
    assert Y.shape == (13, 1) and dYdX.shape == (13, 1, 1)
    onp.testing.assert_allclose(
        dYdX[:, 0, 0], autograd.elementwise_grad(lambda t: t * np.sin(t))(x), rtol=1e-14
    )
    X = onp.random.default_rng(0).uniform(-1, 1.5, (9, 3))
    Y, dYdX = rastrigin(X)
    assert Y.shape == (9, 1) and dYdX.shape == (9, 1, 3)
    f = lambda x: 10 * 3 + np.sum(x**2 - 10 * np.cos(2 * np.pi * x))  # noqa: E731
    onp.testing.assert_allclose(
        dYdX[:, 0, :], onp.stack([autograd.grad(f)(xi) for xi in X]), rtol=1e-13, atol=1e-12
    )
    onp.testing.assert_allclose(Y[:, 0], [f(xi) for xi in X], rtol=1e-14)
    X, Y, dYdX = rastrigin_grid(5)
    assert X.shape == (25, 2) and Y.shape == (25, 1) and dYdX.shape == (25, 1, 2)
    assert len(onp.unique(X[:, 0])) == 5 and len(onp.unique(X[:, 1])) == 5
    assert rastrigin([[0.0, 0.0]])[0][0, 0] == 0.0
    X, _, _ = sinusoid_grid(4)
    onp.testing.assert_allclose(X[:, 0], onp.linspace(-onp.pi, onp.pi, 4))


# --------------------------------------------------------------------------------------------
# bad input
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, exc, words",
    [
        ({"gamma": -1.0}, ValueError, "JENN: gamma must be >= 0"),
        ({"beta": -0.5}, ValueError, "JENN: beta must be >= 0"),
        ({"lambda_": float("nan")}, ValueError, "JENN: lambda_ must be finite"),
        ({"beta": 0.0, "gamma": 0.0}, ValueError, "beta and gamma are both 0"),
        ({"gamma": "1"}, TypeError, "JENN: gamma must be a real number"),
        ({"hidden": "12"}, TypeError, "JENN: hidden must be a tuple"),
        ({"hidden": (12, 0)}, ValueError, "JENN: hidden[1] must be an integer >= 1"),
        ({"activation": "swishy"}, ValueError, "JENN: get_activation: unknown activation"),
        ({"activation": "softmax"}, ValueError, "activation must be element-wise"),
        ({"rng": "seed"}, TypeError, "JENN: rng must be"),
        ({"init": "glorot"}, ValueError, "JENN: init must be one of"),
        ({"normalize": 1}, TypeError, "JENN: normalize must be True or False"),
        ({"starts": 0}, ValueError, "JENN: starts must be an integer >= 1, got 0"),
        ({"starts": 101}, ValueError, "JENN: starts must be an integer <= 100, got 101"),
        ({"starts": 2.0}, TypeError, "JENN: starts must be an integer >= 1"),
        ({"starts": True}, TypeError, "JENN: starts must be an integer >= 1"),
    ],
)
def test_bad_hyperparameters(kwargs, exc, words):
    with pytest.raises(exc, match=words.replace("(", r"\(").replace("[", r"\[")):
        JENN(**kwargs)


def test_bad_data():
    X, Y, dYdX = rastrigin_grid(3)
    model = JENN(hidden=(4,), rng=0)
    with pytest.raises(
        ValueError,
        match=r"JENN.fit: dYdX must have shape \(9, 1, 2\), got "
        r"shape \(9, 2, 1\)",
    ):
        model.fit(X, Y, onp.transpose(dYdX, (0, 2, 1)))
    with pytest.raises(
        ValueError,
        match=r"JENN.fit: dYdX must be a 3-D array of shape "
        r"\(N, m, n\)",
    ):
        model.fit(X, Y, dYdX[:, 0, :])
    with pytest.raises(
        ValueError, match=r"JENN.fit: Y must have shape \(9, m\), got shape \(5, 1\)"
    ):
        model.fit(X, Y[:5])
    with pytest.raises(ValueError, match=r"JENN.fit: X must be a 2-D array.*reshape\(-1, 1\)"):
        model.fit(X[:, 0], Y)
    bad = Y.copy()
    bad[2, 0] = onp.nan
    with pytest.raises(ValueError, match="JENN.fit: Y must be finite"):
        model.fit(X, bad, dYdX)
    bad = dYdX.copy()
    bad[0, 0, 1] = onp.inf
    with pytest.raises(ValueError, match="JENN.fit: dYdX must be finite"):
        model.fit(X, Y, bad)
    with pytest.raises(TypeError, match="JENN.fit: X must be an array of numbers"):
        model.fit("abc", Y)
    with pytest.raises(ValueError, match="JENN.fit: method must be 'lbfgs' or 'adam'"):
        model.fit(X, Y, method="sgd")
    with pytest.raises(ValueError, match="JENN.fit: max_iter must be an integer >= 1"):
        model.fit(X, Y, max_iter=0)
    with pytest.raises(ValueError, match="JENN.fit: lr must be > 0"):
        model.fit(X, Y, lr=-1.0)
    with pytest.raises(ValueError, match="JENN.fit: beta = 0 needs partials"):
        JENN(beta=0.0).fit(X, Y)
    fresh = JENN(hidden=(4,), rng=0)
    for call, name in (
        (fresh.predict, "JENN.predict"),
        (fresh.predict_jacobian, "JENN.predict_jacobian"),
    ):
        with pytest.raises(
            ValueError,
            match=f"{name}: this JENN is not fitted yet; call "
            r"fit\(X, Y, dYdX\) before predicting",
        ):
            call(X)
    with pytest.raises(ValueError, match="JENN.loss: this JENN is not fitted yet"):
        fresh.loss(X, Y)
    with pytest.raises(ValueError, match="JENN.n_params: this JENN is not fitted yet"):
        _ = fresh.n_params
    model.fit(X, Y, dYdX, max_iter=2)
    with pytest.raises(ValueError, match=r"JENN.predict_jacobian: X must have shape \(N, 2\)"):
        model.predict_jacobian(onp.zeros((3, 3)))
    with pytest.raises(ValueError, match=r"JENN.loss: dYdX must have shape \(9, 1, 2\)"):
        model.loss(X, Y, dYdX[:, :, :1])


@pytest.mark.parametrize("which, big", [("X", 1e307), ("Y", 1e307), ("X", 1e200)])
def test_fit_refuses_data_that_overflow_the_normalisation(which, big):
    """Numbers near the float limit are finite, but their mean or standard deviation is not
    (1e307 * 20 and 1e200 ** 2 overflow): the fit must refuse them, not return a model with
    infinite scales that predicts NaN."""
    X, Y, dYdX = rastrigin_grid(3)
    data = {"X": X.copy(), "Y": Y.copy()}
    data[which][:, 0] = onp.where(onp.arange(9) % 2 == 0, big, -big)
    with pytest.raises(
        ValueError,
        match=f"JENN.fit: {which} is too large to normalise: the mean "
        f"or standard deviation of its column 0 overflows",
    ):
        JENN(hidden=(4,), rng=0).fit(data["X"], data["Y"], max_iter=5)


def test_fit_refuses_partials_that_overflow_once_normalised():
    X, Y, dYdX = rastrigin_grid(3)
    X = X * 1e100  # finite scales, but dYdX * x_scale overflows
    with pytest.raises(ValueError, match="JENN.fit: dYdX overflows to inf once normalised"):
        JENN(hidden=(4,), rng=0).fit(X, Y, dYdX * 1e250, max_iter=5)


def test_failed_fit_leaves_no_stale_model():
    X, Y, dYdX = rastrigin_grid(3)
    model = JENN(hidden=(4,), rng=0).fit(X, Y, dYdX, max_iter=3)
    assert model.predict(X).shape == (9, 1)
    with pytest.raises(ValueError, match="too large to normalise"):
        model.fit(X * 1e307 * onp.array([1.0, -1.0]), Y, max_iter=3)
    with pytest.raises(ValueError, match="JENN.predict: this JENN is not fitted yet"):
        model.predict(X)


def test_fit_refuses_a_loss_that_overflows_without_normalisation():
    X, Y, dYdX = rastrigin_grid(3)
    with pytest.raises(ValueError, match="JENN.fit: the loss is not finite after training"):
        JENN(hidden=(4,), normalize=False, rng=0).fit(X, Y * 1e200, max_iter=3)


@pytest.mark.parametrize("flag", ["no", 1, None, "True"])
def test_r2_score_refuses_a_per_output_that_is_not_a_bool(flag):
    with pytest.raises(TypeError, match="r2_score: per_output must be True or False, got"):
        r2_score([1.0, 2.0, 3.0], [1.0, 2.0, 4.0], per_output=flag)


def test_bad_input_to_helpers():
    with pytest.raises(ValueError, match="r2_score: y_true and y_pred must have the same shape"):
        r2_score([1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="r2_score: y_true needs at least two samples"):
        r2_score([1.0], [1.0])
    with pytest.raises(ValueError, match="r2_score: y_pred must be finite"):
        r2_score([1.0, 2.0], [1.0, onp.nan])
    with pytest.raises(ValueError, match=r"sinusoid: x must have shape \(N,\) or \(N, 1\)"):
        sinusoid(onp.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"rastrigin: X must be a 2-D array"):
        rastrigin(onp.zeros(3))
    with pytest.raises(ValueError, match="rastrigin_grid: k must be an integer >= 2"):
        rastrigin_grid(1)
    with pytest.raises(ValueError, match="sinusoid_grid: bounds must satisfy lower < upper"):
        sinusoid_grid(4, bounds=(1.0, 0.0))
    Ws, bs = random_net((2, 3, 1))
    with pytest.raises(
        ValueError, match=r"forward_partials: weights\[0\] must have 3 columns to chain with X"
    ):
        forward_partials(Ws, bs, onp.zeros((4, 3)))
    with pytest.raises(ValueError, match=r"forward_partials: biases\[1\] must have shape \(1,\)"):
        forward_partials(Ws, [bs[0], onp.zeros(2)], onp.zeros((4, 2)))
    with pytest.raises(ValueError, match="forward_partials: biases must be a list of 2"):
        forward_partials(Ws, bs[:1], onp.zeros((4, 2)))
    with pytest.raises(ValueError, match="forward_partials: activation must be element-wise"):
        forward_partials(Ws, bs, onp.zeros((4, 2)), "softmax")
