"""Atom feed of newly adopted and revised public styrdokument."""

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from governance.models import StyrdokSettings

from .channels import public_listing
from .models import AdoptedVersion, Publicity
from .text import xml_text
from .visibility import hidden_page_ids

FEED_SIZE = 30


def _xml_safe(value):
    return xml_text(value) if isinstance(value, str) else value


class XmlSafeAtom1Feed(Atom1Feed):
    """Atom with every text free of the characters XML 1.0 cannot hold: Django refuses to write
    a feed with one of them, so a single title with a vertical tab took the feed down."""

    def __init__(self, *args, **kwargs):
        args = [_xml_safe(value) for value in args]
        super().__init__(*args, **{name: _xml_safe(value) for name, value in kwargs.items()})

    def add_item(self, *args, **kwargs):
        args = [_xml_safe(value) for value in args]
        super().add_item(*args, **{name: _xml_safe(value) for name, value in kwargs.items()})


class AdoptedDocumentsFeed(Feed):
    """Public content only, on both channels: feed readers never log in to the intranet."""

    feed_type = XmlSafeAtom1Feed
    link = "/styrdokument/"

    def __call__(self, request, *args, **kwargs):
        """The public site's feed is the same for every visitor and kept between changes."""
        parent = super().__call__
        return public_listing(request, "feed", lambda: parent(request, *args, **kwargs))

    def title(self):
        return f"Nya och reviderade styrdokument – {StyrdokSettings.load().kommun_name}"

    def subtitle(self):
        return "Styrdokument som kommunen har fastställt eller reviderat och som är offentliga."

    def items(self):
        # A restriction covers the document's whole subtree (policies.visibility). Read in a
        # statement of its own, so that the feed's statement reads no page row.
        restricted = list(hidden_page_ids(None))
        return (
            AdoptedVersion.objects.filter(publicity=Publicity.PUBLIC)
            .exclude(document_id__in=restricted)
            # Earlier decisions registered by an import are not news (nor published).
            .exclude(imported=True)
            # Nothing of the document is shown (each entry is the version as adopted): joining
            # its page and body made PostgreSQL hash every document before taking the 30 newest.
            .select_related("superseded_by")
            .order_by("-adopted_at")[:FEED_SIZE]
        )

    def item_title(self, item):
        return f"{item.title} (version {item.version})"

    def item_description(self, item):
        """Atom's <summary type="html">: feed readers read it as markup, so the text (typed by
        editors) is escaped; a summary such as "<img src=x onerror=…>" stays text."""
        # The summary as adopted in this version: the document may have changed (even become
        # internal) since, and its current summary is not public then.
        summary = (item.content or {}).get("summary") or ""
        parts = [summary] if summary else []
        decided = (
            f"Beslutad av {item.decision_body_name}" if item.decision_body_name else "Beslutad"
        )
        if item.decision_date:
            decided += f" {item.decision_date:%Y-%m-%d}"
        if item.diarienummer:
            decided += f", dnr {item.diarienummer}"
        if item.protocol_paragraph:
            decided += f", § {item.protocol_paragraph}"
        parts.append(decided + ".")
        if not item.is_current:
            parts.append(f"Versionen gäller inte längre: {item.status_label}.")
        return escape(" ".join(parts))

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        return f"styrdok-version-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.adopted_at

    def item_updateddate(self, item):
        return item.repealed_at or item.superseded_at or item.adopted_at or timezone.now()

    def item_author_name(self, item):
        return item.decision_body_name or StyrdokSettings.load().kommun_name
