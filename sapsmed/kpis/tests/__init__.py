"""Tests of the kpis app."""
