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
from sapsmed.plan.roadmap_selectors import version_snapshot


def add_lines(n: int, *, goal: str = "B", start: int = 50) -> list[ActionLineVersion]:
    """n extra lines spread over the goal's actions, each with leads, proponents, measures and a predecessor."""
    version = PlanVersion.objects.order_by("-number").first()
    actions = list(Action.objects.filter(outcome__goal__code=goal).order_by("code"))
    states = list(MemberState.objects.order_by("iso3")[:3])
    measures = list(TypeOfMeasure.objects.order_by("number")[:2])
    organisation = Organisation.objects.get(code="ASEC")
    pathway = Pathway.objects.get(code="inclusive")
    created, previous = [], None
    for i in range(n):
        action = actions[i % len(actions)]
        number = start + i
        line = ActionLine.objects.create(action=action, code=f"{action.code}.{number}", line_no=number)
        lv = ActionLineVersion.objects.create(
            action_line=line, plan_version=version, title=f"Synthetic test line {number}", source="test data",
            start_year=2016 + i % 5, target_year=2020 + i % 6, required_time="medium-term", pathway=pathway,
            implementation_level="regional",
        )
        lv.lead_states.set(states)
        lv.proponent_states.set(states[:1])
        lv.proponent_organisations.set([organisation])
        lv.types_of_measure.set(measures)
        if previous is not None:
            lv.predecessors.set([previous])
        previous = line
        created.append(lv)
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
