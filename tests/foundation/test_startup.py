"""A web process loads its views at start and hides them from the garbage collector, so
no request pays for a full collection walking the ~150,000 objects of the app and spaCy."""

import pytest

from .test_settings import run_python

CHECK = (
    "import gc, sys\n"
    "import newsquotes.{module}\n"
    "print(gc.get_freeze_count(), len(gc.get_objects()),\n"
    "      'annotations.views.review_article' in sys.modules)\n"
)


@pytest.mark.parametrize("module", ["wsgi", "asgi"])
def test_the_loaded_app_is_frozen_out_of_the_collectors_reach(module):
    result = run_python(["-c", CHECK.format(module=module)])
    assert result.returncode == 0, result.stderr
    frozen, collectable, views_loaded = result.stdout.split()
    assert views_loaded == "True"
    # What a full collection still walks is a small part of what the process holds.
    assert int(frozen) > 50_000
    assert int(collectable) < int(frozen) // 20
