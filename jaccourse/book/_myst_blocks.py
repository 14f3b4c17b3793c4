r"""Reading a MyST Markdown text as blocks: plain lines, and fenced blocks kept whole.

The book machinery (the student edition, its plain-Markdown conversion, the nbgrader course)
reads the chapters' MyST source the way MyST does at the level it needs: a fence opens with
at least three backticks, tildes or colons (``colon_fence``), indented by at most three
spaces, and runs to the first closing fence of the same character and at least the same
length (an unclosed fence runs to the end of the text, as in CommonMark); a fence whose info
string is ``{name} argument`` is a directive, whose content starts with its options (``:key:
value`` lines or a ``---`` YAML block). Everything else is one block per line.

A private module of the book machinery (``jaccourse.book``): its names are for
``jaccourse.book.student_edition``.

Examples
--------
>>> fence = "`" * 3
>>> text = "\n".join(["# Title", fence + "{note} A note", ":class: tip", "", "Body.", fence])
>>> [(b.name, b.argument, b.options, b.body) for b in read_blocks(text)]
[('', '', {}, []), ('note', 'A note', {'class': 'tip'}, ['', 'Body.'])]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["Block", "read_blocks", "parse_options", "FENCE_OPEN", "DIRECTIVE", "OPTION"]

#: A fence's opening line: indent, fence characters, info string.
FENCE_OPEN = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,}|:{3,})(?P<info>.*)$")
#: A directive's info string: ``{name} argument``.
DIRECTIVE = re.compile(r"^\s*\{(?P<name>[^}\s]+)\}\s*(?P<argument>.*?)\s*$")
#: One ``:key: value`` option line of a directive.
OPTION = re.compile(r"^:(?P<key>[\w-]+):\s*(?P<value>.*?)\s*$")


@dataclass
class Block:
    """One line of plain text, or one fenced block (fences included) of a MyST text.

    Attributes
    ----------
    lines : list of str
        The block's lines, fences included.
    start : int
        The 1-based line number of its first line.
    name, argument : str
        The directive's name and argument (``"code-cell"``, ``"ipython3"``); empty for a plain
        line or a fence that is not a directive.
    fenced : bool
        Whether the block is a fenced block.
    options : dict
        The directive's options (``:key: value`` lines, or a ``---`` block of ``key: value``
        lines, read naively: nested YAML is not interpreted).
    body : list of str
        The directive's content after its options, closing fence excluded.
    yaml_options : list of str
        The lines of a ``---`` options block (without the ``---`` lines), for a real YAML
        reader.
    """

    lines: list[str]
    start: int
    name: str = ""
    argument: str = ""
    fenced: bool = False
    options: dict[str, str] = field(default_factory=dict)
    body: list[str] = field(default_factory=list)
    yaml_options: list[str] = field(default_factory=list)


def parse_options(content: list[str]) -> tuple[dict[str, str], list[str]]:
    """Split a directive's content into its options and the rest.

    Parameters
    ----------
    content : list of str
        The lines between a directive's fences.

    Returns
    -------
    tuple
        The options (``:key: value`` lines, or a ``---`` YAML block of ``key: value`` lines)
        as a dict of strings, and the remaining lines.

    Examples
    --------
    >>> parse_options([":label: x", ":class: dropdown", "", "Text."])
    ({'label': 'x', 'class': 'dropdown'}, ['', 'Text.'])
    """
    if not isinstance(content, list):
        raise TypeError(
            f"parse_options: content must be a list of lines, got {type(content).__name__}"
        )
    options: dict[str, str] = {}
    if content and content[0].strip() == "---":
        for k in range(1, len(content)):
            if content[k].strip() == "---":
                for line in content[1:k]:
                    key, sep, value = line.partition(":")
                    if sep:
                        options[key.strip()] = value.strip()
                return options, content[k + 1 :]
        return options, content
    k = 0
    while k < len(content) and (match := OPTION.match(content[k].strip())):
        options[match["key"]] = match["value"]
        k += 1
    return options, content[k:]


def read_blocks(text: str, *, front_matter: bool = True) -> list[Block]:
    r"""The MyST text as blocks: front matter and plain lines one by one, fenced blocks whole.

    Parameters
    ----------
    text : str
        MyST Markdown.
    front_matter : bool, optional
        Read a leading ``---`` ... ``---`` as one block (the page's front matter), never
        scanned for fences. False for a directive's body.

    Returns
    -------
    list of Block

    Examples
    --------
    >>> [b.lines for b in read_blocks("a\n```python\nx = 1\n```\nb")]
    [['a'], ['```python', 'x = 1', '```'], ['b']]
    """
    if not isinstance(text, str):
        raise TypeError(f"read_blocks: text must be a str, got {type(text).__name__}")
    lines = text.splitlines()
    blocks: list[Block] = []
    i = 0
    if front_matter and lines and lines[0].strip() == "---":
        end = next((k for k in range(1, len(lines)) if lines[k].strip() == "---"), None)
        if end is not None:
            blocks.append(Block(lines[: end + 1], 1))
            i = end + 1
    while i < len(lines):
        match = FENCE_OPEN.match(lines[i])
        if match is None or (match["fence"][0] == "`" and "`" in match["info"]):
            blocks.append(Block([lines[i]], i + 1))
            i += 1
            continue
        fence = match["fence"]
        closing = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*$")
        end = next((k for k in range(i + 1, len(lines)) if closing.match(lines[k])), None)
        stop = len(lines) if end is None else end + 1  # an unclosed fence runs to the end
        block = Block(lines[i:stop], i + 1, fenced=True)
        directive = DIRECTIVE.match(match["info"])
        if directive is not None:
            block.name, block.argument = directive["name"], directive["argument"]
            inner = lines[i + 1 : end if end is not None else stop]
            block.options, block.body = parse_options(inner)
            if inner and inner[0].strip() == "---" and len(inner) - len(block.body) >= 2:
                block.yaml_options = inner[1 : len(inner) - len(block.body) - 1]
        blocks.append(block)
        i = stop
    return blocks
