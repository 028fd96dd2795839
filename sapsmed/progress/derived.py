"""Stored early-warning assessments, recomputed by the services that change their inputs, in their transaction.

Rules, in words:
- A report's transition (submitted, withdrawn, validated, returned, accepted) changes what early warning
  counts for its (line, state) stream, and for the streams of the lines that wait for that line (their
  predecessor flags read it): those streams are recomputed in the transition's transaction, on each basis
  that counts the report before or after it (the accepted basis only when it is or was accepted).
- Saving a draft changes nothing early warning reads (drafts and returned reports are not counted).
- Opening a round may change the round that missing reports are checked against, and a change of the plan
  in force (an approved amendment, a roadmap edit or import, a load of the plan) may change the lines, their
  lead states and predecessors: every stream is recomputed.
- What changes with the date alone (a planned end or a due date passing) is refreshed by
  `manage.py refresh_assessments`, daily; every row says as of which date it was assessed.
- `differences()` recomputes everything without writing and names each stored row that differs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from sapsmed.core.early_warning import Severity
from sapsmed.core.sequencing import code_text_key
from sapsmed.plan.models import ActionLine, ActionLineVersion, MemberState, PlanVersion
from sapsmed.plan.selectors import current_version
from sapsmed.progress import derived_rounds, warning
from sapsmed.progress.derived_locks import lock_lines
from sapsmed.progress.derived_models import RAG_RANK, Basis, StreamAssessment
from sapsmed.progress.models import ProgressReport, ReportingRound
from sapsmed.progress.selectors import lines_in_force

# What a stored row holds, compared field by field by differences().
_COMPARED = ("terms_id", "goal_code", "rag", "worst_first", "flags", "notes", "report_id", "report_round",
             "report_workflow_status", "counted_reports", "is_demo", "current_round")


@dataclass
class Reading:
    """What one recompute reads of the plan and the rounds, once: the version in force, the lines whose rows
    it rewrites (`targets`, None: all), those and their predecessors (`read_lines`) with their terms, and
    every round."""

    version: PlanVersion | None
    targets: set[int] | None
    read_lines: set[int] | None
    lines: list[ActionLineVersion]
    rounds: list[ReportingRound]

    def terms_of(self, line_id: int) -> list[ActionLineVersion]:
        return [lv for lv in self.lines if lv.action_line_id == line_id]


def reading(line_ids: set[int] | None, *, lock: bool) -> Reading:
    """Read what the streams of these lines and of the lines waiting for them need (None: every line); `lock`:
    first take turns with any other writer of those rows (derived_locks), as a write must."""
    version = current_version()
    targets = None if line_ids is None else set(line_ids) | successors_of(set(line_ids), version=version)
    read_lines = None if targets is None else warning.with_predecessors(targets, version=version)
    if lock:
        lock_lines(read_lines)
    return Reading(version, targets, read_lines, lines_in_force(read_lines, version=version),
                   list(ReportingRound.objects.all()))


def _rows(as_of: date, basis: str, read: Reading) -> list[StreamAssessment]:
    found = warning.compute(as_of, warning.thresholds(), accepted_only=basis == Basis.ACCEPTED,
                            line_ids=read.targets, version=read.version, read_lines=read.read_lines,
                            lines=read.lines, rounds=read.rounds, with_champions=False)
    current = found.current_round.name if found.current_round else ""
    rows = []
    for s in found.streams:
        w = s.warning
        rows.append(StreamAssessment(
            action_line_id=s.line.action_line_id, member_state_id=s.state.pk, basis=basis, terms_id=s.line.pk,
            goal_code=s.goal, code_key=code_text_key(s.line.action_line.code), rag=w.rag.value,
            rag_rank=RAG_RANK[w.rag.value], red_count=sum(f.severity is Severity.RED for f in w.flags),
            flag_count=len(w.flags), worst_first=worst_first_key(w, s.line.action_line.code, s.state.iso3),
            flags=[{"kind": f.kind.value, "severity": f.severity.value, "reason": f.reason} for f in w.flags],
            notes=list(w.notes), report_id=s.report_id, report_round=w.report.round if w.report else "",
            report_workflow_status=w.report.workflow_status.value if w.report else "",
            counted_reports=sorted(s.counted), is_demo=s.is_demo, as_of=as_of, current_round=current))
    return rows


def worst_first_key(w, code: str, iso3: str) -> str:
    """The order of the early-warning table as one indexed text: status worst first, then the most red flags,
    the most flags, the code (numbers padded) and the state."""
    reds = sum(f.severity is Severity.RED for f in w.flags)
    counts = f"{99 - min(reds, 99):02d}{99 - min(len(w.flags), 99):02d}"
    return f"{RAG_RANK[w.rag.value]}{counts}{code_text_key(code)}|{iso3}"


def successors_of(line_ids: set[int], *, version: PlanVersion | None = None) -> set[int]:
    """The lines of the plan in force (`version`, if read) that wait for any of these lines."""
    version = version or current_version()
    if version is None or not line_ids:
        return set()
    return set(ActionLineVersion.objects.filter(plan_version=version, predecessors__in=line_ids)
               .values_list("action_line_id", flat=True))


def bases_counting(*statuses: str) -> list[str]:
    """The bases whose assessments count a report in any of these workflow statuses: a transition between
    two statuses changes those bases' rows only (their membership, or the status a row shows)."""
    return [basis for basis in Basis
            if any(s in warning.counted_statuses(basis == Basis.ACCEPTED) for s in statuses)]


@transaction.atomic(savepoint=False)  # a failure rolls back the caller's whole write, as it must
def streams_recompute(*, line_ids: set[int] | None = None, as_of: date | None = None,
                      bases: list[str] | None = None, read: Reading | None = None) -> int:
    """Recompute and store the streams of these action lines and of the lines waiting for them (None: all),
    on these bases (None: both); `read`: what the caller has read and locked for them already.

    Runs inside the caller's transaction: if it fails, the caller's write is rolled back with it.
    Returns how many rows were written.
    """
    as_of = as_of or timezone.localdate()
    bases = list(Basis) if bases is None else bases
    read = read or reading(line_ids, lock=True)
    rows = [row for basis in bases for row in _rows(as_of, basis, read)]
    stale = StreamAssessment.objects.filter(basis__in=bases)
    if read.targets is not None:
        stale = stale.filter(action_line_id__in=read.targets)
    stale.delete()
    StreamAssessment.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic(savepoint=False)  # a failure rolls back the caller's whole write, as it must
def report_moved(report: ProgressReport, bases: list[str]) -> None:
    """A report moved through the workflow: its line's streams on these bases (those that count it before or
    after the move) and its expectations in its round and the later ones, from one reading of the plan."""
    read = reading({report.action_line_id}, lock=True)
    if bases:
        streams_recompute(bases=bases, read=read)
    derived_rounds.report_changed(report, lines=read.terms_of(report.action_line_id), rounds=read.rounds)


@transaction.atomic
def recompute_all() -> None:
    """Every stored stream and round expectation, after a bulk load or removal (demonstration data)."""
    streams_recompute()
    derived_rounds.expectations_recompute()


@transaction.atomic
def refresh(*, as_of: date | None = None) -> int:
    """Recompute every stream and round expectation from the facts (idempotent); returns how many rows changed."""
    changed = len(differences(as_of=as_of))
    streams_recompute(as_of=as_of)
    derived_rounds.expectations_recompute()
    return changed


def differences(*, as_of: date | None = None) -> list[str]:
    """One sentence per stored row (assessments and round expectations) that a fresh computation would not give."""
    return [*_stream_differences(as_of), *derived_rounds.differences()]


def _stream_differences(as_of: date | None) -> list[str]:
    as_of = as_of or timezone.localdate()
    everything = reading(None, lock=False)
    fresh = {(r.action_line_id, r.member_state_id, r.basis): r
             for basis in Basis for r in _rows(as_of, basis, everything)}
    stored = {(r.action_line_id, r.member_state_id, r.basis): r
              for r in StreamAssessment.objects.all()}
    codes = dict(ActionLine.objects.values_list("pk", "code"))
    iso3 = dict(MemberState.objects.values_list("pk", "iso3"))
    names = {key: f"{codes[key[0]]} ({iso3[key[1]]})" for key in set(fresh) | set(stored)}
    found = []
    for key in sorted(set(fresh) | set(stored), key=lambda k: (k[2], k[0], k[1])):
        old, new = stored.get(key), fresh.get(key)
        if old is None:
            found.append(f"Early warning {names[key]} ({key[2]}): not stored; recomputed {new.rag}.")
        elif new is None:
            found.append(f"Early warning {names[key]} ({key[2]}): stored {old.rag}, but the stream is no longer "
                         "assessed.")
        elif old.as_of != new.as_of:
            found.append(f"Early warning {names[key]} ({key[2]}): stored as of {old.as_of}, not {new.as_of}.")
        else:
            changed = [f for f in _COMPARED if getattr(old, f) != getattr(new, f)]
            if changed:
                found.append(f"Early warning {names[key]} ({key[2]}): stored {old.rag}, recomputed {new.rag}; "
                             f"differs in {', '.join(changed)}.")
    return found


def on_plan_changed(sender, *, line_ids=None, **kwargs) -> None:
    """The plan in force changed (sapsmed.plan.events): recompute the streams and expectations it may change."""
    streams_recompute(line_ids=line_ids)
    derived_rounds.expectations_recompute(line_ids=line_ids)
