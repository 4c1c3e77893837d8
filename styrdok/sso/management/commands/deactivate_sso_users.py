"""Deactivates the users whom the identity provider has not let in for a long time.

A person removed from the kommun's IdP can no longer log in, but their Styrdok account would
stay active (and keep receiving reminders and review tasks). Run daily from cron; running it
again changes nothing.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from styrdok.sso.models import SingleSignOnIdentity


class Command(BaseCommand):
    help = (
        "Avaktiverar användare som Styrdok skapade vid inloggning med kommunens konto och som "
        "inte har loggat in på STYRDOK_OIDC_INACTIVE_DAYS dagar."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Antal dagar utan inloggning (standard: STYRDOK_OIDC_INACTIVE_DAYS).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Visa vilka som skulle avaktiveras."
        )

    def handle(self, *args, days=None, dry_run=False, **options):
        days = settings.STYRDOK_OIDC_INACTIVE_DAYS if days is None else days
        if days < 1:
            raise CommandError("--days ska vara minst 1.")
        cutoff = timezone.now() - timedelta(days=days)
        with transaction.atomic():
            identities = list(
                SingleSignOnIdentity.objects.select_for_update()
                .select_related("user")
                .filter(created_by_sso=True, user__is_active=True, last_sso_login__lt=cutoff)
                .order_by("user__username")
            )
            for identity in identities:
                last = f"{identity.last_sso_login:%Y-%m-%d}"
                self.stdout.write(f"{identity.user.get_username()}: senast inloggad {last}")
                if dry_run:
                    continue
                identity.user.is_active = False
                identity.user.save(update_fields=["is_active"])
                identity.deactivated_at = timezone.now()
                identity.save(update_fields=["deactivated_at"])
        verb = "skulle avaktiveras" if dry_run else "avaktiverade"
        self.stdout.write(
            f"{len(identities)} användare {verb} (ingen inloggning med kommunens konto på "
            f"{days} dagar)."
        )
