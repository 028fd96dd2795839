"""Template filters of the progress pages."""
