"""Tests of the progress app."""
