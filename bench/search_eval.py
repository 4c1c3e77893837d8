"""Evaluate the search's relevance (/sok/) on graded queries, beside plain PostgreSQL full-text
search on the same corpus.

    .venv/bin/python bench/search_eval.py [--backend sqlite|postgres|both] [--kind misspelling,…]
        [--verbose] [--json out.json] [--database-url postgres://…/styrdok_search_eval]

Creates a throwaway test database (SQLite in memory, or test_<name> on the PostgreSQL server
that DATABASE_URL or --database-url points at), runs setup_styrdok, loads the demo kommun and
sixty more documents through the demo's loader (bench/search_eval_corpus.py) and sends each
graded query (bench/search_eval_queries.py) through django.test.Client to GET /sok/?q=… twice:
as an anonymous citizen on the public website and as the demo's logged-in redaktör on the
intranet. The ranking is read from the results page's HTML, as a reader sees it: the document
links of the ranked list (a diarienummer that redirects to its document counts as that
document first).

Per audience, the documents it cannot see do not exist: their grades are dropped, and a hit on
one is a leak (the run then exits with status 1). Metrics, per kind and overall:
- nDCG@10, gain 2^grade − 1, the ideal from every graded document the audience can see;
- Recall@5, the share of the grade ≥ 2 documents in the top five (queries without one skipped);
- MRR, the reciprocal rank of the first grade ≥ 2 document (0 if none on the first page);
- the zero-result rate.
A query with no graded document the audience can see is left out of that audience's figures.

On PostgreSQL the same run computes "plain PG FTS": a stored tsvector of title, summary and body
text with the `swedish` configuration, plainto_tsquery() of the query as typed, ts_rank(), and no
visibility except leaving out internal documents for the public audience.

--backend both (the default) runs SQLite and then PostgreSQL, each in a process of its own,
and prints their figures side by side. --verbose lists per query the top five and their grades.
The development database is never touched.
"""

import argparse
import json
import logging
import math
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

# Beside the project's packages, never before them: bench/search.py is not the search app.
if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.append(str(Path(__file__).resolve().parent))

from search_eval_queries import KIND_LABELS, KINDS, QUERIES  # noqa: E402

SEARCH = "/sok/"
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/styrdok_search_eval"
AUDIENCES = ("public", "intranet")
AUDIENCE_LABELS = {"public": "extern (anonym)", "intranet": "intranät (redaktör)"}
RANK_DEPTH = 10
RECALL_DEPTH = 5
RELEVANT = 2  # the grade from which a document counts for Recall@5 and MRR


# -- metrics (pure: tests/test_search_eval.py checks them on hand-made rankings) ---------------


def dcg(gains):
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains))


def ndcg_at(ranking, grades, k=RANK_DEPTH):
    """nDCG@k of `ranking` (document keys, best first) against {key: grade}; None when no
    document has a grade above 0 (the query says nothing then)."""
    ideal = dcg(sorted((g for g in grades.values() if g > 0), reverse=True)[:k])
    if ideal == 0:
        return None
    return dcg([grades.get(key, 0) for key in ranking[:k]]) / ideal


def recall_at(ranking, grades, k=RECALL_DEPTH, relevant=RELEVANT):
    """Share of the documents graded ≥ `relevant` found in the top k; None without any."""
    wanted = {key for key, g in grades.items() if g >= relevant}
    if not wanted:
        return None
    return len(wanted & set(ranking[:k])) / len(wanted)


def reciprocal_rank(ranking, grades, relevant=RELEVANT):
    """1 / the rank of the first document graded ≥ `relevant`, 0 if none; None without any."""
    if not any(g >= relevant for g in grades.values()):
        return None
    for rank, key in enumerate(ranking, start=1):
        if grades.get(key, 0) >= relevant:
            return 1 / rank
    return 0.0


def score_query(ranking, grades):
    """The figures of one ranking against grades already limited to what the audience sees."""
    return {
        "ndcg": ndcg_at(ranking, grades),
        "recall": recall_at(ranking, grades),
        "mrr": reciprocal_rank(ranking, grades),
        "zero": not ranking,
    }


def mean(values):
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def summarise(scores):
    """Mean figures of a list of score_query() results (the applicable ones only)."""
    scored = [s for s in scores if s["ndcg"] is not None]
    return {
        "n": len(scored),
        "ndcg": mean(s["ndcg"] for s in scored),
        "recall": mean(s["recall"] for s in scored),
        "mrr": mean(s["mrr"] for s in scored),
        "zero": mean(1.0 if s["zero"] else 0.0 for s in scored),
    }


# -- reading the results page ------------------------------------------------------------------


def ranked_paths(html):
    """The document paths the results page lists, in order: a diarienummer's document first,
    then the ranked list's links (each result's first link)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    paths = []
    dnr = soup.select_one(".search-dnr a[href]")
    if dnr is not None:
        paths.append(urlsplit(dnr["href"]).path)
    items = soup.select("ol.search-results > li") or soup.select("li.search-result")
    for item in items:
        link = item.select_one("a[href]")
        if link is not None:
            paths.append(urlsplit(link["href"]).path)
    return paths


def unique(values):
    seen, out = set(), []
    for value in values:
        if value not in seen:
            seen.add(value)
            out.append(value)
    return out


# -- one backend -------------------------------------------------------------------------------


def resolve(query, pages):
    """The query with {dnr:KEY} and {år:KEY} replaced by the loaded document's values."""

    def number(match):
        page = pages[match.group(2)]
        if match.group(1) == "dnr":
            return page.diarienummer
        return str(page.decision_date.year)

    return re.sub(r"\{(dnr|år):([\w-]+)\}", number, query)


def expected_visibility(corpus):
    """{audience: set of keys} from the corpus data alone (not the product's querysets): public
    documents outside restricted subtrees for the citizen; everything outside subtrees
    restricted to a group the redaktör is not in for the redaktör."""
    items = dict(corpus.demo_documents())
    items.update((item["key"], item) for item in corpus.DOCUMENTS)

    def chain(key):
        while key:
            yield items[key]
            key = items[key].get("parent")

    visible = {"public": set(), "intranet": set()}
    for key, item in items.items():
        restricted = [i.get("restricted_to") for i in chain(key) if i.get("restricted_to")]
        if not restricted and item.get("publicity", "public") == "public":
            visible["public"].add(key)
        if all(group == corpus.GROUP_MEMBERS for group in restricted):
            visible["intranet"].add(key)
    return visible


def plain_text(value):
    """Every text of a StreamField's raw data, without markup, block types or ids."""
    if isinstance(value, str):
        return re.sub(r"<[^>]+>", " ", value)
    if isinstance(value, dict):
        return " ".join(plain_text(v) for k, v in value.items() if k not in ("type", "id", "level"))
    if isinstance(value, list | tuple):
        return " ".join(plain_text(v) for v in value)
    return ""


class PlainFts:
    """Plain PostgreSQL full-text search on the same documents: the baseline."""

    def __init__(self, pages):
        from django.db import connection

        self.connection = connection
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMPORARY TABLE search_eval_plain "
                "(key text PRIMARY KEY, public boolean NOT NULL, document tsvector NOT NULL)"
            )
            for key, page in pages.items():
                text = " ".join(
                    [page.title, page.summary or "", plain_text(page.body.get_prep_value())]
                )
                cursor.execute(
                    "INSERT INTO search_eval_plain VALUES (%s, %s, to_tsvector('swedish', %s))",
                    [key, page.publicity == "public", text],
                )
            cursor.execute("CREATE INDEX ON search_eval_plain USING gin (document)")
            cursor.execute("ANALYZE search_eval_plain")

    def drop(self):
        with self.connection.cursor() as cursor:
            cursor.execute("DROP TABLE search_eval_plain")

    def rank(self, query, audience):
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT key FROM search_eval_plain, plainto_tsquery('swedish', %s) AS q "
                "WHERE document @@ q AND (public OR %s) "
                "ORDER BY ts_rank(document, q) DESC, key LIMIT 20",
                [query, audience == "intranet"],
            )
            return [row[0] for row in cursor.fetchall()]


def run_backend(args):
    import common

    common.setup_django()
    # django-axes logs every login at INFO; the run prints figures, warnings still show.
    logging.disable(logging.INFO)
    import search_eval_corpus as corpus
    from django.db import connection

    if args.backend == "postgres" and connection.vendor != "postgresql":
        raise SystemExit("--backend postgres kräver att DATABASE_URL pekar på PostgreSQL.")
    old_name = common.start_database()
    try:
        pages = corpus.load_corpus()
        print(f"Korpus: {len(pages)} dokument, {len(QUERIES)} bedömda frågor.", flush=True)
        queries = [q for q in QUERIES if not args.kinds or q[0] in args.kinds]
        report = evaluate(pages, queries)
        print_backend(report, args.verbose)
        if args.json:
            Path(args.json).write_text(json.dumps(report, ensure_ascii=False, indent=1))
        return report
    finally:
        common.drop_database(old_name)


def evaluate(pages, queries):
    """Send each (kind, query, grades) through /sok/ for both audiences and score it; beside
    it plain PG FTS on PostgreSQL. `pages` is load_corpus()'s {key: page}."""
    import search_eval_corpus as corpus
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    hosts = {
        "public": settings.STYRDOK_PUBLIC_HOSTNAME,
        "intranet": settings.STYRDOK_INTRANET_HOSTNAME,
    }
    by_path = {page.get_url_parts()[2]: key for key, page in pages.items()}
    visible = {
        audience: keys & set(pages) for audience, keys in expected_visibility(corpus).items()
    }
    clients = {"public": Client(), "intranet": Client()}
    clients["intranet"].force_login(get_user_model().objects.get(username="redaktor"))
    plain = PlainFts(pages) if connection.vendor == "postgresql" else None
    results = []
    for kind, query, grades in queries:
        text = resolve(query, pages)
        row = {"kind": kind, "query": text, "grades": grades, "audiences": {}}
        for audience in AUDIENCES:
            seen = {k: g for k, g in grades.items() if k in visible[audience]}
            ranking, errors = fetch(clients[audience], hosts[audience], text, by_path)
            entry = {
                "ranking": [key for key in ranking if key in visible[audience]][:20],
                "leaks": [key for key in ranking if key not in visible[audience]],
                "errors": errors,
                "applicable": any(g > 0 for g in seen.values()),
            }
            entry["styrdok"] = score_query(entry["ranking"], seen)
            if plain is not None:
                entry["plain_ranking"] = plain.rank(text, audience)
                entry["plain"] = score_query(entry["plain_ranking"], seen)
            row["audiences"][audience] = entry
        results.append(row)
    if plain is not None:
        plain.drop()
    return {
        "backend": connection.vendor,
        "results": results,
        "summary": summary_of(results, plain is not None),
    }


def fetch(client, host, query, by_path):
    """(document keys in rank order, errors) for one query on one channel."""
    errors = []
    response = client.get(SEARCH, {"q": query}, HTTP_HOST=host)
    if response.status_code in (301, 302):
        path = urlsplit(response["Location"]).path
        paths = [path]
    elif response.status_code == 200:
        paths = ranked_paths(response.content.decode())
    else:
        errors.append(f"status {response.status_code}")
        paths = []
    keys = []
    for path in unique(paths):
        if path in by_path:
            keys.append(by_path[path])
        else:
            errors.append(f"okänd länk {path}")
    return keys, errors


def summary_of(results, with_plain):
    """{audience: {system: {kind or "alla": figures}}}."""
    summary = {}
    for audience in AUDIENCES:
        systems = ["styrdok"] + (["plain"] if with_plain else [])
        summary[audience] = {}
        for system in systems:
            per_kind = {}
            for kind in KINDS + ["alla"]:
                scores = [
                    row["audiences"][audience][system]
                    for row in results
                    if (kind == "alla" or row["kind"] == kind)
                    and row["audiences"][audience]["applicable"]
                ]
                if scores:
                    per_kind[kind] = summarise(scores)
            summary[audience][system] = per_kind
        summary[audience]["leaks"] = sum(
            len(row["audiences"][audience]["leaks"]) for row in results
        )
        summary[audience]["errors"] = sum(
            len(row["audiences"][audience]["errors"]) for row in results
        )
    return summary


def fmt(value):
    return "   –  " if value is None else f"{value:6.3f}"


def print_verbose(report):
    """Per query and audience: nDCG@10 and the top five with their grades."""

    def top(row, ranking):
        return ", ".join(f"{key} ({row['grades'].get(key, 0)})" for key in ranking[:5])

    for row in report["results"]:
        print()
        print(f"[{row['kind']}] {row['query']}")
        for audience in AUDIENCES:
            entry = row["audiences"][audience]
            mark = "" if entry["applicable"] else "(ingen bedömd synlig) "
            print(
                f"  {audience:<8} nDCG {fmt(entry['styrdok']['ndcg'])}  "
                f"{mark}{top(row, entry['ranking']) or 'inga träffar'}"
            )
            if "plain_ranking" in entry:
                print(
                    f"  {'FTS':<8} nDCG {fmt(entry['plain']['ndcg'])}  "
                    f"{top(row, entry['plain_ranking']) or 'inga träffar'}"
                )
            for key in entry["leaks"]:
                print(f"  LÄCKA: {key} syns för {audience}")
            for error in entry["errors"]:
                print(f"  FEL: {error}")


def print_backend(report, verbose):
    backend = "PostgreSQL" if report["backend"] == "postgresql" else "SQLite"
    if verbose:
        print_verbose(report)
    for audience in AUDIENCES:
        data = report["summary"][audience]
        print()
        print(f"{backend}, {AUDIENCE_LABELS[audience]}")
        plain = "plain" in data
        header = f"{'Slag':<20} | {'n':>3} | {'nDCG@10':>7} | {'R@5':>6} | {'MRR':>6} | {'noll':>6}"
        if plain:
            header += f" || {'FTS nDCG':>8} | {'R@5':>6} | {'MRR':>6} | {'noll':>6}"
        print(header)
        print("-" * len(header))
        for kind in KINDS + ["alla"]:
            own = data["styrdok"].get(kind)
            if own is None:
                continue
            label = KIND_LABELS.get(kind, "totalt")
            line = (
                f"{label:<20} | {own['n']:>3} | {fmt(own['ndcg']):>7} | {fmt(own['recall'])} | "
                f"{fmt(own['mrr'])} | {fmt(own['zero'])}"
            )
            if plain:
                base = data["plain"][kind]
                line += (
                    f" || {fmt(base['ndcg']):>8} | {fmt(base['recall'])} | {fmt(base['mrr'])} | "
                    f"{fmt(base['zero'])}"
                )
            print(line)
        print(f"Läckor: {data['leaks']}   Fel: {data['errors']}")


# -- both backends -----------------------------------------------------------------------------


def run_both(args):
    """Each backend in a process of its own (the database is chosen when Django starts)."""
    reports = {}
    url = args.database_url or os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = DEFAULT_POSTGRES
    with tempfile.TemporaryDirectory() as tmp:
        for backend in ("sqlite", "postgres"):
            env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
            env["DJANGO_SETTINGS_MODULE"] = "styrdok.settings.test"
            if backend == "postgres":
                env["DATABASE_URL"] = url
            out = str(Path(tmp) / f"{backend}.json")
            command = [sys.executable, __file__, "--backend", backend, "--json", out]
            if args.kinds:
                command += ["--kind", ",".join(args.kinds)]
            if args.verbose:
                command.append("--verbose")
            print(f"\n=== {backend} ===", flush=True)
            done = subprocess.run(command, env=env, check=False)
            if done.returncode not in (0, 1) or not Path(out).exists():
                raise SystemExit(f"{backend}: körningen misslyckades ({done.returncode}).")
            reports[backend] = json.loads(Path(out).read_text())
    print_side_by_side(reports)
    if args.json:
        Path(args.json).write_text(json.dumps(reports, ensure_ascii=False, indent=1))
    return reports


def print_side_by_side(reports):
    print()
    print("nDCG@10 per slag: Styrdok (SQLite / PostgreSQL) och plain PG FTS, per publik")
    header = f"{'Slag':<20}"
    for audience in AUDIENCES:
        header += f" | {audience + ' SQLite':>15} | {audience + ' PG':>11} | {'FTS':>6}"
    print(header)
    print("-" * len(header))
    for kind in KINDS + ["alla"]:
        line = f"{KIND_LABELS.get(kind, 'totalt'):<20}"
        for audience in AUDIENCES:
            lite = reports["sqlite"]["summary"][audience]["styrdok"].get(kind)
            pg = reports["postgres"]["summary"][audience]["styrdok"].get(kind)
            base = reports["postgres"]["summary"][audience].get("plain", {}).get(kind)
            line += (
                f" | {fmt(lite and lite['ndcg']):>15} | {fmt(pg and pg['ndcg']):>11} | "
                f"{fmt(base and base['ndcg'])}"
            )
        print(line)
    print()
    print(f"{'Totalt':<27}| {'nDCG@10':>7} | {'R@5':>6} | {'MRR':>6} | {'noll':>6} | läckor")
    for backend in ("sqlite", "postgres"):
        for audience in AUDIENCES:
            data = reports[backend]["summary"][audience]
            systems = [("styrdok", "Styrdok")] + ([("plain", "FTS")] if "plain" in data else [])
            for system, name in systems:
                total = data[system]["alla"]
                label = f"{name} {backend} {audience}"
                print(
                    f"{label:<27}| {fmt(total['ndcg']):>7} | {fmt(total['recall'])} | "
                    f"{fmt(total['mrr'])} | {fmt(total['zero'])} | "
                    f"{data['leaks'] if system == 'styrdok' else ''}"
                )


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument(
        "--kind",
        default="",
        help="Bara dessa slag av frågor, kommaseparerade (" + ", ".join(KINDS) + ").",
    )
    parser.add_argument("--verbose", action="store_true", help="Topp fem per fråga och publik.")
    parser.add_argument("--json", default="", help="Skriv alla resultat som JSON till filen.")
    parser.add_argument(
        "--database-url",
        default="",
        help="PostgreSQL för --backend both (standard: DATABASE_URL om den pekar på "
        f"PostgreSQL, annars {DEFAULT_POSTGRES}; testdatabasen blir test_<namn>).",
    )
    args = parser.parse_args(argv)
    args.kinds = [k.strip() for k in args.kind.split(",") if k.strip()]
    unknown = [k for k in args.kinds if k not in KINDS]
    if unknown:
        parser.error(f"okänt slag: {', '.join(unknown)} (välj bland {', '.join(KINDS)})")
    return args


def main(argv=None):
    args = parse_args(argv)
    if args.backend == "both":
        reports = run_both(args)
        leaks = sum(
            reports[b]["summary"][a]["leaks"] for b in ("sqlite", "postgres") for a in AUDIENCES
        )
    else:
        if args.backend == "sqlite":
            os.environ.pop("DATABASE_URL", None)
        elif args.database_url:
            os.environ["DATABASE_URL"] = args.database_url
        report = run_backend(args)
        leaks = sum(report["summary"][a]["leaks"] for a in AUDIENCES)
    if leaks:
        print(f"\n{leaks} läckor: dokument som publiken inte får se syntes i träfflistan.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
