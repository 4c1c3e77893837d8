"""The styrdokument: one concrete base with the Swedish metadata, and the four document types."""

import datetime
import functools
import re

from django import forms
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, connections, models, router
from django.db.models.functions import Cast
from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.forms.pages import CopyForm
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
    TitleFieldPanel,
)
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.models import (
    Orderable,
    Page,
    PageLogEntry,
    PageManager,
    PagePermissionTester,
    PageQuerySet,
    Revision,
    WorkflowState,
)
from wagtail.search import index

from governance.constants import DocumentType
from governance.fields import DiarienummerField, configure_person_field
from governance.history import decision_history, history_entries
from governance.models import DecisionBody, LisArea, StyrdokSettings

from .. import rules
from ..blocks import DocumentBodyBlock, heading_anchor, requirement_anchor
from ..channels import PUBLIC, get_channel
from ..dates import add_months
from ..decisions import assign_version_label, run_decision_entry
from ..expressions import Excluding, PathUnder
from ..repeal import execute_repeal, is_repeal_run
from ..scheduling import refuse_publication
from ..text import document_plain_text, search_terms
from ..visibility import (
    document_hidden_from,
    document_shown_to_request,
    hidden_page_ids,
    page_hidden_from,
    request_hidden_paths,
)
from .choices import (
    DATE_STATUSES,
    DOCUMENT_TYPE_RANK,
    Publicity,
    ReviewStatus,
    version_validator,
)
from .routing import (
    DEPTH_MARKER,
    PATH_END_MARKER,
    PATH_MARKER,
    PK_MARKER,
    CompiledQuery,
    ServedPage,
    children_path_range,
    compiled_query,
)

OPEN_WORKFLOW_STATUSES = [WorkflowState.STATUS_IN_PROGRESS, WorkflowState.STATUS_NEEDS_CHANGES]


def open_workflow_exists(outer_ref="pk"):
    """Exists() of an open workflow run (in progress or returned) for the outer document."""
    return models.Exists(
        WorkflowState.objects.filter(
            base_content_type=ContentType.objects.get_for_model(Page),
            object_id=Cast(models.OuterRef(outer_ref), models.CharField()),
            status__in=OPEN_WORKFLOW_STATUSES,
        )
    )


OWNER_MISSING = models.Q(responsible__isnull=True) | models.Q(responsible__is_active=False)

# The columns the register filters on, carried by its sort indexes (Styrdokument.Meta).
REGISTER_COLUMNS = [
    "publicity",
    "document_type",
    "decision_body",
    "organisation",
    "responsible",
    "next_review",
]

# More restricted subtrees than this are excluded by one correlated subquery instead of a
# condition naming each root: the IN lists of PathUnder (for_request, the API) would otherwise
# grow with every root.
MAX_PREFIX_ROOTS = 500


def outermost(paths):
    """The treebeard paths of `paths` that lie under no other of them, sorted: a page under a
    hidden root is hidden by that root already."""
    roots = []
    for path in sorted(paths):
        if not roots or not path.startswith(roots[-1]):
            roots.append(path)
    return roots


def restrict_to_request(queryset, request):
    """`queryset` narrowed to what the reader of `request` may see: live, public on the public
    site, outside the subtrees hidden from the reader (for_channel's rule). The hidden subtrees
    are read once per request (policies.visibility.request_hidden_paths) and excluded by a prefix
    match on the indexed path, so the cost does not grow with every document × every restricted
    root.

    A function of any queryset whose model has the page's `live` and `path`, the document's
    `publicity` and the page's id as primary key, so that the search's copy of those columns
    (search.models.RankedEntry) is narrowed by this same rule rather than by a second one."""
    user = getattr(request, "user", None)
    queryset = queryset.filter(live=True)
    if get_channel(request) == PUBLIC:
        queryset, user = queryset.filter(publicity=Publicity.PUBLIC), None
    elif user is not None and user.is_active and user.is_superuser:
        return queryset
    return outside_subtrees(queryset, request_hidden_paths(request, user), user)


def outside_subtrees(queryset, paths, user=None):
    """`queryset` without the pages at or below `paths`, the hidden roots of `user` (see
    restrict_to_request). A page inside another root's subtree adds nothing; very many roots
    fall back to hidden_page_ids(user), the same set as one correlated subquery."""
    roots = outermost(paths)
    if not roots:
        return queryset
    if len(roots) > MAX_PREFIX_ROOTS:
        return queryset.exclude(pk__in=hidden_page_ids(user))
    # A test of the page's own path, not NOT IN (SELECT the hidden pages): the same rows,
    # but PostgreSQL kept the hidden pages as a hashed subplan, priced it once for every row
    # it might read by index, and so read the whole documents table (6–8 ms at 10,000
    # documents) even for a search word found in 200 of them; and the OR of one prefix
    # LIKE per root cost 3 ms to plan (policies.expressions.PathUnder).
    return queryset.filter(Excluding(models.F("pk"), PathUnder("path", roots)))


class StyrdokumentQuerySet(PageQuerySet):
    def for_channel(self, channel, user=None):
        """Adopted documents a reader may see: public ones on the website; on the intranet
        everything except documents restricted to groups the reader is not in."""
        qs = self.live()
        if channel == PUBLIC:
            return qs.filter(publicity=Publicity.PUBLIC).exclude(pk__in=hidden_page_ids(None))
        return qs.visible_to(user)

    def visible_to(self, user):
        """Everything except the subtrees of documents restricted to groups `user` is not in
        (policies.visibility: the same rule in the admin)."""
        if user is not None and user.is_active and user.is_superuser:
            return self
        return self.exclude(pk__in=hidden_page_ids(user))

    def for_request(self, request):
        """for_channel for the channel and reader of `request` (restrict_to_request)."""
        return restrict_to_request(self, request)

    def outside_subtrees(self, paths, user=None):
        """Everything except the pages at or below `paths` (outside_subtrees)."""
        return outside_subtrees(self, paths, user)

    def with_review_status(self, today=None, warning_days=None):
        """Annotate `review_status` (all five statuses, for staff) and `date_review_status`
        (from the dates alone, for the public website), plus `in_workflow` and `owner_missing`.

        Precedence: Saknar ägare, Under revision, Försenad, Revision snart, Aktuell.
        """
        today, soon = _review_window(today, warning_days)
        date_whens = [
            models.When(next_review__lt=today, then=models.Value(ReviewStatus.OVERDUE)),
            models.When(next_review__lte=soon, then=models.Value(ReviewStatus.DUE_SOON)),
        ]
        return self.annotate(
            in_workflow=open_workflow_exists(),
            owner_missing=models.ExpressionWrapper(
                OWNER_MISSING, output_field=models.BooleanField()
            ),
        ).annotate(
            date_review_status=models.Case(
                *date_whens,
                default=models.Value(ReviewStatus.CURRENT),
                output_field=models.CharField(),
            ),
            review_status=models.Case(
                models.When(OWNER_MISSING, then=models.Value(ReviewStatus.NO_OWNER)),
                models.When(in_workflow=True, then=models.Value(ReviewStatus.UNDER_REVISION)),
                *date_whens,
                default=models.Value(ReviewStatus.CURRENT),
                output_field=models.CharField(),
            ),
        )

    def in_review_status(self, status, *, date_only=False, today=None, warning_days=None):
        """Narrow to one review status by the precedence of with_review_status, written as
        conditions on indexed columns: filtering a large register on an annotated CASE makes
        the database compute it for every row. `date_only` is the public website's rule."""
        today, soon = _review_window(today, warning_days)
        status = ReviewStatus(status)
        if status == ReviewStatus.OVERDUE:
            by_date = models.Q(next_review__lt=today)
        elif status == ReviewStatus.DUE_SOON:
            by_date = models.Q(next_review__gte=today, next_review__lte=soon)
        else:
            by_date = models.Q(next_review__isnull=True) | models.Q(
                next_review__gte=today, next_review__gt=soon
            )
        if date_only:
            return self.none() if status not in DATE_STATUSES else self.filter(by_date)
        if status == ReviewStatus.NO_OWNER:
            return self.filter(OWNER_MISSING)
        owned = self.filter(responsible__is_active=True)
        if status == ReviewStatus.UNDER_REVISION:
            return owned.filter(open_workflow_exists())
        return owned.filter(~open_workflow_exists()).filter(by_date)

    def with_type_rank(self):
        """Kept for callers that sort by `type_rank`: it is a stored, indexed column now
        (Styrdokument.type_rank, set from the document type on every save)."""
        return self


def _review_window(today=None, warning_days=None):
    """Today and the last day that counts as "Revision snart"."""
    today = today or timezone.localdate()
    if warning_days is None:
        warning_days = StyrdokSettings.load().review_warning_days
    return today, today + datetime.timedelta(days=warning_days)


StyrdokumentManager = PageManager.from_queryset(StyrdokumentQuerySet)


PAGE_LINK = re.compile(r'<a\b(?=[^>]*\blinktype="page")[^>]*?\bid="(\d+)"')


def hidden_page_links(html):
    """Titles of documents that rich-text page links point to and the public site does not show."""
    ids = {int(pk) for pk in PAGE_LINK.findall(html or "")}
    if not ids:
        return []
    shown = Styrdokument.objects.for_channel(PUBLIC).filter(pk__in=ids).values_list("pk", flat=True)
    return list(
        Styrdokument.objects.filter(pk__in=ids - set(shown))
        .order_by("title")
        .values_list("title", flat=True)
    )


def check_publication_change(page, update_fields=None):
    """Refuse a save that makes a styrdokument live (or changes its live revision) without a
    recorded decision for that revision, or takes an adopted one off the register without a
    recorded repeal decision. Called for every save, whichever class the instance has."""
    from ..decisions import (
        NOT_DECIDED_MESSAGE,
        NOT_REPEALED_MESSAGE,
        DecisionRequired,
        may_go_live,
    )

    if update_fields is not None and not {"live", "live_revision", "live_revision_id"} & set(
        update_fields
    ):
        return
    stored = (
        Page.objects.filter(pk=page.pk).values("live", "live_revision_id").first()
        if page.pk
        else None
    )
    was_live = bool(stored and stored["live"])
    was_revision = stored["live_revision_id"] if stored else None
    going_live = page.live and (not was_live or page.live_revision_id != was_revision)
    if going_live and not may_go_live(page.pk, page.live_revision_id):
        raise DecisionRequired(NOT_DECIDED_MESSAGE)
    if was_live and not page.live and getattr(page, "_styrdok_repeal_decision", None) is None:
        from .versions import AdoptedVersion

        if AdoptedVersion.objects.filter(document_id=page.pk).exists():
            raise DecisionRequired(NOT_REPEALED_MESSAGE)


# The editor's actions that start a decision run: a submission, and a returned document's run
# started again. Each is checked against the body the form submits with (policies.rules), since
# the permission tester no longer asks the stored revision for a workflow.
SUBMITTING_ACTIONS = ("action-submit", "action-restart-workflow")


class StyrdokumentPermissionTester(PagePermissionTester):
    """Only a workflow's final decision step publishes a styrdokument; nobody publishes directly.

    The dokumentansvarig may edit their own documents (to revise them) even without a change
    permission on the tree; they still cannot delete, move or publish them.
    """

    def can_edit(self):
        if super().can_edit():
            return True
        user = self.user
        return (
            user.is_active
            and user.pk is not None
            and getattr(self.page, "responsible_id", None) == user.pk
            and user.has_perm("wagtailadmin.access_admin")
        )

    @cached_property
    def _hidden(self):
        return self.page.pk is not None and page_hidden_from(self.page, self.user)

    def can_move_to(self, destination):
        # Nothing moves into a subtree the user may not see (Wagtail asks the destination
        # only for its raw permissions, not its tester).
        if page_hidden_from(destination, self.user):
            return False
        return super().can_move_to(destination)

    def can_publish(self):
        return False

    def can_submit_for_moderation(self):
        # The workflow follows the deciding body the editor submits with, which the form checks
        # (policies.rules.submitted_with_workflow), not the body of the stored revision: a new
        # document's first autosave often stores it before the body is chosen, and Wagtail's
        # edit view would then turn the editor's submission into a silent draft save.
        return not self.page_locked() and not self.page.workflow_in_progress

    def can_publish_subpage(self):
        # Wagtail's create view asks the parent, not the new page, whether it may publish.
        return False

    def can_unschedule(self):
        return False

    # An adopted styrdokument leaves the register only by a recorded repeal decision, and its
    # versions are allmänna handlingar: nobody, superuser included, unpublishes, deletes or moves
    # it through Wagtail's own actions. A draft that was never adopted may still be deleted.

    @cached_property
    def _adopted(self):
        return self.page.pk is not None and self.page.has_adopted_versions()

    @cached_property
    def _adopted_in_tree(self):
        return self.page.pk is not None and self.page.adopted_in_tree()

    def can_unpublish(self):
        return not self._adopted and super().can_unpublish()

    def can_delete(self, ignore_bulk=False):
        return not self._adopted_in_tree and super().can_delete(ignore_bulk=ignore_bulk)

    def can_move(self):
        return not self._adopted_in_tree and super().can_move()

    def can_lock(self):
        # Wagtail lets a superuser lock anything; a document in a decision run is locked by its
        # run alone (the Styrdok tasks refuse locks), superusers included.
        task = self.page.current_workflow_task if self.page.pk else None
        if task is not None:
            return task.user_can_lock(self.page, self.user)
        if self._adopted and not self.user.is_superuser:
            # A lock on an adopted document stops its owner revising it: only the
            # dokumentansvarig (and administrators) may take one, not any redaktör.
            user = self.user
            return (
                user.is_active
                and user.pk is not None
                and getattr(self.page, "responsible_id", None) == user.pk
            )
        return super().can_lock()


def _visible_only(method):
    """Every action on a document hidden from the user is refused, superusers excepted."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        if self._hidden:
            return False
        return method(self, *args, **kwargs)

    return wrapper


# A document restricted to groups does not exist for anyone outside them: Wagtail's views,
# bulk actions and the API ask the tester before every action, so each answers no.
for _name in (
    "can_add_subpage",
    "can_edit",
    "can_delete",
    "can_unpublish",
    "can_publish",
    "can_submit_for_moderation",
    "can_set_view_restrictions",
    "can_unschedule",
    "can_lock",
    "can_unlock",
    "can_publish_subpage",
    "can_reorder_children",
    "can_move",
    "can_copy",
    "can_move_to",
    "can_copy_to",
    "can_view_revisions",
):
    setattr(
        StyrdokumentPermissionTester,
        _name,
        _visible_only(getattr(StyrdokumentPermissionTester, _name)),
    )


class StyrdokumentCopyForm(CopyForm):
    """Copying a styrdokument makes a new draft; it is never published or aliased on the way.

    Wagtail offers both to anyone with publish permission somewhere in the tree (superusers), but
    a styrdokument goes live only through its own decision.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("publish_copies", None)
        self.fields.pop("alias", None)


class StyrdokumentForm(WagtailAdminPageForm):
    """Decision fields are written by the workflow's decision step, not typed by editors."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        page = self.instance
        for name in ("decision_date", "protocol_paragraph"):
            if name in self.fields:
                self.fields[name].disabled = True
                self.fields[name].help_text = _(
                    "Fylls i av beslutssteget i arbetsflödet när beslutet fattas."
                )
        if "responsible" in self.fields:
            configure_person_field(self.fields["responsible"], keep=page.responsible_id)
        adopted = bool(page.pk and page.decision_date)
        if adopted and "diarienummer" in self.fields:
            self.fields["diarienummer"].disabled = True
            self.fields["diarienummer"].help_text = _(
                "Beslutat diarienummer. Ändras bara genom ett nytt beslut."
            )
        if "decision_body" in self.fields:
            in_workflow = (
                bool(page.pk)
                and page.workflow_states.filter(
                    status__in=["in_progress", "needs_changes"]
                ).exists()
            )
            user = self.for_user
            may_redirect = user is not None and user.has_perm("governance.redirect_decision_body")
            if in_workflow:
                self.fields["decision_body"].disabled = True
                self.fields["decision_body"].help_text = _(
                    "Dokumentet är i ett arbetsflöde; beslutande organ kan inte ändras nu."
                )
            elif adopted and not may_redirect:
                self.fields["decision_body"].disabled = True
                self.fields["decision_body"].help_text = _(
                    "Beslutat av detta organ. Informationssäkerhetssamordnaren kan välja ett "
                    "annat organ för nästa version."
                )
            else:
                self.fields["decision_body"].help_text = _(
                    "Avgör vilket arbetsflöde dokumentet skickas till för granskning och beslut."
                )

    def clean(self):
        cleaned_data = super().clean()
        page = self.instance
        parent = self.parent_page if self.parent_page is not None else page.get_parent()
        # The form's values win over the instance's: construct_instance runs only after clean().
        values = rules.values_of(
            page,
            parent=parent.specific if parent is not None else None,
            submitting=any(action in self.data for action in SUBMITTING_ACTIONS),
            submitter=self.for_user,
            **{name: cleaned_data.get(name) for name in rules.FORM_FIELDS if name in self.fields},
        )
        if values["decision_body"] is None and page.decision_body_id:
            values["decision_body"] = page.decision_body
        for field, messages in rules.check(rules.EDITOR, values).items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
        if cleaned_data.get("expire_at") and "expire_at" in self.fields:
            # The model clears expire_at (only a repeal decision ends a styrdokument); say so
            # rather than drop what the editor typed.
            self.add_error(
                "expire_at",
                _(
                    "Ett styrdokument slutar inte gälla vid ett datum utan genom ett beslut om "
                    "upphävande. Lämna fältet tomt och använd ”Föreslå upphävande” när "
                    "dokumentet ska upphöra."
                ),
            )
        return cleaned_data


# The fields templates/includes/document_list.html and document_shown read from a listed
# document: a page's children, the start page's newest decisions (policies.models.site).
CHILD_LIST_FIELDS = (
    "id",
    "content_type_id",
    "title",
    "slug",
    "path",
    "depth",
    "url_path",
    "live",
    "locale_id",
    "publicity",
    "document_type",
    "decision_date",
    "decision_body__name",
    "organisation__name",
)


class Styrdokument(ServedPage, Page):
    """Everything a Swedish styrdokument carries; subclasses add only their place in the tree.

    A concrete (multi-table) base so the register can list, filter and sort every type in one query.
    """

    document_type = models.CharField(
        _("dokumenttyp"), max_length=20, choices=DocumentType.choices, db_index=True
    )
    decision_body = models.ForeignKey(
        DecisionBody,
        verbose_name=_("beslutande organ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    decision_date = models.DateField(_("beslutsdatum"), null=True, blank=True)
    diarienummer = DiarienummerField(
        _("diarienummer"),
        max_length=40,
        blank=True,
        db_index=True,
        help_text=_(
            "Ärendets nummer i diariet, t.ex. KS-2025-542. Skrivs alltid i kommunens "
            "enhetliga form, KS 2025/542 sparas som KS-2025-542."
        ),
    )
    protocol_paragraph = models.PositiveIntegerField(
        _("protokollsparagraf (§)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(99999)],
        help_text=_("Paragrafnumret i protokollet, utan §-tecken."),
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dokumentansvarig"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responsible_documents",
    )
    responsible_role = models.ForeignKey(
        "governance.Role",
        verbose_name=_("dokumentansvarigs roll"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responsible_documents",
    )
    contact_name = models.CharField(
        _("kontakt"),
        max_length=150,
        blank=True,
        help_text=_("Person eller funktion, t.ex. Informationssäkerhetsfunktionen."),
    )
    contact_email = models.EmailField(_("kontaktens e-post"), blank=True)
    valid_from = models.DateField(_("giltig från"), null=True, blank=True)
    valid_until = models.DateField(_("gäller till"), null=True, blank=True)
    review_interval_months = models.PositiveSmallIntegerField(
        _("granskningsintervall (månader)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    next_review = models.DateField(
        _("nästa revision"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_(
            "Räknas fram från beslutsdatum och granskningsintervall. Får sättas tidigare; "
            "senare bara med ett angivet skäl."
        ),
    )
    next_review_reason = models.TextField(
        _("skäl till senare revision"),
        blank=True,
        help_text=_("Krävs om nästa revision sätts senare än intervallet medger."),
    )
    target_groups = ParentalManyToManyField(
        "governance.TargetGroup", verbose_name=_("målgrupp"), blank=True, related_name="+"
    )
    publicity = models.CharField(
        _("publicering"),
        max_length=10,
        choices=Publicity.choices,
        default=Publicity.INTERNAL,
        help_text=_(
            "Offentliga dokument visas även på den externa webbplatsen. Interna visas bara "
            "på intranätet."
        ),
    )
    version = models.CharField(
        _("version"), max_length=12, default="1.0", validators=[version_validator]
    )
    supersedes = models.ForeignKey(
        "self",
        verbose_name=_("ersätter dokument"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="superseded_by",
    )
    supersedes_note = models.CharField(
        _("ersätter (fritext)"),
        max_length=255,
        blank=True,
        help_text=_(
            "För dokument som inte finns i Styrdok, t.ex. 'IT-policy, KF 2016-05-23 § 61'."
        ),
    )
    restricted_to = ParentalManyToManyField(
        "auth.Group",
        verbose_name=_("begränsad till grupper"),
        blank=True,
        related_name="+",
        help_text=_(
            "Lämna tomt för att alla medarbetare ska kunna läsa dokumentet. Väljer du grupper "
            "visas dokumentet bara för dem, överallt: på intranätet, i listor, i sökningar och "
            "i API:t. Ett begränsat dokument är alltid internt."
        ),
    )
    lis_areas = ParentalManyToManyField(
        "governance.LisArea", verbose_name=_("LIS-område"), blank=True, related_name="documents"
    )
    organisation = models.ForeignKey(
        "governance.Organisation",
        verbose_name=_("förvaltning"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
        help_text=_("Lämna tomt för kommungemensamma dokument."),
    )
    summary = models.TextField(
        _("sammanfattning"),
        blank=True,
        max_length=600,
        help_text=_("Några meningar om vad dokumentet reglerar. Visas i registret."),
    )
    body = StreamField(DocumentBodyBlock(), verbose_name=_("innehåll"), blank=True)

    # Set by the review cycle, never typed in the editor (see SYSTEM_FIELDS).
    last_reviewed = models.DateField(
        _("senast aktualitetsprövad"),
        null=True,
        blank=True,
        help_text=_("Datum då dokumentet senast prövades och befanns aktuellt utan ändringar."),
    )
    review_flagged_at = models.DateTimeField(_("översyn behövs sedan"), null=True, blank=True)
    review_flag_note = models.CharField(_("skäl till översyn"), max_length=255, blank=True)

    # Copies kept by save() so that every sort of the register is one index on this table
    # (the title lives on wagtailcore_page, the type's rank is derived): the database reads
    # a page of the register in index order instead of sorting every document.
    type_rank = models.PositiveSmallIntegerField(_("typens ordning"), default=99, editable=False)
    sort_title = models.CharField(
        _("titel för sortering"), max_length=255, blank=True, editable=False
    )
    # Lower-case copies for the search's title and summary boost (search.ranking.boost): on
    # PostgreSQL a plain LIKE on them costs a third of comparing upper-cased text per term
    # and row, which for a broad word (half of the documents) was most of the ranking's time.
    ranking_title = models.CharField(
        _("titel i gemener (för sökningen)"), max_length=255, blank=True, editable=False
    )
    ranking_summary = models.TextField(
        _("sammanfattning i gemener (för sökningen)"), blank=True, editable=False
    )
    # The summary and body as plain text, kept by save(): a search hit's snippet is taken from
    # it (search.snippets), so a page of results reads one text column instead of loading and
    # walking twenty StreamFields, and the ranked search's narrow copy carries it.
    plain_text = models.TextField(
        _("sammanfattning och text utan formatering (för sökningen)"), blank=True, editable=False
    )

    objects = StyrdokumentManager()

    # Fields the review cycle writes on the live record; a revision (a draft being edited, or an
    # older revision published later) never overwrites them.
    SYSTEM_FIELDS = ("last_reviewed", "review_flagged_at", "review_flag_note")

    # A copy is a new document: it has no decision until its own workflow decides it.
    exclude_fields_in_copy = [
        "decision_date",
        "protocol_paragraph",
        "diarienummer",
        "valid_from",
        "next_review",
        "next_review_reason",
        "last_reviewed",
        "review_flagged_at",
        "review_flag_note",
    ]

    is_creatable = False
    base_form_class = StyrdokumentForm
    copy_form_class = StyrdokumentCopyForm
    # The document types a page class may carry; the first is its default.
    document_types = [DocumentType.RIKTLINJE]

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("diarienummer"),
        # Swedish compound parts, stems and å/ä/ö-less forms of all of the above (policies.swedish).
        index.SearchField("search_terms"),
        index.FilterField("document_type"),
        index.FilterField("publicity"),
        index.FilterField("decision_body"),
        index.FilterField("organisation"),
        index.FilterField("next_review"),
        index.FilterField("decision_date"),
    ]

    api_fields = [
        APIField("document_type"),
        APIField("decision_body_name"),
        APIField("decision_date"),
        APIField("diarienummer"),
        APIField("protocol_paragraph"),
        APIField("valid_from"),
        APIField("valid_until"),
        APIField("next_review"),
        APIField("version"),
        APIField("publicity"),
        APIField("summary"),
    ]

    decision_panels = [
        FieldPanel("decision_body"),
        FieldRowPanel([FieldPanel("decision_date"), FieldPanel("protocol_paragraph")]),
        FieldPanel("diarienummer"),
        FieldPanel("version"),
        FieldRowPanel([FieldPanel("supersedes"), FieldPanel("supersedes_note")]),
    ]
    responsibility_panels = [
        FieldRowPanel([FieldPanel("responsible"), FieldPanel("responsible_role")]),
        FieldRowPanel([FieldPanel("contact_name"), FieldPanel("contact_email")]),
        FieldPanel("organisation"),
    ]
    validity_panels = [
        FieldRowPanel([FieldPanel("valid_from"), FieldPanel("valid_until")]),
        FieldRowPanel([FieldPanel("review_interval_months"), FieldPanel("next_review")]),
        FieldPanel("next_review_reason"),
    ]
    classification_panels = [
        FieldPanel("publicity"),
        FieldPanel("restricted_to", widget=forms.CheckboxSelectMultiple),
        FieldPanel("target_groups", widget=forms.CheckboxSelectMultiple),
        FieldPanel("lis_areas", widget=forms.CheckboxSelectMultiple),
    ]

    class Meta:
        verbose_name = _("styrdokument")
        verbose_name_plural = _("styrdokument")
        # One per sort of the register (policies.register.SORTS), ending in the primary key
        # that makes the order total. Each carries the columns the register filters on
        # (REGISTER_COLUMNS), so that on PostgreSQL a page of ids is read from the index alone,
        # in order, instead of sorting the wide rows of every document.
        indexes = [
            models.Index(
                fields=["type_rank", "sort_title", "page_ptr"],
                include=REGISTER_COLUMNS,
                name="register_type",
            ),
            models.Index(
                fields=["sort_title", "page_ptr"], include=REGISTER_COLUMNS, name="register_title"
            ),
            models.Index(
                fields=["decision_date", "sort_title", "page_ptr"],
                include=REGISTER_COLUMNS,
                name="register_decided",
            ),
            models.Index(
                fields=["-decision_date", "sort_title", "page_ptr"],
                include=REGISTER_COLUMNS,
                name="register_decided_desc",
            ),
            models.Index(
                fields=["next_review", "sort_title", "page_ptr"],
                include=REGISTER_COLUMNS,
                name="register_review",
            ),
            models.Index(
                fields=["-next_review", "sort_title", "page_ptr"],
                include=REGISTER_COLUMNS,
                name="register_review_desc",
            ),
            # The register's count reads this index alone (PostgreSQL), not the wide rows.
            models.Index(
                fields=["page_ptr"],
                include=[
                    "publicity",
                    "document_type",
                    "decision_body",
                    "organisation",
                    "next_review",
                    "responsible",
                ],
                name="register_count",
            ),
            # The public register's count: the public documents alone (a little over half of a
            # kommun's), without testing the publicity of every entry of register_count.
            models.Index(
                fields=["page_ptr"],
                include=["document_type", "decision_body", "organisation", "next_review"],
                condition=models.Q(publicity=Publicity.PUBLIC),
                name="register_count_public",
            ),
        ]

    def __str__(self):
        return self.title

    # -- derived values -------------------------------------------------------------------

    def search_terms(self):
        """What Swedish search matches besides the plain text: see policies.swedish."""
        return search_terms(self)

    # -- the decision step: governance.workflows and governance.finish call these, so that the
    # layer below learns nothing of versions, rules or repeals.

    def decides_repeal(self, workflow_state_id):
        """Whether the run decides a repeal (upphävande) rather than this draft's text."""
        return is_repeal_run(workflow_state_id)

    def prepare_decision(self, body, decision_date=None):
        """Refuse a draft that `body` may not adopt (on `decision_date`); give it a version
        label of its own."""
        rules.refuse_unfit_decision(self, body, decision_date)
        assign_version_label(self)

    def finish_decision(self, workflow_state, user=None):
        """The run's last step decided: repeal, or publish the revision the decision names.

        The revision is read from the run's governance.decided entry in the database, not from
        a cached object. Without such an entry nothing is adopted: publishing refuses
        (DecisionRequired) and the step's transaction is undone.
        """
        if is_repeal_run(workflow_state.pk):
            execute_repeal(workflow_state, user)
            return
        entry = run_decision_entry(workflow_state)
        if entry is not None and entry.revision_id:
            revision = Revision.objects.get(pk=entry.revision_id)
        else:
            revision = Revision.objects.for_instance(self).order_by("-created_at", "-id").first()
        revision.publish(user=user, skip_permission_checks=True)

    def default_next_review(self):
        if not self.decision_date:
            return None
        return add_months(self.decision_date, self.review_interval_months or 12)

    @property
    def document_type_label(self):
        return DocumentType(self.document_type).label if self.document_type else ""

    @property
    def decision_body_name(self):
        return self.decision_body.name if self.decision_body_id else ""

    @property
    def paragraph_display(self):
        return f"§ {self.protocol_paragraph}" if self.protocol_paragraph else ""

    def date_review_status_on(self, today=None, warning_days=None):
        if not self.next_review:
            return ReviewStatus.CURRENT
        today = today or timezone.localdate()
        if warning_days is None:
            # Set while the page is served, from the settings the request has loaded.
            warning_days = getattr(self, "_styrdok_warning_days", None)
        if warning_days is None:
            warning_days = StyrdokSettings.load().review_warning_days
        if self.next_review < today:
            return ReviewStatus.OVERDUE
        if self.next_review <= today + datetime.timedelta(days=warning_days):
            return ReviewStatus.DUE_SOON
        return ReviewStatus.CURRENT

    @property
    def owner_is_missing(self):
        missing = getattr(self, "owner_missing", None)
        if missing is not None:
            return bool(missing)
        return self.responsible is None or not self.responsible.is_active

    @cached_property
    def is_in_workflow(self):
        annotated = getattr(self, "in_workflow", None)
        if annotated is not None:
            return bool(annotated)
        return (
            bool(self.pk)
            and self.workflow_states.filter(status__in=OPEN_WORKFLOW_STATUSES).exists()
        )

    def review_status_on(self, today=None, warning_days=None):
        if self.owner_is_missing:
            return ReviewStatus.NO_OWNER
        if self.is_in_workflow:
            return ReviewStatus.UNDER_REVISION
        return self.date_review_status_on(today, warning_days)

    @cached_property
    def current_review_status(self):
        status = getattr(self, "review_status", None)
        return ReviewStatus(status) if status else self.review_status_on()

    @cached_property
    def current_date_review_status(self):
        status = getattr(self, "date_review_status", None)
        return ReviewStatus(status) if status else self.date_review_status_on()

    def status_for_channel(self, channel):
        """Staff see all five statuses; the public website only the date-based ones."""
        if channel == PUBLIC:
            return self.current_date_review_status
        return self.current_review_status

    def with_content_json(self, content):
        obj = super().with_content_json(content)
        for name in self.SYSTEM_FIELDS:
            setattr(obj, name, getattr(self, name))
        return obj

    @property
    def responsible_display(self):
        if not self.responsible:
            return ""
        name = self.responsible.get_full_name() or self.responsible.get_username()
        return f"{name}, {self.responsible_role}" if self.responsible_role_id else name

    def previous_adopted_version(self):
        return self.adopted_versions.exclude(superseded_at__isnull=True).first()

    def body_items(self):
        """The body with requirement numbers and unique heading anchors, in document order."""
        items = []
        number = 0
        used_anchors = set()
        for block in self.body:
            item = {"block": block, "value": block.value, "type": block.block_type}
            if block.block_type == "requirement":
                number += 1
                item["number"] = block.value.get("reference") or str(number)
                item["anchor"] = requirement_anchor(block.id, block.value.get("reference"))
            elif block.block_type == "heading":
                anchor = base = heading_anchor(block.value["text"])
                suffix = 2
                while anchor in used_anchors:
                    anchor = f"{base}-{suffix}"
                    suffix += 1
                used_anchors.add(anchor)
                item["anchor"] = anchor
            items.append(item)
        return items

    def visible_children(self, request):
        """The documents directly below this one that the reader may open. Read as live
        children (a handful) and checked with document_shown, for_request's twin, rather than
        with for_request's subquery over the whole tree."""
        public = get_channel(request) == PUBLIC

        def build():
            children = (
                # Wagtail's child_of(self), with markers where this page's path and depth go.
                Styrdokument.objects.live()
                .filter(path__gt=PATH_MARKER, path__lte=PATH_END_MARKER, depth=DEPTH_MARKER)
                .select_related("decision_body", "organisation")
                # Only what the list shows and document_shown checks: the full rows cost more
                # to build and compile than to read.
                .only(*CHILD_LIST_FIELDS)
                .order_by("title")
            )
            if public:
                children = children.filter(publicity=Publicity.PUBLIC)
            return CompiledQuery(
                children, path=PATH_MARKER, last_path=PATH_END_MARKER, depth=DEPTH_MARKER
            )

        query = compiled_query(("children", public, router.db_for_read(Styrdokument)), build)
        after, last = children_path_range(self.path)
        children = query.run(path=after, last_path=last, depth=self.depth + 1)
        shown = [child for child in children if document_shown_to_request(child, request)]
        # By type (policy, riktlinje, rutin …), then title: a stable sort keeps the title order.
        return sorted(shown, key=lambda child: DOCUMENT_TYPE_RANK.get(child.document_type, 99))

    def shown_versions(self, public):
        """The adopted versions the page lists (the public ones on the public site), newest
        first, with the version that replaced each, in a query compiled once per channel.
        The list and the PDF link never show a version's content: a copy of the whole
        document, costly to decode for every version."""
        from .versions import AdoptedVersion

        def build():
            versions = (
                AdoptedVersion.objects.filter(document_id=PK_MARKER)
                .select_related("superseded_by")
                .defer("content", "superseded_by__content")
            )
            if public:
                versions = versions.filter(publicity=Publicity.PUBLIC)
            return CompiledQuery(versions, document=PK_MARKER)

        if self.pk is None:
            return []
        query = compiled_query(("versions", public, router.db_for_read(AdoptedVersion)), build)
        versions = query.run(document=self.pk)
        for version in versions:
            # As the related manager would: each version knows its document without a query.
            version.document = self
        return versions

    # -- validation -----------------------------------------------------------------------

    def clean(self):
        super().clean()
        if self.document_type not in self.document_types:
            self.document_type = self.document_types[0]
        errors = {}

        # The diarienummer is canonicalised and validated by its DiarienummerField.

        if self.decision_date and self.review_interval_months and not self.next_review:
            self.next_review = self.default_next_review()
        for field, messages in rules.check(rules.RECORD, rules.values_of(self)).items():
            errors.setdefault(field, []).extend(messages)

        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if self.document_type not in self.document_types:
            self.document_type = self.document_types[0]
        self.type_rank = DOCUMENT_TYPE_RANK.get(self.document_type, 99)
        self.sort_title = self.title or ""
        self.ranking_title = (self.title or "").lower()
        self.ranking_summary = (self.summary or "").lower()
        self.plain_text = document_plain_text(self.summary, self.body)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            copies = {
                "document_type": ["type_rank"],
                "title": ["sort_title", "ranking_title"],
                "summary": ["ranking_summary", "plain_text"],
                "body": ["plain_text"],
            }
            kwargs["update_fields"] = list(update_fields) + [
                copy
                for field, derived in copies.items()
                if field in update_fields
                for copy in derived
            ]
        if not self.next_review and self.decision_date:
            self.next_review = self.default_next_review()
        # A styrdokument stops being in force only by a repeal decision (its "Gäller till" is
        # shown to readers); Wagtail's scheduled expiry would unpublish it without one.
        self.expire_at = None
        check_publication_change(self, kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        from ..decisions import NOT_DELETABLE_MESSAGE, DecisionRequired

        if self.pk and self.adopted_in_tree():
            raise DecisionRequired(NOT_DELETABLE_MESSAGE)
        return super().delete(*args, **kwargs)

    def publish(self, revision, user=None, changed=True, log_action=True, **kwargs):
        """Only a decided revision, published for the first time, goes live (see decisions)."""
        from ..decisions import NOT_DECIDED_MESSAGE, DecisionRequired, may_go_live

        if not may_go_live(self.pk, revision.pk):
            error = DecisionRequired(NOT_DECIDED_MESSAGE)
            return refuse_publication(self, revision, error, log_action)
        return super().publish(
            revision, user=user, changed=changed, log_action=log_action, **kwargs
        )

    def has_adopted_versions(self):
        return self.adopted_versions.exists()

    def adopted_in_tree(self):
        """Whether this document or any document below it has an adopted version."""
        from .versions import AdoptedVersion

        return AdoptedVersion.objects.filter(document__path__startswith=self.path).exists()

    # -- approval ---------------------------------------------------------------------------

    @property
    def has_workflow(self):
        """Wagtail asks this only of the parent of a new page: its create view offers and accepts
        "submit" by it. A document added below this one is decided by its own body's workflow
        (checked by the form, policies.rules.submitted_with_workflow), whatever this one's body
        is, or whether it has one yet. This document's own submission is decided by
        StyrdokumentPermissionTester.can_submit_for_moderation."""
        below = self.specific_class.allowed_subpage_models()
        return any(issubclass(model, Styrdokument) for model in below)

    def get_workflow(self):
        """The workflow follows the deciding body, not the place in the tree."""
        body = self.decision_body if self.decision_body_id else None
        if body is None or body.workflow_id is None or not body.workflow.active:
            return None
        return body.workflow

    def permissions_for_user(self, user):
        return StyrdokumentPermissionTester(user, self)

    # -- serving --------------------------------------------------------------------------

    def hidden_from(self, user):
        """Whether this document (stored, or a draft with its form's restriction) does not exist
        for `user`: restricted to groups they are not in, itself or through an ancestor."""
        return document_hidden_from(self, user)

    def is_visible_to(self, request):
        """Whether the reader of `request` may open this stored document: the instance is
        checked by document_shown, the in-memory twin of for_request."""
        return document_shown_to_request(self, request)

    @classmethod
    def serving_variant(cls, request):
        """All that serving_queryset depends on besides the class, so routing may compile its
        SQL once per variant: the channel and, for staff, the content type the workflow
        subquery names (changed only by a flushed test database)."""
        if get_channel(request) == PUBLIC:
            return None
        return ContentType.objects.get_for_model(Page).pk

    @classmethod
    def serving_queryset(cls, request):
        """The page as routed (policies.models.routing), with the rows its page shows; staff
        also see whether it is in a decision run (its review status)."""
        return cls.serving_queryset_for(cls.serving_variant(request))

    @classmethod
    def serving_queryset_for(cls, variant):
        queryset = cls._default_manager.select_related(
            "decision_body", "organisation", "responsible", "responsible_role"
        )
        if connections[queryset.db].vendor == "postgresql":
            # The målgrupper and LIS-områden the metadata block lists, read with the page
            # rather than in a query of their own (metadata_lists).
            queryset = queryset.annotate(**_metadata_arrays())
        if variant is None:
            return queryset
        return queryset.annotate(in_workflow=open_workflow_exists())

    def serve(self, request, *args, **kwargs):
        # A document the reader may not see does not exist for them: 404, never 403.
        # (Previews are rendered inside the admin for editors, before the page is live.)
        if not getattr(request, "is_preview", False) and not self.is_visible_to(request):
            raise Http404
        return super().serve(request, *args, **kwargs)

    def metadata_lists(self):
        """(målgrupper, LIS-områden) as names: read with the page where routing read it
        (serving_queryset_for, on PostgreSQL), otherwise in one query whose SQL is written once
        per process: built by the ORM it cost more to compile than to run."""
        arrays = getattr(self, "target_group_array", None), getattr(self, "lis_area_array", None)
        if None not in arrays:
            return list(arrays[0]), list(arrays[1])
        # Read where the ORM would read it (a replica, if a router says so).
        with connections[router.db_for_read(LisArea)].cursor() as cursor:
            cursor.execute(_metadata_lists_sql(), [self.pk, self.pk])
            rows = cursor.fetchall()
        names = ([], [])
        for kind, _rank, name in rows:
            names[kind].append(name)
        return names

    def _history_entries(self):
        """The decision history's log entries, by a query compiled once per process."""
        if self.pk is None:
            return []
        db = router.db_for_read(PageLogEntry)
        query = compiled_query(
            ("history", db), lambda: CompiledQuery(history_entries(PK_MARKER), page=PK_MARKER)
        )
        return query.run(page=self.pk)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        preview = getattr(request, "is_preview", False)
        public = get_channel(request) == PUBLIC
        # The review status badge reads the settings this request has already loaded.
        self._styrdok_warning_days = StyrdokSettings.load(
            request_or_site=request
        ).review_warning_days
        context["body_items"] = self.body_items()
        from ..rich_text import prefetch_page_links

        # Every page link in the text and the document this one replaces, checked for this
        # reader in one query before rendering.
        links = prefetch_page_links(request, self.body, extra=[self.supersedes_id])
        if not public:
            context["history"] = decision_history(self, entries=self._history_entries())
        context["child_documents"] = self.visible_children(request)
        context["adopted_versions"] = self.shown_versions(public)
        # The archival PDF offered for download: the current decision, if this channel shows it
        # (not in a preview, which shows a draft rather than what was adopted).
        context["current_version"] = (
            None
            if preview
            else next((v for v in context["adopted_versions"] if v.is_current), None)
        )
        if self.pk and not preview:
            context["target_group_names"], context["lis_area_names"] = self.metadata_lists()
        if self.supersedes_id:
            # Named only if this reader may open it: not internal on the public site, nor
            # restricted to groups the reader is not in.
            context["supersedes_page"] = links.get(self.supersedes_id)
        return context


def _edit_handler(content_extra=(), content_after=()):
    return TabbedInterface(
        [
            ObjectList(
                [
                    TitleFieldPanel("title"),
                    *content_extra,
                    FieldPanel("summary"),
                    FieldPanel("body"),
                    *content_after,
                ],
                heading=_("Innehåll"),
            ),
            ObjectList(
                [
                    MultiFieldPanel(Styrdokument.decision_panels, heading=_("Beslut")),
                    MultiFieldPanel(Styrdokument.responsibility_panels, heading=_("Ansvar")),
                    MultiFieldPanel(
                        Styrdokument.validity_panels, heading=_("Giltighet och revision")
                    ),
                    MultiFieldPanel(
                        Styrdokument.classification_panels, heading=_("Målgrupp och publicering")
                    ),
                ],
                heading=_("Metadata"),
            ),
            ObjectList(Page.promote_panels, heading=_("Webbadress")),
            ObjectList(Page.settings_panels, heading=_("Inställningar")),
        ]
    )


class PolicyPage(Styrdokument):
    """Policy or program: political intent, adopted by kommunfullmäktige."""

    document_types = [DocumentType.POLICY, DocumentType.PROGRAM]
    is_creatable = True
    parent_page_types = ["policies.RegisterPage"]
    subpage_types = ["policies.RiktlinjePage"]
    edit_handler = _edit_handler(
        [FieldPanel("document_type")],
        [
            InlinePanel(
                "required_documents",
                heading=_("Dokument som policyn kräver"),
                label=_("Krävt dokument"),
                help_text=_(
                    "De riktlinjer och rutiner policyn säger ska finnas. Den årliga "
                    "genomgången visar för var och en om den finns, är fastställd och aktuell."
                ),
            ),
        ],
    )
    template = "policies/policy_page.html"

    class Meta:
        verbose_name = _("policy eller program")
        verbose_name_plural = _("policyer och program")


class RequiredDocument(Orderable):
    """A riktlinje or rutin the policy says must exist, and the document that meets it (if any).

    Part of the policy's revision, so what the policy requires is decided with the policy.
    """

    policy = ParentalKey(
        PolicyPage,
        verbose_name=_("policy"),
        on_delete=models.CASCADE,
        related_name="required_documents",
    )
    title = models.CharField(
        _("benämning"),
        max_length=200,
        help_text=_("T.ex. Riktlinje för informationssäkerhet vid upphandling."),
    )
    document_type = models.CharField(
        _("dokumenttyp"),
        max_length=20,
        choices=[
            (DocumentType.RIKTLINJE, DocumentType.RIKTLINJE.label),
            (DocumentType.RUTIN, DocumentType.RUTIN.label),
            (DocumentType.STODANVISNING, DocumentType.STODANVISNING.label),
        ],
        default=DocumentType.RIKTLINJE,
    )
    lis_area = models.ForeignKey(
        "governance.LisArea",
        verbose_name=_("LIS-område"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    document = models.ForeignKey(
        Styrdokument,
        verbose_name=_("uppfylls av"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Lämna tomt om dokumentet ännu inte finns."),
    )

    panels = [
        FieldRowPanel([FieldPanel("title"), FieldPanel("document_type")]),
        FieldRowPanel([FieldPanel("lis_area"), FieldPanel("document")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("krävt dokument")
        verbose_name_plural = _("krävda dokument")

    def __str__(self):
        return self.title


class RiktlinjePage(Styrdokument):
    """Riktlinje: how the work is done; adopted by kommunstyrelsen or the kommundirektör."""

    document_types = [DocumentType.RIKTLINJE]
    is_creatable = True
    parent_page_types = ["policies.RegisterPage", "policies.PolicyPage"]
    subpage_types = ["policies.RutinPage", "policies.StodanvisningPage"]
    edit_handler = _edit_handler()
    template = "policies/riktlinje_page.html"

    class Meta:
        verbose_name = _("riktlinje")
        verbose_name_plural = _("riktlinjer")


class RutinPage(Styrdokument):
    """Rutin: concrete steps; a förvaltning may add local rutiner under a common riktlinje."""

    document_types = [DocumentType.RUTIN]
    is_creatable = True
    parent_page_types = ["policies.RiktlinjePage"]
    subpage_types = []
    edit_handler = _edit_handler()
    template = "policies/rutin_page.html"

    class Meta:
        verbose_name = _("rutin")
        verbose_name_plural = _("rutiner")


class StodanvisningPage(Styrdokument):
    """Stödanvisning: guidance and templates that support a riktlinje."""

    document_types = [DocumentType.STODANVISNING]
    is_creatable = True
    parent_page_types = ["policies.RiktlinjePage"]
    subpage_types = []
    edit_handler = _edit_handler()
    template = "policies/stodanvisning_page.html"

    class Meta:
        verbose_name = _("stödanvisning")
        verbose_name_plural = _("stödanvisningar")


def _metadata_arrays():
    """PostgreSQL arrays of the page's target group names (by name) and LIS area names (by
    number, then name): the order metadata_lists gives."""
    from django.contrib.postgres.expressions import ArraySubquery

    groups = Styrdokument.target_groups.through.objects.filter(
        styrdokument_id=models.OuterRef("pk")
    )
    areas = Styrdokument.lis_areas.through.objects.filter(styrdokument_id=models.OuterRef("pk"))
    return {
        "target_group_array": ArraySubquery(
            groups.order_by("targetgroup__name").values("targetgroup__name")
        ),
        "lis_area_array": ArraySubquery(
            areas.order_by("lisarea__number", "lisarea__name").values("lisarea__name")
        ),
    }


@functools.cache
def _metadata_lists_sql():
    """The SQL of Styrdokument.metadata_lists: the document's target groups (kind 0) and LIS
    areas (kind 1, ranked by number), each list sorted by name as the ORM query did."""
    quote = connection.ops.quote_name

    def part(field_name, kind, rank):
        field = Styrdokument._meta.get_field(field_name)
        table = quote(field.related_model._meta.db_table)
        through = quote(field.remote_field.through._meta.db_table)
        pk = quote(field.related_model._meta.pk.column)
        return (
            f"SELECT {kind}, {rank}, {table}.{quote('name')} "
            f"FROM {table} INNER JOIN {through} "
            f"ON {through}.{quote(field.m2m_reverse_name())} = {table}.{pk} "
            f"WHERE {through}.{quote(field.m2m_column_name())} = %s"
        )

    number = f"{quote(LisArea._meta.db_table)}.{quote('number')}"
    return (
        f"{part('target_groups', 0, 0)} UNION ALL {part('lis_areas', 1, number)} ORDER BY 1, 2, 3"
    )
