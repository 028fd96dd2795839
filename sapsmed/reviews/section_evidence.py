"""The evidence section of a review: survey estimates computed by the cut-off date."""

from datetime import datetime, time

from django.utils import timezone

from sapsmed.reviews.content import section, table


def survey_section(review):
    """Survey estimates computed by the cut-off date, with their standard errors and confidence intervals."""
    from sapsmed.surveys.models import Estimate

    end = timezone.make_aware(datetime.combine(review.cut_off, time.max))
    estimates = list(
        Estimate.objects.filter(computed_at__lte=end, value__isnull=False)
        .select_related("state", "dataset__survey").order_by("dataset__survey__name", "position")[:400]
    )
    if not estimates:
        return section("survey", "Survey estimates", paragraphs=[
            "No survey estimate had been computed by the cut-off date."])
    synthetic = any(e.dataset.is_synthetic for e in estimates)
    rows = [[e.dataset.survey.name, ", ".join(f"{c}={v}" for c, v in e.domain) or "all", e.statistic, e.variable,
             round(e.value, 4), None if e.se is None else round(e.se, 4),
             None if e.ci_low is None else f"{e.ci_low:.4g} to {e.ci_high:.4g}", e.n] for e in estimates]
    return section("survey", "Survey estimates", synthetic=synthetic, paragraphs=[
        "Design-based estimates (Taylor linearisation; 95% confidence intervals) computed from enterprise "
        "microdata. National MSME definitions differ; where a harmonised size band is used it is named in the "
        "domain.",
    ], tables=[table("Estimates", ["Survey", "Domain", "Statistic", "Variable", "Estimate", "SE", "95% CI", "n"],
                     rows)])
