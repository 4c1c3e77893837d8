"""Requests per second under gunicorn: a mix of public pages against a bare Wagtail page.

    .venv/bin/python bench/throughput.py [--documents 2000] [--duration 5] [--rounds 3]
        [--threads 6] [--workers 3] [--database-url postgres://postgres@127.0.0.1:5432/styrdok_bench_throughput]

Production settings (styrdok.settings.production, with SECRET_KEY, ALLOWED_HOSTS and
DATABASE_URL from this script) on PostgreSQL: the script creates a throwaway database (test_<name>
of --database-url), migrates it, runs setup_styrdok, adds --documents live documents with
common.DocumentBuilder (indexed for search) and a bare `wagtailcore.Page`, collects the static
files once (into --static-root, kept between runs) and starts two real gunicorn servers of
--workers workers each on 127.0.0.1:

* "utan sidcache": production settings minus any middleware with "cache" in its name, so every
  request is rendered;
* "produktion": production settings as they are, with whatever page cache they hold.

Requests carry X-Forwarded-Proto: https (production sits behind a TLS proxy; SECURE_SSL_REDIRECT
would otherwise answer 301) and the public host. A load generator in this process (--threads
threads, each with its own keep-alive http.client connection) runs phases of --duration seconds,
--rounds times in turn: the bare page, the mix of 14 public pages (home, four register views,
a document of each type, search, feed, sitemap, API) on the server without page cache, and the
same mix on the production server (after one pass that fills its page cache, if it has one). It
prints the requests per second of each phase kind (median over rounds), the ratio to the bare
page's in the same round, the share of responses a cache answered (common.cache_hit), and the
workers' CPU milliseconds per request (from /proc/<pid>/stat).

The load generator shares the machine's cores with the workers, so absolute figures are low on a
small machine; the ratios are what the issue's targets (mix ≥ 0.6×, cached ≥ 0.9×) speak of.
Exits 1 if a response is not 200. The database is dropped at the end.
"""

import argparse
import http.client
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

PUBLIC_HOST = "localhost"
INTRANET_HOST = "intranet.localhost"
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/styrdok_bench_throughput"
MIX_TARGET, CACHED_TARGET = 0.6, 0.9


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=2000, help="Antal dokument (2000).")
    parser.add_argument("--duration", type=float, default=5.0, help="Sekunder per fas (5).")
    parser.add_argument("--rounds", type=int, default=3, help="Omgångar av faserna (3).")
    parser.add_argument("--threads", type=int, default=6, help="Samtidiga klienter (6).")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn-arbetare per server (3).")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE),
        help="PostgreSQL-server och namn; databasen test_<namn> skapas och tas bort.",
    )
    parser.add_argument(
        "--static-root",
        default=str(Path(tempfile.gettempdir()) / "styrdok-bench-static"),
        help="Var de statiska filerna samlas (behålls mellan körningar).",
    )
    parser.add_argument("--quick", action="store_true", help="Kortare faser (3 s, 2 omgångar).")
    parser.add_argument(
        "--per-page",
        action="store_true",
        help="Mät också varje sida i blandningen för sig mot den bara sidan (utan sidcache).",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.duration, args.rounds = min(args.duration, 3.0), min(args.rounds, 2)
    if not args.database_url.startswith("postgres"):
        parser.error("--database-url ska vara en PostgreSQL-adress (postgres://…)")
    if args.documents < 50 or args.duration <= 0 or args.rounds < 1 or args.threads < 1:
        parser.error("minst 50 dokument, en omgång, en tråd och en positiv fastid")
    return args


def production_environment(args, tmp):
    """The environment production reads, for this process and the servers."""
    env = {
        "DJANGO_SETTINGS_MODULE": "styrdok.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": f"{PUBLIC_HOST},{INTRANET_HOST},127.0.0.1",
        "STYRDOK_PUBLIC_HOSTNAME": PUBLIC_HOST,
        "STYRDOK_INTRANET_HOSTNAME": INTRANET_HOST,
        "DATABASE_URL": args.database_url,
        "STATIC_ROOT": args.static_root,
        "MEDIA_ROOT": str(tmp / "media"),
        "STYRDOK_ARCHIVE_ROOT": str(tmp / "arkiv"),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    return env


NO_CACHE_SETTINGS = '''"""Production settings without a page cache: the bench's uncached server."""

from styrdok.settings.production import *  # noqa: F403

REMOVED = [name for name in MIDDLEWARE if "cache" in name.lower()]  # noqa: F405
MIDDLEWARE = [name for name in MIDDLEWARE if name not in REMOVED]  # noqa: F405
'''


# -- the data ---------------------------------------------------------------------------------


def prepare(args):
    """Database, documents, static files; returns the paths of the mix and the bare page."""
    from django.core.management import call_command
    from django.db import connection

    from policies.models import Styrdokument

    builder = common.DocumentBuilder(index=True)
    start = time.perf_counter()
    builder.grow_to(args.documents)
    bare = common.add_bare_page()
    common.vacuum_analyze()  # as autovacuum would: without statistics the plans are a test's
    print(f"{builder.count} dokument byggda och indexerade på {time.perf_counter() - start:.1f} s")
    manifest = Path(args.static_root) / "staticfiles.json"
    if not manifest.exists():
        print("Samlar statiska filer (en gång) …", flush=True)
        call_command("collectstatic", interactive=False, verbosity=0)
    public = Styrdokument.objects.for_channel("public")
    documents = []
    for doc_type in ("policy", "program", "riktlinje", "rutin", "stodanvisning"):
        document = public.filter(document_type=doc_type).order_by("path").first()
        if document is not None:
            documents.append(document.get_url_parts()[2])
    mix = [
        "/",
        "/styrdokument/",
        "/styrdokument/?typ=riktlinje",
        "/styrdokument/?sortering=-beslutsdatum",
        "/styrdokument/?organ=ks&sida=2",
        *documents,
        "/sok/?q=informationss%C3%A4kerhet",
        "/feed/",
        "/sitemap.xml",
        "/api/v2/pages/",
    ]
    connection.close()
    return bare, mix


# -- the servers ------------------------------------------------------------------------------


def start_server(env, settings_module, port, workers, tmp):
    log = open(tmp / f"gunicorn-{port}.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [
            str(common.BASE_DIR / ".venv" / "bin" / "gunicorn"),
            "styrdok.wsgi:application",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--keep-alive",
            "30",
            "--chdir",
            str(common.BASE_DIR),
        ],
        env={
            **os.environ,
            **env,
            "DJANGO_SETTINGS_MODULE": settings_module,
            "PYTHONPATH": f"{tmp}:{common.BASE_DIR}",
        },
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    return process, log


def wait_ready(port, process, log_path, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn avslutades: {Path(log_path).read_text()[-2000:]}")
        try:
            status, _h = fetch(port, "/", PUBLIC_HOST)
        except OSError:
            status = None
        if status == 200:
            return
        if status is not None:
            raise SystemExit(
                f"gunicorn på port {port} svarade {status} på /: "
                f"{Path(log_path).read_text()[-3000:]}"
            )
        time.sleep(0.5)
    raise SystemExit(f"gunicorn på port {port} svarade inte inom {timeout} s")


def fetch(port, path, host, connection=None):
    conn = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Host": host, "X-Forwarded-Proto": "https"})
    response = conn.getresponse()
    response.read()
    headers = {name.lower(): value for name, value in response.getheaders()}
    if connection is None:
        conn.close()
    return response.status, headers


def worker_pids(master):
    children = Path(f"/proc/{master}/task/{master}/children")
    try:
        return [int(pid) for pid in children.read_text().split()]
    except OSError:
        return []


def cpu_ms(pids):
    """User + system CPU of the processes, in ms (utime and stime are fields 14 and 15)."""
    ticks = os.sysconf(os.sysconf_names["SC_CLK_TCK"])
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total * 1000 / ticks


# -- the load ---------------------------------------------------------------------------------


def phase(port, paths, threads, duration, master):
    """Requests per second, share answered by a cache and worker CPU ms per request."""
    counts = [0] * threads
    hits = [0] * threads
    errors = []
    stop = time.monotonic() + duration

    def run(n):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        i = n
        while time.monotonic() < stop:
            path = paths[i % len(paths)]
            i += 1
            try:
                status, headers = fetch(port, path, PUBLIC_HOST, conn)
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            if status != 200:
                errors.append(f"{path}: {status}")
                continue
            counts[n] += 1
            if common.cache_hit(headers):
                hits[n] += 1
        conn.close()

    pids = worker_pids(master)
    cpu_before = cpu_ms(pids)
    start = time.monotonic()
    pool = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.monotonic() - start
    cpu = cpu_ms(pids) - cpu_before
    done = sum(counts)
    if errors:
        raise SystemExit(f"{len(errors)} svar var inte 200, t.ex. {errors[0]}")
    return {
        "rps": done / elapsed,
        "hit_share": sum(hits) / done if done else 0.0,
        "cpu_per_request": cpu / done if done else 0.0,
    }


def run_phases(args, servers, bare, mix):
    """Rounds of: bare page and mix on the uncached server, the mix on the production one."""
    kinds = [
        ("Bar sida (utan sidcache)", "uncached", [bare]),
        ("Blandning, 14 sidor (utan sidcache)", "uncached", mix),
        ("Blandning, 14 sidor (produktion, cachad)", "production", mix),
    ]
    samples = {label: [] for label, _s, _p in kinds}
    port, _process = servers["production"]
    for path in mix:  # one pass fills the production server's page cache, if it has one
        fetch(port, path, PUBLIC_HOST)
    for n in range(args.rounds):
        for label, server, paths in kinds:
            port, process = servers[server]
            result = phase(port, paths, args.threads, args.duration, process.pid)
            samples[label].append(result)
            print(
                f"  omgång {n + 1}: {label}: {result['rps']:.1f} anrop/s, "
                f"{result['cpu_per_request']:.1f} ms CPU/anrop, cache {result['hit_share']:.0%}",
                flush=True,
            )
    return kinds, samples


def per_page_phases(args, servers, bare, mix):
    """Each page of the mix on its own against the bare page, on the uncached server: which
    pages pull the mix's ratio down. Shorter phases than the mix's, the same rounds."""
    port, process = servers["uncached"]
    duration = max(1.0, args.duration / 2)
    rows = []
    for path in mix:
        ratios, rps, bare_rps, cpu = [], [], [], []
        for _n in range(args.rounds):
            base = phase(port, [bare], args.threads, duration, process.pid)
            result = phase(port, [path], args.threads, duration, process.pid)
            ratios.append(result["rps"] / base["rps"])
            rps.append(result["rps"])
            bare_rps.append(base["rps"])
            cpu.append(result["cpu_per_request"])
        rows.append(
            (
                path,
                statistics.median(rps),
                statistics.median(bare_rps),
                statistics.median(ratios),
                f"{statistics.median(cpu):.1f} ms",
                "",
            )
        )
        print(f"  {path}: {statistics.median(ratios):.2f}×".replace(".", ","), flush=True)
    return rows


def report(kinds, samples):
    bare_label = kinds[0][0]
    rows = []
    verdicts = {kinds[1][0]: MIX_TARGET, kinds[2][0]: CACHED_TARGET}
    for label, _s, _p in kinds:
        runs = samples[label]
        ratios = [r["rps"] / b["rps"] for r, b in zip(runs, samples[bare_label], strict=True)]
        ratio = statistics.median(ratios)
        target = verdicts.get(label)
        verdict = ""
        if target is not None:
            verdict = f"{'OK' if ratio >= target else 'EJ NÅTT'} (≥ {target:g}×)".replace(".", ",")
        hit = statistics.median(r["hit_share"] for r in runs)
        cpu = statistics.median(r["cpu_per_request"] for r in runs)
        rows.append(
            (
                label,
                statistics.median(r["rps"] for r in runs),
                statistics.median(b["rps"] for b in samples[bare_label]),
                ratio,
                f"{cpu:.1f} ms, {hit:.0%}",
                verdict,
            )
        )
    common.print_rows(
        "Genomströmning under gunicorn; värde och baslinje i anrop/s (median av omgångarna), "
        "kvot = median av kvoterna per omgång; sista kolumnen: arbetarnas CPU per anrop och "
        "andelen svar från en cache",
        rows,
        unit="anrop/s",
        extra="CPU, cache",
    )


def main(argv=None):
    args = parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="styrdok-bench-"))
    env = production_environment(args, tmp)
    common.setup_django()
    from django.conf import settings
    from django.db import connection

    (tmp / "bench_nocache_settings.py").write_text(NO_CACHE_SETTINGS)
    old_name = common.start_database()
    servers, logs = {}, []
    try:
        bare, mix = prepare(args)
        env["DATABASE_URL"] = (
            args.database_url.rsplit("/", 1)[0] + "/" + connection.settings_dict["NAME"]
        )
        removed = [name for name in settings.MIDDLEWARE if "cache" in name.lower()]
        print(
            f"Sidcache i produktionsinställningarna: {', '.join(removed) or 'ingen'}; "
            f"startar två gunicorn med {args.workers} arbetare …",
            flush=True,
        )
        for name, module, port in (
            ("uncached", "bench_nocache_settings", 18431),
            ("production", "styrdok.settings.production", 18432),
        ):
            process, log = start_server(env, module, port, args.workers, tmp)
            servers[name] = (port, process)
            logs.append(log)
            wait_ready(port, process, log.name)
        print(
            f"{len(mix)} sidor i blandningen; {args.rounds} omgångar à {args.duration:g} s per "
            f"fas, {args.threads} klienttrådar …",
            flush=True,
        )
        kinds, samples = run_phases(args, servers, bare, mix)
        page_rows = per_page_phases(args, servers, bare, mix) if args.per_page else None
    finally:
        for _port, process in servers.values():
            process.terminate()
        for _port, process in servers.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in logs:
            log.close()
        connection.close()
        common.drop_database(old_name)
    shutil.rmtree(tmp, ignore_errors=True)
    report(kinds, samples)
    if page_rows:
        common.print_rows(
            "Varje sida i blandningen för sig (utan sidcache), mot den bara sidan i samma omgång",
            page_rows,
            unit="anrop/s",
            extra="CPU",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
