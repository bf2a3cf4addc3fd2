"""python manage.py setup_demo: sample articles and two demo accounts, idempotently."""

from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.core.management.base import BaseCommand

from annotations.roles import EDITOR, RESEARCHER

DEMO_ACCOUNTS = [
    ("editor", "editor-demo-password", EDITOR),
    ("researcher", "researcher-demo-password", RESEARCHER),
]


class Command(BaseCommand):
    help = "Create the demo editor and researcher and import the sample articles (safe to re-run)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--address",
            default="127.0.0.1:8000",
            help="Where the server listens (make run passes its HOST), for the log-in URL.",
        )

    def handle(self, *args, **options):
        for username, password, role in DEMO_ACCOUNTS:
            user, created = User.objects.get_or_create(username=username)
            if created:
                user.set_password(password)
                user.save()
            user.groups.add(Group.objects.get(name=role))
        call_command("import_articles", str(Path(settings.BASE_DIR) / "samples"), verbosity=0)
        address = options["address"]
        if address.isdigit():  # runserver takes a bare port too
            address = f"127.0.0.1:{address}"
        self.stdout.write(f"Demo log-ins (http://{address}/accounts/login/):")
        for username, password, role in DEMO_ACCOUNTS:
            self.stdout.write(f"  {role:<10} {username} / {password}")
