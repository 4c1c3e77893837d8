"""Search backends: the configuration produced for each environment, and what the backend in use
does with Swedish text and with publishing.

No Elasticsearch server runs here: its configuration is tested as produced (and merged into
modelsearch's own index settings and mapping), and the live tests are skipped unless
ELASTICSEARCH_URL is set.
"""

import os
import uuid
from copy import deepcopy

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from modelsearch.backends.elasticsearchbase import (
    ElasticsearchBaseMapping,
    ElasticsearchBaseSearchBackend,
)
from modelsearch.utils import deep_update
from wagtail.search.backends import get_search_backend

from policies.channels import INTRANET, PUBLIC
from policies.models import Publicity, RiktlinjePage, RutinPage, Styrdokument
from policies.repeal import register_existing_repeal
from policies.swedish import BASE_LEXICON, NEVER_SPLIT, fold, split_compound, stem
from search import backends
from search.backends import search_backends, swedish_index_settings, synonym_rules
from search.synonyms import SEED_SYNONYMS
from tests.factories import (
    adopt_new_version,
    days_ago,
    get_body,
    make_document,
    make_live_document,
    make_user,
    paragraph,
)

SQLITE = "django.db.backends.sqlite3"
POSTGRES = "django.db.backends.postgresql"
ES_URL = "https://search.exempelkommun.se:9200"

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Endast PostgreSQL: Swedish stemming by the database / only on PostgreSQL",
)


# -- the produced configuration (pure functions) ---------------------------------------------------


def test_sqlite_uses_the_database_backend_without_options():
    assert search_backends({}, SQLITE) == {
        "default": {"BACKEND": "wagtail.search.backends.database"}
    }


@pytest.mark.parametrize("engine", [POSTGRES, "django.contrib.gis.db.backends.postgis"])
def test_postgresql_uses_the_swedish_text_search_configuration(engine):
    assert search_backends({}, engine) == {
        "default": {"BACKEND": "wagtail.search.backends.database", "SEARCH_CONFIG": "swedish"}
    }


def test_other_databases_get_the_plain_database_backend():
    assert search_backends({}, "django.db.backends.mysql") == {
        "default": {"BACKEND": "wagtail.search.backends.database"}
    }


def test_an_empty_elasticsearch_url_means_the_database():
    assert search_backends({"ELASTICSEARCH_URL": "  "}, POSTGRES)["default"]["BACKEND"] == (
        "wagtail.search.backends.database"
    )


def test_elasticsearch_url_selects_elasticsearch_8_with_the_swedish_analyzer():
    config = search_backends({"ELASTICSEARCH_URL": ES_URL}, POSTGRES)

    assert list(config) == ["default"]  # the database index is not kept up to date as well
    assert config["default"] == {
        "BACKEND": "wagtail.search.backends.elasticsearch8",
        "URLS": [ES_URL],
        "INDEX_PREFIX": "styrdok_",
        "TIMEOUT": 10,
        "OPTIONS": {},
        "INDEX_SETTINGS": swedish_index_settings(),
    }


@pytest.mark.parametrize(
    "version, backend",
    [
        ("8", "wagtail.search.backends.elasticsearch8"),
        ("9", "wagtail.search.backends.elasticsearch9"),
        ("opensearch2", "wagtail.search.backends.opensearch2"),
        ("OpenSearch3", "wagtail.search.backends.opensearch3"),
    ],
)
def test_elasticsearch_version_picks_the_backend(version, backend):
    environ = {"ELASTICSEARCH_URL": ES_URL, "ELASTICSEARCH_VERSION": version}

    config = search_backends(environ, SQLITE)["default"]

    assert config["BACKEND"] == backend
    assert config["INDEX_SETTINGS"] == swedish_index_settings()


def test_every_backend_module_exists_in_wagtail():
    import importlib.util

    for module in backends.SEARCH_ENGINE_BACKENDS.values():
        assert importlib.util.find_spec(module) is not None, module


def test_elasticsearch_variables():
    environ = {
        "ELASTICSEARCH_URL": f"{ES_URL}, https://search2.exempelkommun.se:9200",
        "ELASTICSEARCH_INDEX_PREFIX": "kommunen_",
        "ELASTICSEARCH_TIMEOUT": "30",
        "ELASTICSEARCH_CA_CERTS": "/etc/ssl/kommun-ca.pem",
        "ELASTICSEARCH_API_KEY": "bnljaGVs",
    }

    config = search_backends(environ, SQLITE)["default"]

    assert config["URLS"] == [ES_URL, "https://search2.exempelkommun.se:9200"]
    assert config["INDEX_PREFIX"] == "kommunen_"
    assert config["TIMEOUT"] == 30
    assert config["OPTIONS"] == {"ca_certs": "/etc/ssl/kommun-ca.pem", "api_key": "bnljaGVs"}


@pytest.mark.parametrize(
    "environ, message",
    [
        ({"ELASTICSEARCH_VERSION": "7"}, "ELASTICSEARCH_VERSION"),
        ({"ELASTICSEARCH_TIMEOUT": "tio"}, "ELASTICSEARCH_TIMEOUT"),
        (
            {"ELASTICSEARCH_VERSION": "opensearch2", "ELASTICSEARCH_API_KEY": "x"},
            "ELASTICSEARCH_API_KEY",
        ),
    ],
)
def test_wrong_elasticsearch_variables_stop_the_start(environ, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        search_backends({"ELASTICSEARCH_URL": ES_URL, **environ}, SQLITE)


def test_the_settings_use_the_produced_configuration():
    produced = search_backends(os.environ, settings.DATABASES["default"]["ENGINE"])
    assert produced == settings.WAGTAILSEARCH_BACKENDS


# -- the Elasticsearch index settings --------------------------------------------------------------


def merged_index_settings():
    """The settings the backend creates its index with: its own, updated with INDEX_SETTINGS (as
    ElasticsearchBaseSearchBackend.__init__ does)."""
    return deep_update(deepcopy(ElasticsearchBaseSearchBackend.settings), swedish_index_settings())


def test_the_swedish_analyzer_is_the_index_default_for_indexing_and_searching():
    analysis = merged_index_settings()["settings"]["analysis"]
    analyzers, filters = analysis["analyzer"], analysis["filter"]

    index, search = analyzers["default"], analyzers["default_search"]
    assert index["filter"] == [
        "lowercase",
        "styrdok_swedish_stop",
        "styrdok_swedish_decompounder",
        "styrdok_swedish_stemmer",
        "styrdok_folding",
    ]
    # Compounds are split when indexing, not in the query; synonyms are added to the query only,
    # before the stop words go (a rule such as "hot och våld" is read whole).
    assert search["filter"] == [
        "lowercase",
        "styrdok_swedish_synonyms",
        "styrdok_swedish_stop",
        "styrdok_swedish_stemmer",
        "styrdok_folding",
    ]
    assert filters["styrdok_swedish_stop"] == {"type": "stop", "stopwords": "_swedish_"}
    assert filters["styrdok_swedish_stemmer"] == {"type": "stemmer", "language": "swedish"}
    assert filters["styrdok_folding"] == {"type": "asciifolding", "preserve_original": True}
    # Every filter the analyzers name is built in or defined.
    for analyzer in analyzers.values():
        for name in analyzer["filter"]:
            assert name in {"lowercase", "asciifolding"} or name in filters, name
    # modelsearch's own analyzers (autocomplete) survive the merge.
    assert {"ngram_analyzer", "edgengram_analyzer"} <= set(analyzers)
    assert {"ngram", "edgengram"} <= set(filters)


def test_the_decompounder_looks_for_the_lexicon_words():
    decompounder = swedish_index_settings()["settings"]["analysis"]["filter"][
        "styrdok_swedish_decompounder"
    ]

    words = decompounder["word_list"]
    assert decompounder["type"] == "dictionary_decompounder"
    assert words == sorted(words)
    assert set(words) == {word for word in BASE_LEXICON if word.isalpha()}
    assert {"säkerhet", "riktlinje", "information", "policy", "lösenord"} <= set(words)
    assert decompounder["min_subword_size"] == 3
    assert decompounder["max_subword_size"] >= max(len(word) for word in words)
    # Lucene's brute force finds the parts of a compound the way this does.
    compound = "informationssäkerhetspolicy"
    found = {
        compound[i:j]
        for i in range(len(compound))
        for j in range(i + 3, len(compound) + 1)
        if compound[i:j] in words
    }
    assert {"information", "säkerhet", "policy"} <= found


def test_the_decompounder_and_the_database_index_split_into_the_same_words():
    """Every part policies.swedish finds is a word the decompounder looks for, and the words
    never split are in its list whole (Lucene keeps the original token as well)."""
    words = set(
        swedish_index_settings()["settings"]["analysis"]["filter"]["styrdok_swedish_decompounder"][
            "word_list"
        ]
    )
    compounds = [
        "informationssäkerhetspolicy",
        "kommunstyrelsen",
        "behörighetsstyrning",
        "säkerhetskopiering",
        "lösenordsbyte",
        "distansarbete",
        "personuppgiftsincident",
        "kontinuitetsplanering",
    ]
    for compound in compounds:
        parts = split_compound(compound)
        assert parts, compound
        assert {stem(part) for part in parts} <= {stem(word) for word in words}, compound
    assert words >= NEVER_SPLIT


def synonym_filter():
    return swedish_index_settings()["settings"]["analysis"]["filter"]["styrdok_swedish_synonyms"]


def test_the_search_analyzer_has_the_seed_synonyms():
    synonyms = synonym_filter()

    assert synonyms["type"] == "synonym_graph"
    assert synonyms["lenient"] is True
    assert synonyms["synonyms"] == synonym_rules(SEED_SYNONYMS)
    assert len(synonyms["synonyms"]) == len(SEED_SYNONYMS)


def test_equivalent_terms_are_one_rule_and_abbreviations_expand_one_way():
    rules = synonym_filter()["synonyms"]

    [home] = [rule for rule in rules if rule.startswith("distansarbete,")]
    assert {"hemarbete", "arbete hemifrån", "arbete hemifran"} <= set(home.split(", "))
    assert "=>" not in home
    # The abbreviation keeps finding itself and finds the organ; the organ does not find "KF".
    assert "kf => kf, kommunfullmäktige" in rules
    assert "ks => ks, kommunstyrelsen" in rules
    assert not any(rule.startswith("kommunfullmäktige") for rule in rules)


def test_synonym_rules_are_solr_rules_in_lower_case():
    for rule in synonym_rules():
        left, _arrow, right = rule.partition(" => ")
        for side in (left, right):
            terms = side.split(", ") if side else []
            assert all(term and term == term.strip().lower() for term in terms), rule
            assert not any(character in side for character in '"=#\\'), rule
        assert rule.count("=>") <= 1


def test_synonym_rules_also_hold_the_terms_without_å_ä_ö():
    rules = synonym_rules(
        [(("Säkerhetskopiering", "backup"), False), (("KF", "fullmäktige"), True)]
    )

    assert rules == [
        "säkerhetskopiering, backup, sakerhetskopiering",
        "kf => kf, fullmäktige",
    ]


def test_a_synonym_group_of_one_term_gives_no_rule():
    assert synonym_rules([(("ensam", " "), False), ((), True)]) == []


def test_the_analyzer_applies_to_title_body_and_metadata():
    """The mapping names no analyzer for the text fields, so the index default applies."""
    properties = ElasticsearchBaseMapping(RiktlinjePage).get_mapping()["properties"]
    text_fields = [
        "title",
        "policies_styrdokument__summary",
        "policies_styrdokument__body",
        "policies_styrdokument__diarienummer",
        "policies_styrdokument__search_terms",
        "_all_text",
    ]

    for name in text_fields:
        assert properties[name]["type"] == "text", name
        assert "analyzer" not in properties[name], name
        assert "search_analyzer" not in properties[name], name
    # The boosted title is copied to a boost field, which uses the default analyzer too.
    boost_fields = [name for name in properties if name.startswith("_all_text_boost_")]
    assert boost_fields
    for name in boost_fields:
        assert properties[name] == {"type": "text"}
    # Autocomplete keeps modelsearch's edge n-grams, defined in the merged settings.
    analyzers = merged_index_settings()["settings"]["analysis"]["analyzer"]
    assert properties["_edgengrams"]["analyzer"] in analyzers


def test_a_document_sent_to_elasticsearch_carries_body_text_and_decompounded_terms(db):
    page = make_live_document(
        RiktlinjePage,
        title="Riktlinje för informationssäkerhet",
        body=[paragraph("<p>Säkerhetskopiering görs varje natt.</p>")],
    )

    document = ElasticsearchBaseMapping(RiktlinjePage).get_document(page)

    body = document["policies_styrdokument__body"]
    assert "Säkerhetskopiering görs varje natt." in " ".join(body)
    terms = document["policies_styrdokument__search_terms"].split()
    assert {"säkerhet", "kopiering", "sakerhet"} <= set(terms)


# -- the database backend in use: Swedish text -------------------------------------------------


@pytest.fixture
def policy(db):
    return make_document(
        RiktlinjePage,
        title="Informationssäkerhetspolicy för kommunen",
        summary="Riktlinje för hur kommunen skyddar sin information.",
        body=[paragraph("<p>Varje förvaltning utser en informationsägare.</p>")],
    )


def found(query, queryset=None):
    queryset = Styrdokument.objects.live() if queryset is None else queryset
    return [page.pk for page in queryset.search(query, operator="and")]


def test_a_compound_is_found_by_its_parts(policy):
    assert found("säkerhet") == [policy.pk]
    assert found("policy") == [policy.pk]
    assert found("ägare") == [policy.pk]


def test_words_are_found_without_å_ä_ö(policy):
    assert found("sakerhet") == [policy.pk]
    assert found("informationsagare") == [policy.pk]


def test_stems_from_the_search_terms_field_are_found(policy):
    """What policies.swedish makes of a query ("riktlinjerna" → "riktlinj") finds the document on
    every backend: search_terms carries the stems."""
    assert found(stem("riktlinjerna")) == [policy.pk]
    assert found(fold(stem("förvaltningarna"))) == [policy.pk]


def test_body_text_and_metadata_are_indexed(policy):
    assert found("utser") == [policy.pk]  # StreamField body
    assert found("kommunstyrelsen") == [policy.pk]  # beslutande organ, through search_terms


def test_the_diarienummer_is_found_as_typed(policy):
    assert found(policy.diarienummer) == [policy.pk]


@postgres_only
def test_postgresql_backend_is_configured_with_swedish():
    backend = get_search_backend()

    assert backend.config == "swedish"
    assert backend.autocomplete_config == "simple"


@postgres_only
def test_postgresql_stems_swedish_inflections(policy):
    assert found("riktlinjerna") == [policy.pk]
    assert found("riktlinjer") == [policy.pk]
    assert found("kommunens") == [policy.pk]


@postgres_only
def test_postgresql_index_holds_swedish_lexemes(policy):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT body::text FROM wagtailsearch_indexentry WHERE object_id = %s",
            [str(policy.pk)],
        )
        (vector,) = cursor.fetchone()
        cursor.execute("SELECT to_tsvector('swedish', 'riktlinjer')::text")
        (expected,) = cursor.fetchone()

    assert expected == "'riktlinj':1"
    assert "'riktlinj'" in vector
    assert "'för'" not in vector  # a Swedish stop word


# -- the database backend in use: publishing and audience take effect at once ------------------


def public(query):
    return found(query, Styrdokument.objects.for_channel(PUBLIC))


def intranet(query, user):
    return found(query, Styrdokument.objects.for_channel(INTRANET, user))


def test_a_published_document_is_found_at_once_and_a_draft_is_not(db):
    draft = make_document(RiktlinjePage, title="Riktlinje för molntjänster", publish=False)
    assert public("molntjänster") == []

    # A styrdokument goes live only through a recorded decision (issue 13).
    adopt_new_version(
        draft, decision_body=get_body("ks"), decision_date=days_ago(1), diarienummer="KS-2026-43"
    )

    assert public("molntjänster") == [draft.pk]


def test_an_unpublished_document_disappears_at_once(db):
    page = make_document(RiktlinjePage, title="Riktlinje för kameraövervakning")
    assert public("kameraövervakning") == [page.pk]

    # An adopted document leaves the register only by a repeal decision (issue 13).
    register_existing_repeal(
        page, body=page.decision_body, decision_date=days_ago(1), diarienummer="KS-2026-44"
    )

    assert public("kameraövervakning") == []
    assert found("kameraövervakning") == []


def test_a_document_adopted_again_as_internal_leaves_the_public_results_at_once(db):
    staff = make_user("handlaggare")
    page = make_document(
        RutinPage,
        title="Rutin för besökare",
        body=[paragraph("<p>Besökare kvitterar ut passerkort i receptionen.</p>")],
    )
    assert public("passerkort") == [page.pk]

    adopt_new_version(page, publicity=Publicity.INTERNAL)

    assert public("passerkort") == []
    assert public("besökare") == []
    assert intranet("passerkort", staff) == [page.pk]


def test_a_restricted_document_is_found_only_by_its_group(db):
    group = Group.objects.get(name="Beslutsfattare")
    member = make_user("beslutsfattaren", groups=[group.name])
    outsider = make_user("utomstaende")
    page = make_document(
        RutinPage,
        title="Rutin för krisledningsnämnden",
        publicity=Publicity.INTERNAL,
        restricted_to=[group],
    )

    assert intranet("krisledningsnämnden", member) == [page.pk]
    assert intranet("krisledningsnämnden", outsider) == []
    assert public("krisledningsnämnden") == []


# -- Elasticsearch/OpenSearch against a real server (only when ELASTICSEARCH_URL is set) -------


@pytest.mark.skipif(
    not os.environ.get("ELASTICSEARCH_URL", "").strip(),
    reason="ELASTICSEARCH_URL är inte satt: inga live-tester mot Elasticsearch",
)
@pytest.mark.django_db
class TestLiveElasticsearch:
    """Indexes a few documents into a throwaway index with the produced configuration."""

    @pytest.fixture
    def backend(self):
        version = os.environ.get("ELASTICSEARCH_VERSION", "8").lower()
        pytest.importorskip("opensearchpy" if version.startswith("opensearch") else "elasticsearch")
        config = search_backends(os.environ, connection.settings_dict["ENGINE"])["default"]
        params = {**config, "INDEX_PREFIX": f"styrdoktest_{uuid.uuid4().hex[:8]}_"}
        backend = get_search_backend(params.pop("BACKEND"), **params)
        index = backend.get_index_for_model(Styrdokument)
        index.reset()
        yield backend
        index.delete()

    @pytest.fixture
    def documents(self, backend):
        pages = [
            make_live_document(
                RiktlinjePage,
                title="Informationssäkerhetspolicy",
                summary="Kommunens riktlinje för informationssäkerhet.",
                body=[paragraph("<p>Säkerhetskopieringen av servrarna sker varje natt.</p>")],
            ),
            make_live_document(
                RutinPage,
                title="Rutin för lösenordsbyte",
                body=[paragraph("<p>Lösenorden byts var tredje månad.</p>")],
            ),
            make_live_document(
                RiktlinjePage,
                title="Riktlinje för kontinuitetsplanering",
                publicity=Publicity.INTERNAL,
            ),
        ]
        index = backend.get_index_for_model(Styrdokument)
        for model in {type(page) for page in pages}:
            index.add_model(model)
        for page in pages:
            index.add_item(page)
        index.refresh()
        return pages

    def search(self, backend, query, queryset=None):
        queryset = Styrdokument.objects.live() if queryset is None else queryset
        return {page.pk for page in backend.search(query, queryset, operator="and")}

    def analyze(self, backend, analyzer, text):
        index = backend.get_index_for_model(Styrdokument)
        request = {"analyzer": analyzer, "text": text}
        if os.environ.get("ELASTICSEARCH_VERSION", "8").lower().startswith("opensearch"):
            response = backend.es.indices.analyze(index=index.name, body=request)
        else:
            response = backend.es.indices.analyze(index=index.name, **request)
        return {token["token"] for token in response["tokens"]}

    def test_the_swedish_analyzer_is_installed(self, backend, documents):
        indexed = self.analyze(backend, "default", "Informationssäkerhetspolicyn")
        searched = self.analyze(backend, "default_search", "Informationssäkerhetspolicyn")

        parts = {stem("information"), stem("säkerhet"), fold(stem("säkerhet")), stem("policy")}
        assert parts <= indexed
        assert not parts & searched  # compounds are split when indexing only
        assert stem("informationssäkerhetspolicyn") in searched

    def test_compound_parts_are_found(self, backend, documents):
        policy, password, _internal = documents
        assert self.search(backend, "säkerhet") == {policy.pk}
        assert self.search(backend, "lösenord") == {password.pk}

    def test_inflections_are_found(self, backend, documents):
        policy, password, _internal = documents
        assert policy.pk in self.search(backend, "riktlinjerna")
        assert self.search(backend, "säkerhetskopiering") == {policy.pk}
        assert self.search(backend, "lösenordet") == {password.pk}

    def test_words_are_found_without_å_ä_ö(self, backend, documents):
        policy, password, _internal = documents
        assert self.search(backend, "sakerhet") == {policy.pk}
        assert self.search(backend, "losenord") == {password.pk}

    def test_the_audience_is_decided_by_the_queryset(self, backend, documents):
        _policy, _password, internal = documents
        assert self.search(backend, "kontinuitetsplanering") == {internal.pk}
        public_documents = Styrdokument.objects.for_channel(PUBLIC)
        assert self.search(backend, "kontinuitetsplanering", public_documents) == set()
