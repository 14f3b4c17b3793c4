r"""MyST to plain Markdown: the student edition reads in any Jupyter front end.

JupyterLab with jupyterlab-myst, and the book itself, understand MyST: roles such as
``{eq}`label```, directives such as ``{prf:theorem}``, labels ``(label)=``. Plain
JupyterLab, VS Code and Colab do not, and show all of it as raw text. This module rewrites a
chapter's MyST text so that every Markdown part of it is CommonMark (with GitHub's pipe tables
and ``$...$``/``$$...$$`` maths, which every Jupyter front end renders), with the numbers the
published site shows:

* **cross-references** become the text the site shows: ``{eq}`` "(3.4)", ``{prf:ref}``
  "Theorem 2.1", ``{numref}`` "Fig. 5.2" / "Table 5.1" / "Section 7.3" / "Exercise 2.3" (with
  an explicit text, its ``%s`` or ``{number}`` filled in), ``{ref}`` the section's title (an
  exercise: "Exercise 2.3"), ``{doc}`` the page's title, a link to the page's notebook when the
  edition has one; ``{term}`` its text; ``{math}`` ``$...$``;
* **citations** ``{cite:p}``/``{cite}`` "(Author, year; ...)", ``{cite:t}`` "Author (year)",
  from ``book/references.bib`` (author-year labels as sphinxcontrib-bibtex makes them: one
  author, "A and B", "A et al.");
* **API roles** (``{api}``, ``{py:func}``, ``{py:class}``, ``{py:meth}``, ``{py:data}``,
  ``{py:mod}``, ...) the object's name in code font, as the site shows it (``~`` keeps the last
  component; functions and methods get ``()``, as Sphinx writes them);
* **numbers** are filled in beforehand (``jaccourse.book._inline_values``); a ``{glue:text}`` or
  ``{eval}`` role still here is an error;
* **labels** ``(label)=`` and MyST comments (``% ...``) go; **headings** get the site's section
  numbers ("## 3.2. Polar coordinates"); **labelled equations** ``$$ ... $$ (label)`` and
  ``{math}`` directives get ``\tag{3.4}``;
* **directives** become headed blocks, a bold first line then the content: admonitions
  (``{admonition} Title``, ``{note}``, ``{tip}``, ``{warning}``, ...: "**Title**", "**Note**"),
  sphinx-proof (``{prf:theorem} Title``: "**Theorem 2.1 (Title).**"; ``{prf:proof}``:
  "*Proof.*" ... "∎"), exercises ("**Exercise 2.3**"); ``{figure}`` an image and its caption
  "*Fig. 5.2: caption*"; a code cell's figure caption (``mystnb: figure: caption``) a caption
  line after the cell; ``{list-table}`` and ``{table}`` a pipe table under its caption;
  ``{glossary}`` one "**term**: definition" paragraph per term; ``{bibliography}`` the list of
  references; ``{code-block}`` a plain fence. Directive options (``:label:``, ``:class:``,
  ``:name:``, ``:nonumber:``, ...) are read and dropped.

The numbers are those of the site: ``_toc.yml`` numbers the chapters of every numbered part
one after the other (``use_multitoc_numbering``), and figures, tables, equations, exercises
and each kind of sphinx-proof directive are counted per chapter ("chapter.k",
``numfig_secnum_depth: 1``), on the full source, solutions included.

A construct this module does not know (an unknown role or directive, a reference to a label
no page defines) is refused with a ``ValueError`` naming it: a raw construct never reaches a
student silently.

A private module of the book machinery (``jaccourse.book``): its names are for
``jaccourse.book.student_edition``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jaccourse.book._myst_blocks import Block, read_blocks

__all__ = ["Target", "BookIndex", "book_index", "iter_roles", "plain_markdown", "NUMBER_ROLES"]

#: The sphinx-proof directives that are numbered (``prf:proof`` is not).
PROOF_TYPES = (
    "axiom",
    "theorem",
    "lemma",
    "algorithm",
    "definition",
    "remark",
    "conjecture",
    "corollary",
    "criterion",
    "example",
    "property",
    "observation",
    "proposition",
    "assumption",
    "notation",
)
#: Admonition directives and the heading each gets.
ADMONITIONS = {
    "note": "Note",
    "tip": "Tip",
    "warning": "Warning",
    "important": "Important",
    "hint": "Hint",
    "caution": "Caution",
    "attention": "Attention",
    "danger": "Danger",
    "error": "Error",
    "seealso": "See also",
    "todo": "To do",
}
#: Directives that are a titled block (the argument is the title, if any).
TITLED_BLOCKS = (
    "admonition",
    "dropdown",
    "margin",
    "sidebar",
    "topic",
    "card",
    "tab-item",
    "epigraph",
    "pull-quote",
    "highlights",
    "rubric",
    "div",
    "container",
)
#: Roles whose text is a number computed by the chapter (filled in by ``inline_values``).
NUMBER_ROLES = ("glue:text", "glue", "glue:any", "glue:md", "glue:math", "eval")
#: Sphinx's default ``numfig_format`` (Jupyter Book keeps it), and sphinx-exercise's.
NUMFIG_FORMAT = {
    "figure": "Fig. %s",
    "table": "Table %s",
    "code-block": "Listing %s",
    "section": "Section %s",
    "exercise": "Exercise %s",
}

_LABEL_LINE = re.compile(r"^\s{0,3}\((?P<label>[^()\s]+)\)=\s*$")
_HEADING = re.compile(r"^ {0,3}(?P<hashes>#{1,6})\s+(?P<title>.*?)(?:\s+#+)?\s*$")
_MATH_LABEL = re.compile(r"\$\$\s*\((?P<label>[^()\s]+)\)\s*$")
_COMMENT = re.compile(r"^%")
_ROLE_NAME = re.compile(r"\{(?P<name>[A-Za-z][\w:.+-]*)\}$")
_EXPLICIT = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.S)


def _error(func: str, message: str) -> ValueError:
    return ValueError(f"{func}: {message}")


# --------------------------------------------------------------------------------------------
# the index of the book: pages, their numbers, every label
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """What a label names: its kind, page, number as the site shows it, and title.

    ``kind`` is ``"section"``, ``"equation"``, ``"figure"``, ``"table"``, ``"exercise"``,
    a sphinx-proof type (``"theorem"``, ...) or ``"paragraph"`` (a label on anything else);
    ``number`` is ``""`` when the site shows none; ``title`` is MyST inline text (a heading,
    a caption, a directive's title).
    """

    kind: str
    page: str
    number: str
    title: str


@dataclass
class BookIndex:
    """The book as the references see it.

    Attributes
    ----------
    titles : dict
        Page stem to its title (MyST inline text).
    numbers : dict
        Page stem to its chapter number (``""`` for an unnumbered page).
    targets : dict
        Label to :class:`Target`.
    citations : dict
        Bibliography key to ``(authors, year, reference text)``: ``authors`` as an
        author-year label shows them ("Boyd and Vandenberghe").
    site_url : str
        The published site's address, or ``""`` (then no link to the site is written).
    """

    titles: dict[str, str] = field(default_factory=dict)
    numbers: dict[str, str] = field(default_factory=dict)
    targets: dict[str, Target] = field(default_factory=dict)
    citations: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    site_url: str = ""


def _yaml_options(block: Block, yaml: Any) -> dict:
    if not block.yaml_options:
        return {}
    try:
        loaded = yaml.safe_load("\n".join(block.yaml_options))
    except yaml.YAMLError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _figure_of_cell(block: Block, yaml: Any) -> tuple[str, str]:
    """(name, caption) of a code cell's ``mystnb: figure:`` metadata (empty when absent)."""
    meta = _yaml_options(block, yaml)
    figure = (
        (meta.get("mystnb") or {}).get("figure") if isinstance(meta.get("mystnb"), dict) else None
    )
    if not isinstance(figure, dict):
        return "", ""
    return str(figure.get("name") or ""), " ".join(str(figure.get("caption") or "").split())


def _scan_page(text: str, stem: str, chapter: str, index: BookIndex, yaml: Any) -> None:
    """Record the page's title and every label it defines, numbered as the site numbers them."""
    counters: dict[str, int] = defaultdict(int)
    sections = [0] * 7
    pending: list[str] = []

    def number(kind: str) -> str:
        counters[kind] += 1
        return f"{chapter}.{counters[kind]}" if chapter else str(counters[kind])

    def define(label: str, target: Target) -> None:
        index.targets[label] = target

    def flush(kind: str = "paragraph", num: str = "", title: str = "") -> None:
        for label in pending:
            define(label, Target(kind, stem, num, title))
        pending.clear()

    def scan(source: str, top: bool) -> None:
        for block in read_blocks(source, front_matter=top):
            if not block.fenced:
                line = block.lines[0]
                if top and block.start == 1 and line.strip() == "---" and len(block.lines) > 1:
                    continue  # front matter
                if match := _LABEL_LINE.match(line):
                    pending.append(match["label"])
                    continue
                if match := _HEADING.match(line):
                    level = len(match["hashes"])
                    title = match["title"]
                    if stem not in index.titles:
                        index.titles[stem] = title
                    sections[level] += 1
                    for deeper in range(level + 1, 7):
                        sections[deeper] = 0
                    num = ""
                    if chapter:
                        num = ".".join([chapter, *(str(sections[k]) for k in range(2, level + 1))])
                    flush("section", num, title)
                    continue
                if match := _MATH_LABEL.search(line):
                    define(match["label"], Target("equation", stem, number("equation"), ""))
                if line.strip():
                    flush()
                continue
            name = block.name
            if name == "code-cell":
                fig_name, caption = _figure_of_cell(block, yaml)
                if fig_name:
                    define(fig_name, Target("figure", stem, number("figure"), caption))
                flush()
                continue
            if not name or name == "eval-rst":
                flush()
                continue  # a literal block
            label = block.options.get("label") or block.options.get("name") or ""
            kind, num = "", ""
            if name.startswith("prf:") and name[4:] in PROOF_TYPES:
                kind = name[4:]
                num = "" if "nonumber" in block.options else number(kind)
            elif name in ("exercise", "exercise-start"):
                kind = "exercise"
                num = "" if "nonumber" in block.options else number("exercise")
            elif name == "math" and label:
                kind, num = "equation", number("equation")
            elif name == "figure" and label:
                kind, num = "figure", number("figure")
            elif name in ("table", "list-table") and label:
                kind, num = "table", number("table")
            if kind:
                title = block.argument
                if kind == "figure":
                    title = " ".join(line.strip() for line in block.body if line.strip())
                flush(kind, num, title)
                if label:
                    define(label, Target(kind, stem, num, title))
            else:
                flush()
            if block.body:
                scan("\n".join(block.body), False)

    scan(text, True)
    flush()


def _latex_to_text(value: str) -> str:
    from pybtex.richtext import Text

    try:
        return str(Text.from_latex(value))
    except Exception:  # pragma: no cover - a malformed field: keep it, minus braces
        return value.replace("{", "").replace("}", "")


def _read_bibliography(path: Path) -> dict[str, tuple[str, str, str]]:
    from pybtex.database import parse_file

    entries: dict[str, tuple[str, str, str]] = {}
    for key, entry in parse_file(str(path)).entries.items():
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        lasts = [_latex_to_text(" ".join(p.prelast_names + p.last_names)) for p in people]
        fulls = [
            _latex_to_text(
                " ".join(p.first_names + p.middle_names + p.prelast_names + p.last_names)
            )
            for p in people
        ]
        fields = entry.fields
        if not lasts:
            lasts = fulls = [
                _latex_to_text(fields.get("organization", "") or fields.get("publisher", "") or key)
            ]
        if len(lasts) == 1:
            authors = lasts[0]
        elif len(lasts) == 2:
            authors = f"{lasts[0]} and {lasts[1]}"
        else:
            authors = f"{lasts[0]} et al."
        year = fields.get("year", "n.d.")
        names = fulls[0] if len(fulls) == 1 else ", ".join(fulls[:-1]) + " and " + fulls[-1]
        title = _latex_to_text(fields.get("title", ""))
        parts = [
            f"{names} ({year}).",
            f"*{title}*" + ("" if title.endswith(("?", "!", ".")) else "."),
        ]
        where = _latex_to_text(
            fields.get("journal")
            or fields.get("booktitle")
            or fields.get("publisher")
            or fields.get("howpublished")
            or fields.get("institution")
            or ""
        )
        if where:
            parts.append(where + ("" if where.endswith(".") else "."))
        if fields.get("url"):
            parts.append(f"<{fields['url']}>")
        entries[key] = (authors, year, " ".join(parts))
    return entries


def book_index(root: str | Path, yaml: Any = None, site_url: str = "") -> BookIndex:
    r"""Read every page of ``_toc.yml`` (and ``references.bib``) into a :class:`BookIndex`.

    Chapters are numbered as the site numbers them: the chapters of the parts marked
    ``numbered: true``, one after the other across parts (``use_multitoc_numbering``); the
    root page and the pages of other parts have no number.

    Parameters
    ----------
    root : str or pathlib.Path
        The course repository (the folder with ``_toc.yml``).
    yaml : module, optional
        PyYAML (imported when not given).
    site_url : str, optional
        The published site's address; by default ``html.baseurl`` of ``_config.yml``, if set.

    Returns
    -------
    BookIndex

    Examples
    --------
    >>> import pathlib, tempfile
    >>> course = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (course / "_toc.yml").write_text(
    ...     "root: intro\nparts:\n  - numbered: true\n    chapters:\n      - file: one\n")
    >>> _ = (course / "intro.md").write_text("# Welcome\n")
    >>> _ = (course / "one.md").write_text("# One\n\n(one-sec)=\n## Start\n\n$$\nx\n$$ (one-eq)\n")
    >>> index = book_index(course)
    >>> index.targets["one-sec"], index.targets["one-eq"].number
    (Target(kind='section', page='one', number='1.1', title='Start'), '1.1')
    """
    if not isinstance(root, (str, Path)):
        raise TypeError(
            f"book_index: root must be a folder path (str or pathlib.Path), got "
            f"{type(root).__name__}"
        )
    if yaml is None:  # PyYAML, imported here when the caller passes none
        import yaml as pyyaml

        yaml = pyyaml
    root = Path(root)
    toc_path = root / "_toc.yml"
    if not toc_path.is_file():
        raise _error(
            "book_index",
            f"root must be the course repository (a folder with _toc.yml), got {str(root)!r}",
        )
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8")) or {}
    pages: list[tuple[str, str]] = [(str(toc.get("root", "")), "")]
    count = 0

    def walk(node: Any, numbered: bool) -> None:
        nonlocal count
        if isinstance(node, list):
            for item in node:
                walk(item, numbered)
        elif isinstance(node, dict):
            numbered = bool(node.get("numbered", numbered))
            if "file" in node:
                number = ""
                if numbered:
                    count += 1
                    number = str(count)
                pages.append((str(node["file"]), number))
                # a numbered chapter's sections are pages too, numbered within it (17.1, ...);
                # the API's module pages (unnumbered) stay out: their names are chapters' too
                for k, section in enumerate(node.get("sections") or [], start=1):
                    if number and isinstance(section, dict) and "file" in section:
                        pages.append((str(section["file"]), f"{number}.{k}"))
            for key in ("parts", "chapters"):
                if key in node:
                    walk(node[key], numbered)

    walk({k: v for k, v in toc.items() if k in ("parts", "chapters")}, False)
    config: dict = {}
    if (root / "_config.yml").is_file():
        config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}
    index = BookIndex(
        site_url=(site_url or str((config.get("html") or {}).get("baseurl") or "")).rstrip("/")
    )
    for name, number in pages:
        # a source suffix as Jupyter Book's; any other dot is part of the name (book.glue)
        path = root / (name if Path(name).suffix in (".md", ".ipynb", ".rst") else name + ".md")
        if not path.is_file():
            continue
        stem = path.stem
        index.numbers[stem] = number
        if path.suffix == ".md":
            _scan_page(path.read_text(encoding="utf-8"), stem, number, index, yaml)
        index.titles.setdefault(stem, stem)
    for bib in config.get("bibtex_bibfiles") or []:
        if (root / bib).is_file():
            index.citations.update(_read_bibliography(root / bib))
    return index


# --------------------------------------------------------------------------------------------
# inline: roles
# --------------------------------------------------------------------------------------------


def iter_roles(text: str) -> Iterator[tuple[int, int, str, str]]:
    r"""Every MyST role in ``text``: ``(start, end, name, content)``, in order.

    A role is ``{name}`` followed directly by a code span; any other code span is literal
    code and is skipped whole (so a role written inside a code span is not a role).

    Examples
    --------
    >>> text = "See {eq}`x-eq` and `{eq}` here, {cite:p}`a,b`."
    >>> [(name, content) for _, _, name, content in iter_roles(text)]
    [('eq', 'x-eq'), ('cite:p', 'a,b')]
    """
    pos = 0
    while True:
        opening = re.compile(r"`+").search(text, pos)
        if opening is None:
            return
        run = opening.group()
        closing = re.compile(rf"(?<!`){run}(?!`)").search(text, opening.end())
        if closing is None:
            pos = opening.end()
            continue
        role = _ROLE_NAME.search(text, pos, opening.start())
        content = text[opening.end() : closing.start()]
        if len(content) > 2 and content[0] == content[-1] == " " and content.strip():
            content = content[1:-1]
        if role is not None:
            yield role.start(), closing.end(), role["name"], " ".join(content.split())
        pos = closing.end()


@dataclass
class _Context:
    index: BookIndex
    page: str
    func: str
    doc_link: Callable[[str], str]
    cited: list[str] = field(default_factory=list)
    assets: list[str] = field(default_factory=list)
    sections: list[int] = field(default_factory=lambda: [0] * 7)


class _Verbatim(str):
    """A line of a code cell or literal block: kept exactly, blank lines included."""


def _target(ctx: _Context, label: str, role: str) -> Target:
    target = ctx.index.targets.get(label)
    if target is None:
        raise _error(
            ctx.func,
            f"page {ctx.page}: {{{role}}}`{label}` refers to a label that no "
            "page of _toc.yml defines; expected a label `(name)=`, a `:label:` or a "
            "figure's `name`",
        )
    return target


def _kind_title(kind: str) -> str:
    return kind.replace("-", " ").capitalize()


def _numbered_text(target: Target) -> str:
    fmt = NUMFIG_FORMAT.get(target.kind, _kind_title(target.kind) + " %s")
    return (fmt % target.number) if target.number else fmt.replace(" %s", "").replace("%s", "")


def _api_name(role: str, content: str, ctx: _Context) -> str:
    explicit = _EXPLICIT.match(content)
    if explicit:
        shown, target = explicit["text"], explicit["target"]
    else:
        target = content.lstrip("~.!")
        shown = target.rsplit(".", 1)[-1] if content.startswith("~") else target
        if role in ("py:func", "py:meth") and not shown.endswith(")"):
            shown += "()"
    return f"`{shown}`"


def _cite(role: str, content: str, ctx: _Context) -> str:
    keys = [k.strip() for k in content.split(",") if k.strip()]
    found = []
    for key in keys:
        if key not in ctx.index.citations:
            raise _error(
                ctx.func,
                f"page {ctx.page}: {{{role}}}`{content}` cites {key!r}, "
                "which is not in the bibliography (references.bib); expected a key "
                "of a bibtex_bibfiles entry",
            )
        if key not in ctx.cited:
            ctx.cited.append(key)
        found.append(ctx.index.citations[key])
    if role == "cite:t":
        return ", ".join(f"{authors} ({year})" for authors, year, _ in found)
    return "(" + "; ".join(f"{authors}, {year}" for authors, year, _ in found) + ")"


def _render_role(name: str, content: str, ctx: _Context) -> str:
    explicit = _EXPLICIT.match(content)
    if name in ("eq", "math:numref"):
        return f"({_target(ctx, content, name).number})"
    if name == "math":
        return f"${content}$"
    if name in ("prf:ref", "numref", "ref"):
        label = explicit["target"] if explicit else content
        target = _target(ctx, label, name)
        if explicit:
            text = explicit["text"]
            if name == "numref":
                text = text.replace("%s", target.number).replace("{number}", target.number)
                text = text.replace("{name}", target.title)
            return convert_inline(text, ctx)
        if name == "ref" and target.kind in ("section", "figure", "table") and target.title:
            return convert_inline(target.title, ctx)
        if name == "ref" and target.kind == "paragraph":
            raise _error(
                ctx.func,
                f"page {ctx.page}: {{ref}}`{label}` refers to a label that is "
                "not on a heading, figure, table, equation or numbered block; "
                "expected an explicit text, {ref}`text <label>`",
            )
        if target.kind == "equation":
            return f"({target.number})"
        return _numbered_text(target)
    if name == "doc":
        page = Path((explicit["target"] if explicit else content).strip()).stem
        if page not in ctx.index.titles:
            raise _error(
                ctx.func,
                f"page {ctx.page}: {{doc}}`{content}` refers to a page that "
                "is not in _toc.yml; expected a page of the book",
            )
        text = convert_inline(explicit["text"] if explicit else ctx.index.titles[page], ctx)
        link = ctx.doc_link(page)
        if not link and ctx.index.site_url:
            link = f"{ctx.index.site_url}/book/{page}.html"
        return f"[{text}]({link})" if link else text
    if name == "term":
        return explicit["text"] if explicit else content
    if name in ("cite", "cite:p", "cite:t", "cite:ps", "cite:ts"):
        return _cite(name.rstrip("s") if name.endswith("s") and ":" in name else name, content, ctx)
    if name == "api":  # the book's own role (book/_ext/api_role.py): the name, in code font
        return f"`{content}`"
    if name.startswith("py:") or name in (
        "func",
        "class",
        "meth",
        "mod",
        "data",
        "attr",
        "obj",
        "exc",
    ):
        role = name if name.startswith("py:") else "py:" + name
        return _api_name(role, content, ctx)
    if name in ("sub", "sup"):
        return f"<{name}>{content}</{name}>"
    if name in ("abbr",):
        return explicit["text"] if explicit else content
    if name in NUMBER_ROLES:
        raise _error(
            ctx.func,
            f"page {ctx.page}: {{{name}}}`{content}` was not filled in; "
            "expected the chapter's numbers to be computed first "
            "(jaccourse.book._inline_values.fill_numbers)",
        )
    raise _error(
        ctx.func,
        f"page {ctx.page}: the role {{{name}}} (in {{{name}}}`{content}`) "
        "has no plain-Markdown form; expected one of the roles the module docstring "
        "lists",
    )


def convert_inline(text: str, ctx: _Context) -> str:
    """``text`` with every role replaced by its plain form."""
    out, pos = [], 0
    for start, end, name, content in iter_roles(text):
        out.append(text[pos:start])
        out.append(_render_role(name, content, ctx))
        pos = end
    out.append(text[pos:])
    return "".join(out)


# --------------------------------------------------------------------------------------------
# blocks: headings, labels, equations, directives
# --------------------------------------------------------------------------------------------


def _dedent(lines: list[str]) -> list[str]:
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return lines


def _headed(head: str, body: list[str], tail: str = "") -> list[str]:
    body = _dedent(body)
    if tail:
        if body and body[-1].strip() and not body[-1].strip().startswith(("$$", "```", "|")):
            body = [*body[:-1], body[-1] + " " + tail]
        else:
            body = [*body, "", tail]
    return ["", head, "", *body, ""]


def _list_table(block: Block, ctx: _Context) -> list[str]:
    rows: list[list[list[str]]] = []
    for line in block.body:
        if re.match(r"^\*\s+-\s?", line):
            rows.append([[re.sub(r"^\*\s+-\s?", "", line)]])
        elif re.match(r"^\s+-\s?", line) and rows:
            rows[-1].append([re.sub(r"^\s+-\s?", "", line)])
        elif line.strip() and rows:
            rows[-1][-1].append(line.strip())
    if not rows:
        raise _error(
            ctx.func,
            f"page {ctx.page}: the list-table at line {block.start} has no "
            "rows; expected `* - cell` lines",
        )
    width = max(len(row) for row in rows)

    def cell(parts: list[str]) -> str:
        return convert_inline(" ".join(p.strip() for p in parts), ctx).replace("|", r"\|")

    table = [[cell(c) for c in row] + [""] * (width - len(row)) for row in rows]
    header_rows = int(block.options.get("header-rows", "0") or 0)
    head = table[0] if header_rows else [""] * width
    body = table[1:] if header_rows else table
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(["---"] * width) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in body]
    return lines


def _caption_line(kind: str, label: str, caption: str, ctx: _Context) -> str:
    target = ctx.index.targets.get(label) if label else None
    text = convert_inline(caption, ctx)
    if target is not None and target.number:
        return f"*{_numbered_text(target)}: {text}*" if text else f"*{_numbered_text(target)}*"
    return f"*{text}*" if text else ""


def _directive(block: Block, ctx: _Context, yaml: Any) -> list[str]:
    """The plain-Markdown lines of one directive (not a code cell, not a literal fence)."""
    name, argument, options = block.name, block.argument, block.options
    body = block.body
    label = options.get("label") or options.get("name") or ""

    def inner() -> list[str]:
        return _convert_lines("\n".join(body), ctx, yaml, top=False)

    if name.startswith("prf:"):
        kind = name[4:]
        if kind == "proof":
            return _headed("*Proof.*", inner(), "∎")
        if kind not in PROOF_TYPES:
            raise _error(
                ctx.func,
                f"page {ctx.page}: the directive {{{name}}} (line "
                f"{block.start}) has no plain-Markdown form; expected a sphinx-proof "
                f"type: {', '.join(PROOF_TYPES)}",
            )
        target = ctx.index.targets.get(label)
        number = target.number if target else ""
        head = _kind_title(kind) + (f" {number}" if number else "")
        if argument:
            head += f" ({convert_inline(argument, ctx)})"
        return _headed(f"**{head}.**", inner())
    if name in ("exercise", "exercise-start"):
        target = ctx.index.targets.get(label)
        head = "Exercise" + (f" {target.number}" if target and target.number else "")
        if argument:
            head += f" ({convert_inline(argument, ctx)})"
        return _headed(f"**{head}**", inner())
    if name in ("exercise-end", "solution-end"):
        return []
    if name in ("solution-start", "solution"):
        target = ctx.index.targets.get(argument.strip())
        head = "Solution to " + (_numbered_text(target) if target else argument.strip())
        return _headed(f"**{head}**", inner())
    if name in ADMONITIONS:
        head = ADMONITIONS[name]
        lead = [argument, ""] if argument else []
        return _headed(
            f"**{head}**", _convert_lines("\n".join([*lead, *body]), ctx, yaml, top=False)
        )
    if name in TITLED_BLOCKS:
        head = convert_inline(argument, ctx) if argument else ""
        return _headed(f"**{head}**", inner()) if head else ["", *_dedent(inner()), ""]
    if name == "math":
        target = ctx.index.targets.get(label)
        tag = [f"\\tag{{{target.number}}}"] if target and target.number else []
        return ["", "$$", *_dedent(body), *tag, "$$", ""]
    if name in ("figure", "image"):
        alt = options.get("alt", "")
        path = argument.strip()
        ctx.assets.append(path)
        lines = ["", f"![{alt}]({path})", ""]
        if name == "figure":
            caption = " ".join(line.strip() for line in body if line.strip())
            lines += [_caption_line("figure", label, caption, ctx), ""]
        return lines
    if name == "list-table":
        caption = _caption_line("table", label, argument, ctx)
        return ["", *([f"{caption}", ""] if caption else []), *_list_table(block, ctx), ""]
    if name == "table":
        caption = _caption_line("table", label, argument, ctx)
        table = [convert_inline(line, ctx) for line in _dedent(body)]
        return ["", *([caption, ""] if caption else []), *table, ""]
    if name == "glossary":
        out: list[str] = [""]
        term: str | None = None
        definition: list[str] = []

        def close() -> None:
            if term is not None:
                out.extend([f"**{term}**: " + convert_inline(" ".join(definition), ctx), ""])

        for line in body:
            if line.strip() and not line.startswith((" ", "\t")):
                close()
                term, definition = line.strip(), []
            elif line.strip():
                definition.append(line.strip())
        close()
        return out
    if name == "bibliography":
        return ["", *[f"- {text}" for _, _, text in ctx.index.citations.values()], ""]
    if name in ("code-block", "code", "sourcecode"):
        return ["", f"```{argument}", *body, "```", ""]
    if name in ("toctree", "tableofcontents", "only"):
        return []
    raise _error(
        ctx.func,
        f"page {ctx.page}: the directive {{{name}}} (line {block.start}) has "
        "no plain-Markdown form; expected one of the directives the module docstring "
        "lists",
    )


def _paragraphs(lines: list[str], ctx: _Context) -> list[str]:
    """Plain lines: labels and comments out, headings numbered, equation labels tagged, roles
    converted (a role may span lines, so a paragraph is converted whole)."""
    kept: list[str] = []
    sections = ctx.sections
    chapter = ctx.index.numbers.get(ctx.page, "")
    for line in lines:
        if _LABEL_LINE.match(line) or _COMMENT.match(line):
            continue
        if (match := _HEADING.match(line)) and chapter:
            level = len(match["hashes"])
            sections[level] += 1
            for deeper in range(level + 1, 7):
                sections[deeper] = 0
            number = ".".join([chapter, *(str(sections[k]) for k in range(2, level + 1))])
            kept.append(f"{match['hashes']} {number}. {match['title']}")
            continue
        if (match := _MATH_LABEL.search(line)) and match["label"] in ctx.index.targets:
            target = ctx.index.targets.get(match["label"])
            tag = f"\\tag{{{target.number}}}" if target and target.number else ""
            head = line[: match.start()].rstrip()
            if head.strip():  # $$ x $$ (label) on one line
                kept.append(f"{head} {tag} $$" if tag else f"{head} $$")
            else:
                kept.extend([tag, "$$"] if tag else ["$$"])
            continue
        kept.append(line)
    return convert_inline("\n".join(kept), ctx).split("\n") if kept else []


def _convert_lines(text: str, ctx: _Context, yaml: Any, *, top: bool) -> list[str]:
    out: list[str] = []
    plain: list[str] = []

    def flush() -> None:
        out.extend(_paragraphs(plain, ctx))
        plain.clear()

    blocks = read_blocks(text, front_matter=top)
    for block in blocks:
        if not block.fenced:
            if top and block.start == 1 and len(block.lines) > 1:
                out.extend(block.lines)  # front matter, for jupytext
            else:
                plain.append(block.lines[0])
            continue
        flush()
        if block.name == "code-cell":
            out.extend(_Verbatim(line) for line in block.lines)
            fig_name, caption = _figure_of_cell(block, yaml)
            if caption or fig_name:
                line = _caption_line("figure", fig_name, caption, ctx)
                if line:
                    out.extend(["", line, ""])
        elif not block.name:
            out.extend(_Verbatim(line) for line in block.lines)  # literal code, as it is
        elif block.name == "eval-rst":
            raise _error(
                ctx.func,
                f"page {ctx.page}: an eval-rst block (line {block.start}) "
                "has no plain-Markdown form; expected MyST only in a student page",
            )
        else:
            out.extend(_directive(block, ctx, yaml))
    flush()
    return out


def plain_markdown(
    myst_text: str,
    index: BookIndex,
    page: str,
    *,
    doc_link: Callable[[str], str] | None = None,
    yaml: Any = None,
    references: bool = True,
    assets: list[str] | None = None,
) -> str:
    r"""Rewrite a page's MyST text so that every Markdown part is plain CommonMark.

    Code cells (and literal fences) are left as they are; everything else is converted as
    the module docstring describes. With ``references``, the works the page cites are listed
    at its end under "References".

    Parameters
    ----------
    myst_text : str
        The page in jupytext's MyST format, its numbers already filled in.
    index : BookIndex
        The book's labels and numbers (:func:`book_index`).
    page : str
        The page's stem (``"linear-maps"``), for its chapter and section numbers.
    doc_link : callable, optional
        ``doc_link(stem)``: the link a ``{doc}`` reference to that page gets (``""``: none;
        then the site's page when its address is known, else the title alone).
    yaml : module, optional
        PyYAML.
    references : bool, optional
        Append the list of cited works.
    assets : list, optional
        If given, the paths of the images the page shows (``{figure}``, ``{image}``; relative
        to the page) are appended to it, for the caller to copy beside the notebook.

    Returns
    -------
    str
        The page, still in jupytext's MyST format (front matter and code cells unchanged).

    Raises
    ------
    ValueError
        For a role or directive with no plain form, or a reference to an unknown label or
        citation key (the message names the page and the construct).

    Examples
    --------
    >>> index = BookIndex(titles={"ch": "Chapter"}, numbers={"ch": "2"},
    ...                   targets={"ch-eq": Target("equation", "ch", "2.1", "")},
    ...                   citations={"k": ("Hung", "2025", "Hung (2025). *Seed*.")})
    >>> text = ("# Chapter\n\n(ch-sec)=\n## Part\n\n$$\nx = 1\n$$ (ch-eq)\n\n"
    ...         "By {eq}`ch-eq` {cite:p}`k`.")
    >>> print(plain_markdown(text, index, "ch"))
    # 2. Chapter
    <BLANKLINE>
    ## 2.1. Part
    <BLANKLINE>
    $$
    x = 1
    \tag{2.1}
    $$
    <BLANKLINE>
    By (2.1) (Hung, 2025).
    <BLANKLINE>
    **References**
    <BLANKLINE>
    - Hung (2025). *Seed*.
    """
    func = "plain_markdown"
    if not isinstance(myst_text, str):
        raise TypeError(f"{func}: myst_text must be a str, got {type(myst_text).__name__}")
    if not isinstance(index, BookIndex):
        raise TypeError(
            f"{func}: index must be a BookIndex (see book_index), got {type(index).__name__}"
        )
    if yaml is None:  # PyYAML, imported here when the caller passes none
        import yaml as pyyaml

        yaml = pyyaml
    ctx = _Context(index, str(page), func, doc_link or (lambda stem: ""))
    lines = _convert_lines(myst_text, ctx, yaml, top=True)
    if references and ctx.cited:
        lines += ["", "**References**", ""]
        lines += [f"- {index.citations[key][2]}" for key in ctx.cited]
    kept: list[str] = []
    for line in lines:
        if not line.strip() and not isinstance(line, _Verbatim) and kept and not kept[-1].strip():
            continue
        kept.append(line)
    if assets is not None:
        assets.extend(ctx.assets)
    return "\n".join(kept).strip("\n") + "\n"
