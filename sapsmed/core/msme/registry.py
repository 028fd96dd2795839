"""The loaded definitions of all member states, and which national definition is in force on a date.

Rules:
- Each state has a chain of national definitions; each is in force from its effective date until the
  next one takes effect (or until its own explicit end date). Statistical size bands stand beside the
  chain and are used only when asked for by id.
- A definition whose effective date is known only to the year (or month) possibly took effect on any
  day of that period. On a date inside such a period both the old and the new definition may apply,
  and the answer says so; it does not pick one.
- A definition with no known start is taken as in force before its successor, and its use on a date
  is flagged when the reference does not place it in force then.
- A date before every known definition has no definition, and the answer says why.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from .model import Definition, EffectiveDate, HarmonisedBands, State, Use

PLAN_BASELINE_START = date(2015, 1, 1)  # in_force_2015_2016 places a definition in force from this day


@dataclass(frozen=True)
class InForce:
    """The definitions that may be in force on a date: none, one, or two across a switch."""

    on: date
    possible: tuple[Definition, ...]
    certain: bool
    reason: str = ""
    caveats: tuple[str, ...] = ()


def _possibly_started(definition: Definition, on: date) -> bool:
    return definition.effective_from is None or on >= definition.effective_from.earliest


def _certainly_started(definition: Definition, on: date) -> bool:
    return definition.effective_from is None or on >= definition.effective_from.latest


def _end(definition: Definition, successor: Definition | None) -> EffectiveDate | None:
    if definition.effective_to is not None:
        return definition.effective_to
    return successor.effective_from if successor is not None else None


def possibly_in_force(chain: tuple[Definition, ...], on: date) -> tuple[tuple[Definition, ...], bool]:
    """The definitions of a chain that may be in force on a date, and whether that is certain."""
    possible: list[Definition] = []
    certain = True
    for i, definition in enumerate(chain):
        end = _end(definition, chain[i + 1] if i + 1 < len(chain) else None)
        if not _possibly_started(definition, on) or (end is not None and on >= end.latest):
            continue
        possible.append(definition)
        if not _certainly_started(definition, on) or (end is not None and on >= end.earliest):
            certain = False
    return tuple(possible), certain and len(possible) == 1


@dataclass(frozen=True)
class DefinitionRegistry:
    source: str
    states: Mapping[str, State]
    harmonised: HarmonisedBands
    broad_sectors: tuple[str, ...]

    def state(self, code: str) -> State:
        try:
            return self.states[code]
        except KeyError:
            known = ", ".join(self.states)
            raise KeyError(f"unknown member state {code!r}; known: {known}") from None

    def definition(self, definition_id: str) -> Definition:
        for state in self.states.values():
            for definition in state.definitions:
                if definition.id == definition_id:
                    return definition
        raise KeyError(f"unknown MSME definition {definition_id!r}")

    def in_force(self, code: str, on: date) -> InForce:
        chain = self.state(code).national
        possible, certain = possibly_in_force(chain, on)
        if not possible:
            return InForce(on, (), False, reason=self._none_reason(code, chain, on))
        caveats = tuple(
            f"{d.id}: start date NOT_FOUND; it is applied on {on.isoformat()} without a source placing it "
            "in force then."
            for d in possible
            if d.effective_from is None and not (d.in_force_2015_2016 and on >= PLAN_BASELINE_START)
        )
        return InForce(on, possible, certain, caveats=caveats)

    @staticmethod
    def _none_reason(code: str, chain: tuple[Definition, ...], on: date) -> str:
        if not chain:
            return f"no national MSME definition of {code} is known"
        first = chain[0]
        if first.effective_from is not None and on < first.effective_from.earliest:
            return (
                f"{on.isoformat()} is before any known definition of {code}: the earliest, {first.id}, "
                f"is in force from {first.effective_from.text}"
            )
        return f"no national MSME definition of {code} is known to be in force on {on.isoformat()}"

    def statistical(self, code: str) -> tuple[Definition, ...]:
        return tuple(d for d in self.state(code).definitions if d.use is Use.STATISTICAL)
