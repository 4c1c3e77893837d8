"""The search evaluation (bench/search_eval.py, `make search-eval`): its metrics on hand-made
rankings, the size and consistency of its corpus and graded queries, and a small run through
/sok/ on the real corpus.

The figures themselves are not asserted here: the targets of the search issue are measured by
the evaluation, not by the suite.
"""

import math
import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.shared import build_once

BENCH = Path(__file__).resolve().parent.parent / "bench"
if str(BENCH) not in sys.path:
    sys.path.append(str(BENCH))  # after the project: bench/search.py is not the search app

import search_eval  # noqa: E402
import search_eval_corpus as corpus  # noqa: E402
from search_eval_queries import KINDS, QUERIES  # noqa: E402

# -- metrics -----------------------------------------------------------------------------------


def test_ndcg_is_one_for_the_ideal_ranking_and_less_for_any_other():
    grades = {"a": 3, "b": 2, "c": 1}
    assert search_eval.ndcg_at(["a", "b", "c"], grades) == pytest.approx(1.0)
    assert search_eval.ndcg_at(["x", "a", "b", "c"], grades) < 1.0
    assert search_eval.ndcg_at(["c", "b", "a"], grades) < 1.0
    assert search_eval.ndcg_at([], grades) == 0.0


def test_ndcg_uses_graded_gain_and_a_logarithmic_discount():
    grades = {"a": 3, "b": 1}
    # Ranking b, a: (2^1-1)/log2(2) + (2^3-1)/log2(3); ideal a, b: 7/1 + 1/log2(3).
    expected = (1 + 7 / math.log2(3)) / (7 + 1 / math.log2(3))
    assert search_eval.ndcg_at(["b", "a"], grades) == pytest.approx(expected)


def test_ndcg_counts_only_the_first_ten_and_ignores_ungraded_documents():
    grades = {"a": 3}
    late = [f"x{i}" for i in range(10)] + ["a"]
    assert search_eval.ndcg_at(late, grades) == 0.0
    assert search_eval.ndcg_at(["a", "x", "y"], grades) == pytest.approx(1.0)


def test_ndcg_says_nothing_without_a_graded_document():
    assert search_eval.ndcg_at(["a"], {}) is None
    assert search_eval.ndcg_at(["a"], {"a": 0}) is None


def test_recall_at_five_counts_documents_graded_two_or_more():
    grades = {"a": 3, "b": 2, "c": 1}
    assert search_eval.recall_at(["a", "x", "y", "z", "w", "b"], grades) == 0.5
    assert search_eval.recall_at(["c", "b", "a"], grades) == 1.0
    assert search_eval.recall_at(["c"], {"c": 1}) is None


def test_reciprocal_rank_of_the_first_relevant_document():
    grades = {"a": 3, "c": 1}
    assert search_eval.reciprocal_rank(["c", "x", "a"], grades) == pytest.approx(1 / 3)
    assert search_eval.reciprocal_rank(["c", "x"], grades) == 0.0
    assert search_eval.reciprocal_rank(["c"], {"c": 1}) is None


def test_summary_averages_the_applicable_queries_and_the_zero_result_rate():
    scores = [
        search_eval.score_query(["a"], {"a": 3}),
        search_eval.score_query([], {"b": 3}),
        search_eval.score_query(["a"], {}),  # nothing graded: left out
    ]
    summary = search_eval.summarise(scores)
    assert summary["n"] == 2
    assert summary["ndcg"] == pytest.approx(0.5)
    assert summary["recall"] == pytest.approx(0.5)
    assert summary["mrr"] == pytest.approx(0.5)
    assert summary["zero"] == pytest.approx(0.5)


def test_the_results_page_is_read_in_order_with_the_diarienummer_first():
    html = """
    <p class="search-dnr">Dokumentet: <a href="/styrdokument/c/">C</a></p>
    <ol class="search-results">
      <li class="search-result"><h2><a href="http://x/styrdokument/a/">A</a></h2></li>
      <li class="search-result"><h2><a href="/styrdokument/b/">B</a></h2>
        <a href="/styrdokument/other/">not the result's own link</a></li>
    </ol>"""
    assert search_eval.ranked_paths(html) == [
        "/styrdokument/c/",
        "/styrdokument/a/",
        "/styrdokument/b/",
    ]


def test_placeholders_take_the_loaded_documents_diarienummer_and_year():
    class Page:
        diarienummer = "KS-2026-112"
        decision_date = __import__("datetime").date(2026, 3, 1)

    pages = {"policy": Page()}
    assert search_eval.resolve("{dnr:policy}", pages) == "KS-2026-112"
    assert search_eval.resolve("KS {år:policy}/388", pages) == "KS 2026/388"


# -- the corpus and the queries ------------------------------------------------------------------


def test_the_corpus_has_seventy_documents_of_every_type_with_unique_keys():
    keys = corpus.all_keys()
    assert len(keys) >= 70
    assert len(set(keys)) == len(keys)
    types = Counter(item["type"] for item in corpus.DOCUMENTS)
    assert set(types) == {"policy", "program", "riktlinje", "rutin", "stodanvisning"}
    assert any(item.get("publicity") == "internal" for item in corpus.DOCUMENTS)
    assert {item.get("restricted_to") for item in corpus.DOCUMENTS} >= {
        corpus.GROUP_MEMBERS,
        corpus.GROUP_OTHERS,
    }


def test_there_are_a_hundred_and_fifty_queries_and_every_kind_has_twelve():
    assert len(QUERIES) >= 150
    kinds = Counter(kind for kind, _query, _grades in QUERIES)
    assert set(kinds) == set(KINDS)
    assert min(kinds.values()) >= 12, kinds


def test_every_graded_key_exists_and_every_grade_is_between_one_and_three():
    keys = set(corpus.all_keys())
    for kind, query, grades in QUERIES:
        assert grades, query
        assert set(grades) <= keys, (query, set(grades) - keys)
        assert all(grade in (1, 2, 3) for grade in grades.values()), query
        assert kind in KINDS


def test_queries_are_unique_per_kind():
    pairs = [(kind, query) for kind, query, _grades in QUERIES]
    assert len(pairs) == len(set(pairs))


def test_the_synonym_queries_measure_the_synonym_and_not_the_text():
    """The documents never use these words: a hit needs the search to know the synonym."""
    texts = " ".join(
        " ".join([item["title"], item["summary"], str(item["body"])]).lower()
        for item in corpus.DOCUMENTS
    )
    for word in ("hemarbete", "backup", "mejl", "whistleblowing", "cctv", "bestickning"):
        assert word not in texts, word


def test_visibility_follows_publicity_and_restrictions():
    visible = search_eval.expected_visibility(corpus)
    assert "hr-distans" in visible["public"] and "hr-distans" in visible["intranet"]
    assert "r-distansarbete" not in visible["public"]
    assert "r-distansarbete" in visible["intranet"]
    # Restricted to a group the redaktör is in, and to one nobody of the audiences is in.
    assert "kris-larm" in visible["intranet"] and "kris-larm" not in visible["public"]
    assert "sakerhetsskydd" not in visible["intranet"]


# -- a small run through /sok/ -------------------------------------------------------------------


@pytest.fixture(scope="module")
def pages(django_db_setup, django_db_blocker):
    keys = {key for _kind, _query, grades in SMOKE for key in grades}
    yield from build_once(django_db_blocker, corpus.load_corpus, keys)


SMOKE = [
    ("diarienummer", "KS-2023-241", {"hr-distans": 3}),
    ("diarienummer", "KS-2023-500", {"sakerhetsskydd": 3}),
    ("keyword", "bisyssla", {"hr-bisyssla": 3}),
    ("keyword", "distansarbete", {"hr-distans": 3, "hr-distans-rutin": 3}),
    ("folding", "losenord", {"it-losenord": 3}),
    ("phrase", '"säker e-post"', {"it-epost": 3}),
    ("question", "får jag jobba hemifrån?", {"hr-distans": 3}),
    ("exclusion", "distansarbete -rutin", {"hr-distans": 3}),
    ("misspelling", "distansarbte", {"hr-distans": 3}),
    ("hard", "säkerhetsprövning säkerhetsskyddsanalys", {"sakerhetsskydd": 3}),
    ("abbreviation", "KS arkiv", {"arkiv-rl": 3}),
]


@pytest.mark.django_db
def test_a_small_run_through_the_search_page_answers_without_errors_or_leaks(pages):
    report = search_eval.evaluate(pages, SMOKE)
    assert "it-rl" in pages  # an ancestor of a graded document
    for row in report["results"]:
        for audience, entry in row["audiences"].items():
            assert entry["errors"] == [], (row["query"], audience)
            assert entry["leaks"] == [], (row["query"], audience)
    by_query = {row["query"]: row["audiences"] for row in report["results"]}
    # A diarienummer of a public document finds it on both channels.
    assert by_query["KS-2023-241"]["public"]["ranking"][:1] == ["hr-distans"]
    assert by_query["KS-2023-241"]["intranet"]["ranking"][:1] == ["hr-distans"]
    # A plain keyword finds its document; an internal one only on the intranet.
    assert "hr-bisyssla" in by_query["bisyssla"]["public"]["ranking"]
    assert "hr-distans-rutin" in by_query["distansarbete"]["intranet"]["ranking"]
    assert "hr-distans-rutin" not in by_query["distansarbete"]["public"]["ranking"]
    summary = report["summary"]["public"]["styrdok"]["alla"]
    assert summary["n"] >= 6
    assert 0 <= summary["ndcg"] <= 1
