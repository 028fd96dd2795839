"""Load the reference data under data/: the plan, its member states and organisations, and the KPI sheets.

All or nothing: every file is read and validated before the first write, and the plan's rows and the KPI
sheets are written in one transaction, with their search documents. This composes plan's loader and kpis' (it
sits above both: the KPI sheets point at the plan's goals and member states, and plan imports no KPI module).
"""

from pathlib import Path

from django.db import transaction

from sapsmed.core.plan_data import parse_kpis
from sapsmed.kpis.loading import kpis_upsert
from sapsmed.plan.loading import DATA_DIR, PLAN_REASON, plan_files_read, plan_write, read_yaml
from sapsmed.plan.upsert import LoadReport
from sapsmed.search.models import Kind
from sapsmed.search.services import search_index_refresh

KPIS_FILE = "kpis/kpis.yaml"


def plan_load(*, data_dir: Path = DATA_DIR) -> LoadReport:
    """Validate every file, then write everything in one transaction; raise PlanDataError on bad data."""
    files = plan_files_read(data_dir)
    kpis = parse_kpis(read_yaml(data_dir / KPIS_FILE, KPIS_FILE), KPIS_FILE, {g.code for g in files.plan.goals},
                      files.states)
    report = LoadReport()
    with transaction.atomic():
        goals, states = plan_write(files, report=report)
        kpis_upsert(kpis, goals=goals, states=states, report=report, reason=PLAN_REASON)
        search_index_refresh(kinds=[Kind.KPI])  # the plan's documents were written when it announced its change
    return report
