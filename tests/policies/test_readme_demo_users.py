"""The README's demo logins name every user load_demo creates, with their groups, and no other.

The table is what someone trying the demo reads first; when the demo gains or loses a user, or a
user changes group, this test says which row is wrong.
"""

import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from policies.demo import DEFAULT_FIXTURE, DEMO_PASSWORD
from tests.shared import build_once

README = Path(__file__).resolve().parents[2] / "README.md"
ROW = re.compile(r"^\| `(?P<username>[^`]+)` \|(?P<cells>.*)\|\s*$")

pytestmark = [
    pytest.mark.demo,
    pytest.mark.skipif(
        not DEFAULT_FIXTURE.is_file(), reason=f"the demo file {DEFAULT_FIXTURE} does not exist"
    ),
]


def demo_logins_section():
    """From "**Demo logins**" to the first blank line after its table."""
    text = README.read_text(encoding="utf-8")
    start = text.index("**Demo logins**")
    table = text.index("\n| ", start)
    end = text.find("\n\n", table)
    return text[start : end if end != -1 else len(text)]


def readme_rows():
    """username -> {"person", "groups", "role"} from the table's rows."""
    rows = {}
    for line in demo_logins_section().splitlines():
        match = ROW.match(line)
        if match is None:
            continue
        person, groups, role, _try = (cell.strip() for cell in match["cells"].split(" | "))
        assert match["username"] not in rows, f"{match['username']} has two rows"
        rows[match["username"]] = {
            "person": person,
            "groups": groups,
            "role": role,
        }
    return rows


def group_names(cell):
    """ "Redaktörer" or "Beslutsfattare, Dokumentansvariga"; "–" (with a note) is none."""
    names = re.sub(r"\(.*?\)", "", cell).split(",")
    return {name.strip() for name in names if name.strip() not in ("", "–")}


def load_users():
    call_command("load_demo", verbosity=0)
    return {
        user.username: {
            "person": user.get_full_name(),
            "groups": {group.name for group in user.groups.all()},
            "superuser": user.is_superuser,
            "active": user.is_active,
        }
        for user in get_user_model().objects.prefetch_related("groups")
    }


@pytest.fixture(scope="module")
def demo_users(django_db_setup, django_db_blocker):
    yield from build_once(django_db_blocker, load_users)


@pytest.fixture
def users(demo_users, db):
    return demo_users


def test_the_table_lists_every_demo_user_and_no_other(users):
    assert set(readme_rows()) == set(users)


def test_each_row_names_the_person_and_their_groups(users):
    for username, row in readme_rows().items():
        user = users[username]
        assert row["person"] == user["person"], username
        assert group_names(row["groups"]) == user["groups"], username
        assert ("superuser" in row["groups"]) == user["superuser"], username


def test_an_inactive_user_is_said_to_be_inactive(users):
    for username, row in readme_rows().items():
        assert ("inactive" in row["role"]) == (not users[username]["active"]), username


def test_the_readme_gives_the_demo_password():
    assert f"the password is `{DEMO_PASSWORD}`" in demo_logins_section()


def test_the_count_in_the_text_matches_the_table(users):
    numbers = {"twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15}
    match = re.search(r"has (\w+) users", demo_logins_section())
    assert match is not None
    assert numbers.get(match[1], match[1]) == len(users)
