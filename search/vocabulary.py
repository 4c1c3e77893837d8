"""The words of each document, kept in DocumentWord for the spelling suggestions.

A document's words are written when it is saved with its text (title, summary, body), in the
same transaction, so the stored words are always those of the document's current row. Which
documents count for a reader is decided when the vocabulary is read (search.suggest), from the
same visibility rules as the search; a draft's or an internal document's words never reach a
reader who cannot see it.
"""

from collections import Counter

from django.db import transaction
from django.db.models import Sum

from policies.models import Styrdokument
from policies.swedish import words
from policies.text import document_plain_text, streamfield_text

from .models import DocumentWord

MAX_DOCUMENT_TEXT = 200_000  # characters of one document's text read for the vocabulary
MAX_WORD_LENGTH = 40  # longer "words" are not vocabulary (and are not corrected)
BATCH = 200  # documents read at a time by rebuild()


def vocabulary_word(word):
    return word.isalpha() and 2 <= len(word) <= MAX_WORD_LENGTH


def document_text(document):
    return " ".join(
        [document.title or "", document.summary or "", streamfield_text(document.body)]
    )[:MAX_DOCUMENT_TEXT]


def count_words(document):
    """{word: occurrences} of the document's title, summary and text."""
    return Counter(word for word in words(document_text(document)) if vocabulary_word(word))


def store_words(document):
    """Replace the stored words of `document` with those of its text as it is now."""
    counts = count_words(document)
    with transaction.atomic():
        DocumentWord.objects.filter(document_id=document.pk).delete()
        DocumentWord.objects.bulk_create(
            DocumentWord(document_id=document.pk, word=word, count=count)
            for word, count in counts.items()
        )


def rebuild(documents=None):
    """Store the words of every document (or of `documents`), and the plain text its search
    hits are shown from (Styrdokument.plain_text); for a bulk load that bypassed save(), and
    for the migration that introduced the table. Returns the documents read."""
    documents = Styrdokument.objects.all() if documents is None else documents
    done = 0
    fields = ("title", "summary", "body", "plain_text")
    for document in documents.only(*fields).order_by("pk").iterator(BATCH):
        store_words(document)
        text = document_plain_text(document.summary, document.body)
        if text != document.plain_text:
            Styrdokument.objects.filter(pk=document.pk).update(plain_text=text)
        done += 1
    return done


def visible_counts(documents, limit):
    """{word: occurrences} over `documents` (a queryset of the reader's visible documents),
    the `limit` most frequent words, in one grouped query."""
    rows = (
        DocumentWord.objects.filter(document__in=documents.order_by().values("pk"))
        .values("word")
        .annotate(total=Sum("count"))
        .order_by("-total", "word")[:limit]
    )
    return {row["word"]: row["total"] for row in rows}
