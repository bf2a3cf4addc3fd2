from django.apps import AppConfig
from django.db.models.signals import post_migrate

# What the "admin" role may do in the Django admin: everything on the app's data, the task
# queue, the log-in lock-outs (to lift one) and the accounts and their roles.
ADMIN_ROLE_APPS = ("annotations", "django_tasks_db", "axes", "auth")


def grant_admin_role_permissions(sender=None, using="default", **kwargs):
    """Give the admin group every permission of ADMIN_ROLE_APPS, after each migrate (and
    each flush, which sends post_migrate too), once the permissions exist."""
    from django.contrib.auth.models import Group, Permission

    from .roles import ADMIN

    group, _ = Group.objects.using(using).get_or_create(name=ADMIN)
    permissions = Permission.objects.using(using).filter(
        content_type__app_label__in=ADMIN_ROLE_APPS
    )
    group.permissions.add(*permissions)


class AnnotationsConfig(AppConfig):
    name = "annotations"
    verbose_name = "Quote annotations"

    def ready(self):
        # Connected after django.contrib.auth's create_permissions (auth is listed first),
        # so the permissions of this migrate exist when they are granted.
        post_migrate.connect(grant_admin_role_permissions, dispatch_uid="admin-role-permissions")
        from .search import ensure_sqlite_index

        # SQLite drops a table's triggers when a migration remakes it: put them back.
        post_migrate.connect(ensure_sqlite_index, sender=self)
