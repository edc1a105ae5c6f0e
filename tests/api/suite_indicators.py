"""indicators: the statistics engine through the API (issue 6), with the server's clock set by the
test (--test-clock). The seed's figures by hand (13.08億元 x 1.15 = 15.042 -> 15.04; completion,
time progress and the gap from exact values), targets split to the streets and checked, revisions
with their history, validation (period, status, range, jumps), imports all or nothing (the
database unchanged on error, compared table by table, an error workbook in .xlsx that can be sent
back), alerts at a month's end with the test clock, scopes (a street's staff sees its street's
values; only the statistician writes), formula indicators, and the demo's generated statistics
(the district = the sum of its streets, 2025 fiscal revenue 13.08億元)."""
import base64
import io
import zipfile

import dubantest as dt
from dubantest import check, eq, expect_error, expect_status

TABLES = ["indicator_defs", "indicator_values", "indicator_revisions", "indicator_targets", "indicator_alerts"]


def b64(data):
    return base64.b64encode(data if isinstance(data, bytes) else data.encode("utf-8")).decode()


@dt.suite("indicators")
class IndicatorsSuite(dt.Suite):
    def setup(self):
        self.srv = self.new_server("main", extra=["--test-clock"])
        self.set_clock("2031-07-10T09:00:00+08:00")
        self.login_all()
        units, _ = dt.list_all(self.stat, "/api/v1/org-units")
        self.by_code = {u["code"]: u["id"] for u in units}
        self.district = self.by_code["210204"]
        self.streets = [self.by_code[c] for c in ("210204006", "210204008", "210204009", "210204010", "210204011",
                                                   "210204017", "210204018")]
        self.chunliu, self.malan_id = self.by_code["210204006"], self.by_code["210204008"]

    def login_all(self):
        # Moving the clock by days ends sessions (idle timeout): sign in again after each move.
        self.stat = self.srv.session("tongji.staff")
        self.leader = self.srv.session("leader")
        self.chun = self.srv.session("chunliu.staff")
        self.malan = self.srv.session("malan.staff")
        self.auditor = self.srv.session("auditor")

    def set_clock(self, now):
        c = self.srv.session("leader")
        return expect_status(c.put("/api/v1/_test/clock", {"now": now}), 200, "set clock").json()

    def put(self, indicator, unit, period, value, status=None, expect=None, **kw):
        body = {"indicator": indicator, "unit_id": unit, "period": period, "value": value}
        if status:
            body["status"] = status
        body.update(kw)
        r = self.stat.put("/api/v1/indicators/values", body)
        if expect is None:
            check(r.status in (200, 201), "PUT %s %s: %d %s" % (indicator, period, r.status, r.text()[:300]))
            return r.json()
        return r

    def events(self, action):
        return expect_status(self.auditor.get("/api/v1/events?action=%s&per_page=500" % action), 200).json()["items"]

    def alert(self, indicator, unit, year):
        items = expect_status(self.stat.get("/api/v1/indicators/alerts?year=%d&indicator=%s&unit_id=%d"
                                            % (year, indicator, unit)), 200).json()["items"]
        return items[0] if items else None

    def row(self, month, code, unit=None):
        q = "/api/v1/indicators/monthly?month=%s" % month + ("&unit_id=%d" % unit if unit else "")
        m = expect_status(self.stat.get(q), 200).json()
        return m, [r for r in m["rows"] if r["code"] == code][0]

    # ------------------------------------------------------------------ definitions
    def test_builtin_definitions(self):
        defs = expect_status(self.leader.get("/api/v1/indicators/definitions"), 200).json()["items"]
        by = {d["code"]: d for d in defs}
        eq(sorted(by), sorted(["GDP", "FISCAL_REV", "FAI", "FDI", "DOMESTIC_CAP", "RETAIL", "EMPLOYMENT", "NEW_ENT",
                                "NEW_ENT_CAPITAL", "PROJ_SIGNED", "PROJ_CONTRACT", "ENT_1M"]),
           "the seed's indicators are built in (PROJ_* and ENT_1M fed by the projects, migration 9)")
        f = by["FISCAL_REV"]
        eq((f["name_zh"], f["unit"], f["scale"], f["periodicity"], f["additive"], f["builtin"]),
           ("一般公共預算收入", "億元", 2, "monthly", True, True), "fiscal revenue")
        check("財政一般預算收入" in f["aliases"], "the seed's name is an alias")
        eq((by["GDP"]["periodicity"], by["GDP"]["comparable_growth"], by["GDP"]["additive"]), ("quarterly", True, False), "GDP")
        eq(by["FDI"]["unit"], "億美元", "foreign capital in 億美元")
        eq(by["EMPLOYMENT"]["unit"], "人", "employment in persons")
        eq(by["NEW_ENT"]["unit"], "家", "enterprises")
        one = expect_status(self.chun.get("/api/v1/indicators/definitions/%d" % f["id"]), 200).json()
        eq(one["code"], "FISCAL_REV", "get by id")

    def test_define_and_formula(self):
        e = expect_error(self.stat.post("/api/v1/indicators/definitions", {
            "code": "REV_PER_ENT", "name_zh": "每户企业财政收入", "unit": "萬元", "periodicity": "monthly",
            "formula": "FISCAL_REV * 10000 / XYZ"}), 422, "bad_formula", "formula")
        pos = "FISCAL_REV * 10000 / XYZ".index("XYZ") + 1
        check(e["message"].startswith("position %d: unknown indicator XYZ" % pos), e["message"])
        e = expect_error(self.stat.post("/api/v1/indicators/definitions", {
            "code": "REV_PER_ENT", "name_zh": "x", "unit": "萬元", "periodicity": "monthly",
            "formula": "(FISCAL_REV * 10000"}), 422, "bad_formula", "formula")
        check(e["message"].startswith("position 20: expected ')'"), e["message"])
        expect_error(self.stat.post("/api/v1/indicators/definitions", {
            "code": "bad code", "name_zh": "x", "unit": "萬元", "periodicity": "monthly"}), 422, field="code")
        expect_error(self.stat.post("/api/v1/indicators/definitions", {
            "code": "X1", "name_zh": "x", "unit": "公斤", "periodicity": "monthly"}), 422, field="unit")
        expect_error(self.leader.post("/api/v1/indicators/definitions", {
            "code": "X1", "name_zh": "x", "unit": "萬元", "periodicity": "monthly"}), 403)
        d = expect_status(self.stat.post("/api/v1/indicators/definitions", {
            "code": "REV_PER_ENT", "name_zh": "新增企业户均注册资本", "name_en": "Capital per new enterprise",
            "unit": "萬元", "periodicity": "monthly", "formula": "NEW_ENT_CAPITAL * 10000 / NEW_ENT"}), 201).json()
        eq((d["additive"], d["scale"], d["formula"]), (False, 2, "NEW_ENT_CAPITAL * 10000 / NEW_ENT"), "formula indicator")
        expect_error(self.stat.patch("/api/v1/indicators/definitions/%d" % d["id"], {"name_zh": "y", "version": 99}), 409)
        p = expect_status(self.stat.patch("/api/v1/indicators/definitions/%d" % d["id"],
                                          {"name_zh": "新增企业户均注册资本(万元)", "version": 1}), 200).json()
        eq(p["version"], 2, "version bumped")
        # computed, never entered: 50.8億元 over 754 enterprises = 673.74萬元 each
        expect_error(self.put("REV_PER_ENT", self.district, "2030-12", "1", expect=422), 422, field="indicator")
        self.put("NEW_ENT_CAPITAL", self.district, "2030-12", "50.8", "final")
        self.put("NEW_ENT", self.district, "2030-12", "754", "final")
        items = expect_status(self.stat.get("/api/v1/indicators/values?indicator=REV_PER_ENT&unit_id=%d&year=2030"
                                            % self.district), 200).json()["items"]
        eq([(i["period"], i["value"]) for i in items], [("2030-12", "673.74")], "50.8 x 10000 / 754, half up")

    # ------------------------------------------------------------------ the seed's figures by hand
    def test_seed_figures_targets_and_table(self):
        d = self.district
        # last year: 13.08億元 (the seed's 財政一般預算收入) by the streets, and 1-6月 6.00
        street_2030 = ["2.36", "1.57", "1.31", "2.09", "1.83", "2.22", "1.70"]  # sums to 13.08
        for s, v in zip(self.streets, street_2030):
            self.put("FISCAL_REV", s, "2030-12", v, "final")
        # typed with a Chinese input method: full-width digits and point are the same number
        v = self.put("FISCAL_REV", d, "2030-06", "\uff16\uff0e\uff10\uff10", "final")
        eq(v["value"], "6.00", "full-width digits taken as typed")
        # too many digits says so, rather than "not a number"
        r = expect_error(self.put("FISCAL_REV", d, "2030-06", "99999999999999999999", expect=422), 422, field="value")
        check("too many digits" in r["message"], "the reason: %r" % r)
        v = self.put("FISCAL_REV", d, "2030-12", "13.08", "final")
        eq(v["value"], "13.08", "stored as entered")
        # a growth target turned absolute: 13.08 x 1.15 = 15.042 -> 15.04
        t = expect_status(self.stat.put("/api/v1/indicators/targets", {"indicator": "FISCAL_REV", "unit_id": d,
                                                                        "year": 2031, "growth_percent": "15"}), 200).json()
        eq((t["value"], t["exact"], t["base"], t["growth_percent"]), ("15.04", "15.042", "13.08", "15"), "target from growth")
        expect_error(self.stat.put("/api/v1/indicators/targets", {"indicator": "FISCAL_REV", "unit_id": d, "year": 2040,
                                                                  "growth_percent": "15"}), 422, "no_base")
        # split to the streets by last year's shares; the streets compose back to 15.04
        sp = expect_status(self.stat.post("/api/v1/indicators/targets/split", {
            "indicator": "FISCAL_REV", "year": 2031, "parent_unit_id": d, "by": "last_year"}), 200).json()
        eq(len(sp["targets"]), 7, "seven street targets")
        eq((sp["check"]["children_sum"], sp["check"]["difference"], sp["check"]["ok"]), ("15.04", "0.00", True), "check")
        # 15.04 x share: 2.71 1.81 1.51 2.40 2.10 2.55 1.95 = 15.03; the 0.01 left by rounding goes to
        # the largest street, 春柳 (15.04 x 2.36 / 13.08 = 2.7136 -> 2.71 + 0.01)
        got = {x["unit_id"]: x["value"] for x in sp["targets"]}
        eq([got[s] for s in self.streets], ["2.72", "1.81", "1.51", "2.40", "2.10", "2.55", "1.95"], "split by hand")
        chun = {"value": got[self.chunliu]}
        # a manual split that does not add up is reported
        bad = expect_status(self.stat.post("/api/v1/indicators/targets/split", {
            "indicator": "FISCAL_REV", "year": 2031, "parent_unit_id": d,
            "shares": [{"unit_id": self.chunliu, "value": "3.00"}]}), 200).json()
        eq((bad["check"]["ok"], bad["check"]["difference"]), (False, "-0.28"), "streets over the district by 0.28")
        expect_error(self.stat.post("/api/v1/indicators/targets/split", {
            "indicator": "FISCAL_REV", "year": 2031, "parent_unit_id": d,
            "shares": [{"unit_id": self.by_code["210204006-C1"], "value": "1"}]}), 422, field="shares[0].unit_id")
        expect_status(self.stat.post("/api/v1/indicators/targets/split", {
            "indicator": "FISCAL_REV", "year": 2031, "parent_unit_id": d,
            "shares": [{"unit_id": self.chunliu, "value": chun["value"]}]}), 200)
        chk = expect_status(self.leader.get("/api/v1/indicators/targets/check?indicator=FISCAL_REV&year=2031&parent_unit_id=%d" % d),
                            200).json()["items"][0]
        eq(chk["ok"], True, "composes back again")
        # this year: 1-5月 6.10, 1-6月 7.30
        self.put("FISCAL_REV", d, "2031-05", "6.10", "final")
        self.put("FISCAL_REV", d, "2031-06", "7.30", "preliminary")
        m, r = self.row("2031-06", "FISCAL_REV")
        eq(m["time_progress"], "50.0", "end of June: 50%")
        # 本月 7.30 - 6.10; 同比 7.30 / 6.00 - 1 = 21.67% -> 21.7; 7.30 / 15.04 = 48.537% -> 48.5;
        # gap 48.537 - 50 = -1.463 -> -1.5 (from exact figures)
        eq((r["month_value"], r["ytd"], r["yoy"], r["target"], r["completion"], r["gap"], r["light"]),
           ("1.20", "7.30", "21.7", "15.04", "48.5", "-1.5", "green"), "the table's row by hand")
        eq((r["period"], r["status"]), ("2031-06", "preliminary"), "period and status")
        # the alert of the district's fiscal revenue: green in July (1-6月 against 6/12)
        check(self.alert("FISCAL_REV", d, 2031) is None, "no alert in July")

    def test_alerts_at_month_end(self):
        d = self.district
        before = len(self.events("indicator.alert"))
        # 1 September: the June figure is stale, measured against 7/12 = 58.333%: 48.537 - 58.333 = -9.8 -> yellow
        out = self.set_clock("2031-09-01T00:30:00+08:00")
        check(out["indicator_sweep"]["evaluated"] >= 1, "the month's first sweep evaluates: %r" % out)
        self.login_all()
        a = self.alert("FISCAL_REV", d, 2031)
        check(a is not None, "an alert on 1 September")
        eq((a["level"], a["reasons"], a["gap"], a["period"]), ("yellow", ["behind_schedule"], "-9.8", "2031-06"), "yellow")
        # 1 October: against 8/12: 48.537 - 66.667 = -18.1 -> red
        self.set_clock("2031-10-01T00:30:00+08:00")
        self.login_all()
        a = self.alert("FISCAL_REV", d, 2031)
        eq((a["level"], a["gap"]), ("red", "-18.1"), "red a month later")
        evs = sorted((e for e in self.events("indicator.alert") if e["payload"].get("indicator") == "FISCAL_REV"
                      and e["payload"].get("unit_id") == d and e["payload"].get("year") == 2031), key=lambda e: e["seq"])
        eq([(e["payload"]["was"], e["payload"]["level"]) for e in evs], [("green", "yellow"), ("yellow", "red")],
           "one event per change of level")
        check(len(self.events("indicator.alert")) >= before + 2, "alert events")
        # the September figure catches up: 1-9月 11.60 -> 77.128% against 9/12 = 75% -> +2.1, green again
        self.put("FISCAL_REV", d, "2031-09", "11.60", "preliminary")
        check(self.alert("FISCAL_REV", d, 2031) is None, "green once the figure catches up")
        # negative growth: FDI 1-6月 0.90 against 1.00 a year before -> -10.0%, yellow without a target
        self.put("FDI", d, "2030-06", "1.00", "final")
        self.put("FDI", d, "2031-06", "0.90", "final")
        a = self.alert("FDI", d, 2031)
        eq((a["level"], a["reasons"], a["yoy"]), ("yellow", ["negative_growth"], "-10.0"), "negative growth")
        # the thresholds are settings
        s = expect_status(self.stat.patch("/api/v1/indicators/settings", {"yellow_gap": "3", "red_gap": "8"}), 200).json()
        eq(s, {"yellow_gap": "3", "red_gap": "8"}, "settings")
        expect_error(self.stat.patch("/api/v1/indicators/settings", {"yellow_gap": "9", "red_gap": "8"}), 422)
        expect_status(self.stat.patch("/api/v1/indicators/settings", {"yellow_gap": "5", "red_gap": "10"}), 200)

    # ------------------------------------------------------------------ revisions
    def test_revisions_and_history(self):
        d = self.district
        r = self.put("RETAIL", d, "2033-06", "120.5", "estimate", expect=True)
        expect_status(r, 201, "new value")
        v = r.json()
        eq((v["revision"], v["status"], v["value"], v["source"]), (1, "estimate", "120.5", "manual"), "first entry")
        v2 = self.put("RETAIL", d, "2033-06", "121.30", "preliminary", note="统计局初步数")
        eq((v2["id"], v2["revision"], v2["value"]), (v["id"], 2, "121.30"), "a revision of the same value")
        v3 = self.put("RETAIL", d, "2033-06", "121.30", "preliminary")
        eq((v3["revision"], v3["changed"]), (2, False), "the same again is no revision")
        v4 = self.put("RETAIL", d, "2033-06", "121.34", "最終")
        eq((v4["revision"], v4["status"]), (3, "final"), "final, entered in Chinese")
        h = expect_status(self.leader.get("/api/v1/indicators/values/%d/history" % v["id"]), 200).json()
        eq([(x["revision"], x["value"], x["status"]) for x in h["revisions"]],
           [(3, "121.34", "final"), (2, "121.30", "preliminary"), (1, "120.5", "estimate")], "every revision, newest first")
        eq(h["revisions"][1]["note"], "统计局初步数", "the note kept")
        eq(h["value"]["value"], "121.34", "the latest shown")
        evs = [e for e in self.events("indicator.value") if e["object_id"] == v["id"]]
        eq(len(evs), 3, "one event per revision")
        expect_error(self.leader.get("/api/v1/indicators/values/99999999/history"), 404)

    # ------------------------------------------------------------------ validation
    def test_validation(self):
        d = self.district
        expect_error(self.put("NOPE", d, "2034-03", "1", expect=True), 422, field="indicator")
        expect_error(self.put("FAI", d, "2034-13", "1", expect=True), 422, field="period")
        expect_error(self.put("FAI", d, "2034-01", "1", expect=True), 422, field="period")  # 1-2月 combined
        expect_error(self.put("GDP", d, "2034-05", "100", expect=True), 422, field="period")  # quarterly
        expect_error(self.put("FAI", d, "2034-03", "abc", expect=True), 422, field="value")
        expect_error(self.put("FAI", d, "2034-03", "-1", expect=True), 422, field="value")  # min 0
        expect_error(self.put("FAI", d, "2034-03", "1.0000001", expect=True), 422, field="value")
        expect_error(self.put("FAI", d, "2034-03", "1", status="guess", expect=True), 422, field="status")
        expect_error(self.put("FAI", 99999999, "2034-03", "1", expect=True), 422, field="unit_id")
        expect_error(self.stat.put("/api/v1/indicators/values", {"indicator": "FAI", "unit_id": d, "period": "2034-03",
                                                                 "value": "1", "probe": 1}), 422, field="probe")
        # quarters and years are accepted as periods
        g = self.put("GDP", d, "2034-Q2", "160.50", "preliminary", growth="7.5")
        eq((g["period"], g["growth"], g["yoy"]), ("2034-06", "7.5", "7.5"), "GDP: comparable growth published")
        # a jump against the period before: 1-3月 3.00, 1-4月 4.00 (1.00 a month), 1-5月 6.00 (2.00: +100%)
        self.put("FAI", d, "2034-03", "3.00")
        self.put("FAI", d, "2034-04", "4.00")
        e = expect_error(self.put("FAI", d, "2034-05", "6.00", expect=True), 422, "jump", "value")
        check("confirm_jump" in e["message"], e["message"])
        eq(e.get("details"), {"per_month": "2.0000", "before": "1.0000", "change_pct": "+100.0", "jump_share": "0.5"},
           "the figures, for the client to word")
        v = self.put("FAI", d, "2034-05", "6.00", confirm_jump=True)
        eq(v["month_value"], "2.00", "本月 from the cumulative figures")

    # ------------------------------------------------------------------ imports
    def test_import_all_or_nothing(self):
        db = self.srv.db
        csv = ("indicator,unit_code,period,value,status\n"
               "FISCAL_REV,210204,2035-03,3.10,final\n"
               "不存在的指标,210204,2035-03,1,final\n"
               "FAI,210204,2035-14,2,final\n"
               "RETAIL,999999,2035-03,2,final\n"
               "RETAIL,210204,2035-03,abc,初步\n")
        before = db.dump_tables(TABLES)
        ev_before = db.query("SELECT COUNT(*) FROM events WHERE action LIKE 'indicator.%'")
        for apply in (False, True):
            r = expect_status(self.stat.post("/api/v1/indicators/import", {"filename": "bad.csv", "content_base64": b64(csv),
                                                                            "apply": apply}), 200).json()
            eq((r["layout"], r["rows"], r["valid"], r["applied"]), ("long", 5, 1, 0), "counts")
            eq([(e["row"], e["column"]) for e in r["errors"]],
               [(3, "indicator"), (4, "period"), (5, "unit_code"), (6, "value")], "errors by row and column")
            wb = zipfile.ZipFile(io.BytesIO(base64.b64decode(r["error_workbook_base64"])))
            check(any("comments" in n for n in wb.namelist()), "comments in the error workbook: %r" % wb.namelist())
            check("FFFF00" in wb.read("xl/styles.xml").decode().upper(), "yellow cells")
        eq(db.dump_tables(TABLES), before, "the database unchanged, table by table")
        eq(db.query("SELECT COUNT(*) FROM events WHERE action LIKE 'indicator.%'"), ev_before, "and no event")
        # the error workbook sent back (an .xlsx with a title row) reads the same rows and errors
        r2 = expect_status(self.stat.post("/api/v1/indicators/import", {"filename": "errors.xlsx", "apply": False,
                                                                         "content_base64": r["error_workbook_base64"]}), 200).json()
        eq((r2["rows"], r2["valid"], len(r2["errors"])), (5, 1, 4), "xlsx read back")
        # fixed: everything is written in one go, one import event
        good = ("indicator,unit_code,period,value,status,growth\n"
                "FISCAL_REV,210204,2035-03,3.10,final,\n"
                "一般公共预算收入,210204006,2035-03,0.55,初步,\n"
                "GDP,210204,2035-Q1,80.1,預計,7.2\n")
        r = expect_status(self.stat.post("/api/v1/indicators/import", {"filename": "good.csv", "content_base64": b64(good),
                                                                        "apply": True}), 200).json()
        eq((r["errors"], r["applied"]), ([], 3), "applied")
        vals = expect_status(self.stat.get("/api/v1/indicators/values?year=2035"), 200).json()["items"]
        eq(sorted((v["indicator"], v["unit_id"], v["period"], v["value"], v["status"], v["source"]) for v in vals),
           sorted([("FISCAL_REV", self.district, "2035-03", "3.10", "final", "import:good.csv"),
                   ("FISCAL_REV", self.chunliu, "2035-03", "0.55", "preliminary", "import:good.csv"),
                   ("GDP", self.district, "2035-03", "80.1", "estimate", "import:good.csv")]), "values imported")
        check(any(e["payload"].get("filename") == "good.csv" for e in self.events("indicator.import")), "import event")

    def test_import_wide_layout(self):
        # the statistics bureau's table for 1-4月 2036 (本月 checked against 1-3月 when stored)
        self.put("DOMESTIC_CAP", self.district, "2036-03", "10.00", "final")
        self.put("DOMESTIC_CAP", self.district, "2035-04", "12.00", "final")
        wide = ("指标,单位,本月,1-4月累计,同比±%\n"
                "引进内资,亿元,3.50,13.50,12.5\n"
                "实名制就业,人,2500,9800,\n")
        r = expect_status(self.stat.post("/api/v1/indicators/import", {"filename": "2036年4月.csv", "content_base64": b64(wide),
                                                                        "unit_id": self.district, "apply": True}), 200).json()
        eq((r["layout"], r["errors"], r["applied"]), ("wide", [], 2), "wide table applied")
        vals = expect_status(self.stat.get("/api/v1/indicators/values?year=2036&from=2036-04&to=2036-04"), 200).json()["items"]
        eq(sorted((v["indicator"], v["value"]) for v in vals), [("DOMESTIC_CAP", "13.50"), ("EMPLOYMENT", "9800")], "values")
        bad = ("指标,单位,本月,1-4月累计,同比±%\n"
               "引进内资,万元,3.40,13.60,30\n")
        r = expect_status(self.stat.post("/api/v1/indicators/import", {"filename": "x.csv", "content_base64": b64(bad),
                                                                        "unit_id": self.district, "period": "2036-04",
                                                                        "apply": True}), 200).json()
        eq(sorted((e["row"], e["column"]) for e in r["errors"]), [(2, "单位"), (2, "同比±%"), (2, "本月")],
           "unit, 本月 and 同比 checked")
        eq(r["applied"], 0, "nothing applied")
        e = expect_error(self.stat.post("/api/v1/indicators/import", {"filename": "x.csv", "content_base64": b64(bad),
                                                                       "unit_id": self.district, "period": "2036-05"}), 422)
        eq(e["field"], "period", "period must match the table's month")

    # ------------------------------------------------------------------ scope
    def test_scope(self):
        # the demo's 2025 figures: 春柳's staff sees 春柳 only
        items = expect_status(self.chun.get("/api/v1/indicators/values?indicator=FISCAL_REV&year=2025"), 200).json()["items"]
        check(items, "春柳 sees values")
        eq({i["unit_id"] for i in items}, {self.chunliu}, "only its street")
        expect_error(self.chun.get("/api/v1/indicators/values?unit_id=%d" % self.district), 404)
        expect_error(self.malan.get("/api/v1/indicators/values/%d/history" % items[0]["id"]), 404)
        expect_status(self.chun.get("/api/v1/indicators/values/%d/history" % items[0]["id"]), 200)
        expect_error(self.chun.put("/api/v1/indicators/values", {"indicator": "FISCAL_REV", "unit_id": self.chunliu,
                                                                 "period": "2037-03", "value": "1"}), 403)
        expect_error(self.leader.put("/api/v1/indicators/values", {"indicator": "FISCAL_REV", "unit_id": self.chunliu,
                                                                   "period": "2037-03", "value": "1"}), 403)
        expect_error(self.chun.post("/api/v1/indicators/import", {"filename": "a.csv", "content_base64": b64("a")}), 403)
        # the street's month table is its own (its children are communities without figures)
        m = expect_status(self.chun.get("/api/v1/indicators/monthly?month=2026-06"), 200).json()
        eq(m["unit_id"], self.chunliu, "the street's own table")
        lead = expect_status(self.leader.get("/api/v1/indicators/monthly?month=2026-06"), 200).json()
        eq(lead["unit_id"], self.district, "the leader opens on the district")
        alerts = expect_status(self.chun.get("/api/v1/indicators/alerts"), 200).json()["items"]
        check(all(a["unit_id"] == self.chunliu for a in alerts), "alerts in scope only")
        # a street's statistician writes its street only
        admin = self.srv.session("admin")
        expect_status(admin.post("/api/v1/users", {"username": "chunliu.stat", "password": "Qx7-tundra-Lamp",
                                                   "roles": ["statistician"], "units": [self.chunliu]}), 201)
        st = dt.Session(self.srv.port)
        st.login("chunliu.stat", "Qx7-tundra-Lamp")
        expect_status(st.post("/api/v1/me/password", {"old_password": "Qx7-tundra-Lamp", "new_password": "Street-Stat-2031x"}), 200)
        body = {"indicator": "RETAIL", "period": "2037-03", "value": "1.50", "status": "preliminary"}
        expect_status(st.put("/api/v1/indicators/values", dict(body, unit_id=self.chunliu)), 201, "its street")
        expect_error(st.put("/api/v1/indicators/values", dict(body, unit_id=self.malan_id)), 404, msg="another street")
        expect_error(st.put("/api/v1/indicators/values", dict(body, unit_id=self.district)), 404, msg="the district")
        expect_error(st.post("/api/v1/indicators/definitions", {"code": "X2", "name_zh": "x", "unit": "萬元",
                                                                "periodicity": "monthly"}), 403)
        csv = "indicator,unit_code,period,value\nRETAIL,210204006,2037-04,2.00\nRETAIL,210204008,2037-04,2.00\n"
        r = expect_status(st.post("/api/v1/indicators/import", {"filename": "s.csv", "content_base64": b64(csv),
                                                                "apply": True}), 200).json()
        eq([(e["row"], e["column"]) for e in r["errors"]], [(3, "unit_code")], "马栏 is outside its scope")
        eq(r["applied"], 0, "all or nothing")

    # ------------------------------------------------------------------ the monthly pack
    def test_pack_draft_publish_and_files(self):
        from decimal import Decimal
        db = self.srv.db
        duc = self.srv.session("ducha.staff")  # supervisor: may edit and publish too
        q = "month=2026-06&unit_id=%d" % self.chunliu
        p = expect_status(self.stat.get("/api/v1/indicators/pack?" + q), 200).json()
        eq((p["state"], p["edition"], p["revision"], p["editions"]), ("auto", 1, 0, []), "nothing saved yet")
        eq(p["narrative"], p["draft"], "the working text is the draft")
        check(len(p["draft"]) >= 3 and "2026" in p["draft"][0], "a drafted narrative: %r" % p["draft"][:1])
        eq(p["untraced"], [[] for _ in p["draft"]], "the draft's numbers are all the table's")
        rev_row = [r for r in p["table"]["rows"] if r["code"] == "FISCAL_REV"][0]
        check(rev_row["ytd"] and rev_row["ytd"] in "".join(p["draft"]), "the table's figure is in the draft")
        # the staff of the street reads it, cannot edit or publish; another street does not see it
        expect_status(self.chun.get("/api/v1/indicators/pack?" + q), 200)
        expect_error(self.chun.put("/api/v1/indicators/pack/draft", {"month": "2026-06", "unit_id": self.chunliu,
                                                                     "narrative": ["x"]}), 403)
        expect_error(self.chun.post("/api/v1/indicators/pack/publish", {"month": "2026-06", "unit_id": self.chunliu}), 403)
        expect_error(self.leader.post("/api/v1/indicators/pack/publish", {"month": "2026-06", "unit_id": self.chunliu}), 403)
        expect_error(self.malan.get("/api/v1/indicators/pack?" + q), 404)
        expect_error(self.malan.get("/api/v1/indicators/pack/file?" + q), 404)

        # bad input: 4xx naming the field, nothing stored, no event
        packs = lambda: db.query("SELECT * FROM indicator_packs ORDER BY id")
        evs = lambda: int(db.query("SELECT COUNT(*) FROM events WHERE action LIKE 'indicator.pack%'")[0][0])
        before, ev0 = packs(), evs()
        base = {"month": "2026-06", "unit_id": self.chunliu}
        for body, field in [(dict(base), "narrative"), (dict(base, narrative="text"), "narrative"),
                            (dict(base, narrative=[]), "narrative"), (dict(base, narrative=["ok", 3]), "narrative"),
                            (dict(base, narrative=["  ", ""]), "narrative"), (dict(base, narrative=["x" * 9000]), "narrative"),
                            (dict(base, month="2026-13", narrative=["a"]), "month"), ({"narrative": ["a"]}, "month"),
                            (dict(base, narrative=["a"], revision="1"), "revision"),
                            (dict(base, narrative=["a"], unit_id="x"), "unit_id"),
                            (dict(base, narrative=["a"], extra=1), "extra")]:
            r = self.stat.put("/api/v1/indicators/pack/draft", body)
            check(r.status in (400, 422), "bad %r: %d %s" % (body, r.status, r.text()[:200]))
            eq(r.json()["error"]["field"], field, "the field of %r" % body)
        expect_error(self.stat.put("/api/v1/indicators/pack/draft", dict(base, unit_id=999999, narrative=["a"])), 404)
        expect_error(self.stat.post("/api/v1/indicators/pack/publish", dict(base, month="2031-13")), 422, field="month")
        e = expect_error(self.stat.post("/api/v1/indicators/pack/publish", dict(base, month="2039-06")), 422, field="month")
        eq(e["code"], "no_data", "a month without figures is not published")
        eq((packs(), evs()), (before, ev0), "bad input stores nothing")

        # an edit that says a number the table does not hold: saved, flagged
        edited = list(p["draft"])
        edited[1] = edited[1] + "另据测算,全年有望达到99999.9亿元。"
        d = expect_status(duc.put("/api/v1/indicators/pack/draft", dict(base, narrative=edited, revision=0)), 200).json()
        eq((d["edition"], d["revision"], d["state"], d["changed"]), (1, 1, "draft", True), "the first save")
        eq(d["untraced"][1], ["99999.9"], "the untraced number flagged")
        check(all(not u for i, u in enumerate(d["untraced"]) if i != 1), "the other paragraphs match")
        chk = expect_status(self.chun.post("/api/v1/indicators/pack/check", dict(base, narrative=["完成123.45亿元"])), 200).json()
        eq(chk["untraced"], [["123.45"]], "the check writes nothing and flags")
        same = expect_status(self.stat.put("/api/v1/indicators/pack/draft", dict(base, narrative=edited, revision=1)), 200).json()
        eq((same["revision"], same["changed"]), (1, False), "the same text again is a no-op")
        before, ev1 = packs(), evs()
        eq(ev1, ev0 + 1, "one draft event")
        expect_error(self.stat.put("/api/v1/indicators/pack/draft", dict(base, narrative=["other"], revision=0)), 409,
                     field="revision")
        expect_error(self.stat.post("/api/v1/indicators/pack/publish", dict(base, revision=5)), 409, field="revision")
        eq((packs(), evs()), (before, ev1), "a stale revision changes nothing")
        g = expect_status(self.stat.get("/api/v1/indicators/pack?" + q), 200).json()
        eq((g["state"], g["narrative"], g["untraced"][1]), ("draft", edited, ["99999.9"]), "the saved draft comes back")

        # publish: one event with the pack's hash; the edition is frozen
        pub = expect_status(self.stat.post("/api/v1/indicators/pack/publish", dict(base, revision=1)), 201).json()
        eq((pub["edition"], pub["state"], pub["narrative"]), (1, "published", edited), "published")
        check(len(pub["hash"]) == 64 and int(pub["hash"], 16) >= 0, "a SHA-256: %r" % pub["hash"])
        pack_id = int(db.query("SELECT id FROM indicator_packs WHERE org_unit_id = ? AND edition = 1", (self.chunliu,))[0][0])
        ev = [x for x in self.events("indicator.pack_published") if x["object_id"] == pack_id]
        eq(len(ev), 1, "one publish event")
        eq((ev[0]["payload"]["hash"], ev[0]["payload"]["edition"], ev[0]["payload"]["untraced"]), (pub["hash"], 1, 1),
           "the event carries the hash")
        e = expect_error(self.stat.post("/api/v1/indicators/pack/publish", base), 409, field="month")
        eq(e["code"], "published", "nothing to publish again")

        # the files: edition 1 frozen (its hash in a header), Chinese and the edited text inside
        html1 = expect_status(self.leader.get("/api/v1/indicators/pack/file?%s&format=html&edition=1" % q), 200)
        eq(html1.header("X-Pack-Hash"), pub["hash"], "the file is the published edition")
        t = html1.text()
        check("99999.9" in t and "一般公共预算收入" in t, "the edited narrative and the table in the HTML")
        x = expect_status(self.chun.get("/api/v1/indicators/pack/file?%s&format=xlsx&edition=1" % q), 200)
        zf = zipfile.ZipFile(io.BytesIO(x.body))
        strings = "".join(zf.read(n).decode() for n in zf.namelist() if n.startswith("xl/") and n.endswith(".xml"))
        check("99999.9" in strings and "春柳街道" in strings, "the xlsx holds the narrative and the street")
        pdf = expect_status(self.stat.get("/api/v1/indicators/pack/file?%s&format=pdf&edition=1" % q), 200)
        check(pdf.body.startswith(b"%PDF") and len(pdf.body) > 5000, "a PDF")
        expect_error(self.stat.get("/api/v1/indicators/pack/file?%s&format=doc" % q), 400, field="format")
        expect_error(self.stat.get("/api/v1/indicators/pack/file?%s&edition=9" % q), 404)

        # a revised figure changes today's table, not the published edition
        old = rev_row["ytd"]
        new = str(Decimal(old) + Decimal("0.01"))
        self.put("FISCAL_REV", self.chunliu, "2026-06", new, "final", confirm_jump=True)
        t2 = expect_status(self.stat.get("/api/v1/indicators/pack/file?%s&format=html&edition=1" % q), 200).text()
        eq(t2, t, "edition 1 renders the same, byte for byte")
        g = expect_status(self.stat.get("/api/v1/indicators/pack?" + q), 200).json()
        eq([r for r in g["table"]["rows"] if r["code"] == "FISCAL_REV"][0]["ytd"], new, "today's table moved")
        eq(g["state"], "published", "the working text is the published one")
        check(old in sum(g["untraced"], []), "the published text's old figure is flagged against today's table")

        # editing after publishing starts edition 2; edition 1 stays as it was
        d2 = expect_status(self.stat.put("/api/v1/indicators/pack/draft", dict(base, narrative=g["draft"], revision=1)), 200).json()
        eq((d2["edition"], d2["revision"], d2["state"]), (2, 1, "draft"), "the next edition")
        g = expect_status(self.stat.get("/api/v1/indicators/pack?" + q), 200).json()
        eq([(x["edition"], x["state"]) for x in g["editions"]], [(2, "draft"), (1, "published")], "the editions")
        eq(g["editions"][1]["hash"], pub["hash"], "edition 1 keeps its hash")
        draft_html = expect_status(self.stat.get("/api/v1/indicators/pack/file?%s&format=html" % q), 200)
        eq(draft_html.header("X-Pack-Hash"), None, "the draft has no hash")
        check(new in draft_html.text(), "the draft renders today's table")
        eq(expect_status(self.stat.get("/api/v1/indicators/pack/file?%s&format=html&edition=1" % q), 200).text(), t,
           "edition 1 unchanged")
        pub2 = expect_status(duc.post("/api/v1/indicators/pack/publish", dict(base, revision=1)), 201).json()
        eq(pub2["edition"], 2, "the supervisor publishes edition 2")
        check(pub2["hash"] != pub["hash"], "another hash")

    def test_import_gbk_csv(self):
        gbk = ("指标,单位代码,期别,数值,状态\n一般公共预算收入,210204006,2038-03,0.55,最终\n").encode("gbk")
        r = expect_status(self.stat.post("/api/v1/indicators/import", {"filename": "gbk.csv", "content_base64": b64(gbk),
                                                                        "apply": True}), 200).json()
        eq((r["encoding"], r["errors"], r["applied"]), ("GB18030", [], 1), "GBK detected and imported")
        r = expect_status(self.stat.post("/api/v1/indicators/import", {"filename": "bom.csv", "apply": False,
                                                                        "content_base64": b64(b"\xef\xbb\xbf" + "指标,单位代码,期别,数值\n一般公共预算收入,210204006,2038-04,0.75\n".encode())}), 200).json()
        eq((r["encoding"], r["errors"]), ("UTF-8 (BOM)", []), "a BOM")
        vals = expect_status(self.stat.get("/api/v1/indicators/values?indicator=FISCAL_REV&year=2038"), 200).json()["items"]
        eq([(v["unit_id"], v["value"]) for v in vals], [(self.chunliu, "0.55")], "the GBK value stored")

    # ------------------------------------------------------------------ the demo's statistics
    def test_demo_statistics(self):
        vals = expect_status(self.leader.get("/api/v1/indicators/values?indicator=FISCAL_REV&from=2025-12&to=2025-12"),
                             200).json()["items"]
        by_unit = {v["unit_id"]: v["value"] for v in vals}
        eq(by_unit[self.district], "13.08", "2025 fiscal revenue is the seed's 13.08億元")
        total = sum(int(by_unit[s].replace(".", "")) for s in self.streets)
        eq(total, 1308, "the district is the sum of its streets")
        check(all(v["source"] == "demo" for v in vals), "labelled as generated")
        m = expect_status(self.leader.get("/api/v1/indicators/monthly?month=2026-06"), 200).json()
        eq((m["district"], m["generated_data"]), ("沙河口区", True), "the demo's table")
        rows = {r["code"]: r for r in m["rows"]}
        eq(len(rows), 13, "the 12 built-ins (PROJ_SIGNED, PROJ_CONTRACT, ENT_1M fed by the projects) and the formula indicator")
        # the formula row, computed from the demo's figures: NEW_ENT_CAPITAL x 10000 / NEW_ENT, half up
        from decimal import Decimal, ROUND_HALF_UP
        want = (Decimal(rows["NEW_ENT_CAPITAL"]["ytd"]) * 10000 / Decimal(rows["NEW_ENT"]["ytd"])).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP)
        eq(rows["REV_PER_ENT"]["ytd"], str(want), "formula indicator in the table")

        eq((rows["FISCAL_REV"]["target"], rows["FAI"]["target"], rows["GDP"]["target"]), ("15.04", "135.70", "356.50"),
           "targets from the seed's +15% / +18% / +15%")
        ranks = sorted(s["rank"] for s in m["streets"] if s["code"] == "FISCAL_REV")
        eq(ranks, [1, 2, 3, 4, 5, 6, 7], "the streets ranked")
        trend = [t for t in m["trends"] if t["code"] == "FISCAL_REV"][0]["points"]
        eq([p["month"] for p in trend], [2, 3, 4, 5, 6], "1-2月 combined, then monthly")
        seeds = [e for e in self.events("demo.seed") if e["object_type"] == "indicator_import"]
        check(seeds and "GENERATED" in seeds[0]["payload"]["note"], "a demo.seed event says the values are generated")
