"""Pages of the two largest API lists (progress reports, action lines) read as plain rows, not model instances.

Each item is exactly what the list's own serializer gives (tested field for field): the columns are read
off the serializer's fields (their `source` and slug), and each value is formatted by that field, so
dates, decimals and choices read alike in the list and in the detail. What is skipped is the work around
them. Through DRF, a page of 100 reports with their milestones and transitions built about 1,300 model
instances and made 28,000 attribute look-ups: about 80 ms. A page of 100 action lines spent half its
45 ms building member states and measures for two small lists. Plain rows take a third of that, which is
what brought both lists under the load test's budget.
"""

from collections.abc import Callable

from rest_framework.relations import SlugRelatedField

from sapsmed.plan.models import ActionLineVersion
from sapsmed.progress.models import Milestone, ProgressReport, ReportTransition


class PlainRowsList:
    """A viewset's list read as plain rows by `plain_page(keys, fields)`, after the page's keys alone.

    The keys come from a narrow query (the filters and ordering only), so PostgreSQL need not sort every
    joined wide row to keep a page of 100.
    """

    plain_page: Callable[[list[int], dict], list[dict]]  # set as staticmethod(report_page) and the like

    def list(self, request, *args, **kwargs):
        keys = self.paginate_queryset(self.filter_queryset(self.get_queryset()).prefetch_related(None)
                                      .values_list("pk", flat=True))
        return self.get_paginated_response(self.plain_page(list(keys), self.get_serializer(many=True).child.fields))


def report_page(keys: list[int], fields) -> list[dict]:
    """The progress reports with these keys, in this order, each as ReportSerializer(report).data."""
    lists = {
        "milestones": _nested(Milestone.objects.filter(report_id__in=keys), "report_id",
                              fields["milestones"].child.fields),
        "transitions": _nested(ReportTransition.objects.filter(report_id__in=keys), "report_id",
                               fields["transitions"].child.fields),
    }
    return _page(ProgressReport.objects.filter(pk__in=keys), keys, fields, lists)


def line_page(keys: list[int], fields) -> list[dict]:
    """The action-line versions with these keys, in this order, each as ActionLineSerializer(version).data."""
    through = ActionLineVersion.lead_states.through.objects.filter(actionlineversion_id__in=keys)
    measures = ActionLineVersion.types_of_measure.through.objects.filter(actionlineversion_id__in=keys)
    lists = {  # in the order the serializer's prefetch gives: states by name, measures by number
        "lead_states": _slugs(through.order_by("memberstate__name").values_list("actionlineversion_id",
                                                                                 "memberstate__iso3")),
        "types_of_measure": _slugs(measures.order_by("typeofmeasure__number").values_list(
            "actionlineversion_id", "typeofmeasure__number")),
    }
    return _page(ActionLineVersion.objects.filter(pk__in=keys), keys, fields, lists)


def _column(field) -> str:
    """The lookup that reads a serializer field's value in one query: its source, and a relation's slug."""
    column = field.source.replace(".", "__")
    return f"{column}__{field.slug_field}" if isinstance(field, SlugRelatedField) else column


def _item(fields, values: dict) -> dict:
    # A slug is given as it is; any other value goes through its field, as DRF does (None stays None).
    return {name: value if value is None or isinstance(fields[name], SlugRelatedField)
            else fields[name].to_representation(value) for name, value in values.items()}


def _page(queryset, keys, fields, lists: dict) -> list[dict]:
    """One query for the rows' own and related values; `lists` holds each list field's values by key."""
    columns = {name: _column(field) for name, field in fields.items() if name not in lists}
    rows = {row["pk"]: row for row in queryset.order_by().values("pk", *dict.fromkeys(columns.values()))}
    page = []
    for key in keys:
        if (row := rows.get(key)) is not None:
            item = _item(fields, {name: row[column] for name, column in columns.items()})
            page.append({name: lists[name].get(key, []) if name in lists else item[name] for name in fields})
    return page


def _nested(queryset, parent: str, fields) -> dict[int, list[dict]]:
    """A nested list's items by parent key, in the model's own order, as its serializer gives them."""
    columns = {name: _column(field) for name, field in fields.items()}
    grouped: dict[int, list[dict]] = {}
    for row in queryset.values(parent, *columns.values()):
        grouped.setdefault(row[parent], []).append(_item(fields, {n: row[c] for n, c in columns.items()}))
    return grouped


def _slugs(rows) -> dict[int, list]:
    grouped: dict[int, list] = {}
    for parent, slug in rows:
        grouped.setdefault(parent, []).append(slug)
    return grouped
