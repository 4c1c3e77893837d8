"""The public site's search reads the body vectors of public, live entries only.

With the one GIN index on every entry's body, a word found in a third of 10,000 documents made
the public search visit every matching row, internal ones too, and drop those after reading
them: for "riktlinjerna" 3,356 rows read and 1,144 dropped, 12 ms of the ranked statement. A
partial index holding only what the public site may find (search.models.RankedEntry.for_request
filters on exactly `live AND publicity = 'public'`) leaves the heap visit to the rows it ranks:
6.6 ms. PostgreSQL only, like the copy itself."""

from django.db import migrations

from ._postgres import postgres_index


class Migration(migrations.Migration):
    dependencies = [("search", "0010_clean_stored_control_characters")]

    operations = [
        postgres_index(
            "search_ranked_public_body",
            "CREATE INDEX IF NOT EXISTS search_ranked_public_body ON search_rankedentry "
            "USING gin (body) WHERE live AND publicity = 'public'",
        ),
    ]
