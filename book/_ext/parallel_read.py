"""Read (and so execute) the chapters in parallel processes.

Jupyter Book 1.x builds with one Sphinx process: its command line has no ``-j``. Reading a
chapter executes it (myst-nb, ``execute_notebooks: inline``), which is most of the build, so
on a machine with two cores one of them sat idle. This extension asks Sphinx for
``min(cpu_count, 4)`` reading processes (Sphinx forks them once all sources are known, and
merges their environments; writing the HTML stays serial).

Sphinx reads in parallel only if every extension says it is safe. Three that the book loads
do not say so, and are safe (read for this purpose at the versions named):

* ``sphinx_multitoc_numbering`` (0.1.3): it replaces the section numbering of the toctree
  collector, which Sphinx runs in the main process after merging the readers' environments;
* ``sphinx-mathjax-offline`` (0.0.2): it only copies MathJax into ``_static`` when the build
  has finished;
* ``sphinx_jupyterbook_latex`` (1.0.0, loaded by Jupyter Book): for HTML its transforms only
  annotate the doctree being read; its environment settings are made for LaTeX builders only.

One extension says it is safe and is not quite: ``sphinx_proof`` (0.2) keeps its proofs in
``env.proof_list``, which it merges itself (an ``env-merge-info`` handler), but its ``prf``
domain does not implement ``merge_domaindata``, and Sphinx refuses to merge a domain without
it. The domain's own data is empty (``Domain.initial_data``), so merging it is nothing: this
extension gives the domain that empty merge when (and only when) it has none of its own.

Any other extension that does not declare itself safe still turns the read serial, with
Sphinx's warning, which ``-W`` makes a build error: a new extension is reviewed before it
can read in parallel.

The kernels that execute the chapters get one BLAS thread each (``OPENBLAS_NUM_THREADS``,
``OMP_NUM_THREADS``, ``MKL_NUM_THREADS`` = 1, unless already set): the readers keep every
core busy, and OpenBLAS's threads spin while they wait, so several of them on two cores slow
each other down (a JENN fit: 27 s instead of 11 s beside one other busy process). The test
suite (``conftest.py``) runs its kernels the same way, so the site and the tests compute
with the same single-threaded BLAS.
"""

from __future__ import annotations

import os
from typing import Any

REVIEWED_SAFE = ("sphinx_multitoc_numbering", "sphinx-mathjax-offline", "sphinx_jupyterbook_latex")
MAX_READERS = 4


def _config_inited(app, config) -> None:
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")  # inherited by every kernel the build starts
    for name in REVIEWED_SAFE:
        ext = app.extensions.get(name)
        if ext is not None and ext.parallel_read_safe is None:
            ext.parallel_read_safe = True
    if app.parallel <= 1:
        app.parallel = max(1, min(os.cpu_count() or 1, MAX_READERS))


def _merge_nothing(self, docnames, otherdata) -> None:
    """The ``prf`` domain keeps no data of its own (``sphinx_proof`` merges ``env.proof_list``)."""


def _builder_inited(app) -> None:
    from sphinx.domains import Domain

    domain = app.env.domains.get("prf") if app.parallel > 1 else None
    if domain is not None and type(domain).merge_domaindata is Domain.merge_domaindata:
        if set(domain.data) - {"version"}:
            app.parallel = 1  # data we do not know how to merge: read serially
        else:
            type(domain).merge_domaindata = _merge_nothing


def setup(app) -> dict[str, Any]:
    app.connect("config-inited", _config_inited)
    app.connect("builder-inited", _builder_inited)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
