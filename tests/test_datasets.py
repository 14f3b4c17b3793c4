"""Tests of jaccourse.datasets against oracles we did not write.

Oracles: scikit-learn's own loader (diabetes); the numbers printed in NIST's files, the
certified residual sums of squares (which the parsed data, the parsed certified parameters
and the coded model must reproduce together), hand-derived Jacobians of the models, and
scipy's MINPACK Levenberg-Marquardt (which must stay at the certified optimum).
"""

from __future__ import annotations

import dataclasses
from importlib import resources

import numpy as onp
import pytest
import scipy.optimize
from hypothesis import given, settings
from hypothesis import strategies as st

from jaccourse import datasets
from jaccourse.datasets import (
    NIST_STRD_NAMES,
    NistProblem,
    RegressionData,
    agreeing_digits,
    load_diabetes,
    load_nist_strd,
)
from jaccourse.derivatives import jacobian, jacobian_fd

# --------------------------------------------------------------------------------------------
# load_diabetes
# --------------------------------------------------------------------------------------------


def test_diabetes_is_standardised_by_default():
    data = load_diabetes()
    assert isinstance(data, RegressionData)
    assert data.X.shape == (442, 10) and data.y.shape == (442,)
    onp.testing.assert_allclose(data.X.mean(axis=0), 0.0, atol=1e-12)
    onp.testing.assert_allclose(data.X.std(axis=0), 1.0, rtol=1e-12)
    assert abs(data.y.mean()) < 1e-12 and abs(data.y.std() - 1.0) < 1e-12
    assert len(data.feature_names) == 10 and "bmi" in data.feature_names
    assert "Efron" in data.description


def test_diabetes_unstandardised_is_what_scikit_learn_ships():
    from sklearn.datasets import load_diabetes as sk_load

    bunch = sk_load(scaled=True)
    data = load_diabetes(standardize=False)
    onp.testing.assert_array_equal(data.X, bunch.data)
    onp.testing.assert_array_equal(data.y, bunch.target)


def test_diabetes_standardisation_is_an_affine_map_of_the_raw_data():
    raw, std = load_diabetes(standardize=False), load_diabetes()
    onp.testing.assert_allclose(std.y * raw.y.std() + raw.y.mean(), raw.y, rtol=1e-12)


@pytest.mark.parametrize("bad", [1, "yes", None])
def test_diabetes_refuses_a_non_bool_flag(bad):
    with pytest.raises(TypeError, match=r"load_diabetes: standardize must be True or False"):
        load_diabetes(standardize=bad)


# --------------------------------------------------------------------------------------------
# load_nist_strd: the numbers come from the files
# --------------------------------------------------------------------------------------------

# (N, p, difficulty) from NIST's web pages for these data sets
SHAPES = {
    "Misra1a": (14, 2, "lower"),
    "Thurber": (37, 7, "higher"),
    "BoxBOD": (6, 2, "higher"),
    "Hahn1": (236, 7, "average"),
}


def test_the_shipped_names_are_the_four_data_sets():
    assert set(NIST_STRD_NAMES) == set(SHAPES)


@pytest.mark.parametrize("name", NIST_STRD_NAMES)
def test_every_problem_has_consistent_shapes_and_metadata(name):
    problem = load_nist_strd(name)
    n_obs, p, difficulty = SHAPES[name]
    assert isinstance(problem, NistProblem) and problem.name == name
    assert problem.x.shape == problem.y.shape == (n_obs,)
    assert len(problem.starts) == 2
    for array in (*problem.starts, problem.certified, problem.certified_std):
        assert array.shape == (p,) and array.dtype == float
    assert onp.all(problem.certified_std > 0) and problem.certified_rss > 0
    assert problem.difficulty == difficulty
    assert "NIST" in problem.description and problem.formula.startswith("y =")
    assert problem.residual(problem.certified).shape == (n_obs,)


@pytest.mark.parametrize("name", NIST_STRD_NAMES)
def test_certified_parameters_reproduce_the_certified_residual_sum_of_squares(name):
    """Data, certified values and model formula are right together, to 10 digits."""
    problem = load_nist_strd(name)
    rss = float(onp.sum(problem.residual(problem.certified) ** 2))
    assert rss == pytest.approx(problem.certified_rss, rel=1e-9)


@pytest.mark.parametrize("name", NIST_STRD_NAMES)
def test_certified_parameters_are_a_stationary_point(name):
    """The gradient J^T r at the certified values vanishes relative to its natural scale.

    (Not to machine precision: the certified values are printed with 11 digits only.)
    """
    problem = load_nist_strd(name)
    J = jacobian(problem.residual, problem.certified)
    r = problem.residual(problem.certified)
    scaled = onp.abs(J.T @ r) / (onp.linalg.norm(J, axis=0) * onp.linalg.norm(r))
    assert onp.max(scaled) < 1e-7


@pytest.mark.parametrize("name", NIST_STRD_NAMES)
def test_scipy_minpack_stays_at_the_certified_optimum(name):
    problem = load_nist_strd(name)
    fit = scipy.optimize.least_squares(
        problem.residual, problem.certified, method="lm", xtol=1e-15, ftol=1e-15, gtol=1e-15
    )
    assert agreeing_digits(fit.x, problem.certified) >= 7


def test_values_spot_checked_against_the_printed_files():
    misra = load_nist_strd("Misra1a")
    assert (misra.x[0], misra.y[0]) == (77.6, 10.07)  # first data line: y x
    assert (misra.x[-1], misra.y[-1]) == (760.0, 81.78)
    onp.testing.assert_array_equal(misra.starts[0], [500.0, 1e-4])
    onp.testing.assert_array_equal(misra.starts[1], [250.0, 5e-4])
    onp.testing.assert_array_equal(misra.certified_std, [2.7070075241e00, 7.2668688436e-06])
    assert misra.certified_rss == 1.2455138894e-01
    thurber = load_nist_strd("Thurber")
    assert thurber.certified[0] == 1.2881396800e03 and thurber.certified[6] == 4.9727297349e-02
    onp.testing.assert_array_equal(thurber.starts[1], [1300, 1500, 500, 75, 1, 0.4, 0.05])
    hahn = load_nist_strd("Hahn1")
    assert (hahn.x[0], hahn.y[0]) == (24.41, 0.591)  # the file writes .591E0
    onp.testing.assert_array_equal(hahn.starts[0], [10, -1, 0.05, -1e-5, -0.05, 1e-3, -1e-6])
    boxbod = load_nist_strd("BoxBOD")
    onp.testing.assert_array_equal(boxbod.x, [1, 2, 3, 5, 7, 10])
    onp.testing.assert_array_equal(boxbod.y, [109, 149, 149, 191, 213, 224])


def test_names_are_case_insensitive():
    assert load_nist_strd("misra1a").name == "Misra1a"
    assert load_nist_strd(" THURBER ").name == "Thurber"


def test_loaded_arrays_are_read_only_and_the_problem_is_frozen():
    problem = load_nist_strd("Misra1a")
    with pytest.raises(ValueError):
        problem.x[0] = 0.0
    with pytest.raises(ValueError):
        problem.starts[0][0] = 0.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        problem.name = "other"


def test_two_loads_are_independent_and_equal():
    a, b = load_nist_strd("Thurber"), load_nist_strd("Thurber")
    onp.testing.assert_array_equal(a.y, b.y)
    onp.testing.assert_array_equal(a.certified, b.certified)


# --------------------------------------------------------------------------------------------
# the models: differentiable, and the residual sign convention (model minus data)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Misra1a", "BoxBOD"])
def test_exponential_residual_jacobian_matches_the_hand_derivation(name):
    problem = load_nist_strd(name)
    beta = onp.array(problem.starts[1])
    b1, b2 = beta
    x = problem.x
    by_hand = onp.column_stack([1 - onp.exp(-b2 * x), b1 * x * onp.exp(-b2 * x)])
    onp.testing.assert_allclose(jacobian(problem.residual, beta), by_hand, rtol=1e-13)


@pytest.mark.parametrize("name", ["Thurber", "Hahn1"])
def test_rational_residual_jacobian_matches_the_hand_derivation(name):
    problem = load_nist_strd(name)
    b = onp.array(problem.certified)
    x = problem.x
    powers = onp.column_stack([x**0, x, x**2, x**3])
    num, den = powers @ b[:4], 1 + powers[:, 1:] @ b[4:]
    by_hand = onp.column_stack([powers / den[:, None], -(num / den**2)[:, None] * powers[:, 1:]])
    onp.testing.assert_allclose(jacobian(problem.residual, b), by_hand, rtol=1e-10)


def test_finite_differences_agree_on_thurber_but_not_on_hahn1_with_the_default_step():
    """jacobian_fd's default step max(1, |b_j|) eps^(1/3) ~ 6e-6 dwarfs Hahn1's b7 ~ 1e-7."""
    errors = {}
    for name in ("Thurber", "Hahn1"):
        problem = load_nist_strd(name)
        exact = jacobian(problem.residual, problem.certified)
        fd = jacobian_fd(problem.residual, problem.certified)
        errors[name] = onp.max(onp.abs(fd - exact) / onp.linalg.norm(exact, axis=0))
    assert errors["Thurber"] < 1e-7 and errors["Hahn1"] > 1e-2


def test_residual_is_model_minus_data_and_model_broadcasts_over_x():
    problem = load_nist_strd("Misra1a")
    beta = problem.certified
    onp.testing.assert_array_equal(
        problem.residual(beta), problem.model(beta, problem.x) - problem.y
    )
    grid = onp.linspace(0, 800, 12).reshape(3, 4)
    assert problem.model(beta, grid).shape == (3, 4)
    assert problem.model(beta, 0.0) == 0.0


@pytest.mark.parametrize("name, p", [("Misra1a", 2), ("Thurber", 7)])
def test_a_wrong_parameter_vector_is_refused_by_the_model(name, p):
    problem = load_nist_strd(name)
    with pytest.raises(ValueError, match=rf"{name} model: beta must have shape \({p},\)"):
        problem.model(onp.ones(p + 1), problem.x)
    with pytest.raises(ValueError, match=rf"{name} residual: beta must have shape \({p},\)"):
        problem.residual(onp.ones(p + 1))


# --------------------------------------------------------------------------------------------
# load_nist_strd: bad input and damaged files
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, error, match",
    [
        (
            "Misra1b",
            ValueError,
            r"load_nist_strd: name must be one of \['BoxBOD', 'Hahn1', 'Misra1a', 'Thurber'\], "
            r"got 'Misra1b'",
        ),
        ("", ValueError, r"load_nist_strd: name must be one of"),
        (1, TypeError, r"load_nist_strd: name must be a string"),
        (None, TypeError, r"load_nist_strd: name must be a string"),
    ],
)
def test_bad_names_are_refused_clearly(name, error, match):
    with pytest.raises(error, match=match):
        load_nist_strd(name)


def _misra_text() -> str:
    return (resources.files("jaccourse") / "data" / "Misra1a.dat").read_text(encoding="ascii")


@pytest.mark.parametrize(
    "old, new, match",
    [
        (
            "b1*(1-exp[-b2*x])",
            "b1*(1-exp[-b2*x**2])",
            r"the model in Misra1a.dat is .* not the model",
        ),
        ("  b2 =     0.0001", "  c2 =     0.0001", r"cannot read the line of parameter b2"),
        ("Residual Sum of Squares:", "Residual Sum:", r"cannot read 'Residual Sum of Squares'"),
        (
            "Data              (lines 61 to 74)",
            "Data              (lines 61 to 73)",
            r"cannot read 14 observations",
        ),
        ("Lower Level of Difficulty", "Low Difficulty", r"cannot read the level of difficulty"),
        ("      10.07E0      77.6E0", "      10.07E0      seventy", r"cannot read the data"),
    ],
)
def test_a_damaged_file_is_refused_not_misread(old, new, match):
    text = _misra_text()
    assert old in text
    with pytest.raises(ValueError, match=match):
        datasets._parse_nist("Misra1a", text.replace(old, new, 1))


def test_the_parser_accepts_windows_line_endings():
    text = _misra_text()
    parsed = datasets._parse_nist("Misra1a", text.replace("\n", "\r\n"))
    assert parsed["x"].shape == (14,) and parsed["certified_rss"] == 1.2455138894e-01


# --------------------------------------------------------------------------------------------
# agreeing_digits
# --------------------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(k=st.integers(1, 10), c=st.floats(1e-6, 1e6), sign=st.sampled_from([-1.0, 1.0]))
def test_a_relative_error_of_ten_to_minus_k_gives_k_digits(k, c, sign):
    assert agreeing_digits(sign * c * (1 + 10.0**-k), sign * c) == pytest.approx(k, abs=1e-5)


def test_agreeing_digits_takes_the_worst_component():
    cert = onp.array([1.0, 100.0, -3.0])
    est = cert * (1 + onp.array([1e-9, 1e-3, 1e-6]))
    assert agreeing_digits(est, cert) == pytest.approx(3.0, abs=1e-9)


def test_agreeing_digits_caps_and_floors():
    assert agreeing_digits(2.0, 2.0) == 11.0
    assert agreeing_digits([1.0, 2.0], [1.0, 2.0], max_digits=15) == 15.0
    assert agreeing_digits(1.0 + 1e-13, 1.0) == 11.0
    assert agreeing_digits(50.0, 1.0) == 0.0  # wrong in the first digit
    assert agreeing_digits(-1.0, 1.0) == 0.0
    assert agreeing_digits([onp.nan, 1.0], [1.0, 1.0]) == 0.0
    assert agreeing_digits(onp.inf, 1.0) == 0.0


def test_agreeing_digits_uses_the_absolute_error_for_a_zero_certified_value():
    assert agreeing_digits(1e-7, 0.0) == pytest.approx(7.0)
    assert agreeing_digits(0.0, 0.0) == 11.0


@pytest.mark.parametrize(
    "estimate, certified, kwargs, error, match",
    [
        (
            [1.0, 2.0],
            [1.0],
            {},
            ValueError,
            r"agreeing_digits: estimate and certified must have the same shape",
        ),
        (
            [[1.0]],
            [[1.0]],
            {},
            ValueError,
            r"agreeing_digits: estimate and certified must be numbers or 1-D arrays",
        ),
        ([], [], {}, ValueError, r"agreeing_digits: estimate and certified must not be empty"),
        (1.0, onp.nan, {}, ValueError, r"agreeing_digits: certified must be finite"),
        ("a", 1.0, {}, TypeError, r"agreeing_digits: estimate and certified must be numbers"),
        (
            1.0,
            1.0,
            {"max_digits": 0},
            ValueError,
            r"agreeing_digits: max_digits must be finite and > 0",
        ),
        (
            1.0,
            1.0,
            {"max_digits": True},
            TypeError,
            r"agreeing_digits: max_digits must be a real number",
        ),
        (
            1.0,
            1.0,
            {"max_digits": "11"},
            TypeError,
            r"agreeing_digits: max_digits must be a real number",
        ),
    ],
)
def test_agreeing_digits_refuses_bad_input_clearly(estimate, certified, kwargs, error, match):
    with pytest.raises(error, match=match):
        agreeing_digits(estimate, certified, **kwargs)


# --------------------------------------------------------------------------------------------
# load_digits
# --------------------------------------------------------------------------------------------


def test_digits_split_partitions_scikit_learns_images():
    from sklearn.datasets import load_digits as sk_load

    bunch = sk_load()
    data = datasets.load_digits()
    assert isinstance(data, datasets.DigitsData)
    assert data.X_train.shape == (1438, 64) and data.X_test.shape == (359, 64)
    both = onp.concatenate([data.train_index, data.test_index])
    onp.testing.assert_array_equal(onp.sort(both), onp.arange(1797))  # disjoint, complete
    onp.testing.assert_array_equal(data.X_train, bunch.data[data.train_index] / 16.0)
    onp.testing.assert_array_equal(data.X_test, bunch.data[data.test_index] / 16.0)
    onp.testing.assert_array_equal(data.y_train, bunch.target[data.train_index])
    onp.testing.assert_array_equal(data.y_test, bunch.target[data.test_index])
    onp.testing.assert_array_equal(data.images_test, bunch.images[data.test_index] / 16.0)
    assert data.images_train.shape == (1438, 8, 8) and data.n_classes == 10
    assert data.X_train.min() == 0.0 and data.X_train.max() == 1.0
    assert data.y_train.dtype.kind == "i" and "divided by 16" in data.description


@pytest.mark.parametrize("test_size", [0.1, 0.2, 0.5])
def test_digits_split_is_stratified(test_size):
    data = datasets.load_digits(test_size=test_size, rng=3)
    total = onp.bincount(onp.concatenate([data.y_train, data.y_test]), minlength=10)
    held_out = onp.bincount(data.y_test, minlength=10)
    assert onp.all(onp.abs(held_out - test_size * total) <= 0.5)


def test_digits_split_is_seeded():
    a, b = datasets.load_digits(rng=7), datasets.load_digits(rng=7)
    onp.testing.assert_array_equal(a.test_index, b.test_index)
    c = datasets.load_digits(rng=onp.random.default_rng(7))
    onp.testing.assert_array_equal(a.test_index, c.test_index)
    assert not onp.array_equal(a.test_index, datasets.load_digits(rng=8).test_index)
    onp.testing.assert_array_equal(
        datasets.load_digits().test_index, datasets.load_digits(rng=0).test_index
    )


def test_digits_unscaled_and_read_only():
    raw = datasets.load_digits(scale=False)
    assert raw.X_train.max() == 16.0 and "unscaled" in raw.description
    onp.testing.assert_array_equal(raw.X_test / 16.0, datasets.load_digits().X_test)
    with pytest.raises(ValueError):
        raw.X_train[0, 0] = 1.0
    with pytest.raises(ValueError):
        raw.y_test[0] = 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        raw.X_train = None


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (
            {"test_size": 0.0},
            ValueError,
            r"^load_digits: test_size must be a fraction in \(0, 1\), got 0.0",
        ),
        ({"test_size": 1.0}, ValueError, r"^load_digits: test_size must be a fraction in \(0, 1\)"),
        ({"test_size": -0.2}, ValueError, r"^load_digits: test_size must be a fraction"),
        ({"test_size": onp.nan}, ValueError, r"^load_digits: test_size must be finite"),
        ({"test_size": "0.2"}, TypeError, r"^load_digits: test_size must be a real number"),
        ({"test_size": 0.001}, ValueError, r"^load_digits: test_size = 0.001 leaves class 0"),
        ({"rng": "seed"}, TypeError, r"^load_digits: rng must be a numpy.random.Generator"),
        ({"scale": 1}, TypeError, r"^load_digits: scale must be True or False"),
    ],
)
def test_digits_bad_input_is_refused_clearly(kwargs, error, match):
    with pytest.raises(error, match=match):
        datasets.load_digits(**kwargs)
