"""A PostgreSQL server of a test's own, to stop and start again (the fault tests), and a TCP
proxy in front of it that can cut the network.

The server is made with the machine's own initdb and pg_ctl (``KLINIKKA_TEST_PG_BIN``, else
``pg_config --bindir``, else the newest ``/usr/lib/postgresql/*/bin``) in a temporary folder. It
refuses to run as root: as root it runs as ``KLINIKKA_TEST_PG_USER`` (``.ci/run`` sets the user
it starts its own server as), else ``postgres``.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shlex
import shutil
import socket
import subprocess
import tempfile
import threading
from pathlib import Path


def server_bin() -> Path | None:
    """The folder of initdb and pg_ctl, or None when this machine has no PostgreSQL server."""
    candidates = []
    if os.environ.get("KLINIKKA_TEST_PG_BIN"):
        candidates.append(os.environ["KLINIKKA_TEST_PG_BIN"])
    pg_config = shutil.which("pg_config")
    if pg_config:
        found = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        candidates.append(found.stdout.strip())
    candidates.extend(sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True))
    for candidate in candidates:
        if candidate and (Path(candidate) / "initdb").exists():
            return Path(candidate)
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ThrowawayServer:
    """initdb into a new folder under /tmp (one the server's user may enter, with a short path
    for its socket); ``start``, ``stop`` (as a restart or a crash would), ``url``; ``close``
    stops it and removes the folder."""

    def __init__(self) -> None:
        found = server_bin()
        assert found is not None
        self.bin = found
        self.folder = folder = Path(tempfile.mkdtemp(prefix="klinikka-pg-", dir="/tmp"))
        self.data = folder / "data"
        self.port = free_port()
        self.user = None
        if os.geteuid() == 0:
            self.user = os.environ.get("KLINIKKA_TEST_PG_USER") or "postgres"
            shutil.chown(folder, self.user)
        self._run(f"{self.bin / 'initdb'} -D {self.data} -A trust -U postgres -E UTF8")
        # The administrator ("postgres") needs no password; every other role needs its own.
        hba = "\n".join(
            (
                "local all postgres trust",
                "host all postgres 127.0.0.1/32 trust",
                "local all all scram-sha-256",
                "host all all 127.0.0.1/32 scram-sha-256",
                "",
            )
        )
        self._run(f"printf %s {shlex.quote(hba)} > {self.data / 'pg_hba.conf'}")

    def _run(self, command: str) -> None:
        argv = ["sh", "-c", command]
        if self.user is not None:
            argv = ["runuser", "-u", self.user, "--", *argv]
        subprocess.run(argv, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        options = shlex.quote(
            f"-k {self.folder} -c listen_addresses=127.0.0.1 -p {self.port} -c fsync=off"
        )
        self._run(
            f"{self.bin / 'pg_ctl'} -D {self.data} -l {self.folder / 'log'} -w -o {options} start"
        )

    def stop(self, mode: str = "fast") -> None:
        """``fast``: a restart by its administrator; ``immediate``: the server crashing."""
        self._run(f"{self.bin / 'pg_ctl'} -D {self.data} -m {mode} -w stop")

    def url(
        self, database: str = "postgres", *, port: int | None = None, user: str = "postgres"
    ) -> str:
        return f"postgresql+psycopg://{user}@127.0.0.1:{port or self.port}/{database}"

    def admin(self, *statements: str) -> None:
        """Run statements as the server's administrator, each in its own transaction."""
        from sqlalchemy import create_engine, text

        engine = create_engine(self.url(), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                for statement in statements:
                    connection.execute(text(statement))
        finally:
            engine.dispose()

    def close(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # not running
            self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


class CuttableProxy:
    """A TCP proxy in front of ``target_port``: ``cut()`` drops every connection through it and
    refuses new ones, as a network gone does to the laptop behind it; ``mend()`` lets them in
    again."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self._lock = threading.Lock()
        self._open: list[socket.socket] = []
        self._cut = False
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                if self._cut:
                    client.close()
                    continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port))
            except OSError:
                client.close()
                continue
            with self._lock:
                self._open += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        for one in (source, sink):
            with contextlib.suppress(OSError):
                one.shutdown(socket.SHUT_RDWR)
            one.close()

    def cut(self) -> None:
        with self._lock:
            self._cut = True
            live, self._open = self._open, []
        for one in live:
            with contextlib.suppress(OSError):
                one.shutdown(socket.SHUT_RDWR)
            one.close()

    def mend(self) -> None:
        with self._lock:
            self._cut = False

    def close(self) -> None:
        self.cut()
        self._listener.close()
