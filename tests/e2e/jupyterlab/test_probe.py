"""The suite's own checks, proven able to fail: a probe chapter with one known fault per
check, read in the Binder JupyterLab exactly as the chapters are.

The probe is committed in the temporary clone only (never in the repository) and the clone
is put back where it was afterwards. Each check must report the probe's fault and only it;
the probe's sound parts (a hidden check cell, a solution in a closed dropdown, a correct
``{eval}``, a resolved equation reference, a citation of a key of ``references.bib``) must
pass.
"""

from __future__ import annotations

import subprocess

import pytest

from .conftest import bib_keys, book_labels, read_chapter, skip_without_chromium

skip_without_chromium()

PROBE = "book/zz-jupyterlab-probe"
PROBE_SOURCE = """---
jupytext:
  notebook_metadata_filter: -jupytext.text_representation.jupytext_version
  text_representation:
    extension: .md
    format_name: myst
    format_version: 0.13
kernelspec:
  display_name: Python 3 (ipykernel)
  language: python
  name: python3
---

(zz-probe)=
# A probe

Sound: math $x^2$, an equation {eq}`zz-eq`, a citation {cite:p}`CITEKEY`.
Faulty: a role the client does not know {py:func}`~jaccourse.derivatives.jacobian` and a
reference to a missing label {ref}`zz-missing-label`.

$$
e^{i\\pi} + 1 = 0
$$ (zz-eq)

```{code-cell} ipython3
import sys

x = 3.14159
print("a warning", file=sys.stderr)
```

Sound: {eval}`round(x, 3)`. Faulty: {eval}`undefined_name + 1`.

```{code-cell} ipython3
---
jupyter:
  source_hidden: true
tags: [remove-cell]
---
assert x > 3
```

```{exercise} Four
:label: zz-ex

Compute $2 + 2$.
```

````{solution} zz-ex
:class: dropdown

The answer is $4$.
````

```{code-cell} ipython3
:tags: [hide-input]

answer = 4  # a figure-like cell without source_hidden: its source shows
```
"""

#: check -> a piece of the problem the probe's fault must cause (None: no problem)
EXPECTED = {
    "opens": None,
    "offline": None,
    "hidden-before": "answer = 4",
    "run-all": "stderr",
    "hidden-after": "answer = 4",
    "raw-myst": "~jaccourse.derivatives.jacobian",
    "numbers": "undefined_name",
    "saved-clean": "user_expressions",
}


@pytest.fixture(scope="module")
def probe_reading(binder_tab, lab_clone):
    keys = bib_keys(lab_clone)
    assert keys, "references.bib has no keys"
    key = sorted(keys)[0]
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=lab_clone, capture_output=True, text=True, check=True
    ).stdout.strip()
    path = lab_clone / f"{PROBE}.md"
    path.write_text(PROBE_SOURCE.replace("CITEKEY", key), encoding="utf-8")
    git = ["git", "-c", "user.name=probe", "-c", "user.email=probe@localhost"]
    subprocess.run([*git, "add", str(path)], cwd=lab_clone, check=True)
    subprocess.run([*git, "commit", "--quiet", "-m", "probe"], cwd=lab_clone, check=True)
    try:
        reading = read_chapter(binder_tab, lab_clone, PROBE, book_labels(lab_clone), keys)
        print(f"\n{PROBE}: {reading.timings}")
        yield reading
    finally:  # the clone as it was: the probe was never there
        subprocess.run(["git", "reset", "--quiet", "--hard", head], cwd=lab_clone, check=True)


@pytest.mark.parametrize("check", list(EXPECTED))
def test_each_check_reports_the_probes_fault_and_only_it(check, probe_reading):
    problems = probe_reading.problems.get(check, [])
    expected = EXPECTED[check]
    if expected is None:
        assert not problems, probe_reading.report(check)
    else:
        assert problems, f"the {check!r} check missed the probe's fault ({expected!r})"
        assert all(expected in p or "zz-missing-label" in p for p in problems), (
            probe_reading.report(check)
        )


def _findings(reading, check: str) -> str:
    """The problems of a check without the excerpts of rendered text they quote."""
    return "\n".join(p.split(" | rendered:")[0] for p in reading.problems.get(check, []))


def test_the_probes_sound_parts_pass(probe_reading):
    raw = _findings(probe_reading, "raw-myst")
    assert "zz-eq" not in raw and "citation" not in raw, raw  # resolved; a known key
    assert "zz-missing-label" in raw  # the one missing reference, reported
    numbers = _findings(probe_reading, "numbers")
    assert "{eval}`round(x, 3)` ->" not in numbers, numbers  # (a problem names its expression)
    hidden = _findings(probe_reading, "hidden-before") + _findings(probe_reading, "hidden-after")
    assert "assert x > 3" not in hidden and "The answer is" not in hidden, hidden


def test_the_site_suites_browser_and_this_suites_can_be_open_in_one_process(browser, lab_browser):
    """Under pytest-xdist one worker may read the site (whose Chromium stays open for the
    session) and then this package. Playwright's sync API takes one driver per process, so a
    second ``sync_playwright()`` here failed at setup ("Sync API inside the asyncio loop"): the
    two suites now share the one browser, and a page opens in it with the site's still open."""
    site_context = browser.new_context()
    lab_context = lab_browser.new_context()
    try:
        page = lab_context.new_page()
        page.set_content("<p id='x'>open</p>")
        assert page.inner_text("#x") == "open"
    finally:
        lab_context.close()
        site_context.close()
