from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AnnotationsConfig(AppConfig):
    name = "annotations"
    verbose_name = "Quote annotations"

    def ready(self):
        from .search import ensure_sqlite_index

        # SQLite drops a table's triggers when a migration remakes it: put them back.
        post_migrate.connect(ensure_sqlite_index, sender=self)
