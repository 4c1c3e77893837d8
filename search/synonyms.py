"""Synonyms: the other words a reader may mean by what they typed.

The list is a snippet the samordnare edits (search.models.SynonymGroup, *Synonymer* in the
admin). A group is either a set of equivalent terms ("distansarbete", "hemarbete", "arbete
hemifrån": each finds the others) or one-way, where the first term expands to the rest and not
the reverse ("KF" finds "kommunfullmäktige", but "kommunfullmäktige" is not widened to every
"KF"). The query parser (search.parsing) asks `expansions()` for each word of a query.

Terms are compared without case and without å/ä/ö ("Mejl", "mejl" and "MEJL" are one term),
and a single word is found by its Snowball stem too ("mejlen" → "mejl"). Multi-word terms are
returned as phrases in one string ("arbete hemifrån").

The table of all groups is read from the database once per *generation*, a token in Django's
cache renewed after a synonym group is saved or deleted (on commit), so every worker sees an
edit at once and a search costs a cache read, not a query per word. Each process keeps the table
of the current generation unpickled.

SEED_SYNONYMS is the list every installation starts with (the data migration
0003_seed_synonyms). It is also the synonym list of the Elasticsearch/OpenSearch index
(search.backends), since the index settings are made when the settings load, before the database
can be read. The parser applies the edited list on Elasticsearch too; for the index's own
synonym filter to change, edit SEED_SYNONYMS and run `manage.py update_index`, which creates the
index again with the new settings.

This module is imported by the settings (through search.backends): it imports no models at the
top.
"""

import threading
import unicodedata
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import transaction

from policies.swedish import fold, stem
from styrdok import generations

CACHE_PREFIX = "styrdok:search:synonyms"
GENERATION_KEY = f"{CACHE_PREFIX}:generation"
TABLE_TIMEOUT = 24 * 60 * 60  # rebuilt at least daily even if the generation stays
MAX_TERM_LENGTH = 60
MAX_TERMS = 20  # terms in one group
MIN_STEM_LOOKUP = 4  # shorter words are looked up as typed only ("it" is not "i")

# (terms, one_way). One-way: the first term (an abbreviation) expands to the others.
_EQUIVALENT = (
    (
        "distansarbete",
        "hemarbete",
        "arbete hemifrån",
        "arbeta hemifrån",
        "jobba hemifrån",
        "jobba hemma",
        "hemmakontor",
    ),
    ("säkerhetskopiering", "backup", "säkerhetskopia", "reservkopia"),
    ("e-post", "epost", "mejl", "mail", "e-brev"),
    ("lösenord", "lösen", "lösenfras"),
    ("dator", "it-utrustning", "datorutrustning", "bärbar dator"),
    ("dataskydd", "personuppgifter", "skydd av personuppgifter"),
    ("visselblåsare", "visselblåsning", "visselblåsarfunktion", "whistleblowing"),
    ("mutor", "muta", "korruption", "bestickning", "oegentligheter"),
    ("jäv", "jävssituation", "intressekonflikt"),
    ("hot och våld", "våld och hot", "hotfull situation"),
    ("krisberedskap", "beredskap", "krishantering"),
    ("upphandling", "inköp", "anskaffning", "köpa in"),
    ("tjänsteresa", "resa i tjänsten", "arbetsresa"),
    ("mobiltelefon", "mobil", "smartphone", "tjänstetelefon", "tjänstemobil"),
    ("surfplatta", "läsplatta", "ipad"),
    ("usb-minne", "usb-sticka", "minnessticka", "flyttbart minne"),
    ("skadlig kod", "virus", "malware", "skadeprogram"),
    ("nätfiske", "phishing", "bedrägerimejl"),
    ("utpressningsprogram", "ransomware", "gisslanprogram"),
    ("tvåfaktorsautentisering", "tvåstegsverifiering", "multifaktorautentisering"),
    ("behörighetsstyrning", "åtkomstkontroll", "behörighetshantering"),
    ("behörighet", "åtkomsträtt", "åtkomstbehörighet"),
    ("informationsklassning", "klassning av information", "klassificering"),
    ("kontinuitetsplanering", "kontinuitetshantering", "reservrutiner"),
    ("riskanalys", "riskbedömning", "riskvärdering"),
    ("loggning", "loggar", "spårbarhet"),
    ("kryptering", "chiffrering"),
    ("molntjänst", "molnet", "cloud"),
    ("brandvägg", "firewall"),
    ("wifi", "wi-fi", "trådlöst nätverk", "trådlöst nät"),
    ("fjärråtkomst", "distansåtkomst"),
    ("personuppgiftsincident", "personuppgiftsläcka", "dataläcka"),
    ("personuppgiftsbiträdesavtal", "biträdesavtal", "pub-avtal"),
    ("styrdokument", "styrande dokument"),
    ("rutin", "instruktion"),
    ("medarbetare", "anställd", "personal"),
    ("chef", "närmaste chef", "arbetsledare"),
    ("förtroendevald", "politiker"),
    ("sekretess", "tystnadsplikt"),
    ("allmän handling", "allmänna handlingar", "offentlig handling"),
    ("arkivering", "arkivera", "bevarande"),
    ("gallring", "radering", "förstöring av handlingar"),
    ("diarieföring", "registrering av handlingar"),
    ("utbildning", "kurs", "webbutbildning"),
    ("besökare", "gäst"),
    ("passerkort", "tjänstekort", "id-kort", "passerbricka"),
    ("serverrum", "serverhall", "datorhall"),
    ("videomöte", "digitalt möte", "distansmöte"),
    ("avbrott", "driftstörning", "störning"),
    ("leverantör", "tjänsteleverantör", "underleverantör"),
    ("avtal", "kontrakt", "överenskommelse"),
    ("internkontroll", "intern kontroll"),
    ("informationssäkerhet", "it-säkerhet", "cybersäkerhet", "datasäkerhet"),
    ("uppförandekod", "etiska regler"),
    ("bisyssla", "sidouppdrag"),
    ("kränkande särbehandling", "mobbning", "trakasserier"),
    ("kameraövervakning", "kamerabevakning", "övervakningskamera"),
    ("personalpolicy", "hr-policy"),
)
_ABBREVIATIONS = (
    ("KF", "kommunfullmäktige"),
    ("KS", "kommunstyrelsen"),
    ("KD", "kommundirektören", "kommundirektör"),
    ("LIS", "ledningssystem för informationssäkerhet"),
    ("ISMS", "ledningssystem för informationssäkerhet"),
    ("IT", "informationsteknik"),
    ("IKT", "informations- och kommunikationsteknik", "informationsteknik"),
    ("GDPR", "dataskyddsförordningen", "dataskydd", "personuppgifter"),
    ("DSO", "dataskyddsombud"),
    ("PUB", "personuppgiftsbiträde"),
    ("MSB", "Myndigheten för samhällsskydd och beredskap"),
    ("IMY", "Integritetsskyddsmyndigheten"),
    ("OSL", "offentlighets- och sekretesslagen", "sekretesslagen"),
    ("TF", "tryckfrihetsförordningen"),
    ("KL", "kommunallagen"),
    ("BCM", "kontinuitetshantering"),
    ("MFA", "multifaktorautentisering", "tvåfaktorsautentisering"),
    ("VPN", "fjärråtkomst"),
    ("RSA", "risk- och sårbarhetsanalys"),
    ("HR", "personalavdelningen", "personal"),
    ("CCTV", "kameraövervakning", "kamerabevakning"),
    ("LOU", "lagen om offentlig upphandling", "upphandling"),
    ("TiB", "tjänsteperson i beredskap", "tjänsteman i beredskap"),
    ("BUF", "barn- och utbildningsförvaltningen"),
    ("BUN", "barn- och utbildningsnämnden"),
    ("IFO", "individ- och familjeomsorgen"),
    ("KLF", "kommunledningsförvaltningen"),
)
SEED_SYNONYMS = tuple((terms, False) for terms in _EQUIVALENT) + tuple(
    (terms, True) for terms in _ABBREVIATIONS
)


# -- terms -----------------------------------------------------------------------------------------


def clean_term(term):
    """A term as stored: NFC, whitespace collapsed, case as typed."""
    return " ".join(unicodedata.normalize("NFC", str(term or "")).split())


def term_key(term):
    """What two terms are compared by: no case, no å/ä/ö, single spaces."""
    return fold(clean_term(term))


def stem_key(term):
    """The key of a one-word term's stem (None for phrases and short words)."""
    key = term_key(term)
    if " " in key or len(key) < MIN_STEM_LOOKUP:
        return None
    return fold(stem(clean_term(term)))


def split_terms(text):
    """The terms of the admin's text field: one a line (or comma-separated), cleaned."""
    raw = (text or "").replace(",", "\n").splitlines()
    return [clean_term(term) for term in raw]


def lookup_keys(terms, one_way):
    """The terms a group is looked up by: every term, or only the first of a one-way group."""
    return terms[:1] if one_way else terms


# -- the table -------------------------------------------------------------------------------------


@dataclass
class SynonymTable:
    """{key: other terms} for every lookup term, and the same by stem."""

    exact: dict = field(default_factory=dict)
    stems: dict = field(default_factory=dict)

    @classmethod
    def build(cls, groups):
        """From [(terms, one_way)] in order; a term in two groups expands to both groups'
        terms."""
        table = cls()
        for terms, one_way in groups:
            terms = [term for term in (clean_term(t) for t in terms) if term]
            for term in lookup_keys(terms, one_way):
                own = term_key(term)
                others = [t.lower() for t in terms if term_key(t) != own]
                _add(table.exact, own, others)
                skey = stem_key(term)
                if skey:
                    _add(table.stems, skey, [t for t in others if term_key(t) != skey])
        return table

    def expansions(self, word):
        """The other terms for a typed word (or phrase), lower-case, in list order."""
        key = term_key(word)
        if not key:
            return []
        found = self.exact.get(key)
        if found is None:
            skey = stem_key(word)
            found = self.stems.get(skey, []) if skey else []
        return [term for term in found if term_key(term) != key]


def _add(mapping, key, terms):
    current = mapping.setdefault(key, [])
    for term in terms:
        if term not in current:
            current.append(term)


_local = threading.local()


def synonym_table():
    """The table of the current generation: one cache read, and one query after an edit."""
    generation = current_generation()
    cached = getattr(_local, "table", None)
    if cached is not None and cached[0] == generation:
        return cached[1]
    key = f"{CACHE_PREFIX}:table:{generation}"
    data = cache.get(key)
    if data is None:
        data = _read_groups()
        cache.set(key, data, TABLE_TIMEOUT)
    table = SynonymTable.build(data)
    _local.table = (generation, table)
    return table


def expansions(word, table=None) -> list[str]:
    """The other terms for a typed word: ["hemarbete", "arbete hemifrån", …] for
    "distansarbete", ["kommunfullmäktige"] for "KF", [] when it has none. Pass `table`
    (synonym_table()) when expanding several words of one query."""
    if not isinstance(word, str):
        return []
    return (table or synonym_table()).expansions(word)


def _read_groups():
    from .models import SynonymGroup

    return [
        (group.term_list(), group.one_way)
        for group in SynonymGroup.objects.order_by("pk").only("terms", "one_way")
    ]


# -- invalidation ----------------------------------------------------------------------------------


def current_generation():
    return generations.current(GENERATION_KEY)


def renew_generation():
    generations.renew(GENERATION_KEY)
    _local.__dict__.clear()


def synonyms_changed(sender, **kwargs):
    """post_save/post_delete of a SynonymGroup: the table is read again once the change is
    committed (a table built from the old rows in between is not kept)."""
    transaction.on_commit(renew_generation)


# -- who may edit ----------------------------------------------------------------------------------

SYNONYM_PERMISSIONS = ("add_synonymgroup", "change_synonymgroup", "delete_synonymgroup")


def editor_group_names():
    """The groups that edit the synonym list: the samordnare, who look after search and the
    vocabulary of the register."""
    from governance.setup import COORDINATORS

    return [COORDINATORS]


def grant_permissions(groups=None):
    """Give the synonym permissions to the editor groups that exist (idempotent)."""
    from governance.setup import grant_permissions as grant

    grant("search", SYNONYM_PERMISSIONS, editor_group_names(), groups)


def grant_after_migrate(sender, app_config=None, **kwargs):
    """post_migrate of the search app: its permissions exist now (auth's handler ran first);
    an installation whose groups exist already gets them granted."""
    grant_permissions()


def grant_to_new_group(sender, instance, created=False, raw=False, **kwargs):
    """post_save of Group: setup_styrdok creates the samordnare's group after migrating (a new
    installation, every test database)."""
    if created and not raw and instance.name in editor_group_names():
        grant_permissions([instance])
