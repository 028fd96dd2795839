"""National MSME definitions of the ten ASEAN member states as rules: classify an enterprise at a date.

Rules:
- The definitions live in data/msme_definitions.yaml, one schema for all states, each with its legal
  source, effective date, combination rule, thresholds by sector, confidence label, sources and what is
  missing. load_definitions() checks the file and names the file, entry and field of anything malformed.
- classify() uses the state's national definition in force on the date and the state's own way of
  combining criteria (OR, AND, employees AND (revenue OR capital), a priority criterion, or none stated).
- What the sources did not give stays missing: a class that depends on it is "unknown", with the reason
  in words and the classes it could be. Thresholds marked partial or unverified are flagged in the answer.
- Money figures are never converted between currencies.
- classify_all_states() puts the ten states side by side; harmonised_band() gives the one regional band
  by persons employed, with the label to show on every regional number that uses it.
"""

from .classify import (
    COMPARISON_NOTE,
    Comparison,
    ComparisonRow,
    HarmonisedBand,
    classify,
    classify_all_states,
    harmonised_band,
)
from .loader import DEFAULT_PATH, load_definitions
from .model import (
    Bound,
    Classification,
    Confidence,
    Criterion,
    CurrencyMismatch,
    Definition,
    DefinitionUsed,
    EffectiveDate,
    Enterprise,
    HarmonisedBands,
    Rule,
    Sector,
    SizeClass,
    State,
    TieRule,
    Use,
)
from .registry import DefinitionRegistry, InForce
from .thresholds import DefinitionError

__all__ = [
    "COMPARISON_NOTE",
    "DEFAULT_PATH",
    "Bound",
    "Classification",
    "Comparison",
    "ComparisonRow",
    "Confidence",
    "Criterion",
    "CurrencyMismatch",
    "Definition",
    "DefinitionError",
    "DefinitionRegistry",
    "DefinitionUsed",
    "EffectiveDate",
    "Enterprise",
    "HarmonisedBand",
    "HarmonisedBands",
    "InForce",
    "Rule",
    "Sector",
    "SizeClass",
    "State",
    "TieRule",
    "Use",
    "classify",
    "classify_all_states",
    "harmonised_band",
    "load_definitions",
]
