"""Fixtures of the operations tests: the progress tests' open round, for commands that cover every app."""

from sapsmed.progress.tests.conftest import open_round, today  # noqa: F401 - fixtures used by these tests
