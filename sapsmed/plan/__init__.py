"""The Action Plan: goals, outcomes, actions, action lines, versions and member states."""
