"""KPI reference sheets (and, later, observations, targets and scorecards)."""
