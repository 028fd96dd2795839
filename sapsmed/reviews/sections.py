"""The sections of a review in the order a working group reads them, each from its own module."""

from sapsmed.reviews.content import section
from sapsmed.reviews.section_evidence import survey_section
from sapsmed.reviews.section_kpis import kpi_gaps_table, kpi_section
from sapsmed.reviews.section_progress import amendments_section, progress_section, silent_states


def gaps_section(review):
    """Data gaps: KPI series with no value, and lead states that have not reported."""
    # Which states have not reported comes from the progress reports: that table is marked when they are
    # demonstration data; the KPI gaps are real data.
    return section("gaps", "Data gaps", tables=[kpi_gaps_table(review), silent_states(review)])


PROVIDERS = [kpi_section, progress_section, amendments_section, survey_section, gaps_section]
