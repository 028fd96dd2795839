"""The fields of an action line's terms, named once for pages, forms, the workbook, amendments and diffs.

Rules, in words:
- A version of the roadmap is a mapping from action-line code to that line's terms, each term a plain
  value (sapsmed.core.plan_diff compares and amends such mappings): text is a string ("" when not
  set), a year is an int or None, a choice is its code ("" when not set), a list is a sorted list of
  stable codes (ISO3 codes of member states, organisation codes, action-line codes, numbers of the
  types of measure), an amount is a string with two decimals or None, the retired flag is a bool.
- The workbook has one column per field, headed by the field's label, plus the line's Code, Goal
  and Action, which identify the line and never change.
- No Django here: the same definitions serve the import check, the form check and the diff display.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sapsmed.core.sequencing import code_sort_key

CODE_PATTERN = r"[A-Z]-\d{1,2}-\d{1,2}\.\d{1,3}"
_NUMBER = re.compile(r"\d+", re.ASCII)


def normal_code(code: str) -> str:
    """An action-line code as the plan writes it: numbers without leading zeros, so B-2-1.07 is B-2-1.7."""
    return _NUMBER.sub(lambda match: str(int(match.group())), code)


@dataclass(frozen=True)
class TermField:
    name: str
    label: str
    kind: str  # text, year, choice, list, amount, boolean
    required: bool = False
    help: str = ""


TERMS: tuple[TermField, ...] = (
    TermField("title", "Title", "text", required=True),
    TermField("start_year", "Start year", "year", help="The year work starts, when the line spans several years."),
    TermField("target_year", "Target year", "year", help="The year the line is due."),
    TermField("time_frame", "Time frame", "text", help="As the plan words it, e.g. 'By 2020' or '2016-2018'."),
    TermField("required_time", "Required time", "choice", help="quick-win, medium-term or long-term."),
    TermField("implementation_level", "Implementation level", "choice", help="regional or national."),
    TermField("lead_states", "Lead states", "list", help="Lead champions: ISO3 codes separated by ;"),
    TermField("lead_note", "Lead note", "text"),
    TermField("proponent_states", "Proponent states", "list", help="ISO3 codes separated by ;"),
    TermField("proponent_organisations", "Proponent organisations", "list",
              help="Organisation codes (e.g. ASEC) separated by ;"),
    TermField("task_force", "Task force", "text"),
    TermField("pathway", "Pathway", "choice", help="competitive or inclusive."),
    TermField("types_of_measure", "Types of measure", "list", help="Numbers 1-7 separated by ;"),
    TermField("cross_cutting_theme", "Cross-cutting theme", "text"),
    TermField("required_skills", "Required technical skills", "text"),
    TermField("funding_amount", "Funding amount", "amount", help="Required financial support, a number."),
    TermField("funding_currency", "Funding currency", "text", help="ISO 4217 code such as USD."),
    TermField("funding_source", "Funding source", "choice", help="national, asean, dialogue-partner or donor."),
    TermField("expected_outputs", "Expected outputs", "text"),
    TermField("predecessors", "Predecessors", "list", help="Codes of the lines that must come first, separated by ;"),
    TermField("appendix", "Appendix", "text"),
    TermField("notes", "Notes", "text"),
    TermField("seed_erratum", "Erratum in the source text", "text"),
    TermField("source", "Source", "text", required=True),
    TermField("confidence", "Confidence", "choice"),
    TermField("retired", "Retired", "boolean", help="yes when the line is dropped from the plan."),
)
BY_NAME: dict[str, TermField] = {f.name: f for f in TERMS}
LIST_FIELDS = tuple(f.name for f in TERMS if f.kind == "list")
STATE_LISTS = ("lead_states", "proponent_states")
RETIME_FIELDS = ("target_year", "time_frame")
CENT = Decimal("0.01")


def amount_text(value: Decimal | int | float | str | None) -> str | None:
    """An amount as stored in a terms mapping: two decimals, or None."""
    if value is None or value == "":
        return None
    return str(Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP))


def sorted_codes(values) -> list:
    """A list field in its stored order: numbers ascending, codes as people read them."""
    items = set(values or ())
    if all(isinstance(v, int) for v in items):
        return sorted(items)
    return sorted((str(v) for v in items), key=code_sort_key)


def normalise_terms(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Every field present, each value in its stored form (see the rules above)."""
    terms: dict[str, Any] = {}
    for f in TERMS:
        value = raw.get(f.name)
        if f.kind == "list":
            if f.name == "types_of_measure":
                value = [int(v) for v in value or ()]
            terms[f.name] = sorted_codes(value)
        elif f.kind == "year":
            terms[f.name] = int(value) if value not in (None, "") else None
        elif f.kind == "amount":
            terms[f.name] = amount_text(value)
        elif f.kind == "boolean":
            terms[f.name] = bool(value)
        else:
            terms[f.name] = "" if value is None else str(value).strip()
    return terms


def show(name: str, value: Any, names: Mapping[str, Mapping[Any, str]] | None = None) -> str:
    """A term's value in words for a page: lists joined, choices by name, empty as 'not set'."""
    lookup = (names or {}).get(name, {})
    if value is None or value == "" or value == [] or value == ():
        return "not set"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple | set | frozenset):
        return "; ".join(lookup.get(v, str(v)) for v in sorted_codes(value))
    return lookup.get(value, str(value))


def label(name: str) -> str:
    field = BY_NAME.get(name)
    return field.label if field else name.replace("_", " ").capitalize()


def present_diff(diff, titles: Mapping[str, str], names: Mapping[str, Mapping] | None = None) -> dict:
    """A core.plan_diff.PlanDiff in words: added and dropped lines with titles, changed fields before/after."""
    return {
        "added": [{"code": c, "title": titles.get(c, "")} for c in diff.added],
        "dropped": [{"code": c, "title": titles.get(c, "")} for c in diff.dropped],
        "changed": [
            {"code": change.code, "title": titles.get(change.code, ""),
             "fields": [{"label": label(f.field), "before": show(f.field, f.before, names),
                         "after": show(f.field, f.after, names)} for f in change.fields]}
            for change in diff.changed
        ],
        "unchanged": diff.unchanged,
        "empty": diff.is_empty,
    }
