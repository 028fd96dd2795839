"""`manage.py load_demo_survey`: a small SYNTHETIC demo survey with estimates, for local demonstration only."""

import uuid

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sapsmed.core.survey import statistics
from sapsmed.core.survey.synthetic import LABEL, write_parquet
from sapsmed.jobs.services import job_create
from sapsmed.plan.models import MemberState
from sapsmed.surveys import services
from sapsmed.surveys.definitions import stored_registry
from sapsmed.surveys.models import Survey
from sapsmed.surveys.sizing import HARMONISED, NATIONAL

NAME = "SYNTHETIC demo: ASEAN enterprise survey"


class Command(BaseCommand):
    help = "Create a SYNTHETIC demo survey (generated microdata, labelled on every page) with two estimate runs."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=20_000, help="enterprises to generate (20,000)")
        parser.add_argument("--seed", type=int, default=2016)

    def handle(self, *args, rows: int, seed: int, **options):
        if settings.PRODUCTION:
            raise CommandError("The SYNTHETIC demo survey is for local demonstration only; not with production "
                               "settings.")
        if stored_registry() is None:
            raise CommandError("Load the MSME definitions first: manage.py load_msme_definitions")
        survey = Survey.objects.filter(name=NAME).first()
        if survey is not None and survey.datasets.exists():
            self.stdout.write(f"The demo survey exists already (/evidence/surveys/{survey.pk}/); nothing changed.")
            return
        if survey is None:
            survey = services.survey_create(
                user=None, states=list(MemberState.objects.all()), reason="SYNTHETIC demo survey",
                name=NAME, reference_year=2016, description=(
                    f"{LABEL}. A stratified cluster sample (strata: state × sector; PSUs: area clusters; unequal "
                    "weights; FPC as PSU counts). Revenue is in thousand US dollars; the 'trade' sector is read "
                    "as retail for the national definitions."),
                weight_column="weight", strata_column="stratum", psu_column="psu", fpc_column="fpc",
                lonely_psu="fail", state_column="state", sector_column="sector", owner_sex_column="owner_sex",
                employees_column="employees", revenue_column="revenue", money_currency="USD", money_unit=1000,
                sector_map={"trade": "retail"},
            )
        token = uuid.uuid4().hex
        incoming = services.media("incoming", token, "upload.parquet")
        incoming.parent.mkdir(parents=True, exist_ok=True)
        write_parquet(incoming, rows, seed=seed)
        job = job_create(kind=services.UPLOAD_JOB, title=f"Upload of the demo data to {NAME}",
                         params={"survey_id": survey.pk, "file": "synthetic-demo.parquet"})
        services.dataset_store(job_id=str(job.pk), survey_id=survey.pk, token=token, name="synthetic-demo.parquet",
                               user_id=None)
        dataset = survey.datasets.first()
        if dataset is None:
            job.refresh_from_db()
            raise CommandError(f"The demo data were not stored: {job.message}")
        asks = [
            (["state"], statistics(means=["employees"], totals=["employees"], props=["has_overseas_investment"],
                                   ratios=[("revenue", "employees")])),
            (["state", HARMONISED], statistics(props=["has_overseas_investment", ("owner_sex", "F")])),
            (["state", NATIONAL], statistics(means=["exports_share"])),
        ]
        for by, stats in asks:
            run = services.estimate_run_create(survey=survey, dataset=dataset, by=by, statistics=list(stats),
                                               user=None)
            services.estimate_run_compute(run_id=run.pk)
        self.stdout.write(self.style.SUCCESS(
            f"Demo survey with {rows:,} SYNTHETIC rows and {len(asks)} estimate runs: /evidence/surveys/{survey.pk}/"))
