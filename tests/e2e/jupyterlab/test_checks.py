"""The source-side helpers and text detectors of the JupyterLab suite, on small inputs: each
detector finds what it is for and leaves plain prose alone (no browser needed)."""

from __future__ import annotations

import nbformat
import pytest

from .conftest import EVAL_ROLE, _run, must_be_hidden, prose_of, raw_myst, word_count


@pytest.mark.parametrize(
    "text, kind",
    [
        ("see {ref}`the figure <fig-x>` here", "role or directive name"),
        ("the {eq} number", "role or directive name"),
        ("Definition\n:label: def-x\ntext", "directive option line"),
        ("(jd-polar)=\nPolar coordinates", "label line (x)="),
        ("```{prf:theorem}\nbody", "code fence"),
        ("Start of Exercise 2 Write code", "gated Start of/End of marker"),
        ("End of Solution", "gated Start of/End of marker"),
        ("calls ~jaccourse.derivatives.jacobian here", "role text ~module.name"),
        ("the Gaussian integral <gaussian-integral>", "target leftover <x>"),
        ("weird-directive - Unknown Directive", "unknown directive or role"),
        ("$$ x^2 $$", "raw display math $$"),
    ],
)
def test_raw_myst_finds_each_kind(text, kind):
    found = raw_myst(text)
    assert any(f.startswith(kind + ":") for f in found), (text, found)


@pytest.mark.parametrize(
    "text",
    [
        "The two forms agree to within 4e-16, and the seed's (31) is the negative: -0.328125.",
        "Jacobians (matrices of partial derivatives) come first; a < b and b > c.",
        "At the end of the chapter we start over: the end of a map, the start of another.",
        "Start of Solution to Exercise 2",  # the title of a closed solution dropdown
    ],
)
def test_raw_myst_leaves_prose_alone(text):
    assert raw_myst(text) == []


def _nb(*cells):
    nb = nbformat.v4.new_notebook()
    for kind, source, meta in cells:
        make = nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell
        nb.cells.append(make(source, metadata=meta))
    return nb


def test_must_be_hidden_takes_solutions_fence_to_fence_and_tagged_cells():
    nb = _nb(
        ("markdown", "Exercise text", {}),
        ("markdown", "```{solution-start} ex-1\n:class: dropdown\n```\nThe answer", {}),
        ("code", "answer = 4", {}),
        ("markdown", "```{solution-end}\n```", {}),
        ("code", "assert answer == 4", {"tags": ["remove-cell"]}),
        ("code", "plot()", {"tags": ["hide-input"]}),
        ("code", "x = 1", {"tags": ["thebe-init"]}),
        ("markdown", "After", {}),
    )
    assert must_be_hidden(nb) == {
        1: "solution",
        2: "solution",
        3: "solution",
        4: "tag remove-cell",
        5: "tag hide-input",
    }


def test_prose_of_drops_markup_and_keeps_words():
    source = (
        "(sigmoid)=\n# The sigmoid\n\nThe sigmoid {ref}`squashes <sigmoid-fig>` "
        "$\\sigma(x)$ and `sigmoid(x)`.\n:label: sig-def\n"
    )
    prose = prose_of(source)
    assert word_count("sigmoid", prose) == 2  # the heading and the sentence
    assert word_count("sigmoid-fig", prose) == 0
    assert word_count("sig-def", prose) == 0


def test_eval_role_finds_every_inline_expression():
    text = 'is {eval}`glued("a", ".3f")` and {eval}`1+1`, not `{eval}`'
    assert EVAL_ROLE.findall(text) == ['glued("a", ".3f")', "1+1"]


def test_prose_of_keeps_a_roles_explicit_text():
    prose = prose_of("see the {doc}`glossary <notation>` and {ref}`glossary`")
    assert word_count("glossary", prose) == 1


def test_prose_of_reads_past_directive_fences():
    source = (
        "```{prf:remark} Orientation\n:label: jd-rem\nText.\n```\n\n"
        "The one-variable story is in {doc}`the one-variable chapter <one-variable>`."
    )
    assert word_count("one-variable", prose_of(source)) == 2
    assert word_count("jd-rem", prose_of(source)) == 0


def test_prose_of_keeps_the_content_of_roles_shown_as_they_are():
    prose = prose_of("the package's {api}`newton` and {ref}`newton`")
    assert word_count("newton", prose) == 1


def test_prose_counts_the_words_maths_shows():
    """A label that is also a word may show as often as the prose, maths' \\text included."""
    source = "The sigmoid, $$\\sigma(z) \\qquad\\text{for the sigmoid}$$ and more."
    assert word_count("sigmoid", prose_of(source)) == 2


def test_a_failed_command_is_tried_again_and_fails_the_test_when_it_keeps_failing(tmp_path):
    """The Binder environment's install gets a second attempt; the log keeps both."""
    marker, log = tmp_path / "tried", tmp_path / "log"
    flaky = ["bash", "-c", f"if [ -e {marker} ]; then echo ok; else touch {marker}; exit 3; fi"]
    _run(flaky, cwd=tmp_path, log=log, attempts=2, pause_s=0)
    text = log.read_text(encoding="utf-8")
    assert "attempt 1" in text and "attempt 2" in text and text.rstrip().endswith("ok")
    with pytest.raises(pytest.fail.Exception, match="exit 3"):
        _run(["bash", "-c", "exit 3"], cwd=tmp_path, log=log, attempts=2, pause_s=0)
    with pytest.raises(pytest.fail.Exception, match="exit 3"):
        _run(["bash", "-c", "exit 3"], cwd=tmp_path, log=tmp_path / "once")
    assert "attempt 2" not in (tmp_path / "once").read_text(encoding="utf-8")
