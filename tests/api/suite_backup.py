"""backup: an online backup taken while writers keep writing is a consistent, verifiable copy,
and restoring it as docs/operations.md says gives a working server with exactly that state.

SQLite: `duban backup --db X --to Y` during a write load; Y passes integrity_check and
`duban audit verify`, holds every unit acknowledged before the backup started (and, for every
unit, its create event: a snapshot, not a torn copy); a server started on a copy of Y serves them;
restore = stop, move X/X-wal/X-shm aside, copy Y to X, verify, start; new writes continue the chain.
PostgreSQL: `duban backup` refuses (exit 2, pointing at pg_dump); the documented pg_dump -Fc /
pg_restore round trip taken during the load gives the same guarantees."""
import json
import os
import re
import shutil
import sqlite3
import subprocess
import threading
import time

import dubantest as dt
from dubantest import check, eq, expect_status

PG_BIN = os.environ.get("DUBAN_PG_BIN", "/usr/lib/postgresql/15/bin")
THREADS = 8
MAX_PER_THREAD = 300
LOAD_SECONDS = 5.0


class Load:
    """Bounded concurrent creates; records each acknowledged unit with the time of its answer."""

    def __init__(self, port, token, parent_id, tag):
        self.port, self.token, self.parent_id, self.tag = port, token, parent_id, tag
        self.stop = threading.Event()
        self.mu = threading.Lock()
        self.acked = []  # (time answered, id, name)
        self.bad = []
        self.threads = [threading.Thread(target=self.worker, args=(t,), daemon=True) for t in range(THREADS)]

    def worker(self, t):
        c = dt.Bearer(self.port, self.token, timeout=10)
        deadline = time.time() + LOAD_SECONDS
        for i in range(MAX_PER_THREAD):
            if self.stop.is_set() or time.time() > deadline:
                break
            name = "%sT%dN%d" % (self.tag, t, i)
            try:
                r = c.request("POST", "/api/v1/org-units", json_body={"parent_id": self.parent_id, "kind": "department",
                                                                      "name": name, "code": "%s-%d-%d" % (self.tag, t, i)},
                              retry=False)
            except Exception as e:  # noqa: BLE001
                with self.mu:
                    self.bad.append(repr(e))
                break
            with self.mu:
                if r.status == 201:
                    self.acked.append((time.time(), r.json()["id"], name))
                elif r.status != 503:
                    self.bad.append(r.status)
        c.close()

    def start(self):
        for th in self.threads:
            th.start()
        return self

    def wait_for(self, n, timeout=5):
        t0 = time.time()
        while time.time() - t0 < timeout:
            with self.mu:
                if len(self.acked) >= n:
                    return
            time.sleep(0.01)

    def running(self):
        return sum(th.is_alive() for th in self.threads)

    def finish(self):
        self.stop.set()
        for th in self.threads:
            th.join(timeout=15)
        check(not any(th.is_alive() for th in self.threads), "load threads stopped")
        check(not self.bad, "errors during the load: %r" % self.bad[:5])

    def acked_before(self, t):
        with self.mu:
            return [(i, name) for (ta, i, name) in self.acked if ta < t]


@dt.suite("backup")
class BackupSuite(dt.Suite):
    def setup(self):
        self.srv = self.new_server("main")
        admin = self.srv.session("admin")
        self.district = dt.org_by_code(admin, "210204")
        r = dt.run_cli(self.duban, ["token", "create", "--username", "admin"] + self.srv.db.args)
        eq(r.returncode, 0, "token create: " + r.stderr)
        self.token = r.stdout.strip()

    def check_served(self, srv, acked, what):
        admin = srv.session("admin")
        items, _ = dt.list_all(admin, "/api/v1/org-units?kind=department&q=BK")
        have = {u["id"]: u["name"] for u in items}
        missing = [(i, n) for i, n in acked if have.get(i) != n]
        check(not missing, "%s: %d of %d units acknowledged before the backup are missing: %r" % (
            what, len(missing), len(acked), missing[:5]))
        return have

    # ------------------------------------------------------------------ SQLite
    def sqlite_consistency(self, path, what):
        c = sqlite3.connect(path)
        try:
            eq(c.execute("PRAGMA integrity_check").fetchone()[0], "ok", what + " integrity_check")
            units = {r[0] for r in c.execute("SELECT id FROM org_units WHERE code LIKE 'BK%'")}
            evs = {r[0] for r in c.execute("SELECT object_id FROM events WHERE action = 'org_unit.create'")}
            check(units <= evs, "%s: units without their create event: %r" % (what, sorted(units - evs)[:5]))
            all_units = {r[0] for r in c.execute("SELECT id FROM org_units")}
            check(evs <= all_units, "%s: create events without their unit: %r" % (what, sorted(evs - all_units)[:5]))
            return len(units), c.execute("SELECT COUNT(*) FROM events").fetchone()[0]
        finally:
            c.close()

    def test_backup_during_load(self):
        if self.backend.name != "sqlite":
            return self.pg_backup_during_load()
        src = self.srv.db.path
        dst = os.path.join(self.workdir, "backup-copy.db")
        load = Load(self.srv.port, self.token, self.district["id"], "BK").start()
        load.wait_for(100)
        t_start = time.time()
        r = dt.run_cli(self.duban, ["backup", "--db", src, "--to", dst], timeout=120)
        t_end = time.time()
        running = load.running()
        load.wait_for(len(load.acked) + 100, timeout=2)
        load.finish()
        eq(r.returncode, 0, "duban backup exit (%s %s)" % (r.stdout, r.stderr))
        check(running > 0, "the backup ran while writers were still writing")
        m = re.search(r"backup written to (.+): (\d+) events, head ([0-9a-f]{64}), chain ok", r.stdout)
        check(m is not None, "backup output: %r" % r.stdout)
        eq(m.group(1), dst, "backup path printed")
        check(not os.path.exists(dst + ".partial"), "no partial file left")
        check(not os.path.exists(dst + "-wal"), "the copy is a single file")
        n_units, n_events = self.sqlite_consistency(dst, "backup")
        eq(n_events, int(m.group(2)), "event count printed")
        before = load.acked_before(t_start)
        check(len(before) >= 100, "units acknowledged before the backup: %d" % len(before))
        after_end = [x for x in load.acked if x[0] > t_end + 0.5]
        total_bk = len(load.acked)
        check(n_units >= len(before), "the copy holds at least the units acknowledged before it started")
        check(n_units < total_bk or not after_end, "the copy is a snapshot: it lacks units made well after it")
        v = dt.run_cli(self.duban, ["audit", "verify", "--db", dst, "--json"])
        eq(v.returncode, 0, "audit verify of the copy: %s" % v.stdout)
        j = json.loads(v.stdout)
        eq((j["ok"], j["head_hash"], j["count"]), (True, m.group(3), n_events), "copy's chain head = printed head")
        self.backup = dst
        self.before = before
        self.backup_units = n_units
        self.total_bk = total_bk

    def test_server_on_copy(self):
        if self.backend.name != "sqlite":
            return self.pg_server_on_restored()
        path = os.path.join(self.workdir, "served-copy.db")
        shutil.copyfile(self.backup, path)
        db = dt.DbRef(self.backend, "served-copy", ["--db", path], path=path)
        srv = self.new_server("copy", demo=False, db=db)
        have = self.check_served(srv, self.before, "server on the copy")
        eq(len([1 for n in have.values() if n.startswith("BK")]), self.backup_units, "server on the copy: BK units")
        aud = srv.session("auditor")
        eq(expect_status(aud.post("/api/v1/audit/verify"), 200).json()["ok"], True, "API verify on the copy")
        srv.kill()

    def test_restore_is_copy_back(self):
        if self.backend.name != "sqlite":
            return self.pg_restore_in_place()
        src = self.srv.db.path
        # the live database now has more units than the backup
        live_units = self.srv.db.query("SELECT COUNT(*) FROM org_units WHERE code LIKE 'BK%'")[0][0]
        eq(live_units, self.total_bk, "every acknowledged unit is in the live database")
        # docs/operations.md: stop the server, move db, -wal and -shm aside, copy the backup back, verify, start
        self.srv.stop()
        aside = os.path.join(self.workdir, "aside")
        os.makedirs(aside, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(src + suffix):
                shutil.move(src + suffix, os.path.join(aside, os.path.basename(src) + suffix))
        shutil.copyfile(self.backup, src)
        v = dt.run_cli(self.duban, ["audit", "verify", "--db", src])
        eq(v.returncode, 0, "audit verify of the restored file: " + v.stdout)
        self.srv.start()
        have = self.check_served(self.srv, self.before, "restored server")
        eq(len([1 for n in have.values() if n.startswith("BK")]), self.backup_units, "restored = the backup's state")
        # the restored server keeps working and the chain continues from the backup's head
        admin = self.srv.session("admin")
        expect_status(admin.post("/api/v1/org-units", {"parent_id": self.district["id"], "kind": "department",
                                                       "name": "恢复后新建"}), 201, "write after restore")
        aud = self.srv.session("auditor")
        eq(expect_status(aud.post("/api/v1/audit/verify"), 200).json()["ok"], True, "chain ok after restore and writes")

    def test_backup_refuses_to_overwrite(self):
        """--to is never the database itself, and an existing file is replaced only with --force; the
        copy is one file (a rollback journal), readable by its owner only."""
        if self.backend.name != "sqlite":
            return
        src = self.srv.db.path
        r = dt.run_cli(self.duban, ["backup", "--db", src, "--to", src])
        eq(r.returncode, 2, "backup onto the database itself: %s" % r.stderr)
        check("database itself" in r.stderr, r.stderr)
        dst = os.path.join(self.workdir, "kept.db")
        with open(dst, "wb") as f:
            f.write(b"an older backup")
        r = dt.run_cli(self.duban, ["backup", "--db", src, "--to", dst])
        eq(r.returncode, 2, "an existing file without --force: %s" % r.stderr)
        eq(open(dst, "rb").read(), b"an older backup", "the existing file is untouched")
        r = dt.run_cli(self.duban, ["backup", "--db", src, "--to", dst, "--force"], timeout=120)
        eq(r.returncode, 0, "--force replaces it: %s" % r.stderr)
        eq(os.stat(dst).st_mode & 0o777, 0o600, "the copy is readable by its owner only")
        c = sqlite3.connect(dst)
        try:
            eq(c.execute("PRAGMA journal_mode").fetchone()[0], "delete", "a rollback journal: one self-contained file")
        finally:
            c.close()
        r = dt.run_cli(self.duban, ["backup", "--db", src, "--to", dst, "--frob"])
        eq(r.returncode, 2, "an unknown option is refused")

    def test_live_files_are_the_servers_alone(self):
        """The database, its -wal, the key and the attachments are readable by the server's account
        only; a database left readable by others (an older version's, or copied in) is tightened at
        start, and the server says so."""
        if self.backend.name != "sqlite":
            return
        srv = self.new_server("modes")
        sup = srv.session("ducha.staff")
        png = b"\x89PNG\r\n\x1a\n" + b"mode-check" * 8
        sha = expect_status(sup.request("POST", "/api/v1/attachments", body=png, ctype="image/png"), 201).json()["sha256"]
        folder = os.path.dirname(srv.db.path)
        files = [srv.db.path, srv.db.path + "-wal", os.path.join(folder, "duban.key")]
        files += [os.path.join(d, f) for d, _, fs in os.walk(os.path.join(folder, "blobs")) for f in fs if f == sha[2:]]
        check(len(files) == 4 and all(os.path.exists(f) for f in files), "the files: %r" % files)
        for f in files:
            eq(os.stat(f).st_mode & 0o077, 0, "%s is the server's alone (%o)" % (f, os.stat(f).st_mode & 0o777))
        srv.stop()
        os.chmod(srv.db.path, 0o644)
        srv.start()
        eq(os.stat(srv.db.path).st_mode & 0o777, 0o600, "tightened at start")
        check("readable by others (0644): now 0600" in srv.log_tail(200000), "the server says so: %s" % srv.log_tail()[-400:])


        """A restored database started without the duban.key it was sealed with, or with another key,
        refuses to start (it would answer empty personal data and seal new data with a second key)."""
        if self.backend.name != "sqlite":
            return
        sup = self.srv.session("ducha.staff")
        case = expect_status(sup.post("/api/v1/cases", {"type": "hotline", "category": "H0101", "description": "恢复测试。（演示数据）",
                                                        "reporter": {"name": "赵六", "phone": "13900001111"}}), 201).json()
        src = self.srv.db.path
        key = os.path.join(os.path.dirname(src), "duban.key")
        check(os.path.exists(key), "the key beside the database")
        there = os.path.join(self.workdir, "restored-elsewhere")
        os.makedirs(there, exist_ok=True)
        copy = os.path.join(there, "duban.db")
        r = dt.run_cli(self.duban, ["backup", "--db", src, "--to", copy], timeout=120)
        eq(r.returncode, 0, r.stderr)
        port = dt.free_port()
        serve = ["serve", "--db", copy, "--listen", "127.0.0.1:%d" % port, "--no-access-log"]
        r = dt.run_cli(self.duban, serve, timeout=60)
        eq(r.returncode, 1, "started without its key: %s" % r.stderr)
        check("no key file" in r.stderr and "Restore" in r.stderr, r.stderr)
        check(not os.path.exists(os.path.join(there, "duban.key")), "no new key made")
        other = os.path.join(self.workdir, "other.key")
        with open(other, "wb") as f:
            f.write(os.urandom(32))
        r = dt.run_cli(self.duban, serve + ["--key-file", other], timeout=60)
        eq(r.returncode, 1, "started with another key: %s" % r.stderr)
        check("does not open" in r.stderr, r.stderr)
        shutil.copyfile(key, os.path.join(there, "duban.key"))
        db = dt.DbRef(self.backend, "restored-elsewhere", ["--db", copy], path=copy)
        srv = self.new_server("restored-elsewhere", demo=False, db=db)
        full = expect_status(srv.session("ducha.staff").get("/api/v1/cases/%d/reporter" % case["id"]), 200).json()
        eq((full["name"], full["phone"]), ("赵六", "13900001111"), "the restored key opens the reporter")
        srv.kill()

    # ------------------------------------------------------------------ PostgreSQL
    def pg_backup_during_load(self):
        r = dt.run_cli(self.duban, ["backup", "--to", os.path.join(self.workdir, "x.db")] + self.srv.db.args)
        eq(r.returncode, 2, "duban backup on PostgreSQL refuses")
        check("pg_dump" in r.stderr, "and points at pg_dump: %r" % r.stderr)
        dump = os.path.join(self.workdir, "backup.pgdump")
        load = Load(self.srv.port, self.token, self.district["id"], "BK").start()
        load.wait_for(100)
        t_start = time.time()
        p = subprocess.run([os.path.join(PG_BIN, "pg_dump"), "-Fc", "-f", dump, "-d", self.srv.db.url],
                           capture_output=True, text=True, timeout=120)
        running = load.running()
        load.wait_for(len(load.acked) + 100, timeout=2)
        load.finish()
        eq(p.returncode, 0, "pg_dump: " + p.stderr)
        check(running > 0, "pg_dump ran while writers were still writing")
        self.before = load.acked_before(t_start)
        check(len(self.before) >= 100, "units acknowledged before the dump: %d" % len(self.before))
        self.restored = self.backend.new_db("backup_restored")
        p = subprocess.run([os.path.join(PG_BIN, "pg_restore"), "--no-owner", "-d", self.restored.url, dump],
                           capture_output=True, text=True, timeout=120)
        eq(p.returncode, 0, "pg_restore: " + p.stderr)
        v = dt.run_cli(self.duban, ["audit", "verify", "--json"] + self.restored.args)
        eq(v.returncode, 0, "audit verify of the restored database: " + v.stdout)
        units = {r[0] for r in self.restored.query("SELECT id FROM org_units WHERE code LIKE 'BK%'")}
        evs = {r[0] for r in self.restored.query("SELECT object_id FROM events WHERE action = 'org_unit.create'")}
        check(units <= evs, "restored: units without create events: %r" % sorted(units - evs)[:5])
        check(len(units) >= len(self.before), "restored holds at least the units acknowledged before the dump")
        self.backup_units = len(units)

    def pg_server_on_restored(self):
        srv = self.new_server("restored", demo=False, db=self.restored)
        have = self.check_served(srv, self.before, "server on the restored database")
        eq(len([1 for n in have.values() if n.startswith("BK")]), self.backup_units, "restored: BK units")
        admin = srv.session("admin")
        expect_status(admin.post("/api/v1/org-units", {"parent_id": self.district["id"], "kind": "department",
                                                       "name": "恢复后新建"}), 201, "write after restore (identity continues)")
        aud = srv.session("auditor")
        eq(expect_status(aud.post("/api/v1/audit/verify"), 200).json()["ok"], True, "chain ok after restore and writes")
        srv.kill()

    def pg_restore_in_place(self):
        """Restore over the server's own database: stop, drop, recreate, pg_restore, verify, start."""
        live = self.srv.db.query("SELECT COUNT(*) FROM org_units WHERE code LIKE 'BK%'")[0][0]
        check(int(live) > self.backup_units, "the live database moved on after the dump (%s vs %d)" % (live, self.backup_units))
        self.srv.stop()
        cluster = self.backend.cluster
        cluster.drop_database(self.srv.db.name)
        cluster.create_database(self.srv.db.name)
        dump = os.path.join(self.workdir, "backup.pgdump")
        p = subprocess.run([os.path.join(PG_BIN, "pg_restore"), "--no-owner", "-d", self.srv.db.url, dump],
                           capture_output=True, text=True, timeout=120)
        eq(p.returncode, 0, "pg_restore in place: " + p.stderr)
        v = dt.run_cli(self.duban, ["audit", "verify"] + self.srv.db.args)
        eq(v.returncode, 0, "audit verify after the restore: " + v.stdout)
        self.srv.start()
        have = self.check_served(self.srv, self.before, "restored server")
        eq(len([1 for n in have.values() if n.startswith("BK")]), self.backup_units, "restored = the dump's state")
        admin = self.srv.session("admin")
        expect_status(admin.post("/api/v1/org-units", {"parent_id": self.district["id"], "kind": "department",
                                                       "name": "恢复后新建"}), 201, "write after restore")
        aud = self.srv.session("auditor")
        eq(expect_status(aud.post("/api/v1/audit/verify"), 200).json()["ok"], True, "chain ok after restore and writes")
