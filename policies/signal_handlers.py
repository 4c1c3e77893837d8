from django.db import transaction
from django.utils import timezone
from wagtail.signals import page_published, page_unpublished

from .models import AdoptedVersion, Styrdokument
from .tasks import enqueue_version_pdf


def record_adopted_version(sender, instance, revision=None, **kwargs):
    """Keep a record of each adopted version; a new decision supersedes the previous one."""
    if not isinstance(instance, Styrdokument) or not instance.decision_date:
        return
    with transaction.atomic():
        current = instance.adopted_versions.filter(superseded_at__isnull=True).first()
        key = (instance.version, instance.decision_date, instance.diarienummer)
        if current and (current.version, current.decision_date, current.diarienummer) == key:
            # Same decision republished (e.g. a typo fixed): keep the record up to date.
            current.revision = revision
            current.title = instance.title
            current.publicity = instance.publicity
            current.content = revision.content if revision else current.content
            current.repealed_at = None
            current.save(update_fields=["revision", "title", "publicity", "content", "repealed_at"])
            # The current version's archive PDF follows its corrected text.
            enqueue_version_pdf(current.pk, replace=True)
            return
        now = timezone.now()
        new_version = AdoptedVersion.objects.create(
            document=instance,
            revision=revision,
            title=instance.title,
            version=instance.version,
            decision_body_name=instance.decision_body.name if instance.decision_body_id else "",
            decision_date=instance.decision_date,
            diarienummer=instance.diarienummer,
            protocol_paragraph=instance.protocol_paragraph,
            publicity=instance.publicity,
            adopted_at=now,
            content=revision.content if revision else {},
        )
        if current:
            current.superseded_at = now
            current.superseded_by = new_version
            current.save(update_fields=["superseded_at", "superseded_by"])
        enqueue_version_pdf(new_version.pk)

        from governance.review import flag_children, reset_after_new_version

        # A changed parent raises "Översyn behövs" on the documents under it.
        reset_after_new_version(instance)
        if current:
            flag_children(instance, new_version)


def record_repeal(sender, instance, **kwargs):
    """Unpublishing an adopted document repeals it; its versions stay readable, marked Upphävd."""
    if isinstance(instance, Styrdokument):
        instance.adopted_versions.filter(
            superseded_at__isnull=True, repealed_at__isnull=True
        ).update(repealed_at=timezone.now())


def connect():
    for model in Styrdokument.__subclasses__():
        page_published.connect(record_adopted_version, sender=model, dispatch_uid=f"adopt-{model}")
        page_unpublished.connect(record_repeal, sender=model, dispatch_uid=f"repeal-{model}")
