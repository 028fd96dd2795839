"""Each report carries its round's opening date, so that lists of reports in round order read an index."""

from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_opening_dates(apps, schema_editor):
    rounds = apps.get_model("progress", "ReportingRound").objects.filter(pk=OuterRef("round_id")).values("opens_on")
    for name in ("ProgressReport", "HistoricalProgressReport"):
        apps.get_model("progress", name).objects.update(round_opens_on=Subquery(rounds[:1]))


class Migration(migrations.Migration):

    dependencies = [
        ('plan', '0004_roadmap_who_when_how_amendments_imports'),
        ('progress', '0003_derived_rows'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalprogressreport',
            name='round_opens_on',
            field=models.DateField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='progressreport',
            name='round_opens_on',
            field=models.DateField(editable=False, null=True),
        ),
        migrations.RunPython(copy_opening_dates, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name='historicalprogressreport',
            name='round_opens_on',
            field=models.DateField(editable=False),
        ),
        migrations.AlterField(
            model_name='progressreport',
            name='round_opens_on',
            field=models.DateField(editable=False),
        ),
        migrations.AddIndex(
            model_name='progressreport',
            index=models.Index(fields=['round_opens_on', 'id'], name='report_in_round_order'),
        ),
    ]
