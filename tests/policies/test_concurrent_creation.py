"""Pages created under one parent at the same moment: both are created, or the second editor is
told why not, never a server error (policies/creation.py)."""

import threading
import time

import pytest
from django.db import close_old_connections, connection, transaction
from wagtail.models import Page

from policies import creation
from policies.models import RiktlinjePage
from tests.factories import get_register, make_user
from tests.policies.test_admin_forms import add_url, messages_of, riktlinje_post_data

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="real concurrent row locks need PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_a_second_creation_under_the_same_register_waits_and_takes_the_next_path(
    committed_baseline,
):
    """One transaction creates a page and holds the register a moment; another, on its own
    connection, creates one beside it at that moment: both exist, each with its own path."""
    register_pk = get_register().pk
    holding = threading.Event()
    errors = []

    def first():
        try:
            with transaction.atomic():
                register = Page.objects.get(pk=register_pk).specific
                register.add_child(
                    instance=RiktlinjePage(title="Riktlinje ett", slug="riktlinje-ett", live=False)
                )
                holding.set()
                time.sleep(1.0)  # the second creation starts while this one is uncommitted
        except Exception as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)
            holding.set()
        finally:
            close_old_connections()

    def second():
        try:
            holding.wait(timeout=20)
            register = Page.objects.get(pk=register_pk).specific
            register.add_child(
                instance=RiktlinjePage(title="Riktlinje två", slug="riktlinje-tva", live=False)
            )
        except Exception as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    pages = list(RiktlinjePage.objects.filter(slug__in=["riktlinje-ett", "riktlinje-tva"]))
    assert len(pages) == 2
    assert len({page.path for page in pages}) == 2
    register = Page.objects.get(pk=register_pk)
    assert register.numchild == register.get_children().count()
    # treebeard's own check: no bad paths, orphans, depths or child counts
    assert all(not problems for problems in Page.find_problems())


def test_an_address_taken_while_the_form_was_checked_is_a_swedish_message(
    client, register, monkeypatch
):
    """The form found the address free, but another save took it before this one: the editor
    lands on the register's page list with a message, nothing is half-created."""
    redaktor = make_user("redaktor-samtidig", groups=["Redaktörer"])
    client.force_login(redaktor)
    original = Page._slug_is_available
    original_add_child = creation.SerialChildren.add_child
    saving = []

    def add_child(self, **kwargs):
        saving.append(True)
        return original_add_child(self, **kwargs)

    def taken_at_save(slug, parent_page, page=None):
        # Free while the form is checked, taken once the page is being added to the tree.
        return False if saving else original(slug, parent_page, page)

    monkeypatch.setattr(creation.SerialChildren, "add_child", add_child)
    monkeypatch.setattr(Page, "_slug_is_available", staticmethod(taken_at_save))
    before = RiktlinjePage.objects.count()

    response = client.post(
        add_url(register),
        riktlinje_post_data([]),
        HTTP_HOST="intranet.localhost",
    )

    assert response.status_code == 302
    assert response["Location"] == f"/admin/pages/{register.pk}/"
    text = " ".join(messages_of(response))
    assert "Sidan kunde inte skapas" in text
    assert "sparats automatiskt" in text
    assert RiktlinjePage.objects.count() == before
