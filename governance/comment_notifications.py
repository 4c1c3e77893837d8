"""Wagtail's comment e-mails from the page editor, through the outbox and the visibility rule.

Wagtail's edit view mails a page's comment subscribers and everyone in a changed thread itself,
during the request, to whoever they are. Styrdok sends the same messages (Wagtail's own
templates, in the recipient's language) as rows in the outbox, delivered once the save commits,
and only to active people who may know of the document: one restricted to groups does not exist
for anyone outside them, even someone who commented before it was restricted or before they left
the group, so its title and comments are never mailed to them.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.utils.translation import override
from wagtail.models import CommentReply, PageSubscription
from wagtail.users.models import UserProfile

from .outbox import queue
from .workflows import may_see

KIND = "updated_comments"
# What Wagtail's edit view hands over (EditView.send_commenting_notifications).
CHANGE_KEYS = ("new_comments", "deleted_comments", "resolved_comments", "new_replies")
TEMPLATES = "wagtailadmin/notifications/updated_comments"


def _changed_thread_ids(changes):
    """The threads whose people hear of the change: resolved ones and those with new replies."""
    return {comment.pk for comment in changes["resolved_comments"]} | {
        comment.pk for comment, _replies in changes["new_replies"]
    }


def comment_recipients(page, changes, actor):
    """[(user, thread ids or None)]: the page's subscribers hear of every change (None), the
    people of a changed thread of that thread's changes; never the person who made them."""
    subscribers = [
        subscription.user
        for subscription in PageSubscription.objects.filter(
            page=page, comment_notifications=True
        ).select_related("user")
        if subscription.user_id != actor.pk
    ]
    recipients = [(user, None) for user in subscribers]
    thread_ids = _changed_thread_ids(changes)
    if not thread_ids:
        return recipients
    threads = {}
    for user_id, comment_id in CommentReply.objects.filter(comment_id__in=thread_ids).values_list(
        "user_id", "comment_id"
    ):
        threads.setdefault(user_id, set()).add(comment_id)
    starters = page.wagtail_admin_comments.filter(pk__in=thread_ids).values_list("user_id", "pk")
    for user_id, comment_id in starters:
        threads.setdefault(user_id, set()).add(comment_id)
    excluded = {actor.pk, *(user.pk for user in subscribers)}
    users = get_user_model().objects.filter(pk__in=set(threads) - excluded).order_by("pk")
    return recipients + [(user, threads[user.pk]) for user in users]


def _context(page, actor, changes, threads):
    def wanted(comment):
        return threads is None or comment.pk in threads

    return {
        "page": page,
        "editor": actor,
        "new_comments": [c for c in changes["new_comments"] if threads is None],
        "resolved_comments": [c for c in changes["resolved_comments"] if wanted(c)],
        "deleted_comments": [c for c in changes["deleted_comments"] if threads is None],
        "replied_comments": [
            {"comment": comment, "replies": replies}
            for comment, replies in changes["new_replies"]
            if wanted(comment)
        ],
    }


def _has_news(context):
    return any(
        context[key]
        for key in ("new_comments", "resolved_comments", "deleted_comments", "replied_comments")
    )


def may_hear_of(user, profile, documents):
    """An active person with an address, who wants comment e-mails (their `profile` says so)
    and may see the documents."""
    if not (user.is_active and user.email and profile.updated_comments_notifications):
        return False
    return all(may_see(document, user) for document in documents)


def queue_commenting_notifications(page, stored, actor, changes):
    """Record the comment e-mails of one save in the outbox; returns how many were recorded.

    `page` is the page as the editor saved it (with the draft's restriction), `stored` the
    page as it is in the database: a recipient must be allowed to see both."""
    sent = 0
    for user, threads in comment_recipients(page, changes, actor):
        profile = UserProfile.get_for_user(user)
        if not may_hear_of(user, profile, [page, stored]):
            continue
        context = {
            "settings": settings,
            "user": user,
            **_context(page, actor, changes, threads),
        }
        if not _has_news(context):
            continue
        with override(profile.get_preferred_language()):
            subject = " ".join(render_to_string(f"{TEMPLATES}_subject.txt", context).split())
            body = render_to_string(f"{TEMPLATES}.txt", context).strip()
        queue(user.email, subject, body, kind=KIND, recipient=user, page=page)
        sent += 1
    return sent


def send_commenting_notifications(view, changes):
    """Replaces Wagtail's EditView.send_commenting_notifications (install())."""
    if not any(changes[key] for key in CHANGE_KEYS):
        return
    page = view.page
    stored = type(page).objects.filter(pk=page.pk).first()
    queue_commenting_notifications(page, stored, view.request.user, changes)


def install():
    """Route the page editor's comment e-mails through queue_commenting_notifications, once."""
    from wagtail.admin.views.pages.edit import EditView

    EditView.send_commenting_notifications = send_commenting_notifications
