"""Background tasks of reviews: thin wrappers over the services."""

from django.tasks import task

from sapsmed.jobs.models import Job
from sapsmed.reviews.models import Review
from sapsmed.reviews.services import review_generate


@task()
def generate_review(job_id: str, review_id: int) -> None:
    review_generate(review=Review.objects.select_related("plan_version__plan").get(pk=review_id),
                    job=Job.objects.get(pk=job_id))
