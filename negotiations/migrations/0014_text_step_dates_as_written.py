"""Lifecycle steps (0013) get the columns of dates as written (0012), filled the same way."""

import importlib

from django.db import migrations, models

dates_migration = importlib.import_module("negotiations.migrations.0012_partial_dates_as_written")


def fill_date_end(apps, schema_editor):
    for model_name in ("TextStep", "HistoricalTextStep"):
        model = apps.get_model("negotiations", model_name)
        rows = model.objects.filter(date__isnull=False, date_end__isnull=True).order_by()
        for day, precision in set(rows.values_list("date", "date_precision").distinct()):
            rows.filter(date=day, date_precision=precision).update(
                date_end=dates_migration._period_end(day, precision)
            )


END_HELP = "The latest day the date can mean (the known day when it is open-ended)."


class Migration(migrations.Migration):
    dependencies = [
        ("negotiations", "0013_texts_lifecycle_availability"),
    ]

    operations = [
        *(
            migrations.AddField(
                model_name=model,
                name="date_end",
                field=models.DateField(help_text=END_HELP, null=True),
            )
            for model in ("textstep", "historicaltextstep")
        ),
        migrations.RunPython(fill_date_end, migrations.RunPython.noop),
        *(
            migrations.AlterField(
                model_name=model,
                name="date_end",
                field=models.DateField(help_text=END_HELP),
            )
            for model in ("textstep", "historicaltextstep")
        ),
    ]
