"""The benchmarks (bench/) run: they are not part of the suite's timings, but they must not rot.

The page benchmark runs end to end at a tiny size on SQLite in a subprocess, as `make bench`
runs it; the bulk builder it shares with the others is checked here for a tree Wagtail accepts
and for the metadata the pages show.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from wagtail.models import Page

BENCH = Path(__file__).resolve().parent.parent / "bench"


def bench_env():
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env["DJANGO_SETTINGS_MODULE"] = "styrdok.settings.test"
    return env


def run_bench(*args, timeout=240):
    return subprocess.run(
        [sys.executable, str(BENCH / args[0]), *args[1:]],
        capture_output=True,
        text=True,
        env=bench_env(),
        timeout=timeout,
        check=False,
    )


def test_the_page_benchmark_prints_figure_baseline_ratio_and_queries():
    result = run_bench(
        "pages.py", "--sizes", "20", "--repeat", "1", "--only", "Dokumentsida,standard"
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    out = result.stdout
    assert "värde ms |   baslinje |    kvot |" in out
    assert "Dokumentsida, extern (anonym)" in out
    assert "Registret intranät, standard, sida 20" in out
    assert "OK: antalet SQL-frågor per sida är detsamma vid alla storlekar." in out


def test_the_throughput_benchmark_refuses_a_database_that_is_not_postgresql():
    result = run_bench("throughput.py", "--database-url", "sqlite:///x.db", timeout=60)
    assert result.returncode == 2
    assert "PostgreSQL" in result.stderr


@pytest.fixture(scope="module")
def common_module():
    sys.path.insert(0, str(BENCH))
    try:
        import common
    finally:
        sys.path.remove(str(BENCH))
    return common


@pytest.mark.django_db
def test_the_bulk_builder_writes_a_tree_wagtail_accepts(common_module):
    from policies.models import AdoptedVersion, Styrdokument

    builder = common_module.DocumentBuilder()
    builder.grow_to(45)
    common_module.add_bare_page()

    assert all(not problems for problems in Page.find_problems())
    live = Styrdokument.objects.live()
    assert live.count() == 45
    assert AdoptedVersion.objects.filter(document__in=live).count() == 45
    assert set(live.values_list("document_type", flat=True)) >= {"policy", "riktlinje", "rutin"}
    # A restricted document is internal, and no public document sits under an internal one.
    assert not live.filter(publicity="public", restricted_to__isnull=False).exists()
    for document in live.filter(publicity="public"):
        ancestors = Styrdokument.objects.ancestor_of(document)
        assert not ancestors.filter(publicity="internal").exists(), document.title
    showcase = builder.showcase
    assert showcase.publicity == "public"
    assert [child.specific.publicity for child in showcase.get_children()] == ["public"] * 2


@pytest.mark.django_db
def test_the_register_sorts_bulk_built_documents_by_title(common_module, public_client):
    """The bulk rows carry what Styrdokument.save() derives (the register's sort keys)."""
    from policies.models import Styrdokument

    common_module.DocumentBuilder().grow_to(12)
    titles = sorted(
        Styrdokument.objects.live().filter(publicity="public").values_list("title", flat=True)
    )
    content = public_client.get("/styrdokument/?sortering=-titel").content.decode()
    assert content.index(titles[-1]) < content.index(titles[0])
