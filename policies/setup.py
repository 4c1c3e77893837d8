"""The page tree and the two sites every installation needs (idempotent)."""

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

    port = settings.STYRDOK_SITE_PORT
    sites = [
        (settings.STYRDOK_PUBLIC_HOSTNAME, f"{kommun_name} – webbplats", True),
        (settings.STYRDOK_INTRANET_HOSTNAME, f"{kommun_name} – intranät", False),
    ]
    for hostname, name, is_default in sites:
        site = Site.objects.filter(hostname=hostname).first()
        if site is None:
            # Reuse Wagtail's installer site ("localhost:80") for the public channel.
            site = Site.objects.filter(is_default_site=True).first() if is_default else None
            site = site or Site(hostname=hostname)
            site.hostname = hostname
            site.port = port
            site.site_name = name
            site.root_page = home
            site.is_default_site = is_default
            site.save()
    return home, register
