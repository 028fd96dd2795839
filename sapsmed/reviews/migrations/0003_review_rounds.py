"""Reviews name their first and last reporting rounds instead of a free-text label of them."""

import django.db.models.deletion
from django.db import migrations, models


def rounds_from_text(apps, schema_editor):
    """A review's rounds were free text ("2016-H1 to 2020-H2"): the rounds of those names, where they exist."""
    Review = apps.get_model("reviews", "Review")
    Round = apps.get_model("progress", "ReportingRound")
    names = {r.name: r for r in Round.objects.all()}
    for review in Review.objects.exclude(rounds=""):
        parts = [p.strip() for p in review.rounds.replace("–", " to ").split(" to ")]
        first, last = names.get(parts[0]), names.get(parts[-1])
        if first and last:
            Review.objects.filter(pk=review.pk).update(first_round=first, last_round=last)



class Migration(migrations.Migration):

    dependencies = [
        ('progress', '0004_report_round_order'),
        ('reviews', '0002_scorecard_edition'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalreview',
            name='first_round',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='The first reporting round the review covers.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='progress.reportinground'),
        ),
        migrations.AddField(
            model_name='historicalreview',
            name='last_round',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='The last reporting round the review covers.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='progress.reportinground'),
        ),
        migrations.AddField(
            model_name='review',
            name='first_round',
            field=models.ForeignKey(blank=True, help_text='The first reporting round the review covers.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='progress.reportinground'),
        ),
        migrations.AddField(
            model_name='review',
            name='last_round',
            field=models.ForeignKey(blank=True, help_text='The last reporting round the review covers.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='progress.reportinground'),
        ),
        migrations.RunPython(rounds_from_text, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='historicalreview',
            name='rounds',
        ),
        migrations.RemoveField(
            model_name='review',
            name='rounds',
        ),
    ]
