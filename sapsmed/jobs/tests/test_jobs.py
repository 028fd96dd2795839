"""A job page shows progress while work runs and offers the file when done, to its owner only."""

import pytest

from sapsmed.jobs.services import job_create, job_fail, job_progress, job_start, job_succeed

pytestmark = pytest.mark.django_db


def test_a_running_job_shows_its_progress_and_refreshes_itself(client_for, personas):
    job = job_start(job_create(kind="test", title="Import of KPI values", user=personas["focal_mys"]))
    job_progress(job, 40, "Checked 20,000 of 50,000 rows")
    html = client_for("focal_mys").get(f"/jobs/{job.pk}/").content.decode()
    assert "Checked 20,000 of 50,000 rows" in html
    assert 'value="40"' in html and 'http-equiv="refresh"' in html


def test_a_finished_job_offers_its_file_and_stops_refreshing(client_for, personas):
    job = job_start(job_create(kind="test", title="Review PDF", user=personas["focal_mys"]))
    job_succeed(job, message="Done", file_name="review.pdf", file_bytes=b"%PDF-1.7 test")
    client = client_for("focal_mys")
    html = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "Download review.pdf" in html and "http-equiv" not in html
    response = client.get(f"/jobs/{job.pk}/download/")
    assert b"".join(response.streaming_content) == b"%PDF-1.7 test"


def test_a_failed_job_says_why(client_for, personas):
    job = job_start(job_create(kind="test", title="Upload", user=personas["focal_mys"]))
    job_fail(job, "survey.csv, column 'weight': 12 rows have a negative weight (first rows 4, 9, 17).")
    html = client_for("focal_mys").get(f"/jobs/{job.pk}/").content.decode()
    assert "Failed" in html and "negative weight" in html


@pytest.mark.parametrize(("persona", "status"), [("champion_b", 403), ("anonymous", 404), ("secretariat", 200)])
def test_another_users_job_is_not_shown(client_for, personas, persona, status):
    job = job_create(kind="test", title="Private", user=personas["focal_mys"])
    assert client_for(persona).get(f"/jobs/{job.pk}/").status_code == status


@pytest.mark.parametrize(("persona", "status"), [("anonymous", 404), ("focal_mys", 403), ("secretariat", 200)])
def test_a_job_started_by_a_command_is_the_secretariats_alone(client_for, persona, status):
    # A management command starts its jobs with no user: an anonymous visitor (whose pk is None too) must not
    # pass as their owner, and no other user reads them.
    job = job_succeed(job_start(job_create(kind="test", title="Upload of the demo data")), message="Done",
                      file_name="demo.csv", file_bytes=b"a,b")
    client = client_for(persona)
    assert client.get(f"/jobs/{job.pk}/").status_code == status
    assert client.get(f"/jobs/{job.pk}/download/").status_code == status


@pytest.mark.parametrize(("next_url", "lands_on"), [("/reviews/7/", "/reviews/7/"), ("//evil.example/x", None),
                                                    ("https://evil.example/x", None)])
def test_a_succeeded_job_ends_on_the_page_its_result_names_on_this_site(client_for, personas, next_url, lands_on):
    job = job_create(kind="review", title="Generating", user=personas["secretariat"])
    job_start(job)
    job_succeed(job, message="Report ready: 7 sections.", result={"next_url": next_url})
    response = client_for("secretariat").get(f"/jobs/{job.pk}/")
    if lands_on:
        assert response.status_code == 302 and response["Location"] == lands_on
    else:
        assert response.status_code == 200 and "Report ready: 7 sections." in response.content.decode()
