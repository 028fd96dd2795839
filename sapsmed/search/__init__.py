"""Full-text search over what the public may read: the plan, member states, KPIs and published reviews."""
