"""The page tree and the two sites every installation needs (idempotent)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from wagtail.models import Page, Site

from governance.models import StyrdokSettings

from .models import HomePage, RegisterPage


@transaction.atomic
def ensure_site_structure():
    kommun_name = StyrdokSettings.load().kommun_name
    root = Page.get_first_root_node()
    home = HomePage.objects.first()
    if home is None:
        home = root.add_child(instance=HomePage(title=kommun_name, slug="start"))
        # Wagtail's installer leaves a placeholder welcome page; it has no place in Styrdok.
        for page in root.get_children().exclude(pk=home.pk):
            if page.specific_class is Page and not page.get_children().exists():
                Site.objects.filter(root_page=page).update(root_page=home)
                page.delete()
    register = RegisterPage.objects.first()
    if register is None:
        register = home.add_child(
            instance=RegisterPage(
                title="Styrdokument",
                slug="styrdokument",
                intro="<p>Här finns kommunens gällande styrdokument: policyer, program, "
                "riktlinjer, rutiner och stödanvisningar.</p>",
            )
        )
        register.save_revision().publish()

    sites = [
        (settings.STYRDOK_PUBLIC_HOSTNAME, settings.STYRDOK_PUBLIC_URL, "webbplats", True),
        (settings.STYRDOK_INTRANET_HOSTNAME, settings.STYRDOK_INTRANET_URL, "intranät", False),
    ]
    for hostname, url, label, is_default in sites:
        port = site_port(url)
        site = (
            Site.objects.filter(hostname=hostname, port=port).first()
            or Site.objects.filter(hostname=hostname).order_by("-is_default_site", "pk").first()
        )
        if site is None:
            # Reuse Wagtail's installer site ("localhost:80") for the public channel.
            site = Site.objects.filter(is_default_site=True).first() if is_default else None
            site = site or Site(hostname=hostname)
            site.hostname = hostname
            site.port = port
            site.site_name = f"{kommun_name} – {label}"
            site.root_page = home
            site.is_default_site = is_default
            site.save()
        elif site.port != port:
            # The environment decides where the channel is served (`make run PORT=8123`); the
            # links in e-mails and feeds are built from the site, so it follows along.
            site.port = port
            site.save(update_fields=["port"])
    return home, register


def site_port(url):
    """The port a Wagtail Site needs for its root_url to be `url`."""
    parts = urlsplit(url)
    return parts.port or (443 if parts.scheme == "https" else 80)
