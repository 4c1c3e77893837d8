import logging

from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.db.backends.signals import connection_created
from django.db.models.signals import pre_save
from django.utils import timezone
from wagtail.models import Page
from wagtail.signals import page_published

from .channels import remember_admin_access
from .decisions import decided_as_editorial, next_free_label, used_labels
from .models import AdoptedVersion, Styrdokument
from .models.documents import check_publication_change
from .models.routing import plan_prepared_statements_once
from .signals import version_adopted
from .tasks import enqueue_version_pdf

logger = logging.getLogger(__name__)


def record_adopted_version(sender, instance, revision=None, **kwargs):
    """Keep a record of each adopted version; a new decision supersedes the previous one.

    Every publication is a decision (the model refuses any other), so every publication gets its
    own version: nothing recorded is ever overwritten.
    """
    if not isinstance(instance, Styrdokument) or not instance.decision_date or not instance.live:
        return
    with transaction.atomic():
        current = instance.adopted_versions.filter(
            superseded_at__isnull=True, repealed_at__isnull=True
        ).first()
        label = next_free_label(instance.version, used_labels(instance.pk))
        if label != instance.version:
            # The decision step assigns the label; this only guards the unique constraint.
            Styrdokument.objects.filter(pk=instance.pk).update(version=label)
            instance.version = label
        now = timezone.now()
        new_version = AdoptedVersion.objects.create(
            document=instance,
            revision=revision,
            title=instance.title,
            version=label,
            decision_body_name=instance.decision_body.name if instance.decision_body_id else "",
            decision_date=instance.decision_date,
            diarienummer=instance.diarienummer,
            protocol_paragraph=instance.protocol_paragraph,
            publicity=instance.publicity,
            adopted_at=now,
            content=revision.content if revision else {},
            # Chosen at the decision step; only a later version of a document can be editorial.
            editorial_change=current is not None and decided_as_editorial(instance.pk, revision),
        )
        if current:
            current.superseded_at = now
            current.superseded_by = new_version
            current.save(update_fields=["superseded_at", "superseded_by"])
        enqueue_version_pdf(new_version.pk)
        # In the same transaction: the review cycle restarts and, for a changed parent, raises
        # "Översyn behövs" on the documents under it (revision.signal_handlers).
        version_adopted.send(
            sender=type(instance), document=instance, version=new_version, previous=current
        )


def check_base_page_save(sender, instance, update_fields=None, raw=False, **kwargs):
    """Wagtail saves some pages through the base Page class (e.g. publish_scheduled's expiry);
    a styrdokument saved that way obeys the same decision rule as Styrdokument.save().

    Raw saves (loaddata, restoring a database snapshot) write rows as they were and are not
    publications, just as they bypass Styrdokument.save()."""
    if raw or type(instance) is not Page or instance.pk is None:
        return
    if not issubclass(instance.specific_class or Page, Styrdokument):
        return
    if instance.expired and not instance.live and keep_adopted_live(instance):
        return
    check_publication_change(instance, update_fields)


def keep_adopted_live(page):
    """Wagtail's scheduled expiry (publish_scheduled) is a plain unpublish on a timer. For an
    adopted document the save is turned back into "still live, no expiry", so the command goes
    on with the other pages and the document stays in force until a repeal decision."""
    stored = (
        Page.objects.filter(pk=page.pk)
        .values("live", "live_revision_id", "has_unpublished_changes")
        .first()
    )
    if (
        not (stored and stored["live"])
        or not AdoptedVersion.objects.filter(document_id=page.pk).exists()
    ):
        return False
    page.live = True
    page.expired = False
    page.expire_at = None
    page.live_revision_id = stored["live_revision_id"]
    page.has_unpublished_changes = stored["has_unpublished_changes"]
    logger.warning("Scheduled expiry of adopted document %s refused: no repeal decision", page.pk)
    return True


def connect():
    from styrdok import page_cache

    from . import frontend_cache

    # Prepared statements are planned once per connection (policies.models.routing).
    connection_created.connect(plan_prepared_statements_once, dispatch_uid="styrdok-plans")
    pre_save.connect(check_base_page_save, sender=Page, dispatch_uid="styrdok-base-page-save")
    # Whether the intranet's header links to the admin, read once per login (channels).
    user_logged_in.connect(remember_admin_access, dispatch_uid="styrdok-admin-access")
    # The public page cache and a CDN or Varnish in front follow every change that can alter a
    # public page (styrdok/page_cache.py, policies/frontend_cache.py).
    page_cache.connect_invalidation()
    frontend_cache.connect()
    for model in Styrdokument.__subclasses__():
        page_published.connect(record_adopted_version, sender=model, dispatch_uid=f"adopt-{model}")
