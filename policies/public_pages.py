"""The personnummer guard on the pages that are not styrdokument.

The start page, the register page, information and content pages and the accessibility statement
are shown on the public site as soon as they are published: no decision step, no choice of
internal publication. What a styrdokument may not publish (policies.rules) they may not publish
either: a personnummer or samordningsnummer in any field the page shows, in a link address or
in a file the text links to. The guard sits at two layers:

- the page editor (PublicPageForm, each model's base form) refuses to save such a revision,
  draft or publication, naming the field and showing the number masked; the form keeps
  everything the editor typed;
- publishing itself (PublicTextGuard.publish) refuses a revision that never went through the
  editor: saved from the shell or an import, or before the guard existed, then published by a
  bulk action, a workflow or the scheduler.
"""

from functools import cache

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.fields import StreamField

from .personnummer import (
    FileTooLargeToCheck,
    block_texts,
    document_findings,
    document_ids_in,
    documents_by_ids,
    find_identity_numbers,
    link_targets,
    too_large_message,
)
from .scheduling import refuse_publication

# Wagtail's own fields that the public site shows: the page, its <title>, its meta description
# and its address.
PAGE_FIELDS = ("title", "slug", "seo_title", "search_description")


def _is_public_text(field):
    """A field whose value the page shows as text: not a choice (its label is shown)."""
    if isinstance(field, StreamField):
        return True
    return isinstance(field, models.CharField | models.TextField) and not field.choices


@cache
def public_text_fields(model):
    """The names of every text field of `model` that its public page shows."""
    own = [field.name for field in model._meta.local_fields if _is_public_text(field)]
    return (*PAGE_FIELDS, *(name for name in own if name not in PAGE_FIELDS))


def _markup(value):
    """A field's value as the page publishes it: rich text and StreamField as their markup."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return block_texts(value)


def _label(model, name):
    return capfirst(str(model._meta.get_field(name).verbose_name))


def _message(where, finding):
    return _(
        "Texten i %(where)s innehåller ett %(kind)s (%(number)s) i avsnittet ”…%(passage)s…”. "
        "Sidan visas på den externa webbplatsen och får inte innehålla personnummer eller "
        "samordningsnummer. Ta bort numret."
    ) % {
        "where": where,
        "kind": finding.kind,
        "number": finding.masked,
        "passage": finding.passage,
    }


def _file_errors(texts):
    """{field: [messages]} for the files each field links to (one query for all of them)."""
    ids = {name: document_ids_in(text) for name, text in texts.items()}
    every_id = [pk for found in ids.values() for pk in found]
    documents = {document.pk: document for document in documents_by_ids(every_id)}
    errors = {}
    for name, found in ids.items():
        for document in (documents[pk] for pk in found if pk in documents):
            errors.setdefault(name, []).extend(_document_messages(document))
    return {name: messages for name, messages in errors.items() if messages}


def _document_messages(document):
    """The messages for one attached file: a number it holds, or that it cannot be read whole
    (it is refused then, not published unchecked)."""
    try:
        shown, findings = document_findings(document)
    except FileTooLargeToCheck as exc:
        return [too_large_message(exc, document.file.name)]
    where = _("den bifogade filen ”%(name)s”") % {"name": shown}
    return [_message(where, finding) for finding in findings]


def identity_number_errors(page, values=None):
    """{field: [Swedish messages]} for every identity number `page` would publish, empty when
    there is none. `values` (the editor's cleaned data) win over the page's own."""
    values = values or {}
    model = type(page)
    texts = {
        name: _markup(values[name] if name in values else getattr(page, name, None))
        for name in public_text_fields(model)
    }
    errors = {}
    for name, text in texts.items():
        where = _("fältet ”%(field)s”") % {"field": _label(model, name)}
        for finding in find_identity_numbers(f"{text}\n{link_targets(text)}"):
            errors.setdefault(name, []).append(_message(where, finding))
    for name, messages in _file_errors(texts).items():
        errors.setdefault(name, []).extend(messages)
    return errors


class IdentityNumberRefused(PermissionDenied):
    """Publishing a page that holds an identity number. A PermissionDenied, so a request that
    reaches it (a bulk action, a workflow's last step) answers 403 with the Swedish reason."""

    def __init__(self, messages):
        self.messages = list(messages)
        super().__init__(" ".join(self.messages))


def refuse_identity_numbers_on_page(page):
    """Raise IdentityNumberRefused if `page` (a revision's object) holds an identity number."""
    errors = identity_number_errors(page)
    if errors:
        raise IdentityNumberRefused([text for messages in errors.values() for text in messages])


class PublicPageForm(WagtailAdminPageForm):
    """The editor of a page that is not a styrdokument: no revision holds an identity number."""

    def clean(self):
        cleaned_data = super().clean()
        names = public_text_fields(type(self.instance))
        values = {name: cleaned_data[name] for name in names if name in cleaned_data}
        for field, messages in identity_number_errors(self.instance, values).items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
        return cleaned_data


class PublicTextGuard:
    """Mixin for the page models that are not styrdokument (before `Page` in the bases)."""

    def publish(self, revision, user=None, changed=True, log_action=True, **kwargs):
        try:
            refuse_identity_numbers_on_page(revision.as_object())
        except IdentityNumberRefused as refused:
            return refuse_publication(self, revision, refused, log_action)
        return super().publish(
            revision, user=user, changed=changed, log_action=log_action, **kwargs
        )
