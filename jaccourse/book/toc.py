"""The book's table of contents: its pages in order, and which of them are notebooks.

One reading of ``_toc.yml`` (Jupyter Book 1.x) for everything that walks the book: the chapter
tests (``conftest.py`` hands every notebook page to nbval), the student edition and the
nbgrader course, and the browser suites (the site's pages, the JupyterLab chapters). A page
is a **notebook** when its front matter declares a ``kernelspec``: the build executes it, the
tests run it, the student edition converts it.

Part of the book machinery (``jaccourse.book``).

Examples
--------
>>> import tempfile, pathlib
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> _ = (root / "_toc.yml").write_text(
...     "format: jb-book\\nroot: intro\\nparts:\\n  - caption: One\\n    chapters:\\n"
...     "      - file: a\\n        sections:\\n          - file: b\\n")
>>> for name, front in (("intro", ""), ("a", "kernelspec: {name: python3}\\n"), ("b", "")):
...     _ = (root / f"{name}.md").write_text(f"---\\n{front}---\\n# {name}\\n")
>>> [p.name for p in toc_pages(root)]
['intro.md', 'a.md', 'b.md']
>>> [p.name for p in notebook_pages(root)]
['a.md']
>>> [(e.page.name, [s.name for s in e.sections]) for e in toc_entries(root)]
[('intro.md', []), ('a.md', ['b.md']), ('b.md', [])]
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "TocEntry",
    "toc_entries",
    "toc_pages",
    "notebook_pages",
    "is_notebook",
    "prose_words",
    "core_and_optional",
    "ReadingTime",
    "reading_time",
    "WORDS_PER_MINUTE",
]

#: The reading speed behind the goals boxes' reading times (prose with formulas in it).
WORDS_PER_MINUTE = 150


@dataclass(frozen=True)
class TocEntry:
    """One page of ``_toc.yml``: its path and the paths of its ``sections:`` (if any)."""

    page: Path
    sections: tuple[Path, ...] = field(default_factory=tuple)


def _root(root: str | Path | None, func: str) -> Path:
    if root is None:
        return Path.cwd()
    if not isinstance(root, (str, Path)):
        raise TypeError(f"{func}: root must be a path (str or Path), got {type(root).__name__}")
    return Path(root)


# The source suffixes a ``_toc.yml`` entry may end with (Jupyter Book's); any other dot is
# part of the page's name (``book/api/book.glue`` is ``book/api/book.glue.md``).
_SOURCE_SUFFIXES = (".md", ".ipynb", ".rst")


def _page(root: Path, name: Any) -> Path:
    name = str(name)
    return root / (name if Path(name).suffix in _SOURCE_SUFFIXES else name + ".md")


def toc_entries(root: str | Path | None = None) -> list[TocEntry]:
    """Every page named in ``root/_toc.yml`` (its root, then parts, chapters and sections), in
    the book's order, each with its sections.

    Parameters
    ----------
    root : str or Path, optional
        The book's folder (the one holding ``_toc.yml``); by default the current directory.

    Raises
    ------
    ValueError
        If there is no readable ``_toc.yml`` with a ``root:`` entry, or it names a file that
        does not exist.
    """
    func = "toc_entries"
    import yaml

    folder = _root(root, func)
    toc_file = folder / "_toc.yml"
    if not toc_file.is_file():
        raise ValueError(f"{func}: root must be a folder holding a _toc.yml, got {str(folder)!r}")
    toc = yaml.safe_load(toc_file.read_text(encoding="utf-8"))
    if not isinstance(toc, dict) or "root" not in toc:
        raise ValueError(
            f"{func}: root must hold a _toc.yml with a `root:` entry; {toc_file} has none"
        )
    entries = [TocEntry(_page(folder, toc["root"]))]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "file" in node:
                sections = tuple(
                    _page(folder, s["file"])
                    for s in node.get("sections") or []
                    if isinstance(s, dict) and "file" in s
                )
                entries.append(TocEntry(_page(folder, node["file"]), sections))
            for key, value in node.items():
                if key != "file":
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({k: v for k, v in toc.items() if k != "root"})
    missing = [str(e.page.relative_to(folder)) for e in entries if not e.page.is_file()]
    if missing:
        raise ValueError(f"{func}: root has a _toc.yml naming files that do not exist: {missing}")
    return entries


def toc_pages(root: str | Path | None = None) -> list[Path]:
    """The paths of every page of ``root/_toc.yml``, in the book's order
    (see :func:`toc_entries`)."""
    return [entry.page for entry in toc_entries(root)]


def is_notebook(path: str | Path) -> bool:
    """Whether a page is a notebook: a MyST file whose front matter declares a ``kernelspec``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> page = pathlib.Path(tempfile.mkdtemp()) / "x.md"
    >>> _ = page.write_text("---\\nkernelspec:\\n  name: python3\\n---\\n# X\\n")
    >>> is_notebook(page), is_notebook(page.with_name("y.md"))
    (True, False)
    """
    if not isinstance(path, (str, Path)):
        raise TypeError(
            f"is_notebook: path must be a path (str or Path), got {type(path).__name__}"
        )
    path = Path(path)
    if path.suffix != ".md" or not path.is_file():
        return False
    head = path.read_text(encoding="utf-8")[:4000]
    if not head.startswith("---"):
        return False
    front = head.split("\n---", 1)[0]
    return any(line.startswith("kernelspec:") for line in front.splitlines())


def notebook_pages(root: str | Path | None = None) -> list[Path]:
    """The pages of ``root/_toc.yml`` that are notebooks, in the book's order."""
    return [page for page in toc_pages(root) if is_notebook(page)]


def prose_words(text: str) -> int:
    r"""Words of prose in a MyST page: front matter, solutions, code cells, display maths,
    directive options and fence lines left out (the count of ``course_check``).

    Examples
    --------
    >>> fence = "`" * 3
    >>> prose_words("# A title\n\nSome prose, $x$ too.\n\n$$\ny = 2\n$$\n" + fence +
    ...             "{code-cell} ipython3\nx = 1\n" + fence + "\n")
    6
    """
    if not isinstance(text, str):
        raise TypeError(f"prose_words: text must be a str, got {type(text).__name__}")
    text = re.sub(r"^---\n.*?\n---\n", "", text, flags=re.S)
    text = re.sub(r"```\{solution-start\}.*?```\{solution-end\}\n```", "", text, flags=re.S)
    text = re.sub(r"```\{code-cell\}.*?\n```", "", text, flags=re.S)
    text = re.sub(r"\$\$.*?\$\$", "", text, flags=re.S)
    text = re.sub(r"^:[\w-]+:.*$", "", text, flags=re.M)
    text = re.sub(r"```.*?$", "", text, flags=re.M)
    return len(re.findall(r"[A-Za-z][A-Za-z'-]*", text))


def core_and_optional(text: str) -> tuple[str, str]:
    r"""A page split into its core path and its optional sections: a heading that starts
    with "Going further" opens an optional section, which runs to the next heading of the
    same or a higher level (headings inside fenced blocks, such as comments in code cells,
    do not count).

    Examples
    --------
    >>> core, optional = core_and_optional(
    ...     "# T\nCore.\n## Going further: more\nExtra.\n## Exercises\nDo.\n")
    >>> core, optional
    ('# T\nCore.\n## Exercises\nDo.\n', '## Going further: more\nExtra.\n')
    """
    if not isinstance(text, str):
        raise TypeError(f"core_and_optional: text must be a str, got {type(text).__name__}")
    core: list[str] = []
    optional: list[str] = []
    skip: int | None = None
    fence: str | None = None
    for line in text.splitlines(keepends=True):
        opening = re.match(r"^(`{3,}|:{3,}|~{3,})", line)
        if fence is None and opening:
            fence = opening.group(1)
        elif fence is not None and line.strip() == fence:
            fence = None
        heading = None if fence is not None else re.match(r"^(#{1,6}) (.*)", line)
        if heading:
            level = len(heading.group(1))
            if skip is not None and level <= skip:
                skip = None
            if skip is None and heading.group(2).strip().lower().startswith("going further"):
                skip = level
        (core if skip is None else optional).append(line)
    return "".join(core), "".join(optional)


@dataclass(frozen=True)
class ReadingTime:
    """A page's reading time in minutes (rounded up to 5): its core path and its optional
    "Going further" sections (0 when it has none), with the words behind them."""

    core_minutes: int
    optional_minutes: int
    core_words: int
    optional_words: int


def reading_time(page: str | Path) -> ReadingTime:
    r"""The reading time of a page of the book, as its goals box states it: words of prose
    (:func:`prose_words`) at ``WORDS_PER_MINUTE``, rounded up to 5 minutes, for the core path
    and for the "Going further" sections (:func:`core_and_optional`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> page = pathlib.Path(tempfile.mkdtemp()) / "x.md"
    >>> _ = page.write_text("# X\n" + "word " * 400 + "\n## Going further: y\n" + "w " * 10)
    >>> reading_time(page)
    ReadingTime(core_minutes=5, optional_minutes=5, core_words=401, optional_words=13)
    """
    if not isinstance(page, (str, Path)):
        raise TypeError(
            f"reading_time: page must be a path (str or Path), got {type(page).__name__}"
        )
    path = Path(page)
    if not path.is_file():
        raise ValueError(f"reading_time: page must be an existing MyST file, got {str(path)!r}")
    text = path.read_text(encoding="utf-8")
    core, optional = core_and_optional(text)
    core_words = prose_words(core)
    optional_words = prose_words(text) - core_words if optional.strip() else 0

    def minutes(words: int) -> int:
        return math.ceil(words / WORDS_PER_MINUTE / 5) * 5

    return ReadingTime(minutes(core_words), minutes(optional_words), core_words, optional_words)
