"""The book is read (so its chapters executed) by parallel Sphinx processes.

``book/_ext/parallel_read.py`` asks Sphinx for several reading processes and vouches for the
extensions reviewed as safe. The real build is its own end-to-end check: an extension that
does not declare itself safe makes Sphinx warn and read serially, which ``-W`` turns into a
failed build, and a domain that cannot be merged stops the build. These tests pin the rules.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from sphinx.domains import Domain

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book" / "_ext"))
import parallel_read  # noqa: E402  (book/_ext: the book's Sphinx extensions)


def _ext(safe):
    return SimpleNamespace(parallel_read_safe=safe)


def test_the_book_loads_the_extension():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert config["sphinx"]["local_extensions"]["parallel_read"] == "book/_ext"


def test_reviewed_extensions_are_vouched_for_and_no_other():
    app = SimpleNamespace(
        parallel=0,
        extensions={
            "sphinx_multitoc_numbering": _ext(None),
            "sphinx-mathjax-offline": _ext(None),
            "an_unreviewed_extension": _ext(None),
            "sphinx_jupyterbook_latex": _ext(False),  # says it is not: left alone
        },
    )
    parallel_read._config_inited(app, None)
    assert app.extensions["sphinx_multitoc_numbering"].parallel_read_safe is True
    assert app.extensions["sphinx-mathjax-offline"].parallel_read_safe is True
    assert app.extensions["an_unreviewed_extension"].parallel_read_safe is None
    assert app.extensions["sphinx_jupyterbook_latex"].parallel_read_safe is False
    assert app.parallel == max(1, min(os.cpu_count() or 1, parallel_read.MAX_READERS))


def test_an_explicit_number_of_processes_is_kept():
    app = SimpleNamespace(parallel=3, extensions={})
    parallel_read._config_inited(app, None)
    assert app.parallel == 3


@pytest.mark.parametrize("data, merges", [({"version": 0}, True), ({"version": 0, "x": {}}, False)])
def test_a_domain_without_merge_gets_the_empty_merge_only_if_it_holds_no_data(data, merges):
    class Prf(Domain):  # like sphinx_proof's domain: no merge_domaindata of its own
        name = "prf"

    domain = Prf.__new__(Prf)
    domain.data = data
    app = SimpleNamespace(parallel=2, env=SimpleNamespace(domains={"prf": domain}))
    parallel_read._builder_inited(app)
    if merges:
        assert Prf.merge_domaindata is parallel_read._merge_nothing
        assert app.parallel == 2
    else:
        assert Prf.merge_domaindata is Domain.merge_domaindata
        assert app.parallel == 1  # read serially rather than drop data


def test_sphinx_proof_still_lacks_its_own_merge():
    """When sphinx_proof gains a merge_domaindata, the patch is no longer applied (and this
    test says the extension's note can go)."""
    from sphinx_proof.domain import ProofDomain

    assert ProofDomain.merge_domaindata in (Domain.merge_domaindata, parallel_read._merge_nothing)
    assert not set(ProofDomain.initial_data) - {"version"}


def test_the_kernels_get_one_blas_thread_unless_told_otherwise(monkeypatch):
    """The build's kernels inherit the environment: one BLAS thread each, so that parallel
    readers do not oversubscribe the cores; a value the user set is kept."""
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    parallel_read._config_inited(SimpleNamespace(parallel=0, extensions={}), None)
    assert os.environ["OPENBLAS_NUM_THREADS"] == "1"
    assert os.environ["MKL_NUM_THREADS"] == "1"
    assert os.environ["OMP_NUM_THREADS"] == "3"
