"""The reference answers of the course's code exercises, one module per chapter.

Each module defines ``REFERENCES``, a dict from exercise labels to reference objects of
:mod:`jaccourse.book.exercises`. They live here, in the package, so that a student reading the
page (or the student edition) does not see them; :func:`jaccourse.book.exercises.reference` looks
one up. ``demo.py`` holds the examples used by the documentation.
"""
