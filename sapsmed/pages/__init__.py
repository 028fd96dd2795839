"""Composing pages: pages that show facts of several apps (the top layer, beside the API)."""
