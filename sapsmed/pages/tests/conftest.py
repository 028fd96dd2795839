"""Fixtures of the composed pages' tests: the progress tests' open round and draft, reused."""

from sapsmed.progress.tests.conftest import draft, open_round, today  # noqa: F401 - fixtures reused
