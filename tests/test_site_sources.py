"""What the site needs from the chapter sources, checked without a browser.

- Headings hold no math: a ``$...$`` or ``{math}`` in a heading lands in the sidebar, the
  page's table of contents, the browser tab and the PDF bookmarks, where it shows as raw TeX
  (or breaks LaTeX's table of contents).
- Every figure has alt text: a code cell with a captioned figure (``mystnb: figure:``) also
  declares ``mystnb: image: alt:``, a cell that calls ``plt.show()`` is such a figure cell, and
  every ``{figure}`` / ``{image}`` directive and Markdown image carries its alternative text.

The browser suite (``tests/e2e``) checks the same on the built pages; these checks name the
source line to fix, and run in a second.
"""

from __future__ import annotations

import re
from pathlib import Path

import jupytext
import pytest
from markdown_it import MarkdownIt

from jaccourse.book.toc import notebook_pages, toc_pages

ROOT = Path(__file__).resolve().parents[1]

PAGES = toc_pages(ROOT)
NOTEBOOKS = notebook_pages(ROOT)
MATH_IN_HEADING = re.compile(r"\$|\{math\}|\\\(|\\\[")
DIRECTIVE = re.compile(r"^(?P<fence>`{3,}|:{3,})\{(?P<name>figure|image)\}")


def _body(path: Path) -> tuple[str, int]:
    """The page's Markdown without its YAML front matter, and the line the body starts on."""
    text = path.read_text(encoding="utf-8")
    if text.startswith("---\n"):
        end = text.index("\n---\n", 4) + len("\n---\n")
        return text[end:], text[:end].count("\n")
    return text, 0


def _headings(path: Path) -> list[tuple[int, str]]:
    """(line number, source text) of every ATX or setext heading; code fences are skipped."""
    body, offset = _body(path)
    lines = body.splitlines()
    tokens = MarkdownIt("commonmark").parse(body)
    return [
        (offset + tok.map[0] + 1, " ".join(lines[tok.map[0] : tok.map[1]]))
        for tok in tokens
        if tok.type == "heading_open"
    ]


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.stem)
def test_headings_contain_no_math(path: Path):
    headings = _headings(path)
    assert headings, f"{path.name}: no heading found (is the page empty?)"
    bad = [f"{path.name}:{line}: {text}" for line, text in headings if MATH_IN_HEADING.search(text)]
    assert not bad, (
        "math in a heading shows as raw TeX in the table of contents; "
        "write it in words or Unicode:\n" + "\n".join(bad)
    )


def _figure_cells(path: Path):
    nb = jupytext.read(path)
    for cell in nb.cells:
        if cell.cell_type == "code":
            yield cell, cell.metadata.get("mystnb", {}) or {}


def _cell_label(path: Path, cell) -> str:
    first = next((line for line in cell.source.splitlines() if line.strip()), "")
    return f"{path.name}: cell starting {first[:60]!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_figure_cell_has_a_caption_and_alt_text(path: Path):
    problems = []
    for cell, mystnb in _figure_cells(path):
        figure = mystnb.get("figure")
        if "plt.show(" in cell.source and not figure:
            problems.append(
                f"{_cell_label(path, cell)}: draws a figure without "
                "`mystnb: figure:` metadata (caption, name)"
            )
        if figure:
            if not str(figure.get("caption", "")).strip():
                problems.append(f"{_cell_label(path, cell)}: figure without a caption")
            alt = str((mystnb.get("image") or {}).get("alt", "")).strip()
            if not alt:
                problems.append(f"{_cell_label(path, cell)}: figure without `mystnb: image: alt:`")
    assert not problems, "\n".join(problems)


def _directive_options(lines: list[str], start: int) -> dict[str, str]:
    """Options of the directive opening at ``lines[start]``: ``:key: value`` lines or a
    ``---``-delimited YAML block right after the opening line."""
    import yaml

    options: dict[str, str] = {}
    i = start + 1
    if i < len(lines) and lines[i].strip() == "---":
        end = lines.index("---", i + 1) if "---" in lines[i + 1 :] else i
        block = yaml.safe_load("\n".join(lines[i + 1 : end])) or {}
        return {str(k): str(v) for k, v in block.items()}
    while i < len(lines):
        match = re.match(r"^:([\w-]+):\s*(.*)$", lines[i])
        if not match:
            break
        options[match.group(1)] = match.group(2)
        i += 1
    return options


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.stem)
def test_every_image_directive_and_markdown_image_has_alt_text(path: Path):
    body, offset = _body(path)
    lines = body.splitlines()
    problems = []
    for number, line in enumerate(lines):
        match = DIRECTIVE.match(line)
        if match and not _directive_options(lines, number).get("alt", "").strip():
            problems.append(
                f"{path.name}:{offset + number + 1}: {{{match.group('name')}}} "
                "directive without :alt:"
            )
    for token in MarkdownIt("commonmark").parse(body):
        for child in token.children or []:
            if child.type == "image" and not child.content.strip():
                problems.append(
                    f"{path.name}:{offset + token.map[0] + 1}: Markdown image "
                    f"{child.attrs.get('src')!r} with empty alt text"
                )
    assert not problems, "\n".join(problems)


def test_the_heading_parser_sees_headings_and_skips_code():
    """The checks above are only as good as the parser: a heading with math is caught, a
    Python comment in a code cell is not a heading."""
    import tempfile

    sample = (
        "---\nkernelspec:\n  name: python3\n---\n\n# Title\n\n```{code-cell} ipython3\n"
        "# a comment with $x$\n```\n\n## The map $T$\n\nText\n"
    )
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "sample.md"
        page.write_text(sample, encoding="utf-8")
        headings = _headings(page)
    assert [text for _, text in headings] == ["# Title", "## The map $T$"]
    assert [line for line, _ in headings] == [6, 12]
    assert MATH_IN_HEADING.search(headings[1][1]) and not MATH_IN_HEADING.search(headings[0][1])
    lines = ["```{figure} a.png", ":name: f", "", "caption"]
    assert _directive_options(lines, 0) == {"name": "f"}
    lines = [":::{image} a.png", "---", "alt: a picture", "---", ":::"]
    assert _directive_options(lines, 0) == {"alt": "a picture"}
