"""The sections of a review in the order a working group reads them, each from its own module."""

from sapsmed.reviews.section_evidence import survey_section
from sapsmed.reviews.section_kpis import kpi_section
from sapsmed.reviews.section_progress import amendments_section, progress_section

# The data gaps are told where they arise: the KPI gaps with their reasons in the KPI section, the lead
# states without an accepted report in the implementation section.
PROVIDERS = [kpi_section, progress_section, amendments_section, survey_section]
