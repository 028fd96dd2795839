"""Management commands of the plan app."""
