"""The review cycle's own records: reminders sent and personal calendar addresses."""

import base64
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewReminder(models.Model):
    """One review email that went out: the record that makes the daily reminder run idempotent.

    Keyed by document, review cycle (the due date), step and recipient address, so a run that is
    repeated sends nothing twice, and a recipient whose delivery failed has no record and is
    tried again on the next run.
    """

    document = models.ForeignKey(
        "policies.Styrdokument",
        verbose_name=_("dokument"),
        on_delete=models.CASCADE,
        related_name="review_reminders",
    )
    due_date = models.DateField(_("revideras senast"))
    step = models.CharField(_("steg"), max_length=40)
    kind = models.CharField(_("slag"), max_length=20)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mottagare"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    email = models.EmailField(_("e-postadress"))
    sent_on = models.DateField(_("skickad (körningens datum)"))
    sent_at = models.DateTimeField(_("skickad"), auto_now_add=True)
    # A run claims the row (committed) before the SMTP call and marks it sent after it, so a
    # crash re-sends at most the message that was in flight (see revision.reminders).
    state = models.CharField(
        _("läge"),
        max_length=10,
        choices=[("claimed", _("påbörjad")), ("sent", _("skickad"))],
        default="sent",
    )
    claim_token = models.CharField(
        _("utskickets nyckel"), max_length=32, blank=True, default="", db_index=True
    )

    class Meta:
        # The table keeps the name it had when governance held the review cycle.
        db_table = "governance_reviewreminder"
        ordering = ["-sent_at"]
        verbose_name = _("revisionspåminnelse")
        verbose_name_plural = _("revisionspåminnelser")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "due_date", "step", "email"], name="unique_review_reminder"
            )
        ]

    def __str__(self):
        return f"{self.document_id} {self.due_date} {self.step} {self.email}"


def new_calendar_token():
    """A random secret (migration 0001 names this as the old column's default)."""
    return secrets.token_urlsafe(32)


new_calendar_nonce = new_calendar_token

TOKEN_CONTEXT = b"styrdok.revision.calendar:"


def calendar_token(nonce):
    """The address's secret: an HMAC of the stored nonce under SECRET_KEY (43 URL-safe
    characters, 256 bits). The database alone (a backup, a read-only leak) holds no address
    that works, yet the owner's page can show the address again."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), TOKEN_CONTEXT + nonce.encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def token_digest(token):
    """What is stored and looked up: the SHA-256 of the secret, never the secret itself."""
    return hashlib.sha256(token.encode()).hexdigest()


def fresh_token_fields():
    """A new nonce and the digest of its secret, for a new or regenerated address."""
    nonce = new_calendar_nonce()
    return {"nonce": nonce, "token_hash": token_digest(calendar_token(nonce))}


class CalendarFeed(models.Model):
    """A secret address for one person's review calendar; regenerating it revokes the old one.

    Only a nonce and the digest of the secret are stored (calendar_token, token_digest)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="review_calendar",
    )
    nonce = models.CharField(
        _("slumpvärde"), max_length=64, unique=True, default=new_calendar_nonce, editable=False
    )
    token_hash = models.CharField(_("kontrollsumma"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    last_fetched_at = models.DateTimeField(_("senast hämtad"), null=True, blank=True)

    class Meta:
        db_table = "governance_calendarfeed"
        verbose_name = _("revisionskalender")
        verbose_name_plural = _("revisionskalendrar")

    def __str__(self):
        return str(self.user)

    def save(self, *args, **kwargs):
        if not self.token_hash:
            self.token_hash = token_digest(calendar_token(self.nonce))
        super().save(*args, **kwargs)

    @property
    def token(self):
        """The secret of the address, or "" when it can no longer be shown (SECRET_KEY was
        changed since it was made: the old address still works, a new one must be made to
        see an address again)."""
        token = calendar_token(self.nonce)
        return token if hmac.compare_digest(token_digest(token), self.token_hash) else ""
