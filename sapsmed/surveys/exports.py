"""CSV and Excel downloads of an estimate run: the same rows the page shows, with their labels.

Numbers are written in full (Python's repr of the float), so a download equals the page and the
command line to the last digit. A run over SYNTHETIC data says so on every row and on the About sheet;
a run using the harmonised size band carries its label on every row that uses it.
"""

from __future__ import annotations

import io

from sapsmed.core.survey.synthetic import LABEL as SYNTHETIC_LABEL
from sapsmed.core.tables import CsvWriter, write_rows_xlsx
from sapsmed.surveys.sizing import HARMONISED

FIELDS = ("statistic", "variable", "estimate", "se", "ci_low", "ci_high", "deff", "n")


def _header(ctx: dict) -> list[str]:
    extra = (["size_band_basis"] if ctx["harmonised_used"] else []) + (["data"] if ctx["dataset"].is_synthetic else [])
    return [*ctx["by"], *FIELDS, *extra]


def _records(ctx: dict, registry_label: str | None):
    for e in ctx["estimates"]:
        domain = dict(e.domain)
        record = {b: domain.get(b) for b in ctx["by"]}
        record |= {"statistic": e.statistic, "variable": e.variable, "estimate": e.value, "se": e.se,
                   "ci_low": e.ci_low, "ci_high": e.ci_high, "deff": e.deff, "n": e.n}
        if ctx["harmonised_used"]:
            uses = HARMONISED in domain or HARMONISED in e.variable
            record["size_band_basis"] = registry_label if uses else ""
        if ctx["dataset"].is_synthetic:
            record["data"] = SYNTHETIC_LABEL
        yield record


def run_csv(ctx: dict, registry_label: str | None) -> str:
    out = io.StringIO()
    # csv writes a float as its repr; CsvWriter keeps numbers and makes a domain such as "=1+2" safe text.
    writer = CsvWriter(out, lineterminator="\n")
    header = _header(ctx)
    writer.writerow(header)
    for record in _records(ctx, registry_label):
        writer.writerow([record.get(h) for h in header])
    return out.getvalue()


def run_xlsx(ctx: dict, registry_label: str | None) -> bytes:
    run, dataset = ctx["run"], ctx["dataset"]
    about = [
        {"item": "survey", "value": f"{ctx['survey'].name} (reference year {ctx['survey'].reference_year})"},
        {"item": "dataset", "value": f"{dataset.original_name}, {dataset.row_count} rows, SHA-256 {dataset.checksum}"},
        {"item": "design", "value": ", ".join(f"{k}: {v}" for k, v in run.design.items() if v)},
        {"item": "method", "value": "Taylor linearisation, with-replacement PSU approximation within strata; "
                                    "95% CI = estimate ± 1.96 SE; sapsmed.core.survey (agrees with R survey)"},
        {"item": "computed at", "value": run.computed_at.isoformat() if run.computed_at else ""},
        *({"item": "note", "value": note} for note in run.notes),
    ]
    name = "Estimates (SYNTHETIC)" if dataset.is_synthetic else "Estimates"
    return write_rows_xlsx([(name, _header(ctx), list(_records(ctx, registry_label))),
                            ("About", ["item", "value"], about)])
