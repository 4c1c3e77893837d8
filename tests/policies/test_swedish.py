"""Compound splitting (policies.swedish.split_compound): parts are real words, never more parts
than needed, and words that only look like compounds stay whole.

Plain Python, no database: these tests say what the search index (Styrdokument.search_terms)
holds for each word.
"""

import pytest

from policies.swedish import (
    NEVER_SPLIT,
    Lexicon,
    corpus_words,
    expand,
    index_text,
    never_split,
    split_compound,
    stem,
)

# word → its parts, as the lexicon words they stand for
MUST_SPLIT = {
    "informationssäkerhetspolicy": ["information", "säkerhet", "policy"],
    "informationssäkerhetssamordnare": ["information", "säkerhet", "samordnare"],
    "informationssäkerhetsincidenter": ["information", "säkerhet", "incidenter"],
    "informationssäkerhetspolicyn": ["information", "säkerhet", "policyn"],
    "informationsklassning": ["information", "klassning"],
    "informationsägare": ["information", "ägare"],
    "styrdokument": ["styra", "dokument"],
    "styrdokumenten": ["styra", "dokumenten"],
    "kommunstyrelsen": ["kommun", "styrelsen"],
    "kommunfullmäktige": ["kommun", "fullmäktige"],
    "kommundirektören": ["kommun", "direktören"],
    "distansarbete": ["distans", "arbete"],
    "hemarbete": ["hem", "arbete"],
    "säkerhetskopiering": ["säkerhet", "kopiering"],
    "säkerhetskopior": ["säkerhet", "kopior"],
    "incidenthantering": ["incident", "hantering"],
    "incidentrapport": ["incident", "rapport"],
    "behörighetsstyrning": ["behörighet", "styrning"],
    "behörighetshantering": ["behörighet", "hantering"],
    "kontinuitetsplanering": ["kontinuitet", "planering"],
    "kontinuitetsplanen": ["kontinuitet", "planen"],
    "personuppgiftsincident": ["personuppgift", "incident"],
    "personuppgiftsbiträde": ["personuppgift", "biträde"],
    "personuppgiftsansvarig": ["personuppgift", "ansvarig"],
    "dataskyddsombud": ["dataskydd", "ombud"],
    "dataskyddsförordningen": ["dataskydd", "förordningen"],
    "lösenordsbyte": ["lösenord", "byte"],
    "lösenordspolicy": ["lösenord", "policy"],
    "lösenordshanterare": ["lösenord", "hanterare"],
    "krisberedskap": ["kris", "beredskap"],
    "beredskapsplan": ["beredskap", "plan"],
    "krisledningsplan": ["krisledning", "plan"],
    "nätverkssäkerhet": ["nätverk", "säkerhet"],
    "verksamhetsplan": ["verksamhet", "plan"],
    "verksamhetssystem": ["verksamhet", "system"],
    "ledningssystem": ["ledning", "system"],
    "brandvägg": ["brand", "vägg"],
    "mobiltelefon": ["mobil", "telefon"],
    "molntjänster": ["moln", "tjänster"],
    "riskanalys": ["risk", "analys"],
    "sårbarhetsanalys": ["sårbarhet", "analys"],
    "riskbedömning": ["risk", "bedömning"],
    "åtkomstkontroll": ["åtkomst", "kontroll"],
    "leverantörsavtal": ["leverantör", "avtal"],
    "upphandlingspolicy": ["upphandling", "policy"],
    "gallringsbeslut": ["gallring", "beslut"],
    "delegationsordning": ["delegation", "ordning"],
    "handlingsplan": ["handling", "plan"],
    "stödanvisning": ["stöd", "anvisning"],
    "systemägare": ["system", "ägare"],
    "passerkort": ["passer", "kort"],
    "ärendehantering": ["ärende", "hantering"],
    "internkontrollplan": ["internkontroll", "plan"],
    "tvåfaktorsautentisering": ["två", "faktor", "autentisering"],
    "kommunallagen": ["kommunal", "lagen"],
    # A dropped or changed ending before the next part, and the linking -e-.
    "arbetsmiljö": ["arbete", "miljö"],
    "skolverksamhet": ["skola", "verksamhet"],
    "förskoleverksamhet": ["förskola", "verksamhet"],
    "visselblåsarfunktion": ["visselblåsare", "funktion"],
    "tjänsteresa": ["tjänst", "resa"],
    "tjänstetelefon": ["tjänst", "telefon"],
    "skadeanmälan": ["skada", "anmälan"],
    "samhällsbyggnadsförvaltningen": ["samhälle", "byggnad", "förvaltningen"],
    "intressejäv": ["intresse", "jäv"],
    "direktupphandling": ["direkt", "upphandling"],
    "arbetsmåltider": ["arbete", "måltider"],
}

# Words that are not compounds of known words, or are compounds only in form.
MUST_NOT_SPLIT = [
    "lösenord",
    "lösenordet",
    "lösenorden",
    "beredskap",
    "beredskapen",
    "nätverk",
    "verksamhet",
    "verksamheten",
    "myndighet",
    "information",
    "kontroll",
    "program",
    "uppgift",
    "ansvar",
    "förvaltning",
    "organisation",
    "medarbetare",
    "användare",
    "handling",
    "avtal",
    "beslut",
    "behörighet",
    "riktlinje",
    "riktlinjer",
    "sekretess",
    "kommunen",
    "styrelsen",
    "arbete",
    "säkerhet",
    "utbildning",
    "uppföljning",
    "underhåll",
    "översyn",
    "inloggning",
    "leverantör",
    "samordnare",
    "ledamot",
    "ärende",
    "protokoll",
    "telefon",
    "kontor",
    "planering",
    "hantering",
    "granskning",
    "återställning",
    "incidenter",
    "stadshus",
    "kvalitet",
    "strategi",
    "tillgång",
    "personal",
    "mutor",
    "beställning",
    "tiden",
    "framtid",
    "måltider",
    "samhället",
    "lönsam",
]


@pytest.mark.parametrize("word, parts", MUST_SPLIT.items())
def test_a_compound_is_split_into_words(word, parts):
    assert split_compound(word) == parts


@pytest.mark.parametrize("word", MUST_NOT_SPLIT)
def test_a_word_is_not_over_split(word):
    assert split_compound(word) == []


def test_there_are_enough_cases():
    assert len(MUST_SPLIT) + len(MUST_NOT_SPLIT) >= 100


@pytest.mark.parametrize("word", sorted(NEVER_SPLIT))
def test_no_protected_word_is_split(word):
    assert never_split(word)
    assert split_compound(word) == []


def test_the_fewest_parts_win():
    """'lösenordsbyte' could be lösen|ord|s|byte too; two parts beat three."""
    assert split_compound("lösenordsbyte") == ["lösenord", "byte"]
    assert split_compound("informationssäkerhetspolicy") == ["information", "säkerhet", "policy"]


def test_a_part_is_never_a_stop_word_or_a_fragment():
    for word in MUST_SPLIT:
        for part in split_compound(word):
            assert len(part) >= 3, (word, part)
            assert part not in {"för", "under", "över", "mot", "med", "upp"}, (word, part)


def test_a_non_word_and_short_or_odd_input_is_not_split():
    assert split_compound("xyzxyzxyz") == []
    assert split_compound("hem") == []
    assert split_compound("it2025policy") == []
    assert split_compound("") == []


def test_expand_holds_the_parts_and_their_stems_and_index_text_folds():
    forms = expand("kontinuitetsplaneringen")
    assert {"kontinuitet", "planeringen", stem("planeringen")} <= forms
    terms = index_text("Rutin för behörighetsstyrning").split()
    assert {"behörighet", "styrning", "behorighet"} <= set(terms)
    assert "lösen" not in index_text("Byt lösenordet").split()


def test_words_from_a_corpus_count_from_the_threshold():
    """A corpus word is a part only when it occurs on its own often enough."""
    counts = {"sprinkler": 5, "larmcentral": 1, "ab": 9, "och": 50}
    assert corpus_words(counts, min_count=3) == {"sprinkler"}

    lexicon = Lexicon(counts=counts, min_count=3)
    assert split_compound("sprinklersystem", lexicon) == ["sprinkler", "system"]
    assert split_compound("sprinklersystem") == []  # not in the curated lexicon
    rare = Lexicon(counts={"sprinkler": 2}, min_count=3)
    assert split_compound("sprinklersystem", rare) == []


def test_a_corpus_word_does_not_split_a_protected_word():
    lexicon = Lexicon(counts={"lösen": 10, "ord": 10, "bered": 10, "skap": 10})
    assert split_compound("lösenord", lexicon) == []
    assert split_compound("beredskap", lexicon) == []
