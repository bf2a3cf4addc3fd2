"""Who may do what: roles are Django groups, checked by every view.

* editor: reviews and changes quotes, speakers and articles;
* researcher: reads, filters and exports, and changes nothing;
* admin: everything an editor can, plus the Django admin (the group holds the permissions,
  granted after each migrate by apps.grant_admin_role_permissions; as for any Django admin
  user, the account also needs "staff status").
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

EDITOR = "editor"
RESEARCHER = "researcher"
ADMIN = "admin"
ROLES = (EDITOR, RESEARCHER, ADMIN)


def _groups(user) -> set[str]:
    # Cached on the user object: a page asks several times per request.
    if not hasattr(user, "_newsquotes_groups"):
        user._newsquotes_groups = set(user.groups.values_list("name", flat=True))
    return user._newsquotes_groups


def is_editor(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or bool(_groups(user) & {EDITOR, ADMIN})


def is_admin(user) -> bool:
    """Admins may also undo other editors' claims and use the Django admin."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or ADMIN in _groups(user)


def is_reader(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or bool(_groups(user) & set(ROLES))


def _role_required(check):
    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not check(request.user):
                raise PermissionDenied("Your account does not have the role this page needs.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


editor_required = _role_required(is_editor)
reader_required = _role_required(is_reader)
