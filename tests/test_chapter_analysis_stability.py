"""The inline code of the chapter ``analysis-stability`` against the package and closed forms.

The chapter writes a few short functions where showing the computation is the point:

* ``backward_profile``: the backward recursion ``delta_l = J_l^T delta_{l+1}`` with the layer
  Jacobians of ``MLP.layer_jacobians``, returning ``||delta_l||`` at every layer;
* ``gaussian_mean`` and ``predicted_gains``: Gaussian expectations by Gauss-Legendre
  quadrature, and the per-layer gains of the variance argument;
* ``per_example_loss``: the cross-entropy of each image, written to stay accurate for tiny
  losses;
* ``iterated_fgsm`` (the solution of an exercise): FGSM steps projected back into the box.

These tests take those functions from the chapter itself (so they test what the reader sees)
and check them against ``MLP.backprop``, ``jaccourse.robustness.fgsm``,
``jaccourse.nn.cross_entropy``, scipy's adaptive quadrature and closed forms.
"""

from __future__ import annotations

from pathlib import Path

import autograd.numpy as np
import jupytext
import numpy as onp
import pytest
from chapter_code import chapter_sources
from scipy import integrate

from jaccourse.integrals import gauss_legendre
from jaccourse.nn import MLP, cross_entropy, cross_entropy_gradient, get_activation, relu, tanh
from jaccourse.robustness import fgsm, iterated_fgsm

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = ROOT / "book" / "analysis-stability.md"
FUNCTIONS = ("backward_profile", "per_example_loss", "iterated_fgsm")
GAUSSIAN_CELL_MARK = "def predicted_gains"


def _chapter_code() -> tuple[dict[str, str], str]:
    """The source of each function in FUNCTIONS (the last definition wins: an exercise's
    solution replaces its template) and the whole cell that defines ``predicted_gains``."""
    found = chapter_sources("analysis-stability", FUNCTIONS)
    gaussian_cell = None
    for cell in jupytext.read(CHAPTER).cells:
        if cell.cell_type == "code" and GAUSSIAN_CELL_MARK in cell.source:
            gaussian_cell = cell.source
    assert gaussian_cell is not None, "the chapter no longer defines predicted_gains"
    return found, gaussian_cell


SOURCES, GAUSSIAN_CELL = _chapter_code()


def _namespace(**extra) -> dict:
    namespace = {
        "np": np,
        "cross_entropy_gradient": cross_entropy_gradient,
        "fgsm": fgsm,
        "gauss_legendre": gauss_legendre,
    }
    namespace.update(extra)
    return namespace


def _function(name: str, **extra):
    namespace = _namespace(**extra)
    exec(compile(SOURCES[name], str(CHAPTER), "exec"), namespace)
    return namespace[name]


def _gaussian_namespace() -> dict:
    namespace = _namespace()
    exec(compile(GAUSSIAN_CELL, str(CHAPTER), "exec"), namespace)
    return namespace


GAUSS = _gaussian_namespace()


# --------------------------------------------------------------------------------------------
# backward_profile: the Jacobian chain against MLP.backprop
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid", "softplus"])
@pytest.mark.parametrize("sizes", [(5, 7, 3), (6, 8, 8, 4), (4, 9, 6, 5, 3)])
def test_backward_profile_matches_backprop_of_every_tail_network(activation, sizes):
    rng = onp.random.default_rng(7)
    net = MLP(list(sizes), activation=activation, init="xavier_normal", rng=rng)
    X = rng.standard_normal((6, sizes[0]))
    labels = rng.integers(0, sizes[-1], size=6)
    profile = _function("backward_profile")
    norms, delta_0 = profile(net, X, labels)
    assert norms.shape == (len(sizes),)
    # delta_0: the per-example input gradient (backprop differentiates the batch mean)
    assert onp.allclose(delta_0, net.backprop(X, labels).x * len(labels), rtol=1e-12, atol=1e-14)
    # delta_l for l >= 1: the input gradient of the network made of layers l, l+1, ...
    x_l = X
    for l in range(len(sizes) - 1):
        tail = MLP.from_weights(list(net.weights[l:]), list(net.biases[l:]), activation=activation)
        per_example = tail.backprop(x_l, labels).x * len(labels)
        rms = onp.sqrt(onp.mean(onp.sum(per_example**2, axis=1)))
        assert abs(norms[l] - rms) <= 1e-12 * rms
        x_l = net.layers[l](x_l)
    # the last entry is the gradient with respect to the logits
    last = cross_entropy_gradient(net.forward(X), labels) * len(labels)
    assert abs(norms[-1] - onp.sqrt(onp.mean(onp.sum(last**2, axis=1)))) < 1e-14


# --------------------------------------------------------------------------------------------
# gaussian_mean and predicted_gains: quadrature against closed forms and scipy
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("q", [0.01, 0.5, 1.0, 4.0, 60.0])
def test_gaussian_mean_moments_and_relu(q):
    mean = GAUSS["gaussian_mean"]
    # exact up to rounding and the Gaussian mass beyond +-8 standard deviations (1.2e-15)
    assert abs(mean(lambda z: onp.ones_like(z), q) - 1) < 1e-13
    assert abs(mean(lambda z: z, q)) < 1e-13 * max(q, 1)
    assert abs(mean(lambda z: z**2, q) - q) < 1e-12 * q
    assert abs(mean(lambda z: z**4, q) - 3 * q**2) < 1e-11 * 3 * q**2
    assert abs(mean(lambda z: relu(z) ** 2, q) - q / 2) < 1e-12 * q
    assert abs(mean(lambda z: relu.derivative(z) ** 2, q) - 0.5) < 1e-13


@pytest.mark.parametrize("q", [0.05, 1.0, 10.0, 60.0, 200.0])
def test_gaussian_mean_of_tanh_terms_against_adaptive_quadrature(q):
    mean = GAUSS["gaussian_mean"]
    density = lambda z: onp.exp(-(z**2) / (2 * q)) / onp.sqrt(2 * onp.pi * q)
    for f in (lambda z: tanh(z) ** 2, lambda z: tanh.derivative(z) ** 2):
        reference = integrate.quad(
            lambda z: f(onp.array([z]))[0] * density(z),
            -onp.inf,
            onp.inf,
            epsabs=1e-14,
            epsrel=1e-12,
            limit=200,
        )[0]
        assert abs(mean(f, q) - reference) < 1e-10 * abs(reference)


@pytest.mark.parametrize("n, v", [(64, 1.0), (64, 1 / 64), (64, 2 / 64), (100, 0.013)])
def test_predicted_gains_relu_is_the_closed_form(n, v):
    gains = GAUSS["predicted_gains"](relu, n, v, 0.3, 12)
    assert gains.shape == (12,)
    assert onp.allclose(gains, onp.sqrt(n * v / 2), rtol=1e-13, atol=0)


def test_predicted_gains_identity_and_small_tanh():
    identity = get_activation("identity")
    assert onp.allclose(
        GAUSS["predicted_gains"](identity, 50, 0.03, 1.0, 5), onp.sqrt(1.5), rtol=1e-13
    )
    # tanh near zero is the identity: the gain tends to sqrt(n v)
    gains = GAUSS["predicted_gains"](tanh, 64, 1 / 64, 1e-8, 3)
    assert onp.allclose(gains, 1.0, atol=1e-6)


def test_predicted_gains_tanh_follows_the_variance_recursion():
    n, v, m2 = 64, 1.0, 0.3
    mean = GAUSS["gaussian_mean"]
    q = n * v * m2
    expected = []
    for _ in range(4):
        expected.append(onp.sqrt(n * v * mean(lambda z: tanh.derivative(z) ** 2, q)))
        q = n * v * mean(lambda z: tanh(z) ** 2, q)
    assert onp.allclose(GAUSS["predicted_gains"](tanh, n, v, m2, 4), expected, rtol=1e-14)


# --------------------------------------------------------------------------------------------
# per_example_loss against cross_entropy
# --------------------------------------------------------------------------------------------


def test_per_example_loss_is_the_cross_entropy_of_each_row():
    rng = onp.random.default_rng(11)
    net = MLP([6, 10, 4], activation="relu", rng=rng)
    X = 3 * rng.standard_normal((12, 6))
    labels = rng.integers(0, 4, size=12)
    loss = _function("per_example_loss", net=net)(X, labels)
    logits = net.forward(X)
    expected = [float(cross_entropy(logits[i], int(labels[i]))) for i in range(len(labels))]
    assert onp.allclose(loss, expected, rtol=1e-12, atol=1e-15)


def test_per_example_loss_keeps_tiny_losses_accurate():
    # logits 0 and -40 for the true class 0: the loss is log(1 + e^-40) = e^-40 (to 1e-35)
    net = MLP.from_weights([onp.array([[0.0], [-40.0]])], [onp.zeros(2)], activation="tanh")
    loss = _function("per_example_loss", net=net)(onp.array([[1.0]]), onp.array([0]))
    assert abs(loss[0] - onp.exp(-40.0)) < 1e-12 * onp.exp(-40.0)


# --------------------------------------------------------------------------------------------
# iterated_fgsm (the exercise's solution)
# --------------------------------------------------------------------------------------------


def _digit_like_problem():
    rng = onp.random.default_rng(5)
    net = MLP([16, 12, 3], activation="relu", init="kaiming_normal", rng=rng)
    X = rng.uniform(0.0, 1.0, size=(20, 16))
    X[:, :4] = 0.0  # some pixels at the edge of [0, 1]
    X[:, 4:6] = 1.0
    labels = rng.integers(0, 3, size=20)
    return net, X, labels


def test_iterated_fgsm_one_full_step_is_fgsm():
    net, X, labels = _digit_like_problem()
    iterated = _function("iterated_fgsm")
    one = iterated(net, X, labels, 0.1, steps=1, alpha=0.1)
    assert onp.array_equal(one, fgsm(net, X, labels, 0.1, clip=(0.0, 1.0)))


@pytest.mark.parametrize("eps", [0.02, 0.1, 0.3])
def test_iterated_fgsm_stays_in_the_box_and_in_the_unit_interval(eps):
    net, X, labels = _digit_like_problem()
    X_adv = _function("iterated_fgsm")(net, X, labels, eps)
    assert onp.max(onp.abs(X_adv - X)) <= eps + 1e-15
    assert X_adv.min() >= 0.0 and X_adv.max() <= 1.0
    assert X_adv.shape == X.shape


@pytest.mark.parametrize("eps", [0.02, 0.1, 0.3])
def test_the_exercise_s_iterated_fgsm_is_the_package_s(eps):
    """The solution shows the attack written out (writing it is the exercise); the package's
    ``iterated_fgsm``, which the open problem on robustness uses, is the same attack."""
    net, X, labels = _digit_like_problem()
    chapter = _function("iterated_fgsm")(net, X, labels, eps)
    assert onp.array_equal(chapter, iterated_fgsm(net, X, labels, eps, clip=(0.0, 1.0)))
