"""The daily status measurement and the trend (issue 22): one row per day however often the
command runs, written by cron's command and by the daily reminder run, shown as a sentence, a
chart and a table in the yearly report and on the dashboard, and only to readers who see the
whole register."""

import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from governance.locks import _advisory_key
from governance.models import RunLock
from operations.models import JobRun
from policies.models import Publicity, RiktlinjePage, RutinPage
from reports.models import StatusSnapshot
from reports.snapshots import LOCK_NAME, trend_for
from tests.factories import make_live_document, make_organisation, make_user
from tests.governance.workflow_helpers import client_for, soup, text_of

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
DAY = datetime.date(2026, 3, 10)
ANNUAL = "/admin/rapporter/arlig-genomgang/?fran=2026-01-01&till=2026-12-31"
DASHBOARD = "/admin/"


def at(date, hour=6):
    return datetime.datetime.combine(date, datetime.time(hour), tzinfo=STOCKHOLM)


def run(*args):
    out = StringIO()
    call_command("record_status_snapshot", *args, stdout=out)
    return out.getvalue()


def snapshot(date, overdue, total=10, due_soon=1, no_owner=0):
    return StatusSnapshot.objects.create(
        date=date,
        recorded_at=at(date),
        warning_days=60,
        total=total,
        in_time=max(total - overdue - due_soon, 0),
        due_soon=due_soon,
        overdue=overdue,
        no_owner=no_owner,
    )


@pytest.fixture
def documents(time_machine):
    time_machine.move_to(at(DAY), tick=False)
    social = make_organisation("Socialförvaltningen")
    owner = make_user("agare", first_name="Åsa", last_name="Ägare")

    def add(title, next_review, page_class=RutinPage, **fields):
        return make_live_document(
            page_class,
            title=title,
            next_review=DAY + datetime.timedelta(days=next_review),
            **{"responsible": owner, **fields},
        )

    add("Rutin i tid", 200, organisation=social)
    add("Rutin snart", 10, organisation=social)
    add("Rutin försenad", -5)
    add("Riktlinje försenad", -50, RiktlinjePage, responsible=None)
    return owner


# -- the command --------------------------------------------------------------------------------


def test_running_twice_the_same_day_keeps_one_row_and_a_new_day_adds_one(documents, time_machine):
    first = run()
    assert first.strip() == (
        "Mätte 2026-03-10: 4 dokument, 2 försenade, 1 med revision snart, 1 saknar ansvarig."
    )
    make_live_document(RutinPage, title="Rutin ny", next_review=DAY - datetime.timedelta(days=1))
    second = run()
    assert second.startswith("Uppdaterade mätningen för 2026-03-10: 5 dokument, 3 försenade")

    row = StatusSnapshot.objects.get()
    assert (row.date, row.total, row.in_time, row.due_soon, row.overdue, row.no_owner) == (
        DAY,
        5,
        1,
        1,
        3,
        2,
    )
    assert row.by_type["rutin"]["total"] == 4
    assert row.by_type["riktlinje"] == {
        "total": 1,
        "i_tid": 0,
        "snart": 0,
        "forsenad": 1,
        "saknar_agare": 1,
        "under_revision": 0,
    }
    assert row.by_organisation["Socialförvaltningen"]["i_tid"] == 1
    assert row.by_organisation["Kommungemensam"]["forsenad"] == 3

    time_machine.move_to(at(DAY + datetime.timedelta(days=1)), tick=False)
    run("--verbosity", "0")
    assert list(StatusSnapshot.objects.values_list("date", flat=True)) == [
        DAY,
        DAY + datetime.timedelta(days=1),
    ]
    # Every run is in the run log (Rapporter → Körningar).
    runs = JobRun.objects.filter(job="record_status_snapshot")
    assert runs.count() == 3
    assert all(job_run.ok for job_run in runs)


def test_a_second_run_while_one_is_running_measures_nothing(documents):
    if connection.vendor == "postgresql":
        pytest.skip("the advisory lock is per session; the row lock is SQLite's")
    RunLock.objects.create(name=LOCK_NAME, token="forsta-korningen", acquired_at=timezone.now())
    assert "En annan statusmätning pågår redan" in run()
    assert not StatusSnapshot.objects.exists()
    assert JobRun.objects.get(job="record_status_snapshot").summary == (
        "En annan statusmätning pågick redan; inget mättes."
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the advisory lock is PostgreSQL's")
def test_a_run_while_another_session_holds_the_advisory_lock_measures_nothing(documents):
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [_advisory_key(LOCK_NAME)])
        assert "En annan statusmätning pågår redan" in run()
        assert not StatusSnapshot.objects.exists()
    finally:
        other.close()
    run()
    assert StatusSnapshot.objects.count() == 1


def test_the_daily_reminder_run_measures_the_day_too(documents, time_machine):
    call_command("send_review_reminders", "--dry-run", verbosity=0)
    assert not StatusSnapshot.objects.exists()
    call_command("send_review_reminders", "--date", "2026-03-01", verbosity=0)
    assert not StatusSnapshot.objects.exists()  # another day: today's register says nothing

    call_command("send_review_reminders", verbosity=0)
    assert StatusSnapshot.objects.get().overdue == 2
    # The reminder run is the entry in the run log; the measurement is part of it.
    assert not JobRun.objects.filter(job="record_status_snapshot").exists()

    call_command("send_review_reminders", verbosity=0)
    assert StatusSnapshot.objects.count() == 1


def test_a_failing_measurement_never_fails_the_reminders(documents, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("databasen svarar inte")

    monkeypatch.setattr("reports.snapshots.record_snapshot", broken)
    call_command("send_review_reminders", verbosity=0)
    assert JobRun.objects.get(job="send_review_reminders").ok is True


# -- the trend ----------------------------------------------------------------------------------


def test_the_trend_sentence_reads_from_the_first_month_to_the_last():
    snapshot(datetime.date(2026, 1, 2), overdue=10)
    snapshot(datetime.date(2026, 1, 31), overdue=14, total=20)  # January's last measurement
    snapshot(datetime.date(2026, 6, 15), overdue=8)
    snapshot(datetime.date(2026, 12, 30), overdue=3, total=18, no_owner=2)
    snapshot(datetime.date(2027, 1, 2), overdue=1)  # after the period

    trend = trend_for(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))

    assert trend.by_month
    assert [point.label for point in trend.points] == ["januari", "juni", "december"]
    assert trend.sentences == [
        "Försenade dokument: 14 i januari → 3 i december (11 färre).",
        "Dokument med revision snart: 1 i januari → 1 i december (oförändrat).",
        "Dokument utan dokumentansvarig: 0 i januari → 2 i december (2 fler).",
        "Dokument i registret: 20 i januari → 18 i december (2 färre).",
    ]


def test_a_short_trend_is_shown_day_by_day_and_a_period_over_years_names_them():
    snapshot(datetime.date(2026, 3, 1), overdue=4)
    snapshot(datetime.date(2026, 3, 2), overdue=5)
    short = trend_for(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
    assert not short.by_month
    assert short.sentences[0] == (
        "Försenade dokument: 4 den 1 mars 2026 → 5 den 2 mars 2026 (1 fler)."
    )
    snapshot(datetime.date(2025, 11, 30), overdue=9)
    long = trend_for(datetime.date(2025, 1, 1), datetime.date(2026, 12, 31))
    assert [point.label for point in long.points] == ["november 2025", "mars 2026"]


def test_without_measurements_the_report_and_the_dashboard_say_so(documents):
    chef = make_user("chef", superuser=True)
    client = client_for(chef)
    report = text_of(soup(client.get(ANNUAL)).select_one("#utveckling-rubrik").parent)
    assert "Inga dagliga mätningar ännu för perioden." in report
    panel = soup(client.get(DASHBOARD)).select_one(".styrdok-trend-panel")
    assert "Inga dagliga mätningar ännu." in text_of(panel)
    assert panel.find("svg") is None


def test_the_dashboard_shows_the_years_trend_with_its_table(documents):
    snapshot(datetime.date(2025, 12, 31), overdue=7)
    snapshot(datetime.date(2026, 3, 9), overdue=2)
    chef = make_user("chef", superuser=True)
    panel = soup(client_for(chef).get(DASHBOARD)).select_one(".styrdok-trend-panel")
    text = text_of(panel)
    assert "Försenade dokument: 7 i december 2025 → 2 i mars 2026 (5 färre)." in text
    svg = panel.find("svg")
    assert svg["role"] == "img"
    assert svg.desc.get_text().startswith("Försenade dokument: 7 i december 2025")
    assert [text_of(row) for row in panel.select("details tbody tr")] == [
        "december 2025 10 2 1 7 0 0",
        "mars 2026 10 7 1 2 0 0",
    ]


def test_the_trend_is_only_for_readers_who_see_the_whole_register(documents):
    """The measurements count restricted documents too: a reader outside a restricted
    document's groups would learn from them that it exists."""
    secret = Group.objects.create(name="Säkerhetsskydd")
    make_live_document(
        RiktlinjePage,
        title="Skyddad riktlinje",
        publicity=Publicity.INTERNAL,
        restricted_to=[secret],
    )
    snapshot(datetime.date(2026, 2, 1), overdue=5)
    snapshot(datetime.date(2026, 3, 1), overdue=4)
    samordnare = make_user(
        "samordnare", groups=["Informationssäkerhetssamordnare"], first_name="Sam"
    )
    client = client_for(samordnare)
    report = soup(client.get(ANNUAL))
    section = text_of(report.select_one("#utveckling-rubrik").parent)
    assert "Utvecklingen visas bara för den som får se hela registret" in section
    assert report.select_one("#diagram-utveckling") is None
    assert soup(client.get(DASHBOARD)).select_one(".styrdok-trend-panel") is None

    samordnare.groups.add(secret)
    member = client_for(samordnare)
    assert member.get(ANNUAL).content.decode().count('id="diagram-utveckling"') == 1
    assert soup(member.get(DASHBOARD)).select_one(".styrdok-trend-panel") is not None


def test_the_dashboard_panel_is_not_for_everyone(documents):
    snapshot(datetime.date(2026, 3, 1), overdue=4)
    editor = make_user("redaktor", groups=["Redaktörer"], first_name="Rut")
    assert soup(client_for(editor).get(DASHBOARD)).select_one(".styrdok-trend-panel") is None


# -- cost -----------------------------------------------------------------------------------------


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", [ANNUAL, DASHBOARD])
def test_the_trend_costs_the_same_queries_however_many_measurements(documents, url):
    chef = make_user("chef", superuser=True)
    client = client_for(chef)
    for day in range(3):
        snapshot(datetime.date(2026, 1, 1) + datetime.timedelta(days=day), overdue=day)
    client.get(url)  # warm up
    few = count_queries(client, url)
    for day in range(3, 60):
        snapshot(datetime.date(2026, 1, 1) + datetime.timedelta(days=day), overdue=day % 7)
    for n in range(6):
        make_live_document(RutinPage, title=f"Rutin extra {n}", next_review=DAY)
    make_organisation("Barn- och utbildningsförvaltningen")
    assert count_queries(client, url) == few


def test_measuring_costs_the_same_queries_however_large_the_register(documents):
    run("--verbosity", "0")  # today's row exists: both runs below update it
    with CaptureQueriesContext(connection) as small:
        run("--verbosity", "0")
    for n in range(8):
        make_live_document(RutinPage, title=f"Rutin mer {n}", next_review=DAY)
    with CaptureQueriesContext(connection) as large:
        run("--verbosity", "0")
    assert len(large) == len(small)
