"""Tests of the plan app."""
