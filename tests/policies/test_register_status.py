"""The register's review status filter, written as SQL in policies.register (issue 17), lists
what with_review_status says, for staff (all five statuses) and the public site (dates only),
on the scenario documents of tests/policies/test_review_status.py and the day they were built
for: a decision run in progress, a departed owner, no owner, overdue, due soon and current."""

import datetime

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.test import Client, override_settings

from policies.channels import INTRANET, PUBLIC
from policies.models import DATE_STATUSES, RegisterPage, ReviewStatus, Styrdokument
from tests.factories import INTRANET_HOST, PUBLIC_HOST, make_user
from tests.policies.test_review_status import STOCKHOLM, build_scenarios
from tests.shared import build_once

pytestmark = pytest.mark.django_db

REGISTER = "/styrdokument/"
DAY = datetime.datetime(2026, 3, 2, 10, tzinfo=STOCKHOLM)


@pytest.fixture(scope="module")
def scenario_pks(django_db_setup, django_db_blocker, tmp_path_factory):
    folder = tmp_path_factory.mktemp("register_status")
    with override_settings(STYRDOK_ARCHIVE_ROOT=folder / "arkiv"):
        yield from build_once(django_db_blocker, build_scenarios)


def _listed(client, status):
    titles, page = [], 1
    while True:
        response = client.get(REGISTER, {"status": status, "sortering": "titel", "sida": page})
        assert response.status_code == 200
        soup = BeautifulSoup(response.content, "html.parser")
        titles += [a.get_text() for a in soup.select("table.register-table tbody td:first-child a")]
        count = int(soup.select_one("p.result-count").get_text().split()[0])
        if page * 25 >= count:
            return sorted(titles)
        page += 1


def _annotated(register, status, staff=None):
    """The titles with_review_status gives `status` today: on the intranet for `staff`, else
    on the public site (by date only)."""
    annotated = Styrdokument.objects.descendant_of(register).with_review_status()
    if staff is None:
        documents = annotated.for_channel(PUBLIC).filter(date_review_status=status)
    else:
        documents = annotated.for_channel(INTRANET, staff).filter(review_status=status)
    return sorted(documents.values_list("title", flat=True))


@pytest.mark.parametrize("status", list(ReviewStatus))
def test_each_status_lists_what_the_annotation_says(scenario_pks, status):
    register = RegisterPage.objects.get()
    with time_machine.travel(DAY, tick=False):
        staff = make_user("status-staff")
        intranet = Client(HTTP_HOST=INTRANET_HOST)
        intranet.force_login(staff)
        expected_staff = _annotated(register, status, staff)
        assert expected_staff
        assert _listed(intranet, status.value) == expected_staff

        if status in DATE_STATUSES:
            expected_public = _annotated(register, status)
            assert _listed(Client(HTTP_HOST=PUBLIC_HOST), status.value) == expected_public


def test_the_date_statuses_follow_the_day_in_one_process(scenario_pks):
    """The register's statement has its day written in (policies.register._date_condition):
    the same shape asked for on later days lists by each day's dates, never a former day's."""
    register = RegisterPage.objects.get()
    staff = make_user("status-days")
    for days in (0, 1, 20, 45, 400, 0):
        with time_machine.travel(DAY + datetime.timedelta(days=days), tick=False):
            intranet = Client(HTTP_HOST=INTRANET_HOST)
            intranet.force_login(staff)
            for status in DATE_STATUSES:
                public = _listed(Client(HTTP_HOST=PUBLIC_HOST), status.value)
                assert public == _annotated(register, status), (days, status)
                expected_staff = _annotated(register, status, staff)
                assert _listed(intranet, status.value) == expected_staff, (days, status)
