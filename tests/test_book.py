"""The shape of the book and of the repository: every chapter is built AND executed.

These tests keep the house rules honest: the table of contents and the chapter files agree,
every chapter with code is a notebook that the test run executes (see ``conftest.py``),
every such chapter checks its claims, and the README's two commands are the ones CI runs.
"""

from __future__ import annotations

import re
from pathlib import Path

import jupytext
import pytest

from conftest import ROOT, _is_notebook, toc_chapters

CHAPTERS = toc_chapters()


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
        assert _is_notebook(path), f"{path.name} has code cells but no kernelspec front matter"
    else:
        assert path.stem in {"references", "notation", "api", "instructors"} \
            or path.parent.name == "api", (
            f"{path.name} has no code: only the back matter (bibliography, notation, the API "
            f"reference and its module pages, instructors) may be a plain page"
        )


@pytest.mark.parametrize(
    "path", [p for p in CHAPTERS if _is_notebook(p)], ids=lambda p: p.stem
)
def test_every_notebook_chapter_asserts_its_claims(path: Path):
    nb = jupytext.read(path)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert re.search(r"^\s*assert ", code, re.M), f"{path.name} asserts nothing"
    prose = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    # keys glued in a loop with an f-string, glue(f"as-gain-{act}-measured", ...), become
    # patterns: each {...} field matches one or more characters of a key
    templates = [re.compile("".join(".+?" if part.startswith("{") else re.escape(part)
                                    for part in re.split(r"(\{[^{}]*\})", t)) + "$")
                 for t in re.findall(r"glue\(\s*f[\"']([^\"']+)[\"']", code)]
    for key in re.findall(r"\{glue:(?:text|md|)\}`([^`:]+)", prose):
        assert (re.search(rf"glue\(\s*[\"']{re.escape(key)}[\"']", code)
                or any(t.match(key) for t in templates)), (
            f"{path.name}: prose uses glue key {key!r} that no code cell glues"
        )


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```(?:bash|sh|console)\n(.*?)```", text, re.S)
    assert block, "README.md has no shell block with the two commands"
    return [line for line in block.group(1).splitlines() if line.strip() and not line.startswith("#")]


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
    for name in ("jupyter-book>=1", "jupytext", "numpy", "matplotlib", "autograd", "nbval",
                 "pytest", "sphinx-proof", "sphinx-exercise", "sphinxcontrib-bibtex"):
        assert any(line.startswith(name) for line in lines), f"requirements.txt lacks {name}"
    assert any(line.startswith("jupyter-book>=1") and "<2" in line for line in lines)


def test_book_config_fails_on_errors_and_binder_opens_notebooks():
    import json

    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    execute = config["execute"]
    # "inline" and "force" both execute every chapter from scratch (no jupyter-cache); inline
    # is what evaluates the prose's {eval} numbers (tests/test_notebook_reader.py)
    assert execute["execute_notebooks"] in ("force", "inline"), "CI must execute every chapter from scratch"
    assert execute["raise_on_error"] is True and execute["allow_errors"] is False
    assert isinstance(execute["timeout"], int) and 0 < execute["timeout"] <= 600
    assert {"sphinx_proof", "sphinx_exercise"} <= set(config["sphinx"]["extra_extensions"])
    assert config["launch_buttons"]["notebook_interface"] == "jupyterlab"
    assert config["launch_buttons"]["binderhub_url"].startswith("https://")
    # The reading environments (requirements.txt locally, binder/requirements.txt on Binder)
    # install ./jupyter-settings, whose one file JupyterLab reads from the environment whatever
    # $HOME is: double-clicking a chapter (.md) opens it as a notebook, not as text.
    for requirements in ("requirements.txt", "binder/requirements.txt"):
        lines = (ROOT / requirements).read_text(encoding="utf-8").splitlines()
        assert "./jupyter-settings" in [line.split("#")[0].strip() for line in lines], requirements
    overrides = json.loads((ROOT / "jupyter-settings" / "jaccourse.json").read_text())
    viewers = overrides["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]
    assert viewers["markdown"] == "Jupytext Notebook"
