"""The synonym list (search.models.SynonymGroup)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_pg_trgm"),
    ]

    operations = [
        migrations.CreateModel(
            name="SynonymGroup",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "terms",
                    models.TextField(
                        help_text=(
                            "Ett ord eller uttryck per rad (eller åtskilda med komma), till "
                            "exempel ”distansarbete”, ”hemarbete” och ”arbete hemifrån”. Stora "
                            "och små bokstäver och å, ä och ö spelar ingen roll."
                        ),
                        verbose_name="ord och uttryck",
                    ),
                ),
                (
                    "one_way",
                    models.BooleanField(
                        default=False,
                        help_text=(
                            "För förkortningar: en sökning på det första ordet (till exempel KF) "
                            "söker också på de övriga (kommunfullmäktige), men inte tvärtom."
                        ),
                        verbose_name="bara åt ett håll",
                    ),
                ),
                (
                    "note",
                    models.CharField(blank=True, max_length=200, verbose_name="anteckning"),
                ),
            ],
            options={
                "verbose_name": "synonymgrupp",
                "verbose_name_plural": "synonymer",
                "ordering": ["pk"],
            },
        ),
    ]
