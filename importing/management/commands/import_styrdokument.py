from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from importing.bulk import run_bulk_import
from importing.csv_rows import find_page


class Command(BaseCommand):
    help = (
        "Importerar befintliga styrdokument: en zip-fil med Word-filer (.docx) och PDF-filer och "
        "en CSV-fil med en rad per fil (fil;titel;dokumenttyp;förälder;beslutad av;beslutsdatum;"
        "dnr;§;dokumentansvarig;revideras;publicering;historisk;version). Varje rad blir ett "
        "utkast eller, med historisk = ja, ett tidigare beslut som registreras som importerad "
        "version med originalfilen. Inget publiceras. Varje rad importeras helt eller inte alls; "
        "körningen slutar med en rapport om varje rad och felkod 1 om någon rad inte kunde "
        "importeras."
    )

    def add_arguments(self, parser):
        parser.add_argument("zip", help="Zip-filen med dokumenten.")
        parser.add_argument("csv", help="CSV-filen med uppgifterna om dokumenten.")
        parser.add_argument(
            "--parent",
            help=(
                "Var rader utan förälder hamnar: titel, sökväg (/styrdokument/…/) eller sid-id. "
                "Utan: registret."
            ),
        )
        parser.add_argument(
            "--user",
            help="Användarnamnet eller e-postadressen till den som importerar (krävs).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Visa rapporten utan att spara något.",
        )

    def handle(self, *args, **options):
        zip_path = self.existing_file(options["zip"], "Zip-filen")
        csv_path = self.existing_file(options["csv"], "CSV-filen")
        user = self.user(options.get("user"))
        parent = self.parent(options.get("parent"), user)
        try:
            with zip_path.open("rb") as zip_file:
                report = run_bulk_import(
                    zip_file,
                    csv_path.read_bytes(),
                    user=user,
                    parent=parent,
                    dry_run=options["dry_run"],
                    zip_name=zip_path.name,
                    csv_name=csv_path.name,
                )
        except PermissionDenied as exc:
            raise CommandError(f"{user.get_username()}: {exc}") from None
        for line in report.lines():
            self.stdout.write(line)
        if report.errors:
            raise CommandError("Inget importerades. Rätta felen ovan och kör igen.")
        if report.skipped_rows:
            raise CommandError(
                f"{len(report.skipped_rows)} av {len(report.rows)} rader kunde inte importeras; "
                "se rapporten ovan. De andra raderna "
                + ("kan importeras." if report.dry_run else "är importerade.")
            )

    def existing_file(self, name, what):
        path = Path(name)
        if not path.is_file():
            raise CommandError(f"{what} ”{name}” finns inte.")
        return path

    def user(self, name):
        if not name:
            raise CommandError(
                "Ange vem som importerar med --user <användarnamn>: det står i dokumentens "
                "historik, och behörigheten att importera styrdokument krävs."
            )
        user = (
            get_user_model()
            .objects.filter(Q(username__iexact=name) | Q(email__iexact=name))
            .order_by("pk")
            .first()
        )
        if user is None:
            raise CommandError(f"Det finns ingen användare ”{name}”.")
        if not user.is_active:
            raise CommandError(f"Användaren ”{name}” är inaktiverad.")
        return user

    def parent(self, reference, user):
        if not reference:
            return None
        page, problem = find_page(reference, user)
        if problem:
            raise CommandError(problem)
        if page is None:
            raise CommandError(f"Hittar ingen sida ”{reference}” att lägga dokumenten under.")
        return page
