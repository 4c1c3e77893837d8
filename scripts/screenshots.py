"""Take the README's screenshots from the running demo, so the pictures show what Styrdok does.

    .venv/bin/python scripts/screenshots.py            # or: make screenshots

The script starts the demo kommun on a throwaway SQLite database (migrate, setup_styrdok,
load_demo, runserver on a free port), then drives Debian's Chromium through the README's tour
("En rundtur") as the people who do each step, and writes one PNG per step to docs/screenshots/.
The checkout's own database, uploads, archive and mail are never touched.

The steps are plain Playwright functions on a `Tour`, so tests/browser/test_screenshots.py runs
the same tour against Django's live server; STEPS is the list the README's images must follow.
"""

import argparse
import contextlib
import datetime
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
OUTPUT = BASE_DIR / "docs" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
# The flags the browser tests use (tests/browser/conftest.py): headless in a container.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 800}
DEMO_PASSWORD = "styrdok-demo"
# Anything not served by the demo itself (Wagtail's Gravatar avatars) is refused, so that the
# pictures neither wait for nor depend on the internet.
LOCAL_URL = re.compile(r"^(https?://([a-z0-9.-]+\.)?localhost(:\d+)?/|data:|blob:|about:)")
CASE_URL = re.compile(r"/admin/arenden/\d+/$")

# The riktlinje the tour follows from draft to review.
TITLE = "Riktlinje för mobila enheter"
SLUG = "mobila-enheter"
POLICY = "Informationssäkerhetspolicy"
POLICY_SLUG = "informationssakerhetspolicy"
SUMMARY = (
    "Hur kommunens mobiltelefoner och surfplattor skyddas, och vad en medarbetare gör när en "
    "enhet kommer bort."
)
TEXT = (
    "Mobila enheter som används i tjänsten ska vara registrerade i kommunens system för "
    "enhetshantering och låsas med kod. En förlorad eller stulen enhet anmäls genast till "
    "servicedesk, som spärrar och raderar den på distans."
)
BODY = "Kommundirektör"
WORKFLOW = "Kommundirektörens beslut"
OWNER = "Johan Ekström – Informationssäkerhetssamordnare"


@dataclass(frozen=True)
class Hosts:
    """The demo's two channels on one port; Chromium resolves *.localhost to itself."""

    intranet: str
    public: str

    @property
    def admin(self):
        return f"{self.intranet}/admin"


class Tour:
    """The README's tour, one method per screenshot, run in order: each step leaves the demo
    where the next one starts (the draft is submitted, reviewed, decided, then read)."""

    def __init__(self, page, hosts, output, optimise=True):
        self.page = page
        self.hosts = hosts
        self.output = Path(output)
        self.optimise = optimise
        self.diarienummer = f"KS-{datetime.date.today().year}-214"

    # -- what every step uses ------------------------------------------------------------------

    def expect(self, target):
        from playwright.sync_api import expect

        return expect(target)

    def log_in(self, username):
        """Through the admin's login form, after whoever was signed in has gone."""
        page = self.page
        page.context.clear_cookies()
        page.goto(f"{self.hosts.admin}/login/")
        page.get_by_label("Användarnamn").fill(username)
        # Wagtail's own login form labels this field in English; it is found by its name.
        page.locator("input[name=password]").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Logga in").click()
        self.expect(page).to_have_url(f"{self.hosts.admin}/")

    def shoot(self, filename):
        """The viewport (1280×800) as a PNG, reduced to a 256-colour palette when Pillow is
        there: the admin and the website have few colours, and the README stays light."""
        self.page.wait_for_load_state("networkidle")
        path = self.output / filename
        self.page.screenshot(path=str(path))
        if self.optimise:
            optimise_png(path)
        return path

    def settle(self):
        """Let a menu finish opening: the picture must not catch it half transparent."""
        self.page.wait_for_timeout(500)

    def scroll_to(self, locator):
        """Put the section at the top of the admin's scrolling area, with its heading clear of
        the sticky header."""
        locator.evaluate(
            "element => { element.scrollIntoView({block: 'start', behavior: 'instant'});"
            " document.querySelector('main')"
            ".scrollBy({top: -90, left: -10000, behavior: 'instant'}); }"
        )
        self.settle()

    def open_case(self, username):
        """The person's dashboard panel "Att besluta", then the tour's case page."""
        page = self.page
        self.log_in(username)
        panel = page.get_by_role("region", name="Att besluta")
        panel.get_by_role("link", name=TITLE, exact=True).click()
        self.expect(page).to_have_url(CASE_URL)

    def action(self, label):
        """One action's section on the case page, headed by its label, with its own form."""
        return self.page.get_by_role("region", name=label, exact=True)

    def expect_registered(self):
        self.expect(self.page.locator(".messages")).to_contain_text(
            f"Åtgärden är registrerad för ”{TITLE}”"
        )

    # -- the steps -------------------------------------------------------------------------------

    def editor(self):
        """The redaktör adds a riktlinje under the policy and writes it."""
        page = self.page
        self.log_in("redaktor")
        page.goto(f"{self.hosts.admin}/pages/")
        for name in ("Exempelkommun", "Styrdokument", POLICY):
            page.get_by_role("link", name=f"Utforska undersidor till '{name}'").click()
        page.get_by_role("link", name="Lägg till undersida").first.click()
        # A policy takes only riktlinjer, so Wagtail opens the riktlinje editor at once.
        self.expect(page).to_have_url(re.compile(r"/admin/pages/add/policies/riktlinjepage/\d+/$"))
        page.get_by_role("tab", name="Innehåll").click()
        page.get_by_role("textbox", name=re.compile(r"^Titel")).fill(TITLE)
        page.get_by_role("textbox", name="Sammanfattning").fill(SUMMARY)
        page.get_by_role("button", name="Lägg till ett block").click()
        page.get_by_role("option", name="Text", exact=True).click()
        editor = page.locator("[data-contentpath=body]").get_by_role("textbox")
        editor.click()
        page.keyboard.type(TEXT)
        self.expect(editor).to_contain_text(TEXT)
        # Out of the editor, so its toolbar does not cover the text, and back to the top left
        # of the admin's scrolling area, which typing has moved.
        page.evaluate(
            "() => { document.activeElement.blur();"
            " document.querySelector('main')"
            ".scrollTo({top: 0, left: 0, behavior: 'instant'}); }"
        )

    def submit(self):
        """The redaktör names the deciding body and the owner, makes it public and submits."""
        page = self.page
        page.get_by_role("tab", name="Metadata").click()
        page.get_by_role("button", name="Välj beslutande organ").click()
        chooser = page.get_by_role("dialog")
        chooser.get_by_role("link", name=BODY, exact=True).click()
        self.expect(chooser).to_be_hidden()
        page.get_by_role("textbox", name="Diarienummer").fill(self.diarienummer)
        page.get_by_role("combobox", name="Dokumentansvarig", exact=True).select_option(label=OWNER)
        page.get_by_role("combobox", name=re.compile(r"^Publicering")).select_option(
            label="Offentlig"
        )
        page.get_by_label("Alla medarbetare").check()
        page.get_by_label("8. Medvetenhet och utbildning").check()
        page.get_by_role("tab", name="Webbadress").click()
        page.get_by_role("textbox", name=re.compile(r"^Slugg?")).fill(SLUG)
        page.get_by_role("button", name="Spara utkast").click()
        self.expect(page.locator(".messages")).to_contain_text(
            re.compile(r"\b(skapad|uppdaterad)\.")
        )
        page.get_by_role("tab", name="Metadata").click()
        # An editor pauses before submitting: an autosave still in flight could otherwise turn
        # the submission into a plain save.
        page.wait_for_load_state("networkidle")
        page.get_by_role("button", name="Fler åtgärder").click()
        submit = page.get_by_role("button", name=f"Lämna in till {WORKFLOW}")
        self.expect(submit).to_be_visible()
        self.settle()

    def after_submit(self):
        page = self.page
        page.get_by_role("button", name=f"Lämna in till {WORKFLOW}").click()
        self.expect(page.locator(".messages")).to_contain_text("inlämnad för moderering")

    def review(self):
        """The granskare opens the case from "Att besluta" and approves the review."""
        self.after_submit()
        self.open_case("granskare")
        self.expect(self.page.get_by_role("heading", level=1)).to_contain_text("Granskning")

    def after_review(self):
        form = self.action("Godkänn granskningen")
        form.get_by_role("button", name="Godkänn granskningen").click()
        self.expect_registered()

    def decision(self):
        """The kommundirektör adopts it: beslutsdatum, the diarienummer and a comment."""
        self.after_review()
        self.open_case("kommundirektor")
        form = self.action("Fastställ")
        # Beslutsdatum starts as today, the server's day, and is left so.
        self.expect(form.get_by_label("Beslutsdatum")).not_to_have_value("")
        self.expect(form.get_by_label("Diarienummer")).to_have_value(self.diarienummer)
        form.get_by_label("Kommentar").fill("Fastställs enligt förslaget.")
        form.get_by_label("Kommentar").blur()
        self.scroll_to(form)

    def after_decision(self):
        form = self.action("Fastställ")
        form.get_by_role("button", name="Fastställ").click()
        self.expect_registered()

    def document_page(self):
        """The riktlinje on the public website, with the decision it was adopted by."""
        self.after_decision()
        page = self.page
        page.context.clear_cookies()
        page.goto(f"{self.hosts.public}/styrdokument/{POLICY_SLUG}/{SLUG}/")
        self.expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)

    def start_page(self):
        """The public start page, the new riktlinje first under "Senast beslutade"."""
        page = self.page
        page.goto(f"{self.hosts.public}/")
        self.expect(page.get_by_role("link", name=TITLE)).to_be_visible()

    def register(self):
        """The register, filtered to the kommundirektör's riktlinjer."""
        page = self.page
        page.goto(f"{self.hosts.public}/styrdokument/")
        page.get_by_label("Dokumenttyp", exact=True).select_option(label="Riktlinje")
        page.get_by_label("Beslutande organ").select_option(label=BODY)
        page.get_by_role("button", name="Visa").click()
        self.expect(page.get_by_role("link", name=TITLE)).to_be_visible()

    def my_documents(self):
        """The dokumentansvarig's "Mina dokument": what is due for review, and what is late."""
        page = self.page
        self.log_in("samordnare")
        page.goto(f"{self.hosts.admin}/mina-dokument/")
        self.expect(page.get_by_role("link", name=TITLE).first).to_be_visible()

    def revision_plan(self):
        """Rapporter → Revisionsplan, as the samordnare."""
        page = self.page
        page.goto(f"{self.hosts.admin}/rapporter/revisionsplan/")
        self.expect(page.get_by_role("link", name=TITLE).first).to_be_visible()

    def annual_report(self):
        """Rapporter → Årlig genomgång, the yearly review for kommunstyrelsen."""
        page = self.page
        page.goto(f"{self.hosts.admin}/rapporter/arlig-genomgang/")
        self.scroll_to(page.get_by_role("heading", name="Sammanfattning", exact=True))

    def run(self, steps=None, report=print):
        self.output.mkdir(parents=True, exist_ok=True)
        written = []
        for step in steps or STEPS:
            try:
                getattr(self, step.method)()
                written.append(self.shoot(step.filename))
            except Exception as exc:
                failed = Path(tempfile.gettempdir()) / f"styrdok-misslyckades-{step.filename}"
                self.page.screenshot(path=str(failed))
                raise StepFailed(
                    f"Steget {step.filename} misslyckades på {self.page.url} "
                    f"(skärmbild: {failed}):\n{exc}"
                ) from exc
            report(f"  {step.filename}  {step.alt}")
        return written


class StepFailed(Exception):
    pass


@dataclass(frozen=True)
class Step:
    filename: str
    method: str
    alt: str


# The tour, in order. The README embeds each file with this alt text (tests/browser/
# test_screenshots.py holds them to it).
STEPS = [
    Step(
        "01-redaktoren-skriver.png",
        "editor",
        "Sidredigeraren med en ny riktlinje för mobila enheter: titel, sammanfattning och text",
    ),
    Step(
        "02-skicka-till-granskning.png",
        "submit",
        "Redigerarens meny med knappen Lämna in till Kommundirektörens beslut",
    ),
    Step(
        "03-granskning.png",
        "review",
        "Ärendesidan för steget Granskning med förslaget och knappen Godkänn granskningen",
    ),
    Step(
        "04-kommundirektorens-beslut.png",
        "decision",
        "Kommundirektörens ärendesida med formuläret Fastställ: beslutsdatum och diarienummer",
    ),
    Step(
        "05-dokumentsida.png",
        "document_page",
        "Riktlinjen på den externa webbplatsen med beslutande organ, beslutsdatum och dnr",
    ),
    Step(
        "06-startsida.png",
        "start_page",
        "Den externa webbplatsens startsida med riktlinjen först under Senast beslutade",
    ),
    Step(
        "07-registret.png",
        "register",
        "Registret över styrdokument filtrerat på riktlinjer beslutade av kommundirektören",
    ),
    Step(
        "08-mina-dokument.png",
        "my_documents",
        "Mina dokument för dokumentansvarig med status och nästa revision för varje dokument",
    ),
    Step(
        "09-revisionsplan.png",
        "revision_plan",
        "Rapporten Revisionsplan med revisionsdatum, status och ansvarig för varje dokument",
    ),
    Step(
        "10-arlig-genomgang.png",
        "annual_report",
        "Rapporten Årlig genomgång till kommunstyrelsen",
    ),
]


def optimise_png(path):
    try:
        from PIL import Image
    except ImportError:  # the PNG stays as Chromium wrote it
        return
    with Image.open(path) as image:
        reduced = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    reduced.save(path, optimize=True)


# -- the throwaway demo server --------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def demo_environment(folder, port):
    """Development settings on a database, uploads, archive and mail folder of their own."""
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="styrdok.settings.dev",
        # Wagtail's autosave and the editor's own requests write at the same moment: each
        # write transaction takes SQLite's lock at its start and waits for it, instead of
        # failing with "database is locked".
        DATABASE_URL=f"sqlite:///{folder / 'demo.sqlite3'}?timeout=30&transaction_mode=IMMEDIATE",
        STYRDOK_SITE_PORT=str(port),
        MEDIA_ROOT=str(folder / "media"),
        STYRDOK_ARCHIVE_ROOT=str(folder / "arkiv"),
        EMAIL_FILE_PATH=str(folder / "mail"),
        TASKS_BACKEND="immediate",
    )
    return env


def manage(env, *args, log):
    log(f"manage.py {' '.join(args)}")
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def wait_until_serving(url, server, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"Servern avslutades oväntat (kod {server.returncode}).")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    raise SystemExit(f"Servern svarade inte på {url} inom {timeout} sekunder.")


def start_demo(folder, port, fixture=None, log=print):
    env = demo_environment(folder, port)
    manage(env, "migrate", "--no-input", log=log)
    manage(env, "setup_styrdok", log=log)
    manage(env, "load_demo", *(["--fixture", str(fixture)] if fixture else []), log=log)
    log(f"manage.py runserver 127.0.0.1:{port}")
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_serving(f"http://127.0.0.1:{port}/robots.txt", server)
    except BaseException:
        server.terminate()
        raise
    return server


def take_screenshots(hosts, output, steps=None, optimise=True, log=print):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = browser.new_context(
                locale="sv-SE", timezone_id="Europe/Stockholm", viewport=VIEWPORT
            )
            context.set_default_timeout(20_000)
            context.route(
                "**/*",
                lambda route: (
                    route.continue_() if LOCAL_URL.match(route.request.url) else route.abort()
                ),
            )
            tour = Tour(context.new_page(), hosts, output, optimise=optimise)
            return tour.run(steps, report=log)
        finally:
            browser.close()


def parse_args(argv=None):
    listing = "\n".join(f"  {step.filename:<34} {step.alt}" for step in STEPS)
    parser = argparse.ArgumentParser(
        prog="scripts/screenshots.py",
        description=(
            "Tar README:ns skärmbilder från demokommunen: startar demon på en tillfällig "
            "SQLite-databas, går igenom rundturen i Chromium och skriver PNG-filerna."
        ),
        epilog=f"Stegen, i ordning:\n{listing}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=OUTPUT,
        help="mapp för PNG-filerna (standard: docs/screenshots/)",
    )
    parser.add_argument(
        "--port", type=int, default=0, help="port för demoservern (standard: en ledig port)"
    )
    parser.add_argument(
        "--running",
        type=int,
        metavar="PORT",
        help=(
            "använd en demo som redan körs på PORT i stället för att starta en ny "
            "(rundturen skapar och beslutar ett dokument i den)"
        ),
    )
    parser.add_argument(
        "--fixture",
        type=Path,
        help="en annan demofil till load_demo (standard: fixtures/exempelkommun.json)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="behåll den tillfälliga databasen och skriv ut var"
    )
    parser.add_argument(
        "--no-optimise", action="store_true", help="spara PNG-filerna som Chromium skrev dem"
    )
    return parser.parse_args(argv)


@contextlib.contextmanager
def demo_server(port, fixture=None, keep=False, log=print):
    """A fresh demo on its own folder, served on `port`, stopped and removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="styrdok-screenshots-"))
    server = None
    try:
        log(f"Startar demon i {folder} på port {port}")
        server = start_demo(folder, port, fixture, log=log)
        yield folder
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if keep:
            log(f"Demodatabasen finns kvar i {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def publish(pictures, output):
    """Replace the step pictures in `output` only once every step has succeeded, so the README
    never shows pictures from two different runs."""
    output.mkdir(parents=True, exist_ok=True)
    for picture in pictures:
        shutil.copyfile(picture, output / picture.name)


def run(args, port):
    hosts = Hosts(intranet=f"http://intranet.localhost:{port}", public=f"http://localhost:{port}")
    with tempfile.TemporaryDirectory(prefix="styrdok-pictures-") as scratch:
        print("Rundturen:")
        pictures = take_screenshots(hosts, Path(scratch), optimise=not args.no_optimise)
        publish(pictures, args.out)
    print(f"{len(pictures)} skärmbilder i {args.out}")


def main(argv=None):
    args = parse_args(argv)
    if not CHROMIUM.exists():
        raise SystemExit(f"{CHROMIUM} saknas: installera Debians paket chromium.")
    try:
        if args.running:
            run(args, args.running)
        else:
            port = args.port or free_port()
            with demo_server(port, args.fixture, keep=args.keep):
                run(args, port)
    except subprocess.CalledProcessError as exc:
        raise SystemExit(
            f"Demon kunde inte startas: {' '.join(exc.cmd[1:])} misslyckades."
        ) from exc
    except StepFailed as exc:
        raise SystemExit(str(exc)) from exc
    return 0


if __name__ == "__main__":
    sys.exit(main())
