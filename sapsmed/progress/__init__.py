"""Progress monitoring: reporting rounds, progress reports, validation workflow, early warning."""
