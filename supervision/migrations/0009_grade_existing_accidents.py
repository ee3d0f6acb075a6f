"""Grade the accidents registered before grading existed (条例 §3, from deaths and serious
injuries; their direct loss was not recorded, so it counts as 0). Lowest grade first, so a
higher one overwrites it."""

from django.db import migrations
from django.db.models import Q

THRESHOLDS = (("larger", 3, 10), ("major", 10, 50), ("extraordinary", 30, 100))


def grade_existing(apps, schema_editor):
    Accident = apps.get_model("supervision", "Accident")
    for grade, deaths, serious in THRESHOLDS:
        Accident.objects.filter(Q(deaths__gte=deaths) | Q(serious__gte=serious)).update(
            grade=grade
        )


class Migration(migrations.Migration):
    dependencies = [("supervision", "0008_ankang_honours_team_cards")]

    operations = [migrations.RunPython(grade_existing, migrations.RunPython.noop)]
