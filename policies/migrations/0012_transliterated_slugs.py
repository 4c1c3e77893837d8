"""Existing page addresses with å, ä, ö (or any non-ASCII letter) get their ASCII spelling.

The old address keeps working: a permanent redirect from it to the page, on each site where
the page was served, for the page and every live page under it. A redirect answers where a 404
used to, so it is made only on a channel that showed the page: never on the public site for an
internal document (or anything under one), and nowhere for a group-restricted document, whose
existence is not to be revealed to those outside its groups.
"""

from django.conf import settings
from django.db import migrations

from policies.slugs import transliterate_slug

STEPLEN = 4  # treebeard's path step in Wagtail's page tree


def _free_slug(Page, db, page, base):
    """`base`, or `base-2`, `base-3` … when a sibling already has it."""
    taken = set(
        Page.objects.using(db)
        .filter(path__startswith=page.path[:-STEPLEN], depth=page.depth)
        .exclude(pk=page.pk)
        .values_list("slug", flat=True)
    )
    candidate, suffix = base, 1
    while candidate in taken:
        suffix += 1
        candidate = f"{base}-{suffix}"
    return candidate


def _rename(Page, Revision, db, page, new_slug):
    """Give `page` its new slug and move the url_path of its subtree; returns the subtree's
    (page id, old url_path, live, path) as it was."""
    old_url_path = page.url_path
    new_url_path = old_url_path[: -len(page.slug) - 1] + new_slug + "/"
    subtree = list(
        Page.objects.using(db)
        .filter(path__startswith=page.path)
        .order_by("path")
        .only("pk", "path", "url_path", "live", "slug")
    )
    moved = [(item.pk, item.url_path, item.live, item.path) for item in subtree]
    for item in subtree:
        item.url_path = new_url_path + item.url_path[len(old_url_path) :]
        if item.pk == page.pk:
            item.slug = new_slug
    Page.objects.using(db).bulk_update(subtree, ["url_path", "slug"])
    # A draft waiting to be published carries the slug too; publishing it must not bring the
    # old spelling back. Published and decided revisions are history and stay as they were.
    if page.latest_revision_id and page.latest_revision_id != page.live_revision_id:
        draft = Revision.objects.using(db).filter(pk=page.latest_revision_id).first()
        if draft is not None and (draft.content or {}).get("slug") == page.slug:
            draft.content = {**draft.content, "slug": new_slug}
            draft.save(update_fields=["content"])
    return moved


def _hidden_ids(apps, db):
    """(ids hidden from the public site, ids hidden from everyone outside some group)."""
    Styrdokument = apps.get_model("policies", "Styrdokument")
    PageViewRestriction = apps.get_model("wagtailcore", "PageViewRestriction")
    restricted = set(
        Styrdokument.restricted_to.through.objects.using(db).values_list(
            "styrdokument_id", flat=True
        )
    )
    restricted |= set(PageViewRestriction.objects.using(db).values_list("page_id", flat=True))
    internal = set(
        Styrdokument.objects.using(db).exclude(publicity="public").values_list("pk", flat=True)
    )
    return internal | restricted, restricted


def transliterate_existing_slugs(apps, schema_editor):
    db = schema_editor.connection.alias
    Page = apps.get_model("wagtailcore", "Page")
    Revision = apps.get_model("wagtailcore", "Revision")
    Site = apps.get_model("wagtailcore", "Site")
    Redirect = apps.get_model("wagtailredirects", "Redirect")

    # Parents before children: a child's url_path is read after its parent's has moved.
    candidates = [
        pk
        for pk, slug in Page.objects.using(db)
        .filter(depth__gt=1)
        .order_by("path")
        .values_list("pk", "slug")
        if not slug.isascii()
    ]
    moved = []
    for pk in candidates:
        page = Page.objects.using(db).get(pk=pk)
        base = transliterate_slug(page.slug)
        if base == page.slug:
            continue
        moved.extend(_rename(Page, Revision, db, page, _free_slug(Page, db, page, base)))
    if not moved:
        return

    hidden_from_public, hidden_from_intranet = _hidden_ids(apps, db)
    path_ids = dict(Page.objects.using(db).values_list("path", "pk"))
    public_hostname = getattr(settings, "STYRDOK_PUBLIC_HOSTNAME", None)
    intranet_hostname = getattr(settings, "STYRDOK_INTRANET_HOSTNAME", None)
    sites = [
        (
            site,
            site.root_page.url_path,
            hidden_from_intranet
            if site.hostname == intranet_hostname and site.hostname != public_hostname
            else hidden_from_public,
        )
        for site in Site.objects.using(db).select_related("root_page")
    ]
    # Each page once, with the url_path it had before any rename.
    seen = set()
    for pk, old_url_path, live, path in moved:
        if pk in seen or not live:
            continue
        seen.add(pk)
        chain = {path_ids.get(path[:end]) for end in range(STEPLEN, len(path) + 1, STEPLEN)}
        for site, root_url_path, hidden in sites:
            if chain & hidden or not old_url_path.startswith(root_url_path):
                continue
            old_path = "/" + old_url_path[len(root_url_path) :].rstrip("/")
            if old_path == "/":
                continue
            Redirect.objects.using(db).update_or_create(
                site=site,
                old_path=old_path,
                defaults={
                    "redirect_page_id": pk,
                    "redirect_page_route_path": "",
                    "redirect_link": "",
                    "is_permanent": True,
                    "automatically_created": True,
                },
            )


class Migration(migrations.Migration):
    dependencies = [
        ("policies", "0011_register_draft_index"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailredirects", "0008_add_verbose_name_plural"),
    ]

    operations = [
        migrations.RunPython(transliterate_existing_slugs, migrations.RunPython.noop),
    ]
