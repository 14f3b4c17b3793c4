"""MyST to plain Markdown (``jaccourse.book._plain_markdown``) and the numbers in the prose
(``jaccourse.book._inline_values``), on small synthetic books.

Each MyST construct the chapters use is converted once here and the result compared with
what the site shows for it (numbers worked out by hand from Sphinx's rules: chapters
numbered through the numbered parts, items counted per chapter and kind); every converted
text is then read by an independent parser (markdown-it with the MyST plugins of
mdit-py-plugins), which must find no MyST construct left. The real book is checked in
``tests/test_student_edition.py``.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from mdit_py_plugins.colon_fence import colon_fence_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.myst_blocks import myst_block_plugin
from mdit_py_plugins.myst_role import myst_role_plugin

from jaccourse.book._inline_values import fill_numbers, format_glue_text
from jaccourse.book._plain_markdown import book_index, plain_markdown

F = "```"
MYST = (
    MarkdownIt("commonmark")
    .use(myst_role_plugin)
    .use(myst_block_plugin)
    .use(dollarmath_plugin, allow_labels=True, double_inline=True)
    .use(colon_fence_plugin)
    .enable("table")
)


def raw_myst(markdown: str) -> list[str]:
    """Every MyST construct markdown-it (with MyST's plugins) finds in ``markdown``: roles,
    labels, comments, block breaks, directives, labelled display maths, directive options."""
    found = []
    for token in MYST.parse(markdown):
        if token.type in ("myst_target", "myst_line_comment", "myst_block_break"):
            found.append(f"{token.type}: {token.content.strip()}")
        elif token.type in ("fence", "colon_fence") and token.info.strip().startswith("{"):
            found.append(f"directive {token.info.strip()}")
        elif token.type == "math_block_label":
            found.append(f"equation label ({token.info})")
        elif token.type == "inline":
            if token.content.lstrip().startswith(":") and ":" in token.content.lstrip()[1:]:
                head = token.content.split()[0]
                if head.endswith(":") and head[1:-1].replace("-", "").isalnum():
                    found.append(f"directive option {head}")
            for child in token.children or []:
                if child.type == "myst_role":
                    found.append(f"role {{{child.meta['name']}}}`{child.content}`")
    return found


def test_raw_myst_finds_every_kind_of_construct():
    """The checker itself: each construct is found, plain Markdown is not."""
    text = "\n".join(
        [
            "(lab)=",
            "# T",
            "",
            "% a comment",
            "",
            "See {eq}`x`, not `{eq}`.",
            "",
            "$$",
            "x",
            "$$ (lab2)",
            "",
            ":::{note}",
            "hi",
            ":::",
            "",
            F + "{prf:theorem}",
            ":label: a",
            "body",
            F,
            "",
            ":label: b",
            "",
            "+++",
            "",
            "| a | b |",
            "|---|---|",
            "| 1 | 2 |",
        ]
    )
    assert raw_myst(text) == [
        "myst_target: lab",
        "myst_line_comment: a comment",
        "role {eq}`x`",
        "equation label (lab2)",
        "directive {note}",
        "directive {prf:theorem}",
        "directive option :label:",
        "myst_block_break: ",
    ]
    assert raw_myst("# 2. T\n\n$$\nx \\tag{2.1}\n$$\n\n**Theorem 2.1.** `code`\n") == []


# --------------------------------------------------------------------------------------------
# a small book: two numbered parts, an unnumbered front page and back matter
# --------------------------------------------------------------------------------------------

TOC = """\
format: jb-book
root: intro
parts:
  - caption: One
    numbered: true
    chapters:
      - file: first
  - caption: Two
    numbered: true
    chapters:
      - file: second
  - caption: Back
    chapters:
      - file: glossary
"""

BIB = """\
@book{boyd2004, author = {Boyd, Stephen and Vandenberghe, Lieven}, title = {Convex Optimization},
  publisher = {Cambridge University Press}, year = {2004}}
@article{three, author = {Alpha, A. and Beta, B. and Gamma, C.}, title = {Three {\\"u}ber},
  journal = {J. Ex.}, year = {1999}}
@misc{solo, author = {Nguyen Vu Hung}, title = {Seed}, year = {2025}}
"""

FIRST = """\
(first)=
# First chapter

Intro text.

(first-sec-a)=
## Section A

$$
a = 1
$$ (first-eq-a)

```{prf:definition} A word
:label: first-def-word

A *word* is $w$.
```

```{prf:theorem} Big
:label: first-thm-big

It holds:

$$
b = 2
$$ (first-eq-b)
```

```{prf:proof}
Trivial.
```

### A subsection

```{code-cell} ipython3
---
mystnb:
  figure:
    caption: |
      A curve of $y = x^2$.
    name: first-fig-curve
---
print("figure")
```

```{list-table} Two rows
:header-rows: 1
:name: first-tab-rows

* - symbol
  - meaning
* - $x$
  - a point, with a | bar
```

```{exercise-start}
:label: first-ex-one
```

Do it.

```{exercise-end}
```
"""

SECOND = """\
# Second chapter

## Going on

```{math}
:label: second-eq-c
c = 3
```

```{prf:theorem}
:label: second-thm-unnamed
:nonumber:

No number.
```

```{prf:theorem} Counted
:label: second-thm-counted

Counted.
```

```{admonition} Goals of the chapter
:class: chapter-goals

- one, by {eq}`first-eq-a`
```

```{note}
A note.
```

:::{warning} Careful here.
:::

```{figure} images/plot.png
:name: second-fig-plot
:alt: a plot
:width: 80%

The caption.
```

```{table} Results
:name: second-tab-results

| a | b |
|---|---|
| 1 | 2 |
```

```{glossary}
Jacobian matrix
  The matrix of partial derivatives.

gradient
  The transposed Jacobian of a scalar function.
```

```{bibliography}
```

```{code-block} python
x = 1
```
"""


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("book")
    (root / "_toc.yml").write_text(TOC, encoding="utf-8")
    (root / "_config.yml").write_text("title: T\nbibtex_bibfiles: [refs.bib]\n", encoding="utf-8")
    (root / "refs.bib").write_text(BIB, encoding="utf-8")
    (root / "intro.md").write_text("# Welcome\n\n(intro-sec)=\n## How to read\n", encoding="utf-8")
    (root / "first.md").write_text(FIRST, encoding="utf-8")
    (root / "second.md").write_text(SECOND, encoding="utf-8")
    (root / "glossary.md").write_text("# Glossary\n", encoding="utf-8")
    return root


def convert(book: Path, page: str, text: str, **kwargs) -> str:
    return plain_markdown(textwrap.dedent(text).replace("~~~", F), book_index(book), page, **kwargs)


def test_chapters_are_numbered_through_the_numbered_parts(book):
    index = book_index(book)
    assert index.numbers == {"intro": "", "first": "1", "second": "2", "glossary": ""}
    assert index.titles["first"] == "First chapter"
    targets = {label: (t.kind, t.number) for label, t in index.targets.items()}
    assert targets == {
        "intro-sec": ("section", ""),
        "first": ("section", "1"),
        "first-sec-a": ("section", "1.1"),
        "first-eq-a": ("equation", "1.1"),
        "first-eq-b": ("equation", "1.2"),
        "first-def-word": ("definition", "1.1"),
        "first-thm-big": ("theorem", "1.1"),
        "first-fig-curve": ("figure", "1.1"),
        "first-tab-rows": ("table", "1.1"),
        "first-ex-one": ("exercise", "1.1"),
        "second-eq-c": ("equation", "2.1"),
        "second-thm-unnamed": ("theorem", ""),
        "second-thm-counted": ("theorem", "2.1"),
        "second-fig-plot": ("figure", "2.1"),
        "second-tab-results": ("table", "2.1"),
    }
    assert index.citations["boyd2004"][:2] == ("Boyd and Vandenberghe", "2004")
    assert index.citations["three"][:2] == ("Alpha et al.", "1999")
    assert index.citations["solo"][:2] == ("Hung", "2025")


def test_a_whole_chapter_becomes_plain_markdown_with_the_site_numbers(book):
    out = plain_markdown((book / "first.md").read_text(encoding="utf-8"), book_index(book), "first")
    assert raw_myst(out.replace(F + "{code-cell} ipython3", F + "python")) == []
    lines = out.splitlines()
    for expected in [
        "# 1. First chapter",
        "## 1.1. Section A",
        "### 1.1.1. A subsection",
        "\\tag{1.1}",
        "\\tag{1.2}",
        "**Definition 1.1 (A word).**",
        "**Theorem 1.1 (Big).**",
        "*Proof.*",
        "Trivial. ∎",
        "*Fig. 1.1: A curve of $y = x^2$.*",
        "*Table 1.1: Two rows*",
        "| symbol | meaning |",
        "|---|---|",
        "| $x$ | a point, with a \\| bar |",
        "**Exercise 1.1**",
    ]:
        assert expected in lines, expected
    assert "(first)=" not in out and ":label:" not in out and ":name:" not in out
    cell = out.index(F + "{code-cell} ipython3")
    assert out.index("*Fig. 1.1:") > cell  # the caption follows its cell


def test_references_read_as_the_site_shows_them(book):
    out = convert(
        book,
        "second",
        """\
        By {eq}`first-eq-b` and {eq}`second-eq-c`, {prf:ref}`first-thm-big` and
        {prf:ref}`the definition <first-def-word>`; {numref}`first-fig-curve`,
        {numref}`Figure %s <first-fig-curve>`, {numref}`Figure {number}: {name} <first-fig-curve>`,
        {numref}`first-tab-rows`, {numref}`first-sec-a`; {ref}`first-sec-a`,
        {ref}`the start <first-sec-a>`, {ref}`first-ex-one`, {ref}`first-fig-curve`;
        {prf:ref}`second-thm-unnamed`.
        """,
    )
    assert (
        out.split()
        == (
            "By (1.2) and (2.1), Theorem 1.1 and the definition; Fig. 1.1, Figure 1.1, "
            "Figure 1.1: A curve of $y = x^2$., Table 1.1, Section 1.1; Section A, the start, "
            "Exercise 1.1, A curve of $y = x^2$.; Theorem."
        ).split()
    )


def test_documents_citations_api_terms_and_maths(book):
    out = convert(
        book,
        "second",
        """\
        See {doc}`first`, {doc}`the first one <first>` and {doc}`intro`; {cite:p}`boyd2004`,
        {cite}`three,solo`, {cite:t}`boyd2004`; {py:func}`~jaccourse.derivatives.jacobian`,
        {py:func}`jaccourse.derivatives.hessian`, {py:class}`~jaccourse.nn.MLP`,
        {py:meth}`net.forward(x) <jaccourse.nn.MLP.forward>`, {py:data}`~jaccourse.nn.relu`,
        {py:mod}`jaccourse.book.exercises`, {api}`load_nist_strd`; a {term}`Jacobian matrix`,
        {term}`JVPs <JVP>`, {math}`\\alpha`.
        """,
        doc_link=lambda stem: f"{stem}.ipynb" if stem == "first" else "",
    )
    body, _, refs = out.partition("**References**")
    assert (
        body.split()
        == (
            "See [First chapter](first.ipynb), [the first one](first.ipynb) and Welcome; "
            "(Boyd and Vandenberghe, 2004), (Alpha et al., 1999; Hung, 2025), "
            "Boyd and Vandenberghe (2004); `jacobian()`, `jaccourse.derivatives.hessian()`, "
            "`MLP`, `net.forward(x)`, `relu`, `jaccourse.book.exercises`, `load_nist_strd`; "
            "a Jacobian matrix, JVPs, $\\alpha$."
        ).split()
    )
    assert refs.strip().splitlines() == [
        "- Stephen Boyd and Lieven Vandenberghe (2004). *Convex Optimization*. "
        "Cambridge University Press.",
        "- A. Alpha, B. Beta and C. Gamma (1999). *Three über*. J. Ex.",
        "- Nguyen Vu Hung (2025). *Seed*.",
    ]
    assert raw_myst(out) == []


def test_a_role_inside_code_is_code_and_code_cells_are_left_alone(book):
    text = "\n".join(
        [
            "Write `{eq}` as ``{eq}`label` ``.",
            "",
            F + "{code-cell} ipython3",
            "s = '{eq}`first-eq-a`'",
            "",
            "",
            "t = 1",
            F,
            "",
            F + "markdown",
            "{cite:p}`nowhere`",
            F,
        ]
    )
    out = plain_markdown(text, book_index(book), "second")
    assert out == text + "\n"


def test_admonitions_figures_tables_glossary_bibliography_and_code_blocks(book):
    out = plain_markdown(
        (book / "second.md").read_text(encoding="utf-8"), book_index(book), "second"
    )
    lines = out.splitlines()
    for expected in [
        "**Goals of the chapter**",
        "- one, by (1.1)",
        "**Note**",
        "A note.",
        "**Warning**",
        "Careful here.",
        "![a plot](images/plot.png)",
        "*Fig. 2.1: The caption.*",
        "*Table 2.1: Results*",
        "| a | b |",
        "**Jacobian matrix**: The matrix of partial derivatives.",
        "**gradient**: The transposed Jacobian of a scalar function.",
        "- Nguyen Vu Hung (2025). *Seed*.",
        F + "python",
        "x = 1",
    ]:
        assert expected in lines, expected
    assert raw_myst(out) == []
    assets: list[str] = []
    plain_markdown(
        "~~~{figure} images/plot.png\n~~~\n".replace("~~~", F),
        book_index(book),
        "second",
        assets=assets,
    )
    assert assets == ["images/plot.png"]


@pytest.mark.parametrize(
    "text, message",
    [
        ("{eq}`nowhere`", r"\{eq\}`nowhere` refers to a label that no page of _toc.yml defines"),
        ("{doc}`missing`", r"\{doc\}`missing` refers to a page that is not in _toc.yml"),
        (
            "{cite:p}`nobody`",
            r"\{cite:p\}`nobody` cites 'nobody', which is not in the bibliography",
        ),
        ("{kbd}`Ctrl`", r"the role \{kbd\} .* has no plain-Markdown form"),
        ("{glue:text}`key:.2f`", r"\{glue:text\}`key:.2f` was not filled in"),
        ("{eval}`x`", r"\{eval\}`x` was not filled in"),
        (F + "{mermaid}\ngraph\n" + F, r"the directive \{mermaid\} \(line 1\) has no plain"),
        (F + "{eval-rst}\n.. x::\n" + F, r"an eval-rst block \(line 1\) has no plain"),
    ],
)
def test_what_has_no_plain_form_is_refused_by_name(book, text, message):
    with pytest.raises(ValueError, match=r"^plain_markdown: page second: " + message):
        plain_markdown(text, book_index(book), "second")


def test_bad_arguments_are_refused(book):
    with pytest.raises(TypeError, match=r"^plain_markdown: myst_text must be a str"):
        plain_markdown(b"x", book_index(book), "second")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^plain_markdown: index must be a BookIndex"):
        plain_markdown("x", {}, "second")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"^book_index: root must be the course repository"):
        book_index(book / "nowhere")


# --------------------------------------------------------------------------------------------
# the numbers: glue and {eval}, computed by running the chapter
# --------------------------------------------------------------------------------------------

GLUE_DISPLAY = (
    "from IPython.display import display\n"
    "display({'application/papermill.record/text/plain': '0.123456'}, raw=True, "
    "metadata={'scrapbook': {'name': 'shown', "
    "'mime_prefix': 'application/papermill.record/'}})"
)


def test_fill_numbers_evaluates_each_expression_where_it_stands_and_every_glue_form(tmp_path):
    text = "\n".join(
        [
            "---",
            "kernelspec:",
            "  name: python3",
            "  display_name: Python 3",
            "---",
            "Before: {glue:text}`late:.1f` (glued below).",
            "",
            F + "{code-cell} ipython3",
            "x = 1",
            GLUE_DISPLAY,
            "from jaccourse.book.glue import glue",
            "glue('late', 2.25, display=False)",
            F,
            "",
            "Now x = {eval}`str(x)`, shown = {glue:text}`shown:.2f`, as text {glue:text}`shown`,",
            "a percentage {glue:text}`late:.0%`.",
            "",
            F + "{code-cell} ipython3",
            "---",
            "mystnb:",
            "  figure:",
            "    caption: x is {eval}`str(x)` here",
            "    name: fig",
            "---",
            "x = 2",
            F,
            "",
            F + "{prf:theorem}",
            "Inside a directive x = {eval}`f'{x:.1f}'`.",
            F,
            "",
            F + "python",
            "{eval}`x` in a literal block stays",
            F,
            "",
            "The `{eval}` in code stays, {eval}`'quoted'` loses its quotes.",
        ]
    )
    out = fill_numbers(text, tmp_path, page="demo")
    assert out.splitlines() == [
        "---",
        "kernelspec:",
        "  name: python3",
        "  display_name: Python 3",
        "---",
        "Before: 2.2 (glued below).",
        "",
        F + "{code-cell} ipython3",
        "x = 1",
        *GLUE_DISPLAY.splitlines(),
        "from jaccourse.book.glue import glue",
        "glue('late', 2.25, display=False)",
        F,
        "",
        "Now x = 1, shown = 0.12, as text 0.123456,",
        "a percentage 225%.",
        "",
        F + "{code-cell} ipython3",
        "---",
        "mystnb:",
        "  figure:",
        "    caption: x is 2 here",
        "    name: fig",
        "---",
        "x = 2",
        F,
        "",
        F + "{prf:theorem}",
        "Inside a directive x = 2.0.",
        F,
        "",
        F + "python",
        "{eval}`x` in a literal block stays",
        F,
        "",
        "The `{eval}` in code stays, quoted loses its quotes.",
    ]


def test_fill_numbers_without_roles_starts_no_kernel(tmp_path):
    text = "# T\n\n" + F + "{code-cell} ipython3\nraise SystemExit\n" + F + "\n"
    assert fill_numbers(text, tmp_path) == text  # the failing cell never ran


def test_fill_numbers_with_eval_only_stops_after_the_last_role(tmp_path):
    text = "\n".join(
        [
            F + "{code-cell} ipython3",
            "x = 41",
            F,
            "",
            "x + 1 = {eval}`str(x + 1)`",
            "",
            F + "{code-cell} ipython3",
            "raise ValueError('never run')",
            F,
        ]
    )
    assert fill_numbers(text, tmp_path).splitlines()[4] == "x + 1 = 42"


@pytest.mark.parametrize(
    "body, message",
    [
        ("raise ValueError('broken')", r"the code cell at line 3 failed \(ValueError: broken\)"),
        ("y = 1", r"\{eval\}`z \+ 1` failed \(NameError"),
    ],
)
def test_fill_numbers_names_a_failing_cell_or_expression(tmp_path, body, message):
    text = "\n".join(["x", "", F + "{code-cell} ipython3", body, F, "", "{eval}`z + 1`"])
    with pytest.raises(ValueError, match=r"^fill_numbers: page demo: " + message):
        fill_numbers(text, tmp_path, page="demo")


def test_fill_numbers_refuses_bad_arguments(tmp_path):
    with pytest.raises(TypeError, match=r"^fill_numbers: myst_text must be a str"):
        fill_numbers(3, tmp_path)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"^fill_numbers: cwd must be an existing folder"):
        fill_numbers("x", tmp_path / "nowhere")
    with pytest.raises(ValueError, match=r"^fill_numbers: timeout must be a positive number"):
        fill_numbers("x", tmp_path, timeout=0)


@pytest.mark.parametrize(
    "plain, spec, expected",
    [
        ("0.123456", ".3f", "0.123"),
        ("'abc'", "s", "abc"),
        ("12", ",d", "12"),
        ("1234567", ",d", "1,234,567"),
        ("0.5", ".0%", "50%"),
        ("3", "", "3"),
        ("2.5e-07", ".1e", "2.5e-07"),
    ],
)
def test_format_glue_text_formats_as_myst_nb(plain, spec, expected):
    assert format_glue_text(plain, spec) == expected


def test_format_glue_text_refuses_a_format_that_does_not_fit():
    with pytest.raises(ValueError, match=r"^format_glue_text: fmt_spec '.2f' does not apply"):
        format_glue_text("'abc'", ".2f")
