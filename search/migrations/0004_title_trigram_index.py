"""A trigram index on page titles (PostgreSQL), for the search's fuzzy title matching.

search.service.fuzzy_titles finds titles with `title %> word` (pg_trgm's word similarity), which
this index serves; without it every visible document's title is compared. Nothing happens on
other databases.
"""

from django.db import migrations

from ._postgres import postgres_index

INDEX = "search_page_title_trgm"
CREATE = f"CREATE INDEX IF NOT EXISTS {INDEX} ON wagtailcore_page USING gin (title gin_trgm_ops)"


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0003_seed_synonyms"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [postgres_index(INDEX, CREATE)]
