"""A throwaway PostgreSQL 15 cluster for the API tests.

Starts `initdb` + `pg_ctl` as the `postgres` OS user (the tests run as root) in a fresh temporary
directory, listening only on 127.0.0.1 on a free port with its unix socket inside that directory,
durable settings (fsync, synchronous_commit, full_page_writes on).  `create_database(name)` returns
a libpq URL `postgresql://postgres@127.0.0.1:PORT/name`.  The cluster is always stopped and its
directory removed: by `stop()`, by the context manager, and by an atexit hook as a last resort.

Run directly for a smoke test:  python3 tests/api/pgcluster.py
"""
import atexit
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time

PG_BIN = os.environ.get("DUBAN_PG_BIN", "/usr/lib/postgresql/15/bin")
PG_USER = "postgres"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgCluster:
    def __init__(self, bin_dir=PG_BIN):
        self.bin = bin_dir
        self.dir = None
        self.port = None
        self.running = False
        self._dbs = set()

    # ------------------------------------------------------------------ lifecycle
    def _as_pg(self, args, **kw):
        cmd = ["runuser", "-u", PG_USER, "--"] + args
        return subprocess.run(cmd, capture_output=True, text=True, **kw)

    def start(self):
        if not os.path.exists(os.path.join(self.bin, "initdb")):
            raise RuntimeError("PostgreSQL 15 binaries not found in " + self.bin)
        pw = pwd.getpwnam(PG_USER)
        self.dir = tempfile.mkdtemp(prefix="duban-pg-")
        atexit.register(self.stop)
        os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        os.chmod(self.dir, 0o700)
        data = os.path.join(self.dir, "data")
        r = self._as_pg([os.path.join(self.bin, "initdb"), "-D", data, "-U", PG_USER, "--auth=trust",
                         "--encoding=UTF8", "--locale=C", "--no-instructions"], timeout=120)
        if r.returncode != 0:
            raise RuntimeError("initdb failed: " + r.stdout + r.stderr)
        last = None
        for _ in range(5):  # the port may be taken between probing and binding: retry
            self.port = free_port()
            conf = {
                "listen_addresses": "'127.0.0.1'",
                "port": str(self.port),
                "unix_socket_directories": "'%s'" % self.dir,
                "fsync": "on",
                "synchronous_commit": "on",
                "full_page_writes": "on",
                "wal_sync_method": "fdatasync",
                "max_connections": "300",
                "shared_buffers": "128MB",
                "logging_collector": "off",
                "log_min_messages": "warning",
            }
            with open(os.path.join(data, "postgresql.auto.conf"), "w") as f:
                for k, v in conf.items():
                    f.write("%s = %s\n" % (k, v))
            os.chown(os.path.join(data, "postgresql.auto.conf"), pw.pw_uid, pw.pw_gid)
            r = self._as_pg([os.path.join(self.bin, "pg_ctl"), "-D", data, "-l",
                             os.path.join(self.dir, "server.log"), "-w", "-t", "60", "start"], timeout=90)
            if r.returncode == 0:
                self.running = True
                break
            last = r.stdout + r.stderr + self.log_tail()
        if not self.running:
            raise RuntimeError("pg_ctl start failed: " + str(last))
        # check durability settings really are in force
        out = self.psql("postgres", "SHOW fsync; SHOW synchronous_commit;").split()
        if out != ["on", "on"]:
            raise RuntimeError("cluster is not durable: %r" % out)
        return self

    def log_tail(self, n=4000):
        try:
            with open(os.path.join(self.dir, "server.log"), errors="replace") as f:
                return f.read()[-n:]
        except OSError:
            return ""

    def stop(self):
        if self.dir is None:
            return
        if self.running:
            self._as_pg([os.path.join(self.bin, "pg_ctl"), "-D", os.path.join(self.dir, "data"),
                         "-m", "fast", "-w", "-t", "30", "stop"], timeout=60)
            self.running = False
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # ------------------------------------------------------------------ databases
    def url(self, dbname):
        return "postgresql://%s@127.0.0.1:%d/%s" % (PG_USER, self.port, dbname)

    def psql(self, dbname, sql, timeout=60):
        r = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", self.url(dbname), "-c", sql],
                           capture_output=True, text=True, timeout=timeout)
        if r.returncode != 0:
            raise RuntimeError("psql failed (%s): %s" % (sql[:200], r.stderr))
        return r.stdout

    def create_database(self, name):
        if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
            raise ValueError("bad database name " + name)
        self.psql("postgres", "CREATE DATABASE %s" % name)
        self._dbs.add(name)
        return self.url(name)

    def drop_database(self, name):
        self.psql("postgres", "DROP DATABASE IF EXISTS %s WITH (FORCE)" % name)
        self._dbs.discard(name)


if __name__ == "__main__":
    with PgCluster() as c:
        u = c.create_database("smoke")
        print(u, c.psql("smoke", "SELECT version()").strip())
        d = c.dir
    print("removed:", not os.path.exists(d))
