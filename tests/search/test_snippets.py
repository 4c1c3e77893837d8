"""A snippet read only as far as it can reach (search.snippets.spans_to_window) is the snippet
the whole text gives (match_spans), for every kind of text: a match at the start, in the middle
or at the end, matches only without å/ä/ö before an exact one, no match at all, long texts."""

import random

import pytest

from search.parsing import parse_query
from search.snippets import (
    EXACT,
    Matcher,
    make_snippet,
    match_spans,
    merged_spans,
    render_snippet,
    snippet_window,
    spans_to_window,
)

SENTENCE = (
    "kommunen ska skydda sin information och sina system mot obehörig åtkomst lösenord "
    "lösenorden byts regelbundet sakerhet säkerhet informationssäkerhet incidenter rapporteras "
    "till förvaltningschefen personuppgifter behandlas enligt dataskyddsförordningen och "
    "arkivlagen medarbetare ansvarar för att följa rutinen"
)
WORDS = SENTENCE.split(" ")
QUERIES = ["lösenord", "säkerhet", "sakerhet", "incident rapport", "arkiv", "saknas helt"]


def reference(text, matcher, length=200):
    """make_snippet as it was: every word of the text classified first."""
    spans = match_spans(text, matcher)
    exact = [span for span in spans if span[2] == EXACT]
    anchor = (exact or spans or [None])[0]
    start, end = snippet_window(text, anchor, length)
    return render_snippet(text, start, end, merged_spans(spans, start, end))


def texts():
    rng = random.Random(17)
    made = ["", "lösenord", "Lösenord först. " + " ".join(WORDS * 40), " ".join(WORDS * 40)]
    for size in (5, 40, 400, 3000):
        made.append(" ".join(rng.choice(WORDS) for _ in range(size)))
    # Only folded matches early, the exact one far later.
    made.append("sakerhet " * 30 + "ord " * 200 + "säkerhet och mer text " * 20)
    return made


@pytest.mark.parametrize("query", QUERIES)
def test_the_snippet_is_the_one_the_whole_text_gives(query):
    matcher = Matcher(parse_query(query))
    for text in texts():
        for length in (200, 40):
            assert make_snippet(text, matcher, length) == reference(text, matcher, length)


def test_the_scan_stops_after_the_window():
    matcher = Matcher(parse_query("lösenord"))
    text = "lösenord " + "annat " * 1000 + "lösenord"
    spans = spans_to_window(text, matcher, 200)
    assert spans == [(0, 8, EXACT)]
    assert len(match_spans(text, matcher)) == 2


# Queries of every shape document_match meets: a word, several, OR, a compound found by its
# parts, forms without å/ä/ö, a phrase, a stop word, digits, hyphens, capitals.
MATCH_QUERIES = [
    *QUERIES,
    "lösenorden",
    "LÖSENORD",
    "informationssäkerhet",
    "säkerhetsinformation",
    "informations säkerhet",
    "lösenord OR arkiv",
    "incidenter OR saknas",
    '"obehörig åtkomst"',
    '"obehorig atkomst" lösenord',
    "och lösenord",
    "it-säkerhet",
    "dataskydd",
    "personuppgift behandling",
    "förvaltningschef",
    "forvaltningschefen",
    "2025 arkivlagen",
]
MATCH_TEXTS = [
    *texts(),
    "it-säkerhet och säkerhets-kopiering",
    "Säkerhetsinformation, informationssäkerheten och SÄKERHET.",
    "lösenord_och_mer lösenord2025 2025 arkivlagen",
    "förvaltningschefens ansvar; forvaltningschef utan prickar",
    "obehörig åtkomst",
    "obehorig atkomst",
]


@pytest.mark.parametrize("query", MATCH_QUERIES)
def test_a_plain_exact_match_is_what_the_words_decide(query):
    """document_match finds most exact matches by searching for the query's forms as whole
    words; whatever it decides must be what expanding every word of the text decides."""
    parsed = parse_query(query)
    quick, thorough = Matcher(parsed), Matcher(parsed)
    thorough._plain = [None] * len(parsed.groups)
    for text in MATCH_TEXTS:
        assert quick.document_match(text) == thorough.document_match(text), text
