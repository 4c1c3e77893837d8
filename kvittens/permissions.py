"""Who manages kvittens: the samordnare keep the requirements and the staff's home units.

governance's setup cannot name this app (layers), so the grant is made from here: when the group
is created (setup_styrdok on a new installation) and after migrating (an installation whose
groups exist already). Superusers (administrators) hold every permission anyway.
"""

KVITTENS_PERMISSIONS = (
    "add_requirement",
    "change_requirement",
    "delete_requirement",
    "view_requirement",
    "view_coverage",
    "add_membership",
    "change_membership",
    "delete_membership",
    "view_membership",
)


def manager_group_names():
    from governance.setup import COORDINATORS

    return [COORDINATORS]


def grant_permissions(groups=None):
    """Give the kvittens permissions to the samordnare's group (idempotent)."""
    from governance.setup import grant_permissions as grant

    grant("kvittens", KVITTENS_PERMISSIONS, manager_group_names(), groups)


def grant_after_migrate(sender, app_config=None, **kwargs):
    grant_permissions()


def grant_to_new_group(sender, instance, created=False, raw=False, **kwargs):
    if created and not raw and instance.name in manager_group_names():
        grant_permissions([instance])
