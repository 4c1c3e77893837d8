import hashlib

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError


def sha256_of(field_file):
    digest = hashlib.sha256()
    with field_file.open("rb") as stream:
        for chunk in stream.chunks():
            digest.update(chunk)
    return digest.hexdigest()


class Command(BaseCommand):
    help = (
        "Kontrollerar versionsarkivet: att varje fastställd versions arkiv-PDF finns och har "
        "samma kontrollsumma (SHA-256) som när den skapades. Avslutas med felkod 1 om någon "
        "saknas eller har ändrats. Kör den efter en uppgradering eller en återställning."
    )

    def handle(self, *args, **options):
        try:
            checked, problems = self.check_versions()
        except DatabaseError as error:
            raise CommandError(
                f"Versionsarkivet kunde inte läsas ur databasen ({type(error).__name__}). Är "
                "databasen migrerad (`manage.py migrate`)?"
            ) from None
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(
                f"{len(problems)} av {checked} arkiverade PDF:er saknas eller har ändrats."
            )
        self.stdout.write(f"Versionsarkivet är helt: {checked} PDF:er har rätt kontrollsumma.")

    def check_versions(self):
        # By name: operations is the bottom layer and imports no Styrdok app.
        versions = apps.get_model("policies", "AdoptedVersion").objects.exclude(pdf="")
        checked, problems = 0, []
        for version in versions.order_by("pk").iterator():
            checked += 1
            label = f"{version} (id {version.pk})"
            try:
                digest = sha256_of(version.pdf)
            except (FileNotFoundError, OSError):
                problems.append(f"{label}: PDF-filen {version.pdf.name} saknas")
                continue
            if digest != version.pdf_sha256:
                problems.append(f"{label}: kontrollsumman stämmer inte ({version.pdf.name})")
        return checked, problems
