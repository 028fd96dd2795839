"""What the load test's users read, shared by the locust users and the warm-up in run_load.py."""


def roadmap_filters(goals: list[str]) -> list[str]:
    """The roadmap filters a public reader picks from: each goal, a champion and period, a state, a pathway."""
    return [f"goal={goal}" for goal in goals] + ["champion=MYS&period=P2", "state=THA", "pathway=inclusive"]


def api_lists(root: dict) -> list[str]:
    """The paths of every list the API root names, with the two read most often."""
    named = {"/" + url.split("/", 3)[3] for url in root.values() if isinstance(url, str) and "/api/" in url}
    return sorted({"/api/action-lines/", "/api/kpis/"} | named)
