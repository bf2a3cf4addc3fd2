"""The admin role is usable in the Django admin without being a superuser."""

import pytest
from django.contrib.auth.models import Group, User

from annotations.apps import grant_admin_role_permissions
from annotations.roles import ADMIN

pytestmark = pytest.mark.django_db


@pytest.fixture
def ada_client(client):
    grant_admin_role_permissions()  # what every migrate (and flush) does
    ada = User.objects.create_user("ada2", "ada2@example.org", "pw", is_staff=True)
    ada.groups.add(Group.objects.get(name=ADMIN))
    client.force_login(ada)
    return client


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/annotations/quote/",
        "/admin/annotations/speaker/",
        "/admin/annotations/article/",
        "/admin/auth/user/",
        "/admin/axes/accessattempt/",
    ],
)
def test_an_admin_who_is_no_superuser_can_use_the_django_admin(ada_client, path):
    response = ada_client.get(path)

    assert response.status_code == 200
    assert "have permission to view or edit anything" not in response.content.decode()


def test_the_admin_group_holds_the_permissions_after_migrate():
    group = Group.objects.get(name=ADMIN)  # created and granted by the test database's migrate

    assert group.permissions.filter(codename="change_quote").exists()
    assert group.permissions.filter(codename="delete_accessattempt").exists()


def test_an_editor_gets_nothing_in_the_django_admin(client, alice):
    alice.is_staff = True
    alice.save()
    client.force_login(alice)

    assert "have permission to view or edit anything" in client.get("/admin/").content.decode()
