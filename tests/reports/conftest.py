"""The people of the demo kommun's decision process, shared with the governance tests."""

from tests.governance.conftest import *  # noqa: F403
