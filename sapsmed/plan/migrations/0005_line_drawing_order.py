"""Each line of a version stores its place in the version's drawing order (plan.roadmap_order)."""

from django.db import migrations, models

from sapsmed.core.sequencing import drawing_order


def write_places(apps, schema_editor):
    line_version = apps.get_model("plan", "ActionLineVersion")
    lines: dict[int, dict[str, tuple[int, str]]] = {}
    for pk, version_id, code, goal in line_version.objects.values_list(
            "pk", "plan_version_id", "action_line__code", "action_line__action__outcome__goal__code"):
        lines.setdefault(version_id, {})[code] = (pk, goal)
    preds: dict[int, list[str]] = {}
    for pk, code in line_version.predecessors.through.objects.values_list("actionlineversion_id", "actionline__code"):
        preds.setdefault(pk, []).append(code)
    moved = []
    for by_code in lines.values():
        order = drawing_order({code: (goal, preds.get(pk, [])) for code, (pk, goal) in by_code.items()})
        moved += [line_version(pk=by_code[code][0], draw_rank=place) for place, code in enumerate(order, start=1)]
    line_version.objects.bulk_update(moved, ["draw_rank"], batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ('plan', '0004_roadmap_who_when_how_amendments_imports'),
    ]

    operations = [
        migrations.AddField(
            model_name='actionlineversion',
            name='draw_rank',
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(write_places, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name='actionlineversion',
            index=models.Index(fields=['plan_version', 'draw_rank'], name='line_version_drawing_order'),
        ),
    ]
