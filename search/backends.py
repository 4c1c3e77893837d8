"""WAGTAILSEARCH_BACKENDS for the database Styrdok runs on, or Elasticsearch/OpenSearch.

Called from the settings, so this module imports nothing from Django's app registry (only
policies.swedish, which is plain Python).

- PostgreSQL: Wagtail's database backend with the built-in `swedish` text search configuration
  (Snowball stemming and Swedish stop words). Compounds are handled by the decompounded
  `Styrdokument.search_terms` field (policies.swedish), so no extension (pg_trgm, unaccent) is
  needed: "Menade du …" (search.suggest) works on a vocabulary in Python, the same on every
  database, and can keep to what the reader may see.
- SQLite (the embedded default) and other databases: Wagtail's database backend, on SQLite its
  FTS5 index. No stemming by the engine; `search_terms` carries the stems and compound parts.
- ELASTICSEARCH_URL set: Wagtail's Elasticsearch 8 backend (9 or OpenSearch 2/3 with
  ELASTICSEARCH_VERSION), with a Swedish analyzer (decompounder, stop words, stemmer, å/ä/ö
  folding) as the index's default analyzer, so every text field uses it.

Visibility is never decided by the index: the search view filters with
`Styrdokument.objects.for_request(request)` at query time, so whichever backend is used a
withdrawn or internal document disappears from the public site at once.
"""

from django.core.exceptions import ImproperlyConfigured

from policies.swedish import BASE_LEXICON, fold

from .synonyms import SEED_SYNONYMS, clean_term

DATABASE_BACKEND = "wagtail.search.backends.database"

# ELASTICSEARCH_VERSION → Wagtail 8's backend module (modelsearch underneath).
SEARCH_ENGINE_BACKENDS = {
    "8": "wagtail.search.backends.elasticsearch8",
    "9": "wagtail.search.backends.elasticsearch9",
    "opensearch2": "wagtail.search.backends.opensearch2",
    "opensearch3": "wagtail.search.backends.opensearch3",
}
DEFAULT_ENGINE_VERSION = "8"
DEFAULT_INDEX_PREFIX = "styrdok_"
DEFAULT_TIMEOUT = 10

# The text search configuration PostgreSQL indexes and parses queries with.
POSTGRES_SEARCH_CONFIG = "swedish"

# Names of the analysis components in the Elasticsearch index settings.
INDEX_ANALYZER = "default"  # used for every text field that names no analyzer of its own
SEARCH_ANALYZER = "default_search"  # and for the query text searched against those fields
STOP_FILTER = "styrdok_swedish_stop"
DECOMPOUNDER_FILTER = "styrdok_swedish_decompounder"
STEMMER_FILTER = "styrdok_swedish_stemmer"
FOLDING_FILTER = "styrdok_folding"
SYNONYM_FILTER = "styrdok_swedish_synonyms"


def is_postgresql(database_engine):
    engine = database_engine or ""
    return "postgresql" in engine or "postgis" in engine


def database_backend(database_engine):
    """Wagtail's database backend, with the Swedish configuration on PostgreSQL.

    The autocomplete vector is always built with PostgreSQL's `simple` configuration: modelsearch
    fixes that (there is no option), and it is what prefix matching needs, since a stemmed prefix
    ("riktl" → ?) would not match the stem of the whole word.
    """
    backend = {"BACKEND": DATABASE_BACKEND}
    if is_postgresql(database_engine):
        backend["SEARCH_CONFIG"] = POSTGRES_SEARCH_CONFIG
    return backend


def decompounder_words():
    """The words the Elasticsearch decompounder looks for inside longer words: the database
    backend's lexicon (policies.swedish.BASE_LEXICON), so both split compounds into the same
    words. Lucene's decompounder has no list of words never to split; its original token is kept,
    so "lösenord" is found as typed either way."""
    return sorted(word for word in BASE_LEXICON if word.isalpha())


def synonym_rules(groups=SEED_SYNONYMS):
    """The synonym list in Solr's format, for the `synonym_graph` filter: "a, b, c" for
    equivalent terms, "kf => kf, kommunfullmäktige" for a one-way group (the abbreviation keeps
    finding itself). Each term is also given without å/ä/ö, since the folding filter comes after
    the synonyms ("sakerhetskopiering" finds "backup" too)."""
    rules = []
    for terms, one_way in groups:
        terms = list(dict.fromkeys(clean_term(term).lower() for term in terms if clean_term(term)))
        if len(terms) < 2:
            continue
        if one_way:
            heads = list(dict.fromkeys([terms[0], fold(terms[0])]))
            rules.append(f"{', '.join(heads)} => {', '.join(terms)}")
        else:
            variants = list(dict.fromkeys([*terms, *(fold(term) for term in terms)]))
            rules.append(", ".join(variants))
    return rules


def swedish_index_settings():
    """INDEX_SETTINGS: a Swedish analyzer as the index's default analyzer.

    The backend's own mapping names no analyzer for SearchFields (title, summary, body,
    diarienummer, search_terms) nor for the `_all_text` fields they are copied to, so they all use
    the index's `default` analyzer when indexing and `default_search` for queries. Only the
    autocomplete fields (`*_edgengrams`) name the backend's `edgengram_analyzer`, which keeps
    working since INDEX_SETTINGS are merged into the backend's settings, not substituted for them.

    Compounds are split when indexing only: "informationssäkerhetspolicy" is indexed with
    "information", "säkerhet" and "policy" too, so a search for "säkerhet" finds it, while a search
    for "informationssäkerhetspolicy" is not widened to every document about "information".
    Stems are made after splitting (the parts are stemmed too), and å/ä/ö are folded last with the
    original kept, so "sakerhet" typed without å/ä/ö finds "säkerhet".

    Synonyms are added to the query only (a `synonym_graph` filter, which is made for search
    time), before the stop words are taken out so that a rule like "hot och våld" is read whole.
    They are search.synonyms.SEED_SYNONYMS, not the list edited in the admin: these settings are
    made when Django starts, before the database can be read. The admin's list reaches
    Elasticsearch through the query parser (search.synonyms.expansions) like every backend; to
    change the index's own rules, edit SEED_SYNONYMS and run `manage.py update_index`.
    """
    words = decompounder_words()
    after_tokenizing = ["lowercase", STOP_FILTER]
    after_splitting = [STEMMER_FILTER, FOLDING_FILTER]
    return {
        "settings": {
            "analysis": {
                "filter": {
                    STOP_FILTER: {"type": "stop", "stopwords": "_swedish_"},
                    DECOMPOUNDER_FILTER: {
                        "type": "dictionary_decompounder",
                        "word_list": words,
                        "min_word_size": 6,
                        "min_subword_size": 3,
                        "max_subword_size": max(len(word) for word in words),
                        "only_longest_match": False,
                    },
                    # Snowball Swedish: the same stemmer as policies.swedish.stem and PostgreSQL.
                    STEMMER_FILTER: {"type": "stemmer", "language": "swedish"},
                    FOLDING_FILTER: {"type": "asciifolding", "preserve_original": True},
                    SYNONYM_FILTER: {
                        "type": "synonym_graph",
                        "synonyms": synonym_rules(),
                        # A rule the analyzer cannot read is skipped rather than failing the
                        # index.
                        "lenient": True,
                    },
                },
                "analyzer": {
                    INDEX_ANALYZER: {
                        "type": "custom",
                        "tokenizer": "standard",
                        "filter": [*after_tokenizing, DECOMPOUNDER_FILTER, *after_splitting],
                    },
                    SEARCH_ANALYZER: {
                        "type": "custom",
                        "tokenizer": "standard",
                        "filter": ["lowercase", SYNONYM_FILTER, STOP_FILTER, *after_splitting],
                    },
                },
            }
        }
    }


def _setting(environ, name, default=""):
    return (environ.get(name) or "").strip() or default


def search_engine_backend(environ):
    """The Elasticsearch/OpenSearch backend described by the ELASTICSEARCH_* variables."""
    urls = [url.strip() for url in environ.get("ELASTICSEARCH_URL", "").split(",") if url.strip()]
    version = _setting(environ, "ELASTICSEARCH_VERSION", DEFAULT_ENGINE_VERSION).lower()
    if version not in SEARCH_ENGINE_BACKENDS:
        raise ImproperlyConfigured(
            f"ELASTICSEARCH_VERSION={version!r} is not supported; "
            f"use one of {', '.join(SEARCH_ENGINE_BACKENDS)}."
        )
    timeout = _setting(environ, "ELASTICSEARCH_TIMEOUT", str(DEFAULT_TIMEOUT))
    try:
        timeout = int(timeout)
    except ValueError:
        raise ImproperlyConfigured(
            f"ELASTICSEARCH_TIMEOUT must be a whole number of seconds, not {timeout!r}."
        ) from None

    options = {}
    ca_certs = _setting(environ, "ELASTICSEARCH_CA_CERTS")
    if ca_certs:
        options["ca_certs"] = ca_certs
    api_key = _setting(environ, "ELASTICSEARCH_API_KEY")
    if api_key:
        if version.startswith("opensearch"):
            raise ImproperlyConfigured(
                "ELASTICSEARCH_API_KEY is for Elasticsearch; give OpenSearch's user and password "
                "in ELASTICSEARCH_URL (https://user:password@host:9200)."
            )
        options["api_key"] = api_key

    return {
        "BACKEND": SEARCH_ENGINE_BACKENDS[version],
        "URLS": urls,
        "INDEX_PREFIX": _setting(environ, "ELASTICSEARCH_INDEX_PREFIX", DEFAULT_INDEX_PREFIX),
        "TIMEOUT": timeout,
        "OPTIONS": options,
        "INDEX_SETTINGS": swedish_index_settings(),
    }


def search_backends(environ, database_engine):
    """WAGTAILSEARCH_BACKENDS: Elasticsearch/OpenSearch when ELASTICSEARCH_URL is set, otherwise
    the database backend for `database_engine` (DATABASES["default"]["ENGINE"]).

    Only one backend: with Elasticsearch the database index is not kept up to date as well (that
    would double the indexing work on every publish). After switching backends, run
    `manage.py update_index`.
    """
    if _setting(environ, "ELASTICSEARCH_URL"):
        return {"default": search_engine_backend(environ)}
    return {"default": database_backend(database_engine)}
