"""Statistical exchange in SDMX, and a review's recommendations turned into a draft amendment."""

import csv
import io
import xml.etree.ElementTree as ET
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from sapsmed.kpis.models import Observation
from sapsmed.plan.models import PlanVersion
from sapsmed.plan.roadmap_models import Amendment
from sapsmed.reviews.models import Review

pytestmark = pytest.mark.django_db


def test_every_observation_is_exported_as_sdmx_csv_with_codes_from_the_structure(client):
    call_command("load_observations", stdout=StringIO())
    body = client.get("/reviews/sdmx/kpi-observations.csv").content.decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == Observation.objects.count() > 700
    my = next(r for r in rows if r["REF_AREA"] == "MYS" and r["INDICATOR"] == "KPI-D1" and r["TIME_PERIOD"] == "2019")
    assert my["DATAFLOW"] == "ASEAN:SAPSMED_KPI(1.0)" and float(my["OBS_VALUE"]) == 17.5
    tree = ET.fromstring(client.get("/reviews/sdmx/structure.xml").content)
    codes = {c.get("id") for c in tree.iter("{http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure}Code")}
    assert {r["REF_AREA"] for r in rows} | {r["INDICATOR"] for r in rows} | {r["OBS_STATUS"] for r in rows} <= codes


def test_the_secretariat_turns_recommendations_into_a_draft_amendment(client_for, personas):
    review = Review.objects.create(kind="mid_term", title="MTR", cut_off=date(2020, 12, 31),
                                   plan_version=PlanVersion.objects.get(number=1),
                                   recommendations="Re-time B-2-1.3 to 2022", created_by=personas["secretariat"])
    assert client_for("champion_b").post(f"/reviews/{review.pk}/draft-amendment/").status_code == 403
    response = client_for("secretariat").post(f"/reviews/{review.pk}/draft-amendment/")
    amendment = Amendment.objects.get()
    assert response["Location"] == f"/roadmap/amendments/{amendment.pk}/"
    assert amendment.status == "draft" and "Re-time B-2-1.3 to 2022" in amendment.reason
