"""case_kpis: the case KPI table (docs/case-kpis.md) through the API: validation errors naming the
parameter, the figures of a few hand-made cases (cohort = cases reported in the period, closed
exactly at due = on time, overdue open at the month's end, rework, returns), the month grouping
with each month's own end, scope (a street's staff sees only cases of its street), the .xlsx, and
the permission (an inspector has no KPI view). The cases are written straight into the `cases`
table in its documented shape (docs/cases-api.md "Storage"); the table is created here when the
case engine's migration is not in this build."""
import io
import zipfile

import dubantest as dt
from dubantest import check, eq, expect_error, expect_status

CREATE = """CREATE TABLE IF NOT EXISTS cases (id INTEGER PRIMARY KEY, number TEXT UNIQUE, type TEXT, category TEXT,
  category_major TEXT, source TEXT, street_id INTEGER, community_id INTEGER, grid_id INTEGER, lead_unit_id INTEGER,
  stage TEXT, status TEXT, urgency TEXT, reported_at TEXT, registered_at TEXT, dispatched_at TEXT, handled_at TEXT,
  closed_at TEXT, due_at TEXT, stage_started_at TEXT, stage_due_at TEXT, returns INTEGER, reworks INTEGER,
  extensions INTEGER, satisfaction INTEGER, merged_into INTEGER, title TEXT, description TEXT, updated_at TEXT)"""

COLS = ("id, number, type, category, category_major, source, street_id, community_id, grid_id, lead_unit_id, stage, "
        "status, urgency, reported_at, registered_at, dispatched_at, handled_at, closed_at, due_at, stage_started_at, "
        "stage_due_at, returns, reworks, extensions, satisfaction, merged_into, title, description, updated_at")


@dt.suite("case_kpis")
class CaseKpisSuite(dt.Suite):
    def setup(self):
        self.srv = self.new_server("main", extra=["--test-clock"])
        leader = self.srv.session("leader")
        expect_status(leader.put("/api/v1/_test/clock", {"now": "2026-08-03T09:00:00+08:00"}), 200, "set clock")
        units, _ = dt.list_all(leader, "/api/v1/org-units")
        by_code = {u["code"]: u["id"] for u in units}
        self.chunliu, self.malan = by_code["210204006"], by_code["210204008"]

    def kpis(self, client, query, status=200):
        return expect_status(client.get("/api/v1/case-kpis?" + query), status).json()

    def test_validation(self):
        c = self.srv.session("leader")
        expect_error(c.get("/api/v1/case-kpis?group=grid"), 400, "invalid_query", "group")
        expect_error(c.get("/api/v1/case-kpis?type=parking"), 400, "invalid_query", "type")
        expect_error(c.get("/api/v1/case-kpis?from=2026-13"), 400, "invalid_query", "from")
        expect_error(c.get("/api/v1/case-kpis?to=2026-6"), 400, "invalid_query", "to")
        expect_error(c.get("/api/v1/case-kpis?from=2026-07&to=2026-06"), 400, "invalid_query", "from")
        expect_error(c.get("/api/v1/case-kpis.xlsx?group=x"), 400, "invalid_query", "group")
        expect_error(self.srv.session("grid.inspector").get("/api/v1/case-kpis"), 403)

    def test_figures_scope_months_and_xlsx(self):
        db = self.srv.db
        db.execute(CREATE)
        s1, s2 = self.chunliu, self.malan
        # id, type, street, reported (UTC), registered, dispatched, due, closed, returns, reworks, satisfaction
        rows = [
            # closed exactly at due: on time; Beijing 2026-06-01 00:30 (UTC still May 31): a June case
            (9001, "hotline", s1, "2026-05-31T16:30:00Z", "2026-05-31T16:40:00Z", "2026-05-31T17:30:00Z",
             "2026-06-01T02:00:00Z", "2026-06-01T02:00:00Z", 1, 0, 5),
            # closed one second late, reworked
            (9002, "urban", s1, "2026-06-03T01:00:00Z", "2026-06-03T01:10:00Z", "2026-06-03T02:00:00Z",
             "2026-06-03T06:00:00Z", "2026-06-03T06:00:01Z", 0, 1, None),
            # never closed, due in June: overdue open at the end of June
            (9003, "urban", s1, "2026-06-10T01:00:00Z", "2026-06-10T01:10:00Z", "2026-06-10T02:00:00Z",
             "2026-06-12T02:00:00Z", None, 0, 0, None),
            # reported only
            (9004, "urban", s1, "2026-06-11T01:00:00Z", None, None, None, None, 0, 0, None),
            # another street
            (9005, "urban", s2, "2026-06-11T01:00:00Z", "2026-06-11T01:10:00Z", "2026-06-11T02:00:00Z",
             "2026-06-20T02:00:00Z", "2026-06-12T02:00:00Z", 0, 0, None),
            # July (Beijing), closed in July
            (9006, "urban", s1, "2026-06-30T16:30:00Z", "2026-06-30T16:40:00Z", "2026-06-30T17:00:00Z",
             "2026-07-02T02:00:00Z", "2026-07-01T02:00:00Z", 0, 0, None),
        ]
        for (cid, typ, street, rep, reg, dis, due, clo, ret, rew, sat) in rows:
            status = "closed" if clo else "open"
            vals = (cid, "K-%d" % cid, typ, "C0101", "C01", "grid", street, None, None, None, "x", status, "normal",
                    rep, reg, dis, None, clo, due, rep, None, ret, rew, 0, sat, None,
                    "KPI 测试案件", "KPI 测试案件（测试数据）", rep)
            db.execute("INSERT INTO cases (%s) VALUES (%s)" % (COLS, ", ".join(["?"] * len(vals))), vals)
        # the server loads the KPI store on its first KPI read (this one; tests run in name order)
        leader = self.srv.session("leader")
        j = self.kpis(leader, "group=street&from=2026-06&to=2026-06")
        eq([r["key"] for r in j["rows"]], [s1, s2], "streets")
        a = j["rows"][0]
        eq((a["reported"], a["registered"], a["dispatched"], a["closed"], a["overdue_open"]), (4, 3, 3, 2, 1), "street 1")
        eq(a["on_time_rate"], 0.5, "closed at due is on time, one second later is not")
        eq(a["rework_rate"], 0.5, "rework")
        eq(a["closure_rate"], 0.5, "closure rate = closed / reported")
        eq(a["dispatched_correctly"], 2, "one returned (退單)")
        eq(a["avg_handling_s"], (8.5 * 3600 + 4 * 3600 + 1) / 2, "average handling = closed - dispatched")
        eq(a["satisfaction_rate"], 1.0, "satisfaction")
        eq(j["total"]["reported"], 5, "total")
        # the hotline alone
        j = self.kpis(leader, "group=street&type=hotline&from=2026-06&to=2026-06")
        eq([(r["key"], r["reported"]) for r in j["rows"]], [(s1, 1)], "hotline")
        # by month: June ends at June's end (case 9006 is July's)
        j = self.kpis(leader, "group=month&from=2026-05&to=2026-07")
        eq([(r["key"], r["reported"], r["closed"]) for r in j["rows"]], [("2026-06", 5, 3), ("2026-07", 1, 1)], "months")
        # ... but the total is the whole period's at its end, as by street (the same 结案率 on every tab)
        by_street = self.kpis(leader, "group=street&from=2026-05&to=2026-07")["total"]
        eq(j["total"], by_street, "the months' total is the period's")
        # scope: 春柳街道's staff sees only its street
        chun = self.srv.session("chunliu.staff")
        j = self.kpis(chun, "group=street&from=2026-06&to=2026-06")
        eq([r["key"] for r in j["rows"]], [s1], "scope")
        malan = self.srv.session("malan.staff")
        j = self.kpis(malan, "group=category&from=2026-06&to=2026-06")
        eq([(r["key"], r["reported"]) for r in j["rows"]], [("C01", 1)], "scope by category")
        # the workbook
        r = expect_status(leader.get("/api/v1/case-kpis.xlsx?group=street&from=2026-06&to=2026-06"), 200)
        check(r.header("content-type").startswith("application/vnd.openxmlformats"), "xlsx content type")
        z = zipfile.ZipFile(io.BytesIO(r.body))
        strings = z.read("xl/sharedStrings.xml").decode("utf-8")
        for text in ("合计", "按期办结率", "返工率"):
            check(text in strings, "workbook has %s" % text)

    def test_live_after_api_writes(self):
        """Once loaded, the KPI store follows the case engine's writes without re-loading: a case
        reported and closed through the API moves the figures at once, and rows written behind the
        server's back (not through the engine) are not picked up until a restart."""
        sup = self.srv.session("ducha.staff")
        q = "group=month&type=hotline&from=2026-08&to=2026-08"
        before = self.kpis(sup, q)["total"]
        c = expect_status(sup.post("/api/v1/cases", {"type": "hotline", "category": "H0101",
                                                      "description": "咨询公积金提取。（测试数据）"}), 201).json()
        after = self.kpis(sup, q)["total"]
        eq(after["reported"], before["reported"] + 1, "a reported case counts at once")
        eq(after["closed"], before["closed"], "not closed yet")
        expect_status(sup.post("/api/v1/cases/%d/actions/close" % c["id"], {"note": "已答复。", "version": c["version"]}), 200)
        # the month under way ends now, and the test clock stands still: move it past the closing
        expect_status(self.srv.session("leader").put("/api/v1/_test/clock", {"now": "2026-08-03T09:05:00+08:00"}), 200)
        after2 = self.kpis(sup, q)["total"]
        eq((after2["reported"], after2["closed"]), (after["reported"], after["closed"] + 1), "closing counts at once")
        # by 大类: keyed by the code, named as the case type names it (H01 is 咨询 in hotline.json)
        cats = self.kpis(sup, "group=category&type=hotline&from=2026-08&to=2026-08")["rows"]
        h01 = [r for r in cats if r["key"] == "H01"]
        eq([(r["name"], r["reported"]) for r in h01], [("咨询", after2["reported"])], "大类 H01 by its name")
        xl = expect_status(sup.get("/api/v1/case-kpis.xlsx?group=category&type=hotline&from=2026-08&to=2026-08"), 200)
        strings = zipfile.ZipFile(io.BytesIO(xl.body)).read("xl/sharedStrings.xml").decode("utf-8")
        check("<t>咨询</t>" in strings and "<t>H01</t>" not in strings, "the workbook names 大类 H01 咨询 too")
        # a row inserted straight into the table is not the engine's write: the live store ignores it
        vals = (9100, "K-9100", "hotline", "H0101", "H01", "hotline", None, None, None, None, "x", "open", "normal",
                "2026-08-03T01:00:00Z", None, None, None, None, None, "2026-08-03T01:00:00Z", None, 0, 0, 0, None, None,
                "KPI 测试案件", "KPI 测试案件（测试数据）", "2026-08-03T01:00:00Z")
        self.srv.db.execute("INSERT INTO cases (%s) VALUES (%s)" % (COLS, ", ".join(["?"] * len(vals))), vals)
        eq(self.kpis(sup, q)["total"]["reported"], after2["reported"], "no re-load on a read")
