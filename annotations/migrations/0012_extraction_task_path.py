"""The extraction task is now annotations.tasks.extract_batch (it was extract_articles,
the name of the service it does not call). Task rows already in the database queue point
at the new path, so a worker started after the upgrade still runs the queued ones, and
the lost-task bookkeeping (services.extraction._fail_lost_tasks) still finds running ones.
"""

from django.db import migrations

OLD_PATH = "annotations.tasks.extract_articles"
NEW_PATH = "annotations.tasks.extract_batch"


def rename(apps, old: str, new: str) -> None:
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    DBTaskResult.objects.filter(task_path=old).update(task_path=new)


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0011_reviewed_index_names"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: rename(apps, OLD_PATH, NEW_PATH),
            lambda apps, schema_editor: rename(apps, NEW_PATH, OLD_PATH),
        ),
    ]
