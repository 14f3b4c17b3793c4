"""Fixtures of the JupyterLab suite: the course read as a notebook, in a real client.

What a reader gets is rebuilt here from the committed state of the repository:

* ``lab_clone``: a fresh ``git clone`` of the repository (its committed ``HEAD``, as CI and
  Binder see it) in a temporary directory;
* ``binder_env``: the Binder environment, a virtual environment made with ``python -m venv``
  and ``pip install -r binder/requirements.txt`` run from the clone's root, as repo2docker
  does (there is no ``postBuild``; if one appears, it is run too, from the clone's root);
* ``binder_lab``: JupyterLab from that environment with ``HOME`` the clone (Binder's
  ``$HOME`` is the repository), working directory and ``root_dir`` the clone, no token and no
  password, on 127.0.0.1 and a free port; ``local_lab``: JupyterLab from the environment
  running the tests (the README's ``.venv``) with ``HOME`` an empty directory, as on a
  reader's own machine. Each is waited for on ``/api/status`` and always shut down, kernels
  included;
* ``lab_browser``: Debian's Chromium (``/usr/bin/chromium``) through Playwright, headless: the
  site suite's own browser, one per test process; every request that leaves the JupyterLab
  server is aborted and recorded, and the tests fail on it.

JupyterLab is started with ``--LabApp.expose_app_in_browser=True``: it only exposes the
running application as ``window.jupyterapp``, so that the tests can read the notebook's model
(execution counts, outputs, the inline expressions' results) besides the DOM the reader sees.

Binder's ``$HOME`` is the repository, so the per-user state that Jupyter, IPython and
matplotlib write under ``$HOME`` (``.local/``, ``.ipython/``, ``.jupyter/``, ``.cache/``,
``.config/``, and ``.npm/`` from JupyterLab's extension manager) lands in the clone; those
folders are listed in the clone's own
``.git/info/exclude`` (not a committed file), so that ``git status`` shows what saving a
chapter changes and nothing else.

The source side (which cells must be hidden, the book's labels, the ``{eval}`` roles) is
read from the clone's files with jupytext, as JupyterLab's jupytext reads them.
"""

from __future__ import annotations

import fcntl
import functools
import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import jupytext
import pytest

from jaccourse.book.toc import is_notebook

from ..conftest import block_other_hosts, toc_pages

ROOT = Path(__file__).resolve().parents[3]
CHROMIUM = Path("/usr/bin/chromium")
VIEWPORT = {"width": 1280, "height": 900}
SCREENSHOTS = ROOT / "_build" / "screenshots"
TIMEOUT_MS = 120_000  # a loaded 2-core CI machine is slow to boot JupyterLab
#: How long JupyterLab may take to answer on /api/status.
SERVER_START_S = 120
#: What Jupyter, IPython and matplotlib write under $HOME (= the clone on Binder).
HOME_STATE = (".local/", ".ipython/", ".jupyter/", ".cache/", ".config/", ".npm/")


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "jupyterlab: the JupyterLab suite (tests/e2e/jupyterlab): the chapters "
        "opened, run and saved as notebooks in JupyterLab, driven by headless Chromium",
    )


#: The chapter of the screenshots before and after Run All.
SCREENSHOT_CHAPTER = "book/one-variable"


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.jupyterlab)


def skip_without_chromium() -> None:
    """Skip the calling module, saying why, only when Chromium is absent."""
    if not CHROMIUM.exists():
        pytest.skip(
            f"JupyterLab suite skipped: no Chromium at {CHROMIUM} "
            "(Debian: apt-get install chromium)",
            allow_module_level=True,
        )


# --------------------------------------------------------------------------------------
# The sources: chapters, hidden cells, labels, inline expressions
# --------------------------------------------------------------------------------------


def toc_documents(root: Path = ROOT) -> list[str]:
    """Every document of ``_toc.yml`` as a path without suffix, e.g. ``book/intro``."""
    return toc_pages(root)


def notebook_chapters(root: Path = ROOT) -> list[str]:
    """The notebook chapters of ``_toc.yml``, in order, e.g. ``book/one-variable``."""
    return [
        doc
        for doc in toc_documents(root)
        if (root / f"{doc}.md").exists() and is_notebook(root / f"{doc}.md")
    ]


def read_notebook(path: Path):
    return jupytext.read(path, as_version=4)


HIDING_TAGS = {"remove-cell", "hide-input", "remove-input"}
SOLUTION_START = re.compile(r"^(`{3,}|:{3,})\{solution-start\}", re.M)
SOLUTION_END = re.compile(r"^(`{3,}|:{3,})\{solution-end\}", re.M)
SOLUTION_BLOCK = re.compile(r"^(`{3,}|:{3,})\{solution\}", re.M)


def source_hidden(cell) -> bool:
    return bool((cell.metadata.get("jupyter") or {}).get("source_hidden"))


def must_be_hidden(nb) -> dict[int, str]:
    """The cells a reader must not see before asking, by index, with the reason: every cell
    of a solution (from the markdown cell with ``{solution-start}`` to the one with
    ``{solution-end}``, both included, and a markdown cell holding a ``{solution}``), and
    every code cell tagged ``remove-cell``, ``hide-input`` or ``remove-input``."""
    hidden: dict[int, str] = {}
    inside = False
    for i, cell in enumerate(nb.cells):
        text = cell.source if cell.cell_type == "markdown" else ""
        starts, ends = bool(SOLUTION_START.search(text)), bool(SOLUTION_END.search(text))
        if starts:
            inside = True
        if inside or SOLUTION_BLOCK.search(text):
            hidden[i] = "solution"
        if ends:
            inside = False
        tags = HIDING_TAGS & set(cell.metadata.get("tags") or [])
        if cell.cell_type == "code" and tags and i not in hidden:
            hidden[i] = "tag " + "/".join(sorted(tags))
    return hidden


LABEL_PATTERNS = (
    re.compile(r"^\(([^()\s]+)\)=\s*$", re.M),  # (label)=
    re.compile(r"^\s*:(?:label|name):\s*(\S+)\s*$", re.M),  # :label: x, :name: x
    re.compile(r"^\s*\$\$\s*\(([^()\s]+)\)\s*$", re.M),  # $$ (label)
)
GLUE_KEY = re.compile(r"""\bglue\(\s*(['"])([^'"]+)\1""")


def _figure_names(metadata) -> set[str]:
    names: set[str] = set()
    if isinstance(metadata, dict):
        for key, value in metadata.items():
            if key == "name" and isinstance(value, str):
                names.add(value)
            else:
                names |= _figure_names(value)
    elif isinstance(metadata, list):
        for value in metadata:
            names |= _figure_names(value)
    return names


def book_labels(root: Path) -> set[str]:
    """Every label of the book (``(x)=``, ``:label: x``, ``:name: x``, ``$$ (x)``, the
    figure ``name:``s of code-cell metadata) and every glue key (``glue("key", ...)`` in a
    code cell): none of them is a word a reader should see."""
    labels: set[str] = set()
    for doc in toc_documents(root):
        path = root / f"{doc}.md"
        if not path.exists():
            continue  # a page the TOC names but the tree lacks: the book build says so
        text = path.read_text(encoding="utf-8")
        for pattern in LABEL_PATTERNS:
            labels |= set(pattern.findall(text))
        if is_notebook(path):
            for cell in read_notebook(path).cells:
                if cell.cell_type == "code":
                    labels |= {m.group(2) for m in GLUE_KEY.finditer(cell.source)}
                    labels |= _figure_names(cell.metadata.get("mystnb"))
                    labels |= _figure_names(cell.metadata.get("figure"))
    return labels


EVAL_ROLE = re.compile(r"\{eval\}`([^`]+)`")
_ROLE = re.compile(r"\{[\w:.+-]+\}`[^`]*`")
_MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$", re.S)
_FENCE_LINE = re.compile(r"^\s*(`{3,}|:{3,}|~{3,}).*$", re.M)
_OPTION_LINE = re.compile(r"^\s*:[\w-]+:.*$", re.M)
_LABEL_LINE = re.compile(r"^\([^()\s]+\)=\s*$", re.M)
_LINK_TARGET = re.compile(r"\]\([^)]*\)|<[^<>\s]+>")
_INLINE_CODE = re.compile(r"`[^`]*`")


_ROLE_WITH_TEXT = re.compile(r"\{[\w:.+-]+\}`([^`<]*?)\s*<[^`]*>`")
#: roles whose content is what the reader sees (the book's ``{api}`newton``` names the
#: function ``newton``; jupyterlab-myst shows an unknown role's content as it is)
_SHOWN_ROLE = re.compile(r"\{(?:api|term|abbr|sub|sup|kbd)\}`([^`]*)`")


def prose_of(markdown: str) -> str:
    """A markdown cell's prose without its MyST markup: a role's explicit text kept
    (``{doc}`the glossary <notation>``` shows "the glossary"), other roles dropped, no math,
    no inline code, no fence, option or label lines, no link targets. A label that is also a
    plain word of the prose (e.g. a chapter label such as ``sigmoid``) may show as often as
    the prose says it."""
    text = markdown
    for pattern in (_FENCE_LINE, _OPTION_LINE, _LABEL_LINE):
        text = pattern.sub(" ", text)
    text = _ROLE_WITH_TEXT.sub(r" \1 ", text)
    text = _SHOWN_ROLE.sub(r" \1 ", text)
    text = _ROLE.sub(" ", text)
    # maths shows no label, but its \text{...} shows words ("\text{for the sigmoid}")
    words_in_maths = " ".join(
        re.findall(
            r"\\(?:text|mathrm|operatorname)\{([^{}]*)\}",
            " ".join(m.group(0) for m in _MATH.finditer(text)),
        )
    )
    text = _MATH.sub(" ", text) + " " + words_in_maths
    text = _INLINE_CODE.sub(" ", text)
    return _LINK_TARGET.sub(" ", text)


def word_count(word: str, text: str) -> int:
    return len(_word_pattern(word).findall(text)) if word in text else 0


@functools.cache
def _word_pattern(word: str) -> re.Pattern:
    # compiled once per word: the book has far more labels than re's cache holds (512), so
    # re.findall(pattern_string, ...) recompiled every one of them for every cell (4 s a chapter)
    return re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])")


def bib_keys(root: Path) -> set[str]:
    keys: set[str] = set()
    for bib in (root / "book").glob("*.bib"):
        keys |= set(re.findall(r"@\w+\s*\{\s*([^,\s]+)\s*,", bib.read_text(encoding="utf-8")))
    return keys


# Raw MyST in the rendered text of a markdown cell (math, code and citations taken out).
RAW_MYST = {
    "role or directive name": re.compile(r"\{[a-zA-Z][\w:.+-]*\}`?"),
    "directive option line": re.compile(r"(?m)^[ \t]*:[a-z][\w-]*:(?=\s|$)"),
    "label line (x)=": re.compile(r"\([^()\s]+\)="),
    "code fence": re.compile(r"`{3,}|~{3,}|:{3,}\{"),
    # jupyterlab-myst shows a gated exercise as "Start of Exercise"/"End of Exercise" text; a
    # gated solution of class dropdown is a closed dropdown titled "Start of Solution to
    # Exercise N", which is the reader's way in (not raw markup), so that title is allowed
    "gated Start of/End of marker": re.compile(
        r"\b(?:Start of Exercise|End of (?:Exercise|Solution))"
    ),
    "role text ~module.name": re.compile(r"~[A-Za-z_][\w]*\.[\w.]+"),
    "target leftover <x>": re.compile(r"<[\w./#:-]+>"),
    "unknown directive or role": re.compile(r"Unknown (?:Directive|Role)"),
    "raw display math $$": re.compile(r"\$\$"),
}


def raw_myst(text: str) -> list[str]:
    """Every piece of raw MyST markup in ``text``, as ``"kind: 'match'"``."""
    found = []
    for kind, pattern in RAW_MYST.items():
        for match in pattern.finditer(text):
            found.append(f"{kind}: {match.group(0)!r}")
    return found


# --------------------------------------------------------------------------------------
# The repository, the Binder environment, JupyterLab
# --------------------------------------------------------------------------------------


def _run(
    command: list[str],
    cwd: Path,
    log: Path,
    env: dict | None = None,
    timeout: float = 1800,
    attempts: int = 1,
    pause_s: float = 10,
) -> None:
    """Run ``command``, its output appended to ``log``; fail the test if it fails
    ``attempts`` times in a row (each failure is printed, with the tail of the log)."""
    for attempt in range(1, attempts + 1):
        with log.open("a", encoding="utf-8") as out:
            out.write(f"\n$ {' '.join(map(str, command))}  (in {cwd}, attempt {attempt})\n")
            out.flush()
            done = subprocess.run(
                command,
                cwd=cwd,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                timeout=timeout,
                check=False,
            )
        if done.returncode == 0:
            return
        tail = "\n".join(log.read_text(encoding="utf-8").splitlines()[-25:])
        message = (
            f"{' '.join(map(str, command))} failed (exit {done.returncode}, log in {log}):\n{tail}"
        )
        if attempt == attempts:
            pytest.fail(message, pytrace=False)
        print(f"\n{message}\ntrying again ({attempt + 1} of {attempts}) in {pause_s:.0f} s")
        time.sleep(pause_s)


def git_status(clone: Path) -> str:
    return subprocess.run(
        ["git", "status", "--porcelain"], cwd=clone, capture_output=True, text=True, check=True
    ).stdout


def git_diff(clone: Path) -> str:
    return subprocess.run(
        ["git", "diff"], cwd=clone, capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture(scope="package")
def lab_logs(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("jupyterlab-logs")


def _fresh_clone(clone: Path, log: Path) -> Path:
    """A fresh clone of the repository's committed HEAD at ``clone``."""
    _run(["git", "clone", "--quiet", str(ROOT), str(clone)], cwd=ROOT, log=log)
    exclude = clone / ".git" / "info" / "exclude"
    exclude.parent.mkdir(parents=True, exist_ok=True)
    with exclude.open("a", encoding="utf-8") as out:
        out.write(
            "\n# what Jupyter, IPython and matplotlib write under $HOME (the clone, as "
            "on Binder)\n" + "".join(f"/{d}\n" for d in HOME_STATE)
        )
    assert git_status(clone) == "", f"a fresh clone is not clean:\n{git_status(clone)}"
    return clone


@pytest.fixture(scope="package")
def lab_clone(tmp_path_factory, lab_logs) -> Path:
    """A fresh clone of the repository's committed HEAD."""
    clone = tmp_path_factory.mktemp("jupyterlab-home") / "jaccourse"
    return _fresh_clone(clone, lab_logs / "clone.log")


def _clean_env(home: Path, bindir: Path) -> dict[str, str]:
    """The environment of a reader's session: ``HOME`` set, the environment's ``bin`` first
    on ``PATH``, nothing of this test process's Python or Jupyter settings."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(
            ("JUPYTER", "IPYTHON", "PYTHON", "MPL", "VIRTUAL_ENV", "PYTEST", "JACCOURSE", "CONDA")
        )
    }
    env.update(
        HOME=str(home), PATH=f"{bindir}{os.pathsep}{env.get('PATH', '')}", PYTHONUNBUFFERED="1"
    )
    env.pop("XDG_CONFIG_HOME", None)
    env.pop("XDG_DATA_HOME", None)
    env.pop("XDG_CACHE_HOME", None)
    return env


def _build_binder_env(clone: Path, env_dir: Path, log: Path) -> Path:
    """``python -m venv`` and ``pip install -r binder/requirements.txt`` from the clone's root
    (pip's cache is reused; no byte-compiling), then ``binder/postBuild`` if the repository
    has one."""
    requirements = clone / "binder" / "requirements.txt"
    assert requirements.exists(), "the repository has no binder/requirements.txt"
    start = time.monotonic()
    python = getattr(sys, "_base_executable", None) or sys.executable
    _run([python, "-m", "venv", str(env_dir)], cwd=clone, log=log)
    bindir = env_dir / "bin"
    env = _clean_env(clone, bindir)
    env["HOME"] = os.environ.get("HOME", str(clone))  # pip's cache, not the clone's
    _run(
        [
            str(bindir / "python"),
            "-m",
            "pip",
            "install",
            "--quiet",
            # no byte-compiling of every installed module (16 s of the 57 s on an idle
            # machine): Python compiles what JupyterLab and the kernel import when they do
            "--no-compile",
            "-r",
            "binder/requirements.txt",
        ],
        cwd=clone,
        log=log,
        env=env,
        # the package index is on the network: pip retries a dropped connection itself, not
        # every failure of a moment, so a failed install is tried once more (and printed)
        attempts=2,
    )
    post_build = clone / "binder" / "postBuild"
    if post_build.exists():
        _run(["bash", str(post_build)], cwd=clone, log=log, env=_clean_env(clone, bindir))
    status = git_status(clone)
    assert status == "", f"installing the Binder environment changed the clone:\n{status}"
    print(f"\nBinder environment built in {time.monotonic() - start:.0f} s ({env_dir})")
    return bindir


@pytest.fixture(scope="package")
def binder_env(lab_clone, tmp_path_factory, lab_logs) -> Path:
    """The Binder environment, built from a fresh clone as Binder builds it. Returns its
    ``bin``. With pytest-xdist, the workers that read chapters (two, one per half) share one
    environment: the first to ask builds it, from a fresh clone of its own of the same
    commit, under a lock, and the other waits for it, rather than both installing the same
    packages at once on the same cores; each worker's JupyterLab still serves its own clone
    as ``$HOME``."""
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        env_dir = tmp_path_factory.mktemp("binder-env") / "venv"
        return _build_binder_env(lab_clone, env_dir, lab_logs / "binder-env.log")
    shared = (
        tmp_path_factory.getbasetemp().parent / "binder-env-shared"
    )  # the run's, not the worker's
    shared.mkdir(exist_ok=True)
    with (shared / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not (shared / "built").exists():
                clone = _fresh_clone(shared / "jaccourse", lab_logs / "clone.log")
                _build_binder_env(clone, shared / "venv", lab_logs / "binder-env.log")
                (shared / "built").write_text("ok\n", encoding="utf-8")
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return shared / "venv" / "bin"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class JupyterLab:
    """A running JupyterLab server: its URL, its process, its log."""

    url: str
    process: subprocess.Popen
    log: Path
    home: Path
    root_dir: Path

    _opener: object = None

    def api(self, path: str, method: str = "GET"):
        """A request to the server's REST API, with the ``_xsrf`` cookie and header that
        Jupyter Server wants on a request that changes something."""
        if self._opener is None:
            self._jar = http.cookiejar.CookieJar()
            self._opener = urllib.request.build_opener(
                urllib.request.HTTPCookieProcessor(self._jar)
            )
        headers = {}
        if method != "GET":
            if not any(c.name == "_xsrf" for c in self._jar):
                self._opener.open(self.url + "lab", timeout=30).read()
            headers = {"X-XSRFToken": next((c.value for c in self._jar if c.name == "_xsrf"), "")}
        request = urllib.request.Request(
            self.url + path.lstrip("/"), method=method, headers=headers
        )
        with self._opener.open(request, timeout=30) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shut_down_kernels(self) -> None:
        """Close every session (a notebook's kernel) and every kernel left."""
        for session in self.api("api/sessions"):
            self.api(f"api/sessions/{session['id']}", method="DELETE")
        for kernel in self.api("api/kernels"):
            self.api(f"api/kernels/{kernel['id']}", method="DELETE")

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(
            self.log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
        )


def start_lab(bindir: Path, home: Path, root_dir: Path, log: Path):
    """Start JupyterLab from the environment ``bindir`` and yield it; always stop it."""
    port = _free_port()
    command = [
        str(bindir / "python"),
        "-m",
        "jupyterlab",
        f"--ServerApp.root_dir={root_dir}",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        "--IdentityProvider.token=",
        "--PasswordIdentityProvider.hashed_password=",
        "--no-browser",
        "--allow-root",
        "--LabApp.expose_app_in_browser=True",
    ]
    out = log.open("w", encoding="utf-8")
    out.write("$ " + " ".join(command) + f"\n(HOME={home}, cwd={root_dir})\n")
    out.flush()
    process = subprocess.Popen(
        command,
        cwd=root_dir,
        stdout=out,
        stderr=subprocess.STDOUT,
        env=_clean_env(home, bindir),
        start_new_session=True,
    )
    lab = JupyterLab(
        url=f"http://127.0.0.1:{port}/", process=process, log=log, home=home, root_dir=root_dir
    )
    try:
        deadline = time.monotonic() + SERVER_START_S
        while True:
            if process.poll() is not None:
                pytest.fail(
                    f"JupyterLab exited (code {process.returncode}) before answering; "
                    f"log {log}:\n{lab.log_tail()}",
                    pytrace=False,
                )
            try:
                lab.api("api/status")
                break
            except (urllib.error.URLError, ConnectionError, OSError):
                if time.monotonic() > deadline:
                    pytest.fail(
                        f"JupyterLab did not answer on {lab.url}api/status within "
                        f"{SERVER_START_S} s; log {log}:\n{lab.log_tail()}",
                        pytrace=False,
                    )
                time.sleep(0.5)
        yield lab
    finally:
        try:
            if process.poll() is None:
                try:
                    lab.shut_down_kernels()
                except (urllib.error.URLError, OSError):
                    pass
                os.killpg(process.pid, signal.SIGTERM)  # the server and its kernels only
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=30)
        finally:
            out.close()


@pytest.fixture(scope="package")
def binder_lab(binder_env, lab_clone, lab_logs):
    """JupyterLab as Binder runs it: the Binder environment, ``HOME`` the clone."""
    yield from start_lab(
        binder_env, home=lab_clone, root_dir=lab_clone, log=lab_logs / "binder-lab.log"
    )


@pytest.fixture(scope="module")
def local_lab(lab_clone, lab_logs, tmp_path_factory):
    """JupyterLab as a reader runs it locally: the full environment (this Python's, the
    README's ``.venv``), ``HOME`` an empty directory elsewhere, root dir the clone."""
    home = tmp_path_factory.mktemp("empty-home")
    yield from start_lab(
        Path(sys.executable).parent, home=home, root_dir=lab_clone, log=lab_logs / "local-lab.log"
    )


# --------------------------------------------------------------------------------------
# The browser
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="package")
def lab_browser(browser):
    """The site suite's Chromium (``tests/e2e/conftest.py``), one per test process.

    Playwright's sync API allows one driver per process at a time: a second
    ``sync_playwright()`` while the first is open fails with "using Playwright Sync API
    inside the asyncio loop". Under pytest-xdist a worker may read the site (whose
    session-scoped browser then stays open) before this package, so the two suites share it."""
    return browser


@dataclass
class Tab:
    """The one page that reads every chapter from one JupyterLab server, with the requests
    it tried to send elsewhere (all aborted) and the JavaScript errors it raised."""

    page: object
    lab: JupyterLab
    blocked: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    #: JupyterLab is loaded in the page and the last chapter was closed cleanly: the next
    #: one is opened in it (see :func:`_open`) instead of by a new page load
    app_ready: bool = False


def open_tab(browser, lab: JupyterLab):
    context = browser.new_context(viewport=VIEWPORT, color_scheme="light")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    tab = Tab(page=page, lab=lab)
    block_other_hosts(context, lab.url, tab.blocked)
    page.on("pageerror", lambda e: tab.page_errors.append(str(e)))
    page.on("dialog", lambda d: d.accept())  # a "leave the page?" on navigation
    try:
        yield tab
    finally:
        context.close()


@pytest.fixture(scope="package")
def binder_tab(lab_browser, binder_lab):
    yield from open_tab(lab_browser, binder_lab)


@pytest.fixture(scope="module")
def local_tab(lab_browser, local_lab):
    yield from open_tab(lab_browser, local_lab)


# --------------------------------------------------------------------------------------
# Reading a chapter: open, look, Run All, look again, save
# --------------------------------------------------------------------------------------

#: The DOM as the reader sees it: every cell of the open notebook in DOM order, whether its
#: input is collapsed to a placeholder, and the text of its rendered markdown without math,
#: code and citations (which are collected apart).
READ_DOM = r"""() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  if (!panel) return null;
  const SKIP = '.katex, .katex-display, math, mjx-container, .MathJax, code, pre, '
             + '.cite-group, style, script, svg, button';
  // closedToo: false leaves out what a closed dropdown (<details>) hides, its summary shown
  const textOf = (root, closedToo = true) => {
    const out = [];
    const walk = (node) => {
      if (node.nodeType === Node.TEXT_NODE) { out.push(node.nodeValue); return; }
      if (node.nodeType !== Node.ELEMENT_NODE) return;
      if (node.matches(SKIP)) { out.push(' '); return; }
      if (!closedToo && node.tagName === 'DETAILS' && !node.open) {
        const summary = node.querySelector(':scope > summary');
        if (summary) walk(summary);
        return;
      }
      const style = getComputedStyle(node);
      if (style.display === 'none') return;
      const block = !style.display.startsWith('inline');
      if (block || node.tagName === 'BR') out.push('\n');
      node.childNodes.forEach(walk);
      if (block) out.push('\n');
    };
    walk(root);
    return out.join('');
  };
  return Array.from(panel.querySelectorAll('.jp-Notebook .jp-Cell')).map(cell => {
    const type = cell.classList.contains('jp-CodeCell') ? 'code'
               : cell.classList.contains('jp-MarkdownCell') ? 'markdown' : 'raw';
    const wrapper = cell.querySelector(':scope > .jp-Cell-inputWrapper');
    const placeholder = wrapper && wrapper.querySelector(':scope > .jp-InputPlaceholder');
    const area = wrapper && wrapper.querySelector(':scope > .jp-InputArea');
    const rendered = area && !placeholder
      && area.querySelector(
        ':scope > .myst, :scope > .jp-RenderedMarkdown, :scope > .jp-MarkdownOutput');
    const editor = area && area.querySelector('.jp-InputArea-editor');
    const editorShown = !!(editor && !placeholder && !editor.classList.contains('lm-mod-hidden')
                           && getComputedStyle(editor).display !== 'none');
    return {
      index: Number(cell.dataset.windowedListIndex),
      type,
      collapsed: !!placeholder,
      placeholder: placeholder ? placeholder.textContent.trim() : '',
      source_shown: editorShown,
      renderer: rendered ? (rendered.classList.contains('myst') ? 'myst' : 'markdown') : null,
      text: rendered ? textOf(rendered) : '',
      open_text: rendered ? textOf(rendered, false) : '',
      closed_dropdowns: rendered ? rendered.querySelectorAll('details:not([open])').length : 0,
      codes: rendered ? Array.from(rendered.querySelectorAll('code')).map(e => e.textContent) : [],
      citations: rendered ? Array.from(rendered.querySelectorAll('.cite-group [title], cite'))
                              .map(e => ({title: e.title || '', text: e.textContent.trim()})) : [],
      missing_refs: rendered ? Array.from(rendered.querySelectorAll(
                        '[title="Cross Reference Not Found"]')).map(e => e.textContent.trim()) : [],
      outputs_text: Array.from(cell.querySelectorAll('.jp-OutputArea-output'))
                         .map(e => e.textContent).join('\n').slice(0, 2000),
    };
  });
}"""

#: The notebook's model, through ``window.jupyterapp`` (exposed by the server's
#: ``expose_app_in_browser``): the document, the kernel, every cell's execution and outputs
#: and the inline expressions' results that jupyterlab-myst stored on each markdown cell.
READ_MODEL = r"""(path) => {
  const app = window.jupyterapp;
  if (!app) return {error: 'window.jupyterapp is missing'};
  const panels = Array.from(app.shell.widgets('main'))
                      .filter(w => w.context && w.content && w.content.widgets);
  const panel = panels.find(w => w.context.path === path);
  if (!panel) return {error: 'no notebook panel for ' + path,
                      open: Array.from(app.shell.widgets('main')).map(w => w.title.label)};
  const session = panel.sessionContext && panel.sessionContext.session;
  const kernel = session && session.kernel;
  const text = (x) => Array.isArray(x) ? x.join('') : String(x || '');
  return {
    path: panel.context.path,
    dirty: panel.context.model.dirty,
    last_modified: panel.context.contentsModel ? panel.context.contentsModel.last_modified : null,
    ready: panel.sessionContext.isReady,
    kernel: kernel ? kernel.status : null,
    kernel_name: kernel ? kernel.name : null,
    cells: panel.content.widgets.map(w => {
      const m = w.model;
      const jupyter = m.getMetadata('jupyter') || {};
      const o = {type: m.type, input_hidden: !!w.inputHidden,
                 source_hidden: !!jupyter.source_hidden};
      if (m.type === 'code') {
        o.count = m.executionCount;
        o.state = m.executionState;
        o.outputs = m.outputs.toJSON().map(x => ({
          type: x.output_type, name: x.name || '',
          text: x.output_type === 'error' ? (x.ename + ': ' + x.evalue)
              : x.output_type === 'stream' ? text(x.text).slice(0, 1000) : ''}));
      } else if (m.type === 'markdown') {
        o.rendered = !!w.rendered;
        o.user_expressions = m.getMetadata('user_expressions') || null;
      }
      return o;
    }),
  };
}"""


@dataclass
class Reading:
    """What one chapter showed in JupyterLab; ``problems[check]`` lists what went wrong."""

    chapter: str
    problems: dict[str, list[str]] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    screenshots: list[Path] = field(default_factory=list)

    def add(self, check: str, problem: str) -> None:
        self.problems.setdefault(check, []).append(problem)

    def report(self, check: str) -> str:
        found = self.problems.get(check, [])
        return f"{self.chapter}: {len(found)} problem(s) [{check}]:\n" + "\n".join(
            f"  - {p}" for p in found
        )


#: The checks of a reading, in the order they are made.
CHECKS = (
    "opens",
    "offline",
    "hidden-before",
    "run-all",
    "hidden-after",
    "raw-myst",
    "numbers",
    "saved-clean",
)


class ChapterFailed(Exception):
    """A step after which the rest of the reading cannot be made."""


def _cell_name(i: int, cell) -> str:
    first = next((line for line in cell.source.splitlines() if line.strip()), "")
    return f"cell {i} ({cell.cell_type}: {first[:60]!r})"


def _wait(page, js: str, arg=None, timeout_s: float = 60, what: str = "") -> None:
    try:
        page.wait_for_function(js, arg=arg, timeout=timeout_s * 1000, polling=250)
    except Exception as error:  # playwright's TimeoutError
        raise ChapterFailed(f"timed out after {timeout_s:.0f} s waiting until {what}") from error


#: Open a file as the Binder button's URL does: JupyterLab's route ``lab/tree/<path>`` runs
#: the file browser's ``filebrowser:open-path`` command with these arguments, which opens it
#: with the default viewer of its type (jupytext's notebook, for a MyST ``.md``). Returns
#: false, opening nothing, unless the page shows JupyterLab with no document and no dialog.
OPEN_IN_APP = """(p) => { const app = window.jupyterapp;
    if (!app || document.querySelector('.jp-Dialog')) return false;
    if (Array.from(app.shell.widgets('main')).some(w => w.context)) return false;
    window.__jcIdleSince = null;
    app.commands.execute('filebrowser:open-path', {path: p, dontShowBrowser: true})
       .catch(e => { window.__jcOpenError = String(e); });
    return true; }"""

#: Close every document of the main area without a prompt (the reading has saved it or
#: failed); the kernels are shut down through the server's API afterwards.
CLOSE_DOCUMENTS = """() => { const app = window.jupyterapp; if (!app) return false;
    for (const w of Array.from(app.shell.widgets('main'))) if (w.context) w.dispose();
    return !Array.from(app.shell.widgets('main')).some(w => w.context)
           && !document.querySelector('.jp-Dialog'); }"""


def _open(tab: Tab, reading: Reading, rel: str, nb) -> None:
    """Open the chapter and wait until every cell is rendered.

    The first chapter a page reads is opened at the Binder button's URL,
    ``lab/tree/<chapter>.md?reset``: a page load of JupyterLab with a fresh workspace. The
    next ones, once the previous chapter is closed (no document, no dialog left), are opened
    in the same page by the command that URL runs (:data:`OPEN_IN_APP`); that saves the
    3-5 s of loading JupyterLab again for each chapter. After any failure the next chapter
    gets a new page load."""
    page = tab.page
    t0 = time.monotonic()

    def lap(name: str) -> None:
        reading.timings[name] = round(time.monotonic() - t0, 1)

    url = f"{tab.lab.url}lab/tree/{rel}?reset"
    ready, tab.app_ready = tab.app_ready, False
    if ready and page.evaluate(OPEN_IN_APP, rel):
        reading.notes.append("opened in the running JupyterLab (filebrowser:open-path)")
    else:
        page.goto(url, wait_until="domcontentloaded")
    try:
        page.wait_for_selector(
            ".jp-NotebookPanel .jp-Notebook .jp-Cell, .jp-FileEditor .cm-editor", timeout=TIMEOUT_MS
        )
    except Exception as error:
        how = "" if not ready else f" (opened in the page: {page.evaluate('window.__jcOpenError')})"
        raise ChapterFailed(
            f"{url} showed neither a notebook nor a text editor within {TIMEOUT_MS // 1000} s" + how
        ) from error
    if not page.locator(".jp-NotebookPanel").count():
        raise ChapterFailed(f"{url} opened as a text file (a file editor), not as a notebook")
    lap("open_panel_s")
    expected = len(nb.cells)
    # JupyterLab's default windowingMode (4.6: "contentVisibility") attaches every cell at
    # once and lets the browser skip painting those off screen; slow on a loaded machine
    patience = TIMEOUT_MS / 1000 + 4 * expected
    _wait(
        page,
        """(n) => document.querySelectorAll(
                 '.jp-NotebookPanel .jp-Notebook .jp-Cell').length >= n""",
        expected,
        timeout_s=patience,
        what=f"the notebook shows the {expected} cells jupytext reads "
        "(shown: "
        + str(
            page.evaluate(
                "() => document.querySelectorAll('.jp-NotebookPanel .jp-Notebook .jp-Cell').length"
            )
        )
        + " when the wait began)",
    )
    lap("open_cells_s")
    # every markdown cell rendered (or collapsed), MyST included
    _wait(
        page,
        """() => Array.from(document.querySelectorAll(
                 '.jp-NotebookPanel .jp-Notebook .jp-MarkdownCell')).every(c =>
                 c.querySelector('.jp-InputPlaceholder') ||
                 c.querySelector('.jp-InputArea > .myst, .jp-InputArea > .jp-RenderedMarkdown'))""",
        timeout_s=patience,
        what="every markdown cell is rendered",
    )
    lap("open_rendered_s")
    _wait(
        page,
        """(p) => { const app = window.jupyterapp; if (!app) return false;
                 const w = Array.from(app.shell.widgets('main')).find(
                   w => w.context && w.context.path === p && w.sessionContext);
                 const k = w && w.sessionContext.session && w.sessionContext.session.kernel;
                 return !!(k && k.status === 'idle'); }""",
        rel,
        timeout_s=180,
        what="the notebook's kernel is started and idle",
    )
    lap("open_kernel_s")
    page.wait_for_timeout(500)  # the last markdown renders settle


def _check_opened(reading: Reading, nb, dom, model) -> None:
    if model.get("error"):
        raise ChapterFailed(f"the notebook model cannot be read: {model}")
    n = len(nb.cells)
    if len(dom) != n or len(model["cells"]) != n:
        reading.add(
            "opens",
            f"jupytext reads {n} cells from the file, JupyterLab shows "
            f"{len(dom)} in the DOM and {len(model['cells'])} in its model",
        )
    for i, (cell, shown) in enumerate(zip(nb.cells, dom, strict=False)):
        if shown["index"] != i or shown["type"] != cell.cell_type:
            reading.add(
                "opens",
                f"{_cell_name(i, cell)} shows as DOM cell {shown['index']} of type {shown['type']}",
            )
            break
    not_myst = [
        i
        for i, c in enumerate(dom)
        if c["type"] == "markdown" and c["renderer"] and c["renderer"] != "myst"
    ]
    if not_myst:
        reading.add(
            "opens",
            f"markdown cells {not_myst[:10]} are not rendered by "
            "jupyterlab-myst (plain markdown renderer)",
        )


def _solution_text_shown(shown: dict) -> str:
    """The text a rendered solution cell shows outside closed dropdowns, beyond the title of
    a dropdown (its summary)."""
    if not shown["renderer"]:
        return ""
    text = " ".join(shown["open_text"].split())
    return text


def _check_hidden(reading: Reading, check: str, nb, dom, expected: dict[int, str]) -> None:
    """Nothing of a solution or a check shows before the reader asks: a code cell that must
    be hidden is collapsed to its placeholder; a markdown cell of a solution is either
    collapsed or shows nothing but the title of a closed dropdown. Before running, exactly
    the cells with ``jupyter.source_hidden`` are collapsed."""
    for i, cell in enumerate(nb.cells):
        if i >= len(dom):
            break
        meta, shown = source_hidden(cell), dom[i]
        if check == "hidden-before":
            if meta and not shown["collapsed"]:
                reading.add(check, f"{_cell_name(i, cell)} has source_hidden but shows its source")
            if not meta and shown["collapsed"]:
                reading.add(
                    check, f"{_cell_name(i, cell)} shows collapsed without source_hidden metadata"
                )
        if i not in expected or shown["collapsed"]:
            continue
        when = "before Run All" if check == "hidden-before" else "after Run All"
        if cell.cell_type == "code":
            reading.add(
                check,
                f"{_cell_name(i, cell)} must be hidden ({expected[i]}) but shows "
                f"its source {when}" + ("" if meta else " (no jupyter.source_hidden metadata)"),
            )
        elif cell.cell_type == "markdown":
            text = _solution_text_shown(shown)
            if shown["closed_dropdowns"] and len(text) <= 80 and "Solution" in text:
                continue  # a closed dropdown, its title shown
            if text:
                reading.add(
                    check,
                    f"{_cell_name(i, cell)} is part of a solution and shows "
                    f"{when}, outside a closed dropdown: {text[:160]!r}",
                )


def _run_all(tab: Tab, reading: Reading, rel: str, timeout_s: float) -> dict:
    page = tab.page
    page.locator(".jp-NotebookPanel .jp-Notebook").first.click(position={"x": 5, "y": 5})
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
    start = time.monotonic()
    page.wait_for_timeout(1000)
    # done: the kernel idle and no code cell queued or running, twice in a row
    _wait(
        page,
        """(p) => {
            const w = Array.from(window.jupyterapp.shell.widgets('main')).find(
              w => w.context && w.context.path === p && w.content && w.content.widgets);
            const k = w && w.sessionContext.session && w.sessionContext.session.kernel;
            const busy = !k || k.status !== 'idle' || w.content.widgets.some(
              c => c.model.type === 'code' && c.model.executionState === 'running');
            const now = Date.now();
            if (busy) { window.__jcIdleSince = null; return false; }
            window.__jcIdleSince = window.__jcIdleSince || now;
            return now - window.__jcIdleSince > 1500; }""",
        rel,
        timeout_s=timeout_s,
        what="Run All Cells has finished (kernel idle, no cell queued)",
    )
    reading.timings["run_all_s"] = round(time.monotonic() - start, 1)
    # jupyterlab-myst re-renders a markdown cell once its inline expressions' results are
    # in; on a loaded machine that can trail the kernel by a while
    try:
        page.wait_for_function(
            """(p) => {
            const w = Array.from(window.jupyterapp.shell.widgets('main')).find(
              w => w.context && w.context.path === p && w.content && w.content.widgets);
            return w.content.widgets.every(c => {
              if (c.model.type !== 'markdown' || c.inputHidden) return true;
              const exprs = (c.model.getMetadata('user_expressions') || [])
                              .map(e => e.expression.trim());
              return !Array.from(c.node.querySelectorAll('.myst code'))
                           .some(e => exprs.includes(e.textContent.trim()));
            }); }""",
            arg=rel,
            timeout=120_000,
            polling=500,
        )
    except Exception:  # reported by the numbers check, cell by cell
        reading.notes.append(
            "some inline expressions were still shown unevaluated 120 s after Run All finished"
        )
    reading.timings["rendered_s"] = round(time.monotonic() - start, 1)
    return page.evaluate(READ_MODEL, rel)


def _check_run(reading: Reading, nb, model) -> None:
    if model["kernel"] != "idle":
        reading.add("run-all", f"the kernel is {model['kernel']!r} after Run All, not idle")
    unrun = []
    for i, (cell, m) in enumerate(zip(nb.cells, model["cells"], strict=False)):
        if m["type"] != "code":
            continue
        if m["count"] is None:
            unrun.append(i)
        for out in m["outputs"]:
            if out["type"] == "error" or (out["type"] == "stream" and out["name"] == "stderr"):
                reading.add(
                    "run-all",
                    f"{_cell_name(i, cell)}: {out['type']} "
                    f"{out['name']} output: {out['text'][:600]}",
                )
    if unrun:
        reading.add(
            "run-all",
            f"{len(unrun)} code cell(s) without an execution count after "
            f"Run All (not run, or Run All stopped): cells {unrun[:15]}",
        )


def _check_raw_myst(reading: Reading, nb, dom, labels: set[str], keys: set[str]) -> None:
    for i, (cell, shown) in enumerate(zip(nb.cells, dom, strict=False)):
        if cell.cell_type != "markdown" or not shown["renderer"]:
            continue
        text = shown["text"]
        found = raw_myst(text)
        if source_hidden(cell):  # a hidden cell JupyterLab shows anyway (checked apart)
            found = [f for f in found if not f.startswith("gated")]
        for ref in shown["missing_refs"]:
            found.append(f"cross-reference not found: {ref!r}")
        prose = prose_of(cell.source)
        for label in labels:
            shown_n = word_count(label, text)
            if shown_n > word_count(label, prose):
                found.append(f"label or glue key shown as text: {label!r}")
        for cite in shown["citations"]:
            # jupyterlab-myst has no bibliography: a citation shows as its key, in a citation
            # element; allowed when the key is one of references.bib's
            key = cite["text"].strip("()[] ")
            if cite["title"] == "Citation Not Found" and key not in keys:
                found.append(f"citation of an unknown key: {cite['text']!r}")
        if found:
            excerpt = " ".join(text.split())[:160]
            reading.add(
                "raw-myst",
                f"{_cell_name(i, cell)}: {'; '.join(sorted(set(found)))} | rendered: {excerpt!r}",
            )


def _check_numbers(reading: Reading, nb, dom, model) -> None:
    total = 0
    for i, (cell, shown, m) in enumerate(zip(nb.cells, dom, model["cells"], strict=False)):
        if cell.cell_type != "markdown":
            continue
        roles = EVAL_ROLE.findall(cell.source)
        if not roles:
            continue
        if not shown["renderer"]:
            reading.notes.append(
                f"{_cell_name(i, cell)}: {len(roles)} {{eval}} in a cell "
                "that stays hidden (not checked)"
            )
            continue
        total += len(roles)
        results = m.get("user_expressions") or []
        if len(results) != len(roles):
            reading.add(
                "numbers",
                f"{_cell_name(i, cell)}: {len(roles)} {{eval}} in the "
                f"source, {len(results)} evaluated by jupyterlab-myst",
            )
        for expr, res in zip(roles, results, strict=False):
            result = res.get("result") or {}
            value = ((result.get("data") or {}).get("text/plain") or "").strip()
            if result.get("status") != "ok":
                reading.add(
                    "numbers",
                    f"{_cell_name(i, cell)}: {{eval}}`{expr}` -> "
                    f"{result.get('status')}: {result.get('ename', '')} "
                    f"{result.get('evalue', '')}",
                )
            elif not value:
                reading.add("numbers", f"{_cell_name(i, cell)}: {{eval}}`{expr}` is empty")
            elif value.strip("'\"") not in " ".join(shown["text"].split()):
                reading.add(
                    "numbers",
                    f"{_cell_name(i, cell)}: {{eval}}`{expr}` = {value!r} "
                    "does not appear in the rendered text",
                )
        unevaluated = [c for c in shown["codes"] if c.strip() in {r.strip() for r in roles}]
        if unevaluated:
            reading.add("numbers", f"{_cell_name(i, cell)}: shown unevaluated: {unevaluated}")
    reading.timings["evals_checked"] = total


def _save(tab: Tab, reading: Reading, rel: str, clone: Path) -> None:
    page = tab.page
    before = page.evaluate(READ_MODEL, rel)
    page.locator(".jp-NotebookPanel .jp-Notebook").first.click(position={"x": 5, "y": 5})
    page.keyboard.press("Control+s")
    _wait(
        page,
        """([p, before]) => {
            const w = Array.from(window.jupyterapp.shell.widgets('main')).find(
              w => w.context && w.context.path === p);
            return w && !w.context.model.dirty && w.context.contentsModel &&
                   w.context.contentsModel.last_modified !== before; }""",
        [rel, before.get("last_modified")],
        timeout_s=60,
        what="Ctrl+S has saved the notebook",
    )
    status = git_status(clone)
    if status:
        reading.add(
            "saved-clean",
            f"git status --porcelain after saving:\n{status}git diff:\n{git_diff(clone)[:6000]}",
        )


def _screenshot(tab: Tab, reading: Reading, name: str, scroll_to_output: bool) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    if scroll_to_output:
        tab.page.evaluate("""() => { const o = document.querySelector(
            '.jp-NotebookPanel .jp-OutputArea-output img') ||
            document.querySelector('.jp-NotebookPanel .jp-OutputArea-output');
            if (o) o.scrollIntoView({block: 'center'}); }""")
    else:
        tab.page.evaluate("""() => { const c = document.querySelector(
            '.jp-NotebookPanel .jp-Notebook .jp-Cell'); if (c) c.scrollIntoView(); }""")
    tab.page.wait_for_timeout(500)
    tab.page.screenshot(path=str(path))
    reading.screenshots.append(path)


def _reached(reading: Reading, start: float, stage: str) -> str:
    """Note the seconds from the start of the reading at which ``stage`` begins."""
    reading.timings[f"{stage}_at_s"] = round(time.monotonic() - start, 1)
    return stage


def read_chapter(
    tab: Tab,
    clone: Path,
    chapter: str,
    labels: set[str],
    keys: set[str],
    run_all: bool = True,
    save: bool = True,
    screenshots: str | None = None,
    run_timeout_s: float = 900,
) -> Reading:
    """Open ``chapter`` (e.g. ``book/one-variable``) in JupyterLab at the path the Binder
    button opens, check it as a reader sees it, Run All, check again, save, check git;
    then close it and shut its kernel down, and restore the file in the clone.
    ``screenshots``: a file-name prefix for a screenshot before and after Run All."""
    rel = f"{chapter}.md"
    reading = Reading(chapter=chapter)
    path = clone / rel
    if not path.exists():
        reading.add("opens", f"{rel} is not in the clone of HEAD (not committed?)")
        return reading
    nb = read_notebook(path)
    expected_hidden = must_be_hidden(nb)
    first_blocked, first_errors = len(tab.blocked), len(tab.page_errors)
    start = time.monotonic()
    stage = _reached(reading, start, "opens")
    try:
        _open(tab, reading, rel, nb)
        reading.timings["open_s"] = round(time.monotonic() - start, 1)
        dom = tab.page.evaluate(READ_DOM)
        model = tab.page.evaluate(READ_MODEL, rel)
        _check_opened(reading, nb, dom, model)
        if reading.problems.get("opens"):
            raise ChapterFailed("it does not open as the expected notebook")
        stage = _reached(reading, start, "hidden-before")
        _check_hidden(reading, stage, nb, dom, expected_hidden)
        if screenshots:
            _screenshot(tab, reading, f"{screenshots}-before-run-all.png", False)
        if not run_all:
            stage = _reached(reading, start, "raw-myst")
            _check_raw_myst(reading, nb, dom, labels, keys)
        else:
            stage = _reached(reading, start, "run-all")
            model = _run_all(tab, reading, rel, run_timeout_s)
            dom = tab.page.evaluate(READ_DOM)
            _check_run(reading, nb, model)
            stage = _reached(reading, start, "hidden-after")
            _check_hidden(reading, stage, nb, dom, expected_hidden)
            stage = _reached(reading, start, "raw-myst")
            _check_raw_myst(reading, nb, dom, labels, keys)
            stage = _reached(reading, start, "numbers")
            _check_numbers(reading, nb, dom, model)
            if screenshots:
                _screenshot(tab, reading, f"{screenshots}-after-run-all.png", True)
            if save:
                stage = _reached(reading, start, "saved-clean")
                _save(tab, reading, rel, clone)
        tab.app_ready = not reading.problems
    except ChapterFailed as failure:
        if not reading.problems.get(stage):
            reading.add(stage, str(failure))
        for check in CHECKS[CHECKS.index(stage) + 1 :]:
            if check != "offline":
                reading.add(check, f"not checked: the reading stopped at {stage!r}: {failure}")
    finally:
        _reached(reading, start, "shut-down")
        try:
            if tab.app_ready and not tab.page.evaluate(CLOSE_DOCUMENTS):
                tab.app_ready = False
        except Exception as error:  # the page is gone or broken: the next chapter reloads it
            tab.app_ready = False
            reading.notes.append(f"could not close the chapter in the page: {error}")
        try:
            tab.lab.shut_down_kernels()
        except (urllib.error.URLError, OSError) as error:
            reading.notes.append(f"could not shut the kernels down: {error}")
        reading.timings["total_s"] = round(time.monotonic() - start, 1)
        # the next reader finds the committed file (the diff, if any, is in the report)
        subprocess.run(["git", "checkout", "--quiet", "--", rel], cwd=clone, check=False)
    for url in tab.blocked[first_blocked:]:
        reading.add("offline", f"request aborted (leaves the server): {url}")
    for error in tab.page_errors[first_errors:]:
        reading.notes.append(f"JavaScript error on the page: {error[:300]}")
    return reading
