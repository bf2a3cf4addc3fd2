"""Fixtures that read like the newsroom: alice and bob edit, rachel researches."""

import os

import pytest
from django.contrib.auth.models import Group, User
from hypothesis import settings

from annotations.roles import ADMIN, EDITOR, RESEARCHER

# CI (.ci/run) runs the property tests on the same examples every time, so a red build
# means the change broke something; a developer's runs explore new examples each time.
settings.register_profile("ci", derandomize=True, database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def _user(username, role=None, **kwargs):
    user = User.objects.create_user(username, f"{username}@example.org", "correct horse", **kwargs)
    if role:
        # Migration 0002 creates the role groups, but a transactional test's flush removes
        # them for the tests after it; roles are checked by group name alone.
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


@pytest.fixture
def alice(db):
    """An editor."""
    return _user("alice", EDITOR)


@pytest.fixture
def bob(db):
    """A second editor, for conflicts and claims."""
    return _user("bob", EDITOR)


@pytest.fixture
def rachel(db):
    """A researcher: reads and exports, changes nothing."""
    return _user("rachel", RESEARCHER)


@pytest.fixture
def admin_user(db):
    return _user("ada", ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def mallory(db):
    """Logged in, but in no role at all."""
    return _user("mallory")


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def rachel_client(client, rachel):
    client.force_login(rachel)
    return client


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache (the queue's database-wide progress is cached
    for a minute, which would carry one test's counts into the next)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
