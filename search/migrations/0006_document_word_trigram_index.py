"""A trigram index on the stored words, folded for å/ä/ö (PostgreSQL), for "Menade du …".

search.suggest asks pg_trgm for the words like a misspelt one with `<folded word> % <typed>`;
the expression here must stay the one search.suggest.FOLDED_WORD writes (a test compares them),
or the planner cannot use the index and every visible document's words are compared. Nothing
happens on other databases, which compare the words by edit distance in Python.
"""

from django.db import migrations

from ._postgres import postgres_index

INDEX = "search_documentword_word_trgm"
FOLDED_WORD = "translate(word, 'åäöéüæø', 'aaoeuao')"
CREATE = (
    f"CREATE INDEX IF NOT EXISTS {INDEX} ON search_documentword "
    f"USING gin (({FOLDED_WORD}) gin_trgm_ops)"
)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0005_document_words"),
    ]

    operations = [postgres_index(INDEX, CREATE)]
