"""Background jobs made visible: a row with status, progress, attempts and the file it produced."""
