"""A converted Word file becomes a draft styrdokument: checked, created, logged, never published.

`plan_draft` decides what the draft will be (its page type under the parent, the fields the
file's metadata may set) without writing, so the preview shows exactly what "Skapa utkast" does;
`create_draft` does it in one transaction. The page goes through the model's full_clean and the
editor's rules (policies.rules), so an import obeys what the editor and the shell obey.
"""

import datetime
import io
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image as PILImage
from PIL import UnidentifiedImageError
from wagtail.images import get_image_model
from wagtail.log_actions import log
from wagtail.models import Collection, Page

from governance.constants import DocumentType
from governance.models import DecisionBody
from governance.text_blocks import strip_stream_text
from policies import rules
from policies.models import PolicyPage, RiktlinjePage, RutinPage, StodanvisningPage
from policies.personnummer import find_identity_numbers
from policies.slugs import slug_from_text

from .models import ImportRecord

IMPORT_PERMISSION = "importing.import_documents"
LOG_ACTION = "styrdok.import"
# The page type a document without a stated type gets: the commonest that fits the parent.
PAGE_CLASS_PREFERENCE = (RiktlinjePage, RutinPage, StodanvisningPage, PolicyPage)
# Metadata a draft may carry. The decision itself (beslutsdatum, §) is recorded by a decision
# step or as a historical decision, never typed onto a draft (policies.models.StyrdokumentForm).
DRAFT_FIELDS = (
    "diarienummer",
    "responsible_id",
    "responsible_role_id",
    "contact_name",
    "contact_email",
    "valid_until",
    "next_review",
    "review_interval_months",
    "supersedes_note",
)
IMPORT_COLLECTION = "Import"


@dataclass
class DraftPlan:
    page_class: type
    fields: dict
    notes: list = field(default_factory=list)  # Swedish, for the preview
    restricted_to: list = field(default_factory=list)  # groups, inherited from the parent


def allowed_page_classes(parent):
    """The styrdokument types that may be created under `parent` (policies' page tree rules)."""
    parent = parent.specific
    return [cls for cls in PAGE_CLASS_PREFERENCE if cls.can_create_at(parent)]


def may_import_under(user, parent):
    return (
        user.has_perm(IMPORT_PERMISSION)
        and bool(allowed_page_classes(parent))
        and parent.permissions_for_user(user).can_add_subpage()
    )


def check_may_import(user, parent):
    if not user.has_perm(IMPORT_PERMISSION):
        raise PermissionDenied(_("Du har inte behörighet att importera styrdokument."))
    if not allowed_page_classes(parent):
        raise ValidationError(
            _(
                "Styrdokument kan inte läggas under ”%(parent)s”. Välj registret, en policy "
                "eller en riktlinje."
            )
            % {"parent": parent.title}
        )
    if not parent.permissions_for_user(user).can_add_subpage():
        raise PermissionDenied(
            _("Du får inte lägga till dokument under ”%(parent)s”.") % {"parent": parent.title}
        )


def choose_page_class(parent, document_type=None, page_class=None):
    """The page class for the draft: the one asked for, the one whose types include the file's
    dokumenttyp, or the commonest that fits; ValidationError (Swedish) when none fits."""
    allowed = allowed_page_classes(parent)
    if page_class is not None:
        if page_class not in allowed:
            raise ValidationError(
                _("En %(type)s kan inte ligga under ”%(parent)s”.")
                % {"type": page_class._meta.verbose_name, "parent": parent.title}
            )
        return page_class
    if document_type:
        for cls in allowed:
            if document_type in cls.document_types:
                return cls
        raise ValidationError(
            _(
                "Filen är en %(type)s, och en %(type)s kan inte ligga under ”%(parent)s”. "
                "Välj en annan plats i trädet."
            )
            % {"type": DocumentType(document_type).label.lower(), "parent": parent.title}
        )
    return allowed[0]


def plan_draft(parent, conversion, user=None, *, page_class=None, overrides=None):
    """What create_draft will create; raises ValidationError when the parent does not fit."""
    parent = parent.specific
    metadata = conversion.metadata
    cls = choose_page_class(parent, metadata.get("document_type"), page_class)
    document_type = metadata.get("document_type")
    fields = {
        "document_type": document_type
        if document_type in cls.document_types
        else cls.document_types[0]
    }
    fields.update({name: metadata[name] for name in DRAFT_FIELDS if name in metadata})
    notes = []
    body = _decision_body(metadata.get("decision_body_id"), fields["document_type"], notes)
    if body is not None:
        fields["decision_body_id"] = body.pk
    decided = [
        label
        for key, label in (
            ("decision_date", _("beslutsdatum %(value)s")),
            ("protocol_paragraph", _("§ %(value)s")),
        )
        if key in metadata
        for label in [label % {"value": metadata[key]}]
    ]
    if decided:
        notes.append(
            _(
                "Beslutet (%(what)s) skrivs inte in i utkastet: det registreras i beslutssteget "
                "när dokumentet beslutas, eller som ett tidigare beslut vid massimport."
            )
            % {"what": ", ".join(decided)}
        )
    restricted = _parent_restriction(parent)
    if restricted:
        notes.append(
            _("Utkastet får samma läsbegränsning som ”%(parent)s”: %(groups)s.")
            % {"parent": parent.title, "groups": ", ".join(group.name for group in restricted)}
        )
    fields.update(overrides or {})
    return DraftPlan(page_class=cls, fields=fields, notes=notes, restricted_to=restricted)


def _parent_restriction(parent):
    """A document under a restricted one is restricted to the same groups (policies.rules
    restricted_like_parent), so the draft inherits the parent's groups."""
    restricted_to = getattr(parent, "restricted_to", None)
    return list(restricted_to.all()) if restricted_to is not None else []


def _decision_body(body_id, document_type, notes):
    if not body_id:
        return None
    body = DecisionBody.objects.filter(pk=body_id).first()
    if body is None:
        return None
    problems = rules.check(
        ("body_may_adopt_type",), {"decision_body": body, "document_type": document_type}
    )
    if problems:
        notes.append(
            _("%(body)s får inte besluta om denna dokumenttyp; välj organ i redigeraren.")
            % {"body": body.name}
        )
        return None
    return body


def identity_number_warnings(blocks_text):
    """The personnummer guard's findings, masked, for the preview: an internal draft may hold
    them, but the document cannot become public until they are gone."""
    return [
        _(
            "Texten innehåller ett %(kind)s (%(number)s). Ta bort det innan dokumentet kan "
            "bli offentligt."
        )
        % {"kind": finding.kind, "number": finding.masked}
        for finding in find_identity_numbers(blocks_text)
    ]


def _free_slug(parent, title):
    base = slug_from_text(title)[:200] or "dokument"
    slug, n = base, 2
    while not Page._slug_is_available(slug, parent):
        slug, n = f"{base}-{n}", n + 1
    return slug


def _build_page(parent, conversion, plan, accepted):
    fields = dict(plan.fields)
    title = (fields.pop("title", None) or conversion.title)[:255]
    page = plan.page_class(
        title=title,
        slug=fields.pop("slug", None) or _free_slug(parent, title),
        # Word text may hold invisible characters (a bidi mark, a zero-width space) that the
        # body's blocks refuse; nobody typed them, so they are removed.
        body=strip_stream_text(
            plan.page_class._meta.get_field("body"), conversion.blocks_with(accepted)
        ),
        live=False,
        has_unpublished_changes=True,
        **fields,
    )
    page.restricted_to = plan.restricted_to
    return page


def _check_rules(page, parent, user, restricted_to):
    values = rules.values_of(
        page, parent=parent, submitting=False, submitter=user, restricted_to=restricted_to
    )
    errors = rules.check(rules.EDITOR, values)
    if errors:
        raise ValidationError(errors)


def create_draft(
    parent,
    conversion,
    user,
    *,
    page_class=None,
    accepted_requirements=(),
    overrides=None,
    kind=ImportRecord.Kind.SINGLE,
):
    """Create the draft under `parent` from `conversion`, atomically; returns the page.

    Raises PermissionDenied (the user may not import here) or ValidationError (Swedish
    messages: the page tree, the model's rules, the editor's rules such as the personnummer
    guard on a public document). Nothing is left behind when it raises. Never publishes."""
    parent = parent.specific
    check_may_import(user, parent)
    unknown = set(accepted_requirements) - set(conversion.suggestion_ids)
    if unknown:
        raise ValidationError(_("Ett valt krav finns inte i filen; förhandsgranska den igen."))
    plan = plan_draft(parent, conversion, user, page_class=page_class, overrides=overrides)
    with transaction.atomic():
        page = _build_page(parent, conversion, plan, accepted_requirements)
        page.owner = user
        _check_rules(page, parent, user, plan.restricted_to)
        # Wagtail's save runs full_clean: the model's own rules (policies.rules.RECORD) apply.
        # Wagtail's save logs "wagtail.create" for the owner.
        parent.add_child(instance=page)
        revision = page.save_revision(user=user, log_action=False)
        collection = _save_images(conversion, user, page.title)
        record = ImportRecord.objects.create(
            user=user,
            kind=kind,
            filename=conversion.filename[:255],
            sha256=conversion.sha256,
            page=page,
            title=page.title,
            collection=collection,
            metadata=_json_safe(conversion.metadata),
            report={
                "mapped": conversion.mapped,
                "unmapped": conversion.unmapped,
                "warnings": conversion.warnings + plan.notes,
                "accepted_requirements": list(accepted_requirements),
            },
        )
        log(
            instance=page,
            action=LOG_ACTION,
            user=user,
            revision=revision,
            data={"filename": conversion.filename, "import_record": record.pk, "kind": kind},
        )
    return page


def error_lines(error, model=None):
    """A ValidationError as Swedish lines, each naming its field ("Diarienummer: …")."""
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    lines = []
    for name, messages in error.message_dict.items():
        label = _field_label(model, name)
        lines.extend(f"{label}: {message}" if label else message for message in messages)
    return lines


def _field_label(model, name):
    if model is None or name == "__all__":
        return ""
    try:
        return str(model._meta.get_field(name).verbose_name).capitalize()
    except FieldDoesNotExist:
        return ""


def _json_safe(metadata):
    return {
        key: value.isoformat() if isinstance(value, datetime.date) else value
        for key, value in metadata.items()
    }


def _import_collection(title):
    root = Collection.get_first_root_node()
    parent = root.get_children().filter(name=IMPORT_COLLECTION).first()
    if parent is None:
        parent = root.add_child(name=IMPORT_COLLECTION)
    name = title[:255]
    existing = parent.get_children().filter(name=name).first()
    return existing or parent.add_child(name=name)


def _readable(image):
    try:
        with PILImage.open(io.BytesIO(image.data)) as picture:
            picture.verify()
    except (UnidentifiedImageError, OSError, ValueError):
        return False
    return True


def _save_images(conversion, user, title):
    from .docx import IMAGE_TYPES

    images = [
        image
        for image in conversion.images
        if image.content_type in IMAGE_TYPES and _readable(image)
    ]
    if not images:
        return None
    collection = _import_collection(title)
    model = get_image_model()
    for image in images:
        model.objects.create(
            title=(image.alt or f"{title}: {image.filename}")[:255],
            description=image.alt[:255],
            file=ImageFile(io.BytesIO(image.data), name=image.filename),
            collection=collection,
            uploaded_by_user=user,
        )
    return collection
