"""What the reviews' services announce: a snapshot or scorecard edition published or withdrawn.

Apps above the reviews (the search) keep what they derive from the published reviews in step without the
reviews importing them. As with the plan's events (sapsmed/plan/events.py), the service sends it inside its own
transaction, after the change, with send (not send_robust): a receiver's failure rolls the change back.
"""

from django.dispatch import Signal

publication_changed = Signal()


def announce_publication_changed() -> None:
    publication_changed.send(sender=None)
