"""Pages of the two largest API lists (progress reports, action lines) read as plain rows, not model instances.

Each item is exactly what the list's own serializer gives (tested field for field), and each value is
formatted by that serializer's own field, so dates, decimals and choices read alike in the list and in the
detail. What is skipped is the work around them. Through DRF, a page of 100 reports with their milestones
and transitions built about 1,300 model instances and made 28,000 attribute look-ups: about 80 ms. A page
of 100 action lines spent half its 45 ms building member states and measures for two small lists.
Plain rows take a third of that, which is what brought both lists under the load test's budget.
"""

from collections.abc import Callable

from sapsmed.plan.models import ActionLineVersion
from sapsmed.progress.models import Milestone, ProgressReport, ReportTransition


class PlainRowsList:
    """A viewset's list read as plain rows by `plain_page(keys, serializer)`, after the page's keys alone.

    The keys come from a narrow query (the filters and ordering only), so PostgreSQL need not sort every
    joined wide row to keep a page of 100.
    """

    plain_page: Callable[[list[int], object], list[dict]]  # set as staticmethod(report_page) and the like

    def list(self, request, *args, **kwargs):
        keys = self.paginate_queryset(self.filter_queryset(self.get_queryset()).prefetch_related(None)
                                      .values_list("pk", flat=True))
        return self.get_paginated_response(self.plain_page(list(keys), self.get_serializer(many=True)))


def report_page(keys: list[int], serializer) -> list[dict]:
    """The progress reports with these keys, in this order, each as ReportSerializer(report).data."""
    related = {"round": "round__name", "action_line": "action_line__code",
               "goal": "action_line__action__outcome__goal__code", "member_state": "member_state__iso3"}
    fields = _fields(serializer)
    lists = {
        "milestones": _grouped(Milestone.objects.filter(report_id__in=keys).order_by("report_id", "position", "pk")
                               .values_list("report_id", "name", "planned_on", "reached_on"),
                               fields["milestones"].child.fields, ("name", "planned_on", "reached_on")),
        "transitions": _grouped(ReportTransition.objects.filter(report_id__in=keys).order_by("report_id", "at", "pk")
                                .values_list("report_id", "action", "from_status", "to_status", "note",
                                             "by__username", "at"),
                                fields["transitions"].child.fields, ("action", "from_status", "to_status", "note",
                                                                     "by", "at"), raw={"by"}),
    }
    return _page(ProgressReport.objects.filter(pk__in=keys), keys, fields, related, lists)


def line_page(keys: list[int], serializer) -> list[dict]:
    """The action-line versions with these keys, in this order, each as ActionLineSerializer(version).data."""
    related = {"code": "action_line__code", "action": "action_line__action__code",
               "goal": "action_line__action__outcome__goal__code", "plan_version": "plan_version__number",
               "pathway": "pathway__code"}
    through = ActionLineVersion.lead_states.through.objects.filter(actionlineversion_id__in=keys)
    measures = ActionLineVersion.types_of_measure.through.objects.filter(actionlineversion_id__in=keys)
    lists = {  # in the order the serializer's prefetch gives: states by name, measures by number
        "lead_states": _slugs(through.order_by("memberstate__name").values_list("actionlineversion_id",
                                                                                 "memberstate__iso3")),
        "types_of_measure": _slugs(measures.order_by("typeofmeasure__number").values_list(
            "actionlineversion_id", "typeofmeasure__number")),
    }
    return _page(ActionLineVersion.objects.filter(pk__in=keys), keys, _fields(serializer), related, lists)


def _fields(serializer):
    return serializer.child.fields if hasattr(serializer, "child") else serializer.fields


def _page(queryset, keys, fields, related: dict, lists: dict) -> list[dict]:
    """One query for the rows' own and related values; `lists` holds each list field's values by key."""
    columns = {name: related.get(name, name) for name in fields if name not in lists}
    rows = {row["pk"]: row for row in queryset.order_by().values("pk", *dict.fromkeys(columns.values()))}
    page = []
    for key in keys:
        row = rows.get(key)
        if row is None:
            continue
        item = {}
        for name, field in fields.items():
            if name in lists:
                item[name] = lists[name].get(key, [])
                continue
            value = row[columns[name]]
            # A related value is the slug itself; an own value goes through its field, as DRF does (None stays).
            item[name] = value if name in related or value is None else field.to_representation(value)
        page.append(item)
    return page


def _grouped(rows, fields, names: tuple, raw=frozenset()) -> dict[int, list[dict]]:
    """Nested items by parent key, each value formatted by the nested serializer's field (`raw`: slugs)."""
    grouped: dict[int, list[dict]] = {}
    for parent, *values in rows:
        grouped.setdefault(parent, []).append({
            name: value if value is None or name in raw else fields[name].to_representation(value)
            for name, value in zip(names, values, strict=True)})
    return grouped


def _slugs(rows) -> dict[int, list]:
    grouped: dict[int, list] = {}
    for parent, slug in rows:
        grouped.setdefault(parent, []).append(slug)
    return grouped
