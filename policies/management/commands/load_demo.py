from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from policies.demo import DEFAULT_FIXTURE, DEMO_PASSWORD, DemoDataError, load_demo

DEMO_LOGINS = [
    ("admin", "superanvändare"),
    ("redaktor", "redaktör"),
    ("samordnare", "informationssäkerhetssamordnare"),
    ("kommundirektor", "kommundirektör"),
    ("stabschef", "stabschef"),
    ("verksamhetschef", "verksamhetschef"),
    ("sekreterare", "nämndsekreterare"),
    ("agare", "dokumentansvarig"),
    ("granskare", "informationssäkerhetssamordnare (granskar samordnarens förslag)"),
    ("socialchef", "förvaltningschef"),
    ("itchef", "dokumentansvarig"),
    ("dataskyddsombud", "medarbetare utan administration"),
]


class Command(BaseCommand):
    help = (
        "Läser in demokommunen Exempelkommun med styrdokument och demoanvändare. Körs bara "
        "första gången; finns demodata redan ändras ingenting. Endast för demo och utveckling."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fixture",
            default=str(DEFAULT_FIXTURE),
            help="Sökväg till demofilen (standard: fixtures/exempelkommun.json).",
        )

    def handle(self, *args, **options):
        path = Path(options["fixture"])
        if not path.is_file():
            raise CommandError(f"Demofilen {path} finns inte.")
        try:
            loaded = load_demo(path)
        except (DemoDataError, KeyError, ValueError) as exc:
            raise CommandError(f"Demofilen {path} kunde inte läsas in: {exc}") from exc
        if loaded:
            self.stdout.write(self.style.SUCCESS("Exempelkommun är inläst."))
        else:
            self.stdout.write("Demodata finns redan; inget har ändrats.")
        self.stdout.write("")
        self.stdout.write(f"Demoinloggningar (lösenord för alla: {DEMO_PASSWORD}):")
        for username, role in DEMO_LOGINS:
            self.stdout.write(f"  {username:<16} {role}")
