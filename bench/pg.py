"""A throwaway PostgreSQL cluster for the benchmark: temp dir, unix socket only, durable settings.

Unlike the test suite's cluster (fsync off), this one keeps PostgreSQL's production defaults
for durability (fsync on, synchronous_commit on), so an acknowledged answer is on disk.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import time

from tests.support.postgres import find_pg_bin, free_port


class BenchPostgres:
    def __init__(self) -> None:
        bin_dir = find_pg_bin()
        if bin_dir is None:
            raise FileNotFoundError("PostgreSQL binaries not found (apt-get install postgresql)")
        self.bin_dir = bin_dir
        self.base_dir = tempfile.mkdtemp(prefix="rally-bench-pg-")
        os.chmod(self.base_dir, 0o755)
        if os.geteuid() == 0:
            self.user = "postgres"
            entry = pwd.getpwnam(self.user)
            os.chown(self.base_dir, entry.pw_uid, entry.pw_gid)
        else:
            self.user = pwd.getpwuid(os.geteuid()).pw_name
        self.socket_dir = self.base_dir
        self.port = free_port()
        self.started = False

    @property
    def data_dir(self) -> str:
        return os.path.join(self.base_dir, "data")

    @property
    def version(self) -> str:
        out = subprocess.run([os.path.join(self.bin_dir, "postgres"), "--version"], capture_output=True, text=True)
        return out.stdout.strip()

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        kwargs = {"user": self.user} if os.geteuid() == 0 else {}
        return subprocess.run(list(args), check=check, capture_output=True, text=True, timeout=120, **kwargs)

    def start(self) -> "BenchPostgres":
        result = self._run(os.path.join(self.bin_dir, "initdb"), "-D", self.data_dir, "-U", self.user,
                           "-A", "trust", "-E", "UTF8", "--no-locale", check=False)
        if result.returncode != 0:
            raise RuntimeError(f"initdb failed: {result.stderr}")
        options = (f"-k {self.socket_dir} -c listen_addresses='' -p {self.port} "
                   "-c max_connections=400 -c shared_buffers=512MB -c log_min_messages=warning")
        self._run(os.path.join(self.bin_dir, "pg_ctl"), "-D", self.data_dir, "-l",
                  os.path.join(self.base_dir, "server.log"), "-w", "-t", "60", "-o", options, "start")
        self.started = True
        deadline = time.monotonic() + 30
        while True:
            try:
                self.psql("select 1")
                return self
            except subprocess.CalledProcessError:
                if time.monotonic() > deadline:
                    raise RuntimeError("PostgreSQL did not come up") from None
                time.sleep(0.2)

    def createdb(self, name: str) -> str:
        self.psql(f"CREATE DATABASE {name}")
        return name

    def url(self, database: str, driver: str = "psycopg") -> str:
        """SQLAlchemy URL over the unix socket (driver psycopg for ours, psycopg2 for CTFd)."""
        return f"postgresql+{driver}://{self.user}@/{database}?host={self.socket_dir}&port={self.port}"

    def psql(self, sql: str, database: str = "postgres") -> str:
        result = self._run(os.path.join(self.bin_dir, "psql"), "-h", self.socket_dir, "-p", str(self.port),
                           "-U", self.user, "-d", database, "-v", "ON_ERROR_STOP=1", "-qAtc", sql)
        return result.stdout

    def rows(self, sql: str, database: str) -> list[list[str]]:
        """Query results as lists of strings (fields separated by |)."""
        return [line.split("|") for line in self.psql(sql, database).splitlines() if line]

    def stop(self) -> None:
        if self.started:
            pg_ctl = os.path.join(self.bin_dir, "pg_ctl")
            try:
                done = self._run(pg_ctl, "-D", self.data_dir, "-m", "fast", "-w", "-t", "30", "stop", check=False)
                failed = done.returncode != 0
            except subprocess.TimeoutExpired:
                failed = True
            if failed:
                self._run(pg_ctl, "-D", self.data_dir, "-m", "immediate", "-w", "stop", check=False)
            self.started = False
        shutil.rmtree(self.base_dir, ignore_errors=True)
