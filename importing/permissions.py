"""Who may import: the redaktörer and the informationssäkerhetssamordnare, by permission."""

IMPORT_CODENAMES = ("import_documents", "view_importrecord")


def importer_group_names():
    from governance.setup import COORDINATORS, EDITORS

    return [COORDINATORS, EDITORS]


def grant_permissions(groups=None):
    """Give the import permissions to the groups that import (idempotent)."""
    from governance.setup import grant_permissions as grant

    grant("importing", IMPORT_CODENAMES, importer_group_names(), groups)


def grant_after_migrate(sender, app_config=None, **kwargs):
    grant_permissions()


def grant_to_new_group(sender, instance, created=False, raw=False, **kwargs):
    if created and not raw and instance.name in importer_group_names():
        grant_permissions([instance])
