"""Size classes of surveyed enterprises as domain columns: each state's national class and the harmonised band.

Rules:
- The national class is sapsmed.core.msme.classify under the state's definition in force on the survey's
  size date (31 December of the reference year unless the survey says otherwise); the harmonised band is
  core harmonised_band on the headcount. Nothing here decides a class: it only feeds the core.
- Money figures count only for states whose money thresholds are in the survey's money currency (after
  the survey's unit, such as thousands); other states are classified on headcount alone, and the run's
  notes say so. No currency is converted. A negative or fractional headcount, or a negative money
  figure, gives "unknown".
- The core is asked once per distinct combination of state, sector, headcount and money "code", not once
  per row: a money figure matters only through its comparisons with the thresholds of the state's
  definitions, so the code (which thresholds it exceeds or equals, computed in SQL) and one value
  with the same comparisons stand for every figure that shares the code. A million rows then need a
  few thousand classifications.
- The derived columns are joined onto the data in a DuckDB view named as the estimator expects.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pyarrow as pa

from sapsmed.core.msme import Bound, Criterion, DefinitionRegistry, Enterprise, classify, harmonised_band
from sapsmed.core.survey.design import SOURCE_VIEW, literal, quote

NATIONAL = "size_class_national"
HARMONISED = "size_band_harmonised"
DERIVED = (NATIONAL, HARMONISED)
MONEY = (Criterion.REVENUE, Criterion.ASSETS, Criterion.CAPITAL)
_RAW = "survey_raw"
_KEYED = "survey_keyed"


@dataclass(frozen=True)
class SizeInputs:
    """Where a survey keeps what classification needs (column names, or None), and how to read money."""

    state_column: str | None
    single_state: str | None
    sector_column: str | None
    employees_column: str | None
    money_columns: dict[Criterion, str]
    money_currency: str | None
    money_unit: int
    sector_map: dict[str, str]
    on: date

    @classmethod
    def of(cls, survey) -> SizeInputs:
        states = [s.iso3 for s in survey.states.all()]
        money = {c: getattr(survey, f"{c.value}_column") for c in MONEY if getattr(survey, f"{c.value}_column")}
        return cls(
            state_column=survey.state_column or None,
            single_state=states[0] if len(states) == 1 else None,
            sector_column=survey.sector_column or None,
            employees_column=survey.employees_column or None,
            money_columns=money,
            money_currency=survey.money_currency or None,
            money_unit=survey.money_unit,
            sector_map=dict(survey.sector_map or {}),
            on=survey.size_date or date(survey.reference_year, 12, 31),
        )

    @property
    def national_possible(self) -> bool:
        return bool(self.state_column or self.single_state) and bool(self.employees_column or self.money_columns)


def available(inputs: SizeInputs) -> list[str]:
    """The derived domain columns this survey's declared columns allow."""
    return ([NATIONAL] if inputs.national_possible else []) + ([HARMONISED] if inputs.employees_column else [])


def _bounds(registry: DefinitionRegistry, state: str, on: date, criterion: Criterion) -> list[float]:
    values = set()
    for definition in registry.in_force(state, on).possible:
        for sector in definition.sectors or ():
            for spec in sector.classes:
                entry = spec.entries.get(criterion) if spec.found else None
                if isinstance(entry, Bound):
                    values |= {v for v in (entry.lower, entry.upper) if v is not None}
    return sorted(float(v) for v in values)


def _code_sql(value: str, bounds: list[float]) -> str:
    """Which thresholds the figure exceeds (+1 each) or reaches (+1 each); -1 for a negative figure."""
    steps = " + ".join(f"CAST({value} > {b!r} AS INTEGER) + CAST({value} >= {b!r} AS INTEGER)" for b in bounds)
    return f"CASE WHEN {value} IS NULL THEN NULL WHEN {value} < 0 THEN -1 ELSE {steps or '0'} END"


def _stand_in(code: int | None, bounds: list[float]) -> float | None:
    """A figure with the comparisons that `code` records (see _code_sql)."""
    if code is None:
        return None
    if code < 0:
        return -1.0
    if code % 2:
        return bounds[code // 2]
    j = code // 2
    if not bounds:
        return 1.0
    if j == 0:
        return bounds[0] / 2
    if j == len(bounds):
        return bounds[-1] * 2 + 1
    return (bounds[j - 1] + bounds[j]) / 2


@dataclass
class _StatePlan:
    money_used: bool
    bounds: dict[Criterion, list[float]]
    note: str


def _plans(registry: DefinitionRegistry, inputs: SizeInputs) -> dict[str, _StatePlan]:
    plans = {}
    for code in registry.states:
        possible = registry.in_force(code, inputs.on).possible
        names = " or ".join(d.short_name for d in possible) or "no definition known to be in force"
        currencies = {d.currency for d in possible if d.uses_money}
        used = bool(inputs.money_columns) and bool(currencies) and currencies == {inputs.money_currency}
        if used:
            how = f"money figures used ({inputs.money_currency})"
        elif currencies and inputs.money_columns:
            how = (f"headcount only: thresholds in {', '.join(sorted(c for c in currencies if c))}, survey "
                   f"money figures in {inputs.money_currency or 'no stated currency'} (no conversion)")
        else:
            how = "headcount only"
        bounds = {c: _bounds(registry, code, inputs.on, c) for c in inputs.money_columns} if used else {}
        plans[code] = _StatePlan(used, bounds, f"{code}: {names}; {how}")
    return plans


def _headcount(value: float | None) -> int | None:
    if value is None:
        return None
    if value < 0 or not float(value).is_integer():
        raise ValueError("headcount must be a whole number of at least 0")
    return int(value)


def add_size_columns(con, path: str, inputs: SizeInputs, registry: DefinitionRegistry,
                     wanted: list[str]) -> list[str]:
    """Redefine the estimator's source view with the wanted derived columns; return the notes to show."""
    con.execute(f"CREATE OR REPLACE TEMP VIEW {_RAW} AS SELECT * FROM read_parquet({literal(path)})")  # noqa: S608
    plans = _plans(registry, inputs) if NATIONAL in wanted else {}
    state = (f"CAST({quote(inputs.state_column)} AS VARCHAR)" if inputs.state_column
             else literal(inputs.single_state or ""))
    sector = f"CAST({quote(inputs.sector_column)} AS VARCHAR)" if inputs.sector_column else "NULL"
    employees = f"CAST({quote(inputs.employees_column)} AS DOUBLE)" if inputs.employees_column else "NULL"
    codes = []
    for criterion in MONEY:
        column = inputs.money_columns.get(criterion)
        value = f"(CAST({quote(column)} AS DOUBLE) * {inputs.money_unit})" if column else None
        cases = [f"WHEN {literal(s)} THEN {_code_sql(value, p.bounds[criterion])}"
                 for s, p in plans.items() if p.money_used and value is not None]
        codes.append(f"CASE {state} {' '.join(cases)} END" if cases else "CAST(NULL AS INTEGER)")
    key_sql = [f"{state} AS __k_state", f"{sector} AS __k_sector", f"{employees} AS __k_emp",
               *(f"{c} AS __k_{m.value}" for c, m in zip(codes, MONEY, strict=True))]
    con.execute(f"CREATE OR REPLACE TEMP VIEW {_KEYED} AS SELECT *, {', '.join(key_sql)} FROM {_RAW}")  # noqa: S608
    keys = ["__k_state", "__k_sector", "__k_emp", *(f"__k_{m.value}" for m in MONEY)]
    joins, extra, notes = [], [], []
    if NATIONAL in wanted:
        distinct = con.execute(f"SELECT DISTINCT {', '.join(keys)} FROM {_KEYED}").fetchall()  # noqa: S608
        classes = [_national(row, plans, inputs, registry) for row in distinct]
        table = pa.table({k: pa.array([r[i] for r in distinct], type=t) for i, (k, t) in enumerate(
            zip(keys, [pa.string(), pa.string(), pa.float64(), pa.int64(), pa.int64(), pa.int64()], strict=True))}
            | {NATIONAL: pa.array(classes, type=pa.string())})
        con.register("size_national_map", table)
        on = " AND ".join(f"k.{k} IS NOT DISTINCT FROM m.{k}" for k in keys)
        joins.append(f"LEFT JOIN size_national_map AS m ON {on}")
        extra.append(f"m.{NATIONAL}")
        notes.append(f"National size class ({NATIONAL}): each state's national MSME definition in force on "
                     f"{inputs.on.isoformat()}, applied by the platform's classifier; 'unknown' where the "
                     "definition or the figures do not decide. " + "; ".join(p.note for p in plans.values()))
    if HARMONISED in wanted:
        heads = [r[0] for r in con.execute(f"SELECT DISTINCT __k_emp FROM {_KEYED}").fetchall()]  # noqa: S608
        table = pa.table({"__k_emp": pa.array(heads, type=pa.float64()),
                          HARMONISED: pa.array([_band(h, registry) for h in heads], type=pa.string())})
        con.register("size_band_map", table)
        joins.append("LEFT JOIN size_band_map AS b ON k.__k_emp IS NOT DISTINCT FROM b.__k_emp")
        extra.append(f"b.{HARMONISED}")
        notes.append(f"{HARMONISED}: {registry.harmonised.label}")
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {SOURCE_VIEW} AS SELECT k.* EXCLUDE ({', '.join(keys)}), "  # noqa: S608
        f"{', '.join(extra)} FROM {_KEYED} AS k {' '.join(joins)}"
    )
    return notes


def _band(headcount: float | None, registry: DefinitionRegistry) -> str:
    try:
        return harmonised_band(_headcount(headcount), registry).size_class.value
    except ValueError:
        return "unknown"


def _national(row: tuple, plans: dict[str, _StatePlan], inputs: SizeInputs, registry: DefinitionRegistry) -> str:
    state, sector, headcount, *money_codes = row
    plan = plans.get(state)
    if plan is None:
        return "unknown"
    money = {}
    if plan.money_used:
        money = {c.value: _stand_in(code, plan.bounds[c]) for c, code in zip(MONEY, money_codes, strict=True)
                 if c in plan.bounds}
    if sector is not None:
        sector = inputs.sector_map.get(sector, sector)
    try:
        enterprise = Enterprise(employees=_headcount(headcount), sector=sector,
                                currency=inputs.money_currency if any(v is not None for v in money.values())
                                else None, **money)
        return classify(enterprise, state, inputs.on, registry).size_class.value
    except ValueError:  # a negative or fractional figure: the core refuses it, so no class
        return "unknown"
