"""The page editor's comment e-mails (Wagtail's "updated comments" notification).

Wagtail mails a page's comment subscribers and everyone in a changed thread. In Styrdok that mail
goes through the outbox after the save commits, like every other notification, and never names
a document restricted to groups to someone outside them: not to a colleague who commented
before the document was restricted, nor to a subscriber who has since left the group.
"""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import Comment, CommentReply, PageSubscription

from governance.models import OutboxMessage
from policies.models import RiktlinjePage

from .outbox_helpers import clear_mail, delivered
from .workflow_helpers import client_for, edit_url, make_draft, page_form_data

pytestmark = pytest.mark.django_db

TITLE = "Riktlinje för fjärråtkomst"


def reply_form_data(page, comment, reply_text):
    """The editor's form for `page`, its restriction kept, with one new reply to `comment`."""
    return {
        **page_form_data(RiktlinjePage, TITLE, page.slug, "kommundirektor"),
        "restricted_to": [str(pk) for pk in page.restricted_to.values_list("pk", flat=True)],
        "publicity": page.publicity,
        "comments-TOTAL_FORMS": "1",
        "comments-INITIAL_FORMS": "1",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "",
        "comments-0-DELETE": "",
        "comments-0-resolved": "",
        "comments-0-id": str(comment.pk),
        "comments-0-contentpath": "title",
        "comments-0-text": comment.text,
        "comments-0-position": "",
        "comments-0-replies-TOTAL_FORMS": "1",
        "comments-0-replies-INITIAL_FORMS": "0",
        "comments-0-replies-MIN_NUM_FORMS": "0",
        "comments-0-replies-MAX_NUM_FORMS": "",
        "comments-0-replies-0-id": "",
        "comments-0-replies-0-text": reply_text,
    }


@pytest.fixture
def thread(people):
    """A draft with a comment by the samordnare, a reply by the other redaktör and a comment
    subscription of the dokumentansvarig's."""
    page = make_draft("riktlinje", "kommundirektor", title=TITLE, responsible=people.agare)
    comment = Comment.objects.create(
        page=page, user=people.samordnare, text="Vem äger loggarna?", contentpath="title"
    )
    CommentReply.objects.create(comment=comment, user=people.redaktor2, text="Bra fråga.")
    PageSubscription.objects.create(page=page, user=people.agare, comment_notifications=True)
    clear_mail()
    return page, comment


def reply(people, page, comment):
    response = client_for(people.redaktor).post(
        edit_url(page), reply_form_data(page, comment, "IT-avdelningen.")
    )
    assert response.status_code == 302


def test_a_reply_tells_the_thread_and_the_subscribers_through_the_outbox(people, thread):
    page, comment = thread

    reply(people, page, comment)

    recipients = sorted(address for message in delivered() for address in message.to)
    assert recipients == sorted(
        [people.samordnare.email, people.redaktor2.email, people.agare.email]
    )
    assert all(f"”{TITLE}”" in message.body or TITLE in message.body for message in delivered())
    assert OutboxMessage.objects.filter(kind="updated_comments").count() == 3


def test_a_restricted_document_is_not_named_to_commenters_outside_its_groups(people, thread):
    page, comment = thread
    management = Group.objects.create(name="Ledning")
    people.redaktor.groups.add(management)
    people.samordnare.groups.add(management)
    page.restricted_to = [management]
    page.publicity = "internal"
    page.save()

    reply(people, page, comment)

    # The other redaktör and the dokumentansvarig are not in the group: no mail names it to them.
    assert [message.to for message in delivered()] == [[people.samordnare.email]]
    assert not OutboxMessage.objects.filter(email__in=[people.redaktor2.email, people.agare.email])


def test_nobody_inactive_is_mailed_about_comments(people, thread):
    page, comment = thread
    people.redaktor2.is_active = False
    people.redaktor2.save(update_fields=["is_active"])

    reply(people, page, comment)

    assert people.redaktor2.email not in [a for message in delivered() for a in message.to]
