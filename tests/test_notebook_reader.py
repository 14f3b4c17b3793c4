"""The chapters' sources serve the notebook reader as well as the site (issue 10).

The same MyST file is the site's page and, opened in JupyterLab with jupytext and
jupyterlab-myst, the reader's notebook. These tests check the source-level conventions that
make the notebook read like the page; ``tests/e2e/jupyterlab/`` checks the result in a real
JupyterLab.

- **No rewrites.** Each chapter is stored exactly as jupytext writes it, and its header keeps
  no jupytext version, so opening and saving a chapter leaves it unchanged.
- **Numbers.** Prose quotes a computed number as ``{eval}`glued("key", "spec")```, which the
  site (myst-nb, inline execution) and JupyterLab (jupyterlab-myst) both evaluate after the
  cells above: so every key is glued by a code cell above the paragraph.
- **Hidden cells.** The checks, the figure code hidden on the site and every code cell of a
  solution carry ``jupyter.source_hidden``, and no other cell does; a hidden cell's first line
  (all that JupyterLab shows of it) gives nothing away. A solution's markdown is not hidden
  that way (Run All would show it again, and saving would then rewrite the file): it starts
  with the gated ``solution-start`` of class ``dropdown``, which jupyterlab-myst renders as a
  closed dropdown, and its text after a code cell sits in a closed dropdown admonition.
- **Markup both renderers know.** No Sphinx-only role that jupyterlab-myst would show raw: no
  ``{py:...}`` (the ``{api}`` role instead), no cross-reference to another page without a
  readable title, no ``{numref}`` in prose, no gated exercise.
"""

from __future__ import annotations

import re
from pathlib import Path

import jupytext
import pytest
import yaml

from jaccourse.book.toc import notebook_pages

ROOT = Path(__file__).resolve().parents[1]

CHAPTERS = notebook_pages(ROOT)
IDS = [p.stem for p in CHAPTERS]
HIDING_TAGS = {"remove-cell", "hide-input", "remove-input", "hide-cell"}
EVAL = re.compile(r"\{eval\}`([^`]*)`")
GLUED = re.compile(r'^glued\("(?P<key>[\w.+-]+)"(?:, "(?P<spec>[^"\\]*)")?\)$')
GLUE_CALL = re.compile(r'glue\(\s*(?P<f>f?)(?P<q>["\'])(?P<key>.+?)(?P=q)')


def _read(path):
    return jupytext.read(path)


def _labels_by_page() -> dict[str, str]:
    """Every label of the book: section labels, statement labels, equations, figures."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "book").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(
            r"^\(([\w-]+)\)=|^:label: *([\w-]+)|\$\$ *\(([\w-]+)\) *$"
            r"|^ *name: *([\w-]+)|^:name: *([\w-]+)",
            text,
            re.M,
        ):
            found.setdefault(next(g for g in m.groups() if g), path.stem)
    return found


LABELS = _labels_by_page()


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_chapter_is_stored_as_jupytext_writes_it(path):
    text = path.read_text(encoding="utf-8")
    assert jupytext.writes(jupytext.reads(text, fmt="md:myst"), fmt="md:myst") == text, (
        f"{path.name} is not in jupytext's own form: opening and saving it in JupyterLab would "
        f"rewrite it (run it through jupytext.read/jupytext.writes)"
    )


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_header_does_not_churn_with_the_jupytext_version_or_evaluated_numbers(path):
    header = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
    assert "jupytext_version" not in header["jupytext"]["text_representation"]
    assert (
        "-jupytext.text_representation.jupytext_version"
        in header["jupytext"]["notebook_metadata_filter"]
    )
    # jupyterlab-myst stores the evaluated {eval} expressions in the cells: not in the file
    assert "-user_expressions" in header["jupytext"]["cell_metadata_filter"]


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_every_quoted_number_is_glued_by_a_cell_above_it(path):
    nb = _read(path)
    glued_above: list[re.Pattern] = []
    n_evals = 0
    for cell in nb.cells:
        if cell.cell_type == "code":
            for m in GLUE_CALL.finditer(cell.source):
                key = m["key"]
                pattern = (
                    re.escape(key) if not m["f"] else re.sub(r"\\\{[^}]*\\\}", ".+", re.escape(key))
                )
                glued_above.append(re.compile(pattern + "$"))
            continue
        for expression in EVAL.findall(cell.source):
            n_evals += 1
            m = GLUED.match(expression)
            assert m, f'{path.name}: {{eval}}`{expression}` is not glued("key"[, "spec"])'
            assert any(p.match(m["key"]) for p in glued_above), (
                f"{path.name}: {m['key']!r} is quoted before any cell glues it; the notebook "
                f"and the site evaluate it after the cells above only"
            )
    assert "{glue:" not in path.read_text(encoding="utf-8"), f"{path.name}: a {{glue:...}} role"
    if "glue(" in path.read_text(encoding="utf-8"):
        assert n_evals > 0


def test_the_site_accepts_every_quoted_number():
    """myst-nb evaluates only expressions matching nb_eval_name_regex."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    allowed = re.compile(config["sphinx"]["config"]["nb_eval_name_regex"])
    expressions = {e for p in CHAPTERS for e in EVAL.findall(p.read_text(encoding="utf-8"))}
    assert expressions and all(allowed.match(e) for e in expressions)


def _solution_ranges(nb) -> set[int]:
    inside, ranges = False, set()
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown" and "{solution-start}" in cell.source:
            inside = True
        if inside:
            ranges.add(i)
        if cell.cell_type == "markdown" and "{solution-end}" in cell.source:
            inside = False
    return ranges


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_checks_figure_code_and_solutions_are_hidden_and_nothing_else(path):
    nb = _read(path)
    solution = _solution_ranges(nb)
    for i, cell in enumerate(nb.cells):
        hidden = bool(cell.metadata.get("jupyter", {}).get("source_hidden"))
        tags = set(cell.metadata.get("tags", []))
        should = cell.cell_type == "code" and (i in solution or bool(tags & HIDING_TAGS))
        first = cell.source.lstrip("\n").split("\n", 1)[0]
        assert hidden == should, f"{path.name}, cell {i} ({first[:60]!r}): hidden={hidden}"


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_a_hidden_cell_shows_nothing_of_a_check_or_an_answer(path):
    """JupyterLab shows the first line of a hidden cell: a comment, or a line before the answer."""
    nb = _read(path)
    solution = _solution_ranges(nb)
    for i, cell in enumerate(nb.cells):
        if not cell.metadata.get("jupyter", {}).get("source_hidden"):
            continue
        first = cell.source.lstrip("\n").split("\n", 1)[0]
        if "remove-cell" in cell.metadata.get("tags", []) or (
            i in solution and "# BEGIN SOLUTION" not in cell.source
        ):
            assert first.startswith("#"), f"{path.name}, cell {i}: {first!r} is not a comment"
        elif "# BEGIN SOLUTION" in cell.source:
            before = cell.source.split("# BEGIN SOLUTION")[0]
            assert first.strip() == "# BEGIN SOLUTION" or first in before, (
                f"{path.name}, cell {i}: its first line {first!r} is part of the answer"
            )


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_solution_text_after_code_is_in_a_closed_dropdown_for_jupyterlab(path):
    """Run All shows every markdown cell again; a closed admonition keeps the text closed."""
    nb = _read(path)
    solution = sorted(_solution_ranges(nb))
    seen_code = False
    for i in solution:
        cell = nb.cells[i]
        if cell.cell_type == "markdown" and "{solution-start}" in cell.source:
            seen_code = False
        elif cell.cell_type == "code":
            seen_code = True
        elif seen_code and "{solution-end}" not in cell.source:
            assert (
                ":::{admonition} Solution, continued\n:class: dropdown solution-continued"
                in cell.source
            ), f"{path.name}, cell {i}: solution text after code, not wrapped"


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_prose_uses_only_markup_jupyterlab_renders(path):
    nb = _read(path)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        src = cell.source
        where = f"{path.name}, cell {i}"
        assert not re.search(r"\{py:\w+\}`", src), f"{where}: a {{py:...}} role (use {{api}})"
        assert "{numref}`" not in src, f"{where}: {{numref}} (shows its label in JupyterLab)"
        assert "{exercise-start}" not in src, f"{where}: a gated exercise"
        spanning = re.search(r"(?<!`)\{[a-z:]+\}`[^`]*\n[^`]*`", src)
        assert not spanning, (
            f"{where}: {spanning and spanning.group(0)!r}: jupyterlab-myst "
            "reads no role across a line break"
        )
        for m in re.finditer(r"\{(doc|ref|prf:ref|eq)\}`([^`]*)`", src):
            role, body = m.groups()
            explicit = re.search(r"<[^<>]+>$", body)
            target = body if not explicit else explicit.group(0)[1:-1]
            if role == "doc":
                assert explicit, (
                    f"{where}: {m.group(0)} has no title (JupyterLab shows the file name)"
                )
            elif LABELS.get(target.strip()) not in (None, path.stem):
                assert explicit and role != "eq", (
                    f"{where}: {m.group(0)} points to another page without a readable title"
                )


def _kernel_stderr(policy: str, tmp_path) -> str:
    from jupyter_client.manager import KernelManager

    km = KernelManager(kernel_name="python3", transport_encryption=policy)
    err = tmp_path / f"kernel-{policy}.txt"
    with err.open("w") as stream:
        km.start_kernel(stderr=stream)
        try:
            kc = km.client()
            kc.start_channels()
            kc.wait_for_ready(timeout=60)
            assert kc.execute_interactive("6 * 7", timeout=60)["content"]["status"] == "ok"
            kc.stop_channels()
        finally:
            km.shutdown_kernel(now=True)
    return err.read_text()


def test_kernels_of_the_build_and_the_tests_are_encrypted_and_do_not_warn(tmp_path):
    """The build (book/_ext/notebook_reader.py) and nbval (conftest.py) call
    ``encrypt_kernel_transport``: a kernel then starts with CurveZMQ keys, and ipykernel's
    "running over TCP without encryption" line, which it prints without them, is gone."""
    from jupyter_client.manager import KernelManager

    from jaccourse.book._inline_values import encrypt_kernel_transport

    warning = "Kernel is running over TCP without encryption"
    assert warning in _kernel_stderr("disabled", tmp_path)  # what the build log showed
    assert encrypt_kernel_transport()
    km = KernelManager(kernel_name="python3")
    assert km.transport_encryption == "auto"
    assert warning not in _kernel_stderr("auto", tmp_path)
