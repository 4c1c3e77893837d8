from django.db import models
from django.utils.translation import gettext_lazy as _


class JobRun(models.Model):
    """One run of a periodic job (cron), so administrators see in the admin when each job last
    ran, how long it took and what it did, without reading the server's logs."""

    job = models.CharField(_("jobb"), max_length=80, db_index=True)
    started_at = models.DateTimeField(_("startad"), db_index=True)
    finished_at = models.DateTimeField(_("avslutad"), null=True, blank=True)
    duration = models.DurationField(_("tidsåtgång"), null=True, blank=True)
    # None while the run is in progress (or if the process died without finishing).
    ok = models.BooleanField(_("lyckades"), null=True)
    summary = models.TextField(_("sammanfattning"), blank=True)
    counts = models.JSONField(_("antal"), default=dict, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("körning")
        verbose_name_plural = _("körningar")
        indexes = [models.Index(fields=["job", "-started_at"], name="jobrun_job_started")]
        # Only reading the log is a permission: rows are written by the jobs themselves.
        default_permissions = ()
        permissions = [("view_jobrun", _("Kan se körningar"))]

    def __str__(self):
        return f"{self.job} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def status_label(self):
        if self.ok is None:
            return _("Pågår eller avbröts")
        return _("Lyckades") if self.ok else _("Misslyckades")
