"""Partial dates as written (issue #14): an interval plus what the source said.

Adds the latest day (`date_end`), the qualifier, "inferred" and the words as written to
every dated model and to its history model, fills `date_end` of every existing row and
history row from its precision (`date` is the earliest day of the month, quarter or year;
qualifier "" and as-written "" are the defaults), then makes `date_end` required where
`date` is. Also "order uncertain" as a movement.
"""

import calendar
import datetime

from django.db import migrations, models

DATED = ("Source", "Position", "Proposal", "Event")


def _period_end(day, precision):
    # A copy of negotiations.text.dates._period_end as it is now: migrations must not change
    # when the app code does.
    if precision == "month":
        return day.replace(day=calendar.monthrange(day.year, day.month)[1])
    if precision == "quarter":
        month = 3 * ((day.month - 1) // 3) + 3
        return datetime.date(day.year, month, calendar.monthrange(day.year, month)[1])
    if precision == "year":
        return datetime.date(day.year, 12, 31)
    return day


def fill_date_end(apps, schema_editor):
    """date_end of every row and every history row, one UPDATE per (date, precision).

    QuerySet.update() is right here, though the app never writes tracked models that way:
    the column is derived from the others and the same value goes into the history rows,
    so the history still says exactly what each version was (no change to record)."""
    for name in DATED:
        for model_name in (name, f"Historical{name}"):
            model = apps.get_model("negotiations", model_name)
            rows = model.objects.filter(date__isnull=False, date_end__isnull=True).order_by()
            pairs = set(rows.values_list("date", "date_precision").distinct())
            for day, precision in pairs:
                rows.filter(date=day, date_precision=precision).update(
                    date_end=_period_end(day, precision)
                )


class Migration(migrations.Migration):
    dependencies = [
        ("negotiations", "0011_access_token"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="event",
            options={"ordering": ["date", "date_end", "pk"]},
        ),
        migrations.AlterModelOptions(
            name="position",
            options={"ordering": ["date", "date_end", "pk"]},
        ),
        migrations.AlterModelOptions(
            name="proposal",
            options={"ordering": ["date", "date_end", "pk"]},
        ),
        migrations.AddField(
            model_name="event",
            name="date_as_written",
            field=models.CharField(blank=True, default="", max_length=100),
        ),
        migrations.AddField(
            model_name="event",
            name="date_end",
            field=models.DateField(
                help_text="The latest day the date can mean (the known day when it is open-ended).",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="event",
            name="date_inferred",
            field=models.BooleanField(
                default=False, help_text="The analyst's reading, not the source's words."
            ),
        ),
        migrations.AddField(
            model_name="event",
            name="date_qualifier",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "none"),
                    ("early", "early"),
                    ("mid", "mid"),
                    ("late", "late"),
                    ("before", "before"),
                    ("after", "after"),
                    ("by", "by"),
                    ("between", "between"),
                    ("as_of", "as of"),
                ],
                default="",
                max_length=7,
            ),
        ),
        migrations.AddField(
            model_name="historicalevent",
            name="date_as_written",
            field=models.CharField(blank=True, default="", max_length=100),
        ),
        migrations.AddField(
            model_name="historicalevent",
            name="date_end",
            field=models.DateField(
                help_text="The latest day the date can mean (the known day when it is open-ended).",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="historicalevent",
            name="date_inferred",
            field=models.BooleanField(
                default=False, help_text="The analyst's reading, not the source's words."
            ),
        ),
        migrations.AddField(
            model_name="historicalevent",
            name="date_qualifier",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "none"),
                    ("early", "early"),
                    ("mid", "mid"),
                    ("late", "late"),
                    ("before", "before"),
                    ("after", "after"),
                    ("by", "by"),
                    ("between", "between"),
                    ("as_of", "as of"),
                ],
                default="",
                max_length=7,
            ),
        ),
        migrations.AddField(
            model_name="historicalposition",
            name="date_as_written",
            field=models.CharField(blank=True, default="", max_length=100),
        ),
        migrations.AddField(
            model_name="historicalposition",
            name="date_end",
            field=models.DateField(
                help_text="The latest day the date can mean (the known day when it is open-ended).",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="historicalposition",
            name="date_inferred",
            field=models.BooleanField(
                default=False, help_text="The analyst's reading, not the source's words."
            ),
        ),
        migrations.AddField(
            model_name="historicalposition",
            name="date_qualifier",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "none"),
                    ("early", "early"),
                    ("mid", "mid"),
                    ("late", "late"),
                    ("before", "before"),
                    ("after", "after"),
                    ("by", "by"),
                    ("between", "between"),
                    ("as_of", "as of"),
                ],
                default="",
                max_length=7,
            ),
        ),
        migrations.AddField(
            model_name="historicalproposal",
            name="date_as_written",
            field=models.CharField(blank=True, default="", max_length=100),
        ),
        migrations.AddField(
            model_name="historicalproposal",
            name="date_end",
            field=models.DateField(
                help_text="The latest day the date can mean (the known day when it is open-ended).",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="historicalproposal",
            name="date_inferred",
            field=models.BooleanField(
                default=False, help_text="The analyst's reading, not the source's words."
            ),
        ),
        migrations.AddField(
            model_name="historicalproposal",
            name="date_qualifier",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "none"),
                    ("early", "early"),
                    ("mid", "mid"),
                    ("late", "late"),
                    ("before", "before"),
                    ("after", "after"),
                    ("by", "by"),
                    ("between", "between"),
                    ("as_of", "as of"),
                ],
                default="",
                max_length=7,
            ),
        ),
        migrations.AddField(
            model_name="historicalsource",
            name="date_as_written",
            field=models.CharField(blank=True, default="", max_length=100),
        ),
        migrations.AddField(
            model_name="historicalsource",
            name="date_end",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="historicalsource",
            name="date_inferred",
            field=models.BooleanField(
                default=False, help_text="The analyst's reading, not the source's words."
            ),
        ),
        migrations.AddField(
            model_name="historicalsource",
            name="date_qualifier",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "none"),
                    ("early", "early"),
                    ("mid", "mid"),
                    ("late", "late"),
                    ("before", "before"),
                    ("after", "after"),
                    ("by", "by"),
                    ("between", "between"),
                    ("as_of", "as of"),
                ],
                default="",
                max_length=7,
            ),
        ),
        migrations.AddField(
            model_name="position",
            name="date_as_written",
            field=models.CharField(blank=True, default="", max_length=100),
        ),
        migrations.AddField(
            model_name="position",
            name="date_end",
            field=models.DateField(
                help_text="The latest day the date can mean (the known day when it is open-ended).",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="position",
            name="date_inferred",
            field=models.BooleanField(
                default=False, help_text="The analyst's reading, not the source's words."
            ),
        ),
        migrations.AddField(
            model_name="position",
            name="date_qualifier",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "none"),
                    ("early", "early"),
                    ("mid", "mid"),
                    ("late", "late"),
                    ("before", "before"),
                    ("after", "after"),
                    ("by", "by"),
                    ("between", "between"),
                    ("as_of", "as of"),
                ],
                default="",
                max_length=7,
            ),
        ),
        migrations.AddField(
            model_name="proposal",
            name="date_as_written",
            field=models.CharField(blank=True, default="", max_length=100),
        ),
        migrations.AddField(
            model_name="proposal",
            name="date_end",
            field=models.DateField(
                help_text="The latest day the date can mean (the known day when it is open-ended).",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="proposal",
            name="date_inferred",
            field=models.BooleanField(
                default=False, help_text="The analyst's reading, not the source's words."
            ),
        ),
        migrations.AddField(
            model_name="proposal",
            name="date_qualifier",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "none"),
                    ("early", "early"),
                    ("mid", "mid"),
                    ("late", "late"),
                    ("before", "before"),
                    ("after", "after"),
                    ("by", "by"),
                    ("between", "between"),
                    ("as_of", "as of"),
                ],
                default="",
                max_length=7,
            ),
        ),
        migrations.AddField(
            model_name="source",
            name="date_as_written",
            field=models.CharField(blank=True, default="", max_length=100),
        ),
        migrations.AddField(
            model_name="source",
            name="date_end",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="source",
            name="date_inferred",
            field=models.BooleanField(
                default=False, help_text="The analyst's reading, not the source's words."
            ),
        ),
        migrations.AddField(
            model_name="source",
            name="date_qualifier",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "none"),
                    ("early", "early"),
                    ("mid", "mid"),
                    ("late", "late"),
                    ("before", "before"),
                    ("after", "after"),
                    ("by", "by"),
                    ("between", "between"),
                    ("as_of", "as of"),
                ],
                default="",
                max_length=7,
            ),
        ),
        migrations.AlterField(
            model_name="event",
            name="date",
            field=models.DateField(
                help_text="The day the date sorts by: its earliest day, or its latest when only that is known."
            ),
        ),
        migrations.AlterField(
            model_name="historicalevent",
            name="date",
            field=models.DateField(
                help_text="The day the date sorts by: its earliest day, or its latest when only that is known."
            ),
        ),
        migrations.AlterField(
            model_name="historicalposition",
            name="date",
            field=models.DateField(
                help_text="The day the date sorts by: its earliest day, or its latest when only that is known."
            ),
        ),
        migrations.AlterField(
            model_name="historicalposition",
            name="movement",
            field=models.CharField(
                choices=[
                    ("new", "New"),
                    ("hardened", "Hardened"),
                    ("softened", "Softened"),
                    ("restated", "Restated"),
                    ("dropped", "Dropped"),
                    ("conceded", "Conceded"),
                    ("uncertain", "Order uncertain"),
                ],
                default="new",
                max_length=10,
            ),
        ),
        migrations.AlterField(
            model_name="historicalproposal",
            name="date",
            field=models.DateField(
                help_text="The day the date sorts by: its earliest day, or its latest when only that is known."
            ),
        ),
        migrations.AlterField(
            model_name="historicalsource",
            name="date",
            field=models.DateField(
                blank=True, help_text="The day the date sorts by; empty when undated.", null=True
            ),
        ),
        migrations.AlterField(
            model_name="position",
            name="date",
            field=models.DateField(
                help_text="The day the date sorts by: its earliest day, or its latest when only that is known."
            ),
        ),
        migrations.AlterField(
            model_name="position",
            name="movement",
            field=models.CharField(
                choices=[
                    ("new", "New"),
                    ("hardened", "Hardened"),
                    ("softened", "Softened"),
                    ("restated", "Restated"),
                    ("dropped", "Dropped"),
                    ("conceded", "Conceded"),
                    ("uncertain", "Order uncertain"),
                ],
                default="new",
                max_length=10,
            ),
        ),
        migrations.AlterField(
            model_name="proposal",
            name="date",
            field=models.DateField(
                help_text="The day the date sorts by: its earliest day, or its latest when only that is known."
            ),
        ),
        migrations.AlterField(
            model_name="source",
            name="date",
            field=models.DateField(
                blank=True, help_text="The day the date sorts by; empty when undated.", null=True
            ),
        ),
        migrations.RunPython(fill_date_end, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="event",
            name="date_end",
            field=models.DateField(
                help_text="The latest day the date can mean (the known day when it is open-ended)."
            ),
        ),
        migrations.AlterField(
            model_name="historicalevent",
            name="date_end",
            field=models.DateField(
                help_text="The latest day the date can mean (the known day when it is open-ended)."
            ),
        ),
        migrations.AlterField(
            model_name="historicalposition",
            name="date_end",
            field=models.DateField(
                help_text="The latest day the date can mean (the known day when it is open-ended)."
            ),
        ),
        migrations.AlterField(
            model_name="historicalproposal",
            name="date_end",
            field=models.DateField(
                help_text="The latest day the date can mean (the known day when it is open-ended)."
            ),
        ),
        migrations.AlterField(
            model_name="position",
            name="date_end",
            field=models.DateField(
                help_text="The latest day the date can mean (the known day when it is open-ended)."
            ),
        ),
        migrations.AlterField(
            model_name="proposal",
            name="date_end",
            field=models.DateField(
                help_text="The latest day the date can mean (the known day when it is open-ended)."
            ),
        ),
        migrations.AddConstraint(
            model_name="event",
            constraint=models.CheckConstraint(
                condition=models.Q(("date_end__gte", models.F("date"))),
                name="event_date_end_not_before_date",
            ),
        ),
        migrations.AddConstraint(
            model_name="position",
            constraint=models.CheckConstraint(
                condition=models.Q(("date_end__gte", models.F("date"))),
                name="position_date_end_not_before_date",
            ),
        ),
        migrations.AddConstraint(
            model_name="proposal",
            constraint=models.CheckConstraint(
                condition=models.Q(("date_end__gte", models.F("date"))),
                name="proposal_date_end_not_before_date",
            ),
        ),
        migrations.AddConstraint(
            model_name="source",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("date__isnull", True), ("date_end__gte", models.F("date")), _connector="OR"
                ),
                name="source_date_end_not_before_date",
            ),
        ),
    ]
