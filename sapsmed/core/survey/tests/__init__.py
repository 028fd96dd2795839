"""Tests of survey estimation: against R's survey package, validation errors and the synthetic generator."""
