"""jaccourse.book.glue: glued values read as myst-nb's former ``{glue:text}`` role showed them."""

from __future__ import annotations

import numpy as onp
import pytest
from IPython.core.formatters import format_display_data
from myst_nb.core.variables import format_plain_text

from jaccourse.book.glue import GluedText, glue, glued


@pytest.mark.parametrize(
    "value, spec",
    [
        (2 / 3, ".3f"),
        (2 / 3, ""),
        (1e-9, ".1e"),
        (12345, ",d"),
        (0.25, ".0%"),
        (3, ".2f"),
        ("Gauss-Newton", ""),
        ("Newton's", ""),
        ("text", "s"),
        (True, ""),
        (7, ""),
        (0.1, ""),
        ([1, 2], ""),
    ],
)
def test_same_text_as_myst_nb_glue_text(value, spec):
    """The oracle is myst-nb's own formatting of the text/plain that IPython shows for the
    value (what a notebook stores for a glued value)."""
    glue("key", value, display=False)
    plain = format_display_data(value)[0]["text/plain"]
    assert str(glued("key", spec)) == format_plain_text(plain, spec)


def test_numpy_scalars_format_like_floats():
    glue("np", onp.float64(0.125), display=False)
    assert str(glued("np", ".2f")) == "0.12"


def test_glued_text_shows_without_quotes():
    glue("word", "Levenberg-Marquardt", display=False)
    text = glued("word")
    assert repr(text) == "Levenberg-Marquardt" and isinstance(text, GluedText)
    assert text == GluedText("Levenberg-Marquardt")


def test_the_last_glue_wins():
    glue("k", 1.0, display=False)
    glue("k", 2.0, display=False)
    assert str(glued("k", ".1f")) == "2.0"


def test_display_shows_the_value(capsys):
    glue("shown", 0.5, display=True)
    assert "0.5" in capsys.readouterr().out


def test_unknown_key_says_which_and_where():
    with pytest.raises(KeyError, match="nothing is glued under 'never-glued'.*a cell above"):
        glued("never-glued")


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: glue("", 1.0), TypeError, "glue: name must be a non-empty string"),
        (lambda: glue(3, 1.0), TypeError, "glue: name must be a non-empty string"),
        (lambda: glue("k", 1.0, display="no"), TypeError, "glue: display must be True or False"),
        (lambda: glued(""), TypeError, "glued: name must be a non-empty string"),
        (lambda: glued("k", 3), TypeError, "glued: spec must be a format specification"),
        (lambda: GluedText(3), TypeError, "GluedText: text must be a string"),
    ],
)
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_unformattable_value_names_key_and_spec():
    glue("label", "abc", display=False)
    with pytest.raises(
        ValueError, match="glued: cannot format the value glued under 'label'.*'.2f'"
    ):
        glued("label", ".2f")
