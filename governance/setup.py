"""Default vocabulary and permission groups every installation starts with (idempotent)."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowTask,
)

from .constants import LIS_AREAS, BodyKind, DocumentType
from .models import DecisionBody, LisArea, Role
from .wagtail_labels import translate_permission_names
from .workflows import OfficialDecisionTask, RecordedDecisionTask, ReviewTask

DEFAULT_ROLES = [
    # code, name, description
    (
        "kommunstyrelsen",
        "Kommunstyrelsen",
        "Har det yttersta ansvaret för informationssäkerheten och följer upp arbetet årligen.",
    ),
    (
        "kommundirektor",
        "Kommundirektör",
        "Har det övergripande ansvaret för att informationssäkerhetsarbetet bedrivs och "
        "fastställer riktlinjer och rutiner på delegation.",
    ),
    (
        "stabschef",
        "Stabschef",
        "Leder dataskyddsarbetet och fastställer rutiner inom sitt ansvarsområde.",
    ),
    (
        "informationssakerhetssamordnare",
        "Informationssäkerhetssamordnare",
        "Samordnar arbetet, tar fram förslag till styrdokument, granskar dem och rapporterar "
        "läget till ledningen.",
    ),
    (
        "dataskyddsombud",
        "Dataskyddsombud",
        "Ger råd om dataskyddsförordningen och kontrollerar att den följs.",
    ),
    (
        "informationsagare",
        "Informationsägare",
        "Chef som ansvarar för informationen i sin verksamhet, dess klassning och skydd.",
    ),
    (
        "systemagare",
        "Systemägare",
        "Ansvarar för att ett informationssystem uppfyller verksamhetens krav på säkerhet.",
    ),
    (
        "systemforvaltare",
        "Systemförvaltare",
        "Sköter den löpande förvaltningen av ett system på systemägarens uppdrag.",
    ),
    (
        "sakerhetsskyddschef",
        "Säkerhetsskyddschef",
        "Leder och kontrollerar säkerhetsskyddet enligt säkerhetsskyddslagen.",
    ),
    (
        "medarbetare",
        "Medarbetare och förtroendevalda",
        "Följer gällande rutiner, rapporterar incidenter och genomgår utbildning.",
    ),
]

# code, name, short name, kind, document types
DEFAULT_BODIES = [
    (
        "kf",
        "Kommunfullmäktige",
        "KF",
        BodyKind.ASSEMBLY,
        [DocumentType.POLICY, DocumentType.PROGRAM],
    ),
    ("ks", "Kommunstyrelsen", "KS", BodyKind.ASSEMBLY, [DocumentType.RIKTLINJE]),
    (
        "kommundirektor",
        "Kommundirektör",
        "KD",
        BodyKind.OFFICIAL,
        [DocumentType.RIKTLINJE, DocumentType.RUTIN, DocumentType.STODANVISNING],
    ),
    (
        "stabschef",
        "Stabschef",
        "",
        BodyKind.OFFICIAL,
        [DocumentType.RUTIN, DocumentType.STODANVISNING],
    ),
    (
        "forvaltningschef",
        "Förvaltningschef",
        "",
        BodyKind.OFFICIAL,
        [DocumentType.RUTIN, DocumentType.STODANVISNING],
    ),
    (
        "verksamhetschef",
        "Verksamhetschef",
        "",
        BodyKind.OFFICIAL,
        [DocumentType.RUTIN, DocumentType.STODANVISNING],
    ),
]

# Aktualitetsprövning on delegation: KS for KF's policies, the kommundirektör for KS's riktlinjer.
DEFAULT_REVIEW_DELEGATES = {"kf": "ks", "ks": "kommundirektor"}

EDITORS = "Redaktörer"
COORDINATORS = "Informationssäkerhetssamordnare"
DECISION_MAKERS = "Beslutsfattare"
SECRETARIES = "Nämndsekreterare"
OWNERS = "Dokumentansvariga"

GOVERNANCE_MODELS = ["organisation", "role", "assignment", "decisionbody", "targetgroup", "lisarea"]


def _perms(app_label, codenames):
    return list(
        Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
    )


# group -> (page permission codenames on the root, django permissions)
def grant_permissions(app_label, codenames, group_names, groups=None):
    """Give `app_label`'s permissions `codenames` to `groups`, or to the groups named
    `group_names` that exist (idempotent). For lists an upper layer lets a group edit (the
    synonyms, the words to avoid): their app grants them after its migrations and whenever
    setup_styrdok creates the group."""
    permissions = list(
        Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
    )
    if not permissions:
        return
    if groups is None:
        groups = Group.objects.filter(name__in=group_names)
    for group in groups:
        group.permissions.add(*permissions)


def _group_plan():
    admin = _perms("wagtailadmin", ["access_admin"])
    view_governance = _perms("governance", [f"view_{m}" for m in GOVERNANCE_MODELS])
    change_governance = _perms(
        "governance",
        [f"{a}_{m}" for m in GOVERNANCE_MODELS for a in ("add", "change", "view", "delete")]
        + ["change_styrdoksettings"],
    )
    # Styrdok's own acts (DecisionBody.Meta.permissions). Nobody gets manage_decision_makers:
    # who decides is changed by an administrator.
    coordinator_acts = _perms(
        "governance",
        [
            "redirect_decision_body",
            "record_review",
            "view_annual_report",
            "propose_repeal",
            "monitor_decision_runs",
            # The "Utskick" report: see and resend notifications that did not arrive.
            "view_outbox",
            "resend_outbox",
        ],
    )
    reader_acts = _perms("governance", ["view_annual_report", "record_review"])
    return {
        EDITORS: (["add_page", "change_page", "lock_page"], admin + view_governance),
        COORDINATORS: (
            ["add_page", "change_page", "lock_page"],
            admin + change_governance + coordinator_acts + _perms("operations", ["view_jobrun"]),
        ),
        DECISION_MAKERS: ([], admin + view_governance + reader_acts),
        SECRETARIES: ([], admin + view_governance + reader_acts),
        OWNERS: (["add_page"], admin + view_governance),
    }


MEDIA_PERMISSIONS = [
    ("wagtaildocs", ["add_document", "change_document", "choose_document"]),
    ("wagtailimages", ["add_image", "change_image", "choose_image"]),
]


@transaction.atomic
def ensure_defaults():
    translate_permission_names()
    for number, name in LIS_AREAS:
        LisArea.objects.get_or_create(number=number, defaults={"name": name})
    for order, (code, name, description) in enumerate(DEFAULT_ROLES):
        Role.objects.get_or_create(
            code=code, defaults={"name": name, "description": description, "sort_order": order}
        )
    created_codes = set()
    for order, (code, name, short_name, kind, types) in enumerate(DEFAULT_BODIES):
        _body, created = DecisionBody.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "short_name": short_name,
                "kind": kind,
                "document_types": [str(t) for t in types],
                "sort_order": order,
            },
        )
        if created:
            created_codes.add(code)
    # Who may confirm a document unchanged on the body's behalf; set once, edited in the admin.
    for code, delegate in DEFAULT_REVIEW_DELEGATES.items():
        if code in created_codes:
            DecisionBody.objects.filter(code=code).update(
                review_delegate=DecisionBody.objects.filter(code=delegate).first()
            )
    ensure_groups()
    ensure_workflows()


def ensure_groups():
    root_page = Page.get_first_root_node()
    root_collection = Collection.get_first_root_node()
    media = [p for app, codes in MEDIA_PERMISSIONS for p in _perms(app, codes)]
    page_perms = {
        p.codename: p for p in _perms("wagtailcore", ["add_page", "change_page", "lock_page"])
    }
    for name, (page_codenames, permissions) in _group_plan().items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)
        if root_page is not None:
            for codename in page_codenames:
                GroupPagePermission.objects.get_or_create(
                    group=group, page=root_page, permission=page_perms[codename]
                )
        if root_collection is not None and page_codenames:
            for permission in media:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=permission
                )
    role_groups = {
        "informationssakerhetssamordnare": COORDINATORS,
        "kommundirektor": DECISION_MAKERS,
        "stabschef": DECISION_MAKERS,
    }
    for code, group_name in role_groups.items():
        Role.objects.filter(code=code, group__isnull=True).update(
            group=Group.objects.get(name=group_name)
        )


# name, [(task kind, task name, options)], bodies that use the workflow
REVIEW_TASK = "Granskning"
DEFAULT_WORKFLOWS = [
    (
        "Rutin och stödanvisning – beslut på delegation",
        [("review", REVIEW_TASK, {}), ("official", "Beslut av beslutsfattaren", {})],
        ["stabschef", "forvaltningschef", "verksamhetschef"],
    ),
    (
        "Kommundirektörens beslut",
        [("review", REVIEW_TASK, {}), ("official", "Kommundirektörens beslut", {})],
        ["kommundirektor"],
    ),
    (
        "Riktlinje – beslut i kommunstyrelsen",
        [
            ("review", REVIEW_TASK, {}),
            (
                "official",
                "Kommundirektören överlämnar förslag",
                {"body": "kommundirektor", "sets_decision": False},
            ),
            ("recorded", "KS-beslut", {"body": "ks"}),
        ],
        ["ks"],
    ),
    (
        "Policy och program – beslut i kommunfullmäktige",
        [
            ("review", REVIEW_TASK, {}),
            ("recorded", "KS bereder och föreslår", {"body": "ks", "is_proposal": True}),
            ("recorded", "KF-beslut", {"body": "kf"}),
        ],
        ["kf"],
    ),
]


def _ensure_task(kind, name, options):
    if kind == "review":
        task = ReviewTask.objects.filter(name=name).first()
        if task is None:
            task = ReviewTask.objects.create(name=name)
            task.groups.set([Group.objects.get(name=COORDINATORS)])
        return task
    if kind == "official":
        task = OfficialDecisionTask.objects.filter(name=name).first()
        if task is None:
            body = options.get("body")
            task = OfficialDecisionTask.objects.create(
                name=name,
                decision_body=DecisionBody.objects.get(code=body) if body else None,
                sets_decision=options.get("sets_decision", True),
            )
        return task
    task = RecordedDecisionTask.objects.filter(name=name).first()
    if task is None:
        task = RecordedDecisionTask.objects.create(
            name=name,
            decision_body=DecisionBody.objects.get(code=options["body"]),
            is_proposal=options.get("is_proposal", False),
        )
        task.groups.set([Group.objects.get(name=SECRETARIES)])
    return task


@transaction.atomic
def ensure_workflows():
    """Create the four approval workflows once; afterwards they are edited in the admin."""
    for name, steps, body_codes in DEFAULT_WORKFLOWS:
        workflow = Workflow.objects.filter(name=name).first()
        if workflow is None:
            workflow = Workflow.objects.create(name=name, active=True)
            for order, (kind, task_name, options) in enumerate(steps):
                WorkflowTask.objects.create(
                    workflow=workflow, task=_ensure_task(kind, task_name, options), sort_order=order
                )
        DecisionBody.objects.filter(code__in=body_codes, workflow__isnull=True).update(
            workflow=workflow
        )
