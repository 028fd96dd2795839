"""Tests of the pure core rules (no database)."""
