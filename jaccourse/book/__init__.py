"""The book machinery: what the chapters need around the mathematics, kept apart from it.

The mathematics (``jaccourse.derivatives``, ``jaccourse.optim``, ``jaccourse.nn``, ...)
never imports this subpackage (``pyproject.toml`` states it as an import-linter contract);
the chapters, the book's Sphinx extensions and the tests do. Its modules:

- :mod:`jaccourse.book.glue`: ``glue`` and ``glued``, a number a cell computed, in the prose.
- :mod:`jaccourse.book.timing`: timings that a busy machine cannot fool (``best_times``).
- :mod:`jaccourse.book.plotting`: the course's figure style and figure helpers (matplotlib).
- :mod:`jaccourse.book.exercises`: the checks of the code exercises, a verdict and a hint,
  never the answer; the reference answers live in ``jaccourse.book._exercise_refs``, one
  module per chapter.
- :mod:`jaccourse.book.student_edition`: every chapter as a notebook without the solutions
  (``python -m jaccourse.book.student_edition``), and a Sphinx extension (``_config.yml``).
- :mod:`jaccourse.book.toc`: the pages of ``_toc.yml`` in order, and which are notebooks.
- private to the subpackage: ``_myst_blocks`` (MyST text as blocks), ``_inline_values`` (the
  numbers of the prose, computed by running a chapter), ``_plain_markdown`` (MyST to plain
  Markdown, for the student edition).

Nothing is imported here: ``import jaccourse.book`` imports no module of it (and so neither
matplotlib nor the Jupyter stack); import the module you need, e.g.
``from jaccourse.book import exercises`` or ``from jaccourse.book.glue import glue, glued``.
"""
