"""A throwaway PostgreSQL cluster from Debian's binaries, on a unix socket in a temp dir."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass


def find_pg_bin() -> str | None:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.path.exists(os.path.join(candidate, "initdb")):
            return candidate
    initdb = shutil.which("initdb")
    return os.path.dirname(initdb) if initdb else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class PostgresCluster:
    bin_dir: str
    base_dir: str
    socket_dir: str
    port: int
    user: str

    @property
    def data_dir(self) -> str:
        return os.path.join(self.base_dir, "data")

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{self.user}@/{database}?host={self.socket_dir}&port={self.port}"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        kwargs = {"user": self.user} if os.geteuid() == 0 else {}
        return subprocess.run(list(args), check=check, capture_output=True, text=True, **kwargs)

    def start(self) -> None:
        self._run(
            os.path.join(self.bin_dir, "pg_ctl"), "-D", self.data_dir, "-l",
            os.path.join(self.base_dir, "server.log"), "-w", "-t", "60",
            "-o", f"-k {self.socket_dir} -c listen_addresses='' -p {self.port} -F "
                  "-c max_connections=300 -c synchronous_commit=off -c full_page_writes=off",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self._run(os.path.join(self.bin_dir, "pg_ctl"), "-D", self.data_dir, "-m", mode, "-w", "stop",
                  check=False)

    def restart(self) -> None:
        self.stop("immediate")
        self.start()

    def psql(self, sql: str, database: str = "postgres") -> str:
        result = self._run(os.path.join(self.bin_dir, "psql"), "-h", self.socket_dir, "-p", str(self.port),
                           "-U", self.user, "-d", database, "-v", "ON_ERROR_STOP=1", "-qAtc", sql)
        return result.stdout

    def cleanup(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.base_dir, ignore_errors=True)


def start_cluster() -> PostgresCluster:
    """initdb refuses root, so as root the cluster belongs to the `postgres` user."""
    bin_dir = find_pg_bin()
    if bin_dir is None:
        raise FileNotFoundError("PostgreSQL binaries not found (install Debian's postgresql)")
    base_dir = tempfile.mkdtemp(prefix="rally-pg-")
    if os.geteuid() == 0:
        user = "postgres"
        entry = pwd.getpwnam(user)
        os.chown(base_dir, entry.pw_uid, entry.pw_gid)
    else:
        user = pwd.getpwuid(os.geteuid()).pw_name
    cluster = PostgresCluster(bin_dir, base_dir, base_dir, free_port(), user)
    result = cluster._run(os.path.join(bin_dir, "initdb"), "-D", cluster.data_dir, "-U", user,
                          "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync", check=False)
    if result.returncode != 0:
        raise RuntimeError(f"initdb failed: {result.stderr}")
    cluster.start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            cluster.psql("select 1")
            return cluster
        except subprocess.CalledProcessError:
            time.sleep(0.2)
    raise RuntimeError("PostgreSQL did not come up")
