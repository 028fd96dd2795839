"""The search index: one stored document per findable thing, written with the facts it is made of.

Each document holds the text shown (title, body) and the text the engines index (title_words, body_words:
sapsmed.core.search_text.index_text of the same). The engines' own index over it is kept by triggers made in
this app's migrations: an FTS5 table on SQLite, the `vector` column (with a GIN index) on PostgreSQL.
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import models


class Kind(models.TextChoices):
    """What a document is; the results page groups them in this order."""

    GOAL = "goal", "Strategic goals"
    OUTCOME = "outcome", "Desired outcomes"
    ACTION = "action", "Actions"
    LINE = "line", "Action lines"
    STATE = "state", "Member states"
    KPI = "kpi", "KPIs"
    PUBLICATION = "publication", "Published reviews and scorecards"


class SearchDocument(models.Model):
    kind = models.CharField(max_length=12, choices=Kind.choices)
    key = models.CharField(max_length=40, help_text="The item's code (B-2-1.3, MYS, KPI-B1) or snapshot-N, edition-N")
    sort_key = models.CharField(max_length=120, help_text="The key in natural order: the tie-breaker of a rank")
    label = models.CharField(max_length=80, blank=True, help_text="Shown before the title: Goal B, B-2-1.3, MYS")
    title = models.TextField()
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300)
    title_words = models.TextField(editable=False)
    body_words = models.TextField(blank=True, editable=False)
    # PostgreSQL only, written by the database's trigger from the *_words columns; left empty on SQLite, never
    # serialised (a backup restored into either engine is indexed again by that engine's triggers).
    vector = SearchVectorField(null=True, editable=False, serialize=False)

    class Meta:
        db_table = "search_document"
        ordering = ["kind", "sort_key"]
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="search_document_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.key}"
