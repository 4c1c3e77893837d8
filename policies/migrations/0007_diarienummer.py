"""One diarienummer spelling: the stored values the register mixed ("KS 2026/700", "KS-2026-700").

The canonicaliser is copied here rather than imported, so this migration keeps doing what it did
when governance.fields changes. AdoptedVersion rows are written with a plain QuerySet's .update(): the
model and its manager refuse to change a recorded version.
"""

import re

import governance.fields
from governance.record_guard import maintenance
from django.db import migrations
from django.db.models import QuerySet

DEFAULT_PATTERN = r"^[A-ZÅÄÖ]{1,10}[ -]\d{4}[-/]\d{1,6}(-\d{1,4})?$"
SEPARATORS = re.compile(r"[\s/\-\u2010-\u2015\u2212]+")
LETTER_DIGIT = re.compile(r"(?<=[A-ZÅÄÖ])(?=\d)")


def tidy(value):
    return " ".join(str(value or "").split()).upper()


def normalise(value, pattern):
    """The canonical spelling if the kommun's pattern accepts it; otherwise the value unchanged."""
    typed = tidy(value)
    if not typed:
        return value
    canonical = LETTER_DIGIT.sub("-", SEPARATORS.sub("-", typed).strip("-"))
    for candidate in (canonical, typed):
        if re.fullmatch(pattern, candidate):
            return candidate
    return value


def kommun_pattern(apps):
    settings = apps.get_model("governance", "StyrdokSettings").objects.order_by("pk").first()
    return (settings.diarienummer_pattern if settings else "") or DEFAULT_PATTERN


def normalise_stored(apps, schema_editor):
    pattern = kommun_pattern(apps)
    for model_name in ("Styrdokument", "AdoptedVersion"):
        model = apps.get_model("policies", model_name)
        # A plain QuerySet: the model's own manager refuses to change a recorded version.
        rows = QuerySet(model).exclude(diarienummer="").values_list("pk", "diarienummer")
        for pk, value in list(rows):
            normalised = normalise(value, pattern)
            if normalised != value:
                QuerySet(model).filter(pk=pk).update(diarienummer=normalised)

    # The decision history reads the dnr from the governance.* log entries' data.
    PageLogEntry = apps.get_model("wagtailcore", "PageLogEntry")
    entries = PageLogEntry.objects.filter(action__startswith="governance.")
    # A deliberate correction of the record: the database's triggers (governance/0012, where
    # they exist) let it through inside record_guard.maintenance().
    with maintenance(entries.db):
        for pk, data in entries.values_list("pk", "data").iterator():
            if not isinstance(data, dict) or not data.get("diarienummer"):
                continue
            normalised = normalise(data["diarienummer"], pattern)
            if normalised != data["diarienummer"]:
                # A plain QuerySet: the log entries' own refuses to rewrite the decision history
                # (governance.record_guard); this only normalises how the dnr is spelled.
                QuerySet(PageLogEntry).filter(pk=pk).update(
                    data={**data, "diarienummer": normalised}
                )


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0004_styrdoksettings_logo"),
        ("policies", "0006_archival_pdf_and_required_documents"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.AlterField(
            model_name="styrdokument",
            name="diarienummer",
            field=governance.fields.DiarienummerField(
                blank=True,
                db_index=True,
                help_text=(
                    "Ärendets nummer i diariet, t.ex. KS-2025-542. Skrivs alltid i kommunens "
                    "enhetliga form, KS 2025/542 sparas som KS-2025-542."
                ),
                max_length=40,
                verbose_name="diarienummer",
            ),
        ),
        migrations.AlterField(
            model_name="adoptedversion",
            name="diarienummer",
            field=governance.fields.DiarienummerField(
                blank=True, max_length=40, verbose_name="diarienummer"
            ),
        ),
        migrations.RunPython(normalise_stored, migrations.RunPython.noop),
    ]
