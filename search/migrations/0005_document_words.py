"""The words of each document for the spelling suggestions (search.vocabulary), stored for
the documents that exist; save() keeps them from then on."""

import django.db.models.deletion

from collections import Counter

from django.db import migrations, models

BATCH = 200


def fill(apps, schema_editor):
    from policies.swedish import words
    from policies.text import streamfield_text
    from search.vocabulary import MAX_DOCUMENT_TEXT, vocabulary_word

    Styrdokument = apps.get_model("policies", "Styrdokument")
    Page = apps.get_model("wagtailcore", "Page")
    DocumentWord = apps.get_model("search", "DocumentWord")
    documents = Styrdokument.objects.only("summary", "body").order_by("pk")
    for document in documents.iterator(BATCH):
        title = Page.objects.filter(pk=document.pk).values_list("title", flat=True).first()
        text = " ".join([title or "", document.summary or "", streamfield_text(document.body)])
        counts = Counter(w for w in words(text[:MAX_DOCUMENT_TEXT]) if vocabulary_word(w))
        DocumentWord.objects.bulk_create(
            DocumentWord(document_id=document.pk, word=word, count=count)
            for word, count in counts.items()
        )


class Migration(migrations.Migration):
    dependencies = [
        ("policies", "0016_ranking_copies"),
        ("search", "0004_title_trigram_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="DocumentWord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("word", models.CharField(max_length=40, verbose_name="ord")),
                ("count", models.PositiveIntegerField(verbose_name="antal förekomster")),
                (
                    "document",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="policies.styrdokument",
                        verbose_name="dokument",
                    ),
                ),
            ],
            options={
                "verbose_name": "ord i dokument",
                "verbose_name_plural": "ord i dokument",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("document", "word"), name="search_document_word"
                    )
                ],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
