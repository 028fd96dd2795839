"""Template filters of the progress pages: look a key up in a dict (state and goal names)."""

from django import template

register = template.Library()


@register.filter
def lookup(mapping, key):
    """{{ states|lookup:"MYS" }} → "Malaysia"; the key itself when the dict does not have it."""
    if not mapping:
        return key
    return mapping.get(key, key)
