"""python manage.py create_api_token USERNAME [--name NAME]: a token for the read-only API.

The token is printed once and only its SHA-256 is stored; send it as
``Authorization: Bearer <token>``. The user must be a reader (researcher, editor, admin).
"""

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from annotations.models import ApiToken
from annotations.roles import is_reader


class Command(BaseCommand):
    help = "Create an API token for a user and print it (it cannot be shown again)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="What the token is for.")

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"There is no user called {options['username']!r}.")
        if not is_reader(user):
            raise CommandError(
                f"{user.username} has no role that may read the API: add them to the "
                "researcher, editor or admin group first."
            )
        key = secrets.token_urlsafe(32)
        ApiToken.objects.create(user=user, name=options["name"], key_hash=ApiToken.hash_key(key))
        self.stdout.write(key)
        self.stderr.write("Keep it now: only its hash is stored.")
