"""The register's sort keys as stored, indexed columns on policies_styrdokument.

`type_rank` (the document type's place in the hierarchy) and `sort_title` (a copy of the page
title) are kept by Styrdokument.save(); with one index per sort of the register the database
reads a page of the register in index order instead of sorting every document.
"""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery

# The ranks of policies.models.choices.DOCUMENT_TYPE_RANK when this migration was written.
TYPE_RANKS = {"policy": 1, "program": 2, "riktlinje": 3, "rutin": 4, "stodanvisning": 5}


def fill_sort_columns(apps, schema_editor):
    Styrdokument = apps.get_model("policies", "Styrdokument")
    Page = apps.get_model("wagtailcore", "Page")
    Styrdokument.objects.update(
        sort_title=Subquery(Page.objects.filter(pk=OuterRef("pk")).values("title")[:1])
    )
    for document_type, rank in TYPE_RANKS.items():
        Styrdokument.objects.filter(document_type=document_type).update(type_rank=rank)


# The register's count joins every listed document to its page for `live` and the path;
# on PostgreSQL this covering index lets it read the index alone. Other databases do without.
PAGE_COVER = "styrdok_page_register_cover"


def create_page_cover(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {PAGE_COVER} ON wagtailcore_page (id) "
            "INCLUDE (live, depth, path)"
        )


def drop_page_cover(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {PAGE_COVER}")


class Migration(migrations.Migration):
    dependencies = [
        ("policies", "0008_decision_record"),
    ]

    operations = [
        migrations.AddField(
            model_name="styrdokument",
            name="sort_title",
            field=models.CharField(
                blank=True, editable=False, max_length=255, verbose_name="titel för sortering"
            ),
        ),
        migrations.AddField(
            model_name="styrdokument",
            name="type_rank",
            field=models.PositiveSmallIntegerField(
                default=99, editable=False, verbose_name="typens ordning"
            ),
        ),
        migrations.AddIndex(
            model_name="styrdokument",
            index=models.Index(
                fields=["type_rank", "sort_title", "page_ptr"], name="register_type"
            ),
        ),
        migrations.AddIndex(
            model_name="styrdokument",
            index=models.Index(fields=["sort_title", "page_ptr"], name="register_title"),
        ),
        migrations.AddIndex(
            model_name="styrdokument",
            index=models.Index(
                fields=["decision_date", "sort_title", "page_ptr"], name="register_decided"
            ),
        ),
        migrations.AddIndex(
            model_name="styrdokument",
            index=models.Index(
                fields=["-decision_date", "sort_title", "page_ptr"], name="register_decided_desc"
            ),
        ),
        migrations.AddIndex(
            model_name="styrdokument",
            index=models.Index(
                fields=["next_review", "sort_title", "page_ptr"], name="register_review"
            ),
        ),
        migrations.AddIndex(
            model_name="styrdokument",
            index=models.Index(
                fields=["-next_review", "sort_title", "page_ptr"], name="register_review_desc"
            ),
        ),
        migrations.AddIndex(
            model_name="styrdokument",
            index=models.Index(
                fields=["page_ptr"],
                include=[
                    "publicity",
                    "document_type",
                    "decision_body",
                    "organisation",
                    "next_review",
                    "responsible",
                ],
                name="register_count",
            ),
        ),
        migrations.RunPython(create_page_cover, drop_page_cover),
        # Last: PostgreSQL creates no index on a table with updates pending in the transaction.
        migrations.RunPython(fill_sort_columns, migrations.RunPython.noop, elidable=True),
    ]
