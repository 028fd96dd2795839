"""Review sections contributed by the KPI, progress, roadmap and survey apps (filled as they land)."""

PROVIDERS: list = []
