"""The proponent's report workbook for a round: download prefilled, upload filled, all or nothing.

The workbook has a "Reports" sheet (one row per action line and state the proponent reports in the
round, prefilled with its draft or, for a new report, with the previous round's figures) and a
"Milestones" sheet. Uploading checks every cell (sapsmed.core.tables) and every rule (who may report
what, locks, revisions, submission checks); any problem refuses the whole upload, each problem naming
sheet, row and column. Rows are saved as drafts, or submitted when "Submit" says yes. A report changed
since the workbook was downloaded (its revision differs) is refused, so nobody's work is overwritten.
"""

import io
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from python_calamine import CalamineWorkbook

from sapsmed.core.tables import (
    Column,
    ErrorKind,
    Issue,
    RowCap,
    Sheet,
    put_cell,
    read_table,
    what_to_enter,
    write_template,
)
from sapsmed.core.tables.schema import CellError
from sapsmed.plan.models import ActionLine, MemberState
from sapsmed.progress import rules, selectors, services
from sapsmed.progress.access import may_edit
from sapsmed.progress.models import MILESTONE_BOUNDS, REPORT_BOUNDS, LineStatus, ProgressReport, ReportingRound

STATUS_BY_LABEL = {label: value for value, label in LineStatus.choices}
LABEL_BY_STATUS = {value: label for value, label in LineStatus.choices}
# Workbook column → report field.
FIELD_OF = {
    "Status": "status", "% complete": "percent_complete", "Planned start": "planned_start",
    "Planned end": "planned_end", "Actual start": "actual_start", "Actual end": "actual_end", "Currency": "currency",
    "Budget planned": "budget_planned", "Budget committed": "budget_committed", "Budget spent": "budget_spent",
    "Personnel planned": "personnel_planned", "Personnel in place": "personnel_actual",
    "Output quality (1-5)": "quality_rating", "Quality evidence": "quality_evidence",
    "Risks and issues": "risks", "Next steps": "next_steps", "Narrative": "narrative",
}
COLUMN_OF = {field: column for column, field in FIELD_OF.items()}

_B = REPORT_BOUNDS  # each column holds what its report field can store, as the form and the API check it
REPORTS = Sheet("Reports", (
    Column("Action line", "code", help="Keep as downloaded."),
    Column("State", "code", help="ISO3 code of the reporting state; keep as downloaded."),
    Column("Title", "text", required=False, help="For reading only; not imported."),
    Column("Revision", "integer", required=False, min=0, max=2**31 - 1,
           help="Keep as downloaded: it shows whether someone changed the report since."),
    Column("Status", "text", required=False, choices=tuple(STATUS_BY_LABEL)),
    Column("% complete", "percentage", required=False, bounds=_B["percent_complete"]),
    Column("Planned start", "date", required=False, bounds=_B["planned_start"]),
    Column("Planned end", "date", required=False, bounds=_B["planned_end"]),
    Column("Actual start", "date", required=False, bounds=_B["actual_start"]),
    Column("Actual end", "date", required=False, bounds=_B["actual_end"]),
    Column("Currency", "code", required=False, max_length=3, pattern=r"[A-Za-z]{3}", help="Such as MYR or USD."),
    Column("Budget planned", "decimal", required=False, bounds=_B["budget_planned"]),
    Column("Budget committed", "decimal", required=False, bounds=_B["budget_committed"]),
    Column("Budget spent", "decimal", required=False, bounds=_B["budget_spent"]),
    Column("Personnel planned", "decimal", required=False, bounds=_B["personnel_planned"],
           help="Persons (full-time equivalent)."),
    Column("Personnel in place", "decimal", required=False, bounds=_B["personnel_actual"]),
    Column("Output quality (1-5)", "integer", required=False, bounds=_B["quality_rating"],
           help="1 poor to 5 excellent."),
    Column("Quality evidence", "text", required=False, bounds=_B["quality_evidence"]),
    Column("Risks and issues", "text", required=False, bounds=_B["risks"]),
    Column("Next steps", "text", required=False, bounds=_B["next_steps"]),
    Column("Narrative", "text", required=False, bounds=_B["narrative"]),
    Column("Submit", "boolean", required=False, help="yes to submit the report for validation now."),
), key=("Action line", "State"))

MILESTONES = Sheet("Milestones", (
    Column("Action line", "code"), Column("State", "code"),
    Column("Milestone", "text", bounds=MILESTONE_BOUNDS["name"]),
    Column("Planned", "date", required=False, bounds=MILESTONE_BOUNDS["planned_on"]),
    Column("Reached on", "date", required=False, bounds=MILESTONE_BOUNDS["reached_on"]),
))


@dataclass
class Slot:
    """One report the proponent may write in the round, and what stands in its way, if anything."""

    line: object
    state: object
    report: ProgressReport | None
    block: str | None


def slots(user, rnd: ReportingRound) -> list[Slot]:
    """A fixed number of queries however many lines: the lock is read once, exceptions and reports in bulk."""
    found = []
    reports = {(r.action_line_id, r.member_state_id): r for r in rnd.reports.prefetch_related("milestones")}
    round_block = services.round_block_reason(rnd)
    reopened = round_block and timezone.localdate() >= rnd.opens_on
    excepted = set(rnd.exceptions.values_list("action_line_id", "member_state_id")) if reopened else set()
    for lv, state in selectors.expected_pairs(rnd, selectors.lines_in_force()):
        if not may_edit(user, line=lv.action_line.code, state=state.iso3):
            continue
        report = reports.get((lv.action_line_id, state.pk))
        block = None if (lv.action_line_id, state.pk) in excepted else round_block
        if block is None and report is not None and report.workflow_status not in rules.EDITABLE_STATUSES:
            block = f"this report is {report.get_workflow_status_display().lower()}; only drafts and returned " \
                    "reports can be changed."
        found.append(Slot(lv, state, report, block))
    return found


def workbook(user, rnd: ReportingRound) -> bytes:
    rows, milestone_rows, notes, demo = [], [], [], False
    previous = selectors.previous_reports(rnd)
    for slot in slots(user, rnd):
        code, iso3 = slot.line.action_line.code, slot.state.iso3
        if slot.block:
            notes.append(f"{code} ({iso3}) is not in this workbook: {slot.block}")
            continue
        source = slot.report or previous.get((slot.line.action_line_id, slot.state.pk))
        demo = demo or bool(source and source.is_demo) or rnd.is_demo
        row = {"Action line": code, "State": iso3, "Title": slot.line.title,
               "Revision": slot.report.revision if slot.report else 0}
        if source is None:
            row["Currency"] = slot.state.currency
        else:
            carried = services.CARRIED_OVER if slot.report is None else services.REPORT_FIELDS
            for field in carried:
                value = getattr(source, field)
                row[COLUMN_OF[field]] = LABEL_BY_STATUS.get(value) if field == "status" else value
            milestone_rows += [{"Action line": code, "State": iso3, "Milestone": m.name, "Planned": m.planned_on,
                                "Reached on": m.reached_on} for m in source.milestones.all()]
        rows.append(row)
    if demo:
        notes.insert(0, "Demonstration data: figures prefilled here come from synthetic demonstration reports, "
                        "not real ones.")
    notes.insert(0, f"Round {rnd.name}, due {rules.long_date(rnd.due_on)}. Rows are saved as drafts; put yes in "
                    "Submit to submit a report for validation. Milestones go on the Milestones sheet.")
    content = write_template(REPORTS, None, rows=rows, title=f"Progress reports, round {rnd.name}", notes=notes)
    return _add_milestones_sheet(content, milestone_rows)


def _add_milestones_sheet(content: bytes, rows: list[dict]) -> bytes:
    book = load_workbook(io.BytesIO(content))
    sheet = book.create_sheet(MILESTONES.name, 1)
    for index, column in enumerate(MILESTONES.columns, start=1):
        cell = put_cell(sheet, 1, index, column.name)
        cell.font = Font(bold=True)
        cell.comment = Comment(f"{what_to_enter(column)}. {'Required' if column.required else 'Optional'}.",
                               "SAPSMED")
        sheet.column_dimensions[cell.column_letter].width = 40 if column.name == "Milestone" else 16
    for r, row in enumerate(rows, start=2):
        for index, column in enumerate(MILESTONES.columns, start=1):
            # put_cell: a milestone named "=SUM(A1)" is written as text, so the workbook re-imports as it was.
            put_cell(sheet, r, index, row.get(column.name), column).number_format = (
                "yyyy-mm-dd" if column.kind == "date" else "@")
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# A proponent's workbook has a row per action line it reports on (a few dozen; the whole roadmap is about 300)
# and a few milestones each: a sheet of more than 5,000 rows is refused before its cells are read.
ROW_CAP = RowCap(5_000, "a report workbook")
MAX_ERRORS = 500  # per sheet; past it, problems are counted by kind but not listed


@dataclass
class Parsed:
    errors: list[CellError]
    reports: list[dict]
    milestones: dict[tuple[str, str], list[dict]] | None  # None: no Milestones sheet, keep milestones as they are
    kinds: tuple[ErrorKind, ...] = ()  # every problem of both sheets counted by kind
    notes: tuple[str, ...] = ()  # what the reader did not read (hidden sheets), for the preview

    @property
    def ok(self) -> bool:
        return not self.errors


def _has_milestones_sheet(content: bytes, filename: str) -> bool:
    if not filename.lower().endswith((".xlsx", ".xlsm")):
        return False
    try:
        names = CalamineWorkbook.from_filelike(io.BytesIO(content)).sheet_names
    except Exception:  # noqa: BLE001 - an unreadable workbook is reported by read_table itself
        return False
    return any(" ".join(n.split()).casefold() == "milestones" for n in names)


def refused_whole(errors) -> bool:
    """Whether the file was refused before it was opened (not a workbook, or a decompression bomb)."""
    return any(e.sheet is None and e.row is None for e in errors)


def parse(user, rnd: ReportingRound, content: bytes, filename: str) -> Parsed:
    allowed = {(s.line.action_line.code, s.state.iso3): s for s in slots(user, rnd)}

    def check_report(row):
        pair = (row["Action line"], (row["State"] or "").upper())
        slot = allowed.get(pair)
        if slot is None:
            yield Issue(f"you do not report on action line {pair[0]} for {pair[1]} in round {rnd.name}; "
                        "delete this row", column="Action line")
            return
        if slot.block:
            yield Issue(slot.block, column="Action line")
            return
        given, current = row["Revision"], slot.report.revision if slot.report else 0
        if given is None and slot.report is not None:
            yield Issue("give the revision as downloaded, so that nobody's changes are overwritten", column="Revision")
        elif given is not None and given != current:
            yield Issue(f"this report was changed after the workbook was downloaded (it is now at revision "
                        f"{current}); download a fresh workbook, or delete this row", column="Revision")
        values = _values(row)
        problems = rules.submission_problems(values) if row["Submit"] else rules.date_order_problems(values)
        for field, message in problems:
            yield Issue(message, column=COLUMN_OF.get(field, "Action line"))

    result = read_table(content, filename=filename, schema=REPORTS, row_checks=[check_report],
                        max_errors=MAX_ERRORS, max_rows=ROW_CAP)
    errors, milestones, kinds = list(result.errors), None, result.kinds
    # A file refused as a whole is not opened again to look for its Milestones sheet.
    if not refused_whole(result.errors) and _has_milestones_sheet(content, filename):
        in_sheet = {(r["Action line"], (r["State"] or "").upper()) for r in result.rows}

        def check_milestone(row):
            pair = (row["Action line"], (row["State"] or "").upper())
            if pair not in allowed:
                yield Issue(f"you do not report on action line {pair[0]} for {pair[1]} in round {rnd.name}",
                            column="Action line")
            elif result.ok and pair not in in_sheet:  # with errors on Reports, its rows may be merely unread
                yield Issue("this action line and state have no row on the Reports sheet", column="Action line")

        found = read_table(content, filename=filename, schema=MILESTONES, sheet=MILESTONES.name,
                           row_checks=[check_milestone], max_errors=MAX_ERRORS, max_rows=ROW_CAP)
        errors += found.errors
        kinds += found.kinds
        milestones = {}
        for r in found.rows:
            milestones.setdefault((r["Action line"], r["State"].upper()), []).append(
                {"name": r["Milestone"], "planned_on": r["Planned"], "reached_on": r["Reached on"]})
    return Parsed(errors, result.rows, milestones, kinds, result.notes)


def _values(row: dict) -> dict:
    values = {field: row.get(column) for column, field in FIELD_OF.items()}
    values["status"] = STATUS_BY_LABEL.get(row.get("Status") or "", "")
    values["currency"] = (row.get("Currency") or "").upper()
    return values


@transaction.atomic
def commit(user, rnd: ReportingRound, parsed: Parsed) -> tuple[int, int]:
    """Save every row (and submit those marked), all in one transaction; returns (saved, submitted)."""
    if not parsed.ok:
        raise services.ProgressError("The workbook has problems; nothing was saved.")
    saved = submitted = 0
    lines = {a.code: a for a in ActionLine.objects.filter(code__in={r["Action line"] for r in parsed.reports})}
    states = {s.iso3: s for s in MemberState.objects.all()}
    for row in parsed.reports:
        code, iso3 = row["Action line"], row["State"].upper()
        existing = selectors.report_for(rnd, code, iso3)
        milestones = (parsed.milestones.get((code, iso3), []) if parsed.milestones is not None
                      else [{"name": m.name, "planned_on": m.planned_on, "reached_on": m.reached_on}
                            for m in selectors.milestones_of(existing)])
        report = services.report_save(by=user, round=rnd, line=lines[code], state=states[iso3], values=_values(row),
                                      milestones=milestones, revision=row["Revision"] or 0,
                                      reason="Imported from the report workbook")
        saved += 1
        if row["Submit"]:
            services.report_transition(by=user, report_id=report.pk, action="submit", revision=report.revision)
            submitted += 1
    return saved, submitted


def preview(parsed: Parsed) -> list[dict]:
    """What the confirmation page lists: one line per report row, with what will happen to it."""
    rows = []
    for r in parsed.reports:
        pair = (r["Action line"], r["State"].upper())
        milestones = "kept as they are" if parsed.milestones is None else len(parsed.milestones.get(pair, []))
        rows.append({"row": r["_row"], "code": pair[0], "state": pair[1], "status": r["Status"] or "",
                     "percent": r["% complete"], "currency": r["Currency"] or "", "spent": r["Budget spent"],
                     "milestones": milestones, "submit": bool(r["Submit"])})
    return rows
