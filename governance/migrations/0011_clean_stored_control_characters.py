"""Text stored before the guard of governance.text_input loses the invisible control characters
the guard refuses (governance.stored_text), so no later save is refused for it: the guarded
models of Wagtail, Django's users and groups, taggit and governance. policies and search clean
their own models in their migrations of the same name. Reversing changes nothing."""

from django.db import migrations

from governance.stored_text import clean_stored_text

APPS = ("wagtailcore", "wagtaildocs", "wagtailimages", "taggit", "auth", "governance")


def clean(apps, schema_editor):
    clean_stored_text(APPS, apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0010_outbox_message_page"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(clean, migrations.RunPython.noop, elidable=True)]
