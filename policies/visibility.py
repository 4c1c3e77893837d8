"""Who may know that a document exists: one rule for every channel, the admin included.

A styrdokument restricted to groups exists only for the members of those groups (and
superusers). The restriction covers its whole subtree, so a rutin under a restricted riktlinje
is hidden too, and the files used only by hidden documents. Every reader of the data asks here:
the intranet and public querysets, Wagtail's page and document permission policies (so the
explorer, admin search, choosers, reports and the documents library obey), the page permission
tester and the admin middleware that answers 404 for a hidden page's URLs.
"""

from django.db import models
from django.db.models.functions import Length, Substr
from wagtail.documents import get_document_model
from wagtail.models import Page, ReferenceIndex

CACHE_ATTR = "_styrdok_hidden_paths"


def _sees_everything(user):
    return user is not None and user.is_active and user.is_superuser


def _reader(user):
    """The user as a reader: an inactive or anonymous user is nobody's member."""
    if user is None or not user.is_active or user.pk is None:
        return None
    return user


as_member = _reader


def _restricted_documents():
    from .models import Styrdokument

    return Styrdokument.restricted_to.through.objects


def hidden_roots(user):
    """The restricted documents `user` is not a member of: each hides its whole subtree."""
    through = _restricted_documents()
    roots = Page.objects.filter(pk__in=through.values("styrdokument_id"))
    reader = _reader(user)
    if reader is not None:
        roots = roots.exclude(pk__in=through.filter(group__user=reader).values("styrdokument_id"))
    return roots


def hidden_page_ids(user=None):
    """Ids of the pages hidden from `user` (everything restricted, for `None`), as a lazy
    subquery, so it composes with any queryset and with Wagtail's search backends."""
    if _sees_everything(user):
        return Page.objects.none().values_list("pk", flat=True)
    roots = hidden_roots(user).filter(path=Substr(models.OuterRef("path"), 1, Length("path")))
    return Page.objects.filter(models.Exists(roots)).values_list("pk", flat=True)


def hidden_paths(user):
    """Paths of the hidden subtrees' roots, cached on the user object for the request."""
    if _sees_everything(user):
        return ()
    cached = user.__dict__.get(CACHE_ATTR) if user is not None else None
    if cached is not None:
        return cached
    paths = tuple(hidden_roots(user).values_list("path", flat=True))
    if user is not None:
        user.__dict__[CACHE_ATTR] = paths
    return paths


def page_hidden_from(page, user):
    """Whether a stored page is inside a subtree hidden from `user`."""
    path = getattr(page, "path", None)
    if not path:
        return False
    return any(path.startswith(root) for root in hidden_paths(user))


def reader_of(request):
    """(the reader whose visibility applies, whether they see everything) for `request`: nobody
    on the public site."""
    from .channels import PUBLIC, get_channel

    if get_channel(request) == PUBLIC:
        return None, False
    user = getattr(request, "user", None)
    return user, _sees_everything(user)


def prime_hidden_paths(request, user, paths):
    """Store hidden_paths(user) for this request when they were read along with something else
    (policies.models.routing reads them with the page)."""
    if user is not None:
        user.__dict__[CACHE_ATTR] = tuple(paths)
    else:
        request.__dict__[CACHE_ATTR] = tuple(paths)


def request_hidden_paths(request, user):
    """hidden_paths(user) for the reader of `request`, read once per request: for a user it is
    cached on the user object; for nobody (the public site) on the request itself."""
    if user is not None:
        return hidden_paths(user)
    cached = request.__dict__.get(CACHE_ATTR) if request is not None else None
    if cached is None:
        cached = hidden_paths(None)
        if request is not None:
            request.__dict__[CACHE_ATTR] = cached
    return cached


def document_shown(document, channel, user=None, request=None):
    """Whether a loaded styrdokument is one StyrdokumentQuerySet.for_channel(channel, user)
    returns, decided on the instance instead of with a query: live; public on the public site
    (whose reader is nobody); not inside a subtree hidden from the reader.

    The twin of for_channel for a page already in memory (the page being served, a referenced
    document); tests/policies/test_document_page_queries.py proves the two agree. `document` must
    be read from the database (its live, publicity and path as stored), not a draft.
    """
    from .channels import PUBLIC
    from .models.choices import Publicity

    if document is None or not document.live:
        return False
    if channel == PUBLIC:
        if document.publicity != Publicity.PUBLIC:
            return False
        user = None
    elif _sees_everything(user):
        return True
    path = document.path or ""
    return not any(path.startswith(root) for root in request_hidden_paths(request, user))


def document_shown_to_request(document, request):
    """document_shown for the reader and channel of `request` (no request: the public site)."""
    from .channels import PUBLIC, get_channel

    channel = get_channel(request) if request is not None else PUBLIC
    user = getattr(request, "user", None) if channel != PUBLIC else None
    return document_shown(document, channel, user, request)


def with_view_restriction(pages):
    """Annotate `view_restricted`: whether a Wagtail view restriction sits on the page or an
    ancestor, i.e. whether Wagtail's public() leaves the page out."""
    from wagtail.models import PageViewRestriction

    return pages.annotate(
        view_restricted=models.Exists(
            PageViewRestriction.objects.filter(
                page__path=Substr(models.OuterRef("path"), 1, Length("page__path"))
            )
        )
    )


def document_hidden_from(document, user):
    """Whether a styrdokument, stored or a draft being edited, is hidden from `user`.

    A draft's own restriction is read from the instance (the form's choice, not yet saved), so
    a submission can tell whether an approver would be able to see what they are asked to
    decide.
    """
    if _sees_everything(user):
        return False
    path = document.path if document.pk is not None else ""
    if path and any(path.startswith(root) and root != path for root in hidden_paths(user)):
        return True  # inside a restricted ancestor's subtree
    groups = getattr(document, "restricted_to", None)
    if groups is None:
        return False
    group_ids = {group.pk for group in groups.all()}
    if not group_ids:
        return False
    reader = _reader(user)
    if reader is None:
        return True
    return not reader.groups.filter(pk__in=group_ids).exists()


def _document_content_type():
    return ReferenceIndex._get_base_content_type(get_document_model())


def hidden_file_ids(user):
    """Ids of the files (Wagtail documents) hidden from `user`: used by hidden pages and by no
    page the user may see. A file nobody uses follows its collection's permissions alone."""
    if _sees_everything(user):
        return set()
    paths = hidden_paths(user)
    if not paths:
        return set()
    condition = models.Q()
    for root in paths:
        condition |= models.Q(path__startswith=root)
    hidden_pages = [str(pk) for pk in Page.objects.filter(condition).values_list("pk", flat=True)]
    references = ReferenceIndex.objects.filter(
        base_content_type=ReferenceIndex._get_base_content_type(Page),
        to_content_type=_document_content_type(),
    )
    in_hidden = set(
        references.filter(object_id__in=hidden_pages).values_list("to_object_id", flat=True)
    )
    if not in_hidden:
        return set()
    in_visible = set(
        references.filter(to_object_id__in=in_hidden)
        .exclude(object_id__in=hidden_pages)
        .values_list("to_object_id", flat=True)
    )
    return {int(file_id) for file_id in in_hidden - in_visible if file_id.isdigit()}
