"""jaccourse.exercises: each check accepts the right answer, and each kind of wrong answer gets
its own hint, which never prints the expected numbers."""

from __future__ import annotations

import re
from fractions import Fraction

import autograd.numpy as anp
import numpy as np
import pytest

from jaccourse import exercises
from jaccourse.exercises import (FunctionReference, GradientReference, JacobianReference,
                                 ValueReference, Verdict, check_function, check_gradient,
                                 check_jacobian, check_value)


def polar(q):
    return anp.stack([q[0] * anp.cos(q[1]), q[0] * anp.sin(q[1])])


def polar_jacobian(q):
    r, t = q
    return np.array([[np.cos(t), -r * np.sin(t)], [np.sin(t), r * np.cos(t)]])


def wide(p):                                   # R^3 -> R^2, a non-square Jacobian
    return anp.stack([p[0] * p[1] + p[2], anp.sin(p[0]) - p[2] ** 2])


def wide_jacobian(p):
    x, y, z = p
    return np.array([[y, x, 1.0], [np.cos(x), 0.0, -2 * z]])


def f(p):
    return p[0] ** 2 + 4 * p[1] ** 2 - 11 * p[0] + 8 * p[1] - 16


def grad_f(p):
    return np.array([2 * p[0] - 11, 8 * p[1] + 8])


REFS = {
    "t-ex-polar": JacobianReference(polar, [[2.0, 0.5], [0.5, 2.0], [1.5, -1.0]],
                                    factors={"r": lambda q: q[0]}),
    "t-ex-wide": JacobianReference(wide, [[0.3, -1.2, 0.7], [1.1, 0.4, -0.5]]),
    "t-ex-grad": GradientReference(f, [[0.0, 0.0], [1.0, 2.0], [3.0, -4.0]]),
    "t-ex-func": FunctionReference(lambda t: anp.array([t, t ** 2, t ** 3]), [0.5, 2.0, -1.5]),
    "t-ex-scalar-func": FunctionReference(lambda t: t * t, [0.5, 2.0]),
    "t-ex-value": ValueReference(Fraction(-201, 4), factors={"pi": np.pi}),
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

@pytest.mark.parametrize("label, answer, check", [
    ("t-ex-polar", polar_jacobian, check_jacobian),
    ("t-ex-polar", lambda q: polar_jacobian(q).tolist(), check_jacobian),   # lists are fine
    ("t-ex-wide", wide_jacobian, check_jacobian),
    ("t-ex-grad", grad_f, check_gradient),
    ("t-ex-func", lambda t: [t, t * t, t ** 3], check_function),
    ("t-ex-value", -50.25, check_value),
    ("t-ex-value", Fraction(-201, 4), check_value),
    ("t-ex-vector", np.array([1, 2, 3]), check_value),
])
def test_each_check_accepts_the_right_answer_and_prints_correct(label, answer, check, capsys):
    verdict = check(label, answer)
    assert verdict.correct and bool(verdict) and verdict.status == "correct"
    assert verdict.hint == ""
    assert capsys.readouterr().out == f"{label}: correct.\n"


# --------------------------------------------------------------------------- not answered

def raises_not_implemented(q):
    raise NotImplementedError


@pytest.mark.parametrize("label, answer, check", [
    ("t-ex-polar", None, check_jacobian),
    ("t-ex-polar", ..., check_jacobian),
    ("t-ex-polar", lambda q: None, check_jacobian),          # a stub body `...` returns None
    ("t-ex-polar", lambda q: ..., check_jacobian),
    ("t-ex-polar", raises_not_implemented, check_jacobian),
    ("t-ex-grad", lambda p: None, check_gradient),
    ("t-ex-func", lambda t: None, check_function),
    ("t-ex-value", ..., check_value),
    ("t-ex-value", None, check_value),
])
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
    ("t-ex-polar", lambda q: polar_jacobian(q) * np.array([[1, -1], [1, 1]]), "sign error in some entries"),
    ("t-ex-polar", lambda q: q[0] * polar_jacobian(q), "extra factor r"),
    ("t-ex-polar", lambda q: polar_jacobian(q) / q[0], "missing a factor r"),
    ("t-ex-polar", lambda q: 2 * polar_jacobian(q), "constant factor"),
    ("t-ex-polar", lambda q: swap_columns(polar_jacobian(q)), "columns in the wrong order"),
    ("t-ex-wide", lambda p: wide_jacobian(p)[::-1], "rows in the wrong order"),
    ("t-ex-polar", lambda q: np.linalg.inv(polar_jacobian(q)), "inverse"),
    ("t-ex-polar", lambda q: polar_jacobian([2.0, 0.5]), "right at some points"),
    ("t-ex-polar", lambda q: polar_jacobian(q) + 1e-5, "close, but not to the tolerance"),
    ("t-ex-polar", lambda q: polar_jacobian(q) * np.array([[1, 1], [1, 0]]), "entries are wrong"),
    ("t-ex-polar", lambda q: polar_jacobian(q) * np.nan, "NaN"),
    ("t-ex-wide", lambda p: np.diag([2.0, 3.0]) @ wide_jacobian(p), "each row is off by its own factor"),
    ("t-ex-wide", lambda p: wide_jacobian(p) @ np.diag([1.0, 2.0, 5.0]), "each column is off by its own factor"),
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
    for hint, words in zip(hints, kinds):
        others = [w for w in kinds if w != words and w not in words and words not in w]
        assert not any(w in hint for w in others), (hint, words)


@pytest.mark.parametrize("wrong, words", [
    (lambda p: -grad_f(p), "minus the gradient"),
    (lambda p: grad_f(p)[None, :], "flat vector"),
    (lambda p: grad_f(p)[:, None], "flat vector"),
    (lambda p: grad_f(p)[:1], "one entry per variable"),
    (lambda p: 0.5 * grad_f(p), "factor 2 from differentiating a square"),
    (lambda p: grad_f(p)[::-1], "components in the wrong order"),
    (lambda p: grad_f(p) + np.array([0.0, 1.0]), "entries are wrong"),
])
def test_check_gradient_names_each_kind_of_mistake(wrong, words):
    assert words in hint_of(check_gradient("t-ex-grad", wrong))


@pytest.mark.parametrize("answer, words", [
    (50.25, "sign error"),
    (-50.25 * np.pi, "extra factor pi"),
    (-50.25 / np.pi, "missing a factor pi"),
    (-100.5, "constant factor: your answer is 2 times"),
    (-50.25 / 3, "constant factor: your answer is 1/3 times"),
    (-4 / 201, "reciprocal"),
    (-50.25001, "close, but not to the tolerance"),
    (-50.0, "too large"),
    (-60.0, "too small"),
    ([-50.25, 1.0], "single number"),
    ("minus fifty", "must be a number"),
    (float("inf"), "NaN or infinity"),
])
def test_check_value_names_each_kind_of_mistake(answer, words):
    assert words in hint_of(check_value("t-ex-value", answer))


@pytest.mark.parametrize("answer, words", [
    ([3.0, 2.0, 1.0], "components in the wrong order"),
    ([1.0, 2.0], "wrong shape"),
    ([1.0, 2.0, 4.0], "1 of 3 entries are wrong, the first at entry 2"),
])
def test_check_value_on_arrays(answer, words):
    assert words in hint_of(check_value("t-ex-vector", answer))


def test_a_reference_can_name_the_likely_cause_of_a_near_miss(monkeypatch):
    monkeypatch.setitem(exercises._REGISTRY, "t-ex-kink", ValueReference(
        2.0, close_hint="did you split the integral at the kink?"))
    hint = hint_of(check_value("t-ex-kink", 2.00001))
    assert hint == "close, but not to the tolerance: did you split the integral at the kink?"
    with pytest.raises(TypeError, match="ValueReference: argument 'close_hint'"):
        ValueReference(1.0, close_hint="")


def test_check_function_hints():
    assert "sign error" in hint_of(check_function("t-ex-func", lambda t: [-t, -t * t, -t ** 3]))
    assert "right at some points" in hint_of(
        check_function("t-ex-func", lambda t: [t, t * t, t ** 3 if t > 0 else 0.0]))
    assert "not the right value at 0.5 (yours is too small)" in hint_of(
        check_function("t-ex-scalar-func", lambda t: t * t - 1))
    assert "off by a constant factor: every entry is the right one times the same number" in \
        hint_of(check_function("t-ex-func", lambda t: np.array([t, t * t, t ** 3]) * 1.234))


@pytest.mark.parametrize("label, wrong, check", [
    *[(label, wrong, check_jacobian) for label, wrong, _ in WRONG_JACOBIANS],
    ("t-ex-value", -50.0, check_value), ("t-ex-value", 50.25, check_value),
    ("t-ex-grad", lambda p: grad_f(p) + 1.0, check_gradient),
])
def test_no_hint_prints_an_expected_number(label, wrong, check):
    hint = hint_of(check(label, wrong))
    ref = exercises.reference(label)
    expected = np.concatenate([np.ravel(ref.expected(p)) for p in ref.points])
    shown = [float(x) for x in re.findall(r"-?\d+\.\d+(?:e-?\d+)?", hint)]
    for number in shown:       # numbers in hints are points, factors or counts, never answers
        assert not np.any(np.isclose(expected, number, rtol=1e-3, atol=0)) or number in (0.5, 2.0, 1.5), (hint, number)


# --------------------------------------------------------------------------- bad input

def test_unknown_label_suggests_close_ones():
    with pytest.raises(ValueError, match=r"check_jacobian: argument 'label': no exercise is "
                                         r"labelled 't-ex-polr'; did you mean 't-ex-polar'"):
        check_jacobian("t-ex-polr", polar_jacobian)


def test_a_check_of_the_wrong_kind_is_a_type_error():
    with pytest.raises(TypeError, match="check_value: exercise 't-ex-polar' is checked with "
                                        "check_jacobian, not check_value"):
        check_value("t-ex-polar", 1.0)


@pytest.mark.parametrize("call, error, words", [
    (lambda: check_jacobian(3, polar_jacobian), TypeError, "argument 'label' must be an exercise label"),
    (lambda: check_jacobian("t-ex-polar", 3.0), TypeError, "argument 'student_fn' must be your function"),
    (lambda: JacobianReference(polar, []), ValueError, "argument 'points' must be a non-empty"),
    (lambda: JacobianReference(polar, [[np.nan, 1.0]]), ValueError, "finite"),
    (lambda: JacobianReference(None, [[1.0, 2.0]]), ValueError, "exactly one of 'f'"),
    (lambda: JacobianReference(polar, [[1.0, 2.0]], jacobian=polar_jacobian), ValueError, "exactly one"),
    (lambda: JacobianReference(polar, [[1.0, 2.0]], factors={"r": 2.0}), TypeError, "functions of the point"),
    (lambda: GradientReference(3, [[1.0]]), TypeError, "argument 'f' must be a callable"),
    (lambda: FunctionReference(None, [1.0]), TypeError, "argument 'function' must be a callable"),
    (lambda: ValueReference("x"), TypeError, "argument 'value' must be a number"),
    (lambda: ValueReference(np.inf), ValueError, "must be finite"),
    (lambda: ValueReference(1.0, rtol=-1), ValueError, "argument 'rtol'"),
    (lambda: Verdict("a", "maybe"), ValueError, "argument 'status'"),
])
def test_bad_input_gets_a_clear_error_naming_the_function(call, error, words):
    with pytest.raises(error) as info:
        call()
    assert words in str(info.value)
    assert re.match(r"^(check_\w+|\w+Reference|Verdict|reference): ", str(info.value))


def test_the_demo_references_accept_their_answers(capsys):
    assert check_jacobian("demo-ex-polar", polar_jacobian)
    assert check_gradient("demo-ex-gradient", grad_f)
    assert check_value("demo-ex-value", Fraction(-201, 4))
    assert check_function("demo-ex-logistic", lambda t: np.exp(-t) / (1 + np.exp(-t)) ** 2)
    assert exercises.exercise_labels() == sorted(exercises._REGISTRY)
