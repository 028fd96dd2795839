"""Tests of the search: the index kept with its facts, the answers on both engines, the page."""
