"""jaccourse.glue.glue sends exactly the display message myst-nb's glue sends."""

from __future__ import annotations

import numpy as onp
import pytest
from IPython.core.interactiveshell import InteractiveShell

import jaccourse.glue
import myst_nb.ext.glue


@pytest.fixture
def shell():
    """An IPython shell, so that values are formatted as in a notebook kernel."""
    return InteractiveShell.instance()


def _messages(module, attr, monkeypatch, *args, **kwargs):
    sent = []
    monkeypatch.setattr(module, attr, lambda *a, **k: sent.append((a, k)))
    return sent


@pytest.mark.parametrize("value", [0.5, 3, "text", onp.float64(2.0), [1, 2]])
@pytest.mark.parametrize("display", [True, False])
def test_same_message_as_myst_nb(shell, monkeypatch, value, display):
    ours = _messages(jaccourse.glue, "_display", monkeypatch)
    theirs = _messages(myst_nb.ext.glue, "ipy_display", monkeypatch)
    jaccourse.glue.glue("key", value, display=display)
    myst_nb.ext.glue.glue("key", value, display=display)
    assert ours == theirs and len(ours) == 1
    bundle = ours[0][0][0]
    assert any(k.endswith("text/plain") for k in bundle)
    assert ours[0][1]["metadata"]["scrapbook"]["name"] == "key"


def test_prefix_is_myst_nbs():
    assert jaccourse.glue.GLUE_PREFIX == myst_nb.ext.glue.GLUE_PREFIX


def test_importing_our_glue_does_not_import_nbformat():
    import subprocess
    import sys

    code = "import sys, jaccourse.glue; print('nbformat' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("name, display, match", [
    ("", True, "glue: name must be a non-empty string"),
    (3, True, "glue: name must be a non-empty string"),
    ("k", "no", "glue: display must be True or False"),
])
def test_bad_input(name, display, match):
    with pytest.raises(TypeError, match=match):
        jaccourse.glue.glue(name, 1.0, display=display)
