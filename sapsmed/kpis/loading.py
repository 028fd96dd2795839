"""Load the KPI reference sheets (validated by core.plan_data) into the database.

plan_load passes the sheets' core fields; the details this app adds to the same file (definition,
formula, short unit, baseline year, value bounds) are read here from data/kpis/kpis.yaml, so that a
database holding the plan always holds complete reference sheets. A sheet that changed (its direction,
baseline year or unit may have) has every scorecard cell of its KPI recomputed in the loading transaction,
and a new KPI or member state gets its cells there too.
"""

from pathlib import Path

from django.conf import settings

from sapsmed.core.plan_data import KpiData, PlanDataError
from sapsmed.kpis.derived import missing_pairs, scorecard_cells_recompute
from sapsmed.kpis.models import Kpi
from sapsmed.kpis.services import stored_decimal
from sapsmed.kpis.shipped_files import KPIS_FILE, SheetDetails, read_sheet_details
from sapsmed.plan.upsert import LoadReport, upsert

KPI_SHEETS = Path(settings.BASE_DIR) / "data" / "kpis" / KPIS_FILE


def _details(sheet: SheetDetails | None) -> dict:
    if sheet is None:
        return {}
    return {"definition": sheet.definition, "formula": sheet.formula, "short_unit": sheet.short_unit,
            "baseline_year": sheet.baseline_year, "value_min": stored_decimal(sheet.value_min),
            "value_max": stored_decimal(sheet.value_max)}


def kpis_upsert(kpis: list[KpiData], *, goals: dict, states: dict, report: LoadReport, reason: str,
                details_file: Path = KPI_SHEETS) -> None:
    errors: list = []
    details = {s.code: s for s in read_sheet_details(details_file, {k.code for k in kpis}, errors)}
    if errors:
        raise PlanDataError(errors)
    changed = set()
    for k in kpis:
        kpi, kpi_changed = upsert(
            Kpi,
            {"code": k.code},
            {
                "order": k.order, "goal": goals.get(k.goal) if k.goal else None, "name": k.name, "unit": k.unit,
                "direction": k.direction, "source_family": k.source_family, "wdi_code": k.wdi_code,
                "frequency": k.frequency, "responsible_body": k.responsible_body,
                "availability_note": k.availability_note, "known_issues": k.known_issues,
                "added_after_endorsement": k.added_after_endorsement, "source": k.source,
                "confidence": k.confidence, "confidence_note": k.confidence_note,
                **_details(details.get(k.code)),
            },
            m2m={"availability_states": [states[s] for s in k.availability_states]},
            report=report, reason=reason,
        )
        if kpi_changed:
            changed.add(kpi.pk)
    scorecard_cells_recompute(kpi_ids=changed)
    scorecard_cells_recompute(pairs=missing_pairs())
