"""Real data sets for the chapters, loaded offline and returned as plain numpy arrays.

- :func:`load_diabetes`: scikit-learn's bundled diabetes regression data (442 patients,
  10 baseline variables, a measure of disease progression one year later), standardised.
  Used by the gradient-descent chapter for stochastic gradient descent.
- :func:`load_nist_strd`: nonlinear least-squares problems with certified answers from NIST's
  Statistical Reference Datasets (StRD): data, model, the two official starting points, the
  certified parameters, their standard deviations and the certified residual sum of squares.
  :func:`agreeing_digits` scores an estimate against certified values (the log relative
  error). Used by the least-squares chapter.
- :func:`load_digits`: scikit-learn's bundled handwritten digits (1,797 images of 8x8 pixels,
  classes 0-9) with a seeded, stratified train/test split and pixels scaled to ``[0, 1]``.
  Used by the backpropagation and analysis-stability chapters.

Every loader reads files that ship with an installed package (scikit-learn, or ``jaccourse``
itself for the NIST files in ``jaccourse/data``): no network is needed.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import autograd.numpy as np
import numpy as onp
from autograd.tracer import Box

from jaccourse._validation import (
    as_point,
    as_real,
    as_rng,
    describe,
    float_array,
    read_only,
    speaking_for,
)

__all__ = [
    "RegressionData",
    "load_diabetes",
    "DigitsData",
    "load_digits",
    "NistProblem",
    "NIST_STRD_NAMES",
    "load_nist_strd",
    "agreeing_digits",
]


_DIABETES_FEATURES = ("age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6")


def _sklearn_csv(filename: str, *, delimiter: str | None) -> onp.ndarray:
    """Read one of the data files bundled with scikit-learn (``sklearn/datasets/data/``).

    The file is located without importing scikit-learn, whose import takes a second or two
    that a chapter would otherwise pay; the numbers are those scikit-learn's own loaders read
    (``tests/test_datasets.py`` compares them)."""
    spec = importlib.util.find_spec("sklearn")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(
            "jaccourse.datasets: scikit-learn is needed for its bundled "
            "data files: pip install scikit-learn"
        )
    path = Path(list(spec.submodule_search_locations)[0]) / "datasets" / "data" / filename
    return onp.loadtxt(path, delimiter=delimiter, dtype=float)


@dataclass(frozen=True)
class RegressionData:
    """A regression data set: inputs ``X`` of shape ``(N, d)`` and targets ``y`` of shape ``(N,)``.

    ``feature_names`` names the columns of ``X``; ``description`` says where the data came from
    and how it was scaled.
    """

    X: onp.ndarray
    y: onp.ndarray
    feature_names: tuple[str, ...]
    description: str


def load_diabetes(*, standardize: bool = True) -> RegressionData:
    """The diabetes data of Efron, Hastie, Johnstone and Tibshirani (2004), from scikit-learn.

    442 patients; ``X`` holds 10 baseline variables (age, sex, body-mass index, blood pressure
    and six blood serum measurements), ``y`` a quantitative measure of disease progression one
    year after baseline. The file ships with scikit-learn, so loading works offline.

    With ``standardize=True`` (the default) every column of ``X`` and the target ``y`` are
    shifted to mean 0 and scaled to standard deviation 1 (population formula, ``ddof=0``), which
    makes the least-squares problem well conditioned and the learning rates of the
    gradient-descent chapter meaningful. With ``standardize=False`` the arrays are as
    scikit-learn ships them (``X`` already mean-centred and scaled, ``y`` raw).

    Examples
    --------
    >>> data = load_diabetes()
    >>> data.X.shape, data.y.shape
    ((442, 10), (442,))
    >>> bool(abs(data.y.mean()) < 1e-12 and abs(data.y.std() - 1) < 1e-12)
    True
    """
    if not isinstance(standardize, bool):
        raise TypeError(
            f"load_diabetes: standardize must be True or False, got {describe(standardize)}"
        )
    X = _sklearn_csv("diabetes_data_raw.csv.gz", delimiter=None)
    y = _sklearn_csv("diabetes_target.csv.gz", delimiter=None)
    X = (X - X.mean(axis=0)) / X.std(axis=0) / onp.sqrt(X.shape[0])  # scikit-learn's scaling
    how = "as shipped by scikit-learn"
    if standardize:
        X = (X - X.mean(axis=0)) / X.std(axis=0)
        y = (y - y.mean()) / y.std()
        how = "every column of X and the target y standardised to mean 0, standard deviation 1"
    description = (
        "Diabetes data (Efron et al. 2004, 'Least angle regression', Annals of "
        "Statistics 32(2)), bundled with scikit-learn; " + how + "."
    )
    return RegressionData(X=X, y=y, feature_names=_DIABETES_FEATURES, description=description)


# --------------------------------------------------------------------------------------------
# handwritten digits (classification)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class DigitsData:
    """The handwritten digits, split into a training and a held-out test set.

    Attributes
    ----------
    X_train, X_test : ndarray, shape (N_train, 64) and (N_test, 64)
        One image per row, its 8x8 pixels row by row; intensities in ``[0, 1]`` (or the raw
        ``0..16`` with ``scale=False``). Read-only.
    y_train, y_test : ndarray of int, shape (N_train,) and (N_test,)
        The digit shown, ``0..9``. Read-only.
    train_index, test_index : ndarray of int
        The rows of scikit-learn's ordering (``sklearn.datasets.load_digits()``) that went to
        each set, sorted; together they are ``0..1796`` exactly once.
    description : str
        Where the data came from, how they were split and scaled.

    Notes
    -----
    The properties ``images_train`` and ``images_test`` are the same pixels as arrays of shape
    ``(N, 8, 8)``, for plotting; ``n_classes`` is 10.

    See the chapters ``backpropagation`` and ``analysis-stability``.

    Examples
    --------
    >>> data = load_digits()
    >>> data.images_test.shape, data.n_classes
    ((359, 8, 8), 10)
    """

    X_train: onp.ndarray
    y_train: onp.ndarray
    X_test: onp.ndarray
    y_test: onp.ndarray
    train_index: onp.ndarray
    test_index: onp.ndarray
    description: str

    @property
    def images_train(self) -> onp.ndarray:
        """The training images, shape ``(N_train, 8, 8)`` (a read-only view of ``X_train``)."""
        return self.X_train.reshape(-1, 8, 8)

    @property
    def images_test(self) -> onp.ndarray:
        """The test images, shape ``(N_test, 8, 8)`` (a read-only view of ``X_test``)."""
        return self.X_test.reshape(-1, 8, 8)

    @property
    def n_classes(self) -> int:
        """The number of classes, 10."""
        return 10


def load_digits(
    *, test_size: float = 0.2, rng: onp.random.Generator | int | None = 0, scale: bool = True
) -> DigitsData:
    """Handwritten digits (UCI optical recognition data, via scikit-learn), split for training.

    1,797 grey-scale images of 8x8 pixels, digits 0 to 9 (about 180 of each), written by 43
    people; each pixel counts the "on" pixels of a 4x4 block of the original 32x32 bitmap, an
    integer from 0 to 16. The file ships with scikit-learn, so loading works offline.

    **Scaling.** With ``scale=True`` (the default) every pixel is divided by 16, so intensities
    lie in ``[0, 1]``: inputs of order one suit the Xavier and Kaiming initialisations, and an
    adversarial budget ``eps`` reads as a fraction of the full intensity range. With
    ``scale=False`` the raw counts ``0..16`` (as floats) are returned.

    **Split.** Stratified and seeded: within each class the images are shuffled with ``rng``
    and ``round(test_size * n_class)`` of them go to the test set, so both sets keep the class
    proportions; the same seed gives the same split on every machine. The default seed 0 is
    the split the chapters use (``rng=None`` draws a fresh one).

    Parameters
    ----------
    test_size : float
        The fraction of each class held out, in ``(0, 1)``.
    rng : numpy.random.Generator, int or None
        The source of the split.
    scale : bool
        Divide the pixels by 16.

    Returns
    -------
    DigitsData
        ``X_train`` ``(1438, 64)``, ``y_train``, ``X_test`` ``(359, 64)``, ``y_test`` (with the
        default ``test_size = 0.2``), the indices of the split and a description.

    Notes
    -----
    See the chapters ``backpropagation`` and ``analysis-stability``.

    Examples
    --------
    >>> data = load_digits()
    >>> data.X_train.shape, data.X_test.shape
    ((1438, 64), (359, 64))
    >>> float(data.X_train.min()), float(data.X_train.max())
    (0.0, 1.0)
    >>> [int((data.y_test == k).sum()) for k in range(10)]        # stratified: ~36 per class
    [36, 36, 35, 37, 36, 36, 36, 36, 35, 36]
    """
    func = "load_digits"
    test_size = as_real(func, "test_size", test_size)
    if not 0.0 < test_size < 1.0:
        raise ValueError(f"{func}: test_size must be a fraction in (0, 1), got {test_size}")
    gen = as_rng(func, rng)
    if not isinstance(scale, bool):
        raise TypeError(f"{func}: scale must be True or False, got {describe(scale)}")
    table = _sklearn_csv("digits.csv.gz", delimiter=",")
    pixels = table[:, :-1]
    labels = table[:, -1].astype(int)
    test_parts = []
    for k in range(10):
        members = onp.flatnonzero(labels == k)
        n_test = int(round(test_size * members.size))
        if n_test < 1 or n_test > members.size - 1:
            raise ValueError(
                f"{func}: test_size = {test_size} leaves class {k} ({members.size} "
                f"images) with an empty training or test set"
            )
        test_parts.append(gen.permutation(members)[:n_test])
    test_index = onp.sort(onp.concatenate(test_parts))
    train_index = onp.setdiff1d(onp.arange(labels.size), test_index)
    if scale:
        pixels = pixels / 16.0
    description = (
        "Optical recognition of handwritten digits (Alpaydin and Kaynak 1998, UCI Machine "
        "Learning Repository), the 8x8 version bundled with scikit-learn: 1,797 images, pixel "
        "values 0..16 "
        + ("divided by 16 to lie in [0, 1]" if scale else "(unscaled)")
        + f"; stratified split, {train_index.size} training and {test_index.size} test images "
        f"(test_size={test_size:g})."
    )
    return DigitsData(
        X_train=read_only(pixels[train_index]),
        y_train=read_only(labels[train_index], int),
        X_test=read_only(pixels[test_index]),
        y_test=read_only(labels[test_index], int),
        train_index=read_only(train_index, int),
        test_index=read_only(test_index, int),
        description=description,
    )


# --------------------------------------------------------------------------------------------
# NIST Statistical Reference Datasets (nonlinear regression)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NistProblem:
    """A nonlinear least-squares problem of NIST's StRD, with its certified answer.

    Attributes
    ----------
    name : str
        The data set's name as NIST spells it, e.g. ``"Misra1a"``.
    x, y : ndarray, shape (N,)
        Predictor and response, as printed in the file (read-only arrays).
    model : callable
        ``model(beta, x) -> y_hat``, written with ``autograd.numpy`` so that it can be
        differentiated with respect to ``beta`` (shape ``(p,)``); ``x`` may have any shape.
    residual : callable
        ``residual(beta) -> model(beta, x) - y``, shape ``(N,)``: model **minus** data, so that
        its Jacobian is the Jacobian of the model with respect to ``beta``.
    formula : str
        The model as printed in the file, e.g. ``"y = b1*(1-exp[-b2*x])  +  e"``.
    starts : tuple of two ndarrays, shape (p,)
        NIST's "Start 1" (far from the solution) and "Start 2" (closer).
    certified, certified_std : ndarray, shape (p,)
        The certified parameter values and their certified standard deviations.
    certified_rss : float
        The certified residual sum of squares ``sum(residual(certified)**2)``.
    difficulty : str
        NIST's level of difficulty: ``"lower"``, ``"average"`` or ``"higher"``.
    description : str
        What the data are and where they come from.
    """

    name: str
    x: onp.ndarray
    y: onp.ndarray
    model: Callable[[Any, Any], Any]
    residual: Callable[[Any], Any]
    formula: str
    starts: tuple[onp.ndarray, onp.ndarray]
    certified: onp.ndarray
    certified_std: onp.ndarray
    certified_rss: float
    difficulty: str
    description: str


def _checked_beta(name: str, beta: Any, p: int, x: Any = None) -> tuple[Any, Any]:
    """``beta`` as ``(p,)`` real numbers and ``x`` as real numbers of any shape (autograd's
    traced values pass, the shape of ``beta`` checked)."""
    func = f"{name} model"
    beta = as_point(func, "beta", beta, size=p)
    if not isinstance(x, Box):
        x = float_array(func, "x", x)
    return beta, x


def _exponential_model(name: str) -> Callable[[Any, Any], Any]:
    def model(beta: Any, x: Any) -> Any:
        b, x = _checked_beta(name, beta, 2, x)
        return b[0] * (1.0 - np.exp(-b[1] * x))

    model.__doc__ = f"The {name} model y = b1*(1-exp(-b2*x)) (autograd-differentiable in beta)."
    return model


def _rational_model(name: str) -> Callable[[Any, Any], Any]:
    def model(beta: Any, x: Any) -> Any:
        b, x = _checked_beta(name, beta, 7, x)
        numerator = b[0] + b[1] * x + b[2] * x**2 + b[3] * x**3
        denominator = 1.0 + b[4] * x + b[5] * x**2 + b[6] * x**3
        return numerator / denominator

    model.__doc__ = (
        f"The {name} model y = (b1 + b2 x + b3 x^2 + b4 x^3) / "
        "(1 + b5 x + b6 x^2 + b7 x^3) (autograd-differentiable in beta)."
    )
    return model


_EXPONENTIAL = "y=b1*(1-exp[-b2*x])+e"
_RATIONAL = "y=(b1+b2*x+b3*x**2+b4*x**3)/(1+b5*x+b6*x**2+b7*x**3)+e"

#: The model of each shipped data set: (the formula as printed in the file, whitespace
#: removed; the code that computes it). The loader checks the file against the first entry.
_MODELS: dict[str, tuple[str, Callable[[str], Callable[[Any, Any], Any]]]] = {
    "BoxBOD": (_EXPONENTIAL, _exponential_model),
    "Hahn1": (_RATIONAL, _rational_model),
    "Misra1a": (_EXPONENTIAL, _exponential_model),
    "Thurber": (_RATIONAL, _rational_model),
}

#: The NIST StRD nonlinear-regression data sets shipped in ``jaccourse/data``.
NIST_STRD_NAMES: tuple[str, ...] = tuple(_MODELS)

_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"


def _parse_error(name: str, what: str) -> ValueError:
    return ValueError(f"load_nist_strd: cannot read {what} from {name}.dat (is the file intact?)")


def _line_range(name: str, lines: list[str], section: str) -> tuple[int, int]:
    """The (0-based, inclusive) line range that the header's 'File Format' gives a section."""
    for line in lines[:15]:
        m = re.search(section + r"\s*\(lines\s+(\d+)\s+to\s+(\d+)\)", line)
        if m:
            return int(m.group(1)) - 1, int(m.group(2)) - 1
    raise _parse_error(name, f"the line range of '{section}'")


def _paragraph(lines: list[str], key: str) -> str:
    """The text that follows ``key:`` up to the next blank line, joined into one line."""
    for i, line in enumerate(lines):
        if line.startswith(key + ":"):
            words = [line[len(key) + 1 :].strip()]
            for follow in lines[i + 1 :]:
                if not follow.strip():
                    break
                words.append(follow.strip())
            return re.sub(r"\s+", " ", " ".join(words)).strip()
    return ""


def _labelled_number(name: str, text: str, label: str) -> float:
    m = re.search(re.escape(label) + r":\s*(" + _NUMBER + r")", text)
    if m is None:
        raise _parse_error(name, f"'{label}'")
    return float(m.group(1))


def _parse_nist(name: str, text: str) -> dict[str, Any]:
    """Everything :class:`NistProblem` needs except the model, read from the file's text."""
    lines = text.splitlines()
    # the model: the lines from "y = ..." to the one ending in "+  e", compared with the code
    model_at = next((i for i, ln in enumerate(lines) if ln.startswith("Model:")), None)
    if model_at is None:
        raise _parse_error(name, "the model")
    formula_lines: list[str] = []
    for line in lines[model_at + 1 : model_at + 10]:
        if line.strip().startswith("y =") or formula_lines:
            formula_lines.append(line.strip())
            if re.search(r"\+\s*e$", line.strip()):
                break
    formula = " ".join(formula_lines)
    if re.sub(r"\s+", "", formula) != _MODELS[name][0]:
        raise ValueError(
            f"load_nist_strd: the model in {name}.dat is {formula!r}, which is not "
            f"the model jaccourse implements for {name}"
        )
    m = re.search(r"(\d+)\s+Parameters", text)
    if m is None:
        raise _parse_error(name, "the number of parameters")
    p = int(m.group(1))
    # starting values, certified values and standard deviations: "b1 = s1 s2 cert std"
    first, _ = _line_range(name, lines, "Starting Values")
    rows = []
    for j in range(p):
        line = lines[first + j] if first + j < len(lines) else ""
        m = re.match(r"\s*b(\d+)\s*=\s*((?:" + _NUMBER + r"\s+){3}" + _NUMBER + r")\s*$", line)
        if m is None or int(m.group(1)) != j + 1:
            raise _parse_error(name, f"the line of parameter b{j + 1}")
        rows.append([float(v) for v in m.group(2).split()])
    table = onp.array(rows)
    # the data: the header gives the lines, the column titles give the order of x and y
    first, last = _line_range(name, lines, "Data")
    columns = lines[first - 1].split()
    if columns[:1] != ["Data:"] or sorted(columns[1:]) != ["x", "y"]:
        raise _parse_error(name, "the column titles of the data")
    try:
        data = onp.array([[float(v) for v in ln.split()] for ln in lines[first : last + 1]])
    except ValueError:
        raise _parse_error(name, "the data") from None
    n_obs = int(_labelled_number(name, text, "Number of Observations"))
    if data.shape != (n_obs, 2):
        raise _parse_error(name, f"{n_obs} observations of (y, x)")
    m = re.search(r"(Lower|Average|Higher) Level of Difficulty", text)
    if m is None:
        raise _parse_error(name, "the level of difficulty")
    return {
        "formula": formula,
        "starts": (table[:, 0], table[:, 1]),
        "certified": table[:, 2],
        "certified_std": table[:, 3],
        "certified_rss": _labelled_number(name, text, "Residual Sum of Squares"),
        "x": data[:, columns.index("x") - 1],
        "y": data[:, columns.index("y") - 1],
        "difficulty": m.group(1).lower(),
        "description": _paragraph(lines, "Description"),
        "reference": _paragraph(lines, "Reference"),
    }


def load_nist_strd(name: str) -> NistProblem:
    """A nonlinear regression problem of NIST's Statistical Reference Datasets (StRD).

    NIST's StRD (https://www.itl.nist.gov/div898/strd/nls/nls_main.shtml) publish real and
    constructed data sets with *certified* least-squares solutions, computed in 128-bit
    arithmetic and confirmed by two independent algorithms, to test nonlinear least-squares
    software. Each problem comes with two starting points: "Start 1", far from the solution,
    and "Start 2", closer. The files (public domain, works of the US government) ship in
    ``jaccourse/data``; available names are :data:`NIST_STRD_NAMES`: ``"Misra1a"`` (lower
    difficulty, 2 parameters), ``"Hahn1"`` (average, 7), ``"Thurber"`` and ``"BoxBOD"``
    (higher, 7 and 2). The book cites the collection as ``nist-strd``.

    Everything numeric (data, starting points, certified values, standard deviations, residual
    sum of squares, difficulty) is **parsed from the file**. The model formula is code,
    written with ``autograd.numpy``; the loader checks that the formula printed in the file
    is the one the code implements. The residual is ``model(beta, x) - y`` (model minus data).

    Parameters
    ----------
    name : str
        One of :data:`NIST_STRD_NAMES` (case is ignored).

    Returns
    -------
    NistProblem

    Notes
    -----
    See the chapter ``least-squares``.

    Examples
    --------
    >>> problem = load_nist_strd("Misra1a")
    >>> problem.x.shape, problem.difficulty, problem.starts[0]
    ((14,), 'lower', array([5.e+02, 1.e-04]))
    >>> problem.certified.tolist()          # parsed from the file, all 11 digits
    [238.94212918, 0.00055015643181]
    >>> rss = float(onp.sum(problem.residual(problem.certified) ** 2))
    >>> bool(abs(rss - problem.certified_rss) < 1e-9 * problem.certified_rss)
    True
    """
    func = "load_nist_strd"
    if not isinstance(name, str):
        raise TypeError(
            f"{func}: name must be a string, one of {list(NIST_STRD_NAMES)}, got {describe(name)}"
        )
    canonical = {n.lower(): n for n in NIST_STRD_NAMES}.get(name.strip().lower())
    if canonical is None:
        raise ValueError(f"{func}: name must be one of {list(NIST_STRD_NAMES)}, got {name!r}")
    text = (resources.files("jaccourse") / "data" / f"{canonical}.dat").read_text(encoding="ascii")
    parsed = _parse_nist(canonical, text)
    model = _MODELS[canonical][1](canonical)
    x, y = read_only(parsed["x"]), read_only(parsed["y"])

    def residual(beta: Any) -> Any:
        with speaking_for(f"{canonical} model", f"{canonical} residual"):
            return model(beta, x) - y

    residual.__doc__ = f"The {canonical} residual beta -> model(beta, x) - y, shape ({x.size},)."
    description = (
        f"{parsed['description']} Reference: {parsed['reference']} From NIST's "
        "Statistical Reference Datasets, nonlinear regression (public domain)."
    )
    return NistProblem(
        name=canonical,
        x=x,
        y=y,
        model=model,
        residual=residual,
        formula=parsed["formula"],
        starts=(read_only(parsed["starts"][0]), read_only(parsed["starts"][1])),
        certified=read_only(parsed["certified"]),
        certified_std=read_only(parsed["certified_std"]),
        certified_rss=parsed["certified_rss"],
        difficulty=parsed["difficulty"],
        description=description,
    )


def agreeing_digits(estimate: Any, certified: Any, *, max_digits: float = 11.0) -> float:
    """How many significant digits of ``estimate`` agree with ``certified``: the log relative error.

    For one number this is ``LRE = -log10(|estimate - certified| / |certified|)`` (with the
    absolute error ``|estimate|`` when ``certified == 0``), the score used to rate software on
    NIST's reference data sets: an LRE of 6 means about six leading digits agree. The result
    is clipped to ``[0, max_digits]``: exact agreement gives ``max_digits`` (NIST prints its
    certified values with 11 significant digits, so more cannot be measured against them), and
    an estimate that is wrong in the first digit, or not finite at all (a failed fit), gives 0.
    For arrays the **smallest** LRE over the components is returned: a fit is only as good as
    its worst parameter.

    Parameters
    ----------
    estimate : float or array-like, shape (p,)
        The computed value(s); NaN or inf is allowed and scores 0.
    certified : float or array-like, same shape
        The reference value(s), finite.
    max_digits : float, optional
        The cap, > 0 (default 11).

    Returns
    -------
    float

    Notes
    -----
    See the chapter ``least-squares``.

    Examples
    --------
    >>> round(agreeing_digits(3.14159, 3.141592653589793), 2)
    6.07
    >>> agreeing_digits([1.0, 2.0], [1.0, 2.0])
    11.0
    >>> round(agreeing_digits([1.0001, 2.0], [1.0, 2.0]), 2)    # the worst component counts
    4.0
    >>> agreeing_digits(float("nan"), 1.0)
    0.0
    """
    func = "agreeing_digits"
    if isinstance(max_digits, bool) or not isinstance(
        max_digits, (int, float, onp.floating, onp.integer)
    ):
        raise TypeError(f"{func}: max_digits must be a real number, got {describe(max_digits)}")
    if not (onp.isfinite(max_digits) and max_digits > 0):
        raise ValueError(f"{func}: max_digits must be finite and > 0, got {max_digits}")
    try:
        est = onp.asarray(estimate, dtype=float)
        cert = onp.asarray(certified, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(
            f"{func}: estimate and certified must be numbers or 1-D arrays of numbers, "
            f"got {describe(estimate)} and {describe(certified)}"
        ) from None
    if est.ndim > 1 or cert.ndim > 1:
        raise ValueError(
            f"{func}: estimate and certified must be numbers or 1-D arrays, got shapes "
            f"{est.shape} and {cert.shape}"
        )
    if est.shape != cert.shape:
        raise ValueError(
            f"{func}: estimate and certified must have the same shape, got "
            f"{est.shape} and {cert.shape}"
        )
    if est.size == 0:
        raise ValueError(f"{func}: estimate and certified must not be empty")
    if not onp.all(onp.isfinite(cert)):
        raise ValueError(f"{func}: certified must be finite, got {cert!r}")
    est, cert = onp.atleast_1d(est), onp.atleast_1d(cert)
    if not onp.all(onp.isfinite(est)):
        return 0.0
    error = onp.abs(est - cert) / onp.where(cert == 0, 1.0, onp.abs(cert))
    with onp.errstate(divide="ignore"):
        lre = -onp.log10(error)  # +inf where the error is exactly 0
    return float(onp.clip(onp.min(lre), 0.0, float(max_digits)))
