"""The register's sort indexes carry the columns it filters on (publicity, type, organ,
förvaltning, owner, next review), so that on PostgreSQL the page of ids is read from one index in
sort order, without visiting the wide rows of every document (other databases ignore INCLUDE).
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("governance", "0009_database_cache_table"),
        ("policies", "0009_register_sort_columns"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        migrations.swappable_dependency(settings.WAGTAIL_PAGE_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="styrdokument",
            name="register_type",
        ),
        migrations.RemoveIndex(
            model_name="styrdokument",
            name="register_title",
        ),
        migrations.RemoveIndex(
            model_name="styrdokument",
            name="register_decided",
        ),
        migrations.RemoveIndex(
            model_name="styrdokument",
            name="register_decided_desc",
        ),
        migrations.RemoveIndex(
            model_name="styrdokument",
            name="register_review",
        ),
        migrations.RemoveIndex(
            model_name="styrdokument",
            name="register_review_desc",
        ),
        migrations.AddIndex(
            model_name="styrdokument",
            index=models.Index(
                fields=["type_rank", "sort_title", "page_ptr"],
                include=(
                    "publicity",
                    "document_type",
                    "decision_body",
                    "organisation",
                    "responsible",
                    "next_review",
                ),
                name="register_type",
            ),
        ),
        migrations.AddIndex(
            model_name="styrdokument",
            index=models.Index(
                fields=["sort_title", "page_ptr"],
                include=(
                    "publicity",
                    "document_type",
                    "decision_body",
                    "organisation",
                    "responsible",
                    "next_review",
                ),
                name="register_title",
            ),
        ),
        migrations.AddIndex(
            model_name="styrdokument",
            index=models.Index(
                fields=["decision_date", "sort_title", "page_ptr"],
                include=(
                    "publicity",
                    "document_type",
                    "decision_body",
                    "organisation",
                    "responsible",
                    "next_review",
                ),
                name="register_decided",
            ),
        ),
        migrations.AddIndex(
            model_name="styrdokument",
            index=models.Index(
                fields=["-decision_date", "sort_title", "page_ptr"],
                include=(
                    "publicity",
                    "document_type",
                    "decision_body",
                    "organisation",
                    "responsible",
                    "next_review",
                ),
                name="register_decided_desc",
            ),
        ),
        migrations.AddIndex(
            model_name="styrdokument",
            index=models.Index(
                fields=["next_review", "sort_title", "page_ptr"],
                include=(
                    "publicity",
                    "document_type",
                    "decision_body",
                    "organisation",
                    "responsible",
                    "next_review",
                ),
                name="register_review",
            ),
        ),
        migrations.AddIndex(
            model_name="styrdokument",
            index=models.Index(
                fields=["-next_review", "sort_title", "page_ptr"],
                include=(
                    "publicity",
                    "document_type",
                    "decision_body",
                    "organisation",
                    "responsible",
                    "next_review",
                ),
                name="register_review_desc",
            ),
        ),
    ]
