"""Design-based survey estimation for enterprise microdata, matching R's survey package.

The heavy pass is one SQL aggregation run by DuckDB over Parquet, CSV or Arrow (sql.py); the variance
step is NumPy on the PSU-level result (variance.py). validate.py checks data against a design,
estimate.py gives totals, means, proportions and ratios by domain, and synthetic.py makes labelled
synthetic microdata.
"""

from sapsmed.core.survey.design import Design, Kind, LonelyPsu, Statistic, proportion, statistics
from sapsmed.core.survey.estimate import DeffBase, EstimateRow, estimate, run_estimates, write_csv
from sapsmed.core.survey.validate import DataError, SurveyDataError, validate

__all__ = [
    "DataError",
    "DeffBase",
    "Design",
    "EstimateRow",
    "Kind",
    "LonelyPsu",
    "Statistic",
    "SurveyDataError",
    "estimate",
    "proportion",
    "run_estimates",
    "statistics",
    "validate",
    "write_csv",
]
