"""Helpers for roadmap tests: extra action lines, workbooks built in memory, and a fingerprint of the roadmap."""

from __future__ import annotations

import io

import openpyxl

from sapsmed.plan.models import (
    Action,
    ActionLine,
    ActionLineVersion,
    MemberState,
    Organisation,
    Pathway,
    PlanVersion,
    TypeOfMeasure,
)
from sapsmed.plan.roadmap_order import order_lines
from sapsmed.plan.roadmap_selectors import version_snapshot


def add_lines(n: int, *, goal: str = "B", start: int = 50) -> list[ActionLineVersion]:
    """n extra lines spread over the goal's actions, each with leads, proponents, measures and a predecessor.

    Written in bulk (with their history rows, which the change history reads): one `.set()` per
    link and line made the query-count tests spend most of their time here.
    """
    from simple_history.utils import bulk_create_with_history

    version = PlanVersion.objects.order_by("-number").first()
    actions = list(Action.objects.filter(outcome__goal__code=goal).order_by("code"))
    states = list(MemberState.objects.order_by("iso3")[:3])
    measures = list(TypeOfMeasure.objects.order_by("number")[:2])
    organisation = Organisation.objects.get(code="ASEC")
    pathway = Pathway.objects.get(code="inclusive")
    lines = []
    for i in range(n):
        action = actions[i % len(actions)]
        lines.append(ActionLine(action=action, code=f"{action.code}.{start + i}", line_no=start + i))
    lines = bulk_create_with_history(lines, ActionLine)
    lines = list(ActionLine.objects.filter(code__in=[line.code for line in lines]).order_by("line_no"))
    created = bulk_create_with_history([
        ActionLineVersion(
            action_line=line, plan_version=version, title=f"Synthetic test line {line.line_no}", source="test data",
            start_year=2016 + i % 5, target_year=2020 + i % 6, required_time="medium-term", pathway=pathway,
            implementation_level="regional")
        for i, line in enumerate(lines)], ActionLineVersion)
    created = list(ActionLineVersion.objects.filter(action_line__in=lines, plan_version=version)
                   .order_by("action_line__line_no"))
    links = {
        "lead_states": ("memberstate", states), "proponent_states": ("memberstate", states[:1]),
        "proponent_organisations": ("organisation", [organisation]), "types_of_measure": ("typeofmeasure", measures),
    }
    for field, (target, objects) in links.items():
        through = getattr(ActionLineVersion, field).through
        through.objects.bulk_create([through(actionlineversion=lv, **{target: obj})
                                     for lv in created for obj in objects])
    through = ActionLineVersion.predecessors.through
    through.objects.bulk_create([through(actionlineversion=lv, actionline=previous)
                                 for lv, previous in zip(created[1:], lines, strict=False)])
    order_lines()  # a bulk write outside the services: store the drawing order as the services would
    return created


def workbook(rows: list[list], sheet: str = "Action lines") -> bytes:
    book = openpyxl.Workbook()
    book.active.title = sheet
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def edit_export(data: bytes, edits: dict[tuple[str, str], object], *, append: list[dict] | None = None) -> bytes:
    """The exported workbook with cells changed: edits maps (line code, column header) to the new value."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["Action lines"]
    headers = {cell.value: cell.column for cell in sheet[1]}
    rows = {sheet.cell(r, headers["Code"]).value: r for r in range(2, sheet.max_row + 1)}
    for (code, header), value in edits.items():
        sheet.cell(rows[code], headers[header]).value = value
    for record in append or []:
        row = sheet.max_row + 1
        for header, value in record.items():
            sheet.cell(row, headers[header]).value = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def roadmap_state() -> dict:
    """Everything an import could change: each version's terms, the lines, and the audit rows."""
    return {
        "versions": {v.number: version_snapshot(v) for v in PlanVersion.objects.all()},
        "lines": sorted(ActionLine.objects.values_list("code", flat=True)),
        "history": ActionLineVersion.history.count(),
        "line_history": ActionLine.history.count(),
    }
