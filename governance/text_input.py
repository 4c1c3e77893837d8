"""Text that people type is refused when it holds invisible control characters.

Output is escaped everywhere (policies.text.xml_text for XML), but a title, a diarienummer, an
organ's name or a contact address that holds a right-to-left override (U+202E) or another
invisible character still reads differently from what it is: "KS-2026-7<U+202E>01" is
shown as "KS-2026-710", and a file name "rapport<U+202E>fdp.exe" as "rapportexe.pdf". So such
text is refused where it comes in, with one rule for every route:

- the C0 and C1 control characters (Unicode category Cc), except tab, line feed and carriage
  return in text of more than one line (a TextField or a Textarea);
- the invisible format characters (category Cf): the bidi embeddings, overrides and isolates
  (U+202A–U+202E, U+2066–U+2069), the directional marks, zero-width spaces and joiners, the word
  joiner, the byte order mark, the tag characters (U+E0000 …). The soft hyphen (U+00AD), which
  Word writes for an optional hyphen, is accepted;
- the line and paragraph separators (U+2028, U+2029), lone surrogates (no database stores them)
  and the non-characters U+FFFE and U+FFFF (no XML holds them).

Ordinary Swedish text is untouched: å ä ö é, dashes, quotes, the non-breaking space.

Where it is enforced (`install()`, from governance's ready()):

- the model fields of GUARDED_MODELS get the validator, so model validation refuses the text:
  every Wagtail admin form (pages, snippets, documents, images, users, settings) shows the
  message on the field, and Wagtail's Page.save() runs that validation for imports and the
  shell too. The validator is added to the field's validator list only, not to its definition,
  so no migration changes;
- a pre_save check on the same models refuses what a save outside a form would store (an
  import, the shell, a management command) with a ValidationError;
- plain forms (workflow decisions, comments) use `no_control_characters` directly;
- an e-mail address in a guarded field must not have a quoted local part or the characters
  that add parameters to a mailto: link (SafeEmailValidator), and links are built with
  `mailto_url`, which percent-encodes them;
- the file names Styrdok keeps as they came (FILE_NAME_FIELDS) lose the characters silently.
"""

import functools
import re
import unicodedata
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import pre_save
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from wagtail.fields import StreamField

MULTILINE_WHITESPACE = frozenset("\t\n\r")
ALLOWED_FORMAT = frozenset("\u00ad")
ALWAYS_REFUSED = frozenset("\u2028\u2029\ufffe\uffff")
MESSAGE = _(
    "Texten innehåller osynliga styrtecken (till exempel %(code)s). Ta bort dem och försök igen."
)


def first_control_character(text, multiline=False):
    """The first character of `text` that the rule above refuses, or None."""
    for char in text:
        if char.isprintable() and char not in ALWAYS_REFUSED:
            # Cheap path: letters, digits, punctuation and spaces are printable.
            continue
        if _refused(char, multiline):
            return char
    return None


def _refused(char, multiline):
    if char in ALWAYS_REFUSED:
        return True
    category = unicodedata.category(char)
    if category == "Cc":
        return not (multiline and char in MULTILINE_WHITESPACE)
    if category == "Cf":
        return char not in ALLOWED_FORMAT
    return category == "Cs"


def code_point(char):
    return f"U+{ord(char):04X}"


def strip_control_characters(text, multiline=False):
    """The text without the characters the rule refuses (for names nobody types: an uploaded
    file's name, a name from the identity provider)."""
    return "".join(char for char in str(text) if not _refused(char, multiline))


@deconstructible
class ControlCharacterValidator:
    """Refuses text with invisible control characters (see the module docstring)."""

    code = "control_characters"

    def __init__(self, multiline=False):
        self.multiline = multiline

    def __call__(self, value):
        for text in _texts(value):
            char = first_control_character(text, self.multiline)
            if char is not None:
                raise ValidationError(MESSAGE, code=self.code, params={"code": code_point(char)})

    def __eq__(self, other):
        return isinstance(other, ControlCharacterValidator) and other.multiline == self.multiline

    def __hash__(self):
        return hash((type(self), self.multiline))


def _texts(value):
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [item for item in value if isinstance(item, str)]
    # Rich text values and the like: their source.
    source = getattr(value, "source", None)
    return [source] if isinstance(source, str) else []


no_control_characters = ControlCharacterValidator()
no_control_characters_multiline = ControlCharacterValidator(multiline=True)


# -- e-mail addresses -------------------------------------------------------------------------

# What a contact address may hold before its "@": Django's EmailValidator also accepts a quoted
# local part ("a?cc=x@y.se"@kommun.se) and the characters ? & # % = / in a plain one, and each of
# them changes what a mailto: link does (adds a cc or bcc, a subject, a body). No kommun's
# mailbox needs them.
SAFE_LOCAL_PART = re.compile(r"[A-Za-z0-9!$'*+^_`{|}~.-]+")
EMAIL_MESSAGE = _(
    "E-postadressen kan inte användas: skriv den utan citattecken och utan tecknen ? & # % = / "
    "före @, till exempel informationssakerhet@kommun.se."
)


@deconstructible
class SafeEmailValidator:
    """Refuses an e-mail address whose local part could add parameters to a mailto: link."""

    code = "unsafe_email"

    def __call__(self, value):
        if not value:
            return
        local, at, _domain = str(value).rpartition("@")
        if not at or not SAFE_LOCAL_PART.fullmatch(local):
            raise ValidationError(EMAIL_MESSAGE, code=self.code)

    def __eq__(self, other):
        return isinstance(other, SafeEmailValidator)

    def __hash__(self):
        return hash(type(self))


safe_email_address = SafeEmailValidator()


def mailto_url(address):
    """A mailto: link to `address` whose every character that could start a parameter (? & #)
    or end the address (" and %) is percent-encoded: the link goes to the address and nowhere
    else, even for an address stored before the validator above."""
    local, at, domain = str(address or "").rpartition("@")
    if not at:
        return "mailto:" + quote(str(address or ""), safe="")
    return f"mailto:{quote(local, safe='')}@{quote(domain, safe='')}"


# -- the models ------------------------------------------------------------------------------

# The models whose text people type, by label; a model listed here guards every editable text
# field it has (CharField, TextField, EmailField, RichTextField …, the inherited ones too, and
# the text in the blocks of a StreamField: governance.text_blocks),
# except the fields named in EXCEPT. Subclasses are included (every page type is a Page).
GUARDED_MODELS = (
    "wagtailcore.Page",
    "wagtailcore.Site",
    "wagtailcore.Collection",
    "wagtailcore.Workflow",
    "wagtailcore.Task",
    "wagtailcore.Comment",
    "wagtailcore.CommentReply",
    "wagtaildocs.AbstractDocument",
    "wagtailimages.AbstractImage",
    "taggit.Tag",
    "auth.Group",
    "auth.User",
    "policies.RequiredDocument",
    "policies.AvoidWord",
    "policies.AdoptedVersion",
    "policies.RepealProposal",
    "governance.LisArea",
    "governance.Organisation",
    "governance.Role",
    "governance.Assignment",
    "governance.DecisionBody",
    "governance.TargetGroup",
    "governance.StyrdokSettings",
    "search.SynonymGroup",
)
# Text written by Styrdok itself, not typed: a file name kept as it came, a checksum, an error.
EXCEPT = {
    "policies.AdoptedVersion": {"pdf_sha256", "pdf_error", "original_filename"},
    "auth.User": {"password"},
    "wagtailcore.Comment": {"contentpath", "position"},
    "wagtaildocs.AbstractDocument": {"file", "file_hash"},
    "wagtailimages.AbstractImage": {"file", "file_hash", "focal_point_key"},
}


# The names of uploaded or imported files that Styrdok keeps as they came and shows in the admin
# (uploaded documents and images are stored under a name the storage has cleaned already:
# Django's get_valid_filename keeps letters, digits, "-", "_" and "." only). Nobody typed them,
# so the invisible characters are removed without a message.
FILE_NAME_FIELDS = {
    "policies.AdoptedVersion": ("original_filename",),
    "importing.ImportRecord": ("filename",),
    "importing.PendingImport": ("filename",),
    "importing.BulkImportJob": ("zip_name", "csv_name"),
    "reports.RenderedReport": ("filename",),
}


def guarded_fields(model):
    """(field, validator) for the text fields of `model` that the rules apply to."""
    if model not in _FIELDS:
        _FIELDS[model] = _guarded_fields(model)
    return _FIELDS[model]


_FIELDS: dict = {}


def _guarded_fields(model):
    bases = _guarded_bases(model)
    if not bases:
        return []
    labels = {base._meta.label for base in bases}
    skip = set().union(*(EXCEPT.get(label, set()) for label in labels))
    # A user's address comes from the identity provider and is never a link on a page.
    check_email = not labels & {"auth.User"}
    fields = []
    for field in model._meta.concrete_fields:
        if isinstance(field, StreamField):
            fields.append((field, stream_validator(field)))
            continue
        if not isinstance(field, (models.CharField, models.TextField)):
            continue
        if not field.editable or field.choices or field.name in skip:
            continue
        multiline = isinstance(field, models.TextField)
        validator = no_control_characters_multiline if multiline else no_control_characters
        fields.append((field, validator))
        if check_email and isinstance(field, models.EmailField):
            fields.append((field, safe_email_address))
    return fields


@functools.cache
def stream_validator(field):
    """The one StreamTextValidator of a StreamField (a page type's subclasses share the field)."""
    from .text_blocks import StreamTextValidator

    return StreamTextValidator(field)


def _guarded_bases(model):
    from django.apps import apps

    bases = []
    for label in GUARDED_MODELS:
        try:
            base = _model(apps, label)
        except LookupError:
            continue
        if issubclass(model, base):
            bases.append(base)
    return bases


def _model(apps, label):
    app_label, name = label.split(".")
    config = apps.get_app_config(app_label)
    for model in config.get_models(include_auto_created=False):
        if model.__name__ == name:
            return model
    # An abstract base (Wagtail's AbstractDocument) is not registered: import it by name.
    module = __import__(config.name + ".models", fromlist=[name])
    found = getattr(module, name, None)
    if found is None:
        raise LookupError(label)
    return found


def install():
    """Add the validator to every guarded field and check what is saved outside a form."""
    from django.apps import apps

    for model in apps.get_models():
        for field, validator in guarded_fields(model):
            # `validators` is a cached property: the list is extended in place of the cache,
            # so the field's definition (and its migrations) stay as they are.
            current = field.validators
            if not any(existing is validator for existing in current):
                field.__dict__["validators"] = [*current, validator]
        if guarded_fields(model):
            uid = f"text_input:{model._meta.label}"
            pre_save.connect(refuse_on_save, sender=model, dispatch_uid=uid)
        if model._meta.label in FILE_NAME_FIELDS:
            uid = f"text_input:file_names:{model._meta.label}"
            pre_save.connect(strip_file_names, sender=model, dispatch_uid=uid)


def refuse_on_save(sender, instance, update_fields=None, raw=False, **kwargs):
    """A save outside a form (an import, the shell) is refused as the form would refuse it."""
    if raw:
        return
    errors = {}
    for field, validator in guarded_fields(sender):
        if update_fields is not None and field.name not in update_fields:
            continue
        try:
            validator(getattr(instance, field.attname, None))
        except ValidationError as exc:
            errors.setdefault(field.name, []).extend(exc.error_list)
    if errors:
        raise ValidationError(errors)


def strip_file_names(sender, instance, raw=False, **kwargs):
    """A kept file name loses its invisible characters, whoever saves it."""
    if raw:
        return
    for name in FILE_NAME_FIELDS[sender._meta.label]:
        value = getattr(instance, name, None)
        if isinstance(value, str):
            setattr(instance, name, strip_control_characters(value))
