"""Load the KPI reference sheets (validated by core.plan_data) into the database."""

from sapsmed.core.plan_data import KpiData
from sapsmed.kpis.models import Kpi
from sapsmed.plan.upsert import LoadReport, upsert


def kpis_upsert(kpis: list[KpiData], *, goals: dict, states: dict, report: LoadReport, reason: str) -> None:
    for k in kpis:
        upsert(
            Kpi,
            {"code": k.code},
            {
                "order": k.order, "goal": goals.get(k.goal) if k.goal else None, "name": k.name, "unit": k.unit,
                "direction": k.direction, "source_family": k.source_family, "wdi_code": k.wdi_code,
                "frequency": k.frequency, "responsible_body": k.responsible_body,
                "availability_note": k.availability_note, "known_issues": k.known_issues,
                "added_after_endorsement": k.added_after_endorsement, "source": k.source,
                "confidence": k.confidence, "confidence_note": k.confidence_note,
            },
            m2m={"availability_states": [states[s] for s in k.availability_states]},
            report=report, reason=reason,
        )
