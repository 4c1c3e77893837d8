"""A partial index of the public documents, for the public register's count.

The register counts the documents its reader may see in the same statement as it reads a page of
them (policies.register). On the public site that count read every entry of register_count and
tested each one's publicity; this index holds the public documents alone, with the columns the
register filters on: at 10,000 documents the register's statement takes 3.3 instead of 3.7 ms.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("policies", "0018_adopted_version_newest_public"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="styrdokument",
            index=models.Index(
                condition=models.Q(("publicity", "public")),
                fields=["page_ptr"],
                include=("document_type", "decision_body", "organisation", "next_review"),
                name="register_count_public",
            ),
        ),
    ]
