"""Two transactions at once on the real database, each in a thread with its own
connection: one held open with its locks while the test does the other's work."""

import threading
from contextlib import contextmanager

from django.db import connection, transaction


class HeldWrite(threading.Thread):
    """Runs ``write`` in its own transaction and keeps it open until released."""

    def __init__(self, write):
        super().__init__(daemon=True)
        self.write = write
        self.done_writing = threading.Event()
        self.release = threading.Event()
        self.errors: list[BaseException] = []

    def run(self):
        try:
            with transaction.atomic():
                self.write()
                self.done_writing.set()
                self.release.wait(timeout=20)
        except BaseException as error:  # reported in the test's thread
            self.errors.append(error)
            self.done_writing.set()
        finally:
            connection.close()


class Attempt(threading.Thread):
    """Runs ``action`` in its own thread and connection, keeping its result or error."""

    def __init__(self, action):
        super().__init__(daemon=True)
        self.action = action
        self.result = None
        self.error: BaseException | None = None

    def run(self):
        try:
            self.result = self.action()
        except BaseException as error:
            self.error = error
        finally:
            connection.close()


@contextmanager
def held_open(write):
    """``write`` run by a HeldWrite and held open (its locks and uncommitted rows with it)
    while the block runs; then it commits. An error ``write`` raised fails the block."""
    holder = HeldWrite(write)
    holder.start()
    try:
        assert holder.done_writing.wait(timeout=20), "the held write did not finish"
        assert holder.errors == []
        yield
    finally:
        holder.release.set()
        holder.join(timeout=20)
    assert holder.errors == []
