"""Classify an enterprise in a member state on a date, in all ten states side by side, and by harmonised band.

Rules:
- The definition used is the state's national definition in force on the date. Where a new definition's
  effective day is not known (only its year or month), a date in that period may fall under the old or
  the new one: the class is given only when both give the same class, and the answer names both.
- A date before every known definition, a definition whose thresholds the platform cannot apply, or a
  sector whose thresholds are NOT_FOUND gives "unknown", with the reason in words.
- Money figures are compared only with thresholds in the same currency. Figures in another currency, or
  with no currency, are an error (CurrencyMismatch): nothing is converted silently.
- Where thresholds differ by sector, the enterprise's sector is the definition's own sector key or one of
  the platform's broad sectors that the definition's sector covers. With no sector given, the class is
  given only when every sector gives the same class.
- Every answer carries a reason sentence, the definition used (id and legal source), the confidence label
  of the thresholds that placed it, and caveats (discrepancies, unverified rows, uncertain dates).
- The comparison of all ten states takes either one enterprise (its headcount and sector count for every
  state, its money figures only for states whose thresholds are in the same currency: the others are
  classified on headcount alone) or figures entered per state. No currency is converted.
- The harmonised band uses persons employed only, with the bands and label text from the data file; the
  label goes with every regional number that uses it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from .model import (
    Classification,
    Confidence,
    CurrencyMismatch,
    Definition,
    DefinitionUsed,
    Enterprise,
    Sector,
    SizeClass,
)
from .registry import DefinitionRegistry
from .rules import bound_words, caveats_of, confidence_of, decide, find, finding_words

COMPARISON_NOTE = (
    "Money thresholds are in each state's own currency (Cambodia's in US dollars). Money figures are used "
    "only for the states whose thresholds are in the currency entered; the other states are classified on "
    "headcount alone. No currency is converted. Enter figures per state to use them everywhere."
)


@dataclass(frozen=True)
class _Result:
    size_class: SizeClass
    text: str
    sector: str | None = None
    confidence: Confidence | None = None
    possible: tuple[SizeClass, ...] = ()
    caveats: tuple[str, ...] = ()


def _used(definition: Definition) -> DefinitionUsed:
    return DefinitionUsed(
        definition.id, definition.short_name, definition.legal_source, definition.in_force_text
    )


def _check_currency(enterprise: Enterprise, definition: Definition) -> None:
    if definition.uses_money and enterprise.has_money and enterprise.currency != definition.currency:
        given = f"are in {enterprise.currency}" if enterprise.currency else "have no currency"
        raise CurrencyMismatch(
            f"{definition.state}: the enterprise's money figures {given} but the thresholds of "
            f"{definition.id} are in {definition.currency}; convert the figures first (no conversion is made)"
        )


def _in_sector(enterprise: Enterprise, definition: Definition, sector: Sector) -> _Result:
    if not sector.found:
        return _Result(
            SizeClass.UNKNOWN,
            f"unknown: the thresholds for sector {sector.key} are NOT_FOUND",
            sector.key,
            definition.confidence,
            caveats=caveats_of(definition, sector, None, {}),
        )
    findings = {c: find(sector, c, enterprise.value(c)) for c in sector.criteria}
    outcome = decide(definition, sector, findings)
    facts = " and ".join(
        finding_words(f, sector, definition.currency) for f in findings.values() if f.value is not None
    )
    caveats = caveats_of(definition, sector, outcome.slot, findings) + outcome.caveats
    if outcome.slot is None:
        possible = tuple(sector.classes[i].size_class for i in outcome.possible)
        could = f" (could be {' or '.join(p.value for p in possible)})" if len(possible) > 1 else ""
        text = f"unknown: {outcome.why}{could}" + (f"; {facts}" if facts else "")
        return _Result(SizeClass.UNKNOWN, text, sector.key, definition.confidence, possible, caveats)
    size = sector.classes[outcome.slot].size_class
    text = f"{size.value}: {facts}" + (f"; {outcome.why}" if outcome.why else "")
    return _Result(
        size, text, sector.key, confidence_of(definition, sector, outcome.slot, findings), (size,), caveats
    )


def _under(enterprise: Enterprise, definition: Definition, broad: tuple[str, ...]) -> _Result:
    _check_currency(enterprise, definition)
    if definition.sectors is None:
        return _Result(
            SizeClass.UNKNOWN,
            f"unknown: {definition.id} cannot be applied: {definition.not_classifiable}",
            confidence=definition.confidence,
            caveats=definition.discrepancies,
        )
    sectors = definition.sectors
    if len(sectors) == 1 and sectors[0].covers is None:
        return _in_sector(enterprise, definition, sectors[0])
    name = enterprise.sector
    if name is not None:
        match = [s for s in sectors if s.key == name] or [s for s in sectors if s.covers and name in s.covers]
        if match:
            return _in_sector(enterprise, definition, match[0])
        kind = "broad sector" if name in broad else "sector"
        return _Result(
            SizeClass.UNKNOWN,
            (
                f"unknown: {kind} {name!r} is not covered by {definition.id}, whose thresholds are for "
                f"{', '.join(s.key for s in sectors)}"
            ),
            confidence=definition.confidence,
        )
    results = [_in_sector(enterprise, definition, s) for s in sectors]
    classes = {r.size_class for r in results}
    if len(classes) == 1 and SizeClass.UNKNOWN not in classes:
        first = results[0]
        return replace(
            first,
            sector=None,
            confidence=Confidence.weakest(*(r.confidence for r in results)),
            caveats=(*first.caveats, "Sector not given; every sector gives the same class."),
        )
    by_sector = "; ".join(f"{r.sector}: {r.size_class.value}" for r in results)
    possible = tuple(sorted({p for r in results for p in r.possible}, key=lambda p: p.rank))
    return _Result(
        SizeClass.UNKNOWN,
        f"unknown: sector not given and the class depends on it ({by_sector})",
        confidence=definition.confidence,
        possible=possible,
    )


def _wrap(
    state: str,
    on: date,
    result: _Result,
    definitions: tuple[Definition, ...],
    tail: str,
    caveats: tuple[str, ...] = (),
) -> Classification:
    return Classification(
        state=state,
        on=on,
        size_class=result.size_class,
        reason=result.text + tail,
        definitions=tuple(_used(d) for d in definitions),
        sector=result.sector,
        confidence=result.confidence,
        possible_classes=result.possible,
        caveats=tuple(dict.fromkeys(result.caveats + caveats)),
    )


def classify(
    enterprise: Enterprise,
    state: str,
    on: date,
    registry: DefinitionRegistry,
    *,
    definition_id: str | None = None,
) -> Classification:
    """The enterprise's size class in a state on a date, under that state's own rule; see the module rules."""
    broad = registry.broad_sectors
    if definition_id is not None:
        definition = registry.definition(definition_id)
        if definition.state != state:
            raise ValueError(f"{definition_id} is a definition of {definition.state}, not of {state}")
        tail = f" under {definition.short_name} (applied as asked; {definition.in_force_text})"
        return _wrap(state, on, _under(enterprise, definition, broad), (definition,), tail)
    in_force = registry.in_force(state, on)
    if not in_force.possible:
        return Classification(state, on, SizeClass.UNKNOWN, f"unknown: {in_force.reason}")
    if in_force.certain:
        d = in_force.possible[0]
        tail = f" under {d.short_name} ({d.in_force_text})"
        return _wrap(state, on, _under(enterprise, d, broad), (d,), tail, in_force.caveats)
    if len(in_force.possible) == 1:
        d = in_force.possible[0]
        period = d.effective_from.period if d.effective_from else "a period"
        return Classification(
            state,
            on,
            SizeClass.UNKNOWN,
            (
                f"unknown: {d.id} took effect on a day in {period} that is not known, and no earlier "
                f"definition of {state} is known, so it is not known whether any definition applied on "
                f"{on.isoformat()}"
            ),
            definitions=(_used(d),),
            confidence=d.confidence,
        )
    return _either(enterprise, state, on, in_force.possible, broad, in_force.caveats)


def _either(
    enterprise: Enterprise,
    state: str,
    on: date,
    possible: tuple[Definition, ...],
    broad: tuple[str, ...],
    caveats: tuple[str, ...],
) -> Classification:
    old, new = possible[0], possible[-1]
    results = [_under(enterprise, d, broad) for d in possible]
    period = new.effective_from.period if new.effective_from else "a period"
    switch = (
        f"either {old.short_name} or {new.short_name} applies on {on.isoformat()}, because {new.id} "
        f"took effect on a day in {period} that is not known"
    )
    classes = {r.size_class for r in results}
    if len(classes) == 1 and SizeClass.UNKNOWN not in classes:
        size = classes.pop()
        merged = _Result(
            size,
            f"{size.value}: both definitions give {size.value}; {switch}. "
            f"Under {new.short_name}: {results[-1].text}",
            results[-1].sector,
            Confidence.weakest(*(r.confidence for r in results)),
            (size,),
            tuple(c for r in results for c in r.caveats),
        )
        return _wrap(state, on, merged, possible, "", caveats)
    each = "; ".join(f"under {d.id}, {r.text}" for d, r in zip(possible, results, strict=True))
    possible_classes = tuple(
        sorted(
            {p for r in results for p in r.possible} | (classes - {SizeClass.UNKNOWN}), key=lambda p: p.rank
        )
    )
    merged = _Result(
        SizeClass.UNKNOWN,
        f"unknown: {switch}, and they do not give the same class ({each})",
        None,
        Confidence.weakest(*(d.confidence for d in possible)),
        possible_classes,
        tuple(c for r in results for c in r.caveats),
    )
    return _wrap(state, on, merged, possible, "", caveats)


@dataclass(frozen=True)
class ComparisonRow:
    state: str
    name: str
    classification: Classification
    figures: str  # how the entered figures were used for this state, in words


@dataclass(frozen=True)
class Comparison:
    on: date
    rows: tuple[ComparisonRow, ...]
    note: str = COMPARISON_NOTE


def _headcount_only(enterprise: Enterprise) -> Enterprise:
    return replace(enterprise, revenue=None, assets=None, capital=None, currency=None)


def classify_all_states(
    inputs: Enterprise | Mapping[str, Enterprise], on: date, registry: DefinitionRegistry
) -> Comparison:
    """One row per member state, in the data file's order; see the module rules for how figures are used."""
    if isinstance(inputs, Mapping):
        for code in inputs:
            registry.state(code)
    elif inputs.has_money and inputs.currency is None:
        raise CurrencyMismatch(
            "the money figures have no currency; give one (such as 'THB') or leave them out"
        )
    rows = []
    for code, state in registry.states.items():
        if isinstance(inputs, Mapping):
            if code not in inputs:
                rows.append(
                    ComparisonRow(
                        code,
                        state.name,
                        Classification(
                            code, on, SizeClass.UNKNOWN, "unknown: no figures entered for this state"
                        ),
                        "none entered",
                    )
                )
                continue
            enterprise, figures = inputs[code], "figures entered for this state"
        else:
            enterprise, figures = _common(inputs, code, on, registry)
        rows.append(ComparisonRow(code, state.name, classify(enterprise, code, on, registry), figures))
    return Comparison(on, tuple(rows))


def _common(
    enterprise: Enterprise, code: str, on: date, registry: DefinitionRegistry
) -> tuple[Enterprise, str]:
    currencies = {d.currency for d in registry.in_force(code, on).possible if d.uses_money}
    if not enterprise.has_money:
        return enterprise, "headcount only (no money figures entered)"
    if currencies == {enterprise.currency}:
        return enterprise, f"all figures ({enterprise.currency})"
    if not currencies:
        return _headcount_only(enterprise), "headcount only (the definition has no money thresholds)"
    wanted = " or ".join(sorted(c for c in currencies if c))
    return _headcount_only(enterprise), (
        f"headcount only: money figures in {enterprise.currency} not used against {wanted} thresholds "
        "(no conversion)"
    )


@dataclass(frozen=True)
class HarmonisedBand:
    size_class: SizeClass
    reason: str
    label: str


def harmonised_band(persons_employed: int | None, registry: DefinitionRegistry) -> HarmonisedBand:
    """The regional size band by persons employed only; show `label` with every number that uses it."""
    bands = registry.harmonised
    if persons_employed is None:
        return HarmonisedBand(SizeClass.UNKNOWN, "unknown: persons employed not given", bands.label)
    if isinstance(persons_employed, bool) or not isinstance(persons_employed, int) or persons_employed < 0:
        raise ValueError(f"persons employed must be a whole number of at least 0, not {persons_employed!r}")
    for size, bound in bands.bands:
        if bound.contains(persons_employed):
            words = bound_words(bound, money=False)
            people = "person" if persons_employed == 1 else "persons"
            reason = f"{size.value}: {persons_employed} {people} employed, {words}"
            return HarmonisedBand(size, reason, bands.label)
    return HarmonisedBand(
        SizeClass.UNKNOWN,
        (
            f"unknown: {persons_employed} persons employed is outside every band (an active enterprise "
            "employs at least its owner)"
        ),
        bands.label,
    )
