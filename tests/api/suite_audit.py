"""audit: the hash-chained event log.  The auditor's POST /api/v1/audit/verify reports count and
head hash and is itself recorded; `duban audit verify` agrees.  Then, with the server stopped, rows
are tampered with directly in the database (payload, another column, a deleted row, a
non-canonical payload): the CLI exits non-zero naming the first bad seq, the API reports
first_bad_seq, and undoing the change makes the chain verify again."""
import json
import re

import dubantest as dt
from dubantest import check, eq, expect_error, expect_status

COLS = "seq, at, actor_id, actor, action, object_type, object_id, payload, prev_hash, hash"


@dt.suite("audit")
class AuditSuite(dt.Suite):
    def setup(self):
        self.srv = self.new_server("main")
        self.db = self.srv.db
        admin = self.srv.session("admin")
        d = dt.org_by_code(admin, "210204")
        for i in range(5):
            expect_status(admin.post("/api/v1/org-units", {"parent_id": d["id"], "kind": "department",
                                                           "name": "审计测试局%d" % i}), 201)

    def cli_verify(self, json_out=False):
        args = ["audit", "verify"] + self.db.args + (["--json"] if json_out else [])
        return dt.run_cli(self.duban, args)

    def row(self, seq):
        rows = self.db.query("SELECT %s FROM events WHERE seq = ?" % COLS, (seq,))
        eq(len(rows), 1, "event %d exists" % seq)
        return rows[0]

    def expect_broken(self, seq, what):
        r = self.cli_verify()
        check(r.returncode != 0, "%s: duban audit verify must fail, exit %d: %s" % (what, r.returncode, r.stdout))
        m = re.search(r"BROKEN at seq (\d+)", r.stdout)
        check(m is not None, "%s: output must say 'BROKEN at seq N': %r" % (what, r.stdout))
        eq(int(m.group(1)), seq, what + ": the seq the CLI names")
        j = json.loads(self.cli_verify(json_out=True).stdout)
        eq((j["ok"], j["first_bad_seq"]), (False, seq), what + ": --json")
        check(j["problem"], what + ": a problem is described")

    def expect_ok(self, what):
        r = self.cli_verify()
        eq(r.returncode, 0, "%s: duban audit verify exit (%s %s)" % (what, r.stdout, r.stderr))
        check("chain: ok" in r.stdout, "%s: %r" % (what, r.stdout))
        return json.loads(self.cli_verify(json_out=True).stdout)

    # ------------------------------------------------------------------ healthy chain
    def test_api_verify_ok(self):
        aud = self.srv.session("auditor")
        n_db = int(self.db.query("SELECT COUNT(*) FROM events")[0][0])
        r = expect_status(aud.post("/api/v1/audit/verify"), 200).json()
        eq((r["ok"], r["first_bad_seq"]), (True, None), "verify ok")
        # the count is taken before the verification records itself
        eq(r["count"], n_db, "count = events in the database")
        eq(r["head_seq"], r["count"], "head_seq = count (no gaps)")
        check(re.fullmatch(r"[0-9a-f]{64}", r["head_hash"]), "head_hash is a SHA-256 hex: %r" % r["head_hash"])
        head = self.row(r["head_seq"])
        eq(head[9], r["head_hash"], "head_hash is the stored hash of head_seq")
        # the verification is an event too, carrying its result
        evs = expect_status(aud.get("/api/v1/events?action=audit.verify"), 200).json()["items"]
        check(evs and evs[0]["payload"]["head_hash"] == r["head_hash"], "audit.verify event: %r" % evs[:1])
        r2 = expect_status(aud.post("/api/v1/audit/verify"), 200).json()
        eq(r2["count"], r["count"] + 1, "the second verification sees the first one's event")
        eq(self.row(r["head_seq"] + 1)[8], r["head_hash"], "next event's prev_hash links to the head")
        j = self.expect_ok("healthy chain")
        eq(j["count"], r2["count"] + 1, "CLI count")
        # the chain links in the stored rows
        rows = self.db.query("SELECT seq, prev_hash, hash FROM events ORDER BY seq")
        for a, b in zip(rows, rows[1:]):
            eq(b[1], a[2], "prev_hash of %s" % b[0])
        eq([int(x[0]) for x in rows], list(range(1, len(rows) + 1)), "seqs are 1..N")

    # ------------------------------------------------------------------ tampering
    def test_tamper_payload(self):
        self.srv.stop()
        n = int(self.db.query("SELECT COUNT(*) FROM events")[0][0])
        seq = n // 2
        orig = self.row(seq)
        pay = json.loads(orig[7])
        pay["tampered"] = "篡改"
        new = json.dumps(pay, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        self.db.execute("UPDATE events SET payload = ? WHERE seq = ?", (new, seq))
        self.expect_broken(seq, "payload changed")
        self.db.execute("UPDATE events SET payload = ? WHERE seq = ?", (orig[7], seq))
        self.expect_ok("payload restored")

    def test_tamper_other_columns(self):
        n = int(self.db.query("SELECT COUNT(*) FROM events")[0][0])
        for col, seq, value in [("actor", 3, "mallory"), ("action", 5, "org_unit.delete"), ("at", n - 2, "2020-01-01T00:00:00.000Z"),
                                ("object_id", 4, 424242), ("hash", 7, "0" * 64), ("prev_hash", 9, "f" * 64)]:
            idx = COLS.split(", ").index(col)
            orig = self.row(seq)[idx]
            self.db.execute("UPDATE events SET %s = ? WHERE seq = ?" % col, (value, seq))
            # a changed stored hash no longer matches its own row's content, so that row is named
            self.expect_broken(seq, "%s changed at %d" % (col, seq))
            self.db.execute("UPDATE events SET %s = ? WHERE seq = ?" % col, (orig, seq))
        self.expect_ok("columns restored")

    def test_tamper_delete_and_canonical(self):
        n = int(self.db.query("SELECT COUNT(*) FROM events")[0][0])
        seq = n - 3
        orig = self.row(seq)
        self.db.execute("DELETE FROM events WHERE seq = ?", (seq,))
        self.expect_broken(seq, "deleted row")
        self.db.execute("INSERT INTO events (%s) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" % COLS, tuple(orig))
        self.expect_ok("row put back")
        # same content, not canonical bytes
        seq = 6
        orig = self.row(seq)
        spaced = json.dumps(json.loads(orig[7]), ensure_ascii=False, indent=1)
        check(spaced != orig[7], "the spaced payload differs in bytes")
        self.db.execute("UPDATE events SET payload = ? WHERE seq = ?", (spaced, seq))
        self.expect_broken(seq, "non-canonical payload")
        self.db.execute("UPDATE events SET payload = ? WHERE seq = ?", ("{not json", seq))
        self.expect_broken(seq, "payload not JSON")
        self.db.execute("UPDATE events SET payload = ? WHERE seq = ?", (orig[7], seq))
        self.expect_ok("payload restored")

    def test_api_reports_tamper(self):
        n = int(self.db.query("SELECT COUNT(*) FROM events")[0][0])
        seq = n // 3
        orig = self.row(seq)
        pay = json.loads(orig[7])
        pay["extra"] = 1
        self.db.execute("UPDATE events SET payload = ? WHERE seq = ?",
                        (json.dumps(pay, separators=(",", ":"), sort_keys=True, ensure_ascii=False), seq))
        self.expect_broken(seq, "before restart")
        self.srv.start()
        aud = self.srv.session("auditor")
        r = expect_status(aud.post("/api/v1/audit/verify"), 200).json()
        eq((r["ok"], r["first_bad_seq"]), (False, seq), "API verify names the tampered seq")
        check(r["problem"], "API verify describes the problem")
        evs = expect_status(aud.get("/api/v1/events?action=audit.verify&per_page=1"), 200).json()["items"]
        eq(evs[0]["payload"]["first_bad_seq"], seq, "the failed verification is recorded")
        expect_error(self.srv.session("admin").post("/api/v1/audit/verify"), 403, msg="sysadmin may not verify")
        # the CLI still names the same (first) break after more events were appended
        self.expect_broken(seq, "after more events")
