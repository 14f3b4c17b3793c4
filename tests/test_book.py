"""The shape of the book and of the repository: every chapter is built AND executed.

These tests keep the house rules honest: the table of contents and the chapter files agree,
every chapter with code is a notebook that the test run executes (see ``conftest.py``),
every such chapter checks its claims, and the README's two commands are the ones CI runs.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import jupytext
import pytest
import yaml

from jaccourse.book.toc import is_notebook, toc_entries, toc_pages

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = toc_pages(ROOT)
LANDING_PAGES = {entry.page for entry in toc_entries(ROOT) if entry.sections}


def test_toc_names_existing_files_and_every_chapter_file_is_in_the_toc():
    missing = [p for p in CHAPTERS if not p.exists()]
    assert not missing, f"_toc.yml names files that do not exist: {missing}"
    on_disk = {p.resolve() for p in (ROOT / "book").glob("*.md")}
    unlisted = sorted(on_disk - {p.resolve() for p in CHAPTERS})
    assert not unlisted, f"chapter files not in _toc.yml (never built or tested): {unlisted}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_chapter_with_code_is_executed_by_the_tests(path: Path):
    """A page with code cells must be a notebook (kernelspec), which conftest collects."""
    text = path.read_text(encoding="utf-8")
    has_code = "```{code-cell}" in text
    if has_code:
        assert is_notebook(path), f"{path.name} has code cells but no kernelspec front matter"
    else:
        assert (
            path.stem in {"references", "notation", "api", "instructors"}
            or path.parent.name == "api"
            or path in LANDING_PAGES
        ), (
            f"{path.name} has no code: only the back matter (bibliography, notation, the API "
            f"reference and its module pages, instructors) and the landing page of a chapter "
            f"whose sections are pages (the open problems) may be a plain page"
        )


@pytest.mark.parametrize("path", [p for p in CHAPTERS if is_notebook(p)], ids=lambda p: p.stem)
def test_every_notebook_chapter_asserts_its_claims(path: Path):
    nb = jupytext.read(path)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert re.search(r"^\s*assert ", code, re.M), f"{path.name} asserts nothing"
    prose = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    # keys glued in a loop with an f-string, glue(f"as-gain-{act}-measured", ...), become
    # patterns: each {...} field matches one or more characters of a key
    templates = [
        re.compile(
            "".join(
                ".+?" if part.startswith("{") else re.escape(part)
                for part in re.split(r"(\{[^{}]*\})", t)
            )
            + "$"
        )
        for t in re.findall(r"glue\(\s*f[\"']([^\"']+)[\"']", code)
    ]
    for key in re.findall(r"\{glue:(?:text|md|)\}`([^`:]+)", prose):
        assert re.search(rf"glue\(\s*[\"']{re.escape(key)}[\"']", code) or any(
            t.match(key) for t in templates
        ), f"{path.name}: prose uses glue key {key!r} that no code cell glues"


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```(?:bash|sh|console)\n(.*?)```", text, re.S)
    assert block, "README.md has no shell block with the two commands"
    return [
        line for line in block.group(1).splitlines() if line.strip() and not line.startswith("#")
    ]


def test_readme_shows_exactly_two_commands_and_ci_runs_them():
    commands = readme_commands()
    assert len(commands) == 2, f"README.md must show exactly two commands, found {commands}"
    build, test = commands
    assert "jupyter-book build" in build and "-W" in build and "-n" in build
    assert "pytest" in test
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for command in commands:
        assert command in ci, f".ci/run does not run the README command: {command}"


def test_requirements_install_the_package_and_the_toolchain():
    req = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    lines = {line.split("#")[0].strip() for line in req.splitlines()}
    assert "-e ." in lines
    for name in (
        "jupyter-book>=1",
        "jupytext",
        "numpy",
        "matplotlib",
        "autograd",
        "nbval",
        "pytest",
        "sphinx-proof",
        "sphinx-exercise",
        "sphinxcontrib-bibtex",
    ):
        assert any(line.startswith(name) for line in lines), f"requirements.txt lacks {name}"
    assert any(line.startswith("jupyter-book>=1") and "<2" in line for line in lines)


@pytest.mark.slow
def test_a_failing_cell_fails_the_build_with_the_books_execute_settings(tmp_path: Path):
    """What ``_config.yml``'s ``execute`` settings are for, shown by a build: with them, a cell
    that raises fails ``jupyter-book build`` even without ``-W`` (``raise_on_error``), and the
    error is reported (executed, not taken from a cache). One page, about half a minute."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    mini = {"title": "one page", "execute": config["execute"], "only_build_toc_files": True}
    (tmp_path / "_config.yml").write_text(yaml.safe_dump(mini), encoding="utf-8")
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: page\n", encoding="utf-8")
    (tmp_path / "page.md").write_text(
        "---\njupytext:\n  text_representation:\n    extension: .md\n    format_name: myst\n"
        "kernelspec:\n  name: python3\n  display_name: Python 3\n  language: python\n---\n\n"
        "# One page\n\n```{code-cell} ipython3\nraise ValueError('a-claim-that-fails')\n```\n",
        encoding="utf-8",
    )
    build = Path(sys.executable).parent / "jupyter-book"
    done = subprocess.run(
        [str(build), "build", "--all", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    log = done.stdout + done.stderr
    assert done.returncode != 0, f"a failing cell did not fail the build:\n{log[-4000:]}"
    assert "a-claim-that-fails" in log, log[-4000:]


def test_the_environment_opens_chapters_as_notebooks():
    """What ``./jupyter-settings`` in requirements.txt is for: the environment holds the
    settings override that JupyterLab reads whatever ``$HOME`` is, and it opens Markdown (the
    chapters) with jupytext as notebooks. (On Binder: the browser suite, tests/e2e.)"""
    folder = Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.d"
    viewers = {}
    for file in sorted(folder.glob("*.json")):
        settings = json.loads(file.read_text(encoding="utf-8"))
        plugin = settings.get("@jupyterlab/docmanager-extension:plugin", {})
        viewers.update(plugin.get("defaultViewers", {}))
    assert viewers.get("markdown") == "Jupytext Notebook", (
        f"no JupyterLab override in {folder} opens Markdown as a notebook: {viewers}"
    )
