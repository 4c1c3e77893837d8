"""A small kommun for the kvittens tests: units, people, documents and requirements."""

from django.contrib.auth.models import Group

from governance.constants import OrganisationKind
from kvittens.models import Membership, Requirement
from policies.models import PolicyPage, RutinPage
from tests.factories import make_document, make_kommun, make_organisation, make_user


def member(username, organisation=None, groups=(), **fields):
    user = make_user(username, groups=groups, **fields)
    if organisation is not None:
        Membership.objects.create(user=user, organisation=organisation)
    return user


def requirement(document=None, document_type="", groups=(), organisations=(), **fields):
    req = Requirement.objects.create(document=document, document_type=document_type, **fields)
    req.groups.set(groups)
    req.organisations.set(organisations)
    return req


def build_kommun():
    kommun = make_kommun()
    social = make_organisation("Socialförvaltningen", parent=kommun)
    hemtjanst = make_organisation("Hemtjänsten", kind=OrganisationKind.ENHET, parent=social)
    skola = make_organisation("Utbildningsförvaltningen", parent=kommun)
    it_group = Group.objects.create(name="IT-avdelningen")
    people = {
        "anna": member("anna", hemtjanst, first_name="Anna", last_name="Andersson"),
        "bo": member("bo", social, first_name="Bo", last_name="Berg"),
        "cecilia": member("cecilia", skola, first_name="Cecilia", last_name="Carlsson"),
        "dan": member("dan", groups=[], first_name="Dan", last_name="Dahl"),
        "erik": member("erik", hemtjanst, first_name="Erik", last_name="Ek", is_active=False),
    }
    people["dan"].groups.add(it_group)
    policy = make_document(
        PolicyPage, title="Informationssäkerhetspolicy", slug="informationssakerhetspolicy"
    )
    rutin = make_document(RutinPage, title="Rutin för incidentrapportering", slug="incidenter")
    return {
        "kommun": kommun,
        "social": social,
        "hemtjanst": hemtjanst,
        "skola": skola,
        "it_group": it_group,
        "people": people,
        "policy": policy,
        "rutin": rutin,
    }
