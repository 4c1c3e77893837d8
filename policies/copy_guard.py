"""A copy or an alias that goes live is checked as a publication is.

Wagtail's copy with "publish copies" (CopyPageAction with keep_live) and its aliases
(CreatePageAliasAction, and update_aliases when the source is published) make pages live without
calling publish(), so neither page guard saw them: a live page published before the personnummer
guard existed could be copied or aliased live with the number, and a styrdokument (or a page with
styrdokument below it) could be copied live or aliased without any decision of its own.

register() wraps those three routes, whoever calls them (the admin's copy view, the shell, an
import): before anything is created, every page that would go live is checked, and the whole
copy or alias is refused with a Swedish message; the rest runs in one transaction, so a refusal
leaves nothing half-created. Wagtail's copy form shows the refusal on the form instead.

- a styrdokument never goes live as a copy or an alias: only its own decision publishes it;
- any other page may not go live holding a personnummer or samordningsnummer
  (policies.public_pages).
"""

from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.actions.copy_page import CopyPageAction
from wagtail.actions.create_alias import CreatePageAliasAction
from wagtail.admin.forms.pages import CopyForm
from wagtail.models import Page

from .decisions import DecisionRequired
from .hidden_copies import hidden_below
from .public_pages import IdentityNumberRefused, PublicTextGuard, identity_number_errors


class CopyRefused(DecisionRequired):
    """A copy or an alias that may not go live. A DecisionRequired (a PermissionDenied), so the
    shell sees the decision rule's own exception and a request that reaches it answers 403 with
    the Swedish reason."""

    def __init__(self, messages):
        self.messages = list(messages)
        super().__init__(" ".join(self.messages))


def _decided_only():
    return _(
        "Ett styrdokument publiceras bara genom sitt eget beslut. Kopiera utan att publicera "
        "kopiorna (och inte som alias); kopian blir ett utkast som beslutas i sitt arbetsflöde."
    )


def _going_live(page, recursive, user=None):
    """The pages whose copy or alias would be live: `page` (and with `recursive` every page below
    it that `user` may see: policies.hidden_copies leaves the others out) that is live now."""
    pages = page.get_descendants(inclusive=True) if recursive else Page.objects.filter(pk=page.pk)
    for root in hidden_below(page, user) if recursive else ():
        pages = pages.exclude(path__startswith=root)
    return pages.live().specific()


def refusals(page, recursive, user=None):
    """Swedish messages for everything that may not go live in a live copy or alias of `page`
    made by `user` (None: the shell); empty when nothing is refused."""
    from .models import Styrdokument

    messages = []
    for live in _going_live(page, recursive, user):
        if isinstance(live, Styrdokument):
            messages.append(_decided_only())
        elif isinstance(live, PublicTextGuard):
            for found in identity_number_errors(live).values():
                messages.extend(found)
    return list(dict.fromkeys(messages))


def refuse_live_copy(page, recursive, user=None):
    messages = refusals(page, recursive, user)
    if messages:
        raise CopyRefused(messages)


def _alias_content_page(page, content):
    """The page as its aliases would show it: with `content` (a revision's) if given."""
    specific = page.specific
    return specific.with_content_json(content) if content is not None else specific


# -- the routes --------------------------------------------------------------------------------

_wagtail_copy_execute = CopyPageAction.execute
_wagtail_alias_execute = CreatePageAliasAction.execute
_wagtail_update_aliases = Page.update_aliases
# The copy form's clean as it is when register() runs (policies.hidden_slugs wraps it first).
_previous_copy_form_clean = {}


def copy_execute(self, skip_permission_checks=False):
    if self.keep_live:
        refuse_live_copy(self.page, self.recursive, self.user)
    with transaction.atomic():
        return _wagtail_copy_execute(self, skip_permission_checks=skip_permission_checks)


def alias_execute(self, skip_permission_checks=False):
    refuse_live_copy(self.page, self.recursive, self.user)
    with transaction.atomic():
        return _wagtail_alias_execute(self, skip_permission_checks=skip_permission_checks)


def update_aliases(self, *, revision=None, _content=None, _updated_ids=None):
    """Wagtail's, refused (and nothing updated) when a page that is not a styrdokument would
    bring an identity number to its aliases. A styrdokument's content reaches its aliases only
    after its own decision (its publish()), so it is not asked again."""
    if isinstance(self.specific_deferred, PublicTextGuard) and (
        type(self).objects.filter(alias_of_id=self.pk).exists()
    ):
        errors = identity_number_errors(_alias_content_page(self, _content))
        if errors:
            raise IdentityNumberRefused([text for found in errors.values() for text in found])
    with transaction.atomic():
        return _wagtail_update_aliases(
            self, revision=revision, _content=_content, _updated_ids=_updated_ids
        )


def copy_form_clean(self):
    cleaned_data = _previous_copy_form_clean["clean"](self)
    # Shown on the field that asked for a live copy: Wagtail's copy page shows field errors only.
    field = next((name for name in ("alias", "publish_copies") if cleaned_data.get(name)), None)
    if field is not None:
        recursive = bool(cleaned_data.get("copy_subpages"))
        for message in refusals(self.page, recursive, self.user):
            self.add_error(field, message)
    return cleaned_data


def register():
    """Idempotent; called from PoliciesConfig.ready (after hidden_slugs.register)."""
    if CopyPageAction.execute is copy_execute:
        return
    CopyPageAction.execute = copy_execute
    CreatePageAliasAction.execute = alias_execute
    Page.update_aliases = update_aliases
    _previous_copy_form_clean["clean"] = CopyForm.clean
    CopyForm.clean = copy_form_clean
