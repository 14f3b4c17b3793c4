"""jaccourse.book.exercises: each check accepts the right answer, and each kind of wrong answer gets
its own hint, which never prints the expected numbers."""

from __future__ import annotations

import math
import re
from fractions import Fraction

import autograd.numpy as np
import numpy as onp
import pytest

from jaccourse.book import exercises
from jaccourse.book.exercises import (
    FunctionReference,
    GradientReference,
    JacobianReference,
    ValueReference,
    Verdict,
    check_function,
    check_gradient,
    check_jacobian,
    check_value,
)


def polar(q):
    return np.stack([q[0] * np.cos(q[1]), q[0] * np.sin(q[1])])


def polar_jacobian(q):
    r, t = q
    return onp.array([[onp.cos(t), -r * onp.sin(t)], [onp.sin(t), r * onp.cos(t)]])


def wide(p):  # R^3 -> R^2, a non-square Jacobian
    return np.stack([p[0] * p[1] + p[2], np.sin(p[0]) - p[2] ** 2])


def wide_jacobian(p):
    x, y, z = p
    return onp.array([[y, x, 1.0], [onp.cos(x), 0.0, -2 * z]])


def f(p):
    return p[0] ** 2 + 4 * p[1] ** 2 - 11 * p[0] + 8 * p[1] - 16


def grad_f(p):
    return onp.array([2 * p[0] - 11, 8 * p[1] + 8])


REFS = {
    "t-ex-polar": JacobianReference(
        polar, [[2.0, 0.5], [0.5, 2.0], [1.5, -1.0]], factors={"r": lambda q: q[0]}
    ),
    "t-ex-wide": JacobianReference(wide, [[0.3, -1.2, 0.7], [1.1, 0.4, -0.5]]),
    "t-ex-grad": GradientReference(f, [[0.0, 0.0], [1.0, 2.0], [3.0, -4.0]]),
    "t-ex-func": FunctionReference(lambda t: np.array([t, t**2, t**3]), [0.5, 2.0, -1.5]),
    "t-ex-scalar-func": FunctionReference(lambda t: t * t, [0.5, 2.0]),
    "t-ex-value": ValueReference(Fraction(-201, 4), factors={"pi": onp.pi}),
    "t-ex-vector": ValueReference([1.0, 2.0, 3.0]),
}


@pytest.fixture(autouse=True)
def registry(monkeypatch):
    full = dict(exercises._registry())
    full.update(REFS)
    monkeypatch.setattr(exercises, "_REGISTRY", full)


def hint_of(verdict: Verdict) -> str:
    assert verdict.status == "wrong", verdict
    assert verdict.message == f"{verdict.label}: not right yet. Hint: {verdict.hint}"
    return verdict.hint


# --------------------------------------------------------------------------- right answers


@pytest.mark.parametrize(
    "label, answer, check",
    [
        ("t-ex-polar", polar_jacobian, check_jacobian),
        ("t-ex-polar", lambda q: polar_jacobian(q).tolist(), check_jacobian),  # lists are fine
        ("t-ex-wide", wide_jacobian, check_jacobian),
        ("t-ex-grad", grad_f, check_gradient),
        ("t-ex-func", lambda t: [t, t * t, t**3], check_function),
        ("t-ex-value", -50.25, check_value),
        ("t-ex-value", Fraction(-201, 4), check_value),
        ("t-ex-vector", onp.array([1, 2, 3]), check_value),
    ],
)
def test_each_check_accepts_the_right_answer_and_prints_correct(label, answer, check, capsys):
    verdict = check(label, answer)
    assert verdict.correct and bool(verdict) and verdict.status == "correct"
    assert verdict.hint == ""
    assert capsys.readouterr().out == f"{label}: correct.\n"


# --------------------------------------------------------------------------- not answered


def raises_not_implemented(q):
    raise NotImplementedError


@pytest.mark.parametrize(
    "label, answer, check",
    [
        ("t-ex-polar", None, check_jacobian),
        ("t-ex-polar", ..., check_jacobian),
        ("t-ex-polar", lambda q: None, check_jacobian),  # a stub body `...` returns None
        ("t-ex-polar", lambda q: ..., check_jacobian),
        ("t-ex-polar", raises_not_implemented, check_jacobian),
        ("t-ex-grad", lambda p: None, check_gradient),
        ("t-ex-func", lambda t: None, check_function),
        ("t-ex-value", ..., check_value),
        ("t-ex-value", None, check_value),
    ],
)
def test_an_unanswered_exercise_prints_not_answered_yet(label, answer, check, capsys):
    verdict = check(label, answer)
    assert verdict.status == "not answered" and not verdict
    assert capsys.readouterr().out == f"{label}: not answered yet.\n"


# --------------------------------------------------------------------------- wrong answers


def swap_columns(a):
    return a[:, ::-1]


WRONG_JACOBIANS = [
    # (label, wrong answer, the words the hint must contain)
    ("t-ex-polar", lambda q: polar_jacobian(q).T, "transposed"),
    ("t-ex-wide", lambda p: wide_jacobian(p).T, "transposed"),
    ("t-ex-wide", lambda p: wide_jacobian(p)[:, :2], "wrong shape"),
    ("t-ex-polar", lambda q: -polar_jacobian(q), "sign error: every entry"),
    (
        "t-ex-polar",
        lambda q: polar_jacobian(q) * onp.array([[1, -1], [1, 1]]),
        "sign error in row 0, column 1",
    ),
    (
        "t-ex-wide",
        lambda p: wide_jacobian(p) * onp.array([[-1, -1, -1], [-1, 1, 1]]),
        "sign error in some entries",
    ),
    ("t-ex-polar", lambda q: q[0] * polar_jacobian(q), "extra factor r"),
    ("t-ex-polar", lambda q: polar_jacobian(q) / q[0], "missing a factor r"),
    ("t-ex-polar", lambda q: 2 * polar_jacobian(q), "constant factor"),
    ("t-ex-polar", lambda q: swap_columns(polar_jacobian(q)), "columns in the wrong order"),
    ("t-ex-wide", lambda p: wide_jacobian(p)[::-1], "rows in the wrong order"),
    ("t-ex-polar", lambda q: onp.linalg.inv(polar_jacobian(q)), "inverse"),
    ("t-ex-polar", lambda q: polar_jacobian([2.0, 0.5]), "right at some points"),
    ("t-ex-polar", lambda q: polar_jacobian(q) + 1e-5, "close, but not to the tolerance"),
    (
        "t-ex-polar",
        lambda q: polar_jacobian(q) * onp.array([[1, 1], [1, 0]]),
        "row 1, column 1 (counting from 0) is wrong",
    ),
    (
        "t-ex-wide",
        lambda p: wide_jacobian(p) + onp.array([[1.0, 2.0, -1.0], [3.0, 0.0, 0.0]]),
        "entries are wrong",
    ),
    ("t-ex-polar", lambda q: polar_jacobian(q) * onp.nan, "NaN"),
    (
        "t-ex-wide",
        lambda p: onp.diag([2.0, 3.0]) @ wide_jacobian(p),
        "each row is off by its own factor",
    ),
    (
        "t-ex-wide",
        lambda p: wide_jacobian(p) @ onp.diag([3.0, 2.0, 5.0]),
        "each column is off by its own factor",
    ),
    (
        "t-ex-wide",
        lambda p: wide_jacobian(p) @ onp.diag([1.0, 1.0, 5.0]),
        "column 2 (the derivatives with respect to input 2",
    ),
    ("t-ex-polar", lambda q: polar_jacobian(q) + 0.25, "same added amount"),
    ("t-ex-polar", lambda q: q.undefined_attribute, "raised AttributeError"),
    ("t-ex-polar", lambda q: "a matrix", "must be a number or an array"),
]


@pytest.mark.parametrize("label, wrong, words", WRONG_JACOBIANS)
def test_check_jacobian_names_each_kind_of_mistake(label, wrong, words):
    assert words in hint_of(check_jacobian(label, wrong))


def test_each_kind_of_jacobian_mistake_gets_its_own_hint():
    hints = [hint_of(check_jacobian(label, wrong)) for label, wrong, _ in WRONG_JACOBIANS]
    kinds = [words for _, _, words in WRONG_JACOBIANS]
    for hint, words in zip(hints, kinds, strict=False):
        others = [w for w in kinds if w != words and w not in words and words not in w]
        assert not any(w in hint for w in others), (hint, words)


@pytest.mark.parametrize(
    "wrong, words",
    [
        (lambda p: -grad_f(p), "minus the gradient"),
        (lambda p: grad_f(p)[None, :], "flat vector"),
        (lambda p: grad_f(p)[:, None], "flat vector"),
        (lambda p: grad_f(p)[:1], "one entry per variable"),
        (lambda p: 0.5 * grad_f(p), "factor 2 from differentiating a square"),
        (lambda p: grad_f(p)[::-1], "components in the wrong order"),
        (
            lambda p: grad_f(p) + onp.array([0.0, 1.0]),
            "entry 1 (counting from 0) is wrong; the other entries are right",
        ),
        (
            lambda p: grad_f(p) * onp.array([1.0, 0.5]),
            "entry 1 (counting from 0) is wrong: it is 1/2 times the right one",
        ),
        (lambda p: grad_f(p) * onp.array([-1.0, 1.0]), "sign error in entry 0 (counting from 0)"),
    ],
)
def test_check_gradient_names_each_kind_of_mistake(wrong, words):
    assert words in hint_of(check_gradient("t-ex-grad", wrong))


@pytest.mark.parametrize(
    "answer, words",
    [
        (50.25, "sign error"),
        (-50.25 * onp.pi, "extra factor pi"),
        (-50.25 / onp.pi, "missing a factor pi"),
        (-100.5, "constant factor: your answer is 2 times"),
        (-50.25 / 3, "constant factor: your answer is 1/3 times"),
        (-4 / 201, "reciprocal"),
        (-50.25001, "close, but not to the tolerance"),
        (-50.0, "too large"),
        (-60.0, "too small"),
        ([-50.25, 1.0], "single number"),
        ("minus fifty", "must be a number"),
        (float("inf"), "your answer contains infinity"),
        (float("nan"), "your answer contains NaN (not a number)"),
        ("-50.25", "not a string"),  # a number in quotes is not a number
        (True, "not True or False"),
        (-50.25 + 0j, "not complex numbers"),
    ],
)
def test_check_value_names_each_kind_of_mistake(answer, words):
    assert words in hint_of(check_value("t-ex-value", answer))


@pytest.mark.parametrize(
    "answer, words",
    [
        ([3.0, 2.0, 1.0], "components in the wrong order"),
        ([1.0, 2.0], "wrong shape"),
        ([1.0, 2.0, 4.0], "entry 2 (counting from 0) is wrong; the other entries are right"),
        ([1.0, -2.0, 3.0], "sign error in entry 1 (counting from 0)"),
        ([1.0, onp.inf, onp.nan], "contains NaN (not a number) and infinity in entries 1 and 2"),
        ([[1.0, 2.0], [3.0]], "ragged list"),
    ],
)
def test_check_value_on_arrays(answer, words):
    assert words in hint_of(check_value("t-ex-vector", answer))


def test_a_reference_can_name_the_likely_cause_of_a_near_miss(monkeypatch):
    monkeypatch.setitem(
        exercises._REGISTRY,
        "t-ex-kink",
        ValueReference(2.0, close_hint="did you split the integral at the kink?"),
    )
    hint = hint_of(check_value("t-ex-kink", 2.00001))
    assert hint == "close, but not to the tolerance: did you split the integral at the kink?"
    with pytest.raises(TypeError, match="ValueReference: argument 'close_hint'"):
        ValueReference(1.0, close_hint="")


def test_check_function_hints():
    assert "sign error" in hint_of(check_function("t-ex-func", lambda t: [-t, -t * t, -(t**3)]))
    assert "right at some points" in hint_of(
        check_function("t-ex-func", lambda t: [t, t * t, t**3 if t > 0 else 0.0])
    )
    assert "not the right value at the point 0.5 (yours is too small)" in hint_of(
        check_function("t-ex-scalar-func", lambda t: t * t - 1)
    )
    assert (
        "off by a constant factor: every entry is the right one times the same number"
        in hint_of(check_function("t-ex-func", lambda t: onp.array([t, t * t, t**3]) * 1.234))
    )


@pytest.mark.parametrize(
    "label, wrong, check",
    [
        *[(label, wrong, check_jacobian) for label, wrong, _ in WRONG_JACOBIANS],
        ("t-ex-value", -50.0, check_value),
        ("t-ex-value", 50.25, check_value),
        ("t-ex-grad", lambda p: grad_f(p) + 1.0, check_gradient),
    ],
)
def test_no_hint_prints_an_expected_number(label, wrong, check):
    hint = hint_of(check(label, wrong))
    ref = exercises.reference(label)
    expected = onp.concatenate([onp.ravel(ref.expected(p)) for p in ref.points])
    inputs = onp.concatenate([onp.ravel(p) for p in ref.points if p is not None] or [[]])
    shown = [float(x) for x in re.findall(r"-?\d+\.\d+(?:e-?\d+)?", hint)]
    for number in shown:  # numbers in hints are points, factors or counts, never answers
        assert not onp.any(onp.isclose(expected, number, rtol=1e-3, atol=0)) or number in inputs, (
            hint,
            number,
        )


# --------------------------------------------------------------------------- bad input


def test_unknown_label_suggests_close_ones():
    with pytest.raises(
        ValueError,
        match=r"check_jacobian: argument 'label': no exercise is "
        r"labelled 't-ex-polr'; did you mean 't-ex-polar'",
    ):
        check_jacobian("t-ex-polr", polar_jacobian)


def test_a_check_of_the_wrong_kind_is_a_type_error():
    with pytest.raises(
        TypeError,
        match="check_value: exercise 't-ex-polar' is checked with check_jacobian, not check_value",
    ):
        check_value("t-ex-polar", 1.0)


@pytest.mark.parametrize(
    "call, error, words",
    [
        (
            lambda: check_jacobian(3, polar_jacobian),
            TypeError,
            "argument 'label' must be an exercise label",
        ),
        (
            lambda: check_jacobian("t-ex-polar", 3.0),
            TypeError,
            "argument 'student_fn' must be your function",
        ),
        (lambda: JacobianReference(polar, []), ValueError, "argument 'points' must be a non-empty"),
        (lambda: JacobianReference(polar, [[onp.nan, 1.0]]), ValueError, "finite"),
        (lambda: JacobianReference(None, [[1.0, 2.0]]), ValueError, "exactly one of 'f'"),
        (
            lambda: JacobianReference(polar, [[1.0, 2.0]], jacobian=polar_jacobian),
            ValueError,
            "exactly one",
        ),
        (
            lambda: JacobianReference(polar, [[1.0, 2.0]], factors={"r": 2.0}),
            TypeError,
            "functions of the point",
        ),
        (lambda: GradientReference(3, [[1.0]]), TypeError, "argument 'f' must be a callable"),
        (
            lambda: FunctionReference(None, [1.0]),
            TypeError,
            "argument 'function' must be a callable",
        ),
        (lambda: ValueReference("x"), TypeError, "argument 'value' must be a number"),
        (lambda: ValueReference(onp.inf), ValueError, "must be finite"),
        (lambda: ValueReference(1.0, rtol=-1), ValueError, "argument 'rtol'"),
        (lambda: Verdict("a", "maybe"), ValueError, "argument 'status'"),
    ],
)
def test_bad_input_gets_a_clear_error_naming_the_function(call, error, words):
    with pytest.raises(error) as info:
        call()
    assert words in str(info.value)
    assert re.match(r"^(check_\w+|\w+Reference|Verdict|reference): ", str(info.value))


def test_the_demo_references_accept_their_answers(capsys):
    assert check_jacobian("demo-ex-polar", polar_jacobian)
    assert check_gradient("demo-ex-gradient", grad_f)
    assert check_value("demo-ex-value", Fraction(-201, 4))
    assert check_function("demo-ex-logistic", lambda t: onp.exp(-t) / (1 + onp.exp(-t)) ** 2)
    assert exercises.exercise_labels() == sorted(exercises._REGISTRY)


# ------------------------------------------------------------------ hints that name the mistake


def long_map(p):  # R^8 -> R^8, points too long to print in full
    return np.sin(p) * np.sum(p)


LONG_POINT = [0.1, -0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.85]


@pytest.mark.parametrize(
    "wrong, words",
    [
        (
            lambda p: onp.full((8, 8), onp.nan),
            "your answer at the point (0.1, -0.2, 0.3, ..., 0.85) with 8 "
            "coordinates contains NaN (not a number) in every entry",
        ),
        (
            lambda p: p.undefined_attribute,
            "your function raised AttributeError at the point (0.1, -0.2, "
            "0.3, ..., 0.85) with 8 coordinates: ",
        ),
        (
            lambda p: "J",
            "your answer at the point (0.1, -0.2, 0.3, ..., 0.85) with 8 coordinates must be "
            "a number",
        ),
        (
            lambda p: onp.zeros((8, 8)),
            "64 of 64 entries are wrong at the point (0.1, -0.2, 0.3, ..., 0.85) "
            "with 8 coordinates, the first at row 0, column 0",
        ),
    ],
)
def test_a_hint_names_a_long_point_in_a_sentence_that_reads(monkeypatch, wrong, words):
    monkeypatch.setitem(exercises._REGISTRY, "t-ex-long", JacobianReference(long_map, [LONG_POINT]))
    hint = hint_of(check_jacobian("t-ex-long", wrong))
    assert words in hint
    assert "the point a point" not in hint and "point with" not in hint.replace("coordinates", "")


def test_the_right_at_some_points_hint_names_the_wrong_point(monkeypatch):
    other = [0.2] * 8
    monkeypatch.setitem(
        exercises._REGISTRY, "t-ex-long", JacobianReference(long_map, [LONG_POINT, other])
    )
    at_first = exercises.reference("t-ex-long").expected(onp.array(LONG_POINT))
    hint = hint_of(check_jacobian("t-ex-long", lambda p: at_first))
    assert hint.startswith(
        "right at some points but not at others, e.g. wrong at the point "
        "(0.2, 0.2, 0.2, ..., 0.2) with 8 coordinates: "
    )


def naive_log_softmax_jacobian(z):  # the chapter sigmoid's exercise, done naively
    s = onp.exp(z) / onp.exp(z).sum()
    return onp.eye(z.size) - onp.outer(onp.ones(z.size), s)


def stable_log_softmax_jacobian(z):
    e = onp.exp(z - z.max())
    return onp.eye(z.size) - onp.outer(onp.ones(z.size), e / e.sum())


def test_a_function_that_overflows_is_told_so_and_given_the_remedy_in_words():
    # numpy warns "overflow encountered in exp" at z = (1000, ...); the check turns the warning
    # (an error under this suite's filterwarnings) into the hint instead of letting it through
    hint = hint_of(check_jacobian("sg-ex-log-softmax", naive_log_softmax_jacobian))
    assert hint.startswith(
        "your function overflows at the point (1000, 0, -5, 998.5, 1): exp of a "
        "number above about 709 is too large for a float"
    )
    assert "subtract the maximum before exponentiating" in hint
    assert "NaN or infinity" not in hint and "contains" not in hint
    assert check_jacobian("sg-ex-log-softmax", stable_log_softmax_jacobian)


@pytest.mark.parametrize(
    "student, words",
    [
        (
            lambda z: onp.log(1 / (1 + onp.exp(-z))),
            "overflows at the point -10000: exp of a number",
        ),
        (
            lambda z: -math.log(1 + math.exp(-z)),  # Python's math raises instead of warning
            "overflows at the point -10000: an intermediate result is too large for a float "
            "(Python "
            "raised OverflowError: math range error)",
        ),
        (
            lambda z: -onp.log1p(onp.float64(1e300) * (1e10 - z)),
            "overflows at the point -10000: an intermediate result (in scalar multiply) is "
            "too large",
        ),
    ],
)
def test_each_way_of_overflowing_gets_the_overflow_hint(student, words):
    hint = hint_of(check_function("sg-ex-log-sigmoid", student))
    assert words in hint and "subtract the maximum" in hint


def test_overflow_under_errstate_raise_gets_the_overflow_hint():
    with onp.errstate(over="raise"):
        hint = hint_of(
            check_function("sg-ex-log-sigmoid", lambda z: onp.log(1 / (1 + onp.exp(-z))))
        )
    assert hint.startswith("your function overflows at the point -10000: exp of a number")


def test_a_right_answer_that_overflows_on_the_way_is_correct_and_its_warning_still_shown(capsys):
    def both_branches(z):  # onp.where computes exp(1e4) in the unused branch
        return onp.where(z > 0, -onp.log1p(onp.exp(-z)), z - onp.log1p(onp.exp(z)))

    with pytest.warns(RuntimeWarning, match="overflow encountered in exp"):
        verdict = check_function("sg-ex-log-sigmoid", both_branches)
    assert verdict.correct and capsys.readouterr().out == "sg-ex-log-sigmoid: correct.\n"


@pytest.mark.parametrize(
    "student, words",
    [
        (
            lambda t: t * t + onp.log(onp.abs(t)),
            "your answer at the point 0 contains infinity: a division by zero there (numpy: "
            "divide by "
            "zero encountered in log); a denominator, or the argument of a log, is zero at "
            "this point",
        ),
        (
            lambda t: onp.sqrt(t - 1.0) * 0 + t * t,
            "your answer at the point 0.5 contains NaN (not a number): an undefined operation "
            "there "
            "(numpy: invalid value encountered in sqrt)",
        ),
    ],
)
def test_a_non_finite_answer_is_told_what_numpy_saw(monkeypatch, student, words):
    monkeypatch.setitem(
        exercises._REGISTRY, "t-ex-square", FunctionReference(lambda t: t * t, [0.5, 0.0])
    )
    assert words in hint_of(check_function("t-ex-square", student))


def test_a_non_finite_answer_names_its_entries_never_their_values():
    hint = hint_of(
        check_jacobian(
            "t-ex-polar", lambda q: polar_jacobian(q) * onp.array([[1, onp.inf], [1, 1]])
        )
    )
    assert hint == (
        "your answer at the point (2, 0.5) contains infinity in row 0, column 1 (counting from 0)"
    )


@pytest.mark.parametrize(
    "label, wrong, hint",
    [
        # one column off by a named factor, by 2, by another number; the other columns are right
        (
            "t-ex-polar",
            lambda q: polar_jacobian(q) / onp.array([1.0, q[0]]),
            "column 1 (the derivatives with respect to input 1, counting from 0) is missing a "
            "factor r; "
            "the other columns are right",
        ),
        (
            "t-ex-polar",
            lambda q: polar_jacobian(q) * onp.array([1.0, q[0]]),
            "column 1 (the derivatives with respect to input 1, counting from 0) has an extra "
            "factor r; "
            "the other columns are right",
        ),
        (
            "t-ex-wide",
            lambda p: wide_jacobian(p) * onp.array([1.0, 1.0, 0.5]),
            "column 2 (the derivatives with respect to input 2, counting from 0) is 1/2 times "
            "the right "
            "one (a factor 2 from differentiating a square?); the other columns are right",
        ),
        (
            "t-ex-wide",
            lambda p: wide_jacobian(p) * onp.array([1.0, 3.7, 1.0]),
            "column 1 (the derivatives with respect to input 1, counting from 0) is off by a "
            "factor "
            "(the right one times a number); the other columns are right",
        ),
        (
            "t-ex-wide",
            lambda p: wide_jacobian(p) * onp.array([1.0, 3.0, 1.0]),  # 3 is not named
            "column 1 (the derivatives with respect to input 1, counting from 0) is off by a "
            "factor "
            "(the right one times a number); the other columns are right",
        ),
        (
            "t-ex-wide",
            lambda p: wide_jacobian(p) * onp.array([3.0, 1.0, 7.0]),
            "columns 0 and 2 (counting from 0) are each off by a factor; the other columns "
            "are right",
        ),
        (
            "t-ex-polar",
            lambda q: polar_jacobian(q) * onp.array([[1.0], [2.0]]),
            "row 1 (the derivatives of output 1, counting from 0) is 2 times the right one (a "
            "factor 2 "
            "from differentiating a square?); the other rows are right",
        ),
        # a single sign slip: which entry, never its value; a whole column or row of them
        (
            "t-ex-polar",
            lambda q: polar_jacobian(q) * onp.array([[1, 1], [-1, 1]]),
            "sign error in row 1, column 0 (counting from 0): that entry has the right size "
            "but the "
            "wrong sign; the other entries are right",
        ),
        (
            "t-ex-polar",
            lambda q: polar_jacobian(q) * onp.array([1, -1]),
            "sign error in column 1 (the derivatives with respect to input 1, counting from "
            "0): every "
            "entry of it has the wrong sign; the other columns are right",
        ),
        (
            "t-ex-wide",
            lambda p: wide_jacobian(p) * onp.array([[-1], [1]]),
            "sign error in row 0 (the derivatives of output 0, counting from 0): every entry "
            "of it has "
            "the wrong sign; the other rows are right",
        ),
        (
            "t-ex-wide",
            lambda p: wide_jacobian(p) * onp.array([[1, -1, 1], [-1, 1, 1]]),
            "sign error in (row 0, column 1) and (row 1, column 0) (counting from 0): these "
            "entries have "
            "the right size but the wrong sign; the other entries are right",
        ),
    ],
)
def test_hints_name_the_column_row_or_entry_and_say_the_others_are_right(label, wrong, hint):
    assert hint_of(check_jacobian(label, wrong)) == hint


def test_a_sign_slip_at_some_points_only_says_so():
    hint = hint_of(check_function("t-ex-func", lambda t: [abs(t), t * t, t**3]))
    assert hint == (
        "sign error in entry 0 (counting from 0) at some of the 3 points checked: "
        "that entry has the right size but the wrong sign; the other entries are right"
    )
    hint = hint_of(check_function("t-ex-scalar-func", lambda t: -t * t if t > 1 else t * t))
    assert hint == (
        "sign error at some points: your answer has the right size but the wrong sign "
        "at 1 of the 2 points checked, e.g. at the point 2"
    )


def test_a_named_factor_in_one_entry_is_named(monkeypatch):
    hint = hint_of(
        check_jacobian("t-ex-polar", lambda q: polar_jacobian(q) * onp.array([[1, 1], [1, q[0]]]))
    )
    assert hint == (
        "row 1, column 1 (counting from 0) is wrong: it has an extra factor r; the other "
        "entries are right"
    )


def test_the_new_hints_print_no_expected_number():
    cases = [
        ("t-ex-wide", lambda p: wide_jacobian(p) * onp.array([1.0, 3.7, 1.0])),
        ("t-ex-wide", lambda p: wide_jacobian(p) * onp.array([[1, -1, 1], [-1, 1, 1]])),
        ("t-ex-polar", lambda q: polar_jacobian(q) * onp.array([[1, 1], [1, 0]])),
        ("t-ex-polar", lambda q: polar_jacobian(q) * onp.array([[1, onp.inf], [1, 1]])),
        ("sg-ex-log-softmax", naive_log_softmax_jacobian),
    ]
    for label, wrong in cases:
        hint = hint_of(check_jacobian(label, wrong))
        ref = exercises.reference(label)
        expected = onp.concatenate([onp.ravel(ref.expected(p)) for p in ref.points])
        inputs = onp.concatenate([onp.ravel(p) for p in ref.points])
        for number in (float(x) for x in re.findall(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?", hint)):
            if (
                number in inputs
                or number in (0, 1, 2, 709)
                or number == int(number)
                and number < 10
            ):
                continue  # a coordinate, an index, a count or exp's limit
            assert not onp.any(onp.isclose(expected, number, rtol=1e-3, atol=0)), (hint, number)


# --------------------------------------------------------------------------- malformed references


@pytest.mark.parametrize(
    "make",
    [
        lambda pts, **kw: JacobianReference(polar, pts, **kw),
        lambda pts, **kw: GradientReference(f, pts, **kw),
        lambda pts, **kw: FunctionReference(lambda p: p, pts, **kw),
    ],
    ids=["JacobianReference", "GradientReference", "FunctionReference"],
)
@pytest.mark.parametrize(
    "points, error, words",
    [
        (
            [[1.0, 2.0], [3.0]],
            ValueError,
            "must hold vectors of one length, got lengths 2, 1 (a ragged list)",
        ),
        ([[1.0, 2.0], [3.0, 4.0, 5.0]], ValueError, "pass mixed_sizes=True"),
        ([[1.0, [2.0, 3.0]]], ValueError, "got the ragged [1.0, [2.0, 3.0]]"),
        ([1.0, [2.0, 3.0]], ValueError, "numbers only or vectors only"),
        ([[[1.0, 2.0], [3.0, 4.0]]], ValueError, "got a 2-D array of shape (2, 2)"),
        ([[]], ValueError, "got an empty vector"),
        ([[1.0, onp.inf]], ValueError, "must hold finite numbers"),
        ([], ValueError, "must be a non-empty list"),
        ("12", ValueError, "must be a non-empty list"),
        (None, ValueError, "must be a non-empty list"),
        ([["1", "2"]], TypeError, "must hold real numbers"),
        (["1.5"], TypeError, "must hold numbers"),
        ([[True, 2.0]], TypeError, "must hold real numbers"),
        ([True], TypeError, "must hold numbers"),
        ([None], TypeError, "must hold numbers"),
        ([[1 + 2j, 1.0]], TypeError, "must hold real numbers"),
    ],
)
def test_malformed_reference_points_are_refused_naming_the_class_and_argument(
    make, points, error, words
):
    with pytest.raises(error) as info:
        make(points)
    message = str(info.value)
    assert re.match(r"^(Jacobian|Gradient|Function)Reference: argument 'points' ", message), message
    assert words in message


@pytest.mark.parametrize(
    "cls, args",
    [
        (JacobianReference, (polar,)),
        (GradientReference, (f,)),
        (FunctionReference, (lambda p: p,)),
    ],
)
def test_the_error_names_the_class_it_came_from(cls, args):
    with pytest.raises(
        ValueError, match=rf"^{cls.__name__}: argument 'points' must hold vectors of one length"
    ):
        cls(*args, [[1.0, 2.0], [3.0]])
    with pytest.raises(
        TypeError, match=rf"^{cls.__name__}: argument 'mixed_sizes' must be True or False"
    ):
        cls(*args, [[1.0, 2.0]], mixed_sizes="yes")


def test_points_of_different_lengths_are_accepted_when_the_reference_says_so():
    ref = JacobianReference(lambda z: np.tanh(z), [[1.0, 2.0], [0.5, 0.1, -3.0]], mixed_sizes=True)
    assert [p.shape for p in ref.points] == [(2,), (3,)]
    assert ref.expected(ref.points[1]).shape == (3, 3)


def test_a_2d_array_of_points_is_one_point_per_row_and_fractions_are_numbers():
    ref = JacobianReference(polar, onp.array([[2.0, 0.5], [0.5, 2.0]]))
    assert [p.tolist() for p in ref.points] == [[2.0, 0.5], [0.5, 2.0]]
    assert FunctionReference(lambda t: t, [Fraction(1, 2), onp.float32(0.25), 3]).points == [
        0.5,
        0.25,
        3.0,
    ]


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: ValueReference("1.5"), TypeError, "argument 'value' must be a number"),
        (lambda: ValueReference(True), TypeError, "argument 'value' must be a number"),
        (lambda: ValueReference(None), TypeError, "argument 'value' must be a number"),
        (lambda: ValueReference(1 + 2j), TypeError, "array of real numbers"),
        (lambda: ValueReference([1.0, "2"]), TypeError, "array of real numbers"),
        (lambda: ValueReference([[1.0, 2.0], [3.0]]), ValueError, "got the ragged"),
        (lambda: ValueReference([1.0, True]), TypeError, "array of real numbers"),
        (lambda: ValueReference([]), ValueError, "must not be empty"),
        (lambda: ValueReference([1.0, onp.nan]), ValueError, "must be finite"),
        (
            lambda: ValueReference(1.0, factors={"pi": True}),
            TypeError,
            "argument 'factors' must map names to numbers",
        ),
        (lambda: ValueReference(1.0, factors={"pi": onp.inf}), ValueError, "finite numbers"),
        (lambda: ValueReference(1.0, factors={"": 2.0}), TypeError, "names (non-empty strings)"),
        (
            lambda: JacobianReference(polar, [[1.0, 2.0]], factors={"": lambda q: 1.0}),
            TypeError,
            "non-empty strings",
        ),
    ],
)
def test_malformed_values_and_factors_are_refused(call, error, words):
    with pytest.raises(error) as info:
        call()
    assert words in str(info.value)
    assert re.match(r"^\w+Reference: argument '(value|factors)' ", str(info.value))


def test_every_reference_of_the_course_is_finite_at_its_points():
    for label in exercises.exercise_labels():
        ref = exercises.reference(label)
        values = [onp.asarray(ref.expected(p), dtype=float) for p in ref.points]
        assert all(onp.all(onp.isfinite(v)) for v in values), label


def test_a_reference_that_is_not_finite_is_reported_as_a_bug_of_the_course(monkeypatch):
    monkeypatch.setitem(
        exercises._REGISTRY, "t-ex-broken", FunctionReference(lambda t: onp.inf * t, [0.5])
    )
    with pytest.raises(
        RuntimeError,
        match=r"^check_function: the reference answer of this exercise is "
        r"not finite at the point 0.5: a bug in the course",
    ):
        check_function("t-ex-broken", lambda t: t)
