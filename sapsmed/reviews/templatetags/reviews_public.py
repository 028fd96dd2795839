"""Template tags for public pages of other apps: the latest official scorecard edition, for a link."""

from django import template

from sapsmed.reviews import selectors

register = template.Library()


@register.simple_tag
def latest_scorecard_edition():
    """`{% latest_scorecard_edition as edition %}`: the latest published edition, or None (one query)."""
    return selectors.latest_scorecard_edition()
