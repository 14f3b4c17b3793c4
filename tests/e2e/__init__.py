"""Browser tests of the built site (a package, so that its conftest does not shadow the
repository's root ``conftest`` module, which other tests import)."""
