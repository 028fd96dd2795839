"""What a review covers, and every sentence that says so: one definition for the report's header and sections.

Rules, in words:
- A review covers the reporting rounds from its first to its last round (in the order they opened), the
  reports the Secretariat had accepted by the end of its cut-off date, the KPI values of its years, and
  the plan version it names.
- The form proposes, for a kind of review of a plan: the mid-term review covers the plan's first half
  (2016 to 2020 of 2016-2025, the middle year included in the first half), the final review the whole
  plan; the cut-off is the last day of the period; the rounds are those that opened within its years;
  the plan version is the one in force on the cut-off date.
- The version in force on a date is the highest version whose approval was decided on or before it
  (the first version is in force from the start).
- Sentences name counts and dates as the data give them: "the 20 rounds 2016-H1 to 2025-H2", "the round
  2020-H2", "no reporting round".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class ScopeRound:
    name: str
    opens_on: date


@dataclass(frozen=True)
class VersionDecision:
    """A plan version and the date the decision that made it was taken (None for the endorsed version)."""

    number: int
    decided_on: date | None


@dataclass(frozen=True)
class ReviewScope:
    kind_label: str  # "Final review"
    cut_off: date
    plan_version: int
    plan_version_label: str
    kpi_years: tuple[int, int]
    rounds: tuple[str, ...]  # in the order they opened
    version_in_force: int  # on the cut-off date

    @property
    def rounds_phrase(self) -> str:
        return rounds_phrase(self.rounds)

    @property
    def cut_off_text(self) -> str:
        return date_text(self.cut_off)

    @property
    def kpi_years_text(self) -> str:
        first, last = self.kpi_years
        return str(first) if first == last else f"{first} to {last}"

    def progress_sentence(self) -> str:
        """What the progress sections count, as the report says it."""
        if not self.rounds:
            return f"No reporting round is covered: no progress report is counted (cut-off {self.cut_off_text})."
        return f"Reports accepted in {self.rounds_phrase}, as at {self.cut_off_text}."

    def kpi_sentence(self) -> str:
        return f"KPI values for the years {self.kpi_years_text}, as stored at the report's generation."

    def version_sentence(self) -> str:
        said = f"Plan version {self.plan_version} ({self.plan_version_label})"
        if self.plan_version == self.version_in_force:
            return f"{said}, the version in force on {self.cut_off_text}."
        return (f"{said}; on {self.cut_off_text} version {self.version_in_force} was in force: this review "
                f"reads the lines of version {self.plan_version}.")

    def header(self) -> str:
        """One line under the title: cut-off, version, KPI years, rounds."""
        rounds = f"rounds {self.rounds[0]} to {self.rounds[-1]} ({len(self.rounds)})" if len(self.rounds) > 1 else (
            f"round {self.rounds[0]}" if self.rounds else "no reporting round")
        return (f"Cut-off {self.cut_off_text} · plan version {self.plan_version} · KPI years "
                f"{self.kpi_years_text.replace(' to ', '–')} · {rounds}")


def date_text(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def rounds_phrase(rounds: tuple[str, ...] | list[str]) -> str:
    if not rounds:
        return "no reporting round"
    if len(rounds) == 1:
        return f"the round {rounds[0]}"
    return f"the {len(rounds)} rounds {rounds[0]} to {rounds[-1]}"


def rounds_between(rounds: Iterable[ScopeRound], first: str | None, last: str | None) -> tuple[str, ...]:
    """The names of the rounds from `first` to `last`, in the order they opened (both included)."""
    ordered = sorted(rounds, key=lambda r: (r.opens_on, r.name))
    names = [r.name for r in ordered]
    if first is None or last is None or first not in names or last not in names:
        return ()
    lo, hi = names.index(first), names.index(last)
    return tuple(names[lo:hi + 1]) if lo <= hi else ()


def proposed_years(kind: str, start_year: int, end_year: int) -> tuple[int, int]:
    """The KPI years a review of this kind covers by default."""
    if kind == "mid_term":
        return start_year, start_year + (end_year - start_year) // 2
    return start_year, end_year


def proposed_rounds(rounds: Iterable[ScopeRound], years: tuple[int, int]) -> tuple[str, str] | None:
    """The first and last rounds that opened within these years, or None when none did."""
    within = sorted((r for r in rounds if years[0] <= r.opens_on.year <= years[1]), key=lambda r: (r.opens_on, r.name))
    return (within[0].name, within[-1].name) if within else None


def version_in_force(versions: Iterable[VersionDecision], day: date) -> int | None:
    """The highest version decided on or before the day (the endorsed version, undated, counts from the start)."""
    found = [v.number for v in versions if v.decided_on is None or v.decided_on <= day]
    return max(found) if found else None
