from django.db import migrations, models
import django.db.models.deletion


def rows_per_negotiation(apps, schema_editor):
    """The old single row becomes the shared one; every negotiation gets its own."""
    Negotiation = apps.get_model("negotiations", "Negotiation")
    Revision = apps.get_model("negotiations", "Revision")
    db = schema_editor.connection.alias
    Revision.objects.using(db).bulk_create(
        Revision(negotiation_id=pk, number=1)
        for pk in Negotiation.objects.using(db).values_list("pk", flat=True)
    )


class Migration(migrations.Migration):

    dependencies = [
        ('negotiations', '0006_revision'),
    ]

    operations = [
        migrations.AddField(
            model_name='revision',
            name='negotiation',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='negotiations.negotiation'),
        ),
        migrations.RunPython(rows_per_negotiation, migrations.RunPython.noop),
    ]
