"""Klarspråk: the kommun's list of words to avoid (seeded with common myndighetsord) and each
document's stored readability, computed here for the documents that exist already.

The seed is added only where the list is empty, so a kommun's own edits are never overwritten;
reversing it removes nothing a kommun may have edited since (it is a no-op).
"""

import django.db.models.deletion
from django.db import migrations, models

SEED_AVOID_WORDS = [
    # (word, other forms, write instead, comment)
    ("erhålla", "erhåller, erhöll, erhållit, erhållits, erhålls", "få", ""),
    (
        "tillhandahålla",
        "tillhandahåller, tillhandahöll, tillhandahållit, tillhandahålls",
        "ge, erbjuda, ha",
        "",
    ),
    ("inneha", "innehar, innehade, innehaft", "ha", ""),
    ("samt", "", "och", "Samt kan behövas i långa uppräkningar, men och räcker nästan alltid."),
    ("därest", "", "om", ""),
    ("torde", "", "bör, troligen", ""),
    ("äga rum", "äger rum, ägde rum", "hända, vara, hållas", ""),
    ("i enlighet med", "", "enligt", ""),
    ("med anledning av", "", "på grund av, eftersom", ""),
    ("avseende", "avseendet", "om, när det gäller", ""),
    ("beträffande", "", "om, när det gäller", ""),
    (
        "åligga",
        "åligger, ålåg, ålegat",
        "ska, ansvara för",
        "Skriv ut vem som ska göra vad: ”Chefen ska …”.",
    ),
    ("åtgärda", "åtgärdar, åtgärdade, åtgärdat, åtgärdas", "rätta, laga, ordna", ""),
    (
        "vidta",
        "vidtar, vidtog, vidtagit, vidtas, vidtagits",
        "göra",
        "”Vidta åtgärder” blir ofta bara ”göra” eller ett eget verb.",
    ),
    ("fordra", "fordrar, fordrade, fordrat, fordras", "kräva, behöva", ""),
    ("emellertid", "", "men, ändå", ""),
    ("således", "", "alltså, därför", ""),
    ("härmed", "", "nu, med detta", ""),
    ("erforderlig", "erforderligt, erforderliga", "nödvändig, som behövs", ""),
    ("föreligga", "föreligger, förelåg, förelegat", "finnas, vara", ""),
    ("tillse", "tillser, tillsåg, tillsett", "se till", ""),
    ("vederbörande", "", "den som berörs, personen", ""),
    (
        "delge",
        "delger, delgav, delgett, delges",
        "meddela, informera",
        "Delgivning är ett juridiskt begrepp; använd det bara i den betydelsen.",
    ),
    ("inkomma", "inkommer, inkom, inkommit", "komma in, skicka in", ""),
    ("erlägga", "erlägger, erlade, erlagt, erläggs", "betala", ""),
    ("ombesörja", "ombesörjer, ombesörjde, ombesörjt", "ordna, sköta", ""),
    ("ånyo", "", "igen", ""),
    ("dylik", "dylikt, dylika", "sådan, liknande", ""),
    ("nedanstående", "", "följande, det här", ""),
    ("ovanstående", "", "det här, det som står ovan", ""),
    ("i syfte att", "", "för att", ""),
    ("i samband med", "", "vid, när", ""),
    ("i form av", "", "som", ""),
    ("på grund av att", "", "eftersom", ""),
    ("för närvarande", "", "nu", ""),
    ("i dagsläget", "", "nu, i dag", ""),
    ("huruvida", "", "om", ""),
    ("tillika", "", "också, samtidigt", ""),
    ("varvid", "", "och då", ""),
    ("jämväl", "", "också", ""),
    ("icke", "", "inte", ""),
    ("ej", "", "inte", ""),
    ("skyndsamt", "", "snabbt, så snart som möjligt", ""),
    (
        "implementera",
        "implementerar, implementerade, implementerat, implementeras, implementering",
        "införa, börja använda",
        "",
    ),
    (
        "tillämpa",
        "tillämpar, tillämpade, tillämpat, tillämpas",
        "använda, följa",
        "Rätt ord om lagar och regler; annars räcker ofta ”använda”.",
    ),
    ("nyttja", "nyttjar, nyttjade, nyttjat, nyttjas", "använda", ""),
]


def seed_avoid_words(apps, schema_editor):
    AvoidWord = apps.get_model("policies", "AvoidWord")
    if AvoidWord.objects.exists():
        return
    AvoidWord.objects.bulk_create(
        AvoidWord(word=word, forms=forms, suggestion=suggestion, comment=comment)
        for word, forms, suggestion, comment in SEED_AVOID_WORDS
    )


def compute_readability(apps, schema_editor):
    """The readability of every document's saved text, as a save computes it from now on."""
    from policies.plain_language import document_stats

    Styrdokument = apps.get_model("policies", "Styrdokument")
    DocumentReadability = apps.get_model("policies", "DocumentReadability")
    rows = []
    for document in Styrdokument.objects.only("pk", "summary", "body").iterator(chunk_size=200):
        stats = document_stats(document.body, document.summary)
        rows.append(
            DocumentReadability(
                document_id=document.pk,
                lix=stats.lix,
                words=stats.words,
                sentences=stats.sentences,
                long_words=stats.long_words,
            )
        )
        if len(rows) >= 500:
            DocumentReadability.objects.bulk_create(rows, ignore_conflicts=True)
            rows = []
    DocumentReadability.objects.bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("policies", "0012_transliterated_slugs")]

    operations = [
        migrations.CreateModel(
            name="AvoidWord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "word",
                    models.CharField(
                        help_text="Grundformen, t.ex. ”erhålla” eller ”i enlighet med”.",
                        max_length=80,
                        unique=True,
                        verbose_name="ord eller uttryck",
                    ),
                ),
                (
                    "forms",
                    models.CharField(
                        blank=True,
                        help_text=(
                            "Böjningsformer som också ska hittas, åtskilda med komma, t.ex. "
                            "”erhåller, erhöll, erhållit”. Stora och små bokstäver spelar ingen "
                            "roll."
                        ),
                        max_length=400,
                        verbose_name="andra former",
                    ),
                ),
                (
                    "suggestion",
                    models.CharField(
                        help_text="Ett eller flera vardagliga alternativ, t.ex. ”få”.",
                        max_length=200,
                        verbose_name="skriv hellre",
                    ),
                ),
                (
                    "comment",
                    models.CharField(
                        blank=True,
                        help_text="Visas för redaktören, t.ex. när ordet ändå kan behövas.",
                        max_length=300,
                        verbose_name="kommentar",
                    ),
                ),
            ],
            options={
                "verbose_name": "ord att undvika",
                "verbose_name_plural": "ord att undvika",
                "ordering": ["word"],
            },
        ),
        migrations.CreateModel(
            name="DocumentReadability",
            fields=[
                (
                    "document",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="readability",
                        serialize=False,
                        to="policies.styrdokument",
                        verbose_name="styrdokument",
                    ),
                ),
                ("lix", models.FloatField(blank=True, null=True, verbose_name="LIX")),
                ("words", models.PositiveIntegerField(default=0, verbose_name="ord")),
                ("sentences", models.PositiveIntegerField(default=0, verbose_name="meningar")),
                (
                    "long_words",
                    models.PositiveIntegerField(default=0, verbose_name="långa ord"),
                ),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="beräknad")),
            ],
            options={"verbose_name": "läsbarhet", "verbose_name_plural": "läsbarhet"},
        ),
        migrations.RunPython(seed_avoid_words, migrations.RunPython.noop),
        migrations.RunPython(compute_readability, migrations.RunPython.noop),
    ]
