"""Write path of reviews: create, write findings, generate outputs, freeze and publish snapshots and scorecards."""

import hashlib
import json

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from sapsmed.core.snapshot_diff import diff_contents
from sapsmed.jobs.services import job_create, job_fail, job_progress, job_start, job_succeed
from sapsmed.reviews.content import review_content
from sapsmed.reviews.edition import scorecard_content
from sapsmed.reviews.events import announce_publication_changed
from sapsmed.reviews.models import Review, ScorecardEdition, Snapshot
from sapsmed.reviews.render import render_pdf, render_xlsx, with_drawings


class ReviewError(Exception):
    pass


def checksum(content: dict) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _slug(review: Review) -> str:
    return f"review-{review.pk}-{review.kind}-{review.cut_off:%Y%m%d}"


@transaction.atomic
def review_create(*, user, **fields) -> Review:
    review = Review(created_by=user, **fields)
    review._change_reason = "Review created"
    review.full_clean()
    review.save()
    return review


@transaction.atomic
def review_write_findings(*, review: Review, user, findings: str, recommendations: str) -> Review:
    review.findings, review.recommendations = findings, recommendations
    review._change_reason = f"Findings written by {user.get_username()}"
    review.save(update_fields=["findings", "recommendations"])
    return review


def review_generate_start(*, review: Review, user):
    from sapsmed.reviews.tasks import generate_review

    job = job_create(kind="review", title=f"Generating '{review.title}' (page, PDF, Excel)", user=user,
                     params={"review": review.pk})
    generate_review.enqueue(str(job.pk), review.pk)
    return job


def review_generate(*, review: Review, job) -> Review:
    """Compute the content once, render the PDF and workbook from it, store all three together."""
    job_start(job)
    try:
        job_progress(job, 10, "Collecting the numbers from the plan, KPIs, progress reports and surveys")
        content = with_drawings(review_content(review))
        job_progress(job, 45, "Drawing charts and laying out the PDF")
        pdf = render_pdf(content)
        job_progress(job, 85, "Writing the Excel workbook")
        xlsx = render_xlsx(content)
        with transaction.atomic():
            review.content, review.generated_at = content, timezone.now()
            review.pdf.save(f"{_slug(review)}.pdf", ContentFile(pdf), save=False)
            review.xlsx.save(f"{_slug(review)}.xlsx", ContentFile(xlsx), save=False)
            review._change_reason = "Report generated"
            review.save()
    except Exception as exc:
        job_fail(job, f"The report could not be generated: {exc}")
        raise
    # The job ends on the review, whose page links the PDF, the workbook and the snapshots (jobs.views follows
    # next_url once the job has succeeded).
    job_succeed(job, message=f"Report ready: {len(content['sections'])} sections, {len(pdf) // 1024} kB PDF, "
                             f"{len(xlsx) // 1024} kB Excel workbook.",
                result={"review": review.pk, "next_url": reverse("review", args=[review.pk])})
    return review


@transaction.atomic
def review_freeze(*, review: Review, user, label: str, tabled_on) -> Snapshot:
    """Freeze the last generated report as tabled: content, files and a checksum, never changed after."""
    if review.content is None or not review.pdf:
        raise ReviewError("Generate the report before freezing it: a snapshot keeps what was generated.")
    snap = Snapshot(review=review, label=label, tabled_on=tabled_on, content=review.content,
                    checksum=checksum(review.content), created_by=user)
    with review.pdf.open("rb") as fh:
        snap.pdf.save(f"{_slug(review)}-tabled-{tabled_on:%Y%m%d}.pdf", ContentFile(fh.read()), save=False)
    with review.xlsx.open("rb") as fh:
        snap.xlsx.save(f"{_slug(review)}-tabled-{tabled_on:%Y%m%d}.xlsx", ContentFile(fh.read()), save=False)
    snap._change_reason = label
    snap.save()
    return snap


@transaction.atomic
def snapshot_publish(*, snapshot: Snapshot, user, published: bool) -> Snapshot:
    snapshot.published = published
    snapshot._change_reason = f"{'Published' if published else 'Withdrawn from the public'} by {user.get_username()}"
    snapshot.save(update_fields=["published"])
    announce_publication_changed()
    return snapshot


def snapshot_intact(snapshot: Snapshot) -> bool:
    return checksum(snapshot.content) == snapshot.checksum


def snapshot_changes(snapshot: Snapshot):
    """What differs between the snapshot as tabled and the same review computed from today's data."""
    return diff_contents(snapshot.content, review_content(snapshot.review))


def review_draft_amendment(*, review: Review, user):
    """Turn the review's recommendations into a draft roadmap amendment the Secretariat then completes."""
    from sapsmed.plan.amendment_services import amendment_record

    if not review.recommendations.strip():
        raise ReviewError("Write the review's recommendations first: the draft amendment takes them as its reason.")
    return amendment_record(
        user=user, title=f"Roadmap update after the {review.get_kind_display().lower()}",
        reason=f"Recommendations of '{review.title}' (cut-off {review.cut_off:%d %B %Y}):\n{review.recommendations}",
        decision_reference="To be decided by the ACCMSME",
    )


@transaction.atomic
def scorecard_publish(*, user, label: str, as_of) -> ScorecardEdition:
    """Publish the live KPI scorecard as an official edition: its cells frozen now, with a checksum."""
    label = label.strip()
    if not label:
        raise ReviewError("Give the edition a label, e.g. 'KPI scorecard, as endorsed at the 20th ACCMSME'.")
    content = scorecard_content(label=label, as_of=as_of)
    edition = ScorecardEdition(label=label, as_of=as_of, content=content, checksum=checksum(content),
                               created_by=user)
    edition._change_reason = f"Published by {user.get_username()}"
    edition.save()
    announce_publication_changed()
    return edition


@transaction.atomic
def scorecard_edition_publish(*, edition: ScorecardEdition, user, published: bool) -> ScorecardEdition:
    """Withdraw an edition from the public, or publish it again; its content never changes."""
    edition.published = published
    action = "Published again" if published else "Withdrawn from the public"
    edition._change_reason = f"{action} by {user.get_username()}"
    edition.save(update_fields=["published"])
    announce_publication_changed()
    return edition


def edition_intact(edition: ScorecardEdition) -> bool:
    return checksum(edition.content) == edition.checksum


def edition_changes(edition: ScorecardEdition):
    """What differs between the edition as published and the live scorecard computed from today's data."""
    now = scorecard_content(label=edition.label, as_of=edition.as_of)
    return diff_contents(edition.content, now)
