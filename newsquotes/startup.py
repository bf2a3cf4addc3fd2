"""What a web process does once, after loading the app and before its first request."""

import gc

from django.urls import get_resolver


def freeze_loaded_objects() -> int:
    """Import every view (through the URLconf), then hide what is loaded from the garbage
    collector; returns how many objects were frozen.

    The app imports the extraction engine and spaCy with it: ~150,000 objects, alive as
    long as the process, which every full collection walks again. That took ~100 ms, in
    the middle of whichever request happened to trigger it: the single slow requests of
    the review benchmark. gc.freeze() moves them to a generation the collector never
    scans; what requests allocate is collected as before.
    """
    get_resolver().url_patterns  # noqa: B018 (the property imports the views)
    gc.collect()  # the garbage of start-up goes first, not frozen with the rest
    gc.freeze()
    return gc.get_freeze_count()
