"""A PostgreSQL server of the test's own, to restart and kill at will (never the shared one).

initdb into a temporary directory and pg_ctl on a free port of 127.0.0.1. PostgreSQL will
not run as root, so as root the server runs as the ``postgres`` user (runuser). Skipped
when the binaries are missing.
"""

import contextlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from .production_server import free_port

BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


class OwnPostgres:
    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="nq-own-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = free_port()
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
        self._run(BIN / "initdb", "-D", self.data, "-A", "trust", "-U", "postgres", "--no-sync")

    def _run(self, *command) -> None:
        subprocess.run(
            _as_server_user([str(part) for part in command]),
            check=True,
            capture_output=True,
            timeout=120,
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(BIN / "pg_ctl", "-D", self.data, "-l", self.log, "-o", options, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run(BIN / "pg_ctl", "-D", self.data, "-m", mode, "-w", "stop")

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def createdb(self, name: str) -> None:
        self._run(BIN / "createdb", "-h", "127.0.0.1", "-p", self.port, "-U", "postgres", name)

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # not running
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="module")
def own_postgres():
    if not (BIN / "initdb").exists() or (os.geteuid() == 0 and not shutil.which("runuser")):
        pytest.skip(f"no PostgreSQL binaries in {BIN} to start a server of our own")
    server = OwnPostgres()
    try:
        server.start()
        yield server
    finally:
        server.remove()
