"""Mid-term, final and ad hoc reviews: reports a working group can table, and frozen snapshots."""
